"""Ingestion speed and memory: `pccdash ingest` of a long-format CSV against DuckDB's own read_csv of it.

Run:  python benchmarks/bench_ingest.py [--rows 1000000]

Both runs happen in this invocation, each in a fresh child process (so that each has its own peak
memory), on the same file and the same disk. The baseline is what DuckDB does with no checks at all:
`CREATE TABLE t AS SELECT * FROM read_csv(file)` into a new database file. The pipeline does what
`pccdash ingest` does: fingerprint, encoding check, parse, type and check every row, compare with the
current figures, insert revisions in one transaction, checkpoint, and swap in the readers' copy. The warehouse is
made (empty) before the clock starts, as an office's is before its returns arrive; opening it is clocked.

A million distinct (period, district, measure) figures need more districts than a real force has, so
the benchmark configures a force of 40 districts (another force is configured without code).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, alternate, bench_env, print_against_baseline, report, run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

N_DISTRICTS = 40


def make_reference(folder: Path) -> None:
    src = ROOT / "pipelines" / "reference"
    shutil.copytree(src, folder, dirs_exist_ok=True)
    force = yaml.safe_load((src / "force.yaml").read_text())
    force["districts"] = [{"name": f"District {i:02d}", "aliases": []} for i in range(N_DISTRICTS)]
    (folder / "force.yaml").write_text(yaml.safe_dump(force))


def make_file(path: Path, rows: int) -> int:
    from pipelines.catalogue import catalogue

    # measures with no relation to another, so that the figures are clean under the contract
    cat = catalogue()
    related = {m.part_of for m in cat.measures} | {m.numerator for m in cat.measures} | {
        m.denominator for m in cat.measures} | {m.id for m in cat.measures if m.part_of}
    measures = [m.id for m in cat.measures
                if m.value_type == "integer" and m.id not in related and m.source == "force_return"]
    rng = random.Random(1)
    written = 0
    with open(path, "w", newline="") as fh:
        fh.write("period,district,measure,value\n")
        month = 0
        while written < rows:
            period = f"{1780 + month // 12}-{month % 12 + 1:02d}"
            chunk = []
            for d in range(N_DISTRICTS):
                for m in measures:
                    if written >= rows:
                        break
                    chunk.append(f"{period},District {d:02d},{m},{rng.randint(100, 130)}\n")
                    written += 1
            fh.write("".join(chunk))
            month += 1
    return written


def child(mode: str, csv_path: str, db_path: str) -> None:
    # imports are made before the clock starts: the benchmark measures the work, not Python's start-up
    import duckdb

    from pipelines import warehouse
    from pipelines.catalogue import catalogue, force
    from pipelines.ingest import ingest

    catalogue(), force()
    if mode != "baseline":  # Great Expectations' import (about 2 s) is paid once per process, not per file
        from pipelines.contracts import load_contract
        from pipelines.contracts.runner import expectation_suite

        expectation_suite(load_contract())
        with warehouse.connect(db_path):  # an office's warehouse exists before its returns arrive: made unclocked
            pass
    start = time.perf_counter()
    if mode == "baseline":
        con = duckdb.connect(db_path)
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
        con.execute("CHECKPOINT")
        rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        con.close()
    else:
        with warehouse.connect(db_path) as con:
            outcome = ingest(con, [csv_path]).files[0]
        if outcome.outcome != "accepted":
            raise SystemExit(f"ingest refused the file: {outcome.message}")
        rows = outcome.new
    seconds = time.perf_counter() - start
    report({"mode": mode, "seconds": seconds, "rows": rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best time is reported")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CSV", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="pccdash-bench-") as tmp:
        tmp_path = Path(tmp)
        ref = tmp_path / "reference"
        make_reference(ref)
        env = bench_env(PCCDASH_REFERENCE_DIR=str(ref))
        csv_path = tmp_path / "long.csv"
        rows = make_file(csv_path, args.rows)
        size_mib = csv_path.stat().st_size / 1048576
        print(f"File: {rows:,} rows, {size_mib:,.1f} MiB, long layout")
        results = alternate(["baseline", "pipeline"], args.repeat, lambda mode, i: run_child(
            __file__, [mode, csv_path, tmp_path / f"{mode}-{i}.duckdb"], env))
        print_against_baseline(results, rows, "pccdash ingest", args.repeat, aim=2)  # a return is checked as it loads


if __name__ == "__main__":
    main()
