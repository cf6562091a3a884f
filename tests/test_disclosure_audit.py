"""The disclosure audit: every hidden figure's range given everything public, worked out as a linear program
independent of the suppression code; publication is refused when a range is narrower than the protection asked.

Months, quarters, financial years and the 12 months to the latest month of every count are published and
protected together, with what earlier snapshots showed."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dashboard_helpers import PCC, copy_warehouse
from helpers import set_clock, write_csv

from pipelines import public, warehouse
from pipelines.disclosure import (
    NOT_SUPPRESSED,
    PRIMARY,
    SECONDARY,
    DisclosureSettings,
    build_table,
    suppress_system,
)
from pipelines.ingest import ingest
from pipelines.publish import lp_audit, snapshot
from pipelines.publish.approval import HELD_BY_DISCLOSURE, approve
from pipelines.publish.snapshot import NothingToPublish, approved_figures, preview_publication, publish
from pipelines.sample_data import DEMO_PUBLISHED_MONTHS
from pipelines.uk_time import uk_day_words

DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
FORCE = "South Yorkshire"


def frame_of(rows: dict[tuple[str, str], int | None], measure: str = "m", period_type: str = "month") -> pd.DataFrame:
    """Published cells: (area, period) -> value, None when hidden."""
    return pd.DataFrame([{"measure": measure, "area": a, "period": p, "period_type": period_type,
                          "value": v, "suppressed": v is None} for (a, p), v in rows.items()])


def test_a_small_count_hidden_alone_beside_its_published_total_fails_the_audit_with_its_name():
    shown = {("Barnsley", "2015-06"): None, ("Doncaster", "2015-06"): 20, ("Rotherham", "2015-06"): 30,
             ("Sheffield", "2015-06"): 40, (FORCE, "2015-06"): 93}
    result = lp_audit.audit(frame_of(shown), {"m": "flow"}, DISTRICTS, FORCE, truth={("m", "Barnsley", "2015-06"): 3})
    assert not result.passed
    assert result.failures == ["m, Barnsley, 2015-06: hidden, but what is public shows it is exactly 3 (a range 0 "
                               "wide; at least 1 is needed)."]
    shown[(FORCE, "2015-06")] = None  # the force hidden too: Barnsley is anything from 1 up
    result = lp_audit.audit(frame_of(shown), {"m": "flow"}, DISTRICTS, FORCE,
                            truth={("m", "Barnsley", "2015-06"): 3, ("m", FORCE, "2015-06"): 93}, exact=True)
    assert result.passed and result.cells.set_index("area").loc["Barnsley", "lower"] == 1
    assert pd.isna(result.cells.set_index("area").loc["Barnsley", "upper"])


def test_the_audit_reads_earlier_snapshots_a_rolling_window_and_a_part_within_its_whole():
    # two hidden months whose sum the 12 months give away, and a part within a whole
    months = [f"{y}-{m:02d}" for y, m in [(2014, 8), (2014, 9), (2014, 10), (2014, 11), (2014, 12), (2015, 1),
                                          (2015, 2), (2015, 3), (2015, 4), (2015, 5), (2015, 6), (2015, 7)]]
    rows = {(FORCE, p): 10 for p in months}
    rows[(FORCE, "2015-06")] = None
    rows[(FORCE, "2015-07")] = None
    cells = frame_of(rows)
    window = frame_of({(FORCE, "12 months to 2015-07"): 106}, period_type="rolling_12_months")
    truth = {("m", FORCE, "2015-06"): 2, ("m", FORCE, "2015-07"): 4}
    result = lp_audit.audit(pd.concat([cells, window]), {"m": "flow"}, [], FORCE, truth=truth, protection=3,
                            exact=True)
    ranges = result.cells.set_index("period")
    assert ranges.loc["2015-06", "lower"] == 1 and ranges.loc["2015-06", "upper"] == 5, "2 + 4 = 6: each 1 to 5"
    assert result.passed
    assert not lp_audit.audit(pd.concat([cells, window]), {"m": "flow"}, [], FORCE, truth=truth,
                              protection=5).passed
    # an earlier snapshot showed July as 4, unchanged since: June is then exactly 2
    earlier = pd.DataFrame([{"measure": "m", "area": FORCE, "period": "2015-07", "value": 4}])
    told = lp_audit.audit(pd.concat([cells, window]), {"m": "flow"}, [], FORCE, truth=truth, earlier=earlier)
    assert not told.passed and "m, South Yorkshire, 2015-06" in told.failures[0] and told.already_public == 1
    # ... but an earlier figure revised since tells nothing of today's value
    revised = earlier.assign(value=7)
    assert lp_audit.audit(pd.concat([cells, window]), {"m": "flow"}, [], FORCE, truth=truth, earlier=revised).passed
    # a part is at most its whole: a hidden part of a whole of 2 is 1 or 2, whatever else
    part = frame_of({(FORCE, "2015-05"): None}, measure="p")
    whole = frame_of({(FORCE, "2015-05"): 2}, measure="w")
    bounded = lp_audit.audit(pd.concat([part, whole]), {"p": "flow", "w": "flow"}, [], FORCE, part_of={"p": "w"},
                             truth={("p", FORCE, "2015-05"): 1}, protection=2)
    assert bounded.cells.iloc[0][["lower", "upper"]].tolist() == [1, 2] and not bounded.passed


def test_a_shown_percentage_of_a_hidden_count_fails_the_audit():
    counts = pd.concat([frame_of({(FORCE, "2015-06"): None}, "n"), frame_of({(FORCE, "2015-06"): 40}, "d"),
                        frame_of({(FORCE, "2015-06"): 7.5}, "pct")])
    result = lp_audit.audit(counts, {"n": "flow", "d": "flow", "pct": "percentage"}, [], FORCE,
                            percentages={"pct": ("n", "d")}, truth={("n", FORCE, "2015-06"): 3})
    assert not result.passed and "a percentage is shown while the count it is built from is hidden" in \
        result.failures[0]


@pytest.mark.parametrize("seed", range(6))
def test_system_suppression_with_rolling_windows_and_a_part_passes_the_independent_audit(seed):
    rng = random.Random(seed)
    months = [str(p) for p in pd.period_range("2014-04", "2015-07", freq="M")]
    whole_rows, part_rows = [], []
    for p, d in itertools.product(months, DISTRICTS):
        whole = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30])
        part = rng.randint(0, whole)
        whole_rows.append({"period": p, "district": d, "value": whole})
        part_rows.append({"period": p, "district": d, "value": part})
    tables = {m: build_table(pd.DataFrame(rows), "flow", DISTRICTS, FORCE, rolling=True, windows_to=[months[-1]])
              for m, rows in (("whole", whole_rows), ("part", part_rows))}
    done = suppress_system(tables, DisclosureSettings(threshold=4), part_of={"part": "whole"}, linear=True)
    frames = []
    for m, t in done.items():
        f = t.to_frame()
        f.insert(0, "measure", m)
        frames.append(f)
    cells = pd.concat(frames, ignore_index=True)
    assert {"month", "quarter", "financial_year", "rolling_12_months"} <= set(cells["period_type"])
    truth = {(m, a, p): v for m, t in tables.items() for (a, p), v in t.values.items()}
    for row in cells.itertuples():  # nothing from 1 to 4 is shown
        assert row.suppressed or not 1 <= truth[(row.measure, row.area, row.period)] <= 4
    result = lp_audit.audit(cells, {"whole": "flow", "part": "flow"}, DISTRICTS, FORCE, part_of={"part": "whole"},
                            truth=truth)
    assert result.passed, result.failures[:3]
    assert len(result.cells) == int(cells["suppressed"].sum())
    # the quick audit (a range shown wide enough by two points that fit is not solved for) gives the same verdict,
    # and never a width wider than the exact one
    exact = lp_audit.audit(cells, {"whole": "flow", "part": "flow"}, DISTRICTS, FORCE, part_of={"part": "whole"},
                           truth=truth, exact=True)
    assert exact.passed and exact.cells["exact"].all() and not result.cells["exact"].all()
    both = result.cells.merge(exact.cells, on=["measure", "area", "period"], suffixes=("", "_exact"))
    assert len(both) == len(result.cells)
    assert (both["width"].fillna(float("inf")) <= both["width_exact"].fillna(float("inf"))).all()
    assert result.min_width <= exact.min_width


def test_every_secondary_cell_left_hidden_is_one_the_independent_audit_needs():
    """Secondary cells are chosen one at a time, each for a cell narrow then; a later one can protect what an
    earlier one was chosen for. Each is then shown unless a hidden cell would become narrow: showing any one still
    hidden lets the audit narrow some hidden figure."""
    rng = random.Random(2)
    months = [str(p) for p in pd.period_range("2014-04", "2015-03", freq="M")]
    whole_rows, part_rows = [], []
    for p, d in itertools.product(months, DISTRICTS):
        whole = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30])
        whole_rows.append({"period": p, "district": d, "value": whole})
        part_rows.append({"period": p, "district": d, "value": rng.randint(0, whole)})
    tables = {m: build_table(pd.DataFrame(rows), "flow", DISTRICTS, FORCE, rolling=True, windows_to=[months[-1]])
              for m, rows in (("whole", whole_rows), ("part", part_rows))}
    done = suppress_system(tables, DisclosureSettings(threshold=4), part_of={"part": "whole"}, linear=True)
    cells = pd.concat([t.to_frame().assign(measure=m) for m, t in done.items()], ignore_index=True)
    truth = {(m, a, p): v for m, t in tables.items() for (a, p), v in t.values.items()}
    how = {"kinds": {"whole": "flow", "part": "flow"}, "districts": DISTRICTS, "force_name": FORCE,
           "part_of": {"part": "whole"}, "truth": truth}
    assert lp_audit.audit(cells, **how).passed
    secondary = cells.index[cells["reason"] == SECONDARY]
    assert len(secondary) > 10
    needless = []
    for i in secondary:
        key = tuple(cells.loc[i, ["measure", "area", "period"]])
        shown = cells.copy()
        shown.loc[i, ["value", "display", "suppressed", "reason"]] = [truth[key], str(truth[key]), False,
                                                                      NOT_SUPPRESSED]
        if lp_audit.audit(shown, **how).passed:
            needless.append(key)
    assert not needless, needless


@pytest.fixture(scope="module")
def sample_published(sample_db, tmp_path_factory):
    base = tmp_path_factory.mktemp("audited")
    db = copy_warehouse(sample_db, base)
    with warehouse.connect(db) as con:
        approve(con, list(DEMO_PUBLISHED_MONTHS), PCC)
        preview = preview_publication(con, base / "published")
        publish(con, PCC, base / "published")
        truth = approved_figures(con)
    return {"db": db, "folder": base / "published", "preview": preview, "truth": truth,
            "snapshot": public.current_snapshot(base / "published")}


@pytest.mark.slow
def test_the_sample_passes_the_audit_which_is_kept_with_the_snapshot(sample_published):
    preview = sample_published["preview"]
    assert preview.problem is None and preview.audit is not None and preview.audit.passed
    with duckdb.connect(str(sample_published["snapshot"]), read_only=True) as snap:
        meta = dict(snap.execute("SELECT key, value FROM meta WHERE key LIKE 'audit_%'").fetchall())
        kept = snap.execute("SELECT * FROM disclosure_audit").df()
        hidden = snap.execute("SELECT measure, period_type, count(*) AS n FROM figure WHERE suppressed AND measure "
                              "IN (SELECT id FROM measure WHERE kind <> 'percentage') GROUP BY ALL").df()
    assert meta["audit_passed"] == "true" and meta["audit_protection"] == "1" and float(meta["audit_min_width"]) >= 1
    assert int(meta["audit_cells"]) == int(hidden["n"].sum())
    both = kept.merge(hidden, on=["measure", "period_type"])
    assert len(both) == len(hidden) and (both["hidden"] == both["n"]).all() and both["passed"].all()
    assert set(kept.columns) == {"measure", "period_type", "hidden", "narrowest_range", "passed"}, \
        "no hidden cell's own range is kept"


@pytest.mark.slow
def test_the_sample_shows_every_month_of_the_forces_cse_arrests(sample_published):
    """No month of the force's CSE arrests from April 2014 to July 2015 is small, and the districts' small counts
    are protected among the districts: none of the force's months needs hiding (five were, each chosen to protect
    a small count that cells chosen after it protected too)."""
    with duckdb.connect(str(sample_published["snapshot"]), read_only=True) as snap:
        months = snap.execute("SELECT period, suppressed FROM figure WHERE measure = 'cse_arrests' AND area = ? "
                              "AND period_type = 'month'", [FORCE]).df()
    assert len(months) == 16
    assert not months["suppressed"].any(), months[months["suppressed"]]["period"].tolist()


@pytest.mark.slow
def test_the_12_months_to_july_2015_are_published_for_the_force_and_hidden_alike_wherever_they_are_shown(
        sample_published):
    with duckdb.connect(str(sample_published["snapshot"]), read_only=True) as snap:
        windows = snap.execute("SELECT measure, area, value, display, suppressed FROM figure "
                               "WHERE period = '12 months to 2015-07'").df()
    truth = sample_published["truth"]
    last12 = truth[(truth["period"] >= "2014-08") & (truth["period"] <= "2015-07")]
    by = windows.set_index(["measure", "area"])
    # the force's own headline figures of August 2015
    assert by.loc[("cse_charges", FORCE), "value"] == 54 and by.loc[("cse_charges", "Rotherham"), "value"] == 22
    assert int(last12[last12["measure"] == "cse_charges"]["value"].sum()) == 54
    counts = windows[~windows["measure"].isin(["cse_charge_rate"])]
    for row in counts.itertuples():
        rows = last12[last12["measure"] == row.measure]
        expected = rows["value"].sum() if row.area == FORCE else rows[rows["district"] == row.area]["value"].sum()
        if row.suppressed:
            assert row.display == "[c]" and pd.isna(row.value)
        elif not rows.empty and len(rows["period"].unique()) == 12:
            assert row.value == expected, (row.measure, row.area)
    # every force headline a count allows is shown: none is hidden but where the districts' small counts need it
    force_rows = counts[(counts["area"] == FORCE)]
    assert not force_rows[force_rows["measure"].isin(["cse_charges", "cse_arrests", "cse_referrals"])][
        "suppressed"].any()
    # hidden alike in the static site's download: the marker, never a number
    site = sample_published["folder"] / "public" / "site"
    csv_rows = pd.read_csv(site / "published-figures.csv", dtype=str, keep_default_na=False).set_index(
        ["measure_id", "area", "period"])
    assert windows["suppressed"].any()
    for row in windows.itertuples():
        shown = csv_rows.loc[(row.measure, row.area, "12 months to 2015-07")]
        if row.suppressed:
            assert (shown["value"], shown["status"], shown["marker"]) == ("", "suppressed", "[c]")
        else:
            assert float(shown["value"]) == row.value


def test_a_publication_whose_suppression_leaves_a_figure_recoverable_is_refused(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    header = "period,district,measure,value\n"
    text = header + "".join(f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 20, 30, 40),
                                                                                 strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-06"], PCC)

    def primary_only(tables, settings=None, **_kw):  # a suppression that hides the small count alone
        real = suppress_system(tables, settings)
        for t in real.values():
            t.flags.update({k: (PRIMARY if k in t.primary else NOT_SUPPRESSED) for k in t.flags})
        return real

    monkeypatch.setattr(snapshot, "suppress_system", primary_only)
    with warehouse.connect(db) as con:
        preview = preview_publication(con)
        assert not preview.audit.passed
        assert ("Nothing can be published: the disclosure check found 1 hidden figure that could be worked out"
                in preview.problem), preview.problem
        assert "cse_arrests, Barnsley, 2015-06: hidden, but what is public shows it is exactly 3" in preview.problem
        with pytest.raises(NothingToPublish, match="the disclosure check"):
            publish(con, PCC)
    assert public.current_snapshot() is None and not list((tmp_path / "published").glob("snapshot-*"))


def test_no_hidden_figure_can_be_narrowed_from_every_snapshot_published_together(db, tmp_path, monkeypatch):
    """Three months and their quarter published, then Barnsley's June corrected to a small count and published
    again: everything both snapshots show, read back from their files, leaves each hidden figure of the second
    a range of values (worked out exactly here, with the true values counted from the return)."""
    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    header = "period,district,measure,value\n"
    first = {"2015-04": (12, 20, 30, 40), "2015-05": (15, 25, 35, 45), "2015-06": (10, 20, 30, 40)}
    text = header + "".join(f"{p},{d},cse_arrests,{v}\n" for p, vs in first.items()
                            for d, v in zip(DISTRICTS, vs, strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, list(first), PCC)
        publish(con, PCC)
        fix = header + "".join(f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 20, 30, 40),
                                                                                 strict=True))
        assert ingest(con, [write_csv(tmp_path / "fix.csv", fix)]).ok
        approve(con, list(first), PCC)
        publish(con, PCC)
    now = dict(first, **{"2015-06": (3, 20, 30, 40)})
    truth = {}
    for p, vs in now.items():
        for d, v in zip(DISTRICTS, vs, strict=True):
            truth[("cse_arrests", d, p)] = v
        truth[("cse_arrests", FORCE, p)] = sum(vs)
    for i, d in enumerate([*DISTRICTS, FORCE]):
        truth[("cse_arrests", d, "Q1 2015/16")] = sum(
            (vs[i] if d != FORCE else sum(vs)) for vs in now.values())
    snaps = sorted(folder.glob("snapshot-*.duckdb"))
    assert len(snaps) == 2
    read = "SELECT measure, area, period, period_type, value, suppressed FROM figure WHERE measure = 'cse_arrests'"
    latest = public.read(read, snapshot=snaps[-1])
    earlier = public.read(read, snapshot=snaps[0])
    earlier = earlier[~earlier["suppressed"].astype(bool)]
    hidden = latest[latest["suppressed"].astype(bool)]
    assert ("Barnsley", "2015-06") in set(zip(hidden["area"], hidden["period"], strict=True))
    result = lp_audit.audit(latest, {"cse_arrests": "flow"}, DISTRICTS, FORCE, truth=truth, earlier=earlier,
                            exact=True)
    assert result.passed, result.failures
    assert (result.cells["width"].fillna(float("inf")) >= 1).all()


@pytest.fixture(scope="module")
def month_after(sample_published, tmp_path_factory):
    """August 2015, the month after the demo's, approved; its publication previewed beside the sample's."""
    import shutil

    base = tmp_path_factory.mktemp("august")
    db = copy_warehouse(sample_published["db"], base)
    folder = base / "published"
    shutil.copytree(sample_published["folder"], folder, symlinks=True)
    with warehouse.connect(db) as con:
        approve(con, ["2015-08"], PCC)
        preview = preview_publication(con, folder)
        truth = approved_figures(con)
    return {"preview": preview, "truth": truth}


@pytest.mark.slow
def test_the_month_after_the_sample_passes_the_audit_with_the_12_months_published_before_known(month_after):
    """August 2015 after the demo's months: the 12 months to August and to July are both public, and each
    12 months hidden only for company that the one before gives away is shown instead."""
    preview = month_after["preview"]
    assert preview.problem is None, preview.problem
    assert preview.audit.passed and preview.added == ["2015-08"]
    windows = preview.cells[preview.cells["period_type"] == "rolling_12_months"]
    assert set(windows["period"]) == {"12 months to 2015-07", "12 months to 2015-08"}
    charges = windows[windows["measure"] == "cse_charges"].set_index(["area", "period"])
    assert charges.loc[(FORCE, "12 months to 2015-07"), "value"] == 54, "the earlier headline stays as published"
    # every hidden 12 months is one the audit found a range for, at least 1 wide
    hidden = preview.audit.cells[preview.audit.cells["period_type"] == "rolling_12_months"]
    assert (hidden["width"].fillna(float("inf")) >= 1).all()


@pytest.mark.slow
def test_the_month_after_the_sample_shows_every_large_count_that_nothing_hidden_ties_it_to(
        sample_published, month_after):
    """A measure whose August 2015 counts are all large, and whose August 2014 and 12 months to July 2015 the
    sample's publication showed everywhere, has nothing to protect in August: every August figure and its
    12 months are shown (hiding them would protect nothing, whatever else is hidden elsewhere)."""
    from pipelines import settings
    from pipelines.catalogue import catalogue

    threshold = settings.get_int("suppression_threshold")
    cat = catalogue()
    linked = {m.id for m in cat.measures if m.part_of} | {m.part_of for m in cat.measures if m.part_of}
    counts = {m.id for m in cat.measures if m.source == "force_return" and m.kind == "flow"} - linked
    truth = month_after["truth"]
    first = sample_published["preview"].cells
    shown_before = first[~first["suppressed"].astype(bool)]
    free = []
    for measure in sorted(counts):
        august = truth[(truth["measure"] == measure) & (truth["period"] == "2015-08")]
        before = shown_before[shown_before["measure"] == measure]
        shown = set(zip(before["area"], before["period"], strict=True))
        areas = (*DISTRICTS, FORCE)
        if (len(august) == len(DISTRICTS) and (august["value"] >= threshold).all()
                and august["value"].sum() >= threshold
                and all((a, "2014-08") in shown and (a, "12 months to 2015-07") in shown for a in areas)):
            free.append(measure)
    assert "rcrp_mental_health_incidents" in free, "the sample has a measure with nothing to protect in August"
    cells = month_after["preview"].cells
    august = cells[cells["measure"].isin(free) & cells["period"].isin(["2015-08", "12 months to 2015-08"])]
    assert len(august) == len(free) * 10
    hidden = august[august["suppressed"].astype(bool)]
    assert hidden.empty, hidden[["measure", "area", "period"]].to_string()


def test_a_caveat_on_a_hidden_figure_fails_the_audit_and_the_publication(db, tmp_path, monkeypatch):
    shown = {("Barnsley", "2015-06"): None, ("Doncaster", "2015-06"): None, ("Rotherham", "2015-06"): 30,
             ("Sheffield", "2015-06"): 40, (FORCE, "2015-06"): 93}
    on = pd.DataFrame({"measure": ["m", "m"], "area": ["Doncaster", "Rotherham"], "period": ["2015-06"] * 2,
                       "text": ["This figure moved sharply from the latest month before it."] * 2})
    assert lp_audit.caveat_failures(frame_of(shown), on) == [
        "m, Doncaster, 2015-06: a caveat would be published on a hidden figure, and could say something about "
        "its value."]
    assert lp_audit.caveat_failures(frame_of(shown), on[on["area"] == "Rotherham"]) == []
    # a publication whose caveats would sit on a hidden figure is refused, whatever chose them
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = "period,district,measure,value\n" + "".join(
        f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 2, 30, 40), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-06"], PCC)
        monkeypatch.setattr(snapshot, "_public_caveats", lambda *_: on.assign(measure="cse_arrests"))
        preview = preview_publication(con)
        assert preview.audit is not None and not preview.audit.passed
        assert "cse_arrests, Doncaster, 2015-06: a caveat would be published on a hidden figure" in preview.problem
        with pytest.raises(NothingToPublish):
            publish(con, PCC)
    assert public.current_snapshot() is None


def test_a_month_total_shown_before_a_correction_does_not_give_back_a_figure_hidden_then_and_now(
        db, tmp_path, monkeypatch):
    """June 2015's arrests published with Doncaster's 3 hidden beside Rotherham's 6 and the force's 26 shown;
    Sheffield's 7 then corrected to 5. Shown now, Rotherham's 6 would give Doncaster's 3 back from the first
    snapshot's total (26 - 10 - 7 - 6), which the files of both snapshots, read together, must not do: neither for
    a reader who knows which figures were revised, nor for one who guesses that only those listed as revised were."""
    from disclosure_attack import attack

    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    header = "period,district,measure,value\n"
    for name, values in (("r.csv", (10, 3, 6, 7)), ("fix.csv", (10, 3, 6, 5))):
        text = header + "".join(f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, values, strict=True))
        with warehouse.connect(db) as con:
            assert ingest(con, [write_csv(tmp_path / name, text)]).ok
            approve(con, ["2015-06"], PCC)
            publish(con, PCC)
    first, second = sorted(folder.glob("snapshot-*.duckdb"))
    read = "SELECT area, display FROM figure WHERE measure = 'cse_arrests' AND period = '2015-06'"
    assert dict(public.read(read, snapshot=first).itertuples(index=False)) == {
        "Barnsley": "10", "Doncaster": "[c]", "Rotherham": "[c]", "Sheffield": "7", FORCE: "26"}
    shown = dict(public.read(read, snapshot=second).itertuples(index=False))
    assert shown["Doncaster"] == shown["Rotherham"] == "[c]", shown
    assert attack(folder, db, every_snapshot=True) == ([], None)
    assert attack(folder, every_snapshot=True) == ([], None)


def test_a_year_breakdown_shown_before_a_correction_does_not_give_back_a_category_hidden_then_and_now(
        db, tmp_path, monkeypatch):
    """2023/24's suspects identified published by ethnic group: Mixed's 3 hidden with Black's 6 beside Other's 7 and
    the year's 480. Rotherham's June is then corrected, Other 7 to 5. Hiding Other (the smaller) and showing Black's
    6 would give Mixed's 3 back from the first snapshot's year (480, less every category shown then): the files of
    both snapshots, read together by a reader who knows which figures were revised, must not do that."""
    from disclosure_attack import attack

    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    year = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in range(1, 4)]
    special = {("Barnsley", "2023-04"): {"Irish": 7, "White and Asian": 3},
               ("Doncaster", "2023-05"): {"Irish": 4, "African": 6},
               ("Rotherham", "2023-06"): {"Irish": 3, "Arab": 7},
               ("Sheffield", "2023-07"): {"Pakistani": 10},
               ("Sheffield", "2023-08"): {"Not recorded": 5, "Not stated": 5}}

    def rows(cells):
        out = "period,district,measure,value,suspect_ethnicity\n"
        for (d, p), cats in cells.items():
            out += f"{p},{d},cse_suspects_identified,{sum(cats.values())},\n"
            out += "".join(f"{p},{d},cse_suspects_identified,{v},{c}\n" for c, v in cats.items())
        return out

    first = {(d, p): special.get((d, p), {"Irish": 10}) for p in year for d in DISTRICTS}
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", rows(first))]).ok
        approve(con, year, PCC)
        publish(con, PCC)
        fix = {("Rotherham", "2023-06"): {"Irish": 3, "Arab": 5}}
        assert ingest(con, [write_csv(tmp_path / "fix.csv", rows(fix))]).ok
        approve(con, ["2023-06"], PCC)
        publish(con, PCC)
    earlier, now = (dict(public.read("SELECT category, display FROM breakdown WHERE measure = "
                                     "'cse_suspects_identified' AND category <> 'share_recorded'",
                                     snapshot=path).itertuples(index=False))
                    for path in sorted(folder.glob("snapshot-*.duckdb")))
    assert (earlier["mixed_or_multiple_ethnic_groups"], earlier["black_black_british_black_welsh_caribbean_or_african"],
            earlier["other_ethnic_group"]) == ("[c]", "[c]", "7"), earlier
    assert now["mixed_or_multiple_ethnic_groups"] == "[c]"
    assert attack(folder, db, every_snapshot=True) == ([], None)
    # a reader who guesses that only the figures the revision table lists changed (a category's correction is not
    # listed there) narrows figures, but to values they do not have
    assert_guesses_miss(folder, db)


def test_a_grooming_count_shown_before_a_correction_does_not_give_back_cse_arrests_hidden_then_and_now(
        db, tmp_path, monkeypatch):
    """June 2015's CSE arrests published with Doncaster's 6 and Rotherham's 2 hidden beside the force's 30, and
    Doncaster's grooming arrests, part of its CSE arrests, shown as 6: Doncaster's CSE arrests are at least 6. Then
    Rotherham's CSE arrests are corrected to 1 and Doncaster's grooming arrests to 2. Doncaster's CSE arrests,
    unchanged, are still at least the 6 the first snapshot showed of them, so the second snapshot's total of 29 would
    give back both (6 and 1), and from them the first snapshot's 2 and both snapshots' grooming arrests for
    Rotherham and Sheffield: the files of both snapshots, read together, must not do that."""
    from disclosure_attack import attack

    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    header = "period,district,measure,value\n"
    for name, cse, grooming in (("r.csv", (10, 6, 2, 12), (6, 6, 1, 5)), ("fix.csv", (10, 6, 1, 12), (6, 2, 1, 5))):
        text = header + "".join(f"2015-06,{d},{m},{v}\n" for m, values in (("cse_arrests", cse),
                                                                          ("grooming_arrests", grooming))
                                for d, v in zip(DISTRICTS, values, strict=True))
        with warehouse.connect(db) as con:
            assert ingest(con, [write_csv(tmp_path / name, text)]).ok
            approve(con, ["2015-06"], PCC)
            publish(con, PCC)
    first, second = sorted(folder.glob("snapshot-*.duckdb"))
    read = "SELECT measure, area, display FROM figure WHERE area = 'Doncaster' AND period = '2015-06'"
    assert {m: v for m, _, v in public.read(read, snapshot=first).itertuples(index=False)
            if m in ("cse_arrests", "grooming_arrests")} == {"cse_arrests": "[c]", "grooming_arrests": "6"}
    assert attack(folder, db, every_snapshot=True) == ([], None)
    # a reader who guesses that only the figures the revision table lists changed narrows figures, but to values
    # they do not have
    assert_guesses_miss(folder, db)


def assert_guesses_miss(folder, db) -> None:
    """Every figure a reader narrows by guessing which figures changed (the revision table's) is narrowed to values it
    does not have."""
    import disclosure_attack

    snaps = disclosure_attack.read_snapshots(folder)
    disclosure_attack.add_truth(snaps, db)
    truths = {(s.version, k): v for s in snaps for k, v in s.truth.items()}
    guessed, _ = disclosure_attack.attack(folder, every_snapshot=True)
    assert all(truths.get((g.version, (g.measure, g.area, g.period))) not in (g.lower, g.upper) for g in guessed), \
        guessed


def _snapshot_file(path, figures: list[tuple], breakdowns: list[tuple] = ()) -> None:
    """A snapshot as the public downloads it, reduced to what the attack reads: figures (measure, area, period,
    period_type, value or None when hidden) and breakdown categories (measure, dimension, category, period, value or
    None)."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('districts', '[\"Barnsley\", \"Doncaster\"]')")
    con.execute("CREATE TABLE figure (measure VARCHAR, area VARCHAR, period VARCHAR, period_type VARCHAR, "
                "value DOUBLE, suppressed BOOLEAN)")
    con.executemany("INSERT INTO figure VALUES (?, ?, ?, ?, ?, ?)", [(*r, r[-1] is None) for r in figures])
    con.execute("CREATE TABLE measure (id VARCHAR, kind VARCHAR)")
    con.executemany("INSERT INTO measure VALUES (?, ?)", [
        ("cse_suspects_identified", "flow"), ("cse_suspects_arrested_12w", "flow"),
        ("cse_suspects_arrested_12w_pct", "percentage")])
    con.execute("CREATE TABLE period AS SELECT DISTINCT period FROM figure WHERE period_type = 'month'")
    con.execute("CREATE TABLE breakdown (measure VARCHAR, dimension VARCHAR, category VARCHAR, label VARCHAR, "
                "area VARCHAR, period VARCHAR, period_type VARCHAR, value DOUBLE, display VARCHAR, suppressed BOOLEAN)")
    con.executemany("INSERT INTO breakdown VALUES (?, ?, ?, ?, ?, ?, 'financial_year', ?, ?, ?)", [
        (m, d, c, c, FORCE, p, v, "[c]" if v is None else str(v), v is None) for m, d, c, p, v in breakdowns])
    con.execute("CREATE TABLE revision (measure VARCHAR, area VARCHAR, period VARCHAR, period_type VARCHAR, "
                "previous_display VARCHAR, new_display VARCHAR, revised_at TIMESTAMP, version INTEGER)")
    con.close()


