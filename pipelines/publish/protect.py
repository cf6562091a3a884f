"""Disclosure control of one measure's published table (months, quarters, financial years)."""

from __future__ import annotations

import pandas as pd

from ..disclosure import DisclosureSettings, build_table, suppress


def protect_measure(monthly: pd.DataFrame, kind: str, districts: list[str], force_name: str, threshold: int,
                    suppress_zero: bool, marker: str = "[c]") -> pd.DataFrame:
    """area, period, period_type, value (None when suppressed), display, suppressed, reason."""
    frame = monthly.assign(value=monthly["value"].round().astype(int))
    table = build_table(frame, kind, districts, force_name)
    return suppress(table, DisclosureSettings(threshold=threshold, suppress_zero=suppress_zero,
                                              marker=marker)).to_frame()
