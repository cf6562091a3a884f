"""A return may break a measure down by a declared dimension: the long layout with a column per dimension, the wide
layout with a block (CSV) or sheet (XLSX) per breakdown. Either way each category lands in `figure_breakdown` with
the cell it came from, the measure's own figure stays as a totals-only return leaves it, and what is wrong is named
by file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import fingerprint, write_csv, write_xlsx

from pipelines import warehouse
from pipelines.catalogue import reference_dir
from pipelines.ingest import describe, ingest

DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
# victims supported in July and August 2015, and each district's split by the victim's sex
TOTALS = {("2015-07", "Barnsley"): 5, ("2015-07", "Doncaster"): 3, ("2015-07", "Rotherham"): 4,
          ("2015-07", "Sheffield"): 6, ("2015-08", "Barnsley"): 2, ("2015-08", "Doncaster"): 7,
          ("2015-08", "Rotherham"): 0, ("2015-08", "Sheffield"): 9}
SPLIT = {("2015-07", "Barnsley"): (3, 1, 0, 1), ("2015-07", "Doncaster"): (1, 2, 0, 0),
         ("2015-07", "Rotherham"): (2, 1, 1, 0), ("2015-07", "Sheffield"): (4, 2, 0, 0),
         ("2015-08", "Barnsley"): (1, 1, 0, 0), ("2015-08", "Doncaster"): (3, 3, 0, 1),
         ("2015-08", "Rotherham"): (0, 0, 0, 0), ("2015-08", "Sheffield"): (5, 2, 1, 1)}
SEXES = ("Female", "Male", "Not stated", "Not recorded")
SEX_IDS = ("female", "male", "not_stated", "not_recorded")


def long_rows(with_breakdown: bool = True) -> list[list]:
    rows = []
    for (period, district), total in TOTALS.items():
        rows.append([period, district, "victims_supported", total, None])
        if with_breakdown:
            rows += [[period, district, "victims_supported", n, sex]
                     for sex, n in zip(SEXES, SPLIT[period, district], strict=True)]
    return rows


def write_long(path: Path, rows: list[list], heading: str = "victim_sex", blank_line: bool = False) -> Path:
    header = ["period", "district", "measure", "value", heading]
    if path.suffix == ".xlsx":
        return write_xlsx(path, {"Return": [header, *rows]})
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in r) for r in rows]
    if blank_line:
        lines.insert(2, "")
    return write_csv(path, "\n".join(lines) + "\n")


def wide_blocks(total_column: bool = True) -> tuple[list[list], list[list]]:
    """The measure's block and its breakdown's block, as rows of cells."""
    months = sorted({p for p, _ in TOTALS})
    measure = [["Measure", "victims_supported"], ["Period", *DISTRICTS]]
    measure += [[p, *(TOTALS[p, d] for d in DISTRICTS)] for p in months]
    breakdown = [["Measure", "victims_supported"], ["Breakdown", "Sex of the victim"],
                 ["Period", "District", *SEXES, *(["Total"] if total_column else [])]]
    for p in months:
        for d in DISTRICTS:
            split = list(SPLIT[p, d])
            breakdown.append([p, d, *split, *([sum(split)] if total_column else [])])
    return measure, breakdown


def write_wide(path: Path, total_column: bool = True, edit=None) -> Path:
    measure, breakdown = wide_blocks(total_column)
    if edit:
        edit(breakdown)
    if path.suffix == ".xlsx":
        return write_xlsx(path, {"victims_supported": measure, "Victims by sex": breakdown})
    lines = [",".join(str(c) for c in r) for r in (*measure, [], *breakdown)]
    return write_csv(path, "\n".join(lines) + "\n")


def load(db: Path, path: Path):
    with warehouse.connect(db) as con:
        report = ingest(con, [path])
    return report.files[0]


def breakdowns(db: Path) -> dict[tuple, float]:
    with warehouse.connect_read_only(db) as c:
        return {(strftime, d, dim, cat): v for strftime, d, dim, cat, v in c.execute(
            "SELECT strftime(period, '%Y-%m'), district, dimension, category, value FROM figure_breakdown "
            "WHERE measure = 'victims_supported'").fetchall()}


def expected() -> dict[tuple, float]:
    return {(p, d, "victim_sex", sex): float(n)
            for (p, d), split in SPLIT.items() for sex, n in zip(SEX_IDS, split, strict=True)}


def figures(db: Path) -> list[tuple]:
    with warehouse.connect_read_only(db) as c:
        return c.execute("SELECT period, district, measure, value FROM figure ORDER BY ALL").fetchall()


FILES = {
    "long.csv": lambda p: write_long(p, long_rows()),
    "long-blank-line.csv": lambda p: write_long(p, long_rows(), blank_line=True),  # read by Python, not DuckDB
    "long.xlsx": lambda p: write_long(p, long_rows()),
    "wide.csv": write_wide,
    "wide.xlsx": write_wide,
}


@pytest.mark.parametrize("name", list(FILES))
def test_every_layout_gives_the_same_breakdown_and_leaves_the_totals_as_a_totals_only_return(tmp_path, name):
    path = FILES[name](tmp_path / name.replace("-blank-line", ""))
    outcome = load(tmp_path / "wh.duckdb", path)
    assert outcome.outcome == "accepted", outcome.problems
    assert breakdowns(tmp_path / "wh.duckdb") == expected()

    plain = tmp_path / "plain.duckdb"
    assert load(plain, write_long(tmp_path / "totals.csv", long_rows(with_breakdown=False))).outcome == "accepted"
    assert figures(tmp_path / "wh.duckdb") == figures(plain)
    assert "8 figures read (and 32 breakdown categories), 8 new" in describe(outcome)
    assert "; of the breakdown categories, 32 new, 0 revised, 0 unchanged" in describe(outcome)
    with warehouse.connect_read_only(tmp_path / "wh.duckdb") as c:
        assert c.execute("SELECT figures_new FROM file_registry").fetchall() == [(8,)]
        # what was sent, month by month, so that a breakdown left out later is told from one sent as noughts
        assert c.execute("SELECT strftime(period, '%Y-%m'), measure, dimension, categories FROM breakdown_coverage "
                         "ORDER BY ALL").fetchall() == [("2015-07", "victims_supported", "victim_sex", 16),
                                                        ("2015-08", "victims_supported", "victim_sex", 16)]


def test_a_file_resending_a_breakdown_says_how_many_of_its_categories_it_revised(tmp_path):
    """Regression: a file correcting only a breakdown's categories said "0 new, 0 revised, 8 unchanged" and nothing of
    the category it revised."""
    db = tmp_path / "wh.duckdb"
    assert load(db, write_long(tmp_path / "first.csv", long_rows())).outcome == "accepted"
    rows = long_rows()
    rows[1] = [*rows[1][:3], rows[1][3] + 1, rows[1][4]]  # one category one more ...
    rows[2] = [*rows[2][:3], rows[2][3] - 1, rows[2][4]]  # ... and the next one fewer: the total stands
    outcome = load(db, write_long(tmp_path / "again.csv", rows))
    assert outcome.outcome == "accepted", outcome.problems
    assert "0 new, 0 revised, 8 unchanged; of the breakdown categories, 0 new, 2 revised, 30 unchanged" in describe(
        outcome), describe(outcome)


@pytest.mark.parametrize("name,sheet,row,column", [
    ("long.csv", None, 5, "victim_sex"), ("long.xlsx", "Return", 5, "victim_sex"),
    ("wide.csv", None, 9, "Not stated"), ("wide.xlsx", "Victims by sex", 4, "Not stated")])
def test_each_category_keeps_the_cell_it_came_from(tmp_path, name, sheet, row, column):
    """Barnsley's July victims whose sex was not stated: where each layout wrote the nought."""
    outcome = load(tmp_path / "wh.duckdb", FILES[name](tmp_path / name))
    assert outcome.outcome == "accepted"
    with warehouse.connect_read_only(tmp_path / "wh.duckdb") as c:
        cell = c.execute(
            "SELECT f.name, b.source_sheet, b.source_row, b.source_column, b.category_text, b.value "
            "FROM figure_breakdown b JOIN file_registry f USING (file_id) WHERE b.district = 'Barnsley' "
            "AND b.period = DATE '2015-07-01' AND b.category = 'not_stated'").fetchall()
    assert cell == [(name, sheet, row, column, "Not stated", 0.0)]


