"""A breakdown's completeness is counted from the categories that say the value was recorded, for each district and
month that sent the breakdown (a month that sent none has no completeness, not nought), and the Breakdowns page
shows it beside every breakdown, each percentage saying whether it is a share of all or of recorded values."""

from __future__ import annotations

import html
import json
import random
import re

import numpy as np
import pandas as pd
import pytest
from dashboard_helpers import ANALYST, PCC, downloads_of, internal, texts

from pipelines import warehouse
from pipelines.breakdowns import by_district, force_over_time, recorded_rows
from pipelines.flags import raise_flag, resolve_flag
from pipelines.plan.series import Panel

MEASURE = "victims_supported"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
MONTHS = [f"{y}-{m:02d}" for y, m in [(2023, m) for m in range(4, 13)] + [(2024, m) for m in range(1, 7)]]
# What the test sends, category by category; the values that say the force did not record it are written out
# here rather than read from dimensions.yaml, so that the count below does not lean on the code it checks.
SENT = {"victim_sex": ["male", "female", "not_stated", "not_recorded"],
        "victim_ethnicity": ["pakistani", "white_british", "african", "not_stated", "not_recorded"]}
UNRECORDED = {"not_stated", "not_recorded"}
NOT_SENT = {("2023-06", "Doncaster", "victim_sex"), ("2024-02", "Sheffield", "victim_sex"),
            ("2024-05", "Rotherham", "victim_ethnicity")}
NONE_RECORDED = ("2023-09", "Barnsley", "victim_sex")  # sent, with every recorded category at nought
REVISED = ("2023-04", "Barnsley", "victim_sex", "male")  # sent twice: the second value is current


def returns() -> tuple[dict, list[tuple]]:
    """The totals {(month, district): value} and the breakdown cells (month, district, dimension, category,
    value) of a made-up return, each breakdown adding up to its total."""
    rng = random.Random(2023)
    totals, cells = {}, []
    for month in MONTHS:
        for district in DISTRICTS:
            total = totals[(month, district)] = rng.randint(4, 15)
            for dimension, categories in SENT.items():
                if (month, district, dimension) in NOT_SENT:
                    continue
                left, split = total, {}
                for category in categories[:-1]:
                    split[category] = rng.randint(0, left)
                    left -= split[category]
                split[categories[-1]] = left
                if (month, district, dimension) == NONE_RECORDED:
                    split = {c: 0 for c in categories} | {"not_stated": 1, "not_recorded": total - 1}
                cells += [(month, district, dimension, c, v) for c, v in split.items()]
    return totals, cells


def build(db, *, breakdowns: bool = True) -> tuple[dict, list[tuple]]:
    totals, cells = returns()
    with warehouse.connect(db) as con:
        con.execute("INSERT INTO file_registry (sha256, name, size_bytes, received_at, outcome) "
                    "VALUES ('ab', 'victims-2023-24.csv', 10, TIMESTAMP '2024-07-10 09:00', 'accepted')")
        con.executemany(
            "INSERT INTO figure_revision (period, district, measure, revision, value, file_id, source_row, loaded_at) "
            "VALUES (?::DATE, ?, ?, 1, ?, 1, 2, TIMESTAMP '2024-07-10 09:00')",
            [(f"{m}-01", d, MEASURE, v) for (m, d), v in totals.items()])
        if breakdowns:
            first = [c for c in cells if c[:2] == REVISED[:2] and c[2:4] == REVISED[2:]][0]
            con.executemany(
                "INSERT INTO figure_breakdown_revision (period, district, measure, dimension, category, revision, "
                "value, previous_value, file_id, source_row, loaded_at) "
                "VALUES (?::DATE, ?, ?, ?, ?, ?, ?, ?, 1, 2, TIMESTAMP '2024-07-10 09:00')",
                [(f"{m}-01", d, MEASURE, dim, c, 1, v + 3 if (m, d, dim, c) == REVISED else v, None)
                 for m, d, dim, c, v in cells]
                + [(f"{REVISED[0]}-01", REVISED[1], MEASURE, REVISED[2], REVISED[3], 2, first[4], first[4] + 3)])
    return totals, cells


