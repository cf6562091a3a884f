"""Settings: each one declared once, with its default and the help text the README repeats."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "PCCDASH_DB", "var/pccdash.duckdb",
            "The warehouse file. `--db PATH` on any command overrides it."),
    Setting("reference_dir", "PCCDASH_REFERENCE_DIR", "(bundled pipelines/reference)",
            "Folder of the reference files: force.yaml, measures.yaml, plan.yaml, population.csv."),
    Setting("contracts_dir", "PCCDASH_CONTRACTS_DIR", "(bundled data_contracts)",
            "Folder of the data contracts (ODCS YAML) every batch is validated against."),
    Setting("max_file_mb", "PCCDASH_MAX_FILE_MB", "512",
            "Largest return file ingestion accepts, in MiB; a larger file is refused unread."),
    Setting("max_xlsx_unpacked_mb", "PCCDASH_MAX_XLSX_UNPACKED_MB", "256",
            "Largest total an XLSX file may unpack to, in MiB; guards against zip bombs."),
    Setting("duckdb_memory_limit", "PCCDASH_DUCKDB_MEMORY_LIMIT", "1GB",
            "DuckDB's memory limit while a police.uk file is loaded or validated (as DuckDB writes it: 1GB, "
            "512MB); past it DuckDB spills to disk, so memory stays flat however large the file."),
    Setting("published_dir", "PCCDASH_PUBLISHED_DIR", "var/published",
            "Folder of the published snapshots and the pointer to the current one; all the public app reads."),
    Setting("suppression_threshold", "PCCDASH_SUPPRESSION_THRESHOLD", "4",
            "Published counts from 1 to this number are not shown (nor anything they could be worked out from)."),
    Setting("suppress_zero", "PCCDASH_SUPPRESS_ZERO", "false",
            "Whether a published zero is suppressed too (true/false)."),
    Setting("disclosure_protection", "PCCDASH_DISCLOSURE_PROTECTION", "1",
            "How wide, at least, the range a hidden figure could take given everything published must be "
            "(1: it cannot be worked out to one value). Publication is refused if the check finds one narrower."),
    Setting("suppression_marker", "PCCDASH_SUPPRESSION_MARKER", "[c]",
            "What a suppressed cell shows, explained by a footnote."),
    Setting("small_count_median", "PCCDASH_SMALL_COUNT_MEDIAN", "5",
            "A count whose median month is at or below this is charted by financial quarter by default, since "
            "single months of a handful say little; the monthly chart stays one choice away."),
    Setting("max_questions", "PCCDASH_MAX_QUESTIONS", "6",
            "The most questions drafted for the Chief Constable for one meeting, strongest signals first."),
    Setting("contact_retention_months", "PCCDASH_CONTACT_RETENTION_MONTHS", "12",
            "How many months after a question from the public was answered, or rejected, the name and contact its "
            "sender gave are kept for the office's reply; then `pccdash inbox import` (and `pccdash inbox expire`) "
            "erase them. The public app's Ask page says how long."),
    Setting("internal_url", "PCCDASH_INTERNAL_URL", "http://localhost:8501",
            "The internal dashboard's address as the office's browsers reach it: the briefing pack's HTML links "
            "each month's figure to its provenance there."),
    Setting("today", "PCCDASH_TODAY", "(today's date in England)",
            "The date a period counts as 'in the future' against, and a return as late, YYYY-MM-DD; for reproducible "
            "runs."),
)


def get(name: str) -> str:
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(s.env) or s.default
    raise KeyError(name)


def get_flag(name: str) -> bool:
    """A true/false setting: true when set to true, 1 or yes."""
    return get(name).strip().lower() in ("1", "true", "yes")


def get_int(name: str) -> int:
    """A setting that is a whole number of 0 or more; when it is not, a sentence naming the variable, what it
    is for and its default (a ConfigError), not a traceback."""
    setting = next(s for s in SETTINGS if s.name == name)
    raw = get(name)
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        from .errors import ConfigError

        raise ConfigError(f'{setting.env} "{raw}" is not a whole number of 0 or more. {setting.help} Set it to a '
                          f"whole number ({setting.default} by default), or unset it.")
    return value


def today() -> dt.date:
    """Today's date in England (a server's clock is often UTC: before 01:00 in summer it is still yesterday
    there), or the one `PCCDASH_TODAY` fixes (YYYY-MM-DD) for a reproducible run."""
    configured = os.environ.get("PCCDASH_TODAY", "").strip()
    if not configured:
        from .uk_time import UK

        return dt.datetime.now(UK).date()
    try:
        return dt.date.fromisoformat(configured)
    except ValueError:
        from .errors import ConfigError

        raise ConfigError(f'PCCDASH_TODAY "{configured}" is not a date; write it as YYYY-MM-DD.') from None
