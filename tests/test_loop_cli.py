"""The loop's commands (`pccdash meetings`, `pccdash actions`) record and show meetings and actions as the pages do,
with dates and measures in words, and refuse what cannot be done in a sentence, never a traceback."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_helpers import PCC, copy_warehouse

from pipelines import accountability as acc
from pipelines import warehouse


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


def _run_ok(run_cli, *args, env=None):
    result = run_cli(*args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_meetings_lists_nothing_then_what_was_recorded_newest_first(wh, run_cli):
    assert "No meetings recorded yet" in _run_ok(run_cli, "meetings", "--db", wh)
    out = _run_ok(run_cli, "meetings", "add", "2015-08-20", "--db", wh, "--as", "analyst@example.org")
    assert out.strip() == "Recorded meeting 1: Public Accountability Board, 20 August 2015 (reporting month July 2015)."
    out = _run_ok(run_cli, "meetings", "add", "2015-09-03", "--kind", "district", "--district", "Rotherham",
                  "--db", wh, "--as", "pcc@example.org")
    assert "Rotherham quarterly report, 3 September 2015 (reporting month August 2015)" in out
    _run_ok(run_cli, "meetings", "add", "2015-09-10", "--kind", "themed", "--title", "Protecting Vulnerable People",
            "--db", wh, "--as", "pcc@example.org")
    with warehouse.connect(wh, create=False) as con:
        acc.ask(con, PCC, 1, "Why did charges fall?", measure="cse_charges", area="Rotherham", period="2015-07-01")
        acc.add_action(con, PCC, meeting_id=1, body="Report on charges", owner="ACC Jones", due_meeting_id=2)
    lines = _run_ok(run_cli, "meetings", "--db", wh).splitlines()
    assert lines[0].split() == ["Meeting", "Date", "Title", "Reporting", "month", "Questions", "Of", "which",
                                "withdrawn", "Open", "actions", "Of", "which", "overdue"]
    assert lines[1].split()[:4] == ["3", "10", "September", "2015"]
    assert "Themed scrutiny session on Protecting Vulnerable People" in lines[1] and "2015-" not in "\n".join(lines)
    first = lines[3].split()
    assert first[:4] == ["1", "20", "August", "2015"] and first[-6:] == ["July", "2015", "1", "0", "1", "1"]
    # read from the left, as the audit trail's table is: a title or a date starts where its heading does
    for heading, value in (("Date", "10 September 2015"), ("Title", "Themed scrutiny session")):
        assert lines[0].index(heading) == lines[1].index(value), "\n".join(lines[:2])
    assert lines[0].index("Title") == lines[3].index("Public Accountability Board")


def test_a_meeting_before_any_figures_says_it_has_no_reporting_month_in_a_sentence(wh, run_cli):
    """Regression: "(reporting month no month with accepted figures yet)"."""
    out = _run_ok(run_cli, "meetings", "add", "2010-01-14", "--db", wh, "--as", "analyst@example.org")
    assert out.strip() == ("Recorded meeting 1: Public Accountability Board, 14 January 2010 (no month before it has "
                           "accepted figures yet, so it has no reporting month).")
    out = _run_ok(run_cli, "meetings", "move", "1", "--to", "2010-01-21", "--reason", "Put back a week", "--db", wh,
                  "--as", "analyst@example.org")
    assert out.strip().endswith("21 January 2010 (no month before it has accepted figures yet, so it has no reporting "
                                "month).")
    out = _run_ok(run_cli, "meetings", "move", "1", "--to", "2015-08-20", "--reason", "Set right", "--db", wh,
                  "--as", "analyst@example.org")
    assert out.strip().endswith("20 August 2015 (reporting month July 2015).")


def test_meetings_counts_each_meetings_overdue_actions_as_pccdash_actions_does(wh, run_cli):
    """Regression: "pccdash meetings" gave each meeting's open actions but not how many were overdue, which
    "pccdash actions" puts first."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-04-16")
        second = acc.add_meeting(con, PCC, held_on="2026-05-21")
        acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Audit of ethnicity recording", owner="ACC Jones",
                       due_on="2026-06-30")
        acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charges", owner="ACC Jones",
                       due_meeting_id=second.meeting_id)
        acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Victims' feedback", owner="ACC Jones",
                       due_on="2026-09-30")
        closed = acc.add_action(con, PCC, meeting_id=second.meeting_id, body="Closed one", owner="ACC Jones",
                                due_on="2026-06-01")
    env = {"PCCDASH_TODAY": "2026-07-01"}
    with warehouse.connect(wh, create=False) as con:
        acc.update_action(con, PCC, closed, status="closed", note="Done.", on="2026-06-20")
    lines = _run_ok(run_cli, "meetings", "--db", wh, env=env).splitlines()
    assert lines[0].split()[-5:] == ["Open", "actions", "Of", "which", "overdue"]
    assert lines[1].split()[:4] == ["2", "21", "May", "2026"] and lines[1].split()[-2:] == ["0", "0"]
    assert lines[2].split()[:4] == ["1", "16", "April", "2026"] and lines[2].split()[-2:] == ["3", "2"]
    listed = _run_ok(run_cli, "actions", "--db", wh, env=env)
    assert listed.count("Overdue, due") == 2


def test_meetings_show_gives_questions_with_their_figures_decisions_and_actions(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        q = acc.ask(con, PCC, first.meeting_id, "Why did charges fall in Rotherham?", measure="cse_charges",
                    area="Rotherham", period="2015-07-01",
                    figures=[{"label": "July 2015", "value": 2, "text": "2"}])
        acc.await_answer(con, PCC, q, awaited_by="2015-09-10")
        acc.decide(con, PCC, meeting_id=first.meeting_id, theme="Protecting Vulnerable People",
                   decision="partly_assured", rationale="Progress, but slow.", evidence=[("visit", "Hub visit")])
        acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charges", owner="ACC Jones",
                       due_meeting_id=second.meeting_id)
    out = _run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh)
    assert "Meeting 1: Public Accountability Board, 20 August 2015 (reporting month July 2015)" in out
    assert "1. Why did charges fall in Rotherham?" in out
    assert "Asked by pcc@example.org, from the office." in out
    assert "Figures when asked: July 2015: 2" in out
    # where it stands today (21 November 2026), as "pccdash actions" and the Meetings page say: long overdue
    assert "Where it stands: Answer awaited by 10 September 2015 (overdue)" in out
    assert "Protecting Vulnerable People: Partly assured, by pcc@example.org. Progress, but slow." in out
    assert "1. Report on charges (owner ACC Jones)\n     Overdue, due by the Public Accountability Board, 17 " \
           "September 2015\n" in out


