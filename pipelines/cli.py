"""The `pccdash` command: thin wrappers that parse options, call one pipeline function, report."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from pathlib import Path

import click

from . import __version__
from .errors import PccDashError, environment_fault, interrupted, record_fault, shown

SAMPLE_RETURNS = Path(__file__).parent / "sample" / "returns"
SAMPLE_POLICE_UK = Path(__file__).parent / "sample" / "police_uk"  # real rows, OGL v3.0
PROBLEMS_SHOWN = 20


class _WarehouseFile(click.Path):
    """A warehouse file's path: a folder given in its place is refused saying what to give instead."""

    def convert(self, value, param, ctx):
        if Path(value).is_dir():
            self.fail(f'"{value}" is a folder, not a warehouse file. Give the path of the warehouse file, such as '
                      f'"{Path(value) / "pccdash.duckdb"}".', param, ctx)
        return super().convert(value, param, ctx)


class _Folder(click.Path):
    """A folder's path: a file given in its place is refused saying so, and what to give instead."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        if Path(value).is_file():
            self.fail(f'"{value}" is a file, not a folder. Give the path of a folder; the file is left as it is.',
                      param, ctx)
        return super().convert(value, param, ctx)


def db_option(f):
    return click.option("--db", "db", type=_WarehouseFile(dir_okay=False, path_type=Path), default=None,
                        envvar="PCCDASH_DB", show_envvar=True,
                        help="Warehouse file. [default: var/pccdash.duckdb]")(f)


def period_options(f):
    f = click.option("--to", "end", metavar="YYYY-MM", help="Last month to include.")(f)
    f = click.option("--from", "start", metavar="YYYY-MM", help="First month to include.")(f)
    return f


INBOX_LIMIT = 25  # questions from the public `pccdash inbox list` lists unless asked for more, as the page shows
PERIODS_SHOWN = 24  # months `pccdash periods` shows unless asked for more: the warehouse holds every month since 2013
PACKS_SHOWN = 20  # packs `pccdash packs` lists unless asked for more
MEETINGS_SHOWN = 12  # meetings `pccdash meetings` lists unless asked for more
RELEASED_SHOWN = 20  # approvals `pccdash released` lists unless asked for more: items stay approved for years
FILES_SHOWN = 50  # files `pccdash files` lists unless asked for more: a return a month, and its resubmissions
AUDIT_LIMIT = 50  # records the audit table shows unless asked for more: a trail of years holds thousands


def limit_option(default: int, help: str, show_default: bool = True):
    """--limit N, a whole number 0 or more (0: no limit), for a listing that shows the first `default` unless told;
    without `show_default` the help says the default itself (a table's, where the CSV is whole unless told)."""
    return click.option("--limit", type=click.IntRange(min=0), default=default, show_default=show_default,
                        metavar="N", help=help)


def _csv_rows(df, limit: int, option: str, words: str, *, latest_last: bool = False):
    """The rows of a listing (`df`, in the order its CSV writes them) that its CSV holds: every one unless `option`
    (--limit, --months) was typed, as an export is meant to be whole; a number typed holds in every format, as an
    analyst who asked for N rows expects N, and how many were left out is said on stderr, not in the CSV. The first
    rows are kept, or the last with `latest_last` (a listing written oldest first)."""
    ctx = click.get_current_context()
    name = next(p.name for p in ctx.command.params if option in getattr(p, "opts", ()))
    if not limit or ctx.get_parameter_source(name) != click.core.ParameterSource.COMMANDLINE or len(df) <= limit:
        return df
    click.echo(f"The CSV holds the {'latest' if latest_last else 'newest'} {limit:,} of {len(df):,} {words} "
               f"({option} {limit:,}); {option} 0 writes every one.", err=True)
    return df.tail(limit) if latest_last else df.head(limit)


def format_option(f):
    return click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
                        show_default=True, help="Print an aligned table or CSV.")(f)


def _given(text: str | None, what: str, option: str) -> str | None:
    """`text` as typed for `option`, refused in the command line's words when it holds nothing to keep: the record's
    own check says to write it and save, as the app's form is used."""
    from .plaintext import clean

    typed = "" if text is None else str(text)
    if not clean(typed, what, limit=max(len(typed), 1), required=False):
        raise PccDashError(f"Give the {what} ({option}).")
    return text


def _month_held(judged, when: str, command: str) -> None:
    """Refuse a month the plan's figures (`plan_figures`) hold nothing for, naming the months they run over and the
    nearest before it to give instead: a list of "No figure" for every measure would tell nobody anything."""
    from .plan.periods import month_label, month_number, months_said

    held = sorted(set(judged["period"]))
    if not held or when in held:
        return

    def said(m: str) -> str:
        return month_label(month_number(m))

    before = [m for m in held if m < when]
    nearest = before[-1] if before else held[0]
    # a month missing among those held is named, so that a month asked for in a gap is not said to be within them
    over = (f"are for {said(held[0])}" if len(held) == 1 else
            f"run from {months_said(month_number(m) for m in held)}")
    raise PccDashError(f"No figures are loaded for {said(when)}: the figures held {over}. Give a month that has them "
                       f"(\"pccdash {command} --month {nearest}\"), "
                       f"or load {said(when)}'s return first (\"pccdash ingest FILE\").")


def holder_words(text: str | None) -> str | None:
    """A command's help with {holder} and {holders} said as force.yaml titles the office's holder ("the Mayor",
    "the Mayor's"), and {district} and {other_district} as its first two districts are named (so that an example
    names the force's own), read when the help is shown; a force.yaml that cannot be read leaves neutral words ("the
    office holder", DISTRICT), and --help still works. {later_day} is a day to come (`_example_later_day`), for an
    example that a day already past would make a refusal."""
    if not text or ("{holder" not in text and "district}" not in text and "{later_day}" not in text):
        return text
    from .office import configured_or_neutral

    said = configured_or_neutral()
    district, other = _example_districts()
    return (text.replace("{holders}", said.holders).replace("{holder}", said.holder_short)
            .replace("{district}", district).replace("{other_district}", other)
            .replace("{later_day}", _example_later_day()))


