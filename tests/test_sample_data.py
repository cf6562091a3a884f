"""The committed sample returns, read in load order with the correction applied, must match the
totals South Yorkshire Police published for August 2014 to July 2015, obey the catalogue's
consistency rules, cover every district-month of every measure, and be exactly what
`pipelines.sample_data.generate()` writes.

The files are read here independently of any ingestion code (csv and openpyxl only), following
docs/return-format.md.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
import yaml

from pipelines.sample_data import generate

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "pipelines" / "sample" / "returns"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
CORRECTIONS = "2015-16-z-corrections.csv"
STARTS = {"cce_referrals": "2017-04", "online_grooming_offences": "2017-04"}
WINDOW = ("2014-08", "2015-07")

Key = tuple[str, str, str]  # (period, district, measure)


def _months(first: str, last: str) -> list[str]:
    y, m = (int(x) for x in first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


ALL_MONTHS = _months("2013-04", "2026-03")


@functools.cache
def _measures() -> dict[str, dict]:
    with open(ROOT / "pipelines" / "reference" / "measures.yaml", encoding="utf-8") as fh:
        return {m["id"]: m for m in yaml.safe_load(fh)["measures"] if m.get("source") == "force_return"}


def _is_count(measure: str) -> bool:
    return _measures()[measure].get("value_type", "integer") == "integer"


def _value(measure: str, raw) -> int | float:
    if _is_count(measure):
        if isinstance(raw, float):
            assert raw.is_integer(), f"{measure}: count {raw!r} is not whole"
            return int(raw)
        if isinstance(raw, int):
            return raw
        assert str(raw).strip().isdigit(), f"{measure}: count {raw!r} is not a whole number >= 0"
        return int(raw)
    return float(raw)


def _blank(row) -> bool:
    return all(c is None or str(c).strip() == "" for c in row)


def _put(out: dict[Key, int | float], key: Key, value, where: str) -> None:
    assert key[1] in DISTRICTS, f"{where}: unknown district {key[1]!r}"
    assert key[2] in _measures(), f"{where}: unknown measure {key[2]!r}"
    assert key not in out, f"{where}: {key} appears twice"
    out[key] = _value(key[2], value)


def _read_long(rows: list, where: str) -> dict[Key, int | float]:
    header = [str(c).strip().lower() for c in rows[0]]
    assert header[:4] == ["period", "district", "measure", "value"], where
    assert set(header) <= {"period", "district", "measure", "value", "note"}, where
    col = {name: i for i, name in enumerate(header)}
    out: dict[Key, int | float] = {}
    for row in rows[1:]:
        if _blank(row):
            continue
        key = (str(row[col["period"]]), row[col["district"]], row[col["measure"]])
        _put(out, key, row[col["value"]], where)
    return out


def _read_wide(rows: list, where: str, measure: str | None = None) -> dict[Key, int | float]:
    """Blocks: optional `Measure,<id>` row, `Period,...` header, month rows up to an empty row."""
    out: dict[Key, int | float] = {}
    header = None
    for row in rows:
        if _blank(row):
            header = None
            continue
        first = str(row[0]).strip()
        if first == "Measure":
            measure, header = str(row[1]).strip(), None
        elif first == "Period":
            header = [str(c).strip() for c in row if c is not None and str(c).strip()]
        elif header is not None:
            assert measure is not None, f"{where}: block without a measure"
            values = {}
            for name, cell in zip(header[1:], row[1:], strict=False):
                if name == "Total":
                    continue
                _put(out, (first, name, measure), cell, where)
                values[name] = out[(first, name, measure)]
            if "Total" in header:
                assert _is_count(measure), f"{where}: Total column on percentage {measure}"
                total = _value(measure, row[header.index("Total")])
                assert total == sum(values.values()), f"{where}: {measure} {first} Total {total}"
    return out


def _read_csv(path: Path) -> dict[Key, int | float]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if rows[0] and rows[0][0].strip().lower() == "period" and len(rows[0]) >= 4:
        return _read_long(rows, path.name)
    return _read_wide(rows, path.name)


def _read_xlsx(path: Path) -> dict[Key, int | float]:
    wb = openpyxl.load_workbook(path)
    out: dict[Key, int | float] = {}
    for ws in wb.worksheets:
        where = f"{path.name}[{ws.title}]"
        assert ws.sheet_state == "visible", f"{where} is hidden"
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}!{cell.coordinate} holds a formula"
        if ws.title in ("Notes", "About", "Contents"):
            continue
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        first = str(rows[0][0]).strip().lower()
        part = _read_long(rows, where) if first == "period" else _read_wide(rows, where, ws.title)
        assert not set(part) & set(out), f"{where}: figures repeated from another sheet"
        out.update(part)
    return out


@functools.cache
def _files() -> dict[str, dict[Key, int | float]]:
    """Each committed file's figures, by file name, in load (sorted) order."""
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx}
    return {p.name: readers[p.suffix](p) for p in sorted(RETURNS.iterdir()) if p.suffix in readers}


