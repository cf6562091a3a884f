"""An uploaded return is checked before anything is loaded: every failing cell named by sheet, row and column and
marked in the file's preview; for a file that passes, what loading it would change (new, revised was and now,
unchanged, refused files it supersedes). Accepting loads it as `pccdash ingest` does, keeps its bytes in the file
store with who uploaded it, audited; discarding keeps nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dashboard_helpers import ANALYST, PCC, claims_of, copy_warehouse, internal, texts
from helpers import build_workbook, fingerprint

from dashboard import ui
from pipelines import filestore, warehouse
from pipelines.access import NotAllowed
from pipelines.ingest import describe, ingest
from pipelines.ingest.preview import UploadError, accept, discard, preview, preview_rows
from pipelines.resubmission import file_registry, refusals

HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
ANALYST_CLAIMS = claims_of("analyst@example.org")
UPLOAD = "internal_pages/upload.py"


def long_csv(*blocks: tuple[str, str, tuple]) -> bytes:
    return (HEADER + "".join(f"{period},{d},{measure},{v}\n" for period, measure, values in blocks
                             for d, v in zip(DISTRICTS, values, strict=True))).encode()


def wide_xlsx(measure: str, rows: list[list], total: bool = False) -> bytes:
    import io

    out = io.BytesIO()
    build_workbook({measure: [["Period", *DISTRICTS, *(["Total"] if total else [])], *rows]}).save(out)
    return out.getvalue()


GOOD = long_csv(("2026-05", "cse_arrests", (10, 20, 30, 40)), ("2026-05", "cse_charges", (1, 2, 3, 4)))
REFUSED = wide_xlsx("cse_arrests", [["2026-06", 11, 21, "twelve", 41]])
RESENT = wide_xlsx("cse_arrests", [["2026-06", 11, 21, 12, 41]])


def test_a_good_file_says_what_it_would_add_and_loads_nothing(con):
    before = con.execute("SELECT count(*) FROM file_registry").fetchall()
    steps: list[tuple[float, str]] = []
    [p] = preview(con, [("2026-05-cse-return.csv", GOOD)], progress=lambda done, step: steps.append((done, step)))
    assert p.verdict == "passes" and p.loadable and not p.errors
    assert [d for d, _ in steps] == sorted(d for d, _ in steps) and steps[0][0] == 0
    assert steps[1][1] == "2026-05-cse-return.csv: checking 8 figures against the contract"
    assert (p.new, p.revised, p.unchanged) == (8, 0, 0)
    assert p.sentence() == ('"2026-05-cse-return.csv" passes the contract. Loading it would add 8 new figures, '
                            "revise 0 and leave 0 unchanged.")
    counts = p.counts_frame()
    assert list(counts.columns) == ["Measure", "District", "New", "Revised", "Unchanged"]
    assert len(counts) == 8 and counts["New"].sum() == 8 and "cse_arrests" not in set(counts["Measure"])
    assert con.execute("SELECT count(*) FROM file_registry").fetchall() == before  # a preview writes nothing
    assert con.execute("SELECT count(*) FROM figure").fetchall() == [(0,)]


def test_a_refused_file_names_its_failing_cell_by_sheet_row_and_column_and_marks_it_in_the_preview(con):
    [p] = preview(con, [("2026-06-cse-return.xlsx", REFUSED)])
    assert p.verdict == "refused" and not p.loadable
    assert p.sentence().startswith('"2026-06-cse-return.xlsx" would be refused: nothing from it would be loaded.')
    [cell] = [c for c in p.errors if c.rule == "value_is_number"]
    assert (cell.sheet, cell.row, cell.column, cell.district, cell.period) == (
        "cse_arrests", 2, "Rotherham", "Rotherham", dt.date(2026, 6, 1))
    shown = p.failing_frame()
    assert list(shown.columns) == ["Sheet", "Row", "Column", "Measure", "District", "Month", "Problem"]
    row = shown[shown["Column"] == "Rotherham"].iloc[0]
    assert (row["Month"], row["Measure"]) == ("June 2026", "CSE arrests") and '"twelve"' in row["Problem"]
    grid, marks = preview_rows(p, "cse_arrests")
    assert (2, 3) in marks and grid.loc[2, "D"] == "twelve"  # column D, headed Rotherham
    assert p.new == p.revised == 0 and p.revisions == []


def test_each_failing_cell_is_said_in_a_sentence_where_it_is_first_and_a_long_list_is_cut_short(con):
    [p] = preview(con, [("2026-06-cse-return.xlsx", REFUSED)])
    [line] = [x for x in p.failing_lines() if "twelve" in x]
    assert line.startswith('Sheet cse_arrests, row 2, column "Rotherham": "twelve" is not a number')
    assert p.failing_lines(limit=0) == [f"... and {len(p.errors):,} more: the table's download has every one."]


def test_a_failing_cell_far_down_a_long_file_is_marked_in_its_column_below_the_first_rows(con):
    months = [f"{y}-{m:02d}" for y in range(2010, 2019) for m in range(1, 13)]  # 108 months, 432 rows
    values = {(mon, d): 5 for mon in months for d in DISTRICTS}
    values[(months[90], "Sheffield")] = "x"  # row 2 + 90 * 4 + 3
    data = (HEADER + "".join(f"{mon},{d},cse_arrests,{values[(mon, d)]}\n" for mon in months for d in DISTRICTS)
            ).encode()
    [p] = preview(con, [("long.csv", data)])
    assert p.verdict == "refused" and [(c.sheet, c.row, c.column) for c in p.errors] == [(None, 365, "value")]
    grid, marks = preview_rows(p, "")
    assert marks == {(365, 3)} and grid.loc[365, "D"] == "x"
    assert len(grid) == 301 and list(grid.index[-2:]) == [300, 365]  # the first 300 rows, then the failing one


def test_a_resubmission_under_another_name_supersedes_the_refused_file(con, db):
    accept(con, ANALYST_CLAIMS, preview(con, [("2026-06-cse-return.xlsx", REFUSED)]))
    [refusal] = refusals(con)
    assert refusal.state == "open"
    [p] = preview(con, [("2026-06-cse-return-v2.xlsx", RESENT)])
    assert p.loadable and [(s.file.name, s.whole) for s in p.supersedes] == [("2026-06-cse-return.xlsx", True)]
    assert p.sentence().endswith('it would supersede refused file "2026-06-cse-return.xlsx" (#1).')
    done = accept(con, ANALYST_CLAIMS, [p])
    assert [f.outcome for f in done.files] == ["accepted"]
    assert refusals(con)[0].state == "cleared"
    assert done.sentence().startswith('1 file loaded. "2026-06-cse-return-v2.xlsx" accepted as file #2: 4 figures')


def test_a_file_revising_published_months_shows_was_and_now(con, tmp_path):
    (tmp_path / "2026-05-cse-return.csv").write_bytes(GOOD)
    assert ingest(con, [tmp_path / "2026-05-cse-return.csv"]).ok
    con.execute("INSERT INTO published_period VALUES (DATE '2026-05-01', TIMESTAMP '2026-06-20 10:00')")
    again = long_csv(("2026-05", "cse_arrests", (10, 22, 30, 40)), ("2026-05", "cse_charges", (1, 2, 3, 4)),
                     ("2026-06", "cse_arrests", (9, 9, 9, 9)))
    [p] = preview(con, [("2026-05-corrected.csv", again)])
    assert p.loadable and (p.new, p.revised, p.unchanged) == (4, 1, 7)
    assert [(r.district, r.was, r.now, r.published) for r in p.revisions] == [("Doncaster", 20, 22, True)]
    frame = p.revisions_frame()
    assert frame.iloc[0].to_dict() == {"Measure": "CSE arrests", "District": "Doncaster", "Month": "May 2026",
                                       "Was": "20", "Now": "22", "Published": "Yes"}
    assert "revise 1 (1 in published months)" in p.sentence()
    assert any("published" in c.message for c in p.warnings)  # the contract's own warning, said before loading


def test_accepting_keeps_the_file_in_the_store_with_who_uploaded_it_audited(con, db):
    [p] = preview(con, [("2026-05-cse-return.csv", GOOD)])
    done = accept(con, ANALYST_CLAIMS, [p])
    [f] = done.files
    assert f.outcome == "accepted" and f.new == 8
    assert filestore.get(db, p.sha256) == GOOD
    assert con.execute("SELECT file_id, sha256, uploaded_by FROM file_upload").fetchall() == [
        (f.file_id, p.sha256, "analyst@example.org")]
    registry = file_registry(con).set_index("file_id").loc[f.file_id]
    assert registry["loaded_by"] == "analyst@example.org" and registry["sha256"] == p.sha256
    assert con.execute("SELECT identity, channel, action, subject FROM audit_event").fetchall() == [
        ("analyst@example.org", "app", "load", f'file "2026-05-cse-return.csv" (#{f.file_id})')]
    [again] = preview(con, [("copy.csv", GOOD)])
    assert again.verdict == "already_loaded" and "loaded as file #1" in again.sentence()


def test_an_upload_is_written_to_the_file_store_once(con, db, monkeypatch):
    """Regression: accepting an upload kept its bytes in the file store, then the load kept them again as it read
    them (written whole to a hidden file, checked against the stored one and thrown away)."""
    written: list[int] = []
    keep_writing = filestore.Keeper.write
    monkeypatch.setattr(filestore.Keeper, "write", lambda self, chunk: (written.append(len(chunk)),
                                                                          keep_writing(self, chunk))[1])
    [good, unreadable] = preview(con, [("2026-05-cse-return.csv", GOOD), ("scan.csv", b"\x00\x01 not a return")])
    done = accept(con, ANALYST_CLAIMS, [good, unreadable])
    assert [f.outcome for f in done.files] == ["accepted", "rejected"]
    assert written == []  # the load wrote nothing more to the store
    stored = sorted(p for p in filestore.folder(db).rglob("*") if p.is_file())
    assert [p.name for p in stored] == sorted([good.sha256, unreadable.sha256])  # each once, nothing half written
    assert sum(p.stat().st_size for p in stored) == len(good.data) + len(unreadable.data)
    assert filestore.get(db, good.sha256) == GOOD
    # a return loaded from the command line is still kept as it is read
    other = db.parent / "2026-06-cse-return.csv"
    other.write_bytes(long_csv(("2026-06", "cse_arrests", (1, 2, 3, 4))))
    assert ingest(con, [other]).ok and sum(written) == other.stat().st_size


def test_a_file_with_breakdowns_says_its_figures_and_categories_read_apart_as_ingest_does(con):
    """Regression: the page said "10 figures read" of a return holding 2 figures and 8 breakdown categories, where
    `pccdash ingest` says "2 figures read (and 8 breakdown categories)"."""
    rows = [("2026-05", "Barnsley", 3, ""), ("2026-05", "Barnsley", 2, "Female"), ("2026-05", "Barnsley", 1, "Male"),
            ("2026-05", "Barnsley", 0, "Not stated"), ("2026-05", "Barnsley", 0, "Not recorded"),
            ("2026-05", "Doncaster", 2, ""), ("2026-05", "Doncaster", 1, "Female"), ("2026-05", "Doncaster", 0, "Male"),
            ("2026-05", "Doncaster", 0, "Not stated"), ("2026-05", "Doncaster", 1, "Not recorded")]
    data = ("period,district,measure,value,victim_sex\n"
            + "".join(f"{m},{d},victims_supported,{v},{sex}\n" for m, d, v, sex in rows)).encode()
    steps: list[str] = []
    [p] = preview(con, [("2026-05-victims.csv", data)], progress=lambda done, step: steps.append(step))
    assert p.loadable and (p.rows, p.categories) == (10, 8)
    assert p.read() == "2 figures (and 8 breakdown categories)"
    assert "2026-05-victims.csv: checking 2 figures (and 8 breakdown categories) against the contract" in steps
    [good] = preview(con, [("2026-05-cse-return.csv", GOOD)])
    assert good.read() == "8 figures"
    [done] = accept(con, ANALYST_CLAIMS, [p]).files
    assert "2 figures read (and 8 breakdown categories)" in describe(done)


def test_several_files_at_once_each_load_or_are_refused_as_ingest_would(con):
    previews = preview(con, [("a.csv", GOOD), ("b.xlsx", REFUSED), ("notes.csv", b"hello\n")])
    assert [p.verdict for p in previews] == ["passes", "refused", "unreadable"]
    done = accept(con, ANALYST_CLAIMS, previews)
    assert [f.outcome for f in done.files] == ["accepted", "rejected", "rejected"]
    assert con.execute("SELECT count(*) FROM file_upload").fetchall() == [(3,)]
    assert con.execute("SELECT count(*) FROM audit_event WHERE action = 'load'").fetchall() == [(3,)]


def test_an_unreadable_upload_sent_again_is_named_as_the_refusal_before_and_recorded_once(con, db):
    """Regression: a file refused before its content could be read (here a binary file) was registered with no hash,
    so the same file uploaded again was not recognised and each upload added another refusal."""
    scan = b"\x00\x01\x02 a scanner's file, not a return" * 20
    [p] = preview(con, [("2026-05-return.csv", scan)])
    assert p.verdict == "unreadable" and not p.refused_before
    [first] = accept(con, ANALYST_CLAIMS, [p]).files
    assert first.outcome == "rejected"
    [again] = preview(con, [("2026-05-return-resent.csv", scan)])
    assert again.refused_before.startswith(f'The same file was refused before, as file #{first.file_id} '
                                           '("2026-05-return.csv")')
    done = accept(con, ANALYST_CLAIMS, [again])
    assert done.files[0].refused_before and "1 refused before (nothing new recorded)" in done.sentence()
    assert con.execute("SELECT file_id, sha256 FROM file_registry").fetchall() == [(first.file_id, p.sha256)]
    assert filestore.get(db, p.sha256) == scan  # kept as received, and now found by its hash


def test_a_role_that_may_not_load_is_refused_and_nothing_is_kept(con, db):
    [p] = preview(con, [("a.csv", GOOD)])
    with pytest.raises(NotAllowed):
        accept(con, claims_of("visitor@example.org"), [p])
    assert not filestore.folder(db).exists()
    assert con.execute("SELECT count(*) FROM file_registry").fetchall() == [(0,)]
    with pytest.raises(UploadError, match="no name"):
        preview(con, [("", GOOD)])
    assert discard([p]) == 1 and p.data == b""


def test_pccdash_validate_says_what_a_file_would_change_as_the_upload_does(db, tmp_path, run_cli):
    (tmp_path / "may.csv").write_bytes(GOOD)
    assert run_cli("ingest", tmp_path / "may.csv", "--db", db).exit_code == 0
    (tmp_path / "may-v2.csv").write_bytes(long_csv(("2026-05", "cse_arrests", (10, 22, 30, 40)),
                                                   ("2026-06", "cse_arrests", (9, 9, 9, 9))))
    out = run_cli("validate", tmp_path / "may-v2.csv", "--db", db)
    assert out.exit_code == 0, out.output
    assert ('"may-v2.csv": Loading it would add 4 new figures, revise 1 and leave 3 unchanged.\n'
            '"may-v2.csv" would change 1 accepted figure:\n'
            "  CSE arrests, Doncaster, May 2026: was 20, now 22\n") in out.stdout


def test_pccdash_validate_of_a_file_already_loaded_says_nothing_would_change_as_ingest_does(db, tmp_path, run_cli):
    """Regression: it listed the figures a later correction had changed as if loading the file again would revise
    them, when `ingest` skips the file by its SHA-256."""
    (tmp_path / "may.csv").write_bytes(GOOD)
    assert run_cli("ingest", tmp_path / "may.csv", "--db", db).exit_code == 0
    (tmp_path / "fix.csv").write_bytes(long_csv(("2026-05", "cse_arrests", (10, 22, 30, 40))))
    assert run_cli("ingest", tmp_path / "fix.csv", "--db", db).exit_code == 0
    out = run_cli("validate", tmp_path / "may.csv", "--db", db)
    assert out.exit_code == 0, out.output
    assert ('"may.csv" is already loaded: loading it again would change nothing: it was loaded as file #1 '
            '("may.csv") on ') in out.stdout
    assert "Loading it would" not in out.stdout and "would change 1 accepted figure" not in out.stdout
    assert "already loaded as file #1" in run_cli("ingest", tmp_path / "may.csv", "--db", db).stderr


def test_pccdash_validate_says_its_counts_in_the_singular_and_the_plural(db, tmp_path, run_cli):
    """Regression: a file of one bad row was "FAILED (1 rows; 1 error rule(s), 1 warning rule(s) failed"."""
    one = tmp_path / "one.csv"
    one.write_text(HEADER + "2026-06,Leeds,cse_arrests,3\n")
    said = run_cli("validate", one, "--db", db).stdout
    assert "FAILED (1 row; 1 error rule, 1 warning rule failed; " in said
    two = tmp_path / "two.csv"
    two.write_text(HEADER + "2026-06,Leeds,cse_arrests,3\n2026-06,Barnsley,cse_arrests,-3\n")
    said += run_cli("validate", two, "--db", db).stdout
    assert "FAILED (2 rows; 2 error rules, 1 warning rule failed; " in said
    assert "(s)" not in said


@pytest.mark.parametrize(("name", "data", "verdict"), [
    ("bad-total.xlsx", wide_xlsx("cse_arrests", [["2026-06", 11, 21, 12, 41, 86]], total=True),
     "FAILED (4 rows; 1 total not equal to the sum of their parts; 0 error rules, "),
    ("unknown.csv", HEADER.encode() + b"2026-06,Leeds,cse_arrests,3\n", "FAILED (1 row; 1 error rule, "),
], ids=["wrong-total", "error-rule"])
def test_pccdash_validate_of_a_file_ingest_would_refuse_says_it_would_be_refused(db, tmp_path, run_cli, name, data,
                                                                                verdict):
    """Regression: a wide sheet's wrong Total left the verdict "passed", and a refused file was still said to add
    figures."""
    (tmp_path / name).write_bytes(data)
    out = run_cli("validate", tmp_path / name, "--db", db)
    assert out.exit_code == 1
    assert f'Validation of "{name}" (not loaded) against force_cse_return' in out.stdout and verdict in out.stdout
    assert f'"{name}" would be refused: nothing from it would be loaded.' in out.stdout
    assert "Loading it would" not in out.stdout
    with warehouse.connect(db) as con:  # the upload page's verdict is the same
        [p] = preview(con, [(name, data)])
    assert p.verdict == "refused" and not p.new
    ingested = run_cli("ingest", tmp_path / name, "--db", db)
    assert ingested.exit_code == 1 and "REFUSED, nothing loaded" in ingested.stderr


# --- the page ---------------------------------------------------------------------------------------


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


def table_with(at, column: str):
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _upload(monkeypatch, db, files, user=ANALYST):
    at = internal(monkeypatch, db, UPLOAD, user)
    at.session_state["upload_given"] = files
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_page_shows_a_refused_files_failing_cell_and_records_the_refusal_on_accepting(monkeypatch, wh):
    at = _upload(monkeypatch, wh, [("2026-06-cse-return.xlsx", REFUSED)])
    shown = texts(at)
    assert "would be refused: nothing from it would be loaded" in shown
    errors = table_with(at, "Problem")
    assert {"Sheet": "cse_arrests", "Row": 2, "Column": "Rotherham"}.items() <= errors.iloc[0].to_dict().items()
    grid = table_with(at, "D")
    assert grid.loc[2, "D"] == "\u26a0 twelve"  # marked in words as well as colour
    # the grid cuts a long problem short: each is said in full below it, and the table downloads to send on
    [full] = [e for e in at.expander if e.label == "Each problem in full"]
    said = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in full.markdown))  # as read, markdown's escapes gone
    assert '- Sheet cse_arrests, row 2, column "Rotherham": "twelve" is not a number; expected a number such as 12 ' \
           "or 87.5." in said, said
    assert [b.proto.label for b in at.get("download_button") if b.proto.id.endswith("upload_errors_0_download")
            ] == ["Download CSV"]
    assert ui.download_stem("2015-06 arrests (v2).xlsx") == "2015-06-arrests-v2" and ui.download_stem(".xlsx") == "file"
    assert at.button(key="upload_accept").label == "Record the refusal (nothing is loaded)"
    at.button(key="upload_accept").click().run()
    assert not at.exception
    assert "0 files loaded, 1 refused and recorded" in texts(at)
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT name, outcome, loaded_by FROM file_registry ORDER BY file_id DESC LIMIT 1"
                           ).fetchall() == [("2026-06-cse-return.xlsx", "rejected", "analyst@example.org")]
        refused = con.execute("SELECT count(*) FROM file_registry WHERE outcome = 'rejected'").fetchall()
    # the same file sent again, under another name: one refusal stands, not one more for each time it is sent
    at = _upload(monkeypatch, wh, [("2026-06-cse-return-again.xlsx", REFUSED)])
    at.button(key="upload_accept").click().run()
    assert not at.exception
    assert "0 files loaded, 1 refused before (nothing new recorded)" in texts(at)
    assert "already refused as file #" in texts(at)
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT count(*) FROM file_registry WHERE outcome = 'rejected'").fetchall() == refused


def test_the_page_shows_a_revision_was_and_now_then_loads_on_accepting(monkeypatch, wh):
    with warehouse.connect_read_only(wh) as con:
        [(period, district, measure, value)] = con.execute(
            "SELECT period, district, measure, value FROM figure WHERE measure = 'cse_arrests' "
            "ORDER BY period DESC, district LIMIT 1").fetchall()
    csv = f"{HEADER}{period:%Y-%m},{district},{measure},{int(value) + 1}\n".encode()
    at = _upload(monkeypatch, wh, [("correction.csv", csv)])
    assert "revise 1" in texts(at)
    revisions = table_with(at, "Was")
    assert revisions.iloc[0][["District", "Month", "Was", "Now"]].tolist() == [
        district, f"{period:%B %Y}", f"{value:g}", f"{value + 1:g}"]
    assert at.metric[1].label == "Revised figures" and at.metric[1].value == "1"
    at.button(key="upload_accept").click().run()
    assert not at.exception
    assert "1 file loaded" in texts(at) and "1 revised" in texts(at)
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT value FROM figure WHERE period = ? AND district = ? AND measure = ?",
                           [period, district, measure]).fetchall() == [(value + 1,)]
        assert con.execute("SELECT uploaded_by FROM file_upload").fetchall() == [("analyst@example.org",)]


def test_discarding_keeps_nothing(monkeypatch, wh):
    before = fingerprint(wh)
    at = _upload(monkeypatch, wh, [("a.csv", GOOD)], user=PCC)
    assert at.button(key="upload_accept").label == "Accept and load"
    at.button(key="upload_discard").click().run()
    assert not at.exception
    assert "Discarded: nothing was loaded" in texts(at)
    assert not at.dataframe and fingerprint(wh) == before and not filestore.folder(wh).exists()


def test_a_total_beside_a_district_cell_that_is_not_a_number_is_not_called_wrong(con):
    """Regression: a district typed as text with a thousands separator ("1,312") left its row's Total said to differ
    from "the sum of the districts", summed without that cell, when only the district cell is wrong."""
    data = wide_xlsx("officer_headcount", [["2026-06", 548, 718, 609, "1,312", 3187]], total=True)
    [p] = preview(con, [("2026-06-cse-return.xlsx", data)])
    assert p.verdict == "refused"
    assert [(c.row, c.column) for c in p.errors] == [(2, "Sheffield")]
    assert not any("does not equal the sum" in c.message for c in p.errors)
    wrong = wide_xlsx("officer_headcount", [["2026-06", 548, 718, 609, 1312, 3188]], total=True)
    [p] = preview(con, [("wrong-total.xlsx", wrong)])
    assert [(c.row, c.column) for c in p.errors] == [(2, "Total")]  # a total that is wrong is still said so


def test_a_refused_file_is_registered_with_the_figures_read_from_it(con):
    """Regression: Files loaded said a refused file had 0 rows read, when the upload page and Validation runs had
    read and checked its figures."""
    [p] = preview(con, [("2026-06-cse-return.xlsx", REFUSED)])
    assert p.rows == 4
    [f] = accept(con, ANALYST_CLAIMS, [p]).files
    assert f.outcome == "rejected"
    assert con.execute("SELECT rows_read FROM file_registry WHERE file_id = ?", [f.file_id]).fetchall() == [(4,)]


def test_a_formula_cell_is_marked_alone_in_the_preview_not_its_whole_row(con):
    """Regression: a cell the reader refuses (a formula) is named by its column letter, which no heading matched, so
    the preview marked every cell of its row as failing, the districts' figures too."""
    data = wide_xlsx("cse_arrests", [["2026-06", 11, 21, 12, 41, "=SUM(B2:E2)"]], total=True)
    [p] = preview(con, [("2026-06-cse-return.xlsx", data)])
    assert [(c.sheet, c.row, c.column) for c in p.errors] == [("cse_arrests", 2, "F")]
    grid, marks = preview_rows(p, "cse_arrests")
    assert marks == {(2, 5)} and list(grid.columns)[5] == "F"


