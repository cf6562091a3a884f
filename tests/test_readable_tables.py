"""Every internal page's tables and choices read in words people use: headings in words, measures by name,
no "None", "nan" or "NaT", even with a flag of each scope open and a refused file in the warehouse."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import ANALYST, INTERNAL_PAGES, PCC, copy_warehouse, internal
from helpers import write_csv

from pipelines import warehouse
from pipelines.catalogue import catalogue
from pipelines.flags import raise_flag
from pipelines.ingest import ingest

POLICE_UK = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
# A refused return: one value that is no number, and one count below zero.
REFUSED = ("period,district,measure,value\n2026-05,Barnsley,cse_arrests,twelve\n"
           + "".join(f"2026-05,{d},cse_charges,{v}\n" for d, v in zip(DISTRICTS, (1, -2, 3, 4), strict=True)))
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")  # "period", "rows_checked": an identifier, not a heading
# "None" opening a sentence or a table cell ("None yet: ...") is English; elsewhere it is a missing value printed.
BLANK_WORDS = re.compile(r"(?<![\w-])(nan|NaN|NaT|<NA>)(?![\w-])|(?<!^)(?<![.:!?|] )(?<![\w-])None(?![\w-])")


@pytest.fixture(scope="module")
def flagged_db(sample_db, tmp_path_factory) -> Path:
    """The sample warehouse with police.uk's November 2017 loaded, a refused return, a flag of each scope, the
    accountability loop's record, and a breakdown of a year's victims supported by sex, one district-month unsent."""
    db = copy_warehouse(sample_db, tmp_path_factory.mktemp("readable"))
    folder = tmp_path_factory.mktemp("refused")
    with warehouse.connect(db) as con:
        loaded = ingest(con, sorted(POLICE_UK.glob("*.csv")), loaded_by="tester", today=dt.date(2026, 11, 21))
        assert loaded.count("accepted") == 2
        refused = ingest(con, [write_csv(folder / "2026-05-return.csv", REFUSED)], loaded_by="tester")
        assert refused.count("rejected") == 1
        first = con.execute("SELECT min(file_id) FROM file_registry").fetchall()[0][0]
        raise_flag(con, ANALYST, scope="figure", reason="Two charges counted twice.", period="2026-03",
                   district="Doncaster", measure="cawn_issued")
        raise_flag(con, ANALYST, scope="district_month", reason="The district's return came late.",
                   period="2015-07", district="Rotherham", blocking=True)
        raise_flag(con, ANALYST, scope="file", reason="All figures provisional.", file_id=int(first))
        loop_record(con, db, tmp_path_factory.mktemp("inbox"))
        con.execute("""INSERT INTO figure_breakdown_revision (period, district, measure, dimension, category, revision,
                              value, file_id, source_row, loaded_at)
                       SELECT period, district, measure, 'victim_sex', c.category, 1,
                              CASE c.category WHEN 'male' THEN floor(value / 2) ELSE value - floor(value / 2) END,
                              file_id, source_row, loaded_at
                       FROM figure, (VALUES ('male'), ('not_recorded')) c(category)
                       WHERE measure = 'victims_supported' AND period >= DATE '2025-04-01'
                         AND NOT (district = 'Sheffield' AND period = DATE '2025-06-01')""")
    return db


def loop_record(con, db: Path, inbox: Path) -> None:
    """The accountability loop with something in every part: meetings, a question with its figures, answers,
    decisions, an open and a closed action, a recommendation's status and a question from the public."""
    from pipelines import accountability as acc
    from pipelines import inbox as public_inbox
    from pipelines.accountability import moderation, register
    from pipelines.figures import plan_figures
    from pipelines.plan import PlanAnalytics

    analytics = PlanAnalytics(plan_figures(con))
    first = acc.add_meeting(con, PCC, held_on="2015-08-20")
    second = acc.add_meeting(con, PCC, held_on="2015-09-17")
    q = acc.ask(con, PCC, first.meeting_id, "Why did charges fall in Rotherham?", measure="cse_charges",
                area="Rotherham", period=first.reporting_month,
                figures=acc.figures_for(analytics, "cse_charges", "Rotherham", first.reporting_month))
    acc.await_answer(con, ANALYST, q, awaited_by="2015-09-10")
    answer = acc.record_answer(con, ANALYST, q, body="Two files went to the CPS.", answered_by="ACC Jones",
                               answered_on="2015-09-15", meeting_id=second.meeting_id)
    decision = acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=q, decision="partly_assured",
                          rationale="Progress, but slow.", evidence=[("answer", "The ACC's letter")])
    acc.decide(con, PCC, meeting_id=second.meeting_id, theme="Protecting Vulnerable People", decision="assured",
               rationale="The hub works.", evidence=[("visit", "Visited the hub")])
    acc.add_action(con, ANALYST, meeting_id=first.meeting_id, body="Report on charging delays", owner="ACC Crime",
                   due_meeting_id=second.meeting_id)
    done = acc.add_action(con, ANALYST, meeting_id=first.meeting_id, body="Visit the hub", owner="The office",
                          due_on="2015-09-01")
    acc.update_action(con, ANALYST, done, status="closed", note="Visited.", on="2015-08-28")
    rec = register.load_register().recommendations[0]
    register.record_status(con, ANALYST, rec.id, status="in_progress", evidence="Work under way.",
                           answer_ids=[answer], decision_ids=[decision], analytics=analytics)
    public_inbox.submit("When will the review report?", "A. Parent", "parent@example.com", folder=inbox)
    public_inbox.submit("Another question", folder=inbox)
    moderation.import_inbox(con, ANALYST, inbox)
    waiting = moderation.pending(con)
    moderation.accept(con, ANALYST, waiting[0].submission_id, edited_body="When will the review report?",
                      meeting_id=second.meeting_id)


