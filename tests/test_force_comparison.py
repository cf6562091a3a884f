"""The force is compared with the forces of its most similar group (police_uk.yaml) and with every force of England
and Wales loaded, on a funnel of a police.uk context measure: police.uk files of any force load and are kept per
force, each force gets a plain sentence saying whether it lies outside the limits, none is ranked, and too few
forces loaded is said with what to load.

The files are generated here in police.uk's layout with known counts; the populations and the group are a test
reference folder's, so the rates and the exact Poisson limits can be worked out by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from dashboard_helpers import internal, texts

from pipelines import warehouse
from pipelines.catalogue import REFERENCE_DIR, catalogue
from pipelines.errors import ConfigError
from pipelines.plan import load_population
from pipelines.plan.funnel import ENGLAND_AND_WALES, GROUP, FunnelError, force_funnel
from pipelines.policeuk import force_populations, force_totals, ingest_police_uk, reference
from tests.test_funnel import interpolated, poisson_cdf

HEADER = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
          "LSOA name", "Crime type", "Last outcome category", "Context"]
CHARGED, NOT_CHARGED = "Suspect charged", "Investigation complete; no suspect identified"
# force -> (residents, crimes in November 2017, of them charged); Kent Police is loaded too, with no population
FORCES = {
    "South Yorkshire Police": (100_000, 400, 100),
    "Humberside Police": (50_000, 200, 50),
    "Merseyside Police": (80_000, 320, 80),
    "West Yorkshire Police": (100_000, 500, 100),  # 25% more crime than the others' rate
    "Cleveland Police": (50_000, 215, 54),  # loaded, not in the group
}
GROUP_FORCES = ["West Yorkshire Police", "Humberside Police", "Merseyside Police", "Northumbria Police"]


def street_file(folder: Path, month: str, force: str, crimes: int, charged: int) -> Path:
    """A police.uk street file: `crimes` burglaries (`charged` of them charged) and ten anti-social behaviour
    incidents, which are not crimes and count in no rate here."""
    path = folder / month / f"{month}-{reference().forces[force]}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(HEADER)
        for i in range(crimes):
            out.writerow([f"{force[:4]}{i:06d}", month, force, force, "-1.47", "53.38", "On or near High Street",
                          "E01007321", "Sheffield 001A", "Burglary", CHARGED if i < charged else NOT_CHARGED, ""])
        for _ in range(10):
            out.writerow(["", month, force, force, "-1.47", "53.38", "On or near High Street", "E01007321",
                          "Sheffield 001A", "Anti-social behaviour", "", ""])
    return path


@pytest.fixture(scope="module")
def reference_folder(tmp_path_factory) -> Path:
    """The bundled reference files with a group of four forces (one not loaded) and the populations above."""
    folder = tmp_path_factory.mktemp("force-reference") / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    police = yaml.safe_load((folder / "police_uk.yaml").read_text(encoding="utf-8"))
    police["most_similar_group"] = GROUP_FORCES
    (folder / "police_uk.yaml").write_text(yaml.safe_dump(police, sort_keys=False), encoding="utf-8")
    rows = ["force,population,source,year"] + [f"{name},{people},Test residents,2021"
                                                for name, (people, _, _) in FORCES.items()]
    (folder / "force_population.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def forces_db(tmp_path_factory, reference_folder) -> Path:
    """A warehouse with November 2017 for the five forces above and Kent (no population given), and October 2017
    for South Yorkshire alone."""
    folder = tmp_path_factory.mktemp("force-files")
    db = folder / "forces.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PCCDASH_REFERENCE_DIR", str(reference_folder))
        files = [street_file(folder, "2017-11", name, crimes, charged)
                 for name, (_, crimes, charged) in FORCES.items()]
        files += [street_file(folder, "2017-11", "Kent Police", 90, 9),
                  street_file(folder, "2017-10", "South Yorkshire Police", 380, 90)]
        with warehouse.connect(db) as con:
            for path in files:
                outcome = ingest_police_uk(con, path, loaded_by="tester", today=dt.date(2026, 11, 21),
                                           tmp_dir=folder / "tmp")
                assert outcome.outcome == "accepted", [p.message() for p in outcome.problems]
    return db


@pytest.fixture
def in_force(monkeypatch, reference_folder):
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(reference_folder))


@pytest.fixture(scope="module")
def november(forces_db, reference_folder) -> dict:
    with pytest.MonkeyPatch.context() as mp, warehouse.connect_read_only(forces_db) as con:
        mp.setenv("PCCDASH_REFERENCE_DIR", str(reference_folder))
        return force_totals(con, "2017-11")


def total_crime():
    return catalogue().get("police_uk_total_crime")


def test_each_forces_file_is_kept_as_its_own(november):
    assert set(november) == {*FORCES, "Kent Police"}
    for name, (_, crimes, charged) in FORCES.items():
        assert november[name]["police_uk_total_crime"] == crimes  # the ten incidents of ASB are not crimes
        assert november[name]["police_uk_charged"] == charged
        assert november[name]["police_uk_anti_social_behaviour"] == 10


def test_loading_another_forces_file_says_whose_records_it_holds(tmp_path):
    """A file of another force (the wrong force downloaded, or one to compare with) loaded as if it were the force's:
    the load said only how many figures were new, so the force's month seemed loaded when it was not."""
    db = tmp_path / "wh.duckdb"
    theirs = street_file(tmp_path, "2018-02", "Humberside Police", 20, 5)
    ours = street_file(tmp_path, "2018-02", "South Yorkshire Police", 30, 6)
    with warehouse.connect(db) as con:
        outcomes = [ingest_police_uk(con, path, loaded_by="tester", today=dt.date(2026, 11, 21), tmp_dir=tmp_path)
                    for path in (theirs, ours)]
    assert [o.outcome for o in outcomes] == ["accepted", "accepted"]
    assert outcomes[0].message == (
        "It holds no record of South Yorkshire Police: its records are Humberside Police's street-level crime of "
        "February 2018, kept to compare South Yorkshire Police with other forces, and count in none of South "
        "Yorkshire Police's own figures. If South Yorkshire Police's file was meant, download it from "
        "data.police.uk and load it.")
    assert "Humberside" not in (outcomes[1].message or "")  # the force's own file says nothing of the kind


