"""`pccdash check` finds a broken reference file and names the file, the line and the fix; a corrected file is
read again without a restart."""

from __future__ import annotations

from pipelines.catalogue import catalogue
from pipelines.check import check_all, locate


def line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_the_bundled_reference_files_and_contracts_pass(run_cli):
    findings = check_all()
    assert findings and all(f.ok for f in findings), [f.message() for f in findings if not f.ok]
    names = {f.file.name for f in findings}
    assert {"force.yaml", "measures.yaml", "plan.yaml", "population.csv", "force_population.csv", "access.yaml",
            "force_cse_return.odcs.yaml"} <= names
    result = run_cli("check")
    assert result.exit_code == 0
    assert "reference files and contracts are correct" in result.output


def test_a_misspelt_plan_measure_is_named_with_its_line_and_the_fix(ref, run_cli):
    plan = ref / "plan.yaml"
    text = plan.read_text()
    # the third plan's charges measure, misspelt: the line found must be that one, not the first plan's
    third = text.index("Police and Crime Plan 2022-2026")
    at = text.index("measure: cse_charges", third)
    plan.write_text(text[:at] + "measure: cse_chargez" + text[at + len("measure: cse_charges"):])
    result = run_cli("check")
    assert result.exit_code == 1
    expected_line = line_of(plan, "cse_chargez")
    assert f'plan.yaml", line {expected_line}:' in result.stderr
    assert 'did you mean "cse_charges"' in result.stderr
    assert "1 of" in result.stderr and "need correcting" in result.stderr


def test_a_yaml_syntax_error_gives_the_parsers_line(ref):
    (ref / "force.yaml").write_text("office:\n  name: [unclosed\nforce: {}\n")
    bad = [f for f in check_all() if not f.ok]
    assert [f.file.name for f in bad][0] == "force.yaml"
    assert bad[0].line is not None and 2 <= bad[0].line <= 4


def test_a_list_entry_indented_one_space_short_is_named_at_its_own_line_in_plain_words(ref, run_cli):
    """Regression: a district's "aliases" one space short of its "name" in force.yaml was reported at line 12, where
    the districts begin (PyYAML's text names that line first), in the parser's own words quoting "<unicode string>"
    for the file; plan.yaml's missing colon was said as "while scanning a simple key"."""
    force = ref / "force.yaml"
    text = force.read_text()
    force.write_text(text.replace("  - name: Rotherham\n    aliases", "  - name: Rotherham\n   aliases"))
    result = run_cli("check")
    assert result.exit_code == 1
    lines = force.read_text().splitlines()
    line = next(i for i, t in enumerate(lines, start=1) if t == "   aliases: []")
    assert f'force.yaml", line {line}: is not valid YAML (did not find expected \'-\' indicator, at column 4). ' \
           "Look at that line and the one before it" in result.stderr, result.stderr
    assert "<unicode string>" not in result.stderr and "while parsing" not in result.stderr
    plan = ref / "plan.yaml"
    plan.write_text(plan.read_text().replace("    start: 2013-04", "    start 2013-04", 1))
    force.write_text(text)
    result = run_cli("check")
    assert "is not valid YAML (could not find expected ':'" in result.stderr, result.stderr
    assert "while scanning" not in result.stderr and 'a colon and a space ("start: 2025-04")' in result.stderr


def test_a_district_left_out_of_population_csv_is_named_with_the_row_to_add(ref, run_cli):
    """Regression: "no population for Rotherham." said no fix; a row quoting another source named no row, and a row
    naming an unknown district was said at "line 4: row 4"."""
    population = ref / "population.csv"
    text = population.read_text()
    population.write_text("\n".join(line for line in text.splitlines() if not line.startswith("Rotherham")) + "\n")
    result = run_cli("check")
    assert result.exit_code == 1
    assert ('population.csv": no population for Rotherham. Add a row for it, as the others are written ("Rotherham,'
            '<residents>,ONS mid-year population estimates (usual residents),mid-2021"), with the same source and '
            "year.") in result.stderr, result.stderr
    population.write_text(text.replace("Rotherham,265800,ONS mid-year population estimates (usual residents)",
                                       "Rotherham,265800,ONS census"))
    result = run_cli("check")
    assert 'population.csv", row 4: every row should quote the same source and year' in result.stderr, result.stderr
    assert "but row 4 does not" in result.stderr
    population.write_text(text.replace("Rotherham,", "Rotheram,"))
    result = run_cli("check")
    assert 'population.csv", row 4: "Rotheram" is not a district' in result.stderr, result.stderr


def test_a_missing_reference_file_is_named(ref, run_cli):
    (ref / "population.csv").unlink()
    result = run_cli("check")
    assert result.exit_code == 1
    assert "population.csv" in result.stderr and "is missing" in result.stderr
    said = " ".join(result.stderr.split())
    assert ("put the office's population.csv there (the bundled pipelines/reference/population.csv shows its "
            "form)") in said


