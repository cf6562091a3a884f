"""Disclosure control: small counts are suppressed so that no child can be identified, and so is any
figure that would let a reader work one out.

The published table
-------------------
For one measure, a table holds a cell for each (area, period): an area is a district or the force
total, and a period is a month, a financial quarter (Q1 = April-June, labelled ``Q1 2015/16``) or a
financial year (labelled ``2015/16``). A quarter is in the table only when all three of its months
are published, a financial year only when all twelve are. The reader knows the relations between the
cells:

- flow:  force = sum of the districts, for every period; quarter = sum of its three months;
         financial year = sum of its four quarters;
- stock: force = sum of the districts, for every period; a quarter, and a financial year, EQUALS the
         value of its last month (an equality is a sum with one part);
- percentage and rate: derived; published only when every count it is built on is published
  (`suppress_percentage`, `percentage_frame`, `suppress_rates`).
- breakdown: a category of a measure (suspects identified whose ethnicity is Asian, say) published for
  the force by financial year is a table of its own (`force_year_table`, named by `breakdown_key`),
  and the measure's force-by-year cell is the sum of its categories' (`suppress_system`'s `sums`), so
  the categories and the measure's own table are protected together.

What the reader is assumed to know (the threat model)
-----------------------------------------------------
Every published cell; every relation; that zeros are published (so a suppressed cell is at least 1,
unless ``suppress_zero``); and, in the strongest case, which suppressed cells are primary (a count
in ``low..threshold``) and which are secondary (more than ``threshold``: a secondary cell is never a
zero and never a small count). To keep the search finite the reader is also *given* an upper bound
``bound = (sum of all district-month values) + threshold + 1`` on every cell; that only makes the
reader stronger than a real one. A cell is *recovered* when exactly one integer value is consistent
with all of that.

The algorithm (`suppress`)
--------------------------
1. Primary: every count in ``low..threshold`` (``low`` is 1, or 0 with ``suppress_zero``).
2. "At least two": a relation with exactly one suppressed cell gets a second one: the smallest
   unsuppressed part above the threshold, or the total when no part can be taken. Iterated to a
   fixed point.
3. Exact check: the suppressed cells are integer unknowns with domains ``low..threshold`` (primary)
   or ``threshold+1..bound`` (secondary), bound by the relations with the published cells put in.
   For each unknown x with true value v, a search (bounds propagation over the linear equalities,
   then depth-first branching that tries values nearest the true ones first) looks for a feasible
   assignment with x < v or x > v. Every assignment found proves every unknown it changes is not
   recovered, so most unknowns need no search of their own. An unknown with no such assignment is
   recovered: the smallest unsuppressed part (else total) of a relation holding it is suppressed,
   and steps 2-3 run again until nothing is recovered. (A cell that no suppression could save from
   the strongest reader, see Limits, is checked against the reader without the flags instead.)
4. (A publication's check, `suppress_system` with ``linear``.) Only the small counts and the figures of
   earlier publications drive step 3. A secondary cell left narrow gives away nothing that is not already
   public, so it is shown afterwards instead of being protected, when showing it narrows no other hidden
   cell; one that cannot be shown is then protected by steps 2-3 as before. Protecting every secondary
   first hid cell after cell: the 12 months to March is the financial year under another name, and with
   the 12 months to every month public, two consecutive totals give a month less the same month a year
   before, so each cell hidden to protect another needed one more a year on.
5. (The same check.) Secondary cells are chosen one at a time, each for a cell narrow then, so a later choice
   can protect what an earlier one was chosen for, and some end up protecting nothing. Each secondary cell is
   then shown in turn, the force's before the districts', quarters, years and 12 months before months, and the
   larger counts first, and hidden again if any hidden cell (a small count, an earlier figure, another secondary
   cell) becomes narrow. A secondary cell that showing it would leave alone in a relation is shown with it (of a
   quarter's three months with the quarter published, two are shown together or neither); nothing is shown that
   would leave a small count or an earlier figure alone in a relation.

Limits
------
- Some cells cannot be protected at all against a reader who knows which suppressed cells are
  primary: with two districts of 1 and 1 and threshold 2, the force total is 2, a primary cell,
  so the reader knows it is at most 2 while each district is at least 1: all three are 1 whatever
  else is hidden. `suppress` finds such cells (recovered even when every non-zero cell of the table
  is suppressed), leaves them suppressed, and lists them in `SuppressedTable.exposed_if_flags_known`;
  they stay protected against the realistic reader, who does not know the flags (the flags are
  never published), because for that reader `suppress` guarantees that NO suppressed cell is
  recovered. Every other cell is protected against the strongest reader too.
- The search is bounded: each feasibility search may take `DisclosureSettings.search_budget`
  propagation steps. When one runs out the cell is treated as recovered, so the table is suppressed
  more, never less. The loop suppresses at least one more cell per round and stops when every
  non-zero cell is suppressed, so it ends after at most as many rounds as the table has cells.
- Speed: the 161 measure-years of the sample returns (4 districts, 85 cells each) take about 2 s in all
  (about 12 ms a table); no search there comes near its budget.
- Suppression is per measure and table (one set of published months): a reader who can add up
  different tables (a measure that is part of another, say grooming arrests of the CSE arrests, or
  overlapping publications of the same months) is not modelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

PRIMARY, SECONDARY, NOT_SUPPRESSED = "primary", "secondary", "none"
PERIOD_TYPES = ("month", "quarter", "financial_year", "rolling_12_months")
ROLLING_PREFIX = "12 months to "
KINDS = ("flow", "stock")
FOOTNOTE_TEMPLATE = ("{marker} Suppressed: a count from {low} to {threshold}, or a figure that would let one be "
                     "worked out, is not shown so that no child can be identified.")
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")

Key = tuple[str, str]  # (area, period)


# --------------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DisclosureSettings:
    """How figures are suppressed.

    threshold      counts from 1 (0 with `suppress_zero`) to `threshold` are suppressed
    suppress_zero  suppress zeros too (by default a zero is shown as 0)
    marker         what a suppressed figure shows
    footnote       the note explaining the marker; empty: built from marker and threshold
    search_budget  propagation steps one feasibility search may take before the cell it is about is
                   treated as recovered (more suppression, never less)
    """

    threshold: int = 4
    suppress_zero: bool = False
    marker: str = "[c]"
    footnote: str = ""
    search_budget: int = 20_000

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or self.threshold < 0:
            raise ValueError(f"threshold should be a whole number, 0 or more; got {self.threshold!r}.")
        if not self.marker:
            raise ValueError("marker should not be empty.")
        if self.search_budget < 1:
            raise ValueError("search_budget should be at least 1.")
        if not self.footnote:
            object.__setattr__(self, "footnote", FOOTNOTE_TEMPLATE.format(
                marker=self.marker, low=self.low, threshold=self.threshold))

    @property
    def low(self) -> int:
        """The smallest count that is suppressed."""
        return 0 if self.suppress_zero else 1

    def is_primary(self, value: int) -> bool:
        """Whether a count is suppressed for itself."""
        return self.low <= value <= self.threshold


# --------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Relation:
    """A linear relation a reader can use: value(total) == sum of value(part) for the parts.

    kind is "sum" (force = districts, quarter = months, year = quarters) or "equal" (a stock's
    quarter or year equals its last month: one part).
    """

    total: Key
    parts: tuple[Key, ...]
    kind: str = "sum"

    @property
    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Table:
    """Every published cell of one measure with its true value, and the relations between the cells."""

    kind: str
    districts: tuple[str, ...]
    force_name: str
    periods: tuple[str, ...]                      # months, then quarters, then financial years
    period_types: Mapping[str, str] = field(repr=False)
    values: Mapping[Key, int] = field(repr=False)
    relations: tuple[Relation, ...] = field(repr=False)

    @property
    def areas(self) -> tuple[str, ...]:
        return (*self.districts, self.force_name)

    @property
    def cells(self) -> list[Key]:
        """Every cell, period by period, areas in order."""
        return [(a, p) for p in self.periods for a in self.areas]

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(p for p in self.periods if self.period_types[p] == "month")

    def base_total(self) -> int:
        """The sum of the district-month values; for a table without months (`force_year_table`), the sum of
        its cells. Either is at least every cell's value."""
        if not self.months:
            return sum(self.values.values())
        return sum(self.values[(d, m)] for m in self.months for d in self.districts)


