"""What a briefing pack holds, independent of how it is drawn (HTML, PDF) or where it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class PackChart:
    """One XmR chart: a month per row of ``frame``.

    ``frame`` columns: period (datetime64), value, mean, upper, lower (process limits; NaN where not
    computed), special_cause (bool), point_type (common_cause | improvement_high | improvement_low |
    concern_high | concern_low | neutral_high | neutral_low), provisional (bool: limits from fewer than
    12 points). ``description`` is the chart's plain-English sentence and its text alternative.
    ``events`` are the events (pipelines.events.Event) in the chart's months that concern its measure,
    drawn as dated lines and listed under the chart.
    """

    title: str
    unit: str
    frame: pd.DataFrame
    description: str
    events: list = field(default_factory=list)


@dataclass
class PackRow:
    """One area's line in a measure's table: every value already formatted for reading."""

    area: str
    value: str
    last_year: str
    change: str
    variation: str        # e.g. "Special cause variation: concerning high", or "Common cause variation"
    assurance: str        # e.g. "The aspiration is not met consistently"; "" when the plan sets none
    caveats: list[str] = field(default_factory=list)


@dataclass
class PackMeasure:
    priority: str
    measure_id: str
    name: str
    unit: str
    sentence: str                     # the force's plain-English sentence
    rows: list[PackRow]               # force first, then each district
    chart: PackChart | None
    caveats: list[str]                # the catalogue's for the measure (police.uk's, say), then open flags
                                      # and contract warnings on it in the period
    commentary: str = ""
    commentary_by: str = ""
    commentary_at: dt.datetime | None = None


@dataclass
class Pack:
    office: str
    force: str
    meeting_date: dt.date
    period_label: str                 # "July 2015"
    quarter_label: str                # "2015/16 Q1", or "" when no complete quarter
    generated_at: dt.datetime
    generated_by: str
    marking: str                      # e.g. "OFFICIAL-SENSITIVE: for the PCC's office, not for publication"
    banner: str                       # management information, unaudited, subject to revision
    measures: list[PackMeasure]
    questions: list[str]
    questions_by: str = ""
    questions_at: dt.datetime | None = None
    notices: list[str] = field(default_factory=list)  # what the reader must know first: no plan in force, ...

    @property
    def priorities(self) -> list[str]:
        """The plan's priorities in the order their measures come."""
        return list(dict.fromkeys(m.priority for m in self.measures))
