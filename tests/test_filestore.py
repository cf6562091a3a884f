"""The file store beside the warehouse hands back exactly the bytes it was given, or says clearly why it cannot."""

from __future__ import annotations

import hashlib

import pytest

from pipelines import filestore
from pipelines.errors import PccDashError


def test_put_keeps_bytes_under_their_hash_beside_the_warehouse_and_get_returns_them(db):
    data = b"%PDF-1.4 a pack"
    digest = filestore.put(db, data)
    assert digest == hashlib.sha256(data).hexdigest()
    kept = db.parent / "wh.files" / digest[:2] / digest
    assert kept.read_bytes() == data
    assert filestore.get(db, digest) == data


def test_the_same_bytes_are_stored_once(db):
    first = filestore.put(db, b"same")
    mtime = filestore.path_of(db, first).stat().st_mtime_ns
    assert filestore.put(db, b"same") == first
    assert filestore.path_of(db, first).stat().st_mtime_ns == mtime
    assert [p.name for p in (db.parent / "wh.files").rglob("*") if p.is_file()] == [first]


def test_a_tampered_file_is_refused_with_a_sentence_and_put_mends_it(db):
    digest = filestore.put(db, b"the original")
    filestore.path_of(db, digest).write_bytes(b"the original, edited")
    with pytest.raises(filestore.StoredFileAltered, match="has been changed since it was stored") as caught:
        filestore.get(db, digest)
    assert isinstance(caught.value, PccDashError)
    assert filestore.put(db, b"the original") == digest
    assert filestore.get(db, digest) == b"the original"


def test_a_missing_file_or_a_bad_hash_is_refused_with_a_sentence(db):
    with pytest.raises(filestore.StoredFileMissing, match="is missing from"):
        filestore.get(db, "ab" * 32)
    with pytest.raises(filestore.StoredFileMissing, match="is not a SHA-256 hash"):
        filestore.get(db, "../../etc/passwd")


def test_a_file_this_account_may_not_read_is_refused_with_a_sentence(db, monkeypatch):
    """Kept readable by the account that stored it only: another account asking for it is told so, and what to do,
    not that the command stopped on a fault it did not expect."""
    from pathlib import Path

    digest = filestore.put(db, b"a return as received")
    kept, read = filestore.path_of(db, digest), Path.read_bytes

    def refused(self):
        if self == kept:
            raise PermissionError(13, "Permission denied", str(self))
        return read(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(filestore.StoredFileUnreadable, match="is not allowed to open it") as caught:
        filestore.get(db, digest)
    assert isinstance(caught.value, PccDashError)
    assert str(kept) in str(caught.value) and "administrator" in str(caught.value)


def test_a_keeper_names_what_it_was_given_by_its_hash_or_leaves_nothing(db):
    data = b"period,district,measure,value\n"
    with filestore.Keeper(db) as keeper:
        keeper.write(data[:10])
        keeper.write(data[10:])
        assert keeper.keep(hashlib.sha256(data).hexdigest()) == hashlib.sha256(data).hexdigest()
    assert filestore.get(db, hashlib.sha256(data).hexdigest()) == data
    with pytest.raises(RuntimeError), filestore.Keeper(db) as keeper:  # stopped before its hash was known
        keeper.write(b"half a file")
        raise RuntimeError
    assert [p.name for p in (db.parent / "wh.files").rglob("*") if p.is_file()] == [hashlib.sha256(data).hexdigest()]


def test_what_a_stopped_load_was_keeping_is_cleared_by_a_later_load_once_a_day_old(db):
    import os
    import time

    root = db.parent / "wh.files"
    root.mkdir()
    old, recent = root / ".incoming.old.tmp", root / ".incoming.recent.tmp"
    old.write_bytes(b"a load killed yesterday")
    recent.write_bytes(b"a load still writing")
    os.utime(old, (time.time() - filestore.STALE_SECONDS - 60,) * 2)
    with filestore.Keeper(db) as keeper:
        keeper.write(b"x")
        keeper.keep(hashlib.sha256(b"x").hexdigest())
    assert not old.exists() and recent.exists()
