"""Loading police.uk street-level crime and outcomes CSVs: recognised by header, checked by contract, streamed.

A police.uk file is read by DuckDB straight into `police_uk_record` inside the load's transaction; no
record passes through Python. Row numbers come from the order DuckDB keeps while inserting (as for a
table made in one statement, the rows of one insert are numbered in file order). The contract checks
a compact batch: one row per distinct value of each checked column, with the first row holding it.
A file that breaks an error rule, or cannot be read as CSV, is refused whole: the transaction is
rolled back and the refusal recorded as for any return. An accepted file's months become a new
revision of each (kind, force, month), with monthly counts by district, crime type and outcome.

The file's bytes are fingerprinted (sha256) and checked to be plain UTF-8 in a thread while DuckDB
reads them; a file that is not (Windows-1252, a NUL byte) is then read again the careful way, as a
return is (readers.inspect_file), and a file the size of one already accepted is fingerprinted before
anything is read, so a copy is still known without reading it. DuckDB works within the setting
duckdb_memory_limit (PCCDASH_DUCKDB_MEMORY_LIMIT) meanwhile, spilling to disk past it.
`validate_police_uk` does the same reading and checking as a dry run (`pccdash validate FILE`).
"""

from __future__ import annotations

import codecs
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import faults, records, settings
from ..catalogue import listed
from ..contracts import ValidationRun, load_contract, validate_batch
from ..contracts.store import save_caveats, save_run, save_trial
from ..errors import ConfigError, Problem, shown
from ..ingest import checks, readers
from ..ingest.load import PROBLEMS_KEPT, FileOutcome, Recorded, drop_staging, give_back, register, reject
from ..office import cap, possessive
from ..uk_time import month_words, uk_words
from ..warehouse import one, scalar, utc_now
from .measures import KIND_WORDS
from .reference import reference, register_reference_tables
from .revisions import change_counts, charged_changes

STREET_HEADER = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                 "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context")
OUTCOMES_HEADER = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                   "LSOA code", "LSOA name", "Outcome type")
HEADERS = {"street": STREET_HEADER, "outcomes": OUTCOMES_HEADER}
# a file this large takes seconds to minutes: `pccdash ingest` says each stage of it as it goes
STAGES_FROM_BYTES = 64 * 2**20
# columns only police.uk's street and outcomes files have, and those of its stop and search file (lower case)
_POLICE_UK_ONLY = {"crime id", "reported by", "falls within", "lsoa code", "lsoa name", "crime type",
                   "last outcome category", "outcome type"}
_STOP_AND_SEARCH = {"part of a policing operation", "policing operation", "officer-defined ethnicity",
                    "self-defined ethnicity", "object of search", "outcome linked to object of search",
                    "removal of more than just outer clothing"}
# a browser saves a second download of a file as "... street (1).csv"
_ARCHIVE_NAME = re.compile(r"^(\d{4}-\d{2})-(.+)-(street|outcomes)(?: \(\d+\))?\.csv$", re.IGNORECASE)


class _Refused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(problems[0].message() if problems else "refused")


def _header(path: str | Path) -> tuple[str, ...] | None:
    """The cells of a .csv file's first line; None for another file. Reads one line."""
    p = Path(path)
    if p.suffix.lower() != ".csv" or not p.is_file():
        return None
    return _first_line(p)


def _first_line(path: Path) -> tuple[str, ...]:
    with open(path, "rb") as fh:
        line = fh.readline(4096)
    return tuple(c.strip().strip('"').strip() for c in line.decode("utf-8-sig", "replace").rstrip("\r\n").split(","))


def _names(cells: tuple[str, ...] | None, kind: str) -> tuple[str, ...] | None:
    """The name each column of a header is read by: c0, c1, ... for the `kind` file's columns (HEADERS, in their
    order there), x<position> for a column police.uk has added, which is not read. None when the header lacks one of
    the kind's columns, holds one twice, or has them in another order."""
    if cells is None:
        return None
    header = HEADERS[kind]
    if [c for c in cells if c in header] != list(header):
        return None
    return tuple(f"c{header.index(c)}" if c in header else f"x{j}" for j, c in enumerate(cells))


def detect(path: str | Path) -> str | None:
    """'street' or 'outcomes' when the file's first line is that police.uk header, or holds every column of it in
    its order with columns police.uk has added besides (`extra_columns` names them: they are not read); else None.
    Reads one line."""
    cells = _header(path)
    for kind, header in HEADERS.items():
        if cells == header:
            return kind
    return next((kind for kind in HEADERS if _names(cells, kind) is not None), None)


def extra_columns(path: str | Path) -> list[str]:
    """Of a police.uk street or outcomes file (`detect`), the columns besides those pccdash reads, in file order, each
    in words: its name quoted, or an unnamed one by its place ("the unnamed 13th column"); none for a file with
    police.uk's header as it is. Reads one line."""
    kind = detect(path)
    if kind is None:
        return []
    header = HEADERS[kind]
    return [f'"{c}"' if c else f"the unnamed {_ordinal(j + 1)} column"
            for j, c in enumerate(_header(path) or ()) if c not in header]


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def extra_columns_note(path: str | Path) -> str:
    """What a police.uk file with columns added says about them (`extra_columns`); "" for one without."""
    extra = extra_columns(path)
    if not extra:
        return ""
    kind = detect(path)
    what = "street-level crime" if kind == "street" else "outcomes"
    one = len(extra) == 1
    return (f"{'A column' if one else 'Columns'} police.uk added, {listed(extra)}, {'is' if one else 'are'} not among "
            f"the {what} columns pccdash reads, and {'was' if one else 'were'} not read; every column it reads is "
            "there, so the file was read and checked as usual.")


def header_problem(path: str | Path, label: str) -> Problem | None:
    """Of a .csv file that is not a police.uk street or outcomes file but whose header is police.uk's (a column
    renamed or left out, or its columns in another order, as police.uk's files have changed over the years, or its
    stop and search file): why it is not loaded, naming the columns. None for any other file, a force return
    included, and for a file with every column read and others added (`detect` knows it). Reads one line."""
    cells = _header(path)
    if cells is None or detect(path):
        return None
    have = {c.lower() for c in cells}
    if len(have & _STOP_AND_SEARCH) >= 3:
        return Problem(label, "is police.uk's stop and search file, which is not loaded: only its street-level crime "
                              'and outcomes files are (the month\'s "-street.csv" and "-outcomes.csv").', row=1)
    if len(have & _POLICE_UK_ONLY) < 3:
        return None
    kind = _kind_named(have)
    header = HEADERS[kind]
    expected = {c.lower() for c in header}
    missing = [c for c in header if c.lower() not in have]
    extra = [c for c in cells if c.lower() not in expected]
    said = []
    if missing:
        said.append(f"{_columns(missing)} {'is' if len(missing) == 1 else 'are'} missing")
    if extra:
        said.append(f"{_columns(extra)} {'is not one of its columns' if len(extra) == 1 else 'are not among them'}")
    if not said:
        said.append("its columns are in another order or written differently")
    what = "street-level crime" if kind == "street" else "outcomes"
    return Problem(label, f"is a police.uk {what} file whose header differs from the one loaded: "
                          f'{", and ".join(said)}; nothing was read. The header should be "{",".join(header)}". '
                          "police.uk has changed its columns over the years: download the month again from "
                          "data.police.uk, whose files have these columns.", row=1)


