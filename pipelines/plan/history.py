"""Each measure's SPC history: the chart settings and the months its process changed, read from a reference file.

``pipelines/reference/spc_history.yaml`` says how every XmR chart is built and, measure by measure, the
months from which its limits are recalculated (a rebase), each with the reason. It belongs to the
measure, not to a Police and Crime Plan, so a chart's limits stay the same when a plan lapses or a new
one is adopted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..catalogue import catalogue, reference_dir
from ..errors import ConfigError
from .periods import month_label, month_number
from .spc import SpcSettings

FILE = "spc_history.yaml"
_TOP_KEYS = {"spc", "measures"}
_MEASURE_KEYS = {"rebase"}
_REBASE_KEYS = {"month", "reason"}
_SPC_KEYS = {"shift_length", "trend_length", "screen_outliers", "min_points"}


@dataclass(frozen=True)
class Rebase:
    """A month from which a measure's limits are recalculated, and why its process changed then."""

    month: int
    reason: str

    @property
    def label(self) -> str:
        return month_label(self.month)


@dataclass(frozen=True)
class SpcHistory:
    """The chart settings every measure shares, and each measure's rebases in month order."""

    spc: SpcSettings = field(default_factory=SpcSettings)
    rebases: dict[str, tuple[Rebase, ...]] = field(default_factory=dict)

    def rebases_of(self, measure_id: str) -> tuple[Rebase, ...]:
        return self.rebases.get(measure_id, ())

    def rebase_months(self, measure_id: str) -> tuple[int, ...]:
        """The month numbers a measure's chart starts a new segment at (empty: one segment)."""
        return tuple(r.month for r in self.rebases_of(measure_id))


def _fields(where: str, raw: object, allowed: set[str], required: set[str], example: str) -> dict:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: should be a mapping with the fields {', '.join(sorted(allowed))}, "
                          f"e.g. {example}.")
    unknown = sorted(str(k) for k in set(raw) - allowed)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        raise ConfigError(f'{where}: unknown field "{unknown[0]}"{extra}; the fields are '
                          f"{', '.join(sorted(allowed))}.")
    missing = sorted(required - set(raw))
    if missing:
        raise ConfigError(f'{where}: the field "{missing[0]}" is required, e.g. {example}.')
    return raw


def _rebase(where: str, raw: object) -> Rebase:
    example = "{month: 2014-08, reason: The Jay report changed how CSE was recorded}"
    raw = _fields(where, raw, _REBASE_KEYS, _REBASE_KEYS, example)
    month = raw["month"]
    try:
        number = month_number(month if isinstance(month, (dt.date, pd.Timestamp)) else str(month))
    except ValueError as exc:
        raise ConfigError(f"{where}: month {exc} Write it as YYYY-MM, e.g. month: 2014-08.") from None
    reason = raw["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{where}: the reason should say in words what changed in the process that month "
                          "(a rebase without one cannot be checked by anyone reading the chart).")
    return Rebase(number, " ".join(reason.split()))


def _measure(measure_id: str, raw: object) -> tuple[Rebase, ...]:
    cat = catalogue()
    where = f'{FILE}, measures, "{measure_id}"'
    if measure_id not in cat.by_id:
        hint = difflib.get_close_matches(measure_id, cat.ids(), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        raise ConfigError(f'{where}: "{measure_id}" is not in the measure catalogue{extra}; the entries under '
                          "measures are measure ids from measures.yaml.")
    raw = _fields(where, raw, _MEASURE_KEYS, _MEASURE_KEYS, "rebase: [{month: 2014-08, reason: ...}]")
    items = raw["rebase"] if isinstance(raw["rebase"], list) else [raw["rebase"]]
    rebases = [_rebase(f"{where}, rebase {i}", item) for i, item in enumerate(items, start=1)]
    seen: dict[int, int] = {}
    for i, r in enumerate(rebases, start=1):
        if r.month in seen:
            raise ConfigError(f"{where}, rebase {i}: {r.label} is already rebase {seen[r.month]}; a month "
                              "starts one new segment, so give it once with one reason.")
        seen[r.month] = i
    return tuple(sorted(rebases, key=lambda r: r.month))


def _settings(raw: object) -> SpcSettings:
    if raw is None:
        return SpcSettings()
    raw = _fields(f"{FILE}, spc", raw, _SPC_KEYS, set(), "shift_length: 7")
    try:
        return SpcSettings(**raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{FILE}, spc: {exc}") from None


def history_from_dict(data: object) -> SpcHistory:
    """Validate an already-parsed history file (tests build these in code); None or {} is no rebase at all."""
    if data is None:
        return SpcHistory()
    if not isinstance(data, dict):
        raise ConfigError(f"{FILE}: should be a mapping with the fields spc and measures.")
    unknown = sorted(str(k) for k in set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f'{FILE}: unknown top-level field "{unknown[0]}"; the fields are spc and measures.')
    measures = data.get("measures") or {}
    if not isinstance(measures, dict):
        raise ConfigError(f"{FILE}, measures: should map each measure id to its rebases, e.g. "
                          "cse_charges: {rebase: [{month: 2014-08, reason: ...}]}.")
    rebases = {str(k): _measure(str(k), v) for k, v in measures.items()}
    return SpcHistory(_settings(data.get("spc")), {k: v for k, v in rebases.items() if v})


@functools.cache
def _load(path: str, mtime: float) -> SpcHistory:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise ConfigError(f'Reference file "{path}" is not valid YAML: {exc}. Correct it and reload.') from None
    return history_from_dict(data)


def load_spc_history(path: str | Path | None = None) -> SpcHistory:
    """The SPC history in ``spc_history.yaml`` (or ``path``), validated against the catalogue.

    Cached on the file's path and modification time, so an edited file is read again. A reference
    folder without the file has no rebases and Making Data Count's default settings.
    """
    file = Path(path) if path is not None else reference_dir() / FILE
    try:
        mtime = file.stat().st_mtime
    except FileNotFoundError:
        if path is not None:
            raise ConfigError(f'Reference file "{file}" is missing.') from None
        return SpcHistory()
    return _load(str(file), mtime)


load_history = load_spc_history  # the name each reference file's loader goes by in `pccdash check`
