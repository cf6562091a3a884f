"""The public site as static files, built from a published snapshot: HTML pages, a stylesheet and the downloads.

`build_site` writes every page the page-content functions return (`pipelines.publish.pages`, and the
information pages of `pipelines.publish.info` when that module is present) as a self-contained HTML file
that any web server, object store or CDN can serve. Nothing needs JavaScript: each chart is an inline SVG
drawn from its `Chart` block, with its table always under it as a real <table>. Every text is escaped;
every page has the language, a skip link, the site's navigation, the signpost to report a concern about a
child (when configured), the management-information banner and a footer with the licence.
"""

from __future__ import annotations

import math
import shutil
from html import escape
from pathlib import Path

from ..chart_text import spoken
from ..public import month_text
from . import downloads
from .content import (
    Bullets,
    Cell,
    Chart,
    Details,
    Heading,
    Link,
    Notice,
    Page,
    Paragraph,
    SnapshotView,
    Table,
)
from .pages import BOARD_FILE, BREAKDOWNS_FILE, board_rows, breakdown_rows, data_pages, day, office_of, site_title

ASSETS = Path(__file__).with_name("site_assets")
STYLESHEET = "site.css"
DOWNLOAD_FILES = {"published-figures.csv": downloads.to_csv, "published-figures.json": downloads.to_json,
                  "published-figures.xlsx": downloads.to_xlsx}
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
NAV_LABELS = {"index": "Summary"}


def e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def href_of(target: str) -> str:
    """A Link's target as an address: a page slug becomes its file; files and outside addresses stay."""
    t = str(target)
    if t.startswith(("https://", "http://", "tel:", "mailto:", "#")) or "." in t.rsplit("/", 1)[-1]:
        return t
    page, hashed, section = t.partition("#")  # a section of a page: "methodology#quality"
    return f"{page}.html" + (f"#{section}" if hashed else "")


# --------------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------------

class Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self, stem: str) -> str:
        self.n += 1
        safe = "".join(c if c.isalnum() else "-" for c in stem.lower()).strip("-")[:40] or "block"
        return f"{safe}-{self.n}"


def render_cell(cell: Cell, header: bool = False) -> str:
    # a caveat's marker after the figure, on a line of its own when the column is narrow (never split itself)
    note = f' <span class="note-ref">{e(cell.note)}</span>' if getattr(cell, "note", "") else ""
    if header:
        return f'<th scope="row">{e(cell.text)}{note}</th>'
    cls = " ".join(c for c in ("num" if cell.numeric else "", "suppressed" if cell.suppressed else "",
                               "noted" if note else "") if c)
    return f'<td{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{e(cell.text)}{note}</td>'


def render_notes(t: Table) -> str:
    """The caveats a table's figures carry, listed under it after their title; nothing when it has none."""
    if not t.notes:
        return ""
    title = f'<p class="small table-notes-title">{e(t.notes_title)}</p>' if t.notes_title else ""
    return title + '<ul class="list small table-notes">' + "".join(f"<li>{e(n)}</li>" for n in t.notes) + "</ul>"


def render_table(t: Table, ids: Ids, notes: bool = True) -> str:
    """A real table in a region that may scroll sideways on a phone: focusable and labelled, so a keyboard can
    scroll it (the first column after the row heading is the force total, seen without scrolling); then its note
    and, unless `notes` is false (the app draws them apart), the caveats its figures carry (`render_notes`)."""
    def figures(i: int) -> bool:  # a heading aligns with its column: right over figures only
        return i > 0 and bool(t.rows) and all(
            len(r) <= i or getattr(r[i], "numeric", False) or getattr(r[i], "suppressed", False) for r in t.rows)

    numeric = [figures(i) for i in range(len(t.columns))]
    head = "".join(f'<th scope="col"{" class=" + chr(34) + "num" + chr(34) if numeric[i] else ""}>{e(c)}</th>'
                   for i, c in enumerate(t.columns))
    body = "".join("<tr>" + "".join(render_cell(c, header=(i == 0)) for i, c in enumerate(row)) + "</tr>"
                   for row in t.rows)
    cid = ids.next(t.caption)
    hidden = ' class="visually-hidden"' if t.caption_hidden else ""  # the heading above says it
    out = (f'<div class="table-wrap" role="region" aria-labelledby="{cid}" tabindex="0">'
           f'<table><caption id="{cid}"{hidden}>{e(t.caption)}</caption><thead><tr>{head}</tr></thead>'
           f"<tbody>{body}</tbody></table></div>")
    if t.note:
        out += f'<p class="small">{e(t.note)}</p>'
    return out + (render_notes(t) if notes else "")