def test_failing_cells_are_numbered_by_whole_rows_when_one_problem_has_no_row(con):
    """Regression: a problem with no row (a hidden sheet) beside one with a row turned the Row column into decimals,
    "4.0" beside an empty cell."""
    import io

    from helpers import build_workbook

    out = io.BytesIO()
    build_workbook({"cse_arrests": [["Period", *DISTRICTS], ["2026-06", 1, 2, 3, "=1+3"]], "Lookup": [["x"]]},
                   hidden={"Lookup": "hidden"}).save(out)
    [p] = preview(con, [("hidden.xlsx", out.getvalue())])
    rows = p.failing_frame()["Row"]
    assert str(rows.dtype) == "Int64" and rows.tolist()[:1] == [2] and rows.isna().sum() == 1


QUARANTINE = "internal_pages/quarantine.py"


def test_the_quarantine_page_names_the_column_the_upload_page_names_and_sends_people_to_the_upload_page(
        monkeypatch, wh):
    """Regression: a long-layout row refused for its district was shown in quarantine at column "value" (the cell
    holding its figure) while the upload page and Files loaded named column "district"; and the page told people
    to load the corrected file with "pccdash ingest", not the "Upload a return" page."""
    measures = ("cse_arrests", "grooming_arrests", "cse_charges", "cse_live_investigations", "cse_referrals",
                "cce_referrals")
    lines = [f"2026-05,{d},{m},5" for m in measures for d in DISTRICTS]
    lines[-1] = "2026-05,Sheffield City,cce_referrals,5"  # row 25 of the file, under its heading row
    lines.append("2026-05,Sheffield,cce_referrals,1.5.1")  # and a figure that is not a number, row 26
    data = (HEADER + "\n".join(lines) + "\n").encode()
    at = _upload(monkeypatch, wh, [("district-typo.csv", data)])
    upload = table_with(at, "Problem")
    named = {int(r.Row): r.Column for r in upload.itertuples()}
    assert named == {25: "district", 26: "value"}
    at.button(key="upload_accept").click().run()
    assert not at.exception

    q = internal(monkeypatch, wh, QUARANTINE, ANALYST)
    assert not q.exception, q.exception
    quarantined = table_with(q, "Column")
    assert {int(r.Row): r.Column for r in quarantined.itertuples()} == named
    # the rules broken by name, as the Validation runs page names them, not by their ids
    assert {int(r.Row): r[list(quarantined.columns).index("Rules broken") + 1]
            for r in quarantined.itertuples()} == {25: "District known", 26: "Value is number"}
    said = texts(q)
    assert "2 rows from refused batches, kept with every rule they broke. Correct the file" in said, said
    assert '"Upload a return"' in said
    command = said.find("pccdash ingest")  # the command may be mentioned, after the page
    assert command == -1 or command > said.index("Upload a return")


