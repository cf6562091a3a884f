"""The `pccdash` command: thin wrappers that parse options, call one pipeline function, report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import PccDashError, shown

SAMPLE_RETURNS = Path(__file__).parent / "sample" / "returns"
SAMPLE_POLICE_UK = Path(__file__).parent / "sample" / "police_uk"  # real rows, OGL v3.0
PROBLEMS_SHOWN = 20


def db_option(f):
    return click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        envvar="PCCDASH_DB", show_envvar=True,
                        help="Warehouse file. [default: var/pccdash.duckdb]")(f)


def period_options(f):
    f = click.option("--to", "end", metavar="YYYY-MM", help="Last month to include.")(f)
    f = click.option("--from", "start", metavar="YYYY-MM", help="First month to include.")(f)
    return f


def format_option(f):
    return click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
                        show_default=True, help="Print an aligned table or CSV.")(f)


class Cli(click.Group):
    """Turns the domain's errors into one clear line and exit code 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PccDashError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(1)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pccdash")
def main():
    """Performance dashboard for holding a police force to account.

    \b
    Typical use:
      pccdash demo                       build the sample warehouse and serve the dashboard
      pccdash ingest returns/2015-07/    load the force's return files
      pccdash figures --measure cse_charges --district Rotherham --from 2014-08 --to 2015-07
    """


@main.command()
@db_option
def init(db):
    """Create the warehouse, or bring an older one up to date.

    \b
    Example:
      pccdash init --db var/pccdash.duckdb
    """
    from .warehouse import connect, db_path, migrations, schema_version

    path = db_path(db)
    existed = path.exists()
    with connect(path) as con:
        version = schema_version(con)
    state = "is up to date" if existed else "was created"
    click.echo(f'Warehouse "{path}" {state} (schema version {version} of {migrations()[-1][0]}).')


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--quiet", "-q", is_flag=True, help="Print only problems and the summary.")
def ingest(paths, db, quiet):
    """Load return files (CSV or XLSX; files or folders) into the warehouse.

    Each file loads whole or not at all. A file already loaded (same content) is noticed and skipped.
    A refused file is listed with every problem by file, sheet, row and column; the other files still
    load, and the command exits 1. See docs/return-format.md for the format.

    \b
    Examples:
      pccdash ingest returns/2015-07-cse-return.xlsx
      pccdash ingest returns/            (every .csv and .xlsx below the folder, in name order)
    """
    from .ingest import ingest as run_ingest
    from .warehouse import connect

    progress = None if quiet else (lambda msg: click.echo(msg, err=True))
    with connect(db) as con:
        report = run_ingest(con, paths, progress=progress)
    _print_refusals(report)
    click.echo(
        f"{report.count('accepted')} file(s) accepted, {report.count('already_loaded')} already loaded, "
        f"{report.count('rejected')} refused."
    )
    if not report.ok:
        sys.exit(1)


