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
    assert "Limits are provisional: fewer than 12 months." in shown
    assert "Limits recalculated from August 2014" not in shown
