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

``rate_base`` is the one question every caller asks: for a rate as the kit reports it (a
published rate, or one derived from a count), which population does it divide by, which
mid-year's estimate is that and as which release used it, and how far is it from the ONS
estimate held here? The report's notes say so in words; combining rates over several
authorities needs the same answer for each part.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from safeguarding_report.data.catalogue import RATE_OF
from safeguarding_report.data.extract import Cell

# A rate is reproduced when the count over the population lies strictly inside the interval
# that rounds to the published rate; this margin keeps clear of the interval's edges.
MARGIN = 1e-9

# A published rate whose population differs from the ONS estimate held by more than this
# share (of the estimate) is said to, in the report's notes.
DIFFERENCE_STATED = 0.02

# Rates derived by the kit say so at the start of their derivation (``Published``).
DERIVED = "count per 10,000"


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

    @property
    def checked(self) -> bool:
        """Whether the release's own published rates confirm this population (it has pairs)."""
        return bool(self.pairs) and self.kind in ("ons", "recovered")

    def difference(self) -> float | None:
        """How far this population is from the ONS estimate held, as a share of the estimate.

        Negative when the release divided by fewer children. None without an estimate.
        """
        if self.ons is None:
            return None
        return (self.value - self.ons.value) / self.ons.value

    def differs(self) -> bool:
        """Whether it differs from the ONS estimate held by more than ``DIFFERENCE_STATED``."""
        difference = self.difference()
        return difference is not None and abs(difference) > DIFFERENCE_STATED

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


@dataclass(frozen=True)
class RateBase:
    """The population one rate divides by, and whether the DfE published the rate."""

    indicator: str
    area_code: str
    area_name: str
    year: int  # the year ending 31 March the rate is for
    published: bool  # the DfE's rate as published (False: derived by the kit from a count)
    population: RatePopulation


class Rates(Protocol):
    """What ``rate_base`` needs of the published files (``Published`` provides it)."""

    def release_of(self, source_file: str) -> str | None:
        """The release a source file (as rows cite it) belongs to, None if not catalogued."""
        ...

    def population_for_rates(
        self, area_code: str, year: int, release: str
    ) -> RatePopulation | None:
        """The population the release's rates for the area and year use."""
        ...


def rate_base(data: Rates, row: Mapping[str, Any] | pd.Series) -> RateBase | None:
    """The population base of a rate per 10,000 children, as a tidy row reports it.

    A published rate divides by the population its own release used (the file the row
    cites); a rate the kit derives divides by the population the count's release used (the
    row cites the count's file). Either way the answer is the previous mid-year's estimate
    (mid-2022 for 2022-23) as that release used it: ``population.value`` and
    ``population.mid_year``, with ``population.release``, ``population.checked`` (its own
    published rates confirm it), ``population.ons`` (the ONS estimate held for the same
    mid-year) and ``population.differs()`` (more than 2 % from it). None for a row that
    divides by nothing this module knows: a withheld or missing figure, an average of
    statistical neighbours, or a measure that is not a rate per 10,000 children aged 0 to 17.
    """
    derivation = str(row.get("derivation", "") or "")
    if (
        row.get("indicator") not in RATE_OF
        or row.get("status")
        or (derivation and not derivation.startswith(DERIVED))
    ):
        return None
    release = data.release_of(str(row.get("source_file", "")))
    period = str(row.get("period", ""))
    if release is None or not period.isdigit():
        return None
    year = int(period)
    population = data.population_for_rates(str(row["area_code"]), year, release)
    if population is None:
        return None
    return RateBase(
        str(row["indicator"]), str(row["area_code"]), str(row["area_name"]), year,
        not derivation, population,
    )  # fmt: skip
