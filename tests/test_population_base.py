"""Each rate says which population it divides by, on the real files.

City of London 2022-23 is the case that confused a reader: 918 children shown (mid-2023), 108
in need at "a rate of 1,284.2 per 10,000" (the DfE's 2024 release, which divided by about 841),
looked after at a rate of 91 (the 2025 release, about 985), and the kit's own rates over the
mid-2022 estimate of 985. The population each rate uses is recomputed here from the raw CSV
cells, and the notes must name it and say where it is more than 2% from the ONS estimate.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from conftest import project_copy
from safeguarding_report.data import Published
from safeguarding_report.data.population import DIFFERENCE_STATED, rate_base
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.report import bases
from safeguarding_report.report.sections import Context, load, local_context
from safeguarding_report.workflows import scaffold

ROOT = Path(__file__).resolve().parents[1]
DFE = ROOT / "data" / "published" / "dfe-csc-outcomes-enablers"
ONS = DFE / "ons_mid-year_population_estimates_2012_to_2024.csv"
B1_2024 = DFE / "b1_children_in_need_2013_to_2024.csv"
CLA_2025 = DFE / "cla_number_and_rate_per_10k_children.csv"
CITY = "E09000001"
KENT = "E10000016"
ENGLAND = "E92000001"
LA, NATIONAL = "Local authority", "National"
AT_31_MARCH = "Children looked after on 31 March each year"


def _raw(path: Path, code: str, year: int, column: str, **where: str) -> float:
    """One cell of a published CSV, as the file writes it, for a local authority and year."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        cells = [
            row[column]
            for row in csv.DictReader(f)
            if (row["new_la_code"], row["geographic_level"]) in ((code, LA), ("", NATIONAL))
            and (code == ENGLAND) == (row["geographic_level"] == NATIONAL)
            and row["time_period"] == str(year)
            and all(row[k] == v for k, v in where.items())
        ]
    assert len(cells) == 1, f"{path.name}: {len(cells)} rows for {code} {year}"
    return float(cells[0])


def _ons(code: str, mid_year: int) -> float:
    return _raw(ONS, code, mid_year, "population_estimate")


