"""The return calendar says for each month which measures arrived, are missing, overdue, refused or superseded,
due by a working day of the following month (weekends and listed bank holidays excepted); a broken calendar
file is named with its line and fix, and an edited one is read again."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from dashboard_helpers import ANALYST, LAPTOP_TABLE_WIDTH, claims_of, column_widths, internal, texts
from helpers import write_csv

from pipelines import warehouse
from pipelines.errors import ConfigError
from pipelines.ingest import ingest
from pipelines.resubmission import supersede
from pipelines.return_calendar import calendar_from_text, grid, incomplete_notices, load_calendar, return_status

HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
MAY = dt.date(2026, 5, 1)
SMALL = """returns:
  - name: Main
    measures: [cse_arrests, cse_charges]
    due_working_day: 5
  - name: Later
    measures: [cse_referrals]
    due_working_day: 10
    from: 2026-05
bank_holidays: [2026-05-04, 2026-05-25]
"""


def rows(period: str, measure: str, values=(1, 2, 3, 4)) -> str:
    return "".join(f"{period},{d},{measure},{v}\n" for d, v in zip(DISTRICTS, values, strict=True))


def test_due_dates_skip_weekends_and_bank_holidays():
    cal = calendar_from_text(SMALL)
    assert cal.due_date(MAY, 5) == dt.date(2026, 6, 5)  # June 2026 starts on a Monday
    assert cal.due_date(dt.date(2026, 4, 1), 5) == dt.date(2026, 5, 8)  # 4 May is a bank holiday
    assert cal.due_date(dt.date(2026, 4, 1), 1) == dt.date(2026, 5, 1)
    assert cal.due_date(dt.date(2026, 1, 1), 1) == dt.date(2026, 2, 2)  # 1 February 2026 is a Sunday
    assert [(m, d) for _, m, d in cal.due(dt.date(2026, 4, 1))] == [("cse_arrests", dt.date(2026, 5, 8)),
                                                                   ("cse_charges", dt.date(2026, 5, 8))]
    assert [m for _, m, _ in cal.due(MAY)] == ["cse_arrests", "cse_charges", "cse_referrals"]
    bundled = load_calendar()
    assert bundled.due_date(dt.date(2026, 12, 1), 5) == dt.date(2027, 1, 8)  # 1 January 2027 is a holiday


@pytest.mark.parametrize(("text", "words"), [
    (SMALL.replace("cse_charges]", "cse_chargs]"), 'line 3: returns entry 1 ("Main"): "cse_chargs" is not a '
                                                   'measure of the force\'s return (did you mean "cse_charges"?)'),
    (SMALL.replace("cse_charges]", "police_uk_drugs]"), "line 3: returns entry 1 (\"Main\"): \"police_uk_drugs\" "
                                                        "is a police.uk measure, which no return reports"),
    (SMALL.replace("due_working_day: 5", "due_working_day: 0"), "line 4: returns entry 1 (\"Main\"): "
                                                                 "due_working_day 0 should be a whole number from 1"),
    (SMALL.replace("[cse_referrals]", "[cse_arrests]"), 'line 6: returns entry 2 ("Later"): "cse_arrests" is also '
                                                        'due in returns entry 1 ("Main") for the same months'),
    (SMALL.replace("from: 2026-05", "from: May 2026"), 'line 8: returns entry 2 ("Later"): from "May 2026" is not '
                                                       "a month; write it as YYYY-MM"),
    (SMALL.replace("2026-05-25]", "25 May]"), "line 9: bank holiday 2 ('25 May') is not a date"),
    (SMALL.replace("    due_working_day: 10", "    due_workday: 10"), 'unknown field "due_workday" (did you mean '
                                                                       '"due_working_day"?)'),
    (SMALL.replace("    measures: [cse_referrals]\n", ""), 'returns entry 2 ("Later"): the field "measures" is '
                                                          "required"),
    ("returns: [\n", "not valid YAML"),
    ("bank_holidays: []\n", 'needs "returns:"'),
])
def test_a_broken_calendar_is_named_by_file_line_and_fix(text, words):
    with pytest.raises(ConfigError) as caught:
        calendar_from_text(text, "return_calendar.yaml")
    assert str(caught.value).startswith("return_calendar.yaml")
    assert words in str(caught.value)


def test_a_measure_may_be_listed_twice_for_months_that_do_not_overlap():
    cal = calendar_from_text(SMALL.replace("[cse_referrals]", "[cse_arrests]").replace(
        "    due_working_day: 5\n", "    due_working_day: 5\n    to: 2026-04\n", 1))
    assert [(m, d) for _, m, d in cal.due(MAY) if m == "cse_arrests"] == [("cse_arrests", dt.date(2026, 6, 12))]


def test_the_calendar_is_read_again_when_it_changes_and_a_missing_one_is_named(tmp_path):
    path = tmp_path / "return_calendar.yaml"
    path.write_text(SMALL)
    assert load_calendar(path).returns[0].due_working_day == 5
    path.write_text(SMALL.replace("due_working_day: 5", "due_working_day: 3"))
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9, path.stat().st_mtime_ns + 10**9))
    assert load_calendar(path).returns[0].due_working_day == 3
    with pytest.raises(ConfigError, match="is missing: copy pipelines/reference/return_calendar.yaml there"):
        load_calendar(tmp_path / "none.yaml")


def test_each_due_measure_is_arrived_missing_overdue_refused_or_superseded(con, tmp_path):
    cal = calendar_from_text(SMALL)
    assert ingest(con, [write_csv(tmp_path / "may.csv", HEADER + rows("2026-05", "cse_arrests"))]).ok
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-06-03 09:00'")  # on time
    assert not ingest(con, [write_csv(tmp_path / "may-charges.csv", HEADER + rows("2026-05", "cse_charges",
                                                                                    (1, 2, 3, "x")))]).ok
    on_due_day = {r.measure: r for r in return_status(con, MAY, dt.date(2026, 6, 5), cal)}
    assert {m: r.state for m, r in on_due_day.items()} == {"cse_arrests": "arrived", "cse_charges": "refused",
                                                           "cse_referrals": "missing"}
    assert on_due_day["cse_arrests"].file.name == "may.csv" and not on_due_day["cse_arrests"].late
    assert on_due_day["cse_arrests"].words() == 'arrived in "may.csv" (#1) on 3 June 2026'
    assert on_due_day["cse_charges"].refused.file_id == 2
    assert on_due_day["cse_referrals"].due == dt.date(2026, 6, 12)
    assert incomplete_notices(con, MAY, dt.date(2026, 6, 5), cal) == [
        'The return for May 2026 was refused for CSE charges (file "may-charges.csv" (#2)). Those figures are '
        "missing for May 2026 until a corrected return is loaded.",
        "May 2026 is incomplete: CSE referrals has not arrived yet (due 12 June 2026)."]

    supersede(con, 2, claims_of("analyst@example.org"), "The force withdrew it", withdrawn=True)
    later = {r.measure: r.state for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)}
    assert later == {"cse_arrests": "arrived", "cse_charges": "superseded", "cse_referrals": "overdue"}
    assert incomplete_notices(con, MAY, dt.date(2026, 6, 20), cal) == [
        "The return for May 2026 is overdue (due 12 June 2026): CSE referrals is missing.",
        "May 2026: a refused return was withdrawn or superseded and nothing has arrived in its place for "
        "CSE charges, so those figures are missing."]

    assert ingest(con, [write_csv(tmp_path / "may-v2.csv", HEADER + rows("2026-05", "cse_charges")
                                  + rows("2026-05", "cse_referrals"))]).ok
    done = return_status(con, MAY, dt.date(2026, 6, 20), cal)
    assert [r.state for r in done] == ["arrived"] * 3
    assert [r.late for r in done] == [False, True, True]  # loaded after 12 June
    assert incomplete_notices(con, MAY, dt.date(2026, 6, 20), cal) == []
    table = grid(con, [dt.date(2026, 4, 1), MAY], dt.date(2026, 6, 20), cal)
    assert table.to_dict("records") == [
        {"month": "2026-05", "cse_arrests": "arrived", "cse_charges": "arrived (late)",
         "cse_referrals": "arrived (late)"},
        # April is before May, the first month of a return loaded: nothing of it was due
        {"month": "2026-04", "cse_arrests": "not due", "cse_charges": "not due", "cse_referrals": "not due"}]


def test_a_measure_sent_for_some_districts_is_not_all_in_until_the_others_arrive(con, tmp_path):
    """Regression: a return holding CSE arrests for Rotherham alone made CSE arrests "arrived" for the month, so the
    calendar, the overview and the pack said nothing of the three districts missing (which stop its approval)."""
    cal = calendar_from_text(SMALL)
    one = write_csv(tmp_path / "may-rotherham.csv", HEADER + "2026-05,Rotherham,cse_arrests,3\n"
                    + rows("2026-05", "cse_charges"))
    assert ingest(con, [one]).ok
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-06-03 09:00'")
    before = {r.measure: r for r in return_status(con, MAY, dt.date(2026, 6, 4), cal)}
    arrests = before["cse_arrests"]
    assert (arrests.state, arrests.absent, arrests.overdue) == ("partial", ("Barnsley", "Doncaster", "Sheffield"),
                                                                False)
    assert before["cse_charges"].state == "arrived"
    assert arrests.words() == ('arrived in "may-rotherham.csv" (#1) on 3 June 2026 without Barnsley, Doncaster and '
                               "Sheffield, not yet due (due 5 June 2026)")
    assert 'The return for May 2026 is incomplete: CSE arrests arrived in "may-rotherham.csv" (#1) without Barnsley, ' \
           "Doncaster and Sheffield, whose figures are not yet due (due 5 June 2026)." in incomplete_notices(
               con, MAY, dt.date(2026, 6, 4), cal)
    after_due = incomplete_notices(con, MAY, dt.date(2026, 6, 20), cal)
    assert any("CSE arrests arrived" in n and "whose figures are overdue (due 5 June 2026)" in n for n in after_due)
    assert grid(con, [MAY], dt.date(2026, 6, 20), cal).to_dict("records")[0]["cse_arrests"] == "partial (overdue)"

    rest = write_csv(tmp_path / "may-rest.csv", HEADER + "".join(f"2026-05,{d},cse_arrests,2\n" for d in DISTRICTS
                                                                 if d != "Rotherham"))
    assert ingest(con, [rest]).ok
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-06-15 09:00' WHERE name = 'may-rest.csv'")
    done = {r.measure: r for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)}["cse_arrests"]
    # all in when the last district came, in the file that brought it: late
    assert (done.state, done.file.name, done.arrived_on, done.late) == ("arrived", "may-rest.csv",
                                                                       dt.date(2026, 6, 15), True)
    assert not any("CSE arrests" in n for n in incomplete_notices(con, MAY, dt.date(2026, 6, 20), cal))


def test_on_the_due_day_what_has_not_arrived_is_due_today(con, tmp_path):
    """Regression: on 5 June, the day it was due, a district's figures still to come read "not yet due (due 5 June
    2026)" on the calendar, the overview and the pack, as if the day were still ahead."""
    cal = calendar_from_text(SMALL)
    text = HEADER + "".join(f"2026-05,{d},{m},2\n" for m in ("cse_arrests", "cse_charges") for d in DISTRICTS
                            if d != "Doncaster")
    assert ingest(con, [write_csv(tmp_path / "may-no-doncaster.csv", text)]).ok
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-06-03 09:00'")
    due_day = dt.date(2026, 6, 5)
    arrests = {r.measure: r for r in return_status(con, MAY, due_day, cal)}["cse_arrests"]
    assert arrests.words() == ('arrived in "may-no-doncaster.csv" (#1) on 3 June 2026 without Doncaster, due today '
                               "(5 June 2026)")
    notices = incomplete_notices(con, MAY, due_day, cal)
    assert ('The return for May 2026 is incomplete: the whole of "Main" (2 measures) arrived in '
            '"may-no-doncaster.csv" (#1) without Doncaster, whose figures are due today (5 June 2026).') in notices
    assert not any("not yet due" in n for n in notices), notices
    # a measure not sent at all, on its own due day (12 June), and the days either side of it
    referrals = {d: {r.measure: r for r in return_status(con, MAY, dt.date(2026, 6, d), cal)}["cse_referrals"]
                 for d in (11, 12, 15)}
    assert referrals[11].words() == "missing, not yet due (due 12 June 2026)"
    assert referrals[12].words() == "missing, due today (12 June 2026)"
    assert referrals[15].words() == "overdue (due 12 June 2026)"
    assert "May 2026 is incomplete: CSE referrals has not arrived yet (due today, 12 June 2026)." in incomplete_notices(
        con, MAY, dt.date(2026, 6, 12), cal)
    assert "May 2026 is incomplete: CSE referrals has not arrived yet (due 12 June 2026)." in incomplete_notices(
        con, MAY, dt.date(2026, 6, 11), cal)


