"""Ingestion speed and memory: `pccdash ingest` of a long-format CSV against DuckDB's own read_csv of it.

Run:  python benchmarks/bench_ingest.py [--rows 1000000]

Both runs happen in this invocation, each in a fresh child process (so that each has its own peak
memory), on the same file and the same disk. The baseline is what DuckDB does with no checks at all:
`CREATE TABLE t AS SELECT * FROM read_csv(file)` into a new database file. The pipeline does what
`pccdash ingest` does: fingerprint, encoding check, parse, type and check every row, compare with the
current figures, insert revisions in one transaction, checkpoint, and swap in the readers' copy. The warehouse is
made (empty) before the clock starts, as an office's is before its returns arrive; opening it is clocked.
The pipeline's run is split in two, as the aims are: its contract validation (the rules over the batch and the
comparison with the figures held), against the baseline and against the rest of the load, and the load without it.

A million distinct (period, district, measure) figures need more districts than a real force has, so
the benchmark configures a force of 100 districts (another force is configured without code).

A third run, the floor, is the least a checked load can cost with DuckDB alone: the file read as text, each row
numbered by its place (a refusal must name the row), each distinct period, district and measure typed once, the
typed rows inserted with their row numbers, seven of the contract's checks (period, district, measure and value
readable, a count whole and not negative, one row per figure) run in two queries over them before the
transaction commits. It leaves out what `pccdash ingest` adds: the fingerprint and encoding check, the other 22
rules, the comparison with the figures held, the provenance and the readers' copy.
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
from harness import ROOT, alternate, bench_env, best, print_against_baseline, report, run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

# a national return's shape: 100 districts, ten measures, a month of 1,000 figures; 1,000,000 rows run from January
# 1900 (the earliest month a return may hold) for 83 years, all before the sample's first month
N_DISTRICTS = 100
FIRST_YEAR = 1900


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
            period = f"{FIRST_YEAR + month // 12}-{month % 12 + 1:02d}"
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
    from pipelines.ingest import ingest, load

    catalogue(), force()
    if mode == "floor":  # its tables and lookups exist before the clock starts, as the warehouse's do
        from pipelines.contracts.batch import register_lookups

        con = duckdb.connect(db_path)
        con.execute("CREATE TABLE figure_revision (period DATE, district VARCHAR, measure VARCHAR, revision INTEGER, "
                    "value DOUBLE, source_row INTEGER)")
        register_lookups(con)
    if mode == "pipeline":  # Great Expectations' import (about 2 s) is paid once per process, not per file
        from pipelines.contracts import load_contract
        from pipelines.contracts.runner import expectation_suite

        expectation_suite(load_contract())
        validating = timed(load, "validate_batch")
        with warehouse.connect(db_path):  # an office's warehouse exists before its returns arrive: made unclocked
            pass
    start = time.perf_counter()
    if mode == "baseline":
        con = duckdb.connect(db_path)
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
        con.execute("CHECKPOINT")
        rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        con.close()
    elif mode == "floor":
        rows, checks = floor_load(con, csv_path)
        con.close()
    else:
        with warehouse.connect(db_path) as con:
            outcome = ingest(con, [csv_path]).files[0]
        if outcome.outcome != "accepted":
            raise SystemExit(f"ingest refused the file: {outcome.message}")
        rows = outcome.new
    seconds = time.perf_counter() - start
    extra = {"checks": checks} if mode == "floor" else {"validation": sum(validating)} if mode == "pipeline" else {}
    report({"mode": mode, "seconds": seconds, "rows": rows} | extra)


def timed(module, name: str) -> list[float]:
    """Time each call of `module.name` (the ingest's contract validation): the list its seconds are added to."""
    seconds: list[float] = []
    inner = getattr(module, name)

    def wrapper(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - begun)

    setattr(module, name, wrapper)
    return seconds


def floor_load(con, csv_path: str) -> tuple[int, float]:
    """The least a checked load can do (see the module's help); the rows inserted, and the seconds its checks took."""
    # rowid follows the file's order in a table made in one statement: the row number, as the reader takes it
    con.execute("CREATE TEMP TABLE raw AS SELECT * FROM read_csv(?, header = true, all_varchar = true)", [csv_path])
    con.execute("BEGIN TRANSACTION")
    con.execute(
        """INSERT INTO figure_revision
        SELECT p.period, d.district, m.measure, 1, TRY_CAST(r.value AS DOUBLE), r.rowid + 2
        FROM raw r
        LEFT JOIN (SELECT period AS text, TRY_CAST(period || '-01' AS DATE) AS period
                   FROM (SELECT DISTINCT period FROM raw)) p ON p.text = r.period
        LEFT JOIN (SELECT t.district AS text, l.district FROM (SELECT DISTINCT district FROM raw) t
                   LEFT JOIN district_lookup l ON l.label = lower(trim(t.district))) d ON d.text = r.district
        LEFT JOIN (SELECT t.measure AS text, l.measure FROM (SELECT DISTINCT measure FROM raw) t
                   LEFT JOIN measure_lookup l ON l.label = lower(trim(t.measure))) m ON m.text = r.measure""")
    checking = time.perf_counter()  # checked where they were inserted, in the transaction: a failure rolls back
    failing = con.execute(
        """SELECT count(*) FILTER (WHERE period IS NULL OR district IS NULL OR measure IS NULL OR value IS NULL
                                      OR value < 0 OR value <> trunc(value))
           FROM figure_revision""").fetchall()[0][0]
    failing += con.execute("SELECT count(*) FROM (SELECT 1 FROM figure_revision GROUP BY period, district, measure "
                           "HAVING count(*) > 1)").fetchall()[0][0]
    checking = time.perf_counter() - checking
    if failing:
        con.execute("ROLLBACK")
        raise SystemExit(f"the floor's checks found {failing} failing rows in a clean file")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    return con.execute("SELECT count(*) FROM figure_revision").fetchall()[0][0], checking


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
        results = alternate(["baseline", "pipeline", "floor"], args.repeat, lambda mode, i: run_child(
            __file__, [mode, csv_path, tmp_path / f"{mode}-{i}.duckdb"], env))
        floor = results.pop("floor")
        print_against_baseline(results, rows, "pccdash ingest", args.repeat, aim=2)  # a return is checked as it loads
        base = best(results)["baseline"]["seconds"]
        run = best(results)["pipeline"]
        checked, loaded = run["validation"], run["seconds"] - run["validation"]
        print(f"Of that run, the contract's validation (its rules over the batch and the comparison with the figures "
              f"held) {checked:.2f} s: {checked / base:.2f}x the baseline, {checked / loaded:.2f}x the rest of the "
              f"load (aim 0.5x); the load without it (reading, typing, provenance, inserting the revisions, the "
              f"readers' copy) {loaded:.2f} s, {loaded / base:.2f}x the baseline (aim 2x).")
        fastest = min(floor, key=lambda r: r["seconds"])
        print(f"Floor, DuckDB alone reading the file with its row numbers, typing and inserting it and checking 7 "
              f"rules: {fastest['seconds']:.2f} s, {fastest['seconds'] / base:.2f}x the baseline (peak "
              f"{max(r['peak_mib'] for r in floor):.0f} MiB), before any of the rest a checked load does; its 7 "
              f"checks alone {fastest['checks']:.2f} s, {fastest['checks'] / base:.2f}x the baseline.")


if __name__ == "__main__":
    main()
