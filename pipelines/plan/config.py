"""The Police and Crime Plans and the district populations, read from declarative reference files.

A plan is written by the office, not by a developer: ``pipelines/reference/plan.yaml`` lists each
plan with its dates and priorities, and under each priority the catalogue measures it is judged by.
Everything that file can get wrong is caught here, with a message that names the plan, priority and
measure, because the alternative is a dashboard that silently leaves a measure out.

Plans lapse before their successors are adopted, so a month outside every plan is normal: it is shown
with the measures of the plan before it, and nothing is judged against an aspiration. How a chart is
built (its settings and rebases) is the measure's history, in ``spc_history.yaml`` (``history.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..catalogue import (
    DIRECTIONS,
    YAML_LOADER,
    Measure,
    catalogue,
    force,
    listed,
    missing_reference,
    reference_dir,
    reference_file,
)
from ..errors import ConfigError
from ..yaml_lines import not_yaml
from .periods import PeriodSpan, month_label, month_number, month_start, parse_span

if TYPE_CHECKING:
    import pandas as pd

_CHANGE_RE = re.compile(r"^([+-])\s*(\d+(?:\.\d+)?)\s*%$")
_PLAN_KEYS = {"name", "start", "end", "baseline", "priorities"}
_PRIORITY_KEYS = {"name", "measures"}
_MEASURE_KEYS = {"measure", "increase_is", "baseline", "aspiration"}
_ASPIRATION_KEYS = {"level", "change", "period"}
ASPIRATION_PERIODS = ("month", "rolling_12", "financial_year")


@dataclass(frozen=True)
class Aspiration:
    """What the plan hopes a measure reaches, in its good direction, over the period a Board reads it by.

    ``level``: a value at or above (increase good) or at or below (increase bad) the level. For a count it
    applies to the force figure only (a force-wide level says nothing about one district); for a
    percentage to the force and every district.
    ``change``: a fraction (+0.10 for ``+10%``) against the baseline; it applies to every series, each
    against its own baseline.
    ``period``: what the level or change is about: ``month`` (each month's figure), ``rolling_12`` (any
    twelve months: a flow's total, a percentage rebuilt from its parts) or ``financial_year`` (the
    year's total, judged on the financial year to date in proportion). A stock's level at the end of any
    period is its month-end level, so a stock's aspiration is monthly.
    """

    level: float | None = None
    change: float | None = None
    text: str = ""
    period: str = "month"

    def applies_to(self, measure: Measure, is_force: bool) -> bool:
        if self.change is not None:
            return True
        return is_force or measure.kind == "percentage"

    def months(self) -> int:
        """How many months the aspiration's period spans."""
        return 1 if self.period == "month" else 12


@dataclass(frozen=True)
class PlanMeasure:
    """One measure as a plan judges it: which way is better, its baseline and aspiration."""

    measure: Measure
    priority: str
    increase_is: str
    baseline: PeriodSpan
    aspiration: Aspiration | None = None

    @property
    def id(self) -> str:
        return self.measure.id


@dataclass(frozen=True)
class Priority:
    name: str
    measures: tuple[PlanMeasure, ...]


@dataclass(frozen=True)
class Plan:
    """A Police and Crime Plan in force from its start month to its end month (both inclusive)."""

    name: str
    start: int
    end: int
    priorities: tuple[Priority, ...]

    @property
    def start_date(self) -> pd.Timestamp:
        return month_start(self.start)

    @property
    def end_date(self) -> pd.Timestamp:
        return month_start(self.end)

    def covers(self, month: object) -> bool:
        number = month_number(month)
        return self.start <= number <= self.end

    def measures(self) -> list[PlanMeasure]:
        """Every plan measure, priority by priority, in the order the file lists them."""
        return [pm for p in self.priorities for pm in p.measures]

    def get(self, measure_id: str) -> PlanMeasure | None:
        return next((pm for pm in self.measures() if pm.id == measure_id), None)


@dataclass(frozen=True)
class PlanSet:
    """All plans, in date order."""

    plans: tuple[Plan, ...]

    def plan_for(self, month: object) -> Plan | None:
        """The plan in force in a month; None in a month outside every plan (a lapse, or before the first)."""
        number = month_number(month)
        return next((p for p in self.plans if p.start <= number <= p.end), None)

    def last_before(self, month: object) -> Plan | None:
        """The latest plan that ended before a month; None when no plan has ended by then."""
        number = month_number(month)
        return next((p for p in reversed(self.plans) if p.end < number), None)

    def next_after(self, month: object) -> Plan | None:
        """The first plan that starts after a month (one adopted ahead of its start)."""
        number = month_number(month)
        return next((p for p in self.plans if p.start > number), None)

    def shown_plan(self, month: object) -> Plan:
        """The plan whose measures a month is shown with: the one in force, else the last one to end.

        Through a lapse the Commissioner keeps watching the measures the board has been reading month
        after month (and the board's papers keep their shape); a measure is added or dropped only when
        a new plan says so. Before the first plan, that plan's measures.
        """
        return self.plan_for(month) or self.last_before(month) or self.plans[0]


# --------------------------------------------------------------------------------------------------
# plan.yaml
# --------------------------------------------------------------------------------------------------

def _check_keys(where: str, raw: object, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: should be a mapping with the fields {', '.join(sorted(allowed))}.")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        hint = difflib.get_close_matches(str(unknown[0]), sorted(allowed), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        raise ConfigError(f'{where}: unknown field "{unknown[0]}"{extra}; the fields are '
                          f"{', '.join(sorted(allowed))}.")
    missing = sorted(required - set(raw))
    if missing:
        raise ConfigError(f'{where}: the field "{missing[0]}" is required.')
    return raw


def _month(where: str, field: str, raw: object) -> int:
    try:
        if isinstance(raw, dt.date):  # a pandas Timestamp too
            return month_number(raw)
        return month_number(str(raw))
    except ValueError as exc:
        raise ConfigError(f"{where}: {field} {exc}") from None


def _span(where: str, field: str, raw: object) -> PeriodSpan:
    try:
        return parse_span(raw)
    except ValueError as exc:
        raise ConfigError(f"{where}: {field} {exc}") from None


def _aspiration(where: str, raw: object, measure: Measure, increase_is: str) -> Aspiration:
    raw = dict(_check_keys(f"{where}, aspiration", raw, _ASPIRATION_KEYS, set()))
    period = str(raw.pop("period", "month")).strip()
    if period not in ASPIRATION_PERIODS:
        raise ConfigError(f'{where}, aspiration: period "{period}" should be one of {", ".join(ASPIRATION_PERIODS)} '
                          "(e.g. period: rolling_12 for any twelve months).")
    if period != "month" and measure.kind == "stock":
        raise ConfigError(f'{where}, aspiration: "{measure.id}" is a level at month end, so its aspiration is a '
                          "monthly level: remove period.")
    if len(raw) != 1:
        raise ConfigError(f"{where}, aspiration: give exactly one of level (e.g. level: 95) or change "
                          "(e.g. change: +10%), and optionally period.")
    if increase_is == "neutral":
        raise ConfigError(f'{where}: "{measure.id}" has no good direction (increase_is: neutral), so an '
                          "aspiration cannot be judged; set increase_is for this plan measure or remove "
                          "the aspiration.")
    if "level" in raw:
        level = raw["level"]
        if isinstance(level, bool) or not isinstance(level, (int, float)):
            raise ConfigError(f'{where}, aspiration: level "{level}" should be a number, e.g. level: 95.')
        if measure.kind == "percentage" and not 0 <= level <= 100:
            raise ConfigError(f"{where}, aspiration: level {level} is a percentage and should be 0 to 100.")
        return Aspiration(level=float(level), text=f"level {level:g}", period=period)
    text = str(raw["change"]).strip()
    match = _CHANGE_RE.match(text)
    if not match:
        raise ConfigError(f'{where}, aspiration: change "{text}" should be a signed percentage, e.g. '
                          "change: +10% or change: -5%.")
    value = float(match.group(2)) / 100 * (1 if match.group(1) == "+" else -1)
    good_sign = 1 if increase_is == "good" else -1
    if value * good_sign <= 0:
        raise ConfigError(f'{where}, aspiration: change "{text}" points the bad way for a measure where '
                          f"an increase is {increase_is}; an aspiration should be an improvement.")
    return Aspiration(change=value, text=f"{text} on", period=period)


def _plan_measure(where: str, raw: object, priority: str, plan_baseline: PeriodSpan | None) -> PlanMeasure:
    if isinstance(raw, str):
        raw = {"measure": raw}
    if isinstance(raw, dict) and "rebase" in raw:
        raise ConfigError(f'{where} ("{raw.get("measure", "?")}"): rebase is no longer set in a plan: a '
                          "rebase is part of the measure's history, whichever plan is in force, so that a "
                          "plan's end never moves a chart's limits. Move it to spc_history.yaml under "
                          f'measures, "{raw.get("measure", "?")}", rebase, as {{month: YYYY-MM, reason: ...}}.')
    raw = _check_keys(where, raw, _MEASURE_KEYS, {"measure"})
    cat = catalogue()
    measure_id = str(raw["measure"])
    if measure_id not in cat.by_id:
        hint = difflib.get_close_matches(measure_id, cat.ids(), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        raise ConfigError(f'{where}: "{measure_id}" is not in the measure catalogue{extra}; '
                          f'plan measures are measure ids from "{reference_file("measures.yaml")}".')
    measure = cat.get(measure_id)
    where = f'{where} ("{measure_id}")'
    increase_is = str(raw.get("increase_is", measure.increase_is))
    if increase_is not in DIRECTIONS:
        raise ConfigError(f'{where}: increase_is "{increase_is}" should be one of {", ".join(DIRECTIONS)}.')
    if "baseline" in raw:
        baseline = _span(where, "baseline", raw["baseline"])
    elif plan_baseline is not None:
        baseline = plan_baseline
    else:
        raise ConfigError(f"{where}: no baseline; give the plan a baseline (e.g. baseline: 2014/15) or "
                          "this measure one.")
    aspiration = None
    if raw.get("aspiration"):
        aspiration = _aspiration(where, raw["aspiration"], measure, increase_is)
    return PlanMeasure(measure, priority, increase_is, baseline, aspiration)


def _plan(index: int, raw: object) -> Plan:
    name = raw.get("name", "?") if isinstance(raw, dict) else "?"
    where = f'plan.yaml, plan {index + 1} ("{name}")'
    raw = _check_keys(where, raw, _PLAN_KEYS, {"name", "start", "end", "priorities"})
    start = _month(where, "start", raw["start"])
    end = _month(where, "end", raw["end"])
    if end < start:
        raise ConfigError(f"{where}: ends ({month_label(end)}) before it starts ({month_label(start)}).")
    baseline = _span(where, "baseline", raw["baseline"]) if raw.get("baseline") else None
    if not isinstance(raw["priorities"], list) or not raw["priorities"]:
        raise ConfigError(f"{where}: priorities should be a list with at least one priority.")
    if not any(isinstance(p, dict) and p.get("measures") for p in raw["priorities"]):
        raise ConfigError(f"{where}: no priority has a measure; a plan the dashboard tracks needs one.")
    priorities = []
    seen: dict[str, str] = {}
    for j, praw in enumerate(raw["priorities"]):
        pname = praw.get("name", "?") if isinstance(praw, dict) else "?"
        pwhere = f'{where}, priority {j + 1} ("{pname}")'
        praw = _check_keys(pwhere, praw, _PRIORITY_KEYS, {"name", "measures"})
        if not isinstance(praw["measures"], list):
            raise ConfigError(f"{pwhere}: measures should be a list of measure ids (an empty list [] when "
                              "no dashboard measure serves the priority).")
        measures = []
        for k, mraw in enumerate(praw["measures"]):
            pm = _plan_measure(f"{pwhere}, measure {k + 1}", mraw, str(praw["name"]), baseline)
            if pm.id in seen:
                raise ConfigError(f'{pwhere}: "{pm.id}" is already under the priority "{seen[pm.id]}"; '
                                  "a measure belongs to one priority of a plan.")
            seen[pm.id] = str(praw["name"])
            measures.append(pm)
        priorities.append(Priority(str(praw["name"]), tuple(measures)))
    return Plan(str(raw["name"]), start, end, tuple(priorities))


def plans_from_dict(data: object) -> PlanSet:
    """Validate an already-parsed plan file (tests build these in code)."""
    if not isinstance(data, dict) or not isinstance(data.get("plans"), list) or not data["plans"]:
        raise ConfigError("plan.yaml: should hold a list `plans:` with at least one plan.")
    if "spc" in data:
        raise ConfigError("plan.yaml: the chart settings (spc) are no longer set with the plans: they belong "
                          "to every measure's chart whichever plan is in force. Move the spc section to "
                          "spc_history.yaml.")
    unknown = sorted(set(data) - {"plans"})
    if unknown:
        raise ConfigError(f'plan.yaml: unknown top-level field "{unknown[0]}"; the only field is plans.')
    plans = sorted((_plan(i, raw) for i, raw in enumerate(data["plans"])), key=lambda p: p.start)
    names = [p.name for p in plans]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f'plan.yaml: two plans are named "{name}".')
    for before, after in zip(plans, plans[1:], strict=False):
        if after.start <= before.end:
            raise ConfigError(f'plan.yaml: "{before.name}" (to {month_label(before.end)}) overlaps '
                              f'"{after.name}" (from {month_label(after.start)}); one plan is in force '
                              "at a time.")
    return PlanSet(tuple(plans))


@functools.cache
def _load_plans(path: str, mtime: float) -> PlanSet:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=YAML_LOADER)
    except FileNotFoundError:
        raise missing_reference(path) from None
    except yaml.YAMLError as exc:
        raise ConfigError(not_yaml(path, exc)) from None
    return plans_from_dict(data)


