"""A publication or withdrawal stopped at any point leaves the public side (its pointer and the static site built
from it) and the warehouse agreeing (both as before or both as after), or the next opening of the warehouse
finishes the switch before anything else."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import TODAY
from helpers import write_csv

from pipelines import faults, public, warehouse
from pipelines.audit import system_actor
from pipelines.ingest import ingest
from pipelines.publish.approval import approve
from pipelines.publish.snapshot import NothingToPublish, publish, withdraw

PCC = system_actor("pcc@example.org")
PUBLISH_POINTS = [p for p in faults.POINTS if p.startswith("publish_")]
WITHDRAW_POINTS = [p for p in faults.POINTS if p.startswith("withdraw_")]
HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


class Stopped(BaseException):
    """Stands in for SIGKILL in-process: nothing after the point runs, and no handler catches it as an error."""


def public_side(folder: Path) -> tuple[int | None, int, list[str]]:
    """What the public reads: the pointer's snapshot, how many withdrawal notices it carries, and its months;
    the static site in force is checked to be the one built from that very pointer and snapshot."""
    pointer = public.pointer(folder)
    snap = public.current_snapshot(folder)
    months = [] if snap is None else sorted(public.read("SELECT period FROM period", snapshot=snap)["period"])
    assert site_months(folder, pointer) == months, "the site shows other months than the pointer's snapshot"
    return pointer.get("version"), len(pointer.get("withdrawals") or []), months


def site_months(folder: Path, pointer: dict) -> list[str]:
    """The months of the static site in force (from its CSV download), after checking that its release is the
    one of exactly this pointer body and that it carries its notices."""
    digest = hashlib.sha256(json.dumps(pointer, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    assert Path(os.readlink(folder / "public")).name == f"{pointer.get('version') or 'none'}-{digest}"
    served = folder / "public" / "site"
    assert (served / "index.html").is_file()
    pages = "".join(p.read_text(encoding="utf-8") for p in served.glob("*.html"))
    assert all(w["reason"] in pages for w in pointer.get("withdrawals") or []), "a withdrawal notice is missing"
    download = served / "published-figures.csv"
    if not download.is_file():
        return []
    rows = csv.DictReader(io.StringIO(download.read_text(encoding="utf-8")))
    return sorted({r["period"] for r in rows if r["period_type"] == "month"})


def warehouse_side(db: Path) -> tuple[int | None, int, list[str]]:
    """What the warehouse says the public reads, read without opening it through pccdash (which would repair)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        version = con.execute("SELECT max(version) FROM snapshot WHERE version NOT IN "
                              "(SELECT version FROM snapshot_withdrawal)").fetchall()[0][0]
        withdrawn = con.execute("SELECT count(*) FROM snapshot_withdrawal").fetchall()[0][0]
        months = [m for (m,) in con.execute("SELECT strftime(period, '%Y-%m') FROM period_status "
                                            "WHERE status = 'published' ORDER BY 1").fetchall()]
        return version, withdrawn, months
    finally:
        con.close()


def unfinished(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM pointer_switch WHERE done_at IS NULL").fetchall()[0][0]
    finally:
        con.close()


def finish_events(db: Path) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT identity, channel, detail FROM audit_event WHERE action = 'finish_switch' "
                           "ORDER BY event_id").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def starts(tmp_path_factory, command_line_reference) -> dict[str, Path]:
    """Two saved folders (warehouse + published folder): June 2015 public and July approved ("publish"), and
    June and July public in snapshot 2 ("withdraw")."""
    root = tmp_path_factory.mktemp("publish_recovery")
    rows = "".join(f"{p},{d},cse_arrests,{v}\n" for p in ("2015-06", "2015-07")
                   for d, v in zip(DISTRICTS, (10, 20, 30, 40), strict=True))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PCCDASH_TODAY", TODAY.isoformat())
        mp.setenv("PCCDASH_REFERENCE_DIR", str(command_line_reference))
        first = root / "publish"
        with warehouse.connect(first / "wh.duckdb") as con:
            assert ingest(con, [write_csv(root / "r.csv", HEADER + rows)]).ok
            approve(con, ["2015-06"], PCC)
            publish(con, PCC, first / "published")
            approve(con, ["2015-07"], PCC)
        second = root / "withdraw"
        shutil.copytree(first, second)
        with warehouse.connect(second / "wh.duckdb") as con:
            publish(con, PCC, second / "published")
    return {"publish": first, "withdraw": second}


