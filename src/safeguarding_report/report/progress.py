"""Whether a priority's measure moved as intended: one rule, stated once, on plain values.

The rule, in the order it is applied to a measure's baseline and latest figures:

1. **not yet published**: there is no figure later than the baseline yet (the latest is the
   baseline's own period, or its publisher has not published it);
2. **not comparable**: either figure is missing (withheld, not collected, not combined);
3. **reached its target**: a target is set and the latest figure is at or beyond it, in the
   direction that counts as progress;
4. **moved as intended**: the change from the baseline, as a share of the baseline, is in the
   intended direction and at least the margin the kit calls "similar to" below (5%, the band
   ``changes.MARGIN`` declares for every comparison the report makes);
5. **moved the wrong way**: the same, in the other direction;
6. **little or no change**: a change within that band.

A priority shows **evidence of progress** when at least one of its measures reached its
target or moved as intended; otherwise it is one with **little or no evidence of progress**.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from safeguarding_report.report.changes import MARGIN

NOT_YET = "not yet published"
NOT_COMPARABLE = "not comparable"
REACHED = "reached its target"
MOVED = "moved as intended"
AGAINST = "moved the wrong way"
STILL = "little or no change"
JUDGEMENTS: tuple[str, ...] = (REACHED, MOVED, STILL, AGAINST, NOT_COMPARABLE, NOT_YET)
PROGRESS: frozenset[str] = frozenset({REACHED, MOVED})
# The judgements a figure can be compared for (the others say why it cannot).
COMPARED: frozenset[str] = frozenset({REACHED, MOVED, STILL, AGAINST})

RULE = (
    "A measure moved as intended when its change from the baseline, as a share of the "
    f"baseline, is at least {MARGIN:g}% in the direction that counts as progress (the margin "
    "within which the report calls two figures similar); it reached its target when its "
    "latest figure is at or beyond the target; a change within that margin is little or no "
    "change. A priority shows evidence of progress when at least one of its measures moved as "
    "intended or reached its target."
)


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def movement(baseline: float, latest: float, direction: str) -> float:
    """The change from ``baseline`` to ``latest`` as a percentage of the baseline, positive
    when it is in ``direction`` ("higher" or "lower"); infinite from a baseline of zero."""
    change = latest - baseline
    sign = 1.0 if direction == "higher" else -1.0
    if baseline == 0:
        return 0.0 if change == 0 else math.copysign(math.inf, change * sign)
    return change / abs(baseline) * 100 * sign


def judge(
    baseline: float | None,
    latest: float | None,
    direction: str,
    *,
    target: float | None = None,
    published: bool = True,
) -> str:
    """The judgement of one measure by the rule above; ``published`` is False while no
    figure later than the baseline has been published."""
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    if not published:
        return NOT_YET
    if baseline is None or latest is None or _missing(baseline) or _missing(latest):
        return NOT_COMPARABLE
    if target is not None and (latest >= target if direction == "higher" else latest <= target):
        return REACHED
    moved = movement(baseline, latest, direction)
    if moved >= MARGIN:
        return MOVED
    if moved <= -MARGIN:
        return AGAINST
    return STILL


def shows_progress(judgements: Iterable[str]) -> bool:
    """Whether a priority with these judgements shows evidence of progress."""
    return any(j in PROGRESS for j in judgements)


def disagrees(status: str, judgements: Iterable[str]) -> bool:
    """Whether a declared status and the measures' judgements disagree: achieved or good
    progress declared while no compared measure moved as intended, or little or no progress
    declared while every compared measure did. Nothing disagrees with no measure compared."""
    compared = [j for j in judgements if j in COMPARED]
    if not compared:
        return False
    if status in ("achieved", "good progress"):
        return not shows_progress(compared)
    if status == "little or no progress":
        return all(j in PROGRESS for j in compared)
    return False
