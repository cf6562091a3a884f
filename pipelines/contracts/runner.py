"""Running a contract over a batch held in DuckDB: row rules by one of two engines, set rules as SQL.

The batch is the temporary table `batch`. The default engine judges each row rule with its own DuckDB
predicate, counting failing and checked rows as Great Expectations would; a rule whose expectation has
no translation is judged by Great Expectations. The second engine ("gx") hands the batch to Great
Expectations as a pandas frame (its SQL datasource does not work on DuckDB), for Data Docs and as an
independent check. Either way the failing rows themselves are asked of DuckDB, with their file and row,
since asking Great Expectations for every failing row costs minutes on a large batch.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from ..catalogue import catalogue, counted, district_now, force, reference_stamp
from ..errors import QUOTED_LIMIT, Problem, shown
from ..uk_time import month_named, month_text
from ..warehouse import utc_now
from .batch import batch_columns, split_views
from .contract import Contract, ContractError, RowRule, SetRule, reference_values

SAMPLES_KEPT = 50  # failing rows kept per rule in the run record
CAVEATS_KEPT = 100_000
# failing rows a run holds on to per failed set rule: when a rule found no more, its caveats or quarantine are
# written from them rather than by running its query again
ROWS_HELD = 1_000
RAW_COLUMN = {"period": "period_text", "district": "district_text", "measure": "measure_text",
              "value": "value_text", "category": "category_text"}
ENGINES = ("duckdb", "gx")
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
    engine: str  # great_expectations | duckdb: which engine judged the rule
    expectation: str | None
    passed: bool
    failing_count: int
    checked_count: int | None
    description: str
    samples: list[Sample] = field(default_factory=list)
    # every row the rule failed on, when the run found them all (at most ROWS_HELD); None otherwise
    found: list[Sample] | None = field(default=None, repr=False, compare=False)


@dataclass
class ValidationRun:
    contract: Contract
    scope: str
    label: str
    rows: int
    started_at: dt.datetime
    seconds: float = 0.0
    results: list[RuleResult] = field(default_factory=list)
    records: int | None = None  # the file's records, where the rows checked are their distinct values (police.uk)
    # what a dry run found of the file beside the rules, said with its verdict: of a police.uk file holding no record
    # of the force, whose records they are and that they count in none of the force's figures; not stored
    note: str = ""

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
        found += [Problem(self.label.strip('"'), f'the rule "{r.rule_id}" failed on {counted(r.failing_count, "row")}: '
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


def expectation_suite(contract: Contract, rules: tuple[RowRule, ...] | None = None):
    """The contract's row rules (or those given) as a Great Expectations suite, cached per contract content."""
    rules = contract.row_rules if rules is None else rules
    key = f"suite:{contract.sha256}:{','.join(r.id for r in rules)}"
    if key not in _GX:
        gx_batch_definition()
        gx = _GX["gx"]
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        expectations = [ExpectationConfiguration(type=r.expectation, kwargs=r.kwargs,
                                                 meta={"rule_id": r.id, "severity": r.severity}).to_domain_obj()
                        for r in rules]
        _GX[key] = gx.ExpectationSuite(name=f"{contract.name} {contract.version}", expectations=expectations)
    return _GX[key]


def rule_columns(contract: Contract, rules: tuple[RowRule, ...] | None = None) -> list[str]:
    """The batch columns the row rules read: all that is handed to Great Expectations."""
    cols: list[str] = []
    for r in contract.row_rules if rules is None else rules:
        for c in _reads(r):
            if c not in cols:
                cols.append(c)
    return cols


def run_row_rules(con: duckdb.DuckDBPyConnection, contract: Contract, rules: tuple[RowRule, ...] | None = None
                  ) -> dict[str, tuple[bool, int, int | None]]:
    """rule id -> (passed, failing count, rows checked), as Great Expectations judges the batch."""
    rules = contract.row_rules if rules is None else rules
    if not rules:
        return {}
    present = batch_columns(con)
    # a column the batch lacks is left out: the rule reading it fails in Great Expectations, as it should
    cols = ", ".join(f'"{c}"' for c in rule_columns(contract, rules) if c in present) or "NULL AS _none"
    df = con.sql(f"SELECT {cols} FROM batch").to_arrow_table().to_pandas()
    batch = gx_batch_definition().get_batch(batch_parameters={"dataframe": df})
    result = batch.validate(expectation_suite(contract, rules), result_format="BASIC")
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


# the arguments each translated expectation may carry; any other (row_condition, ...) leaves it to GX
_MAP_ARGS = {"column", "mostly", "catch_exceptions"}
TRANSLATED = {
    "expect_column_values_to_not_be_null": _MAP_ARGS,
    "expect_column_values_to_be_null": _MAP_ARGS,
    "expect_column_values_to_be_in_set": _MAP_ARGS | {"value_set"},
    "expect_column_values_to_not_be_in_set": _MAP_ARGS | {"value_set"},
    "expect_column_values_to_match_regex": _MAP_ARGS | {"regex"},
    "expect_column_values_to_not_match_regex": _MAP_ARGS | {"regex"},
    "expect_column_values_to_be_between": _MAP_ARGS | {"min_value", "max_value", "strict_min", "strict_max"},
    "expect_column_value_lengths_to_equal": _MAP_ARGS | {"value"},
    "expect_column_value_lengths_to_be_between": _MAP_ARGS | {"min_value", "max_value", "strict_min",
                                                              "strict_max"},
    "expect_column_values_to_be_unique": _MAP_ARGS,
    "expect_compound_columns_to_be_unique": {"column_list", "mostly", "catch_exceptions", "ignore_row_if"},
}
# A pattern made only of literals, explicit classes, groups, alternation, quantifiers and anchors means
# the same to RE2 (DuckDB) as to Python's re (pandas, so GX) on any text not ending in a newline, where
# Python's "$" also matches just before it. Anything else, and those texts, go through Python's re.
_RE2_SAFE = re.compile(r"(?:[^\\(]|\\[^A-Za-z0-9]|\(\?:|\((?!\?))*")