def test_a_reference_folder_that_does_not_exist_is_said_as_such(tmp_path, run_cli, monkeypatch):
    """A mistyped PCCDASH_REFERENCE_DIR: each file was said "is missing", with nothing about the folder or the
    setting that named it."""
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(tmp_path / "refrence"))
    for args in (("check",), ("figures", "--db", tmp_path / "wh.duckdb")):
        result = run_cli(*args)
        assert result.exit_code == 1
        said = " ".join(result.stderr.split())
        assert f'the folder "{tmp_path / "refrence"}" does not exist. Set PCCDASH_REFERENCE_DIR to the folder' in said


def test_a_reference_folder_that_is_a_file_is_said_as_such(tmp_path, run_cli, monkeypatch):
    """PCCDASH_REFERENCE_DIR naming a file: "cannot be read (Not a directory). Make it a readable file of that
    name", of a file that cannot be made inside a file."""
    (tmp_path / "reference.zip").write_bytes(b"PK")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(tmp_path / "reference.zip"))
    for args in (("check",), ("figures", "--db", tmp_path / "wh.duckdb")):
        result = run_cli(*args)
        assert result.exit_code == 1 and "Traceback" not in result.output
        said = " ".join(result.stderr.split())
        assert (f'the folder "{tmp_path / "reference.zip"}" is a file, not a folder. Set PCCDASH_REFERENCE_DIR to the '
                "folder that holds the office's reference files") in said
        assert "Not a directory" not in said


def test_a_bad_force_population_is_named_by_check(ref, run_cli):
    path = ref / "force_population.csv"
    path.write_text(path.read_text().replace("1375000", "many", 1))
    result = run_cli("check")
    assert result.exit_code == 1
    assert "force_population.csv" in result.stderr


def test_init_reports_the_same_problems(ref, run_cli, db):
    (ref / "measures.yaml").write_text((ref / "measures.yaml").read_text().replace("kind: flow", "kind: flwo", 1))
    result = run_cli("init", "--db", db)
    assert result.exit_code == 1
    assert "measures.yaml" in result.stderr and 'kind "flwo"' in result.stderr


def test_an_edited_reference_file_is_read_again_without_a_restart(ref):
    name_before = catalogue().get("cse_charges").name
    measures = ref / "measures.yaml"
    measures.write_text(measures.read_text().replace(f"name: {name_before}", "name: People charged (edited)", 1))
    assert catalogue().get("cse_charges").name == "People charged (edited)"


