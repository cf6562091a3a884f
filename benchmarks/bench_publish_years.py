"""The cost of publishing as an office's years go by: each month's publication, and the preview the Approve and
publish page works out when opened, against the office's first publication.

Run:  python benchmarks/bench_publish_years.py [--months 36] [--at 1,12,24,36] [--repeat 2]

Disclosure control checks every publication against everything the earlier ones made public (each earlier
snapshot read, the figures it was made from rebuilt, its relations carried into the protection and the audit), so
the work grows with the publications before it. In a temporary folder, month after month from April 2020, a
generated return of every district and measure of the force's return (mostly counts above the suppression
threshold, one in twelve a small count that disclosure control hides) is loaded and approved, and the month is
published, each step in a fresh process as `pccdash ingest`, `approve` and `publish` are run:

- publish: `pipelines.publish.snapshot.publish` in a fresh process, from the warehouse connection opened to the
  switch to the new snapshot (its own preview included);
- preview (at the publications --at, before publishing): `preview_publication` alone, in a fresh process, as the
  Approve and publish page works it out the first time it is opened, best of --repeat runs.

Printed: a row per publication --at (and the last), with seconds, the hidden cells and the snapshots read, each
time's ratio to publication 1 (the baseline, measured in the same run), and the growth per publication from there.
The aim: a publication after years costs a small multiple of the first, never minutes.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, bench_env, report, run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

PCC = {"is_logged_in": True, "iss": "http://127.0.0.1:9400", "sub": "pcc@example.org", "email": "pcc@example.org",
       "email_verified": True}
SEED = 20200401


def month(i: int) -> str:
    """The i-th month published, from April 2020 (the start of a financial year)."""
    k = 2020 * 12 + 3 + i
    return f"{k // 12}-{k % 12 + 1:02d}"


def write_return(path: Path, i: int) -> None:
    """Month i's return: every district and count measure of the force's return, one figure in twelve a small count
    (1 to 4) that disclosure control hides, the others 15 to 40 (a part no more than its whole)."""
    from pipelines.catalogue import catalogue, force

    rng = random.Random(SEED + i)
    cat = catalogue()
    measures = [m for m in cat.measures if m.source == "force_return" and m.kind != "percentage"]
    # a part is at most its whole, and a percentage's numerator at most its denominator, as the contract checks
    within = {m.id: m.part_of for m in measures if m.part_of}
    within |= {m.numerator: m.denominator for m in cat.measures if m.kind == "percentage" and m.numerator}
    rows = ["period,district,measure,value"]
    for d in force().districts:
        values: dict[str, int] = {}
        for m in sorted(measures, key=lambda m: m.id in within):  # wholes first
            v = rng.randint(1, 4) if rng.random() < 1 / 12 else rng.randint(15, 40)
            values[m.id] = min(v, values.get(within.get(m.id), v))
            rows.append(f"{month(i)},{d},{m.id},{values[m.id]}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def child(step: str, db_path: str, i: str) -> None:
    from pipelines import warehouse
    from pipelines.ingest import ingest
    from pipelines.public import published_dir
    from pipelines.publish import snapshot
    from pipelines.publish.approval import approve

    db = Path(db_path)
    snapshots = len(list(published_dir().glob("snapshot-*.duckdb"))) if published_dir().is_dir() else 0
    if step == "month":  # a month's return loaded and approved, as `pccdash ingest` and `approve` do
        path = db.parent / f"{month(int(i))}-cse-return.csv"
        write_return(path, int(i))
        with warehouse.connect(db) as con:
            if not ingest(con, [path]).ok:
                raise SystemExit(f"the generated return for {month(int(i))} did not load")
        with warehouse.connect(db) as con:
            approve(con, [month(int(i))], PCC)
        report({"seconds": 0.0, "snapshots": snapshots})
        return
    with warehouse.connect(db) as con:
        start = time.perf_counter()
        if step == "preview":
            preview = snapshot.preview_publication(con)
            if preview.problem:
                raise SystemExit(preview.problem)
            hidden = int(preview.cells["suppressed"].astype(bool).sum())
        else:
            snapshot.publish(con, PCC)
            hidden = -1
        seconds = time.perf_counter() - start
    report({"seconds": seconds, "hidden": hidden, "snapshots": snapshots})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=36, help="monthly publications made (default 36)")
    parser.add_argument("--at", default="1,12,24,36", help="publications whose preview is timed (default 1,12,24,36)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timed preview; the fastest is kept")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    at = sorted({int(n) for n in args.at.split(",") if 0 < int(n) <= args.months} | {1, args.months})
    script = str(Path(__file__).resolve())
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-publish-years-") as tmp:
        db = Path(tmp) / "wh.duckdb"
        env = bench_env(PCCDASH_DB=str(db), PCCDASH_PUBLISHED_DIR=str(Path(tmp) / "published"))
        for i in range(args.months):
            n = i + 1
            run_child(script, ["month", db, i], env)
            row = {"n": n}
            if n in at:
                runs = [run_child(script, ["preview", db, i], env) for _ in range(args.repeat)]
                fastest = min(runs, key=lambda r: r["seconds"])
                row.update(preview=fastest["seconds"], hidden=fastest["hidden"], read=fastest["snapshots"])
            row["publish"] = run_child(script, ["publish", db, i], env)["seconds"]
            if n in at:
                rows.append(row)
                print(f"  publication {n}: preview {row['preview']:.2f} s, publish {row['publish']:.2f} s",
                      file=sys.stderr)
    first = rows[0]
    print(f"{'publication':>12}{'earlier':>9}{'hidden':>8}{'preview s':>11}{'x first':>9}{'publish s':>11}"
          f"{'x first':>9}")
    for r in rows:
        print(f"{r['n']:>12}{r['read']:>9}{r['hidden']:>8}{r['preview']:>11.2f}{r['preview'] / first['preview']:>9.1f}"
              f"{r['publish']:>11.2f}{r['publish'] / first['publish']:>9.1f}")
    last = rows[-1]
    if last["n"] > 1:
        print(f"Growth from publication 1 to {last['n']}: "
              f"{(last['preview'] - first['preview']) / (last['n'] - 1):.3f} s of preview and "
              f"{(last['publish'] - first['publish']) / (last['n'] - 1):.3f} s of publishing per publication before it "
              f"(publication {last['n']}: {last['preview'] / first['preview']:.1f}x the first's preview). "
              f"Previews best of {args.repeat} runs each.")


if __name__ == "__main__":
    main()