def _kind_named(have: set[str]) -> str:
    """Of a header that is police.uk's though not as loaded (`header_problem`; its cells in lower case), which of
    its files it is: the outcomes file's names an outcome type and no crime type."""
    return "outcomes" if "outcome type" in have and "crime type" not in have else "street"


def judged_as(path: str | Path) -> str:
    """The contract a police.uk file is checked against, by its header: "police_uk_street" or "police_uk_outcomes"
    (`detect`); of one whose header differs (`header_problem`), the file it names. Its run is kept under it when the
    file is refused before any rule could judge it, as a return's is kept under the return's contract."""
    kind = detect(path) or _kind_named({c.lower() for c in _header(path) or ()})
    return f"police_uk_{kind}"


# how the refusal of a file with its header and no records begins: `nothing_to_correct` knows it by this
NO_RECORDS = "has its header line and no records"


def no_records(label: str, path: str | Path, kind: str) -> Problem:
    """Why a police.uk file with its header and no record is not loaded, and what to do. police.uk publishes a file
    empty where it holds no records from the force for the month: nothing is wrong with the file, but loading it
    would show the month as one with no crime at all, so the month stays not loaded (a gap, as a month never
    downloaded is), and the month's records are loaded when police.uk publishes them."""
    named = archive_name(path)
    what = "street-level crime" if kind == "street" else "outcomes"
    none = "no crime" if kind == "street" else "no outcome"
    if named is not None:
        month = month_words(dt.date.fromisoformat(f"{named[0]}-01"))
        force_name = next((n for n, i in reference().forces.items() if i == named[1]), named[1])
        month_file = f"{possessive(force_name)} {what} file of {month}"
    else:
        month_file = f"the month's {what} file"
    return Problem(label, f"{NO_RECORDS}: police.uk publishes a file empty where it holds no records from the "
                          "force for the month. Nothing is wrong with the file, and nothing was loaded: loading it "
                          f"would show the month as one with {none} at all. {cap(month_file)} stays not loaded, a gap "
                          "in the charts and tables, not a month of zeros. There is nothing to correct: download the "
                          "month again from data.police.uk when police.uk publishes its records, and load that.",
                   row=1)


def nothing_to_correct(problems: list[Problem]) -> bool:
    """Whether a refusal's problems are only that a police.uk file had no records: there is nothing to correct."""
    return bool(problems) and all(p.text.startswith(NO_RECORDS) for p in problems)


def _columns(names: list[str]) -> str:
    return ("column " if len(names) == 1 else "columns ") + listed([f'"{n}"' for n in names])


def archive_name(path: str | Path) -> tuple[str, str, str] | None:
    """(month, police.uk force id, kind) when the file is named as in police.uk's monthly archive
    (`2017-11/2017-11-south-yorkshire-street.csv`); else None."""
    m = _ARCHIVE_NAME.match(Path(path).name)
    return (m.group(1), m.group(2).lower(), m.group(3).lower()) if m else None


# ---------------------------------------------------------------------------------------------------
# Reading: the file straight into the records table


def _district_sql() -> tuple[str, dict]:
    """The CASE placing a record in a district from its LSOA name (c8), with its parameters."""
    ref = reference()
    params: dict[str, object] = {"no_location": ref.no_location, "outside": ref.outside}
    whens = []
    for i, (prefix, district) in enumerate(ref.district_rules):
        params[f"p{i}"], params[f"ps{i}"], params[f"d{i}"] = prefix, prefix + " ", district
        whens.append(f"WHEN starts_with(c8, $ps{i}) OR c8 = $p{i} THEN $d{i}")
    return f"CASE WHEN c8 IS NULL THEN $no_location {' '.join(whens)} ELSE $outside END", params


def _insert_records(con: duckdb.DuckDBPyConnection, table: str, csv_path: Path, kind: str, file_id: int,
                    numbered: bool = False) -> None:
    """Insert the file's records into `table`. `numbered`: number rows with a streaming window (one thread),
    else 0."""
    # each column by its name in HEADERS' order, wherever it stands; a column police.uk has added is read as text and
    # left out
    names = _names(_first_line(csv_path), kind) or tuple(f"c{i}" for i in range(len(HEADERS[kind])))
    columns = {name: "VARCHAR" for name in names}
    district, params = _district_sql()
    if kind == "street":
        crime_type, last_outcome, outcome_type, context = "c9", "c10", "NULL", "c11"
    else:
        crime_type, last_outcome, outcome_type, context = "NULL", "NULL", "c9", "NULL"
    row = "(row_number() OVER () + 1)::INTEGER" if numbered else "0"
    con.execute(
        f"""INSERT INTO {table}
        SELECT $file_id, $kind, {row}, c0,
               CASE WHEN length(c1) = 7 THEN TRY_CAST(c1 || '-01' AS DATE) END, c1, c2, c3,
               CASE WHEN readable THEN lon END, CASE WHEN readable THEN lat END,
               CASE WHEN NOT readable AND (c4 IS NOT NULL OR c5 IS NOT NULL)
                    THEN coalesce(c4, '') || ', ' || coalesce(c5, '') END,
               c6, c7, c8, {crime_type}, {last_outcome}, {outcome_type}, {context}, {district}
        FROM (SELECT *, coalesce(isfinite(lon) AND isfinite(lat), false) AS readable
              FROM (SELECT *, TRY_CAST(c4 AS DOUBLE) AS lon, TRY_CAST(c5 AS DOUBLE) AS lat
                    FROM read_csv($path, header = true, auto_detect = false, columns = $columns, delim = ',',
                                  quote = '"', escape = '"', strict_mode = true, null_padding = false,
                                  encoding = 'utf-8')))""",
        {**params, "file_id": file_id, "kind": kind, "path": str(csv_path), "columns": columns},
    )


def _blank_lines(path: Path) -> list[int]:
    """Line numbers of the empty lines (which DuckDB skips), read as a stream."""
    out = []
    with open(path, "rb") as fh:
        for i, line in enumerate(fh, start=1):
            if line in (b"\n", b"\r\n"):
                out.append(i)
    return out


