"""A briefing pack, as HTML and as PDF, shows every sentence, caveat, question and the marking, typed text escaped."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from pipelines.briefing.model import HeadlinePeriods, Pack, PackChart, PackMeasure, PackRow
from pipelines.briefing.render import render_html, render_pdf, write_pack, xmr_figure

HOSTILE = '<script>alert(1)</script> & "quotes"'
MARKING = "OFFICIAL-SENSITIVE: for the PCC's office, not for publication"
BANNER = "Management information: unaudited, and subject to revision by the force."
QUESTIONS = [
    "Why did burglary rise in Northern district in July?",
    "What is the force doing about 101 call answering times?",
    "When will the crime data integrity audit report?",
]


def _frame(months: int, concern_at: int | None = None, limits: bool = True) -> pd.DataFrame:
    periods = pd.date_range("2013-08-01", periods=months, freq="MS")
    values = 100 + 4 * np.sin(np.arange(months))
    point_type = ["common_cause"] * months
    if concern_at is not None:
        values[concern_at] = 130
        point_type[concern_at] = "concern_high"
    mean = values.mean()
    spread = 2.66 * np.abs(np.diff(values)).mean() if months > 1 else np.nan
    return pd.DataFrame({
        "period": periods,
        "value": values,
        "mean": mean,
        "upper": mean + spread if limits else np.nan,
        "lower": mean - spread if limits else np.nan,
        "special_cause": [p != "common_cause" for p in point_type],
        "point_type": point_type,
        "provisional": months < 12,
    })


def _rows(missing: str | None = None) -> list[PackRow]:
    return [
        PackRow("Force", "1,234", "3,512", "4,700", "13,802", "+1,410\u00a0(+11.4%)",
                "Special cause: concerning (high)", "Will consistently miss the aspiration"),
        PackRow("Northern", "456", "1,300", "1,750", "5,100 (11 of 12 months)", "",
                "Common cause: no significant change", "", [missing] if missing else []),
    ]


HEADINGS = HeadlinePeriods("July 2015", "Q1 2015/16", "2015/16 to date (April to July)", "12 months to July 2015",
                           "12 months to July 2014")
GENERAL = "On every figure from the file july.csv (July 2015): all figures provisional."


def make_pack() -> Pack:
    """Two priorities, three measures (one too short to chart), caveats, hostile commentary, three questions."""
    measures = [
        PackMeasure(
            priority="Keeping people safe", measure_id="burglary", name="Residential burglary", unit="crimes",
            sentence="Residential burglary rose to 1,234 crimes in July 2015, 12% more than a year before.",
            aspiration="At most 13,000 crimes in any 12 months (-5% on the 13,684 in 2013/14).",
            rows=_rows("12 months to July 2015: 11 of 12 months reported"),
            chart=PackChart("Residential burglary, force", "crimes", _frame(24, concern_at=20),
                            "Burglary stayed within its limits except for one high month in April 2015."),
            caveats=["Two days of records are missing after a system change.", "Figures are provisional."],
            commentary=f"Rise is seasonal.\n\nOne line {HOSTILE}", commentary_by="Siân Małecka",
            commentary_at=dt.datetime(2015, 8, 12, 14, 30),
        ),
        PackMeasure(
            priority="Keeping people safe", measure_id="asb", name="Anti-social behaviour", unit="incidents",
            sentence="Anti-social behaviour fell to 900 incidents in July 2015.", aspiration="",
            rows=_rows(), chart=None, caveats=[],
        ),
        PackMeasure(
            priority="An effective police service", measure_id="calls", name="101 calls answered in time",
            unit="%", sentence="82% of 101 calls were answered within the target time in July 2015.", aspiration="",
            rows=_rows(),
            chart=PackChart("101 calls answered in time", "%", _frame(24, limits=False),
                            "The share of calls answered in time has no limits yet."),
            caveats=["The telephony system changed in March 2015."],
        ),
    ]
    return Pack(
        office="Office of the Police and Crime Commissioner for Exampleshire",
        force="Exampleshire Police",
        meeting_date=dt.date(2015, 8, 20),
        period_label="July 2015",
        quarter_label="2015/16 Q1",
        generated_at=dt.datetime(2015, 8, 14, 9, 0),
        generated_by="pccdash",
        marking=MARKING,
        banner=BANNER,
        measures=measures,
        questions=QUESTIONS,
        questions_by="The Commissioner",
        questions_at=dt.datetime(2015, 8, 13, 10, 0),
        headings=HEADINGS,
        caveats=[GENERAL],
    )


@pytest.fixture(scope="module")
def pack() -> Pack:
    return make_pack()


@pytest.fixture(scope="module")
def page(pack) -> str:
    return render_html(pack)


@pytest.fixture(scope="module")
def pdf(pack) -> bytes:
    return render_pdf(pack)


@pytest.fixture(scope="module")
def pdf_pages(pdf) -> list[str]:
    # Wrapped lines come back with line breaks; one space between words is what the checks compare.
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _all_caveats(pack: Pack) -> list[str]:
    return [*pack.caveats, *(c for m in pack.measures for c in m.caveats)]


def test_both_formats_open_with_the_summary_and_say_each_caveat_once(page, pdf_pages):
    everything = " ".join(pdf_pages)
    for text in (page, everything):
        assert text.count(GENERAL) == 1
        assert text.count("At most 13,000 crimes in any 12 months") == 2  # the summary, then the measure
        assert text.index("Summary") < text.index("Residential burglary rose")
        assert "11 of 12 months" in text
    assert "12 months to July 2015" in pdf_pages[1] and "13,802" in pdf_pages[1].replace("\u00a0", " ")


def test_html_shows_every_text(pack, page):
    for m in pack.measures:
        assert m.sentence in page
    for text in _all_caveats(pack) + QUESTIONS:
        assert text.replace("'", "&#x27;") in page
    assert page.count(MARKING.replace("'", "&#x27;")) == 2
    assert BANNER in page
    assert "Briefing pack for the Public Accountability Board, 20 August 2015" in page
    assert "Figures to July 2015; quarter 2015/16 Q1" in page
    assert "Commentary by Siân Małecka on 12 August 2015 at 15:30 BST:" in page  # saved at 14:30 UTC
    assert page.count("No commentary written.") == 2
    assert "Too few months to chart." in page


def test_html_escapes_typed_text(page):
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in page


def test_html_is_self_contained(pack, page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, flags=re.I)
    assert "<link" not in page and "@import" not in page and "@font-face" not in page
    assert page.count("<svg") == sum(m.chart is not None for m in pack.measures) == 2
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two charts' SVGs share ids"
    assert set(re.findall(r'href="#([^"]+)"', page)) <= set(ids)
    for m in pack.measures:
        if m.chart is not None:
            assert f'role="img" aria-label="{m.chart.description}"' in page


def test_pdf_shows_every_text_and_the_marking_on_each_page(pack, pdf, pdf_pages):
    assert pdf.startswith(b"%PDF")
    assert len(pdf_pages) >= 2
    for number, text in enumerate(pdf_pages, start=1):
        assert MARKING in text
        assert f"Page {number} of {len(pdf_pages)}" in text
    everything = " ".join(pdf_pages)
    for text in _all_caveats(pack) + QUESTIONS + [m.sentence for m in pack.measures]:
        assert text in everything
    assert HOSTILE in everything
    assert "Commentary by Siân Małecka on 12 August 2015 at 15:30 BST:" in everything  # beyond Latin-1, still printed
    assert BANNER in everything
    assert "Too few months to chart." in everything
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.author == pack.office
    assert "20 August 2015" in meta.title


def test_chart_marks_special_causes_by_shape_and_names_only_kinds_present(pack):
    fig = xmr_figure(pack.measures[0].chart)
    legend = fig.legends[0]
    markers = {t.get_text(): h.get_marker() for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)}
    assert markers["Concern"] == "^"
    assert "Improvement" not in markers and "Neutral" not in markers
    assert {"Monthly figure", "Mean", "Process limits"} <= markers.keys()


@pytest.mark.parametrize("frame", [_frame(1), _frame(24, limits=False), _frame(5)], ids=["one", "no-limits", "few"])
def test_chart_draws_what_exists(frame):
    chart = PackChart("A chart", "crimes", frame, "A description.")
    fig = xmr_figure(chart)
    fig.savefig(io.BytesIO(), format="png", dpi=40)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert ("Process limits" in " ".join(labels)) == bool(frame["upper"].notna().any())


def test_write_pack_leaves_both_files_and_no_temporary_one(pack, tmp_path):
    html_path, pdf_path = write_pack(pack, tmp_path, "pab-2015-08")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pab-2015-08.html", "pab-2015-08.pdf"]
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert pdf_path.read_bytes().startswith(b"%PDF")


def test_no_limit_is_drawn_below_zero():
    """Regression: a count's lower process limit (negative when the mean is small) is drawn at zero, not below."""
    frame = _frame(24)
    frame["lower"] = -3.5
    fig = xmr_figure(PackChart("A small count", "people", frame, "A description."))
    ax = fig.axes[0]
    drawn = [y for line in ax.get_lines() if line.get_linestyle() == "--" for y in line.get_ydata()]
    assert drawn and min(drawn) == 0


