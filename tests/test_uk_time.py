"""Times are stored in UTC and read in UK time: every time a person reads names its clock ("at 02:06 BST", "at 01:06
GMT") and every day is the day in England, while what machines read (the snapshot, the JSON and CSV downloads' times,
the warehouse) keeps UTC. Regression: the public pages, the static site, the internal pages and the commands said
times in UTC, an hour out for the public and the office for seven months of the year."""

from __future__ import annotations

import datetime as dt
import io
import json

import duckdb
import pandas as pd
import pytest
from dashboard_helpers import (
    ANALYST,
    PCC,
    copy_warehouse,
    downloads_of,
    grid_times,
    internal,
    moment_text,
    public,
    texts,
)

from pipelines import public as public_side
from pipelines import warehouse
from pipelines.publish import downloads, info, pages
from pipelines.publish.approval import approve
from pipelines.publish.content import SnapshotView
from pipelines.publish.site import build_site
from pipelines.publish.snapshot import publish
from pipelines.uk_time import uk_day, uk_day_start, uk_day_words, uk_time, uk_words

# ---------------------------------------------------------------------------------------------------
# The one helper


@pytest.mark.parametrize(("stored", "numeric", "words"), [
    # summer: British Summer Time, an hour ahead of UTC
    ("2026-07-05T01:06:00", "2026-07-05 02:06 BST", "5 July 2026 at 02:06 BST"),
    # winter: Greenwich Mean Time, UTC itself
    ("2026-12-05T01:06:00", "2026-12-05 01:06 GMT", "5 December 2026 at 01:06 GMT"),
    # the clocks go forward at 01:00 UTC on the last Sunday of March, and back at 01:00 UTC on October's
    (dt.datetime(2026, 3, 29, 0, 59), "2026-03-29 00:59 GMT", "29 March 2026 at 00:59 GMT"),
    (dt.datetime(2026, 3, 29, 1, 0), "2026-03-29 02:00 BST", "29 March 2026 at 02:00 BST"),
    (pd.Timestamp("2026-10-25 00:59"), "2026-10-25 01:59 BST", "25 October 2026 at 01:59 BST"),
    (pd.Timestamp("2026-10-25 01:00"), "2026-10-25 01:00 GMT", "25 October 2026 at 01:00 GMT"),
    # late on a summer evening in UTC is the next day in England
    ("2026-06-30 23:30", "2026-07-01 00:30 BST", "1 July 2026 at 00:30 BST"),
    # a time that says its offset is taken at its word
    ("2026-07-05T01:06:00+00:00", "2026-07-05 02:06 BST", "5 July 2026 at 02:06 BST"),
    ("2026-07-05T03:06:00+02:00", "2026-07-05 02:06 BST", "5 July 2026 at 02:06 BST"),
    (pd.Timestamp("2026-07-05 01:06", tz="UTC"), "2026-07-05 02:06 BST", "5 July 2026 at 02:06 BST"),
])
def test_a_stored_utc_time_reads_as_uk_time_naming_the_clock(stored, numeric, words):
    assert uk_words(stored) == numeric
    assert uk_words(stored, "words") == words


def test_nothing_reads_as_nothing_and_a_date_is_not_a_time():
    for nothing in (None, "", float("nan"), pd.NaT, pd.NA, "not a time"):
        assert uk_words(nothing) == "" and uk_time(nothing) is None and uk_day_words(nothing) == ""
    assert uk_time(dt.date(2026, 7, 5)) is None and uk_time("2026-07-05") is None
    assert uk_words("2026-04-15 09:30:00", seconds=True) == "2026-04-15 10:30:00 BST"
    with pytest.raises(ValueError):
        uk_words("2026-04-15 09:30:00", "iso")


def test_a_day_is_the_day_in_england_and_a_date_stays_as_it_is():
    assert uk_day(dt.datetime(2026, 6, 30, 23, 30)) == dt.date(2026, 7, 1)  # 00:30 BST
    assert uk_day(dt.datetime(2026, 12, 31, 23, 30)) == dt.date(2026, 12, 31)  # 23:30 GMT
    assert uk_day_words("2026-06-30T23:30:00") == "1 July 2026"
    # a date (a meeting's, an answer's) is a day already, never moved
    assert uk_day(dt.date(2026, 6, 30)) == dt.date(2026, 6, 30) and uk_day_words("2026-06-30") == "30 June 2026"
    assert uk_day_words(pd.Timestamp("2026-06-30")) == "30 June 2026"  # a date read as a timestamp: midnight
    # a day in England begins at 23:00 UTC the evening before in summer, at midnight UTC in winter
    assert uk_day_start(dt.date(2026, 7, 1)) == dt.datetime(2026, 6, 30, 23, 0)
    assert uk_day_start(dt.date(2026, 12, 1)) == dt.datetime(2026, 12, 1, 0, 0)


