"""`pccdash backup` copies everything an office holds at one moment, while other commands and the dashboards go on;
`pccdash restore` puts it back on another machine (here: fresh paths) with nothing lost: figures, audit trail,
flags, meetings, packs, the published site (the snapshot in force and those before it), the public's questions and
each uploaded return, byte for byte. A backup taken while a load runs in another process holds the warehouse before
or after the load; a backup stopped part way, cut short, damaged or made by a newer pccdash is refused by restore."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from conftest import TODAY
from dashboard_helpers import claims_of
from helpers import ROOT, accepted_files, fingerprint, run_pccdash

from pipelines import filestore, warehouse
from pipelines.backup import MANIFEST, Places, _size_words, backup, restore
from pipelines.cli import main

PCC, ANALYST = "pcc@example.org", "analyst@example.org"
UPLOADED = (b"period,district,measure,value\n2026-05,Barnsley,cse_arrests,9\n2026-05,Doncaster,cse_arrests,11\n"
            b"2026-05,Rotherham,cse_arrests,13\n2026-05,Sheffield,cse_arrests,15\n")


def places_in(folder: Path) -> dict[str, str]:
    return {"PCCDASH_DB": str(folder / "pccdash.duckdb"), "PCCDASH_PUBLISHED_DIR": str(folder / "published"),
            "PCCDASH_INBOX_DIR": str(folder / "inbox")}


def cli(env: dict[str, str], *args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """An office's machine: the demo, then a flag, a meeting and its pack, a second publication, a return uploaded
    in the app, questions from the public (one imported, one waiting)."""
    from pipelines import inbox
    from pipelines.ingest.preview import accept, preview

    folder = tmp_path_factory.mktemp("office")
    env = {**places_in(folder), "PCCDASH_TODAY": TODAY.isoformat()}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        cli(env, "demo", "--no-serve")
        cli(env, "flags", "raise", "--month", "2015-07", "--district", "Rotherham", "--measure", "cse_charges",
            "--reason", "Looks low", "--as", ANALYST)
        cli(env, "meetings", "add", "2015-08-20", "--as", ANALYST)
        cli(env, "pack", "--meeting", "2015-08-20", "--out", folder / "packs", "--as", ANALYST)
        cli(env, "approve", "2015-08", "--as", PCC)
        cli(env, "publish", "--yes", "--as", PCC)
        with warehouse.connect(env["PCCDASH_DB"]) as con:
            accept(con, claims_of(ANALYST),
                   preview(con, [("2026-05-arrests.csv", UPLOADED)]))
        inbox.submit("How many arrests in Rotherham?", "A. Person", "a@example.com")
        cli(env, "inbox", "import", "--as", PCC)
        inbox.submit("And in Sheffield?")
    return folder


def what_it_holds(env: dict[str, str]) -> dict[str, str]:
    """What the commands say of the office: every figure and its history, the audit trail, flags, meetings, packs."""
    trail = cli(env, "audit", "--limit", "0", "--format", "csv").splitlines()
    return {
        "figures": cli(env, "figures", "--history", "--format", "csv"),
        "audit": "\n".join(line for line in trail if "restored the warehouse" not in line),
        "flags": cli(env, "flags", "--status", "all"),
        "meetings": cli(env, "meetings") + cli(env, "meetings", "show", "1"),
        "packs": cli(env, "packs"),
        "periods": cli(env, "periods", "--months", "0"),
        "calendar": cli(env, "calendar"),
        "inbox": cli(env, "inbox", "list"),
    }


def published_files(folder: Path) -> dict[str, bytes | str]:
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


@pytest.mark.parametrize("dest_name", ["backup", "backup.tar.gz"])
def test_restored_on_fresh_paths_everything_works_as_before(office, tmp_path, monkeypatch, dest_name):
    from pipelines.lineage import lineage
    from pipelines.public import current_snapshot, pointer

    before = places_in(office)
    for k, v in before.items():
        monkeypatch.setenv(k, v)
    then = what_it_holds(before)
    dest = tmp_path / dest_name
    said = cli(before, "backup", dest)
    assert f'Backup written to "{dest}"' in said and "2 published snapshots" in said
    assert "were not kept" not in said  # every return, loaded by command or uploaded, is in the file store
    # when, in UK time naming the clock, as a person reads a time; an archive's own size beside what it holds
    assert re.search(r"as it stood at \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d:\d\d (GMT|BST) ", said), said
    assert " UTC" not in said
    assert (f", in an archive of {_size_words(dest.stat().st_size)})" in said) == dest_name.endswith(".tar.gz")

    after = places_in(tmp_path / "elsewhere")
    for k, v in {**after, "PCCDASH_REFERENCE_DIR": str(tmp_path / "elsewhere" / "reference")}.items():
        monkeypatch.setenv(k, v)
    told = cli(after, "restore", dest)
    assert "snapshot 2 in force" in told and "2 snapshots" in told and "1 flag, 1 meeting, 1 briefing pack," in told
    now = what_it_holds(after)
    for key in then:
        assert now[key] == then[key], key
    new_db = Path(after["PCCDASH_DB"])
    assert warehouse.read_copy_path(new_db).is_file()  # the dashboards' copy is made again
    # the published site: pointer, site and every snapshot, the current one and those before, byte for byte
    old_pub, new_pub = Path(before["PCCDASH_PUBLISHED_DIR"]), Path(after["PCCDASH_PUBLISHED_DIR"])
    assert published_files(new_pub) == published_files(old_pub)
    assert pointer(new_pub) == pointer(old_pub) and current_snapshot(new_pub).name == "snapshot-0002.duckdb"
    assert (new_pub / "current.json").read_text() == (old_pub / "current.json").read_text()
    assert (new_pub / "public" / "site" / "index.html").is_file()
    # a pack produced, written back out unchanged
    out = tmp_path / "pack_out"
    cli(after, "packs", "--get", "1", "--format", "pdf", "--out", out)
    [pdf] = out.glob("*.pdf")
    assert pdf.read_bytes() == (office / "packs" / pdf.name).read_bytes()
    # a figure traced to its file, and the uploaded file itself from the file store, as received
    with warehouse.connect_read_only(new_db) as con:
        traced = lineage(con, "cse_arrests", "Rotherham", "2026-05")
        [(digest,)] = con.execute("SELECT u.sha256 FROM file_upload u JOIN file_registry f USING (file_id) "
                                  "WHERE f.file_id = ?", [traced.sources[0].file_id]).fetchall()
    with warehouse.connect_read_only(before["PCCDASH_DB"]) as con:
        assert lineage(con, "cse_arrests", "Rotherham", "2026-05").sources == traced.sources
    assert traced.sources[0].where == 'file "2026-05-arrests.csv", row 4, column value'
    assert filestore.get(new_db, digest) == UPLOADED
    # and a return loaded from the command line, as received, wherever the office's own copy has gone
    with warehouse.connect_read_only(new_db) as con:
        [(sha, path)] = con.execute("SELECT sha256, path FROM file_registry WHERE name = '2014-15-cse-return.xlsx'"
                                    ).fetchall()
    assert filestore.get(new_db, sha) == Path(path).read_bytes()
    # the public's questions: the imported one moved aside as before, the waiting one still waiting
    assert sorted(p.relative_to(after["PCCDASH_INBOX_DIR"]) for p in Path(after["PCCDASH_INBOX_DIR"]).rglob("*.json")) \
        == sorted(p.relative_to(before["PCCDASH_INBOX_DIR"]) for p in Path(before["PCCDASH_INBOX_DIR"]).rglob("*.json"))
    # the office's own reference files (PCCDASH_REFERENCE_DIR is set here) came too, once told where
    assert "reference files restored to" in told
    # the restore is on the restored warehouse's audit trail
    assert "restored the warehouse" in cli(after, "audit", "--action", "restore")
    # the next month's work goes on there: a write, and the public side's next publication
    cli(after, "approve", "2015-09", "--as", PCC)
    cli(after, "publish", "--yes", "--as", PCC, "--after-snapshot", "2")
    assert current_snapshot(new_pub).name == "snapshot-0003.duckdb"
    assert current_snapshot(old_pub).name == "snapshot-0002.duckdb"  # the office's own folder untouched


def test_restore_refuses_to_write_over_a_warehouse_unless_told(office, tmp_path, monkeypatch):
    before = places_in(office)
    dest = tmp_path / "b"
    cli(before, "backup", dest)
    target = places_in(tmp_path / "there")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(tmp_path / "ref"))
    cli(target, "restore", dest)
    with warehouse.connect(target["PCCDASH_DB"]) as con:  # a change made since, that a second restore would undo
        con.execute("CREATE TABLE kept_aside (x INTEGER)")
    result = CliRunner().invoke(main, ["restore", str(dest)], env=target)
    assert result.exit_code == 1
    assert (f'Nothing was restored: "{target["PCCDASH_PUBLISHED_DIR"]}", "{target["PCCDASH_DB"]}" already exist. '
            "Restore into new paths (--db, --published, --inbox), or give --replace") in result.output
    with warehouse.connect_read_only(target["PCCDASH_DB"]) as con:
        assert con.execute("SELECT count(*) FROM kept_aside").fetchall() == [(0,)]
    told = cli(target, "restore", dest, "--replace")
    assert "was moved to" in told
    [aside] = (tmp_path / "there").glob("pccdash.replaced-*")
    with duckdb.connect(str(aside / "pccdash.duckdb"), read_only=True) as con:  # nothing lost: it is set aside
        assert con.execute("SELECT count(*) FROM kept_aside").fetchall() == [(0,)]
    with warehouse.connect_read_only(target["PCCDASH_DB"]) as con:
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'kept_aside'").fetchall()[0][0]


def test_restore_refuses_what_is_not_a_whole_backup_and_writes_nothing(office, tmp_path):
    before = places_in(office)
    folder, archive = tmp_path / "b", tmp_path / "b.tar"
    cli(before, "backup", folder)
    cli(before, "backup", archive)
    target = places_in(tmp_path / "there")

    def refused(src: Path) -> str:
        result = CliRunner().invoke(main, ["restore", str(src)], env=target)
        assert result.exit_code == 1, result.output
        assert not (tmp_path / "there").exists() or not any((tmp_path / "there").iterdir())
        assert "Traceback" not in result.output
        return " ".join(result.output.split())

    assert "is not a pccdash backup that can be restored: it has no pccdash-backup.json" in refused(office)
    assert "it is neither a backup folder nor a .tar or .tar.gz archive" in refused(Path(before["PCCDASH_DB"]))
    assert 'There is no backup at' in refused(tmp_path / "nowhere")
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "is not a complete backup" in refused(cut)
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged, symlinks=True)
    snap = damaged / "published" / "snapshot-0001.duckdb"
    snap.write_bytes(snap.read_bytes()[:-10] + b"0123456789")
    said = refused(damaged)
    assert '"published/snapshot-0001.duckdb" does not match what the backup recorded of it' in said
    assert "Restore from another backup, or take the backup again" in said


@pytest.mark.parametrize(("key", "value", "words"), [
    ("schema_version", 10_000, "holds a warehouse at schema version 10000, newer than this pccdash"),
    ("format", 2, "was made by pccdash 9.9, whose backups this version"),
])
def test_a_backup_from_a_newer_pccdash_is_refused_with_what_to_do(office, tmp_path, key, value, words):
    folder = tmp_path / "b"
    cli(places_in(office), "backup", folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest.update({key: value, "pccdash_version": "9.9"})
    (folder / MANIFEST).write_text(json.dumps(manifest))
    result = CliRunner().invoke(main, ["restore", str(folder)], env=places_in(tmp_path / "there"))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and words in said
    assert "Nothing was restored. Install that version of pccdash (or a later one) here, then restore again." in said
    assert not (tmp_path / "there").exists()


@pytest.mark.parametrize(("change", "why"), [
    (lambda m: m["files"].insert(0, "warehouse/warehouse.duckdb"),
     'its pccdash-backup.json does not give "files" as a list of files, each with its path'),
    (lambda m: m["files"].insert(0, {"path": None}),
     'its pccdash-backup.json does not give "files" as a list of files, each with its path'),
    (lambda m: m.pop("places"), 'its pccdash-backup.json does not give "places" as the folders it was taken from'),
    (lambda m: m.pop("taken_at"), 'its pccdash-backup.json does not give "taken_at" as when it was taken'),
    # a format written as text was refused as made by a later pccdash
    (lambda m: m.update(format="1"), 'its pccdash-backup.json gives its format as "1", not a number'),
    # a path in the record was printed with its control characters, which drove the terminal
    (lambda m: m["files"].insert(0, {"path": "../\x1b[2Jaway"}),
     'its record names a file outside it ("../\\x1b[2Jaway")'),
])
def test_a_backup_record_restore_cannot_read_is_refused_in_words_before_anything_is_written(office, tmp_path, change,
                                                                                           why):
    folder = tmp_path / "b"
    cli(places_in(office), "backup", folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    (folder / MANIFEST).write_text(json.dumps(manifest))
    result = CliRunner().invoke(main, ["restore", str(folder)], env=places_in(tmp_path / "there"))
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert f"is not a pccdash backup that can be restored: {why}. Nothing was restored." in said
    assert "\x1b" not in result.output and "made by pccdash" not in said
    assert not (tmp_path / "there").exists() or not any((tmp_path / "there").iterdir())


def test_a_destination_that_cannot_be_written_or_already_exists_is_said(office, tmp_path, monkeypatch):
    env = places_in(office)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["backup", str(blocker / "backup.tar.gz")], env=env)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and f'The backup cannot be written to "{blocker / "backup.tar.gz"}"' in said
    assert f'"{blocker}" is a file, not a folder' in said and "Traceback" not in result.output
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    result = CliRunner().invoke(main, ["backup", str(tmp_path / "b")], env=env)
    assert result.exit_code == 1 and "(permission denied), so nothing was written" in " ".join(result.output.split())
    monkeypatch.undo()
    result = CliRunner().invoke(main, ["backup", str(blocker)], env=env)
    assert result.exit_code == 1 and "already exists, and a backup is never written over anything" in result.output
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("name", ["pccdash-2026-11-21.zip", "pccdash.ZIP", "pccdash.7z"])
def test_a_destination_named_as_an_archive_not_offered_is_refused_and_nothing_written(office, tmp_path, name):
    """A DEST ending .zip was written as a folder of that name, which a person then took for a zip archive."""
    result = CliRunner().invoke(main, ["backup", str(tmp_path / name)], env=places_in(office))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in result.output
    kind = name.rsplit(".", 1)[-1].lower()
    assert f'"{tmp_path / name}" names a {kind} archive, which a backup is not written as' in said
    assert "Give a name ending .tar.gz (one file to copy off the machine), or a folder's name." in said
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("point", "dest_name"), [("backup_before_manifest", "b"),
                                                  ("backup_archive_before_manifest", "b.tar")])
def test_a_backup_killed_part_way_leaves_nothing_restore_accepts(office, tmp_path, point, dest_name):
    dest = tmp_path / dest_name
    killed = run_pccdash("backup", dest, env={**places_in(office), "PCCDASH_FAILPOINT": point})
    assert killed.returncode == -9, killed.stderr
    assert not dest.exists()
    partials = sorted(tmp_path.glob(f".{dest_name}.partial-*"))  # hidden beside it; what it is says its name
    assert len(partials) == (2 if dest_name.endswith(".tar") else 1)  # an archive's, and the folder it was made of
    for src in (*partials, dest):
        result = CliRunner().invoke(main, ["restore", str(src)], env=places_in(tmp_path / "there"))
        assert result.exit_code == 1
        assert "not a complete backup" in result.output or "There is no backup at" in result.output
    assert not (tmp_path / "there").exists() or not any((tmp_path / "there").iterdir())
    for i, partial in enumerate(partials):  # even under an ordinary name, it is refused
        renamed = tmp_path / (f"renamed{i}.tar" if partial.is_file() else f"renamed{i}")
        os.replace(partial, renamed)
        result = CliRunner().invoke(main, ["restore", str(renamed)], env=places_in(tmp_path / "there"))
        assert result.exit_code == 1 and "Nothing was restored" in result.output, result.output


def _big_return(path: Path) -> Path:
    lines = ["period,district,measure,value"]
    measures = ("cse_arrests", "cse_charges", "cse_live_investigations", "cse_referrals", "cawn_issued")
    for i in range(60):
        month = f"{2000 + i // 12}-{i % 12 + 1:02d}"
        lines += [f"{month},{d},{m},{20 + (i * 7 + len(d) + len(m)) % 9}" for d in
                  ("Barnsley", "Doncaster", "Rotherham", "Sheffield") for m in measures]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_backup_taken_while_a_load_runs_holds_the_warehouse_before_or_after_it(tmp_path):
    start = tmp_path / "start"
    start.mkdir()
    big = _big_return(tmp_path / "2000-2004-cse-return.csv")
    seen = set()
    for trial, delay in enumerate((0.0, 0.4, 0.8, 1.6)):
        here = tmp_path / f"trial{trial}"
        env = places_in(here)
        db = Path(env["PCCDASH_DB"])
        cli(env, "init")
        states = {"before": (accepted_files(db), fingerprint(db))}
        load = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(big)], cwd=ROOT,
                                env={**os.environ, **env, "PCCDASH_TODAY": TODAY.isoformat()},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        dest = here / "backup"
        backup(dest, Places.here(db, env["PCCDASH_PUBLISHED_DIR"], env["PCCDASH_INBOX_DIR"]))
        assert load.wait(timeout=120) == 0, load.stderr.read()
        states["after"] = (accepted_files(db), fingerprint(db))
        assert states["before"] != states["after"]
        again = places_in(here / "restored")
        restore(dest, Places.here(again["PCCDASH_DB"], again["PCCDASH_PUBLISHED_DIR"], again["PCCDASH_INBOX_DIR"]))
        restored = Path(again["PCCDASH_DB"])
        got = (accepted_files(restored), fingerprint(restored))
        [which] = [name for name, state in states.items() if state == got]
        seen.add(which)
    assert seen  # which of the two a trial caught depends on the machine's speed; never a state between


def test_readers_go_on_while_a_backup_holds_the_warehouse(office):
    env = places_in(office)
    db = Path(env["PCCDASH_DB"])
    with warehouse.held_still(db):
        read = run_pccdash("figures", "--measure", "cse_charges", "--district", "Rotherham", "--from", "2015-01",
                           "--to", "2015-03", env=env)
        assert read.returncode == 0 and "Rotherham" in read.stdout
        with duckdb.connect(str(warehouse.read_copy_path(db)), read_only=True) as con:  # what the dashboard opens
            assert con.execute("SELECT count(*) FROM figure").fetchall()[0][0] > 0


def test_a_publication_a_stop_left_half_switched_is_finished_in_the_restored_folder_only(office, tmp_path,
                                                                                         monkeypatch):
    from pipelines.public import pointer

    first = places_in(tmp_path / "first")
    cli(places_in(office), "backup", tmp_path / "b1")
    cli(first, "restore", tmp_path / "b1")
    cli(first, "approve", "2015-09", "--as", PCC)
    killed = run_pccdash("publish", "--yes", "--as", PCC, "--after-snapshot", "2",
                         env={**first, "PCCDASH_FAILPOINT": "publish_after_record"})
    assert killed.returncode == -9
    # a backup taken as it stands (the switch recorded, not done), as one taken the moment before a stop would be
    monkeypatch.setattr("pipelines.backup._finish_stopped_switches", lambda db: None)
    cli(first, "backup", tmp_path / "b2")
    monkeypatch.undo()
    assert pointer(Path(first["PCCDASH_PUBLISHED_DIR"]))["version"] == 2
    second = places_in(tmp_path / "second")
    told = cli(second, "restore", tmp_path / "b2")
    assert "snapshot 3 in force" in told
    assert pointer(Path(second["PCCDASH_PUBLISHED_DIR"]))["version"] == 3
    assert pointer(Path(first["PCCDASH_PUBLISHED_DIR"]))["version"] == 2  # the folder backed up is not touched


def test_a_backup_finishes_a_publication_a_stop_left_half_switched_first(office, tmp_path):
    """Every command finishes a switch of the public side a stop left undone before anything else: so does a backup,
    which is often the only command run overnight, and the public side and the warehouse agree again."""
    from pipelines.public import pointer

    first = places_in(tmp_path / "first")
    cli(places_in(office), "backup", tmp_path / "b1")
    cli(first, "restore", tmp_path / "b1")
    cli(first, "approve", "2015-09", "--as", PCC)
    killed = run_pccdash("publish", "--yes", "--as", PCC, "--after-snapshot", "2",
                         env={**first, "PCCDASH_FAILPOINT": "publish_after_record"})
    assert killed.returncode == -9 and pointer(Path(first["PCCDASH_PUBLISHED_DIR"]))["version"] == 2
    taken = run_pccdash("backup", tmp_path / "b2", env=first)
    assert taken.returncode == 0, taken.stderr
    assert "snapshot 3" in taken.stderr  # the note every command gives when it finishes a switch
    assert pointer(Path(first["PCCDASH_PUBLISHED_DIR"]))["version"] == 3
    with duckdb.connect(first["PCCDASH_DB"], read_only=True) as con:
        assert con.execute("SELECT count(*) FROM pointer_switch WHERE done_at IS NULL").fetchall() == [(0,)]
    second = places_in(tmp_path / "second")
    assert "snapshot 3 in force" in cli(second, "restore", tmp_path / "b2")


def test_a_warehouse_this_duckdb_cannot_open_is_refused_before_anything_is_written(office, tmp_path, monkeypatch):
    from pipelines import backup as backup_module

    cli(places_in(office), "backup", tmp_path / "b")
    real = duckdb.connect

    def newer(database, *args, **kwargs):
        if kwargs.get("read_only") and str(database).endswith("warehouse/warehouse.duckdb"):
            raise duckdb.IOException("IO Error: Trying to read a database file with version number 99")
        return real(database, *args, **kwargs)

    monkeypatch.setattr(backup_module.duckdb, "connect", newer)
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "b")], env=places_in(tmp_path / "there"))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "cannot be opened by this pccdash" in said
    assert "Install that version of pccdash (or a later one) here, then restore again." in said
    assert not (tmp_path / "there").exists()


def test_returns_an_earlier_version_did_not_keep_are_named_with_their_folders(office, tmp_path):
    """A warehouse whose returns were loaded from the command line before they were kept in the file store: the
    backup says which folders to back up too."""
    copy = tmp_path / "older"
    shutil.copytree(office, copy, symlinks=True)
    env = places_in(copy)
    with warehouse.connect_read_only(env["PCCDASH_DB"]) as con:
        [(sha, path)] = con.execute("SELECT sha256, path FROM file_registry WHERE name = '2014-15-cse-return.xlsx'"
                                    ).fetchall()
    filestore.path_of(env["PCCDASH_DB"], sha).unlink()
    said = cli(env, "backup", tmp_path / "b")
    assert "1 return file loaded by an earlier version of pccdash is recorded" in said
    assert f'"{Path(path).parent}"' in said


@pytest.mark.parametrize("inside", ["published", "inbox", "pccdash.files"])
def test_a_backup_into_a_folder_it_backs_up_is_refused_and_writes_nothing(office, inside):
    """A backup written inside the published folder (or the inbox, or the file store) would copy itself into itself
    until the path grew too long, holding the warehouse all the while: it is refused at once, in a sentence."""
    before = sorted(p.name for p in (office / inside).iterdir())
    result = CliRunner().invoke(main, ["backup", str(office / inside / "backups" / "b.tar.gz")], env=places_in(office))
    said = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert f'The backup cannot be written inside "{office / inside}", which it backs up, so nothing was written.' \
        in said
    assert sorted(p.name for p in (office / inside).iterdir()) == before


def test_a_backup_counts_the_returns_apart_from_police_uk_files(office, tmp_path):
    """The sentence a backup ends with counts the force's returns and police.uk's files each as what they are: it
    called every file loaded a return, police.uk's included."""
    with warehouse.connect_read_only(places_in(office)["PCCDASH_DB"]) as con:
        returns, police_uk = con.execute("SELECT count(*) FILTER (WHERE layout NOT LIKE 'police_uk%'), "
                                         "count(*) FILTER (WHERE layout LIKE 'police_uk%') FROM file_registry"
                                         ).fetchone()
    assert returns and police_uk
    said = " ".join(cli(places_in(office), "backup", tmp_path / "b").split())
    assert (f"{returns} return {'file' if returns == 1 else 'files'} and "
            f"{police_uk} police.uk {'file' if police_uk == 1 else 'files'} loaded") in said


