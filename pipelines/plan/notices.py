"""What the office is told about the plans' coverage: a month outside every plan, and a plan about to end.

One home for these sentences, so that the overview, the measure page, the pack, ``pccdash plan`` and
``pccdash ingest`` say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..catalogue import counted
from ..errors import ConfigError
from .config import Plan, PlanSet, load_plans
from .periods import month_label, month_number, months_said

ENDING_SOON_MONTHS = 3  # a plan ending this close to the latest month loaded, with no successor, is reported

NOT_JUDGED = "figures and statistical signals are shown, but no aspiration is judged"
SHOWN = "those months are shown with their statistical signals, but no aspiration is judged"


def _span(first: int, last: int) -> str:
    return month_label(first) if first == last else f"{month_label(first)} to {month_label(last)}"


def plan_notice(month: object, plans: PlanSet | None = None) -> str | None:
    """The notice for a month outside every plan; None when a plan is in force in it."""
    plans = plans or load_plans()
    number = month_number(month)
    if plans.plan_for(number) is not None:
        return None
    when = month_label(number)
    before = plans.last_before(number)
    if before is not None:
        where = f"the last one, {before.name}, ended in {month_label(before.end)}"
        measures = f"The measures are those of {before.name}."
    else:
        first = plans.plans[0]
        where = f"the first, {first.name}, starts in {month_label(first.start)}"
        measures = f"The measures are those of {first.name}."
    after = plans.next_after(number)
    if after is None:
        successor = " Add the next plan to plan.yaml when it is adopted; its months are then judged against it."
    elif before is not None:
        successor = f" {after.name} starts in {month_label(after.start)}."
    else:
        successor = ""
    return f"No Police and Crime Plan is in force in {when} ({where}): {NOT_JUDGED}. {measures}{successor}"


def _outside_sentence(before: Plan | None, after: Plan | None, first: int, last: int, loaded: list[int]) -> str:
    span = _span(first, last)
    held = months_said(n for n in loaded if first <= n <= last)  # a month not loaded within the run is named
    if before is not None and after is None:
        return (f"Figures are loaded for {held}, after the last Police and Crime Plan ({before.name}) ended in "
                f"{month_label(before.end)}: {SHOWN}. Add the next plan to plan.yaml when it is adopted; "
                "its months are then judged against it.")
    if before is not None and after is not None:
        during = f"in {span}" if first == last else f"from {span}"
        return (f"No Police and Crime Plan was in force {during}, between {before.name} (to "
                f"{month_label(before.end)}) and {after.name} (from {month_label(after.start)}): {SHOWN}.")
    assert after is not None
    return (f"Figures for {held} come before the first Police and Crime Plan ({after.name}, from "
            f"{month_label(after.start)}): {SHOWN}.")


def plan_notices(months: Iterable[object], plans: PlanSet | None = None, *, besides: object = None,
                 shown: Iterable[object] | None = None, loaded_to: object = None,
                 only_shown: bool = False) -> list[str]:
    """Plain sentences on the plans' coverage of the months loaded (``YYYY-MM`` or dates); [] when all is well.

    Months outside every plan are reported run by run (after the last plan, between two, before the
    first), and the plan in force in the latest month is reported when it ends within
    ``ENDING_SOON_MONTHS`` of it and plan.yaml declares no successor. ``besides``: a month whose own
    ``plan_notice`` is shown already; the run of months outside every plan that holds it is left out.
    ``shown``: the months the page, pack or load is about (the 12 months a briefing reports, the months a
    load brought); a run of months with a plan after it (between two plans, before the first) is said only
    where one of its months is among them: a gap the figures shown have moved past is history, not news, while
    figures past the last plan are said until the next plan is added. ``only_shown``: every notice is said only
    where ``shown`` holds a month of it: the months past the last plan where one of them is shown, and a plan's end
    where the latest month is (a load's notices, of the months it brought).
    ``loaded_to``: the latest month the warehouse holds, when ``months`` stop at an earlier month reported (a
    briefing or `pccdash plan` for an earlier month): the plan's end is then said from that month, not as from the
    latest month loaded.
    """
    numbers = sorted({month_number(m) for m in months})
    if not numbers:
        return []
    plans = plans or load_plans()
    about = None if shown is None else {month_number(m) for m in shown}
    shown = None
    if besides is not None and plans.plan_for(besides) is None:
        shown = (plans.last_before(besides), plans.next_after(besides))
    out: list[str] = []
    gaps: dict[tuple[str | None, str | None], tuple[Plan | None, Plan | None, int, int]] = {}
    for n in numbers:
        if plans.plan_for(n) is not None:
            continue
        before, after = plans.last_before(n), plans.next_after(n)
        if shown == (before, after):
            continue
        key = (before.name if before else None, after.name if after else None)
        _, _, first, _ = gaps.get(key, (before, after, n, n))
        gaps[key] = (before, after, first, n)
    out += [_outside_sentence(*gap, numbers) for gap in gaps.values()
            if about is None or (gap[1] is None and not only_shown) or any(gap[2] <= n <= gap[3] for n in about)]

    latest = numbers[-1]
    current = plans.plan_for(latest)
    if only_shown and latest not in (about or set()):
        current = None  # the plan's end is said from the latest month, which is not among those shown
    if current is not None and current.end - latest <= ENDING_SOON_MONTHS and plans.next_after(current.end) is None:
        ahead = current.end - latest
        if loaded_to is not None and month_number(loaded_to) > latest:  # later months are loaded: not the latest
            when = (f"{month_label(latest)}, the month reported" if ahead == 0 else
                    f"{counted(ahead, 'month')} after {month_label(latest)}, the month reported")
        else:
            when = ("the latest month loaded" if ahead == 0 else
                    f"{counted(ahead, 'month')} after the latest month loaded ({month_label(latest)})")
        out.append(f"{current.name} ends in {month_label(current.end)}, {when}, and plan.yaml holds no plan after "
                   "it. Add the next plan when it is adopted; until then the months after it are shown with no "
                   "aspiration judged.")
    return out


def coverage_notices(months: Iterable[object], brought: Iterable[object]) -> list[str]:
    """``plan_notices`` for a load that has done its work, of the months it ``brought`` figures for: only the notices
    about those months (``only_shown``), so a load of an old month's correction, or of police.uk's context, which
    brings the force's figures for no month, says nothing of a plan's end or of months past it. A broken plan.yaml
    is told as one more sentence rather than as the command's failure, since the figures are loaded."""
    try:
        return plan_notices(months, shown=brought, only_shown=True)
    except ConfigError as exc:
        return [f'The plans\' coverage could not be checked: {exc} Run "pccdash check" to find every problem.']
