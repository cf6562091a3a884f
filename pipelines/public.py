"""The public side's only door: the current published snapshot, opened read-only per query.

This module knows nothing of the warehouse. A snapshot is an immutable DuckDB file holding only what
the public may see; `current.json` in the published folder names the one in force, and publishing
replaces that pointer in one rename, so a reader sees the old snapshot or the new one, whole.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .office import in_sentence
from .uk_time import month_text, uk_day_words, uk_time, uk_words

if TYPE_CHECKING:  # pandas where a table is made: opening the warehouse reads only the pointer from here
    import pandas as pd

POINTER = "current.json"
# What every page and pack of figures says of them, as the force's own performance reports do.
MANAGEMENT_INFORMATION = "These figures are management information: unaudited and subject to revision."
# The Methodology page's section saying what management information is, which the banner links to: the banner's
# words are kept in each snapshot, so the link is added where the banner is shown, an earlier snapshot's too.
MANAGEMENT_INFORMATION_SECTION = "quality"
MANAGEMENT_INFORMATION_MEANING = "What management information means"
# The Tables and downloads page's section on revisions and publications withdrawn, which the release calendar's
# "Last revised" leads to
REVISIONS_SECTION = "revisions"
DEFAULT_DIR = Path("var") / "published"

# The snapshot's board_item table: one row per approved item, every column text (empty when it does not apply).
#   kind            question | answer | decision | withdrawal | recommendation
#   question_ref    the question's number, so that its answers and decisions are shown under it
#   meeting_title, meeting_date (YYYY-MM-DD)   the meeting the question was put at (a theme: the decision's)
#   question, asked_by                          the question as published, and who asked in public words
#   answer, answered_by, answered_on            the force's answer, who gave it (their role, as typed), when
#   theme, decision, rationale, decided_on      an assurance decision: on a theme or the question, its word
#                   (decided_on, judged_on: when recorded, an ISO time in UTC, shown as the day in England)
#   decided_by      the title of who held the role when the decision was taken ("Mayor (Police and Crime
#                   Commissioner functions)"), as force.yaml gave it then; empty in an approval or a snapshot made
#                   before it was kept, read with the snapshot's holder's title
#   evidence        JSON: [{"kind": words, "text": ...}] the evidence considered
#   given_meeting, given_meeting_date (YYYY-MM-DD)   the meeting an answer was given at (empty for one in writing)
#                   or a decision taken at, which may be a later one than the question was put at; a snapshot
#                   written before these were added has neither column
#   recommendation_ref, source, number, recommendation, status, judged_on, status_evidence
#                   a recommendation's status: the report, its number, the office's title, the status words
#   follow_up       (YYYY-MM-DD) the day a decision is to be looked at again; empty when none was set, or in an
#                   approval or a snapshot made before it was kept
#   withdrawn_on, withdrawn_reason   a question's withdrawal (kind withdrawal, under the question it quotes): the day
#                   (YYYY-MM-DD) and the reason as approved for the public; a snapshot written before withdrawals were
#                   published has neither column
BOARD_COLUMNS = ["kind", "question_ref", "meeting_title", "meeting_date", "question", "asked_by", "answer",
                 "answered_by", "answered_on", "theme", "decision", "decided_by", "rationale", "evidence", "decided_on",
                 "given_meeting", "given_meeting_date", "recommendation_ref", "source", "number", "recommendation",
                 "status", "judged_on", "status_evidence", "follow_up", "withdrawn_on", "withdrawn_reason"]


def published_dir(explicit: str | os.PathLike | None = None) -> Path:
    """`PCCDASH_PUBLISHED_DIR`, else `var/published` under the working folder."""
    return Path(explicit or os.environ.get("PCCDASH_PUBLISHED_DIR") or DEFAULT_DIR)


def pointer(folder: Path | None = None) -> dict:
    """What `current.json` says (the snapshot in force and the publications withdrawn), or {} without one."""
    folder = folder or published_dir()
    try:
        found = json.loads((folder / POINTER).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def current_snapshot(folder: Path | None = None) -> Path | None:
    """The snapshot file the pointer names, or None when nothing has been published (or all was withdrawn)."""
    folder = folder or published_dir()
    return snapshot_named(pointer(folder), folder)


def snapshot_named(found: dict, folder: Path) -> Path | None:
    """The snapshot file a pointer already read (`pointer`) names in `folder`, or None (see `current_snapshot`)."""
    name = Path(str(found.get("file") or "")).name  # a name only: the pointer cannot lead out of the folder
    path = folder / name
    if not name.startswith("snapshot-") or not name.endswith(".duckdb") or not path.is_file():
        return None
    return path


def read(sql: str, params: list | tuple = (), snapshot: Path | None = None) -> pd.DataFrame:
    """Run a parameterised query on a snapshot (the current one by default), opened read-only for this query."""
    import pandas as pd

    path = snapshot or current_snapshot()
    if path is None:
        return pd.DataFrame()
    con = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def withdrawals(folder: Path | None = None) -> pd.DataFrame:
    """Publications withdrawn, newest first: version, published_at, withdrawn_at, reason, and the months the
    withdrawn publication added and revised ("YYYY-MM" lists; None from a pointer written before it said them), as
    the pointer carries them, so the notice switches with the snapshot it sends readers back to."""
    import pandas as pd

    cols = ["version", "published_at", "withdrawn_at", "reason", "added", "revised"]
    rows = latest_first([r for r in pointer(folder).get("withdrawals") or [] if isinstance(r, dict)])
    kept = [{**{c: str(r.get(c, "")) for c in ("published_at", "withdrawn_at", "reason")},
             "version": r.get("version") if isinstance(r.get("version"), int) else None,
             **{c: _months_listed(r.get(c)) for c in ("added", "revised")}} for r in rows]
    return pd.DataFrame(kept, columns=cols)


def latest_first(withdrawals: list[dict]) -> list[dict]:
    """A pointer's withdrawals, the latest first: two in one second (the pointer gives times to the second) in the
    order they were recorded in, the later first, as the pointer lists them."""
    numbered = list(enumerate(withdrawals))
    return [w for _, w in sorted(numbered, key=lambda iw: (str(iw[1].get("withdrawn_at", "")), iw[0]), reverse=True)]


def _months_listed(value) -> list[str] | None:
    """A pointer's list of months ("YYYY-MM"), or None when it has none (written before it said them)."""
    if not isinstance(value, list):
        return None
    return [str(m) for m in value if re.fullmatch(r"\d{4}-\d{2}", str(m))]


