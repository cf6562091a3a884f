"""What a briefing pack holds, independent of how it is drawn (HTML, PDF, Word) or where it came from.

Every value is already formatted for reading: the renderers only lay it out, so the web page, the PDF
and the Word document say the same thing in the same words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

NBSP = "\u00a0"


def unbroken(text: str) -> str:
    """Text kept on one line wherever it is printed: a figure such as "+58 (+14.4%)", a day "30 September 2026"."""
    return text.replace(" ", NBSP)


@dataclass(frozen=True)
class HeadlinePeriods:
    """The names of a meeting's headline periods, as column headings.

    ``quarter`` is "" when no financial quarter is complete by the reporting month.
    """

    month: str                        # "July 2015"
    quarter: str                      # "Q1 2015/16"
    fytd: str                         # "2015/16 to date (April to July)"
    rolling12: str                    # "12 months to July 2015"
    rolling12_before: str             # "12 months to July 2014"


@dataclass
class PackChart:
    """One XmR chart: a month per row of ``frame``.

    ``frame`` columns: period (datetime64), value, mean, upper, lower (process limits; NaN where not
    computed), special_cause (bool), point_type (common_cause | improvement_high | improvement_low |
    concern_high | concern_low | neutral_high | neutral_low), provisional (bool: limits from fewer than
    12 points). ``description`` is the chart's plain-English text alternative. ``events`` are the events
    (pipelines.events.Event) in the chart's months that concern its measure, drawn as dated lines and
    listed under the chart. ``target`` is the aspiration as a monthly value, drawn as a line labelled
    ``target_label``; None when the plan sets none.
    """

    title: str
    unit: str
    frame: pd.DataFrame
    description: str
    events: list = field(default_factory=list)
    target: float | None = None
    target_label: str = ""
    target_from: pd.Timestamp | None = None  # the first month of the plan that sets the aspiration, when it began
                                             # after the chart's first month: the line starts there
    rebases: list = field(default_factory=list)  # pipelines.plan.history.Rebase in the chart's months: the
                                                 # limits recalculated from them, marked and explained
    drawn: dict = field(default_factory=dict, repr=False, compare=False)  # PNG bytes by dpi, once drawn: the
                                                 # PDF and the Word file show the same picture


@dataclass
class PackRow:
    """One area's line in a measure's table: its headline figures and status, formatted for reading.

    A figure for a period with months missing carries its note in ``incomplete`` ("12 months to July
    2015: 10 of 12 months reported") and is never printed as if whole. ``rolling12_change`` is "" when
    either twelve months is incomplete.
    """

    area: str
    month: str
    quarter: str
    fytd: str
    rolling12: str
    rolling12_change: str
    variation: str        # e.g. "Special cause: concerning high"
    assurance: str        # e.g. "Will consistently miss the aspiration"; "" when the plan sets none
    incomplete: list[str] = field(default_factory=list)
    # the caveats on the line's figures (open flags, data-check warnings; a force's line carries its districts'),
    # said with the measure: the summary says they are there, so no figure in it is read as if nothing were in doubt
    caveats: int = 0
    caveats_in_general: int = 0  # of them, those said once for the whole briefing (a file's, a district's month)


@dataclass
class PackMeasure:
    priority: str
    measure_id: str
    name: str
    unit: str
    sentence: str                     # the force's plain-English sentence (variation and assurance)
    aspiration: str                   # the plan's aspiration in words; "" when it sets none
    rows: list[PackRow]               # force first, then each district
    chart: PackChart | None
    caveats: list[str]                # said once for the measure: the catalogue's, then flags and data checks
                                      # on its figures in the month (districts named where not all)
    commentary: str = ""
    commentary_by: str = ""
    commentary_at: dt.datetime | None = None
    short_name: str = ""              # "CSE arrests": where a table has little room
    plan_in_force: bool = True        # False in a month outside every plan: no aspiration applies, though one was set

    @property
    def force_row(self) -> PackRow:
        return self.rows[0]


@dataclass
class LoopTable:
    """One table of what a meeting opens with (pipelines.briefing.loop_section), in words: its heading, columns
    and rows; ``none`` is said in its place when it has no rows. ``widths`` are the columns' shares of the page's
    width, the same in every format."""

    heading: str
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]
    none: str = ""


@dataclass
class LoopSection:
    """The "Since the last meeting" section: what was asked last time, what came back, the decisions, and the
    actions still open or overdue. ``empty`` is the one line said instead when no earlier meeting is recorded."""

    heading: str
    counts: str                       # "2 actions overdue, 1 open; 3 questions asked last time, 1 still awaiting
                                      # an answer"
    tables: list[LoopTable] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)  # each overdue action in one line, for a warning
    empty: str = ""


@dataclass
class Pack:
    office: str
    force: str
    meeting_date: dt.date
    period_label: str                 # "July 2015"
    quarter_label: str                # "Q1 2015/16", or "" when no complete quarter
    generated_at: dt.datetime
    generated_by: str
    marking: str                      # e.g. "OFFICIAL-SENSITIVE: for the PCC's office, not for publication"
    banner: str                       # management information, unaudited, subject to revision
    measures: list[PackMeasure]
    questions: list[str]
    headings: HeadlinePeriods | None = None
    questions_by: str = ""
    questions_at: dt.datetime | None = None
    notices: list[str] = field(default_factory=list)  # what the reader must know first: no plan in force, ...
    caveats: list[str] = field(default_factory=list)  # caveats on every figure of the month (a whole file,
                                                      # a whole month), said once before any measure
    data_version: str = ""            # which load of the warehouse the figures come from
    loop: LoopSection | None = None   # what the meeting opens with; None where it is not said
    recommendations: LoopSection | None = None  # the reports' recommendations as the meeting opens: those not yet
                                      # implemented or closed, those changed since the last meeting, those flagged
                                      # (pipelines.briefing.recommendations_section); None with an empty register
    meeting_name: str = "the Public Accountability Board"  # the meeting it is for, as its title says it
    meeting_short: str = "PAB"                             # the same, short, as each page's footer says it
    runs: list[tuple[str, str]] = field(default_factory=list)  # the first and last month ("YYYY-MM") of each
                                      # period figure after the month's (its quarter, the year to date, the 12
                                      # months), in the tables' order: the HTML links each to the rows it adds up

    @property
    def priorities(self) -> list[str]:
        """The plan's priorities in the order their measures come."""
        return list(dict.fromkeys(m.priority for m in self.measures))
