"""The public side's only door: the current published snapshot, opened read-only per query.

This module knows nothing of the warehouse. A snapshot is an immutable DuckDB file holding only what
the public may see; `current.json` in the published folder names the one in force, and publishing
replaces that pointer in one rename, so a reader sees the old snapshot or the new one, whole.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd

POINTER = "current.json"
# What every page and pack of figures says of them, as the force's own performance reports do.
MANAGEMENT_INFORMATION = "These figures are management information: unaudited and subject to revision."
DEFAULT_DIR = Path("var") / "published"


def published_dir(explicit: str | os.PathLike | None = None) -> Path:
    """`PCCDASH_PUBLISHED_DIR`, else `var/published` under the working folder."""
    return Path(explicit or os.environ.get("PCCDASH_PUBLISHED_DIR") or DEFAULT_DIR)


def current_snapshot(folder: Path | None = None) -> Path | None:
    """The snapshot file the pointer names, or None when nothing has been published."""
    folder = folder or published_dir()
    try:
        pointer = json.loads((folder / POINTER).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    name = Path(str(pointer.get("file", ""))).name  # a name only: the pointer cannot lead out of the folder
    path = folder / name
    if not name.startswith("snapshot-") or not name.endswith(".duckdb") or not path.is_file():
        return None
    return path


def read(sql: str, params: list | tuple = (), snapshot: Path | None = None) -> pd.DataFrame:
    """Run a parameterised query on a snapshot (the current one by default), opened read-only for this query."""
    path = snapshot or current_snapshot()
    if path is None:
        return pd.DataFrame()
    con = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()
