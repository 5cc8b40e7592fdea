"""The build's stages after the sections, in the order ``build`` calls them:

assemble -> export -> write outputs -> publish

Imported by the build once the sections have run (``stages.py`` says why), and by the build
server as it starts. Every module these stages use is imported here, at the top.
"""

from __future__ import annotations

import dataclasses
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import reader

from safeguarding_report.core import provenance
from safeguarding_report.core.errors import ReportError
from safeguarding_report.pipeline import draft, export, manifest, pdf, publish
from safeguarding_report.pipeline.draft import Block, Notice
from safeguarding_report.pipeline.execute import SectionRun
from safeguarding_report.pipeline.plan import Plan, build_key, inputs_digest
from safeguarding_report.pipeline.stages import Inputs
from safeguarding_report.pipeline.stitch import Cover, Part, stitch
from safeguarding_report.report import appendix, disclosure
from safeguarding_report.report.appendix import Checked
from safeguarding_report.report.sections import long_date


@dataclass(frozen=True)
class Assembled:
    """The report as one notebook, with what the outputs beside it are written from."""

    report: nbformat.NotebookNode
    runs: list[SectionRun]
    figures: list[dict[str, Any]]  # the sections' figure records
    charts: list[dict[str, Any]]  # the data of every chart
    checklist: list[Checked]  # each statutory requirement and the sections that meet it
    illustrative: list[str]  # the local records that are invented examples
    draft: Notice | None = None  # a draft's notice; None for the final report
    references: list[Block] = dataclasses.field(default_factory=list)  # a draft's blocks
    parts: list[Part] = dataclasses.field(default_factory=list)  # what was stitched


def assemble(plan: Plan, inputs: Inputs, runs: list[SectionRun]) -> Assembled:
    """Stitch the sections, in order, and the appendices under a title page; check the
    framework's statutory requirements (``strict``: each must have content)."""

    fw = plan.fw
    parts = [
        Part(item.key, _executed(run.executed), title=fw.title(item.key))
        for item, run in zip(plan.sections, runs, strict=True)
    ]
    figures = [row for part in parts for row in provenance.collect(part.name, part.notebook)]
    charts = [c for part in parts for c in provenance.charts(part.notebook)]
    statuses = {part.name: provenance.section_status(part.notebook) for part in parts}
    numbers = {item.key: str(n) for n, item in enumerate(plan.sections, start=1)}
    checklist = appendix.check(fw, statuses, numbers)
    if plan.options.strict:
        _refuse_unmet(plan, checklist)
    illustrative = sorted({f for st in statuses.values() for f in st["illustrative"]})
    parts += [
        Part("checklist", appendix.checklist_notebook(fw, checklist), appendix=True),
        Part("sources", appendix.sources_notebook(figures, inputs.published), appendix=True),
        Part("glossary", appendix.glossary_notebook(fw), appendix=True),
        Part("accessibility", appendix.accessibility_notebook(plan.p.partnership), appendix=True),
    ]
    if not plan.options.draft:
        report = stitch(parts, _title_page(plan, illustrative))
        return Assembled(report, runs, figures, charts, checklist, illustrative)

    notice = draft.notice(inputs_digest(plan))
    numbered, references = draft.number(parts)
    report = stitch(numbered, _title_page(plan, illustrative, notice))
    report.metadata["draft"] = notice.text
    return Assembled(
        report, runs, figures, charts, checklist, illustrative, notice, references, parts
    )


def _executed(path: Path) -> nbformat.NotebookNode:
    """An executed section notebook, read back without checking it against nbformat's schema
    again: papermill checked it as it saved it, and the cache keeps it byte for byte."""

    nb: nbformat.NotebookNode = reader.reads(path.read_text(encoding="utf-8"))
    return nb


def _refuse_unmet(plan: Plan, checklist: list[Checked]) -> None:
    """Strict mode: every statutory requirement of the framework must have content."""
    unmet = [c for c in checklist if not c.met]
    if unmet:
        raise ReportError(
            f"{plan.params_path}: strict mode: {len(unmet)} statutory requirement(s) of "
            f"{plan.fw.guidance} have no content: "
            + "; ".join(f"{c.requirement.id} (expected in {', '.join(c.empty)})" for c in unmet)
            + ". Supply the local records the sections name, or build without --strict."
        )


def _title_page(plan: Plan, illustrative: list[str], drafted: Notice | None = None) -> Cover:
    """The report's title page, with a notice when any of its records are invented.

    A period that began before the report's framework came into force is made under the
    framework in force when it is published (the one ``new`` gives it); the title page says so.
    A draft says that it is one where the final report says when it was published.
    """

    notice = (
        "Illustrative example: the partnership's own records in this report (marked in "
        "each section) are invented examples, not the partnership's record."
        if illustrative
        else ""
    )
    p, fw = plan.p, plan.fw
    began_before = p.period_start < fw.in_force <= p.period_end
    return Cover(
        p.partnership,
        p.period_label,
        p.publication_label,
        notice=notice,
        kicker=fw.report_name.capitalize(),
        framework=(
            f"This report follows {fw.guidance}, which took the place of the guidance before "
            f"it on {long_date(fw.in_force)}, part-way through this reporting period."
            if began_before
            else ""
        ),
        draft=drafted.title_line if drafted is not None else "",
    )


def export_files(plan: Plan, assembled: Assembled, staged: Path) -> None:
    """report.ipynb, report.html and (unless HTML only) report.pdf, into ``staged``."""

    report = assembled.report
    nbformat.write(report, staged / "report.ipynb")
    html = export.to_html(report, staged / "report.html")
    if plan.options.make_pdf:
        notice = assembled.draft.text if assembled.draft else ""
        pdf.print_pdf(html, staged / "report.pdf", date=plan.p.publication_date, draft=notice)


def write_outputs(
    plan: Plan,
    inputs: Inputs,
    assembled: Assembled,
    cover_figures: list[dict[str, Any]],
    staged: Path,
) -> None:
    """figures.csv (the committee cover report's figures too, as section "cover"), the
    charts' data and manifest.json, into ``staged``."""

    publish.write_figures([*assembled.figures, *cover_figures], staged / "figures.csv")
    publish.write_charts(assembled.charts, staged / "charts")
    if assembled.draft is not None:
        draft.write_references(
            assembled.references, assembled.parts, assembled.draft, staged / draft.REFERENCES_FILE
        )
    facts = manifest.manifest(
        plan.p,
        root=plan.project.root,
        inputs=[*plan.data_files, plan.params_path, *(item.notebook for item in plan.sections)],
        runs=assembled.runs,
        tools={"chromium": _chromium_version(inputs.chromium)} if inputs.chromium else {},
        build_key=build_key(plan, assembled.runs),
        illustrative=assembled.illustrative,
        checklist={c.requirement.id: c.met for c in assembled.checklist},
        draft=assembled.draft.text if assembled.draft else "",
        narratives=[finding.as_dict() for finding in inputs.findings],
    )
    manifest.write(facts, staged / "manifest.json")


def _chromium_version(executable: str) -> str:
    result = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    return result.stdout.strip() or "unknown"


def publish_outputs(plan: Plan, inputs: Inputs, staged: Path) -> None:
    """Check the finished outputs for small counts, then put them in place of the last report
    in one step."""

    disclosure.check(staged, inputs.rule)
    publish.publish(staged, plan.target)
