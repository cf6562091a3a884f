"""The published figures as data: one row per published cell, in CSV, JSON and an accessible spreadsheet.

Numbers are numbers (a suppressed cell has no number, only its marker), and every row says what it is:
measure, unit, definition, area, period (as given and in words), status, caveats, when it was last revised
and the licence. The spreadsheet follows the Analysis Function's guidance on releasing statistics in
spreadsheets: a cover sheet, a notes sheet, then one table per sheet, each with its title in A1, headers in
one row, no merged cells and no blank rows inside a table. Text a spreadsheet would read as a formula is
neutralised in every format. The published breakdowns (force by financial year) have columns of their own: a CSV
file of their own, a "breakdowns" list in the JSON and a Breakdowns sheet.
"""

from __future__ import annotations

import io
import json
import weakref

import pandas as pd

from .. import office as office_words
from ..exports import csv_bytes, neutralise, safe_frame
from ..public import MANAGEMENT_INFORMATION, month_text, period_text, spelled_out
from .content import SnapshotView
from .pages import (
    HEADLINE_ORDER,
    SHARE_RECORDED,
    board_rows,
    breakdown_rows,
    data,
    day,
    dimension_words,
    months_in,
    period_order,
)

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
COLUMNS = ["measure_id", "measure_name", "unit", "definition", "area", "period_type", "period", "period_in_words",
           "value", "status", "status_in_words", "marker", "caveats", "last_revised", "licence"]
BREAKDOWN_COLUMNS = ["measure_id", "measure_name", "dimension", "dimension_name", "category", "label", "area",
                     "period_type", "period", "period_in_words", "value", "unit", "status", "status_in_words", "marker",
                     "caveats", "licence"]
# A row's status as the pages say it, beside its code (`status`, which re-users filter on and which stays as it is):
# a hidden figure is "Not shown" on every page, never "suppressed".
STATUS_WORDS = {"published": "Published", "revised": "Revised", "suppressed": "Not shown"}
# What each column of the figures' download holds, as the JSON file's "columns" gives it: a code column (read by
# programs, never changed) and the same in words (read by people, as the pages say it) each described.
COLUMN_NOTES = {
    "measure_id": "The measure's code, which does not change.",
    "measure_name": "The measure's name as the pages give it, with no abbreviation.",
    "unit": "What the measure counts (people, offences, per cent).",
    "definition": "What the measure counts, what it includes and what it excludes.",
    "area": "The force as a whole, or one of its districts.",
    "period_type": "The kind of period, as a code: month, quarter, financial_year or rolling_12_months.",
    "period": "The period, as a code: 2026-04 (a month), Q1 2026/27, 2026/27, or 12 months to 2026-07.",
    "period_in_words": "The period in words, as the pages give it.",
    "value": "The figure, as a number; empty when the figure is not shown.",
    "status": "The figure's status, as a code: published, revised (corrected after first publication) or "
              "suppressed (not shown, so that no child can be identified).",
    "status_in_words": "The figure's status in words, as the pages say it: Published, Revised or Not shown.",
    "marker": "The marker the pages show in place of a figure not shown; empty for a figure shown.",
    "caveats": "The caveats published with the figure; a longer period's give the month each is of.",
    "last_revised": "The day the figure was last revised; empty when it has not been revised.",
    "licence": "The licence the figure is published under.",
}
SHEETS = {"rolling_12_months": ("Rolling_12_months", "Figures for 12 months at a time"),
          "month": ("Months", "Figures for each month"),
          "quarter": ("Quarters", "Figures for each financial quarter (April to June is Q1)"),
          "financial_year": ("Financial_years", "Figures for each financial year (April to March)")}


def public_info(view: SnapshotView) -> dict:
    """The public information the snapshot was published with (definitions, contact), else what the information
    pages read (`pipelines.publish.info`, when present), else nothing."""
    try:
        found = json.loads(view.meta.get("public_info") or "{}")
    except (json.JSONDecodeError, TypeError):
        found = {}
    if not found and view.published:
        import importlib.util

        if importlib.util.find_spec(f"{__package__}.info") is not None:
            found = importlib.import_module(f"{__package__}.info").info_of(view)
    return found if isinstance(found, dict) else {}