def _when(stamp, with_time: bool) -> str:
    """"5 May 2026", or with the time "5 May 2026 at 11:04 BST": the pointer's UTC time as UK time (`uk_time`)."""
    if stamp is None:
        return ""
    return uk_words(stamp, "words") if with_time else uk_day_words(stamp)


def _same_day(stamp, others) -> bool:
    """Whether another of the stamps (UK times) falls on the day of `stamp` in England: then a date alone would not
    tell them apart."""
    return stamp is not None and any(o is not None and o is not stamp and o.date() == stamp.date() for o in others)


def _of_months(row) -> str:
    """", which added the figures for August 2015 and revised those for June 2015," (empty when it says none)."""
    added, revised = (_months_listed(_get(row, key)) or [] for key in ("added", "revised"))
    parts = []
    if added:
        parts.append(f"added the figures for {months_phrase(added)}")
    if revised:
        parts.append(f"revised {'those' if added else 'the figures'} for {months_phrase(revised)}")
    return f", which {' and '.join(parts)}," if parts else ""


def _get(row, key):
    try:
        value = row.get(key) if hasattr(row, "get") else row[key]
    except (KeyError, IndexError):
        return None
    return value


def withdrawal_notice(row, shown_at: object = None) -> str:
    """One withdrawal in a sentence: "Publication 2 of 5 May 2026, which added the figures for April 2026, withdrawn
    on 6 May 2026: <reason>". The publications are told apart by their numbers and, where two dates of the notice
    (or `shown_at`, when the publication the public reads instead was made) fall on one day, by their times. Days
    and times are England's ("5 May 2026 at 11:04 BST"; the pointer keeps UTC). A
    pointer written before withdrawals carried the version and the months gives "Publication of 5 May 2026
    withdrawn on 6 May 2026: <reason>"."""
    published, withdrawn = uk_time(_get(row, "published_at")), uk_time(_get(row, "withdrawn_at"))
    stamps = [published, withdrawn, uk_time(shown_at) if shown_at else None]
    version = _get(row, "version")
    try:
        number = int(version) if version is not None and str(version) not in ("", "nan", "None") else None
    except (TypeError, ValueError):
        number = None
    what = "Publication" if number is None else f"Publication {number}"
    return (f"{what} of {_when(published, _same_day(published, stamps))}{_of_months(row)} withdrawn on "
            f"{_when(withdrawn, _same_day(withdrawn, stamps))}: {_get(row, 'reason')}")


