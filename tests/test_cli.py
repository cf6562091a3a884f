"""Every pccdash command has help with an example; figures filter, format and find the warehouse as documented."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from helpers import write_csv

from pipelines.cli import main

HEADER = "period,district,measure,value\n"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(run_cli, command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"pccdash {command}" in result.stdout


def test_an_example_writing_a_months_file_asks_for_that_month(run_cli):
    """Regression: `pccdash plan --format csv > plan-2015-07.csv` wrote the latest month's statuses into a file
    named for July 2015, as the example gave no --month."""
    import re

    def helps(group, words):
        for name, command in group.commands.items():
            yield words + [name], run_cli(*words, name, "--help").stdout
            if hasattr(command, "commands"):
                yield from helps(command, words + [name])

    for words, text in helps(main, []):
        for line in text.splitlines():
            written = re.search(r">\s*\S*?(\d{4}-\d{2})\S*", line)
            if written and "pccdash" in line:
                assert written.group(1) in line.split(">")[0], f"pccdash {' '.join(words)}: {line.strip()}"


def help_examples(text: str) -> list[str]:
    """The command lines a help text gives as examples, each whole (a line ended by "\\" joined to the next), with
    what follows them after two spaces or more (a comment) or a ">" (where the output goes) left off."""
    import re

    lines, found = text.splitlines(), []
    for i, line in enumerate(lines):
        if not line.strip().startswith("pccdash ") or (i and lines[i - 1].rstrip().endswith("\\")):
            continue
        whole = line.strip()
        while whole.endswith("\\") and i + 1 < len(lines):
            i += 1
            whole = whole[:-1].rstrip() + " " + lines[i].strip()
        for part in re.split(r"\s*&&\s*", whole):
            found.append(re.split(r"\s{2,}", part)[0].split(" > ")[0].strip())
    return found


def test_every_help_example_is_a_command_line_its_command_takes():
    """Each example in every command's help names options that command has, with their values, and its arguments
    in an order it takes: an example with a flag renamed or gone, or its arguments the wrong way round, is caught
    here before a person copies it and is told it is wrong."""
    import shlex

    import click
    from click.testing import CliRunner

    def commands(group, words):
        yield words, group
        for name, command in getattr(group, "commands", {}).items():
            yield from commands(command, words + [name])

    checked = 0
    for words, _ in commands(main, []):
        text = CliRunner().invoke(main, [*words, "--help"], prog_name="pccdash").stdout
        for example in help_examples(text):
            args = shlex.split(example.replace("$(date +%F)", "2026-11-21"))[1:]
            command, said = main, []
            while hasattr(command, "commands") and args and args[0] in command.commands:
                said.append(args[0])
                command = command.commands[args.pop(0)]
            try:
                command.make_context(" ".join(["pccdash", *said]), args)
            except click.UsageError as exc:
                missing_file = (isinstance(exc, click.BadParameter) and isinstance(exc.param.type, click.Path)
                                and "does not exist" in exc.format_message())  # not on this machine: a placeholder
                if not missing_file:
                    raise AssertionError(f"pccdash {' '.join(words)} --help: {example}: {exc.format_message()}") \
                        from None
            checked += 1
    assert checked > 100


def test_every_help_says_example_or_examples_as_it_gives_one_or_more():
    """Regression: "pccdash datadocs --help" headed its two examples "Example:", and "pccdash files get --help" its one
    "Examples:"."""
    from click.testing import CliRunner

    def commands(group, words):
        yield words
        for name, command in getattr(group, "commands", {}).items():
            yield from commands(command, words + [name])

    for words in commands(main, []):
        text = CliRunner().invoke(main, [*words, "--help"], prog_name="pccdash").stdout
        for heading in ("Example:", "Examples:"):
            if f"\n  {heading}\n" in text:
                given = text.split(f"\n  {heading}\n")[1].split("\n\n")[0].splitlines()
                lines = [line for line in given if line.strip().startswith("pccdash ")]
                assert (len(lines) > 1) == (heading == "Examples:"), f"pccdash {' '.join(words)}: {heading} {lines}"


def test_every_usage_line_is_whole():
    """Regression: "pccdash release --help" spelt its choices out in the usage line, which broke one of them across two
    lines ("{question|answer|decision|rec" / "ommendation}"); the choices are said in words below it instead."""
    from click.testing import CliRunner

    def help_of(*words):  # as a person's 80-column terminal shows it, under the command's own name
        return CliRunner().invoke(main, [*words, "--help"], prog_name="pccdash", terminal_width=80).stdout

    def usages(group, words):
        for name, command in group.commands.items():
            text = help_of(*words, name)
            yield words + [name], text.split("\n\n")[0]
            if hasattr(command, "commands"):
                yield from usages(command, words + [name])

    for words, usage in usages(main, []):
        assert "\n" not in usage.strip(), f"pccdash {' '.join(words)}: {usage}"
    release = help_of("release")
    assert release.startswith("Usage: pccdash release [OPTIONS] KIND ID")
    assert "KIND is question, answer, decision, withdrawal or recommendation." in " ".join(release.split())


def test_every_option_a_setting_gives_names_the_setting_in_its_help(run_cli):
    """Regression: "pccdash publish --help" and "pccdash withdraw --help" gave --out's default, var/published, and not
    that PCCDASH_PUBLISHED_DIR sets it, which they read: an office that had set it for the apps read that publishing
    wrote to var/published."""
    def options(group, words):
        for name, command in group.commands.items():
            yield words + [name], command
            if hasattr(command, "commands"):
                yield from options(command, words + [name])

    for words, command in options(main, []):
        settings = [p.envvar for p in command.params if getattr(p, "envvar", None)]
        if settings:
            text = " ".join(run_cli(*words, "--help").stdout.split())
            for envvar in settings:
                assert f"env var: {envvar}" in text, f"pccdash {' '.join(words)}: {envvar}"


@pytest.mark.parametrize("args", [("serve", "--app", "internal", "--port", "70000"),
                                  ("serve", "--app", "public", "--public-port", "70000"),
                                  ("serve", "--app", "public", "--provider-port", "0"),
                                  ("demo", "--port", "0")])
def test_a_port_no_server_can_listen_on_is_refused_before_anything_starts(db, run_cli, args):
    """Regression: "pccdash serve --port 70000" started the apps and printed Streamlit's own traceback
    ("OverflowError: bind(): port must be 0-65535"), and port 0 served on a port the command could not name."""
    result = run_cli(*args, "--db", db)
    assert result.exit_code == 2
    assert "is not in the range 1<=x<=65535" in result.stderr and "Traceback" not in result.output


@pytest.fixture
def small_db(db, tmp_path, run_cli):
    rows = [f"2015-{m:02d},{d},{meas},{v}" for m in range(1, 13)
            for d, v in (("Rotherham", m), ("Sheffield", 2 * m))
            for meas in ("cse_charges", "cse_live_investigations")]
    write_csv(tmp_path / "r.csv", HEADER + "\n".join(rows) + "\n")
    assert run_cli("ingest", tmp_path / "r.csv", "--db", db).exit_code == 0
    return db


def test_figures_filters_by_measure_district_and_months(small_db, run_cli):
    out = run_cli("figures", "--db", small_db, "--measure", "cse_charges", "--district", "rotherham",
                  "--from", "2015-03", "--to", "2015-05", "--format", "csv").stdout
    df = pd.read_csv(io.StringIO(out))
    assert df[["period", "district", "value"]].values.tolist() == [
        ["2015-03", "Rotherham", 3], ["2015-04", "Rotherham", 4], ["2015-05", "Rotherham", 5]]
    assert set(df.columns) >= {"source_file", "source_row", "revision"}


def test_figures_table_sums_flows_and_takes_stocks_at_the_end(small_db, run_cli):
    out = run_cli("figures", "--db", small_db, "--district", "Rotherham", "--from", "2015-01", "--to", "2015-12").stdout
    assert "cse_charges: 78 people in total over 12 months." in out
    assert "cse_live_investigations: 12 investigations at the end of 2015-12" in out


def test_figures_totals_say_one_of_a_unit_and_one_month_in_the_singular(small_db, run_cli):
    """Regression: one month's total read "1 people in total over 1 month(s)"."""
    out = run_cli("figures", "--db", small_db, "--district", "Rotherham", "--from", "2015-01", "--to", "2015-01").stdout
    assert "cse_charges: 1 person in total over 1 month." in out
    assert "cse_live_investigations: 1 investigation at the end of 2015-01" in out
    two = run_cli("figures", "--db", small_db, "--district", "Rotherham", "--from", "2015-01", "--to", "2015-02").stdout
    assert "cse_charges: 3 people in total over 2 months." in two
    assert "(s)" not in out + two


