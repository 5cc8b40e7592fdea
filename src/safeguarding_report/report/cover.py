"""The committee cover report: the short paper that takes the yearly report to a committee.

A local authority takes the partnership's report to its cabinet committee or full council with
a cover report: a header block (from, to, subject, classification, pathway, electoral division,
summary, recommendation), then numbered sections with numbered paragraphs (introduction, the
report, conclusions, recommendation, background documents, contacts). The header, key
activities, conclusions and contacts come from ``data/local/<id>/cover_report.yaml``; the
statutory basis from the framework's own file (its ``statutory``); every figure from the
published data, through the same presentation path and the same tidy rows as the report's own
sections, made from the same section ``Context`` (``sections.for_report``), so each has the
same value and source line (``figures.csv`` lists them under section ``cover``).

``write`` makes ``cover-report.html``, ``cover-report.pdf`` (A4) and ``cover-report.docx``
(committee papers circulate as Word documents: real headings, numbered paragraphs, alt text).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markupsafe
import pandas as pd
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from safeguarding_report.core import markup
from safeguarding_report.core.errors import ExportError
from safeguarding_report.core.framework import Framework
from safeguarding_report.core.params import Params
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import YAML_TEMPLATES
from safeguarding_report.local.models import Contact, CoverReport
from safeguarding_report.pipeline import export, pdf
from safeguarding_report.report import bases, charts, fragments, sections, tables, text
from safeguarding_report.report.sections import local_context, performance

log = logging.getLogger(__name__)

SECTION = "cover"  # the section name of the cover report's figures in figures.csv
HTML_FILE = "cover-report.html"
PDF_FILE = "cover-report.pdf"
DOCX_FILE = "cover-report.docx"

# The same indicators, areas and year as the report's local context and performance sections.
LOOKED_AFTER = ("cla_at_31_march", "uasc_at_31_march", "cla_placed_by_other_las")
RATES = ("cla_rate", "cpp_rate", "cin_rate")
CHART = "cla_rate"  # the one chart: the looked-after rate against the comparators


# -- the document, independent of its format ---------------------------------------------------


@dataclass
class Paragraph:
    """A paragraph; numbered ones get the next number of their section (2.1, 2.2 ...)."""

    text: text.Text
    numbered: bool = True
    note: bool = False  # a small unnumbered note, e.g. that the wording is a paraphrase


@dataclass
class Items:
    """A lettered list under the paragraph before it (text from data: escaped when shown)."""

    items: list[str]


@dataclass
class Grid:
    """A table of figures."""

    table: tables.Table


@dataclass
class Picture:
    """A chart, with its alt text and its data as a table."""

    chart: charts.Chart


Block = Paragraph | Items | Grid | Picture


@dataclass
class Section:
    """A numbered section of the cover report."""

    title: str
    blocks: list[Block]
    contacts: list[tuple[str, list[Contact]]] = field(default_factory=list)


@dataclass
class CoverDocument:
    """The cover report's content, rendered by ``to_html`` and ``to_docx``."""

    title: str
    header: list[tuple[str, list[str]]]  # label, lines
    summary: str
    recommendation: str
    sections: list[Section]
    notice: str  # says the contents are illustrative; "" when they are the council's own
    author: str  # the partnership, for the documents' properties
    date: dt.date  # the report's publication date

    @property
    def records(self) -> list[dict[str, Any]]:
        """Every figure shown, tagged with the section ``cover``, in the order shown."""
        found: list[dict[str, Any]] = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    found += block.text.records
                elif isinstance(block, Grid):
                    found += block.table.records
                elif isinstance(block, Picture):
                    found += block.chart.table.records
        return [{"section": SECTION, **r} for r in found]

    def numbered(self) -> Iterator[tuple[str, Section, list[tuple[str, Block]]]]:
        """Each section with its number, and each block with its number ("" if none)."""
        for n, section in enumerate(self.sections, start=1):
            count = 0
            blocks: list[tuple[str, Block]] = []
            for block in section.blocks:
                if isinstance(block, Paragraph) and block.numbered:
                    count += 1
                    blocks.append((f"{n}.{count}", block))
                else:
                    blocks.append(("", block))
            yield str(n), section, blocks