def test_a_return_short_of_one_district_says_so_once_not_once_a_measure(con, tmp_path):
    """Regression: a month sent without Sheffield gave a sentence for each measure (24 of them in the force's
    return) at the top of the calendar, the overview and the pack, each saying the same of another measure."""
    cal = calendar_from_text(SMALL)
    text = HEADER + "".join(f"2026-05,{d},{m},2\n" for m in ("cse_arrests", "cse_charges", "cse_referrals")
                            for d in DISTRICTS if d != "Sheffield")
    assert ingest(con, [write_csv(tmp_path / "may-no-sheffield.csv", text)]).ok
    con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-06-03 09:00'")
    notices = [n for n in incomplete_notices(con, MAY, dt.date(2026, 6, 8), cal) if "without" in n]
    # "Main" is due on the 5th and is overdue; "Later" on the 12th: two due days, so two sentences
    assert notices == [
        'The return for May 2026 is incomplete: the whole of "Main" (2 measures) arrived in "may-no-sheffield.csv" '
        "(#1) without Sheffield, whose figures are overdue (due 5 June 2026).",
        'The return for May 2026 is incomplete: CSE referrals arrived in "may-no-sheffield.csv" (#1) without '
        "Sheffield, whose figures are not yet due (due 12 June 2026)."], notices