@functools.cache
def _current() -> dict[Key, int | float]:
    """The current figures: every file applied in sorted order, a later figure replacing an earlier one."""
    out: dict[Key, int | float] = {}
    for figures in _files().values():
        out.update(figures)
    return out


def _sum(measure: str, districts=DISTRICTS, months=None) -> int:
    months = months or _months(*WINDOW)
    fig = _current()
    return sum(fig[(p, d, measure)] for p in months for d in districts)


def test_files_and_load_order():
    names = list(_files())
    assert names == [
        "2013-14-cse-return.xlsx", "2014-15-cse-return.xlsx", "2015-16-cse-return.xlsx", CORRECTIONS,
        "2016-17-cse-return.xlsx", "2017-18-cse-return.csv", "2018-19-cse-return.csv",
        "2019-20-cse-return.csv", "2020-21-cse-return.csv", "2021-22-cse-return.csv",
        "2022-23-cse-return.csv", "2023-24-cse-return.csv", "2024-25-cse-return.xlsx",
        "2025-26-cse-return.xlsx",
    ]
    for name in names[:3] + names[4:5]:
        wb = openpyxl.load_workbook(RETURNS / name)
        assert wb.sheetnames[0] == "Notes"
        notes = " ".join(str(c) for r in wb["Notes"].iter_rows(values_only=True) for c in r if c)
        assert "illustrative" in notes
    for name in names[-2:]:
        assert openpyxl.load_workbook(RETURNS / name).sheetnames == ["Return"]
    assert (RETURNS / "2017-18-cse-return.csv").read_text().startswith("period,district,measure,value\n")
    assert (RETURNS / "2021-22-cse-return.csv").read_text().startswith("Measure,cse_arrests\n")


def test_each_file_covers_its_financial_year():
    for name, figures in _files().items():
        if name == CORRECTIONS:
            continue
        start = int(name[:4])
        assert {p for p, _, _ in figures} == set(_months(f"{start}-04", f"{start + 1}-03")), name


@pytest.mark.parametrize(("measure", "districts", "expected"), [
    ("cse_arrests", DISTRICTS, 460),
    ("grooming_arrests", DISTRICTS, 76),
    ("cse_charges", DISTRICTS, 54),
    ("cse_charges", ("Rotherham",), 22),
])
def test_published_flow_totals(measure, districts, expected):
    assert _sum(measure, districts) == expected


def test_published_live_investigations_july_2015():
    assert _sum("cse_live_investigations", months=["2015-07"]) == 155
    assert _current()[("2015-07", "Rotherham", "cse_live_investigations")] == 46


def test_correction_revises_first_sent_figures():
    corrections = _files()[CORRECTIONS]
    first_sent = _files()["2014-15-cse-return.xlsx"]
    assert 2 <= len(corrections) <= 3
    for key, value in corrections.items():
        assert key in first_sent, key
        assert first_sent[key] != value, key
        assert _current()[key] == value
    # Without the correction, the published totals do not hold.
    fig = dict(_current())
    fig.update(first_sent)
    window = _months(*WINDOW)
    moved = [m for m in ("cse_arrests", "cse_charges", "cse_referrals")
             if sum(fig[(p, d, m)] for p in window for d in DISTRICTS) != _sum(m)]
    assert moved == ["cse_arrests", "cse_charges", "cse_referrals"]


