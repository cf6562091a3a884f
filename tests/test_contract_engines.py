"""The contract's two engines agree: each row rule judged by its own DuckDB query gives the verdict Great
Expectations gives (passed, failing rows, rows checked), for every rule and every file of the hostile corpus
and the sample, and of police.uk's samples and hostile variants of them; the default engine never imports
Great Expectations; `--engine gx` runs the second one, for returns and police.uk files alike."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from helpers import ROOT

from pipelines import warehouse
from pipelines.cli import SAMPLE_RETURNS
from pipelines.contracts import RowRule, load_contract, runner, validate_batch
from pipelines.contracts.batch import build_batch
from pipelines.contracts.runner import TRANSLATED, judge_row_rules, row_rule_predicate
from pipelines.ingest import readers
from pipelines.ingest.load import drop_staging
from pipelines.policeuk import ingest as police_uk_ingest
from pipelines.policeuk import validate_police_uk

CORPUS = Path(__file__).resolve().parent / "data" / "hostile"
POLICE_UK = ROOT / "pipelines" / "sample" / "police_uk"
STREET = POLICE_UK / "2017-11-south-yorkshire-street.sample.csv"
OUTCOMES = POLICE_UK / "2017-11-south-yorkshire-outcomes.sample.csv"
MONTH = dt.date(2026, 11, 1)
pytestmark = pytest.mark.slow  # Great Expectations' import and a validation per file: some seconds


def _rule(rid: str, expectation: str, severity: str = "error", **kwargs) -> RowRule:
    return RowRule(rid, severity, expectation, kwargs, kwargs.get("column"), kwargs.get("column"), rid)


def _warning(rid: str, expectation: str, **kwargs) -> RowRule:
    return _rule(rid, expectation, "warning", **kwargs)


# Every expectation the DuckDB engine translates, with the arguments that change how GX counts (mostly,
# strict bounds, nulls ignored or not), over the batch's text, number and date columns.
EVERY_KIND = (
    _rule("not_null", "expect_column_values_to_not_be_null", column="value"),
    _rule("not_null_mostly", "expect_column_values_to_not_be_null", column="district", mostly=0.9),
    _rule("null", "expect_column_values_to_be_null", column="value_unreadable"),
    _rule("in_set", "expect_column_values_to_be_in_set", column="district_text",
          value_set=["Barnsley", "Doncaster", "Rotherham", "Sheffield"]),
    _rule("in_set_mostly", "expect_column_values_to_be_in_set", column="measure_text",
          value_set=["cse_charges", "cse_arrests"], mostly=0.5),
    _rule("in_empty_set", "expect_column_values_to_be_in_set", column="district_text", value_set=[]),
    _rule("not_in_set", "expect_column_values_to_not_be_in_set", column="district_text", value_set=["Rotherham"]),
    _rule("regex", "expect_column_values_to_match_regex", column="period_text",
          regex="^[0-9]{4}-(?:0[1-9]|1[0-2])$"),
    _rule("regex_digits", "expect_column_values_to_match_regex", column="value_text", regex=r"^\d+$"),
    _rule("regex_mostly", "expect_column_values_to_match_regex", column="value_text", regex="^[0-9]+$",
          mostly=0.75),
    _rule("not_regex", "expect_column_values_to_not_match_regex", column="value_text", regex=r"\s"),
    _rule("between", "expect_column_values_to_be_between", column="value", min_value=0, max_value=40),
    _rule("between_strict", "expect_column_values_to_be_between", column="value", min_value=0, max_value=40,
          strict_min=True, strict_max=True),
    _rule("at_most", "expect_column_values_to_be_between", column="percent_value", max_value=100),
    _rule("length", "expect_column_value_lengths_to_equal", column="period_text", value=7),
    _rule("length_between", "expect_column_value_lengths_to_be_between", column="district_text", min_value=1,
          max_value=9),
    _rule("unique", "expect_column_values_to_be_unique", column="value_text"),
    _rule("compound", "expect_compound_columns_to_be_unique", column_list=["period", "district", "measure"]),
    _rule("compound_text", "expect_compound_columns_to_be_unique",
          column_list=["period_text", "district_text", "measure_text"], mostly=0.5),
    _rule("compound_any_missing", "expect_compound_columns_to_be_unique", column_list=["district", "measure"],
          ignore_row_if="any_value_is_missing"),
    # not translated: judged by Great Expectations under either engine
    _rule("mean", "expect_column_mean_to_be_between", column="value", min_value=0, max_value=10),
)


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.name not in ("expected.yaml", "README.md"))


def sample_files() -> list[Path]:
    return sorted(SAMPLE_RETURNS.iterdir())


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """An empty warehouse (the set rules read its history) with one connection for the module."""
    path = tmp_path_factory.mktemp("engines") / "wh.duckdb"
    with warehouse.connect(path) as con:
        yield con


def batch_of(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Read `path` into the temporary table `batch`, as `pccdash validate FILE` does; False if unreadable."""
    drop_staging(con)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            readers.read_file(con, readers.inspect_file(path, path.name, Path(tmp)))
        except readers.FileRejected:
            return False
    build_batch(con, path.name)
    return True