def _print_refusals(report) -> None:
    """Each refused file with its problems; each accepted file whose contract warned, with the warnings."""
    from .contracts import format_report

    for f in report.files:
        if f.outcome == "accepted" and f.run is not None and f.run.warnings:
            click.echo(format_report(f.run), err=True)
        if f.outcome != "rejected":
            continue
        click.secho(f'Refused "{shown(f.label, None)}": nothing from it was loaded.', fg="red", err=True)
        in_run = {(p.sheet, p.row, p.column, p.text) for p in f.run.problems()} if f.run else set()
        others = [p for p in f.problems if (p.sheet, p.row, p.column, p.text) not in in_run]
        for p in others[:PROBLEMS_SHOWN]:
            click.echo(f"  - {p.message()}", err=True)
        if len(others) > PROBLEMS_SHOWN:
            click.echo(f"  ... and {len(others) - PROBLEMS_SHOWN} more.", err=True)
        if f.run is not None and f.run.errors:
            click.echo(format_report(f.run), err=True)
        click.echo("  Correct the file and run \"pccdash ingest\" again.", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@db_option
@click.option("--file", "file", metavar="NAME|ID", help="Only the current figures of this accepted file.")
@click.option("--measure", "measures", multiple=True, metavar="ID", help="Measure id; repeat for several.")
@click.option("--district", "districts", multiple=True, metavar="NAME", help="District; repeat for several.")
@period_options
@click.option("--all-rules", is_flag=True, help="List the rules that passed too.")
def validate(paths, db, file, measures, districts, start, end, all_rules):
    """Run the data contract again and print what it finds; exit 1 when an error rule fails.

    With no PATH, checks the accepted figures (all, one file's, or those the filters select). With
    PATHs, reads those files and checks them without loading anything (a dry run before ingesting):
    a return against the return's contract, a police.uk street or outcomes file (known by its header)
    against its own. Every run is stored, so the data-quality pages show it.

    \b
    Examples:
      pccdash validate                          (every accepted figure)
      pccdash validate --file 2015-16-cse-return.xlsx
      pccdash validate returns/2015-08.csv      (check a file before loading it)
      pccdash validate 2017-11/2017-11-south-yorkshire-street.csv
    """
    from .contracts import format_report
    from .contracts.revalidate import validate_accepted, validate_files
    from .figures import make_filter
    from .ingest.load import discover
    from .policeuk import detect, validate_police_uk
    from .warehouse import connect

    def dry_runs(con):
        """Each file under PATHS checked as what it is, in the order ingest would load them."""
        files, missing = discover(paths)
        yield from validate_files(con, [m.label for m in missing])
        for path in files:
            if path.suffix.lower() == ".csv" and detect(path):
                yield validate_police_uk(con, path)
            else:
                yield from validate_files(con, [path])

    failed = False
    with connect(db) as con:
        if paths:
            for label, run, problems in dry_runs(con):
                for p in problems:
                    click.echo(f"  - {p.message()}", err=True)
                if run is None:
                    click.secho(f'"{label}" cannot be read; nothing was validated.', fg="red", err=True)
                    failed = True
                    continue
                click.echo(format_report(run, passed_rules=all_rules))
                failed = failed or bool(run.errors) or bool(problems)
        else:
            run = validate_accepted(con, make_filter(measures, districts, start, end), file)
            click.echo(format_report(run, passed_rules=all_rules))
            failed = bool(run.errors)
    if failed:
        sys.exit(1)


@main.command()
@db_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("var/data_docs"),
              show_default=True, help="Folder to write the site into.")
@click.option("--latest", default=5, show_default=True, help="How many of the latest file runs to include.")
def datadocs(db, out, latest):
    """Build Great Expectations' Data Docs (HTML) for the latest validation runs.

    For analysts who know that tool: each of the latest files is replayed through the contract's
    expectation suite (an accepted file's figures, a refused file's quarantined rows). The pages
    fetch their styles from the web, so offline they open unstyled but complete.

    \b
    Example:
      pccdash datadocs --out var/data_docs && open var/data_docs/index.html
    """
    from .contracts.datadocs import build_data_docs
    from .warehouse import connect

    click.echo("Replaying the latest runs through Great Expectations ...", err=True)
    with connect(db) as con:
        index = build_data_docs(con, out, latest)
    click.echo(f"Data Docs written: {index}")


@main.command()
@db_option
@click.option("--measure", "measures", multiple=True, metavar="ID", help="Measure id; repeat for several.")
@click.option("--district", "districts", multiple=True, metavar="NAME", help="District; repeat for several.")
@period_options
@click.option("--history", is_flag=True, help="Show every revision of each figure, not only the current one.")
@format_option
def figures(db, measures, districts, start, end, history, fmt):
    """Print accepted figures with the file and row each came from.

    \b
    Examples:
      pccdash figures --measure cse_charges --district Rotherham --from 2014-08 --to 2015-07
      pccdash figures --measure cse_arrests --format csv > arrests.csv
      pccdash figures --history --from 2015-01 --to 2015-03
    """
    from .exports import write_csv
    from .figures import current_figures, figure_history, make_filter
    from .warehouse import connect_read_only

    flt = make_filter(measures, districts, start, end)
    with connect_read_only(db) as con:
        df = figure_history(con, flt) if history else current_figures(con, flt)
    if fmt == "csv":
        write_csv(df, sys.stdout)
        return
    if df.empty:
        click.echo("No figures match.")
        return
    click.echo(_table(df))
    if not history and len(df):
        _print_totals(df)