# ---------------------------------------------------------------------------------------------------
# The public side: withdrawal notices, publication days, the release calendar, the site, the cover sheet


def test_a_withdrawal_notice_says_the_uk_times_bst_in_summer_and_gmt_in_winter():
    summer = {"version": 2, "published_at": "2026-07-05T01:06:00", "withdrawn_at": "2026-07-05T09:00:00",
              "reason": "A wrong return"}
    assert public_side.withdrawal_notice(summer) == (
        "Publication 2 of 5 July 2026 at 02:06 BST withdrawn on 5 July 2026 at 10:00 BST: A wrong return")
    winter = {"version": 2, "published_at": "2026-12-05T01:06:00", "withdrawn_at": "2026-12-05T03:32:00",
              "reason": "A wrong return"}
    assert public_side.withdrawal_notice(winter) == (
        "Publication 2 of 5 December 2026 at 01:06 GMT withdrawn on 5 December 2026 at 03:32 GMT: A wrong return")
    # made late on a summer evening (UTC) and withdrawn the next morning: one day in England, so the times say which
    late = {"version": 3, "published_at": "2026-07-04T23:30:00", "withdrawn_at": "2026-07-05T08:00:00",
            "reason": "A wrong return"}
    assert public_side.withdrawal_notice(late) == (
        "Publication 3 of 5 July 2026 at 00:30 BST withdrawn on 5 July 2026 at 09:00 BST: A wrong return")
    # days apart: the days alone, each England's
    apart = {"version": 3, "published_at": "2026-07-01T23:30:00", "withdrawn_at": "2026-07-05T08:00:00",
             "reason": "A wrong return"}
    assert public_side.withdrawal_notice(apart) == (
        "Publication 3 of 2 July 2026 withdrawn on 5 July 2026: A wrong return")
    assert public_side.publication_when("2026-07-04T23:00:00", late) == "5 July 2026 at 00:00 BST"
    assert public_side.publication_when("2026-07-02T12:00:00", late) == "2 July 2026"


@pytest.fixture(scope="module")
def summer_evening(sample_db, tmp_path_factory):
    """A publication made at 23:30 UTC on 30 June 2026, 00:30 on 1 July in England, one of whose months was first
    published then too; and a later publication of 1 July withdrawn that morning, as the pointer carries it."""
    folder = tmp_path_factory.mktemp("summer")
    db = copy_warehouse(sample_db, folder)
    with warehouse.connect(db) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        publish(con, PCC, folder / "out")
    out = folder / "out"
    snapshot = public_side.current_snapshot(out)
    con = duckdb.connect(str(snapshot))
    con.execute("UPDATE meta SET value = '2026-06-30T23:30:00' WHERE key = 'created_at'")
    con.execute("UPDATE period SET first_published_at = TIMESTAMP '2026-06-30 23:30:00' WHERE period = '2015-07'")
    con.close()
    pointer = json.loads((out / "current.json").read_text())
    pointer["withdrawals"] = [{"version": 2, "published_at": "2026-07-01T08:00:00",
                               "withdrawn_at": "2026-07-01T09:15:00", "reason": "A district's figures were entered "
                                                                                "twice."}]
    (out / "current.json").write_text(json.dumps(pointer))
    return out


TOLD = ("Publication 2 of 1 July 2026 at 09:00 BST withdrawn on 1 July 2026 at 10:15 BST: A district's figures were "
        "entered twice.")
INSTEAD = "The figures shown now are those of the earlier publication of 1 July 2026 at 00:30 BST (publication 1)."