def _month(label: object) -> tuple[int, int]:
    match = _MONTH_RE.match(str(label))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f'period "{label}" is not a month written YYYY-MM.')
    return int(match.group(1)), int(match.group(2))


def _fy_start(year: int, month: int) -> int:
    return year if month >= 4 else year - 1


def fy_label(fy_start: int) -> str:
    """The financial year starting in April of `fy_start`, as ``2015/16``."""
    return f"{fy_start}/{(fy_start + 1) % 100:02d}"


def quarter_label(year: int, month: int) -> str:
    """The financial quarter of a month, as ``Q2 2015/16`` (Q1 is April-June)."""
    return f"Q{(month - 4) % 12 // 3 + 1} {fy_label(_fy_start(year, month))}"


def rolling_label(year: int, month: int) -> str:
    """The 12 months ending with a month, as ``12 months to 2015-07``."""
    return f"{ROLLING_PREFIX}{year:04d}-{month:02d}"


def build_table(monthly: pd.DataFrame, kind: str, districts: Iterable[str], force_name: str,
                rolling: bool = False, windows_to: Iterable[str] | None = None) -> Table:
    """The full table of a measure (all cells, true values, relations) from its district-month values.

    `monthly` has columns period (``YYYY-MM``), district and value (a whole number, 0 or more), one row
    for every published month and district. The published months are the months in `monthly`.
    With `rolling`, a flow also has the 12 months to each month whose 11 months before are published
    (period type ``rolling_12_months``): the sum of those 12 months; `windows_to` (``YYYY-MM`` months) keeps
    only the windows ending with those months.
    """
    if kind not in KINDS:
        raise ValueError(f'kind should be "flow" or "stock" (a percentage is derived: see suppress_percentage); '
                         f'got "{kind}".')
    districts = tuple(districts)
    if not districts or len(set(districts)) != len(districts):
        raise ValueError("districts should be a non-empty list of distinct names.")
    if force_name in districts:
        raise ValueError(f'the force name "{force_name}" is also a district.')
    missing = {"period", "district", "value"} - set(monthly.columns)
    if missing:
        raise ValueError(f"monthly should have the columns period, district and value; missing {sorted(missing)}.")

    base: dict[tuple[str, tuple[int, int]], int] = {}
    for period, district, value in zip(monthly["period"], monthly["district"], monthly["value"], strict=True):
        ym = _month(period)
        if district not in districts:
            raise ValueError(f'district "{district}" ({period}) is not one of {", ".join(districts)}.')
        try:
            whole = value is not None and not pd.isna(value) and float(value) == int(value) and int(value) >= 0
        except (TypeError, ValueError):
            whole = False
        if not whole:
            raise ValueError(f"value {value!r} for {district} {period} is not a whole number, 0 or more.")
        if (district, ym) in base:
            raise ValueError(f"{district} {period} is given twice.")
        base[(district, ym)] = int(value)
    months = sorted({ym for _, ym in base})
    for ym in months:
        for d in districts:
            if (d, ym) not in base:
                raise ValueError(f"{d} {ym[0]:04d}-{ym[1]:02d} has no value; every district needs every month.")

    def mlabel(ym: tuple[int, int]) -> str:
        return f"{ym[0]:04d}-{ym[1]:02d}"

    month_set = set(months)
    quarters: dict[str, list[tuple[int, int]]] = {}
    years: dict[str, list[tuple[int, int]]] = {}
    for y, m in months:
        quarters.setdefault(quarter_label(y, m), []).append((y, m))
        years.setdefault(fy_label(_fy_start(y, m)), []).append((y, m))
    quarters = {q: ms for q, ms in quarters.items() if len(ms) == 3}
    years = {fy: ms for fy, ms in years.items() if len(ms) == 12 and set(ms) <= month_set}
    quarters_of_year = {fy: [q for q in quarters if q.endswith(" " + fy)] for fy in years}
    windows: dict[str, list[tuple[int, int]]] = {}
    wanted = None if windows_to is None else set(windows_to)
    if rolling and kind == "flow":
        for y, m in months:
            span = [((y * 12 + m - 1 - k) // 12, (y * 12 + m - 1 - k) % 12 + 1) for k in range(11, -1, -1)]
            if set(span) <= month_set and (wanted is None or mlabel((y, m)) in wanted):
                windows[rolling_label(y, m)] = span

    values: dict[Key, int] = {}
    period_types: dict[str, str] = {}
    relations: list[Relation] = []
    for ym in months:
        p = mlabel(ym)
        period_types[p] = "month"
        for d in districts:
            values[(d, p)] = base[(d, ym)]
    for q, ms in quarters.items():
        period_types[q] = "quarter"
        for d in districts:
            values[(d, q)] = (sum(base[(d, ym)] for ym in ms) if kind == "flow" else base[(d, ms[-1])])
    for fy, ms in years.items():
        period_types[fy] = "financial_year"
        for d in districts:
            values[(d, fy)] = (sum(base[(d, ym)] for ym in ms) if kind == "flow" else base[(d, ms[-1])])
    for w, ms in windows.items():
        period_types[w] = "rolling_12_months"
        for d in districts:
            values[(d, w)] = sum(base[(d, ym)] for ym in ms)
    periods = tuple(period_types)
    for p in periods:
        values[(force_name, p)] = sum(values[(d, p)] for d in districts)
        relations.append(Relation((force_name, p), tuple((d, p) for d in districts)))
    areas = (*districts, force_name)
    for a in areas:
        for q, ms in quarters.items():
            if kind == "flow":
                relations.append(Relation((a, q), tuple((a, mlabel(ym)) for ym in ms)))
            else:
                relations.append(Relation((a, q), ((a, mlabel(ms[-1])),), "equal"))
        for fy, ms in years.items():
            if kind == "flow":
                relations.append(Relation((a, fy), tuple((a, q) for q in quarters_of_year[fy])))
            else:
                relations.append(Relation((a, fy), ((a, mlabel(ms[-1])),), "equal"))
        for w, ms in windows.items():
            relations.append(Relation((a, w), tuple((a, mlabel(ym)) for ym in ms)))
    return Table(kind, districts, force_name, periods, period_types, values, tuple(relations))


BREAKDOWN_SEPARATOR = "|"


def breakdown_key(measure: str, dimension: str, category: str) -> str:
    """The name a breakdown category takes among the measures suppressed together (``measure|dimension|category``),
    so that its cells are ``(breakdown_key(...), force, "2023/24")``."""
    for name, part in (("measure", measure), ("dimension", dimension), ("category", category)):
        if not part or BREAKDOWN_SEPARATOR in part:
            raise ValueError(f'the {name} of a breakdown should be a name without "{BREAKDOWN_SEPARATOR}"; '
                             f'got "{part}".')
    return BREAKDOWN_SEPARATOR.join((measure, dimension, category))


def force_year_table(values_by_period: Mapping[str, int], force_name: str, kind: str = "flow",
                     period_type: str = "financial_year") -> Table:
    """A table of force figures only, one cell per period (a breakdown category at force by financial year, say):
    no districts, no months, no relations of its own. It is tied to other tables by `suppress_system`'s `sums`
    (the measure's own force-by-year cell is the sum of its categories')."""
    if kind not in KINDS:
        raise ValueError(f'kind should be "flow" or "stock"; got "{kind}".')
    if period_type not in PERIOD_TYPES:
        raise ValueError(f'period_type should be one of {", ".join(PERIOD_TYPES)}; got "{period_type}".')
    if not values_by_period:
        raise ValueError(f"a table of {force_name} figures needs at least one period.")
    values: dict[Key, int] = {}
    for period, value in values_by_period.items():
        try:
            whole = value is not None and not pd.isna(value) and float(value) == int(value) and int(value) >= 0
        except (TypeError, ValueError):
            whole = False
        if not whole:
            raise ValueError(f"value {value!r} for {force_name} {period} is not a whole number, 0 or more.")
        values[(force_name, str(period))] = int(value)
    periods = tuple(str(p) for p in values_by_period)
    return Table(kind, (), force_name, periods, dict.fromkeys(periods, period_type), values, ())


# --------------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SuppressedTable:
    """A table with its suppression: `flags` maps every cell to primary | secondary | none.

    bound                   the upper bound on every cell the reader is assumed to know
    exposed_if_flags_known  suppressed cells that a reader who knew which suppressed cells are
                            primary could still work out however much else were suppressed (see the
                            module's Limits); empty in most tables. Never recoverable without the flags.
    """

    table: Table
    settings: DisclosureSettings
    flags: Mapping[Key, str] = field(repr=False)
    bound: int = 0
    exposed_if_flags_known: frozenset[Key] = frozenset()

    def is_suppressed(self, key: Key) -> bool:
        return self.flags[key] != NOT_SUPPRESSED

    @property
    def suppressed(self) -> frozenset[Key]:
        return frozenset(k for k, f in self.flags.items() if f != NOT_SUPPRESSED)

    @property
    def primary(self) -> frozenset[Key]:
        return frozenset(k for k, f in self.flags.items() if f == PRIMARY)

    @property
    def secondary(self) -> frozenset[Key]:
        return frozenset(k for k, f in self.flags.items() if f == SECONDARY)

    def value(self, key: Key) -> int | None:
        """The published value of a cell: None when it is suppressed."""
        return None if self.is_suppressed(key) else self.table.values[key]

    def display(self, key: Key) -> str:
        """The figure as printed: the number with thousands separators, or the marker."""
        return self.settings.marker if self.is_suppressed(key) else f"{self.table.values[key]:,}"

    @property
    def published(self) -> dict[Key, int | str]:
        """Every cell's published value, the marker for a suppressed one."""
        return {k: (self.settings.marker if self.is_suppressed(k) else self.table.values[k])
                for k in self.table.cells}

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: area, period, period_type, value (None when suppressed), display,
        suppressed, reason (primary | secondary | none)."""
        t = self.table
        rows = []
        for ptype in PERIOD_TYPES:
            for p in t.periods:
                if t.period_types[p] != ptype:
                    continue
                for a in t.areas:
                    k = (a, p)
                    rows.append({"area": a, "period": p, "period_type": ptype, "value": self.value(k),
                                 "display": self.display(k), "suppressed": self.is_suppressed(k),
                                 "reason": self.flags[k]})
        return _frame(rows)


_COLUMNS = ["area", "period", "period_type", "value", "display", "suppressed", "reason"]


def _frame(rows: list[dict]) -> pd.DataFrame:
    """A frame of published figures; `value` holds Python numbers and None (object dtype)."""
    data = {c: [r[c] for r in rows] for c in _COLUMNS}
    frame = pd.DataFrame({c: pd.Series(v, dtype=object if c == "value" else None) for c, v in data.items()},
                         columns=_COLUMNS)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


# --------------------------------------------------------------------------------------------------
# The exact check: is a suppressed cell's value the only one consistent with what is published?
# --------------------------------------------------------------------------------------------------

class _OutOfBudget(Exception):
    pass


class _Search:
    """Integer feasibility of constraints sum(coef * x[v]) == rhs (coef +1 or -1) over intervals.

    Bounds propagation to a fixed point, then depth-first branching on the unknown with the
    narrowest domain, trying first the value nearest its true value (a witness that a cell can
    differ usually changes few others), then the values below it and above it as two intervals.
    """

    def __init__(self, n: int, cons: list[tuple[list[int], list[int], int]], budget: int):
        self.cons = cons
        self.adj: list[list[int]] = [[] for _ in range(n)]
        for k, (vs, _, _) in enumerate(cons):
            for v in vs:
                self.adj[v].append(k)
        self.budget = budget
        self.steps = 0

    def propagate(self, lo: list[int], hi: list[int], queue: list[int]) -> bool:
        cons, adj = self.cons, self.adj
        queued = set(queue)
        while queue:
            k = queue.pop()
            queued.discard(k)
            self.steps += 1
            if self.steps > self.budget:
                raise _OutOfBudget
            vs, cs, r = cons[k]
            mn = mx = 0
            for v, c in zip(vs, cs, strict=True):
                if c > 0:
                    mn += lo[v]
                    mx += hi[v]
                else:
                    mn -= hi[v]
                    mx -= lo[v]
            if r < mn or r > mx:
                return False
            for v, c in zip(vs, cs, strict=True):
                if c > 0:
                    nlo, nhi = r - mx + hi[v], r - mn + lo[v]
                else:
                    nlo, nhi = mn + hi[v] - r, mx + lo[v] - r
                if nlo > lo[v] or nhi < hi[v]:
                    lo[v], hi[v] = max(lo[v], nlo), min(hi[v], nhi)
                    if lo[v] > hi[v]:
                        return False
                    for k2 in adj[v]:
                        if k2 != k and k2 not in queued:
                            queue.append(k2)
                            queued.add(k2)
        return True

    def satisfied(self, x: list[int], con_ids: list[int]) -> bool:
        for k in con_ids:
            vs, cs, r = self.cons[k]
            if sum(c * x[v] for v, c in zip(vs, cs, strict=True)) != r:
                return False
        return True

    def find(self, comp_vars: list[int], comp_cons: list[int], lo: list[int], hi: list[int],
             changed: list[int], truth: list[int]) -> list[int] | None:
        """An assignment of the component's unknowns within lo..hi meeting its constraints, or None."""
        stack = [(lo, hi, changed)]
        while stack:
            lo, hi, changed = stack.pop()
            queue = sorted({k for v in changed for k in self.adj[v]})
            if not self.propagate(lo, hi, queue):
                continue
            best, width = -1, 0
            for v in comp_vars:
                w = hi[v] - lo[v]
                if w and (best < 0 or w < width):
                    best, width = v, w
                    if w == 1:
                        break
            if best < 0:
                if self.satisfied(lo, comp_cons):
                    return lo
                continue
            a, b, t = lo[best], hi[best], truth[best]
            target = min(max(t, a), b)
            for x, y in ((target + 1, b), (a, target - 1), (target, target)):  # last pushed, first tried
                if x <= y:
                    lo2, hi2 = lo[:], hi[:]
                    lo2[best], hi2[best] = x, y
                    stack.append((lo2, hi2, [best]))
        return None


def _recovered(values: list[int], relations: list[tuple[int, tuple[int, ...]]], suppressed: set[int],
               domains: Mapping[int, tuple[int, int]], budget: int, only: Iterable[int] | None = None,
               protection: int = 1) -> set[int]:
    """The suppressed cells (of `only`, default all) whose value is the only feasible one.

    Cells are integer unknowns within `domains`; the relations, with the published values put in,
    are the constraints. A cell whose search runs out of budget counts as recovered.
    """
    cells = sorted(suppressed)
    pos = {c: i for i, c in enumerate(cells)}
    cons: list[tuple[list[int], list[int], int]] = []
    for total, parts in relations:
        vs, cs, r = [], [], 0
        for c, coef in ((total, 1), *((p, -1) for p in parts)):
            if c in pos:
                vs.append(pos[c])
                cs.append(coef)
            else:
                r -= coef * values[c]
        if vs:
            cons.append((vs, cs, r))
    n = len(cells)
    lo = [domains[c][0] for c in cells]
    hi = [domains[c][1] for c in cells]
    truth = [values[c] for c in cells]
    if any(not a <= t <= b for a, t, b in zip(lo, truth, hi, strict=True)):
        raise ValueError("a suppressed cell's true value is outside its domain.")
    search = _Search(n, cons, budget)
    search.budget = budget * 10 + 10 * len(cons)
    if not search.propagate(lo, hi, list(range(len(cons)))):
        raise ValueError("the table's values do not meet its relations.")
    # Components of unknowns joined by constraints: a search only ever needs its own.
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for vs, _, _ in cons:
        for v in vs[1:]:
            parent[root(v)] = root(vs[0])
    comp_vars: dict[int, list[int]] = {}
    comp_cons: dict[int, list[int]] = {}
    for v in range(n):
        comp_vars.setdefault(root(v), []).append(v)
    for k, (vs, _, _) in enumerate(cons):
        comp_cons.setdefault(root(vs[0]), []).append(k)

    targets = sorted(pos[c] for c in (cells if only is None else only) if c in pos)
    free: set[int] = set()
    recovered: set[int] = set()
    for x in targets:
        if x in free:
            continue
        if lo[x] == hi[x]:
            recovered.add(x)
            continue
        comp = root(x)
        for a, b in ((lo[x], truth[x] - protection), (truth[x] + protection, hi[x])):
            if a > b:
                continue
            lo2, hi2 = lo[:], hi[:]
            lo2[x], hi2[x] = a, b
            search.steps, search.budget = 0, budget
            try:
                found = search.find(comp_vars[comp], comp_cons.get(comp, []), lo2, hi2, [x], truth)
            except _OutOfBudget:
                found = None
            if found is not None:
                free.update(v for v in comp_vars[comp] if abs(found[v] - truth[v]) >= protection)
                break
        else:
            recovered.add(x)
    return {cells[i] for i in recovered}


def _extreme_finder(a, b, lows):
    """A function (i, sign) -> a point of {x >= lows, a x = b} (`a` a SciPy CSR matrix) minimising
    sign * x[i], or None when that is unbounded below. Many solves on one set of relations: HiGHS keeps the
    model and starts each solve from the last one's basis, where SciPy's `linprog` would check and copy the
    inputs every time (most of the cost of a publication's suppression). SciPy's `linprog` is used when its
    HiGHS object cannot be had. The function's `fix(i, value)` holds x[i] at a value from then on (a cell shown),
    and `fix(i, None)` lets it go back to lows[i] or more."""
    import numpy as np

    n = a.shape[1]
    bounds = [(lo, None) for lo in lows]
    try:
        from scipy.optimize._highspy._core import HighsModelStatus, _Highs
    except ImportError:  # a SciPy release without it
        from scipy.optimize import linprog

        def by_linprog(i: int, sign: float):
            c = np.zeros(n)
            c[i] = sign
            res = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            if res.status == 3:
                return None
            if res.status != 0:
                raise ValueError(f"the figures do not meet their own relations ({res.message}).")
            return res.x

        def fix_linprog(i: int, value: float | None) -> None:
            bounds[i] = (lows[i], None) if value is None else (value, value)
        by_linprog.fix = fix_linprog
        return by_linprog

    h = _Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("simplex_strategy", 4)  # primal: a new objective leaves the last point feasible, a good start
    h.setOptionValue("presolve", "off")  # each solve starts where the last ended, and says plainly when unbounded
    h.addVars(n, lows, np.full(n, h.getInfinity()))
    h.addRows(a.shape[0], b, b, a.nnz, a.indptr[:-1].astype(np.int32), a.indices.astype(np.int32),
              a.data.astype(float))
    last = [0]

    def by_highs(i: int, sign: float):
        h.changeColCost(last[0], 0.0)
        h.changeColCost(i, sign)
        last[0] = i
        h.run()
        status = h.getModelStatus()
        if status not in (HighsModelStatus.kOptimal, HighsModelStatus.kUnbounded,
                          HighsModelStatus.kUnboundedOrInfeasible):
            # started from the basis an unbounded solve left, HiGHS can stop without naming an end ("Unknown"):
            # solve again from nothing before judging the figures
            h.clearSolver()
            h.run()
            status = h.getModelStatus()
        if status in (HighsModelStatus.kUnbounded, HighsModelStatus.kUnboundedOrInfeasible):
            return None
        if status != HighsModelStatus.kOptimal:
            raise ValueError(f"the figures do not meet their own relations ({h.modelStatusToString(status)}).")
        return np.array(h.getSolution().col_value)

    def fix_highs(i: int, value: float | None) -> None:
        h.changeColBounds(i, lows[i] if value is None else value, h.getInfinity() if value is None else value)
    by_highs.fix = fix_highs
    return by_highs


class _RelationMatrix:
    """The relations of one set of cells as a matrix, a row for each relation and a column for each cell (its
    total +1, each part -1, a cell twice in one relation once, by the sum), with the cells' values: built once for
    the many readers of one suppression, each of which takes its unknowns' columns from it."""

    def __init__(self, values: list[int], relations: list[tuple[int, tuple[int, ...]]]):
        import numpy as np
        from scipy.sparse import coo_matrix

        rows, cols, data = [], [], []
        for r, (total, parts) in enumerate(relations):
            for c, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
                rows.append(r)
                cols.append(c)
                data.append(sign)
        self.a = coo_matrix((data, (rows, cols)), shape=(len(relations), len(values))).tocsr()
        self.a.sum_duplicates()
        self.a.eliminate_zeros()  # a cell that is both total and part of a relation is not in it
        self.values = np.array(values, dtype=float)


class _LinearReader:
    """The reader of `_lp_narrow` for one set of unknowns, kept across questions: an unknown can be shown (held at
    its true value, as if published) and hidden again, and each component's model is built once and re-solved
    from where the last question left it. Every point a solve finds is kept: while each cell shown since is at
    its true value there, it is still one the reader cannot rule out, and answers for the cells it puts far enough
    from theirs without a solve."""

    def __init__(self, values: list[int], relations: list[tuple[int, tuple[int, ...]]], unknown: set[int],
                 lows: Mapping[int, int], matrix: _RelationMatrix | None = None):
        import numpy as np
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        m = matrix if matrix is not None else _RelationMatrix(values, relations)
        cells = sorted(unknown)
        pos = {c: i for i, c in enumerate(cells)}
        columns = np.array(cells, dtype=np.int64)
        known = m.values.copy()
        known[columns] = 0.0
        # each relation as the reader writes it: its unknowns on one side, what is known of it on the other; a
        # relation with no unknown says nothing to this reader
        a = m.a[:, columns].tocsr()
        kept = np.flatnonzero(np.diff(a.indptr))
        self.a, self.b = a[kept].tocsr(), 0.0 - (m.a @ known)[kept]
        # unknowns joined by a relation are solved together (a component), one with none alone
        n = len(cells)
        edges = self.a.tocoo()
        graph = coo_matrix((np.ones(edges.nnz), (edges.col, n + edges.row)), shape=(n + len(kept),) * 2)
        _, label = connected_components(graph, directed=False)
        self.comp = label[:n].tolist()
        self.members: dict[int, list[int]] = {}
        for v in range(n):
            self.members.setdefault(self.comp[v], []).append(v)
        self.rows_of: dict[int, list[int]] = {}
        for r, c in enumerate(label[n:].tolist()):
            self.rows_of.setdefault(c, []).append(r)
        self.cells, self.pos, self.lows = cells, pos, lows
        self.truth = np.array([values[c] for c in cells], dtype=float)
        self.models: dict[int, tuple] = {}   # component -> (solve, its cells' places in the model)
        self.shown: set[int] = set()
        self.points: dict[int, list] = {}  # component -> [the points its solves found, in rows, and how many]

    def _model(self, comp: int):
        import numpy as np

        if comp not in self.models:
            vs = self.members[comp]
            local = {v: i for i, v in enumerate(vs)}
            rows = self.rows_of[comp]
            a = self.a[rows][:, vs].tocsr()
            a.sum_duplicates()  # in order, each row's cells as the model takes them
            solve = _extreme_finder(a, self.b[rows], np.array([self.lows[self.cells[v]] for v in vs], dtype=float))
            for v in vs:
                if v in self.shown:
                    solve.fix(local[v], self.truth[v])
            self.models[comp] = (solve, local)
        return self.models[comp]

    def show(self, cell: int, shown: bool = True) -> None:
        """Hold an unknown at its true value (`shown`), or let it range again."""
        v = self.pos[cell]
        (self.shown.add if shown else self.shown.discard)(v)
        if self.comp[v] in self.models:
            solve, local = self.models[self.comp[v]]
            solve.fix(local[v], self.truth[v] if shown else None)

    def narrow(self, protection: int, only: Iterable[int], first: bool = False) -> set[int]:
        """The cells of `only` whose range is narrower than `protection`; with `first`, asked in the order `only`
        gives, the first one found."""
        import numpy as np

        wanted = [self.pos[c] for c in only if c in self.pos]
        wanted = list(dict.fromkeys(wanted)) if first else sorted(set(wanted))
        by_comp: dict[int, list[int]] = {}
        for v in wanted:
            by_comp.setdefault(self.comp[v], []).append(v)
        narrow: set[int] = set()
        for comp, targets in by_comp.items():
            if comp not in self.rows_of:
                continue  # no relation holds it: its range is unbounded
            solve, local = self._model(comp)
            t = self.truth[self.members[comp]]
            wide = np.zeros(len(t), dtype=bool)
            points = self.points.setdefault(comp, [np.empty((16, len(t))), 0])
            found = points[0][:points[1]]
            held = [local[v] for v in self.shown if v in local]
            if held:
                found = found[(np.abs(found[:, held] - t[held]) < 1e-6).all(axis=1)]
            wide |= (np.abs(found - t) >= protection - 1e-6).any(axis=0)
            for v in targets:
                i = local[v]
                for sign in (-1.0, 1.0):  # its maximum first: a count's range is usually open above
                    if wide[i]:
                        break
                    x = solve(i, sign)
                    if x is None:  # unbounded above: as wide as can be
                        wide[i] = True
                        break
                    wide |= np.abs(x - t) >= protection - 1e-6
                    if points[1] == len(points[0]):
                        points[0] = np.concatenate([points[0], np.empty_like(points[0])])
                    points[0][points[1]] = x
                    points[1] += 1
                if not wide[i]:
                    narrow.add(self.cells[v])
                    if first:
                        return narrow
        return narrow


def _lp_narrow(values: list[int], relations: list[tuple[int, tuple[int, ...]]], unknown: set[int],
               lows: Mapping[int, int], protection: int, only: Iterable[int], first: bool = False,
               matrix: _RelationMatrix | None = None) -> set[int]:
    """The cells of `only` (all in `unknown`) whose range is narrower than `protection` for a reader who knows
    every cell outside `unknown` and each unknown's lower bound (`lows`), and solves the relations as a linear
    program (SciPy's HiGHS): that reader's range for a cell is its minimum to its maximum.

    One solve answers for many cells: every optimum found is a point the reader cannot rule out, so each cell
    it puts `protection` or more from its true value has a range at least that wide.

    With `first`, the cells are asked in the order `only` gives and the first narrow one found is the answer.
    `matrix`: the relations as `_RelationMatrix` has them, when another question on them built it already.
    """
    return _LinearReader(values, relations, unknown, lows, matrix).narrow(protection, only, first)


# --------------------------------------------------------------------------------------------------
# Suppression
# --------------------------------------------------------------------------------------------------

def suppress(table: Table, settings: DisclosureSettings | None = None) -> SuppressedTable:
    """Primary and secondary suppression of a table, so that no suppressed cell can be recovered.

    See the module docstring for the reader assumed and the algorithm.
    """
    s = settings or DisclosureSettings()
    keys = table.cells
    index = {k: i for i, k in enumerate(keys)}
    relations = [(index[r.total], tuple(index[p] for p in r.parts)) for r in table.relations]
    chosen, primary, exposed = _suppress_cells([table.values[k] for k in keys], relations,
                                               table.base_total() + s.threshold + 1, s)
    flags = {k: (PRIMARY if i in primary else SECONDARY if i in chosen else NOT_SUPPRESSED)
             for k, i in index.items()}
    return SuppressedTable(table, s, flags, table.base_total() + s.threshold + 1,
                           frozenset(keys[c] for c in exposed))


SystemKey = tuple[str, str, str]  # (measure, area, period)


@dataclass(frozen=True)
class EarlierCell:
    """A figure of an earlier publication that is not a cell of the tables suppressed now: one that publication
    showed (`known`: its value is public) or hid and that has been revised since (an unknown of its own, the
    figure as it then stood, which is protected like any hidden figure), or, with `rest`, the rest of a measure beyond
    its part as that publication had them (grooming arrests within CSE arrests): an unknown never published, 0 or
    more, that ties the part to at most its whole. `name` tells two apart: the same name is the same unknown."""

    name: tuple
    value: int
    known: bool
    rest: bool = False


def suppress_system(tables: Mapping[str, Table], settings: DisclosureSettings | None = None, *,
                    part_of: Mapping[str, str] | None = None, known: Iterable[SystemKey] = (),
                    protection: int = 1, linear: bool = False,
                    sums: Iterable[tuple[SystemKey, Iterable[SystemKey]]] = (),
                    keep: Iterable[SystemKey] = (),
                    earlier: Iterable[tuple[object, tuple[object, ...]]] = ()) -> dict[str, SuppressedTable]:
    """Suppress several measures' tables as one system of linear relations.

    part_of    measure -> the measure it is part of (grooming arrests within CSE arrests): for every cell
               the two share, part + rest = whole, with rest an unknown never published (0 or more)
    sums       (whole cell, part cells): whole = sum of the parts, across tables (a measure's force-by-year
               cell and its breakdown categories' cells, keyed by `breakdown_key`). Parts that add up to
               less than the whole leave a rest never published (a category held back, 0 or more); parts
               that add up to it are taken as every part there is (a reader who knew less could do no more)
    keep       cells never chosen to protect another ("not recorded", whose row is always shown): still
               suppressed when small themselves
    known      cells the reader already knows whatever this publication hides (published, with the same
               value, by an earlier snapshot that stays public): never chosen to protect another, and
               known to the reader in every check
    earlier    relations an earlier publication that stays public let a reader write, (total, parts), each term a
               cell of these tables (its value unchanged since) or an `EarlierCell`: the force total of a month
               shown before a district's figure was revised, with the other districts' figures as they were, ties
               those hidden then and now together, though no table suppressed now holds that total; a part
               shown before its figure was revised keeps its whole at least it, by a rest term (`EarlierCell` with
               `rest`) never published
    protection how far a hidden cell's possible values must reach from its true value: some value at
               least `protection` below or above it must fit everything published (1: it cannot be
               narrowed to one value)
    linear     check each hidden cell's range as a linear program (the reader of the disclosure audit,
               `pipelines.publish.lp_audit`, who knows each hidden cell's lower bound but not which are
               small) instead of the exact integer search: fast however many overlapping tables there are
               (rolling 12 months), and what publication is audited against
    """
    s = settings or DisclosureSettings()
    keys: list[SystemKey] = []
    values: list[int] = []
    index: dict[SystemKey, int] = {}
    for measure, table in tables.items():
        for a, p in table.cells:
            index[(measure, a, p)] = len(keys)
            keys.append((measure, a, p))
            values.append(table.values[(a, p)])
    relations: list[tuple[int, tuple[int, ...]]] = []
    for measure, table in tables.items():
        relations += [(index[(measure, *r.total)], tuple(index[(measure, *p)] for p in r.parts))
                      for r in table.relations]
    hidden: set[int] = set()
    for part, whole in (part_of or {}).items():
        if part not in tables or whole not in tables:
            continue
        for a, p in tables[part].cells:
            if (whole, a, p) not in index:
                continue
            rest = tables[whole].values[(a, p)] - tables[part].values[(a, p)]
            if rest < 0:
                raise ValueError(f"{part} is more than {whole} ({a}, {p}), of which it should be part.")
            hidden.add(len(keys))
            index[("rest of " + whole, a, p)] = len(keys)
            keys.append(("rest of " + whole, a, p))
            values.append(rest)
            relations.append((index[(whole, a, p)], (index[(part, a, p)], len(keys) - 1)))
    for whole, parts in sums:
        parts = tuple(parts)
        for k in (whole, *parts):
            if k[0] not in tables or k not in index:
                raise ValueError(f"sums names {k}, which is not a cell of the tables suppressed.")
        if not parts or whole in parts or len(set(parts)) != len(parts):
            raise ValueError(f"the parts of {whole} should be one or more distinct cells other than itself.")
        ids = tuple(index[p] for p in parts)
        rest = values[index[whole]] - sum(values[i] for i in ids)
        if rest < 0:
            raise ValueError(f"the parts of {whole} add up to {values[index[whole]] - rest}, more than it.")
        if rest:
            hidden.add(len(keys))
            keys.append(("unpublished parts of " + whole[0], whole[1], whole[2]))
            values.append(rest)
            ids += (len(keys) - 1,)
        relations.append((index[whole], ids))
    fixed = {index[k] for k in known if k in index}
    kept = {index[k] for k in keep if k in index}
    past: set[int] = set()
    extra: dict[tuple, int] = {}
    for total, parts in earlier:
        ids = []
        for term in (total, *parts):
            if isinstance(term, EarlierCell):
                if term.name not in extra:
                    extra[term.name] = len(keys)
                    keys.append(("earlier " + str(term.name[0]), *map(str, term.name[1:3])))
                    values.append(int(term.value))
                    (hidden if term.rest else fixed if term.known else past).add(len(keys) - 1)
                ids.append(extra[term.name])
            elif term in index:
                ids.append(index[term])
            else:
                raise ValueError(f"earlier names {term}, which is not a cell of the tables suppressed.")
        relations.append((ids[0], tuple(ids[1:])))
    # a force-only table's base total is the sum of its cells, so that the bound is above every cell
    bound = max([*(t.base_total() for t in tables.values()), *(values[i] for i in past)], default=0) + s.threshold + 1
    # what readers look for first is shown first when a secondary cell turns out not to be needed: the force's
    # figures, then quarters, years and 12 months before months, then the larger counts
    reveal = sorted((index[(measure, a, p)] for measure, table in tables.items() for a, p in table.cells),
                    key=lambda i: (keys[i][1] != tables[keys[i][0]].force_name,
                                   tables[keys[i][0]].period_types[keys[i][2]] == "month", -values[i], i))
    chosen, primary, exposed = _suppress_cells(values, relations, bound, s, hidden=hidden, fixed=fixed,
                                               protection=protection, linear=linear, keep=kept, past=past,
                                               reveal=reveal)
    out = {}
    for measure, table in tables.items():
        flags = {}
        for a, p in table.cells:
            i = index[(measure, a, p)]
            flags[(a, p)] = PRIMARY if i in primary else SECONDARY if i in chosen else NOT_SUPPRESSED
        out[measure] = SuppressedTable(table, s, flags, bound, frozenset(
            (keys[c][1], keys[c][2]) for c in exposed if keys[c][0] == measure))
    return out


def _suppress_cells(values: list[int], relations: list[tuple[int, tuple[int, ...]]], bound: int,
                    s: DisclosureSettings, *, hidden: set[int] = frozenset(), fixed: set[int] = frozenset(),
                    protection: int = 1, linear: bool = False,
                    keep: set[int] = frozenset(), past: set[int] = frozenset(),
                    reveal: Sequence[int] = ()) -> tuple[set[int], set[int], set[int]]:
    """The cells to suppress (chosen), the primary ones among them, and those exposed to the strongest reader.

    hidden  unknowns never published (the rest of a measure beyond its part): always unknown to the reader
    fixed   cells the reader knows however they are shown here: never chosen to protect another
    keep    cells always shown unless small themselves: never chosen to protect another
    past    figures an earlier publication hid, revised since: unknown to the reader and protected like a hidden
            cell, but nothing this publication shows or hides (never chosen, never shown)
    reveal  (linear) the cells in the order a secondary cell is tried for showing once every hidden cell is
            protected (step 5 of the module's algorithm); empty: none is
    """
    rels_of: list[list[int]] = [[] for _ in values]
    for j, (total, parts) in enumerate(relations):
        for c in (total, *parts):
            rels_of[c].append(j)
    low, thr = s.low, s.threshold

    primary = {i for i, v in enumerate(values) if s.is_primary(v) and i not in hidden}
    chosen = set(primary) | set(hidden) | set(past)

    def unknown() -> set[int]:
        """What the reader does not know: the chosen cells but those public elsewhere."""
        return chosen - fixed

    def eligible(i: int) -> bool:
        # a secondary cell is never a zero or a small count: the reader may know it is above the threshold
        return i not in chosen and i not in fixed and i not in keep and values[i] > thr

    def complement(j: int, exclude: int = -1) -> int | None:
        total, parts = relations[j]
        options = [p for p in parts if p != exclude and eligible(p)]
        if options:
            return min(options, key=lambda p: (values[p], p))
        return total if total != exclude and eligible(total) else None

    def at_least_two() -> None:
        changed = True
        while changed:
            changed = False
            hid = unknown()
            for j, (total, parts) in enumerate(relations):
                alone = [c for c in (total, *parts) if c in hid]
                if len(alone) == 1 and alone[0] not in hidden:  # never published, a rest needs no company
                    pick = complement(j)
                    if pick is not None:
                        chosen.add(pick)
                        hid.add(pick)
                        changed = True

    def nearest_eligible(start: int) -> int | None:
        """The best cell to add for `start`: from its own relations, else the nearest through suppressed cells."""
        picks = [(p == relations[j][0], values[p], p) for j in rels_of[start]
                 if (p := complement(j, start)) is not None]
        if picks:
            return min(picks)[2]  # a part before a total, then the smallest value
        seen, frontier = {start}, [start]
        while frontier:
            options, nxt = [], []
            for c in frontier:
                for j in rels_of[c]:
                    total, parts = relations[j]
                    for d in (total, *parts):
                        if d in seen:
                            continue
                        seen.add(d)
                        if eligible(d):
                            options.append(d)
                        elif d in chosen:
                            nxt.append(d)
            if options:
                return min(options, key=lambda p: (values[p], p))
            frontier = nxt
        return None  # a cell not linked to `start` by any relation cannot protect it

    def domain(i: int, strong: bool) -> tuple[int, int]:
        if i in hidden:
            return (0, bound)
        if not strong:
            return (low, bound)
        return (low, thr) if i in primary else (thr + 1, bound)

    def recovered(cells: set[int], strong: bool, only: Iterable[int] | None = None, first: bool = False) -> set[int]:
        targets = [c for c in (cells if only is None else only) if c not in hidden]
        if linear:  # one reader: each hidden cell at least its lower bound, flags unknown
            if cells is not current():  # a what-if (every cell hidden): nothing learnt is kept
                return _lp_narrow(values, relations, cells, {i: domain(i, False)[0] for i in cells}, protection,
                                  targets, first, matrix())
            # hiding more never narrows a range, so a cell once found wide enough stays so: only the rest are asked
            todo = [c for c in targets if c not in wide]
            narrow = _lp_narrow(values, relations, cells, {i: domain(i, False)[0] for i in cells}, protection, todo,
                                matrix=matrix())
            wide.update(c for c in todo if c not in narrow)
            return narrow
        return _recovered(values, relations, cells, {i: domain(i, strong) for i in cells}, s.search_budget,
                          targets, protection)

    built: list[_RelationMatrix] = []

    def matrix() -> _RelationMatrix:
        """(linear) The relations as a matrix, built at the first question: the same for every reader below."""
        if not built:
            built.append(_RelationMatrix(values, relations))
        return built[0]

    exposed: dict[int, bool] = {}
    wide: set[int] = set()  # (linear) cells whose range is known to be wide enough
    state: dict[str, set[int]] = {}

    def current() -> set[int] | None:
        return state.get("hid")

    def is_exposed(cells: set[int]) -> set[int]:
        """Of `cells`, those recovered by the strong reader even with every non-zero cell suppressed."""
        todo = [c for c in cells if c not in exposed]
        if todo:
            most = {i for i, v in enumerate(values) if (v > 0 or low == 0 or i in hidden) and i not in fixed
                    and (i not in keep or i in primary)}
            found = recovered(most, True, todo)
            exposed.update({c: c in found for c in todo})
        return {c for c in cells if exposed[c]}

    def settle(everything: bool) -> None:
        """Suppress more until no cell asked about is recovered: each primary and earlier figure, and with
        `everything` each secondary too."""
        for _ in range(len(values) + 1):
            at_least_two()
            hid = unknown()
            state["hid"] = hid
            strong = recovered(hid, True, None if everything else [c for c in hid if c in primary or c in past])
            triggers = set(strong)
            if strong:
                hopeless = is_exposed(strong)
                triggers -= hopeless
                if hopeless and not linear:  # (one reader when linear: it would find them again)
                    triggers |= recovered(hid, False, hopeless)
            if not triggers:
                return
            used: set[int] = set()
            added = False
            for c in sorted(triggers, key=lambda c: (values[c], c)):
                if used.intersection(rels_of[c]):
                    continue  # a cell added this round may already have helped it
                pick = nearest_eligible(c)
                if pick is None:
                    continue
                chosen.add(pick)
                used.update(rels_of[c])
                added = True
            if not added:
                return  # nothing left to suppress

    def show_given_away() -> bool:
        """A secondary cell that what is public already gives away (a 12 months worked out from the 12 months
        before and two months shown, say) protects nothing: it is shown. Showing it tells the reader what they
        knew, but a reader limited to whole numbers knew it only to within a fraction, so every hidden cell is
        checked again after, and the cells go back if any other became narrower. Whether a narrow secondary cell is
        left hidden (one that went back)."""
        state["hid"] = None  # from here the hidden cells shrink: nothing found wide before is kept
        wide.clear()
        narrow = recovered(unknown(), True)
        while True:
            hid = unknown()
            given_away = recovered(hid, True, [c for c in hid if c not in primary and c not in past])
            if not given_away:
                return False
            chosen.difference_update(given_away)
            now = recovered(unknown(), True)
            if not now <= narrow:
                chosen.update(given_away)
                return True
            narrow = now

    def show_unneeded() -> None:
        """Step 5 of the module's algorithm: each secondary cell in `reveal` order is shown, with any secondary cell
        that showing it would leave alone in a relation, and hidden again if a hidden cell becomes narrow. One
        reader answers every question, the cells shown held at their values: the hidden cells only shrink."""
        def secondary(c: int) -> bool:
            return c in chosen and c not in primary and c not in hidden and c not in past and c not in fixed

        def with_company(c: int, hid: set[int]) -> list[int] | None:
            """`c` and the secondary cells that showing it gives away (a relation left with one hidden cell), to be
            shown together; None when it would give away another kind of cell. Takes them out of `hid`."""
            group = [c]
            hid.discard(c)
            for d in group:
                for j in rels_of[d]:
                    alone = [e for e in (relations[j][0], *relations[j][1]) if e in hid]
                    if len(alone) == 1 and alone[0] not in hidden:  # (a rest is never published)
                        if not secondary(alone[0]):
                            return None
                        group.append(alone[0])
                        hid.discard(alone[0])
            return group

        hid = unknown()
        reader = _LinearReader(values, relations, hid, {i: domain(i, False)[0] for i in hid}, matrix())
        narrow = reader.narrow(protection, [c for c in hid if c not in hidden])
        # a cell already narrow cannot be seen to become narrower: nothing joined to one is shown
        joined: dict[int, list[int]] = {}  # the reader's components: cells joined by relations through hidden cells
        for c in sorted(hid - hidden):
            joined.setdefault(reader.comp[reader.pos[c]], []).append(c)
        risky = {reader.comp[reader.pos[c]] for c in narrow}
        for c in reveal:
            if not secondary(c) or reader.comp[reader.pos[c]] in risky:
                continue
            before = set(hid)
            group = with_company(c, hid)
            if group is not None and not risky.intersection(reader.comp[reader.pos[d]] for d in group):
                # only the hidden cells joined to the group can become narrower: those beside it, likeliest to,
                # asked first
                beside = dict.fromkeys(e for d in group for j in rels_of[d] for e in (relations[j][0], *relations[j][1])
                                       if e in hid and e not in hidden)
                comps = dict.fromkeys(reader.comp[reader.pos[d]] for d in group)
                reach = [*beside, *(e for k in comps for e in joined.get(k, ()) if e in hid and e not in beside)]
                for d in group:
                    reader.show(d)
                if not reader.narrow(protection, reach, first=True):
                    chosen.difference_update(group)
                    continue
                for d in group:
                    reader.show(d, False)
            hid = before

    if linear:  # step 4 of the module's algorithm: a narrow secondary cell is shown, not protected
        settle(everything=False)
        if show_given_away():
            # a secondary that could not be shown: protected as before (a small count or an earlier figure still
            # narrow is one no suppression can save: more hidden would not help it)
            wide.clear()
            settle(everything=True)
            show_given_away()
        if reveal:
            show_unneeded()
    else:
        settle(everything=True)
    chosen -= hidden | past
    return chosen, primary, {c for c, e in exposed.items() if e and c in chosen}


# --------------------------------------------------------------------------------------------------
# Derived figures: percentages and rates
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DerivedFigure:
    """A percentage or rate as published: value None when suppressed or not available."""

    value: float | None
    display: str
    suppressed: bool
    reason: str


def suppress_percentage(num_suppressed: bool, den_suppressed: bool, value: float | None,
                        settings: DisclosureSettings | None = None, decimals: int = 1) -> DerivedFigure:
    """A percentage built from a numerator and a denominator: suppressed when either is.

    (With the other part published, a percentage of a suppressed count would give that count back.)
    """
    s = settings or DisclosureSettings()
    if num_suppressed or den_suppressed:
        which = (("numerator and denominator" if den_suppressed else "numerator") if num_suppressed
                 else "denominator")
        return DerivedFigure(None, s.marker, True, f"{which} suppressed")
    if value is None or pd.isna(value):
        return DerivedFigure(None, "", False, "not available")
    return DerivedFigure(float(value), f"{value:,.{decimals}f}", False, NOT_SUPPRESSED)


def suppress_rate(count_suppressed: bool, value: float | None, settings: DisclosureSettings | None = None,
                  decimals: int = 1) -> DerivedFigure:
    """A rate (per 100,000, say) of a count: suppressed when the count is (the population is public)."""
    s = settings or DisclosureSettings()
    if count_suppressed:
        return DerivedFigure(None, s.marker, True, "count suppressed")
    if value is None or pd.isna(value):
        return DerivedFigure(None, "", False, "not available")
    return DerivedFigure(float(value), f"{value:,.{decimals}f}", False, NOT_SUPPRESSED)


def percentage_frame(numerator: SuppressedTable, denominator: SuppressedTable, decimals: int = 1) -> pd.DataFrame:
    """The percentage numerator / denominator x 100 for every cell the two tables share, suppressed where
    either part is; a zero denominator gives no value. Columns as `SuppressedTable.to_frame`."""
    rows = []
    for row in numerator.to_frame().itertuples(index=False):
        key = (row.area, row.period)
        if key not in denominator.flags:
            continue
        num, den = numerator.table.values[key], denominator.table.values[key]
        fig = suppress_percentage(numerator.is_suppressed(key), denominator.is_suppressed(key),
                                  100.0 * num / den if den else None, numerator.settings, decimals)
        rows.append({"area": row.area, "period": row.period, "period_type": row.period_type, "value": fig.value,
                     "display": fig.display, "suppressed": fig.suppressed, "reason": fig.reason})
    return _frame(rows)


def suppress_rates(table: SuppressedTable, population: Mapping[str, float], per: float = 100_000,
                   decimals: int = 1) -> pd.DataFrame:
    """Rates per `per` people of a suppressed table's counts, suppressed where the count is.

    `population` maps area to people; the force's defaults to the sum of its districts'. Columns as
    `SuppressedTable.to_frame`.
    """
    pop = dict(population)
    if table.table.force_name not in pop and all(d in pop for d in table.table.districts):
        pop[table.table.force_name] = sum(pop[d] for d in table.table.districts)
    rows = []
    for row in table.to_frame().itertuples(index=False):
        key = (row.area, row.period)
        people = pop.get(row.area)
        rate = per * table.table.values[key] / people if people else None
        fig = suppress_rate(table.is_suppressed(key), rate, table.settings, decimals)
        rows.append({"area": row.area, "period": row.period, "period_type": row.period_type, "value": fig.value,
                     "display": fig.display, "suppressed": fig.suppressed, "reason": fig.reason})
    return _frame(rows)