def _table(df) -> str:
    shown = df.copy()
    for col in ("value", "previous_value"):
        if col in shown:
            shown[col] = shown[col].map(_fmt_number)
    return shown.fillna("").to_string(index=False)


def _fmt_number(v) -> str:
    if v is None or v != v:
        return ""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}"


def _print_totals(df) -> None:
    from .catalogue import catalogue

    cat = catalogue()
    click.echo("")
    for measure, group in df.groupby("measure", sort=True):
        m = cat.get(measure)
        months = group["period"].nunique()
        if m.kind == "flow":
            click.echo(f"{measure}: {_fmt_number(group['value'].sum())} {m.unit} in total over {months} month(s).")
        elif m.kind == "stock":
            last = group["period"].max()
            click.echo(f"{measure}: {_fmt_number(group.loc[group['period'] == last, 'value'].sum())} {m.unit} "
                       f"at the end of {last} (a stock: months are not added up).")


@main.command()
@db_option
@click.option("--month", metavar="YYYY-MM", help="Reporting month. [default: the latest month with figures]")
@click.option("--district", default=None, metavar="NAME", help="One district (or the force's name) only.")
@click.option("--no-sentences", is_flag=True, help="Leave out the plain-English sentences and questions.")
@format_option
def plan(db, month, district, no_sentences, fmt):
    """Print the status of every Police and Crime Plan measure for a month, with its sentence.

    For the force and each district: the latest value, the change on the same month last year, the
    SPC variation (Making Data Count) and, where the plan sets an aspiration, the assurance; then a
    plain-English sentence and, for a concerning signal, a drafted question for the Chief Constable.

    \b
    Examples:
      pccdash plan --month 2015-07
      pccdash plan --month 2015-07 --district Rotherham
      pccdash plan --format csv > plan-2015-07.csv
    """
    import pandas as pd

    from .exports import write_csv
    from .figures import accepted_months, parse_month, plan_figures
    from .plan import format_status_table, plan_status, status_rows
    from .warehouse import connect_read_only

    chosen = parse_month(month, "--month")
    with connect_read_only(db) as con:
        months = accepted_months(con)
        judged = plan_figures(con)
    if not months:
        raise PccDashError('The warehouse holds no figures yet. '
                           'Run "pccdash ingest PATH" or "pccdash demo --no-serve".')
    when = chosen.strftime("%Y-%m") if chosen else months[-1]
    statuses = plan_status(judged, when, district)
    if fmt == "csv":
        write_csv(pd.DataFrame(status_rows(statuses)), sys.stdout)
        return
    click.echo(format_status_table(statuses, sentences=not no_sentences))


@main.command()
@db_option
@click.option("--meeting", required=True, metavar="YYYY-MM-DD",
              help="The meeting's date; the pack covers the latest complete month with accepted figures before it.")
