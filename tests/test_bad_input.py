"""A file that breaks the return format is refused whole, with its file, row and column named; nothing
from it loads, earlier loads are unchanged, and the other files of the same run still load."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from helpers import fingerprint, write_xlsx

from pipelines import warehouse
from pipelines.ingest import ingest

HEADER = "period,district,measure,value\n"
GOOD = HEADER + "2015-07,Rotherham,cse_charges,3\n"
OLE = bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE compound file's signature: Excel 97-2003, or an encrypted workbook


def csv_case(text: str | bytes, name: str = "bad.csv"):
    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path
    return make


def xlsx_case(sheets, **kw):
    def make(tmp_path):
        return write_xlsx(tmp_path / "bad.xlsx", sheets, **kw)
    return make


def truncated_xlsx(tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", {"Return": [["period", "district", "measure", "value"],
                                                             ["2015-07", "Rotherham", "cse_charges", 3]]})
    data = whole.read_bytes()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_without_workbook(tmp_path):
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    return path


LONG_SHEET = [["period", "district", "measure", "value"]]

# (id, file maker, words the message must hold, row, column)
CASES = [
    ("wrong_extension", csv_case(GOOD, "return.txt"),
     'has the extension ".txt"; a return must be a .csv or .xlsx file. If it holds a return, save it from the '
     "spreadsheet as .csv or .xlsx; docs/return-format.md describes what a return holds.", None, None),
    # a return saved without its extension: said so, not 'the extension "(none)"', with what to do
    ("no_extension", csv_case(GOOD, "return"),
     "has no extension; a return must be a .csv or .xlsx file. If it holds a return, save it from the spreadsheet "
     "as .csv or .xlsx (or, if it is CSV text already, add .csv to its name); docs/return-format.md", None, None),
    ("xls_extension", csv_case(GOOD, "return.xls"), "Save it from the spreadsheet as .xlsx", None, None),
    ("zip_download", csv_case(b"PK\x03\x04", "police-uk-2018-07.zip"),
     "A .zip file is not unpacked: unpack it (police.uk's download holds a folder for each month) and load the "
     "folder it gives.", None, None),
    ("empty_file", csv_case(b""), "is empty (0 bytes)", None, None),
    ("header_only", csv_case(HEADER), "has a header but no figures", 1, None),
    ("truncated_csv_mid_row", csv_case(GOOD + "2015-08,Rotherham,cse_ch"), "3 fields where the header has 4", 3, None),
    ("truncated_csv_open_quote", csv_case(GOOD + '2015-08,"Rotherham,cse_charges,4\n'), "cannot be read as CSV",
     3, None),
    ("not_utf8_or_1252", csv_case(HEADER.encode() + b"2015-07,Rotherham,cse_charges,3\x81\n"),
     "neither UTF-8 nor Windows-1252", 2, None),
    ("utf16", csv_case(GOOD.encode("utf-16")), "UTF-16", None, None),
    ("semicolons", csv_case(GOOD.replace(",", ";")), "separated by semicolons (;), not commas", 1, None),
    ("semicolons_wide_under_title",
     csv_case("CSE return\nMeasure;cse_charges\nPeriod;Barnsley;Doncaster\n2015-07;1;2\n"),
     'separated by semicolons (;), not commas (this row is its header). Save it from the spreadsheet as "CSV UTF-8',
     3, None),
    ("tabs", csv_case(GOOD.replace(",", "\t")), "separated by tabs, not commas", 1, None),
    ("xlsx_named_csv", lambda p: (p / "bad.csv").write_bytes(truncated_xlsx(p).read_bytes()) and p / "bad.csv",
     "zip package", None, None),
    ("csv_named_xlsx", csv_case(GOOD, "bad.xlsx"), "not an XLSX workbook", None, None),
    ("truncated_xlsx", truncated_xlsx, "not a readable XLSX workbook", None, None),
    # Excel saves a workbook with a password to open it as an OLE compound file holding an "EncryptedPackage"
    ("password_protected_xlsx", csv_case(OLE + bytes(1000) + "EncryptedPackage".encode("utf-16-le") + bytes(500),
                                         "bad.xlsx"),
     "is a workbook protected by a password to open it, so it cannot be read. Ask the force to send it without the "
     "password", None, None),
    ("xls_named_xlsx", csv_case(OLE + bytes(2000), "bad.xlsx"),
     'is an Excel 97-2003 workbook (.xls) under another extension. Open it in the spreadsheet and save it as "Excel '
     'Workbook (.xlsx)".', None, None),
    ("xls_named_csv", csv_case(OLE + bytes(2000), "bad.csv"), "is an Excel 97-2003 workbook (.xls)", None, None),
    ("zip_not_workbook", zip_without_workbook, "not an XLSX workbook", None, None),
    # a table of the force's own, in neither layout: told so, with both layouts shown, not the wide layout's advice
    ("neither_layout", csv_case("Month,Area,Arrests,Charges\n2015-07,Rotherham,5,1\n"),
     'is in neither the long nor the wide layout (its header is "Month, Area, Arrests, Charges"). The long layout '
     'has the header "period, district, measure, value"', 1, None),
    ("missing_column", csv_case("period,district,value\n2015-07,Rotherham,3\n"),
     'required column "measure" is missing', 1, "measure"),
    ("header_typo", csv_case("period,district,measure,vlaue\n2015-07,Rotherham,cse_charges,3\n"),
     'Did you mean "value"?', 1, "vlaue"),
    ("extra_column", csv_case("period,district,measure,value,force\n2015-07,Rotherham,cse_charges,3,x\n"),
     '"force" is not a column', 1, "force"),
    ("unknown_district", csv_case(HEADER + "2015-07,Rotherhm,cse_charges,3\n"),
     '"Rotherhm" is not a district', 2, "district"),
    ("unknown_measure", csv_case(HEADER + "2015-07,Rotherham,cse_chargez,3\n"),
     '"cse_chargez" is not in the measure catalogue', 2, "measure"),
    ("not_whole_number", csv_case(HEADER + "2015-07,Rotherham,cse_charges,2.5\n"),
     '"2.5" is not a whole number', 2, "value"),
    ("not_a_number", csv_case(HEADER + "2015-07,Rotherham,cse_charges,twelve\n"),
     '"twelve" is not a number', 2, "value"),
    ("negative", csv_case(HEADER + "2015-07,Rotherham,cse_charges,-4\n"), '"-4" is negative', 2, "value"),
    ("enormous", csv_case(HEADER + "2015-07,Rotherham,cse_charges,99999999999999\n"), "too large", 2, "value"),
    ("formula_text_value", csv_case(HEADER + "2015-07,Rotherham,cse_charges,=2+1\n"),
     '"=2+1" is not a number', 2, "value"),
    ("empty_value", csv_case(HEADER + "2015-07,Rotherham,cse_charges,\n"), "the value is empty", 2, "value"),
    ("future_period", csv_case(HEADER + "2027-01,Rotherham,cse_charges,3\n"), '"2027-01" is in the future', 2,
     "period"),
    ("malformed_period", csv_case(HEADER + "July 15th,Rotherham,cse_charges,3\n"), "is not a month", 2, "period"),
    ("month_13", csv_case(HEADER + "2015-13,Rotherham,cse_charges,3\n"), '"2015-13" is not a month', 2, "period"),
    ("duplicate_rows", csv_case(HEADER + "2015-07,Rotherham,cse_charges,3\n2015-07,Rotherham,cse_charges,4\n"),
     "appears more than once in the file", 2, None),
    ("blank_line_before_bad_row",
     csv_case(HEADER + "2015-07,Rotherham,cse_charges,3\n\n2015-07,Sheffield,cse_charges,x\n"),
     '"x" is not a number', 4, "value"),
    ("ragged_row", csv_case(HEADER + "2015-07,Rotherham,cse_charges,3,9\n"), "5 fields where the header has 4", 2,
     None),
    # Excel quotes "1,312" when it saves a CSV; typed or exported by hand, the comma splits the number in two
    ("thousands_unquoted", csv_case(HEADER + "2015-07,Rotherham,officer_headcount,1,312\n"),
     'has 5 fields where the header has 4: "1,312" looks like a number written with a thousands separator, which '
     "splits it in two. Write 1312.", 2, None),
    ("thousands_unquoted_after_blank_line", csv_case(GOOD + "\n2015-07,Sheffield,officer_headcount,1,312\n"),
     '"1,312" looks like a number written with a thousands separator', 4, None),
    ("xlsx_formula_cell", xlsx_case({"Return": LONG_SHEET + [["2015-07", "Rotherham", "cse_charges", "=1+2"]]}),
     "holds a formula", 2, "D"),
    ("xlsx_hidden_sheet", xlsx_case({"Return": LONG_SHEET + [["2015-07", "Rotherham", "cse_charges", 3]],
                                     "Old": LONG_SHEET + [["2015-07", "Sheffield", "cse_charges", 9]]},
                                    hidden=("Old",)), "hidden sheet", None, None),
    ("xlsx_merged_cells", xlsx_case({"cse_charges": [["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield"],
                                                     ["2015-07", 1, 2, 3, 4], ["2015-08", 1, None, None, 4]]},
                                    merge={"cse_charges": "B3:C3"}), "merged cells", 3, "B"),
    ("xlsx_wrong_total", xlsx_case({"cse_charges": [["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield",
                                                     "Total"], ["2015-07", 1, 2, 3, 4, 11]]}),
     'the total "11" does not equal the sum of the districts (10)', 2, "Total"),
    ("xlsx_unknown_measure_sheet", xlsx_case({"Sheet1": [["Period", "Barnsley"], ["2015-07", 1]]}),
     '"Sheet1" is not in the measure catalogue', 2, "measure"),
    ("xlsx_no_header", xlsx_case({"cse_charges": [["hello"], ["world"]]}), "has no header row", 1, None),
    ("csv_sep_line_not_comma", csv_case("sep=;\nperiod;district;measure;value\n2015-07;Rotherham;cse_charges;3\n"),
     'begins with the line "sep=;"', 1, None),
    ("xlsx_date_formatted_figure", xlsx_case({"Return": LONG_SHEET + [["2015-07", "Rotherham", "cse_charges",
                                                                      dt.datetime(1900, 1, 3)]]}),
     "is formatted as a date or time", 2, "D"),
    ("xlsx_future_date_cell", xlsx_case({"Return": LONG_SHEET + [[dt.datetime(2030, 1, 1), "Rotherham",
                                                                  "cse_charges", 3]]}),
     '"2030-01" is in the future', 2, "period"),
]


@pytest.fixture
def loaded_db(db, tmp_path):
    """A warehouse with one accepted file already in it."""
    first = tmp_path / "earlier.csv"
    first.write_text(HEADER + "2015-06,Rotherham,cse_charges,2\n2015-07,Sheffield,cse_charges,5\n")
    with warehouse.connect(db) as con:
        assert ingest(con, [first]).ok
    return db


@pytest.mark.parametrize("case_id,make,words,row,column", CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_with_its_place_and_changes_nothing(loaded_db, tmp_path, run_cli, case_id, make,
                                                                 words, row, column):
    before = fingerprint(loaded_db)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(bad_dir)
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "2015-08,Rotherham,cse_charges,4\n")

    result = run_cli("ingest", bad, good, "--db", loaded_db)

    assert result.exit_code == 1
    assert f'Refused "{bad.name}"' in result.stderr
    assert words in result.stderr, result.stderr
    with warehouse.connect_read_only(loaded_db) as con:
        problems = con.execute(
            'SELECT p.sheet, p."row", p."column", p.problem FROM ingest_problem p JOIN file_registry r USING (file_id) '
            "WHERE r.name = ? AND r.outcome = 'rejected'", [bad.name]).fetchall()
        assert problems, "the refusal and its problems are recorded"
        assert any(words in p[3] and p[1] == row and p[2] == column for p in problems), problems
        # the good file of the same run loaded; the refused file added no figure
        after = con.execute("SELECT strftime(period, '%Y-%m'), district, value FROM figure ORDER BY ALL").fetchall()
    assert ("2015-08", "Rotherham", 4.0) in after
    assert [r for r in fingerprint(loaded_db) if r not in before] == [
        r for r in fingerprint(loaded_db) if r[0] == dt.date(2015, 8, 1)]


def test_message_names_file_row_and_column_and_the_fix(db, tmp_path, run_cli):
    bad = tmp_path / "2015-07-rotherham.csv"
    bad.write_text(HEADER + "2015-07,Rotherham,cse_charges,twelve\n")
    result = run_cli("ingest", bad, "--db", db)
    assert ('file "2015-07-rotherham.csv", row 2, column "value": "twelve" is not a number; expected a number '
            "such as 12 or 87.5.") in result.stderr
    assert 'Correct the file and run "pccdash ingest" again.' in result.stderr


def test_every_problem_in_a_file_is_listed_not_only_the_first(db, tmp_path):
    bad = tmp_path / "many.csv"
    bad.write_text(HEADER + "2015-07,Rotherhm,cse_charges,x\n2015-13,Sheffield,cse_charges,-1\n")
    with warehouse.connect(db) as con:
        report = ingest(con, [bad])
    places = [(p.row, p.column) for p in report.files[0].problems]
    assert places == [(2, "district"), (2, "value"), (3, "period"), (3, "value")]


def test_a_refused_files_problem_count_is_every_failing_row_not_the_sample(db, tmp_path, run_cli, monkeypatch):
    """Regression: "REFUSED, nothing loaded: 50 problems" for a file with 240 rows in the future (the report keeps
    a sample of each rule's rows; the count is of them all)."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-10")
    months = [f"{2030 + i // 12}-{i % 12 + 1:02d}" for i in range(60)]
    future = tmp_path / "future.csv"
    future.write_text(HEADER + "".join(f"{m},{d},cse_charges,1\n" for m in months
                                       for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield")))
    bad_total = tmp_path / "bad-total.xlsx"
    write_xlsx(bad_total, {"cse_charges": [["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield", "Total"],
                                           ["2026-05", 1, 2, 3, 4, 11]]})
    result = run_cli("ingest", future, bad_total, "--db", db)
    assert result.exit_code == 1
    assert "period_not_future                    240 failing" in result.stderr
    assert "REFUSED, nothing loaded: 240 problems" in result.stderr
    assert "REFUSED, nothing loaded: 1 problem\n" in result.stderr
    with warehouse.connect(db) as con:
        report = ingest(con, [future])
    [refused] = report.files
    assert refused.problem_count == 240 and len(refused.problems) < 240


def test_a_file_over_the_size_limit_is_refused_unread(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_MAX_FILE_MB", "1")
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "2015-07,Rotherham,cse_charges,3\n" * 40000)
    with warehouse.connect(db) as con:
        report = ingest(con, [big])
    assert not report.ok
    assert "over the limit of 1 MiB" in report.files[0].problems[0].text


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_MAX_XLSX_UNPACKED_MB", "5")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with warehouse.connect(db) as con:
        report = ingest(con, [bomb])
    assert "would unpack to 20 MiB" in report.files[0].problems[0].text


def test_a_missing_path_is_reported_and_the_rest_still_load(db, tmp_path, run_cli):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    result = run_cli("ingest", tmp_path / "nope.csv", good, "--db", db)
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert "1 file accepted" in result.stdout


def test_a_path_that_names_nothing_is_said_not_found_where_it_was_looked_for(db, tmp_path, run_cli, monkeypatch):
    """Regression: a mistyped path, or a relative one given from another folder, was told 'Refused "returns":
    nothing from it was loaded ... does not exist. Correct the file', as if there were a file to correct."""
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    result = run_cli("ingest", "returns/2015-08/", good, "--db", db)
    assert result.exit_code == 1
    assert 'Not found: "returns/2015-08".' in result.stderr
    assert (f'there is no file or folder of this name in "{tmp_path}", the folder the command was run from. Check '
            "the name and the folder.") in result.stderr
    assert "Refused" not in result.stderr and "Correct the file" not in result.stderr
    assert "1 file accepted, 0 already loaded, 0 refused, 1 not found." in result.stdout


def test_a_value_that_is_not_a_number_in_a_published_month_says_so_in_its_warning(db, tmp_path, run_cli):
    # regression: the published-month warning printed an empty message for a value that is not a number
    first = tmp_path / "july.csv"
    first.write_text(GOOD)
    with warehouse.connect(db) as con:
        assert ingest(con, [first]).ok
        con.execute("INSERT INTO published_period VALUES (DATE '2015-07-01', TIMESTAMP '2015-09-01 10:00:00')")
    bad = tmp_path / "july-again.csv"
    bad.write_text(HEADER + "2015-07,Rotherham,cse_charges,twelve\n")

    result = run_cli("ingest", bad, "--db", db)

    assert result.exit_code == 1
    warning = [line for line in result.stderr.splitlines() if "published" in line and "July 2015" in line]
    assert warning == ['    - file "july-again.csv", row 2, column "value": CSE charges for Rotherham in July 2015 was '
                       'published as 3 and is now "twelve", which is not a number: the published figure will need '
                       "a revision notice."], result.stderr
    assert ": : " not in result.stderr


@pytest.mark.parametrize("name,body", [
    ("damaged.xlsx", b"\x8b\x13 not a zip package " * 50),
    ("binary.csv", HEADER.encode() + b"2015-07,Rotherham,cse_charges,\x00\x01\x02\n"),
    ("empty.csv", b""),
], ids=["damaged_xlsx", "binary_csv", "empty_csv"])
def test_an_unreadable_file_sent_again_is_known_by_its_bytes_and_recorded_once(db, tmp_path, run_cli, name, body):
    """Regression: a file refused before its content could be read had no hash, so every time the same file was sent
    it was registered as another refusal. Its bytes are hashed all the same: sent again, under any name, it is named
    as the refusal before and nothing new is recorded; kept as received, it can be handed back."""
    from pipelines import filestore

    first = tmp_path / name
    first.write_bytes(body)
    again = tmp_path / "again" / f"resent{first.suffix}"
    again.parent.mkdir()
    again.write_bytes(body)
    assert run_cli("ingest", first, "--db", db).exit_code == 1
    result = run_cli("ingest", again, "--db", db)
    assert result.exit_code == 1
    assert f'already refused as file #1 ("{name}")' in result.stdout + result.stderr
    other = tmp_path / f"other{first.suffix}"  # a different unreadable file is a refusal of its own
    other.write_bytes(body + b"\x00" if body else b"\x00")
    assert run_cli("ingest", other, "--db", db).exit_code == 1
    with warehouse.connect_read_only(db) as con:
        rows = con.execute("SELECT file_id, name, sha256, outcome FROM file_registry ORDER BY file_id").fetchall()
    assert [(i, n, o) for i, n, _, o in rows] == [(1, name, "rejected"), (2, other.name, "rejected")]
    assert rows[0][2] == filestore.sha256(body) and filestore.get(db, rows[0][2]) == body
    shown = run_cli("files", "show", "1", "--db", db).stdout
    assert "Kept as received" in shown, shown
