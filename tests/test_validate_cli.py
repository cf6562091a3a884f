"""`pccdash validate` re-runs the contract over accepted figures or unloaded files and exits 1 on an error;
`pccdash datadocs` writes Great Expectations' Data Docs for the latest runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import write_csv, write_xlsx

from pipelines import warehouse

HEADER = "period,district,measure,value\n"
CLEAN = HEADER + "".join(f"2015-07,{d},cse_charges,{v}\n" for d, v in
                         (("Barnsley", 1), ("Doncaster", 2), ("Rotherham", 3), ("Sheffield", 4)))


def test_validate_accepted_figures_passes_and_is_stored(db, tmp_path, run_cli):
    run_cli("ingest", write_csv(tmp_path / "clean.csv", CLEAN), "--db", db)
    result = run_cli("validate", "--db", db, "--all-rules")
    assert result.exit_code == 0
    assert "Validation of the accepted figures against force_cse_return" in result.stdout
    assert ": passed (4 rows" in result.stdout
    assert "ok      one_row_per_figure" in result.stdout
    with warehouse.connect_read_only(db) as con:
        scopes = con.execute("SELECT scope, outcome FROM validation_run ORDER BY run_id").fetchall()
    assert scopes == [("ingest", "passed"), ("accepted", "passed")]


def test_validate_accepted_figures_names_the_files_that_cover_a_month_a_district_is_missing_from(db, tmp_path,
                                                                                               run_cli, monkeypatch):
    """Regression: run over the accepted figures, the completeness rule named no file, and the run named an
    arbitrary one: Doncaster missing from June 2026 was said of "2015-16.csv", and every month between the two
    files was said to be missing for every district "though the file covers that month". It names the file, or the
    files, whose months hold it, and nothing of months no file covers."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-07-20")
    run_cli("ingest", write_csv(tmp_path / "2015-16.csv", CLEAN + CLEAN.replace("2015-07", "2015-08")[len(HEADER):]),
            "--db", db)
    june = HEADER + "2026-06,Barnsley,cse_charges,1\n"
    run_cli("ingest", write_csv(tmp_path / "2026-06-a.csv", june), "--db", db)
    run_cli("ingest", write_csv(tmp_path / "2026-06-b.csv", HEADER + "2026-06,Rotherham,cse_charges,2\n"
                                "2026-06,Sheffield,cse_charges,3\n"), "--db", db)
    result = run_cli("validate", "--db", db)
    said = [line.strip() for line in result.stdout.splitlines() if "is not reported" in line]
    assert said == ['- file "2026-06-a.csv", "2026-06-b.csv": CSE charges for Doncaster in June 2026 is not reported: '
                    "the files cover that month for other districts."], result.stdout


