"""Each measure's SPC history: the chart settings, its baseline and the months its process changed.

``pipelines/reference/spc_history.yaml`` says how every XmR chart is built and, measure by measure, the
baseline its limits are computed from (the first N points of each segment, or a period) and the months
from which they are recalculated (a rebase), each with the reason and who recorded it. It belongs to the
measure, not to a Police and Crime Plan, so a chart's limits stay the same when a plan lapses or a new
one is adopted. The office edits the file, so ``record_version`` puts each version of it not yet seen on the
audit trail.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..catalogue import YAML_LOADER, catalogue, optional_file_mtime, reference_dir, reference_file
from ..errors import ConfigError
from ..yaml_lines import not_yaml
from .periods import month_label, month_number
from .spc import WHOLE_SEGMENT, Baseline, SpcSettings

FILE = "spc_history.yaml"
_TOP_KEYS = {"spc", "measures"}
_MEASURE_KEYS = {"rebase", "baseline"}
_REBASE_KEYS = {"month", "reason", "recorded_by", "recorded_on"}
_REBASE_REQUIRED = {"month", "reason"}
_BASELINE_KEYS = {"fix_after", "from", "to"}
AUDIT_ACTION = "spc_history"
AUDIT_IDENTITY = "pccdash"  # the program noticing the office's edit; who declared a rebase is in the file
_SPC_KEYS = {"shift_length", "trend_length", "screen_outliers", "min_points"}


@dataclass(frozen=True)
class Rebase:
    """A month from which a measure's limits are recalculated, and why its process changed then."""

    month: int
    reason: str
    recorded_by: str | None = None
    recorded_on: dt.date | None = None

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def recorded(self) -> str:
        """Who recorded the rebase and when, in words ("" when the file does not say)."""
        by = f"recorded by {self.recorded_by}" if self.recorded_by else ""
        on = f"{self.recorded_on:%d %B %Y}".lstrip("0") if self.recorded_on else ""
        return f"{by} on {on}" if by and on else by or (f"recorded on {on}" if on else "")

    @property
    def text(self) -> str:
        """The rebase as a chart's note says it."""
        who = f" ({self.recorded})" if self.recorded else ""
        return f"Limits recalculated from {self.label}: {self.reason}{who}"


def baseline_text(baseline: Baseline) -> str:
    """A baseline in words, as a chart's note and the audit trail say it."""
    if baseline.fix_after is not None:
        return f"limits from the first {baseline.fix_after} points of each segment, then held"
    if baseline.start is not None and baseline.end is not None:
        return f"limits from {month_label(baseline.start)} to {month_label(baseline.end)}, then held"
    return "limits from every point of each segment"


@dataclass(frozen=True)
class SpcHistory:
    """The chart settings every measure shares, and each measure's rebases in month order."""

    spc: SpcSettings = field(default_factory=SpcSettings)
    rebases: dict[str, tuple[Rebase, ...]] = field(default_factory=dict)
    baselines: dict[str, Baseline] = field(default_factory=dict)

    def rebases_of(self, measure_id: str) -> tuple[Rebase, ...]:
        return self.rebases.get(measure_id, ())

    def baseline_of(self, measure_id: str) -> Baseline:
        """The points each segment's limits come from (every point, unless the measure declares one)."""
        return self.baselines.get(measure_id, WHOLE_SEGMENT)

    def lines(self) -> list[str]:
        """The whole history, one line per declaration: what the audit trail keeps and compares."""
        st = self.spc
        out = [f"settings: shift {st.shift_length}, trend {st.trend_length}, screen outliers "
               f"{'yes' if st.screen_outliers else 'no'}, min points {st.min_points}"]
        for measure_id in sorted(set(self.rebases) | set(self.baselines)):
            if measure_id in self.baselines:
                out.append(f"{measure_id} baseline: {baseline_text(self.baselines[measure_id])}")
            out += [f"{measure_id} rebase: {r.text}" for r in self.rebases_of(measure_id)]
        return out

    def rebase_months(self, measure_id: str) -> tuple[int, ...]:
        """The month numbers a measure's chart starts a new segment at (empty: one segment)."""
        return tuple(r.month for r in self.rebases_of(measure_id))