def _may_refused_over_one_cell(con, tmp_path, name="may.csv"):
    """A May return holding every measure of the small calendar, refused whole over one bad CSE charges cell."""
    text = (HEADER + rows("2026-05", "cse_arrests") + rows("2026-05", "cse_charges", (1, 2, 3, "lots"))
            + rows("2026-05", "cse_referrals"))
    assert not ingest(con, [write_csv(tmp_path / name, text)]).ok


def test_every_month_and_measure_of_a_refused_file_is_refused_until_brought_or_marked(con, tmp_path):
    cal = calendar_from_text(SMALL)
    _may_refused_over_one_cell(con, tmp_path)
    after_due = {r.measure: r for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)}
    # the whole file was refused, not only CSE charges: nothing of it is "missing" or "overdue"
    assert {m: r.state for m, r in after_due.items()} == {"cse_arrests": "refused", "cse_charges": "refused",
                                                         "cse_referrals": "refused"}
    assert {r.refused.file_id for r in after_due.values()} == {1}
    assert after_due["cse_charges"].words() == 'refused in "may.csv" (#1)'
    assert after_due["cse_arrests"].words() == ('refused in "may.csv" (#1) with the rest of the file (a file with '
                                                "an error is refused whole)")
    assert incomplete_notices(con, MAY, dt.date(2026, 6, 20), cal) == [
        'The return for May 2026 was refused for the whole of "Main" (2 measures) and CSE referrals (file "may.csv" '
        '(#1)). Those figures are missing for May 2026 until a corrected return is loaded.']
    table = grid(con, [MAY], dt.date(2026, 6, 20), cal)
    assert table.to_dict("records") == [{"month": "2026-05", "cse_arrests": "refused", "cse_charges": "refused",
                                         "cse_referrals": "refused"}]

    # a corrected file bringing CSE charges alone: the figures the refused file held of the others are still not in
    assert ingest(con, [write_csv(tmp_path / "may-charges.csv", HEADER + rows("2026-05", "cse_charges"))]).ok
    part = {r.measure: r.state for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)}
    assert part == {"cse_arrests": "refused", "cse_charges": "arrived", "cse_referrals": "refused"}
    # the rest brought: all arrived
    assert ingest(con, [write_csv(tmp_path / "may-rest.csv", HEADER + rows("2026-05", "cse_arrests")
                                  + rows("2026-05", "cse_referrals"))]).ok
    assert [r.state for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)] == ["arrived"] * 3
    assert incomplete_notices(con, MAY, dt.date(2026, 6, 20), cal) == []


