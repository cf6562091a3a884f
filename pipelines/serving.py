"""Running the dashboards: each app (and the demo sign-in provider) as a child process until Ctrl+C or
one of them stops; then every one of them is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from . import signin
from .errors import PccDashError, WarehouseError
from .public import published_dir

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
INTERNAL_APP, PUBLIC_APP = DASHBOARD / "app.py", DASHBOARD / "public_app.py"
# viewer toolbar: no "Deploy" or developer menu; the Government Analysis Function's dark blue as the
# accent colour (white text on it contrasts 10:1, where Streamlit's default red is 4.2:1)
# Nobody is shown a stack trace (it can name paths on the server); pages say what went wrong in words.
# No source watcher: with one, every page run of every session walks all the modules loaded (pandas, DuckDB,
# Great Expectations: thousands) resolving their paths, a third of the public summary's server time, and more
# as visitors' sessions add watchers. A served dashboard's code does not change under it; restart it to update.
# No full garbage collection after each page run: it walks every object of the process (the same libraries),
# about 100 ms a run with the interpreter held, so a crowd queues behind it; Python's own collector still runs
# (the public app's memory stays flat over 300 visits without it).
STREAMLIT_FLAGS = ["--server.headless", "true", "--browser.gatherUsageStats", "false",
                   "--client.toolbarMode", "viewer", "--theme.primaryColor", "#12436D",
                   "--client.showErrorDetails", "none", "--server.fileWatcherType", "none",
                   "--runner.postScriptGC", "false"]


# how a child ends when it is asked to stop (Ctrl+C reaches the whole process group, a service manager sends SIGTERM)
STOPPED = (0, -signal.SIGINT, -signal.SIGTERM)
STOP_WAIT_SECONDS = 10.0


def _all_stopped(children: list[tuple[str, subprocess.Popen, str | None]]) -> bool:
    """Whether every child ends as asked to stop within a few seconds: Ctrl+C reaches the children and this
    process together, and a busy machine may run the children's shutdown before this process sees the signal.
    One child stopping while the others go on is not a stop that was asked for."""
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while time.monotonic() < deadline:
        codes = [proc.poll() for _, proc, _ in children]
        if any(c is not None and c not in STOPPED for c in codes):
            return False
        if all(c is not None for c in codes):
            return True
        time.sleep(0.1)
    return False


def configured_sign_in() -> Path | None:
    """The secrets.toml Streamlit will read an [auth] section from (the working folder's, then the user's)."""
    for candidate in (Path(".streamlit") / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        try:
            if "auth" in tomllib.loads(candidate.read_text(encoding="utf-8")):
                return candidate
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return None


def serve_apps(path: Path, port: int, address: str = "localhost", *, which: str = "both", public_port: int = 8502,
               auth_secrets: Path | None = None, demo_sign_in: bool = False, provider_port: int = 9400,
               say: Callable[..., None] = print) -> int:
    """Serve the internal app on `port` and/or the public one on `public_port`; returns the exit code.

    `say(text, colour=None)` reports progress. The options are assumed consistent (the command checks them).
    """
    internal, public = which in ("internal", "both"), which in ("public", "both")
    if public and not PUBLIC_APP.exists():
        raise PccDashError(f'The public dashboard "{PUBLIC_APP}" is missing.')
    if internal and auth_secrets:
        redirect_port = urlparse(signin.read_auth_secrets(auth_secrets)["redirect_uri"]).port
        if redirect_port not in (None, port):
            say(f'Warning: the redirect_uri in "{auth_secrets}" is on port {redirect_port}, not {port}; '
                "sign-in will come back to the wrong place.", "yellow")
    if internal and not auth_secrets and not demo_sign_in:
        found = configured_sign_in()
        if found:
            say(f'Sign-in: the [auth] section of "{found}".')
        elif signin.is_loopback(address):
            demo_sign_in = True
            say("No sign-in is configured (no --auth-secrets, and no [auth] section in .streamlit/secrets.toml), "
                "so the internal dashboard uses the local demo sign-in provider and its made-up users. Give "
                "--auth-secrets FILE to sign people in with the office's own provider.", "yellow")
        else:
            raise PccDashError(f'No sign-in is configured, and the internal dashboard would listen on "{address}", '
                               "beyond this computer: give --auth-secrets FILE with the office's provider "
                               "(see the README), or serve it on localhost.")
    if internal and path.exists():
        from .warehouse import command_waits, connect

        try:  # bring the schema, and so the read copy the pages open, up to date before any page reads it
            # waiting no longer than a page would for a command holding the warehouse: the pages are served meanwhile
            with command_waits(10.0, say), connect(path):
                pass
        except WarehouseError as exc:
            say(f"Note: {exc} The dashboard serves the last read copy meanwhile.")
    internal_url, public_url = signin.browser_url(address, port), signin.browser_url(address, public_port)
    published = published_dir().resolve()
    flags = ["--server.address", address, *STREAMLIT_FLAGS]
    children: list[tuple[str, subprocess.Popen, str | None]] = []  # name, process, health URL

    def stop_on_sigterm(signum, frame):
        raise KeyboardInterrupt  # so a service manager's (or a test's) SIGTERM stops the children too

    previous = signal.signal(signal.SIGTERM, stop_on_sigterm)
    code = 0
    try:
        if internal:
            signin.ensure_port_free(signin.local_host(address), port, "the internal dashboard", "--port")
        if public:
            signin.ensure_port_free(signin.local_host(address), public_port, "the public dashboard",
                                    "--public-port")
        if demo_sign_in:
            demo_dir = Path("var") / "demo-auth"
            demo_dir.mkdir(parents=True, exist_ok=True)
            say(f"Starting the demo sign-in provider on {signin.provider_url(provider_port)}")
            provider = signin.start_demo_provider(provider_port, log_path=demo_dir / "provider.log",
                                                  port_option="--provider-port")
            children.append(("the demo sign-in provider", provider, None))
            auth_secrets = signin.write_auth_secrets(demo_dir / "secrets.toml", app_url=internal_url,
                                                     provider_url=signin.provider_url(provider_port))
        if internal:
            # The internal app also gets the published folder, so what it publishes is what the public app reads.
            env = dict(os.environ, PCCDASH_DB=str(path.resolve()), PCCDASH_PUBLISHED_DIR=str(published))
            # The grid's own "Download as CSV" exports cells as they are; each table offers the project's own
            # download instead, whose formulas are neutralised (dashboard.ui.table).
            cmd = [sys.executable, "-m", "streamlit", "run", str(INTERNAL_APP), "--server.port", str(port), *flags,
                   "--client.disableDataExport", "true"]
            if auth_secrets:
                cmd += ["--secrets.files", str(Path(auth_secrets).resolve())]
            children.append(("the internal dashboard", subprocess.Popen(cmd, env=env),
                             internal_url + "/_stcore/health"))
        if public:
            # Not even the warehouse's name (nor the sign-in secrets'): the public app reaches published snapshots only.
            env = {k: v for k, v in os.environ.items() if k not in ("PCCDASH_DB", "PCCDASH_AUTH_SECRETS")}
            env["PCCDASH_PUBLISHED_DIR"] = str(published)
            # the public never sees a stack trace: it could name a path on the server
            cmd = [sys.executable, "-m", "streamlit", "run", str(PUBLIC_APP), "--server.port", str(public_port),
                   *flags]
            children.append(("the public dashboard", subprocess.Popen(cmd, env=env), public_url + "/_stcore/health"))
        for name, proc, health in children:
            if health:
                try:
                    signin.wait_for_http(health, proc=proc, timeout=60, expect="ok", what=name.capitalize())
                except PccDashError:
                    # Ctrl+C while the dashboards start: on a busy machine the children may end before this
                    # process sees the signal, and that is a stop asked for, not a dashboard that failed to start
                    if proc.poll() in STOPPED and _all_stopped(children):
                        raise KeyboardInterrupt from None
                    raise

        say("")
        if internal:
            say(f"Internal dashboard: {internal_url}")
        if public:
            say(f"Public dashboard:   {public_url}   (published snapshots from {published})")
        if demo_sign_in:
            say(f'To sign in, open {internal_url}, press "Sign in", and on the demo provider\'s page press')
            for u in signin.DEMO_USERS:
                say(f"  {u.email:<22}{u.described()}")
            say("An address typed into its box instead is one the provider has not confirmed, so it gets no role.")
        say("Ctrl+C stops everything.")
        while code == 0:
            time.sleep(0.5)
            for name, proc, _ in children:
                if proc.poll() is not None:
                    if proc.returncode in STOPPED and _all_stopped(children):
                        raise KeyboardInterrupt  # Ctrl+C reached the whole group: every child stopped as asked
                    say(f"{name.capitalize()} stopped (exit code {proc.returncode}); stopping the rest.", "red")
                    code = proc.returncode or 1
                    break
    except KeyboardInterrupt:
        code = 0
    finally:
        for _, proc, _ in reversed(children):
            signin.stop(proc)
        signal.signal(signal.SIGTERM, previous)
    if children and code == 0:
        say("Stopped: every dashboard has been shut down.")
    return code
