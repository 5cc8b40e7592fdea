"""The PDF report: finding Chromium, its failures, and an A4 print with page numbers."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import nbformat
import pikepdf
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from safeguarding_report.core.errors import ExportError, ToolMissing
from safeguarding_report.pipeline import export, pdf
from safeguarding_report.report import fragments

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
    "AAAABJRU5ErkJggg=="
)
SECTIONS = ("Local context", "Performance", "Learning from reviews")
DAY = dt.date(2022, 12, 15)  # the publication date, which the build passes
TITLE = "Kent Safeguarding Children Partnership: yearly report"


def fake_chromium(folder: Path, script: str) -> Path:
    """An executable shell script standing in for Chromium."""
    path = folder / "fake-chromium"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def html(tmp_path: Path) -> Path:
    """A tiny HTML file to print."""
    path = tmp_path / "report.html"
    path.write_text("<!DOCTYPE html><title>t</title><p>Hello</p>", encoding="utf-8")
    return path


# --- finding Chromium -------------------------------------------------------------------


def test_environment_variable_names_the_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = fake_chromium(tmp_path, "exit 0\n")
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(exe))
    assert pdf.find_chromium() == str(exe)


def test_environment_variable_that_is_not_a_program_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    with pytest.raises(ToolMissing, match=pdf.CHROMIUM_ENV):
        pdf.find_chromium()


@pytest.mark.parametrize("name", pdf.CHROMIUM_NAMES)
def test_finds_chromium_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    exe = fake_chromium(tmp_path, "exit 0\n").rename(tmp_path / name)
    monkeypatch.delenv(pdf.CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.find_chromium() == str(exe)


def test_no_chromium_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(pdf.CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing) as caught:
        pdf.find_chromium()
    message = str(caught.value)
    assert "sudo apt-get install chromium" in message
    assert pdf.CHROMIUM_ENV in message


# --- Chromium failing -------------------------------------------------------------------


def test_chromium_failure_reports_its_stderr(
    html: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = fake_chromium(tmp_path, "echo 'first line' >&2\necho 'Aw, Snap! renderer crashed' >&2\n")
    (tmp_path / "fake-chromium").write_text(exe.read_text() + "exit 3\n", encoding="utf-8")
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(exe))
    target = tmp_path / "report.pdf"
    with pytest.raises(ExportError, match=r"(?s)status 3.*Aw, Snap! renderer crashed"):
        pdf.print_pdf(html, target, date=DAY)
    assert not target.exists()


def test_no_pdf_written_is_an_error(
    html: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(fake_chromium(tmp_path, "exit 0\n")))
    with pytest.raises(ExportError, match="did not write a PDF"):
        pdf.print_pdf(html, tmp_path / "report.pdf", date=DAY)


def test_half_written_pdf_never_reaches_the_target(
    html: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Writes part of a PDF to the path it was given, then dies.
    script = (
        'for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; done\n'
        'printf "%%PDF-1.4 half" > "$out"\nexit 1\n'
    )
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(fake_chromium(tmp_path, script)))
    target = tmp_path / "out" / "report.pdf"
    with pytest.raises(ExportError):
        pdf.print_pdf(html, target, date=DAY)
    assert list(target.parent.iterdir()) == []


def test_timeout_names_the_file(
    html: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(fake_chromium(tmp_path, "sleep 30\n")))
    with pytest.raises(ExportError, match=r"report\.html.*within 0\.5 s"):
        pdf.print_pdf(html, tmp_path / "report.pdf", timeout=0.5, date=DAY)


def test_missing_html_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(fake_chromium(tmp_path, "exit 0\n")))
    with pytest.raises(ExportError, match="no HTML report"):
        pdf.print_pdf(tmp_path / "missing.html", tmp_path / "report.pdf", date=DAY)


# --- page numbers in the contents ------------------------------------------------------


def counting_chromium(folder: Path) -> tuple[Path, Path]:
    """A stand-in for Chromium that prints a one-page PDF and notes each page it was given."""
    blank = folder / "blank.pdf"
    with pikepdf.new() as document:
        document.add_blank_page()
        document.save(blank)
    calls = folder / "calls"
    script = (
        'for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; '
        f'file:*) echo "$a" >> "{calls}";; esac; done\ncp "{blank}" "$out"\n'
    )
    return fake_chromium(folder, script), calls


@pytest.mark.parametrize(("contents", "prints"), [(False, 1), (True, 2)])
def test_a_page_with_contents_is_printed_twice_and_any_other_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, contents: bool, prints: int
) -> None:
    exe, calls = counting_chromium(tmp_path)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(exe))
    html = tmp_path / "report.html"
    entries = [("section-1", "1. Local context")]
    body = fragments.render("stitch", "contents", entries) if contents else "<p>Hello</p>"
    html.write_text(f"<!DOCTYPE html><title>t</title>{body}", encoding="utf-8")
    pdf.print_pdf(html, tmp_path / "report.pdf", date=DAY)
    printed = calls.read_text(encoding="utf-8").split()
    assert len(printed) == prints
    assert printed[0] == html.as_uri()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "blank.pdf",
        "calls",
        "fake-chromium",
        "report.html",
        "report.pdf",
    ]


def test_page_numbers_are_written_into_their_slots_only() -> None:
    page = fragments.render("stitch", "contents", [("section-1", "1. A"), ("appendix-a", "B")])
    numbered = pdf._with_page_numbers(page, {"section-1": 3})
    assert '<a href="#section-1">1. A</a> <span class="contents-page" ' in numbered
    assert re.findall(r'data-page-of="([^"]+)">([^<]*)<', numbered) == [
        ("section-1", "3"),
        ("appendix-a", ""),
    ]


def test_page_numbers_that_keep_moving_stop_the_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = tmp_path / "report.html"
    html.write_text(fragments.render("stitch", "contents", [("s", "1. A")]), encoding="utf-8")
    moving = iter(range(3, 10))
    monkeypatch.setattr(pdf, "_target_pages", lambda path, targets: {"s": next(moving)})
    printed: list[Path] = []
    with pytest.raises(ExportError, match="kept moving"):
        pdf._number_pages(html, tmp_path / "n.html", tmp_path / "p.pdf", printed.append)
    assert len(printed) == pdf._NUMBERED_PRINTS


# --- printing with the real Chromium ----------------------------------------------------


def _real_chromium() -> str | None:
    try:
        return pdf.find_chromium()
    except ToolMissing:
        return None


needs_chromium = pytest.mark.skipif(
    _real_chromium() is None,
    reason="Chromium is not installed (sudo apt-get install chromium, or make chromium)",
)


def three_sections() -> nbformat.NotebookNode:
    """A stitched report with a title page, contents and three short sections."""
    cells = [
        new_markdown_cell(
            '<div class="title-page">\n<p class="title-kicker">Yearly report</p>\n'
            "<h1>Kent Safeguarding Children Partnership</h1>\n</div>"
        ),
        new_markdown_cell(
            fragments.render(
                "stitch",
                "contents",
                [(f"section-{n}", f"{n}. {title}") for n, title in enumerate(SECTIONS, 1)],
            )
        ),
    ]
    for n, title in enumerate(SECTIONS, 1):
        # The second section runs over two pages, so the third is on page 6.
        narrative = "\n\n".join(["Narrative. " * 60] * (8 if n == 2 else 1))
        cells.append(new_markdown_cell(f'<h2 id="section-{n}">{n}. {title}</h2>\n\n{narrative}'))
        table = new_code_cell("show(table)")
        table.outputs = [
            new_output(
                "display_data",
                data={
                    "text/html": f'<table><caption>Table {n}</caption><tr><th scope="row">Kent'
                    '</th><td class="num">1,234</td></tr></table>'
                },
            )
        ]
        figure = new_code_cell("show(chart)")
        figure.outputs = [new_output("display_data", data={"image/png": PNG})]
        cells += [table, figure]
    nb = new_notebook(cells=cells)
    nb.metadata["title"] = TITLE
    return nb


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-section report printed to PDF by the real Chromium (once for this module)."""
    folder = tmp_path_factory.mktemp("pdf")
    html = export.to_html(three_sections(), folder / "report.html")
    return pdf.print_pdf(html, folder / "report.pdf", timeout=60, date=DAY)


