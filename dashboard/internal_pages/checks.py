"""Validation runs: each contract rule's result and the failing rows with their source file and row."""

import streamlit as st

from dashboard import auth, data, ui, workbench

user = auth.signed_in()
st.title("Validation runs")
data.no_warehouse_guard()
runs = workbench.runs()
if runs.empty:
    st.info('No batch has been validated yet. Each "pccdash ingest" checks its files; "pccdash validate" checks '
            "the accepted figures again.")
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Runs", len(runs))
c2.metric("Failed", int((runs["outcome"] == "failed").sum()))
c3.metric("Passed with warnings", int((runs["outcome"] == "passed_with_warnings").sum()))
ui.table(workbench.runs_shown(runs), "runs_table", "validation-runs.csv")

labels = {int(r.run_id): f"#{r.run_id}, {r.started} UTC, {ui.name_shown(r.batch_label)}: "
                         f"{workbench.OUTCOMES.get(r.outcome, r.outcome)}" for r in runs.itertuples()}
run_id = st.selectbox("Run", list(labels), format_func=labels.get, key="run")
results = workbench.results(run_id)
st.subheader("Rules")
ui.table(ui.readable(results, {"rule_id": "Rule", "expectation": "Check"}), "results_table",
         f"validation-run-{run_id}-rules.csv")
failed = results[~results["passed"]]["rule_id"].tolist()
if not failed:
    st.success("Every rule passed in this run.")
    st.stop()
described = dict(zip(results["rule_id"], results["description"].fillna(""), strict=True))
rule = st.selectbox("Failing rows of rule", ["(every failed rule)", *failed], key="rule",
                    format_func=lambda r: f"{r}: {described[r]}" if described.get(r) else r)
rows = workbench.failing_rows(run_id, None if rule.startswith("(") else rule)
st.subheader("Failing rows")
st.caption("A sample of the rows that broke each rule, with the file, sheet, row and column they came from.")
ui.table(ui.readable(rows), "failing_rows_table", f"validation-run-{run_id}-failing-rows.csv")
