"""The police.uk records, kept in a file of their own beside the warehouse.

Every record of every accepted police.uk file is kept so that any count traces to its rows: tens of millions
of rows for a force over the years, and almost all of the bytes. No page reads them; only a police.uk load
(which counts them) and tracing do. So they live in `<warehouse>.records.duckdb`, and the warehouse itself
holds what the dashboard reads: the readers' copy made after each write is the size of that, and a flag
costs the same whether one month of police.uk data is loaded or fifteen years.

Two files cannot share a transaction (DuckDB writes one attached database per transaction). A police.uk
load therefore commits the file's records first, with a line in `police_uk_record_file` (then gives them their
row numbers in a second transaction of the records file), and then accepts the file in the warehouse's own
transaction (`police_uk_month` names it). Records of a file the warehouse
has not accepted (refused, or a stop between the two commits) are never counted, since every count is made
in the load that accepts them, and they are deleted the next time the warehouse is opened for writing. A
marker file beside the records says that a load has records not yet accepted: an open looks for such records
only when it is there. A write attaches the records file (commands and tracing read `police_uk_record` through
it), but a small write changes nothing in it, and its checkpoint on closing costs a fraction of a millisecond.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from pathlib import Path

import duckdb

from . import faults

ALIAS = "pccdash_records"
TABLE = f"{ALIAS}.police_uk_record"
_COMPACTING = ".compacting"
# The warehouse is written in blocks of 32 KiB, not DuckDB's 256 KiB: it holds some 45 tables of a few thousand
# rows each, and every table and key takes at least part of a block of its own, so the sample's warehouse takes
# 9.4 MiB in 256 KiB blocks and 1.6 MiB in 32 KiB ones (a warehouse of two years' returns, 16 MiB and 2.7 MiB).
# Every write copies the whole file for readers, so a write costs less the smaller it is. Below 32 KiB a large
# table (a return of a million rows, with its keys) takes more room than in 256 KiB blocks. The police.uk
# records, tens of millions of rows, keep DuckDB's own block size in their own file.
WAREHOUSE_BLOCK_SIZE = 32_768

COLUMNS = """(
    file_id      INTEGER NOT NULL,   -- the file it came from (the warehouse's file_registry)
    kind         VARCHAR NOT NULL,   -- street | outcomes
    source_row   INTEGER NOT NULL,   -- row as a spreadsheet numbers it (the header is row 1)
    crime_id     VARCHAR,            -- "Crime ID"; empty for anti-social behaviour
    period       DATE,               -- "Month" as its first day (street: month recorded; outcomes: of the outcome)
    month_text   VARCHAR,            -- "Month" as written
    reported_by  VARCHAR,
    falls_within VARCHAR,
    longitude    DOUBLE,             -- an approximate (anonymised) map point; empty with no location
    latitude     DOUBLE,
    coordinates_text VARCHAR,        -- "Longitude, Latitude" as written when they are not a pair of numbers
    location     VARCHAR,
    lsoa_code    VARCHAR,
    lsoa_name    VARCHAR,
    crime_type   VARCHAR,            -- street only
    last_outcome VARCHAR,            -- street: "Last outcome category"
    outcome_type VARCHAR,            -- outcomes: "Outcome type"
    context      VARCHAR,
    district     VARCHAR NOT NULL    -- a district of the force, 'Outside force area' or 'No location'
)"""
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} {COLUMNS};
-- the files whose records are here: one line each, written in the same transaction as the records
CREATE TABLE IF NOT EXISTS {ALIAS}.police_uk_record_file (
    file_id      INTEGER PRIMARY KEY,
    kind         VARCHAR NOT NULL,
    records      BIGINT NOT NULL
);
"""


def path_of(warehouse: Path) -> Path:
    """The records file of the warehouse at `warehouse`."""
    return warehouse.with_name(warehouse.stem + ".records" + warehouse.suffix)


def marker_path(warehouse: Path) -> Path:
    """The marker of police.uk records a stopped load left unnumbered, beside the warehouse at `warehouse`."""
    return warehouse.with_name(warehouse.stem + ".records.pending")


def is_attached(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the police.uk records file is attached to `con`."""
    found = con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [ALIAS]).fetchall()
    return bool(found[0][0])


def _warehouse_of(con: duckdb.DuckDBPyConnection) -> Path:
    return Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchall()[0][0])


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def attach(con: duckdb.DuckDBPyConnection, warehouse: Path | None = None, *, read_only: bool = False,
           create: bool = False) -> bool:
    """Attach the records file as `pccdash_records` (made, with its tables, when `create`); whether it is."""
    if is_attached(con):
        return True
    path = path_of(warehouse or _warehouse_of(con))
    if not path.exists() and (read_only or not create):
        return False
    con.execute(f"ATTACH {_quoted(path)} AS {ALIAS}{' (READ_ONLY)' if read_only else ''}")
    if not read_only:
        con.execute(SCHEMA)
    expose(con)
    return True


def set_aside(warehouse: Path) -> Path | None:
    """A new warehouse found a records file beside it, left by a warehouse removed before it: rename it aside
    (nothing is deleted), so that the new warehouse's files are not mixed with the old one's records."""
    path = path_of(warehouse)
    if not path.exists():
        return None
    now, n = time.strftime('%Y%m%dT%H%M%S'), 1
    aside = path.with_name(f"{path.name}.set-aside-{now}")
    while aside.exists() or aside.with_name(aside.name + ".wal").exists():  # one set aside in the same second
        n += 1
        aside = path.with_name(f"{path.name}.set-aside-{now}-{n}")
    os.replace(path, aside)
    for extra in (".wal",):
        if path.with_name(path.name + extra).exists():
            os.replace(path.with_name(path.name + extra), aside.with_name(aside.name + extra))
    marker_path(warehouse).unlink(missing_ok=True)
    print(f'Note: "{path.name}" held police.uk records of a warehouse removed before this one was made; it is '
          f'kept as "{aside.name}".', file=sys.stderr)
    return aside


CURRENT_VIEW = "police_uk_record_current"


def expose(con: duckdb.DuckDBPyConnection) -> None:
    """Let this connection name the records as the warehouse once held them: `police_uk_record` (found through
    the search path) and `police_uk_record_current`, the records behind the current counts (a view of this
    connection's own, since it joins the two files)."""
    name = con.execute("SELECT current_database()").fetchall()[0][0]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return  # a warehouse file whose name is not a plain identifier: its records are named in full only
    con.execute(f"SET search_path = '{name}.main,{ALIAS}.main'")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW {CURRENT_VIEW} AS
                    SELECT r.*, m.revision FROM {TABLE} r
                    JOIN "{name}".main.police_uk_month_current m
                      ON m.file_id = r.file_id AND m.kind = r.kind AND m.falls_within = r.falls_within
                     AND m.period = r.period""")


def for_load(con: duckdb.DuckDBPyConnection) -> str:
    """The records table a police.uk load writes to, attached (and made) if it is not yet."""
    attach(con, create=True)
    return TABLE


def expect(con: duckdb.DuckDBPyConnection) -> None:
    """Before a load commits records the warehouse has not accepted yet: leave the marker that says so."""
    marker = marker_path(_warehouse_of(con))
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write("A police.uk load has records here that the warehouse has not accepted yet.\n")
        fh.flush()
        os.fsync(fh.fileno())


def settled(con: duckdb.DuckDBPyConnection) -> None:
    """The warehouse accepted the load's records, or they were deleted: take the marker away."""
    marker_path(_warehouse_of(con)).unlink(missing_ok=True)


def tidy(con: duckdb.DuckDBPyConnection, warehouse: Path) -> int:
    """Delete the records of every file the warehouse has not accepted (when a marker says a load left some);
    how many files they came from."""
    if not marker_path(warehouse).exists():
        return 0
    if not attach(con, warehouse):
        marker_path(warehouse).unlink()
        return 0
    orphans = [f for (f,) in con.execute(
        f"SELECT file_id FROM {ALIAS}.police_uk_record_file "
        "WHERE file_id NOT IN (SELECT file_id FROM police_uk_month)").fetchall()]
    forget(con, orphans)
    return len(orphans)


def forget(con: duckdb.DuckDBPyConnection, file_ids: list[int]) -> None:
    """Delete these files' records, in a transaction of their own, and take the marker away."""
    if file_ids:
        con.execute("BEGIN TRANSACTION")
        try:
            for file_id in file_ids:
                clear(con, file_id)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute(f"CHECKPOINT {ALIAS}")
    settled(con)


def clear(con: duckdb.DuckDBPyConnection, file_id: int) -> None:
    """Delete any records under this file number, in the caller's transaction."""
    for table in ("police_uk_record", "police_uk_record_file"):
        con.execute(f"DELETE FROM {ALIAS}.{table} WHERE file_id = ?", [file_id])


def checkpoint(con: duckdb.DuckDBPyConnection, attached: bool = False) -> None:
    """Write the records file's changes into it, when it is attached: `attached` when the caller knows it is (it
    attached them itself: nothing detaches them), else DuckDB's list of databases is asked (a load may have)."""
    if attached or is_attached(con):
        con.execute(f"CHECKPOINT {ALIAS}")


def keep_apart(con: duckdb.DuckDBPyConnection, warehouse: Path) -> bool:
    """Move the records a warehouse made before they were kept apart into the records file, then write the
    warehouse again without the space they took. True when the warehouse file was replaced (reopen it).

    Each step can be stopped and run again: the records are copied (replacing any copy a stop left) in one
    transaction, then dropped from the warehouse in another, then the warehouse is copied into a new file that
    replaces it in one rename; a stop before the rename leaves the copy half made, which the next open makes
    again."""
    leftover = warehouse.with_name(warehouse.name + _COMPACTING)
    old = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                      "AND schema_name = 'main' AND table_name = 'police_uk_record'").fetchall()[0][0]
    if not old and not leftover.exists():
        return False
    if old:
        attach(con, warehouse, create=True)
        moved = con.execute("SELECT count(*) FROM main.police_uk_record").fetchall()[0][0]
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"DELETE FROM {ALIAS}.police_uk_record WHERE file_id IN "
                        "(SELECT DISTINCT file_id FROM main.police_uk_record)")
            con.execute(f"DELETE FROM {ALIAS}.police_uk_record_file WHERE file_id IN "
                        "(SELECT DISTINCT file_id FROM main.police_uk_record)")
            con.execute(f"INSERT INTO {ALIAS}.police_uk_record BY NAME SELECT * FROM main.police_uk_record")
            con.execute(f"INSERT INTO {ALIAS}.police_uk_record_file SELECT file_id, any_value(kind), count(*) "
                        "FROM main.police_uk_record GROUP BY file_id")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute(f"CHECKPOINT {ALIAS}")
        con.execute("BEGIN TRANSACTION")
        con.execute("DROP VIEW IF EXISTS main.police_uk_record_current")
        con.execute("DROP TABLE main.police_uk_record")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        if not moved:
            return False
    _compact(con, warehouse, leftover)
    return True


def block_size(con: duckdb.DuckDBPyConnection) -> int:
    """The size of the blocks this connection's database file is written in."""
    return con.execute("SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()"
                       ).fetchall()[0][0]


def resize(con: duckdb.DuckDBPyConnection, warehouse: Path) -> bool:
    """Write a warehouse made in blocks of another size (by an earlier version) anew in `WAREHOUSE_BLOCK_SIZE`
    blocks, into a fresh file that replaces it in one rename; True when it was (reopen it). A stop part way leaves
    the copy half made, which the next open makes again (`keep_apart`)."""
    if block_size(con) == WAREHOUSE_BLOCK_SIZE:
        return False
    con.execute("CHECKPOINT")
    _compact(con, warehouse, warehouse.with_name(warehouse.name + _COMPACTING))
    return True


def rewrite(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    """Write the warehouse anew into a fresh file that replaces it, leaving behind what its unused space held. `con`
    holds the old file until its caller closes it, and writes nothing more; a stop part-way leaves the copy half
    made, which the next open makes again (`keep_apart`)."""
    _compact(con, warehouse, warehouse.with_name(warehouse.name + _COMPACTING))


def _compact(con: duckdb.DuckDBPyConnection, warehouse: Path, target: Path) -> None:
    """Copy the warehouse into a new file, in `WAREHOUSE_BLOCK_SIZE` blocks, and rename it into place (DuckDB does
    not give freed space back). `con` holds the old file until its caller closes it, and writes nothing more."""
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    name = con.execute("SELECT current_database()").fetchall()[0][0]
    con.execute(f"ATTACH {_quoted(target)} AS pccdash_compact (BLOCK_SIZE {WAREHOUSE_BLOCK_SIZE})")
    try:
        con.execute(f'COPY FROM DATABASE "{name}" TO pccdash_compact')
    finally:
        con.execute("DETACH pccdash_compact")
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    faults.point("compact_before_rename")
    os.replace(target, warehouse)
    faults.point("compact_after_rename")