def _fields(where: str, raw: object, allowed: set[str], required: set[str], example: str) -> dict:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: should be a mapping with the fields {', '.join(sorted(allowed))}, "
                          f"e.g. {example}.")
    unknown = sorted(str(k) for k in set(raw) - allowed)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        raise ConfigError(f'{where}: unknown field "{unknown[0]}"{extra}; the fields are '
                          f"{', '.join(sorted(allowed))}.")
    missing = sorted(required - set(raw))
    if missing:
        raise ConfigError(f'{where}: the field "{missing[0]}" is required, e.g. {example}.')
    return raw


def _month(where: str, name: str, value: object) -> int:
    try:
        return month_number(value if isinstance(value, dt.date) else str(value))  # a pandas Timestamp too
    except ValueError as exc:
        raise ConfigError(f"{where}: {name} {exc} Write it as YYYY-MM, e.g. {name}: 2014-08.") from None


def _rebase(where: str, raw: object) -> Rebase:
    example = ("{month: 2014-08, reason: The Jay report changed how CSE was recorded, recorded_by: "
               "analyst@example.org, recorded_on: 2014-09-15}")
    raw = _fields(where, raw, _REBASE_KEYS, _REBASE_REQUIRED, example)
    number = _month(where, "month", raw["month"])
    reason = raw["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{where}: the reason should say in words what changed in the process that month "
                          "(a rebase without one cannot be checked by anyone reading the chart).")
    by = raw.get("recorded_by")
    if by is not None and (not isinstance(by, str) or not by.strip()):
        raise ConfigError(f"{where}: recorded_by should name who declared the rebase, e.g. "
                          "recorded_by: analyst@example.org.")
    on = raw.get("recorded_on")
    if on is not None:
        try:
            on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
        except ValueError:
            raise ConfigError(f'{where}: recorded_on "{on}" is not a date; write it as YYYY-MM-DD, e.g. '
                              "recorded_on: 2014-09-15.") from None
    return Rebase(number, " ".join(reason.split()), " ".join(by.split()) if by else None, on)