def test_validating_another_forces_file_says_whose_records_it_holds_as_loading_it_would(tmp_path, run_cli):
    """Regression: "pccdash validate" of another force's file said only that it passed, so the wrong force's
    download was found only once loaded (or not at all); it now says what the load says, from the records it read."""
    db = tmp_path / "wh.duckdb"
    theirs = street_file(tmp_path, "2018-02", "Humberside Police", 20, 5)
    ours = street_file(tmp_path, "2018-02", "South Yorkshire Police", 30, 6)
    result = run_cli("validate", theirs, "--db", db)
    assert result.exit_code == 0, result.output
    assert ": passed" in result.stdout
    assert (" It holds no record of South Yorkshire Police: its records are Humberside Police's street-level crime of "
            "February 2018, kept to compare South Yorkshire Police with other forces, and count in none of South "
            "Yorkshire Police's own figures. If South Yorkshire Police's file was meant, download it from "
            "data.police.uk and load it.") in result.stdout
    mine = run_cli("validate", ours, "--db", db)
    assert mine.exit_code == 0 and ": passed" in mine.stdout and "holds no record" not in mine.stdout
    with warehouse.connect_read_only(db) as con:
        assert con.execute("SELECT count(*) FROM police_uk_month").fetchone() == (0,), "a dry run keeps nothing"


def test_the_group_comes_from_police_uk_yaml_and_the_force_comes_first(november, in_force):
    assert reference().most_similar_group == tuple(GROUP_FORCES)
    f = force_funnel(november, total_crime(), "2017-11", GROUP)
    assert [p.district for p in f.points] == ["South Yorkshire Police", "West Yorkshire Police", "Humberside Police",
                                              "Merseyside Police"]  # the group's order, not the rates'
    assert f.left_out == ("Northumbria Police (no police.uk file of November 2017 loaded with this measure)",)
    assert "Cleveland Police" not in {p.district for p in f.points}


