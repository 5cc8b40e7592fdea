"""The wider picture in changes.csv and in ``check``: each measure's latest two LAIT periods,
recomputed here from the Benchmarking Data Set's parquet file read directly with pandas."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from safeguarding_report import cli
from safeguarding_report.core import indicators
from safeguarding_report.data import Published
from safeguarding_report.report import changes

ROOT = Path(__file__).resolve().parents[1]
BDS_DIR = ROOT / "data/published/dfe-lait-bds"
BDS_FILE = "data/published/dfe-lait-bds/bds_long_0.parquet"
KENT, KENT_NUMBER, ENGLAND_NUMBER = "E10000016", 886, 970
LLR = "E06000016+E10000018+E06000017"  # Leicester, Leicestershire, Rutland
LLR_NUMBERS = {"Leicester": 856, "Leicestershire": 855, "Rutland": 857}


@pytest.fixture(scope="module")
def bds() -> pd.DataFrame:
    return pd.read_parquet(BDS_DIR / "bds_long_0.parquet")


@pytest.fixture(scope="module")
def kent_changes(default_report: Path) -> list[dict[str, str]]:
    with (default_report / "changes.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def raw(bds: pd.DataFrame, code: str, number: int) -> dict[str, str]:
    """Years label -> the value as published, for one measure and LA Number."""
    rows = bds[(bds["Short Desc"] == code) & (bds["LA Number"] == number)]
    return dict(zip(rows["Years"], rows["Values"], strict=True))


def last_two_years(values: dict[str, str], year: int) -> list[str]:
    """The last two plain-year labels (2021, 2022) ending in or before ``year``."""
    return sorted((y for y in values if y.isdigit() and int(y) <= year), key=int)[-2:]


def polarity(code: str) -> str:
    dictionary = pd.read_csv(BDS_DIR / "lait_data_dictionary.csv", encoding="latin-1")
    return str(dictionary.loc[dictionary["Measure_short"] == code, "Polarity"].iloc[0])


def row_of(rows: list[dict[str, str]], indicator: str) -> dict[str, str]:
    found = [r for r in rows if r["indicator"] == indicator]
    assert len(found) == 1, f"{indicator}: expected one row in changes.csv, got {len(found)}"
    return found[0]


def test_changes_csv_adds_each_wider_measure_after_the_headline_figures(
    kent_changes: list[dict[str, str]],
) -> None:
    wider = [r["indicator"] for r in kent_changes if r["indicator"] in indicators.WIDER_INDICATORS]
    assert wider == list(indicators.WIDER_INDICATORS), "every wider measure, in wider.yaml's order"
    first_wider = next(
        i for i, r in enumerate(kent_changes) if r["indicator"] in indicators.WIDER_INDICATORS
    )
    assert all(r["indicator"] in indicators.WIDER_INDICATORS for r in kent_changes[first_wider:])
    assert first_wider > 0, "the headline figures' rows come first, as before"


def test_a_measure_with_polarity_is_compared_with_england_by_the_same_rule(
    bds: pd.DataFrame, kent_changes: list[dict[str, str]]
) -> None:
    assert polarity("HospAd0-14") == "Low", "LAIT says lower is better for injury admissions"
    kent, england = raw(bds, "HospAd0-14", KENT_NUMBER), raw(bds, "HospAd0-14", ENGLAND_NUMBER)
    before, latest = last_two_years(kent, 2022)
    assert (before, latest) == ("2021", "2022")
    row = row_of(kent_changes, "injury_admissions_0_14")
    assert (row["last_year"], row["this_year"]) == (before, latest)
    assert float(row["last_value"]) == float(kent[before])
    assert float(row["this_value"]) == float(kent[latest])
    assert float(row["england_last_value"]) == float(england[before])
    assert float(row["england_this_value"]) == float(england[latest])
    mine = float(kent[latest]) - float(kent[before])
    theirs = float(england[latest]) - float(england[before])
    assert math.isclose(float(row["change"]), mine)
    assert math.isclose(float(row["england_change"]), theirs)
    # As a share of last year's figure: Kent rose 19%, England 8%, 5 points or more apart.
    mine_pct = mine / float(kent[before]) * 100
    theirs_pct = theirs / float(england[before]) * 100
    assert mine_pct - theirs_pct >= changes.MARGIN and theirs_pct > 0
    assert row["beyond_england"] == "yes"
    assert row["compared_with_england"] == "rose more than England", "no 'better' or 'worse'"
    assert row["source_file"] == row["last_source_file"] == BDS_FILE


def test_first_time_entrants_are_not_compared_with_englands_sum_of_regions(
    bds: pd.DataFrame, kent_changes: list[dict[str, str]]
) -> None:
    kent, england = raw(bds, "FirstYJS", KENT_NUMBER), raw(bds, "FirstYJS", ENGLAND_NUMBER)
    before, latest = last_two_years(kent, 2022)
    row = row_of(kent_changes, "first_time_entrants")
    assert (row["last_year"], row["this_year"]) == (before, latest)
    assert float(row["change"]) == float(kent[latest]) - float(kent[before])
    # England's figure is the sum of the regions' rates: not comparable, so neither given nor
    # set against the area's (the report shows [x] with the same reason).
    assert float(england[latest]) > 5 * float(kent[latest])
    assert row["england_last_value"] == row["england_this_value"] == row["england_change"] == ""
    assert row["beyond_england"] == ""
    assert row["compared_with_england"].startswith("not compared: ")
    assert "sum of the regions' rates" in row["compared_with_england"]


def test_a_figure_lait_marks_not_available_is_missing_not_zero(
    bds: pd.DataFrame, kent_changes: list[dict[str, str]]
) -> None:
    england = raw(bds, "ReoffYO", ENGLAND_NUMBER)
    assert england["2021"] == england["2022"] == "-", "LAIT gives no England figure"
    row = row_of(kent_changes, "reoffending_10_14")
    assert row["england_last_value"] == row["england_this_value"] == row["england_change"] == ""
    assert row["beyond_england"] == ""
    assert row["compared_with_england"] == "not compared: a figure is missing"
    assert row["change"] != "", "Kent's own change is still given"


def test_each_wider_figure_is_the_one_figures_csv_cites(
    default_report: Path, kent_changes: list[dict[str, str]]
) -> None:
    with (default_report / "figures.csv").open(encoding="utf-8", newline="") as handle:
        figures = list(csv.DictReader(handle))
    for row in kent_changes:
        if row["indicator"] not in indicators.WIDER_INDICATORS or not row["this_value"]:
            continue
        cited = {
            (f["source_file"], float(f["value"]))
            for f in figures
            if f["indicator"] == row["indicator"]
            and f["area_code"] == KENT
            and f["period"] == row["this_year"]
        }
        assert cited == {(row["source_file"], float(row["this_value"]))}, row["indicator"]


def test_a_partnerships_whole_area_is_not_compared_and_each_authority_is(
    bds: pd.DataFrame,
) -> None:
    frame = changes.wider_frame(Published(ROOT / "data"), LLR, 2024, ["injury_admissions_0_14"])
    assert list(frame["area_name"]) == [
        "Leicester, Leicestershire and Rutland",
        *LLR_NUMBERS,
    ]
    whole = frame.iloc[0]
    assert math.isnan(whole["this_value"]) and whole["this_status"] == "z"
    assert whole["beyond_england"] == ""
    assert whole["compared_with_england"].startswith("not compared: not combined")
    england = raw(bds, "HospAd0-14", ENGLAND_NUMBER)
    for (_, row), number in zip(frame.iloc[1:].iterrows(), LLR_NUMBERS.values(), strict=True):
        own = raw(bds, "HospAd0-14", number)
        before, latest = last_two_years(own, 2024)
        assert (row["last_year"], row["this_year"]) == (before, latest)
        assert row["this_value"] == float(own[latest])
        assert row["england_this_value"] == float(england[latest])
        assert row["compared_with_england"] != "not compared: a figure is missing"


def test_check_lists_each_wider_measure_with_its_latest_period(
    kent_folder: Path, bds: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["check", str(kent_folder / "params/kent-2022.yaml"), "--root", str(kent_folder)])
    lines = capsys.readouterr().out.splitlines()
    bds_line = next(i for i, x in enumerate(lines) if "dfe-lait-bds/bds_long_0.parquet" in x)
    listed = [x for x in lines if "wider measure " in x]
    assert len(listed) == len(indicators.WIDER_INDICATORS)
    assert lines[bds_line + 1 : bds_line + 1 + len(listed)] == listed, "listed under the file"
    for indicator, line in zip(indicators.WIDER_INDICATORS, listed, strict=True):
        assert f"wider measure {indicator}" in line
    kent = raw(bds, "HospAd0-14", KENT_NUMBER)
    injuries = next(x for x in listed if "injury_admissions_0_14" in x)
    assert f"latest period 2022 (ends in or before 2022): Kent {float(kent['2022']):g}" in injuries
    spend = next(x for x in listed if "social_work_spend" in x)
    assert "latest period 2021-22 (OT)" in spend, "labelled as LAIT labels it"


def test_check_says_when_no_period_is_held(
    kent_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = kent_folder / "params/kent-2022.yaml"
    params.write_text(params.read_text().replace("comparison_year: 2022", "comparison_year: 2012"))
    cli.main(["check", str(params), "--root", str(kent_folder)])
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "wider measure injury_admissions_0_14" in x)
    assert line.startswith("none held")
    assert "no period ending in or before 2012" in line


def test_a_comparator_that_is_not_comparable_is_cited_but_never_given(bds: pd.DataFrame) -> None:
    """LAIT's England figure for first-time entrants is the regions' rates summed: the tidy row
    keeps its source cell (figures.csv cites it) but no value, so no table or chart shows it."""
    published = Published(ROOT / "data")
    years = published.wider_years("first_time_entrants", 2022, 2)
    frame = published.wider("first_time_entrants", "E10000016", years)
    england = frame[frame["area_code"] == "E92000001"]
    assert len(england) == 2 and england["value"].isna().all()
    assert set(england["status"]) == {"not comparable"}
    assert all(england["source_file"] == BDS_FILE) and all(england["source_line"] != "")
    kent = frame[frame["area_code"] == "E10000016"]
    assert kent["value"].notna().all() and set(kent["status"]) == {""}