def _re2_safe(pattern: str) -> bool:
    return pattern.isascii() and bool(_RE2_SAFE.fullmatch(pattern)) and "[:" not in pattern and "{," not in pattern


def _regex_search(col: str, pattern: str) -> str:
    """SQL true where Python's re.search(pattern, text) finds a match, as pandas' str.contains does.

    The texts that need Python's re are marked PYTHON_SEARCH(column, pattern), which `bind_python_searches`
    replaces with the texts of the batch it matches before the query runs."""
    python = f"{PYTHON_SEARCH}({col}, {_quote(pattern)})"
    if not _re2_safe(pattern):
        return python
    return f"CASE WHEN suffix({col}, chr(10)) THEN {python} ELSE regexp_matches({col}, {_quote(pattern)}) END"


PYTHON_SEARCH = "pccdash_re_search"
_PYTHON_SEARCH_CALL = re.compile(PYTHON_SEARCH + r"""\(("(?:[^"]|"")+"::VARCHAR), '((?:[^']|'')*)'\)""")


def bind_python_searches(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """`sql` with each PYTHON_SEARCH(column, pattern) replaced by the batch's texts Python's re.search matches
    (or, when fewer, those it does not), found once per distinct text.

    This is done in Python rather than by a DuckDB function: a function made inside a transaction that is
    rolled back (a refused police.uk file, a dry run) leaves DuckDB's catalog while the connection keeps its
    name and will not make it again, and the next query calling it aborts the caller's transaction."""

    def bind(m: re.Match) -> str:
        column, pattern = m.group(1), m.group(2).replace("''", "'")
        search = re.compile(pattern).search
        # a pattern RE2 reads as Python does asks Python only about texts ending in a newline
        where = f"{column} IS NOT NULL" + (f" AND suffix({column}, chr(10))" if _re2_safe(pattern) else "")
        texts = [t for (t,) in con.execute(f"SELECT DISTINCT {column} FROM batch WHERE {where}").fetchall()]
        hits = [t for t in texts if search(t)]
        if len(hits) * 2 <= len(texts):
            return f"{column} IN {_texts(hits)}" if hits else "false"
        misses = [t for t in texts if not search(t)]
        return f"NOT ({column} IN {_texts(misses)})" if misses else f"({column} IS NOT NULL)"

    return _PYTHON_SEARCH_CALL.sub(bind, sql)


def _texts(texts: list[str]) -> str:
    # a subquery over a list: DuckDB takes a long IN (...) list of constants in time growing with its square
    return f"(SELECT unnest({_quote(texts)}::VARCHAR[]))"


def _reads(rule: RowRule) -> list[str]:
    """The batch columns a row rule reads."""
    k = rule.kwargs
    return ([k["column"]] if k.get("column") else []) + list(k.get("column_list", []))


def row_rule_predicate(rule: RowRule) -> str | None:
    """The SQL condition true for the batch rows a row rule fails on; None for an expectation not translated."""
    k = rule.kwargs
    t = rule.expectation
    if t not in TRANSLATED or set(k) - TRANSLATED[t]:
        return None
    if t == "expect_compound_columns_to_be_unique":
        if not k.get("column_list"):
            return None
        cols = ", ".join(f'"{c}"' for c in k["column_list"])
        # nulls count as equal values, as pandas' duplicated() counts them
        return f"({_considered(rule)}) AND count(*) OVER (PARTITION BY {cols}) > 1"
    if not k.get("column"):
        return None
    col = f'"{k["column"]}"'
    if t == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if t == "expect_column_values_to_be_null":
        return f"{col} IS NOT NULL"
    if t in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        if k.get("value_set") is None:
            return "false"  # GX: vacuously true
        values = list(k["value_set"])
        inside = f"list_contains({_quote(values)}, {col})" if values else "false"
        return f"{col} IS NOT NULL AND {inside if 'not_be' in t else f'NOT {inside}'}"
    if t in ("expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex"):
        if not isinstance(k.get("regex"), str):
            return None
        search = _regex_search(f"{col}::VARCHAR", k["regex"])
        return f"{col} IS NOT NULL AND {'' if 'not_match' in t else 'NOT '}coalesce({search}, false)"
    if t == "expect_column_values_to_be_between":
        return _outside(col, col, k)
    if t == "expect_column_value_lengths_to_equal":
        return f"{col} IS NOT NULL AND length({col}::VARCHAR) <> {int(k['value'])}"
    if t == "expect_column_value_lengths_to_be_between":
        return _outside(col, f"length({col}::VARCHAR)", k)
    if t == "expect_column_values_to_be_unique":
        return f"{col} IS NOT NULL AND count(*) OVER (PARTITION BY {col}) > 1"
    return None


def _considered(rule: RowRule) -> str:
    """SQL true for the rows GX weighs a rule's `mostly` against: non-null values, every row for the null
    checks, and for a compound rule the rows its ignore_row_if keeps."""
    k = rule.kwargs
    if rule.expectation in ("expect_column_values_to_not_be_null", "expect_column_values_to_be_null"):
        return "true"
    if rule.expectation == "expect_compound_columns_to_be_unique":
        cols = [f'"{c}" IS NOT NULL' for c in k["column_list"]]
        ignore = k.get("ignore_row_if", "all_values_are_missing")
        return {"all_values_are_missing": " OR ".join(cols), "any_value_is_missing": " AND ".join(cols)}.get(
            ignore, "true")
    return f'"{k["column"]}" IS NOT NULL'


def _mostly_success(considered: int, failing: int, total: int, mostly: float | None) -> bool:
    """GX's verdict from the counts: vacuously true on no rows, else the share passing at least `mostly`."""
    if total == 0 or considered == 0:
        return True
    return (float(considered) - float(failing)) / float(considered) >= (1 if mostly is None else mostly)


def duckdb_row_rules(con: duckdb.DuckDBPyConnection, rules: tuple[RowRule, ...], present: set[str] | None = None
                     ) -> dict[str, tuple[bool, int, int]]:
    """rule id -> (passed, failing count, rows checked) for the rules with a predicate, in one query over the
    batch; a rule reading a column the batch lacks, or whose query cannot run, is left out (Great
    Expectations then judges it). The columns are looked at first: inside a transaction (a police.uk load) a
    query that fails aborts it. `present`: the batch's columns, when already read."""
    present = present if present is not None else batch_columns(con)
    preds = {r.id: p for r in rules
             if all(c in present for c in _reads(r)) and (p := row_rule_predicate(r)) is not None}
    if not preds:
        return {}
    by_id = {r.id: r for r in rules}
    # a column's distinct values pay for grouping them only in a large batch: in a small one (a correction) the
    # groupings cost more to plan than the rows cost to judge
    by_value = con.execute("SELECT count(*) FROM batch").fetchall()[0][0] >= BY_VALUE_ROWS

    def counts(ids: list[str], exact: bool = False) -> list:
        sql = bind_python_searches(con, _tally_sql([(by_id[i], preds[i]) for i in ids], exact, by_value))
        return con.execute(sql).fetchall()[0]

    ids = list(preds)
    try:
        found = dict(zip(ids, _pairs(counts(ids)), strict=True))
    except duckdb.Error:  # one rule's query cannot run (a value of a type it cannot compare): find which
        found = {}
        for i in ids:
            try:
                found[i] = _pairs(counts([i]))[0]
            except duckdb.Error:
                continue
    # a uniqueness rule tallied by its columns' hash counts rows whose hashes collide as repeated too: when it
    # finds any, its columns themselves are grouped to count them exactly
    for i in [i for i, (_, failing, _) in found.items() if failing and _duplicate_keys(by_id[i]) is not None]:
        found[i] = _pairs(counts([i], exact=True))[0]
    out = {}
    for i, (total, failing, considered) in found.items():
        mostly = by_id[i].kwargs.get("mostly")
        out[i] = (_mostly_success(considered, failing, total, mostly), failing, total)
    return out


# Batch columns holding few distinct values (a file's months, districts, measures and categories): a rule reading
# one of them alone is judged once per distinct value, weighted by its rows, not once per row.
BY_VALUE_ROWS = 10_000  # the batch rows from which a rule of one such column is tallied by value
FEW_VALUES = frozenset({"period_text", "district_text", "measure_text", "category_text", "period", "district",
                        "measure", "kind", "value_type", "dimension", "category", "breakdown_key", "breakdown_of",
                        "source_column", "category_column"})


def _by_value_column(rule: RowRule, predicate: str) -> str | None:
    """The one column of FEW_VALUES a rule reads alone, row by row; None for any other rule."""
    reads = _reads(rule)
    if len(reads) != 1 or reads[0] not in FEW_VALUES or "OVER" in predicate:
        return None
    return reads[0]


def _tally_sql(rules: list[tuple[RowRule, str]], exact: bool = False, by_value: bool = True) -> str:
    """One query whose single row is count(*) then (failing, considered) per rule, in the order given.

    The rules that look at each row alone are tallied together in one scan of the batch, but those reading
    one column of few values, which (with `by_value`) are tallied over that column's distinct values with their
    row counts (a regular expression or a list looked up about a hundred times, not a million). A uniqueness rule is
    tallied from the batch grouped by its columns' hash (a group of more than one row fails whole), or with
    `exact`, by the columns themselves: a hash aggregate costs about half the window its predicate uses to
    name the failing rows, and a hash of the columns about half of grouping by them."""
    scan = ["count(*) AS total"]
    grouped: list[str] = []
    per_column: dict[str, list[str]] = {}
    picks = ["s.total"]
    for n, (rule, predicate) in enumerate(rules):
        keys = _duplicate_keys(rule)
        considered = _considered(rule)
        column = _by_value_column(rule, predicate) if by_value else None
        if keys is not None:
            cols = ", ".join(keys)
            if exact:
                grouped.append(
                    f"(SELECT coalesce(sum(n) FILTER (WHERE n > 1 AND coalesce(({considered}), false)), 0)::BIGINT "
                    f"AS f, coalesce(sum(n) FILTER (WHERE coalesce(({considered}), false)), 0)::BIGINT AS c "
                    f"FROM (SELECT {cols}, count(*) AS n FROM batch GROUP BY {cols})) g{n}")
                picks.append(f"g{n}.f, g{n}.c")
                continue
            # whether a row is weighed depends on its key columns alone, so on its group: asked row by row
            grouped.append(
                f"(SELECT coalesce(sum(n) FILTER (WHERE n > 1), 0)::BIGINT AS f "
                f"FROM (SELECT hash({cols}) AS h, count(*) AS n FROM batch "
                f"WHERE coalesce(({considered}), false) GROUP BY h)) g{n}")
            scan.append(f"count(*) FILTER (WHERE coalesce(({considered}), false)) AS c{n}")
            picks.append(f"g{n}.f, s.c{n}")
        elif column is not None:
            per_column.setdefault(column, []).append(
                f"coalesce(sum(n) FILTER (WHERE coalesce(({predicate}), false)), 0)::BIGINT AS f{n}, "
                f"coalesce(sum(n) FILTER (WHERE coalesce(({considered}), false)), 0)::BIGINT AS c{n}")
            v = list(per_column).index(column)
            picks.append(f"v{v}.f{n}, v{v}.c{n}")
        else:
            scan.append(f"count(*) FILTER (WHERE coalesce(({predicate}), false)) AS f{n}, "
                        f"count(*) FILTER (WHERE coalesce(({considered}), false)) AS c{n}")
            picks.append(f"s.f{n}, s.c{n}")
    values = [f'(SELECT {", ".join(aggs)} FROM (SELECT "{column}", count(*) AS n FROM batch GROUP BY "{column}")) v{k}'
              for k, (column, aggs) in enumerate(per_column.items())]
    sources = ", ".join([f"(SELECT {', '.join(scan)} FROM batch) s", *grouped, *values])
    return f"SELECT {', '.join(picks)} FROM {sources}"


def _duplicate_keys(rule: RowRule) -> list[str] | None:
    """The quoted columns a uniqueness rule groups the batch by; None for a rule judged row by row."""
    k = rule.kwargs
    if rule.expectation == "expect_compound_columns_to_be_unique":
        return [f'"{c}"' for c in k["column_list"]]
    if rule.expectation == "expect_column_values_to_be_unique":
        return [f'"{k["column"]}"']
    return None


def _pairs(row: tuple) -> list[tuple[int, int, int]]:
    """(total, failing, considered) per rule from one row of count(*) then pairs of tallies."""
    return [(row[0], row[n], row[n + 1]) for n in range(1, len(row), 2)]


def _raw_column(rule: RowRule) -> str:
    """The batch column whose text a failing row's message quotes."""
    return RAW_COLUMN.get(rule.report_column or "", rule.kwargs.get("column") or "value_text")


def _row_sql(rule: RowRule, predicate: str, limit: int | None) -> str:
    raw = _raw_column(rule)
    window = "OVER" in predicate
    inner = (f"SELECT *, ({predicate}) AS _fails FROM batch" if window else f"SELECT * FROM batch WHERE {predicate}")
    where = "WHERE _fails" if window else ""
    # the column to name: a wide sheet's heading; in a breakdown, the heading the category was written under
    # (as `column_named` names it for a row kept in quarantine)
    shown = {"value": "source_column",
             "district": "CASE WHEN source_column = 'value' THEN 'district' WHEN dimension IS NOT NULL THEN 'District' "
                         "ELSE source_column END",
             "category": "category_column"}.get(rule.report_column or "", _quote(rule.report_column))
    return (f"SELECT source_file, source_sheet, source_row, {shown}, period, district, measure, "
            f'"{raw}"::VARCHAR AS value, strftime(period, \'%Y-%m\') AS period_text, district AS district_name, '
            f"measure AS measure_name, source_column FROM ({inner}) {where} "
            f"ORDER BY source_file, source_sheet NULLS FIRST, source_row, source_column"
            + (f" LIMIT {limit}" if limit else ""))


def column_named(rule: RowRule | SetRule, cell: str | None, dimension: str | None = None,
                 category_column: str | None = None) -> str | None:
    """The return's column a row that broke `rule` is named by, as its samples name it (`_row_sql`, `set_rule_rows`),
    from the row's own cell (the batch's source_column: "value" in a long layout, a district's heading in a wide
    one) and, for a breakdown row, its dimension and the heading its category was written under."""
    if isinstance(rule, SetRule):
        return rule.report_column or cell
    if rule.report_column == "value":
        return cell
    if rule.report_column == "district":
        return "district" if cell == "value" else "District" if dimension is not None else cell
    if rule.report_column == "category":
        return category_column
    return rule.report_column


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


# a number written with a thousands separator ("1,312", "1,312.5", or a space as some spreadsheets write it:
# "1 312"), and a plain number ("96.5", "-4")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
# the batch column of a value's text where it is not a number (contracts/batch.py)
UNREADABLE_VALUE = "value_unreadable"


def number_advice(text: str | None) -> str | None:
    """What to write instead of a value that is a number only but for a thousands separator or a % sign ("1,312",
    "96.5%"): "Write 1312, without the thousands separator."; None when there is no telling what was meant."""
    core = (text or "").strip()
    marks = []
    if core.endswith("%"):
        core = core[:-1].rstrip()
        marks.append("the % sign")
    if _THOUSANDS.fullmatch(core):
        core = re.sub(r"[, \u00a0\u202f]", "", core)
        marks.insert(0, "the thousands separator")
    if not marks or not _PLAIN_NUMBER.fullmatch(core):
        return None
    return f"Write {core}, without {' and '.join(marks)}."


# what a force writes for a figure it has hidden itself ("<5", "*", "[c]"), and for one it does not have ("n/a")
_HIDDEN = re.compile(r"(?:<|≤|&lt;)\s*=?\s*\d+|\*+|\[?(?:c|low)\]?|~", re.IGNORECASE)
_DASH = re.compile(r"[-\u2010-\u2015\u2212]+")
_NOT_AVAILABLE = re.compile(r"n/?a|\[?[xz]\]?|\.\.|not (?:known|available|recorded|reported)|unknown",
                            re.IGNORECASE)


def value_advice(text: str | None) -> str | None:
    """What to do about a value that is not a number: `number_advice`'s "Write 1312, ..." where the number is plain
    to see; for a small number the force hid itself ("<5", "*", "[c]"), to send the count, as the office hides
    small numbers when it publishes; for "n/a" and the like, to leave the figure out; for a dash ("-"), which a
    spreadsheet writes for nil or for nothing to report, what to do in either case. None when there is no telling."""
    core = (text or "").strip()
    if _HIDDEN.fullmatch(core):
        return ("Send the count itself: small numbers are hidden when the figures are published, not in the "
                "return.")
    if _NOT_AVAILABLE.fullmatch(core):
        return "If the figure is not reported, leave it out."
    if _DASH.fullmatch(core):  # a spreadsheet's dash: nil, or nothing to report
        return "If the figure is nil, write 0; if it is not reported, leave it out."
    return number_advice(core)


# a month written with numbers: 2015/07, 2015-7, 07/2015, a day in it (01/07/2015, 2015-07-01), or words (1 July 2015)
_YEAR_MONTH = re.compile(r"(\d{4})[/.\-](\d{1,2})(?:[/.\-]\d{1,2}(?:[ T].*)?)?")
_MONTH_YEAR = re.compile(r"(?:\d{1,2}[/.\-])?(\d{1,2})[/.\-](\d{4})")
_DAY_NAMED = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\s+([A-Za-z]{3,9}\s+\d{4})", re.IGNORECASE)


def month_advice(text: str | None) -> str | None:
    """"Write 2015-07." for a period written as another form of one month ("July 2015", "Jul-15", "2015/07",
    "07/2015", "01/07/2015", a day first as in England); for "Total" and the like, that a totals row is left out;
    None when there is no telling which month."""
    core = (text or "").strip()
    if _WHOLE_FORCE.fullmatch(core):
        return "That is a totals row: leave it out, as totals are added up from the return's figures."
    meant = month_named(core)
    if meant is None and (m := _DAY_NAMED.fullmatch(core)):
        meant = month_named(m.group(1))
    if meant is None:
        for pattern, year_at in ((_YEAR_MONTH, 1), (_MONTH_YEAR, 2)):
            if m := pattern.fullmatch(core):
                year, month = int(m.group(year_at)), int(m.group(3 - year_at))
                if 1 <= month <= 12:
                    meant = f"{year:04d}-{month:02d}"
                break
    return f"Write {meant}." if meant and meant != core else None


# what a force writes for the whole force's figure, besides force.yaml's force_total_names
_WHOLE_FORCE = re.compile(r"(?:grand |overall |force )?totals?|all(?: districts| areas)?|force(?:[ -]?wide)?",
                          re.IGNORECASE)


def district_advice(text: str | None) -> str | None:
    """'Did you mean "Rotherham"?' for a district written with more words ("Rotherham District") or misspelt
    ("Rotheram"); for the force's total ("South Yorkshire", "Total", "All districts"), to leave it out; None when no
    one district is near enough."""
    core = " ".join((text or "").split()).lower()
    if not core:
        return None
    if core in {" ".join(n.split()).lower() for n in force().total_names} or _WHOLE_FORCE.fullmatch(core):
        return ("That is the whole force, not a district: leave the force's totals out of the return (a wide "
                "sheet's check column may be headed Total).")
    lookup = force().district_lookup()
    within = _within(core, lookup)
    near = difflib.get_close_matches(core, list(lookup), n=1, cutoff=0.8)
    meant = within.pop() if len(within) == 1 else lookup[near[0]] if near and not within else None
    return f'Did you mean "{meant}"?' if meant else None


def _within(core: str, lookup: dict[str, str]) -> set[str]:
    """The districts whose name or alias is a whole word or words of `core` (lower case, spaces single)."""
    return {d for label, d in lookup.items() if re.search(rf"\b{re.escape(label)}\b", core)}


def rename_advice(text: str | None) -> str | None:
    """For a district written as a district's name with more words ("Sheffield City"), as a force may rename one:
    that a rename is recorded in force.yaml, the new name with the former among its aliases. None for any other text
    (a misspelling is not a rename; the whole force is not a district)."""
    written = " ".join((text or "").split())
    advice = district_advice(written)
    within = _within(written.lower(), force().district_lookup())
    if (advice is None or not advice.startswith("Did you mean") or len(within) != 1
            or written.lower() in force().district_lookup()):
        return None
    former = within.pop()
    return (f"If the force has renamed the district, record the rename in force.yaml: the district's name "
            f'"{written}", with its former name among its aliases (aliases: [{former}]), so that its months '
            f"sent as {former} stay its own; then load the file again.")


def measure_advice(text: str | None) -> str | None:
    """'Did you mean "CSE arrests" (cse_arrests)?', by its short name, for a measure of the return misspelt ("CSE
    arrest"); None when none is near enough, or the text names a measure of the catalogue that a return does not
    send."""
    core = " ".join((text or "").split()).lower()
    cat = catalogue()
    if not core or core in cat.lookup():
        return None
    labels = {label.strip().lower(): m for m in cat.of_source("force_return")
              for label in (m.id, m.name, m.short_name, *m.aliases)}
    near = difflib.get_close_matches(core, list(labels), n=1, cutoff=0.8)
    return f'Did you mean "{labels[near[0]].short_name}" ({labels[near[0]].id})?' if near else None


def count_advice(text: str | None) -> str | None:
    """"Write 6, without the decimal point." for a count written as a whole number with a decimal point ("6.0", as a
    spreadsheet or a script may export it); None for any other (12.5 is no count)."""
    core = (text or "").strip()
    m = re.fullmatch(r"(\d+)\.0+", core)
    return f"Write {int(m.group(1))}, without the decimal point." if m else None


_ADVICE = {UNREADABLE_VALUE: value_advice, "period_text": month_advice, "district": district_advice,
           "measure": measure_advice, "count_text": count_advice}


def _with_advice(rule: RowRule, message: str, value: str | None, said: dict) -> str:
    """A rule's message on a value it cannot read (a number, a month), ending with what to write or do instead where
    that can be told. `said`: the advice already worked out for each text, as a quarantine of a large file repeats
    the same few texts on many rows (a near match to a measure is looked for once, not on every row)."""
    advise = _ADVICE.get(rule.column or "")
    if advise and value not in said:
        said[value] = advise(value)
    advice = said.get(value) if advise else None
    return f"{message} {advice}" if advice else message


def row_rule_samples(con, rule: RowRule, limit: int | None = SAMPLES_KEPT) -> list[Sample]:
    predicate = row_rule_predicate(rule)
    present = batch_columns(con)
    if predicate is None or not all(c in present for c in (*_reads(rule), _raw_column(rule))):
        return []  # judged by Great Expectations: no rows to show
    try:
        rows = con.execute(bind_python_searches(con, _row_sql(rule, predicate, limit))).fetchall()
    except duckdb.Error:  # a rule DuckDB cannot run was judged by Great Expectations: no rows to show
        return []
    said: dict = {}
    names = {m.id: m.short_name for m in catalogue().measures}  # a message names a measure and a month as people do
    samples = [Sample(f, sh, r, c, p, d, m,
                      _with_advice(rule, _render(rule.message, value=v, period=month_text(pt), district=dn,
                                                 measure=names.get(mn, mn)), v, said),
                      cell)
               for f, sh, r, c, p, d, m, v, pt, dn, mn, cell in rows]
    if rule.column == "district":  # a district renamed: how to record it is said once a file, at its first row
        told: set[str | None] = set()
        for sample, (f, *_rest, v, _pt, _dn, _mn, _cell) in zip(samples, rows, strict=True):
            if f not in told and (rename := rename_advice(v)) is not None:
                told.add(f)
                sample.message = f"{sample.message} {rename}"
    return samples



FIGURES_NOW = "figure_now"
BREAKDOWNS_NOW = "figure_breakdown_now"  # the same for their breakdowns, read as ${figure_breakdown}


def _hold_figures(con: duckdb.DuckDBPyConnection, contract: Contract, sent: set[str] | None = None) -> None:
    """The accepted figures the batch can be compared with, as they stand, in a temporary table the set rules read
    as ${figure}: those of the batch's measures and of every measure linked to them, by the catalogue (a part and
    its whole, a percentage and its parts) or by a rule naming both. The `figure` view ranks every revision of
    every measure each time it is read, and a contract reads it in several rules: a one-figure correction would
    cost as much as the whole warehouse, several times over. Made when a batch is validated, so every rule, and
    any later look at a rule's rows or at what the batch changes, sees the figures it was judged against."""
    linked = {"m": sorted(_linked_measures(con, contract, sent))}
    con.execute(f"CREATE OR REPLACE TEMP TABLE {FIGURES_NOW} AS SELECT * FROM figure WHERE list_contains($m, measure)",
                linked)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {BREAKDOWNS_NOW} AS SELECT * FROM figure_breakdown "
                "WHERE list_contains($m, measure)", linked)


