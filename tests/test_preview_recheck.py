"""Before a file is loaded, its preview (the Upload page, `pccdash validate`) says which caveats of figures already
held loading it would end or add: July's jump "from 11 in May" ended by June arriving, a jump added to July by a
correction of June. They are found by the rules and the re-check a load runs, against the figures as they would
stand, and nothing is written: the warehouse's tables are as they were, and the load then does what was said."""

from __future__ import annotations

import hashlib

import pytest
from dashboard_helpers import ANALYST, internal, texts
from test_caveat_recheck import ARRESTS, FROM_MAY, history, load, shown
from test_contracts import DISTRICTS

from pipelines import warehouse
from pipelines.contracts.recheck import Recheck
from pipelines.ingest.preview import preview

JUMP = "CSE arrests in Sheffield went from 4 in June 2026 to 40 in July 2026: check the figure."
UPLOAD = "internal_pages/upload.py"
RUNS = ("validation_run", "validation_result", "validation_sample")  # where `pccdash validate` keeps its own check


@pytest.fixture(autouse=True)
def _august_2026(monkeypatch):
    monkeypatch.setenv("PCCDASH_TODAY", "2026-08-15")


def month_csv(period: str, sheffield: float, measure: str = ARRESTS, others=(10, 12, 9)) -> bytes:
    """One month of one measure as the force sends it, Sheffield's figure as given (as `load` writes it)."""
    return ("period,district,measure,value\n" + "".join(
        f"{period},{d},{measure},{v}\n" for d, v in zip(DISTRICTS, (*others, sheffield), strict=True))).encode()


def tables(db, leave_out: tuple[str, ...] = ()) -> dict[str, list]:
    """Every row of every table of the warehouse, table by table."""
    with warehouse.connect_read_only(db) as con:
        names = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary "
            "ORDER BY 1").fetchall() if t not in leave_out]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in names}


def digests(db) -> tuple[str, str]:
    """The bytes of the warehouse file and of the read copy the pages read, as SHA-256."""
    return tuple(hashlib.sha256(p.read_bytes()).hexdigest() for p in (db, warehouse.read_copy_path(db)))


def ended(message: str, measure: str = "CSE arrests") -> str:
    return f'{measure}, Sheffield, July 2026: its caveat "{message}" would no longer hold and would be ended'


def added(message: str) -> str:
    return f'CSE arrests, Sheffield, July 2026: a caveat would be added: "{message}"'


def test_the_preview_of_a_month_loaded_out_of_order_names_the_caveat_it_would_end_and_writes_nothing(db, tmp_path):
    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    before, files = tables(db), digests(db)

    with warehouse.connect_read_only(db) as con:  # as the Upload page reads: a write would fail here
        [p] = preview(con, [("june.csv", month_csv("2026-06", 38))])

    assert p.loadable and (p.recheck.ended, p.recheck.added, p.recheck.run_id) == (1, 0, None)
    assert ("of the figures loaded earlier that are compared with its figures, it would end 1 caveat that no "
            "longer holds and add 0, listed below") in p.sentence()
    assert p.caveat_lines() == [ended(FROM_MAY)]
    assert p.caveats_frame().to_dict("records") == [
        {"Measure": "CSE arrests", "District": "Sheffield", "Month": "July 2026",
         "Loading it would": "end this caveat (it no longer holds)", "Caveat": FROM_MAY}]
    # nothing written: every table as it was, the files byte for byte, July's caveat still standing
    assert tables(db) == before and digests(db) == files
    assert shown(db, "2026-07") == [("Sheffield", "month_on_month_change", FROM_MAY)]

    june = load(db, tmp_path, "june.csv", "2026-06", 38)
    assert june.recheck.changes == p.recheck.changes  # the load does what the preview said it would
    assert shown(db, "2026-07") == []


def test_the_preview_of_a_correction_names_the_caveat_it_would_add_then_the_one_it_would_end(db, tmp_path):
    load(db, tmp_path, "june.csv", "2026-06", 38)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    before = tables(db)

    with warehouse.connect(db) as con:  # a connection that could write, as `pccdash validate` holds
        [p] = preview(con, [("june-v2.csv", month_csv("2026-06", 4))])

    assert (p.revised, p.recheck.ended, p.recheck.added) == (1, 0, 1)
    assert p.caveat_lines() == [added(JUMP)]
    assert tables(db) == before and shown(db, "2026-07") == []
    assert load(db, tmp_path, "june-v2.csv", "2026-06", 4).recheck.changes == p.recheck.changes
    assert shown(db, "2026-07") == [("Sheffield", "month_on_month_change", JUMP)]

    before = tables(db)
    with warehouse.connect_read_only(db) as con:  # June corrected back: the jump it added would end
        [p] = preview(con, [("june-v3.csv", month_csv("2026-06", 39))])
    assert p.caveat_lines() == [ended(JUMP)]
    assert tables(db) == before
    assert [(m, gone) for _, m, gone, _ in history(db, "2026-07")] == [(JUMP, False)]


