"""Every pack produced is kept: its PDF, HTML and Word files come back byte for byte, however many packs follow,
with who produced it, when and from which load; producing one is on the audit trail, in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import docx
import pytest
from handmade_pack import make_pack

from pipelines import audit, filestore, warehouse
from pipelines.access import NotAllowed
from pipelines.briefing import archive
from pipelines.briefing import pack as pack_module
from pipelines.briefing.version import NO_LOAD, data_version

ANALYST = audit.system_actor("analyst@example.org")
MEETING = dt.date(2015, 8, 20)


@pytest.fixture
def handmade(monkeypatch):
    """The pack drawn is the handmade one, so the archive is checked apart from how a pack is gathered."""
    made = []

    def build(con, meeting, generated_by):
        made.append(generated_by)
        p = make_pack()
        p.generated_by = generated_by
        p.generated_at = dt.datetime(2015, 8, 14, 9, len(made))  # each production differs from the one before
        for m in p.measures:  # charts are what take the time to draw, and the archive keeps bytes whatever they are
            m.chart = None
        return p

    monkeypatch.setattr(pack_module, "build_pack", build)
    return made


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_each_format_comes_back_unchanged_after_a_later_production(con, db, handmade):
    first = archive.produce(con, db, MEETING, ANALYST)
    second = archive.produce(con, db, "2015-08-20", audit.system_actor("pcc@example.org"))
    assert second.pack_id != first.pack_id
    for fmt in archive.FORMATS:
        assert sha(second.contents[fmt]) != sha(first.contents[fmt]), "the later pack is another one"
        name, data = archive.fetch(con, db, first.pack_id, fmt)
        assert name == f"pab-briefing-2015-08-20.{fmt}"
        assert sha(data) == sha(first.contents[fmt]) == first.production.files[fmt].sha256
        assert len(data) == first.production.files[fmt].size_bytes
    assert first.contents["pdf"].startswith(b"%PDF") and b"<!DOCTYPE html>" in first.contents["html"]
    assert "460" in "\n".join(c.text for t in docx.Document(io.BytesIO(first.contents["docx"])).tables
                               for r in t.rows for c in r.cells)


def test_the_archive_lists_productions_newest_first_with_who_when_and_the_data_version(con, db, handmade):
    archive.produce(con, db, MEETING, ANALYST)
    archive.produce(con, db, dt.date(2015, 9, 17), audit.system_actor("pcc@example.org"))
    kept = archive.archived(con)
    assert [(p.meeting, p.produced_by) for p in kept] == [(dt.date(2015, 9, 17), "pcc@example.org"),
                                                          (MEETING, "analyst@example.org")]
    assert all(set(p.files) == set(archive.FORMATS) for p in kept)
    assert [p.meeting for p in archive.archived(con, MEETING)] == [MEETING]
    assert kept[0].data_version == make_pack().data_version
    table = archive.readable(kept)
    assert list(table.columns) == ["Pack", "Meeting", "Produced by", "Produced", "Figures from", "Files"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d (GMT|BST)", t) for t in table["Produced"])  # UK time
    assert table["Files"].tolist() == ["PDF, HTML, Word"] * 2
    assert "None" not in table.to_string() and "nan" not in table.to_string()


def test_a_meeting_moved_to_another_day_keeps_the_packs_produced_for_it_before_it_moved(db, handmade, run_cli):
    """Regression: packs are kept by the meeting's day, so once a Board moved from 20 to 27 August "pccdash packs
    --meeting 2015-08-27" (and the Briefing pack page) said no pack had been produced for it, though one had, for
    20 August, before it moved; a pack produced for the old day after the move is for whatever meets then."""
    from pipelines import accountability as acc

    pcc = audit.system_actor("pcc@example.org")
    with warehouse.connect(db) as con:
        board = acc.add_meeting(con, pcc, held_on=MEETING)
        before = archive.produce(con, db, MEETING, ANALYST).pack_id
        acc.move_meeting(con, pcc, board.meeting_id, to="2015-08-27", reason="The hall is not free")
        after = archive.produce(con, db, MEETING, ANALYST).pack_id  # for 20 August, after the Board left it
        moved = archive.produce(con, db, dt.date(2015, 8, 27), ANALYST).pack_id
        assert [p.pack_id for p in archive.archived(con, "2015-08-27")] == [moved, before]
        assert [p.pack_id for p in archive.archived(con, MEETING)] == [after, before]
    out = run_cli("packs", "--db", db, "--meeting", "2015-08-27").output
    assert f"Pack {before} was produced for 20 August 2015, the day the meeting was on before it moved to 27 " \
           "August 2015." in out
    assert f"Pack {after} " not in out and f"Pack {moved} " not in out


def test_producing_a_pack_is_on_the_audit_trail(con, db, handmade):
    made = archive.produce(con, db, MEETING, ANALYST)
    trail = audit.events(con, action="produce_pack")
    assert trail["identity"].tolist() == ["analyst@example.org"]
    assert trail["subject"].tolist() == [f"pack {made.pack_id} for the meeting of 2015-08-20"]
    assert handmade == ["analyst@example.org"], "the pack says who produced it"


def test_a_failure_while_recording_keeps_no_row_and_no_event(con, db, handmade, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        archive.produce(con, db, MEETING, ANALYST)
    assert con.execute("SELECT count(*) FROM pack_file").fetchall() == [(0,)]
    assert archive.archived(con) == []


def test_a_tampered_archived_file_is_refused_and_an_unknown_pack_is_explained(con, db, handmade):
    made = archive.produce(con, db, MEETING, ANALYST)
    filestore.path_of(db, made.production.files["pdf"].sha256).write_bytes(b"%PDF forged")
    with pytest.raises(filestore.StoredFileAltered):
        archive.fetch(con, db, made.pack_id, "pdf")
    with pytest.raises(archive.PackNotArchived, match='"pccdash packs" lists'):
        archive.fetch(con, db, 999, "pdf")
    with pytest.raises(archive.PackNotArchived, match="one of pdf, html, docx"):
        archive.fetch(con, db, made.pack_id, "odt")


def test_an_account_without_a_role_may_not_produce_a_pack(con, db, handmade):
    with pytest.raises(NotAllowed):
        archive.produce(con, db, MEETING, audit.app_actor({"email": "visitor@example.org"}))
    assert handmade == []


def test_the_data_version_names_the_latest_accepted_load(con):
    assert data_version(con) == NO_LOAD
    for name, outcome in (("2015-06.csv", "accepted"), ("2015-07.csv", "accepted"), ("bad.csv", "rejected")):
        con.execute("INSERT INTO file_registry (sha256, name, size_bytes, received_at, outcome) VALUES "
                    "(?, ?, 1, TIMESTAMP '2015-08-05 09:12:00', ?)", [name, name, outcome])
    # received at 09:12 UTC in August: 10:12 in England, on British Summer Time
    assert data_version(con) == 'Figures as loaded up to load 2, "2015-07.csv", received 5 August 2015 at 10:12 BST.'


@pytest.mark.slow
def test_the_sample_warehouses_pack_for_20_august_2015_is_archived_with_its_headline_figures(sample_db, tmp_path):
    from dashboard_helpers import copy_warehouse

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        made = archive.produce(con, db, MEETING, ANALYST)
    with warehouse.connect_read_only(db) as con:
        for fmt in archive.FORMATS:
            _, data = archive.fetch(con, db, made.pack_id, fmt)
            assert data == made.contents[fmt]
    document = docx.Document(io.BytesIO(made.contents["docx"]))
    cells = " | ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    for figure in ("460", "76", "54", "22", "155", "46"):
        assert f"| {figure} |" in cells, figure
    assert "load" in made.production.data_version


@pytest.mark.slow
def test_the_pack_command_writes_and_archives_three_files_and_packs_gives_them_back(sample_db, tmp_path, run_cli):
    from dashboard_helpers import copy_warehouse

    db = copy_warehouse(sample_db, tmp_path)
    made = run_cli("pack", "--db", db, "--meeting", "2015-08-20", "--out", tmp_path / "out", "--as", "pcc@example.org")
    assert made.exit_code == 0, made.output
    written = {p.suffix: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert set(written) == {".pdf", ".html", ".docx"}
    assert "Kept in the archive as pack 1 (figures as loaded up to load " in made.output  # one sentence, not two
    assert made.output.rstrip().endswith(" GMT).") or made.output.rstrip().endswith(" BST).")

    listed = run_cli("packs", "--db", db, "--meeting", "2015-08-20")
    assert listed.exit_code == 0 and "pcc@example.org" in listed.output and "PDF, HTML, Word" in listed.output
    again = run_cli("pack", "--db", db, "--meeting", "2015-08-20", "--out", tmp_path / "later", "--as",
                    "analyst@example.org")
    assert again.exit_code == 0, again.output
    got = run_cli("packs", "--db", db, "--get", "1", "--format", "pdf", "--out", tmp_path / "back")
    assert got.exit_code == 0, got.output
    back = tmp_path / "back" / "pab-briefing-2015-08-20.pdf"
    assert sha(back.read_bytes()) == sha(written[".pdf"])
    with warehouse.connect_read_only(db) as con:
        assert audit.events(con, action="produce_pack")["identity"].tolist() == ["analyst@example.org",
                                                                                 "pcc@example.org"]

    missing = run_cli("packs", "--db", db, "--get", "99", "--format", "pdf", "--out", tmp_path / "none")
    assert missing.exit_code == 1 and "holds no pack 99" in missing.output and "Traceback" not in missing.output
    anonymous = run_cli("pack", "--db", db, "--meeting", "2015-08-20", "--out", tmp_path / "x")
    assert anonymous.exit_code != 0 and "--as" in anonymous.output


def test_an_out_folder_that_cannot_be_made_is_refused_before_a_pack_is_kept(db, handmade, tmp_path, run_cli):
    """Regression: the pack was kept in the archive, then writing it failed as a fault "nothing half-done was
    kept"."""
    with warehouse.connect(db):
        pass
    (tmp_path / "p.txt").write_text("a file, not a folder")
    for args in (("pack", "--meeting", "2015-08-20", "--as", "pcc@example.org"), ("packs", "--get", "1")):
        out = run_cli(*args, "--db", db, "--out", tmp_path / "p.txt" / "sub")
        assert out.exit_code == 1 and f'Cannot write into "{tmp_path / "p.txt" / "sub"}" (--out)' in out.output
        assert "Choose another folder" in out.output and "did not expect" not in out.output
    with warehouse.connect_read_only(db) as con:
        assert archive.archived(con) == [] and audit.events(con, action="produce_pack").empty


