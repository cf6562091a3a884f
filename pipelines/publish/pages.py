"""The public data pages' content: the summary, a page per measure, the tables and the accountability record.

Each function reads one published snapshot (`SnapshotView`) and returns a `Page` of plain blocks
(`pipelines.publish.content`); the static site and the Streamlit public app draw the same blocks, so every
word and figure is decided here. A suppressed figure is always shown as the snapshot's marker, never as a
number; a sentence never names a lowest or highest month chosen among partly hidden months.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import weakref
from dataclasses import replace

import pandas as pd

from .. import office as office_words
from ..catalogue import counted, dimensions, listed
from ..errors import ConfigError
from ..office import Office, cap, in_sentence
from ..public import (
    ABBREVIATED,
    ABBREVIATIONS,
    BOARD_COLUMNS,
    MANAGEMENT_INFORMATION,
    MANAGEMENT_INFORMATION_MEANING,
    MANAGEMENT_INFORMATION_SECTION,
    REVISIONS_SECTION,
    hidden_key,
    hidden_why,
    latest_first,
    month_runs,
    month_text,
    months_phrase,
    number,
    period_text,
    publication_when,
    spelled_out,
    trend_sentence,
    withdrawal_notice,
    zeros_change_lines,
    zeros_hidden,
)
from ..uk_time import uk_day, uk_day_words, uk_time
from .content import (
    PERIOD_TYPE_WORDS,
    PERIOD_TYPES,
    Bullets,
    Cell,
    Chart,
    ChartEvent,
    ChartPoint,
    Details,
    Heading,
    Link,
    Notice,
    Page,
    Paragraph,
    SnapshotView,
    Table,
    quoting,
)

# The order the headlines and tables take: the periods people quote first.
HEADLINE_ORDER = ("rolling_12_months", "month", "quarter", "financial_year")
PERIOD_HEADINGS = {"rolling_12_months": "The latest 12 months", "month": "The latest month",
                   "quarter": "The latest financial quarter", "financial_year": "The latest financial year"}
TABLE_HEADINGS = {"rolling_12_months": "12 months at a time", "month": "Months", "quarter": "Financial quarters",
                  "financial_year": "Financial years"}
# "Earlier: 1 more financial year", "Earlier: 2 more 12-month periods": each kind's name, one and more than one
EARLIER_NAMES = {"rolling_12_months": ("12-month period", "12-month periods"), "month": ("month", "months"),
                 "quarter": ("financial quarter", "financial quarters"),
                 "financial_year": ("financial year", "financial years")}
DOWNLOADS = (("published-figures.csv", "Published figures (CSV)"),
             ("published-figures.json", "Published figures (JSON)"),
             ("published-figures.xlsx", "Published figures (spreadsheet, .xlsx)"))
BREAKDOWNS_FILE = ("published-breakdowns.csv", "Published breakdowns (CSV)")
# the published accountability record as CSV: the Questions and decisions page offers it, on the site and in the app
BOARD_FILE = ("questions-and-decisions.csv", "Questions and decisions (CSV)")
SHARE_RECORDED = "share_recorded"  # the category of a breakdown's row giving its share recorded
SHARE_LABEL = "Share recorded (% of all)"
BREAKDOWN_FIELDS = ["measure", "dimension", "category", "label", "area", "period", "period_type", "value", "display",
                    "suppressed"]
SITE_TITLE = "child sexual exploitation figures"


# --------------------------------------------------------------------------------------------------
# Reading the snapshot
# --------------------------------------------------------------------------------------------------

def period_order(period: str) -> tuple:
    """A sort key putting periods of one kind in time order ("Q4 2014/15" before "Q1 2015/16")."""
    p = str(period)
    if p.startswith("12 months to "):
        return (p[len("12 months to "):], 0)
    if p.startswith("Q"):
        q, fy = p.split(" ", 1)
        return (fy, int(q[1:]))
    return (p, 0)


def months_in(period_type: str, period: str) -> list[str]:
    """The months (YYYY-MM) a published period covers."""
    if period_type == "month":
        return [period]
    if period_type == "rolling_12_months":
        end = pd.Period(period[len("12 months to "):], freq="M")
        return [str(end - i) for i in range(11, -1, -1)]
    if period_type == "quarter":
        q, fy = period.split(" ", 1)
        start = pd.Period(f"{fy[:4]}-04", freq="M") + 3 * (int(q[1:]) - 1)
        return [str(start + i) for i in range(3)]
    if period_type == "financial_year":
        start = pd.Period(f"{period[:4]}-04", freq="M")
        return [str(start + i) for i in range(12)]
    return []


class _Data:
    """The snapshot's tables as plain Python, read once per view: the pages ask many small questions of them."""

    def __init__(self, view: SnapshotView):
        self.meta = view.meta
        try:
            self.districts = [str(d) for d in json.loads(self.meta.get("districts", "[]"))]
        except json.JSONDecodeError:
            self.districts = []
        fig = view.table("figure")
        self.cells: dict = {}
        self.monthly: dict = {}
        found: dict = {}
        area_order: list = []
        if not fig.empty:
            for m, a, p, t, v, s in zip(fig["measure"], fig["area"], fig["period"], fig["period_type"], fig["value"],
                                        fig["suppressed"], strict=True):
                value = None if v is None or pd.isna(v) else float(v)
                self.cells.setdefault((t, p), {})[(m, a)] = (value, bool(s))
                found.setdefault(t, set()).add(p)
                if t == "month":
                    self.monthly.setdefault((m, a), []).append((p, value, bool(s)))
                if a not in area_order:
                    area_order.append(a)
        for series in self.monthly.values():
            series.sort()
        self.periods = {t: sorted(ps, key=period_order) for t, ps in found.items()}
        districts = set(self.districts)
        others = [a for a in area_order if a not in districts]
        self.force = others[0] if others else self.meta.get("force", "Force").replace(" Police", "")
        mt = view.table("measure")
        ids = {m for (m, _a) in self.monthly} | {m for c in self.cells.values() for (m, _a) in c}
        self.measures = [] if mt.empty else [m for m in mt.itertuples(index=False) if m.id in ids]
        self.names = {m.id: name_of(m) for m in self.measures}
        # (measure, area) -> month (YYYY-MM) -> the texts of the caveats published on that month's figure
        self.caveats: dict[tuple[str, str], dict[str, list[str]]] = {}
        cav = view.table("caveat")
        if not cav.empty:
            for m, a, p, text in sorted({(str(m), str(a), str(p), str(t)) for m, a, p, t in zip(
                    cav["measure"], cav["area"], cav["period"], cav["text"], strict=True)}):
                self.caveats.setdefault((m, a), {}).setdefault(p, []).append(text)


_DATA: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def data(view: SnapshotView) -> _Data:
    if view not in _DATA:
        _DATA[view] = _Data(view)
    return _DATA[view]


def districts(view: SnapshotView) -> list[str]:
    return data(view).districts


def force_area(view: SnapshotView) -> str:
    """The force total's area name as the figure table has it (the area that is not a district)."""
    return data(view).force


def areas(view: SnapshotView) -> list[str]:
    """The force total first (on a narrow screen it is the column seen without scrolling), then the districts."""
    return [force_area(view), *districts(view)]


def measures(view: SnapshotView) -> list:
    """The published measures (rows with id, name, short_name, unit, kind), in the catalogue's order."""
    return data(view).measures


def periods(view: SnapshotView, period_type: str) -> list[str]:
    """Published periods of a kind, oldest first."""
    return data(view).periods.get(period_type, [])


def marker(view: SnapshotView) -> str:
    return data(view).meta.get("marker", "[c]")


def name_of(m) -> str:
    """A measure's full name as the public pages show it: its abbreviations in words ("Victims and survivors of child
    sexual exploitation supported by commissioned services"). The downloads keep the catalogue's name as it is."""
    return spelled_out(m.name)


def table_name(m) -> str:
    """A measure's full name as the public tables give it in a row: a percentage says so ("... (per cent)") unless
    its name does already."""
    return name_of(m) + (" (per cent)" if is_percentage(m.kind) and "per cent" not in m.name else "")


def title_of(m) -> str:
    """A measure's short name as a public page's titles show it (a chart, its table, the measure's own page, a link to
    it): its abbreviations in words, so that the title reads on its own ("Child abduction warning notices issued",
    not "CAWNs issued")."""
    return spelled_out(m.short_name or m.name)


def is_percentage(kind: str) -> bool:
    return str(kind) == "percentage"