def counted(cells: list[tuple]) -> dict:
    """The count recorded of each (month, district, dimension) sent, counted from the cells themselves."""
    out: dict = {}
    for month, district, dimension, category, value in cells:
        key = (month, district, f"{MEASURE}__{dimension}_recorded")
        out[key] = out.get(key, 0) + (0 if category in UNRECORDED else value)
    return out


def test_the_count_recorded_is_each_breakdowns_recorded_categories_added_up(db):
    _, cells = build(db)
    with warehouse.connect_read_only(db) as con:
        rows = recorded_rows(con)
    assert list(rows.columns) == ["period", "district", "measure", "value"]
    assert {(p, d, m): v for p, d, m, v in rows.itertuples(index=False)} == counted(cells)
    assert len(rows) == len(counted(cells))  # one row each
    # a month without the breakdown has no row, so its completeness is missing, not nought
    for month, district, dimension in NOT_SENT:
        assert rows[(rows["period"] == month) & (rows["district"] == district)
                    & (rows["measure"] == f"{MEASURE}__{dimension}_recorded")].empty
    # a breakdown sent with nothing recorded is a count of nought
    month, district, dimension = NONE_RECORDED
    assert rows[(rows["period"] == month) & (rows["district"] == district)
                & (rows["measure"] == f"{MEASURE}__{dimension}_recorded")]["value"].tolist() == [0]


def test_the_count_recorded_gives_the_plan_its_completeness_missing_where_no_breakdown_was_sent(db):
    totals, cells = build(db)
    with warehouse.connect_read_only(db) as con:
        figures = con.execute("SELECT strftime(period, '%Y-%m') AS period, district, measure, value FROM figure").df()
        panel = Panel(pd.concat([figures, recorded_rows(con)], ignore_index=True))
    share = panel.monthly(f"{MEASURE}__victim_sex_completeness")
    recorded = counted(cells)
    for i, month in enumerate(MONTHS):
        for j, district in enumerate(DISTRICTS):
            key = (month, district, f"{MEASURE}__victim_sex_recorded")
            if key in recorded:
                assert share[j, i] == pytest.approx(100 * recorded[key] / totals[(month, district)])
            else:
                assert np.isnan(share[j, i])
    assert np.isnan(share[-1, MONTHS.index("2023-06")])  # the force needs every district


def test_the_force_over_time_and_by_district_add_up_the_district_months_that_sent_the_breakdown(db):
    totals, cells = build(db)
    recorded = counted(cells)
    in_fy = [m for m in MONTHS if m <= "2024-03"]
    sent = [(m, d) for m in in_fy for d in DISTRICTS if (m, d, f"{MEASURE}__victim_sex_recorded") in recorded]
    with warehouse.connect_read_only(db) as con:
        years = force_over_time(con, MEASURE, "victim_sex", "financial_year")
        months = force_over_time(con, MEASURE, "victim_sex", "month")
        districts = by_district(con, MEASURE, "victim_sex", "2023-04", "2024-03")
    row = years.completeness.set_index("period").loc["2023/24"]
    assert (row["sent"], row["expected"]) == (46, 48)
    assert row["all"] == sum(totals[k] for k in sent)
    assert row["recorded"] == sum(recorded[(m, d, f"{MEASURE}__victim_sex_recorded")] for m, d in sent)
    assert row["share"] == pytest.approx(100 * row["recorded"] / row["all"])
    # every declared category is there, in the declared order, those not recorded too
    fy = years.cells[years.cells["period"] == "2023/24"]
    assert fy["label"].tolist() == ["Male", "Female", "Not stated", "Not recorded"]
    assert fy["of_all"].sum() == pytest.approx(100)
    assert fy["of_recorded"].dropna().sum() == pytest.approx(100)
    assert fy.loc[~fy["recorded"], "of_recorded"].isna().all()
    june = months.completeness.set_index("period").loc["2023-06"]
    assert (june["sent"], june["expected"]) == (3, 4)
    doncaster = districts.completeness.set_index("area").loc["Doncaster"]
    assert (doncaster["sent"], doncaster["expected"]) == (11, 12)
    force_row = districts.completeness.set_index("area").loc["South Yorkshire"]
    assert force_row[["all", "recorded", "sent"]].tolist() == row[["all", "recorded", "sent"]].tolist()


