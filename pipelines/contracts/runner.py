"""Running a contract over a batch held in DuckDB: row rules through Great Expectations, set rules as SQL.

The batch is the temporary table `batch`. Great Expectations decides pass or fail and counts the
failing rows of each row rule, on the batch handed over as a pandas frame (its SQL datasource does
not work on DuckDB). The failing rows themselves are asked of DuckDB, with their file and row, since
asking Great Expectations for every failing row costs minutes on a large batch.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from dataclasses import dataclass, field

import duckdb

from ..errors import QUOTED_LIMIT, Problem, shown
from ..warehouse import utc_now
from .contract import Contract, ContractError, RowRule, SetRule, reference_values

SAMPLES_KEPT = 50  # failing rows kept per rule in the run record
CAVEATS_KEPT = 100_000
RAW_COLUMN = {"period": "period_text", "district": "district_text", "measure": "measure_text",
              "value": "value_text"}
SET_RULE_COLUMNS = ("source_file", "source_sheet", "source_row", "source_column", "period", "district", "measure",
                    "detail")


@dataclass
class Sample:
    source_file: str | None
    source_sheet: str | None
    source_row: int | None
    source_column: str | None
    period: dt.date | None
    district: str | None
    measure: str | None
    message: str
    cell: str | None = None  # the batch's own source_column: which cell of a wide row it was

    def problem(self) -> Problem:
        return Problem(self.source_file or "(batch)", self.message, sheet=self.source_sheet, row=self.source_row,
                       column=self.source_column)


@dataclass
class RuleResult:
    rule_id: str
    severity: str
    engine: str  # great_expectations | duckdb
    expectation: str | None
    passed: bool
    failing_count: int
    checked_count: int | None
    description: str
    samples: list[Sample] = field(default_factory=list)


@dataclass
class ValidationRun:
    contract: Contract
    scope: str
    label: str
    rows: int
    started_at: dt.datetime
    seconds: float = 0.0
    results: list[RuleResult] = field(default_factory=list)

    @property
    def errors(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.severity == "error"]

    @property
    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.severity == "warning"]

    @property
    def outcome(self) -> str:
        if self.errors:
            return "failed"
        return "passed_with_warnings" if self.warnings else "passed"

    def problems(self, severity: str = "error") -> list[Problem]:
        """The sample rows of the failed rules of one severity, in file order; a rule with no rows to show
        (an expectation DuckDB cannot replay) is one problem naming the rule."""
        found = [s.problem() for r in self.results if not r.passed and r.severity == severity for s in r.samples]
        found += [Problem(self.label.strip('"'), f'the rule "{r.rule_id}" failed on {r.failing_count:,} row(s): '
                          f"{r.description or r.expectation}") for r in self.results
                  if not r.passed and r.severity == severity and not r.samples]
        return sorted(found, key=lambda p: (p.sheet or "", p.row if p.row is not None else 10**9))


# ---------------------------------------------------------------------------------------------------
# Great Expectations, imported only when a batch is validated (it takes seconds and ~130 MiB)


_GX: dict[str, object] = {}


def gx_batch_definition():
    if "bd" not in _GX:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        _GX["gx"] = gx
        _GX["context"] = context
        _GX["bd"] = (context.data_sources.add_pandas("pccdash_batches")
                     .add_dataframe_asset(name="batch").add_batch_definition_whole_dataframe("whole batch"))
    return _GX["bd"]


def gx_context():
    """Great Expectations' module and the ephemeral context the batches are validated in."""
    gx_batch_definition()
    return _GX["gx"], _GX["context"]


def expectation_suite(contract: Contract):
    """The contract's row rules as a Great Expectations suite (cached per contract content)."""
    key = f"suite:{contract.sha256}"
    if key not in _GX:
        gx_batch_definition()
        gx = _GX["gx"]
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        expectations = [ExpectationConfiguration(type=r.expectation, kwargs=r.kwargs,
                                                 meta={"rule_id": r.id, "severity": r.severity}).to_domain_obj()
                        for r in contract.row_rules]
        _GX[key] = gx.ExpectationSuite(name=f"{contract.name} {contract.version}", expectations=expectations)
    return _GX[key]


