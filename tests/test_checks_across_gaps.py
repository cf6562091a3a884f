"""A figure is compared with the latest earlier month that has one (saying how many months apart), and a contract
may declare rules per measure (a change with its own thresholds, the same month last year, a ratio between two
measures), each reported on the file, sheet, row and column it concerns, and refused at load when malformed."""

from __future__ import annotations

import pytest
from test_contracts import (
    CONTRACT_FILE,
    add_to_schema,
    caveats,
    copy_contract,
    failed_rules,
    last_run,
    load,
    month,
    samples,
    write_return,
)

from pipelines import warehouse
from pipelines.contracts import ContractError, load_contract
from pipelines.contracts.contract import CONTRACTS_DIR

LIVE = "cse_live_investigations"


def declared(rule_id: str, check: str, severity: str = "warning", **props) -> dict:
    """A rule declared per measure, as a contract writes it."""
    return {"id": rule_id, "description": "Declared per measure.", "dimension": "accuracy", "severity": severity,
            "type": "custom", "engine": "pccdash", "implementation": check,
            "customProperties": [{"property": k, "value": v} for k, v in props.items()]}


@pytest.fixture
def contract_with(tmp_path, monkeypatch):
    """Use the bundled contract with `rule` added to it."""
    def use(rule: dict) -> None:
        folder = tmp_path / "contracts"
        copy_contract(folder, edit=add_to_schema(rule))
        monkeypatch.setenv("PCCDASH_CONTRACTS_DIR", str(folder))
        assert rule["id"] in load_contract().rule_ids
    return use


# ---------------------------------------------------------------------------------------------------
# Month on month, across missing months


def test_a_jump_across_missing_months_is_warned_naming_how_far_apart(con, tmp_path):
    """Regression: June's 410 against March's 41 passed because May, the month before, was missing."""
    load(con, write_return(tmp_path / "march.csv", month("2026-03", LIVE, (30, 25, 35, 41))))
    name = "june.xlsx"
    outcome = load(con, write_return(tmp_path / name, month("2026-06", LIVE, (31, 24, 36, 410))))

    assert outcome.outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"month_on_month_change": 1}
    message = ("Live CSE investigations in Sheffield went to 410 in June 2026 from 41 in March 2026, three months "
               "earlier: check the figure.")
    assert samples(con, run_id, "month_on_month_change") == [("Return", 5, "value", message)]
    assert caveats(con) == [("2026-06", "Sheffield", LIVE, "month_on_month_change", "warning", message)]


def test_a_jump_across_missing_months_within_one_file_is_warned(con, tmp_path):
    name = "march-and-june.csv"
    load(con, write_return(tmp_path / name, month("2026-03", LIVE, (30, 25, 35, 41))
                           + month("2026-06", LIVE, (31, 24, 36, 410))))
    run_id = last_run(con, name)[0]
    assert samples(con, run_id, "month_on_month_change") == [
        (None, 9, "value", "Live CSE investigations in Sheffield went to 410 in June 2026 from 41 in March 2026, "
                           "three months earlier: check the figure.")]


def test_the_month_immediately_before_still_reads_went_from(con, tmp_path):
    load(con, write_return(tmp_path / "may.csv", month("2026-05", LIVE, (30, 25, 35, 41))))
    name = "june.csv"
    load(con, write_return(tmp_path / name, month("2026-06", LIVE, (31, 24, 36, 410))))
    assert samples(con, last_run(con, name)[0], "month_on_month_change") == [
        (None, 5, "value", "Live CSE investigations in Sheffield went from 41 in May 2026 to 410 in June 2026: check "
                           "the figure.")]


def test_the_comparison_is_with_the_latest_earlier_month_not_an_older_one(con, tmp_path):
    load(con, write_return(tmp_path / "march.csv", month("2026-03", LIVE, (30, 25, 35, 41))))
    load(con, write_return(tmp_path / "may.csv", month("2026-05", LIVE, (30, 25, 35, 400))))
    assert samples(con, last_run(con, "may.csv")[0], "month_on_month_change")[0][3].startswith(
        "Live CSE investigations in Sheffield went to 400 in May 2026 from 41 in March 2026, two months earlier")
    load(con, write_return(tmp_path / "june.csv", month("2026-06", LIVE, (31, 24, 36, 410))))
    assert last_run(con, "june.csv")[1] == "passed", "410 is compared with May's 400, not March's 41"


def test_a_minimum_change_below_its_threshold_is_not_warned_and_above_it_is(con, tmp_path):
    # Barnsley 3 -> 9 is three times but a change of 6, under 10; Sheffield 41 -> 410 is both
    load(con, write_return(tmp_path / "march.csv", month("2026-03", LIVE, (3, 25, 35, 41))))
    name = "june.csv"
    load(con, write_return(tmp_path / name, month("2026-06", LIVE, (9, 24, 36, 410))))
    found = samples(con, last_run(con, name)[0], "month_on_month_change")
    assert [row for _s, row, _c, _m in found] == [5], "only Sheffield's row"