def shown_share(recorded: float, whole: float) -> str:
    return f"{round(100 * recorded / whole, 1):,.1f}"


@pytest.mark.parametrize("user", [PCC, ANALYST], ids=["pcc", "analyst"])
def test_the_page_shows_completeness_beside_each_breakdown_and_says_what_each_share_is_of(monkeypatch, db, user):
    totals, cells = build(db)
    recorded = counted(cells)
    at = internal(monkeypatch, db, "internal_pages/breakdowns.py", user)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Breakdowns"]
    at.selectbox(key="bd_dimension").select("victim_sex").run()
    shown = texts(at)
    assert "% of all" in shown and "% of recorded values" in shown
    over, by = at.dataframe[0].value, at.dataframe[1].value
    for table in (over, by):
        assert list(table.columns[1:5]) == ["Breakdowns sent", "All", "Recorded", "Share recorded (% of all)"]
        assert list(table.columns[5:]) == ["Male", "Female", "Not stated", "Not recorded"]
    sent = [(m, d) for m in MONTHS if m <= "2024-03" for d in DISTRICTS
            if (m, d, f"{MEASURE}__victim_sex_recorded") in recorded]
    whole = sum(totals[k] for k in sent)
    got = sum(recorded[(m, d, f"{MEASURE}__victim_sex_recorded")] for m, d in sent)
    assert over["Period"].tolist() == ["2023/24", "2024/25 (April 2024 to June 2024)"]  # a year in part says so
    year = over.set_index("Period").loc["2023/24"]
    assert year[["Breakdowns sent", "All", "Recorded", "Share recorded (% of all)"]].tolist() == [
        "46 of 48", str(whole), str(got), shown_share(got, whole)]
    later = [(m, d) for m in MONTHS if m >= "2024-04" for d in DISTRICTS]  # every district sent these
    r, a = sum(recorded[(m, d, f"{MEASURE}__victim_sex_recorded")] for m, d in later), sum(totals[k] for k in later)
    assert ("Share recorded (% of all), South Yorkshire, 2024/25 (April 2024 to June 2024):** the sex of the victim "
            f"was recorded for {r} of {a} victims supported ({100 * r / a:.1f}% of all)") in shown
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in chart["data"]] == ["Male", "Female", "Not stated", "Not recorded",
                                                  "Share recorded (% of all)"]
    assert {t["marker"]["pattern"]["shape"] for t in chart["data"][2:4]} == {"/"}  # not recorded: hatched
    # a screen reader announces the chart by its title (WCAG 1.1.1), and the caption under it says, once, what it
    # draws over which periods
    title = html.unescape(chart["layout"]["title"]["text"].replace("<br>", " "))
    assert at.get("plotly_chart")[0].proto.alt == title
    said = ("South Yorkshire's figures by sex of the victim, 2023/24 to 2024/25 (April 2024 to June 2024), stacked, "
            "with the share recorded as a line. The table under it gives each figure.")
    assert said in shown.split("\n") and shown.count(said) == 1

    # each share says which whole it is of, in every heading
    at.radio(key="bd_shown").set_value("of_recorded").run()
    over = at.dataframe[0].value
    assert list(over.columns[5:]) == ["Male (% of recorded values)", "Female (% of recorded values)",
                                      "Not stated (% of recorded values)", "Not recorded (% of recorded values)"]
    assert set(over["Not recorded (% of recorded values)"]) == {""}  # no share of recorded values
    at.radio(key="bd_shown").set_value("of_all").run()
    assert list(at.dataframe[0].value.columns[5:]) == ["Male (% of all)", "Female (% of all)",
                                                       "Not stated (% of all)", "Not recorded (% of all)"]

    # by district for one financial year, then one month
    assert at.selectbox(key="bd_span").value == "2024/25, financial year (April 2024 to June 2024)"
    at.radio(key="bd_shown").set_value("number").run()
    at.selectbox(key="bd_span").select("2023/24, financial year").run()
    by = at.dataframe[1].value.set_index("Area")
    assert by.loc["Doncaster", "Breakdowns sent"] == "11 of 12"
    assert by.loc["South Yorkshire", "Recorded"] == str(got)
    at.selectbox(key="bd_span").select("June 2023").run()
    by = at.dataframe[1].value.set_index("Area")
    assert by.loc["Doncaster"].tolist()[:2] == ["0 of 1", ""]  # nothing sent: blank, not nought
    assert by.loc["Barnsley", "Breakdowns sent"] == "1 of 1"
    at.radio(key="bd_by").set_value("month").run()
    assert not at.exception
    months = at.dataframe[0].value.set_index("Period")
    assert len(months) == len(MONTHS) and months.loc["June 2023", "Breakdowns sent"] == "3 of 4"


