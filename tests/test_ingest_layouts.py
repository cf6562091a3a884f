"""Both layouts, in both file types, load to the same figures, each keeping the file, sheet, row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import write_csv, write_xlsx

from pipelines.ingest import ingest

LONG_CSV = """period,district,measure,value,note
2015-06,Rotherham,cse_charges,2,
2015-07,Rotherham,cse_charges,3,"checked with the ""district"" team
on 3 August"
2015-07,Sheffield,cse_live_investigations,51,
2015-07,Barnsley,officers_trained_pct,87.5,
"""

WIDE_CSV = """South Yorkshire Police - CSE return
Measure,cse_charges
Period,Barnsley,Doncaster,Rotherham,Sheffield,Total
2015-06,1,0,2,1,4
Jul 2015,0,1,3,,4

Measure,Live CSE investigations
Period,Barnsley,Doncaster,Rotherham,Sheffield
2015-07,27,31,46,51
"""


def figures(con):
    return con.execute(
        "SELECT strftime(period, '%Y-%m'), district, measure, value, source_sheet, source_row, source_column, note "
        "FROM figure ORDER BY measure, period, district").fetchall()


def test_long_csv_keeps_source_rows_and_notes(con, tmp_path):
    report = ingest(con, [write_csv(tmp_path / "long.csv", LONG_CSV)])
    assert report.ok and report.files[0].layout == "long"
    rows = figures(con)
    assert ("2015-07", "Rotherham", "cse_charges", 3.0, None, 3, "value",
            'checked with the "district" team\non 3 August') in rows
    # the quoted note spans two lines, yet Sheffield is the fourth row a spreadsheet shows
    assert ("2015-07", "Sheffield", "cse_live_investigations", 51.0, None, 4, "value", None) in rows
    assert ("2015-07", "Barnsley", "officers_trained_pct", 87.5, None, 5, "value", None) in rows


def test_wide_csv_blocks_read_measure_rows_month_names_and_skip_empty_cells(con, tmp_path):
    report = ingest(con, [write_csv(tmp_path / "wide.csv", WIDE_CSV)])
    assert report.ok, report.files[0].problems
    assert report.files[0].layout == "wide"
    rows = figures(con)
    charges = [r for r in rows if r[2] == "cse_charges"]
    assert len(charges) == 7  # Sheffield July left empty: not reported
    assert ("2015-07", "Rotherham", "cse_charges", 3.0, None, 5, "Rotherham", None) in charges
    live = [r for r in rows if r[2] == "cse_live_investigations"]
    assert sum(r[3] for r in live) == 155
    assert {r[5] for r in live} == {9}


def test_wide_xlsx_sheet_per_measure_with_date_cells_and_total_column(con, tmp_path):
    path = write_xlsx(tmp_path / "wide.xlsx", {
        "Notes": [["Illustrative return"]],
        "cse_arrests": [
            ["CSE return 2015/16"],
            ["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield", "Total"],
            [dt.datetime(2015, 6, 1), 5, 9, 8, 17, 39],
            [dt.datetime(2015, 7, 1), 6, 8, 10, 15, 39],
        ],
        "Sheet2": [
            ["Measure", "cse_live_investigations"],
            ["Month", "Barnsley", "Doncaster", "Rotherham", "Sheffield"],
            ["2015-07", 27, 31, 46, 51],
        ],
    })
    report = ingest(con, [path])
    assert report.ok, report.files[0].problems
    rows = figures(con)
    assert ("2015-07", "Rotherham", "cse_arrests", 10.0, "cse_arrests", 4, "Rotherham", None) in rows
    assert ("2015-07", "Sheffield", "cse_live_investigations", 51.0, "Sheet2", 3, "Sheffield", None) in rows
    assert len(rows) == 12


def test_long_xlsx_reads_text_and_date_periods(con, tmp_path):
    path = write_xlsx(tmp_path / "long.xlsx", {"Return": [
        ["Period", "District", "Measure", "Value"],
        ["2015-07", "Rotherham", "cse_charges", 3],
        [dt.datetime(2015, 8, 1), "rotherham", "CSE charges", 4],
        ["2015-07", "Barnsley", "officers_trained_pct", 87.5],
    ]})
    report = ingest(con, [path])
    assert report.ok, report.files[0].problems
    rows = figures(con)
    assert ("2015-08", "Rotherham", "cse_charges", 4.0, "Return", 3, "value", None) in rows
    assert ("2015-07", "Barnsley", "officers_trained_pct", 87.5, "Return", 4, "value", None) in rows


def test_both_layouts_give_the_same_figures(tmp_path):
    from pipelines import warehouse

    long_text = "period,district,measure,value\n" + "".join(
        f"2015-0{m},{d},cse_charges,{v}\n" for m, vals in ((6, (1, 0, 2, 1)), (7, (0, 1, 3, 2)))
        for d, v in zip(("Barnsley", "Doncaster", "Rotherham", "Sheffield"), vals, strict=True))
    wide_text = ("Measure,cse_charges\nPeriod,Barnsley,Doncaster,Rotherham,Sheffield\n"
                 "2015-06,1,0,2,1\n2015-07,0,1,3,2\n")
    results = []
    for name, text in (("long.csv", long_text), ("wide.csv", wide_text)):
        with warehouse.connect(tmp_path / f"{name}.duckdb") as c:
            assert ingest(c, [write_csv(tmp_path / name, text)]).ok
            results.append(c.execute("SELECT period, district, measure, value FROM figure ORDER BY ALL").fetchall())
    assert results[0] == results[1] and len(results[0]) == 8


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")])
def test_utf8_with_or_without_bom_and_windows_1252_are_read(con, tmp_path, encoding, bom):
    text = "period,district,measure,value,note\n2015-07,Rotherham,cse_charges,3,Café – £5 “quoted”\n"
    path = tmp_path / "enc.csv"
    path.write_bytes(bom + text.encode(encoding))
    report = ingest(con, [path])
    assert report.ok, report.files[0].problems
    assert con.execute("SELECT note FROM figure").fetchall() == [("Café – £5 “quoted”",)]


def test_text_starting_like_a_formula_is_kept_as_data(con, tmp_path):
    text = "period,district,measure,value,note\n2015-07,Rotherham,cse_charges,3,=HYPERLINK(\"x\")\n"
    assert ingest(con, [write_csv(tmp_path / "f.csv", text)]).ok
    assert con.execute("SELECT note FROM figure").fetchall() == [('=HYPERLINK("x")',)]


LONG_UNDER_TITLE = [
    ["South Yorkshire Police - CSE return, July 2015"],
    [],
    ["period", "district", "measure", "value"],
    ["2015-07", "Rotherham", "cse_charges", 3],
    ["2015-07", "Sheffield", "cse_charges", 2],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_long_table_under_a_title_is_read_from_its_header(con, tmp_path, kind):
    """A force's spreadsheet puts a title over its long table, as over a wide one: the header on row 3 is the
    header, not a wide block whose districts would be "district", "measure" and "value"."""
    if kind == "csv":
        text = "".join(",".join(f'"{c}"' if "," in str(c) else str(c) for c in row) + "\n"
                       for row in LONG_UNDER_TITLE)  # as Excel saves it, the title's comma quoted
        path = write_csv(tmp_path / "titled.csv", text)
    else:
        path = write_xlsx(tmp_path / "titled.xlsx", {"Return": LONG_UNDER_TITLE})
    report = ingest(con, [path])
    assert report.ok, report.files[0].problems
    assert report.files[0].layout == "long"
    sheet = "Return" if kind == "xlsx" else None
    assert sorted(figures(con)) == [("2015-07", "Rotherham", "cse_charges", 3.0, sheet, 4, "value", None),
                                    ("2015-07", "Sheffield", "cse_charges", 2.0, sheet, 5, "value", None)]


LONG_WITH_NOTES = [
    ["period", "district", "measure", "value"],
    ["2015-07", "Rotherham", "cse_charges", 3],
    ["2015-07", "Sheffield", "cse_charges", 2],
    [],
    [],
    ["Notes: figures are provisional until the quarter closes"],
    ["Source: performance team"],
]


def _save(tmp_path, kind, rows):
    if kind == "csv":
        return write_csv(tmp_path / "notes.csv", "".join(",".join(str(c) for c in row) + "\n" for row in rows))
    return write_xlsx(tmp_path / "notes.xlsx", {"Return": rows})


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_notes_under_a_long_table_are_read_past_as_in_the_wide_layout(con, tmp_path, kind):
    report = ingest(con, [_save(tmp_path, kind, LONG_WITH_NOTES)])
    assert report.ok, report.files[0].problems
    assert [r[:4] for r in sorted(figures(con))] == [("2015-07", "Rotherham", "cse_charges", 3.0),
                                                     ("2015-07", "Sheffield", "cse_charges", 2.0)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("rows,row", [
    # a note straight under the figures, with no empty row to set it apart: a row of the table
    (LONG_WITH_NOTES[:3] + LONG_WITH_NOTES[5:], 4),
    # a month alone under the notes' empty row: a figure's row cut short, not a note
    (LONG_WITH_NOTES[:4] + [["2015-08"]] + LONG_WITH_NOTES[5:], 5),
])
def test_a_row_under_a_long_table_that_is_not_a_block_of_notes_is_still_refused(con, tmp_path, kind, rows, row):
    report = ingest(con, [_save(tmp_path, kind, rows)])
    assert not report.ok
    assert any(p.row == row for p in report.files[0].problems), report.files[0].problems
    assert con.execute("SELECT count(*) FROM figure").fetchone() == (0,)


def test_an_empty_sheet_beside_the_return_is_read_past(con, tmp_path):
    # a new workbook's "Sheet1" left empty before the return's sheet: nothing in it to load or to miss
    path = write_xlsx(tmp_path / "return.xlsx", {"Sheet1": [], "Return": [
        ["period", "district", "measure", "value"], ["2015-07", "Rotherham", "cse_charges", 3]], "Sheet3": []})
    report = ingest(con, [path])
    assert report.ok, report.files[0].problems
    assert [r[:5] for r in figures(con)] == [("2015-07", "Rotherham", "cse_charges", 3.0, "Return")]


def test_a_workbook_whose_sheets_are_all_empty_is_refused_saying_so(con, tmp_path):
    report = ingest(con, [write_xlsx(tmp_path / "blank.xlsx", {"Sheet1": [], "Notes": [["Sent by the force"]]})])
    assert not report.ok
    assert [p.text for p in report.files[0].problems] == [
        "has no sheet with figures: each is empty or a notes sheet (Notes, About, Contents or ReadMe). Put the "
        "return's table on a sheet of its own."]