def _ticks(top: float, whole: bool) -> list[float]:
    """Axis ticks from 0 to at least `top`: at most 6, whole numbers only for counts."""
    top = max(top, 1.0 if whole else 0.1)
    raw = top / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if whole:
        step = max(1, math.ceil(step))
    n = math.ceil(top / step)
    return [round(i * step, 6) for i in range(n + 1)]


def _tick_text(v: float, whole: bool, pct: bool) -> str:
    text = f"{int(v):,}" if whole or float(v).is_integer() else f"{v:,.1f}"
    return text + ("%" if pct else "")


def render_chart(c: Chart, ids: Ids) -> str:
    """The chart's title, then an inline SVG of the monthly series: a line through published months, a dashed column
    the chart's full height with the marker text at its top for a suppressed month (never a point, so never read as a
    zero, and never a silent gap), a shaded band for a month not published; then the sentence, the key, the events and
    the table. With no month shown (every month hidden) the value axis has no numbers."""
    w, h, left, right, top, bottom = 720, 260, 76, 12, 16, 44
    pw, ph = w - left - right, h - top - bottom
    pts = list(c.points)
    n = max(len(pts), 1)
    pct = c.unit == "per cent"
    values = [p.value for p in pts if p.status == "published" and p.value is not None]
    ticks = _ticks(max(values) if values else 1.0, c.whole_numbers)
    ymax = ticks[-1] or 1.0

    def x(i: int) -> float:
        return left + (i + 0.5) * pw / n

    def y(v: float) -> float:
        return top + ph - (v / ymax) * ph

    parts = []
    # with no month shown the axis measures nothing: numbers on it (0 to 1 for a count) would suggest figures near 1
    for t in ticks if values else ():
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#b1b4b6" '
                     'stroke-width="1"/>')
        parts.append(f'<text class="ax" x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#0b0c0c">{e(_tick_text(t, c.whole_numbers, pct))}</text>')
    for i, p in enumerate(pts):
        if p.status == "not published":
            parts.append(f'<rect x="{x(i) - pw / n / 2:.1f}" y="{top}" width="{pw / n:.1f}" height="{ph}" '
                         'fill="#dddcdb"/>')
        elif p.status == "suppressed":  # the month's whole column, never a point: a hidden figure is not a zero
            parts.append(f'<rect class="hidden-month" x="{x(i) - pw / n * 0.4:.1f}" y="{top}" '
                         f'width="{pw / n * 0.8:.1f}" height="{ph}" fill="#f3f2f1" stroke="#505a5f" '
                         'stroke-width="1.5" stroke-dasharray="4 3"/>')
    segment: list[str] = []
    lines = []
    for i, p in enumerate(pts):
        if p.status == "published" and p.value is not None:
            segment.append(f"{x(i):.1f},{y(p.value):.1f}")
        else:
            if len(segment) > 1:
                lines.append(segment)
            segment = []
    if len(segment) > 1:
        lines.append(segment)
    parts += [f'<polyline points="{" ".join(s)}" fill="none" stroke="#1d70b8" stroke-width="3"/>' for s in lines]
    for i, p in enumerate(pts):
        if p.status == "published" and p.value is not None:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="4" fill="#1d70b8"/>')
        elif p.status == "suppressed" and n <= 24:  # its marker at the top of its column
            parts.append(f'<text class="mk" x="{x(i):.1f}" y="{top + 14:.1f}" text-anchor="middle" '
                         f'font-size="11" fill="#0b0c0c">{e(p.display)}</text>')
    every = max(1, math.ceil(n / 8))
    for i, p in enumerate(pts):
        if i % every == 0 or (n == 1):
            label = month_text(p.period)
            label = label[:3] + label[-5:] if len(label) > 8 else label
            # on a phone the chart is drawn at half size: larger text, every other month named (the style sheet)
            kind = "ax minor" if (i // every) % 2 else "ax"
            parts.append(f'<text class="{kind}" x="{x(i):.1f}" y="{h - bottom + 18}" text-anchor="middle" '
                         f'font-size="12" fill="#0b0c0c">{e(label)}</text>')
    parts.append(f'<line x1="{left}" x2="{w - right}" y1="{top + ph}" y2="{top + ph}" stroke="#0b0c0c"/>')
    tid = ids.next(c.key or c.title)
    svg = (f'<svg viewBox="0 0 {w} {h}" role="img" aria-labelledby="{tid}" focusable="false" '
           f'xmlns="http://www.w3.org/2000/svg"><title id="{tid}">{e(spoken(c.title))}</title>'
           + "".join(parts) + "</svg>")
    key = [f'<li><span class="key-line"></span> {e(c.name or c.title)} ({e(c.unit)})</li>']
    marker = next((p.display for p in pts if p.status == "suppressed"), "")
    if marker:
        key.append(f'<li><span class="key-hidden"></span> {e(marker)} {e(c.hidden_key)}</li>')
    if any(p.status == "not published" for p in pts):
        key.append('<li><span class="key-gap"></span> Shaded: not published</li>')
    # the chart's title drawn over it, as the app's chart draws its own, so that the chart read (or copied) on its
    # own says what it shows; wrapped as text on a phone. Its words are the picture's name, said once to a screen
    # reader there; the sentence under it is the figure's caption, read once after the picture (WCAG 1.1.1), never
    # in its name too
    out = (f'<figure class="chart"><p class="chart-title" aria-hidden="true">{e(c.title)}</p>{svg}'
           f'<figcaption>{e(c.sentence)}</figcaption>'
           f'<ul class="chart-legend" aria-label="Key">{"".join(key)}</ul></figure>')
    if c.events:
        out += ("<p>Events marked on this measure:</p><ul class=\"list\">"
                + "".join(f"<li>{e(ev.line)}</li>" for ev in c.events) + "</ul>")
    return out + render_table(c.table, ids)


def render_notice(nt: Notice, ids: Ids) -> str:
    kind = nt.kind if nt.kind in ("info", "warning", "signpost") else "info"
    hid = ids.next(nt.title)
    body = "".join(f"<p>{e(line)}</p>" for line in nt.lines)
    if nt.links:
        body += '<ul class="list">' + "".join(
            f'<li><a href="{e(href_of(lk.href))}">{e(lk.text)}</a>{(" " + e(lk.description)) if lk.description else ""}'
            "</li>" for lk in nt.links) + "</ul>"
    level = min(max(int(nt.level), 2), 4)  # under the page's h1; a box under an h3 is an h4
    return (f'<section class="notice notice-{kind}" aria-labelledby="{hid}"><h{level} class="notice-title" '
            f'id="{hid}">{e(nt.title)}</h{level}><div class="notice-body">{body}</div></section>')


def render_block(b, ids: Ids) -> str:
    if isinstance(b, Heading):
        level = 3 if b.level >= 3 else 2
        named = f' id="{e(b.anchor)}"' if b.anchor else ""  # a section a link goes to
        return f"<h{level}{named}>{e(b.text)}</h{level}>"
    if isinstance(b, Paragraph):
        lead, part, lang, after = b.parts()  # a part in another language is marked with it (WCAG 3.1.2)
        text = e(lead) + (f'<span lang="{e(lang)}">{e(part)}</span>{e(after)}' if part else "")
        return f'<p class="small">{text}</p>' if b.small else f"<p>{text}</p>"
    if isinstance(b, Bullets):
        return '<ul class="list">' + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Link):
        desc = f" {e(b.description)}" if b.description else ""
        return f'<p><a href="{e(href_of(b.href))}">{e(b.text)}</a>{desc}</p>'
    if isinstance(b, Table):
        return render_table(b, ids)
    if isinstance(b, Chart):
        return render_chart(b, ids)
    if isinstance(b, Notice):
        return render_notice(b, ids)
    if isinstance(b, Details):
        inner = "".join(render_block(x, ids) for x in b.blocks)
        return f'<details><summary>{e(b.summary)}</summary><div class="details-body">{inner}</div></details>'
    return f"<p>{e(getattr(b, 'text', ''))}</p>"


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------

