"""The recommendations register: the recommendations of the reports that govern this work (recommendations.yaml),
each with a status history kept in the warehouse, and those marked implemented while a measure that evidences
them shows special cause of concern, flagged for the Commissioner.

A status is judged with the evidence for it (the judge's words, the force's answers and the Commissioner's
decisions relied on) and the force's figures for the recommendation's measures as they stood then, so the
history keeps what was known at the time even when the figures later change.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import duckdb
import yaml

from .. import audit, settings
from ..access import require
from ..catalogue import catalogue, force, listed, load_yaml, reference_dir, reference_file, reference_stamp
from ..errors import ConfigError, PccDashError
from ..plaintext import clean
from ..plan.periods import month_label, month_number, month_start
from ..plan.spc import assurance_words, variation_words
from ..uk_time import uk_day, uk_day_words
from ..warehouse import utc_now
from .records import APPROVAL_FIRST_PUBLISHED, DECISIONS, decisions, meetings, questions

FILE = "recommendations.yaml"
STATUSES = {"not_started": "Not started", "in_progress": "In progress", "implemented": "Implemented",
            "evidenced": "Evidenced", "closed": "Closed"}
# Marked done: such a recommendation is flagged when a measure evidencing it shows special cause of concern.
DONE = ("implemented", "evidenced")
EVIDENCE_LIMIT = 5_000
_PUBLISHED = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_SOURCE_FIELDS = ("title", "author", "published", "link", "short")
_FIELDS = ("id", "source", "number", "title", "owner", "measures", "status")


class RegisterError(PccDashError):
    """A status that cannot be recorded as asked (an unknown recommendation, answer or decision, or status)."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    author: str
    published: str      # YYYY-MM-DD, YYYY-MM or YYYY
    link: str
    short: str          # "Jay 2014"

    @property
    def published_words(self) -> str:
        """"26 August 2014", "September 2014" or "2015"."""
        parts = self.published.split("-")
        if len(parts) == 3:
            day = dt.date.fromisoformat(self.published)
            return f"{day.day} {day:%B %Y}"
        if len(parts) == 2:
            return f"{dt.date(int(parts[0]), int(parts[1]), 1):%B %Y}"
        return self.published

    @property
    def published_from(self) -> dt.date:
        """The first day it may have been published on: its day, or the first of its month or year."""
        parts = [int(p) for p in self.published.split("-")]
        return dt.date(parts[0], *(parts[1:] + [1, 1])[:2])


@dataclass(frozen=True)
class Recommendation:
    id: str
    source: Source
    number: str | None
    title: str
    owner: str
    measures: tuple[str, ...]
    status: str = "not_started"     # where it stood when entered in the register

    @property
    def label(self) -> str:
        """"J1 (Jay 2014, recommendation 1): Every child affected by CSE ..."."""
        cited = f"{self.source.short}, recommendation {self.number}" if self.number else self.source.short
        return f"{self.id} ({cited}): {self.title}"


@dataclass(frozen=True)
class Register:
    sources: dict[str, Source]
    recommendations: tuple[Recommendation, ...]

    def get(self, recommendation_id: object) -> Recommendation:
        for rec in self.recommendations:
            if rec.id == str(recommendation_id).strip():
                return rec
        raise RegisterError(f'The register holds no recommendation "{recommendation_id}"; its ids are '
                            f'{", ".join(r.id for r in self.recommendations)} ("{reference_file(FILE)}").')


