"""The totals a force states for itself in a wide return's Total column are kept, with their cell, when the file is
accepted (a refused or long-layout file keeps none), and a force figure on the Provenance page shows that total
beside its districts' sum: the same, or out of date after a later correction of one district."""

from __future__ import annotations

import pytest
from dashboard_helpers import ANALYST, INTERNAL, texts
from helpers import write_csv, write_xlsx
from office_year import wide_xlsx
from streamlit.testing.v1 import AppTest

from pipelines import warehouse
from pipelines.catalogue import force
from pipelines.ingest import ingest
from pipelines.lineage import lineage

MONTH = "2015-07"
# the live investigations the force gave in August 2015, and its charges; the percentage's total is not a count
LIVE = {"Barnsley": 25, "Doncaster": 35, "Rotherham": 46, "Sheffield": 49}
CHARGES = {"Barnsley": 1, "Doncaster": 2, "Rotherham": 3, "Sheffield": 0}
TRAINED_PCT = {"Barnsley": 90.0, "Doncaster": 92.5, "Rotherham": 95.0, "Sheffield": 91.0}


def wide_with_totals(path, *, live_total: int = 155, rotherham_live: object = 46):
    """A wide workbook whose sheets end in a Total column, as the force writes it: the month on row 3."""
    districts = force().districts
    live = {**LIVE, "Rotherham": rotherham_live}

    def sheet(values: dict, total: object, heading: str = "Total") -> list[list]:
        return [["South Yorkshire Police - CSE return"], ["Period", *districts, heading],
                [MONTH, *[values[d] for d in districts], total]]

    return write_xlsx(path, {"Live CSE investigations": sheet(live, live_total),
                             "cse_charges": sheet(CHARGES, 6, "Force total"),
                             "officers_trained_pct": sheet(TRAINED_PCT, 92.1)})


def kept(con) -> list[tuple]:
    return con.execute("SELECT file_id, strftime(period, '%Y-%m'), measure, value, source_sheet, source_row, "
                       "source_column FROM force_total ORDER BY measure").fetchall()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A warehouse holding the wide return, then a long CSV correcting Rotherham's live investigations."""
    tmp = tmp_path_factory.mktemp("force_totals")
    db = tmp / "wh.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PCCDASH_TODAY", "2026-11-21")
        with warehouse.connect(db) as con:
            wide = ingest(con, [wide_with_totals(tmp / "2015-07-cse-return.xlsx")]).files[0]
            assert wide.outcome == "accepted", wide.problems
            before = {m: lineage(con, m, "South Yorkshire", MONTH) for m in ("cse_live_investigations", "cse_charges")}
            stored = kept(con)
            fix = ingest(con, [write_csv(tmp / "2015-07-rotherham-fix.csv",
                                         f"period,district,measure,value\n{MONTH},Rotherham,"
                                         "cse_live_investigations,49\n")]).files[0]
            assert fix.outcome == "accepted" and fix.revised == 1, fix.problems
            after = lineage(con, "cse_live_investigations", "South Yorkshire", MONTH)
            assert kept(con) == stored  # a long file states no total, and the wide file's stay as they were
    return {"db": db, "wide": wide, "fix": fix, "stored": stored, "before": before, "after": after}


def test_an_accepted_wide_file_keeps_each_count_s_stated_total_with_its_cell(loaded):
    file_id = loaded["wide"].file_id
    assert loaded["stored"] == [
        (file_id, MONTH, "cse_charges", 6.0, "cse_charges", 3, "Force total"),
        (file_id, MONTH, "cse_live_investigations", 155.0, "Live CSE investigations", 3, "Total"),
    ]  # the percentage's total is not a count the districts add up to: neither checked nor kept


def test_a_refused_file_keeps_no_total(con, tmp_path):
    # one district's cell is not a number: the contract refuses the file, totals and all
    report = ingest(con, [wide_with_totals(tmp_path / "bad.xlsx", live_total=155, rotherham_live="forty-six")])
    assert report.files[0].outcome == "rejected"
    assert kept(con) == []
    # a total that disagrees with its districts refuses the file and is not kept either
    report = ingest(con, [wide_with_totals(tmp_path / "wrong-total.xlsx", live_total=156)])
    assert report.files[0].outcome == "rejected"
    assert any(p.column == "Total" for p in report.files[0].problems)
    assert kept(con) == []


def test_files_without_a_total_column_keep_none(con, tmp_path):
    figs = {(d, "cse_charges"): v for d, v in CHARGES.items()}
    report = ingest(con, [wide_xlsx(tmp_path / "no-total.xlsx", MONTH, figs),
                          write_csv(tmp_path / "long.csv", "period,district,measure,value\n"
                                                           f"{MONTH},Sheffield,cse_live_investigations,49\n")])
    assert [f.outcome for f in report.files] == ["accepted", "accepted"]
    assert kept(con) == []
    assert lineage(con, "cse_charges", "South Yorkshire", MONTH).stated is None


def test_lineage_gives_the_force_s_own_total_and_its_cell_beside_the_districts_sum(loaded):
    lin = loaded["before"]["cse_live_investigations"]
    assert lin.how == "sum" and lin.value == 155
    stated = lin.stated
    assert (stated.value, stated.file_id, stated.file, stated.sheet, stated.row, stated.column) == (
        155.0, loaded["wide"].file_id, "2015-07-cse-return.xlsx", "Live CSE investigations", 3, "Total")
    assert stated.loaded_at and lin.stated_agrees
    assert lin.stated_sentence() == ('South Yorkshire\'s own total in 2015-07-cse-return.xlsx, sheet "Live CSE '
                                     'investigations", row 3, column "Total": 155, the same as the districts\' sum.')
    assert loaded["before"]["cse_charges"].stated.column == "Force total"


def test_a_later_correction_of_one_district_makes_the_stated_total_out_of_date(loaded):
    lin = loaded["after"]
    assert lin.value == 158 and lin.stated.value == 155 and not lin.stated_agrees
    assert lin.stated.file_id == loaded["wide"].file_id
    assert lin.stated_sentence() == (
        'South Yorkshire\'s own total in 2015-07-cse-return.xlsx, sheet "Live CSE investigations", row 3, column '
        '"Total": 155; the districts now sum to 158 after a later correction in 2015-07-rotherham-fix.csv.')


def test_the_provenance_page_shows_the_force_s_own_total_and_links_its_file(monkeypatch, loaded):
    monkeypatch.setenv("PCCDASH_DB", str(loaded["db"]))
    at = AppTest.from_file(INTERNAL, default_timeout=60)
    at.user = dict(ANALYST)
    at.run()
    at.switch_page("internal_pages/provenance.py")
    for key, value in {"measure": "cse_charges", "area": "South Yorkshire", "month": MONTH}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "1 + 2 + 3 + 0 = 6" in shown
    assert ('South Yorkshire\'s own total in 2015-07-cse-return.xlsx, sheet "cse_charges", row 3, column "Force '
            'total": 6, the same as the districts\' sum.') in shown.replace("\\", "")
    assert f"File #{loaded['wide'].file_id}, 2015-07-cse-return.xlsx, in Files loaded" in [
        p.proto.label for p in at.get("page_link")]
    at.selectbox(key="prov_measure").select("cse_live_investigations").run()
    assert not at.exception, at.exception
    assert [w.value.replace("\\", "") for w in at.warning if "own total" in w.value] == [
        'South Yorkshire\'s own total in 2015-07-cse-return.xlsx, sheet "Live CSE investigations", row 3, column '
        '"Total": 155; the districts now sum to 158 after a later correction in 2015-07-rotherham-fix.csv.']
