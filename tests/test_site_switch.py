"""`pccdash publish` and withdrawals write the static public site beside the snapshot and switch it in with the
pointer in one rename: what the pointer says and what the site shows change together, or not at all."""

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

from pipelines import faults, pointer_switch, public, warehouse
from pipelines.audit import system_actor
from pipelines.ingest import ingest
from pipelines.publish import site
from pipelines.publish.approval import approve
from pipelines.publish.snapshot import publish, withdraw

PCC = system_actor("pcc@example.org")
HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
DOWNLOADS = ("published-figures.csv", "published-figures.json", "published-figures.xlsx")


class Stopped(BaseException):
    """Stands in for SIGKILL in-process: nothing after the point runs, and no handler catches it as an error."""


def stop_at(monkeypatch, name: str) -> None:
    def point(reached: str) -> None:
        if reached == name:
            raise Stopped(name)
    monkeypatch.setattr(faults, "point", point)


def no_stops(monkeypatch) -> None:
    monkeypatch.setattr(faults, "point", lambda name: None)


def release_of(body: dict) -> str:
    """The release folder a pointer body is published in, worked out here independently of the code."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    return f"{body['version'] if isinstance(body.get('version'), int) else 'none'}-{digest}"


def csv_months(site_dir: Path) -> list[str]:
    """The months the site's CSV download carries (none when the site has no download)."""
    path = site_dir / "published-figures.csv"
    if not path.is_file():
        return []
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return sorted({r["period"] for r in rows if r["period_type"] == "month"})


def snapshot_months(folder: Path) -> list[str]:
    snap = public.current_snapshot(folder)
    return [] if snap is None else sorted(public.read("SELECT period FROM period", snapshot=snap)["period"])


def public_side(folder: Path) -> tuple[int | None, list[str], list[str]]:
    """What the public reads, checked whole: the pointer's version, the snapshot's months, and the site's
    months; the site in force is the release of exactly the body the pointer reads."""
    body = public.pointer(folder)
    link = folder / "public"
    if not body:
        assert not link.exists() or json.loads((link / "current.json").read_text()) == {}, "a site without pointer"
        return None, [], []
    assert link.is_symlink() and Path(os.readlink(link)).name == release_of(body), "the site is not the pointer's"
    assert json.loads((link / "current.json").read_text(encoding="utf-8")) == body
    assert (link / "site" / "index.html").is_file()
    return body.get("version"), snapshot_months(folder), csv_months(link / "site")


def releases(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "releases").iterdir())


