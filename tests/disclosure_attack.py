"""A determined reader's attack on the published figures: every snapshot in a published folder (the current one,
the earlier ones and the withdrawn ones, which stay on disk and may have been downloaded), read together, and each
hidden count's lowest and highest value worked out as a linear program.

Written apart from the product's own disclosure code (pipelines/disclosure.py, pipelines/publish/lp_audit.py): it
reads only the snapshot files, their period labels and the measures' kinds, and the relations any reader knows:
the force is the sum of its districts; a quarter, a financial year and a 12 months are the sums of their months
(a stock's quarter and year equal their last month); a measure is the sum of its breakdown's categories; a shown
percentage ties its numerator to its denominator (as the catalogue declares them) to within its rounding, and a
breakdown's share recorded ties the measure's year to its categories not recorded; a measure the catalogue declares
part of another (grooming arrests within CSE arrests) is at most it, for each area and period; a hidden count is at
least 1.

Which hidden figures of two snapshots are the same unknown:
- ``oracle`` (the warehouse): a figure is the same unknown wherever its true value, as each snapshot was made
  from it, is the same; the strongest reader, and the one the product's threat model names;
- without it, a public reader's guess: a figure is the same unknown in every snapshot unless a revision table
  lists it as revised (or it is shown with two values); when the guess is wrong the program may have no solution,
  and the attack says so.

Run it over a published folder:

    python tests/disclosure_attack.py PUBLISHED_DIR [--warehouse DB] [--all]

It prints every hidden figure whose range is narrower than 1 value apart (recovered exactly) or 2 (--protection).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

_QUARTER = re.compile(r"^Q([1-4]) (\d{4})/\d{2}$")
_YEAR = re.compile(r"^(\d{4})/\d{2}$")
_ROLLING = re.compile(r"^12 months to (\d{4})-(\d{2})$")


def _span(y: int, m: int, n: int) -> list[str]:
    start = y * 12 + m - 1
    return [f"{(start + k) // 12:04d}-{(start + k) % 12 + 1:02d}" for k in range(n)]


def months_of(period: str, period_type: str) -> list[str]:
    if period_type == "month":
        return [period]
    if period_type == "quarter" and (q := _QUARTER.match(period)):
        n, fy = int(q.group(1)), int(q.group(2))
        return _span(fy, 4 + 3 * (n - 1), 3) if n < 4 else _span(fy + 1, 1, 3)
    if period_type == "financial_year" and (f := _YEAR.match(period)):
        return _span(int(f.group(1)), 4, 12)
    if period_type == "rolling_12_months" and (r := _ROLLING.match(period)):
        end = int(r.group(1)) * 12 + int(r.group(2)) - 1 - 11
        return _span(end // 12, end % 12 + 1, 12)
    return []


@dataclass
class Snapshot:
    version: int
    path: Path
    figures: pd.DataFrame
    months: list[str]
    districts: list[str]
    force: str
    kinds: dict[str, str]
    breakdowns: pd.DataFrame
    revisions: pd.DataFrame
    made: pd.Timestamp | None = None
    truth: dict = field(default_factory=dict)   # (measure, area, period) -> true value (oracle only)


def _read(path: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).df()
    except duckdb.CatalogException:
        return pd.DataFrame()
    finally:
        con.close()


def read_snapshots(folder: Path) -> list[Snapshot]:
    out = []
    for path in sorted(Path(folder).glob("snapshot-*.duckdb")):
        version = int(re.search(r"(\d+)", path.name).group(1))
        meta = _read(path, "SELECT key, value FROM meta")
        meta = dict(zip(meta["key"], meta["value"], strict=True))
        districts = json.loads(meta.get("districts", "[]"))
        figures = _read(path, "SELECT measure, area, period, period_type, value, suppressed FROM figure")
        force = next(a for a in figures["area"].unique() if a not in districts)
        kinds = dict(_read(path, "SELECT id, kind FROM measure").itertuples(index=False, name=None))
        out.append(Snapshot(version, path, figures, sorted(_read(path, "SELECT period FROM period")["period"]),
                            districts, force, kinds, _read(path, "SELECT * FROM breakdown"),
                            _read(path, "SELECT * FROM revision"),
                            pd.Timestamp(meta["created_at"]) if meta.get("created_at") else None))
    return out


def add_truth(snaps: list[Snapshot], warehouse: Path) -> None:
    """Each snapshot's true values, as it was made: each month's figures at its latest approval before it."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for s in snaps:
            made = con.execute("SELECT created_at FROM snapshot WHERE version = ?", [s.version]).fetchall()
            if not made:
                continue
            rows = con.execute(
                """SELECT strftime(r.period, '%Y-%m') AS period, r.district, r.measure, r.value
                   FROM figure_revision r
                   JOIN (SELECT period, max(acted_at) AS at FROM publication_event
                         WHERE action = 'approved' AND acted_at <= $made GROUP BY period) a
                     ON a.period = r.period AND r.loaded_at <= a.at
                   WHERE list_contains($months, strftime(r.period, '%Y-%m'))
                   QUALIFY r.revision = max(r.revision) OVER (PARTITION BY r.period, r.district, r.measure)""",
                {"made": made[0][0], "months": s.months}).fetchall()
            month = {(m, d, p): round(float(v)) for p, d, m, v in rows}
            for r in s.figures.itertuples():
                if s.kinds.get(r.measure) not in ("flow", "stock"):
                    continue
                ms = months_of(r.period, r.period_type)
                if s.kinds[r.measure] == "stock" and r.period_type in ("quarter", "financial_year"):
                    ms = ms[-1:]
                areas = s.districts if r.area == s.force else [r.area]
                try:
                    s.truth[(r.measure, r.area, r.period)] = sum(month[(r.measure, a, m)] for a in areas for m in ms)
                except KeyError:
                    pass
            if len(s.breakdowns):
                s.truth.update(_breakdown_truth(con, s, made[0][0]))
    finally:
        con.close()


