"""A baseline or rebase changed by editing spc_history.yaml goes on the audit trail once, when a command that
refreshes the warehouse or judges the plan runs next (before a chart is drawn with it), and the audit page
says the change in words."""

from __future__ import annotations

import shutil

import pytest
from dashboard_helpers import PCC, copy_warehouse, internal, texts

from pipelines import warehouse
from pipelines.cli import SAMPLE_RETURNS
from pipelines.plan.history import describe

REBASED = """
measures:
  cse_live_investigations:
    rebase:
      - {month: 2014-08, reason: "The Jay report changed how CSE was recorded.", recorded_by: analyst@example.org}
"""
MORE = REBASED + """      - {month: 2016-04, reason: "A new recording system from April 2016."}
  cse_charges:
    baseline: {fix_after: 20}
"""


@pytest.fixture
def office(sample_db, tmp_path, monkeypatch, command_line_reference):
    """A copy of the sample warehouse and of the reference folder, whose history file the test edits."""
    ref = tmp_path / "reference"
    shutil.copytree(command_line_reference, ref)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    db = copy_warehouse(sample_db, tmp_path)
    # the shared sample may already carry the bundled file's version (any `pccdash plan` on it records one): this
    # office starts from a warehouse that has recorded none
    with warehouse.connect(db, create=False) as con:
        con.execute("DELETE FROM audit_event WHERE action = 'spc_history'")
    return db, ref / "spc_history.yaml"


def recorded(db) -> list[str]:
    with warehouse.connect_read_only(db) as con:
        return [d for (d,) in con.execute("SELECT detail FROM audit_event WHERE action = 'spc_history' "
                                          "ORDER BY event_id").fetchall()]


def test_an_edited_history_file_is_recorded_once_by_the_next_load(office, run_cli):
    db, history = office
    one_file = SAMPLE_RETURNS / "2015-16-cse-return.xlsx"  # already in the warehouse: nothing else changes
    history.write_text(REBASED, encoding="utf-8")
    assert run_cli("ingest", one_file, "--db", db, "--quiet").exit_code == 0
    [first] = recorded(db)
    assert describe(first) == ("Baselines and rebases as first recorded: Live CSE investigations rebased at "
                               "August 2014 (The Jay report changed how CSE was recorded); chart settings now shift 7, "
                               "trend 7, "
                               "screen outliers no, min points 12.")
    assert run_cli("ingest", one_file, "--db", db, "--quiet").exit_code == 0
    assert recorded(db) == [first]  # the same file: nothing new

    history.write_text(MORE, encoding="utf-8")
    assert run_cli("ingest", one_file, "--db", db, "--quiet").exit_code == 0
    details = recorded(db)
    assert len(details) == 2
    assert describe(details[1]) == (
        "Baselines and rebases changed: CSE charges baseline now limits from the first 20 points of each segment, "
        "then held; Live CSE investigations rebased at April 2016 (A new recording system from April 2016).")

    history.write_text(REBASED, encoding="utf-8")  # the April 2016 rebase and the baseline taken out again
    assert run_cli("plan", "--db", db, "--month", "2015-07", "--format", "csv").exit_code == 0
    details = recorded(db)
    assert len(details) == 3
    assert describe(details[2]) == ("Baselines and rebases changed: CSE charges baseline removed (limits from every "
                                    "point of each segment); Live CSE investigations rebase at April 2016 removed.")
    assert run_cli("plan", "--db", db, "--month", "2015-07", "--format", "csv").exit_code == 0
    assert len(recorded(db)) == 3


def test_a_changed_reason_is_said_as_the_rebase_now_reads():
    before = ["settings: shift 7, trend 7, screen outliers no, min points 12",
              "cse_charges rebase: Limits recalculated from August 2014: Old words."]
    after = ["settings: shift 7, trend 7, screen outliers no, min points 12",
             "cse_charges rebase: Limits recalculated from August 2014: New words (recorded by a@example.org)"]
    detail = "\n".join(["sha256 x", "changed:", f"+ {after[1]}", f"- {before[1]}", "declared:", *after])
    assert describe(detail) == "Baselines and rebases changed: CSE charges rebased at August 2014 (New words)."


def test_the_audit_page_says_what_changed_in_words(office, run_cli, monkeypatch):
    db, history = office
    history.write_text(REBASED, encoding="utf-8")
    assert run_cli("ingest", SAMPLE_RETURNS / "2015-16-cse-return.xlsx", "--db", db, "--quiet").exit_code == 0
    at = internal(monkeypatch, db, "internal_pages/audit.py", PCC)
    assert not at.exception
    cells = at.dataframe[0].value["Detail"].tolist()
    assert any(c.startswith("Baselines and rebases as first recorded: Live CSE investigations rebased at August "
                            "2014 (The Jay report changed how CSE was recorded); chart settings now shift 7")
               for c in cells)
    assert not any("sha256" in c for c in cells)
    assert "noticed a new version of the SPC history" in " ".join(at.dataframe[0].value["Action"]) + texts(at)
