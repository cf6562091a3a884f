"""Provenance of a figure: a district's figure to its file, sheet, row and column; a force figure to the districts'
figures it adds up and to the total the force stated in its own return (or to its own row, where the force gave
it); earlier values; caveats; flag it here.

A link from any page opens it on one figure: its measure, area and month in the address (pipelines.lineage); with a
first month too ("from"), on a figure over those months, every month's and district's row it is made of listed."""

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui, workbench
from dashboard.flagging import flag_form
from pipelines.breakdowns import recorded_rows
from pipelines.catalogue import catalogue, dimensions, force, recorded_id
from pipelines.flags import caveats, download_notes, force_caveats, part_caveats
from pipelines.lineage import LineageError, breakdown_of, lineage, link_params, read_link, read_run, run_lineage
from pipelines.office import in_sentence, possessive
from pipelines.plan.narrative import format_number
from pipelines.uk_time import uk_words

KEYS = ("prov_measure", "prov_district", "prov_period")

# A figure's revisions: each column's width in pixels, together within the page's 820 on a 1280-pixel screen.
HISTORY_WIDTHS = {"Revision": 65, "Value": 55, "Replaced value": 105, "File": 150, "Sheet": 105, "Row": 45,
                  "Column": 95, "Loaded": 195}

user = auth.signed_in()
st.title("Provenance")
data.no_warehouse_guard()
figs = data.figures_or_stop()
cat, f = catalogue(), force()
areas = [f.force_short_name, *f.districts]
# a breakdown's count recorded, and its share recorded, are traced to the breakdown's rows too
recorded = data.call(recorded_rows)
if recorded is not None and not recorded.empty:
    shares = {m.numerator: m.id for m in cat.measures if m.derived and m.kind == "percentage"}
    share_rows = recorded[recorded["measure"].isin(shares)].assign(measure=lambda r: r["measure"].map(shares))
    figs = pd.concat([figs[["period", "district", "measure"]], *(x[["period", "district", "measure"]]
                                                                  for x in (recorded, share_rows))], ignore_index=True)
# each figure's district by the name it has now: a renamed district's months held under its former name are its own
named_now = f.district_lookup()
held_as = figs["district"].map(lambda d: named_now.get(str(d).strip().lower(), d))


def months_of(measure_id: str, area: str) -> list[str]:
    """The months with a figure of the measure for the area, latest first (a force's: any district's parts)."""
    m = cat.get(measure_id)
    parts = [m.numerator, m.denominator] if m.kind == "percentage" and m.numerator and m.denominator else [measure_id]
    rows = figs if area == f.force_short_name else figs[held_as == area]
    have = [set(rows.loc[rows["measure"] == p, "period"]) for p in parts]
    return sorted(set.intersection(*have), reverse=True)


def follow_link() -> str | None:
    """Open on the figure the address names, when it names another than the one shown (a link followed); a
    sentence when it names none that is loaded, the page's pickers then open as usual."""
    params = st.query_params.to_dict()
    if not params or (st.session_state.get("prov_link") == params and all(k in st.session_state for k in KEYS)):
        return None
    st.session_state["prov_link"] = params
    try:
        measure_id, area, month = read_link(params)
    except LineageError as exc:
        return f"{exc} Choose a figure below."
    st.session_state["prov_measure"], st.session_state["prov_district"] = measure_id, area
    months = months_of(measure_id, area)
    if month in months:
        st.session_state["prov_period"] = month
        return None
    name = in_sentence(cat.get(measure_id).name)
    if not months:
        return f"No figure for {name} in {area} has been loaded. Choose a figure below."
    return (f"No figure for {name} in {area} in {ui.month_words(month)} has been loaded; the latest month with one, "
            f"{ui.month_words(months[0])}, is shown.")


