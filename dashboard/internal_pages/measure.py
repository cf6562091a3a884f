"""One measure: its XmR chart, a district selector, monthly to rolling-year views, rates, caveats, commentary."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import auth, data, ui
from pipelines.briefing import reporting_period, save_text
from pipelines.briefing.notes import latest_texts
from pipelines.briefing.pack import aspiration_words
from pipelines.catalogue import catalogue, counted, force
from pipelines.chart_text import set_title
from pipelines.errors import shown
from pipelines.flags import caveats, download_notes, part_caveats
from pipelines.office import in_sentence, possessive
from pipelines.plan import load_population
from pipelines.plan.funnel import PERIODS as FUNNEL_PERIODS
from pipelines.plan.funnel import FunnelError, funnel, funnel_figure
from pipelines.plan.history import baseline_text
from pipelines.plan.narrative import format_number, missing_months, whole_target
from pipelines.plan.periods import missing_between, month_label, month_number, month_numbers, month_start
from pipelines.plan.smallcounts import floor_limits, quarterly_frame, view_choice
from pipelines.uk_time import uk_words

VIEWS = {"month": "Monthly (SPC chart)", "quarter_spc": "Quarterly (SPC chart)", "quarter": "Financial quarters",
         "financial_year": "Financial years",
         "rolling_12": "Rolling 12 months"}

user = auth.signed_in()


def charted() -> set[str]:
    """The measures the page has figures for: those with figures of their own (police.uk's the plan lists too) and
    each percentage worked out from two of them, such as a breakdown's share recorded, which has no row of its own."""
    present = set(data.plan_figures()["measure"])
    return present | {m.id for m in catalogue().measures
                      if m.kind == "percentage" and m.numerator in present and m.denominator in present}


def link_notice() -> str | None:
    """What the page's address (a link followed) names that is not here: `ui.apply_link` passes it over, and the
    page opens on its usual measure and area, so the reader is told rather than shown another figure unawares."""
    import datetime as dt

    params = st.query_params.to_dict()
    wrong = []
    if "measure" in params:
        if params["measure"] not in catalogue().ids():
            wrong.append(f'its measure "{ui.md_escape(shown(params["measure"]))}" is not in the measure catalogue')
        elif params["measure"] not in charted():
            wrong.append(f"this page has no figures for its measure, "
                         f"{ui.md_escape(catalogue().get(params['measure']).name)}")
    f = force()
    if "area" in params and params["area"] not in (f.force_short_name, *f.districts):
        wrong.append(f'its area "{ui.md_escape(shown(params["area"]))}" is not {f.force_short_name} nor one of its '
                     "districts")
    if "meeting" in params:
        try:
            dt.date.fromisoformat(params["meeting"])
        except ValueError:
            wrong.append(f'its meeting date "{ui.md_escape(shown(params["meeting"]))}" is not a date (YYYY-MM-DD)')
    if not wrong:
        return None
    return (f"This link could not be followed in full: {'; '.join(wrong)}. The page shows the measure, area and "
            "meeting chosen below instead.")


st.title("Measure")
figs = data.figures_or_stop()
if notice := link_notice():
    st.info(notice, icon=":material/link_off:")
ui.apply_link()  # opened from the overview's summary: its measure, area and meeting

cat, f = catalogue(), force()
c1, c2, c3 = st.columns([3, 2, 2])
measure_id = ui.measure_select(c1, pd.DataFrame({"measure": sorted(charted())}), "measure")
area = c2.selectbox("Area", [f.force_short_name, *f.districts], key="area")
# Small counts: a flow whose months are mostly a handful opens on its quarters, each time the measure or
# area changes; the person's own choice of view then holds until they change either.
report_month = reporting_period(ui.meeting(), data.months()).month
choice = view_choice(data.analytics().panel, cat.get(measure_id), None if area == f.force_short_name else area,
                     month_number(report_month) if report_month is not None else None)
if st.session_state.get("view_for") != (measure_id, area):
    st.session_state["view_for"] = (measure_id, area)
    st.session_state["view"] = "quarter_spc" if choice.view == "quarter" else "month"
views = [v for v in VIEWS if v != "quarter_spc" or cat.get(measure_id).kind == "flow"]
view = c3.selectbox("View", views, format_func=VIEWS.get, key="view")
m = cat.get(measure_id)
per_100k = st.toggle("Rates per 100,000 residents", key="per_100k", disabled=m.kind == "percentage",
                     help="Compares districts of different sizes fairly (ONS mid-year population estimates).")
district = None if area == f.force_short_name else area
population = load_population().of(area)
scale = 100_000 / population if per_100k and m.kind != "percentage" else 1.0
unit = f"{m.unit} per 100,000 residents" if scale != 1.0 else m.unit

period = reporting_period(ui.meeting(), data.months())
# Nothing after the reporting month: a caveat on a later figure is not part of this meeting's view. A percentage's
# figures are worked out from its numerator's and denominator's, so their caveats are read too.
parts = [p for p in (m.numerator, m.denominator) if p] if m.kind == "percentage" else []
cav = data.call(caveats, measure=measure_id, end=period.month_key or None, parts=True)
own_cav = cav[cav["measure"] == measure_id]
area_cav = own_cav if district is None else own_cav[own_cav["district"] == district]

analytics = data.analytics()
# What is said about the figures the area's figures are made of goes with them (Panel.sources): the measure's own
# caveats, and a percentage's parts' in the month, worded as the pack words them.
if not (of_parts := part_caveats(cav, analytics.panel, m, area)).empty:
    area_cav = pd.concat([area_cav, of_parts], ignore_index=True)
touched: dict[tuple[str, str], list[int]] = {}  # (measure, YYYY-MM) -> the positions of its caveats in area_cav
for i, key in enumerate(zip(area_cav["measure"], area_cav["period"], strict=True)):
    touched.setdefault(key, []).append(i)
area_row = analytics.panel.area_index(district)


def caveats_in(first: int, last: int) -> pd.DataFrame:
    """The caveats on the figures the area's figure over months first..last is made of, latest month first."""
    made_of = analytics.panel.sources(m, area_row, analytics.panel.index_of(first), analytics.panel.index_of(last))
    at = sorted({i for x, n in made_of for i in touched.get((x, f"{month_start(n):%Y-%m}"), ())})
    return area_cav.iloc[at].sort_values("period", ascending=False, kind="stable")


def has_caveat(first: int, last: int) -> str:
    """How many caveats are on the figures the area's figure over months first..last is made of, as the tables' Caveats
    column says it ("2"), listed in the Caveats table under the chart; "" for none."""
    n = len(caveats_in(first, last))
    return str(n) if n else ""


def notes(spans: list[tuple[int, int]]) -> pd.DataFrame:
    """For the table's download, each period's open flags and caveats in words (months first..last of each), as the
    Caveats table below says them: the district and month named, a part's as the pack words it."""
    per_period = []
    for first, last in spans:
        rows = caveats_in(first, last)
        per_period.append((rows, [ui.measure_words(t if x != measure_id else
                                                   f"{d}, {ui.month_words(p)}: {t}")
                                   for x, d, p, t in zip(rows["measure"], rows["district"], rows["period"],
                                                         rows["text"], strict=True)]))
    return download_notes(per_period)

# the SPC rule a point breaks, in words for the chart's table (methodology.md names the four rules)
RULE_WORDS = {("beyond_limits", "high"): "Above the upper limit", ("beyond_limits", "low"): "Below the lower limit",
              ("shift", "high"): "Shift above the mean", ("shift", "low"): "Shift below the mean",
              ("trend", "high"): "Trend up", ("trend", "low"): "Trend down",
              ("two_of_three", "high"): "Two of three near the upper limit",
              ("two_of_three", "low"): "Two of three near the lower limit"}


def rule_words(frame: pd.DataFrame) -> list[str]:
    """Each point's special cause as the table says it ("Shift above the mean"); "" for common cause."""
    return [RULE_WORDS.get((r, d), str(r).replace("_", " ").capitalize()) if r else ""
            for r, d in zip(frame["rule"], frame["direction"], strict=True)]


if period.month is not None and (lapse := analytics.notice(period.month)):
    st.info(lapse, icon=":material/info:")
status = (next((s for s in analytics.status(period.month, district) if s.measure_id == measure_id), None)
          if period.month is not None else None)
judged = status is not None and status.plan_in_force and status.target is not None
if status is not None and (words := aspiration_words(status)):
    st.markdown(f"**Aspiration ({status.area}):** {ui.md_escape(words)}")


def target_for(months: int, first: object = None) -> tuple[float | None, str]:
    """The aspiration on a view's scale (a month, a quarter, a year) and its legend; none for rates. `first`: the
    chart's first period; a plan in force from a later month says from when its aspiration applies."""
    if not judged or scale != 1.0:
        return None, ""
    since = ""
    if status.plan_start is not None and first is not None and pd.Timestamp(first) < status.plan_start:
        since = f", from {month_label(month_number(status.plan_start))}"
    if m.kind != "flow":
        return status.target, f"Aspiration ({format_number(status.target, m)}{since})"
    if months == 12 and status.period_target is not None and status.aspiration_period != "month":
        # in whole people or offences, as the aspiration is stated: "at least 21 in any 12 months", not 20.9
        value, decimals = whole_target(status.period_target, status.increase_is), 0
    else:
        value, decimals = status.target * months, 1
    per = {1: "a month", 3: "a quarter", 12: "in 12 months"}[months]
    return value, f"Aspiration ({format_number(value, m, decimals=decimals)} {per}{since})"


def target_start(first: pd.Timestamp) -> pd.Timestamp:
    """Where the aspiration's line starts on a chart by date: the plan's first month, or the chart's first period
    when the plan began before it. An earlier plan set its own aspiration (or none), so the line is not drawn over
    the months it judged."""
    return max(first, status.plan_start) if status is not None and status.plan_start is not None else first

def period_sources(starts, ends, values) -> list[str | None]:
    """Each period's figure linked to the Provenance page on the months it adds up, with the figure as the table
    gives it, which that page checks against the rows; none for a rate (the page traces counts, not rates)."""
    if scale != 1.0:
        return [None] * len(values)
    return [ui.run_link(measure_id, area, start, end, format_number(value, m))
            for start, end, value in zip(starts, ends, values, strict=True)]


if view == "month":
    chart, increase_is = analytics.chart(measure_id, district, period.month)
    frame = chart.frame(increase_is)
    for col in ("value", "mean", "upper", "lower"):
        frame[col] = frame[col] * scale
    spans = [(n, n) for n in month_numbers(frame["period"])]
    frame["caveats"] = [has_caveat(s, e) for s, e in spans]
    frame = floor_limits(frame, m)  # the table as well as the chart: no count has a limit below zero
    events = ui.chart_events(measure_id, frame["period"].min(), frame["period"].max())
    target, target_label = target_for(1, frame["period"].min() if not frame.empty else None)
    fig = ui.xmr_chart(frame, f"{m.name}, {area}, by month", unit, rebases=analytics.history.rebases_of(measure_id),
                       target=target, target_label=target_label,
                       target_from=target_start(frame["period"].min()) if not frame.empty else None)
    special = frame[frame["special_cause"]]
    held = analytics.history.baseline_of(measure_id)
    source = (f"mean and process {baseline_text(held)}" if held.fix_after is not None or held.start is not None
              else "mean and process limits from the data")
    gaps = missing_months(missing_between(frame["period"]))
    count = f"{counted(len(frame), 'month')} to {period.month_text}"
    if frame["upper"].notna().any():
        signals = ("No month shows special-cause variation." if special.empty else
                   f"{counted(len(special), 'month')} {'shows' if len(special) == 1 else 'show'} special-cause "
                   "variation (marked with a triangle, square or diamond).")
        said = (count + (f" ({gaps}: no figure, a break in the line)" if gaps else "") + f"; {source}. "
                + signals + (" Limits are provisional: fewer than 12 months." if frame["provisional"].any() else ""))
    else:
        # one month (or one since a rebase) has no moving range: no limits are drawn, and none is judged
        said = f"{count}: too few months so far for process limits, so no month is judged against them."
    # named by its title, the caption under it saying over which months and what it finds
    ui.chart(ui.add_events(fig, events), "xmr", said)
    # only a rebase within the months charted, as the chart draws them and the pack lists them: one before the first
    # month shown (an office whose figures begin years after it) changes none of the limits here
    first, last = frame["period"].min(), frame["period"].max()
    for rebase in analytics.history.rebases_of(measure_id):
        if not frame.empty and first < pd.Timestamp(month_start(rebase.month)) <= last:
            st.caption(f"Limits recalculated from {rebase.label}: {rebase.reason}")
    ui.event_list(events)
    if choice.view != "month":
        st.caption(f"Most months here have {choice.threshold} or fewer: read a single month with care "
                   "(the quarterly SPC chart adds them up).")
    table = pd.DataFrame({"Month": frame["period"].map(ui.month_words), unit.capitalize(): frame["value"].round(2),
                          "Mean": frame["mean"].round(2), "Lower limit": frame["lower"].round(2),
                          "Upper limit": frame["upper"].round(2), "Special cause": rule_words(frame),
                          "Caveats": frame["caveats"],
                          "Source": [ui.provenance_link(measure_id, area, p) for p in frame["period"]]})
    if table["Source"].isna().all():
        table = table.drop(columns="Source")
elif view == "quarter_spc":
    _, increase_is = analytics.chart(measure_id, district, period.month)
    frame = quarterly_frame(analytics.panel, m, district,
                            month_number(period.month) if period.month is not None else None,
                            increase_is=increase_is, rebase=analytics.history.rebase_months(measure_id),
                            spc=analytics.history.spc, baseline=analytics.history.baseline_of(measure_id))
    for col in ("value", "mean", "upper", "lower", "near_upper", "near_lower"):
        frame[col] = frame[col] * scale
    frame = floor_limits(frame, m)
    spans = list(zip(month_numbers(frame["period"]), month_numbers(frame["end"]), strict=True))
    frame["caveats"] = [has_caveat(s, e) for s, e in spans]
    if choice.reason:
        st.info(choice.reason, icon=":material/functions:")
    if frame.empty:
        st.info("No complete quarter yet: choose the monthly view.")
    else:
        events = ui.chart_events(measure_id, frame["period"].min(), frame["end"].max())
        target, target_label = target_for(3, frame["period"].min())
        fig = ui.xmr_chart(frame, f"{m.name}, {area}, by financial quarter", unit, target=target,
                           target_label=target_label, target_from=target_start(frame["period"].min()), step=3)
        special = frame[frame["special_cause"]]
        count = (f"{counted(len(frame), 'complete financial quarter')} to {period.month_text}; "
                 "a quarter with a month missing is left out.")
        if frame["upper"].notna().any():
            signals = ("No quarter shows special-cause variation." if special.empty else
                       f"{counted(len(special), 'quarter')} {'shows' if len(special) == 1 else 'show'} special-cause "
                       "variation.")
            said = (f"{count} {signals}"
                    + (" Limits are provisional: fewer than 12 quarters." if frame["provisional"].any() else ""))
        else:
            # one quarter (or one since a rebase) has no moving range: no limits are drawn, and none is judged
            said = f"{count} Too few quarters so far for process limits, so no quarter is judged against them."
        ui.chart(ui.add_events(fig, events), "xmr_quarters", said)
        ui.event_list(events)
    table = pd.DataFrame({"Quarter": frame["label"], unit.capitalize(): frame["value"].round(2),
                          "Mean": frame["mean"].round(2), "Lower limit": frame["lower"].round(2),
                          "Upper limit": frame["upper"].round(2), "Special cause": rule_words(frame),
                          "Caveats": frame["caveats"], "Source": period_sources(frame["period"], frame["end"],
                                                                                frame["value"])})
else:
    # Nothing after the reporting month: a view prepared for a meeting ends where its figures do.
    upto = month_number(period.month) if period.month is not None else None
    agg = analytics.panel.aggregate(measure_id, view, areas=[area], upto=upto)  # the cached panel, not a new one
    value_col = "rate_per_100k" if scale != 1.0 and "rate_per_100k" in agg else "value"
    whole = agg["complete"].astype(bool)
    # a quarter or a year carries the caveats on the months it adds up, as the monthly and quarterly SPC views do
    spans = list(zip(month_numbers(agg["start"]), month_numbers(agg["end"]), strict=True))
    agg["caveats"] = [has_caveat(s, e) for s, e in spans]

    def bar_text(row) -> str:
        text = format_number(row[value_col], m, decimals=1 if scale != 1 else None)
        return text if row["complete"] else f"{text} ({row['months_present']} of {row['months_expected']} months)"

    fig = go.Figure()
    for is_whole, name, colour in ((True, unit.capitalize(), ui.DARK_BLUE),
                                   (False, "Incomplete: months missing", "#A7BCD6")):
        part = agg[whole == is_whole]
        if not part.empty:
            fig.add_trace(go.Bar(x=part["period"], y=part[value_col], marker_color=colour, name=name,
                                 text=part.apply(bar_text, axis=1), textposition="outside",
                                 marker_pattern_shape="" if is_whole else "/"))
    flagged = agg[agg["caveats"] != ""]
    if not flagged.empty:
        fig.add_trace(go.Scatter(x=flagged["period"], y=flagged[value_col], name="Has a caveat (listed below)",
                                 mode="markers", marker={"size": 18, "color": "rgba(0,0,0,0)", "symbol": "circle",
                                                         "line": {"color": ui.DARK_PINK, "width": 2}}))
    months = {"quarter": 3, "financial_year": 12, "rolling_12": 12}[view]
    target, target_label = target_for(months, agg["end"].min() if not agg.empty else None)
    if target is not None and not agg.empty:
        # from the first period the plan judges (one ending in its months), not over those an earlier plan judged
        judged_by_it = agg[pd.to_datetime(agg["end"]) >= target_start(pd.Timestamp(agg["end"].min()))]
        ui.add_target(fig, target, target_label, judged_by_it["period"].iloc[0], agg["period"].iloc[-1])
    fig.update_layout(height=380, yaxis_title=unit.capitalize(),
                      plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      xaxis={"categoryorder": "array", "categoryarray": list(agg["period"])},
                      legend={"orientation": "h", "y": -0.15, "yanchor": "top"})
    set_title(fig, f"{m.name}, {area}, {VIEWS[view].lower()}")
    events = ui.chart_events(measure_id, agg["start"].min(), agg["end"].max()) if not agg.empty else []
    ui.add_events(fig, events, periods=agg)
    said = (f"Periods to {period.month_text}. A period with months missing is drawn pale and hatched, with the "
            "months it has; its change on last year is not given.")
    if not agg.empty:  # which periods, and the latest one's figure, for a reader who cannot see the bars
        last = agg["period"].iloc[-1]
        said = (f"{counted(len(agg), 'period')}, from {agg['period'].iloc[0]} to {last}; {last}: "
                f"{bar_text(agg.iloc[-1])}. " + said)
    ui.chart(fig, "bars", said)
    ui.event_list(events)
    agg["source"] = period_sources(agg["start"], agg["end"], agg[value_col])
    table = agg.assign(complete=agg.apply(
        lambda r: "Yes" if r["complete"] else f"No: {r['months_present']} of {r['months_expected']} months", axis=1))
    value_heading = unit.capitalize() if value_col == "value" else m.unit
    table = table.rename(columns={"period": "Period", "value": value_heading,
                                  "rate_per_100k": "Per 100,000", "months_present": "Months", "complete": "Complete",
                                  "last_year": "Last year", "change": "Change", "change_pct": "Change %",
                                  "caveats": "Caveats", "source": "Source"})
    table = table.drop(columns=[c for c in ("area", "start", "end", "months_expected") if c in table]).round(1)
    # the first year has no year before it, and a period with months missing is given no change: those cells are
    # left empty, where the grid wrote "None"; the download keeps the figures as numbers
    links = table.pop("Source")
    # every figure rounded to one place written to it, a whole one too ("66.0" beside "68.1", not "66"): a rate and a
    # change in per cent always, a percentage's own figures too; a count's stay whole
    one_place = ["Per 100,000", "Change %"] + ([] if m.is_count else [value_heading, "Last year", "Change"])
    table = ui.readable(table, decimals={c: 1 for c in one_place if c in table})
    table["Source"] = links.to_numpy()
    table.attrs["download"] = table.attrs["download"].assign(Source=links.to_numpy())
if "Source" in table and table["Source"].isna().all():  # police.uk's figures have no file and row to trace
    table = table.drop(columns="Source")
with st.expander("The chart's figures as a table", expanded=False):
    # its download says each period's open flags and caveats in words where the grid says how many caveats it has
    ui.table(table, "chart_table", f"{measure_id}-{area}-{view}-to-{period.month_key or 'latest'}.csv",
             download_also=notes(spans), column_config={"Source": ui.provenance_column()})

st.header("Compare districts")
st.caption("A funnel plot: each district's rate against its size, around all the districts' rate together, with "
           "the limits chance alone would keep a district of that size within (95% and 99.8%). It compares without "
           "ranking.")
funnel_period = st.selectbox("Period", list(FUNNEL_PERIODS), format_func=FUNNEL_PERIODS.get, key="funnel_period")
if period.month is None:
    st.info("Choose a meeting date on the overview page to compare the districts.")
else:
    try:
        fn = funnel(analytics.panel, m, funnel_period, month_number(period.month), load_population())
    except FunnelError as exc:
        st.info(str(exc))
    else:
        ui.chart(funnel_figure(fn), "funnel")  # its summary, under it, said once
        st.markdown(ui.md_escape(fn.summary))
        st.markdown("\n".join(f"- {ui.md_escape(p.sentence)}" for p in fn.points))
        if fn.left_out:
            st.caption(f"Left out, with a month missing in the period: {', '.join(fn.left_out)}.")

st.header("Caveats")
if m.caveats:
    ui.caveat_box(list(m.caveats), label=f"On every figure of {m.short_name}")
if area_cav.empty:
    st.write(f"No open flag or data-check warning on {in_sentence(m.name)} in {area}"
             + (", nor on the figures it is worked out from." if parts else "."))
else:
    # the month's own first, then its parts'
    shown = area_cav[["period", "district", "kind", "text"]].sort_values("period", ascending=False, kind="stable")
    shown = shown.assign(kind=shown["kind"].map({"flag": "Flag", "check": "Data check"}).fillna(shown["kind"]))
    ui.sentence_table(ui.readable(shown, {"district": "District", "kind": "Kind", "text": "Caveat"}))
if m.from_police_uk:
    if st.button("See it on the police.uk context page", icon=":material/map:", key="to_context"):
        st.session_state["context_measure"] = measure_id
        st.switch_page("internal_pages/context.py")
elif m.derived:
    st.page_link("internal_pages/breakdowns.py", label="See the breakdown it is worked out from",
                 icon=":material/stacked_bar_chart:")
elif period.month is not None:
    st.page_link("internal_pages/provenance.py",
                 label=f"Trace {possessive(area)} figure for {period.month_text} to its source",
                 icon=":material/account_tree:", query_params=ui.provenance_params(measure_id, area, period.month))

st.header(f"Commentary for the briefing on {period.month_text}")
if period.month is None:
    st.info("Choose a meeting date on the overview page to write a commentary.")
    st.stop()
texts = data.call(latest_texts, period.month)
body, by, at = texts.get(("commentary", measure_id), ("", "", None))
if by:
    st.caption(f"Last saved by {by} on {uk_words(at, 'words')}.")
draft = st.text_area("Commentary (goes into the briefing pack)", value=body,
                     key=f"commentary_{measure_id}_{period.month}", height=140, disabled=not user.may("comment"))
if st.button("Save commentary", key="save_commentary", type="primary", disabled=not user.may("comment")):
    ui.act(save_text, user.claims, period=period.month, kind="commentary", measure=measure_id, body=draft,
           done=f"Commentary saved by {ui.md_escape(user.email)}.")
