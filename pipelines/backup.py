"""Backing up everything an office holds, and restoring it on another machine with nothing lost.

What a backup holds, each part where `pccdash restore` puts it back:

    warehouse/warehouse.duckdb (+ .wal)   the warehouse (PCCDASH_DB), copied whole while no writer can change it
    warehouse/records.duckdb (+ .wal)     its police.uk records, kept beside it (`pipelines.records`)
    warehouse/records.pending             the marker of records a stopped load left, when there is one
    files/                                the file store beside the warehouse: the force's returns as received,
                                          answers' documents, briefing packs produced (`pipelines.filestore`)
    datadocs/                             the Data Docs built beside the warehouse, when there are any
    published/                            the published folder (PCCDASH_PUBLISHED_DIR): every snapshot, the
                                          releases and the links that say which is in force
    inbox/                                the public's questions (PCCDASH_INBOX_DIR), imported or not
    reference/, contracts/                the office's own reference files and contracts, when PCCDASH_REFERENCE_DIR
                                          or PCCDASH_CONTRACTS_DIR names a folder of its own
    pccdash-backup.json                   what the backup holds: every file with its size and SHA-256, the schema
                                          version, when it was taken; written last

The readers' copy of the warehouse is not kept: a restore makes it again from the warehouse.

One moment: the warehouse is held read-only (`warehouse.held_still`) while it, its records, the published folder
(a publication or withdrawal records its switch in the warehouse, so it cannot run meanwhile), the inbox and the
Data Docs are copied. Every writer waits (a page for up to 10 s, a command for up to 2 minutes); readers, and the
dashboards, go on. The file store is copied after: a file is stored before any row names it and never changed,
so every file the copied warehouse names is there by then.

All or nothing: the backup is built in a hidden folder beside its destination and renamed to its name only when
complete (an archive is written beside it and renamed likewise), so a stop part way never leaves a backup under
the name asked for, and what it does leave has no `pccdash-backup.json` (or one whose files do not match), which
a restore refuses. A restore checks every file against the backup's record before it changes anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import glob
import hashlib
import io
import json
import os
import re
import shutil
import socket
import stat
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import __version__, faults, filestore, records, warehouse
from .catalogue import counted
from .errors import PccDashError, shown
from .uk_time import uk_day_words, uk_words

MANIFEST = "pccdash-backup.json"
FORMAT = 1  # the layout of a backup; a later pccdash that changes it writes a higher number
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")
_NOT_OFFERED = (".zip", ".7z", ".rar", ".tar.bz2", ".tar.xz")  # archives a backup is not written as
_PARTIAL = ".partial-"  # in the name of a backup being built
_CHUNK = 1 << 20


class BackupError(PccDashError):
    """A backup that cannot be taken, or a source that cannot be restored, with what to do."""


@dataclass(frozen=True)
class Places:
    """Where an office's things live on this machine."""

    db: Path
    published: Path
    inbox: Path
    reference: Path | None  # None: the bundled reference files (not the office's to back up)
    contracts: Path | None

    @classmethod
    def here(cls, db=None, published=None, inbox=None) -> Places:
        from .inbox import inbox_dir
        from .public import published_dir

        ref, con = os.environ.get("PCCDASH_REFERENCE_DIR"), os.environ.get("PCCDASH_CONTRACTS_DIR")
        return cls(warehouse.db_path(db), published_dir(published), inbox_dir(inbox),
                   Path(ref) if ref else None, Path(con) if con else None)


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _datadocs_folder(db: Path) -> Path:
    from .contracts.datadocs import folder  # here: it brings the contract runner, which a restore may not need

    return folder(db)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


# ------------------------------------------------------------------------------------------------ taking one


@dataclass
class _Copier:
    """Copies files into a backup being built, recording each in the manifest as it goes."""

    root: Path
    entries: list[dict] = field(default_factory=list)

    def file(self, src: Path, rel: str) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = _copy_hashing(src, target)
        self.entries.append({"path": rel, "size": size, "sha256": digest, "mode": stat.S_IMODE(src.stat().st_mode)})

    def tree(self, src: Path, rel: str) -> int:
        """Copy a folder, its links as links and its temporary files (`*.tmp`, a stopped write's) left out; how
        many files."""
        if not src.is_dir():
            return 0
        count = 0
        self.entries.append({"path": rel, "dir": True, "mode": stat.S_IMODE(src.stat().st_mode)})
        for root, dirs, files in os.walk(src):
            here = Path(root)
            for name in sorted(dirs):
                path = here / name
                if name.endswith(".tmp"):
                    dirs.remove(name)
                    continue
                sub = f"{rel}/{path.relative_to(src).as_posix()}"
                if path.is_symlink():
                    dirs.remove(name)
                    self._link(path, sub)
                    continue
                (self.root / sub).mkdir(parents=True, exist_ok=True)
                self.entries.append({"path": sub, "dir": True, "mode": stat.S_IMODE(path.stat().st_mode)})
            for name in sorted(files):
                path = here / name
                if name.endswith(".tmp"):
                    continue
                sub = f"{rel}/{path.relative_to(src).as_posix()}"
                if path.is_symlink():
                    self._link(path, sub)
                    continue
                try:
                    self.file(path, sub)
                except FileNotFoundError:  # gone since the folder was listed (a file the public app replaced)
                    continue
                count += 1
        return count

    def _link(self, path: Path, rel: str) -> None:
        target = os.readlink(path)
        at = self.root / rel
        at.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, at)
        self.entries.append({"path": rel, "link": target})


def _copy_hashing(src: Path, dst: Path) -> tuple[str, int]:
    """Copy `src` to `dst`, flushed to disk; the SHA-256 and size of what was copied."""
    digest, size = hashlib.sha256(), 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest(), size


@dataclass(frozen=True)
class Taken:
    """A backup taken: where, and what it holds."""

    path: Path
    manifest: dict

    def sentences(self) -> list[str]:
        m, held = self.manifest, self.manifest["holds"]
        size = _size_words(sum(e.get("size", 0) for e in m["files"]))
        if self.path.is_file():  # an archive: what it holds, and the file itself, which a .tar.gz makes smaller
            size += f", in an archive of {_size_words(self.path.stat().st_size)}"
        set_aside = held.get("inbox_set_aside")
        said = [f'Backup written to "{self.path}" ({size}): the '
                f"warehouse as it stood at {_when(m['taken_at'])} (schema version {m['schema_version']}), "
                f"{counted(held['files_loaded'] - held['police_uk_files'], 'return file')} and "
                f"{counted(held['police_uk_files'], 'police.uk file')} loaded, "
                f"{counted(held['snapshots'], 'published snapshot')}, {counted(held['stored_files'], 'file')} in the "
                f"file store, {counted(held['inbox'], 'question')} from the public in the inbox"
                + (f" (and {counted(set_aside, 'unreadable file')} set aside in its rejected/ folder)" if set_aside
                   else "")
                + "".join(f", the office's {w} from \"{m['places'][k]}\"" for k, w in
                          (("reference", "reference files"), ("contracts", "contracts")) if m["places"].get(k))
                + "."]
        outside = held.get("loaded_from_outside") or []
        if outside:
            one = held["files_not_stored"] == 1
            said.append(f"Note: {counted(held['files_not_stored'], 'return file')} loaded by an earlier version of "
                        f"pccdash {'is' if one else 'are'} recorded by name, path and SHA-256 but "
                        f"{'was' if one else 'were'} not kept by it; back up the "
                        f"{'folder' if len(outside) == 1 else 'folders'} {'it was' if one else 'they were'} "
                        "loaded from too: " + ", ".join(f'"{p}"' for p in outside) + ".")
        return said


def _when(taken_at: str) -> str:
    """When a backup was taken, as a person reads a time: UK time, naming the clock ("6 December 2026 at 15:29:43
    GMT"); the manifest keeps it in UTC."""
    return uk_words(taken_at, "words", seconds=True) or f"{taken_at} UTC"


