"""The Public Accountability Board briefing: its reporting period, the office's commentary and questions,
and the pack the Commissioner takes into the meeting."""

from .model import Pack, PackChart, PackMeasure, PackRow
from .notes import BadText, latest_texts, save_text
from .period import ReportingPeriod, reporting_period

__all__ = ["BadText", "Pack", "PackChart", "PackMeasure", "PackRow", "ReportingPeriod", "latest_texts",
           "reporting_period", "save_text"]