def compose(
    p: Params, published: Published, records: LocalRecords, cover: CoverReport
) -> CoverDocument:
    """The cover report for the report ``p``, from its records and the published data."""
    ctx = sections.for_report(p, published)
    fw = ctx.framework
    source_file = records.source_file(YAML_TEMPLATES["cover_report"].file)
    notice = ""
    if records.illustrative:
        notice = (
            f"Illustrative example: the names, meetings, activities, conclusions and contacts "
            f"in this cover report ({source_file}) are invented examples, not the council's or "
            "the partnership's record. The figures are the published statistics."
        )
    return CoverDocument(
        title=cover.subject,
        header=_header(cover),
        summary=cover.summary,
        recommendation=cover.recommendation,
        sections=[
            _introduction(p, fw, ctx),
            _the_report(p, fw, ctx, cover),
            Section("Conclusions", [_say(c) for c in cover.conclusions]),
            Section("Recommendation", [_say(cover.recommendation)]),
            _background(p, fw, cover),
            Section(
                "Contact details",
                [],
                contacts=[
                    ("Report authors", list(cover.authors)),
                    ("Relevant director", [cover.director]),
                ],
            ),
        ],
        notice=notice,
        author=p.partnership,
        date=p.publication_date,
    )


def _say(sentence: str, *, numbered: bool = True, note: bool = False) -> Paragraph:
    """Text from data or the library, escaped, as one paragraph."""
    return Paragraph(text.say("{sentence}", sentence=sentence), numbered=numbered, note=note)


def _long(day: dt.date) -> str:
    return sections.long_date(day)


def _header(cover: CoverReport) -> list[tuple[str, list[str]]]:
    def meetings(items: Sequence[Any]) -> list[str]:
        return [f"{m.body}, {_long(m.date)}" for m in items] or ["None"]

    rows = [
        ("From", [f"{person.name}, {person.role}" for person in cover.from_]),
        ("To", [f"{cover.to}, {_long(cover.meeting_date)}"]),
        ("Subject", [cover.subject]),
        ("Classification", [cover.classification]),
        ("Past pathway of report", meetings(cover.past_pathway)),
    ]
    if cover.future_pathway:
        rows.append(("Future pathway of report", meetings(cover.future_pathway)))
    rows.append(("Electoral division", [cover.electoral_division]))
    return rows


def _introduction(p: Params, fw: Framework, ctx: sections.Context) -> Section:
    law = fw.statutory
    blocks: list[Block] = [_say(s) for s in law.basis]
    if ctx.la.parts:
        blocks.append(
            _say(
                f"The safeguarding partners for {ctx.la.name} have made joint arrangements for "
                f"the {len(ctx.la.parts)} local authority areas together, as the Act allows, so "
                f"the {fw.report_name} covers the whole area and each authority in it."
            )
        )
    elements = [r.text for r in fw.requirements if r.id in law.elements]
    if elements:
        blocks.append(_say(f"{fw.guidance} asks that the {fw.report_name} also includes:"))
        blocks.append(Items(elements))
    blocks.append(_say(law.recipients))
    blocks.append(
        _say(
            f"This paper presents the {p.partnership}'s {fw.report_name} for "
            f"{ctx.period_label}, published on {p.publication_label}."
        )
    )
    if not law.confirmed:
        blocks.append(
            _say(
                "The statutory basis above paraphrases the legislation and guidance; it has not "
                "been checked word for word against the published text.",
                numbered=False,
                note=True,
            )
        )
    return Section("Introduction", blocks)


def _row(frame: pd.DataFrame, code: str) -> pd.Series:
    return frame[frame["area_code"] == code].iloc[0]