def test_each_event_is_said_in_full_once_and_each_chart_lists_it_short(tmp_path):
    from pipelines.events import Event

    jay = Event(dt.date(2014, 8, 26), "Inquiry report published", "The report was published; referrals rose.", None,
                True)
    pack = make_pack()
    for m in pack.measures:
        if m.chart is not None:
            m.chart.events = [jay]
    page = render_html(pack)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(render_pdf(pack))).pages)
    for shown in (page, text):
        assert shown.count("The report was published; referrals rose.") == 1
        assert shown.count("26 August 2014: Inquiry report published") == 3  # the full line, then two charts


def test_a_rebase_is_marked_on_the_chart_and_explained_under_it():
    from pipelines.plan.history import Rebase
    from pipelines.plan.periods import month_number

    pack = make_pack()
    rebase = Rebase(month_number("2014-08"), "The Jay report changed how cases were referred.", "analyst@example.org",
                    dt.date(2014, 9, 1))
    pack.measures[0].chart.rebases = [rebase]
    texts = [t.get_text() for t in xmr_figure(pack.measures[0].chart).axes[0].texts]
    assert " Limits recalculated, August 2014" in texts
    note = "Limits recalculated from August 2014: The Jay report changed how cases were referred."
    assert note in render_html(pack)
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(render_pdf(pack))).pages)
    assert note in pdf and "recorded by analyst@example.org on 1 September 2014" in pdf


