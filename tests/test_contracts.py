"""A return file is judged by the rules of its data contract alone: each rule fires on the row that breaks it, an
error refuses the file and quarantines its rows, a warning loads the figure with a caveat, clean data passes, and a
rule added to the contract (not to the code) is enforced."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from helpers import fingerprint, write_csv, write_xlsx

from pipelines import warehouse
from pipelines.catalogue import reference_dir
from pipelines.contracts import ContractError, load_contract
from pipelines.contracts.contract import CONTRACTS_DIR
from pipelines.contracts.runner import district_advice, measure_advice, month_advice, value_advice
from pipelines.ingest import ingest

DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
HEADER = ["period", "district", "measure", "value"]
CONTRACT_FILE = "force_cse_return.odcs.yaml"


# ---------------------------------------------------------------------------------------------------
# Files and what the warehouse says about them


def month(period: str, measure: str, values=(1, 2, 3, 4)) -> list[list]:
    """A clean month of one measure: one row for every district, in the reference order."""
    return [[period, d, measure, v] for d, v in zip(DISTRICTS, values, strict=True)]


def write_return(path: Path, rows: list[list]) -> Path:
    """A long-layout return, CSV or XLSX by the extension; rows[i] is spreadsheet row i + 2 (the header is row 1).
    A row of five cells breaks its measure down by the victim's ethnicity (the fifth column; empty for a total)."""
    header = HEADER + ["victim_ethnicity"] if any(len(r) > 4 for r in rows) else HEADER
    rows = [list(r) + [None] * (len(header) - len(r)) for r in rows]
    if path.suffix == ".xlsx":
        return write_xlsx(path, {"Return": [header, *rows]})
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])  # a cell holding a comma is quoted
    return write_csv(path, out.getvalue())


def load(con, path: Path):
    report = ingest(con, [path])
    assert len(report.files) == 1
    return report.files[0]


def last_run(con, name: str) -> tuple[int, str, int, int]:
    """(run_id, outcome, errors, warnings) of the newest validation run of the file called `name`."""
    rows = con.execute(
        "SELECT v.run_id, v.outcome, v.errors, v.warnings FROM validation_run v JOIN file_registry f USING (file_id) "
        "WHERE f.name = ? ORDER BY v.run_id DESC LIMIT 1", [name]).fetchall()
    assert rows, f"no validation run for {name}"
    return rows[0]


def results(con, run_id: int) -> dict[str, tuple[str, bool, int]]:
    """rule id -> (severity, passed, failing_count) for one run."""
    rows = con.execute("SELECT rule_id, severity, passed, failing_count FROM validation_result WHERE run_id = ?",
                       [run_id]).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def failed_rules(con, run_id: int) -> dict[str, int]:
    return {rid: n for rid, (_sev, passed, n) in results(con, run_id).items() if not passed}


def samples(con, run_id: int, rule_id: str) -> list[tuple]:
    """(source_sheet, source_row, source_column, message) of a rule's samples, in file order."""
    return con.execute(
        "SELECT source_sheet, source_row, source_column, message FROM validation_sample WHERE run_id = ? "
        "AND rule_id = ? ORDER BY source_row NULLS LAST, message", [run_id, rule_id]).fetchall()


def registry_outcome(con, name: str) -> list[str]:
    return [r[0] for r in con.execute("SELECT outcome FROM file_registry WHERE name = ? ORDER BY file_id",
                                      [name]).fetchall()]


def caveats(con) -> list[tuple]:
    return con.execute(
        "SELECT strftime(period, '%Y-%m'), district, measure, rule_id, severity, message FROM figure_caveat "
        "ORDER BY ALL").fetchall()


def current_value(con, period: str, district: str, measure: str) -> list[float]:
    return [r[0] for r in con.execute(
        "SELECT value FROM figure WHERE strftime(period, '%Y-%m') = ? AND district = ? AND measure = ?",
        [period, district, measure]).fetchall()]


def contract_rule_ids() -> set[str]:
    return set(load_contract().rule_ids)


# ---------------------------------------------------------------------------------------------------
# 1. Every error rule fires on a file made to break it, and only that rule does

CLEAN = month("2015-07", "cse_charges")  # spreadsheet rows 2-5
VICTIMS = month("2015-07", "victims_supported", (3, 2, 3, 4))  # a measure that may be broken down
PART_AND_WHOLE = month("2015-07", "cse_arrests", (5, 6, 7, 8)) + month("2015-07", "grooming_arrests", (2, 9, 3, 4))

# (rule id, file extension, rows, failing count, [(source_row, source_column, message)] of the samples)
ERROR_CASES = [
    ("period_present", "csv", CLEAN + [[None, "Barnsley", "cse_charges", 3]], 1,
     [(6, "period", "the period is empty; expected a month as YYYY-MM.")]),
    ("period_format", "xlsx", CLEAN + [["2015-13", "Barnsley", "cse_charges", 3]], 1,
     [(6, "period", '"2015-13" is not a month; expected YYYY-MM, such as 2015-07.')]),
    ("period_not_before_1900", "csv", CLEAN + [["1388-01", "Barnsley", "cse_charges", 3]], 1,
     [(6, "period", '"1388-01" is before 1900; a return holds months from January 1900 on. Is its year mistyped?')]),
    ("period_not_future", "csv", CLEAN + [["2026-12", "Barnsley", "cse_charges", 3]], 1,
     [(6, "period", '"2026-12" is in the future; a return holds months up to the current one.')]),
    ("district_present", "xlsx", CLEAN + [["2015-07", None, "cse_charges", 3]], 1,
     [(6, "district", "the district is empty.")]),
    ("district_known", "csv", CLEAN + [["2015-07", "Rotherhm", "cse_charges", 3]], 1,
     [(6, "district", '"Rotherhm" is not a district of the force; expected one of Barnsley, Doncaster, Rotherham, '
                      'Sheffield. Did you mean "Rotherham"?')]),
    ("measure_present", "csv", CLEAN + [["2015-07", "Barnsley", None, 3]], 1,
     [(6, "measure", "the measure is empty.")]),
    ("measure_known", "xlsx", CLEAN + [["2015-07", "Barnsley", "cse_chargez", 3]], 1,
     [(6, "measure", '"cse_chargez" is not in the measure catalogue as a measure of the force\'s return '
      '("{REF}/measures.yaml", source: force_return). Did you mean "CSE charges" (cse_charges)?')]),
    ("value_present", "xlsx", month("2015-07", "cse_charges", (1, None, 3, 4)), 1,
     [(3, "value", "the value is empty; leave the row out if the figure is not reported.")]),
    ("value_is_number", "csv", month("2015-07", "cse_charges", (1, "twelve", 3, 4)), 1,
     [(3, "value", '"twelve" is not a number; expected a number such as 12 or 87.5.')]),
    ("count_not_negative", "xlsx", month("2015-07", "cse_charges", (1, 2, -4, 4)), 1,
     [(4, "value", '"-4" is negative; a count cannot be below zero. Write the month\'s count itself, not its '
                     'change from the month before, without a minus sign.')]),
    ("count_plausible", "csv", month("2015-07", "cse_charges", (1, 2, 3, 1_000_000_000)), 1,
     [(5, "value", '"1000000000" is too large to be a monthly count (the limit is 999,999,999).')]),
    ("count_whole", "xlsx", month("2015-07", "cse_charges", (1, 2.5, 3, 4)), 1,
     [(3, "value", '"2.5" is not a whole number; a count is written with digits only, such as 12.')]),
    ("percent_in_range", "csv", month("2015-07", "officers_trained_pct", (50, 120.5, 60, 70)), 1,
     [(3, "value", '"120.5" is not a percentage between 0 and 100.')]),
    ("one_row_per_figure", "xlsx", CLEAN + [["2015-07", "Doncaster", "cse_charges", 5]], 2,
     [(3, None, "CSE charges for Doncaster in July 2015 appears more than once in the file; a figure may appear "
                "once in a return."),
      (6, None, "CSE charges for Doncaster in July 2015 appears more than once in the file; a figure may appear "
                "once in a return.")]),
    ("breakdown_value_declared", "csv", VICTIMS + [["2015-07", "Barnsley", "victims_supported", 2, "Pakistani"],
                                                   ["2015-07", "Barnsley", "victims_supported", 1, "Martian"]], 1,
     [(7, "victim_ethnicity", '"Martian" is not one of the values declared for this breakdown in '
                              '"{REF}/dimensions.yaml".')]),
    ("breakdown_allowed", "xlsx", CLEAN + [["2015-07", "Barnsley", "cse_charges", 1, "Pakistani"]], 1,
     [(6, "victim_ethnicity", 'CSE charges is not broken down this way: "{REF}/measures.yaml" lists the dimensions '
                              "each measure may be broken down by.")]),
    ("breakdown_sums_to_total", "csv", VICTIMS + [["2015-07", "Barnsley", "victims_supported", 2, "Pakistani"],
                                                  ["2015-07", "Barnsley", "victims_supported", 2, "Not recorded"]], 1,
     [(2, "value", "the breakdown by ethnicity of the victim of Victims supported for Barnsley in July 2015 adds up "
                   "to 4 where the figure for the measure is 3: a breakdown's categories add up to the figure it "
                   "breaks down.")]),
    ("part_not_above_whole", "csv", PART_AND_WHOLE, 1,
     [(7, "value", "Grooming arrests (9) is more than CSE arrests (6) for Doncaster in July 2015; a part cannot "
                   "exceed its whole.")]),
]
ERROR_IDS = [c[0] for c in ERROR_CASES]


