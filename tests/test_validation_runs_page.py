"""The Validation runs page keeps loads, trial runs and checks of accepted figures apart, opens on the latest
load (not a later trial run), counts files rather than runs, and names every column and rule in words."""

from __future__ import annotations

import re

import pytest
from dashboard_helpers import ANALYST, copy_warehouse, grid_times, internal, texts
from helpers import ROOT, write_csv, write_xlsx

from pipelines import warehouse
from pipelines.contracts import runs as stored
from pipelines.contracts.revalidate import validate_accepted, validate_files
from pipelines.ingest.load import ingest
from pipelines.policeuk import validate_police_uk

HEADER = "period,district,measure,value\n"
REFUSED = HEADER + "2026-09,Leeds,cse_charges,1\n2026-09,Barnsley,cse_charges,twelve\n"
TRIED = HEADER + "".join(f"2026-10,{d},cse_charges,{v}\n" for d, v in
                         (("Barnsley", 1), ("Doncaster", 2), ("Rotherham", 3), ("Sheffield", 4)))


@pytest.fixture(scope="module")
def wh(sample_db, tmp_path_factory):
    """The sample, then one file refused at load and tried three times more, then a good file tried (the newest
    run of all is a trial), then the accepted figures checked again."""
    folder = tmp_path_factory.mktemp("runs")
    db = copy_warehouse(sample_db, folder)
    refused = write_csv(folder / "2026-09-return.csv", REFUSED)
    tried = write_csv(folder / "2026-10-return.csv", TRIED)
    with warehouse.connect(db) as con:
        validate_files(con, [refused])
        validate_files(con, [refused])
        assert not ingest(con, [refused]).ok
        validate_files(con, [refused])
        validate_accepted(con)
        validate_files(con, [tried])
    return db


def runs_table(at):
    return at.dataframe[0].value