def rule_columns(contract: Contract) -> list[str]:
    """The batch columns the row rules read: all that is handed to Great Expectations."""
    cols: list[str] = []
    for r in contract.row_rules:
        for c in ([r.kwargs.get("column")] if r.kwargs.get("column") else []) + list(r.kwargs.get("column_list", [])):
            if c not in cols:
                cols.append(c)
    return cols


def run_row_rules(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, tuple[bool, int, int | None]]:
    """rule id -> (passed, failing count, rows checked), as Great Expectations judges the batch."""
    if not contract.row_rules:
        return {}
    cols = ", ".join(f'"{c}"' for c in rule_columns(contract))
    df = con.sql(f"SELECT {cols} FROM batch").to_arrow_table().to_pandas()
    batch = gx_batch_definition().get_batch(batch_parameters={"dataframe": df})
    result = batch.validate(expectation_suite(contract), result_format="BASIC")
    out = {}
    for r in result.results:
        rid = r.expectation_config.meta["rule_id"]
        res = r.result or {}
        failing = res.get("unexpected_count")
        if failing is None:
            failing = 0 if r.success else 1
        out[rid] = (bool(r.success), int(failing), res.get("element_count"))
    return out


# ---------------------------------------------------------------------------------------------------
# DuckDB: the rows that break a rule


def _quote(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_quote(v) for v in value) + "]"
    if value is None:
        return "NULL"
    return repr(value)


def _outside(col: str, expr: str, k: dict) -> str | None:
    """Rows whose `expr` lies outside [min_value, max_value] (bounds inclusive unless strict), as GX judges."""
    parts = []
    if k.get("min_value") is not None:
        parts.append(f"{expr} {'<=' if k.get('strict_min') else '<'} {_quote(k['min_value'])}")
    if k.get("max_value") is not None:
        parts.append(f"{expr} {'>=' if k.get('strict_max') else '>'} {_quote(k['max_value'])}")
    return f"{col} IS NOT NULL AND ({' OR '.join(parts)})" if parts else None


def row_rule_predicate(rule: RowRule) -> str | None:
    """The SQL condition true for the batch rows a row rule fails on; None for an expectation not translated."""
    k = rule.kwargs
    col = f'"{k["column"]}"' if k.get("column") else None
    t = rule.expectation
    if t == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if t == "expect_column_values_to_be_null":
        return f"{col} IS NOT NULL"
    if t == "expect_column_values_to_be_in_set":
        return f"{col} IS NOT NULL AND NOT list_contains({_quote(list(k['value_set']))}, {col})"
    if t == "expect_column_values_to_match_regex":
        return f"{col} IS NOT NULL AND NOT regexp_matches({col}, {_quote(k['regex'])})"
    if t == "expect_column_values_to_be_between":
        return _outside(col, col, k)
    if t == "expect_column_values_to_not_be_in_set":
        return f"{col} IS NOT NULL AND list_contains({_quote(list(k['value_set']))}, {col})"
    if t == "expect_column_values_to_not_match_regex":
        return f"{col} IS NOT NULL AND regexp_matches({col}, {_quote(k['regex'])})"
    if t == "expect_column_value_lengths_to_equal":
        return f"{col} IS NOT NULL AND length({col}::VARCHAR) <> {int(k['value'])}"
    if t == "expect_column_value_lengths_to_be_between":
        return _outside(col, f"length({col}::VARCHAR)", k)
    if t == "expect_column_values_to_be_unique":
        return f"{col} IS NOT NULL AND count(*) OVER (PARTITION BY {col}) > 1"
    if t == "expect_compound_columns_to_be_unique":
        cols = ", ".join(f'"{c}"' for c in k["column_list"])
        present = " AND ".join(f'"{c}" IS NOT NULL' for c in k["column_list"])
        return f"({present}) AND count(*) OVER (PARTITION BY {cols}) > 1"
    return None