def test_the_preview_shows_a_percentage_cell_as_the_per_cent_the_loader_stores(con):
    """Regression: a cell formatted as a percentage (0.957 shown as 95.7%) was shown in the preview as the fraction
    it holds, 0.957, where the loader reads and stores 95.7."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "officers_trained_pct"
    ws.append(["Period", *DISTRICTS])
    ws.append(["2026-06", 0.957, 0.5, 0.875, 0.12345])
    for coordinate, number_format in (("B2", "0.0%"), ("C2", "0%"), ("D2", "0.0%"), ("E2", "0%")):
        ws[coordinate].number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    [p] = preview(con, [("2026-06-trained.xlsx", out.getvalue())])
    assert p.loadable, p.errors
    grid, _marks = preview_rows(p, "officers_trained_pct")
    assert grid.loc[2, ["B", "C", "D", "E"]].tolist() == ["95.7", "50", "87.5", "12.345"]
    accept(con, ANALYST_CLAIMS, [p])
    stored = dict(con.execute("SELECT district, value FROM figure WHERE measure = 'officers_trained_pct'").fetchall())
    assert [f"{stored[d]:g}" for d in DISTRICTS] == grid.loc[2, ["B", "C", "D", "E"]].tolist()


def test_a_row_that_breaks_one_rule_for_several_breakdowns_names_the_rule_once_in_quarantine(monkeypatch, wh,
                                                                                              tmp_path):
    """Regression: a month's figure resent without its breakdowns, where two breakdowns were held, broke "Breakdown
    sums to total" once for each; the Quarantine page named the rule once for each too ("Breakdown sums to total,
    Breakdown sums to total"), while the reasons said each breakdown."""
    header = "period,district,measure,value,victim_ethnicity,victim_sex\n"
    totals = "".join(f"2026-05,{d},victims_supported,{v},,\n" for d, v in zip(DISTRICTS, (3, 2, 3, 4), strict=True))
    parts = ("2026-05,Barnsley,victims_supported,2,Pakistani,\n2026-05,Barnsley,victims_supported,1,Indian,\n"
             "2026-05,Barnsley,victims_supported,2,,Female\n2026-05,Barnsley,victims_supported,1,,Male\n")
    (tmp_path / "may.csv").write_text(header + totals + parts, encoding="utf-8")
    (tmp_path / "may-v2.csv").write_text(HEADER + "2026-05,Barnsley,victims_supported,5\n", encoding="utf-8")
    with warehouse.connect(wh, create=False) as con:
        assert ingest(con, [tmp_path / "may.csv"]).ok
        assert not ingest(con, [tmp_path / "may-v2.csv"]).ok
    q = internal(monkeypatch, wh, QUARANTINE, ANALYST)
    assert not q.exception, q.exception
    quarantined = table_with(q, "Column")
    row = quarantined[quarantined["File"] == "may-v2.csv"]
    (rules,) = row["Rules broken"].tolist()
    assert rules == "Breakdown sums to total"
    (reasons,) = row["What was wrong"].tolist()
    assert "ethnicity" in reasons and "sex" in reasons, "each breakdown's reason is still said"


