"""A breakdown of a measure (suspects identified by ethnicity) published at force by financial year is protected
together with the measure's own table: its categories add up to the measure's force-by-year cell, so a small
category beside a published total takes company, which may be the measure's own year (and then its quarters and
districts), "not recorded" is never that company, and the disclosure audit, told the categories by its caller,
finds every hidden cell a range of values. Checked here on cases built by the test, with its own equations."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from pipelines.disclosure import (
    NOT_SUPPRESSED,
    PRIMARY,
    SECONDARY,
    DisclosureSettings,
    Table,
    breakdown_key,
    build_table,
    force_year_table,
    suppress_system,
)
from pipelines.publish import lp_audit

DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
FORCE = "South Yorkshire"
MEASURE = "cse_suspects_identified"
DIMENSION = "suspect_ethnicity"
FY = "2023/24"
MONTHS = [str(p) for p in pd.period_range("2023-04", "2024-03", freq="M")]
QUARTERS = [f"Q{q} {FY}" for q in range(1, 5)]
NOT_RECORDED = "Not recorded"


def key(category: str) -> str:
    return breakdown_key(MEASURE, DIMENSION, category)


def measure_table(values: dict[tuple[str, str], int] | None = None) -> Table:
    """The measure's table for FY 2023/24: every district-month 10 or more unless `values` says otherwise."""
    rows = [{"period": m, "district": d, "value": (values or {}).get((d, m), 10 + (i * 7 + j * 3) % 20)}
            for i, m in enumerate(MONTHS) for j, d in enumerate(DISTRICTS)]
    return build_table(pd.DataFrame(rows), "flow", DISTRICTS, FORCE)


def breakdown(table: Table, categories: dict[str, int], filler: str | None = "White") -> dict[str, Table]:
    """The categories' force-only tables; `filler` takes what the measure's year leaves over."""
    total = table.values[(FORCE, FY)]
    if filler:
        categories = {**categories, filler: total - sum(categories.values())}
    assert sum(categories.values()) == total
    return {key(c): force_year_table({FY: v}, FORCE) for c, v in categories.items()}


def sums_of(categories: dict[str, Table]) -> list:
    """The relation the suppression is given: the measure's year is the sum of its categories' years."""
    return [((MEASURE, FORCE, FY), tuple((k, FORCE, FY) for k in categories))]


def protect(table: Table, categories: dict[str, Table], *, keep: bool = True, protection: int = 1,
            settings: DisclosureSettings | None = None):
    tables = {MEASURE: table, **categories}
    kept = [(key(NOT_RECORDED), FORCE, FY)] if keep else []
    return suppress_system(tables, settings or DisclosureSettings(threshold=4), sums=sums_of(categories),
                           keep=kept, protection=protection, linear=True)


def published(done) -> pd.DataFrame:
    frames = []
    for m, t in done.items():
        f = t.to_frame()
        f.insert(0, "measure", m)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def truth_of(tables: dict[str, Table]) -> dict:
    return {(m, a, p): v for m, t in tables.items() for (a, p), v in t.values.items()}


def audit(cells: pd.DataFrame, tables: dict[str, Table], declared: list[str], **kw) -> lp_audit.AuditResult:
    """The audit, with the categories declared by the test itself (not read from the suppression's relations)."""
    return lp_audit.audit(cells, {MEASURE: "flow"}, DISTRICTS, FORCE, sums={MEASURE: [key(c) for c in declared]},
                          truth=truth_of(tables), **kw)


def flags(done, category: str) -> str:
    return done[key(category)].flags[(FORCE, FY)]


ETHNICITY = {"Asian": 40, "Black": 2, "Mixed": 25, "Other": 30, NOT_RECORDED: 300}
DECLARED = [*ETHNICITY, "White"]


def test_a_small_category_beside_its_published_total_takes_a_second_category_with_it():
    table = measure_table()
    categories = breakdown(table, ETHNICITY)
    done = protect(table, categories)
    assert flags(done, "Black") == PRIMARY
    assert flags(done, "Mixed") == SECONDARY, "the smallest category above the threshold keeps it company"
    assert [c for c in DECLARED if flags(done, c) != NOT_SUPPRESSED] == ["Black", "Mixed"]
    assert not done[MEASURE].is_suppressed((FORCE, FY)), "the measure's year needs no hiding: two categories are"
    result = audit(published(done), {MEASURE: table, **categories}, DECLARED, exact=True)
    assert result.passed, result.failures
    ranges = result.cells.set_index("measure")
    assert ranges.loc[key("Black"), "lower"] == 1 and ranges.loc[key("Black"), "upper"] == 26  # 2 + 25 = 27


