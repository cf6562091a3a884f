"""Breakdowns: a measure's figures by a category (the victim's ethnicity, sex or age), over time for the force and
by district, each with the share recorded beside it and every percentage said as a share of all or of recorded
values; under each table, the open flags and data-check warnings on the measure's figures it adds up."""

from itertools import cycle

import plotly.graph_objects as go
import streamlit as st

from dashboard import auth, data, ui
from pipelines import breakdowns
from pipelines.catalogue import catalogue, dimensions, force, listed, reference_file, reference_stamp
from pipelines.chart_text import set_title
from pipelines.flags import caveats, download_notes, force_caveats
from pipelines.office import in_sentence, possessive

user = auth.signed_in()
st.title("Breakdowns")
st.caption("A measure's figures broken down by a category the force records, such as the victim's ethnicity, with "
           "the share of the figure whose category was recorded beside each breakdown.")
data.no_warehouse_guard()
cat, f = catalogue(), force()
stamp = reference_stamp("measures.yaml", "dimensions.yaml")  # which breakdowns are declared, and their categories
loaded = data.call(breakdowns.loaded, _also=stamp)
dims = dimensions()


def lower_first(text: str) -> str:
    """A name as it reads inside a sentence: "ethnicity of the suspect", but "CSE suspects identified", never "cSE"."""
    return in_sentence(text)


if loaded is None or loaded.empty:
    declared = [m for m in cat.measures if m.breakdowns]
    may = "; ".join(f"{m.short_name} by {listed([lower_first(dims.get(b.dimension).name) for b in m.breakdowns])}"
                    for m in declared)
    st.info("No breakdown has been loaded yet. "
            + (f"The force's return may break these measures down: {may}. " if declared else
               "No measure may be broken down yet: a measure's breakdowns are listed under \"breakdowns\" in "
               f'"{ui.md_escape(str(reference_file("measures.yaml")))}". ')
            + 'Load a return that holds a breakdown with "pccdash ingest PATH" (docs/return-format.md says how to '
              "write one), then reload this page.")
    st.stop()

c1, c2 = st.columns(2)
measure_id = ui.measure_select(c1, loaded, "bd_measure")
m = cat.get(measure_id)
sent = set(loaded.loc[loaded["measure"] == measure_id, "dimension"])
options = [b.dimension for b in m.breakdowns if b.dimension in sent]
if st.session_state.get("bd_dimension") not in options:  # another measure's, chosen before
    st.session_state["bd_dimension"] = options[0]
dimension_id = c2.selectbox("Broken down by", options, format_func=lambda d: dims.get(d).name, key="bd_dimension")
d = dims.get(dimension_id)
what, subject = lower_first(d.name), lower_first(m.short_name)
not_recorded = listed([f'"{v.label}"' for v in d.values if not v.recorded])
st.caption(" ".join(x for x in (d.definition, f"Categories: {d.source}, {d.version}.") if x))

shown = st.radio("Show each category as", list(breakdowns.SHOWN), format_func=breakdowns.SHOWN.get,
                 horizontal=True, key="bd_shown")
st.markdown(f"**{breakdowns.OF_ALL}**: the share of all {subject}, those whose {what} was not recorded included. "
            f"**{breakdowns.OF_RECORDED}**: the share of those whose {what} was recorded only; {not_recorded} "
            "have none. "
            f"**{breakdowns.SHARE_RECORDED}**: how complete the breakdown is, the {subject} with the {what} recorded "
            f"({not_recorded} {'count' if len(d.unrecorded()) > 1 else 'counts'} as not recorded).")


def completeness_sentence(row, where: str) -> str:
    if row["sent"] == 0:
        return f"**{breakdowns.SHARE_RECORDED}, {where}:** not known: no district sent the breakdown."
    if row["all"] != row["all"] or row["recorded"] != row["recorded"]:
        return f"**{breakdowns.SHARE_RECORDED}, {where}:** not known (no figure of the measure to set it against)."
    share = "" if row["share"] != row["share"] else f" ({row['share']:.1f}{breakdowns.OF_ALL})"
    return (f"**{breakdowns.SHARE_RECORDED}, {where}:** the {what} was recorded for {row['recorded']:,.0f} of "
            f"{row['all']:,.0f} {subject}{share}.")


# The open flags and data-check warnings on the measure's figures in the months the breakdown covers: a period's
# figure adds up its districts' months, so it carries each of their caveats, the district and month named. Only a
# count that adds up over months is broken down (catalogue._check_breakdowns), so a period's figure is made of every
# month of it in every district (Panel.sources of a flow), and no percentage's parts are missed here.
first, last = loaded.loc[(loaded["measure"] == measure_id) & (loaded["dimension"] == dimension_id),
                         ["first", "last"]].iloc[0]
cav = data.call(caveats, measure=measure_id, start=first, end=last)


def show_caveats(start: str, end: str, label: str) -> None:
    ui.caveat_box([ui.measure_words(t) for t in force_caveats(cav, start, measure_id, end=end)], label=label)


