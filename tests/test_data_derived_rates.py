"""Rates the kit derives from a count agree with the rates the DfE published beside it.

For every area and year where a release publishes both a count and its rate per 10,000, the
count (read here with the csv module) divided by the population the kit uses for that
release, area and year must round to the published rate at the published precision.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from safeguarding_report.data import Published

ROOT = Path(__file__).parents[1]
D = "data/published/dfe-csc-outcomes-enablers/"
B = "data/published/bengoodair-csc-data/"
AT31 = "Children looked after at 31 March each year"
# file, release, count column, rate column, rows selected, precision of the published rate
PAIRS = [
    (D + "b1_children_in_need_2013_to_2024.csv", "2024", "At31_episodes", "At31_episodes_rate",
     {}, 0.1),
    (D + "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv", "2024", "Referrals",
     "Referrals_rate", {}, 0.1),
    (D + "cla_number_and_rate_per_10k_children.csv", "2025", "children_count", "rate_per_10000",
     {"population_type": AT31.replace("at", "on")}, 1),
    (B + "ees_cla_2024_release/cla_number_and_rate_per_10k_children.csv", "2024", "number",
     "rate_per_10000", {"population_count": AT31}, 1),
    (B + "ees_cla_2023_release/cla_number_and_rate_per_10k_children.csv", "2023", "number",
     "rate_per_10000", {"population_count": AT31}, 1),
]  # fmt: skip


@pytest.fixture(scope="module")
def published() -> Published:
    return Published(ROOT / "data")


def _pairs(path: str, count: str, rate: str, where: dict[str, str]):  # type: ignore[no-untyped-def]
    with (ROOT / path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if any(row[k] != v for k, v in where.items()):
                continue
            try:
                c, r = float(row[count]), float(row[rate])
            except ValueError:
                continue  # a suppressed count or rate: nothing to reproduce
            level = row["geographic_level"]
            code = {"National": "E92000001", "Regional": row["region_code"]}.get(
                level, row["old_la_code"]
            )
            if " / " in code:
                continue  # a joint service's row
            yield level, code, int(row["time_period"]), c, r


@pytest.mark.parametrize(("path", "release", "count", "rate", "where", "precision"), PAIRS)
def test_derived_rate_reproduces_every_published_rate(
    published: Published,
    path: str,
    release: str,
    count: str,
    rate: str,
    where: dict[str, str],
    precision: float,
) -> None:
    checked, wrong = 0, []
    for level, code, year, c, r in _pairs(path, count, rate, where):
        population = published.population_for_rates(code, year, release)
        assert population is not None, (code, year)
        derived = c / population.value * 1e4
        checked += 1
        if abs(round(derived / precision) * precision - r) < 1e-9:
            continue
        # England's and regions' counts are published rounded to the nearest 10, and the DfE
        # divided the unrounded count: only that rounding may separate them.
        rounding = 5 / population.value * 1e4
        if (
            level != "Local authority"
            and c % 10 == 0
            and abs(derived - r) <= precision / 2 + rounding
        ):
            continue
        wrong.append((code, year, c, r, round(derived, 3), population.kind))
    assert checked > 500  # every area, every year the release publishes
    assert not wrong, f"{len(wrong)} of {checked} rates not reproduced, e.g. {wrong[:5]}"


def test_every_local_authority_rate_is_reproduced_exactly(published: Published) -> None:
    """No tolerance at all for local authorities, whose counts are published unrounded."""
    for path, release, count, rate, where, precision in PAIRS:
        for level, code, year, c, r in _pairs(path, count, rate, where):
            if level != "Local authority":
                continue
            population = published.population_for_rates(code, year, release)
            assert population is not None
            assert round(c / population.value * 1e4 / precision) * precision == pytest.approx(r)


def test_the_2024_release_used_an_older_population_and_the_kit_says_so(
    published: Published,
) -> None:
    """Kent 2023-24: the 2024 releases divided by a population the ONS has since revised."""
    ons = published.series("population_0_17", ["886"], [2023]).iloc[0]
    old = published.population_for_rates("886", 2024, "2024")
    new = published.population_for_rates("886", 2024, "2025")
    assert old is not None and new is not None
    assert new.value == ons["value"] and new.kind == "ons"
    assert old.kind == "recovered" and old.value != ons["value"]
    assert "nearest to the ONS mid-2023 estimate" in old.describe()
    assert f"line {ons['source_line']}" in old.describe()


def test_a_derived_rate_names_its_population_and_lines(published: Published) -> None:
    row = published.series("s47_rate", ["886"], [2024]).iloc[0]
    assert row["status"] == "" and "the population is the ONS mid-2023" in row["derivation"]
    lines = row["source_line"].split("; ")
    assert lines[0].startswith(D + "c4_") and len(lines) >= 2
    assert all(":" in line for line in lines)