def figure_text(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{float(value):.1f}%" if is_percentage(kind) else number(value)


def figure_cell(found, kind: str, mark: str) -> Cell:
    """A figure's cell from (value, suppressed), or an empty cell when the snapshot has none."""
    if found is None:
        return Cell("", None, False, True)
    value, suppressed = found
    if suppressed:
        return Cell(mark, None, True, True)
    return Cell(figure_text(value, kind), value, False, True)


def day(value) -> str:
    """"5 May 2026": a date as it is, a stored (UTC) time as its day in England; "" for nothing."""
    return uk_day_words(value)


# --------------------------------------------------------------------------------------------------
# Blocks every page shares
# --------------------------------------------------------------------------------------------------

def banner_notice(text: str = "") -> Notice:
    """The management-information banner: `text` (a snapshot's own banner, else the standard words), and a link
    to the Methodology page's section saying what management information is, which only that page explains."""
    return Notice("About these figures", (text or MANAGEMENT_INFORMATION,), "info",
                  links=(Link(MANAGEMENT_INFORMATION_MEANING, f"methodology#{MANAGEMENT_INFORMATION_SECTION}"),))


def banner(view: SnapshotView) -> Notice:
    """The management-information banner, at the top of every page: the snapshot's own words (an earlier snapshot's
    as it was published) and the link to what they mean."""
    return banner_notice(view.meta.get("banner") or "")


def force_name(view: SnapshotView) -> str:
    """The force's name as the snapshot gives it, else as the pointer does (a withdrawal that left no snapshot to
    read keeps the withdrawn one's), else ""."""
    return str(view.meta.get("force") or view.pointer.get("force") or "")


def site_title(view: SnapshotView) -> str:
    """"South Yorkshire Police: child sexual exploitation figures" (without a force name, its words alone)."""
    name = force_name(view)
    return f"{name}: {SITE_TITLE}" if name else SITE_TITLE[:1].upper() + SITE_TITLE[1:]


def _withdrawals(view: SnapshotView) -> list[dict]:
    """The withdrawals the pointer carries, the latest first (`public.latest_first`)."""
    return latest_first(view.withdrawals)


def withdrawal_in_force(view: SnapshotView) -> dict | None:
    """The latest withdrawal when it decides what the public reads now: nothing is published since, or the
    snapshot shown is an earlier one, published before the one withdrawn. None otherwise."""
    found = _withdrawals(view)
    if not found:
        return None
    if not view.published:
        return found[0]
    try:  # by version: two publications may be made within the same second
        return found[0] if int(view.meta["version"]) < int(found[0]["version"]) else None
    except (KeyError, TypeError, ValueError):  # a pointer written before withdrawals carried the version
        shown, withdrawn = uk_time(view.meta.get("created_at")), uk_time(found[0].get("published_at"))
        return found[0] if shown is not None and withdrawn is not None and shown < withdrawn else None


def _now_shown(view: SnapshotView, withdrawal: dict | None = None) -> str:
    """What the public reads instead of a publication withdrawn, in one sentence: the earlier publication, by its
    date (and time, when the withdrawn one was made or withdrawn the same day) and number."""
    if not view.published:
        return ("No earlier publication is available, so no figures are published at the moment. Figures appear "
                f"here again once {office_of(view).name} publishes them.")
    when = publication_when(view.meta.get("created_at"), withdrawal)
    number = str(view.meta.get("version") or "").strip()
    which = f" (publication {number})" if number.isdigit() else ""
    return f"The figures shown now are those of the earlier publication{f' of {when}' if when else ''}{which}."


def _months_of(withdrawal: dict, key: str) -> list[str]:
    """The months ("YYYY-MM") a withdrawal's pointer entry says the withdrawn publication added or revised."""
    found = withdrawal.get(key) if hasattr(withdrawal, "get") else None
    return [str(m) for m in found if re.fullmatch(r"\d{4}-\d{2}", str(m))] if isinstance(found, list) else []


def _published_again(view: SnapshotView, withdrawal: dict) -> str:
    """What became of the months a withdrawn publication added or revised, in one sentence: each published again (in
    which later publication, and when, as the snapshot shown records it) or not yet. "" when the withdrawal does not
    say its months or number, or nothing is published to tell it from."""
    try:
        withdrawn = int(withdrawal.get("version"))
    except (TypeError, ValueError):
        return ""
    revised, added = _months_of(withdrawal, "revised"), _months_of(withdrawal, "added")
    if not view.published or not (revised or added):
        return ""
    rev = view.table("revision")
    later = (rev[(rev["period_type"].astype(str) == "month") & (pd.to_numeric(rev["version"]) > withdrawn)]
             if not rev.empty and {"period_type", "version"} <= set(rev.columns) else pd.DataFrame())
    per = view.table("period")
    firsts = {} if per.empty else dict(zip(per["period"].astype(str), per["first_published_at"], strict=True))
    gone = uk_time(withdrawal.get("withdrawn_at"))

    def again(month: str) -> str:
        """"in publication 5 of 6 December 2026", "on 6 December 2026", or "" (not published again)."""
        rows = later[later["period"].astype(str) == month] if not later.empty else later
        if not rows.empty:
            first = rows.sort_values("version").iloc[0]
            return f"in publication {int(first['version'])} of {day(first['revised_at'])}"
        when = firsts.get(month)
        stamp = uk_time(when) if when is not None and not pd.isna(when) else None
        if month in added and stamp is not None and (gone is None or stamp > gone):
            number_ = str(view.meta.get("version") or "")
            now = uk_time(view.meta.get("created_at"))
            same = now is not None and abs((now - stamp).total_seconds()) < 60 and number_.isdigit()
            return f"in publication {number_} of {day(when)}" if same else f"on {day(when)}"
        return ""

    clauses = []
    for months, what in ((revised, "the revised figures for"), (added, "the figures for")):
        groups: dict[str, list[str]] = {}
        for month in months:
            groups.setdefault(again(month), []).append(month)
        for when, group in groups.items():
            done = f"were published again {when}" if when else "have not been published again yet"
            clauses.append(f"{what} {months_phrase(group)} {done}")
    sentence = "; ".join(clauses)
    return f"Since the withdrawal, {sentence}." if sentence else ""


def _notice(view: SnapshotView, withdrawal: dict, in_force: bool, level: int = 2) -> Notice:
    """A withdrawal's box: what was withdrawn (its number, the months it added or revised), when and why, and what
    became of those months since (`_published_again`); the one in force also says what is shown instead. `level`:
    its title's heading level, one below the heading it is listed under."""
    shown_at = view.meta.get("created_at") if in_force and view.published else None
    since = _published_again(view, withdrawal)
    return Notice("Publication withdrawn", (withdrawal_notice(withdrawal, shown_at), *((since,) if since else ()),
                                            *((_now_shown(view, withdrawal),) if in_force else ())), "warning",
                  level=level)


def withdrawal_notices(view: SnapshotView, level: int = 2) -> list[Notice]:
    """Every withdrawal, the latest first: when it was published and withdrawn, and why; the one in force also says
    what is shown instead. `level`: each box's heading level."""
    current = withdrawal_in_force(view)
    return [_notice(view, w, w is current, level) for w in _withdrawals(view)]


def withdrawals_below(view: SnapshotView) -> list:
    """The Tables page's "Publications withdrawn", under its revisions: each withdrawal told once on the page, so the
    one in force, whose box opens the page, is named here in a line pointing up to it and the others are listed, each
    box's title a level below the list's own heading (Revisions, h2 > Publications withdrawn, h3 > each box, h4)."""
    current = withdrawal_in_force(view)
    others = [_notice(view, w, False, 4) for w in _withdrawals(view) if w is not current]
    if current is None and not others:
        return []
    blocks: list = [Heading("Publications withdrawn", 3)]
    if current is not None:
        number = str(current.get("version") or "").strip()
        which = f"publication {number}" if number.isdigit() else "the latest publication withdrawn"
        blocks.append(Paragraph(f"The withdrawal of {which}, and what is shown instead, is set out in the notice "
                                "at the top of this page."))
    return blocks + others


def current_withdrawal(view: SnapshotView) -> list[Notice]:
    """The notice of the withdrawal in force (none when none is), for the top of a page."""
    current = withdrawal_in_force(view)
    return [] if current is None else [_notice(view, current, True)]


def nothing_published(view: SnapshotView, slug: str, title: str) -> Page:
    """A page of a side with no snapshot to read: nothing published yet, or a publication withdrawn with none
    before it (then said, with when and why)."""
    if view.withdrawals:
        blocks = [banner_notice(), Heading("Publication withdrawn"),
                  *withdrawal_notices(view, 3)]  # each box under the heading that names them
        return Page(slug, title, tuple(blocks), "The publication was withdrawn: no figures are published at the "
                                                "moment.")
    blocks = [banner_notice(), Heading("Nothing published yet"),
              Paragraph(f"Nothing has been published yet. Figures appear here once {office_of(view).name} has "
                        "approved them for publication.")]
    return Page(slug, title, tuple(blocks), "Nothing has been published yet.")


def footnote(view: SnapshotView) -> str:
    return view.meta.get("footnote") or (f"{marker(view)} Not shown, so that no child can be identified.")


# --------------------------------------------------------------------------------------------------
# Caveats marked where their figures are shown
# --------------------------------------------------------------------------------------------------

# A caveat published on a month's figure (an analyst's flag, a data check) follows the figure into every public table
# that shows it, and into each period's figure that the month is part of, as the downloads carry it: the figure's
# cell is marked "[note 1]" and the table lists its notes under it.
NOTES_TITLE = "Caveats published with these figures:"
NOTES_SAID = ("A figure marked [note 1], [note 2] and so on has a caveat published with it, such as an analyst's "
              "flag for a data-quality check: the caveats are listed under its table.")


def month_caveats(view: SnapshotView) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(measure, area) -> month (YYYY-MM) -> the texts of the caveats published on that month's figure."""
    return data(view).caveats


def note_marker(numbers) -> str:
    """"[note 1]", "[notes 2 and 3]", "[notes 4 to 7]", "[notes 1, 3 and 5 to 7]": the marker of a figure's notes,
    given their numbers (in any order)."""
    found = sorted(set(numbers))
    if len(found) == 1:
        return f"[note {found[0]}]"
    runs: list[list[int]] = []
    for n in found:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [p for r in runs for p in ([f"{r[0]} to {r[-1]}"] if len(r) > 2 else [str(n) for n in r])]
    return f"[notes {parts[0] if len(parts) == 1 else ', '.join(parts[:-1]) + ' and ' + parts[-1]}]"


class Notes:
    """The caveats of one table's figures, numbered as the table is read (row by row, then month by month within a
    figure), each figure's cell marked with its own notes (`mark`), then listed under the table (`under`).

    A figure is marked with the caveats on its months exactly as the summary lists them under its tables (and the
    downloads give them on its row): a caveat is published only on a month's figure the public is shown (the
    publication's guard refuses one on a hidden figure), so a quarter's, a year's or 12 months' figure carries its
    shown months' caveats whether or not it is hidden itself, and saying so tells nothing the month's own row does
    not. A caveat is listed once under the table, with one number, however many of its cells it marks: a month's
    and the quarter's made of it (both in the revisions table) share it, as do the cells marked with the same
    figure's months (each category of a breakdown's year). `unsaid`: caveats the table says of every figure itself
    (the revisions table, that a figure revises one published earlier), not listed under it."""

    def __init__(self, view: SnapshotView, unsaid: tuple[str, ...] = ()):
        self.by = month_caveats(view)
        self.names = data(view).names
        self.unsaid = set(unsaid)
        self.lines: list[str] = []
        self.numbers: dict[str, int] = {}  # a line listed under the table -> its number
        self.marked: dict[tuple, str] = {}  # (measure, area, months) -> its marker, once its notes are listed

    def mark(self, cell: Cell, measure_id: str, area: str, months: list[str]) -> Cell:
        key = (measure_id, area, tuple(months))
        if key not in self.marked:
            found = self.by.get((measure_id, area), {})
            lines = [f"{self.names.get(measure_id, measure_id)}, {area}, {month_text(p)}: {text}"
                     for p in months for text in found.get(p, ()) if text not in self.unsaid]
            for line in lines:
                if line not in self.numbers:
                    self.lines.append(line)
                    self.numbers[line] = len(self.lines)
            self.marked[key] = note_marker(self.numbers[line] for line in lines) if lines else ""
        return replace(cell, note=self.marked[key]) if self.marked[key] else cell

    def under(self, table: Table) -> Table:
        if not self.lines:
            return table
        return replace(table, notes=tuple(f"[note {i}] {line}" for i, line in enumerate(self.lines, 1)),
                       notes_title=NOTES_TITLE)


def chart_notes(c: Chart) -> list:
    """The caveats of a chart given in words instead (a measure with one month published in an area: its sentence
    gives the figure, and no table is shown to mark), listed as under its table, without a marker to refer to."""
    if not c.table.notes:
        return []
    return [Paragraph(c.table.notes_title, small=True),
            Bullets(tuple(re.sub(r"^\[note \d+\] ", "", n) for n in c.table.notes))]


def has_notes(blocks) -> bool:
    """Whether any table among `blocks` (a chart's, one folded in a `Details`) lists caveats under it."""
    for b in blocks:
        if isinstance(b, Details) and has_notes(b.blocks):
            return True
        table = b.table if isinstance(b, Chart) else b
        if isinstance(table, Table) and table.notes:
            return True
    return False


def notes_said(blocks) -> list[Paragraph]:
    """The sentence explaining the caveats' marker, once on a page whose tables use it; none otherwise."""
    return [Paragraph(NOTES_SAID)] if has_notes(blocks) else []


# --------------------------------------------------------------------------------------------------
# Tables and charts
# --------------------------------------------------------------------------------------------------

def period_table(view: SnapshotView, period_type: str, period: str, only_area: str | None = None) -> Table:
    """One period's figures: a row a measure, a column an area (the force total first)."""
    mark = marker(view)
    by = data(view).cells.get((period_type, period), {})
    cols = [a for a in areas(view) if only_area in (None, a)]
    months, notes = months_in(period_type, period), Notes(view)
    rows = []
    for m in measures(view):
        if not any((m.id, a) in by for a in cols):
            continue
        rows.append((Cell(table_name(m)), *(notes.mark(figure_cell(by.get((m.id, a)), m.kind, mark), m.id, a, months)
                                            if (m.id, a) in by else figure_cell(None, m.kind, mark) for a in cols)))
    return notes.under(Table(f"{period_text(period)}: figures by area", ("Measure", *cols), tuple(rows),
                             footnote(view)))


def published_dates(view: SnapshotView, months: list[str], period_type: str | None = None,
                    period: str | None = None) -> str:
    """When the figures of `months` were first published and, given the period they make up, when a figure of that
    period the public was shown was last revised (`revised_at`). Without the period, a revision of any of the months
    counts: a quarter first published after a correction to one of its months was never revised, and is not said
    to be."""
    per = view.table("period")
    if per.empty:
        return ""
    rows = per[per["period"].isin(months)]
    if rows.empty:
        return ""
    firsts = sorted({day(v) for v in rows["first_published_at"] if day(v)}, key=lambda d: pd.Timestamp(d))
    if period_type is not None and period is not None:
        latest_revision = revised_at(view, period_type, period)
        revised = [latest_revision] if latest_revision is not None else []
    else:
        revised = [v for v in rows["last_revised_at"] if day(v)]
    text = (f"First published {firsts[0]}." if len(firsts) == 1
            else f"First published between {firsts[0]} and {firsts[-1]}." if firsts else "")
    if revised:
        latest = max(pd.Timestamp(v) for v in revised)
        text += f" Revised {day(latest)}: see the revisions on the tables page."
    else:
        text += " Not revised since."
    return text.strip()


def revised_at(view: SnapshotView, period_type: str, period: str) -> pd.Timestamp | None:
    """When a figure of the period the public was shown was last revised (the revisions table's latest row for it),
    or None when none was: a period is revised only by a change to one of its own published figures."""
    rev = view.table("revision")
    if rev.empty or "period_type" not in rev.columns:
        return None
    rows = rev[(rev["period_type"].astype(str) == str(period_type)) & (rev["period"].astype(str) == str(period))]
    stamps = [pd.Timestamp(v) for v in rows["revised_at"] if day(v)]
    return max(stamps) if stamps else None


def monthly_series(view: SnapshotView, measure_id: str, area: str) -> list[tuple]:
    """(period, value, suppressed) for each published month of a measure in an area, oldest first."""
    return data(view).monthly.get((measure_id, area), [])


# The fewest months published that make a trend: a measure with fewer is given as its figure, not charted.
TREND_MONTHS = 2


def has_trend(view: SnapshotView, m, area: str) -> bool:
    """Whether enough of a measure's months are published in an area (TREND_MONTHS) to chart it month by month: the
    summary and the measure's own page both give a measure with fewer as its figure, never as a chart of one point."""
    return len(monthly_series(view, m.id, area)) >= TREND_MONTHS


def chart_title(m, area: str, latest: int | None = None) -> str:
    """"Officer headcount, Rotherham, by month": a monthly chart's title (and its table's), naming the measure as the
    heading above it does, then the area and the view, as the internal charts name theirs. `latest`: of a chart that
    shows only the latest months published, how many (published months alone are counted: a gap is no month of
    them), so that the chart shared on its own does not pass for the whole series ("..., by month: the latest 36
    months published")."""
    title = f"{title_of(m)}, {area}, by month"
    if latest is None:
        return title
    return f"{title}: the latest {'month' if latest == 1 else f'{latest} months'} published"


def chart(view: SnapshotView, m, area: str, since: str | None = None) -> Chart:
    """A measure's monthly chart for one area, with its table: suppressed months marked, unpublished ones gaps; from
    the month `since` (YYYY-MM) on when given, else every month published."""
    series, mark = monthly_series(view, m.id, area), marker(view)
    latest = None
    if since and series and series[0][0] < since:  # months published before `since` are left out: the title says so
        series = [x for x in series if x[0] >= since]
        latest = sum(1 for p in periods(view, "month") if p >= since)
    pct = is_percentage(m.kind)
    points: list[ChartPoint] = []
    if series:
        by = {p: (v, s) for p, v, s in series}
        first, last = pd.Period(series[0][0], freq="M"), pd.Period(series[-1][0], freq="M")
        for i in range((last - first).n + 1):
            p = str(first + i)
            found = by.get(p)
            if found is None:
                points.append(ChartPoint(p, None, "not published", "not published"))
            elif found[1]:
                points.append(ChartPoint(p, None, "suppressed", mark))
            else:
                points.append(ChartPoint(p, found[0], "published", figure_text(found[0], m.kind)))
    shown = pd.DataFrame({"period": [p for p, _v, _s in series], "value": [v for _p, v, _s in series],
                          "display": [mark if s else figure_text(v, m.kind) for _p, v, s in series],
                          "suppressed": [s for _p, _v, s in series]})
    unit = "per cent" if pct else str(m.unit)
    # the chart and its table name the measure, the area and the view: a chart saved or shared on its own (a
    # screenshot, an image in a newspaper) still says what it shows, not only the heading above it on the page
    title = chart_title(m, area, latest)
    notes = Notes(view)  # the caveats published on its months, marked as in every table that shows them
    rows = tuple((Cell(month_text(p)), notes.mark(figure_cell((v, s), m.kind, mark), m.id, area, [p]))
                 for p, v, s in series)
    table = notes.under(Table(title, ("Month", unit.capitalize()), rows,
                              footnote(view) if any(s for _p, _v, s in series) else ""))
    # only the events in a month this series publishes: never one before its first month, after its last, or in a gap
    months = {p for p, _v, _s in series}
    marked = tuple(ev for ev in events(view, m.id) if ev.date[:7] in months)
    zeros = zeros_hidden(view.meta)
    key, hover = hidden_key(zeros)
    return Chart(title, unit, not pct, tuple(points), trend_sentence(name_of(m), area, shown, zeros), table,
                 marked, key=f"{m.id}-{area}".lower().replace(" ", "-"), hidden_key=key, hidden_hover=hover,
                 name=title_of(m))


def events(view: SnapshotView, measure_id: str) -> tuple[ChartEvent, ...]:
    d = data(view)
    if not hasattr(d, "events"):
        ev = view.table("event")
        d.events = {} if ev.empty or "measure" not in ev else {
            mid: tuple(ChartEvent(str(e.date), str(e.title), str(e.line), str(getattr(e, "when", "") or day(e.date)))
                       for e in rows.itertuples())
            for mid, rows in ev.groupby("measure")}
    return d.events.get(measure_id, ())


def events_said_once(blocks: list) -> list:
    """`blocks` with each event said in full under the first chart on the page that marks it; a later chart marking
    it too lists it by its date and title and says where it is described (a measure's page read the same paragraph
    under each area's chart, five times)."""
    described: dict[tuple[str, str], str] = {}
    heading, out = "", []
    for b in blocks:
        if isinstance(b, Heading):
            heading = b.text
        elif isinstance(b, Chart) and b.events:
            listed = []
            for ev in b.events:
                if (ev.date, ev.title) in described:
                    under = described[(ev.date, ev.title)]
                    where = f"the {under} chart" if under else "an earlier chart"
                    ev = replace(ev, line=f"{ev.when or ev.date}: {ev.title} (described under {where} above).")
                else:
                    described[(ev.date, ev.title)] = heading
                listed.append(ev)
            b = replace(b, events=tuple(listed))
        out.append(b)
    return out


# --------------------------------------------------------------------------------------------------
# Breakdowns: a measure's force figure for each financial year split into categories
# --------------------------------------------------------------------------------------------------

def breakdown_rows(view: SnapshotView) -> pd.DataFrame:
    """The snapshot's breakdown table (BREAKDOWN_FIELDS) in its stored order; empty for a snapshot written before
    breakdowns were published."""
    d = data(view)
    if not hasattr(d, "breakdowns"):
        found = view.table("breakdown")
        if found.empty or not set(BREAKDOWN_FIELDS) <= set(found.columns):
            found = pd.DataFrame(columns=BREAKDOWN_FIELDS)
        found = found[BREAKDOWN_FIELDS].copy()
        found["value"] = pd.to_numeric(found["value"], errors="coerce")
        found["suppressed"] = found["suppressed"].astype(bool)
        d.breakdowns = found.reset_index(drop=True)
    return d.breakdowns


NO_DIMENSIONS = {"dimensions": {}, "published": [], "never_published": []}


def _dimension_words_of(declared) -> dict:
    shown = dict.fromkeys(pb.dimension for pb in declared.published)
    return {"dimensions": {d: {"name": declared.get(d).name,
                               "unrecorded": list(dict.fromkeys(v.label for v in declared.get(d).values
                                                                if not v.recorded))} for d in shown},
            "published": [[pb.measure, pb.dimension] for pb in declared.published],
            "never_published": [[declared.get(d).name, reason] for d, reason in declared.never_published.items()]}


def dimensions_meta() -> str:
    """What the public pages say of the dimensions in dimensions.yaml, as publishing keeps it in the snapshot's meta
    ("dimensions", JSON): the breakdowns published, and each of their dimensions' name and the labels of its values
    saying the force did not record it; the name of each dimension never published, with the reason why (never its
    id or its values)."""
    return json.dumps(_dimension_words_of(dimensions()), ensure_ascii=False)


def declared_dimensions(view: SnapshotView | None = None) -> dict:
    """`dimensions_meta` as the snapshot was published with it; for a snapshot published before it was kept (or
    no snapshot), dimensions.yaml as it is now, or nothing when that file has a problem."""
    if view is not None:
        try:
            found = json.loads(data(view).meta.get("dimensions") or "null")
        except (TypeError, ValueError):
            found = None
        if isinstance(found, dict) and all(isinstance(found.get(k), t) for k, t in (
                ("dimensions", dict), ("published", list), ("never_published", list))):
            return found
    try:
        return _dimension_words_of(dimensions())
    except ConfigError:
        return NO_DIMENSIONS


def dimension_words(dimension_id: str, view: SnapshotView | None = None) -> tuple[str, tuple[str, ...]]:
    """A dimension's name as a sentence reads it ("ethnicity of the suspect") and the labels of its values that say
    the force did not record it ("Not stated", "Not recorded"), as the snapshot was published with them
    (`declared_dimensions`); for a dimension not declared, its code in words and no labels."""
    found = declared_dimensions(view)["dimensions"].get(dimension_id)
    if not isinstance(found, dict) or not found.get("name"):
        return str(dimension_id).replace("_", " "), ()
    return in_sentence(str(found["name"])), tuple(str(x) for x in found.get("unrecorded") or ())


def breakdown_dimensions(view: SnapshotView, measure_id: str) -> list[str]:
    """The dimensions a measure is published broken down by, in the stored order."""
    rows = breakdown_rows(view)
    return list(dict.fromkeys(rows["dimension"][rows["measure"] == measure_id]))


def _quoted(labels) -> str:
    words = [f"\u201c{x}\u201d" for x in labels]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _breakdown_cell(r, mark: str, notes: Notes, measure_id: str, area: str) -> Cell:
    """A breakdown row's cell as the snapshot says to show it (its display, the marker when suppressed), marked with
    the caveats published on its year's months of the measure (`Notes`): the year's categories add up to the
    measure's figure for the year, which the tables by area mark with them."""
    if r is None:
        return Cell("", None, False, True)
    if r.suppressed:
        found = Cell(mark, None, True, True)
    else:
        shown = str(r.display) if str(r.display) not in ("", "None", "nan") else number(r.value)
        found = Cell(shown, float(r.value), False, True)
    return notes.mark(found, measure_id, area, months_in("financial_year", str(r.period)))


def breakdown_sections(view: SnapshotView, m) -> list:
    """The blocks showing each published breakdown of a measure: a table of its categories (in the stored order)
    by financial year, the share recorded as its last row, and what a reader needs to read it; nothing when the
    snapshot has no breakdown of the measure (or no breakdown table at all)."""
    rows = breakdown_rows(view)
    rows = rows[rows["measure"] == m.id]
    mark, force_name = marker(view), force_area(view)
    unit = str(m.unit)
    whom = "whom" if unit == "people" else "which"
    blocks: list = []
    for dimension in breakdown_dimensions(view, m.id):
        part = rows[rows["dimension"] == dimension]
        name, unrecorded = dimension_words(dimension, view)
        labels = set(part["label"])
        unrecorded = tuple(x for x in unrecorded if x in labels)
        years = sorted(dict.fromkeys(part["period"]), key=period_order)
        counts = part[part["category"] != SHARE_RECORDED]
        by = {(r.category, r.period): r for r in part.itertuples(index=False)}
        # each year's categories add up to the measure's figure for the year: they carry the caveats published on
        # its months, as that figure does in the tables by area, listed once under the table
        notes = Notes(view)
        table_rows = [(Cell(str(label)), *(_breakdown_cell(by.get((category, y)), mark, notes, m.id, force_name)
                                           for y in years))
                      for category, label in dict.fromkeys(zip(counts["category"], counts["label"], strict=True))]
        if (part["category"] == SHARE_RECORDED).any():
            table_rows.append((Cell(SHARE_LABEL), *(_breakdown_cell(by.get((SHARE_RECORDED, y)), mark, notes, m.id,
                                                                    force_name) for y in years)))
        title = f"{title_of(m)} by {name}"
        blocks += [Heading(title),
                   Paragraph(f"These figures are for {force_name} as a whole, for each financial year (April to March) "
                             f"published. They are not given for each district or each month, because the numbers "
                             f"would then be small enough that someone could be identified. In each year the counts "
                             f"add up to the year's figure for {in_sentence(title_of(m))}.")]
        if unrecorded:
            blocks.append(Paragraph(
                f"{_quoted(unrecorded)} {'is' if len(unrecorded) == 1 else 'are'} shown as "
                f"{'a row of its own' if len(unrecorded) == 1 else 'rows of their own'}, because "
                f"{'it shows' if len(unrecorded) == 1 else 'they show'} how often the {name} was not known: the "
                f"other rows cover only the {unit} for {whom} it was recorded."))
        share = (f"Share recorded: the percentage of all the {unit} counted here for {whom} the force recorded the "
                 f"{name}")
        share += f" (all but {_quoted(unrecorded)})." if unrecorded else "."
        if counts["suppressed"].any():
            share += (f" A figure shown as {mark} is hidden; a second figure may be hidden with it, so that the "
                      "first cannot be worked out from the year's figure.")
        if len(counts) and counts["suppressed"].all():
            share += " In this publication every figure of this breakdown is hidden."
        blocks += [Paragraph(share),
                   notes.under(Table(f"{title}, {force_name}, by financial year",
                                     (name[:1].upper() + name[1:], *years), tuple(table_rows), footnote(view)))]
    return blocks


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------

def period_heading(kind: str, period: str, latest: bool) -> str:
    """"The latest 12 months: August 2014 to July 2015", or for a period chosen "Month: June 2015"."""
    months = months_in(kind, period)
    text = (f"{month_text(months[0])} to {month_text(months[-1])}" if kind == "rolling_12_months" and months
            else period_text(period))
    if latest:
        return f"{PERIOD_HEADINGS.get(kind, PERIOD_TYPES.get(kind, kind))}: {text}"
    return f"{PERIOD_TYPE_WORDS.get(kind, kind)}: {text}"


# After a period of each kind, how far on the next one of that kind ends.
_NEXT_ENDS = {"rolling_12_months": 1, "quarter": 3, "financial_year": 12}


def _why_not_later(kind: str, months: list[str], latest_month: str | None) -> str:
    """Why the latest period of a kind shown ends where it does, when a later one would have ended by the latest month
    published but a month of it is not published (one left behind, or a gap): "" otherwise."""
    step = _NEXT_ENDS.get(kind)
    if not step or not months or latest_month is None:
        return ""
    if str(pd.Period(months[-1], freq="M") + step) > latest_month:
        return ""  # the next one is not over yet: nothing is missing
    if kind == "rolling_12_months":
        # 12 months are given as one figure only to the latest month published at each publication: a later run of
        # 12 published months may have no figure of its own, so these are the latest given, not the latest published
        return (f"These are the latest 12-month figures. There are none yet for the 12 months to "
                f"{month_text(latest_month)}, the latest month published, because not all of those 12 months have "
                "been published.")
    return _latest_whole_said("quarter" if kind == "quarter" else "year")


def _latest_whole_said(what: str) -> str:
    """Why the latest financial quarter or year (`what`) given is not a later one, in plain words, as the summary and
    the Tables page say it."""
    return (f"This is the latest financial {what} for which every month has been published. A later {what} will be "
            "shown when all of its months have been published.")


# The months the summary's trend charts show: the latest 36; each measure's own page has every month published.
SUMMARY_TREND_MONTHS = 36


def summary_page(view: SnapshotView, period_type: str | None = None, period: str | None = None,
                 area: str | None = None) -> Page:
    """"index": the headlines for the latest published period of each kind (or the one asked for), for the force
    and each district; the caveats published with them; then a trend chart of each count for the force (or area), or
    its figure while fewer than two of its months are published."""
    title = site_title(view)
    if not view.published:
        return nothing_published(view, "index", title)
    # the withdrawal in force, as every page: the ones before it are history, on the revisions page
    # what the page is for, first: the banner above speaks of "these figures" before anything says which they are
    source = f"{force_name(view)}'s" if force_name(view) else "the force's"
    blocks: list = [banner(view), *current_withdrawal(view),
                    Paragraph(f"This page gives the latest published figures on child sexual exploitation from "
                              f"{source} monthly return. Published by {office_of(view).name}."
                              " Each figure here was approved for publication by the office. "
                              + ("Zeros and small numbers" if zeros_hidden(view.meta) else "Small numbers")
                              + ", and numbers from which a small one could be worked out, are shown as "
                              f"{marker(view)} so that no child can be identified.")]
    explain_at = len(blocks)  # where the caveats' marker is explained, once its tables are known to use it
    kinds = [period_type] if period_type else [k for k in HEADLINE_ORDER if periods(view, k)]
    latest_month = max(periods(view, "month"), default=None)
    for kind in kinds:
        found = periods(view, kind)
        if not found:
            continue
        p = period if period_type and period in found else found[-1]
        months = months_in(kind, p)
        blocks += [Heading(period_heading(kind, p, latest=p == found[-1] and not period_type)),
                   period_table(view, kind, p, area)]
        if p == found[-1] and (why := _why_not_later(kind, months, latest_month)):
            blocks.append(Paragraph(why, small=True))
        dates = published_dates(view, months, kind, p)
        if dates:
            blocks.append(Paragraph(dates, small=True))
    shown_area = area or force_area(view)
    # the latest three years: the whole series, however many years are published, is on each measure's page
    since = str(pd.Period(latest_month, freq="M") - (SUMMARY_TREND_MONTHS - 1)) if latest_month else None
    since = since if since and min(periods(view, "month")) < since else None
    over = f" over the latest {SUMMARY_TREND_MONTHS} months, from {month_text(since)}" if since else ""
    # months published out of order leave gaps: the window's published months are named, never implied whole
    within = [p for p in periods(view, "month") if since and p >= since]
    if since and len(within) < SUMMARY_TREND_MONTHS:
        over += f", of which {months_phrase(within)} {'is' if len(within) == 1 else 'are'} published"
    # a trend needs two months: a measure with one month published is given as its figure (the chart's own
    # sentence, "..., December 2026. It was 25."), never as a one-point chart under a heading that says "Trends"; one
    # with more, though only one falls in the window, is charted as before (its title says so, its page has the rest)
    shown = [(m, c) for m in measures(view) if not is_percentage(m.kind)
             for c in (chart(view, m, shown_area, since),) if c.points]
    charted = [has_trend(view, m, shown_area) for m, _c in shown]
    hidden = f"Months marked {marker(view)} are hidden {hidden_why(zeros_hidden(view.meta))}."
    if any(charted):
        blocks += [Heading("Trends"),
                   Paragraph(f"Each chart shows a measure month by month for {shown_area}{over}; the table under it "
                             f"holds the same figures. {hidden}"
                             + (" A measure with only one month published is given as its figure, and charted once "
                                "a second month is published." if not all(charted) else "")
                             + (" Each measure has its own page with every month published, for the force and "
                                "every district." if since else " Each measure has its own page with a chart for "
                                "every district."))]
    elif shown:
        published = periods(view, "month")
        why = (f"Only {month_text(published[0])} is published so far" if len(published) == 1
               else "No measure has more than one month published yet")
        blocks += [Heading("Latest figures"),
                   Paragraph(f"{why}, so there is no trend to show: each measure is charted here month by month once "
                             f"a second month of it is published. Each measure has its own page with its figure for "
                             "every district.")]
    for (m, c), drawn in zip(shown, charted, strict=True):
        # headed by the measure's name, as the chart's title begins (the title goes on to name the area and the
        # view, which the paragraph above says of every chart); the sentence under it gives the full name
        blocks += [Heading(title_of(m), 3), c if drawn else Paragraph(c.sentence)]
        if not drawn:  # the events its chart would mark in its one month, listed as on its own page
            blocks += month_events(view, m, monthly_series(view, m.id, shown_area)[0][0])
        blocks.append(Link(f"{title_of(m)}: every district", f"measure-{m.id}"))
    blocks = events_said_once(blocks)
    blocks[explain_at:explain_at] = notes_said(blocks)
    return Page("index", title, tuple(blocks), f"The latest published figures for {force_name(view)}.")


def measure_page(view: SnapshotView, measure_id: str) -> Page:
    """"measure-<id>": one measure month by month, for the force and each district; while only one of its months is
    published, that month's figure for each area in a table."""
    slug = f"measure-{measure_id}"
    found = [m for m in measures(view) if m.id == measure_id]
    if not view.published:
        return nothing_published(view, slug, "Measure")
    if not found:
        return no_such_measure(view, slug, measure_id)
    m = found[0]
    shown = [(a, c) for a in areas(view) for c in (chart(view, m, a),) if c.points]
    charted = [has_trend(view, m, a) for a, _c in shown]
    months = sorted({p for a, _c in shown for p, _v, _s in monthly_series(view, m.id, a)})
    hidden = hidden_why(zeros_hidden(view.meta))
    # a trend needs two months, as on the summary: with one month of the measure published the page gives that
    # month's figure for each area in one table, and its opening promises no "month by month"
    first = not any(charted) and len(months) == 1
    if first:
        so_far = ("Only" if periods(view, "month") == months else "Of this measure, only")
        table = first_month_table(view, m, [a for a, _c in shown], months[0])
        # the marker is explained only above a table that has one (its footnote says it then): a page whose every
        # figure is shown would otherwise send the reader looking for a hidden one
        opening = (f"{_both_names(m)}, for {force_area(view)} and each district. {so_far} {month_text(months[0])} is "
                   "published so far, so there is no trend to show: this page charts the measure month by month "
                   "once a second month of it is published."
                   + (f" A figure marked {marker(view)} is hidden {hidden}." if table.note else ""))
    else:
        opening = (f"{_both_names(m)}, month by month, for {force_area(view)} and each district. Months marked "
                   f"{marker(view)} are hidden {hidden}."
                   + (" An area with only one month of it published is given as its figure, and charted once a "
                      "second month is published." if not all(charted) else ""))
    blocks: list = [banner(view), *current_withdrawal(view), Paragraph(opening)]
    explain_at = len(blocks)  # where the caveats' marker is explained, when its tables use it
    split = breakdown_dimensions(view, m.id)
    if split:
        blocks.append(Paragraph(f"At the end of this page: {in_sentence(title_of(m))} for {force_area(view)} by "
                                + " and by ".join(dimension_words(d, view)[0] for d in split)
                                + ", for each financial year."))
    # each area's figures with the caveats published on them (an analyst's flag, a data check), as the summary gives
    # the latest period's: a flag follows its figure onto every page that shows it, not only while its month is latest.
    # Each is listed under the table that shows its figure (the chart's, the month's), which marks the figure with it
    if first:
        blocks += [Heading(month_text(months[0])), table, *month_events(view, m, months[0])]
    else:
        for (a, c), drawn in zip(shown, charted, strict=True):
            blocks += [Heading(a), c if drawn else Paragraph(c.sentence), *([] if drawn else chart_notes(c))]
    blocks = events_said_once(blocks) + breakdown_sections(view, m)
    blocks[explain_at:explain_at] = notes_said(blocks)
    return Page(slug, title_of(m), tuple(blocks), name_of(m), in_navigation=False)


def month_events(view: SnapshotView, m, month: str) -> list:
    """The events a measure's chart would mark in `month` (YYYY-MM), listed as under a chart, for a measure given as
    its one month's figure rather than charted; [] when none is noted."""
    noted = [ev.line for ev in events(view, m.id) if ev.date[:7] == month]
    return [Paragraph(f"Events noted on this measure in {month_text(month)}:"), Bullets(tuple(noted))] if noted else []


def first_month_table(view: SnapshotView, m, shown: list[str], month: str) -> Table:
    """"Child sexual exploitation arrests, December 2026, by area": a measure's one published month, a row an area
    (the force first), as its page gives it until a second month is published."""
    mark = marker(view)
    by = {a: {p: (v, s) for p, v, s in monthly_series(view, m.id, a)}.get(month) for a in shown}
    unit = "per cent" if is_percentage(m.kind) else str(m.unit)
    notes = Notes(view)
    return notes.under(Table(f"{title_of(m)}, {month_text(month)}, by area", ("Area", unit.capitalize()),
                             tuple((Cell(a), notes.mark(figure_cell(by[a], m.kind, mark), m.id, a, [month]))
                                   for a in shown),
                             footnote(view) if any(found and found[1] for found in by.values()) else ""))


def _both_names(m) -> str:
    """"Officer headcount: officers and staff in post who need ... training": the short name the page's title and its
    charts' titles give, with the full name it stands for; the full name alone when the two are one."""
    short, full = title_of(m), name_of(m)
    return full if short == full else f"{short}: {in_sentence(full)}"


def no_such_measure(view: SnapshotView, slug: str, measure_id: str) -> Page:
    """A measure's page asked for with no measure, or one this publication does not hold: say so (never "nothing
    published", when something is), and lead to the Summary and to each published measure's page."""
    said = ("No measure was chosen." if not str(measure_id).strip()
            else "There is no published measure by that name.")
    blocks: list = [banner(view), Paragraph(f"{said} Every published figure is on the Summary page, and each "
                                            "measure below has a page of its own."),
                    Link("Summary of the published figures", "index")]
    blocks += [Link(title_of(m), f"measure-{m.id}") for m in measures(view) if not is_percentage(m.kind)]
    return Page(slug, "Measure not found", tuple(blocks), said, in_navigation=False)


# What the revisions table says of every figure in it, so never listed under it as a caveat of one of them
REVISES_NOTE = "This figure revises one published earlier."


def revisions_table(view: SnapshotView) -> Table | None:
    """The published figures revised after first publication, the latest revision first. A revision's "Now" that is
    the figure as published now is marked with the caveats published on it, as every table showing it marks it; one
    a later revision has changed again, or a figure no longer published, is not: its caveats were of another figure.
    A figure hidden now is the marker, drawn as a hidden figure is in every other table."""
    rev = view.table("revision")
    if rev.empty:
        return None
    names = data(view).names
    # the reason a revision was made for, where the approval that made it gave one
    has_reason = "reason" in rev.columns and bool(rev["reason"].map(lambda r: not pd.isna(r) and bool(str(r))).any())
    rev = rev.sort_values(["revised_at", "measure", "area", "period"], ascending=[False, True, True, True])
    cols = ("Measure", "Area", "Period", "Was", "Now", "Revised on", *(("Reason",) if has_reason else ()))
    fig = view.table("figure")
    now = {} if fig.empty else {(str(m), str(a), str(t), str(p)): str(d) for m, a, t, p, d in zip(
        fig["measure"], fig["area"], fig["period_type"], fig["period"], fig["display"], strict=True)}
    notes, seen, mark = Notes(view, unsaid=(REVISES_NOTE,)), set(), marker(view)
    rows = []
    for _, r in rev.iterrows():
        key = (str(r["measure"]), str(r["area"]), str(r.get("period_type", "")), str(r["period"]))
        shown = Cell(str(r["new_display"]), numeric=True, suppressed=str(r["new_display"]) == mark)
        if key not in seen and now.get(key) == str(r["new_display"]):  # the latest revision of it: the figure now
            shown = notes.mark(shown, key[0], key[1], months_in(key[2], key[3]))
        seen.add(key)
        rows.append((Cell(names.get(r["measure"], str(r["measure"]))), Cell(str(r["area"])),
                     Cell(period_text(r["period"])), Cell(str(r["previous_display"]), numeric=True), shown,
                     Cell(day(r["revised_at"])),
                     *((Cell("" if pd.isna(r["reason"]) else str(r["reason"])),) if has_reason else ())))
    return notes.under(Table("Published figures revised after first publication", cols, tuple(rows)))


# The financial years whose periods the tables page shows: the latest published and the one before it (so that at
# least 12 months are always there); each earlier year's periods are on a page of their own (`tables_year_page`), so
# that the page stays the same size as the years pass.
RECENT_YEARS = 2
YEAR_PAGE_KINDS = ("financial_year", "quarter", "month", "rolling_12_months")
TABLES_YEAR_PREFIX = "tables-"


def financial_year_of(period_type: str, period: str) -> str:
    """"2014/15": the financial year (April to March) a published period falls in; 12 months by their last month."""
    if period_type == "financial_year":
        return str(period)
    if period_type == "quarter":
        return str(period).split(" ", 1)[1]
    months = months_in(period_type, str(period))
    if not months:
        return ""
    last = pd.Period(months[-1], freq="M")
    start = last.year if last.month >= 4 else last.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def financial_years(view: SnapshotView) -> list[str]:
    """Every financial year with a published period of any kind, oldest first."""
    found = {financial_year_of(k, p) for k in HEADLINE_ORDER for p in periods(view, k)}
    return sorted(y for y in found if y)


def earlier_years(view: SnapshotView) -> list[str]:
    """The financial years each shown on a page of their own, not on the tables page, oldest first."""
    return financial_years(view)[:-RECENT_YEARS]


def year_slug(year: str) -> str:
    """"tables-2014-15": the page of a financial year's tables."""
    return TABLES_YEAR_PREFIX + str(year).replace("/", "-")


def year_of_slug(text: str) -> str:
    """"2014/15" from "tables-2014-15" or "2014-15" (or "2014/15"); "" when it names no financial year."""
    t = str(text)
    t = t[len(TABLES_YEAR_PREFIX):] if t.startswith(TABLES_YEAR_PREFIX) else t
    found = re.fullmatch(r"(\d{4})[-/](\d{2})", t.strip())
    return f"{found.group(1)}/{found.group(2)}" if found else ""


def year_words(year: str) -> str:
    """"April 2014 to March 2015"."""
    start = int(str(year)[:4])
    return f"April {start} to March {start + 1}"


def tables_page(view: SnapshotView) -> Page:
    """"tables": each published period of each kind by district (older periods of the latest two financial years
    folded, each earlier year on a page of its own), revisions, withdrawals and the downloads."""
    title = "Tables and downloads"
    if not view.published:
        return nothing_published(view, "tables", title)
    earlier = earlier_years(view)
    recent = financial_years(view)[-RECENT_YEARS:]
    months = [m for m in periods(view, "month") if not earlier or financial_year_of("month", m) in recent]
    covered = f": {months_covered(months)}" if months else ""
    intro = f"Every published figure, by area, for each period{covered}. {footnote(view)}"
    if earlier:
        intro = (f"The published figures by area for each period of the financial years {recent[0]} and "
                 f"{recent[-1]}{covered}. Each earlier financial "
                 f"year has a page of its own, linked under \u201cEarlier financial years\u201d, and every figure is "
                 f"in the downloads. {footnote(view)}")
    blocks: list = [banner(view), *current_withdrawal(view), Paragraph(intro)]
    explain_at = len(blocks)  # where the caveats' marker is explained, once its tables are known to use it
    for kind in HEADLINE_ORDER:
        found = periods(view, kind)
        if not found:
            if kind == "financial_year" and (none := no_whole_year_note(view)):
                blocks += [Heading(TABLE_HEADINGS[kind]), Paragraph(none)]
            continue
        blocks += [Heading(TABLE_HEADINGS[kind]), period_table(view, kind, found[-1])]
        if kind == "financial_year" and (later := later_years_note(view, found[-1])):
            blocks.append(Paragraph(later, small=True))
        older = [p for p in found[:-1] if financial_year_of(kind, p) in recent][::-1]
        if older:
            one, many = EARLIER_NAMES[kind]
            blocks.append(Details(f"Earlier: {len(older)} more {one if len(older) == 1 else many}",
                                  tuple(period_table(view, kind, p) for p in older)))
    if earlier:
        blocks += [Heading("Earlier financial years"), Paragraph(
            "Each year's page has its figures by area: its financial quarters, its months and the 12-month periods "
            "ending in it, and the year as a whole once every month of it is published.")]
        blocks += [Link(f"Financial year {y}: {year_words(y)}", year_slug(y)) for y in reversed(earlier)]
    blocks.append(Heading("Revisions", anchor=REVISIONS_SECTION))
    blocks += withdrawals_below(view)
    # a change of whether zeros are hidden changes what the public reads of figures that were not revised
    blocks += [Paragraph(line) for line in zeros_change_lines(view.meta, marker(view))]
    rev = revisions_table(view)
    blocks.append(rev if rev is not None else Paragraph("No published figure has been revised."))
    blocks[explain_at:explain_at] = notes_said(blocks)
    blocks += [Heading("Download the published figures"), Paragraph(
        "Every published figure with its measure, unit, area, period, status, caveats and the date it was last "
        f"revised. Each figure is given as a number a spreadsheet can add up; a hidden figure has no number and is "
        f"marked {marker(view)}. In the CSV and JSON files the short code of each measure, period and status has its "
        "meaning in words in the column beside it, as these pages say it, and the JSON file says what each column "
        "holds. Published under the Open Government Licence v3.0.")]
    blocks += [Link(text, href) for href, text in DOWNLOADS]
    split = [f"{in_sentence(title_of(m))} by {dimension_words(d, view)[0]}" for m in measures(view)
             for d in breakdown_dimensions(view, m.id)]
    if split:
        blocks += [Paragraph(f"Some figures are also published for the whole force by financial year, split into "
                             f"categories: {'; '.join(split)}. Each comes with its share recorded: the percentage of "
                             "all those counted whose category the force recorded. They are on each measure's "
                             "page, in the JSON file, on the spreadsheet's Breakdowns sheet, and in a CSV file of "
                             "their own."),
                   Link(BREAKDOWNS_FILE[1], BREAKDOWNS_FILE[0])]
    return Page("tables", title, tuple(blocks), "Every published figure by area and period, revisions and downloads.")


def months_covered(months: list[str]) -> str:
    """Which months a page's figures cover, as they are published: "the months published run from April 2016 to June
    2017" of one unbroken run, "the months published are April 2015 to July 2015, and April 2026 to July 2026; the
    months between these have not been published" when some are not (a run from the first to the last would read as
    every month between published), "the month published is April 2026" of one."""
    if len(months) == 1:
        return f"the month published is {month_text(months[0])}"
    runs = month_runs(months)
    if len(runs) == 1:
        return f"the months published run from {month_text(runs[0][0])} to {month_text(runs[0][1])}"
    return f"the months published are {months_phrase(months)}; the months between these have not been published"


def later_years_note(view: SnapshotView, year: str) -> str:
    """What the Tables page says under its table of `year`, the latest financial year published as a whole, when a
    later year has months published: as the summary says, that it is the latest year for which every month has been
    published and a later one will be shown when all of its months have been; then which months of each later year
    are published, naming only those (a month held back or withdrawn is never named or counted): "The financial year
    2027/28 is not complete: its months published so far run from April 2027 to February 2028.", or "... are April
    and June 2027." when a month between is not published (`months_published`). "" when no later month is
    published."""
    said = years_months_said(view, str(year))
    if not said:
        return ""
    return " ".join([_latest_whole_said("year"), *said])


def no_whole_year_note(view: SnapshotView) -> str:
    """What the Tables page says in place of its Financial years table when no financial year is published as a whole,
    only months of one or more: that a year's total is given once each of its months is published, then which months
    of each year are published, naming only those: "No financial year has been published in full yet. A year's
    total will be shown when all of its months have been published. The financial year 2014/15 is not complete: its
    months published so far run from April 2014 to June 2014." "" when no month is published."""
    said = years_months_said(view, "")
    if not said:
        return ""
    return " ".join(["No financial year has been published in full yet. A year's total will be shown when all of "
                     "its months have been published.", *said])


def years_months_said(view: SnapshotView, after: str) -> list[str]:
    """A sentence for each financial year later than `after` with a month published, oldest first, saying which of
    its months are published, naming only those (`months_published`): "The financial year 2027/28 is not complete:
    its months published so far run from April 2027 to February 2028." of the year still running, "Of the financial
    year 2015/16, the months published are April and June 2015." of an earlier one."""
    months = periods(view, "month")
    later: dict[str, list[str]] = {}
    for month in months:
        if (of := financial_year_of("month", month)) > after:
            later.setdefault(of, []).append(month)
    said = []
    for of, held in sorted(later.items()):
        if held[-1] == max(months) and held[-1] < f"{int(of[:4]) + 1}-03":  # the year still running
            said.append(f"The financial year {of} is not complete: its {months_published(held, so_far=True)}.")
        else:
            said.append(f"Of the financial year {of}, the {months_published(held)}.")
    return said


def months_listed(months: list[str]) -> str:
    """"April and June 2027", "April, May and July 2027", "November 2027 and January 2028": exactly the months given,
    each named, the year said once when they are all of one calendar year."""
    names = [str(month_text(m)) for m in sorted(months)]
    if len({m[:4] for m in months}) == 1:
        names = [n.rsplit(" ", 1)[0] for n in names[:-1]] + names[-1:]
    return listed(names)


def months_published(months: list[str], so_far: bool = False) -> str:
    """Which of a financial year's months are published, naming those and only those: "months published run from
    April 2027 to June 2027" when they are one unbroken run, "months published are April and June 2027" when they are
    not (a run would name the months between as published, and a month held back or withdrawn is never named, counted
    or hinted at), "month published is April 2027" of one; `so_far` says "published so far"."""
    published = "published so far" if so_far else "published"
    months = sorted(months)
    if len(months) == 1:
        return f"month {published} is {month_text(months[0])}"
    if len(month_runs(months)) == 1:
        return f"months {published} run from {month_text(months[0])} to {month_text(months[-1])}"
    return f"months {published} are {months_listed(months)}"


# What a year's page holds of each kind, as its opening sentence says it.
YEAR_PAGE_WORDS = {"financial_year": "the year as a whole", "quarter": "its financial quarters", "month": "its months",
                   "rolling_12_months": "the 12-month periods ending in it"}


def year_not_whole(view: SnapshotView, year: str, months: list[str]) -> str:
    """Why a financial year's page has no figure for the year as a whole, naming only its published months (a month
    held back or withdrawn is never named or counted): "The year is not complete: its months published so far run
    from April 2027 to February 2028; the year's total is given once every month of it is published." for the year
    still running (its latest month published is the latest month published of any year); the months are listed
    rather than run ("April and June 2027") when one between is not published (`months_published`); "" when the
    year's total is published."""
    if year in periods(view, "financial_year"):
        return ""
    then = "the year's total is given once every month of it is published."
    if not months:
        return f"The year's total is not given: {then}"
    latest = max(periods(view, "month"), default=None)
    ends = f"{int(str(year)[:4]) + 1}-03"
    if months[-1] == latest and months[-1] < ends:
        return f"The year is not complete: its {months_published(months, so_far=True)}; {then}"
    return f"Its {months_published(months)}; {then}"


def tables_year_page(view: SnapshotView, year: str) -> Page:
    """"tables-2014-15": every published period of one financial year by area (the year, its quarters, its months and
    the 12-month periods ending in it), oldest first; any financial year published may be asked for, a year that
    is not published is said so."""
    year = year_of_slug(year)
    slug = year_slug(year) if year else TABLES_YEAR_PREFIX
    title = f"Tables for the financial year {year}" if year else "Tables for a financial year"
    if not view.published:
        return nothing_published(view, slug, title)
    back = Link("Tables and downloads: the latest figures, every earlier year, the revisions and the downloads",
                "tables")
    if year not in financial_years(view):
        said = "No financial year was chosen." if not year else f"No figure is published for the financial year {year}."
        return Page(slug, "Financial year not found", (banner(view), Paragraph(said), back),
                    said, in_navigation=False)
    found = {kind: [p for p in periods(view, kind) if financial_year_of(kind, p) == year] for kind in YEAR_PAGE_KINDS}
    held = [YEAR_PAGE_WORDS[kind] for kind in YEAR_PAGE_KINDS if found[kind]]
    held_words = held[0] if len(held) == 1 else ", ".join(held[:-1]) + " and " + held[-1]
    blocks: list = [banner(view), *current_withdrawal(view), Paragraph(
        f"Every figure published for the financial year {year} ({year_words(year)}), by area: {held_words}. "
        + (f"{not_whole} " if (not_whole := year_not_whole(view, year, found["month"])) else "")
        + footnote(view)), back]
    explain_at = len(blocks) - 1  # the caveats' marker is explained under the opening, when its tables use it
    for kind in YEAR_PAGE_KINDS:
        if found[kind]:
            blocks += [Heading(TABLE_HEADINGS[kind]), *(period_table(view, kind, p) for p in found[kind])]
    blocks[explain_at:explain_at] = notes_said(blocks)
    return Page(slug, title, tuple(blocks), f"Every published figure for the financial year {year}, by area.",
                in_navigation=False)


def office_of(view: SnapshotView) -> Office:
    """The office and its holder's title as the snapshot carries them (else the pointer; the usual title for a
    snapshot published before the title was carried)."""
    return office_words.from_meta(view.meta, view.pointer)


def office_now(view: SnapshotView) -> Office:
    """The office and its holder's title as they stand now (`office.current`: the pointer in force's), for text in
    the present tense: who holds the Chief Constable to account, who decides. An earlier snapshot read again after a
    withdrawal still says who published it (`office_of`)."""
    return office_words.current(view.meta, view.pointer)


def board_intro(said: Office) -> tuple[str, str]:
    return (
        f"{cap(said.holder)} holds the Chief Constable to account for the force's work against child sexual "
        f"exploitation. Each month the Public Accountability Board meets in public: {said.holder_short} puts "
        "questions to the force about its figures and its work, and the force answers, at the meeting or in writing "
        f"afterwards. The questions come from {said.name}, often drafted from the published figures, and from "
        "members of the public; the office reads each one before it is put.",
        f"After hearing the answer {said.holder_short} records an assurance decision, saying how far the answer and "
        "the evidence show that the force is making real progress, and not only words on a page:")


# The public app's page for sending the Board a question; the static site has no such page (it cannot take one in).
ASK_SLUG = "ask"


def how_to_ask(view: SnapshotView, said: Office, ask_page: bool = False) -> list:
    """How a reader sends the Board a question, said under `board_intro`: in the public app, a link to its Ask page
    (`ask_page`); on the static site, which cannot take a question in, a link to the app's Ask page when the contact
    details give the app's address (public_info.yaml's contact > public_app_url), then the office's contact details
    as the Contact page gives them (public_info.yaml's contact, as it stands now: the other way to send one, and the
    way without JavaScript), and a link to that page. While the details are still the file's examples they are not
    quoted: the Contact page says they reach no one."""
    if ask_page:
        return [Link("Ask the Board a question", ASK_SLUG,
                     "Send a question for a forthcoming Board from these pages.")]
    lead = "To send a question for a forthcoming Board"
    try:
        from . import info
    except ImportError:  # the information pages are not part of this build: no Contact page to send the reader to
        return [Paragraph(f"{lead}, contact {said.name}.")]
    try:
        contact = info.contact_of(view)
    except ConfigError:  # public_info.yaml cannot be read: the Contact page says what is wrong with it
        contact = {"example_values": True}
    ask = info.ask_url(contact)  # the public app's Ask page, when its address is set
    if ask:
        lead = "To send one another way"
    name = contact.get("name") or said.name
    ways = [f"email {contact['email']}" if contact.get("email") else "",
            f"phone {contact['phone']}" if contact.get("phone") else "",
            f"write to {', '.join(contact['address'])}" if contact.get("address") else ""]
    ways = [w for w in ways if w]
    if contact.get("example_values") or not ways:
        said_how = f"{lead}, contact {said.name}: the Contact page says how."
    else:
        listed_ways = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
        said_how = f"{lead}, contact {name}: {listed_ways}. Say that it is a question for the Board."
    app = [Link("Ask the Board a question", ask,
                "Send a question for a forthcoming Board from the interactive version of these pages.")] if ask else []
    return [*app, Paragraph(said_how), Link("Contact", "contact")]


def board_decisions(said: Office) -> tuple[str, ...]:
    return ("Assured: the evidence shows the work is done, or on track, and working.",
            f"Partly assured: some of the evidence shows progress, but not all of it; {said.holder_short} will look "
            "again.",
            "Not assured: the evidence does not show progress; the force is asked to do more and to come back.",
            f"Awaiting evidence: {said.holder_short} cannot decide yet, because the evidence asked for has not "
            "arrived.")


# Questions drafted from the office's charts (pipelines.plan.narrative, pipelines.briefing.questions) quote their
# process limits and averages, and a question or answer typed by a person may use the method's own names for them
# (SPC, special cause, common cause, control limits): the public is told what those are wherever such a text is
# published.
CHART_WORDS = ("Some questions are drafted from the charts the office keeps of each figure, month by month, and use "
               "their words. The method is called statistical process control (SPC). A figure's average is the "
               "average of its months; its process limits (also called control limits), a lower and an upper one, "
               "are the range its months usually fall within, worked out from the figure's own history. A month "
               "beyond a process limit, or a run of months all above or all below the average, is unlikely to be "
               "chance alone (a \"special cause\"), and so the office asks the force about it. A month within the "
               "limits is an ordinary up or down (\"common cause\").")
_CHART_TERMS = re.compile(r"process limit|control limit|\baverage\b|\bSPC\b|statistical process control"
                          r"|(?:special|common)[- ]cause", re.IGNORECASE)


def _quotes_the_charts(loop: pd.DataFrame) -> bool:
    """Whether a published question, answer or rationale uses the charts' words (a process limit, an average, SPC,
    a special cause)."""
    texts = (loop[c] for c in ("question", "answer", "rationale") if c in loop.columns)
    return any(_CHART_TERMS.search(str(t)) for column in texts for t in column)


RECORD_TEXTS = ("question", "answer", "rationale", "theme", "evidence", "withdrawn_reason", "recommendation",
                "status_evidence")


def abbreviations_said(items: pd.DataFrame) -> str:
    """"Abbreviations used below: CSE, child sexual exploitation; CAWN, child abduction warning notice.": those of
    the measures' names that the record's texts use (questions are often drafted with the figures' short names, and
    the office may write them too), each once; "" when none is."""
    found: dict[str, None] = {}
    for column in (c for c in RECORD_TEXTS if c in items.columns):
        for text in items[column]:
            found.update(dict.fromkeys(m[1] for m in ABBREVIATED.finditer(str(text))))
    if not found:
        return ""
    return "Abbreviations used below: " + "; ".join(f"{a}, {ABBREVIATIONS[a]}" for a in found) + "."


def _evidence(value: str) -> list[str]:
    try:
        items = json.loads(value or "[]")
    except (json.JSONDecodeError, TypeError):
        return []
    return [f"{e.get('kind', '')}: {e.get('text', '')}" for e in items if isinstance(e, dict)]


def _ref_order(value: str) -> tuple:
    return (0, int(value)) if str(value).isdigit() else (1, str(value))


def _given_at(row) -> str:
    """"the Public Accountability Board of 18 June 2026": the meeting an answer was given or a decision taken at;
    empty for an answer given in writing, or in a snapshot that does not say."""
    return f"the {row.given_meeting} of {day(row.given_meeting_date)}" if row.given_meeting else ""


def _withdrawn_words(w, *, awaited: bool) -> Paragraph:
    """"This question was withdrawn on 17 September 2015 and awaits no answer: <the reason as approved>." (without
    "and awaits no answer" when an answer to it is published); the reason marked with its language when it is not
    English, as the question is."""
    reason = str(w.withdrawn_reason).strip()
    reason += "" if reason.endswith((".", "?", "!")) else "."
    awaits = " and awaits no answer" if awaited else ""
    return quoting(f"This question was withdrawn on {day(w.withdrawn_on)}{awaits}: ", reason)


def _answered_when(a) -> str:
    """" on 2 September 2015", " at the Public Accountability Board of 18 June 2026" (given there that day), or
    both when the answer is dated another day than the meeting it was given at."""
    at = _given_at(a)
    if not at:
        return f" on {day(a.answered_on)}"
    return f" at {at}" if a.answered_on == a.given_meeting_date else f" on {day(a.answered_on)}, at {at}"


def _decision_words(lead: str, d) -> Paragraph:
    """"The Commissioner's decision: Assured. Decided at the Public Accountability Board of 18 June 2026. <rationale>"
    (a question's decision may be taken at a later meeting than the question was put at); a snapshot that does not
    say which meeting gives the day the decision was recorded. The rationale, as written, is marked with its language
    when it is not English, as a question and its answer are."""
    at = _given_at(d)
    again = str(getattr(d, "follow_up", "") or "")
    again = f" A follow-up was set for {day(again)}." if again else ""
    if not at:
        return quoting(f"{lead}, {day(d.decided_on)}: {d.decision}. ", d.rationale, after=again)
    return quoting(f"{lead}: {d.decision}. Decided at {at}. ", d.rationale, after=again)


def _decider(d, said: Office) -> str:
    """"The Mayor's", "The Policing Board's": who held the role when the decision was taken, as its record says (the
    role may have changed hands since); the snapshot's holder for a record that does not say."""
    title = str(getattr(d, "decided_by", "") or "")
    return cap((office_words.office(said.name, title) if title else said).holders)


# The meetings the Board page shows open: the latest few. A Board meets monthly, so after a few years the page would
# otherwise run to dozens of meetings; the earlier ones are folded under their financial year, newest first.
RECENT_MEETINGS = 6


def _meetings_folded(meetings: list[tuple[str, list]]) -> list:
    """The blocks of each meeting (newest first): the latest RECENT_MEETINGS as they are, then each earlier
    financial year's meetings folded under one line ("Financial year 2026/27: 11 earlier meetings, April 2026 to
    March 2027"), with a sentence saying how many there are and where the earlier ones are."""
    if len(meetings) <= RECENT_MEETINGS:
        return [b for _, each in meetings for b in each]
    recent, earlier = meetings[:RECENT_MEETINGS], meetings[RECENT_MEETINGS:]
    out: list = [Paragraph(f"{len(meetings)} meetings have published questions or decisions. The latest "
                           f"{RECENT_MEETINGS} are shown first; the {len(earlier)} before them are folded by "
                           "financial year (April to March) under them.")]
    out += [b for _, each in recent for b in each]
    years: dict[str, list[tuple[dt.date | None, list]]] = {}
    for held, each in earlier:
        when = uk_day(held)
        years.setdefault(financial_year_of("month", f"{when:%Y-%m}") if when else "", []).append((when, each))
    for year, in_year in years.items():
        dates = [when for when, _ in in_year if when]
        first, last = (f"{min(dates):%B %Y}", f"{max(dates):%B %Y}") if dates else ("", "")
        span = "" if not dates else f", {first}" if first == last else f", {first} to {last}"
        n = len(in_year)
        out.append(Details(f"{f'Financial year {year}: ' if year else ''}{counted(n, 'earlier meeting')}"
                           f"{span}", tuple(b for _, each in in_year for b in each)))
    return out


def board_rows(view: SnapshotView) -> pd.DataFrame:
    """The published accountability record, one row per item, every column text."""
    items = view.table("board_item")
    # a snapshot written before the record said which meeting an answer was given or a decision taken at, who took
    # it, its follow-up, or a question's withdrawal: what it does not hold reads as empty
    items = items.assign(**{c: "" for c in BOARD_COLUMNS if c not in items.columns})
    return items.fillna("").astype(str) if not items.empty else items


def board_page(view: SnapshotView, ask_page: bool = False) -> Page:
    """"board": the published accountability record (questions, answers, decisions, recommendations' progress), with
    how to send the Board a question: `ask_page` where there is a page to send it from (the public app), else the
    office's contact details (the static site)."""
    title = "Questions and decisions"
    if not view.published:
        return nothing_published(view, "board", title)
    said, now = office_of(view), office_now(view)  # who published this record; who holds the role now
    intro = board_intro(now)
    blocks: list = [banner(view), *current_withdrawal(view), Paragraph(intro[0]), *how_to_ask(view, now, ask_page),
                    Paragraph(intro[1]), Bullets(board_decisions(now))]
    items = board_rows(view)
    if items.empty:
        blocks.append(Paragraph("Nothing from the Public Accountability Board has been published yet. Questions, "
                                f"answers and decisions appear here once {now.holder_short} has approved them for "
                                "publication."))
        return Page("board", title, tuple(blocks), "Questions put to the force, its answers and the decisions.")
    # said only above a record there is: with nothing published it would promise meetings the page does not have
    blocks.append(Paragraph(f"Below are the meetings, newest first, with the questions, the force's answers and the "
                            f"decisions that {said.name} has approved for publication, then the progress of the "
                            "recommendations made to the force and its partners."))
    said_short = abbreviations_said(items)
    if said_short:
        blocks += [Paragraph(said_short), Link("What each figure counts, and the words used", "definitions")]
    blocks.append(Heading("Meetings"))
    loop = items[items["meeting_title"] != ""]
    if _quotes_the_charts(loop):
        blocks += [Paragraph(CHART_WORDS), Link("Methodology and quality", "methodology")]
    meetings: list[tuple[str, list]] = []  # each meeting, newest first: its day and its blocks
    for (held, mtitle), meeting in sorted(loop.groupby(["meeting_date", "meeting_title"]), key=lambda g: g[0],
                                          reverse=True):
        shown: list = []
        meetings.append((held, shown))
        # a meeting after the day of publication has not asked its questions yet; a page read months later says
        # so as of the publication, since it is not published again when the meeting is held
        ahead = (uk_day(held) or dt.date.min) > (uk_day(view.meta.get("created_at")) or dt.date.max)
        shown.append(Heading(f"{mtitle}, {day(held)}", 3))
        if ahead:
            shown.append(Paragraph(f"This meeting was still to be held when this was published, on "
                                   f"{day(view.meta.get('created_at'))}."))
        asked = meeting[meeting["question_ref"] != ""]
        for ref in sorted(asked["question_ref"].unique(), key=_ref_order):
            rows = asked[asked["question_ref"] == ref]
            first = rows.iloc[0]
            asker = str(first["asked_by"])
            asker = asker[:1].lower() + asker[1:] if asker.startswith(("The ", "A ")) else asker
            shown.append(quoting(f"Question ({'to be ' if ahead else ''}asked by {asker}): ", first["question"]))
            answers = rows[rows["kind"] == "answer"]
            withdrawn = rows[rows["kind"] == "withdrawal"]
            for w in withdrawn.itertuples():  # said under the question, before anything else of it
                shown.append(_withdrawn_words(w, awaited=answers.empty))
            for a in answers.sort_values("answered_on").itertuples():
                shown.append(quoting(f"The force's answer, given by {a.answered_by}{_answered_when(a)}: ", a.answer))
            if answers.empty and not ahead and withdrawn.empty:  # said, not left to be inferred from nothing
                shown.append(Paragraph(f"No answer from the force has been published yet (as of this publication, "
                                       f"{day(view.meta.get('created_at'))})."))
            decided = rows[rows["kind"] == "decision"].sort_values(["given_meeting_date", "decided_on"])
            for d in decided.itertuples():
                shown.append(_decision_words(f"{_decider(d, said)} decision", d))
                ev = _evidence(d.evidence)
                if ev:
                    shown += [Paragraph("Evidence considered:"), Bullets(tuple(ev))]
        for d in meeting[(meeting["kind"] == "decision") & (meeting["question_ref"] == "")].itertuples():
            shown.append(_decision_words(f"{_decider(d, said)} decision on {d.theme}", d))
            ev = _evidence(d.evidence)
            if ev:
                shown += [Paragraph("Evidence considered:"), Bullets(tuple(ev))]
    blocks += _meetings_folded(meetings)
    if loop.empty:
        blocks.append(Paragraph("No question, answer or decision from a meeting has been published yet."))
    blocks.append(Heading("Recommendations"))
    recs = items[items["kind"] == "recommendation"]
    if recs.empty:
        blocks.append(Paragraph("No recommendation's progress has been published yet."))
    ordered = sorted(recs.groupby("recommendation_ref"),
                     key=lambda g: (g[1].iloc[0]["source"], _ref_order(g[1].iloc[0]["number"])))
    for _, history in ordered:
        history = history.sort_values("judged_on", ascending=False, kind="stable")
        now = history.iloc[0]
        # a recommendation its report does not number is headed by the report alone, its title beneath
        number = str(now["number"] or "").strip()
        blocks += [Heading(f"{now['source']}, recommendation {number}" if number else str(now["source"]), 3),
                   Paragraph(str(now["recommendation"])),
                   Paragraph(f"Status: {now['status']} (judged on {day(now['judged_on'])}). {now['status_evidence']}"),
                   Paragraph(f"Its reference in the download: {now['recommendation_ref']}.")]
        if len(history) > 1:
            blocks += [Paragraph("Earlier:"), Bullets(tuple(f"{h.status}, {day(h.judged_on)}: {h.status_evidence}"
                                                            for h in history.iloc[1:].itertuples()))]
    blocks += [Heading("Download"),
               Paragraph(f"Every published question, answer, decision and recommendation's status "
                         f"({counted(len(items), 'row')}), as CSV."
                         + (f" A recommendation's statuses each have a row, with its reference in the column "
                            f"recommendation_ref (such as {ordered[0][0]}), the same on every "
                            "row of that recommendation, so that its statuses can be read together."
                            if ordered else "")),
               Link(BOARD_FILE[1], BOARD_FILE[0])]
    return Page("board", title, tuple(blocks), "Questions put to the force, its answers and the decisions.")


def data_pages(view: SnapshotView) -> list[Page]:
    """Every data page of the static site: the summary, the tables, the record, a page per count measure and a page
    per earlier financial year's tables."""
    pages = [summary_page(view), tables_page(view), board_page(view)]
    if view.published:
        pages += [measure_page(view, m.id) for m in measures(view) if not is_percentage(m.kind)]
        pages += [tables_year_page(view, y) for y in earlier_years(view)]
    return pages