def _number_rows(con: duckdb.DuckDBPyConnection, table: str, csv_path: Path, kind: str, file_id: int,
                 blank_lines: bool | None, lines: int | None = None) -> int:
    """Give the file's records their row (the header is row 1); returns their number. `blank_lines` None:
    the file may have empty lines if it has more `lines` than its records and the header."""
    lo, hi, n = one(con, f"SELECT min(rowid), max(rowid), count(*) FROM {table} WHERE file_id = ?", [file_id])
    if n == 0:
        return 0
    if blank_lines is None:
        blank_lines = lines != n + 1
    in_order = scalar(con, "SELECT current_setting('preserve_insertion_order')")
    if in_order and hi - lo + 1 == n:
        con.execute(f"UPDATE {table} SET source_row = (rowid - $lo + 2)::INTEGER WHERE file_id = $file_id",
                    {"lo": lo, "file_id": file_id})
    else:  # insertion order not kept, or not one run of row ids: number them again, in one thread
        con.execute(f"DELETE FROM {table} WHERE file_id = ?", [file_id])
        _insert_records(con, table, csv_path, kind, file_id, numbered=True)
    if blank_lines:
        # The k-th record after b skipped empty lines is on row k + 1 + b; empty line j (1-based, on line
        # L) comes before every record numbered above L - j without it.
        blanks = _blank_lines(csv_path)
        if not blanks:  # more lines than records for another reason: a quoted line break
            return n
        con.execute("CREATE OR REPLACE TEMP TABLE police_uk_blank (threshold INTEGER, shift INTEGER)")
        con.executemany("INSERT INTO police_uk_blank VALUES (?, ?)",
                        [[line - j, j] for j, line in enumerate(blanks, start=1)])
        con.execute(
            f"""UPDATE {table} r SET source_row = r.source_row + s.shift
               FROM (SELECT r2.source_row AS row0, max(b.shift) AS shift
                     FROM {table} r2 JOIN police_uk_blank b ON b.threshold < r2.source_row
                     WHERE r2.file_id = $file_id GROUP BY r2.source_row) s
               WHERE r.file_id = $file_id AND r.source_row = s.row0""", {"file_id": file_id})
    return n


def _csv_problems(facts: readers.FileFacts, width: int, exc: Exception) -> list[Problem]:
    """The rows DuckDB could not read, found again with Python's csv reader (which names them)."""
    try:
        problems = readers.locate_csv_problems(facts, width)
    except readers.FileRejected as rejected:  # a quote left open: the csv reader names where
        return rejected.problems
    return problems or [Problem(facts.label, f"cannot be read as CSV: {str(exc).splitlines()[0]}")]


# ---------------------------------------------------------------------------------------------------
# The batch the contract checks


BATCH_COLUMNS = (
    ("source_file", "VARCHAR"), ("source_sheet", "VARCHAR"), ("source_row", "INTEGER"), ("source_column", "VARCHAR"),
    ("period", "DATE"), ("district", "VARCHAR"), ("measure", "VARCHAR"), ("rows", "BIGINT"),
    ("kind", "VARCHAR"), ("month_text", "VARCHAR"), ("falls_within", "VARCHAR"), ("reported_by", "VARCHAR"),
    ("lsoa_code", "VARCHAR"), ("has_location", "BOOLEAN"), ("latitude", "DOUBLE"), ("longitude", "DOUBLE"),
    ("coordinates_text", "VARCHAR"), ("crime_type", "VARCHAR"), ("last_outcome", "VARCHAR"),
    ("outcome_type", "VARCHAR"), ("name_month", "VARCHAR"), ("name_force", "VARCHAR"), ("put_back", "VARCHAR"),
    ("changed_row", "INTEGER"),
)
# Of a month loaded before, what makes a record the same one in both revisions, for each counted column: its crime
# type's count changes with a crime added or withdrawn, whatever its last outcome; its last outcome's and its
# outcome type's with any change of the record
_SAME_RECORD = {
    "Crime type": ("crime_id", "falls_within", "period", "reported_by", "longitude", "latitude", "coordinates_text",
                   "location", "lsoa_code", "lsoa_name", "crime_type", "district"),
}
_SAME_RECORD["Last outcome category"] = (*_SAME_RECORD["Crime type"], "last_outcome", "context")
_SAME_RECORD["Outcome type"] = (*_SAME_RECORD["Crime type"], "outcome_type")


def _branch(table: str, column: str, keys: dict[str, str], where: str = "", counted: bool = False) -> str:
    """One checked column's distinct values (per month, force and district when `counted`)."""
    if counted:
        keys = {**keys, "period": "period", "district": "district", "falls_within": "falls_within"}
    fixed = {"source_file": "$label", "source_sheet": "NULL", "source_row": "min(source_row)",
             "source_column": f"'{column}'", "rows": "count(*)", "kind": "$kind", "name_month": "$name_month",
             "name_force": "$name_force", "put_back": "$put_back"}
    select = []
    for name, sql_type in BATCH_COLUMNS:
        expr = keys.get(name) or fixed.get(name) or "NULL"
        select.append(f"({expr})::{sql_type} AS {name}")
    group = ", ".join(keys.values())
    return (f"SELECT {', '.join(select)} FROM {table} WHERE file_id = $file_id"
            f"{' AND ' + where if where else ''} GROUP BY {group}")


