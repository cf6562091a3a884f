"""A caveat is said once where it applies (a whole file or a district's month before any measure, a figure's under
its measure with the districts named), in plain English with the measure's name and never its id."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dashboard_helpers import ANALYST, copy_warehouse

from pipelines import warehouse
from pipelines.catalogue import catalogue, force
from pipelines.flags import arrange_caveats, caveats, raise_flag, readable_check_message

JULY = "2015-07"
OLD_MESSAGE = "cse_arrests in {d} went from 22 in 2015-06 to 5 in 2015-07: check the figure."


def measures() -> list[str]:
    return catalogue().ids("force_return")


def districts() -> list[str]:
    return list(force().districts)


def arranged(con):
    return arrange_caveats(caveats(con, start=JULY, end=JULY), JULY, measures(), districts())


def every_text(a) -> list[str]:
    return [*a.general, *(t for texts in a.by_measure.values() for t in texts),
            *(t for texts in a.by_figure.values() for t in texts)]


def store_old_check(con, district: str, message: str = OLD_MESSAGE) -> None:
    """A data-check warning as a load before measure names were written stored it."""
    con.execute("INSERT INTO figure_caveat (period, district, measure, run_id, file_id, rule_id, severity, message, "
                "created_at) VALUES (DATE '2015-07-01', ?, 'cse_arrests', 1, NULL, 'month_on_month_change', "
                "'warning', ?, TIMESTAMP '2015-08-10 09:00:00')", [district, message.format(d=district)])


def said_under_measures(a, words: str) -> list[str]:
    return [t for texts in a.by_measure.values() for t in texts if words in t]


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


@pytest.mark.slow
def test_a_file_flag_is_said_once_before_any_measure_naming_the_file_and_its_months(wh):
    with warehouse.connect(wh) as con:
        file_id, name = con.execute(
            "SELECT f.file_id, r.name FROM figure f JOIN file_registry r USING (file_id) WHERE f.period = ? "
            "AND f.district = 'Rotherham' AND f.measure = 'cse_arrests'", [dt.date(2015, 7, 1)]).fetchall()[0]
        before = arranged(con)
        raise_flag(con, ANALYST, scope="file", reason="all figures provisional", file_id=file_id, blocking=True)
        a = arranged(con)
        raised_on = con.execute("SELECT raised_at FROM figure_flag").fetchall()[0][0]

    on = f"{raised_on.day} {raised_on:%B %Y}"
    assert a.general == [*before.general, f"On every figure from the file {name} (July 2015): all figures "
                                          f"provisional (flagged by analyst@example.org on {on}; blocks approval)"]
    assert said_under_measures(a, "provisional") == [], "not repeated under each measure"
    assert a.by_measure == before.by_measure
    # a figure's marker counts it once, and the force's figure counts it once, not once per district
    assert sum("provisional" in t for t in a.by_figure[("cse_arrests", "Rotherham")]) == 1
    assert sum("provisional" in t for t in a.by_figure[("cse_arrests", force().force_short_name)]) == 1


@pytest.mark.slow
def test_a_district_month_flag_is_said_once_naming_the_district_and_month(wh):
    with warehouse.connect(wh) as con:
        raise_flag(con, ANALYST, scope="district_month", reason="the return came in late", period=JULY,
                   district="Rotherham")
        a = arranged(con)
    said = [t for t in a.general if "came in late" in t]
    assert len(said) == 1 and said[0].startswith(
        "On every figure for Rotherham in July 2015: the return came in late (flagged by analyst@example.org on ")
    assert said_under_measures(a, "came in late") == []
    touched = [k for k, texts in a.by_figure.items() if any("came in late" in t for t in texts)]
    assert {d for _, d in touched} == {"Rotherham", force().force_short_name}


@pytest.mark.slow
def test_a_figure_flag_is_said_under_its_measure_only_with_its_district_named(wh):
    with warehouse.connect(wh) as con:
        raise_flag(con, ANALYST, scope="figure", reason="two charges counted twice", period=JULY,
                   district="Rotherham", measure="cse_charges")
        a = arranged(con)
    assert not any("counted twice" in t for t in a.general)
    assert said_under_measures(a, "counted twice") == [t for t in a.by_measure["cse_charges"] if "counted twice" in t]
    said = [t for t in a.by_measure["cse_charges"] if "counted twice" in t]
    assert len(said) == 1 and said[0].startswith(
        "CSE charges for Rotherham in July 2015: two charges counted twice (flagged by analyst@example.org on ")
    assert [k for k, texts in a.by_figure.items() if any("counted twice" in t for t in texts)] == [
        ("cse_charges", "Rotherham"), ("cse_charges", force().force_short_name)]


@pytest.mark.slow
def test_the_same_words_on_three_districts_are_said_once_naming_the_three(wh):
    with warehouse.connect(wh) as con:
        for district in ("Sheffield", "Barnsley", "Rotherham"):
            store_old_check(con, district, "cse_arrests in {d} went from 22 in 2015-06 to 5 in 2015-07: check.")
            raise_flag(con, ANALYST, scope="figure", reason="awaiting the force's audit", period=JULY,
                       district=district, measure="cse_referrals")
        a = arranged(con)
    order = [d for d in districts() if d in ("Sheffield", "Barnsley", "Rotherham")]
    named = f"{order[0]}, {order[1]} and {order[2]}"
    assert [t for t in a.by_measure["cse_arrests"] if "went from 22" in t] == [
        f"Data check, month-on-month change: CSE arrests in {named} went from 22 in June 2015 to 5 in July 2015: "
        "check."]
    flagged = [t for t in a.by_measure["cse_referrals"] if "audit" in t]
    assert len(flagged) == 1 and flagged[0].startswith(f"CSE referrals for {named} in July 2015: awaiting")


@pytest.mark.slow
def test_texts_name_measures_and_old_stored_messages_read_with_names(wh):
    with warehouse.connect(wh) as con:
        store_old_check(con, "Sheffield")
        raise_flag(con, ANALYST, scope="district_month", reason="late", period=JULY, district="Doncaster")
        raise_flag(con, ANALYST, scope="figure", reason="looks low", period=JULY, district="Barnsley",
                   measure="officers_trained_pct")
        cav = caveats(con, start=JULY, end=JULY)
        a = arranged(con)
    old = cav[(cav["kind"] == "check") & (cav["district"] == "Sheffield") & (cav["measure"] == "cse_arrests")]
    assert old["text"].tolist() == ["Data check, month-on-month change: CSE arrests in Sheffield went from 22 in "
                                    "June 2015 to 5 in July 2015: check the figure."]
    ids = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, catalogue().ids())) + r")(?!\w)")
    texts = every_text(a) + cav["text"].tolist()
    assert texts and [t for t in texts if ids.search(t)] == []
    assert any("Officers trained (%) for Barnsley" in t for t in a.by_measure["officers_trained_pct"])
    assert not any(re.search(r"\d{4}-\d{2}\b", t) for t in every_text(a))


def test_an_old_message_reads_with_names_and_months_but_file_names_are_left_alone():
    assert readable_check_message(
        "officers_trained_pct for Barnsley in 2015-07 is 70.0 but officers_trained / officer_headcount = 50 / 100."
    ) == ("Officers trained (%) for Barnsley in July 2015 is 70.0 but Officers trained / Officer headcount "
          "= 50 / 100.")
    assert readable_check_message("2015-07-return.xlsx repeats cse_charges_total") == (
        "2015-07-return.xlsx repeats cse_charges_total")


def test_no_caveats_arrange_to_nothing():
    a = arrange_caveats(None, "2015-07", ["cse_arrests"], ["Rotherham"])
    assert (a.general, a.by_measure, a.by_figure) == ([], {"cse_arrests": []}, {})
