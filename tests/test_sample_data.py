"""The committed sample returns, read in load order with the correction applied, must match the
totals South Yorkshire Police published for August 2014 to July 2015, obey the catalogue's
consistency rules, cover every district-month of every measure, and be exactly what
`pipelines.sample_data.generate()` writes. What it writes from April 2023 holds the measures forces
report on CSE since then and every declared breakdown, each adding up to its figure, with recording
gaps in their realistic bands.

The files are read here independently of any ingestion code (csv and openpyxl only), following
docs/return-format.md; a breakdown as the return format has it (a dimension column in the long
layout, a `Breakdown` block or sheet in the wide).
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

from pipelines.sample_data import LAYOUTS, Model, generate, write_year

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "pipelines" / "sample" / "returns"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
CORRECTIONS = "2015-16-z-corrections.csv"
# Reported since the national audit on group-based CSE, from April 2023.
NEW_MEASURES = ("group_cse_offences", "cse_suspects_identified", "cse_suspects_arrested_12w",
                "cse_suspects_arrested_12w_pct", "cse_outcome_charge", "cse_outcome_caution", "cse_outcome_nfa",
                "cse_cases_reviewed", "cse_cases_reopened", "victims_referred")
STARTS = {"cce_referrals": "2017-04", "online_grooming_offences": "2017-04", **dict.fromkeys(NEW_MEASURES, "2023-04")}
WINDOW = ("2014-08", "2015-07")

Key = tuple[str, str, str]  # (period, district, measure)
BKey = tuple[str, str, str, str, str]  # (period, district, measure, dimension, value label)


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


@functools.cache
def _dimensions() -> dict[str, dict]:
    with open(ROOT / "pipelines" / "reference" / "dimensions.yaml", encoding="utf-8") as fh:
        return {d["id"]: d for d in yaml.safe_load(fh)["dimensions"]}


def _labels(dimension: str) -> list[str]:
    return [v["label"] for v in _dimensions()[dimension]["values"]]


def _breakdowns_declared() -> dict[tuple[str, str], str]:
    """(measure, dimension) -> the first month a return may break the measure down by it."""
    out = {}
    for m, raw in _measures().items():
        for b in raw.get("breakdowns") or []:
            b = {"dimension": b} if isinstance(b, str) else b
            out[(m, b["dimension"])] = str(b.get("from") or STARTS.get(m, ALL_MONTHS[0]))
    return out


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


def _put_part(out: dict[BKey, int], key: BKey, value, where: str) -> None:
    """A breakdown cell: a declared dimension of the measure, one of its values' labels, a count, once."""
    assert (key[2], key[3]) in _breakdowns_declared(), f"{where}: {key[2]} is not broken down by {key[3]!r}"
    assert key[4] in _labels(key[3]), f"{where}: {key[4]!r} is not a value of {key[3]}"
    assert key[1] in DISTRICTS, f"{where}: unknown district {key[1]!r}"
    assert key not in out, f"{where}: {key} appears twice"
    out[key] = _value(key[2], value)
    assert isinstance(out[key], int), f"{where}: {key} is not a count"


def _read_long(rows: list, where: str) -> tuple[dict[Key, int | float], dict[BKey, int]]:
    """A long table: a row with every dimension cell empty is a figure, one with one filled a breakdown cell."""
    header = [str(c).strip().lower() for c in rows[0]]
    assert header[:4] == ["period", "district", "measure", "value"], where
    dims = [h for h in header[4:] if h != "note"]
    assert set(dims) <= set(_dimensions()), where
    col = {name: i for i, name in enumerate(header)}
    out: dict[Key, int | float] = {}
    parts: dict[BKey, int] = {}
    for row in rows[1:]:
        if _blank(row):
            continue
        key = (str(row[col["period"]]), row[col["district"]], row[col["measure"]])
        filled = [(d, str(row[col[d]]).strip()) for d in dims if row[col[d]] not in (None, "")]
        assert len(filled) <= 1, f"{where}: {key} is broken down by {len(filled)} dimensions in one row"
        if filled:
            _put_part(parts, (*key, *filled[0]), row[col["value"]], where)
        else:
            _put(out, key, row[col["value"]], where)
    return out, parts