def publication_when(created_at: object, withdrawal=None) -> str:
    """When a publication the public reads was made, as a withdrawal notice beside it says it: "5 May 2026", with
    the time when the withdrawn publication was made or withdrawn on the same day."""
    stamp = uk_time(created_at) if created_at else None
    if stamp is None:
        return ""
    others = [] if withdrawal is None else [uk_time(_get(withdrawal, k)) for k in ("published_at", "withdrawn_at")]
    return _when(stamp, _same_day(stamp, [stamp, *others]))


# What the public reads about a measure's months, shared by the public pages and the publishing preview,
# so the preview says exactly what the pages will.

def number(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"




ROLLING_PREFIX = "12 months to "


def period_text(period: str) -> str:
    """A published period in words: "July 2015", "April to June 2015 (Q1 2015/16)", "April 2015 to March 2016
    (financial year 2015/16)", "12 months to July 2015"."""
    period = str(period)
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return month_text(period)
    if period.startswith(ROLLING_PREFIX):
        return ROLLING_PREFIX + month_text(period[len(ROLLING_PREFIX):])
    q = re.fullmatch(r"Q([1-4]) (\d{4})/(\d{2})", period)
    if q:
        n, start = int(q.group(1)), int(q.group(2))
        first = [(start, 4), (start, 7), (start, 10), (start + 1, 1)][n - 1]
        last = (first[0], first[1] + 2)
        import calendar

        return (f"{calendar.month_name[first[1]]} to {calendar.month_name[last[1]]} {last[0]} "
                f"(Q{n} {q.group(2)}/{q.group(3)})")
    fy = re.fullmatch(r"(\d{4})/(\d{2})", period)
    if fy:
        start = int(fy.group(1))
        return f"April {start} to March {start + 1} (financial year {period})"
    return period


def month_runs(periods: list[str]) -> list[tuple[str, str]]:
    """Consecutive runs of YYYY-MM months, as (first, last) pairs in time order."""
    import pandas as pd

    runs: list[list[str]] = []
    for p in sorted(set(periods)):
        if runs and pd.Period(runs[-1][1], freq="M") + 1 == pd.Period(p, freq="M"):
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return [(a, b) for a, b in runs]


def months_phrase(periods: list[str]) -> str:
    """'April 2014 to July 2015, and April 2026': exactly the months given, in runs."""
    parts = [month_text(a) if a == b else f"{month_text(a)} to {month_text(b)}" for a, b in month_runs(periods)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]


# Why a figure is hidden, in words that fit every hidden figure: a small number, or one hidden with it so that the
# small one cannot be worked out from a total. Which is which is never said: that would give the small ones away.
HIDDEN_WHY = ("so that no child can be identified: a hidden figure is either a small number, or one that would let "
              "a small number elsewhere be worked out")
# A chart's key for its hidden months, after the marker: "[c] hidden, not zero: ...", and what its hover says of one.
HIDDEN_KEY = "hidden, not zero: a small number, or hidden so that a small number elsewhere cannot be worked out"
HIDDEN_HOVER = "not zero"
# The same, of a publication that hid its zeros as it hid small counts: a hidden figure may be a zero.
HIDDEN_WHY_ZEROS = ("so that no child can be identified: a hidden figure is either zero or a small number, or one "
                    "that would let a small number elsewhere be worked out")
HIDDEN_KEY_ZEROS = ("hidden, may be zero: zero or a small number, or hidden so that a small number elsewhere cannot "
                    "be worked out")
HIDDEN_HOVER_ZEROS = "may be zero"
# The snapshot's meta key recording whether the publication hid its zeros too (the "suppress zero" setting in force
# when it was published): what its pages say a hidden figure may be follows it, never the reader's settings.
ZEROS_HIDDEN = "zeros_hidden"


def zeros_hidden(meta) -> bool:
    """Whether the publication whose meta this is hid its zeros as it hid small counts. A snapshot written before the
    setting was recorded reads as one that showed its zeros, as its own words say."""
    return str((meta or {}).get(ZEROS_HIDDEN, "")).strip().lower() in ("true", "1", "yes")


def hidden_count_words(threshold: object, zeros: bool) -> str:
    """"a count from 1 to 4": the counts a publication hides for themselves, as its pages say it ("from 0 to 4" when
    it hid its zeros too)."""
    return f"a count from {0 if zeros else 1} to {threshold}"


# The snapshot's meta key listing each publication at which hiding zeros began or ended, as JSON: [{"published_at":
# ISO time, "zeros_hidden": true | false}, ...], oldest first; each publication carries on its predecessor's list.
ZEROS_CHANGES = "zeros_changes"


def zeros_changes(before, zeros: bool, published_at: str) -> str:
    """The list (`ZEROS_CHANGES`) a publication made at `published_at`, hiding its zeros or not (`zeros`), carries:
    the one in `before` (the meta of the snapshot the public read until then, None when none) with this publication
    added when it changes what the one before did."""
    changes = zeros_changes_of(before)
    if before and zeros_hidden(before) != zeros:
        changes.append({"published_at": published_at, "zeros_hidden": zeros})
    return json.dumps(changes)


def zeros_changes_of(meta) -> list[dict]:
    """Each change of whether zeros are hidden a snapshot's meta records (`ZEROS_CHANGES`), oldest first."""
    try:
        found = json.loads(str((meta or {}).get(ZEROS_CHANGES) or "[]"))
    except ValueError:
        return []
    return [c for c in found if isinstance(c, dict) and c.get("published_at")] if isinstance(found, list) else []


def zeros_change_lines(meta, marker: str) -> list[str]:
    """What the public reads of each change of whether zeros are hidden, oldest first: a figure the public was shown
    as 0 may be hidden from then on, or the other way round."""
    return [f"From the publication of {uk_day_words(c['published_at'])}, zeros are hidden too, as small counts are: "
            f"a figure shown as 0 in an earlier publication may be shown as {marker} from then on."
            if c.get("zeros_hidden") else
            f"From the publication of {uk_day_words(c['published_at'])}, zeros are shown again: a figure hidden as "
            f"{marker} in an earlier publication may be shown as 0 from then on."
            for c in zeros_changes_of(meta)]


def hidden_why(zeros: bool) -> str:
    """Why a figure is hidden and what it may be (`HIDDEN_WHY`), as a publication that hid its zeros or not says it."""
    return HIDDEN_WHY_ZEROS if zeros else HIDDEN_WHY


def hidden_key(zeros: bool) -> tuple[str, str]:
    """A chart's key for its hidden months and what its hover says of one, as a publication that hid its zeros or not
    says them."""
    return (HIDDEN_KEY_ZEROS, HIDDEN_HOVER_ZEROS) if zeros else (HIDDEN_KEY, HIDDEN_HOVER)


# The abbreviations the measure catalogue's names use, as the public pages spell them out: a reader of a chart or a
# table heading may never have met them (public_info.yaml's "Words used on these pages" defines each term).
ABBREVIATIONS = {"CSE": "child sexual exploitation", "CCE": "child criminal exploitation",
                 "CAWN": "child abduction warning notice", "SHPO": "sexual harm prevention order",
                 "SRO": "sexual risk order", "NFA": "no further action", "ASB": "anti-social behaviour"}
ABBREVIATED = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")(s?)\b")


