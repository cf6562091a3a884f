"""Reading a data contract (ODCS v3 YAML) and compiling its quality rules into runnable checks.

A contract is parsed with the published ODCS model and also checked against the standard's JSON
schema, which the model is too lenient to catch (a misspelt key inside a rule would be dropped
silently). Each rule becomes either a row rule (a Great Expectations expectation, plus the DuckDB
predicate that finds its failing rows) or a set rule (a DuckDB query that returns failing rows). A rule
declared per measure (engine `pccdash`: a change, the same month last year, a ratio) is compiled here into
a set rule, so it runs the same under every engine.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..catalogue import YAML_LOADER, catalogue, dimensions, force, missing_file_said, reference_file
from ..errors import ConfigError

CONTRACTS_DIR = Path(__file__).resolve().parent.parent.parent / "data_contracts"
SEVERITIES = ("error", "warning")
MEASURE_RULE_ENGINE = "pccdash"
# the checks a contract may declare per measure, and the custom properties each reads
MEASURE_CHECKS = {
    "change": ("measure", "maxRatio", "minChange", "message"),
    "same_month_last_year": ("measure", "maxRatio", "minChange", "message"),
    "ratio": ("measure", "against", "maxRatio", "minRatio", "tolerance", "message"),
}
# what a duckdb rule may say of the rows it reports (`_reports`): properties, not parameters of its query
REPORTS = ("reportsMeasures", "reportsBreakdowns")
_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class RowRule:
    """A rule on each row: runs as a Great Expectations expectation on the batch."""

    id: str
    severity: str
    expectation: str  # snake_case expectation type
    kwargs: dict
    column: str | None  # the batch column the rule reads
    report_column: str | None  # the return's column an analyst should look at
    message: str
    description: str = ""


@dataclass(frozen=True)
class SetRule:
    """A rule over the batch and the warehouse's history: a DuckDB query returning the failing rows."""

    id: str
    severity: str
    query: str  # placeholders still in it; filled at run time
    message: str
    description: str = ""
    report_column: str | None = None  # the return's column an analyst should look at, when not the query's
    # a measure rule's check and what it compares: (change | same_month_last_year | ratio, measure, against)
    compares: tuple[str, str | None, str | None] | None = None
    # what a query the contract writes itself says it reports (reportsMeasures, reportsBreakdowns): only figures the
    # batch sends of these measures (None: any), only where the batch sends a breakdown
    reports_measures: tuple[str, ...] | None = None
    reports_breakdowns: bool = False


@dataclass(frozen=True)
class Contract:
    id: str
    name: str
    version: str
    path: Path
    sha256: str
    row_rules: tuple[RowRule, ...]
    set_rules: tuple[SetRule, ...]
    columns: tuple[str, ...] = field(default=())

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self.row_rules] + [r.id for r in self.set_rules]


class ContractError(ConfigError):
    """A data contract file is not valid ODCS, or a rule in it cannot be run."""


def reference_values() -> dict[str, object]:
    """The values a contract may name as ${name}: reference lists from the reference folder, and (in a message) the
    files read, ${measures_file}, ${dimensions_file} and ${police_uk_file}: the office's own where
    PCCDASH_REFERENCE_DIR points, so that a message sends no one to the bundled copy.

    The measure lists are the force return's: only measures with source: force_return. A context
    measure (source: police_uk) is in the catalogue but never a value a return may report.
    """
    cat = catalogue()
    declared = dimensions()
    returned = cat.of_source("force_return")
    pct = [m for m in returned if m.kind == "percentage"]
    parts = [m for m in returned if m.part_of]
    return {
        "districts": list(force().districts),
        "measures": [m.id for m in returned],
        "measure_names": [m.short_name for m in returned],  # beside "measures", for messages people read
        # the measures whose figures are counts, a negative one refused by count_not_negative
        "count_measures": [m.id for m in returned if m.value_type == "integer"],
        "part_of_child": [m.id for m in parts],
        "part_of_parent": [m.part_of for m in parts],
        "percentage_ids": [m.id for m in pct],
        "percentage_numerators": [m.numerator for m in pct],
        "percentage_denominators": [m.denominator for m in pct],
        # breakdowns: each dimension=value a return may write (its id), each measure:dimension it may send,
        # and the values that say the force did not record it
        "breakdown_keys": [f"{d.id}={v.id}" for d in declared.dimensions for v in d.values],
        "breakdown_measures": [f"{m.id}:{b.dimension}" for m in returned for b in m.breakdowns],
        "unrecorded_keys": [f"{d.id}={v}" for d in declared.dimensions for v in d.unrecorded()],
        "dimension_ids": [d.id for d in declared.dimensions],
        "dimension_names": [d.name[0].lower() + d.name[1:] for d in declared.dimensions],
        "measures_file": str(reference_file("measures.yaml")),
        "dimensions_file": str(reference_file("dimensions.yaml")),
        "police_uk_file": str(reference_file("police_uk.yaml")),
    }