def _size_words(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _refuse_destination(dest: Path, exc: OSError | None = None) -> BackupError:
    not_folder = next((p for p in reversed(dest.parents) if os.path.lexists(p) and not p.is_dir()), None)
    if not_folder is not None:  # "file exists" or "not a directory" said nothing of which
        return BackupError(f'The backup cannot be written to "{dest}": "{not_folder}" is a file, not a folder, so '
                           "nothing was written. Give a path under a folder (the folders on the way are made if they "
                           "are not there yet), or move that file away first.")
    why = f" ({(exc.strerror or str(exc)).lower()})" if exc is not None else ""
    return BackupError(f'The backup cannot be written to "{dest}"{why}, so nothing was written. Choose a folder this '
                       f"account ({warehouse.account()}) may write to, with room for a copy of the warehouse and "
                       "the published folder, or ask the office's administrator to let it write there.")


def backup(dest: Path, places: Places) -> Taken:
    """Write a backup of everything the office holds to `dest`: a new folder, or an archive (.tar, .tar.gz)."""
    dest = Path(dest)
    if dest.name.lower().endswith(_NOT_OFFERED):
        raise BackupError(f'"{dest}" names a {dest.name.lower().rsplit(".", 1)[-1]} archive, which a backup is not '
                          "written as: it cannot keep the published folder's links, and a folder of that name would "
                          "be taken for one. Give a name ending .tar.gz (one file to copy off the machine), or a "
                          "folder's name.")
    if dest.exists() and not (dest.is_dir() and not is_archive(dest) and not any(dest.iterdir())):
        raise BackupError(f'"{dest}" already exists, and a backup is never written over anything. Give a new name '
                          "(with the date in it, for example), or move the old one away first.")
    warehouse.finish_stopped_restore(places.db)  # a restore a stop left part way: finished (or undone) first
    if not places.db.exists():
        raise BackupError(f'There is no warehouse at "{places.db}" to back up. Give --db (or PCCDASH_DB) the path of '
                          "the office's warehouse.")
    _finish_stopped_switches(places.db)
    inside = _copied_folder_holding(dest, places)
    if inside is not None:  # it would copy itself into itself, over and over, until the path grew too long
        raise BackupError(f'The backup cannot be written inside "{inside}", which it backs up, so nothing was '
                          "written. Give a folder outside it (on another disk, ideally).")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}{_PARTIAL}"))
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise _no_room(dest, places) from None
        raise _refuse_destination(dest, exc) from None
    archive_tmp: Path | None = None
    try:
        manifest = _fill(staging, places)
        faults.point("backup_before_manifest")
        if is_archive(dest):  # the record goes into the archive only, so the folder left by a stop has none
            archive_tmp = dest.with_name(f".{dest.name}{_PARTIAL}{os.getpid()}")
            os.close(os.open(archive_tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # the public's contacts
            _tar(staging, manifest, archive_tmp, dest.name.lower().endswith((".gz", ".tgz")))
            os.replace(archive_tmp, dest)
            archive_tmp = None
            shutil.rmtree(staging, ignore_errors=True)
        else:
            _write_json(staging / MANIFEST, manifest)
            if dest.is_dir():  # an empty folder named for it: the complete backup takes its place
                dest.rmdir()
            os.replace(staging, dest)
        _fsync_dir(dest.parent)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if archive_tmp is not None:
            archive_tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and \
                str(exc.filename or "").startswith(str(dest.parent)):
            raise _refuse_destination(dest, exc) from None
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise _no_room(dest, places) from None
        raise
    return Taken(dest, manifest)


def _no_room(dest: Path, places: Places) -> BackupError:
    """The backup's disk filled while it was written: which disk, how much room it has and how much the backup needs
    (what it had begun is removed by then)."""
    def size(path: Path | None) -> int:
        if path is None or path.is_symlink() or not path.exists():
            return 0
        if path.is_file():
            return path.stat().st_size
        return sum((Path(root) / name).lstat().st_size for root, _, names in os.walk(path) for name in names)

    db = places.db
    need = sum(size(p) for p in (db, _wal(db), records.path_of(db), _wal(records.path_of(db)), places.published,
                                 places.inbox, filestore.folder(db), _datadocs_folder(db), places.reference,
                                 places.contracts))
    try:
        free = f"{_size_words(shutil.disk_usage(dest.parent).free)} free there"
    except OSError:
        free = "no room left there"
    return BackupError(f'The backup cannot be written to "{dest}": the disk it is on is full ({free}; the backup needs '
                       f"about {_size_words(need)}"
                       + (" while it is built, and its archive more" if is_archive(dest) else "")
                       + "). Nothing was written: what it had begun was removed, and the office's warehouse and "
                         'folders are as they were. Free space on that disk, or give a folder on another one, then run '
                         '"pccdash backup" again.')


def _finish_stopped_switches(db: Path) -> None:
    """A publication or withdrawal a stop left half switched is finished first, as every command does before
    anything else: the public side and the warehouse agree again here, not only in what the backup restores. So is
    the writing anew of a warehouse an erasure left undone: the erased name would still be in the file's unused
    space, and so in the backup."""
    from .pointer_switch import pending

    with warehouse.held_still(db) as con:
        unfinished = pending(con)
    if unfinished or warehouse.rewrite_marker(db).exists():
        with warehouse.connect(db):
            pass


def _copied_folder_holding(dest: Path, places: Places) -> Path | None:
    """The folder a backup copies whole (the published folder, the inbox, the file store, the Data Docs, the
    office's reference files or contracts) that `dest` is in, or is; None when it is in none of them."""
    where = dest.resolve()
    for folder in (places.published, places.inbox, filestore.folder(places.db), _datadocs_folder(places.db),
                   places.reference, places.contracts):
        if folder is not None and where.is_relative_to(folder.resolve()):
            return folder
    return None


def _fill(staging: Path, places: Places) -> dict:
    """Copy everything into `staging`; the manifest (not yet written)."""
    copier = _Copier(staging)
    db = places.db
    with warehouse.held_still(db) as con:  # one moment: no writer changes anything below while it is held
        version = warehouse.schema_version(con)
        holds = _holdings(con, db)
        copier.file(db, "warehouse/warehouse.duckdb")
        if _wal(db).is_file():  # a log of changes a stop left: the restored warehouse replays it
            copier.file(_wal(db), "warehouse/warehouse.duckdb.wal")
        rec = records.path_of(db)
        if rec.is_file():
            copier.file(rec, "warehouse/records.duckdb")
            if _wal(rec).is_file():
                copier.file(_wal(rec), "warehouse/records.duckdb.wal")
        if records.marker_path(db).is_file():
            copier.file(records.marker_path(db), "warehouse/records.pending")
        copier.tree(_datadocs_folder(db), "datadocs")
        holds["snapshots"] = len(list(places.published.glob("snapshot-*.duckdb"))) if places.published.is_dir() else 0
        copier.tree(places.published, "published")
        start = len(copier.entries)
        copier.tree(places.inbox, "inbox")
        holds["inbox"], holds["inbox_set_aside"] = _inbox_held(copier.entries[start:])
    # files are stored before any row names them and never changed: all the copied warehouse names are here now
    holds["stored_files"] = copier.tree(filestore.folder(db), "files")
    for key, folder in (("reference", places.reference), ("contracts", places.contracts)):
        if folder is not None:
            copier.tree(folder, key)
    hold = _numbering_hold_at(db)  # the warehouse's: a restore of this backup holds it too
    return {
        "format": FORMAT, "pccdash_version": __version__, "duckdb_version": duckdb.__version__,
        "schema_version": version, "taken_at": warehouse.utc_now().isoformat(timespec="seconds"),
        "taken_by": _taken_by(), "host": socket.gethostname(),
        "places": {"warehouse": str(db.resolve()), "published": str(places.published.resolve()),
                   "inbox": str(places.inbox.resolve()),
                   "reference": str(places.reference.resolve()) if places.reference else None,
                   "contracts": str(places.contracts.resolve()) if places.contracts else None},
        "holds": holds, "files": copier.entries, **({"numbering_hold": hold} if hold is not None else {}),
    }


def _inbox_held(entries: list[dict]) -> tuple[int, int]:
    """Of the inbox's files copied, the questions from the public (waiting to be imported, or imported) and the
    unreadable files `pccdash inbox import` set aside in its `rejected/` folder, which are no question."""
    questions = set_aside = 0
    for entry in entries:
        if "sha256" not in entry:  # a folder or a link
            continue
        folder, _, name = entry["path"].rpartition("/")
        if folder == "inbox/rejected":
            set_aside += 1
        elif folder in ("inbox", "inbox/imported") and name.endswith(".json") and not name.startswith("."):
            questions += 1
    return questions, set_aside


def _taken_by() -> str:
    """The account taking the backup, by its user id as the audit trail names it (not $USER, which the caller sets)."""
    from .audit import os_account

    return os_account() or warehouse.account()


def _holdings(con: duckdb.DuckDBPyConnection, db: Path) -> dict:
    def count(sql: str) -> int:
        try:
            return warehouse.scalar(con, sql) or 0
        except duckdb.CatalogException:  # a warehouse older than the table
            return 0

    outside: list[str] = []
    not_stored = 0
    with contextlib.suppress(duckdb.CatalogException):
        # returns are kept in the file store as they are loaded; those an earlier version loaded from the command
        # line were not (police.uk's files never are: police.uk keeps them)
        rows = [(p, sha) for p, sha in con.execute(
            "SELECT path, sha256 FROM file_registry WHERE coalesce(layout, '') NOT LIKE 'police_uk%' "
            "AND path IS NOT NULL AND sha256 <> ''").fetchall() if not filestore.has(db, sha)]
        not_stored = len(rows)
        outside = sorted({str(Path(p).parent) for p, _ in rows if p and not p.startswith("uploaded in the app")})
    return {"files_loaded": count("SELECT count(*) FROM file_registry"),
            "police_uk_files": count("SELECT count(*) FROM file_registry WHERE layout LIKE 'police_uk%'"),
            "files_not_stored": not_stored,
            "loaded_from_outside": outside}


def _write_json(path: Path, body: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(body, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _tar(staging: Path, manifest: dict, target: Path, gz: bool) -> None:
    """An archive of the staging folder, its manifest the last member: an archive cut short has none."""
    with tarfile.open(target, "w:gz" if gz else "w") as tar:
        for entry in sorted(staging.iterdir()):
            tar.add(entry, arcname=entry.name)
        faults.point("backup_archive_before_manifest")
        body = json.dumps(manifest, indent=1).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
        tar.addfile(info, io.BytesIO(body))
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())


# ------------------------------------------------------------------------------------------------ restoring


def _not_a_backup(src: Path, why: str) -> BackupError:
    return BackupError(f'"{src}" is not a pccdash backup that can be restored: {why}. Nothing was restored. Give '
                       '"pccdash restore" the folder or archive that "pccdash backup" wrote.')


def _incomplete(src: Path, why: str) -> BackupError:
    return BackupError(f'"{src}" is not a complete backup: {why}, as when a backup is stopped part way or cut short '
                       "by a copy or a full disk. Nothing was restored. Restore from another backup, or take the "
                       'backup again with "pccdash backup".')


def read_manifest(root: Path, src: Path) -> dict:
    """The manifest of an unpacked backup at `root`, checked: its format, its schema version, every file."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if _PARTIAL in src.name:
            raise _incomplete(src, "it was being written and has no record of what it holds") from None
        if src.is_file():  # an archive's record is its last member: one without it was cut short
            raise _incomplete(src, f"the archive ends before its record of what it holds ({MANIFEST})") from None
        raise _not_a_backup(src, f"it has no {MANIFEST}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise _incomplete(src, f"its {MANIFEST} cannot be read") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list) or "format" not in manifest:
        raise _not_a_backup(src, f"its {MANIFEST} does not say what it holds")
    # what the restore reads of the record once files are in place is checked now, before anything is written
    for key, kind, ok in (("files", "a list of files, each with its path",
                             all(isinstance(e, dict) and isinstance(e.get("path"), str) for e in manifest["files"])),
                            ("places", "the folders it was taken from", isinstance(manifest.get("places"), dict)),
                            ("taken_at", "when it was taken", isinstance(manifest.get("taken_at"), str))):
        if not ok:
            raise _not_a_backup(src, f'its {MANIFEST} does not give "{key}" as {kind}')
    latest = warehouse.migrations()[-1][0]
    made_by = manifest.get("pccdash_version", "a later version")
    if not isinstance(manifest["format"], int) or isinstance(manifest["format"], bool):
        raise _not_a_backup(src, f'its {MANIFEST} gives its format as {shown(json.dumps(manifest["format"]))}, '
                                 "not a number")
    if manifest["format"] > FORMAT:
        raise BackupError(f'"{src}" was made by pccdash {made_by}, whose backups this version ({__version__}) cannot '
                          "read. Nothing was restored. Install that version of pccdash (or a later one) here, then "
                          "restore again.")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > latest:
        raise BackupError(f'"{src}" holds a warehouse at schema version {version}, newer than this pccdash '
                          f"({__version__}) knows ({latest}): it was made by pccdash {made_by}. Nothing was restored. "
                          "Install that version of pccdash (or a later one) here, then restore again.")
    for entry in manifest["files"]:
        rel = str(entry.get("path", ""))
        if rel.startswith("/") or ".." in Path(rel).parts or not rel:
            raise _not_a_backup(src, f'its record names a file outside it ("{shown(rel)}")')
        path = root / rel
        if "sha256" in entry:
            if not path.is_file() or path.is_symlink():
                raise _incomplete(src, f'"{shown(rel)}" is missing from it')
            if path.stat().st_size != entry.get("size") or filestore.file_sha256(path) != entry["sha256"]:
                raise _incomplete(src, f'"{shown(rel)}" does not match what the backup recorded of it (damaged or '
                                       "changed since)")
        elif "link" in entry and not (path.is_symlink() and os.readlink(path) == entry["link"]):
            raise _incomplete(src, f'the link "{shown(rel)}" is missing from it')
    if not any(e.get("path") == "warehouse/warehouse.duckdb" for e in manifest["files"]):
        raise _not_a_backup(src, "it holds no warehouse")
    return manifest


@contextlib.contextmanager
def _unpacked(src: Path, near: Path):
    """The backup at `src` as a folder: itself, or an archive unpacked beside `near` (taken away after)."""
    if not src.exists():
        raise BackupError(f'There is no backup at "{src}". Give "pccdash restore" the folder or archive that '
                          '"pccdash backup" wrote.')
    if src.is_dir():
        yield src
        return
    if not tarfile.is_tarfile(src):
        raise _not_a_backup(src, "it is neither a backup folder nor a .tar or .tar.gz archive")
    try:  # beside the warehouse to be: its parts are renamed into place from there
        near.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=near, prefix=".pccdash-restore-"))
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        raise _cannot_write(near, exc) from None
    try:
        try:
            with tarfile.open(src) as tar:
                tar.extractall(folder, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise
            raise _incomplete(src, f"the archive cannot be read to its end ({str(exc).splitlines()[0]})") from None
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Restored:
    sentences: list[str]


def restore(src: Path, places: Places, *, replace: bool = False) -> Restored:
    """Put back everything a backup holds where `places` says, refusing to write over anything unless `replace`
    (then what was there is moved aside, not deleted); the restored warehouse is opened, brought up to date and its
    readers' copy made.

    All or nothing: every part is first copied beside its place under a hidden name, with a record of the restore
    beside the warehouse (`warehouse.restore_marker`) saying what it is copying; only then, the record saying what
    goes where, is what is in the way moved aside and each part renamed into place. A stop while copying leaves
    everything as it was (the next command, or this one run again, removes the copies); a stop once the record says
    what goes where is finished by the next command that opens the warehouse (or this one run again), so every part
    is then the backup's, never some of one and some of the other."""
    src, db = Path(src), places.db
    before: list[str] = []
    stopped = finish_stopped(db)  # one a stop left: finished, or (stopped while copying) undone
    if stopped is not None:
        how, words, body = stopped
        if how == "finished" and body.get("src") == str(src.resolve()):  # this very restore, run again
            return Restored([f'The restore from "{src}" that was stopped part way has now been finished: every part '
                             "is the backup's."] + words)
        before = [stopped_words(how, body)] + words
    _clear_leftovers(places)
    with _unpacked(src, db.parent) as root:
        manifest = read_manifest(root, src)
        _readable_here(root / "warehouse" / "warehouse.duckdb", src, manifest)
        rels = {e["path"] for e in manifest["files"]}
        targets = _targets(places, manifest, rels)
        blocked = [(part, t) for part, t in targets if _occupied(part, t, root)]
        in_the_way = [t for _, t in blocked]
        if in_the_way and not replace:
            # the office's own reference files and contracts go where their setting names, which no option changes
            settings_in_the_way = [f"{env} naming a new folder for the office's {what}"
                                   for part, env, what in (("reference", "PCCDASH_REFERENCE_DIR", "reference files"),
                                                           ("contracts", "PCCDASH_CONTRACTS_DIR", "data contracts"))
                                   if part in {p for p, _ in blocked}]
            raise BackupError("Nothing was restored: " + ", ".join(f'"{_there(t, db)}"' for t in in_the_way)
                              + (" already exists" if len(in_the_way) == 1 else " already exist")
                              + ". Restore into new paths (--db, --published, --inbox"
                              + "".join(f"; {s}" for s in settings_in_the_way)
                              + "), or give --replace to move what is there aside (nothing is deleted) and restore in "
                                "its place.")
        for _, target in targets:
            _writable(target)
        if db in in_the_way and db.exists():
            with warehouse.held_still(db):  # refused while another process writes it
                pass
        stamp = _aside_stamp(db, in_the_way)
        plan = _plan(places, targets, in_the_way, stamp, root)
        journal = _Journal(db)
        _doing().add(db)
        try:
            unpacked = [str(root)] if root != src else []
            journal.write({"state": "copying", "src": str(src.resolve()), "staged": plan.staged,
                           "made": plan.made, "remove": unpacked})
            for folder in plan.made:
                Path(folder).mkdir()
            _stage(plan, movable=root != src)
            faults.point("restore_before_placing")
            body = {"state": "placing", "src": str(src.resolve()), "ops": plan.ops, "remove": unpacked,
                    "manifest": {k: v for k, v in manifest.items() if k != "files"},
                    "parts": sorted({rel.split("/", 1)[0] for rel in rels}), "aside": plan.words,
                    "warnings": plan.warnings, "published_fresh": places.published not in in_the_way,
                    "replaced": plan.replaced, "withdrawn_since": plan.withdrawn_since,
                    "places": {"db": str(db), "published": str(places.published), "inbox": str(places.inbox),
                               "reference": str(places.reference) if places.reference else None,
                               "contracts": str(places.contracts) if places.contracts else None}}
            journal.write(body)
            said = _carry_out(body, journal)
        except BaseException:
            if journal.state == "copying":  # nothing is changed yet: the copies are taken away
                _undo(journal.body)
                journal.remove()
            raise
        finally:
            _doing().discard(db)
            journal.close()
    return Restored(before + said)


# ------------------------------------------------------------------------------------------------ all or nothing


@dataclass
class _Plan:
    """What a restore copies beside each place before it changes anything, and then does, in order."""

    copies: list[tuple] = field(default_factory=list)  # ("whole", src, staged) | ("some", src, staged, rels)
    #                                                    | ("tree", folder, staged): a copy of what stays, set aside
    staged: list[str] = field(default_factory=list)  # every hidden copy, taken away if the restore is undone
    made: list[str] = field(default_factory=list)  # the folder the warehouse is moved aside into
    ops: list[list[str]] = field(default_factory=list)  # ["aside"|"place"|"merge"|"carry", from, to], each safe to
    #                                                     repeat
    words: list[str] = field(default_factory=list)  # where what was in the way went
    warnings: list[str] = field(default_factory=list)  # what the office is to know of what was in the way
    replaced: str | None = None  # the warehouse moved aside
    withdrawn_since: list[dict] = field(default_factory=list)  # the withdrawals the published folder set aside
    #                                                           records and the backup's does not (`_withdrawn_since`)


def _staged_name(target: Path, stamp: str) -> Path:
    return target.with_name(f".{target.name}.restoring-{stamp}.tmp")


def _plan(places: Places, targets: list[tuple[str, Path]], in_the_way: list[Path], stamp: str, root: Path) -> _Plan:
    plan, db, gone = _Plan(), places.db, set()
    carry: list[list[str]] = []  # the snapshots the public read that the backup does not hold, kept (after placing)
    if db in in_the_way:
        whole = db.exists()  # else what a warehouse removed by hand left beside it (its police.uk records, its log)
        folder = db.with_name(f"{db.stem}.replaced-{stamp}")
        plan.made.append(str(folder))
        moved = []
        for path in (db, _wal(db), warehouse.read_copy_path(db), records.path_of(db), _wal(records.path_of(db)),
                     records.marker_path(db), filestore.folder(db), _datadocs_folder(db)):
            if os.path.lexists(path):
                plan.ops.append(["aside", str(path), str(folder / path.name)])
                gone.add(path)
                moved.append(f'"{path.name}"')
        if whole:
            plan.replaced = str(folder / db.name)
        plan.words.append(f'The warehouse that was at "{db}" (with its records, file store and Data Docs) was moved '
                          f'to "{folder}".' if whole else
                          f'What a warehouse no longer at "{db}" left beside it ({", ".join(moved)}) was moved to '
                          f'"{folder}".')
    for path in in_the_way:
        if path == db or path in gone or not path.exists():
            continue
        moved = path.with_name(f"{path.name}.replaced-{stamp}")
        if path.is_dir() and path in (filestore.folder(db), places.inbox):  # merged: kept, and a copy set aside
            hidden = path.with_name(f".{moved.name}.tmp")
            plan.copies.append(("tree", path, hidden))
            plan.staged.append(str(hidden))
            plan.ops.append(["aside", str(hidden), str(moved)])
            plan.words.append(f'"{path}" held other files under names the backup\'s have; it was copied to "{moved}" '
                              "first, and those files replaced by the backup's.")
            continue
        plan.ops.append(["aside", str(path), str(moved)])
        gone.add(path)
        plan.words.append(f'"{path}" was moved to "{moved}".')
        if path == places.published:
            plan.withdrawn_since = _withdrawn_since(path, root / "published")
            carried, warning = _later_snapshots(path, root / "published", places.published)
            if carried:
                carry.append(["carry", str(moved), str(path)])
            if warning:
                plan.warnings.append(warning)
    for part, target in targets:
        if part == "warehouse":  # its files below, the warehouse itself last
            continue
        kept = target.is_dir() and target not in gone
        if part in ("reference", "contracts") and kept and not _differs(root / part, target):
            continue  # the same files are there already
        staged = _staged_name(target, stamp)
        if part in ("files", "inbox") and kept:  # the files not already there are added, the rest kept
            some = [p.relative_to(root / part).as_posix() for p in sorted((root / part).rglob("*"))
                    if (p.is_dir() and not p.is_symlink() and not (target / p.relative_to(root / part)).is_dir())
                    or ((p.is_file() or p.is_symlink()) and _not_the_same(p, target / p.relative_to(root / part)))]
            if not some:
                continue
            plan.copies.append(("some", root / part, staged, some))
            plan.ops.append(["merge", str(staged), str(target)])
        else:
            plan.copies.append(("whole", root / part, staged))
            plan.ops.append(["place", str(staged), str(target)])
            if part == "published":
                plan.ops += carry
        plan.staged.append(str(staged))
    wh = root / "warehouse"
    for name, target in (("records.duckdb", records.path_of(db)), ("records.duckdb.wal", _wal(records.path_of(db))),
                         ("records.pending", records.marker_path(db)), ("warehouse.duckdb.wal", _wal(db)),
                         ("warehouse.duckdb", db)):
        if (wh / name).is_file():
            staged = _staged_name(target, stamp)
            plan.copies.append(("whole", wh / name, staged))
            plan.ops.append(["place", str(staged), str(target)])
            plan.staged.append(str(staged))
    return plan


def _snapshot_files(folder: Path) -> dict[int, Path]:
    found = {}
    for path in folder.glob("snapshot-*.duckdb") if folder.is_dir() else []:
        m = re.fullmatch(r"snapshot-(\d+)\.duckdb", path.name)
        if m and path.is_file() and not path.is_symlink():
            found[int(m.group(1))] = path
    return found


def _months_in(snapshot: Path | None) -> set[str]:
    from .public import read

    if snapshot is None:
        return set()
    try:
        return {str(p) for p in read("SELECT period FROM period", snapshot=snapshot)["period"]
                if re.fullmatch(r"\d{4}-\d{2}", str(p))}
    except (duckdb.Error, KeyError):
        return set()


def _withdrawn_since(there: Path, held: Path) -> list[dict]:
    """The withdrawals the pointer of a published folder a restore sets aside (`there`) records and the backup's
    (`held`) does not (made after the backup was taken), oldest first, each as the public read its notice."""
    from .public import pointer

    def notices(folder: Path) -> list[dict]:
        return [w for w in pointer(folder).get("withdrawals") or []
                if isinstance(w, dict) and isinstance(w.get("version"), int) and not isinstance(w.get("version"), bool)]

    known = {w["version"] for w in notices(held)}
    return sorted((w for w in notices(there) if w["version"] not in known),
                  key=lambda w: (str(w.get("withdrawn_at", "")), w["version"]))


def _in_force_once_withdrawn_again(now: dict, held: Path, withdrawn: set[int]) -> int | None:
    """The snapshot the public reads once the withdrawals made after the backup was taken (`withdrawn`) are made
    again in the folder restored (`_withdraw_again`): the backup's in force, or the latest before it neither
    withdrawn nor gone; None when none is left."""
    version = now.get("version") if isinstance(now.get("version"), int) else None
    if version not in withdrawn:
        return version
    gone = withdrawn | {w.get("version") for w in now.get("withdrawals") or [] if isinstance(w, dict)}
    return max((v for v in _snapshot_files(held) if v < version and v not in gone), default=None)


def _withdraw_again(db: Path, published: Path, notices: list[dict], replaced: Path | None) -> list[str]:
    """Make again, in the warehouse and published folder restored, each withdrawal made after the backup was taken
    (`notices`, as the published folder set aside gave them) of a snapshot the backup puts in force: the public
    read its notice and the snapshot before it, and must not read the figures withdrawn again. The reason is the
    one the public read; who withdrew it, as the warehouse set aside records. What the office is told."""
    from . import audit
    from .pointer_switch import folder_lock
    from .public import pointer
    from .publish.snapshot import withdraw_locked

    by_version = {w["version"]: w for w in notices}
    said = []
    while True:
        in_force = pointer(published).get("version")
        notice = by_version.get(in_force) if isinstance(in_force, int) else None
        if notice is None:
            return said
        who = _withdrawn_by(replaced, in_force) or "pccdash"
        reason = " ".join(str(notice.get("reason") or "").split()) or "withdrawn before this backup was restored"
        with warehouse.connect(db) as con, folder_lock(published):
            if warehouse.scalar(con, "SELECT count(*) FROM snapshot_withdrawal WHERE version = ?", [in_force]):
                return said  # recorded already: the switch it records was finished on opening
            done = withdraw_locked(con, audit.system_actor("pccdash"), who, reason, published, _noticed_at(notice))
        back = f"snapshot {done.restored}" if done.restored else "nothing published"
        said.append(f"Snapshot {done.version}, which this backup holds in force, had been withdrawn after the backup "
                    f"was taken ({reason}): it was withdrawn again, so the public reads {back}, as before the "
                    "restore, with the notice of its withdrawal."
                    + (f" No longer published, and no longer approved (approve them again to publish): "
                       f"{', '.join(done.unpublished)}." if done.unpublished else ""))


def _noticed_at(notice: dict) -> dt.datetime | None:
    """The time a withdrawal's notice gave the public (its `withdrawn_at`, UTC as the warehouse keeps it), for making
    it again as it was read; None when the notice does not hold one."""
    try:
        at = dt.datetime.fromisoformat(str(notice.get("withdrawn_at") or ""))
    except ValueError:
        return None
    return at.astimezone(dt.UTC).replace(tzinfo=None) if at.tzinfo else at


def _set_aside_rows(replaced: Path, sql: str, params: list | None = None) -> list[tuple] | None:
    """The rows `sql` finds in the warehouse a restore set aside (`replaced`), read only; None when it cannot be
    opened or does not hold what is asked (a warehouse older than the table)."""
    try:
        other = duckdb.connect(str(replaced), read_only=True, config={"autoload_known_extensions": False})
    except duckdb.Error:
        return None
    try:
        return other.execute(sql, params or []).fetchall()
    except duckdb.Error:
        return None
    finally:
        other.close()


def _withdrawn_by(replaced: Path | None, version: int) -> str | None:
    """Who withdrew `version`, as the warehouse a restore set aside records; None when it cannot say."""
    if replaced is None or not replaced.is_file():
        return None
    found = _set_aside_rows(replaced, "SELECT withdrawn_by FROM snapshot_withdrawal WHERE version = ?", [version])
    return found[0][0] if found and found[0][0] else None


def _later_snapshots(there: Path, held: Path, published: Path) -> tuple[list[str], str | None]:
    """Of a published folder a restore sets aside (`there`), the snapshots the backup's (`held`) does not hold: each
    has been public, so its file is kept in the folder restored (not in force) that no later publication reuses its
    number, or shows a reader what it hid. (Their names, what the office is to be told of them or None.)"""
    from .public import months_phrase, pointer, snapshot_named

    before, backup = _snapshot_files(there), _snapshot_files(held)
    later = sorted(v for v in before if v not in backup)
    differ = sorted(v for v in before if v in backup
                    and filestore.file_sha256(before[v]) != filestore.file_sha256(backup[v]))
    if not later and not differ:
        return [], None
    was, now = pointer(there), pointer(held)
    in_force = _in_force_once_withdrawn_again(now, held, {w["version"] for w in _withdrawn_since(there, held)})
    reads = held / f"snapshot-{in_force:04d}.duckdb" if in_force else None
    gone = sorted(_months_in(snapshot_named(was, there)) - _months_in(reads))
    named = lambda vs: (f"snapshot {vs[0]}" if len(vs) == 1  # noqa: E731
                        else "snapshots " + ", ".join(map(str, vs[:-1])) + f" and {vs[-1]}")
    said = (f"Warning: the published folder set aside held {named(later or differ)}, which the public has read and "
            "this backup does not hold (published after the backup was taken, or from another warehouse)")
    if later:
        said += (f"; {'its file is' if len(later) == 1 else 'their files are'} kept in \"{published}\", not in "
                 "force, so that no later publication uses "
                 f"{'its number' if len(later) == 1 else 'their numbers'} again or lets a reader work out what "
                 f"{'it' if len(later) == 1 else 'they'} hid")
    if differ and later:
        said += (f". The backup's own {named(differ)} {'is' if len(differ) == 1 else 'are'} not the "
                 f"{'one' if len(differ) == 1 else 'ones'} the public read under that number: "
                 f"{'it stays' if len(differ) == 1 else 'they stay'} in the folder set aside")
    elif differ:
        said += (f"; the backup holds another file under {'that number' if len(differ) == 1 else 'those numbers'}, "
                 "so the public's stays in the folder set aside")
    withdrawn = sorted({w.get("version") for w in was.get("withdrawals") or [] if isinstance(w, dict)}
                       & set(later or differ))
    if withdrawn:
        one = len(withdrawn) == 1
        said += (f". {named(withdrawn)[0].upper()}{named(withdrawn)[1:]} had been withdrawn: the notice of "
                 f"{'its' if one else 'their'} withdrawal the public read is not in this backup, so the public pages "
                 "no longer give it; say so on the office's own pages if it should still be told")
    left = "as the backup left it" if in_force == now.get("version") else "once the withdrawals below are made again"
    said += (f". The public now reads {f'snapshot {in_force}' if in_force else 'nothing published'}, {left}"
             f"{f', without {months_phrase(gone)}' if gone else ''}: load, approve and publish again what "
             f"was done after the backup was taken (the next publication is snapshot {max([*before, *backup]) + 1}).")
    return [f"snapshot-{v:04d}.duckdb" for v in later], said


def _not_the_same(p: Path, here: Path) -> bool:
    """Whether a file of the backup `p` is to be put at `here`: nothing is there, or a different file."""
    if not os.path.lexists(here):
        return True
    if p.is_symlink() or here.is_symlink():
        return not (p.is_symlink() and here.is_symlink() and os.readlink(p) == os.readlink(here))
    return not here.is_file() or filestore.file_sha256(here) != filestore.file_sha256(p)


def _stage(plan: _Plan, movable: bool) -> None:
    """Copy every part beside its place under a hidden name (from an archive unpacked beside the warehouse, moved
    there when it can be)."""
    for n, copy in enumerate(plan.copies):
        if n == 1:
            faults.point("restore_copying")
        kind, src, staged = copy[0], copy[1], copy[2]
        if kind == "tree":
            shutil.copytree(src, staged, symlinks=True)
        elif kind == "whole":
            _copy(src, staged, movable)
        else:
            staged.mkdir()
            os.chmod(staged, stat.S_IMODE(src.stat().st_mode))
            for rel in copy[3]:
                p, at = src / rel, staged / rel
                if p.is_dir() and not p.is_symlink():
                    at.mkdir(parents=True, exist_ok=True)
                    os.chmod(at, stat.S_IMODE(p.stat().st_mode))
                else:
                    at.parent.mkdir(parents=True, exist_ok=True)
                    _copy(p, at, movable)


def _copy(src: Path, dst: Path, movable: bool) -> None:
    if movable:
        with contextlib.suppress(OSError):  # another disk: copied instead
            os.rename(src, dst)
            return
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True)
    elif src.is_symlink():
        os.symlink(os.readlink(src), dst)
    else:
        shutil.copy2(src, dst)
        with open(dst, "rb+") as fh:
            os.fsync(fh.fileno())


def _do(kind: str, a: str, b: str) -> None:
    """One step of a restore, done so that doing it again, after a stop, changes nothing more: "aside" moves what is
    in the way to a name no other step uses, "place" renames a part copied beside its place into it, "merge" moves
    each of the files copied beside a folder into it."""
    here, there = Path(a), Path(b)
    if kind == "aside":
        if not os.path.lexists(there) and os.path.lexists(here):
            os.replace(here, there)
    elif kind == "place":
        if not os.path.lexists(here):
            return  # placed already
        if there.is_dir() and not there.is_symlink() and not any(there.iterdir()):
            there.rmdir()  # an empty folder named for it: the part takes its place
        os.replace(here, there)
    elif kind == "merge":
        if not here.is_dir():
            return
        for p in sorted(here.rglob("*")):
            at = there / p.relative_to(here)
            if p.is_dir() and not p.is_symlink():
                at.mkdir(parents=True, exist_ok=True)
                os.chmod(at, stat.S_IMODE(p.stat().st_mode))
            else:
                at.parent.mkdir(parents=True, exist_ok=True)
                os.replace(p, at)
                faults.point("restore_merge_part_way")
        shutil.rmtree(here)
    elif kind == "carry":  # the snapshots a published folder set aside held that the one restored has no file of
        for p in sorted(_snapshot_files(here).values()):
            at = there / p.name
            if not os.path.lexists(at):
                tmp = there / f".{p.name}.tmp"
                shutil.copy2(p, tmp)
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, at)
        _fsync_dir(there)
    _fsync_dir(there.parent)


def _carry_out(body: dict, journal: _Journal) -> list[str]:
    """Do every step the record of a restore lists (those done already change nothing), then open the restored
    warehouse; the record is removed last."""
    for n, (kind, a, b) in enumerate(body["ops"], 1):
        _do(kind, a, b)
        faults.point(f"restore_after_step_{n}")
    at = body["places"]
    places = Places(Path(at["db"]), Path(at["published"]), Path(at["inbox"]),
                    Path(at["reference"]) if at.get("reference") else None,
                    Path(at["contracts"]) if at.get("contracts") else None)
    manifest = body["manifest"]
    _repoint_pending_switches(places.db, manifest["places"].get("published"), places.published)
    faults.point("restore_before_open")
    replaced = Path(body["replaced"]) if body.get("replaced") else None
    said = _open_restored(places.db, Path(body["src"]), manifest, places, body["aside"],
                          replaced if replaced is not None and replaced.is_file() else None, set(body["parts"]),
                          fresh_published=bool(body.get("published_fresh")))
    said += _withdraw_again(places.db, places.published, body.get("withdrawn_since") or [], replaced)
    said += body.get("warnings", [])
    faults.point("restore_before_done")
    for path in body.get("remove", []):
        shutil.rmtree(path, ignore_errors=True)
    journal.remove()
    return said


def _undo(body: dict) -> None:
    """Take away what a restore stopped while copying had copied: nothing else was changed."""
    for path in [*body.get("staged", []), *body.get("remove", [])]:
        p = Path(path)
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        elif os.path.lexists(p):
            p.unlink()
    for folder in body.get("made", []):
        with contextlib.suppress(OSError):  # removed only when empty
            Path(folder).rmdir()


def _clear_leftovers(places: Places) -> None:
    """Copies a restore stopped before it wrote its record (an earlier pccdash's, or one stopped at once) left beside
    the places it restores to: hidden, and nobody's now."""
    db = places.db
    beside = [places.published, places.inbox, places.reference, places.contracts, filestore.folder(db),
              _datadocs_folder(db), db, _wal(db), records.path_of(db), _wal(records.path_of(db)),
              records.marker_path(db)]
    for target in beside:
        if target is None or not target.parent.is_dir():
            continue
        for left in target.parent.glob(f".{glob.escape(target.name)}.restoring-*.tmp"):
            shutil.rmtree(left, ignore_errors=True) if left.is_dir() and not left.is_symlink() else left.unlink()
    if db.parent.is_dir():
        for left in db.parent.glob(".pccdash-restore-*"):  # an archive unpacked by a restore that was stopped
            shutil.rmtree(left, ignore_errors=True)


class RestoreRunning(BackupError):
    """Another command is restoring a backup here and has not finished."""


def _doing() -> set[Path]:
    """The warehouses whose restore this thread is doing or finishing: opening one of them does not wait for it."""
    if not hasattr(_THIS_THREAD, "doing"):
        _THIS_THREAD.doing = set()
    return _THIS_THREAD.doing


_THIS_THREAD = threading.local()


class _Journal:
    """The record of a restore under way, beside the warehouse, held (flock) by the process doing it for as long as
    it runs: a command that finds it held waits; one that finds it not held finishes or undoes the restore."""

    def __init__(self, db: Path):
        self.db = db
        self.path = warehouse.restore_marker(db)
        self.fd: int | None = None
        self.body: dict = {}

    @property
    def state(self) -> str | None:
        return self.body.get("state") if self.fd is not None else None

    def write(self, body: dict) -> None:
        """Write the record whole (held before it takes the place of the one before, so it is never free)."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, json.dumps(body, indent=1).encode("utf-8"))
            os.fsync(fd)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(self.path.parent)
        self.close()
        self.fd, self.body = fd, body

    def take(self, wait_s: float, say) -> bool:
        """Hold the record a stopped restore left; False when there is none (or it was finished meanwhile)."""
        deadline, said = time.monotonic() + wait_s, False
        while True:
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        os.close(fd)
                        raise RestoreRunning(
                            f'A backup is being restored to "{self.db}" by another command, which has not '
                            "finished. Nothing was changed: wait for the restore to end, then run this again.") \
                            from None
                    if say is not None and not said:
                        say(f'A backup is being restored to "{self.db}" by another command: waiting for it to '
                            "finish (Ctrl+C stops waiting).")
                        said = True
                    time.sleep(0.1)
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # finished, or written anew, while this waited: look again
                os.close(fd)
                continue
            try:
                body = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                os.close(fd)
                raise BackupError(f'The record of a restore "{self.path}" cannot be read, so what the restore it '
                                  "records did is not known. Ask the office's administrator to look at it: restore "
                                  'the backup again with "pccdash restore SRC --replace" once it is moved away.') \
                    from None
            self.fd, self.body = fd, body
            return True

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        _fsync_dir(self.path.parent)
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


_FINISHING = threading.RLock()


def finish_stopped(db: Path, say=None) -> tuple[str, list[str], dict] | None:
    """Finish a restore into `db` a stop left part way (every part put in place as its record says, then the
    warehouse opened as a restore opens it), or undo one stopped while it was still copying (nothing was changed
    then: the copies are taken away). ("finished" | "undone", what the restore says, its record); None when no
    restore was stopped here. A restore still running is waited for."""
    db = Path(db)
    if db in _doing() or not warehouse.restore_marker(db).exists():
        return None
    with _FINISHING:
        journal = _Journal(db)
        seconds, said = warehouse.waits()
        if not journal.take(seconds, say or said):
            return None
        _doing().add(db)
        try:
            body = journal.body
            if body.get("state") != "placing":
                _undo(body)
                journal.remove()
                return "undone", [], body
            return "finished", _carry_out(body, journal), body
        finally:
            _doing().discard(db)
            journal.close()


def stopped_words(how: str, body: dict) -> str:
    """What became of a restore a stop left, to the person running the next command."""
    src = body.get("src", "a backup")
    if how == "undone":
        return (f'A restore from "{src}" was stopped before it changed anything: the copies it had begun were removed '
                f'and everything is as it was. To restore that backup, run "pccdash restore {src}" again.')
    return (f'A restore from "{src}" was stopped part way: it has now been finished, so everything is the backup\'s '
            "(what it says follows).")


def _readable_here(path: Path, src: Path, manifest: dict) -> None:
    """Refuse, before anything is written, a warehouse this pccdash's DuckDB cannot open (one a newer DuckDB wrote)."""
    try:
        duckdb.connect(str(path), read_only=True, config={"autoload_known_extensions": False}).close()
    except duckdb.Error as exc:
        raise BackupError(
            f'The warehouse in "{src}" cannot be opened by this pccdash ({__version__}, DuckDB {duckdb.__version__}): '
            f"{str(exc).splitlines()[0]}. It was backed up by pccdash {manifest.get('pccdash_version')} with DuckDB "
            f"{manifest.get('duckdb_version')}. Nothing was restored. Install that version of pccdash (or a later "
            "one) here, then restore again.") from None


def _targets(places: Places, manifest: dict, rels: set[str]) -> list[tuple[str, Path]]:
    """(part of the backup, where it goes) for each folder part the backup holds."""
    db = places.db
    found = [("datadocs", _datadocs_folder(db)), ("files", filestore.folder(db)), ("published", places.published),
             ("inbox", places.inbox)]
    for key, env, folder in (("reference", "PCCDASH_REFERENCE_DIR", places.reference),
                             ("contracts", "PCCDASH_CONTRACTS_DIR", places.contracts)):
        if key not in rels:
            continue
        if folder is None:
            what = "reference files" if key == "reference" else "data contracts"
            raise BackupError(f"The backup holds the office's own {what} "
                              f'(from "{manifest["places"].get(key)}"), and {env} names no folder here for them. Set '
                              f"{env} to the folder they should go in (var/{key}, say: the commands and dashboards "
                              "read them from there), then restore again. Nothing was restored.")
        found.append((key, folder))
    return [(part, target) for part, target in found if part in rels] + [("warehouse", db)]


def _occupied(part: str, target: Path, root: Path) -> bool:
    """Whether restoring `part` would write over something: the warehouse or anything beside it that is its; a
    folder with anything in it (the file store and the inbox take what is missing and keep the rest, so only a
    different file of the same name is in the way there; reference files the same as the backup's are not)."""
    if part == "warehouse":
        return any(p.exists() for p in (target, _wal(target), records.path_of(target)))
    if not target.exists() and not target.is_symlink():
        return False
    if not target.is_dir():
        return True
    if part in ("files", "inbox"):
        return any((target / p.relative_to(root / part)).is_file()
                   and filestore.file_sha256(target / p.relative_to(root / part)) != filestore.file_sha256(p)
                   for p in (root / part).rglob("*") if p.is_file() and not p.is_symlink())
    if part in ("reference", "contracts"):
        return _differs(root / part, target)
    return any(target.iterdir())


def _there(target: Path, db: Path) -> Path:
    """What is in the way at `target`: the warehouse's own file, or when it is gone what it left beside it (its
    police.uk records, its log), which a restore would write over just the same."""
    if target != db or target.exists():
        return target
    return next((p for p in (_wal(db), records.path_of(db)) if p.exists()), target)


def _differs(a: Path, b: Path) -> bool:
    def listing(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): filestore.file_sha256(p) for p in folder.rglob("*") if p.is_file()}

    return listing(a) != listing(b)


