"""The office and its holder's title are said as force.yaml configures them; the public side reads them from the
published snapshot (an older snapshot without the title reads the usual one)."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
from dashboard_helpers import PCC, copy_warehouse, public, texts

from pipelines import public as public_files
from pipelines import warehouse
from pipelines.catalogue import force
from pipelines.publish import pages
from pipelines.publish.approval import approve
from pipelines.publish.content import SnapshotView
from pipelines.publish.snapshot import publish

OFFICE = "South Yorkshire Mayoral Combined Authority"
TITLE = "Mayor (Police and Crime Commissioner functions)"


def snapshot(folder, **meta):
    """A published folder whose snapshot carries only this meta (and an empty accountability record)."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(folder / "snapshot-0001.duckdb"))
    con.register("frame", pd.DataFrame({"key": ["version", "created_at", "force", *meta],
                                        "value": ["1", "2026-05-05T10:00:00", "South Yorkshire Police",
                                                  *meta.values()]}))
    con.execute("CREATE TABLE meta AS SELECT * FROM frame")
    con.close()
    (folder / "current.json").write_text(json.dumps({"file": "snapshot-0001.duckdb", "withdrawals": []}))
    return folder


def test_the_reference_names_the_office_and_its_holder():
    assert (force().office_name, force().holder_title) == (OFFICE, TITLE)


def test_publishing_carries_the_office_and_the_holders_title(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC, tmp_path / "out")
    meta = SnapshotView(public_files.current_snapshot(tmp_path / "out")).meta
    assert (meta["office"], meta["holder_title"]) == (OFFICE, TITLE)
    said = public_files.pointer(tmp_path / "out")
    assert (said["office"], said["holder_title"]) == (OFFICE, TITLE)


def test_the_ask_page_names_the_office_and_its_holder_as_published(monkeypatch, tmp_path):
    at = public(monkeypatch, snapshot(tmp_path / "pub", office=OFFICE, holder_title=TITLE), "public_pages/ask.py")
    assert not at.exception
    said = texts(at)
    assert f"The {TITLE} holds the Chief Constable to account" in said
    assert f"its dates and papers are on the {OFFICE}'s website" in said
    assert f"The {OFFICE} reads every question before any is put" in said
    assert "The Police and Crime Commissioner" not in said and "Commissioner's" not in said


def test_an_older_snapshot_without_the_title_reads_the_usual_one(monkeypatch, tmp_path):
    at = public(monkeypatch, snapshot(tmp_path / "pub", office="Office of the Police and Crime Commissioner"),
                "public_pages/ask.py")
    said = texts(at)
    assert "The Police and Crime Commissioner holds the Chief Constable to account" in said
    assert "The Office of the Police and Crime Commissioner reads every question" in said


def test_the_board_page_says_the_holders_title(tmp_path):
    view = SnapshotView(snapshot(tmp_path / "pub", office=OFFICE, holder_title=TITLE) / "snapshot-0001.duckdb", {})
    words = [getattr(b, "text", "") for b in pages.board_page(view).blocks]
    words += [x for b in pages.board_page(view).blocks for x in getattr(b, "lines", ())]
    text = "\n".join(words)
    assert f"The {TITLE} holds the Chief Constable to account" in text
    assert "the Mayor puts questions to the force" in text and "the Mayor records an assurance decision" in text
    assert "Commissioner's" not in text and "the Commissioner" not in text
    assert pages.summary_page(view).blocks  # the summary says who published it
    assert any(f"Published by the {OFFICE}." in getattr(b, "text", "") for b in pages.summary_page(view).blocks)