LINK_ADDRESS = re.compile(r"^(?:https?://\S+|/?[\w./-]*\?\S*=\S*)$")  # a link column's address: shown as its words


# Columns that show what a file holds, as it holds it (a sheet named "cse_arrests", a measure as the force wrote it).
AS_IN_THE_FILE = ("File", "Sheet", "Column", "Batch", "Measure (as written)", "Month (as written)",
                  "District (as written)", "Value (as written)")


def words_of(at) -> list[tuple[str, str]]:
    """(where, text) of every table cell, Markdown, caption and choice offered on the page (not what a file holds,
    shown as it is there)."""
    found = []
    for i, frame in enumerate(at.dataframe):
        value = frame.value
        for col in value.columns:
            if str(col).strip() in AS_IN_THE_FILE:
                continue
            found += [(f"table {i}, column {col!r}", "<NA>" if missing or v == "None" else v)
                      for v in value[col] for missing in [v is None or (not isinstance(v, str) and pd.isna(v))]
                      if missing or (isinstance(v, str) and not LINK_ADDRESS.match(v))]
    for kind in ("markdown", "caption"):  # a link's address is not read, its words are
        found += [(kind, re.sub(r"\]\([^)]*\)", "]", str(e.value))) for e in getattr(at, kind)]
    for box in (*at.selectbox, *at.multiselect):
        found += [(f"choice {box.key}", str(o)) for o in box.options]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_every_internal_page_reads_in_words(monkeypatch, flagged_db, page):
    at = internal(monkeypatch, flagged_db, page, ANALYST)
    assert not at.exception, at.exception
    if page.endswith("flags.py"):
        at.segmented_control(key="flags_show").set_value("All").run()
    # Data Docs are Great Expectations' own pages, shown as they are built; Upload a return shows its tables once a
    # file is chosen (tests/test_upload.py)
    assert at.dataframe or page.endswith(("briefing.py", "measure.py", "pack.py", "datadocs.py", "upload.py")), \
        "no table"
    for frame in at.dataframe:
        headings = [str(c) for c in frame.value.columns]
        assert not [h for h in headings if SNAKE.match(h)], headings
    ids = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, catalogue().ids())) + r")(?![\w-])")
    bad = [(where, text[max(0, m.start() - 60):m.end() + 20]) for where, text in words_of(at)
           for m in [BLANK_WORDS.search(text) or ids.search(text)] if m]
    assert not bad, bad[:10]


@pytest.mark.slow
def test_the_flag_choice_reads_as_a_sentence_naming_the_district_measure_and_month(monkeypatch, flagged_db):
    at = internal(monkeypatch, flagged_db, "internal_pages/flags.py", ANALYST)
    options = at.multiselect(key="resolve_flags").options
    assert any(o.startswith("Doncaster's CAWNs issued in March 2026: Two charges") for o in options), options
    assert any(o.startswith("Every measure for Rotherham in July 2015: The district") for o in options), options
    assert any(o.startswith("The whole file 2013-14-cse-return.xlsx: All figures") for o in options), options


def test_a_readable_table_downloads_its_data_not_its_display_text():
    """The grid reads "1,234" and "July 2015"; the CSV an analyst downloads keeps numbers and months as data."""
    import pandas as pd

    from dashboard import ui
    from pipelines.exports import csv_bytes

    frame = pd.DataFrame({"period": ["2015-07"], "rows_checked": [1234], "change": [-11], "blocking": [True]})
    shown = ui.readable(frame)
    assert shown.iloc[0].tolist() == ["July 2015", "1,234", "\u221211", "Yes"]
    download = shown.attrs["download"]
    assert list(download.columns) == list(shown.columns)
    text = csv_bytes(download).decode("utf-8-sig")
    assert "2015-07,1234,-11,True" in text.replace("'", "")