def _props(rule: dict) -> dict[str, object]:
    return {p["property"]: p.get("value") for p in rule.get("customProperties") or []}


def _fill_lists(value: object, refs: dict[str, object]) -> object:
    """Replace a whole-string `${list}` argument with the reference list it names."""
    if isinstance(value, str):
        m = _PLACEHOLDER.fullmatch(value.strip())
        if m and isinstance(refs.get(m.group(1)), list):
            return list(refs[m.group(1)])
    if isinstance(value, dict):
        return {k: _fill_lists(v, refs) for k, v in value.items()}
    return value


def _message_text(text: str, refs: dict[str, object]) -> str:
    """A rule's message with the reference lists and files it names (${measures}, ${measures_file}) written out."""
    def fill(m: re.Match) -> str:
        value = refs.get(m.group(1))
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return value if isinstance(value, str) else m.group(0)

    return _PLACEHOLDER.sub(fill, text)


def _library_expectation(rule: dict, column: str | None, where: str) -> tuple[str, dict]:
    """ODCS library metrics onto Great Expectations, with the argument names datacontract-cli reads."""
    metric = rule.get("metric") or rule.get("rule")
    args = rule.get("arguments") or {}
    if rule.get("mustBe") != 0 and metric != "rowCount":
        raise ContractError(f"{where}: a library rule must say mustBe: 0 (the count of failing rows).")
    if metric == "nullValues" and column:
        return "expect_column_values_to_not_be_null", {"column": column}
    if metric == "invalidValues" and column and "validValues" in args:
        return "expect_column_values_to_be_in_set", {"column": column, "value_set": args["validValues"]}
    if metric == "invalidValues" and column and "pattern" in args:
        return "expect_column_values_to_match_regex", {"column": column, "regex": args["pattern"]}
    if metric == "duplicateValues" and column:
        return "expect_column_values_to_be_unique", {"column": column}
    if metric == "duplicateValues" and "properties" in args:
        return "expect_compound_columns_to_be_unique", {"column_list": list(args["properties"])}
    raise ContractError(f'{where}: the library metric "{metric}" with these arguments is not supported; use '
                        "nullValues, invalidValues (validValues or pattern) or duplicateValues.")


def _reports(props: dict, where: str, refs: dict) -> dict[str, object]:
    """What a duckdb rule says it reports, so that a batch it can find nothing in is not asked: reportsMeasures, the
    measures whose figures in the batch are the only ones it reports (a list, or a reference list such as
    ${percentage_ids}); reportsBreakdowns: true, that it reports only where the batch sends a breakdown."""
    measures = props.get("reportsMeasures")
    if measures is not None:
        measures = _fill_lists(measures, refs)
        if not isinstance(measures, list) or not all(isinstance(m, str) for m in measures):
            raise ContractError(f"{where}: reportsMeasures is a list of measures, or a reference list such as "
                                f'${{percentage_ids}}, not "{props["reportsMeasures"]}".')
        measures = tuple(measures)
    breakdowns = props.get("reportsBreakdowns", False)
    if not isinstance(breakdowns, bool):
        raise ContractError(f'{where}: reportsBreakdowns is true or false, not "{breakdowns}".')
    return {"reports_measures": measures, "reports_breakdowns": breakdowns}


