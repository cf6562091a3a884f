"""An office's year, month after month from the demo warehouse, lived through once per test session: every
cycle from the force's return to the public page, through a late return, a refused one resent under another
name and format, a correction to a published month, a plan that lapses and its successor, approvals, an
out-of-order and a withdrawn publication. Each step asserts as it goes.

The scenario drives the same functions the commands and pages use (the `pccdash` commands in-process, the
library functions the pages' buttons call, and the pages themselves through AppTest). The session fixture
`office_year` (tests/conftest.py) runs it; tests/test_office_year.py and the browser tests read its end state.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from dashboard_helpers import INTERNAL, PUBLIC, claims_of, html_tables, texts
from helpers import write_xlsx
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from pipelines import accountability as acc
from pipelines import audit, public, warehouse
from pipelines import inbox as public_inbox
from pipelines.accountability import moderation
from pipelines.accountability.release import release
from pipelines.briefing import archive
from pipelines.briefing.questions import draft_questions
from pipelines.catalogue import force, reference_dir
from pipelines.figures import current_figures, plan_figures
from pipelines.flags import answer_flag, assign_flag, await_force, flags, raise_flag, resolve_flags
from pipelines.ingest.preview import accept, preview
from pipelines.plan import PlanAnalytics
from pipelines.plan.config import plans_from_dict
from pipelines.publish.approval import approve, open_errors
from pipelines.publish.snapshot import preview_publication, publish, withdraw
from pipelines.resubmission import supersede
from pipelines.return_calendar import incomplete_notices

PCC = audit.app_actor(claims_of("pcc@example.org", name="The Commissioner"))
ANALYST = audit.app_actor(claims_of("analyst@example.org"))
MONTHS = [f"{y}-{m:02d}" for y, m in [(2026, m) for m in range(4, 13)] + [(2027, m) for m in range(1, 6)]]
LATE, OUT_OF_ORDER, REFUSED = "2026-07", "2026-08", "2026-09"   # late; published before LATE; refused then resent
CORRECTED, BROKEN, WITHDRAWN = "2026-05", "2026-12", "2027-01"  # corrected after publication; a stray file; withdrawn
SUCCESSOR_FROM = "2026-06"  # the plan lapses after March 2026; its successor is adopted two months later
TRACEBACK = re.compile(r"Traceback|File \"/|Error: |Exception")


def month_after(month: str) -> dt.date:
    y, m = map(int, month.split("-"))
    return dt.date(y + m // 12, m % 12 + 1, 1)


def figures_for(month: str, rng: random.Random) -> dict[tuple[str, str], float]:
    """A plausible month: (district, measure) -> value, consistent as the contract asks (parts within wholes,
    the percentage rebuilt from its numerator and denominator)."""
    out: dict[tuple[str, str], float] = {}
    base = {"cawn_issued": 2, "cce_referrals": 14, "cse_arrests": 9, "cse_charges": 2, "cse_live_investigations": 30,
            "cse_referrals": 18, "online_grooming_offences": 9, "rcrp_mental_health_incidents": 420,
            "shpo_sro_issued": 3, "victims_supported": 18, "officer_headcount": 780}
    for district in force().districts:
        for measure, level in base.items():
            out[district, measure] = max(0, int(round(rng.gauss(level, max(1.0, level ** 0.5)))))
        out[district, "grooming_arrests"] = rng.randint(0, out[district, "cse_arrests"])
        out[district, "officers_trained"] = int(out[district, "officer_headcount"] * rng.uniform(0.9, 0.98))
        out[district, "officers_trained_pct"] = round(
            100 * out[district, "officers_trained"] / out[district, "officer_headcount"], 1)
    return out


def long_csv(path: Path, month: str, figs: dict, *, misspell: str | None = None) -> Path:
    lines = ["period,district,measure,value"]
    for (district, measure), value in sorted(figs.items()):
        shown = misspell if (misspell and district == "Rotherham") else district
        lines.append(f"{month},{shown},{measure},{value:g}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wide_xlsx(path: Path, month: str, figs: dict) -> Path:
    districts = force().districts
    measures = sorted({m for _, m in figs})
    sheets = {m: [["Period", *districts], [month, *[figs[d, m] for d in districts]]] for m in measures}
    return write_xlsx(path, sheets)


class Office:
    """The office's world for the scenario: its folders, the figures sent so far, the actions done."""

    def __init__(self, tmp: Path, run_cli, monkeypatch):
        self.tmp, self.run_cli, self.mp = tmp, run_cli, monkeypatch
        self.db = tmp / "wh.duckdb"
        self.published = tmp / "published"
        self.returns = tmp / "returns"
        self.returns.mkdir()
        self.ref = tmp / "reference"
        shutil.copytree(reference_dir(), self.ref)
        monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(self.ref))
        monkeypatch.setenv("PCCDASH_DB", str(self.db))
        monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(self.published))
        self.inbox = tmp / "inbox"
        monkeypatch.setenv("PCCDASH_INBOX_DIR", str(self.inbox))
        self.sent: dict[tuple[str, str, str], float] = {}   # (period, district, measure) -> latest accepted value
        self.done: dict[str, int] = {}                      # audit action -> how many the scenario did
        self.published_months: set[str] = set()
        self.approved: set[str] = set()
        self.months = list(MONTHS)
        self.loop: dict = {"meetings": [], "asked": {}, "released": 0}  # what the office put to the Board, by meeting

    def did(self, action: str, n: int = 1) -> None:
        self.done[action] = self.done.get(action, 0) + n

    def today(self, day: dt.date) -> None:
        self.mp.setenv("PCCDASH_TODAY", day.isoformat())

    def ingest(self, path: Path, month: str, figs: dict | None) -> str:
        result = self.run_cli("ingest", path)
        out = result.output
        assert not TRACEBACK.search(result.stdout), out
        if figs is not None:
            assert result.exit_code == 0, out
            for (district, measure), value in figs.items():
                self.sent[month, district, measure] = float(value)
        else:
            assert result.exit_code == 1 and "Refused" in out, out
        return out

    def write(self, fn, *args, **kwargs):
        with warehouse.connect(self.db) as con:
            return fn(con, *args, **kwargs)

    def read(self, fn, *args, **kwargs):
        with warehouse.connect_read_only(self.db) as con:
            return fn(con, *args, **kwargs)

    def approve(self, months: list[str]) -> None:
        self.write(approve, months, PCC)
        self.approved |= set(months)
        self.did("approve", len(months))

    def publish(self) -> None:
        preview = self.read(preview_publication, self.published)
        assert preview.problem is None, preview.problem
        self.write(publish, PCC, self.published, expected=preview.fingerprint)
        self.published_months = set(preview.months)
        self.did("publish")


