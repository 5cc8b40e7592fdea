"""The committee cover report as a Word document (python-docx).

Committee papers circulate as Word documents: ``write`` gives them real headings (Heading 1
and 2), numbered paragraphs (1. / 1.1 / a), as Word's own numbering), tables with header rows
and titles, pictures with alt text and each chart's figures as a table, and en-GB as the
language of the text: what Word's accessibility checker asks of a file.

Its tables are laid out here rather than left to the program that opens the file (Word and
LibreOffice size "auto" columns differently, LibreOffice as equal columns that break words):
each column is as wide as its longest word at least and its longest line at most, worked out
from the widths of Arial's letters (``layout``); no row splits across pages, the header row
repeats on a continued table and stays with the first row.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Cm, Pt, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from safeguarding_report.core import shorten
from safeguarding_report.report import tables
from safeguarding_report.report.cover import (
    Block,
    CoverDocument,
    Grid,
    Items,
    Paragraph,
    contact_lines,
)

NUMBERING_ID = 90  # ids of our own numbering definition, clear of the template's own

# cover.css sets system-ui, "Segoe UI", "Noto Sans", "Liberation Sans", Arial, sans-serif; a
# Word style names one family. Arial is the one of those that Word has on every system and that
# LibreOffice draws with Liberation Sans, made to Arial's letter widths: so the column widths
# worked out from those widths (``text_width``) hold wherever the file is opened.
FONT = "Arial"
TABLE_SIZES = (10, 9)  # a table's type in points; the smaller for a wide table (``layout``)
NOTE_SIZE = 9
TABLE_SPACE = Pt(9)  # between a table and the text after it (the HTML's 0.6rem margin)

# Lengths in twentieths of a point ("twips"), Word's unit for table widths.
A4 = (11906, 16838)  # width, height
MARGIN = 1134  # 2 cm, each side
CELL_MARGIN = 108  # left and right of a cell's text (the Table Grid style's)
CELL_PADDING = 30  # above and below it (the template's is none)
# Room for what the letter widths leave out, so that a word measured to fit does fit: a share
# for kerning and rounding, and the cell's borders.
SLACK = 1.05
BORDERS = 30

# Arial's advance widths (thousandths of an em) of the printable ASCII letters, space to "~";
# Liberation Sans has the same.
_ARIAL = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_ARIAL_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)  # fmt: skip
# Other letters the report's text uses; any letter not known counts as a full em.
_OTHER = {
    "\N{POUND SIGN}": 556,
    "\N{EURO SIGN}": 556,
    "\N{EN DASH}": 556,
    "\N{EM DASH}": 1000,
    "\N{LEFT SINGLE QUOTATION MARK}": 278,
    "\N{RIGHT SINGLE QUOTATION MARK}": 278,
    "\N{LEFT DOUBLE QUOTATION MARK}": 500,
    "\N{RIGHT DOUBLE QUOTATION MARK}": 500,
}


def text_width(text: str, size: float, *, bold: bool = False) -> int:
    """The width of ``text`` on one line in Arial at ``size`` points, in twips (rounded up)."""
    widths = _ARIAL_BOLD if bold else _ARIAL
    units = 0
    for letter in text:
        plain = unicodedata.normalize("NFKD", letter)[:1] or letter  # é as e, no-break space
        if " " <= plain <= "~":
            units += widths[ord(plain) - 32]
        else:
            units += _OTHER.get(letter, 1000)
    return math.ceil(units * size * 20 / 1000)


@dataclass(frozen=True)
class Layout:
    """How a table is set: its type size, its columns' widths (twips) and the page's way."""

    size: int
    widths: tuple[int, ...]
    landscape: bool = False


def column_widths(
    rows: Sequence[Sequence[str]], size: float, available: int, *, bold_labels: bool = False
) -> tuple[int, ...] | None:
    """Widths (twips) of the columns of ``rows`` (the first the header row, in bold; with
    ``bold_labels`` the first column too) filling ``available``, or None if their longest
    words do not fit in it.

    As a browser sets a table 100% wide: each column gets its longest word, and the room
    left goes to the columns in proportion to what their longest lines still need; when
    every longest line fits, each column gets its longest line and a share of the room left
    in proportion to it. A cell's lines are separated by newlines.
    """
    least: list[int] = []
    most: list[int] = []
    for j in range(len(rows[0])):
        cells = [(row[j], r == 0 or (bold_labels and j == 0)) for r, row in enumerate(rows)]
        words = [text_width(w, size, bold=b) for text, b in cells for w in text.split()]
        lines = [text_width(line, size, bold=b) for text, b in cells for line in text.split("\n")]
        least.append(_cell(max(words, default=0)))
        most.append(_cell(max(lines, default=0)))
    if sum(least) > available:
        return None
    if sum(most) <= available:
        base, weights = most, most
    else:
        base, weights = least, [m - w for m, w in zip(most, least, strict=True)]
    room, total = available - sum(base), sum(weights)
    widths = [
        b + (room * w // total if total else room // len(base))
        for b, w in zip(base, weights, strict=True)
    ]
    widths[widths.index(max(widths))] += available - sum(widths)  # what rounding left over
    return tuple(widths)


def _cell(text: int) -> int:
    """The width of a cell whose longest text is ``text`` twips wide."""
    return math.ceil(text * SLACK) + 2 * CELL_MARGIN + BORDERS


def layout(rows: Sequence[Sequence[str]], *, bold_labels: bool = False) -> Layout:
    """How to set a table of ``rows`` (the first its header) on the cover report's pages.

    Type of TABLE_SIZES[0] points when the columns' longest words take two thirds of the
    width or less (so the text wraps in lines, not a word a line); otherwise the smaller type.
    Across a landscape page only when the longest words do not fit across a portrait one;
    if they fit across neither, the columns in proportion to their longest words.
    """
    for landscape in (False, True):
        available = _text_width(landscape)
        for size in TABLE_SIZES:
            widths = column_widths(rows, size, available, bold_labels=bold_labels)
            if widths is None:
                continue
            roomy = column_widths(rows, size, available * 2 // 3, bold_labels=bold_labels)
            if roomy is not None or size == TABLE_SIZES[-1]:
                return Layout(size, widths, landscape)
    size, available = TABLE_SIZES[-1], _text_width(True)
    words = [
        max((text_width(w, size, bold=True) for row in rows for w in row[j].split()), default=1)
        for j in range(len(rows[0]))
    ]
    shares = [available * w // sum(words) for w in words]
    shares[-1] += available - sum(shares)
    return Layout(size, tuple(shares), True)


def _text_width(landscape: bool) -> int:
    """The width between the margins of an A4 page, upright or turned."""
    return A4[1 if landscape else 0] - 2 * MARGIN


def write(document: CoverDocument, path: Path) -> Path:
    """Write the cover report as a Word document: Heading 1/2, numbered paragraphs, alt text,
    header rows and table titles, tables laid out for the page (``layout``), one family of
    type, and en-GB as the language of its text."""
    doc = new_docx()
    properties = doc.core_properties
    # Word takes at most 255 characters in a property: a longer subject or name is cut, not refused.
    properties.title = shorten.text(document.title, shorten.WORD_PROPERTY_CHARS)
    properties.author = shorten.text(document.author, shorten.WORD_PROPERTY_CHARS)
    properties.language = "en-GB"
    stamp = dt.datetime.combine(document.date, dt.time())
    properties.created = properties.modified = stamp
    properties.last_modified_by = properties.author
    properties.revision = 1
    _language(doc, "en-GB")
    _styles(doc)
    _page(doc.sections[0], landscape=False)
    _add_numbering(doc)

    doc.add_paragraph(document.title, style="Title")
    if document.notice:
        notice = doc.add_paragraph()
        notice.add_run(document.notice).bold = True
    # Word's accessibility checker asks every table for a header row, so the Word header has
    # one (the HTML's row headers have no Word equivalent it reads).
    rows = [["About this paper", "Details"]]
    rows += [[f"{label}:", "\n".join(lines)] for label, lines in document.header]
    _grid(doc, rows, "About this paper", layout(rows, bold_labels=True), bold_labels=True)
    for label, words in (
        ("Summary", document.summary),
        ("Recommendation", document.recommendation),
    ):
        para = doc.add_paragraph()
        para.add_run(f"{label}: ").bold = True
        para.add_run(words)

    for _, section_, blocks in document.numbered():
        _numbered(doc.add_paragraph(section_.title, style="Heading 1"), 0)
        for number, block in blocks:
            _block(doc, number, block)
        for label, people in section_.contacts:
            doc.add_paragraph(label, style="Heading 2")
            for person in people:
                lines = contact_lines(person)
                para = doc.add_paragraph()
                para.add_run(lines[0]).bold = True
                for line in lines[1:]:
                    para.add_run().add_break(WD_BREAK.LINE)
                    para.add_run(line)
    _space_after_tables(doc)
    written = io.BytesIO()
    doc.save(written)
    path.write_bytes(_dated(written.getvalue(), stamp))
    return path


def _dated(package: bytes, stamp: dt.datetime) -> bytes:
    """The Word file ``package`` with every part dated ``stamp`` (the report's date) instead of
    the moment it was written, so that the same inputs make the same bytes on any day, as the
    report's other files do. The parts, their order and their compression are kept."""
    into = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(into, "w") as target,
    ):
        for part in source.infolist():
            dated = zipfile.ZipInfo(part.filename, date_time=stamp.timetuple()[:6])
            dated.compress_type = part.compress_type
            dated.external_attr = part.external_attr
            target.writestr(dated, source.read(part))
    return into.getvalue()


