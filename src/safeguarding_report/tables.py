"""Tables as readers see them: formatted numbers, GSS symbols, a caption and a source line.

This is the one place a number becomes text. ``shown`` is what the reader sees, and the same
string goes into the figure record for ``figures.csv``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from safeguarding_report import provenance
from safeguarding_report.data.schema import NOT_COLLECTED, NOT_HELD, NOT_YET_PUBLISHED, SMALL
from safeguarding_report.indicators import INDICATORS

# DfE status codes -> Government Statistical Service symbols.
GSS_SYMBOLS: dict[str, str] = {
    "c": "[c]",
    "x": "[x]",
    "..": "[x]",
    NOT_COLLECTED: "[x]",
    NOT_HELD: "[x]",
    NOT_YET_PUBLISHED: "[x]",
    SMALL: "[c]",
    "z": "[z]",
    "-": "[z]",
    "low": "[low]",
    "k": "[low]",
    "u": "[u]",
}

SYMBOL_MEANINGS: dict[str, str] = {
    "[c]": "confidential: withheld by the publisher to protect individuals",
    "[x]": "not available: not collected, not published, or not held for this year",
    "[z]": "not applicable",
    "[low]": "a positive number that rounds to zero",
    "[u]": "low reliability",
}


def shown(value: Any, status: str, unit: str, derived: bool = False) -> str:
    """The text a reader sees for one value.

    Counts get thousands separators. Rates, percentages and ratios get one decimal place,
    except a whole number published as such (the DfE publishes looked-after rates as whole
    numbers), which is shown as published rather than with a precision it never had.
    """
    if status:
        return GSS_SYMBOLS.get(status, "[x]")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "[x]"
    number = float(value)
    if unit == "count" or (not derived and number.is_integer()):
        return f"{number:,.0f}"
    return f"{number:,.1f}"


# A tidy row: a pandas row or a plain mapping with the TIDY_COLUMNS keys.
Row = Mapping[str, Any] | pd.Series


def shown_for(row: Row) -> str:
    """``shown`` for a tidy row, using its indicator's unit."""
    unit = INDICATORS[str(row["indicator"])].unit
    return shown(row["value"], str(row["status"]), unit, derived=bool(row["derivation"]))


@dataclass
class Table:
    """A captioned table that displays as accessible HTML and carries its figure records."""

    caption: str
    header: list[str]  # first entry heads the row labels
    rows: list[list[str]]  # first entry of each row is its label
    records: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)
    numeric: bool = True  # right-align the value columns as numbers

    def symbols_used(self) -> list[str]:
        """GSS symbols appearing in the table, in the order of ``SYMBOL_MEANINGS``."""
        cells = {cell for row in self.rows for cell in row[1:]}
        return [s for s in SYMBOL_MEANINGS if s in cells]

    def to_html(self) -> str:
        """The table as HTML with a caption, header scopes and right-aligned numbers."""
        esc = html.escape
        num = ' class="num"' if self.numeric else ""
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in self.header[:1]) + "".join(
            f'<th scope="col"{num}>{esc(h)}</th>' for h in self.header[1:]
        )
        body = "".join(
            f'<tr><th scope="row">{esc(row[0])}</th>'
            + "".join(f"<td{num}>{esc(cell)}</td>" for cell in row[1:])
            + "</tr>"
            for row in self.rows
        )
        notes = list(self.notes) + [f"{s} {SYMBOL_MEANINGS[s]}" for s in self.symbols_used()]
        foot = "".join(f'<p class="table-note">{esc(n)}</p>' for n in notes)
        source = f'<p class="source">Source: {esc(self.source)}</p>' if self.source else ""
        return (
            f'<div class="table-wrap"><table><caption>{esc(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}{source}</div>"
        )

    def to_markdown(self) -> str:
        """Plain-text fallback, for viewers that do not render HTML."""
        lines = [f"**{self.caption}**", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "---|" * len(self.header))
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return provenance.bundle(
            {"text/html": self.to_html(), "text/plain": self.to_markdown()}, self.records
        )


def pivot(
    tidy: pd.DataFrame,
    *,
    rows: str,
    columns: str,
    caption: str,
    row_labels: Mapping[str, str] | None = None,
    column_labels: Mapping[str, str] | None = None,
    corner: str = "",
    source: str = "",
    notes: Sequence[str] = (),
) -> Table:
    """Lay a tidy frame out as a table: one row per value of ``rows``, one column per ``columns``.

    Row and column order follow first appearance in ``tidy``; labels default to the values.
    """
    row_keys = list(dict.fromkeys(tidy[rows].astype(str)))
    col_keys = list(dict.fromkeys(tidy[columns].astype(str)))
    cells: dict[tuple[str, str], Row] = {}
    for _, row in tidy.iterrows():
        key = (str(row[rows]), str(row[columns]))
        if key in cells:
            raise ValueError(f"pivot: more than one value for {rows}={key[0]}, {columns}={key[1]}")
        cells[key] = row
    row_labels = row_labels or {}
    column_labels = column_labels or {}
    table_rows: list[list[str]] = []
    records: list[dict[str, Any]] = []
    for r in row_keys:
        line = [row_labels.get(r, r)]
        for c in col_keys:
            cell = cells.get((r, c))
            if cell is None:
                line.append("[z]")
                continue
            text = shown_for(cell)
            line.append(text)
            records.append(provenance.record(cell, text))
        table_rows.append(line)
    header = [corner] + [column_labels.get(c, c) for c in col_keys]
    return Table(caption, header, table_rows, records, source, [*notes, *derivation_notes(records)])


def derivation_notes(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Say in words which figures were calculated for the report rather than published.

    The full derivation of each (which rows, which population) is in ``figures.csv``.
    """
    notes = []
    derived_rates: dict[str, list[str]] = {}
    for r in records:
        if str(r["derivation"]).startswith("count per 10,000"):
            derived_rates.setdefault(str(r["period"]), []).append(str(r["area_name"]))
    if derived_rates:
        by_areas: dict[str, list[str]] = {}
        for period, areas in derived_rates.items():
            by_areas.setdefault(_and(areas), []).append(period)
        where = "; ".join(f"{areas} in {_and(periods)}" for areas, periods in by_areas.items())
        notes.append(
            f"Rates calculated for this report, because the DfE published none: {where}. Each is "
            "the published count per 10,000 children in the ONS mid-year population estimate "
            "for the year before; all other rates are as published."
        )
    if any(str(r["derivation"]).startswith("mean of") for r in records):
        notes.append(
            "Statistical neighbours (mean) is the average of the published figures of the "
            "local authority's statistical neighbours that have one; figures.csv lists them."
        )
    return notes


def _and(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
