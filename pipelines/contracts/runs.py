"""The stored validation runs as people read them: loads, trial runs and checks of accepted figures kept
apart, counted per file, with names in words (the Validation runs page and the Data Docs' verdict check)."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from ..uk_time import UK, uk_words

# What a run checked -> (the scope stored, what the page calls them). Loads first: they decide the record.
KINDS = {
    "loads": ("ingest", "Files loaded"),
    "trials": ("dry-run", "Trial runs (not loaded)"),
    "accepted": ("accepted", "Checks of accepted figures"),
}
VERDICTS = {"passed": "passed", "passed_with_warnings": "passed with warnings", "failed": "failed"}
# a load whose rules all held but whose file was refused for its structure or its totals (its problems say which)
REFUSED_APART = "refused (outside the rules)"
SEVERITIES = {"error": "refuses the file", "warning": "warning"}
ENGINES = {"great_expectations": "Great Expectations", "duckdb": "DuckDB", "gx": "Great Expectations"}
CONTRACTS = {"force-cse-return": "the force's CSE return", "police-uk-street": "police.uk street crimes",
             "police-uk-outcomes": "police.uk outcomes"}


def when(value: object) -> str:
    """A stored (UTC) moment as people in England write it: "2 December 2026 at 15:10 GMT"."""
    return uk_words(value, "words")


# the abbreviations a rule's id writes in lower case, said as people write them
_ABBREVIATIONS = {"cse": "CSE", "cce": "CCE", "lsoa": "LSOA", "cawn": "CAWN", "shpo": "SHPO", "sro": "SRO",
                  "rcrp": "RCRP", "pct": "percentage", "id": "ID"}


def rule_name(rule_id: str) -> str:
    """A rule's id as words: "month_on_month_change" -> "Month on month change", "cce_referrals_same_month_last_year"
    -> "CCE referrals same month last year"."""
    words = [_ABBREVIATIONS.get(w, w) for w in re.sub(r"[_-]+", " ", str(rule_id)).split()]
    said = " ".join(words)
    return said[:1].upper() + said[1:]


def contract_name(contract_id: str, version: str) -> str:
    name = CONTRACTS.get(contract_id, rule_name(contract_id).lower())
    return f"{name[0].upper()}{name[1:]}, version {version}"


def _checked(label: str) -> str:
    """What a run checked, without the quotes and the "(not loaded)" its label carries, or "(not loaded; read past
    its structure: ...)": a file tried so is the same file as when tried whole, and its problems say what was read
    past."""
    label = re.sub(r"\s*\(not loaded(; [^)]*)?\)$", "", str(label))
    return label[1:-1] if len(label) > 1 and label[0] == label[-1] == '"' else label


def runs(con: duckdb.DuckDBPyConnection, kind: str) -> pd.DataFrame:
    """The runs of one kind, newest first: run_id, file (what was checked), file_id (a load's), checked_at, outcome
    (stored words), verdict (in words), rows, errors, warnings, contract, seconds, and refused_apart: a load whose
    file was refused for what lies outside the rules (merged cells, a hidden sheet, a wrong total) though no error
    rule failed, or a trial run whose file would be (its problems kept with it, as its load keeps them; a file that
    could not be read at all, its required column missing, is tried with no rows), said "refused" and counted among
    the refused, not "passed"."""
    scope = KINDS[kind][0]
    frame = con.execute(
        """SELECT v.run_id, coalesce(f.name, v.batch_label) AS file, f.file_id, v.started_at AS checked_at, v.outcome,
                  v.rows_checked AS rows, v.errors, v.warnings, v.contract_id, v.contract_version, v.seconds,
                  v.outcome <> 'failed' AND (coalesce(f.outcome = 'rejected', false)
                                             OR EXISTS (SELECT 1 FROM trial_problem p WHERE p.run_id = v.run_id))
                      AS refused_apart
           FROM validation_run v LEFT JOIN file_registry f ON f.file_id = v.file_id AND v.scope = 'ingest'
           WHERE v.scope = ? ORDER BY v.run_id DESC""", [scope]).df()
    frame["file"] = frame["file"].map(_checked)
    frame["verdict"] = [REFUSED_APART if apart else VERDICTS.get(o, o)
                        for o, apart in zip(frame["outcome"], frame["refused_apart"], strict=True)]
    frame["contract"] = [contract_name(c, v) for c, v in zip(frame["contract_id"], frame["contract_version"],
                                                             strict=True)]
    return frame.drop(columns=["contract_id", "contract_version"])


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """Files, not runs: how many files (or batches) were checked, and how many of them failed or warned, each
    file judged by its latest run (a file tried three times and refused each time is one file refused)."""
    latest = frame.drop_duplicates("file", keep="first")  # newest first
    refused = (latest["outcome"] == "failed") | latest["refused_apart"]
    return {"files": len(latest), "failed": int(refused.sum()),
            "warned": int(((latest["outcome"] == "passed_with_warnings") & ~latest["refused_apart"]).sum())}


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The runs table as the page shows it and downloads it: headings and values in words; Checked as UK time (the
    page's grid writes it in words, as `when` does, and sorts it as time), and in the download as stored, in UTC,
    under "Checked (UTC)"."""
    checked = pd.to_datetime(frame["checked_at"])
    checked = checked.dt.tz_localize("UTC") if checked.dt.tz is None else checked
    out = pd.DataFrame({
        "File": frame["file"].astype(str),
        "Checked": checked.dt.tz_convert(str(UK)),
        "Outcome": frame["verdict"],
        "Rows checked": frame["rows"].astype(int),
        "Rules failed": frame["errors"].astype(int),
        "Warnings": frame["warnings"].astype(int),
        "Contract": frame["contract"],
        "Seconds": frame["seconds"].round(2),
    })
    out.attrs["download"] = out.assign(Checked=checked.dt.tz_localize(None))  # read by the page's table
    out.attrs["download_headings"] = {"Checked": "Checked (UTC)"}
    return out


def labels(frame: pd.DataFrame) -> dict[str, int]:
    """Each run as the select box names it (when, what, its outcome) -> its run id, newest first; two runs of
    one file in the same minute with the same outcome are told apart by a count, the newest without one."""
    out: dict[str, int] = {}
    for row in frame.itertuples():
        what = f'"{row.file}"' if not str(row.file).startswith("the accepted") else row.file
        text = base = f"{when(row.checked_at)}, {what}: {row.verdict}"
        n = 1
        while text in out:
            n += 1
            text = f"{base} ({n})"
        out[text] = int(row.run_id)
    return out


def results(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """Each rule's result in one run, failures first: rule_id, rule (in words), what it checks, severity in
    words, passed, failing rows, rows checked, which engine decided."""
    frame = con.execute(
        """SELECT rule_id, description, severity, passed, failing_count, checked_count, engine
           FROM validation_result WHERE run_id = ? ORDER BY passed, severity, rule_id""", [int(run_id)]).df()
    frame.insert(1, "rule", frame["rule_id"].map(rule_name))
    frame["severity"] = frame["severity"].map(lambda s: SEVERITIES.get(s, s))
    frame["engine"] = frame["engine"].map(lambda e: ENGINES.get(e, e))
    return frame


def stored_verdicts(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, bool]:
    """rule id -> passed, as the run stored it."""
    return dict(con.execute("SELECT rule_id, passed FROM validation_result WHERE run_id = ?",
                            [int(run_id)]).fetchall())



# Of a refused file's latest contract check as it loaded: the rows its failed error rules failed on, and how many of
# its kept problems stand for them (each rule's sample of rows, or one sentence naming a rule with no rows to show).
REFUSED_ROWS_SQL = """
    WITH run AS (SELECT max(run_id) AS run_id FROM validation_run WHERE file_id = ? AND scope = 'ingest')
    SELECT coalesce(sum(r.failing_count), 0) AS failing,
           coalesce(sum(greatest((SELECT count(*) FROM validation_sample s
                                  WHERE s.run_id = r.run_id AND s.rule_id = r.rule_id), 1)), 0) AS sampled
    FROM validation_result r JOIN run USING (run_id)
    WHERE NOT r.passed AND r.severity = 'error'"""


def problems_found(kept: int, failing: int, sampled: int) -> int:
    """How many problems a refused file had, of which `kept` are kept with it: the contract keeps a sample of the
    rows each failed rule failed on (`sampled` of the kept ones stand for `failing` rows), so a file with a mistake
    on every row of a district keeps fewer than it had. What `pccdash ingest` counted when it refused the file."""
    return max(kept, kept - sampled + failing)


def refused_problems(con: duckdb.DuckDBPyConnection, file_id: int, kept: int) -> int:
    failing, sampled = con.execute(REFUSED_ROWS_SQL, [int(file_id)]).fetchone()
    return problems_found(kept, int(failing), int(sampled))