def test_meetings_show_says_a_stock_as_its_level_at_the_end_of_the_month(wh, run_cli):
    """Regression: a question about live investigations (a stock) showed "March 2026: 113; 12 months to March
    2026: 113", which reads as a 12-month total of a month-end level."""
    from pipelines.figures import plan_figures
    from pipelines.plan import PlanAnalytics

    with warehouse.connect(wh, create=False) as con:
        meeting = acc.add_meeting(con, PCC, held_on="2026-04-16")
        figures = acc.figures_for(PlanAnalytics(plan_figures(con)), "cse_live_investigations", "Rotherham",
                                  meeting.reporting_month)
        acc.ask(con, PCC, meeting.meeting_id, "Why are fewer investigations live?", measure="cse_live_investigations",
                area="Rotherham", period=meeting.reporting_month, figures=figures)
    out = _run_ok(run_cli, "meetings", "show", str(meeting.meeting_id), "--db", wh)
    assert f"Figures when asked: at the end of March 2026: {figures[0]['text']}; Variation: " in out
    assert "12 months to March 2026" not in out


def test_meetings_show_says_a_figure_revised_since_the_question_was_put(wh, run_cli, tmp_path):
    """Regression: a question's figures were shown as they were when asked (2) with no word that the month had since
    been revised (now 9)."""
    from helpers import revise_figure

    from pipelines.figures import plan_figures
    from pipelines.plan import PlanAnalytics

    with warehouse.connect(wh, create=False) as con:
        meeting = acc.add_meeting(con, PCC, held_on="2026-04-16")
        figures = acc.figures_for(PlanAnalytics(plan_figures(con)), "cse_charges", "Rotherham",
                                  meeting.reporting_month)
        acc.ask(con, PCC, meeting.meeting_id, "Why did charges fall?", measure="cse_charges", area="Rotherham",
                period=meeting.reporting_month, figures=figures)
        was = figures[0]["value"]
        revise_figure(con, tmp_path, "2026-03", "Rotherham", "cse_charges", was + 7)
    out = _run_ok(run_cli, "meetings", "show", str(meeting.meeting_id), "--db", wh)
    assert f"Figures when asked: March 2026: {was:g}, since revised to {was + 7:g}; 12 months to March 2026: " in out


def test_meetings_show_gives_the_figures_as_kept_when_the_plan_cannot_be_read(wh, run_cli, tmp_path,
                                                                             command_line_reference):
    """Saying a figure revised since needs the plan's figures; with plan.yaml broken the meeting is still shown,
    its figures as they were kept, never a fault."""
    import shutil

    with warehouse.connect(wh, create=False) as con:
        meeting = acc.add_meeting(con, PCC, held_on="2026-04-16")
        acc.ask(con, PCC, meeting.meeting_id, "Why did charges fall?", measure="cse_charges", area="Rotherham",
                period="2026-03-01", figures=[{"label": "March 2026", "value": 2, "text": "2"}])
    ref = tmp_path / "reference"
    shutil.copytree(command_line_reference, ref)
    (ref / "plan.yaml").write_text("plans: [\n", encoding="utf-8")
    out = _run_ok(run_cli, "meetings", "show", str(meeting.meeting_id), "--db", wh,
                  env={"PCCDASH_REFERENCE_DIR": str(ref)})
    assert "Figures when asked: March 2026: 2\n" in out


