"""One check of every reference file and data contract, each problem named by file, line and fix.

The office edits these files by hand (a new plan, a renamed district, a person given a role), and a
page or command that reads a broken one can only say so. `pccdash check` reads them all before anyone
meets the problem, and says where each one is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .catalogue import reference_dir
from .errors import PccDashError

_LINE_IN_MESSAGE = re.compile(r"\bline (\d+)\b")
_QUOTED = re.compile(r'"([^"\n]{2,200})"')


@dataclass(frozen=True)
class Finding:
    """One reference file or contract and what its check found (no problem when `problem` is None)."""

    file: Path
    problem: str | None = None
    line: int | None = None
    blocked_by: Path | None = None  # not checked: it reads this other file, whose problem is listed before it

    @property
    def ok(self) -> bool:
        return self.problem is None

    def message(self) -> str:
        if self.blocked_by is not None:
            return (f'"{self.file}": it reads "{self.blocked_by.name}", which has the problem listed above; it is '
                    "checked once that is corrected.")
        where = f'"{self.file}"' + (f", line {self.line}" if self.line else "")
        if not self.problem:
            return f'"{self.file}": correct.'
        return f"{where}{self._after_file()}"

    def _after_file(self) -> str:
        """The problem without the file (and line) it begins by naming, which `message` has said already: what
        is left of where it is (", row 3", ', "districts"'), then what is wrong."""
        text = self.problem or ""
        for named in (f'Reference file "{self.file}"', f'"{self.file}"', str(self.file), self.file.name):
            if text.startswith(named) and text[len(named):len(named) + 2] in (", ", ": "):
                rest = text[len(named):]
                if self.line:  # said before: the rest of where it is comes after it, as its own part
                    rest = re.sub(rf"^, line {self.line}\b", "", rest)
                    rest = ": " + rest[2:] if rest.startswith(", ") else rest
                return rest
        return f": {text}"


def _split_where(message: str) -> tuple[str, str]:
    """A ConfigError reads "<where>: <what is wrong>"; split at the first ": " outside quotes."""
    quoted = False
    for i, ch in enumerate(message):
        if ch == '"':
            quoted = not quoted
        elif not quoted and message.startswith(": ", i):
            return message[:i], message[i + 2:]
    return "", message


def locate(path: Path, message: str) -> int | None:
    """The line of `path` a problem is on: as the YAML parser gave it, else where the names the message
    quotes are found in order (a plan's name, then its priority's, then the measure's)."""
    found = _LINE_IN_MESSAGE.search(message)
    if found:
        return int(found.group(1))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    where, what = _split_where(message)
    if path.suffix == ".csv" and re.search(r", row \d+\b", where):
        return None  # a CSV file's problem names its row, which a line found from a quoted value would contradict
    tokens = _QUOTED.findall(where)
    first_in_what = _QUOTED.search(what)
    if first_in_what:
        tokens.append(first_in_what.group(1))
    tokens = [t for t in tokens if t != str(path) and not t.endswith((".yaml", ".csv"))]
    line = None
    start = 0
    for token in tokens:
        hit = next((i for i in range(start, len(lines)) if token in lines[i]), None)
        if hit is None:
            continue
        line, start = hit + 1, hit
    return line


def _reference_checks() -> list[tuple[str, Callable[[], object]]]:
    """(file name, the loader that validates it), in the order a problem in one could cause another."""
    from . import access
    from .accountability.register import load_register
    from .catalogue import catalogue, dimensions, force
    from .events import load_events
    from .plan.config import load_plans, load_population
    from .plan.history import load_spc_history
    from .policeuk.reference import force_populations, reference
    from .publish.breakdowns import published
    from .publish.info import load_public_info
    from .return_calendar import load_calendar

    return [
        ("force.yaml", force),
        ("dimensions.yaml", dimensions),
        ("measures.yaml", catalogue),
        ("dimensions.yaml", published),  # what it publishes, against the measures' breakdowns
        ("spc_history.yaml", load_spc_history),
        ("plan.yaml", load_plans),
        ("population.csv", load_population),
        ("police_uk.yaml", reference),
        ("force_population.csv", force_populations),
        ("return_calendar.yaml", load_calendar),
        ("public_info.yaml", load_public_info),
        ("events.yaml", load_events),
        ("recommendations.yaml", load_register),
        ("access.yaml", getattr(access, "load_access", lambda: access.roles_for({"email": "check@invalid"}))),
    ]


def check_all(warehouse: Path | None = None) -> list[Finding]:
    """Every reference file and data contract, checked; one finding each (its first problem, if any). With the
    `warehouse` (when it exists), force.yaml is checked against the figures it holds too: what a reference file
    cannot tell alone, as two districts it holds months of now named as one; and recommendations.yaml against the
    statuses it holds, as a recommendation judged but taken out of the file."""
    from .contracts.contract import contracts_dir, load_contract

    findings: list[Finding] = []
    first_found: dict[str, Path] = {}  # a problem's text -> the file it was first found in

    def add(finding: Finding) -> None:
        # a file that reads a broken one fails with that one's own sentence: it is told as not checked, and
        # the broken file stays the one named with the problem (once, though two checks read it)
        if finding.problem is not None:
            first = first_found.setdefault(finding.problem, finding.file)
            if first == finding.file and any(f.file == first and f.problem == finding.problem for f in findings):
                return
            if first != finding.file:
                finding = Finding(finding.file, finding.problem, None, blocked_by=first)
        findings.append(finding)

    folder = reference_dir()
    for name, loader in _reference_checks():
        path = folder / name
        add(_run(path, loader))
    merged = _held_as_one(warehouse) if warehouse is not None and findings and findings[0].ok else None
    if merged is not None:
        findings[0] = Finding(findings[0].file, *merged)
    at = next((i for i, f in enumerate(findings) if f.file.name == "recommendations.yaml"), None)
    dropped = _statuses_unregistered(warehouse) if warehouse is not None and at is not None and findings[at].ok \
        else None
    if dropped is not None:
        findings[at] = Finding(findings[at].file, *dropped)
    cdir = contracts_dir()
    contracts = sorted(cdir.glob("*.odcs.yaml"))
    if not contracts:
        add(Finding(cdir, "holds no data contract (*.odcs.yaml); every return is checked against one. "
                          "Point PCCDASH_CONTRACTS_DIR at the contracts folder."))
    for path in contracts:
        name = path.name.removesuffix(".odcs.yaml")
        add(_run(path, lambda name=name: load_contract(name, cdir)))
    return findings


def check_warnings(today: dt.date | None = None) -> list[Finding]:
    """What is correct in the reference files but wants doing, each as a finding (file, line, what to do): the
    accessibility statement last reviewed more than a year before today (`settings.today()`), and a return calendar
    whose bank holidays stop before the year the month in progress's return falls due in. A file that cannot be
    read is `check_all`'s to name: it gives no warning."""
    from . import settings

    day = today or settings.today()
    return [*_statement_review(day), *_holidays_unlisted(day)]


def _statement_review(today: dt.date) -> list[Finding]:
    from .publish.info import FILE_NAME, load_public_info, statement_review_due
    from .yaml_lines import key_lines

    path = reference_dir() / FILE_NAME
    try:
        due = statement_review_due(load_public_info(path), today)
        line = key_lines(path.read_text(encoding="utf-8")).get(("accessibility", "reviewed")) if due else None
    except (PccDashError, OSError, UnicodeDecodeError, ValueError):
        return []
    return [Finding(path, due, line)] if due else []


def _holidays_unlisted(today: dt.date) -> list[Finding]:
    """The return calendar's own sentence when the return of the month in progress is due in a year after the last
    bank holiday it lists (its due date then counted as if that year had none), at its bank_holidays line."""
    from .return_calendar import FILE_NAME, load_calendar
    from .yaml_lines import key_lines

    path = reference_dir() / FILE_NAME
    try:
        said = load_calendar(path).holidays_unlisted([today.replace(day=1)])
        line = key_lines(path.read_text(encoding="utf-8")).get(("bank_holidays",)) if said else None
    except (PccDashError, OSError, UnicodeDecodeError, ValueError):
        return []
    return [Finding(path, said, line)] if said else []


def _run(path: Path, loader: Callable[[], object]) -> Finding:
    try:
        loader()
    except PccDashError as exc:
        text = str(exc)
        return Finding(path, text, locate(path, text))
    except (FileNotFoundError, NotADirectoryError) as exc:  # not there, or its folder a file: said as a missing one is
        from .catalogue import missing_reference

        return Finding(path, str(missing_reference(exc.filename or path)), None)
    except (OSError, ValueError, TypeError, KeyError) as exc:  # a loader's own slip, still told as a sentence
        return Finding(path, f"cannot be read: {exc}", None)
    return Finding(path)



def _held_as_one(warehouse: Path) -> tuple[str, int | None] | None:
    """force.yaml's problem with the figures the warehouse holds, and its line: two districts whose figures it holds
    for one month that force.yaml now makes names of one district (a merge, which nothing supports). A warehouse
    that is missing, or cannot be read now (a load holds it), is not checked."""
    import duckdb

    from .catalogue import district_now, force, line_in
    from .figures import held_as_one

    if not warehouse.is_file():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            # no district has another name: none can be held twice
            text = None if district_now("district") == "district" else held_as_one(con)
            held = [] if text is not None else [r[0] for r in con.execute(
                "SELECT DISTINCT district FROM figure_revision ORDER BY 1").fetchall()]
    except duckdb.Error:
        return None
    if text is None:
        return _no_longer_named(held)
    district = next((d for d in force().districts if f'one district, "{d}"' in text), None)
    line = line_in("force.yaml", ("districts", force().districts.index(district))) if district else ""
    return text, int(line.removeprefix(", line ")) if line else None


def _statuses_unregistered(warehouse: Path) -> tuple[str, int | None] | None:
    """recommendations.yaml's problem with the statuses the warehouse holds: a recommendation judged (its status
    history kept) that the register no longer holds, taken out of the file, or its id changed. Its history would drop
    out of the Recommendations page and "pccdash recommendations", and none of its statuses could be published. None
    when every recommendation judged is held, or the warehouse cannot be read now."""
    import duckdb

    from .accountability.register import FILE, unregistered, unregistered_words
    from .catalogue import line_in

    if not warehouse.is_file():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            lost = unregistered(con)
    except duckdb.Error:  # none recorded in a warehouse made before the register, or a load holds it
        return None
    if not lost:
        return None
    line = line_in(FILE, ("recommendations",))
    return unregistered_words(lost), int(line.removeprefix(", line ")) if line else None


def _no_longer_named(held: list[str]) -> tuple[str, int | None] | None:
    """force.yaml's problem with a district the warehouse holds figures for that it names no longer, neither as a
    district nor among a district's aliases (a district renamed without its former name kept): its figures would
    drop out of every page, and the plan stop on them. None when every district held is named."""
    from .catalogue import force, line_in

    f = force()
    known = {**f.district_lookup(), **{n.lower(): n for n in (f.force_name, f.force_short_name, *f.total_names)}}
    lost = [d for d in held if str(d).strip().lower() not in known]
    if not lost:
        return None
    names = " and ".join(f'"{d}"' for d in lost)
    text = (f"The warehouse holds figures for {names}, which force.yaml no longer names: a renamed district keeps its "
            f"former name among the new name's aliases (aliases: [{lost[0]}]), so that its months are read as that "
            "district's; else put the district back in force.yaml.")
    line = line_in("force.yaml", ("districts",))
    return text, int(line.removeprefix(", line ")) if line else None

