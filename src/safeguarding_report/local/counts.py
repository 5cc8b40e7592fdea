"""Counts from the local records as tidy rows, the shape the published layer returns.

What each local indicator is (label, unit, description) is declared with every other
indicator, in ``core/indicators.py`` (``LOCAL_INDICATORS``, named here too); how each is
counted is declared in ``local/tally.py`` (``LOCAL_COUNTS``, by its id), as
``data/catalogue.py`` says where each published one is read from. ``tidy_row`` returns the
same keys as a published row, so tables, charts and ``figures.csv`` treat both alike, with the
local CSV, column and line(s) as the source.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from safeguarding_report.core.indicators import LOCAL_INDICATORS as LOCAL_INDICATORS
from safeguarding_report.local.catalogue import CSV_TEMPLATES
from safeguarding_report.local.records import LocalRecords
from safeguarding_report.local.tally import LOCAL_COUNTS as LOCAL_COUNTS
from safeguarding_report.local.tally import LocalCount as LocalCount

AREA_LEVEL = "Partnership"
NOT_SUPPLIED = "not supplied"  # a status of the tidy tables: shown with the GSS symbol [x]


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


def _in_period(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether a row's date is given and falls in the period (any date, when none is given)."""
    if day is None:
        return False
    return (start is None or start <= day) and (end is None or day <= end)


def _rows_word(n: int) -> str:
    return "1 row" if n == 1 else f"{n} rows"


def tidy_row(
    records: LocalRecords,
    indicator: str,
    *,
    area_code: str,
    area_name: str,
    period: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """One local indicator as a tidy row: value, its file, column and line(s), and how.
    ``start`` and ``end`` are the reporting period's first and last days, for a count of rows
    dated in it (``LocalCount.dated``)."""
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
        and (not count.dated or _in_period(getattr(r.data, count.dated), start, end))
    ]
    lines = [r.line for r in matched]
    conditions = [f"{k} is {v!r}" for k, v in count.where]
    if count.dated:
        conditions.append(f"{count.dated} is in the period")
        row["source_column"] = count.dated
    condition = " and ".join(conditions)
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