def load_plans(path: str | Path | None = None) -> PlanSet:
    """Every Police and Crime Plan in ``plan.yaml`` (or ``path``), validated against the catalogue.

    Cached on the file's path and modification time, so an edited file is read again.
    """
    file = Path(path) if path is not None else reference_dir() / "plan.yaml"
    try:
        mtime = file.stat().st_mtime
    except FileNotFoundError:
        raise missing_reference(file) from None
    return _load_plans(str(file), mtime)


def plan_for(month: object, plans: PlanSet | None = None) -> Plan | None:
    """The plan in force in ``month`` (a Timestamp or ``YYYY-MM``); None when no plan is in force."""
    return (plans or load_plans()).plan_for(month)


# --------------------------------------------------------------------------------------------------
# population.csv
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Population:
    """Resident population per district, and where the figures come from (quoted beside any rate)."""

    by_district: dict
    source: str
    year: str

    @property
    def force_total(self) -> int:
        return sum(self.by_district.values())

    def of(self, area: str) -> int:
        """A district's population, or the force's (the districts added up) for the force's name."""
        if area in self.by_district:
            return self.by_district[area]
        f = force()
        if area in (f.force_name, f.force_short_name):
            return self.force_total
        raise ConfigError(f'population.csv has no population for "{area}".')


