"""Only approved months reach the public snapshot, as they stood when approved, after disclosure control;
a reader sees the old snapshot or the new one, whole; only the PCC role approves and publishes."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading

import duckdb
import pytest
from dashboard_helpers import claims_of, internal, texts
from helpers import run_pccdash, set_clock, write_csv

from pipelines import public, warehouse
from pipelines.access import NotAllowed
from pipelines.flags import day_words, raise_flag, resolve_flags
from pipelines.ingest import ingest
from pipelines.publish.approval import CannotApprove, approve, period_states
from pipelines.publish.snapshot import NothingToPublish, preview_publication, publish, withdraw

PCC = claims_of("pcc@example.org")
ANALYST = claims_of("analyst@example.org")
HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
FORCE = "South Yorkshire"


def month_rows(period: str, measure: str, values) -> str:
    return "".join(f"{period},{d},{measure},{v}\n" for d, v in zip(DISTRICTS, values, strict=True))


@pytest.fixture
def loaded(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + month_rows("2015-06", "cse_arrests", (10, 20, 30, 40)) + month_rows(
        "2015-07", "cse_arrests", (11, 21, 31, 41)) + month_rows("2015-08", "cse_arrests", (12, 22, 32, 42))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
    return db


def snapshot_rows(sql: str, params=()):
    return public.read(sql, params).values.tolist()


def test_nothing_is_public_until_a_month_is_approved_and_published(loaded):
    assert public.current_snapshot() is None
    assert public.read("SELECT 1").empty
    with warehouse.connect(loaded) as con:
        with pytest.raises(NothingToPublish):
            publish(con, PCC)
        approve(con, ["2015-07"], PCC)
    assert public.current_snapshot() is None, "approval alone publishes nothing"
    with warehouse.connect(loaded) as con:
        version, path = publish(con, PCC)
    assert version == 1 and path == public.current_snapshot()
    months = snapshot_rows("SELECT DISTINCT period FROM figure WHERE period_type = 'month' ORDER BY 1")
    assert months == [["2015-07"]]
    assert snapshot_rows("SELECT area, value FROM figure WHERE measure = 'cse_arrests' AND period = '2015-07' "
                         "ORDER BY area") == [["Barnsley", 11], ["Doncaster", 21], ["Rotherham", 31],
                                              ["Sheffield", 41], ["South Yorkshire", 104]]


def test_a_part_of_the_return_sent_after_approval_is_said_as_added_not_revised(loaded, tmp_path):
    """Regression: a month approved and published with a part of its return still to come read "a figure was revised
    after its approval" once that part arrived, though no figure had been revised: only new ones added."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "late-part.csv", HEADER + month_rows(
            "2015-07", "cse_charges", (1, 2, 3, 4)))]).ok
        assert [(s.status, s.note) for s in period_states(con) if s.period.isoformat() == "2015-07-01"] == [
            ("changed", "figures were added after its approval (sent after the rest of its return); the public "
                        "reads it as approved: approve it again to publish the change")]
        # a revision as well: the revision is what needs saying
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + "2015-07,Doncaster,cse_arrests,25\n")]).ok
        assert [s.note for s in period_states(con) if s.period.isoformat() == "2015-07-01"] == [
            "a figure was revised after its approval; the public reads it as approved: approve it again to publish "
            "the change"]


def test_a_revision_after_approval_waits_for_a_new_approval_then_is_a_new_version(loaded, tmp_path, monkeypatch):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows(
            "2015-07", "cse_arrests", (11, 25, 31, 41)))]).ok
        assert [(s.status, s.note) for s in period_states(con) if s.period.isoformat() == "2015-07-01"] == [
            ("changed", "a figure was revised after its approval; the public reads it as approved: approve it again "
                        "to publish the change")]
        with pytest.raises(NothingToPublish, match="nothing has been approved since"):
            publish(con, PCC)  # not re-approved: the public already reads the approved figure
    assert snapshot_rows("SELECT value FROM figure WHERE area = 'Doncaster' AND period = '2015-07'") == [[21]]
    # the Publishing page says what changed, above the months to approve
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception
    assert [i.value for i in at.info if i.value.startswith("July 2015:")] == [
        "July 2015: a figure was revised after its approval; the public reads it as approved: approve it again to "
        "publish the change."]
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        version, _ = publish(con, PCC)
    assert version == 2
    assert snapshot_rows("SELECT value FROM figure WHERE area = 'Doncaster' AND period = '2015-07'") == [[25]]
    revised = snapshot_rows("SELECT area, previous_display, new_display FROM revision WHERE period = '2015-07' "
                            "ORDER BY area")
    assert revised == [["Doncaster", "21", "25"], ["South Yorkshire", "104", "108"]]
    assert snapshot_rows("SELECT last_revised_at IS NOT NULL FROM period WHERE period = '2015-07'") == [[True]]
    folder = public.published_dir()
    assert sorted(p.name for p in folder.glob("snapshot-*.duckdb")) == ["snapshot-0001.duckdb", "snapshot-0002.duckdb"]