def page(at_file: str, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(at_file, default_timeout=120)
    if user is not None:
        at.user = dict(user)
    at.run()
    return at


BRIEFING = "internal_pages/briefing.py"  # the overview: the page the internal app opens on


def internal_pages(*paths: str) -> Iterator[tuple[str, AppTest]]:
    """The internal app signed in as the Commissioner, then each of `paths` in turn, as the office reads them one
    after another: (path, the app showing that page). Each page is one run of its script; the app opens on the
    overview, so a first path that is the overview is that first run."""
    at = page(INTERNAL, claims_of("pcc@example.org", name="The Commissioner"))
    for n, path in enumerate(paths):
        if n or path != BRIEFING:
            at.switch_page(path).run()
        yield path, at


def assert_clean(at: AppTest, where: str) -> str:
    assert not at.exception, (where, at.exception)
    shown = texts(at)
    assert not TRACEBACK.search(shown), (where, shown[:2000])
    assert not [e.value for e in at.error], (where, [e.value for e in at.error])
    return shown


def month_words(month: str) -> str:
    return pd.Timestamp(f"{month}-01").strftime("%B %Y")


def public_months() -> set[str]:
    return set(public.read("SELECT DISTINCT period FROM figure WHERE period_type = 'month'")["period"])


def public_reads_only_published(office: Office) -> None:
    """Every public page runs clean, and names no month that is not published."""
    at = page(PUBLIC)
    for path in ("public_pages/summary.py", "public_pages/tables.py"):
        at.switch_page(path).run()
        # dates of publication and revision ("Published 2 December 2026") are days, not the months published; a
        # withdrawal's notice names the months the publication withdrawn had published, which were public then, and
        # says whether they were published again since
        shown = re.sub(r"Publication \d+ of .*? withdrawn on ", "", assert_clean(at, path))
        shown = re.sub(r"Since the withdrawal, [^\n]*", "", shown)
        shown = re.sub(r"\b\d{1,2} [A-Z][a-z]+ \d{4}", "", shown)
        for month in MONTHS:
            if month not in office.published_months:
                assert month_words(month) not in shown, (path, month)
    assert public_months() == office.published_months


SENDER = ("Jo Bloggs", "jo.bloggs@example.net")  # a member of the public's name and contact: never published


def keep_the_loop(office: Office, i: int, meeting: dt.date) -> None:
    """One Board of the year: it opens with what its predecessor left (asserted against what the office did),
    then the office records what came back and what it puts to the force. The first Board's questions are carried
    through the next three: answered or awaited (then overdue), decided on, approved for publication; its action
    is overdue, closed, said once as closed, then dropped; a question from the public is sent, moderated, answered,
    decided on and published."""
    state = office.loop
    board = office.write(acc.add_meeting, PCC, held_on=meeting)
    office.did("meeting")
    analytics = PlanAnalytics(office.read(plan_figures))
    opened = office.read(acc.carried_forward, meeting, analytics=analytics, month=board.reporting_month)
    if state["meetings"]:
        assert opened.previous == state["meetings"][-1]
        assert [c.question.question_id for c in opened.asked_last_time] == state["asked"][opened.previous.meeting_id]
    else:
        assert opened.previous is None and opened.empty
    state["meetings"].append(board)
    action = state.get("action")
    open_now = [a.action_id for a in opened.open_actions + opened.overdue_actions]
    if i == 0:
        drafted = draft_questions(analytics.status(board.reporting_month), limit=2)
        asked = [office.write(acc.ask, ANALYST, board.meeting_id, d.text, source="drafted", measure=d.measure_id,
                              area=d.areas[0], period=board.reporting_month,
                              figures=acc.figures_for(analytics, d.measure_id, d.areas[0], board.reporting_month))
                 for d in drafted]
        asked.append(office.write(acc.ask, PCC, board.meeting_id, "How many CSE investigations are waiting for a "
                                  "charging decision?", measure="cse_live_investigations", area="Sheffield",
                                  period=board.reporting_month, figures=acc.figures_for(
                                      analytics, "cse_live_investigations", "Sheffield", board.reporting_month)))
        state["asked"][board.meeting_id] = asked
        state["action"] = office.write(acc.add_action, PCC, meeting_id=board.meeting_id,
                                       body="Report on the time from arrest to charge", owner="ACC Crime",
                                       due_on=meeting + dt.timedelta(days=45))
        office.did("ask", len(asked))
        office.did("action")
        # a member of the public sends a question for the next Board
        assert public_inbox.submit("When will the force say how many cases were reopened?", *SENDER,
                                   session="visitor-1")
    elif i == 1:
        first = state["asked"][state["meetings"][0].meeting_id]
        q1, q_last = first[0], first[-1]
        assert [c.question.where(meeting) for c in opened.asked_last_time] == ["No answer recorded yet"] * len(first)
        assert [c.then for c in opened.asked_last_time] == [acc.figures_line(q.figures, q.measure) for q in
                                                            office.read(acc.questions, state["meetings"][0].meeting_id)]
        assert open_now == [action] and not opened.overdue_actions
        assert office.write(moderation.import_inbox, ANALYST) == 1
        (sent,) = office.read(moderation.pending)
        state["public_q"] = office.write(moderation.accept, ANALYST, sent.submission_id, meeting_id=board.meeting_id,
                                         edited_body="When will the force say how many cases were reopened, "
                                                     "and by district?")
        state["asked"][board.meeting_id] = [state["public_q"]]
        office.today(meeting)  # what was said at the Board is recorded on its day, not before
        office.write(acc.record_answer, ANALYST, q1, body="A review of the cases is under way.",
                     answered_by="ACC Crime", answered_on=meeting)
        office.write(acc.await_answer, ANALYST, q_last, awaited_by=meeting + dt.timedelta(days=10))
        decision = office.write(acc.decide, PCC, meeting_id=board.meeting_id, question_id=q1,
                                decision="partly_assured", rationale="The review is credible; its results are awaited.",
                                evidence=[("answer", "ACC Crime's answer at the Board"), ("figures", "The charts")])
        state["released"] += bool(office.write(release, PCC, "decision", decision))
        office.did("decide")
        office.did("release")
    elif i == 2:
        q_last = state["asked"][state["meetings"][0].meeting_id][-1]
        late = [c for c in opened.still_open if c.question.question_id == q_last]
        assert len(late) == 1 and late[0].question.where(meeting).endswith("(overdue)"), opened.still_open
        assert late[0].then and late[0].now != late[0].then   # the figures then, and now a later month's
        assert [a.action_id for a in opened.overdue_actions] == [action]
        public_q = state["public_q"]
        office.today(meeting)
        answer = office.write(acc.record_answer, ANALYST, public_q, body="The force will publish reopened cases "
                              "by district each quarter from next year.", answered_by="Chief Constable",
                              answered_on=meeting)
        decision = office.write(acc.decide, PCC, meeting_id=board.meeting_id, question_id=public_q,
                                decision="assured", rationale="A date and a format are agreed.",
                                evidence=[("answer", "The Chief Constable's answer")])
        state["released"] += bool(office.write(release, PCC, "answer", answer))
        state["released"] += bool(office.write(release, PCC, "decision", decision))
        closed_on = meeting + dt.timedelta(days=5)
        office.today(closed_on)  # recorded on the day the report came: an update is never dated after today
        office.write(acc.update_action, ANALYST, action, status="closed", note="The report was received.",
                     on=closed_on)
        state["asked"][board.meeting_id] = []
    elif i == 3:
        assert [a.action_id for a in opened.closed_since] == [action] and action not in open_now
    elif state["meetings"]:
        state["asked"].setdefault(board.meeting_id, [])
        assert action not in open_now and action not in [a.action_id for a in opened.closed_since]
    state["asked"].setdefault(board.meeting_id, [])
    if i in (0, 2, 5):  # the loop's pages, as the office reads them
        for path, at in internal_pages("internal_pages/meetings.py", "internal_pages/actions.py",
                                       "internal_pages/public_questions.py"):
            assert_clean(at, f"{path} {meeting}")


def loop_is_public_without_its_sender(office: Office) -> None:
    """What was approved of the loop is in the public snapshot; the sender's name and contact are nowhere in it."""
    snapshot = public.current_snapshot(office.published)
    items = public.read("SELECT * FROM board_item", snapshot=snapshot)
    assert len(items) == office.loop["released"]
    whole = snapshot.read_bytes()
    for detail in SENDER:
        assert detail.encode("utf-8") not in whole
    at = page(PUBLIC)
    at.switch_page("public_pages/board.py").run()
    shown = assert_clean(at, "public board page")
    assert "Partly assured" in shown and "Assured" in shown and "by district" in shown
    assert not any(detail in shown for detail in SENDER)


def live_through_a_year(tmp_path: Path, run_cli, monkeypatch) -> Office:
    """Fourteen monthly cycles from a new demo warehouse in `tmp_path`; returns the office at the end."""
    office = Office(tmp_path, run_cli, monkeypatch)
    office.today(dt.date(2026, 4, 2))
    built = run_cli("demo", "--no-serve", "--db", office.db)
    assert built.exit_code == 0, built.output
    office.published_months = public_months()
    demo_published = set(office.published_months)
    rng = random.Random(2026)
    sheffield_limits_in_force = None
    late_figs = None

    for i, month in enumerate(MONTHS):
        due = month_after(month)
        office.today(due + dt.timedelta(days=11))   # past the return's due day
        meeting = due + dt.timedelta(days=19)
        figs = figures_for(month, rng)

        # --- the force's return -------------------------------------------------------------------------------
        if month == LATE:
            late_figs = figs                               # not sent this month
            notes = office.read(incomplete_notices, dt.date.fromisoformat(f"{month}-01"))
            assert any("overdue" in n for n in notes), notes
        elif month == REFUSED:
            office.ingest(long_csv(office.returns / f"{month}-cse-return.csv", month, figs, misspell="Rotherhm"),
                          month, None)
            assert office.read(open_errors, dt.date.fromisoformat(f"{month}-01"))
            # the analyst uploads the resent return in the app: checked, what it changes, then accepted
            v2 = wide_xlsx(office.returns / f"{month}-cse-return-v2.xlsx", month, figs)
            checked = office.read(preview, [(v2.name, v2.read_bytes())])
            assert [(c.loadable, c.new, c.revised) for c in checked] == [(True, len(figs), 0)], checked[0].errors
            assert [s.file.name for s in checked[0].supersedes] == [f"{month}-cse-return.csv"]
            loaded = office.write(accept, ANALYST, checked, db_path=office.db)
            assert [o.outcome for o in loaded.files] == ["accepted"]
            office.sent.update({(month, d, m): float(v) for (d, m), v in figs.items()})
            office.did("load")
            assert office.read(open_errors, dt.date.fromisoformat(f"{month}-01")) == []
        else:
            office.ingest(long_csv(office.returns / f"{month}-cse-return.csv", month, figs), month, figs)
        if i > 0 and MONTHS[i - 1] == LATE:                # the late return arrives a month late
            office.ingest(long_csv(office.returns / f"{LATE}-cse-return.csv", LATE, late_figs), LATE, late_figs)
        if month == BROKEN:                                 # a file sent in error, withdrawn by the analyst
            bad = office.returns / f"{month}-extra.csv"
            bad.write_text(f"period,district,measure,value\n{month},Barnsley,cse_arrests,many\n", encoding="utf-8")
            office.ingest(bad, month, None)
            office.write(supersede, bad.name, ANALYST, "Sent in error by the force; the real return is loaded.",
                         withdrawn=True)
            office.did("supersede")
        if month == "2026-11":                              # a correction to a month already published
            assert CORRECTED in office.published_months
            fix = office.returns / f"{month}-corrections.csv"
            old = office.sent[CORRECTED, "Sheffield", "cse_referrals"]
            fix.write_text(f"period,district,measure,value,note\n{CORRECTED},Sheffield,cse_referrals,{old + 3:g},"
                           "3 referrals recorded late\n", encoding="utf-8")
            out = office.ingest(fix, CORRECTED, {("Sheffield", "cse_referrals"): old + 3})
            assert f"{old:g}" in out and f"{old + 3:g}" in out   # was and now, shown as it loads

        # --- the plan: lapsed after March 2026, its successor adopted from June 2026 ---------------------------
        if month == SUCCESSOR_FROM:
            plan_file = office.ref / "plan.yaml"
            plans = yaml.safe_load(plan_file.read_text())
            successor = dict(plans["plans"][-1], name="Police and Crime Plan 2026-2030", start="2026-06",
                             end="2030-03", baseline="2025/26")
            plans["plans"].append(successor)
            plan_file.write_text(yaml.safe_dump(plans, sort_keys=False))
        if month == "2026-04":
            figs_now = office.read(plan_figures)
            lapsed = PlanAnalytics(figs_now)
            chart, _ = lapsed.chart("cse_live_investigations", "Sheffield", month)
            raw = yaml.safe_load((office.ref / "plan.yaml").read_text())
            raw["plans"][-1]["end"] = "2027-03"
            in_force = PlanAnalytics(figs_now, plans=plans_from_dict(raw))
            chart_in_force, _ = in_force.chart("cse_live_investigations", "Sheffield", month)
            np.testing.assert_array_equal(chart.upper, chart_in_force.upper)   # a lapse never moves the limits
            np.testing.assert_array_equal(chart.lower, chart_in_force.lower)
            assert len(set(chart.segment.tolist())) > 1                        # the 2014 rebase is kept
            sheffield_limits_in_force = chart_in_force
            assert lapsed.notice(month) and in_force.notice(month) is None

        # --- the analysts' and the office's work in the month ---------------------------------------------------
        if month == "2026-06":
            flag = office.write(raise_flag, ANALYST, scope="figure", reason="Doncaster's arrests look low",
                                period=month, district="Doncaster", measure="cse_arrests")
            office.did("flag")
        if month == "2026-07":                              # worked: given to a colleague, asked of the force
            office.write(assign_flag, ANALYST, flag, "second.analyst@example.org")
            office.write(await_force, ANALYST, flag, "Asked the force to check Doncaster's June arrests.")
            office.did("flag_update", 2)
        if month == "2026-08":                              # the force's next return answers it, then resolved
            office.write(answer_flag, ANALYST, flag, f"{month}-cse-return.csv", "The force resent June's arrests.")
            office.did("flag_update")
            row = office.read(flags, status="answered")
            row = row[row["flag_id"] == flag]
            assert row["assignee"].tolist() == ["second.analyst@example.org"], row
            office.write(resolve_flags, ANALYST, [flag], "The force confirmed the figure.")
            office.did("resolve")
            assert flag not in office.read(flags, status="open")["flag_id"].tolist()

        # --- the meeting's briefing: overview, measure page, pack page, and the pack itself ---------------------
        pages = internal_pages(BRIEFING, "internal_pages/measure.py", "internal_pages/pack.py")
        shown = assert_clean(next(pages)[1], f"overview {month}")
        reported = month if month != LATE else MONTHS[i - 1]
        assert f"Reporting period:** {month_words(reported)}" in shown, shown[:500]
        if month < SUCCESSOR_FROM:
            assert "no Police and Crime Plan is in force" in shown.replace("No Police", "no Police")
        if month == LATE:
            assert "overdue" in shown
        referrals = sum(office.sent[reported, d, "cse_referrals"] for d in force().districts)
        assert f"{referrals:,.0f}" in shown                 # the month's force figure, on the overview
        for path, at in pages:  # the measure page, then the pack page
            assert_clean(at, f"{path} {month}")
        if month in (MONTHS[0], LATE, SUCCESSOR_FROM, MONTHS[-1]):  # a pack in three formats costs ~10 s: four months
            drawn = office.read(archive.draw, meeting, ANALYST)  # as the pack page does: drawn, then kept
            made = office.write(archive.keep, office.db, drawn)
            office.did("produce_pack")
            pack_html = made.contents["html"].decode("utf-8")
            pdf = made.contents["pdf"]
            pack_pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")
            for text in (pack_html, pack_pdf):
                assert month_words(reported) in text and f"{referrals:,.0f}" in text, month
                assert f"12 months to {month_words(reported)}" in text, month  # the headline periods
                assert not TRACEBACK.search(text)
            assert office.read(archive.fetch, office.db, made.pack_id, "pdf")[1] == pdf  # kept unchanged

        # --- the Board meets: what comes back from the last meeting, and what is put to this one ----------------
        keep_the_loop(office, i, meeting)

        # --- approval and publication ---------------------------------------------------------------------------
        to_approve = [month] if month != LATE else []
        if i > 1 and MONTHS[i - 2] == LATE:                # approved the month after it arrived
            to_approve.append(LATE)
        if month == "2026-11":
            to_approve.append(CORRECTED)                    # changed since approval: approved again
        if i > 0 and MONTHS[i - 1] == WITHDRAWN:            # the force checked it: its approval, withdrawn, given again
            to_approve.append(WITHDRAWN)
        if month == OUT_OF_ORDER:
            assert LATE not in office.approved              # published ahead of a month still a draft
        before = set(office.published_months)
        if to_approve:
            office.approve(to_approve)
            office.publish()
        else:                                               # nothing approved: nothing published, no new snapshot
            snapshots = sorted(office.published.glob("snapshot-*.duckdb"))
            assert office.read(preview_publication, office.published).problem
            assert run_cli("publish", "--as", "pcc@example.org", "--yes").exit_code == 1
            assert sorted(office.published.glob("snapshot-*.duckdb")) == snapshots
        if month == WITHDRAWN:
            office.write(withdraw, PCC, "A district's figures were sent twice; withdrawn while the force checks.",
                         office.published)
            office.did("withdraw")
            office.published_months = before
            notice = public.withdrawals(office.published)
            assert len(notice) == 1
        public_reads_only_published(office)
        if month == OUT_OF_ORDER:  # the month left behind is still to come on the public release calendar
            at = page(PUBLIC)
            at.switch_page("public_pages/release_calendar.py").run()
            assert_clean(at, "release calendar")
            [to_come] = [t for t in html_tables(at) if "Planned publication" in t.columns]
            assert "later than planned" in " ".join(to_come.loc[month_words(LATE)].tolist()), to_come

    # --- after the year ------------------------------------------------------------------------------------------
    assert set(MONTHS) <= office.published_months
    assert demo_published <= office.published_months
    assert "2026-01" not in office.published_months          # the ten years of drafts stay out of public

    loop_is_public_without_its_sender(office)

    # every action of the year is in the audit trail
    trail = office.read(audit.events)
    for action, n in office.done.items():
        assert (trail["action"] == action).sum() >= n, (action, n, trail["action"].value_counts().to_dict())
    approvals = trail[trail["action"] == "approve"]
    assert set(approvals["identity"]) == {"pcc@example.org"}
    assert set(trail.loc[trail["subject"].isin(MONTHS) & (trail["action"] == "approve"), "channel"]) == {"app"}

    # the warehouse holds exactly what the accepted files said, the latest file winning
    current = office.read(current_figures)
    current = current[current["period"] >= "2026-04"]
    got = {(r.period, r.district, r.measure): float(r.value) for r in current.itertuples()}
    assert got == office.sent

    # the SPC limits of the lapse months are those of the series, whatever plan was in force
    assert sheffield_limits_in_force is not None
    return office
