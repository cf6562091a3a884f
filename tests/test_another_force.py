"""Another force configured by its reference folder alone: what the pages and messages show names its own districts."""

from __future__ import annotations

import datetime as dt

from dashboard_helpers import ANALYST, internal

from pipelines import warehouse
from pipelines.ingest import ingest

# South Yorkshire's districts renamed as West Midlands Police's local policing areas, in every reference file
RENAMED = {"Barnsley": "Birmingham East", "Doncaster": "Coventry", "Rotherham": "Walsall",
           "Sheffield": "Wolverhampton"}


def another_force(ref) -> None:
    for path in ref.iterdir():
        if path.suffix in (".yaml", ".csv"):
            text = path.read_text(encoding="utf-8")
            for old, new in RENAMED.items():
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")


def test_the_upload_pages_examples_name_the_forces_own_districts(monkeypatch, ref, db):
    """Regression: the example return on the Upload page named South Yorkshire's districts for every force."""
    another_force(ref)
    with warehouse.connect(db):
        pass  # the warehouse made, empty
    at = internal(monkeypatch, db, "internal_pages/upload.py", ANALYST)
    assert not at.exception, at.exception
    shown = "\n".join(c.value for c in at.code)
    assert "Period,Birmingham East,Coventry,Walsall,Wolverhampton,Total" in shown
    assert "2026-03,Birmingham East,cse_arrests," in shown
    assert not any(name in shown for name in RENAMED), shown


def test_a_return_without_a_header_is_told_the_forces_own_districts(ref, db, tmp_path):
    another_force(ref)
    path = tmp_path / "2026-03-return.csv"
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    with warehouse.connect(db) as con:
        report = ingest(con, [path], loaded_by="tester", today=dt.date(2026, 4, 20))
    said = report.files[0].message
    assert "a wide layout's \"Period, Birmingham East, Coventry, ...\"" in said, said


HELP_WITH_DISTRICTS = [(), ("figures",), ("plan",), ("withdraw",), ("flags",), ("flags", "raise"), ("flags", "assign"),
                       ("meetings",), ("meetings", "add")]


def test_the_commands_help_examples_name_the_forces_own_districts(ref, run_cli):
    """Regression: `pccdash --help` and each command's examples named South Yorkshire's districts for every force."""
    another_force(ref)
    for command in HELP_WITH_DISTRICTS:
        result = run_cli(*command, "--help")
        assert result.exit_code == 0, command
        assert not any(name in result.stdout for name in RENAMED), (command, result.stdout)
        assert "district}" not in result.stdout, command
    assert "--district 'Birmingham East' --from" in run_cli("figures", "--help").stdout
    said = run_cli("flags", "--help").stdout
    assert "--status awaiting --district Coventry" in said and "--district Coventry --measure cawn_issued" in said


def test_the_commands_help_examples_say_district_when_force_yaml_cannot_be_read(ref, run_cli):
    (ref / "force.yaml").write_text("office: 3\n", encoding="utf-8")
    result = run_cli("plan", "--help")
    assert result.exit_code == 0 and "--district DISTRICT" in result.stdout
