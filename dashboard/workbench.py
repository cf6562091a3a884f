"""Queries behind the data-quality workbench: validation runs, failing rows, quarantine, files, provenance.

Every value a person chooses reaches DuckDB as a parameter, never as SQL text.
"""

from __future__ import annotations

import pandas as pd

from dashboard import ui
from dashboard.data import query
from pipelines.catalogue import counted, district_now
from pipelines.contracts import load_contract
from pipelines.contracts.runner import column_named
from pipelines.contracts.runs import REFUSED_ROWS_SQL, problems_found, rule_name
from pipelines.errors import ConfigError


def results(run_id: int) -> pd.DataFrame:
    return query("""SELECT rule_id, severity, passed, failing_count, checked_count, engine, expectation, description
                    FROM validation_result WHERE run_id = ? ORDER BY passed, severity, rule_id""", (int(run_id),))


def failing_rows(run_id: int, rule_id: str | None = None) -> pd.DataFrame:
    return query("""SELECT rule_id, source_file, source_sheet, source_row, source_column,
                           strftime(period, '%Y-%m') AS period, district, measure, message
                    FROM validation_sample WHERE run_id = ? AND (? IS NULL OR rule_id = ?)
                    ORDER BY rule_id, source_file, source_row""", (int(run_id), rule_id, rule_id))


def quarantine() -> pd.DataFrame:
    """Every quarantined row, its column the one each rule it broke points to (as the upload page and the refused
    file's problems name it: "district" for a district not known in a long layout, not the cell of its figure),
    with the number of the file it came from (file_id), for where that file stands now."""
    q = query("""SELECT q.run_id, q.file_id, q.source_file, q.source_sheet, q.source_row, q.source_column,
                        q.period_text, q.district_text, q.measure_text, q.value_text,
                        array_to_string(q.reasons, ', ') AS rules, array_to_string(q.messages, ' | ') AS reasons,
                        q.reasons AS rule_ids, q.dimension, q.category_column, r.contract_id
                 FROM quarantine q LEFT JOIN validation_run r USING (run_id)
                 ORDER BY q.run_id DESC, q.source_file, q.source_row""")
    if q.empty:
        return q
    rules = {cid: _rules_of(cid) for cid in q["contract_id"].dropna().unique()}
    columns = [_columns_named(rules.get(cid, {}), list(ids), cell, dim, cat) for cid, ids, cell, dim, cat in zip(
        q["contract_id"], q["rule_ids"], q["source_column"], q["dimension"], q["category_column"], strict=True)]
    # the rules broken as the Validation runs page names them, not by their ids; each once, though a row breaks a
    # rule once for each breakdown it is compared with (the reasons say each)
    named = [", ".join(dict.fromkeys(rule_name(r) for r in ids)) for ids in q["rule_ids"]]
    return q.assign(source_column=columns, rules=named).drop(
        columns=["rule_ids", "dimension", "category_column", "contract_id"])


def _rules_of(contract_id: str) -> dict:
    """The rules of the contract `contract_id` (data_contracts/<id with underscores>.odcs.yaml) by id; none when it
    cannot be read (its rows are then named by their own cell)."""
    try:
        contract = load_contract(str(contract_id).replace("-", "_"))
    except ConfigError:
        return {}
    return {r.id: r for r in (*contract.row_rules, *contract.set_rules)}


def _columns_named(rules: dict, rule_ids: list[str], cell, dimension, category_column) -> str | None:
    """The columns the rules a row broke point to, each once, in the order of its reasons."""
    def present(v):
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else v

    cell, dimension, category_column = present(cell), present(dimension), present(category_column)
    named = [column_named(rules[r], cell, dimension, category_column) if r in rules else cell for r in rule_ids]
    named = list(dict.fromkeys(c for c in named if c))
    return ", ".join(named) if named else cell


def files() -> pd.DataFrame:
    return query("""SELECT file_id, name, outcome, file_type, layout, rows_read, figures_new, figures_revised,
                           figures_unchanged, strftime(received_at, '%Y-%m-%d %H:%M') AS received, loaded_by,
                           size_bytes, sha256, message
                    FROM file_registry ORDER BY file_id DESC""")


