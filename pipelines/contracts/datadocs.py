"""Great Expectations' own Data Docs (HTML) for the latest validation runs, for analysts who know that tool.

Each of the latest runs of a file is replayed through a Great Expectations validation definition:
an accepted file's figures as they stand, a refused file's quarantined rows. The site is written to a
folder of our choosing. Its pages load their styles from the web, so offline they open unstyled.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import PccDashError
from ..ingest.load import drop_staging
from . import runner
from .batch import build_accepted_batch, build_batch
from .contract import load_contract

SITE = "pccdash_contracts"


class NoRuns(PccDashError):
    """There is no validation run to document."""


def _batch_from_quarantine(con: duckdb.DuckDBPyConnection, run_id: int, label: str) -> None:
    rows = con.execute(
        """SELECT source_sheet, source_row, source_column, period_text, district_text, measure_text, value_text, note
           FROM quarantine WHERE run_id = ? ORDER BY source_sheet NULLS FIRST, source_row""", [run_id]).fetchall()
    cols = ("source_sheet", "source_row", "source_column", "period", "district", "measure", "value", "note")
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)},
                     schema=pa.schema([(c, pa.int32() if c == "source_row" else pa.string()) for c in cols]))
    con.register("quarantine_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE staged_raw AS SELECT * FROM quarantine_arrow")
    con.unregister("quarantine_arrow")
    build_batch(con, label)


def build_data_docs(con: duckdb.DuckDBPyConnection, out_dir: Path, latest: int = 5) -> Path:
    """Write the Data Docs site for the latest `latest` file runs into `out_dir`; returns its index.html."""
    runs = con.execute(
        """SELECT v.run_id, v.file_id, r.name, r.outcome FROM validation_run v JOIN file_registry r USING (file_id)
           WHERE v.scope = 'ingest' ORDER BY v.run_id DESC LIMIT ?""", [latest]).fetchall()
    if not runs:
        raise NoRuns('No file has been validated yet. Run "pccdash ingest PATH" first.')
    from great_expectations.core.run_identifier import RunIdentifier

    contract = load_contract("force_cse_return")
    bd = runner.gx_batch_definition()
    gx, context = runner.gx_context()
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    if SITE not in (context.get_config().data_docs_sites or {}):
        context.add_data_docs_site(site_name=SITE, site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
        })
    suite = runner.expectation_suite(contract)
    try:
        suite = context.suites.add(suite)
    except Exception:  # already added in this process
        suite = context.suites.get(suite.name)
    cols = ", ".join(f'"{c}"' for c in runner.rule_columns(contract))
    for run_id, file_id, name, outcome in runs:
        drop_staging(con)
        if outcome == "accepted":
            build_accepted_batch(con, file_id=file_id)
        else:
            _batch_from_quarantine(con, run_id, name)
        df = con.sql(f"SELECT {cols} FROM batch").to_arrow_table().to_pandas()
        vd_name = f"{name} ({outcome}, run {run_id})"
        try:
            vd = context.validation_definitions.get(vd_name)
        except Exception:
            vd = context.validation_definitions.add(gx.ValidationDefinition(name=vd_name, data=bd, suite=suite))
        vd.run(batch_parameters={"dataframe": df}, result_format="SUMMARY", run_id=RunIdentifier(run_name=vd_name))
    drop_staging(con)
    context.build_data_docs(site_names=[SITE])
    return out_dir / "index.html"
