"""police.uk street-level crime and outcomes files load as public context, counted by district, all or nothing.

The files are real published rows (pipelines/sample/police_uk/, Open Government Licence v3.0). Every
expected count is computed here from the raw file with Python's csv module, independently of the
loader, which places records with DuckDB from the reference file's LSOA-name rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml
from helpers import ROOT

from pipelines import records, warehouse
from pipelines.contracts import load_contract
from pipelines.policeuk import (
    UnknownPlace,
    archive_name,
    context_caveats,
    context_figures,
    context_measures,
    detect,
    ingest_police_uk,
    measure_metadata,
    revision_changes,
    validate_police_uk,
)
from pipelines.uk_time import uk_words
from pipelines.warehouse import scalar

DATA = Path(__file__).parent / "data" / "police_uk"
SAMPLE = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"
STREET = SAMPLE / "2017-11-south-yorkshire-street.sample.csv"
OUTCOMES = SAMPLE / "2017-11-south-yorkshire-outcomes.sample.csv"
STOP_SEARCH = DATA / "2017-11-south-yorkshire-stop-and-search.csv"
REFERENCE = Path(__file__).resolve().parent.parent / "pipelines" / "reference"
TODAY = dt.date(2026, 11, 21)
SY_DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


# ---------------------------------------------------------------------------------------------------
# Independent readings of the raw files


def read_rows(path: Path) -> list[list[str]]:
    """Every line of the file as cells; index 0 is the header (row 1)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def district_of(lsoa_name: str) -> str:
    """South Yorkshire's district from the LSOA name's first word, as the README counts them."""
    if not lsoa_name:
        return "No location"
    first = lsoa_name.split()[0]
    return first if first in SY_DISTRICTS else "Outside force area"


def expected_districts(path: Path) -> Counter:
    with open(path, newline="", encoding="utf-8") as fh:
        return Counter(district_of(r["LSOA name"]) for r in csv.DictReader(fh))


