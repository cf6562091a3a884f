"""Opening the DuckDB warehouse, bringing its schema up to date, and the copy that readers open."""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from . import faults, records
from .errors import WarehouseError, WarehouseLocked, WarehouseUnwritable
from .files import write_atomically

MIGRATIONS_DIR = Path(__file__).parent / "sql" / "migrations"
DEFAULT_DB = Path("var") / "pccdash.duckdb"
_LOCK_WAIT_SECONDS = 10.0  # how long a page waits for another holding the warehouse: a person waits at the screen
# while a command runs, how long it waits for another holding the warehouse, and how it says it is waiting (see
# `command_waits`)
_COMMAND_WAIT: list[tuple[float, Callable[[str], None]]] = []
# nothing is downloaded at run time: a file DuckDB would read through an extension (a SQLite file, say) is refused
# with a sentence rather than fetching one; the extensions the warehouse uses (json, icu, parquet) are built in
_NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_SQLITE_HEADER = b"SQLite format 3\x00"
# DuckDB's lock on the file keeps other processes out, not other connections of this one: connections one process
# opens share one database. The internal app serves everyone from one process, so two people saving at the same
# moment would both get in (the first to finish then fails on its checkpoint while the other's change is under way,
# or copies the readers' copy while the other's checkpoint writes the file). Each warehouse is held by one thread of
# a process at a time, as by one process at a time.
_HELD: dict[Path, threading.RLock] = {}
_HELD_GUARD = threading.Lock()


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse file: `--db`, else `PCCDASH_DB`, else `var/pccdash.duckdb` under the working folder."""
    return Path(explicit or os.environ.get("PCCDASH_DB") or DEFAULT_DB)


def read_copy_path(path: Path) -> Path:
    """The copy of the warehouse that readers (the dashboard) open, swapped in whole after each load."""
    return path.with_name(path.stem + ".read" + path.suffix)


def migrations() -> list[tuple[int, str, Path]]:
    """The schema's versioned SQL files, in the order they apply."""
    found = []
    for p in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = re.match(r"(\d+)_(.+)\.sql$", p.name)
        if m:
            found.append((int(m.group(1)), m.group(2), p))
    return found


