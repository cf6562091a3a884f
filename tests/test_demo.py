"""`pccdash demo --no-serve` builds the sample warehouse, which reproduces the figures the force gave in
August 2015 for the twelve months August 2014 to July 2015."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from helpers import run_pccdash

from pipelines.audit import os_account
from pipelines.warehouse import connect_read_only

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    result = run_pccdash("demo", "--no-serve", "--db", db, env={"PCCDASH_PUBLISHED_DIR": str(folder / "published")})
    assert result.returncode == 0, result.stderr
    assert "Sample warehouse ready" in result.stdout
    return db


def figures(db, *args) -> pd.DataFrame:
    result = run_pccdash("figures", "--db", db, "--format", "csv", *args)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout))


def test_rotherham_charges_in_the_twelve_months_to_july_2015_sum_to_22(demo_db):
    result = run_pccdash("figures", "--measure", "cse_charges", "--district", "Rotherham", "--from", "2014-08",
                         "--to", "2015-07", "--db", demo_db)
    lines = [line for line in result.stdout.splitlines() if line.strip().startswith("20")]
    assert len(lines) == 12
    assert "cse_charges: 22 people in total over 12 months." in result.stdout
    assert figures(demo_db, "--measure", "cse_charges", "--district", "Rotherham", "--from", "2014-08",
                   "--to", "2015-07")["value"].sum() == 22


@pytest.mark.parametrize("measure,district,expected", [
    ("cse_arrests", None, 460), ("grooming_arrests", None, 76), ("cse_charges", None, 54),
])
def test_force_wide_flows_match_august_2015(demo_db, measure, district, expected):
    df = figures(demo_db, "--measure", measure, "--from", "2014-08", "--to", "2015-07")
    assert len(df) == 48 and df["value"].sum() == expected


@pytest.mark.parametrize("district,expected", [(None, 155), ("Rotherham", 46)])
def test_live_investigations_at_the_end_of_july_2015(demo_db, district, expected):
    args = ["--measure", "cse_live_investigations", "--from", "2015-07", "--to", "2015-07"]
    if district:
        args += ["--district", district]
    assert figures(demo_db, *args)["value"].sum() == expected


def test_the_sample_corrections_are_revisions(demo_db):
    hist = figures(demo_db, "--history", "--from", "2014-04", "--to", "2015-03")
    revised = hist[hist["revision"] > 1]
    assert len(revised) == 3
    assert set(revised["source_file"]) == {"2015-16-z-corrections.csv"}


def demo_loads(db) -> pd.DataFrame:
    result = run_pccdash("audit", "--action", "load", "--format", "csv", "--limit", "0", "--db", db)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout))


def test_the_demo_loads_are_on_the_audit_trail_as_the_demo_s_own(demo_db):
    """Regression: the sample's returns and police.uk rows left no load on the audit trail, where a file loaded with
    pccdash ingest or uploaded in the app does, so the trail began with the demo's approvals of figures it never
    said were loaded."""
    loads = demo_loads(demo_db)
    assert len(loads) == 16 and set(loads["Who"]) == {"pccdash demo"}
    assert set(loads["How"]) == {f"by the program itself (account {os_account()})"}
    assert set(loads["Action"]) == {"loaded a file"}
    assert 'file "2013-14-cse-return.xlsx" (#1)' in set(loads["About"])
    assert loads["Detail"].str.startswith("loaded: ").all()
    with connect_read_only(demo_db) as con:  # the Files loaded page names the demo too
        assert con.execute("SELECT DISTINCT loaded_by FROM file_registry").fetchall() == [("pccdash demo",)]


def test_demo_again_loads_nothing_twice(demo_db):
    before = figures(demo_db)
    result = run_pccdash("demo", "--no-serve", "--db", demo_db)
    assert result.returncode == 0
    assert "0 files loaded, 16 already there" in result.stdout
    assert len(figures(demo_db)) == len(before)
    assert len(demo_loads(demo_db)) == 16  # nothing loaded, nothing recorded