def test_figures_carry_their_open_flags(small_db, run_cli):
    """A flagged figure is not printed bare: the table numbers its open flags and says them after the totals,
    the CSV carries them in words; a resolved flag is gone."""
    from dashboard_helpers import ANALYST

    from pipelines import warehouse
    from pipelines.flags import raise_flag, resolve_flag

    with warehouse.connect(small_db) as con:
        number = raise_flag(con, ANALYST, scope="figure", reason="Two charges counted twice.", period="2015-03",
                            district="Rotherham", measure="cse_charges")
    args = ("figures", "--db", small_db, "--measure", "cse_charges", "--from", "2015-03", "--to", "2015-03")
    out = run_cli(*args).stdout
    assert f"#{number}: Rotherham's CSE charges in March 2015: Two charges counted twice." in out
    df = pd.read_csv(io.StringIO(run_cli(*args, "--format", "csv").stdout)).set_index("district")
    assert "Two charges counted twice." in df.loc["Rotherham", "open_flags"]
    assert pd.isna(df.loc["Sheffield", "open_flags"])
    with warehouse.connect(small_db) as con:
        resolve_flag(con, ANALYST, number, "Checked: correct.")
    assert "Two charges counted twice." not in run_cli(*args).stdout


def test_the_warehouse_comes_from_the_environment_when_no_option_is_given(small_db, run_cli):
    out = run_cli("figures", "--format", "csv", env={"PCCDASH_DB": str(small_db)}).stdout
    assert len(pd.read_csv(io.StringIO(out))) == 48


