"""Every approval, flag, resolution, commentary and question edit leaves one audit record, with the identity, the
time and how it was done, in the same transaction as the change; the command line acts only for identities
access.yaml maps to the operating-system account running it; the audit page and `pccdash audit` list the trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil

import pytest
import yaml
from dashboard_helpers import ANALYST, PCC, claims_of, copy_warehouse, grid_times, internal, texts
from helpers import run_pccdash
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from pipelines import audit, warehouse
from pipelines.access import NotAllowed, command_line_mapping
from pipelines.briefing import save_text
from pipelines.catalogue import reference_dir
from pipelines.errors import ConfigError
from pipelines.flags import raise_flag, resolve_flag
from pipelines.publish.approval import approve
from pipelines.uk_time import uk_day_words, uk_words

APP_PCC = claims_of("pcc@example.org")
APP_ANALYST = claims_of("analyst@example.org")


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


def trail(db) -> list[tuple]:
    with warehouse.connect_read_only(db) as con:
        return con.execute("SELECT identity, channel, os_account, action, subject, detail FROM audit_event "
                           "ORDER BY event_id").fetchall()


def count(db, table: str) -> int:
    with warehouse.connect_read_only(db) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


# ---------------------------------------------------------------------------------------------------
# Each writer leaves exactly one record, with the right identity and channel


def test_each_writer_leaves_one_record_with_who_and_how(wh):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.connect(wh) as con:
        fid = raise_flag(con, APP_ANALYST, scope="figure", reason="Two charges counted twice", period="2015-07",
                         district="Rotherham", measure="cse_charges", blocking=True)
    assert trail(wh) == [("analyst@example.org", "app", None, "flag",
                          f"flag #{fid} on 2015-07 Rotherham cse_charges",
                          "Two charges counted twice (blocks approval)")]
    with warehouse.connect(wh) as con:
        resolve_flag(con, APP_PCC, fid, "Checked with the force: the return was right.")
    assert trail(wh)[1:] == [("pcc@example.org", "app", None, "resolve", f"flag #{fid}",
                              "Checked with the force: the return was right.")]
    with warehouse.connect(wh) as con:
        save_text(con, APP_PCC, period=dt.date(2015, 7, 1), kind="commentary", measure="cse_charges",
                  body="Charges fell in Q4.")
    assert trail(wh)[2:] == [("pcc@example.org", "app", None, "commentary", "2015-07, cse_charges",
                              "Charges fell in Q4.")]
    with warehouse.connect(wh) as con:
        save_text(con, APP_ANALYST, period=dt.date(2015, 7, 1), kind="questions", body="1. Why did charges fall?")
    assert trail(wh)[3:] == [("analyst@example.org", "app", None, "questions", "2015-07",
                              "1. Why did charges fall?")]
    with warehouse.connect(wh) as con:
        approve(con, ["2015-07"], audit.cli_actor("pcc@example.org"))
        n = con.execute("SELECT count(*) FROM figure WHERE period = DATE '2015-07-01'").fetchall()[0][0]
    assert trail(wh)[4:] == [("pcc@example.org", "cli", audit.os_account(), "approve", "2015-07",
                              f"{n:,} figures as they stood")]
    with warehouse.connect_read_only(wh) as con:
        times = [t for (t,) in con.execute("SELECT acted_at FROM audit_event").fetchall()]
    assert all(before <= t <= dt.datetime.now(dt.UTC).replace(tzinfo=None) for t in times)  # UTC, when done


def test_a_month_approved_again_says_when_it_was_approved_before_and_what_was_loaded_for_it_since(run_cli, wh,
                                                                                                   tmp_path):
    """Regression: a month approved, corrected and approved again left two records alike ("96 figures as they
    stood"), so the trail did not say that the second approval took in a correction, nor which."""
    pcc = audit.cli_actor("pcc@example.org")
    with warehouse.connect(wh) as con:
        approve(con, ["2015-08"], pcc)
        assert approve(con, ["2015-08"], pcc) == []  # approved as it stands already: nothing new recorded
        was = con.execute("SELECT value FROM figure WHERE period = DATE '2015-08-01' AND district = 'Rotherham' "
                          "AND measure = 'cse_charges'").fetchall()[0][0]
    fix = tmp_path / "2015-08 resend.csv"
    fix.write_text(f"period,district,measure,value\n2015-08,Rotherham,cse_charges,{int(was) + 1}\n")
    assert run_cli("ingest", fix, "--db", wh).exit_code == 0
    with warehouse.connect(wh) as con:
        approve(con, ["2015-08"], pcc)
        file_id = con.execute("SELECT file_id FROM file_registry WHERE name = ?", [fix.name]).fetchall()[0][0]
    today = uk_day_words(dt.datetime.now(dt.UTC))
    details = [r[5] for r in trail(wh) if r[3] == "approve"]
    assert len(details) == 2 and details[0].endswith("figures as they stood")
    assert details[1].endswith(f"figures as they stood; approved before on {today} by pcc@example.org, since when "
                               f'1 figure was revised (file "2015-08 resend.csv" (#{file_id}))')


def test_pccdash_ingest_records_each_file_loaded_or_refused_with_the_account(run_cli, db, tmp_path):
    """Regression: only the app's uploads were on the trail; a return loaded from the command line left no record."""
    import hashlib

    good = tmp_path / "2015-07-cse-return.csv"
    good.write_text("period,district,measure,value\n2015-07,Rotherham,cse_charges,3\n")
    bad = tmp_path / "2015-08-cse-return.csv"
    bad.write_text("period,district,measure,value\n2015-08,Leeds,cse_charges,3\n")
    assert run_cli("ingest", good, bad, "--db", db).exit_code == 1
    assert run_cli("ingest", good, "--db", db).exit_code == 0  # already loaded: nothing done, nothing recorded
    account = audit.os_account()
    sha = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (good, bad)}
    loads = [r for r in trail(db) if r[3] == "load"]
    assert loads == [
        (account, "cli", account, "load", 'file "2015-07-cse-return.csv" (#1)',
         f"loaded: 1 figure for July 2015, 1 new, 0 revised, 0 unchanged; sha256 {sha[good]}"),
        (account, "cli", account, "load", 'file "2015-08-cse-return.csv" (#2)', f"refused; sha256 {sha[bad]}")]
    out = run_cli("audit", "--db", db, "--action", "load", "--how", "cli").output
    assert out.count("  loaded a file  ") == 1 and out.count("  tried to load a file: the file was refused  ") == 1