# ---------------------------------------------------------------------------------------------------
# Rules declared per measure


def test_a_measure_with_its_own_change_rule_is_judged_by_it_alone(con, tmp_path, contract_with):
    contract_with(declared("live_investigations_change", "change", measure=LIVE, maxRatio=1.5, minChange=5))
    load(con, write_return(tmp_path / "march.csv", month("2026-03", LIVE, (3, 25, 35, 41))))
    name = "june.csv"
    load(con, write_return(tmp_path / name, month("2026-06", LIVE, (9, 24, 36, 410))))
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"live_investigations_change": 2}, "the general rule no longer covers it"
    assert [m for _s, _r, _c, m in samples(con, run_id, "live_investigations_change")] == [
        "Live CSE investigations in Barnsley went to 9 in June 2026 from 3 in March 2026, three months earlier: "
        "check the figure.",
        "Live CSE investigations in Sheffield went to 410 in June 2026 from 41 in March 2026, three months earlier: "
        "check the figure."]


def test_the_bundled_headcount_rule_warns_of_a_quarter_jump_of_fifty_or_more(con, tmp_path):
    load(con, write_return(tmp_path / "may.csv", month("2026-05", "officer_headcount", (780, 500, 600, 1200))))
    name = "june.csv"
    load(con, write_return(tmp_path / name, month("2026-06", "officer_headcount", (1000, 540, 610, 1250))))
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"headcount_change": 1}
    assert samples(con, run_id, "headcount_change") == [
        (None, 2, "value", "Officer headcount in Barnsley went from 780 in May 2026 to 1000 in June 2026: check the "
                           "figure.")]


def test_the_share_arrested_within_12_weeks_is_questioned_only_on_a_swing_of_half_the_scale(con, tmp_path):
    load(con, write_return(tmp_path / "may.csv", month("2026-05", "cse_suspects_arrested_12w_pct", (0, 20, 10, 70))))
    name = "june.csv"
    load(con, write_return(tmp_path / name, month("2026-06", "cse_suspects_arrested_12w_pct", (40, 80, 30, 15))))
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"arrested_within_12_weeks_change": 2}, "Barnsley's 0 to 40 is no question"
    assert [m for _s, _r, _c, m in samples(con, run_id, "arrested_within_12_weeks_change")] == [
        "Suspects arrested within 12 weeks (%) in Doncaster went from 20 in May 2026 to 80 in June 2026: check "
        "the figure.",
        "Suspects arrested within 12 weeks (%) in Sheffield went from 70 in May 2026 to 15 in June 2026: check "
        "the figure."]


def test_a_seasonal_rule_compares_with_the_same_month_last_year(con, tmp_path):
    load(con, write_return(tmp_path / "june-2025.csv", month("2025-06", "cce_referrals", (10, 10, 12, 14))))
    load(con, write_return(tmp_path / "may-2026.csv", month("2026-05", "cce_referrals", (12, 30, 13, 15))))
    name = "june-2026.xlsx"
    outcome = load(con, write_return(tmp_path / name, month("2026-06", "cce_referrals", (20, 40, 12, 15))))

    assert outcome.outcome == "accepted"
    run_id = last_run(con, name)[0]
    # Doncaster: 40 against May's 30 is no jump, against last June's 10 it is; Barnsley 10 -> 20 is under 25
    assert failed_rules(con, run_id) == {"cce_referrals_same_month_last_year": 1}
    message = ("CCE referrals in Doncaster went to 40 in June 2026 from 10 in June 2025, the same month last year: "
               "check the figure.")
    assert samples(con, run_id, "cce_referrals_same_month_last_year") == [("Return", 3, "value", message)]
    assert [c for c in caveats(con) if c[0] == "2026-06"] == [
        ("2026-06", "Doncaster", "cce_referrals", "cce_referrals_same_month_last_year", "warning", message)]


def test_a_ratio_breach_is_warned_on_the_row_the_file_sends(con, tmp_path):
    # Rotherham's 12 charges exceed its 7 arrests by more than the tolerance of 4; Sheffield's 12 against 8 does not
    name = "july.xlsx"
    rows = month("2015-07", "cse_arrests", (5, 6, 7, 8)) + month("2015-07", "cse_charges", (1, 2, 12, 12))
    assert load(con, write_return(tmp_path / name, rows)).outcome == "accepted"
    run_id = last_run(con, name)[0]
    assert failed_rules(con, run_id) == {"charges_within_arrests": 1}
    message = "CSE charges (12) is more than CSE arrests (7) for Rotherham in July 2015: check the figures."
    assert samples(con, run_id, "charges_within_arrests") == [("Return", 8, "value", message)]
    assert caveats(con) == [("2015-07", "Rotherham", "cse_charges", "charges_within_arrests", "warning", message)]


