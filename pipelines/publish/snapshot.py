"""`pccdash publish`: write an immutable snapshot of what the public may see, then switch to it in one rename.

A snapshot holds the approved months only, each as its figures stood when approved, after disclosure
control; public wording for caveats (never an analyst's note or a value a caveat would give away);
and what a re-publication revised. It is built beside the others as a temporary file, checked, and
renamed into place; then `current.json` is replaced, in one rename, to name it. Earlier snapshots stay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path

import duckdb
import pandas as pd

from .. import faults, settings
from ..access import require
from ..catalogue import catalogue, force
from ..errors import PccDashError
from ..files import write_atomically
from ..public import MANAGEMENT_INFORMATION, POINTER, current_snapshot, published_dir
from ..public import read as public_read
from ..warehouse import utc_now
from .protect import protect_measure

BANNER = (MANAGEMENT_INFORMATION + " Small numbers are "
          "not shown so that no child can be identified.")
# What the public reads for a caveat: the rule's meaning, never its message (which may quote a count).
PUBLIC_CAVEATS = {
    "month_on_month_change": "This figure moved sharply from the month before; it was checked before publication.",
    "every_district_every_month": "Not every district reported this measure for this month.",
    "percentage_matches_its_parts": "This percentage does not quite agree with the counts it is built from.",
    "published_month_changed": "This figure revises one published earlier.",
}
FLAG_CAVEAT = "An analyst has flagged this figure for a data-quality check."


class NothingToPublish(PccDashError):
    """No month has been approved."""


def _approved(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT period, approved_at, published_at FROM period_status WHERE approved_at IS NOT NULL ORDER BY period"
    ).df()


def approved_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each approved month's figures as they stood at its approval: the latest revision loaded by then."""
    return con.execute(
        """SELECT strftime(r.period, '%Y-%m') AS period, r.district, r.measure, r.value
           FROM figure_revision r JOIN period_status s ON s.period = r.period AND r.loaded_at <= s.approved_at
           QUALIFY r.revision = max(r.revision) OVER (PARTITION BY r.period, r.district, r.measure)
           ORDER BY ALL""").df()


