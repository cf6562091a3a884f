"""The questions the office drafts for the Chief Constable: one per measure, strongest signals first.

Each question names the figures (the value, the month, the limit or average it is judged against, the
districts showing the same signal) and the rule behind it in words, so that the Board can see why it is
asked. The office edits the drafts before the meeting; those edits are kept elsewhere (``notes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import settings
from ..catalogue import Measure, catalogue, listed
from ..plan.narrative import (
    area_phrase,
    extreme_phrase,
    format_compared,
    format_number,
    missing_months,
    rule_clause,
    subject,
    time_phrase,
    told_apart,
)
from ..plan.periods import month_label, month_number
from ..plan.spc import RULES
from ..plan.status import MeasureStatus

WEIGHTS: dict[str, int] = {
    "first_priority": 1000,
    "concern": 400,
    "neutral": 300,
    "aspiration": 200,
    "improvement": 100,
    "force": 50,
    "beyond_limits": 40,
    "shift": 30,
    "trend": 20,
    "two_of_three": 10,
    "each_district": 1,
}
"""Why the questions come in this order: each term of ``WEIGHTS`` is added to a signal's strength.

* ``first_priority``: a signal on a measure of the plan's first priority (child sexual exploitation in
  the bundled plans) comes before anything on the later priorities, such as the share of officers trained,
  because that is what the Board meets to hold the force to account on.
* ``concern`` over ``neutral`` over ``aspiration`` over ``improvement``: a significant change the wrong way
  asks for action; a significant change with no good direction (live investigations) asks what explains it
  and whether the force has the capacity for it; an aspiration the process limits show will consistently be
  missed asks for a plan, but is no news in itself; an improvement may ask what worked, last.
* ``force``: a force-wide signal before a district-only one of the same kind, whatever its rule.
* the rules, strongest evidence first: a point beyond the process limits, then a shift (a run on one
  side of the average), a trend, and two of three months near a limit.
* ``each_district``: among otherwise equal questions, the one more districts share comes first.

The gaps are wide enough that no sum of the smaller terms overturns a larger one (with up to nine districts).
"""

_SPECIAL = ("concern", "neutral", "improvement")
_RULE_ORDER = ("beyond_limits", "shift", "trend", "two_of_three", "aspiration")


@dataclass(frozen=True)
class DraftQuestion:
    """One drafted question: its text, the measure, the areas it names (the lead first), the rule in words,
    and its strength (the sum of ``WEIGHTS`` that ranks it). `direction` is the way the lead's figure going further
    makes it more pressing (+1 higher, -1 lower): the way its signal points, or away from the aspiration it is set to
    miss; a question on it answered and decided at an earlier meeting is asked again once the figure has gone that
    way since (pipelines.briefing.asked)."""

    text: str
    measure_id: str
    areas: tuple[str, ...]
    rule: str
    strength: int
    direction: int = 0


@dataclass(frozen=True)
class _Signal:
    status: MeasureStatus
    kind: str   # concern, neutral, improvement or aspiration
    rule: str   # an SPC rule name, or "aspiration"
    side: int   # +1 high, -1 low, 0 for an aspiration
    strength: int


def max_questions() -> int:
    """The ``max_questions`` setting; a clear error (ConfigError) when it is not a whole number."""
    return settings.get_int("max_questions")


def signal_strength(kind: str, rule: str, *, is_force: bool, first_priority: bool) -> int:
    """The strength of one signal on one area, from ``WEIGHTS`` (see the note under it)."""
    return (WEIGHTS["first_priority"] * first_priority + WEIGHTS[kind] + WEIGHTS["force"] * is_force
            + (WEIGHTS[rule] if rule in RULES else 0))


def _signals(status: MeasureStatus, first_priority: bool) -> list[_Signal]:
    out = []
    icon = status.variation_icon or ""
    kind = icon.rsplit("_", 1)[0]
    if kind in _SPECIAL and status.signal_rule and status.value is not None:
        side = 1 if icon.endswith("_high") else -1
        out.append(_Signal(status, kind, status.signal_rule, side,
                           signal_strength(kind, status.signal_rule, is_force=status.is_force,
                                           first_priority=first_priority)))
    # Outside every plan no aspiration is judged, so none is asked about.
    if status.plan_in_force and status.assurance_icon == "fail" and status.aspiration:
        out.append(_Signal(status, "aspiration", "aspiration", 0,
                           signal_strength("aspiration", "aspiration", is_force=status.is_force,
                                           first_priority=first_priority)))
    return out


def _clamped(value: float | None, measure: Measure) -> float | None:
    """A process limit as it is said: never below zero, nor a percentage above 100, since no figure can be."""
    if value is None:
        return None
    value = max(value, 0.0)
    return min(value, 100.0) if measure.kind == "percentage" else value


def _limit(value: float | None, measure: Measure, decimals: int = 1) -> str:
    """A process limit as printed (`_clamped`), to one decimal place unless more are needed to tell it apart."""
    value = _clamped(value, measure)
    if value is None:
        return "n/a"
    return format_number(value, measure, decimals=decimals)


def _judged_against(signal: _Signal) -> float | None:
    """The limit or average the lead's figure is said above or below, as it is said."""
    s, high = signal.status, signal.side > 0
    if signal.rule in ("beyond_limits", "two_of_three"):
        return _clamped(s.upper if high else s.lower, catalogue().get(s.measure_id))
    if signal.rule == "shift":
        return s.mean
    return None


