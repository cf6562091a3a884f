"""police.uk street-level crime and outcomes files as public context: recognised, checked, counted by district.

Entry points: `detect(path)` says whether a file is a police.uk street or outcomes CSV (reading its
header line only), and `header_problem(path, label)` why a file with police.uk's columns changed is not
one; `ingest_police_uk(con, path, ...)` loads one such file as `pccdash ingest` loads a
return, all or nothing; `validate_police_uk(con, path)` checks one against its contract without loading
it (`pccdash validate FILE`); `context_measures(con)` gives the monthly context measures by district,
and `context_figures(con, district)` the same for the dashboard (months as "YYYY-MM"), with
`context_caveats()` what each measure's figures must carry (from the measure catalogue, source:
police_uk), `by_place` a month as a table and `loaded_months(con)` what is loaded;
`revision_changes(con)` shows what changed when a force republished a month; `force_totals(con, month)` each
loaded force's counts for a month and `force_populations()` the force areas' residents, to compare forces.
"""

from .ingest import HEADERS, archive_name, detect, header_problem, ingest_police_uk, validate_police_uk
from .measures import (
    ALL_RECORDS,
    UnknownPlace,
    behind_in_words,
    by_place,
    context_caveats,
    context_figures,
    context_measures,
    force_totals,
    latest_behind,
    loaded_months,
    measure_metadata,
    missing_in_words,
    missing_months,
    months_span,
)
from .reference import force_populations, reference
from .revisions import put_back_revisions, revision_changes

__all__ = ["ALL_RECORDS", "HEADERS", "UnknownPlace", "archive_name", "behind_in_words", "by_place", "context_caveats",
           "context_figures", "context_measures", "detect", "force_populations", "force_totals", "header_problem",
           "ingest_police_uk", "latest_behind", "loaded_months", "measure_metadata", "missing_in_words",
           "missing_months", "months_span", "put_back_revisions", "reference", "revision_changes", "validate_police_uk"]
