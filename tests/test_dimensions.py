"""Breakdowns are declared in reference data, not in code: each dimension with its values, its source and version,
and which values mean the force did not record it; a measure says which dimensions it may be broken down by."""

from __future__ import annotations

import pytest
import yaml

from pipelines.catalogue import catalogue, dimensions
from pipelines.check import check_all
from pipelines.errors import ConfigError

ONS_2021_GROUPS = 19  # the 2021 Census's ethnic groups for England and Wales


def edit(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_every_dimension_the_office_must_ask_about_is_declared_with_its_source_and_version():
    declared = dimensions()
    for wanted in ("suspect_ethnicity", "victim_ethnicity", "nationality_group", "suspect_sex", "victim_sex",
                   "suspect_age_band", "victim_age_band", "group_based", "offending_category"):
        d = declared.get(wanted)
        assert d.source and d.version and d.name
    ethnicity = declared.get("suspect_ethnicity")
    assert len([v for v in ethnicity.values if v.recorded]) == ONS_2021_GROUPS
    assert set(ethnicity.unrecorded()) == {"not_recorded", "not_stated"}  # each its own value
    assert {v.group for v in ethnicity.values if v.recorded} == {
        "Asian, Asian British or Asian Welsh", "Black, Black British, Black Welsh, Caribbean or African",
        "Mixed or Multiple ethnic groups", "White", "Other ethnic group"}
    assert "10 to 17" in {v.label for v in declared.get("suspect_age_band").values}
    assert [v.id for v in declared.get("offending_category").values] == [
        "familial", "cse", "institutional", "ritualistic", "other", "unknown"]
    assert ethnicity.lookup()["white british"] == "white_british"  # an alias a return may use


def test_a_value_named_twice_is_refused_with_its_file_and_line(ref):
    def twice(data):
        data["dimensions"][3]["values"].append({"id": "man", "label": "Male"})

    edit(ref / "dimensions.yaml", twice)
    with pytest.raises(ConfigError, match=r'dimensions.yaml, line \d+: dimension "suspect_sex": "male" names both'):
        dimensions()
    finding = next(f for f in check_all() if f.file.name == "dimensions.yaml")
    assert not finding.ok


def test_a_dimension_with_no_value_for_not_recorded_is_refused(ref):
    def no_gap(data):
        data["dimensions"][3]["values"] = [v for v in data["dimensions"][3]["values"] if v.get("recorded", True)]

    edit(ref / "dimensions.yaml", no_gap)
    with pytest.raises(ConfigError, match="no value saying it was not recorded"):
        dimensions()


def test_a_measure_names_the_dimensions_it_may_be_broken_down_by_and_each_must_count_what_it_counts(ref):
    def breakdowns(data):
        arrests = next(m for m in data["measures"] if m["id"] == "cse_arrests")
        arrests["breakdowns"] = ["suspect_ethnicity", {"dimension": "suspect_age_band", "from": "2023-04"}]

    edit(ref / "measures.yaml", breakdowns)
    arrests = catalogue().get("cse_arrests")
    assert [(b.dimension, b.since) for b in arrests.breakdowns] == [("suspect_ethnicity", None),
                                                                    ("suspect_age_band", "2023-04")]

    def offences(data):  # arrests count people; the category of offending counts offences
        next(m for m in data["measures"] if m["id"] == "cse_arrests")["breakdowns"] = ["offending_category"]

    edit(ref / "measures.yaml", offences)
    with pytest.raises(ConfigError, match='"offending_category" counts offences .* the measure counts people'):
        catalogue()

    def undeclared(data):
        next(m for m in data["measures"] if m["id"] == "cse_arrests")["breakdowns"] = ["religion"]

    edit(ref / "measures.yaml", undeclared)
    with pytest.raises(ConfigError, match='"religion" is not declared in dimensions.yaml'):
        catalogue()


def test_a_published_breakdown_the_catalogue_does_not_allow_is_refused_by_check(ref):
    from pipelines.check import check_all

    path = ref / "dimensions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - {measure: victims_supported, dimension: victim_sex}",
                                 "  - {measure: cse_charges, dimension: victim_sex}"), encoding="utf-8")
    problems = [f for f in check_all() if not f.ok]
    assert any("cse_charges" in f.message() and "dimensions.yaml" in f.message() for f in problems), problems


def test_a_dimension_never_published_cannot_be_published(ref):
    from pipelines.catalogue import dimensions
    from pipelines.errors import ConfigError

    path = ref / "dimensions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - {measure: victims_supported, dimension: victim_sex}",
                                 "  - {measure: victims_supported, dimension: victim_ethnicity}"), encoding="utf-8")
    with pytest.raises(ConfigError, match="never to be published"):
        dimensions()
