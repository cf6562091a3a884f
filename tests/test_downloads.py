"""Every table the internal app shows from what files hold, and every CSV it offers for download, gives text
that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) as inert text."""

from __future__ import annotations

import csv
import hashlib
import io

import pandas as pd
import pytest
from dashboard_helpers import ANALYST, PCC, downloads_of, internal
from helpers import write_csv

from pipelines import filestore, warehouse
from pipelines.exports import FORMULA_START, csv_bytes, display_frame, neutralise, safe_frame
from pipelines.ingest import ingest

HEADER = "period,district,measure,value,note\n"
HOSTILE = ['=HYPERLINK("http://evil.example/","click")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3",
           "\tTAB", "\rCR"]


def live_formulas(rows: list[list[str]]) -> list[str]:
    """The cells a spreadsheet would read as a formula."""
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]


def test_neutralise_prefixes_every_formula_start_and_leaves_other_values_alone():
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [neutralise(v) for v in ("Rotherham", "", "'quoted", 3, -4.5, None)] == [
        "Rotherham", "", "'quoted", 3, -4.5, None]


def test_a_download_holds_every_row_with_formulas_as_text_and_numbers_as_numbers():
    frame = pd.DataFrame({"cell": HOSTILE, "value": range(len(HOSTILE)), "negative": [-1.5] * len(HOSTILE)})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"), newline="")))
    assert rows[0] == ["cell", "value", "negative"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]  # every row kept, each one text
    assert [r[2] for r in rows[1:]] == ["-1.5"] * len(HOSTILE)  # a number is not text and stays a number
    assert not live_formulas([r[:1] for r in rows])