def test_validate_accepted_figures_says_a_month_several_files_skip_is_sent_by_none(db, tmp_path, run_cli, monkeypatch):
    """Regression: a month no file sends between months each file sends was said to be covered "for other
    districts" by "the file", of two files sending no district's figure that month. It says the files send it for
    no district that month, which falls within the months of each."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-07-20")
    for name, districts in (("east.csv", ("Barnsley", "Doncaster")), ("west.csv", ("Rotherham", "Sheffield"))):
        run_cli("ingest", write_csv(tmp_path / name, HEADER + "".join(
            f"{m},{d},cse_charges,1\n" for m in ("2015-06", "2015-08") for d in districts)), "--db", db)
    said = [line.strip() for line in run_cli("validate", "--db", db).stdout.splitlines() if "is not reported" in line]
    assert said[0] == ('- file "east.csv", "west.csv": CSE charges for Barnsley in July 2015 is not reported: the '
                       "files send it for no district that month, which falls within the months of each."), said
    assert len(said) == 3  # three shown of the four districts


def test_validate_a_file_without_loading_it_reports_rule_count_and_three_examples(db, tmp_path, run_cli):
    bad = write_csv(tmp_path / "bad.csv", HEADER + "".join(
        f"2015-{m:02d},Leeds,cse_charges,1\n" for m in range(1, 6)))
    result = run_cli("validate", bad, "--db", db)
    assert result.exit_code == 1
    out = result.stdout
    assert 'Validation of "bad.csv" (not loaded)' in out and "FAILED" in out
    assert "ERROR   district_known" in out and "5 failing" in out
    assert out.count('"Leeds" is not a district') == 3
    assert 'file "bad.csv", row 2, column "district"' in out
    assert "... and 2 more" in out
    with warehouse.connect_read_only(db) as con:
        assert con.execute("SELECT count(*) FROM figure_revision").fetchall() == [(0,)]
        assert con.execute("SELECT scope, outcome FROM validation_run").fetchall() == [("dry-run", "failed")]


def test_validate_says_what_each_rule_it_lists_checks(db, tmp_path, run_cli):
    """Each failed rule, and with --all-rules each passed one, is followed by what it checks and why (its
    description in the contract), before its examples: a bare id ("district_known") does not say it."""
    from pipelines.contracts import load_contract

    described = {r.id: " ".join(r.description.split()) for r in (*load_contract().row_rules,
                                                                  *load_contract().set_rules)}
    bad = write_csv(tmp_path / "bad.csv", HEADER + "2015-07,Leeds,cse_charges,1\n")
    out = run_cli("validate", bad, "--db", db, "--all-rules").stdout
    failed = out[out.index("ERROR   district_known"):]
    said = " ".join(failed[:failed.index('"Leeds" is not a district')].split())
    assert described["district_known"] and described["district_known"] in said
    listed = out[out.index("ok      one_row_per_figure"):]
    assert described["one_row_per_figure"] in " ".join(listed.split())
    assert all(len(line) <= 120 for line in out.splitlines() if line.startswith(" " * 10)), "wrapped to be read"


def test_validate_of_a_file_refused_before_names_that_refusal(db, tmp_path, run_cli):
    """Regression: `pccdash validate` said of a file already loaded when it was loaded, but of the very same bytes
    refused before nothing: a person checking a file sent again could not tell it was the one refused."""
    from pipelines.uk_time import uk_words

    bad = write_csv(tmp_path / "bad.csv", CLEAN.replace(",2\n", ",-2\n"))
    assert run_cli("ingest", bad, "--db", db).exit_code == 1
    with warehouse.connect_read_only(db) as con:
        [(when,)] = con.execute("SELECT received_at FROM file_registry WHERE file_id = 1").fetchall()
    before = f'The same file was refused before, as file #1 ("bad.csv") on {uk_words(when, "words")}.'
    again = run_cli("validate", write_csv(tmp_path / "bad-again.csv", bad.read_text()), "--db", db)
    assert again.exit_code == 1
    assert f'"bad-again.csv" would be refused: nothing from it would be loaded. {before}' in again.stdout
    other = run_cli("validate", write_csv(tmp_path / "other.csv", CLEAN.replace(",2\n", ",-3\n")), "--db", db)
    assert other.exit_code == 1 and "refused before" not in other.output
    unread = write_csv(tmp_path / "no-value.csv", "period,district,measure\n2015-07,Barnsley,cse_charges\n")
    assert run_cli("ingest", unread, "--db", db).exit_code == 1  # refused as it was read: no contract run
    said = run_cli("validate", unread, "--db", db)
    assert said.exit_code == 1 and '"no-value.csv" would be refused for the problem above' in said.stderr
    assert 'The same file was refused before, as file #2 ("no-value.csv")' in said.stdout
    assert run_cli("supersede", "1", "--withdrawn", "--reason", "sent in error", "--as", "analyst@example.org",
                   "--db", db).exit_code == 0
    assert before.removesuffix(".") + ", since marked withdrawn." in run_cli("validate", bad, "--db", db).stdout


def test_validate_one_file_by_name_and_an_unknown_name(db, tmp_path, run_cli):
    run_cli("ingest", write_csv(tmp_path / "clean.csv", CLEAN), "--db", db)
    assert 'accepted figures of "clean.csv" (file #1)' in run_cli("validate", "--file", "clean.csv", "--db", db).stdout
    result = run_cli("validate", "--file", "nope.csv", "--db", db)
    assert result.exit_code == 1 and 'No accepted file is called "nope.csv"' in result.stderr


def test_datadocs_writes_an_index_covering_accepted_and_refused_files(db, tmp_path, run_cli):
    run_cli("ingest", write_csv(tmp_path / "clean.csv", CLEAN), "--db", db)
    run_cli("ingest", write_csv(tmp_path / "bad.csv", HEADER + "2015-08,Leeds,cse_charges,1\n"), "--db", db)
    out = tmp_path / "docs"
    result = run_cli("datadocs", "--db", db, "--out", out)
    assert result.exit_code == 0, result.stderr
    index = (out / "index.html").read_text()
    assert "clean.csv (accepted" in index and "bad.csv (rejected" in index
    pages = list((out / "validations").rglob("*.html"))
    assert len(pages) == 2


def test_datadocs_with_no_runs_says_what_to_do(db, run_cli):
    assert run_cli("init", "--db", db).exit_code == 0  # a warehouse with nothing loaded (none at all is said apart)
    result = run_cli("datadocs", "--db", db)
    assert result.exit_code == 1 and 'Run "pccdash ingest PATH" first.' in result.stderr


@pytest.mark.parametrize("latest", ["0", "-3"])
def test_datadocs_refuses_a_number_of_loads_below_one(db, tmp_path, run_cli, latest):
    """Regression: --latest 0 said no return had been loaded, though one had, and --latest -3 stopped on an
    unexpected fault."""
    run_cli("ingest", write_csv(tmp_path / "clean.csv", CLEAN), "--db", db)
    result = run_cli("datadocs", "--db", db, "--out", tmp_path / "docs", "--latest", latest)
    assert result.exit_code == 2 and "Invalid value for '--latest'" in result.stderr and "x>=1" in result.stderr
    assert "fault" not in result.stderr and "No return has been loaded" not in result.stderr


def test_validate_a_folder_with_no_returns_is_refused_as_ingest_refuses_it(db, tmp_path, run_cli):
    """Regression: it printed nothing and exited 0."""
    folder = tmp_path / "returns.csv"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a return\n")
    result = run_cli("validate", folder, "--db", db)
    assert result.exit_code == 1
    assert f'No .csv or .xlsx file was found in "{folder}".' in result.stderr
    assert result.stderr == run_cli("ingest", folder, "--db", db).stderr


def test_a_zip_in_a_folder_is_said_not_passed_over(db, tmp_path, run_cli):
    """police.uk's download is a .zip: left in the folder, it was skipped without a word, and a folder holding only
    the .zip was told it held no file. Both now name it and say to unpack it; the returns beside it still load."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "2017-11.zip").write_bytes(b"PK\x03\x04")
    alone = run_cli("ingest", folder, "--db", db)
    assert alone.exit_code == 1
    assert (f'No .csv or .xlsx file was found in "{folder}". Not loaded, being neither .csv nor .xlsx: "2017-11.zip" '
            "(a .zip is not unpacked: unpack it and load the folder it gives).") in alone.stderr
    sample = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"
    shutil.copy(sample / "2017-11-south-yorkshire-street.sample.csv", folder / "2017-11-south-yorkshire-street.csv")
    both = run_cli("ingest", folder, "--db", db)
    assert both.exit_code == 0, both.stderr
    assert "1 file accepted" in both.stdout
    assert 'Not loaded, being neither .csv nor .xlsx: "2017-11.zip" (a .zip is not unpacked' in both.stdout


