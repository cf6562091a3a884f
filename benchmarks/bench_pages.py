"""Benchmark of the dashboard: server time to render each page on the sample, against an empty Streamlit page.

Not a test: run ``python benchmarks/bench_pages.py`` from the project root. It builds the sample warehouse
and publishes the demo months (as ``pccdash demo --no-serve`` does) in a temporary folder, then, in one
child process per app, runs every page through Streamlit's script runner (``AppTest``) as a signed-in
PCC (the public pages anonymously) and times it, best of ``--repeat`` runs after one warm-up run:

* baseline   an empty Streamlit page (one ``st.write``), run the same way in the same process, so the
             ratios mean the same on a slow machine as on a fast one;
* first      each page's first run, with every cache empty: what the first visitor after a load waits;
* warm       each page's later runs, with its data cached until the next load or publication.

Each child reports its peak memory. What a browser adds (websocket, drawing) is not counted here.

With ``--police-uk-months`` (180 by default: fifteen years) it also loads that many months of generated
police.uk street records, 20,000 a month, into a copy of the sample warehouse, and times every internal page
on both in the same child, the two alternating run by run: the ratio of each page's warm time with that
history to its time on the sample is printed (the aim: within 1.5x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_police_uk import ROWS_PER_MONTH, write_file  # noqa: E402
from harness import ROOT, bench_env, report, run_child  # noqa: E402

from pipelines import records, warehouse  # noqa: E402

INTERNAL = ["briefing", "measure", "pack", "context", "checks", "quarantine", "files", "returns", "provenance", "flags",
            "publishing", "audit", "meetings", "actions", "recommendations", "public_questions", "upload", "datadocs"]
PUBLIC = ["summary", "tables", "accessibility"]
# what a sign-in at the demo provider gives st.user, as access.yaml's issuers trust it
PCC = {"is_logged_in": True, "iss": "http://127.0.0.1:9400", "sub": "pcc@example.org", "email": "pcc@example.org",
       "email_verified": True}


def child(app: str, repeat: int, *dbs: str) -> None:
    """Time every page of `app` on each warehouse in `dbs`, the warehouses' runs alternating page by page."""
    from streamlit.testing.v1 import AppTest

    empty = Path(os.environ["BENCH_TMP"]) / "empty_page.py"
    empty.write_text('import streamlit as st\nst.write("")\n', encoding="utf-8")

    def timed(at: AppTest, db: str | None = None) -> float:
        if db:
            os.environ["PCCDASH_DB"] = db  # the pages read it on every run
        start = time.perf_counter()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return time.perf_counter() - start

    base_at = AppTest.from_file(str(empty), default_timeout=120)
    baseline = min(timed(base_at) for _ in range(repeat + 1))
    entry = ROOT / "dashboard" / ("app.py" if app == "internal" else "public_app.py")
    folder = "internal_pages" if app == "internal" else "public_pages"
    results: dict[str, dict] = {db: {} for db in dbs}
    for name in INTERNAL if app == "internal" else PUBLIC:
        runs = {}
        for db in dbs:
            os.environ["PCCDASH_DB"] = db
            at = AppTest.from_file(str(entry), default_timeout=120)
            at.user = dict(PCC)
            at.run()
            at.switch_page(f"{folder}/{name}.py")
            first = timed(at, db)
            if any(t.value == "Sign in" for t in at.title):  # signed out, a page shows only its sign-in
                raise SystemExit(f"the {name} page asked to sign in: the benchmark's user is not signed in")
            runs[db] = (at, first, [])
        for _ in range(repeat):
            for db, (at, _first, warm) in runs.items():
                warm.append(timed(at, db))
        for db, (_at, first, warm) in runs.items():
            results[db][name] = {"first": first, "warm": min(warm)}
    report({"app": app, "baseline": baseline, "pages": results})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="Warm runs per page; the best is kept.")
    parser.add_argument("--police-uk-months", type=int, default=180,
                        help="Also time the internal pages on a copy of the sample with this many months of "
                             "generated police.uk records (20,000 a month) loaded, alternating with the sample "
                             "(0: not; default 180).")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child[0], int(args.child[1]), *args.child[2:])
        return
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        db = Path(tmp) / "wh.duckdb"
        env = bench_env(PCCDASH_DB=str(db), PCCDASH_PUBLISHED_DIR=str(Path(tmp) / "published"), BENCH_TMP=tmp,
                        PCCDASH_MAX_FILE_MB="100000")
        from pipelines.cli import main as cli

        print("Building the sample warehouse and publishing the demo months...", file=sys.stderr)
        command(cli, ["demo", "--no-serve", "--db", str(db)])
        dbs = [str(db)]
        if args.police_uk_months:
            rows = args.police_uk_months * ROWS_PER_MONTH
            print(f"Loading {args.police_uk_months} months of police.uk street records ({rows:,}) into a copy...",
                  file=sys.stderr)
            long = Path(tmp) / "history" / "wh.duckdb"
            long.parent.mkdir()
            for name in (db, warehouse.read_copy_path(db), records.path_of(db)):
                shutil.copyfile(name, long.parent / name.name)
            street = Path(tmp) / "street.csv"
            write_file(street, rows, months=args.police_uk_months)
            command(cli, ["ingest", str(street), "--db", str(long)])
            street.unlink()
            dbs.append(str(long))
        script = str(Path(__file__).resolve())
        print(f"{'page':<30}{'first run':>12}{'warm run':>12}{'x empty (warm)':>16}{'peak MiB':>10}")
        out = run_child(script, ["internal", args.repeat, *dbs], env)
        print_pages("internal", out, dbs[0])
        print_pages("public", run_child(script, ["public", args.repeat, str(db)], env), dbs[0])
        if len(dbs) == 1:
            return
        print(f"\nWith {args.police_uk_months} months of police.uk records loaded (the same child, alternating):")
        print_pages("internal", out, dbs[1])
        print(f"\n{'page':<30}{'warm, sample':>14}{f'warm, {args.police_uk_months} months':>18}{'ratio':>8}"
              "   (aim: within 1.5x)")
        for name, r in out["pages"][dbs[1]].items():
            was = out["pages"][dbs[0]][name]["warm"]
            print(f"{'internal: ' + name:<30}{was * 1000:>12.0f}ms{r['warm'] * 1000:>16.0f}ms"
                  f"{r['warm'] / was:>7.2f}x")


def command(cli, args: list[str]) -> None:
    try:
        cli(args, standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise


def print_pages(app: str, out: dict, db: str) -> None:
    base = out["baseline"]
    print(f"{app + ': empty page':<30}{'':>12}{base * 1000:>10.1f}ms{1.0:>16.1f}{out['peak_mib']:>10.0f}")
    for name, r in out["pages"][db].items():
        print(f"{app + ': ' + name:<30}{r['first'] * 1000:>10.0f}ms{r['warm'] * 1000:>10.0f}ms"
              f"{r['warm'] / base:>16.1f}{'':>10}")

if __name__ == "__main__":
    main()