def _linked_measures(con: duckdb.DuckDBPyConnection, contract: Contract, sent: set[str] | None = None) -> set[str]:
    """The batch's measures (`sent`, when already read), and every measure linked to one of them, however many links
    away."""
    measures = sent if sent is not None else {
        m for (m,) in con.execute("SELECT DISTINCT measure FROM batch WHERE measure IS NOT NULL").fetchall()}
    ids = set(catalogue().by_id)
    # a rule naming measures links them
    return linked_measures(measures, [{i for i in ids if i in rule.query} for rule in contract.set_rules])


def linked_measures(measures: set[str], links: list[set[str]]) -> set[str]:
    """`measures`, and every measure linked to one of them, however many links away: by the catalogue (a part and
    its whole, a percentage and its parts) or by one of `links` (measures a rule compares with one another)."""
    measures = set(measures)
    groups = [{m.id, m.part_of, m.numerator, m.denominator} - {None} for m in catalogue().measures] + links
    grown = True
    while grown:
        grown = False
        for group in groups:
            if group & measures and not group <= measures:
                measures |= group
                grown = True
    return measures


def figures_table(con: duckdb.DuckDBPyConnection) -> str:
    """`figure_now` while this connection holds it (a batch was validated and its transaction stands), else the
    `figure` view."""
    try:
        con.execute(f"SELECT 1 FROM {FIGURES_NOW} LIMIT 0").fetchall()
    except duckdb.CatalogException:
        return "figure"
    return FIGURES_NOW