def in_force(expected: list[tuple]) -> list[tuple]:
    """An error case's (row, column, message) with {REF} written out: a message sending the office to a reference file
    names the file read, in the office's own folder (PCCDASH_REFERENCE_DIR, as in every test)."""
    return [(row, column, message.replace("{REF}", str(reference_dir()))) for row, column, message in expected]


def test_every_error_rule_of_the_contract_has_a_case_here():
    errors = {r.id for r in (*load_contract().row_rules, *load_contract().set_rules) if r.severity == "error"}
    assert errors == set(ERROR_IDS)


@pytest.mark.parametrize("rule_id,ext,rows,failing,expected", ERROR_CASES, ids=ERROR_IDS)
def test_error_rule_fires_on_the_row_that_breaks_it(con, tmp_path, rule_id, ext, rows, failing, expected):
    expected = in_force(expected)
    name = f"breaks-{rule_id}.{ext}"
    outcome = load(con, write_return(tmp_path / name, rows))

    assert outcome.outcome == "rejected"
    assert registry_outcome(con, name) == ["rejected"]
    run_id, run_outcome, errors, warnings = last_run(con, name)
    assert (run_outcome, errors, warnings) == ("failed", 1, 0)
    found = results(con, run_id)
    assert set(found) == contract_rule_ids(), "every rule of the contract has a result"
    assert found[rule_id] == ("error", False, failing)
    assert failed_rules(con, run_id) == {rule_id: failing}, "only the rule the file breaks fails"
    sheet = "Return" if ext == "xlsx" else None
    assert samples(con, run_id, rule_id) == [(sheet, row, column, message) for row, column, message in expected]
    # the analyst is told the same, by file, row and column
    told = [(p.row, p.text) for p in outcome.problems]
    for row, _column, message in expected:
        assert (row, message) in told
    assert con.execute("SELECT count(*) FROM figure").fetchall() == [(0,)]


NUMBER_WRITTEN_AS_TEXT = [
    ("thousands", "cse_charges", "1,312", '"1,312" is not a number; expected a number such as 12 or 87.5. '
                                          "Write 1312, without the thousands separator."),
    ("thousands_and_decimals", "officer_headcount", "1,312.5",
     '"1,312.5" is not a number; expected a number such as 12 or 87.5. Write 1312.5, without the thousands '
     "separator."),
    ("percent", "officers_trained_pct", "96.5%", '"96.5%" is not a number; expected a number such as 12 or 87.5. '
                                                 "Write 96.5, without the % sign."),
    ("percent_after_a_space", "officers_trained_pct", "96.5 %",
     '"96.5 %" is not a number; expected a number such as 12 or 87.5. Write 96.5, without the % sign.'),
    ("both", "officers_trained_pct", "1,000%", '"1,000%" is not a number; expected a number such as 12 or 87.5. '
                                               "Write 1000, without the thousands separator and the % sign."),
    # no telling what was meant: the contract's message alone
    ("decimal_comma", "officers_trained_pct", "96,5", '"96,5" is not a number; expected a number such as 12 or 87.5.'),
    ("words", "cse_charges", "twelve %", '"twelve %" is not a number; expected a number such as 12 or 87.5.'),
]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("case,measure,cell,message", NUMBER_WRITTEN_AS_TEXT,
                         ids=[c[0] for c in NUMBER_WRITTEN_AS_TEXT])
def test_a_number_written_with_a_thousands_separator_or_a_percent_sign_is_told_what_to_write(
        con, tmp_path, ext, case, measure, cell, message):
    """Regression: "1,312" and "96.5%" were told only that they are not numbers, "expected a number such as 12 or
    87.5", which does not say what to change."""
    name = f"{case}.{ext}"
    outcome = load(con, write_return(tmp_path / name, month("2015-07", measure, (1, cell, 3, 4))))
    assert outcome.outcome == "rejected"
    assert [(p.row, p.column, p.text) for p in outcome.problems] == [(3, "value", message)]
    assert [q[-1] for q in quarantined(con, name)] == [[message]]


# (case, column, cell, what the message ends with): a cell the contract cannot read, and what the analyst is told to do
CELL_WITH_ADVICE = [
    ("less_than", 3, "<5", "Send the count itself: small numbers are hidden when the figures are published, not in "
                           "the return."),
    ("asterisk", 3, "*", "Send the count itself: small numbers are hidden when the figures are published, not in "
                         "the return."),
    ("confidential_mark", 3, "[c]", "Send the count itself: small numbers are hidden when the figures are "
                                    "published, not in the return."),
    ("not_available", 3, "n/a", "If the figure is not reported, leave it out."),
    # a spreadsheet's dash (nil, or nothing to report: both are told), thousands grouped by a space, a totals row
    ("dash", 3, "-", "If the figure is nil, write 0; if it is not reported, leave it out."),
    ("en_dash", 3, "\u2013", "If the figure is nil, write 0; if it is not reported, leave it out."),
    ("thousands_spaced", 3, "1 312", "Write 1312, without the thousands separator."),
    ("totals_row_period", 0, "Total", "That is a totals row: leave it out, as totals are added up from the return's "
                                      "figures."),
    ("month_in_words", 0, "July 2015", "Write 2015-07."),
    ("month_abbreviated", 0, "Jul-15", "Write 2015-07."),
    ("month_with_a_slash", 0, "2015/07", "Write 2015-07."),
    ("month_first", 0, "07/2015", "Write 2015-07."),
    ("day_in_england", 0, "01/07/2015", "Write 2015-07."),
    ("district_with_more_words", 1, "Doncaster District",
     'Did you mean "Doncaster"? If the force has renamed the district, record the rename in force.yaml: the '
     'district\'s name "Doncaster District", with its former name among its aliases (aliases: [Doncaster]), so that '
     "its months sent as Doncaster stay its own; then load the file again."),
    ("district_misspelt", 1, "Doncastor", 'Did you mean "Doncaster"?'),
    # a totals row, which the long layout has no place for, named as the force's and not as an unknown district
    ("force_total_as_district", 1, "South Yorkshire", "That is the whole force, not a district: leave the force's "
                                                      "totals out of the return (a wide sheet's check column may be "
                                                      "headed Total)."),
    ("total_as_district", 1, "Total", "That is the whole force, not a district: leave the force's totals out of the "
                                      "return (a wide sheet's check column may be headed Total)."),
    ("all_districts", 1, "All districts", "That is the whole force, not a district: leave the force's totals out of "
                                          "the return (a wide sheet's check column may be headed Total)."),
    ("measure_misspelt", 2, "CSE charge", 'Did you mean "CSE charges" (cse_charges)?'),
]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("case,column,cell,advice", CELL_WITH_ADVICE, ids=[c[0] for c in CELL_WITH_ADVICE])
def test_a_cell_the_contract_cannot_read_is_told_what_to_write_or_do_instead(con, tmp_path, ext, case, column, cell,
                                                                           advice):
    """A force that hid a small number itself ("<5"), wrote a month another way ("July 2015") or misspelt a district
    or measure was told only that the cell is not what the contract expects."""
    rows = month("2015-07", "cse_charges")
    rows[1][column] = cell
    name = f"{case}.{ext}"
    outcome = load(con, write_return(tmp_path / name, rows))
    assert outcome.outcome == "rejected"
    told = [p.text for p in outcome.problems if p.row == 3 and p.column == HEADER[column]]
    assert len(told) == 1 and told[0].startswith(f'"{cell}" ') and told[0].endswith(" " + advice), told
    assert [q[-1] for q in quarantined(con, name)] == [told]


RENAMED = ('If the force has renamed the district, record the rename in force.yaml: the district\'s name "Sheffield '
           'City", with its former name among its aliases (aliases: [Sheffield]), so that its months sent as Sheffield '
           "stay its own; then load the file again.")


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_district_named_with_more_words_is_told_once_how_a_rename_is_recorded(con, tmp_path, ext):
    """Regression: a return naming "Sheffield City", as a force may rename a district, was told only 'Did you mean
    "Sheffield"?'. Its first row so named now also says how a rename is recorded in force.yaml (the new name, the
    former among its aliases), once for the file; a misspelt district is told only what was meant."""
    rows = [["2015-07", "Barnsley", "cse_charges", 1], ["2015-07", "Sheffield City", "cse_charges", 4],
            ["2015-07", "Sheffield City", "cse_arrests", 5], ["2015-07", "Rotherhm", "cse_arrests", 2],
            ["2015-07", "Sheffield City", "cse_referrals", 6]]
    name = f"renamed.{ext}"
    outcome = load(con, write_return(tmp_path / name, rows))
    assert outcome.outcome == "rejected"
    told = {p.row: p.text for p in outcome.problems if p.column == "district"}
    meant = ('is not a district of the force; expected one of Barnsley, Doncaster, Rotherham, Sheffield. Did you '
             'mean "{}"?')
    assert told == {3: f'"Sheffield City" {meant.format("Sheffield")} {RENAMED}',
                    4: f'"Sheffield City" {meant.format("Sheffield")}',
                    5: f'"Rotherhm" {meant.format("Rotherham")}',
                    6: f'"Sheffield City" {meant.format("Sheffield")}'}
    assert [m for q in quarantined(con, name) for m in q[-1] if RENAMED in m] == [told[3]]


