"""The population each rate per 10,000 children divides by, said in a table's notes.

A rate for a year ending 31 March divides by the ONS estimate of children aged 0 to 17 for the
mid-year before, as the release the rate comes from used it (``data/population.py``,
``rate_base``). The notes name that estimate and release for every rate shown, say when the
number of children shown beside the rates is another year's, and say when a rate divides by a
population more than 2% away from the ONS estimate held here. Rates stay as published.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from safeguarding_report.data.population import RateBase, Rates, rate_base
from safeguarding_report.report import indicators
from safeguarding_report.report.tables import and_


def of_rates(data: Rates, frame: pd.DataFrame) -> list[RateBase]:
    """The population base of every rate in ``frame`` that has one, in the frame's order."""
    found = (rate_base(data, row) for _, row in frame.iterrows())
    return [b for b in found if b is not None]


def notes(data: Rates, frame: pd.DataFrame, *, shown: int | None = None) -> list[str]:
    """The notes that name the population behind each rate in ``frame``.

    ``shown`` is the mid-year of the number of children shown beside the rates, if any: when
    the rates divide by another year's estimate, a note says so.
    """
    found = of_rates(data, frame)
    if not found:
        return []
    said = [_named(found)]
    mid_years = {b.population.mid_year for b in found}
    if shown is not None and mid_years != {shown}:
        said.append(
            f"The number of children aged 0 to 17 shown is the ONS estimate for mid-{shown}, "
            f"not the population the rates divide by ({_mid_years(sorted(mid_years))})."
        )
    said += _differing(found)
    return said


def _topic(indicator: str) -> str:
    """'Children in need at 31 March, rate per 10,000 children' -> 'children in need ...'."""
    label = indicators.get(indicator).label.removesuffix(", rate per 10,000 children")
    return label[0].lower() + label[1:]


def _mid_years(mid_years: Sequence[int]) -> str:
    if len(mid_years) == 1:
        return f"mid-{mid_years[0]}"
    return f"mid-{mid_years[0]} to mid-{mid_years[-1]}"


def _named(found: Sequence[RateBase]) -> str:
    """One sentence: which mid-year's estimate, as which release used it, for each rate."""
    years = sorted({b.year for b in found})
    if len(years) == 1:
        when = f"mid-{years[0] - 1}, the year before"
    else:
        when = (
            f"the middle of the year before each year shown (mid-{years[0] - 1} for "
            f"{years[0]} to mid-{years[-1] - 1} for {years[-1]})"
        )
    by_release: dict[str, list[str]] = {}
    for b in found:
        release = (
            f"the DfE's {b.population.release} release"
            if b.population.checked
            else "the ONS's current estimates held here"
        )
        by_release.setdefault(release, []).append(_topic(b.indicator))
    uses = "; ".join(f"{release} for {and_(topics)}" for release, topics in by_release.items())
    return (
        f"Rates per 10,000 children divide by the ONS estimate of children aged 0 to 17 at "
        f"{when}, as used by the release each rate (or the count it is calculated from) "
        f"comes from: {uses}."
    )


def _differing(found: Sequence[RateBase]) -> list[str]:
    """A sentence for each area, year and release whose population is more than 2% from the
    ONS estimate held: the population it implies, the estimate, and why they differ."""
    groups: dict[tuple[str, int, str], list[RateBase]] = {}
    for b in found:
        if b.population.differs():
            groups.setdefault((b.area_name, b.year, b.population.release), []).append(b)
    said = []
    for (area, year, release), group in groups.items():
        population = group[0].population
        ons = population.ons
        difference = population.difference()
        if ons is None or difference is None:
            continue
        topics = and_([_topic(b.indicator) for b in group])
        one = len({b.indicator for b in group}) == 1
        published = all(b.published for b in group)
        rates = "rate" if one else "rates"
        which = f"The DfE's published {rates}" if published else f"The {rates}"
        more = "fewer" if difference < 0 else "more"
        said.append(
            f"{which} of {topics} for {area} in {year} {'divides' if one else 'divide'} by "
            f"about {population.value:,.0f} children aged 0 to 17, {abs(difference):.1%} "
            f"{more} than the ONS estimate for mid-{population.mid_year} held here "
            f"({ons.value:,.0f}): that is the population the DfE's {release} release used, "
            "worked out from its published numbers and rates."
            + (f" The {rates} {'is' if one else 'are'} shown as published." if published else "")
        )
    return said