def show_table(b: breakdowns.Breakdown, key: str, download: str) -> None:
    """The breakdown's table; its download gives each row's open flags and caveats in words, those of the months and
    districts its figures add up (a district's row its own, the force's every district's), as the box under it
    says them."""
    frame = breakdowns.table(b, shown)
    per_row = []
    for row_key in b.completeness[b.key]:
        start, end = b.months.get(row_key, (first, last))
        rows = cav[(cav["measure"] == measure_id) & (cav["period"] >= start) & (cav["period"] <= end)]
        if b.key == "area" and row_key != f.force_short_name:
            rows = rows[rows["district"] == row_key]
        per_row.append((rows, [ui.measure_words(t) for t in force_caveats(rows, start, measure_id, end=end)]))
    ui.table(ui.readable(frame, {c: c for c in frame.columns}, decimals=breakdowns.share_columns(frame)), key, download,
             download_also=download_notes(per_row))


# (a) The force over time
st.header(f"{f.force_short_name}, over time")
by = st.radio("Periods", ["financial_year", "month"], horizontal=True, key="bd_by",
              format_func={"financial_year": "Financial years", "month": "Months"}.get)
over = data.call(breakdowns.force_over_time, measure_id, dimension_id, by, _also=stamp)
latest = over.completeness.iloc[-1]
st.markdown(completeness_sentence(latest, f"{f.force_short_name}, {breakdowns.key_label(latest['period'])}"))

# The chart adds the categories up to their groups where there are more than the palette can tell apart.
values = over.cells.copy()
groups = {v.id: v.group for v in d.values}
if sum(v.recorded for v in d.values) > len(ui.PALETTE) and all(groups[v.id] for v in d.values if v.recorded):
    values["label"] = [groups.get(c) or label for c, label in zip(values["category"], values["label"], strict=True)]
    st.caption(f"The chart adds the categories up to the {len({g for g in groups.values() if g})} groups they belong "
               "to; the table gives each category.")
series = values.groupby(["label", "period"], sort=False, as_index=False).agg(
    value=("value", "sum"), recorded=("recorded", "first"))
x = [breakdowns.key_label(p) for p in over.completeness["period"]]
fig = go.Figure()
colours, greys = cycle(ui.PALETTE), cycle(["#9E9E9E", "#D0D0D0"])
for label, part in series.groupby("label", sort=False):
    part = part.set_index("period").reindex(over.completeness["period"])
    recorded = bool(part["recorded"].dropna().iloc[0]) if part["recorded"].notna().any() else True
    fig.add_trace(go.Bar(x=x, y=part["value"], name=label,
                         marker_color=next(colours) if recorded else next(greys),
                         marker_pattern_shape="" if recorded else "/"))
fig.add_trace(go.Scatter(x=x, y=over.completeness["share"], name=breakdowns.SHARE_RECORDED, yaxis="y2",
                         mode="lines+markers", line={"color": ui.DARK_GREY, "width": 2, "dash": "dot"}))
fig.update_layout(barmode="stack", height=420,
                  plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 50, "b": 10},
                  yaxis={"title": m.unit.capitalize(), "rangemode": "tozero", "gridcolor": "#E5E5E5"},
                  yaxis2={"title": breakdowns.SHARE_RECORDED, "overlaying": "y", "side": "right", "range": [0, 100],
                          # its own round ticks: left to plotly, they took the counts' gridlines (0, 17.6 ... 88)
                          "tickmode": "linear", "tick0": 0, "dtick": 20, "showgrid": False},
                  xaxis={"categoryorder": "array", "categoryarray": x},
                  legend={"orientation": "h", "y": -0.15, "yanchor": "top"}, font={"color": ui.DARK_GREY})
ui.chart(set_title(fig, f"{m.name} by {what}, {f.force_short_name}"), "bd_chart",
         f"{f.force_short_name}'s figures by {what}, {x[0]} to {x[-1]}, stacked, with the share recorded as a line. "
         "The table under it gives each figure." if x else "")
show_table(over, "bd_over_time", f"{measure_id}-by-{dimension_id}-{by}.csv")
show_caveats(first, last, f"Caveats on {possessive(f.force_short_name)} figures over time")
st.caption(f"{f.force_short_name} adds up its districts. Breakdowns sent: the districts and months that sent the "
           f"breakdown, of those with a figure of {subject}; a period where some did not adds up those that did, "
           "and All is their figure of the measure. A period with no breakdown sent is left blank.")

# (b) By district for one period
st.header("By district")
choices = {s.label: s for s in breakdowns.spans(first, last)}
if st.session_state.get("bd_span") not in choices:  # the first time, or a period another breakdown had
    st.session_state["bd_span"] = next(iter(choices))
span = choices[st.selectbox("Period", list(choices), key="bd_span")]
district = data.call(breakdowns.by_district, measure_id, dimension_id, span.start, span.end, _also=stamp)
st.markdown(completeness_sentence(district.completeness.iloc[-1], f"{f.force_short_name}, {span.label}"))
show_table(district, "bd_by_district", f"{measure_id}-by-{dimension_id}-{span.start}-to-{span.end}.csv")
show_caveats(span.start, span.end, f"Caveats on the figures for {span.label}")