def _strict_schema_errors(doc: dict) -> list[str]:
    import jsonschema
    from open_data_contract_standard.model import OpenDataContractStandard

    validator = jsonschema.Draft201909Validator(json.loads(OpenDataContractStandard.json_schema()))
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}"
              for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]
    if not errors:
        OpenDataContractStandard.model_validate(doc)
    return errors


def _checked_marker(text: str) -> Path | None:
    """Where a contract text that passed the standard's schema is remembered, keyed by the text and the
    versions of the schema and its checker: the check costs more than half a second of a command's start
    (importing jsonschema and the ODCS model), and a file once checked needs no second one."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        versions = "|".join(version(p) for p in ("open-data-contract-standard", "jsonschema"))
    except PackageNotFoundError:
        return None
    key = hashlib.sha256(f"{versions}\n{text}".encode()).hexdigest()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pccdash" / "checked-contracts" / key


def _check_schema(path: Path, text: str, doc) -> None:
    """ContractError when the contract breaks the ODCS schema; skipped for a text already found sound."""
    marker = _checked_marker(text)
    if marker is not None and marker.exists():
        return
    errors = _strict_schema_errors(doc)
    if errors:
        raise ContractError(f'Contract "{path.name}" breaks the Open Data Contract Standard:\n  - '
                            + "\n  - ".join(errors[:10]))
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:  # a read-only home only costs the check again next time
            pass


# ---------------------------------------------------------------------------------------------------
# Rules declared per measure, compiled into set rules


@dataclass(frozen=True)
class _MeasureRule:
    check: str
    measure: str | None
    against: str | None
    numbers: dict


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _number_text(value: float) -> str:
    return f"{value:g}"


def _measure_rule(rule: dict, props: dict, where: str, refs: dict) -> _MeasureRule:
    """A declared rule's check and parameters, refused with a sentence when it cannot be run as written."""
    check = rule.get("implementation")
    if not isinstance(check, str) or check not in MEASURE_CHECKS:
        raise ContractError(f'{where}: a rule with engine "{MEASURE_RULE_ENGINE}" names its check as implementation: '
                            f'{", ".join(MEASURE_CHECKS)}; "{check}" is not one of them.')
    allowed = MEASURE_CHECKS[check]
    unknown = [k for k in props if k not in allowed]
    if unknown:
        raise ContractError(f'{where}: "{unknown[0]}" is not a property of a {check} rule; it may have '
                            f'{", ".join(allowed)}.')
    message = props.get("message")
    if message is not None and "{detail}" not in str(message):
        raise ContractError(f"{where}: its message must include {{detail}}, where the figures and months go.")
    known = list(refs.get("measures") or [])
    names = {}
    for key in ("measure", "against"):
        value = props.get(key)
        if value is None:
            continue
        if value not in known:
            raise ContractError(f'{where}: {key} "{value}" is not a measure of the force\'s return; expected one '
                                f'of {", ".join(known)}.')
        names[key] = value
    numbers = {}
    for key in ("maxRatio", "minRatio", "minChange", "tolerance"):
        value = props.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ContractError(f'{where}: {key} must be a number of zero or more, such as 3, not "{value}".')
        numbers[key] = float(value)
    if check == "ratio":
        if "measure" not in names or "against" not in names:
            raise ContractError(f"{where}: a ratio rule names the measure and the measure it is compared against "
                                "(measure and against).")
        if names["measure"] == names["against"]:
            raise ContractError(f'{where}: a ratio rule compares two different measures, not "{names["measure"]}" '
                                "with itself.")
        if "maxRatio" not in numbers and "minRatio" not in numbers:
            raise ContractError(f"{where}: a ratio rule sets maxRatio, minRatio or both.")
        if numbers.get("minRatio", 0) > numbers.get("maxRatio", float("inf")):
            raise ContractError(f"{where}: minRatio is above maxRatio, so every figure would break the rule.")
    else:
        if numbers.get("maxRatio", 0) < 1:
            raise ContractError(f"{where}: a {check} rule sets maxRatio, 1 or more (how many times larger or "
                                "smaller a figure may be than the one it is compared with).")
    return _MeasureRule(check, names.get("measure"), names.get("against"), numbers)


