"""Benchmark of the Police and Crime Plan analytics on a frame the size of the sample.

Not a test: run ``python benchmarks/bench_plan.py`` from the project root. It builds synthetic figures
shaped like the sample returns (14 measures, 4 districts, April 2013 - March 2026: 8,736 figures), or
with ``--sample`` loads the bundled sample returns into a temporary warehouse and uses its current
figures, then times, best of ``--repeat`` runs:

* baseline   a plain pandas groupby-sum of the same frame (measure x month), measured in this run so
             the ratios below mean the same on a slow machine as on a fast one;
* one month  ``plan_status(figures, month)`` from scratch, as the CLI and the dashboard call it;
* all months the status of every plan measure, for the force and every district, with every month
             from April 2013 to March 2026 as the reporting month (``PlanAnalytics``);
* all charts the same, also building every status's full SPC chart (what drawing every chart costs);
* every measure  a full SPC chart for all 14 catalogue measures x 5 series x 156 reporting months,
             plan or not: the exhaustive worst case.

Peak memory of the all-months run is measured with tracemalloc.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.catalogue import catalogue  # noqa: E402
from pipelines.plan import PlanAnalytics, plan_status  # noqa: E402
from pipelines.plan.synthetic import synthetic_figures  # noqa: E402

MONTHS = pd.date_range("2013-04-01", "2026-03-01", freq="MS")


def sample_figures() -> pd.DataFrame:
    """The sample returns' current figures, loaded the way ``pccdash demo`` loads them."""
    from pipelines import warehouse
    from pipelines.figures import current_figures
    from pipelines.ingest import ingest

    returns = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "returns"
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        with warehouse.connect(Path(tmp) / "sample.duckdb") as con:
            ingest(con, [returns], today=dt.date(2026, 11, 21))
            frame = current_figures(con)
    return pd.DataFrame({"period": pd.to_datetime(frame["period"] + "-01"), "district": frame["district"],
                         "measure": frame["measure"], "value": frame["value"].astype(float)})


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    """Fastest of ``repeat`` runs (the least disturbed by the rest of the machine) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def baseline(figures: pd.DataFrame) -> pd.Series:
    return figures.groupby(["measure", "period"])["value"].sum()


def all_months(figures: pd.DataFrame, charts: bool = False) -> int:
    analytics = PlanAnalytics(figures)
    count = 0
    for month in MONTHS:
        for status in analytics.status(month):
            if charts:
                _ = status.spc  # builds the full chart
            count += 1
    return count


def every_measure_chart(figures: pd.DataFrame) -> int:
    analytics = PlanAnalytics(figures)
    count = 0
    for measure_id in catalogue().ids("force_return"):
        for area in range(len(analytics.panel.areas)):
            series = analytics.series(measure_id, area)
            for month in MONTHS:
                series.chart(series.position((month.year - 1970) * 12 + month.month - 1))
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", action="store_true", help="use the sample returns, not synthetic data")
    args = parser.parse_args()

    figures = sample_figures() if args.sample else synthetic_figures()
    print(f"figures: {len(figures):,} rows, {figures['measure'].nunique()} measures, "
          f"{figures['district'].nunique()} districts, {figures['period'].nunique()} months")

    base, _ = best_of(max(args.repeat, 5), lambda: baseline(figures))
    one, statuses = best_of(args.repeat, lambda: plan_status(figures, "2024-01"))
    every, n_status = best_of(args.repeat, lambda: all_months(figures))
    charts, _ = best_of(args.repeat, lambda: all_months(figures, charts=True))
    exhaustive, n_charts = best_of(args.repeat, lambda: every_measure_chart(figures))

    tracemalloc.start()
    all_months(figures)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def line(label: str, seconds: float, note: str) -> None:
        print(f"{label:<44} {seconds * 1000:>9.1f} ms  {seconds / base:>8.0f} x baseline  {note}")

    print(f"{'baseline: pandas groupby-sum':<44} {base * 1000:>9.1f} ms  {1:>8.0f} x baseline")
    line("plan_status, one month (from scratch)", one, f"{len(statuses)} statuses")
    line("every plan measure x area x month", every,
         f"{n_status:,} statuses, {every / n_status * 1e6:.0f} us each")
    line("  ... also building every full SPC chart", charts, f"{charts / n_status * 1e6:.0f} us each")
    line("full chart: 14 measures x 5 series x 156 months", exhaustive,
         f"{n_charts:,} charts, {exhaustive / n_charts * 1e6:.0f} us each")
    print(f"peak memory (tracemalloc), every month:     {peak / 1e6:9.1f} MB")


if __name__ == "__main__":
    main()
