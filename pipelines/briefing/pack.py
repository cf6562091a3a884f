"""Gather a meeting's briefing pack from the warehouse: plan status, charts, caveats, commentary, questions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd

from .. import office as office_words
from .. import settings
from ..accountability import Meeting, get_meeting, meetings
from ..accountability.loop import same_series
from ..accountability.records import meeting_name
from ..catalogue import catalogue, force, listed
from ..errors import PccDashError
from ..events import events_for
from ..figures import accepted_months, plan_figures
from ..flags import arrange_caveats, caveats, day_words, included_figures
from ..plan import PlanAnalytics, plan_notices
from ..plan.headline import PeriodFigure, financial_year_words, headlines, period_labels
from ..plan.history import baseline_text
from ..plan.narrative import format_change, format_number, missing_months
from ..plan.periods import (
    financial_year_start,
    missing_between,
    month_label,
    month_number,
    month_start,
)
from ..plan.status import assurance_said as status_assurance
from ..plan.status import variation_said as status_variation
from ..public import MANAGEMENT_INFORMATION
from ..return_calendar import incomplete_notices, latest_due_month, statuses
from ..warehouse import utc_now
from .asked import AskedBefore
from .loop_section import put_to_meeting, series_words, since_last_meeting
from .model import NBSP, HeadlinePeriods, LoopSection, Pack, PackChart, PackMeasure, PackRow, unbroken
from .notes import SavedQuestions, latest_texts, questions_list, saved_questions
from .period import ReportingPeriod, reporting_period
from .questions import DraftQuestion
from .recommendations_section import recommendations_section
from .version import data_version

MARKING = "OFFICIAL-SENSITIVE: for {office}. Not for publication: small counts are not suppressed."  # force.yaml's
INTERNAL_BANNER = MANAGEMENT_INFORMATION  # the pack is not suppressed, so it does not say small numbers are hidden


class NoFigures(PccDashError):
    """There is nothing to brief on for the meeting date asked."""


def period_notices(analytics: PlanAnalytics, period: ReportingPeriod,
                   months: list[str]) -> tuple[str | None, list[str]]:
    """What a briefing says before any figure: the notice when no plan is in force in its month, and the
    warnings on the plans' coverage (figures past the last plan, a plan about to end) of the months
    loaded up to its month, as they stood for the meeting; months between two plans, or before the first, only
    where the 12 months it reports hold some of them."""
    if period.month is None:
        return None, []
    upto = [m for m in months if m <= period.month_key]
    month = month_number(period.month)
    return analytics.notice(period.month), plan_notices(upto, analytics.plans, besides=period.month,
                                                        shown=range(month - 11, month + 1),
                                                        loaded_to=max(months) if months else None)


def pack_notices(analytics: PlanAnalytics, period: ReportingPeriod, months: list[str]) -> list[str]:
    """The briefing's notices in the order the pack prints them."""
    lapse, warnings = period_notices(analytics, period, months)
    return [*([lapse] if lapse else []), *warnings]


def return_notices(con: duckdb.DuckDBPyConnection, month: dt.date, meeting: dt.date, *,
                   later: bool = True, command: bool = False) -> list[str]:
    """What a briefing says about the force's returns, as they stood at the meeting (or today, if sooner): the
    earlier months of the 12 months to the reporting month whose return is still not all in (a month the force
    skipped while the next one arrived: the reporting month moves past it, and its headline periods are short of
    it), the reporting month's, if any of it is missing, and (unless `later` is false) the later months whose return
    was due and is not all in. Where what is due and what has arrived is shown is the Returns calendar page, for the
    app and the pack; with `command`, for the command line, the "pccdash calendar" that shows the months named."""
    as_of = min(settings.today(), meeting)
    last = latest_due_month(as_of)
    month = month.replace(day=1)
    before = [month]
    while len(before) < 12:
        before.insert(0, (before[0] - dt.timedelta(days=1)).replace(day=1))
    earlier = [m for m, rows in statuses(con, before[:-1], as_of).items() if _not_all_in(rows)]
    out = []
    if len(earlier) == 1:
        out += incomplete_notices(con, earlier[0], as_of)
    elif earlier:
        named = listed([month_label(month_number(m)) for m in earlier])
        out.append(f"The returns for {len(earlier)} earlier months of the 12 months to "
                   f"{month_label(month_number(month))} ({named}) are overdue or refused, so their figures are "
                   f"missing: {_calendar(earlier, last, command)} shows what is due and what has arrived.")
    out += incomplete_notices(con, month, as_of)
    if not later:
        return out
    behind = []
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    wanted = []
    while following <= last:
        wanted.append(following)
        following = (following + dt.timedelta(days=32)).replace(day=1)
    for m, rows in statuses(con, wanted, as_of).items():
        if _not_all_in(rows):
            behind.append(m)
    if len(behind) == 1:
        out += incomplete_notices(con, behind[0], as_of)
    elif behind:
        out.append(f"The returns for {len(behind)} later months ({month_label(month_number(behind[0]))} to "
                   f"{month_label(month_number(behind[-1]))}) are overdue or refused, so their figures are missing: "
                   f"{_calendar(behind, last, command)} shows what is due and what has arrived.")
    return out