def _cannot_write(folder: Path, exc: OSError | None = None) -> BackupError:
    why = f" ({(exc.strerror or str(exc)).lower()})" if exc is not None else ""
    return BackupError(f'Nothing was restored: "{folder}" cannot be written{why}. Ask the office\'s administrator to '
                       f"let the account running pccdash ({warehouse.account()}) write there, or restore into "
                       "other paths (--db, --published, --inbox).")


def _writable(target: Path) -> None:
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        raise _cannot_write(folder, exc) from None


def _aside_stamp(db: Path, in_the_way: list[Path]) -> str:
    """The time to name what a restore sets aside by, to the second, with "-2", "-3"... added when a name it would
    give is taken already (a second restore in the same second would otherwise meet the first one's folder, or
    replace a file it set aside)."""
    now = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    stamp, n = now, 1
    while db.with_name(f"{db.stem}.replaced-{stamp}").exists() or any(
            p.with_name(f"{p.name}.replaced-{stamp}").exists() for p in in_the_way):
        n += 1
        stamp = f"{now}-{n}"
    return stamp


def _repoint_pending_switches(db: Path, was: str | None, now: Path) -> None:
    """A switch of the public side a stop left undone names the published folder as it was on the machine backed
    up: it is to be finished in the folder restored."""
    if not was:
        return
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE pointer_switch SET folder = ? WHERE done_at IS NULL AND folder = ?",
                    [str(now.resolve()), was])
    except duckdb.CatalogException:  # a warehouse older than the record of switches
        pass
    finally:
        con.close()