def show_run(measure_id: str, area: str, first: str, last: str, shown_as: str) -> None:
    """A figure over a run of months (a quarter, a year to date, 12 months, from a link on the overview or the
    Measure page): every month's and district's row it adds up, with the sum checked against the figure the page
    linking here printed (`shown_as`), the open flags and caveats on those rows, and each month's own trace."""
    m = cat.get(measure_id)
    run = data.call(run_lineage, measure_id, area, first, last)
    months_text = (ui.month_words(first) if first == last else
                   f"{ui.month_words(first)} to {ui.month_words(last)}")
    st.metric(f"{m.name}, {area}, {months_text}", format_number(run.value, m))
    rows = run.rows()
    if run.how == "ratio":
        num, den = (cat.get(p) for p in (m.numerator, m.denominator))
        said = (f"{possessive(area)} percentage over these months is rebuilt from its parts' totals, not averaged: "
                f"{format_number(run.parts[0].value, num)} {in_sentence(num.short_name)} of "
                f"{format_number(run.parts[1].value, den)} {in_sentence(den.short_name)} is "
                f"{format_number(run.value, m)}. Each part's total adds up the rows below.")
    elif run.how == "level":
        one = run.months[0]
        said = (f"A level at the month's end is not added up over months: {possessive(area)} figure for these months "
                f"is its level in the last of them with a figure, {ui.month_words(one.month)}: "
                f"{format_number(run.value, m)}.")
    else:
        said = (f"{possessive(area)} figure adds up its {len(run.months)} monthly figures"
                + (", each the sum of its districts' rows below" if area == f.force_short_name else "")
                + ": " + " + ".join(format_number(one.value, m) for one in run.months)
                + f" = {format_number(run.value, m)}.")
    st.markdown(ui.md_escape(said))
    if shown_as:
        figure = shown_as.split(" (")[0].strip()
        if figure == format_number(run.value, m):
            made = "add up to it" if run.how == "sum" else "make it"
            st.success(ui.md_escape(f"The page you came from showed {figure}: the rows below {made}."),
                       icon=":material/check:")
        else:
            st.warning(ui.md_escape(f"The page you came from showed {shown_as}; the rows below, as loaded now, make "
                                    f"{format_number(run.value, m)}. A figure loaded or corrected since that page "
                                    "was drawn, or a month missing from one and not the other, would do that: "
                                    "reload that page, and read the months missing below."),
                       icon=":material/difference:")
    gaps = [ui.month_words(x) for x in run.missing]
    partial = [f"{ui.month_words(one.month)} ({', '.join(one.missing)})" for one in
               (run.parts[0].months + run.parts[1].months if run.parts else run.months) if one.missing]
    if gaps:
        st.warning(f"No figure for {', '.join(gaps)}: the figure here leaves {'it' if len(gaps) == 1 else 'them'} "
                   "out.", icon=":material/calendar_today:")
    if partial:
        st.warning(f"Districts with no figure, left out of their month: {'; '.join(dict.fromkeys(partial))}.",
                   icon=":material/calendar_today:")
    cav = data.call(caveats, measure=measure_id, start=first, end=last, parts=True)
    per_row, said_all = [], []
    for month, s in rows:
        on = cav[(cav["measure"] == s.measure) & (cav["district"] == s.area) & (cav["period"] == month)]
        lead = ("" if s.measure == measure_id else f"{cat.get(s.measure).short_name}, ") + \
            f"{s.area}, {ui.month_words(month)}: "
        texts = [ui.measure_words(lead + t) for t in on["text"]]
        per_row.append((on, texts))
        said_all += texts
    ui.caveat_box(list(dict.fromkeys(said_all)))
    st.header("Every row it adds up")
    # A breakdown sends a row for every category of every month and district, most of them 0 in a small district's
    # month: six months of a force's share listed 480 rows, 387 of them 0. They add nothing to the totals, so they
    # are left out of the list unless asked for, and the page says how many, so that the sum still reads as whole.
    # A row with an open flag or a caveat on it stays, 0 or not.
    zeros = {i for i, (_, s) in enumerate(rows) if s.category is not None and s.value == 0 and not per_row[i][1]}
    every = True
    if zeros:
        every = st.toggle(f"List the {len(zeros)} categories counted 0 too", key="run_zeros", value=False)
        st.caption(f"The totals above add up all {len(rows)} rows. "
                   + (f"All {len(rows)} are listed." if every else
                      f"{len(zeros)} of them are a category counted 0 in its month and district, with no flag or "
                      "caveat on it: they add nothing, and are left out of the list below, which has the other "
                      f"{len(rows) - len(zeros)}."))
        if not every:
            per_row = [one for i, one in enumerate(per_row) if i not in zeros]
            rows = tuple(one for i, one in enumerate(rows) if i not in zeros)
    table = pd.DataFrame([{"month": month, "area": s.area, "measure": cat.get(s.measure).short_name,
                           "category": s.category or "", "value": s.value, "source_file": s.file,
                           "source_sheet": s.sheet, "source_row": s.row, "source_column": s.column,
                           "revision": s.revision, "loaded_at": s.loaded_at} for month, s in rows])
    if run.how != "ratio" and not cat.get(measure_id).derived:
        table = table.drop(columns="measure")
    if not (table["category"] != "").any():
        table = table.drop(columns="category")
    shown = ui.readable(table, {"area": "District", "measure": "Figure", "category": "Category", "value": "Value",
                                "loaded_at": "Loaded"})
    shown["Provenance"] = [ui.provenance_link(s.measure, s.area, month) for month, s in rows]
    ui.table(shown, "run_table", f"provenance-{measure_id}-{area}-{first}-to-{last}"
             f"{'' if every else '-without-zeros'}.csv",
             download_also=download_notes(per_row), column_config={"Provenance": ui.provenance_column("Provenance")})
    st.caption("Each row's Provenance link opens its month alone: its earlier values, and a form to flag it.")
    st.stop()


