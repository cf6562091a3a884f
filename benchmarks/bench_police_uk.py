"""police.uk ingestion speed and memory: loading a street-level file against DuckDB's own read_csv of it.

Run:  python benchmarks/bench_police_uk.py [--rows 2000000] [--repeat 3] [--only speed|memory]

Generates (seeded) a police.uk-format street-level crime file of `--rows` rows, South Yorkshire's
districts, map points, crime types and outcomes, anti-social behaviour without a Crime ID, a few
records outside the force and with no location, over as many months as a real force fills at about
20,000 records a month (at most 180 months, 2010 to 2024: a larger file has more records a month).
Then, in this invocation, each run in a fresh child process (each with its
own peak memory, from resource.getrusage), on the same file and disk:

- baseline: `CREATE TABLE t AS SELECT * FROM read_csv(file)` into a new database file, then CHECKPOINT:
  what DuckDB does with no checks at all;
- pipeline: what `pccdash ingest` does with a police.uk file: fingerprint and encoding check (in a
  thread, while DuckDB reads the file), read into police_uk_record with the row of each record, place
  each in a district, check the contract (Great Expectations row rules and DuckDB set rules), register
  the file and the run, write the month revisions and counts, commit, checkpoint and swap in the
  readers' copy.

Imports (DuckDB, pccdash, Great Expectations) and opening the database are done before the clock
starts: the benchmark measures the work, not Python's start-up. Both clocks stop after CHECKPOINT; the
time with the readers' copy swapped in (what `pccdash ingest` does on closing) is printed apart, and so
are, alone, the fingerprint and encoding scan the ingestion runs in a thread beside DuckDB's read
(sha256, UTF-8 check, line count), and readers.inspect_file, the check a return gets first (sha256,
encoding, searching for empty lines; police.uk files ran it first until the scan replaced it).

Memory: no record passes through Python, so what grows with the file is DuckDB's own page cache, which
keeps written pages up to its memory_limit (by default 80% of RAM). The ingestion sets DuckDB's
memory_limit to the setting PCCDASH_DUCKDB_MEMORY_LIMIT (1GB by default) while it works; DuckDB's
read_csv is run with DuckDB's default. Each is run on a file ten times smaller and on the large one,
with those defaults and with `--memory-limit` (128MB by default: less than either file needs, so that
both run at the limit), and both peaks of each are printed. Below the limit, DuckDB keeps what it has
read in memory, so the peak grows with the file until it reaches the limit and then stays there: to
see the default 1GB hold, the large file must need more, `--rows 20000000` (a 4 GiB file).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, alternate, bench_env, best, print_against_baseline, report  # noqa: E402
from harness import run_child as harness_run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
          "Last outcome category,Context\n")
FORCE = "South Yorkshire Police"
ROWS_PER_MONTH = 20_000
MAX_MONTHS = 180  # 2010-01 to 2024-12: a larger file has more records a month, never a month in the future


def month_count(rows: int) -> int:
    return max(1, min(MAX_MONTHS, rows // ROWS_PER_MONTH))
# (crime type, weight) roughly as South Yorkshire publishes them
CRIME_TYPES = (("Violence and sexual offences", 28), ("Anti-social behaviour", 20), ("Criminal damage and arson", 10),
               ("Other theft", 8), ("Burglary", 7), ("Public order", 7), ("Vehicle crime", 5), ("Shoplifting", 5),
               ("Other crime", 3), ("Drugs", 2), ("Possession of weapons", 1), ("Theft from the person", 1),
               ("Robbery", 1), ("Bicycle theft", 1))
OUTCOMES = (("Unable to prosecute suspect", 30), ("Investigation complete; no suspect identified", 25),
            ("Status update unavailable", 15), ("Under investigation", 8), ("Awaiting court outcome", 5),
            ("Court result unavailable", 4), ("Local resolution", 4), ("Offender sent to prison", 2),
            ("Offender given community sentence", 2), ("Suspect charged as part of another case", 2),
            ("Offender fined", 1), ("Further investigation is not in the public interest", 2))
DISTRICTS = (("Barnsley", 7300, 150), ("Doncaster", 7500, 190), ("Rotherham", 7700, 160), ("Sheffield", 7900, 340))
STREETS = tuple(f"On or near {a} {b}" for a in ("High", "Church", "Station", "Mill", "Park", "New", "Green", "Main",
                                                  "Victoria", "Queen", "King", "Manor", "Hall", "Chapel", "School")
                for b in ("Street", "Road", "Lane", "Avenue", "Close", "Way", "Drive"))


def make_file(path: Path, rows: int, seed: int = 11) -> int:
    """Write a police.uk street file of `rows` records; returns the rows written."""
    rng = random.Random(seed)
    lsoas = [(f"E0100{base + i:04d}", f"{name} {i // 5 + 1:03d}{'ABCDE'[i % 5]}")
             for name, base, n in DISTRICTS for i in range(n)]
    lsoas += [(f"E0102{8000 + i:04d}", f"Bassetlaw {i // 5 + 1:03d}{'ABCDE'[i % 5]}") for i in range(20)]
    # police.uk moves each record to one of a fixed set of anonymous map points: about 20 per LSOA
    points = []
    for code, name in lsoas:
        lon0, lat0 = -1.6 + rng.random() * 0.7, 53.3 + rng.random() * 0.35
        for _ in range(20):
            points.append((f"{lon0 + rng.uniform(-0.01, 0.01):.6f}", f"{lat0 + rng.uniform(-0.01, 0.01):.6f}",
                           rng.choice(STREETS), code, name))
    types, type_weights = zip(*CRIME_TYPES, strict=True)
    outcomes, outcome_weights = zip(*OUTCOMES, strict=True)
    months = month_count(rows)
    written = 0
    with open(path, "w", newline="") as fh:
        fh.write(HEADER)
        while written < rows:
            chunk = []
            for _ in range(min(50_000, rows - written)):
                if written >= rows:
                    break
                m = written * months // rows
                month = f"{2010 + m // 12}-{m % 12 + 1:02d}"
                crime_type = rng.choices(types, type_weights)[0]
                if rng.random() < 0.03:
                    lon = lat = code = name = ""
                    location = "No Location"
                else:
                    lon, lat, location, code, name = rng.choice(points)
                if crime_type == "Anti-social behaviour":
                    crime_id = outcome = ""
                else:
                    crime_id, outcome = f"{rng.getrandbits(256):064x}", rng.choices(outcomes, outcome_weights)[0]
                line = (f"{crime_id},{month},{FORCE},{FORCE},{lon},{lat},{location},{code},{name},{crime_type},"
                        f"{outcome},\n")
                chunk.append(line)
                written += 1
                if crime_type == "Anti-social behaviour" and rng.random() < 0.01 and written < rows:
                    chunk.append(line)  # police.uk publishes identical lines; they are separate records
                    written += 1
            fh.write("".join(chunk))
    return written


def write_file(path: Path, rows: int, *, first_month: int = 0, months: int | None = None, seed: int = 1) -> int:
    """Write a police.uk street file of `rows` records with DuckDB (tens of millions in seconds, where
    `make_file` writes a few hundred thousand a second): the same districts, places, crime types and outcomes,
    drawn by hashing each record's number, over `months` months from 2010-01 plus `first_month`."""
    import duckdb

    months = months or month_count(rows)
    rng = random.Random(seed)
    places = [(f"E0100{base + i:04d}", f"{name} {i // 5 + 1:03d}{'ABCDE'[i % 5]}")
              for name, base, n in DISTRICTS for i in range(n)]
    places += [(f"E0102{8000 + i:04d}", f"Bassetlaw {i // 5 + 1:03d}{'ABCDE'[i % 5]}") for i in range(20)]
    points = [(f"{-1.6 + rng.random() * 0.7:.6f}", f"{53.3 + rng.random() * 0.35:.6f}", rng.choice(STREETS),
               code, name) for code, name in places for _ in range(20)]
    types = [t for t, w in CRIME_TYPES for _ in range(w)]
    outcomes = [o for o, w in OUTCOMES for _ in range(w)]
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE point (k INTEGER, lon VARCHAR, lat VARCHAR, location VARCHAR, code VARCHAR, "
                "name VARCHAR)")
    con.executemany("INSERT INTO point VALUES (?, ?, ?, ?, ?, ?)", [[i, *p] for i, p in enumerate(points)])
    con.execute(
        f"""COPY (
            SELECT CASE WHEN t <> 'Anti-social behaviour' THEN md5(i::VARCHAR || '-' || $seed) || md5(i::VARCHAR) END
                       AS "Crime ID",
                   strftime(DATE '2010-01-01' + to_months(($first + i * $months // $rows)::INTEGER), '%Y-%m')
                       AS "Month",
                   $force AS "Reported by", $force AS "Falls within",
                   CASE WHEN NOT nowhere THEN p.lon END AS "Longitude",
                   CASE WHEN NOT nowhere THEN p.lat END AS "Latitude",
                   CASE WHEN nowhere THEN 'No Location' ELSE p.location END AS "Location",
                   CASE WHEN NOT nowhere THEN p.code END AS "LSOA code",
                   CASE WHEN NOT nowhere THEN p.name END AS "LSOA name",
                   t AS "Crime type", CASE WHEN t <> 'Anti-social behaviour' THEN o END AS "Last outcome category",
                   NULL::VARCHAR AS "Context"
            FROM (SELECT i, $types[(1 + hash(i, $seed, 1) % {len(types)})::BIGINT] AS t,
                         $outcomes[(1 + hash(i, $seed, 2) % {len(outcomes)})::BIGINT] AS o,
                         hash(i, $seed, 3) % 100 < 3 AS nowhere, (hash(i, $seed, 4) % {len(points)})::INTEGER AS k
                  FROM range($rows) r(i)) r
            JOIN point p USING (k)
        ) TO '{str(path).replace("'", "''")}' (HEADER, DELIMITER ',')""",
        {"seed": seed, "first": first_month, "months": months, "rows": rows, "force": FORCE, "types": types,
         "outcomes": outcomes},
    )
    con.close()
    return rows


