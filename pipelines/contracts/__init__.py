"""Data contracts: every batch is checked against its contract in DuckDB before anything is accepted."""

from .contract import Contract, ContractError, RowRule, SetRule, load_contract
from .report import format_report
from .runner import ValidationRun, validate_batch

__all__ = ["Contract", "ContractError", "RowRule", "SetRule", "ValidationRun", "format_report", "load_contract",
           "validate_batch"]