def test_meetings_show_says_where_each_item_stands_today_as_pccdash_actions_does(wh, run_cli):
    """Regression: long after its due day "pccdash meetings show" said an action was "Open" and an answer simply
    "awaited by" a day gone, judged on the day of the meeting, where "pccdash actions", the Meetings page and the
    next pack said both were overdue."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-04-16")
        q = acc.ask(con, PCC, first.meeting_id, "How many investigations wait more than 12 weeks?")
        acc.await_answer(con, PCC, q, awaited_by="2026-05-31")
        acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Audit of ethnicity recording",
                       owner="Head of Performance", due_on="2026-09-30")
    for today, late in (("2026-05-31", False), ("2026-10-01", True)):
        env = {"PCCDASH_TODAY": today}
        shown = _run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh, env=env)
        listed = _run_ok(run_cli, "actions", "--db", wh, env=env)
        state = "Overdue" if late else "Open"
        assert f"{state}, due by 30 September 2026" in shown and f"{state}, due by 30 September 2026" in listed
        assert ("Where it stands: Answer awaited by 31 May 2026" + (" (overdue)" if today > "2026-05-31" else "")
                ) in shown
        assert ("(overdue)" in shown) == late


def test_actions_lists_overdue_first_and_close_keeps_the_note(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        later = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Later work", owner="DCI Smith",
                               due_on="2027-01-31")
        late = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Late work", owner="ACC Jones",
                              due_on="2015-09-30")
    out = _run_ok(run_cli, "actions", "--db", wh)
    assert out.index("Late work") < out.index("Later work")  # today (21 November 2026) it is overdue
    assert f"{late}. Late work" in out and "Overdue, due by 30 September 2015" in out
    assert "Open, due by 31 January 2027" in out and "from the Public Accountability Board, 20 August 2015" in out

    out = _run_ok(run_cli, "actions", "close", str(late), "--note", "Report received", "--db", wh,
                  "--as", "analyst@example.org")
    assert out.strip() == f"Closed action {late}."
    open_only = _run_ok(run_cli, "actions", "--db", wh)
    assert "Late work" not in open_only and "Later work" in open_only
    every = _run_ok(run_cli, "actions", "--all", "--db", wh)
    assert every.index("Later work") < every.index("Late work")
    assert "Closed on " in every and ": Report received" in every
    with warehouse.connect(wh, create=False) as con:
        (closed,) = [a for a in acc.actions(con) if a.action_id == late]
        assert closed.closed and closed.updates[-1].note == "Report received"
        assert closed.updates[-1].updated_by == "analyst@example.org"
        assert not [a for a in acc.actions(con) if a.action_id == later][0].closed


@pytest.mark.parametrize(("args", "said"), [
    (("meetings", "add", "20/08/2015", "--as", "pcc@example.org"),
     'DATE "20/08/2015" is not a date; write it as YYYY-MM-DD (2015-08-20).'),
    (("meetings", "add", "2015-08-20", "--kind", "district", "--district", "Leeds", "--as", "pcc@example.org"),
     '"Leeds" is not one'),
    (("meetings", "add", "2015-08-20", "--kind", "district", "--as", "pcc@example.org"),
     "A district's quarterly report names its district: give --district, one of Barnsley, Doncaster, Rotherham, "
     "Sheffield."),
    (("meetings", "show", "9"), 'The record holds no meeting 9; "pccdash meetings" lists them.'),
    (("meetings", "show", "first"), '"first" is not a meeting number'),
    (("actions", "close", "7", "--note", "done", "--as", "pcc@example.org"),
     'The record holds no action 7; "pccdash actions --all" lists them.'),
    (("actions", "move", "7", "--to", "2015-12-31", "--reason", "More time", "--as", "pcc@example.org"),
     'The record holds no action 7; "pccdash actions --all" lists them.'),
    # a number that is not in the record says where the numbers are given
    (("release", "question", "9", "--as", "pcc@example.org"),
     'The record holds no question 9; "pccdash meetings show MEETING" gives the numbers'),
    (("release", "answer", "7", "--as", "pcc@example.org"),
     'The record holds no answer 7; "pccdash meetings show MEETING" gives the numbers'),
    (("release", "decision", "4", "--as", "pcc@example.org"),
     'The record holds no assurance decision 4; "pccdash meetings show MEETING" gives the numbers'),
    (("actions", "close", "7", "--note", "done", "--as", "someone@example.org"), "someone@example.org"),
])
def test_what_cannot_be_done_is_said_in_a_sentence(wh, run_cli, args, said):
    result = run_cli(*args, "--db", wh)
    assert result.exit_code == 1
    assert said in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("Error: ")


@pytest.mark.parametrize("args", [("meetings", "add", "2015-08-20"), ("actions", "close", "1", "--note", "done")])
def test_a_write_without_as_says_who_must_act(wh, run_cli, args):
    result = run_cli(*args, "--db", wh)
    assert result.exit_code != 0 and "Missing option '--as'" in result.stderr
    with warehouse.connect(wh, create=False) as con:
        assert acc.meetings(con) == []


def test_an_action_closed_without_a_note_is_refused(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Work", owner="ACC", due_on="2015-09-30")
    result = run_cli("actions", "close", str(action), "--note", "  ", "--db", wh, "--as", "pcc@example.org")
    assert result.exit_code == 1 and "Give the closing note (--note TEXT)." in result.stderr


@pytest.mark.parametrize("command", ["meetings", "actions"])
def test_each_subcommand_has_help_with_an_example(run_cli, command):
    group = run_cli(command, "--help").stdout
    for sub in (["add", "show", "move"] if command == "meetings" else ["close"]):
        assert f"pccdash {command} {sub}" in group
        help_text = run_cli(command, sub, "--help")
        assert help_text.exit_code == 0 and "Example" in help_text.stdout


def test_meetings_show_gives_a_long_question_whole_wrapped(wh, run_cli):
    long = ("Why did charges for child sexual exploitation fall in Rotherham over the summer, when arrests rose, and "
            "what is the force doing about the cases waiting for a charging decision from the Crown Prosecution "
            "Service at the end of the quarter?")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        acc.ask(con, PCC, first.meeting_id, long, measure="cse_charges", area="Rotherham", period="2015-07-01")
    out = _run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh)
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("  1. Why did charges"))
    end = next(i for i, ln in enumerate(lines) if ln.strip().startswith("Asked by"))
    assert " ".join(ln.strip() for ln in lines[start:end]) == "1. " + long
    assert end - start > 1 and all(len(ln) <= 100 for ln in lines[start:end])
    assert "\u2026" not in out


def test_pack_for_a_day_before_any_figures_says_the_day_in_words(wh, run_cli):
    result = run_cli("pack", "--meeting", "2010-01-01", "--db", wh, "--as", "analyst@example.org")
    assert result.exit_code == 1
    assert "No month before 1 January 2010 has accepted figures" in result.stderr


def test_meetings_move_puts_a_meeting_back_and_show_says_the_day_it_was_on(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        acc.ask(con, PCC, second.meeting_id, "Why did charges fall?")
    out = _run_ok(run_cli, "meetings", "move", str(second.meeting_id), "--to", "2015-10-01", "--reason",
                  "The hall was not free", "--db", wh, "--as", "analyst@example.org")
    assert out.strip() == ("Moved meeting 2: Public Accountability Board, 17 September 2015 is now Public "
                           "Accountability Board, 1 October 2015 (reporting month September 2015).")
    shown = _run_ok(run_cli, "meetings", "show", str(second.meeting_id), "--db", wh)
    assert "Meeting 2: Public Accountability Board, 1 October 2015 (reporting month September 2015)" in shown
    assert "Moved from 17 September 2015 to 1 October 2015 by analyst@example.org: The hall was not free" in shown
    assert "1. Why did charges fall?" in shown, "its question went with it"
    refused = run_cli("meetings", "move", str(second.meeting_id), "--to", "2015-08-20", "--reason", "Back",
                      "--db", wh, "--as", "pcc@example.org")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: The record already holds the Public "
                                                                "Accountability Board of 20 August 2015 (meeting 1)")
    assert "Traceback" not in refused.stderr + refused.stdout
    no_reason = run_cli("meetings", "move", "2", "--to", "2015-10-08", "--db", wh, "--as", "pcc@example.org")
    assert no_reason.exit_code != 0 and "Missing option '--reason'" in no_reason.stderr


def test_meetings_move_says_the_answers_given_at_it_on_its_day_go_with_it(wh, run_cli):
    """Regression: "pccdash meetings move" put back a Board whose answer was given at it on its day and said nothing
    of the answer, left dated a week before the meeting it was given at. It goes with the meeting, and the command
    says so in the words the Meetings page uses."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        question = acc.ask(con, PCC, first.meeting_id, "Why did charges fall?")
        acc.record_answer(con, PCC, question, body="Fewer referrals.", answered_by="ACC Jones",
                          answered_on="2015-09-17", meeting_id=second.meeting_id)
    out = _run_ok(run_cli, "meetings", "move", str(second.meeting_id), "--to", "2015-09-24", "--reason",
                  "Its date put right", "--db", wh, "--as", "analyst@example.org")
    assert out.splitlines() == [
        "Moved meeting 2: Public Accountability Board, 17 September 2015 is now Public Accountability Board, 24 "
        "September 2015 (reporting month August 2015).",
        f"The answer to question {question} given at it on 17 September 2015 is now dated 24 September 2015, its new "
        "day, as given at it."]
    with warehouse.connect(wh, create=False) as con:
        assert [a.answered_on for a in acc.questions(con)[0].answers] == [dt.date(2015, 9, 24)]


