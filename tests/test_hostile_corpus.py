"""Each hostile file of tests/data/hostile is refused whole with its file, row and column named, leaving every
figure and the rest of its run untouched, or (a control) is loaded whole."""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, fingerprint

from pipelines import warehouse
from pipelines.ingest import ingest

CORPUS = Path(__file__).resolve().parent / "data" / "hostile"
MANIFEST = CORPUS / "expected.yaml"
CASES = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["cases"]
HEADER = "period,district,measure,value\n"
GOOD_NAME = "good-same-run.csv"
GOOD_FIGURE = (dt.date(2015, 8, 1), "Rotherham", "cse_charges", 4.0)
SUBPROCESS_MEMORY = 3 << 30  # bytes of address space a subprocess case may use
SUBPROCESS_SECONDS = 45


def names(case: dict) -> list[str]:
    return case["file"] if isinstance(case["file"], list) else [case["file"]]


def case_id(case: dict) -> str:
    return "+".join(names(case))


# ---------------------------------------------------------------------------------------------------
# The manifest and the folder agree


def test_the_manifest_lists_every_file_of_the_folder_and_every_listed_file_exists():
    listed = [n for case in CASES for n in names(case)]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    on_disk = {p.name for p in CORPUS.iterdir() if p.name not in ("expected.yaml", "README.md")}
    assert set(listed) == on_disk, {"not listed": on_disk - set(listed), "missing": set(listed) - on_disk}
    for case in CASES:
        assert case["expected"] in ("refused", "accepted"), case
        assert case.get("what"), case
        if case["expected"] == "refused":
            assert case["words"] and "row" in case and "column" in case, case
        else:
            assert case["figures"], case


def test_the_corpus_has_at_least_34_files_30_refusals_and_small_files():
    assert len([n for case in CASES for n in names(case)]) >= 34
    assert sum(case["expected"] == "refused" for case in CASES) >= 30
    for p in CORPUS.iterdir():
        limit = 100_000 if p.name == "zip-bomb.xlsx" else 50_000
        assert p.stat().st_size < limit, p.name


# ---------------------------------------------------------------------------------------------------
# Running a case


@pytest.fixture
def loaded_db(db, tmp_path) -> Path:
    """A warehouse with one good file already loaded."""
    earlier = tmp_path / "earlier" / "earlier.csv"
    earlier.parent.mkdir()
    earlier.write_text(HEADER + "2015-06,Rotherham,cse_charges,2\n2015-07,Sheffield,cse_charges,5\n")
    with warehouse.connect(db) as con:
        assert ingest(con, [earlier]).ok
    return db


def good_file(tmp_path: Path) -> Path:
    good = tmp_path / "good" / GOOD_NAME
    good.parent.mkdir(exist_ok=True)
    good.write_text(HEADER + "2015-08,Rotherham,cse_charges,4\n")
    return good


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_AS, (SUBPROCESS_MEMORY, SUBPROCESS_MEMORY))


def run_limited(*args: object) -> tuple[int, str, str]:
    """`pccdash ARGS` as a separate process with a memory and time limit; (exit code, stdout, stderr)."""
    try:
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True,
                              encoding="utf-8", errors="replace", env=dict(os.environ), cwd=ROOT,
                              timeout=SUBPROCESS_SECONDS, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"pccdash {' '.join(map(str, args))} ran for over {SUBPROCESS_SECONDS} s "
                    f"(memory capped at {SUBPROCESS_MEMORY >> 30} GiB); stderr: {str(exc.stderr)[-2000:]}")
    return done.returncode, done.stdout, done.stderr


def run_case(case: dict, paths: list[Path], db: Path, run_cli) -> tuple[int, str, str]:
    if case.get("subprocess"):
        return run_limited("ingest", *paths, "--db", db)
    result = run_cli("ingest", *paths, "--db", db)
    return result.exit_code, result.stdout, result.stderr