def test_the_page_says_what_to_load_when_no_breakdown_has_been_loaded(monkeypatch, db):
    build(db, breakdowns=False)
    for user in (PCC, ANALYST):
        at = internal(monkeypatch, db, "internal_pages/breakdowns.py", user)
        assert not at.exception, at.exception
        shown = texts(at)
        assert "No breakdown has been loaded yet" in shown
        assert "docs/return-format.md" in shown and "Victims supported by ethnicity of the victim" in shown
        assert not at.get("plotly_chart") and not at.dataframe



def caveat_box(at, heading: str) -> str:
    """The text of the caveat box under a heading, as read (Markdown's escapes removed), "" when the page shows none."""
    box = next((str(w.value) for w in at.warning if str(w.value).startswith(f"**{heading}")), "")
    return re.sub(r"\\(.)", r"\1", box).replace("\u200b", "")


def _flags_and_a_warning(db, blocking: bool = False) -> tuple[int, int]:
    """The sample built, with two open flags on the breakdown's measure (Rotherham's July 2023 figure, Doncaster's
    May 2024 month, `blocking` or not), a data check's warning on Sheffield's February 2024 and a flag resolved
    since on Barnsley's August 2023: the two open flags' numbers."""
    build(db)
    with warehouse.connect(db) as con:
        counted_twice = raise_flag(con, ANALYST, scope="figure", reason="Two victims counted twice",
                                   period="2023-07", district="Rotherham", measure=MEASURE)
        late = raise_flag(con, ANALYST, scope="district_month", reason="The return came in late", period="2024-05",
                          district="Doncaster", blocking=blocking)
        con.execute("INSERT INTO figure_caveat (period, district, measure, run_id, file_id, rule_id, severity, "
                    "message, created_at) VALUES (DATE '2024-02-01', 'Sheffield', ?, 1, NULL, "
                    "'month_on_month_change', 'warning', 'Victims supported in Sheffield went from 14 in January "
                    "2024 to 4 in February 2024: check the figure.', TIMESTAMP '2024-03-10 09:00:00')", [MEASURE])
        fixed = raise_flag(con, ANALYST, scope="figure", reason="Since corrected", period="2023-08",
                           district="Barnsley", measure=MEASURE)
        resolve_flag(con, ANALYST, fixed, note="The force confirmed the figure.")
    return counted_twice, late


def test_the_page_shows_the_open_flags_and_data_check_warnings_on_the_figures_it_shows(monkeypatch, db):
    _flags_and_a_warning(db)
    at = internal(monkeypatch, db, "internal_pages/breakdowns.py", ANALYST)
    at.selectbox(key="bd_dimension").select("victim_sex").run()
    assert not at.exception, at.exception
    flagged = "Rotherham, July 2023: Flagged by analyst@example.org on"
    late = "Doncaster, May 2024: Flagged by analyst@example.org on"
    check = ("Sheffield, February 2024: Data check, month-on-month change: Victims supported in Sheffield went from "
             "14 in January 2024 to 4 in February 2024")

    # the force over time adds up every district and month: it carries all their open caveats, named
    over = caveat_box(at, "Caveats on South Yorkshire's figures over time")
    for text in (flagged, "Two victims counted twice", late, "The return came in late", check):
        assert text in over, text
    assert "Since corrected" not in texts(at)  # a resolved flag follows no figure
    # by district: the caveats of the months of the period chosen, and only those
    assert at.selectbox(key="bd_span").value == "2024/25, financial year (April 2024 to June 2024)"
    span = caveat_box(at, "Caveats on the figures for 2024/25")
    assert late in span and flagged not in span and check not in span
    at.selectbox(key="bd_span").select("2023/24, financial year").run()
    span = caveat_box(at, "Caveats on the figures for 2023/24")
    assert flagged in span and check in span and late not in span
    at.selectbox(key="bd_span").select("June 2023").run()
    assert caveat_box(at, "Caveats on the figures for June 2023") == ""
    at.selectbox(key="bd_span").select("July 2023").run()
    assert flagged in caveat_box(at, "Caveats on the figures for July 2023")


