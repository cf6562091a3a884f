"""Print-quality checks on a PDF's bytes: a table cell's text stays inside its cell, a figure is never broken
across lines, no page is left nearly empty, and no sentence is printed twice on a page.

Each check returns a list of ``Fault``s (empty when the PDF passes), each naming its page and the text at
fault, so a failing test says what to fix. ``render_pages`` draws every page to a PNG with poppler's
``pdftoppm`` for the checks made on the image and for a person to look at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdfplumber
from PIL import Image

DPI = 100
INK = 140  # grey levels below this are glyph ink; the pack's rules are lighter (about 180)
TOLERANCE = 0.6  # points: anti-aliased glyph boxes may touch a cell's edge by a hair without crossing it
# a page under this share of its text area filled is "nearly empty"
MIN_FILL = 0.25
LONG_SENTENCE_WORDS = 8


@dataclass(frozen=True)
class Fault:
    page: int       # 1-based
    check: str      # "overflow", "ink on grid line", "split figure", "unclosed bracket", "nearly empty page",
                    # "repeated sentence"
    text: str
    detail: str = ""

    def __str__(self) -> str:
        return f"page {self.page}: {self.check}: {self.text!r}" + (f" ({self.detail})" if self.detail else "")


def _open(pdf: bytes) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(pdf))


# --- rendering ---------------------------------------------------------------------------------------------

def render_pages(pdf: bytes, folder: Path, dpi: int = DPI) -> list[Path]:
    """Every page drawn by ``pdftoppm`` as ``folder/page-NN.png`` (NN from 01), in page order.

    Earlier ``page-NN.png`` files in the folder are removed, so a shorter pack leaves no stale pages behind.
    """
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is missing: install Debian's poppler-utils (make browser-deps does).")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("page-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(source), str(Path(tmp) / "p")],
                       check=True, capture_output=True, timeout=300)
        # pdftoppm pads the page number to the width of the page count: "p-1.png" or "p-01.png"
        drawn = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        out = []
        for number, png in enumerate(drawn, start=1):
            target = folder / f"page-{number:02d}.png"
            shutil.move(png, target)
            out.append(target)
    return out


# --- tables ------------------------------------------------------------------------------------------------

def _tables(page) -> list:
    """The page's ruled tables: pdfplumber's grid from the lines and rectangles drawn."""
    return page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})


def _runs(page) -> list[dict]:
    """Runs of text on one line with ordinary spacing: a cell's text as one run, its neighbour's as another
    (cells are padded further apart than a space is wide)."""
    return page.extract_words(x_tolerance=3, y_tolerance=2, keep_blank_chars=True, use_text_flow=True)


def _inside(box: tuple, cell: tuple, tol: float = TOLERANCE) -> bool:
    x0, top, x1, bottom = box
    return (x0 >= cell[0] - tol and x1 <= cell[2] + tol and top >= cell[1] - tol and bottom <= cell[3] + tol)


def _overlaps(box: tuple, area: tuple) -> bool:
    return box[0] < area[2] and box[2] > area[0] and box[1] < area[3] and box[3] > area[1]


def cell_overflows(pdf: bytes) -> list[Fault]:
    """Text that crosses a table cell's edge or falls outside every cell of the table it lies on.

    Sees: the drawn grid (pdfplumber, from the lines and rectangles on the page) and every character's box,
    grouped into runs of text on one line; a run that is not wholly inside one cell (text running into the
    next column, below its row, or off the table's edge) is reported with its page and text.
    Cannot see: tables drawn without rules (no grid to find), text clipped by a clipping path (it is still
    in the PDF's text), white or hidden text, or a run that starts exactly at a cell's edge after a space;
    nor anything inside an image (charts).
    """
    faults = []
    with _open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            tables = _tables(page)
            if not tables:
                continue
            runs = _runs(page)
            for table in tables:
                cells = [c for c in table.cells if c]
                for run in runs:
                    box = (run["x0"], run["top"], run["x1"], run["bottom"])
                    if not run["text"].strip() or not _overlaps(box, table.bbox):
                        continue
                    if not any(_inside(box, c) for c in cells):
                        holder = max(cells, key=lambda c: _overlap_area(box, c))
                        faults.append(Fault(number, "overflow", run["text"].strip(),
                                            f"text at x {box[0]:.0f}-{box[2]:.0f} pt, its cell x "
                                            f"{holder[0]:.0f}-{holder[2]:.0f} pt, y {holder[1]:.0f}-{holder[3]:.0f}"))
    return faults


def _overlap_area(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


def ink_on_grid_lines(pdf: bytes, pngs: list[Path], dpi: int = DPI) -> list[Fault]:
    """Glyph ink on a table's vertical rules, in the drawn image: text that crosses from one column to the next.

    Sees: what poppler actually drew. Within each ruled table's area (located by pdfplumber) it finds the
    vertical rules in the image itself (pixel columns that are line-coloured down most of the table's height),
    then reports every stretch of rows where ink is drawn over a rule, or where glyph ink touches the rule
    from both sides (ReportLab draws the rules over the text, hiding the ink on the rule itself): a cell's
    padding keeps its own text clear of both. The text there is named from the PDF's characters.
    Cannot see: text that overflows a row (horizontal rules are not scanned), text whose ink is as light as the
    rule, a rule fainter than the page, or overflow in a table without rules; a rule hidden under a dark cell
    background is not found.
    """
    faults = []
    scale = dpi / 72
    with _open(pdf) as doc:
        for number, (page, png) in enumerate(zip(doc.pages, pngs, strict=True), start=1):
            tables = _tables(page)
            if not tables:
                continue
            lum = np.asarray(Image.open(png).convert("L"), dtype=np.int16)
            for table in tables:
                x0, top, x1, bottom = table.bbox
                r0, r1 = int(np.ceil(top * scale)) + 2, int(np.floor(bottom * scale)) - 2
                c0, c1 = max(int(x0 * scale) - 2, 0), min(int(np.ceil(x1 * scale)) + 2, lum.shape[1])
                if r1 - r0 < 4:
                    continue
                area = lum[r0:r1, c0:c1]
                # a rule: a pixel column that is not page-white down at least 80% of the table's height
                ruled = np.flatnonzero((area < 230).mean(axis=0) >= 0.8)
                for rule in _stretches(ruled):
                    a, b = rule[0], rule[-1]
                    line = area[:, a:b + 1].min(axis=1)
                    # ink drawn over the rule, or (the rule drawn over the ink) ink just beside it on both sides
                    over = line < np.median(line) - 45
                    left = (area[:, max(a - 3, 0):a] < INK).any(axis=1)
                    right = (area[:, b + 1:b + 4] < INK).any(axis=1)
                    for stretch in _stretches(np.flatnonzero(over | (left & right))):
                        y_pt = (r0 + stretch[0]) / scale
                        x_pt = (c0 + (a + b) / 2) / scale
                        y_end = (r0 + stretch[-1]) / scale
                        faults.append(Fault(number, "ink on grid line", _text_near(page, x_pt, y_pt),
                                            f"rule at x {x_pt:.0f} pt, y {y_pt:.0f}-{y_end:.0f} pt"))
    return faults


def _stretches(indices: np.ndarray) -> list[list[int]]:
    out: list[list[int]] = []
    for i in indices.tolist():
        if out and i - out[-1][-1] <= 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _text_near(page, x: float, y: float) -> str:
    for run in _runs(page):
        if run["x0"] - 2 <= x <= run["x1"] + 2 and run["top"] - 2 <= y <= run["bottom"] + 2:
            return run["text"].strip()
    return "(no text found there)"


# --- figures broken across lines ---------------------------------------------------------------------------

SPACES = re.compile("[\u00a0\u2007\u2009\u202f]")  # no-break and thin spaces keep a figure together; read as spaces


def _cell_lines(page, cell: tuple) -> list[str]:
    crop = page.crop(cell, strict=False)
    return [SPACES.sub(" ", line["text"]) for line in crop.extract_text_lines(layout=False, strip=True)
            if line["text"].strip()]


def _segments(page) -> list[list[str]]:
    """The page's text as runs of consecutive lines: each table cell's lines, then the lines outside tables."""
    segments = []
    tables = _tables(page)
    for table in tables:
        segments += [lines for c in table.cells if c and (lines := _cell_lines(page, c))]
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox, strict=False)
    return segments + _paragraphs(outside.extract_text_lines(layout=False, strip=True))


def _style(line: dict) -> tuple[float, bool]:
    sizes = Counter(round(c["size"], 1) for c in line["chars"] if c["text"].strip())
    bold = sum("bold" in c["fontname"].lower() for c in line["chars"]) > len(line["chars"]) / 2
    return (sizes.most_common(1)[0][0] if sizes else 0.0), bold


def _paragraphs(lines: list[dict]) -> list[list[str]]:
    """Lines grouped into paragraphs: a line joins the one above when it is set alike and follows it closely,
    so a heading, a sentence and a chart's caption stay apart."""
    out: list[list[str]] = []
    last = None
    for line in sorted((x for x in lines if x["text"].strip()), key=lambda x: x["top"]):
        style = _style(line)
        text = SPACES.sub(" ", line["text"])
        if last and style == last[0] and line["top"] - last[1] < style[0] * 0.9:
            out[-1].append(text)
        else:
            out.append([text])
        last = (style, line["bottom"])
    return out


def _line_spans(lines: list[str], joiner: str) -> tuple[str, list[tuple[int, int]]]:
    text, spans = "", []
    for line in lines:
        if text:
            text += joiner
        spans.append((len(text), len(text) + len(line)))
        text += line
    return text, spans


UNCLOSED = re.compile(r"\d[\d,.]*%?\s*\(\s*[+\-\u2212]?[\d,.]*%?$")


def split_figures(pdf: bytes, figures: list[str]) -> list[Fault]:
    """Each figure printed whole on one line; no line ends with an opening bracket after a number.

    Sees: the text of each table cell (line by line) and of the page outside tables; a figure found in a cell's
    or the page's text joined across a line break (with or without a space) is reported, as is a line ending
    "+58 (" or "+58 (+12" with its bracket left open.
    Cannot see: a figure split between two cells or pages, or one printed nowhere (see ``missing_figures``);
    a figure broken at a hyphen the renderer added.
    """
    wanted = sorted({SPACES.sub(" ", f).strip() for f in figures if f and f.strip()}, key=len, reverse=True)
    faults = []
    with _open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            for lines in _segments(page):
                for line in lines:
                    if UNCLOSED.search(line.rstrip()):
                        faults.append(Fault(number, "unclosed bracket", line.strip(), "a number's bracket is "
                                            "opened at the end of a line and closed on the next"))
                # a line broken at a space, or inside a figure ("(+12" / "3.4%)")
                for joiner in (" ", ""):
                    text, spans = _line_spans(lines, joiner)
                    for figure in wanted:
                        for at in _occurrences(text, figure):
                            end = at + len(figure)
                            if not any(a <= at and end <= b for a, b in spans):
                                cut = [lines[i] for i, (a, b) in enumerate(spans) if a < end and b > at]
                                faults.append(Fault(number, "split figure", figure, " / ".join(cut)))
    return list(dict.fromkeys(faults))


def _occurrences(text: str, needle: str) -> list[int]:
    # a figure counts only where it stands as a whole figure, not inside a longer one ("46" inside "146")
    pattern = r"(?<![\w.,])" + re.escape(needle) + r"(?![\w])(?![.,]\d)"
    return [m.start() for m in re.finditer(pattern, text)]


def missing_figures(pdf: bytes, figures: list[str]) -> list[str]:
    """The figures that are printed whole on no line of the PDF."""
    with _open(pdf) as doc:
        lines = [line for page in doc.pages for lines in _segments(page) for line in lines]
    return [f for f in dict.fromkeys(figures)
            if f.strip() and not any(_occurrences(line, SPACES.sub(" ", f).strip()) for line in lines)]


# --- pages ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageFill:
    page: int
    fill: float               # share of the text area between the running head and foot that is used
    starts_with_heading: bool


def _margin_key(page, line) -> tuple[str, str] | None:
    """Where a line sits if in the page's head or foot margin (within 21 mm of the edge), with its text;
    None in the text area, where body text may repeat from page to page."""
    band = "head" if line["bottom"] < 60 else "foot" if line["top"] > page.height - 60 else None
    return (band, re.sub(r"\d+", "#", line["text"])) if band else None


def _furniture(pages) -> set[tuple[str, str]]:
    """Lines printed in the head or foot margin of every page (the marking, "Page N of M"): the running head
    and foot. Matched by text and margin, not height, as a landscape page places them elsewhere."""
    if len(pages) < 2:
        return set()
    return set.intersection(*({_margin_key(p, line) for line in p.extract_text_lines()} - {None} for p in pages))


def page_fill(pdf: bytes) -> list[PageFill]:
    """How full each page is: from the top of its text area to the lowest text, picture or table on it.

    The text area lies between the running head and foot (lines repeated at the same height on every page).
    A page "starts with a heading" when its first line is set larger than the document's body text.
    """
    out = []
    with _open(pdf) as doc:
        pages = list(doc.pages)
        furniture = _furniture(pages)
        sizes = Counter(round(c["size"], 1) for p in pages for c in p.chars if c["text"].strip())
        body = sizes.most_common(1)[0][0] if sizes else 10
        for number, page in enumerate(pages, start=1):
            lines = page.extract_text_lines()
            fixed = [line for line in lines if _margin_key(page, line) in furniture]
            head = max((line["bottom"] for line in fixed if line["top"] < page.height / 2), default=0)
            foot = min((line["top"] for line in fixed if line["top"] >= page.height / 2), default=page.height)
            # the rules under the head and over the foot belong to them too
            head_rule = [e["bottom"] for e in page.edges if head < e["top"] < head + 12 and e["width"] > page.width / 2]
            foot_rule = [e["top"] for e in page.edges if foot - 12 < e["bottom"] < foot and e["width"] > page.width / 2]
            top = max([head, *head_rule]) + 1
            bottom = min([foot, *foot_rule]) - 1
            content = [line for line in lines if line not in fixed and top <= line["top"] <= bottom]
            lows = [line["bottom"] for line in content]
            lows += [im["bottom"] for im in page.images if im["top"] >= top - 1 and im["bottom"] <= bottom + 1]
            lows += [r["bottom"] for r in page.rects if r["top"] >= top - 1 and r["bottom"] <= bottom + 1]
            fill = (max(lows) - top) / (bottom - top) if lows else 0.0
            first = min(content, key=lambda line: line["top"], default=None)
            heading = bool(first) and max(c["size"] for c in first["chars"]) > body * 1.15
            out.append(PageFill(number, round(max(min(fill, 1.0), 0.0), 3), heading))
    return out


def nearly_empty_pages(pdf: bytes, least: float = MIN_FILL) -> list[Fault]:
    """Pages less than ``least`` full that are not a section's whole last page.

    A short page passes only when it opens with a heading (it holds a section's whole last part, not the
    tail of the page before) and it is the last page or the next page opens with a heading too. So a page
    holding one line carried over from the page before fails, wherever it falls.
    Sees: text, pictures and rectangles by their boxes. Cannot see: white space inside a picture, or a page
    that is full of nothing but a large empty table.
    """
    fills = page_fill(pdf)
    faults = []
    for i, f in enumerate(fills):
        if f.fill >= least:
            continue
        next_heading = i + 1 == len(fills) or fills[i + 1].starts_with_heading
        if f.starts_with_heading and next_heading:
            continue
        faults.append(Fault(f.page, "nearly empty page", f"{f.fill:.0%} of the page used",
                            "opens with " + ("a heading" if f.starts_with_heading else "text carried over")
                            + ("; it is the last page" if i + 1 == len(fills) else
                               "; the next page " + ("opens with a heading" if next_heading else "does not"))))
    return faults


# a sentence ends at a full stop, question or exclamation mark before a capital, a bullet or a number; a
# label ("Barnsley: ...") before a capital is cut off too, so one caveat under each district's name counts
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=:))\s+(?=[A-Z\"'(\u2022\d])|\s*\u2022\s*")


FINISHED = re.compile(r"[.!?][\"')\]]*$")


def repeated_sentences(pdf: bytes, words: int = LONG_SENTENCE_WORDS) -> list[Fault]:
    """Sentences of more than ``words`` words printed twice or more on one page.

    Sees: the text of each table cell and of the page outside tables, joined line to line and split into
    sentences at a full stop, question or exclamation mark (or a label's colon) followed by a capital, and at
    bullets. Only finished sentences count: a status in a table column ("May or may not meet the aspiration
    (hit and miss)") is a label, repeated row by row by design. Cannot see: a sentence repeated on another
    page (a caveat on every page is allowed), or one repeated in different words.
    """
    faults = []
    with _open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            counts: Counter[str] = Counter()
            for lines in _segments(page):
                text = re.sub(r"\s+", " ", " ".join(lines))
                counts.update(s.strip() for s in SENTENCE_END.split(text)
                              if len(s.split()) > words and FINISHED.search(s.strip()))
            faults += [Fault(number, "repeated sentence", s, f"printed {n} times") for s, n in counts.items() if n > 1]
    return faults


def all_faults(pdf: bytes, figures: list[str], pngs: list[Path], dpi: int = DPI) -> list[Fault]:
    """Every check above on every page."""
    return [*cell_overflows(pdf), *ink_on_grid_lines(pdf, pngs, dpi), *split_figures(pdf, figures),
            *nearly_empty_pages(pdf), *repeated_sentences(pdf)]