def expected_by(path: Path, *columns: str) -> Counter:
    """Rows by (district, *columns)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return Counter((district_of(r["LSOA name"]), *(r[c] for c in columns)) for r in csv.DictReader(fh))


# ---------------------------------------------------------------------------------------------------
# The warehouse


def load(con, path: Path, tmp_path: Path):
    return ingest_police_uk(con, path, loaded_by="tester", today=TODAY, tmp_dir=tmp_path / "tmp")


def counts_by_district(con, kind: str) -> Counter:
    rows = con.execute("SELECT district, sum(records) FROM police_uk_count WHERE kind = ? GROUP BY district",
                       [kind]).fetchall()
    return Counter({d: int(n) for d, n in rows})


def nothing_loaded(con) -> bool:
    records.attach(con, create=True)  # a file refused before it was read never made the records file
    return all(scalar(con, f"SELECT count(*) FROM {t}") == 0
               for t in (records.TABLE, "police_uk_month", "police_uk_count_revision"))


def modified_copy(tmp_path: Path, name: str, change) -> Path:
    """A copy of the street sample with `change(rows)` applied (rows[0] is the header, rows[k] is row k + 1)."""
    rows = read_rows(STREET)
    change(rows)
    return write_rows(tmp_path / "files" / name, rows)


# ---------------------------------------------------------------------------------------------------
# Recognising the files


def test_detect_reads_the_header(tmp_path):
    assert detect(STREET) == "street"
    assert detect(OUTCOMES) == "outcomes"
    assert detect(STOP_SEARCH) is None
    other = tmp_path / "return.csv"
    other.write_text("period,district,measure,value\n2017-11,Barnsley,cse_arrests,4\n")
    assert detect(other) is None
    assert detect(tmp_path / "missing.csv") is None


def test_contracts_load_by_name():
    street, outcomes = load_contract("police_uk_street"), load_contract("police_uk_outcomes")
    assert {"month_format", "lsoa_code_format", "latitude_in_uk", "longitude_in_uk"} <= set(street.rule_ids)
    assert {"falls_within_known", "crime_type_known", "month_republished"} <= set(street.rule_ids)
    assert {"outcome_type_present", "outcome_type_known"} <= set(outcomes.rule_ids)
    severity = {r.id: r.severity for r in (*street.row_rules, *street.set_rules)}
    assert severity["crime_type_known"] == severity["last_outcome_known"] == "warning"
    assert severity["falls_within_known"] == severity["latitude_in_uk"] == severity["month_format"] == "error"


# ---------------------------------------------------------------------------------------------------
# The real samples


def test_street_sample_counts_by_district_and_crime_type(con, tmp_path):
    outcome = load(con, STREET, tmp_path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    expected = expected_districts(STREET)
    assert expected == {"Barnsley": 144, "Doncaster": 66, "Rotherham": 69, "Sheffield": 219, "No location": 85}
    assert counts_by_district(con, "street") == expected
    assert outcome.rows == sum(expected.values()) == len(read_rows(STREET)) - 1
    by_type = con.execute("SELECT crime_type, sum(records) FROM police_uk_crime_count GROUP BY ALL").fetchall()
    assert Counter({t: int(n) for t, n in by_type}) == Counter(r[9] for r in read_rows(STREET)[1:])
    by_district_type = con.execute(
        "SELECT district, crime_type, records FROM police_uk_crime_count").fetchall()
    assert Counter({(d, t): int(n) for d, t, n in by_district_type}) == expected_by(STREET, "Crime type")
    assert outcome.run.outcome == "passed"


def test_outcomes_sample_counts_by_district(con, tmp_path):
    outcome = load(con, OUTCOMES, tmp_path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    expected = expected_districts(OUTCOMES)
    assert expected == {"Barnsley": 57, "Doncaster": 79, "Rotherham": 35, "Sheffield": 108, "No location": 16}
    assert counts_by_district(con, "outcomes") == expected
    rows = con.execute("SELECT district, outcome, sum(records) FROM police_uk_count WHERE kind = 'outcomes' "
                       "GROUP BY ALL").fetchall()
    assert Counter({(d, o): int(n) for d, o, n in rows}) == expected_by(OUTCOMES, "Outcome type")


def test_every_record_traces_to_its_row(con, tmp_path):
    load(con, STREET, tmp_path)
    raw = read_rows(STREET)
    records = con.execute("SELECT source_row, coalesce(crime_id, ''), month_text, coalesce(location, ''), "
                          "coalesce(lsoa_name, ''), crime_type, coalesce(last_outcome, '') "
                          "FROM pccdash_records.police_uk_record ORDER BY source_row").fetchall()
    assert [r[0] for r in records] == list(range(2, len(raw) + 1))
    for row, crime_id, month, location, lsoa_name, crime_type, last_outcome in records:
        cells = raw[row - 1]
        assert (crime_id, month, location, lsoa_name, crime_type, last_outcome) == (
            cells[0], cells[1], cells[6], cells[8], cells[9], cells[10]), row


def test_anti_social_behaviour_without_crime_id_is_counted_and_duplicates_kept(con, tmp_path):
    load(con, STREET, tmp_path)
    raw = read_rows(STREET)[1:]
    no_id = [r for r in raw if r[0] == ""]
    assert no_id and all(r[9] == "Anti-social behaviour" for r in no_id)
    lines = Counter(tuple(r) for r in raw)
    extra_copies = sum(n - 1 for n in lines.values() if n > 1)
    assert extra_copies == 25  # as the data's README counts them
    assert scalar(con, "SELECT count(*) FROM pccdash_records.police_uk_record WHERE crime_id IS NULL") == len(no_id)
    assert scalar(con, "SELECT sum(records) FROM police_uk_crime_count "
                       "WHERE crime_type = 'Anti-social behaviour'") == len(no_id)
    distinct = scalar(con, "SELECT count(*) FROM (SELECT DISTINCT * EXCLUDE (source_row) "
                           "FROM pccdash_records.police_uk_record)")
    assert scalar(con, "SELECT count(*) FROM pccdash_records.police_uk_record") - distinct == extra_copies


def test_archive_layout_is_recognised(con, tmp_path):
    folder = tmp_path / "archive" / "2017-11"
    folder.mkdir(parents=True)
    path = shutil.copy(STREET, folder / "2017-11-south-yorkshire-street.csv")
    shutil.copy(OUTCOMES, folder / "2017-11-south-yorkshire-outcomes.csv")
    assert detect(path) == "street"
    assert archive_name(path) == ("2017-11", "south-yorkshire", "street")
    street = load(con, Path(path), tmp_path)
    outcomes = load(con, folder / "2017-11-south-yorkshire-outcomes.csv", tmp_path)
    assert (street.outcome, outcomes.outcome) == ("accepted", "accepted")
    assert street.run.outcome == outcomes.run.outcome == "passed"  # the name agrees with the rows
    assert street.layout == "police_uk_street" and outcomes.layout == "police_uk_outcomes"
    assert counts_by_district(con, "street") == expected_districts(STREET)


def test_a_misnamed_archive_file_is_a_warning(con, tmp_path):
    path = Path(shutil.copy(STREET, tmp_path / "2017-12-west-yorkshire-street.csv"))
    outcome = load(con, path, tmp_path)
    assert outcome.outcome == "accepted"
    assert [r.rule_id for r in outcome.run.warnings] == ["file_name_agrees"]
    texts = " ".join(s.message for r in outcome.run.warnings for s in r.samples)
    assert "2017-12" in texts and "west-yorkshire" in texts


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_windows_1252_and_byte_order_mark_files_load(con, tmp_path, encoding):
    rows = read_rows(STREET)
    rows[1][6] = "On or near Caf\u00e9 Street"  # row 2
    path = tmp_path / "files" / f"{encoding}.csv"
    path.parent.mkdir()
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert detect(path) == "street"
    outcome = load(con, path, tmp_path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert scalar(con, "SELECT location FROM pccdash_records.police_uk_record WHERE source_row = 2") == \
        "On or near Caf\u00e9 Street"
    assert counts_by_district(con, "street") == expected_districts(STREET)
    # a Windows-1252 file is read twice (the first read, as UTF-8, is rolled back): one file, as it was sent
    assert con.execute("SELECT encoding FROM file_registry").fetchall() == [(encoding,)]


def test_the_same_file_twice_is_already_loaded(con, tmp_path):
    first = load(con, STREET, tmp_path)
    again = load(con, STREET, tmp_path)
    assert again.outcome == "already_loaded" and again.file_id == first.file_id
    assert scalar(con, "SELECT count(*) FROM pccdash_records.police_uk_record") == first.rows


# ---------------------------------------------------------------------------------------------------
# A republished month


def test_a_republished_month_replaces_the_old_one_as_revision_2(con, tmp_path):
    first = load(con, STREET, tmp_path)
    doncaster_burglary = next(r for r in read_rows(STREET)[1:] if r[8].startswith("Doncaster") and r[9] == "Burglary")

    def republish(rows):
        del rows[1:21]  # the first twenty records are withdrawn
        for i in range(3):  # three are added
            rows.append([f"{i:064x}", *doncaster_burglary[1:]])

    path = modified_copy(tmp_path, STREET.name, republish)
    second = load(con, path, tmp_path)
    assert second.outcome == "accepted", [p.message() for p in second.problems]
    months = con.execute("SELECT revision, file_id, records FROM police_uk_month ORDER BY revision").fetchall()
    assert months == [(1, first.file_id, 583), (2, second.file_id, 583 - 20 + 3)]
    # the current counts are the new file's; the old revision's records are kept
    assert counts_by_district(con, "street") == expected_districts(path)
    assert scalar(con, "SELECT count(*) FROM pccdash_records.police_uk_record r JOIN police_uk_month_current m "
                       "ON m.file_id = r.file_id AND m.kind = r.kind AND m.period = r.period") == 566
    assert scalar(con, "SELECT count(*) FROM pccdash_records.police_uk_record") == 583 + 566
    # the change, by district and crime type, is what the two files differ by
    before, after = expected_by(STREET, "Crime type"), expected_by(path, "Crime type")
    expected = {k: after[k] - before[k] for k in set(before) | set(after) if after[k] != before[k]}
    # and by district, the crimes whose last outcome is a charge or summons
    charged = set(yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())["outcome_groups"]["charged_or_summonsed"])
    charged_before, charged_after = (
        sum((Counter({d: n}) for (d, t, o), n in expected_by(p, "Crime type", "Last outcome category").items()
             if t != "Anti-social behaviour" and o in charged), Counter()) for p in (STREET, path))
    expected |= {(d, "Charged or summonsed"): charged_after[d] - charged_before[d]
                 for d in set(charged_before) | set(charged_after) if charged_after[d] != charged_before[d]}
    assert ("Doncaster", "Charged or summonsed") in expected
    changes = revision_changes(con)
    assert {(r.district, r.category): r.change for r in changes.itertuples()} == expected
    assert set(changes["revision"]) == {2} and set(changes["previous_revision"]) == {1}
    assert second.revised > 0
    # and the load says so: a warning naming each changed count, attached to its figure as a caveat
    warned = {r.rule_id: r for r in second.run.warnings}
    assert "month_republished" in warned
    assert warned["month_republished"].failing_count == len(expected)
    assert any("Burglary in Doncaster, 2017-11" in s.message for s in warned["month_republished"].samples)
    assert scalar(con, "SELECT count(*) FROM figure_caveat WHERE rule_id = 'month_republished' AND file_id = ?",
                  [second.file_id]) > 0


def test_the_same_download_twice_in_a_row_changes_nothing(con, tmp_path):
    """A download loaded again while its month is in force from it is skipped, and says nothing more."""
    first = load(con, STREET, tmp_path)
    again = load(con, STREET, tmp_path)
    assert again.outcome == "already_loaded" and again.file_id == first.file_id
    day = uk_words(scalar(con, "SELECT received_at FROM file_registry"), "words")
    assert again.message == f'already loaded as file #{first.file_id} ("{STREET.name}") on {day}; nothing changed.'
    assert scalar(con, "SELECT count(*) FROM police_uk_month") == 1


def test_a_download_replaced_since_is_put_back_in_force_when_loaded_again(con, tmp_path):
    """Regression: once an older download of a month had replaced the newer one, the newer file could not be put
    back: loading it again, byte for byte the same, was skipped as already loaded. A download loaded before whose
    month another file is in force for now is loaded again as its own load (its counts in force, revision 3), and
    says which file it was loaded as and which it is in force in place of; loaded once more, it is skipped."""
    first = load(con, STREET, tmp_path)

    def older(rows):
        del rows[300:]

    old = load(con, modified_copy(tmp_path, "2017-11-south-yorkshire-street (1).csv", older), tmp_path)
    assert old.outcome == "accepted" and "markedly fewer records" in old.message
    back = load(con, STREET, tmp_path)
    assert back.outcome == "accepted" and back.file_id not in (first.file_id, old.file_id)
    assert back.message.startswith(
        f'It was loaded before as file #{first.file_id} ("{STREET.name}"); it is now in force again in place of '
        f'file #{old.file_id} ("2017-11-south-yorkshire-street (1).csv") for South Yorkshire Police\'s street-level '
        "crime of November 2017."), back.message
    assert con.execute("SELECT revision, file_id, records FROM police_uk_month ORDER BY revision").fetchall() == [
        (1, first.file_id, 583), (2, old.file_id, 299), (3, back.file_id, 583)]
    assert counts_by_district(con, "street") == expected_districts(STREET)
    assert (back.new, back.revised, back.unchanged) != (0, 0, 0)
    assert scalar(con, "SELECT sha256 FROM file_registry WHERE file_id = ?", [back.file_id]) == scalar(
        con, "SELECT sha256 FROM file_registry WHERE file_id = ?", [first.file_id])
    # in force from it now: loading it once more changes nothing
    again = load(con, STREET, tmp_path)
    assert again.outcome == "already_loaded" and scalar(con, "SELECT max(revision) FROM police_uk_month") == 3
    assert "Another file" not in again.message


def test_a_download_put_back_in_force_is_not_warned_of_as_a_republished_month(con, tmp_path):
    """Regression: the earlier download of a month loaded again to put it back in force was warned of, count by
    count and in the caveats on its figures, as "the month is republished and this file replaces it as a new
    revision". Its warning now says it is the earlier download, loaded before as which file, put back in force
    in place of the revision it names; a download police.uk republished is still warned of as republished."""
    first = load(con, STREET, tmp_path)

    def older(rows):
        del rows[300:]

    old = load(con, modified_copy(tmp_path, "2017-11-south-yorkshire-street (1).csv", older), tmp_path)
    republished = {r.rule_id: r for r in old.run.warnings}["month_republished"]
    assert all(s.message.endswith(": the month is republished and this file replaces it as a new revision.")
               for s in republished.samples), [s.message for s in republished.samples]
    back = load(con, STREET, tmp_path)
    assert back.outcome == "accepted"
    warned = {r.rule_id: r for r in back.run.warnings}["month_republished"]
    assert warned.failing_count == republished.failing_count
    said = (f': this file is the earlier download of the month loaded before as file #{first.file_id} '
            f'("{STREET.name}"), put back in force in place of that revision (not a republication by police.uk).')
    assert all(s.message.endswith(said) and " in revision 2, " in s.message for s in warned.samples), [
        s.message for s in warned.samples]
    caveats = [m for (m,) in con.execute("SELECT message FROM figure_caveat WHERE rule_id = 'month_republished' "
                                         "AND file_id = ?", [back.file_id]).fetchall()]
    assert caveats and all(m.endswith(said) for m in caveats), caveats
    assert not any("republished" in m for m in caveats)


def test_the_context_page_does_not_call_a_download_put_back_a_republication(db, tmp_path, monkeypatch):
    """The police.uk context page counted the earlier download of a month, loaded again to put it back in force, as
    police.uk's republication ("3 counts changed when police.uk republished 1 month (2 republications in all)"), as
    the load and its warning no longer did: it now says which revisions were police.uk's and which the office's."""
    from dashboard_helpers import ANALYST, internal, texts

    def older(rows):
        del rows[300:]

    with warehouse.connect(db) as con:
        load(con, STREET, tmp_path)
        load(con, modified_copy(tmp_path, "2017-11-south-yorkshire-street (1).csv", older), tmp_path)
        load(con, STREET, tmp_path)
        changed = revision_changes(con, every_revision=True)
    by_revision = changed.groupby("revision").size()
    at = internal(monkeypatch, db, "internal_pages/context.py", ANALYST)
    assert not at.exception
    said = texts(at)
    assert (f"{by_revision[2]} counts changed when police.uk republished 1 month, the latest November 2017."
            in said), said
    assert (f"{by_revision[3]} counts changed when an earlier download of November 2017 was loaded again to put it "
            "back in force: not police.uk's republication.") in said, said
    at.toggle(key="republished_counts").set_value(True).run()
    [table] = [t.value for t in at.dataframe if "How" in t.value.columns]
    assert set(table.loc[table["Revision"].astype(int) == 2, "How"]) == {"republished by police.uk"}
    assert set(table.loc[table["Revision"].astype(int) == 3, "How"]) == {"earlier download put back"}


def test_a_download_replaced_since_and_found_in_a_folder_is_skipped_saying_how_to_put_it_back(con, tmp_path):
    """A folder holding two downloads of a month, loaded again, leaves the month as it is: each file found there that
    was loaded before is skipped, the one not in force saying which file is, and how to put it back (naming it by
    itself). Were they put back, each load of the folder would switch the month from one to the other."""
    from pipelines.ingest.load import ingest

    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(STREET, folder / "2017-11-south-yorkshire-street.csv")

    republished = read_rows(STREET)
    del republished[1:3]
    write_rows(folder / "2017-11-south-yorkshire-street (1).csv", republished)
    first = ingest(con, [folder], loaded_by="tester", today=TODAY)
    assert [f.outcome for f in first.files] == ["accepted", "accepted"]
    in_force = scalar(con, "SELECT file_id FROM police_uk_month_current WHERE kind = 'street'")
    again = ingest(con, [folder], loaded_by="tester", today=TODAY)
    assert [f.outcome for f in again.files] == ["already_loaded", "already_loaded"]
    assert scalar(con, "SELECT max(revision) FROM police_uk_month") == 2
    assert scalar(con, "SELECT file_id FROM police_uk_month_current WHERE kind = 'street'") == in_force
    skipped = next(f for f in again.files if f.file_id != in_force)
    assert ("Another file is in force for its month: South Yorkshire Police's street-level crime of November 2017 "
            f"(revision 1 in that file) is revision 2 now, from file #{in_force} (") in skipped.message
    assert skipped.message.endswith(
        f'To put this file back in force, load it by itself: pccdash ingest "{skipped.path}".')
    # named by itself, it is put back
    back = ingest(con, [skipped.path], loaded_by="tester", today=TODAY).files[0]
    assert back.outcome == "accepted" and f"in place of file #{in_force} (" in back.message
    assert scalar(con, "SELECT max(revision) FROM police_uk_month") == 3


def test_a_download_with_markedly_fewer_records_than_the_month_in_force_loads_and_says_so(con, tmp_path):
    """An older download of a month loaded after a newer one replaced it unremarked, its counts dropping: the load
    now says plainly that the file holds markedly fewer records than the one in force (both counts), and that an
    older download would do this, so the right one can be loaded again. It still loads; a republication with a few
    records fewer says nothing of the kind."""
    from pipelines.ingest.load import describe

    first = load(con, STREET, tmp_path)

    def a_few_fewer(rows):
        del rows[1:3]

    def older(rows):
        del rows[1:201]

    nearly = load(con, modified_copy(tmp_path, "2017-11-south-yorkshire-street (1).csv", a_few_fewer), tmp_path)
    assert nearly.outcome == "accepted" and "fewer records" not in describe(nearly), describe(nearly)
    second = load(con, modified_copy(tmp_path, "2017-11-south-yorkshire-street (2).csv", older), tmp_path)
    assert second.outcome == "accepted"
    assert ("This file holds markedly fewer records than the one it replaces: South Yorkshire Police's street-level "
            f'crime of November 2017 had 581 records in force (file #{nearly.file_id}, "2017-11-south-yorkshire-'
            'street (1).csv") and has 383 in this file. Its counts are in force now. An older download of the month '
            "would do this") in describe(second), describe(second)
    assert scalar(con, "SELECT file_id FROM police_uk_month_current WHERE kind = 'street'") == second.file_id
    assert first.file_id < nearly.file_id


# ---------------------------------------------------------------------------------------------------
# Refused files: the file and the row are named, nothing is loaded


def assert_refused(con, outcome, row: int, column: str | None, words: str):
    assert outcome.outcome == "rejected"
    where = [(p.file, p.row, p.column) for p in outcome.problems]
    assert (outcome.label, row, column) in where, [p.message() for p in outcome.problems]
    assert any(words in p.text for p in outcome.problems), [p.message() for p in outcome.problems]
    assert nothing_loaded(con)
    assert scalar(con, "SELECT outcome FROM file_registry WHERE file_id = ?", [outcome.file_id]) == "rejected"
    assert scalar(con, "SELECT count(*) FROM ingest_problem WHERE file_id = ? AND \"row\" = ?",
                  [outcome.file_id, row]) >= 1


def test_an_unknown_force_refuses_the_file(con, tmp_path):
    def change(rows):
        rows[9][3] = "Kent Polise"  # row 10

    outcome = load(con, modified_copy(tmp_path, "unknown-force.csv", change), tmp_path)
    assert_refused(con, outcome, 10, "Falls within", "Kent Polise")
    assert scalar(con, "SELECT count(*) FROM quarantine WHERE file_id = ? AND source_row = 10",
                  [outcome.file_id]) == 1


def test_a_ragged_row_refuses_the_file(con, tmp_path):
    lines = STREET.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace(",", "", 1)  # row 7 loses a field
    path = tmp_path / "ragged.csv"
    path.write_text("".join(lines), encoding="utf-8")
    outcome = load(con, path, tmp_path)
    assert_refused(con, outcome, 7, None, "11 fields where the header has 12")


@pytest.mark.parametrize("bad", ["2017-13", "Nov 2017", ""])
def test_a_bad_month_refuses_the_file(con, tmp_path, bad):
    def change(rows):
        rows[11][1] = bad  # row 12

    outcome = load(con, modified_copy(tmp_path, "bad-month.csv", change), tmp_path)
    assert_refused(con, outcome, 12, "Month", "is not a month")


def test_coordinates_outside_the_uk_refuse_the_file(con, tmp_path):
    def change(rows):
        rows[2][5] = "40.123456"  # row 3: latitude
        rows[3][4] = "12.5"  # row 4: longitude

    outcome = load(con, modified_copy(tmp_path, "abroad.csv", change), tmp_path)
    assert_refused(con, outcome, 3, "Latitude", "outside the United Kingdom")
    assert (outcome.label, 4, "Longitude") in [(p.file, p.row, p.column) for p in outcome.problems]


def test_unreadable_coordinates_refuse_the_file(con, tmp_path):
    def change(rows):
        rows[5][5] = "abc"  # row 6: a latitude that is not a number
        rows[6][4] = ""  # row 7: a latitude without its longitude

    outcome = load(con, modified_copy(tmp_path, "coordinates.csv", change), tmp_path)
    assert_refused(con, outcome, 6, "Longitude", "are not a longitude and a latitude")
    assert (outcome.label, 7, "Longitude") in [(p.file, p.row, p.column) for p in outcome.problems]


def test_an_open_quote_refuses_the_file(con, tmp_path):
    lines = STREET.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace(",2017-11,", ',"2017-11,', 1)  # row 6 opens a quote it never closes
    path = tmp_path / "quote.csv"
    path.write_text("".join(lines), encoding="utf-8")
    outcome = load(con, path, tmp_path)
    assert_refused(con, outcome, 6, None, "Is a quote left open")


def test_a_bad_lsoa_code_refuses_the_file(con, tmp_path):
    def change(rows):
        rows[4][7] = "E0100743"  # row 5: a digit short

    outcome = load(con, modified_copy(tmp_path, "lsoa.csv", change), tmp_path)
    assert_refused(con, outcome, 5, "LSOA code", "is not an LSOA code")


def test_row_numbers_count_blank_lines(con, tmp_path):
    lines = STREET.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(4, "\n")  # an empty line 5: record 4 is now on row 6
    path = tmp_path / "blank.csv"
    path.write_text("".join(lines), encoding="utf-8")
    outcome = load(con, path, tmp_path)
    assert outcome.outcome == "accepted"
    rows = dict(con.execute("SELECT source_row, location FROM pccdash_records.police_uk_record").fetchall())
    raw = read_rows(path)
    assert 5 not in rows and rows[4] == raw[3][6] and rows[6] == raw[5][6]
    assert max(rows) == len(raw)


def test_rows_are_numbered_in_file_order_without_one_run_of_row_ids(con, tmp_path, monkeypatch):
    """Where DuckDB's row ids are not one run, the rows are numbered again by a one-thread window."""
    import pipelines.policeuk.ingest as police_ingest

    real_one = police_ingest.one

    def gapped(c, sql, params=None):
        row = real_one(c, sql, params)
        return (row[0], row[1] + 1, row[2]) if sql.startswith("SELECT min(rowid)") else row

    monkeypatch.setattr(police_ingest, "one", gapped)
    assert load(con, STREET, tmp_path).outcome == "accepted"
    raw = read_rows(STREET)
    rows = con.execute("SELECT source_row, coalesce(location, ''), crime_type "
                       "FROM pccdash_records.police_uk_record").fetchall()
    assert sorted(r[0] for r in rows) == list(range(2, len(raw) + 1))
    assert all((location, crime_type) == (raw[row - 1][6], raw[row - 1][9]) for row, location, crime_type in rows)


