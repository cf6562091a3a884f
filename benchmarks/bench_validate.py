"""Validation cost: the data contract run over a 1,000,000-row batch, against DuckDB loading that batch.

Run:  python benchmarks/bench_validate.py [--rows 1000000] [--engine duckdb|gx]

In one invocation, each in a fresh child process: (1) the baseline, DuckDB's own `read_csv` of the
file into a table; (2) the contract: the batch built from the file's rows as ingestion stages them,
then every rule run over it: the row rules judged by their own DuckDB queries (the default engine) or by
Great Expectations (`--engine gx`, whose import is timed apart: a process pays it once), the set rules by
DuckDB. The aim is for validation to add no more than half of the load time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, alternate, bench_env, best, peak, report, run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

from bench_ingest import make_file, make_reference  # noqa: E402


def child(mode: str, csv_path: str, db_path: str) -> None:
    import duckdb

    from pipelines.catalogue import catalogue, force

    catalogue(), force()
    out: dict = {"mode": mode}
    if mode == "load":
        start = time.perf_counter()
        con = duckdb.connect(db_path)
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
        con.execute("CHECKPOINT")
        out["seconds"] = time.perf_counter() - start
    else:
        from pipelines import warehouse
        from pipelines.contracts import load_contract, validate_batch
        from pipelines.contracts.batch import build_batch
        from pipelines.ingest import checks, readers

        engine = mode.removeprefix("validate-")
        contract = load_contract()
        if engine == "gx":
            from pipelines.contracts.runner import expectation_suite, gx_batch_definition

            t = time.perf_counter()
            gx_batch_definition()
            expectation_suite(contract)
            out["gx_import_seconds"] = time.perf_counter() - t
        with warehouse.connect(db_path) as con:
            facts = readers.inspect_file(Path(csv_path), "bench.csv", Path(db_path).parent)
            readers.read_file(con, facts)
            start = time.perf_counter()
            rows = build_batch(con, "bench.csv")
            run = validate_batch(con, contract, scope="dry-run", label="bench", current_month=checks.current_month(),
                                 engine=engine)
            out["seconds"] = time.perf_counter() - start
            out["rows"] = rows
            out["outcome"] = run.outcome
            out["rules"] = {r.rule_id: round(r.failing_count) for r in run.results if not r.passed}
    report(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=("duckdb", "gx"), default="duckdb",
                        help="which engine judges the row rules (default: duckdb, as ingestion does)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="pccdash-bench-") as tmp:
        tmp_path = Path(tmp)
        make_reference(tmp_path / "reference")
        env = bench_env(PCCDASH_REFERENCE_DIR=str(tmp_path / "reference"))
        csv_path = tmp_path / "batch.csv"
        rows = make_file(csv_path, args.rows)
        validate = f"validate-{args.engine}"
        results = alternate(["load", validate], args.repeat, lambda mode, i: run_child(
            __file__, [mode, csv_path, tmp_path / f"{mode}-{i}.duckdb"], env))
        load, val = best(results)["load"], best(results)[validate]
        mem = peak(results)
        mem["validate"] = mem[validate]
        print(f"Batch: {rows:,} rows. Contract outcome: {val['outcome']} {val['rules'] or ''}")
        print(f"{'':34}{'seconds':>10}{'peak MiB':>10}")
        print(f"{'DuckDB load (read_csv, baseline)':34}{load['seconds']:>10.2f}{mem['load']:>10.0f}")
        print(f"{'contract validation (' + args.engine + ')':34}{val['seconds']:>10.2f}{mem['validate']:>10.0f}")
        if "gx_import_seconds" in val:
            print(f"{'  (Great Expectations import, once)':34}{val['gx_import_seconds']:>10.2f}")
        print(f"Ratio validation / load: {val['seconds'] / load['seconds']:.2f}x (aim: at most 0.5x). "
              f"Best of {args.repeat} runs each.")


if __name__ == "__main__":
    main()