def test_restore_where_a_removed_warehouse_left_its_records_names_them_and_replaces_them(office, tmp_path):
    """The warehouse's file removed by hand, its police.uk records left beside it: restore said the warehouse "already
    exists", and with --replace that there was no warehouse to restore over, so it could not restore there at all."""
    dest = tmp_path / "b"
    cli(places_in(office), "backup", dest)
    target = places_in(tmp_path / "there")
    (tmp_path / "there").mkdir()
    left = tmp_path / "there" / "pccdash.records.duckdb"
    shutil.copyfile(office / "pccdash.records.duckdb", left)
    result = CliRunner().invoke(main, ["restore", str(dest)], env=target)
    assert result.exit_code == 1
    assert f'Nothing was restored: "{left}" already exists.' in " ".join(result.output.split())
    told = " ".join(cli(target, "restore", dest, "--replace").split())
    [aside] = (tmp_path / "there").glob("pccdash.replaced-*")
    assert f'What a warehouse no longer at "{target["PCCDASH_DB"]}" left beside it ("pccdash.records.duckdb") was ' \
           f'moved to "{aside}".' in told
    assert (aside / "pccdash.records.duckdb").is_file() and Path(target["PCCDASH_DB"]).is_file()


def test_a_restore_from_a_backup_taken_before_an_erasure_erases_the_name_and_contact_again(office, tmp_path,
                                                                                         monkeypatch):
    """An office erases a sender's name and contact, then restores a backup taken before (after a disk failure, say):
    the restore makes the erasure again, from the record of erasures beside the warehouse or, without it, from the
    warehouse it set aside, and says so; on a machine where neither is there it says to check the erasures."""
    from pipelines.accountability import erasure

    there = places_in(tmp_path / "there")
    for k, v in there.items():
        monkeypatch.setenv(k, v)
    cli(there, "restore", _backup_of(office, tmp_path / "office-backup"))
    db, box = Path(there["PCCDASH_DB"]), Path(there["PCCDASH_INBOX_DIR"])

    def held(secret: str) -> list[str]:
        """The files of the office in use (not those a restore set aside) whose bytes hold `secret`."""
        files = [db, warehouse.read_copy_path(db), *(p for p in box.rglob("*") if p.is_file())]
        return [str(p) for p in files if secret.encode() in p.read_bytes()]

    assert held("A. Person") and held("a@example.com")  # the test can see them
    before = tmp_path / "before-the-erasure"
    cli(there, "backup", before)
    [ref] = [line.split()[0] for line in cli(there, "inbox", "find", "a@example.com").splitlines()
             if "found in its contact" in line]
    said = cli(there, "inbox", "forget", ref, "--reason", "The sender asked on 3 March", "--as", ANALYST)
    assert "a restore from one erases them again" in said
    with warehouse.connect_read_only(db) as con:
        [(erased_at,)] = con.execute("SELECT erased_at FROM public_submission WHERE erased_at IS NOT NULL").fetchall()
    assert held("A. Person") == [] and held("a@example.com") == []
    ledger = erasure.ledger_path(db).read_text()
    assert ref in ledger and "Person" not in ledger and "example.com" not in ledger  # nothing of the sender

    for without_the_record in (False, True):  # the record of erasures, then the warehouse set aside, says
        if without_the_record:
            erasure.ledger_path(db).unlink()
        told = cli(there, "restore", before, "--replace")
        assert (f"1 erasure of a sender's name and contact made after this backup was taken was made again "
                f"({ref}): what the backup held of them is not restored.") in told
        assert held("A. Person") == [] and held("a@example.com") == [], without_the_record
        with warehouse.connect_read_only(db) as con:
            assert con.execute("SELECT name, contact, erased_at FROM public_submission WHERE starts_with("
                               "submission_id, ?)", [ref]).fetchall() == [(None, None, erased_at)]
            assert "erased again after a restore" in con.execute(
                "SELECT detail FROM audit_event WHERE action = 'erase_contact' ORDER BY event_id DESC LIMIT 1"
            ).fetchall()[0][0]
        assert "A. Person" not in cli(there, "inbox", "list") and "a@example.com" not in cli(there, "inbox", "list")
    # a backup taken after the erasure: nothing to make again, and the restore says it checked
    after = tmp_path / "after-the-erasure"
    cli(there, "backup", after)
    assert ("The 1 erasure of a sender's name and contact on record was checked: it did not need making again."
            in cli(there, "restore", after, "--replace"))
    # a machine with neither: the restore cannot know, and says what to do
    fresh = places_in(tmp_path / "fresh")
    for k, v in fresh.items():
        monkeypatch.setenv(k, v)
    told = cli(fresh, "restore", before)
    assert ("Warning: nothing here says which senders' names and contacts were erased after this backup was taken"
            in told and '"pccdash inbox forget REFERENCE"' in told)