def test_a_file_loaded_from_the_command_line_names_the_account_by_its_user_id_not_by_user(run_cli, db, tmp_path,
                                                                                           monkeypatch):
    """Regression: the file registry (the Files loaded page's "Loaded by") took the loading account from $LOGNAME or
    $USER, which whoever runs the command sets, while the audit trail named the account of the process's user id: a
    file loaded as `USER=someone pccdash ingest ...` was listed as loaded by someone."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "someone.else")
    good = tmp_path / "2015-07-cse-return.csv"
    good.write_text("period,district,measure,value\n2015-07,Rotherham,cse_charges,3\n")
    assert run_cli("ingest", good, "--db", db).exit_code == 0
    with warehouse.connect_read_only(db) as con:
        assert con.execute("SELECT loaded_by FROM file_registry").fetchall() == [(audit.os_account(),)]
        assert con.execute("SELECT identity FROM audit_event WHERE action = 'load'").fetchall() == [
            (audit.os_account(),)]


def test_a_corrections_load_record_says_which_figures_it_changed_from_what_to_what(run_cli, db, tmp_path):
    """Regression: a correction's record said only "loaded; sha256 ...", the same as any return's, so the trail could
    not say what a correction changed between a month's first approval and its second."""
    first = tmp_path / "2015-07-cse-return.csv"
    first.write_text("period,district,measure,value\n2015-07,Rotherham,cse_charges,3\n2015-07,Sheffield,cse_charges,4\n"
                     "2015-08,Rotherham,cse_charges,5\n")
    fix = tmp_path / "2015-07-z-corrections.csv"
    fix.write_text("period,district,measure,value,note\n2015-07,Rotherham,cse_charges,2,one charge was counted twice\n"
                   "2015-07,Sheffield,cse_charges,4,\n")
    assert run_cli("ingest", first, "--db", db).exit_code == 0
    assert run_cli("ingest", fix, "--db", db).exit_code == 0
    details = [r[5].split("; sha256 ")[0] for r in trail(db) if r[3] == "load"]
    assert details == ["loaded: 3 figures for July 2015 to August 2015, 3 new, 0 revised, 0 unchanged",
                       "loaded: 2 figures for July 2015, 0 new, 1 revised (CSE charges, Rotherham, July 2015: was 3, "
                       "now 2), 1 unchanged"]
    out = run_cli("audit", "--db", db, "--text", "was 3, now 2").output
    assert "2015-07-z-corrections.csv" in out


def test_pccdash_ingest_records_a_police_uk_file_loaded_or_refused(run_cli, db, tmp_path):
    from helpers import ROOT

    sample = ROOT / "pipelines" / "sample" / "police_uk" / "2017-11-south-yorkshire-street.sample.csv"
    good = tmp_path / sample.name
    good.write_bytes(sample.read_bytes())
    bad = tmp_path / "2017-13-south-yorkshire-street.csv"
    bad.write_text(sample.read_text(encoding="utf-8").replace(",2017-11,", ",2017-13,"), encoding="utf-8")
    assert run_cli("ingest", good, bad, "--db", db).exit_code == 1
    loads = [(r[4].split(" (#")[0], r[5].split(";")[0].split(":")[0]) for r in trail(db) if r[3] == "load"]
    assert loads == [(f'file "{good.name}"', "loaded"), (f'file "{bad.name}"', "refused")]