def test_a_category_may_be_written_by_its_id_label_or_alias_in_any_case(tmp_path):
    rows = [["2015-07", "Barnsley", "victims_supported", 3, None],
            ["2015-07", "Barnsley", "victims_supported", 1, "FEMALE"],
            ["2015-07", "Barnsley", "victims_supported", 1, "male"],
            ["2015-07", "Barnsley", "victims_supported", 1, "not_recorded"]]
    rows += [["2015-07", d, "victims_supported", 1, None] for d in DISTRICTS[1:]]
    assert load(tmp_path / "wh.duckdb", write_long(tmp_path / "r.csv", rows, heading="Sex of the victim")
                ).outcome == "accepted"
    assert sorted(k[3] for k in breakdowns(tmp_path / "wh.duckdb")) == ["female", "male", "not_recorded"]


def test_a_resent_category_is_a_revision_of_that_category_alone(tmp_path):
    db = tmp_path / "wh.duckdb"
    assert load(db, write_long(tmp_path / "july.csv", long_rows())).outcome == "accepted"
    fixed = [["2015-07", "Barnsley", "victims_supported", 5, None],
             ["2015-07", "Barnsley", "victims_supported", 2, "Female"],
             ["2015-07", "Barnsley", "victims_supported", 2, "Male"]]
    assert load(db, write_long(tmp_path / "july-fixed.csv", fixed)).outcome == "accepted"
    with warehouse.connect_read_only(db) as c:
        revised = c.execute("SELECT category, revision, value, previous_value FROM figure_breakdown_revision "
                            "WHERE revision > 1 ORDER BY ALL").fetchall()
    assert revised == [("female", 2, 2.0, 3.0), ("male", 2, 2.0, 1.0)]
    now = expected() | {("2015-07", "Barnsley", "victim_sex", "female"): 2.0,
                        ("2015-07", "Barnsley", "victim_sex", "male"): 2.0}
    assert breakdowns(db) == now