def _implied(code: str, year: int) -> dict[str, float]:
    """The population each published rate divided by: its own release's count / rate x 10,000."""
    return {
        "cin_rate": _raw(B1_2024, code, year, "At31_episodes")
        / _raw(B1_2024, code, year, "At31_episodes_rate")
        * 1e4,
        "cla_rate": _raw(CLA_2025, code, year, "children_count", population_type=AT_31_MARCH)
        / _raw(CLA_2025, code, year, "rate_per_10000", population_type=AT_31_MARCH)
        * 1e4,
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder over the published files (its parse cache stays out of the repo)."""
    return project_copy(tmp_path_factory.mktemp("bases"))


@pytest.fixture(scope="module")
def published(project: Path) -> Published:
    return Published(project / "data")


def _context(project: Path, published: Published, code: str, year: int) -> Context:
    return load(project / "data", code, year, 5, framework_id="", published=published)


def test_city_of_london_2023_rates_divide_by_three_populations_from_the_raw_cells(
    published: Published,
) -> None:
    implied = _implied(CITY, 2023)
    assert round(implied["cin_rate"]) == 841  # 108 / 1,284.2 x 10,000
    assert _ons(CITY, 2022) == 985 and _ons(CITY, 2023) == 918
    for indicator, population in implied.items():
        row = published.series(indicator, [CITY], [2023]).iloc[0]
        base = rate_base(published, row)
        assert base is not None and base.published
        assert base.population.mid_year == 2022
        assert abs(base.population.value - population) < 10  # within the rate's rounding
        off = abs(population - _ons(CITY, 2022)) / _ons(CITY, 2022)
        assert base.population.differs() == (off > DIFFERENCE_STATED), indicator
        assert base.population.release == {"cin_rate": "2024", "cla_rate": "2025"}[indicator]
    derived = rate_base(published, published.series("cpp_rate", [CITY], [2023]).iloc[0])
    assert derived is not None and not derived.published and derived.population.value == 985


def test_the_local_context_names_each_rates_population_and_the_difference(
    project: Path, published: Published
) -> None:
    ctx = _context(project, published, CITY, 2023)
    notes = " ".join(local_context.headline_table(ctx).notes)
    assert (
        "divide by the ONS estimate of children aged 0 to 17 at mid-2022, the year before" in notes
    )
    assert "for children in need at 31 March, as the DfE's 2024 release used it;" in notes
    assert (
        "for child protection plans at 31 March and children looked after at 31 March, as the "
        "DfE's 2025 release used it." in notes
    )
    assert (
        "The number of children aged 0 to 17 shown is the ONS estimate for mid-2023, not the "
        "population the rates divide by (mid-2022)." in notes
    )
    implied = round(_implied(CITY, 2023)["cin_rate"])
    off = 1 - implied / _ons(CITY, 2022)
    assert (
        f"The DfE's published rate of children in need at 31 March for City of London in 2023 "
        f"divides by about {implied:,} children aged 0 to 17, the estimate for mid-2022 that the "
        f"DfE's 2024 release used (worked out from its published numbers and rates). That is "
        f"{off:.1%} fewer than the latest ONS estimate for mid-2022 ({_ons(CITY, 2022):,.0f})."
        in notes
    )
    assert "The rate is shown as published." in notes
    # Looked after: 9 / 91 x 10,000 is within 2% of 985, so nothing more is said of it.
    assert "rate of children looked after" not in notes
    summary = local_context.summary(ctx).html
    assert (
        "(the ONS estimate for mid-2023; rates per 10,000 divide by the estimate for the year "
        "before, mid-2022)" in html.unescape(re.sub(r"<[^>]+>", "", summary))
    )


def _implied_at(source_file: str, line: int, rate_column: str) -> float:
    """The population a published rate divided by: the count beside it in the same row (the
    physical line, header = line 1) over the rate, x 10,000."""
    with (ROOT / source_file).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, cells = rows[0], dict(zip(rows[0], rows[line - 1], strict=True))
    count = COUNT_BESIDE.get(rate_column) or next(
        c for c in ("children_count", "number") if c in header
    )
    return float(cells[count]) / float(cells[rate_column]) * 1e4


COUNT_BESIDE = {"At31_episodes_rate": "At31_episodes", "Referrals_rate": "Referrals"}


@pytest.mark.parametrize("year", [2014, 2018, 2020, 2022, 2023, 2024, 2025])
def test_kent_notes_say_a_population_differs_exactly_when_it_is_more_than_2_percent_off(
    project: Path, published: Published, year: int
) -> None:
    ctx = _context(project, published, KENT, year)
    frame = local_context.headline_frame(ctx)
    notes = bases.notes(published, frame, shown=local_context.population_year(ctx))
    assert notes[0].startswith(
        f"Rates per 10,000 children divide by the ONS estimate of children aged 0 to 17 at "
        f"mid-{year - 1}, the year before"
    )
    said = [n for n in notes if " by about " in n]
    expected = []
    ons = {KENT: _ons(KENT, year - 1), ENGLAND: _ons(ENGLAND, year - 1)}
    for _, row in frame.iterrows():
        if not str(row["indicator"]).endswith("_rate") or row["derivation"] or row["status"]:
            continue
        implied = _implied_at(row["source_file"], int(row["source_line"]), row["source_column"])
        estimate = ons[row["area_code"]]
        if abs(implied - estimate) / estimate > DIFFERENCE_STATED:
            expected.append((row["indicator"], row["area_name"]))
    assert len(said) == len({area for _, area in expected}), (said, expected)
    for indicator, _ in expected:
        assert any(bases._topic(indicator) in n for n in said)
    shown = local_context.population_year(ctx)
    assert any("shown is the ONS estimate" in n for n in notes) == (shown != year - 1)
    summary = local_context.summary(ctx).html
    assert ("rates per 10,000 divide by the estimate for the year before" in summary) == (
        shown != year - 1
    )


def test_kent_2012_shows_no_rate_so_says_nothing_of_their_population(
    project: Path, published: Published
) -> None:
    """No rate is held for 2011-12 (nor the mid-2011 estimate): nothing to explain."""
    ctx = _context(project, published, KENT, 2012)
    assert "rates per 10,000 divide" not in local_context.summary(ctx).html
    assert local_context.headline_table(ctx).notes == [
        "Rates are per 10,000 children aged 0 to 17."
    ]


def test_a_rate_with_no_population_base_has_no_note(published: Published) -> None:
    """A neighbours' average, a withheld rate and a measure that is not per 10,000 children."""
    frame = published.comparison("cla_rate", KENT, [2022])
    mean = frame[frame["area_name"].str.startswith("Statistical neighbours")]
    assert not mean.empty and bases.of_rates(published, mean) == []
    withheld = published.series("cpp_rate", [CITY], [2022])
    assert withheld.iloc[0]["status"] and bases.notes(published, withheld) == []
    assert bases.notes(published, published.series("rereferrals_pct", [KENT], [2022])) == []


@pytest.fixture(scope="module")
def city_report(project: Path) -> str:
    """City of London 2022-23 as a new user makes it: ``new``, then a build (HTML only)."""
    made = scaffold.new(CITY, 2023, root=project)
    folder = build(
        project / "params" / f"{made.report_id}.yaml",
        Project(project),
        BuildOptions(make_pdf=False, progress=False),
    )
    return html.unescape(re.sub(r"<[^>]+>", "", (folder / "report.html").read_text("utf-8")))


def test_city_of_london_report_tells_a_reader_why_108_in_918_is_not_1284_per_10000(
    city_report: str,
) -> None:
    text = re.sub(r"\s+", " ", city_report)
    assert (
        "City of London is home to 918 children aged 0 to 17 (the ONS estimate for mid-2023; "
        "rates per 10,000 divide by the estimate for the year before, mid-2022)" in text
    )
    assert "a rate of 1,284.2 per 10,000" in text  # published rates stay as published
    assert (
        "divides by about 841 children aged 0 to 17, the estimate for mid-2022 that the DfE's "
        "2024 release used" in text
    )
    assert (
        "That is 14.6% fewer than the latest ONS estimate for mid-2022 (985). The rate is shown "
        "as published." in text
    )
    assert "not the population the rates divide by (mid-2022)" in text