def _backup_of(office: Path, dest: Path) -> Path:
    cli(places_in(office), "backup", dest)
    return dest


def _restored_then_asked(office: Path, tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    """The office's backup, restored into a new place where the public then asks a question, imported there: the
    backup, the new place and the question's receipt."""
    from pipelines import inbox

    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    receipt = inbox.submit("Why did charges fall in Doncaster?", "Jo Bloggs", "jo@example.com",
                           folder=target["PCCDASH_INBOX_DIR"])
    cli(target, "inbox", "import", "--as", PCC)
    return dest, target, receipt


def test_two_restores_over_a_warehouse_in_the_same_second_set_each_aside_under_its_own_name(office, tmp_path,
                                                                                            monkeypatch):
    """What a restore sets aside is named to the second: a second `restore --replace` in that second met the first
    one's folder and stopped with an unexpected fault."""
    from pipelines import backup

    dest = tmp_path / "b"
    cli(places_in(office), "backup", dest)
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    frozen = dt.datetime(2026, 12, 6, 15, 30, 0)
    monkeypatch.setattr(backup.dt, "datetime", type("Frozen", (dt.datetime,), {"now": classmethod(lambda c: frozen)}))
    for mark in ("first", "second"):
        with warehouse.connect(target["PCCDASH_DB"]) as con:  # a change made since, that the restore undoes
            con.execute(f"CREATE TABLE kept_{mark} (x INTEGER)")
        assert "was moved to" in cli(target, "restore", dest, "--replace")
    asides = sorted((tmp_path / "there").glob("pccdash.replaced-*"))
    assert [p.name for p in asides] == ["pccdash.replaced-20261206T153000", "pccdash.replaced-20261206T153000-2"]
    # nothing lost: each warehouse is where it was said to go
    for aside, mark in zip(asides, ("first", "second"), strict=True):
        with duckdb.connect(str(aside / "pccdash.duckdb"), read_only=True) as con:
            assert con.execute(f"SELECT count(*) FROM kept_{mark}").fetchall() == [(0,)]
    published = Path(target["PCCDASH_PUBLISHED_DIR"])
    assert sorted(p.name for p in published.parent.glob(f"{published.name}.replaced-*")) == [
        f"{published.name}.replaced-20261206T153000", f"{published.name}.replaced-20261206T153000-2"]


def test_a_backup_counts_the_inboxs_unreadable_files_apart_from_the_publics_questions(tmp_path, monkeypatch):
    """Regression: a file `pccdash inbox import` set aside in the inbox's rejected/ folder, being no question, was
    counted among the "question(s) from the public in the inbox" the backup said it held."""
    from pipelines import inbox

    env = {**places_in(tmp_path / "office"), "PCCDASH_TODAY": TODAY.isoformat()}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    cli(env, "init")
    inbox.submit("How many arrests in Rotherham?")
    (Path(env["PCCDASH_INBOX_DIR"]) / "not-a-question.json").write_text("{", encoding="utf-8")
    cli(env, "inbox", "import", "--as", PCC)
    inbox.submit("And in Sheffield?")
    assert sorted(p.parent.name for p in Path(env["PCCDASH_INBOX_DIR"]).rglob("*.json")) == [
        "imported", "inbox", "rejected"]
    said = " ".join(cli(env, "backup", tmp_path / "b").split())
    assert ("2 questions from the public in the inbox (and 1 unreadable file set aside in its rejected/ folder)"
            in said), said


def test_a_restore_over_a_published_folder_keeps_the_snapshots_the_public_read_and_says_so(office, tmp_path):
    """A published folder the backup predates (the public web server's, kept when the machine was lost, or the
    office's own with the wrong backup picked) held a snapshot the public read: setting it aside without a word took
    the public back a publication, and the next publication reused the number the public had seen, and was checked
    for disclosure without the figures it had shown. Its file is kept in the folder restored, not in force."""
    from pipelines.public import current_snapshot

    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    cli(target, "approve", "2015-09", "--as", PCC)
    cli(target, "publish", "--yes", "--as", PCC, "--after-snapshot", "2")
    published = Path(target["PCCDASH_PUBLISHED_DIR"])
    seen = (published / "snapshot-0003.duckdb").read_bytes()
    told = cli(target, "restore", dest, "--replace")
    assert (f'Warning: the published folder set aside held snapshot 3, which the public has read and this backup '
            f'does not hold (published after the backup was taken, or from another warehouse); its file is kept in '
            f'"{published}", not in force, so that no later publication uses its number again or lets a reader work '
            "out what it hid. The public now reads snapshot 2, as the backup left it, without September 2015: load, "
            "approve and publish again what was done after the backup was taken (the next publication is snapshot "
            "4).") in told.replace("\n", " ")
    assert current_snapshot(published).name == "snapshot-0002.duckdb"
    assert (published / "snapshot-0003.duckdb").read_bytes() == seen
    cli(target, "approve", "2015-09", "--as", PCC)
    cli(target, "publish", "--yes", "--as", PCC)
    assert current_snapshot(published).name == "snapshot-0004.duckdb"
    assert (published / "snapshot-0003.duckdb").read_bytes() == seen
    # a restore whose published folder held nothing later says nothing of it
    assert "Warning: the published folder" not in cli(places_in(tmp_path / "again"), "restore", dest)


def test_a_question_from_the_public_imported_after_the_backup_is_put_back_in_the_inbox_to_import_again(office,
                                                                                                        tmp_path):
    """The inbox keeps what it holds through a restore; a question imported after the backup was taken sat in its
    imported/ folder, which no import reads again, while the restored warehouse had no record of it: the public's
    question was lost without a word. It is put back in the inbox, and the restore says so."""
    dest, target, receipt = _restored_then_asked(office, tmp_path)
    assert receipt in cli(target, "inbox", "list")
    told = cli(target, "restore", dest, "--replace").replace("\n", " ")
    assert ("1 question from the public that the inbox's imported/ folder held and the restored warehouse has no "
            "record of (imported after this backup was taken) was put back in the inbox to be imported again: import "
            'it ("pccdash inbox import", or the "Questions from the public" page) and accept or reject it again.'
            ) in told
    [back] = Path(target["PCCDASH_INBOX_DIR"]).glob(f"{receipt}*.json")
    assert receipt not in cli(target, "inbox", "list")
    cli(target, "inbox", "import", "--as", PCC)  # it, and the one the backup held waiting
    assert receipt in cli(target, "inbox", "list")
    # a restore with none to put back says nothing of it
    assert "put back in the inbox" not in cli(places_in(tmp_path / "again"), "restore", dest)


def test_an_older_backup_restored_over_a_newer_warehouse_says_what_the_one_set_aside_holds_that_it_does_not(
        office, tmp_path):
    """The office picks the wrong backup: --replace set the newer warehouse aside with only "was moved to", and the
    work done since (a flag, a meeting) was gone from every page without a word of it."""
    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    assert "is newer than this backup" not in cli(target, "restore", dest, "--replace")  # the same: nothing newer
    cli(target, "flags", "raise", "--month", "2015-06", "--district", "Barnsley", "--measure", "cse_arrests",
        "--reason", "Looks high", "--as", ANALYST)
    cli(target, "meetings", "add", "2015-09-17", "--as", ANALYST)
    told = cli(target, "restore", dest, "--replace").replace("\n", " ")
    [aside] = sorted((tmp_path / "there").glob("pccdash.replaced-*"))[-1:]
    assert re.search(rf'Warning: the warehouse set aside \("{re.escape(str(aside / "pccdash.duckdb"))}"\) is newer '
                     r"than this backup: it records 2 actions on its audit trail after the newest this backup holds, "
                     r"the last at \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d (GMT|BST) \(raised a flag \(1\); recorded a "
                     r"meeting \(1\)\)\. None of it is in the warehouse restored\. If this is not the backup meant, "
                     r"restore the newer one with --replace; the warehouse set aside stays as it was where it now "
                     r"is\.", told), told
    assert "Looks high" not in cli(target, "flags", "--status", "all")


@pytest.mark.parametrize("dest_name", ["b", "b.tar.gz"])
def test_a_backup_whose_disk_fills_names_that_disk_and_the_room_it_needs(office, tmp_path, monkeypatch, dest_name):
    """A full disk under the backup was told in the words of any command's full disk: "the warehouse needs room for
    a copy of itself beside it", naming neither the backup nor its disk, as if the warehouse's disk were full."""
    import errno

    from pipelines import backup as backup_module

    real = backup_module._copy_hashing
    copied = []

    def fills(src, dst):
        if copied:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        copied.append(dst)
        return real(src, dst)

    monkeypatch.setattr(backup_module, "_copy_hashing", fills)
    dest = tmp_path / "disk" / dest_name
    result = CliRunner().invoke(main, ["backup", str(dest)], env=places_in(office))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in said
    assert re.search(rf'The backup cannot be written to "{re.escape(str(dest))}": the disk it is on is full '
                     r"\(\d+\.\d [KMG]B free there; the backup needs about \d+\.\d MB[^)]*\)\. Nothing was "
                     r"written: what it had begun was removed, and the office's warehouse and folders are as they "
                     r'were\. Free space on that disk, or give a folder on another one, then run "pccdash backup" '
                     r"again\.", said), said
    assert "the warehouse needs room" not in said
    assert list((tmp_path / "disk").iterdir()) == []


def test_a_restore_into_a_new_published_folder_says_what_the_backup_cannot_hold(office, tmp_path):
    """On a new machine the restore said what the backup held and nothing of what it could not: a snapshot published
    after it was taken, which the public web server's published folder may hold, and which the next publication from
    a new folder would number again. It says how far the backup goes, and where to restore to keep such a snapshot."""
    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    told = cli(target, "restore", dest).replace("\n", " ")
    assert re.search(r"The backup holds what was done up to when it was taken: the newest on its audit trail is from "
                     r"\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d (GMT|BST) \([a-z][^)]*\), and anything done after that "
                     r"on the machine it came from is not here\. If a snapshot later than snapshot 2 was published "
                     r"from there, restore into the published folder that holds it \(the public web server's, say: "
                     r"--published FOLDER --replace\), which keeps it, so that no publication from here uses its "
                     r"number again\.", told), told
    # restored into the published folder it is to go on from, it has no such folder to point to
    assert "The backup holds what was done" not in cli(target, "restore", dest, "--replace")


@pytest.mark.parametrize("under", ["a-file/b", "a-file/deeper/b.tar.gz"])
def test_a_destination_under_a_file_names_that_file(office, tmp_path, under):
    """A destination whose path runs through a file was refused "(file exists)" or "(not a directory)", with advice to
    ask for leave to write there, which no leave would mend."""
    (tmp_path / "a-file").write_text("not a folder")
    dest = tmp_path / under
    result = CliRunner().invoke(main, ["backup", str(dest)], env=places_in(office))
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert (f'The backup cannot be written to "{dest}": "{tmp_path / "a-file"}" is a file, not a folder, so nothing '
            "was written. Give a path under a folder (the folders on the way are made if they are not there yet), or "
            "move that file away first.") in said, said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_restore_over_a_published_folder_says_when_a_snapshot_it_keeps_had_been_withdrawn(office, tmp_path):
    """A snapshot published and withdrawn after the backup was taken: the public had read its withdrawal notice, which
    the restored folder's pointer does not hold, and the restore said nothing of it."""
    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    cli(target, "approve", "2015-09", "--as", PCC)
    cli(target, "publish", "--yes", "--as", PCC, "--after-snapshot", "2")
    cli(target, "withdraw", "--reason", "Published too early", "--yes", "--as", PCC)
    told = cli(target, "restore", dest, "--replace").replace("\n", " ")
    assert ("Snapshot 3 had been withdrawn: the notice of its withdrawal the public read is not in this backup, so the "
            "public pages no longer give it; say so on the office's own pages if it should still be told. The public "
            "now reads snapshot 2, as the backup left it: load, approve") in told, told


def test_a_publication_withdrawn_after_the_backup_is_not_put_back_in_force_by_the_restore(office, tmp_path):
    """The backup holds snapshot 2 in force; the office withdrew it after the backup was taken (the public read the
    notice, and snapshot 1 again). Restored over that published folder, the backup's pointer put snapshot 2 back in
    force: the public read again the figures withdrawn from it, with no notice. The withdrawal is made again."""
    from pipelines.public import current_snapshot, pointer

    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    cli(target, "withdraw", "--reason", "July's charges were counted twice", "--yes", "--as", PCC)
    published = Path(target["PCCDASH_PUBLISHED_DIR"])
    assert current_snapshot(published).name == "snapshot-0001.duckdb"
    [first] = [w for w in pointer(published).get("withdrawals") or [] if w.get("version") == 2]
    time.sleep(1.1)  # the notice is given to the second: a withdrawal dated by the restore would differ
    told = cli(target, "restore", dest, "--replace").replace("\n", " ")
    assert current_snapshot(published).name == "snapshot-0001.duckdb", told
    [notice] = [w for w in pointer(published).get("withdrawals") or [] if w.get("version") == 2]
    assert notice["reason"] == "July's charges were counted twice"
    assert notice["withdrawn_at"] == first["withdrawn_at"]  # the day and time the public read, not the restore's
    assert ("Snapshot 2, which this backup holds in force, had been withdrawn after the backup was taken (July's "
            "charges were counted twice): it was withdrawn again, so the public reads snapshot 1, as before the "
            "restore, with the notice of its withdrawal.") in told, told
    trail = cli(target, "audit", "--limit", "0", "--format", "csv").splitlines()
    assert [line for line in trail if "withdrew a publication,snapshot 2," in line and "counted twice" in line]
    # the warehouse agrees with the public side: the next publication is not numbered 2 nor reads it as in force
    with warehouse.connect(target["PCCDASH_DB"]) as con:
        assert con.execute("SELECT reason FROM snapshot_withdrawal WHERE version = 2").fetchall() == [
            ("July's charges were counted twice",)]


def test_questions_rejected_after_the_backup_stay_rejected_and_their_erased_words_do_not_come_back(office, tmp_path):
    """Questions from the public rejected after the backup was taken, one imported before it and one after, their
    words erased once kept for the retention period: restored over that warehouse, both came back waiting (the one
    imported after put back in the inbox for the next import), to be rejected again, and the words erased were back
    in the warehouse or the inbox. The rejections are carried over from the warehouse set aside, and the words stay
    erased."""
    from pipelines import inbox
    from pipelines.accountability import moderation

    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    folder = Path(target["PCCDASH_INBOX_DIR"])
    later = inbox.submit("My neighbour's boy at 4 Elm Street is at risk", "Jo Bloggs", "jo@example.com",
                         folder=folder)
    cli(target, "inbox", "import", "--as", PCC)
    with warehouse.connect(target["PCCDASH_DB"]) as con:
        rejected = {s.submission_id: s.body for s in moderation.pending(con)
                    if s.body in ("How many arrests in Rotherham?", "My neighbour's boy at 4 Elm Street is at risk")}
        for ident in rejected:
            moderation.reject(con, claims_of(PCC), ident, reason="Not for the Board: we wrote to the sender")
    assert len(rejected) == 2 and any(ident.startswith(later) for ident in rejected)
    cli({**target, "PCCDASH_TODAY": "2028-12-01"}, "inbox", "expire", "--as", PCC)
    told = cli(target, "restore", dest, "--replace").replace("\n", " ")
    with warehouse.connect(target["PCCDASH_DB"]) as con:
        assert not {s.submission_id for s in moderation.pending(con)} & set(rejected), told
        kept = dict(con.execute("SELECT s.submission_id, s.body || '|' || m.outcome || '|' || m.reason FROM "
                                "public_submission s JOIN submission_moderation m USING (submission_id) "
                                "WHERE s.submission_id IN (SELECT unnest(?))", [list(rejected)]).fetchall())
    assert kept == dict.fromkeys(rejected, "|rejected|Not for the Board: we wrote to the sender"), kept
    for ident, words in rejected.items():  # nowhere in the inbox either, and none put back to import again
        assert not (folder / f"{ident}.json").exists()
        assert words not in (folder / "imported" / f"{ident}.json").read_text(encoding="utf-8")
    assert "put back in the inbox" not in told
    found = re.search(r"2 rejections of questions from the public made after this backup was taken were carried "
                      r"over from the warehouse set aside, so they stay rejected: (\w{8}), (\w{8})\.", told)
    assert found and sorted(found.groups()) == sorted(i[:8] for i in rejected), told


def _rejected_and_expired_after_backup(office, tmp_path, name: str):
    """A backup of the office, restored into `name`, where the question "How many arrests in Rotherham?" waiting in
    it is rejected and kept past the retention period, so its sender's contact and its words are erased: (the
    backup, the places, the question's reference)."""
    from pipelines.accountability import moderation

    dest = _backup_of(office, tmp_path / "b")
    places = places_in(tmp_path / name)
    cli(places, "restore", dest)
    with warehouse.connect(places["PCCDASH_DB"]) as con:
        [ident] = [s.submission_id for s in moderation.pending(con) if s.body == "How many arrests in Rotherham?"]
        moderation.reject(con, claims_of(PCC), ident, reason="Not for the Board")
    cli({**places, "PCCDASH_TODAY": "2028-12-01"}, "inbox", "expire", "--as", PCC)
    return dest, places, ident


def test_a_question_whose_words_the_record_of_erasures_says_went_is_rejected_again_on_a_new_machine(office, tmp_path):
    """A new machine, the record of erasures copied from the old one: a question the backup holds waiting, rejected
    after the backup and its words erased once kept for the retention period, came back waiting with its words (a
    rejected question's words go, and the restored warehouse did not hold it as rejected). It is rejected again, and
    its words stay erased."""
    from pipelines.accountability import erasure, moderation

    dest, old, ident = _rejected_and_expired_after_backup(office, tmp_path, "old")
    new = places_in(tmp_path / "new")
    (tmp_path / "new").mkdir()
    shutil.copy(erasure.ledger_path(Path(old["PCCDASH_DB"])), erasure.ledger_path(Path(new["PCCDASH_DB"])))
    told = cli(new, "restore", dest).replace("\n", " ")
    assert (f"1 question from the public that the backup holds waiting was rejected after it was taken, as the record "
            f"of erasures says (its words were erased, which only a rejection does): it is recorded as rejected "
            f"again, without the reason given then, which the backup does not hold: {ident[:8]}.") in told, told
    with warehouse.connect(new["PCCDASH_DB"]) as con:
        assert ident not in {s.submission_id for s in moderation.pending(con)}
        assert con.execute("SELECT body, name FROM public_submission WHERE submission_id = ?",
                           [ident]).fetchall() == [("", None)]
    assert "How many arrests" not in (Path(new["PCCDASH_INBOX_DIR"]) / "imported" / f"{ident}.json").read_text()


def test_a_restore_into_a_new_published_folder_never_lets_a_number_the_public_saw_be_used_again(office, tmp_path):
    """The machine is lost with its published folder; the backup is from before snapshot 3 was published. Restored
    into a new, empty published folder, the warning ignored, the next publication was numbered 3 again: a second
    "snapshot 3", a number the public had seen for other figures. Publishing waits for the office to say the latest
    number the public has seen, and the next is numbered after it."""
    from pipelines.public import current_snapshot

    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "new")
    cli(target, "restore", dest)
    cli(target, "approve", "2015-09", "--as", PCC)
    result = CliRunner().invoke(main, ["publish", "--yes", "--as", PCC], env=target)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in said, said
    assert re.search(r"Nothing was published: this warehouse was restored from a backup taken \d{1,2} [A-Z][a-z]+ "
                     r"\d{4} at \d\d:\d\d:\d\d (GMT|BST) into a new published folder, and any publication made after "
                     r"it from the machine the backup came from \(after snapshot 2\) has a number the public has "
                     r"seen, which the next publication from here would take again\. Restore into the published "
                     r"folder that holds them .* with \"pccdash publish --after-snapshot NUMBER\": the next is "
                     r"numbered after it\.", said), said
    published = Path(target["PCCDASH_PUBLISHED_DIR"])
    assert current_snapshot(published).name == "snapshot-0002.duckdb"
    assert "Published snapshot 4" in cli(target, "publish", "--yes", "--as", PCC, "--after-snapshot", "3")
    assert current_snapshot(published).name == "snapshot-0004.duckdb"
    assert not (published / "snapshot-0003.duckdb").exists()
    # restored into the published folder it goes on from, its snapshots tell the next number: nothing is held
    cli(target, "restore", dest, "--replace")
    cli(target, "approve", "2015-09", "--as", PCC)
    assert "Published snapshot 5" in cli(target, "publish", "--yes", "--as", PCC)


