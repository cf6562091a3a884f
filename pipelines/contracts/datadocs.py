"""Great Expectations' own Data Docs (HTML) for the latest loads, for analysts who know that tool.

Each of the latest loads of a return is replayed through a Great Expectations validation definition: an
accepted file's figures as they stand, a refused file's quarantined rows; each row rule's verdict is
checked against the one the load stored (set rules are DuckDB queries, which Great Expectations does not
run). The site is built beside the warehouse (``<stem>.datadocs``) and swapped in whole. Its pages load
nothing from the web: the styles and scripts they fetched from CDNs are inlined from the vendored copies in
``datadocs_assets/`` (with their licences), so they open styled offline.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import PccDashError
from ..ingest import readers
from ..ingest.load import drop_staging
from ..warehouse import utc_now
from . import runner, runs
from .batch import build_accepted_batch, build_batch
from .contract import load_contract

SITE = "pccdash_contracts"
MANIFEST = "pccdash-build.json"
ASSETS = Path(__file__).with_name("datadocs_assets")
STYLES = ("bootstrap-4.3.1.min.css", "bootstrap-table-1.19.1.min.css", "bootstrap-table-filter-control-1.19.1.min.css",
          "bootstrap-datepicker-1.9.0.min.css",
          "fontawesome-6.6.0.min.css", "fontawesome-solid-6.6.0.min.css", "fontawesome-regular-6.6.0.min.css")
SCRIPTS = ("jquery-3.7.1.min.js", "bootstrap-4.3.1.bundle.min.js", "bootstrap-table-1.19.1.min.js",
           "bootstrap-table-filter-control-1.19.1.min.js", "bootstrap-datepicker-1.9.0.min.js")


class NoRuns(PccDashError):
    """There is no validation run to document."""


@dataclass
class DocsPage:
    title: str  # what the select box says
    path: str   # relative to the site's folder


@dataclass
class Build:
    """What a build wrote: when, its pages, and any rule on which Great Expectations and the stored run differ."""
    folder: Path
    built_at: dt.datetime
    pages: list[DocsPage] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def folder(db_path: str | os.PathLike) -> Path:
    """Where the Data Docs of the warehouse at `db_path` live: a folder beside it, named after it."""
    p = Path(db_path)
    return p.with_name(p.stem + ".datadocs")


# ---------------------------------------------------------------------------------------------------
# Offline: every CDN reference replaced by an inlined vendored copy, or dropped where nothing needs it


def _asset(name: str) -> str:
    text = (ASSETS / name).read_text(encoding="utf-8")
    return re.sub(r"/[*/]# sourceMappingURL=\S+\s*(\*/)?", "", text)  # a map the browser's tools would fetch


def _font(match: re.Match) -> str:
    data = base64.b64encode((ASSETS / match.group(1)).read_bytes()).decode("ascii")
    return f'src:url(data:font/woff2;base64,{data}) format("woff2")'


def inline_styles() -> str:
    css = "\n".join(_asset(n) for n in STYLES)
    return re.sub(r'src:url\(\.\./webfonts/([\w-]+\.woff2)\) format\("woff2"\),url\([^)]*\) format\("truetype"\)',
                  _font, css)


def inline_scripts() -> str:
    return "\n".join(_asset(n) for n in SCRIPTS)


_REMOTE = r"""["']?(?:https?:)?//"""
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=" + _REMOTE + r"[^>]*>\s*</script>\s*", re.I)
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=" + _REMOTE + r"[^>]*/?>\s*", re.I)
_ICON = re.compile(r"<link\b[^>]*\brel=\"shortcut icon\"[^>]*/?>\s*", re.I)
_REMOTE_IMG = re.compile(r"<img\b[^>]*\bsrc=" + _REMOTE + r"[^>]*/?>", re.I | re.S)
_REMOTE_ANCHOR = re.compile(r"(<a\b[^>]*?)\s+href=" + _REMOTE + r"[^\"'\s>]*[\"']?", re.I)
_REMOTE_URL = re.compile(r"url\(\s*" + _REMOTE + r"[^)]*\)", re.I)


def offline(html: str, styles: str, scripts: str) -> str:
    """A Data Docs page that requests nothing from outside: vendored styles and scripts inlined where the CDN
    tags stood, the remote logo as words, remote links as plain text, remote CSS images dropped."""
    first_link = _REMOTE_LINK.search(html)
    if first_link:
        at = first_link.start()
        html = html[:at] + "<style>\n" + styles.replace("</style", "<\\/style") + "\n</style>\n" + html[at:]
    html = _REMOTE_LINK.sub("", html)
    first_script = _REMOTE_SCRIPT.search(html)
    if first_script:
        at = first_script.start()
        html = html[:at] + "<script>\n" + scripts.replace("</script", "<\\/script") + "\n</script>\n" + html[at:]
    html = _REMOTE_SCRIPT.sub("", html)  # vega: no expectation of the contract draws a chart
    html = _ICON.sub("", html)
    html = _REMOTE_IMG.sub('<span class="h4 m-0">Great Expectations</span>', html)
    html = _REMOTE_ANCHOR.sub(r"\1", html)
    html = _REMOTE_URL.sub("none", html)
    return html


def make_offline(site: Path) -> None:
    styles, scripts = inline_styles(), inline_scripts()
    for page in site.rglob("*.html"):
        page.write_text(offline(page.read_text(encoding="utf-8"), styles, scripts), encoding="utf-8")
    # the tool's own static folder: no page refers to it once the favicon goes, and a template in it names a CDN
    shutil.rmtree(site / "static", ignore_errors=True)


# ---------------------------------------------------------------------------------------------------
# Building


def _batch_from_quarantine(con: duckdb.DuckDBPyConnection, run_id: int, label: str) -> None:
    rows = con.execute(
        """SELECT source_sheet, source_row, source_column, period_text, district_text, measure_text, value_text, note,
                  dimension, category_text, category_column
           FROM quarantine WHERE run_id = ? ORDER BY source_sheet NULLS FIRST, source_row""", [run_id]).fetchall()
    cols = readers.STAGED_COLUMNS
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)},
                     schema=pa.schema([(c, pa.int32() if c == "source_row" else pa.string()) for c in cols]))
    con.register("quarantine_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE staged_raw AS SELECT * FROM quarantine_arrow")
    con.unregister("quarantine_arrow")
    build_batch(con, label)


