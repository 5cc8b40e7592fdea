"""Course evaluations as change: each measure's stages in order, and the change between them.

A measure asked at several stages of a course (before, straight after, some months later) is
read as a change from one stage to the next, in percentage points or in points of a score. A
change is worked out only where enough people answered at both stages (``tables.reliable_from``,
the params key ``reliable_from``): otherwise it is shown as ``[u]`` (low reliability) and kept,
with its status, in ``figures.csv``. Respondents are staff, so nothing here is withheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from safeguarding_report.local import Record
from safeguarding_report.local.models import FOLLOW_UP, TrainingEvaluation
from safeguarding_report.report import tables

# The stages in the order a change is read; follow-ups by how many months later.
STAGE_ORDER: dict[str, int] = {"before": 0, "after": 1, FOLLOW_UP: 2}


@dataclass(frozen=True)
class Measured:
    """One course's measure: its evaluation rows, one per stage, in the order they were asked."""

    course_id: str
    measure: str
    stages: tuple[Record[TrainingEvaluation], ...]


def stage_order(record: Record[TrainingEvaluation]) -> tuple[int, int]:
    """Where a row's stage falls: before, after, then follow-ups by months later."""
    return STAGE_ORDER[record.data.stage], record.data.months_later or 0


def when(record: Record[TrainingEvaluation]) -> str:
    """The stage in words: 'Before', 'Straight after', '3 months later'."""
    data = record.data
    if data.stage == FOLLOW_UP:
        months = data.months_later or 0
        return f"{months} month{'s' * (months != 1)} later"
    return {"before": "Before", "after": "Straight after"}[data.stage]


def stage_key(record: Record[TrainingEvaluation]) -> str:
    """The stage as a breakdown names it: 'before', 'after', 'follow-up at 3 months'."""
    data = record.data
    return f"{FOLLOW_UP} at {data.months_later} months" if data.stage == FOLLOW_UP else data.stage


def measured(
    records: Iterable[Record[TrainingEvaluation]], courses: Iterable[str] = ()
) -> list[Measured]:
    """Each course's measures, courses in the order given (then any other, as found), each
    measure's stages in order."""
    groups: dict[tuple[str, str], list[Record[TrainingEvaluation]]] = {}
    for record in records:
        groups.setdefault((record.data.course_id, record.data.measure), []).append(record)
    rank = {course: i for i, course in enumerate(courses)}
    keys = sorted(groups, key=lambda k: rank.get(k[0], len(rank)))
    return [
        Measured(course, measure, tuple(sorted(groups[(course, measure)], key=stage_order)))
        for course, measure in keys
    ]


def changes(found: Measured) -> list[tuple[Record[TrainingEvaluation], Record[TrainingEvaluation]]]:
    """(earlier, later) for each stage after the first, from the stage before it, where both
    were measured in the same unit (a change between units means nothing)."""
    pairs = zip(found.stages, found.stages[1:], strict=False)
    return [(a, b) for a, b in pairs if a.data.unit == b.data.unit]


def different_people(
    earlier: Record[TrainingEvaluation], later: Record[TrainingEvaluation]
) -> bool:
    """Whether a change's two stages were answered by different numbers of people, so that it
    compares two groups rather than the same people's answers."""
    return earlier.data.respondents != later.data.respondents


def change(
    earlier: Mapping[str, Any],
    later: Mapping[str, Any],
    answered: tuple[int, int],
    *,
    indicator: str,
    breakdown: str,
    reliable_from: int,
) -> dict[str, Any]:
    """The tidy row of the change from ``earlier`` to ``later`` (tidy rows of the two results),
    which ``answered`` people answered (earlier, later), citing both rows.

    Where fewer than ``reliable_from`` answered at either stage, the change keeps its value
    for figures.csv but has the status ``tables.FEW_ANSWERED`` (shown ``[u]``); a result missing at
    either stage leaves it missing, with that result's status.
    """
    row: dict[str, Any] = {**later, "indicator": indicator, "breakdown": breakdown}
    lines = [str(r.get("source_line", "")) for r in (earlier, later)]
    row["source_line"] = "; ".join(line for line in lines if line)
    for side in (earlier, later):
        if side["status"]:
            return {**row, "value": float("nan"), "status": side["status"], "derivation": ""}
    row["value"] = float(later["value"]) - float(earlier["value"])
    # The lines are the row's source_line; the file is not named, so that the records read
    # from a workbook derive each change in the same words as from CSV files.
    row["derivation"] = (
        f"change: {float(later['value']):.15g} (the later stage) minus "
        f"{float(earlier['value']):.15g} (the earlier), answered by {answered[1]:,} and "
        f"{answered[0]:,}"
    )
    row["status"] = tables.FEW_ANSWERED if min(answered) < reliable_from else ""
    return row
