"""Every indicator, read through ``Published``, matches the raw published row.

The raw rows are read here with the csv module, independently of the library's reader.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from safeguarding_report.core import indicators
from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import MEASURES, Measure
from safeguarding_report.data.schema import TIDY_COLUMNS

ROOT = Path(__file__).parents[1]
D = "data/published/dfe-csc-outcomes-enablers/"
B = "data/published/bengoodair-csc-data/"
SFR = B + "sfr_2010_2017/"
B1_2024 = D + "b1_children_in_need_2013_to_2024.csv"
B1_2025 = D + "b1_children_in_need_2013_to_2025.csv"
C1_2024 = D + "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv"
C1_2025 = D + "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
C4 = D + "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
D3 = D + "d3_cpps_subsequent_plan_2013_to_2025.csv"
D5 = D + "d5_cpps_at31march_by_duration_2013_to_2025.csv"
CLA_2025 = D + "cla_number_and_rate_per_10k_children.csv"
CLA_2024 = B + "ees_cla_2024_release/cla_number_and_rate_per_10k_children.csv"
CLA_2023 = B + "ees_cla_2023_release/cla_number_and_rate_per_10k_children.csv"
UASC = D + "derived_uasc_at_31_march_by_la_2021_2025.csv"
NETGAIN_2024 = B + "ees_cla_2024_release/la_cla_on_31_march_la_of_placement_netgain.csv"
NETGAIN_2022 = B + "ees_cla_2022_release/la_cla_on_31_march_la_of_placement_net_gain.csv"
STABILITY = B + "ees_cla_2022_release/la_cla_at_31_march_placement_stability_indicator.csv"
STARTED = B + "ees_cla_2022_release/la_cla_who_started_to_be_looked_after.csv"
ACTIVITY = B + "ees_cla_2022_release/la_care_leavers_activity.csv"
ACCOMMODATION = B + "ees_cla_2022_release/la_care_leavers_accommodation_suitability.csv"
CSWW = D + "csww_indicators_2017_to_2025.csv"
ONS = D + "ons_mid-year_population_estimates_2012_to_2024.csv"

AT31_2025 = {"population_type": "Children looked after on 31 March each year"}
STARTED_2025 = {"population_type": "Children starting to be looked after each year"}
CEASED_2025 = {"population_type": "Children ceasing to be looked after each year"}
AT31 = {"population_count": "Children looked after at 31 March each year"}
PLACED = {
    "characteristic": "1. Children who are the responsibility of other LAs placed within this "
    "LA boundary"
}
UASC_ROW = {"characteristic": "UASC"}
EET = {"age": "Aged 19 to 21", "activity": "Total in education, employment or training"}
SUITABLE = {
    "age": "19 to 21 years",
    "accommodation_suitability": "Accommodation considered suitable",
}


def raw(source_file: str, area: str, year: int | None, where: dict[str, str]) -> tuple[int, dict]:
    """The one raw row for an area ("England", an E12 region or a 3-digit code) and year."""
    hits = []
    with (ROOT / source_file).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader)]
        for row in reader:
            d = dict(zip(header, (cell.strip() for cell in row), strict=False))
            level = d.get("geographic_level") or d.get("geog_l", "")
            if area == "England":
                ok = level.upper() == "NATIONAL"
            elif area.startswith("E12"):
                ok = level == "Regional" and d["region_code"] == area
            else:
                ok = d.get("old_la_code", d.get("geog_c")) == area and level.upper() in (
                    "LOCAL AUTHORITY",
                    "LA",
                    "",
                )
            if year is not None and d.get("time_period", str(year)) != str(year):
                ok = False
            if ok and all(d[k.lower()] == v for k, v in where.items()):
                hits.append((reader.line_num, d))
    assert len(hits) == 1, f"{len(hits)} raw rows for {area} {year} in {source_file}"
    return hits[0]


@pytest.fixture(scope="module")
def published() -> Published:
    return Published(ROOT / "data")


# indicator, area, year, file, column, rows selected, expected value ("" = the raw cell's)
KENT = [
    ("cla_at_31_march", "886", 2022, CLA_2025, "children_count", AT31_2025, 1777),
    ("cla_rate", "886", 2022, CLA_2025, "rate_per_10000", AT31_2025, 53),
    ("cin_at_31_march", "886", 2022, B1_2025, "At31_episodes", {}, 11925),
    ("cin_rate", "886", 2022, B1_2024, "At31_episodes_rate", {}, 354.8),
    ("referrals", "886", 2022, C1_2025, "referral_count", {}, 19497),
    ("referrals_rate", "886", 2022, C1_2024, "Referrals_rate", {}, 580.1),
    ("rereferrals_pct", "886", 2022, C1_2025, "rereferral_percent", {}, 21.5),
    ("s47_enquiries", "886", 2022, C4, "Section47", {}, 6646),
    ("icpc", "886", 2022, C4, "ICPC", {}, 1696),
    ("cpp_started", "886", 2022, D3, "CPP_start", {}, 1443),
    ("cpp_subsequent_pct", "886", 2022, D3, "CPP_subsequent_percent", {}, 19.8),
    ("cpp_at_31_march", "886", 2022, D5, "CPP_At31", {}, 1256),
    ("uasc_at_31_march", "886", 2022, UASC, "cla_31_march_number", UASC_ROW, 369),
    # The 2024 release revised the 2022 release's 1,206; the newest release wins.
    ("cla_placed_by_other_las", "886", 2022, NETGAIN_2024, "number", PLACED, 1204),
    ("cla_started", "886", 2022, CLA_2025, "children_count", STARTED_2025, 1495),
    ("cla_ceased", "886", 2022, CLA_2025, "children_count", CEASED_2025, 1394),
    ("care_leavers_eet_pct", "886", 2022, ACTIVITY, "percentage", EET, 54),
    ("care_leavers_suitable_accommodation_pct", "886", 2022, ACCOMMODATION, "percentage",
     SUITABLE, 86),
    ("sw_caseload", "886", 2022, CSWW, "caseload_fte", {}, 18.6),
    ("sw_turnover_rate", "886", 2022, CSWW, "turnover_rate_fte", {}, 15.9),
    ("sw_vacancy_rate", "886", 2022, CSWW, "vacancy_rate_fte", {}, 16.5),
    ("sw_agency_rate", "886", 2022, CSWW, "agency_rate_fte", {}, 12.3),
    ("population_0_17", "886", 2021, ONS, "population_estimate", {}, 336091),
    # The 2011/12 SFR tables.
    ("cla_at_31_march", "886", 2012, SFR + "2012/SFR20_CLA2012.csv", "CLA_Mar2012", {}, 1798),
    ("uasc_at_31_march", "886", 2012, SFR + "2012/SFR20_CLA2012.csv", "CLA_UASC", {}, 187),
    ("cla_placed_by_other_las", "886", 2012, SFR + "2012/SFR20_CLA2012.csv", "CLA_ExtPl", {},
     1163),
    ("cla_started", "886", 2012, SFR + "2012/SFR20_ADM2012.csv", "CLA_started2012", {}, 908),
    ("cla_ceased", "886", 2012, SFR + "2012/SFR_CEA2012.csv", "CLA_cease", {}, 828),
]  # fmt: skip

OTHERS = [
    ("cin_at_31_march", "352", 2016, B1_2025, "At31_episodes", {}, ""),
    ("cin_rate", "E12000001", 2024, B1_2024, "At31_episodes_rate", {}, 467.2),
    ("cin_rate", "204", 2022, B1_2024, "At31_episodes_rate", {}, "x"),  # Hackney: not available
    ("cin_rate", "850", 2024, B1_2024, "At31_episodes_rate", {}, "u"),  # Hampshire: low quality
    ("referrals", "302", 2019, C1_2025, "referral_count", {}, ""),
    ("referrals_rate", "908", 2013, C1_2024, "Referrals_rate", {}, ""),
    ("rereferrals_pct", "420", 2024, C1_2025, "rereferral_percent", {}, "c"),
    ("rereferrals_pct", "England", 2014, C1_2025, "rereferral_percent", {}, ""),
    ("s47_enquiries", "929", 2014, C4, "Section47", {}, ""),  # row with a pre-2014 E-code
    ("icpc", "201", 2023, C4, "ICPC", {}, "c"),
    ("cpp_started", "933", 2024, D3, "CPP_start", {}, ""),  # Somerset's new E-code
    ("cpp_subsequent_pct", "420", 2024, D3, "CPP_subsequent_percent", {}, "z"),
    ("cpp_at_31_march", "815", 2018, D5, "CPP_At31", {}, ""),
    ("cla_at_31_march", "933", 2019, CLA_2023, "number", AT31, ""),
    ("cla_at_31_march", "330", 2018, STABILITY, "number",
     {"cla_group": "Children looked after at 31 March", "characteristic": "Total children"}, ""),
    ("cla_at_31_march", "209", 2014, SFR + "2014/SFR36_CLA2014.csv", "CLA_Mar2014", {}, ""),
    ("cla_at_31_march", "886", 2010, SFR + "2010/SFR27_2010_March.csv", "MarTotal_2010", {},
     1454),
    ("cla_at_31_march", "England", 2025, CLA_2025, "children_count", AT31_2025, 81770),
    ("cla_rate", "857", 2020, CLA_2024, "rate_per_10000", AT31, ""),
    ("cla_rate", "909", 2025, CLA_2025, "rate_per_10000", AT31_2025, "z"),
    ("cla_started", "352", 2018, STARTED, "number",
     {"cla_group": "Age group", "characteristic": "Total"}, ""),
    ("cla_started", "886", 2015, SFR + "2015/SFR34_ADM2015.csv", "CLA_started2014", {}, 903),
    ("cla_ceased", "886", 2017, SFR + "2017/SFR50_CEA2017.csv", "CLA_cease2017", {}, 1310),
    ("uasc_at_31_march", "890", 2022, UASC, "cla_31_march_number", UASC_ROW, "c"),
    # The SFR tables' cross (x) is a suppressed number from 1 to 5, as their metadata says.
    ("uasc_at_31_march", "201", 2012, SFR + "2012/SFR20_CLA2012.csv", "CLA_UASC", {}, "small"),
    ("cla_placed_by_other_las", "857", 2024, NETGAIN_2024, "number", PLACED, "c"),
    ("cla_placed_by_other_las", "352", 2019, NETGAIN_2022, "number", PLACED, ""),
    ("care_leavers_eet_pct", "928", 2022, ACTIVITY, "percentage", EET, "z"),
    ("care_leavers_suitable_accommodation_pct", "352", 2020, ACCOMMODATION, "percentage",
     SUITABLE, ""),
    ("sw_caseload", "330", 2024, CSWW, "caseload_fte", {}, "u"),
    ("sw_vacancy_rate", "207", 2025, CSWW, "vacancy_rate_fte", {}, "x"),
    ("sw_agency_rate", "352", 2017, CSWW, "agency_rate_fte", {}, ""),
    ("sw_turnover_rate", "E12000008", 2023, CSWW, "turnover_rate_fte", {}, ""),
]  # fmt: skip


def _code(published: Published, area: str) -> str:
    return "E92000001" if area == "England" else published.area(area).code


@pytest.mark.parametrize(("indicator", "area", "year", "source", "column", "where", "expected"),
                         KENT + OTHERS)  # fmt: skip
def test_value_matches_the_raw_row(
    published: Published,
    indicator: str,
    area: str,
    year: int,
    source: str,
    column: str,
    where: dict[str, str],
    expected: float | str,
) -> None:
    line, row = raw(source, area, None if "sfr_" in source else year, where)
    cell = row[column.lower()]
    frame = published.series(indicator, [_code(published, area)], [year])
    assert list(frame.columns) == list(TIDY_COLUMNS)
    got = frame.iloc[0]
    assert (got["source_file"], got["source_column"], got["derivation"]) == (source, column, "")
    assert got["period"] == str(year)
    assert got["source_line"] == str(line)
    assert got["source_area_code"] in (
        row.get("new_la_code"),
        row.get("old_la_code"),
        row.get("geog_c"),
        row.get("region_code"),
        "E92000001",
    )
    if expected == "small":
        assert cell == "x" and "sfr_" in source
        assert math.isnan(got["value"]) and got["status"] == "small"
    elif expected in ("c", "x", "z", "u", "low"):
        assert cell == expected
        assert math.isnan(got["value"]) and got["status"] == expected
    else:
        assert got["status"] == ""
        assert got["value"] == float(cell)
        if expected != "":
            assert got["value"] == expected


def test_kent_is_found_by_either_code(published: Published) -> None:
    by_old = published.series("cla_at_31_march", ["886"], [2022])
    by_new = published.series("cla_at_31_march", ["E10000016"], [2022])
    assert by_old.equals(by_new)
    assert by_old.iloc[0]["area_name"] == "Kent"


def test_a_rate_the_release_does_not_publish_is_derived_from_the_previous_mid_year(
    published: Published,
) -> None:
    count_line, count = raw(C4, "886", 2022, {})
    pop_line, pop = raw(ONS, "886", 2021, {})
    got = published.series("s47_rate", ["886"], [2022]).iloc[0]
    assert got["value"] == pytest.approx(
        float(count["section47"]) / float(pop["population_estimate"]) * 1e4
    )
    assert got["status"] == ""
    assert (got["source_file"], got["source_column"]) == (C4, "Section47")
    assert "mid-2021" in got["derivation"]
    assert f"{ONS}, line {pop_line}" in got["derivation"]
    assert f"{C4}, line {count_line}" in got["derivation"]


def test_the_previous_mid_year_rule_reproduces_the_published_rate() -> None:
    """Kent 2022: 11,925 children in need / mid-2021 population = the published 354.8."""
    _, count = raw(B1_2024, "886", 2022, {})
    _, pop = raw(ONS, "886", 2021, {})
    derived = float(count["at31_episodes"]) / float(pop["population_estimate"]) * 1e4
    assert round(derived, 1) == float(count["at31_episodes_rate"]) == 354.8


def test_children_in_need_rate_for_2025_is_derived_because_that_release_has_no_rates(
    published: Published,
) -> None:
    _, count = raw(B1_2025, "886", 2025, {})
    _, pop = raw(ONS, "886", 2024, {})
    got = published.series("cin_rate", ["886"], [2025]).iloc[0]
    assert got["value"] == pytest.approx(
        float(count["at31_episodes"]) / float(pop["population_estimate"]) * 1e4
    )
    assert got["source_file"] == B1_2025 and "mid-2024" in got["derivation"]


def test_a_derived_rate_keeps_the_count_suppression(published: Published) -> None:
    got = published.series("icpc_rate", ["201"], [2023]).iloc[0]
    assert math.isnan(got["value"]) and got["status"] == "c"
    assert "withheld" in got["derivation"]


def test_a_derived_rate_keeps_the_population_suppression(published: Published) -> None:
    """Bournemouth's mid-2015 population is published as x (before its 2019 merger)."""
    _, pop = raw(ONS, "837", 2015, {})
    assert pop["population_estimate"] == "x"
    got = published.series("cpp_rate", ["837"], [2016]).iloc[0]
    assert math.isnan(got["value"]) and got["status"] == "x"


