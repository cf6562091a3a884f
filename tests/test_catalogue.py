"""The measure catalogue declares every measure once, force return and police.uk context alike; a force return
may report only the force_return ones, and the catalogue refuses a file that would make a measure ambiguous."""

from __future__ import annotations

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
    with pytest.raises(ConfigError, match='counts towards "cse_arrests", which is not a measure of measures.yaml '
                                          "with source: police_uk"):
        reference()


def test_the_counted_police_uk_measures_must_be_in_the_catalogue(reference_copy):
    from pipelines.policeuk import reference

    reference_copy(lambda d: d.update(measures=[m for m in d["measures"] if m["id"] != "police_uk_outcomes_charged"]))
    with pytest.raises(ConfigError, match="police_uk_outcomes_charged are missing"):
        reference()
