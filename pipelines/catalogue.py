"""Reference data read from declarative files: the force and its districts, the measure catalogue."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError

# libyaml's loader reads the same documents about ten times faster than the pure-Python one
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

REFERENCE_DIR = Path(__file__).parent / "reference"
KINDS = ("flow", "stock", "percentage")
DIRECTIONS = ("good", "bad", "neutral")
SOURCES = ("force_return", "police_uk")


def reference_dir() -> Path:
    """Where the reference files live: `PCCDASH_REFERENCE_DIR` if set, else the bundled folder."""
    return Path(os.environ.get("PCCDASH_REFERENCE_DIR") or REFERENCE_DIR)


def reference_stamp(*names: str) -> tuple:
    """The reference folder and its files' modification times: a cache keyed on it re-reads an edited file
    (the office edits these while the dashboard runs, and no one should need to restart it)."""
    folder = reference_dir()
    stamps = []
    for name in names:
        try:
            stamps.append((folder / name).stat().st_mtime_ns)
        except OSError:
            stamps.append(None)
    return (str(folder), *stamps)


def optional_file_mtime(path: str | Path | None, name: str) -> tuple[Path, float | None]:
    """The reference file `path` (default: `name` in the reference folder) and its modification time, for an
    mtime-keyed cache; None when the default file is absent (such a file is optional), ConfigError when a
    file asked for by path is."""
    file = Path(path) if path is not None else reference_dir() / name
    try:
        return file, file.stat().st_mtime
    except FileNotFoundError:
        if path is not None:
            raise ConfigError(f'Reference file "{file}" is missing.') from None
        return file, None


def _load_yaml(name: str) -> dict:
    path = reference_dir() / name
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=YAML_LOADER)
    except FileNotFoundError as exc:
        raise ConfigError(f'Reference file "{path}" is missing.') from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f'Reference file "{path}" is not valid YAML: {exc}') from exc
    if not isinstance(data, dict):
        raise ConfigError(f'Reference file "{path}" should hold a mapping at its top level.')
    return data


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    short_name: str
    unit: str
    kind: str
    increase_is: str
    value_type: str
    source: str = "force_return"
    numerator: str | None = None
    denominator: str | None = None
    part_of: str | None = None
    aliases: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()  # what every figure of the measure carries: its source's, then its own

    @property
    def is_count(self) -> bool:
        return self.value_type == "integer"

    @property
    def from_force_return(self) -> bool:
        """Whether the force's return reports it (else it is context, such as police.uk open data)."""
        return self.source == "force_return"


@dataclass(frozen=True)
class Catalogue:
    measures: tuple[Measure, ...]
    by_id: dict = field(repr=False)
    source_caveats: dict = field(default_factory=dict, repr=False)  # source -> what all its figures carry

    def get(self, measure_id: str) -> Measure:
        try:
            return self.by_id[measure_id]
        except KeyError:
            raise ConfigError(f'"{measure_id}" is not in the measure catalogue.') from None

    def ids(self, source: str | None = None) -> list[str]:
        """Every measure id in catalogue order, or those of one `source` (force_return, police_uk)."""
        return [m.id for m in self.measures if source is None or m.source == source]

    def of_source(self, source: str) -> list[Measure]:
        return [m for m in self.measures if m.source == source]

    def lookup(self) -> dict[str, str]:
        """Lower-cased id, name and alias -> measure id, for reading returns."""
        out: dict[str, str] = {}
        for m in self.measures:
            for label in (m.id, m.name, m.short_name, *m.aliases):
                out[label.strip().lower()] = m.id
        return out


@dataclass(frozen=True)
class Force:
    office_name: str
    holder_title: str
    force_name: str
    force_short_name: str
    districts: tuple[str, ...]
    district_aliases: dict = field(repr=False)
    total_names: tuple[str, ...] = ()

    def district_lookup(self) -> dict[str, str]:
        """Lower-cased district name or alias -> district name."""
        out = {d.lower(): d for d in self.districts}
        out.update(self.district_aliases)
        return out