def test_a_force_outside_the_limits_is_said_to_be_and_one_inside_is_not(november, in_force):
    f = force_funnel(november, total_crime(), "2017-11", GROUP)
    by = {p.district: p for p in f.points}
    # all four together: 1,420 crimes among 330,000 residents, 430.3 per 100,000. West Yorkshire, 500 where
    # 430.3 are expected, is 3.4 standard deviations out; South Yorkshire, 400, is 1.5 below.
    assert f.centre == pytest.approx(100_000 * 1420 / 330_000)
    assert by["West Yorkshire Police"].outside == "above_998"
    assert by["West Yorkshire Police"].sentence == ("West Yorkshire Police: 500.0 per 100,000 residents (500 in a "
                                                    "population of 100,000), above the 99.8% limit: unlikely to be "
                                                    "chance alone.")
    assert by["South Yorkshire Police"].outside == ""
    assert by["South Yorkshire Police"].sentence.endswith("400 in a population of 100,000), within the range "
                                                          "expected by chance.")
    words = " ".join([f.summary, *(p.sentence for p in f.points)]).lower()
    for ranking in ("highest", "lowest", "best", "worst", "rank ", "top", "bottom", "league"):
        assert ranking not in words.replace("not ranked", "")


def test_limits_for_a_known_population_and_rate_are_the_exact_poisson_ones(november, in_force):
    f = force_funnel(november, total_crime(), "2017-11", GROUP)
    sy = f.points[0]
    expected = 1420 / 330_000 * 100_000  # crimes expected in 100,000 residents at the group's rate
    for level, tail in ((0.95, 0.025), (0.998, 0.001)):
        lower = max(interpolated(lambda k: poisson_cdf(k, expected), tail), 0.0)
        upper = interpolated(lambda k: poisson_cdf(k, expected), 1 - tail)
        assert sy.limits[level] == pytest.approx((lower, upper), abs=1e-9)  # per 100,000 of 100,000: the counts


def test_england_and_wales_takes_every_force_loaded_and_names_one_without_a_population(november, in_force):
    f = force_funnel(november, total_crime(), "2017-11", ENGLAND_AND_WALES)
    assert [p.district for p in f.points] == ["South Yorkshire Police", "Cleveland Police", "Humberside Police",
                                              "Merseyside Police", "West Yorkshire Police"]  # by name after the force
    assert f.left_out == ("Kent Police (no population in force_population.csv)",)
    assert f.centre == pytest.approx(100_000 * (1420 + 215) / 380_000)
    assert "5 of the 43 forces of England and Wales (those loaded)" in f.summary


def test_the_charge_share_is_compared_with_binomial_limits(november, in_force):
    f = force_funnel(november, catalogue().get("police_uk_charge_share"), "2017-11", GROUP)
    assert f.method == "binomial"
    assert f.centre == pytest.approx(100 * 330 / 1420)
    assert f.points[0].sentence.startswith("South Yorkshire Police: 25.0% (100 of 400)")


def test_too_few_forces_loaded_is_said_with_what_to_load(forces_db, in_force):
    with warehouse.connect_read_only(forces_db) as con:
        october = force_totals(con, "2017-10")
    with pytest.raises(FunnelError, match=r"Too few forces to compare Crimes other than ASB \(police.uk\) for "
                                          r"October 2017: of its most similar group, only South Yorkshire Police has "
                                          r"a figure.*"
                                          r"pccdash ingest"):
        force_funnel(october, total_crime(), "2017-10", GROUP)
    with pytest.raises(FunnelError, match="South Yorkshire Police has no Outcomes"):
        force_funnel(october, catalogue().get("police_uk_outcomes_recorded"), "2017-10", GROUP)


def test_too_few_forces_says_what_is_missing_a_file_or_a_population_not_both(november, in_force):
    """Regression: the note told the analyst to "give each force's population in force_population.csv" whenever a
    force could not be compared, though every population was given and what was missing was a month's file."""
    theirs = {name: figures for name, figures in november.items() if name != "South Yorkshire Police"}
    with pytest.raises(FunnelError) as own_missing:
        force_funnel(theirs, total_crime(), "2017-11", GROUP)
    assert str(own_missing.value) == (
        "South Yorkshire Police has no Crimes other than ASB (police.uk) figure for November 2017 to compare: load its "
        'police.uk file of the month from data.police.uk with "pccdash ingest".')
    alone = {"South Yorkshire Police": november["South Yorkshire Police"]}
    with pytest.raises(FunnelError) as others_missing:
        force_funnel(alone, total_crime(), "2017-11", GROUP)
    assert str(others_missing.value).endswith(
        "only South Yorkshire Police has a figure. To compare, load the other forces' police.uk files of November "
        '2017 from data.police.uk with "pccdash ingest".')
    with pytest.raises(FunnelError) as none_loaded:
        force_funnel(alone, total_crime(), "2017-11", ENGLAND_AND_WALES)
    assert "force_population.csv" not in str(none_loaded.value) and "pccdash ingest" in str(none_loaded.value)
    # the one other force loaded has no population: that, and not a file, is what is missing
    with_kent = {**alone, "Kent Police": november["Kent Police"]}
    with pytest.raises(FunnelError) as no_population:
        force_funnel(with_kent, total_crime(), "2017-11", ENGLAND_AND_WALES)
    assert str(no_population.value).endswith(
        "only South Yorkshire Police has a figure. To compare, give the population of Kent Police in "
        "force_population.csv.")