def _breakdown_truth(con: duckdb.DuckDBPyConnection, s: Snapshot, made) -> dict:
    """Each published breakdown category's true value as the snapshot was made: its districts' months, at each
    month's latest approval before it, added up over the financial year (a category published as a group adds up
    its values), keyed as the attack keys a category ("measure|dimension|category", force, year)."""
    from pipelines.publish.breakdowns import _category_of, published

    rows = con.execute(
        """SELECT strftime(r.period, '%Y-%m') AS period, r.district, r.measure, r.dimension, r.category, r.value
           FROM figure_breakdown_revision r
           JOIN (SELECT period, max(acted_at) AS at FROM publication_event
                 WHERE action = 'approved' AND acted_at <= $made GROUP BY period) a
             ON a.period = r.period AND r.loaded_at <= a.at
           WHERE list_contains($months, strftime(r.period, '%Y-%m'))
           QUALIFY r.revision = max(r.revision) OVER (PARTITION BY r.period, r.district, r.measure, r.dimension,
                                                                  r.category)""",
        {"made": made, "months": s.months}).df()
    out: dict = {}
    for pb in published():
        part = rows[(rows["measure"] == pb.measure) & (rows["dimension"] == pb.dimension)
                    & rows["district"].isin(s.districts)]
        if part.empty:
            continue
        part = part.assign(category=part["category"].map(_category_of(pb)).fillna(part["category"]))
        for r in s.breakdowns[(s.breakdowns["measure"] == pb.measure)
                              & (s.breakdowns["dimension"] == pb.dimension)].itertuples():
            ms = months_of(r.period, "financial_year")
            value = part[part["period"].isin(ms) & (part["category"] == r.category)]["value"].sum()
            out[(f"{pb.measure}|{pb.dimension}|{r.category}", s.force, r.period)] = round(float(value))
    return out


def _sparse(rows: list[tuple[dict[int, float], float]], n: int):
    from scipy.sparse import csr_matrix

    data, cols, ptr = [], [], [0]
    for coef, _ in rows:
        cols += list(coef)
        data += list(coef.values())
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(rows), n))


def _unrecorded_categories() -> dict[str, tuple[str, ...]]:
    """dimension -> the published categories saying the force did not record it ("not_recorded", "not_stated")."""
    from pipelines.publish.breakdowns import categories, published

    return {pb.dimension: tuple(c.id for c in categories(pb) if not c.recorded) for pb in published()}


@dataclass
class Finding:
    version: int
    measure: str
    area: str
    period: str
    lower: float
    upper: float
    truth: float | None

    def __str__(self) -> str:
        said = f"exactly {self.lower:g}" if self.upper == self.lower else f"{self.lower:g} to {self.upper:g}"
        true = "" if self.truth is None else f" (true value {self.truth:g})"
        return f"snapshot {self.version}: {self.measure}, {self.area}, {self.period} is {said}{true}"


