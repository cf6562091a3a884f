"""`pccdash files` lists the file registry as the Files loaded page does, with the numbers other commands take;
`files show N` tells one file's story, and `files get N` hands a kept file back exactly as it was received."""

from __future__ import annotations

import io
import os

import pandas as pd
import pytest

from pipelines import filestore, warehouse
from pipelines.cli import SAMPLE_POLICE_UK

GOOD = (b"period,district,measure,value\n2015-08,Barnsley,cse_arrests,9\n2015-08,Doncaster,cse_arrests,11\n"
        b"2015-08,Rotherham,cse_arrests,13\n2015-08,Sheffield,cse_arrests,15\n")
BAD = GOOD.replace(b",11\n", b",-11\n")  # refused: a count below zero


@pytest.fixture
def loaded(db, tmp_path, run_cli):
    """A refused return (#1), the corrected return that covers it (#2), and police.uk's street file (#3)."""
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "2015-08-bad.csv").write_bytes(BAD)
    (folder / "2015-08-good.csv").write_bytes(GOOD)
    assert run_cli("ingest", folder / "2015-08-bad.csv", "--db", db).exit_code == 1
    assert run_cli("ingest", folder / "2015-08-good.csv", "--db", db).exit_code == 0
    [street] = sorted(SAMPLE_POLICE_UK.glob("*street*.csv"))
    assert run_cli("ingest", street, "--db", db).exit_code == 0
    return db


def test_files_lists_the_registry_newest_first_with_numbers_and_outcomes_in_words(loaded, run_cli):
    result = run_cli("files", "--db", loaded)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["File", "Received", "Name"] and "Where it stands" in lines[0]
    assert [line.split()[0] for line in lines[1:4]] == ["3", "2", "1"]
    assert "2015-08-bad.csv" in lines[3] and "refused" in lines[3]
    assert "superseded by \"2015-08-good.csv\" (#2)" in lines[3]  # where the refused one stands
    assert " GMT" in lines[1] or " BST" in lines[1]  # received, in UK time
    assert "accepted" in lines[2] and " 4 " in lines[2]  # four figures new
    assert "The newest" not in result.stdout


def test_files_narrows_by_outcome_limits_and_says_how_many_more(loaded, run_cli):
    refused = run_cli("files", "--outcome", "refused", "--db", loaded).stdout.splitlines()
    assert len(refused) == 2 and "2015-08-bad.csv" in refused[1]
    limited = run_cli("files", "--limit", "1", "--db", loaded).stdout
    assert len([line for line in limited.splitlines() if line[:1].isdigit()]) == 1
    assert "The newest 1 of 3 files" in limited and "--limit 0" in limited
    every = run_cli("files", "--format", "csv", "--db", loaded)  # an export, the limit not given: every file
    assert pd.read_csv(io.StringIO(every.stdout))["file_id"].tolist() == [3, 2, 1]
    assert pd.read_csv(io.StringIO(every.stdout))["outcome"].tolist() == ["accepted", "accepted", "refused"]
    assert every.stderr == ""


def test_a_limit_typed_holds_in_the_csv_too_and_says_how_many_were_left_out(loaded, tmp_path, run_cli):
    """Regression: "pccdash files --limit 1 --format csv" wrote every file; an analyst who asks for N rows gets N, in
    whichever format, told on stderr (never in the CSV) how many more there are."""
    limited = run_cli("files", "--limit", "1", "--format", "csv", "--db", loaded)
    assert limited.exit_code == 0, limited.output
    assert pd.read_csv(io.StringIO(limited.stdout))["file_id"].tolist() == [3]
    assert limited.stderr == "The CSV holds the newest 1 of 3 files (--limit 1); --limit 0 writes every one.\n"
    refused = run_cli("files", "--limit", "1", "--outcome", "refused", "--format", "csv", "--db", loaded)
    assert pd.read_csv(io.StringIO(refused.stdout))["file_id"].tolist() == [1] and refused.stderr == ""
    every = run_cli("files", "--limit", "0", "--format", "csv", "--db", loaded)
    assert pd.read_csv(io.StringIO(every.stdout))["file_id"].tolist() == [3, 2, 1] and every.stderr == ""
    # the other listings with a CSV keep the number typed too: the audit trail, and the months by --months
    july = tmp_path / "2015-07-good.csv"
    july.write_bytes(GOOD.replace(b"2015-08,", b"2015-07,"))
    assert run_cli("ingest", july, "--db", loaded).exit_code == 0
    records = pd.read_csv(io.StringIO(run_cli("audit", "--format", "csv", "--db", loaded).stdout))
    trail = run_cli("audit", "--limit", "2", "--format", "csv", "--db", loaded)
    assert len(records) > 2 and pd.read_csv(io.StringIO(trail.stdout)).equals(records.head(2))
    assert trail.stderr == (f"The CSV holds the newest 2 of {len(records)} records (--limit 2); --limit 0 writes "
                            "every one.\n")
    months = pd.read_csv(io.StringIO(run_cli("periods", "--format", "csv", "--db", loaded).stdout))["period"]
    latest = run_cli("periods", "--months", "1", "--format", "csv", "--db", loaded)
    assert len(months) > 1 and pd.read_csv(io.StringIO(latest.stdout))["period"].tolist() == [months.iloc[-1]]
    assert latest.stderr == (f"The CSV holds the latest 1 of {len(months)} months (--months 1); --months 0 writes "
                             "every one.\n")