def test_small_counts_are_suppressed_in_the_snapshot_and_no_reason_is_published(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + month_rows("2015-07", "cse_charges", (0, 2, 9, 12))
    with warehouse.connect(db) as con:
        ingest(con, [write_csv(tmp_path / "c.csv", text)])
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    rows = dict(snapshot_rows("SELECT area, display FROM figure WHERE period = '2015-07' AND measure = 'cse_charges'"))
    assert rows["Barnsley"] == "0" and rows["Doncaster"] == "[c]"
    assert sum(1 for v in rows.values() if v == "[c]") >= 2, "one suppressed cell would be recoverable from the total"
    cols = snapshot_rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'figure'")
    assert ["reason"] not in cols
    meta = dict(snapshot_rows("SELECT key, value FROM meta"))
    assert "[c]" in meta["footnote"] and meta["threshold"] == "4"


def test_the_snapshot_holds_no_analyst_note_no_personal_data_and_no_draft(loaded, tmp_path):
    with warehouse.connect(loaded) as con:
        con.execute("INSERT INTO figure_flag (scope, period, district, measure, reason, raised_by, raised_at) "
                    "VALUES ('figure', DATE '2015-07-01', 'Rotherham', 'cse_arrests', "
                    "'Secret note about a named child', 'analyst@example.org', now())")
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    path = public.current_snapshot()
    con = duckdb.connect(str(path), read_only=True)
    dump = " ".join(str(v) for t, in con.execute("SHOW TABLES").fetchall()
                    for row in con.execute(f"SELECT * FROM {t}").fetchall() for v in row)
    con.close()
    assert "Secret note" not in dump
    # the only address is the one the office publishes for the public to write to (public_info.yaml's contact)
    from pipelines.publish.info import load_public_info

    assert set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", dump)) == {load_public_info()["contact"]["email"]}
    assert "2015-06" not in dump and "2015-08" not in dump
    caveat = snapshot_rows("SELECT area, text FROM caveat ORDER BY area")
    in_total = "An analyst has flagged a figure within this total for a data-quality check."
    assert caveat == [["Rotherham", "An analyst has flagged this figure for a data-quality check."],
                      ["South Yorkshire", in_total]]


def test_only_the_pcc_role_approves_and_publishes(loaded):
    with warehouse.connect(loaded) as con:
        for who in (ANALYST, claims_of("someone@else.org"), {}):
            with pytest.raises(NotAllowed, match="needs the role pcc"):
                approve(con, ["2015-07"], who)
        approve(con, ["2015-07"], claims_of("x@y.org", groups=["pcc-office"]))
        with pytest.raises(NotAllowed):
            publish(con, ANALYST)


def test_an_open_error_or_a_blocking_flag_stops_approval(loaded, tmp_path):
    with warehouse.connect(loaded) as con:
        bad = write_csv(tmp_path / "aug.csv", HEADER + "2015-08,Leeds,cse_arrests,3\n")
        assert not ingest(con, [bad]).ok
        with pytest.raises(CannotApprove, match='file "aug.csv"'):
            approve(con, ["2015-08"], PCC)
        write_csv(bad, HEADER + month_rows("2015-08", "cse_arrests", (12, 22, 32, 43)))
        assert ingest(con, [bad]).ok
        approve(con, ["2015-08"], PCC)  # the corrected file closes the error
        con.execute("INSERT INTO figure_flag (scope, period, district, reason, blocking, raised_by, raised_at) "
                    "VALUES ('district_month', DATE '2015-06-01', 'Sheffield', 'Duplicate records suspected', "
                    "true, 'analyst@example.org', now())")
        with pytest.raises(CannotApprove, match="is blocking and unresolved: Duplicate records suspected"):
            approve(con, ["2015-06"], PCC)
        blockers = {s.period.strftime("%Y-%m"): s.blockers for s in period_states(con)}
        assert "Duplicate records suspected" in blockers["2015-06"][0]
        assert [m for m, b in blockers.items() if b] == ["2015-06"]
        con.execute("UPDATE figure_flag SET resolved_at = now(), resolved_by = 'analyst@example.org'")
        approve(con, ["2015-06"], PCC)
        events = con.execute("SELECT action, count(*) FROM publication_event GROUP BY ALL ORDER BY 1").fetchall()
    assert events == [("approved", 2), ("refused", 2)]


def test_the_pointer_cannot_lead_outside_the_published_folder(tmp_path, monkeypatch):
    folder = tmp_path / "published"
    folder.mkdir()
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    (tmp_path / "snapshot-0001.duckdb").write_bytes(b"")
    (folder / "current.json").write_text(json.dumps({"file": "../snapshot-0001.duckdb"}))
    assert public.current_snapshot() is None


def test_the_public_reader_cannot_open_the_warehouse_even_if_asked(loaded):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    with pytest.raises(duckdb.Error, match="disabled"):
        public.read(f"ATTACH '{loaded}' AS w (READ_ONLY)")
    with pytest.raises(duckdb.Error, match="disabled"):
        public.read(f"SELECT * FROM read_csv('{loaded}')")


def test_readers_during_publishing_see_one_whole_snapshot(loaded):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
    seen, errors, stop = set(), [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                meta = public.read("SELECT (SELECT value FROM meta WHERE key = 'version') AS v, "
                                   "(SELECT count(DISTINCT period) FROM figure WHERE period_type = 'month') AS n")
                v, n = meta.values.tolist()[0]
                seen.add((v, n))
            except Exception as exc:  # a reader must never fail
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        with warehouse.connect(loaded) as con:
            approve(con, ["2015-07"], PCC)
            publish(con, PCC)
            approve(con, ["2015-08"], PCC)
            publish(con, PCC)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert seen and seen <= {("1", 1), ("2", 2), ("3", 3)}, seen
    assert dict(snapshot_rows("SELECT key, value FROM meta"))["version"] == "3"


@pytest.mark.slow
@pytest.mark.parametrize("point", ["publish_before_rename", "publish_before_switch"])
def test_publishing_killed_leaves_the_old_snapshot_current_and_a_rerun_finishes(loaded, point, tmp_path):
    env = {"PCCDASH_PUBLISHED_DIR": str(public.published_dir())}
    assert run_pccdash("approve", "2015-06", "--db", loaded, "--as", "pcc@example.org", env=env).returncode == 0
    assert run_pccdash("publish", "--yes", "--db", loaded, "--as", "pcc@example.org", env=env).returncode == 0
    before = public.current_snapshot()
    assert run_pccdash("approve", "2015-07", "--db", loaded, "--as", "pcc@example.org", env=env).returncode == 0
    killed = run_pccdash("publish", "--yes", "--db", loaded, "--as", "pcc@example.org",
                         env={**env, "PCCDASH_FAILPOINT": point})
    assert killed.returncode == -9
    assert public.current_snapshot() == before
    assert snapshot_rows("SELECT DISTINCT period FROM figure WHERE period_type = 'month'") == [["2015-06"]]
    rerun = run_pccdash("publish", "--yes", "--db", loaded, "--as", "pcc@example.org", env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot_rows("SELECT DISTINCT period FROM figure WHERE period_type = 'month' ORDER BY 1") == [
        ["2015-06"], ["2015-07"]]


def test_publishing_into_a_new_folder_never_reuses_a_version_the_warehouse_holds(loaded, tmp_path):
    """Regression: the version came from the folder alone, so a second folder clashed with the warehouse's record
    after the public pointer had already been switched."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        first, _ = publish(con, PCC, tmp_path / "a")
        second, path = publish(con, PCC, tmp_path / "b")
        versions = con.execute("SELECT version FROM snapshot ORDER BY 1").fetchall()
    assert (first, second) == (1, 2) and versions == [(1,), (2,)]
    assert path.name == "snapshot-0002.duckdb"


def test_a_refused_approval_says_what_each_blocking_flag_is_on_in_words(loaded):
    """The refusal named a flag's scope by its code ("district_month: Sheffield") and a figure's measure by its id."""
    with warehouse.connect(loaded) as con:
        file_id = con.execute("SELECT min(file_id) FROM figure WHERE period = DATE '2015-06-01'").fetchall()[0][0]
        name = con.execute("SELECT name FROM file_registry WHERE file_id = ?", [file_id]).fetchall()[0][0]
        on_figure = raise_flag(con, ANALYST, scope="figure", reason="Looks doubled", period="2015-06",
                               district="Barnsley", measure="cse_arrests", blocking=True)
        on_month = raise_flag(con, ANALYST, scope="district_month", reason="Duplicates", period="2015-06",
                              district="Sheffield", blocking=True)
        on_file = raise_flag(con, ANALYST, scope="file", reason="Wrong version sent", file_id=file_id, blocking=True)
        with pytest.raises(CannotApprove) as refused:
            approve(con, ["2015-06"], PCC)
    assert str(refused.value).splitlines()[1:4] == [
        f"  - June 2015: flag #{on_figure} on Barnsley's CSE arrests is blocking and unresolved: Looks doubled",
        f"  - June 2015: flag #{on_month} on every measure for Sheffield is blocking and unresolved: Duplicates",
        f'  - June 2015: flag #{on_file} on the whole file "{name}" is blocking and unresolved: Wrong version sent']
    assert str(refused.value).splitlines()[-1] == "Resolve these (resolve the flags) and approve again."


def test_a_month_missing_a_district_is_not_approved(loaded, tmp_path):
    with warehouse.connect(loaded) as con:
        part = write_csv(tmp_path / "sep.csv", HEADER + "2015-09,Rotherham,cse_arrests,12\n")
        ingest(con, [part])
        with pytest.raises(CannotApprove,
                           match="September 2015: CSE arrests has no figure for Barnsley, Doncaster and Sheffield"
                           ) as refused:
            approve(con, ["2015-09"], PCC)
        # what to do is what the month lacks: no flag is involved, so no flag is named
        assert str(refused.value).splitlines()[-1] == ("Resolve these (load the missing districts' figures) and "
                                                       "approve again.")
        with pytest.raises(CannotApprove) as refused:
            approve(con, ["2015-10", "2015-09"], PCC)
        assert str(refused.value).splitlines()[-1] == ("Resolve these (load the month's return, or load the missing "
                                                       "districts' figures) and approve again.")


def test_a_second_publication_into_the_same_folder_waits_and_then_says_the_folder_is_busy(loaded, tmp_path,
                                                                                          monkeypatch):
    from pipelines import pointer_switch

    monkeypatch.setattr(pointer_switch, "LOCK_WAIT_S", 0.3)
    folder = tmp_path / "published"
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        with pointer_switch.folder_lock(folder):  # another command, publishing into the same folder
            with pytest.raises(pointer_switch.FolderBusy, match="Another command is publishing into"):
                publish(con, PCC)
        assert public.current_snapshot() is None and not list(folder.glob("snapshot-*")), "nothing was written"
        version, _ = publish(con, PCC)  # once the other has ended, the same command goes through
    assert version == 1 and public.current_snapshot() is not None


# A reader of the public snapshot who knows the contract's month-on-month rule (README: 3 times and 10) and tries
# to pin hidden counts with the published totals and the "moved sharply" caveats, present and absent.
MOVED = "moved sharply"


def _fires(a: int, b: int) -> bool:
    return max(a, b) >= 3 * min(a, b) and abs(a - b) >= 10


def _previous(period: str) -> str:
    y, m = map(int, period.split("-"))
    k = y * 12 + m - 2
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def _what_a_reader_can_tell(measure: str, areas: list[str], months: list[str], sums: list[tuple[list, tuple]]):
    """Every value each hidden (area, month) cell can take given the published figures, `sums` (the cells, then
    the published cell they add up to) and the caveats; a caveat's absence counts wherever this publication
    shows that caveats are published whatever the suppression (as one on a hidden figure shows), else only where
    both months are shown."""
    import itertools

    fig = public.read("SELECT area, period, period_type, value, suppressed FROM figure WHERE measure = ?", [measure])
    value = {(r.area, r.period): (None if r.suppressed else int(r.value)) for r in fig.itertuples()}
    every = public.read("SELECT f.measure, f.area, f.period, f.suppressed FROM figure f WHERE period_type = 'month'")
    state = {(r.measure, r.area, r.period): bool(r.suppressed) for r in every.itertuples()}
    moved = {(r.measure, r.area, r.period) for r in public.read("SELECT * FROM caveat").itertuples() if MOVED in r.text}
    anywhere = any(state.get(k, True) or state.get((k[0], k[1], _previous(k[2])), True) for k in moved)
    hidden = [(a, p) for a in areas for p in months if (a, p) in value and value[(a, p)] is None]
    top = max(value[total] for _, total in sums)
    found = {h: set() for h in hidden}
    for guess in itertools.product(range(1, top + 1), repeat=len(hidden)):
        v = {**value, **dict(zip(hidden, guess, strict=True))}
        if any(sum(v[c] for c in cells) != v[total] for cells, total in sums):
            continue
        ok = True
        for a in areas:
            for p in months:
                q = _previous(p)
                if (a, q) not in v or (a, p) not in v:
                    continue
                if (measure, a, p) in moved:
                    ok &= _fires(v[(a, q)], v[(a, p)])
                elif anywhere or (value[(a, q)] is not None and value[(a, p)] is not None):
                    ok &= not _fires(v[(a, q)], v[(a, p)])
        if ok:
            for h, g in zip(hidden, guess, strict=True):
                found[h].add(g)
    return found


def _no_caveat_on_a_hidden_figure():
    cells = public.read("SELECT c.measure, c.area, c.period, f.suppressed FROM caveat c LEFT JOIN figure f "
                        "ON f.measure = c.measure AND f.area = c.area AND f.period = c.period")
    assert not cells["suppressed"].isna().any() and not cells["suppressed"].astype(bool).any(), cells


def test_caveats_give_away_no_hidden_count(sample_db, tmp_path, monkeypatch):
    """A caveat on a hidden figure (Doncaster's February 2022 CSE arrests "moved sharply" from 11) or its absence
    beside one (Sheffield's July 2023 no-further-action outcomes, 13, after a hidden June) pinned hidden counts
    with the published totals; now each hidden cell keeps at least two possible values."""
    import shutil

    districts = list(DISTRICTS)
    for months, measure, areas, sums_of in (
            (["2022-01", "2022-02"], "cse_arrests", districts,
             lambda ms: [([(d, m) for d in districts], ("South Yorkshire", m)) for m in ms]),
            ([f"2023-{m:02d}" for m in range(4, 13)] + ["2024-01", "2024-02", "2024-03"], "cse_outcome_nfa",
             ["Sheffield"], lambda ms: [([("Sheffield", m) for m in ms[:3]], ("Sheffield", "Q1 2023/24"))])):
        db = tmp_path / f"{measure}.duckdb"
        shutil.copy(sample_db, db)
        monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / f"published-{measure}"))
        with warehouse.connect(db) as con:
            approve(con, months, PCC)
            publish(con, PCC)
            truth = {(d, f"{p:%Y-%m}"): v for p, d, v in con.execute(
                "SELECT period, district, value FROM figure WHERE measure = ?", [measure]).fetchall()}
        window = months[:4]
        found = _what_a_reader_can_tell(measure, areas, window, sums_of(window))
        assert found, "the example has hidden figures"
        for cell, values in found.items():
            assert truth[cell] in values, (cell, values)
            assert len(values) >= 2, f"{measure} {cell} can be worked out: {sorted(values)}"
        _no_caveat_on_a_hidden_figure()


def test_a_district_months_flag_is_a_caveat_on_each_of_its_shown_figures_never_a_hidden_one(db, tmp_path,
                                                                                            monkeypatch):
    """...and on the force's total it adds up, without naming the district (Doncaster's flagged 2 is hidden: the
    total says only that a figure within it is in doubt, as the office's own pages say of a force figure)."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + month_rows("2015-07", "cse_arrests", (11, 21, 31, 41)) + month_rows(
        "2015-07", "cse_charges", (0, 2, 9, 12))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        for district in ("Barnsley", "Doncaster"):
            con.execute("INSERT INTO figure_flag (scope, period, district, reason, raised_by, raised_at) VALUES "
                        "('district_month', DATE '2015-07-01', ?, 'Checking the month', 'analyst@example.org', now())",
                        [district])
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    hidden = snapshot_rows("SELECT area FROM figure WHERE suppressed AND period = '2015-07' AND measure = "
                           "'cse_charges' ORDER BY 1")
    assert ["Doncaster"] in hidden
    in_total = "An analyst has flagged a figure within this total for a data-quality check."
    assert snapshot_rows("SELECT measure, area, text FROM caveat ORDER BY 1, 2") == [
        ["cse_arrests", "Barnsley", "An analyst has flagged this figure for a data-quality check."],
        ["cse_arrests", "Doncaster", "An analyst has flagged this figure for a data-quality check."],
        ["cse_arrests", "South Yorkshire", in_total],
        ["cse_charges", "Barnsley", "An analyst has flagged this figure for a data-quality check."],
        ["cse_charges", "South Yorkshire", in_total]]


def blocking_flag(con, month: str, reason: str) -> int:
    return raise_flag(con, ANALYST, scope="figure", reason=reason, period=month, district="Rotherham",
                      measure="cse_arrests", blocking=True)


def test_a_blocking_flag_raised_after_approval_holds_the_month_back(loaded, run_cli):
    """Regression: a month approved and then given a blocking flag was published as if the flag were not there."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        number = blocking_flag(con, "2015-07", "Rotherham July arrests double counted?")
        preview = preview_publication(con)
        assert preview.months == ["2015-06"] and list(preview.held) == ["2015-07"]
        held = [line for line in preview.summary if line.startswith("Held back")]
        assert held and "July 2015" in held[0] and "double counted" in held[0]
        # one sentence that reads: the month was approved before the flag came, and the flag is what holds it
        assert held[0].startswith(f"Held back, not published: July 2015, approved before a flag that blocks it was "
                                  f"raised or reopened: flag #{number} on "), held[0]
        assert f"pccdash flags resolve {number}" in held[0]
    result = run_cli("publish", "--yes", "--as", "pcc@example.org", "--db", str(loaded))
    assert result.exit_code == 0, result.output
    assert "Held back, not published: July 2015" in result.output and "Months added: June 2015." in result.output
    assert snapshot_rows("SELECT DISTINCT period FROM figure WHERE period_type = 'month'") == [["2015-06"]]
    # the public calendar does not say it is "to be published" on a day: it says it is held back while checked
    assert snapshot_rows("SELECT status, expected_on IS NULL FROM release WHERE month = '2015-07'") == [
        ["held_flag", True]]
    from pipelines.publish import info
    from pipelines.publish.content import SnapshotView, Table

    page = info.calendar_page(SnapshotView(public.current_snapshot()))
    said = {row[0].text: (row[1].text, row[2].text) for block in page.blocks if isinstance(block, Table)
            for row in block.rows if len(row) == 3}
    assert said["July 2015"] == ("Not yet set", "Approved, then held back while some of its figures are checked "
                                                "again")
    with warehouse.connect(loaded) as con:
        status = {s.period.strftime("%Y-%m"): s.status for s in period_states(con)}
        assert status["2015-06"] == "published" and status["2015-07"] == "approved"
        with pytest.raises(NothingToPublish) as refused:
            publish(con, PCC)
        # not "every approved month": July is approved, and held back
        assert str(refused.value).startswith(
            "Nothing to publish: the public already reads, in snapshot 1, every approved month that no blocking flag "
            "holds back, as approved. Held back, not published: July 2015"), str(refused.value)
        resolve_flags(con, ANALYST, [number], "Checked with the force: counted once.")
        publish(con, PCC)
    assert snapshot_rows("SELECT DISTINCT period FROM figure WHERE period_type = 'month' ORDER BY 1") == [
        ["2015-06"], ["2015-07"]]


def test_after_a_withdrawal_the_release_calendar_says_a_month_a_blocking_flag_holds_back_is_held_back(loaded):
    """Regression: the calendar a withdrawal rebuilds read an approved month with a blocking flag open, which every
    publication holds back, as "Checked and approved; to be published" on the day of the withdrawal."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07", "2015-08"], PCC)
        number = blocking_flag(con, "2015-07", "Rotherham July arrests double counted?")
        publish(con, PCC)
        withdraw(con, PCC, "August was published in error.")
        release = {r["month"]: r for r in public.pointer()["release"]}
        assert release["2015-07"] == {"month": "2015-07", "expected_on": None, "status": "held_flag",
                                      "held_since": None}
        assert release["2015-08"]["status"] == "withdrawn"
        # resolved, it is to be published again like any approved month
        resolve_flags(con, ANALYST, [number], "Checked with the force: counted once.")
        from pipelines.publish.calendar import release_calendar

        now = release_calendar(con).set_index("month")
        assert now.loc["2015-07", "status"] == "approved" and now.loc["2015-07", "expected_on"] is not None


def test_a_month_held_back_alone_publishes_nothing_and_says_why(loaded):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        blocking_flag(con, "2015-07", "Duplicates suspected")
        with pytest.raises(NothingToPublish, match="every approved month not yet public is held back.*July 2015"):
            publish(con, PCC)
    assert public.current_snapshot() is None


def test_a_published_month_flagged_later_stays_as_the_public_reads_it_but_is_not_revised(loaded, tmp_path):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        number = blocking_flag(con, "2015-06", "June arrests double counted?")
        approve(con, ["2015-08"], PCC)  # June's flag does not stop August
        preview = preview_publication(con)
        assert preview.months == ["2015-06", "2015-08"] and not preview.held
        assert any(line.startswith("June 2015 stays as the public reads it") for line in preview.summary)
        publish(con, PCC)
        assert snapshot_rows("SELECT area, text FROM caveat WHERE period = '2015-06' ORDER BY area") == [
            ["Rotherham", "An analyst has flagged this figure for a data-quality check."],
            ["South Yorkshire", "An analyst has flagged a figure within this total for a data-quality check."]]
        # a correction approved before the flag must not reach the public while the flag is open
        resolve_flags(con, ANALYST, [number], "Checked.")
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows(
            "2015-06", "cse_arrests", (10, 20, 35, 40)))]).ok
        approve(con, ["2015-06"], PCC)
        number = blocking_flag(con, "2015-06", "The correction looks wrong too")
        with pytest.raises(NothingToPublish, match=rf"revise 2 published figures of June 2015.*"
                                                   rf"flags resolve {number}"):
            publish(con, PCC)
    assert snapshot_rows("SELECT value FROM figure WHERE area = 'Rotherham' AND period = '2015-06' "
                         "AND period_type = 'month'") == [[30]]


