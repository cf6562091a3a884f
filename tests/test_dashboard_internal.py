"""Every internal page renders for a signed-in user with a role, does what its widgets ask, refuses all others."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from dashboard_helpers import (
    ANALYST,
    ANONYMOUS,
    INTERNAL_PAGES,
    LAPTOP_TABLE_WIDTH,
    NO_ROLE,
    PCC,
    ROOT,
    column_widths,
    copy_warehouse,
    downloads_of,
    heading_problems,
    headings,
    internal,
    texts,
)
from streamlit.testing.v1 import AppTest

from pipelines import warehouse


@pytest.fixture
def wh(sample_db, tmp_path):
    """A writable copy of the sample warehouse."""
    return copy_warehouse(sample_db, tmp_path)


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_every_page_renders_for_the_pcc_and_an_analyst(monkeypatch, sample_db, page):
    for user in (PCC, ANALYST):
        at = internal(monkeypatch, sample_db, page, user)
        assert not at.exception, at.exception
        assert at.title and at.title[0].value not in ("Sign in", "Not allowed")


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_every_page_has_one_h1_and_skips_no_heading_level(monkeypatch, sample_db, page):
    """WCAG 1.3.1: the page's sections are h2 under its h1 title (they were h3, so a screen reader's outline of
    the overview, the Measure page and ten others went from h1 straight to h3)."""
    at = internal(monkeypatch, sample_db, page)
    if page.endswith("briefing.py"):  # a meeting date with figures: every section and each measure's heading
        at.date_input(key="meeting_date").set_value(dt.date(2015, 8, 20)).run()
    assert not at.exception, at.exception
    found = headings(at)
    assert heading_problems(found) == [], found


def contrast_on_white(hex_colour: str) -> float:
    """WCAG 2's contrast ratio of a colour ("#RRGGBB") against white."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def test_small_print_is_drawn_at_a_contrast_of_at_least_4_5_to_1(monkeypatch, sample_db):
    """WCAG 1.4.3: st.caption's small print was Streamlit's grey faded to 60%, 3.9:1 on white (axe: color-contrast on
    the overview and the Measure page); the app sets it in a darker grey, unfaded."""
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    assert at.caption  # the overview has small print
    style = " ".join(h.proto.body for h in at.get("html"))
    rule = re.search(r"\[data-testid='stCaptionContainer'\][^{]*\{([^}]*)\}", style)
    assert rule, "no rule for st.caption's colour"
    colour = re.search(r"color:\s*(#[0-9A-Fa-f]{6})", rule.group(1))
    assert colour and contrast_on_white(colour.group(1)) >= 4.5, rule.group(1)
    assert re.search(r"opacity:\s*1\b", rule.group(1)), rule.group(1)