def test_meetings_show_offers_release_no_answer_that_is_only_awaited(wh, run_cli):
    """Regression: a question whose answer is awaited read 'For "pccdash release": question 1, answer 1.', and
    "pccdash release answer 1" then refused it ("records only that an answer is awaited"): the hint offered a number
    the command will not take. It gives an answer's number once the answer is given, and says what is awaited."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        q = acc.ask(con, PCC, first.meeting_id, "When will the problem profile be published?")
        awaited = acc.await_answer(con, PCC, q, awaited_by="2015-09-10", note="The profile is with the Chief "
                                                                             "Constable.")
    out = _run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh)
    assert f'For "pccdash release": question {q}.' in out, out
    assert f"answer {awaited}" not in out
    assert ("Where it stands: Answer awaited by 10 September 2015 (overdue): The profile is with the Chief "
            "Constable") in " ".join(out.split())  # with what the force said of it, as the pack says it
    with warehouse.connect(wh, create=False) as con:
        given = acc.record_answer(con, PCC, q, body="In October.", answered_by="ACC Jones", answered_on="2015-09-09")
    out = _run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh)
    assert f'For "pccdash release": question {q}, answer {given}.' in out
    _run_ok(run_cli, "release", "answer", str(given), "--db", wh, "--as", "pcc@example.org")


def test_meetings_show_gives_the_numbers_release_takes(wh, run_cli):
    """Regression: "pccdash release answer|decision ID" takes an answer's or a decision's number, and no command
    showed one; "meetings show" now gives each question's, its current answer's and decision's, and each theme's
    decision's, and release approves exactly the item so numbered."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        acc.ask(con, PCC, first.meeting_id, "Why did arrests rise?", measure="cse_arrests", area="Sheffield",
                period="2015-07-01")
        q = acc.ask(con, PCC, first.meeting_id, "Why did charges fall?", measure="cse_charges", area="Rotherham",
                    period="2015-07-01")
        a = acc.record_answer(con, PCC, q, body="Two cases moved to August.", answered_by="ACC Jones",
                              answered_on="2015-08-20")
        d = acc.decide(con, PCC, meeting_id=first.meeting_id, question_id=q, decision="assured",
                       rationale="Explained.", evidence=[("answer", "The force's answer")])
        t = acc.decide(con, PCC, meeting_id=first.meeting_id, theme="Protecting Vulnerable People",
                       decision="partly_assured", rationale="Progress, but slow.", evidence=[("visit", "Hub visit")])
    out = _run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh)
    block = out[out.index("Why did charges fall?"):]
    assert f'For "pccdash release": question {q}, answer {a}, decision {d}.' in block
    assert 'For "pccdash release": question 1.' in out  # a question with no answer or decision yet
    assert f"Decision {t}. Protecting Vulnerable People: Partly assured" in out
    for kind, number, about in [("answer", a, "Answer on"), ("decision", d, "Assurance decision (Assured)"),
                                ("decision", t, "Protecting Vulnerable People")]:
        _run_ok(run_cli, "release", kind, str(number), "--db", wh, "--as", "pcc@example.org")
        assert about in _run_ok(run_cli, "released", "--db", wh)
    assert "pccdash meetings show" in _run_ok(run_cli, "release", "--help")


def test_actions_move_gives_an_action_more_time_and_says_what_it_was_first_due_by(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-09-17")
        later = acc.add_meeting(con, PCC, held_on="2027-01-21")
        late = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Late work", owner="ACC Jones",
                              due_on="2026-10-15")
    assert "Overdue, due by 15 October 2026" in _run_ok(run_cli, "actions", "--db", wh)  # today: 21 November 2026
    out = _run_ok(run_cli, "actions", "move", str(late), "--to", "2026-12-31", "--reason", "More time given",
                  "--db", wh, "--as", "analyst@example.org")
    assert out.strip() == f"Action {late} is now due by 31 December 2026 (first due by 15 October 2026)."
    listed = _run_ok(run_cli, "actions", "--db", wh)
    assert "Open, due by 31 December 2026 (first due by 15 October 2026)" in listed and "Overdue" not in listed
    out = _run_ok(run_cli, "actions", "move", str(late), "--to-meeting", str(later.meeting_id), "--reason",
                  "To report at the January Board", "--db", wh, "--as", "pcc@example.org")
    assert out.strip() == (f"Action {late} is now due by the Public Accountability Board, 21 January 2027 (first "
                           "due by 15 October 2026).")
    trail = _run_ok(run_cli, "audit", "--action", "action_due", "--db", wh)
    assert trail.count("action_due") + trail.count("moved an action") >= 2


