"""Plain-English sentences for SPC signals, and questions for the Chief Constable.

The Commissioner's office reads these aloud in a performance meeting, so they name the measure by
its catalogue short name, the place by district or force short name, and the month as a person
would; numbers carry thousands separators. A sentence says what the chart says and no more:
"within the expected range" for common cause, "a significant improvement" (or concern) only for a
special cause judged in the measure's good direction, and no judgement for a neutral measure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from ..catalogue import Measure, listed
from ..office import in_sentence
from .periods import month_label

_RULE_CLAUSE_HIGH = {
    "beyond_limits": "above the upper process limit",
    "two_of_three": "close to or above the upper process limit in {n} of the last 3 months",
    "shift": "above the average ({mean}) for {n} months in a row",
    "trend": "up for {n} months in a row",
}
_RULE_CLAUSE_LOW = {
    "beyond_limits": "below the lower process limit",
    "two_of_three": "close to or below the lower process limit in {n} of the last 3 months",
    "shift": "below the average ({mean}) for {n} months in a row",
    "trend": "down for {n} months in a row",
}
# The same when the points the rule counted span a month with no figure: not "in a row", which they are not.
_GAP_CLAUSE_HIGH = {
    "two_of_three": "close to or above the upper process limit in {n} of the last 3 months with figures",
    "shift": "above the average ({mean}) in each of the last {n} months with figures",
    "trend": "up on the one before in each of the last {n} months with figures",
}
_GAP_CLAUSE_LOW = {
    "two_of_three": "close to or below the lower process limit in {n} of the last 3 months with figures",
    "shift": "below the average ({mean}) in each of the last {n} months with figures",
    "trend": "down on the one before in each of the last {n} months with figures",
}
MISSING_LISTED = 3  # more missing months than this are counted, not listed


def missing_months(months: Iterable[int]) -> str:
    """``May 2026 is missing``, ``May 2026 and July 2026 are missing``, ``5 months are missing, from May 2026
    to December 2026``: the months a run of points spans with no figure, for the brackets after its clause."""
    months = sorted(set(months))
    if not months:
        return ""
    if len(months) > MISSING_LISTED:
        return f"{len(months)} months are missing, from {month_label(months[0])} to {month_label(months[-1])}"
    return f"{listed([month_label(m) for m in months])} {'is' if len(months) == 1 else 'are'} missing"


def rule_clause(rule: str, high: bool, n: int, mean: str = "", missing: Iterable[int] = ()) -> str:
    """What a run rule saw, after "are": ``below the average (88.3) for 8 months in a row``; when the points it
    counted span a month with no figure, ``below the average (88.3) in each of the last 8 months with figures
    (May 2026 is missing)``. ``n`` is what the clause counts: points, or rises and falls for a trend."""
    gaps = missing_months(missing)
    if gaps and rule in _GAP_CLAUSE_HIGH:
        clause = (_GAP_CLAUSE_HIGH if high else _GAP_CLAUSE_LOW)[rule].format(n=n, mean=mean)
        return f"{clause} ({gaps})"
    return (_RULE_CLAUSE_HIGH if high else _RULE_CLAUSE_LOW)[rule].format(n=n, mean=mean)


def format_number(value: float | None, measure: Measure | None = None, *, decimals: int | None = None) -> str:
    """A figure as a report prints it: ``1,234``; ``87.5%`` for a percentage; ``12.3`` for a mean."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if measure is not None and measure.kind == "percentage":
        return f"{value:,.{1 if decimals is None else decimals}f}%"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}"


MAX_DECIMALS = 4  # past this, two figures that still read the same are as good as equal


def told_apart(value: float | None, other: float | None, decimals: int = 1) -> int:
    """The decimal places, `decimals` or more, at which `value` and `other` read as different numbers when they are
    different: a sentence comparing a figure with a limit, an average or an aspiration must not read "96.5% ...
    above the upper process limit (96.5%)" when the figure is 96.54% and the limit 96.47%."""
    if value is None or other is None or value != value or other != other:
        return decimals
    d = decimals
    while d < MAX_DECIMALS and value != other and f"{value:.{d}f}" == f"{other:.{d}f}":
        d += 1
    return d


def format_compared(value: float | None, measure: Measure | None, decimals: int) -> str:
    """A figure beside the one it is compared with (`told_apart`'s `decimals`): a whole count as it is (12, said
    against a limit of 11.96), any other figure with `decimals` places when one place would not do."""
    if value is None or value != value or decimals <= 1:
        return format_number(value, measure)
    if (measure is None or measure.kind != "percentage") and float(value).is_integer():
        return format_number(value, measure)
    return format_number(value, measure, decimals=decimals)


def format_change(value: float | None, pct: float | None, measure: Measure) -> str:
    """``+12 (+8.5%)``; a percentage measure changes in points, not per cent."""
    if value is None:
        return "n/a"
    if measure.kind == "percentage":
        return f"{value:+,.1f} pts"
    sign = "+" if value >= 0 else "-"
    text = f"{sign}{format_number(abs(value))}"
    if pct is not None:
        text += f" ({pct:+.1f}%)"
    return text


