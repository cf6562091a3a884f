"""A published folder the account may not write into (its permissions, a read-only disk) refuses a publication and a
withdrawal before anything is written or recorded, in a sentence saying what to do; once it is writable again the
same command does the job."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

from pipelines import pointer_switch, public, warehouse
from pipelines.audit import system_actor
from pipelines.errors import PccDashError
from pipelines.ingest import ingest
from pipelines.publish.approval import approve
from pipelines.publish.snapshot import publish, withdraw

PCC = system_actor("pcc@example.org")
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


def _refused_by_the_system(folder: Path, monkeypatch):
    """Where root may not mount a disk: the folder's writes refused as a read-only disk refuses them (EROFS), through
    the standard library's own calls, until the returned function lets them through again."""
    real = pointer_switch.tempfile.TemporaryFile
    refusing = [True]

    def temporary_file(*args, **kwargs):
        if refusing[0] and Path(kwargs.get("dir", "")).resolve().is_relative_to(folder.resolve()):
            raise OSError(errno.EROFS, "Read-only file system")
        return real(*args, **kwargs)

    monkeypatch.setattr(pointer_switch.tempfile, "TemporaryFile", temporary_file)
    return (lambda: refusing.__setitem__(0, False)), (lambda: None)


def _read_only(folder: Path, monkeypatch):
    """Make `folder` unwritable as the operating system would refuse it: a read-only mount when running as root
    (root ignores permissions), its permissions otherwise. Returns a function that makes it writable again."""
    if os.geteuid() == 0:
        keep = folder.with_name(folder.name + ".kept")
        shutil.copytree(folder, keep, symlinks=True)
        shutil.rmtree(folder)
        folder.mkdir()
        if os.system(f"mount -t tmpfs -o size=50m tmpfs {folder} 2>/dev/null") != 0:
            shutil.rmtree(folder)
            os.rename(keep, folder)
            return _refused_by_the_system(folder, monkeypatch)
        shutil.copytree(keep, folder, symlinks=True, dirs_exist_ok=True)
        assert os.system(f"mount -o remount,ro {folder}") == 0

        def writable() -> None:
            os.system(f"mount -o remount,rw {folder}")
        return writable, lambda: os.system(f"umount {folder}")
    modes = {p: p.lstat().st_mode for p in [folder, *folder.rglob("*")] if not p.is_symlink()}
    for p in modes:
        p.chmod(stat.S_IMODE(modes[p]) & ~0o222)

    def restore() -> None:
        for p, mode in modes.items():
            p.chmod(stat.S_IMODE(mode))
    return restore, lambda: None


def _recorded(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT count(*) FROM snapshot").fetchall()[0][0],
                con.execute("SELECT count(*) FROM snapshot_withdrawal").fetchall()[0][0])
    finally:
        con.close()


def test_an_unwritable_published_folder_refuses_publish_and_withdraw_before_anything_is_recorded(db, tmp_path,
                                                                                              monkeypatch):
    folder = tmp_path / "published"
    (tmp_path / "r.csv").write_text("period,district,measure,value\n" + "".join(
        f"{p},{d},cse_charges,{5 + i}\n" for p in ("2015-06", "2015-07") for i, d in enumerate(DISTRICTS)))
    with warehouse.connect(db) as con:
        assert ingest(con, [tmp_path / "r.csv"]).ok
        approve(con, ["2015-06"], PCC)
        publish(con, PCC, folder)
        approve(con, ["2015-07"], PCC)
    pointer = public.pointer(folder)
    writable, unmount = _read_only(folder, monkeypatch)
    try:
        for act in (lambda con: publish(con, PCC, folder), lambda con: withdraw(con, PCC, "Counted twice", folder)):
            with pytest.raises(PccDashError) as refused, warehouse.connect(db) as con:
                act(con)
            said = str(refused.value)
            assert str(folder) in said and "cannot be written" in said and "administrator" in said, said
            assert "nothing was published or withdrawn" in said, said
            assert _recorded(db) == (1, 0), "a publication or withdrawal was recorded that the public never saw"
            assert public.pointer(folder) == pointer
        writable()
        with warehouse.connect(db) as con:
            version, _ = publish(con, PCC, folder)
        assert version == 2 and public.pointer(folder)["version"] == 2
        assert _recorded(db) == (2, 0)
    finally:
        writable()
        unmount()
