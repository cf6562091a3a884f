"""Nothing a person types or picks becomes SQL, every registered internal page is behind sign-in, and the
public side cannot reach the warehouse."""

from __future__ import annotations

import ast

import duckdb
import pytest
from dashboard_helpers import INTERNAL_PAGES, ROOT, claims_of, copy_warehouse, public
from helpers import fingerprint

from pipelines import public as public_door
from pipelines import warehouse

HOSTILE = ["x' OR '1'='1", "'; DROP TABLE figure_revision; --", "2015-07' UNION SELECT * FROM file_registry --",
           "Rotherham\"; DELETE FROM figure_flag; --", "%", "_", "\\", "\x00", "../../etc/passwd", "' OR 1=1) --"]


def registered_pages(app: str) -> set[str]:
    """The page scripts an app registers with st.Page, read from its source."""
    tree = ast.parse((ROOT / "dashboard" / app).read_text(encoding="utf-8"))
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"
            and node.args and isinstance(node.args[0], ast.Constant)}


def test_every_page_the_internal_app_registers_is_in_the_refusal_tests():
    pages = registered_pages("app.py")
    on_disk = {f"internal_pages/{p.name}" for p in (ROOT / "dashboard" / "internal_pages").glob("*.py")}
    assert pages == set(INTERNAL_PAGES) == on_disk


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
        return True
    except ValueError:
        return False


def test_every_internal_page_script_opens_with_the_sign_in_guard():
    """The first thing each page does, before any query, is ask who is signed in (and stop if no one is)."""
    for page in INTERNAL_PAGES:
        tree = ast.parse((ROOT / "dashboard" / page).read_text(encoding="utf-8"))
        first = next(n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr))
                     and not (isinstance(n, ast.Assign) and _literal(n.value)))
        assert ast.unparse(first) == "user = auth.signed_in()", page


def test_the_public_app_registers_only_public_pages():
    assert all(p.startswith("public_pages/") for p in registered_pages("public_app.py"))


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


def test_hostile_filter_values_find_nothing_and_change_nothing(monkeypatch, wh):
    from dashboard import workbench
    from pipelines.figures import FigureFilter, current_figures
    from pipelines.flags import caveats

    monkeypatch.setenv("PCCDASH_DB", str(wh))
    before = fingerprint(wh)
    for text in HOSTILE:
        assert workbench.history(text, text, "2015-07").empty
        assert workbench.history("cse_charges", text, "2015-07").empty
        assert workbench.failing_rows(1, text).empty
        assert workbench.results(-1).empty
        with warehouse.connect_read_only(wh) as con:
            assert caveats(con, measure=text).empty
            assert current_figures(con, FigureFilter(measures=(text,), districts=(text,))).empty
    with pytest.raises(duckdb.ConversionException):  # a month that is not a date is refused, not spliced
        workbench.history("cse_charges", "Rotherham", "2015-07' OR '1'='1")
    assert fingerprint(wh) == before


def test_hostile_filter_values_on_the_cli_are_refused_by_name(run_cli, sample_db):
    for text in HOSTILE[:4]:
        out = run_cli("figures", "--db", sample_db, "--measure", text)
        assert out.exit_code != 0 and "is not in the measure catalogue" in out.output
        out = run_cli("figures", "--db", sample_db, "--district", text)
        assert out.exit_code != 0 and "is not a district" in out.output


@pytest.fixture
def published_july(monkeypatch, sample_db, tmp_path):
    """A copy of the sample warehouse with July 2015 approved and published; the public side reads its snapshot."""
    from pipelines.publish.approval import approve
    from pipelines.publish.snapshot import publish

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], claims_of("pcc@example.org"))
        publish(con, claims_of("pcc@example.org"), tmp_path / "published")
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    return db


def test_hostile_values_to_the_public_reader_find_nothing(published_july):
    from dashboard import public_data

    for text in HOSTILE:
        assert public_data.cells(text, text).empty
        assert public_data.monthly(text, text).empty
        assert public_data.caveats([text, text]).empty
    assert len(public_data.cells("month", "2015-07")) > 0


def test_the_public_door_refuses_to_open_the_warehouse_through_sql(published_july):
    db = published_july
    for sql in (f"ATTACH '{db}' AS wh", f"SELECT * FROM read_csv('{ROOT / 'README.md'}')",
                f"SELECT * FROM '{db}'", "INSTALL httpfs", "COPY figure TO '/tmp/leak.csv'"):
        with pytest.raises(duckdb.Error):
            public_door.read(sql)


def test_the_public_app_shows_nothing_from_a_warehouse_it_is_pointed_at(monkeypatch, sample_db, tmp_path):
    """Even with PCCDASH_DB set to a full warehouse, the public app has nothing published to show."""
    monkeypatch.setenv("PCCDASH_DB", str(sample_db))
    at = public(monkeypatch, tmp_path / "empty", "public_pages/summary.py")
    assert [h.value for h in at.header] == ["Nothing published yet"]
