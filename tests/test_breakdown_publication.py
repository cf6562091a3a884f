"""Breakdowns on the public side: only those dimensions.yaml publishes, for the force by financial year, under the
same suppression and audit as every figure, with "not recorded" always a row and the share recorded beside it;
nothing declared never to be published is in any snapshot or public file, and no hidden category can be worked
out from everything published together."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipelines import public, warehouse
from pipelines.catalogue import catalogue, dimensions, force
from pipelines.publish import lp_audit
from pipelines.publish.approval import approve
from pipelines.publish.snapshot import preview_publication, publish
from tests.dashboard_helpers import copy_warehouse

pytestmark = pytest.mark.slow

from tests.dashboard_helpers import PCC  # noqa: E402

YEAR = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in range(1, 4)]


@pytest.fixture(scope="module")
def published(sample_db, tmp_path_factory):
    """The sample with 2023/24 approved and published: the first year every breakdown was sent."""
    tmp = tmp_path_factory.mktemp("breakdowns-published")
    db = copy_warehouse(sample_db, tmp)
    folder = tmp / "published"
    mp = pytest.MonkeyPatch()
    mp.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    with warehouse.connect(db) as con:
        approve(con, YEAR, PCC)
        preview = preview_publication(con, folder)
        publish(con, PCC)
    yield folder, preview, db
    mp.undo()


def snapshot_of(folder: Path) -> Path:
    return sorted(folder.glob("snapshot-*.duckdb"))[-1]


def test_each_published_breakdown_is_a_force_year_table_with_not_recorded_and_the_share_recorded(published):
    folder, preview, _db = published
    assert preview.audit is not None and preview.audit.passed, preview.audit.failures
    rows = public.read("SELECT measure, dimension, category, label, area, period, display, suppressed FROM breakdown",
                       snapshot=snapshot_of(folder))
    assert set(rows["area"]) == {force().force_short_name} and set(rows["period"]) == {"2023/24"}
    pairs = {(p.measure, p.dimension) for p in dimensions().published}
    assert set(zip(rows["measure"], rows["dimension"], strict=True)) == pairs
    for measure, dimension in pairs:
        mine = rows[(rows["measure"] == measure) & (rows["dimension"] == dimension)]
        unrecorded = {v.label for v in dimensions().get(dimension).values if not v.recorded}
        assert unrecorded <= set(mine["label"]), "every not-recorded value is a row of its own"
        assert "Share recorded" in set(mine["label"])
    # the five groups of the Census, not the nineteen values
    ethnicity = rows[rows["dimension"] == "suspect_ethnicity"]
    assert "Pakistani" not in set(ethnicity["label"]) and "White" in set(ethnicity["label"])


def test_a_small_category_is_hidden_with_company_and_the_years_figure_still_adds_up(published):
    folder, _preview, _db = published
    snap = snapshot_of(folder)
    rows = public.read("SELECT measure, category, display, suppressed, value FROM breakdown", snapshot=snap)
    hidden = rows[rows["suppressed"].astype(bool)]
    assert not hidden.empty, "the sample's small categories are hidden"
    for measure in hidden["measure"].unique():
        counts = rows[(rows["measure"] == measure) & (rows["category"] != "share_recorded")]
        year = public.read("SELECT value, suppressed FROM figure WHERE measure = ? AND area = ? AND period = "
                           "'2023/24'", [measure, force().force_short_name], snapshot=snap)
        shown_year = not year["suppressed"].astype(bool).iloc[0]
        # a single hidden category beside a shown total would be the total less the others
        assert len(counts[counts["suppressed"].astype(bool)]) >= 2 or not shown_year


def test_no_hidden_category_can_be_worked_out_from_everything_published(published):
    """An exact linear program over every published figure and category, with the categories of each breakdown
    adding up to the measure's year (from dimensions.yaml, as a reader would know it), narrows none."""
    folder, preview, db = published
    snap = snapshot_of(folder)
    figures = public.read("SELECT measure, area, period, period_type, value, suppressed FROM figure", snapshot=snap)
    parts = public.read("SELECT measure || '|' || dimension || '|' || category AS measure, area, period, "
                        "period_type, value, suppressed FROM breakdown WHERE category <> 'share_recorded'",
                        snapshot=snap)
    measures = {pb.measure for pb in dimensions().published}
    own = figures[figures["measure"].isin(measures)]
    cells = pd.concat([own, parts], ignore_index=True)
    cells["value"] = pd.to_numeric(cells["value"], errors="coerce")
    cells["suppressed"] = cells["suppressed"].astype(bool)
    sums = {pb.measure: sorted(set(parts["measure"][parts["measure"].str.startswith(f"{pb.measure}|{pb.dimension}|")]))
            for pb in dimensions().published}
    kinds = {m: catalogue().get(m).kind for m in measures} | dict.fromkeys(parts["measure"], "flow")
    result = lp_audit.audit(cells, kinds, force().districts, force().force_short_name, sums=sums, exact=True)
    assert result.passed, result.failures
    hidden = result.cells[result.cells["measure"].str.contains("|", regex=False)]
    assert not hidden.empty, "a hidden category is among those worked on"
    assert (hidden["width"].fillna(float("inf")) >= 1).all()