def _info():
    """`pipelines.publish.info` when it is present (its pages and the signpost), else None."""
    import importlib.util

    if importlib.util.find_spec(f"{__package__}.info") is None:
        return None
    return importlib.import_module(f"{__package__}.info")


def signpost(view: SnapshotView) -> Notice | None:
    info = _info()
    fn = getattr(info, "signpost", None) if info is not None else None
    return fn(view) if fn is not None else None


def render_page(page: Page, pages: list[Page], view: SnapshotView, notice: Notice | None = None) -> str:
    """One page as a whole HTML document; `pages` gives the navigation; `notice` is the signpost (looked up
    when not given)."""
    ids = Ids()
    site = site_title(view)
    notice = notice if notice is not None else signpost(view)
    notice = notice.on_page(page.slug) if notice is not None else None
    nav = "".join(
        f'<li><a href="{e(p.slug)}.html"{" aria-current=" + chr(34) + "page" + chr(34) if p.slug == page.slug else ""}>'
        f"{e(NAV_LABELS.get(p.slug, p.title))}</a></li>" for p in pages if p.in_navigation)
    blocks = "".join(render_block(b, ids) for b in page.blocks)
    top = render_notice(notice, ids) if notice is not None else ""
    slugs = {p.slug for p in pages}
    foot = [f'<li><a href="{OGL}">Open Government Licence v3.0</a></li>']
    for slug, text in (("accessibility", "Accessibility statement"), ("licence", "Licence"), ("contact", "Contact")):
        if slug in slugs:
            foot.append(f'<li><a href="{slug}.html">{text}</a></li>')
    published = view.meta.get("created_at", "")
    made = f"Published by {e(office_of(view).name)}" + (f" on {e(day(published))}" if published else "") + "."
    description = f'<meta name="description" content="{e(page.description)}">' if page.description else ""
    title = page.title if page.slug != "index" else site
    # the browser's tab and a search result name the page, then the site; the summary is the site's own page
    head = title if title == site else f"{title} - {site}"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(head)}</title>\n{description}\n"
        f'<link rel="stylesheet" href="{STYLESHEET}">\n</head>\n<body>\n'
        '<a class="skip-link" href="#main">Skip to main content</a>\n'
        f'<header class="site-header"><div class="width"><a href="index.html">{e(site)}</a></div></header>\n'
        f'<nav class="site-nav" aria-label="Pages"><div class="width"><ul>{nav}</ul></div></nav>\n'
        f'<div class="width"><main id="main" tabindex="-1">\n<h1>{e(title)}</h1>\n{top}\n{blocks}\n</main></div>\n'
        f'<footer class="site-footer"><div class="width"><ul>{"".join(foot)}</ul>'
        "<p>All content is available under the Open Government Licence v3.0, except where otherwise stated.</p>"
        f"<p>{made}</p></div></footer>\n</body>\n</html>\n")