def copy_of(start: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "trial"
    shutil.copytree(start, folder, symlinks=True)  # the published folder's links kept as links
    return folder / "wh.duckdb", folder / "published"


def stop_at(monkeypatch, name: str) -> None:
    def point(reached: str) -> None:
        if reached == name:
            raise Stopped(name)
    monkeypatch.setattr(faults, "point", point)


BEFORE_PUBLISH = (1, 0, ["2015-06"])
AFTER_PUBLISH = (2, 0, ["2015-06", "2015-07"])
AFTER_WITHDRAW = (1, 1, ["2015-06"])


@pytest.mark.parametrize("point", PUBLISH_POINTS)
def test_a_publication_stopped_at_any_point_agrees_with_the_public_side_once_the_warehouse_is_opened(
        starts, tmp_path, monkeypatch, point):
    db, folder = copy_of(starts["publish"], tmp_path)
    stop_at(monkeypatch, point)
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        publish(con, PCC, folder)
    monkeypatch.setattr(faults, "point", lambda name: None)

    recorded = warehouse_side(db)
    assert recorded in (BEFORE_PUBLISH, AFTER_PUBLISH), f"{point}: the warehouse is half changed"
    assert public_side(folder) in (BEFORE_PUBLISH, AFTER_PUBLISH), f"{point}: the public side is half changed"
    if public_side(folder) != recorded:
        # only ever behind, never ahead: the pointer is switched after the warehouse records the publication
        assert (public_side(folder), recorded) == (BEFORE_PUBLISH, AFTER_PUBLISH), point
        assert unfinished(db) == 1
    with warehouse.connect(db):
        on_opening = public_side(folder)
    assert on_opening == warehouse_side(db), f"{point}: opening the warehouse did not finish the switch"
    assert unfinished(db) == 0
    if recorded == AFTER_PUBLISH and point != "publish_after_switch":
        assert [(who, how) for who, how, _ in finish_events(db)] == [("pccdash", "system")]
        assert "is switched now" in finish_events(db)[0][2]

    if recorded == BEFORE_PUBLISH:  # the run did not count: running it again publishes
        with warehouse.connect(db) as con:
            publish(con, PCC, folder)
    else:  # the publication stands: running it again publishes nothing more
        with pytest.raises(NothingToPublish), warehouse.connect(db) as con:
            publish(con, PCC, folder)
    assert public_side(folder)[1:] == warehouse_side(db)[1:] == AFTER_PUBLISH[1:]
    assert public_side(folder)[0] == warehouse_side(db)[0]


@pytest.mark.parametrize("point", WITHDRAW_POINTS)
def test_a_withdrawal_stopped_at_any_point_agrees_with_the_public_side_once_the_warehouse_is_opened(
        starts, tmp_path, monkeypatch, point):
    db, folder = copy_of(starts["withdraw"], tmp_path)
    stop_at(monkeypatch, point)
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        withdraw(con, PCC, "July was double counted", folder)
    monkeypatch.setattr(faults, "point", lambda name: None)

    recorded = warehouse_side(db)
    assert recorded in (AFTER_PUBLISH, AFTER_WITHDRAW), f"{point}: the warehouse is half changed"
    assert public_side(folder) in (AFTER_PUBLISH, AFTER_WITHDRAW), f"{point}: the public side is half changed"
    with warehouse.connect(db):
        on_opening = public_side(folder)
    assert on_opening == warehouse_side(db), f"{point}: opening the warehouse did not finish the switch"
    assert unfinished(db) == 0
    if recorded == AFTER_PUBLISH:
        with warehouse.connect(db) as con:
            withdraw(con, PCC, "July was double counted", folder)
    assert public_side(folder) == warehouse_side(db) == AFTER_WITHDRAW
    notice = public.withdrawals(folder)
    assert list(notice["reason"]) == ["July was double counted"]


def test_a_read_only_command_reads_the_switch_finished(starts, tmp_path, monkeypatch, capsys):
    db, folder = copy_of(starts["publish"], tmp_path)
    stop_at(monkeypatch, "publish_after_record")
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        publish(con, PCC, folder)
    monkeypatch.setattr(faults, "point", lambda name: None)
    assert public_side(folder) == BEFORE_PUBLISH and warehouse_side(db) == AFTER_PUBLISH

    with warehouse.connect_read_only(db) as con:
        assert public_side(folder) == AFTER_PUBLISH, "the public side is switched before the command reads"
        assert con.execute("SELECT count(*) FROM pointer_switch WHERE done_at IS NULL").fetchall() == [(0,)]
    note = capsys.readouterr().err
    assert "Note: The publication of snapshot 2 was recorded" in note and "it is switched now" in note


def test_a_pointer_changed_by_something_else_since_is_left_as_it_is_and_the_trail_says_so(
        starts, tmp_path, monkeypatch):
    db, folder = copy_of(starts["publish"], tmp_path)
    stop_at(monkeypatch, "publish_after_record")
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        publish(con, PCC, folder)
    monkeypatch.setattr(faults, "point", lambda name: None)
    by_hand = {"version": None, "file": None, "withdrawals": []}
    (folder / public.POINTER).write_text(json.dumps(by_hand), encoding="utf-8")

    with warehouse.connect(db):
        pass
    assert public.pointer(folder) == by_hand
    assert unfinished(db) == 0
    assert "changed by something else" in finish_events(db)[0][2]


def test_a_finished_publication_or_withdrawal_leaves_no_switch_unfinished(starts, tmp_path):
    db, folder = copy_of(starts["withdraw"], tmp_path)
    with warehouse.connect(db) as con:
        withdraw(con, PCC, "July was double counted", folder)
        switches = con.execute("SELECT action, version, done_at IS NOT NULL FROM pointer_switch "
                               "ORDER BY switch_id").fetchall()
    assert switches == [("publish", 1, True), ("publish", 2, True), ("withdraw", 2, True)]
    assert finish_events(db) == []
    assert public_side(folder) == warehouse_side(db) == AFTER_WITHDRAW


def test_the_stopped_command_run_again_finishes_its_switch_and_does_nothing_more(starts, tmp_path, monkeypatch):
    """Regression guard: opening the warehouse finishes the switch, so the command run again must not then
    withdraw the snapshot before as well, nor refuse a publication that is in fact done."""
    for name, stopped_at in (("publish", "publish_before_switch"), ("withdraw", "withdraw_before_switch")):
        db, folder = copy_of(starts[name], tmp_path / name)
        stop_at(monkeypatch, stopped_at)
        with pytest.raises(Stopped), warehouse.connect(db) as con:
            publish(con, PCC, folder) if name == "publish" else withdraw(con, PCC, "July was wrong", folder)
        monkeypatch.setattr(faults, "point", lambda name: None)
        with warehouse.connect(db) as con:
            if name == "publish":
                assert publish(con, PCC, folder) == (2, folder / "snapshot-0002.duckdb")
            else:
                done = withdraw(con, PCC, "July was wrong", folder)
                assert (done.version, done.restored) == (2, 1)
        assert public_side(folder) == warehouse_side(db) == (AFTER_PUBLISH if name == "publish" else AFTER_WITHDRAW)
