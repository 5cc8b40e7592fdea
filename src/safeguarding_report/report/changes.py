"""What changed since last year: each headline figure, its change, and England's change.

``frame`` gives one row per headline indicator for the local authority: last year's and this
year's figure, the change, England's change, and whether the area moved beyond England's
change. The build writes it as ``outputs/<id>/changes.csv``; the foreword shows it as
"Changes since last year".

Beyond England's change
    The area's change as a percentage of its own figure last year, set against England's
    change as a percentage of England's figure last year. When the two differ by 5 percentage
    points or more the area moved beyond England's change ("yes"); otherwise "no". That is
    the same 5% margin ``sections.direction`` allows for rounding and noise. Blank when any
    of the four figures is missing or a figure last year was zero; when this year's figures
    are not yet published (a report written before the DfE's releases), the words say so.

The wider picture (``wider_frame``)
    Each wider-picture measure the report shows (core/wider.yaml), read from the DfE's
    Benchmarking Data Set as the report reads it: its latest period ending in or before the
    report's year and the one before, labelled as LAIT labels them (``last_year`` and
    ``this_year`` hold the labels, e.g. 2020-21 and 2021-22), compared with England by the
    same rule. Where LAIT's England figure is not comparable with an authority's
    (``england_note`` in wider.yaml) the words say "not compared" and why. A partnership's
    whole area has no figure there (LAIT's figures are not combined, as the report says), so
    its row says why, and each authority has its own row, as the report shows each beside it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from safeguarding_report.core import indicators, spreadsheet
from safeguarding_report.data import Published
from safeguarding_report.data.schema import NOT_HELD, NOT_YET_PUBLISHED
from safeguarding_report.report import tables

ENGLAND = "E92000001"
MARGIN = 5.0  # percent: within it two figures, or two changes, are called similar

CHANGE_COLUMNS: tuple[str, ...] = (
    "indicator",
    "area_code",
    "area_name",
    "last_year",
    "this_year",
    "last_value",
    "last_status",
    "this_value",
    "this_status",
    "change",
    "england_last_value",
    "england_this_value",
    "england_change",
    "beyond_england",  # "yes", "no", or "" when it cannot be said
    "compared_with_england",  # in words, e.g. "rose more than England"
    "source_file",  # this year's figure's file (last year's may be another release)
    "last_source_file",
)


def frame(published: Published, la_code: str, year: int, indicators: Sequence[str]) -> pd.DataFrame:
    """One row per indicator: the area's figure in ``year - 1`` and ``year``, and England's."""
    la = published.area(la_code)
    rows = []
    for indicator in indicators:
        tidy = published.series(indicator, [la.code, ENGLAND], [year - 1, year])
        if la.parts:
            # A partnership's whole-area figure that rests on an authority's withheld count is
            # withheld here as in the report: beside the others, it would give that one away.
            tidy = tables.protect_frame(tidy)
        last, this = _pick(tidy, la.code, year - 1), _pick(tidy, la.code, year)
        eng_last, eng_this = _pick(tidy, ENGLAND, year - 1), _pick(tidy, ENGLAND, year)
        moved = _difference(this, last)
        eng_moved = _difference(eng_this, eng_last)
        beyond, words = compare(
            float(last["value"]), float(this["value"]),
            float(eng_last["value"]), float(eng_this["value"]),
        )  # fmt: skip
        if NOT_YET_PUBLISHED in (this["status"], eng_this["status"]):
            words = f"not compared: the figures for {year} are not yet published"
        rows.append(
            {
                "indicator": indicator,
                "area_code": la.code,
                "area_name": la.name,
                "last_year": year - 1,
                "this_year": year,
                "last_value": last["value"],
                "last_status": last["status"],
                "this_value": this["value"],
                "this_status": this["status"],
                "change": moved,
                "england_last_value": eng_last["value"],
                "england_this_value": eng_this["value"],
                "england_change": eng_moved,
                "beyond_england": beyond,
                "compared_with_england": words,
                "source_file": this["source_file"],
                "last_source_file": last["source_file"],
            }
        )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def wider_frame(
    published: Published, la_code: str, year: int, measures: Sequence[str]
) -> pd.DataFrame:
    """One row per wider-picture measure held (per authority too, for a partnership): its
    latest period ending in or before ``year`` and the one before, beside England's."""
    la = published.area(la_code)
    rows = []
    for indicator in measures:
        years = published.wider_years(indicator, year, 2)
        if not years:
            continue  # the report shows no figure for it either (it names it in a note)
        labels = [y.label for y in years]
        last_label = labels[0] if len(labels) == 2 else ""
        tidy = published.wider(indicator, la.code, years)
        shown = [la, *la.parts] if la.parts else [la]
        for area in shown:
            this = _pick(tidy, area.code, labels[-1])
            last = _pick(tidy, area.code, last_label) if last_label else _NONE
            eng_this = _pick(tidy, ENGLAND, labels[-1])
            eng_last = _pick(tidy, ENGLAND, last_label) if last_label else _NONE
            beyond, words = compare(
                float(last["value"]), float(this["value"]),
                float(eng_last["value"]), float(eng_this["value"]),
            )  # fmt: skip
            if area.parts:
                beyond, words = "", f"not compared: {this['derivation']}"
            elif indicator in indicators.ENGLAND_NOTES:
                beyond = ""
                words = "not compared: " + _lower_first(indicators.ENGLAND_NOTES[indicator])
            rows.append(
                {
                    "indicator": indicator,
                    "area_code": area.code,
                    "area_name": area.name,
                    "last_year": last_label,
                    "this_year": labels[-1],
                    "last_value": last["value"],
                    "last_status": last["status"],
                    "this_value": this["value"],
                    "this_status": this["status"],
                    "change": _difference(this, last),
                    "england_last_value": eng_last["value"],
                    "england_this_value": eng_this["value"],
                    "england_change": _difference(eng_this, eng_last),
                    "beyond_england": beyond,
                    "compared_with_england": words,
                    "source_file": this["source_file"],
                    "last_source_file": last["source_file"],
                }
            )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


