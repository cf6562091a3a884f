"""The office's year (tests/office_year.py) is lived through without a fault: fourteen monthly cycles from the
demo warehouse end with every month published, the audit trail complete, and the warehouse equal to the files."""

from __future__ import annotations

import pytest

from pipelines import audit, warehouse
from pipelines.figures import current_figures

pytestmark = pytest.mark.slow


def test_fourteen_monthly_cycles_from_the_demo_warehouse(office_year):
    # each cycle asserts as it goes (tests/office_year.py); here, what the year leaves behind
    assert len(office_year.months) >= 14
    with warehouse.connect_read_only(office_year.db) as con:
        trail = audit.events(con)
        current = current_figures(con)
    for action in ("approve", "publish", "withdraw", "flag", "resolve", "supersede"):
        assert (trail["action"] == action).sum() >= office_year.done[action], action
    later = current[current["period"] >= office_year.months[0]]
    assert {(r.period, r.district, r.measure): float(r.value) for r in later.itertuples()} == office_year.sent
    assert set(office_year.months) <= office_year.published_months
