"""A meeting briefs the latest complete month with figures; flags and warnings follow their figures into the pack."""

from __future__ import annotations

import datetime as dt

import pypdf
import pytest
from dashboard_helpers import ANALYST, NO_ROLE, PCC, copy_warehouse
from helpers import write_csv

from pipelines import warehouse
from pipelines.access import NotAllowed
from pipelines.briefing import reporting_period, save_text
from pipelines.briefing.notes import BadText, latest_texts, questions_list
from pipelines.briefing.pack import build_pack
from pipelines.flags import BadFlag, caveats, flags, raise_flag, resolve_flag
from pipelines.ingest import ingest

D = dt.date


@pytest.mark.parametrize("meeting, months, month, quarter", [
    (D(2015, 8, 20), ["2015-04", "2015-05", "2015-06", "2015-07"], D(2015, 7, 1), D(2015, 4, 1)),
    # July's return not in yet: June is briefed, and Q1 is complete
    (D(2015, 8, 20), ["2015-04", "2015-05", "2015-06"], D(2015, 6, 1), D(2015, 4, 1)),
    # the meeting's own month is never complete, even with figures
    (D(2015, 7, 31), ["2015-05", "2015-06", "2015-07"], D(2015, 6, 1), None),
    # a gap in the quarter: the one before is taken
    (D(2015, 10, 5), ["2015-01", "2015-02", "2015-03", "2015-04", "2015-06", "2015-07", "2015-08", "2015-09"],
     D(2015, 9, 1), D(2015, 7, 1)),
    (D(2015, 10, 5), ["2015-04", "2015-06", "2015-07", "2015-08"], D(2015, 8, 1), None),
    (D(2015, 1, 1), ["2015-01"], None, None),
])
def test_reporting_period_follows_from_the_meeting_date(meeting, months, month, quarter):
    p = reporting_period(meeting, months)
    assert p.month == month
    assert (p.quarter_months[0] if p.quarter_months else None) == quarter


def test_questions_are_one_per_line_without_the_typed_numbering():
    assert questions_list("1. Why?\n\n - And how?\n* When.\n2015 figures: fine?") == [
        "Why?", "And how?", "When.", "2015 figures: fine?"]


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


def test_flags_need_a_role_a_reason_and_real_things_to_point_at(wh):
    with warehouse.connect(wh) as con:
        with pytest.raises(NotAllowed):
            raise_flag(con, NO_ROLE, scope="figure", reason="x", period="2015-07", district="Rotherham",
                       measure="cse_charges")
        for kwargs, words in [
            ({"scope": "figure", "reason": " ", "period": "2015-07", "district": "Rotherham",
              "measure": "cse_charges"}, "Say why"),
            ({"scope": "figure", "reason": "x", "period": "2015-07", "district": "Leeds",
              "measure": "cse_charges"}, '"Leeds" is not one of the districts'),
            ({"scope": "figure", "reason": "x", "period": "2015-07", "district": "Rotherham",
              "measure": "arrests'; DROP TABLE figure_flag; --"}, "is not a measure"),
            ({"scope": "file", "reason": "x", "file_id": 999}, "no file number 999"),
            ({"scope": "everything", "reason": "x"}, "scope is one of"),
        ]:
            with pytest.raises(BadFlag, match=words):
                raise_flag(con, ANALYST, **kwargs)
        assert flags(con).empty
        number = raise_flag(con, ANALYST, scope="figure", reason="x", period="2015-07", district="Rotherham",
                            measure="cse_charges")
        with pytest.raises(BadFlag, match="Say how"):
            resolve_flag(con, ANALYST, number, "")
        resolve_flag(con, PCC, number, "fine")
        with pytest.raises(BadFlag, match="already resolved"):
            resolve_flag(con, ANALYST, number, "again")


def test_a_district_month_flag_covers_every_measure_and_a_file_flag_every_figure_from_it(wh):
    with warehouse.connect(wh) as con:
        n_measures = con.execute("SELECT count(DISTINCT measure) FROM figure WHERE period = '2015-07-01' "
                                 "AND district = 'Doncaster'").fetchall()[0][0]
        raise_flag(con, ANALYST, scope="district_month", reason="late return", period="2015-07", district="Doncaster")
        cav = caveats(con, start="2015-07", end="2015-07")
        flagged = cav[cav["kind"] == "flag"]
        assert len(flagged) == n_measures and set(flagged["district"]) == {"Doncaster"}

        file_id, n_figures = con.execute("SELECT file_id, count(*) FROM figure GROUP BY 1 ORDER BY 1 LIMIT 1"
                                         ).fetchall()[0]
        raise_flag(con, ANALYST, scope="file", reason="wrong template", file_id=file_id)
        cav = caveats(con)
        assert (cav["text"].str.contains("wrong template")).sum() == n_figures


def test_flags_survive_reingestion_of_a_corrected_figure(wh, tmp_path):
    with warehouse.connect(wh) as con:
        raise_flag(con, ANALYST, scope="figure", reason="looks low", period="2015-07", district="Rotherham",
                   measure="cse_charges")
    fix = write_csv(tmp_path / "fix.csv", "period,district,measure,value\n2015-07,Rotherham,cse_charges,3\n")
    with warehouse.connect(wh) as con:
        assert ingest(con, [fix]).ok
    with warehouse.connect(wh) as con:
        cav = caveats(con, measure="cse_charges", start="2015-07", end="2015-07")
        assert "looks low" in " ".join(cav["text"])


