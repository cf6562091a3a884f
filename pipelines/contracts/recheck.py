"""Checking again the accepted figures whose comparison an accepted batch changed.

A data check's caveat compares a figure with others: the latest earlier month with a figure of its measure and
district (`change`), the same month a year before (`same_month_last_year`), another measure of the same month and
district (`ratio`), a percentage's numerator and denominator. The batch's own figures are judged against the
figures as they stand when it is validated; but a batch also changes what figures already held are compared with:

- a month loaded out of order, or a correction of a month, changes what the next later month with a figure of its
  measure and district is compared with (July's jump "from 11 in May" is from June's 38 once June arrives);
- a figure of a month changes what the same month a year later is compared with, for a same-month-last-year rule;
- a figure of one measure changes the comparison of the linked measures' figures of the same month and district.
  The batch check judges that pair again and puts any caveat that holds on the batch's figure, so here a caveat
  already on the held figure is only ended when the pair no longer breaks the rule as it reads. The one exception
  is a percentage the file does not send, whose numerator or denominator it corrects: the percentage rule reports
  only the percentages of the batch, so the held percentage that no longer matches its parts carries the caveat.

Those held figures (only those: not the warehouse) are checked again by the rules, against the figures as they
now stand, in the transaction that accepts the batch. A caveat that no longer holds (or whose words, its figures
and months, are no longer true) is ended, not deleted: `figure_caveat.ended_at` and `ended_by_run` keep when and
which run ended it, so the history of what a figure carried stays. A caveat that now holds is added, attached to
the figure's current revision (its file), so it follows the figure as a caveat written at its load would. The
check is stored as a validation run of scope "recheck", whose label names the file whose load caused it.

Before a file is loaded (the upload's preview, `pccdash validate`), `would_recheck` asks the same rules the same
questions of the figures as they would stand with the checked batch in place, in temporary tables only: it says
which held figures' caveats loading the file would end or add, and writes nothing (it runs on a read-only
connection too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ..catalogue import catalogue
from ..warehouse import utc_now
from .contract import Contract, SetRule
from .runner import RuleResult, Sample, ValidationRun, figures_table, fill_query, linked_measures, set_rule_sample
from .store import insert_caveats, save_run

SCOPE = "recheck"
PERCENTAGE_RULE = "percentage_matches_its_parts"  # a percentage against its numerator and denominator
HELD = "recheck_figures"  # the current figures of the measures and districts concerned, as they now stand
TARGET = "recheck_target"  # the held figures one rule checks again
BATCH = "recheck_batch"  # before a load: the batch's figures that are new or differ from those held
NOT_LOADED = -1  # the file id the batch's figures stand under in `HELD` before a load (no registered file has it)


@dataclass(frozen=True)
class CaveatChange:
    """A data-check caveat on a figure already held that a load ends (it no longer holds, or its words, its figures
    and months, are no longer true) or adds."""

    period: dt.date
    district: str
    measure: str
    rule_id: str
    message: str
    ended: bool

    def sentence(self, loaded: bool = True) -> str:
        """In words an analyst reads: month, district, measure, then what happens to which caveat; `loaded=False`
        says what loading the file would do."""
        names = {m.id: m.short_name for m in catalogue().measures}
        figure = f"{names.get(self.measure, self.measure)}, {self.district}, {self.period:%B %Y}"
        if self.ended:
            return (f'{figure}: its caveat "{self.message}" {"no longer holds" if loaded else "would no longer hold"}'
                    f' and {"was" if loaded else "would be"} ended')
        return f'{figure}: {"a caveat was" if loaded else "a caveat would be"} added: "{self.message}"'


@dataclass
class Recheck:
    """What checking the held figures again found."""

    run_id: int | None = None
    figures: int = 0  # held figures checked again
    ended: int = 0  # caveats that no longer hold
    added: int = 0  # caveats that now hold
    changes: list[CaveatChange] = field(default_factory=list)  # those caveats, ended first, by month


@dataclass
class _Found:
    """What the rules found of the held figures, before anything is written."""

    run: ValidationRun
    figures: int  # held figures checked again
    ends: list[int]  # the caveats that no longer hold (caveat_id)
    adds: list[tuple]  # the caveats that now hold (period, district, measure, file id, rule id, severity, message)
    changes: list[CaveatChange]


def _rules(contract: Contract) -> list[tuple[SetRule, str]]:
    """The warning rules whose comparison a batch can change for a figure it does not send: (rule, how it links
    figures: "change", "same_month_last_year" or "same_month")."""
    out = []
    for rule in contract.set_rules:
        if rule.severity != "warning":
            continue  # only a warning leaves a caveat; an error rule refuses the batch that breaks it
        check = rule.compares[0] if rule.compares else None
        if check in ("change", "same_month_last_year"):
            out.append((rule, check))
        elif check == "ratio" or rule.id == PERCENTAGE_RULE:
            out.append((rule, "same_month"))
    return out


def _same_month_links(rule: SetRule) -> list[tuple[str, str]]:
    """(measure changed, measure held) pairs whose comparison a same-month rule makes: the held figure is the one the
    rule may have put a caveat on."""
    if rule.compares and rule.compares[0] == "ratio":
        _, a, b = rule.compares
        return [(a, b), (b, a)]
    # the percentage rule reports on the percentage: a change to its numerator or denominator concerns it
    return [(part, m.id) for m in catalogue().measures if m.kind == "percentage"
            for part in (m.numerator, m.denominator) if part]


def _may_concern(rule: SetRule, link: str, changed: set[str]) -> bool:
    """Whether the file's changed measures can change what a held figure is compared with under this rule: a change
    or same-month-last-year rule of one measure only through that measure's figures (one of every measure through
    any), a same-month rule only through the measures on the changed side of its links."""
    if link == "same_month":
        return any(a in changed for a, _ in _same_month_links(rule))
    measure = rule.compares[1] if rule.compares else None  # (check, its one measure or None, against)
    return measure is None or measure in changed


def _targets(con: duckdb.DuckDBPyConnection, rule: SetRule, link: str, file_id: int) -> str:
    """Make the table of held figures this rule checks again, with the columns a rule's query reads of a batch (the
    cell each figure was read from); its name."""
    table = TARGET
    if link == "change":
        # the next later month with a figure of each measure and district the file changed
        pick = """SELECT h.* FROM changed c ASOF JOIN held h ON h.measure = c.measure AND h.district = c.district
                  AND c.period < h.period"""
    elif link == "same_month_last_year":
        pick = """SELECT h.* FROM changed c JOIN held h ON h.measure = c.measure AND h.district = c.district
                  AND h.period = (c.period + INTERVAL 12 MONTH)::DATE"""
    else:
        pick = """SELECT h.* FROM changed c
                  JOIN (SELECT unnest($changed_m) AS changed_m, unnest($held_m) AS held_m) l ON l.changed_m = c.measure
                  JOIN held h ON h.measure = l.held_m AND h.district = c.district AND h.period = c.period"""
    links = _same_month_links(rule) if link == "same_month" else []
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
            WITH changed AS (SELECT period, district, measure FROM {HELD} WHERE file_id = $file_id),
                 held AS (SELECT * FROM {HELD})
            SELECT DISTINCT h.period, h.district, h.measure, h.value, h.file_id, r.name AS source_file,
                   h.source_sheet, h.source_row, h.source_column
            FROM ({pick}) h JOIN file_registry r ON r.file_id = h.file_id
            WHERE h.file_id <> $file_id""",
        {"file_id": file_id, **({"changed_m": [a for a, _ in links], "held_m": [b for _, b in links]}
                                if link == "same_month" else {})})
    return table


