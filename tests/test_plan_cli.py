"""`pccdash plan` prints every plan measure's status for a chosen month with its sentence."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from dashboard_helpers import copy_warehouse

from pipelines.plan import load_plans, plan_for


@pytest.fixture(scope="module")
def sample_db(sample_db, tmp_path_factory):
    """The sample warehouse, copied for this module: `pccdash plan` puts the SPC history's version on the audit trail
    the first time it reads a warehouse, which the session's shared warehouse must not gain (the audit tests read its
    trail as the sample leaves it)."""
    return copy_warehouse(sample_db, tmp_path_factory.mktemp("plan_cli"))


def test_plan_prints_each_measure_of_the_plan_in_force_with_a_sentence(sample_db, run_cli):
    result = run_cli("plan", "--db", sample_db, "--month", "2015-07", "--district", "Rotherham")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Police and Crime Plan 2013-2017: July 2015")
    plan = plan_for("2015-07", load_plans())
    for priority in plan.priorities:
        if priority.measures:
            assert priority.name in out
        for pm in priority.measures:
            short = pm.measure.short_name
            assert any(line.startswith(short) and "Rotherham" in line for line in out.splitlines()), short
    assert "Live CSE investigations in Rotherham at the end of July 2015 (46)" in out


def test_plan_csv_has_a_row_per_measure_and_area(sample_db, run_cli):
    out = run_cli("plan", "--db", sample_db, "--month", "2015-07", "--format", "csv").stdout
    df = pd.read_csv(io.StringIO(out))
    plan = plan_for("2015-07", load_plans())
    n_measures = sum(len(p.measures) for p in plan.priorities)
    assert len(df) == n_measures * 5  # the force and four districts
    live = df[(df["measure"] == "Live CSE investigations") & (df["month"] == "July 2015")]
    values = dict(zip(live["area"], live["value"].astype(str), strict=True))
    assert (values["South Yorkshire"], values["Rotherham"]) == ("155", "46")
    assert live["sentence"].str.len().min() > 20


def test_plan_on_an_empty_warehouse_says_how_to_fill_it(db, run_cli):
    run_cli("init", "--db", db)
    result = run_cli("plan", "--db", db)
    assert result.exit_code == 1 and "holds no figures yet" in result.stderr


def test_plan_says_the_open_flags_on_the_months_figures(sample_db, run_cli, tmp_path):
    """A flagged figure is not printed bare: the table is followed by the flag, and the CSV carries it on the
    district's row and on the force's, which adds the district up; once resolved it is gone."""
    from dashboard_helpers import ANALYST, copy_warehouse

    from pipelines import warehouse
    from pipelines.flags import raise_flag, resolve_flag

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        number = raise_flag(con, ANALYST, scope="figure", reason="Two charges counted twice.", period="2015-07",
                            district="Rotherham", measure="cse_charges")
    out = run_cli("plan", "--db", db, "--month", "2015-07", "--district", "Rotherham").stdout
    assert "Two charges counted twice." in out and "CSE charges for Rotherham in July 2015" in out
    elsewhere = run_cli("plan", "--db", db, "--month", "2015-07", "--district", "Sheffield").stdout
    assert "Two charges counted twice." not in elsewhere
    df = pd.read_csv(io.StringIO(run_cli("plan", "--db", db, "--month", "2015-07", "--format", "csv").stdout))
    charges = df[df["measure"] == "CSE charges"].set_index("area")["caveats"].fillna("")
    assert "Two charges counted twice." in charges["Rotherham"]
    assert "Two charges counted twice." in charges["South Yorkshire"]
    assert "Two charges counted twice." not in charges["Sheffield"]
    with warehouse.connect(db) as con:
        resolve_flag(con, ANALYST, number, "Checked with the force: correct.")
    assert "Two charges counted twice." not in run_cli("plan", "--db", db, "--month", "2015-07").stdout


def test_plan_does_not_call_a_run_across_a_missing_month_in_a_row(db, run_cli, tmp_path):
    """June 2026 loaded and May 2026 not: the run below the average counts June with the months before May, and
    the sentence says so rather than "months in a row"."""
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)
              if "2024-07" <= f"{y}-{m:02d}" <= "2026-06" and f"{y}-{m:02d}" != "2026-05"]
    values = [30 if i % 2 == 0 else 34 for i in range(len(months) - 7)] + [29] * 7
    rows = "".join(f"{p},{d},cse_referrals,{v}\n" for p, v in zip(months, values, strict=True)
                   for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield"))
    path = tmp_path / "referrals.csv"
    path.write_text("period,district,measure,value\n" + rows, encoding="utf-8")
    assert run_cli("ingest", path, "--db", db).exit_code == 0
    out = run_cli("plan", "--db", db, "--month", "2026-06", "--district", "Sheffield", "--format", "csv")
    assert out.exit_code == 0, out.output
    df = pd.read_csv(io.StringIO(out.stdout))
    sentence = df.loc[(df["measure"] == "CSE referrals") & (df["area"] == "Sheffield"), "sentence"].item()
    assert "in a row" not in sentence
    assert "below the average (" in sentence
    assert ") in each of the last 7 months with figures (May 2026 is missing)" in sentence


def test_plan_table_words_the_variation_and_assurance_as_the_pages_do(sample_db, run_cli):
    """The table a person reads says "Common cause: no significant change", not "common_cause"; the CSV keeps the
    codes in columns of their own beside the words."""
    from pipelines.plan.spc import ASSURANCE_WORDS, VARIATION_WORDS

    out = run_cli("plan", "--db", sample_db, "--month", "2015-07", "--no-sentences").stdout
    codes = [*VARIATION_WORDS, *ASSURANCE_WORDS]
    assert not [c for c in codes if c in out], out
    assert "Common cause: no significant change" in out
    assert any(w in out for w in ASSURANCE_WORDS.values()), out
    df = pd.read_csv(io.StringIO(run_cli("plan", "--db", sample_db, "--month", "2015-07", "--format", "csv").stdout))
    assert set(df["variation_words"]) <= {*VARIATION_WORDS.values(), "Too few months to judge", "No figure"}
    assert set(df["variation_icon"].dropna()) <= set(VARIATION_WORDS)
    worded = df.dropna(subset=["assurance_icon"])
    assert len(worded) and all(ASSURANCE_WORDS[i] == w for i, w in zip(worded["assurance_icon"],
                                                                         worded["assurance_words"], strict=True))


def test_plan_carries_the_flags_on_the_figures_its_rows_are_made_of(sample_db, run_cli, tmp_path):
    """A row's 12 months are made of earlier months, its change on last year of the same month a year before, and a
    percentage of its numerator's and denominator's figures: their flags follow the row, in the table's caveats and
    the CSV's, naming the part, the month and the figure; a stock's 12 months are its last month's level alone."""
    from dashboard_helpers import ANALYST, copy_warehouse

    from pipelines import warehouse
    from pipelines.flags import raise_flag

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        for period, district, measure, reason in (
                ("2015-07", "Doncaster", "officers_trained", "A course counted before it ended."),
                ("2014-07", "Rotherham", "officer_headcount", "Leavers counted twice."),
                ("2015-03", "Rotherham", "cse_charges", "A charge in the wrong month."),
                ("2015-03", "Rotherham", "officer_headcount", "Not in any figure shown.")):
            raise_flag(con, ANALYST, scope="figure", reason=reason, period=period, district=district, measure=measure)
    trained = ("Officers trained for Doncaster in July 2015, which Officers trained (%) is worked out from: A course "
               "counted before it ended.")
    headcount = ("Officer headcount for Rotherham in July 2014, which Officers trained (%) is worked out from, the "
                 "month the change on last year is measured against: Leavers counted twice.")
    charge = ("CSE charges for Rotherham in March 2015, in the figure for the 12 months to July 2015: A charge in the "
              "wrong month.")
    out = run_cli("plan", "--db", db, "--month", "2015-07").stdout
    for said in (trained, headcount, charge):
        assert said in out, out
    assert "Not in any figure shown." not in out
    df = pd.read_csv(io.StringIO(run_cli("plan", "--db", db, "--month", "2015-07", "--format", "csv").stdout))
    cav = df.set_index(["measure", "area"])["caveats"].fillna("")
    assert "A course counted before it ended." in cav[("Officers trained (%)", "Doncaster")]
    assert "A course counted before it ended." not in cav[("Officers trained (%)", "Rotherham")]
    assert trained in cav[("Officers trained (%)", "South Yorkshire")]
    assert headcount in cav[("Officers trained (%)", "South Yorkshire")]
    assert "A charge in the wrong month." in cav[("CSE charges", "Rotherham")]
    assert "Not in any figure shown." not in " ".join(cav)


