"""Small files replaced whole: a reader sees the old content or the new, never part of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import PccDashError


class FolderNotWritable(PccDashError):
    """A folder named for output cannot be made, or cannot be written into."""


def writable_folder(folder: Path, what: str) -> Path:
    """Make `folder` if need be and check a file can be written into it, before any work that would then be
    lost: a refusal names the folder and why. `what` names it for the person ("--out")."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise FolderNotWritable(f'Cannot write into "{folder}" ({what}): {e.strerror or e}. Choose another '
                                "folder.") from None
    return folder


@contextlib.contextmanager
def output_folder(folder: Path, what: str) -> Iterator[Path]:
    """`writable_folder`, for a command that may yet be refused after it: should the command fail, the folders it
    made (the one named and any missing above it) are removed again while they are still empty, so a refusal leaves
    nothing behind. A folder that was there before is left as it was."""
    folder = Path(folder)
    made = [p for p in (folder, *folder.parents) if not p.exists() and not p.is_symlink()]  # the deepest first
    try:
        yield writable_folder(folder, what)
    except BaseException:
        for p in made:
            try:
                p.rmdir()  # only while empty: what another hand put there meanwhile stays, and the folders above it
            except OSError:
                break
        raise


def write_atomically(target: Path, data: bytes, *, mode: int = 0o600,
                     before_replace: Callable[[], None] | None = None) -> Path:
    """Write `data` beside `target`, flush it to disk, then rename it over `target` in one step.

    The temporary file is created 0600, so content meant to stay private is never readable by others,
    not even briefly; `mode` is set before the rename. `before_replace` runs between the two (a fault
    point, for the tests that kill a process there).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target