def _public_caveats(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    rows = con.execute(
        """SELECT DISTINCT c.measure, c.district AS area, strftime(c.period, '%Y-%m') AS period, c.rule_id
           FROM figure_caveat c JOIN period_status s ON s.period = c.period AND c.created_at <= s.approved_at
           UNION
           SELECT DISTINCT coalesce(f.measure, x.measure), coalesce(f.district, x.district),
                  strftime(coalesce(f.period, x.period), '%Y-%m'), '__flag__'
           FROM figure_flag f
           LEFT JOIN figure x ON f.scope = 'file' AND x.file_id = f.file_id
           JOIN period_status s ON s.period = coalesce(f.period, x.period)
           WHERE f.resolved_at IS NULL""").df()
    rows["text"] = rows["rule_id"].map(lambda r: FLAG_CAVEAT if r == "__flag__" else PUBLIC_CAVEATS.get(r))
    return rows.dropna(subset=["text", "measure", "period"])[["measure", "area", "period", "text"]]


def protected_tables(figures: pd.DataFrame) -> pd.DataFrame:
    """Every published cell of every measure after disclosure control: months, quarters and years."""
    cat, f = catalogue(), force()
    threshold = settings.get_int("suppression_threshold")
    suppress_zero = settings.get("suppress_zero").lower() in ("1", "true", "yes")
    frames = []
    counts = {}
    for m in cat.measures:
        if m.source != "force_return" or m.kind == "percentage":
            continue
        monthly = figures[figures["measure"] == m.id][["period", "district", "value"]]
        if monthly.empty:
            continue
        table = protect_measure(monthly, m.kind, list(f.districts), f.force_short_name, threshold, suppress_zero,
                                settings.get("suppression_marker"))
        table.insert(0, "measure", m.id)
        counts[m.id] = table
        frames.append(table)
    for m in cat.measures:
        if m.kind != "percentage" or m.numerator not in counts or m.denominator not in counts:
            continue
        num, den = counts[m.numerator], counts[m.denominator]
        both = num.merge(den, on=["area", "period", "period_type"], suffixes=("_n", "_d"))
        pct = pd.DataFrame({
            "measure": m.id, "area": both["area"], "period": both["period"], "period_type": both["period_type"]})
        hidden = both["suppressed_n"] | both["suppressed_d"] | (both["value_d"].fillna(0) == 0)
        pct["value"] = (100 * both["value_n"] / both["value_d"]).round(1).where(~hidden)
        pct["suppressed"] = hidden
        pct["display"] = pct["value"].map(lambda v: f"{v:.1f}%" if v == v and v is not None else "")
        pct.loc[hidden, "display"] = settings.get("suppression_marker")
        pct["reason"] = hidden.map(lambda h: "built on a suppressed count" if h else "")
        frames.append(pct)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _next_version(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """One more than any version in the folder or in the warehouse's record, so that publishing into a
    new or older folder never reuses a number the warehouse already holds."""
    found = [int(m.group(1)) for p in folder.glob("snapshot-*.duckdb")
             if (m := re.fullmatch(r"snapshot-(\d+)\.duckdb", p.name))]
    recorded = con.execute("SELECT coalesce(max(version), 0) FROM snapshot").fetchall()[0][0]
    return max([*found, recorded]) + 1


def _revisions(previous: Path | None, cells: pd.DataFrame, now: dt.datetime, version: int) -> pd.DataFrame:
    """Cells whose shown value differs from the snapshot before, with both shown values."""
    cols = ["measure", "area", "period", "period_type", "previous_display", "new_display", "revised_at", "version"]
    if previous is None or cells.empty:
        return pd.DataFrame(columns=cols)
    old = public_read("SELECT measure, area, period, period_type, display FROM figure", snapshot=previous)
    old["display"] = old["display"].astype(str)
    old_revs = public_read(f"SELECT {', '.join(cols)} FROM revision", snapshot=previous)
    both = cells.merge(old, on=["measure", "area", "period", "period_type"], suffixes=("", "_old"))
    changed = both[both["display"] != both["display_old"]]
    new = pd.DataFrame({"measure": changed["measure"], "area": changed["area"], "period": changed["period"],
                        "period_type": changed["period_type"], "previous_display": changed["display_old"],
                        "new_display": changed["display"], "revised_at": now, "version": version})
    return pd.concat([old_revs, new], ignore_index=True) if not old_revs.empty else new


def publish(con: duckdb.DuckDBPyConnection, claims: dict, folder: Path | None = None) -> tuple[int, Path]:
    """Write the next snapshot of every approved month and make it the current one; returns (version, path)."""
    who = require(claims, "publish")
    folder = folder or published_dir()
    folder.mkdir(parents=True, exist_ok=True)
    approved = _approved(con)
    if approved.empty:
        raise NothingToPublish('No month has been approved. Approve months first: "pccdash approve YYYY-MM".')
    figures = approved_figures(con)
    cells = protected_tables(figures)
    now = utc_now()
    version = _next_version(con, folder)
    previous = current_snapshot(folder)
    revisions = _revisions(previous, cells, now, version)
    first_published = {p.strftime("%Y-%m"): fp for p, fp in zip(approved["period"], approved["published_at"],
                                                                   strict=True)}
    periods = pd.DataFrame({"period": sorted(first_published)})
    periods["first_published_at"] = periods["period"].map(lambda p: first_published[p] if pd.notna(
        first_published[p]) else now)
    last_rev = revisions.groupby("period")["revised_at"].max() if not revisions.empty else pd.Series(dtype=object)
    periods["last_revised_at"] = periods["period"].map(lambda p: last_rev.get(p))
    cat, f = catalogue(), force()
    measures = pd.DataFrame([{"id": m.id, "name": m.name, "short_name": m.short_name, "unit": m.unit,
                              "kind": m.kind, "increase_is": m.increase_is} for m in cat.measures
                             if m.source == "force_return"])
    meta = {"version": str(version), "created_at": now.isoformat(timespec="seconds"),
            "threshold": settings.get("suppression_threshold"), "marker": settings.get("suppression_marker"),
            "footnote": footnote(), "banner": BANNER, "force": f.force_name, "office": f.office_name,
            "districts": json.dumps(list(f.districts))}
    final = folder / f"snapshot-{version:04d}.duckdb"
    tmp = folder / f".snapshot-{version:04d}.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    out = duckdb.connect(str(tmp))
    try:
        # which suppressed cells are primary (a small count) and which secondary is itself disclosive
        public_cells = cells.drop(columns=["reason"], errors="ignore")
        for name, frame in (("figure", public_cells), ("period", periods), ("measure", measures),
                            ("caveat", _public_caveats(con)), ("revision", revisions),
                            ("meta", pd.DataFrame({"key": list(meta), "value": list(meta.values())}))):
            out.register("frame", frame)
            out.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            out.unregister("frame")
        out.execute("CHECKPOINT")
    finally:
        out.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    faults.point("publish_before_rename")
    os.replace(tmp, final)
    digest = hashlib.sha256(final.read_bytes()).hexdigest()
    pointer = json.dumps({"version": version, "file": final.name, "sha256": digest,
                          "published_at": meta["created_at"]}).encode("utf-8")
    write_atomically(folder / POINTER, pointer, mode=0o644,
                     before_replace=lambda: faults.point("publish_before_switch"))
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO snapshot VALUES (?, ?, ?, ?, ?, ?, ?)",
                [version, now, who, final.name, digest, len(periods), len(cells)])
    con.execute("""UPDATE period_status SET status = 'published', published_at = coalesce(published_at, ?),
                   last_published_at = ?, snapshot_version = ? WHERE approved_at IS NOT NULL""", [now, now, version])
    con.execute("""INSERT INTO published_period SELECT period, ? FROM period_status WHERE approved_at IS NOT NULL
                   ON CONFLICT (period) DO NOTHING""", [now])
    con.executemany("INSERT INTO publication_event (period, action, by_user, acted_at, note) VALUES (?, ?, ?, ?, ?)",
                    [[p, "published", who, now, f"snapshot {version}"] for p in approved["period"]])
    con.execute("COMMIT")
    return version, final


def footnote() -> str:
    return (f"{settings.get('suppression_marker')} Not shown: a count from 1 to "
            f"{settings.get('suppression_threshold')}, or a figure from which one could be worked out, "
            "so that no child can be identified.")
