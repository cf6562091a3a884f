"""Bringing return files into the warehouse."""

from .load import FileOutcome, IngestReport, NothingToIngest, describe, discover, ingest, ingest_file

__all__ = ["FileOutcome", "IngestReport", "NothingToIngest", "describe", "discover", "ingest", "ingest_file"]
