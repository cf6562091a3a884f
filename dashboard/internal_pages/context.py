"""police.uk context: recorded crime and outcomes by district, as public context, with police.uk's caveats."""

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import auth, context_data, data, ui
from pipelines import settings
from pipelines.catalogue import catalogue, counted, listed
from pipelines.chart_text import set_title
from pipelines.errors import PccDashError
from pipelines.flags import CAVEATS, download_notes
from pipelines.office import possessive
from pipelines.plan.funnel import COMPARISONS, FunnelError, force_funnel, funnel_figure
from pipelines.plan.periods import month_label, month_number
from pipelines.policeuk import (
    ALL_RECORDS,
    behind_in_words,
    force_populations,
    force_totals,
    loaded_months,
    missing_in_words,
    missing_months,
    months_span,
    put_back_revisions,
    reference,
    revision_changes,
)
from pipelines.policeuk.measures import KIND_WORDS
from pipelines.policeuk.reference import SOURCE
from pipelines.policeuk.revisions import kind_of, republished_words

RECENT_MONTHS = 36

user = auth.signed_in()
st.title("police.uk context")
st.caption("Crime and outcomes as police.uk publishes them for the force: public context for the force's own "
           "figures, not a measure of the force's own work.")
data.no_warehouse_guard()
# each part of the page asks for what it shows (a month's table, a measure's months), kept apart, so the page
# does not carry every figure of every month loaded on each run
index = data.call(context_data.index, _also=context_data.stamp())
if index is None or not index[0]:
    st.info('No police.uk file is loaded yet. Download a month of street-level crime or outcomes for the force '
            'from data.police.uk and load it like a return, e.g. '
            '"pccdash ingest 2017-11/2017-11-south-yorkshire-street.csv".')
    st.stop()

cat = catalogue()
ui.caveat_box(list(cat.source_caveats.get(SOURCE, ())), label="About police.uk figures")

months, loaded = index
ref = reference()
every_month = data.call(loaded_months)
own_months = every_month[every_month["falls_within"] == ref.force]
if not own_months.empty:  # figures years old read as this year's unless the page says how old they are
    old = behind_in_words(dt.date.fromisoformat(f"{own_months['period'].max()}-01"), settings.today(), ref.force)
    if old:
        st.warning(old)
month = st.selectbox("Month", months, format_func=lambda p: month_label(month_number(p)), key="context_month")
table = data.call(context_data.month_table, month, _also=context_data.stamp())
short = {m.name: m.short_name.removesuffix(" (police.uk)") for m in cat.of_source(SOURCE)}
# a share's row to the one place it is rounded to, a whole one too ("66.0" beside "68.1", not "66"); a count's whole
places = {m.name: 0 if m.is_count else 1 for m in cat.of_source(SOURCE)}
row_places = {at: places[name] for at, name in enumerate(table["Measure"]) if name in places}
table["Measure"] = table["Measure"].map(short)  # short names keep every column in view
st.header(f"By district, {month_label(month_number(month))}")
ui.table(ui.readable(table, row_decimals=row_places), "context_table", f"police-uk-{month}.csv",
         height=35 * (len(table) + 1) + 3,  # every row in view
         column_config=ui.widths({"Measure": 175}))  # each name whole ("Charged or summonsed"), where it was cut
kinds = set(every_month.loc[(every_month["period"] == month) & (every_month["falls_within"] == ref.force), "kind"])
for kind in [k for k in KIND_WORDS if k not in kinds]:
    st.info(f"{possessive(ref.force)} {KIND_WORDS[kind]} file of {month_label(month_number(month))} is not loaded: the "
            "measures counted from it have no figure for the month until it is.")
st.caption(f'A record is placed in a district by its LSOA name; "{ref.outside}" holds records whose LSOA lies in '
           f'no district of the force, "{ref.no_location}" those published without a location. '
           f'"{ALL_RECORDS}" counts every record falling within {ref.force}, as a plan measure\'s force figure does. '
           "A share is empty where there were no crimes to share.")
if ref.unplaced:
    st.caption(f"{listed(ref.unplaced)} {'has' if len(ref.unplaced) == 1 else 'have'} no police.uk figure: no "
               "LSOA-name prefix in police_uk.yaml places records there (its records are counted where their LSOA "
               "name's prefix places them).")
own = [(m, c) for m in cat.of_source(SOURCE) for c in m.caveats[len(cat.source_caveats.get(SOURCE, ())):]]
ui.caveat_box([f"{m.short_name}: {c}" for m, c in own], label="On particular measures")