def test_the_bundled_group_and_populations_are_read_and_agree_with_the_districts():
    bundled = yaml.safe_load((REFERENCE_DIR / "police_uk.yaml").read_text(encoding="utf-8"))
    assert reference().most_similar_group == tuple(bundled["most_similar_group"])
    assert len(bundled["most_similar_group"]) == 7
    people = force_populations()
    assert people.of("South Yorkshire Police") == load_population().force_total
    assert all(people.of(name) for name in bundled["most_similar_group"])
    assert "ONS" in people.source and people.year == "mid-2021"


@pytest.mark.parametrize(("group", "message"), [
    (["South Yorkshire Police"], "is the force itself"),
    (["West Yorkshire Constabulary"], "is not one of the forces listed"),
    (["Kent Police", "Kent Police"], "listed twice"),
])
def test_a_wrong_group_is_refused_naming_the_force(tmp_path, monkeypatch, group, message):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    police = yaml.safe_load((folder / "police_uk.yaml").read_text(encoding="utf-8"))
    police["most_similar_group"] = group
    (folder / "police_uk.yaml").write_text(yaml.safe_dump(police, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    with pytest.raises(ConfigError, match=rf'most_similar_group".*{message}'):
        reference()


def test_a_wrong_population_row_is_refused_naming_its_line(tmp_path, monkeypatch):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    (folder / "force_population.csv").write_text("# residents\nforce,population,source,year\n"
                                                 "Kent Police,lots,ONS,mid-2021\n", encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    with pytest.raises(ConfigError, match=r'line 3: the population of "Kent Police" should be a whole number'):
        force_populations()


def test_the_context_pages_charts_are_named_by_their_titles_and_say_what_they_show_once(monkeypatch, forces_db,
                                                                                        in_force):
    """WCAG 1.1.1: a screen reader met the context page's charts as unnamed graphics, so each is named by its title.
    Regression: the forces' funnel was named by its title and its summary, which the text under it says again, so a
    screen reader heard it twice. The month-by-month chart's places and months and the funnel's summary are each said
    once, under the chart."""
    at = internal(monkeypatch, forces_db, "internal_pages/context.py")
    assert not at.exception
    names = {html.unescape(json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")): c.proto.alt
             for c in at.get("plotly_chart")}
    assert len(names) == 2 and all(alt == title for title, alt in names.items()), names
    shown = texts(at)
    by_month = [c for c in shown.split("\n") if re.match(r"A (line|bar) for each of .*Barnsley", c)]
    funnel = [c for c in shown.split("\n") if "together stand at" in c and "per 100,000 residents" in c]
    assert len(by_month) == len(funnel) == 1, (by_month, funnel)
    assert shown.count(by_month[0]) == shown.count(funnel[0]) == 1


def test_the_context_page_shows_the_funnel_and_a_sentence_for_each_force(monkeypatch, forces_db, in_force):
    at = internal(monkeypatch, forces_db, "internal_pages/context.py")
    assert not at.exception
    spec = next(c.proto.spec for c in at.get("plotly_chart") if "99.8% limits" in c.proto.spec)
    assert "West Yorkshire Police" in spec and "All forces compared" in spec
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "- West Yorkshire Police: 500.0 per 100,000 residents" in shown and "above the 99.8% limit" in shown
    assert "- South Yorkshire Police: 400.0 per 100,000 residents" in shown and "not ranked" in shown
    assert any(c.value == "Left out: Northumbria Police (no police.uk file of November 2017 loaded with this measure)."
               for c in at.caption)
    at.selectbox(key="force_compare_with").select(ENGLAND_AND_WALES).run()
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "- Cleveland Police: 430.0 per 100,000 residents" in shown
    at.selectbox(key="context_month").select("2017-10").run()
    assert not at.exception
    assert any("Too few forces to compare" in i.value for i in at.info)
