"""A fresh `pccdash validate` or `pccdash ingest` of a monthly return starts without what it does not need:
pandas, pyarrow, numpy, Great Expectations, and (once the contract has been found sound) jsonschema and the
ODCS model.
Each of them costs a large share of a command's start, which an analyst waits for on every file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

from pipelines.catalogue import catalogue, force
from pipelines.contracts import contract as contract_module
from pipelines.contracts.contract import CONTRACTS_DIR, ContractError, load_contract

HEAVY = ("pandas", "pyarrow", "numpy", "great_expectations", "jsonschema", "open_data_contract_standard")
# Runs the command in this process and writes, on exit, which of the watched modules it imported.
PROBE = """
import atexit, json, sys
watched, out = sys.argv[1].split(","), sys.argv[2]
atexit.register(lambda: open(out, "w").write(json.dumps({m: m in sys.modules for m in watched})))
sys.argv = ["pccdash", *sys.argv[3:]]
from pipelines.cli import main
main()
"""


@pytest.fixture(scope="module")
def monthly_return(tmp_path_factory):
    """A typical month's return: every measure of the force's return for every district, as a long CSV."""
    folder = tmp_path_factory.mktemp("cold")
    measures = [m for m in catalogue().measures if m.source == "force_return"]
    rows = [f"2026-10,{d},{m.id},{50 if m.kind == 'percentage' else 7}"
            for m in measures for d in force().districts]
    path = folder / "2026-10-cse-return.csv"
    path.write_text("period,district,measure,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def imported(tmp_path, *args) -> dict[str, bool]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "PCCDASH_DB": str(tmp_path / "wh.duckdb"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(HEAVY), str(out), *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text())


@pytest.mark.slow
def test_validate_and_ingest_start_without_pandas_pyarrow_or_great_expectations(tmp_path, monthly_return):
    first = imported(tmp_path, "validate", monthly_return)
    assert first == {**dict.fromkeys(HEAVY, False), "jsonschema": True,
                     "open_data_contract_standard": True}  # the contract is new to this cache: checked in full
    assert imported(tmp_path, "validate", monthly_return) == dict.fromkeys(HEAVY, False)
    assert imported(tmp_path, "ingest", "--quiet", monthly_return) == dict.fromkeys(HEAVY, False)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    contract_module._load.cache_clear()
    yield tmp_path / "cache"
    contract_module._load.cache_clear()


def test_a_contract_found_sound_is_not_checked_again_but_a_changed_one_is(tmp_path, cache, monkeypatch):
    checks = []
    check = contract_module._strict_schema_errors
    monkeypatch.setattr(contract_module, "_strict_schema_errors", lambda doc: checks.append(1) or check(doc))
    folder = tmp_path / "contracts"
    folder.mkdir()
    path = folder / "force_cse_return.odcs.yaml"
    text = (CONTRACTS_DIR / path.name).read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    rules = load_contract(folder=folder).rule_ids
    assert len(checks) == 1 and list((cache / "pccdash" / "checked-contracts").iterdir())
    contract_module._load.cache_clear()
    assert load_contract(folder=folder).rule_ids == rules
    assert len(checks) == 1  # the same text, found sound before: not checked again
    path.write_text(text.replace("severity: error", "severety: error", 1), encoding="utf-8")
    contract_module._load.cache_clear()
    with pytest.raises(ContractError, match="'severety' was unexpected"):
        load_contract(folder=folder)
    assert len(checks) == 2


def test_a_cache_folder_that_cannot_be_written_only_costs_the_check(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    contract_module._load.cache_clear()
    try:
        assert load_contract().rule_ids
    finally:
        contract_module._load.cache_clear()