def test_the_public_pages_say_the_publications_times_and_days_in_uk_time(monkeypatch, summer_evening):
    for page in ("public_pages/tables.py", "public_pages/release_calendar.py"):
        at = public(monkeypatch, summer_evening, page)
        assert not at.exception and not at.error, page
        shown = " ".join(texts(at).split())
        assert TOLD in shown and INSTEAD in shown, (page, shown[:2000])
        assert "UTC" not in shown and "30 June 2026" not in shown, page
    view = SnapshotView(public_side.current_snapshot(summer_evening), public_side.pointer(summer_evening))
    months = next(b for b in info.calendar_page(view).blocks if getattr(b, "caption", "") == "Months published")
    assert [c.text for c in months.rows[0]][:2] == ["July 2015", "1 July 2026"]  # first published, in England
    assert pages.published_dates(view, ["2015-07"]).startswith("First published 1 July 2026.")


def test_the_static_site_and_the_spreadsheet_say_the_day_in_england_and_the_json_keeps_utc(summer_evening, tmp_path):
    from openpyxl import load_workbook

    view = SnapshotView(public_side.current_snapshot(summer_evening), public_side.pointer(summer_evening))
    build_site(view, tmp_path)
    index = " ".join((tmp_path / "index.html").read_text(encoding="utf-8").replace("&#x27;", "'").split())
    assert " on 1 July 2026.</" in index and "30 June 2026" not in index
    assert "1 July 2026 at 00:30 BST" in index and "1 July 2026 at 09:00 BST" in index
    cover = [c.value for c in load_workbook(io.BytesIO(downloads.to_xlsx(view)))["Cover"]["A"]]
    assert cover[cover.index("Published") + 1] == "1 July 2026"
    assert json.loads(downloads.to_json(view))["created_at"] == "2026-06-30T23:30:00"  # as stored, for machines


# ---------------------------------------------------------------------------------------------------
# The internal pages: a table's times in UK time, its download in UTC


@pytest.mark.parametrize("stored", [dt.datetime(2026, 7, 5, 1, 6), dt.datetime(2026, 12, 6, 22, 10),
                                    dt.datetime(2026, 10, 25, 0, 30), dt.datetime(2026, 3, 29, 1, 0)])
def test_a_grid_writes_a_time_as_the_sentences_do(stored):
    """One way of writing a time for a person, in a grid as in a sentence: "6 December 2026 at 22:10 GMT"."""
    from dashboard import ui

    local = ui.uk_times([stored])[0]
    assert moment_text(local, ui.TIME_FORMAT) == uk_words(stored, "words")


def test_an_internal_table_shows_uk_time_and_its_download_keeps_the_stored_utc(monkeypatch, sample_db, tmp_path):
    wh = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(wh) as con:
        first = con.execute("SELECT min(file_id) FROM file_registry").fetchall()[0][0]
        con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-07-05 01:06:00' WHERE file_id = ?",
                    [first])
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, wh, "internal_pages/files.py", ANALYST)
    assert not at.exception
    grid = at.dataframe[0].value
    received = dict(zip(grid["File number"].astype(str), grid_times(at.dataframe[0], "Received"), strict=True))
    assert received[str(first)] == "5 July 2026 at 02:06 BST"  # as a sentence writes it, sorted as a time
    assert all(t.endswith((" GMT", " BST")) for t in received.values())
    loaded = pd.read_csv(io.BytesIO(dict(served)["files-loaded.csv"]), dtype=str)
    assert "Received" not in loaded.columns
    assert loaded.loc[loaded["File number"] == str(first), "Received (UTC)"].tolist() == ["2026-07-05 01:06"]



def test_readable_says_stored_times_in_uk_time_and_leaves_days_in_words_as_they_are():
    from dashboard import ui

    frame = pd.DataFrame({"received": ["2026-07-05 01:06", None, "2026-12-05 01:06"],
                          "raised_at": ["2 March 2026", "", None],  # a page's days in words, no time to convert
                          "checked_at": pd.to_datetime(["2026-07-05 01:06", None, "2026-01-01 00:00"])})
    out = ui.readable(frame)

    def shown(heading: str) -> list[str]:  # as the grid writes each, in the column's format
        assert out.attrs["column_config"][heading]["type_config"]["format"] == ui.TIME_FORMAT
        return ["" if pd.isna(t) else moment_text(t, ui.TIME_FORMAT) for t in out[heading]]

    assert shown("Received") == ["5 July 2026 at 02:06 BST", "", "5 December 2026 at 01:06 GMT"]
    assert out["Raised"].tolist() == ["2 March 2026", "", ""]
    assert shown("Checked at") == ["5 July 2026 at 02:06 BST", "", "1 January 2026 at 00:00 GMT"]
    # times, so July sorts before December (as text, "5 December" came first)
    assert out["Received"].dropna().sort_values().dt.month.tolist() == [7, 12]
    assert "Raised" not in out.attrs["column_config"]
    # the download: the stored values, under headings that say they are UTC
    assert out.attrs["download_headings"] == {"Received": "Received (UTC)", "Checked at": "Checked at (UTC)"}
    assert out.attrs["download"]["Received"].tolist()[0] == "2026-07-05 01:06"