def test_a_flagged_published_month_cannot_show_a_figure_it_hid_until_the_flag_is_resolved(loaded, tmp_path):
    """A correction that shows a figure the public reads hidden changes what it reads, as a revision does: a blocking
    flag on the month stops it too, and the preview names it."""
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-06", "cse_arrests", (3, 20, 30, 40)))]).ok
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        # Barnsley's 3 hidden, Doncaster's 20 with it; corrected to 12 and 11, the force's 93 stays as it is
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows(
            "2015-06", "cse_arrests", (12, 11, 30, 40)))]).ok
        approve(con, ["2015-06"], PCC)
        number = blocking_flag(con, "2015-06", "The correction looks wrong")
        preview = preview_publication(con)
        assert preview.problem.startswith("Nothing can be published: it would show 2 figures hidden now of "
                                          "June 2015"), preview.problem
        with pytest.raises(NothingToPublish, match=rf"flags resolve {number}"):
            publish(con, PCC)
        resolve_flags(con, ANALYST, [number], "Checked.")
        preview = preview_publication(con)
        assert preview.problem is None and preview.revised.empty, (preview.problem, preview.revised)
        assert sorted(preview.newly_shown.query("period == '2015-06' and period_type == 'month'")[
            ["area", "now"]].values.tolist()) == [["Barnsley", "12"], ["Doncaster", "11"]]
        publish(con, PCC, expected=preview.fingerprint)
    assert snapshot_rows("SELECT area, display FROM figure WHERE period = '2015-06' AND period_type = 'month' "
                         "AND area IN ('Barnsley', 'Doncaster') ORDER BY area") == [["Barnsley", "12"],
                                                                                    ["Doncaster", "11"]]


def published_warnings(con, name: str) -> list[str]:
    """The "published month changed" warnings the load of the file called `name` gave."""
    return [m for (m,) in con.execute(
        """SELECT s.message FROM validation_sample s JOIN validation_run v USING (run_id)
           JOIN file_registry f USING (file_id)
           WHERE f.name = ? AND s.rule_id = 'published_month_changed' ORDER BY s.source_row""", [name]).fetchall()]


