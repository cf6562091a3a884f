"""Who did what, when and how: the actor of every write, and the audit trail it leaves.

An action is done by an `Actor`: a signed-in identity in the app, or an identity that the command
line may act for (access.yaml maps operating-system accounts to the identities they may act as).
Each writer calls `record` in the same transaction as its change, so the trail is never behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import io
import os
import re
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb

from .access import NotAllowed, command_line_identities
from .access import identity as access_identity
from .catalogue import counted, reference_file
from .errors import PccDashError, shown
from .uk_time import month_text, uk_day_start, uk_day_words, uk_words
from .warehouse import utc_now

if TYPE_CHECKING:  # pandas only where a trail is shown: a load records events without it
    import pandas as pd

# Every action the trail knows, with the words the audit page shows for it.
ACTIONS = {
    "approve": "approved a month for publication (or recorded its refusal)",
    "publish": "published a snapshot",
    "withdraw": "withdrew a publication",
    "unapprove": "withdrew a month's approval, with the publication that carried it",
    "flag": "raised a flag",
    "resolve": "resolved a flag",
    "reopen": "reopened a resolved flag",
    "flag_update": "assigned a flag, marked it awaiting the force, or linked the resubmission that answered it",
    "commentary": "wrote a commentary",
    "questions": "edited the questions",
    "supersede": "marked a refused file withdrawn or superseded",
    "load": "loaded a return or a police.uk file (or recorded its refusal)",
    "finish_switch": "finished switching the public side to a publication or withdrawal a stop had interrupted",
    "spc_history": "noticed a new version of the SPC history (baselines, rebases, chart settings)",
    "produce_pack": "produced a briefing pack (PDF, HTML and Word), kept in the archive",
    "meeting": "recorded a meeting",
    "move_meeting": "moved a meeting to another day",
    "ask": "put a question to the force",
    "answer": "recorded the force's answer, or that it is awaited",
    "decide": "recorded an assurance decision",
    "action": "recorded an action",
    "action_update": "updated or closed an action",
    "action_due": "moved an action's due date",
    "action_owner": "handed an action to a new owner",
    "cancel_meeting": "cancelled a meeting",
    "withdraw_question": "withdrew a question, saying why",
    "recommendation": "recorded a recommendation's status",
    "recommendation_due": "gave a recommendation the day it is due by",
    "import_submissions": "imported questions the public sent in",
    "moderate": "moderated a question from the public",
    "erase_contact": "erased the name and contact a member of the public gave with a question",
    "release": "approved an item of the accountability loop for publication",
    "unrelease": "withdrew an item of the accountability loop from publication",
    "restore": "restored the warehouse and everything beside it from a backup",
}
# An action with two outcomes, a refusal recorded as well as the act (its detail then begins "refused"): each row says
# which it was, from what it stores, so that a row written before these words were kept reads the same way.
OUTCOMES = {
    "approve": ("approved a month for publication", "tried to approve a month for publication: approval refused"),
    "load": ("loaded a file", "tried to load a file: the file was refused"),  # How says by whom: app, command, demo
    "publish": ("published a snapshot", "tried to publish: nothing was published"),
}
CHANNELS = ("app", "cli", "system")
# How an action was done, in words; the operating-system account follows where there is one.
HOW = {"app": "in the app, signed in", "cli": "on the command line", "system": "by the program itself"}
# A text to look for that ends in a number after a space or "#" ("meeting 1", "flag #1", "file (#17"): the number is
# an id, and is not found inside a longer one (meeting 12, flag #10). Any other text is found wherever it is, a
# month begun ("2026-1") or a hash's first characters among them.
_ENDS_IN_NUMBER = re.compile(r"[ #][0-9]+$")
ONE_LINE = 80  # characters of an About or Detail that `pccdash audit` shows in its table


class BadAuditFilter(PccDashError):
    """A filter on the audit trail that cannot be applied as given."""


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
        return access_identity(self)


def app_actor(claims: Mapping) -> Actor:
    """The signed-in user of the internal app."""
    return Actor(dict(claims), "app")


def system_actor(identity: str) -> Actor:
    """The program acting on its own behalf, e.g. the demo publishing its sample months as its PCC."""
    return Actor({"email": identity}, "system", os_account())


def os_account() -> str | None:
    """The operating-system account running this process, or None when it has no name.

    Taken from the process's user id, not from $USER or $LOGNAME: those are set by whoever starts the
    process, so `USER=root pccdash approve ...` must not pass for root.
    """
    try:
        import pwd
    except ImportError:  # Windows has no pwd: its login name is all there is
        try:
            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no name at all: the command line then acts for no one
            return None
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a uid with no entry in the password database (a bare container)
        return None


def cli_actor(identity: str) -> Actor:
    """The identity the command line acts as (`--as`), if access.yaml lets this account act for it.

    access.yaml's `command_line` maps an operating-system account to the identities it may act as, so
    typing someone else's address is not enough to act in their name.
    """
    account = os_account()
    wanted = str(identity or "").strip()
    if not wanted:
        raise NotAllowed('Say who is acting: --as EMAIL (or the PCCDASH_USER setting), an identity that '
                         f'"{reference_file("access.yaml")}" lets this account act as under command_line.')
    if account is None:
        raise NotAllowed(f'This process runs under a user id with no account name, so it may not act as "{wanted}" '
                         "from the command line: run it from a named account listed under command_line in "
                         f'"{reference_file("access.yaml")}", or act in the dashboard.')
    allowed = {a.lower(): a for a in command_line_identities(account)}
    if wanted.lower() not in allowed:
        may = f"; it may act as {', '.join(sorted(allowed.values()))}. Give one of those, or" if allowed else ":"
        raise NotAllowed(f'The account "{account}" may not act as "{wanted}" from the command line{may} '
                         f'list it under command_line: {account}: in "{reference_file("access.yaml")}", '
                         "or sign in to the dashboard and act there.")
    return Actor({"email": allowed[wanted.lower()]}, "cli", account)


def account_actor() -> Actor:
    """The command line acting as its operating-system account, for a step any account that may write the
    warehouse may take without `--as` (loading returns: the file registry names the account too)."""
    account = os_account()
    return Actor({"email": account or "an unknown account"}, "cli", account)


def as_actor(who: Mapping) -> Actor:
    """An Actor from whatever a writer was given: an Actor, or bare claims (taken as the app's)."""
    return who if isinstance(who, Actor) else app_actor(who)


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writer's change and its audit record together: both kept, or (on any error) neither.

    Inside another `transaction` on the same connection, it joins that one and leaves the commit to it (DuckDB
    cannot nest them: a second BEGIN would abort the first), so one writer may call another.
    """
    if con in _OPEN:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _OPEN.add(con)
    try:
        yield con
    except BaseException:
        _OPEN.discard(con)
        con.execute("ROLLBACK")
        raise
    _OPEN.discard(con)
    con.execute("COMMIT")


_OPEN: weakref.WeakSet = weakref.WeakSet()  # connections inside a `transaction` now


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


def record_load(con: duckdb.DuckDBPyConnection, who: Mapping, file_id: int, outcome: str,
                sha256: str | None = None) -> None:
    """The record of a file loaded or refused (the app's upload, `pccdash ingest`, `pccdash demo`): call it inside the
    file's own transaction, once the file is registered. `sha256` is the file's, when the registry could not read it."""
    name, registered = con.execute("SELECT name, sha256 FROM file_registry WHERE file_id = ?", [file_id]).fetchall()[0]
    fingerprint = sha256 or registered
    record(con, who, "load", subject=f'file "{name}" (#{file_id})',
           detail=(f"loaded{_what_it_changed(con, file_id)}" if outcome == "accepted" else "refused")
                  + (f"; sha256 {fingerprint}" if fingerprint else "; the file could not be read"))


LOAD_CHANGES = 10  # figures a load's record names, each with its value before and after


def _what_it_changed(con: duckdb.DuckDBPyConnection, file_id: int) -> str:
    """What a loaded return did to the figures, for its record: ': 1 figure for May 2026, 0 new, 1 revised (Live CSE
    investigations, Sheffield, May 2026: was 37, now 77), 0 unchanged', so that a correction's record says what it
    corrected (a police.uk file's counts by district and month are its figures). Nothing for a file of none."""
    from .resubmission import file_revisions, format_changes
    from .uk_time import month_words

    new, revised, unchanged = con.execute("SELECT figures_new, figures_revised, figures_unchanged FROM file_registry "
                                          "WHERE file_id = ?", [file_id]).fetchall()[0]
    total = (new or 0) + (revised or 0) + (unchanged or 0)
    if not total:
        return ""
    first, last = con.execute("SELECT min(period), max(period) FROM file_coverage WHERE file_id = ?",
                              [file_id]).fetchall()[0]
    months = ("" if first is None else f" for {month_words(first)}" if first == last
              else f" for {month_words(first)} to {month_words(last)}")
    changes = file_revisions(con, file_id)
    named = format_changes(changes, LOAD_CHANGES)
    if len(changes) > LOAD_CHANGES:
        named[-1] = f"and {len(changes) - LOAD_CHANGES:,} more (pccdash figures --history)"
    return (f": {counted(total, 'figure')}{months}, {new:,} new, {revised:,} revised"
            + (f" ({'; '.join(named)})" if named else "") + f", {unchanged:,} unchanged")


EVENTS_SQL = """
SELECT event_id, acted_at, identity, channel, os_account, action, subject, detail
FROM audit_event WHERE true {where}
ORDER BY acted_at DESC, event_id DESC
"""


def events(con: duckdb.DuckDBPyConnection, *, action: str | None = None, identity: str | None = None,
           channel: str | None = None, start: object = None, end: object = None,
           text: str | None = None) -> pd.DataFrame:
    """The trail, newest first, narrowed by any of: action, identity, channel, first and last day (inclusive, days
    in England, as the trail is read: 1 June begins at 23:00 UTC on 31 May in summer), and text found in what it was
    about or its detail (any case; "meeting 1" is that meeting, not meeting 12: `_ENDS_IN_NUMBER`)."""
    if action and action not in ACTIONS:
        raise BadAuditFilter(f'"{action}" is not an action of the audit trail; it is one of {", ".join(ACTIONS)}.')
    if channel and channel not in CHANNELS:
        raise BadAuditFilter(f'"{channel}" is not a way of acting; it is one of {", ".join(CHANNELS)}.')
    first, last = _day(start, "first day"), _day(end, "last day")
    if first and last and first > last:
        raise BadAuditFilter(f"The first day ({first}) is after the last ({last}): swap them.")
    conds, params = [], []
    for sql, value in (("action = ?", action), ("lower(identity) = lower(?)", identity), ("channel = ?", channel),
                       ("acted_at >= ?", first and uk_day_start(first)),
                       ("acted_at < ?", last and uk_day_start(last + dt.timedelta(days=1)))):
        if value:
            conds.append(f" AND {sql}")
            params.append(value)
    if text and text.strip():
        wanted = text.strip()
        if _ENDS_IN_NUMBER.search(wanted):
            # "meeting 1", "flag #1", "file 17": that number, not meeting 12 or flag #10 (a regular expression of the
            # text as typed, every character itself, then anything but a digit)
            pattern = re.escape(wanted.lower()) + "([^0-9]|$)"
            conds.append(" AND (regexp_matches(lower(coalesce(subject, '')), ?) "
                         "OR regexp_matches(lower(coalesce(detail, '')), ?))")
            params += [pattern, pattern]
        else:
            # contains(), not LIKE: a typed % or _ is looked for as itself
            conds.append(" AND (contains(lower(coalesce(subject, '')), lower(?)) "
                         "OR contains(lower(coalesce(detail, '')), lower(?)))")
            params += [wanted, wanted]
    return con.execute(EVENTS_SQL.format(where="".join(conds)), params).df()


def _day(value: object, what: str) -> dt.date | None:
    """A day from a date or YYYY-MM-DD; a month (YYYY-MM) is its first day, or its last as the last day."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 7:
            first = dt.date.fromisoformat(text + "-01")
            if what == "last day":
                return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return first
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadAuditFilter(f'The {what} "{value}" is not a date; write it as YYYY-MM-DD (2026-04-30) or as a '
                             "month, YYYY-MM.") from None


def readable(frame: pd.DataFrame, *, utc: bool = False) -> pd.DataFrame:
    """The trail as people read it (the audit page, `pccdash audit`): When (UK time, naming the clock:
    "2026-04-15 10:30:00 BST"), Who, How, Action in words (a refusal's as one: `action_words`), About (its months
    and days in words: `about_words`), Detail. `utc` gives When as stored, in UTC ("2026-04-15 09:30:00 UTC"), and
    About as stored, for the CSV files (`pccdash audit --format csv`; the page's download takes When alone)."""
    import pandas as pd

    def how(row) -> str:
        words = HOW.get(row.channel, row.channel)
        account = row.os_account if isinstance(row.os_account, str) else ""  # a missing one reads as NaN
        return f"{words} (account {account})" if account else words

    return pd.DataFrame({
        "When": [f"{t:%Y-%m-%d %H:%M:%S} UTC" if utc else uk_words(t, seconds=True) for t in frame["acted_at"]],
        "Who": frame["identity"].astype(str).tolist(),
        "How": [how(r) for r in frame.itertuples(index=False)],
        "Action": [action_words(a, d) for a, d in zip(frame["action"], frame["detail"], strict=True)],
        "About": [s if utc else about_words(s) for s in frame["subject"].fillna("").astype(str)],
        "Detail": frame["detail"].fillna("").astype(str).tolist(),
    }, columns=["When", "Who", "How", "Action", "About", "Detail"])


_DAY_OR_MONTH = re.compile(r"(?<![\w-])\d{4}-(0[1-9]|1[0-2])(-\d{2})?(?![\w-])")
_QUOTED = re.compile(r'("[^"]*")')


def about_words(subject: str) -> str:
    """What a record was about as people read it: a month it names as "May 2027" and a day as "10 December 2026",
    where it is stored as "2027-05" and "2026-12-10"; a file's name, in quotes, as the file has it (the filter's
    text search reads the stored subject)."""
    def said(text: str) -> str:
        return _DAY_OR_MONTH.sub(lambda m: uk_day_words(m.group(0)) if m.group(2) else month_text(m.group(0)) or "",
                                 text)

    return "".join(part if part.startswith('"') else said(part) for part in _QUOTED.split(subject))


def action_words(action: str, detail: object) -> str:
    """What one record of the trail did, in words: ACTIONS' own, or for an action that also records its refusal
    (OUTCOMES) the outcome of this one, "approved a month for publication" or "tried to approve a month for
    publication: approval refused"."""
    if action in OUTCOMES:
        done, refused = OUTCOMES[action]
        return refused if isinstance(detail, str) and detail.startswith("refused") else done
    return ACTIONS.get(action, action)


def one_line(frame: pd.DataFrame, width: int = ONE_LINE) -> pd.DataFrame:
    """The readable trail for a terminal's table: each About and Detail on one line, a longer one cut short with
    "…", so that one long detail does not widen every line (the CSV and the audit page keep them whole)."""
    out = frame.copy()
    for column in ("About", "Detail"):
        out[column] = [shown(" ".join(str(text).split()), width) for text in out[column]]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as CSV that is safe to open in a spreadsheet: a typed reason starting "=" stays text."""
    from .exports import write_csv

    out = io.StringIO()
    write_csv(frame, out)
    return out.getvalue()