def _build_batch(con: duckdb.DuckDBPyConnection, table: str, file_id: int, kind: str, label: str, path: Path,
                 put_back: str | None = None) -> int:
    """Make the temporary table `batch` the contract checks; returns its row count. `put_back`: of a download loaded
    before and loaded again to put it back in force, the file it was first loaded as, in words (the batch's
    put_back column, which the month_republished rule reads so as not to call it a republication)."""
    named = archive_name(path)
    branches = [
        _branch(table, "Month", {"month_text": "coalesce(month_text, '')", "period": "period"}),
        _branch(table, "Reported by", {"reported_by": "coalesce(reported_by, '')"}),
        _branch(table, "Falls within", {"falls_within": "coalesce(falls_within, '')"}),
        _branch(table, "LSOA code", {"lsoa_code": "lsoa_code", "has_location": "latitude IS NOT NULL"}),
        _branch(table, "Latitude", {"latitude": "latitude"}, "latitude IS NOT NULL"),
        _branch(table, "Longitude", {"longitude": "longitude"}, "longitude IS NOT NULL"),
        _branch(table, "Longitude", {"coordinates_text": "coordinates_text"}, "coordinates_text IS NOT NULL"),
    ]
    if kind == "street":
        branches += [_branch(table, "Crime type", {"crime_type": "coalesce(crime_type, '')"}, counted=True),
                     _branch(table, "Last outcome category", {"last_outcome": "last_outcome"},
                             "last_outcome IS NOT NULL", counted=True)]
    else:
        branches.append(_branch(table, "Outcome type", {"outcome_type": "coalesce(outcome_type, '')"}, counted=True))
    asb = reference().anti_social_behaviour
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE batch AS
        SELECT b.*,
               coalesce(strftime(b.period, '%Y-%m'), b.month_text) AS period_text, b.district AS district_text,
               b.measure AS measure_text,
               coalesce(b.month_text, b.reported_by, b.falls_within, b.lsoa_code, b.latitude::VARCHAR,
                        b.longitude::VARCHAR, b.coordinates_text, b.crime_type, b.last_outcome,
                        b.outcome_type) AS value_text,
               CASE WHEN b.rows = 1 THEN '1 row of the file holds this value: row ' || b.source_row
                    ELSE b.rows || ' rows of the file hold this value; the first is row ' || b.source_row END AS note
        FROM ({' UNION ALL '.join(branches)}) b""",
        {"file_id": file_id, "kind": kind, "label": label, "name_month": named[0] if named else None,
         "name_force": named[1] if named else None, "put_back": put_back},
    )
    # the context measure each counted value feeds: a warning about it follows that measure's figures
    con.execute(
        """UPDATE batch SET measure = CASE
               WHEN source_column = 'Crime type' AND crime_type <> ''
                   THEN coalesce((SELECT r.measure FROM police_uk_ref_crime_type r WHERE r.name = batch.crime_type),
                                 CASE WHEN crime_type <> $asb THEN 'police_uk_total_crime' END)
               WHEN source_column = 'Last outcome category' THEN 'police_uk_charge_share'
               WHEN source_column = 'Outcome type' AND outcome_type <> ''
                   THEN CASE WHEN (SELECT r.charged FROM police_uk_ref_outcome r WHERE r.name = batch.outcome_type)
                             THEN 'police_uk_outcomes_charged' ELSE 'police_uk_outcomes_recorded' END
           END""",
        {"asb": asb},
    )
    con.execute("UPDATE batch SET measure_text = measure")
    _changed_rows(con, table, file_id, kind)
    return scalar(con, "SELECT count(*) FROM batch")


def _changed_rows(con: duckdb.DuckDBPyConnection, table: str, file_id: int, kind: str) -> None:
    """Of a file holding months loaded before, each counted value's first row whose record the revision in force does
    not hold (`_SAME_RECORD`): the batch's changed_row, which a republished month's warning cites, so that it names a
    row that changed the count, not the first row holding the value. Left empty where no row of the file did (a count
    that fell as records were withdrawn) and for a month not loaded before."""
    if not records.is_attached(con) or not scalar(
            con, f"""SELECT count(*) FROM police_uk_month_current c
                     WHERE c.kind = $kind AND (c.falls_within, c.period) IN
                           (SELECT DISTINCT (falls_within, period) FROM {table} WHERE file_id = $file_id)""",
            {"kind": kind, "file_id": file_id}):
        return
    counted = {"street": ("Crime type", "Last outcome category"), "outcomes": ("Outcome type",)}[kind]
    for column in counted:
        same = _SAME_RECORD[column]
        value = {"Crime type": "crime_type", "Last outcome category": "last_outcome",
                 "Outcome type": "outcome_type"}[column]
        # each record numbered among its identical ones, so that a record held twice and now once is a change
        keys = ", ".join(f"r.{c}" for c in same)
        on = " AND ".join(f"n.{c} IS NOT DISTINCT FROM o.{c}" for c in (*same, "k"))
        con.execute(
            f"""UPDATE batch SET changed_row = c.changed_row
                FROM (SELECT n.falls_within, n.period, n.district, n.{value} AS value, min(n.source_row) AS changed_row
                      FROM (SELECT r.*, row_number() OVER (PARTITION BY {keys} ORDER BY r.source_row) AS k
                            FROM {table} r WHERE r.file_id = $file_id) n
                      WHERE NOT EXISTS (
                          SELECT 1 FROM (SELECT r.*, row_number() OVER (PARTITION BY {keys}) AS k
                                         FROM {records.TABLE} r
                                         JOIN police_uk_month_current m
                                           ON m.file_id = r.file_id AND m.kind = r.kind
                                          AND m.falls_within = r.falls_within AND m.period = r.period
                                         WHERE m.kind = $kind AND r.file_id <> $file_id) o
                          WHERE {on})
                      GROUP BY ALL) c
                WHERE batch.source_column = $column AND batch.falls_within IS NOT DISTINCT FROM c.falls_within
                  AND batch.period IS NOT DISTINCT FROM c.period AND batch.district IS NOT DISTINCT FROM c.district
                  AND coalesce(batch.{value}, '') = coalesce(c.value, '')""",
            {"file_id": file_id, "kind": kind, "column": column})


# ---------------------------------------------------------------------------------------------------
# Revisions


def _insert_revisions(con: duckdb.DuckDBPyConnection, table: str, file_id: int, kind: str, now: dt.datetime) -> None:
    """Each (force, month) of the file becomes a new revision, with its counts."""
    con.execute(
        f"""INSERT INTO police_uk_month
           SELECT $kind, n.falls_within, n.period, coalesce(p.revision, 0) + 1, $file_id, n.records, $now
           FROM (SELECT falls_within, period, count(*) AS records FROM {table}
                 WHERE file_id = $file_id GROUP BY ALL) n
           LEFT JOIN (SELECT falls_within, period, max(revision) AS revision FROM police_uk_month
                      WHERE kind = $kind GROUP BY ALL) p USING (falls_within, period)""",
        {"kind": kind, "file_id": file_id, "now": now},
    )
    outcome = "last_outcome" if kind == "street" else "outcome_type"
    con.execute(
        f"""INSERT INTO police_uk_count_revision
            SELECT $kind, c.falls_within, c.period, m.revision, c.district, c.crime_type, c.outcome, c.records
            FROM (SELECT falls_within, period, district, crime_type, {outcome} AS outcome, count(*) AS records
                  FROM {table} WHERE file_id = $file_id GROUP BY ALL) c
            JOIN police_uk_month m ON m.file_id = $file_id AND m.kind = $kind
                                  AND m.falls_within = c.falls_within AND m.period = c.period""",
        {"file_id": file_id, "kind": kind},
    )


# ---------------------------------------------------------------------------------------------------


def ingest_police_uk(con: duckdb.DuckDBPyConnection, path: str | Path, *, loaded_by: str,
                     today: dt.date | None = None, tmp_dir: Path, label: str | None = None,
                     recorded: Recorded | None = None, progress: Callable[[str], None] | None = None,
                     put_back: bool = True) -> FileOutcome:
    """Load one police.uk street or outcomes file in one transaction, or refuse it whole with its problems.

    `label` is the name it is shown and registered by (its file name unless given). DuckDB works within the
    setting duckdb_memory_limit meanwhile (PCCDASH_DUCKDB_MEMORY_LIMIT). `recorded(con, file_id, outcome)` runs in
    the transaction that registers the file, accepted or refused, as for a force return. `progress` is told each
    stage of a large file (STAGES_FROM_BYTES or more) with the seconds so far.

    A file loaded before is skipped while its months are in force from it. One whose months another file has
    replaced since (police.uk's republication, or an older download loaded after it) is loaded again, as its own
    load, putting its counts back in force: loading it is the office's choice of it over the other file. With
    `put_back` False (a file found in a folder, not named by itself) it is skipped, saying which file is in force
    and how to put it back: a folder holding two downloads of a month would otherwise switch them each time it is
    loaded."""
    started = time.perf_counter()
    path = Path(path)
    label = label or path.name
    if progress is not None and path.exists() and path.stat().st_size < STAGES_FROM_BYTES:
        progress = None
    drop_staging(con)
    received = utc_now()
    kind = detect(path)
    month = checks.current_month(today)
    with memory_limit(con):
        if kind is not None and _scan_while_reading(con, path):
            outcome = _load_scanning(con, path, label, kind, received=received, loaded_by=loaded_by, month=month,
                                     started=started, dry_run=False, recorded=recorded, progress=progress)
            if outcome is not None:
                return outcome
            # not plain UTF-8: read the careful way, as any return is
        try:
            facts = readers.inspect_file(path, label, Path(tmp_dir))
        except readers.FileRejected as exc:
            size = path.stat().st_size if path.exists() else 0
            return reject(con, path, label, None, size, received, loaded_by, exc.problems, started,
                          recorded=recorded, contract_id=judged_as(path))
        if kind is None:
            return reject(con, path, label, facts, facts.size, received, loaded_by, [_not_police_uk(label, path)],
                          started, recorded=recorded, contract_id=judged_as(path))
        earlier = _first_loaded_as(con, facts.sha256)
        elsewhere = in_force_elsewhere(con, facts.sha256) if earlier else []
        if earlier and not (elsewhere and put_back):
            file_id, name, when = earlier
            return FileOutcome(label, path, "already_loaded", file_id=file_id, layout=f"police_uk_{kind}",
                               message=f'already loaded as file #{file_id} ("{name}") on {uk_words(when, "words")}; '
                                       f"nothing changed.{_replaced_since(elsewhere, path)}",
                               seconds=time.perf_counter() - started)
        put_back_of = _file_words(earlier) if elsewhere else None
        return _load(con, path, label, kind, facts, None, received=received, loaded_by=loaded_by, month=month,
                     started=started, dry_run=False, recorded=recorded, progress=progress, put_back=put_back_of,
                     put_back_note=(lambda c, fid: _put_back_note(c, facts.sha256, fid, elsewhere)) if elsewhere
                     else None)


def charged_note(con: duckdb.DuckDBPyConnection, file_id: int) -> str:
    """Of a police.uk file just loaded as a new revision of months already held, the counts of crimes charged or
    summonsed it changed (`charged_changes`), in words: they are worked out from the crime types' records, so they
    are not among the figures its load counts as new, revised or unchanged, and are said here instead; "" for
    none."""
    changes = charged_changes(con, file_id)
    if not changes:
        return ""
    force = reference().force
    said = [f"{'' if falls_within == force else possessive(falls_within) + ' '}{district} in {month_words(period)} "
            f"({before:,}, now {after:,})" for falls_within, period, district, before, after in changes]
    return (f"Besides those figures, the {'count' if len(said) == 1 else 'counts'} of crimes charged or summonsed, "
            f"which the charge share is worked out from, changed for {listed(said)}.")


# A month republished by police.uk keeps its crimes and moves their outcomes on, so its record count hardly falls; a
# file holding under nine tenths of the records of the revision it replaces is most likely an older download
FEWER_RECORDS_SHARE = 0.9


def fewer_records_note(con: duckdb.DuckDBPyConnection, file_id: int) -> str:
    """Of a police.uk file just loaded as a new revision of months already held, the months it holds markedly fewer
    records of than the revision it replaced (FEWER_RECORDS_SHARE), in words: records in force before and in this
    file, and that an older download does this, so that the right one can be loaded again; "" when none. The file
    is loaded all the same: police.uk may have removed records, and the office decides."""
    rows = con.execute(
        """SELECT m.kind, m.falls_within, m.period, p.records, m.records, p.file_id, r.name
           FROM police_uk_month m
           JOIN police_uk_month p ON p.kind = m.kind AND p.falls_within = m.falls_within AND p.period = m.period
                                 AND p.revision = m.revision - 1
           JOIN file_registry r ON r.file_id = p.file_id
           WHERE m.file_id = ? AND m.records < p.records * ?
           ORDER BY m.period, m.falls_within, m.kind""", [file_id, FEWER_RECORDS_SHARE]).fetchall()
    if not rows:
        return ""
    said = [f"{possessive(force_name)} {KIND_WORDS.get(kind, kind)} of {month_words(period)} had {before:,} records "
            f'in force (file #{by}, "{shown(by_name, None)}") and has {now:,} in this file'
            for kind, force_name, period, before, now, by, by_name in rows]
    one_month = len(rows) == 1
    return (f"This file holds markedly fewer records than the one it replaces: {'; '.join(said)}. Its counts are in "
            f"force now. An older download of {'the month' if one_month else 'these months'} would do this: if this "
            f"is one, download {'the month' if one_month else 'them'} from police.uk again and load the new "
            "download.")


def other_force_note(con: duckdb.DuckDBPyConnection, file_id: int) -> str:
    """Of a police.uk file just loaded, none of whose records fall within the configured force (the wrong force's
    download, or another force's to compare with): whose records they are, and that they count in none of the force's
    figures, so that a file downloaded by mistake is seen at once; "" for a file with any record of the force."""
    rows = con.execute("SELECT falls_within, kind, min(period), max(period) FROM police_uk_month WHERE file_id = ? "
                       "GROUP BY falls_within, kind ORDER BY falls_within, kind", [file_id]).fetchall()
    return _other_force_words(rows)


def read_other_force_note(con: duckdb.DuckDBPyConnection, table: str, kind: str) -> str:
    """`other_force_note` of the records a dry run has just read into `table` (`pccdash validate FILE`, which keeps
    nothing): what loading the file would say of whose records they are, from the records read, not the file again."""
    rows = con.execute(f"SELECT falls_within, ?, min(period), max(period) FROM {table} GROUP BY falls_within "
                       "ORDER BY falls_within", [kind]).fetchall()
    return _other_force_words(rows)


def _other_force_words(rows: list[tuple]) -> str:
    """The sentence of `other_force_note` from (falls within, kind, first month, last month) of each force of a
    file; "" when one is the configured force's, or none names a force and a month."""
    force = reference().force
    if any(falls_within == force for falls_within, *_ in rows):
        return ""
    rows = [(falls_within, kind, first, last) for falls_within, kind, first, last in rows
            if falls_within and first is not None and last is not None]
    if not rows:
        return ""
    said = [f"{possessive(falls_within)} {KIND_WORDS.get(kind, kind)} of "
            + (month_words(first) if first == last else f"{month_words(first)} to {month_words(last)}")
            for falls_within, kind, first, last in rows]
    return (f"It holds no record of {force}: its records are {listed(said)}, "
            f"kept to compare {force} with other forces, and count in none of {possessive(force)} own figures. If "
            f"{possessive(force)} file was meant, download it from data.police.uk and load it.")


def _first_loaded_as(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple | None:
    """The first accepted file of the content `sha256`, as (file id, name, time received); None if none was."""
    return one(con, "SELECT file_id, name, received_at FROM file_registry "
                    "WHERE sha256 = ? AND outcome = 'accepted' ORDER BY file_id LIMIT 1", [sha256])


def _file_words(loaded: tuple) -> str:
    return f'file #{loaded[0]} ("{shown(loaded[1], None)}")'


def _put_back_of(con: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    """Of the content `sha256`: when it is a download loaded before whose months another file is in force for now
    (so loading it again puts it back in force), the file it was first loaded as, in words; None otherwise (never
    loaded, or in force from it still)."""
    earlier = _first_loaded_as(con, sha256)
    return _file_words(earlier) if earlier and in_force_elsewhere(con, sha256) else None


def in_force_elsewhere(con: duckdb.DuckDBPyConnection, sha256: str) -> list[tuple]:
    """Of the content `sha256`, loaded before, the months whose counts in force now are another file's: each as
    (kind, force, month, its latest revision from this content, the revision in force, that revision's file id,
    name and time loaded). Empty when every month of it is in force from it (from any file of the same bytes)."""
    return con.execute(
        """WITH mine AS (SELECT m.kind, m.falls_within, m.period, max(m.revision) AS revision
                         FROM police_uk_month m JOIN file_registry f ON f.file_id = m.file_id
                         WHERE f.sha256 = $sha AND f.outcome = 'accepted' GROUP BY ALL)
           SELECT m.kind, m.falls_within, m.period, m.revision, c.revision, c.file_id, r.name, c.loaded_at
           FROM mine m
           JOIN police_uk_month_current c USING (kind, falls_within, period)
           JOIN file_registry r ON r.file_id = c.file_id
           WHERE r.sha256 <> $sha
           ORDER BY m.period, m.falls_within, m.kind""", {"sha": sha256}).fetchall()


def replaced_since_note(con: duckdb.DuckDBPyConnection, file_id: int) -> str:
    """Of an accepted police.uk file read later, the months of it another file (of other content) is in force for
    now (`in_force_elsewhere`), in words: what its load said of their counts ("5, now 8") was so when it was loaded,
    not as they stand; "" when every month of it is in force from it."""
    sha256 = scalar(con, "SELECT sha256 FROM file_registry WHERE file_id = ? AND outcome = 'accepted'", [file_id])
    elsewhere = in_force_elsewhere(con, sha256) if sha256 else []
    said = [f'{_month_of(kind, force_name, period)} is revision {now} now, from file #{by} ("{shown(by_name, None)}") '
            f'loaded on {uk_words(loaded, "words")}' for kind, force_name, period, _was, now, by, by_name, loaded
            in elsewhere]
    if not said:
        return ""
    return (f"Another file has been in force for {'its month' if len(said) == 1 else 'its months'} since: "
            f"{'; '.join(said)}. What this file's load said of {'its counts' if len(said) == 1 else 'their counts'} "
            "was so when it was loaded, not as they stand.")


def _month_of(kind: str, force_name: str, period: dt.date) -> str:
    return f"{possessive(force_name)} {KIND_WORDS.get(kind, kind)} of {month_words(period)}"


def loaded_before(con: duckdb.DuckDBPyConnection, sha256: str, label: str, path: Path) -> str:
    """Of a police.uk file `pccdash validate` checked, by its content `sha256`, what `pccdash ingest` would make of
    it as one loaded before: that loading it again would change nothing (it is in force), or which of its months
    another file is in force for now and how to put it back; "" for a file never loaded."""
    earlier = _first_loaded_as(con, sha256) if sha256 else None
    if earlier is None:
        return ""
    file_id, name, when = earlier
    loaded = f'it was loaded as file #{file_id} ("{shown(name, None)}") on {uk_words(when, "words")}'
    elsewhere = in_force_elsewhere(con, sha256)
    if not elsewhere:
        return f'"{shown(label, None)}" is already loaded: loading it again would change nothing: {loaded}.'
    return f'"{shown(label, None)}" was loaded before: {loaded}.{_replaced_since(elsewhere, path)}'


def _replaced_since(elsewhere: list[tuple], path: Path) -> str:
    """Of a file loaded before and skipped, the months of it another file is in force for (`in_force_elsewhere`):
    which revision is in force, from which file and when it was loaded, and how to put this file back; "" for
    none."""
    said = [f"{_month_of(kind, force_name, period)} (revision {was} in that file) is revision {now} now, from file "
            f'#{by} ("{shown(by_name, None)}") loaded on {uk_words(loaded, "words")}'
            for kind, force_name, period, was, now, by, by_name, loaded in elsewhere]
    if not said:
        return ""
    return (f" Another file is in force for {'its month' if len(said) == 1 else 'its months'}: {'; '.join(said)}. "
            f'To put this file back in force, load it by itself: pccdash ingest "{shown(str(path), None)}".')


def _put_back_note(con: duckdb.DuckDBPyConnection, sha256: str, file_id: int, elsewhere: list[tuple]) -> str:
    """Of a file loaded before and loaded again as `file_id` because other files were in force for its months
    (`in_force_elsewhere`), in words: the files it was loaded as, and those it is in force in place of now."""
    before = [f'#{n} ("{shown(name, None)}")' for n, name in con.execute(
        "SELECT file_id, name FROM file_registry WHERE sha256 = ? AND outcome = 'accepted' AND file_id <> ? "
        "ORDER BY file_id", [sha256, file_id]).fetchall()]
    replaced = {}
    for kind, force_name, period, _was, _now, by, by_name, _loaded in elsewhere:
        replaced.setdefault((by, by_name), []).append(_month_of(kind, force_name, period))
    instead = "; ".join(f'file #{by} ("{shown(by_name, None)}") for {listed(months)}'
                        for (by, by_name), months in replaced.items())
    return (f"It was loaded before as file{'s' if len(before) > 1 else ''} {listed(before)}; it is now in force "
            f"again in place of {instead}.")


def validate_police_uk(con: duckdb.DuckDBPyConnection, path: str | Path, *, today: dt.date | None = None,
                       tmp_dir: Path | None = None, engine: str = "duckdb", label: str | None = None
                       ) -> tuple[str, ValidationRun | None, list[Problem]]:
    """`pccdash validate FILE` for a police.uk street or outcomes file: a dry run, loading nothing.

    The file is read and checked against its own contract (police_uk_street or police_uk_outcomes) as
    `ingest_police_uk` does, inside a transaction that is then rolled back; the run is stored (scope
    dry-run) as for a return. An earlier download of a month, replaced since, is checked as the download put back
    that loading it makes it, not as a republication. Returns (label, run, problems): `run` is None when the file
    could not be read as a police.uk file at all, and `problems` say why (a file that is not police.uk's, a ragged row,
    an encoding that is neither UTF-8 nor Windows-1252, ...); its trial is stored all the same, refused for them, as
    its load would refuse it. `engine` judges the row rules, as in
    `validate_batch` ("gx": Great Expectations, the independent second engine). `label` is the name the file is
    shown by, as `ingest_police_uk` takes it (its file name unless given).
    """
    path = Path(path)
    label = label or path.name
    drop_staging(con)
    kind = detect(path)
    month = checks.current_month(today)
    common = {"received": utc_now(), "loaded_by": "", "month": month, "started": time.perf_counter(),
              "dry_run": True, "engine": engine}

    def refused(problems: list[Problem]) -> tuple[str, None, list[Problem]]:
        """Refused before any rule could judge it, as its load would be: its trial kept so, a run of no rows with
        the file's problems, as a return's is (`validate_named`)."""
        run = ValidationRun(load_contract(judged_as(path)), "dry-run", f'"{label}" (not loaded)', rows=0,
                            started_at=common["received"], seconds=time.perf_counter() - common["started"])
        save_trial(con, run, problems[:PROBLEMS_KEPT])
        return label, None, problems

    with memory_limit(con), tempfile.TemporaryDirectory(prefix="pccdash-") as own_tmp:
        outcome = None
        if kind is not None and _scan_while_reading(con, path, check_loaded=False):
            outcome = _load_scanning(con, path, label, kind, **common)
        if outcome is None:
            try:
                facts = readers.inspect_file(path, label, Path(tmp_dir or own_tmp))
            except readers.FileRejected as exc:
                return refused(exc.problems)
            if kind is None:
                return refused([_not_police_uk(label, path)])
            outcome = _load(con, path, label, kind, facts, None, **common)
        if outcome.run is None:
            return refused(outcome.problems)
    return label, outcome.run, []


def _not_police_uk(label: str, path: Path | None = None) -> Problem:
    if path is not None and (problem := header_problem(path, label)) is not None:
        return problem
    expected = ",".join(STREET_HEADER)
    return Problem(label, f'is not a police.uk street-level crime or outcomes file: the header should be '
                          f'"{expected}" (or the outcomes file\'s, ending "Outcome type").', row=1)


def _too_little_memory(label: str, exc: duckdb.OutOfMemoryException) -> ConfigError:
    limit = settings.get("duckdb_memory_limit")
    return ConfigError(f'"{label}" was not loaded: DuckDB needed more memory than the setting '
                       f'PCCDASH_DUCKDB_MEMORY_LIMIT allows ({limit}); nothing was kept. Raise it (1GB is the default) '
                       f"and run the same command again. DuckDB said: {str(exc).splitlines()[0]}")


@contextlib.contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's memory_limit set to the setting duckdb_memory_limit meanwhile, then put back. Past the limit
    DuckDB writes pages out to its temporary folder, so a police.uk file's size does not set the memory used."""
    limit = settings.get("duckdb_memory_limit")
    before = scalar(con, "SELECT current_setting('memory_limit')")
    try:
        con.execute("SET memory_limit = ?", [limit])
    except (duckdb.ParserException, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise ConfigError(f'The setting PCCDASH_DUCKDB_MEMORY_LIMIT is "{limit}", which DuckDB cannot read as a '
                          f"memory limit ({str(exc).splitlines()[0]}); write it as DuckDB does, such as 1GB or "
                          "512MB.") from None
    except duckdb.OutOfMemoryException:
        raise ConfigError(f'The setting PCCDASH_DUCKDB_MEMORY_LIMIT is "{limit}", less than DuckDB is using already; '
                          "raise it (1GB is the default).") from None
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):  # never hide what went wrong inside
            con.execute("RESET memory_limit")  # the default is put back exactly; another value to a tenth
            if scalar(con, "SELECT current_setting('memory_limit')") != before:
                con.execute("SET memory_limit = ?", [before])


# ---------------------------------------------------------------------------------------------------
# The file's bytes, read in a thread while DuckDB reads the file


@dataclass(frozen=True)
class _Scan:
    sha256: str
    plain: bool  # UTF-8, with or without a byte order mark, and no NUL byte: DuckDB reads it as it is
    lines: int  # lines ended by a newline, and a last one without


def _scan(path: Path) -> _Scan:
    """What readers.inspect_file learns of a file it would pass unchanged, in one pass: the fingerprint, whether
    it is plain UTF-8, and its line count. Empty lines (which DuckDB skips, shifting row numbers) are found from
    the count, not searched for byte by byte: more lines than records plus the header means some. hashlib and
    numpy let go of the GIL, so this runs beside DuckDB's read of the same file; on two cores it takes a core
    from DuckDB meanwhile, so each step is the cheapest that answers (an ASCII chunk is not decoded)."""
    import numpy  # here: a return's load, which imports this module, starts without numpy

    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    plain = True
    newlines = 0
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            if plain and not readers.ascii_between_characters(chunk, decoder):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    plain = False
            plain = plain and b"\x00" not in chunk
            # numpy counts them in a quarter of bytes.count's time
            newlines += int(numpy.count_nonzero(numpy.frombuffer(chunk, numpy.uint8) == 10))
            last = chunk[-1:]
    if plain:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            plain = False
    return _Scan(digest.hexdigest(), plain, newlines + (last not in (b"", b"\n")))


def _scan_while_reading(con: duckdb.DuckDBPyConnection, path: Path, check_loaded: bool = True) -> bool:
    """Whether the file may be fingerprinted while DuckDB reads it: within the size limit, and (when loading)
    no accepted file of the same size, which it might be a copy of: that is checked before anything is read."""
    size = path.stat().st_size
    if not 0 < size <= settings.get_int("max_file_mb") * 1024 * 1024:
        return False
    return not check_loaded or scalar(
        con, "SELECT count(*) FROM file_registry WHERE outcome = 'accepted' AND size_bytes = ?", [size]) == 0


def _load_scanning(con: duckdb.DuckDBPyConnection, path: Path, label: str, kind: str, **how) -> FileOutcome | None:
    """`_load` with the file's bytes scanned in a thread meanwhile; None when they are not plain UTF-8."""
    with open(path, "rb") as fh:
        bom = fh.read(3) == codecs.BOM_UTF8
    facts = readers.FileFacts(path=path, label=label, size=path.stat().st_size, sha256="", file_type="csv",
                              encoding="utf-8-sig" if bom else "utf-8")
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="pccdash-scan") as pool:
        return _load(con, path, label, kind, facts, pool.submit(_scan, path), **how)


# ---------------------------------------------------------------------------------------------------


def _load(con: duckdb.DuckDBPyConnection, path: Path, label: str, kind: str, facts: readers.FileFacts,
          scan: concurrent.futures.Future | None, *, received: dt.datetime, loaded_by: str, month: dt.date,
          started: float, dry_run: bool, engine: str = "duckdb", recorded: Recorded | None = None,
          progress: Callable[[str], None] | None = None, put_back: str | None = None,
          put_back_note: Callable[[duckdb.DuckDBPyConnection, int], str] | None = None) -> FileOutcome | None:
    """Read the file, check it, and keep it (or, in a dry run, roll back and store the run only).

    `scan`: the file's bytes being scanned meanwhile; `facts` then wait for its fingerprint, and None is
    returned, with nothing changed, when the file is not plain UTF-8 after all. `progress`: told each stage.
    `put_back`: the file a download loaded before was first loaded as, in words, when it is loaded again to put it
    back in force (`_build_batch`); a dry run finds it from the file's fingerprint, so that it says what loading the
    file would. `put_back_note(con, file_id)`: what the load of such a file says first, of the files it was loaded as
    and those it is in force in place of. What the load says besides its counts (`FileOutcome.message`) is kept with
    the file in the registry, as a refused file's first problem is, so that "pccdash files" gives it later."""

    def stage(words: str) -> None:
        if progress is not None:
            progress(f"        {words} ({time.perf_counter() - started:,.0f} s so far)")
    layout = f"police_uk_{kind}"
    contract = load_contract(layout)
    register_reference_tables(con)
    csv_path = facts.text_path or facts.path  # a Windows-1252 file is read from its UTF-8 copy
    if dry_run:  # read into a table of this connection's own, which nothing else sees
        table = "temp.police_uk_incoming"
        con.execute(f"CREATE OR REPLACE TEMP TABLE police_uk_incoming {records.COLUMNS}")
    else:  # read into the records file, by a connection of its own that commits them before the warehouse does
        table = records.for_load(con)
        # names are looked up in the warehouse alone meanwhile: a lookup reaching the records file would fix what
        # this transaction sees of it before the other connection has committed the records
        con.execute("RESET search_path")
    pending = False  # the records are committed in the records file, and the warehouse has not accepted them
    writer = None
    con.execute("BEGIN TRANSACTION")
    in_transaction = True
    file_id = 0
    try:
        file_id = 0 if dry_run else register(con, path, label, facts, received, loaded_by, "accepted", layout)
        if not dry_run:
            writer = con.cursor()
            writer.execute("BEGIN TRANSACTION")
            records.clear(writer, file_id)  # a number the warehouse has never accepted: any records under it are stale
        into = writer or con
        read_error = None
        stage(f"reading its records ({facts.size / 2**20:,.0f} MiB)")
        try:
            _insert_records(into, table, csv_path, kind, file_id)
        except duckdb.Error as exc:
            read_error = exc
        lines = None
        if scan is not None:
            found = scan.result()
            if not found.plain:
                con.execute("ROLLBACK")
                in_transaction = False
                give_back(con, file_id)  # taken again as the file is read the careful way
                return None
            facts.sha256, lines = found.sha256, found.lines
            if not dry_run:
                con.execute("UPDATE file_registry SET sha256 = ? WHERE file_id = ?", [facts.sha256, file_id])
        if isinstance(read_error, duckdb.OutOfMemoryException):
            raise read_error  # the setting, not the file: nothing is refused
        if read_error is not None:
            raise _Refused(_csv_problems(facts, len(_first_line(csv_path)), read_error))
        if writer is not None:
            # The records are committed before they are numbered: numbering rows written in the same transaction
            # makes DuckDB write every one of them again at commit (a third of a large load's time).
            stored = scalar(writer, f"SELECT count(*) FROM {table} WHERE file_id = ?", [file_id])
            writer.execute(f"INSERT INTO {records.ALIAS}.police_uk_record_file VALUES (?, ?, ?)",
                           [file_id, kind, stored])
            records.expect(con)
            writer.execute("COMMIT")
            pending = True
            faults.point("police_uk_records_unnumbered")
            writer.execute("BEGIN TRANSACTION")
        rows = _number_rows(into, table, csv_path, kind, file_id, facts.blank_lines if lines is None else None, lines)
        if rows == 0:
            raise _Refused([no_records(label, path, kind)])
        stage(f"read {rows:,} records; counting them by month, district and measure, and checking the counts")
        if writer is not None:
            writer.execute("COMMIT")
            writer.close()
            writer = None
            faults.point("police_uk_records_committed")
        if dry_run and put_back is None:
            # as its load would be: a download loaded before and replaced since is put back, not a republication
            put_back = _put_back_of(con, facts.sha256)
        _build_batch(con, table, file_id, kind, label, path, put_back)
        run = validate_batch(con, contract, scope="dry-run" if dry_run else "ingest",
                             label=f'"{label}" (not loaded)' if dry_run else f'"{label}"', current_month=month,
                             engine=engine)
        run.records = rows
        if dry_run:
            run.note = read_other_force_note(con, table, kind)  # another force's file, as its load would say
            con.execute("ROLLBACK")
            in_transaction = False
            con.execute("BEGIN TRANSACTION")
            save_run(con, run, None)
            con.execute("COMMIT")
            return FileOutcome(label, path, "validated", layout=layout, rows=rows, run=run,
                               seconds=time.perf_counter() - started)
        if run.errors:
            # keep the batch (a few thousand rows) past the rollback: the refusal records its failing rows
            batch = con.sql("SELECT * FROM batch").to_arrow_table()
            con.execute("ROLLBACK")
            in_transaction = False
            give_back(con, file_id)  # the refusal is registered under the number the load took
            records.forget(con, [file_id])
            pending = False
            con.register("police_uk_batch_kept", batch)
            con.execute("CREATE OR REPLACE TEMP TABLE batch AS SELECT * FROM police_uk_batch_kept")
            con.unregister("police_uk_batch_kept")
            return reject(con, path, label, facts, facts.size, received, loaded_by, run.problems("error"), started,
                          layout=layout, run=run, current_month=month, recorded=recorded)
        stage("checked; keeping the counts")
        run_id = save_run(con, run, file_id)
        # before the counts change: the republished-month rule compares the file with the current counts
        caveats = save_caveats(con, run, run_id, file_id, month)
        _insert_revisions(con, table, file_id, kind, received)
        new, revised, unchanged = change_counts(con, file_id)
        said = " ".join(n for n in (put_back_note(con, file_id) if put_back_note else "",
                                    other_force_note(con, file_id), charged_note(con, file_id),
                                    fewer_records_note(con, file_id), extra_columns_note(path)) if n)
        con.execute("UPDATE file_registry SET rows_read = ?, figures_new = ?, figures_revised = ?, "
                    "figures_unchanged = ?, message = ? WHERE file_id = ?",
                    [rows, new, revised, unchanged, said or None, file_id])
        if recorded:
            recorded(con, file_id, "accepted")
        faults.point("ingest_before_commit")
        con.execute("COMMIT")
        in_transaction = False
        pending = False  # accepted: they are the file's records now
        records.settled(con)
        faults.point("ingest_after_commit")
    except _Refused as exc:
        if in_transaction:
            con.execute("ROLLBACK")
            give_back(con, file_id)  # the refusal is registered under the number the load took
        if dry_run:
            return FileOutcome(label, path, "rejected", layout=layout, problems=exc.problems,
                               seconds=time.perf_counter() - started)
        return reject(con, path, label, facts, facts.size, received, loaded_by, exc.problems, started,
                      layout=layout, recorded=recorded, contract_id=layout)
    except duckdb.OutOfMemoryException as exc:
        if in_transaction:
            con.execute("ROLLBACK")
            give_back(con, file_id)
        raise _too_little_memory(label, exc) from None
    except BaseException:
        if in_transaction:
            con.execute("ROLLBACK")
            give_back(con, file_id)
        raise
    finally:
        if writer is not None:  # the records were not committed: nothing of them is kept
            with contextlib.suppress(duckdb.Error):
                writer.execute("ROLLBACK")
            writer.close()
        if pending:  # committed, but the warehouse did not accept them: deleted now (else at the next open)
            with contextlib.suppress(duckdb.Error):
                records.forget(con, [file_id])
        drop_staging(con)
        if not dry_run:
            records.expose(con)
    return FileOutcome(label, path, "accepted", file_id=file_id, layout=layout, rows=rows, new=new, revised=revised,
                       unchanged=unchanged, seconds=time.perf_counter() - started, run=run, caveats=caveats,
                       message=said)