def test_rows_are_numbered_in_file_order_when_duckdb_may_reorder_inserts(con, tmp_path):
    con.execute("SET preserve_insertion_order = false")
    try:
        assert load(con, STREET, tmp_path).outcome == "accepted"
    finally:
        con.execute("SET preserve_insertion_order = true")
    raw = read_rows(STREET)
    rows = con.execute("SELECT source_row, coalesce(location, ''), crime_type "
                       "FROM pccdash_records.police_uk_record").fetchall()
    assert sorted(r[0] for r in rows) == list(range(2, len(raw) + 1))
    assert all((location, crime_type) == (raw[row - 1][6], raw[row - 1][9]) for row, location, crime_type in rows)


@pytest.mark.parametrize("point", ["police_uk_records_unnumbered", "police_uk_records_committed",
                                   "ingest_before_commit"])
def test_a_load_killed_before_commit_leaves_nothing(db, tmp_path, point):
    code = ("import sys, datetime as dt; from pathlib import Path; from pipelines import warehouse; "
            "from pipelines.policeuk import ingest_police_uk\n"
            "with warehouse.connect(sys.argv[1]) as con:\n"
            "    ingest_police_uk(con, Path(sys.argv[2]), loaded_by='t', today=dt.date(2026, 11, 21), "
            "tmp_dir=Path(sys.argv[3]))\n")
    env = {**os.environ, "PCCDASH_FAILPOINT": point, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, str(db), str(STREET), str(tmp_path)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    # the records were committed in their own file before the warehouse's transaction: still there, unaccepted
    with duckdb.connect(str(records.path_of(db)), read_only=True) as raw:
        assert raw.execute("SELECT count(*) FROM police_uk_record").fetchone()[0] == len(read_rows(STREET)) - 1
    with warehouse.connect(db) as con:  # which deletes them before anything else
        assert nothing_loaded(con)
        assert scalar(con, "SELECT count(*) FROM file_registry") == 0
        assert load(con, STREET, tmp_path).outcome == "accepted"


def test_a_refused_police_uk_file_blocks_no_month_of_the_forces_and_its_corrected_download_clears_it(con, tmp_path):
    """An empty crime type refuses the download; its row has a month and no measure, which for a force return
    blocks the month's approval. police.uk's rows are no figure of the force's: the Commissioner's month stays
    approvable, and the corrected download of the same name, from its month's folder, clears the refusal."""
    from pipelines.resubmission import blocked_months, open_refusals, refusals

    def change(rows):
        rows[39][9] = ""  # row 40: no crime type

    name = "2017-11-south-yorkshire-street.csv"
    refused = load(con, modified_copy(tmp_path, name, change), tmp_path)
    assert_refused(con, refused, 40, "Crime type", "the crime type is empty")
    assert blocked_months(con) == set()
    assert open_refusals(con, dt.date(2017, 11, 1)) == []
    (r,) = refusals(con)
    assert r.state == "open" and r.months() == []
    assert "blocks no month of the force's figures" in r.describe()
    good = ingest_police_uk(con, shutil.copy(STREET, tmp_path / name), loaded_by="tester", today=TODAY,
                            tmp_dir=tmp_path / "tmp", label=f"2017-11/{name}")
    assert good.outcome == "accepted"
    (r,) = refusals(con)
    assert r.state == "cleared" and r.cleared_by[0].file_id == good.file_id


def test_ingest_says_a_refused_police_uk_file_cleared_never_stopped_a_month_being_approved(db, tmp_path, run_cli):
    """The corrected download's load said of the refused one that "it no longer stops its months being approved",
    as of a return: a refused police.uk file stops no month, so an analyst read that it had held up the force's."""
    def change(rows):
        rows[39][9] = ""  # row 40: no crime type

    name = "2017-11-south-yorkshire-street.csv"
    assert run_cli("ingest", modified_copy(tmp_path / "bad", name, change), "--db", db).exit_code == 1
    result = run_cli("ingest", shutil.copy(STREET, tmp_path / name), "--db", db)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert re.search(f'Refused police.uk file "{re.escape(name)}" \\(#\\d+\\) is superseded by "{re.escape(name)}" '
                     "\\(#\\d+\\): it stopped no month being approved, as police.uk's files are not the force's "
                     "figures.", said), said
    assert "no longer stops" not in said


def test_a_corrected_download_a_browser_saved_as_a_copy_clears_the_refusal(con, tmp_path):
    """A browser saves a second download of the same file as "2017-11-south-yorkshire-street (1).csv": the same
    month's file, which clears the refusal as the same name would; a file of another month does not."""
    from pipelines.resubmission import refusals

    def change(rows):
        rows[39][9] = ""

    name = "2017-11-south-yorkshire-street.csv"
    assert load(con, modified_copy(tmp_path, name, change), tmp_path).outcome == "rejected"
    other = ingest_police_uk(con, shutil.copy(STREET, tmp_path / "2017-11-south-yorkshire-street-2.csv"),
                             loaded_by="tester", today=TODAY, tmp_dir=tmp_path / "tmp")
    assert other.outcome == "accepted"
    assert refusals(con)[0].state == "open"  # another name: not the same download

    def place(rows):  # a corrected download: a record's place put right, so not the file loaded already
        rows[1][6] = "On or near Jesmond Road"

    good = ingest_police_uk(con, modified_copy(tmp_path / "downloads", "2017-11-south-yorkshire-street (1).csv", place),
                            loaded_by="tester", today=TODAY, tmp_dir=tmp_path / "tmp")
    assert good.outcome == "accepted"
    (r,) = refusals(con)
    assert r.state == "cleared" and r.cleared_by[0].file_id == good.file_id


def test_a_header_that_is_not_police_uk_is_refused(con, tmp_path):
    outcome = load(con, STOP_SEARCH, tmp_path)
    assert outcome.outcome == "rejected" and outcome.problems[0].row == 1
    assert "is police.uk's stop and search file, which is not loaded" in outcome.problems[0].text
    other = write_rows(tmp_path / "other.csv", [["Name", "Value"], ["a", "1"]])
    outcome = load(con, other, tmp_path)
    assert "not a police.uk street-level crime or outcomes file" in outcome.problems[0].text


def test_a_police_uk_file_published_empty_is_not_loaded_and_says_there_is_nothing_to_correct(db, tmp_path, run_cli):
    """police.uk publishes a file with its header and no records where it holds none from the force for the month:
    nothing is wrong with the file, and loading it would show the month as one with no crime. It is not loaded (the
    month stays a gap), and the refusal says why, which month stays not loaded, and to load the month when police.uk
    publishes its records, not to correct the file."""
    folder = tmp_path / "2017-12"
    empty = write_rows(folder / "2017-12-south-yorkshire-street.csv", read_rows(STREET)[:1])
    result = run_cli("ingest", empty, "--db", db)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert ('row 1: has its header line and no records: police.uk publishes a file empty where it holds no records '
            "from the force for the month. Nothing is wrong with the file") in said, said
    assert ("South Yorkshire Police's street-level crime file of December 2017 stays not loaded, a gap in the charts "
            "and tables, not a month of zeros") in said
    assert "when police.uk publishes its records" in said
    assert "Correct the file" not in said and "has a header but no records" not in said
    with warehouse.connect_read_only(db) as con:
        assert nothing_loaded(con)
    # checked without loading it: refused, as its load is and as its stored trial says, with nothing to correct and
    # what to do instead; not "cannot be read", nor "nothing was validated" of a trial the Validation runs page lists
    result = run_cli("validate", empty, "--db", db)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert ('"2017-12-south-yorkshire-street.csv" would be refused: it has its header and no records, so no rule of '
            "the contract was checked and nothing from it would be loaded. There is nothing to correct in it: wait for "
            "police.uk to publish the month again with its records and load that, or load nothing for the month, "
            "which stays a gap.") in said, said
    assert "nothing was validated" not in said and "cannot be read" not in said and "Correct the file" not in said
    assert re.search(r'The same file was refused before, as file #\d+ \("2017-12-south-yorkshire-street.csv"\)',
                     result.stdout), result.stdout
    with warehouse.connect_read_only(db) as con:
        assert nothing_loaded(con)
        from pipelines.contracts.runs import REFUSED_APART, runs

        assert runs(con, "trials")["verdict"].tolist() == [REFUSED_APART]  # what the Validation runs page says
    # an outcomes file of no name police.uk gives: the month's file, its outcomes
    outcomes = write_rows(tmp_path / "outcomes.csv", read_rows(OUTCOMES)[:1])
    said = " ".join(run_cli("ingest", outcomes, "--db", db).output.split())
    assert "as one with no outcome at all. The month's outcomes file stays not loaded" in said


def _renamed(rows):
    rows[0][10] = "Last outcome"


def _without_context(rows):
    for r in rows:
        del r[11]


def _extra(rows):
    rows[0].append("Extra")
    for r in rows[1:]:
        r.append("")


def _renamed_and_extra(rows):
    _renamed(rows)
    _extra(rows)


def _reordered(rows):
    for r in rows:
        r[9], r[10] = r[10], r[9]


@pytest.mark.parametrize(("change", "words"), [
    (_renamed, 'column "Last outcome category" is missing, and column "Last outcome" is not one of its columns'),
    (_without_context, 'column "Context" is missing; nothing was read'),
    (_renamed_and_extra, 'column "Last outcome category" is missing, and columns "Last outcome" and "Extra" are not '
                         "among them"),
    (_reordered, "its columns are in another order or written differently; nothing was read"),
])
def test_a_police_uk_file_whose_columns_changed_is_refused_naming_them(db, tmp_path, run_cli, change, words):
    """police.uk has changed its files' columns over the years: such a file (loaded or checked, alone or among a
    folder's returns) is told as police.uk's with the columns that differ, not as a return with no header."""
    path = modified_copy(tmp_path, "2017-11-south-yorkshire-street.csv", change)
    for verb in ("validate", "ingest"):
        result = run_cli(verb, str(path.parent), "--db", db)
        assert result.exit_code == 1
        said = " ".join(result.output.split())
        assert ('file "2017-11-south-yorkshire-street.csv", row 1: is a police.uk street-level crime file whose '
                f"header differs from the one loaded: {words}") in said, said
        assert "period, district, measure, value" not in said
    from pipelines.ingest.preview import Upload, preview
    with warehouse.connect(db) as con:
        (p,) = preview(con, [Upload(path.name, path.read_bytes())])
    assert p.verdict == "unreadable" and words in p.errors[0].message and p.errors[0].row == 1


def _added(rows):
    """police.uk adds a column after "Crime type" and an unnamed one at the end."""
    for i, r in enumerate(rows):
        r.insert(10, "Crime subtype" if i == 0 else f"detail, {i}")
        r.append("" if i == 0 else "x")


def test_a_police_uk_file_with_columns_added_loads_and_names_them_as_not_read(db, tmp_path, run_cli):
    """A column police.uk adds, which pccdash does not read, does not stop the file: every column it reads is there
    by name, the file loads as it would without it (the same counts, row numbers and checks), and the load and the
    check before it name the column added as not read. A column read that is missing or renamed still refuses it."""
    path = modified_copy(tmp_path, "2017-11-south-yorkshire-street.csv", _added)
    note = ('Columns police.uk added, "Crime subtype" and the unnamed 14th column, are not among the street-level '
            "crime columns pccdash reads, and were not read; every column it reads is there, so the file was read "
            "and checked as usual.")
    checked = run_cli("validate", path, "--db", db)
    assert checked.exit_code == 0, checked.output
    assert "passed" in checked.stdout and note in " ".join(checked.stdout.split())
    loaded = run_cli("ingest", path, "--db", db)
    assert loaded.exit_code == 0, loaded.output
    assert "accepted as file #1: 583 records read" in loaded.output and note in " ".join(loaded.output.split())
    with warehouse.connect(db) as con:
        assert counts_by_district(con, "street") == expected_districts(STREET)
        rows = read_rows(STREET)
        row, = con.execute(f"SELECT crime_type, lsoa_name, last_outcome FROM {records.TABLE} WHERE source_row = 10"
                           ).fetchall()
        assert row == (rows[9][9], rows[9][8], rows[9][10] or None)
        # the same records without the columns added: police.uk's month unchanged, not republished
        again = load(con, STREET, tmp_path)
    assert again.outcome == "accepted" and again.revised == 0 and again.new == 0 and not again.message


# ---------------------------------------------------------------------------------------------------
# New categories load with a warning


def test_a_new_crime_type_is_a_warning_and_loads(con, tmp_path):
    def change(rows):
        rows[4][9] = "Fraud"  # row 5
        rows[30][10] = "Offender given a new kind of order"  # row 31's last outcome

    outcome = load(con, modified_copy(tmp_path, "new-type.csv", change), tmp_path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert outcome.run.outcome == "passed_with_warnings"
    warned = {r.rule_id: r for r in outcome.run.warnings}
    assert set(warned) == {"crime_type_known", "last_outcome_known"}
    assert (warned["crime_type_known"].samples[0].source_row, warned["crime_type_known"].samples[0].source_column) == (
        5, "Crime type")
    assert scalar(con, "SELECT sum(records) FROM police_uk_crime_count WHERE crime_type = 'Fraud'") == 1
    caveats = dict(con.execute("SELECT rule_id, measure FROM figure_caveat").fetchall())
    assert caveats == {"crime_type_known": "police_uk_total_crime", "last_outcome_known": "police_uk_charge_share"}
    assert outcome.caveats == 2
    said = con.execute("SELECT message FROM figure_caveat WHERE rule_id = 'crime_type_known'").fetchall()[0][0]
    assert "counted in the crimes recorded, anti-social behaviour left out" in said, said  # not "all crime"


def test_a_new_outcome_type_is_a_warning_and_loads(con, tmp_path):
    rows = read_rows(OUTCOMES)
    rows[7][9] = "Offender given a new kind of order"  # row 8
    outcome = load(con, write_rows(tmp_path / "files" / "new-outcome.csv", rows), tmp_path)
    assert outcome.outcome == "accepted" and [r.rule_id for r in outcome.run.warnings] == ["outcome_type_known"]
    assert outcome.run.warnings[0].samples[0].source_row == 8
    assert counts_by_district(con, "outcomes") == expected_districts(OUTCOMES)


# ---------------------------------------------------------------------------------------------------
# What it feeds


def test_context_measures(con, tmp_path):
    load(con, STREET, tmp_path)
    load(con, OUTCOMES, tmp_path)
    df = context_measures(con)
    assert list(df.columns) == ["period", "district", "measure", "value"]
    got = {(r.district, r.measure): r.value for r in df.itertuples()}
    assert set(df["period"]) == {dt.date(2017, 11, 1)}
    by_type = expected_by(STREET, "Crime type")
    for district in (*SY_DISTRICTS, "No location", "Outside force area"):
        assert got[(district, "police_uk_violence_and_sexual_offences")] == by_type[
            (district, "Violence and sexual offences")]
        assert got[(district, "police_uk_burglary")] == by_type[(district, "Burglary")]
    reference = yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())
    charged = set(reference["outcome_groups"]["charged_or_summonsed"])
    with open(STREET, newline="") as fh:
        crimes = [r for r in csv.DictReader(fh) if r["Crime type"] != "Anti-social behaviour"]
    for district in SY_DISTRICTS:
        mine = [r for r in crimes if district_of(r["LSOA name"]) == district]
        n_charged = sum(r["Last outcome category"] in charged for r in mine)
        assert got[(district, "police_uk_total_crime")] == len(mine)
        assert got[(district, "police_uk_charged")] == n_charged
        assert got[(district, "police_uk_charge_share")] == pytest.approx(100 * n_charged / len(mine))
    assert ("Outside force area", "police_uk_charge_share") not in got  # no crimes there: no share
    outcomes = expected_districts(OUTCOMES)
    for district, n in outcomes.items():
        assert got[(district, "police_uk_outcomes_recorded")] == n
    meta = measure_metadata()
    assert set(df["measure"]) <= set(meta)
    for mid in ("police_uk_violence_and_sexual_offences", "police_uk_charge_share"):
        assert meta[mid]["source"] == "police_uk" and {"name", "unit", "kind", "increase_is"} <= set(meta[mid])
        caveats = " ".join(meta[mid]["caveats"])
        assert "approximate" in caveats and "broad categories" in caveats and "revision" in caveats
    assert meta["police_uk_charge_share"]["kind"] == "percentage"


def test_another_force_is_configured_without_code(con, tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    shutil.copytree(REFERENCE, ref)
    force = yaml.safe_load((ref / "force.yaml").read_text())
    force["districts"] = [{"name": "North", "aliases": []}, {"name": "South", "aliases": []}]
    (ref / "force.yaml").write_text(yaml.safe_dump(force))
    police = yaml.safe_load((ref / "police_uk.yaml").read_text())
    police["districts"]["map"] = [{"prefix": "Barnsley", "district": "North"},
                                  {"prefix": "Doncaster", "district": "North"},
                                  {"prefix": "Sheffield", "district": "South"}]
    (ref / "police_uk.yaml").write_text(yaml.safe_dump(police))
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    assert load(con, STREET, tmp_path).outcome == "accepted"
    e = expected_districts(STREET)
    assert counts_by_district(con, "street") == {"North": e["Barnsley"] + e["Doncaster"], "South": e["Sheffield"],
                                                 "Outside force area": e["Rotherham"], "No location": e["No location"]}


def test_context_figures_for_the_dashboard(con, tmp_path):
    empty = context_figures(con)
    assert list(empty.columns) == ["period", "district", "measure", "value"] and empty.empty
    load(con, STREET, tmp_path)
    load(con, OUTCOMES, tmp_path)
    df = context_figures(con)
    assert list(df.columns) == ["period", "district", "measure", "value"]
    assert set(df["period"]) == {"2017-11"}
    assert set(df["district"]) == {*SY_DISTRICTS, "Outside force area", "No location"}
    by_type = expected_by(STREET, "Crime type")
    got = {(r.district, r.measure): r.value for r in df.itertuples()}
    assert got[("Rotherham", "police_uk_burglary")] == by_type[("Rotherham", "Burglary")]
    assert got[("No location", "police_uk_outcomes_recorded")] == expected_districts(OUTCOMES)["No location"]
    # the same figures as context_measures, months written as the dashboard writes them
    full = context_measures(con)
    assert len(full) == len(df)
    assert list(full["value"]) == list(df["value"])
    # one district, by its name or an alias in any case
    rotherham = context_figures(con, "rotherham")
    assert set(rotherham["district"]) == {"Rotherham"}
    assert rotherham.reset_index(drop=True).equals(df[df["district"] == "Rotherham"].reset_index(drop=True))
    assert set(context_figures(con, "No location")["district"]) == {"No location"}
    with pytest.raises(UnknownPlace, match="Leeds"):
        context_figures(con, "Leeds")


def test_context_caveats_come_from_the_catalogue():
    from pipelines.catalogue import catalogue

    caveats = context_caveats()
    assert set(caveats) == set(catalogue().ids("police_uk")) == set(measure_metadata())
    for measure, texts in caveats.items():
        joined = " ".join(texts)
        assert "Locations are approximate" in joined, measure
        assert "broad categories" in joined, measure
        assert "republish" in joined and "revision" in joined, measure
        assert all("\n" not in t and "  " not in t for t in texts)
    assert len(caveats["police_uk_charge_share"]) == len(caveats["police_uk_burglary"]) + 1
    assert "last outcome as published" in caveats["police_uk_charge_share"][-1]
    caveats["police_uk_burglary"].append("changed")  # the caller's copy
    assert "changed" not in context_caveats()["police_uk_burglary"]


def test_each_context_measure_is_declared_once_in_the_catalogue():
    from pipelines.catalogue import catalogue

    police = yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())
    assert "measures" not in police and "caveats" not in police
    declared = [m["id"] for m in yaml.safe_load((REFERENCE / "measures.yaml").read_text())["measures"]]
    assert len(declared) == len(set(declared))
    cat = catalogue()
    for crime_type in police["crime_types"]:
        assert cat.get(crime_type["measure"]).source == "police_uk"
    assert cat.get("police_uk_total_crime").name == "Crimes recorded, anti-social behaviour left out (police.uk)"
    # its short name, in the funnel's sentences, the By district table and the pack, says so too: "All crime" read
    # as if anti-social behaviour were in it
    assert cat.get("police_uk_total_crime").short_name == "Crimes other than ASB (police.uk)"


# ---------------------------------------------------------------------------------------------------
# pccdash validate FILE: a dry run against the file's own contract


def test_validate_a_police_uk_file_without_loading_it(db, run_cli):
    result = run_cli("validate", STREET, OUTCOMES, "--db", db)
    assert result.exit_code == 0, result.output
    assert f'Validation of "{STREET.name}" (not loaded) against police_uk_street' in result.stdout
    assert f'Validation of "{OUTCOMES.name}" (not loaded) against police_uk_outcomes' in result.stdout
    assert ": passed (" in result.stdout
    with warehouse.connect_read_only(db) as con:
        assert nothing_loaded(con)
        assert scalar(con, "SELECT count(*) FROM file_registry") == 0
        runs = con.execute("SELECT scope, contract_id, outcome, file_id FROM validation_run ORDER BY run_id").fetchall()
    assert runs == [("dry-run", "police-uk-street", "passed", None), ("dry-run", "police-uk-outcomes", "passed", None)]


def test_validate_a_police_uk_file_loaded_before_says_so_as_of_a_return(db, tmp_path, run_cli):
    """Regression: "pccdash validate" of a police.uk file already loaded said only that it passed, where of a return
    it says that it is already loaded and loading it again would change nothing; and of a download replaced since,
    not that loading it by itself puts it back in force."""
    assert run_cli("ingest", STREET, "--db", db).exit_code == 0
    again = run_cli("validate", STREET, "--db", db)
    assert again.exit_code == 0, again.output
    assert (f'"{STREET.name}" is already loaded: loading it again would change nothing: it was loaded as file #1 '
            f'("{STREET.name}") on ') in again.stdout

    def change(rows):
        rows[1][9] = "Burglary" if rows[1][9] != "Burglary" else "Robbery"

    republished = modified_copy(tmp_path, "republished.csv", change)
    assert "is already loaded:" not in run_cli("validate", republished, "--db", db).stdout  # never loaded
    assert run_cli("ingest", republished, "--db", db).exit_code == 0
    earlier = " ".join(run_cli("validate", STREET, "--db", db).stdout.split())
    assert f'"{STREET.name}" was loaded before: it was loaded as file #1' in earlier
    assert "Another file is in force for its month" in earlier and 'from file #2 ("republished.csv")' in earlier
    assert f'To put this file back in force, load it by itself: pccdash ingest "{STREET}".' in earlier


def test_validate_a_police_uk_file_says_the_records_read_and_the_whole_time(db, run_cli, monkeypatch):
    """Regression: it gave only the distinct values the rules check ("(706 rows") and the rules' own time."""
    import re
    import time

    import pipelines.policeuk as policeuk

    checked = policeuk.validate_police_uk

    def slow(*args, **kwargs):  # reading a large file takes a while before the rules run
        time.sleep(1.0)
        return checked(*args, **kwargs)

    monkeypatch.setattr(policeuk, "validate_police_uk", slow)
    result = run_cli("validate", STREET, "--db", db)
    assert result.exit_code == 0, result.output
    with open(STREET, newline="", encoding="utf-8") as fh:
        records = sum(1 for _ in csv.reader(fh)) - 1
    said = re.search(r"passed \(([\d,]+) records read, checked as ([\d,]+) distinct values; .*; ([\d.]+) s\)",
                     result.stdout)
    assert said, result.stdout
    with warehouse.connect_read_only(db) as con:
        checked = scalar(con, "SELECT rows_checked FROM validation_run")
    assert (int(said[1].replace(",", "")), int(said[2].replace(",", ""))) == (records, checked)
    assert float(said[3]) >= 1.0


def test_validate_a_bad_police_uk_file_names_the_row_and_exits_1(db, tmp_path, run_cli):
    def change(rows):
        rows[9][3] = "Kent Polise"  # row 10

    path = modified_copy(tmp_path, "unknown-force.csv", change)
    result = run_cli("validate", path, "--db", db)
    assert result.exit_code == 1
    assert "FAILED" in result.stdout and "ERROR   falls_within_known" in result.stdout
    assert 'file "unknown-force.csv", row 10, column "Falls within"' in result.stdout
    with warehouse.connect_read_only(db) as con:
        assert nothing_loaded(con)
        assert con.execute("SELECT scope, outcome FROM validation_run").fetchall() == [("dry-run", "failed")]


def test_a_police_uk_problem_says_how_many_rows_hold_the_value_in_the_singular_and_the_plural(db, tmp_path, run_cli):
    """Regression: one row of an unknown force read '"Kent Polise" (1 row(s), the first at this row)'."""
    def once(rows):
        rows[9][3] = "Kent Polise"  # row 10

    def twice(rows):
        rows[9][3] = rows[11][3] = "Kent Polise"  # rows 10 and 12

    said = run_cli("validate", modified_copy(tmp_path, "once.csv", once), "--db", db).stdout
    assert 'row 10, column "Falls within": "Kent Polise" (1 row: this one) is not a force' in said
    said += run_cli("validate", modified_copy(tmp_path, "twice.csv", twice), "--db", db).stdout
    assert 'row 10, column "Falls within": "Kent Polise" (2 rows, the first at this row) is not a force' in said
    assert "(s)" not in said


def test_validate_an_unreadable_police_uk_file_says_why(db, tmp_path, run_cli):
    lines = STREET.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace(",", "", 1)  # row 7 loses a field
    path = tmp_path / "ragged.csv"
    path.write_text("".join(lines), encoding="utf-8")
    result = run_cli("validate", path, "--db", db)
    assert result.exit_code == 1
    assert 'file "ragged.csv", row 7: has 11 fields where the header has 12' in result.stderr
    assert ('"ragged.csv" would be refused for the problem above: nothing from it would be loaded, and no rule of the '
            'contract was checked. Correct the file and run "pccdash validate" again.') in result.stderr
    with warehouse.connect_read_only(db) as con:
        assert nothing_loaded(con) and scalar(con, "SELECT count(*) FROM file_registry") == 0


def _ragged(source: Path, path: Path) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace(",", "", 1)  # row 7 loses a field
    path.write_text("".join(lines), encoding="utf-8")
    return path


# police.uk files a load refuses before any rule can judge them, and the contract each is kept under
REFUSED_UNREAD = {
    "ragged street": (lambda tmp: _ragged(STREET, tmp / "ragged.csv"), "police-uk-street"),
    "ragged outcomes": (lambda tmp: _ragged(OUTCOMES, tmp / "ragged-outcomes.csv"), "police-uk-outcomes"),
    "renamed header": (lambda tmp: modified_copy(tmp, "2017-11-south-yorkshire-street.csv", _renamed),
                       "police-uk-street"),
    "published empty": (lambda tmp: write_rows(tmp / "2017-12-south-yorkshire-street.csv", read_rows(STREET)[:1]),
                        "police-uk-street"),
}


@pytest.mark.parametrize("case", list(REFUSED_UNREAD))
def test_a_trial_run_of_a_police_uk_file_refused_unread_is_kept_as_refused_with_its_problems(db, tmp_path, run_cli,
                                                                                             case):
    """Regression: "pccdash validate" of a police.uk file refused for its structure (a ragged row, a header renamed)
    kept no run, so the Validation runs page never showed it tried. Its trial is kept as a return's is: refused, under
    the contract of the file it is, with the problems a load of the file keeps for it."""
    from pipelines.contracts import runs

    make, contract = REFUSED_UNREAD[case]
    path = make(tmp_path)
    assert run_cli("validate", path, "--db", db).exit_code == 1
    assert run_cli("ingest", path, "--db", db).exit_code == 1
    with warehouse.connect_read_only(db) as con:
        tried = runs.runs(con, "trials")
        assert list(tried["verdict"]) == [runs.REFUSED_APART] and list(tried["file"]) == [path.name]
        assert runs.counts(tried)["failed"] == 1 and list(tried["rows"]) == [0]
        assert scalar(con, "SELECT contract_id FROM validation_run WHERE scope = 'dry-run'") == contract
        kept = con.execute('SELECT sheet, "row", "column", problem FROM trial_problem ORDER BY ALL').fetchall()
        loaded = con.execute('SELECT sheet, "row", "column", problem FROM ingest_problem ORDER BY ALL').fetchall()
    assert kept and kept == loaded


def test_validate_a_folder_checks_each_file_against_its_own_contract(db, tmp_path, run_cli):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(STREET, folder / "2017-11-south-yorkshire-street.csv")
    (folder / "return.csv").write_text("period,district,measure,value\n2015-07,Barnsley,cse_charges,3\n")
    result = run_cli("validate", folder, "--db", db)
    assert result.exit_code == 0, result.output
    assert '"2017-11-south-yorkshire-street.csv" (not loaded) against police_uk_street' in result.stdout
    assert '"return.csv" (not loaded) against force_cse_return' in result.stdout


def test_validate_an_earlier_download_put_back_says_so_as_its_load_would(db, tmp_path, run_cli):
    """Regression: `pccdash validate` of the earlier download of a month, replaced since by another file, said count
    by count that "the month is republished", where loading it says it is that download put back in force. The dry
    run now tells them apart by the file's fingerprint, as the load does; a republished download is still
    republished."""
    def older(rows):
        del rows[300:]

    def a_few_fewer(rows):
        del rows[1:3]

    assert run_cli("ingest", STREET, "--db", db).exit_code == 0
    old = modified_copy(tmp_path, "2017-11-south-yorkshire-street (1).csv", older)
    assert run_cli("ingest", old, "--db", db).exit_code == 0
    with warehouse.connect_read_only(db) as con:
        first = scalar(con, "SELECT min(file_id) FROM file_registry")
    result = run_cli("validate", STREET, "--db", db)
    assert result.exit_code == 0, result.output
    said = (f': this file is the earlier download of the month loaded before as file #{first} ("{STREET.name}"), '
            "put back in force in place of that revision (not a republication by police.uk).")
    samples = [line for line in result.stdout.splitlines() if line.startswith(f'    - file "{STREET.name}"')]
    assert "WARNING month_republished" in result.stdout and samples, result.stdout
    assert all(line.endswith(said) and " in revision 2, " in line for line in samples), samples
    assert "republished and this file replaces it" not in result.stdout
    # a download police.uk republished, checked against the same warehouse, is still a republication
    republished = modified_copy(tmp_path, "2017-11-south-yorkshire-street (2).csv", a_few_fewer)
    result = run_cli("validate", republished, "--db", db)
    assert result.exit_code == 0, result.output
    assert ": the month is republished and this file replaces it as a new revision." in result.stdout
    assert "put back" not in result.stdout
    with warehouse.connect_read_only(db) as con:
        assert scalar(con, "SELECT count(*) FROM file_registry") == 2
        assert scalar(con, "SELECT max(revision) FROM police_uk_month") == 2


def test_validate_police_uk_then_load_gives_the_same_verdict(con, tmp_path):
    from pipelines.policeuk import validate_police_uk

    def change(rows):
        rows[4][9] = "Fraud"  # row 5: a warning

    path = modified_copy(tmp_path, "new-type.csv", change)
    label, run, problems = validate_police_uk(con, path, today=TODAY)
    assert (label, problems, run.outcome) == ("new-type.csv", [], "passed_with_warnings")
    assert nothing_loaded(con)
    loaded = load(con, path, tmp_path)
    assert loaded.outcome == "accepted" and loaded.run.outcome == "passed_with_warnings"
    assert [r.rule_id for r in run.warnings] == [r.rule_id for r in loaded.run.warnings]


# ---------------------------------------------------------------------------------------------------
# The file's bytes: fingerprinted while DuckDB reads it


def test_the_fingerprint_is_the_files_sha256(con, tmp_path):
    import hashlib

    outcome = load(con, STREET, tmp_path)
    assert scalar(con, "SELECT sha256 FROM file_registry WHERE file_id = ?", [outcome.file_id]) == (
        hashlib.sha256(STREET.read_bytes()).hexdigest())
    assert scalar(con, "SELECT encoding FROM file_registry WHERE file_id = ?", [outcome.file_id]) == "utf-8"


def test_a_copy_under_another_name_is_already_loaded(con, tmp_path):
    first = load(con, STREET, tmp_path)
    copy = Path(shutil.copy(STREET, tmp_path / "copy.csv"))
    again = load(con, copy, tmp_path)
    assert again.outcome == "already_loaded" and again.file_id == first.file_id


def test_a_nul_byte_refuses_the_file(con, tmp_path):
    data = STREET.read_bytes()
    at = data.index(b"\n", data.index(b"\n") + 1) + 5  # in row 3
    path = tmp_path / "nul.csv"
    path.write_bytes(data[:at] + b"\x00" + data[at + 1:])
    outcome = load(con, path, tmp_path)
    assert outcome.outcome == "rejected" and "NUL byte" in outcome.problems[0].text
    assert outcome.problems[0].row == 3
    assert nothing_loaded(con)


def test_a_quoted_line_break_loads_with_its_rows(con, tmp_path):
    def change(rows):
        rows[2][6] = "On or near\nHigh Street"  # row 3's location spans two lines

    path = modified_copy(tmp_path, "line-break.csv", change)
    outcome = load(con, path, tmp_path)
    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    where = "SELECT location FROM pccdash_records.police_uk_record WHERE source_row = "
    assert scalar(con, where + "3") == "On or near\nHigh Street"
    assert scalar(con, where + "4") == read_rows(path)[3][6]


# ---------------------------------------------------------------------------------------------------
# DuckDB's memory limit while a police.uk file loads


def test_duckdb_works_within_the_memory_limit_setting_while_loading(con, tmp_path, monkeypatch):
    import pipelines.policeuk.ingest as police_ingest

    seen = []
    real = police_ingest._insert_records

    def spy(c, *args, **kwargs):
        seen.append(scalar(c, "SELECT current_setting('memory_limit')"))
        return real(c, *args, **kwargs)

    monkeypatch.setattr(police_ingest, "_insert_records", spy)
    monkeypatch.delenv("PCCDASH_DUCKDB_MEMORY_LIMIT", raising=False)
    before = scalar(con, "SELECT current_setting('memory_limit')")
    assert load(con, STREET, tmp_path).outcome == "accepted"
    assert seen == ["953.6 MiB"]  # the default, 1GB
    assert scalar(con, "SELECT current_setting('memory_limit')") == before
    monkeypatch.setenv("PCCDASH_DUCKDB_MEMORY_LIMIT", "300MB")
    assert load(con, OUTCOMES, tmp_path).outcome == "accepted"
    assert seen[-1] == "286.1 MiB"
    assert scalar(con, "SELECT current_setting('memory_limit')") == before


def test_a_memory_limit_duckdb_cannot_read_is_a_clear_error(con, tmp_path, monkeypatch):
    from pipelines.errors import ConfigError

    monkeypatch.setenv("PCCDASH_DUCKDB_MEMORY_LIMIT", "plenty")
    with pytest.raises(ConfigError, match="PCCDASH_DUCKDB_MEMORY_LIMIT"):
        load(con, STREET, tmp_path)
    assert scalar(con, "SELECT count(*) FROM file_registry") == 0


@pytest.mark.parametrize("limit", ["1MB", "8MB"])
def test_a_memory_limit_too_small_for_the_file_says_so_and_keeps_nothing(con, tmp_path, monkeypatch, limit):
    from pipelines.errors import ConfigError

    monkeypatch.setenv("PCCDASH_DUCKDB_MEMORY_LIMIT", limit)
    with pytest.raises(ConfigError, match=f'(?i)PCCDASH_DUCKDB_MEMORY_LIMIT.*{limit}.*raise it'):
        load(con, STREET, tmp_path)
    assert nothing_loaded(con) and scalar(con, "SELECT count(*) FROM file_registry") == 0
    monkeypatch.delenv("PCCDASH_DUCKDB_MEMORY_LIMIT")
    assert load(con, STREET, tmp_path).outcome == "accepted"  # the same file, with the default: loaded


def test_every_setting_is_in_the_readme():
    from pipelines.settings import SETTINGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [s.env for s in SETTINGS if f"`{s.env}`" not in readme] == []


def test_a_large_police_uk_file_says_each_stage_of_its_load_as_it_goes(db, monkeypatch):
    """A 6 GiB file loads for minutes: `pccdash ingest` said "[1/1] <file>" and nothing more until it was done."""
    from pipelines.ingest import ingest
    from pipelines.policeuk import ingest as police_uk_ingest

    said: list[str] = []
    with warehouse.connect(db) as con:
        [small] = ingest(con, [STREET], progress=said.append).files
    assert small.outcome == "accepted"
    # a small file: its name, then its outcome, as before
    assert len(said) == 2 and said[0].startswith(f"[1/1] {STREET.name} (") and "accepted as file #1" in said[1]

    monkeypatch.setattr(police_uk_ingest, "STAGES_FROM_BYTES", 0)  # as if the sample file were large
    said.clear()
    with warehouse.connect(db) as con:
        [large] = ingest(con, [OUTCOMES], progress=said.append).files
    assert large.outcome == "accepted"
    stages = [line.strip() for line in said[1:-1]]
    assert [s.split(" (")[0] for s in stages] == [
        "reading its records", f"read {large.rows:,} records; counting them by month, district and measure, and "
                               "checking the counts", "checked; keeping the counts"], said
    assert all(s.endswith(" s so far)") for s in stages) and said[-1].strip().startswith("accepted as file #2")


def test_a_police_uk_load_counts_its_rows_as_records_and_a_first_load_as_its_crime_types(con, tmp_path):
    """A police.uk file's rows are records, counted into figures: the summary says "records read". Its new counts
    are its districts' crime types, as before the charged counts were compared (they count when they change)."""
    from pipelines.ingest.load import describe

    first = load(con, STREET, tmp_path)
    cells = len(expected_by(STREET, "Crime type"))
    assert f"records read, {cells:,} new, 0 revised, 0 unchanged" in describe(first), describe(first)


def test_a_month_republished_with_only_last_outcomes_changed_says_which_charged_counts_changed(con, tmp_path):
    """police.uk republishes a month most often because cases moved on: the crimes are the same, their last
    outcomes are not. The charged count (and the charge share) change, and the load and the republished
    months' list say so, by district, as they do for a change of crime type."""
    load(con, STREET, tmp_path)
    charged = set(yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())["outcome_groups"]["charged_or_summonsed"])
    changed = []

    def charge_three(rows):
        for row in rows[1:]:
            if len(changed) < 3 and row[9] != "Anti-social behaviour" and row[10] not in charged and row[8]:
                row[10] = "Suspect charged"
                changed.append(district_of(row[8]))

    path = modified_copy(tmp_path, STREET.name, charge_three)
    second = load(con, path, tmp_path)
    assert second.outcome == "accepted", [p.message() for p in second.problems]

    def charged_by_district(p: Path) -> Counter:
        with open(p, newline="", encoding="utf-8") as fh:
            return Counter(district_of(r["LSOA name"]) for r in csv.DictReader(fh)
                           if r["Crime type"] != "Anti-social behaviour" and r["Last outcome category"] in charged)

    before, after = charged_by_district(STREET), charged_by_district(path)
    expected = {d: after[d] - before[d] for d in set(changed)}
    assert sum(expected.values()) == 3
    # the figures are the new file's
    figs = context_figures(con)
    got = {r.district: r.value for r in figs[figs["measure"] == "police_uk_charged"].itertuples()}
    assert {d: got[d] for d in expected} == {d: after[d] for d in expected}
    # and what changed is said: the republished months' list, the load's summary and its warning
    changes = revision_changes(con)
    assert {r.district: r.change for r in changes.itertuples()} == expected
    assert set(changes["category"]) == {"Charged or summonsed"}
    # the crime types' counts, the figures the load counts, are unchanged; the charged counts are said apart
    assert (second.new, second.revised, second.unchanged) == (0, 0, len(expected_by(STREET, "Crime type")))
    assert all(f"{d} in November 2017 ({before[d]}, now {after[d]})" in second.message for d in expected), \
        second.message
    warned = {r.rule_id: r for r in second.run.warnings}
    assert "month_republished" in warned and warned["month_republished"].failing_count == len(expected)
    assert all("Charged or summonsed in " in s.message for s in warned["month_republished"].samples)