def test_a_latest_number_given_below_a_snapshot_the_published_folder_holds_is_refused_and_nothing_changes(office,
                                                                                                         tmp_path):
    """Regression: restored into a new published folder that holds snapshots 1 and 2, "--after-snapshot 1" was
    taken without a word, though snapshot 2 was public: a number below what the folder shows is not the latest the
    public has seen (mistyped, or the folder is not the one meant). It is refused naming the folder's latest number
    and what to type; the hold, the folder and the warehouse are left as they were."""
    from pipelines.public import current_snapshot
    from pipelines.publish.snapshot import numbering_hold_path

    target = places_in(tmp_path / "new")
    cli(target, "restore", _backup_of(office, tmp_path / "b"))
    cli(target, "approve", "2015-09", "--as", PCC)
    published, db = Path(target["PCCDASH_PUBLISHED_DIR"]), Path(target["PCCDASH_DB"])
    before = published_files(published), numbering_hold_path(db).read_bytes(), cli(target, "audit", "--limit", "0")
    for low in ("0", "1"):
        result = CliRunner().invoke(main, ["publish", "--yes", "--as", PCC, "--after-snapshot", low], env=target)
        said = " ".join(result.output.split())
        assert result.exit_code == 1 and "Traceback" not in said, said
        assert (f'Error: Nothing was published: the published folder "{published}" already holds snapshot 2, so '
                f"the latest number the public has seen is not {low} but 2 or above. Give the highest number on the "
                'public site\'s revisions page ("pccdash publish --after-snapshot 2" if it is 2).') in said, said
        assert (published_files(published), numbering_hold_path(db).read_bytes(),
                cli(target, "audit", "--limit", "0")) == before
    assert current_snapshot(published).name == "snapshot-0002.duckdb"
    assert "Published snapshot 3" in cli(target, "publish", "--yes", "--as", PCC, "--after-snapshot", "2")