st.header("Month by month")
names = {m.id: m.name for m in cat.of_source(SOURCE) if m.id in loaded}
measure_id = st.selectbox("Measure", list(names), format_func=names.get, key="context_measure")
m = cat.get(measure_id)
series = data.call(context_data.series, measure_id, _also=context_data.stamp())
present = set(series["district"].unique())
places = [p for p in ref.placements if p in present]
fig = go.Figure()
if len(months) < 2:  # one month: a bar per place; a line needs two months
    one = series.set_index("district").reindex(places)
    fig.add_trace(go.Bar(x=places, y=one["value"], marker_color=ui.DARK_BLUE, text=one["value"].round(1),
                         textposition="outside", name=m.unit))
    title = f"{m.name}, {month_label(month_number(months[0]))}"
else:
    # the last three years by default: fifteen years of months are a blur, and each drawing of the page pays for
    # every point
    spans = {"Last 3 years": RECENT_MONTHS, "Every month loaded": None}
    span = spans[st.radio("Months shown", list(spans), horizontal=True, key="context_span")]
    shown = sorted(series["period"].unique())[-span:] if span else None
    if shown is not None:
        series = series[series["period"].isin(shown)]
    # the months read as dates once, and the rows split by place in one pass, not once for each place
    by_place = dict(tuple(series.assign(period=pd.to_datetime(series["period"])).groupby("district", sort=False)))
    # every month of the span drawn, so that a month with no file loaded is a gap in the line, not bridged over
    every = pd.date_range(pd.to_datetime(series["period"]).min(), pd.to_datetime(series["period"]).max(), freq="MS")
    for i, place in enumerate(places):
        one = by_place.get(place)
        if one is None:  # no record in the months shown
            continue
        one = one.set_index("period")["value"].reindex(every)
        fig.add_trace(go.Scatter(x=one.index, y=one.to_numpy(), name=place, mode="lines+markers",
                                 line={"color": ui.PALETTE[i % len(ui.PALETTE)]}))
    fig.update_xaxes(tickformat="%b %Y", hoverformat="%B %Y")  # a point's hover names its month, not a day
    title = f"{m.name}, by month"