_NAME = "coalesce(${{measure_names}}[list_position(${{measures}}, {0})], {0})"
# a figure of the batch a comparison reads: one with a value, and not a count refused as negative (count_not_negative
# says so once; compared, it would be said again, as a change or as more than another figure) nor a percentage
# refused as out of range (percent_in_range says so once; compared, it would be said again as a change)
_COMPARED = ("{0}value IS NOT NULL AND NOT ({0}value < 0 AND list_contains(${{count_measures}}, {0}measure))"
             " AND NOT (({0}value < 0 OR {0}value > 100) AND list_contains(${{percentage_ids}}, {0}measure))")
_NUMBER = "regexp_replace({0}::VARCHAR, '\\.0$', '')"
_MONTH = "strftime({0}, '%B %Y')"
_SOURCE = "b.source_file, b.source_sheet, b.source_row, b.source_column, b.period, b.district, b.measure"


def _known(where: str) -> str:
    """The figures a batch row is compared with: the batch's own, else the accepted ones it does not replace."""
    # the batch side of the anti join holds only the rule's measures: a large batch is not hashed whole for it
    return f"""known AS (
    SELECT f.period, f.district, f.measure, f.value FROM ${{figure}} f
    ANTI JOIN (SELECT period, district, measure FROM ${{object}} WHERE {where.format("measure")}) b
           ON b.period = f.period AND b.district = f.district AND b.measure = f.measure
    WHERE {where.format("f.measure")}
    UNION ALL
    SELECT period, district, measure, value FROM ${{object}}
    WHERE {_COMPARED.format("")} AND {where.format("measure")})"""


def _change_sql(rule: _MeasureRule, where: str) -> str:
    """A figure against the latest earlier month with a figure for its measure and district (months may be missing
    between them) or, for same_month_last_year, against the same month a year before."""
    ratio, least_change = rule.numbers.get("maxRatio", 1.0), rule.numbers.get("minChange", 0.0)
    head = f"{_NAME.format('b.measure')} || ' in ' || b.district"
    went_from = (f"' went from ' || {_NUMBER.format('prev.value')} || ' in ' || {_MONTH.format('prev.period')} "
                 f"|| ' to ' || {_NUMBER.format('b.value')} || ' in ' || {_MONTH.format('b.period')}")
    went_to = (f"' went to ' || {_NUMBER.format('b.value')} || ' in ' || {_MONTH.format('b.period')} || ' from ' "
               f"|| {_NUMBER.format('prev.value')} || ' in ' || {_MONTH.format('prev.period')}")
    if rule.check == "same_month_last_year":
        join = ("JOIN known prev ON prev.district = b.district AND prev.measure = b.measure "
                "AND prev.period = (b.period - INTERVAL 12 MONTH)::DATE")
        detail = f"{head} || {went_to} || ', the same month last year'"
    else:
        join = ("ASOF JOIN known prev ON prev.district = b.district AND prev.measure = b.measure "
                "AND b.period > prev.period")
        apart = "date_diff('month', prev.period, b.period)"
        words = (f"CASE WHEN {apart} <= 12 THEN {_sql_list(_NUMBER_WORDS)}[{apart}] ELSE {apart}::VARCHAR END")
        detail = (f"{head} || CASE WHEN {apart} = 1 THEN {went_from} "
                  f"ELSE {went_to} || ', ' || {words} || ' months earlier' END")
    return f"""WITH {_known(where)}
SELECT {_SOURCE}, {detail} AS detail
FROM ${{object}} b
{join}
WHERE {_COMPARED.format("b.")} AND {where.format("b.measure")} AND abs(b.value - prev.value) >= {least_change!r}
  AND greatest(b.value, prev.value) >= {ratio!r} * least(b.value, prev.value)"""