def _newer_set_aside(con: duckdb.DuckDBPyConnection, replaced: Path) -> str | None:
    """What the office is to be told when the warehouse a restore set aside records work done after the newest the
    restored one holds (an older backup picked over a newer state): how much, and what; None when it records none."""
    from .audit import action_words

    latest = warehouse.scalar(con, "SELECT max(acted_at) FROM audit_event WHERE action <> 'restore'")
    rows = _set_aside_rows(replaced, "SELECT action, detail, acted_at FROM audit_event WHERE action <> 'restore' "
                                     "AND (? IS NULL OR acted_at > ?) ORDER BY acted_at, event_id", [latest, latest])
    if not rows:
        return None
    done: dict[str, int] = {}
    for action, detail, _ in rows:
        words = action_words(action, detail)
        done[words] = done.get(words, 0) + 1
    return (f'Warning: the warehouse set aside ("{replaced}") is newer than this backup: it records '
            f"{counted(len(rows), 'action')} on its audit trail after the newest this backup holds, the last at "
            f"{uk_words(rows[-1][2], 'words') or rows[-1][2]} ("
            + "; ".join(f"{w} ({n:,})" for w, n in done.items())
            + "). None of it is in the warehouse restored. If this is not the backup meant, restore the newer one "
            "with --replace; the warehouse set aside stays as it was where it now is.")


