"""Reference data read from declarative files: the force and its districts, the measure catalogue."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError, shown
from .office import in_sentence
from .yaml_lines import not_yaml

# libyaml's loader reads the same documents about ten times faster than the pure-Python one
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

REFERENCE_DIR = Path(__file__).parent / "reference"
KINDS = ("flow", "stock", "percentage")
DIRECTIONS = ("good", "bad", "neutral")
SOURCES = ("force_return", "police_uk")
DERIVED = "derived"  # worked out in the warehouse from other figures (a breakdown's completeness), never loaded


def reference_dir() -> Path:
    """Where the reference files live: `PCCDASH_REFERENCE_DIR` if set, else the bundled folder."""
    return Path(os.environ.get("PCCDASH_REFERENCE_DIR") or REFERENCE_DIR)


def reference_file(name: str) -> Path:
    """The reference file `name` as it is read: in the office's own folder where PCCDASH_REFERENCE_DIR points, else
    the bundled one. A message that sends someone to edit a reference file names this path."""
    return reference_dir() / name


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


def reference_folder_stamp() -> tuple:
    """`reference_stamp` of every file in the reference folder: for an answer made from several of them."""
    try:
        names = sorted(n for n in os.listdir(reference_dir()) if not n.startswith("."))
    except OSError:
        names = []
    return reference_stamp(*names)


def missing_reference(path: str | Path) -> ConfigError:
    """The sentence for a reference file that is not there: a folder that does not exist (PCCDASH_REFERENCE_DIR
    mistyped) said as such, once the reason for every file; else where the file goes and where its pattern is."""
    return ConfigError(missing_file_said(f'Reference file "{path}" is missing', path, "reference files",
                                         "PCCDASH_REFERENCE_DIR", "pipelines/reference"))


def missing_file_said(head: str, path: str | Path, kind: str, setting: str, bundled: str) -> str:
    """What to do of a file the office keeps in a folder of its own (`setting`) that is not there: when the folder
    itself is not there (the setting mistyped, or naming a file) that, and to set or unset it; else to put the file
    there, from the bundled copy in `bundled`, or to set the folder that holds it. `kind` names what the folder
    holds ("reference files", "data contracts"); `head` says what is missing."""
    path = Path(path)
    if not path.parent.is_dir():
        there = "is a file, not a folder" if path.parent.exists() else "does not exist"
        return (f'{head}: the folder "{path.parent}" {there}. Set {setting} to the folder that holds the office\'s '
                f"{kind}, or unset it to use the bundled {bundled}.")
    return (f"{head}: put the office's {path.name} there (the bundled {bundled}/{path.name} shows its form), or set "
            f"{setting} to the folder that holds it.")


def optional_file_mtime(path: str | Path | None, name: str) -> tuple[Path, float | None]:
    """The reference file `path` (default: `name` in the reference folder) and its modification time, for an
    mtime-keyed cache; None when the default file is absent (such a file is optional), ConfigError when a
    file asked for by path is."""
    file = Path(path) if path is not None else reference_dir() / name
    try:
        return file, file.stat().st_mtime
    except FileNotFoundError:
        if path is not None:
            raise missing_reference(file) from None
        return file, None


def load_yaml(name: str) -> dict:
    """The mapping the reference file `name` holds; a ConfigError says why it cannot be read and what to do."""
    path = reference_dir() / name
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError) as exc:  # (PCCDASH_REFERENCE_DIR naming a file, say)
        raise missing_reference(path) from exc
    except OSError as exc:
        raise ConfigError(f'Reference file "{path}" cannot be read ({exc.strerror or exc}). Make it a readable '
                          "file of that name.") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f'Reference file "{path}" is not UTF-8 text: line {line} holds a byte that is not part of '
                          f"any character (byte {exc.start + 1} of the file). Save the file as UTF-8 text, or put back "
                          "the copy from before it was last edited.") from None
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(not_yaml(path, exc)) from None
    if not isinstance(data, dict):
        raise ConfigError(f'Reference file "{path}" should hold a mapping at its top level.')
    return data


def line_in(name: str, where: tuple) -> str:
    """", line N" of the entry at `where` (a key path, as `yaml_lines.key_lines` gives it; else the nearest entry
    holding it) in the reference file `name`, for a message; worked out only when an entry is refused."""
    from .yaml_lines import key_lines

    try:
        lines = key_lines((reference_dir() / name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""
    while where and where not in lines:
        where = where[:-1]
    line = lines.get(where)
    return f", line {line}" if line else ""


_QUOTE_HINT = " Put Yes, No, On and Off in quotes (\"Yes\"): unquoted, YAML reads them as true and false."


def _texts(value: object) -> bool:
    """Whether `value` is a list of texts (an `aliases:` list, say): a number is read as its text, but not true or
    false, which is what YAML makes of an unquoted Yes or No (the alias "Yes" would silently become "True")."""
    return isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool)
                                           for v in value)


@dataclass(frozen=True)
class Breakdown:
    """A dimension a measure may be broken down by in a return, from a month on (None: from its start)."""

    dimension: str
    since: str | None = None  # YYYY-MM


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
    breakdowns: tuple[Breakdown, ...] = ()  # the dimensions a return may break it down by, from when
    welsh: tuple[str, ...] = ()  # the words a text in Welsh names it by ("arestiad", "arestio")

    @property
    def is_count(self) -> bool:
        return self.value_type == "integer"

    @property
    def from_force_return(self) -> bool:
        """Whether the force's return reports it (else it is context, such as police.uk open data, or
        worked out from the return's breakdowns)."""
        return self.source == "force_return"

    @property
    def from_police_uk(self) -> bool:
        return self.source == "police_uk"

    @property
    def derived(self) -> bool:
        """Worked out from a breakdown of the return: the count or the share of it whose value was recorded."""
        return self.source == DERIVED


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
    data = load_yaml("measures.yaml")
    source_caveats = data.get("source_caveats") or {}
    if not isinstance(source_caveats, dict) or set(source_caveats) - set(SOURCES):
        raise ConfigError(f"measures.yaml, source_caveats: should map a source ({', '.join(SOURCES)}) to a list "
                          "of caveats.")
    by_source = {s: _caveat_list(f"measures.yaml, source_caveats, {s}", c) for s, c in source_caveats.items()}
    listed_measures = data.get("measures")
    if not isinstance(listed_measures, list) or not listed_measures:
        raise ConfigError(f"measures.yaml{line_in('measures.yaml', ('measures',))}: measures should be a list of at "
                          "least one measure, each a mapping such as \"- {id: cse_arrests, name: People arrested, "
                          'unit: people, kind: flow, increase_is: neutral}".')
    measures = []
    seen: set[str] = set()
    for i, raw in enumerate(listed_measures):
        if not isinstance(raw, dict):
            raise ConfigError(f"measures.yaml{line_in('measures.yaml', ('measures', i))}, measure {i + 1}: should be "
                              "a mapping with id, name, unit, kind and increase_is, not "
                              f'"{shown(raw)}".')
        where = f'measures.yaml, measure {i + 1} ("{shown(raw.get("id", "?"))}")'
        texts = {k: raw[k] for k in ("id", "name", "short_name", "unit") if k in raw}
        if any(not isinstance(v, str) or not v.strip() for v in texts.values()):
            bad = next(k for k, v in texts.items() if not isinstance(v, str) or not v.strip())
            raise ConfigError(f"measures.yaml{line_in('measures.yaml', ('measures', i, bad))}, measure {i + 1}: {bad} "
                              f"should be a text, not {shown(raw[bad])!r}.")
        if raw.get("aliases") is not None and not _texts(raw["aliases"]):
            raise ConfigError(f"measures.yaml{line_in('measures.yaml', ('measures', i, 'aliases'))}, measure {i + 1}: "
                              "aliases should be a list of texts, such as [CSE arrests, Arrests]." + _QUOTE_HINT)
        if raw.get("welsh") is not None and not _texts(raw["welsh"]):
            raise ConfigError(f"measures.yaml{line_in('measures.yaml', ('measures', i, 'welsh'))}, measure {i + 1}: "
                              "welsh should be a list of words, such as [arestiad, arestiadau, arestio]." + _QUOTE_HINT)
        try:
            source = raw.get("source", "force_return")
            m = Measure(
                id=raw["id"], name=raw["name"], short_name=raw.get("short_name", raw["name"]),
                unit=raw["unit"], kind=raw["kind"], increase_is=raw["increase_is"],
                value_type=raw.get("value_type", "integer"), source=source,
                numerator=raw.get("numerator"), denominator=raw.get("denominator"),
                part_of=raw.get("part_of"), aliases=tuple(str(a) for a in raw.get("aliases") or ()),
                caveats=(*by_source.get(source, ()), *_caveat_list(where, raw.get("caveats"))),
                breakdowns=_breakdown_list(where, raw.get("breakdowns")),
                welsh=tuple(str(w) for w in raw.get("welsh") or ()),
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
            if ref and by_id[ref].source != m.source:  # (a derived measure refers to what it is made from)
                raise ConfigError(f'measures.yaml, measure "{m.id}": refers to "{ref}", which has another source '
                                  f"({by_id[ref].source}, not {m.source}).")
        _check_breakdowns(m)
        for label in {x.strip().lower() for x in (m.id, m.name, m.short_name, *m.aliases)}:
            if labels.setdefault(label, m.id) != m.id:
                raise ConfigError(f'measures.yaml, measure "{m.id}": the name or alias "{label}" is also '
                                  f'measure "{labels[label]}"\'s; a return could not say which it means.')
    measures.extend(d for m in list(measures) for b in m.breakdowns for d in completeness_measures(m, b.dimension))
    return Catalogue(tuple(measures), {m.id: m for m in measures}, by_source)


def recorded_id(measure_id: str, dimension_id: str) -> str:
    """The derived count of a measure's breakdown whose value was recorded."""
    return f"{measure_id}__{dimension_id}_recorded"


def completeness_id(measure_id: str, dimension_id: str) -> str:
    """The derived share (per cent) of a measure's breakdown whose value was recorded."""
    return f"{measure_id}__{dimension_id}_completeness"


def completeness_measures(m: Measure, dimension_id: str) -> tuple[Measure, Measure]:
    """A breakdown's completeness as two measures of their own, trended and planned like any other: the count
    whose value was recorded (every value but those declared `recorded: false`) and its share of the measure."""
    d = dimensions().get(dimension_id)
    what = in_sentence(d.name)  # "ethnicity of the suspect"
    noun = what.split(" of the ")[0]  # "ethnicity"
    with_it = f"with {'their' if d.unit == 'people' else 'the'} {noun} recorded"
    labels = [f'"{v.label}"' for v in d.values if not v.recorded]
    unrecorded = " and ".join(labels)
    recorded = Measure(
        id=recorded_id(m.id, d.id), name=f"{m.name}, {with_it}", short_name=f"{m.short_name} {with_it}",
        unit=m.unit, kind="flow", increase_is="good", value_type="integer", source=DERIVED, part_of=m.id,
        caveats=(f"Counted from the force's breakdown by {what}: every value but {unrecorded}.",))
    share = Measure(
        id=completeness_id(m.id, d.id), name=f"{d.name} recorded (share of {in_sentence(m.short_name)})",
        short_name=f"{m.short_name} {with_it} (%)", unit="per cent", kind="percentage", increase_is="good",
        value_type="decimal", source=DERIVED, numerator=recorded.id, denominator=m.id,
        caveats=(f"The share of {in_sentence(m.short_name)} {with_it} in the force's breakdown by {what}: "
                 f"{unrecorded} {'count' if len(labels) > 1 else 'counts'} as not recorded. It is a share of all "
                 "of them, and a month with no breakdown has no figure.",))
    return recorded, share


def catalogue() -> Catalogue:
    """The measure catalogue (cached until measures.yaml or dimensions.yaml changes)."""
    return _catalogue(reference_stamp("measures.yaml", "dimensions.yaml"))


def _breakdown_list(where: str, value: object) -> tuple[Breakdown, ...]:
    """A measure's `breakdowns`: a list of dimension ids, or of {dimension, from: YYYY-MM}."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{where}: breakdowns should be a list of dimensions, each an id or "
                          "{dimension: ID, from: YYYY-MM}.")
    out = []
    for item in value:
        if isinstance(item, str):
            item = {"dimension": item}
        since = str(item.get("from")) if isinstance(item, dict) and item.get("from") is not None else None
        if not isinstance(item, dict) or not isinstance(item.get("dimension"), str) or (
                since is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", since)):
            raise ConfigError(f"{where}: each breakdown should be a dimension id, or {{dimension: ID, from: YYYY-MM}}, "
                              f"not {item!r}.")
        out.append(Breakdown(item["dimension"], since))
    if len({b.dimension for b in out}) != len(out):
        raise ConfigError(f"{where}: a dimension is listed twice under breakdowns.")
    return tuple(out)


def _check_breakdowns(m: Measure) -> None:
    """Each dimension a measure may be broken down by is declared, and counts what the measure counts."""
    if not m.breakdowns:
        return
    if m.kind != "flow" or not m.is_count:
        raise ConfigError(f'measures.yaml, measure "{m.id}": only a count that adds up over months (kind flow, '
                          "value_type integer) may be broken down; its parts add up to it.")
    declared = dimensions()
    for b in m.breakdowns:
        if b.dimension not in declared.by_id:
            raise ConfigError(f'measures.yaml, measure "{m.id}": the breakdown "{b.dimension}" is not declared in '
                              f"dimensions.yaml (declared: {', '.join(declared.by_id) or 'none'}).")
        d = declared.by_id[b.dimension]
        if d.unit != m.unit:
            raise ConfigError(f'measures.yaml, measure "{m.id}": the breakdown "{d.id}" counts {d.unit} '
                              f"(dimensions.yaml) and the measure counts {m.unit}: its parts could not add up "
                              "to it.")


# ---------------------------------------------------------------------------------------------------
# Dimensions: what a measure may be broken down by (dimensions.yaml)


@dataclass(frozen=True)
class DimensionValue:
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    group: str | None = None  # the higher-level group it rolls up to, if the classification has one
    recorded: bool = True  # False: the force did not record it ("not recorded", "not stated")


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    unit: str
    source: str
    version: str
    values: tuple[DimensionValue, ...]
    definition: str = ""

    def lookup(self) -> dict[str, str]:
        """Lower-cased id, label and alias -> value id, for reading returns."""
        return {label.strip().lower(): v.id for v in self.values for label in (v.id, v.label, *v.aliases)}

    def unrecorded(self) -> tuple[str, ...]:
        """The values that say the force did not record it."""
        return tuple(v.id for v in self.values if not v.recorded)


@dataclass(frozen=True)
class PublishedBreakdown:
    """A breakdown the public side carries, at force by financial year only: by its values, or (level: group) by
    the higher-level groups they roll up to."""

    measure: str
    dimension: str
    level: str = "value"  # value | group


@dataclass(frozen=True)
class Dimensions:
    dimensions: tuple[Dimension, ...]
    by_id: dict = field(repr=False)
    published: tuple[PublishedBreakdown, ...] = ()
    never_published: dict = field(default_factory=dict, repr=False)  # dimension id -> why it is never published

    def get(self, dimension_id: str) -> Dimension:
        try:
            return self.by_id[dimension_id]
        except KeyError:
            known = ", ".join(self.by_id) or "none"
            raise ConfigError(f'"{dimension_id}" is not a dimension declared in dimensions.yaml (declared: '
                              f"{known}).") from None

    def lookup(self) -> dict[str, str]:
        """Lower-cased id and name -> dimension id, for reading a return's headings."""
        return {label.strip().lower(): d.id for d in self.dimensions for label in (d.id, d.name)}


def dimensions() -> Dimensions:
    """The declared dimensions (cached until dimensions.yaml changes); none when the file is absent."""
    return _dimensions(reference_stamp("dimensions.yaml"))


@functools.lru_cache(maxsize=8)
def _dimensions(stamp: tuple) -> Dimensions:
    from .yaml_lines import key_lines

    if stamp[1] is None:  # an office that declares no breakdowns needs no file
        return Dimensions((), {})
    path = reference_dir() / "dimensions.yaml"
    data = load_yaml("dimensions.yaml")
    lines = key_lines(path.read_text(encoding="utf-8"))

    def fail(where: tuple, text: str) -> ConfigError:
        line = lines.get(where) or lines.get(where[:2]) or lines.get(())
        return ConfigError(f"dimensions.yaml, line {line}: {text}")

    for key in ("dimensions", "never_published", "published"):
        if not isinstance(data.get(key) or [], list):
            raise fail((key,), f"{key} should be a list of entries, each starting with \"- \" on a line of its own, "
                               f"not {shown(data[key])!r}.")
    out = []
    for i, raw in enumerate(data.get("dimensions") or []):
        where = ("dimensions", i)
        if not isinstance(raw, dict):
            raise fail(where, "each dimension should be a mapping with id, name, unit, source, version and values.")
        missing = [k for k in ("id", "name", "unit", "source", "version", "values") if not raw.get(k)]
        if missing:
            raise fail(where, f'dimension "{raw.get("id", "?")}" needs {", ".join(missing)}.')
        if not isinstance(raw["values"], list):
            raise fail((*where, "values"), f'dimension "{raw["id"]}": values should be a list of values, each a '
                                           "mapping such as {id: white, label: White}.")
        values, labels = [], {}
        for j, v in enumerate(raw["values"]):
            if not isinstance(v, dict) or not v.get("id") or not v.get("label"):
                raise fail((*where, "values", j), f'dimension "{raw["id"]}": each value needs an id and a label.')
            if v.get("aliases") is not None and not _texts(v["aliases"]):
                raise fail((*where, "values", j, "aliases"), f'dimension "{raw["id"]}": a value\'s aliases should be '
                                                             "a list of texts." + _QUOTE_HINT)
            value = DimensionValue(str(v["id"]), str(v["label"]), tuple(str(a) for a in v.get("aliases") or ()),
                                   v.get("group"), bool(v.get("recorded", True)))
            for label in {x.strip().lower() for x in (value.id, value.label, *value.aliases)}:
                if labels.setdefault(label, value.id) != value.id:
                    raise fail((*where, "values", j), f'dimension "{raw["id"]}": "{label}" names both '
                                                      f'"{labels[label]}" and "{value.id}"; a return could not '
                                                      "say which it means.")
            values.append(value)
        if all(v.recorded for v in values):
            raise fail(where, f'dimension "{raw["id"]}" has no value saying it was not recorded (recorded: false): '
                              "completeness could not be counted.")
        out.append(Dimension(str(raw["id"]), str(raw["name"]), str(raw["unit"]), str(raw["source"]),
                             str(raw["version"]), tuple(values), " ".join(str(raw.get("definition") or "").split())))
    by_id: dict[str, Dimension] = {}
    for i, d in enumerate(out):
        if by_id.setdefault(d.id, d) is not d:
            raise fail(("dimensions", i), f'the dimension id "{d.id}" is used twice.')
    never: dict[str, str] = {}
    for i, raw in enumerate(data.get("never_published") or []):
        if not isinstance(raw, dict) or raw.get("dimension") not in by_id or not raw.get("reason"):
            raise fail(("never_published", i), "each entry needs a declared dimension and the reason it is never "
                                               "published.")
        never[raw["dimension"]] = " ".join(str(raw["reason"]).split())
    published = []
    for i, raw in enumerate(data.get("published") or []):
        if not isinstance(raw, dict) or raw.get("dimension") not in by_id or not raw.get("measure"):
            raise fail(("published", i), "each entry needs a measure and a declared dimension.")
        if raw["dimension"] in never:
            raise fail(("published", i), f'"{raw["dimension"]}" is declared never to be published (never_published).')
        level = raw.get("level", "value")
        grouped = any(v.group for v in by_id[raw["dimension"]].values)
        if level not in ("value", "group") or (level == "group" and not grouped):
            raise fail(("published", i), 'level is "value", or "group" for a dimension whose values have groups.')
        published.append(PublishedBreakdown(str(raw["measure"]), raw["dimension"], level))
    return Dimensions(tuple(out), by_id, tuple(published), never)


@functools.lru_cache(maxsize=8)
def _force(stamp: tuple) -> Force:
    data = load_yaml("force.yaml")

    def fail(where: tuple, text: str) -> ConfigError:
        return ConfigError(f"force.yaml{line_in('force.yaml', where)}: {text}")

    for key, example in (("office", "{name: South Yorkshire Mayoral Combined Authority, holder_title: Mayor (Police "
                                    "and Crime Commissioner functions)}"),
                         ("force", "{name: South Yorkshire Police, short_name: South Yorkshire}")):
        if not isinstance(data.get(key), dict) or not isinstance(data[key].get("name"), str) \
                or not data[key]["name"].strip():
            raise fail((key,), f"{key} should be a mapping with a name, such as \"{key}: {example}\".")
    raw_districts = data.get("districts")
    if not isinstance(raw_districts, list) or not raw_districts:
        raise fail(("districts",), 'districts should list at least one district, each on a line of its own as '
                                   '"- name: Barnsley" (with "aliases: [other spellings]" if a return may use them).')
    seen: set[str] = set()
    for i, d in enumerate(raw_districts):
        if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not d["name"].strip():
            raise fail(("districts", i), f'district {i + 1} should be a mapping with a name, such as '
                                         f'"- name: Barnsley", not "{shown(d)}".')
        if d.get("aliases") is not None and not _texts(d["aliases"]):
            raise fail(("districts", i, "aliases"), f'district "{d["name"]}": aliases should be a list of texts, '
                                                    "such as [Barnsley district]." + _QUOTE_HINT)
        if d["name"].lower() in seen:
            raise fail(("districts", i), f'the district "{d["name"]}" is listed twice.')
        seen.add(d["name"].lower())
    if data.get("force_total_names") is not None and not _texts(data["force_total_names"]):
        raise fail(("force_total_names",), "force_total_names should be a list of texts, such as [Total, Force].")
    districts = tuple(d["name"] for d in raw_districts)
    aliases = {str(a).lower(): d["name"] for d in raw_districts for a in d.get("aliases") or ()}
    return Force(
        office_name=data["office"]["name"], holder_title=data["office"].get("holder_title", ""),
        force_name=data["force"]["name"],
        force_short_name=data["force"].get("short_name", data["force"]["name"]),
        districts=districts, district_aliases=aliases,
        total_names=tuple(data.get("force_total_names") or ()),
    )


def force() -> Force:
    """The force, its districts and the office that holds it to account."""
    return _force(reference_stamp("force.yaml"))


def district_now(column: str) -> str:
    """A SQL expression for the district `column` holds, under the name force.yaml gives it now: the warehouse keeps
    a month under the name it was sent with, so a district renamed (its former name kept among its aliases) has
    earlier months held under that former name, and a flag raised before the rename is kept under it too. `column`
    itself when force.yaml gives no district an alias."""
    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    renamed = [(label, name) for label, name in force().district_aliases.items() if label != name.lower()]
    if not renamed:
        return column
    cases = " ".join(f"WHEN {quoted(label)} THEN {quoted(name)}" for label, name in sorted(renamed))
    return f"(CASE lower(trim({column})) {cases} ELSE {column} END)"


def former_name(name: object) -> str | None:
    """What to say of `name` (after the name itself) written where force.yaml's current district name is needed, when
    force.yaml keeps it among a district's aliases (a renamed district's former name, or another spelling): which
    district it is, and to write that district's name; None when it is no alias."""
    district = force().district_aliases.get(str(name).strip().lower())
    if district is None or district.lower() == str(name).strip().lower():
        return None
    return (f'is a former name of "{district}" (force.yaml keeps it among that district\'s aliases): write '
            f'"{district}".')


def held_as_one_district(names, district: str, figure: str) -> str:
    """The sentence for figures of one month held under two or more `names` that force.yaml now makes names of one
    `district` (`figure` says which: "CSE arrests in April 2013"): two districts merged into one in force.yaml. A
    merged district's figures would have to be added up (and its percentages rebuilt) from each former district's,
    month by month, which nothing does; a rename is supported, and said as the way."""
    names = sorted(dict.fromkeys(str(n) for n in names))
    quoted = " and for ".join(f'"{n}"' for n in names)
    merged = (f"The warehouse holds figures for {quoted} in the same month ({figure}), and force.yaml now makes them "
              f'names of one district, "{district}": merging districts is not supported, so keep them as separate '
              "districts in force.yaml (a renamed district is supported: keep its former name among the new name's "
              "aliases).")
    return merged


def listed(names: list[str]) -> str:
    """'Barnsley', 'Barnsley and Rotherham', 'Barnsley, Rotherham and Sheffield': each name once, in order."""
    names = list(dict.fromkeys(names))
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count said with its noun in the singular or the plural as the count falls, the one way every sentence a
    person reads says how many: "1 file", "0 files", "1,204 rows". The plural is the noun and "s" unless given:
    counted(1, "person", "people") is "1 person", counted(3, "category", "categories") "3 categories"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


@functools.lru_cache(maxsize=8)
def _id_pattern(ids: tuple[str, ...]):
    import re

    # a quoted text (a file's, sheet's or column's name, a value as written) is matched whole, and left as it is; so
    # is the id a check's advice gives beside a measure's name ('Did you mean "CSE arrests" (cse_arrests)?'), which
    # tells the force what to write, and would otherwise read "CSE arrests" (CSE arrests)
    return re.compile(r'"[^"\n]*"(?: \([a-z0-9_]+\))?|(?<![A-Za-z0-9_])('
                      + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")(?![A-Za-z0-9_])")


def with_measure_names(text: str) -> str:
    """Every catalogue measure id in a text (a check's stored message, a caveat) as the measure's short name; a quoted
    text ("cse_arrests", a sheet or file named like a measure) is what a file holds, and is left as written."""
    return measure_namer()(text)


def measure_namer():
    """`with_measure_names` with the catalogue read once: for a whole column of texts."""
    names = {m.id: m.short_name for m in catalogue().measures}
    pattern = _id_pattern(tuple(names))

    def named(text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        return pattern.sub(lambda m: names[m.group(1)] if m.group(1) else m.group(0), text)

    return named