def _run(status: MeasureStatus) -> int:
    """Months in the run (shift, trend) or near the limit (two of three) behind the reporting month's signal."""
    chart = status.spc
    return chart.run_length(len(chart) - 1) if len(chart) else 0


def _gaps(status: MeasureStatus) -> list[int]:
    """The months with no figure among those the reporting month's rule counted (the run may span them)."""
    chart = status.spc
    return chart.run_gaps(len(chart) - 1) if len(chart) else []


def _rule_words(signal: _Signal) -> str:
    """The rule behind a signal, as the Board is told it."""
    high = signal.side > 0
    gaps = missing_months(_gaps(signal.status))
    with_figures, after = (" with figures", f" ({gaps})") if gaps else ("", "")
    if signal.rule == "beyond_limits":
        return "a point beyond the process limits"
    if signal.rule == "shift":
        return (f"a run of {_run(signal.status)} months{with_figures} {'above' if high else 'below'} the "
                f"average{after}")
    if signal.rule == "trend":
        return (f"a trend of {_run(signal.status)} months{with_figures}, each {'higher' if high else 'lower'} than "
                f"the one before{after}")
    if signal.rule == "two_of_three":
        return f"two of three months{with_figures} near the {'upper' if high else 'lower'} process limit{after}"
    return "the process limits show the aspiration will consistently be missed"


def _lead_clause(signal: _Signal, m: Measure, decimals: int = 1) -> str:
    """What the lead area's chart shows, with the limit or average it is judged against (to `decimals` places, as
    its figure is said)."""
    s, high = signal.status, signal.side > 0
    if signal.rule == "beyond_limits":
        return (f"{'above the upper' if high else 'below the lower'} process limit "
                f"({_limit(s.upper if high else s.lower, m, decimals)})")
    gaps = missing_months(_gaps(s))
    if signal.rule == "shift":
        return rule_clause("shift", high, _run(s), format_number(s.mean, m, decimals=decimals), _gaps(s))
    if signal.rule == "trend":
        if gaps:
            return (f"{'higher' if high else 'lower'} than the one before in each of the last "
                    f"{max(_run(s) - 1, 1)} months with figures ({gaps})")
        return f"{'higher' if high else 'lower'} than the month before for {max(_run(s) - 1, 1)} months in a row"
    if signal.rule == "two_of_three":
        last = f"the last 3 months with figures ({gaps})" if gaps else "the last 3 months"
        return (f"close to or {'above the upper' if high else 'below the lower'} process limit "
                f"({_limit(s.upper if high else s.lower, m, decimals)}) in {_run(s)} of {last}")
    return (f"against an aspiration of {s.aspiration}: its process limits ({_limits(s, m)}) show the aspiration "
            "will consistently be missed unless the process changes")


