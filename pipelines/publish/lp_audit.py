"""The disclosure audit: for every hidden figure, the range its true value could take given everything public.

Independent of the suppression code (`pipelines.disclosure`): it reads only what a publication would put
before the public (every published cell of every table, with its period label) and what earlier snapshots
that stay public showed, works out the relations a reader can use from the labels and the catalogue on its
own, and asks a linear program (SciPy's HiGHS) for the lowest and highest value of each hidden cell.

The reader modelled knows:
- every published cell, in this snapshot and in every earlier one (an earlier figure whose true value has
  not changed since is the same unknown; one revised since tells about an old value, not today's), and every
  relation an earlier one holds (`relations`: a month's total shown before one of its districts was revised
  still ties the other districts together, as they were then and are now);
- that the force is the sum of its districts; that a financial quarter, a financial year and a rolling 12
  months are the sums of their months (for a stock, a quarter and a year equal their last month);
- that a measure declared part of another is at most the other (grooming arrests within CSE arrests);
- that a measure is the sum of its breakdown's categories (suspects identified by ethnicity), wherever every
  category is published beside it, and at least the sum of those published where some category is not;
- that a hidden count is at least 1 (zeros are shown), or 0 when zeros are hidden too.
A published percentage whose numerator or denominator is hidden fails the audit outright (with the other
part it would give the hidden one back), and so does a completeness figure (the share of a measure whose
breakdown was recorded, or a share of the recorded values) shown while the measure or a count of values not
recorded is hidden or not published.

A hidden cell passes when its range is at least `protection` wide (upper - lower, in whole numbers; an
unbounded range passes). The linear relaxation is what is computed: a reader limited to whole numbers can
do no better than it, which is the direction an audit needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^Q([1-4]) (\d{4})/\d{2}$")
_YEAR = re.compile(r"^(\d{4})/\d{2}$")
_ROLLING = re.compile(r"^12 months to (\d{4})-(\d{2})$")

Key = tuple[str, str, str]  # (measure, area, period)


@dataclass
class AuditResult:
    """Each hidden cell's range (`cells`: measure, area, period, period_type, lower, upper, width, passed, exact;
    upper and width NaN when unbounded; where exact is False only `width` is known, and the range is at least
    that wide), the protection asked for, and the cells that fail it, in words."""

    cells: pd.DataFrame
    protection: int
    failures: list[str]
    already_public: int = 0   # hidden here, shown with the same value by an earlier snapshot (not audited)
    # each range failure by its cell, (measure, area, period) -> (width, the failure in words)
    narrow: dict = field(default_factory=dict)
    # failures that what earlier snapshots made public already gives, as narrow or narrower, without this publication
    # (`before_this`): withholding it would protect none of them, so they are said, not refused
    exposed_before: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def min_width(self) -> float:
        """The narrowest range of any hidden cell, or less (a width not worked out exactly is a floor); inf when
        there is none, or every range is unbounded."""
        widths = self.cells["width"].dropna()
        return float(widths.min()) if len(widths) else math.inf

    def summary(self) -> dict[str, str]:
        return {"audit_protection": str(self.protection), "audit_cells": str(len(self.cells)),
                "audit_min_width": "unbounded" if math.isinf(self.min_width) else f"{self.min_width:g}",
                "audit_passed": "true" if self.passed else "false",
                "audit_already_public": str(self.already_public)}


CELL_COLUMNS = ["measure", "area", "period", "period_type", "lower", "upper", "width", "passed", "exact"]


def empty_cells() -> pd.DataFrame:
    """An audit's `cells` with no hidden figure."""
    return pd.DataFrame(columns=CELL_COLUMNS).astype({"width": "float64", "passed": "bool"})


def caveat_failures(cells: pd.DataFrame, caveats: pd.DataFrame) -> list[str]:
    """A guard on the caveats a publication would carry (measure, area, period, text): each must sit on a month's
    figure the publication shows. A caveat on a hidden figure, or on none, could say something about a value
    disclosure control hid (a rule's caveat fires at thresholds anyone can read), so it fails the audit."""
    if caveats is None or caveats.empty:
        return []
    months = cells[cells["period_type"] == "month"] if not cells.empty else cells
    state = {(r.measure, r.area, r.period): bool(r.suppressed) for r in months.itertuples()}
    out = []
    for r in caveats.drop_duplicates(["measure", "area", "period"]).itertuples():
        hidden = state.get((r.measure, r.area, r.period))
        if hidden is None:
            out.append(f"{r.measure}, {r.area}, {r.period}: a caveat would be published on a figure the "
                       "publication does not hold.")
        elif hidden:
            out.append(f"{r.measure}, {r.area}, {r.period}: a caveat would be published on a hidden figure, and "
                       "could say something about its value.")
    return out


