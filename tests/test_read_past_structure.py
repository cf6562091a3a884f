"""A file refused for its structure (a formula or merged cell, a hidden sheet, a value under no heading) is read past
it where that is safe: the cells it names are not read, the rest is checked against the contract's row rules, and
one refusal names every problem, with its sheet, row and column, in `pccdash ingest`, the upload's preview and the
stored refusal. Where the structure leaves the figures unknowable (a header that is a formula or merged, no header
at all) the file is still refused on its structure alone. Either way nothing from it loads."""

from __future__ import annotations

import io

import pytest
from helpers import build_workbook, fingerprint, write_xlsx

from pipelines import warehouse
from pipelines.ingest import ingest, readers
from pipelines.ingest.preview import preview, preview_rows
from pipelines.resubmission import refusals

LONG = ["period", "district", "measure", "value"]
WIDE = ["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield"]
FORMULA = "holds a formula (=1+2); a return holds values. Paste values over the formulas."
LOTS = '"lots" is not a number'


def formula_and_lots(path):
    """D2 a formula, D3 "lots", D4 a good figure."""
    return write_xlsx(path, {"Return": [LONG, ["2015-07", "Rotherham", "cse_charges", "=1+2"],
                                        ["2015-07", "Sheffield", "cse_charges", "lots"],
                                        ["2015-07", "Barnsley", "cse_charges", 4]]})


def workbook_bytes(sheets, **kw) -> bytes:
    out = io.BytesIO()
    build_workbook(sheets, **kw).save(out)
    return out.getvalue()


def places(problems) -> list[tuple]:
    return [(p.sheet, p.row, p.column) for p in problems]


def test_a_formula_cell_and_a_value_that_is_not_a_number_are_refused_together(db, tmp_path, run_cli):
    bad = formula_and_lots(tmp_path / "bad.xlsx")
    before = fingerprint(db)

    result = run_cli("ingest", bad, "--db", db)

    assert result.exit_code == 1
    err = result.stderr
    assert f'file "bad.xlsx", sheet "Return", row 2, column "D": {FORMULA}' in err, err
    assert f'file "bad.xlsx", sheet "Return", row 3, column "value": {LOTS}' in err, err
    # the structure first, then what the contract found in the rest, in one refusal
    assert err.index(FORMULA) < err.index("The rest of the file was read past the places named above") < err.index(LOTS)
    assert "REFUSED, nothing loaded: 2 problems" in err
    assert fingerprint(db) == before
    with warehouse.connect_read_only(db) as con:
        [(file_id, outcome, rows, message)] = con.execute(
            "SELECT file_id, outcome, rows_read, message FROM file_registry").fetchall()
        stored = con.execute('SELECT sheet, "row", "column", problem FROM ingest_problem WHERE file_id = ? '
                             'ORDER BY "row"', [file_id]).fetchall()
        quarantined = con.execute("SELECT source_sheet, source_row, value_text FROM quarantine WHERE file_id = ?",
                                  [file_id]).fetchall()
        [(label, run_outcome)] = con.execute("SELECT batch_label, outcome FROM validation_run").fetchall()
        rules = {r for (r,) in con.execute("SELECT rule_id FROM validation_result").fetchall()}
    assert (outcome, rows) == ("rejected", 2)  # the two rows read past the formula
    assert message == f'file "bad.xlsx", sheet "Return", row 2, column "D": {FORMULA}'
    assert [(s, r, c) for s, r, c, _ in stored] == [("Return", 2, "D"), ("Return", 3, "value")]
    assert FORMULA in stored[0][3] and LOTS in stored[1][3]
    assert quarantined == [("Return", 3, "lots")]
    assert run_outcome == "failed" and "read past its structure" in label
    # the rules across rows are not run on a file with cells not read: Rotherham's figure is there, as a formula
    assert "every_district_every_month" not in rules and "value_is_number" in rules


def test_without_a_problem_in_the_rest_the_refusal_says_the_rest_breaks_no_rule(db, tmp_path, run_cli):
    bad = write_xlsx(tmp_path / "bad.xlsx", {"Return": [LONG, ["2015-07", "Rotherham", "cse_charges", "=1+2"],
                                                        ["2015-07", "Sheffield", "cse_charges", 2]]})
    result = run_cli("ingest", bad, "--db", db)
    assert result.exit_code == 1
    assert "each row checked against the contract: no row breaks an error rule." in result.stderr
    assert "REFUSED, nothing loaded: 1 problem\n" in result.stderr
    with warehouse.connect(db) as con:
        [refusal] = refusals(con)
    # read, and refused for its structure: not "before any row could be read"
    assert refusal.describe() == "refused with no row that broke an error rule (see its problems); it blocks no month"


