"""How a figure for several local authorities together is made from each authority's figure.

A partnership that covers several authorities reports on the whole area. Its figures are
derived from the authorities' published figures by four rules, and each derivation names every
part and the line it came from, so ``figures.csv`` shows how the figure was worked out:

Counts
    The sum of the parts, only when every part is published. If any part is withheld or
    missing, so is the total, and the derivation says which part and why: a total beside all
    but one of its parts would give the withheld part away, and a missing part is not zero.
Rates per 10,000 children
    The summed count over the summed population base, times 10,000, using for each authority
    the population the DfE used for its rates (``data/population.py``). Rates are never
    averaged: an average of three rates weighs a small authority as much as a large one.
Percentages
    The summed numerator over the summed denominator, times 100, where the files publish both
    (``PERCENT_OF``). Otherwise the percentage is not combined (``NOT_APPLICABLE``) and each
    authority's is shown on its own.
Everything else
    Averages (caseloads), workforce rates and the wider picture's measures are not combined:
    nothing here is averaged across authorities.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from safeguarding_report.data.schema import (
    CONFIDENTIAL,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    PART_WITHHELD,
    SMALL,
)

# How every combined figure's derivation begins; ``part_values`` reads the parts back.
COMBINED = "combined"
NOT_COMBINED = "not combined"
PART_MISSING = "not combined, as a part is missing"
# Percentages the files publish with their numerator and denominator, by indicator.
PERCENT_OF: dict[str, tuple[str, str]] = {
    "cpp_2_years_or_more_pct": ("cpp_2_years_or_more", "cpp_at_31_march"),
}
# "1234 (Leicester: data/published/x.csv, line 12)": a part's value and where it came from.
_PART = re.compile(r"(-?\d[\d.e+-]*) \(([^:()]+): ")


@dataclass(frozen=True)
class Part:
    """One authority's figure, as the combination cites it."""

    area_name: str
    value: float  # NaN when there is no figure
    status: str  # "" when there is a figure, else why not (schema.STATUSES)
    source_file: str
    source_line: str  # "12", or "path:line; path:line" for a figure derived from several lines
    described: str = ""  # how a derived figure (a population base) was chosen, if it was

    @property
    def missing(self) -> bool:
        """Whether the part has no figure to add."""
        return bool(self.status) or math.isnan(self.value)

    def cited(self) -> str:
        """'1234 (Leicester: data/published/x.csv, line 12)'."""
        where = self.described or f"{self.source_file}, line {self.source_line}"
        return f"{self.value:.15g} ({self.area_name}: {where})"

    def lines(self) -> list[str]:
        """Every line the part rests on, as 'path:line'."""
        if self.source_line.isdigit():
            return [f"{self.source_file}:{self.source_line}"]
        return [line for line in self.source_line.split("; ") if line]


@dataclass(frozen=True)
class Combined:
    """A figure for the whole area: its value (NaN when withheld), status and derivation."""

    value: float
    status: str
    derivation: str
    lines: tuple[str, ...]  # every line cited, as "path:line"


def total(parts: Sequence[Part]) -> Combined:
    """The sum of the parts' counts, or withheld naming the part that is missing and why."""
    gap = _gap(parts, "the total")
    if gap is not None:
        return gap
    cited = " + ".join(p.cited() for p in parts)
    value = math.fsum(p.value for p in parts)
    return Combined(
        value, "", f"{COMBINED}: the sum of {len(parts)} authorities' figures: {cited}",
        _lines(parts),
    )  # fmt: skip


def rate(counts: Sequence[Part], populations: Sequence[Part]) -> Combined:
    """The summed count per 10,000 of the summed population base, never an average of rates."""
    return _ratio(
        counts, populations, "rate", 10_000,
        "the summed count per 10,000 of the summed population bases aged 0 to 17",
    )  # fmt: skip


def percentage(numerators: Sequence[Part], denominators: Sequence[Part]) -> Combined:
    """The summed numerator as a percentage of the summed denominator."""
    return _ratio(
        numerators, denominators, "percentage", 100,
        "the summed numerator as a percentage of the summed denominator",
    )  # fmt: skip


def _ratio(
    tops: Sequence[Part], bottoms: Sequence[Part], noun: str, scale: int, described: str
) -> Combined:
    """The summed ``tops`` over the summed ``bottoms``, times ``scale``: withheld when a part
    is missing, not applicable when the bottoms sum to 0."""
    gap = _gap(tops, f"the {noun}") or _gap(bottoms, f"the {noun}")
    if gap is not None:
        return gap
    top = math.fsum(p.value for p in tops)
    bottom = math.fsum(p.value for p in bottoms)
    if bottom == 0:
        return Combined(
            math.nan, NOT_APPLICABLE,
            f"{NOT_COMBINED}: the denominators sum to 0, so there is no {noun}", (),
        )  # fmt: skip
    derivation = (
        f"{COMBINED}: {described}: "
        f"({' + '.join(p.cited() for p in tops)}) = {top:.15g} / "
        f"({' + '.join(p.cited() for p in bottoms)}) = {bottom:.15g} x {scale:,}"
    )
    return Combined(top / bottom * scale, "", derivation, _lines([*tops, *bottoms]))


def not_combined(why: str) -> Combined:
    """A measure that cannot be combined honestly: shown per authority only."""
    return Combined(
        math.nan,
        NOT_APPLICABLE,
        f"{NOT_COMBINED}: {why}; each authority's own figure is given instead",
        (),
    )


def part_values(derivation: str) -> list[float]:
    """The parts' values a combined figure's derivation cites (empty for any other figure)."""
    if not derivation.startswith(COMBINED):
        return []
    return [float(value) for value, _ in _PART.findall(derivation)]


def _gap(parts: Sequence[Part], what: str) -> Combined | None:
    """The withheld combination when a part is missing, naming it and why; else None."""
    missing = [p for p in parts if p.missing]
    if not missing:
        return None
    # A part withheld to protect confidentiality withholds the combination (PART_WITHHELD, shown
    # [c]); otherwise the combination is missing for the first missing part's reason.
    statuses = [p.status or NOT_AVAILABLE for p in missing]
    withheld = any(s in (CONFIDENTIAL, SMALL, "secondary", PART_WITHHELD) for s in statuses)
    status = PART_WITHHELD if withheld else statuses[0]
    named = "; ".join(_why(p) for p in missing)
    derivation = (
        f"{PART_MISSING}: {what} is withheld because a part has no figure ({named}); a missing "
        "part is not counted as zero"
    )
    return Combined(math.nan, status, derivation, _lines(missing))


def _why(part: Part) -> str:
    where = f" in {part.source_file}, line {part.source_line}" if part.source_line else ""
    return f"{part.area_name} [{part.status or NOT_AVAILABLE}]{where}"


def _lines(parts: Sequence[Part]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(line for p in parts for line in p.lines()))
