"""A command stopped by its user, or stopped by the machine (a full disk, a warehouse cut short), tells the person in
one sentence what happened and what to do, never "a fault it did not expect"; a re-run finishes the job."""

from __future__ import annotations

import errno
import os
import signal
import threading

import duckdb
import pytest

from pipelines import warehouse
from pipelines.errors import environment_fault, interrupted
from pipelines.ingest import ingest

RETURN = "period,district,measure,value\n2015-07,Rotherham,cse_charges,3\n2015-07,Sheffield,cse_charges,5\n"


def _query_interrupted_by_ctrl_c(*args, **kwargs):
    """A DuckDB query that runs until Ctrl+C (SIGINT) reaches the process, as a long query on a big warehouse does.
    Python's own SIGINT handler is in place while it runs, as in a pccdash process: a handler an earlier test in the
    same process left (Streamlit's) would let the query run on. One press only: a second, after the query stopped,
    would reach whatever runs next."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    try:
        timer.start()
        duckdb.connect().execute("SELECT count(*) FROM range(100000000000) a").fetchall()
    finally:
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGINT, previous)
    raise AssertionError("the query was not interrupted")


def test_what_duckdb_raises_on_ctrl_c_counts_as_stopping():
    assert interrupted(KeyboardInterrupt()) and interrupted(RuntimeError("Query interrupted"))
    assert interrupted(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    assert not interrupted(RuntimeError("something else"))


def test_ctrl_c_while_duckdb_runs_a_query_says_stopped_not_a_fault(run_cli, db, tmp_path, monkeypatch):
    (tmp_path / "r.csv").write_text(RETURN)
    with warehouse.connect(db) as con:
        assert ingest(con, [tmp_path / "r.csv"]).ok
    monkeypatch.setattr("pipelines.figures.current_figures", _query_interrupted_by_ctrl_c)
    result = run_cli("figures", "--db", db)
    assert result.exit_code == 130, result.output
    assert "Stopped." in result.output and "run the command again" in result.output
    assert "did not expect" not in result.output and "Traceback" not in result.output
    monkeypatch.undo()
    assert run_cli("figures", "--db", db).exit_code == 0


@pytest.mark.page_fault  # the details go to the log, as a fault's do
def test_a_warehouse_cut_short_is_told_as_damaged_with_what_to_do(run_cli, db, tmp_path):
    (tmp_path / "r.csv").write_text(RETURN)
    with warehouse.connect(db) as con:
        assert ingest(con, [tmp_path / "r.csv"]).ok
    whole = db.read_bytes()
    failed = set()
    for size in (100, *range(262_144, len(whole), 262_144)):  # its header cut, then its blocks one by one
        db.write_bytes(whole[:size])
        warehouse.read_copy_path(db).unlink(missing_ok=True)
        for args in (["figures"], ["ingest", str(tmp_path / "r.csv")]):
            result = run_cli(*args, "--db", db)
            said = result.output
            if result.exit_code == 0:  # the blocks it read were all there
                continue
            failed.add(size)
            assert "did not expect" not in said and "Traceback" not in said, f"cut to {size} bytes: {said}"
            assert str(db) in said and "damaged" in said and "backup" in said, f"cut to {size} bytes: {said}"
    assert 100 in failed and len(failed) > 1, failed
    db.write_bytes(whole)  # restored from the backup: the same command works
    assert run_cli("ingest", tmp_path / "r.csv", "--db", db).exit_code == 0


@pytest.mark.page_fault
def test_a_full_disk_is_told_as_a_full_disk_and_the_rerun_finishes(run_cli, db, tmp_path, monkeypatch):
    (tmp_path / "r.csv").write_text(RETURN)
    with warehouse.connect(db):
        pass

    def disk_full(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(warehouse.read_copy_path(path)))

    monkeypatch.setattr(warehouse, "publish_read_copy", disk_full)
    result = run_cli("ingest", tmp_path / "r.csv", "--db", db)
    said = result.output
    assert result.exit_code == 1 and "did not expect" not in said, said
    assert "disk is full" in said and "Free some space" in said and "run the command again" in said, said
    monkeypatch.undo()  # space freed
    result = run_cli("ingest", tmp_path / "r.csv", "--db", db)
    assert result.exit_code == 0, result.output
    assert "1 already loaded" in result.output  # the load had finished: the re-run makes the readers' copy
    assert warehouse.is_duckdb_file(warehouse.read_copy_path(db))


def test_duckdb_s_own_words_for_a_full_disk_and_a_short_file_are_recognised():
    full = duckdb.IOException('IO Error: Could not write file "/srv/wh.duckdb.wal": No space left on device')
    short = duckdb.IOException('IO Error: Could not read enough bytes from file "/srv/wh.duckdb": attempted to '
                               "read 262144 bytes from location 5517312")
    assert "disk is full" in environment_fault(full) and '"/srv/wh.duckdb.wal"' in environment_fault(full)
    assert "damaged" in environment_fault(short) and '"/srv/wh.duckdb"' in environment_fault(short)
    assert environment_fault(ValueError("something else")) is None
    try:  # a rollback after the full disk fails in its own words: the full disk is still what is told
        try:
            raise full
        except duckdb.IOException:
            raise duckdb.TransactionException(  # noqa: B904 -- raised while handling it, as DuckDB's rollback does
                "TransactionContext Error: cannot rollback - no transaction is active")
    except duckdb.TransactionException as exc:
        assert "disk is full" in environment_fault(exc)


def test_a_command_asked_to_stop_by_sigterm_stops_as_on_ctrl_c_and_a_rerun_finishes(run_cli, db, tmp_path,
                                                                                     monkeypatch):
    """A service manager, a shutdown or `kill` sends SIGTERM: the command stopped where it stood, silently, leaving
    its temporary files; it now stops as on Ctrl+C, its transaction rolled back, and says so (exit 143)."""
    import time

    from pipelines.ingest import load

    (tmp_path / "r.csv").write_text(RETURN)
    checks = load.validate_batch

    def stopped_while_checking(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises here, as it would in any long step
        return checks(*args, **kwargs)

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(load, "validate_batch", stopped_while_checking)
    result = run_cli("ingest", tmp_path / "r.csv", "--db", db)
    assert result.exit_code == 143, result.output
    assert "Stopped." in result.output and "run the command again" in result.output
    assert "did not expect" not in result.output and "Traceback" not in result.output
    assert signal.getsignal(signal.SIGTERM) == before, "the command leaves the process's handler as it found it"
    with warehouse.connect_read_only(db) as con:
        assert warehouse.scalar(con, "SELECT count(*) FROM figure") == 0
    monkeypatch.undo()
    again = run_cli("ingest", tmp_path / "r.csv", "--db", db)
    assert again.exit_code == 0 and "1 file accepted" in again.output, again.output