def test_a_republished_month_counts_the_same_figures_as_its_first_load_and_says_its_charged_count_apart(con,
                                                                                                        tmp_path):
    """Regression: a month republished with one charged crime withdrawn said "0 new, 2 revised, 41 unchanged", one
    figure more than its first load's 42: the charged count, made of the crime types' records, was counted only when
    it changed. Every load of the month counts its crime types' counts, and the charged count it changed is said in
    words, with its value before and now."""
    from pipelines.ingest.load import describe

    charged = set(yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())["outcome_groups"]["charged_or_summonsed"])
    first = load(con, STREET, tmp_path)
    gone = []

    def withdraw_one_charged(rows):
        for i, row in enumerate(rows[1:], start=1):
            if row[9] != "Anti-social behaviour" and row[10] in charged and row[8] and expected_by(
                    STREET, "Crime type")[(district_of(row[8]), row[9])] > 1:
                gone.append((district_of(row[8]), row[9]))
                del rows[i]
                return

    path = modified_copy(tmp_path, STREET.name, withdraw_one_charged)
    second = load(con, path, tmp_path)
    assert second.outcome == "accepted", [p.message() for p in second.problems]
    figures = len(expected_by(STREET, "Crime type"))
    assert (first.new, first.revised, first.unchanged) == (figures, 0, 0)
    assert (second.new, second.revised, second.unchanged) == (0, 1, figures - 1)
    assert f"records read, 0 new, 1 revised, {figures - 1:,} unchanged" in describe(second), describe(second)
    district = gone[0][0]
    was = sum(1 for r in read_rows(STREET)[1:] if r[9] != "Anti-social behaviour" and r[10] in charged
              and r[8] and district_of(r[8]) == district)
    assert second.message.startswith(
        "Besides those figures, the count of crimes charged or summonsed, which the charge share is worked out from, "
        f"changed for {district} in November 2017 ({was}, now {was - 1})."), second.message


