"""Killed with SIGKILL at any moment, `pccdash ingest` (of returns, and of police.uk files, whose records are
committed in their own file first), `approve` and `publish` leave the warehouse, its read copy, the police.uk
records it accepted and the published folder each wholly as before or wholly as after, and running the command
again ends exactly where an uninterrupted run does; killed at each moment around a publication's or
withdrawal's snapshot rename and pointer switch, the public side (pointer and static site, switched together)
and the warehouse agree, or the next command agrees them before anything else."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from conftest import TODAY
from helpers import ROOT

from pipelines import faults, public, records, warehouse

SEED = 20150824
TRIALS = 20  # alternately an ingest (of the big return, then of the file revising it) and an approve + publish
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
MEASURES = ("cse_arrests", "cse_charges", "cse_live_investigations", "cse_referrals", "cawn_issued",
            "shpo_sro_issued", "cce_referrals", "victims_supported", "online_grooming_offences")
BIG_MONTHS = 48  # 2000-01 .. 2003-12: 1,728 figures, about a second of work for each ingest
FIRST_APPROVED = 36  # 2000-01 .. 2002-12 are published before the trials; the trials publish the rest
PCC = "pcc@example.org"
# Left out of a comparison: when a run happened, and which version number a snapshot took. A rerun after a
# kill that had already renamed a snapshot into place writes the next version, with the same content.
WAREHOUSE_SKIP = {("validation_run", "seconds"), ("snapshot", "version"), ("snapshot", "file_name"),
                  ("snapshot", "sha256"), ("period_status", "snapshot_version"), ("publication_event", "note"),
                  ("audit_event", "subject"), ("audit_event", "detail"), ("pointer_switch", "folder"),
                  ("pointer_switch", "version"), ("pointer_switch", "pointer"), ("pointer_switch", "previous")}
SNAPSHOT_SKIP = {("revision", "version"), ("period", "first_published_at"), ("period", "last_revised_at"),
                 ("revision", "revised_at")}
SNAPSHOT_TABLES = ("figure", "period", "measure", "caveat", "revision", "meta")


def month(i: int) -> str:
    return f"{2000 + i // 12}-{i % 12 + 1:02d}"


def write_return(path: Path, months: range, seed: int, revise: Path | None = None) -> int:
    """A long-layout return of months x districts x measures; with `revise`, that file with half its values moved."""
    rng = random.Random(seed)
    if revise is not None:
        lines = revise.read_text().splitlines()
        out = lines[:1]
        for line in lines[1:]:
            period, district, measure, value = line.split(",")
            if rng.random() < 0.5:
                value = str(int(value) + rng.choice((-2, -1, 1, 2)))
            out.append(f"{period},{district},{measure},{value}")
    else:
        out = ["period,district,measure,value"]
        for i in months:
            out += [f"{month(i)},{d},{m},{rng.randint(20, 30)}" for d in DISTRICTS for m in MEASURES]
    path.write_text("\n".join(out) + "\n")
    return len(out) - 1


def child_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCCDASH_")}
    return {**env, "PCCDASH_TODAY": TODAY.isoformat(), "PCCDASH_USER": PCC,
            "PCCDASH_PUBLISHED_DIR": str(folder / "published")}


def start(args: list[str], folder: Path) -> subprocess.Popen:
    with open(folder / "command.log", "ab") as log:  # the child keeps its own handle
        return subprocess.Popen([sys.executable, "-m", "pipelines.cli", *args, "--db", str(folder / "wh.duckdb")],
                                cwd=ROOT, env=child_env(folder), stdout=log, stderr=log)


def run(args: list[str], folder: Path) -> float:
    """Run one command to completion; its wall-clock seconds."""
    began = time.monotonic()
    proc = start(args, folder)
    rc = proc.wait(300)
    assert rc == 0, f"{args[0]} failed ({rc}):\n{(folder / 'command.log').read_text()[-3000:]}"
    return time.monotonic() - began


def run_killed(args: list[str], folder: Path, kill_at: float) -> bool:
    """Start a command and SIGKILL it `kill_at` seconds later; False if it had finished by then."""
    proc = start(args, folder)
    try:
        rc = proc.wait(kill_at)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        rc = proc.wait()
        if rc == -signal.SIGKILL:
            return True
        # it ended between the timeout and the signal, which then found nothing to kill: it finished by then
    assert rc == 0, f"{args[0]} failed ({rc}):\n{(folder / 'command.log').read_text()[-3000:]}"
    return False


def db_state(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, without the columns that say when (or which version number)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for t, c, typ in con.execute(  # every table's columns in one query (one information_schema query each is slow)
                "SELECT c.table_name, c.column_name, c.data_type FROM duckdb_columns() c JOIN duckdb_tables() t "
                "USING (database_name, schema_name, table_name) WHERE c.database_name = current_database() "
                "AND c.schema_name = 'main' AND NOT c.internal ORDER BY c.table_name, c.column_index").fetchall():
            cols = columns.setdefault(t, [])
            if not typ.startswith("TIMESTAMP") and (t, c) not in WAREHOUSE_SKIP:
                cols.append(c)
        return {t: con.execute(f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)} FROM "{t}" '
                               "ORDER BY ALL").fetchall() for t, cols in columns.items()}
    finally:
        con.close()


def snapshot_state(path: Path) -> dict[str, str]:
    """A published snapshot's content, read through the public side's own door, without dates and versions."""
    cols = public.read("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE list_contains(?, table_name) ORDER BY table_name, ordinal_position",
                       [list(SNAPSHOT_TABLES)], snapshot=path)
    state = {}
    for t in SNAPSHOT_TABLES:
        keep = [c for tt, c, typ in cols.values.tolist()
                if tt == t and not typ.startswith("TIMESTAMP") and (t, c) not in SNAPSHOT_SKIP]
        where = " WHERE key NOT IN ('version', 'created_at')" if t == "meta" else ""
        state[t] = public.read(f"SELECT {', '.join(keep)} FROM {t}{where} ORDER BY ALL", snapshot=path).to_csv(
            index=False)
    return state


def published_months(path: Path) -> list[str]:
    return [p for (p,) in public.read("SELECT DISTINCT period FROM figure WHERE period_type = 'month' ORDER BY 1",
                                      snapshot=path).values.tolist()]


def pointed_snapshot(folder: Path) -> Path:
    """The snapshot current.json names, after checking the pointer is whole and names a whole, renamed file."""
    pointer = json.loads((folder / "published" / public.POINTER).read_text(encoding="utf-8"))
    assert re.fullmatch(r"snapshot-\d{4}\.duckdb", pointer["file"]), pointer
    path = folder / "published" / pointer["file"]
    assert path.is_file() and public.current_snapshot(folder / "published") == path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == pointer["sha256"], "the pointer names a changed file"
    assert site_months(folder / "published", pointer) == published_months(path), "the site is not the snapshot's"
    return path


def site_months(published: Path, pointer: dict) -> list[str]:
    """The months the static site in force carries (its CSV download), after checking that it is the release
    of exactly the pointer the public reads: the pointer and the site switch together, never one without the
    other."""
    digest = hashlib.sha256(json.dumps(pointer, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    assert os.readlink(published / "public") == f"releases/{pointer.get('version') or 'none'}-{digest}", pointer
    served = published / "public" / "site"
    assert (served / "index.html").is_file(), "the site in force has no front page"
    download = served / "published-figures.csv"
    if not download.is_file():
        return []
    with open(download, encoding="utf-8", newline="") as fh:
        return sorted({r["period"] for r in csv.DictReader(fh) if r["period_type"] == "month"})


@dataclass
class State:
    warehouse: dict[str, list[tuple]]
    snapshot: dict[str, str]
    months: list[str]

    @classmethod
    def of(cls, folder: Path) -> State:
        snap = pointed_snapshot(folder)
        return cls(db_state(folder / "wh.duckdb"), snapshot_state(snap), published_months(snap))


@dataclass
class Stage:
    """Commands run one after another from a saved start; states[0] is the start, states[i + 1] after command i."""

    name: str
    start: Path
    commands: list[list[str]]
    seconds: list[float] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    idempotent: bool = True  # a re-run of a finished command changes nothing (true of ingest, not of publish)


def copy_folder(src: Path, dst: Path) -> Path:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)  # the published folder's links kept as links
    return dst


@pytest.fixture(scope="module")
def stages(tmp_path_factory) -> list[Stage]:
    """The uninterrupted runs, each from a copy of the state before it: their end states and durations."""
    tmp = tmp_path_factory.mktemp("kill_trials")
    returns = tmp / "returns"
    returns.mkdir()
    write_return(returns / "earlier.csv", range(160, 161), seed=3)  # 2013-05
    big = returns / "big.csv"
    write_return(big, range(BIG_MONTHS), seed=1)
    write_return(returns / "revised.csv", range(0), seed=2, revise=big)
    later = [month(i) for i in range(FIRST_APPROVED, BIG_MONTHS)]

    chain = tmp / "chain"
    chain.mkdir()
    run(["ingest", str(returns / "earlier.csv")], chain)
    run(["approve", "2013-05"], chain)
    run(["publish", "--yes"], chain)
    stages = [Stage("ingest big return", copy_folder(chain, tmp / "start-big"), [["ingest", str(big)]]),
              Stage("ingest revisions", tmp / "start-revised", [["ingest", str(returns / "revised.csv")]]),
              Stage("approve + publish", tmp / "start-publish", [["approve", *later], ["publish", "--yes"]],
                    idempotent=False)]
    for i, stage in enumerate(stages):
        if i:
            copy_folder(chain, stage.start)
        stage.states.append(State.of(chain))
        for args in stage.commands:
            stage.seconds.append(run(args, chain))
            stage.states.append(State.of(chain))
        if i == 1:  # the publish trials start with the first months already public
            run(["approve", *(month(m) for m in range(FIRST_APPROVED))], chain)
            run(["publish", "--yes"], chain)
    before, after = stages[1].states
    revised = len(after.warehouse["figure_revision"]) - len(before.warehouse["figure_revision"])
    assert revised > BIG_MONTHS * len(DISTRICTS) * len(MEASURES) / 3, "the second file must revise many figures"
    assert stages[2].states[0].months != stages[2].states[-1].months
    assert stages[2].seconds[1] > 0.5, f"publish took only {stages[2].seconds[1]:.2f} s"
    for stage in stages:
        print(f"\n{stage.name}: uninterrupted {' + '.join(f'{s:.2f}' for s in stage.seconds)} s")
    return stages


def test_a_command_killed_at_a_random_moment_leaves_a_whole_state_and_a_rerun_ends_as_if_never_killed(
        stages, tmp_path):
    rng = random.Random(SEED)
    tally: dict[str, int] = {}
    leftovers: set[str] = set()
    began = time.monotonic()
    for trial in range(TRIALS):
        if trial % 2 == 0:  # an ingest: of the big return, then of the file revising it, in turn
            stage, target = stages[(trial // 2) % 2], 0
        else:  # approve + publish: kill the approval one time in three, the publication otherwise
            stage, target = stages[2], 0 if trial % 6 == 1 else 1
        folder = copy_folder(stage.start, tmp_path / "trial")
        states, command = stage.states, stage.commands[target]
        for args in stage.commands[:target]:
            run(args, folder)
        kill_at = rng.uniform(0, 1) * stage.seconds[target]
        killed = run_killed(command, folder, kill_at)
        where = f"trial {trial} ({command[0]} killed at {kill_at:.2f} s of {stage.seconds[target]:.2f} s)"

        # each part is whole: as before the killed command or as after it, never between
        before, after = states[target], states[target + 1]
        now = State.of(folder)
        assert now.warehouse in (before.warehouse, after.warehouse), f"{where}: the warehouse is half changed"
        read_copy = db_state(warehouse.read_copy_path(folder / "wh.duckdb"))
        assert read_copy in (before.warehouse, after.warehouse), f"{where}: the read copy is half changed"
        assert (now.snapshot, now.months) in ((before.snapshot, before.months), (after.snapshot, after.months)), \
            f"{where}: the public sees a snapshot that is neither the old one nor the new one, whole"
        landed = "after" if now.warehouse == after.warehouse else "before"
        if landed == "before":
            assert read_copy == before.warehouse, f"{where}: the read copy is ahead of the warehouse"
            assert now.snapshot == before.snapshot, f"{where}: the public side is ahead of the warehouse"
        elif now.snapshot != after.snapshot:  # killed between recording the publication and switching to it
            assert unfinished_switches(folder / "wh.duckdb") == 1, f"{where}: the public side is behind, unrecorded"
            run(["periods"], folder)
            assert State.of(folder).snapshot == after.snapshot, f"{where}: the next command did not finish the switch"
        key = (f"{command[0]}: " + ("finished first" if not killed else f"warehouse {landed}, read copy "
               f"{'after' if read_copy == after.warehouse else 'before'}, public "
               f"{'after' if now.snapshot == after.snapshot and before.snapshot != after.snapshot else 'before'}"))
        tally[key] = tally.get(key, 0) + 1
        leftovers |= {p.name for p in [*folder.iterdir(), *(folder / "published").iterdir(),
                                       *(folder / "published" / "releases").iterdir()]
                      if p.name.endswith((".tmp", ".wal"))}

        # run it again from the command killed, then the rest (a finished approve or publish is not repeated:
        # unlike an ingest, each run of those is a new event by design)
        again = stage.commands[target + (landed == "after" and (not killed or not stage.idempotent)):]
        for args in again:
            run(args, folder)
        final = State.of(folder)
        # the trail's note of a switch the next command finished for a killed publication (the site is built
        # between the record and the switch, so kills land there often) is the one row a whole run has not
        assert without_finished_switches(final.warehouse) == states[-1].warehouse, \
            f"{where}: the re-run does not end where a whole run does"
        assert (final.snapshot, final.months) == (states[-1].snapshot, states[-1].months), where
        if again:
            assert db_state(warehouse.read_copy_path(folder / "wh.duckdb")) == states[-1].warehouse, where
    print(f"\n{TRIALS} trials in {time.monotonic() - began:.0f} s; where the kills landed:")
    for key, n in sorted(tally.items()):
        print(f"  {n:3d}  {key}")
    print(f"  files left behind: {sorted(leftovers) or 'none'}")
    assert sum(n for k, n in tally.items() if "finished" not in k) >= TRIALS // 2, tally


def without_finished_switches(state: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {**state, "audit_event": [r for r in state["audit_event"] if "finish_switch" not in r]}


def unfinished_switches(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM pointer_switch WHERE done_at IS NULL").fetchall()[0][0]
    finally:
        con.close()


PUBLISH_POINTS = [p for p in faults.POINTS if p.startswith("publish_")]
WITHDRAW_POINTS = [p for p in faults.POINTS if p.startswith("withdraw_")]
WITHDRAW = ["withdraw", "--reason", "July was double counted", "--yes"]


def sides(folder: Path) -> tuple[tuple, tuple]:
    """(what the public reads, what the warehouse says it reads): a snapshot version, the number of withdrawal
    notices, and the months; the warehouse is read directly, since opening it through pccdash finishes a switch."""
    published = folder / "published"
    pointer = public.pointer(published)
    snap = public.current_snapshot(published)
    months = [] if snap is None else sorted(public.read("SELECT period FROM period", snapshot=snap)["period"])
    assert site_months(published, pointer) == months, "the site shows other months than the pointer's snapshot"
    public_side = (pointer.get("version"), len(pointer.get("withdrawals") or []), months)
    con = duckdb.connect(str(folder / "wh.duckdb"), read_only=True)
    try:
        recorded = (con.execute("SELECT max(version) FROM snapshot WHERE version NOT IN "
                                "(SELECT version FROM snapshot_withdrawal)").fetchall()[0][0],
                    con.execute("SELECT count(*) FROM snapshot_withdrawal").fetchall()[0][0],
                    [m for (m,) in con.execute("SELECT strftime(period, '%Y-%m') FROM period_status "
                                               "WHERE status = 'published' ORDER BY 1").fetchall()])
    finally:
        con.close()
    return public_side, recorded


def settled(folder: Path) -> tuple[dict, dict[str, str]]:
    """The warehouse (without the trail's notes of a switch finished for a stopped command) and the snapshot the
    public reads, to compare with an uninterrupted run."""
    state = db_state(folder / "wh.duckdb")
    state["audit_event"] = [r for r in state["audit_event"] if "finish_switch" not in r]
    return state, snapshot_state(pointed_snapshot(folder))


def run_output(args: list[str], folder: Path, failpoint: str | None = None) -> tuple[int, str]:
    """Run one command to its end (or its kill); its exit code and what it printed."""
    log = folder / "command.log"
    log.write_bytes(b"")
    env = {**child_env(folder), **({"PCCDASH_FAILPOINT": failpoint} if failpoint else {})}
    with open(log, "ab") as out:
        rc = subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--db", str(folder / "wh.duckdb")],
                            cwd=ROOT, env=env, stdout=out, stderr=out, timeout=300).returncode
    return rc, log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def switch_starts(tmp_path_factory) -> dict[str, tuple[Path, tuple, tuple, tuple]]:
    """For publish and withdraw: a saved folder to start from, the two sides before and after an uninterrupted
    run of the command, and the settled state that run ends in."""
    tmp = tmp_path_factory.mktemp("switch_kills")
    returns = tmp / "return.csv"
    returns.write_text("period,district,measure,value\n" + "".join(
        f"{p},{d},{m},{20 + i}\n" for p in ("2015-06", "2015-07") for i, d in enumerate(DISTRICTS) for m in MEASURES))
    chain = tmp / "chain"
    chain.mkdir()
    for args in (["ingest", str(returns)], ["approve", "2015-06"], ["publish", "--yes"], ["approve", "2015-07"]):
        run(args, chain)
    starts = {}
    for name, command in (("publish", ["publish", "--yes"]), ("withdraw", WITHDRAW)):  # one after the other
        start = copy_folder(chain, tmp / f"start-{name}")
        before = sides(chain)
        run(command, chain)
        after = sides(chain)
        assert before[0] == before[1] and after[0] == after[1] and before != after, (name, before, after)
        starts[name] = (start, before[0], after[0], settled(chain))
    return starts


@pytest.mark.slow
def test_a_publication_or_withdrawal_killed_around_its_rename_or_switch_agrees_or_is_agreed_by_the_next_command(
        switch_starts, tmp_path):
    """Twenty SIGKILLs: at each fault point around the snapshot rename, the record and the pointer switch, of
    publish and of withdraw, followed once by a read-only command (`periods`) and once by the command again."""
    tally: dict[str, int] = {}
    kills = 0
    for name, points in (("publish", PUBLISH_POINTS), ("withdraw", WITHDRAW_POINTS)):
        start, before, after, final = switch_starts[name]
        command = ["publish", "--yes"] if name == "publish" else WITHDRAW
        for point in points:
            for follow in ("periods", "again"):
                folder = copy_folder(start, tmp_path / "trial")
                rc, _ = run_output(command, folder, failpoint=point)
                assert rc == -signal.SIGKILL, f"{name} did not reach {point}"
                kills += 1
                where = f"{name} killed at {point}, then {follow}"
                public_side, recorded = sides(folder)
                assert recorded in (before, after), f"{where}: the warehouse is half changed"
                assert public_side in (before, after), f"{where}: the public side is half changed"
                agreed = public_side == recorded
                unfinished = unfinished_switches(folder / "wh.duckdb")
                if not agreed:
                    assert (public_side, recorded) == (before, after), f"{where}: the public side is ahead"
                    assert unfinished == 1, where

                if follow == "periods":
                    rc, said = run_output(["periods"], folder)
                    assert rc == 0, f"{where}:\n{said}"
                elif recorded == before:  # the killed run did not count: the command again does the job
                    rc, said = run_output(command, folder)
                    assert rc == 0 and not said.startswith("Note:"), f"{where}:\n{said}"
                elif not unfinished:  # it counted and finished: publishing again finds nothing new
                    rc, said = run_output(command, folder)
                    assert rc == 1 and "Nothing to publish" in said, f"{where}:\n{said}"
                else:  # it counted: the command again finishes the switch, and does nothing more
                    rc, said = run_output(command, folder)
                    done = ("Published snapshot 2: the publication stopped before is finished." if name == "publish"
                            else "Withdrew snapshot 2; the public side reads snapshot 1 again.")
                    assert rc == 0 and done in said, f"{where}:\n{said}"
                assert ("Note: The " in said) == bool(unfinished), f"{where}: the finished switch is not said:\n{said}"
                if unfinished:
                    assert said.index("Note: The ") == 0, f"{where}: the command did something before the repair"
                assert unfinished_switches(folder / "wh.duckdb") == 0, where
                public_side, recorded = sides(folder)
                assert public_side == recorded, f"{where}: the next command did not agree the two sides"
                if recorded == before:
                    rc, said = run_output(command, folder)
                    assert rc == 0, f"{where}:\n{said}"
                public_side, recorded = sides(folder)
                # a snapshot renamed into place before the kill keeps its number: the re-run publishes the next
                assert public_side == recorded and public_side[1:] == after[1:], where
                assert settled(folder) == final, f"{where}: the end differs from an uninterrupted run's"
                key = f"{name} at {point}: " + ("agreed" if agreed else "public behind until the next command") + (
                    ", switch unfinished" if unfinished else "")
                tally[key] = tally.get(key, 0) + 1
    print(f"\n{kills} kills around the rename and the switch:")
    for key, n in sorted(tally.items()):
        print(f"  {n:3d}  {key}")
    assert kills == 20
    assert any("behind" in k for k in tally) and any("agreed" in k for k in tally), tally


# ---------------------------------------------------------------------------------------------------
# police.uk loads: the records are committed in their own file before the warehouse accepts them

POLICE_UK_TRIALS = 20
STREET_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
                 "Last outcome category,Context")
CRIME_TYPES = ("Violence and sexual offences", "Anti-social behaviour", "Burglary", "Vehicle crime", "Shoplifting")
OUTCOMES = ("Unable to prosecute suspect", "Under investigation", "Awaiting court outcome", "Local resolution")


def write_street(path: Path, months: list[str], per_month: int, seed: int) -> None:
    """A police.uk street file: `per_month` records in each month, across the force's districts and beyond."""
    rng = random.Random(seed)
    places = [*DISTRICTS, "Bassetlaw"]
    lines = [STREET_HEADER]
    for m in months:
        for _ in range(per_month):
            crime = rng.choice(CRIME_TYPES)
            place = f"{rng.choice(places)} {rng.randint(1, 40):03d}{rng.choice('ABCDE')}"
            crime_id, outcome = ("", "") if crime == "Anti-social behaviour" else (
                f"{rng.getrandbits(256):064x}", rng.choice(OUTCOMES))
            point = f"{rng.uniform(-1.6, -0.9):.6f},{rng.uniform(53.3, 53.65):.6f}"
            lines.append(f"{crime_id},{m},South Yorkshire Police,South Yorkshire Police,{point},"
                         f"On or near High Street,E0100{rng.randint(7000, 8400)},{place},{crime},{outcome},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def records_state(db: Path) -> dict[int, tuple]:
    """The police.uk records of every file the warehouse accepted: their number and a fingerprint of their rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f"ATTACH '{records.path_of(db)}' AS kept (READ_ONLY)")
        rows = con.execute("SELECT file_id, count(*), sum(hash(r))::VARCHAR FROM kept.police_uk_record r "
                           "WHERE file_id IN (SELECT file_id FROM police_uk_month) GROUP BY ALL").fetchall()
        return {f: (n, h) for f, n, h in rows}
    finally:
        con.close()


def unaccepted_records(db: Path) -> int:
    """Records in the records file of files the warehouse has not accepted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f"ATTACH '{records.path_of(db)}' AS kept (READ_ONLY)")
        return con.execute("SELECT (SELECT count(*) FROM kept.police_uk_record WHERE file_id NOT IN "
                           "(SELECT file_id FROM police_uk_month)) + (SELECT count(*) FROM kept.police_uk_record_file "
                           "WHERE file_id NOT IN (SELECT file_id FROM police_uk_month))").fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def police_uk_stage(tmp_path_factory) -> tuple[Path, list[str], float, tuple, tuple]:
    """A warehouse with one police.uk file loaded; the file revising and extending it; the uninterrupted run's
    seconds, and the (warehouse, read copy, records) states before and after it."""
    tmp = tmp_path_factory.mktemp("police_uk_kills")
    first, second = tmp / "2017-11-first-street.csv", tmp / "2018-01-later-street.csv"
    write_street(first, ["2017-10", "2017-11"], 5_000, seed=1)
    write_street(second, ["2017-11", "2017-12", "2018-01"], 15_000, seed=2)
    start = tmp / "start"
    start.mkdir()
    run(["ingest", str(first)], start)
    command = ["ingest", str(second)]
    done = copy_folder(start, tmp / "done")
    seconds = run(command, done)
    states = []
    for folder in (start, done):
        db = folder / "wh.duckdb"
        states.append((db_state(db), db_state(warehouse.read_copy_path(db)), records_state(db)))
    assert states[0][0]["police_uk_month"] != states[1][0]["police_uk_month"]
    assert len(states[1][2]) == len(states[0][2]) + 1
    return start, command, seconds, states[0], states[1]


@pytest.mark.slow
def test_a_police_uk_load_killed_at_a_random_moment_leaves_warehouse_read_copy_and_records_whole(
        police_uk_stage, tmp_path):
    start, command, seconds, before, after = police_uk_stage
    rng = random.Random(SEED + 1)
    tally: dict[str, int] = {}
    for trial in range(POLICE_UK_TRIALS):
        folder = copy_folder(start, tmp_path / "trial")
        db = folder / "wh.duckdb"
        kill_at = rng.uniform(0.3, 1.0) * seconds
        killed = run_killed(command, folder, kill_at)
        where = f"trial {trial} (ingest killed at {kill_at:.2f} s of {seconds:.2f} s)"
        now = (db_state(db), db_state(warehouse.read_copy_path(db)), records_state(db))
        assert now[0] in (before[0], after[0]), f"{where}: the warehouse is half changed"
        landed = before if now[0] == before[0] else after
        assert now[2] == landed[2], f"{where}: the records the warehouse accepted are not whole"
        assert now[1] in (before[1], after[1]), f"{where}: the read copy is half changed"
        if landed is before:
            assert now[1] == before[1], f"{where}: the read copy is ahead of the warehouse"
        left = unaccepted_records(db)
        key = ("finished first" if not killed else
               f"warehouse {'before' if landed is before else 'after'}, "
               f"read copy {'before' if now[1] == before[1] else 'after'}"
               f"{', records left unaccepted' if left else ''}")
        tally[key] = tally.get(key, 0) + 1

        run(command, folder)  # again: it finishes the load, or finds it loaded
        final = (db_state(db), db_state(warehouse.read_copy_path(db)), records_state(db))
        assert final == after, f"{where}: the re-run does not end where a whole run does"
        assert unaccepted_records(db) == 0, f"{where}: records the warehouse never accepted are still kept"
        assert not list(folder.glob("*.pending")), f"{where}: the marker of unaccepted records is left"
    print(f"\n{POLICE_UK_TRIALS} police.uk loads killed; where the kills landed:")
    for key, n in sorted(tally.items()):
        print(f"  {n:3d}  {key}")
    assert sum(n for k, n in tally.items() if "finished" not in k) >= POLICE_UK_TRIALS // 2, tally
