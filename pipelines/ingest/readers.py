"""Reading a return file (CSV or XLSX, long or wide layout) into rows of text with their source place.

Nothing here decides whether a figure is acceptable beyond the file's shape: that is `checks.py`.
Every row that leaves a reader says where it came from: sheet, row as a spreadsheet numbers it,
and the column its value was read from.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import datetime as dt
import difflib
import hashlib
import re
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from .. import settings
from ..catalogue import catalogue, dimensions, force, reference_file
from ..errors import Problem, shown
from ..uk_time import month_named
from ..warehouse import scalar

LONG_REQUIRED = ("period", "district", "measure", "value")
LONG_OPTIONAL = ("note",)
PERIOD_HEADINGS = ("period", "month")
NOTE_SHEETS = ("notes", "about", "contents", "readme")
STAGED_COLUMNS = ("source_sheet", "source_row", "source_column", "period", "district", "measure",
                  "value", "note", "dimension", "category", "category_column")
# A breakdown row: `dimension` is the id of a dimension declared in dimensions.yaml (a long column's heading or a
# wide block's "Breakdown" row, read here), `category` its value as written (the contract says whether it is
# declared), `category_column` the heading or column it was written under; all three NULL for a measure's total.
_STAGED_TYPES = {c: "INTEGER" if c == "source_row" else "VARCHAR" for c in STAGED_COLUMNS}
# Up to this many rows are staged as SQL list parameters; more go through Arrow, which is faster per row
# but makes DuckDB import pyarrow and pandas (about half a second, most of a monthly return's check).
ARROW_FROM_ROWS = 5_000


class FileRejected(Exception):
    """The file cannot be loaded as it stands; carries the problems found reading it.

    `partial`: when every problem left the rest of the file readable (a formula or a merged cell, a hidden sheet, a
    row or cell read past), what was read of the rest, staged as `staged_raw` as a good file's rows are, so that its
    figures can be checked against the contract too and one refusal name every problem. None when the file's
    figures cannot be known (not a workbook, a sheet without a header, a header that cannot be read): then the
    problems are all there is to say. The file is refused either way.

    `sha256`: of a file refused by `inspect_file` after its bytes were all read (empty, binary, not a workbook, text
    in neither encoding), their SHA-256, so the same bytes sent again are known; "" when they were not read."""

    def __init__(self, problems: list[Problem], partial: ReadResult | None = None, sha256: str = ""):
        self.problems = problems
        self.partial = partial
        self.sha256 = sha256
        super().__init__(problems[0].message())


@dataclass
class FileFacts:
    """What is known of a file before its content is read."""

    path: Path
    label: str  # how messages name the file
    size: int
    sha256: str
    file_type: str  # csv | xlsx
    encoding: str | None = None  # csv only
    text_path: Path | None = None  # a UTF-8 copy when the file was Windows-1252
    blank_lines: bool = False  # DuckDB skips blank lines, which would shift its row numbers
    # the text may hold a character Python's strip() removes and DuckDB's trim() keeps (see _ODD_SPACE)
    odd_space: bool = True
    sep_line: bool = False  # a first line "sep=," (Excel's separator directive), read past as Excel reads it


@dataclass
class ReadResult:
    """The rows read from one file, staged in DuckDB as the temporary table `staged_raw`."""

    layout: str
    rows: int
    problems: list[Problem] = field(default_factory=list)  # of a partial read (FileRejected.partial): those read past
    # False once a problem leaves figures of the file where the reader cannot find them (a sheet without a header,
    # a header or a block's measure that cannot be read): the file is then refused on its reading problems alone
    checkable: bool = True
    # (sheet, row, column) -> total stated in a wide sheet's Total column, with the districts it covers
    totals: list[tuple[str | None, int, str, str, str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# The file as bytes: type, size, fingerprint, encoding


# An OLE compound file: Excel 97-2003's .xls, or an .xlsx saved with a password to open it (Excel encrypts the
# workbook into an OLE file's "EncryptedPackage" stream, so it is no longer a zip package)
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _ole_problem(path: Path, label: str) -> Problem:
    """What an OLE compound file given as a return is, and what to do: a password-protected workbook cannot be read
    without its password; an Excel 97-2003 workbook is saved again as .xlsx."""
    with open(path, "rb") as fh:
        encrypted = any(_ENCRYPTED_PACKAGE in chunk for chunk in iter(lambda: fh.read(1 << 20), b""))
    if encrypted:
        return Problem(label, "is a workbook protected by a password to open it, so it cannot be read. Ask the "
                              "force to send it without the password, or open it with the password and save a "
                              "copy without one.")
    return Problem(label, "is an Excel 97-2003 workbook (.xls) under another extension. Open it in the spreadsheet "
                          'and save it as "Excel Workbook (.xlsx)".')


def inspect_file(path: Path, label: str, tmp_dir: Path, keep: Callable[[bytes], None] | None = None) -> FileFacts:
    """Fingerprint the file and settle its type and text encoding, in one pass over its bytes; `keep` is given
    each chunk of them as it is read (to keep the file as received, filestore.Keeper)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        if suffix in (".xls", ".ods", ".xlsm"):
            hint = " Save it from the spreadsheet as .xlsx or .csv."
        elif suffix == ".zip":  # police.uk's downloads come as a .zip of the months' folders
            hint = (" A .zip file is not unpacked: unpack it (police.uk's download holds a folder for each month) "
                    "and load the folder it gives.")
        else:  # a return saved without its extension, or something else given by mistake
            hint = (" If it holds a return, save it from the spreadsheet as .csv or .xlsx"
                    + (" (or, if it is CSV text already, add .csv to its name)" if not path.suffix else "")
                    + "; docs/return-format.md describes what a return holds.")
        has = f'has the extension "{path.suffix}"' if path.suffix else "has no extension"
        raise FileRejected([Problem(label, f"{has}; a return must be a .csv or .xlsx file.{hint}")])
    size = path.stat().st_size
    limit_mb = settings.get_int("max_file_mb")
    if size > limit_mb * 1024 * 1024:
        raise FileRejected([Problem(label, f"is {size / 1048576:,.1f} MiB, over the limit of {limit_mb} MiB "
                                           "(setting PCCDASH_MAX_FILE_MB). Split the return or raise the limit.")])
    if size == 0:
        raise FileRejected([Problem(label, "is empty (0 bytes). Export the return again.")],
                           sha256=hashlib.sha256(b"").hexdigest())
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    not_utf8 = False
    offset = 0
    head = b""
    nul_at: int | None = None
    blank_lines = False
    odd_space = False
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            if keep is not None:
                keep(chunk)
            if not head:
                head = chunk[:8]
            if suffix == ".csv":
                seam = tail + chunk[:2]  # a pattern may straddle two chunks
                if not blank_lines:
                    blank_lines = _has_blank_line(chunk) or _has_blank_line(seam)
                if not odd_space:
                    odd_space = _may_hold_odd_space(chunk) or _may_hold_odd_space(seam)
                if nul_at is None and b"\x00" in chunk:
                    nul_at = offset + chunk.index(b"\x00")
                if not not_utf8 and not ascii_between_characters(chunk, decoder):
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        not_utf8 = True
            offset += len(chunk)
            tail = chunk[-2:]
    if suffix == ".csv" and not not_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            not_utf8 = True
    facts = FileFacts(path=path, label=label, size=size, sha256=digest.hexdigest(),
                      file_type=suffix.lstrip("."), blank_lines=blank_lines, odd_space=odd_space)
    try:
        return _settle(facts, path, label, suffix, head, nul_at, not_utf8, tmp_dir)
    except FileRejected as exc:  # unreadable, but its bytes were all read: the same bytes sent again are known
        exc.sha256 = facts.sha256
        raise


def _settle(facts: FileFacts, path: Path, label: str, suffix: str, head: bytes, nul_at: int | None, not_utf8: bool,
            tmp_dir: Path) -> FileFacts:
    """`inspect_file`'s verdict on a file whose bytes it has read: its type, and a CSV's encoding."""
    if head.startswith(_OLE_MAGIC):
        raise FileRejected([_ole_problem(path, label)])
    if suffix == ".xlsx":
        if not head.startswith(b"PK"):
            raise FileRejected([Problem(label, "is not an XLSX workbook (it is not a zip package). If it is a CSV, "
                                               "give it a .csv extension.")])
        return facts
    # CSV from here
    if head.startswith(b"PK\x03\x04"):
        raise FileRejected([Problem(label, "is a zip package (an XLSX workbook?) with a .csv extension. "
                                           "Give it its real extension or export it as CSV.")])
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected([Problem(label, "is UTF-16 text; a return must be UTF-8 or Windows-1252. "
                                           'Save it as "CSV UTF-8".')])
    if nul_at is not None:
        line = _line_of(path, nul_at)
        raise FileRejected([Problem(label, f"holds a NUL byte at byte {nul_at:,}: it is a binary file or UTF-16 "
                                           "text, not a CSV in UTF-8 or Windows-1252.", row=line)])
    if not not_utf8:
        facts.encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        return facts
    raw = path.read_bytes()
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = _lines_in(raw[:exc.start]) + 1
        raise FileRejected([Problem(label, f"is neither UTF-8 nor Windows-1252 text: byte 0x{raw[exc.start]:02X} "
                                           f"at byte {exc.start:,} cannot be read. Save it as \"CSV UTF-8\".",
                                    row=line)]) from None
    facts.encoding = "cp1252"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    facts.text_path = tmp_dir / f"{facts.sha256}.utf8.csv"
    facts.text_path.write_text(text, encoding="utf-8", newline="")
    return facts