def test_a_correction_of_a_published_month_names_the_value_the_public_reads(loaded, tmp_path):
    """Regression: a second correction, loaded before the first was published, said the figure "was published as"
    the first correction's value, which the public never read."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        for name, doncaster in (("first.csv", 20), ("second.csv", 21), ("back.csv", 22)):
            assert ingest(con, [write_csv(tmp_path / name, HEADER + month_rows(
                "2015-08", "cse_arrests", (12, doncaster, 32, 42)))]).ok
        assert published_warnings(con, "first.csv") == [
            "CSE arrests for Doncaster in August 2015 was published as 22 and is now 20: the published figure will "
            "need a revision notice."]
        assert published_warnings(con, "second.csv") == [
            "CSE arrests for Doncaster in August 2015 was published as 22 and is now 21: the published figure will "
            "need a revision notice."]
        assert published_warnings(con, "back.csv") == []  # back to what the public reads: nothing to revise
        # once the correction is approved and published, the next one is compared with it
        assert ingest(con, [write_csv(tmp_path / "fourth.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 25, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fifth.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 26, 32, 42)))]).ok
        assert published_warnings(con, "fifth.csv") == [
            "CSE arrests for Doncaster in August 2015 was published as 25 and is now 26: the published figure will "
            "need a revision notice."]


def test_a_correction_of_a_figure_published_hidden_says_it_was_hidden_not_its_count(loaded, tmp_path):
    """Regression: a correction of a small count the public read hidden ("[c]") said the figure "was published as
    3", a count the public never saw; it now says it was published hidden, as the public read it (a figure hidden
    with it, so that it cannot be worked out from the total, too)."""
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 3, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "corrected.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (13, 5, 32, 42)))]).ok
        assert published_warnings(con, "corrected.csv") == [  # Barnsley's 12 hidden too, so 3 is not worked out
            "CSE arrests for Barnsley in August 2015 was published hidden (as [c]) and is now 13: the published "
            "figure will need a revision notice.",
            "CSE arrests for Doncaster in August 2015 was published hidden (as [c]) and is now 5: the published "
            "figure will need a revision notice."]


HIDDEN_WARNINGS = [
    "CSE arrests for Barnsley in August 2015 was published hidden (as [c]) and is now 13: the published figure will "
    "need a revision notice.",
    "CSE arrests for Doncaster in August 2015 was published hidden (as [c]) and is now 5: the published figure will "
    "need a revision notice."]


def test_a_figure_published_hidden_into_another_folder_is_said_hidden_from_the_warehouse_record(loaded, tmp_path):
    """Regression: the figures a publication hides were read from the snapshot the default published folder's
    pointer names, so a publication into another folder (`publish --published`) hid nothing a correction could name:
    it said Doncaster's 3 "was published as 3". The publication now records them in the warehouse."""
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 3, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC)
        version, _ = publish(con, PCC, tmp_path / "elsewhere")
        assert public.current_snapshot() is None  # nothing in the default folder
        assert con.execute("SELECT DISTINCT version FROM snapshot_hidden").fetchall() == [(version,)]
        assert ingest(con, [write_csv(tmp_path / "corrected.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (13, 5, 32, 42)))]).ok
        assert published_warnings(con, "corrected.csv") == HIDDEN_WARNINGS


def test_a_publication_made_before_the_warehouse_kept_its_hidden_figures_is_read_from_its_snapshot(loaded, tmp_path):
    """A warehouse brought up to date from before publications recorded what they hide: the publication in force
    is read from its snapshot file, and a correction of a figure it hid is still said hidden."""
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 3, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        # as if the publication came before the table: none of its rows, and the migration applied after it
        con.execute("DELETE FROM snapshot_hidden")
        con.execute("UPDATE schema_migration SET applied_at = (SELECT max(created_at) FROM snapshot) "
                    "+ INTERVAL 1 SECOND WHERE name = 'snapshot_hidden'")
        assert ingest(con, [write_csv(tmp_path / "corrected.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (13, 5, 32, 42)))]).ok
        assert published_warnings(con, "corrected.csv") == HIDDEN_WARNINGS


def test_a_change_to_a_published_month_says_when_its_revision_was_published(loaded, tmp_path):
    """Regression: a correction's caveat still said "the published figure will need a revision notice" after the month
    was approved again and published with it, on every page, the plan and the pack alike, for a figure published
    hidden as for one shown. Once a publication in force carries the figure as it now stands, the caveat says when
    the revision was published; it needs a notice again once that publication is withdrawn."""
    from pipelines.flags import caveats

    def revision_caveats(con) -> list[str]:
        cav = caveats(con, measure="cse_arrests")
        said = cav[cav["rule_id"] == "published_month_changed"]
        assert list(said["text"]) == [f"Data check, change to a published month: {m}" for m in said["message"]]
        return list(said["message"])

    def needed(hidden: str, shown: str) -> list[str]:
        return [f"CSE arrests for Doncaster in August 2015 was published hidden (as [c]) and is now 5: {hidden}",
                f"CSE arrests for Sheffield in August 2015 was published as 42 and is now 43: {shown}"]

    notice = "the published figure will need a revision notice."
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 3, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "corrected.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 5, 32, 43)))]).ok
        assert revision_caveats(con) == needed(notice, notice)
        approve(con, ["2015-08"], PCC)
        assert revision_caveats(con) == needed(notice, notice)  # approved, not yet published
        version, _ = publish(con, PCC)
        [(made,)] = con.execute("SELECT created_at FROM snapshot WHERE version = ?", [version]).fetchall()
        published = f"the revision was published on {day_words(made)}."
        assert revision_caveats(con) == needed(published, published)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)  # a later publication carrying August again: the revision is still the earlier one's
        assert revision_caveats(con) == needed(published, published)
        withdraw(con, PCC, "July was sent too early")
        withdraw(con, PCC, "August's correction was wrong")  # the public reads August as first published again
        assert revision_caveats(con) == needed(notice, notice)


def test_the_figures_hidden_are_those_of_the_publication_a_withdrawal_went_back_to(loaded, tmp_path):
    """After a withdrawal the public reads the snapshot before again: a correction is said hidden or not as that
    snapshot showed it, not as the withdrawn one did."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)  # August as sent: every figure shown
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 3, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)  # Doncaster's 3 hidden
        assert ingest(con, [write_csv(tmp_path / "corrected.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 5, 32, 42)))]).ok
        assert published_warnings(con, "corrected.csv") == [
            "CSE arrests for Doncaster in August 2015 was published hidden (as [c]) and is now 5: the published "
            "figure will need a revision notice."]
        withdraw(con, PCC, "Doncaster's figure was wrong")
        assert ingest(con, [write_csv(tmp_path / "again.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 6, 32, 42)))]).ok
        assert published_warnings(con, "again.csv") == [
            "CSE arrests for Doncaster in August 2015 was published as 22 and is now 6: the published figure will "
            "need a revision notice."]


def test_a_month_whose_publication_was_withdrawn_is_not_published_to_revise(loaded, tmp_path):
    """Regression: a month the public no longer read, its publication withdrawn, was still warned of as published
    ("will need a revision notice") when a correction of it came."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "July was sent twice by mistake")
        for name in ("june.csv", "july.csv"):
            period = "2015-06" if name == "june.csv" else "2015-07"
            assert ingest(con, [write_csv(tmp_path / name, HEADER + month_rows(
                period, "cse_arrests", (9, 9, 9, 9)))]).ok
        assert len(published_warnings(con, "june.csv")) == 4  # June: the public still reads it
        assert published_warnings(con, "july.csv") == []


def test_the_snapshot_keeps_the_public_pages_words_and_a_broken_public_info_file_publishes_nothing(ref, loaded):
    """Regression: publishing never kept public_info, so the public pages read the live reference file, and a
    broken one took every page down; now it is checked and kept, or nothing is published."""
    from pipelines.catalogue import dimensions
    from pipelines.publish.info import load_public_info

    path = ref / "public_info.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("  cse_charges:\n", "  cse_chargez:\n"), encoding="utf-8")
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        with pytest.raises(NothingToPublish) as refused:
            publish(con, PCC)
    message = str(refused.value)
    assert "Nothing can be published until public_info.yaml" in message and str(path) in message
    assert "cse_chargez" in message and "Then publish again" in message
    folder = public.published_dir()
    assert public.current_snapshot() is None and not list(folder.glob("snapshot-*")), "nothing was written"
    path.write_text(good, encoding="utf-8")
    with warehouse.connect(loaded) as con:
        publish(con, PCC)
    meta = dict(snapshot_rows("SELECT key, value FROM meta"))
    assert json.loads(meta["public_info"]) == json.loads(json.dumps(load_public_info()))
    stored = json.loads(meta["dimensions"])
    declared = dimensions()
    assert {k: v["name"] for k, v in stored["dimensions"].items()} == {
        p.dimension: declared.get(p.dimension).name for p in declared.published}
    assert stored["never_published"] == [[declared.get(d).name, why] for d, why in declared.never_published.items()]
    assert [tuple(p) for p in stored["published"]] == [(p.measure, p.dimension) for p in declared.published]


def test_a_preview_reads_each_earlier_snapshot_once_however_many_months_were_published(loaded, monkeypatch):
    from pipelines.publish import snapshot

    with warehouse.connect(loaded) as con:
        for month in ("2015-06", "2015-07"):
            approve(con, [month], PCC)
            publish(con, PCC)
        approve(con, ["2015-08"], PCC)
        first = preview_publication(con)
        opened: list[str] = []
        reader = snapshot.public_read
        monkeypatch.setattr(snapshot, "public_read", lambda sql, *a, **k: (opened.append(str(k.get("snapshot"))),
                                                                          reader(sql, *a, **k))[1])
        again = preview_publication(con)
        earlier = [p for p in opened if "snapshot-0001" in p]
        assert not earlier, "the first snapshot was read again though it cannot have changed"
        assert again.fingerprint == first.fingerprint and again.cells.equals(first.cells)
        publish(con, PCC)
        opened.clear()
        approve(con, ["2015-06"], PCC)
        preview_publication(con)
    # of the three snapshots now written, only the new one is read for what earlier publications showed or hid
    assert sorted({p.rsplit("/", 1)[-1] for p in opened if p != "None"}) == ["snapshot-0003.duckdb"]


def test_a_blocked_month_among_several_says_that_none_of_them_was_approved(loaded):
    """Regression: approving two months of which one was blocked approved neither, but the refusal named only the
    blocked month, so the other read as approved."""
    with warehouse.connect(loaded) as con:
        con.execute("INSERT INTO figure_flag (scope, period, district, reason, blocking, raised_by, raised_at) "
                    "VALUES ('district_month', DATE '2015-06-01', 'Sheffield', 'Duplicate records suspected', "
                    "true, 'analyst@example.org', now())")
        with pytest.raises(CannotApprove) as refused:
            approve(con, ["2015-07", "2015-06"], PCC)
        said = str(refused.value)
        assert said.startswith("Not approved: neither month was approved, because:")
        assert said.endswith("July 2015 can be approved on its own.")
        assert not con.execute("SELECT count(*) FROM period_status WHERE status = 'approved'").fetchall()[0][0]
        with pytest.raises(CannotApprove) as refused:
            approve(con, ["2015-06"], PCC)
        assert str(refused.value).startswith("Not approved:\n  - June 2015: ")


def test_a_flag_on_a_count_a_percentage_is_worked_out_from_is_published_on_the_percentage(db, tmp_path,
                                                                                         monkeypatch):
    """The share of suspects arrested within 12 weeks is worked out from two counts: a flag on Rotherham's count of
    those arrested in May is published on Rotherham's percentage for May and the force's, saying only that a figure
    it is worked out from is flagged (never which count or district), so the percentage's quarter carries it in the
    downloads and the summary lists it under the quarter's table, as a count's does."""
    from pipelines.publish import downloads, pages
    from pipelines.publish.content import SnapshotView

    in_parts = "An analyst has flagged a figure this percentage is worked out from for a data-quality check."
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    months = ("2015-04", "2015-05", "2015-06")
    text = HEADER + "".join(month_rows(p, "cse_suspects_identified", (40, 50, 60, 70))
                            + month_rows(p, "cse_suspects_arrested_12w", (20, 30, 40, 50)) for p in months)
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        raise_flag(con, ANALYST, scope="figure", reason="Arrests dated from the wrong day", period="2015-05",
                   district="Rotherham", measure="cse_suspects_arrested_12w")
        approve(con, list(months), PCC)
        publish(con, PCC)
    pct = "cse_suspects_arrested_12w_pct"
    assert snapshot_rows("SELECT area, period, text FROM caveat WHERE measure = ? ORDER BY 1", [pct]) == [
        ["Rotherham", "2015-05", in_parts], ["South Yorkshire", "2015-05", in_parts]]
    assert "Rotherham" not in in_parts and "wrong day" not in " ".join(
        t for [t] in snapshot_rows("SELECT text FROM caveat"))
    view = SnapshotView(public.current_snapshot(), {})
    df = downloads.frame(view)
    quarter = df[(df["measure_id"] == pct) & (df["period_type"] == "quarter")].set_index("area")["caveats"]
    assert quarter["Rotherham"] == quarter["South Yorkshire"] == f"May 2015: {in_parts}"
    assert quarter["Doncaster"] == ""
    page = pages.summary_page(view, "quarter", "Q1 2015/16")
    lines = [note for b in page.blocks if isinstance(b, pages.Table) for note in b.notes]  # under the table
    assert any(line.endswith(f"South Yorkshire, May 2015: {in_parts}") for line in lines), lines


def test_the_publishing_page_says_what_changed_once_for_the_months_it_is_true_of(loaded, tmp_path, monkeypatch):
    """Three approved months revised by one resubmission: one line names them all, newest first, not a line each."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07", "2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "again.csv", HEADER + "".join(
            month_rows(p, "cse_arrests", (13, 23, 33, 43)) for p in ("2015-06", "2015-07", "2015-08")))]).ok
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception
    said = [i.value for i in at.info if "revised after its approval" in i.value]
    assert said == ["August 2015, July 2015, June 2015: a figure was revised after its approval; the public reads it "
                    "as approved: approve it again to publish the change."]


def test_a_flag_follows_the_figure_the_public_reads_until_its_correction_is_approved(loaded, tmp_path):
    """The public reads a month as approved. A flag resolved because a correction settled it, and a flag on the whole
    file the published figure came from, stay on that published figure until the correction is approved and
    published: the doubted figure is still what the public reads. Once it is, the resolved flag follows neither the
    old figure nor the new one, and the file's flag no longer covers a figure that came from another file."""
    flagged = "An analyst has flagged this figure for a data-quality check."
    in_total = "An analyst has flagged a figure within this total for a data-quality check."

    def public_caveats():
        return snapshot_rows("SELECT area, text FROM caveat WHERE period = '2015-07' AND text LIKE 'An analyst%' "
                             "ORDER BY 1, 2")

    with warehouse.connect(loaded) as con:
        number = raise_flag(con, ANALYST, scope="figure", reason="Rotherham's July arrests look too high",
                            period="2015-07", district="Rotherham", measure="cse_arrests")
        file_flag = raise_flag(con, ANALYST, scope="file", reason="Compiled from a partial extract",
                               file_id=con.execute("SELECT file_id FROM file_registry WHERE name = 'r.csv'"
                                                   ).fetchall()[0][0])
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        every = [["Barnsley", flagged], ["Doncaster", flagged], ["Rotherham", flagged], ["Sheffield", flagged],
                 ["South Yorkshire", in_total]]
        assert public_caveats() == every
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + "2015-07,Rotherham,cse_arrests,25\n")]).ok
        resolve_flags(con, ANALYST, [number], "Corrected to 25 in fix.csv.")
        try:
            publish(con, PCC)
        except NothingToPublish:
            pass
        # the public still reads Rotherham's 31 from r.csv: both flags still bear on it
        assert snapshot_rows("SELECT value FROM figure WHERE area = 'Rotherham' AND period = '2015-07'") == [[31]]
        assert public_caveats() == every
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    assert snapshot_rows("SELECT value FROM figure WHERE area = 'Rotherham' AND period = '2015-07'") == [[25]]
    assert public_caveats() == [["Barnsley", flagged], ["Doncaster", flagged], ["Sheffield", flagged],
                                ["South Yorkshire", in_total]]
    with warehouse.connect(loaded) as con:
        assert con.execute("SELECT flag_id FROM figure_flag WHERE resolved_at IS NULL").fetchall() == [(file_flag,)]


def test_a_flag_on_a_districts_month_is_said_once_on_the_forces_percentage_and_not_as_on_a_total(db, tmp_path,
                                                                                                  monkeypatch):
    """A flag on Barnsley's May covers its percentage of suspects arrested within 12 weeks and the two counts it is
    worked out from. The force's percentage is rebuilt from every district's counts, not added up: the public reads
    on it that a figure it is worked out from is flagged, once, and not that a figure 'within this total' is."""
    in_parts = "An analyst has flagged a figure this percentage is worked out from for a data-quality check."
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + month_rows("2015-05", "cse_suspects_identified", (40, 50, 60, 70)) + month_rows(
        "2015-05", "cse_suspects_arrested_12w", (20, 30, 40, 50)) + month_rows(
        "2015-05", "cse_suspects_arrested_12w_pct", (50, 60, 66.7, 71.4))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        raise_flag(con, ANALYST, scope="district_month", reason="Compiled from a partial extract", period="2015-05",
                   district="Barnsley")
        approve(con, ["2015-05"], PCC)
        publish(con, PCC)
    pct = "cse_suspects_arrested_12w_pct"
    assert snapshot_rows("SELECT area, text FROM caveat WHERE measure = ? ORDER BY 1, 2", [pct]) == [
        ["Barnsley", "An analyst has flagged this figure for a data-quality check."],
        ["South Yorkshire", in_parts]]
    assert snapshot_rows("SELECT area, text FROM caveat WHERE measure = 'cse_suspects_identified' ORDER BY 1, 2") == [
        ["Barnsley", "An analyst has flagged this figure for a data-quality check."],
        ["South Yorkshire", "An analyst has flagged a figure within this total for a data-quality check."]]


def test_a_publication_that_only_adds_or_takes_away_a_note_says_so_in_its_preview(loaded, run_cli, monkeypatch):
    """Regression: a flag raised on a published month, or resolved, changes the note the public reads beside the
    figure, and publishing writes a new snapshot for it; the preview said "Months added: none. Published figures
    revised: 0." and nothing else, as if nothing would change."""
    from pipelines.catalogue import catalogue

    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        number = raise_flag(con, ANALYST, scope="figure", reason="Looks high", period="2015-06",
                            district="Rotherham", measure="cse_arrests")
        preview = preview_publication(con)
        assert preview.problem is None and len(preview.revised) == 0 and not preview.added
        assert "Notes beside figures (a flag, a data check) added: 2; taken away: 0." in preview.summary
        assert preview.summary[0].startswith("The new snapshot would hold 1 month: June 2015 ("), preview.summary
        assert sorted(preview.caveats_added["area"]) == ["Rotherham", "South Yorkshire"]
    shown = run_cli("publish", "--db", loaded, "--as", "pcc@example.org")  # asked, and answered no
    assert "Notes beside figures (a flag, a data check) added: 2; taken away: 0." in shown.stdout
    name = catalogue().get("cse_arrests").name  # as the public reads it
    assert (f"  - added: {name}, Rotherham, June 2015: An analyst has flagged this figure for a data-quality "
            "check.") in shown.stdout, shown.stdout
    with warehouse.connect(loaded) as con:
        publish(con, PCC)
        resolve_flags(con, ANALYST, [number], "Checked: it is right.")
        preview = preview_publication(con)
        assert "Notes beside figures (a flag, a data check) added: 0; taken away: 2." in preview.summary
        assert preview.caveats_added.empty and len(preview.caveats_removed) == 2
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception, at.exception
    assert "Notes beside figures the public would no longer read" in [m.value.strip("*") for m in at.markdown]


def test_a_month_approved_again_says_the_publication_the_public_reads_it_in_after_a_withdrawal(
        loaded, tmp_path, run_cli, monkeypatch):
    """A month published twice, corrected and approved again after the second publication, which is then withdrawn:
    the public reads it as the first publication has it, and its status says so, naming that publication, never the
    withdrawn one (on the command line and on the Publishing page); the next publication carries the correction."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        publish(con, PCC)
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + "2015-07,Barnsley,cse_arrests,15\n")]).ok
        approve(con, ["2015-07"], PCC)
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
        assert july.note.startswith("approved again since its publication in snapshot 2 on "), july.note
        done = withdraw(con, PCC, "August was published in error.")
        assert done.approved_since == ["2015-07"]
        first = con.execute("SELECT created_at FROM snapshot WHERE version = 1").fetchone()[0]
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
    said = f"approved again since its publication in snapshot 1 on {first:%Y-%m-%d}: the public reads it as published"
    assert july.status == "approved" and july.note.startswith(said), july.note
    monkeypatch.setenv("PCCDASH_DB", str(loaded))
    listed = " ".join(run_cli("periods").stdout.split())
    assert said in listed and "snapshot 2" not in listed
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception
    table = at.dataframe[0].value
    [note] = table.loc[table["Month"] == "July 2015", "Note"].tolist()
    assert note.startswith(said) and "snapshot 2" not in note
    with warehouse.connect(loaded) as con:
        publish(con, PCC)
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
    assert july.status == "published" and "since its publication" not in july.note


def test_a_correction_approved_again_is_approved_not_published_until_the_next_publication(loaded, tmp_path,
                                                                                           monkeypatch):
    """A published month corrected and approved again is not yet what the public reads: it shows as approved (with
    when it was published) until a publication carries it, then as published again."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + "2015-07,Barnsley,cse_arrests,15\n")]).ok
        approve(con, ["2015-07"], PCC)
        states = {s.period.strftime("%Y-%m"): s for s in period_states(con)}
    assert states["2015-06"].status == "published"
    assert states["2015-07"].status == "approved"
    assert "approved again since its publication" in states["2015-07"].note
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Approved"] == "1"
    with warehouse.connect(loaded) as con:
        publish(con, PCC)
        states = {s.period.strftime("%Y-%m"): s for s in period_states(con)}
    # the fixture's months hold one measure of the return: the note says only what the return lacks
    assert states["2015-07"].status == "published" and "since its publication" not in states["2015-07"].note


def test_a_total_that_moved_with_a_corrected_district_says_it_revises_a_published_figure(loaded, tmp_path):
    """Doncaster's August arrests corrected from 22 to 25 after publication: the district's figure carried the note
    that it revises one published earlier, and the force's total (108, now 111) did not, though its value changed
    too. Both carry it, in that publication and the ones after, while they read as revised."""
    note = "This figure revises one published earlier."
    read = ("SELECT area FROM caveat WHERE measure = 'cse_arrests' AND period = '2015-08' AND text = ? "
            "ORDER BY area")
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert snapshot_rows(read, [note]) == []
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 25, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC)
        preview = preview_publication(con)
        assert {(r.area, r.text) for r in preview.caveats.itertuples() if r.period == "2015-08"} == {
            ("Doncaster", note), (FORCE, note)}
        publish(con, PCC, expected=preview.fingerprint)
        assert snapshot_rows(read, [note]) == [["Doncaster"], [FORCE]]
        assert snapshot_rows("SELECT display FROM figure WHERE measure = 'cse_arrests' AND period = '2015-08' "
                             "AND period_type = 'month' AND area = ?", [FORCE]) == [["111"]]
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        assert snapshot_rows(read, [note]) == [["Doncaster"], [FORCE]]
        assert snapshot_rows("SELECT count(*) FROM caveat WHERE period = '2015-07' AND text = ?", [note]) == [[0]]


def test_approving_a_month_whose_return_is_not_all_in_says_what_is_published_without(loaded, tmp_path, run_cli,
                                                                                       monkeypatch):
    """A month can be approved with a part of its return overdue (its districts all in): the approval goes ahead,
    and the command (and the Publishing page, before the button) says what has not arrived and that the month is
    published without it; it said nothing, and the public tables silently lacked those measures."""
    from pipelines.publish.approval import not_all_in

    monkeypatch.setenv("PCCDASH_DB", str(loaded))
    result = run_cli("approve", "2015-07", "--as", "pcc@example.org")
    assert result.exit_code == 0 and "Approved by pcc@example.org" in result.stdout
    said = " ".join(result.stderr.split())
    assert said.startswith("July 2015: not all of its return is in. The return for July 2015 is overdue (due 7 "
                           "August 2015): Grooming arrests, CSE charges, ")
    assert said.endswith("are missing. Approved as it stands, July 2015 is published without those figures; they "
                         "are published once they arrive and July 2015 is approved again.")
    assert "CSE arrests" not in said  # sent
    rest = {"grooming_arrests": 5, "cse_charges": 5, "cse_live_investigations": 5, "cse_referrals": 5,
            "cawn_issued": 5, "shpo_sro_issued": 5, "victims_supported": 5, "officers_trained": 5,
            "officer_headcount": 50, "officers_trained_pct": 10, "rcrp_mental_health_incidents": 5}
    with warehouse.connect(loaded) as con:  # once the rest of the month's return is in, nothing is said
        assert ingest(con, [write_csv(tmp_path / "rest.csv", HEADER + "".join(
            month_rows("2015-07", m, (v,) * 4) for m, v in rest.items()))]).ok
        assert not_all_in(con, ["2015-07"]) == []
    result = run_cli("approve", "2015-07", "--as", "pcc@example.org")
    assert result.exit_code == 0 and result.stderr == ""


def test_the_publishing_page_says_what_a_chosen_month_lacks_before_it_is_approved(loaded, monkeypatch):
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    at.multiselect(key="approve_months").select("2015-07").run()
    assert not at.exception
    [warning] = [w.value.replace("\\", "") for w in at.warning if "not all of its return is in" in w.value]
    assert warning.startswith("July 2015: not all of its return is in. The return for July 2015 is overdue")


def test_a_month_short_of_a_district_is_said_as_not_approvable_before_approve_is_pressed(loaded, tmp_path,
                                                                                        monkeypatch):
    """Regression: choosing a month whose return came without Barnsley, the Publishing page (and its opening words)
    said "Approved as it stands, September 2015 is published without those figures", and Approve was then refused
    because Barnsley had no figure: it says before the button that the month cannot be approved until Barnsley's
    figures arrive."""
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "sep.csv", HEADER + "".join(
            f"2015-09,{d},cse_arrests,{v}\n" for d, v in (("Doncaster", 5), ("Rotherham", 6), ("Sheffield", 7))))]).ok
        with pytest.raises(CannotApprove, match="CSE arrests has no figure for Barnsley"):
            approve(con, ["2015-09"], PCC)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert "still to come) can be approved" not in " ".join(m.value for m in at.markdown)
    at.multiselect(key="approve_months").select("2015-09").run()
    assert not at.exception
    [warning] = [w.value.replace("\\", "") for w in at.warning if "not all of its return is in" in w.value]
    assert "without Barnsley" in warning and "Approved as it stands" not in warning
    assert warning.endswith("September 2015 cannot be approved until Barnsley's figures arrive: a measure is "
                            "published with every district's figure or not at all, since its force total and what "
                            "it hides are worked out from all of them.")