def _calendar(months: list[dt.date], last: dt.date, command: bool) -> str:
    """Where the return calendar of `months` is shown: the Returns calendar page, or the command that prints it (its
    grid runs back from `last`, the latest month due, 12 months unless told more)."""
    if not command:
        return "the Returns calendar page"
    first = min(months)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return '"pccdash calendar"' if count <= 12 else f'"pccdash calendar --months {min(count, 240)}"'


def district_gaps(con: duckdb.DuckDBPyConnection, month: dt.date, meeting: dt.date) -> dict[tuple[str, str], str]:
    """(measure id, district) -> what is said where a district's figure for `month` would be and none has arrived:
    "No figure from Barnsley for April 2026: overdue (due 8 May 2026)", its return as it stood at the meeting (or
    today, if sooner), as the briefing's notices say it; a figure worked out from a part of the return (a breakdown's
    share recorded, a percentage) is said as that part. A link to the district's figure would open its latest month
    with one instead: another month's figure."""
    as_of = min(settings.today(), meeting)
    month = month.replace(day=1)
    label = month_label(month_number(month))
    rows = {r.measure: r for r in statuses(con, [month], as_of)[month]}
    out: dict[tuple[str, str], str] = {}
    for m in catalogue().measures:
        row = next((rows[x] for x in (m.id, m.part_of, m.numerator, m.denominator) if x in rows), None)
        for district in force().districts:
            why = ""
            if row is None or row.state == "arrived" or (row.state == "partial" and district not in row.absent):
                why = ""
            elif row.state in ("partial", "overdue", "missing"):
                why = f": {row.awaited()}"
            elif row.state == "refused":
                why = f": its return was refused (file {row.refused})"
            elif row.state == "superseded":
                why = f": its return ({row.refused}) was withdrawn or superseded and nothing has arrived in its place"
            out[(m.id, district)] = f"No figure from {district} for {label}{why}."
    return out


def _not_all_in(rows) -> bool:
    """Whether a month's return, due, is not all in: a part overdue, refused or withdrawn with nothing in its place,
    or a district's figures past due."""
    return any(r.state in ("overdue", "refused", "superseded") or r.overdue for r in rows)


def period_figure(fig: PeriodFigure | None, measure) -> str:
    """A headline figure for a table cell; one with months missing says so, so it is never read as whole.

    The note may wrap in a narrow cell, but after the figure or after "of 12", never inside "10 of 12": a line
    ending "83.8% (10" reads as a figure broken across lines."""
    if fig is None:
        return ""
    if fig.value is None:
        return "n/a"
    text = unbroken(format_number(fig.value, measure))
    if not fig.complete:
        text += f" ({fig.months_present}{NBSP}of{NBSP}{fig.months_expected} months)"
    return text


def aspiration_words(status) -> str:
    """The aspiration as the plan states it, with where the period's figure stands against it."""
    if not status.plan_in_force or not status.aspiration:
        return ""
    text = status.aspiration[0].upper() + status.aspiration[1:]
    return f"{text}. {status.aspiration_progress}." if status.aspiration_progress else f"{text}."


