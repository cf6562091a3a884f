"""Illustrative sample returns for South Yorkshire Police: what `pccdash demo` loads.

THE FIGURES ARE ILLUSTRATIVE. They are made up by the model below so that the dashboard has something
plausible to show; they are not the force's data. The one exception is the totals South Yorkshire
Police gave the press in August 2015, which the sample matches exactly (once the correction file is
applied), for the twelve months August 2014 to July 2015:

- `cse_arrests`: 460 force-wide, of which `grooming_arrests`: 76;
- `cse_charges`: 54 force-wide, of which 22 in Rotherham;
- `cse_live_investigations` at the end of July 2015: 155 force-wide, of which 46 in Rotherham.

What is written
---------------
One return per financial year, April 2013 to March 2026, for the four districts and every measure in
the catalogue (`pipelines/reference/measures.yaml`), mixing the two layouts of
`docs/return-format.md` and both file types so that the reader of each is exercised:

- FY 2013-14 .. 2016-17  XLSX, wide: a `Notes` sheet, then one sheet per measure (title row,
                         `Measure` row, `Period | districts | Total` header, one row per month);
- FY 2017-18 .. 2020-21  CSV, long (`period,district,measure,value`);
- FY 2021-22 .. 2023-24  CSV, wide blocks (`Measure,<id>` row, header, month rows, blank line); from
                         April 2023 a measure's block is followed by one block per breakdown
                         (`Measure,<id>` and `Breakdown,<dimension>` rows, a
                         `Period,District,<value labels>,Total` header, a row per month and district);
- FY 2024-25 .. 2025-26  XLSX, long (one sheet `Return`), with a column per dimension broken down in
                         the file after `value`: a row with them all empty is the measure's figure, a
                         row with one filled is the count of that value (its label, from
                         `dimensions.yaml`), every value written, zeros included;
- `2015-16-z-corrections.csv`, long with a `note` column: three FY 2014-15 figures revised in
  September 2015. The FY 2014-15 return holds the first (wrong) figures; the corrected ones are
  those that make the published totals hold. Sorted file names are the load order, so the
  correction loads after the returns it revises.

The model
---------
Months are indexed from April 2013. Each count series is, for district d and month t,

    expected(d, t) = level(t) x share(d, t) x season(month of t) x shock(t)

- level(t): the force-wide monthly mean, piecewise linear between dated knots (`_LEVELS`). The CSE
  series (arrests, charges, referrals, CAWNs, live investigations, victims supported) are flat
  until the Jay Report (published August 2014) and then rise over three to six months to a new
  plateau, drifting down slowly in later years. SHPOs/SROs step up when SHPOs replaced SOPOs
  (March 2015; earlier months count the predecessor orders). CCE referrals and online grooming
  offences start in April 2017 (the offence of sexual communication with a child came into force
  then) and grow.
- share(d, t): population share (Sheffield ~580k, Doncaster ~310k, Rotherham ~265k, Barnsley
  ~245k) times a district factor. For CSE measures Rotherham's factor is 1.3 before August 2014
  and rises to a measure-specific 1.4-3.0 by early 2015 (`ROTHERHAM_FACTOR`), with 30% of the
  excess fading by 2025; Sheffield's is 0.85. CCE referrals are a little higher in Doncaster and
  Sheffield.
- season: calendar-month factors averaging 1: CSE flows dip in August and December; referrals
  follow the school year; mental-health demand peaks in summer. Stocks and victims supported
  have none.
- shock: April-June 2020 (first lockdown) lowers arrests and referrals and raises online grooming.

A flow's value is a Poisson draw with mean expected(d, t) times a log-normal factor (sd 0.12 for
CSE counts, 0.04 for mental-health incidents): overdispersed, whole and never negative, so small
counts (0-5) are common for charges, CAWNs and SHPOs per district-month.

- `grooming_arrests` is a binomial thinning of `cse_arrests` (p 0.10 before the Jay Report, 0.17
  after), so it never exceeds the arrests.
- `cse_live_investigations` (a stock) is the expected level times an AR(1) log-noise (phi 0.7).
- `officer_headcount` (a stock) follows district establishments with austerity cuts to 2017 and
  the officer uplift from late 2019, with small AR(1) noise. `officers_trained` is headcount times
  a trained proportion rising from 3% in 2013 through 8% in August 2014 to about 95% from 2020
  (Rotherham ahead after 2014, Sheffield a little behind); `officers_trained_pct` is
  round(100 x trained / headcount, 1).
- `rcrp_mental_health_incidents` is hundreds per district-month, rising slowly to 2023, then
  dropping in three stages as Right Care, Right Person is introduced (November 2023, June 2024,
  February 2025).
- What forces report on CSE since the national audit on group-based offending (`AUDIT_MEASURES`)
  starts in April 2023, with Rotherham's CSE factor: group-based offences (about 8 a month force-wide,
  11 by 2026), suspects identified (about 40), charges, cautions and no further action as outcomes
  (about 5, 1 and 20), victims referred for support (about 30) and reviews of cases closed with no
  further action (about 3 a month, 10 to 12 from autumn 2025). Suspects arrested within 12 weeks are
  a binomial thinning of the suspects identified (p 0.20 rising to 0.30; 23% nationally in 2024),
  and `cse_suspects_arrested_12w_pct` is round(100 x arrested / identified, 1); cases reopened are a
  thinning of those reviewed (p 0.12 to 0.18).

Breakdowns: every breakdown the catalogue declares (a measure's `breakdowns`, from their `from`
month) splits each district-month figure over the dimension's values, so the parts add up to the
figure exactly. The count not recorded (or not stated) is drawn first, binomially, at a share set by
month (`_UNRECORDED_SHARES`: suspects' ethnicity about 26% in 2023 falling to about 12% by March
2026 after the national audit, victims' ethnicity about 30%, nationality about 40%, a few per cent
for sex and age); the recorded rest, and the unrecorded, divide over the values by chained binomials
(`_RECORDED_SHARES`). Sheffield's suspects' ethnicity goes unrecorded more often from September 2024
to January 2025 (`_COMPLETENESS_DIP`). Completeness never falls by more than 18 points from one month
to the next where either month's total (district or force) is at least 10: the contract warns of a
fall of more than 20.

Published totals are met by adjusting the generated values, not by writing them in: the difference
between the target and the generated sum over the window is added (or taken) one unit at a time
from cells chosen at random, weighted by their expected value (or, when taking, their current
value), never below zero and never breaking grooming <= arrests. For the July 2015 stock, Rotherham
is set to 46 and the other districts share the rest the same way.

Every random draw comes from `random.Random` seeded with a string naming the seed and the series
(`"2015/cse_arrests/Rotherham"`; a breakdown's also names its dimension), using only `random()`,
whose stream Python keeps stable; so a run is deterministic, and changing one series does not
disturb the others. XLSX files get fixed workbook dates and zip entry times and are stored
uncompressed, so two runs are byte-identical.

Regenerate with `python -m pipelines.sample_data pipelines/sample/returns [--seed N]`. `write_year`
writes one year in any of the four layouts (`LAYOUTS`), for a test that needs, say, FY 2023-24's
breakdowns as XLSX wide (a sheet per breakdown, its Measure and Breakdown rows naming it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import math
import random
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from .catalogue import catalogue, dimensions, force

DEFAULT_SEED = 2015
FIRST_MONTH = (2013, 4)
N_MONTHS = 13 * 12  # April 2013 .. March 2026
FIXED_TIME = dt.datetime(2026, 4, 1, 0, 0, 0)  # workbook created/modified, zip entry times

POPULATION = {"Barnsley": 245_000, "Doncaster": 310_000, "Rotherham": 265_000, "Sheffield": 580_000}

# Targets: figures South Yorkshire Police gave the press in August 2015.
TARGET_WINDOW = ("2014-08", "2015-07")
# What `pccdash demo` publishes, as the demo's PCC, so the public pages have figures: the financial year
# 2014/15 and the months to July 2015, which hold the force's August 2015 figures.
DEMO_PUBLISHED_MONTHS = tuple(f"{y}-{m:02d}" for y, m in [(2014, m) for m in range(4, 13)]
                              + [(2015, m) for m in range(1, 8)])
DEMO_PUBLISHER = "pcc@example.org"
# Who loads the sample returns and police.uk rows, on the audit trail and the file registry: the demo itself, recorded
# as the program's own act (with the account that ran it), as `pccdash ingest` records the account that ran it.
DEMO_LOADER = "pccdash demo"
TARGET_ARRESTS = 460
TARGET_GROOMING = 76
TARGET_CHARGES = 54
TARGET_CHARGES_ROTHERHAM = 22
TARGET_LIVE_MONTH = "2015-07"
TARGET_LIVE = 155
TARGET_LIVE_ROTHERHAM = 46

CORRECTIONS_FILE = "2015-16-z-corrections.csv"

# What forces report on CSE since the national audit on group-based offending (June 2025), from April 2023.
AUDIT_MEASURES = ("group_cse_offences", "cse_suspects_identified", "cse_suspects_arrested_12w",
                  "cse_suspects_arrested_12w_pct", "cse_outcome_charge", "cse_outcome_caution", "cse_outcome_nfa",
                  "cse_cases_reviewed", "cse_cases_reopened", "victims_referred")
# Months before which a measure has no figures (no entry: from the first month).
STARTS = {"cce_referrals": "2017-04", "online_grooming_offences": "2017-04",
          **{m: "2023-04" for m in AUDIT_MEASURES}}

CSE_MEASURES = ("cse_arrests", "cse_charges", "cse_live_investigations", "cse_referrals", "cawn_issued",
                "shpo_sro_issued", "victims_supported", "group_cse_offences", "cse_suspects_identified",
                "cse_outcome_charge", "cse_outcome_caution", "cse_outcome_nfa", "cse_cases_reviewed",
                "victims_referred")
# Rotherham's CSE factor reached by early 2015 (1.3 before the Jay Report).
ROTHERHAM_FACTOR = {"cse_arrests": 2.0, "cse_charges": 3.0, "cse_live_investigations": 1.7,
                    "cse_referrals": 1.6, "cawn_issued": 2.0, "shpo_sro_issued": 1.4,
                    "victims_supported": 2.2, "group_cse_offences": 2.0, "cse_suspects_identified": 1.8,
                    "cse_outcome_charge": 2.0, "cse_outcome_caution": 1.6, "cse_outcome_nfa": 1.8,
                    "cse_cases_reviewed": 2.0, "victims_referred": 2.2}

# Force-wide monthly mean (for headcount: a multiplier of the establishment), as (month, value) knots.
_LEVELS: dict[str, list[tuple[str, float]]] = {
    "cse_arrests": [("2013-04", 19), ("2014-08", 21), ("2014-11", 43), ("2016-03", 42), ("2018-03", 36),
                    ("2026-03", 33)],
    "cse_charges": [("2013-04", 2.0), ("2014-08", 2.2), ("2014-11", 5.0), ("2017-03", 5.0),
                    ("2026-03", 4.2)],
    "cse_live_investigations": [("2013-04", 68), ("2014-08", 72), ("2015-07", 155), ("2016-04", 172),
                                ("2019-03", 132), ("2026-03", 120)],
    "cse_referrals": [("2013-04", 52), ("2014-08", 58), ("2014-12", 112), ("2016-03", 105),
                      ("2019-03", 88), ("2026-03", 76)],
    "cawn_issued": [("2013-04", 1.2), ("2014-08", 1.6), ("2014-12", 7.5), ("2017-03", 6.0),
                    ("2026-03", 4.5)],
    "shpo_sro_issued": [("2013-04", 2.8), ("2015-02", 3.2), ("2015-06", 6.0), ("2020-03", 9.0),
                        ("2026-03", 10.0)],
    "cce_referrals": [("2017-04", 10), ("2020-03", 45), ("2023-03", 55), ("2026-03", 50)],
    "online_grooming_offences": [("2017-04", 8), ("2018-03", 22), ("2020-03", 30), ("2021-03", 42),
                                 ("2026-03", 38)],
    "victims_supported": [("2013-04", 28), ("2014-08", 32), ("2015-03", 80), ("2017-03", 100),
                          ("2026-03", 88)],
    "rcrp_mental_health_incidents": [("2013-04", 2150), ("2019-03", 2600), ("2022-03", 2850),
                                     ("2023-10", 2900), ("2026-03", 2950)],
    "officer_headcount": [("2013-04", 1.0), ("2017-03", 0.92), ("2019-09", 0.92), ("2023-03", 1.06),
                          ("2026-03", 1.05)],
    # From April 2023; more group-based offending is identified after the national audit (June 2025).
    "group_cse_offences": [("2023-04", 8.0), ("2025-06", 9.0), ("2026-03", 11.0)],
    "cse_suspects_identified": [("2023-04", 40), ("2026-03", 44)],
    "cse_outcome_charge": [("2023-04", 5.0), ("2026-03", 5.5)],
    "cse_outcome_caution": [("2023-04", 1.2), ("2026-03", 1.0)],
    "cse_outcome_nfa": [("2023-04", 20), ("2026-03", 19)],
    "cse_cases_reviewed": [("2023-04", 3.0), ("2025-06", 3.5), ("2025-09", 12.0), ("2026-03", 10.0)],
    "victims_referred": [("2023-04", 30), ("2026-03", 33)],
}
# Right Care, Right Person: multiplier on mental-health incidents, introduced in three stages.
_RCRP_STAGES = [("2023-10", 1.0), ("2023-12", 0.82), ("2024-05", 0.82), ("2024-07", 0.70), ("2024-12", 0.70),
                ("2025-02", 0.62), ("2026-03", 0.62)]
_GROOMING_SHARE = [("2013-04", 0.10), ("2014-08", 0.10), ("2014-11", 0.17), ("2026-03", 0.18)]
# Of the suspects identified, the share arrested within 12 weeks (23% nationally in 2024); of the cases
# reviewed after no further action, the share reopened.
_ARRESTED_12W_SHARE = [("2023-04", 0.20), ("2024-12", 0.23), ("2026-03", 0.30)]
_REOPENED_SHARE = [("2023-04", 0.12), ("2026-03", 0.18)]
_TRAINED_SHARE = [("2013-04", 0.03), ("2014-08", 0.08), ("2015-03", 0.35), ("2016-03", 0.64),
                  ("2018-03", 0.86), ("2020-03", 0.93), ("2026-03", 0.96)]
# Officers and staff who need CSE awareness training, per district, April 2013.
_ESTABLISHMENT = {"Barnsley": 520, "Doncaster": 680, "Rotherham": 580, "Sheffield": 1250}

_SEASONS = {
    "cse": [1.00, 0.97, 1.04, 0.96, 1.02, 1.04, 1.02, 0.88, 1.05, 1.07, 1.05, 0.90],
    "school": [1.02, 0.98, 1.06, 0.92, 1.02, 1.05, 1.00, 0.78, 1.12, 1.12, 1.08, 0.85],
    "mental_health": [1.02, 0.93, 0.99, 0.98, 1.02, 1.04, 1.07, 1.06, 1.00, 0.99, 0.95, 0.98],
    "flat": [1.0] * 12,
}  # January .. December
_SEASON_OF = {"cse_referrals": "school", "cce_referrals": "school",
              "rcrp_mental_health_incidents": "mental_health", "victims_supported": "flat",
              "cse_live_investigations": "flat", "cse_cases_reviewed": "flat"}
# First lockdown, April-June 2020.
_COVID = ("2020-04", "2020-06")
_COVID_FACTOR = {"cse_arrests": 0.8, "cse_charges": 0.8, "cse_referrals": 0.7, "cce_referrals": 0.75,
                 "online_grooming_offences": 1.25, "rcrp_mental_health_incidents": 0.93}

# Breakdowns: each dimension's values (dimensions.yaml ids) as shares of the values recorded ...
_RECORDED_SHARES: dict[str, dict[str, float]] = {
    "suspect_ethnicity": {
        "bangladeshi": 0.005, "chinese": 0.004, "indian": 0.008, "pakistani": 0.07, "other_asian": 0.015,
        "african": 0.02, "caribbean": 0.008, "other_black": 0.008, "white_and_asian": 0.008,
        "white_and_black_african": 0.005, "white_and_black_caribbean": 0.015, "other_mixed": 0.01,
        "white_british": 0.734, "irish": 0.004, "gypsy_or_irish_traveller": 0.006, "roma": 0.01,
        "other_white": 0.04, "arab": 0.012, "any_other_ethnic_group": 0.018},
    "victim_ethnicity": {
        "bangladeshi": 0.004, "chinese": 0.003, "indian": 0.005, "pakistani": 0.04, "other_asian": 0.008,
        "african": 0.012, "caribbean": 0.005, "other_black": 0.005, "white_and_asian": 0.01,
        "white_and_black_african": 0.006, "white_and_black_caribbean": 0.02, "other_mixed": 0.012,
        "white_british": 0.811, "irish": 0.003, "gypsy_or_irish_traveller": 0.005, "roma": 0.008,
        "other_white": 0.03, "arab": 0.006, "any_other_ethnic_group": 0.008},
    "nationality_group": {"uk": 0.90, "eu": 0.05, "non_eu": 0.05},
    "suspect_sex": {"male": 0.93, "female": 0.07},
    "victim_sex": {"male": 0.18, "female": 0.82},
    "suspect_age_band": {"age_10_17": 0.26, "age_18_24": 0.22, "age_25_34": 0.20, "age_35_44": 0.14,
                         "age_45_54": 0.10, "age_55_over": 0.08},
    "victim_age_band": {"age_0_9": 0.08, "age_10_12": 0.14, "age_13_15": 0.52, "age_16_17": 0.26},
    "offending_category": {"familial": 0.52, "cse": 0.31, "institutional": 0.07, "ritualistic": 0.01,
                           "other": 0.09},
    "nfa_reason_group": {"evidential_difficulties": 0.58, "victim_does_not_support": 0.27,
                         "suspect_not_identified": 0.10, "not_in_public_interest": 0.05},
}
# ... and the share of each value that says it was not recorded (or not stated), as (month, share) knots:
# suspects' ethnicity is recorded more often after the national audit (June 2025) found it missing in most
# cases; nationality and victims' ethnicity less so.
_UNRECORDED_SHARES: dict[str, dict[str, list[tuple[str, float]]]] = {
    "suspect_ethnicity": {"not_stated": [("2023-04", 0.03)],
                          "not_recorded": [("2023-04", 0.28), ("2024-03", 0.25), ("2025-06", 0.18),
                                           ("2026-03", 0.12)]},
    "victim_ethnicity": {"not_stated": [("2023-04", 0.03)], "not_recorded": [("2023-04", 0.32), ("2026-03", 0.29)]},
    "nationality_group": {"not_stated": [("2023-04", 0.02)],
                          "not_recorded": [("2023-04", 0.43), ("2025-06", 0.41), ("2026-03", 0.37)]},
    "suspect_sex": {"not_stated": [("2023-04", 0.01)], "not_recorded": [("2023-04", 0.04)]},
    "victim_sex": {"not_stated": [("2023-04", 0.01)], "not_recorded": [("2023-04", 0.03)]},
    "suspect_age_band": {"not_recorded": [("2023-04", 0.08)]},
    "victim_age_band": {"not_recorded": [("2023-04", 0.05)]},
    "offending_category": {"unknown": [("2023-04", 0.13)]},
    "nfa_reason_group": {"not_recorded": [("2023-04", 0.08)]},
}
# A short dip in one district: Sheffield's suspects' ethnicity goes unrecorded more often for a few months
# (a new custody system), added to the not-recorded share.
_COMPLETENESS_DIP = ("cse_suspects_identified", "suspect_ethnicity", "Sheffield",
                     [("2024-08", 0.0), ("2024-09", 0.08), ("2024-10", 0.17), ("2024-11", 0.25),
                      ("2024-12", 0.25), ("2025-01", 0.12), ("2025-02", 0.0)])
# However it is drawn, a breakdown's completeness (the share recorded) falls by at most this much from one
# month to the next where either month's total is at least COMPLETENESS_MIN_TOTAL: the return's contract
# warns of a fall of more than 20 points, and recording practice does not swing by chance alone.
COMPLETENESS_MAX_FALL = 0.18
COMPLETENESS_MIN_TOTAL = 10

Cell = tuple[str, int]  # (district, month index)


# ---------------------------------------------------------------------------------------------- months

def month_label(t: int) -> str:
    """`YYYY-MM` of month index t (0 = April 2013)."""
    y, m = divmod(FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1 + t, 12)
    return f"{y:04d}-{m + 1:02d}"


def month_index(label: str) -> int:
    y, m = (int(p) for p in label.split("-"))
    return (y * 12 + m - 1) - (FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1)


def fy_label(t: int) -> str:
    """The financial year of month index t, as `2014-15`."""
    y = FIRST_MONTH[0] + t // 12
    return f"{y}-{(y + 1) % 100:02d}"


def _interp(t: float, knots: list[tuple[str, float]]) -> float:
    """Piecewise-linear value at month t between (month, value) knots; flat outside them."""
    pts = [(month_index(m), v) for m, v in knots]
    if t <= pts[0][0]:
        return pts[0][1]
    for (t0, v0), (t1, v1) in itertools.pairwise(pts):
        if t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return pts[-1][1]


def _ramp(t: int, start: str, end: str) -> float:
    """0 before `start`, 1 from `end`, linear between."""
    return _interp(t, [(start, 0.0), (end, 1.0)])


# ---------------------------------------------------------------------------------------------- draws

def _stream(seed: int, *names: str) -> random.Random:
    return random.Random("/".join([str(seed), *names]))


def _normal(rng: random.Random) -> float:
    """A standard normal draw by Box-Muller from `random()` alone (its stream is stable across Pythons)."""
    u1 = 1.0 - rng.random()
    u2 = rng.random()
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(lam + math.sqrt(lam) * _normal(rng)))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def _split(rng: random.Random, n: int, shares: dict[str, float]) -> dict[str, int]:
    """`n` split over the keys of `shares` (in their order) at random, in proportion to the shares: a
    multinomial draw, as binomials chained over the keys."""
    out, left, mass = {}, n, sum(shares.values())
    keys = list(shares)
    for key in keys[:-1]:
        share = shares[key]
        out[key] = _binomial(rng, left, min(1.0, share / mass)) if mass > 0 else 0
        left -= out[key]
        mass -= share
    out[keys[-1]] = left
    return out


def _missing_cap(n: int, last: tuple[int, int] | None) -> int:
    """The most of `n` that may go unrecorded after a month with (total, not recorded) `last`, so that the share
    recorded falls by at most COMPLETENESS_MAX_FALL where either total is at least COMPLETENESS_MIN_TOTAL."""
    if not last or not n or max(n, last[0]) < COMPLETENESS_MIN_TOTAL:
        return n
    # missing / n <= last_missing / last_n + COMPLETENESS_MAX_FALL, in whole numbers
    return n * (100 * last[1] + round(100 * COMPLETENESS_MAX_FALL) * last[0]) // (100 * last[0])


def _weighted_choice(rng: random.Random, options: list[tuple[Cell, float]]) -> Cell:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for cell, w in options:
        x -= w
        if x < 0:
            return cell
    return options[-1][0]


def _hit_total(rng: random.Random, values: dict[Cell, int], target: int, weight: dict[Cell, float],
               cap: dict[Cell, int] | None = None, floor: dict[Cell, int] | None = None) -> dict[Cell, int]:
    """Move `values` to sum to `target`, one unit at a time, keeping floor <= value <= cap.

    A unit is added to a cell chosen with probability proportional to its weight (its expected
    value), or taken from one chosen in proportion to its current value.
    """
    out = dict(values)
    cells = sorted(out)
    diff = target - sum(out.values())
    for _ in range(abs(diff)):
        if diff > 0:
            options = [(c, max(weight[c], 1e-6)) for c in cells if cap is None or out[c] < cap[c]]
        else:
            options = [(c, float(out[c])) for c in cells if out[c] > (floor[c] if floor else 0)]
        if not options:
            raise ValueError(f"Cannot move the cells to a total of {target}.")
        out[_weighted_choice(rng, options)] += 1 if diff > 0 else -1
    return out


# ---------------------------------------------------------------------------------------------- model

class Model:
    """The generated series: `values[measure][district][t]` (None before a measure starts), and each
    breakdown the catalogue declares: `breakdowns[(measure, dimension)][district][t]`, a {value id: count}
    that adds up to the measure's figure (None before the breakdown starts)."""

    def __init__(self, seed: int = DEFAULT_SEED):
        self.seed = seed
        self.districts = force().districts
        self.measures = [m for m in catalogue().measures if m.source == "force_return"]
        self._counts = {m.id: m.is_count for m in self.measures}
        self.values: dict[str, dict[str, list]] = {}
        self.expected: dict[str, dict[str, list[float]]] = {}
        self.originals: dict[tuple[str, str, int], int] = {}  # first-sent figures later corrected
        self.notes: dict[tuple[str, str, int], str] = {}
        self.breakdowns: dict[tuple[str, str], dict[str, list[dict[str, int] | None]]] = {}
        # each dimension's (value id, label), in the order dimensions.yaml declares them: a return writes labels
        self.labels = {d.id: [(v.id, v.label) for v in d.values] for d in dimensions().dimensions}
        known = set(_LEVELS) | {"grooming_arrests", "officers_trained", "officers_trained_pct",
                                "cse_suspects_arrested_12w", "cse_suspects_arrested_12w_pct", "cse_cases_reopened"}
        missing = [m.id for m in self.measures if m.id not in known]
        if missing:
            raise ValueError(f"No sample model for the {'measure' if len(missing) == 1 else 'measures'} "
                             f"{', '.join(missing)}: add one to "
                             "pipelines/sample_data.py.")
        for m in self.measures:
            for b in m.breakdowns:
                values = {v.id for v in dimensions().get(b.dimension).values}
                shares = set(_RECORDED_SHARES.get(b.dimension, {})) | set(_UNRECORDED_SHARES.get(b.dimension, {}))
                if shares != values:
                    raise ValueError(f'No sample shares for every value of dimension "{b.dimension}" (measure '
                                     f'"{m.id}"), or shares of values it does not declare: add them to '
                                     "pipelines/sample_data.py.")
        self._generate()

    # -- shares and expectations

    def _district_factor(self, measure: str, district: str, t: int) -> float:
        if measure in CSE_MEASURES:
            if district == "Rotherham":
                peak = ROTHERHAM_FACTOR[measure]
                excess = 0.3 + (peak - 1.3) * _ramp(t, "2014-08", "2015-02")
                return 1.0 + excess * (1.0 - 0.3 * _ramp(t, "2017-04", "2025-04"))
            if district == "Sheffield":
                return 0.85
        if measure == "cce_referrals":
            return {"Doncaster": 1.3, "Sheffield": 1.15}.get(district, 1.0)
        if measure == "rcrp_mental_health_incidents":
            return {"Doncaster": 1.05, "Sheffield": 1.05}.get(district, 1.0)
        return 1.0

    def _expected(self, measure: str, t: int) -> dict[str, float]:
        weights = {d: POPULATION[d] * self._district_factor(measure, d, t) for d in self.districts}
        total = sum(weights.values())
        level = _interp(t, _LEVELS[measure])
        if measure == "rcrp_mental_health_incidents":
            level *= _interp(t, _RCRP_STAGES)
        month = int(month_label(t)[5:])
        season = _SEASONS[_SEASON_OF.get(measure, "cse")]
        level *= season[month - 1] * 12 / sum(season)
        if month_index(_COVID[0]) <= t <= month_index(_COVID[1]):
            level *= _COVID_FACTOR.get(measure, 1.0)
        return {d: level * w / total for d, w in weights.items()}

    def _start(self, measure: str) -> int:
        return month_index(STARTS[measure]) if measure in STARTS else 0

    # -- generation

    def _generate(self) -> None:
        for measure in _LEVELS:
            if measure == "officer_headcount":
                continue
            self.expected[measure] = {d: [0.0] * N_MONTHS for d in self.districts}
            self.values[measure] = {d: [None] * N_MONTHS for d in self.districts}
            for t in range(self._start(measure), N_MONTHS):
                for d, lam in self._expected(measure, t).items():
                    self.expected[measure][d][t] = lam
        for measure in self.expected:
            sd = 0.04 if measure == "rcrp_mental_health_incidents" else 0.12
            for d in self.districts:
                rng = _stream(self.seed, measure, d)
                noise = 0.0
                for t in range(self._start(measure), N_MONTHS):
                    lam = self.expected[measure][d][t]
                    if measure == "cse_live_investigations":
                        noise = 0.7 * noise + 0.06 * _normal(rng)
                        self.values[measure][d][t] = max(0, round(lam * math.exp(noise)))
                    else:
                        lam *= math.exp(sd * _normal(rng) - sd * sd / 2)
                        self.values[measure][d][t] = _poisson(rng, lam)
        self._staff()
        self._parts()
        self._meet_targets()
        self._corrections()
        self._breakdowns()

    def _staff(self) -> None:
        head = self.values["officer_headcount"] = {}
        trained = self.values["officers_trained"] = {}
        pct = self.values["officers_trained_pct"] = {}
        for d in self.districts:
            rng = _stream(self.seed, "staff", d)
            noise_h = noise_p = 0.0
            head[d], trained[d], pct[d] = [], [], []
            for t in range(N_MONTHS):
                noise_h = 0.8 * noise_h + 0.004 * _normal(rng)
                noise_p = 0.8 * noise_p + 0.006 * _normal(rng)
                h = round(_ESTABLISHMENT[d] * _interp(t, _LEVELS["officer_headcount"]) * math.exp(noise_h))
                p = _interp(t, _TRAINED_SHARE)
                if d == "Rotherham":  # closes 30% of the gap after the Jay Report
                    p = 1.0 - (1.0 - p) * (1.0 - 0.3 * _ramp(t, "2014-08", "2015-03"))
                elif d == "Sheffield":  # the largest district trains a little more slowly
                    p *= 1.0 - 0.1 * (1.0 - p)
                p = min(0.985, max(0.01, p + noise_p))
                n = min(h, round(h * p))
                head[d].append(h)
                trained[d].append(n)
                pct[d].append(round(100 * n / h, 1))

    def _parts(self) -> None:
        """Suspects arrested within 12 weeks (of those identified) and cases reopened (of those reviewed), by
        binomial thinning, and the share arrested as round(100 x arrested / identified, 1) (left out of a
        month with no suspect)."""
        for part, whole, share in (("cse_suspects_arrested_12w", "cse_suspects_identified", _ARRESTED_12W_SHARE),
                                   ("cse_cases_reopened", "cse_cases_reviewed", _REOPENED_SHARE)):
            self.values[part] = {}
            for d in self.districts:
                rng = _stream(self.seed, part, d)
                self.values[part][d] = [None if n is None else _binomial(rng, n, _interp(t, share))
                                        for t, n in enumerate(self.values[whole][d])]
        arrested, identified = self.values["cse_suspects_arrested_12w"], self.values["cse_suspects_identified"]
        self.values["cse_suspects_arrested_12w_pct"] = {
            d: [round(100 * n / h, 1) if h else None for n, h in zip(arrested[d], identified[d], strict=True)]
            for d in self.districts}

    def _breakdowns(self) -> None:
        """Each district-month figure of each breakdown the catalogue declares, split over the dimension's values
        from the breakdown's first month: first the count not recorded (or not stated), then how those and the
        recorded rest divide over the values, each a multinomial draw. A stream per (measure, dimension,
        district)."""
        for m in self.measures:
            for b in m.breakdowns:
                dim = dimensions().get(b.dimension)
                start = max(self._start(m.id), month_index(b.since) if b.since else 0)
                self.breakdowns[(m.id, dim.id)] = self._breakdown(m.id, dim.id, start, [v.id for v in dim.values])

    def _breakdown(self, measure: str, dimension: str, start: int,
                   order: list[str]) -> dict[str, list[dict[str, int] | None]]:
        rngs = {d: _stream(self.seed, measure, dimension, d) for d in self.districts}
        out: dict[str, list[dict[str, int] | None]] = {d: [None] * N_MONTHS for d in self.districts}
        last: dict[str, tuple[int, int]] = {}  # district or force -> (total, not recorded) of its latest month
        for t in range(start, N_MONTHS):
            totals = {d: self.values[measure][d][t] for d in self.districts}
            shares, missing = {}, {}
            for d, n in totals.items():
                shares[d] = {v: _interp(t, knots) for v, knots in _UNRECORDED_SHARES[dimension].items()}
                if (measure, dimension, d) == _COMPLETENESS_DIP[:3]:
                    shares[d]["not_recorded"] += _interp(t, _COMPLETENESS_DIP[3])
                missing[d] = min(_binomial(rngs[d], n, sum(shares[d].values())), _missing_cap(n, last.get(d)))
            force_total = sum(totals.values())
            while sum(missing.values()) > _missing_cap(force_total, last.get("")):
                worst = max(self.districts, key=lambda d: missing[d] / totals[d] if totals[d] else 0.0)
                missing[worst] -= 1
            for d, n in totals.items():
                counts = {**_split(rngs[d], missing[d], shares[d]), **_split(rngs[d], n - missing[d],
                                                                            _RECORDED_SHARES[dimension])}
                out[d][t] = {v: counts[v] for v in order}
                if n:
                    last[d] = (n, missing[d])
            if force_total:
                last[""] = (force_total, sum(missing.values()))
        return out

    def _grooming(self) -> None:
        arrests = self.values["cse_arrests"]
        self.values["grooming_arrests"] = {}
        for d in self.districts:
            rng = _stream(self.seed, "grooming_arrests", d)
            self.values["grooming_arrests"][d] = [
                _binomial(rng, arrests[d][t], _interp(t, _GROOMING_SHARE)) for t in range(N_MONTHS)]

    def _window(self, districts: Iterable[str]) -> list[Cell]:
        lo, hi = (month_index(m) for m in TARGET_WINDOW)
        return [(d, t) for d in districts for t in range(lo, hi + 1)]

    def _apply(self, measure: str, cells: list[Cell], target: int, **limits) -> None:
        series = self.values[measure]
        current = {c: series[c[0]][c[1]] for c in cells}
        weight = {c: self.expected.get(measure, {}).get(c[0], [1.0] * N_MONTHS)[c[1]] for c in cells}
        rng = _stream(self.seed, "target", measure, str(target))
        for (d, t), v in _hit_total(rng, current, target, weight, **limits).items():
            series[d][t] = v

    def _meet_targets(self) -> None:
        districts = self.districts
        others = [d for d in districts if d != "Rotherham"]
        self._apply("cse_arrests", self._window(districts), TARGET_ARRESTS)
        self._grooming()
        arrests = self.values["cse_arrests"]
        cells = self._window(districts)
        self.expected["grooming_arrests"] = {
            d: [arrests[d][t] * _interp(t, _GROOMING_SHARE) for t in range(N_MONTHS)] for d in districts}
        self._apply("grooming_arrests", cells, TARGET_GROOMING, cap={(d, t): arrests[d][t] for d, t in cells})
        self._apply("cse_charges", self._window(["Rotherham"]), TARGET_CHARGES_ROTHERHAM)
        self._apply("cse_charges", self._window(others), TARGET_CHARGES - TARGET_CHARGES_ROTHERHAM)
        t = month_index(TARGET_LIVE_MONTH)
        self.values["cse_live_investigations"]["Rotherham"][t] = TARGET_LIVE_ROTHERHAM
        self._apply("cse_live_investigations", [(d, t) for d in others], TARGET_LIVE - TARGET_LIVE_ROTHERHAM)

    def _corrections(self) -> None:
        """Choose three FY 2014-15 figures whose first-sent value was wrong (corrected September 2015).

        Sheffield's arrests in the first window month of FY 2014-15 from November 2014 with at least
        three more arrests than grooming arrests were sent three short; Doncaster's February 2015
        referrals were sent with four duplicates; Rotherham's charges in the latest FY 2014-15 window
        month with a charge were sent one short.
        """
        v = self.values
        fy_end = month_index("2015-03")
        sheffield = next(t for t in range(month_index("2014-11"), fy_end + 1)
                         if v["cse_arrests"]["Sheffield"][t] - v["grooming_arrests"]["Sheffield"][t] >= 3)
        self._revise("cse_arrests", "Sheffield", sheffield, -3,
                     "3 arrests recorded after the return was sent added")
        self._revise("cse_referrals", "Doncaster", month_index("2015-02"), 4,
                     "4 duplicate referrals removed")
        rotherham = next(t for t in range(fy_end, month_index(TARGET_WINDOW[0]) - 1, -1)
                         if v["cse_charges"]["Rotherham"][t] >= 1)
        self._revise("cse_charges", "Rotherham", rotherham, -1,
                     "1 charge recorded after the return was sent added")

    def _revise(self, measure: str, district: str, t: int, first_sent_minus_correct: int, note: str) -> None:
        self.originals[(measure, district, t)] = self.values[measure][district][t] + first_sent_minus_correct
        self.notes[(measure, district, t)] = note

    # -- access

    def measure_ids(self) -> list[str]:
        return [m.id for m in self.measures]

    def is_count(self, measure: str) -> bool:
        return self._counts[measure]

    def figure(self, measure: str, district: str, t: int, *, first_sent: bool = False):
        """The current figure, or the one first sent when `first_sent` (None before the measure starts)."""
        if first_sent and (measure, district, t) in self.originals:
            return self.originals[(measure, district, t)]
        return self.values[measure][district][t]

    def breakdowns_of(self, measure: str) -> list[str]:
        """The dimensions the measure is broken down by, in catalogue order."""
        return [dim for m, dim in self.breakdowns if m == measure]

    def breakdown(self, measure: str, dimension: str, district: str, t: int) -> dict[str, int] | None:
        """The figure split over the dimension's values ({value id: count}), None before the breakdown starts."""
        return self.breakdowns[(measure, dimension)][district][t]

    def check(self) -> None:
        """Raise if a published total or a consistency rule does not hold."""
        v = self.values
        win = self._window(self.districts)
        rot = self._window(["Rotherham"])
        live = month_index(TARGET_LIVE_MONTH)
        checks = {
            "arrests": (sum(v["cse_arrests"][d][t] for d, t in win), TARGET_ARRESTS),
            "grooming": (sum(v["grooming_arrests"][d][t] for d, t in win), TARGET_GROOMING),
            "charges": (sum(v["cse_charges"][d][t] for d, t in win), TARGET_CHARGES),
            "charges Rotherham": (sum(v["cse_charges"][d][t] for d, t in rot), TARGET_CHARGES_ROTHERHAM),
            "live": (sum(v["cse_live_investigations"][d][live] for d in self.districts), TARGET_LIVE),
            "live Rotherham": (v["cse_live_investigations"]["Rotherham"][live], TARGET_LIVE_ROTHERHAM),
        }
        for name, (got, want) in checks.items():
            if got != want:
                raise AssertionError(f"{name}: {got}, should be {want}")
        for d in self.districts:
            for t in range(N_MONTHS):
                if v["grooming_arrests"][d][t] > v["cse_arrests"][d][t]:
                    raise AssertionError(f"grooming > arrests in {d} {month_label(t)}")
        for m in self.measures:
            if m.part_of:
                for d in self.districts:
                    for t, (part, whole) in enumerate(zip(v[m.id][d], v[m.part_of][d], strict=True)):
                        if (part is None) != (whole is None) or (part is not None and part > whole):
                            raise AssertionError(f"{m.id} > {m.part_of} in {d} {month_label(t)}")
        pct = v["cse_suspects_arrested_12w_pct"]
        for d in self.districts:
            for t, (n, h) in enumerate(zip(v["cse_suspects_arrested_12w"][d], v["cse_suspects_identified"][d],
                                           strict=True)):
                if pct[d][t] != (round(100 * n / h, 1) if h else None):
                    raise AssertionError(f"cse_suspects_arrested_12w_pct in {d} {month_label(t)}")
        for (m, dim), by_district in self.breakdowns.items():
            for d, months in by_district.items():
                for t, counts in enumerate(months):
                    if counts is not None and (sum(counts.values()) != v[m][d][t] or min(counts.values()) < 0):
                        raise AssertionError(f"the breakdown of {m} by {dim} in {d} {month_label(t)} does not add "
                                             f"up to {v[m][d][t]}")
        for (m, d, t), first in self.originals.items():
            if first < 0 or (m == "cse_arrests" and first < v["grooming_arrests"][d][t]):
                raise AssertionError(f"first-sent {m} in {d} {month_label(t)} breaks a rule")