def _limits(s: MeasureStatus, m: Measure) -> str:
    """"74.9% to 94.96%": the process limits said against the aspiration they show will be missed, the one on its
    side never reading as the aspiration's own figure (at least 95.0%) where a month's aspiration is said."""
    d = 1
    if s.target is not None and (m.kind == "percentage" or s.aspiration_period == "month"):
        d = told_apart(_clamped(s.upper if s.increase_is == "good" else s.lower, m), s.target)
    return f"{_limit(s.lower, m, d)} to {_limit(s.upper, m, d)}"


def _others_clause(rule: str, side: int, signals: list[_Signal], m: Measure, first: bool,
                   said: list[int] | None = None) -> str:
    """The districts sharing the lead's kind of signal under one rule, each with its figure. Months missing from
    their runs are named, unless they are the months `said` already (the lead's)."""
    missing = sorted({g for s in signals for g in _gaps(s.status)})
    gaps = missing_months(missing) if missing != sorted(set(said or ())) else ""
    bracket = f" ({gaps})" if gaps else ""
    names = listed([f"{g.status.area} ({format_number(g.status.value, m)})" for g in signals])
    many = len(signals) > 1
    their, s_ = ("their", "s") if many else ("its", "")
    also = "also " if first else ""
    high = side > 0
    if rule == "beyond_limits":
        where = f"{'above' if high else 'below'} {their} {'upper' if high else 'lower'} process limit{s_}"
    elif rule == "shift":
        runs = [_run(g.status) for g in signals]
        at_least = "at least " if len(set(runs)) > 1 else ""
        if missing:  # a run that spans a month with no figure is not "in a row"
            where = (f"{'above' if high else 'below'} {their} average{s_} in each of {their} last {at_least}"
                     f"{min(runs)} months with figures{bracket}")
        else:
            where = f"{'above' if high else 'below'} {their} average{s_} for {at_least}{min(runs)} months in a row"
    elif rule == "trend":
        where = (f"{'rising' if high else 'falling'} from each month with figures to the next{bracket}" if missing
                 else f"{'rising' if high else 'falling'} month after month")
    elif rule == "two_of_three":
        last = f"the last 3 months with figures{bracket}" if missing else "the last 3 months"
        where = (f"close to or {'above' if high else 'below'} {their} {'upper' if high else 'lower'} "
                 f"process limit{s_} in two or more of {last}")
    else:
        where = "set to miss it"
    return f"{names} {also}{where}"


# Each ask names its measure, so that no two questions of a pack end in the same sentence.
_ASK = {
    ("concern", 1): "What explains the rise in {what}, and what is being done to reverse it?",
    ("concern", -1): "What explains the fall in {what}, and what is being done to reverse it?",
    ("neutral", 1): "What explains the rise in {what}, and does the force have the capacity to meet it?",
    ("neutral", -1): "What explains the fall in {what}, and what does it mean for the capacity the force needs?",
    ("improvement", 1): "What has worked for {what}, and how will it be kept up?",
    ("improvement", -1): "What has worked for {what}, and how will it be kept up?",
    ("aspiration", 0): "What is being done so that {what} meet the aspiration, and by when?",
}