def site_pages(view: SnapshotView) -> list[Page]:
    """Every page of the site: the data pages, then the information pages (when that module is present)."""
    pages = data_pages(view)
    info = _info()
    more = getattr(info, "pages", None) if info is not None else None
    if more is not None:
        seen = {p.slug for p in pages}
        for p in more(view):
            if p.slug not in seen:
                pages.append(p)
                seen.add(p.slug)
    return pages


def build_site(view: SnapshotView, out_dir: Path) -> list[Path]:
    """Write the static site into `out_dir` (which exists and is empty); returns the files written."""
    out_dir = Path(out_dir)
    pages = site_pages(view)
    notice = signpost(view)
    written = []
    for page in pages:
        path = out_dir / f"{page.slug}.html"
        path.write_text(render_page(page, pages, view, notice), encoding="utf-8")
        written.append(path)
    for css in sorted(ASSETS.glob("*.css")):
        shutil.copyfile(css, out_dir / css.name)
        written.append(out_dir / css.name)
    if view.published:
        files = dict(DOWNLOAD_FILES)
        if not breakdown_rows(view).empty:  # a snapshot from before breakdowns were published has none
            files[BREAKDOWNS_FILE[0]] = downloads.breakdowns_csv
        if not board_rows(view).empty:  # the record the Questions and decisions page offers as CSV
            files[BOARD_FILE[0]] = downloads.board_csv
        for name, make in files.items():
            (out_dir / name).write_bytes(make(view))
            written.append(out_dir / name)
    return written