def definition(info: dict, measure_id: str) -> str:
    """A measure's plain-English definition from the snapshot's public information, or ""."""
    found = (info.get("definitions") or {})
    if isinstance(found, list):
        found = {str(d.get("id") or d.get("measure") or ""): d for d in found if isinstance(d, dict)}
    d = found.get(measure_id, "") if isinstance(found, dict) else ""
    if isinstance(d, dict):
        parts = [str(d.get("counts") or d.get("definition") or d.get("text") or "").strip()]
        parts += [f"{word}: {d[key]}" for key, word in (("includes", "Includes"), ("excludes", "Excludes"))
                  if d.get(key)]
        d = " ".join(x if x.endswith(".") else x + "." for x in parts if x)
    return str(d or "")


_FRAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def frame(view: SnapshotView) -> pd.DataFrame:
    """One row per published cell (see COLUMNS); value a number, or empty when suppressed."""
    if view not in _FRAMES:
        _FRAMES[view] = _frame(view)
    return _FRAMES[view].copy()


def _frame(view: SnapshotView) -> pd.DataFrame:
    if not view.published:
        return pd.DataFrame(columns=COLUMNS)
    d, info = data(view), public_info(view)
    mark = d.meta.get("marker", "[c]")
    rev = view.table("revision")
    revised: dict = {}
    if not rev.empty:
        for m, a, p, t, when in zip(rev["measure"], rev["area"], rev["period"], rev["period_type"], rev["revised_at"],
                                    strict=True):
            key = (m, a, t, p)
            revised[key] = max(revised.get(key, when), when)
    caveats = _caveats(view)
    rows = []
    words = {p: period_text(p) for (_t, p) in d.cells}
    order = {k: i for i, k in enumerate(HEADLINE_ORDER)}
    for m in d.measures:
        unit = "per cent" if m.kind == "percentage" else str(m.unit)
        text = definition(info, m.id)
        for (t, p), cells in sorted(d.cells.items(), key=lambda kv: (order.get(kv[0][0], 9), period_order(kv[0][1]))):
            for a in [d.force, *d.districts]:
                if (m.id, a) not in cells:
                    continue
                value, suppressed = cells[(m.id, a)]
                key = (m.id, a, t, p)
                if value is not None and float(value).is_integer() and m.kind != "percentage":
                    value = int(value)
                status = "suppressed" if suppressed else "revised" if key in revised else "published"
                rows.append({
                    "measure_id": m.id, "measure_name": spelled_out(m.name), "unit": unit, "definition": text,
                    "area": a,
                    "period_type": t, "period": p, "period_in_words": words[p],
                    "value": None if suppressed else value,
                    "status": status, "status_in_words": STATUS_WORDS[status],
                    "marker": mark if suppressed else "", "caveats": " ".join(row_caveats(caveats, m.id, a, t, p)),
                    "last_revised": day(revised[key]) if key in revised else "", "licence": LICENCE})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["value"] = pd.Series([r["value"] for r in rows], dtype=object)  # whole numbers stay whole: 21, not 21.0
    return out


def _caveats(view: SnapshotView) -> dict:
    """(measure, area, month) -> the texts of the caveats published on that month's figure, as published."""
    cav = view.table("caveat")
    caveats: dict = {}
    if not cav.empty:
        for m, a, p, text in cav[["measure", "area", "period", "text"]].drop_duplicates().itertuples(index=False):
            caveats.setdefault((m, a, str(p)), []).append(str(text))
    return caveats


def row_caveats(caveats: dict, m: str, a: str, t: str, p: str) -> list[str]:
    """A row's caveats (`caveats` from `_caveats`): a month's own; a quarter's, a year's or 12 months' those of each
    month in it, each after its month ("December 2014: ..."), as the pages list them under the table of that period.
    A breakdown's year carries those of the measure's figure for the year, whose categories add up to it."""
    if t == "month":
        return caveats.get((m, a, p), [])
    return [f"{month_text(month)}: {text}" for month in months_in(t, p) for text in caveats.get((m, a, month), [])]