def test_files_show_tells_a_refused_files_problems_and_what_superseded_it(loaded, run_cli):
    out = run_cli("files", "show", "1", "--db", loaded).stdout
    assert out.startswith('File #1: "2015-08-bad.csv", refused')
    assert "Where it stands: superseded by \"2015-08-good.csv\" (#2)" in out
    assert 'row 3, column "value": "-11" is negative' in out
    assert "Kept as received" in out and "files get 1" in out
    assert "August 2015" in out and "nothing from it was loaded" in out


def test_files_show_gives_the_figures_an_accepted_file_brought_by_month(loaded, run_cli):
    out = run_cli("files", "show", "#2", "--db", loaded).stdout
    assert "4 figures read: 4 new, 0 revised, 0 unchanged." in out
    [month] = [line for line in out.splitlines() if "August 2015" in line]
    assert month.split()[2:] == ["4", "0", "4"]  # new, revised, still current
    by_name = run_cli("files", "show", "2015-08-good.csv", "--db", loaded).stdout
    assert by_name == out
    police = run_cli("files", "show", "3", "--db", loaded).stdout
    assert "police.uk" in police and "not kept" in police and "November 2017" in police


def test_files_show_says_one_figure_read_in_the_singular(loaded, tmp_path, run_cli):
    """Regression: "pccdash files show" of a one-figure correction said "1 figures read"."""
    correction = tmp_path / "2015-08-correction.csv"
    correction.write_bytes(b"period,district,measure,value\n2015-08,Barnsley,cse_arrests,10\n")
    assert run_cli("ingest", correction, "--db", loaded).exit_code == 0
    out = run_cli("files", "show", "2015-08-correction.csv", "--db", loaded).stdout
    assert "  1 figure read: 0 new, 1 revised, 0 unchanged." in out, out
    police = run_cli("files", "show", "3", "--db", loaded).stdout
    assert "583 records read, counted into 42 figures: 42 new" in police, police


def test_files_show_names_the_force_of_a_police_uk_files_records(db, tmp_path, run_cli):
    """police.uk's files are kept per force, and a file may be another force's (to compare with, or downloaded by
    mistake): its months were listed with no force, so the wrong force's file read as the force's own month."""
    [street] = sorted(SAMPLE_POLICE_UK.glob("*street*.csv"))
    theirs = tmp_path / "2017-11-humberside-street.csv"
    theirs.write_text(street.read_text(encoding="utf-8").replace("South Yorkshire Police", "Humberside Police"),
                      encoding="utf-8")
    assert run_cli("ingest", street, "--db", db).exit_code == 0
    assert run_cli("ingest", theirs, "--db", db).exit_code == 0
    table = {}
    for n in ("1", "2"):
        lines = run_cli("files", "show", n, "--db", db).stdout.splitlines()
        head = lines.index("Records it brought, by month:")
        table[n] = lines[head + 1:]
    assert table["1"][0].split() == ["Month", "Kind", "Force", "Records"]
    assert table["1"][1].split() == ["November", "2017", "street", "South", "Yorkshire", "Police", "583"]
    assert table["2"][1].split() == ["November", "2017", "street", "Humberside", "Police", "583"]


def test_files_get_writes_the_file_as_received(loaded, tmp_path, run_cli):
    (tmp_path / "returns" / "2015-08-bad.csv").write_bytes(b"the office's copy, edited since")
    out = tmp_path / "received"
    result = run_cli("files", "get", "1", "--out", out, "--db", loaded)
    assert result.exit_code == 0, result.output
    assert (out / "2015-08-bad.csv").read_bytes() == BAD
    assert "written as received" in result.stdout
    again = run_cli("files", "get", "1", "--out", out, "--db", loaded)  # the same bytes there already: fine
    assert again.exit_code == 0


