"""Tables as readers see them: formatted numbers, GSS symbols, a caption and a source line.

This is the one place a number becomes text. ``shown`` is what the reader sees, and the same
string goes into the figure record for ``figures.csv``.
"""

from __future__ import annotations

import decimal
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from safeguarding_report.core import indicators, params, provenance
from safeguarding_report.data import combine
from safeguarding_report.data.population import DERIVED
from safeguarding_report.data.published import NEIGHBOURS_NAME
from safeguarding_report.data.schema import NOT_COMPARABLE, NOT_YET_PUBLISHED, PART_WITHHELD
from safeguarding_report.report import fragments

# Why a figure is missing (the tidy tables' ``status``) -> Government Statistical Service symbol.
GSS_SYMBOLS: dict[str, str] = {
    "c": "[c]",
    "small": "[c]",
    "secondary": "[c]",
    "part withheld": "[c]",
    "x": "[x]",
    "..": "[x]",
    "not collected": "[x]",
    "not held": "[x]",
    "not yet published": "[x]",
    "not supplied": "[x]",
    "not comparable": "[x]",
    "z": "[z]",
    "-": "[z]",
    "low": "[low]",
    "k": "[low]",
    "u": "[u]",
    "few answered": "[u]",
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
    "concerned",  # the rule in force and who it protects: ``reason``
    "secondary": "is not shown because, with the total beside it, it would let a small number "
    "be worked out",
    "part withheld": "is not shown because the figure of one of its local authorities is "
    "withheld, and beside the others it would give that figure away",
    "x": "was marked as not available by the publisher",
    "..": "was marked as not available by the publisher",
    "not collected": "is not available because the published series does not go back to that year",
    "not held": "was published, but is not in the published files this report was built from",
    "not yet published": "has not yet been published",
    "not comparable": "is not shown: it is not comparable with a local authority's figure",
    "not supplied": "is not available because the partnership's record of it has not been supplied",
    "z": "does not apply",
    "-": "does not apply",
    "low": "is a positive number that rounds to zero",
    "k": "is a positive number that rounds to zero",
    "u": "was not published because it is of low reliability",
}


def reason(status: str, indicator: str = "") -> str:
    """Why a figure is missing, in words that finish a sentence about it; a small count's
    reason names who it protects (its measure's unit of disclosure: children or families)."""
    if status == FEW_ANSWERED:
        return few_answered()
    if status == SMALL:
        about = indicators.get(indicator).about if indicator else "children"
        concerned = indicators.CONCERNED.get(about, indicators.CONCERNED["children"])
        return (
            f"is not shown because it is a small number ({rule().words()}), to protect {concerned}"
        )
    return REASONS.get(status, "is not available")


def _reason_of(rows: Sequence[Mapping[str, Any]], status: str) -> str:
    """``reason`` for the figures ``rows``, all missing for ``status``: who a small count
    protects is the families only when every one of them counts families."""
    families = all(indicators.get(str(r["indicator"])).about == "families" for r in rows)
    return reason(status, str(rows[0]["indicator"]) if rows and families else "")


def shown(value: Any, status: str, unit: str, dps: int | None = None) -> str:
    """The text a reader sees for one value: ``dps`` decimal places (the unit's usual,
    ``indicators.DPS_BY_UNIT``, when not given), thousands separators, pounds with '£'.

    Every figure of one measure gets the same places, trailing zeros included: a rate the
    DfE publishes as 26.0 (its files write '26') is shown 26.0 beside 25.2.
    """
    if status:
        return GSS_SYMBOLS.get(status, "[x]")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "[x]"
    places = indicators.DPS_BY_UNIT[unit] if dps is None else dps
    text = f"{rounded(value, places):,}"
    return f"£{text}" if unit == "pounds" else text