def child(mode: str, csv_path: str, db_path: str, memory_limit: str = "") -> None:
    # imports, and Great Expectations' set-up, are made before the clock starts
    import duckdb

    from pipelines import warehouse
    from pipelines.contracts import load_contract
    from pipelines.contracts.runner import expectation_suite
    from pipelines.policeuk import ingest_police_uk
    from pipelines.policeuk.reference import reference

    reference()
    expectation_suite(load_contract("police_uk_street"))
    if mode == "inspect":  # the fingerprint and encoding check a return gets (readers.inspect_file)
        from pipelines.ingest.readers import inspect_file

        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="pccdash-bench-") as tmp:
            inspect_file(Path(csv_path), "bench", Path(tmp))
        seconds = with_copy = time.perf_counter() - start
        rows = 0
    elif mode == "scan":  # the police.uk ingestion's own scan, alone (it runs beside DuckDB's read)
        from pipelines.policeuk.ingest import _scan

        start = time.perf_counter()
        _scan(Path(csv_path))
        seconds = with_copy = time.perf_counter() - start
        rows = 0
    elif mode == "baseline":
        con = duckdb.connect(db_path)
        if memory_limit:
            con.execute("SET memory_limit = ?", [memory_limit])
        start = time.perf_counter()
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
        con.execute("CHECKPOINT")
        seconds = time.perf_counter() - start
        rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        con.close()
        with_copy = seconds
    else:
        if memory_limit:  # the ingestion sets DuckDB's memory_limit from this setting while it works
            os.environ["PCCDASH_DUCKDB_MEMORY_LIMIT"] = memory_limit
        with tempfile.TemporaryDirectory(prefix="pccdash-bench-") as tmp:
            with warehouse.connect(db_path) as con:
                start = time.perf_counter()
                outcome = ingest_police_uk(con, Path(csv_path), loaded_by="bench", tmp_dir=Path(tmp))
                con.execute("CHECKPOINT")
                seconds = time.perf_counter() - start
            with_copy = time.perf_counter() - start  # closing the warehouse swaps in the readers' copy
        if outcome.outcome != "accepted":
            raise SystemExit(f"ingest refused the file: {outcome.message}")
        rows = outcome.rows
    report({"mode": mode, "seconds": seconds, "with_copy": with_copy, "rows": rows})