def _example_later_day() -> str:
    """The last day of next month, YYYY-MM-DD, from today (as PCCDASH_TODAY fixes it, or the clock when that
    setting cannot be read): an example's due date that is still to come whenever the help is read."""
    import datetime as dt

    from . import settings

    try:
        today = settings.today()
    except PccDashError:  # a PCCDASH_TODAY that is not a date: the command names it; --help still works
        today = dt.date.today()
    after_next = (today.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    return (after_next - dt.timedelta(days=1)).isoformat()


def _example_districts() -> tuple[str, str]:
    """force.yaml's first two districts, as typed on a command line ("Rotherham", "'Tower Hamlets'"); DISTRICT
    for both when force.yaml cannot be read, and its one district twice for a force of one."""
    import shlex

    from .catalogue import force

    try:
        names = [shlex.quote(name) for name in force().districts]
    except Exception:  # noqa: BLE001 -- whatever is wrong with the file, `pccdash check` and the pages name it
        return "DISTRICT", "DISTRICT"
    return names[0], names[min(1, len(names) - 1)]


class HolderHelp:
    """Help read through `holder_words` whenever it is shown (`pccdash --help` and `pccdash COMMAND --help`)."""

    @property
    def help(self) -> str | None:
        return holder_words(self._help_text)

    @help.setter
    def help(self, text: str | None) -> None:
        self._help_text = text


class Command(HolderHelp, click.Command):
    pass


class Group(HolderHelp, click.Group):
    command_class = Command


Group.group_class = Group  # a group's groups, and their commands, say the holder as configured too


# how long a command waits for another holding the warehouse: a publication of many months, or a large load, holds it
# for longer than a page waits
COMMAND_LOCK_WAIT_S = 120.0


@contextlib.contextmanager
def _waiting_for_others():
    """While the command runs, it waits for another command holding the warehouse, and says so on stderr."""
    from .warehouse import command_waits

    with command_waits(COMMAND_LOCK_WAIT_S, lambda text: click.echo(text, err=True)):
        yield


class Cli(Group):
    """Turns the domain's errors into one clear line and exit code 1, never a traceback."""

    def invoke(self, ctx):
        previous = _stop_on_sigterm()
        try:
            with _waiting_for_others():
                return super().invoke(ctx)
        except PccDashError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(1)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: --help and --version, usage errors, a declined prompt
        except BrokenPipeError:  # the reader stopped early (`pccdash figures | head`): nothing to say
            sys.stderr.close()
            sys.exit(0)
        except Terminated:
            _stopped(143)
        except KeyboardInterrupt:
            _stopped()
        except Exception as exc:  # noqa: BLE001 -- a fault is told as a sentence; its traceback goes to the log
            if interrupted(exc):  # Ctrl+C while DuckDB ran a query: it raises its own error, not KeyboardInterrupt
                _stopped()
            log = record_fault(exc)
            said = environment_fault(exc)
            if said is not None:
                click.secho(f"Error: {said} The details are in {log}.", fg="red", err=True)
                sys.exit(1)
            click.secho(f"Error: the command stopped on a fault it did not expect ({type(exc).__name__}). Nothing "
                        f"half-done was kept. The details are in {log}; please pass them to the office's "
                        "administrator.", fg="red", err=True)
            sys.exit(1)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


class Terminated(KeyboardInterrupt):
    """The command was asked to stop (SIGTERM: a service manager, a shutdown, `kill`): it stops as on Ctrl+C, its
    transactions rolled back and its temporary files taken away, and says so, rather than ending where it stood."""


def _terminate(signum, frame) -> None:
    raise Terminated


def _stop_on_sigterm():
    """Make SIGTERM stop the command as Ctrl+C does; the handler it replaces (None off the main thread, where no
    handler can be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _terminate)


def _stopped(code: int = 130) -> None:
    click.secho("Stopped. Whatever was being written is kept whole or not at all; run the command "
                "again to finish the job.", fg="yellow", err=True)
    sys.exit(code)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pccdash")
def main():
    """Performance dashboard for holding a police force to account.

    \b
    Typical use:
      pccdash demo                       build the sample warehouse and serve the dashboard
      pccdash ingest returns/2015-07/    load the force's return files
      pccdash figures --measure cse_charges --district {district} --from 2014-08 --to 2015-07
    """


@main.command()
@db_option
def init(db):
    """Create the warehouse, or bring an older one up to date.

    \b
    Example:
      pccdash init --db var/pccdash.duckdb
    """
    from .plan.history import record_version
    from .warehouse import connect, db_path, migrations, scalar, schema_version, utc_now

    path = db_path(db)
    existed = path.exists()
    started = utc_now()
    with connect(path) as con:
        version = schema_version(con)
        # the versions this command applied, if any: the first one less one is where the warehouse stood
        first = scalar(con, "SELECT min(version) FROM schema_migration WHERE applied_at >= ?", [started])
        record_version(con)  # a baseline or rebase changed by editing the file goes on the audit trail
    if not existed or first == 1:
        state = "was created"
    elif first is not None:
        state = f"was upgraded from schema version {first - 1} to {version}"
    else:
        state = "is up to date"
    click.echo(f'Warehouse "{path}" {state} (schema version {version} of {migrations()[-1][0]}).')
    _report_checks(path)


def _report_checks(db=None) -> None:
    """Every reference file and contract checked (force.yaml against the warehouse's figures too, when there is
    one); each problem by file and line; exit 1 if any."""
    from .catalogue import counted
    from .check import check_all, check_warnings
    from .warehouse import db_path

    findings = check_all(db_path(db))
    problems = [f for f in findings if not f.ok]
    for f in problems:
        click.secho(f"{'Not checked' if f.blocked_by else 'Problem'}: {f.message()}", fg="red", err=True)
    warnings = check_warnings()  # correct, but something to do: said, without failing the check
    for f in warnings:
        click.secho(f"Warning: {f.message()}", fg="yellow", err=True)
    if problems:
        broken = [f for f in problems if not f.blocked_by]
        click.echo(f"{len(broken)} of {len(findings)} reference files and contracts need correcting; "
                   'correct them and run "pccdash check" again.', err=True)
        sys.exit(1)
    click.echo(f"All {len(findings)} reference files and contracts are correct"
               + (f"; {counted(len(warnings), 'warning')} above." if warnings else "."))


@main.command()
@db_option
def check(db):
    """Check every reference file and data contract, naming the file, line and fix of each problem.

    Reads force.yaml, measures.yaml, plan.yaml, population.csv, police_uk.yaml, access.yaml and the
    other reference files (from PCCDASH_REFERENCE_DIR) and every data contract (PCCDASH_CONTRACTS_DIR),
    as the pages and commands will, force.yaml's districts against the figures the warehouse holds and
    recommendations.yaml against the recommendations it holds statuses of (when there is one). Exit 1
    when any has a problem. Pages pick up a corrected file without a restart.
    Warns, without failing, when the accessibility statement (public_info.yaml) was last reviewed more
    than a year ago.

    \b
    Example:
      pccdash check
    """
    _report_checks(db)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False, path_type=Path))
@db_option
@click.option("--quiet", "-q", is_flag=True, help="Print only problems and the summary.")
def ingest(paths, db, quiet):
    """Load return files (CSV or XLSX; files or folders) into the warehouse, and police.uk's street-level
    crime and outcomes files (known by their header) as context.

    Each file loads whole or not at all. A file already loaded (same content) is noticed and skipped; a
    police.uk file named by itself whose month another file has replaced since is loaded again, putting it
    back in force.
    A refused file is listed with every problem by file, sheet, row and column; the other files still
    load, and the command exits 1. See docs/return-format.md for the format.

    \b
    Examples:
      pccdash ingest returns/2015-07-cse-return.xlsx
      pccdash ingest returns/            (every .csv and .xlsx below the folder, in name order)
      pccdash ingest 2018-06/            (police.uk's street and outcomes files for a month, unpacked)
    """
    from .audit import account_actor, record_load
    from .figures import accepted_months
    from .ingest import ingest as run_ingest
    from .plan.history import record_version
    from .plan.notices import coverage_notices
    from .publish.changes import changed_months
    from .resubmission import refusals
    from .warehouse import connect, db_path

    progress = None if quiet else (lambda msg: click.echo(msg, err=True))
    actor = account_actor()
    made = not db_path(db).exists()
    with connect(db) as con:
        if made:  # a mistyped --db or PCCDASH_DB would load into a warehouse no page reads, with no word of it
            click.echo(f'Note: there was no warehouse at "{db_path(db).resolve()}", so a new one was made there. If '
                       "the office's warehouse is elsewhere, give --db or set PCCDASH_DB.", err=True)
        record_version(con)  # a baseline or rebase changed by editing the file goes on the audit trail
        blocking = {r.file.file_id for r in refusals(con) if r.state == "open"}
        changed_before = changed_months(con)
        # each return loaded or refused is on the trail, in the file's own transaction, as an upload is
        report = run_ingest(con, paths, progress=progress,
                            recorded=lambda con, file_id, outcome: record_load(con, actor, file_id, outcome))
        # a month approved or published that this load changed (a late month ends or adds a caveat on the next)
        changed = []
        if report.count("accepted") and (months := changed_months(con) - changed_before):
            from .publish.approval import newly_changed  # the pages' tables: only when there is something to say

            changed = newly_changed(con, months)
        revised = _revisions_made(con, report)
        months = accepted_months(con)
        # the months this load brought figures for: a gap between plans is said when the load is about it
        accepted = [f.file_id for f in report.files if f.outcome == "accepted" and f.file_id is not None]
        brought = [r[0] for r in con.execute(
            "SELECT DISTINCT strftime(period, '%Y-%m') FROM figure_revision WHERE list_contains(?, file_id)",
            [accepted]).fetchall()] if accepted else []
        # a resent return clears the refusal of the file it corrects: said here, as "pccdash validate" said it would
        blocking |= {f.file_id for f in report.files if f.outcome == "rejected"}  # and one refused in this run
        cleared = [r for r in refusals(con) if r.file.file_id in blocking and r.state == "cleared"]
    _print_refusals(report)
    _print_changes(revised, "changed")
    for r in cleared:
        # a refused police.uk file, or one refused before any row was read, named no month: it stopped none
        click.echo(f"Refused {'police.uk ' if r.context else ''}file {r.file} is superseded by "
                   f"{', '.join(map(str, r.cleared_by))}: "
                   + ("it no longer stops its months being approved." if not (r.context or r.unread) else
                      "it stopped no month being approved, as police.uk's files are not the force's figures."
                      if r.context else "it stopped no month being approved, as it named none."))
    missing = sum(1 for f in report.files if _not_found(f))
    unread = sum(1 for f in report.files if _not_opened(f))
    from .catalogue import counted

    click.echo(
        f"{counted(report.count('accepted'), 'file')} accepted, {report.count('already_loaded')} already loaded, "
        f"{report.count('rejected') - missing - unread} refused" + (f", {missing} not found" if missing else "")
        + (f", {unread} that could not be read." if unread else ".")
    )
    if changed:
        from .publish.approval import changed_lines

        click.secho("Months approved before this load that it changed (pccdash approve "
                    f"{' '.join(f'{s.period:%Y-%m}' for s in changed)}, or the Publishing page, approves them again):",
                    fg="yellow")
        for line in changed_lines(changed):
            click.secho(f"  {line}", fg="yellow")
    if report.skipped:  # what the folders held besides returns: a .zip not unpacked is said, not passed over
        from .ingest.load import not_loaded

        click.secho(not_loaded(report.skipped), fg="yellow")
    # figures past the last plan, or a plan about to end: said of a load that brought figures of those months; a run
    # that brought none (a name mistyped, a file already loaded, a police.uk file) changed nothing the plans cover,
    # and the pages say it still
    for notice in coverage_notices(months, brought) if brought else []:
        click.secho(notice, fg="yellow")
    if not report.ok:
        sys.exit(1)


def _revisions_made(con, report) -> list[tuple[str, list]]:
    """Each accepted file that changed figures already accepted, with those figures (was, now)."""
    from .resubmission import file_revisions

    return [(f'"{shown(f.label, None)}" (file #{f.file_id})', file_revisions(con, f.file_id))
            for f in report.files if f.outcome == "accepted" and f.revised]


def _print_changes(files: list[tuple[str, list]], verb: str) -> None:
    """A resubmission's differences from the accepted figures, by figure: measure, district, month, was, now."""
    from .catalogue import counted
    from .resubmission import format_changes

    for label, changes in files:
        if not changes:
            continue
        click.echo(f"{label} {verb} {counted(len(changes), 'accepted figure')}:")
        for line in format_changes(changes):
            click.echo(f"  {line}")


def _file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content; "" if it cannot be read."""
    from .filestore import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return ""


def _not_found(f) -> bool:
    """Whether an ingest's outcome is of a path given that names no file or folder."""
    return f.outcome == "rejected" and f.file_id is None and not f.path.exists()


def _not_opened(f) -> bool:
    """Whether an ingest's outcome is of a file this account may not open: nothing of it was read or registered."""
    from .ingest.load import UNREAD

    return f.outcome == "rejected" and f.file_id is None and f.message == UNREAD


def _print_refusals(report) -> None:
    """Each refused file with its problems; each accepted file whose contract warned, with the warnings."""
    from .contracts import format_report
    from .policeuk.ingest import nothing_to_correct

    for f in report.files:
        if f.outcome == "accepted" and f.run is not None and f.run.warnings:
            click.echo(format_report(f.run), err=True)
        if f.outcome != "rejected":
            continue
        if _not_found(f):  # a path given that names nothing: there is no file to correct
            click.secho(f'Not found: "{shown(f.label, None)}".', fg="red", err=True)
            _print_problems(f.problems)
            continue
        if _not_opened(f):  # nothing to correct in the file: the account may not read it
            click.secho(f'Not read: "{shown(f.label, None)}".', fg="red", err=True)
            _print_problems(f.problems)
            continue
        number = f" (file #{f.file_id})" if f.file_id is not None else ""  # what files show and supersede take
        click.secho(f'Refused "{shown(f.label, None)}"{number}: nothing from it was loaded.', fg="red", err=True)
        # the problems of its structure first (a formula, a merged cell, a hidden sheet), when the rest was read past
        # them and checked: then what the check found, so that one refusal names everything to correct
        others = f.other_problems()
        _print_problems(others[:f.reading])
        if f.reading and f.run is not None:
            found = ":" if f.run.errors or len(others) > f.reading else ": no row breaks an error rule."
            click.echo(f"  The rest of the file was read past the places named above, and each row checked against "
                       f"the contract{found}", err=True)
        _print_problems(others[f.reading:])
        if f.run is not None and f.run.errors:
            click.echo(format_report(f.run), err=True)
        if not nothing_to_correct(f.problems):  # a police.uk file published empty: its problem says what to do
            click.echo("  Correct the file and run \"pccdash ingest\" again.", err=True)


def _print_problems(problems) -> None:
    for p in problems[:PROBLEMS_SHOWN]:
        click.echo(f"  - {p.message()}", err=True)
    if len(problems) > PROBLEMS_SHOWN:
        click.echo(f"  ... and {len(problems) - PROBLEMS_SHOWN} more.", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False, path_type=Path))
@db_option
@click.option("--file", "file", metavar="NAME|ID", help="Only the current figures of this accepted file.")
@click.option("--measure", "measures", multiple=True, metavar="ID", help="Measure id; repeat for several.")
@click.option("--district", "districts", multiple=True, metavar="NAME", help="District; repeat for several.")
@period_options
@click.option("--all-rules", is_flag=True, help="List the rules that passed too.")
@click.option("--engine", type=click.Choice(["duckdb", "gx"]), default="duckdb", show_default=True,
              help="What judges a return's row rules: their own DuckDB queries, or Great Expectations as an "
                   "independent second engine (slower: seconds to start).")
def validate(paths, db, file, measures, districts, start, end, all_rules, engine):
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
      pccdash validate --engine gx returns/2015-08.csv   (the same rules judged by Great Expectations)
    """
    import time

    from .contracts import format_report
    from .contracts.revalidate import validate_accepted, validate_named
    from .figures import make_filter
    from .ingest.load import discover_named, nothing_found
    from .ingest.preview import Upload, judged, preview, refused_before
    from .policeuk import detect, header_problem, validate_police_uk
    from .policeuk.ingest import extra_columns_note, loaded_before, nothing_to_correct
    from .warehouse import connect

    def dry_runs(con, files, missing):
        """Each file checked as what it is, in the order ingest would load them: (path, whether it is a force
        return, label, run, problems, how many of them the structure's, seconds taken in all); a missing file's path
        is None. Each is named as `ingest` names it: one found under a folder by its path below it
        ("east/return.csv")."""
        for m in missing:  # a path that names nothing, or a file this account may not open: nothing to read
            yield None, False, m.label, None, m.problems, 0, 0.0
        for path, name in files:
            started = time.perf_counter()
            police_uk = path.suffix.lower() == ".csv" and bool(detect(path) or header_problem(path, name))
            if police_uk:
                found = (*validate_police_uk(con, path, engine=engine, label=name), 0)
            else:
                [found] = validate_named(con, [(path, name)], engine=engine)
            yield path, not police_uk, *found, time.perf_counter() - started

    failed = False
    # the accepted figures need the warehouse: a mistyped --db must not make an empty one and find it passes
    with connect(db, create=bool(paths)) as con:
        if paths:
            files, missing = discover_named(paths)
            if not files and not missing:
                raise nothing_found(paths)
            returns = {}  # each force return read, with its contract run and wrong totals, for what loading would do
            for path, is_return, label, run, problems, structure, seconds in dry_runs(con, files, missing):
                for p in problems:
                    click.echo(f"  - {p.message()}", err=True)
                if run is None and nothing_to_correct(problems):  # a police.uk file published empty
                    # refused as its load would be, and stored so (the Validation runs page shows the trial refused)
                    click.secho(f'"{shown(label, None)}" would be refused: it has its header and no records, so no '
                                "rule of the contract was checked and nothing from it would be loaded. There is "
                                "nothing to correct in it: wait for police.uk to publish the month again with its "
                                "records and load that, or load nothing for the month, which stays a gap.", fg="red",
                                err=True)
                    if said := refused_before(con, _file_sha256(path)):
                        click.echo(said)
                    failed = True
                    continue
                if run is None and path is None:  # not found, or not opened: what to do is said above
                    click.secho(f'"{shown(label, None)}" cannot be read; nothing was validated.', fg="red", err=True)
                    failed = True
                    continue
                if run is None:  # read, and refused for its structure before any rule could judge it, as ingest would
                    which = "problem" if len(problems) == 1 else "problems"
                    click.secho(f'"{shown(label, None)}" would be refused for the {which} above: nothing from it would '
                                'be loaded, and no rule of the contract was checked. Correct the file and run '
                                '"pccdash validate" again.', fg="red", err=True)
                    if said := refused_before(con, _file_sha256(path)):
                        click.echo(said)
                    failed = True
                    continue
                click.echo(format_report(run, passed_rules=all_rules, wrong_totals=len(problems) - structure,
                                         structure=structure, seconds=seconds))
                if not is_return and run.note:  # another force's police.uk file: whose records, as ingest says
                    click.echo(f"  {run.note}")
                if not is_return and path is not None and (note := extra_columns_note(path)):
                    click.echo(f"  {note}")
                if not is_return and path is not None and (said := loaded_before(con, _file_sha256(path), label,
                                                                                   path)):
                    click.echo(said)  # as a return's is said: ingest skips the very same bytes
                failed = failed or bool(run.errors) or bool(problems)
                if is_return:
                    returns[path] = (label, run, problems)
            if returns:  # as the app's upload says it: already loaded, refused, or what it would change
                uploads = [Upload(label, path.read_bytes()) for path, (label, *_) in returns.items()]
                for path, p in zip(returns, preview(con, uploads, check=False), strict=True):
                    p = judged(p, *returns[path][1:])
                    if not p.loadable:
                        click.echo(p.sentence())
                        continue
                    click.echo(f'"{shown(p.name, None)}": {p.what_it_would_change()}.{p.before()}')
                    _print_changes([(f'"{shown(p.name, None)}"', p.changes_for_print())], "would change")
                    if p.recheck.changes:  # the held figures' caveats `ingest` would end or add, nothing written
                        click.echo(f'Loading "{shown(p.name, None)}" would change the caveats of figures loaded '
                                   "earlier:")
                        for line in p.caveat_lines():
                            click.echo(f"  {line}")
        else:
            run = validate_accepted(con, make_filter(measures, districts, start, end), file, engine=engine)
            click.echo(format_report(run, passed_rules=all_rules))
            failed = bool(run.errors)
    if failed:
        sys.exit(1)


@main.command()
@db_option
@click.option("--out", type=_Folder(), default=None,
              help="Folder to write the site into [default: beside the warehouse, WAREHOUSE.datadocs, where the "
                   "app's Data Docs page reads it].")
@click.option("--latest", default=5, show_default=True, type=click.IntRange(min=1),
              help="How many of the latest loads to include.")
def datadocs(db, out, latest):
    """Build Great Expectations' Data Docs (HTML) for the latest loads.

    For analysts who know that tool: each of the latest loads is replayed through the contract's
    expectation suite (an accepted file's figures, a refused file's quarantined rows), and each rule's
    verdict is checked against the one stored when the file was loaded. The pages carry their styles
    inline and open complete offline; the app's Data Docs page shows them.

    \b
    Examples:
      pccdash datadocs && pccdash serve      (then Data quality > Data Docs)
      pccdash datadocs --out var/data_docs && open var/data_docs/index.html
    """
    from .contracts.datadocs import build_data_docs, folder
    from .warehouse import connect, db_path

    click.echo("Replaying the latest loads through Great Expectations ...", err=True)
    with connect(db, create=False) as con:  # a mistyped --db makes no empty warehouse
        build = build_data_docs(con, out or folder(db_path(db)), latest)
    for line in build.disagreements:
        click.echo(f"Warning: {line}", err=True)
    click.echo(f"Data Docs written: {build.index}")


@main.command()
@db_option
@click.option("--measure", "measures", multiple=True, metavar="ID", help="Measure id; repeat for several.")
@click.option("--district", "districts", multiple=True, metavar="NAME", help="District; repeat for several.")
@period_options
@click.option("--history", is_flag=True, help="Show every revision of each figure, not only the current one.")
@format_option
def figures(db, measures, districts, start, end, history, fmt):
    """Print accepted figures with the file and row each came from, and the open flags on each.

    \b
    Examples:
      pccdash figures --measure cse_charges --district {district} --from 2014-08 --to 2015-07
      pccdash figures --measure cse_arrests --format csv > arrests.csv
      pccdash figures --history --from 2015-01 --to 2015-03
    """
    from .catalogue import force
    from .exports import write_csv
    from .figures import current_figures, figure_history, make_filter
    from .warehouse import connect_read_only

    flt = make_filter(measures, districts, start, end)
    with connect_read_only(db) as con:
        df = figure_history(con, flt) if history else current_figures(con, flt)
        flagged = _open_flags(con, df) if len(df) else {}
    # a flagged figure is never printed bare: its open flags go with it, as on every page; in the history, with the
    # revision current now, which they are on (an earlier one is said by the flag, "raised when it was 13")
    now = force().district_lookup()  # a figure held under a district's former name carries the district's flags
    sent = df["district"].astype(str)
    df["district"] = [now.get(d.lower(), d) for d in sent]  # and is listed under the name the district has now
    former = _held_under_former_names(df, sent)
    df = df.sort_values(["measure", "district", "period", *(["revision"] if history else [])], kind="stable")
    df = df.reset_index(drop=True)
    df["open_flags"] = [" | ".join(flagged.get((r.period, r.district, r.measure), []))
                        if not history or r.is_current else "" for r in df.itertuples(index=False)]
    if fmt == "csv":
        write_csv(df, sys.stdout)
        return
    if df.empty:
        click.echo("No figures match.")
        return
    # the table names each flag by its number; its words follow the totals
    shown = df.assign(open_flags=[" ".join(t.split(":")[0] for t in v.split(" | ")) if v else ""
                                  for v in df["open_flags"]])
    click.echo(_table(shown))
    if not history and len(df):
        _print_totals(df)
    said = list(dict.fromkeys(t for v in df["open_flags"] if v for t in v.split(" | ")))
    if said:
        click.echo("\nOpen flags on these figures:")
        click.echo("\n".join(f"- {t}" for t in said))
    if former:
        click.echo("")
        click.echo("\n".join(former))


def _held_under_former_names(df, sent) -> list[str]:
    """A sentence for each district renamed whose figures in `df` (listed under its name now) include months sent,
    and held, under a former name (`sent`, each row's district as held): which months, under which name."""
    from .plan.periods import month_label, month_number

    out = []
    moved = df.assign(_sent=sent.values)[df["district"].values != sent.values]
    for (district, name), rows in moved.groupby(["district", "_sent"], sort=True):
        months = sorted({month_number(p) for p in rows["period"]})
        span = (month_label(months[0]) if len(months) == 1 else
                f"{month_label(months[0])} to {month_label(months[-1])}")
        out.append(f"{district}'s figures for {span} were sent under its former name, {name}, and are held under "
                   "it: they are listed here under the name it has now.")
    return out


def _open_flags(con, df) -> dict[tuple[str, str, str], list[str]]:
    """(period, district, measure) -> ["#N: the flag as a sentence"], each open flag on a figure in `df`. A flag on
    one figure a later load has revised since says the value it was raised on ("#1 (raised when it was 13, since
    revised): ..."), as every page and the pack do, so that its reason is not read as being about the figure shown."""
    from .flags import caveats, flags, revised_since_flagged

    cav = caveats(con, start=df["period"].min(), end=df["period"].max())
    cav = cav[cav["kind"] == "flag"]
    if cav.empty:
        return {}
    words = {int(f.flag_id): f.label for f in flags(con, open_only=True).itertuples()}
    out: dict[tuple[str, str, str], list[str]] = {}
    for r in cav.itertuples(index=False):
        number = int(r.flag_id)
        since = revised_since_flagged(r)  # ", when it was 13, since revised" or ""
        said = f"#{number}" + (f" (raised{since[1:]})" if since else "")
        out.setdefault((r.period, r.district, r.measure), []).append(
            f"{said}: {words[number]}" if number in words else said)
    return out


def _table(df) -> str:
    shown = _uk_times(df, "loaded_at")
    for col in ("value", "previous_value"):
        if col in shown:
            shown[col] = shown[col].map(_fmt_number)
    return shown.fillna("").to_string(index=False)


def _uk_times(df, *columns: str):
    """A copy of `df` whose stored (UTC) time columns of those named read as UK time, naming the clock
    ("2026-05-05 11:04 BST"), for a table printed for people; a CSV keeps the stored times."""
    from .uk_time import uk_words

    return df.assign(**{c: [uk_words(v) or (v if isinstance(v, str) else "") for v in df[c]]
                        for c in columns if c in df})


def _fmt_number(v) -> str:
    if v is None or v != v:
        return ""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}"


# the units a measure counts in, said of one: "1 person", "1 case"
_ONE_OF = {"people": "person", "children": "child", "men": "man", "women": "woman",
           "officers and staff": "officer or member of staff"}


def _counted(value, unit: str) -> str:
    """A figure with its unit, the unit said of one when the figure is 1 ("1 person", "1 case", "2 cases", "1 officer
    or member of staff"); a unit of several words not in `_ONE_OF` is left as it is."""
    word = (unit or "").strip()
    if value == 1 and word.lower() in _ONE_OF:
        unit = _ONE_OF[word.lower()]
    elif value == 1 and word and " " not in word:
        unit = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return f"{_fmt_number(value)} {unit}"


def _print_totals(df) -> None:
    from .catalogue import catalogue, counted

    cat = catalogue()
    click.echo("")
    for measure, group in df.groupby("measure", sort=True):
        m = cat.get(measure)
        months = group["period"].nunique()
        if m.kind == "flow":
            click.echo(f"{measure}: {_counted(group['value'].sum(), m.unit)} in total over "
                       f"{counted(months, 'month')}.")
        elif m.kind == "stock":
            last = group["period"].max()
            click.echo(f"{measure}: {_counted(group.loc[group['period'] == last, 'value'].sum(), m.unit)} "
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
    The open flags and data-check warnings on the figures follow the table (in the CSV, a "caveats" column:
    a force figure carries its districts'): the month's, and the flags on the earlier months of the 12 months
    and on the numerator and denominator a percentage is worked out from. Last, as the overview and the pack say
    them, the returns overdue, partial or refused of the 12 months to it (and, for the latest month with figures,
    of the months due since).

    \b
    Examples:
      pccdash plan --month 2015-07
      pccdash plan --month 2015-07 --district {district}
      pccdash plan --month 2015-07 --format csv > plan-2015-07.csv
    """
    import pandas as pd

    from . import settings
    from .briefing.pack import republished_said, return_notices
    from .catalogue import catalogue, force
    from .exports import write_csv
    from .figures import accepted_months, parse_month, plan_figures
    from .flags import arrange_caveats, caveats, included_figures
    from .plan import PlanAnalytics, format_status_table, plan_notice, plan_notices, status_rows
    from .plan.history import record_version_in
    from .plan.periods import month_label, month_number, month_start
    from .plan.status import figures_shown
    from .policeuk.measures import latest_behind
    from .policeuk.reference import SOURCE
    from .warehouse import connect_read_only

    chosen = parse_month(month, "--month")
    record_version_in(db)  # a changed baseline or rebase is on the trail before statuses are judged with it
    with connect_read_only(db) as con:
        months = accepted_months(con)
        judged = plan_figures(con)
        if not months:
            raise PccDashError('The warehouse holds no figures yet. '
                               'Run "pccdash ingest PATH" or "pccdash demo --no-serve".')
        when = chosen.strftime("%Y-%m") if chosen else months[-1]
        _month_held(judged, when, "plan")
        # judged first: a force.yaml the figures cannot be judged with is said before any other reference file
        analytics = PlanAnalytics(judged)
        statuses = analytics.status(when, district)
        # from the same month last year, which the change is measured against: the earliest month a row shows
        cav = caveats(con, start=f"{month_start(month_number(when) - 12):%Y-%m}", end=when)
        # the returns overdue, partial or refused, as the overview and the pack say them: the earlier months of its
        # 12 months and its own month; and, when it is the latest month with figures, the months after it now due
        returns = return_notices(con, month_start(month_number(when)).date(), settings.today(),
                                 later=when == months[-1], command=True)
        # police.uk months of the rows' 12 months republished since they were first loaded, as the pack says them
        republished = republished_said(con, tuple(m.id for m in catalogue().measures),
                                       f"{month_start(month_number(when) - 12):%Y-%m}", when)
        # how old police.uk's latest month loaded is, judged at the month shown, as the pack judges it at its meeting
        behind = latest_behind(con, month_start(month_number(when)).date(), to_load=False,
                               against="the month shown")
    # what each police.uk context measure's figures carry besides the catalogue's caveats, as the pack says it
    said = {m.id: [t for t in (republished.get(m.id), behind) if t] for m in catalogue().of_source(SOURCE)}
    # the open flags and data-check warnings on the figures the rows show follow them here as on every page and in
    # the pack: the month's, and the flags on the earlier months and on the parts of a percentage they are made of
    windows: dict[str, tuple[list, list]] = {}
    for s in statuses:
        kept = windows.setdefault(s.measure_id, ([], []))
        for have, more in zip(kept, figures_shown(s), strict=True):
            have.extend(w for w in more if w not in have)
    cat = catalogue()
    areas = list(dict.fromkeys(s.area for s in statuses))
    # the force's figures are made of every district's: --district naming the force reads them all
    whole = force().force_short_name in areas
    arranged = arrange_caveats(cav, when, list(windows), [d for d in force().districts if whole or d in areas],
                               included={m: included_figures(analytics.panel, cat.get(m), *w, areas=areas)
                                         for m, w in windows.items()})
    if fmt == "csv":
        rows = status_rows(statuses)
        for row, s in zip(rows, statuses, strict=True):
            row["caveats"] = " | ".join([*arranged.by_figure.get((s.measure_id, s.area), []),
                                         *said.get(s.measure_id, [])])
        write_csv(pd.DataFrame(rows), sys.stdout)
        return
    click.echo(format_status_table(statuses, sentences=not no_sentences, said=said))
    said = [*arranged.general, *(t for texts in arranged.by_measure.values() for t in texts)]
    if said:
        click.echo(f"\nCaveats on the figures for {month_label(month_number(when))}:")
        click.echo("\n".join(f"- {t}" for t in said))
    # a gap between plans is said where the month's 12 months hold some of it, as the pack says it
    twelve = range(month_number(when) - 11, month_number(when) + 1)
    notices = [plan_notice(when), *plan_notices([m for m in months if m <= when], besides=when, shown=twelve,
                                                loaded_to=months[-1]),
               *returns]
    for notice in filter(None, notices):  # after the table, where a reader of the last line looks
        click.echo("")
        click.secho(notice, fg="yellow")


def _may_act_as(ctx, param, value):
    """Refuse `--as` before anything is opened unless access.yaml lets this operating-system account act
    for that identity; the command then acts through `audit.cli_actor(value)`."""
    from .audit import cli_actor

    return cli_actor(value).identity


def as_option(f):
    return click.option("--as", "as_user", metavar="EMAIL", required=True, envvar="PCCDASH_USER", show_envvar=True,
                        callback=_may_act_as,
                        help="Who is acting: an identity with the right role that access.yaml in the reference "
                             "folder (PCCDASH_REFERENCE_DIR; the bundled pipelines/reference by default) lets the "
                             "operating-system account running the command act as (its command_line section).")(f)


@main.command()
@db_option
@click.option("--meeting", required=True, metavar="YYYY-MM-DD",
              help="The meeting's date; the pack covers the latest complete month with accepted figures before it.")
@click.option("--out", "out_dir", default=".", show_default=True, type=_Folder(),
              help="Folder to write the pack into.")
@as_option
@click.option("--by", "who", default=None, metavar="NAME",
              help="Who the pack says generated it (default: the identity given with --as).")
def pack(db, meeting, out_dir, as_user, who):
    """Write the briefing pack for a Public Accountability Board meeting, as PDF, self-contained HTML and
    Word (.docx), and keep all three in the archive of packs produced ("pccdash packs" lists it). On a day with
    no Board recorded and a district's quarterly report or a themed session recorded instead, the pack is for
    that meeting: its title names it, and "Since the last meeting" goes back to the last of its own series.

    It holds each plan measure's figures for the force and every district, its SPC chart and sentence,
    the caveats on it (open flags and data-check warnings), the office's commentary, and the questions
    for the Chief Constable as saved in the dashboard (or as drafted from the plan, if none were saved).
    It is marked OFFICIAL-SENSITIVE: small counts are not suppressed in it. The archive records who
    produced it (--as) and the load of the figures it was made from. For a meeting already held, it says so: a pack
    produced now uses the figures as they stand today (naming its reporting month where the meeting's recorded one
    differs), and the pack the meeting had is the one kept in the archive ("pccdash packs --get N").

    \b
    Example:
      pccdash pack --meeting 2015-08-20 --out packs/ --as analyst@example.org
    """
    import datetime as _dt

    from .audit import cli_actor
    from .briefing import archive
    from .files import output_folder, write_atomically
    from .plan.history import record_version_in
    from .warehouse import connect, connect_to_copy, db_path

    try:
        day = _dt.date.fromisoformat(meeting)
    except ValueError:
        raise archive.BadMeetingDate(f'--meeting "{meeting}" is not a date; write it as YYYY-MM-DD '
                                     "(2015-08-20).") from None
    # checked before the pack is drawn and kept (a pack kept but not written misleads); a folder made for it and
    # left empty by a refusal is removed again
    with output_folder(out_dir, "--out"):
        path = db_path(db)
        record_version_in(path)  # a changed baseline or rebase is on the trail before a chart is drawn with it
        with connect_to_copy(path) as con:  # drawn first, from a copy: a load need not wait while charts are drawn
            drawn = archive.draw(con, day, cli_actor(as_user), generated_by=who)
        with connect(path, create=False) as con:
            made = archive.keep(con, path, drawn)
            # for a meeting already held, the figures as they stand now, not the pack the Board had: said, and where
            past = archive.past_meeting_note(con, day, made=made.pack_id)
        try:
            written = [write_atomically(out_dir / made.production.files[fmt].file_name, made.contents[fmt])
                       for fmt in archive.FORMATS]
        except OSError as e:
            raise PccDashError(f'The pack was kept in the archive as pack {made.pack_id}, but it could not be '
                               f'written into "{out_dir}": {e.strerror or e}. Write it out with "pccdash packs '
                               f'--get {made.pack_id} --out FOLDER".') from None
    click.echo(f"Briefing pack written: {', '.join(str(p) for p in written)}")
    # the data version is a sentence of its own ("Figures as loaded up to load 18, ..."): said here within one
    version = made.production.data_version.rstrip(".")
    click.echo(f"Kept in the archive as pack {made.pack_id} ({version[:1].lower()}{version[1:]}).")
    if past:
        click.echo("")
        click.secho(_wrapped(past, "", ""), fg="yellow")


@main.command()
@db_option
@click.option("--meeting", default=None, metavar="YYYY-MM-DD", help="Only the packs made for this meeting.")
@click.option("--get", "pack_id", type=int, default=None, metavar="PACK_ID",
              help="Write this archived pack back out, exactly as it was produced.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "docx", "all"]), default="all", show_default=True,
              help="With --get: which file to write.")
@click.option("--out", "out_dir", default=".", show_default=True, type=_Folder(),
              help="With --get: the folder to write into.")
@limit_option(PACKS_SHOWN,
              "List the newest N packs (0: every one).")
def packs(db, meeting, pack_id, fmt, out_dir, limit):
    """List the briefing packs produced (newest first), or write one back out unchanged.

    Each pack produced by "pccdash pack" or the dashboard's Briefing pack page is kept with who produced
    it, when, and the load of the figures it was made from. The newest 20 are listed, and how many there
    are in all: --limit N lists more (--limit 0 every one), --meeting those of one meeting.

    \b
    Examples:
      pccdash packs
      pccdash packs --limit 0
      pccdash packs --meeting 2015-08-20
      pccdash packs --get 3 --format pdf --out packs/
    """
    from .briefing import archive
    from .files import output_folder, write_atomically
    from .uk_time import uk_day_words
    from .warehouse import connect_read_only, db_path

    path = db_path(db)
    if pack_id is not None:  # checked before the pack is looked for; a folder it made is removed on a refusal
        with output_folder(out_dir, "--out"):
            with connect_read_only(path) as con:
                files = [archive.fetch(con, path, pack_id, f) for f in (archive.FORMATS if fmt == "all" else [fmt])]
            written = [write_atomically(out_dir / name, data) for name, data in files]
        click.echo(f"Pack {pack_id} written, as produced: {', '.join(str(p) for p in written)}")
        return
    with connect_read_only(path) as con:
        kept = archive.archived(con, meeting)
        if not kept:
            click.echo("No packs produced yet" + (f" for the meeting of {meeting}." if meeting else ".")
                       + ' "pccdash pack --meeting DATE --as EMAIL" produces one.')
            return
        shown = kept[:limit] if limit else kept
        notes = archive.pack_notes(con)  # weighed against every pack kept, not only those shown
        click.echo(_left_table(archive.readable(shown, notes)))
        day = archive.meeting_day(meeting) if meeting else None
        for p in shown:
            if day and p.meeting != day:  # produced before the meeting moved to this day
                click.echo(f"Pack {p.pack_id} was produced for {uk_day_words(p.meeting)}, the day the meeting was "
                           f"on before it moved to {uk_day_words(day)}.")
        if limit and len(kept) > limit:
            click.echo(f"The newest {limit} of {len(kept)} packs. See more with --limit N (--limit 0 for every "
                       "one), or a meeting's with --meeting DATE.")


@main.command()
@db_option
@click.option("--months", "count", type=click.IntRange(min=0), default=PERIODS_SHOWN, metavar="N",
              help=f"List the latest N months (0: every month). Not given, the table shows the latest {PERIODS_SHOWN} "
                   "and the CSV has every month.")
@format_option
def periods(db, count, fmt):
    """List each month with its publication status and anything that stops its approval.

    The table shows the latest 24 months, and counts the earlier ones by status; --months N shows more
    (--months 0 every month). The CSV has every month, or the latest N with --months N.

    \b
    Examples:
      pccdash periods
      pccdash periods --months 0
    """
    from .exports import write_csv
    from .publish.approval import period_states, states_frame
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:
        df = states_frame(period_states(con))
    if fmt == "csv":
        write_csv(_csv_rows(df, count, "--months", "months", latest_last=True), sys.stdout)  # times as stored, UTC
    elif df.empty:
        click.echo("No figures yet.")
    else:
        earlier = df.iloc[:-count] if count and len(df) > count else df.iloc[:0]
        click.echo(_with_notes(_uk_times(df.iloc[len(earlier):], "approved_at", "first_published"),
                               {"blocked_by": "blocked by", "refusals_cleared": "refusals cleared", "note": "note"}))
        if not earlier.empty:
            by_status = earlier["status"].value_counts().sort_index()
            click.echo(f"The latest {count} of {len(df)} months; the {len(earlier)} before them: "
                       + ", ".join(f"{n} {status}" for status, n in by_status.items())
                       + ". See them with --months N (--months 0 for every month).")


def _left_table(df) -> str:
    """`df` as a table of words for people: each column as wide as its longest text, read from the left (a text
    column aligned to the right starts each line at a different place), two spaces apart, no trailing spaces."""
    texts = {c: [str(v) for v in df[c]] for c in df.columns}
    widths = {c: max([len(str(c)), *map(len, texts[c])]) for c in df.columns}
    rows = [[str(c) for c in df.columns], *([texts[c][i] for c in df.columns] for i in range(len(df)))]
    return "\n".join("  ".join(f"{t:<{widths[c]}}" for c, t in zip(df.columns, row, strict=True)).rstrip()
                     for row in rows)


def _with_notes(df, notes: dict[str, str]) -> str:
    """`df` as a table for people, one line a row, with its free-text columns (`notes`: column -> label) said at the
    end of the row's line only where the row has them, so that one long note does not pad every other line."""
    table = df.drop(columns=list(notes)).to_string(index=False).splitlines()
    said = ["; ".join(f"{label}: {text}" for column, label in notes.items() if (text := row[column]))
            for row in df[list(notes)].to_dict("records")]
    return "\n".join([table[0]] + [f"{line}   {text}".rstrip() for line, text in zip(table[1:], said, strict=True)])


@main.command()
@click.argument("months", nargs=-1, required=True, metavar="YYYY-MM...")
@db_option
@as_option
@click.option("--reason", default=None, metavar="TEXT",
              help="Why figures the public reads change (a correction the force sent, say): published beside each "
                   "figure the next publication revises in these months, on the public revisions page.")
def approve(months, db, as_user, reason):
    """Approve months for publication, as their figures stand now (only {holders} role, pcc).

    A month with a refused file not yet replaced, or an unresolved blocking flag, cannot be approved;
    nor can a month with a measure sent for some districts and not the others, until they arrive.
    A revision loaded after approval is not published until the month is approved again. A month
    whose return is not all in (a part of it overdue or not yet due) is approved as it stands, and
    the command says what is missing: those figures are published once they arrive and the month
    is approved again. A month already approved whose figures have not changed since is left as it
    was approved: the command says by whom and when, and records nothing new.

    A month already published whose figures were corrected is approved again to publish the correction;
    --reason says why, for the public (give it again to a month approved as it stands to change it).
    A reason that quotes a figure the next publication hides, naming its area, period and measure, is
    said at once: the month stays approved, but publishing is refused until it is approved again with
    a reason that leaves the figure out.

    \b
    Examples:
      pccdash approve 2015-06 2015-07 --as pcc@example.org
      pccdash approve 2015-06 --as pcc@example.org --reason "The force corrected Sheffield's arrests after an audit."
    """
    from .audit import cli_actor
    from .publish.approval import approve_or_standing, not_all_in
    from .publish.snapshot import approval_reason_warnings
    from .uk_time import uk_words
    from .warehouse import connect

    actor = cli_actor(as_user)
    with connect(db, create=False) as con:  # a mistyped --db makes no empty warehouse to find no figures in
        # the months asked for and not approved stood approved already (a refusal raises): said by whom and when
        done, standing = approve_or_standing(con, list(months), actor, reason)
        short = not_all_in(con, done)
        # a reason the next publication would refuse is said now, beside the approval it does not stop
        quoting = approval_reason_warnings(con, [f"{p:%Y-%m}" for p in [*done, *standing]]) if reason else []
    if done:
        click.echo(f"Approved by {actor.identity} (account {actor.os_account}): "
                   + ", ".join(p.strftime("%Y-%m") for p in done))
    for period, (by, at, reasoned) in sorted(standing.items()):
        click.echo(f"{period:%Y-%m} was already approved as it stands, by {by} on {uk_words(at, 'words')}: its "
                   + ("figures have not changed since, so nothing new was recorded." if reasoned is None else
                      "figures have not changed since, so it stays approved as it was, and the reason for the public "
                      "given is now kept with that approval (the audit trail says so)."))
    for sentence in [*short, *quoting]:
        click.secho(sentence, fg="yellow", err=True)


@main.command()
@db_option
@as_option
@click.option("--out", type=_Folder(), default=None, envvar="PCCDASH_PUBLISHED_DIR", show_envvar=True,
              help="Published folder. [default: var/published]")
@click.option("--yes", "-y", is_flag=True, help="Publish without asking (scripts; the preview is still printed).")
@click.option("--after-snapshot", "after", type=click.IntRange(min=0), default=None, metavar="NUMBER",
              help="The number of the latest publication the public has seen, which the new one is numbered after: "
                   "needed once this warehouse is restored into a new published folder, whose backup cannot know "
                   "what was published after it was taken.")
def publish(db, as_user, out, yes, after):
    """Publish every approved month: write a new immutable snapshot and switch the public side to it.

    First prints what the public will see (the months, what is added, revised and newly hidden, and
    each measure's sentence) and asks "Publish? [y/N]"; --yes publishes without asking, and without a
    terminal --yes is needed. Nothing approved, or nothing changed since the current snapshot, means
    nothing is published. Counts from 1 to the threshold (4) are suppressed (from 0 with the "suppress zero"
    setting, PCCDASH_SUPPRESS_ZERO), with secondary suppression so that none can be worked out from a total.
    Earlier snapshots are kept; the public page says what was revised. Once the warehouse is restored into
    a new published folder, nothing is published until --after-snapshot gives the latest number the public
    has seen (the public revisions page lists them): the next is numbered after it. A number below a snapshot
    the published folder already holds is refused: that one was public.

    \b
    Examples:
      pccdash publish --as pcc@example.org
      pccdash publish --as pcc@example.org --yes
      pccdash publish --as pcc@example.org --after-snapshot 12      (after a restore on a new machine)
    """
    from .access import require
    from .audit import cli_actor
    from .public import published_dir
    from .publish.snapshot import NothingToPublish, numbered_after, preview_publication, record_refused_holds
    from .publish.snapshot import publish as run_publish
    from .warehouse import connect, connect_read_only

    actor = cli_actor(as_user)
    require(actor, "publish")  # before the preview: one who may not publish is told so first
    with connect_read_only(db) as con:  # not held while the person reads the preview
        numbered_after(con, after, published_dir(out))
        preview = preview_publication(con, out)
    if preview.problem and _finished_publication(out) is not None:  # this was the stopped one, run again
        click.echo(f"Published snapshot {_finished_publication(out)}: the publication stopped before is finished.")
        return
    if preview.problem:
        if preview.withheld_figures:  # the months the disclosure check held back say so, when and why
            with connect(db) as con:
                record_refused_holds(con, actor, preview)
        raise NothingToPublish(" ".join([preview.problem, *preview.left_out, *preview.changed_lines]))
    _print_preview(preview)
    if not yes:
        if not _interactive():
            raise PccDashError('Nothing was published: there is no terminal to confirm on. Read the preview above '
                               'and run the command again with --yes to publish it.')
        if not click.confirm("Publish?", default=False):
            click.echo("Nothing was published.")
            return
    with connect(db) as con:
        version, path = run_publish(con, actor, out, expected=preview.fingerprint, after=after)
    click.echo(f"Published snapshot {version}: {path}")


def _finished_publication(out) -> int | None:
    """The snapshot whose stopped publication into `out` this command finished on opening the warehouse."""
    from .pointer_switch import FINISHED_IN_PROCESS
    from .public import published_dir

    folder = str(published_dir(out).resolve())
    return max((v for action, v, f in FINISHED_IN_PROCESS if action == "publish" and f == folder), default=None)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _print_preview(preview) -> None:
    from .catalogue import catalogue
    from .public import period_text, spelled_out

    # the Commissioner reads names here as the public will (abbreviations in words)
    names = {m.id: spelled_out(m.name) for m in catalogue().measures}
    for line in preview.summary:
        click.echo(line)
        if line.startswith("Published figures revised:"):  # each revised figure under its count
            for row in preview.revised.head(PROBLEMS_SHOWN).itertuples():
                click.echo(f"  - {names.get(row.measure, row.measure)}, {row.area}, {period_text(row.period)}: "
                           f"was {row.was}, now {row.now}")
            if len(preview.revised) > PROBLEMS_SHOWN:
                click.echo(f"  ... and {len(preview.revised) - PROBLEMS_SHOWN} more.")
        if line.startswith("Figures hidden now and shown"):
            for row in preview.newly_shown.head(PROBLEMS_SHOWN).itertuples():
                click.echo(f"  - {names.get(row.measure, row.measure)}, {row.area}, {period_text(row.period)}: "
                           f"now {row.now}")
            if len(preview.newly_shown) > PROBLEMS_SHOWN:
                click.echo(f"  ... and {len(preview.newly_shown) - PROBLEMS_SHOWN} more.")
        if line.startswith("Notes beside figures"):  # each note added or taken away, as the public reads it
            for verb, frame in (("added", preview.caveats_added), ("taken away", preview.caveats_removed)):
                for row in frame.head(PROBLEMS_SHOWN).itertuples():
                    click.echo(f"  - {verb}: {names.get(row.measure, row.measure)}, {row.area}, "
                               f"{period_text(row.period)}: {shown(row.text, None)}")
                if len(frame) > PROBLEMS_SHOWN:
                    click.echo(f"  ... and {len(frame) - PROBLEMS_SHOWN} more {verb}.")
    for line in preview.changed_lines:  # months going out as approved, without a change made since
        click.secho(line, fg="yellow")
    click.echo("What the public will read:")
    for measure, sentence in preview.sentences.items():  # a sentence that opens with the name is not headed by it
        name = names.get(measure, measure)
        click.echo(f"  - {sentence}" if str(sentence).startswith(name) else f"  - {name}: {sentence}")
    if preview.uncharted:
        click.echo(f"  {preview.uncharted}")


@main.command()
@db_option
@as_option
@click.option("--reason", required=True, metavar="TEXT",
              help="Why: shown on the public revisions page. Say it in general terms, not by how much figures were "
                   "wrong (\"counted twice\"): with the withdrawn figures, that could let a figure hidden now be "
                   "worked out.")
@click.option("--out", type=_Folder(), default=None, envvar="PCCDASH_PUBLISHED_DIR", show_envvar=True,
              help="Published folder. [default: var/published]")
@click.option("--yes", "-y", is_flag=True, help="Withdraw without asking.")
def withdraw(db, as_user, reason, out, yes):
    """Withdraw the current publication: the public side goes back to the snapshot before it (only {holders} role,
    pcc).

    The switch is one rename; the withdrawn snapshot is kept, the withdrawal is recorded with who,
    when and why, and every public page says "Publication <number> of <date>, which added the figures
    for <months>, withdrawn on <date>: <reason>". Months only the withdrawn snapshot carried lose their
    approval too, and need approving again before any publication carries them (`pccdash periods` says
    so). With no earlier snapshot the public side says nothing is published yet.

    \b
    Example:
      pccdash withdraw --reason "July's charges were counted twice" --as pcc@example.org
    """
    from .access import require
    from .audit import cli_actor
    from .public import current_snapshot
    from .publish.snapshot import withdraw as run_withdraw
    from .publish.snapshot import withdrawal_reason
    from .warehouse import connect, connect_read_only

    actor = cli_actor(as_user)
    require(actor, "publish", "withdraw a publication")  # the role and the reason before asking to confirm
    withdrawal_reason(reason)
    if not yes:
        with connect_read_only(db):  # opening it finishes a switch a stop left undone: what the public reads now
            current = current_snapshot(out)
        if current is None:  # asked "Withdraw the publication the public reads now (none)?", then refused
            raise PccDashError("Nothing is published, so there is nothing to withdraw.")
        if not _interactive():
            raise PccDashError('Nothing was withdrawn: there is no terminal to confirm on. Run the command again '
                               'with --yes to withdraw.')
        version = int(current.stem.removeprefix("snapshot-"))
        if not click.confirm(f"Withdraw snapshot {version}, the publication the public reads now?", default=False):
            click.echo("Nothing was withdrawn.")
            return
    with connect(db, create=False) as con:  # a mistyped --db makes no empty warehouse with nothing published
        done = run_withdraw(con, actor, reason, out)
    _print_withdrawal(db, out, done)


def _print_withdrawal(db, out, done) -> None:
    """What the withdrawal did and what the public reads again that the warehouse now says otherwise, in the words
    the Approve and publish page uses (`withdrawal_words`)."""
    from .publish.snapshot import preview_publication, releases_taken_back, withdrawal_headline, withdrawal_words
    from .warehouse import connect_read_only

    click.echo(withdrawal_headline(done))  # said first: it is done, whatever the rest finds
    with connect_read_only(db) as con:
        preview = preview_publication(con, out)
        taken = releases_taken_back(con, done.version)
    for line in withdrawal_words(done, preview, taken, PROBLEMS_SHOWN):
        click.echo(line)


@main.command()
@db_option
@click.option("--action", default=None, metavar="ACTION",
              help="Only this action: approve, publish, withdraw, flag, resolve, commentary, questions, ...")
@click.option("--who", default=None, metavar="EMAIL", help="Only what this identity did.")
@click.option("--how", "channel", type=click.Choice(["app", "cli", "system"]), default=None,
              help="Only what was done in the app, on the command line, or by the program itself (system).")
@click.option("--from", "start", metavar="YYYY-MM-DD",
              help="First day to include (UK time, as the trail is shown; a month YYYY-MM from its 1st).")
@click.option("--to", "end", metavar="YYYY-MM-DD",
              help="Last day to include (UK time, as the trail is shown; a month YYYY-MM to its last).")
@click.option("--text", default=None, metavar="TEXT",
              help="Only records whose subject or detail holds this text (any case); a number at its end is that "
                   'number: "meeting 1" is not meeting 12, "flag #1" not flag #10.')
@limit_option(AUDIT_LIMIT,
              f"List the newest N records that match (0: every one). Not given, the table shows the newest "
              f"{AUDIT_LIMIT} and the CSV has every record that matches.", show_default=False)
@format_option
def audit(db, action, who, channel, start, end, text, limit, fmt):
    """Print the audit trail, newest first: who loaded a return, flagged, resolved, approved, published or
    withdrew, produced a pack, or recorded anything of the accountability loop (meetings, questions, answers,
    decisions, actions, releases), when, and how (the app, the command line and its operating-system account, or
    the program itself).

    The table shows the newest 50 records that match, and says how many more there are: narrow it with the
    options below, or see more with --limit (--limit 0 for every one). The CSV has every record that matches, or
    the newest N with --limit N.

    \b
    Examples:
      pccdash audit --action approve --from 2026-04
      pccdash audit --limit 200
      pccdash audit --who pcc@example.org --format csv > audit.csv
    """
    from .audit import events, one_line, readable
    from .exports import write_csv
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:  # the CSV keeps the stored UTC times; the table says them in UK time
        df = readable(events(con, action=action, identity=who, channel=channel, start=start, end=end, text=text),
                      utc=fmt == "csv")
    if fmt == "csv":
        write_csv(_csv_rows(df, limit, "--limit", "records"), sys.stdout)  # every detail whole
    elif df.empty:
        click.echo("No audit records match.")
    else:
        click.echo(_left_table(one_line(df.head(limit) if limit else df)))
        if limit and len(df) > limit:
            click.echo(f"The newest {limit:,} of {len(df):,} records. See more with --limit N (--limit 0 for every "
                       "one), narrow them with --action, --who, --how, --from, --to or --text, or have them all "
                       "with --format csv.")


@main.command()
@click.argument("file", metavar="FILE_ID_OR_NAME")
@db_option
@click.option("--reason", required=True, metavar="TEXT",
              help="Why: what the force sent instead, or why it was withdrawn.")
@click.option("--by", "by", default=None, metavar="FILE",
              help="The later accepted file (number or name) that replaces it. Without it (and without "
                   "--withdrawn) the file is marked superseded with no file loaded in its place: say in --reason "
                   "what replaces it.")
@click.option("--withdrawn", is_flag=True, help="The force withdrew the file, and nothing replaces it.")
@as_option
def supersede(file, db, reason, by, withdrawn, as_user):
    """Mark a refused file superseded (by a later file) or withdrawn, so it no longer blocks approval.

    A refused file stops blocking its months by itself once later accepted files cover its months and
    measures, whatever their names or formats. Mark it when that cannot happen: rows whose month or
    measure could not be read, or a return the force took back. A file later files have cleared blocks
    nothing and is not marked; a file marked before may be marked again, which corrects its marking.
    Marked superseded without --by, it is said to be superseded with no file loaded in its place (the
    reason says what replaces it: a return sent another way, or one still to come). The marking is kept
    with who, when and the reason, and recorded in the audit trail. Analysts and {holder} may mark one.
    FILE_ID_OR_NAME is the file's number, as "pccdash files --outcome refused" lists it, or its name.

    \b
    Examples:
      pccdash supersede 2026-05-cse-return.csv --by 2026-05-cse-return-v2.xlsx \\
          --reason "resent corrected" --as analyst@example.org
      pccdash supersede 57 --withdrawn --reason "sent in error by the force" --as analyst@example.org
    """
    from .audit import cli_actor
    from .resubmission import supersede as run_supersede
    from .warehouse import connect

    actor = cli_actor(as_user)
    with connect(db, create=False) as con:
        mark = run_supersede(con, file, actor, reason, by=by, withdrawn=withdrawn)
    click.echo(f"Marked {mark.file} {mark.words()}.")  # the file by its name and number, however it was given


@main.command(name="calendar")
@db_option
@click.option("--month", metavar="YYYY-MM", help="One month, measure by measure. [default: the latest 12 months]")
@click.option("--months", "count", default=12, show_default=True, type=click.IntRange(1, 240),
              help="How many months the grid shows (1 to 240).")
def calendar_(db, month, count):
    """Print the return calendar: for each month, which measures arrived, arrived for some districts only
    (partial), are missing, overdue, refused or superseded, from return_calendar.yaml in the reference folder
    (PCCDASH_REFERENCE_DIR, or the bundled pipelines/reference): each is due by a working day of the next month.

    \b
    Examples:
      pccdash calendar
      pccdash calendar --months 4
      pccdash calendar --month 2026-05
    """
    from .figures import parse_month
    from .return_calendar import (
        first_due_month,
        grid,
        holidays_unlisted,
        incomplete_notices,
        latest_due_month,
        load_calendar,
        recent_months,
        return_status,
    )
    from .warehouse import connect_read_only

    chosen = parse_month(month, "--month")
    # a due date in a year whose bank holidays are not listed may be early: said before the grid is trusted
    unlisted = (load_calendar().holidays_unlisted([chosen]) if chosen else holidays_unlisted(recent_months(count)))
    with connect_read_only(db) as con:
        start = first_due_month(con)
        if chosen:
            rows = return_status(con, chosen)
            notices = incomplete_notices(con, chosen)
        else:
            table = grid(con, recent_months(count))
            notices = incomplete_notices(con, latest_due_month())
    before = (f"Months before {start:%B %Y} are not due: the office's returns begin with the earliest month of a "
              "return loaded (or, before any is loaded, the latest month whose return can be due), and a return "
              "loaded for an earlier month brings them back to it.")
    if chosen and chosen < start:
        click.echo(f"Nothing is due for {chosen:%B %Y}. {before}")
        return
    if chosen:
        if not rows:
            click.echo(f"Nothing is due for {chosen:%B %Y} in the return calendar.")
        else:  # the lines below name no month of their own
            click.echo(f"The return calendar for {chosen:%B %Y}, measure by measure:")
        for r in rows:
            click.echo(f"{r.measure:<32} {r.state:<10} {r.words()}")
    else:
        click.echo(table.set_index("month").T.to_string())
        if recent_months(count)[0] < start:
            click.echo(before)
    click.echo("")
    for line in notices or [f"Every figure due for {(chosen or latest_due_month()):%B %Y} has arrived."]:
        click.echo(line)
    if unlisted:
        click.echo(unlisted)


# ---------------------------------------------------------------- the files loaded


class FileNotHandedBack(PccDashError):
    """A loaded file asked for is not in the registry, or cannot be written out as received."""


def _loaded_file(con, file):
    """A file of the registry by its number (57 or #57) or its name (the latest loaded of that name)."""
    from .registry import find_file

    return find_file(con, file, missing=lambda text, digits: FileNotHandedBack(
        f"There is no file number {int(digits)} among the files loaded; \"pccdash files\" lists them."
        if digits is not None else f'There is no file "{shown(text)}" among the files loaded; "pccdash files" lists '
        "them."))


@main.group(name="files", invoke_without_command=True)
@db_option
@limit_option(FILES_SHOWN, f"List the newest N files (0: every one). Not given, the table shows the newest "
                           f"{FILES_SHOWN} and the CSV has every file.", show_default=False)
@click.option("--outcome", type=click.Choice(["accepted", "refused"]), default=None,
              help="Only the files accepted, or only those refused.")
@format_option
@click.pass_context
def files_(ctx, db, limit, outcome, fmt):
    """List every file loaded (returns and police.uk's files, accepted or refused), newest first, as the Files
    loaded page does: its number, when it was received (UK time), its name, outcome, who loaded it, the figures it
    added and revised, and where a refused one stands (what superseded it). Or show one file, or write one back out
    as received.

    The number is what "pccdash supersede", "pccdash flags --file" and "pccdash validate --file" take. The table
    shows the newest 50 files and says how many more there are (--limit 0 for every one); the CSV has every file,
    with its times as stored, in UTC, or the newest N with --limit N.

    \b
    Examples:
      pccdash files
      pccdash files --outcome refused
      pccdash files --limit 0 --format csv > files-loaded.csv
      pccdash files show 57
      pccdash files get 57 --out received/
    """
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    import pandas as pd

    from .catalogue import counted
    from .exports import write_csv
    from .registry import OUTCOME_WORDS
    from .resubmission import file_registry
    from .uk_time import uk_words
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:
        # with the charged counts a police.uk republication changed, which are not among the figures it counts as
        # new or revised, so that one that changed only those does not read as having changed nothing
        df = file_registry(con)
    if outcome:
        df = df[df["outcome"] == {"accepted": "accepted", "refused": "rejected"}[outcome]]
    df = df.assign(outcome=df["outcome"].map(lambda o: OUTCOME_WORDS.get(o, o)))
    if fmt == "csv":
        write_csv(_csv_rows(df, limit, "--limit", "files").rename(
            columns={"received": "received_utc", "status": "where_it_stands"}), sys.stdout)
        return
    if df.empty:
        click.echo({None: 'No file has been loaded yet. "pccdash ingest PATH" loads one.',
                    "accepted": "No file has been accepted yet.", "refused": "No file has been refused."}[outcome])
        return
    rows = df.head(limit) if limit else df
    click.echo(_left_table(pd.DataFrame({
        "File": rows["file_id"].astype(int).tolist(),
        "Received": [uk_words(t) for t in rows["received"]],
        "Name": [shown(n, 60) for n in rows["name"]],
        "Outcome": rows["outcome"].tolist(),
        "Loaded by": [shown(w, 40) if isinstance(w, str) else "" for w in rows["loaded_by"]],
        "New": [f"{int(n):,}" for n in rows["figures_new"]],
        "Revised": [f"{int(n):,}" + (f" (and {counted(int(c), 'charged count')})" if c else "")
                    for n, c in zip(rows["figures_revised"], rows["charged_counts_changed"], strict=True)],
        # said after the outcome, which already says "refused"
        "Where it stands": [shown(s.removeprefix("refused; "), None) for s in rows["status"]],
    })))
    if rows["charged_counts_changed"].any():
        from .policeuk.revisions import CHARGED_COUNT_WORDS

        click.echo(_wrapped(f'{CHARGED_COUNT_WORDS}, and "pccdash files show N" says which it changed, from what to '
                            "what.", "", ""))
    if limit and len(df) > limit:
        click.echo(f"The newest {limit:,} of {len(df):,} files. See more with --limit N (--limit 0 for every one), "
                   "narrow them with --outcome, or have them all with --format csv.")


@files_.command(name="show")
@click.argument("file", metavar="N")
@db_option
@click.pass_context
def files_show(ctx, file, db):
    """Show one file loaded: when it was received and by whom, what it was, whether it is kept as received, where
    a refused one stands and its problems, and the figures it brought, month by month. N is its number, as
    "pccdash files" lists it (or its name: the latest loaded of that name).

    \b
    Examples:
      pccdash files show 57
      pccdash files show 2026-05-cse-return.csv
    """
    from .contracts.runs import refused_problems
    from .errors import Problem
    from .policeuk.ingest import charged_note, replaced_since_note
    from .registry import OUTCOME_WORDS, figures_by_month, is_police_uk, not_kept
    from .resubmission import refusals
    from .uk_time import month_words, uk_words
    from .warehouse import connect_read_only, db_path

    path = db_path(db or ctx.obj["db"])
    with connect_read_only(path) as con:
        found = _loaded_file(con, file)
        fid = found.file_id
        (sha, where, size, loaded_by, file_type, layout, encoding, rows_read, new, revised, unchanged, message,
         uploaded_by) = con.execute(
            """SELECT r.sha256, r.path, r.size_bytes, r.loaded_by, r.file_type, r.layout, r.encoding, r.rows_read,
                      r.figures_new, r.figures_revised, r.figures_unchanged, r.message,
                      (SELECT any_value(u.uploaded_by) FROM file_upload u WHERE u.file_id = r.file_id)
               FROM file_registry r WHERE r.file_id = ?""", [fid]).fetchone()
        refusal = next((r for r in refusals(con) if r.file.file_id == fid), None)
        problems = con.execute('SELECT sheet, "row", "column", problem FROM ingest_problem WHERE file_id = ? '
                               'ORDER BY "row" NULLS FIRST, "column"', [fid]).fetchall()
        found_in_all = refused_problems(con, fid, len(problems)) if refusal is not None else len(problems)
        months = figures_by_month(con, fid, found.outcome, layout)
        categories = con.execute("SELECT coalesce(sum(categories), 0)::BIGINT FROM breakdown_coverage "
                                 "WHERE file_id = ?", [fid]).fetchone()[0]
        police_uk = is_police_uk(layout)
        # what its load said besides its counts, kept with it (a republication's charged counts, said apart from the
        # figures it counts; a download put back; columns police.uk added); of a police.uk file loaded before those
        # words were kept, its charged counts as its load said them
        besides = "" if found.outcome != "accepted" else message or (charged_note(con, fid) if police_uk else "")
        # read later: the months of it another file is in force for since, whose counts it no longer gives
        since = replaced_since_note(con, fid) if police_uk and found.outcome == "accepted" else ""
    click.echo(f'File #{fid}: "{shown(found.name, None)}", {OUTCOME_WORDS.get(found.outcome, found.outcome)}')
    how = "uploaded in the app" if uploaded_by else "loaded"
    click.echo(f"  Received {uk_words(found.received_at, 'words')}, {how} by {shown(loaded_by or 'no one recorded')}"
               + (f", from {shown(where, None)}" if where and not uploaded_by else "") + ".")
    what = "a police.uk file" if police_uk else "a return"
    kind = ", ".join(w for w in ((file_type or "").upper(), f"{layout} layout" if layout and not police_uk else "",
                                 encoding or "") if w)
    click.echo(f"  {what[0].upper()}{what[1:]}" + (f" ({kind})" if kind else "") + f", {size:,} bytes"
               + (f"; SHA-256 {sha}" if sha else "") + ".")
    if found.outcome == "accepted":
        from .catalogue import counted

        # a return's rows are its figures and the breakdown categories it sent, said apart as "pccdash ingest" says
        # them; police.uk's rows are records, counted into figures by district
        read = (f"{counted(rows_read, 'record')} read, counted into {counted(new + revised + unchanged, 'figure')}"
                if police_uk else f"{counted(rows_read - categories, 'figure')} read"
                + (f" (and {counted(categories, 'breakdown category', 'breakdown categories')})" if categories else ""))
        click.echo(f"  {read}: {new:,} new, {revised:,} revised, {unchanged:,} unchanged.")
        if besides:
            click.echo(_wrapped(shown(besides, None), "  ", "  "))
        if since:
            click.echo(_wrapped(since, "  ", "  "))
    why = not_kept(path, fid, sha, layout)
    click.echo(f"  {why}" if why else f'  Kept as received: "pccdash files get {fid} --out DIR" writes it out.')
    if refusal is not None:
        # the outcome, above, already says it was refused
        click.echo(_wrapped(refusal.describe().removeprefix("refused; ") + ".", "  Where it stands: ", "    "))
        click.echo("")
        if not problems:
            click.echo("No problem was kept with it" + (f": {shown(message, None)}" if message else "."))
        elif found_in_all > len(problems):  # the contract kept a sample of the rows each failed rule failed on
            click.echo(_wrapped(f"Problems ({found_in_all:,}; {len(problems):,} kept with it, the contract's sample of "
                                "the rows each failed rule failed on: the Quarantine page lists every row refused)",
                                "", "  "))
        else:
            click.echo(f"Problems ({len(problems):,})")
        for sheet, row, column, text in problems[:PROBLEMS_SHOWN]:  # as "pccdash ingest" named them
            click.echo(_wrapped(Problem(found.name, text, sheet=sheet, row=row, column=column).message(), "  - ",
                                "    "))
        if len(problems) > PROBLEMS_SHOWN:
            every = "every one" if found_in_all == len(problems) else "every one kept"
            click.echo(f"  ... and {len(problems) - PROBLEMS_SHOWN:,} more: the Files loaded page lists {every}.")
    click.echo("")
    if not months:
        click.echo("Nothing from it was loaded." if found.outcome != "accepted" else
                   "It brought no figure: every one it held was already loaded, unchanged.")
        return
    import pandas as pd

    if police_uk:
        click.echo("Records it brought, by month:")
        table = pd.DataFrame([(month_words(p), k, f, f"{n:,}") for p, k, f, n in months],
                             columns=["Month", "Kind", "Force", "Records"])
    elif found.outcome != "accepted":
        click.echo("What it held, by month (nothing from it was loaded):")
        table = pd.DataFrame([(month_words(p), f"{m:,}", f"{n:,}") for p, m, n in months],
                             columns=["Month", "Measures", "Figures"])
    else:
        click.echo("Figures it brought, by month (still current: not revised by a later file since):")
        table = pd.DataFrame([(month_words(p), f"{a:,}", f"{b:,}", f"{c:,}") for p, a, b, c in months],
                             columns=["Month", "New", "Revised", "Still current"])
    click.echo("\n".join("  " + line for line in _left_table(table).splitlines()))


@files_.command(name="get")
@click.argument("file", metavar="N")
@db_option
@click.option("--out", "out_dir", default=".", show_default=True, type=_Folder(),
              help="The folder to write it into, under the name it was loaded by.")
@click.pass_context
def files_get(ctx, file, db, out_dir):
    """Write a file loaded back out exactly as it was received, checked against the hash it was kept under. N is
    its number, as "pccdash files" lists it (or its name: the latest loaded of that name). police.uk's files are
    not kept (police.uk keeps them), nor returns loaded by an earlier version of pccdash.

    \b
    Example:
      pccdash files get 57 --out received/
    """
    from pathlib import PurePosixPath, PureWindowsPath

    from . import filestore
    from .files import output_folder, write_atomically
    from .registry import not_kept
    from .warehouse import connect_read_only, db_path

    path = db_path(db or ctx.obj["db"])
    with connect_read_only(path) as con:
        found = _loaded_file(con, file)
        sha, layout = con.execute("SELECT sha256, layout FROM file_registry WHERE file_id = ?",
                                  [found.file_id]).fetchone()
    why = not_kept(path, found.file_id, sha, layout)
    if why:
        raise FileNotHandedBack(why)
    data = filestore.get(path, sha)  # checked against its hash: a changed file is refused, said as a sentence
    name = PureWindowsPath(PurePosixPath(found.name).name).name  # its own name, without a folder before it
    with output_folder(out_dir, "--out") as folder:  # a folder made for it is removed again on a refusal
        target = folder / name
        if target.exists() and (target.is_dir() or target.read_bytes() != data):
            raise FileNotHandedBack(f'"{shown(target, None)}" is already there and is not file #{found.file_id} '
                                    "as received: nothing was written over it. Choose another folder with --out, or "
                                    "move that file first.")
        write_atomically(target, data)
    # the name is the sender's: written to disk as it came, printed with its control characters escaped
    click.echo(f'File #{found.file_id} written as received ({len(data):,} bytes, SHA-256 checked): '
               f'{shown(target, None)}')


# ---------------------------------------------------------------- data-quality flags


@main.group(name="flags", invoke_without_command=True)
@db_option
@click.option("--status", default="open", show_default=True,
              type=click.Choice(["open", "new", "assigned", "awaiting", "answered", "reopened", "resolved", "all"]),
              help="open is every flag not yet resolved; new is one nobody has taken up yet.")
@click.option("--measure", metavar="ID", help="Flags on this measure (a district's month covers every measure).")
@click.option("--district", metavar="NAME", help="Flags on this district's figures.")
@click.option("--file", "file", metavar="FILE", help="A file's number or name: its flags, those it answered, and "
                                                     "those on figures it gave.")
@click.option("--assignee", metavar="WHO", help="Flags assigned to this e-mail address or name.")
@click.pass_context
def flags_(ctx, db, status, measure, district, file, assignee):
    """List data-quality flags, open ones first; or raise one, or work on one: assign it, mark it awaiting the
    force, link the resubmission that answered it, resolve it (several at once with one note), reopen it.

    A flag stays open, following its figure and blocking approval if it blocks, until it is resolved; one reopened
    is open again. Each step is kept with who and when, and recorded in the audit trail.

    \b
    Examples:
      pccdash flags
      pccdash flags --status awaiting --district {other_district}
      pccdash flags raise --month 2026-03 --district {other_district} --measure cawn_issued \\
          --reason "Twice February's" --blocking --as analyst@example.org
      pccdash flags assign 3 --to analyst@example.org --as pcc@example.org
      pccdash flags await 3 --note "Asked the force to check March" --as analyst@example.org
      pccdash flags answer 3 --file 2026-03-cse-return-v2.csv --as analyst@example.org
      pccdash flags resolve 3 4 --note "Corrected in the resubmission" --as analyst@example.org
      pccdash flags reopen 3 --reason "The April return repeats it" --as analyst@example.org
    """
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    from .flags import day_words, status_sentence
    from .flags import flags as list_flags
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:
        found = list_flags(con, status=status, measure=measure, district=district, file=file, assignee=assignee)
    if found.empty:
        click.echo("No flags match." if status != "open" else "No open flags. \"pccdash flags --status all\" lists "
                                                             "the resolved ones too.")
        return
    for f in found.itertuples(index=False):
        click.echo(f"{f.flag_id}. {shown(f.label, None)}")
        click.echo(f"   {shown(status_sentence(f), None)}. Raised by {shown(f.raised_by)} on {day_words(f.raised_at)}"
                   + ("; blocks approval." if f.blocks_now else "."))


def _flag_step(ctx, db, as_user, fn, *args):
    """One step of a flag's handling, by the identity the command line acts as."""
    from .audit import cli_actor
    from .warehouse import connect

    with connect(db or ctx.obj["db"], create=False) as con:
        return fn(con, cli_actor(as_user), *args)


@flags_.command(name="raise")
@click.option("--month", metavar="YYYY-MM", help="The month of the figure or of the district's return.")
@click.option("--district", metavar="NAME", help="The district whose figure or month it is.")
@click.option("--measure", metavar="ID", help="The measure: the flag is then on that one figure; without it, on "
                                               "every measure of the district's month.")
@click.option("--file", "file", metavar="FILE", help="Instead: a loaded file (its number or name), every figure "
                                                      "from it.")
@click.option("--reason", required=True, metavar="TEXT", help="Why: shown next to the figure wherever it appears.")
@click.option("--blocking", is_flag=True, help="The month cannot be approved for publication until it is resolved.")
@db_option
@as_option
@click.pass_context
def flags_raise(ctx, month, district, measure, file, reason, blocking, db, as_user):
    """Flag a doubtful figure, a district's month (every measure of it) or a whole file for a data-quality
    check. The flag follows what it covers on every page and in the pack until it is resolved; a blocking one
    stops its month being approved.

    \b
    Examples:
      pccdash flags raise --month 2026-04 --district {district} --measure cse_charges \\
          --reason "Three times March's figure" --blocking --as analyst@example.org
      pccdash flags raise --month 2026-04 --district {other_district} --reason "Their system was down" \\
          --as analyst@example.org
      pccdash flags raise --file 2026-04-cse-return.xlsx --reason "Sent before month end" --as analyst@example.org
    """
    from .audit import cli_actor
    from .catalogue import catalogue, district_now, force
    from .figures import BadFilter, parse_month
    from .flags import flag_place, raise_flag
    from .registry import find_file
    from .warehouse import connect

    if file is not None and (month or district or measure):
        raise BadFilter("A flag is on a file, or on a district's month or figure: give --file alone, or --month and "
                        "--district (and --measure for one figure).")
    if file is None and not (month and district):
        raise BadFilter("Say what the flag is on: --month YYYY-MM and --district NAME (and --measure ID for one "
                        "figure), or --file FILE for every figure from a file.")
    period = parse_month(month, "--month")
    if district is not None:  # any case, or an alias (a former name too), as the figures' filter reads it
        district = force().district_lookup().get(" ".join(district.split()).lower(), district)
    actor = cli_actor(as_user)
    with connect(db or ctx.obj["db"], create=False) as con:
        if file is not None:
            found = find_file(con, file, outcome="accepted", missing=lambda text, digits: BadFilter(
                f'There is no file {"number " + digits if digits is not None else repr(text)} in the file '
                'registry; "pccdash files" lists them.'))
            number = raise_flag(con, actor, scope="file", reason=reason, file_id=found.file_id, blocking=blocking)
            place = flag_place("file", None, None, found.name)
        else:
            # a month held under the district's former name is the district's too
            held = con.execute(f"SELECT count(*) FROM figure WHERE period = ? AND {district_now('district')} = ? "
                               "AND (? IS NULL OR measure = ?)", [period, district, measure, measure]).fetchone()[0]
            if not held:  # nothing to follow: a district or measure mistyped, or a month not loaded
                if district not in force().districts:
                    raise BadFilter(f'--district "{district}" is not one of the districts: '
                                    f'{", ".join(force().districts)}.')
                if measure and measure not in catalogue().ids("force_return"):
                    raise BadFilter(f'--measure "{measure}" is not a measure of the return; "pccdash figures" '
                                    "lists the figures loaded with their measures.")
                raise BadFilter(f"No figure of {district}{' for ' + measure if measure else ''} is loaded for "
                                f"{period:%B %Y}, so there is nothing to flag; \"pccdash figures --district "
                                f'{district} --from {period:%Y-%m}" lists those loaded.')
            scope = "figure" if measure else "district_month"
            number = raise_flag(con, actor, scope=scope, reason=reason, period=period, district=district,
                                measure=measure, blocking=blocking)
            place = flag_place(scope, district, measure, None, f"{period:%B %Y}")
    click.echo(f"Flag {number} raised on {shown(place, None)}" + (": it blocks approval." if blocking else "."))


@flags_.command(name="assign")
@click.argument("flag_id", metavar="N")
@click.option("--to", "to", required=True, metavar="WHO", help="Who takes it up: an e-mail address or a name.")
@click.option("--note", default="", metavar="TEXT", help="A note kept with the step.")
@db_option
@as_option
@click.pass_context
def flags_assign(ctx, flag_id, to, note, db, as_user):
    """Assign an open flag to someone to follow up.

    \b
    Example:
      pccdash flags assign 3 --to "The force's data team" --as analyst@example.org
    """
    from .flags import assign_flag

    to = _given(to, "name or e-mail address of whoever takes the flag", "--to WHO")
    _flag_step(ctx, db, as_user, assign_flag, flag_id, to, note)
    click.echo(f"Flag {flag_id} assigned to {shown(to)}.")


@flags_.command(name="await")
@click.argument("flag_id", metavar="N")
@click.option("--note", default="", metavar="TEXT", help="What the force was asked, and when.")
@db_option
@as_option
@click.pass_context
def flags_await(ctx, flag_id, note, db, as_user):
    """Mark an open flag as awaiting the force; it stays open (and blocking, if it blocks).

    \b
    Example:
      pccdash flags await 3 --note "Asked the force to check March" --as analyst@example.org
    """
    from .flags import await_force

    _flag_step(ctx, db, as_user, await_force, flag_id, note)
    click.echo(f"Flag {flag_id} is awaiting the force.")


@flags_.command(name="answer")
@click.argument("flag_id", metavar="N")
@click.option("--file", "file", required=True, metavar="FILE",
              help="The loaded file that answered it: its number or name (the latest loaded of that name).")
@click.option("--note", default="", metavar="TEXT", help="A note kept with the step.")
@db_option
@as_option
@click.pass_context
def flags_answer(ctx, flag_id, file, note, db, as_user):
    """Link an open flag to the resubmission that answered it. The flag stays open until it is resolved.

    \b
    Example:
      pccdash flags answer 3 --file 2026-03-cse-return-v2.csv --as analyst@example.org
    """
    from .flags import answer_flag, answer_gap

    def answer(con, claims, *args):
        return answer_flag(con, claims, *args), answer_gap(con, flag_id)

    name, gap = _flag_step(ctx, db, as_user, answer, flag_id, file, note)
    click.echo(f"Flag {flag_id} answered by {shown(name)}." + (f"\nNote: {gap}" if gap else ""))


@flags_.command(name="resolve")
@click.argument("flag_ids", metavar="N [N ...]", nargs=-1, required=True)
@click.option("--note", required=True, metavar="TEXT", help="What was found and done: kept with every flag named.")
@db_option
@as_option
@click.pass_context
def flags_resolve(ctx, flag_ids, note, db, as_user):
    """Resolve open flags with one note, all or none; they stop following their figures and blocking.

    \b
    Example:
      pccdash flags resolve 3 4 --note "Corrected in the resubmission" --as analyst@example.org
    """
    from .flags import resolve_flags

    done = _flag_step(ctx, db, as_user, resolve_flags, list(flag_ids), note)
    click.echo(f"Resolved flag{'s' if len(done) > 1 else ''} {', '.join(map(str, done))}.")


@flags_.command(name="reopen")
@click.argument("flag_id", metavar="N")
@click.option("--reason", required=True, metavar="TEXT", help="Why it is open again: kept with the flag, beside its "
                                                               "resolution.")
@db_option
@as_option
@click.pass_context
def flags_reopen(ctx, flag_id, reason, db, as_user):
    """Reopen a resolved flag whose issue is back: it follows its figures again, and a blocking one stops its month
    being approved again. Who resolved it, when and why stay in its history, with who reopened it and why. It goes
    back to whoever it was assigned to before it was resolved (pccdash flags assign N --to WHO gives it to someone
    else); one never assigned is assigned to no one.

    \b
    Example:
      pccdash flags reopen 3 --reason "The April return repeats it" --as analyst@example.org
    """
    from .flags import flags as list_flags
    from .flags import reopen_flag, reopened_with
    from .warehouse import connect_read_only

    number = _flag_step(ctx, db, as_user, reopen_flag, flag_id, reason)
    with connect_read_only(db or ctx.obj["db"]) as con:
        flag = list_flags(con, status="all").set_index("flag_id").loc[number]
    with_whom = reopened_with(flag["assignee"])
    click.echo(f"Flag {number} reopened: " + ("it blocks approval again, and is " if flag["blocks_now"] else "it is ")
               + shown(with_whom, None) + f" (pccdash flags assign {number} --to WHO gives it to "
               + ("someone else)." if with_whom.startswith("back with") else "someone)."))


# ---------------------------------------------------------------- the accountability loop: meetings and actions


def _loop_day(value: str, option: str):
    import datetime as _dt

    from .accountability import LoopError

    try:
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise LoopError(f'{option} "{value}" is not a date; write it as YYYY-MM-DD (2015-08-20).') from None


@main.group(invoke_without_command=True)
@db_option
@limit_option(MEETINGS_SHOWN,
              "List the newest N meetings (0: every one).")
@click.pass_context
def meetings(ctx, db, limit):
    """List the meetings recorded (the Public Accountability Boards, districts' quarterly reports and themed
    scrutiny sessions), or record one, or show one with its questions, decisions and actions.

    Each line gives the meeting's number, its date, title and reporting month, how many questions were put
    at it and how many of those were withdrawn since ("pccdash meetings show N" says why), how many of its
    actions are still open and how many of those are overdue (past the day or meeting they were due by, as
    "pccdash actions" says). The newest 12 are listed, then how many came before and how
    many actions those still have open: --limit N lists more (--limit 0 every one).

    \b
    Examples:
      pccdash meetings
      pccdash meetings --limit 0
      pccdash meetings add 2015-08-20 --as analyst@example.org
      pccdash meetings add 2015-09-03 --kind district --district {district} --as analyst@example.org
      pccdash meetings add 2015-09-10 --kind themed --title "Protecting Vulnerable People" --as pcc@example.org
      pccdash meetings show 1
      pccdash meetings move 1 --to 2015-08-27 --reason "Put back a week" --as analyst@example.org
      pccdash meetings cancel 2 --reason "Pre-election period" --carry-to 3 --as analyst@example.org
      pccdash meetings withdraw-question 4 --reason "Put by mistake" --as analyst@example.org
    """
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    from . import settings
    from .accountability import actions as loop_actions
    from .accountability import meetings as loop_meetings
    from .accountability import questions as loop_questions
    from .accountability.records import meeting_name
    from .flags import day_words
    from .warehouse import connect_read_only

    today = settings.today()
    with connect_read_only(db) as con:
        held, asked, agreed = loop_meetings(con), loop_questions(con), loop_actions(con)
        called_off = [m for m in loop_meetings(con, cancelled=True) if m.cancelled]
    if not held:
        click.echo('No meetings recorded yet. "pccdash meetings add DATE --as EMAIL" records one.')
    for m in reversed(called_off):
        click.echo(_wrapped(m.cancelled_sentence(), "", "  "))
    if not held:
        return
    if called_off:
        click.echo("")
    import pandas as pd

    from .catalogue import counted

    rows = [{"Meeting": m.meeting_id, "Date": day_words(m.held_on), "Title": meeting_name(m.kind, m.title),
             "Reporting month": f"{m.reporting_month:%B %Y}" if m.reporting_month else "none",
             "Questions": sum(q.meeting.meeting_id == m.meeting_id for q in asked),
             # a question withdrawn was put, and is on the record as withdrawn: counted apart, as it awaits nothing
             "Of which withdrawn": sum(q.meeting.meeting_id == m.meeting_id and q.withdrawal is not None
                                       for q in asked),
             "Open actions": sum(a.meeting.meeting_id == m.meeting_id and not a.closed for a in agreed),
             # of those, the ones past their due day, as "pccdash actions" says them overdue
             "Of which overdue": sum(a.meeting.meeting_id == m.meeting_id and a.overdue(today) for a in agreed)}
            for m in reversed(held)]
    shown_rows, earlier = (rows[:limit], rows[limit:]) if limit else (rows, [])
    click.echo(_left_table(pd.DataFrame(shown_rows)))
    if earlier:
        still_open = sum(r["Open actions"] for r in earlier)
        late = sum(r["Of which overdue"] for r in earlier)
        overdue = (f"{late} of them overdue" if still_open != 1 else "overdue" if late else "not overdue")
        click.echo(f"The newest {limit} of {len(rows)} meetings; "
                   + (f"the {len(earlier)} before them have " if len(earlier) != 1 else "the one before them has ")
                   + (f"{counted(still_open, 'action')} still open, {overdue} (\"pccdash actions\" lists them)"
                      if still_open else "no action still open")
                   + ". See them with --limit N (--limit 0 for every one).")


@meetings.command(name="add")
@click.argument("held_on", metavar="DATE")
@db_option
@click.option("--kind", type=click.Choice(["pab", "district", "themed"]), default="pab", show_default=True,
              help="pab: the monthly Public Accountability Board; district: a district's quarterly report; "
                   "themed: a themed scrutiny session.")
@click.option("--district", default=None, metavar="NAME", help="The district a district's quarterly report is on.")
@click.option("--title", default=None, metavar="TEXT", help="The theme of a themed session (or another title).")
@as_option
@click.pass_context
def meetings_add(ctx, held_on, db, kind, district, title, as_user):
    """Record a meeting held (or to be held) on DATE, YYYY-MM-DD; its reporting month is the latest month
    with accepted figures before it. Analysts and {holder} may record one.

    \b
    Examples:
      pccdash meetings add 2015-08-20 --as analyst@example.org
      pccdash meetings add 2015-09-03 --kind district --district {district} --as analyst@example.org
    """
    from .accountability import add_meeting
    from .audit import cli_actor
    from .catalogue import force
    from .warehouse import connect

    day = _loop_day(held_on, "DATE")
    if kind == "district" and not district:  # said '"" is not one' of the districts
        raise PccDashError("A district's quarterly report names its district: give --district, one of "
                           f"{', '.join(force().districts)}.")
    with connect(db or ctx.obj["db"], create=False) as con:
        meeting = add_meeting(con, cli_actor(as_user), held_on=day, kind=kind, title=title, district=district)
    click.echo(f"Recorded meeting {meeting.meeting_id}: {meeting.label} ({_reporting_month(meeting)}).")


def _reporting_month(meeting) -> str:
    """A meeting's reporting month in words, or that no month before it has figures yet ("reporting month no month
    with accepted figures yet" read as a broken sentence)."""
    if meeting.reporting_month:
        return f"reporting month {meeting.reporting_month:%B %Y}"
    return "no month before it has accepted figures yet, so it has no reporting month"


@meetings.command(name="move")
@click.argument("meeting_id", metavar="ID")
@click.option("--to", "to_day", required=True, metavar="DATE", help="The day it is now to be held, YYYY-MM-DD.")
@click.option("--reason", required=True, metavar="TEXT", help="Why it moves (kept in the record and the audit trail).")
@db_option
@as_option
@click.pass_context
def meetings_move(ctx, meeting_id, to_day, reason, db, as_user):
    """Move meeting ID to another day (put back, brought forward, or its date put right). Its questions, the
    actions due by it, its reporting month and the answers given at it on its day go with it (to a day still to
    come, those answers keep their day, as papers put to it); the day it was on before is kept, with the reason.
    Analysts and {holder} may move one. A pack produced for the old day stays in the archive under that day.

    \b
    Example:
      pccdash meetings move 3 --to 2026-06-25 --reason "The hall was not free on the 18th" --as analyst@example.org
    """
    from .accountability import get_meeting, move_meeting
    from .audit import cli_actor
    from .warehouse import connect

    reason = _given(reason, "reason for moving the meeting", "--reason TEXT")
    day = _loop_day(to_day, "--to")
    with connect(db or ctx.obj["db"], create=False) as con:
        before = get_meeting(con, meeting_id).label
        meeting = move_meeting(con, cli_actor(as_user), meeting_id, to=day, reason=reason)
    click.echo(f"Moved meeting {meeting.meeting_id}: {shown(before)} is now {shown(meeting.label)} "
               f"({_reporting_month(meeting)}).")
    if meeting.answers_sentence:
        click.echo(meeting.answers_sentence)


@meetings.command(name="cancel")
@click.argument("meeting_id", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT", help="Why it is called off (kept in the record and the "
                                                              "audit trail).")
@click.option("--carry-to", "carry_to", default=None, metavar="MEETING",
              help="The later meeting (its number) that the questions put to it and the actions due by it go to.")
@db_option
@as_option
@click.pass_context
def meetings_cancel(ctx, meeting_id, reason, carry_to, db, as_user):
    """Cancel meeting ID, not held, saying why (analysts and {holder}). The questions put to it and the open
    actions due by it go to the later meeting --carry-to names (an action's move is kept in its history); without
    it, a meeting with any of them is not cancelled and the sentence names them. A meeting at which an action was
    agreed, an answer given or a decision taken was held, and is not cancelled. A cancelled meeting is listed
    apart by "pccdash meetings" and offered for nothing more; "Since the last meeting" in the next pack goes back
    to the meeting before it.

    \b
    Example:
      pccdash meetings cancel 2 --reason "Pre-election period" --carry-to 3 --as analyst@example.org
    """
    from .accountability import cancel_meeting
    from .audit import cli_actor
    from .warehouse import connect

    reason = _given(reason, "reason for cancelling the meeting", "--reason TEXT")
    with connect(db or ctx.obj["db"], create=False) as con:
        meeting = cancel_meeting(con, cli_actor(as_user), meeting_id, reason=reason, carry_to=carry_to)
    went = (f" What was put to it went to meeting {meeting.cancel.carried_to}." if meeting.cancel.carried_to else "")
    click.echo(f"Cancelled meeting {meeting.meeting_id}: {shown(meeting.named, None)}.{went}")


@meetings.command(name="withdraw-question")
@click.argument("question_id", metavar="QUESTION")
@click.option("--reason", required=True, metavar="TEXT", help="Why it is withdrawn: put by mistake, overtaken, or "
                                                              "answered another way (kept with the question and in "
                                                              "the audit trail).")
@click.option("--on", "on_day", metavar="DATE", default=None,
              help="The day it was withdrawn, YYYY-MM-DD, not after today (default: today), nor before the "
                   "question stood to be asked (the day it was recorded, when drafted ahead of its meeting; typed "
                   "in after its meeting, the day its sender sent it, or the day after the last meeting of the "
                   "series before its own) or the last answer or decision on it; meetings held after it see it "
                   "withdrawn.")
@db_option
@as_option
@click.pass_context
def meetings_withdraw_question(ctx, question_id, reason, on_day, db, as_user):
    """Withdraw question QUESTION, saying why (analysts and {holder}): one put by mistake, overtaken, or answered
    another way. Its answers and decisions stay in the record; it reads "Withdrawn on ... by ...: ..." wherever it
    is shown, a meeting held after the day it was withdrawn no longer carries it as still open, and it is not
    drafted again from the same figures. Nothing of it is approved for publication from then on; an approval given
    before stays in force until "pccdash unrelease" withdraws it, and the public reads the question as still open
    until its withdrawal is approved ("pccdash release withdrawal QUESTION") and published. "pccdash meetings show
    MEETING" gives the numbers of the questions put at a meeting.

    \b
    Example:
      pccdash meetings withdraw-question 4 --reason "Answered in the July report" --as analyst@example.org
    """
    from .accountability import withdraw_question
    from .accountability.release import carrying, released
    from .audit import cli_actor
    from .warehouse import connect

    reason = _given(reason, "reason for withdrawing the question", "--reason TEXT")
    day = _loop_day(on_day, "--on") if on_day is not None else None
    with connect(db or ctx.obj["db"], create=False) as con:
        withdrawal = withdraw_question(con, cli_actor(as_user), question_id, reason=reason, on=day)
        public = carrying(released(con), int(question_id))
    click.echo(_wrapped(f"Question {int(question_id)}: {withdrawal.sentence}.", "", "  "))
    if public:  # approved for publication: the public reads it as still open until told
        click.echo(_wrapped(f"It is approved for publication, and the public reads it as still open until its "
                            f'withdrawal is approved ("pccdash release withdrawal {int(question_id)}", with --text '
                            "for the reason in words for the public) and published.", "", "  "))


@meetings.command(name="show")
@click.argument("meeting_id", metavar="ID")
@db_option
@click.pass_context
def meetings_show(ctx, meeting_id, db):
    """Show one meeting: each question put at it with its figures and where it stands (the force's answer,
    or that one is awaited, and {holders} decision), the answers given and decisions taken at it on questions put at
    earlier meetings, the decisions on its themes, and its actions, with the numbers "pccdash release" takes to
    approve a question, answer or decision for publication. Of a meeting still to come, also what its briefing pack
    carries to it: the questions from earlier meetings not yet settled, the decisions due to be looked at again by
    it, and the actions agreed earlier due by it.

    \b
    Example:
      pccdash meetings show 1
    """
    from . import settings
    from .accountability import DECISIONS, carried_forward, figures_line, get_meeting, moves, question_figures
    from .accountability import actions as loop_actions
    from .accountability import decisions as loop_decisions
    from .accountability import meetings as loop_meetings
    from .accountability import questions as loop_questions
    from .flags import day_words
    from .warehouse import connect_read_only

    with connect_read_only(db or ctx.obj["db"]) as con:
        meeting = get_meeting(con, meeting_id)
        asked = loop_questions(con, meeting.meeting_id)
        every = loop_questions(con)
        # put at an earlier meeting and answered or decided on at this one: its record lists them too
        answered_here = [q for q in every if q.meeting.meeting_id != meeting.meeting_id
                         and any(x.meeting_id == meeting.meeting_id for x in (*q.answers, *q.decisions))]
        themes = [d for d in loop_decisions(con, meeting.meeting_id) if d.question_id is None]
        agreed = loop_actions(con, meeting.meeting_id)
        moved = moves(con, meeting.meeting_id)
        # a meeting to come: what its pack carries to it from earlier meetings, to prepare with
        coming = not meeting.cancel and meeting.held_on >= settings.today()
        loop = carried_forward(con, meeting.held_on, meeting=meeting) if coming else None
        held_at = {m.meeting_id: m for m in loop_meetings(con)} if loop is not None and loop.follow_ups else {}
        try:  # the figures as they stand, to say one revised since its question was put
            from .figures import plan_figures
            from .plan import PlanAnalytics

            analytics = PlanAnalytics(plan_figures(con)) if any(q.measure for q in asked) else None
            said = {q.question_id: question_figures(q, analytics) for q in asked if q.figures}
        except PccDashError:  # a reference file the plan needs is broken ("pccdash check" names it): as kept
            said = {q.question_id: figures_line(q.figures, q.measure) for q in asked if q.figures}
    month = f"{meeting.reporting_month:%B %Y}" if meeting.reporting_month else "none"
    today = settings.today()  # where each question and action stands now, as "pccdash actions" and the page say
    if meeting.cancel:  # one sentence: which meeting, its month, who called it off and why, where its business went
        click.echo(_wrapped(meeting.cancelled_sentence(reporting_month=True), "", "  "))
    else:
        click.echo(f"Meeting {meeting.meeting_id}: {shown(meeting.label, None)} (reporting month {month})")
    for m in moved:
        click.echo(_wrapped(m.sentence, "  ", "  "))
    click.echo("")
    # a meeting to come may have some yet; one held had none, and one called off will have none
    held = not meeting.cancel and meeting.held_on < today
    still = "" if meeting.cancel else " yet"
    # a question withdrawn was put, and is on the record as withdrawn: counted apart, as "pccdash meetings" counts it
    click.echo(f"Questions ({_with_withdrawn(asked)})" if asked else "No questions were put at it." if held else
               f"No questions put at it{still}.")
    for q in asked:  # the question and where it stands whole, wrapped: never cut short
        click.echo(_wrapped(q.body, f"  {q.question_id}. ", "     "))
        click.echo(f"     {shown(q.asked_words)}.")
        if q.figures:
            click.echo(f"     Figures when asked: {said[q.question_id]}")
        stands = q.where(as_of=today)
        given = q.answer is not None and q.answer.state == "answered"
        if q.answer is not None and not given and q.answer.body:  # what the force said of the answer awaited
            said_words = q.answer.words(None if q.withdrawal is not None else today)  # as q.where says it
            stands = stands.replace(said_words, f"{said_words}: {q.answer.body.strip().rstrip('.')}", 1)
        stands += (f"; to be looked at again by {day_words(q.decision.follow_up)}"
                   if q.decision and q.decision.follow_up else "")
        click.echo(_wrapped(stands, "     Where it stands: ", "     "))
        if q.withdrawal is not None:  # nothing of it is approved for publication from then on
            continue
        # release takes an answer given: one only awaited has nothing to publish yet
        numbers = [f"question {q.question_id}"] + ([f"answer {q.answer.answer_id}"] if given else []) + (
            [f"decision {q.decision.decision_id}"] if q.decision else [])
        click.echo(f'     For "pccdash release": {", ".join(numbers)}.')
    if loop is not None:
        carried = _carried_to_meeting(loop, meeting, today)
        _looked_at_again_by_meeting(loop, {q.question_id: q for q in every}, held_at, carried, today)
    if answered_here:
        answered = [any(a.meeting_id == meeting.meeting_id for a in q.answers) for q in answered_here]
        did = "Answered" if all(answered) else "Decided on" if not any(answered) else "Answered or decided on"
        click.echo("")
        click.echo(f"{did} at it, asked at earlier meetings ({_with_withdrawn(answered_here)})")
    for q in answered_here:
        given = [a for a in q.answers if a.meeting_id == meeting.meeting_id]
        decided = [d for d in q.decisions if d.meeting_id == meeting.meeting_id]
        click.echo(_wrapped(q.body, f"  {q.question_id}. ", "     "))
        click.echo(_wrapped(f"Asked at the {q.meeting.label}. {q.asked_words}.", "     ", "     "))
        for a in given:
            click.echo(_wrapped(f"{a.words()} at this meeting: {(a.body or '').strip()}", "     ", "     "))
        for d in decided:  # the Commissioner's decision taken at this meeting on a question put at an earlier one
            click.echo(_wrapped(f"Decided at this meeting: {DECISIONS[d.decision]}, by {d.decided_by}. "
                                f"{d.rationale.strip()}", "     ", "     "))
        click.echo(_wrapped(q.where(as_of=today), "     Where it stands: ", "     "))
        numbers = [f"answer {a.answer_id}" for a in given] + [f"decision {d.decision_id}" for d in decided]
        if q.withdrawal is None:  # one withdrawn: nothing of it is approved for publication from then on
            click.echo(f'     For "pccdash release": {", ".join(numbers)}.')
    if themes:
        click.echo("")
        click.echo(f"Decisions on themes ({len(themes)})")
        for d in themes:
            again = f" To be looked at again by {day_words(d.follow_up)}." if d.follow_up else ""
            click.echo(f"  Decision {d.decision_id}. {shown(d.theme)}: {DECISIONS[d.decision]}, by {d.decided_by}. "
                       f"{shown(d.rationale)}{again}")
    click.echo("")
    click.echo(f"Actions ({len(agreed)})" if agreed else "No actions were agreed at it." if held else
               f"No actions agreed at it{still}.")
    for a in agreed:
        click.echo(_wrapped(f"{a.body} ({a.owner_in_brackets})", f"  {a.action_id}. ", "     "))
        click.echo(_wrapped(a.where(today), "     ", "     "))
    if loop is not None:
        _due_by_meeting(loop, meeting, today)


def _carried_to_meeting(loop, meeting, today) -> set[int]:
    """The questions put at earlier meetings and not yet settled that a meeting to come opens with
    (`carried_forward`, as its pack lists them), each with where it stands; returns their numbers."""
    carried = [cq.question for cq in (*loop.asked_last_time, *loop.answered_last_time, *loop.still_open)
               if not cq.question.settled]
    click.echo("")
    if not carried:
        click.echo("No question from an earlier meeting is still open to be carried to it.")
        return set()
    click.echo(f"Carried to it from earlier meetings, not yet settled ({len(carried)})")
    for q in carried:
        click.echo(_wrapped(q.body, f"  {q.question_id}. ", "     "))
        click.echo(_wrapped(f"Asked at the {q.meeting.label}. Where it stands: {q.where(as_of=today)}", "     ",
                            "     "))
    return {q.question_id for q in carried}


def _looked_at_again_by_meeting(loop, asked: dict, held_at: dict, carried: set[int], today) -> None:
    """The Commissioner's decisions due to be looked at again by a meeting to come, and not decided on again since
    (`carried_forward`'s follow-ups, as its pack lists them), each with what it was on, when it was taken and why: a
    question listed just above among those carried is named by its number, another is quoted whole."""
    from .accountability import DECISIONS
    from .flags import day_words

    click.echo("")
    if not loop.follow_ups:
        click.echo("No decision is due to be looked at again by it.")
        return
    click.echo(f"Decisions due to be looked at again by it ({len(loop.follow_ups)})")
    for d in loop.follow_ups:
        q = asked.get(d.question_id) if d.question_id is not None else None
        on = (f"Theme: {d.theme}" if d.question_id is None else f"Question {d.question_id} (above)"
              if d.question_id in carried else f"Question {d.question_id}: {q.body}" if q is not None else
              f"Question {d.question_id}")
        click.echo(_wrapped(on, f"  Decision {d.decision_id}. ", "     "))
        taken = held_at.get(d.meeting_id)
        at = f" at the {taken.label}" if taken is not None else ""
        late = " (overdue)" if d.follow_up < today else ""
        click.echo(_wrapped(f"{DECISIONS[d.decision]}{at}, by {d.decided_by}: {d.rationale.strip().rstrip('.')}. To be "
                            f"looked at again by {day_words(d.follow_up)}{late}.", "     ", "     "))


def _due_by_meeting(loop, meeting, today) -> None:
    """The actions agreed at earlier meetings, still open, and due by a meeting to come or before it (`carried_forward`,
    as its pack lists them); those due later are counted."""
    from .catalogue import counted

    still = [*loop.overdue_actions, *loop.open_actions]
    due = [a for a in still if a.due_day <= meeting.held_on]
    later = len(still) - len(due)
    them = "it" if later == 1 else "them"
    after = (f'{counted(later, "other action")} agreed at earlier meetings {"is" if later == 1 else "are"} open, due '
             f'after it: "pccdash actions" lists {them}.')
    click.echo("")
    if not due:
        click.echo(_wrapped("No action agreed at an earlier meeting is due by it." + (f" {after}" if later else ""),
                            "", ""))
        return
    click.echo(f"Actions due by it, agreed at earlier meetings ({len(due)})")
    for a in due:
        click.echo(_wrapped(f"{a.body} ({a.owner_in_brackets})", f"  {a.action_id}. ", "     "))
        click.echo(_wrapped(f"{a.where(today)}; agreed at the {a.meeting.label}", "     ", "     "))
    if later:
        click.echo(_wrapped(after, "  ", "  "))


def _with_withdrawn(questions: list) -> str:
    """How many questions, and of them how many withdrawn, counted apart as "pccdash meetings" counts them: "2, 1
    withdrawn"; "2" when none was."""
    withdrawn = sum(q.withdrawal is not None for q in questions)
    return f"{len(questions)}, {withdrawn} withdrawn" if withdrawn else f"{len(questions)}"


def _wrapped(text: object, first: str, rest: str, width: int = 100) -> str:
    """Text read from the record, whole (each line made safe to print), wrapped at `width` characters: the first
    line after `first`, the others after `rest`."""
    import textwrap

    out: list[str] = []
    for part in str(text).splitlines() or [""]:
        lead = rest if out else first
        out += textwrap.wrap(shown(part, None), width=width, initial_indent=lead, subsequent_indent=rest,
                             break_on_hyphens=False) or [lead.rstrip()]
    return "\n".join(out)


@main.group(invoke_without_command=True)
@db_option
@click.option("--all", "show_all", is_flag=True, help="Closed actions too, after the open ones.")
@click.pass_context
def actions(ctx, db, show_all):
    """List the actions agreed at meetings that are not yet closed, overdue first; or close one with a note, move
    its due date, or hand it to a new owner.

    \b
    Examples:
      pccdash actions
      pccdash actions --all
      pccdash actions close 3 --note "Report received at the October Board" --on 2026-10-15 --as analyst@example.org
      pccdash actions move 3 --to {later_day} --reason "The Board gave the force more time" --as analyst@example.org
      pccdash actions hand 3 --to "Supt Khan" --reason "ACC Jones has retired" --as analyst@example.org
    """
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    from . import settings
    from .accountability import actions as loop_actions
    from .warehouse import connect_read_only

    today = settings.today()
    with connect_read_only(db) as con:
        agreed = loop_actions(con)
    still = sorted((a for a in agreed if not a.closed), key=lambda a: (not a.overdue(today), a.due_day, a.action_id))
    shown_now = still + ([a for a in agreed if a.closed] if show_all else [])
    if not agreed:
        click.echo("No actions recorded yet: they are agreed at meetings (the Meetings and questions page).")
        return
    if not shown_now:
        click.echo('No open actions. "pccdash actions --all" lists the closed ones too.')
        return
    for a in shown_now:
        click.echo(_wrapped(a.body, f"{a.action_id}. ", "   "))  # whole, as typed: never cut short
        click.echo(_wrapped(f"Owner {a.owner_words}; from the {a.meeting.label}", "   ", "   "))
        click.echo(_wrapped(a.where(today), "   ", "   "))


@actions.command(name="close")
@click.argument("action_id", metavar="ID")
@db_option
@click.option("--note", required=True, metavar="TEXT", help="What was done: the closing note kept with the action.")
@click.option("--on", "on_day", metavar="DATE", default=None,
              help="The day it was closed, YYYY-MM-DD, not after today (default: today); meetings after it see it "
                   "closed.")
@as_option
@click.pass_context
def actions_close(ctx, action_id, db, note, on_day, as_user):
    """Close an action with a note saying what was done (analysts and {holder}).

    \b
    Example:
      pccdash actions close 3 --note "Report received at the October Board" --on 2026-10-15 --as analyst@example.org
    """
    from .accountability import update_action
    from .audit import cli_actor
    from .warehouse import connect

    note = _given(note, "closing note", "--note TEXT")
    with connect(db or ctx.obj["db"], create=False) as con:
        update_action(con, cli_actor(as_user), action_id, status="closed", note=note, on=on_day)
    click.echo(f"Closed action {action_id}.")


@actions.command(name="reopen")
@click.argument("action_id", metavar="ID")
@db_option
@click.option("--reason", required=True, metavar="TEXT", help="Why it is open again (kept with the action and in the "
                                                              "audit trail).")
@click.option("--on", "on_day", metavar="DATE", default=None,
              help="The day it was reopened, YYYY-MM-DD, not after today (default: today); meetings after it see it "
                   "open.")
@as_option
@click.pass_context
def actions_reopen(ctx, action_id, db, reason, on_day, as_user):
    """Reopen a closed action, saying why (analysts and {holder}): it is open again and carried to every later
    meeting until closed, its closing kept in its history; past its due meeting or date it is overdue at once, and
    "pccdash actions move" gives it a new one.

    \b
    Example:
      pccdash actions reopen 3 --reason "The report covered Sheffield only" --as analyst@example.org
    """
    from . import settings
    from .accountability import actions as loop_actions
    from .accountability import reopen_action
    from .audit import cli_actor
    from .warehouse import connect

    reason = _given(reason, "reason for reopening the action", "--reason TEXT")
    with connect(db or ctx.obj["db"], create=False) as con:
        reopen_action(con, cli_actor(as_user), action_id, reason=reason, on=on_day)
        action = next(a for a in loop_actions(con) if a.action_id == int(action_id))
    stands = action.where(settings.today()).removesuffix(f"; {action.reopened_words}")  # its reason was just given
    click.echo(_wrapped(f"Reopened action {action.action_id}: {stands}.", "", "  "))


@actions.command(name="move")
@click.argument("action_id", metavar="ID")
@db_option
@click.option("--to", "to_day", metavar="DATE", default=None, help="The day it is now due by, YYYY-MM-DD.")
@click.option("--to-meeting", "to_meeting", metavar="MEETING", default=None,
              help='The meeting it is now due by: its number, as "pccdash meetings" lists it.')
@click.option("--reason", required=True, metavar="TEXT", help="Why it moves (kept with the action and in the audit "
                                                              "trail).")
@click.option("--on", "on_day", metavar="DATE", default=None,
              help="The day the move was agreed, YYYY-MM-DD, not after today (default: today); a meeting held "
                   "after it sees the action due by its new date.")
@as_option
@click.pass_context
def actions_move(ctx, action_id, db, to_day, to_meeting, reason, on_day, as_user):
    """Move an open action's due date to a later day (--to) or meeting (--to-meeting), saying why (analysts and
    {holder}). What it was first due by is kept: the action reads "due by ... (first due by ...)" on the pages,
    in "pccdash actions" and in the packs, and a pack for a meeting before the move shows it as it was then.

    \b
    Examples:
      pccdash actions move 3 --to {later_day} --reason "The Board gave the force more time" --as analyst@example.org
      pccdash actions move 3 --to-meeting 5 --reason "To report at the July Board" --as analyst@example.org
    """
    from .accountability import actions as loop_actions
    from .accountability import move_action_due
    from .audit import cli_actor
    from .warehouse import connect

    reason = _given(reason, "reason for moving the due date", "--reason TEXT")
    if (to_day is None) == (to_meeting is None):
        raise click.UsageError("Give the day it is now due by (--to YYYY-MM-DD) or the meeting (--to-meeting "
                               "NUMBER), one of them.")
    day = _loop_day(to_day, "--to") if to_day is not None else None
    on = _loop_day(on_day, "--on") if on_day is not None else None
    with connect(db or ctx.obj["db"], create=False) as con:
        move_action_due(con, cli_actor(as_user), action_id, due_meeting_id=to_meeting, due_on=day, reason=reason,
                        on=on)
        moved = next(a for a in loop_actions(con) if str(a.action_id) == str(action_id).strip())
    click.echo(f"Action {moved.action_id} is now due {shown(moved.due_words, None)}.")


@actions.command(name="hand")
@click.argument("action_id", metavar="ID")
@db_option
@click.option("--to", "to_owner", required=True, metavar="OWNER",
              help='Who holds it from now on, as the Board names them, e.g. "Supt Khan".')
@click.option("--reason", required=True, metavar="TEXT", help="Why it changes hands (kept with the action and in the "
                                                              "audit trail).")
@click.option("--on", "on_day", metavar="DATE", default=None,
              help="The day it changed hands, YYYY-MM-DD, not after today (default: today); a meeting held after it "
                   "sees the new owner.")
@as_option
@click.pass_context
def actions_hand(ctx, action_id, db, to_owner, reason, on_day, as_user):
    """Hand an open action to a new owner (the one who held it left, or the role changed hands), saying why
    (analysts and {holder}). Who held it before is kept: the action reads "OWNER (since DAY; first owner ...)" on
    the pages, in "pccdash actions" and in the packs, its history says who handed it from whom and why, and a pack
    for a meeting before the handover names the owner as it was then.

    \b
    Example:
      pccdash actions hand 3 --to "Supt Khan" --reason "ACC Jones has retired" --as analyst@example.org
    """
    from .accountability import actions as loop_actions
    from .accountability import hand_over_action
    from .audit import cli_actor
    from .warehouse import connect

    owner = _given(to_owner, "action's new owner", "--to OWNER")
    reason = _given(reason, "reason for handing the action over", "--reason TEXT")
    on = _loop_day(on_day, "--on") if on_day is not None else None
    with connect(db or ctx.obj["db"], create=False) as con:
        hand_over_action(con, cli_actor(as_user), action_id, owner=owner, reason=reason, on=on)
        handed = next(a for a in loop_actions(con) if str(a.action_id) == str(action_id).strip())
    click.echo(_wrapped(f"Action {handed.action_id} is now held by {handed.owner_words}.", "", "  "))


# ---------------------------------------------------------------- the accountability loop: recommendations


@main.group(invoke_without_command=True)
@db_option
@click.option("--month", metavar="YYYY-MM", help="The month whose figures judge the measures. [default: the latest "
                                                  "month with figures]")
@click.pass_context
def recommendations(ctx, db, month):
    """List the recommendations register: each recommendation of the reports that govern this work, with its
    source, owner, current status, the day it is due by (overdue once past and not yet implemented or closed),
    when it was last judged and its measures' status; flagged ones first. "pccdash recommendations due" gives one
    the day it is due by.

    A recommendation marked implemented or evidenced whose evidencing measure shows special cause of concern
    for the force is flagged for {holder}. The register is recommendations.yaml in the reference folder
    (PCCDASH_REFERENCE_DIR; the bundled pipelines/reference by default); statuses are recorded on the internal
    Recommendations page. Each current status is shown with its number, which "pccdash release recommendation N"
    takes to approve it for publication.

    \b
    Examples:
      pccdash recommendations
      pccdash recommendations --month 2016-06
    """
    from .accountability.register import (
        current,
        flagged,
        public_lag_words,
        register_rows,
        unregistered,
        unregistered_words,
    )
    from .figures import accepted_months, parse_month, plan_figures
    from .plan import PlanAnalytics
    from .warehouse import connect_read_only

    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    chosen = parse_month(month, "--month")
    with connect_read_only(db) as con:
        months = accepted_months(con)
        judged = plan_figures(con) if months else None
        analytics = PlanAnalytics(judged) if months else None
        when = chosen.strftime("%Y-%m") if chosen else (months[-1] if months else None)
        if judged is not None:  # the measures of a month with no figures would each say "No figure", as if missing
            _month_held(judged, when, "recommendations")
        flags = flagged(con, analytics, when)
        rows = register_rows(con, analytics, when)
        status_ids = {rec: entry.status_id for rec, entry in current(con).items()}
        lost = unregistered_words(unregistered(con))
        lag = public_lag_words(con)  # a status judged after the one the public reads
    if lost:  # a recommendation taken out of the file: its history is not listed below
        click.secho(shown(f"Note: {lost}", None), fg="yellow", err=True)
    for flag in flags:
        click.secho(shown(flag.sentence, None), fg="yellow")
    if flags:
        click.echo("")
    for row in rows:
        number = f", recommendation {row['Number']}" if row["Number"] else ""
        click.echo(shown(f"{row['Recommendation']} ({row['Source']}{number}): {row['Title']}", None))
        judged = row["Last judged"]
        if row["Recommendation"] in status_ids:  # the number "pccdash release recommendation" takes
            judged = f"status {status_ids[row['Recommendation']]}, judged {judged}"
        due = f" Due by {row['Due by']}." if row["Due by"] else ""
        click.echo(shown(f"    Owner: {row['Owner']}. Status: {row['Status']} ({judged}).{due}", None))
        if row["Recommendation"] in lag:
            click.echo(shown(f"    {lag[row['Recommendation']]}.", None))
        click.echo(shown(f"    Measures now: {row['Measures now']}", None))


@recommendations.command(name="due")
@click.argument("recommendation_id", metavar="ID")
@click.option("--by", "due_on", required=True, metavar="DATE", help="The day it is due to be implemented by, "
                                                                    "YYYY-MM-DD.")
@db_option
@as_option
@click.pass_context
def recommendations_due(ctx, recommendation_id, due_on, db, as_user):
    """Give recommendation ID (its id in the register: J1, NA2, ...) the day it is due to be implemented by (a
    report's timescale, or one the Board agreed), or a new one. It is listed as overdue once that day has passed
    while it is not yet implemented or closed, here, on the Recommendations page and in the pack. A day before its
    report was published is refused. Analysts and {holder} may give one; each is kept on the audit trail.

    \b
    Example:
      pccdash recommendations due NA2 --by 2026-12-31 --as analyst@example.org
    """
    from .accountability.register import set_due
    from .audit import cli_actor
    from .uk_time import uk_day_words
    from .warehouse import connect

    with connect(db or ctx.obj["db"], create=False) as con:
        day = set_due(con, cli_actor(as_user), recommendation_id, due_on=due_on)
    click.echo(shown(f"{recommendation_id.strip()} is due by {uk_day_words(day)}.", None))


# a port a server can listen on: 0 would let the system choose one the command could not name, and one past 65535
# stopped Streamlit with its own traceback
PORT = click.IntRange(1, 65535)


@main.command()
@db_option
@click.option("--no-serve", is_flag=True, help="Build the sample warehouse and stop before the dashboard.")
@click.option("--port", default=8501, show_default=True, type=PORT, help="Port for the dashboard.")
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
    from .audit import record_load, system_actor
    from .ingest import ingest as run_ingest
    from .plan.history import record_version
    from .sample_data import DEMO_LOADER
    from .warehouse import connect, db_path

    path = db_path(db)
    click.echo(f'Building the sample warehouse "{path}" from {SAMPLE_RETURNS} and {SAMPLE_POLICE_UK}', err=True)
    loader = system_actor(DEMO_LOADER)
    with connect(path) as con:
        record_version(con)  # the baselines and rebases the sample's charts are drawn with
        # each file loaded is on the audit trail as the demo's own load, in the file's own transaction, as
        # `pccdash ingest` records its account's
        report = run_ingest(con, [SAMPLE_RETURNS, SAMPLE_POLICE_UK], loaded_by=DEMO_LOADER,
                            progress=lambda msg: click.echo(msg, err=True),
                            recorded=lambda con, file_id, outcome: record_load(con, loader, file_id, outcome))
    _print_refusals(report)
    if not report.ok:
        sys.exit(1)
    from .catalogue import counted

    click.echo(f"Sample warehouse ready: {counted(report.count('accepted'), 'file')} loaded, "
               f"{report.count('already_loaded')} already there.")
    _publish_demo_months(path)
    if not no_serve:
        _serve(path, port, which="both", demo_sign_in=True)


def _publish_demo_months(path: Path) -> None:
    """Give the demo's public pages something to show: the months of the force's August 2015 figures.

    Done once, only while nothing has been published, in the name of the demo's PCC (pcc@example.org)
    and recorded as the program's own act, not a person's; the other months stay drafts so the approval
    page has work to show.
    """
    from .audit import system_actor
    from .public import current_snapshot
    from .publish.approval import approve
    from .publish.snapshot import publish as run_publish
    from .sample_data import DEMO_PUBLISHED_MONTHS, DEMO_PUBLISHER
    from .warehouse import connect

    if current_snapshot() is not None:
        return
    with connect(path) as con:
        approve(con, list(DEMO_PUBLISHED_MONTHS), system_actor(DEMO_PUBLISHER))
        version, snap = run_publish(con, system_actor(DEMO_PUBLISHER))
    click.echo(f"Published {DEMO_PUBLISHED_MONTHS[0]} to {DEMO_PUBLISHED_MONTHS[-1]} as {DEMO_PUBLISHER} "
               f"for the public pages (snapshot {version}).")


@main.command()
@db_option
@click.option("--app", "which", type=click.Choice(["internal", "public", "both"]), default="both", show_default=True,
              help="The internal dashboard (sign-in needed), the public one (published snapshots only), or both.")
@click.option("--port", default=8501, show_default=True, type=PORT, help="Port of the internal dashboard.")
@click.option("--public-port", default=8502, show_default=True, type=PORT, help="Port of the public dashboard.")
@click.option("--address", default="localhost", show_default=True, help="Address to listen on.")
@click.option("--auth-secrets", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              envvar="PCCDASH_AUTH_SECRETS", show_envvar=True,
              help="A secrets.toml whose [auth] section signs people in to the internal dashboard "
                   "[default: Streamlit's own .streamlit/secrets.toml]")
@click.option("--demo-sign-in", is_flag=True,
              help="Sign in with a local demo provider (oidc-provider-mock) and its made-up users.")
@click.option("--provider-port", default=9400, show_default=True, type=PORT,
              help="Port of the demo sign-in provider.")
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


# ---------------------------------------------------------------- questions from the public: the inbox


def inbox_option(f):
    return click.option("--inbox", "folder", type=_Folder(), default=None,
                        envvar="PCCDASH_INBOX_DIR", show_envvar=True,
                        help="The folder the public app writes questions into. [default: var/inbox]")(f)


@main.group(name="inbox")
def inbox_():
    """Questions the public sent from the public app for a forthcoming Board: import them, list those waiting; find
    and erase a sender's name and contact.

    The public app writes each question into the inbox folder and never opens the warehouse; the office imports
    them, reads them, and accepts (as edited, put to a meeting) or rejects each on the "Questions from the public"
    page. A sender's name and contact are for the office's reply only and are never published; they are erased on
    request (forget) and once kept for the retention period (expire, which import runs too), and with them the words
    of a question rejected, which is never published (an accepted question's words are the record, and stay).

    \b
    Examples:
      pccdash inbox import --as analyst@example.org
      pccdash inbox list
      pccdash inbox find jo@example.com
      pccdash inbox forget 3f2a9c1d --reason "The sender asked by e-mail on 3 March" --as analyst@example.org
      pccdash inbox expire --dry-run
    """


@inbox_.command(name="import")
@db_option
@inbox_option
@as_option
def inbox_import(db, folder, as_user):
    """Import the questions waiting in the inbox (running it twice imports nothing twice), then erase the names and
    contacts kept for the retention period, as "pccdash inbox expire" does.

    A file that is not a question the public app wrote is set aside in the inbox's rejected/ folder, saying why.

    \b
    Example:
      pccdash inbox import --as analyst@example.org
    """
    from .accountability.erasure import fetch
    from .accountability.moderation import set_aside
    from .audit import cli_actor
    from .catalogue import counted
    from .inbox import inbox_dir
    from .warehouse import connect

    given = click.get_current_context().get_parameter_source("folder") == click.core.ParameterSource.COMMANDLINE
    if given and not folder.is_dir():  # a mistyped folder would read as an empty inbox
        raise PccDashError(f'There is no folder "{folder}" (--inbox). Give the folder the public app writes '
                           "questions into.")
    told: list[str] = []  # each file set aside now, said after what was imported
    with connect(db, create=False) as con:
        count, erased, deleted = fetch(con, cli_actor(as_user), folder, told.append)
    click.echo(f"{counted(count, 'new question')} from the public imported from {inbox_dir(folder)}. "
               'Read them with "pccdash inbox list" or on the "Questions from the public" page.')
    _say_expired(erased, deleted)
    for sentence in told:
        click.secho(sentence, fg="yellow", err=True)
    aside = set_aside(folder)
    if aside:
        click.secho(f"{counted(len(aside), 'file')} in {inbox_dir(folder) / 'rejected'} could not be read as "
                    "questions "
                    "(each was said when it was set aside): " + ", ".join(shown(n) for n in aside), fg="yellow")


@inbox_.command(name="list")
@db_option
@inbox_option
@limit_option(INBOX_LIMIT,
              "List the oldest N questions waiting (0: every one).")
def inbox_list(db, folder, limit):
    """List the imported questions from the public not yet accepted or rejected, oldest first, with the sender's
    name and contact (for the office's reply only: never published), and how many still wait to be imported.

    The oldest 25 are listed, as the "Questions from the public" page shows them, then how many are waiting in
    all; --limit N lists more (--limit 0 every one).

    \b
    Examples:
      pccdash inbox list
      pccdash inbox list --limit 0
    """
    from .accountability.moderation import pending, repeats
    from .accountability.release import personal_data_warnings
    from .catalogue import counted
    from .flags import day_words
    from .inbox import waiting
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:
        found = pending(con)
        repeated = repeats(con)
    for sub in found[:limit] if limit else found:
        if sub.erased_at is not None:  # as "find" and the page say it: erased is not never given
            sender = f"name and contact erased on {day_words(sub.erased_at)}"
        else:
            sender = "; ".join(shown(v, 200) for v in (sub.name, sub.contact) if v) or "no name or contact given"
        click.echo(f"{sub.receipt}  received {day_words(sub.received_at)}  from: {sender}")
        for line in sub.body.split("\n"):
            click.echo(f"    {shown(line, None)}")
        if sub.submission_id in repeated:
            click.echo(f"    {repeated[sub.submission_id]}")
        personal = personal_data_warnings(sub.body)
        if personal:
            click.secho(f"    Note: {shown(personal, None)}", fg="yellow")
    click.echo(f"{counted(len(found), 'question')} from the public waiting to be accepted or rejected"
               + (f"; the oldest {limit} listed (--limit 0 lists every one)." if limit and len(found) > limit else "."))
    left = waiting(folder)
    if left:
        click.echo(f'{left} more in the inbox not yet imported: "pccdash inbox import --as EMAIL".')


def _say_expired(erased, deleted, *, dry_run: bool = False) -> None:
    from .accountability.erasure import packs_words, retention_words
    from .catalogue import counted
    from .flags import day_words

    kept = retention_words()
    contacts, words = [d for d in erased if d.contact], [d for d in erased if d.words]
    if contacts:
        whose = counted(len(contacts), "sender's", "senders'")
        click.echo((f"{whose} names and contacts would be erased" if dry_run
                    else f"Erased the names and contacts of {counted(len(contacts), 'sender')}")
                   + f", kept {kept} after their question was answered, withdrawn or rejected "
                   "(PCCDASH_CONTACT_RETENTION_MONTHS):")
        for due in contacts:
            click.echo(f"  {due.receipt}  {due.how}; kept until {day_words(due.erase_on)}")
    if words:
        which = counted(len(words), "rejected question")
        click.echo((f"The words of {which} would be erased" if dry_run else f"Erased the words of {which}")
                   + f", kept {kept} after each was rejected (never published; that each was received and "
                   "rejected, when and why, and its reference are kept):")
        for due in words:
            click.echo(f"  {due.receipt}  {due.how}; kept until {day_words(due.erase_on)}")
        for due in erased:
            if due.packs:
                click.echo(packs_words(due.packs, f"the question from the public {due.receipt}"))
    if deleted:
        click.echo(f"{counted(len(deleted), 'unreadable file')} set aside in rejected/ more than {kept} ago "
                   + ("would be deleted: " if dry_run else "deleted: ") + ", ".join(shown(n) for n in deleted))


@inbox_.command(name="find")
@click.argument("contact", metavar="CONTACT")
@db_option
@inbox_option
def inbox_find(contact, db, folder):
    """Find the questions from the public whose sender gave this contact (an e-mail address, or a telephone number
    however it is spaced) or name, or whose words hold it: to meet a person's request to see, or erase, what the
    office keeps about them. Each is listed by its reference, with where it stands and what is kept.

    \b
    Examples:
      pccdash inbox find jo@example.com
      pccdash inbox find "0114 496 0000"
    """
    from .accountability.erasure import find
    from .catalogue import counted
    from .flags import day_words
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:
        found = find(con, contact, folder)
    for match in found:
        if match.erased_at is not None:
            kept = f"name and contact erased on {day_words(match.erased_at)}"
        else:
            kept = "; ".join(shown(v, 200) for v in (match.name, match.contact) if v) or "no name or contact given"
        click.echo(f"{match.receipt}  received {day_words(match.received_at)}  {match.state}  found in its "
                   f"{match.found_in}  from: {kept}")
    waiting = sum(not m.imported for m in found)
    click.echo(f"{counted(len(found), 'question')} from the public found." if found else
               "No question from the public holds it (the warehouse and the inbox were searched).")
    if waiting:
        click.echo(f'{waiting} of them still wait in the inbox: "pccdash inbox import --as EMAIL" first, to erase '
                   "them.")
    if any(m.found_in == "words" for m in found):
        click.echo("A question found only in its words was sent with another name and contact, or none: \"pccdash "
                   "inbox forget\" takes out of a question's words only the contact its sender gave, so an accepted "
                   "question's words keep them as written; a rejected question's words are erased whole, on request "
                   "or once kept for the retention period.")
    if any(m.imported and m.erased_at is None and (m.name or m.contact) for m in found):
        click.echo('Erase a sender\'s name and contact with "pccdash inbox forget REFERENCE --reason TEXT --as EMAIL".')


@inbox_.command(name="forget")
@click.argument("reference", metavar="REFERENCE")
@click.option("--reason", required=True, help="Why they are erased (kept on the audit trail; without the name or "
                                               "contact themselves).")
@db_option
@inbox_option
@as_option
def inbox_forget(reference, reason, db, folder, as_user):
    """Erase the name and contact the sender of a question from the public gave, everywhere pccdash keeps them: the
    warehouse, and the inbox's copies of what they sent. The question's words and what became of it stay, but for
    the contact where the sender wrote it into their question, which becomes "[removed]" wherever the words are kept
    (the text approved for publication too: the public pages show it without it from the next publication). A
    rejected question is never published: its words are erased too (even when no name or contact was given), and
    that it was received and rejected, when and why, and its reference stay. The audit trail says who erased them
    and why. REFERENCE is the question's reference (its first 8 characters, as the
    sender was given, "pccdash inbox list" and "pccdash inbox find" show).

    Backups taken before keep them until those backups are deleted; "pccdash restore" from one erases them again
    (the record of erasures beside the warehouse, pccdash.erasures.jsonl, says which, without them).

    \b
    Example:
      pccdash inbox forget 3f2a9c1d --reason "The sender asked by e-mail on 3 March" --as analyst@example.org
    """
    from .accountability.erasure import forget
    from .audit import cli_actor
    from .warehouse import connect

    reason = _given(reason, "reason for erasing the name and contact", "--reason TEXT")
    with connect(db, create=False) as con:
        erased = forget(con, cli_actor(as_user), reference, reason=reason, folder=folder)
    for sentence in erased.sentences():
        click.echo(sentence)


def _optional_as(ctx, param, value):
    return None if value is None else _may_act_as(ctx, param, value)


@inbox_.command(name="expire")
@click.option("--dry-run", is_flag=True, help="List what would be erased and deleted; change nothing.")
@db_option
@inbox_option
@click.option("--as", "as_user", metavar="EMAIL", envvar="PCCDASH_USER", show_envvar=True, callback=_optional_as,
              help="Who is acting (not needed with --dry-run): an identity with the right role that access.yaml "
                   "in the reference folder (PCCDASH_REFERENCE_DIR; the bundled pipelines/reference by default) "
                   "lets this account act as (its command_line section).")
def inbox_expire(dry_run, db, folder, as_user):
    """Erase the names and contacts kept for the retention period (PCCDASH_CONTACT_RETENTION_MONTHS, 12 by default)
    after their question was answered (the force's latest word on it an answer), withdrawn or rejected, and the
    words of a question rejected that long ago (never published; that it was received and rejected, when and why,
    and its reference stay); and delete the unreadable files set aside in the inbox's rejected/ folder that long
    after they were received. A question still waiting, or accepted and neither answered nor withdrawn, keeps them.
    "pccdash inbox import" does this too.

    \b
    Examples:
      pccdash inbox expire --dry-run
      pccdash inbox expire --as analyst@example.org
    """
    from .accountability.erasure import due, expire, retention_words
    from .audit import cli_actor
    from .warehouse import connect, connect_read_only

    if dry_run:
        with connect_read_only(db) as con:
            erased, deleted = due(con, folder)
    else:
        if as_user is None:
            raise click.UsageError("Say who is acting: --as EMAIL (or PCCDASH_USER); --dry-run needs none.")
        with connect(db, create=False) as con:
            erased, deleted = expire(con, cli_actor(as_user), folder)
    _say_expired(erased, deleted, dry_run=dry_run)
    if not erased and not deleted:
        click.echo(f"Nothing is kept past the retention period ({retention_words()} after a question is answered, "
                   "withdrawn or rejected).")


# ---------------------------------------------------------------- the accountability record's publication


@main.command(name="release")
# KIND: the choice spelt out in the usage line broke "recommendation" across two lines
@click.argument("kind", metavar="KIND", type=click.Choice(["question", "answer", "decision", "withdrawal",
                                                           "recommendation"]))
@click.argument("item_id", metavar="ID")
@db_option
@click.option("--text", "public_text", metavar="TEXT", default=None,
              help="The text to publish instead of the item's own (a question, an answer, a decision's rationale, "
                   "the reason a question was withdrawn or a recommendation status's evidence).")
@as_option
def release_(kind, item_id, db, public_text, as_user):
    """Approve an item of the accountability record for the next publication (only {holders} role, pcc).

    KIND is question, answer, decision, withdrawal or recommendation. ID is the question's, answer's or decision's
    number ("pccdash meetings show MEETING" gives them; a withdrawal goes by its question's), or a recommendation
    status's number ("pccdash recommendations" gives it). What is approved is the item's public
    record as it stands now (never who recorded it, never an e-mail address; a question from the public only
    as the office accepted it); a later answer or decision needs its own approval. A question withdrawn whose
    question, answer or decision is approved is shown withdrawn, with the reason (--text: in words for the public),
    once its withdrawal is approved; one never approved stays unpublished. Approving an item again
    replaces its approval. "pccdash publish" then carries it.

    \b
    Examples:
      pccdash release decision 4 --as pcc@example.org
      pccdash release answer 7 --text "The force reported progress on every point." --as pcc@example.org
      pccdash release withdrawal 5 --text "Answered in the force's September report." --as pcc@example.org
    """
    from .accountability.release import (
        EDITABLE,
        counted_text,
        record_text,
        release,
        release_form_defaults,
        said_on,
        text_warnings,
        who_text,
    )
    from .audit import cli_actor
    from .warehouse import connect

    actor = cli_actor(as_user)
    with connect(db, create=False) as con:
        given = bool(public_text and public_text.strip())
        # the recorded text's hidden figures only when it is the one published: the next publication's own work
        form = release_form_defaults(con, kind, item_id, quoted_hidden=not given)
        release_id = release(con, actor, kind, item_id, public_text=public_text)
        # the text given in place of the recorded one is what is published: it is the one checked, read as the public
        # reads it, beside the rest of its record (an answer's question may name the figure's area and measure) and
        # by the days it was said on
        published = {**form.record, EDITABLE[kind]: public_text}
        warning = (text_warnings(con, counted_text(published), days=said_on(published),
                                 context=record_text(published), who=who_text(published))
                   if given else form.warning)
    if warning:
        click.secho(f"Note: {warning}", fg="yellow", err=True)
    what = f"the withdrawal of question {form.item_id}" if kind == "withdrawal" else f"{kind} {form.item_id}"
    if kind == "recommendation":  # the number is the status's, not the recommendation's: "recommendation 2" was NA4's
        what = (f"status {form.item_id} of recommendation {form.record.get('recommendation_ref', '')} "
                f"({form.record.get('status', '')})")
    click.echo(f"Approved {what} for the next publication (approval {release_id}"
               + (f", replacing approval {form.current}" if form.current else "") + ").")


@main.command()
@db_option
@limit_option(RELEASED_SHOWN,
              "List the newest N approvals (0: every one).")
def released(db, limit):
    """List what of the accountability record is approved for the next publication, one approval a line, newest
    first.

    The newest 20 are listed, then how many are approved in all; --limit N lists more (--limit 0 every one).

    \b
    Examples:
      pccdash released
      pccdash released --limit 0
    """
    from .accountability.release import long_date
    from .accountability.release import released as approvals
    from .catalogue import counted
    from .warehouse import connect_read_only

    with connect_read_only(db) as con:
        found = approvals(con)
    newest = found[::-1]
    for item in newest[:limit] if limit else newest:
        click.echo(f"{item.release_id}. {shown(item.label, None)}")
        click.echo(f"   approved by {item.approved_by} on {long_date(item.approved_at)}")
    click.echo(f"{counted(len(found), 'item')} of the accountability record approved for publication"
               + (f"; the newest {limit} listed (--limit 0 lists every one)." if limit and len(found) > limit else "."))


@main.command()
@click.argument("approval", metavar="APPROVAL")
@click.option("--reason", required=True, metavar="TEXT", help="Why the approval is withdrawn (kept in the record).")
@db_option
@as_option
def unrelease(approval, reason, db, as_user):
    """Withdraw an approval of an item of the accountability record: the next publication no longer carries it
    (only {holders} role, pcc). APPROVAL is its number, as "pccdash released" lists it.

    \b
    Example:
      pccdash unrelease 3 --reason "The answer names a school" --as pcc@example.org
    """
    from .accountability.release import quoting
    from .accountability.release import released as approvals
    from .accountability.release import unrelease as withdraw_approval
    from .audit import cli_actor
    from .warehouse import connect

    reason = _given(reason, "reason for withdrawing the approval", "--reason TEXT")
    actor = cli_actor(as_user)
    with connect(db, create=False) as con:
        before = {r.release_id: r for r in approvals(con)}
        withdraw_approval(con, actor, approval, reason)
        after = approvals(con)
    gone = next((r for n, r in before.items() if n not in {a.release_id for a in after}), None)
    click.echo(f"Withdrew approval {approval}" + (f" ({shown(gone.label, None)})" if gone else "")
               + ": the next publication does not carry it.")
    if gone is not None:
        carried = quoting(after, gone)  # an approved answer or decision goes on publishing the question's words
        if carried:
            click.secho("Note: the question's words are still published with "
                        + ", ".join(f"approval {a.release_id} ({a.kind})" for a in carried)
                        + ', which quote it; withdraw those too ("pccdash unrelease N") to take the question off '
                          "the public page.", fg="yellow", err=True)


# ---------------------------------------------------------------- backing up and restoring


def published_option(f):
    return click.option("--published", "published", type=_Folder(), default=None,
                        envvar="PCCDASH_PUBLISHED_DIR", show_envvar=True,
                        help="The published folder. [default: var/published]")(f)


@main.command(name="backup")
@click.argument("dest", type=click.Path(path_type=Path))
@db_option
@published_option
@inbox_option
def backup_(dest, db, published, folder):
    """Back up everything the office holds into DEST, a new folder or a .tar / .tar.gz archive, while the
    dashboards and other commands go on.

    \b
    It holds, as they stood at one moment:
      the warehouse and its police.uk records       (PCCDASH_DB; the readers' copy is made again on restore)
      the file store beside it                      (the returns as received, answers' documents, packs)
      the Data Docs beside it, if built
      the published folder                          (PCCDASH_PUBLISHED_DIR: every snapshot, which is in force)
      the public's questions                        (PCCDASH_INBOX_DIR, imported or not)
      the office's own reference files, contracts   (when PCCDASH_REFERENCE_DIR, PCCDASH_CONTRACTS_DIR are set)

    While the warehouse is copied no change can be saved: a command waits for the backup (up to 2 minutes), a
    page for 10 s. The backup appears under DEST only when complete: a backup stopped part way leaves at most a
    hidden ".DEST.partial-..." beside it, which "pccdash restore" refuses (delete it). DEST must not exist yet
    (or be an empty folder). A folder is quickest to write and to look into; an archive is one file to copy
    off the machine (.tar.gz compressed, .tar not). .zip is not offered: it cannot keep the published folder's
    links. The backup holds the public's names and contacts: keep it as safe as the warehouse.

    \b
    Examples:
      pccdash backup /mnt/backups/pccdash-2026-11-21
      pccdash backup /mnt/backups/pccdash-$(date +%F).tar.gz
      pccdash restore /mnt/backups/pccdash-2026-11-21.tar.gz      (on the other machine)
    """
    from .backup import Places, backup

    taken = backup(dest, Places.here(db, published, folder))
    for line in taken.sentences():
        click.echo(line)


@main.command(name="restore")
@click.argument("src", type=click.Path(path_type=Path))
@db_option
@published_option
@inbox_option
@click.option("--replace", is_flag=True,
              help="Restore over a warehouse or published folder that is already there: it is moved aside "
                   "(named .replaced-DATETIME), never deleted.")
def restore_(src, db, published, folder, replace):
    """Restore a backup "pccdash backup" wrote (a folder or a .tar / .tar.gz archive) to this machine.

    Everything goes where this machine's settings say: the warehouse to --db (PCCDASH_DB), the published
    folder to --published (PCCDASH_PUBLISHED_DIR), the public's questions to --inbox (PCCDASH_INBOX_DIR), the
    office's own reference files and contracts, if the backup holds them, to PCCDASH_REFERENCE_DIR and
    PCCDASH_CONTRACTS_DIR. Every file is checked against the backup's record first: a backup cut short,
    damaged, or made by a newer pccdash is refused before anything is written. A warehouse or published
    folder already there is not written over unless --replace. The restored warehouse is brought up to date,
    its readers' copy made, and the restore recorded in its audit trail.

    All or nothing: every part is copied beside its place before anything is changed, then renamed into place.
    A restore stopped part way (a power cut) is finished by the next command, or by running it again; one
    stopped while still copying is undone, and everything is as it was.

    \b
    Examples:
      pccdash restore /mnt/backups/pccdash-2026-11-21.tar.gz
      pccdash restore /mnt/backups/pccdash-2026-11-21 --db var/pccdash.duckdb --published var/published
      pccdash restore /mnt/backups/pccdash-2026-11-21.tar.gz --replace
    """
    from .backup import Places, restore

    done = restore(src, Places.here(db, published, folder), replace=replace)
    for line in done.sentences:
        click.echo(line)

if __name__ == "__main__":  # pragma: no cover
    main()