def test_the_second_suppression_removed_by_hand_leaves_the_small_category_recoverable():
    table = measure_table()
    categories = breakdown(table, ETHNICITY)
    cells = published(protect(table, categories))
    mixed = cells["measure"] == key("Mixed")
    assert cells.loc[mixed, "suppressed"].all()
    cells.loc[mixed, ["value", "display", "suppressed"]] = [25, "25", False]
    result = audit(cells, {MEASURE: table, **categories}, DECLARED)
    assert not result.passed
    assert result.failures == [f"{key('Black')}, {FORCE}, {FY}: hidden, but what is public shows it is exactly 2 "
                               "(a range 0 wide; at least 1 is needed)."]


def test_not_recorded_is_never_chosen_to_keep_a_small_category_company_but_is_hidden_when_small_itself():
    table = measure_table()
    small_nr = {"Asian": 40, "Black": 2, "Mixed": 25, NOT_RECORDED: 6}  # not recorded the smallest above 4
    categories = breakdown(table, small_nr)
    assert flags(protect(table, categories, keep=False), NOT_RECORDED) == SECONDARY, "what keep= prevents"
    done = protect(table, categories)
    assert flags(done, NOT_RECORDED) == NOT_SUPPRESSED and flags(done, "Mixed") == SECONDARY
    assert audit(published(done), {MEASURE: table, **categories}, [*small_nr, "White"]).passed
    # a small "not recorded" is hidden for itself: its row is still there, showing the marker
    categories = breakdown(table, {"Asian": 40, "Black": 2, "Mixed": 25, NOT_RECORDED: 3})
    done = protect(table, categories)
    row = published(done).set_index("measure").loc[key(NOT_RECORDED)]
    assert (row["area"], row["period"], row["display"], row["reason"]) == (FORCE, FY, "[c]", PRIMARY)
    assert audit(published(done), {MEASURE: table, **categories}, [*small_nr, "White"], exact=True).passed


def test_a_category_with_no_company_but_not_recorded_hides_the_measures_own_year_and_its_quarters_or_districts():
    table = measure_table()
    categories = breakdown(table, {"Asian": 2}, filler=NOT_RECORDED)
    done = protect(table, categories)
    assert flags(done, "Asian") == PRIMARY and flags(done, NOT_RECORDED) == NOT_SUPPRESSED
    measure = done[MEASURE]
    assert measure.flags[(FORCE, FY)] == SECONDARY, "the measure's own year is the only company left"
    spilled = measure.secondary - {(FORCE, FY)}
    assert spilled and all(p in (FY, *QUARTERS, *MONTHS) for _, p in spilled)
    assert not measure.primary, "every district-month is 10 or more: nothing there is small"
    cells = published(done)
    tables = {MEASURE: table, **categories}
    result = audit(cells, tables, ["Asian", NOT_RECORDED], exact=True)
    assert result.passed, result.failures
    hidden = set(zip(result.cells["measure"], result.cells["area"], result.cells["period"], strict=True))
    assert {(key("Asian"), FORCE, FY), (MEASURE, FORCE, FY)} | {(MEASURE, *k) for k in spilled} == hidden
    # with the year hidden alone in the measure's table, its quarters and districts give it back, and the category
    alone = cells.copy()
    back = (alone["measure"] == MEASURE) & alone["suppressed"] & ~((alone["area"] == FORCE) & (alone["period"] == FY))
    alone.loc[back, "value"] = [table.values[(a, p)] for a, p in zip(alone.loc[back, "area"],
                                                                     alone.loc[back, "period"], strict=True)]
    alone.loc[back, "suppressed"] = False
    failed = audit(alone, tables, ["Asian", NOT_RECORDED])
    assert not failed.passed
    assert any(f.startswith(f"{key('Asian')}, {FORCE}, {FY}: hidden, but what is public shows it is exactly 2")
               for f in failed.failures), failed.failures


