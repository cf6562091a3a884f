"""Whatever a file holds, `ingest` never raises: a refused file leaves every figure as it was, and an accepted
file's figures are all in the warehouse."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipelines import warehouse
from pipelines.ingest import ingest

TODAY = dt.date(2026, 11, 21)
HEADER = ["period", "district", "measure", "value"]
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# ---------------------------------------------------------------------------------------------------
# One warehouse for the module, with one good file in it; each example is compared before and after


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """(connection, folder for the example files) on a warehouse holding one accepted file."""
    folder = tmp_path_factory.mktemp("fuzz")
    earlier = folder / "earlier.csv"
    earlier.write_text("period,district,measure,value\n2015-06,Rotherham,cse_charges,2\n"
                       "2015-07,Sheffield,cse_charges,5\n")
    with warehouse.connect(folder / "fuzz.duckdb") as con:
        assert ingest(con, [earlier], today=TODAY).ok
        yield con, folder


def snapshot(con) -> list[tuple]:
    """Every figure revision (the fingerprint of tests/helpers.py, read on the open connection)."""
    return con.execute("SELECT period, district, measure, revision, value, file_id, source_row FROM figure_revision "
                       "ORDER BY ALL").fetchall()


def current(con) -> dict[tuple, float]:
    return {r[:3]: r[3] for r in con.execute("SELECT period, district, measure, value FROM figure").fetchall()}


def ingest_one(con, path: Path):
    """Ingest one file and check the rule; returns the file's outcome."""
    before = snapshot(con)
    report = ingest(con, [path], today=TODAY, loaded_by="fuzz")  # any exception fails the example
    (outcome,) = report.files
    reason = re.sub(r'"[^"]*"|\d+', "_", outcome.problems[0].text)[:60] if outcome.problems else ""
    event(f"{outcome.outcome} {reason}".strip())  # pytest --hypothesis-show-statistics shows the mix
    after = snapshot(con)
    if outcome.outcome != "accepted":
        assert outcome.outcome in ("rejected", "already_loaded"), outcome.outcome
        assert after == before, f"{outcome.outcome} file changed the figures"
        if outcome.outcome == "rejected":
            assert outcome.problems and all(p.file == path.name for p in outcome.problems)
        return outcome
    added = [r for r in after if r not in before]
    assert set(before) <= set(after), "an accepted file removed a figure revision"
    assert all(r[5] == outcome.file_id for r in added)
    assert len(added) == outcome.new + outcome.revised
    assert outcome.new + outcome.revised + outcome.unchanged == outcome.rows
    now = current(con)
    for period, district, measure, value in con.execute(
            "SELECT period, district, measure, value FROM figure_revision WHERE file_id = ?",
            [outcome.file_id]).fetchall():
        assert now[(period, district, measure)] == value
    return outcome


# ---------------------------------------------------------------------------------------------------
# (a) bytes: random, or a good file damaged


