"""Months on their way to the public: draft -> approved -> published, and what stops an approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from .. import audit
from ..access import require
from ..catalogue import catalogue, counted, district_now, force, listed
from ..errors import PccDashError
from ..figures import held_as_one, parse_month
from ..flags import flag_place
from ..resubmission import blocked_months, cleared_refusals, open_refusals, refusals
from ..uk_time import month_words, uk_day, uk_day_words
from ..warehouse import utc_now
from .changes import breakdowns_changed_since_approval, caveats_changed_since_approval

APPROVAL_WITHDRAWN = "approval withdrawn"  # a publication_event: a withdrawn publication took the approval with it
# a publication_event: a publication left the approved month out, because with what was already public its figures
# would have let a hidden one be worked out; its note says which, in words (never a value)
HELD_BY_DISCLOSURE = "held back by the disclosure check"
# a publication_event: a reason for the public given to the approval in force of a month approved as it stands, the
# moment it was given (its note, the reason): the approval keeps its day, the reason is read by its own
REASON_GIVEN = "reason given"

# Whether approval `e` was not taken back by `made` (an SQL expression of a time): a withdrawal takes back, with an
# "approval withdrawn" event at the moment it is recorded, every approval of a month it carried given after the
# snapshot it restores was made (the month goes back to the approval that snapshot was made from, or, carried by no
# snapshot left, to none).
def _not_withdrawn_by(made: str) -> str:
    return f"""NOT EXISTS (
          SELECT 1 FROM snapshot_withdrawal w
          JOIN publication_event x ON x.period = e.period AND x.action = '{APPROVAL_WITHDRAWN}'
                                  AND x.acted_at = w.withdrawn_at
          LEFT JOIN snapshot r ON r.version = w.restored_version
          WHERE w.withdrawn_at <= {made} AND e.acted_at <= w.withdrawn_at
            AND (r.created_at IS NULL OR e.acted_at > r.created_at))"""


# Each month's approval in force at the time $made (period, approved_at): its latest approval by then that no
# withdrawal had taken back by then.
APPROVALS_AT_MADE = f"""
    SELECT e.period, max(e.acted_at) AS approved_at FROM publication_event e
    WHERE e.action = 'approved' AND e.acted_at <= $made AND {_not_withdrawn_by("$made")}
    GROUP BY e.period"""

# `APPROVALS_AT_MADE` for several snapshots in one query: for each snapshot's version and each of its months
# ($versions and $months, side by side), the month's approval in force when the snapshot was made (its created_at):
# (version, period, approved_at).
APPROVALS_AT_EACH_MADE = f"""
    WITH made AS (SELECT s.version, s.created_at AS made, unnest(m.months) AS month
                  FROM (SELECT unnest($versions) AS version, unnest($months) AS months) m
                  JOIN snapshot s ON s.version = m.version)
    SELECT s.version, e.period, max(e.acted_at) AS approved_at
    FROM made s JOIN publication_event e ON strftime(e.period, '%Y-%m') = s.month
    WHERE e.action = 'approved' AND e.acted_at <= s.made AND {_not_withdrawn_by("s.made")}
    GROUP BY s.version, e.period"""


@dataclass(frozen=True)
class HeldBack:
    """The publication that held an approved month back by the disclosure check, as recorded when it was made."""
    at: dt.datetime       # when it was published (UTC)
    version: int | None   # its snapshot
    withdrawn: bool       # that publication withdrawn since
    figures: str          # what the month would have let be worked out ("a count under 5 be worked out (...)")
    since: dt.datetime | None = None  # the first publication (or one tried) to hold back its approval in force

    def words(self) -> str:
        """What the month's status says of it: which publication held it back and why, and that waiting will not
        publish it: what earlier publications showed stays public."""
        # a publication refused (nothing else to publish) made no snapshot: it was tried (`record_refused_holds`)
        when = (f"snapshot {self.version} was published" if self.version is not None else "a publication was tried")
        since = ", since withdrawn" if self.withdrawn else ""
        return (f"held back by the disclosure check when {when} on {uk_day(self.at):%Y-%m-%d}{since}: "
                f"published with what was already public, it would have let {self.figures}; it stays approved, and "
                "as its figures stand no later publication will publish it (the preview of a publication says what "
                "would)")


def held_by_disclosure(con: duckdb.DuckDBPyConnection) -> dict[dt.date, HeldBack]:
    """The approved months not yet published whose approval in force the disclosure check held back at a publication
    (the latest that did), as that publication recorded it, with when the first to hold that approval back did: said
    until the month is published or approved again, or its approval withdrawn. Nothing is worked out again: the
    publications' record says it."""
    rows = con.execute(
        """SELECT e.period, e.acted_at, s.version, w.version IS NOT NULL, e.note,
                  min(e.acted_at) OVER (PARTITION BY e.period) FROM publication_event e
           JOIN period_status p ON p.period = e.period
           LEFT JOIN snapshot s ON s.created_at = e.acted_at
           LEFT JOIN snapshot_withdrawal w ON w.version = s.version
           WHERE e.action = ? AND p.published_at IS NULL AND p.approved_at IS NOT NULL
             AND p.status <> 'withdrawn' AND e.acted_at >= p.approved_at
           QUALIFY row_number() OVER (PARTITION BY e.period ORDER BY e.acted_at DESC, e.event_id DESC) = 1""",
        [HELD_BY_DISCLOSURE]).fetchall()
    return {period: HeldBack(at, version, bool(withdrawn), note or "a hidden figure be worked out", since)
            for period, at, version, withdrawn, note, since in rows}


