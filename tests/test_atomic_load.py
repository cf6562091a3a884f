"""A load killed at any point leaves the warehouse as it was before that file; running it again finishes it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import duckdb
import pytest
from helpers import ROOT, fingerprint, run_pccdash

from pipelines import warehouse

DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
MEASURES = ("cse_arrests", "cse_charges", "cse_live_investigations", "cse_referrals", "cawn_issued",
            "shpo_sro_issued", "cce_referrals", "victims_supported", "online_grooming_offences")


def big_return(path, months: int = 120, seed: int = 1):
    """A long-layout return of months (from January 2000) x 4 districts x 9 measures figures."""
    rng = random.Random(seed)
    lines = ["period,district,measure,value"]
    for i in range(months):
        period = f"{2000 + i // 12}-{i % 12 + 1:02d}"
        lines += [f"{period},{d},{m},{rng.randint(20, 30)}" for d in DISTRICTS for m in MEASURES]
    path.write_text("\n".join(lines) + "\n")
    return (len(lines) - 1)


@pytest.fixture
def warehouse_with_a_file(db, tmp_path):
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("period,district,measure,value\n2013-05,Rotherham,cse_charges,2\n")
    r = run_pccdash("ingest", earlier, "--db", db)
    assert r.returncode == 0, r.stderr
    return db


@pytest.mark.slow
@pytest.mark.parametrize("point", ["ingest_before_commit", "ingest_after_commit", "read_copy_before_swap"])
def test_killed_at_a_failpoint_then_rerun_completes(warehouse_with_a_file, tmp_path, point):
    db = warehouse_with_a_file
    before = fingerprint(db)
    path = tmp_path / "big.csv"
    n = big_return(path)

    killed = run_pccdash("ingest", path, "--db", db, env={"PCCDASH_FAILPOINT": point})
    assert killed.returncode == -signal.SIGKILL

    after_kill = fingerprint(db)
    if point == "ingest_before_commit":
        assert after_kill == before
    else:  # committed: the whole file is there, once
        assert len(after_kill) == len(before) + n
    # readers' copy is always a whole, openable warehouse: the old one or the new one
    with duckdb.connect(str(warehouse.read_copy_path(db)), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM figure_revision").fetchall()[0][0] in (len(before), len(before) + n)

    rerun = run_pccdash("ingest", path, "--db", db)
    assert rerun.returncode == 0, rerun.stderr
    final = fingerprint(db)
    assert len(final) == len(before) + n
    assert set(before) <= set(final)
    with duckdb.connect(str(warehouse.read_copy_path(db)), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM figure_revision").fetchall()[0][0] == len(before) + n


@pytest.mark.slow
def test_killed_at_random_moments_the_file_is_all_there_or_not_at_all(warehouse_with_a_file, tmp_path):
    db = warehouse_with_a_file
    base = len(fingerprint(db))
    path = tmp_path / "big.csv"
    n = big_return(path, months=300)
    rng = random.Random(20150824)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(path), "--db", str(db)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ})
        time.sleep(rng.uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        count = len(fingerprint(db))
        assert count in (base, base + n), f"a kill left {count - base} of {n} figures"
        if count == base + n:
            break
    rerun = run_pccdash("ingest", path, "--db", db)
    assert rerun.returncode == 0, rerun.stderr
    assert len(fingerprint(db)) == base + n
