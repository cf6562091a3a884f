"""Publishing month after month stays affordable without weakening disclosure control: what each earlier snapshot
gives the check is read from it once (and worked out the same however it is read), and the preview an office
confirms after many publications, a correction and a withdrawal among them, is the same figures, the same hidden
cells and the same audit whether the earlier snapshots were read before in the process or not."""

from __future__ import annotations

import os
import random

import pandas as pd
import pytest
from conftest import TODAY
from dashboard_helpers import claims_of
from helpers import write_csv

from pipelines import public as public_side
from pipelines import warehouse
from pipelines.ingest import ingest
from pipelines.publish import snapshot
from pipelines.publish.approval import approve

PCC = claims_of("pcc@example.org")
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
MEASURES = ("cse_arrests", "cse_charges", "cse_referrals", "online_grooming_offences")
MONTHS = [f"2021-{m:02d}" for m in range(1, 10)]


def _return(months: list[str], rng: random.Random) -> str:
    rows = ["period,district,measure,value"]
    for month in months:
        for d in DISTRICTS:
            for m in MEASURES:  # mostly above the threshold, some small counts for disclosure control to hide
                rows.append(f"{month},{d},{m},{rng.randint(1, 4) if rng.random() < 0.12 else rng.randint(12, 40)}")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory, command_line_reference):
    """Nine months published one by one, as an office does; a published month corrected and published again,
    and one publication withdrawn, on the way; the last month approved and not yet published."""
    tmp_path = tmp_path_factory.mktemp("years")
    db, folder = tmp_path / "wh.duckdb", tmp_path / "published"
    with pytest.MonkeyPatch.context() as mp:  # built once for the module, so before each test's own settings
        for var in [v for v in os.environ if v.startswith("PCCDASH_")]:
            mp.delenv(var)
        mp.setenv("PCCDASH_REFERENCE_DIR", str(command_line_reference))
        mp.setenv("PCCDASH_TODAY", TODAY.isoformat())
        mp.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
        _publish_months(db, folder, tmp_path)
    return db, folder


@pytest.fixture
def years(built, monkeypatch):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(built[1]))
    return built


def _publish_months(db, folder, tmp_path) -> None:
    rng = random.Random(20210101)
    with warehouse.connect(db) as con:
        for i, month in enumerate(MONTHS):
            assert ingest(con, [write_csv(tmp_path / f"{month}.csv", _return([month], rng))]).ok
            if i == 4:  # a correction to March, published with May
                fixed = _return(["2021-03"], random.Random(3))
                assert ingest(con, [write_csv(tmp_path / "fix.csv", fixed)]).ok
                approve(con, ["2021-03"], PCC, reason="The force corrected March.")
            approve(con, [month], PCC)
            if month == MONTHS[-1]:
                break
            snapshot.publish(con, PCC)
            if i == 6:
                snapshot.withdraw(con, PCC, "July was sent twice.")
                approve(con, [month], PCC)
                snapshot.publish(con, PCC)


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str).sort_values(list(frame.columns)).reset_index(drop=True)


def _reference_hidden(folder) -> set:
    out = set()
    for path in sorted(folder.glob("snapshot-*.duckdb")):
        out |= set(public_side.read("SELECT measure, area, period FROM figure WHERE period_type = 'month' AND "
                                    "suppressed", snapshot=path).itertuples(index=False, name=None))
    return out


def _reference_shown(folder) -> pd.DataFrame:
    frames = [public_side.read("SELECT measure, area, period, period_type, value FROM figure WHERE NOT suppressed "
                               "AND value IS NOT NULL", snapshot=path) for path in sorted(folder.glob("snapshot-*"))]
    return pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)


def test_what_earlier_snapshots_give_disclosure_control_is_read_as_each_snapshot_holds_it(years):
    db, folder = years
    assert len(list(folder.glob("snapshot-*.duckdb"))) == len(MONTHS)  # a withdrawn one among them
    snapshot._PER_SNAPSHOT.clear()
    assert snapshot.hidden_before(folder) == _reference_hidden(folder) != set()
    pd.testing.assert_frame_equal(_frame(snapshot.earlier_public(folder)), _frame(_reference_shown(folder)))
    with warehouse.connect(db) as con:
        for path, (_figures, cells, _parts) in zip(sorted(folder.glob("snapshot-*.duckdb")),
                                                    snapshot.earlier_snapshots(con, folder), strict=True):
            published = public_side.read("SELECT measure, area, period, period_type, value, suppressed FROM figure",
                                         snapshot=path)
            pd.testing.assert_frame_equal(_frame(cells), _frame(published))