def run_not_followed(exc: LineageError) -> None:
    """A link to a run of months that cannot be followed: said, and the page goes on to the month it ends with (as a
    link to that month alone opens it), or its pickers."""
    st.info(f"{exc} The page shows one month's figure instead.", icon=":material/link_off:")
    for key in ("from", "shown"):
        st.query_params.pop(key, None)


try:
    asked_run = read_run(st.query_params.to_dict())
except LineageError as exc:
    asked_run = None
    run_not_followed(exc)
if asked_run is not None:
    try:
        show_run(*asked_run)
    except LineageError as exc:
        run_not_followed(exc)

notice = follow_link()
if notice:
    st.info(notice, icon=":material/link_off:")
c1, c2, c3 = st.columns([3, 2, 2])
measure_id = ui.measure_select(c1, figs, "prov_measure")
if st.session_state.get("prov_district") not in areas:
    st.session_state["prov_district"] = f.districts[0]
area = c2.selectbox("Area", areas, key="prov_district",
                    help="A district's figure comes from one row of a return; "
                         f"{possessive(f.force_short_name)} adds up the districts' figures.")
m = cat.get(measure_id)
months = months_of(measure_id, area)
if not months:
    st.info(f"No figure for {in_sentence(m.name)} in {area} has been loaded.")
    st.stop()
if st.session_state.get("prov_period") not in months:
    st.session_state["prov_period"] = months[0]
period = c3.selectbox("Month", months, key="prov_period", format_func=ui.month_words)
shown_link = link_params(measure_id, area, period)  # the address names the figure shown, to share or come back to
if st.query_params.to_dict() != shown_link:
    st.query_params.from_dict(shown_link)
st.session_state["prov_link"] = shown_link

try:
    lin = data.call(lineage, measure_id, area, period)
except LineageError as exc:
    st.info(str(exc))
    st.stop()
month_text = ui.month_words(period)
st.metric(f"{m.name}, {area}, {month_text}", format_number(lin.value, m))


def files_loaded_links(sources) -> None:
    """Each file the figure came from, as a link to Files loaded (which lists it by its number)."""
    for file_id, name in dict.fromkeys((s.file_id, s.file) for s in sources):
        st.page_link("internal_pages/files.py", label=f"File #{file_id}, {ui.name_shown(name)}, in Files loaded",
                     icon=":material/folder_open:", query_params={"file": str(file_id)})


cav = data.call(caveats, measure=measure_id, start=period, end=period)
# A percentage is worked out from its numerator's and denominator's figures: their caveats in the month go with it,
# worded as the pack words them (Panel.sources, as the Measure page and the pack read them).
parts_cav = cav.iloc[:0]
if m.kind == "percentage" and m.numerator and m.denominator:
    both = data.call(caveats, measure=measure_id, start=period, end=period, parts=True)
    parts_cav = part_caveats(both, data.analytics().panel, m, area)
of_parts = list(parts_cav["text"])


def notes_of(sources) -> pd.DataFrame:
    """For the download of a table of figures, one row each (each with its measure and area): the open flags and
    caveats on that figure, as the box above says them (a district named on a force's figure; a part's worded as a
    part's). An earlier value of a figure carries its figure's: a flag follows the figure, whichever of its values
    it was raised on, and a table of earlier values taken away would otherwise say nothing of one."""
    per_figure = []
    for s in sources:
        own = cav[(cav["measure"] == s.measure) & (cav["district"] == s.area)]
        part = parts_cav[(parts_cav["measure"] == s.measure) & (parts_cav["district"] == s.area)]
        texts = [f"{s.area}: {t}" if s.area != area else t for t in own["text"]] + list(part["text"])
        per_figure.append((pd.concat([own, part]), [ui.measure_words(t) for t in texts]))
    return download_notes(per_figure)

