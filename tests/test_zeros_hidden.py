"""What the public reads a hidden figure may be follows the "suppress zero" setting in force when the snapshot was
published (PCCDASH_SUPPRESS_ZERO), as the snapshot records it: never "not zero", nor "from 1", of a publication that
hid its zeros, whatever the reader's own settings; a snapshot published before the setting changed keeps its words."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from dashboard_helpers import PUBLIC, claims_of, public, texts
from helpers import write_csv
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from pipelines import warehouse
from pipelines.ingest import ingest
from pipelines.publish import downloads, info, pages, site
from pipelines.publish.approval import approve
from pipelines.publish.content import Paragraph, SnapshotView
from pipelines.publish.snapshot import publish

PCC = claims_of("pcc@example.org")
HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
# Rotherham's arrests: a zero in June and July, small counts in August and September
ROTHERHAM = {"2015-06": 0, "2015-07": 0, "2015-08": 2, "2015-09": 3}
MONTHS = tuple(ROTHERHAM)
SHOWN_WORDS = "[c] Not shown: a count from 1 to 4, or a figure from which one could be worked out"
HIDDEN_WORDS = "[c] Not shown: a count from 0 to 4, or a figure from which one could be worked out"


def _returns(tmp_path: Path) -> Path:
    rows = "".join(f"{m},{d},cse_arrests,{ROTHERHAM[m] if d == 'Rotherham' else 20 + 10 * i + j}\n"
                   for j, m in enumerate(MONTHS) for i, d in enumerate(DISTRICTS))
    return write_csv(tmp_path / "r.csv", HEADER + rows)


@pytest.fixture
def published(db, tmp_path, monkeypatch) -> dict[str, Path]:
    """The same approved months published into two folders: "shown" with zeros shown (the default), "hidden" with
    the office hiding zeros as it hides small counts."""
    monkeypatch.delenv("PCCDASH_SUPPRESS_ZERO", raising=False)
    out = {}
    with warehouse.connect(db) as con:
        assert ingest(con, [_returns(tmp_path)]).ok
        approve(con, list(MONTHS), PCC)
        out["shown"] = publish(con, PCC, tmp_path / "shown")[1]
        monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", "true")
        out["hidden"] = publish(con, PCC, tmp_path / "hidden")[1]
    monkeypatch.delenv("PCCDASH_SUPPRESS_ZERO")
    return out


def _view(path: Path) -> SnapshotView:
    return SnapshotView(path)


def test_the_marker_s_meaning_says_a_hidden_figure_may_be_zero_when_the_publication_hid_zeros(published, monkeypatch):
    """Regression: with zeros hidden, the footnote under every table, and the downloads' note on the marker, still
    read "a count from 1 to 4": a reader took a [c] for at least 1, where it may be a zero."""
    shown, hidden = _view(published["shown"]), _view(published["hidden"])
    assert shown.meta["zeros_hidden"] == "false" and hidden.meta["zeros_hidden"] == "true"
    cells = hidden.table("figure").set_index(["area", "period"])
    assert cells.loc[("Rotherham", "2015-06"), "suppressed"], "the zero is hidden in the publication that hides zeros"
    for monkeypatched in (None, "true"):  # the reader's own setting changes nothing: the snapshot's record decides
        if monkeypatched:
            monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", monkeypatched)
        for view, words in ((shown, SHOWN_WORDS), (hidden, HIDDEN_WORDS)):
            view = _view(view.path)
            assert view.meta["footnote"].startswith(words)
            assert json.loads(downloads.to_json(view))["marker_meaning"].startswith(words)
            notes = load_workbook(io.BytesIO(downloads.to_xlsx(view)))["Notes"]
            note = next(r[1] for r in notes.iter_rows(values_only=True) if r[0] == "[note 1]")
            assert words[len("[c] Not shown: "):] in note
            assert ("from 0 to" in note) == (words == HIDDEN_WORDS)


def _measure_page(monkeypatch, folder: Path) -> AppTest:
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    monkeypatch.delenv("PCCDASH_DB", raising=False)
    at = AppTest.from_file(PUBLIC, default_timeout=60)
    at.run()
    at.switch_page("public_pages/measure.py")
    at.query_params["measure"] = "cse_arrests"
    at.run()
    assert not at.exception and not at.error
    return at


def _hidden_bands(at: AppTest) -> list[dict]:
    """Each chart's trace of hidden months, as plotly gets it."""
    return [t for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"] if t.get("type") == "bar"]


@pytest.mark.parametrize("reader_setting", ["false", "true"])
def test_the_chart_key_hover_and_sentences_say_a_hidden_month_may_be_zero_when_the_publication_hid_zeros(
        published, monkeypatch, reader_setting):
    """Regression: with zeros hidden, every chart's key and hover still said a hidden month was "hidden, not zero",
    and its sentence and the page's words "a small number": Rotherham's hidden June, a zero, read as at least 1. The
    words follow what the snapshot records, not the setting where it is read."""
    monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", reader_setting)
    for name, zeros in (("hidden", True), ("shown", False)):
        at = _measure_page(monkeypatch, published[name].parent)
        bands = _hidden_bands(at)
        assert bands, "Rotherham's small counts are hidden in both publications"
        keys = {" ".join(b["name"].split("<br>")) for b in bands}
        hovers = {b["hovertemplate"] for b in bands}
        said = texts(at)
        if zeros:
            assert keys == {"[c] hidden, may be zero: zero or a small number, or hidden so that a small number "
                            "elsewhere cannot be worked out"}
            assert all("hidden ([c]), may be zero" in h for h in hovers)
            assert "hidden so that no child can be identified: a hidden figure is either zero or a small number" in said
        else:
            assert keys == {"[c] hidden, not zero: a small number, or hidden so that a small number elsewhere cannot "
                            "be worked out"}
            assert all("hidden ([c]), not zero" in h for h in hovers)
            assert "a hidden figure is either a small number, or one" in said
        assert ("not zero" in " ".join([*keys, *hovers, said])) is not zeros
        assert ("either zero or a small number" in said) is zeros

        view = SnapshotView(published[name])
        summary = pages.summary_page(view)
        intro = " ".join(b.text for b in summary.blocks if isinstance(b, Paragraph))
        assert ("Zeros and small numbers, and numbers from which a small one could be worked out, are shown as [c]"
                in intro) is zeros
        chart = pages.chart(view, next(m for m in pages.measures(view) if m.id == "cse_arrests"), "Rotherham")
        assert ("zero" in chart.sentence) is zeros
        svg = site.render_chart(chart, site.Ids())
        key = re.search(r'<span class="key-hidden"></span>([^<]+)</li>', svg).group(1).strip()
        assert key == f"[c] {chart.hidden_key}" and ("may be zero" in key) is zeros and ("not zero" in key) is not zeros


def test_the_methodology_page_says_zeros_are_hidden_when_the_publication_hid_them(published, monkeypatch):
    """Regression: with zeros hidden, the Methodology and quality page said "In this publication, a count from 1 to 4
    is hidden"."""
    monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", "true")  # the reader's setting: the snapshot's record decides
    said = {name: texts(public(monkeypatch, published[name].parent, "public_pages/methodology.py"))
            for name in ("shown", "hidden")}
    assert ("In this publication, a count from 1 to 4 is hidden, and so is any figure from which a hidden count "
            "could be worked out; the marker is \u201c[c]\u201d.") in said["shown"]
    assert ("In this publication, a count from 0 to 4 is hidden (zeros are hidden too, so that a hidden figure may "
            "be a zero), and so is any figure from which a hidden count could be worked out; the marker is "
            "\u201c[c]\u201d.") in said["hidden"]
    assert "from 1 to" not in said["hidden"] and "zero" not in said["shown"].replace("never as zero", "")


def test_a_change_of_whether_zeros_are_hidden_is_said_where_the_public_reads_of_revisions_and_method(
        db, tmp_path, monkeypatch):
    """Regression: publications before and after the office began (or stopped) hiding zeros said nothing of it, and a
    figure shown as 0 became a [c] with no word of why. June and July published with zeros shown, August with zeros
    hidden, September with them shown again: each publication says when it changed, and the first keeps its words."""
    from pipelines.uk_time import uk_day_words

    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    monkeypatch.delenv("PCCDASH_SUPPRESS_ZERO", raising=False)
    paths = []
    with warehouse.connect(db) as con:
        assert ingest(con, [_returns(tmp_path)]).ok
        for months, setting in ((["2015-06", "2015-07"], "false"), (["2015-08"], "true"), (["2015-09"], "false")):
            monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", setting)
            approve(con, months, PCC)
            paths.append(publish(con, PCC)[1])
    first, second, third = (SnapshotView(p) for p in paths)
    began = uk_day_words(second.meta["created_at"])
    ended = uk_day_words(third.meta["created_at"])
    hiding = (f"From the publication of {began}, zeros are hidden too, as small counts are: a figure shown as 0 in an "
              "earlier publication may be shown as [c] from then on.")
    showing = (f"From the publication of {ended}, zeros are shown again: a figure hidden as [c] in an earlier "
               "publication may be shown as 0 from then on.")
    assert second.table("figure").set_index(["area", "period", "period_type"]).loc[
        ("Rotherham", "2015-06", "month"), "suppressed"], "the zero shown before is hidden in August's publication"
    # the revision of that zero says why, though no reason was given with August's approval
    revised = second.table("revision").set_index(["area", "period", "period_type"])
    assert revised.loc[("Rotherham", "2015-06", "month"), "previous_display"] == "0"
    assert revised.loc[("Rotherham", "2015-06", "month"), "reason"] == (
        "Zeros are hidden from this publication on, as small counts are.")
    assert third.table("revision").set_index(["area", "period", "period_type", "version"]).loc[
        ("Rotherham", "2015-06", "month", int(second.meta["version"])), "reason"] == (
        "Zeros are hidden from this publication on, as small counts are."), "kept as it was published"

    def words(view: SnapshotView) -> str:
        return " ".join(b.text for page in (pages.tables_page(view), info.methodology_page(view))
                        for b in page.blocks if isinstance(b, Paragraph))

    assert "zeros are" not in words(first), "the first publication keeps its own words"
    assert hiding in words(second) and showing not in words(second)
    assert hiding in words(third) and showing in words(third)
    # as the public app shows the publication in force, under either setting where it is read
    monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", "true")
    for page in ("public_pages/tables.py", "public_pages/methodology.py"):
        said = texts(public(monkeypatch, folder, page))
        assert hiding in said and showing in said


def test_a_text_to_publish_that_mentions_a_zero_is_pointed_out_when_zeros_are_hidden(monkeypatch):
    """Regression: with zeros hidden, a question or answer approved for publication that said "0 children" was let
    through without a word, and one that said "3 children" was told that "counts from 1 to 4" are not published:
    published beside figures that hide that zero, the text gives it away."""
    from pipelines.accountability.release import small_number_warnings

    text = "0 children were referred in Rotherham in July 2015, and 3 in Barnsley; 2015-16 saw 120."
    monkeypatch.delenv("PCCDASH_SUPPRESS_ZERO", raising=False)
    assert small_number_warnings(text) == ("This text mentions 3: check it cannot identify a child (counts from 1 "
                                           "to 4 are not published in the figures).")
    monkeypatch.setenv("PCCDASH_SUPPRESS_ZERO", "true")
    assert small_number_warnings(text) == ("This text mentions 0 and 3: check it cannot identify a child (counts "
                                           "from 0 to 4 are not published in the figures).")
    assert small_number_warnings("Referrals rose from 12 to 40 in 2015-16; 1000000 contacts.") is None


def test_the_publish_command_and_the_settings_say_zeros_are_hidden_too_with_the_setting():
    """What `pccdash publish --help` and the README's settings say is suppressed names the setting that hides zeros
    too: an office that turned it on reads that counts from 0 are hidden, not only from 1."""
    from click.testing import CliRunner

    from pipelines.cli import main

    said = " ".join(CliRunner().invoke(main, ["publish", "--help"], prog_name="pccdash").stdout.split())
    assert 'from 0 with the "suppress zero" setting, PCCDASH_SUPPRESS_ZERO' in said
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "published counts from 1 to this are not shown (from 0 with suppress zero)" in readme
