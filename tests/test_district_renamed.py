"""A district renamed in force.yaml while the warehouse keeps its figures under the former name."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil

import pandas as pd
import pytest

from pipelines.catalogue import REFERENCE_DIR
from pipelines.errors import ConfigError
from pipelines.publish.snapshot import _districts_as_named


def _reference(tmp_path, monkeypatch, aliases: str) -> None:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / "force.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  - name: Sheffield\n    aliases: []"
    assert old in text
    path.write_text(text.replace(old, f"  - name: Sheffield City\n    aliases: {aliases}"), encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))


def _figures(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "district", "measure", "value"])


def test_former_name_kept_as_alias_is_published_under_the_new_name(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch, "[Sheffield]")
    out = _districts_as_named(_figures(("2026-03", "Sheffield", "cse_arrests", 11),
                                       ("2026-04", "Sheffield City", "cse_arrests", 9),
                                       ("2026-03", "Barnsley", "cse_arrests", 6)))
    assert set(out["district"]) == {"Sheffield City", "Barnsley"}
    assert len(out) == 3


def test_former_name_dropped_is_a_sentence_naming_the_fix(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch, "[]")
    with pytest.raises(ConfigError) as err:
        _districts_as_named(_figures(("2026-03", "Sheffield", "cse_arrests", 11)))
    message = str(err.value)
    assert message.startswith("force.yaml")
    assert '"Sheffield"' in message and "aliases: [Sheffield]" in message
    assert 'the warehouse holds 1 approved figure for "Sheffield", which' in message, message
    with pytest.raises(ConfigError, match='the warehouse holds 2 approved figures for "Sheffield", which'):
        _districts_as_named(_figures(("2026-03", "Sheffield", "cse_arrests", 11),
                                     ("2026-04", "Sheffield", "cse_arrests", 9)))


def test_one_month_under_both_names_is_refused(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch, "[Sheffield]")
    with pytest.raises(ConfigError, match="merging districts is not supported"):
        _districts_as_named(_figures(("2026-03", "Sheffield", "cse_arrests", 11),
                                     ("2026-03", "Sheffield City", "cse_arrests", 12)))


def _renamed_in_force_yaml(ref) -> None:
    path = ref / "force.yaml"
    text = path.read_text(encoding="utf-8")
    renamed = "  - name: Sheffield City\n    aliases: [Sheffield]"
    path.write_text(text.replace("  - name: Sheffield\n    aliases: []", renamed), encoding="utf-8")
    for name, old, new in (("police_uk.yaml", "district: Sheffield}", "district: Sheffield City}"),
                           ("public_info.yaml", "    Sheffield:\n", "    Sheffield City:\n")):
        p = ref / name
        p.write_text(p.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_month_held_under_the_former_name_resent_under_the_new_one_is_revised_not_doubled(ref, con, tmp_path):
    from helpers import write_csv

    from pipelines.figures import plan_figures
    from pipelines.ingest import ingest
    from pipelines.ingest.preview import preview
    from pipelines.plan import PlanAnalytics

    header = "period,district,measure,value\n"
    first = write_csv(tmp_path / "2026-06.csv", header + "".join(
        f"2026-06,{d},cse_arrests,{n}\n" for d, n in (("Barnsley", 5), ("Doncaster", 4), ("Rotherham", 13),
                                                       ("Sheffield", 9))))
    assert ingest(con, [first]).ok
    _renamed_in_force_yaml(ref)
    correction = write_csv(tmp_path / "2026-06-correction.csv", header + "2026-06,Sheffield City,cse_arrests,10\n")
    looked = preview(con, [correction])[0]
    assert (looked.new, looked.revised) == (0, 1)
    outcome = ingest(con, [correction]).files[0]
    assert (outcome.new, outcome.revised, outcome.unchanged) == (0, 1, 0)
    held = con.execute("SELECT district, value, revision FROM figure WHERE district LIKE 'Sheffield%'").fetchall()
    assert held == [("Sheffield", 10.0, 2)]
    figures = plan_figures(con)
    analytics = PlanAnalytics(figures)  # one figure for Sheffield City in June, not two
    assert figures.query("measure == 'cse_arrests'")["value"].sum() == 32
    assert analytics is not None


def test_figures_of_a_renamed_district_include_the_months_held_under_its_former_name(ref, db, tmp_path, run_cli):
    import io

    from helpers import write_csv

    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2026-07.csv", header + "2026-07,Sheffield,cse_arrests,10\n2026-07,Barnsley,cse_arrests,3\n")
    assert run_cli("ingest", tmp_path / "2026-07.csv", "--db", db).exit_code == 0
    _renamed_in_force_yaml(ref)
    write_csv(tmp_path / "2026-08.csv", header + "2026-08,Sheffield City,cse_arrests,9\n")
    assert run_cli("ingest", tmp_path / "2026-08.csv", "--db", db).exit_code == 0
    for name in ("Sheffield City", "Sheffield"):
        out = run_cli("figures", "--district", name, "--format", "csv", "--db", db).stdout
        shown = pd.read_csv(io.StringIO(out))
        assert shown[["period", "value"]].values.tolist() == [["2026-07", 10], ["2026-08", 9]], name


def test_figures_of_a_renamed_district_are_listed_under_its_name_now_in_one_group(ref, db, tmp_path, run_cli):
    """Regression: "pccdash figures" after a rename listed the months held under the former name as one district
    and the later ones as another, apart in the table, as if two districts had each sent half the months."""
    import io

    from helpers import write_csv

    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2026-07.csv", header + "".join(
        f"2026-07,{d},cse_arrests,{n}\n" for d, n in (("Barnsley", 3), ("Rotherham", 4), ("Sheffield", 10))))
    assert run_cli("ingest", tmp_path / "2026-07.csv", "--db", db).exit_code == 0
    _renamed_in_force_yaml(ref)
    write_csv(tmp_path / "2026-08.csv", header + "2026-08,Sheffield City,cse_arrests,9\n"
              "2026-08,Barnsley,cse_arrests,2\n")
    assert run_cli("ingest", tmp_path / "2026-08.csv", "--db", db).exit_code == 0
    out = run_cli("figures", "--measure", "cse_arrests", "--from", "2026-07", "--to", "2026-08", "--db", db)
    assert out.exit_code == 0, out.output
    lines = [line.split() for line in out.stdout.splitlines()[1:] if line[:4] == "2026"]
    named = [(cells[0], " ".join(cells[1:cells.index("cse_arrests")])) for cells in lines]
    assert named == [("2026-07", "Barnsley"), ("2026-08", "Barnsley"), ("2026-07", "Rotherham"),
                     ("2026-07", "Sheffield City"), ("2026-08", "Sheffield City")], out.stdout
    assert ("Sheffield City's figures for July 2026 were sent under its former name, Sheffield, and are held under "
            "it") in out.stdout
    csv = pd.read_csv(io.StringIO(run_cli("figures", "--measure", "cse_arrests", "--format", "csv", "--db",
                                          db).stdout))
    assert set(csv["district"]) == {"Barnsley", "Rotherham", "Sheffield City"}
    history = run_cli("figures", "--history", "--district", "Sheffield", "--db", db)
    table = history.stdout.split("\n\n")[0]
    assert "Sheffield City" in table and not re.search(r"Sheffield(?! City)", table), table


def _acting_from_the_command_line(ref) -> None:
    import yaml

    from pipelines.audit import os_account

    access = yaml.safe_load((ref / "access.yaml").read_text(encoding="utf-8"))
    access["command_line"] = {os_account(): ["pcc@example.org", "analyst@example.org"]}
    (ref / "access.yaml").write_text(yaml.safe_dump(access, sort_keys=False), encoding="utf-8")


def _july_then_renamed(ref, db, tmp_path, run_cli) -> None:
    from helpers import write_csv

    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2026-07.csv", header + "".join(
        f"2026-07,{d},{m},{n}\n" for d, n in (("Barnsley", 5), ("Doncaster", 4), ("Rotherham", 13), ("Sheffield", 9))
        for m in ("cse_arrests", "cse_charges")))
    assert run_cli("ingest", tmp_path / "2026-07.csv", "--db", db).exit_code == 0
    _acting_from_the_command_line(ref)
    _renamed_in_force_yaml(ref)


def test_a_flag_under_either_name_follows_the_figure_held_under_the_former_name(ref, db, tmp_path, run_cli):
    from pipelines import warehouse
    from pipelines.flags import caveats

    _july_then_renamed(ref, db, tmp_path, run_cli)
    for name, measure in (("Sheffield City", "cse_arrests"), ("Sheffield", "cse_charges")):
        out = run_cli("flags", "raise", "--month", "2026-07", "--district", name, "--measure", measure,
                      "--reason", f"doubtful {measure}", "--as", "analyst@example.org", "--db", db)
        assert out.exit_code == 0, out.output
        assert "Sheffield City's" in out.stdout
    for name in ("Sheffield", "Sheffield City", "sheffield"):
        listed = run_cli("flags", "--district", name, "--db", db)
        assert listed.exit_code == 0, listed.output
        assert "doubtful cse_arrests" in listed.stdout and "doubtful cse_charges" in listed.stdout, name
    with warehouse.connect_read_only(db) as con:
        cav = caveats(con)
    flags = cav[cav["kind"] == "flag"]
    assert sorted(zip(flags["district"], flags["measure"], strict=True)) == [
        ("Sheffield City", "cse_arrests"), ("Sheffield City", "cse_charges")]
    shown = run_cli("figures", "--district", "Sheffield City", "--format", "csv", "--db", db).stdout
    shown = pd.read_csv(io.StringIO(shown)).set_index("measure")
    assert shown.loc["cse_arrests", "open_flags"] == ("#1: Sheffield City's CSE arrests in July 2026: doubtful "
                                                      "cse_arrests")
    plan = run_cli("plan", "--month", "2026-07", "--district", "Sheffield City", "--db", db)
    assert plan.exit_code == 0, plan.output
    assert "doubtful cse_arrests" in plan.stdout and "doubtful cse_charges" in plan.stdout


def test_a_flag_raised_before_the_rename_stays_on_its_figure(ref, db, tmp_path, run_cli):
    from helpers import write_csv

    from pipelines import warehouse
    from pipelines.flags import caveats

    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2026-07.csv", header + "2026-07,Sheffield,cse_arrests,9\n")
    assert run_cli("ingest", tmp_path / "2026-07.csv", "--db", db).exit_code == 0
    _acting_from_the_command_line(ref)
    out = run_cli("flags", "raise", "--month", "2026-07", "--district", "Sheffield", "--reason", "late",
                  "--as", "analyst@example.org", "--db", db)
    assert out.exit_code == 0, out.output
    _renamed_in_force_yaml(ref)
    with warehouse.connect_read_only(db) as con:
        cav = caveats(con)
    assert cav[["district", "measure", "kind"]].values.tolist() == [["Sheffield City", "cse_arrests", "flag"]]
    assert "Every measure for Sheffield City in July 2026: late" in run_cli("flags", "--db", db).stdout


def test_a_month_held_under_the_former_name_is_approved_and_published_as_the_district_it_now_is(
        ref, db, tmp_path, run_cli, monkeypatch):
    from pipelines import warehouse
    from pipelines.publish.approval import missing_districts

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    _july_then_renamed(ref, db, tmp_path, run_cli)
    with warehouse.connect_read_only(db) as con:
        assert missing_districts(con, dt.date(2026, 7, 1)) == []  # not "CSE arrests has no figure for Sheffield City"
    out = run_cli("flags", "raise", "--month", "2026-07", "--district", "Sheffield City", "--measure", "cse_arrests",
                  "--reason", "doubtful", "--as", "analyst@example.org", "--db", db)
    assert out.exit_code == 0, out.output
    out = run_cli("approve", "2026-07", "--as", "pcc@example.org", "--db", db)
    assert out.exit_code == 0, out.output
    out = run_cli("publish", "--yes", "--as", "pcc@example.org", "--db", db)
    assert out.exit_code == 0, out.output
    import duckdb

    snapshot = sorted((tmp_path / "published").glob("snapshot-*.duckdb"))[-1]
    with duckdb.connect(str(snapshot), read_only=True) as public:
        areas = {a for (a,) in public.execute("SELECT DISTINCT area FROM figure").fetchall()}
        flagged = public.execute("SELECT measure, area FROM caveat WHERE area = 'Sheffield City'").fetchall()
    assert "Sheffield City" in areas and "Sheffield" not in areas
    assert flagged == [("cse_arrests", "Sheffield City")]


MERGED = "merging districts is not supported, so keep them as separate districts in force.yaml"


def _merged_in_force_yaml(ref) -> None:
    path = ref / "force.yaml"
    text = path.read_text(encoding="utf-8")
    two = "  - name: Barnsley\n    aliases: []\n  - name: Doncaster\n    aliases: []\n"
    assert two in text
    path.write_text(text.replace(two, "  - name: Barnsley and Doncaster\n    aliases: [Barnsley, Doncaster]\n"),
                    encoding="utf-8")


def test_two_districts_merged_in_force_yaml_are_told_as_not_supported_everywhere(ref, db, tmp_path, run_cli):
    from helpers import write_csv

    from pipelines import warehouse

    _july_then_renamed(ref, db, tmp_path, run_cli)
    _merged_in_force_yaml(ref)
    checked = run_cli("check", "--db", db)
    assert checked.exit_code == 1
    told = checked.stderr
    assert 'force.yaml", line ' in told and '"Barnsley" and for "Doncaster" in the same month' in told
    assert '"Barnsley and Doncaster": ' + MERGED in told
    population = next(line for line in told.splitlines() if "population.csv" in line)
    assert MERGED in population and "listed twice" not in population
    plan = run_cli("plan", "--db", db)
    assert plan.exit_code == 1 and MERGED in plan.output and "pass the current figure only" not in plan.output
    approve = run_cli("approve", "2026-07", "--as", "pcc@example.org", "--db", db)
    assert approve.exit_code == 1 and MERGED in approve.output and "has no figure" not in approve.output
    # a figure sent under the merged name revises neither district's
    write_csv(tmp_path / "merged.csv", "period,district,measure,value\n2026-07,Barnsley and Doncaster,cse_arrests,9\n")
    loaded = run_cli("ingest", tmp_path / "merged.csv", "--db", db)
    assert loaded.exit_code == 1 and MERGED in loaded.output
    with warehouse.connect_read_only(db) as con:
        held = con.execute("SELECT district, value FROM figure WHERE measure = 'cse_arrests' AND district IN "
                           "('Barnsley', 'Doncaster', 'Barnsley and Doncaster') ORDER BY 1").fetchall()
    assert held == [("Barnsley", 5.0), ("Doncaster", 4.0)]
    # with the districts kept apart, every reference file is correct again
    (ref / "force.yaml").write_text((ref / "force.yaml").read_text(encoding="utf-8").replace(
        "  - name: Barnsley and Doncaster\n    aliases: [Barnsley, Doncaster]\n",
        "  - name: Barnsley\n    aliases: []\n  - name: Doncaster\n    aliases: []\n"), encoding="utf-8")
    assert run_cli("check", "--db", db).exit_code == 0


def test_reference_files_still_naming_the_former_name_say_to_write_the_new_one_naming_each_file_once(ref, run_cli):
    path = ref / "force.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - name: Sheffield\n    aliases: []",
                                                             "  - name: Sheffield City\n    aliases: [Sheffield]"),
                    encoding="utf-8")
    checked = run_cli("check")
    assert checked.exit_code == 1
    problems = [line for line in checked.stderr.splitlines() if line.startswith("Problem: ")]
    said = {name: next(line for line in problems if f'{name}", line ' in line)
            for name in ("police_uk.yaml", "public_info.yaml")}
    for line in said.values():
        assert 'is a former name of "Sheffield City"' in line and 'write "Sheffield City"' in line, line
        assert "is not a district" not in line
    for line in problems:  # the file's path once, then where in it and what is wrong
        assert line.count(str(ref)) == 1, line


def test_a_return_under_the_new_name_is_compared_with_the_months_held_under_the_former_name(ref, db, tmp_path,
                                                                                          run_cli):
    from helpers import write_csv

    from pipelines import warehouse

    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2025-07.csv", header + "2025-07,Sheffield,cce_referrals,5\n")
    write_csv(tmp_path / "2026-06.csv", header + "2026-06,Sheffield,cse_arrests,9\n")
    for name in ("2025-07.csv", "2026-06.csv"):
        assert run_cli("ingest", tmp_path / name, "--db", db).exit_code == 0
    _renamed_in_force_yaml(ref)
    write_csv(tmp_path / "2026-07.csv", header + "2026-07,Sheffield City,cse_arrests,90\n"
                                                 "2026-07,Sheffield City,cce_referrals,80\n")
    assert run_cli("ingest", tmp_path / "2026-07.csv", "--db", db).exit_code == 0
    with warehouse.connect_read_only(db) as con:
        found = con.execute("SELECT measure, rule_id, message FROM figure_caveat WHERE ended_at IS NULL "
                            "AND district = 'Sheffield City' ORDER BY 1").fetchall()
    rules = {(m, r) for m, r, _ in found}
    assert ("cse_arrests", "month_on_month_change") in rules, found  # 90 from 9 in June, held as "Sheffield"
    assert ("cce_referrals", "cce_referrals_same_month_last_year") in rules, found  # 80 from 5 a year before


def test_a_district_renamed_without_its_former_name_kept_is_named_by_check(ref, db, tmp_path, run_cli):
    """Regression: "pccdash check" said every file was correct when force.yaml renamed a district the warehouse holds
    figures for without keeping its former name among the aliases (West Midlands' "Birmingham East" written "Birmingham
    East and Solihull"), though "pccdash plan" then stopped on those figures and the pages lost the district's
    history."""
    _july_then_renamed(ref, db, tmp_path, run_cli)
    assert run_cli("check", "--db", db).exit_code == 0  # the former name kept: correct
    path = ref / "force.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aliases: [Sheffield]", "aliases: []"), encoding="utf-8")
    checked = run_cli("check", "--db", db)
    assert checked.exit_code == 1
    assert ('force.yaml", line ' in checked.stderr and 'The warehouse holds figures for "Sheffield", which force.yaml '
            "no longer names: a renamed district keeps its former name among the new name's aliases (aliases: "
            "[Sheffield])") in checked.stderr, checked.stderr


def test_what_a_snapshot_published_under_the_former_name_showed_is_known_to_disclosure_control_under_the_new_one(
        ref, db, tmp_path, run_cli, monkeypatch):
    """A district's figures published before its rename are the same figures to a reader of the next publication:
    disclosure control counts them known under the district's new name, or it would hide again what the public
    already has and choose the cells that protect a small count without them (Doncaster's July and August
    published, then City of Doncaster's quarter, gave away its September)."""
    from helpers import write_csv

    from pipelines.publish.snapshot import earlier_public, hidden_before

    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2026-07.csv", header + "".join(
        f"2026-07,{d},{m},{n}\n" for d, n in (("Barnsley", 5), ("Doncaster", 14), ("Rotherham", 13), ("Sheffield", 2))
        for m in ("cse_arrests", "cse_referrals")))
    assert run_cli("ingest", tmp_path / "2026-07.csv", "--db", db).exit_code == 0
    _acting_from_the_command_line(ref)
    assert run_cli("approve", "2026-07", "--as", "pcc@example.org", "--db", db).exit_code == 0
    out = run_cli("publish", "--yes", "--as", "pcc@example.org", "--db", db)
    assert out.exit_code == 0, out.output
    shown_before = earlier_public(folder)
    assert ("cse_arrests", "Rotherham", "2026-07", 13) in {
        (m, a, p, v) for m, a, p, v in shown_before[["measure", "area", "period", "value"]].itertuples(index=False)}
    assert ("cse_arrests", "Sheffield", "2026-07") in hidden_before(folder)
    _renamed_in_force_yaml(ref)
    shown = earlier_public(folder)
    assert "Sheffield" not in set(shown["area"])
    assert len(shown) == len(shown_before)
    hidden = hidden_before(folder)
    assert ("cse_arrests", "Sheffield City", "2026-07") in hidden
    assert not any(area == "Sheffield" for _, area, _ in hidden)


