"""Running the apps under Streamlit's AppTest, as a given user, on a given warehouse or snapshot."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from pipelines import records, warehouse

ROOT = Path(__file__).resolve().parent.parent
INTERNAL = str(ROOT / "dashboard" / "app.py")
PUBLIC = str(ROOT / "dashboard" / "public_app.py")
INTERNAL_PAGES = [f"internal_pages/{name}.py" for name in (
    "briefing", "measure", "breakdowns", "pack", "context", "checks", "quarantine", "files", "returns", "provenance",
    "flags", "publishing", "audit", "meetings", "actions", "recommendations", "public_questions", "upload", "datadocs")]
PUBLIC_PAGES = ["public_pages/summary.py", "public_pages/tables.py", "public_pages/board.py", "public_pages/ask.py",
                "public_pages/accessibility.py"]
# Where the demo provider's accounts come from, as access.yaml's issuers trust it (the default --provider-port).
DEMO_ISSUER = "http://127.0.0.1:9400"


def claims_of(email: str, **more: object) -> dict:
    """What a sign-in at the demo provider gives Streamlit's st.user: the issuer, a subject and a verified address."""
    return {"is_logged_in": True, "iss": DEMO_ISSUER, "sub": email, "email": email, "email_verified": True, **more}


PCC = claims_of("pcc@example.org", name="The Commissioner")
ANALYST = claims_of("analyst@example.org")
NO_ROLE = claims_of("visitor@example.org")
ANONYMOUS = {"is_logged_in": False}


def copy_warehouse(src: Path, dest_dir: Path) -> Path:
    """A private copy of a warehouse (its read copy, and its police.uk records) that a test may write to."""
    dest = dest_dir / "wh.duckdb"
    shutil.copyfile(src, dest)
    shutil.copyfile(warehouse.read_copy_path(src), warehouse.read_copy_path(dest))
    if records.path_of(src).exists():
        shutil.copyfile(records.path_of(src), records.path_of(dest))
    return dest


def internal(monkeypatch, db: Path, page: str, user: dict = PCC) -> AppTest:
    monkeypatch.setenv("PCCDASH_DB", str(db))
    at = AppTest.from_file(INTERNAL, default_timeout=60)
    at.user = dict(user)
    at.run()
    if page != "internal_pages/briefing.py" and not at.exception:
        at.switch_page(page)
        at.run()
    return at


def public(monkeypatch, folder: Path, page: str) -> AppTest:
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    monkeypatch.delenv("PCCDASH_DB", raising=False)
    at = AppTest.from_file(PUBLIC, default_timeout=60)
    at.run()
    at.switch_page(page)
    at.run()
    return at


class _Tables(HTMLParser):
    """The tables in a piece of HTML: rows of cell texts (head row first), and all the text outside styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._style = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell = []
        self._style = tag == "style"

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _html(at: AppTest) -> list[_Tables]:
    found = []
    for element in at.get("html"):
        parsed = _Tables()
        parsed.feed(element.proto.body)
        found.append(parsed)
    return found


def _frames(parsed: _Tables) -> list[pd.DataFrame]:
    frames = []
    for rows in parsed.tables:
        if not rows:
            continue
        head, body = rows[0], rows[1:]
        frame = pd.DataFrame([r + [""] * (len(head) - len(r)) for r in body], columns=head)
        frames.append(frame.set_index(head[0]) if len(head) > 1 else frame)
    return frames


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table the page draws (as HTML), as a frame of cell texts: the first column heads the rows."""
    return [frame for parsed in _html(at) for frame in _frames(parsed)]


def tables_in(markup: str) -> list[pd.DataFrame]:
    """Every table in a piece of HTML (a static site's page), as `html_tables` gives them."""
    parsed = _Tables()
    parsed.feed(markup)
    return _frames(parsed)


