"""The police.uk records live in a file of their own beside the warehouse: the readers' copy and every write
carry only what the dashboard reads, and a warehouse that still holds its records is moved apart on opening."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from helpers import run_pccdash

from pipelines import records, warehouse
from pipelines.warehouse import scalar

SAMPLE_STREET = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"
OLD_RECORDS = 300_000


def tables(path: Path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def rows_of(path: Path, skip: set[str]) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()
                for t in sorted(tables(path) - skip)}


def test_the_police_uk_records_are_kept_apart_from_what_the_dashboard_reads(tmp_path):
    db = tmp_path / "wh.duckdb"
    street = SAMPLE_STREET / "2017-11-south-yorkshire-street.sample.csv"
    with open(street, encoding="utf-8") as fh:
        expected = sum(1 for _ in fh) - 1
    done = run_pccdash("ingest", street, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "police_uk_record" not in tables(db)
    assert "police_uk_record" not in tables(warehouse.read_copy_path(db))
    with duckdb.connect(str(records.path_of(db)), read_only=True) as con:
        assert scalar(con, "SELECT count(*) FROM police_uk_record") == expected
        assert con.execute("SELECT kind, records FROM police_uk_record_file").fetchall() == [("street", expected)]
    with warehouse.connect_read_only(db) as con:  # a command reads them through the warehouse
        assert scalar(con, f"SELECT count(*) FROM {records.TABLE}") == expected
        assert scalar(con, "SELECT sum(records) FROM police_uk_month") == expected


def old_warehouse(path: Path) -> None:
    """A warehouse as made before the records were kept apart: every record inside it."""
    con = duckdb.connect(str(path))
    warehouse.migrate(con)
    file_id = scalar(con, "SELECT nextval('file_id_seq')")
    con.execute("INSERT INTO file_registry (file_id, sha256, name, path, size_bytes, received_at, loaded_by, "
                "file_type, layout, rows_read, outcome) VALUES (?, 'x', 'old.csv', 'old.csv', 1, ?, 't', 'csv', "
                "'police_uk_street', ?, 'accepted')", [file_id, dt.datetime(2024, 1, 2), OLD_RECORDS])
    con.execute("INSERT INTO police_uk_record (file_id, kind, source_row, crime_id, period, month_text, falls_within, "
                "location, crime_type, district) SELECT ?, 'street', i + 2, md5(i::VARCHAR), DATE '2023-12-01', "
                "'2023-12', 'South Yorkshire Police', 'On or near Street ' || (i % 997), 'Burglary', 'Sheffield' "
                "FROM range(?) r(i)", [file_id, OLD_RECORDS])
    con.execute("INSERT INTO police_uk_month VALUES ('street', 'South Yorkshire Police', DATE '2023-12-01', 1, "
                "?, ?, ?)", [file_id, OLD_RECORDS, dt.datetime(2024, 1, 2)])
    con.execute("CHECKPOINT")
    con.close()


def test_a_warehouse_holding_its_records_moves_them_apart_and_shrinks_losing_nothing(tmp_path):
    db = tmp_path / "wh.duckdb"
    old_warehouse(db)
    kept = rows_of(db, skip={"police_uk_record"})
    with duckdb.connect(str(db), read_only=True) as con:
        old_records = con.execute("SELECT * FROM police_uk_record ORDER BY ALL").fetchall()
    size = db.stat().st_size

    with warehouse.connect(db) as con:
        assert scalar(con, "SELECT nextval('file_id_seq')") == 2  # the sequence carried on
        con.execute("SELECT setval('file_id_seq', 1)")
    assert "police_uk_record" not in tables(db)
    assert rows_of(db, skip=set()) == kept
    assert db.stat().st_size < size / 3, (db.stat().st_size, size)
    with duckdb.connect(str(records.path_of(db)), read_only=True) as con:
        assert con.execute("SELECT * FROM police_uk_record ORDER BY ALL").fetchall() == old_records
        assert con.execute("SELECT file_id, records FROM police_uk_record_file").fetchall() == [(1, OLD_RECORDS)]
    assert not list(tmp_path.glob("*.compacting"))

    again = rows_of(db, set())
    with warehouse.connect(db):  # nothing more to move
        pass
    assert rows_of(db, set()) == again


def test_a_stop_while_the_smaller_warehouse_was_being_written_is_finished_by_the_next_open(tmp_path):
    db = tmp_path / "wh.duckdb"
    old_warehouse(db)
    with warehouse.connect(db):
        pass
    kept = rows_of(db, set())
    (tmp_path / "wh.duckdb.compacting").write_bytes(b"half a copy")  # as a stop part way through leaves it
    with warehouse.connect(db):
        pass
    assert rows_of(db, set()) == kept
    assert not (tmp_path / "wh.duckdb.compacting").exists()


def test_a_new_warehouse_sets_aside_the_records_a_removed_one_left_and_loads_its_own(tmp_path):
    db = tmp_path / "wh.duckdb"
    street = SAMPLE_STREET / "2017-11-south-yorkshire-street.sample.csv"
    assert run_pccdash("ingest", street, "--db", db).returncode == 0
    old_records = records.path_of(db).read_bytes()
    for path in (db, warehouse.read_copy_path(db)):  # removed, to start again, without the records beside it
        path.unlink()
    again = run_pccdash("ingest", street, "--db", db)
    assert again.returncode == 0, again.stderr
    assert "kept as" in again.stderr
    [aside] = tmp_path.glob("wh.records.duckdb.set-aside-*")
    assert aside.read_bytes() == old_records
    with warehouse.connect_read_only(db) as con:
        assert scalar(con, f"SELECT count(*) FROM {records.TABLE}") == scalar(
            con, "SELECT sum(records) FROM police_uk_month")


def test_records_set_aside_twice_in_one_second_are_both_kept(tmp_path, monkeypatch):
    """The name set aside is to the second, and a rename replaces a file of the same name: the first records set
    aside were lost."""
    db = tmp_path / "wh.duckdb"
    monkeypatch.setattr(records.time, "strftime", lambda fmt, *a: "20261206T153000")
    for content in (b"the first", b"the second"):
        records.path_of(db).write_bytes(content)
        records.set_aside(db)
    assert sorted(p.read_bytes() for p in tmp_path.glob("wh.records.duckdb.set-aside-*")) == [b"the first",
                                                                                              b"the second"]


def test_the_records_are_still_named_as_before_on_a_connection_to_the_warehouse(tmp_path):
    db = tmp_path / "wh.duckdb"
    street = SAMPLE_STREET / "2017-11-south-yorkshire-street.sample.csv"
    assert run_pccdash("ingest", street, "--db", db).returncode == 0
    for opened in (warehouse.connect, warehouse.connect_read_only):
        with opened(db) as con:
            records_now = scalar(con, "SELECT count(*) FROM police_uk_record")
            assert records_now == scalar(con, "SELECT count(*) FROM police_uk_record_current") == scalar(
                con, "SELECT sum(records) FROM police_uk_month_current")