def test_plan_for_the_force_alone_lists_the_caveats_its_figures_carry(sample_db, run_cli, tmp_path):
    """--district naming the force (by its short name or its name) shows the force's rows, whose figures add up every
    district's: they carry the same caveats as in the whole table, and list the same after it."""
    from dashboard_helpers import ANALYST, copy_warehouse

    from pipelines import warehouse
    from pipelines.flags import raise_flag

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        for period, district, measure, reason in (
                ("2015-07", "Doncaster", "officers_trained", "A course counted before it ended."),
                ("2015-03", "Rotherham", "cse_charges", "A charge in the wrong month."),
                ("2015-07", "Sheffield", "cse_charges", "A charge counted twice.")):
            raise_flag(con, ANALYST, scope="figure", reason=reason, period=period, district=district, measure=measure)

    def listed(*more: str) -> list[str]:
        out = run_cli("plan", "--db", db, "--month", "2015-07", *more).stdout
        return [line for line in out.split("\nCaveats on the figures for July 2015:\n", 1)[1].splitlines()
                if line.startswith("- ")]

    whole = listed()
    assert len(whole) == 3, whole
    for name in ("South Yorkshire", "South Yorkshire Police"):
        assert listed("--district", name) == whole

    def force_rows(*more: str) -> pd.Series:
        df = pd.read_csv(io.StringIO(run_cli("plan", "--db", db, "--month", "2015-07", "--format", "csv",
                                             *more).stdout))
        return df[df["area"] == "South Yorkshire"].set_index("measure")["caveats"].fillna("")

    alone, among = force_rows("--district", "South Yorkshire"), force_rows()
    assert alone.to_dict() == among.to_dict()
    assert "A charge counted twice." in alone["CSE charges"]
    assert "A course counted before it ended." in alone["Officers trained (%)"]


