"""What is loaded from a workbook is what a person sees in the cell: a percentage-formatted cell is read in per
cent, a currency-formatted one as its number; a cell whose format shows a date, thousands, or a percentage of a
count where a figure is expected is refused with its sheet, row and column named. A CSV as Excel saves it, with
a "sep=," first line, is read."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipelines import warehouse
from pipelines.ingest import ingest

HEADER = ["period", "district", "measure", "value"]


def workbook(path: Path, rows: list[list], formats: dict[str, str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Return"
    for row in rows:
        ws.append(row)
    for coordinate, number_format in formats.items():
        ws[coordinate].number_format = number_format
    wb.save(path)
    return path


def load(db: Path, path: Path):
    with warehouse.connect(db) as con:
        outcome = ingest(con, [path]).files[0]
        figures = con.execute("SELECT district, measure, value FROM figure ORDER BY ALL").fetchall()
    return outcome, figures


@pytest.mark.parametrize("number_format", ["0.0%", "0%", "0.00%"])
def test_a_percentage_cell_loads_as_the_per_cent_it_shows(db, tmp_path, number_format):
    # regression: 0.875 shown as 87.5% was loaded as 0.875
    path = workbook(tmp_path / "pct.xlsx", [HEADER, ["2015-07", "Rotherham", "officers_trained_pct", 0.875],
                                            ["2015-07", "Sheffield", "Officers trained %", 0.123]],
                    {"D2": number_format, "D3": number_format})
    outcome, figures = load(db, path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert figures == [("Rotherham", "officers_trained_pct", 87.5), ("Sheffield", "officers_trained_pct", 12.3)]


def test_a_percentage_cell_in_a_wide_sheet_loads_as_the_per_cent_it_shows(db, tmp_path):
    path = workbook(tmp_path / "wide.xlsx", [["Period", "Barnsley", "Rotherham"], ["2015-07", 0.5, 0.875]],
                    {"B2": "0%", "C2": "0.0%"})
    wb = openpyxl.load_workbook(path)
    wb["Return"].title = "officers_trained_pct"
    wb.save(path)
    outcome, figures = load(db, path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert figures == [("Barnsley", "officers_trained_pct", 50.0), ("Rotherham", "officers_trained_pct", 87.5)]


def test_a_percentage_cell_for_a_count_is_refused_naming_the_cell(db, tmp_path):
    path = workbook(tmp_path / "count.xlsx", [HEADER, ["2015-07", "Rotherham", "cse_charges", 0.5]], {"D2": "0%"})
    outcome, figures = load(db, path)
    assert outcome.outcome == "rejected"
    assert figures == []
    assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [("Return", 2, "D")]
    assert ('is formatted as a percentage, so it shows "50%", but cse_charges is not a percentage measure. '
            "Format the cell as Number (or General)") in outcome.problems[0].text


@pytest.mark.parametrize("number_format", ['"£"#,##0.00', "[$£-809]#,##0.00", '_-"£"* #,##0_-;-"£"* #,##0_-'])
def test_a_currency_cell_is_read_as_its_number(db, tmp_path, number_format):
    path = workbook(tmp_path / "money.xlsx", [HEADER, ["2015-07", "Rotherham", "cse_charges", 1234]],
                    {"D2": number_format})
    outcome, figures = load(db, path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert figures == [("Rotherham", "cse_charges", 1234.0)]


@pytest.mark.parametrize("number_format", ["dd/mm/yyyy", "mmm-yy", "h:mm"])
def test_a_date_formatted_figure_is_refused_naming_the_cell(db, tmp_path, number_format):
    path = workbook(tmp_path / "date.xlsx", [HEADER, ["2015-07", "Rotherham", "cse_charges", 3],
                                             ["2015-07", "Sheffield", "cse_charges", 4]], {"D3": number_format})
    outcome, figures = load(db, path)
    assert outcome.outcome == "rejected"
    assert figures == []
    assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [("Return", 3, "D")]
    assert "is formatted as a date or time" in outcome.problems[0].text
    assert "Format the cell as Number (or General)" in outcome.problems[0].text


def test_a_date_formatted_period_is_still_its_month(db, tmp_path):
    import datetime as dt

    path = workbook(tmp_path / "period.xlsx", [HEADER, [dt.datetime(2015, 7, 1), "Rotherham", "cse_charges", 3]],
                    {"A2": "dd/mm/yyyy"})
    outcome, figures = load(db, path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert figures == [("Rotherham", "cse_charges", 3.0)]


def test_a_figure_shown_in_thousands_is_refused_naming_the_cell(db, tmp_path):
    path = workbook(tmp_path / "k.xlsx", [["Period", "Barnsley", "Rotherham"], ["2015-07", 3, 3000]], {"C2": "#,##0,"})
    wb = openpyxl.load_workbook(path)
    wb["Return"].title = "cse_charges"
    wb.save(path)
    outcome, figures = load(db, path)
    assert outcome.outcome == "rejected"
    assert figures == []
    assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [("cse_charges", 2, "C")]
    assert 'holds 3000 but its format "#,##0," shows it divided by 1,000' in outcome.problems[0].text


def test_a_thousands_separator_alone_changes_nothing(db, tmp_path):
    path = workbook(tmp_path / "sep.xlsx", [HEADER, ["2015-07", "Rotherham", "cse_arrests", 1234]], {"D2": "#,##0"})
    outcome, figures = load(db, path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert figures == [("Rotherham", "cse_arrests", 1234.0)]


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_csv_with_excels_sep_line_is_read_with_rows_numbered_as_excel_shows_them(db, tmp_path, ending):
    # regression: the "sep=," line was read as a wide block and got advice about a missing measure
    good = tmp_path / "good.csv"
    good.write_text(ending.join(["sep=,", ",".join(HEADER), "2015-07,Rotherham,cse_charges,3", ""]), newline="")
    outcome, figures = load(db, good)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert figures == [("Rotherham", "cse_charges", 3.0)]

    bad = tmp_path / "bad.csv"
    bad.write_text(ending.join(["sep=,", ",".join(HEADER), "2015-08,Rotherham,cse_charges,x", ""]), newline="")
    outcome, _ = load(db, bad)
    assert outcome.outcome == "rejected"
    assert [(p.row, p.column) for p in outcome.problems] == [(2, "value")]


def test_a_wide_csv_with_excels_sep_line_is_read(db, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("sep=,\nMeasure,cse_charges\nPeriod,Barnsley,Rotherham\n2015-07,1,2\n")
    outcome, figures = load(db, path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert figures == [("Barnsley", "cse_charges", 1.0), ("Rotherham", "cse_charges", 2.0)]


def test_a_sep_line_naming_another_separator_is_refused_for_that_line(db, tmp_path):
    path = tmp_path / "semicolons.csv"
    path.write_text("sep=;\nperiod;district;measure;value\n2015-07;Rotherham;cse_charges;3\n")
    outcome, figures = load(db, path)
    assert outcome.outcome == "rejected"
    assert figures == []
    problem = outcome.problems[0]
    assert problem.row == 1
    assert 'begins with the line "sep=;": its fields are separated by ";"' in problem.text
    assert "measure" not in problem.text
