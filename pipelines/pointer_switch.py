"""The public side's pointer and static site switched as one recoverable step with the warehouse's record.

A publication or withdrawal records, in its own transaction, the pointer body (`current.json`) it is about to
put in force; it then switches to it and marks the switch done. A stop in between leaves a switch recorded and
not done, and the next command that opens the warehouse finishes it before anything else, so the public side
never stays ahead of or behind what the warehouse says is published.

The published folder, as a web server, object store or CDN can serve it:

    snapshot-0001.duckdb, snapshot-0002.duckdb ...   immutable snapshots
    releases/<version>-<hash>/current.json          a pointer body (the hash: the first 12 hex digits of the
    releases/<version>-<hash>/site/                 SHA-256 of its JSON) and the static site built from it
    public -> releases/<version>-<hash>             the release in force
    current.json -> public/current.json             what every reader of the pointer reads

A release is built in a temporary folder beside it and renamed into place whole; the switch then renames a
new `public` link over the old one, the single step that changes both what the pointer says and what the
site shows. The folder therefore needs a filesystem with symbolic links (POSIX). A folder whose
`current.json` is a plain file, as written before the site was published, is converted at its next switch
without changing what it says; only the release in force and the one before it are kept.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from . import faults
from .errors import PccDashError, record_fault
from .public import POINTER
from .public import pointer as read_pointer
from .warehouse import utc_now

REPAIR_IDENTITY = "pccdash"  # the audit trail's name for the program finishing a switch on its own
# (action, version, folder) of each switch this process finished for a stopped command: a one-shot command
# that reads through another connection than the one that finished it (pccdash publish's preview) looks here
FINISHED_IN_PROCESS: list[tuple[str, int, str]] = []
RELEASES = "releases"
PUBLIC = "public"  # the link to the release in force
SITE = "site"
POINTER_LINK = f"{PUBLIC}/{POINTER}"  # what current.json links to
TMP = ".tmp"  # the end of every temporary name here: a stop can leave one, the next switch removes it


class FolderBusy(PccDashError):
    """Another command has been publishing into the same folder for longer than we wait."""


LOCK_WAIT_S = 120.0


@contextlib.contextmanager
def folder_lock(folder: Path, wait_s: float | None = None):
    """Hold the published folder for one publication or withdrawal at a time.

    Two warehouses set to publish into one folder (a configuration slip) would otherwise build and prune
    releases under each other. The lock is the folder's own (flock on its directory), so it leaves no file
    behind and ends with the process however it ends. A second command waits for the first, then goes on.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise folder_unwritable(folder, exc) from None
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + (LOCK_WAIT_S if wait_s is None else wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FolderBusy(f'Another command is publishing into "{folder}" and has not finished. Nothing '
                                     "was changed: wait for it to end and run this again. If two warehouses publish "
                                     "into this folder, give each its own (PCCDASH_PUBLISHED_DIR).") from None
                time.sleep(0.1)
        _must_be_writable(folder)  # before a snapshot is written or anything recorded
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


class FolderUnwritable(PccDashError):
    """The account running pccdash may not write into the published folder: trying again does not help."""


def folder_unwritable(folder: Path, exc: OSError) -> PccDashError:
    if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
        raise exc
    from .warehouse import account

    return FolderUnwritable(
        f'The published folder "{folder}" cannot be written ({(exc.strerror or str(exc)).lower()}), so nothing was '
        "published or withdrawn and the public side still shows what it showed before. Ask the office's "
        f'administrator to let the account running pccdash ({account()}) write to "{folder}" and the folders in '
        "it, then run this again.")


def _must_be_writable(folder: Path) -> None:
    """Refuse a published folder (or its releases folder) this account may not write into."""
    for place in (folder, folder / RELEASES):
        if not place.is_dir():
            continue
        try:
            with tempfile.TemporaryFile(dir=place):
                pass
        except OSError as exc:
            raise folder_unwritable(folder, exc) from None


class SiteNotBuilt(PccDashError):
    """The static site of a publication or withdrawal could not be built, so nothing was switched."""


def _json(body: dict) -> str:
    return json.dumps(body, sort_keys=True)


def release_name(body: dict) -> str:
    """`<version>-<first 12 hex digits of the SHA-256 of the body's JSON>` ("none-..." when nothing is in force)."""
    version = body.get("version")
    digest = hashlib.sha256(_json(body).encode("utf-8")).hexdigest()[:12]
    return f"{version if isinstance(version, int) else 'none'}-{digest}"


def _snapshot_named(folder: Path, body: dict) -> Path | None:
    """The snapshot file a body names, read as `pipelines.public.current_snapshot` reads it."""
    name = Path(str(body.get("file") or "")).name
    path = folder / name
    if not name.startswith("snapshot-") or not name.endswith(".duckdb") or not path.is_file():
        return None
    return path


def _complete(release: Path, body: dict) -> bool:
    try:
        said = json.loads((release / POINTER).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return said == body and (release / SITE / "index.html").is_file()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    """Remove a file, link or folder; a folder is first renamed to a temporary name, so that a stop part way
    never leaves part of a release under a release's name. A failure is logged, never raised."""
    try:
        if path.is_dir() and not path.is_symlink():
            if not path.name.endswith(TMP):
                aside = path.with_name(f".{path.name}.removed.{os.urandom(6).hex()}{TMP}")
                os.replace(path, aside)
                path = aside
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:
        record_fault(exc)


def _remove_temporaries(folder: Path) -> None:
    for path in [*folder.glob(f".{PUBLIC}.*{TMP}"), *folder.glob(f".{POINTER}.*{TMP}"),
                 *(folder / RELEASES).glob(f".*{TMP}")]:
        _remove(path)


def build_release(folder: Path, body: dict) -> Path:
    """The release folder of `body` (its pointer and its static site), built whole if it is not there yet.

    Built in a temporary folder beside it and renamed into place when complete, so a release folder is
    always whole; a complete one is reused. Raises SiteNotBuilt, with the details in the log, if the site
    cannot be built (a fault in the site's code, a full disk).
    """
    folder = Path(folder)
    release = folder / RELEASES / release_name(body)
    if _complete(release, body):
        return release
    _remove_temporaries(folder)
    if release.exists():  # not as built (changed by hand): built again
        _remove(release)
    tmp = None
    try:
        release.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=release.parent, prefix=f".{release.name}.", suffix=TMP))
        (tmp / SITE).mkdir()
        from .publish.content import SnapshotView  # the site's code only when a site is built
        from .publish.site import build_site

        build_site(SnapshotView(_snapshot_named(folder, body), body), tmp / SITE)
        (tmp / POINTER).write_text(json.dumps(body), encoding="utf-8")
        for root, _dirs, files in os.walk(tmp):  # on disk before the rename, so a power cut leaves it whole
            for name in files:
                os.chmod(Path(root) / name, 0o644)
                _fsync(Path(root) / name)
            os.chmod(root, 0o755)  # served as it is: readable by the web server
        _fsync(tmp / SITE)
        _fsync(tmp)
        faults.point("release_before_rename")
        os.rename(tmp, release)
        _fsync(release.parent)
    except Exception as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        log = record_fault(exc)
        why = f" ({exc.strerror.lower()})" if isinstance(exc, OSError) and exc.strerror else ""
        version = body.get("version")
        raise SiteNotBuilt(
            f"The public site for {f'snapshot {version}' if isinstance(version, int) else 'the withdrawal'} could "
            f'not be built in "{release.parent}"{why}, so the public side was not switched: it still shows what '
            f'it showed before. The details are in "{log}". Put right what is wrong (free some disk space, for '
            "example) and run any pccdash command: it finishes the recorded switch first.") from exc
    return release


