"""The measure catalogue declares every measure once, force return and police.uk context alike; a force return
may report only the force_return ones, and the catalogue refuses a file that would make a measure ambiguous."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import write_csv

from pipelines.catalogue import catalogue
from pipelines.contracts import load_contract
from pipelines.contracts.contract import reference_values
from pipelines.errors import ConfigError
from pipelines.ingest import ingest

REFERENCE = Path(__file__).resolve().parent.parent / "pipelines" / "reference"
HEADER = "period,district,measure,value\n"


def test_the_catalogue_holds_both_sources_each_measure_once():
    cat = catalogue()
    returned, context, derived = cat.ids("force_return"), cat.ids("police_uk"), cat.ids("derived")
    assert "cse_charges" in returned and "police_uk_burglary" in context
    assert len(returned) + len(context) + len(derived) == len(cat.ids()) == len(set(cat.ids()))
    # each breakdown's completeness, as a count and its share of the measure broken down
    assert len(derived) == 2 * sum(len(m.breakdowns) for m in cat.of_source("force_return"))
    for m in cat.of_source("force_return"):
        for b in m.breakdowns:
            share = cat.get(f"{m.id}__{b.dimension}_completeness")
            assert (share.kind, share.numerator, share.denominator) == (
                "percentage", f"{m.id}__{b.dimension}_recorded", m.id)
            assert cat.get(share.numerator).part_of == m.id and share.increase_is == "good"
    assert all(m.caveats == () for m in cat.of_source("force_return"))
    assert all(m.caveats and not m.from_force_return for m in cat.of_source("police_uk"))


def test_the_return_contract_allows_only_force_return_measures():
    refs = reference_values()
    assert refs["measures"] == catalogue().ids("force_return")
    assert not any(m.startswith("police_uk") for key, values in refs.items() if key != "districts"
                   for m in values)
    known = next(r for r in load_contract("force_cse_return").row_rules if r.id == "measure_known")
    assert known.kwargs["value_set"] == catalogue().ids("force_return")


@pytest.mark.parametrize("label", ["police_uk_burglary", "Burglary (police.uk)", "Charge share (police.uk)"])
def test_a_force_return_cannot_report_a_police_uk_measure(db, tmp_path, label):
    from pipelines import warehouse

    rows = "".join(f"2015-07,{d},{label},3\n" for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield"))
    path = write_csv(tmp_path / "return.csv", HEADER + rows)
    with warehouse.connect(db) as con:
        report = ingest(con, [path])
        assert con.execute("SELECT count(*) FROM figure_revision").fetchall() == [(0,)]
    outcome = report.files[0]
    assert outcome.outcome == "rejected"
    texts = [p.text for p in outcome.problems]
    assert any("is not in the measure catalogue as a measure of the force's return" in t for t in texts), texts


# ---------------------------------------------------------------------------------------------------
# A catalogue that would be ambiguous or inconsistent is refused with where and why


@pytest.fixture
def reference_copy(tmp_path, monkeypatch):
    """A copy of the reference folder in use, and a function editing its measures.yaml."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))

    def edit(change) -> None:
        path = folder / "measures.yaml"
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False))

    return edit


def _measure(data: dict, measure_id: str) -> dict:
    return next(m for m in data["measures"] if m["id"] == measure_id)


@pytest.mark.parametrize("change, words", [
    (lambda d: _measure(d, "police_uk_burglary").update(source="open_data"), 'source "open_data" should be one of'),
    (lambda d: _measure(d, "police_uk_charge_share").update(numerator="cse_charges"), "has another source"),
    (lambda d: _measure(d, "police_uk_robbery").update(aliases=["CSE charges"]),
     'the name or alias "cse charges" is also measure "cse_charges"'),
    (lambda d: _measure(d, "police_uk_robbery").update(caveats="just one"), "caveats should be a list"),
    (lambda d: d.update(source_caveats={"elsewhere": ["x"]}), "source_caveats"),
])
def test_an_inconsistent_catalogue_is_refused(reference_copy, change, words):
    reference_copy(change)
    with pytest.raises(ConfigError, match="measures.yaml") as err:
        catalogue()
    assert words in str(err.value)