def test_a_republished_months_warning_cites_the_row_that_changed_each_count(con, tmp_path):
    """Regression: the month_republished warning cited, for each changed count, the first row of the file holding
    its value (the first burglary in Doncaster, the first crime charged in the district), not the row whose record
    changed it. It cites the row of the file holding a record the revision in force does not: a crime added, or a
    crime whose last outcome moved on to a charge; a count that fell as a crime was withdrawn cites no row."""
    charged = set(yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())["outcome_groups"]["charged_or_summonsed"])
    load(con, STREET, tmp_path)
    rows = read_rows(STREET)
    # the last crime not charged, in a district with a crime charged before it: its outcome moves on to a charge
    first_charged = {}
    for k, r in enumerate(rows[1:], start=2):
        if r[9] != "Anti-social behaviour" and r[10] in charged and r[8]:
            first_charged.setdefault(district_of(r[8]), k)
    moved = max(k for k, r in enumerate(rows[1:], start=2) if r[9] != "Anti-social behaviour" and r[8]
                and r[10] not in charged and first_charged.get(district_of(r[8]), k) < k)
    district = district_of(rows[moved - 1][8])
    # a burglary in Doncaster added at the end of the file, the first of them well before it
    burglaries = [k for k, r in enumerate(rows[1:], start=2) if r[8].startswith("Doncaster") and r[9] == "Burglary"]
    template = rows[burglaries[0] - 1]

    def republish(rows):
        rows[moved - 1][10] = "Suspect charged"
        rows.append(["f" * 64, *template[1:]])

    path = modified_copy(tmp_path, STREET.name, republish)
    second = load(con, path, tmp_path)
    assert second.outcome == "accepted", [p.message() for p in second.problems]
    samples = {r.rule_id: r for r in second.run.warnings}["month_republished"].samples
    cited = {s.message.split(": ")[0]: (s.source_file, s.source_row, s.source_column) for s in samples}
    assert cited[f"Charged or summonsed in {district}, 2017-11, South Yorkshire Police"] == (
        STREET.name, moved, "Last outcome category"), cited
    assert cited["Burglary in Doncaster, 2017-11, South Yorkshire Police"] == (
        STREET.name, len(rows) + 1, "Crime type"), cited
    assert first_charged[district] < moved and burglaries[0] < len(rows) + 1
    # the same file checked again, withdrawing the burglary: the count fell, and no row of the file is cited
    withdrawn = modified_copy(tmp_path, "2017-11-south-yorkshire-street (1).csv", lambda rows: None)
    _label, run, _problems = validate_police_uk(con, withdrawn, today=TODAY, tmp_dir=tmp_path / "tmp")
    fell = [s for s in {r.rule_id: r for r in run.warnings}["month_republished"].samples
            if s.message.startswith("Burglary in Doncaster")]
    assert [s.source_row for s in fell] == [None], fell


