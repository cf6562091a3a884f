"""Sign-in for the internal dashboard: Streamlit's `[auth]` secrets, and a local OpenID Connect provider
(oidc-provider-mock) so the demo and the tests can sign in offline."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .errors import PccDashError
from .files import write_atomically

DEMO_CLIENT_ID = "pccdash-demo"
DEMO_CLIENT_SECRET = "pccdash-demo-secret"  # the mock provider accepts any client id and secret
DEMO_PROVIDER_PORT = 9400
DISCOVERY_PATH = "/.well-known/openid-configuration"
CALLBACK_PATH = "/oauth2callback"  # the path Streamlit serves the provider's answer on
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class DemoUser:
    """A person the demo provider offers; `role` is what pipelines/reference/access.yaml gives their email."""

    email: str
    name: str
    role: str | None
    who: str  # how the demo's instructions describe them; {holders} is the office's holder's ("the Mayor's")

    def claims(self) -> dict[str, object]:
        # verified, as an office's provider says of its own staff: access.yaml counts only a verified address
        return {"email": self.email, "email_verified": True, "name": self.name}

    def described(self) -> str:
        """`who` with the office's holder named as force.yaml titles them (neutral words if it cannot be read)."""
        from .office import configured_or_neutral

        return self.who.replace("{holders}", configured_or_neutral().holders)


DEMO_USERS = (
    # the holder's role, not the holder: where a policing board holds it, whoever signs in acts for the board
    DemoUser("pcc@example.org", "Demo office holder", "pcc", "{holders} role (pcc)"),
    DemoUser("analyst@example.org", "Demo analyst", "analyst", "an analyst"),
    DemoUser("visitor@example.org", "Demo visitor", None, "no role, so the dashboard refuses it"),
)


def write_auth_secrets(path: Path, *, app_url: str, provider_url: str, client_id: str = DEMO_CLIENT_ID,
                       client_secret: str = DEMO_CLIENT_SECRET, cookie_secret: str | None = None) -> Path:
    """Write a secrets.toml whose `[auth]` section signs the app at `app_url` in with the provider at `provider_url`.

    `app_url` must be the address people open the app at: Streamlit sends the provider's answer back to
    `<app_url>/oauth2callback` and accepts the sign-in cookie only on that origin. The cookie secret is
    random unless given, so each new file signs everyone out. The file is readable by its owner only.
    """
    values = {
        "redirect_uri": app_url.rstrip("/") + CALLBACK_PATH,
        "cookie_secret": cookie_secret or secrets.token_hex(32),
        "client_id": client_id,
        "client_secret": client_secret,
        "server_metadata_url": provider_url.rstrip("/") + DISCOVERY_PATH,
    }
    # json.dumps gives a valid TOML basic string for any value (quotes, backslashes, control characters).
    text = "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())
    return write_atomically(Path(path), text.encode("utf-8"), mode=0o600)  # never readable by others


