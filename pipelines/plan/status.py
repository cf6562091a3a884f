"""The Police and Crime Plan status: every plan measure, for the force and each district, in one month.

``plan_status(figures, month)`` is what the dashboard and ``pccdash plan`` show: for each measure of
the plan in force that month (or, in a month outside every plan, of the last plan, judged against no
aspiration), the latest figure and its changes on last year, the SPC variation and
assurance with their Making Data Count icon keys, a sentence and, where something is wrong, a
question for the Chief Constable. ``PlanAnalytics`` does the same for many months over one figures
frame without rebuilding the monthly arrays each time (the benchmark and any report over a run of
months use it).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from ..catalogue import catalogue
from .config import PlanMeasure, PlanSet, Population, load_plans, load_population
from .history import SpcHistory, load_spc_history
from .narrative import (
    aspiration_progress,
    aspiration_question,
    aspiration_text,
    assurance_pending,
    assurance_sentence,
    concern_question,
    extreme_phrase,
    format_change,
    format_number,
    signal_sentence,
)
from .periods import PeriodSpan, change, financial_year_start, month_label, month_number, month_start
from .series import Panel, rate_per_100k
from .spc import (
    TOO_FEW_TO_JUDGE,
    SeriesSpc,
    SpcResult,
    assurance,
    assurance_text,
    assurance_words,
    point_type,
    variation_text,
    variation_words,
)


def _opt(value: float | None) -> float | None:
    """NaN -> None, so a status prints and serialises without "nan"."""
    return None if value is None or value != value else float(value)


@dataclass
class MeasureStatus:
    """Everything the plan report says about one measure in one area in one month.

    Missing figures are None. ``plan`` is the name of the plan in force, or "" in a month outside every
    plan: then ``plan_in_force`` is False, the measures and priorities are the last plan's, the direction
    is the catalogue's, and there is no baseline, aspiration or assurance. ``spc`` is the chart (arrays)
    and ``spc_frame`` the DataFrame a chart is drawn from; both are built on first use, because most
    statuses are only printed and a run of months would otherwise build thousands of charts nobody
    looks at.
    """

    plan: str
    priority: str
    measure_id: str
    measure_name: str
    short_name: str
    unit: str
    kind: str
    increase_is: str
    area: str
    is_force: bool
    month: pd.Timestamp
    value: float | None
    last_year_value: float | None
    change: float | None
    change_pct: float | None
    rolling12: float | None
    rolling12_complete: bool
    rolling12_last_year: float | None
    rolling12_change: float | None
    rolling12_change_pct: float | None
    rolling12_rate_per_100k: float | None
    fytd: float | None
    fytd_months: int
    fytd_complete: bool
    fytd_last_year: float | None
    fytd_change: float | None
    fytd_change_pct: float | None
    baseline: str
    baseline_value: float | None
    variation: str
    variation_icon: str | None
    signal_rule: str | None
    signal_since: pd.Timestamp | None
    mean: float | None
    upper: float | None
    lower: float | None
    provisional: bool
    aspiration: str | None
    target: float | None
    assurance: str | None
    assurance_icon: str | None
    sentence: str
    assurance_sentence: str | None
    questions: list[str]
    chart_source: Callable[[], SpcResult] = field(repr=False, compare=False)
    plan_in_force: bool = True
    aspiration_period: str = "month"        # what the plan's aspiration is set on (config.ASPIRATION_PERIODS)
    period_target: float | None = None      # the aspiration on that period's scale (``target`` is it a month)
    aspiration_progress: str | None = None  # the period's figure against it: "12 months to July 2015: 54, 7 short",
    # "September 2026: 30.6%, 4.4 points short" for an aspiration on each month
    plan_start: pd.Timestamp | None = None  # the first month of the plan in force: its aspiration is drawn from there,
                                            # not over the months an earlier plan (or none) judged

    @functools.cached_property
    def spc(self) -> SpcResult:
        """The XmR chart of this series up to the reporting month."""
        return self.chart_source()

    @functools.cached_property
    def spc_frame(self) -> pd.DataFrame:
        """The chart: period, value, mean, limits, near-limit bands, and each point's special cause."""
        return self.spc.frame(self.increase_is)

    def as_dict(self) -> dict:
        """The status without its chart, for JSON or a table."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "chart_source"}


class PlanAnalytics:
    """Plan status over one figures frame, for as many months as asked, building the arrays once.

    Without ``plans`` or ``history`` it reads plan.yaml and spc_history.yaml as they are at each call
    (a stat of each file; they are parsed again only when edited), so that a plan adopted while the
    dashboard runs judges its months at once, with no restart.
    """

    def __init__(self, figures: pd.DataFrame, *, plans: PlanSet | None = None,
                 population: Population | None = None, history: SpcHistory | None = None):
        self.panel = Panel(figures)
        self._plans = plans
        self._history = history
        self.population = population or load_population()
        self._series: dict[tuple, SeriesSpc] = {}
        # month and district -> (the plans, history and catalogue judged by, the statuses): the overview, the
        # measure page and the pack ask for the same month on every run
        self._statuses: dict[tuple, tuple] = {}

    @property
    def plans(self) -> PlanSet:
        return self._plans if self._plans is not None else load_plans()

    @property
    def history(self) -> SpcHistory:
        return self._history if self._history is not None else load_spc_history()

    # ---------------------------------------------------------------------------------------------

    def _areas(self, district: str | None) -> list[int]:
        """Force first, then the districts in force.yaml order; or the one area asked for."""
        if district is None:
            return [self.panel.force_index, *range(len(self.panel.districts))]
        return [self.panel.area_index(district)]

    def series(self, measure_id: str, area: int, history: SpcHistory | None = None) -> SeriesSpc:
        """The chartable series of a measure in an area, segmented at the measure's rebases in its SPC
        history, each segment's limits from the measure's baseline (cached: every month of a run reuses it;
        an edited history builds it again)."""
        history = history or self.history
        rebase = history.rebase_months(measure_id)
        baseline = history.baseline_of(measure_id)
        key = (measure_id, area, rebase, history.spc, baseline)
        out = self._series.get(key)
        if out is None:
            arr = self.panel.monthly(measure_id)[area]
            present = ~np.isnan(arr)
            months = np.flatnonzero(present).astype(np.int64) + self.panel.first
            out = SeriesSpc(arr[present], months, np.array(rebase, dtype=np.int64), history.spc, baseline)
            self._series[key] = out
        return out

    def chart(self, measure_id: str, district: str | None = None,
              month: object = None) -> tuple[SpcResult, str]:
        """The SPC chart of one series up to ``month`` (default: the last month in the figures).

        Its limits come from the measure's SPC history alone, so a plan's end never moves them. The
        direction is the plan's when the measure is in the plan in force that month, otherwise the
        catalogue's. Returns the chart and the direction.
        """
        number = self.panel.last if month is None else month_number(month)
        measure = catalogue().get(measure_id)
        plan = self.plans.plan_for(number)
        pm = plan.get(measure_id) if plan is not None else None
        increase_is = pm.increase_is if pm else measure.increase_is
        series = self.series(measure_id, self.panel.area_index(district))
        return series.chart(series.position(number)), increase_is

    def status(self, month: object, district: str | None = None) -> list[MeasureStatus]:
        """Every measure of the plan in force in ``month``, for the force and each district.

        In a month outside every plan: the measures of the last plan (see ``PlanSet.shown_plan``),
        with their figures, changes and SPC signals, and no aspiration judged.
        """
        number = month_number(month)
        plans = self.plans
        history = self.history  # once per month, not once per series: a run of months stats the file less
        cat = catalogue()
        kept = self._statuses.get((number, district))
        if kept is not None and kept[0] is plans and kept[1] is history and kept[2] is cat:
            return [copy.copy(s) for s in kept[3]]  # no reference file it reads edited since
        plan = plans.plan_for(number)
        shown = plan if plan is not None else plans.shown_plan(number)
        areas = self._areas(district)
        out = [self._status(plan is not None, shown.name, pm, area, number, history, shown.start)
               for pm in shown.measures() for area in areas]
        self._statuses[(number, district)] = (plans, history, cat, out)
        return [copy.copy(s) for s in out]

    def force_status(self, month: object, measure_id: str) -> MeasureStatus:
        """The force's status of any measure of the catalogue in ``month``: as the plan in force (or the last
        plan, in a month outside every plan) judges it when it is one of its measures; otherwise its figure and
        SPC signal as the catalogue defines it, with no aspiration. For what follows a measure whatever the plan
        of the day holds (the recommendations register)."""
        return self.measure_status(month, measure_id, self.panel.areas[self.panel.force_index])

    def measure_status(self, month: object, measure_id: str, area: str) -> MeasureStatus | None:
        """``force_status`` for any area (the force or a district): a measure the plan of the month leaves out still
        has its figure and SPC signal, with no aspiration, as a question put on it under an earlier plan follows it.
        None for an area the figures do not hold."""
        number = month_number(month)
        found = next((s for s in self.status(number) if s.area == area and s.measure_id == measure_id), None)
        if found is not None:
            return found
        if area not in self.panel.areas:
            return None
        measure = catalogue().get(measure_id)
        pm = PlanMeasure(measure, "", measure.increase_is, PeriodSpan(number, number, ""), None)
        return self._status(False, "", pm, self.panel.areas.index(area), number, self.history)

    def notice(self, month: object) -> str | None:
        """The plain notice for a month outside every plan (None when a plan is in force)."""
        from .notices import plan_notice

        return plan_notice(month, self.plans)

    # ---------------------------------------------------------------------------------------------

    def _status(self, in_force: bool, plan_name: str, pm: PlanMeasure, area: int, number: int,
                history: SpcHistory, plan_start: int | None = None) -> MeasureStatus:
        if not in_force:
            # No plan judges the month: its measures as the catalogue defines them, against no baseline
            # or aspiration. The chart, and so every signal, is the same as it would be under a plan.
            pm = PlanMeasure(pm.measure, pm.priority, pm.measure.increase_is, pm.baseline, None)
        panel, measure = self.panel, pm.measure
        area_name = panel.areas[area]
        is_force = area == panel.force_index
        i = panel.index_of(number)
        arr = panel.monthly(measure.id)[area]
        value = float(arr[i]) if 0 <= i < arr.shape[0] else float("nan")
        last_year = float(arr[i - 12]) if 0 <= i - 12 < arr.shape[0] else float("nan")
        ch, ch_pct = change(value, last_year)

        r12 = panel.window(measure, area, i - 11, i)
        r12_prev = panel.window(measure, area, i - 23, i - 12)
        r12_ch, r12_pct = (change(r12.value, r12_prev.value) if r12.complete and r12_prev.complete
                           else (None, None))
        a = panel.index_of(financial_year_start(number))
        ytd = panel.window(measure, area, a, i)
        ytd_prev = panel.window(measure, area, a - 12, i - 12)
        ytd_ch, ytd_pct = (change(ytd.value, ytd_prev.value) if ytd.complete and ytd_prev.complete
                           else (None, None))
        rate = None
        if measure.kind != "percentage" and r12.complete:
            rate = rate_per_100k(r12.value, self.population.of(area_name))

        # The baseline as it stood in the reporting month: not complete until its last month is past.
        base = panel.monthly_average(measure, area, panel.index_of(pm.baseline.start),
                                     panel.index_of(pm.baseline.end))
        baseline_value = base.value if in_force and base.complete and pm.baseline.end <= number else None

        series = self.series(measure.id, area, history)
        k = series.position(number)
        has_value = value == value  # not NaN: then point k is this month
        icon = rule = since = None
        mean = upper = lower = None
        provisional = False
        latest = series.latest(k) if k >= 0 else None
        if latest is not None:
            mean, upper, lower = _opt(latest.mean), _opt(latest.upper), _opt(latest.lower)
            provisional = latest.provisional
        when = month_label(number)
        questions: list[str] = []
        judged = latest is not None and mean is not None and upper is not None  # limits need two months
        if has_value and not judged:
            sentence = signal_sentence(measure, area_name, is_force, when, value, icon=None, judged=False)
        elif has_value:
            icon = point_type(latest.rule, latest.side, pm.increase_is)
            rule = latest.rule_name
            extreme, run, missing = "", 0, []
            if rule:
                chart = series.chart(k)  # the run's start and length need the whole chart
                start = int(chart.months[chart.signal_start(k)])
                since = month_start(start)
                run = chart.run_length(k)
                missing = chart.run_gaps(k)
                extreme = extreme_phrase(chart.values, chart.months, latest.side)
                if icon.startswith("concern"):
                    questions.append(concern_question(measure, area_name, is_force, latest.side, start,
                                                      number))
            sentence = signal_sentence(measure, area_name, is_force, when, value, icon=icon, rule=rule,
                                       run=run, mean=mean, extreme=extreme, provisional=provisional,
                                       missing=missing)
        else:  # the force's figure is missing when some district's is: say whose
            unreported = []
            if is_force:
                monthly = panel.monthly(measure.id)
                districts = [d for d in range(len(panel.areas)) if d != panel.force_index]
                unreported = [panel.areas[d] for d in districts
                              if not 0 <= i < monthly[d].shape[0] or monthly[d][i] != monthly[d][i]]  # NaN: none
                if len(unreported) == len(districts):
                    unreported = []  # no district has it: the month is not in, which the notices say
            sentence = signal_sentence(measure, area_name, is_force, when, None, icon=None, unreported=unreported)

        target = aspiration = assurance_icon = assurance_words = None
        asp_sentence = progress = period_target = None
        asp = pm.aspiration
        if asp is not None and asp.applies_to(measure, is_force):
            # A flow's aspiration on twelve months is twelve months' worth of its baseline month.
            per = asp.months() if measure.kind == "flow" else 1
            if asp.level is not None:
                period_target = asp.level
            elif baseline_value is not None:
                period_target = baseline_value * per * (1 + asp.change)
            if period_target is not None:
                target = period_target / per
                target_words = aspiration_text(measure, period_target, pm.increase_is, asp.period)
                base_words = pm.baseline.label
                if asp.period != "month" and measure.kind == "flow":
                    # a baseline of other than twelve months is said with its own total, then scaled to the 12
                    # months the aspiration is on: "the 35 in Q1 2025/26, 140 over 12 months at that rate"
                    base_words = f"the {format_number(baseline_value * pm.baseline.months, measure)} in {base_words}"
                    if pm.baseline.months != per:
                        base_words += f", {format_number(baseline_value * per, measure)} over {per} months at that rate"
                aspiration = (target_words if asp.level is not None
                              else f"{target_words} ({asp.text} {base_words})")
                if asp.period == "month":  # the month's own figure against it, as a period's is said
                    progress = aspiration_progress(measure, "month", when, _opt(value), period_target,
                                                   pm.increase_is, True)
                elif asp.period == "rolling_12":
                    progress = aspiration_progress(measure, "rolling_12", f"12 months to {when}", _opt(r12.value),
                                                   period_target, pm.increase_is, r12.complete)
                elif asp.period == "financial_year":
                    # judged over the months of the financial year the plan covers: a plan adopted in June
                    # is not judged on April and May, when no plan was in force
                    label, judged_ytd = f"Financial year to {when}", ytd
                    if plan_start is not None and financial_year_start(number) < plan_start <= number:
                        judged_ytd = panel.window(measure, area, panel.index_of(plan_start), i)
                        label += f", from {month_label(plan_start)} when the plan began"
                    share = judged_ytd.months_expected / 12 if measure.kind == "flow" else 1
                    # in March the year is over: a plan begun part way through it is judged on its months, whole
                    year_over = number == financial_year_start(number) + 11
                    progress = aspiration_progress(measure, "financial_year", label, _opt(judged_ytd.value),
                                                   period_target * share, pm.increase_is, judged_ytd.complete,
                                                   whole_year=year_over, share=year_over and share < 1)
                if latest is not None and provisional:
                    # limits from a few months (two equal months give limits of one value) say nothing yet of
                    # whether the process will meet the aspiration: not judged, and no question put on it
                    asp_sentence = assurance_pending(measure, area_name, is_force, aspiration)
                elif latest is not None:
                    assurance_icon = assurance(latest.lower, latest.upper, target, pm.increase_is)
                    assurance_words = assurance_text(assurance_icon)
                    asp_sentence = assurance_sentence(measure, area_name, is_force, assurance_icon,
                                                      aspiration) or None
                    if assurance_icon == "fail":
                        questions.append(aspiration_question(measure, area_name, is_force, aspiration))
            else:
                aspiration = f"{asp.text} {pm.baseline.label} (baseline not yet complete)"

        return MeasureStatus(
            plan=plan_name if in_force else "", priority=pm.priority, measure_id=measure.id, measure_name=measure.name,
            short_name=measure.short_name, unit=measure.unit, kind=measure.kind, increase_is=pm.increase_is,
            area=area_name, is_force=is_force, month=month_start(number),
            value=_opt(value), last_year_value=_opt(last_year), change=ch, change_pct=ch_pct,
            rolling12=_opt(r12.value), rolling12_complete=r12.complete,
            rolling12_last_year=_opt(r12_prev.value) if r12_prev.complete else None,
            rolling12_change=r12_ch, rolling12_change_pct=r12_pct, rolling12_rate_per_100k=rate,
            fytd=_opt(ytd.value), fytd_months=ytd.months_expected, fytd_complete=ytd.complete,
            fytd_last_year=_opt(ytd_prev.value) if ytd_prev.complete else None,
            fytd_change=ytd_ch, fytd_change_pct=ytd_pct,
            baseline=pm.baseline.label if in_force else "", baseline_value=baseline_value,
            variation=(variation_text(icon) if judged else "too few months") if has_value else "no data",
            variation_icon=icon,
            signal_rule=rule, signal_since=since, mean=mean, upper=upper, lower=lower,
            provisional=provisional, aspiration=aspiration, target=target,
            assurance=assurance_words, assurance_icon=assurance_icon,
            sentence=sentence, assurance_sentence=asp_sentence, questions=questions,
            chart_source=functools.partial(series.chart, k), plan_in_force=in_force,
            aspiration_period=asp.period if asp is not None else "month", period_target=period_target,
            aspiration_progress=progress,
            plan_start=month_start(plan_start) if in_force and plan_start is not None else None,
        )


def plan_status(figures: pd.DataFrame, month: pd.Timestamp | str, district: str | None = None, *,
                plans: PlanSet | None = None, population: Population | None = None,
                history: SpcHistory | None = None) -> list[MeasureStatus]:
    """Status of every measure of the plan in force in ``month``: force first, then each district.

    ``district`` limits it to one district (or the force, by its name). ``figures`` is the frame of
    current accepted figures (period, district, measure, value). In a month outside every plan, the
    last plan's measures with nothing judged against an aspiration (``MeasureStatus.plan_in_force``).
    """
    return PlanAnalytics(figures, plans=plans, population=population, history=history).status(month, district)


def spc_frame(figures: pd.DataFrame, measure_id: str, district: str | None = None,
              month: pd.Timestamp | str | None = None, *, plans: PlanSet | None = None,
              history: SpcHistory | None = None) -> pd.DataFrame:
    """The SPC chart of one measure for the force (``district=None``) or a district, up to ``month``.

    One row per month present: period, value, segment, mean, upper, lower, near_upper, near_lower,
    moving_range, mr_excluded, mean_moving_range, provisional, special_cause, rule, direction
    (high/low), point_type (the variation icon key) and one flag per rule.
    """
    analytics = PlanAnalytics(figures, plans=plans, history=history)
    chart, increase_is = analytics.chart(measure_id, district, month)
    return chart.frame(increase_is)


NOT_JUDGED = "No plan in force: not judged"


def variation_said(s: MeasureStatus) -> str:
    """The status's variation in the pages' words ("Too few months to judge" before a chart has limits)."""
    if s.variation == "no data":
        return "No figure"
    return variation_words(s.variation_icon, judged=s.variation != "too few months")


def assurance_said(s: MeasureStatus) -> str:
    """The status's assurance in the pages' words ("" when no aspiration is judged)."""
    if not s.plan_in_force:
        return NOT_JUDGED
    if s.provisional and s.target is not None and not s.assurance_icon:
        return TOO_FEW_TO_JUDGE  # judged once the limits rest on enough months
    return assurance_words(s.assurance_icon)


def figures_shown(s: MeasureStatus) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """The figures a status's row says (``status_rows``), as (label, first month, last month): the month, the 12
    months to it, the financial year to date when the aspiration is judged on it; and the same month last year,
    which the change is measured against. What is said about the figures they are made of goes with them
    (pipelines.flags.included_figures)."""
    number = month_number(s.month)
    when = month_label(number)
    shown = [(when, number, number), (f"the 12 months to {when}", number - 11, number)]
    if s.aspiration_progress and s.aspiration_period == "financial_year":
        shown.append((f"the financial year to {when}", financial_year_start(number), number))
    return shown, [("the month the change on last year is measured against", number - 12, number - 12)]


def status_rows(statuses: list[MeasureStatus]) -> list[dict]:
    """One printable row per status: what a table or the CLI needs, values already formatted (the variation and
    the assurance in words, their codes kept beside them)."""
    cat = catalogue()
    rows = []
    for s in statuses:
        m = cat.get(s.measure_id)
        rows.append({
            "priority": s.priority,
            "measure": s.short_name,
            "area": s.area,
            "month": month_label(month_number(s.month)),
            "value": format_number(s.value, m),
            "vs_last_year": format_change(s.change, s.change_pct, m),
            "rolling_12": format_number(s.rolling12, m) if s.rolling12_complete else "n/a",
            "variation": s.variation,
            "variation_words": variation_said(s),
            "variation_icon": s.variation_icon or "",
            "assurance": s.assurance or "",
            "assurance_words": assurance_said(s),
            "assurance_icon": s.assurance_icon or "",
            "provisional": s.provisional,
            "sentence": s.sentence,
            "assurance_sentence": s.assurance_sentence or "",
            "aspiration_progress": (s.aspiration_progress or "") if s.plan_in_force else "",
            "questions": list(s.questions),
        })
    return rows


def format_status_table(statuses: list[MeasureStatus], *, sentences: bool = True,
                        said: dict[str, list[str]] | None = None) -> str:
    """A plain-text table, one line per plan measure and area, with its status and sentence. `said`: by measure id,
    what its figures of these months carry besides the catalogue's caveats (`briefing.pack.republished_said`, and how
    old police.uk's latest month loaded is, `pipelines.policeuk.latest_behind`), each a line."""
    rows = status_rows(statuses)
    if not rows:
        return "No plan measures."
    head = ("Measure", "Area", "Value", "vs last year", "Variation", "Assurance")
    keys = ("measure", "area", "value", "vs_last_year", "variation_words", "assurance_words")
    widths = [max(len(h), *(len(str(r[k])) for r in rows)) for h, k in zip(head, keys, strict=True)]

    def line(cells: tuple) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [f"{statuses[0].plan or 'No Police and Crime Plan in force'}: {rows[0]['month']}"]
    priority = None
    for r, s in zip(rows, statuses, strict=True):
        if r["priority"] != priority:
            priority = r["priority"]
            out += ["", priority, line(head)]
        text = line(tuple(r[k] or "-" for k in keys))
        if sentences:
            text += "  " + r["sentence"]
            if r["assurance_sentence"]:
                text += " " + r["assurance_sentence"]
            if r["aspiration_progress"]:  # where the period's figure stands, as the page and the pack say it
                text += f" {r['aspiration_progress']}."
            if s.plan_in_force and "(baseline not yet complete)" in (s.aspiration or ""):
                # an aspiration no assurance can judge yet (its Assurance is "-"): said, not left out
                text += f" Aspiration: {s.aspiration}: not judged until the baseline is."
        out.append(text)
    cat = catalogue()
    said = said or {}
    noted = [m for m in dict.fromkeys(s.measure_id for s in statuses) if cat.get(m).caveats or said.get(m)]
    for measure_id in noted:  # what every figure of the measure carries, such as police.uk's caveats
        m = cat.get(measure_id)
        out += ["", f"Caveats on {m.name}:", *(f"- {c}" for c in [*m.caveats, *said.get(measure_id, [])])]
    return "\n".join(out)
