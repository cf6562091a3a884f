"""A briefing pack built by hand from the model, with the 20 August 2015 meeting's headline figures, so that a
renderer can be checked without a warehouse."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.briefing.model import HeadlinePeriods, Pack, PackChart, PackMeasure, PackRow

MARKING = "OFFICIAL-SENSITIVE: for the Commissioner's office. Not for publication."
HEADINGS = HeadlinePeriods(month="July 2015", quarter="Q1 2015/16", fytd="2015/16 to date (April to July)",
                           rolling12="12 months to July 2015", rolling12_before="12 months to July 2014")
QUESTIONS = [
    "Live investigations stand at 155, the highest since April 2013 (special cause, 8 months above the mean): "
    "what is driving the rise, in Rotherham (46) above all?",
    "Charges rose to 54 in the 12 months to July 2015, 22 of them in Rotherham: will the aspiration of 60 a "
    "year be met?",
]
FILE_CAVEAT = "All figures for July 2015 are provisional: the force will confirm them in its September return."


def frame(months: int = 28, start: str = "2013-04-01", level: float = 35.0) -> pd.DataFrame:
    periods = pd.date_range(start, periods=months, freq="MS")
    values = level + 3 * np.sin(np.arange(months))
    mean = values.mean()
    spread = 2.66 * np.abs(np.diff(values)).mean()
    return pd.DataFrame({"period": periods, "value": values, "mean": mean, "upper": mean + spread,
                         "lower": max(mean - spread, 0.0), "special_cause": False,
                         "point_type": "common_cause", "provisional": False})


def row(area: str, month: str, quarter: str, fytd: str, rolling12: str, change: str, *,
        incomplete: list[str] | None = None) -> PackRow:
    return PackRow(area=area, month=month, quarter=quarter, fytd=fytd, rolling12=rolling12, rolling12_change=change,
                   variation="Common cause", assurance="Will consistently miss the aspiration",
                   incomplete=incomplete or [])


def measure(measure_id: str, name: str, priority: str, rows: list[PackRow], *, aspiration: str = "",
            chart: bool = True, caveats: list[str] | None = None, commentary: str = "") -> PackMeasure:
    force = rows[0]
    return PackMeasure(
        priority=priority, measure_id=measure_id, name=name, unit="people",
        sentence=f"{name}: {force.rolling12} in the 12 months to July 2015.", aspiration=aspiration, rows=rows,
        chart=PackChart(f"{name}, South Yorkshire, by month", "people", frame(), f"{name} stayed within its limits.",
                        target=5.0 if aspiration else None, target_label="Aspiration" if aspiration else "")
        if chart else None,
        caveats=caveats or [], commentary=commentary, commentary_by="analyst@example.org" if commentary else "",
        commentary_at=dt.datetime(2015, 8, 12, 14, 30) if commentary else None)


def make_pack(*, quarter: bool = True) -> Pack:
    """Two priorities, three measures (one too short to chart), the headline figures of August 2015."""
    protect = "Protecting children from sexual exploitation"
    measures = [
        measure("cse_arrests", "CSE arrests", protect, [
            row("South Yorkshire", "41", "118", "157", "460", "+58 (+14.4%)"),
            row("Rotherham", "12", "34", "45", "131", "+11 (+9.2%)"),
        ], aspiration="At least 420 arrests in any 12 months", commentary="Arrests rose after the Jay report."),
        measure("cse_grooming_arrests", "Arrests for grooming", protect, [
            row("South Yorkshire", "7", "19", "26", "76", "-3 (-3.8%)"),
            row("Rotherham", "3", "8", "11", "30", "+2 (+7.1%)"),
        ], caveats=["Sheffield's July return was resent on 5 August."]),
        measure("cse_charges", "CSE charges", "Bringing offenders to justice", [
            row("South Yorkshire", "5", "13", "18", "54", "+9 (+20.0%)"),
            row("Rotherham", "2", "5", "7", "22", "+4 (+22.2%)",
                incomplete=["12 months to July 2014: 10 of 12 months reported"]),
        ], aspiration="At least 60 charges a year", chart=False),
        measure("cse_live_investigations", "Live CSE investigations", "Bringing offenders to justice", [
            row("South Yorkshire", "155", "155", "155", "155", "+31 (+25.0%)"),
            row("Rotherham", "46", "46", "46", "46", "+9 (+24.3%)"),
        ]),
    ]
    headings = HEADINGS if quarter else HeadlinePeriods("July 2015", "", HEADINGS.fytd, HEADINGS.rolling12,
                                                        HEADINGS.rolling12_before)
    if not quarter:
        for m in measures:
            for r in m.rows:
                r.quarter = ""
    return Pack(office="Office of the Police and Crime Commissioner for South Yorkshire",
                force="South Yorkshire Police", meeting_date=dt.date(2015, 8, 20), period_label="July 2015",
                quarter_label="Q1 2015/16" if quarter else "", generated_at=dt.datetime(2015, 8, 14, 9, 0),
                generated_by="analyst@example.org", marking=MARKING,
                banner="Management information: unaudited, and subject to revision by the force.",
                measures=measures, questions=list(QUESTIONS), headings=headings,
                questions_by="pcc@example.org", questions_at=dt.datetime(2015, 8, 13, 10, 0),
                notices=["The return for August 2015 is not yet due."], caveats=[FILE_CAVEAT],
                data_version="Figures from load 14 (2015-07.csv), accepted on 5 August 2015 at 09:12.")
