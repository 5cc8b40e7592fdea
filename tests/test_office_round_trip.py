"""Kent 2021-22 from a workbook and a Word foreword saved by a real office suite (LibreOffice).

One project is built twice: from the shipped CSV and Markdown files, then with its records in
records.xlsx (made by ``workbook``, one value turned into a formula, opened and saved by
LibreOffice, the CSV files removed) and its foreword as a .docx saved by LibreOffice from the
Markdown's HTML. The second build's figures must be the first's, citing the workbook's sheets
and rows, and its foreword the same paragraphs. Two LibreOffice calls in all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from safeguarding_report import cli
from safeguarding_report.local import LocalRecords, render_markdown
from safeguarding_report.local.catalogue import CSV_TEMPLATES
from safeguarding_report.local.models import PriorityHeader
from safeguarding_report.local.word import read_docx_narrative

ROOT = Path(__file__).resolve().parents[1]
KENT = "kent-2022"
LOCAL = f"data/local/{KENT}"
# A narrative with everything a Word contribution may hold.
FEATURES = """\
## What we did

We trained **412 practitioners** and *every* school's lead, with the
[guidance](https://www.gov.uk/government/publications/working-together-to-safeguard-children--2).

- a first point
- a second point

| Agency | Attended |
|---|---|
| Police | 40 |
| Health | 52 |
"""


def soffice(profile: Path, outdir: Path, convert_to: str, *files: Path, infilter: str = "") -> None:
    """Open and save ``files`` with LibreOffice, in a profile of this test's own."""
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    command += [f"--infilter={infilter}"] if infilter else []
    command += ["--convert-to", convert_to, "--outdir", str(outdir), *map(str, files)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


def build(project: Path) -> tuple[pd.DataFrame, str]:
    params = str(project / f"params/{KENT}.yaml")
    assert (
        cli.main(["build", "--params", params, "--no-pdf", "--quiet", "--root", str(project)]) == 0
    )
    out = project / "outputs" / KENT
    figures = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False)
    return figures, (out / "report.html").read_text(encoding="utf-8")


def paragraphs(html: str) -> list[str]:
    found = re.findall(r"<p>(.*?)</p>", html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", p)).strip() for p in found]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("office")
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, base / name)
    (base / "data/local").mkdir(parents=True)
    (base / "data/published").symlink_to(ROOT / "data/published", target_is_directory=True)
    shutil.copytree(ROOT / LOCAL, base / LOCAL)
    return base


@pytest.fixture(scope="module")
def from_csv(project: Path) -> tuple[pd.DataFrame, str]:
    return build(project)


@pytest.fixture(scope="module")
def office(
    project: Path, from_csv: tuple[pd.DataFrame, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[pd.DataFrame, str]:
    """The second build: records in a LibreOffice-saved workbook, foreword in its .docx."""
    work = tmp_path_factory.mktemp("libreoffice")
    profile, saved = work / "profile", work / "saved"
    folder = project / LOCAL
    assert cli.main(["workbook", str(project / f"params/{KENT}.yaml"), "--root", str(project)]) == 0
    book = load_workbook(folder / "records.xlsx")
    count = book["lado"]["B2"].value
    book["lado"]["B2"] = f"={count - 1}+1"  # a formula: LibreOffice saves its value
    book.save(work / "records.xlsx")
    soffice(profile, saved, "xlsx", work / "records.xlsx")
    shutil.copyfile(saved / "records.xlsx", folder / "records.xlsx")
    for template in CSV_TEMPLATES.values():
        (folder / template.file).unlink(missing_ok=True)

    foreword = LocalRecords.load(project / "data", KENT).text("foreword")
    assert foreword is not None
    signed = "".join(
        f"<tr><td>signed_by</td><td>{s.name}</td><td>{s.role}</td></tr>"
        for s in foreword.meta.signed_by  # type: ignore[attr-defined]
    )
    table = f"<table><tr><td>draft</td><td>false</td><td></td></tr>{signed}</table>"
    (work / "foreword.html").write_text(f"<html><body>{table}{foreword.html}</body></html>")
    (work / "features.html").write_text(
        "<html><body><table><tr><td>priority</td><td>P1</td></tr></table>"
        f"{render_markdown(FEATURES)}</body></html>"
    )
    soffice(
        profile,
        saved,
        "docx:MS Word 2007 XML",
        work / "foreword.html",
        work / "features.html",
        infilter="HTML (StarWriter)",
    )
    shutil.copyfile(saved / "foreword.docx", folder / "foreword.docx")
    (folder / "foreword.md").unlink()
    return build(project)


def _local(figures: pd.DataFrame) -> pd.DataFrame:
    return figures[figures["source_file"].str.startswith(LOCAL)].reset_index(drop=True)


def test_the_workbook_build_has_the_csv_builds_figures_citing_sheet_and_row(
    from_csv: tuple[pd.DataFrame, str], office: tuple[pd.DataFrame, str]
) -> None:
    before, after = _local(from_csv[0]), _local(office[0])
    assert len(before) > 100 and len(after) == len(before)
    assert after.drop(columns="source_file").equals(before.drop(columns="source_file"))
    for was, now in zip(before["source_file"], after["source_file"], strict=True):
        template = Path(was).stem
        assert now == f"{LOCAL}/records.xlsx, sheet '{template}'"
    lado = after[after["source_file"].str.endswith("sheet 'lado'")]
    assert not lado.empty and set(lado["source_line"]) <= {str(n) for n in range(2, 10)}
    # Everything else in the report's figures is untouched.
    rest = lambda f: f[~f["source_file"].str.startswith(LOCAL)].reset_index(drop=True)  # noqa: E731
    assert rest(office[0]).equals(rest(from_csv[0]))


def test_the_word_foreword_builds_the_same_paragraphs_as_its_markdown(
    from_csv: tuple[pd.DataFrame, str], office: tuple[pd.DataFrame, str]
) -> None:
    markdown = (ROOT / LOCAL / "foreword.md").read_text(encoding="utf-8").split("---", 2)[2]
    wanted = paragraphs(render_markdown(markdown))
    assert len(wanted) >= 4
    in_report = paragraphs(office[1])
    start = in_report.index(wanted[0])
    assert in_report[start : start + len(wanted)] == wanted
    assert paragraphs(office[1]).count(wanted[-1]) == paragraphs(from_csv[1]).count(wanted[-1])
    assert "Sam Patel" in office[1]  # the signatories, from the table at the top


def test_a_word_contribution_keeps_headings_emphasis_links_lists_and_tables(
    office: tuple[pd.DataFrame, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    saved = next(tmp_path_factory.getbasetemp().glob("libreoffice*/saved/features.docx"))
    narrative = read_docx_narrative(saved, "features.docx", PriorityHeader)
    assert narrative.meta.priority == "P1" and not narrative.draft
    html = narrative.html
    assert "<h2>What we did</h2>" in html
    assert "<strong>412 practitioners</strong>" in html and "<em>every</em>" in html
    assert '<a href="https://www.gov.uk/government/publications/working-together-to-' in html
    assert re.search(r"<ul>\s*<li>a first point</li>\s*<li>a second point</li>\s*</ul>", html)
    cells = re.findall(r"<t[hd]>(.*?)</t[hd]>", html)
    assert cells == ["Agency", "Attended", "Police", "40", "Health", "52"]