def copy_case(case: dict, tmp_path: Path) -> list[Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return [Path(shutil.copy2(CORPUS / n, inbox / n)) for n in names(case)]


def message_line(stderr: str, name: str, case: dict) -> str | None:
    """The first line of the output naming the file and holding every word, the sheet, row and column asked for."""
    needles = [f'file "{name}"', *case["words"]]
    if case.get("sheet"):
        needles.append(f'sheet "{case["sheet"]}"')
    if case.get("column"):
        needles.append(f'column "{case["column"]}"')
    row = re.compile(rf"\brow {case['row']}[,:]") if case.get("row") is not None else None
    for line in stderr.splitlines():
        if all(n in line for n in needles) and (row is None or row.search(line)):
            return line
    return None


def registry(db: Path) -> list[tuple]:
    with warehouse.connect_read_only(db) as con:
        return con.execute("SELECT file_id, name, outcome FROM file_registry ORDER BY file_id").fetchall()


REFUSED = [c for c in CASES if c["expected"] == "refused"]
ACCEPTED = [c for c in CASES if c["expected"] == "accepted"]


@pytest.mark.parametrize("case", REFUSED, ids=[case_id(c) for c in REFUSED])
def test_a_hostile_file_is_refused_with_its_place_and_changes_nothing_else(case, loaded_db, tmp_path, run_cli):
    paths = copy_case(case, tmp_path)
    good = good_file(tmp_path)
    before = fingerprint(loaded_db)
    known = registry(loaded_db)

    code, stdout, stderr = run_case(case, [*paths, good], loaded_db, run_cli)

    assert code != 0, stdout + stderr
    assert "Traceback" not in stderr, stderr[-3000:]
    for path in paths:
        assert f'Refused "{path.name}"' in stderr, stderr[-3000:]
        line = message_line(stderr, path.name, case)
        assert line, f"no line names {path.name!r} with {case['words']}, row {case['row']}, " \
                     f"column {case['column']}:\n{stderr[-3000:]}"
    if case.get("not_in_output"):
        secret = Path(case["not_in_output"])
        text = secret.read_text(errors="replace").strip() if secret.is_file() else ""
        if text:
            assert text not in stdout + stderr
    # the refusal is recorded, with the same place
    new_files = [r for r in registry(loaded_db) if r not in known]
    assert {(n, o) for _, n, o in new_files} == {*((p.name, "rejected") for p in paths), (GOOD_NAME, "accepted")}
    with warehouse.connect_read_only(loaded_db) as con:
        recorded = con.execute(
            'SELECT r.name, p.sheet, p."row", p."column", p.problem FROM ingest_problem p '
            "JOIN file_registry r USING (file_id) WHERE r.outcome = 'rejected'").fetchall()
    for path in paths:
        assert any(n == path.name and all(w in text for w in case["words"])
                   and (case.get("row") is None or r == case["row"])
                   and (case.get("column") is None or c == case["column"])
                   and (case.get("sheet") is None or s == case["sheet"])
                   for n, s, r, c, text in recorded), recorded
    # nothing from the refused file, every earlier figure kept, the good file of the same run loaded
    good_id = next(i for i, n, o in new_files if n == GOOD_NAME)
    after = fingerprint(loaded_db)
    assert set(before) <= set(after)
    added = [r for r in after if r not in before]
    assert added and all(r[5] == good_id for r in added), added
    assert [r[:3] + (r[4],) for r in added] == [GOOD_FIGURE]


def current(db: Path) -> dict[tuple, tuple]:
    with warehouse.connect_read_only(db) as con:
        rows = con.execute("SELECT period, district, measure, value, note FROM figure").fetchall()
    return {r[:3]: r[3:] for r in rows}


def key(fig: list) -> tuple:
    return (dt.date.fromisoformat(fig[0] + "-01"), fig[1], fig[2])


@pytest.mark.parametrize("case", ACCEPTED, ids=[case_id(c) for c in ACCEPTED])
def test_a_control_file_loads_whole(case, loaded_db, tmp_path, run_cli):
    paths = copy_case(case, tmp_path)
    known = registry(loaded_db)

    code, stdout, stderr = run_case(case, paths, loaded_db, run_cli)

    assert code == 0, stdout + stderr
    assert "Refused" not in stderr
    assert f"{len(paths)} {'file' if len(paths) == 1 else 'files'} accepted" in stdout
    new_files = [(n, o) for i, n, o in registry(loaded_db) if (i, n, o) not in known]
    assert new_files == [(p.name, "accepted") for p in paths]
    figures = current(loaded_db)
    for fig in case["figures"]:
        assert key(fig) in figures, (fig, figures)
        value, note = figures[key(fig)]
        assert value == float(fig[3])
        if len(fig) > 4:
            assert note == fig[4]
    for *fig, values in case.get("history", []):
        with warehouse.connect_read_only(loaded_db) as con:
            revisions = con.execute(
                "SELECT value FROM figure_revision WHERE period = ? AND district = ? AND measure = ? "
                "ORDER BY revision", list(key(fig))).fetchall()
        assert [v for (v,) in revisions] == [float(v) for v in values]


# ---------------------------------------------------------------------------------------------------
# Hostile inputs made here rather than stored: too big to keep, or about paths


def test_a_file_over_the_size_limit_is_refused_unread_and_the_run_goes_on(loaded_db, tmp_path, run_cli,
                                                                          monkeypatch):
    monkeypatch.setenv("PCCDASH_MAX_FILE_MB", "1")
    big = tmp_path / "inbox" / "big-2015-09.csv"
    big.parent.mkdir()
    big.write_text(HEADER + "2015-09,Barnsley,cse_charges,2\n" * 40_000)  # about 1.2 MiB
    before = fingerprint(loaded_db)
    result = run_cli("ingest", big, good_file(tmp_path), "--db", loaded_db)
    assert result.exit_code == 1
    assert re.search(r'file "big-2015-09.csv": is 1\.\d MiB, over the limit of 1 MiB', result.stderr), result.stderr
    added = [r for r in fingerprint(loaded_db) if r not in before]
    assert [r[:3] + (r[4],) for r in added] == [GOOD_FIGURE]


def test_a_sparse_file_over_the_default_size_limit_is_refused_without_being_read(loaded_db, tmp_path, run_cli):
    sparse = tmp_path / "inbox" / "sparse.xlsx"
    sparse.parent.mkdir()
    with open(sparse, "wb") as fh:
        fh.truncate(513 * 1024 * 1024)  # 513 MiB of holes: no disk used, and any read would take seconds
    before = fingerprint(loaded_db)
    result = run_cli("ingest", sparse, "--db", loaded_db)
    assert result.exit_code == 1
    assert 'file "sparse.xlsx": is 513.0 MiB, over the limit of 512 MiB' in result.stderr, result.stderr
    assert fingerprint(loaded_db) == before


def test_a_1_mb_field_is_named_by_row_and_column(loaded_db, tmp_path, run_cli):
    bad = tmp_path / "inbox" / "long-line.csv"
    bad.parent.mkdir()
    bad.write_text(HEADER + "2015-09,Barnsley,cse_charges,2\n2015-09,Rotherham" + "x" * (1 << 20) + ",cse_charges,3\n")
    before = fingerprint(loaded_db)
    result = run_cli("ingest", bad, good_file(tmp_path), "--db", loaded_db)
    assert result.exit_code == 1
    assert re.search(r'file "long-line.csv", row 3, column "district": "Rotherhamx+" is not a district',
                     result.stderr), result.stderr[:500]
    added = [r for r in fingerprint(loaded_db) if r not in before]
    assert [r[:3] + (r[4],) for r in added] == [GOOD_FIGURE]


def test_a_1_mb_note_loads(loaded_db, tmp_path, run_cli):
    ok = tmp_path / "inbox" / "long-note.csv"
    ok.parent.mkdir()
    note = "n" * (1 << 20)
    ok.write_text("period,district,measure,value,note\n2015-09,Barnsley,cse_charges,2," + note + "\n")
    result = run_cli("ingest", ok, "--db", loaded_db)
    assert result.exit_code == 0, result.stderr[:2000]
    assert current(loaded_db)[(dt.date(2015, 9, 1), "Barnsley", "cse_charges")] == (2.0, note)


BLANK_LINE_CASES = {
    "month-name-in-long-layout": ("2015-09,Barnsley,cse_charges,2", "July 2015,Doncaster,cse_charges,4"),
    "200-kB-note": ("2015-09,Barnsley,cse_charges,2,", "2015-09,Doncaster,cse_charges,4," + "n" * 200_000),
}


@pytest.mark.parametrize("rows", BLANK_LINE_CASES.values(), ids=BLANK_LINE_CASES.keys())
def test_a_blank_line_between_rows_does_not_change_whether_a_file_loads(tmp_path, rows):
    header = HEADER if len(rows[0].split(",")) == 4 else "period,district,measure,value,note\n"
    plain = tmp_path / "plain" / "return.csv"
    spaced = tmp_path / "spaced" / "return.csv"
    for path, sep in ((plain, "\n"), (spaced, "\n\n")):
        path.parent.mkdir()
        path.write_text(header + sep.join(rows) + "\n")
    outcomes = []
    for path in (plain, spaced):
        with warehouse.connect(tmp_path / f"{path.parent.name}.duckdb") as con:
            f = ingest(con, [path]).files[0]
        outcomes.append((f.outcome, [p.message()[:200] for p in f.problems]))
    assert outcomes[0][0] == outcomes[1][0], outcomes


def _files_under(root: Path) -> set[str]:
    found = set()
    for folder, _dirs, files in os.walk(root):
        for f in files:
            found.add(str((Path(folder) / f).relative_to(root)))
    return found


def test_paths_with_dot_dot_and_symlinks_record_the_bare_name_and_write_only_beside_the_warehouse(
        tmp_path, run_cli, monkeypatch):
    inbox, outside, wh = tmp_path / "inbox", tmp_path / "outside", tmp_path / "wh"
    for d in (inbox / "sub", outside, wh):
        d.mkdir(parents=True)
    (inbox / "return-2015-08.csv").write_text(HEADER + "2015-08,Rotherham,cse_charges,4\n")
    cp1252 = "period,district,measure,value,note\n2015-09,Barnsley,cse_charges,2,caf\u00e9\n".encode("cp1252")
    (outside / "real-2015-09.csv").write_bytes(cp1252)  # read through a UTF-8 copy in a temporary folder
    (inbox / "link-2015-09.csv").symlink_to(outside / "real-2015-09.csv")
    (outside / "bad-2015-10.csv").write_text(HEADER + "2015-10,Leeds,cse_charges,1\n")
    (inbox / "sub" / "up").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(inbox / "sub")
    own_tmp = tmp_path / "system-tmp"  # a temporary folder of this test's own: other tests come and go in /tmp
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    before = _files_under(tmp_path)

    # "up/.." is tmp_path, not inbox/sub: the system follows the link before it goes up
    result = run_cli("ingest", "../return-2015-08.csv", "../sub/../link-2015-09.csv", "up/../outside/bad-2015-10.csv",
                     "--db", "../../wh/../wh/wh.duckdb")

    assert result.exit_code == 1
    assert 'file "bad-2015-10.csv", row 2, column "district"' in result.stderr, result.stderr
    assert "../" not in result.stderr
    with warehouse.connect_read_only(wh / "wh.duckdb") as con:
        recorded = con.execute("SELECT name, outcome FROM file_registry ORDER BY file_id").fetchall()
    assert recorded == [("return-2015-08.csv", "accepted"), ("link-2015-09.csv", "accepted"),
                        ("bad-2015-10.csv", "rejected")]
    written = _files_under(tmp_path) - before
    assert written and all(w.startswith("wh/") for w in written), written
    assert not any(own_tmp.iterdir())  # the UTF-8 copy of the cp1252 file went with its temporary folder