def ascii_between_characters(chunk: bytes, decoder: codecs.IncrementalDecoder) -> bool:
    """Whether `chunk` is ASCII and the UTF-8 decoder holds no unfinished character: then it is valid UTF-8 as
    it stands, and decoding it (five times the cost of the test) would say nothing more."""
    return chunk.isascii() and not decoder.getstate()[0]


_LF_LF, _LF_CR, _CR_CR = re.compile(rb"\n\n"), re.compile(rb"\n\r"), re.compile(rb"\r\r")


def _has_blank_line(data: bytes) -> bool:
    """Whether `data` holds an empty line after a line ending of any kind: \\n\\n, \\r\\r (old Mac), \\n\\r (and
    \\n\\r\\n). The two with a CR are looked for only in text that has one: each search of a large file costs
    a noticeable part of its check, and a file with LF endings has no CR. Each pair is searched for as a regular
    expression of its own: `re` finds a pair's first byte with memchr, several times quicker than `bytes in`
    finds a pair whose first byte is on every line."""
    return bool(_LF_LF.search(data)) or (b"\r" in data and (bool(_CR_CR.search(data)) or bool(_LF_CR.search(data))))


# What Python's str.strip() removes and DuckDB's trim() keeps (trim() removes the Unicode space separators):
# tab, LF, VT, FF, CR, the separators 1C-1F, NEL, and the line and paragraph separators.
_ODD_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"


def _may_hold_odd_space(data: bytes) -> bool:
    """Whether a field of this text could begin or end with a character of _ODD_SPACE: one of its single bytes,
    its UTF-8 forms, or a quote (a quoted field may hold a line break). A few memchr scans, no decoding."""
    if b'"' in data or any(bytes((b,)) in data for b in b"\t\x0b\x0c\x1c\x1d\x1e\x1f"):
        return True
    # a single byte is found with memchr, a longer string is not: the lead byte is looked for first
    return (b"\xc2" in data and b"\xc2\x85" in data) or (
        b"\xe2" in data and (b"\xe2\x80\xa8" in data or b"\xe2\x80\xa9" in data))


def _lines_in(data: bytes) -> int:
    """The line endings in `data`, of any kind: LF, CR LF, or CR alone (old Mac)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _line_of(path: Path, offset: int) -> int:
    with open(path, "rb") as fh:
        return _lines_in(fh.read(offset)) + 1


# ---------------------------------------------------------------------------------------------------
# Cells to text


class _Unreadable:
    """A cell named as a problem and not read: a formula (what a person sees is worked out, not held) or a cell of a
    merged range (its figure has no cell of its own). It is no value, yet not empty: a row holding one is a row a
    person sees filled, so it neither ends a block nor reads as blank. Read as text it is nothing (str() is "")."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "UNREADABLE"


UNREADABLE = _Unreadable()


def _holds_unreadable(cells: Iterable[object]) -> bool:
    return any(c is UNREADABLE for c in cells)


def _present(value: object) -> bool:
    """A value that stands in a cell of its own: not empty, and not a cell already named as unreadable."""
    return value is not None and value is not UNREADABLE


def cell_text(value: object) -> str | None:
    """A cell's value as the text a person reads; numbers without a spurious '.0'; dates as YYYY-MM-DD."""
    if value is None or value is UNREADABLE:
        return None
    if isinstance(value, Formatted):
        return value.shown()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (int, dt.date)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    text = str(value)
    return text if text.strip() else None


@dataclass(frozen=True)
class Formatted:
    """A number cell whose format makes a person see another number: a percentage (0.875 shows as 87.5%) or a
    number scaled by thousands (1234567 under "#,##0," shows as 1,235)."""

    number: int | float
    number_format: str
    percent: int  # each % in the format shows the number times 100
    thousands: int  # each comma after the last digit of the format shows the number divided by 1,000

    def per_cent(self) -> str:
        """The number as a person reads it in the cell, in per cent, at full precision (as the formula bar
        shows it: 87.5% whether the format shows 87.5% or 88%)."""
        value = Decimal(repr(self.number)) * 100 ** self.percent
        return f"{value.normalize():f}"

    def shown(self) -> str:
        if self.percent and not self.thousands:
            return self.per_cent() + "%"
        return cell_text(self.number) or ""