def test_a_month_held_under_the_former_name_is_traced_to_its_row_under_the_new_one(ref, db, tmp_path, run_cli,
                                                                                  monkeypatch):
    """Provenance of a renamed district's month sent before the rename: its row, its revisions, and the force's figure
    adding it up (the force's April traced as 25 of three districts, Sheffield City missing, where it is 36)."""
    from dashboard_helpers import ANALYST, internal, texts
    from helpers import write_csv

    from pipelines import warehouse
    from pipelines.lineage import lineage, run_lineage

    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2026-04.csv", header + "".join(
        f"2026-04,{d},cse_arrests,{n}\n" for d, n in (("Barnsley", 6), ("Doncaster", 9), ("Rotherham", 10),
                                                       ("Sheffield", 10))))
    write_csv(tmp_path / "2026-04-correction.csv", header + "2026-04,Sheffield,cse_arrests,11\n")
    assert run_cli("ingest", tmp_path / "2026-04.csv", tmp_path / "2026-04-correction.csv", "--db", db).exit_code == 0
    _renamed_in_force_yaml(ref)
    with warehouse.connect_read_only(db) as con:
        own = lineage(con, "cse_arrests", "Sheffield City", "2026-04")
        assert [(s.area, s.value, s.file, s.row) for s in own.sources] == [
            ("Sheffield City", 11.0, "2026-04-correction.csv", 2)]
        assert own.revisions[["area", "value", "file", "row"]].values.tolist() == [
            ["Sheffield City", 10.0, "2026-04.csv", 5]]
        whole = lineage(con, "cse_arrests", "South Yorkshire", "2026-04")
        assert (whole.value, whole.missing) == (36.0, ())
        assert run_lineage(con, "cse_arrests", "Sheffield City", "2026-04", "2026-04").value == 11.0
    at = internal(monkeypatch, db, "internal_pages/provenance.py", ANALYST)
    at.query_params.update({"measure": "cse_arrests", "area": "Sheffield City", "month": "2026-04"})
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "No figure" not in shown
    assert 'Revision 2, from file "2026-04-correction.csv", row 2' in shown
    assert at.dataframe[0].value["Value"].tolist() == ["11", "10"]