class CannotApprove(PccDashError):
    """A month has an open error or a blocking flag, or no figures."""


@dataclass
class PeriodState:
    period: dt.date
    status: str  # draft | approved | held back (by the disclosure check) | published | changed (revised since its
    # approval) | withdrawn
    figures: int
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    blockers: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)  # refused files that no longer block it, and why
    note: str = ""  # a withdrawn month: when and why its approval was withdrawn; a changed month: what changed
    change: str = ""  # a changed month: what changed since its approval, alone ("a figure was revised after ...")


def open_errors(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[str]:
    """Refused files with rows for this month that no later accepted file covers and nobody has marked
    withdrawn or superseded (pipelines/resubmission.py), each with what already covers part of it."""
    return open_refusals(con, period)


def cleared_errors(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[str]:
    """Refused files with rows for this month that no longer block it, with what superseded them."""
    return cleared_refusals(con, period)


def blocking_flags(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[str]:
    """Each open blocking flag on the month, in words: it stops the month's approval and its publication."""
    return [words for _, words in open_blocking_flags(con, period)]


def open_blocking_flags(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[tuple[int, str]]:
    """The open blocking flags on the month (on a figure, the district's month, or a file with figures for it):
    (flag number, the flag in words)."""
    # the month's current figures only: the `figure` view's latest revision is worked out for that month, not for
    # every figure the warehouse holds
    rows = con.execute(
        """SELECT f.flag_id, f.scope, f.district, f.measure, '"' || r.name || '"', f.reason
           FROM figure_flag f LEFT JOIN file_registry r ON r.file_id = f.file_id
           WHERE f.blocking AND f.resolved_at IS NULL
             AND (f.period = $p OR (f.scope = 'file' AND f.file_id IN (
                    SELECT x.file_id FROM (SELECT file_id FROM figure WHERE period = $p) x)))
           ORDER BY f.flag_id""", {"p": period}).fetchall()
    # without the month, which the refusal says before each flag
    return [(fid, f"flag #{fid} on {flag_place(scope, district, measure, file)} is blocking and unresolved: {reason}")
            for fid, scope, district, measure, file, reason in rows]


def missing_districts(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[str]:
    """Measures reported for the month by some districts but not all: a published table needs every
    district, or its force total and its suppression could not be worked out."""
    return _month_figures(con, period)[1]


def _month_figures(con: duckdb.DuckDBPyConnection, period: dt.date) -> tuple[int, list[str]]:
    """How many accepted figures the month has, and `missing_districts`'s sentences, from one read of the figures."""
    districts = list(force().districts)
    names = {m.id: m.short_name for m in catalogue().measures}
    # the figures are the (district, measure) pairs with a revision: read from the revisions, not the `figure`
    # view, whose latest-revision window costs more than the count it feeds; a district renamed since holds the month
    # under its former name
    rows = con.execute(
        f"""SELECT measure, list(DISTINCT {district_now('district')}), count(DISTINCT district) FROM figure_revision
            WHERE period = ? GROUP BY measure ORDER BY measure""", [period]).fetchall()
    short = [(measure, [d for d in districts if d not in have]) for measure, have, _ in rows
             if set(districts) - set(have)]
    return sum(n for *_, n in rows), short_sentences(short, len(rows), names)


def short_sentences(short: list[tuple[str, list[str]]], measures: int, names: dict[str, str]) -> list[str]:
    """What a month short of districts lacks, from each measure without every district's figure (measure id, the
    districts it lacks) of the `measures` the month holds: said once when every one of several lacks the same
    districts ("no figure for Barnsley in any of its 24 measures"), a return sent without a district being short of it
    for every measure; measure by measure where the districts lacking differ."""
    lacking = {tuple(absent) for _, absent in short}
    if len(short) > 1 and len(lacking) == 1:
        [absent] = lacking
        whom = listed(list(absent))
        if len(short) == measures:
            return [f"no figure for {whom} in any of its {measures} measures (a measure is published with every "
                    "district's figure or not at all)"]
        return [f"no figure for {whom} in {len(short)} of its {measures} measures: "
                + listed([names.get(m, m) for m, _ in short])]
    return [f"{names.get(measure, measure)} has no figure for {listed(absent)}" for measure, absent in short]


def period_states(con: duckdb.DuckDBPyConnection) -> list[PeriodState]:
    """Every month with figures, with its status and anything that would stop its approval: "changed" when a
    figure was revised, or a data check's caveat added or ended (`caveats_changed_since_approval`), after its
    approval; "held back" when an approved month was left out of the latest publication by the disclosure check
    (`held_by_disclosure`), with why."""
    # the publication the public reads each month in: the snapshot that carries it now, which after a withdrawal is
    # the one gone back to, not the withdrawn one that published it last (its `last_published_at`)
    rows = con.execute(
        """SELECT f.period, count(*) AS figures, max(f.loaded_at) AS last_loaded,
                  s.status, s.approved_by, s.approved_at, s.published_at,
                  struct_pack(at := coalesce(v.created_at, s.last_published_at), version := v.version),
                  max(f.loaded_at) FILTER (WHERE f.revision > 1) AS last_revised
           FROM figure f LEFT JOIN period_status s USING (period)
           LEFT JOIN snapshot v ON v.version = s.snapshot_version
           GROUP BY f.period, s.status, s.approved_by, s.approved_at, s.published_at, s.last_published_at, v.created_at,
                    v.version
           ORDER BY f.period""").fetchall()
    # which months have anything that blocks approval, found in one query, so the few that do are asked
    # for their reasons rather than every month in the warehouse (a page lists 150 or more)
    blocked = {p for (p,) in con.execute(
        """SELECT DISTINCT coalesce(f.period, x.period) FROM figure_flag f
           LEFT JOIN figure x ON f.scope = 'file' AND x.file_id = f.file_id
           WHERE f.blocking AND f.resolved_at IS NULL""").fetchall()}
    blocked |= blocked_months(con)
    short = short_months(con)  # a measure without a district's figure stops the approval as a refusal does
    blocked |= set(short)
    refused = {p for r in refusals(con) for p in r.months()}
    recaveated = caveats_changed_since_approval(con)
    rebroken = breakdowns_changed_since_approval(con)
    # an approved month whose return was not all in is published without what had not arrived, until it arrives (and
    # the month, then "changed", is approved again): said for as long as it holds, not only before the approval
    from ..return_calendar import not_arrived

    lacking = not_arrived(con, [r[0] for r in rows if r[3] in ("approved", "published")])
    held = held_by_disclosure(con)
    out = []
    for period, n, last_loaded, status, by, at, published, reads, last_revised in rows:
        state, note, change = status or "draft", "", ""
        last_published, version = reads["at"], reads["version"]
        if state == "published" and at is not None and last_published is not None and at > last_published:
            # approved again (a correction) since the publication the public reads: not published until the next
            state = "approved"
            which = f" in snapshot {version}" if version is not None else ""
            note = (f"approved again since its publication{which} on {uk_day(last_published):%Y-%m-%d}: the public "
                    "reads it as published then until the next publication")
        if at is not None and (last_loaded > at or period in recaveated or period in rebroken):
            state = "changed"
            # a figure new to the month (a part of the return, or a district, sent after it was approved) is not a
            # revision: said as what it is, so that no one looks for a correction that was never made
            change = ("a figure was revised after its approval" if last_revised is not None and last_revised > at else
                      "figures were added after its approval (sent after the rest of its return)" if last_loaded > at
                      else "a data check's caveat on its figures was added or ended after its approval (a month they "
                      "are compared with was loaded or corrected)" if period in recaveated else
                      "a breakdown published by financial year was sent or corrected after its approval")
            note = change + ("; the public reads it as approved: approve it again to publish the change" if published
                             else "; approve it again")
        if state in ("approved", "published") and period in lacking:
            without = (f"approved without {lacking[period]}, not yet in: once published, the public reads it "
                       "without those figures until they arrive and the month is approved again"
                       if state == "approved" and period in held else
                       f"approved without {lacking[period]}, not yet in: it is published without those figures "
                       "until they arrive and the month is approved again" if state == "approved" else
                       f"published without {lacking[period]}, not yet in when it was approved: the public reads it "
                       "without those figures until they arrive and the month is approved again")
            note = f"{note}; {without}" if note else without
        if period in held:  # not waiting for the next publication as any approved month is: the last one held it back
            state = "held back" if state == "approved" else state
            note = f"{held[period].words()}; {note}" if note else held[period].words()
        ps = PeriodState(period, state, n, by, at, published, note=note, change=change if state == "changed" else "")
        if period in blocked:
            ps.blockers = open_errors(con, period) + blocking_flags(con, period) + short.get(period, [])
        if period in refused:
            ps.cleared = cleared_errors(con, period)
        out.append(ps)
    withdrawn = {p: (at, why) for p, at, why in con.execute(
        """SELECT period, acted_at, note FROM publication_event WHERE action = ?
           QUALIFY acted_at = max(acted_at) OVER (PARTITION BY period)""", [APPROVAL_WITHDRAWN]).fetchall()}
    for ps in out:
        if ps.status == "withdrawn" and ps.period in withdrawn:
            at, why = withdrawn[ps.period]
            ps.note = f"withdrawn on {uk_day(at):%Y-%m-%d}: {stopped(why)} Approve again to publish."
    return out


def stopped(reason: str) -> str:
    """A reason as typed, ended as a sentence: a full stop added only when it has none (nor ! or ?), so that what
    follows it reads as a sentence of its own and not ".;"."""
    reason = (reason or "").rstrip()
    return reason if reason.endswith((".", "!", "?")) else reason + "."


def newly_changed(con: duckdb.DuckDBPyConnection, months: set[dt.date]) -> list[PeriodState]:
    """The statuses of the months a load made "changed" (`months`: `changes.changed_months` after the load less
    before it): approved or published before it, changed by it. A late month's figures end or add a data check's
    caveat on the month after it, and so change a month already published, which nothing else the load says would
    show."""
    return [s for s in period_states(con) if s.period in months] if months else []


def changed_lines(states: list[PeriodState]) -> list[str]:
    """Each month a load changed (`newly_changed`), in words: the month, whether it was published or approved, what
    changed and what to do."""
    return [f"{month_words(s.period)}, {'published' if s.published_at else 'approved'}: {s.note}." for s in states]


def states_frame(states: list[PeriodState]) -> pd.DataFrame:
    """One row a month; approved_at and first_published as stored, in UTC ("2026-05-05 10:04"): the page and
    `pccdash periods` show them in UK time, their CSV files keep them."""
    return pd.DataFrame([{
        "period": s.period.strftime("%Y-%m"), "status": s.status, "figures": s.figures,
        "approved_by": s.approved_by or "", "approved_at": s.approved_at.strftime("%Y-%m-%d %H:%M") if s.approved_at
        else "", "first_published": s.published_at.strftime("%Y-%m-%d %H:%M") if s.published_at else "",
        "blocked_by": "; ".join(s.blockers), "refusals_cleared": "; ".join(s.cleared), "note": s.note}
        for s in states])


def approved_as_they_stand(con: duckdb.DuckDBPyConnection,
                           periods: list[dt.date]) -> dict[dt.date, tuple[str, dt.datetime]]:
    """Of `periods`, those approved (or published) whose figures have not changed since their approval, as
    `period_states` judges "changed" (a figure revised or added, a caveat added or ended, a breakdown sent or
    corrected after it): each with who approved it and when. Approving one again would approve nothing new."""
    if not periods:
        return {}
    # a figure loaded since its approval is a change, and the usual one (a correction): settled from the revisions,
    # before the caveats and breakdowns of every month are read for the months it leaves
    # (a month with figures, the latest loaded by its approval: one pass over the months' revisions, where a test
    # of each month for any revision and for one loaded since cost a correlated join each)
    rows = con.execute(
        """SELECT s.period, s.approved_by, s.approved_at FROM period_status s
           JOIN (SELECT period, max(loaded_at) AS loaded_at FROM figure_revision WHERE list_contains($p, period)
                 GROUP BY period) r ON r.period = s.period
           WHERE s.status IN ('approved', 'published') AND s.approved_at IS NOT NULL AND list_contains($p, s.period)
             AND r.loaded_at <= s.approved_at""", {"p": list(periods)}).fetchall()
    if not rows:
        return {}
    changed = caveats_changed_since_approval(con) | breakdowns_changed_since_approval(con)
    return {p: (by, at) for p, by, at in rows if p not in changed}


def revision_reason(text: str | None) -> str | None:
    """The reason given with an approval for the change of what the public reads, as kept: trimmed, None when
    blank."""
    text = " ".join(str(text or "").split())
    if len(text) > REASON_LIMIT:
        raise CannotApprove(f"The reason is {len(text):,} characters long; the public revisions page shows at most "
                            f"{REASON_LIMIT:,}. Say it more shortly and approve again.")
    return text or None


REASON_LIMIT = 500


def approve(con: duckdb.DuckDBPyConnection, months: list[str], claims: dict, reason: str | None = None
            ) -> list[dt.date]:
    """Approve months for publication, as the figures stand now; returns the months approved. Only the PCC role
    may; a blocked month may not. A month already approved whose figures have not changed since
    (`approved_as_they_stand`) is left as it was approved, and nothing new is recorded for it.

    `reason`: why the figures the public reads change (a correction the force sent, say), kept with the approval
    and published beside each figure the next publication revises in its months (the public revisions page). Given
    for a month approved as it stands, it becomes that approval's reason (put on the audit trail)."""
    who = require(claims, "approve")
    reason = revision_reason(reason)
    periods = [parse_month(m, "month") for m in months]
    problems, counts, clear, remedies = [], {}, [], {}
    for p in periods:
        before = len(problems)
        counts[p], missing = _month_figures(con, p)
        month = month_words(p)
        merged = held_as_one(con, p)  # two districts' figures, which force.yaml now makes one district's
        if merged is not None:
            problems.append(f"{month}: {merged}")
            remedies["merged"] = "keep the districts apart in force.yaml"
        errors, flags = open_errors(con, p), blocking_flags(con, p)
        if not counts[p]:
            problems.append(f"{month} has no accepted figures")
            remedies["none"] = "load the month's return"
        problems += [f"{month}: {b}" for b in errors + flags]
        problems += [f"{month}: {m}" for m in missing]
        if errors:
            remedies["errors"] = "load a corrected file"
        if missing:
            remedies["missing"] = "load the missing districts' figures"
        if flags:
            remedies["flags"] = f"resolve the flag{'s' if len(flags) > 1 else ''}"
        if len(problems) == before:
            clear.append(month)
    now = utc_now()
    if problems:
        why = "; ".join(problems)[:2000]
        with audit.transaction(con):  # a refusal is kept, and on the audit trail, as a refused load is
            for p in periods:
                con.execute("INSERT INTO publication_event (period, action, by_user, acted_at, note) "
                            "VALUES (?, ?, ?, ?, ?)", [p, "refused", who, now, why])
                audit.record(con, claims, "approve", subject=f"{p:%Y-%m}", detail=f"refused: {why}")
        # the months chosen are approved together or not at all: say so, and which of them could go on their own
        several = len(set(periods)) > 1
        head = ("Not approved: " + ("neither month was approved" if len(set(periods)) == 2
                                    else f"none of the {len(set(periods))} months was approved") + ", because:"
                if several else "Not approved:")
        alone = (f" {listed(clear)} can be approved on {'its' if len(clear) == 1 else 'their'} own."
                 if several and clear else "")
        raise CannotApprove(head + "\n  - " + "\n  - ".join(problems)
                            + f"\nResolve these ({', or '.join(remedies.values())}) and approve again." + alone)
    standing = approved_as_they_stand(con, periods)
    if reason is not None and standing:
        _give_reason(con, claims, standing, reason, who)
    periods = [p for p in dict.fromkeys(periods) if p not in standing]
    if not periods:
        return []
    since = {p: _since_approved(con, p) for p in periods}  # read before this approval is kept
    with audit.transaction(con):
        for p in periods:
            # the month's row updated, or made when it has none (DuckDB's ON CONFLICT costs more than both)
            [(updated,)] = con.execute(
                """UPDATE period_status
                   SET status = CASE WHEN published_at IS NULL THEN 'approved' ELSE 'published' END,
                       approved_by = ?, approved_at = ? WHERE period = ?""", [who, now, p]).fetchall()
            if not updated:
                con.execute("INSERT INTO period_status (period, status, approved_by, approved_at) "
                            "VALUES (?, 'approved', ?, ?)", [p, who, now])
            con.execute("INSERT INTO publication_event (period, action, by_user, acted_at, note) "
                        "VALUES (?, 'approved', ?, ?, ?)", [p, who, now, reason])
            audit.record(con, claims, "approve", subject=f"{p:%Y-%m}",
                         detail=f"{counts[p]:,} figures as they stood" + since[p]
                         + (f"; reason for the public: {reason}" if reason else ""))
    return periods


def _give_reason(con: duckdb.DuckDBPyConnection, claims: dict, standing: dict[dt.date, tuple[str, dt.datetime]],
                 reason: str, who: str) -> None:
    """The reason given again for months approved as they stand: kept as their approval's, where it differs, with when
    it was given (a `REASON_GIVEN` event), by which it is read (`approval_days`)."""
    now = utc_now()
    with audit.transaction(con):
        for p, (_, at) in standing.items():
            [(changed,)] = con.execute(
                """UPDATE publication_event SET note = ? WHERE period = ? AND action = 'approved' AND acted_at = ?
                   AND note IS DISTINCT FROM ?""", [reason, p, at, reason]).fetchall()
            if changed:
                con.execute("INSERT INTO publication_event (period, action, by_user, acted_at, note) "
                            "VALUES (?, ?, ?, ?, ?)", [p, REASON_GIVEN, who, now, reason])
                audit.record(con, claims, "approve", subject=f"{p:%Y-%m}",
                             detail=f"reason for the public given to the approval in force: {reason}")


def approval_reasons(con: duckdb.DuckDBPyConnection, since: dt.datetime | None) -> dict[str, str]:
    """The reasons for the public given with the approvals in force ("YYYY-MM" -> reason), of the months approved
    after `since` (the snapshot the public reads now was made; every approval when None): what the next publication
    revises in those months is revised for that reason. An approval the public has read the publication of since
    explains no later change."""
    rows = con.execute(
        """SELECT strftime(s.period, '%Y-%m'), e.note FROM period_status s
           JOIN publication_event e ON e.period = s.period AND e.action = 'approved' AND e.acted_at = s.approved_at
           WHERE e.note IS NOT NULL AND e.note <> '' AND ($since IS NULL OR s.approved_at > $since)
           ORDER BY s.period""", {"since": since}).fetchall()
    return dict(rows)


def approval_days(con: duckdb.DuckDBPyConnection, months: Collection[str]) -> dict[str, dt.date]:
    """The day in England the reason of each month's approval in force was said on ("YYYY-MM" -> day), of `months`:
    the day the approval was given, or the day the reason it has was last given to it since (`pccdash approve MONTH
    --reason TEXT` of a month approved as it stands), by which a month the reason names without a year is read ("July's
    figures", said in August 2026, are July 2026's, though the approval was given in June)."""
    rows = con.execute(
        f"""SELECT strftime(s.period, '%Y-%m'), coalesce(max(r.acted_at), s.approved_at) FROM period_status s
            LEFT JOIN publication_event e ON e.period = s.period AND e.action = 'approved'
                                         AND e.acted_at = s.approved_at
            LEFT JOIN publication_event r ON r.period = s.period AND r.action = '{REASON_GIVEN}'
                                         AND r.acted_at > s.approved_at AND r.note = e.note
            WHERE s.approved_at IS NOT NULL AND list_contains($m, strftime(s.period, '%Y-%m'))
            GROUP BY s.period, s.approved_at""",
        {"m": list(months)}).fetchall()
    return {m: day for m, at in rows if (day := uk_day(at)) is not None}


def approve_or_standing(con: duckdb.DuckDBPyConnection, months: list[str], claims: dict, reason: str | None = None
                        ) -> tuple[list[dt.date], dict[dt.date, tuple[str, dt.datetime, str | None]]]:
    """`approve`, and of the months asked for that it left as they were, who approved each and when: a month
    approved already (in another window, or by `pccdash approve`) whose figures have not changed since; and the
    reason given, where `approve` kept it with that approval now (None where it kept nothing: no reason given, or
    the one it had already). Read in the approval's own connection, so that what is said is what the approval
    found."""
    given = revision_reason(reason)
    asked = list(dict.fromkeys(parse_month(m, "month") for m in months))
    before = _reasons_in_force(con, asked) if given is not None else {}
    done = approve(con, months, claims, reason)
    left = [p for p in asked if p not in done]
    standing = approved_as_they_stand(con, left) if left else {}
    return done, {p: (by, at, given if given is not None and before.get(p) != given else None)
                  for p, (by, at) in standing.items()}


def _reasons_in_force(con: duckdb.DuckDBPyConnection, periods: list[dt.date]) -> dict[dt.date, str | None]:
    """The reason for the public kept with the approval in force of each of `periods` that has one approved."""
    return dict(con.execute(
        """SELECT s.period, e.note FROM period_status s
           JOIN publication_event e ON e.period = s.period AND e.action = 'approved' AND e.acted_at = s.approved_at
           WHERE list_contains(?, s.period)""", [periods]).fetchall())


def not_all_in(con: duckdb.DuckDBPyConnection, months: list, today: dt.date | None = None) -> list[str]:
    """For each month (YYYY-MM or a date) whose return is not all in (a part overdue, refused, or not yet due), a
    sentence saying what has not arrived and that approving the month publishes it without those figures. A
    month short of a district cannot be approved at all (`missing_districts`): its sentence says so, and what to
    wait for, rather than that it is published without them; a whole part of the return, or a measure, sent later
    is published once it arrives and the month is approved again. None when all is in."""
    from ..return_calendar import incomplete_notices

    out = []
    for month in months:
        period = month if isinstance(month, dt.date) else parse_month(str(month), "month")
        notes = incomplete_notices(con, period, today)
        if notes:
            label = month_words(period)
            short = short_districts(con, period)
            then = (f" {label} cannot be approved until {listed(short)}'s figures arrive: a measure is published "
                    "with every district's figure or not at all, since its force total and what it hides are "
                    "worked out from all of them." if short else
                    f" Approved as it stands, {label} is published without those figures; they are published once "
                    f"they arrive and {label} is approved again.")
            out.append(f"{label}: not all of its return is in. " + " ".join(notes) + then)
    return out


def short_months(con: duckdb.DuckDBPyConnection) -> dict[dt.date, list[str]]:
    """The months with a measure some districts reported and others did not, each with what that stops, in one
    sentence a month ("2 measures have no figure for Barnsley, until its figures arrive"), from one read of
    every month's revisions: `missing_districts` names them measure by measure when the approval is refused."""
    districts = list(force().districts)
    rows = con.execute(
        f"""SELECT period, list(DISTINCT {district_now('district')}) FROM figure_revision GROUP BY period, measure
            HAVING NOT list_has_all(list(DISTINCT {district_now('district')}), ?)""", [districts]).fetchall()
    lacking: dict[dt.date, list[set[str]]] = {}
    for period, have in rows:
        lacking.setdefault(period, []).append(set(districts) - set(have))
    out = {}
    for period, gaps in lacking.items():
        absent = [d for d in districts if any(d in gap for gap in gaps)]
        out[period] = [f"{counted(len(gaps), 'measure')} {'has' if len(gaps) == 1 else 'have'} no figure for "
                       f"{listed(absent)}, until {'its' if len(absent) == 1 else 'their'} figures arrive"]
    return out


def short_districts(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[str]:
    """The districts, in the force's order, that a measure reported for the month by other districts has no figure
    for: while there are any, the month cannot be approved (`missing_districts`)."""
    have = con.execute(
        f"""SELECT list(DISTINCT {district_now('district')}) FROM figure_revision WHERE period = ?
            GROUP BY measure""", [period]).fetchall()
    return [d for d in force().districts if any(d not in districts for (districts,) in have)]


def _since_approved(con: duckdb.DuckDBPyConnection, period: dt.date) -> str:
    """For a month approved before: when and by whom, and what was loaded for it since, by file ("; approved before on
    14 June 2026 by pcc@example.org, since when 1 figure was revised (file "2026-05-z-corrections.csv" (#19))"), so
    that a second approval's record says what it approved that the first did not. Nothing for a first approval."""
    before = con.execute("SELECT by_user, acted_at FROM publication_event WHERE period = ? AND action = 'approved' "
                         "ORDER BY acted_at DESC LIMIT 1", [period]).fetchall()
    if not before:
        return ""
    by, at = before[0]
    # the month's revisions since, counted by file, then named: the join is of a file a row, not a revision a row
    files = con.execute(
        """SELECT format('"{}" (#{})', r.name, r.file_id), fr.revised, fr.added
           FROM (SELECT file_id, count(*) FILTER (WHERE revision > 1) AS revised,
                        count(*) FILTER (WHERE revision = 1) AS added, min(loaded_at) AS first_loaded
                 FROM figure_revision WHERE period = ? AND loaded_at > ? GROUP BY file_id) fr
           JOIN file_registry r USING (file_id) ORDER BY fr.first_loaded""",
        [period, at]).fetchall()
    revised, added = sum(f[1] for f in files), sum(f[2] for f in files)
    what = " and ".join(x for x in (
        f"{counted(revised, 'figure')} {'was' if revised == 1 else 'were'} revised" if revised else "",
        f"{counted(added, 'figure')} {'was' if added == 1 else 'were'} added" if added else "") if x)
    return (f"; approved before on {uk_day_words(at)} by {by}, since when "
            + (f"{what} (file {', '.join(f[0] for f in files)})" if what else "no figure was revised or added"))
