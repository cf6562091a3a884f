"""Files kept beside the warehouse by their content's SHA-256: briefing packs produced, and any other file
the office must be able to hand back exactly as it was (a return as received, an answer attached).

The warehouse records the hash; the bytes live in ``<warehouse stem>.files/<first two hex>/<sha256>`` next to
the warehouse file, written once and never changed, so the same content is stored once however often it comes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from .errors import PccDashError
from .files import write_atomically

_HASH = re.compile(r"[0-9a-f]{64}")
STALE_SECONDS = 86_400  # a file a stopped load was keeping, cleared by the next load after a day


class StoredFileMissing(PccDashError):
    """A file the warehouse records is not in the file store beside it."""


class StoredFileAltered(PccDashError):
    """A file in the file store no longer matches the hash it was stored under."""


class StoredFileUnreadable(PccDashError):
    """A file in the file store that the account running pccdash is not allowed to open."""


def folder(db_path: str | os.PathLike) -> Path:
    """The file store of the warehouse at `db_path`: a folder beside it, named after it."""
    p = Path(db_path)
    return p.with_name(p.stem + ".files")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_of(db_path: str | os.PathLike, digest: str) -> Path:
    """Where the file with this SHA-256 is kept (whether or not it is there)."""
    digest = str(digest).lower()
    if not _HASH.fullmatch(digest):
        # a hash is only ever read from the warehouse, but a path is never built from anything else
        raise StoredFileMissing(f'"{digest}" is not a SHA-256 hash, so no stored file can have it.')
    return folder(db_path) / digest[:2] / digest


def put(db_path: str | os.PathLike, data: bytes) -> str:
    """Keep `data` in the store and return its SHA-256. Storing the same bytes again changes nothing."""
    digest = sha256(data)
    target = path_of(db_path, digest)
    if target.exists() and _intact(target, digest):
        return digest
    # a file of this name that no longer matches its hash is replaced by the good bytes, whole
    write_atomically(target, data, mode=0o600)
    return digest


def has(db_path: str | os.PathLike, digest: str) -> bool:
    return path_of(db_path, digest).exists()


def get(db_path: str | os.PathLike, digest: str) -> bytes:
    """The bytes stored under `digest`, checked against it before they are handed out."""
    target = path_of(db_path, digest)
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise StoredFileMissing(
            f'The stored file {digest[:12]}... is missing from "{folder(db_path)}". Restore that folder from the '
            "backup taken with the warehouse, or produce the file again.") from None
    except PermissionError:  # kept readable by the account that stored it only (mode 600)
        from .warehouse import account
        raise StoredFileUnreadable(
            f'The stored file "{target}" cannot be read: the account running pccdash ({account()}) is not allowed '
            "to open it, as the file store keeps each file readable by the account that stored it only. Run the "
            "command as that account, or ask the office's administrator to let this one read the files in "
            f'"{folder(db_path)}".') from None
    if sha256(data) != digest:
        raise StoredFileAltered(
            f'The stored file "{target}" has been changed since it was stored: its content no longer matches its '
            "hash, so it is not handed out. Restore the folder from the backup taken with the warehouse, or "
            "produce the file again.")
    return data


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's content, read a piece at a time (a return or a snapshot may be hundreds of MiB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _intact(target: Path, digest: str) -> bool:
    try:
        return file_sha256(target) == digest
    except OSError:
        return False


def of_connection(con) -> Path | None:
    """The warehouse file a DuckDB connection writes to, whose file store lies beside it; None for a warehouse
    held in memory, which has no file store."""
    [(path,)] = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(path) if path else None


class Keeper:
    """A file kept as it is read: each chunk written to a hidden file in the store as it passes, then, once its
    SHA-256 is known, made durable and named by it (`keep`), or thrown away (`discard`, or leaving the `with`
    block without keeping it). Content the store already holds intact is not written again."""

    def __init__(self, db_path: str | os.PathLike):
        self.db_path = db_path
        self._fh = None
        self._tmp: str | None = None

    def __enter__(self) -> Keeper:
        root = folder(self.db_path)
        root.mkdir(parents=True, exist_ok=True)
        # what a load stopped part way (killed, the machine off) was writing: nothing names it, and a load holds
        # the warehouse, so one a day old is no other's still being written
        for stale in root.glob(".incoming.*.tmp"):
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > STALE_SECONDS:
                    stale.unlink()
        fd, self._tmp = tempfile.mkstemp(dir=root, prefix=".incoming.", suffix=".tmp")
        self._fh = os.fdopen(fd, "wb")
        return self

    def write(self, chunk: bytes) -> None:
        self._fh.write(chunk)

    def keep(self, digest: str) -> str:
        """Name what was written by `digest` (its SHA-256, worked out by whoever read it), durable on disk."""
        target = path_of(self.db_path, digest)
        fh, self._fh = self._fh, None
        try:
            fh.flush()
            if target.exists() and _intact(target, digest):
                return digest
            os.fsync(fh.fileno())
        finally:
            fh.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(self._tmp, 0o600)
        os.replace(self._tmp, target)
        self._tmp = None
        return digest

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None

    def __exit__(self, *exc) -> None:
        self.discard()