def test_the_source_caveats_come_first_then_the_measures_own(reference_copy):
    def change(data):
        data["source_caveats"]["police_uk"] = ["First.", "Second,\n  folded."]
        _measure(data, "police_uk_drugs")["caveats"] = ["Its own."]

    reference_copy(change)
    assert catalogue().get("police_uk_drugs").caveats == ("First.", "Second, folded.", "Its own.")
    assert catalogue().get("police_uk_robbery").caveats == ("First.", "Second, folded.")


def test_a_police_uk_crime_type_must_feed_a_police_uk_measure(reference_copy, tmp_path):
    from pipelines.policeuk import reference

    police = tmp_path / "reference" / "police_uk.yaml"
    data = yaml.safe_load(police.read_text())
    data["crime_types"][0]["measure"] = "cse_arrests"
    police.write_text(yaml.safe_dump(data, sort_keys=False))
    # the measures.yaml read, the office's own where PCCDASH_REFERENCE_DIR points: not the bundled copy
    in_force = f'"{tmp_path / "reference" / "measures.yaml"}"'
    with pytest.raises(ConfigError, match=re.escape(f'counts towards "cse_arrests", which is not a measure of '
                                                    f"{in_force} with source: police_uk")):
        reference()


def test_the_counted_police_uk_measures_must_be_in_the_catalogue(reference_copy):
    from pipelines.policeuk import reference

    reference_copy(lambda d: d.update(measures=[m for m in d["measures"] if m["id"] != "police_uk_outcomes_charged"]))
    with pytest.raises(ConfigError, match="police_uk_outcomes_charged are missing"):
        reference()


# ---------------------------------------------------------------------------------------------------
# A reference file of the wrong shape (a number for a list, a text for a mapping, an empty required list) is
# refused with its file, line and what to write, never as a Python error about types


@pytest.mark.parametrize("file, text, words", [
    ("measures.yaml", "measures: 3\n", "measures should be a list of at least one measure"),
    ("measures.yaml", "measures: []\n", "measures should be a list of at least one measure"),
    ("measures.yaml", "measures:\n  - cse_arrests\n", "measure 1: should be a mapping with id"),
    ("measures.yaml", "measures:\n  - {id: 3, name: x, unit: people, kind: flow, increase_is: good}\n",
     "id should be a text"),
    ("dimensions.yaml", "dimensions: 3\n", "dimensions should be a list"),
    ("dimensions.yaml", "dimensions: []\npublished: {measure: x}\n", "published should be a list"),
    ("dimensions.yaml", "dimensions:\n  - {id: a, name: A, unit: people, source: s, version: '1', values: x}\n",
     "values should be a list"),
    ("force.yaml", "office: {name: O}\nforce: {name: F}\ndistricts: []\n", "districts should list at least one"),
    ("force.yaml", "office: {name: O}\nforce: {name: F}\ndistricts: [Barnsley]\n",
     'district 1 should be a mapping with a name, such as "- name: Barnsley"'),
    ("force.yaml", "office: O\nforce: {name: F}\ndistricts: [{name: A}]\n", "office should be a mapping with a name"),
    ("force.yaml", "office: {name: O}\nforce: {name: F}\ndistricts: [{name: A}, {name: a}]\n", "listed twice"),
    # unquoted, YAML reads Yes as true: the alias would silently have been the text "True"
    ("force.yaml", "office: {name: O}\nforce: {name: F}\ndistricts: [{name: A, aliases: [Yes]}]\n",
     'Put Yes, No, On and Off in quotes'),
    ("dimensions.yaml", "dimensions:\n  - {id: a, name: A, unit: people, source: s, version: '1', "
                        "values: [{id: y, label: Y, aliases: [Yes]}]}\n", 'Put Yes, No, On and Off in quotes'),
])
def test_a_reference_file_of_the_wrong_shape_is_refused_with_its_line(tmp_path, monkeypatch, file, text, words):
    from pipelines.catalogue import dimensions, force

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    (folder / file).write_text(text)
    load = {"measures.yaml": catalogue, "dimensions.yaml": dimensions, "force.yaml": force}[file]
    with pytest.raises(ConfigError) as err:
        load()
    assert f"{file}, line " in str(err.value) and words in str(err.value)