def _block(doc: Docx, number: str, block: Block) -> None:
    if isinstance(block, Paragraph):
        para = doc.add_paragraph(block.text.plain)
        if number:
            _numbered(para, 1)
        if block.note:
            for run in para.runs:
                run.italic = True
                run.font.size = Pt(NOTE_SIZE)
    elif isinstance(block, Items):
        for item in block.items:
            _numbered(doc.add_paragraph(item if isinstance(item, str) else item.plain), 2)
    elif isinstance(block, Grid):
        _table(doc, block.table)
    else:
        chart = block.chart
        doc.add_paragraph(chart.title, style="Caption")
        doc.add_paragraph(chart.subtitle).paragraph_format.keep_with_next = True
        doc.add_picture(io.BytesIO(chart.png), width=Cm(16))
        picture = doc.paragraphs[-1]
        for properties in picture._p.iter(qn("wp:docPr")):
            # python-docx cannot set alt text: Word reads it from the picture's descr.
            properties.set("descr", chart.alt)
            properties.set("title", chart.title)
        _table(doc, chart.table)


def _table(doc: Docx, table: tables.Table) -> None:
    """The table's caption, the table, its notes and source: across a landscape page of
    their own when the table's words do not fit across an upright one."""
    rows = [table.header, *table.rows]
    how = layout(rows)
    if how.landscape:
        _turn(doc, landscape=True)
    doc.add_paragraph(table.caption, style="Caption")
    _grid(doc, rows, table.caption, how, numbers=True)
    notes = list(table.notes) + tables.symbol_notes(table.records, table.symbols_used())
    if table.source:
        notes.append(f"Source: {table.source}")
    for note in notes:
        doc.add_paragraph(note).runs[0].font.size = Pt(NOTE_SIZE)
    if how.landscape:
        _turn(doc, landscape=False)


