"""What the benchmark scripts share: each measured run in a child process of its own, reporting its time
and peak memory as one JSON line, and the environment the runs share."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
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