def test_a_refused_pack_leaves_no_folder_it_made_behind(db, tmp_path, run_cli):
    """Regression: --out was made (to check it could be written into) before the pack was drawn, and a refusal
    left it there empty, with the folders above it; a folder there before is left as it was."""
    with warehouse.connect(db):  # a warehouse holding no figures: there is nothing to brief on
        pass
    there = tmp_path / "there"
    there.mkdir()
    for args in (("pack", "--meeting", "2015-08-20", "--as", "pcc@example.org"), ("packs", "--get", "99")):
        out = run_cli(*args, "--db", db, "--out", tmp_path / "new" / "sub")
        assert out.exit_code == 1 and "Traceback" not in out.output and "Error: " in out.output
        assert not (tmp_path / "new").exists()
        out = run_cli(*args, "--db", db, "--out", there)
        assert out.exit_code == 1 and there.is_dir() and list(there.iterdir()) == []
    (tmp_path / "kept" / "mine.txt").parent.mkdir()  # a folder holding something of the person's stays
    (tmp_path / "kept" / "mine.txt").write_text("notes")
    out = run_cli("packs", "--get", "99", "--db", db, "--out", tmp_path / "kept")
    assert out.exit_code == 1 and (tmp_path / "kept" / "mine.txt").read_text() == "notes"