def test_a_refused_write_leaves_no_record(wh):
    with warehouse.connect(wh) as con:
        with pytest.raises(NotAllowed):
            approve(con, ["2015-07"], APP_ANALYST)  # an analyst may not approve
        with pytest.raises(Exception, match="Say why"):
            raise_flag(con, APP_ANALYST, scope="figure", reason=" ", period="2015-07", district="Rotherham",
                       measure="cse_charges")
    assert trail(wh) == []


def test_a_refused_approval_is_on_the_audit_trail_with_why(run_cli, wh):
    """Regression: an approval the product refused (a blocking flag, an open error) was kept among the month's
    publication events but never reached the audit trail, where a refused load does."""
    with warehouse.connect(wh) as con:
        raise_flag(con, APP_ANALYST, scope="district_month", reason="Duplicate records suspected", period="2015-07",
                   district="Rotherham", blocking=True)
    refused = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert refused.exit_code == 1 and "Not approved" in refused.stderr
    last = trail(wh)[-1]
    assert last[:5] == ("pcc@example.org", "cli", audit.os_account(), "approve", "2015-07")
    assert last[5].startswith("refused: July 2015: ") and "Duplicate records suspected" in last[5]
    listed = run_cli("audit", "--action", "approve", "--format", "csv", "--db", wh).stdout
    assert "tried to approve a month for publication: approval refused,2015-07,refused: July 2015" in listed
    with warehouse.connect_read_only(wh) as con:  # kept among the month's publication events as before
        assert con.execute("SELECT count(*) FROM publication_event WHERE action = 'refused'").fetchall() == [(1,)]


def test_each_approval_and_load_on_the_trail_says_whether_it_was_done_or_refused(run_cli, wh, tmp_path):
    """Regression: the trail read "approved a month for publication (or recorded its refusal)" on an approval and on a
    refused one alike (and a load the same), so a reader had to open the detail to learn which; each row now says,
    read from what is stored, so rows recorded before read the same way."""
    with warehouse.connect(wh) as con:
        raise_flag(con, APP_ANALYST, scope="district_month", reason="Duplicate records suspected", period="2015-07",
                   district="Rotherham", blocking=True)
        # a refusal as the trail has kept it since refusals were first recorded, written before these words
        audit.record(con, audit.cli_actor("pcc@example.org"), "approve", subject="2015-05",
                     detail="refused: May 2015: 1 blocking flag")
    assert run_cli("approve", "2015-06", "--db", wh, "--as", "pcc@example.org").exit_code == 0
    assert run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org").exit_code == 1
    bad = tmp_path / "2015-08-cse-return.csv"
    bad.write_text("period,district,measure,value\n2015-08,Leeds,cse_charges,3\n")
    assert run_cli("ingest", bad, "--db", wh).exit_code == 1
    listed = run_cli("audit", "--action", "approve", "--format", "csv", "--db", wh).stdout
    assert [[row["Action"], row["About"]] for row in csv.DictReader(io.StringIO(listed))] == [
        ["tried to approve a month for publication: approval refused", "2015-07"],
        ["approved a month for publication", "2015-06"],
        ["tried to approve a month for publication: approval refused", "2015-05"]]
    table = run_cli("audit", "--action", "load", "--db", wh).stdout
    assert "tried to load a file: the file was refused" in table
    with warehouse.connect_read_only(wh) as con:  # what is stored is as it was: the action, and the detail that tells
        assert con.execute("SELECT subject, left(detail, 8) FROM audit_event WHERE action = 'approve' "
                           "ORDER BY event_id").fetchall() == [("2015-05", "refused:"), ("2015-06", "48 figur"),
                                                               ("2015-07", "refused:")]


@pytest.mark.parametrize("writer", ["flag", "resolve", "commentary", "approve"])
def test_a_crash_while_recording_leaves_neither_the_change_nor_its_record(wh, monkeypatch, writer):
    """Regression: the writers ran without a transaction, so a failure after the change kept the change."""
    if writer == "resolve":
        with warehouse.connect(wh) as con:
            fid = raise_flag(con, APP_ANALYST, scope="district_month", reason="Late", period="2015-07",
                             district="Barnsley")
    before = {t: count(wh, t) for t in ("figure_flag", "briefing_text", "period_status", "publication_event",
                                        "audit_event")}
    resolved_before = count(wh, "figure_flag WHERE resolved_at IS NOT NULL")

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(audit, "record", crash)
    with warehouse.connect(wh) as con, pytest.raises(RuntimeError):
        if writer == "flag":
            raise_flag(con, APP_ANALYST, scope="district_month", reason="Late", period="2015-07", district="Barnsley")
        elif writer == "resolve":
            resolve_flag(con, APP_ANALYST, fid, "Done")
        elif writer == "commentary":
            save_text(con, APP_PCC, period=dt.date(2015, 7, 1), kind="commentary", measure="cse_charges", body="x")
        else:
            approve(con, ["2015-07"], APP_PCC)
    assert {t: count(wh, t) for t in before} == before
    assert count(wh, "figure_flag WHERE resolved_at IS NOT NULL") == resolved_before


