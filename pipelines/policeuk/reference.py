"""The police.uk reference file: known forces, crime types and outcomes, district placement.

Read from `police_uk.yaml` in the reference folder (`PCCDASH_REFERENCE_DIR` or the bundled one), so
another force is configured by editing files, not code. The context measures themselves, with their
caveats, are declared once, in the measure catalogue (measures.yaml, source: police_uk).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

import duckdb

from ..catalogue import catalogue, force, former_name, load_yaml, reference_dir, reference_file, reference_stamp
from ..errors import ConfigError

FILE = "police_uk.yaml"
POPULATION_FILE = "force_population.csv"
SOURCE = "police_uk"  # the catalogue's source of the context measures
# the measures the code counts from the crime types and outcome groups (pipelines/policeuk/measures.py)
COUNTED_MEASURES = ("police_uk_total_crime", "police_uk_charged", "police_uk_charge_share",
                    "police_uk_outcomes_recorded", "police_uk_outcomes_charged")


@dataclass(frozen=True)
class PoliceUkReference:
    force: str  # the "Falls within" whose records feed the context measures
    district_rules: tuple[tuple[str, str], ...]  # (LSOA name prefix, district), longest prefix first
    districts: tuple[str, ...]  # the force's districts, in force.yaml's order
    outside: str
    no_location: str
    forces: dict[str, str]  # name or alias -> police.uk force id
    crime_types: dict[str, str]  # crime type -> measure id
    historic_crime_types: tuple[str, ...]
    anti_social_behaviour: str
    outcomes: tuple[str, ...]
    charged: tuple[str, ...]  # the charged_or_summonsed outcome group
    most_similar_group: tuple[str, ...] = ()  # the forces compared with `force` (names as under forces)

    @property
    def placements(self) -> tuple[str, ...]:
        """Every district a record can be placed in: the force's, then outside, then no location."""
        return (*self.districts, self.outside, self.no_location)

    @property
    def unplaced(self) -> tuple[str, ...]:
        """The force's districts no prefix places a record in (a policing area police.uk's LSOA names cannot tell
        apart from another, as Birmingham East from Birmingham West): police.uk gives them no figure, not 0."""
        mapped = {d for _, d in self.district_rules}
        return tuple(d for d in self.districts if d not in mapped)


def _where(key: str) -> str:
    return f'{reference_dir() / FILE}, "{key}"'


@functools.lru_cache(maxsize=8)
def _reference(stamp: tuple) -> PoliceUkReference:
    data = load_yaml(FILE)
    try:
        rules = data["districts"]
        if rules.get("rule", "lsoa_name_prefix") != "lsoa_name_prefix":
            raise ConfigError(f'{_where("districts")}: the only rule is lsoa_name_prefix, not "{rules["rule"]}".')
        known_districts = force().districts
        mapping = []
        for entry in rules["map"]:
            if entry["district"] not in known_districts and (renamed := former_name(entry["district"])):
                raise ConfigError(f'{_where("districts")}: "{entry["district"]}" {renamed}')
            if entry["district"] not in known_districts:
                raise ConfigError(f'{_where("districts")}: "{entry["district"]}" is not a district of force.yaml '
                                  f"({', '.join(known_districts)}).")
            mapping.append((str(entry["prefix"]).strip(), entry["district"]))
        mapping.sort(key=lambda p: -len(p[0]))
        forces: dict[str, str] = {}
        for f in data["forces"]:
            for name in (f["name"], *(f.get("aliases") or ())):
                forces[name] = f["id"]
        crime_types = {c["name"]: c["measure"] for c in data["crime_types"]}
        ref = PoliceUkReference(
            force=data["force"], district_rules=tuple(mapping), districts=tuple(known_districts),
            outside=rules["outside"], no_location=rules["no_location"], forces=forces, crime_types=crime_types,
            historic_crime_types=tuple(data.get("historic_crime_types") or ()),
            anti_social_behaviour=data["anti_social_behaviour"], outcomes=tuple(data["outcome_categories"]),
            charged=tuple(data["outcome_groups"]["charged_or_summonsed"]),
            most_similar_group=tuple(str(f) for f in data.get("most_similar_group") or ()))
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{reference_dir() / FILE}: the field {exc} is missing or malformed.") from None
    if ref.force not in ref.forces:
        raise ConfigError(f'{_where("force")}: "{ref.force}" is not one of the forces listed.')
    for name in ref.most_similar_group:
        if name not in ref.forces or name == ref.force:
            why = "is the force itself" if name == ref.force else "is not one of the forces listed"
            raise ConfigError(f'{_where("most_similar_group")}: "{name}" {why}; the group names the other forces '
                              "the force is compared with, as they are spelt under forces.")
    context = set(catalogue().ids(SOURCE))
    for name, measure in ref.crime_types.items():
        if measure not in context:
            raise ConfigError(f'{_where("crime_types")}: "{name}" counts towards "{measure}", which is not a '
                              f'measure of "{reference_file("measures.yaml")}" with source: {SOURCE}.')
    missing = [m for m in COUNTED_MEASURES if m not in context]
    if missing:
        raise ConfigError(f"{reference_dir() / 'measures.yaml'}: the police.uk context measures "
                          f"{', '.join(missing)} are missing (each with source: {SOURCE}).")
    if len(set(ref.most_similar_group)) != len(ref.most_similar_group):
        twice = next(f for f in ref.most_similar_group if ref.most_similar_group.count(f) > 1)
        raise ConfigError(f'{_where("most_similar_group")}: "{twice}" is listed twice; give each force once.')
    unknown = [o for o in ref.charged if o not in ref.outcomes]
    if unknown:
        raise ConfigError(f'{_where("outcome_groups")}: {", ".join(unknown)} not under outcome_categories.')
    return ref