# ---------------------------------------------------------------------------------------------------
# Days in England: a return's lateness, the release calendar's published day, today


def test_a_return_received_after_midnight_in_england_on_the_day_after_it_was_due_is_late(con, tmp_path):
    from helpers import write_csv

    from pipelines.ingest import ingest
    from pipelines.return_calendar import calendar_from_text, return_status

    cal = calendar_from_text("returns:\n  - name: Main\n    measures: [cse_arrests]\n    due_working_day: 5\n")
    rows = "".join(f"2026-05,{d},cse_arrests,1\n" for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield"))
    assert ingest(con, [write_csv(tmp_path / "may.csv", "period,district,measure,value\n" + rows)]).ok
    may = dt.date(2026, 5, 1)
    assert cal.due_date(may, 5) == dt.date(2026, 6, 5)
    # 23:30 UTC on the due day is 00:30 BST on 6 June: a day late in England
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-06-05 23:30'")
    (status,) = return_status(con, may, dt.date(2026, 6, 20), cal)
    assert status.late and status.arrived_on == dt.date(2026, 6, 6)
    assert status.words() == 'arrived late in "may.csv" (#1) on 6 June 2026'
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-06-05 22:30'")  # 23:30 BST, on the day
    (status,) = return_status(con, may, dt.date(2026, 6, 20), cal)
    assert not status.late and status.arrived_on == dt.date(2026, 6, 5)


def test_the_release_calendar_gives_the_day_a_month_was_published_in_england(sample_db, tmp_path):
    from pipelines.publish.calendar import release_calendar

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC, tmp_path / "out")
        con.execute("UPDATE period_status SET published_at = TIMESTAMP '2026-06-30 23:30' WHERE period = '2015-07-01'")
        frame = release_calendar(con, today=dt.date(2026, 7, 1))
    july = frame[frame["month"] == "2015-07"].iloc[0]
    assert (july["expected_on"], july["status"]) == (dt.date(2026, 7, 1), "published")


def test_today_is_the_day_in_england_not_the_servers(monkeypatch):
    from pipelines import settings

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # 23:30 UTC on 30 June: 00:30 on 1 July in England
            return dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.delenv("PCCDASH_TODAY", raising=False)
    monkeypatch.setattr(settings.dt, "datetime", Clock)
    assert settings.today() == dt.date(2026, 7, 1)
    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-12")
    assert settings.today() == dt.date(2026, 5, 12)


def test_a_return_loaded_on_a_day_fixed_by_pccdash_today_arrived_that_day(con, tmp_path):
    """A run that fixes today (PCCDASH_TODAY) loads its files that day, whatever the computer's clock says: a return
    loaded before it was due is on time, and says the day it arrived as the run's day."""
    from helpers import write_csv

    from pipelines.ingest import ingest
    from pipelines.return_calendar import calendar_from_text, return_status

    cal = calendar_from_text("returns:\n  - name: Main\n    measures: [cse_arrests]\n    due_working_day: 5\n")
    rows = "".join(f"2026-05,{d},cse_arrests,1\n" for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield"))
    assert ingest(con, [write_csv(tmp_path / "may.csv", "period,district,measure,value\n" + rows)]).ok
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2099-01-01 12:00'")  # the computer's clock
    (status,) = return_status(con, dt.date(2026, 5, 1), dt.date(2026, 6, 3), cal)
    assert (status.state, status.late, status.arrived_on) == ("arrived", False, dt.date(2026, 6, 3))
    assert status.words() == 'arrived in "may.csv" (#1) on 3 June 2026'