@pytest.mark.parametrize("advise,text", [
    (month_advice, "Spring 2015"), (month_advice, "13/2015"), (month_advice, "2015-07"),
    (month_advice, "Julember 2015"),
    (value_advice, "twelve"), (value_advice, "12a"), (value_advice, "1,3125"), (value_advice, "1 31"),
    (district_advice, "Barnsley and Rotherham"), (district_advice, "Leeds"), (district_advice, ""),
    (measure_advice, "arrests of something"), (measure_advice, "Burglaries (police.uk)"),
])
def test_no_advice_where_there_is_no_telling_what_was_meant(advise, text):
    assert advise(text) is None


# a count refused as negative, and the comparison each case makes with it (rule: the rows it would have said)
NEGATIVE_COMPARED = [
    ("part_not_above_whole", month("2015-07", "cse_arrests", (-4, 6, 7, 8))
     + month("2015-07", "grooming_arrests", (0, 2, 3, 4))),
    ("month_on_month_change", month("2015-06", "cse_arrests", (20, 6, 7, 8))
     + month("2015-07", "cse_arrests", (-4, 6, 7, 8))),
    ("charges_within_arrests", month("2015-07", "cse_arrests", (-4, 6, 7, 8))
     + month("2015-07", "cse_charges", (1, 2, 3, 4))),
    ("percentage_matches_its_parts", month("2015-07", "cse_suspects_identified", (-4, 6, 7, 8))
     + month("2015-07", "cse_suspects_arrested_12w", (2, 3, 3, 4))
     + month("2015-07", "cse_suspects_arrested_12w_pct", (50, 50, 42.9, 50))),
    ("breakdown_sums_to_total", VICTIMS + [["2015-07", "Barnsley", "victims_supported", -1, "Pakistani"],
                                           ["2015-07", "Barnsley", "victims_supported", 3, "Not recorded"]]),
    ("breakdown_sums_to_total", month("2015-07", "victims_supported", (-3, 2, 3, 4))
     + [["2015-07", "Barnsley", "victims_supported", 3, "Pakistani"]]),
]


@pytest.mark.parametrize("rule_id,rows", NEGATIVE_COMPARED,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(NEGATIVE_COMPARED)])
def test_a_count_refused_as_negative_is_not_compared_again(con, tmp_path, rule_id, rows):
    """Regression: a negative count was refused as negative and said again by each rule comparing it ("Grooming
    arrests (0) is more than CSE arrests (-4)", "went to -4 from 20"): the figure is wrong once, and said once."""
    name = f"negative-{rule_id}.csv"
    outcome = load(con, write_return(tmp_path / name, rows))
    assert outcome.outcome == "rejected"
    assert failed_rules(con, last_run(con, name)[0]) == {"count_not_negative": 1}
    assert [q[6] for q in quarantined(con, name)] == [["count_not_negative"]]


# a percentage refused as out of range (above 100, below 0), and the comparison each case makes with it
OUT_OF_RANGE_COMPARED = [
    ("percentage_matches_its_parts", month("2015-07", "cse_suspects_identified", (6, 6, 7, 8))
     + month("2015-07", "cse_suspects_arrested_12w", (3, 3, 3, 4))
     + month("2015-07", "cse_suspects_arrested_12w_pct", (150, 50, 42.9, 50))),
    ("percentage_matches_its_parts", month("2015-07", "cse_suspects_identified", (6, 6, 7, 8))
     + month("2015-07", "cse_suspects_arrested_12w", (3, 3, 3, 4))
     + month("2015-07", "cse_suspects_arrested_12w_pct", (-50, 50, 42.9, 50))),
    ("arrested_within_12_weeks_change", month("2015-06", "cse_suspects_arrested_12w_pct", (20, 50, 40, 50))
     + month("2015-07", "cse_suspects_arrested_12w_pct", (150, 50, 40, 50))),
    ("month_on_month_change", month("2015-06", "officers_trained_pct", (20, 50, 40, 50))
     + month("2015-07", "officers_trained_pct", (250, 50, 40, 50))),
    ("month_on_month_change", month("2015-06", "officers_trained_pct", (20, 50, 40, 50))
     + month("2015-07", "officers_trained_pct", (-20, 50, 40, 50))),
]


@pytest.mark.parametrize("rule_id,rows", OUT_OF_RANGE_COMPARED,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(OUT_OF_RANGE_COMPARED)])
def test_a_percentage_refused_as_out_of_range_is_not_compared_again(con, tmp_path, rule_id, rows):
    """Regression: a percentage above 100 or below 0 was refused by percent_in_range and said again by the rules
    comparing it ("is 150 but suspects arrested / identified = 3 / 6 = 50", "went from 20 to 250"): the figure is
    wrong once, and said once, as a negative count is."""
    name = f"out-of-range-{rule_id}.csv"
    outcome = load(con, write_return(tmp_path / name, rows))
    assert outcome.outcome == "rejected"
    assert failed_rules(con, last_run(con, name)[0]) == {"percent_in_range": 1}
    assert [q[6] for q in quarantined(con, name)] == [["percent_in_range"]]


def test_a_percentage_in_range_is_still_compared(con, tmp_path):
    """The comparisons still read a percentage between 0 and 100: one that disagrees with its parts is said."""
    name = "in-range.csv"
    rows = (month("2015-07", "cse_suspects_identified", (6, 6, 7, 8))
            + month("2015-07", "cse_suspects_arrested_12w", (3, 3, 3, 4))
            + month("2015-07", "cse_suspects_arrested_12w_pct", (100, 50, 42.9, 50)))
    assert load(con, write_return(tmp_path / name, rows)).outcome == "accepted"
    assert failed_rules(con, last_run(con, name)[0]) == {"percentage_matches_its_parts": 1}


def quarantined(con, name: str) -> list[tuple]:
    return con.execute(
        "SELECT q.source_sheet, q.source_row, q.period_text, q.district_text, q.measure_text, q.value_text, q.reasons, "
        "q.messages FROM quarantine q JOIN file_registry f USING (file_id) WHERE f.name = ? "
        "ORDER BY q.source_row", [name]).fetchall()


@pytest.mark.parametrize("rule_id,ext,rows,failing,expected", ERROR_CASES, ids=ERROR_IDS)
def test_the_rows_an_error_rule_fails_are_quarantined_with_the_rule(con, tmp_path, rule_id, ext, rows, failing,
                                                                    expected):
    expected = in_force(expected)
    name = f"breaks-{rule_id}.{ext}"
    load(con, write_return(tmp_path / name, rows))

    held = quarantined(con, name)
    sheet = "Return" if ext == "xlsx" else None
    assert [q[1] for q in held] == [row for row, _c, _m in expected], held
    for (q_sheet, q_row, period, district, measure, value, reasons, messages), (_row, _col, message) in zip(
            held, expected, strict=True):
        assert q_sheet == sheet
        assert reasons == [rule_id]
        assert messages == [message]
        cells = rows[q_row - 2][:4]
        assert [period, district, measure, value] == [None if c is None else str(c) for c in cells]


# ---------------------------------------------------------------------------------------------------
# 1 (cont.). Rules that need the warehouse, and the warnings


def test_part_above_a_whole_already_in_the_warehouse_is_refused(con, tmp_path):
    assert load(con, write_return(tmp_path / "arrests.csv", month("2015-07", "cse_arrests", (5, 6, 7, 8)))
                ).outcome == "accepted"
    name = "grooming.xlsx"
    outcome = load(con, write_return(tmp_path / name, month("2015-07", "grooming_arrests", (2, 3, 8, 4))))

    assert outcome.outcome == "rejected"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"part_not_above_whole": 1}
    assert samples(con, run_id, "part_not_above_whole") == [
        ("Return", 4, "value", "Grooming arrests (8) is more than CSE arrests (7) for Rotherham in July 2015; a part "
                               "cannot exceed its whole.")]
    assert current_value(con, "2015-07", "Rotherham", "grooming_arrests") == []


def test_part_within_a_revised_whole_passes(con, tmp_path):
    """The whole the file brings replaces the one in the warehouse when the part is compared with it."""
    load(con, write_return(tmp_path / "arrests.csv", month("2015-07", "cse_arrests", (5, 6, 7, 8))))
    name = "both.csv"
    rows = month("2015-07", "cse_arrests", (5, 6, 9, 8)) + month("2015-07", "grooming_arrests", (2, 3, 8, 4))
    assert load(con, write_return(tmp_path / name, rows)).outcome == "accepted"
    assert failed_rules(con, last_run(con, name)[0]) == {}


def test_a_whole_revised_below_a_part_already_in_the_warehouse_is_refused(con, tmp_path):
    """A part is never left above its whole: lowering the whole beneath a stored part breaks the rule too."""
    rows = month("2015-07", "cse_arrests", (5, 6, 7, 8)) + month("2015-07", "grooming_arrests", (2, 3, 4, 4))
    assert load(con, write_return(tmp_path / "first.csv", rows)).outcome == "accepted"
    name = "arrests-revised.csv"
    outcome = load(con, write_return(tmp_path / name, [["2015-07", "Rotherham", "cse_arrests", 1]]))

    assert outcome.outcome == "rejected", "cse_arrests 1 would sit below grooming_arrests 4 for Rotherham"
    assert failed_rules(con, last_run(con, name)[0]) == {"part_not_above_whole": 1}
    assert current_value(con, "2015-07", "Rotherham", "cse_arrests") == [7.0]