def test_validate_names_files_of_one_name_in_two_subfolders_as_ingest_does(db, tmp_path, run_cli):
    """Regression: `pccdash ingest FOLDER` named "east/return.csv" and "west/return.csv" apart, but `pccdash validate
    FOLDER` called both "return.csv", so which of them failed could not be told."""
    folder = tmp_path / "returns"
    for side in ("east", "west"):
        (folder / side).mkdir(parents=True)
    write_csv(folder / "east" / "return.csv", CLEAN)
    write_csv(folder / "west" / "return.csv", HEADER + "2015-07,Leeds,cse_charges,1\n")
    result = run_cli("validate", folder, "--db", db)
    assert result.exit_code == 1
    out = result.stdout
    assert '"return.csv"' not in result.output
    verdicts = {line.split('"')[1]: line.split(": ")[1].split(" ")[0]
                for line in out.splitlines() if line.startswith("Validation of ")}
    assert verdicts == {"east/return.csv": "passed", "west/return.csv": "FAILED"}
    assert 'file "west/return.csv", row 2, column "district": "Leeds" is not a district' in out
    assert '"east/return.csv": Loading it would add 4 new figures' in out
    assert '"west/return.csv" would be refused: nothing from it would be loaded.' in out


def test_validate_names_police_uk_files_and_unreadable_files_in_subfolders_by_their_paths(db, tmp_path, run_cli):
    folder = tmp_path / "downloads"
    for sub in ("good", "renamed", "short"):
        (folder / sub).mkdir(parents=True)
    sample = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"
    text = (sample / "2017-11-south-yorkshire-street.sample.csv").read_text()
    write_csv(folder / "good" / "street.csv", text)
    write_csv(folder / "renamed" / "street.csv", text.replace("Crime ID", "Crime Ident", 1))
    write_csv(folder / "short" / "street.csv", "period,district,measure\n2015-07,Barnsley,cse_charges\n")
    result = run_cli("validate", folder, "--db", db)
    assert result.exit_code == 1
    assert '"street.csv"' not in result.output
    assert 'Validation of "good/street.csv" (not loaded) against police_uk_street' in result.stdout
    assert ": passed (" in result.stdout
    assert 'file "renamed/street.csv", row 1: is a police.uk street-level crime file' in result.stderr
    assert '"renamed/street.csv" would be refused for the problem above' in result.stderr
    assert 'file "short/street.csv", row 1, column "value": the required column "value" is missing.' in result.stderr
    assert '"short/street.csv" would be refused for the problem above' in result.stderr


