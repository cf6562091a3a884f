"""The published figures as data: one row per published cell, in CSV, JSON and an accessible spreadsheet.

Numbers are numbers (a suppressed cell has no number, only its marker), and every row says what it is:
measure, unit, definition, area, period (as given and in words), status, caveats, when it was last revised
and the licence. The spreadsheet follows the Analysis Function's guidance on releasing statistics in
spreadsheets: a cover sheet, a notes sheet, then one table per sheet, each with its title in A1, headers in
one row, no merged cells and no blank rows inside a table. Text a spreadsheet would read as a formula is
neutralised in every format.
"""

from __future__ import annotations

import io
import json
import weakref

import pandas as pd

from ..exports import neutralise
from ..public import MANAGEMENT_INFORMATION, period_text
from .content import SnapshotView
from .pages import HEADLINE_ORDER, data, day, period_order

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
COLUMNS = ["measure_id", "measure_name", "unit", "definition", "area", "period_type", "period", "period_in_words",
           "value", "status", "marker", "caveats", "last_revised", "licence"]
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
    cav = view.table("caveat")
    caveats: dict = {}
    if not cav.empty:
        for m, a, p, text in cav[["measure", "area", "period", "text"]].drop_duplicates().itertuples(index=False):
            caveats.setdefault((m, a, "month", p), []).append(str(text))
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
                rows.append({
                    "measure_id": m.id, "measure_name": m.name, "unit": unit, "definition": text, "area": a,
                    "period_type": t, "period": p, "period_in_words": words[p],
                    "value": None if suppressed else value,
                    "status": "suppressed" if suppressed else "revised" if key in revised else "published",
                    "marker": mark if suppressed else "", "caveats": " ".join(caveats.get(key, [])),
                    "last_revised": day(revised[key]) if key in revised else "", "licence": LICENCE})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["value"] = pd.Series([r["value"] for r in rows], dtype=object)  # whole numbers stay whole: 21, not 21.0
    return out


def _text(value):
    return neutralise(value) if isinstance(value, str) else value


def to_csv(view: SnapshotView) -> bytes:
    df = frame(view)
    for c in df.columns:
        if c != "value":
            df[c] = df[c].map(_text)
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def marker_meaning(view: SnapshotView) -> str:
    return view.meta.get("footnote") or "Not shown, so that no child can be identified."


def to_json(view: SnapshotView) -> bytes:
    """{"licence", "publisher", "created_at", "marker", "marker_meaning", "note", "rows": [...]}: numbers as JSON
    numbers, null when suppressed."""
    df = frame(view)
    rows = [{k: (_text(v) if k != "value" else (None if v is None or v != v else v)) for k, v in r.items()}
            for r in df.to_dict(orient="records")]
    body = {"title": f"{view.meta.get('force', '')}: child sexual exploitation figures".strip(": "),
            "publisher": view.meta.get("office", ""), "created_at": view.meta.get("created_at", ""),
            "licence": LICENCE, "licence_url": LICENCE_URL, "marker": view.meta.get("marker", "[c]"),
            "marker_meaning": marker_meaning(view), "note": view.meta.get("banner") or MANAGEMENT_INFORMATION,
            "rows": rows}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


TABLE_COLUMNS = [("measure_name", "Measure"), ("unit", "Unit"), ("area", "Area"), ("period", "Period"),
                 ("period_in_words", "Period in words"), ("value", "Value"), ("status", "Status"),
                 ("caveats", "Caveats"), ("last_revised", "Last revised"), ("measure_id", "Measure code")]


def to_xlsx(view: SnapshotView) -> bytes:
    """The accessible spreadsheet: Cover, Notes, then one sheet per kind of period."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.table import Table as XlTable
    from openpyxl.worksheet.table import TableStyleInfo

    df, meta = frame(view), view.meta
    info = public_info(view)
    mark = meta.get("marker", "[c]")
    title = f"{meta.get('force', '')}: child sexual exploitation figures".strip(": ")
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    contact = info.get("contact") if isinstance(info.get("contact"), str) else ""
    if isinstance(info.get("contact"), dict):
        contact = "; ".join(f"{k.replace('_', ' ')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                            for k, v in info["contact"].items() if v and not isinstance(v, bool))
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
    note_rows = [("[note 1]", f"{mark} Suppressed: {marker_meaning(view)} A suppressed figure has no number in the "
                              "Value column; its Status column says suppressed."),
                 ("[note 2]", meta.get("banner") or MANAGEMENT_INFORMATION),
                 ("[note 3]", "A figure is revised when the force corrects a return after publication; the Status "
                              "column says revised and Last revised gives the date. Earlier releases stay available.")]
    for r in note_rows:
        notes.append([_text(x) for x in r])
    for c in ("A2", "B2"):
        notes[c].font = Font(bold=True)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    notes.add_table(XlTable(displayName="Notes_table", ref=f"A2:B{2 + len(note_rows)}",
                            tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=False)))

    for kind in HEADLINE_ORDER:
        part = df[df["period_type"] == kind]
        if part.empty:
            continue
        name, what = SHEETS[kind]
        ws = wb.create_sheet(name)
        ws["A1"] = _text(f"{what}: {title}")
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = (f"This table has {len(part)} rows. Figures shown as {mark} are suppressed [note 1]. These figures "
                    "are management information [note 2]. Revised figures are marked in the Status column [note 3].")
        ws["A3"] = _text(f"Source: {meta.get('office', '')}. Licence: {LICENCE}.")
        ws.append([h for _c, h in TABLE_COLUMNS])
        header_row = 4
        for c in range(1, len(TABLE_COLUMNS) + 1):
            ws.cell(row=header_row, column=c).font = Font(bold=True)
        for r in part.itertuples(index=False):
            rec = r._asdict()
            row = []
            for col, _h in TABLE_COLUMNS:
                v = rec[col]
                if col == "value":
                    row.append(mark if rec["status"] == "suppressed" else v)
                else:
                    row.append(_text("" if v is None else v))
            ws.append(row)
        last = header_row + len(part)
        ws.add_table(XlTable(displayName=f"{name}_table", ref=f"A{header_row}:{chr(64 + len(TABLE_COLUMNS))}{last}",
                             tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=False)))
        for letter, width in zip("ABCDEFGHIJ", (60, 14, 18, 22, 40, 10, 12, 50, 16, 26), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = f"A{header_row + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