def test_the_republished_months_are_said_for_one_month_and_for_many(con, tmp_path):
    """What the pack says of police.uk months with counts changed since they were first loaded: one month or many
    republished by police.uk, one or many earlier downloads put back, and both at once."""
    from pipelines.policeuk.revisions import republished_words
    from pipelines.uk_time import uk_day_words

    def month_of(rows, month):
        for r in rows[1:]:
            r[1] = month

    def later(month, change):
        def both(rows):
            month_of(rows, month)
            change(rows)
        return both

    def withdraw(rows):
        del rows[1:3]

    nov, dec = STREET, modified_copy(tmp_path, "2017-12-south-yorkshire-street.csv", later("2017-12", lambda r: None))
    for path in (nov, dec):
        load(con, path, tmp_path)
    assert republished_words(con, "street", "2017-11", "2017-12") == ""
    nov2 = modified_copy(tmp_path, "2017-11-south-yorkshire-street (1).csv", withdraw)
    load(con, nov2, tmp_path)

    def loaded(month: str, revision: int) -> str:
        return uk_day_words(scalar(con, "SELECT loaded_at FROM police_uk_month WHERE kind = 'street' AND "
                                        "period = ? AND revision = ?",
                                   [dt.date.fromisoformat(month + "-01"), revision]))

    tail = "; the police.uk context page lists each count that changed."
    assert republished_words(con, "street", "2017-11", "2017-12") == (
        f"police.uk republished November 2017 after it was first loaded on {loaded('2017-11', 1)}: these figures are "
        f"from its revision 2, loaded on {loaded('2017-11', 2)}{tail}")
    assert republished_words(con, "street", "2017-12", "2017-12") == ""
    load(con, modified_copy(tmp_path, "2017-12-south-yorkshire-street (1).csv", later("2017-12", withdraw)), tmp_path)
    assert republished_words(con, "street", "2017-11", "2017-12") == (
        "police.uk republished 2 of these figures' months after they were first loaded: November 2017 (revision 2, "
        f"loaded on {loaded('2017-11', 2)}) and December 2017 (revision 2, loaded on {loaded('2017-12', 2)}); these "
        f"figures are from the latest revision of each{tail}")
    # November's first download put back: one month of each
    ingest_police_uk(con, nov, loaded_by="tester", today=TODAY, tmp_dir=tmp_path / "tmp")
    assert republished_words(con, "street", "2017-11", "2017-12") == (
        f"police.uk republished December 2017 after it was first loaded on {loaded('2017-12', 1)}: these figures are "
        f"from its revision 2, loaded on {loaded('2017-12', 2)}; and an earlier download of November 2017 was loaded "
        f"again on {loaded('2017-11', 3)} to put it back in force, not police.uk's republication: these figures are "
        f"from it (revision 3){tail}")
    assert republished_words(con, "street", "2017-11", "2017-11") == (
        f"An earlier download of November 2017 was loaded again on {loaded('2017-11', 3)} to put it back in force, "
        f"not police.uk's republication: these figures are from it (revision 3){tail}")
    # and December's: many put back
    ingest_police_uk(con, dec, loaded_by="tester", today=TODAY, tmp_dir=tmp_path / "tmp")
    assert republished_words(con, "street", "2017-11", "2017-12") == (
        "Earlier downloads of 2 of these figures' months were loaded again to put them back in force, not police.uk's "
        f"republication: November 2017 (revision 3, loaded on {loaded('2017-11', 3)}) and December 2017 (revision 3, "
        f"loaded on {loaded('2017-12', 3)}); these figures are from those downloads{tail}")