@pytest.mark.parametrize(("args", "said"), [
    (("--reason", "x"), "Give the day it is now due by (--to YYYY-MM-DD) or the meeting (--to-meeting NUMBER)"),
    (("--to", "31/12/2026", "--reason", "x"), '--to "31/12/2026" is not a date; write it as YYYY-MM-DD'),
    (("--to-meeting", "8", "--reason", "x"), "The record holds no meeting 8"),
    (("--to", "2026-12-31", "--reason", " "), "Give the reason for moving the due date (--reason TEXT)."),
])
def test_actions_move_refuses_in_a_sentence(wh, run_cli, args, said):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-09-17")
        late = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Late work", owner="ACC Jones",
                              due_on="2026-10-15")
    result = run_cli("actions", "move", str(late), *args, "--db", wh, "--as", "pcc@example.org")
    assert result.exit_code != 0 and said in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    with warehouse.connect(wh, create=False) as con:
        assert [len(a.updates) for a in acc.actions(con)] == [1]


def test_actions_hand_gives_an_action_a_new_owner_and_every_listing_names_it_and_who_held_it_first(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-09-17")
        late = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Late work", owner="ACC Jones",
                              due_on="2026-10-15")
    out = _run_ok(run_cli, "actions", "hand", str(late), "--to", "Supt Khan", "--reason", "ACC Jones has retired",
                  "--on", "2026-11-02", "--db", wh, "--as", "analyst@example.org")
    assert out.strip() == (f"Action {late} is now held by Supt Khan (since 2 November 2026; first owner ACC "
                           "Jones).")
    listed = " ".join(_run_ok(run_cli, "actions", "--db", wh).split())  # today: 21 November 2026
    assert "Owner Supt Khan (since 2 November 2026; first owner ACC Jones); from the" in listed
    assert "Overdue, due by 15 October 2026" in listed, "handed over, it is as due as it was"
    shown_meeting = " ".join(_run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh).split())
    assert "Late work (owner Supt Khan, since 2 November 2026; first owner ACC Jones)" in shown_meeting
    trail = _run_ok(run_cli, "audit", "--action", "action_owner", "--format", "csv", "--db", wh)
    assert "owner ACC Jones -> Supt Khan: ACC Jones has retired" in trail
    assert 'pccdash actions hand 3 --to "Supt Khan"' in _run_ok(run_cli, "actions", "hand", "--help")


@pytest.mark.parametrize(("args", "said"), [
    (("--to", "Supt Khan", "--reason", " "), "Give the reason for handing the action over (--reason TEXT)."),
    (("--to", " ", "--reason", "Retired"), "Give the action's new owner (--to OWNER)."),
    (("--to", "acc jones", "--reason", "Retired"), "Action 1 is already held by ACC Jones."),
    (("--to", "Supt Khan", "--reason", "Retired", "--on", "2/11/2026"), '--on "2/11/2026" is not a date'),
    (("--to", "Supt Khan", "--reason", "Retired", "--on", "2026-12-01"), "1 December 2026 is after today"),
    (("--reason", "Retired"), "Missing option '--to'"),
])
def test_actions_hand_refuses_in_a_sentence(wh, run_cli, args, said):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-09-17")
        acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Late work", owner="ACC Jones",
                       due_on="2026-10-15")
    result = run_cli("actions", "hand", "1", *args, "--db", wh, "--as", "pcc@example.org")
    assert result.exit_code != 0 and said in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    with warehouse.connect(wh, create=False) as con:
        assert [(len(a.updates), a.owner) for a in acc.actions(con)] == [(1, "ACC Jones")]


def test_actions_hand_refuses_an_unknown_or_closed_action_in_a_sentence(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-09-17")
        done = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Done work", owner="ACC Jones",
                              due_on="2026-10-15")
        acc.update_action(con, PCC, done, status="closed", note="Received.", on="2026-10-01")
    for number, said in (("7", "The record holds no action 7"),
                         (str(done), f"Action {done} was closed on 1 October 2026, so nobody holds it any more.")):
        result = run_cli("actions", "hand", number, "--to", "Supt Khan", "--reason", "Retired", "--db", wh,
                         "--as", "pcc@example.org")
        assert result.exit_code != 0 and said in result.stderr, result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_actions_and_meetings_show_give_an_action_and_its_closing_note_whole(wh, run_cli):
    """Regression: `pccdash actions` and `meetings show` cut an action's text and its closing note at 80 characters
    ("…"), so the follow-up list could not be read whole."""
    body = ("Provide the Board with a breakdown of the time from referral to charge for every CSE case closed in "
            "the last year, by district, with the reasons for the longest waits")
    note = ("The breakdown was received on 3 November and circulated to members; the longest waits were cases waiting "
            "for digital forensics")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2026-09-17")
        done = acc.add_action(con, PCC, meeting_id=first.meeting_id, body=body, owner="ACC Jones",
                              due_on="2026-12-15")
        acc.update_action(con, PCC, done, status="closed", note=note, on="2026-11-05")
    for args in (("actions", "--all"), ("meetings", "show", str(first.meeting_id))):
        out = " ".join(_run_ok(run_cli, *args, "--db", wh).split())
        assert body in out and note in out and "\u2026" not in out