def attack(folder: Path, warehouse: Path | None = None, *, every_snapshot: bool = False, protection: int = 1,
           low: int = 1) -> tuple[list[Finding], str | None]:
    """The hidden figures (of the current snapshot, or of every one) narrowed to fewer than `protection` + 1 values,
    and a note when the public reader's guess is contradicted by what is published."""
    from scipy.optimize import linprog

    from pipelines.catalogue import catalogue

    part_of = {m.id: m.part_of for m in catalogue().measures if m.part_of}
    percentages = {m.id: (m.numerator, m.denominator) for m in catalogue().measures
                   if m.kind == "percentage" and m.numerator and m.denominator}
    unrecorded = _unrecorded_categories()
    snaps = read_snapshots(folder)
    if not snaps:
        return [], None
    if warehouse is not None:
        add_truth(snaps, warehouse)
    shown_values: dict[tuple, set] = {}
    for s in snaps:
        for r in s.figures[~s.figures["suppressed"].astype(bool)].itertuples():
            shown_values.setdefault((r.measure, r.area, r.period), set()).add(float(r.value))
        if len(s.breakdowns):  # a category shown stays known, as a figure does
            b = s.breakdowns[~s.breakdowns["suppressed"].astype(bool) & (s.breakdowns["category"] != "share_recorded")]
            for r in b.itertuples():
                shown_values.setdefault((f"{r.measure}|{r.dimension}|{r.category}", r.area, r.period), set()).add(
                    float(r.value))
    revised_keys = set()
    for s in snaps:
        if len(s.revisions):
            revised_keys |= set(zip(s.revisions["measure"], s.revisions["area"], s.revisions["period"], strict=True))

    variables: dict[tuple, int] = {}
    truths: list[float | None] = []

    def identity(s: Snapshot, key: tuple) -> tuple:
        if warehouse is not None and key in s.truth:
            return (*key, s.truth[key])
        if key in revised_keys or len(shown_values.get(key, ())) > 1:
            return (*key, f"as in snapshot {s.version}")
        return (*key, "unchanged")

    def term(s: Snapshot, key: tuple, cells: dict) -> tuple[int | None, float]:
        hidden, value = cells[key]
        if not hidden:
            return None, value
        ident = identity(s, key)
        if warehouse is not None and key in s.truth and s.truth[key] in shown_values.get(key, ()):
            return None, float(s.truth[key])  # shown with this value by another snapshot
        if warehouse is None and ident[-1] == "unchanged" and key in shown_values:
            return None, next(iter(shown_values[key]))  # shown by another snapshot, and never listed as revised
        if ident not in variables:
            variables[ident] = len(variables)
            truths.append(s.truth.get(key))
        return variables[ident], 0.0

    eq: list[tuple[dict[int, float], float]] = []
    ub: list[tuple[dict[int, float], float]] = []
    targets: dict[int, list[tuple[int, tuple]]] = {}

    def relation(s: Snapshot, cells: dict, total: tuple, parts: list[tuple]) -> None:
        if total not in cells or not parts or any(p not in cells for p in parts):
            return
        coef: dict[int, float] = {}
        rhs = 0.0
        for key, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            v, c = term(s, key, cells)
            if v is None:
                rhs -= sign * c
            else:
                coef[v] = coef.get(v, 0.0) + sign
        coef = {v: c for v, c in coef.items() if c}
        if coef:
            eq.append((coef, rhs))

    for s in snaps:
        f = s.figures
        counts = f[f["measure"].map(lambda m, s=s: s.kinds.get(m) in ("flow", "stock"))]
        cells = {(r.measure, r.area, r.period): (bool(r.suppressed), None if pd.isna(r.value) else float(r.value))
                 for r in counts.itertuples()}
        ptype = {(r.measure, r.area, r.period): r.period_type for r in counts.itertuples()}
        for (m, a, p), pt in ptype.items():
            if a == s.force:
                relation(s, cells, (m, a, p), [(m, d, p) for d in s.districts])
            if pt != "month":
                ms = months_of(p, pt)
                if s.kinds[m] == "stock" and pt in ("quarter", "financial_year"):
                    ms = ms[-1:]
                relation(s, cells, (m, a, p), [(m, a, x) for x in ms])
        if len(s.breakdowns):  # a measure is the sum of its breakdown's categories
            b = s.breakdowns[s.breakdowns["category"] != "share_recorded"]
            for (m, dim, a, p), group in b.groupby(["measure", "dimension", "area", "period"]):
                keys = [(f"{m}|{dim}|{c}", a, p) for c in group["category"]]
                for k, r in zip(keys, group.itertuples(), strict=True):
                    cells[k] = (bool(r.suppressed), None if pd.isna(r.value) else float(r.value))
                relation(s, cells, (m, a, p), keys)
        for part, whole in part_of.items():  # a part is at most its whole: part - whole <= 0
            for (m, a, p) in [k for k in cells if k[0] == part]:
                if (whole, a, p) not in cells:
                    continue
                coef: dict[int, float] = {}
                rhs = 0.0
                for key, sign in (((m, a, p), 1.0), ((whole, a, p), -1.0)):
                    v, c = term(s, key, cells)
                    if v is None:
                        if c is None:
                            break
                        rhs -= sign * c
                    else:
                        coef[v] = coef.get(v, 0.0) + sign
                else:
                    coef = {v: c for v, c in coef.items() if c}
                    if coef:
                        ub.append((coef, rhs))
        def within(shown: float, parts: list[tuple[tuple, float]], whole: tuple, s=s, cells=cells) -> None:
            """A shown percentage: 100 * (the sum of `parts`, each with its sign) / whole within 0.05 of it."""
            if whole not in cells or any(k not in cells for k, _ in parts):
                return
            terms = [(term(s, k, cells), 100.0 * sign) for k, sign in parts]
            for bound, sign in ((shown + 0.05, 1.0), (shown - 0.05, -1.0)):
                coef: dict[int, float] = {}
                rhs = 0.0  # sign * (100 parts - bound whole) <= 0
                for (v, c), k in (*terms, (term(s, whole, cells), -bound)):
                    if v is None:
                        rhs -= sign * k * c
                    else:
                        coef[v] = coef.get(v, 0.0) + sign * k
                coef = {v: c for v, c in coef.items() if c}
                if coef:
                    ub.append((coef, rhs))

        for r in f[f["measure"].map(lambda m, s=s: s.kinds.get(m) == "percentage")
                   & ~f["suppressed"].astype(bool)].itertuples():  # num / den, as the catalogue declares them
            num_den = percentages.get(r.measure)
            if num_den:
                within(r.value, [((num_den[0], r.area, r.period), 1.0)], (num_den[1], r.area, r.period))
        if len(s.breakdowns):  # the share recorded: 100 (measure - its values not recorded) / measure
            b = s.breakdowns
            for r in b[(b["category"] == "share_recorded") & ~b["suppressed"].astype(bool)].itertuples():
                whole = (r.measure, r.area, r.period)
                rest = [(f"{r.measure}|{r.dimension}|{c}", r.area, r.period) for c in unrecorded.get(r.dimension, ())]
                within(r.value, [(whole, 1.0), *((k, -1.0) for k in rest if k in cells)], whole)
        if every_snapshot or s is snaps[-1]:
            for key, (hidden, _) in cells.items():
                if hidden:
                    v, _ = term(s, key, cells)
                    if v is not None:
                        targets.setdefault(v, []).append((s.version, key))

    n = len(variables)
    if not n:
        return [], None
    # sparse: each relation holds a few of thousands of unknowns (every snapshot's hidden figures)
    a_eq = _sparse(eq, n)
    b_eq = np.array([rhs for _, rhs in eq])
    a_ub = _sparse(ub, n) if ub else None
    b_ub = np.array([rhs for _, rhs in ub]) if ub else None
    findings: list[Finding] = []
    note = None
    first = linprog(np.zeros(n), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq if len(eq) else None,
                    b_eq=b_eq if len(eq) else None, bounds=[(low, None)] * n, method="highs")
    if first.status == 2:
        return [], ("what is published contradicts the guess that only the figures listed as revised changed: "
                    "a hidden figure was revised silently")
    for v, where in targets.items():
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[v] = sign
            res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq if len(eq) else None, b_eq=b_eq if len(eq) else None,
                          bounds=[(low, None)] * n, method="highs")
            ends.append(math.inf if res.status == 3 else sign * res.fun)
        lo, hi = math.ceil(ends[0] - 1e-6), math.floor(ends[1] + 1e-6) if math.isfinite(ends[1]) else math.inf
        if hi - lo < protection:
            for version, key in where:
                findings.append(Finding(version, *key, lo, hi, truths[v]))
    return findings, note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--warehouse", type=Path, help="know each snapshot's true values (the strongest reader)")
    parser.add_argument("--all", action="store_true", help="every snapshot's hidden figures, not the current's only")
    parser.add_argument("--protection", type=int, default=1)
    args = parser.parse_args(argv)
    findings, note = attack(args.folder, args.warehouse, every_snapshot=args.all, protection=args.protection)
    if note:
        print(note)
    for f in findings:
        print(f)
    print(f"{len(findings)} hidden figure(s) narrowed to fewer than {args.protection + 1} value(s).")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
