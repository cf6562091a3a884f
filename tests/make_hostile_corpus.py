"""Writes the hostile-input corpus under tests/data/hostile/ byte for byte the same on every run (seeded, fixed times).

Run it from the repository root after changing a case:

    .venv/bin/python tests/make_hostile_corpus.py          # (re)write every corpus file
    .venv/bin/python tests/make_hostile_corpus.py --check  # exit 1 if a file on disk differs from what it makes

What each file is, and how ingestion must answer it, is in tests/data/hostile/expected.yaml.
Every file is below 50 kB except none: the zip bomb is about 1.4 kB on disk and unpacks to 1 GiB.
"""

from __future__ import annotations

import io
import random
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
from helpers import build_workbook

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "data" / "hostile"
SEED = 20151101
FIXED_ZIP_TIME = (2015, 8, 1, 0, 0, 0)

HEADER = "period,district,measure,value\n"
HEADER_NOTE = "period,district,measure,value,note\n"
LONG = ["period", "district", "measure", "value"]


def rows(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------------------------------------------
# XLSX built with openpyxl, then re-zipped with fixed times so the bytes do not depend on the clock


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _normalise_zip(data: bytes) -> bytes:
    """The same package with every entry dated FIXED_ZIP_TIME and the document's own timestamps fixed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2015-08-01T00:00:00Z", body)
            dst.writestr(_entry(info.filename), body)
    return out.getvalue()


def workbook(sheets: dict[str, list[list]], *, hidden: dict[str, str] | None = None,
             merge: dict[str, str] | None = None, after: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    """A workbook: sheet name -> rows. `hidden`: sheet -> 'hidden' | 'veryHidden'. A str starting '=' is a formula."""
    wb = build_workbook(sheets, hidden, merge)
    if after:
        after(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def patch_zip(data: bytes, member: str, change: Callable[[bytes], bytes], extra: dict[str, bytes] | None = None
              ) -> bytes:
    """The package with one member's bytes changed (and members added), re-zipped with fixed times."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                body = change(body)
            dst.writestr(_entry(info.filename), body)
        for name, body in (extra or {}).items():
            dst.writestr(_entry(name), body)
    return out.getvalue()


GOOD_LONG_SHEET = [LONG, ["2015-09", "Barnsley", "cse_charges", 2]]


def good_workbook() -> bytes:
    return workbook({"Return": GOOD_LONG_SHEET})


def truncated_xlsx() -> bytes:
    data = good_workbook()
    return data[: len(data) * 2 // 3]  # the central directory, at the end, is gone


def formula_text_cell() -> bytes:
    """'=1+1' stored as a text cell (t="inlineStr"), not as a formula: it must be read as text."""
    def as_text(wb):
        cell = wb["Return"]["D2"]
        cell.value = "=1+1"
        cell.data_type = "s"
    return workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", "placeholder"]]}, after=as_text)


def error_cell() -> bytes:
    data = workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", 12345]]})
    return patch_zip(data, "xl/worksheets/sheet1.xml",
                     lambda b: b.replace(b'<c r="D2" t="n"><v>12345</v>', b'<c r="D2" t="e"><v>#DIV/0!</v>'))


def number_cell_holding_text() -> bytes:
    """D2 is typed as a number (t="n") but its value is the text "abc"."""
    data = workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", 12345]]})
    return patch_zip(data, "xl/worksheets/sheet1.xml", lambda b: b.replace(b"<v>12345</v>", b"<v>abc</v>"))


def _with_doctype(body: bytes, doctype: str, placeholder: bytes, entity: bytes) -> bytes:
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", body)
    return b'<?xml version="1.0"?>' + doctype.encode() + body.replace(placeholder, entity)


def xxe_workbook() -> bytes:
    """An external entity pointing at a file of the machine that reads it: never resolved, never shown."""
    data = workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", "PLACEHOLDER"]]})
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
    return patch_zip(data, "xl/worksheets/sheet1.xml",
                     lambda b: _with_doctype(b, doctype, b">PLACEHOLDER<", b">&xxe;<"))


def billion_laughs_workbook() -> bytes:
    """Nested entities that would expand to 10**9 'lol's (a few GB) if the XML parser allowed it."""
    data = workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", "PLACEHOLDER"]]})
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    return patch_zip(data, "xl/worksheets/sheet1.xml",
                     lambda b: _with_doctype(b, f"<!DOCTYPE worksheet [{ents}]>", b">PLACEHOLDER<", b">&a9;<"))


def macros_workbook() -> bytes:
    return patch_zip(good_workbook(), "", lambda b: b, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(60)})


def zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_entry("hello.txt"), "a zip package, but not a workbook")
    return out.getvalue()