# ---------------------------------------------------------------------------------------------- writing

LAYOUTS = ("xlsx-wide", "csv-long", "csv-wide", "xlsx-long")


def layout_of(fy_start: int) -> str:
    """The layout the sample's return for the financial year from April `fy_start` is written in."""
    if fy_start <= 2016:
        return "xlsx-wide"
    if fy_start <= 2020:
        return "csv-long"
    if fy_start <= 2023:
        return "csv-wide"
    return "xlsx-long"


def _fmt(value, is_count: bool) -> str:
    return str(int(value)) if is_count else f"{value:.1f}"


def _months_of(fy_start: int) -> range:
    return range((fy_start - FIRST_MONTH[0]) * 12, (fy_start - FIRST_MONTH[0]) * 12 + 12)


def _has_breakdown(model: Model, measure: str, dimension: str, months: range) -> bool:
    return any(model.breakdown(measure, dimension, d, t) is not None for d in model.districts for t in months)


def _dimension_columns(model: Model, months: range) -> list[str]:
    """The dimensions broken down in `months`, each once, in catalogue order: a long file's extra columns."""
    return list(dict.fromkeys(dim for m, dim in model.breakdowns if _has_breakdown(model, m, dim, months)))


def _long_rows(model: Model, months: range, first_sent: bool) -> list[tuple[str, str, str, object, str | None,
                                                                           str | None]]:
    """(period, district, measure, value, dimension, value label): each figure (dimension None), then a row per
    value of each of its breakdowns, zeros included."""
    rows = []
    for t in months:
        for d in model.districts:
            for m in model.measure_ids():
                value = model.figure(m, d, t, first_sent=first_sent)
                if value is None:
                    continue
                rows.append((month_label(t), d, m, value, None, None))
                for dim in model.breakdowns_of(m):
                    counts = model.breakdown(m, dim, d, t)
                    if counts is not None:
                        rows.extend((month_label(t), d, m, counts[v], dim, label) for v, label in model.labels[dim])
    return rows