def attack(cells: pd.DataFrame, categories: list[str], low: int = 1) -> dict[tuple[str, str, str], float]:
    """The test's own reader: every published cell, the measure's relations (force = districts, quarter = its
    months, year = its quarters) and the breakdown's (year = its categories), solved as a linear program for each
    hidden cell's lowest and highest value. Returns each hidden cell's width (inf when open above)."""
    from scipy.optimize import linprog

    value = {(r.measure, r.area, r.period): (None if r.suppressed else float(r.value)) for r in cells.itertuples()}
    hidden = sorted(k for k, v in value.items() if v is None)
    var = {k: i for i, k in enumerate(hidden)}
    equations = []
    for p in [*MONTHS, *QUARTERS, FY]:
        equations.append(((MEASURE, FORCE, p), [(MEASURE, d, p) for d in DISTRICTS]))
    for a in (*DISTRICTS, FORCE):
        for q, qm in zip(QUARTERS, [MONTHS[i:i + 3] for i in range(0, 12, 3)], strict=True):
            equations.append(((MEASURE, a, q), [(MEASURE, a, m) for m in qm]))
        equations.append(((MEASURE, a, FY), [(MEASURE, a, q) for q in QUARTERS]))
    equations.append(((MEASURE, FORCE, FY), [(key(c), FORCE, FY) for c in categories]))
    a_eq, b_eq = [], []
    for total, parts in equations:
        row, rhs = np.zeros(len(hidden)), 0.0
        for k, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if k in var:
                row[var[k]] += sign
            else:
                rhs -= sign * value[k]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    widths = {}
    for k, i in var.items():
        c = np.zeros(len(hidden))
        c[i] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=[(low, None)] * len(hidden), method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=[(low, None)] * len(hidden), method="highs")
        assert lo.status == 0 and hi.status in (0, 3)
        widths[k] = np.inf if hi.status == 3 else -hi.fun - lo.fun
    return widths


@pytest.mark.parametrize("protection", [1, 3])
@pytest.mark.parametrize("seed", range(4))
def test_an_exact_linear_program_over_everything_published_narrows_no_hidden_cell(seed, protection):
    rng = random.Random(seed)
    small = {(d, m): rng.choice([1, 2, 3, 6, 9]) for d in DISTRICTS for m in MONTHS if rng.random() < 0.2}
    table = measure_table(small)
    names = ["Asian", "Black", "Mixed", "Other", NOT_RECORDED]
    drawn = {c: rng.choice([0, 1, 2, 3, 5, 7, 12, 40]) for c in names}
    drawn[rng.choice(names)] = rng.randint(1, 4)  # at least one small category
    categories = breakdown(table, drawn)
    done = protect(table, categories, protection=protection)
    cells = published(done)
    hidden = cells[cells["suppressed"]]
    assert set(hidden["measure"]) & {key(c) for c in names}, "some category is small"
    widths = attack(cells, [*names, "White"])
    assert set(widths) == set(zip(hidden["measure"], hidden["area"], hidden["period"], strict=True))
    narrow = {k: w for k, w in widths.items() if w < protection - 1e-6}
    assert not narrow, narrow
    assert audit(cells, {MEASURE: table, **categories}, [*names, "White"], protection=protection).passed
    assert flags(done, NOT_RECORDED) in (NOT_SUPPRESSED, PRIMARY)


def completeness_rows(done, categories: dict[str, Table]) -> pd.DataFrame:
    """The share recorded and the share of recorded values that are Asian, at force for the year."""
    total = done[MEASURE].table.values[(FORCE, FY)]
    unrecorded = categories[key(NOT_RECORDED)].values[(FORCE, FY)]
    asian = categories[key("Asian")].values[(FORCE, FY)]
    return pd.DataFrame([
        {"measure": "recorded_share", "area": FORCE, "period": FY, "period_type": "financial_year",
         "value": round(100 * (total - unrecorded) / total, 1), "suppressed": False},
        {"measure": "asian_share_of_recorded", "area": FORCE, "period": FY, "period_type": "financial_year",
         "value": round(100 * asian / (total - unrecorded), 1), "suppressed": False}])