def _numbering_hold_at(db: Path) -> dict | None:
    """The hold on numbering beside the warehouse at `db` (`publish.snapshot.numbering_hold_path`), or None."""
    from .publish.snapshot import numbering_hold_path, read_numbering_hold

    return read_numbering_hold(numbering_hold_path(db))


def _hold_numbering(db: Path, fresh_published: bool, last: int, taken_at: str, carried: dict | None,
                    replaced: bool, published: Path) -> dict | None:
    """Restored into a new published folder, the warehouse cannot know what was published after its backup was
    taken, whose numbers the public has seen: the next publication waits for the office to say the latest
    (`publish.snapshot.numbered_after`). Restored into the folder it goes on from, it is told by that folder's
    snapshots, unless the backup was itself taken under such a hold (`carried`, a backup taken between a restore
    into a new published folder and the first publication from it), or the warehouse replaced was under one: that
    folder then knows no more than the backup did, and the hold stays until the folder holds a snapshot numbered
    after the backup's last (carried over from the folder set aside). The hold left, or None."""
    from .publish.snapshot import numbering_hold_path

    path = numbering_hold_path(db)
    held = carried if carried is not None else _numbering_hold_at(db) if replaced else None
    if fresh_published:
        hold = held if held is not None else {"last_in_backup": last, "taken_at": taken_at, "taken": _when(taken_at)}
    else:
        known = held.get("last_in_backup") if held is not None else None
        newest = max(_snapshot_files(published), default=0)
        hold = held if held is not None and not (isinstance(known, int) and newest > known) else None
    if hold is None:
        path.unlink(missing_ok=True)
        return None
    tmp = path.with_name(f".{path.name}.tmp")
    _write_json(tmp, hold)
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return hold


