"""The briefing pack the Commissioner takes into a meeting says where the reports' recommendations stand: those not yet
implemented or closed with their status and when judged, those whose status changed since the last meeting of the
series, and those marked implemented while a measure evidencing them shows special cause of concern (as the
Recommendations page flags them). The same in HTML, PDF and Word; nothing when the register holds none."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pdfplumber
import pytest
from dashboard_helpers import copy_warehouse

from pipelines import accountability as acc
from pipelines import warehouse
from pipelines.accountability import register
from pipelines.audit import cli_actor
from pipelines.briefing.docx import render_docx
from pipelines.briefing.pack import build_pack
from pipelines.briefing.render import render_html, render_pdf
from pipelines.figures import accepted_months, plan_figures
from pipelines.plan import PlanAnalytics

WHO = cli_actor("pcc@example.org")


def _concern(analytics, months, measures):
    """The first month after one without it where the force shows special cause of concern on one of `measures`."""
    for i, month in enumerate(months[1:], start=1):
        now = {s.measure_id for s in analytics.status(month)
               if s.is_force and str(s.variation_icon or "").startswith("concern")}
        before = {s.measure_id for s in analytics.status(months[i - 1])
                  if s.is_force and str(s.variation_icon or "").startswith("concern")}
        if (now - before) & set(measures):
            return month
    return None


def _judge(con, rec_id: str, status: str, on: str) -> int:
    """A status of `rec_id` judged on the day `on` (at noon)."""
    status_id = register.record_status(con, WHO, rec_id, status=status, evidence=f"{status} evidence.", analytics=None)
    con.execute("UPDATE recommendation_status SET judged_at = ? WHERE status_id = ?",
                [dt.datetime.fromisoformat(f"{on}T12:00:00"), status_id])
    return status_id


@pytest.fixture
def judged(sample_db, tmp_path):
    """Boards a month apart, the second reporting on a month where a measure of a recommendation shows special cause
    of concern; that recommendation marked implemented since the first, another put in progress before it, a third
    in progress since it, and a status judged after the second Board."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        analytics = PlanAnalytics(plan_figures(con))
        months = accepted_months(con)
        recs = register.load_register().recommendations
        flagged_rec, worse = next((r, w) for r in recs if r.measures
                                  and (w := _concern(analytics, months, r.measures)) is not None)
        others = [r for r in recs if r.id != flagged_rec.id and r.status == "not_started"]
        before, since = others[0], others[1]
        month = dt.date.fromisoformat(f"{worse}-01")
        second = (month + dt.timedelta(days=45)).replace(day=15)
        first = (month + dt.timedelta(days=15)).replace(day=15)
        acc.add_meeting(con, WHO, held_on=first.isoformat())
        acc.add_meeting(con, WHO, held_on=second.isoformat())
        _judge(con, flagged_rec.id, "in_progress", (first - dt.timedelta(days=20)).isoformat())
        _judge(con, flagged_rec.id, "implemented", (first + dt.timedelta(days=3)).isoformat())
        _judge(con, before.id, "in_progress", (first - dt.timedelta(days=10)).isoformat())
        _judge(con, since.id, "in_progress", (first + dt.timedelta(days=5)).isoformat())
        _judge(con, before.id, "closed", (second + dt.timedelta(days=2)).isoformat())  # after the meeting
    return db, second, first, flagged_rec, before, since


def _table(section, heading):
    return next((t for t in section.tables if t.heading.startswith(heading)), None)