def _lines(path) -> dict[tuple, int]:
    """The line (from 1) of each source and its fields, and of each recommendation and its fields, keyed
    ("sources", id[, field]) and ("recommendations", index[, field])."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[tuple, int] = {}
    for key, value in root.value if isinstance(root, yaml.MappingNode) else []:
        out[(key.value,)] = key.start_mark.line + 1
        if key.value == "sources" and isinstance(value, yaml.MappingNode):
            for k, v in value.value:
                out[("sources", k.value)] = k.start_mark.line + 1
                for f, _ in v.value if isinstance(v, yaml.MappingNode) else []:
                    out[("sources", k.value, f.value)] = f.start_mark.line + 1
        if key.value == "recommendations" and isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                out[("recommendations", i)] = item.start_mark.line + 1
                for f, _ in item.value if isinstance(item, yaml.MappingNode) else []:
                    out[("recommendations", i, f.value)] = f.start_mark.line + 1
    return out


@functools.lru_cache(maxsize=8)
def _register(stamp: tuple) -> Register:
    data = load_yaml(FILE)
    path = reference_dir() / FILE
    lines = _lines(path)

    def fail(keys: tuple, said: str, fix: str) -> ConfigError:
        line = next((lines[keys[:n]] for n in range(len(keys), 0, -1) if keys[:n] in lines), None)
        where = f"{path}, line {line}" if line else str(path)
        return ConfigError(f"{where}: {said} {fix}")

    raw_sources = data.get("sources")
    if not isinstance(raw_sources, dict) or not raw_sources:
        raise fail(("sources",), "the file should open with `sources:`, each report by an id.",
                   f"Give each its {', '.join(_SOURCE_FIELDS)}, as the comment at the top of the file shows.")
    sources: dict[str, Source] = {}
    for sid, raw in raw_sources.items():
        raw = raw if isinstance(raw, dict) else {}
        for name in _SOURCE_FIELDS:
            value = raw.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            if not isinstance(value, (str, int)) or not str(value).strip():
                raise fail(("sources", str(sid), name), f'the source "{sid}" has no {name}.',
                           f"Write its {name} under it.")
        published = str(raw["published"]) if not isinstance(raw["published"], dt.date) \
            else raw["published"].isoformat()
        if not _PUBLISHED.fullmatch(published):
            raise fail(("sources", str(sid), "published"), f'the source "{sid}" was published "{published}",',
                       "which is not a date: write YYYY-MM-DD (2014-08-26), or YYYY-MM or YYYY.")
        sources[str(sid)] = Source(str(sid), *(" ".join(str(raw[n]).split()) for n in ("title", "author")),
                                   published, str(raw["link"]).strip(), str(raw["short"]).strip())

    raw_recs = data.get("recommendations")
    if not isinstance(raw_recs, list):
        raise fail(("recommendations",), "the file should list its recommendations under `recommendations:`.",
                   "Write each as `- id: ...` with its source, title, owner and measures.")
    known = set(catalogue().ids())
    seen: dict[str, int] = {}
    recs = []
    for i, raw in enumerate(raw_recs):
        if not isinstance(raw, dict):
            raise fail(("recommendations", i), f"recommendation {i + 1} is not a set of fields.",
                       "Write it as `- id: ...` followed by its source, title, owner and measures.")
        rid = str(raw.get("id") or "").strip()
        name = f'recommendation "{rid}"' if rid else f"recommendation {i + 1}"
        for f in raw:
            if f not in _FIELDS:
                raise fail(("recommendations", i, f), f'{name} has a field "{f}" the register does not know.',
                           f"A recommendation has {', '.join(_FIELDS)}; correct its name or remove it.")
        for f in ("id", "source", "title", "owner"):
            if not str(raw.get(f) or "").strip():
                raise fail(("recommendations", i, f), f"{name} has no {f}.", f"Write its {f}.")
        if rid in seen:
            first = lines.get(("recommendations", seen[rid], "id"), "?")
            raise fail(("recommendations", i, "id"), f'the id "{rid}" is used twice (the first on line {first}).',
                       "Give each recommendation its own id.")
        seen[rid] = i
        source = str(raw["source"]).strip()
        if source not in sources:
            raise fail(("recommendations", i, "source"), f'{name} names the source "{source}", which is not under '
                       "`sources:`.", f"Name one of {', '.join(sources)}, or add the report under `sources:`.")
        measures = raw.get("measures")
        if measures is None or not isinstance(measures, list):
            raise fail(("recommendations", i, "measures"), f"{name} should list its measures.",
                       "Write `measures: [cse_arrests, ...]`, or `measures: []` when no figure evidences it.")
        for m in measures:
            if str(m) not in known:
                raise fail(("recommendations", i, "measures"), f'{name} names the measure "{m}", which is not in '
                           "measures.yaml.", f'Name a measure id from "{reference_file("measures.yaml")}".')
        status = str(raw.get("status") or "not_started").strip()
        if status not in STATUSES:
            raise fail(("recommendations", i, "status"), f'{name} has the status "{status}".',
                       f"A status is one of {', '.join(STATUSES)}.")
        number = raw.get("number")
        recs.append(Recommendation(rid, sources[source], None if number is None else str(number).strip(),
                                   " ".join(str(raw["title"]).split()), " ".join(str(raw["owner"]).split()),
                                   tuple(str(m) for m in measures), status))
    return Register(sources, tuple(recs))


def load_register() -> Register:
    """The register as recommendations.yaml holds it (read again when it, or measures.yaml, changes)."""
    return _register(reference_stamp(FILE, "measures.yaml"))


# ------------------------------------------------------------------------------------------------- figures


def measure_statuses(analytics, measure_ids: Iterable[str], month: object = None) -> list[dict]:
    """The force's status of each measure in `month` (default: the latest month with figures): measure, its
    name, month, value, variation icon and words, assurance words. A measure the plan does not judge that
    month, or one with no figure, says so."""
    ids = list(measure_ids)
    if not ids:
        return []
    cat = catalogue()
    number = None
    if analytics is not None:
        try:
            number = month_number(month) if month is not None else (
                analytics.panel.last if analytics.panel.n_months else None)
        except ValueError:
            raise RegisterError(f'"{month}" is not a month; write it as YYYY-MM (2015-10).') from None
    # the force's statuses of the month, once; a measure the plan of the month does not hold is followed all the
    # same, its figure and signal worked out on its own
    held = {s.measure_id: s for s in analytics.status(number) if s.is_force} if number is not None else {}
    out = []
    for mid in ids:
        s = (held.get(mid) or analytics.force_status(number, mid)) if number is not None else None
        entry = {"measure": mid, "name": cat.get(mid).short_name,
                 "month": None if number is None else month_label(number),
                 "month_iso": None if number is None else month_start(number).strftime("%Y-%m"),
                 "value": None, "variation_icon": None, "variation": "No figure", "assurance": ""}
        if s is not None:
            entry.update(value=s.value, variation_icon=s.variation_icon,
                         variation=variation_words(s.variation_icon, judged=s.variation != "too few months"),
                         assurance=assurance_words(s.assurance_icon))
        out.append(entry)
    return out


def concerning(entry: Mapping) -> bool:
    """Special cause of concern (high or low)."""
    return str(entry.get("variation_icon") or "").startswith("concern")


def measures_line(entries: list[dict]) -> str:
    """"CSE arrests, October 2015: Special cause: concerning (high); CSE charges, ..."."""
    return "; ".join(f"{e['name']}, {e['month'] or 'no month'}: {e['variation']}" for e in entries)


# ------------------------------------------------------------------------------------------------- writing


def _existing(con: duckdb.DuckDBPyConnection, ids: Iterable[object], table: str, column: str,
              what: str) -> list[int]:
    numbers = []
    for value in ids or ():
        try:
            numbers.append(int(value))
        except (TypeError, ValueError):
            raise RegisterError(f'"{value}" is not {what} number.') from None
    numbers = sorted(set(numbers))
    if numbers:
        found = {r[0] for r in con.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN ({', '.join('?' * len(numbers))})", numbers).fetchall()}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise RegisterError(f"The record holds no {what} {', '.join(map(str, missing))}: link only {what}s "
                                "the record holds.")
    return numbers


def record_status(con: duckdb.DuckDBPyConnection, who: Mapping, recommendation_id: str, *, status: str,
                  evidence: str, answer_ids: Iterable[int] = (), decision_ids: Iterable[int] = (), analytics,
                  month: object = None) -> int:
    """Record a recommendation's status with the evidence for it, the answers and decisions relied on, and the
    force's status of each of its measures in `month` (default: the latest month with figures); its number."""
    identity = require(who, "record")
    rec = load_register().get(recommendation_id)
    if status not in STATUSES:
        raise RegisterError(f'"{status}" is not a recommendation\'s status; it is one of '
                            f'{", ".join(STATUSES.values())} ({", ".join(STATUSES)}).')
    text = clean(evidence, "evidence", limit=EVIDENCE_LIMIT)
    answers = _existing(con, answer_ids, "question_answer", "answer_id", "answer")
    decided = _existing(con, decision_ids, "assurance_decision", "decision_id", "decision")
    figures = measure_statuses(analytics, rec.measures, month)
    with audit.transaction(con):
        status_id = con.execute(
            "INSERT INTO recommendation_status (recommendation, status, evidence, answer_ids, decision_ids, "
            "measures, judged_by, judged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING status_id",
            [rec.id, status, text, json.dumps(answers), json.dumps(decided), json.dumps(figures), identity,
             utc_now()]).fetchall()[0][0]
        audit.record(con, who, "recommendation", subject=f"recommendation {rec.id}",
                     detail=f"{STATUSES[status]}: {text}")
    return status_id