def test_a_group_based_return_may_say_yes_or_no():
    from pipelines.catalogue import dimensions

    lookup = dimensions().by_id["group_based"].lookup()
    assert lookup["yes"] == "yes" and lookup["y"] == "yes" and lookup["n"] == "no" and "true" not in lookup


def test_listing_no_names_is_empty_not_a_fault():
    from pipelines.catalogue import listed

    assert listed([]) == "" and listed(["A"]) == "A" and listed(["A", "B", "A"]) == "A and B"


def test_a_count_is_said_with_its_noun_in_the_singular_or_the_plural():
    import numpy as np

    from pipelines.catalogue import counted

    assert [counted(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert counted(1204, "row") == "1,204 rows" and counted(np.int64(1), "row") == "1 row"
    assert counted(1, "person", "people") == "1 person" and counted(2, "person", "people") == "2 people"
    assert counted(1, "category", "categories") == "1 category" and counted(0, "category", "categories") == (
        "0 categories")
    assert counted(1, "sender's", "senders'") == "1 sender's" and counted(3, "sender's", "senders'") == "3 senders'"


# a count in braces, then a noun with its plural's ending chosen inline: "{n} file{'s' if n != 1 else ''}"
_INLINE_PLURAL = re.compile(r"""\{[^{}]+\} [a-z' -]*?[a-z]\{(['"])(?:s|ies|y|)(?: \w+)?\1 if [^{}]*?"""
                            r"""(?:[!=]= ?1|> ?1) else (['"])(?:s|ies|y|)(?: \w+)?\2\}""")


def test_a_count_and_its_noun_are_said_by_counted_alone():
    """Regression: counts were said with their plural built inline in some thirty places, each its own way, some
    without the thousands' comma, where catalogue.counted says every count one way."""
    from helpers import ROOT

    found = [f"{p.relative_to(ROOT)}:{n}" for top in ("pipelines", "dashboard")
             for p in sorted((ROOT / top).rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if _INLINE_PLURAL.search(line)]
    # police.uk's span of months says a few in words ("two months"), which counted does not
    assert found == ["pipelines/policeuk/measures.py:272"]


def test_a_checks_advice_keeps_the_id_it_gives_beside_a_measures_name():
    """Regression: Quarantine and Files loaded, which write measure ids inside texts as names, turned a refusal's
    advice 'Did you mean "CSE arrests" (cse_arrests)?' into 'Did you mean "CSE arrests" (CSE arrests)?'."""
    from pipelines.catalogue import with_measure_names

    said = '"+cse_arrests" is not in the measure catalogue. Did you mean "CSE arrests" (cse_arrests)?'
    assert with_measure_names(said) == said
    assert with_measure_names("cse_charges for Doncaster (cse_charges)") == "CSE charges for Doncaster (CSE charges)"


def test_a_measure_s_unit_names_everyone_its_definition_counts():
    """Regression: Officers trained and Officer headcount count police officers and staff, as their names and the
    Definitions page say, but gave their unit as "officers", so the page said "Unit: officers" under a definition
    counting staff too."""
    from pipelines.publish.info import load_public_info

    definitions = load_public_info()["definitions"]
    for m in catalogue().of_source("force_return"):
        counts = definitions[m.id]["counts"].lower()
        said = re.search(rf"\b{re.escape(m.unit.lower())}(?: and \w+)?\b", counts)
        assert said is None or said.group(0) == m.unit.lower(), (m.id, m.unit, said.group(0))
    for mid in ("officers_trained", "officer_headcount"):
        assert catalogue().get(mid).unit == "officers and staff"