def test_a_file_refused_as_a_whole_is_said_of_the_file_and_several_refused_are_told_as_several(monkeypatch, wh):
    """An empty file's problem read "is empty (0 bytes)", with nothing it was said of, in the page's list and table;
    two refused files were said to be recorded "with its problems (nothing from it is loaded)"."""
    at = _upload(monkeypatch, wh, [("empty.csv", b""), ("a.csv", GOOD),
                                   ("2026-06-cse-return.xlsx", REFUSED)])
    shown = texts(at)
    assert "- The file is empty (0 bytes). Export the return again." in shown
    assert "The file is empty (0 bytes)." in table_with(at, "Problem")["Problem"].tolist()[0]
    assert "records 2 refused files with their problems (nothing from them is loaded)" in shown
    at = _upload(monkeypatch, wh, [("empty.csv", b""), ("a.csv", GOOD)])
    assert "records 1 refused file with its problems (nothing from it is loaded)" in texts(at)


def test_a_count_written_with_a_decimal_point_is_told_to_be_written_without_it(con):
    """A return exported with every count as "6.0" was told 528 times that "6.0" is not a whole number, with nothing
    to say what to write instead."""
    [p] = preview(con, [("2026-04.csv", (HEADER + "2026-04,Barnsley,cse_arrests,6.0\n"
                                         "2026-04,Doncaster,cse_arrests,7.5\n").encode())])
    said = dict(zip(p.failing_frame()["Row"], p.failing_frame()["Problem"], strict=True))
    assert said[2].endswith("Write 6, without the decimal point.")
    assert "Write" not in said[3]  # 7.5 is no count: there is no telling what was meant