def test_files_get_prints_a_name_with_control_characters_escaped(db, tmp_path, run_cli):
    name = "2015-08\x1b[2J\x1b[31mforged\nline.csv"  # a name that would clear the screen and forge a line
    (tmp_path / name).write_bytes(GOOD)
    assert run_cli("ingest", tmp_path / name, "--db", db).exit_code == 0
    out = tmp_path / "received"
    result = run_cli("files", "get", "1", "--out", out, "--db", db)
    assert result.exit_code == 0, result.output
    assert (out / name).read_bytes() == GOOD  # written under the name it was received by
    assert "\x1b" not in result.stdout and result.stdout.count("\n") == 1
    assert "2015-08\\x1b[2J\\x1b[31mforged\\nline.csv" in result.stdout
    (out / name).write_bytes(b"another file of that name")
    clash = run_cli("files", "get", "1", "--out", out, "--db", db)
    assert clash.exit_code == 1 and "nothing was written over it" in clash.stderr
    assert "\x1b" not in clash.stderr and "forged\\nline.csv" in clash.stderr


def test_files_get_refuses_in_a_sentence_what_it_cannot_hand_back(loaded, tmp_path, run_cli):
    police = run_cli("files", "get", "3", "--out", tmp_path / "x", "--db", loaded)
    assert police.exit_code == 1 and "police.uk" in police.stderr and "not kept" in police.stderr
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())
    missing = run_cli("files", "get", "9", "--out", tmp_path / "x", "--db", loaded)
    assert missing.exit_code == 1 and 'There is no file number 9' in missing.stderr
    assert '"pccdash files" lists them' in missing.stderr
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    unwritable = run_cli("files", "get", "2", "--out", blocker / "sub", "--db", loaded)
    assert unwritable.exit_code == 1 and "Cannot write into" in unwritable.stderr
    other = tmp_path / "other"
    other.mkdir()
    (other / "2015-08-good.csv").write_bytes(b"something else of that name")
    clash = run_cli("files", "get", "2", "--out", other, "--db", loaded)
    assert clash.exit_code == 1 and "nothing was written over it" in clash.stderr
    assert (other / "2015-08-good.csv").read_bytes() == b"something else of that name"
    assert "Traceback" not in police.output + missing.output + unwritable.output + clash.output


def test_files_get_refuses_a_kept_file_changed_since_and_one_an_earlier_version_did_not_keep(loaded, tmp_path,
                                                                                               run_cli):
    with warehouse.connect_read_only(loaded) as con:
        [(sha,)] = con.execute("SELECT sha256 FROM file_registry WHERE file_id = 2").fetchall()
    kept = filestore.path_of(loaded, sha)
    os.chmod(kept, 0o600)
    kept.write_bytes(b"tampered")
    changed = run_cli("files", "get", "2", "--out", tmp_path / "a", "--db", loaded)
    assert changed.exit_code == 1 and "has been changed since it was stored" in changed.stderr
    kept.unlink()  # as a return loaded before returns were kept
    gone = run_cli("files", "get", "2", "--out", tmp_path / "a", "--db", loaded)
    assert gone.exit_code == 1 and "not kept as received" in gone.stderr and "earlier version" in gone.stderr
    assert "not kept as received" in run_cli("files", "show", "2", "--db", loaded).stdout


def test_files_on_an_empty_registry_says_how_to_load_one(db, run_cli):
    assert run_cli("init", "--db", db).exit_code == 0
    assert "No file has been loaded yet" in run_cli("files", "--db", db).stdout


def test_a_file_not_found_points_to_pccdash_files_for_the_numbers(loaded, run_cli):
    mark = run_cli("supersede", "77", "--withdrawn", "--reason", "r", "--as", "analyst@example.org", "--db", loaded)
    assert mark.exit_code == 1 and '"pccdash files" list the files with their numbers' in mark.stderr
    assert "pccdash calendar" not in mark.stderr
    flagged = run_cli("flags", "--file", "77", "--db", loaded)
    assert flagged.exit_code == 1 and '"pccdash files" list them' in flagged.stderr
    raised = run_cli("flags", "raise", "--file", "77", "--reason", "r", "--as", "analyst@example.org",
                     "--db", loaded)
    assert raised.exit_code == 1 and '"pccdash files" lists them' in raised.stderr