@pytest.mark.parametrize("args,words", [
    (("--from", "2015-7"), '--from "2015-7" is not a month'),
    (("--to", "July"), '--to "July" is not a month'),
    (("--measure", "arrests_typo"), '--measure "arrests_typo" is not in the measure catalogue'),
    (("--district", "Leeds"), '--district "Leeds" is not a district'),
    (("--from", "2015-08", "--to", "2015-07"),
     "--from 2015-08 is after --to 2015-07: swap them, so that --from gives the first month."),
])
def test_bad_filters_are_explained(small_db, run_cli, args, words):
    result = run_cli("figures", "--db", small_db, *args)
    assert result.exit_code == 1
    assert words in result.stderr


@pytest.mark.parametrize("command", ["figures", "validate"])
@pytest.mark.parametrize("measure", ["police_uk_charged", "Burglaries (police.uk)"])
def test_a_police_uk_measure_is_said_to_be_context_shown_elsewhere(small_db, run_cli, command, measure):
    """A police.uk measure is in the catalogue: these commands read the force's own figures, and said it was not in
    the catalogue at all, leaving the analyst to think the measure's name was wrong."""
    result = run_cli(command, "--db", small_db, "--measure", measure)
    assert result.exit_code == 1
    assert "is not in the measure catalogue" not in result.stderr
    assert f'--measure "{measure}" is a police.uk context measure' in result.stderr
    assert 'are on the internal app\'s "police.uk context" page' in result.stderr