def test_meetings_cancel_carries_what_was_put_to_it_and_the_list_shows_it_apart(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        april = acc.add_meeting(con, PCC, held_on="2026-04-16")
        may = acc.add_meeting(con, PCC, held_on="2026-05-21")
        june = acc.add_meeting(con, PCC, held_on="2026-06-18")
        acc.ask(con, PCC, may.meeting_id, "Prepared for May: how many reviews?")
        acc.add_action(con, PCC, meeting_id=april.meeting_id, body="Report on charges", owner="ACC Jones",
                       due_meeting_id=may.meeting_id)
    refused = run_cli("meetings", "cancel", str(may.meeting_id), "--reason", "Pre-election period", "--db", wh,
                      "--as", "analyst@example.org")
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert "question 1 is put to it and action 1 is due by it" in refused.stderr and "--carry-to MEETING" in \
        refused.stderr
    out = _run_ok(run_cli, "meetings", "cancel", str(may.meeting_id), "--reason", "Pre-election period",
                  "--carry-to", str(june.meeting_id), "--db", wh, "--as", "analyst@example.org")
    assert out.strip() == (f"Cancelled meeting {may.meeting_id}: Public Accountability Board, 21 May 2026. What was "
                           f"put to it went to meeting {june.meeting_id}.")
    listed = _run_ok(run_cli, "meetings", "--db", wh)
    # one sentence, not "Meeting 2, cancelled: ..., 21 May 2026: Cancelled by ...:", which said it was cancelled twice
    assert " ".join(listed.split()).startswith(
        f"Meeting {may.meeting_id} (Public Accountability Board, 21 May 2026) was cancelled by analyst@example.org: "
        f"Pre-election period; what was put to it went to meeting {june.meeting_id}.")
    table = listed.split("\n\n", 1)[1].splitlines()
    assert [line.split()[0] for line in table[1:]] == [str(june.meeting_id), str(april.meeting_id)]
    assert table[1].split()[-4:] == ["1", "0", "0", "0"]  # June: the question carried to it, no actions agreed there
    shown_may = _run_ok(run_cli, "meetings", "show", str(may.meeting_id), "--db", wh)
    # one sentence, not "...21 May 2026 (cancelled) (reporting month March 2026)" and then who cancelled it
    assert " ".join(shown_may.split()).startswith(
        f"Meeting {may.meeting_id} (Public Accountability Board, 21 May 2026, reporting month March 2026) was "
        f"cancelled by analyst@example.org: Pre-election period; what was put to it went to meeting "
        f"{june.meeting_id}. No questions put at it.")
    assert "(cancelled)" not in shown_may and shown_may.count("cancelled") == 1
    assert "No questions put at it.\n" in shown_may and "yet" not in shown_may
    assert "due by the Public Accountability Board, 18 June 2026 (first due by the Public Accountability Board, " \
           "21 May 2026, which was cancelled)" in " ".join(_run_ok(run_cli, "actions", "--db", wh).split())


def test_actions_says_none_are_recorded_rather_than_none_open_when_there_are_none(wh, run_cli):
    for args in (("actions",), ("actions", "--all")):
        assert _run_ok(run_cli, *args, "--db", wh).startswith("No actions recorded yet")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        done = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Work", owner="ACC", due_on="2015-09-30")
        acc.update_action(con, PCC, done, status="closed", note="Done.", on="2015-09-01")
    assert _run_ok(run_cli, "actions", "--db", wh).strip() == (
        'No open actions. "pccdash actions --all" lists the closed ones too.')


def test_meetings_lists_the_newest_and_says_what_the_earlier_ones_leave_open(wh, run_cli):
    """Five years of Boards are sixty meetings and more: the list printed every one of them."""
    with warehouse.connect(wh, create=False) as con:
        held = [acc.add_meeting(con, PCC, held_on=dt.date(2026, 1, 15) + dt.timedelta(days=28 * n)) for n in range(14)]
        acc.add_action(con, PCC, meeting_id=held[0].meeting_id, body="Report on charges", owner="ACC Jones",
                       due_on="2026-02-01")
    env = {"PCCDASH_TODAY": "2027-03-01"}
    lines = _run_ok(run_cli, "meetings", "--db", wh, env=env).splitlines()
    assert len(lines) == 1 + 12 + 1 and lines[1].split()[0] == "14" and lines[12].split()[0] == "3"
    assert lines[-1] == ('The newest 12 of 14 meetings; the 2 before them have 1 action still open, overdue '
                         '("pccdash actions" lists them). See them with --limit N (--limit 0 for every one).')
    assert len(_run_ok(run_cli, "meetings", "--limit", "0", "--db", wh, env=env).splitlines()) == 1 + 14


def test_meetings_show_says_when_a_decision_is_to_be_looked_at_again_as_the_page_does(wh, run_cli):
    """Regression: the Meetings page and the pack said a decision was to be looked at again by a day, and "pccdash
    meetings show" left the day out, for a question's decision and a theme's alike."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        q = acc.ask(con, PCC, first.meeting_id, "Why did charges fall in Rotherham?")
        acc.record_answer(con, PCC, q, body="Cases moved to the NCA.", answered_by="ACC Jones",
                          answered_on="2015-08-20", meeting_id=first.meeting_id)
        acc.decide(con, PCC, meeting_id=first.meeting_id, question_id=q, decision="partly_assured",
                   rationale="Figures to come.", evidence=[("answer", "ACC Jones")], follow_up="2015-10-15")
        acc.decide(con, PCC, meeting_id=first.meeting_id, theme="Protecting Vulnerable People",
                   decision="awaiting_evidence", rationale="The audit is due.", evidence=[], follow_up="2015-11-19")
    out = " ".join(_run_ok(run_cli, "meetings", "show", str(first.meeting_id), "--db", wh).split())
    assert ("Where it stands: Answered by ACC Jones on 20 August 2015; decision: Partly assured; to be looked at "
            "again by 15 October 2015") in out
    assert ("Protecting Vulnerable People: Awaiting evidence, by pcc@example.org. The audit is due. To be looked at "
            "again by 19 November 2015.") in out


def test_a_decision_taken_at_a_later_meeting_is_listed_in_that_meetings_record(wh, run_cli):
    """Regression: the Commissioner's decision at the September Board on a question put in August, its answer sent
    by letter before it, was shown only under August's meeting: "pccdash meetings show" for September said "No
    questions put at it yet" and nothing of what was decided there, nor the decision's number for "pccdash
    release"."""
    with warehouse.connect(wh, create=False) as con:
        august = acc.add_meeting(con, PCC, held_on="2015-08-20")
        september = acc.add_meeting(con, PCC, held_on="2015-09-17")
        q = acc.ask(con, PCC, august.meeting_id, "Why did charges fall in Rotherham?")
        acc.record_answer(con, PCC, q, body="A joint review is under way.", answered_by="ACC Jones",
                          answered_on="2015-09-01")
        decision = acc.decide(con, PCC, meeting_id=september.meeting_id, question_id=q, decision="not_assured",
                              rationale="The review has no end date.", evidence=[("answer", "ACC Jones")])
    out = _run_ok(run_cli, "meetings", "show", str(september.meeting_id), "--db", wh)
    assert (f"Decided on at it, asked at earlier meetings (1)\n  {q}. Why did charges fall in Rotherham?\n"
            "     Asked at the Public Accountability Board, 20 August 2015. Asked by pcc@example.org, from the\n"
            "     office.\n"
            "     Decided at this meeting: Not assured, by pcc@example.org. The review has no end date.\n"
            "     Where it stands: Answered by ACC Jones on 1 September 2015; decision: Not assured\n"
            f'     For "pccdash release": decision {decision}.') in out


def test_an_answer_given_at_a_later_meeting_is_listed_in_that_meetings_record_and_the_next_pack(wh, run_cli):
    """Regression: an answer given at the September Board to a question put in August was shown only under August's
    meeting: "pccdash meetings show" for September said no question was put at it and said nothing of the answer, and
    October's pack listed the question as still open from earlier meetings, not as answered at the last one."""
    from pipelines.briefing.loop_section import since_last_meeting

    with warehouse.connect(wh, create=False) as con:
        august = acc.add_meeting(con, PCC, held_on="2015-08-20")
        september = acc.add_meeting(con, PCC, held_on="2015-09-17")
        acc.add_meeting(con, PCC, held_on="2015-10-15")
        q = acc.ask(con, PCC, august.meeting_id, "Why did charges fall in Rotherham?")
        acc.ask(con, PCC, august.meeting_id, "When will the review report?")
        answer = acc.record_answer(con, PCC, q, body="A joint review is under way.", answered_by="ACC Jones",
                                   answered_on="2015-09-17", meeting_id=september.meeting_id)
        section = since_last_meeting(con, dt.date(2015, 10, 15))
    out = _run_ok(run_cli, "meetings", "show", str(september.meeting_id), "--db", wh)
    assert "No questions were put at it.\n" in out and "yet" not in out  # held in 2015: none will come now
    assert (f"Answered at it, asked at earlier meetings (1)\n  {q}. Why did charges fall in Rotherham?\n"
            "     Asked at the Public Accountability Board, 20 August 2015. Asked by pcc@example.org, from the\n"
            "     office.\n"
            "     Answered by ACC Jones on 17 September 2015 at this meeting: A joint review is under way.\n"
            "     Where it stands: Answered by ACC Jones on 17 September 2015\n"
            f'     For "pccdash release": answer {answer}.') in out
    assert "When will the review report?" not in out
    tables = {t.heading: t for t in section.tables}
    (row,) = tables["Answered at the last meeting, asked at earlier ones"].rows
    assert row[0].startswith("Why did charges fall in Rotherham?\n(Asked at the Public Accountability Board, 20 August")
    assert row[1].startswith("Answered by ACC Jones on 17 September 2015: A joint review is under way.")
    (still,) = tables["Still open from earlier meetings"].rows  # listed once: the other question
    assert still[0].startswith("When will the review report?")
    assert "1 question from earlier meetings answered last time" in section.counts


def test_meetings_show_says_a_meeting_held_had_no_questions_and_one_to_come_has_none_yet(wh, run_cli):
    """Regression: "pccdash meetings show" said "No questions put at it yet" (and "No actions agreed at it yet") of a
    Board held months before, as if questions might still come to it. A meeting held says it had none; one to come
    says it has none yet."""
    with warehouse.connect(wh, create=False) as con:
        held = acc.add_meeting(con, PCC, held_on="2026-10-29")
        to_come = acc.add_meeting(con, PCC, held_on="2026-12-17")
    env = {"PCCDASH_TODAY": "2026-11-20"}
    out = _run_ok(run_cli, "meetings", "show", str(held.meeting_id), "--db", wh, env=env)
    assert "No questions were put at it.\n" in out and "No actions were agreed at it.\n" in out
    assert "yet" not in out
    out = _run_ok(run_cli, "meetings", "show", str(to_come.meeting_id), "--db", wh, env=env)
    assert "No questions put at it yet.\n" in out and "No actions agreed at it yet.\n" in out


def _a_board_held_and_one_to_come(con):
    """A Board held on 29 October 2026 and one on 17 December 2026, to come; at the first, a question left waiting
    and one answered there: the two meetings and the two questions' numbers (waiting, answered)."""
    held = acc.add_meeting(con, PCC, held_on="2026-10-29")
    to_come = acc.add_meeting(con, PCC, held_on="2026-12-17")
    waiting = acc.ask(con, PCC, held.meeting_id, "Why did charges fall in Rotherham?")
    settled = acc.ask(con, PCC, held.meeting_id, "How many hubs are open?")
    acc.record_answer(con, PCC, settled, body="Four.", answered_by="ACC Jones", answered_on="2026-10-29",
                      meeting_id=held.meeting_id)
    return held, to_come, waiting, settled


def test_meetings_show_of_a_meeting_to_come_gives_what_its_pack_carries_to_it(wh, run_cli):
    """Regression: "pccdash meetings show" of a Board not yet held said only "No actions agreed at it yet", and
    nothing of the actions agreed earlier that are due by it nor of the questions still open from earlier meetings,
    which its pack lists and the Commissioner prepares with."""
    from pipelines.briefing.loop_section import since_last_meeting

    with warehouse.connect(wh, create=False) as con:
        held, to_come, open_q, settled = _a_board_held_and_one_to_come(con)
        acc.decide(con, PCC, meeting_id=held.meeting_id, question_id=settled, decision="assured",
                   rationale="Four hubs.", evidence=[("answer", "ACC Jones")])
        due = acc.add_action(con, PCC, meeting_id=held.meeting_id, body="Report on charges", owner="ACC Jones",
                             due_meeting_id=to_come.meeting_id)
        acc.add_action(con, PCC, meeting_id=held.meeting_id, body="Victims' feedback", owner="ACC Jones",
                       due_on="2027-03-31")
        pack = since_last_meeting(con, dt.date(2026, 12, 17))
    env = {"PCCDASH_TODAY": "2026-11-20"}
    out = _run_ok(run_cli, "meetings", "show", str(to_come.meeting_id), "--db", wh, env=env)
    assert "No questions put at it yet.\n" in out and "No actions agreed at it yet.\n" in out
    assert (f"Carried to it from earlier meetings, not yet settled (1)\n  {open_q}. Why did charges fall in "
            "Rotherham?\n     Asked at the Public Accountability Board, 29 October 2026. Where it stands: No answer "
            "recorded\n     yet\n") in out
    assert "How many hubs are open?" not in out  # answered and assured: settled, not carried
    assert (f"Actions due by it, agreed at earlier meetings (1)\n  {due}. Report on charges (owner ACC Jones)\n     "
            "Open, due by the Public Accountability Board, 17 December 2026; agreed at the Public\n     Accountability "
            'Board, 29 October 2026\n  1 other action agreed at earlier meetings is open, due after it: "pccdash '
            'actions" lists it.\n') in out
    # the pack for that meeting lists the same question and actions
    tables = {t.heading: t for t in pack.tables}
    assert [r[0].split("\n")[0] for r in tables["Asked at the last meeting (Public Accountability Board, 29 "
                                                 "October 2026)"].rows] == ["Why did charges fall in Rotherham?",
                                                                            "How many hubs are open?"]
    assert [r[0] for r in tables["Actions open"].rows] == ["Report on charges", "Victims' feedback"]
    # a meeting held keeps its record as it was: nothing carried to it is added
    shown_held = _run_ok(run_cli, "meetings", "show", str(held.meeting_id), "--db", wh, env=env)
    assert "Carried to it" not in shown_held and "due by it" not in shown_held


def test_meetings_show_of_a_meeting_to_come_gives_the_decisions_due_to_be_looked_at_again_by_it(wh, run_cli):
    """Regression: "pccdash meetings show" of a Board not yet held listed the questions carried to it and the actions
    due by it, but not the Commissioner's decisions due to be looked at again by it, which its pack lists under
    "Decisions due to be looked at again" and the Board takes up."""
    from pipelines.briefing.loop_section import since_last_meeting

    with warehouse.connect(wh, create=False) as con:
        held, to_come, waiting, settled = _a_board_held_and_one_to_come(con)
        on_settled = acc.decide(con, PCC, meeting_id=held.meeting_id, question_id=settled, decision="partly_assured",
                                rationale="Four hubs; a fifth is planned", evidence=[("answer", "ACC Jones")],
                                follow_up="2026-12-17")
        on_waiting = acc.decide(con, PCC, meeting_id=held.meeting_id, question_id=waiting,
                                decision="awaiting_evidence", rationale="The review's findings are needed.",
                                evidence=[], follow_up="2026-11-30")
        on_theme = acc.decide(con, PCC, meeting_id=held.meeting_id, theme="Victim support", decision="partly_assured",
                              rationale="Progress shown.", evidence=[("figures", "The charts")],
                              follow_up="2027-03-31")
        pack = since_last_meeting(con, dt.date(2026, 12, 17))
    env = {"PCCDASH_TODAY": "2026-12-05"}
    out = _run_ok(run_cli, "meetings", "show", str(to_come.meeting_id), "--db", wh, env=env)
    assert (f"Decisions due to be looked at again by it (2)\n  Decision {on_settled}. Question {settled}: How many "
            "hubs are open?\n     Partly assured at the Public Accountability Board, 29 October 2026, by "
            "pcc@example.org: Four\n     hubs; a fifth is planned. To be looked at again by 17 December 2026.\n"
            f"  Decision {on_waiting}. Question {waiting} (above)\n     Awaiting evidence at the Public "
            "Accountability Board, 29 October 2026, by pcc@example.org: The\n     review's findings are needed. To "
            "be looked at again by 30 November 2026 (overdue).\n") in out
    assert f"Decision {on_theme}." not in out.split("Decisions due to be looked at again")[1]  # due after it
    assert out.index("Carried to it") < out.index("Decisions due to be looked at again")
    # the pack for that meeting lists the same decisions to be looked at again
    due = next(t for t in pack.tables if t.heading.startswith("Decisions due to be looked at again"))
    assert [r[1] for r in due.rows] == ["Partly assured", "Awaiting evidence"]
    # a meeting held keeps its record as it was; one to come with none due says so
    assert "looked at again by it" not in _run_ok(run_cli, "meetings", "show", str(held.meeting_id), "--db", wh,
                                                  env=env)
    with warehouse.connect(wh, create=False) as con:
        later = acc.add_meeting(con, PCC, held_on="2027-01-21")
        acc.decide(con, PCC, meeting_id=held.meeting_id, question_id=settled, decision="assured", rationale="Five.",
                   evidence=[("answer", "ACC Jones")])
    out = _run_ok(run_cli, "meetings", "show", str(later.meeting_id), "--db", wh, env=env)
    assert f"Decisions due to be looked at again by it (1)\n  Decision {on_waiting}." in out


def test_meetings_move_past_a_withdrawal_says_to_give_a_day_by_the_withdrawal(wh, run_cli):
    """Regression: a Board refused a move past the withdrawal of a question decided on at it was told "Give another
    day, or put those right first (move first the meeting an action is due by; record the answer as awaited by a
    later day)", which puts nothing right: a withdrawal, like what was done at the Board, keeps its day."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        question = acc.ask(con, PCC, first.meeting_id, "Why did charges fall?")
        other = acc.ask(con, PCC, first.meeting_id, "How many hubs are open?")
        acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=question, decision="not_assured",
                   rationale="The review has not reported.", evidence=[("answer", "The force's answer")])
        acc.record_answer(con, PCC, other, body="Four.", answered_by="ACC Jones", answered_on="2015-09-17",
                          meeting_id=second.meeting_id)
        acc.withdraw_question(con, PCC, question, reason="Overtaken", on="2015-09-22")
        acc.withdraw_question(con, PCC, other, reason="Put by mistake", on="2015-09-20")
    result = run_cli("meetings", "move", str(second.meeting_id), "--to", "2015-09-24", "--reason", "Put back a week",
                     "--db", wh, "--as", "analyst@example.org")
    assert result.exit_code == 1 and "Traceback" not in result.stderr + result.stdout
    assert " ".join(result.stderr.split()) == (
        f"Error: The {second.label} cannot move to 24 September 2015: question {question}, decided on at it, was "
        f"withdrawn on 22 September 2015; question {other}, answered at it, was withdrawn on 20 September 2015. What "
        "was done at it on a question came by the day the question was withdrawn: give a day no later than 20 "
        "September 2015.")
    with warehouse.connect(wh, create=False) as con:
        assert acc.get_meeting(con, second.meeting_id).held_on == second.held_on
    _run_ok(run_cli, "meetings", "move", str(second.meeting_id), "--to", "2015-09-20", "--reason", "Put back",
            "--db", wh, "--as", "analyst@example.org")