def test_a_breakdown_that_would_no_longer_add_up_after_a_revision_is_refused(tmp_path):
    """A total revised on its own is checked against the breakdown the warehouse holds."""
    db = tmp_path / "wh.duckdb"
    assert load(db, write_long(tmp_path / "july.csv", long_rows())).outcome == "accepted"
    before = fingerprint(db)
    outcome = load(db, write_long(tmp_path / "fix.csv", [["2015-08", "Sheffield", "victims_supported", 10, None]]))
    assert outcome.outcome == "rejected"
    assert [(p.row, p.column, p.text) for p in outcome.problems] == [
        (2, "value", "the breakdown by sex of the victim of Victims supported for Sheffield in August 2015 adds up to "
                     "9 where the figure for the measure is 10: a breakdown's categories add up to the figure it "
                     "breaks down.")]
    assert fingerprint(db) == before


def test_a_breakdown_without_its_total_is_refused_at_its_first_row(tmp_path):
    rows = [["2015-07", "Barnsley", "victims_supported", 2, "Female"]]
    outcome = load(tmp_path / "wh.duckdb", write_long(tmp_path / "r.xlsx", rows))
    assert outcome.outcome == "rejected"
    assert [(p.sheet, p.row, p.column, p.text) for p in outcome.problems] == [
        ("Return", 2, "value", "the breakdown by sex of the victim of Victims supported for Barnsley in July 2015 adds "
                               "up to 2, and there is no figure for the measure itself: a breakdown's categories add "
                               "up to the figure it breaks down.")]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_an_undeclared_value_is_refused_naming_file_row_and_column_and_is_quarantined_as_written(tmp_path, ext):
    rows = long_rows()
    rows[3][4] = "Unknown sex"  # Barnsley, July: the third category row (spreadsheet row 5)
    db = tmp_path / "wh.duckdb"
    name = f"r.{ext}"
    outcome = load(db, write_long(tmp_path / name, rows))
    assert outcome.outcome == "rejected"
    told = [(p.file, p.row, p.column, p.text) for p in outcome.problems]
    assert told == [(name, 5, "victim_sex", '"Unknown sex" is not one of the values declared for this breakdown in '
                                           f'"{reference_dir() / "dimensions.yaml"}".')]
    assert fingerprint(db) == []
    with warehouse.connect_read_only(db) as c:
        assert c.execute("SELECT source_row, dimension, category_text, category_column, reasons FROM quarantine"
                         ).fetchall() == [(5, "victim_sex", "Unknown sex", "victim_sex", ["breakdown_value_declared"])]


def test_a_wide_breakdown_with_an_undeclared_category_is_named_at_its_heading(tmp_path):
    def misspell(rows):
        rows[2][3] = "Mail"

    outcome = load(tmp_path / "wh.duckdb", write_wide(tmp_path / "w.xlsx", edit=misspell))
    assert outcome.outcome == "rejected"
    problems = {(p.sheet, p.column, p.text) for p in outcome.problems}
    assert problems == {("Victims by sex", "Mail", '"Mail" is not one of the values declared for this breakdown in '
                                                   f'"{reference_dir() / "dimensions.yaml"}".')}
    assert min(p.row for p in outcome.problems) == 4