@pytest.fixture
def locked(tmp_path, monkeypatch):
    """A return in a folder beside one its permissions keep this account from opening (chmod 000; as the
    superuser, who may open anything, the refusal the system would give is given in its place)."""
    from pipelines.ingest import load

    folder = tmp_path / "returns"
    folder.mkdir()
    write_csv(folder / "a-good.csv", CLEAN)
    shut = write_csv(folder / "b-locked.csv", CLEAN.replace("2015-07", "2015-08"))
    shut.chmod(0)

    def refusing(path, *args, **kwargs):
        if Path(path) == shut:
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(load, "open", refusing, raising=False)
    yield folder, shut
    shut.chmod(0o600)


@pytest.mark.parametrize("given", ["folder", "file"])
def test_a_file_this_account_may_not_open_is_named_and_the_others_still_load(db, run_cli, locked, given):
    """A return in a folder that the account may not read stopped the whole load on an unexpected fault; given by
    itself it was refused with only 'Path ... is not readable'."""
    folder, shut = locked
    result = run_cli("ingest", folder if given == "folder" else shut, "--db", db)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in result.output and "did not expect" not in said
    assert ('Not read: "b-locked.csv". - file "b-locked.csv": cannot be read (permission denied): the account running '
            "the command") in said
    assert ("Give that account leave to read it, or copy the file somewhere it can read, and run the command "
            "again.") in said
    accepted = "1 file accepted" if given == "folder" else "0 files accepted"
    assert f"{accepted}, 0 already loaded, 0 refused, 1 that could not be read." in said
    with warehouse.connect_read_only(db) as con:
        names = [r[0] for r in con.execute("SELECT name FROM file_registry ORDER BY file_id").fetchall()]
    assert names == (["a-good.csv"] if given == "folder" else [])


def test_validate_names_a_file_this_account_may_not_open(db, run_cli, locked):
    folder, _shut = locked
    result = run_cli("validate", folder, "--db", db)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert 'file "b-locked.csv": cannot be read (permission denied)' in said
    assert '"b-locked.csv" cannot be read; nothing was validated.' in said and "does not exist" not in said
    assert 'Validation of "a-good.csv" (not loaded)' in said


def _merged_title(path: Path) -> Path:
    figures = [[*line.split(",")[:3], int(line.split(",")[3])] for line in CLEAN.splitlines()[1:]]
    rows = [["CSE return, July 2015", None, None, None], HEADER.strip().split(","), *figures]
    return write_xlsx(path, {"Return": rows}, merge={"Return": "A1:D1"})