def test_commentary_needs_a_role_and_a_known_measure(wh):
    with warehouse.connect(wh) as con:
        with pytest.raises(NotAllowed):
            save_text(con, NO_ROLE, period=D(2015, 7, 1), kind="commentary", measure="cse_charges", body="x")
        with pytest.raises(BadText):
            save_text(con, PCC, period=D(2015, 7, 1), kind="commentary", measure="nope", body="x")
        save_text(con, PCC, period=D(2015, 7, 1), kind="commentary", measure="cse_charges", body="first")
        save_text(con, ANALYST, period=D(2015, 7, 1), kind="commentary", measure="cse_charges", body="second")
        body, by, _ = latest_texts(con, D(2015, 7, 1))[("commentary", "cse_charges")]
        assert (body, by) == ("second", "analyst@example.org")


def test_the_pack_carries_figures_caveats_commentary_and_questions(wh, tmp_path, run_cli):
    with warehouse.connect(wh) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Rotherham charges double counted", period="2015-07",
                   district="Rotherham", measure="cse_charges")
        save_text(con, PCC, period=D(2015, 7, 1), kind="commentary", measure="cse_charges",
                  body="Charges <b>rose</b> & stayed up.")
        save_text(con, PCC, period=D(2015, 7, 1), kind="questions", body="1. Why did charges rise?\n2. Is it lasting?")
        pack = build_pack(con, D(2015, 8, 20), "tester")
    charges = next(m for m in pack.measures if m.measure_id == "cse_charges")
    assert charges.commentary == "Charges <b>rose</b> & stayed up."
    # said once, under the measure, with its district named; not again in a row of the table
    assert [c for c in charges.caveats if "double counted" in c] == [
        next(c for c in charges.caveats if "double counted" in c)]
    assert any("Rotherham" in c and "double counted" in c for c in charges.caveats)
    assert not any("double counted" in c for m in pack.measures if m is not charges for c in m.caveats)
    assert pack.questions == ["Why did charges rise?", "Is it lasting?"]

    result = run_cli("pack", "--as", "analyst@example.org", "--db", wh, "--meeting", "2015-08-20",
                     "--out", tmp_path / "packs")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "packs" / "pab-briefing-2015-08-20.pdf"
    html = (tmp_path / "packs" / "pab-briefing-2015-08-20.html").read_text(encoding="utf-8")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    for needle in ("Why did charges rise?", "double counted", "July 2015"):
        assert needle in " ".join(text.split()), needle
        assert needle in html
    assert "Charges &lt;b&gt;rose&lt;/b&gt; &amp; stayed up." in html


def test_pack_command_explains_a_bad_date_and_an_empty_warehouse(tmp_path, run_cli):
    bad = run_cli("pack", "--as", "analyst@example.org", "--db", tmp_path / "x.duckdb", "--meeting", "20/08/2015")
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    with warehouse.connect(tmp_path / "empty.duckdb"):
        pass
    empty = run_cli("pack", "--as", "analyst@example.org", "--db", tmp_path / "empty.duckdb", "--meeting", "2015-08-20",
                    "--out", tmp_path)
    assert empty.exit_code != 0 and "nothing to brief on" in empty.output


def test_a_pack_for_a_meeting_before_every_figure_held_says_when_they_begin(wh, run_cli, tmp_path):
    """A meeting dated before any figure (a mistyped year) was told to load the force's returns, which were loaded."""
    result = run_cli("pack", "--as", "analyst@example.org", "--db", wh, "--meeting", "1015-08-20",
                     "--out", tmp_path / "packs")
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in result.output and "pccdash ingest" not in said
    assert ("No month before 20 August 1015 has accepted figures, so there is nothing to brief on: the figures held "
            "begin with ") in said and "Check the meeting's date." in said
    assert not list((tmp_path / "packs").glob("*.*"))  # nothing drawn, kept or written
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT count(*) FROM pack_file").fetchone() == (0,)


def test_a_chart_whose_limits_are_held_from_a_baseline_says_so(wh, ref):
    # "below the average" then quotes the baseline's mean, not every month's: the chart says where its limits
    # come from. A chart with no baseline declared says nothing more.
    history = ref / "spc_history.yaml"
    history.write_text(history.read_text(encoding="utf-8").replace(
        "  cse_charges:\n    rebase: [*jay]",
        "  cse_charges:\n    rebase: [*jay]\n    baseline: {from: 2014-08, to: 2015-03}"),
        encoding="utf-8")
    with warehouse.connect(wh) as con:
        pack = build_pack(con, D(2015, 8, 20), "tester")
    charges = next(m for m in pack.measures if m.measure_id == "cse_charges")
    assert charges.chart.description.endswith(
        "with the mean and process limits (limits from August 2014 to March 2015, then held) and the aspiration as "
        "a line."), charges.chart.description
    arrests = next(m for m in pack.measures if m.measure_id == "cse_arrests")
    assert "then held" not in arrests.chart.description
