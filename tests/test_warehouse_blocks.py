"""The warehouse is written in small blocks, so that the copy every write makes for readers is small: a new
warehouse is made so, and one an earlier version made in DuckDB's own larger blocks is written anew on its first
write, losing nothing; the police.uk records keep DuckDB's own size in their file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from helpers import ROOT, run_pccdash

from pipelines import records, warehouse

SAMPLE_STREET = (Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"
                 / "2017-11-south-yorkshire-street.sample.csv")
DUCKDB_OWN = 262_144  # DuckDB's block size for a file made without saying one


def block_size(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT block_size FROM pragma_database_size()").fetchall()[0][0]


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows and every sequence's value, as read from the file."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        out = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}
        out["sequences"] = con.execute("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1"
                                       ).fetchall()
        out["views"] = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
        out["indexes"] = con.execute("SELECT table_name, constraint_type FROM duckdb_constraints() ORDER BY ALL"
                                     ).fetchall()
    return out


def large_block_warehouse(db: Path, work: Path) -> None:
    """The warehouse at `db` as an earlier version left it: the same contents, in DuckDB's own 256 KiB blocks."""
    made = work / "made.duckdb"
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{db}' AS w (READ_ONLY)")
        con.execute(f"ATTACH '{made}' AS big (BLOCK_SIZE {DUCKDB_OWN})")
        con.execute("COPY FROM DATABASE w TO big")
    os.replace(made, db)
    warehouse.read_copy_path(db).unlink(missing_ok=True)


def loaded(tmp_path: Path) -> Path:
    db = tmp_path / "wh.duckdb"
    assert run_pccdash("ingest", SAMPLE_STREET, "--db", db).returncode == 0
    return db


def test_a_new_warehouse_and_its_readers_copy_are_written_in_small_blocks_and_the_records_in_duckdbs_own(tmp_path):
    db = loaded(tmp_path)
    assert records.WAREHOUSE_BLOCK_SIZE < DUCKDB_OWN
    assert block_size(db) == records.WAREHOUSE_BLOCK_SIZE
    assert block_size(warehouse.read_copy_path(db)) == records.WAREHOUSE_BLOCK_SIZE
    assert block_size(records.path_of(db)) == DUCKDB_OWN


def test_a_warehouse_made_in_larger_blocks_is_written_anew_in_small_ones_on_its_first_write_losing_nothing(
        tmp_path):
    db = loaded(tmp_path)
    large_block_warehouse(db, tmp_path)
    assert block_size(db) == DUCKDB_OWN
    kept, size = contents(db), db.stat().st_size

    with warehouse.connect_read_only(db) as con:  # a reader leaves it as it is
        assert con.execute("SELECT count(*) FROM police_uk_month").fetchall() == [(1,)]
    assert block_size(db) == DUCKDB_OWN

    with warehouse.connect(db) as con:  # a write, here a new file number taken
        con.execute("SELECT nextval('file_id_seq')").fetchall()
    assert block_size(db) == records.WAREHOUSE_BLOCK_SIZE
    after = contents(db)
    assert after["sequences"] != kept["sequences"]  # the number taken by the write
    assert {k: v for k, v in after.items() if k != "sequences"} == {k: v for k, v in kept.items() if k != "sequences"}
    assert db.stat().st_size < size / 2, (db.stat().st_size, size)
    assert warehouse.read_copy_path(db).stat().st_size == db.stat().st_size
    assert not list(tmp_path.glob("*.compacting"))

    with warehouse.connect_read_only(db) as con:  # the records are read through it as before
        assert con.execute(f"SELECT count(*) FROM {records.TABLE}").fetchall()[0][0] > 0


def test_a_stop_while_a_warehouse_was_written_anew_in_small_blocks_is_made_good_by_the_next_open(tmp_path):
    db = loaded(tmp_path)
    large_block_warehouse(db, tmp_path)
    kept = contents(db)
    (tmp_path / "wh.duckdb.compacting").write_bytes(b"half a copy")  # as a stop part way through leaves it
    assert run_pccdash("ingest", SAMPLE_STREET, "--db", db).returncode == 0  # the file is there: nothing to load
    assert block_size(db) == records.WAREHOUSE_BLOCK_SIZE
    assert contents(db) == kept
    assert not (tmp_path / "wh.duckdb.compacting").exists()


def test_after_a_year_of_returns_and_publications_the_warehouse_and_every_snapshot_are_in_small_blocks(office_year):
    snapshots = sorted(office_year.published.glob("snapshot-*.duckdb"))
    assert len(snapshots) > 10
    for path in [office_year.db, warehouse.read_copy_path(office_year.db), *snapshots]:
        assert block_size(path) == records.WAREHOUSE_BLOCK_SIZE, path.name
    assert max(p.stat().st_size for p in snapshots) < 1024 * 1024  # 2.6 MiB and more each in DuckDB's own blocks


@pytest.mark.parametrize("point", ["compact_before_rename", "compact_after_rename"])
def test_a_process_killed_while_the_warehouse_is_written_anew_leaves_it_whole_and_the_next_command_finishes(
        tmp_path, point):
    db = loaded(tmp_path)
    large_block_warehouse(db, tmp_path)
    kept = contents(db)
    child = "import sys\nfrom pipelines import warehouse\nwith warehouse.connect(sys.argv[1]):\n    pass\n"
    killed = subprocess.run([sys.executable, "-c", child, str(db)], cwd=ROOT, capture_output=True, timeout=120,
                            env={**os.environ, "PCCDASH_FAILPOINT": point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # as before (the old file, in its old blocks) or after (the new one): whole, holding the same
    assert block_size(db) == (DUCKDB_OWN if point == "compact_before_rename" else records.WAREHOUSE_BLOCK_SIZE)
    assert contents(db) == kept

    assert run_pccdash("files", "--db", db).returncode == 0  # the next command, a reader, reads it as it is
    with warehouse.connect(db):  # the next write finishes it
        pass
    assert block_size(db) == records.WAREHOUSE_BLOCK_SIZE
    assert contents(db) == kept
    assert contents(warehouse.read_copy_path(db)) == kept
    assert not list(tmp_path.glob("*.compacting"))