@functools.cache
def _load_population(path: str, mtime: float) -> Population:
    where = f'Reference file "{path}"'
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(line for line in fh if not line.lstrip().startswith("#")))
    except FileNotFoundError:
        raise missing_reference(path) from None
    need = {"district", "population", "source", "year"}
    if not rows or not need <= set(rows[0]):
        raise ConfigError(f"{where}: should have the columns {', '.join(sorted(need))}.")
    lookup = force().district_lookup()
    out: dict[str, int] = {}
    sources: dict[tuple[str, str], list[int]] = {}  # (source, year) -> the rows quoting it
    given: dict[str, tuple[int, str]] = {}  # district -> the row that gave it, and the name it was given by
    for i, row in enumerate(rows, start=2):
        name = lookup.get(str(row["district"]).strip().lower())
        if name is None:
            raise ConfigError(f'{where}, row {i}: "{row["district"]}" is not a district in force.yaml.')
        if name in out:
            before, as_named = given[name]
            said = str(row["district"]).strip()
            if as_named.lower() == said.lower():
                raise ConfigError(f'{where}, row {i}: "{name}" is listed twice.')
            # two districts' populations, which force.yaml now makes one district's
            raise ConfigError(
                f'{where}, row {i}: "{said}" and row {before}\'s "{as_named}" are now names of one district in '
                f'force.yaml, "{name}": merging districts is not supported, so keep them as separate districts in '
                "force.yaml (a renamed district is supported: keep its former name among the new name's aliases, "
                "and give its population once).")
        given[name] = (i, str(row["district"]).strip())
        try:
            value = int(str(row["population"]).replace(",", "").strip())
        except ValueError:
            raise ConfigError(f'{where}, row {i}: population "{row["population"]}" should be a whole '
                              "number.") from None
        if value <= 0:
            raise ConfigError(f"{where}, row {i}: population should be above zero.")
        out[name] = value
        sources.setdefault((str(row["source"] or "").strip(), str(row["year"] or "").strip()), []).append(i)
    missing = [d for d in force().districts if d not in out]
    if missing:
        first = next(iter(sources), ("<source>", "<year>"))
        raise ConfigError(f'{where}: no population for {listed(missing)}. Add a row for '
                          f'{"it" if len(missing) == 1 else "each"}, as the others are written '
                          f'("{missing[0]},<residents>,{first[0]},{first[1]}"), with the same source and year.')
    if len(sources) != 1:
        usual = max(sources, key=lambda k: len(sources[k]))
        odd = sorted(i for k, rows_ in sources.items() if k != usual for i in rows_)
        raise ConfigError(f"{where}, row {odd[0]}: every row should quote the same source and year, so that rates "
                          f'compare like with like; most rows quote "{usual[0]}", {usual[1]}, but row'
                          f'{"s" if len(odd) > 1 else ""} {listed([str(i) for i in odd])} '
                          f'{"do" if len(odd) > 1 else "does"} not.')
    source, year = next(iter(sources))
    return Population(out, source, year)


def load_population(path: str | Path | None = None) -> Population:
    """District populations from ``population.csv`` (or ``path``), checked against force.yaml."""
    file = Path(path) if path is not None else reference_dir() / "population.csv"
    try:
        mtime = file.stat().st_mtime
    except FileNotFoundError:
        raise missing_reference(file) from None
    return _load_population(str(file), mtime)