def breakdowns_table(con: duckdb.DuckDBPyConnection) -> str:
    """`figure_breakdown_now` while this connection holds it (as `figures_table`), else the `figure_breakdown` view."""
    return BREAKDOWNS_NOW if figures_table(con) == FIGURES_NOW else "figure_breakdown"


# What `published_hidden` read from each snapshot file published before the warehouse kept its hidden figures, by
# its path, size and time: a snapshot is written once.
_PUBLISHED_HIDDEN: dict[tuple[str, int, int], str] = {}
_NO_PUBLISHED_HIDDEN = ("(SELECT NULL::DATE AS period, NULL::VARCHAR AS district, NULL::VARCHAR AS measure, "
                        "NULL::VARCHAR AS display WHERE false)")


def published_hidden(con: duckdb.DuckDBPyConnection) -> str:
    """${published_hidden}: the month figures the publication the public reads now hides (period, district, measure,
    and the marker it shows instead, `display`), as a query. A correction of one is said to revise a figure published
    hidden, never the count the public did not see. A publication records them in the warehouse (the
    `published_hidden` view); one made before it did is read from its snapshot file."""
    from ..public import published_dir
    from ..public import read as public_read

    in_force = con.execute(
        """SELECT s.file_name, s.created_at >= (SELECT applied_at FROM schema_migration WHERE name = 'snapshot_hidden')
           FROM snapshot_in_force f JOIN snapshot s ON s.version = f.version""").fetchall()
    if not in_force:
        return _NO_PUBLISHED_HIDDEN
    [(file_name, recorded)] = in_force
    if recorded:
        return "published_hidden"
    path = published_dir() / file_name
    try:
        stat = path.stat()
    except OSError:  # a snapshot that is not there hides nothing it can name
        return _NO_PUBLISHED_HIDDEN
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _PUBLISHED_HIDDEN:
        try:
            rows = public_read("SELECT DISTINCT period, area, measure, display FROM figure "
                               "WHERE period_type = 'month' AND suppressed", snapshot=path)
        except duckdb.Error:  # a snapshot that cannot be read hides nothing it can name
            return _NO_PUBLISHED_HIDDEN
        values = ", ".join(f"(DATE {_quote(p + '-01')}, {_quote(a)}, {_quote(m)}, {_quote(d)})"
                           for p, a, m, d in rows.itertuples(index=False, name=None))
        _PUBLISHED_HIDDEN[key] = (f"(SELECT * FROM (VALUES {values}) t(period, district, measure, display))"
                                  if values else _NO_PUBLISHED_HIDDEN)
    return _PUBLISHED_HIDDEN[key]


