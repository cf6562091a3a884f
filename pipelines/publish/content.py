"""What a public page says, decided once: pages as plain blocks that two renderers draw.

A page-content function reads one published snapshot (and the pointer that carries the withdrawal
notices) and returns a `Page`: a title and a list of blocks. The static site (`pipelines.publish.site`)
writes each block as HTML; the Streamlit public app (`dashboard.public_render`) draws the same blocks with
Streamlit's elements. Neither renderer decides a word or a figure: every sentence, number and marker is
in the blocks. Text in a block is plain text (never HTML or Markdown); each renderer escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..public import HIDDEN_HOVER, HIDDEN_KEY
from .language import language_of


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 2 or 3: a page's own title is the page's, level 1
    # the section's name a link can go to ("quality": a Link to "methodology#quality"); "" for none
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    small: bool = False  # small print (a footnote, a date): still the body's colour and contrast
    # the part of `text` written in another language than the pages' English (a question the public sent in Welsh),
    # and that language ("cy"): each renderer marks it, so that a screen reader says it in its own language
    # (WCAG 3.1.2, Language of Parts). The part ends the text, or is followed by `after` (the pages' own words, as
    # "A follow-up was set for ..." after a decision's rationale). Set by `quoting`
    quoted: str = ""
    lang: str = ""
    after: str = ""

    def parts(self) -> tuple[str, str, str, str]:
        """(the text before the part in another language, that part, its language, the text after it); the whole
        text and no part when it has none."""
        if self.lang and self.quoted and self.text.endswith(self.after):
            end = len(self.text) - len(self.after)
            if self.text[:end].endswith(self.quoted):
                return self.text[: end - len(self.quoted)], self.quoted, self.lang, self.after
        return self.text, "", "", ""


def quoting(lead: str, said: object, small: bool = False, after: str = "") -> Paragraph:
    """A paragraph of `lead` then text from the public or the force as it was written ("Question (asked by ...): "
    and the question, or a decision's rationale), then `after` (the pages' own words, if any), the text as written
    marked with its language when it is not English (`language_of`)."""
    said = str(said)
    lang = language_of(said)
    return Paragraph(f"{lead}{said}{after}", small, said if lang else "", lang, after if lang else "")


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A link to another public page (`href` a page slug such as "definitions", or a section of it named by its
    heading's anchor, "methodology#quality") or to a download file (`href` a file name such as
    "published-figures.csv"), or to an outside address (https:// or tel:)."""

    text: str
    href: str
    description: str = ""


@dataclass(frozen=True)
class Cell:
    """One table cell: the text shown; for a figure, its number (None when suppressed or not a number),
    whether it is suppressed (the text is then the marker) and that it is a figure (right-aligned); and the marker of
    the caveats published with the figure ("[note 1]", "[notes 2 to 4]"), shown after it and kept out of `text`,
    which stays the figure as published."""

    text: str
    value: float | None = None
    suppressed: bool = False
    numeric: bool = False
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A table with a caption; the first cell of each row heads the row."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""  # said under the table (the suppression marker's meaning, say)
    # the caveats published with figures the table shows, each opening with the marker its figure's cell carries
    # ("[note 1] ..."), listed under the table after `notes_title`: a table copied or read on its own keeps them
    notes: tuple[str, ...] = ()
    notes_title: str = ""
    # the caption says what the heading just above the table says: kept for a screen reader, which names a table by
    # its caption, but not shown, so that a reader does not see the same words twice
    caption_hidden: bool = False


@dataclass(frozen=True)
class ChartPoint:
    period: str              # YYYY-MM
    value: float | None      # None when suppressed or not published
    status: str              # "published" | "suppressed" | "not published"
    display: str = ""        # the text a table shows for it


@dataclass(frozen=True)
class ChartEvent:
    date: str                # YYYY-MM-DD
    title: str
    line: str                # the sentence listing it under the chart
    when: str = ""           # "26 August 2014", or its month alone when only that is known; the date when not given


@dataclass(frozen=True)
class Chart:
    """A monthly series drawn as a chart that only enhances `table`, which is always shown with it.

    `sentence` says in words what the chart shows. Suppressed months are drawn as suppressed (marked, never as
    a gap or a zero); months not published are gaps. A count's axis shows whole numbers only.
    """

    title: str
    unit: str
    whole_numbers: bool
    points: tuple[ChartPoint, ...]
    sentence: str
    table: Table
    events: tuple[ChartEvent, ...] = ()
    key: str = ""            # a stable identifier (measure and area), for widget keys and file names
    # what the key under the chart says of a hidden month after its marker, and what its hover adds to "hidden ([c])":
    # as the publication said it ("not zero", or "may be zero" when it hid its zeros too)
    hidden_key: str = HIDDEN_KEY
    hidden_hover: str = HIDDEN_HOVER
    # what the line drawn is, as the key under the chart names it (the measure; the title above names its area and
    # view too): the title when not given
    name: str = ""


