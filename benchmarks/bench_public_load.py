"""Benchmark of the public side under a crowd: the static site against the Streamlit public app, on loopback.

Not a test: run ``python benchmarks/bench_public_load.py`` from the project root (``--quick`` for a short run).
It builds the sample warehouse and publishes the demo months (``pccdash demo --no-serve``) in a temporary
folder, or reuses a published folder (``--published DIR``), then serves both on 127.0.0.1:

* static     the static public site that publication writes (``<published>/public/site``, or built here from
             the current snapshot with ``pipelines.publish.site.build_site``), served by Python's own
             ``http.server`` (a ThreadingHTTPServer, as ``python -m http.server`` runs, with a listening queue of
             128 connections like any web server's) in a process of its own;
* streamlit  the public app (``dashboard/public_app.py``) run by ``streamlit run`` with the flags
             ``pccdash serve`` gives it.

For 1, 10 and 50 visitors arriving at the same moment, each visitor's time to the summary page complete is
measured: for the static site, GET index.html and the style sheets it links; for Streamlit, a websocket client
that opens ``/_stcore/stream`` as the browser does, sends the browser's "run the page" message (a BackMsg with
``rerun_script``) and waits for the message that says the page script has finished. What a browser adds on top
(downloading Streamlit's JavaScript, drawing) is not counted, so the ratio understates what a visitor feels.
Each level is run ``--rounds`` times; p50 and p95 are over all visitors of all rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import ROOT, TODAY  # noqa: E402

STYLESHEET = re.compile(r'<link[^>]+rel="?stylesheet"?[^>]*>', re.I)
HREF = re.compile(r'href="([^"]+)"', re.I)
# Python's http.server as `python -m http.server` runs it (a ThreadingHTTPServer), with the listening queue any
# web server has (128) instead of socketserver's 5, which would drop the 6th connection arriving at once for 1 s
STATIC_SERVER = """
import functools, sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass
class Server(ThreadingHTTPServer):
    request_queue_size = 128
