"""What the public reads a hidden figure may be follows the "suppress zero" setting in force when the snapshot was
published (PCCDASH_SUPPRESS_ZERO), as the snapshot records it: never "not zero", nor "from 1", of a publication that
hid its zeros, whatever the reader's own settings; a snapshot published before the setting changed keeps its words."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from dashboard_helpers import claims_of
from helpers import write_csv
from openpyxl import load_workbook

from pipelines import warehouse
from pipelines.ingest import ingest
from pipelines.publish import downloads
from pipelines.publish.approval import approve
from pipelines.publish.content import SnapshotView
from pipelines.publish.snapshot import publish

PCC = claims_of("pcc@example.org")
HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
# Rotherham's arrests: a zero in June and July, small counts in August and September
ROTHERHAM = {"2015-06": 0, "2015-07": 0, "2015-08": 2, "2015-09": 3}
MONTHS = tuple(ROTHERHAM)
SHOWN_WORDS = "[c] Not shown: a count from 1 to 4, or a figure from which one could be worked out"
HIDDEN_WORDS = "[c] Not shown: a count from 0 to 4, or a figure from which one could be worked out"


def _returns(tmp_path: Path) -> Path:
    rows = "".join(f"{m},{d},cse_arrests,{ROTHERHAM[m] if d == 'Rotherham' else 20 + 10 * i + j}\n"
                   for j, m in enumerate(MONTHS) for i, d in enumerate(DISTRICTS))
    return write_csv(tmp_path / "r.csv", HEADER + rows)


@pytest.fixture
def published(db, tmp_path, monkeypatch) -> dict[str, Path]:
    """The same approved months published into two folders: "shown" with zeros shown (the default), "hidden" with
    the office hiding zeros as it hides small counts."""
    monkeypatch.delenv("PCCDASH_SUPPRESS_ZERO", raising=False)
    out = {}
    with warehouse.connect(db) as con:
        assert ingest(con, [_returns(tmp_path)]).ok
        approve(con, list(MONTHS), PCC)
        out["shown"] = publish(con, PCC, tmp_path / "shown")[1]
        monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", "true")
        out["hidden"] = publish(con, PCC, tmp_path / "hidden")[1]
    monkeypatch.delenv("PCCDASH_SUPPRESS_ZERO")
    return out


def _view(path: Path) -> SnapshotView:
    return SnapshotView(path)


def test_the_marker_s_meaning_says_a_hidden_figure_may_be_zero_when_the_publication_hid_zeros(published, monkeypatch):
    """Regression: with zeros hidden, the footnote under every table, and the downloads' note on the marker, still
    read "a count from 1 to 4": a reader took a [c] for at least 1, where it may be a zero."""
    shown, hidden = _view(published["shown"]), _view(published["hidden"])
    assert shown.meta["zeros_hidden"] == "false" and hidden.meta["zeros_hidden"] == "true"
    cells = hidden.table("figure").set_index(["area", "period"])
    assert cells.loc[("Rotherham", "2015-06"), "suppressed"], "the zero is hidden in the publication that hides zeros"
    for monkeypatched in (None, "true"):  # the reader's own setting changes nothing: the snapshot's record decides
        if monkeypatched:
            monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", monkeypatched)
        for view, words in ((shown, SHOWN_WORDS), (hidden, HIDDEN_WORDS)):
            view = _view(view.path)
            assert view.meta["footnote"].startswith(words)
            assert json.loads(downloads.to_json(view))["marker_meaning"].startswith(words)
            notes = load_workbook(io.BytesIO(downloads.to_xlsx(view)))["Notes"]
            note = next(r[1] for r in notes.iter_rows(values_only=True) if r[0] == "[note 1]")
            assert words[len("[c] Not shown: "):] in note
            assert ("from 0 to" in note) == (words == HIDDEN_WORDS)