def _read_wide(rows: list, where: str, measure: str | None = None) -> tuple[dict[Key, int | float], dict[BKey, int]]:
    """Blocks: optional `Measure,<id>` row, `Period,...` header, month rows up to an empty row. A block with a
    `Breakdown,<dimension>` row has a `Period,District,<value labels>,Total` header, a row per month and district."""
    out: dict[Key, int | float] = {}
    parts: dict[BKey, int] = {}
    header = dimension = None
    for row in rows:
        if _blank(row):
            header = dimension = None
            continue
        first = str(row[0]).strip()
        if first == "Measure":
            measure, header, dimension = str(row[1]).strip(), None, None
        elif first == "Breakdown":
            dimension = str(row[1]).strip()
        elif first == "Period":
            header = [str(c).strip() for c in row if c is not None and str(c).strip()]
        elif header is not None and dimension is not None:
            assert header[:2] == ["Period", "District"] and header[-1] == "Total", f"{where}: {header}"
            district = str(row[1]).strip()
            for name, cell in zip(header[2:-1], row[2:], strict=False):
                _put_part(parts, (first, district, measure, dimension, name), cell, where)
            total = _value(measure, row[len(header) - 1])
            cells = [parts[(first, district, measure, dimension, name)] for name in header[2:-1]]
            assert total == sum(cells), f"{where}: {measure} by {dimension} {first} {district} Total {total}"
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
    return out, parts