def test_figures_on_a_missing_warehouse_says_how_to_make_one(tmp_path, run_cli):
    result = run_cli("figures", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1
    assert 'Run "pccdash init" or "pccdash demo" first.' in result.stderr


@pytest.mark.parametrize("args", [
    ("validate",),
    ("datadocs",),
    ("approve", "2015-07", "--as", "pcc@example.org"),
    ("withdraw", "--reason", "Counted twice", "--yes", "--as", "pcc@example.org"),
])
def test_a_command_on_a_missing_warehouse_says_so_and_makes_no_empty_one(tmp_path, run_cli, monkeypatch, args):
    """A mistyped --db made an empty warehouse there, then said its figures passed the contract (0 rows), that
    nothing was loaded, that July had no figures to approve, or that nothing was published."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    result = run_cli(*args, "--db", tmp_path / "typo" / "none.duckdb")
    assert result.exit_code == 1
    assert f'There is no warehouse at "{tmp_path / "typo" / "none.duckdb"}"' in result.stderr
    assert 'Run "pccdash init" or "pccdash demo" first.' in result.stderr
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("args", [("periods",), ("ingest", "r.csv"), ("backup", "dest")])
def test_a_warehouse_given_as_a_folder_is_refused_saying_what_to_give(tmp_path, run_cli, args):
    folder = tmp_path / "warehouses"
    folder.mkdir()
    result = run_cli(*args, env={"PCCDASH_DB": str(folder)})
    assert result.exit_code == 2
    assert (f'"{folder}" is a folder, not a warehouse file. Give the path of the warehouse file, such as '
            f'"{folder / "pccdash.duckdb"}".') in " ".join(result.stderr.split())
    assert "Traceback" not in result.output and list(folder.iterdir()) == []


@pytest.mark.parametrize("args", [("files", "get", "1", "--out", "{file}"), ("pack", "--meeting", "2015-08-20",
                                   "--as", "analyst@example.org", "--out", "{file}"), ("datadocs", "--out", "{file}"),
                                   ("publish", "--yes", "--as", "pcc@example.org", "--out", "{file}")])
def test_a_folder_given_as_a_file_is_refused_saying_what_to_give(tmp_path, run_cli, args):
    file = tmp_path / "notes.txt"
    file.write_text("kept\n")
    result = run_cli(*(a.format(file=file) for a in args), "--db", tmp_path / "wh.duckdb")
    assert result.exit_code == 2
    assert (f'"{file}" is a file, not a folder. Give the path of a folder; the file is left as it is.'
            in " ".join(result.stderr.split()))
    assert "Traceback" not in result.output and file.read_text() == "kept\n"


def test_ingest_into_a_warehouse_path_where_there_is_none_says_it_made_one(tmp_path, run_cli):
    """A mistyped --db loaded the return into a new warehouse there, which no page reads, with no word of it."""
    path = tmp_path / "typo.duckdb"
    csv = write_csv(tmp_path / "r.csv", "period,district,measure,value\n2015-07,Rotherham,cse_arrests,4\n")
    first = run_cli("ingest", "--db", path, csv)
    assert first.exit_code == 0, first.output
    assert (f'Note: there was no warehouse at "{path.resolve()}", so a new one was made there. If the office\'s '
            "warehouse is elsewhere, give --db or set PCCDASH_DB.") in " ".join(first.stderr.split())
    more = write_csv(tmp_path / "s.csv", "period,district,measure,value\n2015-08,Rotherham,cse_arrests,5\n")
    again = run_cli("ingest", "--db", path, more)
    assert again.exit_code == 0 and "no warehouse" not in again.stderr


def test_init_creates_then_reports_up_to_date(db, run_cli):
    assert "was created" in run_cli("init", "--db", db).stdout
    assert "is up to date" in run_cli("init", "--db", db).stdout


def test_init_says_an_older_warehouse_was_upgraded_and_from_which_version(db, run_cli, monkeypatch, tmp_path):
    """Regression: an upgrade from an older schema was reported as "is up to date"."""
    from pipelines import warehouse

    latest = warehouse.migrations()[-1][0]
    older = tmp_path / "older"
    older.mkdir()
    for _version, _name, path in warehouse.migrations()[:10]:
        (older / path.name).write_text(path.read_text())
    with monkeypatch.context() as m:
        m.setattr(warehouse, "MIGRATIONS_DIR", older)
        with warehouse.connect(db):
            pass
    out = run_cli("init", "--db", db).stdout
    assert (f'Warehouse "{db}" was upgraded from schema version 10 to {latest} '
            f"(schema version {latest} of {latest}).") in out
    assert "is up to date" in run_cli("init", "--db", db).stdout


def test_init_on_a_file_that_is_not_a_warehouse_says_so_and_changes_nothing(db, run_cli):
    db.write_text("not a database\n")
    result = run_cli("init", "--db", db)
    assert result.exit_code == 1
    assert "is damaged, not a DuckDB database" in result.stderr and "Give --db (or PCCDASH_DB)" in result.stderr
    assert "Traceback" not in result.output and db.read_text() == "not a database\n"


def test_csv_export_neutralises_text_that_a_spreadsheet_would_run(db, tmp_path, run_cli):
    write_csv(tmp_path / "=cmd.csv", HEADER + "2015-07,Rotherham,cse_charges,3\n")
    run_cli("ingest", tmp_path / "=cmd.csv", "--db", db)
    out = run_cli("figures", "--db", db, "--format", "csv").stdout
    assert "'=cmd.csv" in out and ",=cmd.csv" not in out


def test_a_today_that_is_not_a_date_is_refused_by_name(tmp_path, run_cli, monkeypatch):
    monkeypatch.setenv("PCCDASH_TODAY", "21/11/2026")
    path = tmp_path / "r.csv"
    path.write_text("period,district,measure,value\n2015-07,Rotherham,cse_charges,3\n", encoding="utf-8")
    result = run_cli("ingest", path, "--db", tmp_path / "wh.duckdb")
    assert result.exit_code != 0 and 'PCCDASH_TODAY "21/11/2026" is not a date' in result.output


@pytest.mark.parametrize("env", ["PCCDASH_MAX_FILE_MB", "PCCDASH_MAX_XLSX_UNPACKED_MB"])
def test_a_setting_that_is_not_a_whole_number_is_named_in_a_sentence(tmp_path, run_cli, env):
    from pipelines.cli import SAMPLE_RETURNS

    result = run_cli("ingest", "--db", tmp_path / "wh.duckdb", SAMPLE_RETURNS / "2013-14-cse-return.xlsx",
                     env={env: "lots"})
    assert result.exit_code == 1
    assert f'{env} "lots" is not a whole number of 0 or more' in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("today", ["2026-11-21", "2031-01-31", "2040-12-31"])
def test_a_help_example_that_needs_a_day_to_come_gives_one_whenever_it_is_read(run_cli, monkeypatch, today):
    """Regression: `pccdash actions --help` gave "actions move 3 --to 2026-09-30", which a due date must be after
    the day it is moved on: once that day had passed, the example itself was refused."""
    import datetime as dt
    import re

    monkeypatch.setenv("PCCDASH_TODAY", today)
    for words in (["actions"], ["actions", "move"]):
        text = run_cli(*words, "--help").stdout
        days = re.findall(r"actions move \d+ --to (\d{4}-\d{2}-\d{2})", text)
        assert days, text
        for day in days:
            assert dt.date.fromisoformat(day) > dt.date.fromisoformat(today), f"pccdash {' '.join(words)}: {day}"
    monkeypatch.setenv("PCCDASH_TODAY", "not a date")  # the help still shows, with a day to come by the clock
    assert re.search(r"--to \d{4}-\d{2}-\d{2} --reason", run_cli("actions", "move", "--help").stdout)


def test_publishs_help_gives_an_example_of_the_number_a_restore_on_a_new_machine_asks_for(run_cli):
    """Regression: a warehouse restored into a new published folder is refused publication until "pccdash publish
    --after-snapshot NUMBER" gives the latest number the public has seen, as the restore and the refusal say, yet
    "pccdash publish --help" gave no example of it, nor said when it is needed."""
    text = run_cli("publish", "--help").stdout
    given = [e for e in help_examples(text) if "--after-snapshot" in e]
    assert given and all(e.split("--after-snapshot")[1].split()[0].isdigit() for e in given), text
    assert "restored into a new published folder, nothing is published" in " ".join(text.split()), text


def test_a_total_of_one_says_its_unit_of_one_however_many_words_the_unit_has():
    """Regression: "Officers trained" counts officers and staff; a total of one printed "1 officers and staff"."""
    from pipelines.cli import _counted

    assert _counted(1, "officers and staff") == "1 officer or member of staff"
    assert _counted(2, "officers and staff") == "2 officers and staff"
    assert [_counted(1, u) for u in ("people", "cases", "per cent")] == ["1 person", "1 case", "1 per cent"]