# No period before the latest: a figure that is not held (never zero).
_NONE = pd.Series({"value": math.nan, "status": NOT_HELD, "source_file": ""})


def _lower_first(sentence: str) -> str:
    """'The Benchmarking ... the area's.' -> 'the Benchmarking ... the area's'."""
    return sentence[:1].lower() + sentence[1:].rstrip(".")


def _pick(tidy: pd.DataFrame, code: str, period: int | str) -> pd.Series:
    return tidy[(tidy["area_code"] == code) & (tidy["period"] == str(period))].iloc[0]


def _difference(this: pd.Series, last: pd.Series) -> float:
    if this["status"] or last["status"]:
        return math.nan
    return float(this["value"]) - float(last["value"])


def compare(last: float, this: float, eng_last: float, eng_this: float) -> tuple[str, str]:
    """("yes" | "no" | "", words): whether the area moved beyond England's change."""
    values = (last, this, eng_last, eng_this)
    if any(math.isnan(v) for v in values) or last == 0 or eng_last == 0:
        return "", "not compared: a figure is missing"
    mine = (this - last) / abs(last) * 100
    england = (eng_this - eng_last) / abs(eng_last) * 100
    if abs(mine - england) < MARGIN:
        return "no", "in line with England"
    if mine > england:
        if england >= 0:
            return "yes", "rose more than England"
        return "yes", "rose while England fell" if mine > 0 else "fell less than England"
    if england <= 0:
        return "yes", "fell more than England"
    return "yes", "fell while England rose" if mine < 0 else "rose less than England"


# The columns that hold a figure of the row's measure, written with its decimal places.
FIGURE_COLUMNS: tuple[str, ...] = (
    "last_value",
    "this_value",
    "change",
    "england_last_value",
    "england_this_value",
    "england_change",
)


def write(changes: pd.DataFrame, path: Path) -> None:
    """``changes.csv``: each figure with its measure's decimal places, as the report shows it
    but without thousands separators (30.3, 53, 0.0); blanks for missing figures."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = spreadsheet.Writer(handle)
        writer.writerow(CHANGE_COLUMNS)
        for row in changes.to_dict("records"):
            writer.writerow([_cell(row, column) for column in CHANGE_COLUMNS])


def _cell(row: Mapping[Hashable, object], column: str) -> str:
    value = row[column]
    if column in FIGURE_COLUMNS:
        return tables.plain(value, str(row["indicator"]))
    if isinstance(value, float):  # a year a frame holds as a float, or none
        return "" if math.isnan(value) else f"{value:g}"
    return str(value)
