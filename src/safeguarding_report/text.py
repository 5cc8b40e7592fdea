"""Sentences with numbers in them, formatted and recorded like every other figure."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from safeguarding_report import provenance, tables


@dataclass
class Text:
    """A paragraph of Markdown whose numbers carry figure records."""

    markdown: str
    records: list[dict[str, Any]] = field(default_factory=list)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return provenance.bundle(
            {"text/markdown": self.markdown, "text/plain": self.markdown}, self.records
        )


def say(template: str, **values: Any) -> Text:
    """Fill ``template``'s ``{name}`` fields.

    A value that is a tidy row (a mapping with an ``indicator``) is formatted as the tables
    format it and recorded; ``{name:pct}`` appends a per cent sign. Anything else is text.
    A figure shown as a GSS symbol gets the symbol's meaning in brackets at the end.
    """
    records: list[dict[str, Any]] = []
    parts: list[str] = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Mapping | pd.Series):
            row: tables.Row = value
            text = tables.shown_for(row)
            if spec == "pct" and not row["status"]:
                text += "%"
            records.append(provenance.record(row, text))
            parts.append(text)
        else:
            parts.append(str(value))
    symbols = [sym for sym in tables.SYMBOL_MEANINGS if any(r["shown"] == sym for r in records)]
    if symbols:
        parts.append(
            " (" + "; ".join(f"{sym} {tables.SYMBOL_MEANINGS[sym]}" for sym in symbols) + ")"
        )
    return Text("".join(parts), records)