def test_a_month_missing_a_district_is_a_warning_and_loads(con, tmp_path):
    name = "three-districts.xlsx"
    outcome = load(con, write_return(tmp_path / name, month("2015-07", "cse_charges")[:3]))

    assert outcome.outcome == "accepted"
    run_id, run_outcome, errors, warnings = last_run(con, name)
    assert (run_outcome, errors, warnings) == ("passed_with_warnings", 0, 1)
    assert results(con, run_id)["every_district_every_month"] == ("warning", False, 1)
    assert failed_rules(con, run_id) == {"every_district_every_month": 1}
    assert samples(con, run_id, "every_district_every_month") == [
        (None, None, None, "CSE charges for Sheffield in July 2015 is not reported: the file covers that month for "
                           "other districts.")]
    assert current_value(con, "2015-07", "Barnsley", "cse_charges") == [1.0]
    assert caveats(con) == [], "a warning about an absent figure has no figure to follow"


def test_a_district_the_warehouse_already_holds_need_not_be_sent_again(con, tmp_path):
    load(con, write_return(tmp_path / "first.csv", month("2015-07", "cse_charges")))
    name = "correction.csv"
    assert load(con, write_return(tmp_path / name, [["2015-07", "Doncaster", "cse_charges", 3]])).outcome == "accepted"
    assert last_run(con, name)[1] == "passed"


def test_a_month_missing_from_the_middle_of_the_span_is_a_warning_for_each_district(con, tmp_path):
    name = "gap.csv"
    rows = month("2015-06", "cse_charges") + month("2015-08", "cse_charges")
    assert load(con, write_return(tmp_path / name, rows)).outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"every_district_every_month": 4}
    assert [s[3] for s in samples(con, run_id, "every_district_every_month")] == [
        f"CSE charges for {d} in July 2015 is not reported: the file sends it for no district that month, which "
        "falls within its months, June 2015 to August 2015." for d in DISTRICTS]


def test_a_month_sent_only_for_names_that_are_not_districts_says_so(con, tmp_path):
    """Regression: a month sent for "Sheffield City" alone was said to be covered "for other districts"."""
    name = "unknown.csv"
    load(con, write_return(tmp_path / name, [["2015-07", "Sheffield City", "cse_charges", 1]]))
    assert [s[3] for s in samples(con, last_run(con, name)[0], "every_district_every_month")][0] == (
        "CSE charges for Barnsley in July 2015 is not reported: the file sends it that month for no district of the "
        "force.")


def test_a_district_sent_twice_does_not_stand_for_one_left_out(con, tmp_path):
    """Four rows for the month, but Doncaster twice and Sheffield not at all: the duplicate is refused, and the
    missing district is still named, so the force corrects both at once."""
    rows = month("2015-07", "cse_charges")
    rows[3] = [rows[3][0], "Doncaster", *rows[3][2:]]
    name = "doubled.csv"
    assert load(con, write_return(tmp_path / name, rows)).outcome == "rejected"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"one_row_per_figure": 2, "every_district_every_month": 1}
    assert samples(con, run_id, "every_district_every_month")[0][3].startswith("CSE charges for Sheffield in July 2015")


def trained(period: str, trained_values, headcount_values, pct_values) -> list[list]:
    return (month(period, "officers_trained", trained_values) + month(period, "officer_headcount", headcount_values)
            + month(period, "officers_trained_pct", pct_values))


# (case, rows, expected message); the percentage of Barnsley is row 10
PERCENT_CASES = [
    ("percentage_disagrees", trained("2015-07", (50, 25, 30, 1), (100, 100, 60, 3), (70, 25, 50, 33.3)),
     "Officers trained (%) for Barnsley in July 2015 is 70.0 but Officers trained / Officer headcount = 50 / 100 "
     "= 50.0."),
    ("numerator_above_denominator", trained("2015-07", (120, 25, 30, 1), (100, 100, 60, 3), (100, 25, 50, 33.3)),
     "Officers trained (%) for Barnsley in July 2015 is 100.0 but Officers trained / Officer headcount = 120 / 100 "
     "= 120.0."),
]


@pytest.mark.parametrize("case,rows,message", PERCENT_CASES, ids=[c[0] for c in PERCENT_CASES])
def test_a_percentage_that_disagrees_with_its_parts_is_a_warning_with_a_caveat(con, tmp_path, case, rows, message):
    name = f"{case}.csv"
    outcome = load(con, write_return(tmp_path / name, rows))

    assert outcome.outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"percentage_matches_its_parts": 1}
    assert samples(con, run_id, "percentage_matches_its_parts") == [(None, 10, "value", message)]
    assert caveats(con) == [("2015-07", "Barnsley", "officers_trained_pct", "percentage_matches_its_parts",
                             "warning", message)]
    assert current_value(con, "2015-07", "Barnsley", "officers_trained_pct") == [float(rows[8][3])]


def test_a_percentage_is_checked_against_parts_already_in_the_warehouse(con, tmp_path):
    parts = month("2015-07", "officers_trained", (50, 25, 30, 1)) + month("2015-07", "officer_headcount",
                                                                          (100, 100, 60, 3))
    load(con, write_return(tmp_path / "parts.csv", parts))
    name = "pct.xlsx"
    load(con, write_return(tmp_path / name, month("2015-07", "officers_trained_pct", (50, 25, 80, 33.3))))
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"percentage_matches_its_parts": 1}
    assert samples(con, run_id, "percentage_matches_its_parts") == [
        ("Return", 4, "value", "Officers trained (%) for Rotherham in July 2015 is 80.0 but Officers trained / "
                               "Officer headcount = 30 / 60 = 50.0.")]


@pytest.mark.parametrize("split", [False, True], ids=["same_file", "month_before_in_warehouse"])
def test_a_big_month_on_month_change_is_a_warning_with_a_caveat(con, tmp_path, split):
    july = month("2015-07", "cse_charges", (2, 3, 4, 5))
    august = month("2015-08", "cse_charges", (2, 31, 4, 5))
    if split:
        load(con, write_return(tmp_path / "july.csv", july))
        name, rows, row = "august.xlsx", august, 3
    else:
        name, rows, row = "july-august.xlsx", july + august, 7
    outcome = load(con, write_return(tmp_path / name, rows))

    assert outcome.outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"month_on_month_change": 1}
    message = "CSE charges in Doncaster went from 3 in July 2015 to 31 in August 2015: check the figure."
    assert samples(con, run_id, "month_on_month_change") == [("Return", row, "value", message)]
    assert caveats(con) == [("2015-08", "Doncaster", "cse_charges", "month_on_month_change", "warning", message)]
    assert current_value(con, "2015-08", "Doncaster", "cse_charges") == [31.0]


def test_a_small_or_proportionate_change_is_not_flagged(con, tmp_path):
    # 3 -> 9 is three times but a change of 6 (under 10); 40 -> 60 is a change of 20 but not three times
    rows = month("2015-07", "cse_charges", (3, 40, 4, 5)) + month("2015-08", "cse_charges", (9, 60, 4, 5))
    load(con, write_return(tmp_path / "steady.csv", rows))
    assert last_run(con, "steady.csv")[1] == "passed"


def test_changing_a_published_month_is_a_warning_naming_both_values(con, tmp_path):
    load(con, write_return(tmp_path / "july.csv", month("2015-07", "cse_charges")))
    con.execute("INSERT INTO published_period VALUES (DATE '2015-07-01', TIMESTAMP '2015-09-01 10:00:00')")
    name = "july-corrected.csv"
    outcome = load(con, write_return(tmp_path / name, [["2015-07", "Rotherham", "cse_charges", 5],
                                                       ["2015-07", "Sheffield", "cse_charges", 4]]))

    assert outcome.outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"published_month_changed": 1}, "the unchanged figure is not flagged"
    message = ("CSE charges for Rotherham in July 2015 was published as 3 and is now 5: the published figure will "
               "need a revision notice.")
    assert samples(con, run_id, "published_month_changed") == [(None, 2, "value", message)]
    assert current_value(con, "2015-07", "Rotherham", "cse_charges") == [5.0]


def test_a_change_to_a_published_month_leaves_a_caveat_on_the_figure(con, tmp_path):
    load(con, write_return(tmp_path / "july.csv", month("2015-07", "cse_charges")))
    con.execute("INSERT INTO published_period VALUES (DATE '2015-07-01', TIMESTAMP '2015-09-01 10:00:00')")
    outcome = load(con, write_return(tmp_path / "july-corrected.xlsx", [["2015-07", "Rotherham", "cse_charges", 5]]))

    assert outcome.outcome == "accepted"
    message = ("CSE charges for Rotherham in July 2015 was published as 3 and is now 5: the published figure will "
               "need a revision notice.")
    assert caveats(con) == [("2015-07", "Rotherham", "cse_charges", "published_month_changed", "warning", message)]
    assert outcome.caveats == 1