def _read_csv(path: Path) -> tuple[dict[Key, int | float], dict[BKey, int]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if rows[0] and rows[0][0].strip().lower() == "period" and len(rows[0]) >= 4:
        return _read_long(rows, path.name)
    return _read_wide(rows, path.name)


def _read_xlsx(path: Path) -> tuple[dict[Key, int | float], dict[BKey, int]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out: dict[Key, int | float] = {}
    parts: dict[BKey, int] = {}
    for ws in wb.worksheets:
        where = f"{path.name}[{ws.title}]"
        assert ws.sheet_state == "visible", f"{where} is hidden"
        rows = []
        for row_no, row in enumerate(ws.iter_rows(), start=1):
            assert all(cell.data_type != "f" for cell in row), f"{where}, row {row_no} holds a formula"
            rows.append([cell.value for cell in row])
        if ws.title in ("Notes", "About", "Contents"):
            continue
        first = str(rows[0][0]).strip().lower()
        figures, cells = _read_long(rows, where) if first == "period" else _read_wide(rows, where, ws.title)
        assert not set(figures) & set(out), f"{where}: figures repeated from another sheet"
        assert not set(cells) & set(parts), f"{where}: breakdown cells repeated from another sheet"
        out.update(figures)
        parts.update(cells)
    wb.close()
    return out, parts


READERS = {".csv": _read_csv, ".xlsx": _read_xlsx}


def _read_folder(folder: Path) -> dict[str, tuple[dict[Key, int | float], dict[BKey, int]]]:
    """Each return's figures and breakdown cells, by file name, in load (sorted) order."""
    return {p.name: READERS[p.suffix](p) for p in sorted(folder.iterdir()) if p.suffix in READERS}


@functools.cache
def _files() -> dict[str, dict[Key, int | float]]:
    """Each committed file's figures, by file name, in load (sorted) order."""
    return {name: figures for name, (figures, _) in _read_folder(RETURNS).items()}


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


def _every_district_month() -> set[Key]:
    return {(p, d, m) for m in _measures() for p in ALL_MONTHS if p >= STARTS.get(m, ALL_MONTHS[0]) for d in DISTRICTS}


def test_every_district_month_present_in_active_range():
    assert set(_current()) == _every_district_month()


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


# --------------------------------------------------------------------------------------------------
# What generate() writes now: the measures and breakdowns reported from April 2023. (The committed files
# are regenerated once the reader accepts breakdowns; until then these read a fresh generation.)
# --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def model() -> Model:
    return Model()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, dict[str, tuple[dict[Key, int | float], dict[BKey, int]]]]:
    folder = tmp_path_factory.mktemp("returns")
    generate(folder)
    return folder, _read_folder(folder)


def _in_order(files: dict) -> tuple[dict[Key, int | float], dict[BKey, int]]:
    """The current figures and breakdown cells: every file applied in load order."""
    figures: dict[Key, int | float] = {}
    parts: dict[BKey, int] = {}
    for fig, cells in files.values():
        figures.update(fig)
        parts.update(cells)
    return figures, parts


def _not_recorded_share(parts: dict[BKey, int], measure: str, dimension: str, months, districts=DISTRICTS,
                        labels=("Not recorded",)) -> float:
    cells = [(k[4], v) for k, v in parts.items() if k[2] == measure and k[3] == dimension and k[0] in months
             and k[1] in districts]
    return sum(v for label, v in cells if label in labels) / sum(v for _, v in cells)


def _completeness(parts: dict[BKey, int], measure: str, dimension: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(period, district or "Force") -> (total, recorded) of a breakdown."""
    unrecorded = {v["label"] for v in _dimensions()[dimension]["values"] if v.get("recorded", True) is False}
    out: dict[tuple[str, str], list[int]] = {}
    for (p, d, m, dim, label), v in parts.items():
        if m == measure and dim == dimension:
            for area in (d, "Force"):
                cell = out.setdefault((p, area), [0, 0])
                cell[0] += v
                cell[1] += 0 if label in unrecorded else v
    return {k: (n, r) for k, (n, r) in out.items()}


def test_the_new_measures_are_written_from_april_2023_and_not_before(written):
    _, files = written
    figures, _ = _in_order(files)
    assert set(NEW_MEASURES) <= set(_measures())
    assert set(figures) == _every_district_month()
    for m in NEW_MEASURES:
        months = {p for p, _, measure in figures if measure == m}
        assert min(months) == "2023-04" and max(months) == "2026-03", m
    for name, (fig, cells) in files.items():
        if name < "2023-24":
            assert not {m for _, _, m in fig} & set(NEW_MEASURES) and not cells, name


def test_the_new_measures_are_plausible_and_consistent(written):
    figures, _ = _in_order(written[1])
    months = _months("2023-04", "2026-03")

    def force_month(m):
        return sum(figures[(p, d, m)] for p in months for d in DISTRICTS) / len(months)

    for m, low, high in [("group_cse_offences", 5, 15), ("cse_suspects_identified", 30, 55),
                         ("cse_outcome_charge", 3, 9), ("cse_outcome_caution", 0.3, 3), ("cse_outcome_nfa", 12, 28),
                         ("cse_cases_reviewed", 2, 10), ("victims_referred", 20, 45)]:
        assert low <= force_month(m) <= high, (m, force_month(m))
    arrested = sum(figures[(p, d, "cse_suspects_arrested_12w")] for p in months for d in DISTRICTS)
    assert 0.15 <= arrested / sum(figures[(p, d, "cse_suspects_identified")] for p in months for d in DISTRICTS) <= 0.35
    for p in months:
        for d in DISTRICTS:
            n, h = figures[(p, d, "cse_suspects_arrested_12w")], figures[(p, d, "cse_suspects_identified")]
            assert n <= h and figures[(p, d, "cse_suspects_arrested_12w_pct")] == round(100 * n / h, 1), (p, d)
            assert figures[(p, d, "cse_cases_reopened")] <= figures[(p, d, "cse_cases_reviewed")], (p, d)


def test_each_breakdown_adds_up_to_its_figure_in_the_model(model):
    model.check()
    declared = _breakdowns_declared()
    assert set(model.breakdowns) == set(declared)
    assert ("victims_supported", "victim_ethnicity") in declared
    for (m, dim), since in declared.items():
        values = [v["id"] for v in _dimensions()[dim]["values"]]
        for d in DISTRICTS:
            for t, period in enumerate(ALL_MONTHS):
                counts = model.breakdown(m, dim, d, t)
                if period < since:
                    assert counts is None, (m, dim, d, period)
                else:
                    assert list(counts) == values and min(counts.values()) >= 0, (m, dim, d, period)
                    assert sum(counts.values()) == model.figure(m, d, t), (m, dim, d, period)


def test_each_breakdown_adds_up_to_its_figure_in_the_written_files(written):
    folder, files = written
    for name, (figures, parts) in files.items():
        expected = {(p, d, m, dim) for (m, dim), since in _breakdowns_declared().items()
                    for p, d, measure in figures if measure == m and p >= since}
        # every value of every breakdown, zeros included, for every district-month of the file
        assert set(parts) == {(*k, label) for k in expected for label in _labels(k[3])}, name
        for p, d, m, dim in expected:
            assert sum(parts[(p, d, m, dim, label)] for label in _labels(dim)) == figures[(p, d, m)], (name, p, d, m)
    assert files["2023-24-cse-return.csv"][1] and files["2025-26-cse-return.xlsx"][1]
    # a long file has a column per dimension it breaks down by, and only then
    for name in ("2024-25-cse-return.xlsx", "2025-26-cse-return.xlsx"):
        header = next(openpyxl.load_workbook(folder / name, read_only=True)["Return"].iter_rows(values_only=True))
        assert list(header) == ["period", "district", "measure", "value",
                                *dict.fromkeys(dim for _, _, _, dim, _ in files[name][1])], name
    assert (folder / "2017-18-cse-return.csv").read_text().startswith("period,district,measure,value\n2017-04,")


def test_the_share_of_suspects_whose_ethnicity_is_not_recorded_falls_to_its_2026_band(written):
    _, parts = _in_order(written[1])
    share = functools.partial(_not_recorded_share, parts, "cse_suspects_identified")
    assert 0.20 <= share("suspect_ethnicity", _months("2023-04", "2023-12")) <= 0.30
    assert 0.07 <= share("suspect_ethnicity", _months("2026-01", "2026-03")) <= 0.17
    assert 0.32 <= share("nationality_group", _months("2023-04", "2026-03")) <= 0.48
    for m in ("victims_supported", "victims_referred"):
        assert 0.22 <= _not_recorded_share(parts, m, "victim_ethnicity", ALL_MONTHS) <= 0.38, m
        assert 0.01 <= _not_recorded_share(parts, m, "victim_ethnicity", ALL_MONTHS, labels=("Not stated",)) <= 0.06
    for dim in ("suspect_sex", "suspect_age_band"):
        assert share(dim, ALL_MONTHS) <= 0.12, dim


def test_completeness_dips_in_one_district_without_falling_20_points_in_a_month(written):
    """The contract warns when a breakdown's completeness falls by more than 20 points from one month to the
    next on a total of at least 10: the sample's one dip (Sheffield's suspects' ethnicity, autumn 2024) is
    gradual enough not to."""
    _, parts = _in_order(written[1])
    for m, dim in _breakdowns_declared():
        completeness = _completeness(parts, m, dim)
        for area in (*DISTRICTS, "Force"):
            last = None
            for p in ALL_MONTHS:
                n, r = completeness.get((p, area), (0, 0))
                if not n:
                    continue
                if last and max(n, last[0]) >= 10:
                    assert 100 * (last[1] / last[0] - r / n) <= 20, (m, dim, area, p, last, (n, r))
                last = (n, r)
    sheffield = _completeness(parts, "cse_suspects_identified", "suspect_ethnicity")

    def recorded(months):
        cells = [sheffield[(p, "Sheffield")] for p in months]
        return sum(r for _, r in cells) / sum(n for n, _ in cells)

    before, dip, after = _months("2024-04", "2024-08"), _months("2024-10", "2024-12"), _months("2025-02", "2025-05")
    assert recorded(dip) < recorded(before) - 0.15 and recorded(dip) < recorded(after) - 0.15


def test_returns_before_april_2023_and_the_earlier_measures_are_unchanged(written):
    """Files before FY 2023-24 are as committed: a CSV byte for byte, a workbook cell for cell (openpyxl
    writes the same cells as different XML bytes with and without lxml); the earlier measures' figures from
    April 2023 are unchanged too, since each new series has its own random stream."""
    folder, files = written
    earlier = [p.name for p in sorted(RETURNS.iterdir()) if p.name < "2023-24"]
    assert len(earlier) == 11
    for name in earlier:
        if name.endswith(".csv"):
            assert (folder / name).read_bytes() == (RETURNS / name).read_bytes(), name
        else:
            assert _digest(folder / name) == _digest(RETURNS / name), name
    for name, committed in _files().items():
        figures = files[name][0]
        assert {k: figures.get(k) for k in committed} == committed, name
        assert {m for _, _, m in figures} - {m for _, _, m in committed} <= set(NEW_MEASURES), name


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_writes_the_same_figures_and_breakdowns(model, written, tmp_path, layout):
    """FY 2023-24 in each layout (the sample writes it as CSV wide): an XLSX wide return has a sheet per
    breakdown, named within Excel's 31 characters, its Measure and Breakdown rows saying what it holds."""
    path = write_year(model, 2023, tmp_path, layout)
    assert path.suffix == "." + layout.split("-")[0]
    assert READERS[path.suffix](path) == written[1]["2023-24-cse-return.csv"]
    if layout == "xlsx-wide":
        book = openpyxl.load_workbook(path, read_only=True)
        assert all(len(title) <= 31 for title in book.sheetnames)
        heads = {title: [r[:2] for r in book[title].iter_rows(max_row=3, values_only=True)]
                 for title in book.sheetnames[1:]}
        broken_down = [h for h in heads.values() if h[2][0] == "Breakdown"]
        assert len(broken_down) == len(_breakdowns_declared())
        assert broken_down[0][1:] == [("Measure", "victims_supported"), ("Breakdown", "victim_ethnicity")]