def measure_aspiration(group) -> str:
    """The aspiration for a measure: the force's, else (a change set for every district) said once."""
    force_status = next(s for s in group if s.is_force)
    if force_status.aspiration:
        return aspiration_words(force_status)
    return ""


def drafts_for(statuses, asked: AskedBefore | None = None) -> list[tuple[DraftQuestion, str]]:
    """The questions drafted for the Chief Constable, strongest signals first (see briefing.questions), each with what
    the pack says of a question put before on its measure and area (`asked`: the record as the meeting opens, see
    briefing.asked): one answered and decided whose figures have not moved since is not drafted again, and the next
    strongest takes its place."""
    from .questions import draft_questions, max_questions

    if asked is None:
        return [(d, "") for d in draft_questions(statuses)]
    out = []
    for d in draft_questions(statuses, limit=len(statuses)):
        weighed = asked.weigh(d)
        if weighed.keep:
            out.append((d, weighed.note))
    return out[:max_questions()]


def drafted_questions(statuses, asked: AskedBefore | None = None) -> list[str]:
    """The drafted questions' texts (``drafts_for``), as the briefing page offers them to edit."""
    return [d.text for d, _ in drafts_for(statuses, asked)]


def asked_notes(statuses, asked: AskedBefore | None, saved: SavedQuestions | None = None) -> dict[str, str]:
    """Each drafted question's text -> what the pack says of a question put before on its measure and area (a saved
    question the office kept as drafted says it too, even one not drafted again); and so for each question `saved`
    made from a draft, in the office's words or as drafted: it is about the draft's measure and area."""
    if asked is None:
        return {}
    from .questions import draft_questions

    notes = {d.text: note for d in draft_questions(statuses, limit=len(statuses)) if (note := asked.weigh(d).note)}
    for i, d in (saved.drafted.items() if saved else ()):
        text = saved.questions[i]
        if text not in notes and (note := asked.weigh(d.as_draft(text)).note):
            notes[text] = note
    return notes


def question_drafts(con: duckdb.DuckDBPyConnection, meeting: dt.date, *, analytics: PlanAnalytics,
                    month: object) -> list[DraftQuestion]:
    """The questions drafted for the meeting on `meeting` reporting on `month` (``drafts_for``, weighed against the
    questions put at earlier meetings): what the office's list of questions is saved with (``save_text``)."""
    asked = AskedBefore.load(con, meeting, analytics=analytics, month=month)
    return [d for d, _ in drafts_for(analytics.status(month), asked)]


def question_record(con: duckdb.DuckDBPyConnection, meeting: dt.date, *, analytics: PlanAnalytics,
                    month: object) -> tuple[list[str], dict[str, str]]:
    """For the meeting on `meeting` reporting on `month`: the drafted questions' texts (``drafts_for``, weighed against
    the questions put at earlier meetings), and what the pack says after a question (drafted, or saved as drafted)
    of the question put before on its measure and area (``asked_notes``: a saved question made from a draft, edited or
    not, says it too)."""
    statuses = analytics.status(month)
    asked = AskedBefore.load(con, meeting, analytics=analytics, month=month)
    return drafted_questions(statuses, asked), asked_notes(statuses, asked, saved_questions(con, month))


def with_note(text: str, note: str) -> str:
    """A question as the pack prints it, with what it says of the question put before ("" for none)."""
    return f"{text} ({note})" if note else text


def headings_for(period: ReportingPeriod) -> HeadlinePeriods:
    q = month_number(period.quarter_months[0]) if period.quarter_months else None
    return HeadlinePeriods(**period_labels(month_number(period.month), q))


def headline_windows(period: ReportingPeriod) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """The figures a briefing prints for a measure (the month, its quarter, the year to date, the 12 months), and
    the one their change is measured against (the 12 months before), as (label, first month, last month) in the
    words a caveat names them by (pipelines.flags.included_figures)."""
    month = month_number(period.month)
    shown = [(period.month_text, month, month)]
    if period.quarter_months:
        q = month_number(period.quarter_months[0])
        shown.append((period.quarter_text, q, q + 2))
    shown += [(financial_year_words(month, months=False), financial_year_start(month), month),
              (f"the 12 months to {month_label(month)}", month - 11, month)]
    return shown, [(f"in the 12 months to {month_label(month - 12)} that the change is measured against",
                    month - 23, month - 12)]


