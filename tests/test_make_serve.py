"""The README's `make serve` answers on a warehouse built by `pccdash demo --no-serve` with no sign-in settings
(the demo sign-in, said plainly), refuses to serve beyond this computer without them, and Ctrl+C stops it all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from helpers import ROOT, run_pccdash

from pipelines.errors import PccDashError
from pipelines.serving import serve_apps


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answer(url: str, timeout: float = 90) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_serving_beyond_this_computer_without_sign_in_settings_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.streamlit/secrets.toml either
    with pytest.raises(PccDashError, match="No sign-in is configured"):
        serve_apps(tmp_path / "wh.duckdb", free_port(), "0.0.0.0", which="internal")


@pytest.mark.slow
def test_make_serve_answers_on_a_demo_warehouse_and_ctrl_c_stops_it_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCCDASH_")}
    env.update(PCCDASH_DB=str(tmp_path / "wh.duckdb"), PCCDASH_PUBLISHED_DIR=str(tmp_path / "published"),
               PCCDASH_TODAY="2026-11-21", HOME=str(tmp_path))
    built = run_pccdash("demo", "--no-serve", env=env, timeout=300)
    assert built.returncode == 0, built.stderr
    port, public_port, provider_port = free_port(), free_port(), free_port()
    out = tmp_path / "serve.txt"
    with open(out, "w") as fh:
        proc = subprocess.Popen(
            ["make", "-C", str(ROOT), "serve",
             f"SERVE_ARGS=--port {port} --public-port {public_port} --provider-port {provider_port}"],
            env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert answer(f"http://localhost:{port}/_stcore/health") == b"ok"
        assert answer(f"http://localhost:{public_port}/_stcore/health") == b"ok"
        assert b"<html" in answer(f"http://localhost:{port}/").lower()
        assert answer(f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration")
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C at the terminal reaches the whole foreground group
        proc.wait(40)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
            left_behind = True
        except ProcessLookupError:
            left_behind = False
    text = out.read_text()
    assert "uses the local demo sign-in provider" in text
    assert "Stopped: every dashboard has been shut down." in text
    assert "Traceback" not in text and "AttributeError" not in text
    assert not left_behind