def _baseline(where: str, raw: object, rebases: tuple[Rebase, ...]) -> Baseline:
    example = "{fix_after: 20} or {from: 2014-08, to: 2016-03}"
    raw = _fields(where, raw, _BASELINE_KEYS, set(), example)
    if "fix_after" in raw:
        if set(raw) != {"fix_after"}:
            raise ConfigError(f"{where}: give either fix_after or a period (from and to), not both, e.g. {example}.")
        n = raw["fix_after"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise ConfigError(f"{where}: fix_after should be a whole number of points, at least 2, not {n!r}.")
        return Baseline(fix_after=n)
    if set(raw) != {"from", "to"}:
        raise ConfigError(f"{where}: a baseline is fix_after, or a period with both from and to, e.g. {example}.")
    start, end = _month(where, "from", raw["from"]), _month(where, "to", raw["to"])
    if start > end:
        raise ConfigError(f"{where}: the baseline runs from {month_label(start)} to {month_label(end)}, which "
                          "ends before it starts; swap them.")
    for r in rebases:
        if start < r.month <= end:
            raise ConfigError(f"{where}: the baseline {month_label(start)} to {month_label(end)} spans the rebase "
                              f"of {r.label}; limits after a rebase come from the months after it, so end the "
                              "baseline before the rebase or start it there.")
    return Baseline(start=start, end=end)


def _measure(measure_id: str, raw: object) -> tuple[tuple[Rebase, ...], Baseline | None]:
    cat = catalogue()
    where = f'{FILE}, measures, "{measure_id}"'
    if measure_id not in cat.by_id:
        hint = difflib.get_close_matches(measure_id, cat.ids(), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        raise ConfigError(f'{where}: "{measure_id}" is not in the measure catalogue{extra}; the entries under '
                          f'measures are measure ids from "{reference_file("measures.yaml")}".')
    raw = _fields(where, raw, _MEASURE_KEYS, set(), "rebase: [{month: 2014-08, reason: ...}]")
    items = raw.get("rebase") or []
    items = items if isinstance(items, list) else [items]
    rebases = [_rebase(f"{where}, rebase {i}", item) for i, item in enumerate(items, start=1)]
    seen: dict[int, int] = {}
    for i, r in enumerate(rebases, start=1):
        if r.month in seen:
            raise ConfigError(f"{where}, rebase {i}: {r.label} is already rebase {seen[r.month]}; a month "
                              "starts one new segment, so give it once with one reason.")
        seen[r.month] = i
    ordered = tuple(sorted(rebases, key=lambda r: r.month))
    baseline = _baseline(f"{where}, baseline", raw["baseline"], ordered) if raw.get("baseline") is not None else None
    return ordered, baseline


def _settings(raw: object) -> SpcSettings:
    if raw is None:
        return SpcSettings()
    raw = _fields(f"{FILE}, spc", raw, _SPC_KEYS, set(), "shift_length: 7")
    try:
        return SpcSettings(**raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{FILE}, spc: {exc}") from None


def history_from_dict(data: object) -> SpcHistory:
    """Validate an already-parsed history file (tests build these in code); None or {} is no rebase at all."""
    if data is None:
        return SpcHistory()
    if not isinstance(data, dict):
        raise ConfigError(f"{FILE}: should be a mapping with the fields spc and measures.")
    unknown = sorted(str(k) for k in set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f'{FILE}: unknown top-level field "{unknown[0]}"; the fields are spc and measures.')
    measures = data.get("measures") or {}
    if not isinstance(measures, dict):
        raise ConfigError(f"{FILE}, measures: should map each measure id to its rebases, e.g. "
                          "cse_charges: {rebase: [{month: 2014-08, reason: ...}]}.")
    parsed = {str(k): _measure(str(k), v) for k, v in measures.items()}
    return SpcHistory(_settings(data.get("spc")), {k: r for k, (r, _) in parsed.items() if r},
                      {k: b for k, (_, b) in parsed.items() if b is not None})


@functools.cache
def _load(path: str, mtime: float) -> SpcHistory:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(not_yaml(path, exc)) from None
    return history_from_dict(data)


def load_spc_history(path: str | Path | None = None) -> SpcHistory:
    """The SPC history in ``spc_history.yaml`` (or ``path``), validated against the catalogue.

    Cached on the file's path and modification time, so an edited file is read again. A reference
    folder without the file has no rebases and Making Data Count's default settings.
    """
    file, mtime = optional_file_mtime(path, FILE)
    return _NO_FILE if mtime is None else _load(str(file), mtime)


# one value for "no file", as a file read once is one value: answers kept on the history they were judged by
# (the plan statuses of a month) stay kept while the file stays absent
_NO_FILE = SpcHistory()

load_history = load_spc_history  # the name each reference file's loader goes by in `pccdash check`


def _version(path: Path) -> tuple[str, list[str]]:
    """(sha256 of the file's bytes, its declarations one a line); a file that does not validate is one line
    saying why, so that even a broken version reaches the trail."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return hashlib.sha256(b"").hexdigest(), ["no file: Making Data Count's settings, no baseline or rebase"]
    sha = hashlib.sha256(data).hexdigest()
    try:
        return sha, load_spc_history(path).lines()
    except ConfigError as exc:
        return sha, [f"the file does not validate: {' '.join(str(exc).split())}"]


def _last_detail(con) -> str | None:
    from ..warehouse import scalar

    return scalar(con, "SELECT detail FROM audit_event WHERE action = ? ORDER BY event_id DESC LIMIT 1",
                  [AUDIT_ACTION])


def is_recorded(con, path: str | Path | None = None) -> bool:
    """Whether the file as it is now is the version last put on the audit trail (a read-only connection will do)."""
    file = Path(path) if path is not None else reference_dir() / FILE
    try:
        sha = hashlib.sha256(file.read_bytes()).hexdigest()
    except FileNotFoundError:
        sha = hashlib.sha256(b"").hexdigest()
    return (_last_detail(con) or "").partition("\n")[0] == f"sha256 {sha}"


def record_version(con, path: str | Path | None = None) -> bool:
    """Put a new version of spc_history.yaml on the audit trail, the first time the warehouse sees it.

    A rebase or a baseline moves every limit after it, so a change to one is an action to account for,
    although the office makes it by editing a file: its sha256 and what changed (lines added and removed,
    against the version last recorded) go on the trail, with the whole history after them so that the next
    version can be compared. True when it recorded one.
    """
    from .. import audit

    file = Path(path) if path is not None else reference_dir() / FILE
    sha, now = _version(file)
    last = _last_detail(con)
    before: list[str] | None = None
    if last:
        head, _, rest = last.partition("\n")
        if head == f"sha256 {sha}":
            return False
        before = rest.partition("declared:\n")[2].splitlines()
    if before is None:
        changed = ["first version seen"]
    else:
        changed = ([f"+ {line}" for line in now if line not in before]
                   + [f"- {line}" for line in before if line not in now]) or ["nothing declared differs (layout only)"]
    detail = "\n".join([f"sha256 {sha}", "changed:", *changed, "declared:", *now])
    with audit.transaction(con):
        audit.record(con, audit.system_actor(AUDIT_IDENTITY), AUDIT_ACTION, subject=FILE, detail=detail)
    return True


def record_version_in(db=None) -> bool:
    """``record_version`` for a command that reads the warehouse only: a moment read-write, only when the file
    differs from the version last recorded, so the trail has it before the command draws a chart with it."""
    from ..warehouse import connect, connect_read_only

    with connect_read_only(db) as con:
        if is_recorded(con):
            return False
    with connect(db, create=False) as con:
        return record_version(con)


_LINE = re.compile(r"^(?P<measure>\S+) (?P<what>rebase|baseline): (?P<text>.*)$")
_REBASE_TEXT = re.compile(r"^Limits recalculated from (?P<month>\w+ \d{4}): (?P<reason>.*?)"
                          r"(?: \((?:recorded (?:by|on) [^()]*)\))?$")
SUMMARY_HEAD = "Baselines and rebases changed: "


def _measure_words(measure_id: str) -> str:
    try:
        return catalogue().get(measure_id).short_name
    except (KeyError, ConfigError):
        return measure_id


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _phrases(sign: str, lines: list[str], readded: set[tuple[str, str]]) -> list[str]:
    """Declaration lines added (+) or removed (-) in words; rebases of one month and reason said together."""
    rebases: dict[tuple[str, str], list[str]] = {}
    out: list[str] = []
    settings = []
    for line in lines:
        if line.startswith("settings: "):
            settings.append(f"chart settings {'now' if sign == '+' else 'were'} {line.removeprefix('settings: ')}")
            continue
        m = _LINE.match(line)
        if m is None:
            out.append(line)
            continue
        name, text = _measure_words(m["measure"]), m["text"]
        if m["what"] == "baseline":
            if sign == "+":
                out.append(f"{name} baseline now {text}")
            elif (m["measure"], "baseline") not in readded:
                out.append(f"{name} baseline removed (limits from every point of each segment)")
            continue
        r = _REBASE_TEXT.match(text)
        month, reason = (r["month"], r["reason"]) if r else (text, "")
        if sign == "-":
            if (m["measure"], month) not in readded:
                out.append(f"{name} rebase at {month} removed")
            continue
        rebases.setdefault((month, reason), []).append(name)
    for (month, reason), names in rebases.items():
        out.append(f"{_joined(names)} rebased at {month}" + (f" ({reason.rstrip('.')})" if reason else ""))
    return out + settings


def describe(detail: str) -> str:
    """One recorded version of the file in a sentence, as the audit trail shows it ("Baselines and rebases
    changed: Live CSE investigations rebased at August 2014 (The Jay report ...)")."""
    lines = detail.splitlines()
    changed = lines[lines.index("changed:") + 1:lines.index("declared:")] if {"changed:", "declared:"} <= set(lines) \
        else []
    declared = lines[lines.index("declared:") + 1:] if "declared:" in lines else []
    broken = next((x for x in declared if x.startswith("the file does not validate")), None)
    if broken:
        return f"{FILE} was changed but cannot be used: {broken.removeprefix('the file does not validate: ')}"
    if changed == ["first version seen"]:
        return "Baselines and rebases as first recorded: " + "; ".join(_phrases("+", declared, set())) + "."
    added = [x[2:] for x in changed if x.startswith("+ ")]
    removed = [x[2:] for x in changed if x.startswith("- ")]
    if not added and not removed:
        return f"{FILE} was rewritten; no baseline, rebase or setting differs."
    keys = set()
    for line in added:
        m = _LINE.match(line)
        if m and m["what"] == "baseline":
            keys.add((m["measure"], "baseline"))
        elif m and (r := _REBASE_TEXT.match(m["text"])):
            keys.add((m["measure"], r["month"]))
    return SUMMARY_HEAD + "; ".join(_phrases("+", added, keys) + _phrases("-", removed, keys)) + "."