@click.option("--out", "out_dir", default=".", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the pack into.")
@click.option("--by", "who", default=None, metavar="NAME", help="Who the pack says generated it (default: you).")
def pack(db, meeting, out_dir, who):
    """Write the briefing pack for a Public Accountability Board meeting, as PDF and self-contained HTML.

    It holds each plan measure's figures for the force and every district, its SPC chart and sentence,
    the caveats on it (open flags and data-check warnings), the office's commentary, and the questions
    for the Chief Constable as saved in the dashboard (or as drafted from the plan, if none were saved).
    It is marked OFFICIAL-SENSITIVE: small counts are not suppressed in it.

    \b
    Example:
      pccdash pack --meeting 2015-08-20 --out packs/
    """
    import datetime as _dt
    import getpass

    from .briefing.pack import write as write_pack
    from .warehouse import connect_read_only

    try:
        day = _dt.date.fromisoformat(meeting)
    except ValueError:
        raise PccDashError(f'--meeting "{meeting}" is not a date; write it as YYYY-MM-DD (2015-08-20).') from None
    out_dir.mkdir(parents=True, exist_ok=True)
    with connect_read_only(db) as con:
        html, pdf = write_pack(con, day, who or getpass.getuser(), out_dir)
    click.echo(f"Briefing pack written: {pdf} and {html}")


def as_option(f):
    return click.option("--as", "as_user", metavar="EMAIL", required=True, envvar="PCCDASH_USER", show_envvar=True,
                        help="Who is acting: an email that pipelines/reference/access.yaml gives the right role.")(f)


@main.command()
@db_option
@format_option
def periods(db, fmt):
    """List each month with its publication status and anything that stops its approval.

    \b
    Example:
      pccdash periods
    """
    from .exports import write_csv
    from .publish.approval import period_states, states_frame
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:
        df = states_frame(period_states(con))
    if fmt == "csv":
        write_csv(df, sys.stdout)
    else:
        click.echo(df.to_string(index=False) if not df.empty else "No figures yet.")


@main.command()
@click.argument("months", nargs=-1, required=True, metavar="YYYY-MM...")
@db_option
@as_option
def approve(months, db, as_user):
    """Approve months for publication, as their figures stand now (the PCC role only).

    A month with a refused file not yet replaced, or an unresolved blocking flag, cannot be approved.
    A revision loaded after approval is not published until the month is approved again.

    \b
    Example:
      pccdash approve 2015-06 2015-07 --as pcc@example.org
    """
    from .publish.approval import approve as run_approve
    from .warehouse import connect

    with connect(db) as con:
        done = run_approve(con, list(months), {"email": as_user})
    click.echo(f"Approved by {as_user}: " + ", ".join(p.strftime("%Y-%m") for p in done))


@main.command()
@db_option
@as_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, envvar="PCCDASH_PUBLISHED_DIR",
              help="Published folder. [default: var/published]")
def publish(db, as_user, out):
    """Publish every approved month: write a new immutable snapshot and switch the public side to it.

    Counts from 1 to the threshold (4) are suppressed, with secondary suppression so that none can be
    worked out from a total. Earlier snapshots are kept; the public page says what was revised.

    \b
    Example:
      pccdash publish --as pcc@example.org
    """
    from .publish.snapshot import publish as run_publish
    from .warehouse import connect

    with connect(db) as con:
        version, path = run_publish(con, {"email": as_user}, out)
    click.echo(f"Published snapshot {version}: {path}")


@main.command()
@db_option
@click.option("--no-serve", is_flag=True, help="Build the sample warehouse and stop before the dashboard.")
@click.option("--port", default=8501, show_default=True, help="Port for the dashboard.")
def demo(db, no_serve, port):
    """Build a warehouse from the bundled sample returns, then serve the dashboard.

    The sample returns are illustrative, not the force's data, apart from the totals the force
    published in August 2015. Real police.uk rows for November 2017 (part of the month) are loaded
    as public context. Running it again loads nothing twice.

    \b
    Examples:
      pccdash demo                 (then open http://localhost:8501)
      pccdash demo --no-serve && pccdash figures --measure cse_charges --from 2014-08 --to 2015-07
    """
    from .ingest import ingest as run_ingest
    from .warehouse import connect, db_path

    path = db_path(db)
    click.echo(f'Building the sample warehouse "{path}" from {SAMPLE_RETURNS} and {SAMPLE_POLICE_UK}', err=True)
    with connect(path) as con:
        report = run_ingest(con, [SAMPLE_RETURNS, SAMPLE_POLICE_UK], progress=lambda msg: click.echo(msg, err=True))
    _print_refusals(report)
    if not report.ok:
        sys.exit(1)
    click.echo(f"Sample warehouse ready: {report.count('accepted')} file(s) loaded, "
               f"{report.count('already_loaded')} already there.")
    _publish_demo_months(path)
    if not no_serve:
        _serve(path, port, which="both", demo_sign_in=True)