def _long_table(model: Model, months: range) -> tuple[list[str], list[list]]:
    """A long return's header and rows: `period,district,measure,value`, then a column per dimension broken down
    in the file (none in a file without breakdowns). A total leaves them empty; a breakdown row has its value's
    label in its dimension's column."""
    dims = _dimension_columns(model, months)
    rows = [[period, d, m, value, *(label if x == dim else None for x in dims)]
            for period, d, m, value, dim, label in _long_rows(model, months, first_sent=False)]
    return ["period", "district", "measure", "value", *dims], rows


def _breakdown_table(model: Model, measure: str, dimension: str, months: range) -> tuple[list[str], list[list]]:
    """A breakdown in the wide layout: `Period | District | each value's label | Total`, a row per month and
    district from the breakdown's first month; Total is the sum of the values (the measure's figure)."""
    labels = model.labels[dimension]
    rows = []
    for t in months:
        for d in model.districts:
            counts = model.breakdown(measure, dimension, d, t)
            if counts is not None:
                rows.append([month_label(t), d, *(counts[v] for v, _ in labels), sum(counts.values())])
    return ["Period", "District", *(label for _, label in labels), "Total"], rows


def _active(model: Model, measure: str, months: range) -> bool:
    return any(model.values[measure][d][t] is not None for d in model.districts for t in months)