def zip_bomb() -> bytes:
    """A package whose one sheet is 1 GiB of spaces, bzip2-compressed (a legal zip method) to about a kilobyte."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_BZIP2, compresslevel=9) as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=FIXED_ZIP_TIME),
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"/>')
        zf.writestr(zipfile.ZipInfo("xl/workbook.xml", date_time=FIXED_ZIP_TIME), "<workbook/>")
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_BZIP2
        with zf.open(info, "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(1024):
                fh.write(chunk)
    return out.getvalue()


def bad_utf8_member_name() -> bytes:
    """A member whose name is flagged UTF-8 (general purpose bit 11) but holds bytes that are not UTF-8."""
    data = patch_zip(good_workbook(), "", lambda b: b, extra={"docProps/zzzzzz.xml": b"<x/>"})
    buf = bytearray(data)
    name = b"docProps/zzzzzz.xml"
    central = buf.rfind(name)  # the central directory's copy of the name comes last
    header = buf.rfind(b"PK\x01\x02", 0, central)
    flags = int.from_bytes(buf[header + 8:header + 10], "little") | 0x800
    buf[header + 8:header + 10] = flags.to_bytes(2, "little")
    buf[central + 9:central + 12] = b"\xff\xfe\xfd"
    return bytes(buf)


def zip_version_too_new() -> bytes:
    """A good workbook whose central directory says a member needs zip version 10.0 to extract."""
    buf = bytearray(good_workbook())
    header = zipfile.ZipFile(io.BytesIO(bytes(buf))).start_dir  # the first central directory entry
    buf[header + 6:header + 8] = (100).to_bytes(2, "little")
    return bytes(buf)


def huge_used_range() -> bytes:
    """Two rows of figures and one stray cell at XFD1048576, the last cell a sheet can have: about 5 kB."""
    def stray(wb):
        wb["Return"].cell(row=1048576, column=16384).value = "x"
    return workbook({"Return": GOOD_LONG_SHEET}, after=stray)


# ---------------------------------------------------------------------------------------------------
# Other binary files


def png(rng: random.Random) -> bytes:
    """A real 8x8 RGB PNG image with seeded random pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(8 * 3)) for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------------