def test_merged_cells_are_not_read_and_the_rest_of_the_sheet_is_checked(db, tmp_path):
    bad = write_xlsx(tmp_path / "bad.xlsx", {"cse_charges": [
        [*WIDE, "Total"], ["2015-07", 1, 2, 3, "lots", 10], ["2015-08", 1, None, None, 4, 99],
        ["2015-09", 1, 1, 1, 1, 5]]}, merge={"cse_charges": "B3:C3"})
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert f.outcome == "rejected" and f.reading == 1
    # its structure, then the totals, then the contract's findings
    assert places(f.problems) == [("cse_charges", 3, "B"), ("cse_charges", 4, "Total"), ("cse_charges", 2, "Sheffield")]
    merged, total, lots = (p.text for p in f.problems)
    assert merged == "has merged cells (B3:C3). Unmerge them so that every figure has its own cell."
    assert LOTS in lots
    # row 3's Total is not checked against a sum missing the merged cells; row 4's wrong Total still is
    assert total.startswith('the total "5" does not equal the sum of the districts (4)')
    assert f.run is not None and not f.run.warnings  # no "not reported" for Barnsley and Doncaster in 2015-08


def test_every_merged_range_is_named_in_the_order_of_the_rows(tmp_path):
    wb = build_workbook({"cse_charges": [["CSE charges by district", None, None], WIDE, ["2015-07", 1, 2, 3, 4],
                                         ["2015-08", 5, 6, 7, 8]]})
    wb["cse_charges"].merge_cells("B4:C4")
    wb["cse_charges"].merge_cells("A1:E1")  # a title: read past, as any title row is
    wb.save(tmp_path / "two.xlsx")
    with warehouse.connect(tmp_path / "wh.duckdb") as con:
        [f] = ingest(con, [tmp_path / "two.xlsx"]).files
    assert [(p.row, p.column, p.text[:26]) for p in f.problems] == [
        (1, "A", "has merged cells (A1:E1). "), (4, "B", "has merged cells (B4:C4). ")]
    assert f.run is not None and f.run.rows == 6  # the four figures of July, Rotherham and Sheffield in August


def test_a_title_merged_across_a_long_return_is_read_past_as_a_title(db, tmp_path):
    # a spreadsheet's title centred over its table by merging: named, and the long table under it read as one
    bad = write_xlsx(tmp_path / "titled.xlsx", {"Return": [["CSE return, July 2015", None, None, None], LONG,
                                                           ["2015-07", "Rotherham", "cse_charges", 3],
                                                           ["2015-07", "Sheffield", "cse_charges", "lots"]]},
                     merge={"Return": "A1:D1"})
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert f.outcome == "rejected"
    assert places(f.problems) == [("Return", 1, "A"), ("Return", 4, "value")]
    assert "has merged cells (A1:D1)" in f.problems[0].text and LOTS in f.problems[1].text


def test_a_hidden_sheet_is_refused_with_the_problems_of_the_sheets_a_person_sees(db, tmp_path):
    bad = write_xlsx(tmp_path / "bad.xlsx", {"Return": [LONG, ["2015-07", "Rotherhm", "cse_charges", 3]],
                                             "Old": [LONG, ["2015-07", "Sheffield", "cse_charges", "lots"]]},
                     hidden=("Old",))
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert places(f.problems) == [("Old", None, None), ("Return", 2, "district")]
    assert "is a hidden sheet" in f.problems[0].text and '"Rotherhm" is not a district' in f.problems[1].text
    assert f.problem_count == 2  # the hidden sheet is not read: its "lots" is not said


def test_hidden_rows_and_columns_are_not_loaded_unseen_and_the_rest_is_checked(db, tmp_path):
    """A force's sheet with last month's rows hidden, or a filter left on, or a working column hidden: those cells
    were loaded although no person saw them, where a hidden sheet was refused."""
    wb = build_workbook({"cse_arrests": [["Measure", "cse_arrests"], WIDE,
                                         ["2015-05", 1, 2, 3, 4], ["2015-06", 1, 2, 3, 4],
                                         ["2015-07", 5, 6, "lots", 8]]})
    wb["cse_arrests"].row_dimensions[3].hidden = True
    wb["cse_arrests"].row_dimensions[4].hidden = True
    wb.save(tmp_path / "rows.xlsx")
    wb = build_workbook({"Return": [[*LONG, "note"], ["2015-07", "Rotherham", "cse_charges", 3, "x"],
                                    ["2015-07", "Sheffield", "cse_charges", 2, None]]})
    wb["Return"].column_dimensions["E"].hidden = True
    wb["Return"].column_dimensions.group("G", "XFD", hidden=True)  # hidden, and empty: nothing unseen
    for row in range(5, 40):
        wb["Return"].row_dimensions[row].hidden = True  # the same
    wb.save(tmp_path / "column.xlsx")
    before = fingerprint(db)
    with warehouse.connect(db) as con:
        rows, column = ingest(con, [tmp_path / "rows.xlsx", tmp_path / "column.xlsx"]).files
    assert rows.outcome == column.outcome == "rejected"
    assert places(rows.problems) == [("cse_arrests", 3, None), ("cse_arrests", 5, "Rotherham")]
    assert "rows 3 to 4 are hidden (by hand, or by a filter)" in rows.problems[0].text
    assert "Unhide them (clear any filter)" in rows.problems[0].text
    assert '"lots" is not a number' in rows.problems[1].text  # the rows a person sees are still checked
    assert places(column.problems) == [("Return", 1, "E")]
    assert "column E is hidden and holds figures or text. Unhide it" in column.problems[0].text
    assert fingerprint(db) == before