@pytest.mark.parametrize("measure,sent,refused_by", [
    ("cse_charges", -4, "count_not_negative"),
    ("officers_trained_pct", 150, "percent_in_range"),
    ("officers_trained_pct", -20, "percent_in_range"),
])
def test_a_figure_refused_for_a_published_month_is_not_also_a_change_to_it(con, tmp_path, measure, sent, refused_by):
    """Regression: a negative count (or a percentage below 0 or above 100) sent for a published month was refused
    and said again by published_month_changed ("was published as 3 and is now -4"): the figure is wrong once, and
    said once, as the rules comparing it with its parts and with the month before say it."""
    load(con, write_return(tmp_path / "july.csv", month("2015-07", measure, (1, 2, 3, 4))))
    con.execute("INSERT INTO published_period VALUES (DATE '2015-07-01', TIMESTAMP '2015-09-01 10:00:00')")
    name = f"july-{refused_by}-{sent}.csv"
    outcome = load(con, write_return(tmp_path / name, [["2015-07", "Rotherham", measure, sent]]))

    assert outcome.outcome == "rejected"
    assert failed_rules(con, last_run(con, name)[0]) == {refused_by: 1}
    assert [q[6] for q in quarantined(con, name)] == [[refused_by]]


def test_a_published_figure_corrected_within_range_is_still_a_change_to_it(con, tmp_path):
    """A percentage sent for a published month between 0 and 100, and a count of 0, are still compared."""
    load(con, write_return(tmp_path / "july.csv", month("2015-07", "officers_trained_pct", (1, 2, 3, 4))
                           + month("2015-07", "cse_charges", (1, 2, 3, 4))))
    con.execute("INSERT INTO published_period VALUES (DATE '2015-07-01', TIMESTAMP '2015-09-01 10:00:00')")
    name = "july-corrected-in-range.csv"
    outcome = load(con, write_return(tmp_path / name, [["2015-07", "Rotherham", "officers_trained_pct", 100],
                                                       ["2015-07", "Rotherham", "cse_charges", 0]]))

    assert outcome.outcome == "accepted"
    assert failed_rules(con, last_run(con, name)[0]) == {"published_month_changed": 2}


def test_changing_an_unpublished_month_is_not_flagged(con, tmp_path):
    load(con, write_return(tmp_path / "july.csv", month("2015-07", "cse_charges")))
    con.execute("INSERT INTO published_period VALUES (DATE '2015-06-01', TIMESTAMP '2015-08-01 10:00:00')")
    load(con, write_return(tmp_path / "july-corrected.csv", [["2015-07", "Rotherham", "cse_charges", 5]]))
    assert last_run(con, "july-corrected.csv")[1] == "passed"


def victims(period: str, district: str, total: int, recorded: int, unrecorded: int) -> list[list]:
    """One district's victims supported in a month, with their breakdown by ethnicity: `recorded` of them Pakistani,
    `unrecorded` not recorded (the rest of the total, if any, is not sent)."""
    return [[period, district, "victims_supported", total, None],
            [period, district, "victims_supported", recorded, "Pakistani"],
            [period, district, "victims_supported", unrecorded, "Not recorded"]]


def others(period: str) -> list[list]:
    return [[period, d, "victims_supported", 5] for d in DISTRICTS[1:]]


@pytest.mark.parametrize("split", [False, True], ids=["same_file", "month_before_in_warehouse"])
def test_a_sharp_fall_in_the_share_recorded_is_a_warning_on_the_figure(con, tmp_path, split):
    july = victims("2015-07", "Barnsley", 20, 18, 2) + others("2015-07")  # 90% recorded
    august = victims("2015-08", "Barnsley", 20, 10, 10) + others("2015-08")  # 50%
    if split:
        assert load(con, write_return(tmp_path / "july.csv", july)).outcome == "accepted"
        name, rows, row = "august.xlsx", august, 2
    else:
        name, rows, row = "july-august.xlsx", july + august, 8
    outcome = load(con, write_return(tmp_path / name, rows))

    assert outcome.outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"breakdown_completeness_drop": 1}
    message = ("the share of Victims supported for Barnsley with the ethnicity of the victim recorded fell from "
               "90.0% in July 2015 to 50.0% in August 2015: ask the force why fewer were recorded.")
    assert samples(con, run_id, "breakdown_completeness_drop") == [("Return", row, "value", message)]
    assert caveats(con) == [("2015-08", "Barnsley", "victims_supported", "breakdown_completeness_drop", "warning",
                             message)]


@pytest.mark.parametrize("august", [(20, 17, 3), (8, 2, 6)], ids=["a_small_fall", "too_few_to_judge"])
def test_a_small_fall_or_a_small_figure_is_not_flagged(con, tmp_path, august):
    rows = victims("2015-07", "Barnsley", 20, 18, 2) + victims("2015-08", "Barnsley", *august)
    rows += others("2015-07") + others("2015-08")
    assert load(con, write_return(tmp_path / "both.csv", rows)).outcome == "accepted"
    assert failed_rules(con, last_run(con, "both.csv")[0]) == {}


def test_a_breakdown_sent_one_month_and_not_the_next_is_reported(con, tmp_path):
    july = victims("2015-07", "Barnsley", 20, 18, 2) + others("2015-07")
    assert load(con, write_return(tmp_path / "july.csv", july)).outcome == "accepted"
    name = "august.csv"
    august = [["2015-08", "Barnsley", "victims_supported", 21]] + others("2015-08")
    outcome = load(con, write_return(tmp_path / name, august))

    assert outcome.outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"breakdown_not_sent": 1}
    message = ("the breakdown by ethnicity of the victim of Victims supported for Barnsley was sent for July 2015 but "
               "not for August 2015.")
    assert samples(con, run_id, "breakdown_not_sent") == [(None, 2, "value", message)]
    assert caveats(con) == [("2015-08", "Barnsley", "victims_supported", "breakdown_not_sent", "warning", message)]
    # sent again in September: nothing to report
    september = victims("2015-09", "Barnsley", 20, 18, 2) + others("2015-09")
    assert load(con, write_return(tmp_path / "september.csv", september)).outcome == "accepted"
    assert failed_rules(con, last_run(con, "september.csv")[0]) == {}


def test_a_breakdown_sent_and_not_in_the_next_month_with_a_figure_is_reported_across_a_missing_month(con, tmp_path):
    """Regression: with August's return missing, September's figure sent without July's breakdown passed unreported,
    as the month-on-month check once passed a jump across a missing month."""
    july = victims("2015-07", "Barnsley", 20, 18, 2) + others("2015-07")
    assert load(con, write_return(tmp_path / "july.csv", july)).outcome == "accepted"
    september = [["2015-09", "Barnsley", "victims_supported", 21]] + others("2015-09")
    assert load(con, write_return(tmp_path / "september.csv", september)).outcome == "accepted"
    run_id = last_run(con, "september.csv")[0]
    assert failed_rules(con, run_id) == {"breakdown_not_sent": 1}
    assert samples(con, run_id, "breakdown_not_sent") == [(None, 2, "value", (
        "the breakdown by ethnicity of the victim of Victims supported for Barnsley was sent for July 2015 but not for "
        "September 2015."))]
    # a month between sent without the breakdown is the one reported; the breakdown sent again, nothing is
    august = [["2015-08", "Barnsley", "victims_supported", 19]] + others("2015-08")
    october = victims("2015-10", "Barnsley", 20, 18, 2) + others("2015-10")
    assert load(con, write_return(tmp_path / "august-october.csv", august + october)).outcome == "accepted"
    assert samples(con, last_run(con, "august-october.csv")[0], "breakdown_not_sent") == [(None, 2, "value", (
        "the breakdown by ethnicity of the victim of Victims supported for Barnsley was sent for July 2015 but not for "
        "August 2015."))]


def test_every_warning_rule_of_the_contract_has_a_test_here():
    warnings = {r.id for r in (*load_contract().row_rules, *load_contract().set_rules) if r.severity == "warning"}
    assert warnings == {"every_district_every_month", "percentage_matches_its_parts", "month_on_month_change",
                        "published_month_changed", "breakdown_completeness_drop", "breakdown_not_sent",
                        # declared per measure: tests/test_checks_across_gaps.py
                        "headcount_change", "charges_within_arrests", "cce_referrals_same_month_last_year",
                        "arrested_within_12_weeks_change"}


# ---------------------------------------------------------------------------------------------------
# 2. Clean data passes


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_clean_file_passes_every_rule(con, tmp_path, ext):
    rows = (month("2026-10", "cse_charges") + month("2026-11", "cse_charges")  # up to the current month
            + month("2026-11", "cse_arrests", (5, 6, 7, 8)) + month("2026-11", "grooming_arrests", (5, 0, 7, 1))
            + trained("2026-11", (50, 1, 0, 60), (100, 3, 10, 60), (50, 33.3, 0, 100)))
    name = f"clean.{ext}"
    outcome = load(con, write_return(tmp_path / name, rows))

    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    run_id, run_outcome, errors, warnings = last_run(con, name)
    assert (run_outcome, errors, warnings) == ("passed", 0, 0)
    found = results(con, run_id)
    assert set(found) == contract_rule_ids()
    assert all(passed and n == 0 for _sev, passed, n in found.values()), found
    assert con.execute("SELECT count(*) FROM validation_sample WHERE run_id = ?", [run_id]).fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM figure").fetchall() == [(len(rows),)]
    assert caveats(con) == []
    assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]


