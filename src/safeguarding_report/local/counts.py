"""Counts from the local records as tidy rows, the shape the published layer returns.

Each local indicator is declared once: its ``Indicator`` (label, unit, description) in
``LOCAL_INDICATORS`` and how it is counted in ``LOCAL_COUNTS``. ``tidy_row`` returns the
same keys as a published row, so tables, charts and ``figures.csv`` treat both alike, with
the local CSV, column and line(s) as the source.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from safeguarding_report.local.catalogue import CSV_TEMPLATES
from safeguarding_report.local.records import LocalRecords
from safeguarding_report.report.indicators import Indicator

AREA_LEVEL = "Partnership"
NOT_SUPPLIED = "not supplied"  # a status of the tidy tables: shown with the GSS symbol [x]


@dataclass(frozen=True)
class LocalCount:
    """How one indicator is counted from one CSV template.

    With ``column`` set, the value is the sum of that column over the rows that match
    ``where``; with ``column`` empty, it is the number of rows that match.
    """

    template: str
    column: str = ""
    where: tuple[tuple[str, str], ...] = ()


def _measure(template: str, measure: str) -> LocalCount:
    return LocalCount(template, "count", (("measure", measure),))


def _all(
    *pairs: tuple[Indicator, LocalCount],
) -> tuple[dict[str, Indicator], dict[str, LocalCount]]:
    return {i.id: i for i, _ in pairs}, {i.id: c for i, c in pairs}


LOCAL_INDICATORS, LOCAL_COUNTS = _all(
    (
        Indicator(
            "lado_contacts",
            "Contacts to the LADO",
            "count",
            "Contacts received by the Local Authority Designated Officer about an adult who "
            "works with children, in the partnership's reporting period.",
        ),
        _measure("lado", "contacts received"),
    ),
    (
        Indicator(
            "lado_referrals",
            "LADO referrals meeting the harm threshold",
            "count",
            "Contacts to the LADO that met the threshold for an allegation of harm and were "
            "managed under the allegations procedures.",
        ),
        _measure("lado", "referrals meeting the harm threshold"),
    ),
    (
        Indicator(
            "lado_substantiated",
            "LADO allegations substantiated",
            "count",
            "Allegations managed by the LADO whose outcome was substantiated.",
        ),
        _measure("lado", "outcome: substantiated"),
    ),
    (
        Indicator(
            "private_fostering_notifications",
            "Private fostering notifications",
            "count",
            "Notifications to the local authority of a child being privately fostered.",
        ),
        _measure("private_fostering", "notifications received"),
    ),
    (
        Indicator(
            "private_fostering_open",
            "Private fostering arrangements at the end of the period",
            "count",
            "Private fostering arrangements open on the last day of the reporting period.",
        ),
        _measure("private_fostering", "arrangements open at the end of the period"),
    ),
    (
        Indicator(
            "training_courses",
            "Multi-agency training courses",
            "count",
            "Multi-agency safeguarding courses the partnership offered in the period.",
        ),
        LocalCount("training_courses"),
    ),
    (
        Indicator(
            "training_sessions",
            "Multi-agency training sessions",
            "count",
            "Sessions of multi-agency safeguarding training run in the period.",
        ),
        LocalCount("training_courses", "sessions"),
    ),
    (
        Indicator(
            "training_attendances",
            "Attendances at multi-agency training",
            "count",
            "Attendances at the partnership's multi-agency training, all courses and agencies.",
        ),
        LocalCount("training_attendance", "attendees"),
    ),
    (
        Indicator(
            "serious_incident_notifications",
            "Serious incident notifications",
            "count",
            "Serious incidents notified to the Child Safeguarding Practice Review Panel.",
        ),
        LocalCount("reviews", where=(("kind", "serious incident notification"),)),
    ),
    (
        Indicator(
            "rapid_reviews",
            "Rapid reviews",
            "count",
            "Rapid reviews completed after a serious incident notification.",
        ),
        LocalCount("reviews", where=(("kind", "rapid review"),)),
    ),
    (
        Indicator(
            "local_practice_reviews",
            "Local child safeguarding practice reviews",
            "count",
            "Local child safeguarding practice reviews under way or completed in the period.",
        ),
        LocalCount("reviews", where=(("kind", "local child safeguarding practice review"),)),
    ),
    (
        Indicator(
            "audits_completed",
            "Audits completed",
            "count",
            "Multi-agency, section 11 and single-agency audits completed in the period.",
        ),
        LocalCount("audits"),
    ),
    (
        Indicator(
            "section11_not_met",
            "Section 11 standards not met",
            "count",
            "Section 11 standards rated not met, over all organisations that assessed themselves.",
        ),
        LocalCount("section11", where=(("rating", "not met"),)),
    ),
)


def period_label(start: dt.date, end: dt.date) -> str:
    """The reporting period as the tidy tables write a local one, e.g. "2021-22"."""
    if start.year == end.year:
        return str(start.year)
    return f"{start.year}-{end.year % 100:02d}"


def _lines(lines: list[int]) -> str:
    """Line numbers as ranges: 2-5, 8."""
    spans: list[list[int]] = []
    for line in sorted(lines):
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _rows_word(n: int) -> str:
    return "1 row" if n == 1 else f"{n} rows"


def tidy_row(
    records: LocalRecords, indicator: str, *, area_code: str, area_name: str, period: str
) -> dict[str, Any]:
    """One local indicator as a tidy row: value, its file, column and line(s), and how."""
    count = LOCAL_COUNTS[indicator]
    template = CSV_TEMPLATES[count.template]
    source_file = records.source_file(template.file)
    column = count.column or (count.where[0][0] if count.where else "")
    row: dict[str, Any] = {
        "indicator": indicator,
        "area_code": area_code,
        "area_name": area_name,
        "area_level": AREA_LEVEL,
        "period": period,
        "value": math.nan,
        "status": "",
        "source_file": source_file,
        "source_column": column,
        "source_line": "",
        "source_area_code": "",
        "derivation": "",
    }
    if records.is_missing(count.template):
        return {
            **row,
            "status": NOT_SUPPLIED,
            "derivation": f"not counted: {source_file} is missing",
        }
    matched = [
        r
        for r in records.rows(count.template)
        if all(str(getattr(r.data, k)) == v for k, v in count.where)
    ]
    lines = [r.line for r in matched]
    condition = " and ".join(f"{k} is {v!r}" for k, v in count.where)
    row["source_line"] = "; ".join(str(n) for n in lines)
    span = f" ({'line' if len(lines) == 1 else 'lines'} {_lines(lines)})" if lines else ""
    if not count.column:
        where = f" where {condition}" if condition else ""
        row["derivation"] = f"count of {_rows_word(len(matched))}{where}{span}"
        return {**row, "value": float(len(matched))}
    if not matched:
        where = f" with {condition}" if condition else ""
        return {**row, "status": NOT_SUPPLIED, "derivation": f"not counted: no row{where}"}
    row["value"] = float(sum(getattr(r.data, count.column) for r in matched))
    if len(matched) > 1:
        row["derivation"] = f"sum of {_rows_word(len(matched))}{span}"
    return row


# Figures the sections count from the records by breakdown (per agency, per rating, per
# measure ...): the section says which rows, and the figure's ``breakdown`` says which part.
BREAKDOWN_INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        Indicator("funding_contribution", "Financial contribution", "pounds",
                  "Money contributed to the arrangements in the period, in pounds."),
        Indicator("reviews_published", "Reviews published", "count",
                  "Local child safeguarding practice reviews and legacy serious case reviews "
                  "published in the period."),
        Indicator("review_theme", "Notifications and reviews by theme", "count",
                  "Notifications and reviews whose learning concerns the theme."),
        Indicator("recommendations", "Recommendations", "count",
                  "Recommendations from local reviews, by the status of the action taken."),
        Indicator("national_reviews_considered", "National reviews considered", "count",
                  "National reviews and reports the partnership considered in the period."),
        Indicator("training_evaluation_percent", "Course evaluation result (%)", "percent",
                  "The share of respondents giving the answer the measure counts."),
        Indicator("training_evaluation_score", "Course evaluation result (mean score out of "
                  "10)", "ratio", "The respondents' mean score out of 10."),
        Indicator("training_respondents", "Respondents to a course evaluation", "count",
                  "People who answered the evaluation measure."),
        Indicator("audit_reviewed", "Cases or agencies reviewed by an audit", "count",
                  "How many cases or agencies an audit reviewed."),
        Indicator("section11_standards", "Section 11 standards by rating", "count",
                  "Section 11 standards given the rating, over all organisations."),
        Indicator("lado_count", "LADO activity", "count",
                  "A count from the Local Authority Designated Officer's work in the period."),
        Indicator("private_fostering_count", "Private fostering", "count",
                  "A count of private fostering notifications or arrangements in the period."),
    )
}  # fmt: skip
LOCAL_INDICATORS.update(BREAKDOWN_INDICATORS)