def test_plan_for_a_month_with_no_figures_says_which_months_have_them(sample_db, run_cli):
    """Regression: a month past the figures held printed a table of "No figure" for every measure and area, and
    exited 0, as if the month had been briefed."""
    result = run_cli("plan", "--db", sample_db, "--month", "2030-01")
    assert result.exit_code == 1
    assert "No Police and Crime Plan" not in result.stdout and "No figure" not in result.stdout
    said = " ".join(result.stderr.split())
    assert "No figures are loaded for January 2030: the figures held run from April 2013 to March 2026." in said
    assert '"pccdash plan --month 2026-03"' in said
    before = run_cli("plan", "--db", sample_db, "--month", "2001-01")
    assert before.exit_code == 1 and '"pccdash plan --month 2013-04"' in " ".join(before.stderr.split())


def test_plan_says_an_overdue_or_partial_return_as_the_overview_and_the_pack_do(sample_db, db, run_cli, tmp_path):
    """Regression: with April's return overdue, "pccdash plan" reported on March with no word of it, and a month
    with a district's figures still to come was given as if whole; the overview and the pack say both."""
    late = run_cli("plan", "--db", sample_db, env={"PCCDASH_TODAY": "2026-05-20"})
    assert late.exit_code == 0, late.output
    assert "Police and Crime Plan 2022-2026: March 2026" in late.stdout
    said = " ".join(late.stdout.split())
    assert "The return for April 2026 is overdue (due 8 May 2026)" in said
    chosen = run_cli("plan", "--db", sample_db, "--month", "2026-02", env={"PCCDASH_TODAY": "2026-05-20"}).stdout
    assert "April 2026" not in chosen  # a month chosen before the latest: only its own 12 months' returns

    from helpers import write_csv

    rows = "".join(f"2026-03,{d},cse_arrests,{n}\n" for d, n in (("Doncaster", 9), ("Rotherham", 11),
                                                                  ("Sheffield", 13)))
    assert run_cli("ingest", "--db", db, write_csv(tmp_path / "march.csv", "period,district,measure,value\n" + rows),
                   env={"PCCDASH_TODAY": "2026-04-20"}).exit_code == 0
    partial = " ".join(run_cli("plan", "--db", db, env={"PCCDASH_TODAY": "2026-04-20"}).stdout.split())
    assert "The return for March 2026 is incomplete" in partial and "without Barnsley" in partial


def test_plan_for_an_earlier_month_does_not_call_it_the_latest_month_loaded(sample_db, run_cli):
    """Regression: with the sample's figures loaded to March 2026, `pccdash plan --month 2026-01` said the plan "ends
    in March 2026, 2 months after the latest month loaded (January 2026)": March is loaded. The notice is about the
    month asked for, and says so; for the latest month loaded it still says that."""
    earlier = run_cli("plan", "--db", sample_db, "--month", "2026-01", "--no-sentences").stdout
    assert "latest month loaded (January 2026)" not in earlier
    assert ("Police and Crime Plan 2022-2026 ends in March 2026, 2 months after January 2026, the month reported, "
            "and plan.yaml holds no plan after it.") in earlier, earlier
    latest = run_cli("plan", "--db", sample_db, "--month", "2026-03", "--no-sentences").stdout
    assert "Police and Crime Plan 2022-2026 ends in March 2026, the latest month loaded, and plan.yaml" in latest
