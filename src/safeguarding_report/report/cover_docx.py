"""The committee cover report as a Word document (python-docx).

Committee papers circulate as Word documents: ``write`` gives them real headings (Heading 1
and 2), numbered paragraphs (1. / 1.1 / a), as Word's own numbering), tables with header rows
and titles, pictures with alt text and each chart's figures as a table, and en-GB as the
language of the text: what Word's accessibility checker asks of a file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

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


def write(document: CoverDocument, path: Path) -> Path:
    """Write the cover report as a Word document: Heading 1/2, numbered paragraphs, alt text,
    header rows and table titles, and en-GB as the language of its text."""
    doc = new_docx()
    properties = doc.core_properties
    properties.title = document.title
    properties.author = document.author
    properties.language = "en-GB"
    stamp = dt.datetime.combine(document.date, dt.time())
    properties.created = properties.modified = stamp
    properties.last_modified_by = document.author
    properties.revision = 1
    _language(doc, "en-GB")
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    _add_numbering(doc)

    doc.add_paragraph(document.title, style="Title")
    if document.notice:
        notice = doc.add_paragraph()
        notice.add_run(document.notice).bold = True
    # Word's accessibility checker asks every table for a header row, so the Word header has
    # one (the HTML's row headers have no Word equivalent it reads).
    header = doc.add_table(rows=1, cols=2)
    header.style = "Table Grid"
    _heading_row(header, ("About this paper", "Details"), "About this paper")
    for label, lines in document.header:
        cells = header.add_row().cells
        cells[0].paragraphs[0].add_run(f"{label}:").bold = True
        cells[1].paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cells[1].add_paragraph(line)
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
    doc.save(str(path))
    return path


def _block(doc: Docx, number: str, block: Block) -> None:
    if isinstance(block, Paragraph):
        para = doc.add_paragraph(block.text.plain)
        if number:
            _numbered(para, 1)
        if block.note:
            for run in para.runs:
                run.italic = True
                run.font.size = Pt(9)
    elif isinstance(block, Items):
        for item in block.items:
            _numbered(doc.add_paragraph(item), 2)
    elif isinstance(block, Grid):
        _table(doc, block.table)
    else:
        chart = block.chart
        doc.add_paragraph(chart.title, style="Caption")
        doc.add_paragraph(chart.subtitle)
        doc.add_picture(io.BytesIO(chart.png), width=Cm(16))
        picture = doc.paragraphs[-1]
        for properties in picture._p.iter(qn("wp:docPr")):
            # python-docx cannot set alt text: Word reads it from the picture's descr.
            properties.set("descr", chart.alt)
            properties.set("title", chart.title)
        _table(doc, chart.table)


def _table(doc: Docx, table: tables.Table) -> None:
    doc.add_paragraph(table.caption, style="Caption")
    grid: DocxTable = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    _heading_row(grid, table.header, table.caption)
    for values in table.rows:
        cells = grid.add_row().cells  # type: ignore[no-untyped-call]
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.paragraphs[0].text = value
            if i and (value[:1].isdigit() or value.startswith(("[", "£", "-", "+"))):
                cell.paragraphs[
                    0
                ].alignment = WD_ALIGN_PARAGRAPH.RIGHT  # as numbers are in the HTML
    notes = list(table.notes) + tables.symbol_notes(table.records, table.symbols_used())
    for note in notes:
        doc.add_paragraph(note).runs[0].font.size = Pt(9)
    if table.source:
        doc.add_paragraph(f"Source: {table.source}").runs[0].font.size = Pt(9)


def _heading_row(grid: DocxTable, headings: Sequence[str], caption: str) -> None:
    """The first row of ``grid`` as its header row, and ``caption`` as its title.

    The header row repeats on each page and tells screen readers what the columns are; the
    title (``w:tblCaption``) is the table's alternative text in Word.
    """
    for cell, heading in zip(grid.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    row_properties = grid.rows[0]._tr.get_or_add_trPr()
    row_properties.append(_element("w:tblHeader", val="true"))
    # The schema puts tblCaption last in tblPr (after tblLook, which python-docx writes).
    grid._tbl.tblPr.append(_element("w:tblCaption", val=caption))


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