def test_a_long_aspiration_in_the_legend_keeps_every_entry_within_the_picture():
    """Regression: with a 12 months' aspiration in the legend ("Aspiration (5.7 a month: at least 69 people in any
    12 months, from July 2026)"), four entries to a row ran past both edges of the picture, and the pack printed
    "figure" for "Monthly figure" and "Event (listed belo"."""
    from pipelines.events import Event

    frame = _frame(160, concern_at=20)
    chart = PackChart("CSE charges, South Yorkshire, by month", "people", frame, "A description.",
                      events=[Event(dt.date(2014, 8, 26), "Rotherham inquiry report published", "", None, True)],
                      target=5.7, target_label="Aspiration (5.7 a month: at least 69 people in any 12 months, "
                                               "from July 2026)", target_from=pd.Timestamp("2026-07-01"))
    fig = xmr_figure(chart)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)  # lays the figure out, as saving it does
    box = fig.legends[0].get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width, (box, fig.bbox)


def test_event_labels_on_a_chart_never_overlap_and_stay_within_the_picture():
    """Regression: the sample's four events on a 28-month chart put "Rotherham inquiry report published" (August 2014)
    and "CSE flag on recorded crime" (April 2015) in the same row, the first running into the second; the last
    event's label ran to the plot's edge."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from pipelines.events import Event

    frame = _frame(28)
    frame["period"] = pd.date_range("2013-04-01", periods=28, freq="MS")
    events = [Event(dt.date(2014, 8, 26), "Rotherham inquiry report published", "", None, True),
              Event(dt.date(2014, 12, 1), "Operation Stovewood begins", "", None, True),
              Event(dt.date(2015, 2, 4), "Inspection of Rotherham council reported", "", None, True),
              Event(dt.date(2015, 4, 1), "CSE flag on recorded crime", "", None, True),
              Event(dt.date(2015, 7, 1), "A new Chief Constable takes up post", "", None, True)]
    fig = xmr_figure(PackChart("Live CSE investigations, South Yorkshire, by month", "investigations", frame,
                               "A description.", events=events))
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text().strip() in {e.title for e in events}]
    assert len(labels) == len(events)
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        assert a.x0 >= 0 and a.x1 <= fig.bbox.width, (labels[i].get_text(), a, fig.bbox)
        for j, b in enumerate(boxes[:i]):
            assert not a.overlaps(b), (labels[i].get_text(), labels[j].get_text())


def test_event_rows_put_a_label_in_the_first_row_it_clears_and_turn_one_at_the_edge_leftward():
    from pipelines.briefing.render import event_rows

    assert event_rows([0.1, 0.2, 0.5], [0.3, 0.1, 0.1]) == [(0, False), (1, False), (0, False)]
    assert event_rows([0.9], [0.3]) == [(0, True)]  # would run past the right edge
    # no row clear: the one whose labels end soonest
    assert event_rows([0.0, 0.05, 0.1, 0.15], [0.9, 0.5, 0.8, 0.1], rows=3) == [(0, False), (1, False), (2, False),
                                                                               (1, False)]


def test_a_long_title_and_a_financial_years_aspiration_stay_within_the_picture():
    """Regression: "Group-based child sexual exploitation and abuse offences recorded, West Midlands, by month" (89
    letters, under the 90 a title was wrapped at) ran off the chart's right edge, printed "by mon"; and a financial
    year's aspiration in the legend ("Aspiration (146.4 a month: at least 1,758 people in the financial year, from
    April 2025)") ran past both edges with three entries to a row."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    chart = PackChart("Group-based child sexual exploitation and abuse offences recorded, West Midlands, by month",
                      "people", _frame(14), "A description.", target=146.4,
                      target_label="Aspiration (146.4 a month: at least 1,758 people in the financial year, from "
                                   "April 2025)", target_from=pd.Timestamp("2025-04-01"))
    fig = xmr_figure(chart)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    width = fig.bbox.width
    ax = fig.axes[0]
    title = next(t for t in ax.texts + [ax._left_title] if t.get_text() == ax.get_title(loc="left"))
    box = title.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= width, (box, fig.bbox)
    assert ax.get_title(loc="left").replace("\n", " ") == chart.title
    legend = fig.legends[0].get_window_extent(renderer)
    assert legend.x0 >= 0 and legend.x1 <= width, (legend, fig.bbox)