def set_due(con: duckdb.DuckDBPyConnection, who: Mapping, recommendation_id: str, *, due_on: object) -> dt.date:
    """Give a recommendation the day it is due to be implemented by (a report's timescale, or one the Board agreed),
    or a new one; the day given. It is not before the recommendation was made (its report published)."""
    from ..figures import parse_day

    identity = require(who, "record")
    rec = load_register().get(recommendation_id)
    if due_on is None or str(due_on).strip() == "":
        raise RegisterError(f"Give the day {rec.id} is due by, as a date: YYYY-MM-DD.")
    day = parse_day(due_on, "due date", RegisterError)
    made = rec.source.published_from
    if day < made:
        raise RegisterError(f"{rec.id} was made in {rec.source.short}, published {rec.source.published_words}; it "
                            f"cannot be due by {uk_day_words(day)}, before then. Give a day on or after "
                            f"{uk_day_words(made)}.")
    before = due_dates(con).get(rec.id)
    if before == day:
        raise RegisterError(f"{rec.id} is already due by {uk_day_words(day)}.")
    with audit.transaction(con):
        con.execute("INSERT INTO recommendation_due (recommendation, due_on, set_by, set_at) VALUES (?, ?, ?, ?)",
                    [rec.id, day, identity, utc_now()])
        audit.record(con, who, "recommendation_due", subject=f"recommendation {rec.id}",
                     detail=(f"due by {uk_day_words(before)} -> " if before else "due by ") + uk_day_words(day))
    return day


