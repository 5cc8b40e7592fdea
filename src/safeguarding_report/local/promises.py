"""Next year's priorities as ``next_priorities.csv`` promises them: one per priority, with the
measures that will judge it. The report shows them; next year, ``new-year`` makes them that
year's ``priorities.csv`` and ``priority_measures.csv``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from safeguarding_report.local.models import LOCAL_MEASURE, NextPriority, known_measures
from safeguarding_report.local.read import Record


@dataclass(frozen=True)
class Promise:
    """One priority for next year: its words, lead and date, and its measures' rows."""

    priority: str
    success_measure: str
    lead: str
    by_when: dt.date
    measures: tuple[Record[NextPriority], ...]


def promises(rows: Sequence[Record[NextPriority]]) -> list[Promise]:
    """The rows of next_priorities.csv grouped by priority, in the order first named (the
    reader has checked that a priority's rows agree on its words, lead and date)."""
    grouped: dict[str, list[Record[NextPriority]]] = {}
    for record in rows:
        grouped.setdefault(record.data.priority, []).append(record)
    return [
        Promise(name, r[0].data.success_measure, r[0].data.lead, r[0].data.by_when, tuple(r))
        for name, r in grouped.items()
    ]


def label(row: NextPriority) -> str:
    """What the measure is, in words: a local measure's own label, else the kit's."""
    if row.measure.startswith(LOCAL_MEASURE):
        return row.label
    return row.label or known_measures()[row.measure].label


def direction(row: NextPriority) -> str:
    """The way that counts as progress: the row's, else the measure's polarity (LAIT's, read
    when the report judges it, for a wider-picture measure)."""
    if row.direction:
        return str(row.direction)
    polarity = known_measures()[row.measure].polarity
    return str(polarity) if polarity else "as LAIT's data dictionary gives it"