def test_a_backup_taken_before_the_first_publication_after_a_restore_into_a_new_folder_keeps_its_hold(office,
                                                                                                      tmp_path):
    """Restored into a new published folder, publishing waits for the latest number the public has seen. A backup
    taken there before the first publication, restored over that office's own warehouse and folder (or over the
    folder alone, the warehouse lost with its disk), let the next publication be numbered from the folder: a second
    "snapshot 3", though the machine the first backup came from may have published one. The hold travels in the
    backup and stays until the folder restored into holds a snapshot after the backup's last."""
    from pipelines.public import current_snapshot

    target = places_in(tmp_path / "new")
    cli(target, "restore", _backup_of(office, tmp_path / "b"))
    taken = cli(target, "backup", tmp_path / "b2")
    db, published = Path(target["PCCDASH_DB"]), Path(target["PCCDASH_PUBLISHED_DIR"])
    cli(target, "approve", "2015-09", "--as", PCC)
    refused = re.compile(r"Nothing was published: this warehouse was restored from a backup taken .* into a new "
                         r"published folder, .* \(after snapshot 2\) has a number the public has seen")
    for warehouse_lost in (False, True):
        if warehouse_lost:  # only the published folder is left to restore over
            for path in db.parent.iterdir():
                if path.name.startswith("pccdash.") and path.is_file():
                    path.unlink()
        told = " ".join(cli(target, "restore", tmp_path / "b2", "--replace").split())
        assert "Publishing from here is still refused unless given the number of the latest publication the public " \
               "has seen (\"pccdash publish --after-snapshot NUMBER\")" in told, told
        assert "the published folder restored into holds none after snapshot 2" in told, told
        cli(target, "approve", "2015-09", "--as", PCC)
        result = CliRunner().invoke(main, ["publish", "--yes", "--as", PCC], env=target)
        said = " ".join(result.output.split())
        assert result.exit_code == 1 and refused.search(said) and "Traceback" not in said, said
        assert current_snapshot(published).name == "snapshot-0002.duckdb"
    assert "Backup written" in taken
    assert "Published snapshot 4" in cli(target, "publish", "--yes", "--as", PCC, "--after-snapshot", "3")
    # restored over the folder holding snapshot 4 (published after the hold), the folder says the next number
    told = " ".join(cli(target, "restore", tmp_path / "b2", "--replace").split())
    assert "still refused" not in told, told
    cli(target, "approve", "2015-09", "--as", PCC)
    assert "Published snapshot 5" in cli(target, "publish", "--yes", "--as", PCC)