def test_a_ratio_is_checked_when_the_file_revises_the_other_measure(con, tmp_path):
    rows = month("2015-07", "cse_arrests", (5, 6, 7, 8)) + month("2015-07", "cse_charges", (1, 2, 10, 4))
    load(con, write_return(tmp_path / "july.csv", rows))
    name = "arrests-revised.csv"
    load(con, write_return(tmp_path / name, [["2015-07", "Rotherham", "cse_arrests", 3]]))
    assert samples(con, last_run(con, name)[0], "charges_within_arrests") == [
        (None, 2, "value", "CSE charges (10) is more than CSE arrests (3) for Rotherham in July 2015: check the "
                           "figures.")]


def test_a_bounded_ratio_of_severity_error_refuses_the_file(con, tmp_path, contract_with):
    contract_with(declared("trained_at_least_half", "ratio", severity="error", measure="officers_trained",
                           against="officer_headcount", minRatio=0.5))
    name = "trained.csv"
    rows = month("2015-07", "officers_trained", (10, 60, 70, 80)) + month("2015-07", "officer_headcount",
                                                                         (100, 100, 100, 100))
    outcome = load(con, write_return(tmp_path / name, rows))

    assert outcome.outcome == "rejected"
    message = ("Officers trained (10) is less than 0.5 times Officer headcount (100) for Barnsley in July 2015: check "
               "the figures.")
    assert samples(con, last_run(con, name)[0], "trained_at_least_half") == [(None, 2, "value", message)]
    assert (2, message) in [(p.row, p.text) for p in outcome.problems]
    assert con.execute("SELECT count(*) FROM figure").fetchall() == [(0,)]


@pytest.mark.slow
def test_the_sample_is_unchanged_by_the_declared_rules(sample_db):

    # (the share arrested within 12 weeks, a few suspects a month, does swing in the sample: its rule speaks there)
    declared_ids = ["headcount_change", "charges_within_arrests", "cce_referrals_same_month_last_year"]
    with warehouse.connect_read_only(sample_db) as con:
        fired = con.execute("SELECT DISTINCT rule_id FROM validation_result WHERE NOT passed AND list_contains(?, "
                            "rule_id)", [declared_ids]).fetchall()
    assert fired == []


# ---------------------------------------------------------------------------------------------------
# A malformed declaration is refused when the contract loads

MALFORMED = [
    ("unknown_check", declared("r1", "trend", measure=LIVE, maxRatio=2), 'names its check as implementation'),
    ("check_as_a_mapping", {**declared("r10", "change"), "implementation": {"type": "change"}},
     "names its check as implementation"),
    ("misspelt_property", declared("r2", "change", measure=LIVE, maxRaito=2),
     '"maxRaito" is not a property of a change rule'),
    ("unknown_measure", declared("r3", "ratio", measure="cse_charge", against="cse_arrests", maxRatio=1),
     'measure "cse_charge" is not a measure of the force\'s return'),
    ("ratio_without_against", declared("r4", "ratio", measure="cse_charges", maxRatio=1),
     "a ratio rule names the measure and the measure it is compared against"),
    ("ratio_without_bound", declared("r5", "ratio", measure="cse_charges", against="cse_arrests"),
     "a ratio rule sets maxRatio, minRatio or both"),
    ("not_a_number", declared("r6", "same_month_last_year", measure=LIVE, maxRatio="three"),
     'maxRatio must be a number of zero or more, such as 3, not "three"'),
    ("ratio_below_one", declared("r7", "change", measure=LIVE, maxRatio=0.5), "sets maxRatio, 1 or more"),
    ("message_without_detail", declared("r8", "change", measure=LIVE, maxRatio=2, message="Check it."),
     "its message must include {detail}"),
    ("second_rule_for_every_measure", declared("r9", "change", maxRatio=2),
     'rule "month_on_month_change" already makes the change check for every measure'),
]


@pytest.mark.parametrize("case,rule,words", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_a_malformed_declaration_is_refused_naming_the_file_and_rule(tmp_path, case, rule, words):
    copy_contract(tmp_path, edit=add_to_schema(rule))
    with pytest.raises(ContractError) as exc:
        load_contract("force_cse_return", folder=tmp_path)
    text = str(exc.value)
    assert text.startswith(f'Contract "{CONTRACT_FILE}", rule "{rule["id"]}": '), text
    assert words in text, text


def test_the_bundled_declarations_load_as_warnings():
    by_id = {r.id: r for r in load_contract(folder=CONTRACTS_DIR).set_rules}
    assert {rid: by_id[rid].severity for rid in ("month_on_month_change", "headcount_change", "charges_within_arrests",
                                                 "cce_referrals_same_month_last_year")} == dict.fromkeys(
        ("month_on_month_change", "headcount_change", "charges_within_arrests", "cce_referrals_same_month_last_year"),
        "warning")
