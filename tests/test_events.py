"""Every chart of a measure draws the events that concern it, and lists them under it: the Measure page, the
briefing pack (HTML and PDF) and, for an event marked public, the public chart; a private event never
reaches the published snapshot, and a broken events file is named by file, line and fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import PCC, copy_warehouse, internal, public, texts

from pipelines import events, warehouse
from pipelines.catalogue import catalogue
from pipelines.errors import ConfigError
from pipelines.public import spelled_out

GOOD = """\
events:
  - date: 2014-08-26
    title: Rotherham inquiry report published
    description: The Jay report was published.
    measures: all
    public: true
  - date: 2014-12
    title: Operation Stovewood begins
    description: The NCA took on cases from the force.
    measures: [cse_arrests, cse_charges]
    public: false
"""


def write_events(folder: Path, text: str) -> Path:
    path = folder / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the file and its loader ---------------------------------------------------------------------------------

def test_the_bundled_file_holds_the_inquiry_the_inspection_a_recording_change_and_an_operation():
    found = events.load_events()
    by_title = {e.title: e for e in found}
    jay = by_title["Rotherham inquiry report published"]
    assert (jay.date, jay.measures, jay.public) == (dt.date(2014, 8, 26), None, True)
    assert jay.when == "26 August 2014"
    assert by_title["Inspection of Rotherham council reported"].date == dt.date(2015, 2, 4)
    assert any("flag" in e.title.lower() for e in found)
    assert any(not e.public for e in found)  # an internal-only one, to keep the public side honest
    assert [e.date for e in found] == sorted(e.date for e in found)


def test_an_event_concerns_its_measures_within_the_charts_months(tmp_path):
    path = write_events(tmp_path, GOOD)
    loaded = events.load_events(path)
    stovewood = loaded[1]
    assert stovewood.month_only and stovewood.when == "December 2014" and stovewood.date == dt.date(2014, 12, 1)
    assert [e.title for e in events.events_for("cse_charges", "2014-04", "2015-03", events=loaded)] == [
        "Rotherham inquiry report published", "Operation Stovewood begins"]
    assert [e.title for e in events.events_for("cse_referrals", "2014-04", "2015-03", events=loaded)] == [
        "Rotherham inquiry report published"]  # Stovewood does not concern referrals
    assert events.events_for("cse_charges", "2014-09", "2014-11", events=loaded) == []  # neither in the months
    assert [e.public for e in events.events_for("cse_charges", public_only=True, events=loaded)] == [True]


def test_an_edited_file_is_read_again(tmp_path):
    path = write_events(tmp_path, GOOD)
    assert len(events.load_events(path)) == 2
    write_events(tmp_path, GOOD.replace("Operation Stovewood begins", "Operation Stovewood starts"))
    import os
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    assert events.load_events(path)[1].title == "Operation Stovewood starts"


@pytest.mark.parametrize(("change", "line", "says"), [
    (("date: 2014-12", "date: December 2014"), 7, 'the date "December 2014" is not a date. Write it as YYYY-MM-DD'),
    (("[cse_arrests, cse_charges]", "[cse_arrests, cse_chargse]"), 10, '"cse_chargse" is not in the measure '
                                                                        'catalogue (did you mean "cse_charges"?)'),
    (("public: false", "public: no way"), 11, "public should be true (also drawn on the public charts) or false"),
    (("    public: false\n", ""), 7, 'the field "public" is required'),
    (("    measures: all\n", "    measures: all\n    audience: board\n"), 6, 'unknown field "audience"'),
    (("title: Operation Stovewood begins", "title: " + "Operation Stovewood " * 4), 8,
     "a chart label takes at most 50"),
    (("description: The NCA took on cases from the force.", "description: ''"), 9, "say in a sentence or two"),
])
def test_a_broken_event_is_named_by_file_line_and_fix(tmp_path, change, line, says):
    path = write_events(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as raised:
        events.load_events(path)
    message = str(raised.value)
    assert message.startswith(f'"{path}", line {line}, event ')
    assert says in message


def test_invalid_yaml_and_a_wrong_shape_are_named_with_their_line(tmp_path):
    with pytest.raises(ConfigError, match=r"line 3: is not valid YAML \(mapping values are not allowed here\)"):
        events.load_events(write_events(tmp_path, "events:\n  - date: 2014-08-26\n    title: a: b\n"))
    with pytest.raises(ConfigError, match="events should be a list"):
        events.load_events(write_events(tmp_path, "events: {date: 2014-08-26}\n"))
    with pytest.raises(ConfigError, match="already event 1"):
        events.load_events(write_events(tmp_path, GOOD.replace("2014-12", "2014-08-26").replace(
            "Operation Stovewood begins", "Rotherham inquiry report published")))


def test_pccdash_check_names_a_broken_events_file(run_cli, command_line_reference, monkeypatch, tmp_path):
    import shutil

    ref = tmp_path / "reference"
    shutil.copytree(command_line_reference, ref)
    write_events(ref, GOOD.replace("measures: all", "measures: everything"))
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    result = run_cli("check")
    assert result.exit_code == 1
    assert f'"{ref / "events.yaml"}", line 5' in result.stderr + result.stdout
    assert '"everything" is not in the measure catalogue' in result.stderr + result.stdout


# --- the Measure page ----------------------------------------------------------------------------------------

def _figure(chart) -> dict:
    return json.loads(chart.proto.spec)


def _event_lines(fig: dict) -> list[str]:
    """The x of each vertical line (a shape spanning the plot's height) the figure draws."""
    return [str(s["x0"])[:10] for s in fig["layout"].get("shapes", []) if s.get("yref") == "paper"]


def test_the_measure_page_draws_the_event_on_the_chart_and_lists_it_under(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_charges").run()
    assert not at.exception
    fig = _figure(at.get("plotly_chart")[0])
    assert "2014-08-26" in _event_lines(fig)
    labels = [a["text"] for a in fig["layout"]["annotations"]]
    assert "Rotherham inquiry report published" in labels and "Operation Stovewood begins" in labels
    assert "Event (listed under the chart)" in [t.get("name") for t in fig["data"]]
    shown = texts(at)
    assert "Events on this chart" in shown
    assert "26 August 2014: Rotherham inquiry report published. The Independent Inquiry" in shown
    # an event that does not concern the measure is neither drawn nor listed
    assert "Inspection of Rotherham council reported" not in labels and "Casey" not in shown

    at.selectbox(key="view").select("quarter").run()
    assert not at.exception
    bars = _figure(at.get("plotly_chart")[0])
    assert "Q2 2014/15" in _event_lines(bars)  # drawn at the quarter the report came out in
    assert "26 August 2014: Rotherham inquiry report published" in texts(at)


# --- the briefing pack ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def charges_pack(sample_db):
    """The pack for the meeting of 20 August 2015, as built from the sample, cut to one measure to draw it fast."""
    import dataclasses

    from pipelines.briefing.pack import build_pack

    with warehouse.connect_read_only(sample_db) as con:
        pack = build_pack(con, dt.date(2015, 8, 20), "tester")
    return dataclasses.replace(pack, measures=[m for m in pack.measures if m.measure_id == "cse_charges"])


def test_the_pack_chart_draws_the_measures_events_in_its_months(charges_pack):
    from pipelines.briefing.render import EVENT_COLOUR, xmr_figure

    chart = charges_pack.measures[0].chart
    assert [e.title for e in chart.events] == ["Rotherham inquiry report published", "Operation Stovewood begins"]
    ax = xmr_figure(chart).axes[0]
    drawn = [line for line in ax.get_lines() if line.get_linestyle() == "-." and line.get_color() == EVENT_COLOUR]
    assert len(drawn) == 2
    assert {t.get_text().strip() for t in ax.texts} >= {"Rotherham inquiry report published",
                                                        "Operation Stovewood begins"}


def test_the_pack_lists_the_events_under_the_chart_in_html_and_pdf(charges_pack):
    import io

    from pypdf import PdfReader

    from pipelines.briefing.render import render_html, render_pdf

    page = render_html(charges_pack)
    assert "Events on this chart" in page
    assert "<li>26 August 2014: Rotherham inquiry report published. The Independent Inquiry" in page
    assert "December 2014: Operation Stovewood begins." in page  # the pack is internal: private events too
    assert "Inspection of Rotherham council" not in page  # it does not concern charges
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(render_pdf(charges_pack))).pages)
    assert "Events on this chart" in pdf
    assert "26 August 2014: Rotherham inquiry report published." in pdf
    assert "December 2014: Operation Stovewood begins." in pdf