def test_a_restore_says_that_a_rejected_questions_erased_words_were_erased_again(office, tmp_path):
    """A question rejected after the backup was taken, its sender's name and contact and its words erased once kept
    for the retention period: the restore erased both again but said only "1 erasure of a sender's name and contact
    ... made again", as if the question's words, which the public never read, were back in the warehouse."""
    dest, target, ident = _rejected_and_expired_after_backup(office, tmp_path, "there")
    told = " ".join(cli(target, "restore", dest, "--replace").split())
    assert (f"1 erasure of a sender's name and contact made after this backup was taken was made again "
            f"({ident[:8]}), and the words of 1 rejected question from the public, erased after it was taken (never "
            f"published), were erased again ({ident[:8]}): what the backup held of them is not restored.") in told, told
    with warehouse.connect_read_only(target["PCCDASH_DB"]) as con:
        assert con.execute("SELECT body, name, contact FROM public_submission WHERE submission_id = ?",
                           [ident]).fetchall() == [("", None, None)]


def test_a_question_erased_after_the_backup_reads_erased_on_its_day_once_imported_again(office, tmp_path):
    """A question imported after the backup was taken, its sender's name and contact erased on request: restored over
    that warehouse, it was put back in the inbox and, imported again, read "no name or contact given", as if the
    sender had given none, while the restore said only that the erasure "did not need making again". Imported again,
    it reads as erased on the day it was, and the restore says what its check of the erasure found."""
    dest, target, receipt = _restored_then_asked(office, tmp_path)
    cli(target, "inbox", "forget", receipt, "--reason", "The sender asked on 3 March", "--as", ANALYST)

    def listed() -> list[str]:
        return [line for line in cli(target, "inbox", "list").splitlines() if line.startswith(receipt)]

    before = listed()
    assert len(before) == 1 and "from: name and contact erased on" in before[0], before
    told = " ".join(cli(target, "restore", dest, "--replace").split())
    assert "it did not need making again" not in told, told
    assert re.search(rf"1 erasure of a sender's name and contact on record is of a question imported after this "
                     rf"backup was taken, which it does not hold \({receipt}, erased on \d{{1,2}} [A-Z][a-z]+ "
                     rf"\d{{4}}\): its copy in the inbox was checked and found erased already, so imported again it "
                     rf"reads as erased on that day, as before\.", told), told
    cli(target, "inbox", "import", "--as", PCC)
    assert listed() == before
    [copy] = (Path(target["PCCDASH_INBOX_DIR"]) / "imported").glob(f"{receipt}*.json")
    assert "Jo Bloggs" not in copy.read_text(encoding="utf-8") and "jo@example.com" not in copy.read_text()


