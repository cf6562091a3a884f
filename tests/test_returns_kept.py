"""Every force return is kept as received in the file store beside the warehouse, whether it was loaded from the
command line or uploaded, accepted or refused: a figure traced to its row can be checked against the very file, however
the office later moves or edits its own copy. police.uk's files are not kept (police.uk keeps them)."""

from __future__ import annotations

import hashlib

from dashboard_helpers import internal
from helpers import run_pccdash

from pipelines import filestore, warehouse

RETURN = (b"period,district,measure,value\n2015-08,Barnsley,cse_arrests,9\n2015-08,Doncaster,cse_arrests,11\n"
          b"2015-08,Rotherham,cse_arrests,13\n2015-08,Sheffield,cse_arrests,15\n")


def registry(db):
    with warehouse.connect_read_only(db) as con:
        return con.execute("SELECT file_id, name, sha256, outcome FROM file_registry ORDER BY file_id").fetchall()


def test_a_return_loaded_from_the_command_line_is_kept_as_received_and_handed_back(tmp_path, monkeypatch):
    db = tmp_path / "wh.duckdb"
    monkeypatch.setenv("PCCDASH_DB", str(db))
    path = tmp_path / "2015-08-return.csv"
    path.write_bytes(RETURN)
    assert run_pccdash("ingest", path).returncode == 0
    bad = tmp_path / "2015-08-return-bad.csv"  # refused by the contract: kept too, as what the force sent
    bad.write_bytes(RETURN.replace(b",9\n", b",-9\n"))
    assert run_pccdash("ingest", bad).returncode != 0
    [(_, _, sha, outcome), (_, _, bad_sha, bad_outcome)] = registry(db)
    assert (outcome, bad_outcome) == ("accepted", "rejected")
    path.write_bytes(b"edited since")  # the office's own copy changes or goes
    bad.unlink()
    assert filestore.get(db, sha) == RETURN and sha == hashlib.sha256(RETURN).hexdigest()
    assert filestore.get(db, bad_sha) == RETURN.replace(b",9\n", b",-9\n")
    assert not [p for p in filestore.folder(db).rglob(".incoming*")]  # nothing half written left behind


def test_the_files_loaded_page_hands_each_kept_return_back(sample_db, monkeypatch):
    at = internal(monkeypatch, sample_db, "internal_pages/files.py")
    assert not at.exception
    picker = at.selectbox(key="received_file")
    names = picker.options  # as shown
    assert any("2014-15-cse-return.xlsx" in n for n in names) and not any("street" in n for n in names)
    assert [b for b in at.get("download_button") if "as received" in b.proto.label]
    at.selectbox(key="received_file").set_value(1).run()  # another file, handed back as it came
    [button] = [b for b in at.get("download_button") if "as received" in b.proto.label]
    assert button.proto.label == "Download file #1 as received"
    assert "not kept" not in " ".join(c.value for c in at.caption)