def reference() -> PoliceUkReference:
    """The police.uk reference (cached per reference folder)."""
    return _reference(reference_stamp(FILE, "measures.yaml", "force.yaml"))


def register_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The reference lists as temporary tables the contracts' set rules join: police_uk_ref_force (name, id),
    police_uk_ref_crime_type (name, measure), police_uk_ref_outcome (name, charged)."""
    import pyarrow as pa  # here: checking a force return, which never needs these, starts without it

    ref = reference()
    known_types = {**ref.crime_types, **{t: None for t in ref.historic_crime_types}}
    tables = {
        "police_uk_ref_force": pa.table({"name": list(ref.forces), "id": list(ref.forces.values())}),
        "police_uk_ref_crime_type": pa.table({"name": list(known_types),
                                              "measure": pa.array(list(known_types.values()), pa.string())}),
        "police_uk_ref_outcome": pa.table({"name": list(ref.outcomes),
                                           "charged": [o in ref.charged for o in ref.outcomes]}),
    }
    for name, table in tables.items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")


@dataclass(frozen=True)
class ForcePopulation:
    """Residents per police force area (by police.uk force id), and where the figures come from."""

    by_id: dict[str, int]
    source: str
    year: str

    def of(self, force: str) -> int | None:
        """The population of a force, by any name police_uk.yaml lists for it; None when the file has none."""
        return self.by_id.get(reference().forces.get(force, ""))


@functools.lru_cache(maxsize=8)
def _populations(stamp: tuple) -> ForcePopulation:
    path = reference_dir() / POPULATION_FILE
    if stamp[-1] is None:
        return ForcePopulation({}, "", "")
    where = f'Reference file "{path}"'
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [(i, line) for i, line in enumerate(fh, start=1) if line.strip() and not line.lstrip().startswith("#")]
    rows = list(csv.DictReader(line for _, line in lines))
    need = {"force", "population", "source", "year"}
    if not rows or not need <= set(rows[0]):
        raise ConfigError(f"{where}: should have the columns {', '.join(sorted(need))}, one force a row.")
    forces = reference().forces
    out: dict[str, int] = {}
    sources, years = [], []
    for (line, _), row in zip(lines[1:], rows, strict=False):
        name = str(row["force"] or "").strip()
        if name not in forces:
            raise ConfigError(f'{where}, line {line}: "{name}" is not a force of "{reference_file(FILE)}"; spell '
                              "it as listed there.")
        if forces[name] in out:
            raise ConfigError(f'{where}, line {line}: "{name}" is listed twice.')
        try:
            people = int(str(row["population"]).strip())
        except ValueError:
            people = 0
        if people <= 0:
            raise ConfigError(f'{where}, line {line}: the population of "{name}" should be a whole number of '
                              f'residents, not "{row["population"]}".')
        out[forces[name]] = people
        sources.append(str(row["source"]).strip())
        years.append(str(row["year"]).strip())
    return ForcePopulation(out, "; ".join(dict.fromkeys(sources)), ", ".join(dict.fromkeys(years)))


def force_populations() -> ForcePopulation:
    """The populations of force_population.csv (none when the reference folder has no such file), re-read when
    it is edited."""
    return _populations(reference_stamp(FILE, "measures.yaml", "force.yaml", POPULATION_FILE))