def test_a_month_short_of_the_same_district_in_every_measure_is_refused_saying_it_once(loaded, tmp_path,
                                                                                        monkeypatch):
    """Regression: a return sent without Barnsley was refused approval with a line for each of its measures ("CSE
    arrests has no figure for Barnsley", 24 of them for a whole return), by "pccdash approve" and on the Approve and
    publish page. Every measure lacking the same district is said once; where the districts lacking differ by
    measure, each measure is still named."""
    sent = (("Doncaster", 5), ("Rotherham", 6), ("Sheffield", 7))
    measures = ("cse_arrests", "cse_charges", "cse_referrals")
    refusal = ["Not approved:", "  - September 2015: no figure for Barnsley in any of its 3 measures (a measure is "
               "published with every district's figure or not at all)",
               "Resolve these (load the missing districts' figures) and approve again."]
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "sep.csv", HEADER + "".join(
            f"2015-09,{d},{m},{v}\n" for m in measures for d, v in sent))]).ok
        with pytest.raises(CannotApprove) as refused:
            approve(con, ["2015-09"], PCC)
        assert str(refused.value).splitlines() == refusal
    said = run_pccdash("approve", "2015-09", "--db", loaded, "--as", "pcc@example.org")
    assert said.returncode == 1 and said.stderr.splitlines()[1:] == refusal[1:], said.stderr
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    at.multiselect(key="approve_months").select("2015-09").run()
    at.button(key="approve").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.splitlines() == refusal and error.count("Barnsley") == 1, error

    with warehouse.connect(loaded) as con:
        # Barnsley's charges arrive: two measures still lack it, each named
        assert ingest(con, [write_csv(tmp_path / "charges.csv", HEADER + "2015-09,Barnsley,cse_charges,4\n")]).ok
        with pytest.raises(CannotApprove) as refused:
            approve(con, ["2015-09"], PCC)
        assert str(refused.value).splitlines()[1] == (
            "  - September 2015: no figure for Barnsley in 2 of its 3 measures: CSE arrests and CSE referrals")
        # October's referrals lack Doncaster too: the districts lacking differ, so each measure is named
        assert ingest(con, [write_csv(tmp_path / "oct.csv", HEADER + "".join(
            f"2015-10,{d},{m},{v}\n" for m in ("cse_arrests", "cse_referrals") for d, v in sent
            if not (m == "cse_referrals" and d == "Doncaster")))]).ok
        with pytest.raises(CannotApprove) as refused:
            approve(con, ["2015-10"], PCC)
        assert str(refused.value).splitlines()[1:3] == [
            "  - October 2015: CSE arrests has no figure for Barnsley",
            "  - October 2015: CSE referrals has no figure for Barnsley and Doncaster"]