# files refused for their structure or their totals, each as a load of it would refuse it
REFUSED_APART = {
    "missing-column.csv": lambda p: write_csv(p, "period,district,measure\n2015-07,Barnsley,cse_charges\n"),
    "other-header.csv": lambda p: write_csv(p, "month,area,thing,count\n2015-07,Barnsley,cse_charges,1\n"),
    "empty.csv": lambda p: write_csv(p, ""),
    "utf16.csv": lambda p: write_csv(p, CLEAN, encoding="utf-16"),
    "merged.xlsx": _merged_title,
    "wrong-total.csv": lambda p: write_csv(p, "Measure,cse_arrests\nPeriod,Barnsley,Doncaster,Rotherham,Sheffield,"
                                              "Total\n2015-07,1,2,3,4,99\n"),
}


@pytest.mark.parametrize("name", list(REFUSED_APART))
def test_a_trial_run_of_a_file_refused_for_its_structure_is_kept_as_refused_with_its_problems(db, tmp_path, run_cli,
                                                                                          name):
    """Regression: a file refused for its structure (a missing column, a header in neither layout, an empty file,
    UTF-16 text) left no record of its trial run, and one read past its structure (a merged title) or refused for a
    wrong total was kept as "passed", so the Validation runs page listed it as passed among the files that would
    load. The trial run is kept as refused, with the problems a load of the file keeps for it."""
    from pipelines.contracts import runs

    path = REFUSED_APART[name](tmp_path / name)
    assert run_cli("validate", path, "--db", db).exit_code == 1
    assert run_cli("ingest", path, "--db", db).exit_code == 1
    with warehouse.connect_read_only(db) as con:
        tried = runs.runs(con, "trials")
        assert len(tried) == 1 and tried["verdict"].iloc[0] == runs.REFUSED_APART
        assert runs.counts(tried)["failed"] == 1
        kept = con.execute('SELECT sheet, "row", "column", problem FROM trial_problem ORDER BY ALL').fetchall()
        loaded = con.execute('SELECT sheet, "row", "column", problem FROM ingest_problem ORDER BY ALL').fetchall()
    assert kept and kept == loaded


@pytest.mark.parametrize("name", ["missing-column.csv", "other-header.csv", "empty.csv", "utf16.csv"])
def test_validate_says_a_file_refused_for_its_structure_would_be_refused_and_what_to_do(db, tmp_path, run_cli, name):
    """Regression: of a file its load refuses for its structure before any rule can judge it, `pccdash validate`
    said only that it "cannot be read; nothing was validated", as of a file not found: not that loading it would be
    refused, nor what to do (of a missing column its problem does not say it either)."""
    path = REFUSED_APART[name](tmp_path / name)
    result = run_cli("validate", path, "--db", db)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert (f'"{name}" would be refused for the problem above: nothing from it would be loaded, and no rule of the '
            'contract was checked. Correct the file and run "pccdash validate" again.') in said
    assert "cannot be read; nothing was validated" not in said
    loaded = run_cli("ingest", path, "--db", db)
    assert loaded.exit_code == 1 and f'Refused "{name}"' in loaded.stderr


def test_a_file_tried_read_past_its_structure_is_named_and_counted_as_the_same_file_tried_whole(db, tmp_path, run_cli):
    """Regression: the trial runs listed a file read past its merged title by the whole label of its check,
    '"return.xlsx" (not loaded; read past its structure: ...)', in quotes, and counted it as a file apart from the
    same file tried again once corrected."""
    from pipelines.contracts import runs

    path = _merged_title(tmp_path / "return.xlsx")
    assert run_cli("validate", path, "--db", db).exit_code == 1
    figures = [[*line.split(",")[:3], int(line.split(",")[3])] for line in CLEAN.splitlines()[1:]]
    write_xlsx(path, {"Return": [HEADER.strip().split(","), *figures]})
    assert run_cli("validate", path, "--db", db).exit_code == 0
    with warehouse.connect_read_only(db) as con:
        tried = runs.runs(con, "trials")
    assert list(tried["file"]) == ["return.xlsx", "return.xlsx"]
    assert list(tried["verdict"]) == ["passed", runs.REFUSED_APART]
    assert runs.counts(tried) == {"files": 1, "failed": 0, "warned": 0}