def test_the_attack_reads_every_percentage_the_catalogue_declares_and_a_breakdowns_share_recorded(tmp_path):
    """Barnsley's 3 suspects arrested within 12 weeks hidden beside its 40 suspects and its 7.5% shown are 3 exactly;
    so is a year's 3 suspects whose ethnicity was not recorded, hidden beside the year's 70 and the share recorded
    95.7%. The attack must find both, as a reader would (a publication the product's own audit refuses)."""
    from disclosure_attack import attack

    suspects, within = "cse_suspects_identified", "cse_suspects_arrested_12w"
    ethnicity = [(suspects, "suspect_ethnicity", c, "2026/27", v) for c, v in (
        ("white", 50), ("asian_asian_british_or_asian_welsh", None), ("not_stated", 0), ("not_recorded", None),
        ("share_recorded", 95.7))]
    _snapshot_file(tmp_path / "snapshot-0001.duckdb", [
        (suspects, "Barnsley", "2026-04", "month", 40), (suspects, "Doncaster", "2026-04", "month", 30),
        (suspects, FORCE, "2026-04", "month", 70), (suspects, FORCE, "2026/27", "financial_year", 70),
        (within, "Barnsley", "2026-04", "month", None), (within, "Doncaster", "2026-04", "month", None),
        (within, FORCE, "2026-04", "month", 10), (f"{within}_pct", "Barnsley", "2026-04", "month", 7.5)], ethnicity)
    found, note = attack(tmp_path)
    assert note is None
    assert {(f.measure, f.area, f.period, f.lower, f.upper) for f in found} == {
        (within, "Barnsley", "2026-04", 3, 3), (within, "Doncaster", "2026-04", 7, 7),
        (f"{suspects}|suspect_ethnicity|not_recorded", FORCE, "2026/27", 3, 3),
        (f"{suspects}|suspect_ethnicity|asian_asian_british_or_asian_welsh", FORCE, "2026/27", 17, 17)}