def test_grooming_never_exceeds_arrests():
    for figures in [_current(), *_files().values()]:
        for (p, d, m), value in figures.items():
            if m == "grooming_arrests":
                arrests = figures.get((p, d, "cse_arrests"), _current()[(p, d, "cse_arrests")])
                assert value <= arrests, (p, d)


def test_counts_whole_and_not_negative():
    for figures in _files().values():
        for (_, _, m), value in figures.items():
            assert value >= 0
            if _is_count(m):
                assert isinstance(value, int)


def test_officers_trained_percentage_consistent():
    fig = _current()
    for p in ALL_MONTHS:
        for d in DISTRICTS:
            trained = fig[(p, d, "officers_trained")]
            head = fig[(p, d, "officer_headcount")]
            assert 0 <= trained <= head, (p, d)
            assert fig[(p, d, "officers_trained_pct")] == round(100 * trained / head, 1), (p, d)


def test_every_district_month_present_in_active_range():
    fig = _current()
    expected = {(p, d, m) for m in _measures() for p in ALL_MONTHS if p >= STARTS.get(m, ALL_MONTHS[0])
                for d in DISTRICTS}
    assert set(fig) == expected


def test_series_are_plausible():
    fig = _current()
    before, after = _months("2013-04", "2014-03"), _months("2015-04", "2016-03")
    for m in ("cse_arrests", "cse_charges", "cse_referrals", "cawn_issued", "victims_supported"):
        assert _sum(m, months=after) > 1.4 * _sum(m, months=before), m
    assert _sum("cse_live_investigations", months=["2016-03"]) > 1.5 * _sum(
        "cse_live_investigations", months=["2014-03"])
    # Rotherham is disproportionately high for CSE after 2014 (per head, against Sheffield).
    later = _months("2015-04", "2026-03")
    for m in ("cse_arrests", "cse_charges", "cse_referrals"):
        rotherham = _sum(m, ("Rotherham",), later) / 265
        sheffield = _sum(m, ("Sheffield",), later) / 580
        assert rotherham > 1.5 * sheffield, m
    # Small counts are common for the rarer measures.
    for m in ("cse_charges", "cawn_issued", "shpo_sro_issued"):
        values = [fig[(p, d, m)] for p in ALL_MONTHS for d in DISTRICTS]
        assert sum(v <= 5 for v in values) > 0.8 * len(values), m
    # Mental-health demand is hundreds a month, and drops after Right Care, Right Person.
    assert min(fig[(p, d, "rcrp_mental_health_incidents")] for p in ALL_MONTHS for d in DISTRICTS) >= 100
    assert _sum("rcrp_mental_health_incidents", months=_months("2025-04", "2026-03")) < 0.8 * _sum(
        "rcrp_mental_health_incidents", months=_months("2022-04", "2023-03"))
    # Training rises from low in 2014 towards 95%.
    assert all(fig[("2014-03", d, "officers_trained_pct")] < 15 for d in DISTRICTS)
    assert all(fig[("2026-03", d, "officers_trained_pct")] > 90 for d in DISTRICTS)


def _digest(path: Path) -> str:
    """A CSV's bytes; a workbook's sheets and cells (openpyxl writes the same cells as different XML bytes
    depending on whether lxml is installed, which other packages decide)."""
    if path.suffix == ".csv":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    cells = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in book.worksheets]
    book.close()
    return hashlib.sha256(repr(cells).encode("utf-8")).hexdigest()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".xlsx")}


def test_generate_reproduces_committed_files(tmp_path):
    paths = generate(tmp_path)
    assert [p.name for p in paths] == list(_files())
    assert _digests(tmp_path) == _digests(RETURNS)