def _link_atomically(target: str, at: Path, before: str | None = None) -> None:
    """Make `at` a symbolic link to `target` in one rename (`before`: the fault point just before it)."""
    tmp = at.with_name(f".{at.name}.{os.urandom(6).hex()}{TMP}")
    os.symlink(target, tmp)
    try:
        if before is not None:
            faults.point(before)
        os.replace(tmp, at)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync(at.parent)


def _in_force(folder: Path) -> str | None:
    """The name of the release `public` links to, if it is a link."""
    link = folder / PUBLIC
    return Path(os.readlink(link)).name if link.is_symlink() else None


def _adopt(folder: Path) -> None:
    """Make `current.json` the link to `public/current.json` without changing what it says.

    No pointer (nothing published yet): the link is made first, and reads as nothing published until `public`
    exists. A plain file (a folder published before the site was): its body's release is built, `public`
    links to it, then the link is renamed over the file, which says the same.
    """
    pointer, public = folder / POINTER, folder / PUBLIC
    if pointer.is_symlink() and os.readlink(pointer) == POINTER_LINK and (public.is_symlink()
                                                                          or not public.exists()):
        return
    if not pointer.exists() and not pointer.is_symlink():
        if public.is_symlink():  # a site left without its pointer: nothing is published, as the pointer says
            public.unlink()
        elif public.exists():
            _remove(public)
        _link_atomically(POINTER_LINK, pointer)
        return
    body = read_pointer(folder)
    release = build_release(folder, body)
    if public.exists() and not public.is_symlink():  # a copy of the folder that followed its links
        os.replace(public, folder / RELEASES / f".{PUBLIC}.copied.{os.urandom(6).hex()}{TMP}")
    _link_atomically(f"{RELEASES}/{release.name}", public)
    _link_atomically(POINTER_LINK, pointer)


def _switch_to(folder: Path, body: dict, before: str | None = None, after: str | None = None) -> str | None:
    """Build `body`'s release, then rename a `public` link to it over the old one: the single step that
    switches both the pointer and the site. Returns the name of the release in force before."""
    release = build_release(folder, body)
    _adopt(folder)
    previous = _in_force(folder)
    _link_atomically(f"{RELEASES}/{release.name}", folder / PUBLIC, before=before)
    if after is not None:
        faults.point(after)
    return previous