def row_verdicts(con, contract, engine: str) -> dict[str, tuple[bool, int, int | None]]:
    return {i: v[:3] for i, v in judge_row_rules(con, contract, engine).items()}


def awkward_batch(con) -> None:
    """A batch built to be awkward: a period ending in a newline (which Python's "$" accepts and RE2's does
    not), non-ASCII digits, nulls, duplicates with nulls."""
    awkward = pa.table({
        "source_sheet": [None] * 8, "source_row": list(range(2, 10)), "source_column": ["value"] * 8,
        "period": ["2015-08\n", "2015-08", "2015-8", None, "2015-08", "2015-08", "2015-13", "2015-08"],
        "district": ["Rotherham", "Rotherham", None, None, "rotherham ", "Sheffield", "Doncaster", None],
        "measure": ["cse_charges", "cse_charges", None, None, "cse_arrests", "Arrests", "cse_charges", None],
        "value": ["4\n", "٣", "12", None, "41", "-1", "410.5", "12"],
        "note": [None] * 8,
        # breakdown rows: an undeclared value, a declared one in another case, one of a measure never broken down
        "dimension": [None] * 5 + ["victim_ethnicity"] * 3,
        "category": [None] * 5 + ["Martian", " not RECORDED", "Pakistani"],
        "category_column": [None] * 5 + ["victim_ethnicity"] * 3,
    }, schema=pa.schema([(c, pa.int32() if c == "source_row" else pa.string()) for c in readers.STAGED_COLUMNS]))
    drop_staging(con)
    con.register("awkward_arrow", awkward)
    con.execute("CREATE OR REPLACE TEMP TABLE staged_raw AS SELECT * FROM awkward_arrow")
    con.unregister("awkward_arrow")
    build_batch(con, "awkward.csv")


@pytest.fixture(scope="module")
def judged(wh) -> dict[str, tuple[int, set[str]]]:
    """Each readable file of the corpus and the sample, and the awkward batch, judged by both engines under the
    return's contract with every translated kind of rule added: source -> (files read, rules that failed).
    Set rules are left out: they are DuckDB queries under either engine."""
    contract = load_contract("force_cse_return")
    both = dataclasses.replace(contract, row_rules=contract.row_rules + EVERY_KIND, set_rules=(),
                               sha256=contract.sha256 + "+every-kind")
    out: dict[str, tuple[int, set[str]]] = {}
    for source, files in (("hostile", corpus_files()), ("sample", sample_files()), ("awkward", [None])):
        read, failed = 0, set()
        for path in files:
            if path is None:
                awkward_batch(wh)
            elif not batch_of(wh, path):
                continue
            read += 1
            fast, gx = row_verdicts(wh, both, "duckdb"), row_verdicts(wh, both, "gx")
            assert fast == gx, (source, path and path.name, {i: (fast[i], gx[i]) for i in fast if fast[i] != gx[i]})
            # a large batch's rules of one column of few values are tallied by value: the same verdicts
            small, runner.BY_VALUE_ROWS = runner.BY_VALUE_ROWS, 0
            try:
                by_value = row_verdicts(wh, both, "duckdb")
            finally:
                runner.BY_VALUE_ROWS = small
            assert by_value == fast, (source, path and path.name,
                                      {i: (by_value[i], fast[i]) for i in fast if by_value[i] != fast[i]})
            failed |= {i for i, v in fast.items() if not v[0]}
        out[source] = (read, failed)
    return out