def test_locate_follows_the_names_a_message_quotes_in_order(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("a:\n  - name: One\n    m: [xy]\n  - name: Two\n    m: [xy]\n")
    assert locate(f, 'x.yaml, plan 2 ("Two"), measure 1 ("xy"): "xy" is unknown') == 5
    assert locate(f, "x.yaml is not valid YAML: ... line 3, column 2") == 3
    assert locate(f, "no names here") is None


def test_a_recommendation_naming_a_measure_not_in_the_catalogue_is_found_by_check(ref, run_cli):
    register = ref / "recommendations.yaml"
    text = register.read_text()
    first = text.index("measures: [", text.index("recommendations:"))
    register.write_text(text[:first] + "measures: [cse_arrestz, " + text[first + len("measures: ["):])
    bad = [f for f in check_all() if not f.ok]
    assert [f.file.name for f in bad] == ["recommendations.yaml"]
    assert bad[0].line == line_of(register, "cse_arrestz")
    assert "cse_arrestz" in bad[0].problem
    assert run_cli("check").exit_code == 1


def test_a_file_of_the_wrong_shape_is_the_one_named_and_the_files_that_read_it_are_not_blamed(ref, run_cli):
    # regression: "dimensions: 3" made every file that reads the catalogue "cannot be read: 'int' object is not
    # iterable", and dimensions.yaml itself was never named
    (ref / "dimensions.yaml").write_text("dimensions: 3\n")
    findings = check_all()
    broken = [f for f in findings if not f.ok and f.blocked_by is None]
    assert [f.file.name for f in broken] == ["dimensions.yaml"]
    assert broken[0].line == 1 and "dimensions should be a list" in broken[0].problem
    blocked = [f for f in findings if f.blocked_by is not None]
    assert "measures.yaml" in {f.file.name for f in blocked}
    assert all(f.blocked_by.name == "dimensions.yaml" for f in blocked)
    result = run_cli("check")
    assert result.exit_code == 1
    assert "object is not iterable" not in result.stderr
    assert 'Problem: "' in result.stderr and "dimensions.yaml\", line 1:" in result.stderr
    assert 'it reads "dimensions.yaml", which has the problem listed above' in result.stderr
    assert "1 of" in result.stderr


def test_a_reference_file_that_is_not_utf8_text_is_named_by_check(ref, run_cli):
    (ref / "measures.yaml").write_bytes(b"measures:\n  - id: caf\xe9\n")
    broken = [f for f in check_all() if not f.ok and f.blocked_by is None]
    assert [f.file.name for f in broken] == ["measures.yaml"]
    assert "is not UTF-8 text" in broken[0].problem and broken[0].line == 2
    assert "codec" not in run_cli("check").stderr


def test_a_force_with_no_districts_is_named_by_check_not_a_fault(ref, run_cli):
    force = ref / "force.yaml"
    text = force.read_text()
    start, end = text.index("districts:"), text.index("force_total_names")
    force.write_text(text[:start] + "districts: []\n" + text[end:])
    result = run_cli("check")
    assert result.exit_code == 1
    assert "fault" not in result.output + result.stderr
    broken = [f for f in check_all() if not f.ok and f.blocked_by is None]
    assert [f.file.name for f in broken] == ["force.yaml"]
    assert "districts should list at least one district" in broken[0].problem
    assert broken[0].line == line_of(force, "districts: []")


def test_an_accessibility_statement_not_reviewed_for_over_a_year_is_warned_of_without_failing(ref, run_cli,
                                                                                                monkeypatch):
    """Regression: public_info.yaml's accessibility statement, reviewed on 2 December 2026, was still printed on the
    public Accessibility page in April 2028 as "last reviewed on 2 December 2026", and nothing told the office. The
    statement is to be kept under regular review, at least once a year: `pccdash check` now warns once the last
    review is more than a year before today, naming the file, the line, the field and what to do; it still passes."""
    info = ref / "public_info.yaml"
    info.write_text(info.read_text(encoding="utf-8").replace("  reviewed: 2026-12-02", "  reviewed: 2027-02-28"),
                    encoding="utf-8")
    calendar = ref / "return_calendar.yaml"  # 2028's bank holidays listed: the calendar wants nothing doing
    calendar.write_text(calendar.read_text(encoding="utf-8") + "  - 2028-01-03\n  - 2028-05-01\n", encoding="utf-8")
    monkeypatch.setenv("PCCDASH_TODAY", "2028-02-29")  # a year to the day (29 February is no later day of 2027)
    result = run_cli("check")
    assert result.exit_code == 0 and "Warning" not in result.stderr
    assert "reference files and contracts are correct." in result.output
    monkeypatch.setenv("PCCDASH_TODAY", "2028-03-01")
    result = run_cli("check")
    assert result.exit_code == 0 and "reference files and contracts are correct; 1 warning above." in result.output
    said = " ".join(result.stderr.split())
    assert (f'Warning: "{info}", line {line_of(info, "  reviewed: 2027-02-28")}: "accessibility > reviewed" says the '
            "accessibility statement was last reviewed on 28 February 2027, more than a year before today (1 March "
            "2028), and the public Accessibility page prints that date.") in said, said
    assert 'set "reviewed"' in said and "at least once a year" in said and "next publication" in said
    assert "Problem" not in said
    # a statement reviewed since is not warned of
    info.write_text(info.read_text(encoding="utf-8").replace("  reviewed: 2027-02-28", "  reviewed: 2028-02-20"),
                    encoding="utf-8")
    assert "Warning" not in run_cli("check").stderr


def test_a_return_calendar_whose_bank_holidays_run_out_is_warned_of_without_failing(ref, run_cli, monkeypatch):
    """Regression: two years after the sample, in April 2028, `pccdash calendar` said that return_calendar.yaml lists
    bank holidays only up to December 2027, so 2028's due dates are counted as if there were none (a return sent on
    time can be called overdue), while `pccdash check` said every reference file was correct and warned of nothing.
    It now warns, at the file's bank_holidays line, once the month in progress's return falls due in a year after
    the last bank holiday listed; it still passes."""
    calendar = ref / "return_calendar.yaml"
    monkeypatch.setenv("PCCDASH_TODAY", "2027-11-20")  # November's return is due in December 2027: listed
    result = run_cli("check")
    assert result.exit_code == 0 and "Warning" not in result.stderr, result.stderr
    monkeypatch.setenv("PCCDASH_TODAY", "2027-12-02")  # December's is due in January 2028: none listed
    result = run_cli("check")
    assert result.exit_code == 0 and "reference files and contracts are correct; 1 warning above." in result.output
    said = " ".join(result.stderr.split())
    assert f'Warning: "{calendar}", line {line_of(calendar, "bank_holidays:")}:' in said, said
    assert "lists bank holidays only up to 28 December 2027" in said and "returns due in 2028" in said
    assert "Add 2028's bank holidays to its bank_holidays list." in said and "Problem" not in said
    calendar.write_text(calendar.read_text(encoding="utf-8") + "  - 2028-01-03\n", encoding="utf-8")
    assert "Warning" not in run_cli("check").stderr