def test_a_hidden_row_that_holds_nothing_is_no_problem(db, tmp_path):
    wb = build_workbook({"Return": [LONG, ["2015-07", "Rotherham", "cse_charges", 3], [], [],
                                    ["2015-07", "Sheffield", "cse_charges", 2]]})
    wb["Return"].row_dimensions[3].hidden = True
    wb["Return"].row_dimensions[4].hidden = True
    wb.save(tmp_path / "gap.xlsx")
    with warehouse.connect(db) as con:
        [f] = ingest(con, [tmp_path / "gap.xlsx"]).files
    assert f.outcome == "accepted", f.problems


def test_a_figure_formatted_as_a_date_is_named_once_beside_the_others(db, tmp_path):
    import datetime as dt

    bad = write_xlsx(tmp_path / "bad.xlsx", {"Return": [LONG, ["2015-07", "Rotherham", "cse_charges",
                                                               dt.datetime(1900, 1, 3)],
                                                        ["2015-07", "Sheffield", "cse_charges", "lots"]]})
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert places(f.problems) == [("Return", 2, "D"), ("Return", 3, "value")]  # not "the value is empty" at row 2
    assert "is formatted as a date or time" in f.problems[0].text and LOTS in f.problems[1].text


def test_a_csv_value_under_no_heading_is_refused_with_the_other_rows_problems(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("period,district,measure,value,\n2015-07,Rotherham,cse_charges,3,99\n"
                   "2015-07,Sheffield,cse_charges,lots,\n")
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert places(f.problems) == [(None, 2, "E"), (None, 3, "value")]
    assert "has a value in a column with no heading" in f.problems[0].text and LOTS in f.problems[1].text


# --- where reading past the structure would mean nothing, the file is refused on it alone ------------------------


@pytest.mark.parametrize(("sheets", "merge", "named"), [
    ({"Return": [["period", "district", "measure", "=\"value\""], ["2015-07", "Sheffield", "cse_charges", "lots"]]},
     None, [("Return", 1, "D")]),
    ({"cse_charges": [["Period", "Barnsley", "Doncaster"], [None, "x", "y"], ["2015-07", 1, "lots"]]},
     {"cse_charges": "A1:A2"}, [("cse_charges", 1, "A")]),
    ({"cse_charges": [["Measure", "=\"cse_charges\""], WIDE, ["2015-07", 1, 2, 3, "lots"]]}, None,
     [("cse_charges", 1, "B")]),
    ({"cse_charges": [["Period", "=\"Barnsley\"", "Doncaster"], ["2015-07", 1, "lots"]]}, None,
     [("cse_charges", 1, "B")]),
], ids=["long-header-formula", "merged-period-heading", "measure-formula", "district-heading-formula"])
def test_a_heading_that_cannot_be_read_refuses_the_file_on_its_structure_alone(db, tmp_path, sheets, merge, named):
    bad = write_xlsx(tmp_path / "bad.xlsx", sheets, merge=merge)
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert f.outcome == "rejected" and f.run is None and f.reading == 0
    assert places(f.problems) == named
    assert not any("lots" in p.text or "has no header row" in p.text for p in f.problems)


def test_a_sheet_without_a_header_refuses_the_file_on_its_structure_alone(db, tmp_path):
    bad = write_xlsx(tmp_path / "bad.xlsx", {"Return": [LONG, ["2015-07", "Rotherham", "cse_charges", "=1+2"],
                                                        ["2015-07", "Sheffield", "cse_charges", "lots"]],
                                             "cse_arrests": [["hello"], ["world"]]})
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert f.run is None
    assert [(p.sheet, p.row, p.text[:21]) for p in f.problems] == [
        ("Return", 2, "holds a formula (=1+2"), ("cse_arrests", 1, "has no header row: ex")]


def test_merged_ranges_past_any_return_leave_the_sheet_unread(db, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_MERGED_CELLS", 3)
    bad = write_xlsx(tmp_path / "bad.xlsx", {"cse_charges": [WIDE, ["2015-07", 1, 2, 3, "lots"],
                                                             ["2015-08", 1, 2, 3, 4]]},
                     merge={"cse_charges": "B3:E3"})
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert f.run is None and places(f.problems) == [("cse_charges", 3, "B")]


# --- the upload's preview and `pccdash validate` -----------------------------------------------------------------


def test_the_upload_preview_names_the_structure_and_the_values_and_marks_both_cells(con):
    data = workbook_bytes({"Return": [LONG, ["2015-07", "Rotherham", "cse_charges", "=1+2"],
                                      ["2015-07", "Sheffield", "cse_charges", "lots"]]})
    [p] = preview(con, [("2015-07-return.xlsx", data)])
    assert p.verdict == "refused" and not p.loadable and p.reading == 1
    assert [(c.sheet, c.row, c.column) for c in p.errors] == [("Return", 2, "D"), ("Return", 3, "value")]
    assert p.errors[0].message == FORMULA and LOTS in p.errors[1].message
    assert p.sentence() == (
        '"2015-07-return.xlsx" would be refused: nothing from it would be loaded. 2 problems found, listed below. '
        "1 is in the file's structure, and what it names was not read; 1 is in the rest of the file, read past it "
        "and checked against the contract row by row.")
    frame = p.failing_frame()
    assert list(frame["Row"]) == [2, 3] and list(frame["Column"]) == ["D", "value"]
    _, marks = preview_rows(p, "Return")
    assert marks == {(2, 3), (3, 3)}
    assert con.execute("SELECT count(*) FROM file_registry").fetchall() == [(0,)]


def test_pccdash_validate_names_both_and_says_the_file_would_be_refused(db, tmp_path, run_cli):
    bad = formula_and_lots(tmp_path / "bad.xlsx")
    out = run_cli("validate", bad, "--db", db)
    assert out.exit_code == 1
    assert f'file "bad.xlsx", sheet "Return", row 2, column "D": {FORMULA}' in out.stderr
    assert f'file "bad.xlsx", sheet "Return", row 3, column "value": {LOTS}' in out.stdout
    assert "1 problem in the file's structure, the rest read past them; 1 error rule, " in out.stdout
    assert '"bad.xlsx" would be refused: nothing from it would be loaded.' in out.stdout
    assert "Loading it would" not in out.stdout


def test_the_upload_page_lists_the_structure_and_the_values_together_and_records_one_refusal(monkeypatch, sample_db,
                                                                                             tmp_path):
    from dashboard_helpers import ANALYST, copy_warehouse, internal, texts

    wh = copy_warehouse(sample_db, tmp_path)
    data = workbook_bytes({"Return": [LONG, ["2015-07", "Rotherham", "cse_charges", "=1+2"],
                                      ["2015-07", "Sheffield", "cse_charges", "lots"]]})
    at = internal(monkeypatch, wh, "internal_pages/upload.py", ANALYST)
    at.session_state["upload_given"] = [("2015-07-return.xlsx", data)]
    at.run()
    assert not at.exception, at.exception
    assert "1 is in the file's structure, and what it names was not read" in texts(at)
    errors = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert [(r["Row"], r["Column"]) for _, r in errors.iterrows()] == [(2, "D"), (3, "value")]
    grid = next(d.value for d in at.dataframe if "D" in d.value.columns and "Problem" not in d.value.columns)
    assert grid.loc[3, "D"] == "\u26a0 lots"
    at.button(key="upload_accept").click().run()
    assert not at.exception
    with warehouse.connect_read_only(wh) as con:
        [(file_id,)] = con.execute("SELECT file_id FROM file_registry WHERE name = '2015-07-return.xlsx' "
                                   "AND outcome = 'rejected'").fetchall()
        assert con.execute('SELECT "row", "column" FROM ingest_problem WHERE file_id = ? ORDER BY "row"',
                           [file_id]).fetchall() == [(2, "D"), (3, "value")]


def test_a_header_merged_across_two_columns_names_the_heading_it_lost(db, tmp_path):
    """Merging "period" and "district" in the header keeps only "period": the refusal said only "Unmerge them so
    that every figure has its own cell", and the file unmerged was refused again, for its column B without a heading.
    The one refusal now names the heading lost and says to write every heading in its own cell."""
    bad = write_xlsx(tmp_path / "2026-04-return.xlsx", {"Return": [LONG, ["2026-04", "Rotherham", "cse_charges", 3]]},
                     merge={"Return": "A1:B1"})
    with warehouse.connect(db) as con:
        [f] = ingest(con, [bad]).files
    assert f.outcome == "rejected" and places(f.problems) == [("Return", 1, "A")]
    assert f.problems[0].text == (
        'has merged cells (A1:B1) in its header row (the heading "district" is lost). Unmerge them and write each '
        "column's heading in its own cell: period, district, measure, value.")