def headline_sources(period: ReportingPeriod, measure, panel) -> dict[tuple[str, str, str], str]:
    """Each figure a headline figure of the measure is made of, for the force and each district (its quarter, the
    year to date, the 12 months and the 12 months before that its change is measured against: every month of a
    flow, the month a stock's level is taken from, a percentage's numerator and denominator), with those figures
    in words: the flags on them go with them (pipelines.flags.arrange_caveats)."""
    return included_figures(panel, measure, *headline_windows(period))


def caveat_months(period: ReportingPeriod) -> tuple[str, str]:
    """The first and last month (YYYY-MM) whose caveats a briefing's figures may carry: those of every month its
    headline figures include (``headline_sources``), up to the reporting month."""
    month = month_number(period.month)
    first = min([month - 23, *(month_number(m) for m in period.quarter_months)])
    return f"{month_start(first):%Y-%m}", period.month_key


def build_pack(con: duckdb.DuckDBPyConnection, meeting: dt.date, generated_by: str) -> Pack:
    """Everything the pack says for the meeting on `meeting`, from the figures accepted now."""
    months = accepted_months(con)
    period = reporting_period(meeting, months)
    if period.month is None:  # no figures at all, or a meeting's date before every one held (a mistyped year)
        todo = (f": the figures held begin with {dt.datetime.strptime(months[0], '%Y-%m'):%B %Y}. Check the "
                "meeting's date." if months else '. Load the force\'s returns with "pccdash ingest" first.')
        raise NoFigures(f"No month before {meeting.day} {meeting:%B %Y} has accepted figures, so there is nothing "
                        f"to brief on{todo}")
    analytics = PlanAnalytics(plan_figures(con))
    cav = caveats(con, start=caveat_months(period)[0], end=period.month)
    texts = latest_texts(con, period.month)
    notices = [*pack_notices(analytics, period, months), *return_notices(con, period.month, meeting)]
    other = meeting_for(con, meeting)
    if other is not None:
        notices.insert(0, meeting_notice(con, other))
    notices[:0] = cancelled_notices(con, meeting)
    loop = since_last_meeting(con, meeting, analytics=analytics, month=period.month, meeting=other)
    asked = AskedBefore.load(con, meeting, analytics=analytics, month=period.month)
    statuses = analytics.status(period.month)
    pack = assemble(period, analytics, cav, texts, generated_by, notices=notices, loop=loop, statuses=statuses,
                    asked=asked)
    pack.recommendations = recommendations_section(con, meeting, analytics=analytics, month=period.month,
                                                   meeting=other)
    republished_caveats(con, pack, period)
    from ..policeuk.measures import latest_behind

    # figures years old read as this year's unless the pack says how old police.uk's latest month loaded is
    # judged at the meeting's day, as the Board reads the pack: a pack made again years later for a past meeting
    # is not about data old by the time it was made
    behind_caveats(pack, latest_behind(con, meeting, to_load=False, against="the meeting's month"))
    # a question put before on the measure and area of a draft, or of a saved question made from one, said after it
    notes = asked_notes(statuses, asked, saved_questions(con, period.month))
    pack.questions = [*(with_note(q, notes.get(q, "")) for q in pack.questions),
                      *put_to_meeting(con, meeting, pack.questions, other, notes=notes)]
    if other is not None:
        pack.meeting_name = f"the {meeting_name(other.kind, other.title)}"
        pack.meeting_short = meeting_name(other.kind, other.title)
    pack.data_version = data_version(con)
    return pack


def republished_caveats(con: duckdb.DuckDBPyConnection, pack: Pack, period: ReportingPeriod) -> None:
    """Each police.uk context measure of the pack says which months of its figures police.uk republished, with counts
    changed, since they were first loaded (`republished_said`), as the police.uk context page lists them: a figure of
    such a month is not the one a reader may have seen before."""
    add_caveats(pack, republished_said(con, tuple(m.measure_id for m in pack.measures), *caveat_months(period)))


