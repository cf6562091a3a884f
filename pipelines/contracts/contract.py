"""Reading a data contract (ODCS v3 YAML) and compiling its quality rules into runnable checks.

A contract is parsed with the published ODCS model and also checked against the standard's JSON
schema, which the model is too lenient to catch (a misspelt key inside a rule would be dropped
silently). Each rule becomes either a row rule (a Great Expectations expectation, plus the DuckDB
predicate that finds its failing rows) or a set rule (a DuckDB query that returns failing rows).
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

from ..catalogue import catalogue, force
from ..errors import ConfigError

CONTRACTS_DIR = Path(__file__).resolve().parent.parent.parent / "data_contracts"
SEVERITIES = ("error", "warning")
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
    """The values a contract may name as ${name}: reference lists from pipelines/reference/.

    The measure lists are the force return's: only measures with source: force_return. A context
    measure (source: police_uk) is in the catalogue but never a value a return may report.
    """
    cat = catalogue()
    returned = cat.of_source("force_return")
    pct = [m for m in returned if m.kind == "percentage"]
    parts = [m for m in returned if m.part_of]
    return {
        "districts": list(force().districts),
        "measures": [m.id for m in returned],
        "measure_names": [m.short_name for m in returned],  # beside "measures", for messages people read
        "part_of_child": [m.id for m in parts],
        "part_of_parent": [m.part_of for m in parts],
        "percentage_ids": [m.id for m in pct],
        "percentage_numerators": [m.numerator for m in pct],
        "percentage_denominators": [m.denominator for m in pct],
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
    return _PLACEHOLDER.sub(lambda m: ", ".join(map(str, refs[m.group(1)])) if isinstance(
        refs.get(m.group(1)), list) else m.group(0), text)


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


def _strict_schema_errors(doc: dict) -> list[str]:
    import jsonschema
    from open_data_contract_standard.model import OpenDataContractStandard

    validator = jsonschema.Draft201909Validator(json.loads(OpenDataContractStandard.json_schema()))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}"
            for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]


@functools.cache
def _load(path_text: str, mtime_ns: int, refs_key: str) -> Contract:
    from open_data_contract_standard.model import OpenDataContractStandard

    path = Path(path_text)
    text = path.read_text(encoding="utf-8")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContractError(f'Contract "{path.name}" is not valid YAML: {exc}') from None
    errors = _strict_schema_errors(doc)
    if errors:
        raise ContractError(f'Contract "{path.name}" breaks the Open Data Contract Standard:\n  - '
                            + "\n  - ".join(errors[:10]))
    model = OpenDataContractStandard.model_validate(doc)
    refs = json.loads(refs_key)
    if not model.schema_:
        raise ContractError(f'Contract "{path.name}" has no schema object.')
    obj = model.schema_[0]
    raw_obj = doc["schema"][0]
    row_rules: list[RowRule] = []
    set_rules: list[SetRule] = []
    scoped = [(None, r) for r in raw_obj.get("quality") or []]
    for prop in raw_obj.get("properties") or []:
        scoped += [(prop["name"], r) for r in prop.get("quality") or []]
    seen: set[str] = set()
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
            params = {k: v for k, v in props.items() if k not in ("message", "column")}
            query = _PLACEHOLDER.sub(lambda m, params=params: str(params.get(m.group(1), m.group(0))), query)
            set_rules.append(SetRule(rid, severity, query, message, description,
                                     str(props["column"]) if props.get("column") else None))
            continue
        elif kind == "text":
            continue
        else:
            raise ContractError(f'{where}: type "{kind}" with engine "{engine}" is not supported.')
        kwargs = _fill_lists(kwargs, refs)
        row_rules.append(RowRule(rid, severity, expectation, kwargs, kwargs.get("column"),
                                 str(props.get("column") or kwargs.get("column") or "") or None, message, description))
    columns = tuple(p.name for p in obj.properties or [])
    return Contract(id=model.id, name=model.name or model.id, version=model.version, path=path,
                    sha256=hashlib.sha256(text.encode()).hexdigest(), row_rules=tuple(row_rules),
                    set_rules=tuple(set_rules), columns=columns)


def contracts_dir() -> Path:
    """`PCCDASH_CONTRACTS_DIR` if set, else the project's data_contracts/ folder."""
    return Path(os.environ.get("PCCDASH_CONTRACTS_DIR") or CONTRACTS_DIR)


def load_contract(name: str = "force_cse_return", folder: Path | None = None) -> Contract:
    """The contract `data_contracts/<name>.odcs.yaml`, parsed, checked and compiled (cached until it changes)."""
    path = (folder or contracts_dir()) / f"{name}.odcs.yaml"
    if not path.exists():
        raise ContractError(f'There is no data contract "{path}".')
    refs = reference_values()
    return _load(str(path), path.stat().st_mtime_ns, json.dumps(refs, sort_keys=True))