def test_a_wrong_total_in_a_wide_breakdown_is_named_at_its_cell(tmp_path):
    def wrong(rows):
        rows[4][-1] = 99  # Doncaster, July

    outcome = load(tmp_path / "wh.duckdb", write_wide(tmp_path / "w.csv", edit=wrong))
    assert outcome.outcome == "rejected"
    assert [(p.row, p.column, p.text) for p in outcome.problems] == [
        (10, "Total", 'the total "99" does not equal the sum of the categories (3). Correct the total or the category '
                      "figures.")]


def test_an_undeclared_dimension_and_a_row_broken_down_two_ways_are_named(tmp_path):
    def unknown(rows):
        rows[1][1] = "Star sign"

    outcome = load(tmp_path / "wh.duckdb", write_wide(tmp_path / "w.csv", edit=unknown))
    assert outcome.outcome == "rejected"
    assert [(p.row, p.column, p.text) for p in outcome.problems] == [
        (7, "B", f'"Star sign" is not a dimension declared in "{reference_dir() / "dimensions.yaml"}".')]

    header = "period,district,measure,value,victim_sex,victim_ethnicity\n"
    text = header + "2015-07,Barnsley,victims_supported,1,,\n2015-07,Barnsley,victims_supported,1,Female,Pakistani\n"
    outcome = load(tmp_path / "wh.duckdb", write_csv(tmp_path / "two.csv", text))
    assert outcome.outcome == "rejected"
    assert [(p.row, p.column) for p in outcome.problems] == [(3, "victim_ethnicity")]
    assert "two dimensions at once" in outcome.problems[0].text


def test_an_accepted_breakdown_passes_its_contract_again(tmp_path, run_cli):
    db = tmp_path / "wh.duckdb"
    assert load(db, write_wide(tmp_path / "w.csv")).outcome == "accepted"
    result = run_cli("validate", "--db", str(db))
    assert result.exit_code == 0, result.output


def test_approved_months_short_of_a_year_publish_no_breakdown(tmp_path, monkeypatch):
    """Two months of one published breakdown approved, and none of the others: nothing to publish of them yet."""
    from pipelines.publish.approval import approve
    from pipelines.publish.breakdowns import approved_breakdowns
    from tests.dashboard_helpers import PCC

    db = tmp_path / "wh.duckdb"
    assert load(db, write_long(tmp_path / "r.csv", long_rows())).outcome == "accepted"
    with warehouse.connect(db) as con:
        approve(con, ["2015-07", "2015-08"], PCC)
        assert approved_breakdowns(con).empty


def test_checking_a_breakdown_correction_before_loading_says_which_categories_it_would_change(tmp_path):
    from pipelines.ingest.preview import preview

    db = tmp_path / "wh.duckdb"
    assert load(db, write_long(tmp_path / "july.csv", long_rows())).outcome == "accepted"
    fixed = [["2015-07", "Barnsley", "victims_supported", 5, None],
             ["2015-07", "Barnsley", "victims_supported", 2, "Female"],
             ["2015-07", "Barnsley", "victims_supported", 2, "Male"]]
    with warehouse.connect(db) as con:
        (p,) = preview(con, [write_long(tmp_path / "fix.csv", fixed)])
    assert p.loadable and (p.new, p.revised, p.unchanged) == (0, 0, 1)
    assert (p.categories_new, p.categories_revised) == (0, 2)
    assert "of their breakdowns it would add 0 categories and revise 2" in p.sentence()


def test_a_return_of_one_figure_is_said_to_have_one_figure_read(tmp_path):
    """Regression: a one-figure correction read "1 figures read"."""
    one = write_csv(tmp_path / "one.csv", "period,district,measure,value\n2015-07,Rotherham,cse_charges,4\n")
    outcome = load(tmp_path / "wh.duckdb", one)
    assert outcome.outcome == "accepted", outcome.problems
    assert "accepted as file #1: 1 figure read, 1 new, 0 revised, 0 unchanged" in describe(outcome)


def test_one_breakdown_category_is_said_in_the_singular():
    """Regression: a file with one breakdown category read "(and 1 breakdown categories)"."""
    from pipelines.ingest.load import FileOutcome
    from pipelines.ingest.preview import FilePreview

    one = FileOutcome("f.csv", Path("f.csv"), "accepted", file_id=3, rows=2, categories=1, categories_new=1)
    assert "1 figure read (and 1 breakdown category), 0 new" in describe(one)
    assert FilePreview("f.csv", b"", rows=2, categories=1).read() == "1 figure (and 1 breakdown category)"
    assert FilePreview("f.csv", b"", rows=5, categories=3).read() == "2 figures (and 3 breakdown categories)"
