"""Ranks and quartile bands as the DfE's Local Authority Interactive Tool gives them, and the
statistical neighbour groups with their closeness bands."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from safeguarding_report.core.indicators import INDICATORS
from safeguarding_report.data import Published
from safeguarding_report.data.published import quartile_band

ROOT = Path(__file__).parents[1]
C1 = ROOT / "data/published/dfe-csc-outcomes-enablers/" \
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"  # fmt: skip


@pytest.fixture(scope="module")
def published() -> Published:
    return Published(ROOT / "data")


def test_rank_counts_the_authorities_with_a_better_figure(published: Published) -> None:
    with C1.open(encoding="utf-8-sig", newline="") as handle:
        values = {
            r["old_la_code"]: float(r["rereferral_percent"])
            for r in csv.DictReader(handle)
            if r["time_period"] == "2022" and r["geographic_level"] == "Local authority"
            and r["rereferral_percent"].replace(".", "", 1).isdigit()
        }  # fmt: skip
    rank = published.rank("rereferrals_pct", "886", 2022)
    assert rank is not None
    assert rank.of == len(values)
    assert rank.rank == 1 + sum(v < values["886"] for v in values.values())  # lower is better
    assert rank.quartile == quartile_band(rank.rank, rank.of)
    assert rank.polarity == "a lower value is better"
    assert rank.row["value"] == values["886"] and rank.row["source_line"]


def test_no_rank_without_an_agreed_direction(published: Published) -> None:
    assert INDICATORS["cla_rate"].polarity is None
    assert published.rank("cla_rate", "886", 2022) is None


BANDS = [(1, 152, "A"), (38, 152, "A"), (39, 152, "B"), (76, 152, "B"), (77, 152, "C"),
         (115, 152, "D"), (152, 152, "D")]  # fmt: skip


@pytest.mark.parametrize(("rank", "of", "band"), BANDS)
def test_quartile_bands(rank: int, of: int, band: str) -> None:
    assert quartile_band(rank, of) == band


def test_ties_share_the_best_rank(published: Published) -> None:
    frame = published.series("sw_caseload", [a.code for a in published.areas.all()
                                             if a.level == "Local authority"], [2023])  # fmt: skip
    have = frame[frame["status"] == ""]
    tied = have[have["value"].duplicated(keep=False)].iloc[0]
    peers = have[have["value"] == tied["value"]]
    ranks = [published.rank("sw_caseload", code, 2023) for code in peers["area_code"]]
    assert len({r.rank for r in ranks if r is not None}) == 1 and None not in ranks


@pytest.mark.parametrize("code", ["420", "201"])
def test_isles_of_scilly_and_city_of_london_have_no_close_neighbours(
    published: Published, code: str
) -> None:
    for year in (2022, 2025):
        group = published.neighbour_group(code, year)
        assert group.all_not_close
        assert all(band.strip().lower() == "not close" for _, band in group.neighbours)
    derivation = published.comparison("cla_rate", code, [2022]).iloc[3]["derivation"]
    assert "not close" in derivation


def test_kents_group_names_its_model_file_and_line(published: Published) -> None:
    group = published.neighbour_group("886", 2022)
    assert group.model == "April 2021 groupings" and not group.all_not_close
    assert group.source_file.endswith("New_Statistical_Neighbour_Groupings_April_2021.csv")
    assert group.neighbours[0][0].name == "Essex" and group.neighbours[0][1]
    assert published.neighbour_group("886", 2025).model == "2025 model"