def test_completeness_shown_while_not_recorded_is_hidden_fails_the_audit():
    table = measure_table()
    tables = {MEASURE: table}
    shares = {"recorded_share": (MEASURE, [key(NOT_RECORDED)]), "asian_share_of_recorded": (MEASURE,
                                                                                             [key(NOT_RECORDED)])}
    kinds = {MEASURE: "flow", "recorded_share": "percentage", "asian_share_of_recorded": "percentage"}
    sums = {MEASURE: [key(c) for c in ("Asian", "Black", NOT_RECORDED, "White")]}
    percentages = {"asian_share_of_recorded": (key("Asian"), MEASURE)}

    def run(categories: dict[str, int]):
        parts = breakdown(table, categories)
        done = protect(table, parts)
        tables.update(parts)
        cells = pd.concat([published(done), completeness_rows(done, parts)], ignore_index=True)
        return done, cells, lp_audit.audit(cells, kinds, DISTRICTS, FORCE, sums=sums, percentages=percentages,
                                           completeness=shares, truth=truth_of(tables))

    done, cells, result = run({"Asian": 40, "Black": 30, NOT_RECORDED: 50})
    assert not cells["suppressed"].any() and result.passed, "everything shown: the shares may be"
    done, cells, result = run({"Asian": 40, "Black": 30, NOT_RECORDED: 3})
    assert flags(done, NOT_RECORDED) == PRIMARY
    assert result.failures == [
        f"recorded_share, {FORCE}, {FY}: a completeness figure is shown while {key(NOT_RECORDED)}, which it is "
        "built from, is hidden.",
        f"asian_share_of_recorded, {FORCE}, {FY}: a completeness figure is shown while {key(NOT_RECORDED)}, which "
        "it is built from, is hidden."]
    # hiding the shares too passes; a share shown with its not-recorded count missing from the publication fails
    hidden = cells.assign(suppressed=cells["suppressed"] | cells["measure"].str.endswith("share")
                          | cells["measure"].str.endswith("recorded"))
    assert lp_audit.audit(hidden, kinds, DISTRICTS, FORCE, sums=sums, percentages=percentages,
                          completeness=shares, truth=truth_of(tables)).passed
    done, cells, _ = run({"Asian": 40, "Black": 30, NOT_RECORDED: 50})
    missing = cells[cells["measure"] != key(NOT_RECORDED)]
    result = lp_audit.audit(missing, kinds, DISTRICTS, FORCE, sums=sums, completeness=shares, truth=truth_of(tables))
    assert f"recorded_share, {FORCE}, {FY}: a completeness figure is shown, but {key(NOT_RECORDED)}, which it is " \
           "built from, is not published beside it." in result.failures


def test_a_category_held_back_leaves_the_published_ones_at_most_the_measure():
    """Suppression: parts adding up to less than the whole leave a rest never published. Audit: with a declared
    category absent, the published ones add up to at most the measure, not to it."""
    table = measure_table()
    parts = breakdown(table, {"Asian": 2, "Black": 60, NOT_RECORDED: 400})  # White is held back
    held_back = parts.pop(key("White"))
    assert held_back.values[(FORCE, FY)] > 4
    done = protect(table, parts)
    assert flags(done, "Asian") == PRIMARY
    assert [c for c in ("Black", NOT_RECORDED) if flags(done, c) != NOT_SUPPRESSED] == []
    assert not done[MEASURE].suppressed, "what is held back keeps the small category company"
    cells = published(done)
    tables = {MEASURE: table, **parts}
    result = audit(cells, tables, ["Asian", "Black", NOT_RECORDED, "White"], exact=True)
    assert result.passed
    assert result.cells.iloc[0][["lower", "upper"]].tolist() == [1, held_back.values[(FORCE, FY)] + 2]
    with pytest.raises(ValueError, match="leaves out its true value"):  # an audit that took them for every category
        audit(cells, tables, ["Asian", "Black", NOT_RECORDED], exact=True)


def test_force_only_tables_alone_get_a_bound_above_their_cells():
    """The exact (integer) search bounds every cell by the tables' base total; a force-only table's is its cells'
    sum, not 0 (which would put a secondary category of 98 outside its domain)."""
    tables = {"m": force_year_table({FY: 100}, FORCE), "m|d|a": force_year_table({FY: 2}, FORCE),
              "m|d|b": force_year_table({FY: 98}, FORCE)}
    done = suppress_system(tables, sums=[(("m", FORCE, FY), (("m|d|a", FORCE, FY), ("m|d|b", FORCE, FY)))])
    assert done["m|d|b"].flags[(FORCE, FY)] == SECONDARY and done["m"].bound > 100


def test_the_breakdown_api_refuses_what_it_cannot_mean():
    assert key("Asian") == "cse_suspects_identified|suspect_ethnicity|Asian"
    with pytest.raises(ValueError, match='without "|"'):
        breakdown_key(MEASURE, DIMENSION, "a|b")
    with pytest.raises(ValueError, match="not a whole number"):
        force_year_table({FY: 2.5}, FORCE)
    with pytest.raises(ValueError, match="period_type"):
        force_year_table({FY: 2}, FORCE, period_type="decade")
    tables = {"m": force_year_table({FY: 10}, FORCE), "m|d|a": force_year_table({FY: 12}, FORCE)}
    with pytest.raises(ValueError, match="add up to 12, more than it"):
        suppress_system(tables, sums=[(("m", FORCE, FY), (("m|d|a", FORCE, FY),))])
    with pytest.raises(ValueError, match="not a cell of the tables"):
        suppress_system(tables, sums=[(("m", FORCE, FY), (("m|d|b", FORCE, FY),))])