def recheck_held(con: duckdb.DuckDBPyConnection, contract: Contract, file_id: int, label: str,
                 current_month: dt.date) -> Recheck:
    """Check again the held figures whose comparison the file `file_id`, just accepted, changed (see the module's
    words); end the caveats that no longer hold and add those that now do. Call inside the accept's transaction,
    after the file's figures are in `figure_revision`."""
    found = _find(con, contract, file_id, f'the accepted figures compared with "{label}"', current_month)
    if found is None:
        return Recheck()
    run, now = found.run, found.run.started_at
    # the figures checked came from earlier files, so the run names none (file_id is the file a batch was read from);
    # its label names the file whose load caused it
    out = Recheck(save_run(con, run, None), found.figures, len(found.ends), len(found.adds), found.changes)
    if found.ends:
        con.execute("UPDATE figure_caveat SET ended_at = $now, ended_by_run = $run "
                    "WHERE list_contains($ids, caveat_id)", {"now": now, "run": out.run_id, "ids": found.ends})
    insert_caveats(con, out.run_id, found.adds, now)
    return out


def would_recheck(con: duckdb.DuckDBPyConnection, contract: Contract, label: str,
                  current_month: dt.date) -> Recheck:
    """What `recheck_held` would do if the batch built on this connection (`batch_total`) were accepted now: the
    caveats on held figures it would end and add, found by the same rules against the figures as they would then
    stand. Only temporary tables are made, so nothing is written (a read-only connection will do); the run is not
    stored (`run_id` None)."""
    # the batch's new and revised figures, against the current ones (`figure_now` when the contract judged the batch
    # on this connection: the same figures, already held for its measures)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {BATCH} AS
            SELECT b.period, b.district, b.measure, b.value, b.source_sheet, b.source_row, b.source_column
            FROM batch_total b LEFT JOIN {figures_table(con)} c USING (period, district, measure)
            WHERE b.value IS NOT NULL AND b.period IS NOT NULL AND (c.value IS NULL OR c.value <> b.value)""")
    try:
        found = _find(con, contract, NOT_LOADED, f'the accepted figures compared with "{label}" (not loaded)',
                      current_month)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {BATCH}")
    if found is None:
        return Recheck()
    return Recheck(None, found.figures, len(found.ends), len(found.adds), found.changes)


def _find(con: duckdb.DuckDBPyConnection, contract: Contract, file_id: int, label: str,
          current_month: dt.date) -> _Found | None:
    """Ask the rules again about the held figures whose comparison the file changes, and say which caveats no
    longer hold and which now do; nothing is written but temporary tables. The file's figures are those of
    `file_id` in `figure_revision` (loaded), or, for `NOT_LOADED`, the batch's new and revised ones (`BATCH`)
    standing in for what they would replace. None when no held figure is concerned."""
    rules = _rules(contract)
    if not rules:
        return None
    batch = file_id == NOT_LOADED
    mine_sql = BATCH if batch else "figure_revision WHERE file_id = $f"
    # what the file changed, read once: its measures, its districts and its first month
    changed, districts, first = con.execute(
        f"SELECT list(DISTINCT measure), list(DISTINCT district), min(period) FROM {mine_sql}",
        {} if batch else {"f": file_id}).fetchall()[0]
    mine, districts = set(changed or []), list(districts or [])
    # a rule of one measure (headcount_change) or one pair (charges_within_arrests) concerns no held figure when
    # the file changed none of its measures
    rules = [(rule, link) for rule, link in rules if _may_concern(rule, link, mine)]
    if not rules:
        return None
    # the measures the file changed, with those the catalogue or a same-month rule links to them: `HELD` holds their
    # current figures (what the rules read as ${figure})
    measures = linked_measures(mine, [set(pair) for rule, link in rules if link == "same_month"
                                      for pair in _same_month_links(rule)])
    # every figure checked again is another file's, of these measures and districts, in or after the file's first
    # month: a file of months later than any held (next month's return), or a first load, has none to check
    if first is None or not con.execute(
            "SELECT EXISTS (SELECT 1 FROM figure_revision WHERE file_id <> $f AND period >= $first "
            "AND list_contains($m, measure) AND list_contains($d, district))",
            {"f": file_id, "first": first, "m": sorted(measures), "d": districts}).fetchall()[0][0]:
        return None
    concerned = "list_contains($m, measure) AND list_contains($d, district)"
    if batch:  # the figures as they would stand: the batch's in place of those they revise, under NOT_LOADED
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {HELD} AS
                        SELECT f.* FROM figure f ANTI JOIN {BATCH} b USING (period, district, measure)
                        WHERE {concerned}
                        UNION ALL BY NAME
                        SELECT *, $f AS file_id FROM {BATCH} WHERE {concerned}""",
                    {"m": sorted(measures), "d": districts, "f": file_id})
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {HELD} AS SELECT * FROM figure WHERE {concerned}",
                    {"m": sorted(measures), "d": districts})
    try:
        return _ask(con, rules, file_id, label, current_month, contract)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {HELD}")
        con.execute(f"DROP TABLE IF EXISTS {TARGET}")