def quoted_references() -> dict[str, str]:
    """The reference lists a rule may name (`reference_values`), each written as a SQL literal: read again when
    measures.yaml, dimensions.yaml or force.yaml changes (as the catalogue is), not for each rule of each batch."""
    return _quoted_references(reference_stamp("measures.yaml", "dimensions.yaml", "force.yaml"))


@functools.lru_cache(maxsize=8)
def _quoted_references(_stamp: tuple) -> dict[str, str]:
    return {name: _quote(value) for name, value in reference_values().items()}


def fill_query(con: duckdb.DuckDBPyConnection, query: str, current_month: dt.date, figure: str = "figure", *,
               named_now: bool = False) -> str:
    """The rule's query with its placeholders filled: ${object} is the batch's figures (a measure's total for a
    district and month), ${breakdown} their breakdowns, ${table} both; ${figure} and ${figure_breakdown} what
    the warehouse holds, with `named_now` each district under the name force.yaml gives it now, as a batch names
    it (a renamed district's months held under its former name are its own)."""
    names = {"object": "batch_total", "breakdown": "batch_breakdown", "table": "batch", "figure": figure,
             "figure_breakdown": BREAKDOWNS_NOW if figure == FIGURES_NOW else "figure_breakdown",
             "published_periods": "published_period", "published_figures": "published_figure",
             "current_month": f"DATE '{current_month.isoformat()}'"}
    if "${published_hidden}" in query:
        names["published_hidden"] = published_hidden(con)
    names |= quoted_references()
    now = district_now("district")
    if named_now and now != "district":  # a renamed district's months held under its former name are its own
        for name in ("figure", "figure_breakdown"):
            names[name] = f"(SELECT * REPLACE ({now} AS district) FROM {names[name]})"
    for name, value in names.items():
        query = query.replace("${" + name + "}", value)
    return query