def test_both_engines_give_the_same_verdict_for_every_rule_and_file(judged):
    assert judged["hostile"][0] >= 10 and judged["sample"][0] == len(sample_files())
    # the comparison means something: the corpus breaks the return's own rules, and most kinds of rule fail
    contract = load_contract("force_cse_return")
    assert len(judged["hostile"][1] & {r.id for r in contract.row_rules}) >= 3, judged["hostile"][1]
    failed_anywhere = set().union(*(f for _, f in judged.values()))
    assert len(failed_anywhere & {r.id for r in EVERY_KIND}) >= 15, failed_anywhere


def test_every_rule_of_the_return_has_a_duckdb_query_and_every_kind_is_covered():
    contract = load_contract("force_cse_return")
    assert all(row_rule_predicate(r) is not None for r in contract.row_rules)
    assert {r.expectation for r in EVERY_KIND[:-1]} == set(TRANSLATED)
    assert row_rule_predicate(EVERY_KIND[-1]) is None


def test_a_run_says_which_engine_judged_each_rule_and_both_runs_agree(wh):
    contract = load_contract("force_cse_return")
    assert batch_of(wh, sample_files()[-1])
    fast, gx = (validate_batch(wh, contract, scope="dry-run", label="x", current_month=MONTH, engine=e)
                for e in ("duckdb", "gx"))
    assert {r.engine for r in fast.results} == {"duckdb"}
    assert {r.engine for r in gx.results if r.expectation} == {"great_expectations"}
    assert [(r.rule_id, r.passed, r.failing_count, r.checked_count) for r in fast.results] == [
        (r.rule_id, r.passed, r.failing_count, r.checked_count) for r in gx.results]
    assert fast.outcome == gx.outcome


def test_an_expectation_with_arguments_duckdb_cannot_honour_is_left_to_great_expectations():
    conditioned = _rule("x", "expect_column_values_to_not_be_null", column="value", row_condition='district=="A"')
    assert row_rule_predicate(conditioned) is None
    assert row_rule_predicate(_rule("y", "expect_column_values_to_not_be_null", column="value")) is not None


def test_a_rule_whose_column_the_batch_lacks_fails_rather_than_passing(wh):
    path = next(p for p in sample_files() if p.suffix == ".csv")
    assert batch_of(wh, path)
    lacking = _rule("lacking", "expect_column_values_to_not_be_null", column="no_such_column")
    contract = dataclasses.replace(load_contract("force_cse_return"), row_rules=(lacking,), set_rules=(),
                                   sha256="lacking")
    passed, _failing, _checked, engine = judge_row_rules(wh, contract, "duckdb")["lacking"]
    assert (passed, engine) == (False, "great_expectations")


