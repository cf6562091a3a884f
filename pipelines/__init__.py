"""Batch pipelines of the PCC accountability dashboard: ingest, validate, load, plan, publish."""

__version__ = "0.1.0"