def prune(folder: Path, keep: set[str | None] = frozenset()) -> None:
    """Remove the releases other than the one in force and those in `keep`, and what stops left behind; a
    failure to remove one is logged, never raised."""
    folder = Path(folder)
    keep = {*keep, _in_force(folder)}
    _remove_temporaries(folder)
    if (folder / RELEASES).is_dir():
        for path in (folder / RELEASES).iterdir():
            if path.name not in keep and not path.name.startswith("."):
                _remove(path)


def record(con: duckdb.DuckDBPyConnection, folder: Path, action: str, version: int, body: dict,
           now: object) -> None:
    """Record the switch to `body`; call it inside the transaction that records the publication or withdrawal."""
    folder = Path(folder).resolve()
    con.execute("INSERT INTO pointer_switch (folder, action, version, pointer, previous, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [str(folder), action, version, _json(body), _json(read_pointer(folder)), now])


def switch(con: duckdb.DuckDBPyConnection, folder: Path, body: dict, *, before: str, after: str) -> None:
    """Build the release of `body` (pointer and static site), switch `public` to it in one rename, then mark
    its recorded switch done (`before` and `after` are the fault points either side of the rename).

    If the site cannot be built, SiteNotBuilt is raised before anything is switched: the recorded switch stays
    pending, and the next command finishes it, as after any stop.
    """
    folder = Path(folder).resolve()
    previous = _switch_to(folder, body, before=before, after=after)
    con.execute("UPDATE pointer_switch SET done_at = ? WHERE folder = ? AND pointer = ? AND done_at IS NULL",
                [utc_now(), str(folder), _json(body)])
    prune(folder, {previous})


def pending(con: duckdb.DuckDBPyConnection) -> int:
    """How many recorded switches are not done (0 in a warehouse older than the record of switches)."""
    try:  # one query, not a look in the catalogue first: every write opens with it
        return con.execute("SELECT count(*) FROM pointer_switch WHERE done_at IS NULL").fetchall()[0][0]
    except duckdb.CatalogException:
        return 0


def finish_pending(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Finish every switch a stop left undone, oldest first; returns a sentence for each one finished.

    Idempotent: a pointer that already reads as recorded is only marked done; one that reads as before is
    switched, its site built first (if that fails, the switch stays pending, and so do those after it, and the
    sentence says why). A pointer that reads neither as before nor as recorded was changed by something else
    since (by hand, or another warehouse publishing into the same folder): it is left as it is, and the audit
    trail says so.
    """
    if not pending(con):
        return []
    from . import audit  # only when there is something to finish: the trail's module sits above this one

    done = []
    rows = con.execute("SELECT switch_id, folder, action, version, pointer, previous FROM pointer_switch "
                       "WHERE done_at IS NULL ORDER BY switch_id").fetchall()
    for switch_id, folder_text, action, version, body_text, previous_text in rows:
        folder, body, previous = Path(folder_text), json.loads(body_text), json.loads(previous_text)
        now = read_pointer(folder)
        what = f"the {'publication' if action == 'publish' else 'withdrawal'} of snapshot {version}"
        if now == body:
            outcome = f'{what} had switched "{folder / POINTER}" before the stop; the switch is now recorded as done'
        elif now == previous and folder.is_dir():
            try:
                before = _switch_to(folder, body)
            except SiteNotBuilt as exc:  # left pending, and tried again by the next command
                done.append(f"{what[0].upper() + what[1:]} was recorded but could not be switched yet: {exc}")
                break
            prune(folder, {before})
            outcome = f'{what} was recorded but "{folder / POINTER}" had not been switched; it is switched now'
        else:
            outcome = (f'{what} was recorded but "{folder / POINTER}" has since been changed by something else '
                       "(or its folder is gone); it was left as it is")
        with audit.transaction(con):
            con.execute("UPDATE pointer_switch SET done_at = ? WHERE switch_id = ?", [utc_now(), switch_id])
            audit.record(con, audit.system_actor(REPAIR_IDENTITY), "finish_switch", subject=f"snapshot {version}",
                         detail=outcome)
        done.append(outcome[0].upper() + outcome[1:] + ".")
        # kept with this connection, so the command it opens for knows that it was the stopped one run again
        con.execute("CREATE TEMP TABLE IF NOT EXISTS pointer_switch_finished "
                    "(action VARCHAR, version INTEGER, folder VARCHAR)")
        con.execute("INSERT INTO pointer_switch_finished VALUES (?, ?, ?)", [action, version, folder_text])
        FINISHED_IN_PROCESS.append((action, version, folder_text))
    return done


def finished_on_opening(con: duckdb.DuckDBPyConnection, action: str, folder: Path) -> int | None:
    """The snapshot whose stopped `action` (publish or withdraw) into `folder` this connection finished on
    opening, if any; asked once, so a second request on the same connection is a request of its own."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary "
                       "AND table_name = 'pointer_switch_finished'").fetchall()[0][0]:
        return None
    where = [action, str(Path(folder).resolve())]
    found = con.execute("SELECT max(version) FROM pointer_switch_finished WHERE action = ? AND folder = ?",
                        where).fetchall()[0][0]
    con.execute("DELETE FROM pointer_switch_finished WHERE action = ? AND folder = ?", where)
    return found