def test_the_preview_after_many_publications_is_the_same_read_afresh_or_again(years):
    db, _folder = years
    with warehouse.connect(db) as con:
        snapshot._PER_SNAPSHOT.clear()
        snapshot._PROTECTED.clear()
        first = snapshot.preview_publication(con)
        snapshot._PROTECTED.clear()  # the protection worked out again, from the snapshots as read before
        again = snapshot.preview_publication(con)
    assert first.problem is None and first.added == [MONTHS[-1]]
    assert first.cells["suppressed"].astype(bool).any()  # small counts hidden, so the check has work to do
    assert first.fingerprint == again.fingerprint
    for a, b in ((first.cells, again.cells), (first.hidden, again.hidden), (first.audit.cells, again.audit.cells)):
        pd.testing.assert_frame_equal(_frame(a), _frame(b))
    assert (first.audit.failures, first.audit.already_public, first.audit.exposed_before) == (
        again.audit.failures, again.audit.already_public, again.audit.exposed_before)


def test_a_snapshot_replaced_between_two_previews_is_read_afresh(years, tmp_path):
    """What a preview reads of the earlier snapshots, and shares between its builds, is the folder as it stands
    when the preview is made: a file replaced since the last preview is read again, never taken as it was."""
    import shutil

    import duckdb

    db, folder = years
    copy = shutil.copytree(folder, tmp_path / "published")
    with warehouse.connect_read_only(db) as con:
        first = snapshot.preview_publication(con, copy)
        older = copy / "snapshot-0003.duckdb"
        carried = set(public_side.read("SELECT period FROM period", snapshot=older)["period"])
        hidden = first.hidden[(first.hidden["period_type"] == "month") & first.hidden["period"].isin(carried)
                              & (first.hidden["dimension"].fillna("") == "")]
        assert not hidden.empty
        cell = hidden.iloc[0]
        # the snapshot replaced by one that showed that hidden count, at its value: the reader knows it now
        replaced = tmp_path / "replaced.duckdb"
        shutil.copyfile(older, replaced)
        edit = duckdb.connect(str(replaced))
        edit.execute("UPDATE figure SET suppressed = false, value = ?, display = ? WHERE measure = ? AND area = ? "
                     "AND period = ?", [int(cell["value"]), str(int(cell["value"])), cell["measure"], cell["area"],
                                        cell["period"]])
        edit.close()
        os.replace(replaced, older)
        again = snapshot.preview_publication(con, copy)
        snapshot._PER_SNAPSHOT.clear()
        snapshot._PROTECTED.clear()
        afresh = snapshot.preview_publication(con, copy)
    # the count the replaced snapshot showed is known to the reader, and what it gives away is said
    assert not first.audit.exposed_before and again.audit.exposed_before
    assert (again.audit.failures, again.audit.already_public, again.audit.exposed_before) == (
        afresh.audit.failures, afresh.audit.already_public, afresh.audit.exposed_before)
    assert again.fingerprint == afresh.fingerprint
    for a, b in ((again.cells, afresh.cells), (again.hidden, afresh.hidden), (again.audit.cells, afresh.audit.cells)):
        pd.testing.assert_frame_equal(_frame(a), _frame(b))


class _Counting:
    """A warehouse connection that counts the queries run through it."""

    def __init__(self, con):
        self.con, self.queries = con, 0

    def execute(self, *args, **kwargs):
        self.queries += 1
        return self.con.execute(*args, **kwargs)


def test_earlier_snapshots_read_the_warehouse_at_once_as_each_snapshot_was_made(years):
    """What each earlier snapshot was made from is read for all of them in a few queries, not two or three for each
    snapshot, and is each month's figures at its approval in force when that snapshot was made (a correction and a
    withdrawal among them), as the snapshot published them."""
    from pipelines.publish.approval import APPROVALS_AT_MADE

    db, folder = years
    with warehouse.connect_read_only(db) as con:
        counting = _Counting(con)
        read = snapshot.earlier_snapshots(counting, folder)
        assert len(read) == len(MONTHS) and counting.queries <= 3
        for path, (figures, cells, _parts) in zip(sorted(folder.glob("snapshot-*.duckdb")), read, strict=True):
            made = con.execute("SELECT created_at FROM snapshot WHERE file_name = ?", [path.name]).fetchall()[0][0]
            months = sorted(set(cells.loc[cells["period_type"] == "month", "period"]))
            one = con.execute(
                f"""SELECT strftime(r.period, '%Y-%m') AS period, r.district, r.measure, r.value
                   FROM figure_revision r
                   JOIN ({APPROVALS_AT_MADE}) a ON a.period = r.period AND r.loaded_at <= a.approved_at
                   WHERE list_contains($months, strftime(r.period, '%Y-%m'))
                   QUALIFY r.revision = max(r.revision) OVER (PARTITION BY r.period, r.district, r.measure)
                   ORDER BY ALL""", {"made": made, "months": months}).df()
            pd.testing.assert_frame_equal(figures, snapshot._districts_as_named(one))
            shown = cells[(cells["period_type"] == "month") & ~cells["suppressed"].astype(bool)]
            assert len(shown) and all(  # what the snapshot showed is what it was made from
                figures.set_index(["period", "district", "measure"])["value"].get((r.period, r.area, r.measure))
                == float(r.value) for r in shown.itertuples() if r.area in DISTRICTS)