@pytest.mark.parametrize(
    ("indicator", "area", "year", "status"),
    [
        ("cin_at_31_march", "886", 2012, "not collected"),  # the tables start in 2012/13
        ("referrals", "886", 2010, "not collected"),
        ("cla_rate", "886", 2012, "not held"),  # no ONS mid-2011 population in the files
        ("uasc_at_31_march", "886", 2019, "not held"),  # no file holds 2018-2020 by authority
        ("care_leavers_eet_pct", "886", 2023, "not held"),  # published, not in the files
        ("sw_caseload", "886", 2016, "not collected"),
        ("cla_at_31_march", "886", 2030, "not yet published"),
        ("factor_child_criminal_exploitation", "886", 2021, "not collected"),
    ],
)
def test_years_no_file_holds_are_marked_not_guessed(
    published: Published, indicator: str, area: str, year: int, status: str
) -> None:
    got = published.series(indicator, [area], [year]).iloc[0]
    assert math.isnan(got["value"]) and got["status"] == status


def test_series_keeps_the_order_asked_for(published: Published) -> None:
    frame = published.series("cpp_started", ["E92000001", "886", "E12000008"], [2023, 2013])
    assert list(zip(frame["area_code"], frame["period"], strict=True)) == [
        ("E92000001", "2023"),
        ("E92000001", "2013"),
        ("E10000016", "2023"),
        ("E10000016", "2013"),
        ("E12000008", "2023"),
        ("E12000008", "2013"),
    ]
    assert (
        list(frame["area_level"]) == ["National"] * 2 + ["Local authority"] * 2 + ["Regional"] * 2
    )
    assert frame["value"].dtype == float


