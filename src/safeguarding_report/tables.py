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

from safeguarding_report import indicators, provenance

# Why a figure is missing (the tidy tables' ``status``) -> Government Statistical Service symbol.
GSS_SYMBOLS: dict[str, str] = {
    "c": "[c]",
    "small": "[c]",
    "x": "[x]",
    "..": "[x]",
    "not collected": "[x]",
    "not held": "[x]",
    "not yet published": "[x]",
    "not supplied": "[x]",
    "z": "[z]",
    "-": "[z]",
    "low": "[low]",
    "k": "[low]",
    "u": "[u]",
}

SYMBOL_MEANINGS: dict[str, str] = {
    "[c]": "confidential: withheld to protect individuals",
    "[x]": "not available",
    "[z]": "not applicable",
    "[low]": "a positive number that rounds to zero",
    "[u]": "low reliability",
}

# Each status in words, to finish a sentence such as "The figure for Kent in 2012 ...".
# Every case has its own wording: a reader must be able to tell a withheld figure from one that
# was never collected or one the kit's files do not hold.
REASONS: dict[str, str] = {
    "c": "was withheld by the publisher to protect confidentiality",
    "small": "is not shown because it is a small number (from 1 to 5), to protect the children "
    "concerned",
    "x": "was marked as not available by the publisher",
    "..": "was marked as not available by the publisher",
    "not collected": "is not available because the published series does not go back to that year",
    "not held": "was published, but is not in the published files this report was built from",
    "not yet published": "has not yet been published",
    "not supplied": "is not available because the partnership's record of it has not been supplied",
    "z": "does not apply",
    "-": "does not apply",
    "low": "is a positive number that rounds to zero",
    "k": "is a positive number that rounds to zero",
    "u": "was not published because it is of low reliability",
}


def reason(status: str) -> str:
    """Why a figure is missing, in words that finish a sentence about it."""
    return REASONS.get(status, "is not available")


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
    if unit == "pounds":
        return f"£{number:,.0f}"
    if unit == "count" or (not derived and number.is_integer()):
        return f"{number:,.0f}"
    return f"{number:,.1f}"


# A tidy row: a pandas row or a plain mapping with the TIDY_COLUMNS keys.
Row = Mapping[str, Any] | pd.Series


def shown_for(row: Row) -> str:
    """``shown`` for a tidy row, using its indicator's unit."""
    unit = indicators.get(str(row["indicator"])).unit
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
    numeric_columns: list[bool] | None = None  # per column, overriding ``numeric``

    def _numeric(self, column: int) -> bool:
        if self.numeric_columns is not None:
            return self.numeric_columns[column]
        return self.numeric and column > 0

    def symbols_used(self) -> list[str]:
        """GSS symbols appearing in the table, in the order of ``SYMBOL_MEANINGS``."""
        cells = {cell for row in self.rows for cell in row[1:]}
        return [s for s in SYMBOL_MEANINGS if s in cells]

    def to_html(self) -> str:
        """The table as HTML with a caption, header scopes and right-aligned numbers."""
        esc = html.escape

        def num(column: int) -> str:
            return ' class="num"' if self._numeric(column) else ""

        head = "".join(f'<th scope="col"{num(i)}>{esc(h)}</th>' for i, h in enumerate(self.header))
        body = "".join(
            f'<tr><th scope="row">{esc(row[0])}</th>'
            + "".join(f"<td{num(i)}>{esc(cell)}</td>" for i, cell in enumerate(row[1:], 1))
            + "</tr>"
            for row in self.rows
        )
        notes = list(self.notes) + symbol_notes(self.records, self.symbols_used())
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


@dataclass(frozen=True)
class Figure:
    """A figure in a table cell or sentence: a tidy row and how to dress its number."""

    row: Row
    signed: bool = False  # '+3.2' for a change
    suffix: str = ""  # e.g. '%'

    def text(self) -> str:
        """What the reader sees, exactly as recorded in figures.csv."""
        shown_text = shown_for(self.row)
        if shown_text.startswith("["):
            return shown_text
        value = float(self.row["value"])
        if self.signed and value > 0 and shown_text.strip("0.,") != "":
            shown_text = "+" + shown_text
        return shown_text + self.suffix


Cell = str | Figure


def grid(
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    source: str = "",
    notes: Sequence[str] = (),
) -> Table:
    """A table of text and figures: each ``Figure`` is formatted once and recorded.

    A column is right-aligned as numbers when any of its cells is a figure.
    """
    records: list[dict[str, Any]] = []
    table_rows: list[list[str]] = []
    numeric = [False] * len(header)
    for cells in rows:
        if len(cells) != len(header):
            raise ValueError(f"grid: row {list(cells)!r} has {len(cells)} cells, not {len(header)}")
        line = []
        for i, cell in enumerate(cells):
            if isinstance(cell, Figure):
                text = cell.text()
                records.append(provenance.record(cell.row, text))
                numeric[i] = i > 0
                line.append(text)
            else:
                line.append(str(cell))
        table_rows.append(line)
    return Table(
        caption,
        list(header),
        table_rows,
        records,
        source,
        [*notes, *derivation_notes(records)],
        numeric_columns=numeric,
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


def symbol_notes(records: Sequence[Mapping[str, Any]], symbols: Sequence[str]) -> list[str]:
    """One footnote per symbol used: its meaning, then why each figure behind it is missing."""
    notes = []
    for symbol in symbols:
        why: dict[str, list[Mapping[str, Any]]] = {}
        for r in records:
            if r["shown"] == symbol and r.get("status"):
                why.setdefault(str(r["status"]), []).append(r)
        reasons = [
            f"The figure for {_where(rows)} {reason(status)}." for status, rows in why.items()
        ]
        notes.append(" ".join([f"{symbol} {SYMBOL_MEANINGS[symbol]}.", *reasons]))
    return notes


def _where(records: Sequence[Mapping[str, Any]]) -> str:
    """'Kent in 2019 and 2020; England in 2019', grouping periods by area."""
    periods: dict[str, list[str]] = {}
    for r in records:
        periods.setdefault(str(r["area_name"]), []).append(str(r["period"]))
    by_periods: dict[str, list[str]] = {}
    for area, ps in periods.items():
        by_periods.setdefault(and_(list(dict.fromkeys(ps))), []).append(area)
    return "; ".join(f"{and_(areas)} in {ps}" for ps, areas in by_periods.items())


def derivation_notes(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Say in words which figures were calculated for the report rather than published.

    The full derivation of each (which rows, which population) is in ``figures.csv``.
    """
    notes = []
    derived = [r for r in records if str(r["derivation"]).startswith("count per 10,000")]
    if derived:
        where = _where(derived)
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


def and_(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
