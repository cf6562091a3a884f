"""The domain's errors. Each says what is wrong, where, and how to put it right."""

from __future__ import annotations


class PccDashError(Exception):
    """Base class: an error the command line turns into a clean message and a non-zero exit."""


class ConfigError(PccDashError):
    """A reference or configuration file is missing or malformed."""


class WarehouseError(PccDashError):
    """The warehouse cannot be opened, is locked by another process, or is newer than this code."""


class Problem:
    """One thing wrong with one place in a file."""

    __slots__ = ("file", "sheet", "row", "column", "text")

    def __init__(self, file: str, text: str, *, sheet: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.text = text

    def where(self) -> str:
        parts = [f'file "{self.file}"']
        if self.sheet is not None:
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def message(self) -> str:
        return f"{self.where()}: {self.text}"

    def as_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "problem": self.text}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Problem({self.message()!r})"