def test_loads_come_first_and_the_latest_load_is_chosen(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/checks.py", ANALYST)
    assert not at.exception
    show = at.button_group(key="runs_kind")
    assert show.value == "loads"
    assert show.options == [
        "Files loaded (15)", "Trial runs (not loaded) (4)", "Checks of accepted figures (1)"]
    runs = runs_table(at)
    assert len(runs) == 15 and runs["File"].iloc[0] == "2026-09-return.csv"
    chosen = at.selectbox(key="run")
    assert re.fullmatch(r'\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d (GMT|BST), "2026-09-return\.csv": failed',
                        chosen.value)
    rules = at.dataframe[1].value
    assert {"District known", "Value is number"} <= set(rules[rules["Passed"] == "No"]["Rule"])
    failing = at.dataframe[2].value
    assert {"Rule", "File", "Row", "Message"} <= set(failing.columns)
    assert {"District known", "Value is number"} <= set(failing["Rule"])


def test_trial_runs_are_shown_apart_and_counted_per_file(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/checks.py", ANALYST)
    assert "Files checked 15" in texts(at) and "Files refused 1" in texts(at)
    at.button_group(key="runs_kind").set_value("trials").run()
    assert not at.exception
    page = texts(at)
    # four trial runs of two files: the refused file tried three times counts once
    assert "Files tried 2" in page and "Files that would be refused 1" in page
    runs = runs_table(at)
    assert list(runs["File"]) == ["2026-10-return.csv", *["2026-09-return.csv"] * 3]
    chosen = at.selectbox(key="run_trials")
    assert chosen.value.endswith('"2026-10-return.csv": passed')
    assert chosen.options[1].endswith('"2026-09-return.csv": failed')
    assert len(set(chosen.options)) == 4  # three tries of one file in one minute, told apart
    assert "Every rule passed in this run." in texts(at)

    at.button_group(key="runs_kind").set_value("accepted").run()
    assert "Checks 1" in texts(at)
    assert list(runs_table(at)["File"]) == ["the accepted figures"]


def test_every_column_reads_in_words(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/checks.py", ANALYST)
    runs, rules, failing = (frame.value for frame in at.dataframe[:3])
    assert list(runs.columns) == ["File", "Checked", "Outcome", "Rows checked", "Rules failed", "Warnings",
                                  "Contract", "Seconds"]
    assert list(rules.columns) == ["Rule", "What it checks", "When it fails", "Passed", "Failing rows",
                                   "Rows checked", "Checked by"]
    assert all(re.fullmatch(r"The force's CSE return, version \d+\.\d+\.\d+", c) for c in runs["Contract"])
    # as the run's name in the list says it, the time kept to sort as time (it sorted "10 March" before "9 March")
    checked = grid_times(at.dataframe[0], "Checked")
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d (GMT|BST)", t) for t in checked)
    assert all(label.startswith(t) for label, t in zip(at.selectbox(key="run").options, checked, strict=True))
    assert set(rules["When it fails"]) == {"refuses the file", "warning"}
    for frame in (runs.drop(columns="Checked"), rules, failing):
        cells = [str(c) for c in frame.columns] + [str(v) for col in frame for v in frame[col]]
        assert not [c for c in cells if re.search(r"\b[a-z]+_[a-z_]+\b|^(nan|None|NaT)$|\d{4}-\d\d-\d\dT?", c)]


def test_a_file_refused_for_its_merged_cells_reads_refused_not_passed(monkeypatch, sample_db, tmp_path):
    """A return with a title merged across its first row breaks no rule of the contract, yet is refused for its
    merged cells: the page said its load "passed", with "Every rule passed in this run.", and left it out of the
    files refused. It now reads refused, is counted so, and the run shows the file's problem by sheet, row and
    column."""
    db = copy_warehouse(sample_db, tmp_path)
    rows = [["CSE return, April 2026", None, None, None], ["period", "district", "measure", "value"],
            *[["2026-04", d, "cse_charges", v] for d, v in
              (("Barnsley", 1), ("Doncaster", 2), ("Rotherham", 3), ("Sheffield", 4))]]
    merged = write_xlsx(tmp_path / "2026-04-return.xlsx", {"Return": rows}, merge={"Return": "A1:D1"})
    with warehouse.connect(db) as con:
        assert not ingest(con, [merged]).ok
    at = internal(monkeypatch, db, "internal_pages/checks.py", ANALYST)
    assert not at.exception
    page = texts(at)
    assert "Files refused 1" in page
    assert runs_table(at)["Outcome"].iloc[0] == "refused (outside the rules)"
    assert at.selectbox(key="run").value.endswith('"2026-04-return.xlsx": refused (outside the rules)')
    assert "Every rule passed in this run." not in page
    assert '"2026-04-return.xlsx" was refused, though no rule of the contract failed' in page
    problems = at.dataframe[2].value
    assert list(problems.iloc[0][["Sheet", "Row", "Column"]]) == ["Return", "1", "A"]
    assert "merged cells (A1:D1)" in problems.iloc[0]["Problem"]


def test_a_trial_run_of_a_file_refused_for_its_structure_reads_would_be_refused_with_its_problem(monkeypatch, db,
                                                                                               tmp_path):
    """Regression: `pccdash validate` of a file missing a required column kept no run, so the page never showed it
    tried; one of a file with a merged title read "passed", with "Every rule passed in this run.". Each reads that it
    would be refused, is counted so, and the run shows the file's problem."""
    rows = [["CSE return, October 2026", None, None, None], HEADER.strip().split(","),
            *[[*line.split(",")[:3], int(line.split(",")[3])] for line in TRIED.splitlines()[1:]]]
    merged = write_xlsx(tmp_path / "2026-10-return.xlsx", {"Return": rows}, merge={"Return": "A1:D1"})
    missing = write_csv(tmp_path / "2026-11-return.csv", "period,district,measure\n2026-11,Barnsley,cse_charges\n")
    with warehouse.connect(db) as con:
        validate_files(con, [merged])
        validate_files(con, [missing])
    at = internal(monkeypatch, db, "internal_pages/checks.py", ANALYST)
    assert not at.exception
    assert at.button_group(key="runs_kind").value == "trials"
    page = texts(at)
    assert "Files tried 2" in page and "Files that would be refused 2" in page
    assert list(runs_table(at)["Outcome"]) == ["refused (outside the rules)"] * 2
    # named as the file, not as the label of a check read past its structure
    assert list(runs_table(at)["File"]) == ["2026-11-return.csv", "2026-10-return.xlsx"]
    assert ('"2026-11-return.csv" would be refused: it could not be read, so no rule of the contract was checked. Its '
            'problem is below. Correct the file and try it again with "pccdash validate".') in page
    problems = at.dataframe[-1].value
    assert list(problems.iloc[0][["Row", "Column"]]) == ["1", "value"]
    assert 'the required column "value" is missing' in problems.iloc[0]["Problem"]

    at.selectbox(key="run_trials").set_value(at.selectbox(key="run_trials").options[1]).run()
    page = texts(at)
    assert "Every rule passed in this run." not in page
    assert '"2026-10-return.xlsx" would be refused, though no rule of the contract failed' in page
    assert "try the file again" in page
    assert "merged cells (A1:D1)" in at.dataframe[2].value.iloc[0]["Problem"]


POLICE_UK_STREET = ROOT / "pipelines" / "sample" / "police_uk" / "2017-11-south-yorkshire-street.sample.csv"


def _ragged_street(path):
    lines = POLICE_UK_STREET.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace(",", "", 1)  # row 7 loses a field
    return write_csv(path, "".join(lines))


# files a load refuses before any rule can judge them, each with the contract it is kept under and its problem
UNREAD = {
    "missing-column.csv": (lambda p: write_csv(p, "period,district,measure\n2026-11,Barnsley,cse_charges\n"),
                           "force-cse-return", 'the required column "value" is missing'),
    "empty.csv": (lambda p: write_csv(p, ""), "force-cse-return", "empty"),
    "utf16.csv": (lambda p: write_csv(p, TRIED, encoding="utf-16"), "force-cse-return", "UTF-16"),
    "ragged.csv": (_ragged_street, "police-uk-street", "has 11 fields where the header has 12"),
}


@pytest.mark.parametrize("name", list(UNREAD))
def test_a_load_of_a_file_that_could_not_be_read_is_among_the_files_loaded_refused(db, tmp_path, name):
    """Regression: a file "pccdash ingest" refused before any rule could judge it (a required column missing, an
    empty file, UTF-16 text, a ragged police.uk row) kept no validation run: the Files loaded page listed it refused,
    but Validation runs did not list it among the files loaded at all. Its load is kept as a run of no rows under the
    contract the file would have been checked against, and reads refused."""
    make, contract, words = UNREAD[name]
    path = make(tmp_path / name)
    with warehouse.connect(db) as con:
        assert not ingest(con, [path]).ok
        loads = stored.runs(con, "loads")
        assert list(loads["file"]) == [name] and list(loads["verdict"]) == [stored.REFUSED_APART]
        assert stored.counts(loads) == {"files": 1, "failed": 1, "warned": 0} and list(loads["rows"]) == [0]
        assert con.execute("SELECT contract_id, file_id FROM validation_run").fetchall() == [
            (contract, int(loads["file_id"].iloc[0]))]
        kept = con.execute("SELECT problem FROM ingest_problem").fetchall()
    assert any(words in problem for (problem,) in kept), kept


def test_the_page_shows_a_file_loaded_that_could_not_be_read_refused_with_its_problem(monkeypatch, sample_db,
                                                                                      tmp_path):
    """Regression: the load of a return missing a required column was refused and listed on Files loaded, but not
    among the files loaded on Validation runs. It is there, refused, counted so, with its problem."""
    db = copy_warehouse(sample_db, tmp_path)
    missing = write_csv(tmp_path / "2026-11-return.csv", "period,district,measure\n2026-11,Barnsley,cse_charges\n")
    with warehouse.connect(db) as con:
        assert not ingest(con, [missing]).ok
    at = internal(monkeypatch, db, "internal_pages/checks.py", ANALYST)
    assert not at.exception
    assert "Files refused 1" in texts(at)
    assert list(runs_table(at)[["File", "Outcome", "Rows checked"]].iloc[0]) == [
        "2026-11-return.csv", "refused (outside the rules)", 0]
    assert at.selectbox(key="run").value.endswith('"2026-11-return.csv": refused (outside the rules)')
    assert "Every rule passed in this run." not in texts(at)
    problems = at.dataframe[-1].value
    assert list(problems.iloc[0][["Row", "Column"]]) == ["1", "value"]
    assert 'the required column "value" is missing' in problems.iloc[0]["Problem"]


def _headers(at) -> list[str]:
    return [h.value for h in at.header]


def test_a_run_of_a_file_that_could_not_be_read_shows_no_empty_table_of_rules(monkeypatch, db, tmp_path):
    """Regression: the run of a file that could not be read, tried or loaded, showed an empty table of rules above
    the sentence saying it was refused, as though every rule had been checked and none listed. It shows no table of
    rules, says plainly that no rule was checked because the file could not be read, and shows its problem; a
    police.uk file published empty, with nothing to correct, is not told to correct it."""
    missing = write_csv(tmp_path / "2026-11-return.csv", "period,district,measure\n2026-11,Barnsley,cse_charges\n")
    empty = write_csv(tmp_path / "2017-12-south-yorkshire-street.csv", POLICE_UK_STREET.read_text().splitlines()[0])
    with warehouse.connect(db) as con:
        validate_files(con, [missing])
        assert not ingest(con, [missing]).ok
        assert validate_police_uk(con, empty)[1] is None
    at = internal(monkeypatch, db, "internal_pages/checks.py", ANALYST)
    assert not at.exception
    page = texts(at)
    assert "Rules" not in _headers(at) and _headers(at)[-1] == "The file's problems" and len(at.dataframe) == 2
    assert ('"2026-11-return.csv" was refused: it could not be read, so no rule of the contract was checked. Its '
            "problem is below. Correct the file and load it again.") in page
    assert 'the required column "value" is missing' in at.dataframe[1].value.iloc[0]["Problem"]

    at.button_group(key="runs_kind").set_value("trials").run()
    page = texts(at)
    assert "Rules" not in _headers(at) and len(at.dataframe) == 2
    assert ('"2017-12-south-yorkshire-street.csv" would be refused: it has its header and no records, so no rule of '
            "the contract was checked. There is nothing to correct: its problem below says what to do.") in page
    assert "Correct the file" not in page
    assert "has its header line and no records" in at.dataframe[1].value.iloc[0]["Problem"]

    at.selectbox(key="run_trials").set_value(at.selectbox(key="run_trials").options[1]).run()
    assert "Rules" not in _headers(at) and len(at.dataframe) == 2
    assert ('"2026-11-return.csv" would be refused: it could not be read, so no rule of the contract was checked. Its '
            'problem is below. Correct the file and try it again with "pccdash validate".') in texts(at)
