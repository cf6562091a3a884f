"""Police and Crime Plan analytics: plans, financial periods, SPC (Making Data Count) and narrative.

Pure pandas/numpy over a frame of current accepted figures (``period``, ``district``, ``measure``,
``value``), so that the dashboard, the CLI and a notebook all get the same answer from one place.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Each name is imported from its module when first used: `pccdash ingest` reads the plans and the SPC
# history's file and makes no frame, and importing every module here would bring pandas to it.
_HOMES = {name: module for module, names in {
    "config": "Aspiration Plan PlanMeasure PlanSet Population Priority load_plans load_population plan_for "
              "plans_from_dict",
    "history": "Rebase SpcHistory history_from_dict load_spc_history",
    "notices": "plan_notice plan_notices",
    "periods": "aggregate financial_year_label parse_span quarter_label",
    "series": "FiguresError Panel rate_per_100k",
    "spc": "SeriesSpc SpcResult SpcSettings assurance point_type xmr",
    "status": "MeasureStatus PlanAnalytics format_status_table plan_status spc_frame status_rows",
}.items() for name in names.split()}

__all__ = [
    "Aspiration", "FiguresError", "MeasureStatus", "Panel", "Plan", "PlanAnalytics", "PlanMeasure", "PlanSet",
    "Population", "Priority", "Rebase", "SeriesSpc", "SpcHistory", "SpcResult", "SpcSettings", "aggregate",
    "assurance", "financial_year_label", "format_status_table", "history_from_dict", "load_plans", "load_population",
    "load_spc_history", "parse_span", "plan_for", "plan_notice", "plan_notices", "plan_status", "plans_from_dict",
    "point_type", "quarter_label", "rate_per_100k", "spc_frame", "status_rows", "xmr",
]


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
