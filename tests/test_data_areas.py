"""Every kind of authority gives sensible tidy rows: London boroughs, small authorities with
suppressed cells, reorganised authorities, and years before a series or after the files.

Expected values are read from the raw CSV cells with the csv module, not from the reader.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import FILES, SFR_FILES
from safeguarding_report.data.schema import NO_FIGURE, STATUSES, TIDY_COLUMNS

ROOT = Path(__file__).parents[1]
D = "data/published/dfe-csc-outcomes-enablers/"
B = "data/published/bengoodair-csc-data/"
CLA_2025 = D + "cla_number_and_rate_per_10k_children.csv"
C4 = D + "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
AT31 = "Children looked after on 31 March each year"


@pytest.fixture(scope="module")
def published() -> Published:
    return Published(ROOT / "data")


def raw_rows(path: str) -> list[tuple[int, dict[str, str]]]:
    with (ROOT / path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return [(reader.line_num, row) for row in reader]


def test_a_london_boroughs_region_is_london_with_its_sub_region(published: Published) -> None:
    for code, sub in (("202", "Inner London"), ("204", "Inner London"), ("302", "Outer London")):
        area = published.area(code)
        assert (area.region_code, area.region_name) == ("E12000007", "London")
        assert area.subregion_name == sub and area.subregion_code.startswith("E13")
    assert published.area("886").subregion_code == ""


def test_camden_is_compared_with_london_every_year(published: Published) -> None:
    frame = published.comparison("cla_rate", "202", [2022, 2025])
    assert len(frame) == 8
    london = frame[frame["area_code"] == "E12000007"]
    rows = {(r["time_period"], r["geographic_level"], r["region_code"]): (n, r) for n, r in
            raw_rows(CLA_2025) if r["population_type"] == AT31}  # fmt: skip
    for _, got in london.iterrows():
        line, row = rows[(got["period"], "Regional", "E12000007")]
        assert got["status"] == "" and got["value"] == float(row["rate_per_10000"])
        assert got["source_line"] == str(line) and got["area_name"] == "London"


def test_inner_and_outer_london_can_be_shown_as_a_further_comparator(
    published: Published,
) -> None:
    area = published.area("202")
    frame = published.series("cla_rate", [area.subregion_code], [2022])
    assert frame.iloc[0]["area_level"] == "Sub-regional"
    assert frame.iloc[0]["area_name"] == "Inner London" and frame.iloc[0]["status"] == ""
    old = published.series("cla_at_31_march", ["E13000002"], [2012]).iloc[0]
    assert old["status"] == "" and old["source_column"] == "CLA_Mar2012"


@pytest.mark.parametrize(("code", "indicator", "year"), [("420", "s47_enquiries", 2024),
                                                         ("201", "icpc", 2023)])  # fmt: skip
def test_a_small_authoritys_withheld_cell_says_why(
    published: Published, code: str, indicator: str, year: int
) -> None:
    column = {"s47_enquiries": "Section47", "icpc": "ICPC"}[indicator]
    line, row = next((n, r) for n, r in raw_rows(C4) if r["old_la_code"] == code
                     and r["time_period"] == str(year))  # fmt: skip
    assert row[column] == "c"
    got = published.series(indicator, [code], [year]).iloc[0]
    assert math.isnan(got["value"]) and got["status"] == "c"
    assert got["source_line"] == str(line) and got["source_area_code"] == row["new_la_code"]
    rate = published.series(indicator.replace("enquiries", "rate") if "s47" in indicator
                            else "icpc_rate", [code], [year]).iloc[0]  # fmt: skip
    assert rate["status"] == "c"


def test_every_status_is_in_the_vocabulary(published: Published) -> None:
    codes = ["420", "857", "202", "815", "941", "E92000001"]
    for indicator in ("cla_at_31_march", "uasc_at_31_march", "cin_rate", "s47_rate"):
        frame = published.series(indicator, codes, range(2008, 2028))
        assert list(frame.columns) == list(TIDY_COLUMNS)
        assert frame["status"].isin(NO_FIGURE | {""}).all()
        assert frame["value"].isna().eq(frame["status"] != "").all()
    assert set(STATUSES) == {"c", "small", "x", "z", "u", "low", "not collected", "not held",
                             "not yet published", "part withheld", "not comparable"}  # fmt: skip


def test_the_sfr_cross_means_a_small_number_as_each_years_metadata_says(
    published: Published,
) -> None:
    for year in SFR_FILES:
        spec = FILES[f"published/bengoodair-csc-data/sfr_2010_2017/{year}/{SFR_FILES[year][1]}"]
        assert spec.symbols is not None and spec.symbols.meanings["x"] == "small"
        stated = spec.symbols.stated_in.split(" and ")[0]
        path, line = re.match(r"(.*), line (\d+)", stated).groups()  # type: ignore[union-attr]
        text = (ROOT / "data" / path).read_bytes().decode("cp1252").splitlines()[int(line) - 1]
        assert "numbers from one to five inclusive" in text and "cross (x)" in text
    got = published.series("uasc_at_31_march", ["201"], [2012]).iloc[0]
    assert got["status"] == "small" and got["source_area_code"] == "201"


def test_north_yorkshire_keeps_one_series_and_the_code_each_row_wrote(
    published: Published,
) -> None:
    frame = published.series("cpp_at_31_march", ["E10000023"], [2022, 2024])
    assert set(frame["area_code"]) == {"E06000065"}
    assert frame["status"].tolist() == ["", ""]
    assert frame["source_area_code"].tolist() == ["E10000023", "E06000065"]
    old = published.series("cla_at_31_march", ["815"], [2012]).iloc[0]
    assert old["source_area_code"] == "815" and old["status"] == ""


def test_west_northamptonshire_before_it_existed(published: Published) -> None:
    assert published.series("cla_rate", ["941"], [2022]).iloc[0]["status"] == ""
    early = published.series("cpp_at_31_march", ["941"], [2015]).iloc[0]
    assert math.isnan(early["value"]) and early["status"] == "not held"


def test_kent_2011_12_from_the_sfr_tables(published: Published) -> None:
    path = B + "sfr_2010_2017/2012/SFR20_CLA2012.csv"
    line, row = next((n, r) for n, r in raw_rows(path) if r["geog_c"] == "886")
    expected = {"cla_at_31_march": "CLA_Mar2012", "uasc_at_31_march": "CLA_UASC",
                "cla_placed_by_other_las": "CLA_ExtPl"}  # fmt: skip
    for indicator, column in expected.items():
        got = published.series(indicator, ["886"], [2012]).iloc[0]
        assert got["value"] == float(row[column]), indicator
        assert (got["source_file"], got["source_column"]) == (path, column)
        assert got["source_line"] == str(line) and got["source_area_code"] == "886"
    assert published.series("cla_placed_by_other_las", ["886"], [2012]).iloc[0]["value"] == 1163
    for indicator in ("cin_at_31_march", "referrals", "factor_neglect"):
        assert published.series(indicator, ["886"], [2012]).iloc[0]["status"] == "not collected"


def test_englands_uasc_comes_from_the_national_files(published: Published) -> None:
    national = B + "ees_cla_2024_release/national_cla_on_31_march_who_were_unaccompanied_" \
        "asylum_seeking_children.csv"  # fmt: skip
    total = {"time_period": "2020", "cla_group": "Age group", "characteristic": "Total"}
    line, row = next((n, r) for n, r in raw_rows(national)
                     if all(r[k] == v for k, v in total.items()))  # fmt: skip
    got = published.series("uasc_at_31_march", ["E92000001"], [2020]).iloc[0]
    assert got["value"] == float(row["number"]) and got["source_line"] == str(line)
    series = B + "ees_cla_2024_release/cla_time_series_1994_2024.csv"
    for year in (2018, 2019):
        line, row = next((n, r) for n, r in raw_rows(series) if r["time_period"] == str(year)
                         and "unaccompanied" in r["population_count"])  # fmt: skip
        got = published.series("uasc_at_31_march", ["E92000001"], [year]).iloc[0]
        assert got["value"] == float(row["number"]) and got["source_file"] == series
    assert published.series("uasc_at_31_march", ["886"], [2019]).iloc[0]["status"] == "not held"


def test_a_year_after_the_files_is_not_yet_published(published: Published) -> None:
    got = published.series("cla_at_31_march", ["886"], [2026]).iloc[0]
    assert got["status"] == "not yet published"
