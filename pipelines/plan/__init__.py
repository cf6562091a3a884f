"""Police and Crime Plan analytics: plans, financial periods, SPC (Making Data Count) and narrative.

Pure pandas/numpy over a frame of current accepted figures (``period``, ``district``, ``measure``,
``value``), so that the dashboard, the CLI and a notebook all get the same answer from one place.
"""

from .config import (
    Aspiration,
    Plan,
    PlanMeasure,
    PlanSet,
    Population,
    Priority,
    load_plans,
    load_population,
    plan_for,
    plans_from_dict,
)
from .history import Rebase, SpcHistory, history_from_dict, load_spc_history
from .notices import plan_notice, plan_notices
from .periods import aggregate, financial_year_label, parse_span, quarter_label
from .series import FiguresError, Panel, rate_per_100k
from .spc import SeriesSpc, SpcResult, SpcSettings, assurance, point_type, xmr
from .status import MeasureStatus, PlanAnalytics, format_status_table, plan_status, spc_frame, status_rows

__all__ = [
    "Aspiration", "FiguresError", "MeasureStatus", "Panel", "Plan", "PlanAnalytics", "PlanMeasure", "PlanSet",
    "Population", "Priority", "Rebase", "SeriesSpc", "SpcHistory", "SpcResult", "SpcSettings", "aggregate",
    "assurance", "financial_year_label", "format_status_table", "history_from_dict", "load_plans", "load_population",
    "load_spc_history", "parse_span", "plan_for", "plan_notice", "plan_notices", "plan_status", "plans_from_dict",
    "point_type", "quarter_label", "rate_per_100k", "spc_frame", "status_rows", "xmr",
]
