"""Validation runs: loads, trial runs and checks of accepted figures apart; each rule's result and the failing
rows with their source file and row."""

import streamlit as st

from dashboard import auth, data, ui, workbench
from pipelines.contracts import runs as stored
from pipelines.policeuk.ingest import NO_RECORDS

user = auth.signed_in()
st.title("Validation runs")
data.no_warehouse_guard()
by_kind = {kind: data.call(stored.runs, kind) for kind in stored.KINDS}
if all(frame is None or frame.empty for frame in by_kind.values()):
    st.info('No file has been checked yet. Each "pccdash ingest" checks its files as it loads them; '
            '"pccdash validate FILE" tries a file without loading it; "pccdash validate" checks the accepted '
            "figures again.")
    st.stop()

names = {kind: f"{title} ({len(by_kind[kind])})" for kind, (_, title) in stored.KINDS.items()}
first = next(kind for kind in stored.KINDS if not by_kind[kind].empty)  # loads first, when there are any
kind = st.segmented_control("Show", list(names), format_func=names.get, default=first, key="runs_kind") or first
runs = by_kind[kind]
if runs.empty:
    st.info({"loads": 'No file has been loaded yet: "pccdash ingest PATH" loads the force\'s returns.',
             "trials": 'No file has been tried without loading: "pccdash validate FILE" does that.',
             "accepted": 'The accepted figures have not been checked again: "pccdash validate" does that.'}[kind])
    st.stop()

n = stored.counts(runs)
what = {"loads": ("Files checked", "Files refused"), "trials": ("Files tried", "Files that would be refused"),
        "accepted": ("Checks", "Checks failed")}[kind]
c1, c2, c3 = st.columns(3)
c1.metric(what[0], n["files"])
c2.metric(what[1], n["failed"])
c3.metric("Files with warnings" if kind != "accepted" else "Checks with warnings", n["warned"])
st.caption("Each file is counted once, by its latest run." if kind != "accepted" else
           "Each set of figures checked is counted once, by its latest run.")
ui.table(stored.shown(runs), "runs_table", f"validation-runs-{kind}.csv" if kind != "loads" else "validation-runs.csv",
         column_config={"Checked": ui.time_column()})

by_label = stored.labels(runs)
chosen = st.selectbox("Run", list(by_label), key=f"run_{kind}" if kind != "loads" else "run",
                      help="The latest is chosen first.")
run_id = by_label[chosen]
results = data.call(stored.results, run_id)
this = runs[runs["run_id"] == run_id].iloc[0]
unread = results.empty  # refused before any rule could judge it: its run has no rules to show, only its problems
if not unread:
    st.header("Rules")
    ui.table(ui.readable(results.drop(columns=["rule_id"]),
                         {"rule": "Rule", "description": "What it checks", "severity": "When it fails",
                          "failing_count": "Failing rows", "checked_count": "Rows checked", "engine": "Checked by"}),
             "results_table", f"validation-run-{run_id}-rules.csv")
failed = results[~results["passed"]]["rule_id"].tolist()
if this["refused_apart"]:  # no rule failed, yet the file was refused: say for what, or the run reads as passed
    tried = kind == "trials"  # a trial keeps its file's problems with its run: it registers no file
    problems = workbench.trial_problems(run_id) if tried else workbench.file_problems(int(this["file_id"]))
    its = "its problem is" if len(problems) == 1 else "its problems are"
    refused = f'"{this["file"]}" {"would be" if tried else "was"} refused'
    if unread and not problems.empty and problems["problem"].str.startswith(NO_RECORDS).all():
        # a police.uk file published empty: nothing is wrong with it, and its problem says what to do
        st.warning(f"{refused}: it has its header and no records, so no rule of the contract was checked. There is "
                   "nothing to correct: its problem below says what to do.")
    elif unread:
        again = 'try it again with "pccdash validate"' if tried else "load it again"
        st.warning(f"{refused}: it could not be read, so no rule of the contract was checked. "
                   f"{its[0].upper()}{its[1:]} below. Correct the file and {again}.")
    else:
        st.warning(f"{refused}, though no rule of the contract failed: {its} outside the rules, in the file's "
                   f"structure or its totals. Correct them and {'try' if tried else 'load'} the file again.")
    st.header("The file's problems")
    ui.table(ui.readable(problems), "refused_problems_table", f"validation-run-{run_id}-problems.csv")
if not failed:
    if not this["refused_apart"]:
        st.success("Every rule passed in this run.")
    st.stop()
described = dict(zip(results["rule_id"], results["description"].fillna(""), strict=True))
rule = st.selectbox("Failing rows of rule", ["(every failed rule)", *failed], key="rule",
                    format_func=lambda r: r if r.startswith("(") else
                    stored.rule_name(r) + (f": {ui.measure_words(described[r])}" if described.get(r) else ""))
rows = workbench.failing_rows(run_id, None if rule.startswith("(") else rule)
rows = rows.assign(rule_id=rows["rule_id"].map(stored.rule_name))
st.header("Failing rows")
st.caption("A sample of the rows that broke each rule, with the file, sheet, row and column they came from.")
ui.table(ui.readable(rows), "failing_rows_table", f"validation-run-{run_id}-failing-rows.csv")