def test_a_month_every_area_misses_is_said_once_for_them_all():
    """Regression: a police.uk measure whose month was not loaded listed "not reported" for the force and each of
    seven districts, for each of four periods: 32 notes saying one thing under the table (and 32 captions on the
    overview); the areas that miss the same months are said together."""
    from handmade_pack import measure, row

    from pipelines.briefing.tables import incomplete_notes

    missing = ["March 2026: not reported", "12 months to March 2026: 0 of 12 months reported"]
    rows = [row(area, "n/a", "n/a", "n/a", "n/a", "n/a", incomplete=list(missing))
            for area in ("West Midlands", "Birmingham East", "Coventry", "Wolverhampton")]
    m = measure("police_uk_burglary", "Burglary (police.uk)", "Context", rows, chart=False)
    assert incomplete_notes(m) == ["West Midlands and every district alike: March 2026: not reported; 12 months to "
                                   "March 2026: 0 of 12 months reported"]
    rows[2].incomplete = missing[:1]  # one district differs: the areas missing the same said together, then it
    assert incomplete_notes(m) == ["West Midlands, Birmingham East and Wolverhampton: March 2026: not reported; 12 "
                                   "months to March 2026: 0 of 12 months reported",
                                   "Coventry: March 2026: not reported"]
    rows[2].incomplete = []
    assert incomplete_notes(m)[1:] == []