def test_a_pack_kept_but_not_written_says_how_to_fetch_it(db, handmade, tmp_path, run_cli, monkeypatch):
    def no_room(target, data, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pipelines.files.write_atomically", no_room)
    with warehouse.connect(db):
        pass
    out = run_cli("pack", "--meeting", "2015-08-20", "--as", "pcc@example.org", "--db", db, "--out", tmp_path / "o")
    assert out.exit_code == 1 and "kept in the archive as pack 1" in out.output
    assert "No space left on device" in out.output and '"pccdash packs --get 1 --out FOLDER"' in out.output
    with warehouse.connect_read_only(db) as con:
        assert len(archive.archived(con)) == 1


def test_pccdash_packs_lists_the_newest_and_says_how_many_in_all(db, run_cli):
    """An archive of years holds a hundred packs and more: the list printed every one of them."""
    with warehouse.connect(db) as w:
        for n in range(22):
            drawn = archive.Drawn(MEETING + dt.timedelta(days=28 * n), ANALYST, "analyst@example.org", "load 1",
                                  {fmt: f"pack {n} {fmt}".encode() for fmt in archive.FORMATS})
            archive.keep(w, db, drawn)
    lines = run_cli("packs", "--db", db).output.splitlines()
    assert len(lines) == 1 + 20 + 1 and lines[1].split()[0] == "22" and lines[20].split()[0] == "3"
    # read from the left, as the audit trail's table is: each value starts where its heading does
    for heading, value in (("Meeting", lines[1].split()[1]), ("Produced by", "analyst@example.org"),
                           ("Figures from", "load 1")):
        assert lines[0].index(heading) == lines[1].index(value), "\n".join(lines[:2])
    assert lines[-1].startswith("The newest 20 of 22 packs.") and "--limit 0" in lines[-1]
    assert len(run_cli("packs", "--db", db, "--limit", "0").output.splitlines()) == 1 + 22
    assert len(run_cli("packs", "--db", db, "--limit", "2").output.splitlines()) == 1 + 2 + 1
    one = run_cli("packs", "--db", db, "--meeting", str(MEETING)).output.splitlines()
    assert len(one) == 2  # every pack of one meeting, and nothing more to say


def test_a_pack_for_a_meeting_already_held_says_its_figures_are_todays_and_where_the_boards_pack_is(
        db, handmade, tmp_path, run_cli, monkeypatch):
    """Regression: after April's late return arrived, "pccdash pack --meeting 2026-05-21" for the Board held on 21
    May reported on April, while "pccdash meetings" keeps March as that meeting's reporting month, and said nothing
    of it: nor that the pack the Board had is kept in the archive."""
    from helpers import write_csv

    from pipelines import accountability as acc

    def month_csv(month: str) -> Path:
        rows = "".join(f"{month},{d},cse_arrests,{n}\n" for d, n in
                       (("Barnsley", 7), ("Doncaster", 9), ("Rotherham", 11), ("Sheffield", 13)))
        return write_csv(tmp_path / f"{month}.csv", "period,district,measure,value\n" + rows)

    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-11")
    assert run_cli("ingest", "--db", db, month_csv("2026-03")).exit_code == 0
    with warehouse.connect(db) as con:
        acc.add_meeting(con, audit.system_actor("pcc@example.org"), held_on="2026-05-21")
    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-20")
    with monkeypatch.context() as clock:  # the Board's pack, produced the day before it
        clock.setattr(archive, "utc_now", lambda: dt.datetime(2026, 5, 20, 9, 30))
        before = run_cli("pack", "--db", db, "--meeting", "2026-05-21", "--out", tmp_path / "may", "--as",
                         "analyst@example.org")
    assert before.exit_code == 0, before.output
    assert "was held" not in before.output  # for a meeting still to come, the figures as they stand are its own
    # April's return arrives late, after the meeting
    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-28")
    assert run_cli("ingest", "--db", db, month_csv("2026-04")).exit_code == 0
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-01")
    assert "March 2026" in run_cli("meetings", "--db", db).output

    again = run_cli("pack", "--db", db, "--meeting", "2026-05-21", "--out", tmp_path / "june", "--as",
                    "analyst@example.org")
    assert again.exit_code == 0, again.output
    said = " ".join(again.output.split())
    assert ("Meeting 1, the Public Accountability Board, was held on 21 May 2026, before today (1 June 2026). This "
            "pack uses the figures as they stand today, not as they stood at the meeting: it reports on April 2026, "
            "where the meeting's reporting month, as the figures stood by its day, is March 2026.") in said
    assert ('The pack produced for it by that day is in the archive: pack 1, produced on 20 May 2026 by '
            'analyst@example.org ("pccdash packs --get 1 --out DIR" writes it out as produced).') in said
    with warehouse.connect_read_only(db) as con:
        assert "download it below" in archive.past_meeting_note(con, "2026-05-21", on_page=True)


def test_a_pack_for_a_meeting_held_before_any_figure_says_so_in_a_sentence(db, tmp_path, run_cli, monkeypatch):
    """A meeting held before any month had figures, its pack made after the first month's arrived: the note named
    "the meeting's reporting month" that the meeting never had."""
    from helpers import write_csv

    from pipelines import accountability as acc

    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-11")
    with warehouse.connect(db) as con:
        acc.add_meeting(con, audit.system_actor("pcc@example.org"), held_on="2026-05-21")
        assert archive.past_meeting_note(con, "2026-05-21") is None  # still to come
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-01")
    with warehouse.connect_read_only(db) as con:
        assert archive.past_meeting_note(con, "2026-05-21").split(": ", 1)[1].startswith(
            "no month before the meeting has figures yet.")
    rows = "".join(f"2026-03,{d},cse_arrests,{n}\n" for d, n in
                   (("Barnsley", 7), ("Doncaster", 9), ("Rotherham", 11), ("Sheffield", 13)))
    assert run_cli("ingest", "--db", db, write_csv(tmp_path / "m.csv", "period,district,measure,value\n" + rows)
                   ).exit_code == 0
    with warehouse.connect_read_only(db) as con:
        note = archive.past_meeting_note(con, "2026-05-21")
    assert "it reports on March 2026, though no month's figures had arrived by the meeting's day." in note
    assert "the meeting's reporting month" not in note


def test_packs_say_which_pack_a_meeting_held_had_and_which_meeting_was_cancelled(db, handmade, run_cli,
                                                                                  monkeypatch):
    """Regression: "pccdash packs" listed three packs made for the September Board (one before it moved, two the
    week before its new day) and one made after it, newest first, with nothing saying which the Board had; and a pack
    made for a Board cancelled since was listed as any other. Each now says it: the pack the meeting had (the latest
    made by its day), those replaced before it, the one made after it, and the one for a meeting cancelled."""
    from pipelines import accountability as acc

    pcc = audit.system_actor("pcc@example.org")

    def made_on(when: dt.datetime, day: str) -> int:
        with monkeypatch.context() as clock:
            clock.setattr(archive, "utc_now", lambda: when)
            with warehouse.connect(db) as con:
                return archive.produce(con, db, day, ANALYST).pack_id

    monkeypatch.setenv("PCCDASH_TODAY", "2026-09-08")
    with warehouse.connect(db) as con:
        september = acc.add_meeting(con, pcc, held_on="2026-09-17").meeting_id
        november = acc.add_meeting(con, pcc, held_on="2026-11-19").meeting_id
        december = acc.add_meeting(con, pcc, held_on="2026-12-17").meeting_id
    before_move = made_on(dt.datetime(2026, 9, 8, 9), "2026-09-17")
    with warehouse.connect(db) as con:
        acc.move_meeting(con, pcc, september, to="2026-09-24", reason="The chamber is not free")
    first = made_on(dt.datetime(2026, 9, 21, 9), "2026-09-24")
    had = made_on(dt.datetime(2026, 9, 21, 10), "2026-09-24")
    after = made_on(dt.datetime(2026, 10, 1, 9), "2026-09-24")
    for_november = made_on(dt.datetime(2026, 11, 9, 9), "2026-11-19")
    to_come = [made_on(dt.datetime(2026, 12, 1, h), "2026-12-17") for h in (9, 10)]
    with warehouse.connect(db) as con:
        acc.cancel_meeting(con, pcc, november, reason="Pre-election period", carry_to=december)
    monkeypatch.setenv("PCCDASH_TODAY", "2026-12-02")
    result = run_cli("packs", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[-1] == "Which"
    said = {int(line.split()[0]): line[lines[0].index("Which"):] for line in lines[1:]}
    assert said[had] == f"The pack meeting {september} had (the latest made by 24 September 2026)"
    assert said[first] == said[before_move] == f"Replaced by pack {had} before meeting {september}"
    assert said[after] == f"Made after meeting {september} (held on 24 September 2026)"
    assert said[for_november] == f"For meeting {november}, cancelled: Pre-election period"
    assert said[to_come[0]] == said[to_come[1]] == ""  # the December Board is still to come: none is its yet
    one = run_cli("packs", "--db", db, "--meeting", "2026-09-24").output
    assert "The pack meeting" in one and "cancelled" not in one
    with warehouse.connect_read_only(db) as con:  # the Briefing pack page's table says the same
        table = archive.readable(archive.archived(con), archive.pack_notes(con))
    assert dict(zip(table["Pack"], table["Which"], strict=True))[had].startswith("The pack meeting")
