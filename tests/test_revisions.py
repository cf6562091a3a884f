"""A correction adds a revision and keeps the old value; the same figure sent again, or the same file, adds nothing."""

from __future__ import annotations

import io

import pandas as pd
from helpers import accepted_files, fingerprint, write_csv

from pipelines import warehouse
from pipelines.ingest import ingest

HEADER = "period,district,measure,value\n"


def test_a_correction_adds_a_revision_and_the_latest_is_current(con, tmp_path, db, run_cli):
    first = write_csv(tmp_path / "2015-07.csv", HEADER + "2015-07,Rotherham,cse_charges,3\n"
                      "2015-07,Sheffield,cse_charges,2\n")
    correction = write_csv(tmp_path / "2015-08.csv", HEADER + "2015-07,Rotherham,cse_charges,4\n"
                           "2015-07,Sheffield,cse_charges,2\n2015-08,Sheffield,cse_charges,1\n")
    ingest(con, [first])
    report = ingest(con, [correction])
    outcome = report.files[0]
    assert (outcome.new, outcome.revised, outcome.unchanged) == (1, 1, 1)
    current = con.execute("SELECT district, value, revision, source_row FROM figure "
                          "WHERE period = '2015-07-01' ORDER BY district").fetchall()
    assert current == [("Rotherham", 4.0, 2, 2), ("Sheffield", 2.0, 1, 3)]
    history = con.execute("SELECT revision, value, previous_value FROM figure_revision "
                          "WHERE district = 'Rotherham' ORDER BY revision").fetchall()
    assert history == [(1, 3.0, None), (2, 4.0, 3.0)]


def test_figures_history_shows_each_revision_with_its_file(db, tmp_path, run_cli):
    write_csv(tmp_path / "a.csv", HEADER + "2015-07,Rotherham,cse_charges,3\n")
    write_csv(tmp_path / "b.csv", HEADER + "2015-07,Rotherham,cse_charges,4\n")
    assert run_cli("ingest", tmp_path / "a.csv", "--db", db).exit_code == 0
    assert run_cli("ingest", tmp_path / "b.csv", "--db", db).exit_code == 0
    out = run_cli("figures", "--history", "--format", "csv", "--db", db).stdout
    df = pd.read_csv(io.StringIO(out))
    assert df.fillna({"previous_value": -1})[
        ["revision", "value", "previous_value", "is_current", "source_file"]].values.tolist() == [
        [1, 3, -1, False, "a.csv"], [2, 4, 3, True, "b.csv"]]
    current = pd.read_csv(io.StringIO(run_cli("figures", "--format", "csv", "--db", db).stdout))
    assert current[["value", "revision", "source_file"]].values.tolist() == [[4, 2, "b.csv"]]
    # the value a revision replaced reads as a count too, not 3.0, beside a first revision that replaced nothing
    assert out.splitlines()[1:] == [f"2015-07,Rotherham,cse_charges,1,3,,False,a.csv,,2,{df['loaded_at'][0]},,",
                                    f"2015-07,Rotherham,cse_charges,2,4,3,True,b.csv,,2,{df['loaded_at'][1]},,"], out


def test_figures_history_gives_the_note_a_correction_came_with(db, tmp_path, run_cli):
    """Regression: the reason a correction gave in its note column ("1 charge recorded late added") was shown on the
    Provenance page but not by pccdash figures --history, so a revision read there had no reason."""
    write_csv(tmp_path / "a.csv", HEADER + "2015-07,Rotherham,cse_charges,3\n")
    (tmp_path / "fix.csv").write_text("period,district,measure,value,note\n"
                                      "2015-07,Rotherham,cse_charges,4,1 charge recorded late added\n")
    assert run_cli("ingest", tmp_path / "a.csv", "--db", db).exit_code == 0
    assert run_cli("ingest", tmp_path / "fix.csv", "--db", db).exit_code == 0
    df = pd.read_csv(io.StringIO(run_cli("figures", "--history", "--format", "csv", "--db", db).stdout),
                     dtype=str, keep_default_na=False)
    assert df[["source_file", "note"]].values.tolist() == [["a.csv", ""],
                                                                      ["fix.csv", "1 charge recorded late added"]]
    out = run_cli("figures", "--history", "--db", db).stdout
    assert "1 charge recorded late added" in out


def test_the_same_file_again_changes_nothing_and_says_so(db, tmp_path, run_cli):
    path = write_csv(tmp_path / "a.csv", HEADER + "2015-07,Rotherham,cse_charges,3\n")
    run_cli("ingest", path, "--db", db)
    copy = write_csv(tmp_path / "renamed.csv", path.read_text())
    result = run_cli("ingest", copy, "--db", db)
    assert result.exit_code == 0
    assert 'already loaded as file #1 ("a.csv")' in result.stderr
    assert "0 files accepted, 1 already loaded" in result.stdout
    assert accepted_files(db) == [(1, "a.csv")]
    assert len(fingerprint(db)) == 1


def test_a_refused_file_can_be_fixed_and_loaded_and_both_attempts_are_kept(db, tmp_path, run_cli):
    path = write_csv(tmp_path / "r.csv", HEADER + "2015-07,Rotherham,cse_charges,x\n")
    assert run_cli("ingest", path, "--db", db).exit_code == 1
    write_csv(path, HEADER + "2015-07,Rotherham,cse_charges,3\n")
    assert run_cli("ingest", path, "--db", db).exit_code == 0
    with warehouse.connect_read_only(db) as con:
        attempts = con.execute("SELECT name, outcome FROM file_registry ORDER BY file_id").fetchall()
    assert attempts == [("r.csv", "rejected"), ("r.csv", "accepted")]