def run_child(mode: str, csv_path: Path, db_path: Path, env: dict, memory_limit: str = "") -> dict:
    for p in (db_path, db_path.with_name(db_path.name + ".wal")):
        p.unlink(missing_ok=True)
    return harness_run_child(__file__, [mode, csv_path, db_path, memory_limit], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best time is reported")
    parser.add_argument("--memory-limit", default="128MB",
                        help="DuckDB memory_limit for the second memory comparison (default 128MB)")
    parser.add_argument("--only", choices=("speed", "memory"), help="run only the time or the memory comparison")
    parser.add_argument("--generator", choices=("python", "duckdb"), default="python",
                        help="write the file in Python, record by record (the default), or with DuckDB "
                             "(write_file: tens of millions of records in minutes, for --rows 30000000)")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "CSV", "DB", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="pccdash-bench-") as tmp:
        tmp_path = Path(tmp)
        env = bench_env(PCCDASH_MAX_FILE_MB="100000")
        env.pop("PCCDASH_DUCKDB_MEMORY_LIMIT", None)  # the setting's default, unless a run sets it
        big, small = tmp_path / "big-street.csv", tmp_path / "small-street.csv"
        make = make_file if args.generator == "python" else write_file
        rows = make(big, args.rows)
        small_rows = make(small, args.rows // 10) if args.only != "speed" else 0
        print(f"File: {rows:,} rows, {big.stat().st_size / 1048576:,.1f} MiB, police.uk street-level layout "
              f"({month_count(args.rows)} months); {os.cpu_count()} CPUs")
        if args.only != "memory":
            speed(args, big, rows, tmp_path, env)
        if args.only != "speed":
            memory(args, big, small, rows, small_rows, tmp_path, env)


def speed(args, big: Path, rows: int, tmp_path: Path, env: dict) -> None:
    results = alternate(["baseline", "pipeline", "scan", "inspect"], args.repeat,
                        lambda mode, i: run_child(mode, big, tmp_path / f"{mode}-{i}.duckdb", env))
    print_against_baseline(results, rows, "police.uk ingest", args.repeat)
    fastest = best(results)
    b, p = fastest["baseline"], fastest["pipeline"]
    scan, inspect = fastest["scan"]["seconds"], fastest["inspect"]["seconds"]
    print(f"  The ingestion's scan alone (sha256, UTF-8 check, line count), run in a thread beside DuckDB's read: "
          f"{scan:.2f} s = {scan / b['seconds']:.2f}x the baseline.")
    print(f"  readers.inspect_file alone (a return's check; police.uk files ran it first before): {inspect:.2f} s "
          f"= {inspect / b['seconds']:.2f}x the baseline.")
    print(f"With the readers' copy of the warehouse swapped in (as `pccdash ingest` ends): "
          f"{p['with_copy']:.2f} s, {p['with_copy'] / b['seconds']:.2f}x.")


def memory(args, big: Path, small: Path, rows: int, small_rows: int, tmp_path: Path, env: dict) -> None:
    print(f"\nPeak memory (MiB, whole process) as the file grows tenfold, {small_rows:,} -> {rows:,} rows:")
    runs = (("baseline", "", "DuckDB read_csv, DuckDB's default memory_limit (80% of RAM)"),
            ("baseline", args.memory_limit, f"DuckDB read_csv, memory_limit {args.memory_limit}"),
            ("pipeline", "", "police.uk ingest, PCCDASH_DUCKDB_MEMORY_LIMIT default (1GB)"),
            ("pipeline", args.memory_limit, f"police.uk ingest, PCCDASH_DUCKDB_MEMORY_LIMIT={args.memory_limit}"))
    for mode, limit, name in runs:
        peaks = [run_child(mode, path, tmp_path / f"mem-{mode}-{n}.duckdb", env, limit)["peak_mib"]
                 for n, path in (("small", small), ("large", big))]
        print(f"  {name:66}{peaks[0]:>7,.0f} -> {peaks[1]:>6,.0f}  ({peaks[1] / peaks[0]:.2f}x)")


if __name__ == "__main__":
    main()