def loaded_then_republished_without_one_charged_crime(db, tmp_path: Path):
    """The street sample loaded, then republished with one crime whose last outcome was a charge taken out: the load
    outcomes of both, the second a republication that changed a charged count."""
    charged = set(yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())["outcome_groups"]["charged_or_summonsed"])

    def withdraw_one_charged(rows):
        for i, row in enumerate(rows[1:], start=1):
            if row[9] != "Anti-social behaviour" and row[10] in charged and row[8]:
                del rows[i]
                return

    with warehouse.connect(db) as con:
        first = load(con, STREET, tmp_path)
        second = load(con, modified_copy(tmp_path, STREET.name, withdraw_one_charged), tmp_path)
    return first, second


def test_files_show_says_the_charged_counts_a_republication_changed_as_its_load_did(db, tmp_path, run_cli):
    """Regression: the charged counts a republication changed were said only by its load; "pccdash files show" of
    the file, read later, gave "0 new, 0 revised, 42 unchanged" for a month whose charged count had changed."""
    _, second = loaded_then_republished_without_one_charged_crime(db, tmp_path)
    first_show = run_cli("files", "show", "1", "--db", db)
    assert second.outcome == "accepted" and second.message.startswith("Besides those figures"), second.message
    shown = run_cli("files", "show", str(second.file_id), "--db", db)
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.stdout.split())
    assert second.message in said, said
    assert "Besides those figures" not in " ".join(first_show.stdout.split())


def loaded_then_republished_with_two_districts_charged(db, tmp_path: Path):
    """The street sample loaded, then republished with a crime in each of two districts moved on to "Suspect
    charged": the load outcomes of both, the second a republication that changed two charged counts and no figure."""
    charged = set(yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())["outcome_groups"]["charged_or_summonsed"])
    moved = []

    def charge_two_districts(rows):
        for row in rows[1:]:
            if (row[9] != "Anti-social behaviour" and row[10] not in charged and row[8]
                    and district_of(row[8]) not in moved and len(moved) < 2):
                row[10] = "Suspect charged"
                moved.append(district_of(row[8]))

    with warehouse.connect(db) as con:
        first = load(con, STREET, tmp_path)
        second = load(con, modified_copy(tmp_path, STREET.name, charge_two_districts), tmp_path)
    return first, second