def subject(measure: Measure, *, start_of_sentence: bool = True) -> str:
    """What the sentence is about: the short name, or "The percentage of ..." for a percentage."""
    if measure.kind == "percentage":
        base = measure.short_name.replace("(%)", "").replace("%", "").strip()
        text = f"the percentage of {in_sentence(base)}"
        return text[0].upper() + text[1:] if start_of_sentence else text
    return measure.short_name if start_of_sentence else in_sentence(measure.short_name)


def verb(measure: Measure) -> str:
    """Short names are plural counts ("CSE charges are"); a percentage is singular."""
    return "is" if measure.kind == "percentage" else "are"


def area_phrase(area: str, is_force: bool) -> str:
    """``across South Yorkshire`` for the force, ``in Rotherham`` for a district."""
    return f"across {area}" if is_force else f"in {area}"


def time_phrase(measure: Measure, when: str) -> str:
    """A flow happens *in* a month; a stock is a level *at the end of* it; a percentage is as its numerator (suspects
    arrested within 12 weeks of those identified *in* a month, officers trained of the headcount *at the end of*
    it)."""
    kind = measure.kind
    if kind == "percentage" and measure.numerator:
        from ..catalogue import catalogue

        numerator = catalogue().by_id.get(measure.numerator)
        kind = numerator.kind if numerator else kind
    return f"in {when}" if kind == "flow" else f"at the end of {when}"


def extreme_phrase(values: np.ndarray, months: np.ndarray, side: int, min_months: int = 12) -> str:
    """``the highest in 24 months`` when the latest value tops at least ``min_months`` months; ``the highest on
    record (the figures begin in April 2013)`` when it tops every month before it.

    ``values``/``months`` (month numbers) are the series up to and including the latest point. Said
    only when it adds something: the highest of the last few months is not news.
    """
    values, months = np.asarray(values), np.asarray(months)
    if side == 0 or values.shape[0] < 2:
        return ""
    word = "highest" if side > 0 else "lowest"
    prior = values[:-1]
    hits = np.flatnonzero(prior >= values[-1] if side > 0 else prior <= values[-1])
    if hits.shape[0]:
        span = int(months[-1] - months[hits[-1]])
        return f"the {word} in {span} months" if span >= min_months else ""
    span = int(months[-1] - months[0]) + 1
    # the first month is lower (or higher): "the highest since April 2013" would say it was as high
    return f"the {word} on record (the figures begin in {month_label(int(months[0]))})" if span >= min_months else ""


def signal_sentence(measure: Measure, area: str, is_force: bool, when: str, value: float | None, *,
                    icon: str | None, rule: str | None = None, run: int = 0, mean: float | None = None,
                    extreme: str = "", provisional: bool = False, judged: bool = True,
                    missing: Iterable[int] = (), unreported: Sequence[str] = ()) -> str:
    """One sentence for one point of a chart: what it shows and whether that is significant.

    ``judged`` False: the chart has no process limits yet (one month, or one since a rebase).

    ``when`` is the period as a person says it ("July 2015", "Q2 2015/16").
    ``icon`` is the variation icon key; ``rule`` the special-cause rule, ``run`` the number of points
    the rule counted (months in the run, or points near the limit) and ``mean`` the centre line;
    ``missing`` the months (month numbers) with no figure among the points the rule counted; ``unreported`` the
    districts with no figure for the month, when the force's figure is missing for want of them.
    """
    head = f"{subject(measure)} {area_phrase(area, is_force)} {time_phrase(measure, when)}"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        why = f": {listed(list(unreported))} {'has' if len(unreported) == 1 else 'have'} not reported it" \
            if unreported else ""
        return f"There is no figure for {subject(measure, start_of_sentence=False)} " \
               f"{area_phrase(area, is_force)} for {when}{why}."
    if not judged:
        return (f"{head} ({format_number(value, measure)}): too few months so far to tell a significant change "
                "from ordinary variation.")
    # a figure said above or below the average it is judged against reads as a different number from it
    d = told_apart(value, mean) if rule == "shift" else 1
    head += f" ({format_compared(value, measure, d)}) {verb(measure)}"
    if not icon or icon == "common_cause" or not rule:
        text = f"{head} within the expected range: no significant change."
    else:
        high = icon.endswith("_high")
        if rule == "trend":
            run = max(run - 1, 1)  # seven points make six rises
        clause = rule_clause(rule, high, run, format_number(mean, measure, decimals=d), missing)
        if extreme:
            clause = f"{extreme} and {clause}"
        if icon.startswith("improvement"):
            verdict = "a significant improvement"
        elif icon.startswith("concern"):
            verdict = "a significant concern"
        else:
            verdict = f"a significant {'rise' if high else 'fall'}, neither good nor bad in itself"
        text = f"{head} {clause}: {verdict}."
    if provisional:
        text += " The limits are provisional: they rest on fewer than 12 months."
    return text


