"""Who did what, when and how: the actor of every write, and the audit trail it leaves.

An action is done by an `Actor`: a signed-in identity in the app, or an identity that the command
line may act for (access.yaml maps operating-system accounts to the identities they may act as).
Each writer calls `record` in the same transaction as its change, so the trail is never behind.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import duckdb

from .access import NotAllowed, command_line_identities
from .warehouse import utc_now

# Every action the trail knows, with the words the audit page shows for it.
ACTIONS = {
    "approve": "approved a month for publication",
    "publish": "published a snapshot",
    "withdraw": "withdrew a publication",
    "flag": "raised a flag",
    "resolve": "resolved a flag",
    "commentary": "wrote a commentary",
    "questions": "edited the questions",
    "supersede": "marked a refused file withdrawn or superseded",
}
CHANNELS = ("app", "cli", "system")


@dataclass(frozen=True)
class Actor(Mapping):
    """Who is acting and how. Reads as the identity's claims, so `access.require(actor, ...)` works."""

    claims: Mapping = field(default_factory=dict)
    channel: str = "app"
    os_account: str | None = None

    def __getitem__(self, key):
        return self.claims[key]

    def __iter__(self) -> Iterator:
        return iter(self.claims)

    def __len__(self) -> int:
        return len(self.claims)

    @property
    def identity(self) -> str:
        return str(self.claims.get("email") or self.claims.get("sub") or "unknown account")


def app_actor(claims: Mapping) -> Actor:
    """The signed-in user of the internal app."""
    return Actor(dict(claims), "app")


def system_actor(identity: str) -> Actor:
    """The program acting on its own behalf, e.g. the demo publishing its sample months as its PCC."""
    return Actor({"email": identity}, "system", os_account())


def os_account() -> str:
    """The operating-system account running this process."""
    try:
        return getpass.getuser()
    except Exception:  # no name for the uid (a container): say so rather than fail
        return "unknown"


def cli_actor(identity: str) -> Actor:
    """The identity the command line acts as (`--as`), if access.yaml lets this account act for it.

    access.yaml's `command_line` maps an operating-system account to the identities it may act as, so
    typing someone else's address is not enough to act in their name.
    """
    account = os_account()
    wanted = str(identity or "").strip()
    allowed = command_line_identities(account)
    if wanted.lower() not in {a.lower() for a in allowed}:
        raise NotAllowed(f'The account "{account}" may not act as "{wanted}" from the command line: '
                         f'add it under command_line: {account}: in pipelines/reference/access.yaml, '
                         "or sign in to the dashboard and act there.")
    return Actor({"email": wanted}, "cli", account)


def as_actor(who: Mapping) -> Actor:
    """An Actor from whatever a writer was given: an Actor, or bare claims (taken as the app's)."""
    return who if isinstance(who, Actor) else app_actor(who)


def record(con: duckdb.DuckDBPyConnection, who: Mapping, action: str, *, subject: str | None = None,
           detail: str | None = None) -> None:
    """Add one event to the trail; call it inside the writer's own transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    actor = as_actor(who)
    con.execute(
        "INSERT INTO audit_event (acted_at, identity, channel, os_account, action, subject, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [utc_now(), actor.identity, actor.channel, actor.os_account, action, subject, detail])
