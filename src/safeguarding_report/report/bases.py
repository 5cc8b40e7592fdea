"""The population each rate per 10,000 children divides by, said in a table's notes.

A rate for a year ending 31 March divides by the ONS estimate of children aged 0 to 17 for the
mid-year before, as the release the rate comes from used it (``data/population.py``,
``rate_base``). The notes name that estimate and release for every rate shown, say when the
number of children shown beside the rates is another year's, and say when a rate divides by a
population more than 2% away from the latest ONS estimate held. Rates stay as published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

import pandas as pd

from safeguarding_report.core import indicators
from safeguarding_report.data.population import RateBase, Rates, rate_base
from safeguarding_report.report import charts, tables, text
from safeguarding_report.report.tables import and_

Shown = TypeVar("Shown", bound=tables.Table | charts.Chart | text.Text)


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


def noted(data: Rates, shown: Shown, frame: pd.DataFrame) -> Shown:
    """A table or chart (its data table) of ``frame`` with the notes on its rates added."""
    said = notes(data, frame)
    if not said or isinstance(shown, text.Text):
        return shown
    if isinstance(shown, charts.Chart):
        return replace(shown, table=noted(data, shown.table, frame))
    return replace(shown, notes=[*shown.notes, *said])


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
    by_release: dict[str, dict[str, list[int]]] = {}
    for b in found:
        release = (
            f"as the DfE's {b.population.release} release used it"
            if b.population.checked
            else "as the ONS now estimates it"
        )
        by_release.setdefault(release, {}).setdefault(_topic(b.indicator), []).append(b.year)
    uses = []
    for release, topics in by_release.items():
        named = [t if len(years) == 1 else f"{t} in {_years(ys)}" for t, ys in topics.items()]
        uses.append(f"for {and_(named)}, {release}")
    return (
        f"Rates per 10,000 children divide by the ONS estimate of children aged 0 to 17 at "
        f"{when}: {'; '.join(uses)}."
    )


def _years(years: Sequence[int]) -> str:
    """'2019', '2019 and 2020', '2018 to 2022': each run of consecutive years as a span."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return and_([
        str(r[0]) if len(r) == 1 else f"{r[0]} and {r[1]}" if len(r) == 2 else f"{r[0]} to {r[-1]}"
        for r in runs
    ])  # fmt: skip


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
            f"about {population.value:,.0f} children aged 0 to 17, the estimate for "
            f"mid-{population.mid_year} that the DfE's {release} release used (worked out from "
            f"its published numbers and rates). That is {abs(difference):.1%} {more} than the "
            f"latest ONS estimate for mid-{population.mid_year} ({ons.value:,.0f})."
            + (f" The {rates} {'is' if one else 'are'} shown as published." if published else "")
        )
    return said