def corpus() -> dict[str, bytes]:
    rng = random.Random(SEED)
    good_row = "2015-09,Barnsley,cse_charges,2"
    files: dict[str, str | bytes] = {
        # -- the file as bytes
        "empty.csv": b"",
        "whitespace-only.csv": " \n\t\n   \r\n  ",
        "header-only.csv": HEADER,
        "truncated-mid-row.csv": HEADER + rows(good_row) + "2015-09,Doncaster,cse_ch",
        "truncated-open-quote.csv": HEADER_NOTE + rows(good_row + ",") + '2015-09,Doncaster,cse_charges,4,"checked w',
        "utf16le-no-bom.csv": (HEADER + rows(good_row)).encode("utf-16-le"),
        "utf16-bom.csv": (HEADER + rows(good_row)).encode("utf-16"),
        "not-utf8-not-cp1252.csv": (HEADER + rows(good_row)).encode() + b"2015-09,Doncaster,cse_charges,4\x81\n",
        "nul-byte.csv": HEADER + rows(good_row, "2015-09,Donc\x00aster,cse_charges,4"),
        "png-image.csv": png(rng),
        "workbook-named.csv": good_workbook(),
        "return-2015-09.txt": HEADER + rows(good_row),
        "return-2015-09.json": '{"period": "2015-09", "district": "Barnsley", "measure": "cse_charges", "value": 2}\n',
        # -- the header
        "header-typo-perod.csv": "perod,district,measure,value\n" + rows(good_row),
        "extra-column.csv": "period,district,measure,value,officer\n" + rows(good_row + ",PC 1234"),
        "missing-column.csv": "period,district,value\n" + rows("2015-09,Barnsley,2"),
        "duplicate-column.csv": "period,district,measure,value,value\n" + rows(good_row + ",3"),
        "semicolon-delimiter.csv": "period;district;measure;value\n" + rows("2015-09;Barnsley;cse_charges;2"),
        # -- CSV structure
        "embedded-newline-then-bad-value.csv": HEADER_NOTE + rows(
            good_row + ',"the ""district"" team said:\nsee the August return"',
            "2015-09,Doncaster,cse_charges,four,"),
        "cr-line-endings-blank-line.csv": (HEADER + rows(good_row, "", "2015-09,Doncaster,cse_charges,x")
                                           ).replace("\n", "\r"),
        "mixed-line-endings.csv": HEADER + good_row + "\r" + rows("2015-09,Doncaster,cse_charges,x"),
        # -- values
        "hyperlink-formula-text.csv": HEADER + rows(
            good_row, '2015-09,Doncaster,cse_charges,"=HYPERLINK(""http://evil.example/"",""4"")"'),
        "negative-count.csv": HEADER + rows(good_row, "2015-09,Doncaster,cse_charges,-4"),
        "fractional-count.csv": HEADER + rows(good_row, "2015-09,Doncaster,cse_charges,2.5"),
        "enormous-count-1e30.csv": HEADER + rows(good_row, "2015-09,Doncaster,cse_charges,1e30"),
        "enormous-count-20-digits.csv": HEADER + rows(good_row, "2015-09,Doncaster,cse_charges,99999999999999999999"),
        "nan-value.csv": HEADER + rows(good_row, "2015-09,Doncaster,cse_charges,NaN"),
        "thousands-separator.csv": HEADER + rows(good_row, '2015-09,Doncaster,cse_charges,"1,234"'),
        "empty-value.csv": HEADER + rows(good_row, "2015-09,Doncaster,cse_charges,"),
        # -- periods, districts, measures
        "future-period-2026-12.csv": HEADER + rows(good_row, "2026-12,Doncaster,cse_charges,4"),
        "period-2015-13.csv": HEADER + rows(good_row, "2015-13,Doncaster,cse_charges,4"),
        "period-15-07.csv": HEADER + rows(good_row, "15-07,Doncaster,cse_charges,4"),
        "period-july-2015.csv": HEADER + rows(good_row, "July 2015,Doncaster,cse_charges,4"),
        "unknown-district.csv": HEADER + rows(good_row, "2015-09,Leeds,cse_charges,4"),
        "unknown-measure.csv": HEADER + rows(good_row, "2015-09,Doncaster,cse_chargez,4"),
        "duplicate-rows.csv": HEADER + rows(good_row, good_row),
        "rückgabe-2015-07.csv": HEADER + rows(good_row, "2015-07,Rotherhm,cse_charges,4"),
        # -- wide layout
        "wide-total-mismatch.csv": rows("Measure,cse_charges", "Period,Barnsley,Doncaster,Rotherham,Sheffield,Total",
                                        "2015-09,1,0,2,1,4", "2015-10,0,1,3,2,7"),
        "wide-value-under-empty-heading.csv": rows("Measure,cse_charges",
                                                   "Period,,Barnsley,Doncaster,Rotherham,Sheffield",
                                                   "2015-09,5,1,0,2,1"),
        "long-value-under-empty-heading.csv": "period,district,measure,value,\n" + rows(good_row + ",99"),
        "wide-no-measure.csv": rows("Period,Barnsley,Doncaster,Rotherham,Sheffield", "2015-09,1,0,2,1"),
        # -- XLSX
        "truncated.xlsx": truncated_xlsx(),
        "csv-renamed.xlsx": HEADER + rows(good_row),
        "zip-without-workbook.xlsx": zip_without_workbook(),
        "zip-bomb.xlsx": zip_bomb(),
        "bad-utf8-member-name.xlsx": bad_utf8_member_name(),
        "zip-version-too-new.xlsx": zip_version_too_new(),
        "macros.xlsx": macros_workbook(),
        "merged-cells.xlsx": workbook({"cse_charges": [["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield"],
                                                       ["2015-09", 1, 2, 3, 4], ["2015-10", 1, None, None, 4]]},
                                      merge={"cse_charges": "B3:C3"}),
        "hidden-sheet.xlsx": workbook({"Return": GOOD_LONG_SHEET,
                                       "Old": [LONG, ["2015-09", "Sheffield", "cse_charges", 9]]},
                                      hidden={"Old": "hidden"}),
        "very-hidden-sheet.xlsx": workbook({"Return": GOOD_LONG_SHEET,
                                            "Old": [LONG, ["2015-09", "Sheffield", "cse_charges", 9]]},
                                           hidden={"Old": "veryHidden"}),
        "formula-cell.xlsx": workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", "=1+1"]]}),
        "formula-cell-and-bad-value.xlsx": workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", "=1+1"],
                                                                ["2015-09", "Doncaster", "cse_charges", "lots"]]}),
        "merged-cells-and-bad-value.xlsx": workbook(
            {"cse_charges": [["Period", "Barnsley", "Doncaster", "Rotherham", "Sheffield"],
                             ["2015-09", 1, 2, 3, "lots"], ["2015-10", 1, None, None, 4]]},
            merge={"cse_charges": "B3:C3"}),
        "formula-text-cell.xlsx": formula_text_cell(),
        "error-cell.xlsx": error_cell(),
        "number-cell-holding-text.xlsx": number_cell_holding_text(),
        "boolean-value.xlsx": workbook({"Return": [LONG, ["2015-09", "Barnsley", "cse_charges", True]]}),
        "wide-unknown-district.xlsx": workbook({"cse_charges": [["Period", "Barnsley", "Rotherhm"],
                                                                ["2015-09", 1, 2]]}),
        "xxe-entity.xlsx": xxe_workbook(),
        "billion-laughs.xlsx": billion_laughs_workbook(),
        "huge-used-range.xlsx": huge_used_range(),
        # -- controls: these must load
        "ok-utf8-bom.csv": b"\xef\xbb\xbf" + (HEADER + rows("2015-09,Barnsley,cse_charges,2")).encode(),
        "ok-windows-1252.csv": (HEADER_NOTE + rows("2015-09,Barnsley,cse_charges,2,caf\u00e9 \u00a35 \u2013 ok")
                                ).encode("cp1252"),
        "ok-embedded-newline-quotes.csv": HEADER_NOTE + rows(
            '2015-09,Barnsley,cse_charges,2,"the ""district"" team said:\nsee the August return"',
            "2015-09,Doncaster,cse_charges,3,"),
        "ok-formula-text-note.csv": HEADER_NOTE + rows(
            '2015-09,Barnsley,cse_charges,2,"=HYPERLINK(""http://evil.example/"",""click"")"'),
        "ok-crlf-spaced-header-aliases.csv": (" Period , DISTRICT ,Measure,VALUE \n"
                                              + rows("2015-09, barnsley ,CSE charges, 2 ")).replace("\n", "\r\n"),
        "ok-whitespace-line.csv": HEADER + rows("2015-09,Barnsley,cse_charges,2", "   ",
                                                "2015-09,Doncaster,cse_charges,3"),
        "ok-current-month-and-limit.csv": HEADER + rows("2026-11,Barnsley,cse_charges,999999999"),
        "ok-wide-month-names.csv": rows("Measure,CSE charges", "Period,Barnsley,Doncaster,Rotherham,Sheffield,Total",
                                        "Sep 2015,1,0,2,1,4", "October 2015,0,1,3,2,6"),
        "ok-notes-sheet.xlsx": workbook({"Notes": [["This sheet is read by people"], ["=1+1 is not loaded"]],
                                         "Return": GOOD_LONG_SHEET}),
        "données-2015-10.csv": HEADER + rows("2015-10,Barnsley,cse_charges,5"),
        "pair-1-2015-09.csv": HEADER + rows("2015-09,Doncaster,cse_charges,7"),
        "pair-2-2015-09.csv": HEADER + rows("2015-09,Doncaster,cse_charges,9"),
    }
    return {name: data if isinstance(data, bytes) else data.encode() for name, data in files.items()}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    CORPUS.mkdir(parents=True, exist_ok=True)
    differ = []
    files = corpus()
    for name, data in sorted(files.items()):
        path = CORPUS / name
        limit = 100_000 if name == "zip-bomb.xlsx" else 50_000
        assert len(data) < limit, f"{name} is {len(data):,} bytes, over {limit:,}"
        if check:
            if not path.exists() or path.read_bytes() != data:
                differ.append(name)
        else:
            path.write_bytes(data)
    if check:
        for name in differ:
            print(f"differs: {name}")
        return 1 if differ else 0
    print(f"wrote {len(files)} files to {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