def _write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def _write_csv_long(model: Model, path: Path, months: range) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header, rows = _long_table(model, months)
    w.writerow(header)
    for period, d, m, value, *cells in rows:
        w.writerow([period, d, m, _fmt(value, model.is_count(m)), *("" if c is None else c for c in cells)])
    _write_text(path, buf.getvalue())


def _write_csv_wide(model: Model, path: Path, months: range) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    first = True
    for m in model.measure_ids():
        if not _active(model, m, months):
            continue
        count = model.is_count(m)
        if not first:
            w.writerow([])
        first = False
        w.writerow(["Measure", m])
        w.writerow(["Period", *model.districts, *(["Total"] if count else [])])
        for t in months:
            vals = [model.figure(m, d, t) for d in model.districts]
            total = [str(sum(vals))] if count else []
            w.writerow([month_label(t), *(_fmt(x, count) for x in vals), *total])
        for dim in model.breakdowns_of(m):
            if _has_breakdown(model, m, dim, months):
                header, rows = _breakdown_table(model, m, dim, months)
                w.writerows([[], ["Measure", m], ["Breakdown", dim], header, *rows])
    _write_text(path, buf.getvalue())


def _write_corrections(model: Model, path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["period", "district", "measure", "value", "note"])
    for (m, d, t), note in sorted(model.notes.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0])):
        w.writerow([month_label(t), d, m, _fmt(model.figure(m, d, t), True), note])
    _write_text(path, buf.getvalue())