def test_a_withdrawn_refused_file_leaves_every_measure_it_held_superseded(con, tmp_path):
    cal = calendar_from_text(SMALL)
    _may_refused_over_one_cell(con, tmp_path)
    supersede(con, 1, claims_of("analyst@example.org"), "Sent in error", withdrawn=True)
    states = {r.measure: (r.state, r.refused.file_id) for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)}
    assert states == {m: ("superseded", 1) for m in ("cse_arrests", "cse_charges", "cse_referrals")}


def test_a_refusal_recorded_before_what_it_held_was_kept_still_shows_its_refused_rows(con, tmp_path):
    cal = calendar_from_text(SMALL)
    _may_refused_over_one_cell(con, tmp_path)
    con.execute("DELETE FROM refused_coverage")  # as a warehouse upgraded after the file was refused has it
    states = {r.measure: r.state for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)}
    assert states == {"cse_arrests": "overdue", "cse_charges": "refused", "cse_referrals": "overdue"}


def test_pccdash_calendar_says_a_whole_refused_return_was_refused(db, tmp_path, run_cli):
    from pipelines.catalogue import catalogue

    text = HEADER + "".join(rows("2026-04", m, (1, 2, 3, "lots") if m == "cse_charges" else (1, 2, 3, 4))
                            for m in ("cse_arrests", "cse_charges", "cse_referrals"))
    assert run_cli("ingest", write_csv(tmp_path / "april.csv", text), "--db", db).exit_code == 1
    month = run_cli("calendar", "--month", "2026-04", "--db", db, env={"PCCDASH_TODAY": "2026-05-20"})
    assert month.exit_code == 0, month.output
    lines = {line.split()[0]: line for line in month.stdout.splitlines() if line.startswith(tuple(catalogue().ids()))}
    for m in ("cse_arrests", "cse_charges", "cse_referrals"):
        assert lines[m].split()[1] == "refused" and '"april.csv" (#1)' in lines[m], lines[m]
    assert lines["grooming_arrests"].split()[1] == "overdue"


def test_pccdash_calendar_prints_a_month_and_the_grid(db, tmp_path, run_cli):
    assert run_cli("ingest", write_csv(tmp_path / "oct.csv", HEADER + rows("2026-10", "cse_arrests")),
                   "--db", db).exit_code == 0
    month = run_cli("calendar", "--month", "2026-10", "--db", db)
    assert month.exit_code == 0, month.output
    assert month.stdout.splitlines()[0] == "The return calendar for October 2026, measure by measure:"
    assert 'cse_arrests                      arrived' in month.stdout
    assert "cse_charges                      missing    missing, not yet due (due 6 November 2026)" not in month.stdout
    # each measure by its name, and a part of the return missing whole said as that part
    assert "The return for October 2026 is overdue (due 6 November 2026): Grooming arrests, CSE charges, " \
           in month.stdout
    assert ('Mental-health incidents attended, the whole of "Child criminal exploitation and online grooming" '
            '(2 measures) and the whole of "CSE suspects, outcomes and victims referred" (10 measures) are missing.'
            ) in month.stdout
    assert "grooming_arrests" not in month.stdout.split("overdue (due")[1]
    whole = run_cli("calendar", "--months", "2", "--db", db)
    assert whole.exit_code == 0
    assert whole.stdout.splitlines()[0].split() == ["month", "2026-10", "2026-09"]
    assert "cse_arrests" in whole.stdout.splitlines()[1] and "arrived" in whole.stdout.splitlines()[1]
    assert "The return for October 2026 is overdue" in whole.stdout


