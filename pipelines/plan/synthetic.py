"""Synthetic figures shaped like the force's returns, for tests and benchmarks.

Made here, seeded and small, so that the plan analytics can be exercised without the warehouse or
the sample returns (which another part of the project generates). The numbers are plausible in
size, not real: CSE activity steps up after the Jay report (August 2014), training climbs towards
full coverage, and Right Care, Right Person demand falls from mid-2023.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalogue import catalogue, force

# Mean monthly force figure before and after August 2014 for each count measure.
_LEVELS = {
    "cse_arrests": (12, 30),
    "grooming_arrests": (3, 9),
    "cse_charges": (4, 10),
    "cse_referrals": (60, 110),
    "cawn_issued": (5, 14),
    "shpo_sro_issued": (2, 6),
    "cce_referrals": (8, 20),
    "online_grooming_offences": (15, 30),
    "victims_supported": (40, 90),
    "rcrp_mental_health_incidents": (900, 900),
}
_SHARE = {"Barnsley": 0.18, "Doncaster": 0.22, "Rotherham": 0.20, "Sheffield": 0.40}


def synthetic_figures(start: str = "2013-04", end: str = "2026-03", seed: int = 2014) -> pd.DataFrame:
    """A figures frame (period, district, measure, value) for every catalogue measure and district."""
    rng = np.random.default_rng(seed)
    months = pd.date_range(start, end, freq="MS")
    n = len(months)
    after_jay = np.asarray(months >= pd.Timestamp("2014-08-01"))
    districts = force().districts
    frames = []

    def add(measure: str, district: str, values: np.ndarray) -> None:
        frames.append(pd.DataFrame({"period": months, "district": district, "measure": measure,
                                    "value": values.astype(float)}))

    for district in districts:
        share = _SHARE.get(district, 1 / len(districts))
        for measure, (before, after) in _LEVELS.items():
            lam = np.where(after_jay, after, before) * share
            if measure == "rcrp_mental_health_incidents":
                lam = lam * np.where(np.asarray(months >= pd.Timestamp("2023-07-01")), 0.7, 1.0)
            add(measure, district, rng.poisson(lam))
        live = np.maximum(0, np.cumsum(rng.normal(0, 2, n)) + np.where(after_jay, 160, 70) * share)
        add("cse_live_investigations", district, np.round(live))
        headcount = np.round(2800 * share + rng.normal(0, 10, n))
        coverage = np.clip(0.30 + 0.65 * (1 - np.exp(-np.arange(n) / 30)) + rng.normal(0, 0.01, n), 0, 1)
        trained = np.round(headcount * coverage)
        add("officer_headcount", district, headcount)
        add("officers_trained", district, trained)
        add("officers_trained_pct", district, np.round(100 * trained / headcount, 1))
    out = pd.concat(frames, ignore_index=True)
    known = set(catalogue().ids())
    return out[out["measure"].isin(known)].reset_index(drop=True)


def figures_from_series(series: dict[tuple[str, str], list[float]], start: str) -> pd.DataFrame:
    """A figures frame from monthly lists keyed by (measure, district), starting at ``start``.

    A NaN (or None) in a list leaves that month out, as a return that did not report it would.
    Tests state their data this way so the hand sums in their comments can be read off the lists.
    """
    frames = []
    for (measure, district), values in series.items():
        months = pd.date_range(start, periods=len(values), freq="MS")
        frame = pd.DataFrame({"period": months, "district": district, "measure": measure,
                              "value": np.array([np.nan if v is None else v for v in values], dtype=float)})
        frames.append(frame.dropna(subset=["value"]))
    return pd.concat(frames, ignore_index=True)