def rounded(value: Any, dps: int) -> decimal.Decimal:
    """``value`` to ``dps`` decimal places, halves away from zero as publishers round (not
    to even, as Python's format does), from its shortest decimal form (2.675 -> 2.68), and
    never negative zero (-0.04 -> 0.0, so a change that rounds to nothing has no sign)."""
    exact = decimal.Decimal(repr(float(value)))
    result = exact.quantize(decimal.Decimal(1).scaleb(-dps), context=_ROUNDING)
    return result.copy_abs() if result.is_zero() else result


# Enough digits for any figure a report shows, however large, at any places.
_ROUNDING = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)


def plain(value: Any, indicator: str) -> str:
    """A figure as a CSV file writes it: the measure's decimal places, no separators, no
    float noise (30.3, not 30.30000000000001); empty when there is no number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(rounded(value, indicators.decimals(indicator)))


# A tidy row: a pandas row or a plain mapping with the TIDY_COLUMNS keys.
Row = Mapping[str, Any] | pd.Series


def shown_for(row: Row) -> str:
    """``shown`` for a tidy row, with its measure's unit and decimal places."""
    indicator = str(row["indicator"])
    unit = indicators.get(indicator).unit
    return shown(row["value"], str(row["status"]), unit, indicators.decimals(indicator))


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
    # (row, column) of the cells that show a count of children, families or events concerning
    # a child (``protected``), marked so the disclosure scan finds them
    count_cells: set[tuple[int, int]] = field(default_factory=set)
    # May be wider than the page (several authorities side by side): its scrolling box is
    # then a labelled region a keyboard can reach, so it can be scrolled without a mouse.
    scrolls: bool = False

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
        notes = list(self.notes) + symbol_notes(self.records, self.symbols_used())
        return fragments.render(
            "tables",
            "table",
            caption=self.caption,
            header=[(text, self._numeric(i)) for i, text in enumerate(self.header)],
            rows=[
                (
                    row[0],
                    [
                        (text, self._numeric(i), (r, i) in self.count_cells)
                        for i, text in enumerate(row[1:], 1)
                    ],
                )
                for r, row in enumerate(self.rows)
            ],
            notes=notes,
            source=self.source,
            scrolls=self.scrolls,
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
class Tables:
    """Tables shown one after the other as one output: a table and the one that follows from
    it (a partnership's ranks, one row per authority, after its side-by-side figures)."""

    tables: tuple[Table, ...]

    def to_html(self) -> str:
        """Each table's HTML, in order."""
        return "\n".join(table.to_html() for table in self.tables)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return provenance.bundle(
            {
                "text/html": self.to_html(),
                "text/plain": "\n\n".join(table.to_markdown() for table in self.tables),
            },
            [record for table in self.tables for record in table.records],
        )


@dataclass(frozen=True)
class Figure:
    """A figure in a table cell or sentence: a tidy row and how to dress its number."""

    row: Row
    signed: bool = False  # '+3.2' for a change
    suffix: str = ""  # e.g. '%'

    def text(self) -> str:
        """What the reader sees, exactly as recorded in figures.csv (small counts withheld)."""
        row = protect(self.row)
        shown_text = shown_for(row)
        if shown_text.startswith("["):
            return shown_text
        value = float(row["value"])
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

    A column is right-aligned as numbers when any of its cells is a figure. Small counts, and
    the figures that would let them be worked out, are withheld before anything is formatted
    or recorded (``protect``, secondary suppression).
    """
    for cells in rows:
        if len(cells) != len(header):
            raise ValueError(f"grid: row {list(cells)!r} has {len(cells)} cells, not {len(header)}")
    given = {
        (r, i): cell
        for r, cells in enumerate(rows)
        for i, cell in enumerate(cells)
        if isinstance(cell, Figure)
    }
    labels = [str(cells[0]) if cells else "" for cells in rows]
    safe = _protect_table({p: f.row for p, f in given.items()}, labels, header, rule())
    shown = {p: Figure(safe[p], f.signed, f.suffix) for p, f in given.items()}
    texts = {place: figure.text() for place, figure in shown.items()}
    dropped = _inapplicable_columns(rows, texts, len(header))
    kept = [i for i in range(len(header)) if i not in dropped]
    records: list[dict[str, Any]] = []
    table_rows: list[list[str]] = []
    numeric = [False] * len(kept)
    counts: set[tuple[int, int]] = set()
    for r, cells in enumerate(rows):
        line = []
        for j, i in enumerate(kept):
            if (r, i) in shown:
                figure = shown[(r, i)]
                records.append(provenance.record(figure.row, texts[(r, i)]))
                numeric[j] = j > 0
                if protected(figure.row) and not figure.signed:
                    counts.add((r, j))
                line.append(texts[(r, i)])
            else:
                line.append(str(cells[i]))
        table_rows.append(line)
    gone = [provenance.record(shown[p].row, texts[p]) for p in sorted(shown) if p[1] in dropped]
    return Table(
        caption,
        [header[i] for i in kept],
        table_rows,
        records,
        source,
        [*notes, *_dropped_note([header[i] for i in dropped], gone), *derivation_notes(records)],
        numeric_columns=numeric,
        count_cells=counts,
    )


def _inapplicable_columns(
    rows: Sequence[Sequence[Cell]], texts: Mapping[tuple[int, int], str], width: int
) -> list[int]:
    """The value columns whose every cell is a figure shown as [z] (not applicable), while
    another column shows figures: left out, with one note saying why (``_dropped_note``)."""
    if not rows:
        return []
    columns = range(1, width)
    figures = {i for i in columns if all((r, i) in texts for r in range(len(rows)))}
    dropped = [i for i in figures if all(texts[(r, i)] == "[z]" for r in range(len(rows)))]
    others = [
        i for i in columns if i not in dropped and any((r, i) in texts for r in range(len(rows)))
    ]
    return dropped if others else []


def _dropped_note(names: Sequence[str], records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Why a table has no column for ``names``: the reason its figures do not apply."""
    if not names:
        return []
    why = derivation_notes(records)
    because = (
        " ".join(why) if why else ("The publisher marks each of its figures as not applicable.")
    )
    return [f"There is no column for {and_(list(names))}. {because}"]


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
    row_labels = row_labels or {}
    column_labels = column_labels or {}
    header = [corner] + [column_labels.get(c, c) for c in col_keys]
    labels = [row_labels.get(r, r) for r in row_keys]
    figures: dict[Key, Row] = {}
    for _, row in tidy.iterrows():
        key = (row_keys.index(str(row[rows])), col_keys.index(str(row[columns])) + 1)
        if key in figures:
            raise ValueError(
                f"pivot: more than one value for {rows}={row[rows]}, {columns}={row[columns]}"
            )
        figures[key] = row
    safe = _protect_table(figures, labels, header, rule())
    table_rows: list[list[str]] = []
    records: list[dict[str, Any]] = []
    counts: set[tuple[int, int]] = set()
    for r, label in enumerate(labels):
        line = [label]
        for c in range(1, len(col_keys) + 1):
            cell = safe.get((r, c))
            if cell is None:
                line.append("[z]")
                continue
            text = shown_for(cell)
            line.append(text)
            records.append(provenance.record(cell, text))
            if protected(cell):
                counts.add((r, c))
        table_rows.append(line)
    return Table(
        caption,
        header,
        table_rows,
        records,
        source,
        [*notes, *derivation_notes(records)],
        count_cells=counts,
    )


def symbol_notes(records: Sequence[Mapping[str, Any]], symbols: Sequence[str]) -> list[str]:
    """One footnote per symbol used: its meaning, then why the figures behind it are missing,
    each named once, in sentences a reader can follow. More than a few measures missing for one
    reason are counted rather than listed (figures.csv lists each)."""
    notes = []
    several = len({str(r["indicator"]) for r in records}) > 1
    for symbol in symbols:
        why: dict[str, list[Mapping[str, Any]]] = {}
        for r in records:
            if r["shown"] == symbol and r.get("status"):
                why.setdefault(str(r["status"]), []).append(r)
        reasons = []
        for status, rows in why.items():
            if status == FEW_ANSWERED:  # one rule for the table: the rows say which
                reasons.append(few_answered())
            elif status == NOT_COMPARABLE:  # each measure's own reason, from its declaration
                reasons += _not_comparable(rows)
            elif not several:
                reasons.append(_missing(rows, status))
            elif _whole_years_unpublished(records, status, rows):
                reasons.append(
                    f"The figures for {_where(rows, bodies=False)} have not yet been published."
                )
            else:
                reasons += _missing_by_measure(rows, status)
        notes.append(" ".join([f"{symbol} {SYMBOL_MEANINGS[symbol]}.", *reasons]))
    return notes


_LISTED = 3  # measures named in a note; more are counted, and figures.csv lists them


def _missing_by_measure(rows: Sequence[Mapping[str, Any]], status: str) -> list[str]:
    """Why figures of several measures are missing: the measures named once each, grouped by
    where and when; beyond a few, counted."""
    measures = list(dict.fromkeys(str(r["indicator"]) for r in rows))
    if len(measures) > _LISTED:
        return [
            f"{len(rows)} figures of {len(measures)} measures, for {_where(rows, bodies=False)}, "
            f"{_plural(_reason_of(rows, status))}; figures.csv lists each."
        ]
    by_where: dict[str, list[str]] = {}
    for indicator in measures:
        found = [r for r in rows if r["indicator"] == indicator]
        by_where.setdefault(_where(found), []).append(_lower(indicators.get(indicator).label))
    return [_sentence(labels, where, status, rows) for where, labels in by_where.items()]


def _sentence(
    labels: Sequence[str], where: str, status: str, rows: Sequence[Mapping[str, Any]]
) -> str:
    """'The figures for a and b (Kent in 2022) are ...'."""
    several = len(labels) > 1
    said = f"The figure{'s' if several else ''} for {and_(list(labels))} ({where})"
    why = _reason_of(rows, status)
    return f"{said} {_plural(why) if several else why}."


def _missing(rows: Sequence[Mapping[str, Any]], status: str) -> str:
    """'The figure for Kent in 2022 is ...' (one measure: the table says which), naming what
    each figure is about; beyond a few, counted."""
    why = _reason_of(rows, status)
    if len({_about(r) for r in rows}) > _LISTED:
        where = _where(rows, bodies=False)
        return f"{len(rows)} figures for {where} {_plural(why)}; figures.csv lists each."
    if len(rows) > 1:
        return f"The figures for {_where(rows)} {_plural(why)}."
    return f"The figure for {_where(rows)} {why}."


def _plural(said: str) -> str:
    """A reason said of several figures: 'is not shown because it is' -> 'are not shown
    because each is'."""
    verb, rest = said.split(" ", 1)
    verbs = {"is": "are", "was": "were", "does": "do", "has": "have"}
    rest = rest.replace(" because it ", " because each ").replace(": it ", ": each ")
    rest = rest.replace(", but is not", ", but are not").replace(
        "a positive number", "positive numbers"
    )
    return f"{verbs.get(verb, verb)} {rest}"


def _not_comparable(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Why each measure's comparator is not shown, once per measure (its ``england_note``)."""
    reasons = []
    for indicator in dict.fromkeys(str(r["indicator"]) for r in rows):
        why = indicators.ENGLAND_NOTES.get(indicator)
        if why is None:
            found = [r for r in rows if r["indicator"] == indicator]
            why = f"The figure for {_where(found)} {reason(NOT_COMPARABLE)}."
        reasons.append(why)
    return reasons


def _whole_years_unpublished(
    records: Sequence[Mapping[str, Any]], status: str, rows: Sequence[Mapping[str, Any]]
) -> bool:
    """Whether ``rows`` are every figure of their years (and areas) in the table, all not yet
    published: the year, not the measure, is then the reason, and one short sentence says so
    rather than naming every measure of a year the DfE has still to publish."""
    if status != NOT_YET_PUBLISHED:
        return False
    cells = {(str(r["area_name"]), str(r["period"])) for r in rows}
    return all(r.get("status") == status for r in records if _cell(r) in cells)


def _cell(record: Mapping[str, Any]) -> tuple[str, str]:
    return str(record["area_name"]), str(record["period"])


def _lower(label: str) -> str:
    return label[0].lower() + label[1:]


def _where(records: Sequence[Mapping[str, Any]], *, bodies: bool = True) -> str:
    """'Kent in 2019 and 2020; England in 2019', grouping periods by area (or, with
    ``bodies``, by what a local record's figure is about: ``_about``)."""
    periods: dict[str, list[str]] = {}
    for r in records:
        about = _about(r) if bodies else area_words(str(r["area_name"]))
        periods.setdefault(about, []).append(str(r["period"]))
    by_periods: dict[str, list[str]] = {}
    for area, ps in periods.items():
        by_periods.setdefault(and_(list(dict.fromkeys(ps))), []).append(area)
    return "; ".join(f"{and_(areas)} in {ps}" for ps, areas in by_periods.items())


def _about(record: Mapping[str, Any]) -> str:
    """What a figure is about, as a note names it: the body its breakdown names ('agency:
    police' -> 'police'), else its area."""
    parts = str(record.get("breakdown") or "").split("; ")
    values = [part.split(": ", 1)[1] for part in parts if ": " in part]
    return ", ".join(values) if values else area_words(str(record["area_name"]))


def area_words(name: str) -> str:
    """An area's name as a sentence says it: the neighbours' mean is not a place."""
    return "the statistical neighbours' average" if name == NEIGHBOURS_NAME else name


_MEAN_OF = re.compile(r"^mean of the (\d+) of (\d+) statistical neighbours")


# How a figure was worked out for the report, by its derivation's opening words, and what a
# table's note says of the figures worked out that way ({where}: which areas and years).
_WORKED_OUT: tuple[tuple[str, str], ...] = (
    (
        DERIVED,
        "Rates calculated for this report, because the DfE published none: {where}. Each is "
        "the published count per 10,000 children in the ONS mid-year population estimate "
        "for the year before; all other rates are as published.",
    ),
    (
        combine.COMBINED,
        "Figures for {where} are worked out from its local authorities' published figures: "
        "counts are their sum, rates the summed count per 10,000 of the summed populations "
        "the DfE's rates use, percentages the summed numerator over the summed denominator. "
        "Where any authority's figure is withheld or missing, so is the whole area's; "
        "figures.csv lists every part.",
    ),
    (
        combine.PART_MISSING,
        "Not given for {where}: at least one of its local authorities' figures is withheld or "
        "missing, so the whole area's is too (beside the others, it would give the withheld "
        "one away; a missing figure is never counted as zero). figures.csv names which "
        "authority and why.",
    ),
    (
        combine.NOT_COMBINED,
        "Not worked out for {where}: the files publish these figures without the numbers "
        "they are worked out from, and rates, percentages and averages cannot be added or "
        "averaged; each local authority's own figure is given instead.",
    ),
)


def _worked_out(derivation: str) -> str | None:
    """The first of ``_WORKED_OUT``'s kinds that ``derivation`` opens with, if any."""
    return next((k for k, _ in _WORKED_OUT if derivation.startswith(k)), None)


def derivation_notes(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Say in words which figures were calculated for the report rather than published.

    The full derivation of each (which rows, which population) is in ``figures.csv``.
    """
    notes = []
    for prefix, note in _WORKED_OUT:
        # Each record under the first kind its derivation names (a part missing is also "not
        # combined", and is said once, as a part missing).
        found = [r for r in records if _worked_out(str(r["derivation"])) == prefix]
        if found:
            notes.append(note.format(where=_where(found, bodies=False)))
    means = [(r, _MEAN_OF.match(str(r["derivation"]))) for r in records]
    if any(m for _, m in means):
        note = (
            "Statistical neighbours (mean) is the average of the published figures of the "
            "local authority's statistical neighbours that have one; figures.csv lists them."
        )
        # An average of one or two neighbours is not the group's: say so where it is shown.
        thin = [
            f"{r['period']} ({m.group(1)} of {m.group(2)})"
            for r, m in means
            if m and not r["status"] and int(m.group(1)) * 2 < int(m.group(2))
        ]
        if thin:
            note += (
                f" Fewer than half the neighbours had a published figure in {and_(thin)}: "
                "those averages stand for only the few that did, and should be read with "
                "great care."
            )
        notes.append(note)
    return notes


def and_(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# --- disclosure control ----------------------------------------------------------------------
# One rule, applied to the tidy row before it is formatted or recorded: a count from ``low`` to
# ``high`` is withheld (status "small"), and so is anything that would let it be worked out.

# "1-5": set by the build for the sections it runs (Params.section_environment).
SUPPRESS_ENV = params.SUPPRESS_ENV
SMALL = "small"
FEW_ANSWERED = "few answered"  # a course evaluation's result from too few respondents
SECONDARY = "secondary"
# Statuses that hide a figure to protect the people it counts; any other status is a figure
# that simply is not there.
DISCLOSURE_STATUSES = frozenset({"c", SMALL, SECONDARY, PART_WITHHELD})
WITHHELD = "withheld by this report"  # how a withheld figure's derivation begins
_TOTAL_LABEL = re.compile(r"^\s*(total|all)\b", re.IGNORECASE)
_RATE_COUNT = re.compile(r"aged 0 to 17(?: \([^)]*\))?: (-?[0-9.e+]+) \(")
_CHANGE = re.compile(r"^change: (-?[0-9.e+]+) \(.*\) minus (-?[0-9.e+]+) \(")


@dataclass(frozen=True)
class Suppression:
    """Counts from ``low`` to ``high`` (inclusive) are never shown."""

    low: int = 1
    high: int = 5

    def hides(self, value: Any) -> bool:
        """Whether ``value`` is a count this rule withholds."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        return not math.isnan(number) and self.low <= number <= self.high

    def words(self) -> str:
        """'from 1 to 5'."""
        return f"from {self.low} to {self.high}"

    def as_text(self) -> str:
        """'1-5', as the build passes it to the sections."""
        return f"{self.low}-{self.high}"

    @classmethod
    def from_text(cls, text: str) -> Suppression:
        """Read '1-5' (``as_text``); a ValueError names the variable when it is not that."""
        low, sep, high = text.partition("-")
        if not (sep and low.strip().isdigit() and high.strip().isdigit()):
            raise ValueError(f"{SUPPRESS_ENV} must be two whole numbers like 1-5, found {text!r}")
        return cls(int(low), int(high))


def reliable_from() -> int:
    """The fewest respondents a course evaluation's result is reliable from: the build's
    (params ``reliable_from``), else the kit's default."""
    text = os.environ.get(params.RELIABLE_ENV, "")
    if text and not text.strip().isdigit():
        raise ValueError(f"{params.RELIABLE_ENV} must be a whole number like 30, found {text!r}")
    return int(text) if text else params.Params.reliable_from


def few_answered() -> str:
    """The rule for a result from too few respondents, as a table's note says it once."""
    least = reliable_from()
    # A percentage's 95% margin of error is widest at 50%: 1.96 * sqrt(0.25 / n).
    margin = 1.96 * math.sqrt(0.25 / least) * 100
    return (
        f"A change is not shown where fewer than {least:,} people answered at either of its "
        f"stages: a percentage from fewer than {least:,} answers has a margin of error of "
        f"more than {margin:.0f} points either way (at 95% confidence), more than most "
        "changes. The "
        "threshold is set as the disclosure threshold is, in the report's params "
        f"(reliable_from, {params.Params.reliable_from} unless changed); those who answered "
        "are staff, so their numbers are shown whatever their size. figures.csv keeps each "
        "change."
    )


def rule() -> Suppression:
    """The suppression rule in force: the build's (params ``suppress_from``/``suppress_to``)."""
    text = os.environ.get(SUPPRESS_ENV, "")
    return Suppression.from_text(text) if text else Suppression()


def unit_of(row: Row) -> str:
    """The unit of a tidy row's indicator ('count', 'rate' ...)."""
    return indicators.get(str(row["indicator"])).unit


def is_count(row: Row) -> bool:
    """Whether a tidy row is a count (not a mean of counts, or a change)."""
    derivation = str(row.get("derivation", "") or "")
    return unit_of(row) == "count" and not derivation.startswith(("mean of", "change"))


def protected(row: Row) -> bool:
    """Whether a tidy row is a count that disclosure control protects: of children, families
    or events that each concern a child (its measure's unit of disclosure,
    ``indicators.PROTECTED``), not of organisations, staff, courses, money or documents."""
    return is_count(row) and indicators.get(str(row["indicator"])).about in indicators.PROTECTED


def _value(row: Row) -> float | None:
    value = row["value"]
    if value is None or (isinstance(value, float) and math.isnan(value)) or row["status"]:
        return None
    return float(value)


def _withheld(row: Row, status: str, why: str) -> dict[str, Any]:
    """``row`` without its number: no value, a status, and no trace of the number it had."""
    kept = {key: row[key] for key in row.keys()}  # noqa: SIM118 - works for Series and dicts
    line = str(kept.get("source_line", "") or "")
    counted_rows = str(kept.get("derivation", "") or "").startswith("count of")
    kept.update(
        value=float("nan"),
        status=status,
        derivation=f"{WITHHELD}: {why}",
        # The lines counted would say how many there were.
        source_line="" if counted_rows or ";" in line else line,
    )
    return kept


def protect(row: Row, suppression: Suppression | None = None) -> Row:
    """``row`` as it may be shown: a small count, or a rate or change built on one, withheld.

    Published counts are treated like the partnership's own: a published 3 is shown ``[c]``.
    Averages (statistical neighbours' means) are not counts of people and are left as they are;
    nor are counts whose unit of disclosure is not people (``protected``): organisations and
    their ratings, staff, courses, money and published documents are shown whatever their size.
    """
    r = suppression or rule()
    if _value(row) is None:
        return row
    unit = unit_of(row)
    derivation = str(row.get("derivation", "") or "")
    if protected(row) and r.hides(row["value"]):
        return _withheld(row, SMALL, f"a count {r.words()}")
    if any(r.hides(part) for part in combine.part_values(derivation)):
        # Shown beside its parts, the whole area's figure would give the withheld one away.
        return _withheld(row, PART_WITHHELD, f"combined from an authority's count {r.words()}")
    if unit in ("rate", "percent") and derivation.startswith(DERIVED):
        count = _RATE_COUNT.search(derivation)
        if count and r.hides(count.group(1)):
            return _withheld(row, SMALL, f"built on a count {r.words()}")
    change = _CHANGE.match(derivation)
    about = indicators.get(str(row["indicator"])).about
    if (
        unit == "count"
        and about in indicators.PROTECTED
        and change
        and any(r.hides(n) for n in change.groups())
    ):
        return _withheld(row, SMALL, f"the change from or to a count {r.words()}")
    return row


def protect_frame(tidy: pd.DataFrame, suppression: Suppression | None = None) -> pd.DataFrame:
    """``protect`` applied to every row, then secondary suppression across the frame's rows."""
    r = suppression or rule()
    original: dict[Any, Row] = {i: row for i, row in tidy.iterrows()}
    cells = {i: protect(row, r) for i, row in original.items()}
    cells = _secondary(cells, _implied_totals(original), r)
    return pd.DataFrame([dict(cells[i]) for i in tidy.index], index=tidy.index)


Key = tuple[int, int]


def _implied_totals(cells: Mapping[Any, Row]) -> list[tuple[Any, list[Any]]]:
    """(total, parts) where one count equals the sum of two or more others of its breakdown.

    Only figures of the same indicator, area and period are compared, and the parts must each
    have a breakdown: that is what a breakdown beside its total looks like.
    """
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for key, row in cells.items():
        if unit_of(row) == "count":
            groups.setdefault(
                (str(row["indicator"]), str(row["area_code"]), str(row["period"])), []
            ).append(key)
    found = []
    for keys in groups.values():
        known = {k: _value(cells[k]) for k in keys}
        for total in keys:
            parts = [k for k in keys if k != total and str(cells[k].get("breakdown", "") or "")]
            values = [known[k] for k in parts]
            whole = known[total]
            complete = len(parts) >= 2 and whole is not None and None not in values
            if complete and math.isclose(sum(v or 0.0 for v in values), whole or 0.0):
                found.append((total, parts))
    return found


def _secondary(
    cells: dict[Any, Row], totals: Sequence[tuple[Any, list[Any]]], r: Suppression
) -> dict[Any, Row]:
    """Withhold more figures until no withheld one can be worked out from a total.

    In every set of a total and its parts, a figure withheld for disclosure must not be the
    only one missing: the smallest part still shown (or else the total) is withheld too.
    """
    cells = dict(cells)
    changed = True
    while changed:
        changed = False
        for total, parts in totals:
            members = [total, *parts]
            missing = [k for k in members if _value(cells[k]) is None]
            if len(missing) != 1 or str(cells[missing[0]]["status"]) not in DISCLOSURE_STATUSES:
                continue
            shown_parts = [k for k in parts if _value(cells[k]) is not None]
            pick = min(shown_parts, key=lambda k: _value(cells[k]) or 0.0) if shown_parts else total
            cells[pick] = _withheld(
                cells[pick],
                SECONDARY,
                f"with the total, it would let a count {r.words()} be worked out",
            )
            changed = True
    return cells


def _protect_table(
    figures: Mapping[Key, Row],
    row_labels: Sequence[str],
    header: Sequence[str],
    r: Suppression,
) -> dict[Key, Row]:
    """Primary and secondary suppression over one table's figures (keys are (row, column)).

    A row or column labelled 'Total' (or 'All ...') is the total of the counts across it; so
    is any count equal to the sum of its breakdown's parts elsewhere in the table. A rate or
    percentage in the same row as a withheld count of the same breakdown is built on it, and
    is withheld too.
    """
    cells: dict[Key, Row] = {key: protect(row, r) for key, row in figures.items()}
    totals = _implied_totals(figures)
    counts = {k for k, row in figures.items() if unit_of(row) == "count"}
    for i, label in enumerate(row_labels):
        if _TOTAL_LABEL.match(label):
            for j in {j for (_, j) in counts}:
                parts = [k for k in counts if k[1] == j and k[0] != i]
                if (i, j) in counts and len(parts) >= 2:
                    totals.append(((i, j), parts))
    for j, label in enumerate(header):
        if j > 0 and _TOTAL_LABEL.match(label):
            for i in {i for (i, _) in counts}:
                parts = [k for k in counts if k[0] == i and k[1] != j]
                if (i, j) in counts and len(parts) >= 2:
                    totals.append(((i, j), parts))
    cells = _secondary(cells, totals, r)
    for (i, j), row in list(cells.items()):
        if unit_of(row) in ("rate", "percent") and _value(row) is not None:
            built_on = [
                other
                for (oi, oj), other in cells.items()
                if oi == i
                and oj != j
                and unit_of(other) == "count"
                and str(other["status"]) in (SMALL, SECONDARY)
                and str(other.get("breakdown", "")) == str(row.get("breakdown", ""))
                and str(other["area_code"]) == str(row["area_code"])
                and str(other["period"]) == str(row["period"])
            ]
            if built_on:
                cells[(i, j)] = _withheld(row, SMALL, f"built on a count {r.words()}")
    return cells