def spelled_out(name: str) -> str:
    """A measure's name with its abbreviations in words, as the public pages show it: "CAWNs issued" -> "Child
    abduction warning notices issued", "Live CSE investigations" -> "Live child sexual exploitation investigations"."""
    name = str(name)
    said = ABBREVIATED.sub(lambda m: ABBREVIATIONS[m[1]] + m[2], name)
    return said[:1].upper() + said[1:] if name[:1].isupper() else said


def trend_sentence(name: str, area: str, series: pd.DataFrame, zeros: bool = False) -> str:
    """What a measure's chart shows, in words: it names exactly the published months it speaks of. A lowest or
    highest month is named only when no month of the series is hidden (one chosen among partly hidden months
    would mislead); when months are hidden it says how many and why (`zeros`: the publication hid its zeros too, so
    a hidden month may be one)."""
    why = hidden_why(zeros)
    if series.empty:
        return f"No figures for {in_sentence(name)} have been published."  # "CSE" is never "cse"
    series = series.sort_values("period")
    runs = month_runs(list(series["period"]))
    if len(runs) == 1:
        first, last = runs[0]
        text = (f"{name}, {area}, {month_text(first)}. " if first == last
                else f"{name}, {area}, each month from {month_text(first)} to {month_text(last)}. ")
    else:
        text = (f"{name}, {area}, each published month: {months_phrase(list(series['period']))}. "
                "The months between these have not been published. ")
    shown = series[~series["suppressed"].astype(bool)]
    hidden = len(series) - len(shown)
    if len(series) == 1:
        latest = series.iloc[0]
        return text + (f"It was {latest['display']}." if not latest["suppressed"]
                       else f"The figure is hidden {why}.")
    if shown.empty:
        return text + f"Every month is hidden {why}."
    if hidden:
        text += f"{hidden} of the {len(series)} months {'is' if hidden == 1 else 'are'} hidden {why}."
        if len(shown) > 1:
            text += f" With {'a month' if hidden == 1 else 'months'} hidden, no lowest or highest month is given."
        elif shown.index[0] != series.index[-1]:  # the one month shown is not the latest: said, or never in words
            only = shown.iloc[0]
            text += f" In {month_text(only['period'])} it was {only['display']}."
    elif shown["value"].nunique() == 1 or shown["display"].nunique() == 1:  # none lower or higher as read
        text += f"Every published month was {shown['display'].iloc[0]}."
    else:  # each figure as its table shows it ("95.5%" for a percentage), as the latest month is said below
        lo = _months_at(shown, shown.loc[shown["value"].idxmin(), "display"])
        hi = _months_at(shown, shown.loc[shown["value"].idxmax(), "display"])
        text += f"The lowest published {lo[0]} and the highest {hi[1]}."
    latest = series.iloc[-1]
    last = month_text(latest["period"])
    text += (f" In {last} it was {latest['display']}{_against_month_before(series)}." if not latest["suppressed"]
             else f" The figure for {last} is hidden.")  # why is said above: some months are hidden
    return text


