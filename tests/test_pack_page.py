"""The pack page keeps every pack it prepares: PDF, Word and HTML download as they were produced, for this
meeting's packs and earlier ones, with who prepared each and the figures it came from."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from dashboard_helpers import ANALYST, PCC, copy_warehouse, downloads_of, grid_days, grid_times, internal, texts

from pipelines import audit, warehouse
from pipelines.briefing import archive
from pipelines.uk_time import uk_words


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.slow
def test_prepare_keeps_the_pack_and_every_download_is_the_archived_bytes(monkeypatch, sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    at = internal(monkeypatch, db, "internal_pages/pack.py", ANALYST)
    at.date_input(key="pack_meeting").set_value(dt.date(2015, 8, 20)).run()
    assert "None yet: press Prepare the pack." in texts(at)
    assert not at.get("download_button")

    at.button(key="prepare_pack").click().run()
    assert not at.exception
    at = internal(monkeypatch, db, "internal_pages/pack.py", PCC)
    at.date_input(key="pack_meeting").set_value(dt.date(2015, 8, 20)).run()
    at.button(key="prepare_pack").click().run()
    assert not at.exception
    with warehouse.connect_read_only(db) as con:
        kept = archive.archived(con, dt.date(2015, 8, 20))
        trail = audit.events(con, action="produce_pack")
    assert [p.produced_by for p in kept] == ["pcc@example.org", "analyst@example.org"]
    assert trail["channel"].tolist() == ["app", "app"]
    listed = at.dataframe[0].value
    assert listed["Produced by"].tolist() == ["pcc@example.org", "analyst@example.org"]
    assert listed["Files"].tolist() == ["PDF, HTML, Word"] * 2
    # when each was produced, as the page's sentences write a time, sorted as times
    assert grid_times(at.dataframe[0], "Produced") == [uk_words(p.produced_at, "words") for p in kept]

    served = downloads_of(monkeypatch)
    first = kept[-1]
    at.selectbox(key="archived_pack").select(first.pack_id).run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["Download PDF", "Download HTML", "Download Word"]
    got = {name: sha(data) for name, data in served}
    assert got == {f.file_name: f.sha256 for f in first.files.values()}, "each download is the archived file"
    assert first.data_version in texts(at)


@pytest.mark.slow
def test_a_tampered_archived_file_is_refused_with_a_sentence_on_the_page(monkeypatch, sample_db, tmp_path):
    from pipelines import filestore

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        made = archive.produce(con, db, dt.date(2015, 8, 20), audit.system_actor("analyst@example.org"))
    filestore.path_of(db, made.production.files["pdf"].sha256).write_bytes(b"%PDF forged")
    at = internal(monkeypatch, db, "internal_pages/pack.py", ANALYST)
    at.date_input(key="pack_meeting").set_value(dt.date(2015, 8, 20)).run()
    assert not at.exception
    assert any("has been changed since it was stored" in e.value for e in at.error)
    assert [b.proto.label for b in at.get("download_button")] == ["Download HTML", "Download Word"]


def test_a_meeting_already_held_is_said_so_with_where_the_pack_it_had_is(monkeypatch, tmp_path, run_cli):
    """Regression: the page prepared a pack for a Board held weeks before, from figures loaded since (April's late
    return, while the meeting's reporting month stays March), and said nothing of it."""
    from helpers import write_csv

    from pipelines import accountability as acc

    db = tmp_path / "wh.duckdb"
    for month, today in (("2026-03", "2026-05-11"), ("2026-04", "2026-05-28")):
        monkeypatch.setenv("PCCDASH_TODAY", today)
        rows = "".join(f"{month},{d},cse_arrests,{n}\n" for d, n in
                       (("Barnsley", 7), ("Doncaster", 9), ("Rotherham", 11), ("Sheffield", 13)))
        assert run_cli("ingest", "--db", db, write_csv(tmp_path / f"{month}.csv",
                                                       "period,district,measure,value\n" + rows)).exit_code == 0
        if month == "2026-03":
            with warehouse.connect(db) as con:
                acc.add_meeting(con, audit.system_actor("pcc@example.org"), held_on="2026-05-21")
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-01")
    at = internal(monkeypatch, db, "internal_pages/pack.py", ANALYST)
    at.date_input(key="pack_meeting").set_value(dt.date(2026, 5, 21)).run()
    assert not at.exception
    said = [w.value for w in at.warning if "was held on 21 May 2026" in w.value]
    assert len(said) == 1, [w.value for w in at.warning]
    assert "A pack prepared now uses the figures as they stand today" in said[0]
    assert "it reports on April 2026, where the meeting's reporting month" in said[0] and "is March 2026" in said[0]


@pytest.mark.slow
def test_a_kept_pack_names_its_meeting_in_words(monkeypatch, sample_db, tmp_path):
    """Regression: the packs kept for other meetings, and the choice of pack to download, named each meeting as
    "2015-08-20", where the rest of the page writes "20 August 2015"."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        made = archive.produce(con, db, dt.date(2015, 8, 20), audit.system_actor("analyst@example.org")).production
    at = internal(monkeypatch, db, "internal_pages/pack.py", ANALYST)
    at.date_input(key="pack_meeting").set_value(dt.date(2015, 9, 17)).run()
    assert not at.exception, at.exception
    [others] = [d for d in at.dataframe if "Meeting" in d.value.columns]
    # the grid holds the day and words it, so that clicking the heading sorts the meetings as days, not as words
    assert grid_days(others, "Meeting") == ["20 August 2015"]
    assert others.value["Meeting"].tolist() == [dt.date(2015, 8, 20)]
    assert at.selectbox(key="archived_pack").options == [
        f"Pack {made.pack_id}: meeting of 20 August 2015, by analyst@example.org on "
        f"{uk_words(made.produced_at, 'words')}"]