def _grid(
    doc: Docx,
    rows: Sequence[Sequence[str]],
    caption: str,
    how: Layout,
    *,
    bold_labels: bool = False,
    numbers: bool = False,
) -> DocxTable:
    """A table of ``rows`` (the first its header row) set as ``how`` says, titled ``caption``.

    Its columns are fixed at ``how.widths`` (Word's grid and each cell say so, as LibreOffice
    reads them); no row splits across pages; the header row repeats on each page and is kept
    with the first row. With ``numbers``, cells that show a figure are right-aligned, as in
    the HTML.
    """
    grid: DocxTable = doc.add_table(rows=len(rows), cols=len(rows[0]))
    grid.style = "Table Grid"
    grid.autofit = False  # w:tblLayout fixed: the widths below, whatever the text
    width = grid._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(sum(how.widths)))
    width.set(qn("w:type"), "dxa")
    margins = _element("w:tblCellMar")
    sides = ("top", CELL_PADDING), ("left", CELL_MARGIN), ("bottom", CELL_PADDING)
    for side, twips in (*sides, ("right", CELL_MARGIN)):
        margins.append(_element(f"w:{side}", w=str(twips), type="dxa"))
    grid._tbl.tblPr.find(qn("w:tblLayout")).addnext(margins)  # where the schema puts it
    for column, twips in zip(grid.columns, how.widths, strict=True):
        column.width = Twips(twips)
    for r, (row, values) in enumerate(zip(grid.rows, rows, strict=True)):
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(_element("w:cantSplit"))
        if r == 0:
            # Repeats on each page, and tells screen readers what the columns are.
            row_properties.append(_element("w:tblHeader", val="true"))
        for i, (cell, value, twips) in enumerate(zip(row.cells, values, how.widths, strict=True)):
            cell.width = Twips(twips)
            right = numbers and r > 0 and i > 0 and _figure(value)
            for k, line in enumerate(value.split("\n")):
                para = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                run = para.add_run(line)
                run.font.size = Pt(how.size)
                if r == 0 or (bold_labels and i == 0):
                    run.bold = True
                if right:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if r == 0:
                    para.paragraph_format.keep_with_next = True  # the header with the first row
    # The title (w:tblCaption) is the table's alternative text in Word; the schema puts it
    # last in tblPr (after tblLook, which python-docx writes).
    grid._tbl.tblPr.append(_element("w:tblCaption", val=caption))
    return grid


def _figure(value: str) -> bool:
    """Whether a cell shows a figure (or a symbol in its place), set right as numbers are."""
    return value[:1].isdigit() or value.startswith(("[", "£", "-", "+"))