def _save_xlsx(wb: Workbook, path: Path) -> None:
    """Save with fixed document dates and zip entry times, uncompressed, so the bytes are reproducible."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "pipelines.sample_data"
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED)).save()  # save_workbook stamps "now"
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = 0o600 << 16
            zout.writestr(entry, zin.read(info.filename))
    path.write_bytes(out.getvalue())


def _sheet_title(wb: Workbook, wanted: str) -> str:
    """`wanted` cut to Excel's 31 characters, numbered if the workbook has a sheet of that name already (the
    sheet's Measure and Breakdown rows say what it holds)."""
    title, k = wanted[:31], 1
    while title in wb.sheetnames:
        k += 1
        title = f"{wanted[:30 - len(str(k))]} {k}"
    return title


def _write_xlsx_wide(model: Model, path: Path, fy_start: int, months: range, first_sent: bool) -> None:
    wb = Workbook()
    notes = wb.active
    notes.title = "Notes"
    fy = f"{fy_start}/{(fy_start + 1) % 100:02d}"
    title = f"{force().force_name} - CSE performance return {fy} (illustrative)"
    notes["A1"] = title
    notes["A3"] = ("The figures in this workbook are illustrative: generated by pipelines/sample_data.py for "
                   "the dashboard demonstration, not South Yorkshire Police data.")
    notes["A4"] = ("One sheet per measure, named by the measure id; one row per month, "
                   "one column per district.")
    if _dimension_columns(model, months):
        notes["A5"] = ("A measure broken down (by ethnicity, sex, age, ...) has a sheet per breakdown after its own, "
                       "with Measure and Breakdown rows; one row per month and district, one column per value.")
    for m in model.measure_ids():
        if not _active(model, m, months):
            continue
        count = model.is_count(m)
        ws = wb.create_sheet(m)
        ws.append([title])
        ws.append(["Measure", m])
        ws.append(["Period", *model.districts, *(["Total"] if count else [])])
        for t in months:
            vals = [model.figure(m, d, t, first_sent=first_sent) for d in model.districts]
            ws.append([month_label(t), *vals, *([sum(vals)] if count else [])])
            if not count:
                for cell in ws[ws.max_row][1:]:
                    cell.number_format = "0.0"
        ws.column_dimensions["A"].width = 10
        for dim in model.breakdowns_of(m):
            if _has_breakdown(model, m, dim, months):
                ws = wb.create_sheet(_sheet_title(wb, f"{m} by {dim}"))
                header, rows = _breakdown_table(model, m, dim, months)
                for row in [[title], ["Measure", m], ["Breakdown", dim], header, *rows]:
                    ws.append(row)
                ws.column_dimensions["A"].width = 10
    _save_xlsx(wb, path)