@dataclass(frozen=True)
class Notice:
    """A prominent box: "info" (the management-information banner), "warning" (a withdrawal) or "signpost"
    (how to report a concern about a child: on every page). `level` is its title's heading level in the page's
    outline: 2 for a box of the page's own, 3 or 4 for one under a heading of level 2 or 3 (a withdrawal listed
    under Revisions > Publications withdrawn), so that the levels never go back up (WCAG 1.3.1)."""

    title: str
    lines: tuple[str, ...]
    kind: str = "info"
    links: tuple[Link, ...] = ()
    level: int = 2

    def on_page(self, slug: str) -> Notice:
        """The box as the page `slug` shows it: without a link to that page itself (the signpost's link to
        report a concern, on the page that says how)."""
        kept = tuple(lk for lk in self.links if lk.href != slug)
        return self if kept == self.links else replace(self, links=kept)


@dataclass(frozen=True)
class Details:
    """Blocks shown folded under a summary line (a chart's data table, say); open in the static site's print."""

    summary: str
    blocks: tuple = ()


Block = Heading | Paragraph | Bullets | Link | Table | Chart | Notice | Details


@dataclass(frozen=True)
class Page:
    slug: str                          # the file name without .html ("index" for the summary)
    title: str
    blocks: tuple = ()
    description: str = ""              # one line: the page's meta description and its line in the site's contents
    in_navigation: bool = True
    extra: dict = field(default_factory=dict, compare=False)  # renderer hints (none decide content)


# --------------------------------------------------------------------------------------------------
# The snapshot as the page-content functions read it
# --------------------------------------------------------------------------------------------------

PERIOD_TYPES = {"month": "Month", "quarter": "Financial quarter", "financial_year": "Financial year",
                "rolling_12_months": "12 months to"}
# A kind of period named on its own ("12 months: August 2014 to July 2015", a table's "Period type" column)
PERIOD_TYPE_WORDS = {**PERIOD_TYPES, "rolling_12_months": "12 months"}


class SnapshotView:
    """One published snapshot (or none: nothing published) and the pointer that names it, read once per table.

    Tables (see `pipelines.publish.snapshot`): figure, measure, period, caveat, revision, event, meta,
    board_item, and, in snapshots written since they were added, disclosure_audit, release and breakdown. A table a
    snapshot does not hold reads as an empty frame.
    """

    def __init__(self, path, pointer: dict | None = None):
        from pathlib import Path

        self.path = None if path is None else Path(path)
        self.pointer = dict(pointer or {})
        self._tables: dict = {}

    def table(self, name: str):
        """The whole table as a pandas frame (empty when the snapshot has no such table or nothing is published)."""
        import pandas as pd

        if name not in self._tables:
            if self.path is None:
                self._tables[name] = pd.DataFrame()
            else:
                import duckdb

                con = duckdb.connect(str(self.path), read_only=True, config={"enable_external_access": False})
                try:
                    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                        [name]).fetchall()[0][0]
                    self._tables[name] = con.execute(f'SELECT * FROM "{name}"').df() if found else pd.DataFrame()
                finally:
                    con.close()
        return self._tables[name]

    @property
    def published(self) -> bool:
        return self.path is not None and not self.meta == {}

    @property
    def meta(self) -> dict[str, str]:
        df = self.table("meta")
        return dict(zip(df["key"], df["value"], strict=True)) if not df.empty else {}

    @property
    def withdrawals(self) -> list[dict]:
        """Publications withdrawn, as the pointer carries them (published_at, withdrawn_at, reason)."""
        return [w for w in self.pointer.get("withdrawals") or [] if isinstance(w, dict)]


def tick_every(span: int) -> int | None:
    """Every how many months (or quarters) a chart whose last is `span` of them after its first is ticked, each tick
    on one and labelled with it: every one up to 4, every other up to 8, every third up to 12. Over a few months
    plotly ticks by the week or the day ("Dec 6", "Dec 13", ..., January unlabelled). None over a longer span, where
    plotly's own ticks fall on months (half years) or years. The public charts and the internal SPC charts both."""
    return next((s for s in (1, 2, 3) if span <= 4 * s), None)