def one(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> tuple | None:
    """The first row of a query, reading the result to its end (DuckDB 2 keeps an unread result open)."""
    rows = con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    """The first column of the first row of a query, or None."""
    row = one(con, sql, params)
    return row[0] if row else None


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    try:
        return scalar(con, "SELECT coalesce(max(version), 0) FROM schema_migration")
    except duckdb.CatalogException:  # a new warehouse (a warehouse always has the table once opened)
        return 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this warehouse has not had yet, each in its own transaction. An up-to-date
    warehouse costs one read: opening it for a small write writes nothing more."""
    known = migrations()
    latest = known[-1][0] if known else 0
    if schema_version(con) == latest:
        return []
    if schema_version(con) == 0 and _foreign(con):
        raise WarehouseError(
            f'"{_file_of(con)}" is a DuckDB database but not a pccdash warehouse: it holds tables of its own and no '
            "schema version, so nothing in it was changed. Give --db (or PCCDASH_DB) the path of a pccdash "
            "warehouse, or of a file that does not exist yet to create a new one.")
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    current = schema_version(con)
    if current > latest:
        raise WarehouseError(
            f"The warehouse is at schema version {current}, newer than this program knows ({latest}). "
            "Upgrade pccdash before using this warehouse."
        )
    applied = []
    for version, name, path in known:
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migration VALUES (?, ?, ?)", [version, name, utc_now()])
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise WarehouseError(f'The schema migration "{path.name}" failed, and the warehouse was left at version '
                                 f"{current if not applied else applied[-1]}: {str(exc).splitlines()[0]}") from exc
        applied.append(version)
    return applied


def _foreign(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a database at schema version 0 holds tables or views: no migration made them."""
    return bool(scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND NOT internal AND NOT temporary AND table_name <> 'schema_migration'")
                or scalar(con, "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() "
                               "AND NOT internal AND NOT temporary"))


def _file_of(con: duckdb.DuckDBPyConnection) -> str:
    return scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()") or ""


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def account() -> str:
    """The name of the account running pccdash, which a message about what it may not read or write names."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # an account with no name
        return f"user id {os.getuid()}"


def unwritable(path: Path) -> WarehouseUnwritable:
    """The sentence for a warehouse this account may not change: no retry helps, the administrator must act."""
    return WarehouseUnwritable(
        f'The warehouse "{path}" cannot be written: the account running pccdash ({account()}) is not allowed to '
        "change the file or the folder it is in, so nothing was saved. Trying again will not help: ask the office's "
        f'administrator to let that account write to "{path}" and its folder "{path.parent}".')


def unreadable(path: Path) -> WarehouseError:
    """The sentence for a database file this account may not open at all."""
    return WarehouseError(
        f'"{path}" cannot be read: the account running pccdash ({account()}) is not allowed to open it. Ask the '
        "office's administrator to let that account read and write the warehouse's folder and the files in it.")


def refused_by_permissions(text: str) -> bool:
    """Whether DuckDB's message on opening a file says the operating system refused it (permissions, a read-only
    disk, a file marked unchangeable): trying again does not help."""
    lower = text.lower()
    return any(w in lower for w in ("permission denied", "operation not permitted", "read-only file system"))


def is_duckdb_file(path: Path) -> bool:
    """Whether `path` is a file that starts as a DuckDB database does (its magic bytes), without opening it."""
    try:
        with open(path, "rb") as fh:
            return _duckdb_header(fh.read(16))
    except OSError:
        return False


def _duckdb_header(head: bytes) -> bool:
    """Whether a file's first bytes are a DuckDB database's: an 8-byte checksum, then its magic bytes."""
    return head[8:12] == b"DUCK"


_NOT_A_WAREHOUSE_ADVICE = ("Give --db (or PCCDASH_DB) the path of a pccdash warehouse, or of a file that does not "
                           "exist yet to create one; if this file is the office's warehouse, restore it from the "
                           "office's backup (with the files beside it whose names start the same).")


def not_a_warehouse(path: Path, why: str | None = None) -> WarehouseError:
    """The sentence for a warehouse file that is not a DuckDB database: a folder, an empty, damaged or other file.
    Nothing in it is changed; it is either not the warehouse meant, or the warehouse damaged."""
    kind = "a folder" if path.is_dir() else "empty" if path.is_file() and path.stat().st_size == 0 else "damaged"
    return WarehouseError(f'The warehouse "{path}" is {kind}, not a DuckDB database{f" ({why})" if why else ""}, so '
                          f"it cannot be read or used; nothing in it was changed. {_NOT_A_WAREHOUSE_ADVICE}")


def _open_error(path: Path, text: str, read_only: bool, waited: float | None = None) -> WarehouseError:
    """DuckDB's message on opening `path`, told as what it means for the person and what they can do."""
    lower = text.lower()
    if "lock" in lower:
        return WarehouseLocked(
            f'The warehouse "{path}" is in use by another process and stayed locked for '
            f"{_wait_words(_LOCK_WAIT_SECONDS if waited is None else waited)}. Wait for that command to finish, then "
            "run this again.")
    if refused_by_permissions(text):
        return unreadable(path) if read_only else unwritable(path)
    if "not a valid duckdb database" in lower or "is a directory" in lower or "extension" in lower:
        return not_a_warehouse(path)
    if "could not read enough bytes" in lower:  # a copy, a full disk or a restore cut it short
        return not_a_warehouse(path, "it is shorter than its own contents say: cut short by a copy, a full disk or "
                                     "a restore that did not finish")
    reason = text.split("\n")[0].removeprefix("IO Error: ")
    return WarehouseError(f'The warehouse "{path}" cannot be opened ({reason}). Ask the office\'s administrator to '
                          "look at the file.")


@contextlib.contextmanager
def _held_in_this_process(path: Path) -> Iterator[None]:
    """Hold the warehouse against the other threads of this process (see `_HELD`), waiting for one that holds it as
    a command waits for another process."""
    with _HELD_GUARD:
        lock = _HELD.setdefault(path.resolve(), threading.RLock())
    seconds = waits()[0]
    if not lock.acquire(timeout=seconds):
        raise WarehouseLocked(
            f'The warehouse "{path}" is busy with another change (someone else\'s, made at the same moment) and stayed '
            f"so for {_wait_words(seconds)}. Wait for it to finish, then run this again.")
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def command_waits(seconds: float, say: Callable[[str], None]) -> Iterator[None]:
    """While a command runs, it waits up to `seconds` for another process holding the warehouse (a publication or a
    large load holds it for a while) and, once it has waited a second, calls `say` with a sentence saying so. A page
    keeps to `_LOCK_WAIT_SECONDS`."""
    _COMMAND_WAIT.append((seconds, say))
    try:
        yield
    finally:
        _COMMAND_WAIT.pop()