def _ratio_sql(rule: _MeasureRule) -> str:
    """A measure against another in the same month and district, whichever of the two the batch sends."""
    measure, against = _sql_text(rule.measure or ""), _sql_text(rule.against or "")
    slack = rule.numbers.get("tolerance", 0.0)
    breaches, words = [], []
    for key, sign, relation in (("maxRatio", ">", "more"), ("minRatio", "<", "less")):
        if key not in rule.numbers:
            continue
        bound = rule.numbers[key]
        edge = f"{bound!r} * a.value {'+' if sign == '>' else '-'} {slack!r}"
        times = "" if bound == 1 else f"{_number_text(bound)} times "
        breaches.append(f"m.value {sign} {edge}")
        words.append(f"WHEN m.value {sign} {edge} THEN ' is {relation} than {times}'")
    detail = (f"{_NAME.format('m.measure')} || ' (' || {_NUMBER.format('m.value')} || ')' "
              f"|| CASE {' '.join(words)} END || {_NAME.format('a.measure')} || ' (' || {_NUMBER.format('a.value')} "
              f"|| ') for ' || m.district || ' in ' || {_MONTH.format('m.period')}")
    pick = "CASE WHEN m.in_batch THEN m.{0} ELSE a.{0} END AS {0}"
    return f"""WITH known AS (
    SELECT NULL AS source_file, NULL AS source_sheet, NULL::INTEGER AS source_row, NULL AS source_column,
           f.period, f.district, f.measure, f.value, false AS in_batch
    FROM ${{figure}} f
    ANTI JOIN (SELECT period, district, measure FROM ${{object}} WHERE measure IN ({measure}, {against})) b
           ON b.period = f.period AND b.district = f.district AND b.measure = f.measure
    WHERE f.measure IN ({measure}, {against})
    UNION ALL
    SELECT source_file, source_sheet, source_row, source_column, period, district, measure, value, true
    FROM ${{object}} WHERE {_COMPARED.format("")} AND measure IN ({measure}, {against}))
SELECT {", ".join(pick.format(c) for c in ("source_file", "source_sheet", "source_row", "source_column"))},
       m.period, m.district, {pick.format("measure")}, {detail} AS detail
FROM known m
JOIN known a ON a.period = m.period AND a.district = m.district AND a.measure = {against}
WHERE m.measure = {measure} AND (m.in_batch OR a.in_batch) AND ({" OR ".join(breaches)})"""


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join(_sql_text(v) for v in values) + "]"


def _compile_measure_rule(rule: _MeasureRule, own: dict[str, list[str]]) -> str:
    """The declared rule as the query for its failing rows. A change or same-month rule naming no measure covers
    every measure that has no rule of that check of its own."""
    if rule.check == "ratio":
        return _ratio_sql(rule)
    if rule.measure:
        where = "{0} = " + _sql_text(rule.measure)
    elif own.get(rule.check):
        where = "NOT list_contains(" + _sql_list(own[rule.check]) + ", {0})"
    else:
        where = "{0} IS NOT NULL"
    return _change_sql(rule, where)


DEFAULT_MESSAGES = {"change": "{detail}: check the figure.", "same_month_last_year": "{detail}: check the figure.",
                    "ratio": "{detail}: check the figures."}