@pytest.mark.parametrize("seed", range(3))
def test_a_year_of_monthly_12_month_totals_leaves_the_force_figures_shown(seed):
    # 28 months of district counts from 2 to 16 (about one in five small) with the 12 months to every month
    # published, as a year of monthly publications leaves them: no force month is small, and none needs hiding
    rng = random.Random(seed)
    months = [str(p) for p in pd.period_range("2014-04", "2016-07", freq="M")]
    rows = [{"period": p, "district": d, "value": rng.randint(2, 16)} for p, d in itertools.product(months, DISTRICTS)]
    table = build_table(pd.DataFrame(rows), "flow", DISTRICTS, FORCE, rolling=True, windows_to=months[11:])
    cells = suppress_system({"m": table}, DisclosureSettings(threshold=4), linear=True)["m"].to_frame()
    force = cells[cells["area"] == FORCE]
    assert not force["suppressed"].any(), force[force["suppressed"]][["period"]].to_string()
    assert cells["suppressed"].sum() < len(cells) / 2
    cells.insert(0, "measure", "m")
    truth = {("m", a, p): v for (a, p), v in table.values.items()}
    result = lp_audit.audit(cells, {"m": "flow"}, DISTRICTS, FORCE, truth=truth)
    assert result.passed, result.failures[:3]