def test_a_count_held_as_a_decimal_downloads_as_the_count_it_is():
    """A figure is stored as a decimal (a percentage is one too): the provenance page's revision history downloaded
    13 grooming arrests corrected to 3 as "3.0" replacing "13.0". Whole values read whole; a fraction keeps its
    digits; an empty cell stays empty."""
    frame = pd.DataFrame({"value": [3.0, 13.0], "previous_value": [13.0, None], "pct": [95.9, 96.25],
                          "row": [2, 36]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"), newline="")))
    assert rows[1:] == [["3", "13", "95.9", "2"], ["13", "", "96.25", "36"]]
    assert csv_bytes(pd.DataFrame({"x": [0.1 + 0.2, 1 / 3]})).decode().split() == ["x", "0.3", "0.333333333333333"]


def test_the_grid_shows_control_characters_as_escapes_and_formulas_as_text():
    frame = pd.DataFrame({"name": ["east/return.csv", "\x1b[2Jforged\n1 file(s) accepted.csv", "=1+1"],
                          "n": [1, 2, 3]})
    shown = display_frame(frame)
    assert list(shown["name"]) == ["east/return.csv", "\\x1b[2Jforged\\n1 file(s) accepted.csv", "'=1+1"]
    assert list(shown["n"]) == [1, 2, 3] and list(frame["name"])[2] == "=1+1"  # the original is untouched
    assert list(safe_frame(frame)["name"])[1].startswith("\x1b")  # a download keeps the text as written


@pytest.fixture
def hostile_wh(tmp_path):
    """A warehouse with an accepted return whose file name and note start formulas, and a refused one whose
    name, districts, measures and notes do."""
    folder = tmp_path / "returns"
    folder.mkdir()
    write_csv(folder / "@accepted.csv", HEADER + "".join(
        f"2015-09,{d},cse_charges,{n},{note}\n"
        for d, n, note in (("Barnsley", 4, "=1+1"), ("Doncaster", 6, ""), ("Rotherham", 9, "@SUM(A1)"),
                           ("Sheffield", 12, ""))))
    write_csv(folder / "=refused.csv", HEADER
              + '2015-10,"=HYPERLINK(""http://evil.example/"",""click"")",cse_charges,3,-2+3\n'
              + "2015-10,Barnsley,+cmd|' /C calc'!A0,5,@SUM(A1:A9)\n"
              + "2015-10,Doncaster,cse_charges,=1+1,ok\n")
    db = tmp_path / "wh.duckdb"
    with warehouse.connect(db) as con:
        report = ingest(con, [folder])
    assert [f.outcome for f in report.files] == ["rejected", "accepted"]
    return db


def grid_cells(at) -> list[list[str]]:
    return [[v for v in frame.value[col] if isinstance(v, str)] for frame in at.dataframe for col in frame.value]


def test_every_table_and_download_of_the_internal_pages_gives_formulas_as_text(monkeypatch, hostile_wh, tmp_path):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    served = downloads_of(monkeypatch)
    seen_in_grids: list[str] = []

    def check(at) -> None:
        assert not at.exception, at.exception
        cells = grid_cells(at)
        assert not live_formulas(cells)
        seen_in_grids.extend(c for row in cells for c in row)
        assert len(at.get("download_button")) >= len(at.dataframe)  # each table has its own download

    checks = internal(monkeypatch, hostile_wh, "internal_pages/checks.py", ANALYST)
    check(checks)
    failed = checks.dataframe[0].value
    checks.selectbox(key="run").select_index(list(failed["Outcome"]).index("failed")).run()
    check(checks)
    assert len(checks.dataframe) == 3  # runs, rules and failing rows
    for page in ("quarantine", "files", "provenance", "returns", "publishing", "flags"):
        check(internal(monkeypatch, hostile_wh, f"internal_pages/{page}.py", PCC))

    csvs = {name: data for name, data in served if name.endswith(".csv")}
    assert {"quarantine.csv", "files-loaded.csv", "validation-runs.csv", "publication-status.csv",
            "returns-calendar.csv"} <= set(csvs)
    # a return handed back as received is the force's own file, byte for byte (evidence of what was sent; the page
    # says to open it with care): every table the pages make is neutralised
    received = {name for name, data in csvs.items() if filestore.has(hostile_wh, hashlib.sha256(data).hexdigest())}
    assert received, "the Files loaded page hands a return back as received"
    written = []
    for name, data in ((n, d) for n, d in csvs.items() if n not in received):
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert not live_formulas(rows), name
        written += [cell for row in rows for cell in row]
    # what the files held is there, neutralised, not dropped
    for hostile in ("=refused.csv", "@accepted.csv", '=HYPERLINK("http://evil.example/","click")',
                    "+cmd|' /C calc'!A0"):
        assert "'" + hostile in written, hostile
        assert "'" + hostile in seen_in_grids, hostile


def test_the_internal_app_is_served_with_the_grids_own_export_switched_off(monkeypatch, tmp_path):
    """The grid's "Download as CSV" exports cells as they are, so the internal app's server hides it."""
    from pipelines import serving

    started: list[list[str]] = []

    class Stopped:
        returncode = 0

        def poll(self):
            return 0

    def popen(cmd, **_kw):
        started.append(cmd)
        return Stopped()

    monkeypatch.setattr(serving.subprocess, "Popen", popen)
    for name in ("ensure_port_free", "wait_for_http", "stop"):
        monkeypatch.setattr(serving.signin, name, lambda *a, **k: None)
    monkeypatch.setattr(serving.signin, "start_demo_provider", lambda *a, **k: Stopped())
    monkeypatch.setattr(serving.signin, "write_auth_secrets", lambda path, **k: path)
    monkeypatch.chdir(tmp_path)
    serving.serve_apps(tmp_path / "wh.duckdb", 8599, which="both", say=lambda *a: None)
    internal_cmd = next(c for c in started if str(serving.INTERNAL_APP) in c)
    at = internal_cmd.index("--client.disableDataExport")
    assert internal_cmd[at + 1] == "true"


def test_a_negative_count_a_refused_file_sent_is_quoted_as_written_on_the_quarantine_page(monkeypatch, tmp_path):
    """Regression: a refused file's "-3" (a count below zero) read "'-3" in the Quarantine page's "Value (as written)"
    and in its download, an apostrophe the force never wrote. A negative number is no formula: a spreadsheet reads
    it as the number. Text that only starts like one ("-2+3") is still neutralised."""
    assert [neutralise(v) for v in ("-3", "-4.5", "-2+3", "-3-", "- 3", "-")] == [
        "-3", "-4.5", "'-2+3", "'-3-", "'- 3", "'-"]
    served = downloads_of(monkeypatch)
    db = tmp_path / "wh.duckdb"
    with warehouse.connect(db) as con:
        report = ingest(con, [write_csv(tmp_path / "r.csv", HEADER + "2015-09,Barnsley,cse_charges,-3,\n")])
    assert [f.outcome for f in report.files] == ["rejected"]
    at = internal(monkeypatch, db, "internal_pages/quarantine.py", ANALYST)
    assert not at.exception
    assert list(at.dataframe[0].value["Value (as written)"]) == ["-3"]
    rows = list(csv.reader(io.StringIO(dict(served)["quarantine.csv"].decode("utf-8"), newline="")))
    at_value = rows[0].index("Value (as written)")
    assert [r[at_value] for r in rows[1:]] == ["-3"]