@pytest.mark.parametrize("months", ["0", "-5", "100000"])
def test_pccdash_calendar_refuses_a_number_of_months_out_of_range(db, run_cli, months):
    """Regression: 0 and -5 silently showed one month, and 100000 stopped on an unexpected fault."""
    with warehouse.connect(db):
        pass
    out = run_cli("calendar", "--months", months, "--db", db)
    assert out.exit_code == 2 and f"Invalid value for '--months': {months} is not in the range 1<=x<=240" in out.output


def test_the_returns_page_shows_the_latest_month_and_the_grid(monkeypatch, db, tmp_path):
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "oct.csv", HEADER + rows("2026-10", "cse_arrests"))]).ok
    at = internal(monkeypatch, db, "internal_pages/returns.py", ANALYST)
    assert not at.exception
    assert "The return for October 2026 is overdue (due 6 November 2026)" in texts(at)
    table = at.dataframe[0].value
    assert table.loc[table["Month"] == "October 2026", "CSE arrests"].item().startswith("arrived")
    assert table.loc[table["Month"] == "October 2026", "CSE charges"].item() == "overdue"
    at.selectbox(key="returns_month").set_value(dt.date(2026, 10, 1)).run()
    detail = at.dataframe[1].value.set_index("Measure")
    assert detail.loc["CSE arrests", "Detail"].startswith('arrived late in "oct.csv" (#1)')


def test_the_returns_grid_headings_are_read_whole_on_a_laptop(monkeypatch, db, tmp_path):
    """Regression: at 1280 pixels the grid's two dozen measures were squeezed side by side and their headings cut
    short ("Suspects arrested wi..."). The grid scrolls sideways instead, the month pinned in view, every column as
    wide as its heading at 7 pixels a character and room for the sort arrow and menu (and its widest state), and
    each heading's help names the measure in full and its part of the return."""
    import json

    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "oct.csv", HEADER + rows("2026-10", "cse_arrests"))]).ok
    at = internal(monkeypatch, db, "internal_pages/returns.py", ANALYST)
    assert not at.exception
    grid_shown = at.dataframe[0]
    table, widths = grid_shown.value, column_widths(grid_shown)
    config = json.loads(grid_shown.proto.columns)
    assert set(widths) == set(table.columns) and len(table.columns) > 20
    # more columns than a laptop holds: one that fits the page would have cut them
    assert sum(widths.values()) > LAPTOP_TABLE_WIDTH
    for heading in table.columns:
        widest = max([heading, *table[heading].astype(str)], key=len)
        assert widths[heading] >= 7 * len(widest) + 30, (heading, widths[heading])
    assert config["Month"]["pinned"] is True
    assert widths["Month"] >= 7 * len("September 2026") + 30
    assert config["Suspects arrested within 12 weeks (%)"]["help"].endswith(
        ': part of "CSE suspects, outcomes and victims referred".')
    assert config["CSE arrests"]["help"].endswith('part of "Monthly CSE return".')


def test_the_returns_page_explains_a_broken_calendar_instead_of_failing(monkeypatch, db, tmp_path,
                                                                        command_line_reference):
    folder = tmp_path / "reference"
    shutil.copytree(command_line_reference, folder)
    (folder / "return_calendar.yaml").write_text(SMALL.replace("cse_charges]", "cse_chargs]"))
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    with warehouse.connect(db):
        pass
    at = internal(monkeypatch, db, "internal_pages/returns.py", ANALYST)
    assert not at.exception
    assert '"cse_chargs" is not a measure of the force\'s return' in texts(at)


def test_a_part_of_the_return_missing_whole_is_one_thing_missing(db, tmp_path):
    """Regression: 'the whole of "Later" (2 measures) are missing', as if the part were several things."""
    cal = calendar_from_text(SMALL.replace("measures: [cse_referrals]", "measures: [cse_referrals, cse_arrests]")
                             .replace("measures: [cse_arrests, cse_charges]", "measures: [cse_charges]"))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "may.csv", HEADER + rows("2026-05", "cse_charges"))]).ok
        late = incomplete_notices(con, MAY, dt.date(2026, 6, 30), cal)
        waiting = incomplete_notices(con, MAY, dt.date(2026, 6, 2), cal)
    assert late == ['The return for May 2026 is overdue (due 12 June 2026): the whole of "Later" (2 measures) is '
                    "missing."]
    assert waiting == ['May 2026 is incomplete: the whole of "Later" (2 measures) has not arrived yet (due 12 June '
                       "2026)."]