def texts(at: AppTest) -> str:
    """Everything a person reads on the page, as one text, for asserting on what is shown."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [" ".join(" ".join(p.text).split()) for p in _html(at)]
    parts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    # as read: Markdown's backslash escapes removed, and the unseen space that keeps an address from being a link
    return re.sub(r"\\(.)", r"\1", "\n".join(parts)).replace("\u200b", "")


def downloads_of(monkeypatch) -> list[tuple[str, bytes]]:
    """Every file the pages hand to the browser from now on: (file name, bytes)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    served: list[tuple[str, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        served.append((filename or "", path_or_data))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return served


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.IGNORECASE | re.DOTALL)
_LEVEL = {"title": 1, "header": 2, "subheader": 3}


def headings(at: AppTest) -> list[tuple[int, str]]:
    """Every heading of the page's main area in the order a screen reader meets them, as (level, text): the title,
    headers and subheaders, Markdown's "#" lines (in a box too) and HTML's <h1>-<h6>."""
    found: list[tuple[int, str]] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        if kind in _LEVEL:
            found.append((_LEVEL[kind], str(node.value)))
        elif kind in ("markdown", "caption", "info", "warning", "error", "success"):  # an alert's body is Markdown
            found.extend((len(m.group(1)), m.group(2).strip()) for m in _MD_HEADING.finditer(str(node.value)))
        elif kind == "html":
            found.extend((int(m.group(1)), re.sub(r"<[^>]+>", "", m.group(2)).strip())
                         for m in _HTML_HEADING.finditer(node.proto.body))
        for key in sorted(getattr(node, "children", {}) or {}):
            walk(node.children[key])

    walk(at.main)
    return found


def heading_problems(found: list[tuple[int, str]]) -> list[str]:
    """What is wrong with a page's headings for WCAG 1.3.1: not one h1 first, or a level skipped on the way down."""
    problems = []
    if [level for level, _ in found].count(1) != 1 or not found or found[0][0] != 1:
        problems.append(f"not one h1 first: {found[:3]}")
    for (before, _), (level, text) in zip(found, found[1:], strict=False):
        if level > before + 1:
            problems.append(f"h{before} then h{level} ({text!r})")
    return problems


def moment_text(when, fmt: str) -> str:
    """A time as a grid's column format (Moment.js tokens: D, MMMM, YYYY, HH, mm, z, and [text] as is) writes it in
    the browser: what a column of `ui.time_column` (or of `ui.day_column`, a date) shows, for comparing with the
    words of the page's sentences."""
    from pipelines.uk_time import MONTHS

    tokens = {"D": lambda: str(when.day), "MMMM": lambda: MONTHS[when.month - 1], "YYYY": lambda: f"{when.year:04d}",
              "HH": lambda: f"{when.hour:02d}", "mm": lambda: f"{when.minute:02d}", "z": lambda: when.tzname()}
    return re.sub(r"\[([^\]]*)\]|MMMM|YYYY|HH|mm|D|z", lambda m: m.group(1) if m.group(1) is not None
                  else tokens[m.group(0)](), fmt)


def grid_times(element, heading: str) -> list[str]:
    """A grid's column of times as the browser shows them, from its values and its column's format (the grid keeps
    the time itself, so that it sorts as time does); an AssertionError if the column is not one of times."""
    import json

    config = json.loads(element.proto.columns)[heading]["type_config"]
    assert config["type"] == "datetime", config
    column = element.value[heading]
    assert str(column.dt.tz) == config["timezone"] == "Europe/London", (column.dtype, config)
    return ["" if pd.isna(t) else moment_text(t, config["format"]) for t in column]


def grid_days(element, heading: str) -> list[str]:
    """A grid's column of days as the browser shows them, from its values and its column's format (the grid keeps
    the date itself, so that it sorts as days do); an AssertionError if the column is not one of dates."""
    import datetime as dt
    import json

    config = json.loads(element.proto.columns)[heading]["type_config"]
    assert config["type"] == "date", config
    column = element.value[heading]
    assert all(pd.isna(d) or isinstance(d, dt.date) for d in column), column.tolist()
    return ["" if pd.isna(d) else moment_text(d, config["format"]) for d in column]


# The room a table has on a laptop's screen, 1280 pixels wide with the sidebar open: the page's main column.
LAPTOP_TABLE_WIDTH = 820


def column_widths(element) -> dict[str, int]:
    """The widths in pixels a grid sets for its columns (a column left to size itself is not listed)."""
    import json

    return {h: c["width"] for h, c in json.loads(element.proto.columns).items() if isinstance(c.get("width"), int)}
