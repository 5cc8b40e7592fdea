"""The report's appendices, made by the build from what the sections showed.

The statutory checklist (each requirement of the framework and the sections that meet it),
the sources of every figure, the glossary and symbols, and the accessibility statement. They
are Markdown-only notebooks: the build makes them after the sections have run, because the
checklist and the sources depend on what every section showed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import nbformat

from safeguarding_report.core import markup
from safeguarding_report.core.framework import Framework, Requirement
from safeguarding_report.data import Published
from safeguarding_report.report import fragments
from safeguarding_report.report.tables import SYMBOL_MEANINGS

GLOSSARY: dict[str, str] = {
    "Child protection plan": "A plan drawn up by the local authority and partner agencies, "
    "after an initial child protection conference, setting out how a child will be kept safe.",
    "Child in need": "A child assessed by children's social care as needing services to "
    "reach or keep a reasonable standard of health or development (Children Act 1989, "
    "section 17).",
    "Child safeguarding practice review": "A review of a serious child safeguarding case, "
    "carried out locally (a local child safeguarding practice review, LCSPR) or nationally "
    "by the Child Safeguarding Practice Review Panel.",
    "Children looked after": "Children in the care of the local authority (Children Act 1989, "
    "section 20 or 31).",
    "Care leaver": "A young person aged 16 to 25 who was looked after for at least 13 weeks "
    "after the age of 14, including some time after the age of 16.",
    "ICB": "Integrated care board: the NHS body that plans and buys health services locally "
    "and, since July 2022, is the health safeguarding partner.",
    "LADO": "Local authority designated officer: manages allegations against adults who work "
    "with children.",
    "Private fostering": "When a child under 16 (under 18 if disabled) is cared for for 28 days "
    "or more by an adult who is not a close relative, by private arrangement.",
    "Rapid review": "A quick review, within 15 working days of a serious incident "
    "notification, that decides whether a local child safeguarding practice review is needed.",
    "Re-referral": "A referral within 12 months of a previous referral for the same child.",
    "Referral": "A request for services to be provided by children's social care.",
    "Section 11 audit": "A self-assessment by each agency of how it meets its duty under "
    "section 11 of the Children Act 2004 to safeguard and promote the welfare of children.",
    "Section 47 enquiry": "An enquiry made when there is reasonable cause to suspect that a "
    "child is suffering, or is likely to suffer, significant harm (Children Act 1989).",
    "Serious case review": "The review that came before child safeguarding practice reviews, "
    "under Local Safeguarding Children Boards (before 2019).",
    "Serious incident notification": "A notification by the local authority to the Child "
    "Safeguarding Practice Review Panel of a serious incident involving a child.",
    "Statistical neighbours": "The ten local authorities the Department for Education judges "
    "most similar to this one in their children's needs and circumstances.",
    "UASC": "Unaccompanied asylum-seeking children: children seeking asylum in the UK with no "
    "parent or carer with them.",
}


@dataclass(frozen=True)
class Checked:
    """One requirement of the framework and whether the report has content for it."""

    requirement: Requirement
    sections: tuple[tuple[str, str], ...]  # (anchor label, title) of sections with content
    empty: tuple[str, ...]  # titles of the requirement's sections that have no content

    @property
    def met(self) -> bool:
        """Whether at least one of the requirement's sections has content."""
        return bool(self.sections)


def check(
    framework: Framework, statuses: Mapping[str, Mapping[str, Any]], numbers: Mapping[str, str]
) -> list[Checked]:
    """Each requirement with the sections that meet it (those that showed content)."""
    checked = []
    for requirement in framework.requirements:
        met, empty = [], []
        for key in requirement.sections:
            title = framework.title(key)
            if key in statuses and statuses[key].get("content", True):
                met.append((numbers[key], title))
            else:
                empty.append(title)
        checked.append(Checked(requirement, tuple(met), tuple(empty)))
    return checked