def _months_at(shown: pd.DataFrame, display: str) -> tuple[str, str]:
    """Every month of `shown` whose figure reads `display`, named, as the lowest or highest of a chart's sentence
    says them: ("month was July 2026 (6)", "July 2026 (6)") of one month, ("months were April, May and June 2026
    (7 in each)", "were April, May and June 2026 (7 in each)") of months that tie, each named (a tie said as one
    month would hide the others)."""
    months = sorted(str(p) for p in shown.loc[shown["display"] == display, "period"])
    if len(months) == 1:
        said = f"{month_text(months[0])} ({display})"
        return f"month was {said}", said
    names = [str(month_text(m)) for m in months]
    if len({m[:4] for m in months}) == 1:  # the year said once: "April, May and June 2026"
        names = [n.rsplit(" ", 1)[0] for n in names[:-1]] + names[-1:]
    said = f"{', '.join(names[:-1])} and {names[-1]} ({display} in each)"
    return f"months were {said}", f"were {said}"


def _against_month_before(series: pd.DataFrame) -> str:
    """", down from 42 in May 2026": the latest month against the month before it, when both are published and shown;
    "" when that month is not published or hidden (a direction beside a hidden month would narrow what it can be)."""
    if len(series) < 2:
        return ""
    latest, before = series.iloc[-1], series.iloc[-2]
    if bool(before["suppressed"]) or latest["suppressed"] or not _month_before(before["period"], latest["period"]):
        return ""
    now, then = float(latest["value"]), float(before["value"])
    month = month_text(before["period"])
    if now == then:
        return f", the same as in {month}"
    return f", {'up' if now > then else 'down'} from {before['display']} in {month}"


def _month_before(earlier: str, later: str) -> bool:
    year, month = (int(x) for x in str(later).split("-"))
    return str(earlier) == (f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}")