def _row_sql(rule: RowRule, predicate: str, limit: int | None) -> str:
    raw = RAW_COLUMN.get(rule.report_column or "", rule.kwargs.get("column") or "value_text")
    window = "OVER" in predicate
    inner = (f"SELECT *, ({predicate}) AS _fails FROM batch" if window else f"SELECT * FROM batch WHERE {predicate}")
    where = "WHERE _fails" if window else ""
    shown = {"value": "source_column",
             "district": "CASE WHEN source_column = 'value' THEN 'district' ELSE source_column END"}.get(
        rule.report_column or "", _quote(rule.report_column))
    return (f"SELECT source_file, source_sheet, source_row, {shown}, period, district, measure, "
            f'"{raw}"::VARCHAR AS value, strftime(period, \'%Y-%m\') AS period_text, district AS district_name, '
            f"measure AS measure_name, source_column FROM ({inner}) {where} "
            f"ORDER BY source_file, source_sheet NULLS FIRST, source_row, source_column"
            + (f" LIMIT {limit}" if limit else ""))


def _render(template: str, **values: object) -> str:
    """The rule's message with its placeholders filled in one pass (a cell holding "{district}" stays as it is).
    Text from the file is shown with its control characters escaped; a long cell is quoted by its first
    characters, and the message ends by saying so."""
    notes: list[str] = []

    def fill(m: re.Match) -> str:
        if m.group(1) not in values:
            return m.group(0)
        v = values[m.group(1)]
        text = "" if v is None else str(v)
        if m.group(1) == "value" and len(text) > QUOTED_LIMIT:
            notes.append(f" (The cell holds {len(text):,} characters; the first {QUOTED_LIMIT} are quoted.)")
            return shown(text[:QUOTED_LIMIT], None)
        return shown(text, 400)

    return re.sub(r"\{(\w+)\}", fill, template) + "".join(notes[:1])


def row_rule_samples(con, rule: RowRule, limit: int | None = SAMPLES_KEPT) -> list[Sample]:
    predicate = row_rule_predicate(rule)
    if predicate is None:
        return []
    rows = con.execute(_row_sql(rule, predicate, limit)).fetchall()
    return [Sample(f, sh, r, c, p, d, m, _render(rule.message, value=v, period=pt, district=dn, measure=mn), cell)
            for f, sh, r, c, p, d, m, v, pt, dn, mn, cell in rows]


def fill_query(query: str, current_month: dt.date) -> str:
    refs = reference_values()
    names = {"object": "batch", "table": "batch", "figure": "figure", "published_periods": "published_period",
             "current_month": f"DATE '{current_month.isoformat()}'"}
    for name, value in refs.items():
        names[name] = _quote(value)
    for name, value in names.items():
        query = query.replace("${" + name + "}", value)
    return query


def set_rule_rows(con, rule: SetRule, current_month: dt.date, limit: int | None) -> tuple[int, list[Sample]]:
    sql = fill_query(rule.query, current_month)
    try:
        count = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
        if not count:
            return 0, []
        rows = con.execute(
            f"SELECT {', '.join(SET_RULE_COLUMNS)} FROM ({sql}) "
            f"ORDER BY source_file NULLS FIRST, source_sheet NULLS FIRST, source_row NULLS LAST, "
            f"period, district, measure" + (f" LIMIT {limit}" if limit else "")).fetchall()
    except duckdb.Error as exc:
        raise ContractError(f'Contract rule "{rule.id}": its query cannot run ({str(exc).splitlines()[0]}). '
                            f"It must return the columns {', '.join(SET_RULE_COLUMNS)}.") from None
    label = _batch_file(con)
    return count, [Sample(f or label, sh, r, rule.report_column or c, p, d, m, _render(rule.message, detail=detail),
                          c) for f, sh, r, c, p, d, m, detail in rows]


def _batch_file(con) -> str | None:
    rows = con.execute("SELECT any_value(source_file) FROM batch").fetchall()
    return rows[0][0] if rows else None


