"""Exports that are safe to open in a spreadsheet: text that would start a formula is neutralised."""

from __future__ import annotations

import csv
import io
import re
from typing import TextIO

import pandas as pd

from .errors import shown

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A negative number written as text ("-3", a count a refused file sent, as the Quarantine page quotes it) is read by a
# spreadsheet as that number and runs nothing: it is left as written, where an apostrophe would misquote the file.
_NEGATIVE_NUMBER = re.compile(r"-\d+(?:\.\d+)?")
WHOLE_AS_WHOLE = "%.15g"  # 13.0 as 13, 95.9 as 95.9: every digit a double holds, and no ".0" on a count


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe; leave numbers alone, a negative
    one written as text ("-3") too."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]


def _each(column: pd.Series, fn) -> pd.Series:
    """`fn` of each cell, kept as objects: Series.map would turn a column of whole numbers beside an empty cell
    (a first revision's previous value) into 3.0, and a count must read as 3."""
    return pd.Series([fn(v) for v in column], index=column.index, dtype=object)


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in _text_columns(out):
        out[col] = _each(out[col], neutralise)
    return out


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A frame as a page's grid shows it: control characters in text written as their escapes (a name
    holding a line break shows as one line), then formulas neutralised, so whatever the grid itself lets a
    person copy or export is inert text too."""
    out = df.copy()
    out.attrs = {}  # what travels with a frame (its download's data) is not for the grid
    for col in _text_columns(out):
        out[col] = _each(out[col], lambda v: neutralise(shown(v, None)) if isinstance(v, str) else v)
    return out


def write_csv(df: pd.DataFrame, fh: TextIO) -> None:
    safe = safe_frame(df)
    # Python's csv leaves a carriage return unquoted when lines end in "\n", and a spreadsheet then starts a
    # new row there: a cell could forge rows. Such a frame is written with every text cell quoted.
    has_cr = any(safe[c].map(lambda v: isinstance(v, str) and "\r" in v).any() for c in _text_columns(safe))
    # a whole number held as a decimal (a figure, stored as DOUBLE) is written as it reads, 13 and not 13.0
    safe.to_csv(fh, index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC if has_cr else csv.QUOTE_MINIMAL,
                float_format=WHOLE_AS_WHOLE)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A frame as a UTF-8 CSV download, formulas neutralised (as the public downloads are encoded)."""
    out = io.StringIO()
    write_csv(df, out)
    return out.getvalue().encode("utf-8")
