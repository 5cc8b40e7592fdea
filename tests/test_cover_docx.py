"""The Word cover report's tables: widths from their words, rows kept whole, one family of type.

The layout is worked out in ``report.cover_docx``; LibreOffice (when installed) shows that it
holds when the file is opened: no word broken across lines, the header row repeated on a
continued table and never left alone at the foot of a page.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from safeguarding_report.report import cover, cover_docx, tables
from safeguarding_report.report.text import Text

WIDE_HEADER = [
    "Measure",
    "Period",
    "Kent",
    "South East",
    "England",
    "Statistical neighbours (mean)",
    "Which is better",
    "Rank (1 = best)",
    "Quartile band",
]
PORTRAIT = cover_docx.A4[0] - 2 * cover_docx.MARGIN
LANDSCAPE = cover_docx.A4[1] - 2 * cover_docx.MARGIN

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (make test installs libreoffice-writer-nogui)",
)


def _wide_rows(count: int) -> list[list[str]]:
    """Rows of the wider picture's shape: a long measure, then short figures and words."""
    label = "Emergency hospital admissions for injuries, children aged 0 to 14, rate per 10,000"
    return [[f"{label} ({r})", "2022", "79.7", "82.2", "84.3", "81.8", "Lower is better",
             "64 of 151", "B"] for r in range(count)]  # fmt: skip


def _document(*blocks: cover.Block) -> cover.CoverDocument:
    return cover.CoverDocument(
        title="Safeguarding partnership yearly report",
        header=[("From", ["A Person, Cabinet Member", "B Person, Director"]), ("To", ["Them"])],
        summary="This paper introduces the report.",
        recommendation="The committee is asked to NOTE the report.",
        sections=[cover.Section("The yearly report", list(blocks))],
        notice="",
        author="A partnership",
        date=dt.date(2022, 12, 15),
    )


def _paragraph(words: str) -> cover.Paragraph:
    return cover.Paragraph(Text(words, plain=words), numbered=False)


def _longest_word(rows: list[list[str]], column: int, size: float) -> int:
    return max(
        cover_docx.text_width(word, size, bold=r == 0)
        for r, row in enumerate(rows)
        for word in row[column].split()
    )


def test_each_column_holds_its_longest_word_and_the_table_fills_the_page() -> None:
    rows = [WIDE_HEADER, *_wide_rows(4)]
    how = cover_docx.layout(rows)
    assert not how.landscape
    assert how.size == 9  # nine columns: the smaller type
    assert sum(how.widths) == PORTRAIT
    for j, width in enumerate(how.widths):
        assert width >= _longest_word(rows, j, how.size) + 2 * cover_docx.CELL_MARGIN, j
    # The long measures get the room the short columns do not need.
    assert how.widths[0] == max(how.widths)
    # Equal columns, as LibreOffice sets a table without widths, would break "neighbours".
    equal = PORTRAIT // len(WIDE_HEADER) - 2 * cover_docx.CELL_MARGIN
    assert _longest_word(rows, 5, how.size) > equal


def test_a_narrow_table_keeps_the_larger_type_and_each_line_whole() -> None:
    rows = [["Area", "2022"], ["Kent", "53"], ["Statistical neighbours (mean)", "65.2"]]
    how = cover_docx.layout(rows)
    assert (how.size, how.landscape, sum(how.widths)) == (10, False, PORTRAIT)
    widest = cover_docx.text_width("Statistical neighbours (mean)", 10)
    assert how.widths[0] > widest + 2 * cover_docx.CELL_MARGIN