def test_a_month_short_of_a_district_is_listed_as_blocked_until_the_district_arrives(loaded, tmp_path, run_cli,
                                                                                    monkeypatch):
    """Regression: "pccdash periods" and the Publishing page's table listed a month whose return came without
    Barnsley as a draft with nothing blocking it, though its approval is refused until Barnsley's figures arrive:
    they say what blocks it, once a month, and nothing once the district is in."""
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "sep.csv", HEADER + "".join(
            f"2015-09,{d},{m},{v}\n" for m in ("cse_arrests", "cse_charges")
            for d, v in (("Doncaster", 5), ("Rotherham", 6), ("Sheffield", 7))))]).ok
        [sep] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-09"]
        assert (sep.status, sep.blockers) == ("draft", ["2 measures have no figure for Barnsley, until its figures "
                                                        "arrive"])
        assert all(not s.blockers for s in period_states(con) if s.period != sep.period)
    monkeypatch.setenv("PCCDASH_DB", str(loaded))
    assert ("blocked by: 2 measures have no figure for Barnsley, until its figures arrive"
            in " ".join(run_cli("periods").stdout.split()))
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    table = at.dataframe[0].value
    assert table.loc[table["Month"] == "September 2015", "Blocked by"].tolist() == [
        "2 measures have no figure for Barnsley, until its figures arrive"]
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "sep-barnsley.csv", HEADER + "2015-09,Barnsley,cse_arrests,4\n"
                                      "2015-09,Barnsley,cse_charges,4\n")]).ok
        assert [s.blockers for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-09"] == [[]]


def test_a_month_approved_in_another_window_is_said_as_approved_already_not_dropped_silently(loaded, monkeypatch):
    """Two windows on the Publishing page choose July 2015; the first approves it. The second's Approve said
    nothing and emptied its choice (the month was no longer offered): it says the month was approved already, by
    whom and when, and that nothing more was recorded."""
    one = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    two = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    for at in (one, two):
        at.multiselect(key="approve_months").select("2015-07").run()
    one.button(key="approve").click().run()
    assert not one.exception and [t.value for t in one.toast] == ["Approved July 2015 as pcc\u200b@example\\.org\\."]
    two.button(key="approve").click().run()
    assert not two.exception and not two.error
    [said] = [i.value.replace("\\", "") for i in two.info if "approved already" in i.value]
    assert re.fullmatch(r"July 2015 was approved already, while this page was open: by pcc\u200b@example\.org on "
                        r"\d+ \w+ \d{4} at \d\d:\d\d (GMT|BST) \(in another window, or by the command line\)\. Its "
                        r"figures have not changed since, so nothing more was recorded\.", said), said
    with warehouse.connect(loaded) as con:
        assert con.execute("SELECT count(*) FROM publication_event WHERE period = '2015-07-01' AND action = "
                           "'approved'").fetchone() == (1,)
    two.run()  # said once: the next thing done on the page no longer says it
    assert not [i for i in two.info if "approved already" in i.value]


def test_a_month_changed_after_another_windows_approval_is_approved_again(loaded, tmp_path, monkeypatch):
    """The month chosen in the second window was approved in the first and revised since: pressing Approve approves
    it again, as it stands now."""
    one = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    two = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    for at in (one, two):
        at.multiselect(key="approve_months").select("2015-07").run()
    one.button(key="approve").click().run()
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows("2015-07", "cse_arrests",
                                                                                 (12, 21, 31, 41)))]).ok
    two.button(key="approve").click().run()
    assert not two.exception and not two.error
    assert [t.value for t in two.toast] == ["Approved July 2015 as pcc\u200b@example\\.org\\."]
    assert not [i for i in two.info if "approved already" in i.value]
    with warehouse.connect(loaded) as con:
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
        assert july.status == "approved" and "after its approval" not in july.note
        assert con.execute("SELECT count(*) FROM publication_event WHERE period = '2015-07-01' AND action = "
                           "'approved'").fetchone() == (2,)


def test_a_month_approved_without_a_part_of_its_return_keeps_saying_so_until_the_part_arrives(loaded, tmp_path,
                                                                                                run_cli, monkeypatch):
    """The warning that a month is published without the part of its return not yet in was said only before the
    approval: once approved, the status table's note (the page's and `pccdash periods`) was empty. It says what the
    month was approved and published without, until that part arrives and makes the month "changed"."""
    rest = {"grooming_arrests": 5, "cse_charges": 5, "cse_live_investigations": 5, "cse_referrals": 5,
            "cawn_issued": 5, "shpo_sro_issued": 5, "victims_supported": 5, "officers_trained": 5,
            "officer_headcount": 50, "officers_trained_pct": 10}
    with warehouse.connect(loaded) as con:  # July's return lacks only its mental-health incidents
        assert ingest(con, [write_csv(tmp_path / "most.csv", HEADER + "".join(
            month_rows("2015-07", m, (v,) * 4) for m, v in rest.items()))]).ok
        approve(con, ["2015-07"], PCC)
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
    approved = ("approved without Mental-health incidents attended, not yet in: it is published without those "
                "figures until they arrive and the month is approved again")
    assert (july.status, july.note) == ("approved", approved)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert table.loc[table["Month"] == "July 2015", "Note"].tolist() == [approved]
    monkeypatch.setenv("PCCDASH_DB", str(loaded))
    assert approved in " ".join(run_cli("periods").stdout.split())
    with warehouse.connect(loaded) as con:
        publish(con, PCC)
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
        assert (july.status, july.note) == ("published", (
            "published without Mental-health incidents attended, not yet in when it was approved: the public reads "
            "it without those figures until they arrive and the month is approved again"))
        assert ingest(con, [write_csv(tmp_path / "last.csv", HEADER + month_rows(
            "2015-07", "rcrp_mental_health_incidents", (1, 2, 3, 4)))]).ok
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
        assert july.status == "changed" and july.note.startswith("figures were added after its approval")
        approve(con, ["2015-07"], PCC)
        [july] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2015-07"]
        assert july.status == "approved" and july.note.startswith("approved again since its publication")
        assert "without" not in july.note


def test_the_preview_says_which_approved_month_goes_out_without_a_part_of_its_return(loaded, monkeypatch):
    """What the public will see said nothing of the approved month published without the part of its return not yet
    in: it was said only while the month was chosen for approval."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception
    [warning] = [w.value.replace("\\", "") for w in at.warning if "not all of its return is in" in w.value]
    assert warning.startswith("July 2015: not all of its return is in. The return for July 2015 is overdue")
    assert warning.endswith("Approved as it stands, July 2015 is published without those figures; they are published "
                            "once they arrive and July 2015 is approved again.")
    assert not [w for w in at.warning if "June 2015" in w.value]  # a draft is not in the preview


def test_the_previews_downloads_carry_each_figures_open_flags_and_caveats(loaded, tmp_path, monkeypatch):
    """The Approve and publish page's tables of figures say in their downloads what the office knows of each figure
    and the public does not read: its open flags by number and reason and its caveats in words, a force's figure its
    districts', a quarter's or 12 months' those of every month it adds up, as the Measure page's download says them."""
    import io

    import pandas as pd
    from dashboard_helpers import downloads_of

    from pipelines.figures import plan_figures
    from pipelines.flags import caveats, period_figure_notes
    from pipelines.plan import PlanAnalytics

    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + "2015-07,Barnsley,cse_arrests,15\n")]).ok
        approve(con, ["2015-07", "2015-08"], PCC)
        number = raise_flag(con, ANALYST, scope="figure", reason="Rotherham's August arrests look too high",
                            period="2015-08", district="Rotherham", measure="cse_arrests")
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception, at.exception

    def csv(name: str) -> pd.DataFrame:
        return pd.read_csv(io.BytesIO([d for n, d in served if n == name][-1]), dtype=str, keep_default_na=False)

    flag = f"Flag {number}: Rotherham's August arrests look too high"
    cells = csv("publication-preview-cells.csv").set_index(["Area", "Period"])
    assert list(cells.columns[-2:]) == ["Open flags", "Caveats"]
    for area in ("Rotherham", FORCE):  # the force's total is made of Rotherham's figure
        assert cells.loc[(area, "2015-08"), "Open flags"] == flag
        assert cells.loc[(area, "2015-08"), "Caveats"].startswith("Rotherham, August 2015: Flagged by "
                                                                  "analyst@example.org on ")
    assert cells.loc[("Barnsley", "2015-08"), "Open flags"] == cells.loc[("Rotherham", "2015-07"), "Open flags"] == ""
    # a published figure that would change carries the data check that says it changed
    revised = csv("publication-preview-revised.csv").set_index("Area")
    assert revised.loc["Barnsley", "Caveats"] == (
        "Barnsley, July 2015: Data check, change to a published month: CSE arrests for Barnsley in July 2015 was "
        "published as 11 and is now 15: the published figure will need a revision notice.")
    assert revised.loc[FORCE, "Caveats"] == revised.loc["Barnsley", "Caveats"]

    # a quarter's or 12 months' figure carries the flags of every month and district it adds up
    with warehouse.connect_read_only(loaded) as con:
        cav, panel = caveats(con), PlanAnalytics(plan_figures(con)).panel
    periods = pd.DataFrame({"measure": "cse_arrests", "area": [FORCE, "Rotherham", "Barnsley", FORCE],
                            "period": ["Q2 2015/16", "12 months to 2015-08", "Q2 2015/16", "Q1 2015/16"],
                            "period_type": ["quarter", "rolling_12_months", "quarter", "quarter"]})
    said = period_figure_notes(cav, panel, periods)
    assert list(said["Open flags"]) == [flag, flag, "", ""]


def preview_with_spring(loaded, tmp_path, monkeypatch):
    """April and May 2015 loaded beside June, the three approved, and the Approve and publish page opened: the page,
    and its preview's download of cells (every column as text)."""
    import io

    import pandas as pd
    from dashboard_helpers import downloads_of

    text = HEADER + "".join(month_rows(p, "cse_arrests", v) for p, v in (("2015-04", (9, 19, 29, 39)),
                                                                          ("2015-05", (8, 18, 28, 38))))
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "spring.csv", text)]).ok
        approve(con, ["2015-04", "2015-05", "2015-06"], PCC)
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception, at.exception
    cells = pd.read_csv(io.BytesIO([d for n, d in served if n == "publication-preview-cells.csv"][-1]), dtype=str,
                        keep_default_na=False)
    return at, cells


def test_the_previews_downloads_head_the_period_as_a_period_and_name_each_measure(loaded, tmp_path, monkeypatch):
    """A preview's table of figures holds quarters' and 12 months' figures beside months': its column is headed
    "Period", in the grid and the download, not "Month"; and its download names each measure as the grid does, the
    measure's id kept beside it under "Measure code" as the public downloads give it."""
    at, cells = preview_with_spring(loaded, tmp_path, monkeypatch)
    assert list(cells.columns[:3]) == ["Measure", "Area", "Period"]
    assert "Month" not in cells.columns
    assert set(cells["Measure"]) == {"CSE arrests"}
    assert set(cells["Measure code"]) == {"cse_arrests"}
    assert list(cells.columns[-3:]) == ["Measure code", "Open flags", "Caveats"]
    assert {"month", "quarter"} <= set(cells["Period type"])
    assert "Q1 2015/16" in set(cells["Period"]) and "2015-06" in set(cells["Period"])
    grid = next(df.value for df in at.dataframe if "Display" in df.value.columns)
    assert "Period" in grid.columns and "Month" not in grid.columns and "Measure code" not in grid.columns
    assert set(grid["Measure"]) == {"CSE arrests"}


def test_the_previews_grid_names_each_kind_of_period_in_words(loaded, tmp_path, monkeypatch):
    """The preview's grid showed a kind of period as its code ("rolling_12_months", "financial_year"): it names
    each as the public pages do, and the download keeps the code the public CSV gives."""
    from pipelines.publish.content import PERIOD_TYPE_WORDS

    at, cells = preview_with_spring(loaded, tmp_path, monkeypatch)
    grids = [df.value for df in at.dataframe if "Period type" in df.value.columns]
    assert grids
    shown = set().union(*(set(g["Period type"]) for g in grids))
    assert {"Month", "Financial quarter"} <= shown <= set(PERIOD_TYPE_WORDS.values()), shown
    assert {"month", "quarter"} <= set(cells["Period type"]) <= set(PERIOD_TYPE_WORDS)


def revision_reasons(sql_where: str = "true") -> list[list]:
    return snapshot_rows(f"SELECT area, period_type, period, previous_display, new_display, coalesce(reason, '') "
                         f"FROM revision WHERE {sql_where} ORDER BY version, period_type, period, area")