def waits() -> tuple[float, Callable[[str], None] | None]:
    """How long to wait for another holding the warehouse, and what says the wait (None: nothing)."""
    return _COMMAND_WAIT[-1] if _COMMAND_WAIT else (_LOCK_WAIT_SECONDS, None)


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    _must_be_duckdb(path)
    seconds, say = waits()
    start = time.monotonic()
    delay = 0.05
    while True:
        try:
            if not read_only and not path.exists():
                new_file(path)
            return duckdb.connect(str(path), read_only=read_only, config=dict(_NO_EXTENSIONS))
        except duckdb.IOException as exc:
            text = str(exc)
            waited = time.monotonic() - start
            if "lock" not in text.lower() or waited > seconds:
                raise _open_error(path, text, read_only, seconds) from exc
            if say is not None and waited >= 1:
                say(f'The warehouse "{path}" is in use by another command: waiting for it to finish (at most '
                    f"{_wait_words(seconds)}; Ctrl+C stops waiting).")
                say = None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def new_file(path: Path) -> None:
    """Make an empty DuckDB file at `path`, in blocks of `records.WAREHOUSE_BLOCK_SIZE` (a connection makes a new
    file in DuckDB's own size, and a file keeps the size it was made in): the warehouse, and each snapshot the public
    reads, hold many small tables."""
    quoted = "'" + str(path).replace("'", "''") + "'"
    with duckdb.connect(config=dict(_NO_EXTENSIONS)) as con:
        con.execute(f"ATTACH {quoted} AS pccdash_new (BLOCK_SIZE {records.WAREHOUSE_BLOCK_SIZE})")


def _wait_words(seconds: float) -> str:
    """"10 s", "2 minutes"."""
    return f"{seconds / 60:g} minutes" if seconds >= 120 else f"{seconds:.0f} s"


def _writable_or_raise(path: Path) -> None:
    """Refuse at once when this account may not change the warehouse or its folder (the folder holds its log of
    changes and its read copy): DuckDB would fail on the first change, half-way through a write."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise unwritable(path) from None
        raise
    if not os.access(path.parent, os.W_OK) or (path.is_file() and not os.access(path, os.W_OK)):
        raise unwritable(path)


def _must_be_duckdb(path: Path) -> None:
    """Refuse, before DuckDB opens it, a file that is not a DuckDB database: empty, text, a SQLite database."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return  # a new warehouse
    except IsADirectoryError:
        raise not_a_warehouse(path) from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise unreadable(path) from None
        raise WarehouseError(f'The warehouse "{path}" cannot be read ({exc.strerror}). Ask the office\'s '
                             "administrator to look at the file.") from None
    if not head:
        raise not_a_warehouse(path)
    if head.startswith(_SQLITE_HEADER):
        raise not_a_warehouse(path, "it is a SQLite database")
    if not _duckdb_header(head):
        raise not_a_warehouse(path, "it does not start as a DuckDB file does")