def test_an_authority_recoded_by_ons_has_one_series(published: Published) -> None:
    """Somerset (933) was E10000027 until 2023 and E06000066 since; both years line up."""
    frame = published.series("cpp_at_31_march", ["E10000027"], [2018, 2024])
    assert set(frame["area_code"]) == {"E06000066"}
    assert frame["status"].tolist() == ["", ""]
    assert frame["value"].tolist() == [
        float(raw(D5, "933", 2018, {})[1]["cpp_at31"]),
        float(raw(D5, "933", 2024, {})[1]["cpp_at31"]),
    ]


def _most_places(measure: Measure) -> int | None:
    """The most decimal places any number in a measure's column has, as the file writes it
    (the DfE's files drop trailing zeros: 26.0 is written 26), over the rows it selects."""

    def key(name: str) -> str:
        return name.replace(" ", "").lower()

    with (ROOT / "data" / measure.path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [key(h) for h in next(reader)]
        column = header.index(key(measure.column))
        where = [(header.index(key(k)), v) for k, v in measure.where]
        most = None
        for row in reader:
            if any(row[i].strip() != v for i, v in where):
                continue
            cell = row[column].strip().replace(",", "")
            try:
                float(cell)
            except ValueError:
                continue  # a publisher's symbol
            places = len(cell.split(".")[1]) if "." in cell else 0
            most = places if most is None else max(most, places)
    return most


# Those the files publish (a rate the kit calculates, such as s47_rate, has none).
@pytest.mark.parametrize("indicator", [i for i, found in MEASURES.items() if found], ids=str)
def test_each_measure_is_shown_with_the_places_its_files_publish(indicator: str) -> None:
    # Read as published: a rate the DfE publishes whole (looked-after rates, care leavers'
    # percentages) is shown whole, one it publishes to one place has one place, every year.
    found = {m.path: _most_places(m) for m in MEASURES[indicator]}
    assert set(found.values()) == {indicators.decimals(indicator)}, found


def test_every_indicator_declares_its_places() -> None:
    shown = [*indicators.INDICATORS, *indicators.LOCAL_INDICATORS]
    assert all(0 <= indicators.decimals(i) <= 2 for i in shown)
    assert indicators.decimals("cla_rate") == 0
    assert indicators.decimals("s47_rate") == 1  # calculated by the kit: one place, as cin_rate
    assert indicators.decimals("training_evaluation_score") == 1
    assert indicators.decimals("funding_contribution") == 0