def _context(out_dir: Path):
    """A fresh ephemeral context for one build, so that its site lists this build's results and no earlier
    one's (the runner's own context keeps every result it has seen in the process)."""
    gx, _ = runner.gx_context()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_data_docs_site(site_name=SITE, site_config={
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
    })
    return gx, context


def build_data_docs(con: duckdb.DuckDBPyConnection, out_dir: Path, latest: int = 5,
                    progress: Callable[[float, str], None] | None = None) -> Build:
    """Write the Data Docs site for the latest `latest` loads of a return into `out_dir`, replacing what was
    there only once the new site is whole. `progress(fraction, words)` hears of each step."""
    contract = load_contract("force_cse_return")
    # a file refused before any rule could judge it (a required column missing, an empty file) has a run of no
    # rules, and nothing for Great Expectations to replay
    loads = con.execute(
        """SELECT v.run_id, v.file_id, r.name, r.outcome FROM validation_run v JOIN file_registry r USING (file_id)
           WHERE v.scope = 'ingest' AND v.contract_id = ?
             AND EXISTS (SELECT 1 FROM validation_result x WHERE x.run_id = v.run_id)
           ORDER BY v.run_id DESC LIMIT ?""",
        [contract.id, latest]).fetchall()
    if not loads:
        raise NoRuns('No return has been loaded yet. Run "pccdash ingest PATH" first.')
    tell = progress or (lambda fraction, words: None)
    tell(0.0, "Starting Great Expectations")
    from great_expectations.core.run_identifier import RunIdentifier

    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=out_dir.name + ".new-", dir=out_dir.parent))  # two builds at once: apart
    try:
        gx, context = _context(new)
        suite = context.suites.add(gx.ExpectationSuite(
            name=f"{contract.name} {contract.version}",
            expectations=[e.configuration.to_domain_obj() for e in runner.expectation_suite(contract).expectations]))
        bd = (context.data_sources.add_pandas("pccdash_batches").add_dataframe_asset(name="batch")
              .add_batch_definition_whole_dataframe("whole batch"))
        cols = ", ".join(f'"{c}"' for c in runner.rule_columns(contract))
        build = Build(out_dir, utc_now())
        for i, (run_id, file_id, name, outcome) in enumerate(loads):
            tell(0.05 + 0.8 * i / len(loads), f'Replaying "{name}"')
            drop_staging(con)
            if outcome == "accepted":
                build_accepted_batch(con, file_id=file_id)
            else:
                _batch_from_quarantine(con, run_id, name)
            df = con.sql(f"SELECT {cols} FROM batch").to_arrow_table().to_pandas()
            vd_name = f"{name} ({outcome}, run {run_id})"
            vd = context.validation_definitions.add(gx.ValidationDefinition(name=vd_name, data=bd, suite=suite))
            result = vd.run(batch_parameters={"dataframe": df}, result_format="SUMMARY",
                            run_id=RunIdentifier(run_name=vd_name))
            stored = runs.stored_verdicts(con, run_id)
            for r in result.results:
                rule = r.expectation_config.meta["rule_id"]
                if rule in stored and stored[rule] != bool(r.success):
                    was = "passed" if stored[rule] else "failed"
                    build.disagreements.append(f'"{name}": the rule "{rule}" {was} when the file was loaded but '
                                               f'{"passes" if r.success else "fails"} in Great Expectations.')
            verdict = "accepted" if outcome == "accepted" else "refused"
            build.pages.append(DocsPage(f'"{name}", {verdict} (loaded {runs.when(_started(con, run_id))})', ""))
        drop_staging(con)
        tell(0.85, "Writing the pages")
        context.build_data_docs(site_names=[SITE])
        tell(0.95, "Inlining styles")
        make_offline(new)
        _find_pages(new, build, loads)
        (new / MANIFEST).write_text(json.dumps({
            "built_at": build.built_at.isoformat(), "disagreements": build.disagreements,
            "pages": [asdict(p) for p in build.pages]}, indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)  # the site as it was stays; no half-built folder beside it
        raise
    old = Path(tempfile.mkdtemp(prefix=out_dir.name + ".old-", dir=out_dir.parent))
    if out_dir.exists():
        out_dir.replace(old / "site")
    new.replace(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    tell(1.0, "Done")
    return build


def _started(con: duckdb.DuckDBPyConnection, run_id: int) -> dt.datetime:
    return con.execute("SELECT started_at FROM validation_run WHERE run_id = ?", [run_id]).fetchall()[0][0]


def _find_pages(site: Path, build: Build, loads: list[tuple]) -> None:
    """Each replayed load's page, found by the run named in its folder; the index first."""
    found = {}
    for page in (site / "validations").rglob("*.html"):
        m = re.search(r"\(\w+, run (\d+)\)", str(page.relative_to(site)))
        if m:
            found[int(m.group(1))] = page.relative_to(site).as_posix()
    for page, (run_id, *_rest) in zip(build.pages, loads, strict=True):
        page.path = found.get(run_id, "")
    build.pages = [DocsPage("Overview of the latest loads", "index.html"),
                   *[p for p in build.pages if p.path]]


def latest_build(site: Path) -> Build | None:
    """The site built last in `site`, as its manifest records it; None when none has been built."""
    try:
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return Build(site, dt.datetime.fromisoformat(manifest["built_at"]),
                 [DocsPage(**p) for p in manifest["pages"]], manifest["disagreements"])


def page_html(site: Path, path: str) -> str:
    """One page of the site, for showing inside the app: its links to other pages of the site made inert
    (the select box goes there), since a page shown in a frame cannot follow a link relative to its file."""
    target = (site / path).resolve()
    if site.resolve() not in target.parents or target.suffix != ".html":
        raise FileNotFoundError(path)
    html = target.read_text(encoding="utf-8")
    html = re.sub(r'(<a\b[^>]*?)\s+href="(?!#)[^"]*\.html"', r'\1 title="Choose this page in the box above"', html)
    return html.replace('window.location = $element.data("href");', "")