@contextlib.contextmanager
def connect(path: str | os.PathLike | None = None, *, create: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to an up-to-date warehouse; on close, readers get a fresh copy."""
    p = db_path(path)
    finish_stopped_restore(p)
    if not p.exists() and not create:
        raise WarehouseError(f'There is no warehouse at "{p}". Run "pccdash init" or "pccdash demo" first.')
    _writable_or_raise(p)
    with _held_in_this_process(p):
        yield from _connected(p)


def _connected(p: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _open(p, read_only=False)
    try:
        if 1 in migrate(con):  # a new warehouse: police.uk records beside it belong to one removed before it
            records.set_aside(p)
        # a warehouse that held its records, or was made in larger blocks: a smaller file, reopened
        if records.keep_apart(con, p) or records.resize(con, p):
            con.close()
            con = _open(p, read_only=False)
        records.tidy(con, p)
        attached = records.attach(con, p)  # when the warehouse has records: named as before, through the search path
        finish_switches(con)
        if rewrite_marker(p).exists():  # a rewrite a stop left undone: what an erasure took out is still in the file
            _REWRITE.add(id(con))
        yield con
        con.execute("CHECKPOINT")
        records.checkpoint(con, attached)
        rewritten = id(con) in _REWRITE
        if rewritten:
            records.rewrite(con, p)
        publish_read_copy(p)
        if rewritten:
            rewrite_marker(p).unlink(missing_ok=True)
    finally:
        _REWRITE.discard(id(con))
        con.close()


# The read-write connections whose warehouse is to be written anew when they close (`rewrite_on_close`).
_REWRITE: set[int] = set()


def rewrite_on_close(con: duckdb.DuckDBPyConnection) -> None:
    """Have the warehouse written anew into a fresh file when this read-write connection (`connect`) closes.

    DuckDB keeps what a change replaced in the file's unused space until it is written over: a name erased from a
    row would still be in the file's bytes, and in every copy made of it. Written anew, the file holds only what
    its tables hold now (the readers' copy is then made from it). A marker beside the warehouse, written before the
    change is saved and removed once both files are written anew, has the next command that opens the warehouse (a
    reader too) do it if a stop comes between."""
    _REWRITE.add(id(con))
    [(path,)] = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    if path:
        write_atomically(rewrite_marker(Path(path)), b"")


def restore_marker(path: Path) -> Path:
    """The record of a restore into the warehouse at `path` under way (`pipelines.backup.restore`): while it is there
    and no process holds it, a stop left the restore part way, and the next command that opens the warehouse finishes
    it (or, stopped while still copying, undoes it) before anything else."""
    return path.with_name(path.name + ".restore-pending")


def finish_stopped_restore(path: Path) -> list[str]:
    """Before anything else: finish (or undo) a restore a stop left part way here, so every part the office holds is
    the backup's, or every part as it was; what became of it, said to the person running the command."""
    if not restore_marker(path).exists():
        return []
    from .backup import finish_stopped, stopped_words

    done = finish_stopped(path)
    if done is None:
        return []
    how, said, body = done
    said = [stopped_words(how, body), *said]
    for sentence in said:  # to the person running the command (or the app's log): the audit trail has the restore
        print(f"Note: {sentence}", file=sys.stderr)
    return said


def rewrite_marker(path: Path) -> Path:
    """The file saying the warehouse at `path` is to be written anew (`rewrite_on_close`)."""
    return path.with_name(path.name + ".rewrite-pending")


@contextlib.contextmanager
def connect_read_only(path: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse itself (for commands; the dashboard opens the copy)."""
    p = db_path(path)
    finish_stopped_restore(p)
    if not p.exists():
        raise WarehouseError(f'There is no warehouse at "{p}". Run "pccdash init" or "pccdash demo" first.')
    # held in this process too: one process may not open a file read-only while it has it open for writing
    with _held_in_this_process(p):
        yield from _connected_read_only(p)


def _connected_read_only(p: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _open(p, read_only=True)
    try:
        # a read-only connection can neither upgrade the schema nor finish a switch a stop left undone:
        # a moment read-write does both, so the command reads what the public side reads
        if schema_version(con) < migrations()[-1][0] or _unfinished_switches(con) or rewrite_marker(p).exists():
            con.close()
            with connect(p):
                pass
            con = _open(p, read_only=True)
        records.attach(con, p, read_only=True)
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def connect_to_copy(path: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a private copy of the warehouse as it stands now, for long work (drawing a pack):
    the warehouse itself is held only while it is copied, since a reader holds it against every writer, and a
    load or an approval waiting that long gives up."""
    p = db_path(path)
    folder = Path(tempfile.mkdtemp(prefix="pccdash-copy-"))
    try:
        copy = folder / p.name
        with connect_read_only(p):  # waits for a writer; the file is whole and stays so while it is copied
            shutil.copyfile(p, copy)
            wal = p.with_name(p.name + ".wal")
            if wal.is_file():  # a log of changes a stop left: the copy replays it as the warehouse would
                shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        con = _open(copy, read_only=True)
        try:
            yield con
        finally:
            con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def held_still(path: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse as it is, holding it against every writer (this process's threads
    and other processes) until the block ends, without changing it first: no upgrade of its schema, no switch
    finished. While it is held the warehouse file, its police.uk records and everything a writer changes beside
    them (the published folder, the inbox's imported questions) stay as they are, so a backup copies them as
    one moment; readers (the dashboards, which read the readers' copy, and other commands) go on."""
    p = db_path(path)
    finish_stopped_restore(p)
    if not p.exists():
        raise WarehouseError(f'There is no warehouse at "{p}". Give --db (or PCCDASH_DB) the path of the office\'s '
                             "warehouse.")
    with _held_in_this_process(p):
        con = _open(p, read_only=True)
        try:
            yield con
        finally:
            con.close()


def finish_switches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Before anything else: finish any switch of the public side's pointer that a stop left undone after the
    warehouse recorded it (pipelines.pointer_switch), so the two agree; a sentence for each one finished."""
    from .pointer_switch import finish_pending  # it reads the warehouse's clock, from this module

    finished = finish_pending(con)
    for sentence in finished:  # to the person running the command (or the app's log): the trail has it too
        print(f"Note: {sentence}", file=sys.stderr)
    return finished


def _unfinished_switches(con: duckdb.DuckDBPyConnection) -> int:
    from .pointer_switch import pending

    return pending(con)


def publish_read_copy(path: Path) -> Path:
    """Copy the checkpointed warehouse beside itself and swap it in, so a reader sees all or nothing.

    Called while the writer still holds the warehouse: the file on disk is complete after CHECKPOINT
    and nobody else can change it during the copy.
    """
    target = read_copy_path(path)
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(path, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    faults.point("read_copy_before_swap")
    os.replace(tmp, target)
    return target
