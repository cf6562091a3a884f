"""A figure an analyst has flagged is never read as settled in the briefing's summary: the summary table (on the
overview page and in the pack, one table for both) says beside the measure that its figures carry caveats, for the
force (its total adds up the flagged figure) and the district flagged, not for the other districts; once the flag
is resolved the summary stops saying so."""

from __future__ import annotations

import datetime as dt

from dashboard_helpers import ANALYST, internal, texts
from helpers import write_csv

from pipelines import warehouse
from pipelines.briefing.pack import build_pack
from pipelines.briefing.tables import summary_table
from pipelines.catalogue import catalogue
from pipelines.flags import raise_flag, resolve_flags
from pipelines.ingest import ingest

MEETING = dt.date(2026, 4, 20)


def said() -> str:
    return f"{catalogue().get('cse_arrests').name}: 1 caveat on these figures, said with the measure"


def _return(folder) -> object:
    rows = "".join(f"{month},{d},cse_arrests,{v}\n" for month in ("2026-01", "2026-02", "2026-03")
                   for d, v in zip(("Barnsley", "Doncaster", "Rotherham", "Sheffield"), (5, 6, 7, 8), strict=True))
    return write_csv(folder / "2025-26-cse-return.csv", "period,district,measure,value\n" + rows)


def _summary_names(con, area: str | None = None) -> list[str]:
    return [row[0] for row in summary_table(build_pack(con, MEETING, "analyst@example.org"), area)[1]]


def test_the_summary_says_a_flagged_figure_has_caveats_until_the_flag_is_resolved(tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_TODAY", MEETING.isoformat())
    db = tmp_path / "wh.duckdb"
    with warehouse.connect(db) as con:
        assert ingest(con, [_return(tmp_path)]).ok
        assert not any("caveat" in name for name in _summary_names(con))
        flag = raise_flag(con, ANALYST, scope="figure", reason="Counted twice", period="2026-03",
                          district="Doncaster", measure="cse_arrests")
        assert said() in _summary_names(con)
        assert said() in _summary_names(con, "Doncaster")
        assert not any("caveat" in name for name in _summary_names(con, "Barnsley"))

    at = internal(monkeypatch, db, "internal_pages/briefing.py")
    assert not at.exception
    assert said() in texts(at)
    at.button_group(key="summary_area").set_value("Barnsley").run()
    assert said() not in texts(at)
    at.button_group(key="summary_area").set_value("Doncaster").run()
    assert said() in texts(at)

    with warehouse.connect(db) as con:
        resolve_flags(con, ANALYST, [flag], "Checked with the force: right as sent")
        assert not any("caveat" in name for name in _summary_names(con))
    at = internal(monkeypatch, db, "internal_pages/briefing.py")
    assert not at.exception
    assert "caveat on these figures" not in texts(at)


def test_the_summary_says_where_a_district_months_caveat_is_said(tmp_path, monkeypatch):
    """Regression: a flag on every figure of a district's month is said once, under "Caveats on this briefing's
    figures", and not under any measure (which says "No caveats on this measure for the period"), yet the summary
    said of every measure "1 caveat on these figures, said with the measure"."""
    monkeypatch.setenv("PCCDASH_TODAY", MEETING.isoformat())
    db = tmp_path / "wh.duckdb"
    arrests, trained = catalogue().get("cse_arrests").name, catalogue().get("officers_trained_pct").name
    # a percentage too, whose month is worked out from two parts the district's month flag is on as well
    parts = "".join(f"{month},{d},{m},{v}\n" for month in ("2026-01", "2026-02", "2026-03")
                    for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
                    for m, v in (("officers_trained", 90), ("officer_headcount", 100), ("officers_trained_pct", 90)))
    training = write_csv(tmp_path / "2025-26-training.csv", "period,district,measure,value\n" + parts)
    with warehouse.connect(db) as con:
        assert ingest(con, [_return(tmp_path), training]).ok
        raise_flag(con, ANALYST, scope="district_month", reason="Sent late", period="2026-03", district="Doncaster")
        pack = build_pack(con, MEETING, "analyst@example.org")
        [measure] = [m for m in pack.measures if m.measure_id == "cse_arrests"]
        assert not any("Sent late" in c for c in measure.caveats)
        assert any("Sent late" in c for c in pack.caveats)
        general = f'{arrests}: 1 caveat on these figures, said under "Caveats on this briefing\'s figures"'
        assert general in _summary_names(con)
        assert general in _summary_names(con, "Doncaster")
        assert arrests in _summary_names(con, "Barnsley")
        assert f'{trained}: 1 caveat on these figures, said under "Caveats on this briefing\'s figures"' in \
            _summary_names(con)
        assert f'{trained}: 3 caveats on these figures, said under "Caveats on this briefing\'s figures"' in \
            _summary_names(con, "Doncaster")  # its own figure's and each part's
        raise_flag(con, ANALYST, scope="figure", reason="Counted twice", period="2026-03", district="Doncaster",
                   measure="cse_arrests")
        assert (f'{arrests}: 2 caveats on these figures, said 1 under "Caveats on this briefing\'s figures" and 1 '
                "with the measure") in _summary_names(con)