def test_the_packs_chart_breaks_its_line_at_a_month_with_no_figure_and_its_description_says_so():
    """Regression: with April's return not sent, the pack's chart ran its line straight from March to May, and its
    text alternative counted the months without saying one was missing."""
    from types import SimpleNamespace

    from pipelines.briefing.pack import chart_description
    from pipelines.plan.periods import missing_between

    frame = _frame(14)
    frame = frame[frame["period"] != pd.Timestamp("2014-06-01")].reset_index(drop=True)
    fig = xmr_figure(PackChart("CSE referrals, South Yorkshire, by month", "referrals", frame, "A description."))
    line = next(li for li in fig.axes[0].get_lines() if li.get_label() == "Monthly figure")
    ys = np.asarray(line.get_ydata(), dtype=float)
    assert np.isnan(ys).sum() == 1 and len(ys) == len(frame) + 1
    status = SimpleNamespace(area="South Yorkshire", month=frame["period"].max(), target=None, plan_in_force=False)
    measure = SimpleNamespace(name="CSE referrals")
    assert chart_description(status, measure, len(frame), missing=missing_between(frame["period"])) == (
        "XmR chart of CSE referrals for South Yorkshire, 13 months to September 2014 (June 2014 is missing: the line "
        "is broken there), with the mean and process limits.")
    assert "missing" not in chart_description(status, measure, len(frame))


def test_an_aspiration_from_the_charts_last_month_is_drawn_at_that_month():
    """Regression: a plan that began in January 2027, on an office's chart of December and January, drew its
    aspiration as a line from January to January, which has no length: the key named a line the chart did not show."""
    from matplotlib.colors import same_color

    from pipelines.briefing.render import TARGET_COLOUR

    frame = _frame(2)
    last = frame["period"].max()
    chart = PackChart("Officers trained, South Yorkshire, by month", "per cent", frame, "A description.",
                      target=97.0, target_label="Aspiration (97.0%, from September 2013)", target_from=last)
    ax = xmr_figure(chart).axes[0]
    marks = [line for line in ax.get_lines() if same_color(line.get_color(), TARGET_COLOUR)
             and list(line.get_ydata()) == [97.0] and line.get_marker() not in ("None", None, "")]
    assert marks and [pd.Timestamp(x) for x in marks[0].get_xdata()] == [last]
    # from an earlier month it is a line, as before
    longer = xmr_figure(PackChart("Officers trained, South Yorkshire, by month", "per cent", _frame(6),
                                  "A description.", target=97.0, target_label="Aspiration (97.0%)",
                                  target_from=pd.Timestamp("2013-10-01"))).axes[0]
    (drawn,) = [c for c in longer.collections if same_color(c.get_color()[0], TARGET_COLOUR)]
    ((start, level), (end, _)) = drawn.get_segments()[0]
    assert level == 97.0 and start < end


def test_the_text_under_the_chart_says_an_aspiration_from_its_last_month_is_a_short_bar_there():
    """Regression: under a chart of December 2026 and January 2027, under a plan from January 2027, the text said
    "the aspiration as a line from January 2027" where the chart draws a short bar at January."""
    from types import SimpleNamespace

    from pipelines.briefing.pack import chart_description

    status = SimpleNamespace(area="South Yorkshire", month=pd.Timestamp("2027-01-01"), target=97.0,
                             plan_in_force=True)
    measure = SimpleNamespace(name="Officers trained")
    assert chart_description(status, measure, 2, pd.Timestamp("2027-01-01")) == (
        "XmR chart of officers trained for South Yorkshire, 2 months to January 2027, with the mean and process "
        "limits and the aspiration as a short bar at January 2027, the month the plan setting it began.")
    assert chart_description(status, measure, 6, pd.Timestamp("2026-11-01")).endswith(
        " and the aspiration as a line from November 2026, when the plan setting it began.")
    assert chart_description(status, measure, 6).endswith(" and the aspiration as a line.")
