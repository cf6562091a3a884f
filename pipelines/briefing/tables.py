"""The pack's two kinds of table, decided once for every format (HTML, PDF, Word): what the columns are
called and what each cell says. Renderers only lay them out.

The summary table opens the pack, as a Making Data Count board report does: one row per measure for the
force, its headline figures, its variation and assurance in words, and its aspiration. Each measure's own
table then gives the same figures for the force and every district.
"""

from __future__ import annotations

from ..catalogue import counted, listed
from .model import HeadlinePeriods, Pack, PackMeasure, PackRow

CHANGE_HEADING = "Change on the 12 months before"
# Before any measure: a whole file's or a district's month's caveats, on the reporting month or an earlier one
# that a quarter, the year to date or the 12 months include
GENERAL_CAVEATS_HEADING = "Caveats on this briefing's figures"
NO_ASPIRATION = "None set"
NO_PLAN = "No plan in force"
NOT_JUDGED = "No aspiration to judge"


def _figure_headings(h: HeadlinePeriods) -> list[str]:
    return [h.month, *([h.quarter] if h.quarter else []), h.fytd, h.rolling12, CHANGE_HEADING]


def _figure_cells(h: HeadlinePeriods, r: PackRow) -> list[str]:
    return [r.month, *([r.quarter] if h.quarter else []), r.fytd, r.rolling12, r.rolling12_change or "n/a"]


def with_caveats(name: str, row: PackRow) -> str:
    """A measure's name as the summary gives it: saying when its figures there carry caveats (an open flag, a
    data-check warning), and where they are said in full: with the measure, or once for the whole briefing (a whole
    file's or a district's month's); a figure in doubt is never read as settled."""
    if not row.caveats:
        return name
    general = min(row.caveats_in_general, row.caveats)
    under = f'under "{GENERAL_CAVEATS_HEADING}"'
    if not general:
        where = "with the measure"
    elif general == row.caveats:
        where = under
    else:
        where = f"{general:,} {under} and {row.caveats - general:,} with the measure"
    return f"{name}: {counted(row.caveats, 'caveat')} on these figures, said {where}"


def summary_table(pack: Pack, area: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Headings and one row per measure, in the pack's order: the force's figures, or one district's; a measure
    whose figures carry caveats says so by its name."""
    h = pack.headings
    headings = ["Measure", *_figure_headings(h), "Variation", "Assurance", "Aspiration"]
    rows = []
    for m in pack.measures:
        r = m.force_row if area is None else next((r for r in m.rows if r.area == area), m.force_row)
        rows.append([with_caveats(m.name, r), *_figure_cells(h, r), r.variation, r.assurance or NOT_JUDGED,
                     m.aspiration or (NO_ASPIRATION if m.plan_in_force else NO_PLAN)])
    return headings, rows


def area_table(pack: Pack, m: PackMeasure) -> tuple[list[str], list[list[str]]]:
    """Headings and one row per area (force first) for one measure."""
    h = pack.headings
    headings = ["Area", *_figure_headings(h), "Variation", "Assurance"]
    rows = [[r.area, *_figure_cells(h, r), r.variation, r.assurance or NOT_JUDGED] for r in m.rows]
    return headings, rows


def table_caption(m: PackMeasure) -> str:
    """"CSE arrests (people): force and districts"; a unit the name already ends with is not said twice."""
    unit = "" if m.name.endswith(f"({m.unit})") else f" ({m.unit})"
    return f"{m.name}{unit}: force and districts"


def incomplete_notes(m: PackMeasure) -> list[str]:
    """What is missing from the measure's figures, said under its table: one entry for the areas that miss the same
    months, naming them, then what they miss (a police.uk month not loaded: seven districts and the force, four
    periods each, made a paragraph of 32 notes saying one thing); "<force> and every district alike" when all do."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for r in m.rows:
        if r.incomplete:
            groups.setdefault(tuple(r.incomplete), []).append(r.area)
    if len(groups) == 1 and len(m.rows) > 1 and len(next(iter(groups.values()))) == len(m.rows):
        return [f"{m.rows[0].area} and every district alike: " + "; ".join(next(iter(groups)))]
    return [f"{listed(areas)}: " + "; ".join(notes) for notes, areas in groups.items()]


EVENTS_SECTION = "Events drawn on the charts"


def short_event(event) -> str:
    """An event as a chart of the pack lists it: when and what (said in full once, in the events section)."""
    return f"{event.when}: {event.title}"


def pack_events(pack: Pack) -> list[str]:
    """Every event drawn on any chart of the pack, in full and once, in date order."""
    seen = {}
    for m in pack.measures:
        for e in (m.chart.events if m.chart is not None else []):
            seen.setdefault((e.date, e.title), e)
    return [e.line for _, e in sorted(seen.items(), key=lambda kv: kv[0])]