# ---------------------------------------------------------------------------------------------------
# The command line acts only for the identities mapped to its operating-system account


def test_the_command_line_approves_as_a_mapped_identity_recording_cli_and_the_account(run_cli, wh):
    out = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert out.exit_code == 0, out.output
    assert f"Approved by pcc@example.org (account {audit.os_account()}): 2015-07" in out.output
    assert [r[:5] for r in trail(wh)] == [("pcc@example.org", "cli", audit.os_account(), "approve", "2015-07")]


def test_a_month_approved_as_it_stands_is_said_so_and_nothing_new_is_recorded(run_cli, wh, tmp_path):
    """Regression: approving a month already approved, its figures unchanged since, said "Approved" and recorded a
    new approval, as if something had been approved that was not before."""
    assert run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org").exit_code == 0
    with warehouse.connect_read_only(wh) as con:
        [(approved_at,)] = con.execute("SELECT approved_at FROM period_status WHERE period = '2015-07-01'").fetchall()
    again = run_cli("approve", "2015-07", "2015-08", "--db", wh, "--as", "analyst@example.org")
    assert again.exit_code == 1  # only the pcc role approves, whether or not anything would change
    again = run_cli("approve", "2015-07", "2015-08", "--db", wh, "--as", "pcc@example.org")
    assert again.exit_code == 0, again.output
    assert f"Approved by pcc@example.org (account {audit.os_account()}): 2015-08\n" in again.stdout
    assert (f"2015-07 was already approved as it stands, by pcc@example.org on {uk_words(approved_at, 'words')}: its "
            "figures have not changed since, so nothing new was recorded.") in again.stdout
    only = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert "Approved by" not in only.stdout and "already approved as it stands" in only.stdout
    approvals = [r for r in trail(wh) if r[3] == "approve" and "refused" not in r[5]]
    assert [r[4] for r in approvals] == ["2015-07", "2015-08"]
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT count(*) FROM publication_event WHERE action = 'approved'").fetchone() == (2,)
        assert con.execute("SELECT approved_at FROM period_status WHERE period = '2015-07-01'").fetchall() == [
            (approved_at,)]
    with warehouse.connect(wh) as con:  # changed since: approved again, as now
        was = con.execute("SELECT value FROM figure WHERE period = DATE '2015-07-01' AND district = 'Rotherham' "
                          "AND measure = 'cse_charges'").fetchall()[0][0]
    fix = tmp_path / "2015-07 resend.csv"
    fix.write_text(f"period,district,measure,value\n2015-07,Rotherham,cse_charges,{int(was) + 1}\n")
    assert run_cli("ingest", fix, "--db", wh).exit_code == 0
    changed = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert f"Approved by pcc@example.org (account {audit.os_account()}): 2015-07" in changed.stdout
    assert "already approved" not in changed.stdout


def test_a_reason_given_to_a_month_approved_as_it_stands_is_said_kept(run_cli, wh):
    """Regression: "pccdash approve 2015-07 --reason TEXT" of a month approved as it stands (as "pccdash publish"
    says to do when an approval's reason cannot be published) kept the reason with the approval, and on the audit
    trail, but said "nothing new was recorded"."""
    reason = "The force corrected Rotherham's charges."
    assert run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org").exit_code == 0
    given = run_cli("approve", "2015-07", "--reason", reason, "--db", wh, "--as", "pcc@example.org")
    assert given.exit_code == 0, given.output
    said = " ".join(given.stdout.split())
    assert said.endswith("its figures have not changed since, so it stays approved as it was, and the reason for the "
                         "public given is now kept with that approval (the audit trail says so)."), said
    assert "nothing new was recorded" not in said
    assert trail(wh)[-1][3:] == ("approve", "2015-07",
                                 f"reason for the public given to the approval in force: {reason}")
    again = run_cli("approve", "2015-07", "--reason", reason, "--db", wh, "--as", "pcc@example.org")
    assert "its figures have not changed since, so nothing new was recorded." in again.stdout  # the same reason
    assert len([r for r in trail(wh) if r[3] == "approve"]) == 2


def test_the_command_line_refuses_an_identity_not_mapped_to_its_account(run_cli, wh):
    out = run_cli("approve", "2015-07", "--db", wh, "--as", "someone.else@example.org")
    assert out.exit_code == 1
    assert (f'The account "{audit.os_account()}" may not act as "someone.else@example.org" from the command line'
            in out.output)
    assert f'list it under command_line: {audit.os_account()}: in "{reference_dir() / "access.yaml"}"' in out.output
    assert "Traceback" not in out.output
    assert trail(wh) == [] and count(wh, "period_status") == 0