def test_a_figure_earlier_publications_already_give_away_is_told_apart_from_one_this_publication_would():
    hidden = {("Barnsley", "2015-06"): None, ("Doncaster", "2015-06"): None, ("Rotherham", "2015-06"): 30,
              ("Sheffield", "2015-06"): 40, (FORCE, "2015-06"): 93}
    truth = {("m", a, "2015-06"): v for a, v in zip((*DISTRICTS, FORCE), (3, 20, 30, 40, 93), strict=True)}
    # an earlier snapshot showed Doncaster's 20: Barnsley's 3 follows from what was public before this one
    earlier = pd.DataFrame([{"measure": "m", "area": a, "period": "2015-06", "value": v}
                            for a, v in (("Doncaster", 20), ("Rotherham", 30), ("Sheffield", 40), (FORCE, 93))])
    how = {"truth": truth, "earlier": earlier}
    found = lp_audit.audit(frame_of(hidden), {"m": "flow"}, DISTRICTS, FORCE, **how)
    assert not found.passed and list(found.narrow) == [("m", "Barnsley", "2015-06")]
    told = lp_audit.before_this(found, frame_of(hidden), {"m": "flow"}, DISTRICTS, FORCE, **how)
    assert told.passed and len(told.exposed_before) == 1 and "m, Barnsley, 2015-06" in told.exposed_before[0]
    # nothing public before: it is this publication's four figures that give Barnsley away, and it stays refused
    shown = {**hidden, ("Doncaster", "2015-06"): 20}
    mine = lp_audit.audit(frame_of(shown), {"m": "flow"}, DISTRICTS, FORCE, truth=truth)
    kept = lp_audit.before_this(mine, frame_of(shown), {"m": "flow"}, DISTRICTS, FORCE, truth=truth)
    assert not kept.passed and not kept.exposed_before and kept.failures == mine.failures


