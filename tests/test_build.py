"""End to end: the default report builds from the real data; failures never lose the last one."""

from __future__ import annotations

import csv
import functools
import json
import re
import subprocess
import sys
from html import escape
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from safeguarding_report.core.errors import ParamsError, SectionFailed
from safeguarding_report.data.schema import NO_FIGURE
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.report.tables import WITHHELD

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(default_project: Project) -> Project:
    """The copy of the project the default report is built in (shared with other tests)."""
    return default_project


@pytest.fixture
def built(default_report: Path) -> Path:
    return default_report


@pytest.mark.build
def test_default_report_has_html_pdf_figures_and_manifest(built: Path) -> None:
    assert built.name == "kent-2022"
    for name in ("report.html", "report.pdf", "figures.csv", "manifest.json"):
        assert (built / name).stat().st_size > 0, name
    assert (built / "report.pdf").read_bytes().startswith(b"%PDF")


SECTIONS = (
    "1. Foreword and summary",
    "2. Local context",
    "3. Arrangements and governance",
    "4. Our priorities and the progress made",
    "5. Performance data",
    "6. Learning from reviews",
    "7. Training and its impact",
    "8. Quality assurance",
    "9. Voice of children and families",
    "10. Independent scrutiny",
    "11. Next year's priorities",
    "Appendix A: Statutory checklist",
    "Appendix B: Sources and notes",
    "Appendix C: Glossary",
    "Appendix D: Accessibility statement",
)


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.build
def test_pdf_is_a4_with_numbered_pages_and_every_section(built: Path) -> None:
    info = subprocess.run(
        ["pdfinfo", str(built / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "(A4)" in info
    text = _pdf_text(built / "report.pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 20
    assert f"Page 2 of {pages}" in text and f"Page {pages} of {pages}" in text
    flat = " ".join(text.split())
    for heading in SECTIONS:
        assert heading in flat, heading
    assert "Illustrative example" in flat


@pytest.mark.build
def test_html_has_title_contents_every_section_figures_and_no_code(built: Path) -> None:
    html = (built / "report.html").read_text(encoding="utf-8")
    assert "Kent Safeguarding Children Multi-agency Partnership" in html
    assert "1 October 2021 to 30 September 2022" in html
    for n, heading in enumerate(SECTIONS[:11], start=1):
        assert f'<a href="#section-{n}">{escape(heading)}</a>' in html, heading
        assert f'<h2 id="section-{n}">{escape(heading)}</h2>' in html, heading
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) >= 14, "comparison, trend and attendance charts"
    for image in images:
        assert 'src="data:image/png;base64,' in image and 'alt="' in image
    for code in ("import safeguarding_report", "section.trend_chart", "ctx = load("):
        assert code not in html
    assert "Traceback" not in html
    # Every section built from the partnership's records says the records are illustrative.
    assert html.count('class="banner banner-illustrative"') == 9


@pytest.mark.build
def test_checklist_maps_each_working_together_2018_element_to_sections(built: Path) -> None:
    html = (built / "report.html").read_text(encoding="utf-8")
    checklist = html.split('id="appendix-a"', 1)[1].split('id="appendix-b"', 1)[0]
    for words, section in (
        ("including training", "7. Training and its impact"),
        ("little or no evidence of progress", "4. Our priorities and the progress made"),
        ("national child safeguarding practice reviews", "6. Learning from reviews"),
        ("feedback from children and families", "9. Voice of children and families"),
    ):
        row = next(r for r in checklist.split("<tr>") if words in r)
        assert section in row.replace("&#x27;", "'"), (words, row)
    assert "Not met" not in checklist


@pytest.mark.build
def test_chart_csvs_are_written_and_linked(built: Path) -> None:
    html = (built / "report.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="(charts/[^"]+\.csv)"', html))
    assert len(links) >= 14
    for link in links:
        with (built / link).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and {"area_name", "period", "value", "shown"} <= set(rows[0]), link


@pytest.mark.build
def test_figures_csv_rows_are_the_numbers_shown(built: Path) -> None:
    with (built / "figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    kent_cla = [
        r for r in rows if r["indicator"] == "cla_at_31_march" and r["area_code"] == "E10000016"
    ]
    assert kent_cla and {r["period"] for r in kent_cla} >= {"2022"}
    assert {(r["value"], r["shown"]) for r in kent_cla if r["period"] == "2022"} == {
        ("1777", "1,777")
    }
    html = (built / "report.html").read_text(encoding="utf-8")
    for row in rows:
        shown = row["shown"].replace("'", "&#x27;")
        assert shown in html, f"{row['shown']} is in figures.csv but not in the report"
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert len(cells) > 200
    shown_all = {row["shown"] for row in rows}
    assert set(cells) <= shown_all, (
        f"table cells missing from figures.csv: {set(cells) - shown_all}"
    )
    sections = {row["section"] for row in rows}
    assert {"foreword", "local_context", "performance", "reviews", "training"} <= sections
    local = [r for r in rows if r["source_file"].startswith("data/local/kent-2022/")]
    assert len(local) > 50, "counts from the partnership's records are recorded too"


@pytest.mark.build
def test_manifest_records_params_checksums_versions_illustrative_inputs(built: Path) -> None:
    facts = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert facts["parameters"]["local_authority"] == "E10000016"
    assert facts["parameters"]["framework"] == "wt2018"
    assert len(facts["sections"]) == 11
    assert all(s["seconds"] > 0 for s in facts["sections"].values())
    assert any(path.endswith("b1_children_in_need_2013_to_2024.csv") for path in facts["inputs"])
    assert all(len(digest) == 64 for digest in facts["inputs"].values())
    assert facts["packages"]["papermill"][0].isdigit()
    assert "commit" in facts["git"]
    assert "data/local/kent-2022/reviews.csv" in facts["illustrative_inputs"]
    assert all(facts["checklist"].values())
    assert facts["narrative_numbers"] == []  # its narratives agree with its figures


@pytest.mark.build
def test_misspelt_key_fails_and_leaves_previous_report(built: Path, project: Project) -> None:
    before = (built / "report.html").read_bytes()
    bad = project.root / "params/misspelt.yaml"
    text = (project.root / "params/kent-2022.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("comparison_year:", "comparision_year:"), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "safeguarding_report",
            "build",
            "--params",
            str(bad),
            "--root",
            str(project.root),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "comparision_year" in result.stderr and "Traceback" not in result.stderr
    assert (built / "report.html").read_bytes() == before
    with pytest.raises(ParamsError):
        build(bad, project, BuildOptions(progress=False))


@pytest.mark.build
def test_failing_section_is_named_and_previous_report_kept(built: Path, project: Project) -> None:
    before = (built / "report.html").read_bytes()
    path = project.root / "notebooks/05_performance.ipynb"
    original = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = 'section.trend_chart(ctx, "no_such_indicator")'
    nbformat.write(nb, path)
    try:
        with pytest.raises(SectionFailed) as failure:
            build(
                project.root / "params/kent-2022.yaml",
                project,
                BuildOptions(make_pdf=False, progress=False),
            )
    finally:
        path.write_bytes(original)
    message = str(failure.value)
    assert "05_performance" in message and "02_local_context" not in message
    assert "no_such_indicator" in message
    kept = project.outputs / "kent-2022.failed/sections/05_performance.ipynb"
    assert str(kept) in message and kept.exists()
    assert (built / "report.html").read_bytes() == before
    assert not list(project.outputs.glob(".kent-2022.building-*")), "no staging folder left"


def _raw(path: Path) -> list[dict[str, str]]:
    """A published file's rows, headers folded to lower case, read with the csv module only."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader)]
        return [dict(zip(header, (cell.strip() for cell in row), strict=False)) for row in reader]


def _is_row_for(raw: dict[str, str], area_code: str, period: str, file_year: str) -> bool:
    if raw.get("time_period", file_year) != period:
        return False
    level = raw.get("geographic_level", raw.get("geog_l", "")).lower()
    if area_code == "E92000001":
        return level == "national"  # some files leave country_code empty on national rows
    if area_code.startswith("E12"):
        return level in {"regional", "region"} and area_code in (
            raw.get("region_code"),
            raw.get("new_geog_code"),
        )
    return area_code in (raw.get("new_la_code"), raw.get("new_geog_code"))


@pytest.mark.build
def test_every_figure_in_figures_csv_is_at_the_line_it_cites(built: Path) -> None:
    """A reviewer can open each source file at ``source_line`` and find the value there."""
    with (built / "figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    checked = 0
    for row in rows:
        if not row["source_file"]:
            # No file holds it: shown as a symbol, with the reason as its status.
            assert row["status"] in NO_FIGURE and not row["value"], row
            continue
        assert (ROOT / row["source_file"]).is_file(), row
        if row["derivation"].startswith(WITHHELD):
            # A small count (or what would reveal one): cited by file, never by its number.
            assert row["status"] in ("small", "secondary") and not row["value"], row
            continue
        if row["derivation"]:
            _check_derivation(row)
            continue
        if row["source_file"].endswith(".parquet"):
            _check_parquet_row(row)
            checked += 1
            continue
        header = [h.strip().lower() for h in _line(row["source_file"], 1)]
        cells = _line(row["source_file"], int(row["source_line"]))
        cell = cells[header.index(row["source_column"].strip().lower())]
        if row["source_area_code"]:
            assert row["source_area_code"] in cells, row
        if row["value"]:
            assert float(row["value"]) == float(cell), (row, cell)
        else:
            assert not _number(cell), (row, cell)
        checked += 1
    assert checked > 100


@functools.cache
def _parquet(path: str) -> pd.DataFrame:
    return pd.read_parquet(ROOT / path)


PARQUET_COLUMN = re.compile(r"^Values \[Short Desc (.+)\]$")


def _check_parquet_row(row: dict[str, str]) -> None:
    """A Benchmarking Data Set figure: the row it cites (from 0) holds its measure, Years
    label, area and value (docs/data.md, citation form)."""
    cited = _parquet(row["source_file"]).iloc[int(row["source_line"])]
    match = PARQUET_COLUMN.match(row["source_column"])
    assert match is not None and cited["Short Desc"] == match.group(1), row
    assert cited["Years"] == row["period"], row
    assert f"{cited['LA Number']:g}" == row["source_area_code"], row
    if row["value"]:
        assert float(row["value"]) == float(cited["Values"]), row
    elif row["status"] == "not comparable":
        # Published, but measuring something else than the area's figure: cited, not given.
        assert float(cited["Values"]) > 0, row
    else:
        assert cited["Values"] == "-", row


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


CITED = re.compile(r"(data/published/[^,()]+\.csv), line (\d+)")
LOCAL_LINES = re.compile(r"^(count of (\d+) rows|sum of (\w+) over (\d+) rows)$")


def _line(path: str, number: int) -> list[str]:
    """Physical line ``number`` of a published file (the header is line 1), as cells."""
    with (ROOT / path).open(encoding="utf-8-sig", newline="") as handle:
        for index, cells in enumerate(csv.reader(handle), start=1):
            if index == number:
                return [c.strip() for c in cells]
    raise AssertionError(f"{path} has no line {number}")


def _check_derivation(row: dict[str, str]) -> None:
    """A derived figure is recomputed from the raw lines its derivation cites."""
    derivation = row["derivation"]
    local = LOCAL_LINES.match(derivation)
    if local:
        lines = [int(n) for n in row["source_line"].split("; ") if n]
        if local.group(2) is not None:
            assert float(row["value"]) == len(lines) == int(local.group(2)), row
        else:
            header = [h.strip().lower() for h in _line(row["source_file"], 1)]
            column = header.index(local.group(3))
            total = sum(float(_line(row["source_file"], n)[column]) for n in lines)
            assert float(row["value"]) == pytest.approx(total), row
        return
    if derivation.startswith("change: "):
        this, last = (float(n) for n in re.findall(r"(?:change: |minus )(-?[\d.]+)", derivation))
        assert float(row["value"]) == pytest.approx(this - last), row
        return
    if derivation.startswith("share: "):
        # An agency's share of attendances or staff: its count over the cited lines, of a total.
        part, whole = (float(n) for n in re.findall(r"(?:share: | of )(-?[\d.]+)", derivation))
        header = [h.strip().lower() for h in _line(row["source_file"], 1)]
        column = header.index(row["source_column"])
        lines = [int(n) for n in row["source_line"].split("; ") if n]
        assert part == sum(float(_line(row["source_file"], n)[column]) for n in lines), row
        assert float(row["value"]) == pytest.approx(part / whole * 100), row
        return
    if derivation.startswith("difference: "):
        this, that = (
            float(n) for n in re.findall(r"(?:difference: |minus )(-?[\d.]+)", derivation)
        )
        assert float(row["value"]) == pytest.approx(this - that), row
        return
    if derivation.startswith("movement: "):
        # A priority's measure: its change as a percentage of its baseline, the way of progress.
        latest, baseline, base = (float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", derivation)[:3])
        sign = -1 if "lower is progress" in derivation else 1
        assert base == abs(baseline), row
        assert float(row["value"]) == pytest.approx((latest - baseline) / base * 100 * sign), row
        return
    cited = [(path, int(n)) for path, n in CITED.findall(derivation)]
    assert cited, f"derivation cites no file and line: {derivation}"
    if derivation.startswith("count per 10,000"):
        (pop_file, pop_line), (count_file, count_line), *_ = cited
        pop_cells, count_cells = _line(pop_file, pop_line), _line(count_file, count_line)
        assert row["area_code"] in pop_cells and row["area_code"] in count_cells, row
        population = float(pop_cells[-1])  # population_estimate is the last column
        count_header = [h.strip().lower() for h in _line(count_file, 1)]
        count = float(count_cells[count_header.index(row["source_column"].lower())])
        assert float(row["value"]) == pytest.approx(count / population * 10_000), row
    elif derivation.startswith("mean of the"):
        (groups_file, groups_line), *_ = cited
        neighbours = _line(groups_file, groups_line)[5::2][:10]  # SN1..SN10 codes
        named = re.findall(r"\b(\d{3}) [A-Z]", derivation.split("):", 1)[1])
        assert sorted(named) == sorted(neighbours), row
    else:
        raise AssertionError(f"unknown derivation: {derivation}")