def _write_xlsx_long(model: Model, path: Path, months: range) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    header, rows = _long_table(model, months)
    ws.append(header)
    for row_no, row in enumerate(rows, start=2):
        ws.append(row)
        if not model.is_count(row[2]):
            ws.cell(row=row_no, column=4).number_format = "0.0"
    _save_xlsx(wb, path)


def write_year(model: Model, fy_start: int, out_dir: Path, layout: str | None = None) -> Path:
    """Write the return for the financial year from April `fy_start` into `out_dir`, in `layout` (one of
    LAYOUTS; default: the sample's own, `layout_of`); return its path. An XLSX wide return holds the figures
    first sent, before the corrections file revises them."""
    layout = layout or layout_of(fy_start)
    if layout not in LAYOUTS:
        raise ValueError(f'Unknown layout "{layout}": use one of {", ".join(LAYOUTS)}.')
    months = _months_of(fy_start)
    path = Path(out_dir) / f"{fy_label(months[0])}-cse-return.{layout.split('-')[0]}"
    if layout == "xlsx-wide":
        _write_xlsx_wide(model, path, fy_start, months, first_sent=True)
    elif layout == "csv-long":
        _write_csv_long(model, path, months)
    elif layout == "csv-wide":
        _write_csv_wide(model, path, months)
    else:
        _write_xlsx_long(model, path, months)
    return path


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample returns into `out_dir` (created if need be); return their paths in load order.

    Files already in `out_dir` with other names are left alone.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = Model(seed)
    model.check()
    years = range(FIRST_MONTH[0], FIRST_MONTH[0] + N_MONTHS // 12)
    paths = [write_year(model, fy_start, out_dir) for fy_start in years]
    corrections = out_dir / CORRECTIONS_FILE
    _write_corrections(model, corrections)
    paths.append(corrections)
    return sorted(paths, key=lambda p: p.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.sample_data",
        description="Write illustrative sample returns for South Yorkshire (not real force data).")
    parser.add_argument("out_dir", type=Path, help="folder to write the returns into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    for path in generate(args.out_dir, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