if lin.how in ("recorded", "share"):
    # worked out from a breakdown: the rows of its recorded categories and, for the share, the measure's own rows
    base_id, dimension_id = breakdown_of(measure_id)
    base, dim = cat.get(base_id), dimensions().get(dimension_id)
    counted = [s for s in lin.sources if s.category is not None]
    recorded_m = cat.get(recorded_id(base_id, dimension_id))
    recorded_sum = sum(s.value for s in counted)
    not_counted = " or ".join(f'"{v.label}"' for v in dim.values if not v.recorded)
    whose = possessive(area)
    said = (f"{whose} count with the {in_sentence(dim.name)} recorded adds up every category of its breakdown by "
            f"{in_sentence(dim.name)} but {not_counted}"
            + (", in each district that sent one" if lin.is_force else "")
            + f": {format_number(recorded_sum, recorded_m)}")
    if lin.how == "share":
        total = sum(s.value for s in lin.sources if s.category is None)
        said += (f", of {format_number(total, base)} {in_sentence(base.short_name)}, is "
                 f"{format_number(lin.value, m)}.")
    else:
        said += "."
    st.markdown(ui.md_escape(said))
    if lin.missing:
        st.warning(f"No {'breakdown' if lin.how == 'recorded' else 'breakdown, or no figure of the measure,'} from "
                   f"{', '.join(lin.missing)} for {month_text}: the figure here adds up the districts that sent one.",
                   icon=":material/calendar_today:")
    ui.caveat_box([ui.measure_words(t) for t in (force_caveats(cav, period, measure_id) if lin.is_force else
                                                 cav[cav["district"] == area]["text"])] + of_parts)
    st.header("Where it comes from")
    parts = pd.DataFrame([{"area": s.area, "measure": cat.get(s.measure).short_name, "category": s.category or "",
                           "value": s.value, "source_file": s.file, "source_sheet": s.sheet, "source_row": s.row,
                           "source_column": s.column, "revision": s.revision, "loaded_at": s.loaded_at}
                          for s in lin.sources])
    shown = ui.readable(parts, {"area": "District", "measure": "Figure", "category": "Category", "value": "Value",
                                "loaded_at": "Loaded"})
    shown["Provenance"] = [ui.provenance_link(base_id, s.area, period) if s.category is None else
                           (ui.provenance_link(measure_id, s.area, period) if lin.is_force else None)
                           for s in lin.sources]
    ui.table(shown, "parts_table", f"provenance-{measure_id}-{area}-{period}.csv",
             download_also=notes_of(lin.sources), column_config={"Provenance": ui.provenance_column("Provenance")})
    files_loaded_links(lin.sources)
    st.page_link("internal_pages/breakdowns.py", label="See the whole breakdown on the Breakdowns page",
                 icon=":material/stacked_bar_chart:")
    st.header("Earlier values")
    if lin.revisions.empty:
        st.caption(f"None of these figures for {month_text} has been revised.")
    else:
        earlier = lin.revisions.assign(measure=[cat.get(x).short_name for x in lin.revisions["measure"]])
        earlier = earlier[["area", "measure", "category", "revision", "value", "file", "sheet", "row", "loaded_at"]]
        ui.table(ui.readable(earlier.fillna({"category": ""}).rename(
            columns={"file": "source_file", "sheet": "source_sheet", "row": "source_row"}),
            {"area": "District", "measure": "Figure", "category": "Category", "value": "Value",
             "revision": "Revision"}), "earlier_table", f"provenance-{measure_id}-{area}-{period}-earlier.csv",
            download_also=notes_of(lin.revisions.itertuples(index=False)))
    st.caption(f"To flag a figure, open {in_sentence(base.short_name)} from its Provenance link above: a flag on it "
               "goes with this share wherever it is shown.")
    st.stop()