def test_what_is_never_published_is_in_no_snapshot_and_no_public_file(published):
    folder, _preview, _db = published
    never = dimensions().never_published
    words = set(never)
    for dimension in never:  # its id and its distinctive values (its name may be said, to say it is never shown)
        d = dimensions().get(dimension)
        words |= {v.label for v in d.values if len(v.label) > 8 and v.recorded}
    words -= {v.label for p in dimensions().published for v in dimensions().get(p.dimension).values}
    words -= {v.group for p in dimensions().published for v in dimensions().get(p.dimension).values if v.group}
    assert "nationality_group" in words and "Non-EU national" in words
    found = []
    for snap in folder.glob("snapshot-*.duckdb"):
        tables = public.read("SELECT table_name FROM duckdb_tables()", snapshot=snap)["table_name"]
        for table in tables:
            text = public.read(f'SELECT * FROM "{table}"', snapshot=snap).to_csv(index=False)
            found += [(snap.name, table, w) for w in words if w.lower() in text.lower()]
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.endswith(".duckdb"):
            text = path.read_bytes().decode("utf-8", errors="ignore")
            found += [(str(path), w) for w in words if w.lower() in text.lower()]
    assert found == []
    assert json.loads((folder / "current.json").read_text())


def test_a_breakdown_corrected_after_approval_marks_its_month_changed_and_is_published_once_approved(
        sample_db, tmp_path, monkeypatch):
    """A district's breakdown corrected after its month was published (no figure revised) shows the month as
    changed; approved again, the next publication carries the corrected year, and the preview says so."""
    from pipelines.ingest import ingest
    from pipelines.publish.approval import period_states

    db = copy_warehouse(sample_db, tmp_path)
    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    with warehouse.connect(db) as con:
        approve(con, YEAR, PCC)
        publish(con, PCC)
        sex = dict(con.execute(
            "SELECT category, value FROM figure_breakdown WHERE period = DATE '2023-06-01' AND district = 'Rotherham' "
            "AND measure = 'victims_supported' AND dimension = 'victim_sex'").fetchall())
    before = public.read("SELECT category, display FROM breakdown WHERE measure = 'victims_supported' "
                         "AND period = '2023/24'", snapshot=snapshot_of(folder))
    assert sex["female"] >= 1, sex
    moved = {**sex, "female": sex["female"] - 1, "not_recorded": sex["not_recorded"] + 1}  # the same total
    labels = {"male": "Male", "female": "Female", "not_stated": "Not stated", "not_recorded": "Not recorded"}
    correction = tmp_path / "2023-06-rotherham-victim-sex.csv"
    correction.write_text("period,district,measure,value,victim_sex\n" + "".join(
        f"2023-06,Rotherham,victims_supported,{int(v)},{labels[c]}\n" for c, v in moved.items()))
    with warehouse.connect(db) as con:
        assert ingest(con, [correction]).ok
        state = {s.period.strftime("%Y-%m"): s for s in period_states(con)}["2023-06"]
        assert state.status == "changed", (state.status, state.note)
        assert "breakdown" in state.note
        approve(con, ["2023-06"], PCC)
        preview = preview_publication(con, folder)
        assert preview.problem is None, preview.problem
        assert any("Breakdown figures" in line for line in preview.summary), preview.summary
        publish(con, PCC, expected=preview.fingerprint)
    after = public.read("SELECT category, display FROM breakdown WHERE measure = 'victims_supported' "
                        "AND period = '2023/24'", snapshot=snapshot_of(folder))
    was, now = dict(before.itertuples(index=False)), dict(after.itertuples(index=False))
    if was["not_recorded"].isdigit():
        assert now["not_recorded"] == str(int(was["not_recorded"]) + 1), (was, now)
    assert was != now