def download(served: list[tuple[str, bytes]], name: str) -> pd.DataFrame:
    """The latest CSV of that name the page handed out, as read by a spreadsheet (every cell text)."""
    import io

    data = [d for n, d in served if n == name][-1]
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def test_each_tables_download_carries_its_rows_open_flags_and_caveats_in_words(monkeypatch, db):
    """The box under a table says the caveats; its CSV says, on each row, the open flags (by number) and caveats on
    the district-months that row adds up, so that a figure taken away keeps them."""
    counted_twice, late = _flags_and_a_warning(db, blocking=True)
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, db, "internal_pages/breakdowns.py", ANALYST)
    at.selectbox(key="bd_dimension").select("victim_sex").run()
    assert not at.exception, at.exception
    over = download(served, f"{MEASURE}-by-victim_sex-financial_year.csv").set_index("Period")
    year, part = "2023/24", "2024/25 (April 2024 to June 2024)"
    assert over.loc[year, "Open flags"] == f"Flag {counted_twice}: Two victims counted twice"
    assert over.loc[part, "Open flags"] == f"Flag {late}: The return came in late (blocks approval)"
    said = over.loc[year, "Caveats"].split("\n")
    assert len(said) == 2, said
    assert said[0].startswith("Sheffield, February 2024: Data check, month-on-month change: Victims supported in ")
    assert said[1].startswith("Rotherham, July 2023: Flagged by analyst@example.org on ")
    assert said[1].endswith(": Two victims counted twice")
    assert "came in late" in over.loc[part, "Caveats"] and "counted twice" not in over.loc[part, "Caveats"]
    assert "Since corrected" not in "".join(over["Caveats"]) + "".join(over["Open flags"])
    # the table's own columns are as the grid has them, the notes after
    assert list(over.columns[:4]) == ["Breakdowns sent", "All", "Recorded", "Share recorded (% of all)"]
    assert list(over.columns[-2:]) == ["Open flags", "Caveats"]

    # by district: a district's row its own, the force's every district's
    at.selectbox(key="bd_span").select("2023/24, financial year").run()
    by = download(served, f"{MEASURE}-by-victim_sex-2023-04-to-2024-03.csv").set_index("Area")
    assert by.loc["Rotherham", "Open flags"] == f"Flag {counted_twice}: Two victims counted twice"
    assert by.loc["Barnsley", "Open flags"] == by.loc["Barnsley", "Caveats"] == ""
    assert by.loc["Sheffield", "Open flags"] == "" and "month-on-month" in by.loc["Sheffield", "Caveats"]
    assert by.loc["South Yorkshire", "Open flags"] == by.loc["Rotherham", "Open flags"]
    assert by.loc["South Yorkshire", "Caveats"] == over.loc[year, "Caveats"]
    at.radio(key="bd_by").set_value("month").run()
    months = download(served, f"{MEASURE}-by-victim_sex-month.csv").set_index("Period")
    assert months.loc["July 2023", "Open flags"] == f"Flag {counted_twice}: Two victims counted twice"
    assert months.loc["June 2023", "Caveats"] == ""