def test_a_check_with_the_default_engine_does_not_import_great_expectations(tmp_path):
    """Guards the cold start: importing Great Expectations is most of a second-long command."""
    path = next(p for p in sample_files() if p.suffix == ".csv")
    code = ("import sys; from pipelines.cli import main\n"
            "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print('great_expectations' in sys.modules)")
    env = {**os.environ, "PCCDASH_DB": str(tmp_path / "wh.duckdb"), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stdout[-2000:] + out.stderr[-2000:]


def test_validate_with_engine_gx_names_great_expectations(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_DB", str(tmp_path / "wh.duckdb"))
    path = next(p for p in sample_files() if p.suffix == ".csv")
    out = run_cli("validate", "--engine", "gx", path)
    assert "Judged by Great Expectations" in out.output, out.output
    assert "against force_cse_return" in out.output
    plain = run_cli("validate", path)
    assert "Great Expectations" not in plain.output
    assert "--engine gx" in run_cli("validate", "--help").output


def test_the_written_out_whitespace_is_what_python_strips():
    assert readers.WHITESPACE == "".join(chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace())


# ---------------------------------------------------------------------------------------------------
# police.uk files: their own contracts, their batch of distinct values, checked inside the load's transaction

# Every kind of translated rule over the police.uk batch's text, number and boolean columns, some through
# Python's re (\d, \s) rather than DuckDB's; added to both police.uk contracts as warnings, so that the
# contract's own errors stay what refuses a file.
POLICE_UK_KINDS = (
    _warning("pu_month_digits", "expect_column_values_to_match_regex", column="month_text", regex=r"^\d{4}-\d{2}$"),
    _warning("pu_lsoa_no_space", "expect_column_values_to_not_match_regex", column="lsoa_code", regex=r"\s"),
    _warning("pu_lsoa_mostly", "expect_column_values_to_match_regex", column="lsoa_code", regex="^E01", mostly=0.99),
    _warning("pu_lsoa_length", "expect_column_value_lengths_to_equal", column="lsoa_code", value=9),
    _warning("pu_lsoa_unique", "expect_column_values_to_be_unique", column="lsoa_code"),
    _warning("pu_lsoa_present", "expect_column_values_to_not_be_null", column="lsoa_code", mostly=0.06),
    _warning("pu_latitude_strict", "expect_column_values_to_be_between", column="latitude", min_value=53.3,
             max_value=53.7, strict_min=True, strict_max=True),
    _warning("pu_force", "expect_column_values_to_be_in_set", column="falls_within",
             value_set=["South Yorkshire Police"]),
    _warning("pu_not_met", "expect_column_values_to_not_be_in_set", column="reported_by",
             value_set=["Metropolitan Police Service"]),
    _warning("pu_located", "expect_column_values_to_be_in_set", column="has_location", value_set=[True], mostly=0.99),
    _warning("pu_lsoa_once", "expect_compound_columns_to_be_unique", column_list=["source_column", "lsoa_code"],
             ignore_row_if="any_value_is_missing"),
)


# Hostile cells written into copies of the samples: (file row, the header being row 1; column; text; the
# contract's rule both engines must fail on it, or None).
STREET_CELLS = (
    (5, "LSOA code", "E0100743", "lsoa_code_format"),
    (6, "LSOA code", "e01007434", "lsoa_code_format"),
    (7, "Crime type", "", "crime_type_present"),
    (8, "LSOA code", "E01007434 ", "lsoa_code_format"),
    (9, "Longitude", "", "coordinates_readable"),
    (10, "Latitude", "10.5", "latitude_in_uk"),
    (11, "LSOA code", "", None),  # a record with coordinates and no LSOA code: a warning, not an error
    (12, "Month", "2017-13", "month_format"),
    (13, "Month", "Nov 2017", "month_format"),
    (14, "Month", "", "month_format"),
    # Arabic-Indic digits: not a month to the contract, though Python's \d takes them as digits
    (15, "Month", "\u0662\u0660\u0661\u0667-\u0661\u0661", "month_format"),
    (16, "Falls within", "Humberside Police", None),
    (17, "Reported by", "Metropolitan Police Service", None),
    (18, "Longitude", "", None),  # with the latitude below: no location, which police.uk allows
    (18, "Latitude", "", None),
)
OUTCOMES_CELLS = (
    (3, "Month", "2017-13", "month_format"),
    (4, "LSOA code", "W0100001", "lsoa_code_format"),
)
POLICE_UK_FILES = {"street": (STREET, ()), "outcomes": (OUTCOMES, ()), "street-hostile": (STREET, STREET_CELLS),
                   "outcomes-hostile": (OUTCOMES, OUTCOMES_CELLS)}


def police_uk_file(folder: Path, name: str) -> Path:
    sample, cells = POLICE_UK_FILES[name]
    if not cells:
        return sample
    with open(sample, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row, column, text, _rule_id in cells:
        rows[row - 1][rows[0].index(column)] = text
    path = folder / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


@pytest.fixture(scope="module")
def police_uk_runs(wh, tmp_path_factory):
    """Each police.uk sample and variant checked by `validate_police_uk` with each engine, the police.uk
    contracts widened by POLICE_UK_KINDS: name -> {engine: run}."""
    folder = tmp_path_factory.mktemp("police_uk")
    real = police_uk_ingest.load_contract

    def widened(layout: str):
        contract = real(layout)
        return dataclasses.replace(contract, row_rules=contract.row_rules + POLICE_UK_KINDS,
                                   sha256=contract.sha256 + "+kinds")

    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(police_uk_ingest, "load_contract", widened)
        for name in POLICE_UK_FILES:
            path = police_uk_file(folder, name)
            out[name] = {}
            for engine in ("duckdb", "gx"):
                _label, run, problems = validate_police_uk(wh, path, today=MONTH, engine=engine)
                assert run is not None, (name, [p.message() for p in problems])
                out[name][engine] = run
    return out


def verdicts(run) -> list[tuple[str, bool, int, int | None]]:
    return [(r.rule_id, r.passed, r.failing_count, r.checked_count) for r in run.results]


def test_both_engines_agree_on_every_police_uk_rule_and_file(police_uk_runs):
    for name, runs in police_uk_runs.items():
        fast, gx = runs["duckdb"], runs["gx"]
        assert verdicts(fast) == verdicts(gx), (name, [(a, b) for a, b in zip(verdicts(fast), verdicts(gx),
                                                                                strict=True) if a != b])
        assert fast.outcome == gx.outcome, name
        assert [p.message() for p in fast.problems("error")] == [p.message() for p in gx.problems("error")], name
        assert {r.engine for r in fast.results} == {"duckdb"}, name
        assert {r.engine for r in gx.results if r.expectation} == {"great_expectations"}, name


def test_each_hostile_police_uk_cell_fails_its_rule_under_both_engines(police_uk_runs):
    """Guards against a rule the DuckDB engine passes where Great Expectations fails it: a bad month or
    LSOA code refused by one engine only."""
    for name, (_sample, cells) in POLICE_UK_FILES.items():
        expected = sorted((row, rule) for row, _column, _text, rule in cells if rule)
        for engine, run in police_uk_runs[name].items():
            failed = sorted((s.source_row, r.rule_id) for r in run.errors for s in r.samples)
            assert failed == expected, (name, engine, failed)
            assert (run.outcome == "failed") == bool(expected), (name, engine, run.outcome)
    street = {r.rule_id: r for r in police_uk_runs["street-hostile"]["gx"].results}
    assert street["lsoa_code_with_location"].samples[0].source_row == 11
    assert street["month_format"].failing_count == 4  # distinct months: one row of the batch each
    # the widened rules are tested both ways: each fails on some file and passes on another
    kinds = {r.id for r in POLICE_UK_KINDS}
    outcomes = {(r.rule_id, r.passed) for runs in police_uk_runs.values() for r in runs["duckdb"].results}
    both_ways = {k for k in kinds if (k, True) in outcomes and (k, False) in outcomes}
    assert both_ways == kinds, sorted(kinds - both_ways)


def test_a_failing_police_uk_cell_is_named_alike_by_both_engines(police_uk_runs):
    for engine, run in police_uk_runs["street-hostile"].items():
        problems = [p for p in run.problems("error") if p.column == "Month"]
        assert [p.row for p in problems] == [12, 13, 14, 15], (engine, [p.message() for p in problems])
        assert '"2017-13" is not a month' in problems[0].text
        assert '"Nov 2017" is not a month' in problems[1].text


def test_validate_with_engine_gx_judges_a_police_uk_file_by_great_expectations(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_DB", str(tmp_path / "wh.duckdb"))
    bad = police_uk_file(tmp_path, "outcomes-hostile")
    out = run_cli("validate", "--engine", "gx", STREET, bad)
    assert "against police_uk_street" in out.output and "against police_uk_outcomes" in out.output, out.output
    assert out.output.count("Judged by Great Expectations") == 2, out.output
    assert '"W0100001" is not an LSOA code' in out.output, out.output
    assert "Great Expectations" not in run_cli("validate", STREET).output


def test_a_uniqueness_rule_whose_hashes_collide_counts_only_rows_really_repeated(wh, monkeypatch):
    """The uniqueness tally groups rows by a hash of their key; rows whose hashes collide are counted again by
    the key itself, so a file is never refused for a repeat it does not hold."""

    contract = load_contract("force_cse_return")
    assert batch_of(wh, sample_files()[-1])
    honest = judge_row_rules(wh, contract, "duckdb")["one_row_per_figure"]
    tally = runner._tally_sql
    # every row's hash the same: the first tally finds every row repeated
    monkeypatch.setattr(runner, "_tally_sql", lambda rules, exact=False, by_value=True: tally(
        rules, exact, by_value).replace("hash(", "0 * hash("))
    collided = judge_row_rules(wh, contract, "duckdb")["one_row_per_figure"]
    assert honest[:2] == (True, 0) and collided == honest
    # and a batch with a repeat is still refused, counted alike
    wh.execute("INSERT INTO batch SELECT * FROM batch LIMIT 1")
    repeated = judge_row_rules(wh, contract, "duckdb")["one_row_per_figure"]
    monkeypatch.setattr(runner, "_tally_sql", tally)
    assert repeated[:2] == (False, 2) and judge_row_rules(wh, contract, "duckdb")["one_row_per_figure"] == repeated