def test_the_bundled_sample_returns_pass_without_errors(sample_db):
    with warehouse.connect_read_only(sample_db) as con:
        files = con.execute("SELECT name, outcome FROM file_registry ORDER BY file_id").fetchall()
        runs = con.execute("SELECT f.name, v.errors, v.outcome FROM validation_run v JOIN file_registry f "
                           "USING (file_id) ORDER BY v.run_id").fetchall()
        failed_errors = con.execute("SELECT count(*) FROM validation_result r JOIN validation_run v USING (run_id) "
                                    "WHERE r.severity = 'error' AND NOT r.passed").fetchall()
        held = con.execute("SELECT count(*) FROM quarantine").fetchall()
    assert files and all(outcome == "accepted" for _n, outcome in files), files
    assert len(runs) == len(files), "every file was validated once"
    assert [r for r in runs if r[1] > 0 or r[2] == "failed"] == []
    assert failed_errors == [(0,)]
    assert held == [(0,)]


# ---------------------------------------------------------------------------------------------------
# 3. A warning's caveat can be asked for alongside the figure


def test_a_caveat_is_queryable_with_its_figure(con, tmp_path):
    rows = month("2015-07", "cse_charges", (2, 3, 4, 5)) + month("2015-08", "cse_charges", (2, 31, 4, 5))
    outcome = load(con, write_return(tmp_path / "jump.csv", rows))
    assert outcome.outcome == "accepted" and outcome.caveats == 1

    joined = con.execute(
        """SELECT f.value, c.rule_id, c.severity, c.message, r.name
           FROM figure f
           JOIN figure_caveat c USING (period, district, measure)
           JOIN file_registry r ON r.file_id = c.file_id
           JOIN validation_run v ON v.run_id = c.run_id AND v.file_id = c.file_id
           WHERE f.period = DATE '2015-08-01' AND f.district = 'Doncaster' AND f.measure = 'cse_charges'"""
    ).fetchall()
    assert joined == [(31.0, "month_on_month_change", "warning",
                       "CSE charges in Doncaster went from 3 in July 2015 to 31 in August 2015: check the figure.",
                       "jump.csv")]
    uncaveated = con.execute("SELECT count(*) FROM figure f ANTI JOIN figure_caveat c USING (period, district, measure)"
                             ).fetchall()
    assert uncaveated == [(7,)]


# ---------------------------------------------------------------------------------------------------
# 4. An error changes nothing, holds the rows in quarantine, and the corrected file then loads


def test_a_refused_file_changes_nothing_is_quarantined_and_loads_once_corrected(db, tmp_path, run_cli):
    first = write_return(tmp_path / "2015-07-return.csv", month("2015-07", "cse_charges", (2, 3, 4, 5)))
    assert run_cli("ingest", first, "--db", db).exit_code == 0
    before = fingerprint(db)
    assert len(before) == 4

    bad_dir, good_dir = tmp_path / "sent", tmp_path / "corrected"
    bad_dir.mkdir()
    good_dir.mkdir()
    name = "2015-08-return.xlsx"
    bad = write_return(bad_dir / name, [
        ["2015-08", "Barnsley", "cse_charges", 2],
        ["2015-08", "Doncaster", "cse_charges", "twelve"],
        ["2015-08", "Rotherhm", "cse_charges", -1],
        ["2015-08", "Sheffield", "cse_charges", 6],
        ["2015-07", "Barnsley", "cse_charges", 9],  # a revision: must not reach the warehouse either
    ])
    result = run_cli("ingest", bad, "--db", db)

    assert result.exit_code == 1
    assert f'Refused "{name}"' in result.stderr
    assert "value_is_number" in result.stderr and "district_known" in result.stderr
    assert fingerprint(db) == before, "the refused file changed no accepted figure"
    with warehouse.connect_read_only(db) as con:
        assert registry_outcome(con, name) == ["rejected"]
        run_id = last_run(con, name)[0]
        # (Rotherham is missing from 2015-08 once "Rotherhm" is not read as it: a warning beside the errors)
        assert failed_rules(con, run_id) == {"value_is_number": 1, "district_known": 1, "count_not_negative": 1,
                                             "every_district_every_month": 1}
        held = quarantined(con, name)
    assert [(q[0], q[1], q[3], q[5], q[6]) for q in held] == [
        ("Return", 3, "Doncaster", "twelve", ["value_is_number"]),
        ("Return", 4, "Rotherhm", "-1", ["district_known", "count_not_negative"]),
    ]
    assert held[1][7] == ['"Rotherhm" is not a district of the force; expected one of Barnsley, Doncaster, Rotherham, '
                          'Sheffield. Did you mean "Rotherham"?', '"-1" is negative; a count cannot be below zero. '
                          'Write the month\'s count itself, not its change from the month before, without a minus '
                          'sign.']

    good = write_return(good_dir / name, [
        ["2015-08", "Barnsley", "cse_charges", 2],
        ["2015-08", "Doncaster", "cse_charges", 12],
        ["2015-08", "Rotherham", "cse_charges", 1],
        ["2015-08", "Sheffield", "cse_charges", 6],
        ["2015-07", "Barnsley", "cse_charges", 9],
    ])
    result = run_cli("ingest", good, "--db", db)

    assert result.exit_code == 0, result.stderr
    with warehouse.connect_read_only(db) as con:
        assert registry_outcome(con, name) == ["rejected", "accepted"]
        attempts = con.execute(
            "SELECT v.outcome, v.errors FROM validation_run v JOIN file_registry f USING (file_id) WHERE f.name = ? "
            "ORDER BY v.run_id", [name]).fetchall()
        assert attempts == [("failed", 3), ("passed", 0)]
        assert failed_rules(con, last_run(con, name)[0]) == {}
        assert current_value(con, "2015-08", "Doncaster", "cse_charges") == [12.0]
        assert current_value(con, "2015-07", "Barnsley", "cse_charges") == [9.0]
    after = fingerprint(db)
    assert [r for r in after if r not in before] and all(r in after for r in before)


# ---------------------------------------------------------------------------------------------------
# 5. The contract itself


def test_the_bundled_contract_loads_and_every_rule_has_a_severity():
    contract = load_contract()
    rules = (*contract.row_rules, *contract.set_rules)
    assert contract.id == "force-cse-return"
    assert rules and len(rules) == len(set(contract.rule_ids))
    assert {r.severity for r in rules} <= {"error", "warning"}
    assert all(r.message for r in rules)


@pytest.mark.parametrize("path", sorted(CONTRACTS_DIR.glob("*.odcs.yaml")), ids=lambda p: p.name)
def test_every_rule_of_every_contract_says_what_it_checks(path):
    """The Validation runs page's "What it checks" is each rule's description: a rule without one is a bare id there."""
    contract = load_contract(path.name.removesuffix(".odcs.yaml"), CONTRACTS_DIR)
    rules = (*contract.row_rules, *contract.set_rules)
    assert rules
    bare = [r.id for r in rules if not r.description.strip()]
    assert not bare, f'{path.name}: rule(s) {", ".join(bare)} have no description; say what each checks and why.'


def test_each_rule_result_of_a_run_is_stored_with_what_it_checks(con, tmp_path):
    path = write_return(tmp_path / "clean.csv", month("2015-07", "cse_charges"))
    load(con, path)
    run_id = last_run(con, path.name)[0]
    stored = con.execute("SELECT rule_id, description FROM validation_result WHERE run_id = ?", [run_id]).fetchall()
    assert {r for r, _ in stored} == set(load_contract().rule_ids)
    assert [r for r, d in stored if not (d or "").strip()] == []