def read_auth_secrets(path: Path) -> dict[str, str]:
    """The `[auth]` section of a secrets file, checked for what `st.login` needs; a clear error otherwise."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PccDashError(f'Cannot read the sign-in secrets "{path}": {exc.strerror}.') from None
    except tomllib.TOMLDecodeError as exc:
        raise PccDashError(f'The sign-in secrets "{path}" are not valid TOML: {exc}.') from None
    auth = data.get("auth")
    if not isinstance(auth, dict):
        raise PccDashError(f'The sign-in secrets "{path}" have no [auth] section.')
    missing = [key for key in AUTH_KEYS if not auth.get(key)]
    if missing:
        raise PccDashError(f'The [auth] section of "{path}" lacks {", ".join(missing)}.')
    if not str(auth["redirect_uri"]).endswith(CALLBACK_PATH):
        raise PccDashError(f'In "{path}", redirect_uri must end with {CALLBACK_PATH}.')
    return auth


def start_demo_provider(port: int = DEMO_PROVIDER_PORT, *, users: tuple[DemoUser, ...] = DEMO_USERS,
                        log_path: Path | None = None, timeout: float = 20.0,
                        port_option: str | None = None) -> subprocess.Popen:
    """Start oidc-provider-mock on 127.0.0.1:`port` as a child process and return once it answers.

    Each of `users` is offered as a one-click button on the provider's sign-in page, with their email (said
    to be verified) and name as claims; any other address typed into its "sub" field signs in too, with that
    address as an unverified email, which access.yaml gives no role. Stop it with `stop(proc)`. The
    provider's log goes to `log_path` (else nowhere); `port_option` names the option that chose the port,
    for the error when it is taken.
    """
    ensure_port_free("127.0.0.1", port, "the sign-in provider", port_option)
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        cmd += ["--user-claims", json.dumps({"sub": user.email, **user.claims()})]
    # Its dependencies warn about deprecations on every start; nothing a reader of the log can act on.
    env = dict(os.environ, PYTHONWARNINGS="ignore", NO_COLOR="1")
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # the child keeps its own copy of the handle
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
    finally:
        if log_path:
            log.close()
    url = provider_url(port)
    try:
        wait_for_http(url + DISCOVERY_PATH, proc=proc, timeout=timeout, what="The sign-in provider")
    except PccDashError as exc:
        stop(proc)
        tail = _tail(log_path) if log_path else ""
        raise PccDashError(f"{exc}{tail}") from None
    return proc


def provider_url(port: int) -> str:
    """Where `start_demo_provider` listens. Its issuer is the address it is asked at, so keep to this one."""
    return f"http://127.0.0.1:{port}"


def register_user(provider_url: str, sub: str, claims: dict[str, object]) -> None:
    """Give the provider's user `sub` these claims (they replace any earlier ones), for its next sign-in.

    The provider sends them as they are: an `email` without `email_verified: true` is an unconfirmed address.
    """
    req = urllib.request.Request(f"{provider_url.rstrip('/')}/users/{quote(sub, safe='')}", method="PUT",
                                 data=json.dumps(claims).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except urllib.error.URLError as exc:
        raise PccDashError(f"Cannot reach the sign-in provider at {provider_url}: {exc.reason}.") from None
    if status != 204:
        raise PccDashError(f'The sign-in provider refused the user "{sub}" (HTTP {status}).')


def wait_for_http(url: str, *, proc: subprocess.Popen | None = None, timeout: float = 20.0,
                  expect: str | None = None, what: str = "The server") -> None:
    """Poll `url` until it answers 200 (with `expect` in its body, if given); fail early if `proc` exits."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise PccDashError(f"{what} stopped (exit code {proc.returncode}) before answering at {url}.")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200 and (expect is None or expect in resp.read().decode("utf-8", "replace")):
                    return
        except (OSError, urllib.error.URLError):
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise PccDashError(f"{what} did not answer at {url} within {timeout:.0f} s.")
        time.sleep(0.2)


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> int | None:
    """Terminate a child process and wait for it, killing it if it does not stop within `timeout`."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def ensure_port_free(host: str, port: int, what: str, option: str | None = None) -> None:
    """Refuse early when something already listens on `port`: waiting for our server would find that one."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            pass
    except OSError:
        return
    another = f"choose another with {option}" if option else "choose another port"
    raise PccDashError(f"Port {port} is already in use, so {what} cannot listen on it. "
                       f"Stop whatever uses it, or {another}.")


def is_loopback(address: str) -> bool:
    """Whether an address to listen on is reachable from this computer only."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def local_host(address: str) -> str:
    """The host a client on this machine reaches a server listening on `address` at."""
    return "localhost" if address in ("", "0.0.0.0", "::") else address


def browser_url(address: str, port: int) -> str:
    """The address a browser on this machine opens a server listening on `address`:`port` at."""
    host = local_host(address)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return ("\nIts log ends:\n  " + "\n  ".join(text.splitlines()[-lines:])) if text else ""