def test_a_publication_goes_ahead_when_only_an_earlier_one_gives_a_figure_away_and_says_so(db, tmp_path, monkeypatch):
    # an earlier version's snapshot showed Doncaster's June beside its hidden small count: nothing published
    # now can take that back, and refusing would stop every publication after it
    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    header = "period,district,measure,value\n"
    june = header + "".join(f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 20, 30, 40), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "june.csv", june)]).ok
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
    first = public.current_snapshot(folder)
    with duckdb.connect(str(first)) as snap:
        hidden = snap.execute("SELECT area FROM figure WHERE measure = 'cse_arrests' AND period = '2015-06' "
                              "AND suppressed ORDER BY area").fetchall()
        assert hidden == [("Barnsley",), ("Doncaster",)]
        snap.execute("UPDATE figure SET suppressed = false, value = 20, display = '20' WHERE measure = 'cse_arrests' "
                     "AND area = 'Doncaster' AND period = '2015-06'")
    july = header + "".join(f"2015-07,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (12, 20, 30, 40), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "july.csv", july)]).ok
        approve(con, ["2015-07"], PCC)
        preview = preview_publication(con, folder)
        assert preview.problem is None and preview.audit.passed
        said = [line for line in preview.summary if "can already be worked out from earlier publications" in line]
        assert len(said) == 1 and "cse_arrests, Barnsley, 2015-06" in said[0]
        assert said[0].startswith("1 hidden figure can already be worked out from earlier publications, without "
                                  "this one"), said[0]
        assert "does not narrow it, and withholding it would not take it back." in said[0], said[0]
        publish(con, PCC)
        trail = con.execute("SELECT detail FROM audit_event WHERE action = 'publish' ORDER BY rowid DESC LIMIT 1"
                            ).fetchone()[0]
    assert public.current_snapshot(folder) != first
    assert "hidden figures earlier publications already give away: 1" in trail


def test_a_small_count_earlier_publications_gave_away_hides_nothing_more_in_a_vain_attempt_to_protect_it():
    # an earlier snapshot showed June's force total and three districts: Barnsley's 3 is given away whatever this
    # publication hides, so hiding more of Barnsley's figures protects nothing and only takes them from the public
    months = ["2015-04", "2015-05", "2015-06"]
    values = {"2015-04": (20, 30, 40, 50), "2015-05": (25, 35, 45, 55), "2015-06": (3, 20, 30, 40)}
    rows = [{"period": p, "district": d, "value": v} for p in months for d, v in zip(DISTRICTS, values[p], strict=True)]
    table = build_table(pd.DataFrame(rows), "flow", DISTRICTS, FORCE)
    known = [("m", a, "2015-06") for a in (*DISTRICTS[1:], FORCE)]
    done = suppress_system({"m": table}, DisclosureSettings(threshold=4), known=known, linear=True)["m"]
    assert ("Barnsley", "2015-06") in done.primary
    # what "at least two hidden in each relation" asks (Barnsley's quarter, then April and May in turn), no more:
    # every quarter and total stays shown
    assert done.suppressed == {("Barnsley", "2015-04"), ("Barnsley", "2015-05"), ("Barnsley", "2015-06"),
                               ("Doncaster", "2015-04"), ("Doncaster", "2015-05")}


def _published_before_the_month_before_them(db, tmp_path, monkeypatch, to: int = 4) -> Path:
    """May 2025 to April 2026 published first: the 12 months to April 2026, its quarters and April 2026 are shown,
    Rotherham's May and June 2025 (2 and 2) hidden, so what is public says they add up to 4. April 2025, approved
    late, is 0 in Rotherham: shown, as a zero is, it would give its quarter (4, hidden) away, and nothing hidden now
    can help. The returns run to month `to` of 2026; the folder published into is returned."""
    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    months = [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in range(1, to + 1)]
    rotherham = dict(zip(months, (0, 2, 2, *range(10, 10 + len(months) - 3)), strict=True))
    text = "period,district,measure,value\n" + "".join(
        f"{m},{d},cse_arrests,{rotherham[m] if d == 'Rotherham' else v}\n"
        for i, m in enumerate(months) for d, v in zip(DISTRICTS, (20 + i, 30 + i, 0, 40 + i), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, months[1:13], PCC)
        publish(con, PCC)
    return folder


HELD = ("April 2025 is held back by the disclosure check: published now, with what is already public, it would let a "
        "count under 5 be worked out (CSE arrests in Rotherham, April to June 2025). What gives it away is its zero "
        "(CSE arrests in Rotherham, April 2025), which is always shown, with what earlier publications showed: no "
        "figure that may be hidden can protect it, and what is public stays public, so it cannot be published as its "
        "figures stand, now or later. It stays approved, and can be published if the office decides to hide zeros as "
        'it hides small counts (the "suppress zero" setting, PCCDASH_SUPPRESS_ZERO=true: every publication from then '
        "on hides its zeros), or if its figures turn out wrong and are corrected (load the correction and approve the "
        "month again); the other approved months are published without it.")


def test_a_month_published_after_the_months_that_follow_it_and_giving_a_hidden_figure_away_is_held_back(
        db, tmp_path, monkeypatch):
    # the rest approved with it (May 2026) is published; April 2025 is held back, and says why wherever it is said
    from disclosure_attack import attack

    folder = _published_before_the_month_before_them(db, tmp_path, monkeypatch, to=6)
    with warehouse.connect(db) as con:
        approve(con, ["2025-04", "2026-05"], PCC)
        preview = preview_publication(con)
        assert preview.problem is None and preview.audit.passed
        assert preview.added == ["2026-05"] and "2025-04" not in preview.months and not preview.held
        assert preview.withheld == {"2025-04": HELD} and HELD in preview.summary
        version, path = publish(con, PCC)
        trail = con.execute("SELECT detail FROM audit_event WHERE action = 'publish' ORDER BY rowid DESC LIMIT 1"
                            ).fetchall()[0][0]
        state = con.execute("SELECT approved_at IS NOT NULL, published_at IS NULL FROM period_status "
                            "WHERE period = DATE '2025-04-01'").fetchall()
        [(held_at,)] = con.execute("SELECT acted_at FROM publication_event WHERE action = ?",
                                   [HELD_BY_DISCLOSURE]).fetchall()
    assert HELD in trail and "blocking flag" not in trail
    assert state == [(True, True)]  # still approved, never published
    assert "2025-04" not in set(public.read("SELECT period FROM period", snapshot=path)["period"])
    assert public.read("SELECT count(*) AS n FROM figure WHERE period = '2025-04' OR period = 'Q1 2025/26'",
                       snapshot=path)["n"].iloc[0] == 0
    release = public.read("SELECT month, expected_on, status FROM release WHERE month = '2025-04'", snapshot=path)
    assert release["status"].tolist() == ["held_disclosure"] and release["expected_on"].isna().all()
    from pipelines.publish import info
    from pipelines.publish.content import SnapshotView, Table

    page = info.calendar_page(SnapshotView(path))
    rows = [row for block in page.blocks if isinstance(block, Table) for row in block.rows]
    said = {row[0].text: row[2].text for row in rows if len(row) == 3}
    assert said["April 2025"].startswith(f"Approved, and held back since {uk_day_words(held_at)}, when a publication "
                                         "first left it out, so that no one can be identified")
    assert "Rotherham" not in said["April 2025"]  # the public is told why, never which figure
    assert attack(folder, db, every_snapshot=True) == ([], None)  # not one hidden figure narrowed, by any reader

    # a later publication holds it back again: it stays approved, and is not lost
    with warehouse.connect(db) as con:
        nothing = preview_publication(con)
        assert nothing.problem.startswith(f"Nothing to publish: the public already reads, in snapshot {version}, "
                                          "every approved month that the disclosure check does not hold back")
        assert HELD in nothing.problem
        approve(con, ["2026-06"], PCC)
        later = preview_publication(con)
        assert later.problem is None and later.added == ["2026-06"] and list(later.withheld) == ["2025-04"]
        _, again = publish(con, PCC)
    assert "2025-04" not in set(public.read("SELECT period FROM period", snapshot=again)["period"])
    assert attack(folder, db, every_snapshot=True) == ([], None)


def test_the_publish_command_says_which_month_the_disclosure_check_holds_back_and_why(db, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipelines.cli import main

    _published_before_the_month_before_them(db, tmp_path, monkeypatch, to=5)
    with warehouse.connect(db) as con:
        approve(con, ["2025-04", "2026-05"], PCC)
    result = CliRunner().invoke(main, ["publish", "--db", str(db), "--as", "pcc@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    assert HELD in " ".join(result.output.split()) and "blocking flag" not in result.output
    assert "Months added: May 2026." in result.output


def test_the_publishing_page_says_which_month_the_disclosure_check_holds_back_and_publishes_the_rest(
        db, tmp_path, monkeypatch):
    from dashboard_helpers import internal, texts

    folder = _published_before_the_month_before_them(db, tmp_path, monkeypatch, to=5)
    with warehouse.connect(db) as con:
        approve(con, ["2025-04", "2026-05"], PCC)
    at = internal(monkeypatch, db, "internal_pages/publishing.py", PCC)
    assert not at.exception, at.exception
    assert HELD in texts(at) and "Months added: May 2026." in texts(at)
    at.checkbox(key="publish_checked").check().run()
    at.button(key="publish").click().run()
    assert not at.exception, at.exception
    path = public.current_snapshot(folder)
    assert path.name == "snapshot-0002.duckdb"
    assert sorted(public.read("SELECT period FROM period", snapshot=path)["period"])[:2] == ["2025-05", "2025-06"]


def test_a_month_held_back_by_the_disclosure_check_alone_leaves_nothing_to_publish_and_says_why(
        db, tmp_path, monkeypatch):
    _published_before_the_month_before_them(db, tmp_path, monkeypatch)
    with warehouse.connect(db) as con:
        approve(con, ["2025-04"], PCC)
        preview = preview_publication(con)
        assert preview.audit.passed and list(preview.withheld) == ["2025-04"]
        assert "every approved month that the disclosure check does not hold back" in preview.problem
        assert HELD in preview.problem
        with pytest.raises(NothingToPublish):
            publish(con, PCC)


def test_a_publication_refused_because_the_disclosure_check_held_back_every_month_records_the_hold(
        db, tmp_path, monkeypatch):
    """Regression: held back by the disclosure check with nothing else to publish, `pccdash publish` refused and kept
    nothing, so `pccdash periods` said the month was plain "approved", as if waiting for the next publication, where a
    month held back by a publication says so, when and why."""
    from click.testing import CliRunner

    from pipelines.cli import main
    from pipelines.publish.approval import period_states
    from pipelines.uk_time import uk_day

    _published_before_the_month_before_them(db, tmp_path, monkeypatch)
    with warehouse.connect(db) as con:
        approve(con, ["2025-04"], PCC)
    tried = CliRunner().invoke(main, ["publish", "--db", str(db), "--yes", "--as", "pcc@example.org"])
    assert tried.exit_code == 1 and "the disclosure check does not hold back" in tried.stderr
    with warehouse.connect_read_only(db) as con:
        [(at,)] = con.execute("SELECT acted_at FROM publication_event WHERE action = 'held back by the disclosure "
                              "check'").fetchall()
        [state] = [s for s in period_states(con) if f"{s.period:%Y-%m}" == "2025-04"]
        assert con.execute("SELECT count(*) FROM snapshot").fetchall() == [(1,)]  # nothing was published
    said = (f"held back by the disclosure check when a publication was tried on {uk_day(at):%Y-%m-%d}: published with "
            "what was already public, it would have let a count under 5 be worked out (CSE arrests in Rotherham, "
            "April to June 2025); it stays approved, and as its figures stand no later publication will publish it "
            "(the preview of a publication says what would)")
    assert state.status == "held back" and state.note.startswith(said), state.note
    periods = CliRunner().invoke(main, ["periods", "--db", str(db), "--months", "0"])
    line = next(x for x in periods.output.splitlines() if x.startswith("2025-04"))
    assert " held back " in line and said in line
    trail = CliRunner().invoke(main, ["audit", "--db", str(db), "--action", "publish", "--format", "csv"]).output
    assert "tried to publish: nothing was published" in trail
    # the function refuses and records alike
    with warehouse.connect(db) as con:
        with pytest.raises(NothingToPublish):
            publish(con, PCC)
        assert con.execute("SELECT count(*) FROM publication_event WHERE action = 'held back by the disclosure "
                           "check'").fetchall() == [(2,)]


def test_the_reason_a_month_is_held_back_names_each_figure_in_words():
    hidden = pd.DataFrame([("cse_suspects_identified", FORCE, "2025/26", "financial_year", 3, "suspect_ethnicity",
                            "mixed", "Mixed"),
                           ("cse_arrests", "Rotherham", "12 months to 2025-09", "rolling_12_months", 40, "", "", "")],
                          columns=snapshot.HIDDEN_COLUMNS)
    reason = snapshot._withheld_reason("2025-04", [("cse_suspects_identified|suspect_ethnicity|mixed", FORCE,
                                                    "2025/26")], hidden)
    assert reason.startswith("April 2025 is held back by the disclosure check: published now, with what is already "
                             "public, it would let a count under 5 be worked out (CSE suspects identified (Mixed) in "
                             "South Yorkshire, April 2025 to March 2026).")
    # a figure hidden with a small one, not small itself, is not said to be small
    reason = snapshot._withheld_reason("2025-04", [("cse_arrests", "Rotherham", "12 months to 2025-09")], hidden)
    assert "it would let a hidden figure be worked out (CSE arrests in Rotherham, 12 months to September 2025)" \
        in reason



HELD_NOTE = ("held back by the disclosure check when snapshot {version} was published on {day}{since}: published "
             "with what was already public, it would have let a count under 5 be worked out (CSE arrests in Rotherham, "
             "April to June 2025); it stays approved, and as its figures stand no later publication will publish "
             "it (the preview of a publication says what would)")


def test_a_month_the_disclosure_check_held_back_shows_so_with_why_until_it_is_published(db, tmp_path, monkeypatch):
    # the publication keeps what it held back: the month's status says it, and why, without a check run again
    from click.testing import CliRunner
    from dashboard_helpers import internal, texts

    from pipelines.cli import main
    from pipelines.publish.approval import period_states
    from pipelines.uk_time import uk_day

    def states(con) -> dict:
        with monkeypatch.context() as m:
            m.setattr(snapshot, "_publication", None)  # reading a status works nothing out again
            return {s.period.strftime("%Y-%m"): s for s in period_states(con)}

    def note(con, version: int, since: str = "") -> str:
        made = con.execute("SELECT created_at FROM snapshot WHERE version = ?", [version]).fetchall()[0][0]
        return HELD_NOTE.format(version=version, day=f"{uk_day(made):%Y-%m-%d}", since=since)

    _published_before_the_month_before_them(db, tmp_path, monkeypatch, to=6)
    with warehouse.connect(db) as con:
        approve(con, ["2025-04", "2026-05"], PCC)
        assert states(con)["2025-04"].status == "approved"
        publish(con, PCC)
        said = note(con, 2)
        now = states(con)
    assert now["2025-04"].status == "held back" and now["2025-04"].note.startswith(said)
    # the rest of its return never came: not said as going out without it, as a month about to be published is
    assert "not yet in: once published, the public reads it without those figures" in now["2025-04"].note
    assert "it is published without those figures" not in now["2025-04"].note
    assert now["2026-05"].status == "published" and "disclosure" not in now["2026-05"].note
    out = CliRunner().invoke(main, ["periods", "--db", str(db), "--months", "0"])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if x.startswith("2025-04"))
    assert " held back " in line and said in line
    at = internal(monkeypatch, db, "internal_pages/publishing.py", PCC)
    assert not at.exception, at.exception
    assert "Held back 1" in texts(at)
    table = next(df for df in (e.value for e in at.dataframe) if "Status" in df.columns).set_index("Month")
    assert table.loc["April 2025", "Status"] == "held back" and table.loc["April 2025", "Note"].startswith(said)

    with warehouse.connect(db) as con:
        # the publication that held it back withdrawn: said, and the month still approved and held back
        snapshot.withdraw(con, PCC, "May 2026 was published in error")
        held = states(con)["2025-04"]
        assert held.status == "held back" and held.note.startswith(note(con, 2, ", since withdrawn"))
        # the next publication holds it back again: its status names that one
        approve(con, ["2026-05"], PCC)
        publish(con, PCC)
        assert states(con)["2025-04"].note.startswith(note(con, 3))
        # corrected, it needs approving again; approved again, the next publication checks it as any approved month
        text = "period,district,measure,value\n2025-04,Rotherham,cse_arrests,1\n"
        assert ingest(con, [write_csv(tmp_path / "correction.csv", text)]).ok
        changed = states(con)["2025-04"]
        assert changed.status == "changed" and changed.note.startswith(note(con, 3))
        assert "approve it again" in changed.note
        approve(con, ["2025-04"], PCC)
        again = states(con)["2025-04"]
        assert again.status == "approved" and "disclosure" not in again.note


def test_after_a_withdrawal_the_release_calendar_still_says_a_month_held_back_is_held_back(db, tmp_path, monkeypatch):
    """Regression: the calendar a withdrawal rebuilds read a month the disclosure check held back as "Checked and
    approved; to be published" on today's date, as if nothing held it back. Regression too: it never said since when
    the month had been held back; it says the day of the first publication that left it out, kept by those after."""
    from dashboard_helpers import html_tables, tables_in
    from dashboard_helpers import public as public_app

    set_clock(monkeypatch, dt.datetime(2026, 8, 3, 9))
    folder = _published_before_the_month_before_them(db, tmp_path, monkeypatch, to=6)
    with warehouse.connect(db) as con:
        set_clock(monkeypatch, dt.datetime(2026, 8, 20, 9))
        approve(con, ["2025-04", "2026-05"], PCC)
        _, first = publish(con, PCC)
        set_clock(monkeypatch, dt.datetime(2026, 9, 1, 9))
        snapshot.withdraw(con, PCC, "May 2026 was published in error")
    assert public.read("SELECT held_since FROM release WHERE month = '2025-04'", snapshot=first)[
        "held_since"].tolist() == [pd.Timestamp("2026-08-20")]
    release = {r["month"]: r for r in public.pointer(folder)["release"]}
    assert release["2025-04"] == {"month": "2025-04", "expected_on": None, "status": "held_disclosure",
                                 "held_since": "2026-08-20"}
    # why, in the public's words: never which figure
    held = ["April 2025", "None: it cannot be published as its figures stand",
            "Approved, and held back since 20 August 2026, when a publication first left it out, so that no one can "
            "be identified: published now, with what is already public, it would let a hidden figure be worked out. "
            "Waiting will not change that: it is given a date only if its figures are corrected or the way figures "
            "are hidden changes"]
    at = public_app(monkeypatch, folder, "public_pages/release_calendar.py")
    assert not at.exception and not at.error
    site = (folder / "public" / "site" / "release-calendar.html").read_text(encoding="utf-8")
    for table in (html_tables(at)[0], tables_in(site)[0]):
        assert [table.index[0], *table.values.tolist()[0]] == held
    # the next publication holds it back again, and its own calendar says so, held back since the first did
    with warehouse.connect(db) as con:
        set_clock(monkeypatch, dt.datetime(2026, 9, 21, 9))
        approve(con, ["2026-05"], PCC)
        _, path = publish(con, PCC)
    assert "release" not in public.pointer(folder)
    assert public.read("SELECT status, held_since FROM release WHERE month = '2025-04'",
                       snapshot=path).values.tolist() == [["held_disclosure", pd.Timestamp("2026-08-20")]]


def test_the_last_month_of_a_quarter_published_in_order_and_giving_the_quarter_away_is_held_back(
        db, tmp_path, monkeypatch):
    # March 2025 to February 2026 published: the 12 months to February 2026 and the quarters before it are shown,
    # Rotherham's January and February 2026 (2 and 2) hidden, so what is public says they add up to 4. March 2026,
    # published in order at the year's end, is 0 in Rotherham: shown, as a zero is, it gives Q4 2025/26 (4, hidden)
    # away, and nothing hidden now can help. It is held back and says why; nothing else was refused for it
    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    months = ["2025-03"] + [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    rotherham = dict(zip(months, (*range(10, 20), 2, 2, 0), strict=True))
    text = "period,district,measure,value\n" + "".join(
        f"{m},{d},cse_arrests,{rotherham[m] if d == 'Rotherham' else v}\n"
        for i, m in enumerate(months) for d, v in zip(DISTRICTS, (20 + i, 30 + i, 0, 40 + i), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, months[:12], PCC)
        publish(con, PCC)
        approve(con, ["2026-03"], PCC)
        preview = preview_publication(con)
    held = ("March 2026 is held back by the disclosure check: published now, with what is already public, it would "
            "let a count under 5 be worked out (CSE arrests in Rotherham, January to March 2026). What gives it away "
            "is its zero (CSE arrests in Rotherham, March 2026), which is always shown, with what earlier publications "
            "showed: no figure that may be hidden can protect it, and what is public stays public, so it cannot be "
            "published as its figures stand, now or later. It stays approved, and can be published if the office "
            'decides to hide zeros as it hides small counts (the "suppress zero" setting, PCCDASH_SUPPRESS_ZERO=true: '
            "every publication from then on hides its zeros), or if its figures turn out wrong and are corrected "
            "(load the correction and approve the month again); the other approved months are published without it.")
    assert preview.withheld == {"2026-03": held}
    assert preview.audit is None or preview.audit.passed
    assert held in preview.problem


def test_a_program_the_audit_solved_before_is_answered_again_without_solving_it(monkeypatch):
    """The builds of one publication and the audit of what was public before it ask many of the same programs: one
    already solved gives the same ranges again without a solve, and one that differs in any figure is solved."""
    import scipy.optimize

    solves = []
    real = scipy.optimize.linprog
    monkeypatch.setattr(scipy.optimize, "linprog", lambda *a, **k: solves.append(1) or real(*a, **k))
    lp_audit._SOLVED.clear()
    shown = {("Barnsley", "2015-06"): None, ("Doncaster", "2015-06"): None, ("Rotherham", "2015-06"): 30,
             ("Sheffield", "2015-06"): 40, (FORCE, "2015-06"): 77}
    truth = {("m", "Barnsley", "2015-06"): 3, ("m", "Doncaster", "2015-06"): 4}
    first = lp_audit.audit(frame_of(shown), {"m": "flow"}, DISTRICTS, FORCE, truth=truth, protection=2)
    assert solves and first.passed
    solved = len(solves)
    again = lp_audit.audit(frame_of(shown), {"m": "flow"}, DISTRICTS, FORCE, truth=truth, protection=2)
    assert len(solves) == solved
    pd.testing.assert_frame_equal(again.cells, first.cells)
    assert (again.failures, again.narrow) == (first.failures, first.narrow)
    shown[(FORCE, "2015-06")] = 78  # another program: solved, with its own answer
    other = lp_audit.audit(frame_of(shown), {"m": "flow"}, DISTRICTS, FORCE,
                           truth={**truth, ("m", "Doncaster", "2015-06"): 5}, protection=2)
    assert len(solves) > solved and other.passed


def test_the_suppression_writes_its_relations_once_for_every_reader_and_each_reads_them_as_written_afresh(
        monkeypatch):
    """The suppression asks its reader many questions, each with other cells hidden: the relations are written as a
    matrix once for all of them, and a reader that takes its unknowns from that matrix finds the same narrow cells as
    one that writes them afresh, a cell that is both a total and a part of one relation among them."""
    from pipelines import disclosure

    rng = random.Random(7)
    months = [f"2015-{m:02d}" for m in range(1, 13)]
    monthly = pd.DataFrame([(m, d, rng.choice([1, 2, 3, 0, 9, 14, 30])) for m in months for d in DISTRICTS],
                           columns=["period", "district", "value"])
    table = build_table(monthly, "flow", list(DISTRICTS), FORCE, rolling=True)
    built = []

    class Counted(disclosure._RelationMatrix):
        def __init__(self, *args):
            built.append(1)
            super().__init__(*args)
    monkeypatch.setattr(disclosure, "_RelationMatrix", Counted)
    done = suppress_system({"m": table}, DisclosureSettings(threshold=4), linear=True)["m"]
    assert len(built) == 1 and done.to_frame()["suppressed"].any()

    keys = table.cells
    index = {k: i for i, k in enumerate(keys)}
    values = [table.values[k] for k in keys]
    relations = [(index[r.total], tuple(index[p] for p in r.parts)) for r in table.relations]
    zero = values.index(0)
    relations.append((1, (1, zero)))  # a cell on both sides: it says the zero is nothing
    shared = disclosure._RelationMatrix(values, relations)
    found = 0
    for _ in range(20):
        unknown = set(rng.sample(range(len(values)), rng.randint(2, len(values) // 3)))
        lows = dict.fromkeys(unknown, 0)
        asked = sorted(unknown)
        alone = disclosure._lp_narrow(values, relations, unknown, lows, 2, asked)
        found += len(alone)
        assert disclosure._lp_narrow(values, relations, unknown, lows, 2, asked, matrix=shared) == alone
    assert found  # some of them narrow: the readers have something to agree on