def test_a_day_is_written_without_a_leading_zero_and_a_file_name_is_left_as_it_is(monkeypatch, db, tmp_path):
    """Regression: the Returns calendar page said "today is 05 December 2026", and an arrival's words dropped the
    zero after every space, the file's name included ("CSE return 05 2026.csv" read "CSE return 5 2026.csv")."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-12-05")
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "CSE return 05 2026.csv",
                                      HEADER + rows("2026-10", "cse_arrests"))]).ok
        con.execute("UPDATE file_registry SET received_at = TIMESTAMP '2026-11-03 09:00'")
        [arrests] = [r for r in return_status(con, dt.date(2026, 10, 1), dt.date(2026, 12, 5))
                     if r.measure == "cse_arrests"]
    assert arrests.words() == 'arrived in "CSE return 05 2026.csv" (#1) on 3 November 2026'
    at = internal(monkeypatch, db, "internal_pages/returns.py", ANALYST)
    assert not at.exception
    assert "today is 5 December 2026." in texts(at)


def test_a_month_sent_before_a_district_was_renamed_has_every_district_in(ref, con, tmp_path):
    cal = calendar_from_text(SMALL)
    assert ingest(con, [write_csv(tmp_path / "may.csv", HEADER + rows("2026-05", "cse_arrests"))]).ok
    path = ref / "force.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  - name: Sheffield\n    aliases: []", "  - name: Sheffield City\n    aliases: [Sheffield]"), encoding="utf-8")
    status = {r.measure: r for r in return_status(con, MAY, dt.date(2026, 6, 20), cal)}
    assert status["cse_arrests"].state == "arrived" and status["cse_arrests"].absent == ()
    assert not any("Sheffield City" in n for n in incomplete_notices(con, MAY, dt.date(2026, 6, 20), cal))


def test_a_briefing_says_an_earlier_month_of_its_12_months_is_still_overdue(ref, monkeypatch, con, tmp_path):
    """Regression: with April's return never sent and May's in on time, the June Board is briefed on May, its year to
    date and 12 months short of April, and neither the overview nor the pack said April's return was overdue: only
    the reporting month and the months after it were looked at."""
    from pipelines.briefing.pack import return_notices

    (ref / "return_calendar.yaml").write_text(
        "returns:\n  - name: Main\n    measures: [cse_arrests]\n    due_working_day: 5\n"
        "bank_holidays: [2026-05-04, 2026-05-25]\n", encoding="utf-8")
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-15")
    text = HEADER + rows("2026-03", "cse_arrests") + rows("2026-05", "cse_arrests")
    text += "".join(f"2026-01,{d},cse_arrests,1\n" for d in DISTRICTS[:3])  # Sheffield's January never sent
    for m in ("2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-02"):
        text += rows(m, "cse_arrests")
    assert ingest(con, [write_csv(tmp_path / "returns.csv", text)]).ok
    meeting = dt.date(2026, 6, 18)
    assert return_notices(con, MAY, meeting) == [
        "The returns for 2 earlier months of the 12 months to May 2026 (January 2026 and April 2026) are overdue "
        "or refused, so their figures are missing: the Returns calendar page shows what is due and what has "
        "arrived."]
    assert ingest(con, [write_csv(tmp_path / "sheffield.csv", HEADER + "2026-01,Sheffield,cse_arrests,2\n")]).ok
    assert return_notices(con, MAY, meeting) == [
        "The return for April 2026 is overdue (due 8 May 2026): CSE arrests is missing."]
    assert ingest(con, [write_csv(tmp_path / "april.csv", HEADER + rows("2026-04", "cse_arrests"))]).ok
    assert return_notices(con, MAY, meeting) == []  # and May 2025, before the 12 months, is not the Board's now


def test_pccdash_plan_points_to_the_calendar_command_where_the_overview_names_its_page(ref, monkeypatch, db, tmp_path,
                                                                                       run_cli):
    """Regression: "pccdash plan" printed the overview's notice of months overdue as it stands on the page, "the
    Returns calendar page shows what is due", to someone at the command line: it names "pccdash calendar" there, with
    as many months as reach back to the earliest month it names; the overview and the pack keep naming the page."""
    from pipelines.briefing.pack import return_notices

    (ref / "return_calendar.yaml").write_text(
        "returns:\n  - name: Main\n    measures: [cse_arrests]\n    due_working_day: 5\n"
        "bank_holidays: [2026-05-04, 2026-05-25]\n", encoding="utf-8")
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-15")
    sent = [f"{y}-{m:02d}" for y, m in [(2025, 1), (2025, 2), *((2025, m) for m in range(5, 13)), (2026, 1),
                                         (2026, 2), (2026, 3), (2026, 5)]]  # March, April 2025 and April 2026 not
    path = write_csv(tmp_path / "returns.csv", HEADER + "".join(rows(m, "cse_arrests") for m in sent))
    with warehouse.connect(db) as con:
        assert ingest(con, [path]).ok
        assert return_notices(con, MAY, dt.date(2026, 6, 18)) == [
            "The return for April 2026 is overdue (due 8 May 2026): CSE arrests is missing."]
        page = return_notices(con, dt.date(2025, 12, 1), dt.date(2026, 6, 15), later=False)
    assert page == ["The returns for 2 earlier months of the 12 months to December 2025 (March 2025 and April 2025) "
                    "are overdue or refused, so their figures are missing: the Returns calendar page shows what is "
                    "due and what has arrived."]
    said = " ".join(run_cli("plan", "--month", "2025-12", "--db", db).stdout.split())
    assert ("(March 2025 and April 2025) are overdue or refused, so their figures are missing: \"pccdash calendar "
            '--months 15" shows what is due and what has arrived.') in said, said
    assert "calendar page" not in said
    grid = run_cli("calendar", "--months", "15", "--db", db).stdout
    assert "2025-03" in grid and "2025-02" not in grid  # the command named shows the months it names


def test_a_return_received_on_a_fixed_day_stays_on_time_when_the_day_moves_on(ref, monkeypatch, db, tmp_path,
                                                                                run_cli):
    """Regression: a run that fixes the day (PCCDASH_TODAY) and moves it on month by month, as an office's year is
    rehearsed, read a return loaded on time as arriving on whatever day was fixed later ("arrived (late)"): the
    calendar took the earlier of the computer's stamp and today. The day a file is received is kept with it."""
    (ref / "return_calendar.yaml").write_text(
        "returns:\n  - name: Main\n    measures: [cse_arrests]\n    due_working_day: 5\n"
        "bank_holidays: [2026-05-04, 2026-05-25]\n", encoding="utf-8")
    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-06")
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "april.csv", HEADER + rows("2026-04", "cse_arrests"))]).ok
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-20")
    with warehouse.connect(db) as con:
        [april] = return_status(con, dt.date(2026, 4, 1))
    assert (april.state, april.arrived_on, april.late) == ("arrived", dt.date(2026, 5, 6), False)
    result = run_cli("calendar", "--month", "2026-04", "--db", db)
    assert result.exit_code == 0 and "arrived in" in result.output and "late" not in result.output, result.output