def copy_contract(folder: Path, edit=None, text_edit=None) -> Path:
    """The bundled contract copied into `folder`, changed by `edit` (on its YAML) or `text_edit` (on its text)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / CONTRACT_FILE
    text = (CONTRACTS_DIR / CONTRACT_FILE).read_text(encoding="utf-8")
    if text_edit:
        text = text_edit(text)
    if edit:
        doc = yaml.safe_load(text)
        edit(doc)
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)
    target.write_text(text, encoding="utf-8")
    return target


BROKEN_CONTRACTS = [
    ("misspelt_key", lambda t: t.replace("severity: error", "severety: error", 1), "'severety' was unexpected"),
    ("unknown_severity", lambda t: t.replace("severity: warning", "severity: critical", 1),
     'severity must be "error" or "warning", not "critical"'),
    ("reports_measures_not_a_list", lambda t: t.replace('value: "${percentage_ids}"', 'value: "percentages"', 1),
     'reportsMeasures is a list of measures, or a reference list such as ${percentage_ids}, not "percentages"'),
    ("reports_breakdowns_not_true_or_false", lambda t: t.replace("reportsBreakdowns, value: true",
                                                                 "reportsBreakdowns, value: sometimes", 1),
     'reportsBreakdowns is true or false, not "sometimes"'),
]


@pytest.mark.parametrize("case,text_edit,words", BROKEN_CONTRACTS, ids=[c[0] for c in BROKEN_CONTRACTS])
def test_a_contract_with_a_broken_rule_is_refused_naming_the_problem(tmp_path, case, text_edit, words):
    path = copy_contract(tmp_path, text_edit=text_edit)
    assert path.read_text() != (CONTRACTS_DIR / CONTRACT_FILE).read_text()
    with pytest.raises(ContractError) as exc:
        load_contract("force_cse_return", folder=tmp_path)
    assert words in str(exc.value)
    assert CONTRACT_FILE in str(exc.value)


def test_a_set_rule_whose_query_cannot_run_is_named_and_the_file_loads_nothing(db, tmp_path, monkeypatch):
    copy_contract(tmp_path / "contracts", text_edit=lambda t: t.replace(
        "FROM ${table} WHERE period > ${current_month}", "FROM ${table} WHERE no_such_column > ${current_month}", 1))
    monkeypatch.setenv("PCCDASH_CONTRACTS_DIR", str(tmp_path / "contracts"))
    path = write_return(tmp_path / "clean.csv", month("2015-07", "cse_charges"))
    with warehouse.connect(db) as con, pytest.raises(ContractError) as exc:
        ingest(con, [path])
    assert str(exc.value).startswith('Contract rule "period_not_future": its query cannot run'), str(exc.value)
    assert fingerprint(db) == []


def test_the_set_rules_run_together_find_what_each_finds_alone(db, tmp_path):
    """validate_batch runs every set rule in one statement: each rule's count and first rows are as its own query's."""
    import datetime as dt

    from pipelines.contracts.batch import build_batch
    from pipelines.contracts.runner import FIGURES_NOW, _hold_figures, set_rule_rows, set_rules_rows
    from pipelines.ingest import readers

    with warehouse.connect(db) as con:
        for measure in ("cse_arrests", "grooming_arrests", "cse_charges"):
            assert load(con, write_return(tmp_path / f"{measure}.csv", month("2015-06", measure))).outcome == "accepted"
    # July breaks several set rules at once: grooming arrests above CSE arrests in three districts, CSE charges
    # sent for two districts only, and a month in the future
    rows = (month("2015-07", "cse_arrests", (1, 1, 1, 9)) + month("2015-07", "grooming_arrests", (5, 6, 7, 2))
            + [["2015-07", "Barnsley", "cse_charges", 1], ["2015-07", "Doncaster", "cse_charges", 1],
               ["2099-01", "Sheffield", "cse_arrests", 3]])
    path = write_return(tmp_path / "july.csv", rows)
    contract = load_contract()
    with warehouse.connect(db) as con:
        readers.read_file(con, readers.inspect_file(path, "july.csv", tmp_path))
        build_batch(con, "july.csv")
        _hold_figures(con, contract)
        current = dt.date(2015, 8, 1)
        together = set_rules_rows(con, contract.set_rules, current, 2, FIGURES_NOW)
        alone = {r.id: set_rule_rows(con, r, current, 2, FIGURES_NOW) for r in contract.set_rules}
    assert together == alone
    found = {rule: count for rule, (count, _) in together.items() if count}
    assert found["part_not_above_whole"] == 3 and len(together["part_not_above_whole"][1]) == 2  # first 2 of 3
    assert found["every_district_every_month"] == 2 and found["period_not_future"] == 1, found


def test_a_rule_declared_for_a_measure_is_not_asked_of_a_batch_that_sends_none_of_its_measures(db, tmp_path,
                                                                                                 monkeypatch):
    """A one-figure correction of CSE arrests cannot break the headcount's change rule, nor a rule saying it reports
    only percentages the batch sends or only where the batch sends a breakdown: validate_batch does not plan their
    queries (most of a small batch's cost), and the run still lists them as passed. Each rule so passed finds nothing
    when its query is run anyway; the rules on the batch's measures are asked and find what they find."""
    import datetime as dt

    from pipelines.contracts import runner
    from pipelines.contracts.batch import build_batch
    from pipelines.ingest import readers

    with warehouse.connect(db) as con:
        for measure in ("cse_arrests", "cse_charges", "officer_headcount", "cce_referrals"):
            for period, values in (("2015-06", (1, 2, 3, 4)), ("2016-06", (1, 2, 3, 4))):
                rows = month(period, measure, values if measure != "officer_headcount" else (300, 310, 320, 330))
                assert load(con, write_return(tmp_path / f"{measure}-{period}.csv", rows)).outcome == "accepted"
    # July's CSE arrests in Sheffield jump from 4 to 40, above the charges too
    path = write_return(tmp_path / "july.csv", [["2015-07", "Sheffield", "cse_arrests", 40]])
    contract = load_contract()
    asked: list[list[str]] = []
    together = runner.set_rules_rows
    monkeypatch.setattr(runner, "set_rules_rows", lambda con, rules, *a: asked.append([r.id for r in rules])
                        or together(con, rules, *a))
    with warehouse.connect(db) as con:
        readers.read_file(con, readers.inspect_file(path, "july.csv", tmp_path))
        build_batch(con, "july.csv")
        run = runner.validate_batch(con, contract, scope="ingest", label="july.csv", current_month=dt.date(2026, 1, 1))
        skipped = {r.id for r in contract.set_rules} - set(asked[0])
        assert skipped == {"headcount_change", "arrested_within_12_weeks_change",
                           "cce_referrals_same_month_last_year", "percentage_matches_its_parts",
                           "breakdown_completeness_drop"}, skipped
        for rule in contract.set_rules:
            if rule.id in skipped:
                assert runner.set_rule_rows(con, rule, dt.date(2026, 1, 1), 5, runner.FIGURES_NOW) == (0, [])
    results = {r.rule_id: (r.passed, r.failing_count, r.found) for r in run.results}
    assert all(results[rule] == (True, 0, []) for rule in skipped)
    assert results["month_on_month_change"][:2] == (False, 1)
    assert set(results) == set(contract.rule_ids)


# Batches breaking the rules a batch may go unasked by, each against a warehouse holding June and July 2015 (a
# percentage and its parts, CSE and grooming arrests, victims supported broken down by ethnicity): sent with what the
# rule reports, and without it
NARROWED_CASES = {  # case: (rows, the rules it breaks)
    "one_figure_correction": ([["2015-07", "Rotherham", "cse_arrests", 2]], {"part_not_above_whole"}),
    "percentage_alone_against_held_parts": ([["2015-07", "Barnsley", "officers_trained_pct", 80]],
                                            {"percentage_matches_its_parts"}),
    "part_alone_against_a_held_percentage": ([["2015-07", "Barnsley", "officers_trained", 160]],
                                             {"month_on_month_change"}),
    "part_above_a_held_whole": ([["2015-07", "Barnsley", "grooming_arrests", 11]], {"part_not_above_whole"}),
    "breakdown_alone_falling_in_share": ([["2015-08", "Barnsley", "victims_supported", 10, "Pakistani"],
                                          ["2015-08", "Barnsley", "victims_supported", 10, "Not recorded"]],
                                         {"breakdown_sums_to_total", "breakdown_completeness_drop"}),
    "total_alone_against_a_held_breakdown": ([["2015-07", "Barnsley", "victims_supported", 25]],
                                             {"breakdown_sums_to_total"}),
    "total_without_the_breakdown_sent_before": ([["2015-08", "Barnsley", "victims_supported", 20]],
                                                {"every_district_every_month", "breakdown_not_sent"}),
    "total_and_breakdown_falling_in_share": (victims("2015-08", "Barnsley", 20, 10, 10),
                                             {"every_district_every_month", "breakdown_completeness_drop"}),
}


@pytest.mark.parametrize("case", NARROWED_CASES)
def test_a_rule_left_unasked_finds_nothing_the_batch_would_be_told(db, tmp_path, monkeypatch, case):
    """Whatever a batch sends, the rules validate_batch asks (not a rule saying it reports only measures the batch
    does not send, or only breakdowns it does not send) refuse and warn exactly as every rule asked would: the same
    results, counts and messages, on batches that break the very rules so left out."""
    import datetime as dt

    from pipelines.contracts import runner
    from pipelines.contracts.batch import build_batch
    from pipelines.ingest import readers

    held = (trained("2015-06", (50, 25, 30, 1), (100, 100, 60, 3), (50, 25, 50, 33.3))
            + trained("2015-07", (50, 25, 30, 1), (100, 100, 60, 3), (50, 25, 50, 33.3))
            + month("2015-07", "cse_arrests", (10, 20, 30, 40)) + month("2015-07", "grooming_arrests", (1, 2, 3, 4))
            + victims("2015-07", "Barnsley", 20, 18, 2) + others("2015-07"))
    with warehouse.connect(db) as con:
        assert load(con, write_return(tmp_path / "held.csv", held)).outcome == "accepted"
    rows, breaks = NARROWED_CASES[case]
    path = write_return(tmp_path / f"{case}.csv", rows)
    contract = load_contract()
    asked: list[list[str]] = []
    together = runner.set_rules_rows
    monkeypatch.setattr(runner, "set_rules_rows", lambda con, rules, *a: asked.append([r.id for r in rules])
                        or together(con, rules, *a))
    said = {}
    for how, may_find in (("narrowed", runner.may_find), ("every rule asked", lambda *_: True)):
        monkeypatch.setattr(runner, "may_find", may_find)
        with warehouse.connect(db) as con:
            readers.read_file(con, readers.inspect_file(path, path.name, tmp_path))
            build_batch(con, path.name)
            run = runner.validate_batch(con, contract, scope="ingest", label=path.name,
                                        current_month=dt.date(2026, 1, 1))
        said[how] = {r.rule_id: (r.passed, r.failing_count, [s.message for s in r.samples]) for r in run.results}
    assert said["narrowed"] == said["every rule asked"]
    assert len(asked[0]) < len(asked[1]) == len(contract.set_rules)  # some rule went unasked, and it did not matter
    assert {rule for rule, (passed, _, _) in said["narrowed"].items() if not passed} == breaks


def test_a_broken_contract_stops_ingest_before_anything_loads(db, tmp_path, monkeypatch):
    copy_contract(tmp_path / "contracts", text_edit=lambda t: t.replace("severity: warning", "severity: critical", 1))
    monkeypatch.setenv("PCCDASH_CONTRACTS_DIR", str(tmp_path / "contracts"))
    path = write_return(tmp_path / "clean.csv", month("2015-07", "cse_charges"))
    with warehouse.connect(db) as con, pytest.raises(ContractError):
        ingest(con, [path])
    assert fingerprint(db) == []


SHEFFIELD_CAP = {
    "id": "sheffield_cap",
    "description": "A rule added by editing the contract only.",
    "dimension": "accuracy",
    "severity": "error",
    "type": "custom",
    "engine": "duckdb",
    "implementation": "SELECT source_file, source_sheet, source_row, source_column, period, district, measure, "
                      "'Sheffield ' || value::BIGINT || ' is over 40' AS detail "
                      "FROM ${object} WHERE district = 'Sheffield' AND value > 40",
    "customProperties": [{"property": "message", "value": "{detail}; Sheffield never has more than 40."}],
}
VALUE_LENGTH = {
    "id": "value_at_most_three_characters",
    "dimension": "conformity",
    "severity": "error",
    "type": "custom",
    "engine": "great-expectations",
    "implementation": {"type": "expect_column_value_lengths_to_be_between", "kwargs": {"max_value": 3}},
    "customProperties": [{"property": "column", "value": "value"},
                         {"property": "message", "value": '"{value}" is longer than three characters.'}],
}
VALUE_PATTERN = {
    "id": "value_no_leading_zero",
    "dimension": "conformity",
    "severity": "error",
    "type": "custom",
    "engine": "great-expectations",
    "implementation": {"type": "expect_column_values_to_match_regex", "kwargs": {"regex": "^(?:0|[1-9][0-9.]*)$"}},
    "customProperties": [{"property": "column", "value": "value"},
                         {"property": "message", "value": '"{value}" starts with a zero.'}],
}


def add_to_schema(rule):
    def edit(doc):
        doc["schema"][0]["quality"].append(rule)
    return edit


def add_to_property(prop, rule):
    def edit(doc):
        for p in doc["schema"][0]["properties"]:
            if p["name"] == prop:
                p.setdefault("quality", []).append(rule)
                return
        raise AssertionError(prop)
    return edit


# (case, contract edit, the value for Doncaster that breaks only the new rule, the message of its sample)
ADDED_RULES = [
    ("duckdb_set_rule", add_to_schema(SHEFFIELD_CAP), "sheffield_cap", ("Sheffield", 41),
     "Sheffield 41 is over 40; Sheffield never has more than 40."),
    ("gx_regex_rule_on_value_text", add_to_property("value_text", VALUE_PATTERN), "value_no_leading_zero",
     ("Doncaster", "07"), '"07" starts with a zero.'),
    ("gx_length_rule_on_value_text", add_to_property("value_text", VALUE_LENGTH), "value_at_most_three_characters",
     ("Doncaster", 1234), '"1234" is longer than three characters.'),
]


@pytest.mark.parametrize("case,edit,rule_id,breaking,message", ADDED_RULES, ids=[c[0] for c in ADDED_RULES])
def test_a_rule_added_to_the_contract_is_enforced_without_code(db, tmp_path, monkeypatch, case, edit, rule_id,
                                                               breaking, message):
    folder = tmp_path / "contracts"
    copy_contract(folder, edit=edit)
    monkeypatch.setenv("PCCDASH_CONTRACTS_DIR", str(folder))
    assert rule_id in load_contract().rule_ids
    assert rule_id not in load_contract(folder=CONTRACTS_DIR).rule_ids

    district, value = breaking
    values = tuple(value if d == district else v for d, v in zip(DISTRICTS, (1, 2, 3, 4), strict=True))
    name = f"{case}.csv"
    path = write_return(tmp_path / name, month("2015-07", "cse_charges", values))
    with warehouse.connect(db) as con:
        outcome = load(con, path)
        run_id, run_outcome, _errors, _warnings = last_run(con, name)
        found = results(con, run_id)
        failed = failed_rules(con, run_id)
        sample = samples(con, run_id, rule_id)
        held = quarantined(con, name)
        figures = con.execute("SELECT count(*) FROM figure").fetchall()

    assert run_outcome == "failed"
    assert found[rule_id] == ("error", False, 1)
    assert failed == {rule_id: 1}, "the file breaks only the new rule"
    assert outcome.outcome == "rejected", "a file failing an error rule of the contract is refused"
    row = 2 + DISTRICTS.index(district)
    assert sample == [(None, row, "value", message)]
    assert [(q[1], q[6]) for q in held] == [(row, [rule_id])]
    assert figures == [(0,)]

    # with the bundled contract the same file is clean
    monkeypatch.delenv("PCCDASH_CONTRACTS_DIR")
    with warehouse.connect(tmp_path / "bundled.duckdb") as con:
        assert load(con, path).outcome == "accepted"


def test_the_contract_version_and_hash_are_recorded_with_each_run(con, tmp_path):
    load(con, write_return(tmp_path / "clean.csv", month("2015-07", "cse_charges")))
    contract = load_contract()
    rows = con.execute("SELECT contract_id, contract_version, contract_sha256, rows_checked, scope FROM "
                       "validation_run").fetchall()
    assert rows == [(contract.id, contract.version, contract.sha256, 4, "ingest")]


def test_an_error_rule_with_no_rows_to_show_still_refuses_the_file(db, tmp_path, monkeypatch):
    """Regression: a failed error rule that DuckDB cannot replay row by row (an aggregate expectation) once let
    the file load because no sample rows were found."""
    mean_cap = {"id": "mean_below_two", "severity": "error", "type": "custom", "engine": "great-expectations",
                "description": "The month's average count is below two.",
                "implementation": {"type": "expect_column_mean_to_be_between", "kwargs": {"max_value": 2}}}
    folder = tmp_path / "contracts"
    copy_contract(folder, edit=add_to_property("count_value", mean_cap))
    monkeypatch.setenv("PCCDASH_CONTRACTS_DIR", str(folder))
    path = write_return(tmp_path / "mean.csv", month("2015-07", "cse_charges", (1, 2, 3, 4)))
    with warehouse.connect(db) as con:
        outcome = load(con, path)
        figures = con.execute("SELECT count(*) FROM figure").fetchall()
    assert outcome.outcome == "rejected"
    assert figures == [(0,)]
    assert any('the rule "mean_below_two" failed' in p.text for p in outcome.problems)


def test_every_warning_of_the_return_has_a_public_caveat_and_a_title():
    """A warning follows its figure onto the public side and the flags page: a rule with no public wording
    would be dropped there without a word, and one with no title would show its id."""
    from pipelines.flags import CHECK_TITLES
    from pipelines.publish.snapshot import PUBLIC_CAVEATS

    contract = load_contract("force_cse_return")
    warnings = [r.id for r in (*contract.row_rules, *contract.set_rules) if r.severity == "warning"]
    assert len(warnings) >= 7
    assert [w for w in warnings if w not in PUBLIC_CAVEATS] == []
    assert [w for w in warnings if w not in CHECK_TITLES] == []


@pytest.mark.parametrize("name", ["force_cse_return", "police_uk_street", "police_uk_outcomes"])
def test_a_message_naming_a_reference_file_names_the_file_in_force(name):
    """Regression: with PCCDASH_REFERENCE_DIR pointing at the office's reference folder (as in every test), a refused
    measure, category or police.uk force was said to be missing from "pipelines/reference/measures.yaml" (or
    dimensions.yaml, police_uk.yaml), the bundled copy, not the file read. Each message names the file in force."""
    messages = [r.message for r in (*load_contract(name).row_rules, *load_contract(name).set_rules)]
    naming = [m for m in messages if ".yaml" in m]
    assert naming, "the contract has messages naming a reference file"
    assert not [m for m in messages if "pipelines/reference/" in m or "${" in m]
    assert all(f'"{reference_dir()}/' in m for m in naming), naming


@pytest.mark.parametrize("where", ["empty folder", "no folder", "a file"])
def test_a_contract_not_found_is_told_where_to_put_it_or_what_to_set(tmp_path, monkeypatch, where):
    """A contract not in PCCDASH_CONTRACTS_DIR was said only to be missing: "There is no data contract ..."."""
    folder = tmp_path / "contracts"
    if where == "empty folder":
        folder.mkdir()
    elif where == "a file":
        folder.write_text("not a folder\n")
    monkeypatch.setenv("PCCDASH_CONTRACTS_DIR", str(folder))
    with pytest.raises(ContractError) as refused:
        load_contract("force_cse_return")
    said = str(refused.value)
    assert said.startswith(f'There is no data contract "{folder / "force_cse_return.odcs.yaml"}": ')
    if where == "empty folder":
        assert said.endswith("put the office's force_cse_return.odcs.yaml there (the bundled "
                             "data_contracts/force_cse_return.odcs.yaml shows its form), or set PCCDASH_CONTRACTS_DIR "
                             "to the folder that holds it.")
    else:
        there = "does not exist" if where == "no folder" else "is a file, not a folder"
        assert said.endswith(f'the folder "{folder}" {there}. Set PCCDASH_CONTRACTS_DIR to the folder that holds the '
                             "office's data contracts, or unset it to use the bundled data_contracts.")
