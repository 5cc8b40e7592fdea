"""The population the DfE used for its rates per 10,000 children, release by release.

The DfE divides by the ONS mid-year estimate of children aged 0 to 17 for the previous
mid-year, but each release uses the estimates current when it was made: the 2024 releases
used estimates for mid-2022 and mid-2023 that the ONS has since revised, and the ONS file
held here is the later vintage (it reproduces the 2025 releases). So for each release, area
and year the population is recovered from the count/rate pairs that release published
(``catalogue.RATE_PAIRS``): the ONS file's estimate when it reproduces every pair, otherwise
the whole number nearest to it that does (the intersection of the intervals the rounded
published rates allow). National and regional counts are rounded to the nearest 10 (the data
guidance says so), so for those the interval allows for the count's rounding too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from safeguarding_report.data.extract import Cell

# A rate is reproduced when the count over the population lies strictly inside the interval
# that rounds to the published rate; this margin keeps clear of the interval's edges.
MARGIN = 1e-9


@dataclass(frozen=True)
class Pair:
    """One published count and rate per 10,000 for the same area and year."""

    count: Cell
    rate: Cell
    precision: float
    rounded_count: bool  # national and regional counts: rounded to the nearest 10

    def interval(self) -> tuple[float, float]:
        """The populations for which count / population x 10,000 rounds to the rate."""
        slack = 5.0 if self.rounded_count else 0.0
        half = self.precision / 2
        low = (self.count.value - slack) * 1e4 / (self.rate.value + half)
        high = (self.count.value + slack) * 1e4 / (self.rate.value - half)
        return low * (1 + MARGIN), high * (1 - MARGIN)


@dataclass(frozen=True)
class RatePopulation:
    """The population used to derive a rate for one release, area and year."""

    value: float
    mid_year: int
    release: str
    ons: Cell | None  # the ONS file's row for the area and mid-year, if it holds a number
    pairs: tuple[Pair, ...]  # the release's published pairs for this area and year
    kind: str  # "ons" | "recovered" | "ons, pairs disagree"

    def lines(self) -> list[str]:
        """Every line this population rests on, as "path:line"."""
        cited = [f"{self.ons.source_file}:{self.ons.line}"] if self.ons else []
        cited += [f"{p.count.source_file}:{p.count.line}" for p in self.pairs]
        return list(dict.fromkeys(cited))

    def describe(self) -> str:
        """How the population was chosen, citing the lines used."""
        pairs = "; ".join(dict.fromkeys(f"{p.count.source_file}, line {p.count.line}"
                                        for p in self.pairs))  # fmt: skip
        ons = (
            f"the ONS mid-{self.mid_year} estimate of {self.ons.value:,.0f} "
            f"({self.ons.source_file}, line {self.ons.line})"
            if self.ons
            else f"no ONS mid-{self.mid_year} estimate"
        )
        if self.kind == "ons" and self.pairs:
            return (
                f"{ons}, which reproduces every rate the {self.release} release published ({pairs})"
            )
        if self.kind == "ons":
            return f"{ons} (the {self.release} release published no rate to check it against)"
        if self.kind == "recovered":
            return (
                f"{self.value:,.0f}, the population the DfE's {self.release} release used, "
                f"recovered from its published counts and rates ({pairs}): the whole number "
                f"nearest to {ons} that reproduces them all"
            )
        return (
            f"{ons}: the {self.release} release's published rates ({pairs}) allow no single "
            "population, as its rounded counts differ from those it divided"
        )


def choose(
    release: str, mid_year: int, ons: Cell | None, pairs: list[Pair]
) -> RatePopulation | None:
    """The population for a derived rate, or None when neither the ONS nor a pair gives one."""
    usable = tuple(pairs)
    if not usable:
        return RatePopulation(ons.value, mid_year, release, ons, (), "ons") if ons else None
    low = max(p.interval()[0] for p in usable)
    high = min(p.interval()[1] for p in usable)
    if low > high:
        if ons is None:
            return None
        return RatePopulation(ons.value, mid_year, release, ons, usable, "ons, pairs disagree")
    if ons is not None and low < ons.value < high:
        return RatePopulation(ons.value, mid_year, release, ons, usable, "ons")
    target = ons.value if ons is not None else (low + high) / 2
    whole = [n for n in (math.ceil(low), math.floor(high)) if low <= n <= high]
    if math.ceil(low) <= target <= math.floor(high):
        whole.append(round(target) if low <= round(target) <= high else math.ceil(low))
    value = min(whole, key=lambda n: abs(n - target)) if whole else min(max(target, low), high)
    return RatePopulation(float(value), mid_year, release, ons, usable, "recovered")