def checklist_notebook(framework: Framework, checked: Sequence[Checked]) -> nbformat.NotebookNode:
    """The statutory checklist as a Markdown-only notebook."""
    html = fragments.render(
        "appendix",
        "checklist",
        guidance=framework.guidance,
        report_name=framework.report_name,
        paraphrased=any(not c.requirement.confirmed for c in checked),
        rows=[
            (
                c.requirement.text,
                c.requirement.confirmed,
                c.requirement.reference,
                c.sections,
                c.empty,
            )
            for c in checked
        ],
    )
    return _notebook("# Statutory checklist", html)


def sources_notebook(rows: Sequence[dict[str, Any]], published: Published) -> nbformat.NotebookNode:
    """The publications and local records behind ``rows``, and the symbols used."""
    files = dict.fromkeys(str(r["source_file"]) for r in rows if r["source_file"])
    by_title: dict[tuple[str, str, str, str], list[str]] = {}
    local: list[str] = []
    for f in files:
        if f.startswith(f"{published.data_dir.name}/local/"):
            local.append(f)
            continue
        s = published.source(f)
        by_title.setdefault((s.publisher, s.title, s.url, s.licence), []).append(f)
    items = []
    for (publisher, title, url, licence), paths in by_title.items():
        names = ", ".join(f"`{p.rsplit('/', 1)[-1]}`" for p in paths)
        link = f"[{markup.escape(title)}]({url})" if url else markup.escape(title)
        items.append(f"- {markup.escape(publisher)}, {link}. {licence}. Files: {names}.")
    local_items = "\n".join(f"- `{f}`" for f in local)
    symbols = "\n".join(f"- `{s}` {meaning}" for s, meaning in SYMBOL_MEANINGS.items())
    body = (
        "## Published statistics\n\n"
        "Every published figure in this report is taken from the publications below, as "
        "published, or derived from them as stated in the file `figures.csv` that accompanies "
        "the report (one row for every number, with the file, line, column and period it came "
        "from). Published national statistics are used throughout: they may differ from "
        "figures the partnership reported locally at the time, because the Department for "
        "Education revises earlier years in each release.\n\n" + "\n".join(items)
    )
    if local_items:
        body += (
            "\n\n## The partnership's own records\n\nFigures about the partnership's own work "
            "(reviews, training, audits) come from its records:\n\n" + local_items
        )
    body += (
        "\n\n## Symbols\n\nTables use the Government Statistical Service symbols; where a "
        "symbol appears, the note under the table says why that figure is missing.\n\n"
        + symbols
        + "\n\nRates are per 10,000 children aged 0 to 17. Statistical years end on 31 March."
    )
    return _notebook("# Sources and notes", body)


def glossary_notebook(framework: Framework) -> nbformat.NotebookNode:
    """Terms and abbreviations, alphabetically: the kit's, and those the framework brings."""
    entries = sorted({**GLOSSARY, **framework.glossary}.items(), key=lambda kv: kv[0].lower())
    return _notebook("# Glossary", fragments.render("appendix", "glossary", entries))


def accessibility_notebook(contact: str) -> nbformat.NotebookNode:
    """How the report is made accessible, and how to ask for another format."""
    body = (
        "This report is published as a web page (HTML) and as a PDF. It is written to meet the "
        "Web Content Accessibility Guidelines (WCAG) 2.2 at level AA: headings are marked up in "
        "order, every chart has a text description and its figures in a table beside it, "
        "colour is never the only way information is shown, and tables have headers. The data "
        "behind each chart can be downloaded as a CSV file. The PDF is tagged, with bookmarks "
        "for its sections, and is made to PDF/UA-1, the standard for accessible PDF documents: "
        "each chart is one figure with its description, page headers and footers are marked "
        "so that a screen reader skips them, and every link says where it goes.\n\n"
        "How this is checked: the way the report is produced is tested automatically, the web "
        "page against WCAG 2.2 AA with axe-core, and the PDF against the rules of PDF/UA-1 that "
        "a program can check, with pdfua. Automated checks cannot find every barrier; if you "
        "meet one, please tell us.\n\n"
        f"If you need this report in another format, contact {markup.escape(contact)}."
    )
    return _notebook("# Accessibility statement", body)


def _notebook(heading: str, html_body: str) -> nbformat.NotebookNode:
    notebook: nbformat.NotebookNode = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"{heading}\n\n{html_body}")]
    )
    return notebook
