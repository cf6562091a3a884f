"""A new office's first months: its first return is for a month long after the bundled sample, with no history before
it. What the pages say of one month, then two, reads right for an office whose figures begin there."""

from __future__ import annotations

from dashboard_helpers import internal, texts
from helpers import write_csv

from pipelines import warehouse
from pipelines.ingest import ingest

HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


def month_of(period: str, measures=("cse_referrals", "cse_arrests"), values=(11, 12, 18, 19)) -> str:
    return "".join(f"{period},{d},{m},{v}\n" for m in measures for d, v in zip(DISTRICTS, values, strict=True))


def load(db, path, text) -> None:
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(path, HEADER + text)]).ok


def measure_page(monkeypatch, db):
    at = internal(monkeypatch, db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_referrals").run()
    assert not at.exception, at.exception
    return texts(at)


def test_the_measure_page_says_one_month_has_no_limits_and_names_no_rebase_before_its_first_month(
        monkeypatch, db, tmp_path):
    """Regression: an office whose first return was December 2026 read, under its one-point chart, "1 months to
    December 2026; mean and process limits from the data. 0 month(s) show special-cause variation", though one month
    has no limits, and "Limits recalculated from August 2014: The Jay report ...", a rebase twelve years before its
    first month that the chart does not draw and changes none of its limits (the pack lists only those it draws)."""
    monkeypatch.setenv("PCCDASH_TODAY", "2027-01-14")
    load(db, tmp_path / "december.csv", month_of("2026-12"))
    shown = measure_page(monkeypatch, db)
    assert "1 month to December 2026: too few months so far for process limits" in shown, shown
    assert "1 months" not in shown and "mean and process limits from the data" not in shown
    assert "Limits recalculated from August 2014" not in shown

    monkeypatch.setenv("PCCDASH_TODAY", "2027-02-14")
    load(db, tmp_path / "january.csv", month_of("2027-01", values=(13, 15, 20, 21)))
    shown = measure_page(monkeypatch, db)
    assert "2 months to January 2027; mean and process limits from the data." in shown, shown
    # two months inside their own limits: said in words, not "0 month(s) show special-cause variation"
    assert "No month shows special-cause variation." in shown and "month(s)" not in shown
    assert "Limits are provisional: fewer than 12 months." in shown
    assert "Limits recalculated from August 2014" not in shown


def test_the_quarterly_view_counts_its_quarters_in_words(monkeypatch, db, tmp_path):
    """Regression: an office's first complete quarter read under the quarterly SPC chart "1 complete financial
    quarters to December 2026; ... 0 quarter(s) show special-cause variation", though one quarter has no limits; with
    two quarters inside their limits it read "0 quarter(s)"."""
    monkeypatch.setenv("PCCDASH_TODAY", "2027-01-14")
    for month in ("2026-10", "2026-11", "2026-12"):
        load(db, tmp_path / f"{month}.csv", month_of(month))

    def quarterly() -> list[str]:
        at = internal(monkeypatch, db, "internal_pages/measure.py")
        at.selectbox(key="measure").select("cse_referrals").run()
        at.selectbox(key="view").select("quarter_spc").run()
        assert not at.exception, at.exception
        return texts(at)

    shown = quarterly()
    assert ("1 complete financial quarter to December 2026; a quarter with a month missing is left out. Too few "
            "quarters so far for process limits, so no quarter is judged against them.") in shown, shown
    assert "quarter(s)" not in " ".join(shown) and "1 complete financial quarters" not in " ".join(shown)

    monkeypatch.setenv("PCCDASH_TODAY", "2027-04-14")
    for month in ("2027-01", "2027-02", "2027-03"):
        load(db, tmp_path / f"{month}.csv", month_of(month, values=(13, 15, 20, 21)))
    shown = quarterly()
    assert ("2 complete financial quarters to March 2027; a quarter with a month missing is left out. No quarter "
            "shows special-cause variation. Limits are provisional: fewer than 12 quarters.") in shown, shown
    assert "quarter(s)" not in " ".join(shown)


def test_months_before_an_offices_first_return_are_not_overdue(monkeypatch, ref, db, tmp_path, run_cli):
    """Regression: an office whose first return was December 2026 was told by the calendar, "pccdash plan", the
    overview and its first Board pack that "the returns for 11 earlier months of the 12 months to December 2026
    (January 2026, ... November 2026) are overdue or refused", returns the force never owed it. The months before
    the earliest month of a return loaded are not due; a month after it with nothing loaded is overdue as ever, and a
    return loaded for an earlier month brings the start back to it."""
    import datetime as dt

    from pipelines.briefing.pack import return_notices
    from pipelines.return_calendar import grid

    (ref / "return_calendar.yaml").write_text(
        "returns:\n  - name: Main\n    measures: [cse_arrests, cse_referrals]\n    due_working_day: 5\n"
        "bank_holidays: [2027-01-01]\n", encoding="utf-8")
    monkeypatch.setenv("PCCDASH_TODAY", "2027-01-05")
    with warehouse.connect(db) as con:
        months = [dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
        # before any return is loaded, only the latest month whose return can be due is counted
        assert grid(con, months)["cse_arrests"].tolist() == ["missing", "not due"]
    grid_text = run_cli("calendar", "--db", db).stdout
    assert "overdue" not in grid_text and "Months before December 2026 are not due" in grid_text

    monkeypatch.setenv("PCCDASH_TODAY", "2027-03-10")
    load(db, tmp_path / "december.csv", month_of("2026-12"))
    load(db, tmp_path / "february.csv", month_of("2027-02"))
    with warehouse.connect(db) as con:
        states = grid(con, [dt.date(2026, 11, 1), *months[1:], dt.date(2027, 1, 1)])
        assert states.set_index("month")["cse_arrests"].to_dict() == {
            "2027-01": "overdue", "2026-12": "arrived", "2026-11": "not due"}
        notices = return_notices(con, dt.date(2027, 2, 1), dt.date(2027, 3, 18))
    assert any("January 2027" in n for n in notices), notices
    assert not any("2026" in n for n in notices), notices  # December arrived; the months before it were never due
    plan = run_cli("plan", "--month", "2026-12", "--db", db).stdout
    assert "overdue or refused" not in plan, plan
    said = run_cli("calendar", "--month", "2026-06", "--db", db).stdout
    assert said.startswith("Nothing is due for June 2026. Months before December 2026 are not due"), said

    load(db, tmp_path / "october.csv", month_of("2026-10"))  # history sent later: the start moves back to it
    with warehouse.connect(db) as con:
        assert grid(con, [dt.date(2026, 9, 1), dt.date(2026, 11, 1)])["cse_arrests"].tolist() == [
            "overdue", "not due"]


def test_the_pack_page_says_when_nothing_drafts_a_question(monkeypatch, db, tmp_path):
    """Regression: with an office's first two months, no signal drafted a question, and the pack page offered an empty
    box "Drafted from the plan's signals" over "0 question(s).". It says that nothing in the month's figures drafts
    one, and counts the questions typed in words."""
    import datetime as dt

    monkeypatch.setenv("PCCDASH_TODAY", "2027-02-14")
    load(db, tmp_path / "december.csv", month_of("2026-12"))
    load(db, tmp_path / "january.csv", month_of("2027-01", values=(13, 15, 20, 21)))
    at = internal(monkeypatch, db, "internal_pages/pack.py")
    at.date_input(key="pack_meeting").set_value(dt.date(2027, 2, 18)).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Nothing in the figures for January 2027 drafts a question: write the office's own" in shown, shown
    assert "Drafted from the plan's signals" not in shown
    assert "No question yet." in shown and "question(s)" not in shown
    at.text_area[0].set_value("Why did referrals rise in Sheffield?").run()
    assert "1 question." in texts(at)