def test_an_office_whose_bank_holidays_run_out_is_told_before_a_due_date_comes_early(monkeypatch, db, ref, run_cli):
    """Regression: two years on, the December return was due by 7 January 2028 by the calendar's count, which knew no
    bank holiday in 2028 (3 January is one), so a return sent on its real fifth working day was called overdue; nothing
    said that the list of bank holidays had run out."""
    (ref / "return_calendar.yaml").write_text(SMALL.replace("[2026-05-04, 2026-05-25]", "[2026-05-04, 2026-12-28]"))
    cal = load_calendar()
    assert cal.holidays_unlisted([dt.date(2026, 11, 1)]) is None  # due in December 2026: listed
    words = cal.holidays_unlisted([dt.date(2026, 11, 1), dt.date(2026, 12, 1)])
    assert words.startswith(f'The return calendar "{ref / "return_calendar.yaml"}" lists bank holidays only up to 28 '
                            "December 2026: returns due in 2027 are counted as if there were no bank holiday then")
    assert words.endswith("Add 2027's bank holidays to its bank_holidays list.")
    with warehouse.connect(db):
        pass
    autumn = run_cli("calendar", "--months", "2", "--db", db, env={"PCCDASH_TODAY": "2026-11-10"})
    assert autumn.exit_code == 0 and "bank holiday" not in autumn.stdout
    # in December the month in progress is December, whose return falls due in January 2027: said ahead of it
    december = run_cli("calendar", "--months", "2", "--db", db, env={"PCCDASH_TODAY": "2026-12-10"})
    assert december.exit_code == 0
    assert "lists bank holidays only up to 28 December 2026: returns due in 2027" in december.stdout
    month = run_cli("calendar", "--month", "2026-12", "--db", db, env={"PCCDASH_TODAY": "2027-01-12"})
    assert "returns due in 2027" in month.stdout
    monkeypatch.setenv("PCCDASH_TODAY", "2026-12-10")
    at = internal(monkeypatch, db, "internal_pages/returns.py", ANALYST)
    assert not at.exception
    assert any("returns due in 2027" in w.value for w in at.warning)


