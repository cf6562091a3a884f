"""Named points where a test can make the process die, to prove a load is all or nothing.

Set `PCCDASH_FAILPOINT` to a point's name and the process kills itself with SIGKILL on reaching it,
as a power cut or an out-of-memory kill would. Unset, each call costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

POINTS = ("police_uk_records_unnumbered", "police_uk_records_committed", "ingest_before_commit", "ingest_after_commit",
          "read_copy_before_swap",
          # the warehouse written anew into a fresh file (smaller blocks, its records moved apart, an erasure): the
          # copy whole and made durable, before and after its rename over the warehouse
          "compact_before_rename", "compact_after_rename",
          # publishing and withdrawing, in the order they are reached (withdrawal writes no snapshot)
          "publish_before_rename", "publish_after_rename", "publish_before_record", "publish_after_record",
          "publish_before_switch", "publish_after_switch",
          "withdraw_before_record", "withdraw_after_record", "withdraw_before_switch", "withdraw_after_switch",
          # a release (pointer and static site) built whole in its temporary folder, before its rename into place
          "release_before_rename",
          # a backup copied whole into its hidden folder, before its record is written; an archive part written
          "backup_before_manifest", "backup_archive_before_manifest",
          # a restore: part way through copying each part beside its place, all copied, (after each step it then
          # takes, "restore_after_step_N", N from 1) all in place, the warehouse opened
          "restore_copying", "restore_before_placing", "restore_merge_part_way", "restore_before_open",
          "restore_before_done")


def point(name: str) -> None:
    if os.environ.get("PCCDASH_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
