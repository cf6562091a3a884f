"""Killed with SIGKILL at every step, `pccdash restore` leaves every part the office holds (the warehouse, its
police.uk records, the file store, the published folder, the inbox) wholly as it was or, once the next command has
opened the warehouse (or the same restore is run again), wholly the backup's: never the published folder of one beside
the warehouse of the other."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from helpers import ROOT

from pipelines import inbox

PCC = "pcc@example.org"
TODAY = "2015-09-01"
RETURNS = ROOT / "pipelines" / "sample" / "returns"


def env_of(machine: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCCDASH_")}
    return {**env, "PCCDASH_TODAY": TODAY, "PCCDASH_DB": str(machine / "pccdash.duckdb"),
            "PCCDASH_PUBLISHED_DIR": str(machine / "published"), "PCCDASH_INBOX_DIR": str(machine / "inbox")}


def run(machine: Path, *args, failpoint: str | None = None) -> tuple[int, str]:
    env = {**env_of(machine), **({"PCCDASH_FAILPOINT": failpoint} if failpoint else {})}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def ok(machine: Path, *args) -> str:
    rc, said = run(machine, *args)
    assert rc == 0, said
    return said


def parts(machine: Path) -> dict[str, object]:
    """What each part holds, read directly (opening the warehouse through pccdash would finish a restore)."""
    db = machine / "pccdash.duckdb"
    held: dict[str, object] = {}
    if db.is_file():
        con = duckdb.connect(str(db), read_only=True)
        try:
            held["warehouse"] = con.execute("SELECT (SELECT count(*) FROM snapshot), (SELECT count(*) FROM "
                                            "public_submission), (SELECT count(*) FROM file_registry)").fetchone()
        finally:
            con.close()
    else:
        held["warehouse"] = None
    held["records"] = (machine / "pccdash.records.duckdb").is_file()
    current = machine / "published" / "current.json"
    held["published"] = json.loads(current.read_text()).get("version") if current.exists() else None
    held["files"] = sorted(p.name for p in (machine / "pccdash.files").rglob("*") if p.is_file())
    held["inbox"] = sorted(p.relative_to(machine / "inbox").as_posix() for p in (machine / "inbox").rglob("*.json"))
    return held


def leftovers(machine: Path) -> list[str]:
    """What a restore leaves only while it runs: its record, its hidden copies, an archive unpacked."""
    return sorted(p.name for p in machine.iterdir()
                  if p.name.endswith(".restore-pending") or ".restoring-" in p.name or p.name.startswith(".pccdash-"))


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> dict[str, Path]:
    """A machine whose backup was taken after April 2014 was published; since, May 2014 published, a question from
    the public imported, another waiting, a second return loaded."""
    root = tmp_path_factory.mktemp("restore-kills")
    machine = root / "office"
    ok(machine, "init")
    ok(machine, "ingest", RETURNS / "2014-15-cse-return.xlsx")
    ok(machine, "approve", "2014-04", "--as", PCC)
    ok(machine, "publish", "--yes", "--as", PCC)
    inbox.submit("How many arrests in Rotherham?", "A. Person", "a@example.com", folder=machine / "inbox")
    ok(machine, "backup", root / "backup.tar")
    ok(machine, "backup", root / "backup")
    ok(machine, "approve", "2014-05", "--as", PCC)
    ok(machine, "publish", "--yes", "--as", PCC)
    ok(machine, "inbox", "import", "--as", PCC)
    inbox.submit("And in Sheffield?", folder=machine / "inbox")
    ok(machine, "ingest", RETURNS / "2013-14-cse-return.xlsx")
    return {"machine": machine, "archive": root / "backup.tar", "folder": root / "backup", "root": root}


def copy(src: Path, dst: Path) -> Path:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
    return dst


def trial_points(start: Path, scratch: Path, args: list) -> list[str]:
    """Every point a restore reaches, in order: one while copying, before anything is placed, after each step, before
    the warehouse is opened and before its record is removed."""
    points = ["restore_copying", "restore_before_placing"]
    n = 1
    while True:
        machine = copy(start, scratch)
        rc, said = run(machine, *args, failpoint=f"restore_after_step_{n}")
        if rc == 0:
            break
        assert rc == -signal.SIGKILL, said
        points.append(f"restore_after_step_{n}")
        n += 1
    return points + ["restore_before_open", "restore_before_done"]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["replace", "empty"])
def test_a_restore_killed_at_any_step_is_undone_or_finished_by_the_next_command(office, tmp_path, case):
    """A restore with --replace over the office (from an archive), and one into an empty machine (from a folder),
    killed at each point; then alternately a reading command (`pccdash periods`) and the same restore run again."""
    if case == "replace":
        start, args = office["machine"], ["restore", office["archive"], "--replace"]
    else:
        start, args = tmp_path / "empty", ["restore", office["folder"]]
        start.mkdir()
    before = parts(start)
    finished = copy(start, tmp_path / "whole")
    ok(finished, *args)
    after = parts(finished)
    assert before["warehouse"] != after["warehouse"] and before["published"] != after["published"]
    points = trial_points(start, tmp_path / "machine", args)
    assert len(points) >= 8, points
    tally: dict[str, int] = {}
    for i, point in enumerate(points):
        follow = ("periods", "again")[i % 2]
        machine = copy(start, tmp_path / "machine")
        rc, said = run(machine, *args, failpoint=point)
        assert rc == -signal.SIGKILL, f"{point}: {said}"
        where = f"{case}: killed at {point}, then {follow}"
        if follow == "periods":
            rc, said = run(machine, "periods")
            assert rc == 0 or (case == "empty" and "There is no warehouse" in said), f"{where}:\n{said}"
        else:
            rc, said = run(machine, *args)
            assert rc == 0, f"{where}:\n{said}"
        now = parts(machine)
        assert now in (before, after), f"{where}: a mix of the backup and what was there:\n{now}"
        assert leftovers(machine) == [], where
        if point in ("restore_copying", "restore_before_placing"):
            assert now == before or follow == "again", where
            if follow == "periods":
                assert "stopped before it changed anything" in " ".join(said.split()), f"{where}:\n{said}"
        else:
            assert now == after, where
            assert "was stopped part way: it has now been finished" in " ".join(said.split()) or (
                "has now been finished: every part is the backup's" in said), f"{where}:\n{said}"
        if case == "replace":  # nothing lost: what was there is set aside whole
            if now == after:
                [aside] = machine.glob("pccdash.replaced-*")
                con = duckdb.connect(str(aside / "pccdash.duckdb"), read_only=True)
                try:
                    assert con.execute("SELECT count(*) FROM snapshot").fetchone()[0] == before["warehouse"][0]
                finally:
                    con.close()
            else:
                assert not list(machine.glob("*.replaced-*")), where
        if now["warehouse"] is not None:
            with duckdb.connect(str(machine / "pccdash.duckdb"), read_only=True) as con:  # recorded once
                restores = con.execute("SELECT count(*) FROM audit_event WHERE action = 'restore'").fetchone()[0]
            assert restores == (1 if now == after else 0), where
        key = f"{point.rsplit('_', 1)[0] if 'step' in point else point} -> " + ("backup" if now == after else "before")
        tally[key] = tally.get(key, 0) + 1
    print(f"\n{case}: {len(points)} kills:", tally)