def test_a_refused_file_with_more_problems_than_kept_says_how_many_it_had(db, tmp_path, run_cli, monkeypatch):
    """Regression: a return with a district misspelt on 60 rows was refused with "60 problems", and then
    "pccdash files show" said "Problems (50)" and "... and 30 more", and the Files loaded page listed 50 with no
    word of the others: the contract keeps a sample of each failed rule's rows, and the office read it as the
    whole."""
    from dashboard_helpers import ANALYST, internal, texts

    bad = tmp_path / "2015-08-misspelt.csv"
    bad.write_text("period,district,measure,value\n" + "".join(
        f"2015-{m:02d},Rotheram,{measure},1\n" for m in range(1, 13)
        for measure in ("cse_arrests", "cse_charges", "cse_referrals", "cawn_issued", "shpo_sro_issued")),
        encoding="utf-8")
    refused = run_cli("ingest", bad, "--db", db)
    assert refused.exit_code == 1 and "REFUSED, nothing loaded: 60 problems" in refused.stderr
    out = run_cli("files", "show", "1", "--db", db).stdout
    assert "Problems (60; 50 kept with it" in out and "Quarantine page lists every row refused" in out
    assert "... and 30 more: the Files loaded page lists every one kept." in out
    assert "Problems (50)" not in out

    page = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    assert not page.exception
    assert "60 problems were found; the 50 below are kept with the file" in texts(page)


def test_a_refused_file_whose_every_problem_is_kept_is_counted_as_before(db, tmp_path, run_cli):
    (tmp_path / "bad.csv").write_bytes(BAD)
    assert run_cli("ingest", tmp_path / "bad.csv", "--db", db).exit_code == 1
    out = run_cli("files", "show", "1", "--db", db).stdout
    assert "Problems (1)\n" in out and "kept with it" not in out


def test_ingest_names_the_number_a_refused_file_is_kept_under(db, tmp_path, run_cli):
    """Regression: an accepted file was said "accepted as file #2", a refused one only "Refused": the office had to
    list the files to find the number "files show" and "supersede" take."""
    (tmp_path / "good.csv").write_bytes(GOOD)
    (tmp_path / "bad.csv").write_bytes(BAD.replace(b"2015-08", b"2015-09"))
    assert run_cli("ingest", tmp_path / "good.csv", "--db", db).exit_code == 0
    refused = run_cli("ingest", tmp_path / "bad.csv", "--db", db)
    assert refused.exit_code == 1
    assert 'Refused "bad.csv" (file #2): nothing from it was loaded.' in refused.stderr
    assert run_cli("files", "show", "2", "--db", db).stdout.startswith('File #2: "bad.csv", refused')
    again = run_cli("ingest", tmp_path / "bad.csv", "--db", db)  # the same bytes: the one refusal, by its number
    assert 'Refused "bad.csv" (file #2): nothing from it was loaded.' in again.stderr


def test_the_files_loaded_page_names_each_layout_in_words(loaded, monkeypatch):
    """Regression: the page's "Layout" column showed the stored codes, "police_uk_street" for police.uk's file."""
    from dashboard_helpers import ANALYST, internal

    page = internal(monkeypatch, loaded, "internal_pages/files.py", ANALYST)
    assert not page.exception
    table = page.dataframe[0].value
    assert table["Layout"].tolist() == ["police.uk street records", "long", "long"]
    assert not table.map(lambda v: isinstance(v, str) and "_" in v and v.islower()).any().any()


def test_files_show_says_the_figures_and_breakdown_categories_read_apart_as_ingest_does(db, tmp_path, run_cli):
    """Regression: "pccdash files show" of a return with breakdowns said "10 figures read: 2 new" of a return holding 2
    figures and 8 breakdown categories, where "pccdash ingest" said "2 figures read (and 8 breakdown categories)"."""
    rows = [("Barnsley", 3, ""), ("Barnsley", 2, "Female"), ("Barnsley", 1, "Male"), ("Barnsley", 0, "Not stated"),
            ("Barnsley", 0, "Not recorded"), ("Doncaster", 2, ""), ("Doncaster", 1, "Female"), ("Doncaster", 0, "Male"),
            ("Doncaster", 0, "Not stated"), ("Doncaster", 1, "Not recorded")]
    victims = tmp_path / "2026-05-victims.csv"
    victims.write_text("period,district,measure,value,victim_sex\n"
                       + "".join(f"2026-05,{d},victims_supported,{v},{sex}\n" for d, v, sex in rows))
    loaded = run_cli("ingest", victims, "--db", db)
    assert loaded.exit_code == 0 and "2 figures read (and 8 breakdown categories)" in loaded.output, loaded.output
    out = run_cli("files", "show", "1", "--db", db).stdout
    assert "  2 figures read (and 8 breakdown categories): 2 new, 0 revised, 0 unchanged." in out, out