def test_the_accepted_figures_held_under_the_former_name_pass_the_contract_run_again(ref, db, tmp_path, run_cli):
    """`pccdash validate` over the accepted figures after a rename: every month held under the former name was an
    error, "Sheffield" is not a district of the force, and the run FAILED."""
    from helpers import write_csv

    header = "period,district,measure,value\n"
    write_csv(tmp_path / "2026-07.csv", header + "".join(
        f"2026-07,{d},cse_arrests,{n}\n" for d, n in (("Barnsley", 5), ("Doncaster", 4), ("Rotherham", 13),
                                                       ("Sheffield", 9))))
    assert run_cli("ingest", tmp_path / "2026-07.csv", "--db", db).exit_code == 0
    _renamed_in_force_yaml(ref)
    write_csv(tmp_path / "2026-08.csv", header + "".join(
        f"2026-08,{d},cse_arrests,{n}\n" for d, n in (("Barnsley", 6), ("Doncaster", 4), ("Rotherham", 12),
                                                       ("Sheffield City", 10))))
    assert run_cli("ingest", tmp_path / "2026-08.csv", "--db", db).exit_code == 0
    out = run_cli("validate", "--db", db)
    assert out.exit_code == 0, out.stdout
    assert "is not a district of the force" not in out.stdout and "district_known" not in out.stdout
    assert "passed" in out.stdout.splitlines()[0]
