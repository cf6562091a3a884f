"""`pccdash pack` draws its charts (seconds, tens of seconds on a large warehouse) without holding the warehouse:
a colleague's load or approval started meanwhile goes ahead, rather than waiting behind the pack and giving up."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pipelines import warehouse
from pipelines.briefing import archive


def test_the_warehouse_can_be_written_while_the_pack_is_drawn(sample_db, tmp_path, run_cli, monkeypatch):
    db = tmp_path / "wh.duckdb"
    shutil.copy(sample_db, db)
    with warehouse.connect(db):  # the readers' copy beside it, as every write leaves one
        pass
    draw = archive.draw
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # this test's own, apart from other workers'
    (tmp_path / "tmp").mkdir()
    copies = set(Path(tempfile.gettempdir()).glob("pccdash-copy-*"))
    tried: list[str] = []

    def draw_while_another_process_writes(*args, **kwargs):
        # another person's command opening the warehouse to write, at once, while this one draws
        probe = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()",
                                str(db)], capture_output=True, text=True, timeout=60)
        tried.append(probe.stderr.strip().splitlines()[-1] if probe.returncode else "written")
        return draw(*args, **kwargs)

    monkeypatch.setattr(archive, "draw", draw_while_another_process_writes)
    result = run_cli("pack", "--as", "analyst@example.org", "--db", db, "--meeting", "2015-08-20",
                     "--out", tmp_path / "packs")
    assert result.exit_code == 0, result.output
    assert tried == ["written"], tried
    assert (tmp_path / "packs" / "pab-briefing-2015-08-20.pdf").is_file()
    assert run_cli("packs", "--db", db).output.count("2015-08-20") == 1  # kept in the archive, once
    assert set(Path(tempfile.gettempdir()).glob("pccdash-copy-*")) == copies, "the copy drawn from is left behind"
