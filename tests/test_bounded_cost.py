"""The cost of reading a return is bounded by what it holds, not by how it is padded: a CSV whose lines Excel
padded with commas to column XFD, and a small workbook whose shared string table holds millions of strings, are
each accepted or refused with a clear reason in a few seconds of CPU and a few hundred MiB."""

from __future__ import annotations

import resource
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from pipelines import warehouse
from pipelines.ingest import ingest

COLUMNS = 16_384  # A to XFD
CPU_SECONDS = 10
PYTHON_MIB = 300
PROCESS_MIB = 500
FIGURES = [("2015-07", "Barnsley", 1), ("2015-07", "Doncaster", 2), ("2015-07", "Rotherham", 3),
           ("2015-07", "Sheffield", 4), ("2015-08", "Barnsley", 2), ("2015-08", "Doncaster", 3),
           ("2015-08", "Rotherham", 4), ("2015-08", "Sheffield", 5), ("2015-09", "Barnsley", 3),
           ("2015-09", "Doncaster", 4), ("2015-09", "Rotherham", 5), ("2015-09", "Sheffield", 6)]


def padded(cells: list[str]) -> str:
    return ",".join(cells) + "," * (COLUMNS - len(cells)) + "\r\n"


def measured(con, path: Path):
    """Ingest `path`, returning its outcome with the CPU seconds, the Python heap's peak and the growth of the
    process's peak resident size, all in MiB, as the process itself counts them."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    cpu_before = time.process_time()
    try:
        outcome = ingest(con, [path]).files[0]
        cpu = time.process_time() - cpu_before
        peak = tracemalloc.get_traced_memory()[1] / 1048576
    finally:
        tracemalloc.stop()
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    return outcome, cpu, peak, grown


@pytest.fixture
def warm(db, tmp_path):
    """A connection that has loaded one small file already, so that the measure leaves out importing the
    validation library once per process."""
    first = tmp_path / "first.csv"
    first.write_text("period,district,measure,value\n2015-06,Rotherham,cse_charges,2\n")
    with warehouse.connect(db) as con:
        assert ingest(con, [first]).ok
        yield con


def test_a_long_csv_padded_to_column_xfd_loads_its_twelve_figures_quickly(warm, tmp_path):
    # regression: one query per unnamed column took 218 s for a 213 KB file
    path = tmp_path / "padded-long.csv"
    lines = [padded(["period", "district", "measure", "value"])]
    lines += [padded([p, d, "cse_charges", str(v)]) for p, d, v in FIGURES]
    path.write_text("".join(lines))
    assert path.stat().st_size > 200_000

    outcome, cpu, peak, grown = measured(warm, path)

    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert outcome.rows == 12
    assert warm.execute("SELECT count(*), sum(value) FROM figure WHERE measure = 'cse_charges' "
                        "AND period >= DATE '2015-07-01'").fetchall() == [(12, 42.0)]
    assert cpu < CPU_SECONDS and peak < PYTHON_MIB and grown < PROCESS_MIB, (cpu, peak, grown)


def test_a_wide_csv_padded_to_column_xfd_loads_quickly(warm, tmp_path):
    path = tmp_path / "padded-wide.csv"
    months = {p: [v for q, _, v in FIGURES if q == p] for p, _, _ in FIGURES}
    lines = [padded(["Measure", "cse_charges"]), padded(["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield"])]
    lines += [padded([p, *map(str, values)]) for p, values in months.items()]
    path.write_text("".join(lines))

    outcome, cpu, peak, grown = measured(warm, path)

    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert outcome.rows == 12
    assert cpu < CPU_SECONDS and peak < PYTHON_MIB and grown < PROCESS_MIB, (cpu, peak, grown)


def test_a_value_far_out_in_a_padded_csv_is_refused_with_its_cell_quickly(warm, tmp_path):
    path = tmp_path / "padded-stray.csv"
    stray = ["2015-07", "Rotherham", "cse_charges", "3"] + [""] * (COLUMNS - 5) + ["99"]
    path.write_text(padded(["period", "district", "measure", "value"]) + ",".join(stray) + "\r\n")

    outcome, cpu, _peak, _grown = measured(warm, path)

    assert outcome.outcome == "rejected"
    problem = outcome.problems[0]
    assert (problem.row, problem.column) == (2, "XFD")
    assert 'has a value in a column with no heading ("99")' in problem.text
    assert cpu < CPU_SECONDS, cpu


def write_padded_workbook(path: Path, strings: int) -> Path:
    """A workbook written by hand: one long-layout sheet of one figure, whose shared string table holds the
    sheet's texts and then `strings` more, each different."""
    texts = ["period", "district", "measure", "value", "2015-07", "Rotherham", "cse_charges"]
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    cells = [["s0", "s1", "s2", "s3"], ["s4", "s5", "s6", "n3"]]
    rows = "".join(
        f'<row r="{r}">' + "".join(
            f'<c r="{"ABCD"[i]}{r}"' + (f' t="s"><v>{c[1:]}</v></c>' if c[0] == "s" else f"><v>{c[1:]}</v></c>")
            for i, c in enumerate(row)) + "</row>" for r, row in enumerate(cells, start=1))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        zf.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                    f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {main} xmlns:r="{rel}">'
                    '<sheets><sheet name="Return" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
                    'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                    f'{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
                    f'{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet {main}>'
                    f"<sheetData>{rows}</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w") as out:
            total = len(texts) + strings
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {main} count="{total}" uniqueCount="{total}">'
                      .encode())
            out.write("".join(f"<si><t>{t}</t></si>" for t in texts).encode())
            step = 100_000
            for start in range(0, strings, step):
                out.write("".join(f"<si><t>{n:x}</t></si>" for n in range(start, min(strings, start + step)))
                          .encode())
            out.write(b"</sst>")
    return path


@pytest.mark.slow
def test_a_workbook_with_millions_of_shared_strings_is_refused_quickly(warm, tmp_path):
    # regression: six million shared strings took 40 s of CPU and 1.1 GB before a sheet was read
    path = write_padded_workbook(tmp_path / "padded.xlsx", 6_000_000)
    assert path.stat().st_size < 40 * 1048576
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/sharedStrings.xml").file_size > 100 * 1048576

    outcome, cpu, peak, grown = measured(warm, path)

    assert outcome.outcome == "rejected"
    assert "of text in its shared string table, over the 32 MiB a return may hold" in outcome.problems[0].text
    assert cpu < CPU_SECONDS and peak < PYTHON_MIB and grown < PROCESS_MIB, (cpu, peak, grown)


def test_a_workbook_with_more_shared_strings_than_a_return_needs_is_refused_quickly(warm, tmp_path):
    path = write_padded_workbook(tmp_path / "padded.xlsx", 1_000_000)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/sharedStrings.xml").file_size < 32 * 1048576

    outcome, cpu, peak, grown = measured(warm, path)

    assert outcome.outcome == "rejected"
    assert "more than 100,000 different texts in its shared string table" in outcome.problems[0].text
    assert "refused unread" in outcome.problems[0].text
    assert cpu < CPU_SECONDS and peak < PYTHON_MIB and grown < PROCESS_MIB, (cpu, peak, grown)


def test_a_workbook_with_a_few_shared_strings_still_loads(warm, tmp_path):
    path = write_padded_workbook(tmp_path / "small.xlsx", 1_000)

    outcome, cpu, _peak, _grown = measured(warm, path)

    assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    assert warm.execute("SELECT value FROM figure WHERE period = DATE '2015-07-01' AND district = 'Rotherham'"
                        ).fetchall() == [(3.0,)]
    assert cpu < CPU_SECONDS, cpu