def test_the_pack_says_where_the_recommendations_stand(judged):
    db, second, first, flagged_rec, before, since = judged
    with warehouse.connect_read_only(db) as con:
        pack = build_pack(con, second, "analyst@example.org")
        analytics = PlanAnalytics(plan_figures(con))
        flags = register.flagged(con, analytics, f"{second.replace(day=1) - dt.timedelta(days=1):%Y-%m}")
    section = pack.recommendations
    assert section is not None and section.heading == "Recommendations" and not section.empty
    still = _table(section, "Not yet implemented or closed")
    by_id = {row[0].split(" ", 1)[0]: row for row in still.rows}
    # the status judged after the meeting is not yet said: the pack stands as the meeting opens
    assert by_id[before.id][1] == "In progress" and "by pcc@example.org" in by_id[before.id][2]
    assert by_id[since.id][1] == "In progress"
    assert flagged_rec.id not in by_id  # implemented
    changed = _table(section, "Status changed since the last meeting")
    assert f"({first.day} {first:%B %Y})" in changed.heading
    moved = {row[0].split(" ", 1)[0]: row[1:3] for row in changed.rows}
    assert moved == {flagged_rec.id: ["In progress", "Implemented"], since.id: ["Not started", "In progress"]}
    # the flag is the Recommendations page's own, for the pack's month
    concern = _table(section, "Marked implemented")
    assert flags and [row[1] for row in concern.rows] == [f.sentence for f in flags]
    assert f"{flagged_rec.id} (" in concern.rows[0][0]
    assert "2 statuses changed since the last meeting" in section.counts

    html = render_html(pack)
    assert 'id="recs-h">Recommendations</h2>' in html and flags[0].sentence in html
    document = docx.Document(io.BytesIO(render_docx(pack)))
    words = " ".join(p.text for p in document.paragraphs)
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Recommendations" in words and "Not yet implemented or closed" in cells + words
    assert since.id in cells
    with pdfplumber.open(io.BytesIO(render_pdf(pack))) as pdf:
        text = " ".join((p.extract_text() or "") for p in pdf.pages)
    assert "Status changed since the last meeting" in text and "Marked implemented, while a measure" in text


def test_nothing_is_said_when_the_register_holds_no_recommendation(judged, ref):
    db, second, *_ = judged
    text = (ref / "recommendations.yaml").read_text(encoding="utf-8")
    head = text.split("\nrecommendations:", 1)[0]
    (ref / "recommendations.yaml").write_text(head + "\nrecommendations: []\n", encoding="utf-8")
    with warehouse.connect_read_only(db) as con:
        pack = build_pack(con, second, "analyst@example.org")
    assert pack.recommendations is None
    assert 'id="recs-h"' not in render_html(pack)


def test_the_packs_flags_read_each_status_as_it_stood_on_the_meetings_day(judged):
    """Regression: the pack's "Marked implemented, while a measure shows concern" table read each recommendation's
    status today while its other tables read it as the meeting opened, so a pack made again after the meeting, or for
    a past one, flagged as implemented a recommendation it listed as in progress, and flagged none that was
    implemented at the meeting and moved back since. The flags stand as the meeting opens, as the tables do."""
    db, second, first, flagged_rec, *_ = judged
    month = f"{second.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    implemented_after = dt.datetime.combine(second + dt.timedelta(days=10), dt.time(12))
    with warehouse.connect(db) as con:  # implemented only after the meeting
        con.execute("UPDATE recommendation_status SET judged_at = ? WHERE recommendation = ? AND status = ?",
                    [implemented_after, flagged_rec.id, "implemented"])
    with warehouse.connect_read_only(db) as con:
        pack = build_pack(con, second, "analyst@example.org")
        today = register.flagged(con, PlanAnalytics(plan_figures(con)), month)
    assert [f.recommendation.id for f in today] == [flagged_rec.id]  # flagged as it stands now
    section = pack.recommendations
    assert _table(section, "Marked implemented") is None and "marked implemented" not in section.counts
    still = {row[0].split(" ", 1)[0]: row for row in _table(section, "Not yet implemented or closed").rows}
    assert still[flagged_rec.id][1] == "In progress"

    implemented_before = dt.datetime.combine(first + dt.timedelta(days=3), dt.time(12))
    with warehouse.connect(db) as con:  # implemented before the meeting, and moved back to in progress after it
        con.execute("UPDATE recommendation_status SET judged_at = ? WHERE recommendation = ? AND status = ?",
                    [implemented_before, flagged_rec.id, "implemented"])
        _judge(con, flagged_rec.id, "in_progress", (second + dt.timedelta(days=2)).isoformat())
    with warehouse.connect_read_only(db) as con:
        pack = build_pack(con, second, "analyst@example.org")
        analytics = PlanAnalytics(plan_figures(con))
        assert register.flagged(con, analytics, month) == []  # not flagged as it stands now
        at_meeting = register.flagged(con, analytics, month, as_of=second)
    concern = _table(pack.recommendations, "Marked implemented")
    assert at_meeting and concern is not None and [row[1] for row in concern.rows] == [f.sentence for f in at_meeting]
    assert concern.rows[0][0].startswith(f"{flagged_rec.id} (")
    assert flagged_rec.id not in {row[0].split(" ", 1)[0]
                                  for row in _table(pack.recommendations, "Not yet implemented or closed").rows}