def test_a_table_whose_words_do_not_fit_across_the_page_is_set_across_a_turned_one(
    tmp_path: Path,
) -> None:
    header = ["Area", *(f"Leicestershire{n}" for n in range(8))]
    rows = [header, ["Rate", *("12.5" for _ in range(8))]]
    how = cover_docx.layout(rows)
    assert how.landscape and sum(how.widths) == LANDSCAPE
    table = tables.Table("Each authority side by side", header, rows[1:], source="Made up")
    path = cover_docx.write(
        _document(_paragraph("Before."), cover.Grid(table), _paragraph("After.")),
        tmp_path / "wide.docx",
    )
    document = docx.Document(str(path))
    turned = [s.orientation == WD_ORIENT.LANDSCAPE for s in document.sections]
    assert turned == [False, True, False]
    assert all(s.page_width > s.page_height for s in document.sections if s.orientation)
    # The caption, the table and its source are in the turned section; the text around
    # them is not.
    body = list(document.element.body)
    ends = [i for i, e in enumerate(body) if e.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    grids = [i for i, e in enumerate(body) if e.tag == qn("w:tbl")]
    assert len(ends) == 2 and ends[0] < grids[-1] < ends[1]
    words = ["".join(t.text or "" for t in e.iter(qn("w:t"))) for e in body]
    assert "Each authority side by side" in words[ends[0] + 1 : grids[-1]]
    assert "Before." in words[: ends[0] + 1] and "After." in words[ends[1] + 1 :]


def _xml(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read(name)


def test_the_same_document_gives_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tables.Table("Wider picture", WIDE_HEADER, _wide_rows(3), source="Made up")
    document = _document(_paragraph("Before."), cover.Grid(table))
    first = cover_docx.write(document, tmp_path / "first.docx")
    # Written at another moment: the file is the same, byte for byte (its parts are dated by
    # the report's date, not by the clock).
    later = time.time() + 3 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(later))
    second = cover_docx.write(document, tmp_path / "second.docx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(second) as package:
        assert {part.date_time[:3] for part in package.infolist()} == {
            document.date.timetuple()[:3]
        }


def _convert(files: list[Path], folder: Path) -> list[str]:
    """Each Word file opened by LibreOffice and printed to PDF, as the text of its pages."""
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(folder / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, files)],
        capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    return [
        subprocess.run(
            ["pdftotext", "-layout", str(folder / f"{f.stem}.pdf"), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
        for f in files
    ]  # fmt: skip


@needs_libreoffice
def test_libreoffice_repeats_the_header_and_never_strands_it_or_splits_a_row(
    tmp_path: Path,
) -> None:
    """A long table started at each height of a page in turn (text of one more line before
    it each time): wherever a page ends, the caption and header row go on with a row, no row
    is split, and each page the table continues on starts with the header row."""
    rows = [[f"Start{r:02d} " + "words to wrap " * 4 + f"Stop{r:02d}", *_wide_rows(1)[0][1:]]
            for r in range(30)]  # fmt: skip
    table = tables.Table("A long table", WIDE_HEADER, rows, source="Made up")
    files = []
    for lines in range(10, 25):
        before = [_paragraph(f"Line {n} of the text before the table.") for n in range(lines)]
        document = _document(*before, cover.Grid(table))
        files.append(cover_docx.write(document, tmp_path / f"t{lines}.docx"))
    starts = set()
    for path, text in zip(files, _convert(files, tmp_path), strict=True):
        pages = [[line for line in page.splitlines() if line.strip()] for page in text.split("\f")]
        pages = [page for page in pages if page]
        where = {word: n for n, page in enumerate(pages) for line in page for word in line.split()}
        for r in range(len(rows)):
            assert where[f"Start{r:02d}"] == where[f"Stop{r:02d}"], f"{path.name}: row {r} split"
        first = where["Start00"]
        starts.add(first)
        for n, page in enumerate(pages):
            heads = [i for i, line in enumerate(page) if line.split()[:2] == ["Measure", "Period"]]
            body = [i for i, line in enumerate(page) if re.search(r"\bStart\d\d\b", line)]
            assert page[-1].strip() != "A long table", f"{path.name}: caption alone on page {n + 1}"
            if n > first and body:
                assert heads and heads[0] < body[0], f"{path.name}: no header on page {n + 1}"
            for head in heads:
                assert any(i > head for i in body), f"{path.name}: header alone on page {n + 1}"
    assert len(starts) > 1, "the table never crossed a page's foot: the test proves nothing"
