"""The internal pages' answers are kept until a table they read changes: found from the statements each answer
ran, through views, and fingerprinted by content (an update that keeps the row count still counts)."""

from __future__ import annotations

import os
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


def meetings_and_july(con, *, analytics) -> tuple:
    """An answer made with the plan's analysis: the meetings held, and how many measures July 2015 judges."""
    return con.execute("SELECT count(*) FROM meeting").fetchone()[0], len(analytics.status("2015-07"))


def test_an_answer_made_with_the_plans_analysis_is_kept_until_its_tables_the_analysis_or_a_reference_file_change(
        sample_db, tmp_path, monkeypatch, ref):
    """The overview's loop section and the recommendations' register are made so: kept between visits, and
    worked out again after a meeting is recorded, a figure is revised or plan.yaml is edited."""
    from dashboard_helpers import copy_warehouse

    db = copy_warehouse(sample_db, tmp_path)
    monkeypatch.setenv("PCCDASH_DB", str(db))
    worked = data.answers().worked
    name = f"{data._analysed.__module__}.{data._analysed.__qualname__}"
    before = worked[name]
    meetings, measures = data.with_analytics(meetings_and_july)
    assert meetings == 0 and measures > 0
    assert data.with_analytics(meetings_and_july) == (0, measures) and worked[name] == before + 1

    change(db, "CREATE TABLE scratch AS SELECT 1 AS x")  # read by neither
    assert data.with_analytics(meetings_and_july) == (0, measures) and worked[name] == before + 1

    change(db, "INSERT INTO meeting (held_on, kind, title, created_by, created_at) VALUES "
               "(DATE '2015-08-20', 'pab', 'Public Accountability Board', 'pcc@example.org', TIMESTAMP '2015-08-01')")
    assert data.with_analytics(meetings_and_july) == (1, measures) and worked[name] == before + 2

    change(db, "UPDATE figure_revision SET value = value + 1 WHERE period = DATE '2015-07-01' "
               "AND measure = 'cse_arrests' AND district = 'Rotherham'")  # the analysis's own figures
    assert data.with_analytics(meetings_and_july) == (1, measures) and worked[name] == before + 3

    plan = ref / "plan.yaml"
    stamp = plan.stat().st_mtime_ns + 10**9
    os.utime(plan, ns=(stamp, stamp))  # an edit of the plan, which the analysis reads at each call
    assert data.with_analytics(meetings_and_july) == (1, measures) and worked[name] == before + 4