def unfinished(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM pointer_switch WHERE done_at IS NULL").fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def start(tmp_path_factory, command_line_reference) -> Path:
    """A saved folder (warehouse + published folder): June 2015 public in snapshot 1, July approved."""
    root = tmp_path_factory.mktemp("site_switch")
    rows = "".join(f"{p},{d},cse_arrests,{v}\n" for p in ("2015-06", "2015-07")
                   for d, v in zip(DISTRICTS, (10, 20, 30, 40), strict=True))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PCCDASH_TODAY", TODAY.isoformat())
        mp.setenv("PCCDASH_REFERENCE_DIR", str(command_line_reference))
        with warehouse.connect(root / "start" / "wh.duckdb") as con:
            assert ingest(con, [write_csv(root / "r.csv", HEADER + rows)]).ok
            approve(con, ["2015-06"], PCC)
            publish(con, PCC, root / "start" / "published")
            approve(con, ["2015-07"], PCC)
    return root / "start"


@pytest.fixture
def trial(start, tmp_path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)  # the log of a fault provoked on purpose stays in this test's folder
    shutil.copytree(start, tmp_path / "trial", symlinks=True)
    return tmp_path / "trial" / "wh.duckdb", tmp_path / "trial" / "published"


BEFORE = (1, ["2015-06"], ["2015-06"])
AFTER = (2, ["2015-06", "2015-07"], ["2015-06", "2015-07"])


def test_publish_writes_the_site_with_its_downloads_and_the_pointer_reads_the_release_in_force(trial):
    db, folder = trial
    assert public_side(folder) == BEFORE
    first = public.pointer(folder)
    with warehouse.connect(db) as con:
        publish(con, PCC, folder)
    assert public_side(folder) == AFTER
    assert (folder / "current.json").is_symlink() and os.readlink(folder / "current.json") == "public/current.json"
    assert public.pointer(folder) == json.loads((folder / "public" / "current.json").read_text(encoding="utf-8"))
    served = folder / "public" / "site"
    for name in ("index.html", "site.css", *DOWNLOADS):
        assert (served / name).is_file() and (served / name).stat().st_size > 0, name
    assert (served / "index.html").stat().st_mode & 0o444 == 0o444, "a web server must be able to read the site"
    figures = json.loads((served / "published-figures.json").read_text(encoding="utf-8"))
    assert "2015-07" in json.dumps(figures)
    assert releases(folder) == sorted([release_of(first), release_of(public.pointer(folder))])
    assert unfinished(db) == 0


def test_a_withdrawal_rebuilds_the_site_without_the_withdrawn_months(trial):
    db, folder = trial
    with warehouse.connect(db) as con:
        publish(con, PCC, folder)
        withdraw(con, PCC, "July was double counted", folder)
    version, months, site_months = public_side(folder)
    assert (version, months, site_months) == (1, ["2015-06"], ["2015-06"])
    assert "July was double counted" in "".join(p.read_text(encoding="utf-8")
                                                for p in (folder / "public" / "site").glob("*.html"))
    with warehouse.connect(db) as con:
        withdraw(con, PCC, "June was wrong too", folder)
    body = public.pointer(folder)
    assert body["version"] is None and len(body["withdrawals"]) == 2
    assert public_side(folder) == (None, [], [])
    assert not (folder / "public" / "site" / "published-figures.csv").exists(), "nothing published: no download"
    assert (folder / "public" / "site" / "index.html").is_file(), "the site still says that nothing is published"


def test_a_stop_before_the_switch_leaves_the_old_site_and_pointer_and_the_next_command_finishes_both(
        trial, monkeypatch):
    db, folder = trial
    stop_at(monkeypatch, "publish_before_switch")
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        publish(con, PCC, folder)
    no_stops(monkeypatch)
    assert public_side(folder) == BEFORE
    assert unfinished(db) == 1
    assert any(r.startswith("2-") for r in releases(folder)), "the new release was built whole before the stop"
    assert not list(folder.glob(".public.*")), "no link is left half made"
    with warehouse.connect(db):
        assert public_side(folder) == AFTER
    assert unfinished(db) == 0


def test_a_stop_after_the_switch_has_switched_both(trial, monkeypatch):
    db, folder = trial
    stop_at(monkeypatch, "publish_after_switch")
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        publish(con, PCC, folder)
    no_stops(monkeypatch)
    assert public_side(folder) == AFTER
    with warehouse.connect(db):
        pass
    assert unfinished(db) == 0 and public_side(folder) == AFTER


def test_a_release_left_half_built_by_a_stop_is_removed_and_built_again(trial, monkeypatch):
    db, folder = trial
    stop_at(monkeypatch, "release_before_rename")
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        publish(con, PCC, folder)
    no_stops(monkeypatch)
    left = [p for p in (folder / "releases").iterdir() if p.name.startswith(".")]
    assert len(left) == 1 and left[0].name.endswith(".tmp"), "the stop leaves the temporary folder"
    (left[0] / "site" / "index.html").write_text("half written", encoding="utf-8")
    assert public_side(folder) == BEFORE and unfinished(db) == 1
    with warehouse.connect(db):
        assert public_side(folder) == AFTER
    assert not [p for p in (folder / "releases").iterdir() if p.name.startswith(".")]
    assert "half written" not in (folder / "public" / "site" / "index.html").read_text(encoding="utf-8")


def as_before_the_site_was_published(folder: Path) -> dict:
    """Turn a published folder into one as written before the site was: a plain current.json, no releases."""
    body = public.pointer(folder)
    (folder / "current.json").unlink()
    (folder / "current.json").write_text(json.dumps(body), encoding="utf-8")
    (folder / "public").unlink()
    shutil.rmtree(folder / "releases")
    return body


def test_a_folder_with_a_plain_pointer_file_is_converted_at_its_next_switch(trial, monkeypatch):
    db, folder = trial
    body = as_before_the_site_was_published(folder)
    assert public.pointer(folder) == body and snapshot_months(folder) == ["2015-06"]

    stop_at(monkeypatch, "publish_before_switch")  # converted first, without changing what the pointer says
    with pytest.raises(Stopped), warehouse.connect(db) as con:
        publish(con, PCC, folder)
    no_stops(monkeypatch)
    assert (folder / "current.json").is_symlink()
    assert public.pointer(folder) == body and public_side(folder) == BEFORE
    with warehouse.connect(db):
        assert public_side(folder) == AFTER
    assert releases(folder) == sorted([release_of(body), release_of(public.pointer(folder))])


def test_a_copy_of_the_folder_that_followed_its_links_still_switches(trial, tmp_path):
    db, folder = trial
    copied = tmp_path / "copied"
    shutil.copytree(folder, copied)  # links followed: public is a folder, current.json a file
    assert not (copied / "public").is_symlink() and not (copied / "current.json").is_symlink()
    with warehouse.connect(db) as con:
        publish(con, PCC, copied)
    assert public_side(copied) == AFTER
    assert not [p for p in (copied / "releases").iterdir() if p.name.startswith(".")]


@pytest.mark.page_fault
def test_a_site_that_cannot_be_built_switches_nothing_and_says_why(trial, monkeypatch, capsys):
    db, folder = trial
    working = site.build_site
    site_before = (folder / "public" / "site" / "index.html").read_text(encoding="utf-8")

    def broken(view, out_dir):
        (Path(out_dir) / "index.html").write_text("part of a site", encoding="utf-8")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(site, "build_site", broken)
    with pytest.raises(pointer_switch.SiteNotBuilt) as raised, warehouse.connect(db) as con:
        publish(con, PCC, folder)
    said = str(raised.value)
    assert "could not be built" in said and "no space left on device" in said
    assert "still shows what it showed before" in said and "pccdash.log" in said
    assert public_side(folder) == BEFORE
    assert (folder / "public" / "site" / "index.html").read_text(encoding="utf-8") == site_before
    assert not [p for p in (folder / "releases").iterdir() if p.name.startswith("2-") or p.name.startswith(".")]
    assert unfinished(db) == 1, "the recorded switch stays pending"

    capsys.readouterr()
    with warehouse.connect(db):  # still failing: the next command says so and leaves the switch pending
        assert public_side(folder) == BEFORE
    assert unfinished(db) == 1
    note = capsys.readouterr().err
    assert "Note: The publication of snapshot 2 was recorded but could not be switched yet" in note

    monkeypatch.setattr(site, "build_site", working)
    with warehouse.connect(db):
        assert public_side(folder) == AFTER
    assert unfinished(db) == 0


def test_old_releases_are_pruned_to_the_one_in_force_and_the_one_before(trial):
    db, folder = trial
    seen = [release_of(public.pointer(folder))]
    with warehouse.connect(db) as con:
        publish(con, PCC, folder)
        seen.append(release_of(public.pointer(folder)))
        withdraw(con, PCC, "July was double counted", folder)
        seen.append(release_of(public.pointer(folder)))
        assert releases(folder) == sorted(seen[-2:])
        withdraw(con, PCC, "June was wrong too", folder)
        seen.append(release_of(public.pointer(folder)))
    assert len(set(seen)) == 4
    assert releases(folder) == sorted(seen[-2:])
    assert Path(os.readlink(folder / "public")).name == seen[-1]
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_before_any_publication_the_folder_reads_as_nothing_published(tmp_path):
    folder = tmp_path / "published"
    folder.mkdir()
    assert public.pointer(folder) == {} and public.current_snapshot(folder) is None
    os.symlink("public/current.json", folder / "current.json")  # made by the first switch, before `public`
    assert public.pointer(folder) == {} and public.current_snapshot(folder) is None
