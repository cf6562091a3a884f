"""Gather a meeting's briefing pack from the warehouse: plan status, charts, caveats, commentary, questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from .. import settings
from ..catalogue import catalogue, force
from ..errors import PccDashError
from ..events import events_for
from ..figures import accepted_months, plan_figures
from ..flags import caveats, caveats_by_figure, force_caveats
from ..plan import PlanAnalytics, plan_notices
from ..plan.narrative import format_change, format_number
from ..plan.periods import month_label, month_number
from ..plan.spc import assurance_text
from ..public import MANAGEMENT_INFORMATION
from ..return_calendar import incomplete_notices, latest_due_month, statuses
from ..warehouse import utc_now
from .model import Pack, PackChart, PackMeasure, PackRow
from .notes import latest_texts, questions_list
from .period import ReportingPeriod, reporting_period

MARKING = "OFFICIAL-SENSITIVE: for the Commissioner's office. Not for publication: small counts are not suppressed."
INTERNAL_BANNER = MANAGEMENT_INFORMATION  # the pack is not suppressed, so it does not say small numbers are hidden


class NoFigures(PccDashError):
    """There is nothing to brief on for the meeting date asked."""


NOT_JUDGED = "No plan in force: not judged"


def period_notices(analytics: PlanAnalytics, period: ReportingPeriod,
                   months: list[str]) -> tuple[str | None, list[str]]:
    """What a briefing says before any figure: the notice when no plan is in force in its month, and the
    warnings on the plans' coverage (figures past the last plan, a plan about to end) of the months
    loaded up to its month, as they stood for the meeting."""
    if period.month is None:
        return None, []
    upto = [m for m in months if m <= period.month_key]
    return analytics.notice(period.month), plan_notices(upto, analytics.plans, besides=period.month)


def pack_notices(analytics: PlanAnalytics, period: ReportingPeriod, months: list[str]) -> list[str]:
    """The briefing's notices in the order the pack prints them."""
    lapse, warnings = period_notices(analytics, period, months)
    return [*([lapse] if lapse else []), *warnings]


def return_notices(con: duckdb.DuckDBPyConnection, month: dt.date, meeting: dt.date) -> list[str]:
    """What a briefing says about the force's returns, as they stood at the meeting (or today, if sooner): the
    reporting month's, if any of it is missing, and the later months whose return was due and is not all in."""
    as_of = min(settings.today(), meeting)
    last = latest_due_month(as_of)
    out = incomplete_notices(con, month, as_of)
    later = []
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    wanted = []
    while following <= last:
        wanted.append(following)
        following = (following + dt.timedelta(days=32)).replace(day=1)
    for m, rows in statuses(con, wanted, as_of).items():
        if any(r.state in ("overdue", "refused", "superseded") for r in rows):
            later.append(m)
    if len(later) == 1:
        out += incomplete_notices(con, later[0], as_of)
    elif later:
        out.append(f"The returns for {len(later)} later months ({month_label(month_number(later[0]))} to "
                   f"{month_label(month_number(later[-1]))}) are overdue or refused, so their figures are missing: "
                   "the Returns calendar page shows what is due and what has arrived.")
    return out


def variation_words(status) -> str:
    """The status's variation in words, capitalised ("Too few months" before a chart has limits)."""
    words = status.variation
    return words[0].upper() + words[1:] if words else ""


def drafted_questions(statuses) -> list[str]:
    """The questions drafted for the Chief Constable, strongest signals first (see briefing.questions)."""
    from .questions import question_texts

    return question_texts(statuses)


def build_pack(con: duckdb.DuckDBPyConnection, meeting: dt.date, generated_by: str) -> Pack:
    """Everything the pack says for the meeting on `meeting`, from the figures accepted now."""
    months = accepted_months(con)
    period = reporting_period(meeting, months)
    if period.month is None:
        raise NoFigures(f"No month before {meeting:%d %B %Y} has accepted figures, so there is nothing to brief on. "
                        'Load the force\'s returns with "pccdash ingest" first.')
    analytics = PlanAnalytics(plan_figures(con))
    statuses = analytics.status(period.month)
    cav = caveats(con, start=period.month, end=period.month)
    texts = latest_texts(con, period.month)
    notices = [*pack_notices(analytics, period, months), *return_notices(con, period.month, meeting)]
    return assemble(period, statuses, cav, texts, generated_by, notices=notices)


def assemble(period: ReportingPeriod, statuses, cav: pd.DataFrame, texts: dict, generated_by: str, *,
             notices: list[str] = ()) -> Pack:
    cat, f = catalogue(), force()
    by_figure = caveats_by_figure(cav)
    month = period.month_key
    measures: list[PackMeasure] = []
    by_measure: dict[str, list] = {}
    for s in statuses:
        by_measure.setdefault(s.measure_id, []).append(s)
    for measure_id, group in by_measure.items():
        m = cat.get(measure_id)
        force_status = next(s for s in group if s.is_force)
        rows = []
        for s in group:
            row_caveats = (force_caveats(cav, month, measure_id) if s.is_force
                           else by_figure.get((month, s.area, measure_id), []))
            rows.append(PackRow(area=s.area, value=format_number(s.value, m),
                                last_year=format_number(s.last_year_value, m),
                                change=format_change(s.change, s.change_pct, m),
                                variation=variation_words(s),
                                assurance=((assurance_text(s.assurance_icon) or "").capitalize()
                                           if s.plan_in_force else NOT_JUDGED),
                                caveats=row_caveats))
        chart = None
        frame = force_status.spc_frame
        if len(frame) >= 2:
            chart = PackChart(title=f"{m.name}, {f.force_short_name}, by month", unit=m.unit, frame=frame,
                              description=force_status.sentence,
                              events=events_for(measure_id, frame["period"].min(), frame["period"].max()))
        body, by, at = texts.get(("commentary", measure_id), ("", "", None))
        measures.append(PackMeasure(priority=force_status.priority, measure_id=measure_id, name=m.name, unit=m.unit,
                                    sentence=force_status.sentence, rows=rows, chart=chart,
                                    caveats=[*m.caveats, *force_caveats(cav, month, measure_id)],
                                    commentary=body,
                                    commentary_by=by, commentary_at=at))
    q_body, q_by, q_at = texts.get(("questions", None), (None, "", None))
    questions = questions_list(q_body) if q_body is not None else drafted_questions(statuses)
    return Pack(office=f.office_name, force=f.force_name, meeting_date=period.meeting,
                period_label=period.month_text, quarter_label=period.quarter_text, generated_at=utc_now(),
                generated_by=generated_by, marking=MARKING, banner=INTERNAL_BANNER, measures=measures,
                questions=questions, questions_by=q_by, questions_at=q_at, notices=list(notices))


def pack_stem(meeting: dt.date) -> str:
    return f"pab-briefing-{meeting:%Y-%m-%d}"


def write(con: duckdb.DuckDBPyConnection, meeting: dt.date, generated_by: str, folder: Path) -> tuple[Path, Path]:
    from .render import write_pack  # ReportLab and matplotlib load only when a pack is drawn

    return write_pack(build_pack(con, meeting, generated_by), folder, pack_stem(meeting))