if lin.how in ("district", "given"):
    own = lin.sources[0]
    st.markdown(f"Revision {own.revision}, from {ui.md_escape(own.where)}; loaded {uk_words(own.loaded_at, 'words')}."
                + (f" {ui.md_escape(f.force_short_name)} gave this figure itself, in its own row of the return."
                   if lin.how == "given" else ""))
    files_loaded_links(lin.sources)
    ui.caveat_box([ui.measure_words(t) for t in cav[cav["district"] == area]["text"]] + of_parts)
    st.header("Revision history")
    hist = workbench.history(measure_id, area, period)
    # the figure as it stands (the newest revision) carries its open flags and caveats; an earlier value none
    notes = notes_of(lin.sources).reindex(range(len(hist))).fillna("")
    # the columns that say where each value came from, in view on a laptop's screen (1280 pixels) without scrolling
    # sideways: the sheet and column whole, the file number and note after them (the link above names the file)
    ui.table(ui.readable(hist, {"value": "Value", "note": "Note"}), "history_table",
             f"provenance-{measure_id}-{area}-{period}.csv", download_also=notes,
             column_config=ui.widths(HISTORY_WIDTHS), column_order=list(HISTORY_WIDTHS) + ["File number", "Note"])
    if lin.how == "district":
        flag_form(user, key="provenance", period=period, district=area, measure=measure_id, file_id=own.file_id)
    st.stop()

values = [format_number(s.value, cat.get(s.measure)) for s in lin.sources]
if lin.how == "sum":
    what = "level at the month's end" if m.kind == "stock" else "count for the month"
    st.markdown(f"{ui.md_escape(possessive(area))} figure adds up its districts' figures (each district's {what}): "
                + ui.md_escape(" + ".join(values) + f" = {format_number(lin.value, m)}") + ".")
    stated = lin.stated_sentence()
    if stated:  # the cell the force wrote its own total in, beside the sum it is checked against
        if lin.stated_agrees:
            st.markdown(ui.md_escape(stated))
        else:
            st.warning(ui.md_escape(stated), icon=":material/update:")
        files_loaded_links([lin.stated])
else:
    num, den = (cat.get(p) for p in (m.numerator, m.denominator))
    tops = sum(s.value for s in lin.sources if s.measure == num.id)
    bottoms = sum(s.value for s in lin.sources if s.measure == den.id)
    st.markdown(ui.md_escape(f"{possessive(area)} percentage is rebuilt from its districts' parts, not averaged: "
                             f"{format_number(tops, num)} {in_sentence(num.short_name)} of "
                             f"{format_number(bottoms, den)} {in_sentence(den.short_name)} is "
                             f"{format_number(lin.value, m)}."))
if lin.missing:
    st.warning(f"No figure from {', '.join(lin.missing)} for {month_text}: the figure here adds up the districts "
               "that sent one.", icon=":material/calendar_today:")
ui.caveat_box([ui.measure_words(t) for t in force_caveats(cav, period, measure_id)] + of_parts)
st.header("Where each district's figure comes from")
parts = pd.DataFrame([{"area": s.area, "measure": s.measure, "value": s.value, "source_file": s.file,
                       "source_sheet": s.sheet, "source_row": s.row, "source_column": s.column,
                       "revision": s.revision, "loaded_at": s.loaded_at} for s in lin.sources])
if lin.how == "sum":
    parts = parts.drop(columns="measure")
shown = ui.readable(parts, {"area": "District", "value": "Value", "loaded_at": "Loaded"})
shown["Provenance"] = [ui.provenance_link(s.measure, s.area, period) for s in lin.sources]
ui.table(shown, "parts_table", f"provenance-{measure_id}-{area}-{period}.csv", download_also=notes_of(lin.sources),
         column_config={"Provenance": ui.provenance_column("Provenance")})
files_loaded_links(lin.sources)
st.header("Earlier values")
if lin.revisions.empty:
    st.caption(f"None of these figures for {month_text} has been revised.")
else:
    earlier = lin.revisions[["area", "measure", "revision", "value", "file", "sheet", "row", "loaded_at"]]
    if lin.how == "sum":
        earlier = earlier.drop(columns="measure")
    ui.table(ui.readable(earlier.rename(columns={"file": "source_file", "sheet": "source_sheet", "row": "source_row"}),
                         {"area": "District", "value": "Value", "revision": "Revision"}),
             "earlier_table", f"provenance-{measure_id}-{area}-{period}-earlier.csv",
             download_also=notes_of(lin.revisions.itertuples(index=False)))
st.caption("To flag one district's figure, open it from its Provenance link above.")