Server(("127.0.0.1", int(sys.argv[1])), functools.partial(Quiet, directory=sys.argv[2])).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(published: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCCDASH_")}
    return {**env, "PCCDASH_TODAY": TODAY, "PCCDASH_PUBLISHED_DIR": str(published), "PYTHONPATH": str(ROOT)}


def build_demo(tmp: Path) -> Path:
    published = tmp / "published"
    print("Building the sample warehouse and publishing the demo months ...", flush=True)
    out = subprocess.run([sys.executable, "-m", "pipelines.cli", "demo", "--no-serve", "--db", str(tmp / "wh.duckdb")],
                         capture_output=True, text=True, env=env_for(published), cwd=tmp, timeout=600)
    if out.returncode:
        raise SystemExit(f"pccdash demo failed:\n{out.stderr[-3000:]}")
    return published


def static_site(published: Path, tmp: Path) -> Path:
    """The static site publication wrote, or one built here from the current snapshot."""
    written = published / "public" / "site"
    if (written / "index.html").is_file():
        return written
    os.environ["PCCDASH_PUBLISHED_DIR"] = str(published)
    try:
        from pipelines.public import current_snapshot, pointer
        from pipelines.publish.content import SnapshotView
        from pipelines.publish.site import build_site
    except ImportError as exc:
        raise SystemExit(f"No static site in {written}, and it cannot be built here ({exc}).") from exc
    snapshot = current_snapshot(published)
    if snapshot is None:
        raise SystemExit(f"Nothing is published in {published}: run `pccdash demo --no-serve` or publish first.")
    out = tmp / "site"
    out.mkdir()
    build_site(SnapshotView(snapshot, pointer(published)), out)
    return out


def wait_for(url: str, proc: subprocess.Popen, what: str, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"{what} stopped before it answered (exit code {proc.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer at {url} within {timeout:.0f} s.")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- the visitors


async def static_visit(port: int, start: asyncio.Event, timeout: float) -> float:
    """GET index.html, then each style sheet it links, as a browser would."""

    async def get(reader, writer, path: str) -> bytes:
        writer.write(f"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        if status != b"200":
            raise RuntimeError(f"GET /{path} answered {status.decode()}")
        length = int(re.search(rb"content-length:\s*(\d+)", head, re.I).group(1))
        return await reader.readexactly(length)

    async def visit() -> None:
        # http.server answers HTTP/1.0 unless told otherwise, so each request gets a connection of its own
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        page = await get(reader, writer, "index.html")
        writer.close()
        for tag in STYLESHEET.findall(page.decode("utf-8", "replace")):
            href = HREF.search(tag)
            if href and "://" not in href.group(1):
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                await get(reader, writer, href.group(1).lstrip("./"))
                writer.close()

    await start.wait()
    began = time.perf_counter()
    await asyncio.wait_for(visit(), timeout)
    return time.perf_counter() - began


async def streamlit_visit(port: int, start: asyncio.Event, timeout: float) -> float:
    """Open the app's websocket, ask for the summary page as the browser does, and wait for the script to finish."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    rerun.rerun_script.page_script_hash = ""  # the default page: the summary
    rerun.rerun_script.context_info.timezone = "Europe/London"
    rerun.rerun_script.context_info.locale = "en-GB"

    async def visit() -> None:
        async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=64 * 2**20, compression=None, open_timeout=timeout,
                                      ping_interval=None) as ws:  # a busy server answers pings late
            await ws.send(rerun.SerializeToString())
            async for data in ws:
                msg = ForwardMsg.FromString(data)
                if msg.WhichOneof("type") == "script_finished":
                    if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                        return
                    if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        raise RuntimeError("the public app's script did not compile")
            raise RuntimeError("the app closed the connection before the page finished")

    await start.wait()
    began = time.perf_counter()
    await asyncio.wait_for(visit(), timeout)
    return time.perf_counter() - began


def crowd(visit, port: int, visitors: int, timeout: float) -> list[float]:
    """`visitors` visits that start at the same moment; each one's seconds to the page complete."""

    async def run() -> list[float]:
        start = asyncio.Event()
        tasks = [asyncio.create_task(visit(port, start, timeout)) for _ in range(visitors)]
        await asyncio.sleep(0.05)  # every visitor is waiting at the start line
        start.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            kind = "timed out" if isinstance(failed[0], TimeoutError) else f"failed: {failed[0]!r}"
            raise SystemExit(f"{len(failed)} of {visitors} visitors' pages did not complete ({kind}).")
        return results

    return asyncio.run(run())


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


# ---------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, help="a published folder to reuse instead of building the demo")
    parser.add_argument("--quick", action="store_true", help="a short run: one round a level")
    parser.add_argument("--levels", default="1,10,50", help="visitors arriving together (default 1,10,50)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds a level (default 5, 1 with --quick)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a visitor waits before giving up")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    rounds = args.rounds or (1 if args.quick else 5)

    tmp = Path(tempfile.mkdtemp(prefix="bench-public-load-"))
    procs: list[subprocess.Popen] = []
    try:
        published = args.published.resolve() if args.published else build_demo(tmp)
        site = static_site(published, tmp)
        env = env_for(published)
        static_port, app_port = free_port(), free_port()
        procs.append(subprocess.Popen([sys.executable, "-c", STATIC_SERVER, str(static_port), str(site)], env=env,
                                      cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from pipelines.serving import PUBLIC_APP, STREAMLIT_FLAGS
        procs.append(subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(PUBLIC_APP), "--server.port",
                                       str(app_port), "--server.address", "127.0.0.1", *STREAMLIT_FLAGS], env=env,
                                      cwd=tmp, stdout=subprocess.DEVNULL, stderr=open(tmp / "streamlit.err", "wb")))
        wait_for(f"http://127.0.0.1:{static_port}/index.html", procs[0], "The static site's server")
        wait_for(f"http://127.0.0.1:{app_port}/_stcore/health", procs[1], "The Streamlit public app")
        # one visit each first: the app's first run fills its caches, as the first visitor after publication does
        crowd(static_visit, static_port, 1, args.timeout)
        crowd(streamlit_visit, app_port, 1, args.timeout)

        rows = []
        for n in levels:
            static, app = [], []
            for _ in range(rounds):  # alternated, so that a busy moment falls on both alike
                static += crowd(static_visit, static_port, n, args.timeout)
                app += crowd(streamlit_visit, app_port, n, args.timeout)
            rows.append((n, static, app))
            print(f"  {n} visitor(s): done", flush=True)
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nTime to the summary page complete, each visitor, {rounds} round(s) a level "
          f"(static site: {site.name}/index.html and its CSS; Streamlit: the page script run over its websocket)")
    print(f"{'visitors':>9}{'static p50':>12}{'static p95':>12}{'Streamlit p50':>15}{'Streamlit p95':>15}"
          f"{'ratio p50':>11}{'ratio p95':>11}")
    for n, static, app in rows:
        s50, s95, a50, a95 = (percentile(static, 50), percentile(static, 95), percentile(app, 50),
                              percentile(app, 95))
        print(f"{n:>9}{s50 * 1000:>10.1f}ms{s95 * 1000:>10.1f}ms{a50 * 1000:>13.0f}ms{a95 * 1000:>13.0f}ms"
              f"{a50 / s50:>10.0f}x{a95 / s95:>10.0f}x")
    print("Ratio: Streamlit / static, the same percentile.")


if __name__ == "__main__":
    main()
