"""A validation run as a person reads it: each failed rule with its severity, count and three example rows."""

from __future__ import annotations

import textwrap

from ..catalogue import counted
from ..errors import shown
from .runner import ValidationRun

EXAMPLES = 3
WIDTH = 110  # a rule's description is wrapped at this many characters


def format_report(run: ValidationRun, *, passed_rules: bool = False, wrong_totals: int = 0, structure: int = 0,
                  seconds: float | None = None) -> str:
    """`wrong_totals`: the file's stated totals that do not equal their parts, which refuse it as a failed error
    rule does; `structure`: the problems of the file's structure it was read past (a formula, a merged cell, a hidden
    sheet), which refuse it too, the run being of the rest; `seconds`: the whole time taken (reading the file too),
    when known, rather than the rules' own."""
    c = run.contract
    outcome = "failed" if wrong_totals or structure else run.outcome
    verdict = {"failed": "FAILED", "passed_with_warnings": "passed with warnings", "passed": "passed"}[outcome]
    rows = (f"{counted(run.records, 'record')} read, checked as {counted(run.rows, 'distinct value')}"
            if run.records is not None else counted(run.rows, "row"))
    totals = (f"{counted(structure, 'problem')} in the file's structure, the rest read past them; " if structure
              else "")
    totals += (f"{counted(wrong_totals, 'total')} not equal to the sum of their parts; " if wrong_totals else "")
    lines = [f"Validation of {shown(run.label, None)} against {c.name} {c.version}: {verdict} "
             f"({rows}; {totals}{counted(len(run.errors), 'error rule')}, "
             f"{counted(len(run.warnings), 'warning rule')} failed; "
             f"{run.seconds if seconds is None else seconds:.1f} s)"]
    by_gx = [r for r in run.results if r.engine == "great_expectations"]
    if by_gx:  # the second engine, asked for or standing in for a rule DuckDB cannot judge
        lines.append(f"  Judged by Great Expectations: {len(by_gx)} of {counted(len(c.row_rules), 'row rule')}; "
                     "the other rules by DuckDB.")
    failed = [r for r in run.results if not r.passed]
    failed.sort(key=lambda r: (r.severity != "error", r.rule_id))
    for r in failed:
        lines.append(f"  {r.severity.upper():8}{r.rule_id:32}{r.failing_count:>8,} failing")
        lines += _checks(r.description)
        for s in r.samples[:EXAMPLES]:
            lines.append(f"    - {s.problem().message()}")
        if r.failing_count > EXAMPLES and r.samples:
            lines.append(f"    ... and {r.failing_count - min(EXAMPLES, len(r.samples)):,} more")
    if passed_rules:
        for r in run.results:
            if r.passed:
                lines.append(f"  {'ok':8}{r.rule_id}")
                lines += _checks(r.description)
    return "\n".join(lines)


def _checks(description: str | None) -> list[str]:
    """What a rule checks and why (its description in the contract), under its line, wrapped to be read."""
    said = " ".join(str(description or "").split())
    return textwrap.wrap(said, WIDTH, initial_indent=" " * 10, subsequent_indent=" " * 10) if said else []
