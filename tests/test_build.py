"""End to end: the default report builds from the real data; failures never lose the last one."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from safeguarding_report.build import Project, build
from safeguarding_report.errors import ParamsError, SectionFailed

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project (notebooks, params, data) with its own outputs folder."""
    base = tmp_path_factory.mktemp("project")
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, base / name)
    (base / "data").symlink_to(ROOT / "data", target_is_directory=True)
    return Project(base)


@pytest.fixture(scope="module")
def built(project: Project) -> Path:
    return build(project.root / "params/kent-2022.yaml", project, progress=False)


@pytest.mark.build
def test_default_report_has_html_pdf_figures_and_manifest(built: Path) -> None:
    assert built.name == "kent-2022"
    for name in ("report.html", "report.pdf", "figures.csv", "manifest.json"):
        assert (built / name).stat().st_size > 0, name
    assert (built / "report.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.build
def test_pdf_is_a4_with_numbered_pages_and_the_sections(built: Path) -> None:
    info = subprocess.run(
        ["pdfinfo", str(built / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "(A4)" in info
    text = subprocess.run(
        ["pdftotext", "-layout", str(built / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 6
    assert f"Page 2 of {pages}" in text and f"Page {pages} of {pages}" in text
    for heading in ("1. Local context", "2. Performance data", "Appendix A: Sources and notes"):
        assert heading in text


@pytest.mark.build
def test_html_has_title_contents_sections_figures_and_no_code(built: Path) -> None:
    html = (built / "report.html").read_text(encoding="utf-8")
    assert "Kent Safeguarding Children Multi-agency Partnership" in html
    assert "1 October 2021 to 30 September 2022" in html
    assert '<a href="#section-1">1. Local context</a>' in html
    assert '<h2 id="section-1">1. Local context</h2>' in html
    assert '<h2 id="section-2">2. Performance data</h2>' in html
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) >= 10, "three comparison charts and seven trend charts"
    for image in images:
        assert 'src="data:image/png;base64,' in image and 'alt="' in image
    for code in ("import safeguarding_report", "section.trend_chart", "ctx = load("):
        assert code not in html
    assert "Traceback" not in html


@pytest.mark.build
def test_figures_csv_rows_are_the_numbers_shown(built: Path) -> None:
    with (built / "figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    kent_cla = [
        r for r in rows if r["indicator"] == "cla_at_31_march" and r["area_code"] == "E10000016"
    ]
    assert kent_cla and all(r["period"] == "2022" for r in kent_cla)
    assert {(r["value"], r["shown"]) for r in kent_cla} == {("1777", "1,777")}
    html = (built / "report.html").read_text(encoding="utf-8")
    for row in rows:
        assert row["shown"] in html, f"{row['shown']} is in figures.csv but not in the report"
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert len(cells) > 100
    shown = {row["shown"] for row in rows}
    assert set(cells) <= shown, f"table cells missing from figures.csv: {set(cells) - shown}"


@pytest.mark.build
def test_manifest_records_params_checksums_versions_and_timings(built: Path) -> None:
    facts = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert facts["parameters"]["local_authority"] == "E10000016"
    assert set(facts["sections"]) == {"01_local_context", "02_performance"}
    assert all(s["seconds"] > 0 for s in facts["sections"].values())
    assert any(path.endswith("b1_children_in_need_2013_to_2024.csv") for path in facts["inputs"])
    assert all(len(digest) == 64 for digest in facts["inputs"].values())
    assert facts["packages"]["papermill"][0].isdigit()
    assert "commit" in facts["git"]


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
        build(bad, project, progress=False)


@pytest.mark.build
def test_failing_section_is_named_and_previous_report_kept(built: Path, project: Project) -> None:
    before = (built / "report.html").read_bytes()
    broken = project.root / "notebooks/03_broken.ipynb"
    nb = nbformat.read(project.root / "notebooks/02_performance.ipynb", as_version=4)
    nb.cells[-1].source = 'section.trend_chart(ctx, "no_such_indicator")'
    nbformat.write(nb, broken)
    try:
        with pytest.raises(SectionFailed) as failure:
            build(project.root / "params/kent-2022.yaml", project, progress=False, make_pdf=False)
    finally:
        broken.unlink()
    message = str(failure.value)
    assert "03_broken" in message and "02_performance" not in message.split("\n", 1)[1]
    assert "no_such_indicator" in message
    kept = project.outputs / "kent-2022.failed/sections/03_broken.ipynb"
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
def test_every_published_figure_in_figures_csv_is_in_its_raw_row(built: Path) -> None:
    with (built / "figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cache: dict[str, list[dict[str, str]]] = {}
    checked = 0
    for row in rows:
        source = ROOT / row["source_file"]
        assert source.is_file(), row
        if row["derivation"]:
            _check_derivation(row)
            continue
        raw_rows = cache.setdefault(row["source_file"], _raw(source))
        column = row["source_column"].strip().lower()
        year = next((p for p in Path(row["source_file"]).parts if p.isdigit()), "")
        cells = [
            r[column]
            for r in raw_rows
            if column in r and _is_row_for(r, row["area_code"], row["period"], year)
        ]
        assert cells, f"no raw row for {row}"
        if row["value"]:
            assert float(row["value"]) in {float(c) for c in cells if _number(c)}, (row, cells)
        else:
            assert any(not _number(c) for c in cells), (row, cells)
        checked += 1
    assert checked > 50


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


CITED = re.compile(r"(data/published/[^,()]+\.csv), line (\d+)")


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
