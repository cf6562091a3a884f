"""The cost of a small write as the police.uk records grow: a flag, a commentary, an approval and a one-figure
correction, against the same insert with plain DuckDB on the same warehouse file.

Run:  python benchmarks/bench_writes.py [--sizes 0,2,10,30] [--repeat 7]

Builds the sample warehouse (as `pccdash demo --no-serve` does) in a temporary folder, then for each size in
millions of police.uk street records: loads generated police.uk files (`bench_police_uk.write_file`, over
180 months) until the records reach that size, and measures, alternating, `--repeat` times each, in one
child process per size:

- flag: what the Flags page does to raise one (`pipelines.flags.raise_flag` through `warehouse.connect`:
  open, bring the schema up to date, insert, checkpoint, swap in the readers' copy);
- plain flag: `duckdb.connect` on the same warehouse file, the same row inserted into figure_flag, close;
- commentary: what the Measure page does to save one (`pipelines.briefing.notes.save_text`: its row and its
  audit entry, in one transaction);
- plain commentary: `duckdb.connect`, the same row inserted into briefing_text, close;
- approval: what the Publishing page does to approve a month (`pipelines.publish.approval.approve`: the month's
  checks, its status, its event and its audit entry), July 2015, which the correction before it has changed
  (a month approved and unchanged since is not approved again: nothing would be written);
- plain approval: `duckdb.connect`, the same event row inserted into publication_event, close;
- correction: `pccdash ingest` of a one-row return changing one figure (in the process, its contract
  checked, the revision recorded, checkpoint and readers' copy);
- plain correction: `duckdb.connect`, one revision row inserted into figure_revision, close.

Two more lines say where the floor is: what any write through the warehouse costs with no statement at all
(`warehouse.connect` opened and closed: its checks on opening, the checkpoint and the readers' copy) against
`duckdb.connect` opened and closed; and the part of a correction that is its contract's checks (the rules run over
the one-row batch), against its plain insert.

Medians are printed for each size, with each write's ratio to its plain insert and its growth against the
smallest size (the aim: within 2x of plain DuckDB, and flat as the records grow). The file sizes of the
warehouse, its readers' copy and its records file are printed too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_police_uk import write_file  # noqa: E402
from harness import ROOT, bench_env, report, run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

MONTHS = 180
ANALYST = {"is_logged_in": True, "iss": "http://127.0.0.1:9400", "sub": "analyst@example.org",
           "email": "analyst@example.org", "email_verified": True}
PCC = {"is_logged_in": True, "iss": "http://127.0.0.1:9400", "sub": "pcc@example.org", "email": "pcc@example.org",
       "email_verified": True}
WRITES = ("flag", "commentary", "approval", "correction")


def child(db_path: str, repeat: str, folder: str) -> None:
    import datetime as dt

    import duckdb

    from pipelines import records, warehouse
    from pipelines.briefing.notes import save_text
    from pipelines.flags import raise_flag
    from pipelines.ingest import ingest, load
    from pipelines.publish.approval import approve

    db = Path(db_path)
    work = Path(folder)
    checking: list[float] = []
    validate_batch = load.validate_batch

    def timed_validation(*args, **kwargs):  # the correction's contract checks, timed within it
        start = time.perf_counter()
        try:
            return validate_batch(*args, **kwargs)
        finally:
            checking.append(time.perf_counter() - start)

    load.validate_batch = timed_validation

    def nothing() -> None:
        with warehouse.connect(db):
            pass

    def plain_nothing() -> None:
        duckdb.connect(str(db)).close()

    def flag() -> None:
        with warehouse.connect(db) as con:
            raise_flag(con, ANALYST, scope="figure", reason="Looks doubled", period="2015-07", district="Rotherham",
                       measure="cse_arrests")

    def plain_flag() -> None:
        con = duckdb.connect(str(db))
        con.execute("INSERT INTO figure_flag BY NAME SELECT * EXCLUDE (flag_id) FROM figure_flag "
                    "WHERE flag_id = (SELECT max(flag_id) FROM figure_flag)")
        con.close()

    def commentary() -> None:
        with warehouse.connect(db) as con:
            save_text(con, ANALYST, period=dt.date(2015, 8, 1), kind="commentary", measure="cse_arrests",
                      body="Arrests rose after the July operation.")

    def plain_commentary() -> None:
        con = duckdb.connect(str(db))
        con.execute("INSERT INTO briefing_text BY NAME SELECT * EXCLUDE (text_id) FROM briefing_text "
                    "WHERE text_id = (SELECT max(text_id) FROM briefing_text)")
        con.close()

    approved = []

    def approval() -> None:  # the month the correction changes: each approval is of a month changed since the last
        with warehouse.connect(db) as con:
            approved.append(bool(approve(con, ["2015-07"], PCC)))

    def plain_approval() -> None:
        con = duckdb.connect(str(db))
        con.execute("INSERT INTO publication_event BY NAME SELECT * EXCLUDE (event_id) FROM publication_event "
                    "WHERE event_id = (SELECT max(event_id) FROM publication_event)")
        con.close()

    def correction() -> None:
        turn = len(list(work.glob("correction-*.csv"))) + 1  # each a new value: a file loaded already is skipped
        path = work / f"correction-{turn}.csv"
        path.write_text(f"period,district,measure,value\n2015-07,Rotherham,cse_arrests,{40 + turn}\n")
        with warehouse.connect(db) as con:
            [outcome] = ingest(con, [path], loaded_by="bench").files
        if outcome.outcome != "accepted":
            raise SystemExit(f"the correction was refused: {outcome.message}")

    def plain_correction() -> None:
        con = duckdb.connect(str(db))
        con.execute("INSERT INTO figure_revision BY NAME SELECT * REPLACE (revision + 1 AS revision) "
                    "FROM figure_revision ORDER BY revision DESC LIMIT 1")
        con.close()

    writes = {"flag": flag, "plain flag": plain_flag, "commentary": commentary, "plain commentary": plain_commentary,
              "approval": approval, "plain approval": plain_approval, "correction": correction,
              "plain correction": plain_correction, "nothing": nothing, "plain nothing": plain_nothing}
    for name in WRITES:  # the first of each opens files the later ones find open in the page cache
        writes[name]()
    checking.clear()
    approved.clear()
    runs: dict[str, list[float]] = {name: [] for name in writes}
    for _ in range(int(repeat)):
        for name, write in writes.items():
            start = time.perf_counter()
            write()
            runs[name].append(time.perf_counter() - start)
    if not all(approved):
        raise SystemExit("an approval measured approved nothing: the month was unchanged since its last approval")
    with duckdb.connect(str(records.path_of(db)), read_only=True) as con:
        held = con.execute("SELECT count(*) FROM police_uk_record").fetchall()[0][0]
    medians = {k: statistics.median(v) for k, v in runs.items()} | {"correction checks": statistics.median(checking)}
    report({"records": held, "median": medians,
            "mib": {"warehouse": db.stat().st_size / 2**20,
                    "read copy": warehouse.read_copy_path(db).stat().st_size / 2**20,
                    "records": records.path_of(db).stat().st_size / 2**20}})


def grow(db: Path, folder: Path, have: int, want: int, seed: int) -> int:
    """Load generated police.uk street files until the records number `want`; the number they reach."""
    from pipelines import warehouse
    from pipelines.policeuk import ingest_police_uk

    if want <= have:
        return have
    path = folder / f"grow-{seed}.csv"
    started = time.perf_counter()
    write_file(path, want - have, months=MONTHS, seed=seed)
    written = time.perf_counter() - started
    with warehouse.connect(db) as con:
        outcome = ingest_police_uk(con, path, loaded_by="bench", tmp_dir=folder)
    path.unlink()
    if outcome.outcome != "accepted":
        raise SystemExit(f"the generated police.uk file was refused: {outcome.message}")
    print(f"  loaded {want - have:,} police.uk records (file written in {written:.0f} s, loaded in "
          f"{outcome.seconds:.0f} s)", file=sys.stderr)
    return want


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,2,10,30", help="police.uk records, in millions (default 0,2,10,30)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each write per size; the median is kept")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = [int(float(s) * 1_000_000) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as tmp:
        folder = Path(tmp)
        db = folder / "wh.duckdb"
        env = bench_env(PCCDASH_DB=str(db), PCCDASH_PUBLISHED_DIR=str(folder / "published"),
                        PCCDASH_MAX_FILE_MB="100000")
        from pipelines.cli import main as cli

        print("Building the sample warehouse...", file=sys.stderr)
        try:
            cli(["demo", "--no-serve", "--db", str(db)], standalone_mode=False)
        except SystemExit as exc:
            if exc.code:
                raise
        from pipelines import records

        with __import__("duckdb").connect(str(records.path_of(db)), read_only=True) as con:
            have = con.execute("SELECT count(*) FROM police_uk_record").fetchall()[0][0]
        rows = []
        for i, size in enumerate(sizes):
            have = grow(db, folder, have, size, seed=i + 1)
            rows.append(run_child(__file__, [db, args.repeat, folder], env))
        first = rows[0]["median"]
        print(f"\nMedian of {args.repeat} runs each; growth is against the first size.")
        print(f"{'police.uk records':>18}" + "".join(f"{w:>12}{'plain':>9}{'ratio':>7}{'growth':>8}" for w in WRITES)
              + f"{'warehouse / read copy / records MiB':>38}")
        for r in rows:
            m = r["median"]
            mib = r["mib"]
            print(f"{r['records']:>18,}" + "".join(
                f"{m[w] * 1000:>10.0f}ms{m['plain ' + w] * 1000:>7.0f}ms{m[w] / m['plain ' + w]:>6.1f}x"
                f"{m[w] / first[w]:>7.2f}x" for w in WRITES)
                + f"{mib['warehouse']:>16.0f} / {mib['read copy']:.0f} / {mib['records']:.0f}")
        print("\nThe floor, at each size: any write through the warehouse with no statement (opened and closed) "
              "against duckdb.connect opened and closed;\nand the correction's contract checks alone against its plain "
              "insert.")
        for r in rows:
            m = r["median"]
            print(f"{r['records']:>18,}{m['nothing'] * 1000:>10.0f}ms{m['plain nothing'] * 1000:>7.0f}ms"
                  f"{m['nothing'] / m['plain nothing']:>6.1f}x   checks {m['correction checks'] * 1000:.0f}ms of the "
                  f"correction's {m['correction'] * 1000:.0f}ms, {m['correction checks'] / m['plain correction']:.1f}x "
                  f"its plain insert")


if __name__ == "__main__":
    main()