def test_an_identity_the_account_may_not_act_as_is_refused_naming_those_it_may(run_cli, wh, access_file):
    """A mistyped --as ("pcc@exmaple.org") was refused with only the advice to list it in access.yaml."""
    access_file({audit.os_account(): ["pcc@example.org", "analyst@example.org"]})
    out = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@exmaple.org")
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert (f'The account "{audit.os_account()}" may not act as "pcc@exmaple.org" from the command line; it may act '
            "as analyst@example.org, pcc@example.org. Give one of those, or list it under command_line: "
            f"{audit.os_account()}: in") in " ".join(out.output.split())
    access_file({})
    out = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert "from the command line: list it under command_line" in " ".join(out.output.split())
    assert trail(wh) == [] and count(wh, "period_status") == 0


@pytest.fixture
def access_file(tmp_path, monkeypatch, command_line_reference):
    """A copy of the reference folder in use, and a function writing its access.yaml's command_line."""
    folder = tmp_path / "reference"
    shutil.copytree(command_line_reference, folder)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))

    def write(mapping) -> None:
        data = yaml.safe_load((folder / "access.yaml").read_text())
        data["command_line"] = mapping
        (folder / "access.yaml").write_text(yaml.safe_dump(data, sort_keys=False))

    return write


def test_another_accounts_mapping_and_a_spoofed_user_variable_do_not_let_this_account_act(
        run_cli, wh, access_file, monkeypatch):
    access_file({"somebody-else": ["pcc@example.org"]})
    for var in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(var, "somebody-else")
    out = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert out.exit_code == 1 and "may not act as" in out.output
    with pytest.raises(NotAllowed):
        audit.cli_actor("pcc@example.org")
    assert trail(wh) == []


def test_the_publish_command_refuses_an_unmapped_identity_before_opening_anything(run_cli, tmp_path):
    missing = tmp_path / "no-such.duckdb"
    out = run_cli("publish", "--db", missing, "--as", "someone.else@example.org")
    assert out.exit_code == 1 and "may not act as" in out.output
    assert not missing.exists()


def test_the_identity_is_matched_whatever_its_case_and_recorded_as_listed(run_cli, wh):
    assert run_cli("approve", "2015-07", "--db", wh, "--as", "PCC@Example.org").exit_code == 0
    assert trail(wh)[0][0] == "pcc@example.org"