def test_a_question_accepted_after_the_backup_is_named_by_the_restore_not_left_silently_waiting(office, tmp_path):
    """A question from the public accepted after the backup was taken, put to a meeting as a Board question: restored
    over that warehouse, it came back waiting without a word, to be accepted a second time or rejected though the
    sender may have been told it was put. The restore names it, with the question it became and its meeting as the
    warehouse set aside records them, and says to accept it again to that meeting. On a new machine, where nothing
    says what was accepted after the backup, the restore names the questions it holds waiting and says what to
    check."""
    from pipelines.accountability import moderation

    dest = _backup_of(office, tmp_path / "b")
    target = places_in(tmp_path / "there")
    cli(target, "restore", dest)
    with warehouse.connect(target["PCCDASH_DB"]) as con:
        [ident] = [s.submission_id for s in moderation.pending(con) if s.body == "How many arrests in Rotherham?"]
        question = moderation.accept(con, claims_of(PCC), ident, edited_body="How many arrests were made in "
                                     "Rotherham?", meeting_id=1)
    told = " ".join(cli(target, "restore", dest, "--replace").split())
    assert re.search(rf"Warning: 1 question from the public accepted after this backup was taken, as the warehouse "
                     rf"set aside records, is waiting again here: {ident[:8]} \(accepted by {re.escape(PCC)} on "
                     rf"\d{{1,2}} [A-Z][a-z]+ \d{{4}} as question {question}, put to meeting 1, the Public "
                     rf"Accountability Board of 20 August 2015\)\. ", told), told
    assert ("Accept it again, to the meeting it was put to, rather than reject it (its sender may have been told it "
            "was put), or restore a backup taken after the acceptance, with --replace.") in told, told
    with warehouse.connect_read_only(target["PCCDASH_DB"]) as con:
        assert ident in {s.submission_id for s in moderation.pending(con)}  # known, but not carried over
    # a new machine: nothing says whether a question the backup holds waiting was accepted since
    told = " ".join(cli(places_in(tmp_path / "new"), "restore", dest).split())
    assert (f"Warning: nothing here says whether the 1 question from the public this backup holds waiting "
            f"({ident[:8]}) was accepted or rejected after it was taken") in told, told
    assert "accepted there is to be accepted again, to the meeting it was put to" in told, told