def _carry_rejections(con: duckdb.DuckDBPyConnection, replaced: Path) -> list[str]:
    """Carry into the restored warehouse the rejections of questions from the public the warehouse a restore set aside
    (`replaced`) records and the restored one does not (made after the backup was taken), each with its reason, who
    and when, and the question's row as the one set aside holds it when the restored one has none (imported after
    the backup): a rejection may have been told to the sender, and is not to be undone by a restore, nor the
    question to come back waiting, its words (erased once the retention period passed) with it. The references."""
    from . import audit

    # none from a warehouse older than the record of questions from the public, or of erasures
    rows = _set_aside_rows(
        replaced,
        "SELECT s.submission_id, s.received_at, s.body, s.name, s.contact, s.imported_at, s.erased_at, "
        "s.words_erased_at, m.reason, m.moderated_by, m.moderated_at FROM public_submission s JOIN "
        "(SELECT DISTINCT ON (submission_id) * FROM submission_moderation ORDER BY submission_id, moderation_id) m "
        "USING (submission_id) WHERE m.outcome = 'rejected' ORDER BY m.moderated_at, s.submission_id") or []
    moderated = {i for (i,) in con.execute("SELECT submission_id FROM submission_moderation").fetchall()}
    held = {i for (i,) in con.execute("SELECT submission_id FROM public_submission").fetchall()}
    carried = [row for row in rows if row[0] not in moderated]
    if not carried:
        return []
    with audit.transaction(con):
        for ident, received, body, name, contact, imported, erased, words_erased, reason, by, at in carried:
            if ident not in held:
                con.execute("INSERT INTO public_submission (submission_id, received_at, body, name, contact, "
                            "imported_at, erased_at, words_erased_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [ident, received, body, name, contact, imported, erased, words_erased])
            con.execute("INSERT INTO submission_moderation (submission_id, outcome, reason, moderated_by, "
                        "moderated_at) VALUES (?, 'rejected', ?, ?, ?)", [ident, reason, by, at])
        audit.record(con, audit.system_actor("pccdash"), "moderate", subject="questions from the public",
                     detail=f"{counted(len(carried), 'rejection')} made after the backup restored was taken carried "
                            "over from the warehouse set aside: " + ", ".join(row[0][:8] for row in carried))
    return [row[0][:8] for row in carried]


def _rejected_on_record(con: duckdb.DuckDBPyConnection, worded: dict) -> list[str]:
    """Record as rejected the questions from the public the restored warehouse holds waiting whose words the record
    of erasures says were erased (`worded`: id and when): only a rejected question's words are erased, so it was
    rejected after the backup was taken, where no warehouse set aside says why. Left waiting, its words would be
    back and it would be read again. The references."""
    from . import audit

    waiting = {i for (i,) in con.execute(
        "SELECT submission_id FROM public_submission s WHERE submission_id IN (SELECT unnest(?)) AND NOT EXISTS "
        "(SELECT 1 FROM submission_moderation m WHERE m.submission_id = s.submission_id)", [list(worded)]).fetchall()}
    if not waiting:
        return []
    done = sorted(waiting, key=lambda i: (worded[i], i))
    with audit.transaction(con):
        for ident in done:
            con.execute("INSERT INTO submission_moderation (submission_id, outcome, reason, moderated_by, "
                        "moderated_at) VALUES (?, 'rejected', ?, ?, ?)",
                        [ident, "Rejected after the backup restored was taken: the record of erasures says its words "
                         "were erased, which only a rejection does; the reason given then is not in the backup",
                         "pccdash", worded[ident]])
        audit.record(con, audit.system_actor("pccdash"), "moderate", subject="questions from the public",
                     detail=f"{counted(len(done), 'question')} rejected after the backup restored was taken (the "
                            "record of erasures says their words were erased) recorded as rejected again: "
                            + ", ".join(i[:8] for i in done))
    return [i[:8] for i in done]


def _put_back_unknown_questions(con: duckdb.DuckDBPyConnection, inbox: Path) -> int:
    """Move the questions from the public in the inbox's imported/ folder that the restored warehouse has no record of
    (imported after the backup was taken, into the warehouse it replaced) back into the inbox, where the next import
    takes them: left there, no import would ever read them again. How many."""
    from .accountability.moderation import IMPORTED

    folder = inbox / IMPORTED
    if not folder.is_dir():
        return 0
    known = {ident for (ident,) in con.execute("SELECT submission_id FROM public_submission").fetchall()}
    moved = 0
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith(".") or path.stem in known or not path.is_file() or path.is_symlink():
            continue
        if not os.path.lexists(inbox / path.name):
            os.replace(path, inbox / path.name)
            moved += 1
    if moved:
        _fsync_dir(inbox)
    return moved


def _accepted_since(con: duckdb.DuckDBPyConnection, replaced: Path | None, inbox: Path) -> list[tuple] | None:
    """The questions from the public the warehouse a restore set aside (`replaced`) records as accepted and the
    restored one holds waiting, or has put back in the inbox (accepted after the backup was taken), oldest first, each
    with who accepted it and when, the question it became, the meeting it was put to and whether the restored
    warehouse holds it (or the inbox only, to import again). None when no warehouse set aside can say. An acceptance
    is not carried over as a rejection is: the Board question it made belongs to a meeting, with a number, answers
    and a place in a pack, which only the whole warehouse set aside holds."""
    if replaced is None:
        return None
    rows = _set_aside_rows(
        replaced,
        "SELECT m.submission_id, m.moderated_by, m.moderated_at, m.question_id, q.meeting_id, g.kind, g.title, "
        "g.held_on FROM (SELECT DISTINCT ON (submission_id) * FROM submission_moderation ORDER BY submission_id, "
        "moderation_id) m LEFT JOIN board_question q ON q.question_id = m.question_id LEFT JOIN meeting g ON "
        "g.meeting_id = q.meeting_id WHERE m.outcome = 'accepted' ORDER BY m.moderated_at, m.submission_id")
    if rows is None:
        return None
    from .accountability.moderation import pending

    waiting = {s.submission_id for s in pending(con)}
    return [(*row, row[0] in waiting) for row in rows if row[0] in waiting or (inbox / f"{row[0]}.json").is_file()]


def _accepted_since_words(accepted: list[tuple]) -> str | None:
    """The warning naming the questions accepted after the backup was taken that a restore leaves waiting
    (`_accepted_since`), and what the office is to do; None when there are none."""
    from .accountability.records import meeting_name

    if not accepted:
        return None

    def one_of(ident, by, at, question, meeting, kind, title, held_on, here) -> str:
        put = (f", put to meeting {meeting}, the {meeting_name(kind, title)} of {uk_day_words(held_on)}"
               if meeting is not None else "")
        back = "" if here else "; imported after the backup was taken, it is put back in the inbox to import"
        return f"{ident[:8]} (accepted by {by} on {uk_day_words(at)} as question {question}{put}{back})"

    one = len(accepted) == 1
    return (f"Warning: {counted(len(accepted), 'question')} from the public accepted after this backup was taken, as "
            f"the warehouse set aside records, {'is' if one else 'are'} waiting again here: "
            + "; ".join(one_of(*row) for row in accepted)
            + f". The warehouse restored holds neither {'its' if one else 'their'} acceptance nor the Board "
            f"question{'' if one else 's'} {'it' if one else 'they'} became, which only the warehouse set aside "
            f"holds with its meeting, number and answers. Accept {'it' if one else 'each'} again, to the meeting it "
            "was put to, rather than reject it (its sender may have been told it was put), or restore a backup taken "
            "after the acceptance, with --replace.")


def _moderation_unknown_words(con: duckdb.DuckDBPyConnection, taken: str) -> str | None:
    """The warning naming the questions from the public a restored warehouse holds waiting when nothing here says
    whether any was accepted or rejected after the backup was taken (`_accepted_since` is None), and what the office
    is to check; None when it holds none waiting."""
    from .accountability.moderation import pending

    waiting = [s.receipt for s in pending(con)]
    if not waiting:
        return None
    one = len(waiting) == 1
    return (f"Warning: nothing here says whether the {counted(len(waiting), 'question')} from the public this backup "
            f"holds waiting ({', '.join(waiting)}) {'was' if one else 'were'} accepted or rejected after it was taken: "
            "only a warehouse says so, and none was replaced here (or the one set aside cannot be read). Before "
            f"accepting or rejecting {'it' if one else 'them'}, check the questions put to meetings since "
            f"{_when(taken)} on the machine the backup came from (the Board's papers, or the public pages): one "
            "accepted there is to be accepted again, to the meeting it was put to, not rejected or put twice.")


def _erased_again_words(contacts: list[str], words: list[str]) -> str:
    """What a restore erased again (`erasure.reapply`): senders' names and contacts (`contacts`), and the words of
    rejected questions (`words`), each by its questions' references."""
    said = []
    if contacts:
        said.append(f"{counted(len(contacts), 'erasure')} of a sender's name and contact made after this backup was "
                    f"taken {'was' if len(contacts) == 1 else 'were'} made again ({', '.join(contacts)})")
    if words:  # words are plural, of one question or many
        said.append(f"{'the' if said else 'The'} words of {counted(len(words), 'rejected question')} from the public, "
                    f"erased after {'it' if said else 'this backup'} was taken (never published), were erased again "
                    f"({', '.join(words)})")
    return ", and ".join(said) + ": what the backup held of them is not restored."


def _erasures_checked(con: duckdb.DuckDBPyConnection, known: dict, again: list[str], inbox: Path) -> list[str]:
    """What the check of the erasures on record (`known`: id and when) found of those a restore did not make again
    (`again`: references): those of questions the restored warehouse holds were made before the backup was taken;
    those of questions it does not hold (imported after the backup was taken) but whose copy the inbox keeps, erased
    already, are said by reference, with the day: imported again, each reads as erased then, not as sent without a
    name or contact. The office's sentences."""
    from .accountability.moderation import IMPORTED

    made = set(again)
    rest = [ident for ident in known if ident[:8] not in made]
    held = {i for (i,) in con.execute("SELECT submission_id FROM public_submission WHERE submission_id IN "
                                      "(SELECT unnest(?))", [rest]).fetchall()} if rest else set()
    copied = sorted((i for i in rest if i not in held
                     and any((folder / f"{i}.json").is_file() for folder in (inbox, inbox / IMPORTED))),
                    key=lambda i: (known[i], i))
    said = []
    others = len(rest) - len(copied)
    if others and not again:
        said.append("The 1 erasure of a sender's name and contact on record was checked: it did not need making "
                    "again." if others == 1 else f"The {others:,} erasures of senders' names and contacts on record "
                    "were checked: none needed making again.")
    if copied:
        one = len(copied) == 1
        said.append(f"{counted(len(copied), 'erasure')} of a sender's name and contact on record "
                    f"{'is of a question' if one else 'are of questions'} imported after this backup was taken, which "
                    "it does not hold ("
                    + ", ".join(f"{i[:8]}, erased on {uk_day_words(known[i])}" for i in copied)
                    + f"): {'its copy' if one else 'their copies'} in the inbox {'was' if one else 'were'} checked and "
                    f"found erased already, so imported again {'it reads' if one else 'each reads'} as erased on that "
                    "day, as before.")
    return said


def _open_restored(db: Path, src: Path, manifest: dict, places: Places, aside: list[str],
                   replaced: Path | None, parts: set[str], *, fresh_published: bool = False) -> list[str]:
    """Open the restored warehouse as every command does (its schema brought up to date, a switch a stop left
    finished, its readers' copy made), record the restore in its audit trail, make again the erasures of the public's
    names and contacts the backup predates (those the record of erasures beside the warehouse, or the warehouse
    `replaced`, knows), and say what was restored."""
    from . import audit
    from .accountability import erasure

    with warehouse.connect(db) as con:
        version = warehouse.schema_version(con)
        count = lambda sql: warehouse.scalar(con, sql) or 0  # noqa: E731
        figures, files = count("SELECT count(*) FROM figure"), count("SELECT count(*) FROM file_registry")
        flags, meetings = count("SELECT count(*) FROM figure_flag"), count("SELECT count(*) FROM meeting")
        packs = count("SELECT count(DISTINCT pack_id) FROM pack_file")
        events = count("SELECT count(*) FROM audit_event")
        snapshots = con.execute("SELECT version, sha256, file_name FROM snapshot ORDER BY version").fetchall()
        detail = (f'from "{src}", taken {_when(manifest["taken_at"])} on {manifest.get("host", "another machine")} '
                  f"(schema version {manifest['schema_version']})")
        with audit.transaction(con):  # once: a restore finished after a stop may have recorded itself already
            if not warehouse.scalar(con, "SELECT count(*) FROM audit_event WHERE action = 'restore' AND detail = ?",
                                    [detail]):
                audit.record(con, audit.system_actor("pccdash"), "restore", subject="the warehouse", detail=detail)
        rejections = _carry_rejections(con, replaced) if replaced is not None else []
        known = erasure.on_record(db, replaced)
        inferred = _rejected_on_record(con, getattr(known, "words", {})) if known else []
        again = erasure.reapply(con, known or {}, places.inbox)
        unknown = known is None and bool(erasure.kept(con))
        put_back = _put_back_unknown_questions(con, places.inbox)
        checked = _erasures_checked(con, known, again, places.inbox) if known else []
        accepted = _accepted_since(con, replaced, places.inbox)
        moderated_since = (_moderation_unknown_words(con, manifest["taken_at"]) if accepted is None
                           else _accepted_since_words(accepted))
        newer = _newer_set_aside(con, replaced) if replaced is not None else None
        last = con.execute("SELECT action, detail, acted_at FROM audit_event WHERE action <> 'restore' "
                           "ORDER BY acted_at DESC, event_id DESC LIMIT 1").fetchall()
    from .public import pointer

    hold = _hold_numbering(db, fresh_published, max([v for v, _, _ in snapshots] or [0]), manifest["taken_at"],
                           manifest.get("numbering_hold"), replaced is not None, places.published)
    bad = [name for _, digest, name in snapshots
           if not (places.published / name).is_file() or filestore.file_sha256(places.published / name) != digest]
    in_force = pointer(places.published).get("version")
    said = [f'Restored the backup {detail} to "{db}" (schema version {version}'
            + (f", upgraded from {manifest['schema_version']}" if version != manifest["schema_version"] else "")
            + f"): {counted(figures, 'figure')} from {counted(files, 'loaded file')}, {counted(flags, 'flag')}, "
            f"{counted(meetings, 'meeting')}, {counted(packs, 'briefing pack')}, {counted(events, 'audit record')} "
            "(this restore the latest); the readers' copy made.",
            f'Published folder "{places.published}": {counted(len(snapshots), "snapshot")}, '
            + (f"snapshot {in_force} in force." if in_force else "nothing in force."),
            f'File store "{filestore.folder(db)}" and inbox "{places.inbox}" restored.']
    if "reference" in parts:
        said.append(f'The office\'s reference files restored to "{places.reference}".')
    if "contracts" in parts:
        said.append(f'The office\'s data contracts restored to "{places.contracts}".')
    if rejections:
        one = len(rejections) == 1
        said.append(f"{counted(len(rejections), 'rejection')} of {'a question' if one else 'questions'} from the "
                    f"public made after this backup was taken {'was' if one else 'were'} carried over from the "
                    f"warehouse set aside, so {'it stays' if one else 'they stay'} rejected: "
                    + ", ".join(rejections) + ".")
    if inferred:
        one = len(inferred) == 1
        said.append(f"{counted(len(inferred), 'question')} from the public that the backup holds waiting "
                    f"{'was' if one else 'were'} rejected after it was taken, as the record of erasures says (its "
                    f"words were erased, which only a rejection does): {'it is' if one else 'they are'} recorded as "
                    f"rejected again, without the reason given then, which the backup does not hold: "
                    + ", ".join(inferred) + ".")
    if again:
        said.append(_erased_again_words(again.contacts, again.words))
    said += checked
    if unknown:
        said.append(f"Warning: nothing here says which senders' names and contacts were erased after this backup was "
                    f'taken (there is no record of erasures at "{erasure.ledger_path(db)}", and no warehouse was '
                    f"replaced), so any erased since {_when(manifest['taken_at'])} are back. Check the office's log of "
                    'erasure requests: find each sender with "pccdash inbox find CONTACT" and erase them again with '
                    '"pccdash inbox forget REFERENCE". (A copy of the record of erasures from the machine the '
                    "backup came from, put at that path before restoring, has the restore erase them again.)")
    if moderated_since:
        said.append(moderated_since)
    if newer:
        said.append(newer)
    if fresh_published and last:
        from .audit import action_words

        action, detail, at = last[0]
        said.append(f"The backup holds what was done up to when it was taken: the newest on its audit trail is from "
                    f"{uk_words(at, 'words') or at} ({action_words(action, detail)}), and anything done after that on "
                    "the machine it came from is not here. If a snapshot later than "
                    + (f"snapshot {in_force}" if in_force else "the backup's")
                    + " was published from there, restore into the published folder that holds it (the public web "
                    "server's, say: --published FOLDER --replace), which keeps it, so that no publication from here "
                    "uses its number again. Until then, publishing from here is refused unless given the number of "
                    "the latest publication the public has seen (\"pccdash publish --after-snapshot NUMBER\"), "
                    "which the next is numbered after.")
    elif hold is not None:
        known = hold.get("last_in_backup")
        said.append(f"Publishing from here is still refused unless given the number of the latest publication the "
                    f"public has seen (\"pccdash publish --after-snapshot NUMBER\"), which the next is numbered after: "
                    f"this warehouse comes from a backup taken {hold.get('taken', 'earlier')} and restored into a new "
                    "published folder, with no publication made from it since, and the published folder restored "
                    "into holds none after "
                    + (f"snapshot {known}" if isinstance(known, int) and known else "that backup's last")
                    + ", so it cannot say what the public has seen since. Restoring into the published folder that "
                    "holds the later snapshots (the public web server's: --published FOLDER --replace) keeps them, "
                    "and publishing then needs no number.")
    if put_back:
        one = put_back == 1
        said.append(f"{counted(put_back, 'question')} from the public that the inbox's imported/ folder held and the "
                    f"restored warehouse has no record of (imported after this backup was taken) "
                    f"{'was' if one else 'were'} put back in the inbox to be imported again: import "
                    f"{'it' if one else 'them'} (\"pccdash inbox import\", or the \"Questions from the public\" page) "
                    f"and accept or reject {'it' if one else 'each'} again.")
    if bad:
        said.append(f"Warning: the warehouse records {'a snapshot' if len(bad) == 1 else 'snapshots'} the published "
                    "folder does not hold as published: "
                    + ", ".join(bad) + ".")
    return aside + said
