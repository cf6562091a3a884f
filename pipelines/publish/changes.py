"""Which approved months have changed since their approval, from the warehouse alone: a light module (no pandas),
for a command that loads a return to say what it changed without paying for the pages' tables."""

from __future__ import annotations

import datetime as dt

import duckdb

from ..catalogue import dimensions


def caveats_changed_since_approval(con: duckdb.DuckDBPyConnection) -> set[dt.date]:
    """The approved months a data check's caveat on a current figure was added to or ended on after the approval.

    A load can change what a figure already held is compared with (a month loaded late before it, a correction of
    that month, the same month last year) without revising the figure itself: its caveats are checked again and
    may end or be added (pipelines/contracts/recheck.py). The public reads a month's caveats as they stood at its
    approval, so such a month is "changed", as a month whose figure was revised after its approval is: it needs
    approving again for the new caveats to be published."""
    return {p for (p,) in con.execute(
        """SELECT DISTINCT c.period FROM figure_caveat c
           JOIN period_status s ON s.period = c.period AND s.approved_at IS NOT NULL
           JOIN figure x ON x.period = c.period AND x.district = c.district AND x.measure = c.measure
                AND (c.file_id = x.file_id OR c.file_id IS NULL)
           WHERE c.created_at > s.approved_at OR c.ended_at > s.approved_at""").fetchall()}


def breakdowns_changed_since_approval(con: duckdb.DuckDBPyConnection) -> set[dt.date]:
    """The approved months a category of a published breakdown was sent or corrected in after the approval.

    A breakdown is published for the force by financial year from its months' categories as they stood at each
    month's approval (`breakdowns.approved_breakdowns`), so one sent late (a district's breakdown missing from
    the first return) or corrected after the month was approved reaches the public only once the month is
    approved again: such a month is "changed", as a month whose figure was revised after its approval is."""
    # the breakdowns dimensions.yaml publishes (checked sound by `breakdowns.published` wherever they are published)
    pairs = [f"{pb.measure}:{pb.dimension}" for pb in dimensions().published]
    if not pairs:
        return set()
    return {p for (p,) in con.execute(
        """SELECT DISTINCT r.period FROM figure_breakdown_revision r
           JOIN period_status s ON s.period = r.period AND s.approved_at IS NOT NULL
           WHERE r.loaded_at > s.approved_at AND list_contains(?, r.measure || ':' || r.dimension)""",
        [pairs]).fetchall()}


def changed_months(con: duckdb.DuckDBPyConnection) -> set[dt.date]:
    """The months approved whose figures have changed since their approval: a figure loaded after it, a data check's
    caveat added or ended (`caveats_changed_since_approval`), or a published breakdown's category sent or corrected
    (`breakdowns_changed_since_approval`): the months `approval.period_states` calls "changed"."""
    loaded = {p for (p,) in con.execute(
        """SELECT s.period FROM period_status s JOIN (SELECT period, max(loaded_at) AS loaded_at FROM figure
                                                     GROUP BY period) f USING (period)
           WHERE s.approved_at IS NOT NULL AND f.loaded_at > s.approved_at""").fetchall()}
    with_figures = {p for (p,) in con.execute(
        "SELECT DISTINCT s.period FROM period_status s JOIN figure f USING (period) WHERE s.approved_at IS NOT NULL"
    ).fetchall()}
    return loaded | ((caveats_changed_since_approval(con) | breakdowns_changed_since_approval(con)) & with_figures)