def test_the_calendar_names_the_file_in_force_where_the_office_keeps_its_own(monkeypatch, db, ref, run_cli):
    """Regression: with PCCDASH_REFERENCE_DIR pointing at the office's reference folder, the Returns calendar page
    said the due days were as "pipelines/reference/return_calendar.yaml" declares, and the note that its bank holidays
    had run out named no folder, so the office was sent to the bundled copy, not the one in force. Both name the file
    read, on the page and from "pccdash calendar"."""
    (ref / "return_calendar.yaml").write_text(SMALL.replace("[2026-05-04, 2026-05-25]", "[2026-05-04, 2026-12-28]"))
    in_force = f'"{ref / "return_calendar.yaml"}"'
    with warehouse.connect(db):
        pass
    said = run_cli("calendar", "--months", "2", "--db", db, env={"PCCDASH_TODAY": "2026-12-10"})
    assert said.exit_code == 0
    assert f"The return calendar {in_force} lists bank holidays only up to 28 December 2026" in said.stdout
    monkeypatch.setenv("PCCDASH_TODAY", "2026-12-10")
    at = internal(monkeypatch, db, "internal_pages/returns.py", ANALYST)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "pipelines/reference/return_calendar.yaml" not in shown
    assert f"as the return calendar {in_force} declares" in shown
    assert [w.value for w in at.warning if "bank holidays" in w.value][0].startswith(
        f"The return calendar {in_force} lists bank holidays only up to 28 December 2026")


def test_the_months_detail_gives_each_due_day_in_words_and_downloads_the_date(monkeypatch, db, tmp_path):
    """Regression: the month's table wrote each measure's due day as "2026-11-06", beside the notice above it
    saying "due 6 November 2026"."""
    import io

    import pandas as pd
    from dashboard_helpers import downloads_of

    served = downloads_of(monkeypatch)
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "oct.csv", HEADER + rows("2026-10", "cse_arrests"))]).ok
    at = internal(monkeypatch, db, "internal_pages/returns.py", ANALYST)
    at.selectbox(key="returns_month").set_value(dt.date(2026, 10, 1)).run()
    assert not at.exception, at.exception
    detail = at.dataframe[1].value.set_index("Measure")
    assert detail.loc["CSE arrests", "Due"] == "6 November 2026"
    csv = next(body for name, body in reversed(served) if name == "return-2026-10.csv")
    assert set(pd.read_csv(io.BytesIO(csv))["Due"]) == {"2026-11-06"}


def test_a_calendar_measure_not_of_the_return_names_the_measures_file_in_force(ref):
    """Regression: with PCCDASH_REFERENCE_DIR pointing at the office's own reference folder, a calendar measure not of
    the force's return was told "Use an id from measures.yaml", which the office could take for the bundled copy,
    which nothing reads. It names the file read."""
    with pytest.raises(ConfigError) as caught:
        calendar_from_text(SMALL.replace("cse_charges]", "cse_chargs]"), "return_calendar.yaml")
    assert f'Use an id from "{ref / "measures.yaml"}" whose source is force_return.' in str(caught.value)


def test_a_row_dated_in_a_month_still_to_come_is_no_return_for_that_month(monkeypatch, con, tmp_path):
    """Regression: a May return for April with one row mistyped as September, refused as "in the future", was said to
    block September, and in October the calendar said September's return was refused, naming that file."""
    from pipelines.resubmission import blocked_months, file_registry, open_refusals

    cal = calendar_from_text(SMALL)
    april, september = dt.date(2026, 4, 1), dt.date(2026, 9, 1)
    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-08")
    text = (HEADER + rows("2026-04", "cse_arrests") + rows("2026-04", "cse_charges")
            + "2026-09,Barnsley,cse_referrals,10\n")
    assert not ingest(con, [write_csv(tmp_path / "2026-04-cse-return.csv", text)]).ok
    # the same with an error in April too: that refusal blocks April as ever
    bad = HEADER + rows("2026-04", "cse_arrests", (1, 2, 3, "lots")) + "2026-09,Barnsley,cse_charges,4\n"
    assert not ingest(con, [write_csv(tmp_path / "april-bad.csv", bad)]).ok
    monkeypatch.setenv("PCCDASH_TODAY", "2026-10-25")

    assert blocked_months(con) == {april}
    assert open_refusals(con, september) == []
    [april_blocker] = open_refusals(con, april)
    assert '"april-bad.csv" (#2)' in april_blocker and "(cse_arrests)" in april_blocker
    status = file_registry(con).set_index("file_id")["status"]
    assert "September" not in status[1] and "September" not in status[2]
    assert status[1] == ('refused; 1 refused row dated "2026-09", after the month it was received in (May 2026), '
                         "block no month (a mistyped month: no return is for a month still to come)")
    assert status[2].startswith("refused; blocks April 2026 until a later file covers it; 1 refused row dated "
                                '"2026-09", after the month it was received in (May 2026), block no month')
    # September's return was never sent: it is overdue, not refused, and no file is named for it
    assert {r.state for r in return_status(con, september, dt.date(2026, 10, 25), cal)} == {"overdue"}
    assert not any("refused" in n for n in incomplete_notices(con, september, dt.date(2026, 10, 25), cal))
    # April's return was refused whole, by both files
    assert {r.state for r in return_status(con, april, dt.date(2026, 10, 25), cal)} == {"refused"}