def _the_report(p: Params, fw: Framework, ctx: sections.Context, cover: CoverReport) -> Section:
    la = ctx.la
    blocks: list[Block] = [
        _say(
            f"The {fw.report_name} covers {ctx.period_label}. The key activities of the year were:"
        ),
        Items(list(cover.key_activities)),
    ]
    # While the report's year is not yet published, the committee gets the latest published
    # figures, introduced as such, rather than a page of figures not available.
    shown = sections.latest_published(ctx)
    if shown is not ctx:
        blocks.append(Paragraph(sections.not_yet_published(ctx)))
    counts = {
        i: _row(ctx.published.series(i, [la.code], [shown.year]), la.code) for i in LOOKED_AFTER
    }
    blocks.append(
        Paragraph(
            text.say(
                "At 31 March {year}, {cla} children were looked after by {la}, {uasc} of them "
                "unaccompanied asylum-seeking children.",
                year=shown.year,
                la=la.name,
                cla=counts["cla_at_31_march"],
                uasc=counts["uasc_at_31_march"],
            )
        )
    )
    blocks.append(
        Paragraph(
            text.say(
                "A further {placed} children looked after by other local authorities were placed "
                "in {la}.",
                la=la.name,
                placed=counts["cla_placed_by_other_las"],
            )
        )
    )
    frames = [ctx.published.comparison(i, la.code, [shown.year]) for i in RATES]
    for indicator, frame in zip(RATES, frames, strict=True):
        blocks.append(Paragraph(_comparison_sentence(shown, indicator, frame)))
    rates = pd.concat(frames, ignore_index=True)
    blocks.append(
        Grid(
            tables.pivot(
                rates,
                rows="indicator",
                columns="area_name",
                caption=f"Rates per 10,000 children: {la.name} and its comparators, year ending "
                f"31 March {shown.year}",
                row_labels={i: sections.label(i) for i in RATES},
                corner="Indicator",
                source=sections.source_line(ctx, rates),
                notes=bases.notes(ctx.published, rates),
            )
        )
    )
    # The wider picture's headline measures, one per partner, as the foreword shows them.
    wider = performance.wider_at_a_glance(ctx)
    blocks.append(Grid(wider) if isinstance(wider, tables.Table) else Paragraph(wider, False))
    chart = local_context.rate_chart(shown, CHART)
    blocks.append(Picture(chart) if isinstance(chart, charts.Chart) else Paragraph(chart, False))
    blocks.append(
        _say(
            f"The {fw.report_name} gives these and further figures, with their trends over "
            f"{p.trend_years} years and their sources, and describes the work behind them."
        )
    )
    return Section(f"The {fw.report_name}", blocks)


def _comparison_sentence(ctx: sections.Context, indicator: str, frame: pd.DataFrame) -> text.Text:
    mine = _row(frame, ctx.la.code)
    england = _row(frame, sections.ENGLAND)
    topic = sections.label(indicator).split(",")[0]
    said: dict[str, Any] = {"topic": topic[0].lower() + topic[1:], "la": ctx.la.name}
    said["value"] = mine
    other = _also_compared_with(ctx, frame)
    if other is not None:  # the rows in the order the sentence gives them (and records them)
        name, row = other
        said["to_other"] = sections.direction(mine["value"], row["value"]) or "compared with"
        said["name"], said["other"] = name, row
    said["to_eng"] = sections.direction(mine["value"], england["value"]) or "compared with"
    said["eng"] = england
    return text.say(
        "The rate of {topic} in {la} was {value} per 10,000 children, "
        + ("{to_other} {name} ({other}) and " if other is not None else "")
        + "{to_eng} England's ({eng}).",
        **said,
    )


def _also_compared_with(ctx: sections.Context, frame: pd.DataFrame) -> tuple[str, Any] | None:
    """Who besides England the area is compared with, named for a sentence, and its row: one
    authority's statistical neighbours; a partnership's region (several authorities have no
    one set of neighbours: the report compares each authority with its own); none when a
    partnership spans regions."""
    if not ctx.la.parts:
        neighbours = frame[frame["area_level"] == "Statistical neighbours"].iloc[0]
        return "the average of its statistical neighbours", neighbours
    regions = ctx.published.regions_of(ctx.la)
    if len(regions) != 1:
        return None
    return sections.possessive(regions[0].name), _row(frame, regions[0].code)


def _background(p: Params, fw: Framework, cover: CoverReport) -> Section:
    blocks: list[Block] = [
        _say(
            f"The {p.partnership} {fw.report_name}, {p.period_label} (report.pdf and "
            "report.html, published with this paper)."
        )
    ]
    for document in cover.background_documents:
        blocks.append(_say(f"{document.title}: {document.url}" if document.url else document.title))
    return Section("Background documents", blocks)


