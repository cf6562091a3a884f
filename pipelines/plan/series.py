"""Monthly series per measure and area, held as dense arrays built once from a figures frame.

The input everywhere is a frame of current accepted figures (``period``, ``district``, ``measure``,
``value``), one row per district, month and measure. Here it becomes, per measure, an array with
one row per area (the districts in force.yaml order, then the force) and one column per month from
the first month in the figures to the last; a month not reported is NaN. Windows (quarters, years,
rolling years) and SPC series are then slices, which is what keeps the whole plan status fast.

The force figure of a flow or stock is the sum of its districts, and is missing in a month where
any district is missing: a sum of three districts is not the force figure, and charting it as one
would raise a false signal. Where the frame holds a figure for the force itself (``district`` is the
force's name or short name), that month's force figure is the one given, not the sum: police.uk
counts records outside every district (no location, outside the force area) that belong to the force
but to none of its districts. A percentage is 100 x numerator / denominator (for a district, from its
own numerator and denominator when both are reported, else the percentage it reported; for the
force, from the force's numerator and denominator, else missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalogue import Measure, catalogue, force, held_as_one_district
from ..errors import PccDashError
from .periods import (
    WindowValue,
    change,
    month_label,
    month_numbers,
    month_start,
    period_windows,
    stock_column,
    window_mean,
    window_stock,
)

REQUIRED_COLUMNS = ("period", "district", "measure", "value")


class FiguresError(PccDashError):
    """The figures frame handed to the plan analytics is not in the expected shape."""


class Panel:
    """Every measure's monthly series for every area, built once and sliced many times."""

    def __init__(self, figures: pd.DataFrame):
        missing = [c for c in REQUIRED_COLUMNS if c not in figures.columns]
        if missing:
            raise FiguresError(f"The figures need the columns {', '.join(REQUIRED_COLUMNS)}; "
                               f"missing: {', '.join(missing)}.")
        self.catalogue = catalogue()
        self.force = force()
        self.districts: tuple[str, ...] = self.force.districts
        self.force_area: str = self.force.force_short_name
        self.areas: tuple[str, ...] = (*self.districts, self.force_area)
        self.force_index = len(self.districts)
        self._derived: dict[str, np.ndarray] = {}
        self._cumulative: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._averages: dict[tuple[str, int, int, int], WindowValue] = {}

        if len(figures):
            months = month_numbers(pd.to_datetime(figures["period"]))
            self.first = int(months.min())
            self.last = int(months.max())
        else:
            months = np.zeros(0, dtype=np.int64)
            self.first = self.last = 0
        self.n_months = self.last - self.first + 1 if len(figures) else 0

        lookup = self.force.district_lookup()
        district_codes = {name: i for i, name in enumerate(self.districts)}
        force_code = len(self.districts)  # a row for the force itself
        force_names = {self.force.force_name.lower(), self.force.force_short_name.lower()}
        dist_names = figures["district"].astype(str)
        uniq = pd.unique(dist_names)
        code_of = {}
        for name in uniq:
            canonical = lookup.get(name.strip().lower())
            if canonical is not None:
                code_of[name] = district_codes[canonical]
            elif name.strip().lower() in force_names:
                code_of[name] = force_code
            else:
                raise FiguresError(f'The figures hold the district "{name}", which is not a district in '
                                   f"force.yaml ({', '.join(self.districts)}) nor the force "
                                   f'("{self.force_area}").')
        d_idx = dist_names.map(code_of).to_numpy(dtype=np.int64)
        m_idx = months - self.first
        values = pd.to_numeric(figures["value"], errors="coerce").to_numpy(dtype=float)
        measure_col = figures["measure"].astype(str).to_numpy()

        self._raw: dict[str, np.ndarray] = {}
        self._force_given: dict[str, np.ndarray] = {}  # the force's own figure, where the frame gives one
        known = self.catalogue.by_id
        for measure_id in pd.unique(measure_col):
            if measure_id not in known:
                continue  # not a catalogue measure: nothing in the plan can use it
            rows = measure_col == measure_id
            arr = np.full((len(self.districts) + 1, self.n_months), np.nan)
            di, mi = d_idx[rows], m_idx[rows]
            flat = di * self.n_months + mi
            if np.unique(flat).shape[0] != flat.shape[0]:
                dup = pd.Series(flat).duplicated()
                k = int(np.flatnonzero(dup.to_numpy())[0])
                held = dist_names[rows].to_numpy()[flat == flat[k]]
                if len(set(held)) > 1:  # two districts' figures, which force.yaml now makes one district's
                    raise FiguresError(held_as_one_district(
                        held, self.areas[di[k]],
                        f"{known[measure_id].short_name} in {month_label(self.first + int(mi[k]))}"))
                raise FiguresError(f'The figures hold "{measure_id}" for {self.areas[di[k]]} in '
                                   f"{month_label(self.first + int(mi[k]))} more than once; pass the current "
                                   "figure only.")
            arr[di, mi] = values[rows]
            self._raw[measure_id] = arr[:force_code]
            if (di == force_code).any():
                self._force_given[measure_id] = arr[force_code]

    # ---------------------------------------------------------------------------------------------
    # Monthly series
    # ---------------------------------------------------------------------------------------------

    def index_of(self, month_number: int) -> int:
        """Column of a month (may be negative or past the end: callers clip)."""
        return month_number - self.first

    def area_index(self, area: str | None) -> int:
        """Row of an area: a district (name or alias), or the force (None, its name or short name)."""
        if area is None or area in (self.force.force_name, self.force.force_short_name):
            return self.force_index
        canonical = self.force.district_lookup().get(area.strip().lower())
        if canonical is None:
            raise FiguresError(f'"{area}" is not a district in force.yaml ({", ".join(self.districts)}) '
                               f'nor the force ("{self.force_area}").')
        return self.districts.index(canonical)

    def raw(self, measure_id: str) -> np.ndarray:
        """District rows of a measure as reported (NaN where not reported)."""
        arr = self._raw.get(measure_id)
        if arr is None:
            arr = np.full((len(self.districts), self.n_months), np.nan)
            self._raw[measure_id] = arr
        return arr

    def monthly(self, measure_id: str) -> np.ndarray:
        """Every area's monthly figure of a measure: districts, then the force (last row)."""
        out = self._derived.get(measure_id)
        if out is not None:
            return out
        measure = self.catalogue.get(measure_id)
        if measure.kind == "percentage":
            num, den = self.raw(measure.numerator), self.raw(measure.denominator)
            reported = self.raw(measure_id)
            force_num = self.monthly(measure.numerator)[self.force_index]
            force_den = self.monthly(measure.denominator)[self.force_index]
            with np.errstate(invalid="ignore", divide="ignore"):
                computed = np.where(den > 0, 100.0 * num / den, np.nan)
                force_pct = np.where(force_den > 0, 100.0 * force_num / force_den, np.nan)
            districts = np.where(np.isnan(computed), reported, computed)
            out = np.vstack([districts, force_pct[None, :]])
        else:
            arr = self.raw(measure_id)
            force_sum = arr.sum(axis=0)  # NaN in any district -> NaN force
            given = self._force_given.get(measure_id)
            if given is not None:
                force_sum = np.where(np.isnan(given), force_sum, given)
            out = np.vstack([arr, force_sum[None, :]])
        out.setflags(write=False)
        self._derived[measure_id] = out
        return out

    # ---------------------------------------------------------------------------------------------
    # Windows
    # ---------------------------------------------------------------------------------------------

    def _flow_window(self, measure_id: str, area: int, a: int, b: int) -> WindowValue:
        """A flow's sum over columns a..b from running totals: O(1), as the status asks for many."""
        cum = self._cumulative.get(measure_id)
        if cum is None:
            arr = self.monthly(measure_id)
            zero = np.zeros((arr.shape[0], 1))
            cum = (np.hstack([zero, np.cumsum(np.nan_to_num(arr, nan=0.0), axis=1)]),
                   np.hstack([zero, np.cumsum(~np.isnan(arr), axis=1)]))
            self._cumulative[measure_id] = cum
        expected = b - a + 1
        lo, hi = max(a, 0), min(b, self.n_months - 1)
        if hi < lo:
            return WindowValue(float("nan"), 0, expected, False)
        total, count = cum
        present = int(count[area, hi + 1] - count[area, lo])
        value = float(total[area, hi + 1] - total[area, lo]) if present else float("nan")
        return WindowValue(value, present, expected, present == expected)

    def window(self, measure: Measure, area: int, a: int, b: int) -> WindowValue:
        """A measure for one area over columns a..b, aggregated by its kind."""
        if measure.kind == "flow":
            return self._flow_window(measure.id, area, a, b)
        if measure.kind == "stock":
            return window_stock(self.monthly(measure.id)[area], a, b)
        num_m, den_m = self.catalogue.get(measure.numerator), self.catalogue.get(measure.denominator)
        num, den = self.window(num_m, area, a, b), self.window(den_m, area, a, b)
        if num.complete and den.complete and den.value > 0:
            return WindowValue(100.0 * num.value / den.value, min(num.months_present, den.months_present),
                               b - a + 1, True)
        # No usable components: the reported percentages, as a level (stock parts) or a mean (flows).
        pct = self.monthly(measure.id)[area]
        return window_stock(pct, a, b) if num_m.kind == "stock" else window_mean(pct, a, b)

    def sources(self, measure: Measure, area: int, a: int, b: int) -> list[tuple[str, int]]:
        """The monthly figures ``window`` makes the area's figure over columns a..b of, as (measure id, month
        number), so that what is said about one of them (a flag, a data check) goes with the figure: every month of
        a flow; the one month a stock's level is taken from (b, or the latest month before it when b is missing);
        a percentage's own figures and its numerator's and denominator's, in the months it is rebuilt from (those
        of its parts' windows), or, with no usable parts, in the months of the reported percentages it falls back
        on. The force's figure in a month is made of its districts' in that month."""
        if measure.kind == "flow":
            columns = list(range(a, b + 1))
        elif measure.kind == "stock":
            column = stock_column(self.monthly(measure.id)[area], a, b)
            columns = [] if column is None else [column]
        else:
            num_m, den_m = self.catalogue.get(measure.numerator), self.catalogue.get(measure.denominator)
            num, den = self.window(num_m, area, a, b), self.window(den_m, area, a, b)
            if num.complete and den.complete and den.value > 0:
                parts = self.sources(num_m, area, a, b) + self.sources(den_m, area, a, b)
                columns = sorted({month - self.first for _, month in parts})
            elif num_m.kind == "stock":
                column = stock_column(self.monthly(measure.id)[area], a, b)
                columns = [] if column is None else [column]
            else:  # the mean of the months reported
                pct = self.monthly(measure.id)[area]
                columns = [c for c in range(max(a, 0), min(b + 1, pct.shape[0])) if pct[c] == pct[c]]
            return [(m, self.first + c) for c in columns for m in (measure.id, num_m.id, den_m.id)]
        return [(measure.id, self.first + c) for c in columns]

    def monthly_average(self, measure: Measure, area: int, a: int, b: int) -> WindowValue:
        """The average monthly figure over columns a..b: what a baseline for monthly values is."""
        key = (measure.id, area, a, b)
        out = self._averages.get(key)
        if out is None:
            out = self._averages[key] = self._monthly_average(measure, area, a, b)
        return out

    def _monthly_average(self, measure: Measure, area: int, a: int, b: int) -> WindowValue:
        if measure.kind == "percentage":
            # Components summed over the months whatever their kind: for stocks that weights each
            # month's percentage by its denominator, which is what an average month means here.
            num = self._flow_window(measure.numerator, area, a, b)
            den = self._flow_window(measure.denominator, area, a, b)
            if num.complete and den.complete and den.value > 0:
                return WindowValue(100.0 * num.value / den.value, num.months_present, b - a + 1, True)
        return window_mean(self.monthly(measure.id)[area], a, b)

    def aggregate(self, measure_id: str, freq: str = "quarter", *, areas: list[str] | None = None,
                  with_rates: bool = True, upto: int | None = None) -> pd.DataFrame:
        """See ``periods.aggregate``. ``upto`` (a month number) ends the periods at a reporting month: a view
        prepared for a meeting shows nothing after the month it reports on, and a period that runs past it
        is incomplete."""
        measure = self.catalogue.get(measure_id)
        area_rows = ([self.force_index, *range(len(self.districts))] if areas is None
                     else [self.area_index(a) for a in areas])
        population = None
        if with_rates and measure.kind != "percentage":
            from .config import load_population
            population = load_population()
        rows = []
        last = self.last if upto is None else min(self.last, upto)
        windows = period_windows(freq, self.first, last) if self.n_months and last >= self.first else []
        for area in area_rows:
            name = self.areas[area]
            for start, end, label in windows:
                a, b = start - self.first, min(end, last) - self.first
                now = self.window(measure, area, a, b)
                if end > last:  # a period the reporting month ends part-way through is not whole
                    now = WindowValue(now.value, now.months_present, end - start + 1, False)
                before = self.window(measure, area, start - self.first - 12, end - self.first - 12)
                absolute, pct = (change(now.value, before.value) if now.complete and before.complete
                                 else (None, None))
                row = {
                    "area": name, "period": label, "start": month_start(start), "end": month_start(end),
                    "months_present": now.months_present, "months_expected": now.months_expected,
                    "complete": now.complete, "value": now.value,
                    "last_year": before.value if before.complete else np.nan,
                    "change": np.nan if absolute is None else absolute,
                    "change_pct": np.nan if pct is None else pct,
                }
                if population is not None:
                    row["rate_per_100k"] = rate_per_100k(now.value, population.of(name))
                rows.append(row)
        columns = ["area", "period", "start", "end", "months_present", "months_expected", "complete",
                   "value", "last_year", "change", "change_pct"] + (["rate_per_100k"] if population else [])
        return pd.DataFrame(rows, columns=columns)


def rate_per_100k(value: float | None, population: int) -> float:
    """A count per 100,000 residents: how districts of different sizes are compared fairly."""
    if value is None or population <= 0:
        return float("nan")
    return 100_000.0 * value / population
