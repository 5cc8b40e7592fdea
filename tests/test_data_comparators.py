"""Comparators: England, the region, the statistical neighbours and their mean, every year."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from safeguarding_report.core.errors import DataError
from safeguarding_report.core.indicators import INDICATORS
from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import MEASURES
from safeguarding_report.data.schema import AREA_LEVELS, TIDY_COLUMNS
from safeguarding_report.local import LOCAL_INDICATORS

ROOT = Path(__file__).parents[1]
D = "data/published/dfe-csc-outcomes-enablers/"
CLA_2025 = D + "cla_number_and_rate_per_10k_children.csv"
SN_2025 = D + "sn_model_2025_wide.csv"
KENT_2021_NEIGHBOURS = ["881", "845", "866", "885", "888", "941", "891", "937", "935", "860"]
REQUIRED_IDS = {
    "population_0_17", "cin_at_31_march", "cin_rate", "referrals", "referrals_rate",
    "rereferrals_pct", "s47_enquiries", "s47_rate", "icpc", "icpc_rate", "cpp_started",
    "cpp_at_31_march", "cpp_rate", "cpp_subsequent_pct", "cla_at_31_march", "cla_rate",
    "cla_started", "cla_ceased", "uasc_at_31_march", "cla_placed_by_other_las",
    "care_leavers_eet_pct", "care_leavers_suitable_accommodation_pct", "sw_caseload",
    "sw_turnover_rate", "sw_vacancy_rate", "sw_agency_rate", "cpp_2_years_or_more",
    "cpp_2_years_or_more_pct",
    *(f"factor_{name}" for name in (
        "domestic_abuse_child", "domestic_abuse_parent", "domestic_abuse_other",
        "mental_health_child", "mental_health_parent", "neglect", "emotional_abuse",
        "physical_abuse_adult_on_child", "physical_abuse_child_on_child",
        "sexual_abuse_adult_on_child", "sexual_abuse_child_on_child",
        "child_sexual_exploitation", "child_criminal_exploitation", "drug_misuse_child",
        "drug_misuse_parent", "drug_misuse_other", "alcohol_misuse_child",
        "alcohol_misuse_parent", "alcohol_misuse_other", "going_missing", "self_harm", "gangs",
        "trafficking",
    )),
}  # fmt: skip


@pytest.fixture(scope="module")
def published() -> Published:
    return Published(ROOT / "data")


def raw_cla_rates(year: int) -> dict[str, str]:
    """Each authority's published CLA rate in the 2025 release, by 3-digit code."""
    with (ROOT / CLA_2025).open(encoding="utf-8-sig", newline="") as handle:
        return {
            r["old_la_code"]: r["rate_per_10000"]
            for r in csv.DictReader(handle)
            if r["time_period"] == str(year)
            and r["geographic_level"] == "Local authority"
            and r["population_type"] == "Children looked after on 31 March each year"
        }


def test_indicator_ids_are_the_contract() -> None:
    assert set(INDICATORS) == REQUIRED_IDS == set(MEASURES)
    assert not set(LOCAL_INDICATORS) & set(MEASURES), "a local count never shadows a published one"
    for key, indicator in INDICATORS.items():
        assert indicator.id == key
        assert indicator.unit in ("count", "rate", "percent", "ratio", "pounds")
        assert indicator.label and indicator.description.endswith(".")
        if indicator.unit == "rate":
            assert "10,000" in indicator.label


def test_kents_april_2021_neighbours(published: Published) -> None:
    for year in (2022, 2024):
        assert [a.old_code for a in published.neighbours("886", year)] == KENT_2021_NEIGHBOURS
    # West Northamptonshire (941) began in April 2021: not a neighbour for 2020-21 or earlier.
    for year in (2012, 2015, 2021):
        group = published.neighbour_group("886", year)
        assert [a.old_code for a, _ in group.neighbours] == [
            c for c in KENT_2021_NEIGHBOURS if c != "941"
        ]
        assert [a.name for a in group.absent] == ["West Northamptonshire"]
    assert "earliest grouping held" in published.neighbour_group("886", 2015).model
    assert published.neighbours("E10000016", 2022)[0].name == "Essex"


def test_the_2025_model_from_2025(published: Published) -> None:
    with (ROOT / SN_2025).open(encoding="utf-8-sig", newline="") as handle:
        kent = next(r for r in csv.DictReader(handle) if r["old_la_code"] == "886")
    expected = [kent[f"SN_{k}"] for k in range(1, 11)]
    assert [a.old_code for a in published.neighbours("886", 2025)] == expected
    assert expected != KENT_2021_NEIGHBOURS


def test_neighbours_need_a_local_authority(published: Published) -> None:
    with pytest.raises(DataError, match="not a local authority"):
        published.neighbours("E12000008", 2022)