def test_the_sidebar_says_who_is_signed_in_with_which_role(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py", ANALYST)
    # the address is Markdown-escaped, so that no claim can carry a link or an icon into the page
    assert [c.value for c in at.sidebar.caption] == ["Signed in as analyst\u200b@example\\.org (analyst)"]


@pytest.mark.parametrize("page", INTERNAL_PAGES)
@pytest.mark.parametrize("user", [ANONYMOUS, NO_ROLE], ids=["anonymous", "no-role"])
def test_every_page_refuses_an_anonymous_visitor_and_an_account_without_a_role(monkeypatch, sample_db, page, user):
    at = internal(monkeypatch, sample_db, page, user)
    assert not at.exception
    assert [t.value for t in at.title] == (["Sign in"] if user is ANONYMOUS else ["Not allowed"])
    assert not at.dataframe and not at.metric and not at.get("plotly_chart")
    # the page's own guard refuses too, if the script is run without the app's front door
    direct = AppTest.from_file(str(ROOT / "dashboard" / page), default_timeout=60)
    direct.user = dict(user)
    direct.run()
    assert [t.value for t in direct.title] == (["Sign in"] if user is ANONYMOUS else ["Not allowed"])
    assert not direct.dataframe and not direct.metric


def test_sign_in_says_how_when_no_provider_is_configured(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py", ANONYMOUS)
    assert "pccdash serve --demo-sign-in" in texts(at)


def test_briefing_takes_the_reporting_period_from_the_meeting_date(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    assert "Reporting period:** March 2026" in texts(at)  # today is 21 November 2026; figures end March 2026
    at.date_input(key="meeting_date").set_value(dt.date(2015, 8, 20)).run()
    shown = texts(at)
    assert "Reporting period:** July 2015; latest complete quarter Q1 2015/16" in shown
    # the force's July 2015 figure and each district's, side by side
    labels = [m.label for m in at.metric]
    assert labels[:5] == ["South Yorkshire", "Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    assert "CSE referrals across South Yorkshire in July 2015" in shown
    # a meeting on the 1st of a month briefs the month before last: the last month is not over
    at.date_input(key="meeting_date").set_value(dt.date(2015, 8, 1)).run()
    assert "Reporting period:** July 2015" in texts(at)
    at.date_input(key="meeting_date").set_value(dt.date(2015, 7, 31)).run()
    assert "Reporting period:** June 2015; latest complete quarter Q1 2015/16" in texts(at)


def test_briefing_shows_each_priority_with_variation_in_words(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    priorities = at.button_group(key="priority").proto.options
    assert len(priorities) >= 2
    shown = texts(at)
    assert "Common cause: no significant change" in shown or "Special cause" in shown


def test_every_chart_on_the_measure_page_names_its_measure_area_and_view(monkeypatch, sample_db):
    """Regression: the monthly SPC chart was titled with the measure and area only, where every other view's chart
    names its view ("by financial quarter"), and the districts' funnel with the measure and period only, not what it
    compares. A chart is read (and copied into a paper) on its own: each title names the measure, the area and the
    view."""
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("Rotherham").run()
    name = "People charged with child sexual exploitation related offences"

    def titles() -> list[str]:
        return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
                for c in at.get("plotly_chart")]

    views = {"month": "by month", "quarter_spc": "by financial quarter", "quarter": "financial quarters",
             "financial_year": "financial years", "rolling_12": "rolling 12 months"}
    for view, words in views.items():
        at.selectbox(key="view").select(view).run()
        assert not at.exception
        first, *rest = titles()
        assert first.startswith(f"{name}, Rotherham, {words}"), (view, first)
        # the funnel comparing the districts, under it
        assert rest and all(t.startswith(f"{name}, districts compared, ") for t in rest), (view, rest)


def test_every_chart_on_the_measure_page_is_named_by_its_title_and_its_sentence_is_said_once_under_it(
        monkeypatch, sample_db):
    """WCAG 1.1.1: a screen reader met each chart of the measure page as an unnamed graphic, its axes' ticks read one
    by one, so each is named by its title. Regression: the name went on with the sentence saying over which periods
    and what it finds, and the caption under it said that sentence again, so a screen reader heard it twice. It is
    said once, under the chart: the SPC charts' and the bars' caption (their periods and the latest one's figure),
    the funnel's summary."""
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("Rotherham").run()
    said = {"month": "156 months to March 2026; ", "quarter_spc": "52 complete financial quarters to March 2026",
            "quarter": "52 periods, from Q1 2013/14 to Q4 2025/26; Q4 2025/26: ",
            "financial_year": "13 periods, from 2013/14 to 2025/26; 2025/26: ",
            "rolling_12": "156 periods, from 12 months to April 2013 to 12 months to March 2026; 12 months to March"}
    for view, words in said.items():
        at.selectbox(key="view").select(view).run()
        assert not at.exception
        charts = at.get("plotly_chart")
        assert len(charts) == 2, view
        for chart in charts:
            title = html.unescape(json.loads(chart.proto.spec)["layout"]["title"]["text"].replace("<br>", " "))
            assert chart.proto.alt == title, (view, title, chart.proto.alt)
        shown = texts(at)
        captions = [c for c in shown.split("\n") if words in c]
        assert len(captions) == 1 and shown.count(captions[0]) == 1, (view, captions)  # under the chart, once
        summaries = [s for s in shown.split("\n") if "the districts together stand at" in s]
        assert len(summaries) == 1 and shown.count(summaries[0]) == 1, (view, summaries)


def test_measure_page_draws_the_xmr_chart_and_switches_area_view_and_rates(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_charges").run()
    assert not at.exception
    chart = at.get("plotly_chart")[0].proto.spec
    assert "Upper process limit" in chart and "Mean" in chart
    at.selectbox(key="area").select("Rotherham").run()
    title = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    assert "People charged with child sexual exploitation related offences, Rotherham" in title.replace("<br>", " ")
    at.selectbox(key="view").select("financial_year").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert "2014/15" in set(table["Period"])
    at.toggle(key="per_100k").set_value(True).run()
    assert not at.exception
    assert "Per 100,000" in at.dataframe[0].value.columns


def test_a_flag_raised_on_a_figure_shows_beside_it_everywhere_then_resolves(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/provenance.py", ANALYST)
    at.selectbox(key="prov_measure").select("cse_charges").run()
    at.selectbox(key="prov_district").select("Rotherham").run()
    at.selectbox(key="prov_period").select("2015-07").run()
    assert "row" in texts(at)
    # when it was loaded, as every sentence writes a time ("loaded 2026-12-06 22:10 GMT" stood out)
    assert re.search(r"; loaded \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d (GMT|BST)\.", texts(at))
    history = at.dataframe[0].value
    assert {"File", "Row", "Revision"} <= set(history.columns)
    # where each value came from is in view on a laptop's screen: the sheet and column were cut ("cse_cha",
    # "Rotherha") and the time loaded off the edge
    widths = column_widths(at.dataframe[0])
    key = ["Revision", "Value", "Replaced value", "File", "Sheet", "Row", "Column", "Loaded"]
    assert list(at.dataframe[0].proto.column_order)[:len(key)] == key and set(widths) == set(key)
    assert sum(widths.values()) <= LAPTOP_TABLE_WIDTH and widths["Sheet"] >= 100 and widths["Loaded"] >= 190
    at.radio(key="flag_scope_provenance").set_value("figure")
    at.text_area(key="flag_reason_provenance").input("Two charges counted twice; the force is checking.")
    at.button(key="FormSubmitter:flag_form_provenance-Raise flag").click().run()
    assert not at.exception

    with warehouse.connect_read_only(wh) as con:
        rows = con.execute("SELECT scope, period, district, measure, raised_by, resolved_at FROM figure_flag"
                           ).fetchall()
    assert rows == [("figure", dt.date(2015, 7, 1), "Rotherham", "cse_charges", "analyst@example.org", None)]

    # the caveat is beside the figure on the provenance page, the measure page and the briefing
    at.run()
    assert "Two charges counted twice" in texts(at)
    m = internal(monkeypatch, wh, "internal_pages/measure.py", PCC)
    m.selectbox(key="measure").select("cse_charges").run()
    assert "Two charges counted twice" in m.table[-1].value["Caveat"].str.cat()
    ringed = next(t for t in json.loads(m.get("plotly_chart")[0].proto.spec)["data"] if t["name"].startswith("Has a"))
    assert any(x.startswith("2015-07-01") for x in ringed["x"])  # the flagged month is ringed on the chart
    b = internal(monkeypatch, wh, "internal_pages/briefing.py", PCC)
    b.date_input(key="meeting_date").set_value(dt.date(2015, 8, 20)).run()
    shown = texts(b)
    for priority in [o.content for o in b.button_group(key="priority").proto.options]:
        b.button_group(key="priority").set_value(priority).run()
        shown += texts(b)
    # said once under the measure, naming the district, the month and who flagged it
    assert "CSE charges for Rotherham in July 2015: Two charges counted twice" in shown
    assert "flagged by analyst@example.org" in shown

    f = internal(monkeypatch, wh, "internal_pages/flags.py", ANALYST)
    assert f.metric[0].value == "1"
    # the flag's sentence leaves where it stands and who raised it in view beside it on a laptop's screen
    widths = column_widths(f.dataframe[0])
    assert sum(widths[h] for h in ("Number", "Flag", "Covers", "Where it stands", "Raised by")) <= LAPTOP_TABLE_WIDTH
    f.multiselect(key="resolve_flags").set_value([1])
    f.text_area(key="resolve_note").input("Checked with the force: the return was right.")
    f.button(key="FormSubmitter:resolve_form-Resolve flags").click().run()
    assert not f.exception
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT resolved_by, resolution_note FROM figure_flag").fetchall() == [
            ("analyst@example.org", "Checked with the force: the return was right.")]
    f.run()
    assert f.metric[0].value == "0"
    m.run()
    assert "Two charges counted twice" not in texts(m)


def test_a_flag_without_a_reason_is_refused_and_nothing_is_stored(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/provenance.py", ANALYST)
    at.button(key="FormSubmitter:flag_form_provenance-Raise flag").click().run()
    assert any("Say why" in e.value for e in at.error)
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT count(*) FROM figure_flag").fetchall() == [(0,)]


def test_commentary_and_questions_are_saved_with_who_and_when_and_kept_as_history(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/measure.py", PCC)
    at.selectbox(key="measure").select("cse_charges").run()
    box = [t for t in at.text_area if t.key.startswith("commentary_cse_charges")][0]
    box.input("Charges fell in Q4; the new team starts in April.")
    at.button(key="save_commentary").click().run()
    assert not at.exception
    assert "Last saved by pcc@example.org" in texts(at)
    box = [t for t in at.text_area if t.key.startswith("commentary_cse_charges")][0]
    assert box.value == "Charges fell in Q4; the new team starts in April."
    box.input("Second thoughts.")
    at.button(key="save_commentary").click().run()

    p = internal(monkeypatch, wh, "internal_pages/pack.py", ANALYST)
    q = [t for t in p.text_area if t.key.startswith("questions_")][0]
    assert q.value.strip(), "the drafted questions fill the box before anything is saved"
    q.input("1. Why did charges fall?\n2. When will the new team start?")
    p.button(key="save_questions").click().run()
    assert not p.exception
    with warehouse.connect_read_only(wh) as con:
        rows = con.execute("SELECT kind, measure, body, written_by FROM briefing_text ORDER BY text_id").fetchall()
    assert rows == [
        ("commentary", "cse_charges", "Charges fell in Q4; the new team starts in April.", "pcc@example.org"),
        ("commentary", "cse_charges", "Second thoughts.", "pcc@example.org"),
        ("questions", None, "1. Why did charges fall?\n2. When will the new team start?", "analyst@example.org"),
    ]


def test_the_pack_page_prepares_pdf_word_and_html_downloads(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/pack.py")
    assert not at.get("download_button")
    at.button(key="prepare_pack").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download PDF", "Download HTML", "Download Word"]


def test_workbench_pages_show_runs_rules_failing_rows_and_files(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/checks.py", ANALYST)
    runs = at.dataframe[0].value
    assert len(runs) == 14 and set(runs["Outcome"]) == {"passed with warnings", "passed"}
    at.selectbox(key="run").select_index(list(runs["Outcome"]).index("passed with warnings")).run()
    rules = at.dataframe[1].value
    assert "Month on month change" in set(rules[rules["Passed"] == "No"]["Rule"])
    assert "CCE referrals same month last year" in set(rules["Rule"])  # an abbreviation as people write it
    failing = at.dataframe[2].value
    assert {"File", "Row", "Message"} <= set(failing.columns) and len(failing) > 0

    files = internal(monkeypatch, sample_db, "internal_pages/files.py", ANALYST)
    assert len(files.dataframe[0].value) == 14
    q = internal(monkeypatch, sample_db, "internal_pages/quarantine.py", ANALYST)
    assert "Nothing is in quarantine" in texts(q)


def test_a_refused_files_problems_are_read_whole(monkeypatch, wh, tmp_path):
    """Each problem of a refused file is a sentence, shown wrapped: in the grid a sentence was cut at its column's
    edge ("... Correct the total or the district fig"), and on a phone after some thirty letters."""
    from pipelines.ingest import ingest

    bad = tmp_path / "2015-08-bad.csv"
    bad.write_text("Measure,cse_arrests\nPeriod,Barnsley,Doncaster,Rotherham,Sheffield,Total\n"
                   "2015-08,9,six,10,11,36\n\nMeasure,grooming_arrests\n"
                   "Period,Barnsley,Doncaster,Rotherham,Sheffield,Total\n2015-08,4,0,4,2,99\n", encoding="utf-8")
    with warehouse.connect(wh) as con:
        [refused] = ingest(con, [bad]).files
    at = internal(monkeypatch, wh, "internal_pages/files.py", ANALYST)
    assert not at.exception
    assert at.selectbox(key="refused_file").value == refused.file_id
    [problems] = [t.value for t in at.table]
    assert list(problems.columns) == ["Sheet", "Row", "Column", "Problem"]
    assert any(p.endswith("Correct the total or the district figures.") for p in problems["Problem"])
    assert not any("Problem" in d.value.columns for d in at.dataframe)
    assert [b.proto.label for b in at.get("download_button")].count("Download CSV") == 2  # every file, the problems


def test_only_the_pcc_approves_and_publishes_from_the_publishing_page(monkeypatch, wh, tmp_path):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    analyst = internal(monkeypatch, wh, "internal_pages/publishing.py", ANALYST)
    assert "not approve or publish" in texts(analyst)
    assert not any(b.key == "approve" for b in analyst.button)

    at = internal(monkeypatch, wh, "internal_pages/publishing.py", PCC)
    at.multiselect(key="approve_months").select("2015-07").select("2015-06").run()
    at.button(key="approve").click().run()
    assert not at.exception
    assert at.button(key="publish").disabled, "publishing waits for the preview to be confirmed"
    at.checkbox(key="publish_checked").check().run()
    at.button(key="publish").click().run()
    assert not at.exception
    assert (tmp_path / "published" / "current.json").exists()
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT strftime(period, '%Y-%m'), status, approved_by FROM period_status ORDER BY 1"
                           ).fetchall() == [("2015-06", "published", "pcc@example.org"),
                                            ("2015-07", "published", "pcc@example.org")]


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_pages_explain_what_to_do_when_there_is_no_warehouse(monkeypatch, tmp_path, page):
    at = internal(monkeypatch, tmp_path / "none.duckdb", page)
    assert not at.exception
    assert "pccdash" in texts(at)


def test_the_briefing_opens_on_todays_date_in_england_when_no_day_is_fixed(monkeypatch, sample_db):
    """Regression: without PCCDASH_TODAY the page read the setting's description as a date and crashed."""
    from zoneinfo import ZoneInfo

    monkeypatch.delenv("PCCDASH_TODAY")
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    assert not at.exception, at.exception
    assert at.date_input(key="meeting_date").value == dt.datetime.now(ZoneInfo("Europe/London")).date()


def test_a_warehouse_that_cannot_be_written_is_told_so_on_saving_not_as_busy(monkeypatch, wh):
    # regression: "Not saved: ... cannot be opened: IO Error: ... Operation not permitted ... press the button again
    # in a moment", though trying again never helps
    import duckdb

    real = duckdb.connect

    def connect(path, read_only=False, **kwargs):
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Operation not permitted')
        return real(path, read_only=read_only, **kwargs)

    at = internal(monkeypatch, wh, "internal_pages/measure.py", PCC)
    monkeypatch.setattr(duckdb, "connect", connect)
    box = [t for t in at.text_area if t.key.startswith("commentary_")][0]
    box.input("A commentary")
    at.button(key="save_commentary").click().run()
    assert not at.exception
    said = " ".join(e.value for e in at.error)
    assert "cannot be written" in said and "administrator" in said
    assert "IO Error" not in said and "in a moment" not in said
    assert [t for t in at.text_area if t.key.startswith("commentary_")][0].value == "A commentary"


def _garbage(path):
    path.write_bytes(bytes(range(256)) * 20)


@pytest.mark.parametrize("damage, words", [
    (lambda wh: _garbage(wh) or warehouse.read_copy_path(wh).unlink(), "is damaged, not a DuckDB database"),
    (lambda wh: wh.unlink() or wh.mkdir() or warehouse.read_copy_path(wh).unlink(), "is a folder, not a DuckDB"),
    (lambda wh: warehouse.read_copy_path(wh).unlink(), 'its read copy "'),
    (lambda wh: _garbage(warehouse.read_copy_path(wh)), "read copy"),
    (lambda wh: warehouse.read_copy_path(wh).write_bytes(b""), "is empty"),
])
@pytest.mark.parametrize("page", ["internal_pages/briefing.py", "internal_pages/measure.py", "internal_pages/files.py"])
def test_a_damaged_warehouse_or_read_copy_is_told_as_such_with_the_fix(monkeypatch, wh, damage, words, page):
    # regression: told "There is no warehouse yet. Run pccdash demo", or a fault for a read copy not a database
    damage(wh)
    at = internal(monkeypatch, wh, page)
    assert not at.exception
    shown = texts(at)
    assert words in shown
    assert "no warehouse yet" not in shown and "pccdash demo" not in shown and "Something went wrong" not in shown
    assert ("backup" in shown) != ("pccdash init" in shown)


@pytest.mark.parametrize("damage", [lambda copy: copy.unlink(), lambda copy: copy.write_bytes(b"")])
def test_pccdash_init_makes_a_missing_or_damaged_read_copy_again(monkeypatch, wh, run_cli, damage):
    damage(warehouse.read_copy_path(wh))
    assert run_cli("init", "--db", wh).exit_code == 0
    at = internal(monkeypatch, wh, "internal_pages/measure.py")
    assert not at.exception and not at.error and "read copy" not in texts(at)


@pytest.mark.parametrize("page", ["internal_pages/briefing.py", "internal_pages/measure.py", "internal_pages/pack.py",
                                  "internal_pages/provenance.py", "internal_pages/publishing.py",
                                  "internal_pages/recommendations.py"])
def test_with_only_police_uk_data_pages_say_the_force_s_figures_are_missing_not_all_figures(monkeypatch, tmp_path,
                                                                                            page):
    # regression: "The warehouse holds no accepted figures yet", while Files loaded listed the police.uk files
    from pipelines.cli import SAMPLE_POLICE_UK
    from pipelines.ingest import ingest

    db = tmp_path / "wh.duckdb"
    with warehouse.connect(db) as con:
        assert ingest(con, [SAMPLE_POLICE_UK]).ok
    shown = texts(internal(monkeypatch, db, page))
    assert "No figures from the force's returns are loaded yet: the warehouse holds only police.uk context" in shown
    assert "holds no accepted figures" not in shown


def test_the_measure_pages_table_says_each_special_cause_in_words(monkeypatch, sample_db):
    """Regression: the chart's table on the Measure page gave each point's special cause as the rule's identifier
    ("beyond_limits", "two_of_three"), in the monthly and the quarterly view alike."""
    words = {"Above the upper limit", "Below the lower limit", "Shift above the mean", "Shift below the mean",
             "Trend up", "Trend down", "Two of three near the upper limit", "Two of three near the lower limit"}
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py", ANALYST)
    for measure, area, view in (("cse_referrals", "South Yorkshire", "month"),
                                ("cse_charges", "Rotherham", "quarter_spc")):
        at.selectbox(key="measure").select(measure).run()
        at.selectbox(key="area").select(area).run()
        at.selectbox(key="view").select(view).run()
        assert not at.exception, at.exception
        [table] = [d.value for d in at.dataframe if "Special cause" in d.value.columns]
        said = set(table["Special cause"]) - {""}
        assert said and said <= words, said


def test_the_measure_page_says_when_the_limits_are_held_from_a_baseline(monkeypatch, sample_db, ref):
    history = ref / "spc_history.yaml"
    history.write_text(history.read_text(encoding="utf-8").replace(
        "  cse_charges:\n    rebase: [*jay]", "  cse_charges:\n    rebase: [*jay]\n    baseline: {fix_after: 12}"),
        encoding="utf-8")
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py", ANALYST)
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="view").select("month").run()
    assert not at.exception
    captions = [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]  # as read: Markdown's escapes removed
    assert any("mean and process limits from the first 12 points of each segment, then held." in c
               for c in captions), captions
    at.selectbox(key="measure").select("cse_arrests").run()
    at.selectbox(key="view").select("month").run()
    assert any("mean and process limits from the data." in re.sub(r"\\(.)", r"\1", c.value) for c in at.caption)


def test_overview_changes_on_last_year_are_said_in_words_not_coloured_and_each_source_link_names_its_area(
        monkeypatch, sample_db):
    """A change on the same month a year before is two figures: it is not coloured better or worse (the badge under
    it judges whether it is significant, and colour alone says nothing to someone who cannot see it); it says what
    it is compared with, once above the areas, where beside each change a column a fifth of the page wide cut the
    words to "on J…". Each "Source" link names its area, as a screen reader's list of links reads it."""
    from streamlit.proto.Metric_pb2 import Metric

    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2015, 8, 20)).run()
    assert not at.exception
    changed = [m for m in at.metric if m.proto.delta]
    assert changed
    assert {m.proto.color for m in changed} == {Metric.MetricColor.GRAY}
    assert {m.proto.delta_description for m in changed} == {""}
    said = [c.value for c in at.caption if "its change on" in c.value]
    assert said and set(said) == {"July 2015, each area's figure; under it, its change on July 2014."}, said
    links = [m.value for m in at.markdown if "](provenance?" in m.value and ":material/account_tree:" in m.value]
    assert links and all(f"Source of {area}'s figure" in "".join(links)
                         for area in ("South Yorkshire", "Barnsley", "Doncaster", "Rotherham", "Sheffield"))
    assert not any("Source](" in link for link in links)


def _older_version_warehouse(db, monkeypatch, tmp_path, last: int):
    """A warehouse as an older version of pccdash left it: only the migrations up to `last` applied, with a meeting
    and an action recorded, and its read copy made then."""
    older = tmp_path / "older-migrations"
    older.mkdir()
    for version, _name, path in warehouse.migrations():
        if version <= last:
            (older / path.name).write_text(path.read_text())
    with monkeypatch.context() as m:
        m.setattr(warehouse, "MIGRATIONS_DIR", older)
        with warehouse.connect(db) as con:
            con.execute("INSERT INTO meeting (held_on, kind, title, reporting_month, created_by, created_at) VALUES "
                        "(DATE '2026-07-15', 'pab', 'Public Accountability Board', NULL, 'analyst@example.org', "
                        "now())")
            con.execute("INSERT INTO board_action (meeting_id, body, owner, due_on, created_by, created_at) VALUES "
                        "(1, 'Send the referral audit', 'DCI Jones', DATE '2026-08-01', 'analyst@example.org', "
                        "now())")
            con.execute("INSERT INTO action_update (action_id, status, note, on_day, updated_by, updated_at) VALUES "
                        "(1, 'open', '', DATE '2026-07-15', 'analyst@example.org', now())")
    with duckdb_read(warehouse.read_copy_path(db)) as copy:
        assert warehouse.schema_version(copy) == last


def duckdb_read(path):
    import contextlib

    import duckdb

    return contextlib.closing(duckdb.connect(str(path), read_only=True))


@pytest.mark.parametrize("page", ["internal_pages/actions.py", "internal_pages/meetings.py"])
def test_a_warehouse_an_older_version_made_is_brought_up_to_date_when_a_page_opens_it(monkeypatch, db, tmp_path,
                                                                                      page):
    # regression: after the software was upgraded and before "pccdash init", eleven pages failed with "Something
    # went wrong" (a table the older version lacked: the meetings' cancellations)
    _older_version_warehouse(db, monkeypatch, tmp_path, last=22)
    at = internal(monkeypatch, db, page)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Send the referral audit" in texts(at) or "Public Accountability Board, 15 July 2026" in texts(at)
    with duckdb_read(warehouse.read_copy_path(db)) as copy:
        assert warehouse.schema_version(copy) == warehouse.migrations()[-1][0]


def test_an_older_warehouse_that_cannot_be_upgraded_from_a_page_says_to_run_init(monkeypatch, db, tmp_path):
    from pipelines.errors import WarehouseLocked

    _older_version_warehouse(db, monkeypatch, tmp_path, last=22)

    def held(*args, **kwargs):
        raise WarehouseLocked(f'The warehouse "{db}" is in use by another process and stayed locked for 10 s.')

    monkeypatch.setattr(warehouse, "connect", held)
    at = internal(monkeypatch, db, "internal_pages/actions.py")
    assert not at.exception
    shown = texts(at)
    assert "made by an older version of pccdash (schema version 22" in shown and 'Run "pccdash init"' in shown
    assert "Something went wrong" not in shown


def april_in_without_sheffield(monkeypatch, wh) -> None:
    """April 2026's return loaded for every district but Sheffield (March's figures), on 20 May 2026."""
    from pipelines.ingest import ingest

    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-20")
    with warehouse.connect(wh) as con:
        march = con.execute("SELECT district, measure, value FROM figure WHERE period = DATE '2026-03-01' "
                            "AND district <> 'Sheffield' ORDER BY ALL").fetchall()
        path = wh.parent / "2026-04-without-sheffield.csv"
        path.write_text("period,district,measure,value\n"
                        + "".join(f"2026-04,{d},{m},{v:g}\n" for d, m, v in march), encoding="utf-8")
        assert ingest(con, [path]).ok


def briefing_on_20_may_with_april_in_without_sheffield(monkeypatch, wh):
    """The Briefing page on 20 May 2026, with April's return in for every district but Sheffield (March's figures)."""
    april_in_without_sheffield(monkeypatch, wh)
    at = internal(monkeypatch, wh, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2026, 5, 20)).run()
    return at


def test_a_district_with_no_figure_for_the_month_is_said_to_have_none_not_too_few_months(monkeypatch, wh):
    """Regression: with April 2026's return in for three districts only, the overview's badge under Sheffield's
    missing figure (and the force's, which needs it) read "Too few months" / "Not enough months to judge", though
    Sheffield has 13 years of months charted; the tables beside it rightly said "No figure"."""
    at = briefing_on_20_may_with_april_in_without_sheffield(monkeypatch, wh)
    assert not at.exception, at.exception
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert not [b for b in badges if "Too few months" in b or "Not enough months" in b], badges
    # of each measure shown: the force's badge in full, then its and Sheffield's short ones
    assert sum("No figure" in b for b in badges) == 3 * sum("Source of South Yorkshire" in m.value
                                                             for m in at.markdown)


def test_a_district_with_no_figure_for_the_month_is_said_due_not_linked_to_another_months_figure(monkeypatch, wh):
    """Regression: with April 2026's return in without Sheffield, the overview linked "Source of Sheffield's figure"
    under its missing figure, and its "n/a" in the tables, to the Provenance page, which opened March's figure (the
    latest with one). It now says there is no figure for the month and when it was due; the force's figure, which
    adds up the districts that sent one, keeps its link."""
    at = briefing_on_20_may_with_april_in_without_sheffield(monkeypatch, wh)
    assert not at.exception, at.exception
    shown = [m.value for m in at.markdown]
    # a link to one month's figure ends there; a period's (its 11 months of 12 to April) names its first month too
    assert not [m for m in shown if "Source of Sheffield" in m or "area=Sheffield&month=2026-04)" in m]
    said = [c.value.replace("\\", "") for c in at.caption if "No figure from" in c.value]
    forces = sum("Source of South Yorkshire's figure" in m for m in shown)
    assert forces and said == ["No figure from Sheffield for April 2026: overdue (due 8 May 2026)."] * forces, said
    assert sum("Source of Barnsley's figure" in m for m in shown) == forces
    # nor does the summary link Sheffield's "n/a" for April (its quarter's and 12 months' figures keep theirs)
    at.segmented_control(key="summary_area").set_value("Sheffield").run()
    summary = [m.value for m in at.markdown if "area=Sheffield" in m.value]
    assert summary and not [m for m in summary if "area=Sheffield&month=2026-04)" in m]


def test_the_pack_leaves_a_districts_missing_figure_unlinked(monkeypatch, wh):
    """Regression: the briefing pack linked Sheffield's "n/a" for April 2026, its return in without Sheffield, to the
    Provenance page, which opened March's figure; it is left unlinked, as the overview leaves it, while the force's
    figure (the districts that sent one, added up) and the other districts' keep their links."""
    from pipelines.briefing.pack import build_pack
    from pipelines.briefing.render import render_html

    april_in_without_sheffield(monkeypatch, wh)
    with warehouse.connect(wh) as con:
        html = render_html(build_pack(con, dt.date(2026, 5, 20), "analyst@example.org"))
    for area in ("South+Yorkshire", "Barnsley"):
        assert f'area={area}&amp;month=2026-04">' in html, area
    assert 'area=Sheffield&amp;month=2026-04">' not in html


def test_a_period_with_no_change_to_give_leaves_its_cells_empty_in_the_measure_table(monkeypatch, sample_db):
    """The first financial year has no year before it, and a period with months missing is given no change: the
    chart's table leaves those cells empty (its grid wrote "None" in them), and its download keeps the figures as
    numbers, with each period's source."""
    import io

    import pandas as pd

    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py", ANALYST)
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("Rotherham").run()
    for view in ("financial_year", "quarter", "rolling_12"):
        at.selectbox(key="view").select(view).run()
        assert not at.exception
        [table] = [d.value for d in at.dataframe if "Change %" in d.value.columns]
        assert not table.drop(columns="Source").isna().any().any(), table[table.isna().any(axis=1)]
        first = table.iloc[0]
        assert (first["Last year"], first["Change"], first["Change %"]) == ("", "", ""), first
    years = next(body for name, body in reversed(served) if "financial_year" in name)
    got = pd.read_csv(io.BytesIO(years))
    assert pd.isna(got["Change"].iloc[0]) and got["Change"].iloc[1:].map(lambda v: isinstance(v, float)).all()
    assert got["Source"].str.startswith("provenance?").all()


def test_the_monthly_table_of_a_measure_names_its_months_as_the_rest_of_the_page_does(monkeypatch, sample_db):
    """Regression: the chart's table wrote "Jul 2015" where its caveats, just below, and every other page write
    "July 2015"."""
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py", ANALYST)
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="view").select("month").run()
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "Special cause" in d.value.columns]
    assert "July 2015" in set(table["Month"]) and "Jul 2015" not in set(table["Month"])


def test_a_time_missing_from_a_table_is_left_blank_not_written_none(monkeypatch, sample_db, tmp_path):
    """Regression: once one month was approved, the Approve and publish page's "Approved"
    column became one of times, and every month not yet approved read "None" (the grid's own
    word for a missing value) where it has no time."""
    from pipelines.publish.approval import approve

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
    at = internal(monkeypatch, db, "internal_pages/publishing.py")
    assert not at.exception, at.exception
    [grid] = [d for d in at.dataframe if "First published" in d.value.columns]
    assert grid.value["Approved"].notna().sum() == 1 and grid.value["Approved"].isna().sum() > 100
    # what the grid draws for a missing value
    missing_shown = grid.proto.placeholder if grid.proto.HasField("placeholder") else "None"
    assert missing_shown == ""


ONE_PLACE = re.compile(r"^\u2212?[\d,]+\.\d$")


def test_the_measure_table_writes_its_one_place_figures_to_one_place_a_whole_one_too(monkeypatch, sample_db):
    """Regression: the chart's table, rounded to one place, wrote a whole figure without its decimal: Change % read
    "75" for 2015/16 beside "110.5" for 2014/15. Every rate per 100,000 and change in per cent is written to one
    place; a count and its change stay whole."""
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py", ANALYST)
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="view").select("financial_year").run()
    assert not at.exception, at.exception
    [table] = [d.value for d in at.dataframe if "Change %" in d.value.columns]
    shown = {c: [v for v in table[c] if v != ""] for c in ("Change %", "Per 100,000", "People", "Change")}
    assert "75.0" in shown["Change %"], shown["Change %"]  # 2015/16: 70 charged, 40 the year before
    assert all(ONE_PLACE.match(v) for v in shown["Change %"] + shown["Per 100,000"]), shown
    assert not [v for v in shown["People"] + shown["Change"] if "." in v], shown


def test_the_context_month_table_writes_a_share_to_one_place_a_whole_one_too(monkeypatch, tmp_path):
    """Regression: police.uk's By district table, rounded to one place, wrote a charge share that came out whole
    without its decimal ("66" beside "12.1"). A share's row is written to one place, a count's rows whole."""
    from dashboard import context_data
    from pipelines.catalogue import catalogue
    from pipelines.cli import SAMPLE_POLICE_UK
    from pipelines.ingest import ingest

    db = tmp_path / "wh.duckdb"
    with warehouse.connect(db) as con:
        assert ingest(con, [SAMPLE_POLICE_UK]).ok
    real = context_data.month_table

    def a_whole_share(con, month):
        table = real(con, month)
        table.loc[table["Measure"] == catalogue().get("police_uk_charge_share").name, "Barnsley"] = 66.0
        return table

    monkeypatch.setattr(context_data, "month_table", a_whole_share)
    at = internal(monkeypatch, db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception
    [table] = [d.value for d in at.dataframe if "Measure" in d.value.columns]
    share = table[table["Measure"] == "Charge share"].iloc[0]
    assert share["Barnsley"] == "66.0"
    assert all(ONE_PLACE.match(v) for v in share.drop("Measure") if v != ""), share
    counts = table[table["Measure"] != "Charge share"].drop(columns="Measure")
    assert counts.map(lambda v: "." not in v).all().all(), counts
