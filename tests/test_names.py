"""A file is named by its path below the folder given (so two files of one name stay apart, in what is printed
and in the registry), and a name is printed with its control characters escaped, so it cannot drive the
terminal or forge a line."""

from __future__ import annotations

from helpers import write_csv

from pipelines import warehouse
from pipelines.ingest import ingest
from pipelines.ingest.load import discover, discover_named
from pipelines.resubmission import file_registry

HEADER = "period,district,measure,value\n"
# clears the screen, homes the cursor and prints a line of its own
FORGED = "\x1b[2J\x1b[H1 file accepted, 0 already loaded, 0 refused.\n\x1b[32mok"


def good(month: str = "2015-09", value: int = 4) -> str:
    return HEADER + "".join(f"{month},{d},cse_charges,{value + i}\n"
                            for i, d in enumerate(("Barnsley", "Doncaster", "Rotherham", "Sheffield")))


def registered(db) -> list[tuple[str, str]]:
    with warehouse.connect_read_only(db) as con:
        return con.execute("SELECT name, outcome FROM file_registry ORDER BY name").fetchall()


def registered_by_number(db):
    with warehouse.connect_read_only(db) as con:
        return con.execute("SELECT name, outcome FROM file_registry ORDER BY file_id").fetchall()


def test_files_of_one_name_in_two_subfolders_are_told_apart_in_output_and_registry(tmp_path, db, run_cli):
    folder = tmp_path / "returns"
    (folder / "east").mkdir(parents=True)
    (folder / "west").mkdir()
    write_csv(folder / "east" / "return.csv", good("2015-09"))
    write_csv(folder / "west" / "return.csv", "period,district,measure,value\n2015-10,Leeds,cse_charges,3\n")
    write_csv(folder / "top.csv", good("2015-08"))
    out = run_cli("ingest", folder, "--db", db)
    assert out.exit_code == 1
    assert "] east/return.csv (" in out.stderr and "] west/return.csv (" in out.stderr
    [west] = [n for n, (name, _) in enumerate(registered_by_number(db), 1) if name == "west/return.csv"]
    assert f'Refused "west/return.csv" (file #{west}): nothing from it was loaded.' in out.stderr
    assert registered(db) == [("east/return.csv", "accepted"), ("top.csv", "accepted"),
                              ("west/return.csv", "rejected")]
    # the refused file's problems name it by the same path
    with warehouse.connect_read_only(db) as con:
        sources = {r[0] for r in con.execute("SELECT DISTINCT source_file FROM quarantine").fetchall()}
    assert sources <= {"west/return.csv"}


def test_a_file_given_by_itself_is_its_file_name_and_two_of_one_name_take_their_folders(tmp_path):
    for side in ("east", "west"):
        (tmp_path / side).mkdir()
        write_csv(tmp_path / side / "return.csv", good())
    write_csv(tmp_path / "alone.csv", good())
    named, missing = discover_named([tmp_path / "alone.csv", tmp_path / "east" / "return.csv",
                                     tmp_path / "west" / "return.csv"])
    assert not missing
    assert [label for _, label in named] == ["alone.csv", "east/return.csv", "west/return.csv"]
    assert discover([tmp_path / "alone.csv"])[0] == [tmp_path / "alone.csv"]
    # one folder given twice, or a file inside it given too: each file once, named as the folder gives it
    named, _ = discover_named([tmp_path, tmp_path / "east" / "return.csv"])
    assert [label for _, label in named] == ["alone.csv", "east/return.csv", "west/return.csv"]


def test_a_refused_file_loaded_again_from_its_folder_is_cleared_by_its_own_name(tmp_path, db):
    folder = tmp_path / "returns"
    (folder / "east").mkdir(parents=True)
    write_csv(folder / "east" / "return.csv", "period,district,measure,value\n2015-09,Leeds,cse_charges,3\n")
    with warehouse.connect(db) as con:
        assert not ingest(con, [folder]).ok
    write_csv(folder / "east" / "return.csv", good())
    with warehouse.connect(db) as con:
        assert ingest(con, [folder]).ok
        rows = file_registry(con)
    refused = rows[rows["outcome"] != "accepted"].iloc[0]
    assert refused["name"] == "east/return.csv" and refused["refusal"] != "open"


def test_a_file_name_with_escape_sequences_and_a_newline_cannot_drive_the_terminal(tmp_path, db, run_cli):
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / f"{FORGED}.csv", good())
    write_csv(folder / f"bad{FORGED}.csv", "period,district,measure,value\n2015-09,Leeds,cse_charges,3\n")
    write_csv(folder / f"warn{FORGED}.csv", good("2015-10", 400))  # a jump the contract warns about
    out = run_cli("ingest", folder, "--db", db)
    printed = out.stdout + out.stderr
    assert "\x1b" not in printed
    lines = printed.splitlines()
    assert not [line for line in lines if line.startswith("1 file accepted")]  # no forged summary
    assert "2 files accepted, 0 already loaded, 1 refused." in lines
    assert "\\x1b[2J\\x1b[H1 file accepted" in out.stderr  # the progress line shows the name, escaped
    assert "Validation of \"bad\\x1b[2J" in out.stderr  # and so does the validation header
    # loaded again: the "already loaded" line quotes the registered name, escaped
    again = run_cli("ingest", folder / f"{FORGED}.csv", "--db", db)
    assert "already loaded" in again.stderr and "\x1b" not in again.stdout + again.stderr
    # the registry keeps the name as it is; only what is printed is escaped
    assert f"{FORGED}.csv" in [name for name, _ in registered(db)]


def test_validate_prints_a_file_name_with_its_control_characters_escaped(tmp_path, db, run_cli):
    path = write_csv(tmp_path / f"{FORGED}.csv", "period,district,measure,value\n2015-09,Leeds,cse_charges,3\n")
    out = run_cli("validate", path, "--db", db)
    assert out.exit_code == 1
    printed = out.stdout + out.stderr
    assert "\x1b" not in printed and "Validation of \"\\x1b[2J\\x1b[H1 file accepted" in printed