def test_comparison_rows_for_each_period(published: Published) -> None:
    frame = published.comparison("cla_rate", "886", [2021, 2022])
    assert list(frame.columns) == list(TIDY_COLUMNS)
    assert frame["period"].tolist() == ["2021"] * 4 + ["2022"] * 4
    assert frame["area_code"].tolist() == ["E10000016", "E12000008", "E92000001", ""] * 2
    assert (
        frame["area_level"].tolist()
        == [
            "Local authority",
            "Regional",
            "National",
            "Statistical neighbours",
        ]
        * 2
    )
    assert set(frame["area_level"]) <= set(AREA_LEVELS)
    assert frame["area_name"].tolist()[:4] == [
        "Kent",
        "South East",
        "England",
        "Statistical neighbours (mean)",
    ]
    assert frame["value"].tolist()[4:7] == [53, 56, 70]


def test_neighbour_mean_is_the_mean_of_the_neighbours_published_rates(
    published: Published,
) -> None:
    rates = raw_cla_rates(2022)
    expected = sum(float(rates[c]) for c in KENT_2021_NEIGHBOURS) / 10
    row = published.comparison("cla_rate", "886", [2022]).iloc[3]
    assert row["value"] == pytest.approx(expected)
    assert row["status"] == ""
    assert row["source_file"] == CLA_2025 and row["source_column"] == "rate_per_10000"
    assert "10 of 10" in row["derivation"]
    assert "April 2021" in row["derivation"]
    for code in KENT_2021_NEIGHBOURS:
        assert code in row["derivation"]


def test_neighbour_mean_skips_a_neighbour_without_a_value_and_says_so(
    published: Published,
) -> None:
    """West Northamptonshire (941) began in April 2021: its 2021 rate is z, and it is left out."""
    rates = raw_cla_rates(2021)
    assert rates["941"] == "z"
    have = [float(rates[c]) for c in KENT_2021_NEIGHBOURS if c != "941"]
    row = published.comparison("cla_rate", "886", [2021]).iloc[3]
    assert row["value"] == pytest.approx(sum(have) / len(have))
    assert "9 of 10" in row["derivation"]
    assert "did not exist in 2021: 941 West Northamptonshire" in row["derivation"]


def test_neighbour_mean_of_a_derived_rate(published: Published) -> None:
    neighbours = [a.code for a in published.neighbours("886", 2022)]
    rates = published.series("s47_rate", neighbours, [2022])
    row = published.comparison("s47_rate", "886", [2022]).iloc[3]
    assert row["value"] == pytest.approx(rates["value"].mean())


def test_neighbour_mean_with_no_values_is_marked(published: Published) -> None:
    row = published.comparison("cin_at_31_march", "886", [2012]).iloc[3]
    assert math.isnan(row["value"]) and row["status"] == "not collected"
    assert "0 of 10" in row["derivation"]


def test_a_2025_comparison_uses_the_2025_model(published: Published) -> None:
    frame = published.comparison("cpp_started", "886", [2024, 2025])
    assert "April 2021 groupings" in frame["derivation"].iloc[3]
    assert "2025 model" in frame["derivation"].iloc[7]


def test_comparison_over_every_year_held(published: Published) -> None:
    years = published.periods("cla_at_31_march")
    assert years == list(range(2010, 2026))
    frame = published.comparison("cla_at_31_march", "886", years)
    kent = frame[frame["area_code"] == "E10000016"]
    assert kent["status"].eq("").all()
    assert kent.set_index("period").loc["2012", "value"] == 1798


@pytest.mark.parametrize(
    ("indicator", "first", "last"),
    [
        ("cin_at_31_march", 2013, 2025),
        ("cin_rate", 2013, 2025),
        ("cla_rate", 2013, 2025),
        ("uasc_at_31_march", 2004, 2025),  # England's from the national time series
        ("care_leavers_eet_pct", 2018, 2022),
        ("sw_caseload", 2017, 2025),
        ("population_0_17", 2012, 2024),
    ],
)
def test_periods_are_the_years_the_files_hold(
    published: Published, indicator: str, first: int, last: int
) -> None:
    years = published.periods(indicator)
    assert (years[0], years[-1]) == (first, last)


def test_every_source_file_has_publication_metadata(published: Published) -> None:
    frames = [published.comparison(i, "886", [2012, 2022, 2025]) for i in INDICATORS]
    files = {f for frame in frames for f in frame["source_file"] if f}
    assert len(files) > 10
    for f in files:
        source = published.source(f)
        assert source.source_file == f
        assert source.licence == "Open Government Licence v3.0"
        assert source.url.startswith("https://")
        assert source.publisher and source.title
    assert (
        "Characteristics of children in need, 2024 release"
        in published.source(D + "b1_children_in_need_2013_to_2024.csv").title
    )


def test_an_unknown_source_file_is_an_error(published: Published) -> None:
    with pytest.raises(DataError, match="Unknown source file"):
        published.source("data/published/nowhere.csv")


def test_an_unknown_indicator_is_an_error(published: Published) -> None:
    with pytest.raises(DataError, match="Unknown indicator 'cla_rates'"):
        published.series("cla_rates", ["886"], [2022])