def page_text(pdf_path: Path, page: int) -> str:
    """Text of one page, by poppler's pdftotext, with runs of whitespace made one space."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (sudo apt-get install poppler-utils)")
    result = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return " ".join(result.stdout.split())


@needs_chromium
def test_pdf_is_written_complete(printed: Path) -> None:
    data = printed.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert [p.name for p in printed.parent.iterdir() if p.suffix != ".html"] == ["report.pdf"]


@needs_chromium
def test_pages_are_a4(printed: Path) -> None:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", printed.read_bytes())
    assert boxes, "no page sizes found in the PDF"
    for width, height in boxes:
        assert round(float(width)) == 595
        assert round(float(height)) == 842


# Title page, contents, then the sections: the second runs over two pages.
SECTION_PAGES = (3, 4, 6)


@needs_chromium
def test_title_page_contents_and_a_new_page_for_each_section(printed: Path) -> None:
    pages = len(re.findall(rb"/Type\s*/Page\b", printed.read_bytes()))
    assert pages == SECTION_PAGES[-1]
    assert "Kent Safeguarding Children Partnership" in page_text(printed, 1)
    assert "Contents" in page_text(printed, 2)
    for n, (title, page) in enumerate(zip(SECTIONS, SECTION_PAGES, strict=True), 1):
        assert page_text(printed, page).startswith(f"{n}. {title}")


@needs_chromium
def test_the_contents_give_each_section_its_page(printed: Path) -> None:
    contents = page_text(printed, 2)
    for n, (title, page) in enumerate(zip(SECTIONS, SECTION_PAGES, strict=True), 1):
        assert f"{n}. {title} {page}" in contents
    # The web page has no pages: its contents keep their links and empty slots.
    html = printed.with_suffix(".html").read_text(encoding="utf-8")
    assert '<a href="#section-3">3. Learning from reviews</a> <span class="contents-page" ' in html
    assert re.findall(r'data-page-of="[^"]+">([^<]*)<', html) == ["", "", ""]
    # ... and the copy with the numbers in is gone.
    assert sorted(p.name for p in printed.parent.iterdir()) == ["report.html", "report.pdf"]


@needs_chromium
def test_page_numbers_in_the_footer_except_on_the_title_page(printed: Path) -> None:
    total = SECTION_PAGES[-1]
    assert "Page 2 of" in page_text(printed, 2)
    assert f"Page {total} of {total}" in page_text(printed, total)
    assert "Page 1 of" not in page_text(printed, 1)


@needs_chromium
def test_same_html_gives_identical_pdf_bytes(printed: Path, tmp_path: Path) -> None:
    again = pdf.print_pdf(printed.with_suffix(".html"), tmp_path / "again.pdf", date=DAY)
    assert again.read_bytes() == printed.read_bytes()


@needs_chromium
def test_pdf_dates_and_id_come_from_the_publication_date_and_content(printed: Path) -> None:
    with pikepdf.open(printed) as document:
        assert str(document.docinfo["/CreationDate"]) == "D:20221215000000Z"
        assert str(document.docinfo["/ModDate"]) == "D:20221215000000Z"
        first, second = document.trailer.ID
        assert bytes(first) == bytes(second) and len(bytes(first)) == 16


@needs_chromium
def test_pdf_is_tagged_with_title_language_and_bookmarks(printed: Path) -> None:
    with pikepdf.open(printed) as document:
        assert str(document.docinfo["/Title"]) == TITLE
        assert str(document.Root.Lang) == "en-GB"
        assert bool(document.Root.ViewerPreferences.DisplayDocTitle) is True
        assert bool(document.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in document.Root
        with document.open_outline() as outline:
            titles = [item.title for item in outline.root]
            titles += [child.title for item in outline.root for child in item.children]
    assert "Kent Safeguarding Children Partnership" in titles
    for n, section in enumerate(SECTIONS, 1):
        assert f"{n}. {section}" in titles


@needs_chromium
def test_pdf_has_ordinary_permissions_under_the_umask(printed: Path, tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        written = pdf.print_pdf(printed.with_suffix(".html"), tmp_path / "r.pdf", date=DAY)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(written.stat().st_mode) == 0o640