_BREAKDOWN_FRAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def breakdown_frame(view: SnapshotView) -> pd.DataFrame:
    """One row per published breakdown cell (see BREAKDOWN_COLUMNS), in the snapshot's order: a category's count
    for the force in a financial year, or the share recorded (unit "per cent of all ..."); value empty when
    suppressed. Empty for a snapshot written before breakdowns were published."""
    if view not in _BREAKDOWN_FRAMES:
        _BREAKDOWN_FRAMES[view] = _breakdown_frame(view)
    return _BREAKDOWN_FRAMES[view].copy()


def _breakdown_frame(view: SnapshotView) -> pd.DataFrame:
    rows = breakdown_rows(view) if view.published else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    d = data(view)
    mark = d.meta.get("marker", "[c]")
    measures = {m.id: m for m in view.table("measure").itertuples(index=False)}
    caveats = _caveats(view)
    out = []
    for r in rows.itertuples(index=False):
        m = measures.get(r.measure)
        unit = str(m.unit) if m is not None else ""
        share = r.category == SHARE_RECORDED
        value = None if r.suppressed or pd.isna(r.value) else float(r.value)
        if value is not None and not share and value.is_integer():
            value = int(value)
        name = dimension_words(r.dimension, view)[0]
        status = "suppressed" if r.suppressed else "published"
        out.append({"measure_id": r.measure, "measure_name": spelled_out(m.name) if m is not None else r.measure,
                    "dimension": r.dimension, "dimension_name": name[:1].upper() + name[1:],
                    "category": r.category, "label": r.label, "area": r.area, "period_type": r.period_type,
                    "period": r.period, "period_in_words": period_text(r.period), "value": value,
                    "unit": f"per cent of all {unit}".strip() if share else unit,
                    "status": status, "status_in_words": STATUS_WORDS[status],
                    "marker": mark if r.suppressed else "",
                    "caveats": " ".join(row_caveats(caveats, r.measure, r.area, "financial_year", str(r.period))),
                    "licence": LICENCE})
    frame = pd.DataFrame(out, columns=BREAKDOWN_COLUMNS)
    frame["value"] = pd.Series([r["value"] for r in out], dtype=object)  # whole numbers stay whole
    return frame


def _text(value):
    return neutralise(value) if isinstance(value, str) else value


def _csv(df: pd.DataFrame) -> bytes:
    for c in df.columns:
        if c != "value":
            df[c] = df[c].map(_text)
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_csv(view: SnapshotView) -> bytes:
    return _csv(frame(view))


def breakdowns_csv(view: SnapshotView) -> bytes:
    """The published breakdowns (`breakdown_frame`) as CSV: a file of its own, since its columns are not the
    figures'."""
    return _csv(breakdown_frame(view))


def marker_meaning(view: SnapshotView) -> str:
    return view.meta.get("footnote") or "Not shown, so that no child can be identified."


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (_text(v) if k != "value" else (None if v is None or v != v else v)) for k, v in r.items()}
            for r in df.to_dict(orient="records")]


def to_json(view: SnapshotView) -> bytes:
    """{"licence", "publisher", "created_at", "marker", "marker_meaning", "note", "columns", "rows": [...],
    "breakdowns": [...]}: numbers as JSON numbers, null when suppressed; "columns" says what each column of a row
    holds (`COLUMN_NOTES`, in the rows' order); "breakdowns" holds `breakdown_frame`'s rows."""
    rows = _records(frame(view))
    body = {"title": f"{view.meta.get('force', '')}: child sexual exploitation figures".strip(": "),
            "publisher": view.meta.get("office", ""), "created_at": view.meta.get("created_at", ""),
            "licence": LICENCE, "licence_url": LICENCE_URL, "marker": view.meta.get("marker", "[c]"),
            "marker_meaning": marker_meaning(view), "note": view.meta.get("banner") or MANAGEMENT_INFORMATION,
            "columns": {c: COLUMN_NOTES[c] for c in COLUMNS}, "rows": rows,
            "breakdowns_note": BREAKDOWN_NOTE, "breakdowns": _records(breakdown_frame(view))}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


TABLE_COLUMNS = [("measure_name", "Measure"), ("unit", "Unit"), ("area", "Area"), ("period", "Period"),
                 ("period_in_words", "Period in words"), ("value", "Value"), ("status_in_words", "Status"),
                 ("caveats", "Caveats"), ("last_revised", "Last revised"), ("measure_id", "Measure code"),
                 ("status", "Status code")]