@pytest.mark.parametrize("mapping, where", [
    (["pcc@example.org"], "command_line: should map each operating-system account"),
    ({"root": {"email": "pcc@example.org"}}, 'account "root": list the identities'),
    ({"root": []}, 'account "root": list the identities'),
    ({"root": ["pcc@example.org", 3]}, "3 is not an identity"),
    ({1001: ["pcc@example.org"]}, "quote a name made of digits"),
])
def test_a_malformed_command_line_mapping_is_refused_naming_access_yaml_and_the_line(access_file, mapping, where,
                                                                                      run_cli, wh):
    access_file(mapping)
    with pytest.raises(ConfigError) as err:
        command_line_mapping()
    message = str(err.value)
    assert "access.yaml, line " in message and where in message
    line = int(message.split("line ")[1].split(":")[0])
    text = (reference_dir() / "access.yaml").read_text().splitlines()[line - 1]
    assert text.startswith("command_line:") or text.strip().startswith(str(next(iter(mapping), "")))
    out = run_cli("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert out.exit_code == 1 and "access.yaml, line" in out.output and "Traceback" not in out.output


def test_a_single_identity_may_stand_alone_and_no_mapping_lets_no_one_act(access_file):
    access_file({audit.os_account(): "pcc@example.org"})
    assert audit.cli_actor("pcc@example.org").identity == "pcc@example.org"
    access_file(None)
    with pytest.raises(NotAllowed):
        audit.cli_actor("pcc@example.org")


@pytest.mark.slow
def test_a_pccdash_process_acts_for_the_identity_mapped_to_its_account(wh):
    """The mapping reaches commands run as their own process, as a person at a terminal runs them."""
    done = run_pccdash("approve", "2015-07", "--db", wh, "--as", "pcc@example.org")
    assert done.returncode == 0, done.stderr
    refused = run_pccdash("approve", "2015-08", "--db", wh, "--as", "nobody@example.org")
    assert refused.returncode == 1 and "may not act as" in refused.stderr
    assert [r[:4] for r in trail(wh)] == [("pcc@example.org", "cli", audit.os_account(), "approve")]


def test_the_demo_publishes_its_months_as_the_program_itself(wh, tmp_path, monkeypatch):
    from pipelines.cli import _publish_demo_months
    from pipelines.sample_data import DEMO_PUBLISHED_MONTHS

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    _publish_demo_months(wh)
    approvals = [r for r in trail(wh) if r[3] == "approve"]
    assert [r[4] for r in approvals] == list(DEMO_PUBLISHED_MONTHS)
    assert {r[:3] for r in approvals} == {("pcc@example.org", "system", audit.os_account())}


# ---------------------------------------------------------------------------------------------------
# Reading the trail: the audit page and `pccdash audit`


@pytest.fixture
def acted(wh, monkeypatch):
    """A trail: an analyst flagged in March 2026 (with a reason a spreadsheet would run as a formula), the PCC
    wrote a commentary in April 2026 in the app, and approved a month from the command line just now."""
    with warehouse.connect(wh) as con:
        with monkeypatch.context() as m:
            m.setattr(audit, "utc_now", lambda: dt.datetime(2026, 3, 2, 10, 0))
            raise_flag(con, APP_ANALYST, scope="district_month", reason="=HYPERLINK(\"http://x\",\"late\")",
                       period="2015-07", district="Barnsley")
            m.setattr(audit, "utc_now", lambda: dt.datetime(2026, 4, 15, 9, 30))
            save_text(con, APP_PCC, period=dt.date(2015, 7, 1), kind="commentary", measure="cse_charges",
                      body="Charges fell in Q4.")
        approve(con, ["2015-06"], audit.cli_actor("pcc@example.org"))
    return wh


def test_the_audit_page_lists_the_trail_newest_first_with_filters(monkeypatch, acted):
    at = internal(monkeypatch, acted, "internal_pages/audit.py", ANALYST)
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["When", "Who", "How", "Action", "About", "Detail"]
    assert list(table["Action"]) == ["approved a month for publication", "wrote a commentary", "raised a flag"]
    assert table["How"][0] == f"on the command line (account {audit.os_account()})"
    assert table["How"][2] == "in the app, signed in"
    when = grid_times(at.dataframe[0], "When")  # UK time, naming the clock, as a sentence writes it
    assert when[0].endswith((" GMT", " BST"))

    at.selectbox(key="audit_action").select("flag").run()
    assert list(at.dataframe[0].value["Who"]) == ["analyst@example.org"]
    at.selectbox(key="audit_action").select(None).run()
    at.selectbox(key="audit_identity").select("pcc@example.org").run()
    assert list(at.dataframe[0].value["About"]) == ["June 2015", "July 2015, CSE charges"]  # months in words
    at.selectbox(key="audit_channel").select("cli").run()
    assert list(at.dataframe[0].value["About"]) == ["June 2015"]
    at.selectbox(key="audit_channel").select(None).run()
    at.text_input(key="audit_text").input("q4").run()
    assert list(at.dataframe[0].value["Detail"]) == ["Charges fell in Q4."]
    at.text_input(key="audit_text").input("").run()
    at.selectbox(key="audit_identity").select(None).run()
    assert when[2] == "2 March 2026 at 10:00 GMT"  # 10:00 UTC in winter
    assert when[1] == "15 April 2026 at 10:30 BST"  # 09:30 UTC in summer: 10:30 in England
    at.date_input(key="audit_days").set_value((dt.date(2026, 3, 2), dt.date(2026, 4, 15))).run()
    assert list(at.dataframe[0].value["Action"]) == ["wrote a commentary", "raised a flag"]
    at.date_input(key="audit_days").set_value((dt.date(2026, 3, 3), dt.date(2026, 4, 14))).run()
    assert not at.dataframe and "No record matches" in texts(at)


def test_what_a_record_was_about_names_its_months_and_days_in_words():
    assert audit.about_words("2027-05") == "May 2027"
    assert audit.about_words("2015-07, cse_charges") == "July 2015, cse_charges"
    assert audit.about_words("pack 3 for the meeting of 2026-12-10") == "pack 3 for the meeting of 10 December 2026"
    assert audit.about_words('file "2015-13 x.csv" (#2)') == 'file "2015-13 x.csv" (#2)'  # no month 13
    assert audit.about_words('file "2015-06 arrests.csv" (#2)') == 'file "2015-06 arrests.csv" (#2)'  # as named


def test_the_audit_download_holds_the_rows_shown_with_formulas_neutralised(monkeypatch, acted):
    served: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        served.append(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    at = internal(monkeypatch, acted, "internal_pages/audit.py", PCC)
    at.selectbox(key="audit_action").select("flag").run()
    assert at.get("download_button")[0].proto.label == "Download CSV"
    csv = served[-1].decode("utf-8").splitlines()
    assert csv[0] == "When,Who,How,Action,About,Detail"
    assert len(csv) == 2 and ",analyst@example.org,\"in the app, signed in\",raised a flag," in csv[1]
    assert csv[1].startswith("2026-03-02 10:00:00 UTC,")  # the download keeps the stored time, in UTC
    assert csv[1].endswith('"\'=HYPERLINK(""http://x"",""late"")"')  # text, not a formula, in a spreadsheet


def test_the_audit_page_says_the_trail_holds_loads_packs_and_the_accountability_loop(monkeypatch, acted):
    """Regression: the page said the trail held "every approval, publication, withdrawal, flag, resolution,
    commentary, question edit and supersession", and an auditor read it as holding nothing else, where it holds
    every return loaded, every pack produced and every record of the loop too."""
    shown = texts(internal(monkeypatch, acted, "internal_pages/audit.py", ANALYST))
    for words in ("Every return loaded or refused", "briefing pack produced", "meetings recorded, moved or cancelled",
                  "answers, decisions, actions and their due dates", "approvals of items for publication"):
        assert words in shown, words


def test_the_audit_page_says_when_nothing_is_recorded_yet(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/audit.py", PCC)
    assert not at.exception and "Nothing has been recorded yet" in texts(at)


def test_pccdash_audit_prints_the_trail_with_filters_and_as_csv(run_cli, acted):
    out = run_cli("audit", "--db", acted)
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert lines[0].split()[:3] == ["When", "Who", "How"]
    assert "approved a month for publication" in lines[1] and "raised a flag" in lines[3]
    assert "2026-04-15 10:30:00 BST" in lines[2] and "2026-03-02 10:00:00 GMT" in lines[3]  # UK time, as read
    assert "UTC" not in out.output
    # each column read from the left: every row's Who, How and Action start under their headings
    for heading in ("Who", "How", "Action"):
        at = lines[0].index(heading)
        assert all(line[at - 2:at] == "  " and line[at] != " " for line in lines[1:]), (heading, lines)
    assert all(line == line.rstrip() for line in lines)
    out = run_cli("audit", "--db", acted, "--action", "approve", "--format", "csv")
    assert out.output.splitlines()[1].split(",")[1] == "pcc@example.org"
    assert len(out.output.splitlines()) == 2
    assert "No audit records match." in run_cli("audit", "--db", acted, "--to", "2026-03-01").output
    out = run_cli("audit", "--db", acted, "--from", "2026-03", "--to", "2026-04", "--how", "app", "--format", "csv")
    assert [line.split(",")[0] for line in out.output.splitlines()[1:]] == ["2026-04-15 09:30:00 UTC",
                                                                           "2026-03-02 10:00:00 UTC"]
    out = run_cli("audit", "--db", acted, "--to", "2026-03", "--format", "csv")
    assert out.output.splitlines()[1].endswith('"\'=HYPERLINK(""http://x"",""late"")"')
    out = run_cli("audit", "--db", acted, "--action", "approved")
    assert out.exit_code == 1 and '"approved" is not an action' in out.output
    out = run_cli("audit", "--db", acted, "--from", "yesterday")
    assert out.exit_code == 1 and "YYYY-MM-DD" in out.output


def test_the_trail_is_read_and_narrowed_in_days_and_times_in_england(run_cli, acted, monkeypatch):
    """The trail stores UTC and said it: a flag raised at 23:30 UTC on a summer evening read "2026-06-30 23:30:00
    UTC" and was found under 30 June, where the office, on British Summer Time, raised it at 00:30 on 1 July."""
    with warehouse.connect(acted) as con, monkeypatch.context() as m:
        m.setattr(audit, "utc_now", lambda: dt.datetime(2026, 6, 30, 23, 30))
        raise_flag(con, APP_ANALYST, scope="district_month", reason="late", period="2015-07", district="Rotherham")
    out = run_cli("audit", "--db", acted, "--action", "flag")
    assert out.exit_code == 0
    assert out.output.splitlines()[1].startswith("2026-07-01 00:30:00 BST")
    assert "2026-03-02 10:00:00 GMT" in out.output.splitlines()[2]
    july = run_cli("audit", "--db", acted, "--action", "flag", "--from", "2026-07-01", "--to", "2026-07-01")
    assert len(july.output.splitlines()) == 2 and "2026-07-01 00:30:00 BST" in july.output
    assert "2026-07-01" not in run_cli("audit", "--db", acted, "--action", "flag", "--from", "2026-06-30",
                                       "--to", "2026-06-30").output
    # the CSV keeps the stored time, in UTC
    csv = run_cli("audit", "--db", acted, "--action", "flag", "--format", "csv").output.splitlines()
    assert csv[1].startswith("2026-06-30 23:30:00 UTC,")
    with warehouse.connect_read_only(acted) as con:  # and the trail stores it as it was, in UTC
        assert con.execute("SELECT max(acted_at) FROM audit_event WHERE action = 'flag'").fetchall() == [
            (dt.datetime(2026, 6, 30, 23, 30),)]


def test_the_trail_narrowed_to_an_item_by_its_number_holds_that_item_and_not_those_whose_number_begins_with_it(
        run_cli, wh):
    """Regression: over a year "meeting 1" also found meetings 10 to 13 and "flag #1" flags #10 and on, so an
    auditor asking for one meeting's or one flag's record was given others' mixed in."""
    with warehouse.connect(wh) as con:
        for i in range(1, 13):
            raise_flag(con, APP_ANALYST, scope="district_month", reason=f"check {i}", period="2015-07",
                       district="Rotherham")
        resolve_flag(con, APP_PCC, 1, "Figures confirmed, see flag #12 for the rest")
    out = list(csv.reader(io.StringIO(run_cli("audit", "--db", wh, "--text", "flag #1", "--format", "csv").output)))
    assert [row[3:5] for row in out[1:]] == [["resolved a flag", "flag #1"],
                                                          ["raised a flag", "flag #1 on 2015-07 Rotherham"]]
    out = run_cli("audit", "--db", wh, "--text", "FLAG #12", "--format", "csv").output.splitlines()
    assert len(out) == 3  # flag #12 raised, and the resolution of flag #1 that names it
    assert len(run_cli("audit", "--db", wh, "--text", "flag #", "--format", "csv").output.splitlines()) == 14
    assert len(run_cli("audit", "--db", wh, "--text", "2015-07 Rot", "--format", "csv").output.splitlines()) == 13
    with warehouse.connect_read_only(wh) as con:  # any other text is found wherever it is: a month begun, a hash
        assert len(audit.events(con, text="check 1")) == 1 and len(audit.events(con, text="heck 1")) == 1
        assert len(audit.events(con, text="2015-07")) == 12 and len(audit.events(con, text="2015-0")) == 12
        assert len(audit.events(con, text="1")) == 13 and len(audit.events(con, text="#1")) == 2


def test_pccdash_audit_shows_a_long_detail_on_one_short_line_and_the_csv_keeps_it_whole(run_cli, acted):
    """Regression: one event's detail of many lines and 2,000 characters made every line of the table as wide."""
    detail = "spc_history.yaml changed:\n" + "\n".join(f"  CSE charges rebased at month {i}" for i in range(80))
    with warehouse.connect(acted) as con, audit.transaction(con):
        audit.record(con, audit.system_actor("pccdash"), "spc_history", subject="spc_history.yaml", detail=detail)
    lines = run_cli("audit", "--db", acted).output.splitlines()
    assert len(lines) == 5  # the heading and one line for each of the four events
    assert max(len(line) for line in lines) < 400
    assert lines[1].endswith(" spc_history.yaml changed: CSE charges rebased at month 0 CSE charges rebased at \u2026")
    out = run_cli("audit", "--db", acted, "--action", "spc_history", "--format", "csv").output
    assert "CSE charges rebased at month 79" in out and out.count("\n") > 80


def test_pccdash_check_names_access_yaml_the_line_and_the_fix(access_file, run_cli):
    access_file({"root": {"email": "pcc@example.org"}})
    out = run_cli("check")
    assert out.exit_code == 1
    problem = next(line for line in out.output.splitlines() if "access.yaml" in line)
    line = int(problem.split("line ")[1].split(":")[0])
    assert (reference_dir() / "access.yaml").read_text().splitlines()[line - 1].startswith("  root:")
    assert "list the identities it may act as" in problem


@pytest.mark.parametrize("roles, said", [
    ({"pcc": {"emails": ["pcc@example.org"]}, "auditor": {"emails": ["a@example.org"]}},
     '"auditor" is not a role; the roles are pcc, analyst'),
    ({"pcc": {"emails": "pcc@example.org"}}, "emails should be a list"),
    ({"pcc": {"email": ["pcc@example.org"]}},
     "should hold emails: [...], subjects: [...], object_ids: [...] and groups: [...]"),
])
def test_a_malformed_roles_section_is_a_clear_error_not_a_role_given_or_lost_silently(tmp_path, monkeypatch,
                                                                                       command_line_reference,
                                                                                       roles, said):
    from pipelines.access import roles_for

    folder = tmp_path / "reference"
    shutil.copytree(command_line_reference, folder)
    data = yaml.safe_load((folder / "access.yaml").read_text())
    data["roles"] = roles
    (folder / "access.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    with pytest.raises(ConfigError, match="access.yaml, line ") as err:
        roles_for({"email": "pcc@example.org"})
    assert said in str(err.value)


def test_pccdash_audit_shows_the_newest_records_and_says_how_to_see_more(run_cli, acted):
    """A trail of years holds thousands of records: the table printed every one of them."""
    with warehouse.connect(acted) as con, audit.transaction(con):
        for n in range(60):
            audit.record(con, audit.system_actor("pccdash"), "spc_history", subject=f"change {n}", detail="rebased")
    lines = run_cli("audit", "--db", acted).output.splitlines()
    assert len(lines) == 1 + 50 + 1  # the heading, the newest 50, and what more there is
    assert "change 59" in lines[1] and "change 10" in lines[50] and "change 9" not in "\n".join(lines)
    assert lines[-1].startswith("The newest 50 of 63 records.") and "--limit 0" in lines[-1]
    assert len(run_cli("audit", "--db", acted, "--limit", "5").output.splitlines()) == 1 + 5 + 1
    every = run_cli("audit", "--db", acted, "--limit", "0").output.splitlines()
    assert len(every) == 1 + 63 and "The newest" not in every[-1]
    assert len(run_cli("audit", "--db", acted, "--format", "csv").output.splitlines()) == 1 + 63  # the CSV: all
    narrowed = run_cli("audit", "--db", acted, "--action", "approve").output.splitlines()
    assert len(narrowed) == 2  # nothing more to say when every match is shown