_SET_RULE_ORDER = ("source_file NULLS FIRST, source_sheet NULLS FIRST, source_row NULLS LAST, period, district, "
                   "measure")


def set_rule_rows(con, rule: SetRule, current_month: dt.date, limit: int | None,
                  figure: str | None = None) -> tuple[int, list[Sample]]:
    """The count of a set rule's rows and the first `limit` of them. `figure`: the table ${figure} reads (found
    when not given)."""
    if figure is None:
        figure = figures_table(con) if "${figure" in rule.query else "figure"
    sql = fill_query(con, rule.query, current_month, figure, named_now=True)
    try:  # one run of the query: the count of all its rows rides along with the first few
        rows = con.execute(
            f"SELECT {', '.join(SET_RULE_COLUMNS)}, count(*) OVER () FROM ({sql}) "
            f"ORDER BY {_SET_RULE_ORDER}" + (f" LIMIT {limit}" if limit else "")).fetchall()
    except duckdb.Error as exc:
        raise ContractError(f'Contract rule "{rule.id}": its query cannot run ({str(exc).splitlines()[0]}). '
                            f"It must return the columns {', '.join(SET_RULE_COLUMNS)}.") from None
    if not rows:
        return 0, []
    label = _batch_file(con)
    return rows[0][-1], [set_rule_sample(rule, row[:-1], label) for row in rows]