def file_problems(file_id: int) -> pd.DataFrame:
    return query("""SELECT sheet, "row", "column", problem FROM ingest_problem WHERE file_id = ?
                    ORDER BY "row", "column" """, (int(file_id),))


def trial_problems(run_id: int) -> pd.DataFrame:
    """What a trial run found wrong with its file outside the rules, as `file_problems` says a refused load's."""
    return query("""SELECT sheet, "row", "column", problem FROM trial_problem WHERE run_id = ?
                    ORDER BY "row", "column" """, (int(run_id),))


def refused_problems(file_id: int, kept: int) -> int:
    """How many problems a refused file had, `kept` of them kept with it (see pipelines.contracts.runs)."""
    found = query(REFUSED_ROWS_SQL, (int(file_id),))
    if found.empty:
        return kept
    return problems_found(kept, int(found["failing"].iloc[0]), int(found["sampled"].iloc[0]))


def history(measure: str, district: str, period: str) -> pd.DataFrame:
    """Every revision of one figure, newest first, with the file, sheet, row and column it came from."""
    # a renamed district's months held under its former name (among its aliases in force.yaml) are its own
    return query(f"""SELECT r.revision, r.value, r.previous_value, f.name AS source_file, r.file_id, r.source_sheet,
                           r.source_row, r.source_column, r.note, strftime(r.loaded_at, '%Y-%m-%d %H:%M') AS loaded_at
                    FROM figure_revision r JOIN file_registry f USING (file_id)
                    WHERE r.measure = ? AND {district_now('r.district')} = ? AND r.period = CAST(? AS DATE)
                    ORDER BY r.revision DESC""", (measure, district, f"{period}-01"))


OUTCOMES = {"passed": "passed", "passed_with_warnings": "passed with warnings", "failed": "failed",
            "accepted": "accepted", "rejected": "refused"}


# a return's layouts as docs/return-format.md names them; police.uk's files by what they hold
LAYOUTS = {"long": "long", "wide": "wide", "police_uk_street": "police.uk street records",
           "police_uk_outcomes": "police.uk outcomes", "empty": "no figures"}


def layout_words(layout: object) -> object:
    """A file's layout as a person reads it: "long and wide" for a workbook with sheets of both ("long+wide")."""
    if not isinstance(layout, str) or not layout:
        return layout
    return " and ".join(LAYOUTS.get(part, part.replace("_", " ")) for part in layout.split("+"))


def files_shown(files: pd.DataFrame) -> pd.DataFrame:
    """The file registry as the page shows it: outcomes and layouts in words, headings in words. The charged counts
    a police.uk republication changed are said in its Revised figures, "0 (and 3 charged counts)", as "pccdash files"
    says them: they are not among the figures it counts, and a month republished as cases move on changes only them.
    Their own column is left to the table's download, which gives every number as a number, and what an accepted
    file's load said besides its counts."""
    shown = files.assign(outcome=files["outcome"].map(lambda o: OUTCOMES.get(o, o)))
    if "layout" in shown:
        shown = shown.assign(layout=shown["layout"].map(layout_words))
    out = ui.readable(shown, {"refusal": "Refusal", "status": "Where it stands", "message": "Message"})
    if "charged_counts_changed" in files and "figures_revised" in files:
        revised, charged = ui.HEADINGS["figures_revised"], ui.HEADINGS["charged_counts_changed"]
        out[revised] = [f"{r} (and {counted(int(c), 'charged count')})" if c else r
                        for r, c in zip(out[revised], files["charged_counts_changed"], strict=True)]
        # a column config of None hides the column from the grid; the download still gives it
        out.attrs["column_config"] = {**out.attrs.get("column_config", {}), charged: None}
    if "message" in files and "outcome" in files:
        # what an accepted file's load said besides its counts (the charged counts a republication changed, columns
        # police.uk added) is a sentence or more, which the grid would cut: the file on its own says it whole, and
        # the download gives it; the grid keeps a refused file's first problem
        out["Message"] = [m if o != "accepted" else "" for m, o in zip(out["Message"], files["outcome"], strict=True)]
    return out
