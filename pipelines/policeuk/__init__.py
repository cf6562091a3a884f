"""police.uk street-level crime and outcomes files as public context: recognised, checked, counted by district.

Entry points: `detect(path)` says whether a file is a police.uk street or outcomes CSV (reading its
header line only); `ingest_police_uk(con, path, ...)` loads one such file as `pccdash ingest` loads a
return, all or nothing; `context_measures(con)` gives the monthly context measures by district;
`revision_changes(con)` shows what changed when a force republished a month.
"""

from .ingest import HEADERS, archive_name, detect, ingest_police_uk
from .measures import context_measures, measure_metadata
from .reference import reference
from .revisions import revision_changes

__all__ = ["HEADERS", "archive_name", "context_measures", "detect", "ingest_police_uk", "measure_metadata",
           "reference", "revision_changes"]
