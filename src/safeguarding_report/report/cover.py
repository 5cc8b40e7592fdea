"""The committee cover report's content: the paper that takes the yearly report to a committee.

A local authority takes the partnership's report to its cabinet committee or full council with
a cover report: a header block (from, to, subject, classification, pathway, electoral division,
summary, recommendation), then numbered sections with numbered paragraphs (introduction, the
report, conclusions, recommendation, background documents, contacts). The header, key
activities, conclusions and contacts come from ``data/local/<id>/cover_report.yaml``; the
statutory basis from the framework's own file (its ``statutory``); every figure from the
published data, through the same presentation path and the same tidy rows as the report's own
sections, made from the same section ``Context`` (``sections.for_report``), so each has the
same value and source line (``figures.csv`` lists them under section ``cover``). A key activity
of ``key_activities_progress`` cites its priority's progress the same way: the judgement and the
measures' figures that the priorities section works out (``priorities.cited``), never retyped.

``compose`` says what the paper says, in no format: ``cover_html`` renders it as a page and
``cover_docx`` as a Word document; ``pipeline.cover`` writes the files (and prints the PDF).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from safeguarding_report.core.errors import DataError
from safeguarding_report.core.framework import Framework
from safeguarding_report.core.params import Params
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import YAML_TEMPLATES
from safeguarding_report.local.models import Contact, CoverReport, Priority
from safeguarding_report.local.read import FIX
from safeguarding_report.report import bases, charts, progress, sections, tables, text
from safeguarding_report.report.sections import local_context, performance, priorities

SECTION = "cover"  # the section name of the cover report's figures in figures.csv

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
    """A lettered list under the paragraph before it: text from data (escaped when shown), or
    sentences with figures in them."""

    items: list[str | text.Text]


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
    """The cover report's content, rendered by ``cover_html.render`` and ``cover_docx.write``."""

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
                elif isinstance(block, Items):
                    found += [r for i in block.items if isinstance(i, text.Text) for r in i.records]
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
    elements: list[str | text.Text] = [r.text for r in fw.requirements if r.id in law.elements]
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
        Items([*cover.key_activities, *progress_cited(ctx, cover)]),
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
    if isinstance(wider, text.Text):
        blocks.append(Paragraph(wider, False))
    else:
        shown_tables = wider.tables if isinstance(wider, tables.Tables) else (wider,)
        blocks += [Grid(table) for table in shown_tables]
    chart = local_context.rate_chart(shown, CHART)
    blocks.append(Picture(chart) if isinstance(chart, charts.Chart) else Paragraph(chart, False))
    blocks.append(
        _say(
            f"The {fw.report_name} gives these and further figures, with their trends over "
            f"{p.trend_years} years and their sources, and describes the work behind them."
        )
    )
    return Section(f"The {fw.report_name}", blocks)


def progress_cited(ctx: sections.Context, cover: CoverReport) -> list[text.Text]:
    """Each key activity of ``key_activities_progress``, followed by how far its priority got:
    the judgement and the figures the priorities section shows (the same rows, formatted and
    recorded the same way). An unknown priority or measure stops, naming the line."""
    said = []
    for n, item in enumerate(cover.key_activities_progress):
        key = ("key_activities_progress", n, "measure" if item.measure else "priority")
        try:
            measured = priorities.cited(ctx, item.priority, item.measure)
        except KeyError as exc:
            where = ctx.records.place_in(CoverReport, key)
            raise DataError(f"{where}: {exc.args[0]}. {FIX}") from None
        title = next(r.data.title for r in ctx.records.rows(Priority) if r.data.id == item.priority)
        every = [m.judgement for m in priorities.measures_of(ctx, item.priority)]
        parts = [
            text.say("{activity}", activity=item.activity.rstrip(".") + "."),
            text.say(
                "The measures of priority {id} ({title}): {verdict}.",
                id=item.priority,
                title=title,
                verdict=priorities.verdict(every),
            ),
        ]
        parts += [_progress_of(m) for m in measured]
        said.append(text.paragraph(*parts))
    return said


def _progress_of(m: priorities.Measured) -> text.Text:
    """One measure's figures and judgement, as its row of the priorities section's table."""
    judgement = m.judgement
    if judgement not in progress.COMPARED:
        return text.say("{label}: {judgement}.", label=m.label, judgement=judgement)
    if judgement == progress.REACHED and m.record.data.target is not None:
        judgement = f"{judgement} of {m.record.data.target:g}"
    return text.say(
        "{label}: from {baseline} in {first} to {latest} in {last}, {judgement}.",
        label=m.label,
        baseline=m.baseline,
        first=m.baseline["period"],
        latest=m.latest,
        last=m.latest["period"],
        judgement=judgement,
    )


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


def contact_lines(person: Contact) -> list[str]:
    """What the paper says of a contact, line by line: name, role, telephone, email."""
    lines = [person.name, person.role]
    if person.telephone:
        lines.append(f"Telephone: {person.telephone}")
    if person.email:
        lines.append(f"Email: {person.email}")
    return lines