fig.update_layout(height=380, yaxis_title=m.unit.capitalize(), plot_bgcolor="white",
                  margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": -0.2})
drawn = sorted(series["period"].unique())
said = (f"{listed(places)}, {month_label(month_number(drawn[0]))} to {month_label(month_number(drawn[-1]))}"
        if len(drawn) > 1 else listed(places))
ui.chart(set_title(fig, title), "context_chart", f"A line for each of {said}." if len(months) > 1 else
         f"A bar for each of {said}.")
if len(months) < 2:
    st.caption("Only one month is loaded: load more months to see how each place moves.")

# the chart's figures as a table, a month a row and a place a column, each month with what it carries: the grid says
# which months are not loaded or were loaded again, and the download gives each month's caveats in full, the
# measure's own with them, as the pack says them beside its figures
kind = kind_of(measure_id)
periods = [f"{d:%Y-%m}" for d in every] if len(months) > 1 else sorted(series["period"].unique())
wide = series.pivot_table(index="period", columns="district", values="value", aggfunc="sum")
wide = wide.reindex(index=periods, columns=[p for p in places if p in wide.columns])
held = set(own_months.loc[own_months["kind"] == kind, "period"])
current = {p: r for p, r in zip(own_months.loc[own_months["kind"] == kind, "period"],
                                own_months.loc[own_months["kind"] == kind, "revision"], strict=True)}
revised = data.call(revision_changes, kind=kind, every_revision=True)
revised = {f"{p:%Y-%m}" for p, f in zip(revised["period"], revised["falls_within"], strict=True) if f == ref.force}
put_back_now = {f"{p:%Y-%m}" for k, f, p, r in data.call(put_back_revisions)
                if (k, f) == (kind, ref.force) and current.get(f"{p:%Y-%m}") == r}


def month_notes(period: str) -> tuple[str, list[str]]:
    """What the chart's month `period` carries: in short for the grid, and in full for the download."""
    if period not in held:
        return "Not loaded", [f"No {KIND_WORDS[kind]} file of {ui.month_words(period)} is loaded: the month has no "
                              "figure, a gap in the chart's lines."]
    if period not in revised:
        return "", []
    short = "Earlier download put back" if period in put_back_now else "Republished by police.uk"
    return short, [data.call(republished_words, kind, period, period)]


said_of = [month_notes(p) for p in periods]
chart_table = wide.reset_index().assign(caveats=[short for short, _ in said_of])
with st.expander("The chart's figures as a table", expanded=False):
    ui.table(ui.readable(chart_table, {"caveats": "Caveats"},
                         decimals={p: 0 if m.is_count else 1 for p in wide.columns}),
             "context_chart_table", f"{measure_id}-{periods[0]}-to-{periods[-1]}.csv",
             download_also=download_notes([(None, [*full, *m.caveats]) for _, full in said_of])[[CAVEATS]])
    st.caption(f"Each month carries the caveats on police.uk's figures and on {m.short_name} above; the download "
               "gives them in full beside each month, with a month's own.")

st.header("Compared with other forces")
st.caption("A funnel plot of the month: each force's rate against its size, around the forces' rate together, with "
           "the limits chance alone would keep a force of that size within (95% and 99.8%). Rates are per 100,000 "
           "residents of the force area; the charge share is of the force's crimes. It compares without ranking.")
c1, c2 = st.columns(2)
police_measures = {m.id: m.name for m in cat.of_source(SOURCE)}
first = list(police_measures).index("police_uk_total_crime") if "police_uk_total_crime" in police_measures else 0
compare_id = c1.selectbox("Measure to compare", list(police_measures), format_func=police_measures.get, index=first,
                          key="force_compare_measure")
compare_with = c2.selectbox("Compared with", list(COMPARISONS), format_func=COMPARISONS.get, key="force_compare_with")
try:
    fn = force_funnel(data.call(force_totals, month), cat.get(compare_id), month, compare_with)
except FunnelError as exc:  # too few forces loaded: what to load
    st.info(str(exc))
except PccDashError as exc:  # a reference file to correct
    st.error(str(exc))
else:
    ui.chart(funnel_figure(fn), "force_funnel")  # its summary, under it, said once
    st.markdown(ui.md_escape(fn.summary))
    st.markdown("\n".join(f"- {ui.md_escape(p.sentence)}" for p in fn.points))
    if fn.left_out:
        st.caption("Left out: " + ", ".join(fn.left_out) + ".")
    people = force_populations()
    st.caption(f"Residents: {people.source}, {people.year} (force_population.csv). The most similar group is "
               "police_uk.yaml's, after HMICFRS's most similar groups.")

st.header("Republished months")
# every republication of a month, not only its latest: a month republished twice keeps what the first changed
changes = pd.concat([data.call(revision_changes, kind=k, every_revision=True) for k in ("street", "outcomes")],
                    ignore_index=True)
# an earlier download loaded again by itself, to put it back in force, is a revision too: the office's, not police.uk's
put_back = data.call(put_back_revisions)
changes.insert(changes.columns.get_loc("revision") + 1, "how", [
    "earlier download put back" if (r.kind, r.falls_within, r.period, r.revision) in put_back
    else "republished by police.uk" for r in changes.itertuples(index=False)])
ours = changes[changes["how"] != "republished by police.uk"]
theirs = changes[changes["how"] == "republished by police.uk"]
if theirs.empty:
    st.write("No month has been republished since it was first loaded.")
else:
    republished = sorted(theirs["period"].unique())
    times = len(theirs[["kind", "falls_within", "period", "revision"]].drop_duplicates())
    again = f" ({times:,} republications in all)" if times > len(republished) else ""
    st.write(f"{counted(len(theirs), 'count')} changed when police.uk republished "
             f"{counted(len(republished), 'month')}{again}, "
             f"the latest {ui.month_words(pd.Timestamp(republished[-1]))}.")
if not ours.empty:
    months = listed([ui.month_words(pd.Timestamp(p)) for p in sorted(ours["period"].unique())])
    st.write(f"{counted(len(ours), 'count')} changed when an earlier download of {months} was loaded again to put it "
             "back in force: not police.uk's republication.")
if not changes.empty:
    # each changed count only when asked for: every republished month of the years loaded adds its rows
    if st.toggle("Show each changed count, before and after, by district and category", key="republished_counts"):
        changes["period"] = pd.to_datetime(changes["period"]).dt.strftime("%Y-%m")
        ui.table(ui.readable(changes.drop(columns=["falls_within"]),
                             {"before": "Before", "after": "After", "how": "How"}),
                 "republished_table", "police-uk-republished.csv")

st.header("Months loaded")
others = every_month[every_month["falls_within"] != ref.force]
if own_months.empty:
    st.write(f"No month of {possessive(ref.force)} files is loaded.")
else:
    first, last = (month_label(month_number(own_months["period"].agg(f))) for f in ("min", "max"))
    loaded_span = months_span(*(dt.date.fromisoformat(f"{own_months['period'].agg(f)}-01") for f in ("min", "max")),
                              own_months["period"].nunique())
    st.write(f"{loaded_span}: {int(own_months['records'].sum()):,} records in the current version of each month's "
             "files.")
    gaps = missing_in_words(data.call(missing_months))
    if gaps:
        st.warning(f"Not loaded, between {first} and {last}: {gaps}. The charts leave those months as gaps; load "
                   'them from data.police.uk with "pccdash ingest".')
if not others.empty:
    st.write("Other forces' files, loaded to compare with: " + "; ".join(
        f"{force}, {counted(g['period'].nunique(), 'month')}"
        for force, g in others.groupby("falls_within")) + ".")
# the whole list only when asked for: fifteen years of months would otherwise be drawn on every visit
if st.toggle("Show every month loaded, with its file and revisions", key="every_month_loaded"):
    ui.table(ui.readable(every_month, {"kind": "File kind", "records": "Records"}),
             "loaded_months_table", "police-uk-months-loaded.csv")
