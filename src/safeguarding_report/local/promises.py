"""Next year's priorities as ``next_priorities.csv`` promises them: one per priority, with the
measures that will judge it. The report shows them; next year, ``new-year`` makes them that
year's ``priorities.csv`` and ``priority_measures.csv``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from safeguarding_report.local.models import NextPriority
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