def _ask(con: duckdb.DuckDBPyConnection, rules: list[tuple[SetRule, str]], file_id: int, label: str,
         current_month: dt.date, contract: Contract) -> _Found | None:
    """Each rule asked of the held figures it concerns, against `HELD`: the standing caveats that no longer hold,
    and the caveats that now hold and are not yet there."""
    run = ValidationRun(contract, SCOPE, label, rows=0, started_at=utc_now())
    now = run.started_at
    ends: list[int] = []
    adds: list[tuple] = []
    changes: list[CaveatChange] = []
    seen: set[tuple] = set()
    for rule, link in rules:
        table = _targets(con, rule, link, file_id)
        targets = con.execute(f"SELECT period, district, measure, file_id FROM {table}").fetchall()
        if not targets:
            continue
        seen |= {t[:3] for t in targets}
        query = fill_query(con, rule.query.replace("${object}", table), current_month, HELD)
        found = con.execute(
            f"""SELECT DISTINCT q.source_file, q.source_sheet, q.source_row, q.source_column, q.period, q.district,
                       q.measure, q.detail, t.file_id
                FROM ({query}) q JOIN {table} t USING (period, district, measure)
                ORDER BY q.period, q.district, q.measure""").fetchall()
        now_holds: dict[tuple, list[tuple[Sample, int]]] = {}
        for *row, fid in found:  # each sample made as the batch check makes its own
            sample = set_rule_sample(rule, tuple(row))
            now_holds.setdefault((sample.period, sample.district, sample.measure), []).append((sample, fid))
        standing = con.execute(
            f"""SELECT c.caveat_id, c.period, c.district, c.measure, c.message
                FROM figure_caveat c JOIN {table} t ON t.period = c.period AND t.district = c.district
                     AND t.measure = c.measure AND (c.file_id = t.file_id OR c.file_id IS NULL)
                WHERE c.rule_id = ? AND c.ended_at IS NULL""", [rule.id]).fetchall()
        held_messages: dict[tuple, set[str]] = {}
        for cid, p, d, m, message in standing:
            messages = {s.message for s, _ in now_holds.get((p, d, m), [])}
            if message in messages:
                held_messages.setdefault((p, d, m), set()).add(message)
            else:
                ends.append(cid)
                changes.append(CaveatChange(p, d, m, rule.id, message, ended=True))
        samples = [s for rows in now_holds.values() for s, _ in rows]
        # a same-month pair's caveat that holds is the batch check's, on the batch's figure; but the percentage rule
        # reports only the percentages the file sends: a held one the file did not send, no longer matching its
        # corrected parts, carries the caveat itself
        sent = (set() if rule.id != PERCENTAGE_RULE else {tuple(k) for k in con.execute(
            f"SELECT period, district, measure FROM {table} SEMI JOIN batch_total USING (period, district, measure)"
        ).fetchall()})
        if link != "same_month" or rule.id == PERCENTAGE_RULE:
            for key, rows in now_holds.items():
                for s, fid in rows:
                    if key not in sent and s.message not in held_messages.get(key, set()):
                        adds.append((s.period, s.district, s.measure, fid, rule.id, rule.severity, s.message))
                        changes.append(CaveatChange(s.period, s.district, s.measure, rule.id, s.message,
                                                    ended=False))
        run.results.append(RuleResult(rule.id, rule.severity, "duckdb", None, not samples, len(samples),
                                      len(targets), rule.description, samples[:50]))
    if not run.results:
        return None
    run.rows = len(seen)
    run.seconds = (utc_now() - now).total_seconds()
    changes.sort(key=lambda c: (c.period, c.district, c.measure, not c.ended))
    return _Found(run, len(seen), ends, adds, changes)

