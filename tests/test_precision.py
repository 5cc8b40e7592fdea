"""One number of decimal places per measure, wherever its figures are shown.

Each table of a built report is read as a reader sees it (report.html) and its numbers are
matched, in order, to the rows of figures.csv, which say which measure each is: within one
table every figure of one measure has the same places, those the measure declares
(``indicators.decimals``: the kit's own, or LAIT's data dictionary's). figures.csv's
``shown`` and changes.csv's numbers keep to the same places.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import project_copy
from safeguarding_report.core import indicators
from safeguarding_report.data import Published
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.report import changes
from safeguarding_report.workflows import scaffold

ROOT = Path(__file__).resolve().parents[1]
# A figure as shown: a count, rate, share, change or sum of pounds ('1,777', '+3.0', '21.5%').
NUMBER = re.compile(r"^[+-]?£?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
YEAR = re.compile(r"^(19|20)\d\d$")  # a period in a table's cells, not a figure
NEW = ("E08000003", 2024)  # a report started with `new`: Manchester, whose records are empty


def places(shown: str) -> int:
    """The decimal places of a number as shown: '1,777' 0, '+3.0' 1, '21.50%' 2."""
    digits = shown.rstrip("%")
    return len(digits.split(".")[1]) if "." in digits else 0


def _figures(folder: Path) -> list[dict[str, str]]:
    with (folder / "figures.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def tables_with_measures(folder: Path) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Each table that shows figures: its caption and, for each figure in it, in order, the
    text shown and the measure figures.csv records for it.

    A table's figures are recorded one after another in figures.csv, in reading order (row
    by row), after those of the outputs before it; other cells (labels, ranks, periods) are
    not. Every number in a table must be matched, or the table is not the one figures.csv
    recorded and the test fails.
    """
    page = BeautifulSoup((folder / "report.html").read_text(encoding="utf-8"), "html.parser")
    rows = _figures(folder)
    after = 0
    for table in page.find_all("table"):
        caption = table.caption.get_text(" ", strip=True) if table.caption else ""
        cells = [td.get_text(strip=True) for tr in table.find_all("tr") for td in tr.find_all("td")]
        numbers = [c for c in cells if NUMBER.match(c) and not YEAR.match(c)]
        if not numbers:
            continue
        for start in range(after, len(rows)):
            matched: list[tuple[str, str]] = []
            at = start
            for cell in cells:
                if at < len(rows) and rows[at]["shown"] == cell:
                    matched.append((cell, rows[at]["indicator"]))
                    at += 1
            if [c for c, _ in matched if NUMBER.match(c)] == numbers:
                break
        else:
            raise AssertionError(
                f"{folder.name}: the numbers of table {caption!r} are not figures.csv's "
                f"shown, in order: {numbers[:8]}"
            )
        after = at
        yield caption, matched


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project (records copied, published files linked): `new` adds to it."""
    return Project(project_copy(tmp_path_factory.mktemp("precision")))


@pytest.fixture(scope="module")
def reports(project: Project, shipped_report: Callable[[str], Path]) -> dict[str, Path]:
    """kent-2022, kent-2026 (its year not yet published) and llr-2024 (three authorities),
    built once for the run, and a report `new` starts, HTML only."""
    made = scaffold.new(*NEW, root=project.root)
    built = {report: shipped_report(report) for report in ("kent-2022", "kent-2026", "llr-2024")}
    options = BuildOptions(make_pdf=False, progress=False)
    built[made.params.stem] = build(made.params, project, options)
    # The wider picture's places are LAIT's: read its data dictionary, as the build did.
    _ = Published(ROOT / "data").lait_dictionary
    return built


REPORTS = ["kent-2022", "kent-2026", "llr-2024", "manchester-2024"]


@pytest.mark.build
@pytest.mark.parametrize("report", REPORTS)
def test_no_table_mixes_decimal_places_within_a_measure(
    reports: dict[str, Path], report: str
) -> None:
    found = list(tables_with_measures(reports[report]))
    assert len(found) > 30, "every table with figures is read"
    mixed = []
    for caption, figures in found:
        by_measure: dict[str, set[int]] = {}
        for shown, indicator in figures:
            if NUMBER.match(shown):
                by_measure.setdefault(indicator, set()).add(places(shown))
        for indicator, seen in by_measure.items():
            if seen != {indicators.decimals(indicator)}:
                mixed.append(f"{caption}: {indicator} shown with {sorted(seen)} places")
    assert mixed == []


@pytest.mark.build
@pytest.mark.parametrize("report", REPORTS)
def test_every_figure_in_figures_csv_has_its_measures_places(
    reports: dict[str, Path], report: str
) -> None:
    # Tables, chart data tables, bar labels and sentences alike.
    wrong = [
        (r["section"], r["indicator"], r["area_name"], r["period"], r["shown"])
        for r in _figures(reports[report])
        if NUMBER.match(r["shown"]) and places(r["shown"]) != indicators.decimals(r["indicator"])
    ]
    assert wrong == []


@pytest.mark.build
@pytest.mark.parametrize("report", REPORTS)
def test_changes_csv_writes_each_figure_with_its_measures_places(
    reports: dict[str, Path], report: str
) -> None:
    with (reports[report] / "changes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    shown = {
        (r["indicator"], r["area_code"], r["period"]): r["shown"]
        for r in _figures(reports[report])
        if NUMBER.match(r["shown"]) and not r["derivation"].startswith("change")
    }
    compared = 0
    for row in rows:
        dps = indicators.decimals(row["indicator"])
        # No float noise (30.30000000000001) and no thousands separators: the places the
        # report shows, trailing zeros kept.
        written = re.compile(rf"-?\d+\.\d{{{dps}}}" if dps else r"-?\d+")
        for column in changes.FIGURE_COLUMNS:
            cell = row[column]
            assert cell == "" or written.fullmatch(cell), (row["indicator"], column, cell)
        # The figure as the report shows it, where the report shows it.
        key = (row["indicator"], row["area_code"], row["this_year"])
        if row["this_value"] and key in shown:
            assert shown[key].replace(",", "").lstrip("£").rstrip("%") == row["this_value"]
            compared += 1
    assert compared > 5