def test_a_register_with_none_implemented_or_closed_is_said_so_not_counted_as_n_of_n(sample_db, tmp_path):
    """Regression: two years on, with no recommendation yet implemented or closed, the pack's section opened "11
    recommendations of 11 not yet implemented or closed"."""
    from pipelines.briefing.recommendations_section import recommendations_section

    db = copy_warehouse(sample_db, tmp_path)
    total = len([r for r in register.load_register().recommendations
                 if r.source.published_from <= dt.date(2015, 9, 17)])
    with warehouse.connect(db, create=False) as con:
        open_all = recommendations_section(con, dt.date(2015, 9, 17))
        _judge(con, register.load_register().recommendations[0].id, "closed", "2015-09-01")
        one_closed = recommendations_section(con, dt.date(2015, 9, 17))
    assert open_all.counts.startswith(f"None of the {total} recommendations is yet implemented or closed"), \
        open_all.counts
    assert f"{total} recommendations of {total}" not in open_all.counts
    assert one_closed.counts.startswith(f"{total - 1} recommendations of {total} not yet implemented or closed"), \
        one_closed.counts


def test_a_pack_leaves_out_the_recommendations_of_a_report_published_after_its_meeting(sample_db, tmp_path):
    """Regression: the pack for a Board of September 2015 listed the 2025 national audit's recommendations as in
    progress and counted them among the 11 "not yet implemented or closed": the section stands as the meeting opens,
    and a report published after its day had made no recommendation then."""
    from pipelines.briefing.recommendations_section import recommendations_section

    recs = register.load_register().recommendations
    later = [r for r in recs if r.source.published_from > dt.date(2015, 9, 17)]
    earlier = [r for r in recs if r not in later]
    assert later and earlier  # the register holds both
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        then = recommendations_section(con, dt.date(2015, 9, 17))
        now = recommendations_section(con, max(r.source.published_from for r in recs))
        before_any = recommendations_section(con, min(r.source.published_from for r in recs) - dt.timedelta(days=1))
    listed = {row[0].split(" ", 1)[0] for row in _table(then, "Not yet implemented or closed").rows}
    assert not listed & {r.id for r in later}, listed
    assert {r.id for r in earlier if r.status not in ("implemented", "evidenced", "closed")} <= listed
    assert f" of {len(recs)} " not in f" {then.counts} " and f"{len(recs)} recommendations" not in then.counts
    assert {r.id for r in later} <= {row[0].split(" ", 1)[0] for row in _table(now, "Not yet implemented").rows}
    assert before_any is None  # no report had been published: nothing to say


def test_a_day_recommendations_are_due_by_is_printed_whole_on_one_line(sample_db, tmp_path):
    """Regression: the "Due by" column, a seventh of the page, broke the day across lines in the PDF ("31 October" /
    "2026 (overdue)", read as two days) and could not hold "30 September 2026" on one line at all. The day is kept
    whole in the PDF, the Word pack and the web page, its column wide enough for it; "(overdue)" wraps after it."""
    from handmade_pack import make_pack
    from pdf_layout import cell_overflows, missing_figures, split_figures

    from pipelines.briefing.recommendations_section import recommendations_section

    days = {"NA1": "31 October 2026", "NA2": "30 September 2026", "NA3": "31 March 2027"}
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        for rec_id, day in days.items():
            register.set_due(con, WHO, rec_id, due_on=dt.datetime.strptime(day, "%d %B %Y").date())
        con.execute("UPDATE recommendation_due SET set_at = TIMESTAMP '2026-09-02 12:00:00'")
        section = recommendations_section(con, dt.date(2026, 11, 19))
    due = {row[0].split(" ", 1)[0]: row[-1] for row in _table(section, "Not yet implemented").rows}
    assert {k: due[k].replace("\u00a0", " ") for k in days} == {
        "NA1": "31 October 2026 (overdue)", "NA2": "30 September 2026 (overdue)", "NA3": "31 March 2027"}
    pack = make_pack()
    pack.recommendations = section

    pdf = render_pdf(pack)
    assert split_figures(pdf, list(days.values())) == []
    assert missing_figures(pdf, list(days.values())) == []
    assert cell_overflows(pdf) == []
    # an owner's long word widens its column, narrowing the others: never "Due by" below its day
    still = _table(section, "Not yet implemented")
    still.rows[0][3] = "Safeguarding-Partnership-Performance-Board"
    pdf = render_pdf(pack)
    assert split_figures(pdf, list(days.values())) == []
    assert cell_overflows(pdf) == []
    document = docx.Document(io.BytesIO(render_docx(pack)))
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "30\u00a0September\u00a02026 (overdue)" in cells
    assert "30\u00a0September\u00a02026 (overdue)" in render_html(pack)