def _publish_demo_months(path: Path) -> None:
    """Give the demo's public pages something to show: the months of the force's August 2015 figures.

    Done once, as the demo's PCC (pcc@example.org), only while nothing has been published; the other
    months stay drafts so the approval page has work to show.
    """
    from .public import current_snapshot
    from .publish.approval import approve
    from .publish.snapshot import publish as run_publish
    from .sample_data import DEMO_PUBLISHED_MONTHS, DEMO_PUBLISHER
    from .warehouse import connect

    if current_snapshot() is not None:
        return
    with connect(path) as con:
        approve(con, list(DEMO_PUBLISHED_MONTHS), {"email": DEMO_PUBLISHER})
        version, snap = run_publish(con, {"email": DEMO_PUBLISHER})
    click.echo(f"Published {DEMO_PUBLISHED_MONTHS[0]} to {DEMO_PUBLISHED_MONTHS[-1]} as {DEMO_PUBLISHER} "
               f"for the public pages (snapshot {version}).")


@main.command()
@db_option
@click.option("--app", "which", type=click.Choice(["internal", "public", "both"]), default="both", show_default=True,
              help="The internal dashboard (sign-in needed), the public one (published snapshots only), or both.")
@click.option("--port", default=8501, show_default=True, help="Port of the internal dashboard.")
@click.option("--public-port", default=8502, show_default=True, help="Port of the public dashboard.")
@click.option("--address", default="localhost", show_default=True, help="Address to listen on.")
@click.option("--auth-secrets", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              envvar="PCCDASH_AUTH_SECRETS", show_envvar=True,
              help="A secrets.toml whose [auth] section signs people in to the internal dashboard "
                   "[default: Streamlit's own .streamlit/secrets.toml]")
@click.option("--demo-sign-in", is_flag=True,
              help="Sign in with a local demo provider (oidc-provider-mock) and its made-up users.")
@click.option("--provider-port", default=9400, show_default=True, help="Port of the demo sign-in provider.")
def serve(db, which, port, public_port, address, auth_secrets, demo_sign_in, provider_port):
    """Serve the internal dashboard on http://localhost:PORT and the public one on PUBLIC-PORT.

    The internal dashboard reads a copy of the warehouse that each load swaps in whole, so it keeps
    serving while "pccdash ingest" runs in another process; people sign in to it with OpenID Connect.
    The public dashboard reads only the published snapshots, never the warehouse. Ctrl+C stops both.

    \b
    Examples:
      pccdash serve --auth-secrets /etc/pccdash/secrets.toml
      pccdash serve --demo-sign-in       (sign in as pcc@example.org or analyst@example.org)
      pccdash serve --app public --public-port 8080 --address 0.0.0.0
    """
    from .warehouse import db_path

    _serve(db_path(db), port, address, which=which, public_port=public_port, auth_secrets=auth_secrets,
           demo_sign_in=demo_sign_in, provider_port=provider_port)


def _serve(path: Path, port: int, address: str = "localhost", *, which: str = "both", public_port: int = 8502,
           auth_secrets: Path | None = None, demo_sign_in: bool = False, provider_port: int = 9400) -> None:
    """Check the options, then run the apps until Ctrl+C or one stops (pipelines/serving.py)."""
    from .serving import serve_apps

    internal = which in ("internal", "both")
    if demo_sign_in and auth_secrets:
        raise click.UsageError("Give --auth-secrets or --demo-sign-in, not both.")
    if demo_sign_in and not internal:
        raise click.UsageError("--demo-sign-in is for the internal dashboard: use it with --app internal or both.")
    if internal and which == "both" and port == public_port:
        raise click.UsageError("--port and --public-port must differ.")

    def say(text: str, colour: str | None = None) -> None:
        click.secho(text, fg=colour, err=True)

    sys.exit(serve_apps(path, port, address, which=which, public_port=public_port, auth_secrets=auth_secrets,
                        demo_sign_in=demo_sign_in, provider_port=provider_port, say=say))


if __name__ == "__main__":  # pragma: no cover
    main()