# A person reads a spreadsheet: its Status column says the status as the pages do ("Not shown", "Revised",
# "Published"); the code the CSV and JSON filter on stays beside the other codes, at the end, as the Notes sheet says.
TABLE_WIDTHS = (60, 14, 18, 22, 40, 10, 12, 50, 16, 26, 14)
BREAKDOWN_TABLE_COLUMNS = [("measure_name", "Measure"), ("dimension_name", "Broken down by"), ("label", "Category"),
                           ("area", "Area"), ("period", "Financial year"), ("value", "Value"), ("unit", "Unit"),
                           ("status_in_words", "Status"), ("caveats", "Caveats"), ("measure_id", "Measure code"),
                           ("dimension", "Breakdown code"), ("category", "Category code"), ("status", "Status code")]
BREAKDOWN_TABLE_WIDTHS = (60, 26, 40, 18, 14, 10, 26, 12, 50, 26, 22, 30, 14)
BREAKDOWN_NOTE = ("Breakdowns are given for the force as a whole by financial year (April to March) only, never by "
                  "district or month, where the numbers would be small enough to identify someone. Each category's "
                  "count is a number of the measure's unit; the counts of a year add up to the measure's figure for "
                  "that year. Rows for values the force did not record (such as Not recorded and Not stated) are "
                  "always included. The row with category code share_recorded is the share recorded: the percentage "
                  "of all those counted whose value the force recorded (unit per cent of all). A year's caveats are "
                  "those published on the measure's figure for the force in each of its months, each after its month, "
                  "as the figure's own row for the year gives them.")