def test_files_lists_a_republication_that_changed_only_charged_counts_as_changing_them(db, tmp_path, run_cli):
    """Regression: "pccdash files" listed a police.uk republication whose crimes had only moved on to a charge as
    "0 new, 0 revised", as if it had changed nothing, where its load and "pccdash files show" say which charged counts
    it changed. The list counts them beside its figures, says what a charged count is, and the CSV gives them."""
    first, second = loaded_then_republished_with_two_districts_charged(db, tmp_path)
    assert (second.outcome, second.new, second.revised) == ("accepted", 0, 0), second.message
    assert second.message.startswith("Besides those figures"), second.message
    listed = run_cli("files", "--db", db)
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    [again] = [line for line in lines if line.split()[:1] == [str(second.file_id)]]
    [before] = [line for line in lines if line.split()[:1] == [str(first.file_id)]]
    assert " 0 (and 2 charged counts)" in again, listed.stdout
    assert "charged count" not in before
    said = " ".join(listed.stdout.split())
    assert ("A charged count is police.uk's count of the crimes charged or summonsed in a district's month, which the "
            'charge share is worked out from') in said and '"pccdash files show N" says which it changed' in said
    every = run_cli("files", "--format", "csv", "--db", db)
    counts = {int(r["file_id"]): int(r["charged_counts_changed"]) for r in csv.DictReader(io.StringIO(every.stdout))}
    assert counts == {first.file_id: 0, second.file_id: 2}


def test_files_loaded_says_the_charged_counts_a_republication_changed_beside_the_file_on_its_own(
        db, tmp_path, monkeypatch):
    """Regression: Files loaded, opened on a police.uk republication that changed only a charged count, gave "0 new,
    0 revised, 42 unchanged" and nothing else, where its load and "pccdash files show" say which charged counts it
    changed. The file shown on its own says it too, in the same words; the file first loaded, and the list of every
    file, do not."""
    from dashboard_helpers import ANALYST, internal, texts

    first, second = loaded_then_republished_without_one_charged_crime(db, tmp_path)
    assert second.outcome == "accepted" and second.message.startswith("Besides those figures"), second.message

    def opened_on(file_id: int | None):
        at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
        if file_id is not None:
            at.query_params["file"] = str(file_id)
            at.run()
        assert not at.exception, at.exception
        return at

    at = opened_on(second.file_id)
    as_read = [re.sub(r"\\(.)", r"\1", i.value) for i in at.info]  # Markdown's escapes, as a person reads it
    assert [i for i in as_read if i.startswith("Besides those figures")] == [second.message]
    assert "Besides those figures" not in texts(opened_on(first.file_id))
    assert "Besides those figures" not in texts(opened_on(None))


def test_files_loaded_lists_a_republication_that_changed_only_charged_counts_as_changing_them(
        db, tmp_path, monkeypatch):
    """Regression: the Files loaded list gave a police.uk republication whose crimes had only moved on to a charge
    "Revised figures 0", as if it had changed nothing, where "pccdash files" lists it "0 (and 2 charged counts)". The
    list says it as the CLI does, with a line on what a charged count is and a link to the file on its own, which says
    which it changed; the sentence naming them stays with the file on its own, as a grid cuts a cell's sentence. Its
    CSV gives the count as a number, in a column of its own the grid leaves out."""
    import json

    from dashboard_helpers import ANALYST, downloads_of, internal, texts

    first, second = loaded_then_republished_with_two_districts_charged(db, tmp_path)
    assert (second.outcome, second.revised) == ("accepted", 0) and second.message.startswith("Besides"), second.message
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    assert not at.exception, at.exception
    [grid] = at.dataframe
    revised = dict(zip(grid.value["File number"].astype(int), grid.value["Revised figures"], strict=True))
    assert revised == {second.file_id: "0 (and 2 charged counts)", first.file_id: "0"}, revised
    assert json.loads(grid.proto.columns)["Charged counts changed"] == {"hidden": True}
    said = texts(at)
    assert "A charged count is police.uk's count of the crimes charged or summonsed in a district's month" in said
    assert "Besides those figures" not in said
    assert [link.proto.query_string for link in at.get("page_link")] == [f"file={second.file_id}"]
    [body] = [b for name, b in served if name == "files-loaded.csv"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {int(r["File number"]): (r["Revised figures"], r["Charged counts changed"]) for r in rows} == {
        first.file_id: ("0", "0"), second.file_id: ("0", "2")}


def test_files_loaded_says_why_a_police_uk_file_on_its_own_has_no_download(db, tmp_path, monkeypatch):
    """Regression: Files loaded, opened on a police.uk file, offered no download of it and said nothing of why, where
    "pccdash files show" says police.uk's files are not kept, as police.uk keeps them, and where to get one again. The
    page says it under the file, as the command does."""
    from dashboard_helpers import ANALYST, internal, texts

    with warehouse.connect(db) as con:
        loaded = load(con, STREET, tmp_path)
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    at.query_params["file"] = str(loaded.file_id)
    at.run()
    assert not at.exception, at.exception
    assert not [b for b in at.get("download_button") if b.label.startswith("Download file")]
    assert (f"File #{loaded.file_id} is a police.uk file: police.uk's files are not kept as received, as police.uk "
            "keeps them. Download it again from data.police.uk.") in texts(at)


def test_files_csv_gives_what_a_police_uk_load_said_besides_its_counts(db, tmp_path, run_cli, monkeypatch):
    """Regression: "pccdash files --format csv" gave an empty message for a police.uk republication whose load said
    which charged counts it changed, and for a download put back in force, whose load said which file it replaced:
    what a load says besides its counts was printed and not kept. It is kept with the file, and the CSV, and the
    Files loaded page's download, give it as the load said it; the page's grid leaves it to the file on its own."""
    from dashboard_helpers import ANALYST, downloads_of, internal

    first, second = loaded_then_republished_with_two_districts_charged(db, tmp_path)
    with warehouse.connect(db) as con:
        third = load(con, STREET, tmp_path)  # the first download named again: put back in force
    assert second.message.startswith("Besides those figures"), second.message
    assert third.outcome == "accepted" and third.message.startswith("It was loaded before as file #1"), third.message
    assert "Besides those figures" in third.message  # putting it back changed the charged counts back
    every = run_cli("files", "--format", "csv", "--db", db)
    assert every.exit_code == 0, every.output
    said = {int(r["file_id"]): r["message"] for r in csv.DictReader(io.StringIO(every.stdout))}
    assert said == {first.file_id: "", second.file_id: second.message, third.file_id: third.message}
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    assert not at.exception, at.exception
    [grid] = at.dataframe
    assert set(grid.value["Message"]) == {""}
    [body] = [b for name, b in served if name == "files-loaded.csv"]
    downloaded = {int(r["File number"]): r["Message"] for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    assert downloaded == said
    at.query_params["file"] = str(third.file_id)
    at.run()
    assert not at.exception, at.exception
    assert [re.sub(r"\\(.)", r"\1", i.value) for i in at.info] == [third.message]
    shown_alone = run_cli("files", "show", str(third.file_id), "--db", db)
    assert shown_alone.exit_code == 0, shown_alone.output
    assert third.message in " ".join(shown_alone.stdout.split())


def test_a_police_uk_file_read_later_says_the_months_another_file_is_in_force_for_since(
        db, tmp_path, run_cli, monkeypatch):
    """Regression: a police.uk file read later ("pccdash files show", Files loaded opened on it) said what its load
    said, "changed for Barnsley in November 2017 (5, now 6)", with nothing to tell that a later file had been in force
    for that month since, its counts another's: the first download, put back, had made it 5 again. Each says which
    file is in force for which of its months, and that its load's words were so when it was loaded."""
    from dashboard_helpers import ANALYST, internal

    first, second = loaded_then_republished_with_two_districts_charged(db, tmp_path)
    words = ("Another file has been in force for its month since: South Yorkshire Police's street-level crime of "
             "November 2017 is revision {revision} now, from file #{file_id} (\"{name}\") loaded on")
    assert words.split(":")[0] not in " ".join(run_cli("files", "show", str(second.file_id), "--db", db).stdout.split())
    with warehouse.connect(db) as con:
        third = load(con, STREET, tmp_path)  # the first download named again: put back in force
    shown = " ".join(run_cli("files", "show", str(second.file_id), "--db", db).stdout.split())
    assert second.message in shown
    assert words.format(revision=3, file_id=third.file_id, name=STREET.name) in shown, shown
    assert "What this file's load said of its counts was so when it was loaded, not as they stand." in shown
    # the first download is in force again, from the same content: nothing of it is another file's
    assert words.split(":")[0] not in " ".join(run_cli("files", "show", str(first.file_id), "--db", db).stdout.split())
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    at.query_params["file"] = str(second.file_id)
    at.run()
    assert not at.exception, at.exception
    as_read = [re.sub(r"\\(.)", r"\1", i.value) for i in at.info]
    assert as_read[0] == second.message
    assert as_read[1].startswith(words.format(revision=3, file_id=third.file_id, name=STREET.name)), as_read


def test_a_district_no_prefix_places_records_in_has_no_figure_rather_than_zero(ref, con, tmp_path):
    """Regression: a district police_uk.yaml gives no LSOA-name prefix (West Midlands Police's Birmingham West,
    which police.uk's LSOA names cannot tell apart from Birmingham East) was counted 0 for every crime type, read
    as a month with no crime there; it now has no police.uk figure, and the force's figure still counts every
    record."""
    data = yaml.safe_load((ref / "police_uk.yaml").read_text(encoding="utf-8"))
    data["districts"]["map"] = [m for m in data["districts"]["map"] if m["district"] != "Rotherham"]
    (ref / "police_uk.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    load(con, STREET, tmp_path)
    figures = context_measures(con)
    assert "Rotherham" not in set(figures["district"])
    assert {"Barnsley", "Doncaster", "Sheffield", "Outside force area"} <= set(figures["district"])
    assert context_measures(con, district="Rotherham").empty
    assert expected_districts(STREET)["Rotherham"] > 0  # the records are there: placed outside the districts


def test_file_numbers_run_on_without_a_gap_past_refused_and_re_read_files(con, tmp_path):
    """A load takes its file's number before reading it; a refusal found while reading (no records, a check that
    fails) or a file re-read the careful way (not plain UTF-8) is registered under that same number, not a new one:
    the list of files keeps no gap and its count is its highest number."""
    assert load(con, STREET, tmp_path).outcome == "accepted"
    header_only = write_rows(tmp_path / "files" / "header-only.csv", read_rows(STREET)[:1])
    assert load(con, header_only, tmp_path).outcome == "rejected"

    def change(rows):
        rows[9][3] = "Kent Polise"

    assert load(con, modified_copy(tmp_path, "unknown-force.csv", change), tmp_path).outcome == "rejected"
    text = OUTCOMES.read_text(encoding="utf-8").splitlines(keepends=True)
    text[1] = text[1].replace("On or near", "On or near Caf\u00e9", 1)
    windows = tmp_path / "files" / "outcomes-1252.csv"
    windows.write_bytes("".join(text).encode("cp1252"))
    assert load(con, windows, tmp_path).outcome == "accepted"
    numbers = [n for (n,) in con.execute("SELECT file_id FROM file_registry ORDER BY file_id").fetchall()]
    assert numbers == [1, 2, 3, 4]
    assert con.execute("SELECT nextval('file_id_seq')").fetchone()[0] == 5


def test_giving_a_file_number_back_never_stands_in_the_way_of_the_fault_that_undid_the_load(tmp_path):
    """After a rollback the number is given back if it can be; a connection that can no longer answer (a warehouse
    invalidated by the fault) keeps the gap rather than raise a second error in place of the first."""
    import duckdb

    from pipelines.ingest.load import give_back

    gone = duckdb.connect(str(tmp_path / "w.duckdb"))
    gone.close()
    give_back(gone, 5)  # says nothing, raises nothing
