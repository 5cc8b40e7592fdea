"""Changes since last year: changes.csv and the foreword's table match the two years' data."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from safeguarding_report.report import changes
from safeguarding_report.report.sections import Context, foreword, load

ROOT = Path(__file__).resolve().parents[1]
KENT = "E10000016"
CLA = ROOT / "data/published/dfe-csc-outcomes-enablers/cla_number_and_rate_per_10k_children.csv"


def published_rate(code: str, year: int) -> float:
    """Children looked after at 31 March, rate per 10,000, straight from the DfE's file."""
    with CLA.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            area = row["new_la_code"] or row["country_code"]
            if (
                row["time_period"] == str(year)
                and area == code
                and row["geographic_level"] in ("National", "Local authority")
                and row["population_type"] == "Children looked after on 31 March each year"
            ):
                return float(row["rate_per_10000"])
    raise AssertionError(f"no row for {code} {year}")


@pytest.fixture(scope="module")
def kent() -> Context:
    return load(ROOT / "data", KENT, 2023, 5, report_id="kent-2022")


def test_changes_match_the_published_figures_of_both_years(kent: Context) -> None:
    frame = changes.frame(kent.published, KENT, 2023, foreword.GLANCE_INDICATORS)
    row = frame[frame["indicator"] == "cla_rate"].iloc[0]
    assert row["last_value"] == published_rate(KENT, 2022)
    assert row["this_value"] == published_rate(KENT, 2023)
    assert row["change"] == published_rate(KENT, 2023) - published_rate(KENT, 2022)
    england = published_rate("E92000001", 2023) - published_rate("E92000001", 2022)
    assert row["england_change"] == england
    assert list(frame["indicator"]) == list(foreword.GLANCE_INDICATORS)


def test_a_year_the_files_do_not_hold_has_no_change(kent: Context) -> None:
    # The DfE has published care leavers for 2023, but no file here holds it.
    frame = changes.frame(kent.published, KENT, 2023, ["care_leavers_eet_pct"])
    row = frame.iloc[0]
    assert row["this_status"] == "not held"
    assert math.isnan(row["change"])
    assert row["beyond_england"] == ""


@pytest.mark.parametrize(
    ("values", "beyond", "words"),
    [
        ((100, 120, 100, 101), "yes", "rose more than England"),
        ((100, 103, 100, 101), "no", "in line with England"),
        ((100, 110, 100, 90), "yes", "rose while England fell"),
        ((100, 80, 100, 95), "yes", "fell more than England"),
        ((100, 90, 100, 110), "yes", "fell while England rose"),
        ((100, 101, 100, 120), "yes", "rose less than England"),
        ((0, 5, 100, 101), "", "not compared: a figure is missing"),
    ],
)
def test_beyond_englands_change(values: tuple[float, ...], beyond: str, words: str) -> None:
    assert changes.compare(*map(float, values)) == (beyond, words)


def test_changes_csv_writes_every_headline_figure(kent: Context, tmp_path: Path) -> None:
    frame = changes.frame(kent.published, KENT, 2023, foreword.GLANCE_INDICATORS)
    changes.write(frame, tmp_path / "changes.csv")
    with (tmp_path / "changes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(foreword.GLANCE_INDICATORS)
    cla = next(r for r in rows if r["indicator"] == "cla_rate")
    assert float(cla["this_value"]) == published_rate(KENT, 2023)
    eet = next(r for r in rows if r["indicator"] == "care_leavers_eet_pct")
    assert eet["this_value"] == "" and eet["this_status"] == "not held"


def test_the_foreword_shows_each_change_beside_englands(kent: Context) -> None:
    table = foreword.changes_since_last_year(kent)
    shown = table.to_markdown()
    assert "Changes since last year: Kent and England" in shown
    change = published_rate(KENT, 2023) - published_rate(KENT, 2022)
    cla = next(line for line in shown.splitlines() if line.startswith("| Children looked after"))
    assert f"{change:+.0f}" in cla or f"{change:+.1f}" in cla
    assert {r["indicator"] for r in table.records} >= {"cla_rate", "cin_rate"}


def test_changes_csv_writes_figures_as_the_report_shows_them_without_float_noise(
    tmp_path: Path,
) -> None:
    kent = load(ROOT / "data", KENT, 2022, 5, report_id="kent-2022")
    frame = changes.frame(kent.published, KENT, 2022, foreword.GLANCE_INDICATORS)
    # 354.8 - 324.5 is 30.30000000000001 in floating point.
    assert frame.loc[frame["indicator"] == "cin_rate", "change"].iloc[0] != 30.3
    changes.write(frame, tmp_path / "changes.csv")
    with (tmp_path / "changes.csv").open(encoding="utf-8") as handle:
        rows = {r["indicator"]: r for r in csv.DictReader(handle)}
    cin = rows["cin_rate"]
    assert (cin["last_value"], cin["this_value"], cin["change"]) == ("324.5", "354.8", "30.3")
    assert cin["england_change"] == "14.1"
    # Looked-after rates are published whole; a calculated rate has one place, as shown.
    cla = rows["cla_rate"]
    assert (cla["last_value"], cla["this_value"], cla["change"]) == ("50", "53", "3")
    assert rows["s47_rate"]["this_value"] == "197.7"  # 197.744063... calculated
    assert rows["uasc_at_31_march"]["england_this_value"] == "5680"  # no separator in a CSV