def test_the_preview_of_a_correction_of_the_other_measure_names_the_caveat_it_would_end(db, tmp_path):
    load(db, tmp_path, "arrests.csv", "2026-07", 3)
    load(db, tmp_path, "charges.csv", "2026-07", 12, measure="cse_charges", others=(1, 1, 1))
    [(_, charges, _, _)] = history(db, "2026-07", "cse_charges")
    before = tables(db)

    with warehouse.connect_read_only(db) as con:  # 12 charges against 10 arrests is within the tolerance
        [p] = preview(con, [("arrests-v2.csv", month_csv("2026-07", 10))])

    assert p.caveat_lines() == [ended(charges, "CSE charges")]
    assert p.recheck.changes[0].rule_id == "charges_within_arrests"
    assert tables(db) == before


def test_a_preview_that_changes_no_held_figures_comparison_asks_no_rule_again(db, tmp_path, monkeypatch):
    """Next month's return changes what no held figure is compared with: the preview stays as quick as it was, no
    rule asked again about held figures."""
    from pipelines.contracts import recheck

    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    asked: list[str] = []
    targets = recheck._targets
    monkeypatch.setattr(recheck, "_targets", lambda con, rule, *a: (asked.append(rule.id), targets(con, rule, *a))[1])
    with warehouse.connect_read_only(db) as con:
        [p] = preview(con, [("august.csv", month_csv("2026-08", 41))])
    assert p.loadable and p.recheck == Recheck() and asked == []
    assert "caveat" not in p.what_it_would_change()


def test_pccdash_validate_of_a_correction_names_the_held_caveat_it_would_add_and_writes_nothing(db, tmp_path,
                                                                                              run_cli):
    load(db, tmp_path, "june.csv", "2026-06", 38)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    before = tables(db, leave_out=RUNS)
    with warehouse.connect_read_only(db) as con:
        runs = con.execute("SELECT run_id FROM validation_run").fetchall()
    (tmp_path / "june-v2.csv").write_bytes(month_csv("2026-06", 4))

    out = run_cli("validate", tmp_path / "june-v2.csv", "--db", db)

    assert out.exit_code == 0, out.output
    assert "it would end 0 caveats that no longer hold and add 1, listed below." in out.stdout
    assert ('Loading "june-v2.csv" would change the caveats of figures loaded earlier:\n'
            f"  {added(JUMP)}\n") in out.stdout
    # nothing but validate's own record of its dry run: no caveat ended or added, no re-check run stored
    assert tables(db, leave_out=RUNS) == before
    with warehouse.connect_read_only(db) as con:
        assert con.execute("SELECT DISTINCT scope FROM validation_run WHERE NOT list_contains(?, run_id)",
                           [[r for (r,) in runs]]).fetchall() == [("dry-run",)]
    assert shown(db, "2026-07") == []


def test_the_upload_page_lists_the_held_caveat_a_file_would_end_and_the_load_ends_it(monkeypatch, db, tmp_path):
    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    at = internal(monkeypatch, db, UPLOAD, ANALYST)
    before, files = tables(db), digests(db)

    at.session_state["upload_given"] = [("june.csv", month_csv("2026-06", 38))]
    at.run()

    assert not at.exception, at.exception
    assert "it would end 1 caveat that no longer holds and add 0" in texts(at)
    frame = next(d.value for d in at.dataframe if "Caveat" in d.value.columns)
    assert frame.to_dict("records") == [
        {"Measure": "CSE arrests", "District": "Sheffield", "Month": "July 2026",
         "Loading it would": "end this caveat (it no longer holds)", "Caveat": FROM_MAY}]
    assert tables(db) == before and digests(db) == files  # checking the file wrote nothing

    at.button(key="upload_accept").click().run()
    assert not at.exception, at.exception
    assert "1 caveat no longer holds, 0 added" in texts(at)
    assert shown(db, "2026-07") == []
