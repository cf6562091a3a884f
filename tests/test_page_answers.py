"""The internal pages' answers are kept until a table they read changes: found from the statements each answer
ran, through views, and fingerprinted by content (an update that keeps the row count still counts)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboard import data
from pipelines import warehouse


def change(db: Path, sql: str) -> None:
    """A write as the pipelines make one: to the warehouse, then a new read copy swapped in."""
    with duckdb.connect(str(db)) as con:
        con.execute(sql)
    warehouse.publish_read_copy(db)


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE arrest (district VARCHAR, n INTEGER)")
        con.execute("INSERT INTO arrest VALUES ('Rotherham', 4), ('Sheffield', 9)")
        con.execute("CREATE TABLE note (text VARCHAR)")
        con.execute("CREATE VIEW arrest_total AS SELECT sum(n) AS n FROM arrest")
        con.execute("CREATE VIEW headline AS SELECT n FROM arrest_total")
    warehouse.publish_read_copy(path)
    monkeypatch.setenv("PCCDASH_DB", str(path))
    return path


def headline(con) -> list[tuple]:
    return con.execute("SELECT n FROM headline").fetchall()


def arrests(con) -> dict:
    return dict(con.execute("SELECT district, n FROM arrest ORDER BY 1").fetchall())


def test_an_answer_read_through_views_is_kept_until_a_table_under_them_changes(db):
    worked = data.answers().worked
    name = f"{headline.__module__}.{headline.__qualname__}"
    assert data.call(headline) == [(13,)]
    assert data.call(headline) == [(13,)] and worked[name] == 1

    change(db, "INSERT INTO note VALUES ('a write to a table the answer does not read')")
    assert data.call(headline) == [(13,)] and worked[name] == 1

    change(db, "UPDATE arrest SET n = 5 WHERE district = 'Rotherham'")  # as many rows as before
    assert data.call(headline) == [(14,)] and worked[name] == 2


def test_each_caller_gets_its_own_copy_of_an_answer(db):
    first = data.call(arrests)
    first["Rotherham"] = 1000
    assert data.call(arrests) == {"Rotherham": 4, "Sheffield": 9}


def test_the_tables_a_statement_reads_are_found_through_views_within_views(db):
    marks = data._marks(data.version(), str(data.read_copy()))
    assert set(marks.read_by(["SELECT n FROM headline"])) == {"arrest"}
    assert set(marks.read_by(["SELECT * FROM note", "SELECT 1"])) == {"note"}
    before = marks.tables["arrest"]
    change(db, "UPDATE arrest SET n = n + 1")
    assert data._marks(data.version(), str(data.read_copy())).tables["arrest"] != before


def total_of_arrests(con) -> int:
    """An answer made from another kept answer, not from a query of its own."""
    return sum(data.call(arrests).values())


def test_an_answer_made_from_another_kept_answer_follows_the_tables_that_one_read(db):
    assert data.call(total_of_arrests) == 13
    change(db, "INSERT INTO note VALUES ('unrelated')")
    name = f"{total_of_arrests.__module__}.{total_of_arrests.__qualname__}"
    worked = data.answers().worked[name]
    assert data.call(total_of_arrests) == 13 and data.answers().worked[name] == worked
    change(db, "UPDATE arrest SET n = 10 WHERE district = 'Sheffield'")
    assert data.call(total_of_arrests) == 14 and data.answers().worked[name] == worked + 1