# --- the public side -----------------------------------------------------------------------------------------

PUBLISHED = [f"2014-{m:02d}" for m in range(4, 13)] + [f"2015-{m:02d}" for m in range(1, 8)]


@pytest.fixture(scope="module")
def published(sample_db, tmp_path_factory):
    """The sample with April 2014 to July 2015 approved and published."""
    from pipelines.publish.approval import approve
    from pipelines.publish.snapshot import publish

    folder = tmp_path_factory.mktemp("events_published")
    db = copy_warehouse(sample_db, folder)
    with warehouse.connect(db) as con:
        approve(con, PUBLISHED, PCC)
        _, path = publish(con, PCC, folder / "out")
    return folder / "out", path


def test_the_snapshot_holds_only_public_events_within_the_published_months(published):
    from pipelines.public import read

    _, snapshot = published
    rows = read("SELECT measure, month, title, line FROM event ORDER BY measure, month", snapshot=snapshot)
    titles = set(rows["title"])
    assert titles == {"Rotherham inquiry report published", "Inspection of Rotherham council reported",
                      "CSE flag on recorded crime"}
    assert rows["month"].between(PUBLISHED[0], PUBLISHED[-1]).all()
    charges = rows[rows["measure"] == "cse_charges"]
    assert list(charges["title"]) == ["Rotherham inquiry report published"]
    # the private event (Operation Stovewood, internal only) is in no table of the snapshot, in any column
    for table in read("SELECT table_name FROM information_schema.tables", snapshot=snapshot)["table_name"]:
        cells = read(f'SELECT * FROM "{table}"', snapshot=snapshot).astype(str)
        assert not cells.apply(lambda col: col.str.contains("Stovewood")).any().any(), table