def set_rules_rows(con, rules: Sequence[SetRule], current_month: dt.date, limit: int,
                   figure: str) -> dict[str, tuple[int, list[Sample]]]:
    """`set_rule_rows` for every rule, from one statement: DuckDB plans one query of the rules' queries together in
    less time than each apart, and planning is most of a rule's cost on a small batch. A rule whose query cannot
    run makes the statement fail; the rules are then run one by one, so that the error names the rule."""
    if len(rules) < 2:
        return {r.id: set_rule_rows(con, r, current_month, limit, figure) for r in rules}
    columns = ", ".join(SET_RULE_COLUMNS)
    union = " UNION ALL ".join(
        f"SELECT {i} AS rule_no, {columns} FROM ({fill_query(con, r.query, current_month, figure, named_now=True)})"
        for i, r in enumerate(rules))
    try:
        rows = con.execute(
            f"SELECT *, count(*) OVER (PARTITION BY rule_no) FROM ({union}) "
            f"QUALIFY row_number() OVER (PARTITION BY rule_no ORDER BY {_SET_RULE_ORDER}) <= {int(limit)} "
            f"ORDER BY rule_no, {_SET_RULE_ORDER}").fetchall()
    except duckdb.Error:
        return {r.id: set_rule_rows(con, r, current_month, limit, figure) for r in rules}
    found: dict[str, tuple[int, list[Sample]]] = {r.id: (0, []) for r in rules}
    label = _batch_file(con) if rows else None
    for row in rows:
        rule = rules[row[0]]
        samples = found[rule.id][1]
        samples.append(set_rule_sample(rule, row[1:-1], label))
        found[rule.id] = (row[-1], samples)
    return found


def set_rule_sample(rule: SetRule, row: tuple, label: str | None = None) -> Sample:
    """A row of a set rule's query (its SET_RULE_COLUMNS) as a sample: the rule's message with the row's detail,
    named at the rule's report column when it has one (the query's column kept as the cell); a row naming no file
    is `label`'s."""
    f, sh, r, c, p, d, m, detail = row
    return Sample(f or label, sh, r, rule.report_column or c, p, d, m, _render(rule.message, detail=detail), c)


def _batch_file(con) -> str | None:
    rows = con.execute("SELECT any_value(source_file) FROM batch").fetchall()
    return rows[0][0] if rows else None


# ---------------------------------------------------------------------------------------------------


def judge_row_rules(con: duckdb.DuckDBPyConnection, contract: Contract, engine: str = "duckdb",
                    present: set[str] | None = None) -> dict[str, tuple[bool, int, int | None, str]]:
    """rule id -> (passed, failing count, rows checked, engine that judged it) for every row rule.

    With "duckdb", each rule's own predicate decides, and only the rules it cannot judge (an expectation
    with no translation, a query that cannot run) go to Great Expectations, so none passes unjudged.
    With "gx", Great Expectations judges them all."""
    if engine not in ENGINES:
        raise ContractError(f'There is no contract engine "{engine}"; use {" or ".join(ENGINES)}.')
    judged: dict[str, tuple[bool, int, int | None, str]] = {}
    if engine == "duckdb":
        judged = {i: (*v, "duckdb") for i, v in duckdb_row_rules(con, contract.row_rules, present).items()}
    rest = tuple(r for r in contract.row_rules if r.id not in judged)
    if rest:
        judged |= {i: (*v, "great_expectations") for i, v in run_row_rules(con, contract, rest).items()}
    return judged