def _caveat_list(where: str, value: object) -> tuple[str, ...]:
    """A list of caveats, each one sentence or more of plain text (folded YAML's line breaks undone)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise ConfigError(f"{where}: caveats should be a list of texts.")
    return tuple(" ".join(c.split()) for c in value)


@functools.lru_cache(maxsize=8)
def _catalogue(stamp: tuple) -> Catalogue:
    data = _load_yaml("measures.yaml")
    source_caveats = data.get("source_caveats") or {}
    if not isinstance(source_caveats, dict) or set(source_caveats) - set(SOURCES):
        raise ConfigError(f"measures.yaml, source_caveats: should map a source ({', '.join(SOURCES)}) to a list "
                          "of caveats.")
    by_source = {s: _caveat_list(f"measures.yaml, source_caveats, {s}", c) for s, c in source_caveats.items()}
    measures = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("measures") or []):
        where = f'measures.yaml, measure {i + 1} ("{raw.get("id", "?")}")'
        try:
            source = raw.get("source", "force_return")
            m = Measure(
                id=raw["id"], name=raw["name"], short_name=raw.get("short_name", raw["name"]),
                unit=raw["unit"], kind=raw["kind"], increase_is=raw["increase_is"],
                value_type=raw.get("value_type", "integer"), source=source,
                numerator=raw.get("numerator"), denominator=raw.get("denominator"),
                part_of=raw.get("part_of"), aliases=tuple(raw.get("aliases") or ()),
                caveats=(*by_source.get(source, ()), *_caveat_list(where, raw.get("caveats"))),
            )
        except KeyError as exc:
            raise ConfigError(f"{where}: the field {exc} is required.") from None
        if m.source not in SOURCES:
            raise ConfigError(f'{where}: source "{m.source}" should be one of {", ".join(SOURCES)}.')
        if m.kind not in KINDS:
            raise ConfigError(f'{where}: kind "{m.kind}" should be one of {", ".join(KINDS)}.')
        if m.increase_is not in DIRECTIONS:
            raise ConfigError(f'{where}: increase_is "{m.increase_is}" should be one of '
                              f'{", ".join(DIRECTIONS)}.')
        if m.kind == "percentage" and not (m.numerator and m.denominator):
            raise ConfigError(f"{where}: a percentage needs a numerator and a denominator.")
        if m.id in seen:
            raise ConfigError(f"{where}: the id is used twice.")
        seen.add(m.id)
        measures.append(m)
    by_id = {m.id: m for m in measures}
    labels: dict[str, str] = {}
    for m in measures:
        for ref in (m.numerator, m.denominator, m.part_of):
            if ref and ref not in seen:
                raise ConfigError(f'measures.yaml, measure "{m.id}": refers to "{ref}", '
                                  "which is not in the catalogue.")
            if ref and by_id[ref].source != m.source:
                raise ConfigError(f'measures.yaml, measure "{m.id}": refers to "{ref}", which has another source '
                                  f"({by_id[ref].source}, not {m.source}).")
        for label in {x.strip().lower() for x in (m.id, m.name, m.short_name, *m.aliases)}:
            if labels.setdefault(label, m.id) != m.id:
                raise ConfigError(f'measures.yaml, measure "{m.id}": the name or alias "{label}" is also '
                                  f'measure "{labels[label]}"\'s; a return could not say which it means.')
    return Catalogue(tuple(measures), {m.id: m for m in measures}, by_source)


def catalogue() -> Catalogue:
    """The measure catalogue (cached until measures.yaml changes)."""
    return _catalogue(reference_stamp("measures.yaml"))


@functools.lru_cache(maxsize=8)
def _force(stamp: tuple) -> Force:
    data = _load_yaml("force.yaml")
    try:
        districts = tuple(d["name"] for d in data["districts"])
        aliases = {a.lower(): d["name"] for d in data["districts"] for a in d.get("aliases") or ()}
        return Force(
            office_name=data["office"]["name"], holder_title=data["office"].get("holder_title", ""),
            force_name=data["force"]["name"],
            force_short_name=data["force"].get("short_name", data["force"]["name"]),
            districts=districts, district_aliases=aliases,
            total_names=tuple(data.get("force_total_names") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"force.yaml: the field {exc} is required.") from None


def force() -> Force:
    """The force, its districts and the office that holds it to account."""
    return _force(reference_stamp("force.yaml"))


def listed(names: list[str]) -> str:
    """'Barnsley', 'Barnsley and Rotherham', 'Barnsley, Rotherham and Sheffield': each name once, in order."""
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@functools.lru_cache(maxsize=8)
def _id_pattern(ids: tuple[str, ...]):
    import re

    return re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True))
                      + r")(?![A-Za-z0-9_])")


def with_measure_names(text: str) -> str:
    """Every catalogue measure id in a text (a check's stored message, a caveat) as the measure's short name."""
    return measure_namer()(text)


def measure_namer():
    """`with_measure_names` with the catalogue read once: for a whole column of texts."""
    names = {m.id: m.short_name for m in catalogue().measures}
    pattern = _id_pattern(tuple(names))

    def named(text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        return pattern.sub(lambda m: names[m.group(1)], text)

    return named

