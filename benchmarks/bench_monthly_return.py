"""A typical monthly return (14 measures x 4 districts = 56 figures), as an analyst meets it: checked on the
upload page, and loaded by a fresh `pccdash ingest`, each against a fresh Python loading the same file into
the same warehouse with DuckDB alone.

Run:  python benchmarks/bench_monthly_return.py [--repeat 3]

The warehouse is built once from the sample returns; the return is its last month's figures sent again as
the next month, as a long CSV and as a wide XLSX (a sheet per measure, a column per district). Every run
works on its own copy of the warehouse. Measured, best of --repeat runs each:
  - app (warm): in a process that has already checked one file, the report the upload page shows for this
    one (read, the contract with its failing rows, and what loading it would change), nothing written;
  - pccdash ingest: a fresh process, wall time from start to exit, loading the file;
  - baseline: a fresh Python process, wall time from start to exit, that opens the same warehouse and puts
    the file's rows in a table: DuckDB's read_csv for the CSV; for the XLSX, openpyxl's rows inserted by
    DuckDB (DuckDB's excel extension cannot be installed offline).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, bench_env, report, run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

BASELINE = """
import sys, duckdb
path, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
if path.endswith(".csv"):
    con.execute("CREATE TABLE monthly_return AS SELECT * FROM read_csv(?, all_varchar = true)", [path])
else:
    from openpyxl import load_workbook
    rows = [(ws.title, *r) for ws in load_workbook(path, read_only=True, data_only=True).worksheets
            for r in ws.iter_rows(values_only=True)]
    width = max(len(r) for r in rows)
    con.execute("CREATE TABLE monthly_return (" + ", ".join(f"c{i} VARCHAR" for i in range(width)) + ")")
    con.executemany(f"INSERT INTO monthly_return VALUES ({', '.join(['?'] * width)})",
                    [[None if v is None else str(v) for v in r] + [None] * (width - len(r)) for r in rows])
con.execute("CHECKPOINT")
con.close()
"""


def build_warehouse(db: Path) -> None:
    from pipelines import warehouse
    from pipelines.cli import SAMPLE_RETURNS
    from pipelines.ingest import ingest

    with warehouse.connect(db) as con:
        if not ingest(con, [SAMPLE_RETURNS]).ok:
            raise SystemExit("the sample returns did not load")


def make_return(db: Path, folder: Path) -> tuple[Path, Path, int]:
    """The warehouse's last month sent again as the next: a long CSV and a wide XLSX."""
    import duckdb
    from openpyxl import Workbook

    from pipelines.catalogue import force

    con = duckdb.connect(str(db), read_only=True)
    last = con.execute("SELECT max(period) FROM figure").fetchall()[0][0]
    figs = {(d, m): v for d, m, v in con.execute(
        "SELECT district, measure, value FROM figure WHERE period = ?",
        [last]).fetchall()}
    con.close()
    month = f"{(last.replace(day=28) + dt.timedelta(days=4)):%Y-%m}"
    text = "".join(f"{month},{d},{m},{v:g}\n" for (d, m), v in sorted(figs.items()))
    csv_path = folder / f"{month}-cse-return.csv"
    csv_path.write_text("period,district,measure,value\n" + text, encoding="utf-8")
    districts = force().districts
    wb = Workbook()
    wb.remove(wb.active)
    for measure in sorted({m for _, m in figs}):
        ws = wb.create_sheet(measure)
        ws.append(["Period", *districts])
        ws.append([month, *[figs.get((d, measure)) for d in districts]])
    xlsx_path = folder / f"{month}-cse-return.xlsx"
    wb.save(xlsx_path)
    return csv_path, xlsx_path, len(figs)


def child(path: str, db: str, repeat: str) -> None:
    """The upload page's check of one file, warm: imports, contract and a first file already done."""
    from pipelines import warehouse
    from pipelines.ingest.preview import preview

    data = Path(path).read_bytes()
    times = []
    with warehouse.connect(db) as con:
        preview(con, [(Path(path).name, data)])  # warm: the page has checked a file before
        for _ in range(int(repeat)):
            start = time.perf_counter()
            found = preview(con, [(Path(path).name, data)])
            times.append(time.perf_counter() - start)
    if found[0].verdict in ("refused", "unreadable"):
        raise SystemExit(f"the return was refused: {found[0].verdict}")
    report({"seconds": min(times), "verdict": found[0].verdict})


def fresh(cmd: list[str], env: dict, db: Path, base: Path) -> float:
    """Wall seconds of a fresh process, on its own copy of the warehouse (copied before the clock starts)."""
    shutil.copyfile(base, db)
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if out.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd[:3]))} failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best time is reported")
    parser.add_argument("--warehouse", type=Path, help="a sample warehouse already built (copied, not changed)")
    parser.add_argument("--child", nargs=3, metavar=("FILE", "DB", "REPEAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="pccdash-bench-") as tmp:
        tmp_path = Path(tmp)
        env = bench_env()
        base = tmp_path / "sample.duckdb"
        if args.warehouse:
            shutil.copyfile(args.warehouse, base)
        else:
            print("Building the sample warehouse ...", flush=True)
            build_warehouse(base)
        csv_path, xlsx_path, figures = make_return(base, tmp_path)
        pccdash = str(Path(sys.executable).with_name("pccdash"))
        print(f"A monthly return of {figures} figures, into a warehouse of {base.stat().st_size / 1048576:.1f} MiB. "
              f"Best of {args.repeat} runs each.")
        print(f"{'':9}{'baseline s':>11}{'app (warm) s':>14}{'ratio':>7}{'pccdash ingest s':>18}{'ratio':>7}")
        for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
            db = tmp_path / f"run-{label}.duckdb"
            baseline, ingest = [], []
            for _ in range(args.repeat):  # alternated, so that a busy moment falls on both alike
                baseline.append(fresh([sys.executable, "-c", BASELINE, str(path), str(db)], env, db, base))
                ingest.append(fresh([pccdash, "ingest", "--quiet", str(path)], {**env, "PCCDASH_DB": str(db)},
                                    db, base))
            shutil.copyfile(base, db)
            app = run_child(__file__, [path, db, args.repeat], env)["seconds"]
            b, i = min(baseline), min(ingest)
            print(f"{label:9}{b:>11.2f}{app:>14.2f}{app / b:>6.1f}x{i:>18.2f}{i / b:>6.1f}x")
        print("Aims: the app's report within 1 s; a fresh pccdash ingest within 1.5 s.")


if __name__ == "__main__":
    main()