def _workbook(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Return"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_CSV = b"period,district,measure,value,note\n2015-09,Barnsley,cse_charges,2,\"a \"\"quoted\"\"\nnote\"\n" \
           b"2015-09,Doncaster,cse_charges,3,\n"
GOOD_XLSX = _workbook([HEADER, ["2015-09", "Barnsley", "cse_charges", 2], ["2015-09", "Doncaster", "cse_charges", 3]])
WIDE_XLSX = _workbook([["Measure", "cse_referrals"], ["Period", "Barnsley", "Doncaster", "Total"],
                       ["Sep 2015", 1, 2, 3], [dt.datetime(2015, 10, 1), 4, 5, 9]])


@st.composite
def damaged(draw, base: bytes) -> bytes:
    """`base` with a few bytes replaced, inserted or deleted, and perhaps cut short."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        if action == "replace":
            data[i] = draw(st.integers(0, 255))
        elif action == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[i:i + draw(st.integers(1, 8))]
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


@st.composite
def damaged_package(draw, base: bytes) -> bytes:
    """`base` unzipped, one member's XML damaged, zipped again: the damage reaches the XML parser."""
    src = zipfile.ZipFile(io.BytesIO(base))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    target = draw(st.sampled_from(sorted(n for n in members if n.endswith(".xml"))))
    members[target] = draw(damaged(members[target]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


def central_directory_damaged(base: bytes):
    """`base` with bytes of its central directory (the zip's table of members) replaced."""
    start = zipfile.ZipFile(io.BytesIO(base)).start_dir

    @st.composite
    def make(draw) -> bytes:
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(start, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        return bytes(data)
    return make()


RANDOM_CSV_BYTES = st.one_of(st.binary(max_size=2000), damaged(GOOD_CSV),
                             st.text(max_size=300).map(lambda t: t.encode("utf-8")))
RANDOM_XLSX_BYTES = st.one_of(st.binary(max_size=2000), st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),
                              damaged(GOOD_XLSX), damaged_package(GOOD_XLSX), damaged_package(WIDE_XLSX),
                              central_directory_damaged(GOOD_XLSX))


@settings(FUZZ, max_examples=100)
@given(data=RANDOM_CSV_BYTES)
def test_any_bytes_as_csv_never_raise_and_a_refusal_changes_nothing(wh, data):
    con, folder = wh
    path = folder / "fuzz.csv"
    path.write_bytes(data)
    ingest_one(con, path)


@settings(FUZZ, max_examples=100)
@given(data=RANDOM_XLSX_BYTES)
def test_any_bytes_as_xlsx_never_raise_and_a_refusal_changes_nothing(wh, data):
    con, folder = wh
    path = folder / "fuzz.xlsx"
    path.write_bytes(data)
    ingest_one(con, path)


# ---------------------------------------------------------------------------------------------------
# (b) CSV text from the real header and plausible and implausible cells


PERIODS = ["2015-07", "2015-12", "2014-01", "2026-11"]
BAD_PERIODS = ["2026-12", "2030-01", "2015-13", "2015-00", "15-07", "2015-7", "July 2015", "Jul 2015", "2015/07",
               "07/2015", ""]
DISTRICTS = {"Barnsley": "Barnsley", "rotherham": "Rotherham", " SHEFFIELD ": "Sheffield", "Doncaster": "Doncaster"}
BAD_DISTRICTS = ["Leeds", "Rotherhm", "", '=HYPERLINK("http://x.example/")']
MEASURES = {"cse_charges": "cse_charges", "CSE charges": "cse_charges", "Referrals": "cse_referrals",
            "officers_trained_pct": "officers_trained_pct", "cse_arrests": "cse_arrests"}
OTHER_MEASURES = {"grooming_arrests": "grooming_arrests"}  # a part of cse_arrests: may not exceed it
BAD_MEASURES = ["cse_chargez", ""]
VALUES = ["0", "3", "46", " 7 ", "999999999", "007"]
BAD_VALUES = ["1000000000", "-1", "2.5", "87.5", "100.1", "1e30", "99999999999999999999", "NaN", "inf", "", "=1+1",
              "+3", "1,234", "3.0"]
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"], start=1)}

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
plain_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x17F), max_size=12)
CLEAN_ROW = st.fixed_dictionaries({
    "period": st.sampled_from(PERIODS),
    "district": st.sampled_from(sorted(DISTRICTS)),
    "measure": st.sampled_from(sorted(MEASURES)),
    "value": st.one_of(st.sampled_from(VALUES), st.integers(0, 100).map(str)),
    "note": st.one_of(st.none(), plain_text, st.just('said "no"\nthen "yes"')),
})
ANY_ROW = st.fixed_dictionaries({
    "period": st.one_of(st.sampled_from(PERIODS + BAD_PERIODS), any_text),
    "district": st.one_of(st.sampled_from(sorted(DISTRICTS) + BAD_DISTRICTS), any_text),
    "measure": st.one_of(st.sampled_from(sorted(MEASURES) + sorted(OTHER_MEASURES) + BAD_MEASURES), any_text),
    "value": st.one_of(st.sampled_from(VALUES + BAD_VALUES), st.integers(0, 10**6).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr), any_text),
    "note": st.one_of(st.none(), any_text, st.just('said "no",\nthen "yes"')),
})