def _months_of(period: str, period_type: str) -> list[str] | None:
    """The months a period adds up (or, for a stock's quarter or year, ends with)."""
    def span(y: int, m: int, n: int) -> list[str]:
        start = y * 12 + m - 1
        return [f"{(start + k) // 12:04d}-{(start + k) % 12 + 1:02d}" for k in range(n)]
    if period_type == "quarter" and (q := _QUARTER.match(period)):
        n, fy = int(q.group(1)), int(q.group(2))
        y, m = (fy, 4 + 3 * (n - 1)) if n < 4 else (fy + 1, 1)
        return span(y, m, 3)
    if period_type == "financial_year" and (f := _YEAR.match(period)):
        return span(int(f.group(1)), 4, 12)
    if period_type == "rolling_12_months" and (r := _ROLLING.match(period)):
        y, m = int(r.group(1)), int(r.group(2))
        end = y * 12 + m - 1 - 11
        return span(end // 12, end % 12 + 1, 12)
    return None


def audit(cells: pd.DataFrame, kinds: Mapping[str, str], districts: Iterable[str], force_name: str, *,
          part_of: Mapping[str, str] | None = None, percentages: Mapping[str, tuple[str, str]] | None = None,
          truth: Mapping[Key, float] | None = None, earlier: pd.DataFrame | None = None, low: int = 1,
          protection: int = 1, exact: bool = False, sums: Mapping[str, Sequence[str]] | None = None,
          completeness: Mapping[str, tuple[str, Sequence[str]]] | None = None,
          relations: Sequence[tuple[object, Sequence[object]]] = ()) -> AuditResult:
    """Audit one publication.

    cells        everything it publishes: measure, area, period, period_type, value (NaN/None when hidden),
                 suppressed
    kinds        measure -> flow | stock | percentage (a part named in `sums` and not here takes its whole's)
    percentages  percentage measure -> (numerator, denominator)
    sums         measure -> every category of its breakdown, as measures (``measure|dimension|category``): in
                 each (area, period) the measure is published, it equals the sum of its categories when all of
                 them are published there, and is at least the sum of those that are otherwise
    completeness figure -> (measure, its counts of values not recorded): the share recorded,
                 100 x (measure - sum not recorded) / measure, or a share of the recorded values (list that in
                 `percentages` too, with its category and the measure); shown only where the measure and every
                 count not recorded are published and shown
    truth        (measure, area, period) -> true value of each hidden cell: checked to lie in its range (the
                 audit's model of the reader is then sound), and used to tell which earlier figures still hold
    earlier      cells earlier snapshots that stay public showed (measure, area, period, value)
    relations    (total, parts) an earlier snapshot holds that this one does not: each term a cell of this one
                 (measure, area, period) or a figure as an earlier one had it (`pipelines.disclosure.EarlierCell`:
                 its value known, or an unknown of its own, at least `low`, whose range is audited too); with a
                 part that is a rest never published (a part within its whole), the total is at least the others
    exact        work out every hidden cell's lowest and highest value; by default a cell that two points
                 fitting everything public (the true values, or another optimum) already put `protection` apart
                 is passed with that distance as its width, which its range is at least (exact False), and
                 only the others are solved for: the same verdict, far fewer programs
    """
    from scipy.optimize import linprog

    districts = list(districts)
    truth = dict(truth or {})
    sums = {whole: list(parts) for whole, parts in (sums or {}).items()}
    kinds = dict(kinds)
    for whole, parts in sums.items():
        for part in parts:
            kinds.setdefault(part, kinds.get(whole))
    failures: list[str] = []
    narrow: dict[Key, tuple[float, str]] = {}
    frame = cells.copy()
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")

    for pct, (num, den) in (percentages or {}).items():
        shown = frame[(frame["measure"] == pct) & ~frame["suppressed"] & frame["value"].notna()]
        hidden_parts = set(map(tuple, frame[frame["measure"].isin([num, den]) & frame["suppressed"]][
            ["area", "period"]].to_numpy()))
        for row in shown.itertuples():
            if (row.area, row.period) in hidden_parts:
                failures.append(f"{pct}, {row.area}, {row.period}: a percentage is shown while the count it is "
                                "built from is hidden.")

    for figure, (total, unrecorded) in (completeness or {}).items():
        shown = frame[(frame["measure"] == figure) & ~frame["suppressed"] & frame["value"].notna()]
        if shown.empty:
            continue
        built_on = frame[frame["measure"].isin([total, *unrecorded])]
        state = {(r.measure, r.area, r.period): r.suppressed for r in built_on.itertuples()}
        for row in shown.itertuples():
            for count in (total, *unrecorded):
                hidden_here = state.get((count, row.area, row.period))
                if hidden_here is None:
                    failures.append(f"{figure}, {row.area}, {row.period}: a completeness figure is shown, but "
                                    f"{count}, which it is built from, is not published beside it.")
                elif hidden_here:
                    failures.append(f"{figure}, {row.area}, {row.period}: a completeness figure is shown while "
                                    f"{count}, which it is built from, is hidden.")

    counts = frame[frame["measure"].map(lambda m: kinds.get(m) in ("flow", "stock"))]
    known: dict[Key, float] = {}
    for row in counts.itertuples():
        if not row.suppressed:
            known[(row.measure, row.area, row.period)] = float(row.value)
    already = 0
    if earlier is not None and len(earlier):
        for row in earlier.itertuples():
            key = (row.measure, row.area, row.period)
            value = pd.to_numeric(row.value, errors="coerce")
            if pd.isna(value) or key in known:
                continue
            if key in truth and float(truth[key]) == float(value):
                known[key] = float(value)
                already += 1
    hidden = [(r.measure, r.area, r.period, r.period_type) for r in counts.itertuples()
              if r.suppressed and (r.measure, r.area, r.period) not in known]
    past: dict[tuple, int] = {}
    for total, parts in relations:  # an earlier figure revised since, and hidden: an unknown of its own
        for t in (total, *parts):
            if not isinstance(t, tuple) and not t.known and not t.rest and t.name not in past:
                past[t.name] = len(hidden)
                hidden.append((f"{t.name[0]} (as an earlier publication hid it, since revised)", *t.name[1:3],
                               "earlier"))
                truth[hidden[-1][:3]] = float(t.value)
    var = {k[:3]: i for i, k in enumerate(hidden)}
    ptype = {(r.measure, r.area, r.period): r.period_type for r in counts.itertuples()}

    def term(key: Key) -> tuple[int | None, float] | None:
        """(variable, 0) for a hidden cell, (None, value) for a known one, None when the cell is not public."""
        if key in var:
            return var[key], 0.0
        if key in known:
            return None, known[key]
        return None

    eq: list[tuple[dict[int, float], float]] = []    # sum(coef x) == rhs
    ub: list[tuple[dict[int, float], float]] = []    # sum(coef x) <= rhs

    def add(rows: list, total: Key, parts: list[Key], sign_of_total: float = 1.0) -> None:
        """total - sum(parts) (== or <=) 0; with `sign_of_total` -1, sum(parts) - total."""
        if not parts:
            return  # a total of nothing (no districts given) says nothing
        t = term(total)
        ps = [term(p) for p in parts]
        if t is None or any(p is None for p in ps):
            return  # a relation the reader cannot fill in from what is public
        coef: dict[int, float] = {}
        rhs = 0.0
        for (v, c), sign in ((t, sign_of_total), *((p, -sign_of_total) for p in ps)):
            if v is None:
                rhs -= sign * c
            else:
                coef[v] = coef.get(v, 0.0) + sign
        coef = {v: c for v, c in coef.items() if c}
        if coef:
            rows.append((coef, rhs))
    measures = sorted({k[0] for k in ptype})
    for measure in measures:
        keys = {(a, p) for (m, a, p) in ptype if m == measure}
        periods = sorted({p for a, p in keys})
        for p in periods:  # force = districts
            add(eq, (measure, force_name, p), [(measure, d, p) for d in districts])
        for a in [*districts, force_name]:
            for p in periods:
                months = _months_of(p, ptype[(measure, a, p)]) if (measure, a, p) in ptype else None
                if not months:
                    continue
                stock_like = kinds.get(measure) == "stock" and ptype[(measure, a, p)] in ("quarter", "financial_year")
                add(eq, (measure, a, p), [(measure, a, months[-1])] if stock_like
                    else [(measure, a, m) for m in months])
    for part, whole in (part_of or {}).items():  # part - whole <= 0
        for (m, a, p) in list(ptype):
            if m == part and (whole, a, p) in ptype:
                add(ub, (part, a, p), [(whole, a, p)])
    for total, parts in relations:
        coef: dict[int, float] = {}
        rhs, whole = 0.0, True
        # with a rest never published (a part within its whole), the whole is at least its other parts
        rest = any(not isinstance(p, tuple) and p.rest for p in parts)
        parts = [p for p in parts if isinstance(p, tuple) or not p.rest]
        for t, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if isinstance(t, tuple):
                found = term(t)
                if found is None:
                    whole = False
                    break
                v, c = found
            else:
                v, c = (None, float(t.value)) if t.known else (past[t.name], 0.0)
            if v is None:
                rhs -= sign * c
            else:
                coef[v] = coef.get(v, 0.0) + sign
        coef = {v: c for v, c in coef.items() if c}
        if whole and coef:
            if rest:  # total - parts >= 0
                ub.append(({v: -c for v, c in coef.items()}, -rhs))
            else:
                eq.append((coef, rhs))
    for whole, parts in sums.items():  # whole = its categories; whole >= those published when one is not
        for _, a, p in [k for k in ptype if k[0] == whole]:
            shown = [(c, a, p) for c in parts if (c, a, p) in ptype]
            if len(shown) == len(parts):
                add(eq, (whole, a, p), shown)
            elif shown:
                add(ub, (whole, a, p), shown, sign_of_total=-1.0)

    n = len(hidden)
    rows = []
    if n:
        # components: unknowns joined by any relation are solved together, alone otherwise
        parent = list(range(n))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i
        for coef, _ in (*eq, *ub):
            vs = list(coef)
            for v in vs[1:]:
                parent[root(v)] = root(vs[0])
        members: dict[int, list[int]] = {}
        for v in range(n):
            members.setdefault(root(v), []).append(v)
        eq_of: dict[int, list] = {}
        ub_of: dict[int, list] = {}
        for coef, rhs in eq:
            eq_of.setdefault(root(next(iter(coef))), []).append((coef, rhs))
        for coef, rhs in ub:
            ub_of.setdefault(root(next(iter(coef))), []).append((coef, rhs))
        lower = [float(low)] * n
        upper = [math.inf] * n
        proven = [math.nan] * n  # (not exact) how wide the points found so far show a range to be
        import numpy as np

        for comp, vs in members.items():
            local = {v: i for i, v in enumerate(vs)}

            def matrix(rows_: list, vs: list = vs, local: dict = local) -> tuple:
                if not rows_:
                    return None, None
                a = np.zeros((len(rows_), len(vs)))
                b = np.zeros(len(rows_))
                for r, (coef, rhs) in enumerate(rows_):
                    for v, c in coef.items():
                        a[r, local[v]] = c
                    b[r] = rhs
                return a, b
            a_eq, b_eq = matrix(eq_of.get(comp, []))
            a_ub, b_ub = matrix(ub_of.get(comp, []))
            start = (np.array([float(truth[hidden[v][:3]]) for v in vs])
                     if not exact and all(hidden[v][:3] in truth for v in vs) else None)
            # the same program, asked again (another build of one publication, the audit of what was public
            # before it): its answer is the one worked out before
            key = _program_key(a_eq, b_eq, a_ub, b_ub, start, len(vs), low, protection, exact)
            if key in _SOLVED:
                for v, found in zip(vs, _SOLVED[key], strict=True):
                    upper[v], lower[v], proven[v] = found
                continue
            bounds = [(low, None)] * len(vs)

            def solve(c, a_ub=a_ub, b_ub=b_ub, a_eq=a_eq, b_eq=b_eq, bounds=bounds):
                res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
                if res.status not in (0, 3):
                    raise ValueError(f"The disclosure audit could not solve its linear program ({res.message}); "
                                     "what would be published does not meet its own relations.")
                return res
            # Every point that fits everything public is a set of values the reader cannot rule out: the true
            # values are one, each optimum found another. A cell two points put `protection` apart has a range
            # at least that wide, and needs no program of its own (unless every range is asked for exactly).
            seen_lo = np.full(len(vs), np.inf)
            seen_hi = np.full(len(vs), -np.inf)

            def absorb(x, seen_lo=seen_lo, seen_hi=seen_hi) -> None:
                np.minimum(seen_lo, x, out=seen_lo)
                np.maximum(seen_hi, x, out=seen_hi)

            def spread(i: int, seen_lo=seen_lo, seen_hi=seen_hi) -> float:
                """At most the range's width in whole numbers: from the highest whole value seen to the lowest."""
                return float(math.floor(seen_hi[i] + 1e-6) - math.ceil(seen_lo[i] - 1e-6))
            if not exact:
                if start is not None:
                    absorb(start)
                res = solve(np.ones(len(vs)))  # everything as low as it can be
                if res.status == 0:
                    absorb(res.x)
            for v in vs:
                i = local[v]
                if not exact and spread(i) >= protection:
                    proven[v] = spread(i)
                    continue
                c = np.zeros(len(vs))
                c[i] = -1.0  # its highest first: a count's range is often open above
                res = solve(c)
                if res.status == 3:
                    if not exact:
                        proven[v] = math.inf
                        continue
                else:
                    upper[v] = math.floor(-res.fun + 1e-6)
                    absorb(res.x)
                    if not exact and spread(i) >= protection:
                        proven[v] = spread(i)
                        continue
                c[i] = 1.0
                res = solve(c)
                lower[v] = max(lower[v], math.ceil(res.fun - 1e-6))
                if not exact:
                    absorb(res.x)
            _remember(key, [(upper[v], lower[v], proven[v]) for v in vs])
        for i, (measure, area, period, pt) in enumerate(hidden):
            if not math.isnan(proven[i]):  # shown wide enough by points that fit: its ends were not sought
                rows.append({"measure": measure, "area": area, "period": period, "period_type": pt, "lower": None,
                             "upper": None, "width": None if math.isinf(proven[i]) else proven[i], "passed": True,
                             "exact": False})
                continue
            lo, hi = lower[i], upper[i]
            width = hi - lo
            t = truth.get((measure, area, period))
            if t is not None and not lo - 1e-9 <= float(t) <= hi + 1e-9:
                raise ValueError(f"The disclosure audit's range for {measure}, {area}, {period} ({lo} to {hi}) "
                                 f"leaves out its true value: the audit's model of the reader is wrong.")
            ok = width >= protection
            rows.append({"measure": measure, "area": area, "period": period, "period_type": pt, "lower": lo,
                         "upper": None if math.isinf(hi) else hi, "width": None if math.isinf(width) else width,
                         "passed": ok, "exact": True})
            if not ok:
                span = f"exactly {lo:g}" if width == 0 else f"between {lo:g} and {hi:g}"
                failures.append(f"{measure}, {area}, {period}: hidden, but what is public shows it is {span} "
                                f"(a range {width:g} wide; at least {protection} is needed).")
                narrow[(measure, area, period)] = (width, failures[-1])
    # an earlier figure's own unknown is audited (a failure names it) but is no cell of this publication
    rows = [r for r in rows if r["period_type"] != "earlier"]
    result = pd.DataFrame(rows, columns=["measure", "area", "period", "period_type", "lower", "upper", "width",
                                         "passed", "exact"])
    result["upper"] = pd.to_numeric(result["upper"], errors="coerce")
    result["width"] = pd.to_numeric(result["width"], errors="coerce")
    return AuditResult(result, protection, failures, already, narrow)


# Each component's answer by its program: a pure function of the program, so an answer kept is the answer a solve
# would give again. Bounded, the oldest forgotten first.
_SOLVED: dict[bytes, list[tuple[float, float, float]]] = {}
_SOLVED_KEPT = 20_000


def _program_key(a_eq, b_eq, a_ub, b_ub, start, n: int, low: int, protection: int, exact: bool) -> bytes:
    """What a component's answer depends on, as bytes: its relations, the true values it starts from, how many
    unknowns, their lower bound, the protection and whether ranges are worked out exactly."""
    import hashlib

    digest = hashlib.sha256(repr((n, low, protection, exact, None if a_eq is None else a_eq.shape,
                                  None if a_ub is None else a_ub.shape, start is None)).encode("utf-8"))
    for array in (a_eq, b_eq, a_ub, b_ub, start):
        if array is not None:
            digest.update(array.tobytes())
    return digest.digest()


def _remember(key: bytes, answer: list[tuple[float, float, float]]) -> None:
    while len(_SOLVED) >= _SOLVED_KEPT:
        _SOLVED.pop(next(iter(_SOLVED)))
    _SOLVED[key] = answer


def before_this(result: AuditResult, cells: pd.DataFrame, kinds: Mapping[str, str], districts: Iterable[str],
                force_name: str, **kwargs) -> AuditResult:
    """`result` (the audit of `cells`, with the same arguments) with each range failure that earlier snapshots already
    give, as narrow or narrower, moved to `exposed_before`: audited again with every cell of this publication
    hidden, a reader has only what was public before it. Withholding this publication would protect none of those;
    refusing it would stop every later one too."""
    if result.passed or not result.narrow:
        return result
    nothing_new = cells.assign(value=None, suppressed=True)
    before = audit(nothing_new, kinds, districts, force_name, **kwargs)
    old = [message for key, (width, message) in result.narrow.items()
           if key in before.narrow and before.narrow[key][0] <= width]
    if not old:
        return result
    gone = set(old)
    return AuditResult(result.cells, result.protection, [f for f in result.failures if f not in gone],
                       result.already_public, {k: v for k, v in result.narrow.items() if v[1] not in gone}, old)