def test_a_reason_given_with_the_approval_of_a_correction_is_published_beside_each_figure_it_revises(loaded, tmp_path):
    """The public read that a figure was revised, never why. A reason given with the approval of a corrected month is
    published beside each figure that publication revises in it (the force's total and the quarter with the
    district's month), and stays with them; a later revision of another month approved with no reason has none."""
    from pipelines.publish.content import SnapshotView
    from pipelines.publish.pages import revisions_table

    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07", "2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "june.csv", HEADER + month_rows(
            "2015-06", "cse_arrests", (10, 25, 30, 40)))]).ok
        why = "The force corrected Doncaster's arrests after an audit of its custody records."
        approve(con, ["2015-06"], PCC, reason=f"  {why}  ")
        preview = preview_publication(con)
        assert preview.reason_lines == [f'Reason the public reads beside the figures revised in June 2015: "{why}"']
        assert preview.reason_lines[0] in preview.summary
        publish(con, PCC, expected=preview.fingerprint)
    june = revision_reasons("measure = 'cse_arrests' AND area IN ('Doncaster', 'South Yorkshire')")
    assert [r[:5] for r in june if r[1] == "month"] == [["Doncaster", "month", "2015-06", "20", "25"],
                                                         ["South Yorkshire", "month", "2015-06", "100", "105"]]
    assert june and all(r[5] == why for r in june), june  # the quarter and 12 months with June too
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "july.csv", HEADER + month_rows(
            "2015-07", "cse_arrests", (11, 22, 31, 41)))]).ok
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    rows = revision_reasons("measure = 'cse_arrests' AND area = 'Doncaster' AND period_type = 'month'")
    assert rows == [["Doncaster", "month", "2015-06", "20", "25", why],
                    ["Doncaster", "month", "2015-07", "21", "22", ""]]
    table = revisions_table(SnapshotView(public.current_snapshot()))
    assert table.columns[-1] == "Reason" and any(c.text == why for row in table.rows for c in row)


def test_a_reason_that_quotes_a_figure_the_publication_hides_refuses_it(loaded, tmp_path):
    """The reason is published: one that ties a hidden small count to its figure would publish it. Nothing is
    published until the month is approved again with a reason that leaves it out."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 3, 32, 42)))]).ok
        approve(con, ["2015-08"], PCC, reason="Doncaster's CSE arrests in August 2015 were 3, not 22.")
        with pytest.raises(NothingToPublish) as refused:
            publish(con, PCC)
        said = str(refused.value)
        assert "the reason given with the approval of August 2015 quotes 3" in said, said
        assert ("quotes 3, the figure this publication hides for CSE arrests for Doncaster in August 2015, and names "
                "that figure's area, period and measure") in said, said
        assert 'pccdash approve 2015-08 --reason TEXT' in said
        assert public.read("SELECT count(*) FROM revision").iloc[0, 0] == 0
        approve(con, ["2015-08"], PCC, reason="Doncaster's figure was sent twice.")  # approved as it stands
        assert con.execute("SELECT note FROM publication_event WHERE action = 'approved' AND period = '2015-08-01' "
                           "ORDER BY acted_at DESC LIMIT 1").fetchall() == [("Doncaster's figure was sent twice.",)]
        publish(con, PCC)
    assert {r[5] for r in revision_reasons()} == {"Doncaster's figure was sent twice."}


def _published_then_corrected_to_a_small_count(db, tmp_path) -> None:
    """August 2015 published, then Doncaster's arrests corrected to 3 (a small count, hidden once published)."""
    with warehouse.connect(db) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 3, 32, 42)))]).ok


def test_approve_says_at_once_of_a_reason_that_quotes_a_hidden_figure(loaded, tmp_path, run_cli):
    """Regression: "pccdash approve --reason" said nothing of a reason that ties a hidden small count to its figure;
    only "pccdash publish" refused, later. The approval is kept and says so, naming the figure and what to do; a
    reason that quotes none says nothing, and a month named without a year is read by the approval's own day."""
    _published_then_corrected_to_a_small_count(loaded, tmp_path)
    result = run_cli("approve", "2015-08", "--as", "pcc@example.org", "--db", loaded,
                     "--reason", "Doncaster's CSE arrests in August 2015 were 3, not 22.")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "Approved by pcc@example.org" in said
    assert ("The approval is kept, but the reason given with the approval of August 2015 quotes 3, the figure this "
            "publication hides for CSE arrests for Doncaster in August 2015, and names that figure's area, period and "
            "measure") in said, said
    assert 'Publishing is refused while it is approved: approve the month again with a reason that leaves it out ' \
           '("pccdash approve 2015-08 --reason TEXT"' in said, said
    with warehouse.connect(loaded) as con:  # kept, as said; publish refuses over it as before
        assert [s.status for s in period_states(con) if s.period.isoformat() == "2015-08-01"] == ["approved"]
        assert "the reason given with the approval of August 2015 quotes 3" in str(preview_publication(con).problem)
    # given again to the month approved as it stands, a reason leaving the figure out says nothing more
    result = run_cli("approve", "2015-08", "--as", "pcc@example.org", "--db", loaded,
                     "--reason", "Doncaster's figure was sent twice in August 2015.")
    assert result.exit_code == 0 and "reason given with the approval" not in result.output, result.output
    result = run_cli("approve", "2015-08", "--as", "pcc@example.org", "--db", loaded,
                     "--reason", "Doncaster's CSE arrests in August were 3.")  # approved in 2026: not August 2015's
    assert result.exit_code == 0 and "reason given with the approval" not in result.output, result.output


def test_the_publishing_page_warns_of_a_reason_that_quotes_a_hidden_figure(loaded, monkeypatch, tmp_path):
    """Regression: the reason box on the Approve page took a reason quoting a hidden small count without a word; only
    publishing refused, later. The approval is made, and a warning under the button names the figure."""
    _published_then_corrected_to_a_small_count(loaded, tmp_path)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    at.multiselect(key="approve_months").select("2015-08").run()
    at.text_input(key="approve_reason").input("Doncaster's CSE arrests in August 2015 were 3, not 22.").run()
    at.button(key="approve").click().run()
    assert not at.exception and not at.error, at.error
    warned = " ".join(str(w.value) for w in at.warning)
    assert "the reason given with the approval of August 2015 quotes 3" in warned, warned
    assert "Publishing is refused while it is approved" in warned
    with warehouse.connect(loaded) as con:
        assert con.execute("SELECT note FROM publication_event WHERE period = '2015-08-01' AND action = 'approved' "
                           "ORDER BY acted_at DESC LIMIT 1").fetchall() == [
            ("Doncaster's CSE arrests in August 2015 were 3, not 22.",)]
    at.run()  # said once, as the approval is
    assert "reason given with the approval" not in " ".join(str(w.value) for w in at.warning)


def test_a_month_a_reason_names_without_a_year_is_read_by_the_day_of_its_approval(db, tmp_path, monkeypatch):
    """A reason given with the approval of July 2026's corrected figures, "July's arrests in Rotherham were double
    counted: 2 were counted twice.", speaks of the July its approval was given after, never July 2025. Regression: a
    month a reason named without a year was every year's month of that name, so the "2" was tied to Rotherham's CSE
    arrests of July 2025 (2, a small count of a month not published) and publishing was refused. A reason naming July
    2025 plainly still refuses."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + month_rows("2025-07", "cse_arrests", (1, 3, 2, 4)) + month_rows(
        "2026-07", "cse_arrests", (11, 21, 33, 41))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2026-07"], PCC)  # July 2025 is not published: its small counts are hidden whenever it is
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "july.csv", HEADER + month_rows(
            "2026-07", "cse_arrests", (11, 21, 31, 41)))]).ok
        # approved after July 2026 is over (its figures cannot be approved sooner): "July" is July 2026
        approve(con, ["2026-07"], PCC, reason="July's arrests in Rotherham were double counted: 2 were counted twice.")
        preview = preview_publication(con)
        assert preview.problem is None, preview.problem
        approve(con, ["2026-07"], PCC, reason="Rotherham's arrests in July 2025 were 2; July's were double counted.")
        with pytest.raises(NothingToPublish, match="the reason given with the approval of July 2026 quotes 2, a small "
                                                   "count of a month not published"):
            publish(con, PCC)
        approve(con, ["2026-07"], PCC, reason="July's arrests in Rotherham were double counted: 2 were counted twice.")
        publish(con, PCC)
    assert {r[5] for r in revision_reasons()} == {
        "July's arrests in Rotherham were double counted: 2 were counted twice."}


def test_a_reason_given_again_is_read_by_the_day_it_was_given_not_the_approval_s(db, tmp_path, monkeypatch, run_cli):
    """May 2026's correction approved on 20 June 2026, its reason given on 10 August 2026 to that approval as it
    stands: "July" in it is July 2026, which is over, not July 2025. Regression: the reason was read by the approval's
    day, so "July's arrests in Rotherham were 2" was July 2025's (31, published); neither "pccdash approve" nor
    "pccdash publish" said that it published Rotherham's July 2026 count of 2, hidden whenever July 2026 is."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    set_clock(monkeypatch, dt.datetime(2026, 6, 10, 9))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", HEADER + month_rows(
            "2025-07", "cse_arrests", (11, 21, 31, 41)) + month_rows("2026-05", "cse_arrests", (10, 20, 30, 40)))]).ok
        approve(con, ["2025-07", "2026-05"], PCC)
        publish(con, PCC)
        set_clock(monkeypatch, dt.datetime(2026, 6, 15, 9))
        assert ingest(con, [write_csv(tmp_path / "may.csv", HEADER + "2026-05,Doncaster,cse_arrests,25\n")]).ok
        set_clock(monkeypatch, dt.datetime(2026, 6, 20, 9))
        approve(con, ["2026-05"], PCC)
        set_clock(monkeypatch, dt.datetime(2026, 8, 5, 9))
        assert ingest(con, [write_csv(tmp_path / "july.csv", HEADER + month_rows(
            "2026-07", "cse_arrests", (11, 21, 2, 41)))]).ok  # not approved: its 2 is hidden whenever it is published
    set_clock(monkeypatch, dt.datetime(2026, 8, 10, 9))
    result = run_cli("approve", "2026-05", "--as", "pcc@example.org", "--db", db,
                     "--reason", "Doncaster's May figure was sent twice, as July's arrests in Rotherham were 2.")
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "2026-05 was already approved as it stands" in said, said
    assert ("The approval is kept, but the reason given with the approval of May 2026 quotes 2, a small count of a "
            "month not published, hidden whenever its month is published, for CSE arrests for Rotherham in July "
            "2026") in said, said
    result = run_cli("publish", "--yes", "--as", "pcc@example.org", "--db", db)
    said = " ".join(result.output.split())
    assert result.exit_code != 0 and "Nothing can be published: the reason given with the approval of May 2026 " \
        "quotes 2" in said, said
    assert "Traceback" not in said


def test_approve_takes_a_reason_for_the_public_and_the_preview_says_it(loaded, tmp_path, run_cli):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "aug.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 23, 32, 42)))]).ok
    result = run_cli("approve", "2015-08", "--as", "pcc@example.org", "--db", loaded,
                     "--reason", "Corrected by the force.")
    assert result.exit_code == 0, result.output
    result = run_cli("publish", "--yes", "--as", "pcc@example.org", "--db", loaded)
    assert result.exit_code == 0, result.output
    assert 'Reason the public reads beside the figures revised in August 2015: "Corrected by the force."' in \
        " ".join(result.output.split())
    result = run_cli("approve", "2015-07", "--as", "pcc@example.org", "--db", loaded, "--reason", "x" * 501)
    assert result.exit_code != 0 and "at most 500" in result.output and "Traceback" not in result.output