def test_the_public_chart_draws_the_public_event_and_lists_it(monkeypatch, published):
    folder, _ = published
    at = public(monkeypatch, folder, "public_pages/summary.py")
    assert not at.exception
    charts = {f["layout"]["title"]["text"].replace("<br>", " "): f for f in map(_figure, at.get("plotly_chart"))}
    charges = charts[f"{spelled_out(catalogue().get('cse_charges').short_name)}, South Yorkshire, by month"]
    assert "2014-08-26" in _event_lines(charges)
    assert [a["text"] for a in charges["layout"]["annotations"]] == ["Rotherham inquiry report published"]
    shown = texts(at)
    assert "26 August 2014: Rotherham inquiry report published. The Independent Inquiry" in shown
    assert "Stovewood" not in shown
    assert not any("Stovewood" in json.dumps(f) for f in charts.values())


def test_an_event_outside_the_published_months_is_not_drawn():
    from dashboard.public_view import trend_chart

    series = pd.DataFrame({"period": ["2014-07", "2014-09"], "value": [3.0, 4.0], "display": ["3", "4"],
                           "suppressed": [False, False]})
    evts = pd.DataFrame({"date": ["2014-08-26", "2014-09-10"], "month": ["2014-08", "2014-09"],
                         "title": ["In a gap", "Published"], "line": ["a", "b"]})
    fig = trend_chart(series, "Charges", "people", evts)
    assert [a.text for a in fig.layout.annotations] == ["Published"]  # August was not published: a gap


@pytest.fixture(scope="module")
def published_without_august(sample_db, tmp_path_factory):
    """The sample with April 2014 to July 2015 published, but for August 2014, the month of the Jay report."""
    from pipelines.publish.approval import approve
    from pipelines.publish.snapshot import publish

    folder = tmp_path_factory.mktemp("events_gap")
    db = copy_warehouse(sample_db, folder)
    with warehouse.connect(db) as con:
        approve(con, [m for m in PUBLISHED if m != "2014-08"], PCC)
        publish(con, PCC, folder / "out")
    return folder / "out"


def test_an_event_in_a_month_the_public_has_not_been_given_is_neither_drawn_nor_listed(
        monkeypatch, published_without_august):
    """The snapshot carries the Jay report (its month is within the published span), but August 2014 is a gap on
    every chart: the Streamlit app and the static site neither draw the event nor list it under a chart, while the
    February 2015 inspection, in a published month, still is."""
    folder = published_without_august
    at = public(monkeypatch, folder, "public_pages/summary.py")
    assert not at.exception
    charts = {f["layout"]["title"]["text"].replace("<br>", " "): f for f in map(_figure, at.get("plotly_chart"))}
    referrals = charts[f"{spelled_out(catalogue().get('cse_referrals').short_name)}, South Yorkshire, by month"]
    assert "2014-08-26" not in _event_lines(referrals) and "2015-02-04" in _event_lines(referrals)
    shown = texts(at)
    assert "Rotherham inquiry report published" not in shown
    assert "4 February 2015: Inspection of Rotherham council reported" in shown
    site = folder / "public" / "site"
    for page in ("index.html", "measure-cse_referrals.html", "measure-cse_charges.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "Rotherham inquiry report published" not in html, page
    assert "Inspection of Rotherham council reported" in (site / "measure-cse_referrals.html").read_text()
