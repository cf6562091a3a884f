"""What the benchmark scripts share: each measured run in a child process of its own, reporting its time
and peak memory as one JSON line, and the environment the runs share."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-21"  # fixed, so that generated months are never "in the future"


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(result: dict) -> None:
    """A child's last line: its result, with its peak memory."""
    print(json.dumps({**result, "peak_mib": peak_mib()}))


def run_child(script: str, args: list[str], env: dict) -> dict:
    """Run `script --child ARGS` in a fresh process and return the JSON it reported."""
    out = subprocess.run([sys.executable, script, "--child", *map(str, args)], capture_output=True, text=True,
                         env=env)
    if out.returncode:
        raise SystemExit(f"{' '.join(map(str, args[:1]))} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_env(**settings: str) -> dict:
    """The children's environment: the project importable, today fixed, and any PCCDASH_ settings given.
    The settings are applied to this process too, so that files it generates follow them."""
    extra = {"PCCDASH_TODAY": TODAY, **settings}
    os.environ.update(extra)
    return {**os.environ, **extra, "PYTHONPATH": str(ROOT)}


def alternate(modes: list[str], repeat: int, run: Callable[[str, int], dict]) -> dict[str, list[dict]]:
    """`run(mode, i)` for each mode in turn, `repeat` times, so that a busy moment falls on all of them alike."""
    results: dict[str, list[dict]] = {m: [] for m in modes}
    for i in range(repeat):
        for mode in modes:
            results[mode].append(run(mode, i))
    return results


def best(results: dict[str, list[dict]]) -> dict[str, dict]:
    """Each mode's fastest run."""
    return {m: min(r, key=lambda x: x["seconds"]) for m, r in results.items()}


def peak(results: dict[str, list[dict]]) -> dict[str, float]:
    """Each mode's highest peak memory over all its runs, in MiB."""
    return {m: max(x["peak_mib"] for x in r) for m, r in results.items()}


def print_against_baseline(results: dict[str, list[dict]], rows: int, name: str, repeat: int,
                           aim: float = 1.5) -> None:
    """The table of a load against DuckDB's `read_csv` of the same file: time, rows/s, peak memory, ratios (the
    time's against `aim`)."""
    b, p = (best(results)[m] for m in ("baseline", "pipeline"))
    mem = peak(results)
    print(f"{'':28}{'seconds':>10}{'rows/s':>14}{'peak MiB':>10}")
    print(f"{'DuckDB read_csv (baseline)':28}{b['seconds']:>10.2f}{rows / b['seconds']:>14,.0f}"
          f"{mem['baseline']:>10.0f}")
    print(f"{name:28}{p['seconds']:>10.2f}{rows / p['seconds']:>14,.0f}{mem['pipeline']:>10.0f}")
    print(f"Ratio pipeline / baseline: {p['seconds'] / b['seconds']:.2f}x time (aim: at most {aim:g}x), "
          f"{mem['pipeline'] / mem['baseline']:.2f}x peak memory. Best of {repeat} runs each.")