# -- HTML ----------------------------------------------------------------------------------------


def _strip_p(html: str) -> str:
    html = html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _block_html(number: str, block: Block) -> str:
    if isinstance(block, Paragraph):
        inner = _strip_p(block.text.html)
        if block.note:
            return f'<p class="note">{inner}</p>'
        if number:
            return (
                f'<p class="numbered"><span class="number">{number}</span> '
                f'<span class="text">{inner}</span></p>'
            )
        return f"<p>{inner}</p>"
    if isinstance(block, Items):
        items = "".join(f"<li>{markup.escape_html(i)}</li>" for i in block.items)
        return f'<ol class="items" type="a">{items}</ol>'
    if isinstance(block, Grid):
        return block.table.to_html()
    return block.chart.to_html()


def _contact_lines(person: Contact) -> list[str]:
    lines = [person.name, person.role]
    if person.telephone:
        lines.append(f"Telephone: {person.telephone}")
    if person.email:
        lines.append(f"Email: {person.email}")
    return lines


def render_html(document: CoverDocument) -> str:
    """The cover report as one self-contained HTML page (text from data is escaped)."""
    numbered = [
        (
            number,
            section,
            [markupsafe.Markup(_block_html(n, b)) for n, b in blocks],
            [(label, [_contact_lines(c) for c in people]) for label, people in section.contacts],
        )
        for number, section, blocks in document.numbered()
    ]
    return fragments.page(
        "cover", "cover.html.j2", "cover.css", document=document, sections=numbered
    )


def to_html(document: CoverDocument, path: Path) -> Path:
    """Write the cover report's HTML page; ExportError if it would load anything from outside."""
    page = render_html(document)
    external = export.external_references(page)
    if external:
        raise ExportError(
            f"{path}: the cover report would load {', '.join(external[:5])} from outside the "
            "file. Text from data must be escaped before it becomes HTML."
        )
    path.write_text(page, encoding="utf-8")
    return path


# -- Word ----------------------------------------------------------------------------------------

NUMBERING_ID = 90  # ids of our own numbering definition, clear of the template's own


def to_docx(document: CoverDocument, path: Path) -> Path:
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
            _docx_block(doc, number, block)
        for label, people in section_.contacts:
            doc.add_paragraph(label, style="Heading 2")
            for person in people:
                lines = _contact_lines(person)
                para = doc.add_paragraph()
                para.add_run(lines[0]).bold = True
                for line in lines[1:]:
                    para.add_run().add_break(WD_BREAK.LINE)
                    para.add_run(line)
    doc.save(str(path))
    return path


def _docx_block(doc: Docx, number: str, block: Block) -> None:
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
        _docx_table(doc, block.table)
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
        _docx_table(doc, chart.table)


def _docx_table(doc: Docx, table: tables.Table) -> None:
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


# -- the build's one call ------------------------------------------------------------------------


def write(p: Params, published: Published, folder: Path, *, make_pdf: bool) -> list[dict[str, Any]]:
    """Write the cover report's HTML, PDF (when ``make_pdf``) and Word files into ``folder``.

    Returns its figure records (section ``cover``) for ``figures.csv``; none, with a warning,
    when the report's folder has no ``cover_report.yaml``.
    """
    records = LocalRecords.load(published.data_dir, p.id)
    cover = records.document(CoverReport)
    if cover is None:
        log.warning(
            "No cover report: %s is missing. Fill in the template (docs/local-data.md) to get "
            "%s, %s and %s.",
            records.source_file(YAML_TEMPLATES["cover_report"].file),
            HTML_FILE,
            PDF_FILE,
            DOCX_FILE,
        )
        return []
    document = compose(p, published, records, cover)
    html = to_html(document, folder / HTML_FILE)
    if make_pdf:
        pdf.print_pdf(html, folder / PDF_FILE, date=p.publication_date)
    to_docx(document, folder / DOCX_FILE)
    log.info("Cover report written: %s, %s", HTML_FILE, DOCX_FILE)
    return copy.deepcopy(document.records)