def test_every_share_is_shown_to_one_decimal_place_a_whole_one_too(monkeypatch, db):
    """Regression: a share that came out whole lost its decimal: "Share recorded" read "66" for one district beside
    "68.1" for the others, and a category's share of all "0" beside "12.5". Every share has one place, in every
    table and whichever way the categories are shown; counts stay whole, and the download keeps the numbers."""
    build(db)
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, db, "internal_pages/breakdowns.py")
    at.selectbox(key="bd_dimension").select("victim_sex").run()
    at.selectbox(key="bd_span").select("September 2023").run()  # Barnsley recorded none of its victims' sex
    one_place = re.compile(r"\d+\.\d")
    for shown in ("number", "of_all", "of_recorded"):
        at.radio(key="bd_shown").set_value(shown).run()
        assert not at.exception, at.exception
        for table in (at.dataframe[0].value, at.dataframe[1].value):
            shares = [c for c in table.columns if "%" in c]
            assert shares[0] == "Share recorded (% of all)" and len(shares) == (1 if shown == "number" else 5)
            cells = [v for c in shares for v in table[c] if v != ""]
            assert cells and all(one_place.fullmatch(v) for v in cells), cells
            counts = [v for v in table["All"] if v != ""]
            assert counts and all(re.fullmatch(r"[\d,]+", v) for v in counts), counts
        by = at.dataframe[1].value.set_index("Area")
        assert by.loc["Barnsley", "Share recorded (% of all)"] == "0.0"
        if shown == "of_all":
            assert by.loc["Barnsley", "Male (% of all)"] == "0.0"
    kept = download(served, f"{MEASURE}-by-victim_sex-2023-09-to-2023-09.csv").set_index("Area")
    assert float(kept.loc["Barnsley", "Share recorded (% of all)"]) == 0  # the number itself


def test_the_share_recorded_axis_is_marked_in_round_percentages_from_0_to_100(monkeypatch, db):
    """Left to plotly, the right-hand axis took the counts' gridlines and read 0, 17.6, 35.2 ... 88."""
    build(db)
    at = internal(monkeypatch, db, "internal_pages/breakdowns.py")
    share = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["yaxis2"]
    assert share["range"] == [0, 100]
    if share.get("tickmode") == "array":
        ticks = share["tickvals"]
    else:
        assert share.get("tickmode") == "linear", share  # not "sync" nor plotly's own choice
        ticks = list(range(int(share.get("tick0", 0)), 101, int(share["dtick"])))
    assert ticks[0] == 0 and ticks[-1] == 100 and all(t % 10 == 0 for t in ticks), ticks


def test_a_measure_named_by_an_abbreviation_keeps_its_capitals_inside_a_sentence(monkeypatch, sample_db):
    """Regression: the page said "the share of all cSE suspects identified" and "recorded for 439 of 600 cSE suspects
    identified": a name was put inside a sentence by lower-casing its first letter, abbreviation or not."""
    at = internal(monkeypatch, sample_db, "internal_pages/breakdowns.py", PCC)
    at.selectbox(key="bd_measure").set_value("cse_suspects_identified").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "cSE" not in shown
    assert "CSE suspects identified" in shown and "of all CSE suspects identified" in shown


def test_with_no_measure_declared_broken_down_the_page_names_the_measures_file_in_force(monkeypatch, db, ref):
    """Regression: with no measure declared broken down, the page said "measures.yaml lists a measure's breakdowns",
    which an office keeping its own reference folder (PCCDASH_REFERENCE_DIR) could take for the bundled copy, which
    nothing reads. It names the file read."""
    import yaml

    for name, key in (("measures.yaml", "measures"), ("dimensions.yaml", "published")):
        data = yaml.safe_load((ref / name).read_text(encoding="utf-8"))
        if key == "measures":
            for m in data["measures"]:
                m.pop("breakdowns", None)
        else:
            data["published"] = []
        (ref / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    build(db, breakdowns=False)
    at = internal(monkeypatch, db, "internal_pages/breakdowns.py", PCC)
    assert not at.exception, at.exception
    shown = re.sub(r"\\(.)", r"\1", texts(at))  # as read: Markdown's escapes removed
    assert f'a measure\'s breakdowns are listed under "breakdowns" in "{ref / "measures.yaml"}".' in shown, shown