def _question(lead: _Signal, same: list[_Signal], signals: list[_Signal]) -> str:
    s = lead.status
    m = catalogue().get(s.measure_id)
    when = month_label(month_number(s.month))
    was = "was" if m.kind == "percentage" else "were"
    # the figure and the limit or average it is said above or below never read as the same number
    decimals = told_apart(s.value, _judged_against(lead))
    head = (f"{subject(m)} {area_phrase(s.area, s.is_force)} {was} {format_compared(s.value, m, decimals)} "
            f"{time_phrase(m, when)}")
    clause = _lead_clause(lead, m, decimals)
    if lead.kind in _SPECIAL:
        chart = s.spc
        extreme = extreme_phrase(chart.values, chart.months, lead.side)
        if extreme:
            clause = f"{extreme} and {clause}"
    parts = []
    for rule in _RULE_ORDER:
        group = [g for g in same if g.rule == rule]
        if group:
            parts.append(_others_clause(rule, lead.side, group, m, first=not parts, said=_gaps(s)))
    text = f"{head}, {clause}"
    if parts:
        text += ", with " + (parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])}, and {parts[-1]}")
    if lead.kind in _SPECIAL and any(g.status is s and g.kind == "aspiration" for g in signals):
        text += (f". Its process limits ({_limits(s, m)}) show the aspiration ({s.aspiration}) will consistently "
                 "be missed")
    what = subject(m, start_of_sentence=False)
    ask = _ASK[(lead.kind, lead.side)].format(what=what)
    if m.kind == "percentage":
        ask = ask.replace(f"{what} meet ", f"{what} meets ")
    if lead.kind == "aspiration" and any(g.status is s and g.kind == "improvement" for g in signals):
        ask = (f"{subject(m)} {'is' if m.kind == 'percentage' else 'are'} improving significantly, but what more is "
               "being done so that the aspiration is met, and by when?")
    return f"{text}. {ask}"


def _direction(signal: _Signal) -> int:
    """The way the lead's figure going further makes its question more pressing (``DraftQuestion.direction``)."""
    if signal.kind == "aspiration":
        return -1 if signal.status.increase_is == "good" else 1
    return signal.side


def draft_questions(statuses: Iterable[MeasureStatus], limit: int | None = None) -> list[DraftQuestion]:
    """The drafted questions for one meeting's statuses, strongest first, at most ``limit`` of them.

    One question per measure: the strongest signal of any of its areas leads (the force's, when the force
    shows the strongest kind of signal), and the districts showing the same kind of signal the same way
    are named inside it with their figures. ``limit`` defaults to the ``max_questions`` setting. None
    when nothing signals. In a month with no plan in force only the charts' signals are asked about.
    """
    limit = max_questions() if limit is None else max(limit, 0)
    statuses = list(statuses)
    if not statuses:
        return []
    first = statuses[0].priority  # statuses come in plan order, the first priority's measures first
    by_measure: dict[str, list[MeasureStatus]] = {}
    for s in statuses:
        by_measure.setdefault(s.measure_id, []).append(s)
    drafts: list[DraftQuestion] = []
    for measure_id, group in by_measure.items():
        signals = [g for s in group for g in _signals(s, s.priority == first)]
        if not signals:
            continue
        lead = max(signals, key=lambda g: g.strength)  # the first of equals: the force, then plan order
        same = [g for g in signals if g.kind == lead.kind and g.side == lead.side and g.status is not lead.status]
        drafts.append(DraftQuestion(
            text=_question(lead, same, signals), measure_id=measure_id,
            areas=(lead.status.area, *dict.fromkeys(g.status.area for g in same)), rule=_rule_words(lead),
            strength=lead.strength + WEIGHTS["each_district"] * len(same), direction=_direction(lead)))
    drafts.sort(key=lambda d: -d.strength)  # stable: equal strengths keep plan order
    unique = list({d.text: d for d in drafts}.values())  # texts name their measure, so this is a safeguard
    return unique[:limit]


def question_texts(statuses: Iterable[MeasureStatus], limit: int | None = None) -> list[str]:
    """The drafted questions' texts, strongest first (what the pack and the briefing page show)."""
    return [d.text for d in draft_questions(statuses, limit)]