def _number_format_effect(number_format: str, number: int | float) -> tuple[int, int]:
    """(percent signs, thousands scaling) of the section of an Excel number format that shows `number`."""
    sections = _FORMAT_SECTIONS.findall(number_format + ";")
    section = sections[0] if sections else number_format
    if number < 0 and len(sections) > 1:
        section = sections[1]
    elif number == 0 and len(sections) > 2:
        section = sections[2]
    # quoted text, \-escaped and _-padded characters, * fills and [colour/currency/condition] say nothing of scale
    bare = re.sub(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', "", section)
    return bare.count("%"), sum(len(m) for m in re.findall(r"(?<=[0#?])(,+)(?![0#?,])", bare))


_FORMAT_SECTIONS = re.compile(r'((?:"[^"]*"|\\.|[^;])*);')
_DATE_TYPES = (dt.datetime, dt.date, dt.time, dt.timedelta)


def _figure_text(label: str, sheet: str | None, row: int, column: str, value: object, measure: str | None,
                 problems: list[Problem]) -> str | None:
    """A figure cell as the text to stage: what a person sees in it, or None with a problem naming the cell when
    its format shows something other than the number it holds (a date, thousands, a percentage of a count)."""
    if isinstance(value, _DATE_TYPES):
        problems.append(Problem(label, "the cell is formatted as a date or time, so it holds "
                                f'"{cell_text(value) if not isinstance(value, (dt.time, dt.timedelta)) else value}" '
                                "where a figure is expected. Format the cell as Number (or General) and check "
                                "the figure.", sheet=sheet, row=row, column=column))
        return None
    if not isinstance(value, Formatted):
        return cell_text(value)
    if value.thousands:
        problems.append(Problem(label, f'the cell holds {cell_text(value.number)} but its format '
                                f'"{shown(value.number_format, 60)}" shows it divided by '
                                f"{1000 ** value.thousands:,}. Format the cell as Number (or General) so that it "
                                "shows the figure it holds.", sheet=sheet, row=row, column=column))
        return None
    kind = _measure_kind(measure)
    if kind is None or kind == "percentage":
        return value.per_cent()  # an unknown measure is refused by the contract, which names it
    problems.append(Problem(label, "the cell is formatted as a percentage, so it shows "
                            f'"{value.shown()}", but {shown(measure)} is not a percentage measure. Format the cell '
                            "as Number (or General) and enter the figure itself.", sheet=sheet, row=row,
                            column=column))
    return None


def _measure_kind(measure: str | None) -> str | None:
    """The kind of the measure a cell is read for (flow, stock, percentage); None when it is not in the catalogue."""
    if measure is None:
        return None
    cat = catalogue()
    found = cat.lookup().get(str(measure).strip().lower())
    return cat.get(found).kind if found else None


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


# ---------------------------------------------------------------------------------------------------
# Grids: a sheet or a CSV as rows of cells, with their spreadsheet row numbers


@dataclass
class Grid:
    sheet: str | None  # None for CSV
    rows: list[tuple[int, list[object]]]  # (row number, cells); empty rows kept as [] (a run of them as one)
    # row number -> its true width, for a sheet row cut short because it reaches far beyond any return's table:
    # such a row keeps its first KEPT_COLUMNS cells and then its last cell
    widths: dict[int, int] = field(default_factory=dict)
    # CSV: row number -> its field count, for a record whose trailing empty fields were dropped (Excel pads
    # every line with commas to the last column a sheet used, as far as XFD: 16,384 fields a line)
    fields: dict[int, int] = field(default_factory=dict)
    unreadable: bool = False  # a cell is UNREADABLE (a formula, a merged cell): only then are rows searched for one

    def field_count(self, row_no: int, cells: list[object]) -> int:
        return self.fields.get(row_no, len(cells))

    def column_of(self, row_no: int, cells: list[object], i: int) -> int:
        """The 0-based column of `cells[i]`."""
        return self.widths[row_no] - 1 if row_no in self.widths and i == len(cells) - 1 else i


def column_letter(index: int) -> str:
    """A sheet's column letter for a 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class _Stager:
    """Collects rows for `staged_raw` in column lists."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {c: [] for c in STAGED_COLUMNS}

    def add(self, sheet, row, column, period, district, measure, value, note=None, dimension=None, category=None,
            category_column=None) -> None:
        c = self.cols
        c["source_sheet"].append(sheet)
        c["source_row"].append(row)
        c["source_column"].append(column)
        c["period"].append(period)
        c["district"].append(district)
        c["measure"].append(measure)
        c["value"].append(value)
        c["note"].append(note)
        c["dimension"].append(dimension)
        c["category"].append(category)
        c["category_column"].append(category_column)

    def __len__(self) -> int:
        return len(self.cols["source_row"])

    def to_duckdb(self, con: duckdb.DuckDBPyConnection) -> None:
        _drop_staged(con)
        if len(self) < ARROW_FROM_ROWS:
            select = ", ".join(f"unnest(${c}::{t}[]) AS {c}" for c, t in _STAGED_TYPES.items())
            con.execute(f"CREATE OR REPLACE TEMP TABLE staged_raw AS SELECT {select}", self.cols)
            return
        import pyarrow as pa

        schema = pa.schema([(c, pa.int32() if t == "INTEGER" else pa.string()) for c, t in _STAGED_TYPES.items()])
        con.register("staged_arrow", pa.table(self.cols, schema=schema))
        con.execute("CREATE OR REPLACE TEMP TABLE staged_raw AS SELECT * FROM staged_arrow")
        con.unregister("staged_arrow")


def _is_long_header(cells: list[object]) -> bool:
    """A long header names at least two of its columns (even misspelt); a wide header names districts,
    and a wide block's `Measure, <id>` row names only one."""
    names = [_norm(c).lstrip("\ufeff") for c in cells if c is not None]
    if any(n in force().district_lookup() for n in names):
        return False
    matches = sum(1 for n in names if difflib.get_close_matches(n, LONG_REQUIRED, n=1, cutoff=0.75))
    return matches >= 2


def _long_header_problems(label: str, sheet: str | None, row: int, cells: list[object]
                          ) -> tuple[dict[str, int], list[Problem]]:
    """Map long-layout column names to positions; name every missing, unknown or repeated column."""
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    allowed = LONG_REQUIRED + LONG_OPTIONAL
    breakdowns = dimension_headings()
    last_named = max((i for i, c in enumerate(cells) if c is not None and str(c).strip()), default=-1)
    for i, cell in enumerate(cells):
        name = _norm(cell).lstrip("\ufeff")
        if not name:
            if i < last_named:
                problems.append(Problem(label, "a column has no name; expected one of "
                                        + ", ".join(allowed) + ".", sheet=sheet, row=row,
                                        column=column_letter(i)))
            continue
        if name in breakdowns:
            name = DIMENSION_KEY + breakdowns[name]
        if name in positions:
            problems.append(Problem(label, f'the column "{shown(cell)}" appears twice.', sheet=sheet, row=row,
                                    column=str(cell)))
        elif name not in allowed and not name.startswith(DIMENSION_KEY):
            problems.append(Problem(label, f'"{shown(cell)}" is not a column of the long layout (expected '
                                    f'{", ".join(LONG_REQUIRED)}, and optionally note and the dimensions a measure '
                                    "may be broken down by, such as suspect_ethnicity: see docs/return-format.md)."
                                    + _suggest(name, (*allowed, *breakdowns)), sheet=sheet, row=row,
                                    column=str(cell)))
        else:
            positions[name] = i
    for name in LONG_REQUIRED:
        if name not in positions:
            problems.append(Problem(label, f'the required column "{name}" is missing.', sheet=sheet, row=row,
                                    column=name))
    return positions, problems


DIMENSION_KEY = "dimension:"  # a long header's dimension column, in the positions `_long_header_problems` gives


def dimension_headings() -> dict[str, str]:
    """Lower-cased heading -> dimension id: a dimension's id (with or without its underscores) or its name."""
    out = {}
    for d in dimensions().dimensions:
        for heading in (d.id, d.id.replace("_", " "), d.name):
            out[_norm(heading)] = d.id
    return out


def _dimension_columns(positions: dict[str, int]) -> list[tuple[str, int]]:
    return [(name.removeprefix(DIMENSION_KEY), i) for name, i in positions.items() if name.startswith(DIMENSION_KEY)]


def _parse_long_grid(label: str, grid: Grid, header_at: int, stager: _Stager, problems: list[Problem],
                     result: ReadResult) -> None:
    """The rows under a long header. A row with a problem of its own (a value under no heading, a cell that cannot
    be read) is named and not staged; the other rows are, for the contract to check."""
    row_no, header = grid.rows[header_at]
    if _holds_unreadable(header):  # which column is which cannot be known: the cell's own problem says why
        result.checkable = False
        return
    positions, header_problems = _long_header_problems(label, grid.sheet, row_no, header)
    if header_problems:
        problems.extend(header_problems)
        result.checkable = False
        return
    by_dimension = _dimension_columns(positions)
    width = grid.field_count(row_no, header)
    # a CSV header may end with empty headings (a trailing comma): no value may stand under them
    named = set(positions.values())
    for row_no, cells in grid.rows[header_at + 1:_notes_under(grid, header_at)]:
        if not any(c is not None for c in cells):
            continue  # an empty row (in a CSV, a blank or whitespace-only line), as DuckDB's path skips it
        fields = grid.field_count(row_no, cells)
        if grid.sheet is None and fields != width:  # a CSV record: as `locate_csv_problems` says it
            problems.append(_field_count_problem(label, fields, width, row_no, cells))
            continue
        extra = [i for i in range(width, len(cells)) if cells[i] is not None and cells[i] is not UNREADABLE]
        if extra:
            last = grid.column_of(row_no, cells, len(cells) - 1)
            problems.append(Problem(label, f"has {last + 1} cells where the header has {width}: the last, "
                                    f'{column_letter(last)}{row_no}, holds "{shown(cell_text(cells[-1]))}". Delete '
                                    "what lies outside the table and save the file again.",
                                    sheet=grid.sheet, row=row_no, column=column_letter(width)))
            continue
        stray = [i for i, c in enumerate(cells[:width]) if c is not None and i not in named and c is not UNREADABLE]
        if stray:
            problems.append(_no_heading_problem(label, grid.sheet, row_no, stray[0], cells[stray[0]]))
            continue

        def get(name: str, cells: list[object] = cells) -> str | None:
            i = positions.get(name)
            text = cell_text(cells[i]) if i is not None and i < len(cells) else None
            return text.strip() if text is not None else None  # as DuckDB's path trims

        breakdown = [(d, i, get(DIMENSION_KEY + d)) for d, i in by_dimension]
        breakdown = [(d, i, text) for d, i, text in breakdown if text]
        if len(breakdown) > 1:
            (d1, _, _), (d2, i2, _) = breakdown[:2]
            problems.append(Problem(label, f'breaks a figure down by two dimensions at once ({d1} and {d2}); a row '
                                    "gives one category of one dimension, or the measure's total when every "
                                    "dimension column is empty.", sheet=grid.sheet, row=row_no,
                                    column=str(header[i2]).strip()))
            continue
        note = positions.get("note")
        if grid.unreadable and any(cells[i] is UNREADABLE for i in positions.values() if i != note and i < len(cells)):
            continue  # a cell of the row is named as unreadable: the row is not read, so nothing else is said of it
        dimension, category, category_column = None, None, None
        if breakdown:
            dimension, i, category = breakdown[0]
            category_column = str(header[i]).strip()
        period = cells[positions["period"]] if positions["period"] < len(cells) else None
        at = positions["value"]
        named_before = len(problems)
        value = _figure_text(label, grid.sheet, row_no, column_letter(at), cells[at] if at < len(cells) else None,
                             get("measure"), problems)
        if len(problems) > named_before:
            continue  # the figure cannot be read as it stands (a date format, ...): its problem names it
        stager.add(grid.sheet, row_no, "value", _long_period_text(period), get("district"), get("measure"),
                   value.strip() if value is not None else None,
                   cell_text(cells[note]) if note is not None and note < len(cells) else None,
                   dimension, category, category_column)


def _is_note(cells: list[object]) -> bool:
    """A row holding only words in its first cell: a note, not a figure (a month alone is a figure's row cut short)."""
    if not cells or not isinstance(cells[0], str) or any(c is not None for c in cells[1:]):
        return False
    text = cells[0].strip()
    return (any(ch.isalpha() for ch in text) and month_named(text) is None
            and not re.match(r"\d{4}\s*-\s*\d{1,2}\b", text))


def _notes_under(grid: Grid, header_at: int) -> int:
    """Where the long table under the header at `header_at` ends: before a block of notes under it (rows of words in
    their first cell alone, as "Notes: figures provisional"), set apart by an empty row as in the wide layout;
    the grid's end when there is none. The notes are the file's, kept with it, and not figures."""
    rows = grid.rows
    end = len(rows)
    k = end
    while k > header_at + 1 and (not any(c is not None for c in rows[k - 1][1]) or _is_note(rows[k - 1][1])):
        k -= 1
    # rows[k:] are empty rows and notes: they are the notes block only if it opens with an empty row
    if k < end and not any(c is not None for c in rows[k][1]) and any(_is_note(c) for _, c in rows[k:]):
        return k
    return end


def _field_count_problem(label: str, fields: int, width: int, row: int, cells: list | None = None) -> Problem:
    """A CSV record with more or fewer fields than its header. One field too many where two neighbours read as a
    number and its last three digits ("1", "312") is a number written with a thousands separator and not quoted:
    that is said, with what to write."""
    text = f"has {fields} fields where the header has {width}. Is a comma missing or extra, or the file cut short?"
    if cells is not None and fields == width + 1:
        for a, b in zip(cells, cells[1:], strict=False):
            if (isinstance(a, str) and isinstance(b, str) and _LEADING_DIGITS.fullmatch(a.strip())
                    and _THREE_DIGITS.fullmatch(b.strip())):
                number = f"{a.strip()},{b.strip()}"
                text = (f'has {fields} fields where the header has {width}: "{number}" looks like a number written '
                        f"with a thousands separator, which splits it in two. Write {number.replace(',', '')}.")
                break
    return Problem(label, text, row=row)


_LEADING_DIGITS = re.compile(r"[+-]?\d{1,3}")
_THREE_DIGITS = re.compile(r"\d{3}(?:\.\d+)?")


def _no_heading_problem(label: str, sheet: str | None, row: int, index: int, value: object) -> Problem:
    return Problem(label, f'has a value in a column with no heading ("{shown(cell_text(value) or value)}"). Give '
                   "the column a heading or delete the value.", sheet=sheet, row=row, column=column_letter(index))


def _long_period_text(value: object) -> str | None:
    """A long-layout period cell as text: YYYY-MM is the only form (docs/return-format.md), but a spreadsheet's
    date cell is read as its month. Month names ("July 2015") are the wide layout's, left for the check to refuse."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}"
    text = cell_text(value)
    return text.strip() if text is not None else None


def _period_text(value: object) -> str | None:
    """A period cell as `YYYY-MM` where it can be read as a month; otherwise its text, for the check."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}"
    text = cell_text(value)
    if text is None:
        return None
    return month_named(text) or text


def _names_a_district(cells: Sequence[object]) -> bool:
    """Whether a header's cells name one of the districts (under any name force.yaml knows) or the force's total."""
    lookup, totals = force().district_lookup(), {_norm(n) for n in force().total_names}
    return any(_norm(cell_text(c)) in lookup or _norm(cell_text(c)) in totals for c in cells if _present(c))


def neither_layout(header: Sequence[object]) -> str:
    """What a file whose header fits neither layout is told: that, with what each layout looks like."""
    said = ", ".join(shown(cell_text(c)) for c in header if _present(c))
    districts = force().districts
    return (f'is in neither the long nor the wide layout (its header is "{said}"). The long layout has '
            f'the header "period, district, measure, value" and one figure a row ("2026-03, {districts[0]}, '
            f'cse_arrests, 5"); the wide layout has a row "Measure, cse_arrests" above the header "Period, '
            f'{", ".join(districts[:2])}, ..." and one month a row. Rewrite the file in one of them (see '
            "docs/return-format.md).")


def _parse_wide_block(label: str, grid: Grid, start: int, end: int, sheet_measure: str | None,
                      stager: _Stager, problems: list[Problem], result: ReadResult) -> None:
    """Read one measure block: optional title rows, a `Measure` row, a `Period` header, month rows."""
    measure: str | None = sheet_measure
    header_at: int | None = None
    breakdown: tuple[int, str] | None = None  # a "Breakdown, <dimension>" row: its row number and the text
    unreadable = False  # the measure or breakdown named by a cell that cannot be read
    for i in range(start, end):
        row_no, cells = grid.rows[i]
        if cells and cells[0] is UNREADABLE and any(_present(c) for c in cells[1:]):
            unreadable = True  # a first cell that cannot be read, beside others: it may be the header or a Measure row
        first = _norm(cells[0]) if cells else ""
        if first == "measure" and len(cells) > 1:
            measure = cell_text(cells[1])
            unreadable = unreadable or cells[1] is UNREADABLE
        elif first == "breakdown" and len(cells) > 1:
            breakdown = (row_no, cell_text(cells[1]) or "")
            unreadable = unreadable or cells[1] is UNREADABLE
        elif first in PERIOD_HEADINGS:
            header_at = i
            break
    if header_at is None:
        # no header: not a block (a title or notes); the caller checks that some block was found
        result.checkable = result.checkable and not unreadable
        return
    header_row_no, header = grid.rows[header_at]
    if unreadable or _holds_unreadable(header):
        # what the block holds, or which district a column is, cannot be known: the cell's own problem says why
        result.checkable = False
        return
    if header_row_no in grid.widths:  # its far cell is kept apart from its place: read no figure by it
        far = grid.widths[header_row_no] - 1
        problems.append(Problem(label, f"the header reaches column {column_letter(far)} "
                                f'("{shown(cell_text(header[-1]))}"'
                                "), far outside a return's table. Delete what lies outside the table and save "
                                "the file again.", sheet=grid.sheet, row=header_row_no, column=column_letter(far)))
        result.checkable = False
        return
    if not measure and grid.sheet is None and not _names_a_district(header[1:]):
        # a CSV headed "Month, Area, Arrests, Charges": a table of the force's own, not a wide block missing its
        # Measure row, so the wide layout's advice would mislead
        problems.append(Problem(label, neither_layout(header), row=header_row_no))
        result.checkable = False
        return
    if not measure:
        problems.append(Problem(label, "the block has no measure: name the sheet after the measure or put a "
                                "row \"Measure, <measure id>\" above the header.", sheet=grid.sheet,
                                row=header_row_no))
        result.checkable = False
        return
    if breakdown is not None:
        _parse_breakdown_block(label, grid, header_at, end, measure, breakdown, stager, problems, result)
        return
    lookup = force().district_lookup()
    total_names = {_norm(n) for n in force().total_names}
    columns: list[tuple[int, str, str]] = []  # (index, header text, kind: district|total)
    unnamed: list[int] = []  # header cells left empty: a value under one would be lost
    for i, cell in enumerate(header[1:], start=1):
        name = cell_text(cell)
        if name is None:
            unnamed.append(i)
            continue
        key = _norm(name)
        if key in lookup:
            columns.append((i, lookup[key], "district"))
        elif key in total_names:
            columns.append((i, name, "total"))
        else:
            columns.append((i, name, "district"))  # an unknown district: the check names it per figure
    for row_no, cells in _block_rows(label, grid, header_at, end, unnamed, problems):
        if cells and cells[0] is UNREADABLE:
            continue  # the month cannot be read: its cell's problem names it
        period = _period_text(cells[0] if cells else None)
        named_before = len(problems)
        totals = []
        for i, name, kind in columns:
            value = cells[i] if i < len(cells) else None
            if value is UNREADABLE:
                continue
            text = _figure_text(label, grid.sheet, row_no, column_letter(i), value, measure, problems)
            if kind == "total":
                if text is not None:
                    totals.append((grid.sheet, row_no, name, period or "", measure, text))
                continue
            if text is None:
                continue  # an empty cell in the wide layout: not reported
            stager.add(grid.sheet, row_no, name, period, name, measure, text, None)
        if len(problems) == named_before and not (grid.unreadable and _holds_unreadable(cells)):
            result.totals.extend(totals)  # a row with a figure not read has no sum to check its total against


def _block_rows(label: str, grid: Grid, header_at: int, end: int, unnamed: list[int],
                problems: list[Problem]) -> Iterator[tuple[int, list[object]]]:
    """A wide block's rows under its header, to its first empty row; a row with a value under no heading (an empty
    heading, or beyond the header's last) is named and read no further."""
    header = grid.rows[header_at][1]
    for row_no, cells in grid.rows[header_at + 1:end]:
        if not any(c is not None for c in cells):
            return
        stray = [i for i in unnamed if i < len(cells) and cells[i] is not None and cells[i] is not UNREADABLE]
        stray += [i for i in range(len(header), len(cells)) if cells[i] is not None and cells[i] is not UNREADABLE]
        if stray:
            i = stray[0]
            problems.append(_no_heading_problem(label, grid.sheet, row_no, grid.column_of(row_no, cells, i),
                                                cells[i]))
            continue
        yield row_no, cells


def _parse_breakdown_block(label: str, grid: Grid, header_at: int, end: int, measure: str,
                           breakdown: tuple[int, str], stager: _Stager, problems: list[Problem],
                           result: ReadResult) -> None:
    """A wide block breaking a measure down: `Period | District | <one column per category> | [Total]`, one row per
    month and district. A category left empty is not sent; the Total, if given, is checked against its row."""
    at, text = breakdown
    headings = dimension_headings()
    dimension = headings.get(_norm(text))
    if dimension is None:
        problems.append(Problem(label, f'"{shown(text)}" is not a dimension declared in '
                                f'"{reference_file("dimensions.yaml")}".' + _suggest(_norm(text), headings),
                                sheet=grid.sheet, row=at, column="B"))
        result.checkable = False
        return
    header_row_no, header = grid.rows[header_at]
    if len(header) < 3 or _norm(header[1]) != "district":
        problems.append(Problem(label, 'a breakdown block\'s header is "Period, District", then one column per '
                                "category (and Total, if wanted).", sheet=grid.sheet, row=header_row_no,
                                column="B"))
        result.checkable = False
        return
    total_names = {_norm(n) for n in force().total_names} | {"total"}
    columns: list[tuple[int, str, bool]] = []  # (index, heading as written, is the Total)
    unnamed: list[int] = []
    for i, cell in enumerate(header[2:], start=2):
        name = cell_text(cell)
        if name is None:
            unnamed.append(i)
        else:
            columns.append((i, name.strip(), _norm(name) in total_names))
    for row_no, cells in _block_rows(label, grid, header_at, end, unnamed, problems):
        if grid.unreadable and _holds_unreadable(cells[:2]):
            continue  # the month or the district cannot be read: its cell's problem names it
        period = _period_text(cells[0] if cells else None)
        district = cell_text(cells[1]) if len(cells) > 1 else None
        district = district.strip() if district else None
        named_before = len(problems)
        totals = []
        for i, name, is_total in columns:
            cell = cells[i] if i < len(cells) else None
            if cell is UNREADABLE:
                continue
            value = _figure_text(label, grid.sheet, row_no, column_letter(i), cell, measure, problems)
            if value is None:
                continue
            if is_total:
                totals.append((grid.sheet, row_no, name, period or "", measure, value))
            else:
                stager.add(grid.sheet, row_no, name, period, district, measure, value, None, dimension, name, name)
        if len(problems) == named_before and not (grid.unreadable and _holds_unreadable(cells)):
            result.totals.extend(totals)  # a row with a category not read has no sum to check its total against


def _long_header_under_title(grid: Grid, first: int) -> int | None:
    """Where the long layout's header is: the grid's first row with anything in it, or the first row headed
    `period` that names a `measure` column when only title rows (text in their first cell alone) stand above it, as a
    force's spreadsheet puts a title over its table. None when the grid is not in the long layout (a wide block's
    `Measure` and `Breakdown` rows stand above its header)."""
    rows = grid.rows
    if _is_long_header(rows[first][1]):
        return first
    at = next((i for i in range(first, len(rows)) if rows[i][1] and _norm(rows[i][1][0]) in PERIOD_HEADINGS), None)
    if at is None or "measure" not in {_norm(c) for c in rows[at][1]} or not _is_long_header(rows[at][1]):
        return None  # a wide header (Period, then districts or categories), or none: the wide reading names it
    for _, cells in rows[first:at]:
        # a title merged across the table, or a formula in it, is named as a problem of its own, and read past
        if any(_present(c) for c in cells[1:]):
            return None
    return at


_SEPARATORS = ((";", "semicolons (;)"), ("\t", "tabs"), ("|", "bars (|)"))


def _separator_problem(label: str, grid: Grid) -> Problem | None:
    """A CSV with no header because its fields are separated by something other than commas (Excel saves
    "CSV" with semicolons where the computer's list separator is one): the row its header is on, said so."""
    if grid.sheet is not None:
        return None
    for row_no, cells in grid.rows[:20]:
        text = cell_text(cells[0]) if cells else None
        for sep, name in _SEPARATORS:
            parts = [p.strip() or None for p in (text or "").split(sep)]
            if len(parts) > 1 and (_is_long_header(parts) or _norm(parts[0]) in PERIOD_HEADINGS):
                return Problem(label, f"has its fields separated by {name}, not commas (this row is its header). "
                               "Save it from the spreadsheet as \"CSV UTF-8 (Comma delimited)\", or "
                               "send the workbook (.xlsx).", row=row_no)
    return None


def _parse_grid(label: str, grid: Grid, stager: _Stager, problems: list[Problem], result: ReadResult) -> str:
    """Read a sheet or CSV as the long layout or as wide blocks; returns the layout found."""
    rows = grid.rows
    first = next((i for i, (_, cells) in enumerate(rows) if any(c is not None for c in cells)), None)
    if first is None:
        problems.append(Problem(label, "is empty: it has no header and no figures.", sheet=grid.sheet))
        return "empty"
    header_at = _long_header_under_title(grid, first)
    if header_at is not None:
        before = len(stager)
        _parse_long_grid(label, grid, header_at, stager, problems, result)
        if len(stager) == before and not problems:
            problems.append(Problem(label, "has a header but no figures.", sheet=grid.sheet,
                                    row=rows[header_at][0]))
        return "long"
    # wide: blocks separated by empty rows, each with its own header
    blocks: list[tuple[int, int]] = []
    i = first
    n = len(rows)
    while i < n:
        while i < n and not any(c is not None for c in rows[i][1]):
            i += 1
        if i >= n:
            break
        j = i
        # a block runs to the empty row after its month rows (title rows may precede the header)
        seen_header = False
        while j < n:
            cells = rows[j][1]
            empty = not any(c is not None for c in cells)
            if empty and seen_header:
                break
            if cells and _norm(cells[0]) in PERIOD_HEADINGS:
                seen_header = True
            j += 1
        blocks.append((i, j))
        i = j
    sheet_measure = None
    if grid.sheet is not None:
        sheet_measure = grid.sheet
    before = len(stager)
    found_header = False
    for start, end in blocks:
        if any(rows[k][1] and _norm(rows[k][1][0]) in PERIOD_HEADINGS for k in range(start, end)):
            found_header = True
        _parse_wide_block(label, grid, start, end, sheet_measure, stager, problems, result)
    if not found_header:
        result.checkable = False
        row_no, cells = rows[first]
        if not (_holds_unreadable(cells) or any(c and c[0] is UNREADABLE for _, c in rows)):
            # (where the header would stand holds a cell that cannot be read, the header may be that cell: its own
            # problem is named, not a missing header)
            problems.append(_separator_problem(label, grid) or Problem(
                label, "has no header row: expected either the long layout's \"period, district, measure, value\" "
                f"or a wide layout's \"Period, {', '.join(force().districts[:2])}, ...\" (see docs/return-format.md).",
                sheet=grid.sheet, row=row_no))
    elif len(stager) == before and not problems:
        problems.append(Problem(label, "has a header but no figures.", sheet=grid.sheet))
    return "wide"


# ---------------------------------------------------------------------------------------------------
# CSV


def _csv_text_path(facts: FileFacts) -> Path:
    return facts.text_path or facts.path


def _csv_encoding(facts: FileFacts) -> str:
    return "utf-8-sig" if facts.encoding in ("utf-8-sig", "cp1252") else "utf-8"


# Python's csv reader refuses a field over 131,072 characters, which DuckDB's reads: the file size limit
# (max_file_mb) bounds a field, so this one need not.
_CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
# The characters Python's str.strip() removes, for DuckDB's trim(): both reading paths agree on what is blank.
# Written out (a test checks it against str.isspace): finding them by scanning every code point took a
# noticeable part of a command's start.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _csv_rows(facts: FileFacts) -> Iterator[tuple[int, list[str | None]]]:
    """Python's csv reader over the file, yielding (record number as a spreadsheet row, cells).

    A record is a row as a spreadsheet numbers it, whatever the line endings (LF, CR LF, CR alone, or a mix);
    a blank or whitespace-only line is a record of no values."""
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    with open(_csv_text_path(facts), encoding=_csv_encoding(facts), newline="") as fh:
        if facts.sep_line:
            fh.readline()  # Excel reads the line as a setting and numbers the rows after it from 1
        reader = csv.reader(fh, strict=True)
        row_no = 0
        try:
            for cells in reader:
                row_no += 1
                yield row_no, [c if c.strip() else None for c in cells]
        except csv.Error as exc:
            raise FileRejected([Problem(facts.label, f"cannot be read as CSV near line {reader.line_num}: {exc}. "
                                        "Is a quote left open, or the file cut short?", row=row_no + 1)]) from None


_SEP_LINE = re.compile(r"sep=(.?),*", re.IGNORECASE)


def _read_sep_line(facts: FileFacts) -> None:
    """Excel writes a first line "sep=," (and reads it as the separator to use, not as a row): read past it, or
    refuse a file whose fields it says are separated by anything but commas."""
    with open(_csv_text_path(facts), encoding=_csv_encoding(facts), newline="") as fh:
        first = fh.readline(64).rstrip("\r\n")
    m = _SEP_LINE.fullmatch(first.strip())
    if m is None:
        return
    if m.group(1) != ",":
        raise FileRejected([Problem(facts.label, f'begins with the line "{shown(first)}": its fields are separated '
                                    f'by "{shown(m.group(1))}", and a return\'s by commas. Save it from the '
                                    'spreadsheet as "CSV UTF-8 (Comma delimited)".', row=1)])
    facts.sep_line = True


def _csv_grid(facts: FileFacts) -> Grid:
    """The CSV as a grid, each record without its trailing empty fields (their count kept): a line padded with
    commas costs what its values cost."""
    grid = Grid(None, [])
    for row_no, cells in _csv_rows(facts):
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        if end < len(cells):
            grid.fields[row_no] = len(cells)
            del cells[end:]
        grid.rows.append((row_no, cells))
    return grid


def read_csv(con: duckdb.DuckDBPyConnection, facts: FileFacts) -> ReadResult:
    """Read a CSV return into `staged_raw`. A long-layout file is parsed by DuckDB; wide files by Python.

    Both paths read a file alike: the Python one is used for a long file whose blank lines would shift DuckDB's
    row numbers, and for one DuckDB cannot read (mixed line endings, a whitespace-only line, a ragged row),
    where it names the row."""
    _read_sep_line(facts)
    rows = _csv_rows(facts)
    first = next(rows, None)
    rows.close()
    if first is None:
        raise FileRejected([Problem(facts.label, "has no rows.")])
    header = first[1]
    if _is_long_header(header):
        positions, problems = _long_header_problems(facts.label, None, 1, header)
        if problems:
            raise FileRejected(problems)
        # DuckDB is given one column per heading: a header padded with empty headings (Excel pads to column
        # XFD) would cost a query per column, so such a file is read by Python, in time its values set
        if not facts.blank_lines and None not in header:
            result = _read_long_csv_duckdb(con, facts, header, positions)
            if result is not None:
                return result
    grid = _csv_grid(facts)
    stager = _Stager()
    problems: list[Problem] = []
    result = ReadResult(layout="", rows=0)
    result.layout = _parse_grid(facts.label, grid, stager, problems, result)
    if problems:
        raise _refusal(con, stager, problems, result)
    stager.to_duckdb(con)
    result.rows = len(stager)
    return result


def _refusal(con: duckdb.DuckDBPyConnection, stager: _Stager, problems: list[Problem],
             result: ReadResult) -> FileRejected:
    """The refusal of a file read with problems. Where each of them left the rest readable (`result.checkable`) and
    some figures were read, those are staged as `staged_raw` and given with it, for the contract to check: one
    refusal then names every problem, not the reading problems first and the figures' after the file is sent again."""
    if not result.checkable or not len(stager):
        return FileRejected(problems)
    stager.to_duckdb(con)
    result.rows = len(stager)
    result.problems = problems
    return FileRejected(problems, partial=result)


def _read_long_csv_duckdb(con: duckdb.DuckDBPyConnection, facts: FileFacts, header: list,
                          positions: dict[str, int]) -> ReadResult | None:
    """The fast path; None when DuckDB cannot read the file, for the Python path to read it or name the row.

    The cells are read and trimmed into one table, `csv_cells`, whose rowid is the record's place in the file;
    `staged_raw` is a view over it, so the rows are copied once, not twice, on their way to the batch."""
    width = len(header)
    source = ("read_csv(?, header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
              "columns = ?, strict_mode = true, null_padding = false, encoding = 'utf-8', skip = ?)")
    read_params = [str(_csv_text_path(facts)), {f"c{i}": "VARCHAR" for i in range(width)},
                   1 if facts.sep_line else 0]
    try:
        if facts.odd_space:
            con.execute(f"CREATE OR REPLACE TEMP TABLE csv_raw AS SELECT * FROM {source}", read_params)
            exact = _cells_hold_odd_space(con, width)
            _store_cells(con, "csv_raw", {"ws": WHITESPACE} if exact else {}, width, positions.get("note"), exact)
        else:
            _store_cells(con, source, read_params, width, positions.get("note"), exact=False)
    except duckdb.Error:
        # DuckDB's message gives a line at best; Python's reader reads what it can and names the record.
        return None
    # a record of blank cells is no row; the others keep their rowid, and so their row number
    con.execute("DELETE FROM csv_cells WHERE " + " AND ".join(f"c{i} IS NULL" for i in range(width)))

    def col(name: str) -> str:
        i = positions.get(name)
        return f"c{i}" if i is not None else "NULL"

    by_dimension = _dimension_columns(positions)
    if len(by_dimension) > 1 and scalar(con, "SELECT count(*) FROM csv_cells WHERE " + " + ".join(
            f"(c{i} IS NOT NULL)::INTEGER" for _, i in by_dimension) + " > 1"):
        return None  # a row breaking a figure down two ways at once: the Python path names it
    # a view holds no parameters: the dimension ids and headings are written in as SQL literals
    dimension = category = category_column = "NULL::VARCHAR"
    if by_dimension:
        dimension = "CASE " + " ".join(f"WHEN c{i} IS NOT NULL THEN {_sql_text(d)}" for d, i in by_dimension) + " END"
        category = "coalesce(" + ", ".join(f"c{i}" for _, i in by_dimension) + ")"
        category_column = "CASE " + " ".join(f"WHEN c{i} IS NOT NULL THEN {_sql_text(str(header[i]).strip())}"
                                             for _, i in by_dimension) + " END"
    _drop_staged(con)
    # rowid follows file order for a table made in one statement; +2 makes it a spreadsheet row.
    view = f"""SELECT NULL::VARCHAR AS source_sheet, (rowid + 2)::INTEGER AS source_row, 'value' AS source_column,
               {col('period')} AS period, {col('district')} AS district, {col('measure')} AS measure,
               {col('value')} AS value, {col('note')} AS note, {dimension} AS dimension, {category} AS category,
               {category_column} AS category_column
        FROM csv_cells"""
    con.execute(f"CREATE TEMP VIEW staged_raw AS {view}")
    n = scalar(con, "SELECT count(*) FROM csv_cells")
    if n == 0:
        raise FileRejected([Problem(facts.label, "has a header but no figures.", row=1)])
    return ReadResult(layout="long", rows=n)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cells_hold_odd_space(con: duckdb.DuckDBPyConnection, width: int) -> bool:
    """Whether a cell of `csv_raw` begins or ends with a character of _ODD_SPACE, which DuckDB's trim() keeps and
    Python's strip() removes. trim() with a set of characters is ten times slower: it is used only then."""
    return con.execute(
        "SELECT EXISTS (SELECT 1 FROM csv_raw WHERE " + " OR ".join(
            f"(trim(c{i}) <> '' AND (contains($odd, left(trim(c{i}), 1)) OR contains($odd, right(trim(c{i}), 1))))"
            for i in range(width)) + ")", {"odd": _ODD_SPACE}).fetchall()[0][0]


def _store_cells(con: duckdb.DuckDBPyConnection, source: str, params: list | dict, width: int, note: int | None,
                 exact: bool) -> None:
    """`csv_cells` from `source` (read with `params`): each cell as the Python path reads it, NULL when blank, else
    trimmed of what str.strip() removes (`exact`: of _ODD_SPACE too, given as the parameter $ws); a note is kept
    untrimmed, as written."""
    def text(expr: str) -> str:
        return f"nullif(trim({expr}, $ws), '')" if exact else f"nullif(trim({expr}), '')"

    cells = [f"CASE WHEN {text(f'c{i}')} IS NOT NULL THEN c{i} END AS c{i}" if i == note else f"{text(f'c{i}')} AS c{i}"
             for i in range(width)]
    con.execute(f"CREATE OR REPLACE TEMP TABLE csv_cells AS SELECT {', '.join(cells)} FROM {source}", params)


def _drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Drop `staged_raw`, a table or a view, so that either kind can take its place."""
    for (kind,) in con.execute("SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = 'temp' "
                               "AND schema_name = 'main' AND table_name = 'staged_raw' UNION ALL "
                               "SELECT 'VIEW' FROM duckdb_views() WHERE database_name = 'temp' "
                               "AND schema_name = 'main' AND view_name = 'staged_raw'").fetchall():
        con.execute(f"DROP {kind} temp.main.staged_raw")


def locate_csv_problems(facts: FileFacts, width: int) -> list[Problem]:
    """The first 20 rows of a CSV file, blank ones aside, without the header's `width` fields, as problems."""
    problems = []
    for row_no, cells in _csv_rows(facts):
        if row_no == 1 or not any(c is not None for c in cells):
            continue
        if len(cells) != width:
            problems.append(_field_count_problem(facts.label, len(cells), width, row_no, cells))
            if len(problems) >= 20:
                break
    return problems


# ---------------------------------------------------------------------------------------------------
# XLSX


def _unreadable(facts: FileFacts, exc: BaseException, sheet: str | None = None) -> FileRejected:
    """Any failure to open, inspect or read the package or a sheet, as one plain refusal naming the file."""
    detail = shown(str(exc) or type(exc).__name__, 200)
    return FileRejected([Problem(facts.label, f"is not a readable XLSX workbook ({detail}): is it damaged or "
                                 "truncated? Save it again from the spreadsheet.", sheet=sheet)])


def _check_zip(facts: FileFacts) -> None:
    limit_mb = settings.get_int("max_xlsx_unpacked_mb")
    try:
        with zipfile.ZipFile(facts.path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except MemoryError:
        raise
    except Exception as exc:  # zipfile raises BadZipFile, OSError, UnicodeDecodeError, NotImplementedError, ...
        raise _unreadable(facts, exc) from None
    if total > limit_mb * 1024 * 1024:
        raise FileRejected([Problem(facts.label, f"would unpack to {total / 1048576:,.0f} MiB, over the limit of "
                                    f"{limit_mb} MiB (setting PCCDASH_MAX_XLSX_UNPACKED_MB); it is refused "
                                    "unread, as a zip bomb would be.")])
    if "xl/workbook.xml" not in names:
        raise FileRejected([Problem(facts.label, "is a zip package but not an XLSX workbook "
                                    "(it has no xl/workbook.xml).")])
    if "xl/vbaProject.bin" in names:
        raise FileRejected([Problem(facts.label, "contains macros. Save it as a plain .xlsx workbook.")])
    _check_shared_strings(facts)


# A return's texts (headings, districts, measures, notes) come to hundreds. openpyxl reads the whole shared
# string table before any sheet, at about 7 us and 180 bytes a string: a table padded to millions of strings
# would cost minutes and gigabytes for a file of a few hundred KiB.
MAX_SHARED_STRINGS = 100_000
MAX_SHARED_STRINGS_MB = 32
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def _check_shared_strings(facts: FileFacts) -> None:
    """Refuse a workbook whose shared string table holds more strings than any return needs, counting them in
    one pass that stops at the limit, before openpyxl reads the table whole."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.functions import fromstring

    try:
        with zipfile.ZipFile(facts.path) as zf:
            part = Manifest.from_tree(fromstring(zf.read("[Content_Types].xml"))).find(_SHARED_STRINGS_TYPE)
            if part is None:
                return
            name = part.PartName.lstrip("/")
            size = zf.getinfo(name).file_size
            if size > MAX_SHARED_STRINGS_MB * 1024 * 1024:
                raise FileRejected([Problem(facts.label, f"holds {size / 1048576:,.0f} MiB of text in its shared "
                                            f"string table, over the {MAX_SHARED_STRINGS_MB} MiB a return may hold; "
                                            "it is refused unread. Copy the figures into a new workbook and save "
                                            "that.")])
            count = 0
            carry = b""
            with zf.open(name) as src:
                while chunk := src.read(1 << 20):
                    data = carry + chunk
                    # an item's opening tag may straddle two chunks: keep what follows the last "<" for the next
                    cut = data.rfind(b"<")
                    cut = cut if cut >= 0 and len(data) - cut < 256 else len(data)
                    count += len(_STRING_ITEM.findall(data, 0, cut))
                    carry = data[cut:]
                    if count > MAX_SHARED_STRINGS:
                        raise FileRejected([Problem(
                            facts.label, f"holds more than {MAX_SHARED_STRINGS:,} different texts in its shared "
                            "string table, far more than a return needs (a sheet padded with text?); it is "
                            "refused unread. Copy the figures into a new workbook and save that.")])
    except (FileRejected, MemoryError):
        raise
    except Exception as exc:  # a missing or broken manifest or part: openpyxl would fail on it too
        raise _unreadable(facts, exc) from None


MAX_SHEET_ROWS = 1_048_576  # the most rows and columns a sheet can have (XFD1048576)
MAX_SHEET_COLUMNS = 16_384
KEPT_COLUMNS = 256  # far more than a return's table: a row reaching beyond keeps these cells and its last


# A return merges a title or a heading: a few cells. Marking the cells of a sheet's merged ranges unreadable costs a
# step a cell in the rows the sheet holds; past this many the sheet is left unread (the ranges are still named).
MAX_MERGED_CELLS = 100_000


@dataclass
class _Sheet:
    grid: Grid  # each formula cell and each cell of a merged range UNREADABLE
    problems: list[Problem]  # a problem each formula cell and each merged range, in the order of their rows
    checkable: bool = True  # False: merged ranges too large to mark, so the sheet cannot be read past them


def _read_sheet(wb, ws, label: str) -> _Sheet:
    """Stream one sheet's XML: only the rows and cells it holds are visited, so a stray cell at XFD1048576
    costs one row, not the 17 billion cells of the used range. A run of missing rows becomes one empty row
    (to the layouts, one empty row is as good as many)."""
    from openpyxl.worksheet._reader import WorkSheetParser  # the parser openpyxl's read-only sheets use
    from openpyxl.worksheet.cell_range import CellRange

    grid = Grid(ws.title, [])
    formulas: list[tuple[int, int, Problem]] = []
    last = 0
    effects: dict[int, str | None] = {}  # style id -> its number format, when that format may change a number
    unseen = _Unseen()
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=False, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for row_no, parsed in parser.parse():
            if not 0 < row_no <= MAX_SHEET_ROWS or row_no <= last:
                raise ValueError(f"row {row_no} comes after row {last}" if 0 < row_no <= MAX_SHEET_ROWS
                                 else f"row {row_no} is outside a sheet")
            if unseen.columns is None:  # the sheet's <cols> come before its rows
                unseen.columns = _hidden_columns(parser.column_dimensions)
            values: dict[int, object] = {}
            for cell in parsed:
                column, value = cell["column"], cell["value"]
                if cell["row"] != row_no or not 0 < column <= MAX_SHEET_COLUMNS:
                    raise ValueError(f"a cell of row {row_no} is placed at row {cell['row']}, column {column}")
                if cell["data_type"] == "f":
                    formula = getattr(value, "text", value)  # an array formula is an object holding its text
                    formulas.append((row_no, column, Problem(
                        label, f"holds a formula ({shown(formula, 40)}); a return holds values. Paste values over "
                        "the formulas.", sheet=ws.title, row=row_no, column=column_letter(column - 1))))
                    values[column] = UNREADABLE  # what a person sees is worked out, not held: named, not read
                    grid.unreadable = True
                    continue
                if isinstance(value, str) and not value.strip():
                    continue  # blank text is an empty cell, as in a CSV
                if cell["data_type"] == "n" and isinstance(value, (int, float)) and cell["style_id"]:
                    value = _as_shown(wb, cell["style_id"], value, effects)
                if value is not None:
                    values[column] = value
            if values:
                grid.unreadable = unseen.hide(row_no, values, _is_hidden(parser.row_dimensions.get(str(row_no)))
                                              ) or grid.unreadable
            if row_no > last + 1:
                grid.rows.append((last + 1, []))
            last = row_no
            if not values:
                grid.rows.append((row_no, []))
                continue
            width = max(values)
            kept = min(width, KEPT_COLUMNS)
            cells: list[object] = [None] * kept
            for column, value in values.items():
                if column <= kept:
                    cells[column - 1] = value
            if width > kept:
                cells.append(values[width])
                grid.widths[row_no] = width
            grid.rows.append((row_no, cells))
        merged = [CellRange(mc.ref) for mc in getattr(parser.merged_cells, "mergeCell", None) or []]
    by_row = dict(grid.rows) if merged else {}
    named = formulas + [(rng.min_row, rng.min_col, Problem(
        label, _merged_words(rng.coord, by_row.get(rng.min_row) or []), sheet=ws.title,
        row=rng.min_row, column=column_letter(rng.min_col - 1))) for rng in merged]
    named += unseen.problems(label, ws.title)
    named.sort(key=lambda n: (n[0], n[1]))
    return _Sheet(grid, [p for _, _, p in named], _mark_merged(grid, merged))


def _is_hidden(attrs: dict | None) -> bool:
    return bool(attrs) and str(attrs.get("hidden", "")).lower() in ("1", "true")


def _hidden_columns(dimensions: dict[str, dict]) -> list[tuple[int, int]]:
    """The (first, last) column numbers of each run of columns the sheet hides."""
    runs = []
    for attrs in dimensions.values():
        if _is_hidden(attrs):
            try:
                runs.append((int(attrs["min"]), int(attrs["max"])))
            except (KeyError, ValueError):
                continue
    return runs


class _Unseen:
    """The cells of a sheet that no person sees: in a hidden row (hidden by hand, or by a filter) or a hidden column.
    They are not read (made UNREADABLE, like a formula's), and each run of hidden rows, and each hidden column, that
    holds anything is named once, as a hidden sheet is: what is loaded must be what a person sees."""

    def __init__(self) -> None:
        self.columns: list[tuple[int, int]] | None = None  # (first, last) of each run of hidden columns
        self.row_runs: list[list[int]] = []  # [first, last] row numbers of each run of hidden rows holding cells
        self.hidden_columns: dict[int, int] = {}  # column number -> the first row where it holds a cell

    def hide(self, row_no: int, values: dict[int, object], row_hidden: bool) -> bool:
        """Make the row's unseen cells UNREADABLE; True when it had any."""
        if row_hidden:
            if self.row_runs and self.row_runs[-1][1] == row_no - 1:
                self.row_runs[-1][1] = row_no
            else:
                self.row_runs.append([row_no, row_no])
            for column in values:
                values[column] = UNREADABLE
            return True
        found = False
        for column in values:
            if any(first <= column <= last for first, last in self.columns):
                self.hidden_columns.setdefault(column, row_no)
                values[column] = UNREADABLE
                found = True
        return found

    def problems(self, label: str, sheet: str) -> list[tuple[int, int, Problem]]:
        out = []
        for first, last in self.row_runs:
            rows, it, hold = ((f"row {first} is", "it", "holds") if first == last
                              else (f"rows {first} to {last} are", "them", "hold"))
            out.append((first, 0, Problem(
                label, f"{rows} hidden (by hand, or by a filter) and {hold} figures or text. Unhide {it} (clear any "
                f"filter) and check {it}, or delete {it}: what is loaded must be what a person sees.", sheet=sheet,
                row=first)))
        for column, row_no in sorted(self.hidden_columns.items()):
            letter = column_letter(column - 1)
            out.append((row_no, column, Problem(
                label, f"column {letter} is hidden and holds figures or text. Unhide it and check it, or delete it: "
                "what is loaded must be what a person sees.", sheet=sheet, row=row_no, column=letter)))
        return out


def _merged_words(coord: str, cells: list[object]) -> str:
    """What a merged range is and what to do. In the long layout's header row (the cells merged into one keep only
    the first's heading) it names the headings lost, as unmerging leaves their cells empty: the file is then refused
    again for them unless the refusal says to write them."""
    if _is_long_header(cells):
        names = {_norm(c).lstrip("\ufeff") for c in cells if c is not None and c is not UNREADABLE}
        lost = [c for c in LONG_REQUIRED if not difflib.get_close_matches(c, names, n=1, cutoff=0.75)]
        quoted = ", ".join(f'"{c}"' for c in lost)
        said = f" (the headings {quoted} are lost)" if len(lost) > 1 else f" (the heading {quoted} is lost)"
        said = said if lost else ""
        return (f"has merged cells ({coord}) in its header row{said}. Unmerge them and write each column's heading in "
                f"its own cell: {', '.join(LONG_REQUIRED)}.")
    return f"has merged cells ({coord}). Unmerge them so that every figure has its own cell."


def _mark_merged(grid: Grid, ranges: list) -> bool:
    """Make every cell of the merged `ranges` UNREADABLE in the rows the grid holds (a person sees one cell where the
    sheet has several, so none of them is read as a figure); False, marking no more, once they come to more than
    MAX_MERGED_CELLS."""
    if not ranges:
        return True
    numbers = [row_no for row_no, _ in grid.rows]
    budget = MAX_MERGED_CELLS
    for rng in ranges:
        last_col = min(rng.max_col, KEPT_COLUMNS)
        for k in range(bisect.bisect_left(numbers, rng.min_row), len(numbers)):
            row_no, cells = grid.rows[k]
            if row_no > rng.max_row:
                break
            far = grid.widths.get(row_no)
            if far is not None and rng.min_col <= far <= rng.max_col:
                cells[-1] = UNREADABLE  # the row's far cell, kept apart from its place
                grid.unreadable = True
            if rng.min_col > last_col:
                continue
            budget -= last_col - rng.min_col + 1
            if budget < 0:
                return False
            if far is None and len(cells) < last_col:
                cells.extend([None] * (last_col - len(cells)))
            cells[rng.min_col - 1:last_col] = [UNREADABLE] * (last_col - rng.min_col + 1)
            grid.unreadable = True
    return True


def _as_shown(wb, style_id: int, number: int | float, effects: dict[int, str | None]) -> object:
    """The number, or a Formatted number when its cell's format shows it times 100 or divided by thousands."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    if style_id not in effects:
        try:
            fmt_id = wb._cell_styles[style_id].numFmtId
            fmt = (BUILTIN_FORMATS.get(fmt_id, "General") if fmt_id < BUILTIN_FORMATS_MAX_SIZE
                   else wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE])
        except IndexError:
            fmt = "General"  # a style the workbook does not define: Excel shows the number as it is
        effects[style_id] = fmt if any(ch in fmt for ch in "%,") else None
    fmt = effects[style_id]
    return number if fmt is None else as_shown(number, fmt)


def as_shown(number: int | float, number_format: str) -> object:
    """The number, or a Formatted number when `number_format` shows it times 100 or divided by thousands."""
    if not any(ch in number_format for ch in "%,"):  # neither: the format shows the number as it is
        return number
    percent, thousands = _number_format_effect(number_format, number)
    return Formatted(number, number_format, percent, thousands) if percent or thousands else number


def stored_text(value: object) -> str | None:
    """A cell's text as a figure is staged from it: a percentage cell as the per cent it shows (0.957 shown as
    95.7% is 95.7, as a percentage measure stores it), any other cell as `cell_text` gives it."""
    if isinstance(value, Formatted) and value.percent and not value.thousands:
        return value.per_cent()
    return cell_text(value)


def read_xlsx(con: duckdb.DuckDBPyConnection, facts: FileFacts) -> ReadResult:
    """Read every sheet of an XLSX return into `staged_raw`; hidden sheets, formulas and merged cells are refused.

    Each is named and read past: a hidden sheet is not read, a formula or merged cell is not read as a figure, and
    the rest is, so that the refusal (FileRejected, with what was read as its `partial`) can name the figures'
    problems too. The workbook is opened read-only and each sheet streamed, so time and memory follow the cells the
    file holds, not the range they span. Whatever goes wrong reading the package or a sheet is a refusal that
    names the file (and the sheet), never a crash."""
    import openpyxl  # imported here: only XLSX returns need it

    _check_zip(facts)
    stager = _Stager()
    problems: list[Problem] = []
    result = ReadResult(layout="", rows=0)
    layouts: set[str] = set()
    sheet: str | None = None
    wb = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of parts it drops; they carry no figures
            wb = openpyxl.load_workbook(facts.path, data_only=False, read_only=True)
            for ws in wb.worksheets:
                sheet = ws.title
                if ws.sheet_state != "visible":
                    problems.append(Problem(facts.label, "is a hidden sheet. Unhide it (and check it) or delete "
                                            "it: what is loaded must be what a person sees.", sheet=ws.title))
                    continue
                if _norm(ws.title) in NOTE_SHEETS:
                    continue
                read = _read_sheet(wb, ws, facts.label)
                if not read.problems and not any(any(c is not None for c in cells) for _, cells in read.grid.rows):
                    continue  # an empty sheet (the "Sheet2" a new workbook has) holds nothing to load or to miss
                problems.extend(read.problems)
                if not read.checkable:
                    result.checkable = False
                    continue
                layouts.add(_parse_grid(facts.label, read.grid, stager, problems, result))
    except (FileRejected, MemoryError):
        raise
    except Exception as exc:  # openpyxl and the XML parser raise many kinds for a broken package
        raise _unreadable(facts, exc, sheet) from None
    finally:
        if wb is not None:
            wb.close()
    if not layouts and not problems:
        problems.append(Problem(facts.label, "has no sheet with figures: each is empty or a notes sheet (Notes, About, "
                                "Contents or ReadMe). Put the return's table on a sheet of its own."))
    layouts.discard("empty")
    result.layout = "+".join(sorted(layouts)) or "empty"
    if problems:
        raise _refusal(con, stager, problems, result)
    stager.to_duckdb(con)
    result.rows = len(stager)
    return result


def read_file(con: duckdb.DuckDBPyConnection, facts: FileFacts) -> ReadResult:
    if facts.file_type == "xlsx":
        return read_xlsx(con, facts)
    return read_csv(con, facts)