# ------------------------------------------------------------------------------------------------- reading


def due_dates(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict[str, dt.date]:
    """The day each recommendation is due by now (the last given), by id; one given none is absent. With `as_of`, as
    it stood at the end of that day in England (a meeting's: a due date given after it was not known at it)."""
    try:
        rows = con.execute("SELECT recommendation, due_on, set_at FROM recommendation_due ORDER BY set_at").fetchall()
    except duckdb.CatalogException:  # a read-only look at a warehouse older than the record of due dates
        return {}
    return {rec: due for rec, due, at in rows if as_of is None or uk_day(at) <= as_of}


def due_words(due: dt.date | None, status: str, as_of: dt.date) -> str:
    """"30 June 2026", "30 June 2026 (overdue)" once past while not yet implemented or closed, or "" when none."""
    if due is None:
        return ""
    late = due < as_of and status not in (*DONE, "closed")
    return uk_day_words(due) + (" (overdue)" if late else "")


@dataclass(frozen=True)
class StatusEntry:
    status_id: int
    recommendation: str
    status: str
    evidence: str
    answer_ids: list[int]
    decision_ids: list[int]
    measures: list[dict]            # each measure's force status when judged (measure_statuses)
    judged_by: str
    judged_at: dt.datetime

    @property
    def words(self) -> str:
        return STATUSES[self.status]

    @property
    def when(self) -> str:
        """The day it was judged, in England (judged_at is stored in UTC)."""
        return uk_day_words(self.judged_at)


_COLS = "status_id, recommendation, status, evidence, answer_ids, decision_ids, measures, judged_by, judged_at"


def _entry(row: tuple) -> StatusEntry:
    return StatusEntry(row[0], row[1], row[2], row[3], json.loads(row[4] or "[]"), json.loads(row[5] or "[]"),
                       json.loads(row[6] or "[]"), row[7], row[8])


def history(con: duckdb.DuckDBPyConnection, recommendation_id: str) -> list[StatusEntry]:
    """A recommendation's statuses, earliest first, each with who judged it, when, the evidence, the answers
    and decisions linked, and its measures' status at the time."""
    rec = load_register().get(recommendation_id)
    rows = con.execute(f"SELECT {_COLS} FROM recommendation_status WHERE recommendation = ? ORDER BY status_id",
                       [rec.id]).fetchall()
    return [_entry(r) for r in rows]


def statuses(con: duckdb.DuckDBPyConnection) -> list[StatusEntry]:
    """Every status recorded, of every recommendation, in the order judged."""
    return [_entry(r) for r in con.execute(f"SELECT {_COLS} FROM recommendation_status ORDER BY status_id").fetchall()]


def current(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict[str, StatusEntry]:
    """Each recommendation's latest recorded status, by id (one never judged is absent: its status is the
    register's own, `Recommendation.status`); with `as_of`, the latest judged by the end of that day in England,
    as the recommendation stood then."""
    return {e.recommendation: e for e in statuses(con)
            if as_of is None or (uk_day(e.judged_at) or as_of) <= as_of}


def unregistered(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """The recommendations the warehouse holds statuses of that the register no longer holds (taken out of
    recommendations.yaml, or their id changed), each with how many statuses it has, in the order first judged."""
    held = {r.id for r in load_register().recommendations}
    rows = con.execute("SELECT recommendation, count(*) FROM recommendation_status GROUP BY recommendation "
                       "ORDER BY min(status_id)").fetchall()
    return [(rid, n) for rid, n in rows if rid not in held]


def unregistered_words(lost: list[tuple[str, int]]) -> str:
    """What is wrong, and what to do, when the warehouse holds the status history of recommendations the register no
    longer holds; empty when it holds none."""
    if not lost:
        return ""
    one = len(lost) == 1
    names = listed([f'"{rid}" ({n} status{"" if n == 1 else "es"})' for rid, n in lost])
    return (f"The warehouse holds the status history of {names}, which {FILE} no longer holds: "
            f"{'its' if one else 'their'} history is left off the Recommendations page and \"pccdash "
            f'recommendations", and no status of {"it" if one else "them"} can be published. Put '
            f"{'it' if one else 'each'} back under `recommendations:` with the same id; a recommendation the office "
            "no longer pursues keeps its place in the file and is judged closed on the Recommendations page.")


@dataclass(frozen=True)
class PublicStatus:
    """The status of a recommendation the publication the public reads now carries."""

    status_id: int
    status: str
    published_at: dt.datetime       # when the first publication carrying it was made (UTC)

    @property
    def words(self) -> str:
        return STATUSES.get(self.status, self.status)


def public_statuses(con: duckdb.DuckDBPyConnection) -> dict[str, PublicStatus]:
    """Each recommendation's latest status the publication in force carries (its approval given before it was made and
    not withdrawn by then, nor taken back by a withdrawn publication), by id; one the public reads nothing of is
    absent. When each was first published is APPROVAL_FIRST_PUBLISHED, as a question's (`erasure`) is: its approval
    stood at the publication in force, so that publication is one made while it stood, and the first is no later."""
    rows = con.execute(f"""
        WITH live AS (SELECT s.created_at FROM snapshot s JOIN snapshot_in_force f ON f.version = s.version)
        SELECT st.recommendation, st.status_id, st.status, {APPROVAL_FIRST_PUBLISHED} AS first_made
        FROM loop_release r CROSS JOIN live
        JOIN recommendation_status st ON st.status_id = TRY_CAST(r.item_id AS INTEGER)
        WHERE r.item_kind = 'recommendation' AND r.approved_at <= live.created_at
          AND (r.withdrawn_at IS NULL OR r.withdrawn_at > live.created_at)
          AND NOT EXISTS (SELECT 1 FROM snapshot_withdrawal w JOIN snapshot ws ON ws.version = w.version
                          LEFT JOIN snapshot rs ON rs.version = w.restored_version
                          WHERE r.approved_at <= ws.created_at
                            AND (rs.created_at IS NULL OR r.approved_at > rs.created_at))
        ORDER BY st.status_id""").fetchall()
    return {rec: PublicStatus(status_id, status, made) for rec, status_id, status, made in rows}


def approved_status_ids(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The numbers of the recommendations' statuses with an approval for publication in force."""
    rows = con.execute("SELECT item_id FROM loop_release WHERE item_kind = 'recommendation' "
                       "AND withdrawn_at IS NULL").fetchall()
    return {int(r[0]) for r in rows if str(r[0]).strip().isdigit()}


def public_lag_words(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """By recommendation id, what to say where the public reads an older status than the current one (one judged
    after the status the publication in force carries): "The public reads In progress (published 9 June 2026);
    Implemented awaits approval", or "... is approved for the next publication" once approved (a later judgement of
    the same status is said as such). Nothing for a
    recommendation the public reads the current status of, or nothing of."""
    published = public_statuses(con)
    if not published:
        return {}
    now, approved = current(con), approved_status_ids(con)
    out = {}
    for rec_id, public in published.items():
        entry = now.get(rec_id)
        if entry is None or entry.status_id <= public.status_id:
            continue
        newer = entry.words if entry.status != public.status else f"A later judgement of {entry.words} ({entry.when})"
        waits = "is approved for the next publication" if entry.status_id in approved else "awaits approval"
        out[rec_id] = (f"The public reads {public.words} (published {uk_day_words(public.published_at)}); "
                       f"{newer} {waits}")
    return out


def status_of(rec: Recommendation, now: Mapping[str, StatusEntry]) -> str:
    entry = now.get(rec.id)
    return entry.status if entry else rec.status


@dataclass(frozen=True)
class Flag:
    recommendation: Recommendation
    status: str
    month: str                                  # "October 2015"
    measures: list[dict] = field(default_factory=list)   # the evidencing measures showing concern

    @property
    def sentence(self) -> str:
        """"Recommendation J4 (Jay 2014) is marked implemented, but CSE arrests in South Yorkshire show special
        cause of concern in October 2015."."""
        names = listed([m["name"] for m in self.measures])
        return (f"Recommendation {self.recommendation.id} ({self.recommendation.source.short}) is marked "
                f"{STATUSES[self.status].lower()}, but {names} in {force().force_short_name} show special cause "
                f"of concern in {self.month}.")


def flagged(con: duckdb.DuckDBPyConnection, analytics, month: object = None, *,
            as_of: dt.date | None = None) -> list[Flag]:
    """Recommendations marked implemented or evidenced while a measure evidencing them shows special cause of
    concern for the force in `month` (default: the latest month with figures), in register order; marked so now,
    or with `as_of` by the end of that day (a meeting's: a status judged after it was not known at it)."""
    if analytics is None:
        return []
    now = current(con, as_of)
    out = []
    for rec in load_register().recommendations:
        status = status_of(rec, now)
        if status not in DONE or not rec.measures:
            continue
        worrying = [e for e in measure_statuses(analytics, rec.measures, month) if concerning(e)]
        if worrying:
            out.append(Flag(rec, status, worrying[0]["month"], worrying))
    return out


def answer_labels(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Every answer recorded, in words: "Question 3 at the Public Accountability Board, 20 August 2015: answered
    by ACC Jones on 2 September 2015"."""
    out = {}
    for q in questions(con):
        for a in q.answers:
            out[a.answer_id] = f"Question {q.question_id} ({_short(q.body)}), {q.meeting.label}: {a.words()}"
    return dict(sorted(out.items()))


def decision_labels(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Every assurance decision, in words: "Assured on question 3, Public Accountability Board, 20 August 2015"."""
    held = {m.meeting_id: m for m in meetings(con, cancelled=True)}
    out = {}
    for d in decisions(con):
        about = f"question {d.question_id}" if d.question_id is not None else f'the theme "{d.theme}"'
        out[d.decision_id] = f"{DECISIONS[d.decision]} on {about}, {held[d.meeting_id].label}"
    return out


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def register_rows(con: duckdb.DuckDBPyConnection, analytics, month: object = None,
                  today: dt.date | None = None) -> list[dict]:
    """The register as the page and the command show it: a row per recommendation with its source, number,
    title, owner, current status, the day it is due by (overdue when past `today`, by default today, and not yet
    done), when and by whom last judged, and its measures' force status now. The page gives `today`, so that the
    rows it keeps are kept for that day only."""
    now, due, today = current(con), due_dates(con), today or settings.today()
    rows = []
    for rec in load_register().recommendations:
        entry = now.get(rec.id)
        rows.append({
            "Recommendation": rec.id, "Source": rec.source.short, "Number": rec.number or "",
            "Title": rec.title, "Owner": rec.owner, "Status": STATUSES[status_of(rec, now)],
            "Due by": due_words(due.get(rec.id), status_of(rec, now), today),
            "Last judged": f"{entry.when} by {entry.judged_by}" if entry else "Not yet judged",
            "Measures now": measures_line(measure_statuses(analytics, rec.measures, month)) if rec.measures
            else "No figure evidences it",
        })
    return rows