def republished_said(con: duckdb.DuckDBPyConnection, measure_ids: tuple[str, ...], first: str,
                     last: str) -> dict[str, str]:
    """What each police.uk context measure of `measure_ids` says of the months `first` to `last` (YYYY-MM: the months
    a briefing's caveats may be about, ``caveat_months``) police.uk republished with counts changed since they were
    first loaded (`pipelines.policeuk.revisions.republished_words`), by measure id; a measure of the force's own, or
    with no such month, is left out. The pack and the Briefing overview both say it (`add_caveats`)."""
    from ..policeuk.reference import SOURCE
    from ..policeuk.revisions import kind_of, republished_words

    cat, by_kind, said = catalogue(), {}, {}
    for measure_id in measure_ids:
        if cat.get(measure_id).source != SOURCE:
            continue
        kind = kind_of(measure_id)
        if kind not in by_kind:
            by_kind[kind] = republished_words(con, kind, first, last)
        if by_kind[kind]:
            said[measure_id] = by_kind[kind]
    return said


def add_caveats(pack: Pack, said: dict[str, str]) -> None:
    """Puts among each measure's caveats what `said` gives for its id (`republished_said`, `behind_caveats`), once."""
    for m in pack.measures:
        if (words := said.get(m.measure_id)) and words not in m.caveats:
            m.caveats.append(words)


def behind_caveats(pack: Pack, behind: str | None) -> None:
    """Each police.uk context measure of the pack says `behind` among its caveats: how far the latest police.uk month
    loaded is behind the meeting's month, once it is more than three months (`pipelines.policeuk.latest_behind`, as
    the police.uk context page says it of today's). Nothing when it is recent."""
    from ..policeuk.reference import SOURCE

    if behind:
        cat = catalogue()
        add_caveats(pack, {m.measure_id: behind for m in pack.measures if cat.get(m.measure_id).source == SOURCE})


def meeting_for(con: duckdb.DuckDBPyConnection, day: dt.date) -> Meeting | None:
    """The meeting a pack for `day` is for when it is not a Board: with no Board recorded that day, the district's
    quarterly report or themed session recorded for it (the first recorded, if more than one); with none to be held
    that day, the one called off (its pack is still its own, and ``cancelled_notices`` says it will not be held).
    None for a Board's pack (a Board recorded that day, held or called off, or no meeting recorded yet)."""
    held = ([m for m in meetings(con) if m.held_on == day]
            or [m for m in meetings(con, cancelled=True) if m.held_on == day])
    if not held or any(m.kind == "pab" for m in held):
        return None
    return held[0]


def cancelled_notices(con: duckdb.DuckDBPyConnection, day: dt.date) -> list[str]:
    """What a pack for `day` says first of a meeting recorded for that day and cancelled, with no other meeting
    that day: that it will not be held, and where what was put to it went."""
    on_day = [m for m in meetings(con, cancelled=True) if m.held_on == day]
    if any(not m.cancelled for m in on_day):
        return []
    out = []
    for m in on_day:
        went = ""
        if m.cancel.carried_to:
            to = get_meeting(con, m.cancel.carried_to)
            went = f" What was put to it went to the {to.label}."
        out.append(f"The {m.named} was cancelled ({m.cancel.reason}): this pack is for a "
                   f"meeting that will not be held.{went}")
    return out


def meeting_note(con: duckdb.DuckDBPyConnection, day: dt.date) -> str | None:
    """What a pack for `day` says first when it is not a Board's (``meeting_notice``); None for a Board's."""
    other = meeting_for(con, day)
    return meeting_notice(con, other) if other is not None else None