@functools.cache
def _load(path_text: str, mtime_ns: int, refs_key: str) -> Contract:
    path = Path(path_text)
    text = path.read_text(encoding="utf-8")
    try:
        doc = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ContractError(f'Contract "{path.name}" is not valid YAML: {exc}') from None
    _check_schema(path, text, doc)
    refs = json.loads(refs_key)
    if not doc.get("schema"):
        raise ContractError(f'Contract "{path.name}" has no schema object.')
    raw_obj = doc["schema"][0]
    row_rules: list[RowRule] = []
    set_rules: list[SetRule] = []
    scoped = [(None, r) for r in raw_obj.get("quality") or []]
    for prop in raw_obj.get("properties") or []:
        scoped += [(prop["name"], r) for r in prop.get("quality") or []]
    seen: set[str] = set()
    measure_owner: dict[tuple[str, str | None], str] = {}
    pending: list[tuple] = []
    for column, rule in scoped:
        rid = rule.get("id")
        where = f'Contract "{path.name}", rule "{rid or "?"}"'
        if not rid:
            raise ContractError(f"{where}: every rule needs an id.")
        if rid in seen:
            raise ContractError(f"{where}: the id is used twice.")
        seen.add(rid)
        severity = rule.get("severity")
        if severity not in SEVERITIES:
            raise ContractError(f'{where}: severity must be "error" or "warning", not "{severity}".')
        props = _props(rule)
        message = _message_text(str(props.get("message") or rule.get("description") or rid), refs)
        description = str(rule.get("description") or "")
        kind, engine = rule.get("type", "library"), rule.get("engine")
        if kind == "library":
            expectation, kwargs = _library_expectation(rule, column, where)
        elif kind == "custom" and engine == "great-expectations":
            impl = rule.get("implementation")
            if not isinstance(impl, dict) or "type" not in impl:
                raise ContractError(f"{where}: a great-expectations rule needs implementation: {{type, kwargs}}.")
            expectation, kwargs = impl["type"], dict(impl.get("kwargs") or {})
            if column:
                kwargs.setdefault("column", column)
        elif kind == "custom" and engine == "duckdb":
            query = rule.get("implementation")
            if not isinstance(query, str):
                raise ContractError(f"{where}: a duckdb rule's implementation is the query for the failing rows.")
            params = {k: v for k, v in props.items() if k not in ("message", "column", *REPORTS)}
            query = _PLACEHOLDER.sub(lambda m, params=params: str(params.get(m.group(1), m.group(0))), query)
            set_rules.append(SetRule(rid, severity, query, message, description,
                                     str(props["column"]) if props.get("column") else None,
                                     **_reports(props, where, refs)))
            continue
        elif kind == "custom" and engine == MEASURE_RULE_ENGINE:
            declared = _measure_rule(rule, props, where, refs)
            if declared.check != "ratio":
                taken = measure_owner.setdefault((declared.check, declared.measure), rid)
                if taken != rid:
                    whom = f'the measure "{declared.measure}"' if declared.measure else "every measure"
                    raise ContractError(f'{where}: rule "{taken}" already makes the {declared.check} check for '
                                        f"{whom}; a measure has one such rule.")
            pending.append((len(set_rules), rid, severity, declared, props, description))
            set_rules.append(None)  # compiled once every declared rule is known
            continue
        elif kind == "text":
            continue
        else:
            raise ContractError(f'{where}: type "{kind}" with engine "{engine}" is not supported.')
        kwargs = _fill_lists(kwargs, refs)
        row_rules.append(RowRule(rid, severity, expectation, kwargs, kwargs.get("column"),
                                 str(props.get("column") or kwargs.get("column") or "") or None, message, description))
    own: dict[str, list[str]] = {}
    for check, measure in measure_owner:
        if measure:
            own.setdefault(check, []).append(measure)
    for index, rid, severity, declared, props, description in pending:
        message = _message_text(str(props.get("message") or DEFAULT_MESSAGES[declared.check]), refs)
        set_rules[index] = SetRule(rid, severity, _compile_measure_rule(declared, own), message, description,
                                   compares=(declared.check, declared.measure, declared.against))
    columns = tuple(p["name"] for p in raw_obj.get("properties") or [])
    return Contract(id=doc["id"], name=doc.get("name") or doc["id"], version=doc["version"], path=path,
                    sha256=hashlib.sha256(text.encode()).hexdigest(), row_rules=tuple(row_rules),
                    set_rules=tuple(set_rules), columns=columns)


def contracts_dir() -> Path:
    """`PCCDASH_CONTRACTS_DIR` if set, else the project's data_contracts/ folder."""
    return Path(os.environ.get("PCCDASH_CONTRACTS_DIR") or CONTRACTS_DIR)


def load_contract(name: str = "force_cse_return", folder: Path | None = None) -> Contract:
    """The contract `data_contracts/<name>.odcs.yaml`, parsed, checked and compiled (cached until it changes)."""
    path = (folder or contracts_dir()) / f"{name}.odcs.yaml"
    if not path.exists():
        raise ContractError(missing_file_said(f'There is no data contract "{path}"', path, "data contracts",
                                              "PCCDASH_CONTRACTS_DIR", "data_contracts"))
    refs = reference_values()
    return _load(str(path), path.stat().st_mtime_ns, json.dumps(refs, sort_keys=True))