def test_a_restore_refused_for_the_office_s_reference_files_says_which_setting_names_their_folder(office, tmp_path,
                                                                                                    monkeypatch):
    """Regression: a backup holding the office's reference files, restored into new paths on the machine it came from
    after a plan was adopted there, was refused for the reference folder with "Restore into new paths (--db,
    --published, --inbox)", which it already was: the folder is PCCDASH_REFERENCE_DIR's, which no option changes."""
    ref = tmp_path / "reference"
    shutil.copytree(ROOT / "pipelines" / "reference", ref)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    cli(places_in(office), "backup", tmp_path / "b")
    (ref / "plan.yaml").write_text((ref / "plan.yaml").read_text() + "# the next plan, adopted since the backup\n")
    new = places_in(tmp_path / "new")
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "b")], env=new)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and f'Nothing was restored: "{ref}" already exists.' in said, said
    assert ("Restore into new paths (--db, --published, --inbox; PCCDASH_REFERENCE_DIR naming a new folder for the "
            "office's reference files), or give --replace") in said, said
    assert not Path(new["PCCDASH_DB"]).exists()
    assert (ref / "plan.yaml").read_text().endswith("adopted since the backup\n")  # the office's own, untouched
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(tmp_path / "restored-reference"))
    assert "reference files restored to" in cli(new, "restore", tmp_path / "b")
