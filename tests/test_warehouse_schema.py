"""The schema is made by versioned SQL files applied in order, so an older warehouse upgrades in place."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import warehouse
from pipelines.errors import WarehouseError, WarehouseLocked, WarehouseUnwritable


def test_migration_files_are_numbered_without_gaps_and_each_opens_with_a_comment():
    found = warehouse.migrations()
    assert [v for v, _, _ in found] == list(range(1, len(found) + 1))
    for _, _, path in found:
        assert path.read_text().startswith("--"), f"{path.name} should open with a comment on what it makes"


def test_a_new_warehouse_gets_every_migration(db):
    with warehouse.connect(db) as con:
        assert warehouse.schema_version(con) == warehouse.migrations()[-1][0]
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"file_registry", "figure_revision", "figure", "ingest_problem", "schema_migration",
            "figure_breakdown_revision", "figure_breakdown", "breakdown_coverage"} <= tables


def test_an_older_warehouse_is_upgraded_and_keeps_its_rows(db, monkeypatch, tmp_path):
    # Build a warehouse that only has migration 1, holding a figure, then let the full set run.
    only_first = tmp_path / "first"
    only_first.mkdir()
    first = warehouse.migrations()[0][2]
    (only_first / first.name).write_text(first.read_text())
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", only_first)
    with warehouse.connect(db) as con:
        con.execute("INSERT INTO file_registry (sha256, name, size_bytes, received_at, outcome) "
                    "VALUES ('x', 'old.csv', 1, now(), 'accepted')")
        assert warehouse.schema_version(con) == 1
    # a later migration, as the next release would bring
    extra = only_first / "0002_add_example.sql"
    extra.write_text("-- An example later migration.\nCREATE TABLE example_later (id INTEGER);\n")
    with warehouse.connect(db) as con:
        assert warehouse.schema_version(con) == 2
        assert con.execute("SELECT name FROM file_registry").fetchall() == [("old.csv",)]
        assert con.execute("SELECT count(*) FROM example_later").fetchall() == [(0,)]


def test_a_warehouse_newer_than_the_code_is_refused(db):
    with warehouse.connect(db) as con:
        con.execute("INSERT INTO schema_migration VALUES (999, 'future', now())")
    with pytest.raises(WarehouseError, match="newer than this program knows"):
        with warehouse.connect(db):
            pass


def test_a_failed_migration_leaves_the_warehouse_at_its_old_version(db, monkeypatch, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    first = warehouse.migrations()[0][2]
    (folder / first.name).write_text(first.read_text())
    broken = "-- broken\nCREATE TABLE half (id INTEGER);\nSELECT nonsense FROM nowhere;\n"
    (folder / "0002_broken.sql").write_text(broken)
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", folder)
    with pytest.raises(WarehouseError, match='"0002_broken.sql" failed, and the warehouse was left at version 1'):
        with warehouse.connect(db):
            pass
    con = duckdb.connect(str(db))
    assert warehouse.schema_version(con) == 1
    assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'").fetchall()[0][0]
    con.close()


def test_a_locked_warehouse_gives_a_clear_error(db, monkeypatch):
    import subprocess
    import sys
    import time

    monkeypatch.setattr(warehouse, "_LOCK_WAIT_SECONDS", 0.5)
    with warehouse.connect(db):
        pass
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(30)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        with pytest.raises(WarehouseLocked, match="in use by another process"):
            with warehouse.connect(db):
                pass
        assert time.monotonic() - start < 5
    finally:
        holder.kill()
        holder.wait()



def _save_flag(con, reason: str) -> None:
    con.execute("INSERT INTO saved VALUES (?)", [reason])


def test_two_saves_at_once_in_one_process_take_turns_and_both_are_kept(db):
    """Regression: the internal app serves every person from one process, where DuckDB's lock on the file does not
    keep two connections apart: two saves at the same moment both got in, and the first to finish failed on its
    checkpoint ("other write transactions active", a traceback for a save that was in fact kept), or copied the
    readers' copy while the other's checkpoint was writing the file."""
    import threading

    with warehouse.connect(db) as con:
        con.execute("CREATE TABLE saved (reason VARCHAR)")
    first_in, second_trying, second_in = threading.Event(), threading.Event(), threading.Event()
    seen_inside: list[bool] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with warehouse.connect(db, create=False) as con:
                _save_flag(con, "first")
                first_in.set()
                second_trying.wait(10)
                seen_inside.append(second_in.wait(1))  # it must not get in while this save is under way
        except BaseException as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)

    def second() -> None:
        try:
            first_in.wait(10)
            second_trying.set()
            with warehouse.connect(db, create=False) as con:
                second_in.set()
                _save_flag(con, "second")
        except BaseException as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and seen_inside == [False]
    for path in (db, warehouse.read_copy_path(db)):  # both kept, and the pages' copy shows both
        con = duckdb.connect(str(path), read_only=True)
        assert sorted(r for (r,) in con.execute("SELECT reason FROM saved").fetchall()) == ["first", "second"]
        con.close()


def test_a_save_kept_waiting_by_another_in_the_same_process_says_the_warehouse_is_busy(db, monkeypatch):
    import threading

    monkeypatch.setattr(warehouse, "_LOCK_WAIT_SECONDS", 0.2)
    with warehouse.connect(db):
        pass
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with warehouse.connect(db, create=False):
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(10)
        with pytest.raises(WarehouseLocked, match="busy with another change.*run this again"):
            with warehouse.connect(db, create=False):
                pass
        with pytest.raises(WarehouseLocked, match="busy with another change"):  # a reader of the warehouse too
            with warehouse.connect_read_only(db):
                pass
    finally:
        done.set()
        holder.join(10)


def _refuse_writers(monkeypatch, reason: str) -> None:
    """DuckDB refusing to open the warehouse for writing, as it does for a file this account may not change."""
    real = duckdb.connect

    def connect(path, read_only=False, **kwargs):
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{path}": {reason}')
        return real(path, read_only=read_only, **kwargs)

    monkeypatch.setattr(duckdb, "connect", connect)


@pytest.mark.parametrize("reason", ["Operation not permitted", "Permission denied", "Read-only file system"])
def test_a_warehouse_this_account_may_not_write_is_told_so_not_as_busy(db, monkeypatch, run_cli, reason):
    # regression: told as "cannot be opened: IO Error: ...", which the app turned into "press the button again"
    with warehouse.connect(db):
        pass
    _refuse_writers(monkeypatch, reason)
    with pytest.raises(WarehouseUnwritable) as err:
        with warehouse.connect(db):
            pass
    assert not isinstance(err.value, WarehouseLocked)
    text = str(err.value)
    assert f'"{db}" cannot be written' in text and "administrator" in text and "Trying again will not help" in text
    assert "IO Error" not in text and reason not in text
    result = run_cli("init", "--db", db)
    assert result.exit_code == 1
    assert "cannot be written" in result.stderr and "IO Error" not in result.stderr + result.output


def test_a_warehouse_in_a_folder_this_account_may_not_write_is_refused_before_anything_changes(db, monkeypatch):
    import os

    with warehouse.connect(db):
        pass
    before = db.stat().st_mtime_ns, warehouse.read_copy_path(db).stat().st_mtime_ns
    real = os.access
    monkeypatch.setattr(warehouse.os, "access", lambda p, mode: False if p == db.parent else real(p, mode))
    with pytest.raises(WarehouseUnwritable, match=f'its folder "{db.parent}"'):
        with warehouse.connect(db):
            raise AssertionError("no write may start")
    assert (db.stat().st_mtime_ns, warehouse.read_copy_path(db).stat().st_mtime_ns) == before


@pytest.mark.parametrize("content, kind", [(bytes(range(256)) * 20, "damaged"), (b"", "empty")])
def test_a_warehouse_file_that_is_not_a_database_is_told_as_damaged_with_the_fix(db, content, kind):
    db.write_bytes(content)
    with pytest.raises(WarehouseError) as err:
        with warehouse.connect(db):
            pass
    text = str(err.value)
    assert f'"{db}" is {kind}, not a DuckDB database' in text and "backup" in text
    assert "IO Error" not in text and not isinstance(err.value, WarehouseLocked)


def test_a_warehouse_this_account_may_not_read_is_told_so(db, monkeypatch):
    with warehouse.connect(db):
        pass

    def refuse(path, read_only=False, **kwargs):
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')

    monkeypatch.setattr(duckdb, "connect", refuse)
    with pytest.raises(WarehouseError) as err:
        with warehouse.connect_read_only(db):
            pass
    text = str(err.value)
    assert f'"{db}" cannot be read' in text and "administrator" in text and "IO Error" not in text
    assert not isinstance(err.value, WarehouseLocked | WarehouseUnwritable)


def test_a_duckdb_file_that_is_not_a_warehouse_is_refused_and_left_as_it_was(db):
    """Regression: migration 0001 used to add schema_migration to a foreign file, then fail on its tables."""
    other = duckdb.connect(str(db))
    other.execute("CREATE TABLE figure (x INTEGER)")
    other.close()
    with pytest.raises(WarehouseError, match="is a DuckDB database but not a pccdash warehouse.*Give --db"):
        with warehouse.connect(db):
            pass
    other = duckdb.connect(str(db), read_only=True)
    assert other.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("figure",)]
    other.close()


@pytest.mark.parametrize(("content", "what"), [
    (b"", "empty, not a DuckDB database,"),
    (b"hello\n", "damaged, not a DuckDB database (it does not start as a DuckDB file does),"),
    (b"SQLite format 3\x00" + bytes(4080), "damaged, not a DuckDB database (it is a SQLite database),"),
], ids=["empty", "text", "sqlite"])
def test_a_file_that_is_not_a_duckdb_database_is_refused_in_a_sentence(db, content, what):
    db.write_bytes(content)
    with pytest.raises(WarehouseError) as caught:
        with warehouse.connect(db):
            pass
    assert str(caught.value) == (
        f'The warehouse "{db}" is {what} so it cannot be read or used; nothing in it was changed. '
        "Give --db (or PCCDASH_DB) the path of a pccdash warehouse, or of a file that does not exist yet to "
        "create one; if this file is the office's warehouse, restore it from the office's backup (with the files "
        "beside it whose names start the same).")
    assert db.read_bytes() == content


def test_a_real_sqlite_file_is_refused_without_fetching_an_extension(db):
    import sqlite3

    lite = sqlite3.connect(db)
    lite.execute("CREATE TABLE t (x)")
    lite.commit()
    lite.close()
    with pytest.raises(WarehouseError, match=r"\(it is a SQLite database\)"):
        with warehouse.connect(db):
            pass


def test_warehouse_connections_neither_install_nor_load_extensions_on_their_own(db):
    with warehouse.connect(db) as con:
        settings = dict(con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    with warehouse.connect_read_only(db) as con:
        assert con.execute("SELECT current_setting('autoload_known_extensions')").fetchall() == [(False,)]


def test_a_command_waits_for_another_holding_the_warehouse_and_says_it_is_waiting(db, monkeypatch):
    """Regression: a publication of many months holds the warehouse for longer than a page waits (10 s), and a command
    run meanwhile (a flag raised, a return loaded) gave up after as long. A command now waits for the other to finish,
    saying so, as a person at a terminal expects; a page still waits only as long as a person at the screen."""
    import subprocess
    import sys

    from click.testing import CliRunner

    from pipelines.cli import main

    monkeypatch.setattr(warehouse, "_LOCK_WAIT_SECONDS", 0.5)  # a page's wait, shorter than the hold below
    with warehouse.connect(db):
        pass
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(2.5); c.close()", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(main, ["init", "--db", str(db)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 0, result.output
    assert f'The warehouse "{db}" is in use by another command: waiting for it to finish' in result.output
    assert result.output.count("waiting for it to finish") == 1
    # a page, outside a command, still gives up after its own wait
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(30)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLocked, match="stayed locked for 0 s|stayed locked for 1 s"):
            with warehouse.connect(db):
                pass
    finally:
        holder.kill()
        holder.wait()