def aspiration_text(measure: Measure, target: float, increase_is: str, period: str = "month") -> str:
    """``at least 95.0%`` / ``at most 40 a month`` / ``at least 61 people in any 12 months``: the target as
    the plan means it, over the period it is set on."""
    bound = "at least" if increase_is == "good" else "at most"
    if measure.kind == "percentage":
        over = {"month": "", "rolling_12": " over any 12 months", "financial_year": " over the financial year"}
        return f"{bound} {format_number(target, measure)}{over[period]}"
    if period == "month":
        return f"{bound} {format_number(target, measure)} a month"
    span = "in any 12 months" if period == "rolling_12" else "in the financial year"
    return f"{bound} {format_number(whole_target(target, increase_is), measure)} {measure.unit} {span}"


def whole_target(target: float, increase_is: str) -> int:
    """A count's target in whole people or offences: "at least 4.4" is met by 5, "at most 4.4" by 4."""
    return math.ceil(target - 1e-9) if increase_is == "good" else math.floor(target + 1e-9)


def aspiration_progress(measure: Measure, period: str, label: str, value: float | None, target: float,
                        increase_is: str, complete: bool, whole_year: bool = False, share: bool = False) -> str:
    """Where the period's figure stands against an aspiration set on a period: ``12 months to July 2015: 54,
    7 short`` or ``...: 66, met``; on each month (`period` "month"), the month's: ``September 2026: 30.6%, 4.4 points
    short``; a financial year to date is judged pro rata, and once its twelve months are
    in (`whole_year`) as a whole year: met or not, against the target as said. `share`: the year is over, but
    the plan began part way through it, so its target is the plan's share of the year's, said with it."""
    if value is None or value != value:
        return f"{label}: no figure"
    shown = format_number(value, measure)
    if not complete:
        return f"{label}: {shown} (months missing: not judged)"
    good = increase_is == "good"
    whole = period == "rolling_12" or (period == "financial_year" and whole_year)
    if measure.kind != "percentage":  # against the target as said, a year's pro rata share too: whole people
        target = whole_target(target, increase_is)
    met = value >= target if good else value <= target
    # a figure short of the target, or over it, never reads as the target itself ("95.0%, 0.0 points short")
    d = told_apart(value, target)
    shown = format_compared(value, measure, d)
    if measure.kind == "percentage":
        gap = f"{abs(value - target):.{d}f} points {'short' if good else 'over'}"
    else:
        gap = f"{format_compared(abs(round(value - target, d)), measure, d)} {'short' if good else 'over'}"
    if period == "financial_year" and (not whole or share):
        said = (format_number(target, measure) if measure.kind != "percentage" else
                format_number(round(target, d), decimals=d) if d > 1 else format_number(round(target, 1)))
        if whole:  # the plan's months of the year are all in: met or not, against the plan's share of the year's
            return f"{label}: {shown} against {said}, the plan's share of the year, " + ("met" if met else gap)
        return f"{label}: {shown} against {said} pro rata, " + ("on track" if met else gap)
    return f"{label}: {shown}, " + ("met" if met else gap)


def assurance_sentence(measure: Measure, area: str, is_force: bool, icon: str | None,
                       target_text: str) -> str:
    """What the process limits say about reaching the aspiration."""
    who = f"{subject(measure)} {area_phrase(area, is_force)}"
    if icon == "pass":
        return f"{who} will consistently meet the aspiration if nothing changes: {target_text}."
    if icon == "fail":
        return f"{who} will consistently miss the aspiration unless the process changes: {target_text}."
    if icon == "hit_and_miss":
        return f"{who} will sometimes meet and sometimes miss the aspiration: {target_text}."
    return ""


def assurance_pending(measure: Measure, area: str, is_force: bool, target_text: str) -> str:
    """What is said of the aspiration while the process limits are provisional: too few months to judge it."""
    return (f"Whether {subject(measure, start_of_sentence=False)} {area_phrase(area, is_force)} will consistently "
            f"meet the aspiration ({target_text}) is judged once the process limits rest on 12 months.")


def concern_question(measure: Measure, area: str, is_force: bool, side: int, since: int, latest: int) -> str:
    """The question a concerning signal puts to the Chief Constable."""
    change_word = "rise" if side > 0 else "fall"
    when = f"in {month_label(latest)}" if since == latest else f"since {month_label(since)}"
    return (f"What explains the {change_word} in {subject(measure, start_of_sentence=False)} "
            f"{area_phrase(area, is_force)} {when}, and what is being done to reverse it?")


def aspiration_question(measure: Measure, area: str, is_force: bool, target_text: str) -> str:
    """The question a consistently failed aspiration puts to the Chief Constable."""
    meet = "meets" if measure.kind == "percentage" else "meet"
    return (f"What is being done so that {subject(measure, start_of_sentence=False)} "
            f"{area_phrase(area, is_force)} {meet} the aspiration ({target_text}), which the current "
            "process limits show will consistently be missed?")