def _styles(doc: Docx) -> None:
    """One family, ``FONT``, for every style (the template's body is Cambria, its headings
    Calibri), and captions kept with what they title, with space above them."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        for name in list(fonts.attrib):
            del fonts.attrib[name]
        for name in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{name}"), FONT)
    defaults = _child(doc.styles.element, "w:docDefaults", first=True)
    run = _child(_child(defaults, "w:rPrDefault", first=True), "w:rPr")
    if run.find(qn("w:rFonts")) is None:
        fonts = _element("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)
        run.insert(0, fonts)
    caption = doc.styles["Caption"]
    caption.paragraph_format.space_before = Pt(12)
    caption.paragraph_format.space_after = Pt(4)
    caption.paragraph_format.keep_with_next = True


def _space_after_tables(doc: Docx) -> None:
    """Space between each table and the paragraph after it (Word has no margin for tables;
    a heading after a table keeps its own, larger space)."""
    for table in doc.element.body.iterchildren(qn("w:tbl")):
        after = table.getnext()
        if after is None or after.tag != qn("w:p"):
            continue
        para = DocxParagraph(after, doc._body)
        own = para.style.paragraph_format.space_before if para.style is not None else None
        if own is None or own < TABLE_SPACE:
            para.paragraph_format.space_before = TABLE_SPACE


def _page(section: DocxSection, *, landscape: bool) -> None:
    """A4 with 2 cm margins, upright or turned."""
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Twips(height), Twips(width)) if landscape else (Twips(width), Twips(height))
    )
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(MARGIN))


def _turn(doc: Docx, *, landscape: bool) -> None:
    """End the section at the last paragraph and start the next on a new page, turned to
    ``landscape`` or back."""
    body = doc.element.body
    sentinel = body.get_or_add_sectPr()
    last = sentinel.getprevious()
    if last is None or last.tag != qn("w:p"):
        last = doc.add_paragraph()._p
    last.set_sectPr(sentinel.clone())
    _page(DocxSection(sentinel, doc.part), landscape=landscape)


def _language(doc: Docx, tag: str) -> None:
    """Set the language of the document's text (Word reads it from the default run
    properties, not from the core properties) to ``tag``."""
    defaults = _child(doc.styles.element, "w:docDefaults", first=True)
    run = _child(_child(defaults, "w:rPrDefault", first=True), "w:rPr")
    language = _child(run, "w:lang")
    for name in ("val", "eastAsia"):
        language.set(qn(f"w:{name}"), tag)


def _child(parent: Any, tag: str, *, first: bool = False) -> Any:
    """``parent``'s ``tag`` element, added (as its first child when ``first``) if it has none."""
    child = parent.find(qn(tag))
    if child is None:
        child = _element(tag)
        if first:
            parent.insert(0, child)
        else:
            parent.append(child)
    return child


def _numbered(para: DocxParagraph, level: int) -> None:
    """Number ``para`` at ``level`` of the cover report's list: 1. / 1.1 / a)."""
    properties = para._p.get_or_add_pPr()
    numbering = _element("w:numPr")
    numbering.append(_element("w:ilvl", val=str(level)))
    numbering.append(_element("w:numId", val=str(NUMBERING_ID)))
    properties.insert(1 if properties.find(qn("w:pStyle")) is not None else 0, numbering)


_LEVELS = (
    ("decimal", "%1.", 0, 432),
    ("decimal", "%1.%2", 0, 720),
    ("lowerLetter", "%3)", 720, 360),
)


def _add_numbering(doc: Docx) -> None:
    """A three-level numbering definition: sections 1., paragraphs 1.1, items a)."""
    definitions = doc.part.numbering_part.element
    abstract = _element("w:abstractNum", abstractNumId=str(NUMBERING_ID))
    abstract.append(_element("w:multiLevelType", val="multilevel"))
    for level, (fmt, label, left, hanging) in enumerate(_LEVELS):
        lvl = _element("w:lvl", ilvl=str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", label)):
            lvl.append(_element(tag, val=value))
        lvl.append(_element("w:lvlJc", val="left"))
        paragraph = _element("w:pPr")
        paragraph.append(_element("w:ind", left=str(left + hanging), hanging=str(hanging)))
        lvl.append(paragraph)
        abstract.append(lvl)
    # The schema wants every abstractNum before the first num.
    first_num = definitions.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        definitions.append(abstract)
    num = _element("w:num", numId=str(NUMBERING_ID))
    num.append(_element("w:abstractNumId", val=str(NUMBERING_ID)))
    definitions.append(num)


def _element(tag: str, **attributes: str) -> Any:
    """A WordprocessingML element with these ``w:`` attributes: ``_element("w:ilvl", val="0")``."""
    return OxmlElement(tag, {qn(f"w:{name}"): value for name, value in attributes.items()})