@st.composite
def csv_return(draw) -> tuple[bytes, list[dict]]:
    """A long-layout CSV as bytes, and the rows written into it that are not blank."""
    columns = list(HEADER) + (["note"] if draw(st.booleans()) else [])
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    header = [c.upper() if draw(st.integers(0, 9)) == 0 else c for c in columns]
    if draw(st.booleans()):  # plausible rows, one per figure
        rows = draw(st.lists(CLEAN_ROW, min_size=1, max_size=8, unique_by=lambda r: (
            r["period"], DISTRICTS[r["district"]], MEASURES[r["measure"]])))
    else:
        rows = draw(st.lists(st.one_of(CLEAN_ROW, ANY_ROW), min_size=1, max_size=8))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    out = io.StringIO()
    if draw(st.integers(0, 4)) == 0:  # no quoting at all: a comma or quote in a cell breaks the row
        lines = [",".join(header)] + [",".join(r[c] or "" for c in columns) for r in rows]
        out.write(eol.join(lines) + eol)
    else:
        writer = csv.writer(out, lineterminator=eol,
                            quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
        writer.writerow(header)
        for r in rows:
            if draw(st.integers(0, 6)) == 0:
                out.write(eol)  # a blank line
            writer.writerow([r[c] for c in columns])
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data, [r for r in rows if any((r[c] or "").strip() for c in columns)]


def expected_key(row: dict) -> tuple:
    """(period, district, measure) as the warehouse keeps it, for a row the file was accepted with."""
    text = row["period"].strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        period = dt.date(int(m[1]), int(m[2]), 1)
    elif (m := re.fullmatch(r"([A-Za-z]{3,9})[ -]+(\d{4})", text)) and m[1][:3].lower() in MONTHS:
        period = dt.date(int(m[2]), MONTHS[m[1][:3].lower()], 1)  # the wide layout's month names
    else:
        raise AssertionError(f"accepted a row whose period is {row['period']!r}")
    district = DISTRICTS.get(row["district"]) or row["district"].strip().title()
    measure = {**MEASURES, **OTHER_MEASURES}.get(row["measure"]) or row["measure"].strip()
    return period, district, measure


@settings(FUZZ, max_examples=40)
@given(made=csv_return())
def test_any_csv_return_never_raises_and_loads_all_or_nothing(wh, made):
    con, folder = wh
    data, rows = made
    path = folder / "fuzz-return.csv"
    path.write_bytes(data)
    outcome = ingest_one(con, path)
    if outcome.outcome == "accepted":
        assert outcome.rows == len(rows)
        now = current(con)
        for row in rows:
            key = expected_key(row)
            assert key in now, (row, key)
            assert now[key] == float(row["value"].strip()), (row, now[key])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | st.lists(st.sampled_from([b"a,1", b"\n", b"\r", b"\r\n", b'"', b"\xe2\x80\xa8",
                                                          b"\xe2\x80", b"\xc2\x85", b"\t", b"x"]),
                                         max_size=30).map(b"".join))
def test_the_quick_byte_searches_say_what_the_plain_ones_say(data):
    """The file checks that choose how a CSV is read (an empty line; a character str.strip() removes and DuckDB's
    trim() keeps) search with memchr-led scans; they answer as the plain substring searches do."""
    from pipelines.ingest import readers

    blank = b"\n\n" in data or b"\r\r" in data or b"\n\r" in data
    odd = b'"' in data or any(bytes((b,)) in data for b in b"\t\x0b\x0c\x1c\x1d\x1e\x1f") or any(
        s in data for s in (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9"))
    assert readers._has_blank_line(data) == blank
    assert readers._may_hold_odd_space(data) == odd