def to_xlsx(view: SnapshotView) -> bytes:
    """The accessible spreadsheet: Cover, Notes, then one sheet per kind of period, and Breakdowns when the
    snapshot has any."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table as XlTable
    from openpyxl.worksheet.table import TableStyleInfo

    df, meta = frame(view), view.meta
    parts = breakdown_frame(view)
    info = public_info(view)
    mark = meta.get("marker", "[c]")
    title = f"{meta.get('force', '')}: child sexual exploitation figures".strip(": ")
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    contact = info.get("contact") if isinstance(info.get("contact"), str) else ""
    if isinstance(info.get("contact"), dict):
        details = office_words.contact(office_words.contact_now(info["contact"], view.pointer),
                                       office_words.current(meta, view.pointer))
        contact = "; ".join(f"{k.replace('_', ' ')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                            for k, v in details.items() if v and not isinstance(v, bool))
    lines = [(title, True), ("This spreadsheet holds every figure published in this release, one table per sheet.",
                             False),
             ("Publisher", True), (meta.get("office", ""), False),
             ("Published", True), (day(meta.get("created_at", "")), False),
             ("Licence", True), (f"{LICENCE}: {LICENCE_URL}", False)]
    if contact:
        lines += [("Contact", True), (contact, False)]
    lines += [("What the tables hold", True)]
    for kind in HEADLINE_ORDER:
        if (df["period_type"] == kind).any():
            name, what = SHEETS[kind]
            lines.append((f"{name}: {what}, for the force and each district.", False))
    if len(parts):
        lines.append(("Breakdowns: some measures' figures for the force by financial year, split into categories, "
                      "with the share recorded [note 4].", False))
    lines += [("Notes", True), ("The Notes sheet explains the marker, the status of these figures and revisions.",
                                False)]
    for i, (text, bold) in enumerate(lines, start=1):
        cell = cover.cell(row=i, column=1, value=_text(text))
        cell.font = Font(bold=bold, size=14 if i == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    cover.column_dimensions["A"].width = 100

    notes = wb.create_sheet("Notes")
    notes["A1"] = "Notes"
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(["Note number", "Note text"])
    meaning = marker_meaning(view)
    meaning = meaning[len(mark):].strip() if meaning.startswith(mark) else meaning  # the footnote opens with it
    # said as the pages say it, "Not shown", to a reader who has never met the word "suppressed"; a snapshot published
    # before the footnote said so opens with "Suppressed:"
    if not meaning.startswith("Not shown"):
        meaning = meaning.removeprefix("Suppressed:").strip()
        meaning = f"marks a figure not shown. {meaning[:1].upper()}{meaning[1:]}"
    note_rows = [("[note 1]", f"{mark} {meaning} A figure not shown has {mark} in the Value column in place of "
                              "its number, and its Status column says Not shown, as the pages do. The Status code "
                              "column gives each status as a code, for programs, as the CSV and JSON files' status "
                              "column does: published, revised, or suppressed for a figure not shown."),
                 ("[note 2]", meta.get("banner") or MANAGEMENT_INFORMATION),
                 # a revised figure hidden since says "Not shown": the date is what marks every revised one
                 ("[note 3]", "A figure is revised when the force corrects a return after publication; Last revised "
                              "gives the date of the change. Its Status column says Revised, or Not shown when the "
                              "revised figure is hidden [note 1]. The revisions on the Tables and downloads page give "
                              "each revised figure's earlier value and the reason for the change.")]
    if len(parts):
        note_rows.append(("[note 4]", BREAKDOWN_NOTE))
    for r in note_rows:
        notes.append([_text(x) for x in r])
    for c in ("A2", "B2"):
        notes[c].font = Font(bold=True)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    notes.add_table(XlTable(displayName="Notes_table", ref=f"A2:B{2 + len(note_rows)}",
                            tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=False)))

    def sheet(name: str, heading: str, intro: str, rows: pd.DataFrame, columns: list, widths: tuple) -> None:
        """One table on a sheet of its own: title in A1, what it holds, source, headers, then a row per cell."""
        ws = wb.create_sheet(name)
        ws["A1"] = _text(heading)
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = intro
        ws["A3"] = _text(f"Source: {meta.get('office', '')}. Licence: {LICENCE}.")
        ws.append([h for _c, h in columns])
        header_row = 4
        for c in range(1, len(columns) + 1):
            ws.cell(row=header_row, column=c).font = Font(bold=True)
        for r in rows.itertuples(index=False):
            rec = r._asdict()
            ws.append([(mark if rec["status"] == "suppressed" else rec[col]) if col == "value"
                       else _text("" if rec[col] is None else rec[col]) for col, _h in columns])
        last = header_row + len(rows)
        ws.add_table(XlTable(displayName=f"{name}_table", ref=f"A{header_row}:{chr(64 + len(columns))}{last}",
                             tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=False)))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = f"A{header_row + 1}"

    for kind in HEADLINE_ORDER:
        part = df[df["period_type"] == kind]
        if part.empty:
            continue
        name, what = SHEETS[kind]
        sheet(name, f"{what}: {title}",
              f"This table has {len(part)} rows. A figure marked {mark} is not shown [note 1]. These figures are "
              "management information [note 2]. A revised figure has the date of its revision in the Last "
              "revised column [note 3].",
              part, TABLE_COLUMNS, TABLE_WIDTHS)
    if len(parts):
        sheet("Breakdowns", f"Breakdowns for the force by financial year: {title}",
              f"This table has {len(parts)} rows. A figure marked {mark} is not shown [note 1]. These figures are "
              "management information [note 2]. What a breakdown holds, and the share recorded [note 4].",
              parts, BREAKDOWN_TABLE_COLUMNS, BREAKDOWN_TABLE_WIDTHS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def board_frame(items: pd.DataFrame) -> pd.DataFrame:
    """The published accountability record as its download gives it: one row per item, a decision's evidence as
    lines of "kind: text", formulas neutralised. A recommendation's statuses keep its reference in the register
    (recommendation_ref, as the page's download paragraph says), the one thing that tells apart two recommendations
    of a report that does not number them; the question's number is the office's own and stays out."""
    def evidence(value: str) -> str:
        try:
            found = json.loads(value or "[]")
        except (json.JSONDecodeError, TypeError):
            return ""
        return "\n".join(f"{e.get('kind', '')}: {e.get('text', '')}" for e in found if isinstance(e, dict))

    items = items.assign(evidence=items["evidence"].map(evidence)) if "evidence" in items.columns else items
    return safe_frame(items.drop(columns=[c for c in ("question_ref",) if c in items.columns]))


def board_csv(view: SnapshotView) -> bytes:
    """The Questions and decisions page's download: every item of the published record, as CSV."""
    return csv_bytes(board_frame(board_rows(view)))