def test_the_publishing_page_asks_why_a_published_month_changes_and_keeps_the_reason(loaded, monkeypatch, tmp_path):
    """Choosing a month the public reads to approve its correction offers a field for the reason the public will
    read; a month never published does not ask for one."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "aug.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 23, 32, 42)))]).ok
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    at.multiselect(key="approve_months").select("2015-07").run()
    assert not at.exception and not [t for t in at.text_input if t.key == "approve_reason"]
    at.multiselect(key="approve_months").unselect("2015-07").select("2015-08").run()
    at.text_input(key="approve_reason").input("The force resent Doncaster's figure.").run()
    at.button(key="approve").click().run()
    assert not at.exception and not at.error
    with warehouse.connect(loaded) as con:
        assert con.execute("SELECT note FROM publication_event WHERE period = '2015-08-01' AND action = 'approved' "
                           "ORDER BY acted_at DESC LIMIT 1").fetchall() == [("The force resent Doncaster's figure.",)]


def test_a_reason_given_in_a_second_window_to_a_month_approved_meanwhile_is_said_kept(loaded, monkeypatch, tmp_path):
    """Regression: the month's correction approved in one window, another reason typed in another and Approve pressed
    there kept that reason with the approval, but the page said "nothing more was recorded"."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "aug.csv", HEADER + month_rows(
            "2015-08", "cse_arrests", (12, 23, 32, 42)))]).ok
    one = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    two = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    for at in (one, two):
        at.multiselect(key="approve_months").select("2015-08").run()
    one.text_input(key="approve_reason").input("Corrected by the force.").run()
    two.text_input(key="approve_reason").input("The force resent Doncaster's figure.").run()
    one.button(key="approve").click().run()
    two.button(key="approve").click().run()
    assert not two.exception and not two.error
    [said] = [i.value.replace("\\", "") for i in two.info if "approved already" in i.value]
    assert said.endswith("Its figures have not changed since, so it stays approved as it was, and the reason for "
                         "the public given is now kept with that approval (the audit trail says so)."), said
    with warehouse.connect(loaded) as con:
        assert con.execute("SELECT note FROM publication_event WHERE period = '2015-08-01' AND action = 'approved' "
                           "ORDER BY acted_at DESC LIMIT 1").fetchall() == [("The force resent Doncaster's figure.",)]


def test_the_withdrawal_reason_is_asked_for_in_general_terms(loaded, monkeypatch, run_cli):
    """A withdrawal reason saying by how much figures were wrong ("counted twice"), beside the withdrawn figures the
    public has seen, lets a figure hidden in the republished month be worked out: the field and the option say so."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    assert not at.exception
    assert "not by how much figures were wrong" in at.text_input(key="withdraw_reason").help
    assert "not by how much figures were wrong" in " ".join(run_cli("withdraw", "--help").output.split())


def test_a_month_withdrawn_and_published_again_changed_is_listed_as_revised_from_what_the_public_read(loaded,
                                                                                                    tmp_path):
    """Regression: July published with Doncaster's 21, withdrawn (the public reads June alone again), then published
    corrected to 25: the revisions table listed nothing and the release calendar said July was not revised, so
    someone who quoted 21 could not find it. A figure only a withdrawn publication showed is revised from it."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "July was published before its checks were finished")
        assert ingest(con, [write_csv(tmp_path / "july.csv", HEADER + month_rows(
            "2015-07", "cse_arrests", (11, 25, 31, 41)))]).ok
        approve(con, ["2015-07"], PCC, reason="The force corrected Doncaster's figure.")
        preview = preview_publication(con)
        assert preview.revised.query("period == '2015-07' and period_type == 'month'")[
            ["area", "was", "now"]].values.tolist() == [["Doncaster", "21", "25"], ["South Yorkshire", "104", "108"]]
        assert "Published figures revised: 2." in preview.summary
        publish(con, PCC, expected=preview.fingerprint)
    assert revision_reasons("measure = 'cse_arrests' AND period_type = 'month'") == [
        ["Doncaster", "month", "2015-07", "21", "25", "The force corrected Doncaster's figure."],
        ["South Yorkshire", "month", "2015-07", "104", "108", "The force corrected Doncaster's figure."]]
    assert snapshot_rows("SELECT last_revised_at IS NOT NULL FROM period WHERE period = '2015-07'") == [[True]]
    assert snapshot_rows("SELECT text FROM caveat WHERE period = '2015-07' AND area = 'Doncaster' "
                         "AND measure = 'cse_arrests'") == [["This figure revises one published earlier."]]


def test_a_month_published_in_order_that_nothing_hidden_can_protect_says_what_would_let_it_be_published(
        db, tmp_path, monkeypatch):
    """Regression: a month approved in order and held back by the disclosure check was held back at every
    publication for ever, the office told only that it "is checked again at every publication". March 2025 to
    February 2026 published: the 12 months to February 2026 and the months before January are shown, Rotherham's
    January and February 2026 (2 and 2) hidden, so what is public says they add up to 4. March 2026 is 0 in
    Rotherham: shown, as a zero is, it gives Q4 2025/26 (4, hidden) away, and no figure that may be hidden can help.
    The preview says it cannot be published as its figures stand, which zero gives it away, and what would let it be:
    hiding zeros too publishes it. No reader of every snapshot together narrows a hidden figure, before or after."""
    from disclosure_attack import attack

    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    months = ["2025-03"] + [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in range(1, 5)]
    rotherham = dict(zip(months, (*range(10, 20), 2, 2, 0, 12), strict=True))
    text = HEADER + "".join(month_rows(m, "cse_arrests", (20 + i, 30 + i, rotherham[m], 40 + i))
                            for i, m in enumerate(months))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, months[:12], PCC)
        publish(con, PCC)
        approve(con, ["2026-03", "2026-04"], PCC)
        preview = preview_publication(con)
        said = ("March 2026 is held back by the disclosure check: published now, with what is already public, it "
                "would let a count under 5 be worked out (CSE arrests in Rotherham, January to March 2026). What gives "
                "it away is its zero (CSE arrests in Rotherham, March 2026), which is always shown, with what earlier "
                "publications showed: no figure that may be hidden can protect it, and what is public stays public, "
                "so it cannot be published as its figures stand, now or later. It stays approved, and can be "
                'published if the office decides to hide zeros as it hides small counts (the "suppress zero" '
                "setting, PCCDASH_SUPPRESS_ZERO=true: every publication from then on hides its zeros), or if its "
                "figures turn out wrong and are corrected (load the correction and approve the month again); the "
                "other approved months are published without it.")
        assert preview.problem is None and preview.audit.passed
        assert preview.withheld == {"2026-03": said} and said in preview.summary
        assert preview.added == ["2026-04"]
        publish(con, PCC)
    assert attack(folder, db, every_snapshot=True) == ([], None)
    with warehouse.connect(db) as con:
        # waiting publishes nothing: the next preview says the same
        assert preview_publication(con).withheld == {"2026-03": said}
        state = {s.period.strftime("%Y-%m"): s for s in period_states(con)}["2026-03"]
        assert state.status == "held back" and "no later publication will publish it" in state.note
        assert "checked again" not in state.note and "checks it again" not in state.note

        # the office decides to hide zeros too: March 2026 is published, its zero hidden with the figures it protects
        monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", "true")
        hiding = preview_publication(con)
        assert hiding.problem is None and hiding.audit.passed and not hiding.withheld
        assert hiding.added == ["2026-03"]
        cells = hiding.cells.set_index(["measure", "area", "period"])["suppressed"]
        assert cells[("cse_arrests", "Rotherham", "2026-03")] and cells[("cse_arrests", "Rotherham", "Q4 2025/26")]
        _, path = publish(con, PCC)
    assert "2026-03" in set(public.read("SELECT period FROM period", snapshot=path)["period"])
    # a reader who knows zeros may now be hidden, and one who still takes every hidden figure to be at least 1
    assert attack(folder, db, every_snapshot=True, low=0) == ([], None)
    assert attack(folder, db, every_snapshot=True) == ([], None)


def published_then_flags_changed(db) -> None:
    """June and July published with a flag on Doncaster's June; the flag resolved, a blocking one raised on
    Rotherham's July, and published again (snapshot 2): withdrawing it, the public reads snapshot 1's notes."""
    with warehouse.connect(db) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        flag = raise_flag(con, ANALYST, scope="figure", reason="Doncaster June looks high", period="2015-06",
                          district="Doncaster", measure="cse_arrests")
        publish(con, PCC)
        resolve_flags(con, ANALYST, [flag], note="The force confirmed it")
        blocking_flag(con, "2015-07", "Rotherham July arrests double counted?")
        publish(con, PCC)


def says_the_notes_read_again(said: str) -> None:
    """What the command and the page alike say after `published_then_flags_changed` and a withdrawal: the public reads
    snapshot 1's notes again, the resolved flag's shown and the blocking flag's not."""
    assert ("The public reads the notes beside figures (a flag, a data check) as snapshot 1 has them, not as the flags "
            "and checks stand now: 2 of them no longer stand") in said
    assert "and 2 that stand now are not shown" in said
    assert ("- shown, no longer standing: CSE arrests, Doncaster, June 2015: An analyst has flagged this figure for a "
            "data-quality check.") in said
    assert ("- standing, not shown: CSE arrests, Rotherham, July 2015: An analyst has flagged this figure for a "
            "data-quality check.") in said


def test_a_withdrawal_says_the_notes_the_public_reads_again_that_the_flags_no_longer_say(loaded, run_cli):
    """Regression: two flags resolved and a blocking one raised on a published figure, published, then withdrawn: the
    public read again the notes of the two resolved flags and none of the open one, and the withdrawal said nothing."""
    published_then_flags_changed(loaded)
    out = run_cli("withdraw", "--reason", "Published too early", "--yes", "--as", "pcc@example.org", "--db", loaded)
    assert out.exit_code == 0, out.output
    said = " ".join(out.stdout.split())
    says_the_notes_read_again(said)
    assert "Taken back with it" not in said  # no item of the accountability record was approved


def test_the_publishing_page_says_the_notes_the_public_reads_again_after_a_withdrawal(loaded, monkeypatch):
    """Regression: "pccdash withdraw" said which notes beside figures the public reads again that no longer stand and
    which that stand are not shown; the page's Withdraw button said only which snapshot the public reads."""
    published_then_flags_changed(loaded)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py")
    at.text_input(key="withdraw_reason").input("Published too early").run()
    at.checkbox(key="withdraw_checked").check().run()
    at.button(key="withdraw").click().run()
    assert not at.exception, at.exception
    said = " ".join(texts(at).split())
    assert "Withdrew snapshot 2; the public side reads snapshot 1 again." in said
    says_the_notes_read_again(said)
    assert "Taken back with it" not in said


def test_the_publishing_page_asks_the_latest_number_the_public_has_seen_after_a_restore_into_a_new_folder(
        loaded, monkeypatch, tmp_path):
    """Restored into a new published folder, the warehouse publishes nothing until the office says the latest number
    the public has seen. The page refused and sent the office to the command line ("pccdash publish --after-snapshot
    NUMBER"); it now asks for the number itself, and the new snapshot is numbered after it."""
    from pipelines.backup import Places, backup, restore

    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    here = Places.here(db=loaded)
    backup(tmp_path / "b", here)
    new = Places(tmp_path / "new" / "pccdash.duckdb", tmp_path / "new" / "published", tmp_path / "new" / "inbox",
                 here.reference, here.contracts)
    restore(tmp_path / "b", new)
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(new.published))
    with warehouse.connect(new.db) as con:
        approve(con, ["2015-08"], PCC)
    at = internal(monkeypatch, new.db, "internal_pages/publishing.py")
    assert not at.exception
    [asked] = [n for n in at.number_input if n.key == "publish_after"]
    assert asked.value is None and "revisions page" in asked.help, asked.help
    assert asked.min == 1  # the folder restored into holds snapshot 1: the public has seen it at least
    [said] = [w.value.replace("\\", "") for w in at.warning if "new published folder" in w.value]
    assert "after snapshot 1" in said and "command line" not in said and "pccdash publish" not in said, said
    at.checkbox(key="publish_checked").check().run()
    assert at.button(key="publish").disabled  # no number given yet
    at.number_input(key="publish_after").set_value(3).run()
    assert not at.button(key="publish").disabled
    at.button(key="publish").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert public.current_snapshot(new.published).name == "snapshot-0004.duckdb"
    assert not [n for n in at.number_input if n.key == "publish_after"]  # numbered after it: nothing more is held
    # one who may not publish is asked for no number
    analyst = internal(monkeypatch, new.db, "internal_pages/publishing.py", ANALYST)
    assert not analyst.exception and not [n for n in analyst.number_input if n.key == "publish_after"]
