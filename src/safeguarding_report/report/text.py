"""Sentences with numbers in them, formatted and recorded like every other figure.

A sentence never puts a symbol where a number belongs. When a figure it needs is missing
(withheld, not applicable, not collected that year, not in the kit's files ...), the sentence
is replaced by one that says, in words, which figure is not available and why; the table
beside it shows the symbol.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from safeguarding_report.core import indicators, markup, provenance
from safeguarding_report.report import fragments, tables


@dataclass
class Text:
    """A paragraph whose numbers carry figure records; displays as HTML."""

    html: str
    records: list[dict[str, Any]] = field(default_factory=list)
    plain: str = ""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return provenance.bundle(
            {"text/html": self.html, "text/plain": self.plain or self.html}, self.records
        )


def _is_row(value: Any) -> bool:
    return isinstance(value, Mapping | pd.Series) and "indicator" in value


def missing(row: tables.Row) -> bool:
    """Whether a tidy row holds no number (a status says why)."""
    value = row["value"]
    return bool(row["status"]) or value is None or (isinstance(value, float) and math.isnan(value))


def say(template: str, **values: Any) -> Text:
    """Fill ``template``'s ``{name}`` fields and render it as one paragraph.

    A value that is a tidy row (a mapping with an ``indicator``) is formatted as the tables
    format it and recorded; ``{name:pct}`` appends a per cent sign. Any other value is text
    from data or params and is escaped. ``template`` is the library's own Markdown.

    If any row is missing its number, or holds a small count the disclosure rule withholds
    (``tables.protect``), the paragraph instead says which figures are not available and why
    (see ``not_available``). A count of children, families or events concerning a child
    (``tables.protected``) is marked ``data-unit="count"`` for the disclosure scan.
    """
    values = {k: tables.protect(v) if _is_row(v) else v for k, v in values.items()}
    rows = [v for v in values.values() if _is_row(v)]
    absent = [r for r in rows if missing(r)]
    if absent:
        return not_available(absent)
    return Text(*_fill(template, values))


def _fill(template: str, values: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]], str]:
    records: list[dict[str, Any]] = []
    parts: list[str] = []
    plain: list[str] = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        parts.append(literal)
        plain.append(literal)
        if name is None:
            continue
        value = values[name]
        if _is_row(value):
            text = tables.shown_for(value)
            if spec == "pct":
                text += "%"
            records.append(provenance.record(value, text))
            if tables.protected(value):
                parts.append(f"{_COUNT_OPEN}{markup.escape(text)}{_COUNT_CLOSE}")
            else:
                parts.append(markup.escape(text))
            plain.append(text)
        else:
            parts.append(
                markup.escape(str(value).replace(_COUNT_OPEN, "").replace(_COUNT_CLOSE, ""))
            )
            plain.append(str(value))
    rendered = _COUNTED.sub(
        lambda fenced: fragments.render("text", "count", fragments.safe(fenced.group(1))),
        markup.render("".join(parts)),
    )
    return rendered, records, "".join(plain)


# Markdown would escape a tag, so a count is fenced with two private-use characters (which no
# data file may carry through: they are stripped from other values) and the fenced text, once
# the sentence is rendered, goes into the count's fragment.
_COUNT_OPEN, _COUNT_CLOSE = "\ue000", "\ue001"
_COUNTED = re.compile(f"{_COUNT_OPEN}(.*?){_COUNT_CLOSE}")


def not_available(rows: Sequence[tables.Row], *, lead: str = "") -> Text:
    """A paragraph saying which figures are not available and why.

    One sentence per reason and period, naming each measure with the areas it is missing for,
    after ``lead`` (a sentence of the caller's, e.g. that no chart is shown).
    """
    groups: dict[tuple[str, str], dict[str, list[str]]] = {}
    for row in rows:
        key = (str(row["status"]) or "x", str(row["period"]))
        label = indicators.get(str(row["indicator"])).label
        areas = groups.setdefault(key, {}).setdefault(label[0].lower() + label[1:], [])
        area = tables.area_words(str(row["area_name"]))
        if area not in areas:
            areas.append(area)
    sentences = []
    for (status, period), measures in groups.items():
        if len(measures) == 1 and len(next(iter(measures.values()))) == 1:
            ((label, (area,)),) = measures.items()
            sentences.append(
                f"The figure for {label} for {area} in {_period(period)} {tables.reason(status)}."
            )
            continue
        listed = "; ".join(f"{label} ({tables.and_(areas)})" for label, areas in measures.items())
        sentences.append(
            f"Each of these figures for {_period(period)} {tables.reason(status)}: {listed}."
        )
    said = " ".join([lead, *sentences] if lead else sentences)
    return Text(markup.render(markup.escape(said)), [], said)


def words(said: str) -> Text:
    """A paragraph of the library's own words, with no figures in it."""
    return Text(fragments.render("text", "paragraph", said), [], said)


def paragraph(*texts: Text) -> Text:
    """Several sentences as one paragraph, keeping every record."""
    inner = " ".join(markup.unwrap_paragraph(t.html) for t in texts)
    return Text(
        fragments.render("text", "paragraph", fragments.safe(inner)),
        [r for t in texts for r in t.records],
        " ".join(t.plain for t in texts),
    )


def _period(period: str) -> str:
    """'2022' -> 'the year ending 31 March 2022'; other labels as they are."""
    return f"the year ending 31 March {period}" if period.isdigit() else period