def meeting_notice(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> str:
    """What a pack for a meeting other than a Board says first: which meeting it is for, that its figures are the
    force's and every district's as a Board's pack gives them, and which meeting "Since the last meeting" goes back
    to."""
    earlier = [m for m in meetings(con) if m.held_on < meeting.held_on and same_series(m, meeting)]
    name = meeting_name(meeting.kind, meeting.title)
    series = series_words(meeting)
    back = (f'"Since the last meeting" goes back to the last {series}, on {day_words(earlier[-1].held_on)}'
            if earlier else
            f'"Since the last meeting" has no earlier {series} to go back to')
    also = [m for m in meetings(con) if m.held_on == meeting.held_on and m.meeting_id != meeting.meeting_id]
    other = (f" Also recorded that day: {'; '.join(meeting_name(m.kind, m.title) for m in also)}, which this pack "
             "is not for." if also else "")
    return (f"This pack is for the {name} (meeting {meeting.meeting_id}); no Public Accountability Board is recorded "
            f"that day. Its figures are the force's and every district's, as a Board's pack gives them. {back}, and "
            f"carries what is still open from every earlier meeting.{other}")


def assemble(period: ReportingPeriod, analytics: PlanAnalytics, cav: pd.DataFrame, texts: dict,
             generated_by: str, *, notices: list[str] = (), charts: bool = True, statuses=None,
             loop: LoopSection | None = None, asked: AskedBefore | None = None) -> Pack:
    """The pack for a reporting period, from the plan analytics and the month's caveats and texts, opening with
    ``loop``, what the meeting opens with (pipelines.briefing.loop_section.since_last_meeting).

    The overview page shows the same content without the pack's charts (``charts=False``), passing the
    month's ``statuses`` it has already (they are the costly part). ``asked``: the questions put at earlier
    meetings, which the drafted questions are weighed against (``drafts_for``)."""
    cat, f = catalogue(), force()
    statuses = analytics.status(period.month) if statuses is None else statuses
    month = month_number(period.month)
    quarter = month_number(period.quarter_months[0]) if period.quarter_months else None
    by_measure: dict[str, list] = {}
    for s in statuses:
        by_measure.setdefault(s.measure_id, []).append(s)
    arranged = arrange_caveats(cav, period.month_key, list(by_measure), list(f.districts),
                               included={m: headline_sources(period, cat.get(m), analytics.panel) for m in by_measure})
    measures: list[PackMeasure] = []
    for measure_id, group in by_measure.items():
        m = cat.get(measure_id)
        heads = {h.area: h for h in headlines(analytics.panel, m, month, quarter)}
        force_status = next(s for s in group if s.is_force)
        rows = []
        for s in group:
            h = heads[s.area]
            change = ("" if h.rolling12_change is None else
                      unbroken(format_change(h.rolling12_change, h.rolling12_change_pct, m)))
            rows.append(PackRow(area=s.area, month=period_figure(h.month, m), quarter=period_figure(h.quarter, m),
                                fytd=period_figure(h.fytd, m), rolling12=period_figure(h.rolling12, m),
                                rolling12_change=change, variation=status_variation(s),
                                assurance=status_assurance(s), incomplete=h.incomplete,
                                caveats=len(arranged.by_figure.get((measure_id, s.area), [])),
                                caveats_in_general=arranged.in_general.get((measure_id, s.area), 0)))
        chart = None
        frame = force_status.spc_frame if charts else ()
        if len(frame) >= 2:
            target = force_status.target if force_status.plan_in_force else None
            # an earlier plan judged the months before this one's began (with its own aspiration, or none)
            since = (force_status.plan_start if force_status.plan_start is not None
                     and force_status.plan_start > frame["period"].min() else None)
            chart = PackChart(title=f"{m.name}, {f.force_short_name}, by month", unit=m.unit, frame=frame,
                              description=chart_description(force_status, m, len(frame), since,
                                                            analytics.history.baseline_of(measure_id),
                                                            missing_between(frame["period"])),
                              events=events_for(measure_id, frame["period"].min(), frame["period"].max()),
                              target=target, target_from=since,
                              target_label=target_label(force_status, m, since) if target is not None else "",
                              rebases=[r for r in analytics.history.rebases_of(measure_id)
                                       if frame["period"].min() < month_start(r.month) <= frame["period"].max()])
        body, by, at = texts.get(("commentary", measure_id), ("", "", None))
        sentence = force_status.sentence + (f" {force_status.assurance_sentence}"
                                            if force_status.assurance_sentence else "")
        measures.append(PackMeasure(priority=force_status.priority, measure_id=measure_id, name=m.name, unit=m.unit,
                                    sentence=sentence, aspiration=measure_aspiration(group), rows=rows, chart=chart,
                                    caveats=[*m.caveats, *arranged.by_measure.get(measure_id, [])],
                                    commentary=body, commentary_by=by, commentary_at=at, short_name=m.short_name,
                                    plan_in_force=force_status.plan_in_force))
    q_body, q_by, q_at = texts.get(("questions", None), (None, "", None))
    questions = questions_list(q_body) if q_body is not None else drafted_questions(statuses, asked)
    return Pack(office=f.office_name, force=f.force_name, meeting_date=period.meeting,
                period_label=period.month_text, quarter_label=period.quarter_text, generated_at=utc_now(),
                generated_by=generated_by, marking=MARKING.format(office=office_words.office(f.office_name).name),
                banner=INTERNAL_BANNER, measures=measures,
                questions=questions, headings=headings_for(period), questions_by=q_by, questions_at=q_at,
                notices=list(notices), caveats=list(arranged.general), loop=loop,
                runs=[(f"{month_start(first):%Y-%m}", f"{month_start(last):%Y-%m}")
                      for _, first, last in headline_windows(period)[0][1:]])


def target_label(status, measure, since: pd.Timestamp | None = None) -> str:
    """The aspiration line's legend: its monthly value, and the period's where it is set on one; `since`: the month
    the plan setting it began, when the chart starts before it."""
    per_month = format_number(status.target, measure, decimals=None if measure.kind == "percentage" else 1)
    start = f", from {since:%B %Y}" if since is not None else ""
    if status.aspiration_period == "month" or measure.kind != "flow":
        return f"Aspiration ({per_month}{'' if measure.kind == 'percentage' else ' a month'}{start})"
    return f"Aspiration ({per_month} a month: {status.aspiration.split(' (')[0]}{start})"


def chart_description(status, measure, months: int, since: pd.Timestamp | None = None, baseline=None,
                      missing: list[int] | None = None) -> str:
    """The chart's text alternative: what it draws, not the sentence printed above it again; `since`: the month the
    aspiration's line starts, when its plan began after the chart's first month (a short bar at the chart's last month
    when it began then); `missing`: the months (month numbers) between its first and last with no figure. With a
    baseline declared in spc_history.yaml it says where the limits come from, since "the average" a sentence quotes
    is then the baseline's, not every month's."""
    name = measure.name[0].lower() + measure.name[1:] if measure.name[1:2].islower() else measure.name
    gaps = missing_months(missing) if missing else ""
    text = (f"XmR chart of {name} for "
            f"{status.area}, {months} months to {month_label(month_number(status.month))}"
            + (f" ({gaps}: the line is broken there)" if gaps else "") + ", with the mean and process limits")
    if baseline is not None and (baseline.fix_after is not None or baseline.start is not None):
        text += f" ({baseline_text(baseline)})"
    if status.target is not None and status.plan_in_force:
        if since is not None and month_number(since) >= month_number(status.month):
            # a plan that began in the chart's last month sets its aspiration on that month alone: the chart marks it
            # with a short bar there, not a line
            text += f" and the aspiration as a short bar at {since:%B %Y}, the month the plan setting it began"
        elif since is not None:
            text += f" and the aspiration as a line from {since:%B %Y}, when the plan setting it began"
        else:
            text += " and the aspiration as a line"
    return text + "."


def pack_stem(meeting: dt.date, other: Meeting | None = None) -> str:
    """The pack's file name without its extension: "pab-briefing-2015-08-20" for a Board's; for the meeting recorded
    that day when it is no Board (`meeting_for`), that meeting's ("rotherham-quarterly-report-briefing-2026-07-30",
    "themed-session-briefing-2026-11-05"), so that its files are not taken for a Board's."""
    if other is None:
        return f"pab-briefing-{meeting:%Y-%m-%d}"
    what = f"{other.district or 'district'} quarterly report" if other.kind == "district" else "themed session"
    slug = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
    return f"{slug}-briefing-{meeting:%Y-%m-%d}"


def write(con: duckdb.DuckDBPyConnection, meeting: dt.date, generated_by: str, folder: Path) -> tuple[Path, Path]:
    from .render import write_pack  # ReportLab and matplotlib load only when a pack is drawn

    return write_pack(build_pack(con, meeting, generated_by), folder, pack_stem(meeting, meeting_for(con, meeting)))