def validate_batch(con: duckdb.DuckDBPyConnection, contract: Contract, *, scope: str, label: str,
                   current_month: dt.date, engine: str = "duckdb") -> ValidationRun:
    """Run every rule of the contract over the temporary table `batch`; row rules by `engine` (see
    `judge_row_rules`), set rules as DuckDB queries."""
    started = time.perf_counter()
    present = batch_columns(con)  # read once for every step that asks
    split_views(con, present)
    run = ValidationRun(contract, scope, label, rows=con.execute("SELECT count(*) FROM batch").fetchall()[0][0],
                        started_at=utc_now())
    judged = judge_row_rules(con, contract, engine, present) if run.rows else {}
    for rule in contract.row_rules:
        passed, failing, checked, by = judged.get(
            rule.id, (True, 0, run.rows, "duckdb" if engine == "duckdb" else "great_expectations"))
        samples = [] if passed else row_rule_samples(con, rule)
        run.results.append(RuleResult(rule.id, rule.severity, by, rule.expectation, passed, failing, checked,
                                      rule.description, samples, _all_found(samples, SAMPLES_KEPT, None)))
    # a rule declared for one measure (or a pair), or saying which figures it reports, finds nothing in a batch that
    # sends none of them: it passes unasked
    holds = any("${figure}" in rule.query for rule in contract.set_rules)
    narrowed = any(rule.compares or rule.reports_measures is not None or rule.reports_breakdowns
                   for rule in contract.set_rules)
    sent, broken_down = _batch_sends(con, present) if holds or narrowed else (None, None)
    figure = "figure"
    if holds:
        _hold_figures(con, contract, sent)
        figure = FIGURES_NOW
    asked = [rule for rule in contract.set_rules if may_find(rule, sent, broken_down)]
    found = {rule.id: (0, []) for rule in contract.set_rules}
    found |= set_rules_rows(con, asked, current_month, ROWS_HELD, figure)
    for rule in contract.set_rules:
        count, rows = found[rule.id]
        run.results.append(RuleResult(rule.id, rule.severity, "duckdb", None, count == 0, count, run.rows,
                                      rule.description, rows[:SAMPLES_KEPT], _all_found(rows, ROWS_HELD, count)))
    run.seconds = time.perf_counter() - started
    return run


def _batch_sends(con: duckdb.DuckDBPyConnection, present: set[str]) -> tuple[set[str] | None, bool | None]:
    """Every measure the batch names, as read (a text that is no measure too), and whether it sends a breakdown (a
    row with a dimension), from one look at it; None for what a batch without the column cannot say (police.uk's
    counts have no measure). `present`: the batch's columns."""
    if "measure" not in present:
        return None, None
    dimension = "dimension IS NOT NULL" if "dimension" in present else "false"
    measures, broken_down = con.execute(
        f"SELECT list(DISTINCT measure) FILTER (WHERE measure IS NOT NULL), coalesce(bool_or({dimension}), false) "
        "FROM batch").fetchall()[0]
    return set(measures or []), broken_down


def may_find(rule: SetRule, measures: set[str] | None, broken_down: bool | None = None) -> bool:
    """Whether a set rule can find any row in a batch naming `measures` and sending a breakdown or not (`broken_down`;
    None: not known, so it can). A rule the contract declares per measure (contract.py writes its query) reports only
    a batch's figures of its measure (a change, the same month last year) or of either of its two measures (a ratio);
    a query the contract writes itself reports what it says it does (reportsMeasures: only the batch's figures of
    those measures; reportsBreakdowns: only where the batch sends a breakdown), else may find rows in any batch."""
    if rule.reports_breakdowns and broken_down is False:
        return False
    if measures is None:
        return True
    if rule.reports_measures is not None:
        return not measures.isdisjoint(rule.reports_measures)
    if not rule.compares:
        return True
    check, measure, against = rule.compares
    if check == "ratio":
        return measure in measures or against in measures
    return measure is None or measure in measures


def _all_found(rows: list[Sample], asked: int, total: int | None) -> list[Sample] | None:
    """The rows a rule's query returned, when they are all it would return: fewer than the `asked` for, or as
    many as its count of all its rows (`total`, when the query gives one)."""
    return rows if len(rows) < asked or (total is not None and len(rows) >= total) else None


def _failing_rows(con, result: RuleResult, rule: RowRule | SetRule, current_month: dt.date,
                  limit: int | None) -> list[Sample]:
    """Up to `limit` (None: all) rows a failed rule found, from the run when it holds them all, else from the
    batch: a large batch is not scanned again for rows the run already has."""
    if result.found is not None and (limit is None or len(result.found) <= limit):
        return result.found
    if isinstance(rule, SetRule):
        return set_rule_rows(con, rule, current_month, limit)[1]
    return row_rule_samples(con, rule, limit)


def caveat_rows(con, run: ValidationRun, current_month: dt.date) -> list[tuple]:
    """(period, district, measure, rule id, severity, message) for each figure a failed warning concerns."""
    out: list[tuple] = []
    by_id = {r.id: r for r in (*run.contract.row_rules, *run.contract.set_rules)}
    for result in run.warnings:
        rule = by_id[result.rule_id]
        samples = _failing_rows(con, result, rule, current_month, CAVEATS_KEPT)
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
        samples = _failing_rows(con, result, rule, current_month, None)
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
    # a breakdown's dimension and category as written (a batch of police.uk counts has none)
    breakdown = ("b.dimension, b.category_text, b.category_column" if "dimension" in batch_columns(con)
                 else "NULL, NULL, NULL")
    rows = con.execute(
        f"""SELECT q.k, b.source_file, b.source_sheet, b.source_row, b.source_column, b.period_text, b.district_text,
                  b.measure_text, b.value_text, b.note, {breakdown}
           FROM quarantine_keys q JOIN batch b
             ON b.source_sheet IS NOT DISTINCT FROM q.source_sheet AND b.source_row = q.source_row
            AND b.source_column IS NOT DISTINCT FROM q.source_column
           ORDER BY q.k"""
    ).fetchall()
    con.execute("DROP TABLE quarantine_keys")
    return [(*row[1:], *reasons[keys[row[0]]]) for row in rows]