# ---------------------------------------------------------------------------------------------------


def validate_batch(con: duckdb.DuckDBPyConnection, contract: Contract, *, scope: str, label: str,
                   current_month: dt.date) -> ValidationRun:
    """Run every rule of the contract over the temporary table `batch`."""
    started = time.perf_counter()
    run = ValidationRun(contract, scope, label, rows=con.execute("SELECT count(*) FROM batch").fetchall()[0][0],
                        started_at=utc_now())
    judged = run_row_rules(con, contract) if run.rows else {}
    for rule in contract.row_rules:
        passed, failing, checked = judged.get(rule.id, (True, 0, run.rows))
        samples = [] if passed else row_rule_samples(con, rule)
        run.results.append(RuleResult(rule.id, rule.severity, "great_expectations", rule.expectation, passed,
                                      failing, checked, rule.description, samples))
    for rule in contract.set_rules:
        count, samples = set_rule_rows(con, rule, current_month, SAMPLES_KEPT)
        run.results.append(RuleResult(rule.id, rule.severity, "duckdb", None, count == 0, count, run.rows,
                                      rule.description, samples))
    run.seconds = time.perf_counter() - started
    return run


def caveat_rows(con, run: ValidationRun, current_month: dt.date) -> list[tuple]:
    """(period, district, measure, rule id, severity, message) for each figure a failed warning concerns."""
    out: list[tuple] = []
    by_id = {r.id: r for r in (*run.contract.row_rules, *run.contract.set_rules)}
    for result in run.warnings:
        rule = by_id[result.rule_id]
        if isinstance(rule, SetRule):
            samples = set_rule_rows(con, rule, current_month, CAVEATS_KEPT)[1]
        else:
            samples = row_rule_samples(con, rule, CAVEATS_KEPT)
        # a caveat follows a figure of this batch; a warning about an absent figure has no figure to follow
        out += [(s.period, s.district, s.measure, rule.id, rule.severity, s.message) for s in samples
                if s.period and s.district and s.measure and s.source_row is not None]
    return out


def quarantine_rows(con, run: ValidationRun, current_month: dt.date) -> list[tuple]:
    """Every batch row that broke an error rule, with all its reasons: (source_row key) -> reasons."""
    reasons: dict[tuple, tuple[list[str], list[str]]] = {}
    by_id = {r.id: r for r in (*run.contract.row_rules, *run.contract.set_rules)}
    for result in run.errors:
        rule = by_id[result.rule_id]
        if isinstance(rule, SetRule):
            samples = set_rule_rows(con, rule, current_month, None)[1]
        else:
            samples = row_rule_samples(con, rule, None)
        for s in samples:
            if s.source_row is None:
                continue
            key = (s.source_sheet, s.source_row, s.cell)
            ids, msgs = reasons.setdefault(key, ([], []))
            ids.append(rule.id)
            msgs.append(s.message)
    if not reasons:
        return []
    keys = list(reasons)
    con.execute("CREATE OR REPLACE TEMP TABLE quarantine_keys "
                "(source_sheet VARCHAR, source_row INTEGER, source_column VARCHAR, k INTEGER)")
    con.executemany("INSERT INTO quarantine_keys VALUES (?, ?, ?, ?)",
                    [[s, r, c, i] for i, (s, r, c) in enumerate(keys)])
    rows = con.execute(
        """SELECT q.k, b.source_file, b.source_sheet, b.source_row, b.source_column, b.period_text, b.district_text,
                  b.measure_text, b.value_text, b.note
           FROM quarantine_keys q JOIN batch b
             ON b.source_sheet IS NOT DISTINCT FROM q.source_sheet AND b.source_row = q.source_row
            AND b.source_column IS NOT DISTINCT FROM q.source_column
           ORDER BY q.k"""
    ).fetchall()
    con.execute("DROP TABLE quarantine_keys")
    return [(*row[1:], *reasons[keys[row[0]]]) for row in rows]