def test_a_column_named_by_a_district_keeps_its_capitals():
    """Regression: the police.uk context page's table by district headed West Midlands Police's "Birmingham East"
    column "Birmingham east": a heading not otherwise named was written with str.capitalize."""
    from dashboard import ui

    frame = pd.DataFrame({"measure": ["police_uk_burglary"], "Birmingham East": [16], "Outside force area": [0],
                          "rows_checked": [3]})
    assert list(ui.readable(frame).columns) == ["Measure", "Birmingham East", "Outside force area", "Rows checked"]


def test_where_a_figure_came_from_is_shown_as_the_file_has_it():
    """A sheet, file or column named like a measure, and what the force wrote ("as written"), are shown as they
    are in the file: an analyst looks for sheet "cse_arrests", not "CSE arrests", which the workbook does not have.
    A measure id inside a message still reads as the measure's name."""
    from dashboard import ui

    frame = pd.DataFrame({"source_file": ["cse_charges.csv"], "source_sheet": ["cse_arrests"],
                          "source_column": ["cse_referrals"], "measure_text": ["cse_charges"],
                          "sheet": ["cse_arrests"], "message": ["cse_arrests went up"]})
    shown = ui.readable(frame)
    assert shown.iloc[0].tolist() == ["cse_charges.csv", "cse_arrests", "cse_referrals", "cse_charges",
                                      "cse_arrests", "CSE arrests went up"]


def test_a_message_quoting_a_sheet_named_like_a_measure_keeps_the_sheet_name_as_the_file_has_it():
    """Regression: Files loaded said a refused workbook's problem was on sheet "Officer headcount" when the sheet is
    named "officer_headcount": the measure's name replaced the quoted sheet name inside the message."""
    from dashboard import ui

    message = ('file "2026-05.xlsx", sheet "officer_headcount", row 4, column "Total": the total of '
               'officer_headcount does not equal the sum of the districts.')
    shown = ui.readable(pd.DataFrame({"message": [message]}))
    assert shown.iloc[0, 0] == ('file "2026-05.xlsx", sheet "officer_headcount", row 4, column "Total": the total '
                                "of Officer headcount does not equal the sum of the districts.")


def test_a_readable_tables_download_names_each_measure_with_its_id_beside_it():
    """The grid names a measure ("CSE arrests"); the CSV downloaded from it names it the same, not by its id, and
    gives the id beside it, last, under "Measure code", as the public downloads do, for the rows the grid shows."""
    from dashboard import ui

    frame = pd.DataFrame({"measure": ["cse_arrests", "cse_charges", None], "period": ["2015-07"] * 3,
                          "value": [3, 4, 5]})
    shown = ui.readable(frame)
    assert shown["Measure"].tolist() == ["CSE arrests", "CSE charges", ""]
    rows = ui._download_rows(shown)
    assert list(rows.columns) == ["Measure", "Month", "Value", "Measure code"]
    assert rows["Measure"].tolist()[:2] == ["CSE arrests", "CSE charges"]
    assert rows["Measure code"].tolist()[:2] == ["cse_arrests", "cse_charges"]
    assert rows["Month"].tolist() == ["2015-07"] * 3
    some = shown[shown["Value"] != "4"][["Measure", "Value"]]  # a page shows some of a table's rows and columns
    rows = ui._download_rows(some)
    assert list(rows.columns) == ["Measure", "Value", "Measure code"]
    assert rows["Measure code"].tolist()[:1] == ["cse_arrests"] and len(rows) == 2
    assert list(ui._download_rows(shown[["Month", "Value"]]).columns) == ["Month", "Value"]


@pytest.mark.slow
@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_every_internal_download_names_measures_as_the_grid_does(monkeypatch, flagged_db, page):
    """A CSV an internal page hands out with a "Measure" column names each measure as the page's grid does, never by
    its id, which it gives beside it under "Measure code" where the grid's table holds it."""
    import io

    from dashboard_helpers import downloads_of

    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, flagged_db, page, ANALYST)
    assert not at.exception, at.exception
    ids = set(catalogue().ids())
    for name, data in served:
        if not name.endswith(".csv"):
            continue
        got = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        if "Measure" in got.columns:
            assert not ids & set(got["Measure"]), (name, sorted(ids & set(got["Measure"]))[:3])
        if "Measure code" in got.columns:
            assert set(got["Measure code"]) - {""} <= ids, name
            assert "Measure" in got.columns, name


def test_a_kind_of_period_reads_in_words_and_downloads_as_its_code():
    """A table's "Period type" column read "rolling_12_months": it reads as the public pages name a kind of period,
    and its download keeps the code the public CSV gives."""
    from dashboard import ui

    frame = pd.DataFrame({"period_type": ["month", "quarter", "financial_year", "rolling_12_months"]})
    shown = ui.readable(frame)
    assert shown["Period type"].tolist() == ["Month", "Financial quarter", "Financial year", "12 months"]
    assert ui._download_rows(shown)["Period type"].tolist() == frame["period_type"].tolist()
