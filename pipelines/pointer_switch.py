"""The public side's pointer switched as one recoverable step with the warehouse's record of the change.

A publication or withdrawal records, in its own transaction, the pointer (`current.json`) it is about to
write; it then writes it and marks the switch done. A stop in between leaves a switch recorded and not
done, and the next command that opens the warehouse finishes it before anything else, so the public side
never stays ahead of or behind what the warehouse says is published.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from . import faults
from .files import write_atomically
from .public import POINTER
from .public import pointer as read_pointer
from .warehouse import utc_now

REPAIR_IDENTITY = "pccdash"  # the audit trail's name for the program finishing a switch on its own
# (action, version, folder) of each switch this process finished for a stopped command: a one-shot command
# that reads through another connection than the one that finished it (pccdash publish's preview) looks here
FINISHED_IN_PROCESS: list[tuple[str, int, str]] = []


def _json(body: dict) -> str:
    return json.dumps(body, sort_keys=True)


def record(con: duckdb.DuckDBPyConnection, folder: Path, action: str, version: int, body: dict,
           now: object) -> None:
    """Record the switch to `body`; call it inside the transaction that records the publication or withdrawal."""
    folder = Path(folder).resolve()
    con.execute("INSERT INTO pointer_switch (folder, action, version, pointer, previous, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [str(folder), action, version, _json(body), _json(read_pointer(folder)), now])


def switch(con: duckdb.DuckDBPyConnection, folder: Path, body: dict, *, before: str, after: str) -> None:
    """Write the pointer in one rename, then mark its recorded switch done (`before` and `after` are the fault
    points either side of the rename)."""
    folder = Path(folder).resolve()
    write_atomically(folder / POINTER, json.dumps(body).encode("utf-8"), mode=0o644,
                     before_replace=lambda: faults.point(before))
    faults.point(after)
    con.execute("UPDATE pointer_switch SET done_at = ? WHERE folder = ? AND pointer = ? AND done_at IS NULL",
                [utc_now(), str(folder), _json(body)])


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'pointer_switch'")
                .fetchall()[0][0])


def pending(con: duckdb.DuckDBPyConnection) -> int:
    """How many recorded switches are not done (0 in a warehouse older than the record of switches)."""
    if not _has_table(con):
        return 0
    return con.execute("SELECT count(*) FROM pointer_switch WHERE done_at IS NULL").fetchall()[0][0]


def finish_pending(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Finish every switch a stop left undone, oldest first; returns a sentence for each one finished.

    Idempotent: a pointer that already reads as recorded is only marked done. A pointer that reads neither
    as before nor as recorded was changed by something else since (by hand, or another warehouse publishing
    into the same folder): it is left as it is, and the audit trail says so.
    """
    if not pending(con):
        return []
    from . import audit  # only when there is something to finish: the trail's module sits above this one

    done = []
    rows = con.execute("SELECT switch_id, folder, action, version, pointer, previous FROM pointer_switch "
                       "WHERE done_at IS NULL ORDER BY switch_id").fetchall()
    for switch_id, folder_text, action, version, body_text, previous_text in rows:
        folder, body, previous = Path(folder_text), json.loads(body_text), json.loads(previous_text)
        now = read_pointer(folder)
        what = f"the {'publication' if action == 'publish' else 'withdrawal'} of snapshot {version}"
        if now == body:
            outcome = f'{what} had switched "{folder / POINTER}" before the stop; the switch is now recorded as done'
        elif now == previous and folder.is_dir():
            write_atomically(folder / POINTER, json.dumps(body).encode("utf-8"), mode=0o644)
            outcome = f'{what} was recorded but "{folder / POINTER}" had not been switched; it is switched now'
        else:
            outcome = (f'{what} was recorded but "{folder / POINTER}" has since been changed by something else '
                       "(or its folder is gone); it was left as it is")
        with audit.transaction(con):
            con.execute("UPDATE pointer_switch SET done_at = ? WHERE switch_id = ?", [utc_now(), switch_id])
            audit.record(con, audit.system_actor(REPAIR_IDENTITY), "finish_switch", subject=f"snapshot {version}",
                         detail=outcome)
        done.append(outcome[0].upper() + outcome[1:] + ".")
        # kept with this connection, so the command it opens for knows that it was the stopped one run again
        con.execute("CREATE TEMP TABLE IF NOT EXISTS pointer_switch_finished "
                    "(action VARCHAR, version INTEGER, folder VARCHAR)")
        con.execute("INSERT INTO pointer_switch_finished VALUES (?, ?, ?)", [action, version, folder_text])
        FINISHED_IN_PROCESS.append((action, version, folder_text))
    return done


def finished_on_opening(con: duckdb.DuckDBPyConnection, action: str, folder: Path) -> int | None:
    """The snapshot whose stopped `action` (publish or withdraw) into `folder` this connection finished on
    opening, if any; asked once, so a second request on the same connection is a request of its own."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary "
                       "AND table_name = 'pointer_switch_finished'").fetchall()[0][0]:
        return None
    where = [action, str(Path(folder).resolve())]
    found = con.execute("SELECT max(version) FROM pointer_switch_finished WHERE action = ? AND folder = ?",
                        where).fetchall()[0][0]
    con.execute("DELETE FROM pointer_switch_finished WHERE action = ? AND folder = ?", where)
    return found
