"""The one orchestration, in stages that ``build`` calls in this order:

plan -> (nothing changed: stop) -> check inputs -> run sections -> assemble -> export ->
write outputs -> publish

Each stage is one function below, in that order; nothing else calls across stages. The cover
report and changes.csv are written beside the sections, in a process of their own. A failed or
interrupted build leaves the last good ``outputs/<id>/`` untouched.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, overload

from safeguarding_report.core import framework, params, registry, store
from safeguarding_report.core.errors import DataError, OutputError, ReportError, SectionFailed
from safeguarding_report.core.framework import Framework
from safeguarding_report.pipeline import cache
from safeguarding_report.pipeline.options import BuildOptions

if TYPE_CHECKING:
    import nbformat

    from safeguarding_report.data import Published
    from safeguarding_report.pipeline.draft import Block, Notice
    from safeguarding_report.pipeline.execute import SectionRun
    from safeguarding_report.pipeline.runner import Task
    from safeguarding_report.pipeline.stitch import Cover, Part
    from safeguarding_report.report.appendix import Checked
    from safeguarding_report.report.tables import Suppression

# The stages' modules (pandas, matplotlib, nbconvert, python-docx ...) take seconds to import:
# each stage imports its own, so that a build with nothing changed, which stops after the
# plan, answers in well under a second.

log = logging.getLogger(__name__)

# The stages' own modules, imported (with the sections' modules, runner.PRELOAD) while the
# published files are checked.
STAGES: tuple[str, ...] = (
    "nbformat",
    "safeguarding_report.report.appendix",
    "safeguarding_report.report.changes",
    "safeguarding_report.pipeline.cover",
    "safeguarding_report.report.disclosure",
    "safeguarding_report.pipeline.draft",
    "safeguarding_report.pipeline.export",
    "safeguarding_report.workflows.inputs",
    "safeguarding_report.local",
    "safeguarding_report.pipeline.manifest",
    "safeguarding_report.pipeline.pdf",
    "safeguarding_report.core.provenance",
    "safeguarding_report.pipeline.publish",
    "safeguarding_report.pipeline.stitch",
)


class _Folder:
    """One folder of a project, ``root/<name>``: each is named once, in ``Project``."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, project: None, owner: type[Project]) -> _Folder: ...
    @overload
    def __get__(self, project: Project, owner: type[Project]) -> Path: ...
    def __get__(self, project: Project | None, owner: type[Project]) -> Path | _Folder:
        return self if project is None else project.root / self.name


@dataclass(frozen=True)
class Project:
    """Where a project's inputs and outputs live."""

    root: Path
    data = _Folder("data")  # input data: published/ and local/<id>/
    notebooks = _Folder("notebooks")  # the section notebooks, run in file-name order
    cache = _Folder(".cache")  # executed sections, parsed data ... kept between builds
    outputs = _Folder("outputs")  # generated reports, one folder per report id

    def data_files(self, report_id: str) -> list[Path]:
        """The data files report ``report_id`` may read: every file under data/ but the other
        reports' records (``local/<another id>/``), in order."""
        others = self.data / "local"
        return [
            path
            for path in store.data_files(self.data)
            if not path.is_relative_to(others)
            or len(parts := path.relative_to(others).parts) == 1
            or parts[0] == report_id
        ]

    def sections(self, framework: Framework) -> list[tuple[str, Path]]:
        """(key, notebook) for each of the framework's sections, in its order.

        A section's notebook is the registry's (``notebooks/NN_<key>.ipynb``); an error names
        a section the kit does not have, and any notebook that is missing.
        """
        unknown = [s.key for s in framework.sections if s.key not in registry.BY_KEY]
        if unknown:
            raise ReportError(
                f"framework {framework.id} lists section(s) {', '.join(unknown)} that the kit "
                f"does not have: its sections are {', '.join(registry.BY_KEY)}."
            )
        found = [(s.key, self.notebooks / registry.get(s.key).notebook) for s in framework.sections]
        missing = [key for key, path in found if not path.is_file()]
        if missing:
            raise ReportError(
                f"{self.notebooks}: no notebook for section(s) {', '.join(missing)} of "
                f"framework {framework.id} (expected {registry.get(missing[0]).notebook}). "
                "Run the build from the project's top folder."
            )
        return found


@store.remembering()  # each data file is hashed once however many keys it is in
def build(params_path: Path, project: Project, options: BuildOptions) -> Path:
    """Build one report; return its published folder ``outputs/<id>/``.

    A section whose notebook, parameters, library and data files are unchanged since its last
    run is not run again: its executed notebook is reused from the cache (``options.force``
    runs every section). When nothing at all has changed since the published report was
    built, the build stops there. A section running longer than ``options.section_timeout``
    seconds fails.
    """
    plan = _plan(params_path, project, options)
    if _up_to_date(plan):
        log.info("Nothing changed since the last build: %s is up to date.", plan.target)
        return plan.target
    inputs = _check_inputs(plan)
    with _staging(plan) as staged, _CoverAndChanges(plan, inputs, staged) as cover_and_changes:
        runs = _run_sections(plan, staged)
        assembled = _assemble(plan, inputs, runs)
        _export(plan, assembled, staged)
        _write_outputs(plan, inputs, assembled, cover_and_changes.records(), staged)
        _publish(plan, inputs, staged)
    log.info("Report written to %s", plan.target)
    return plan.target


# -- plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    """One section and whether its cached run can be reused."""

    key: str  # the framework's section key
    notebook: Path
    cache_key: dict[str, str]
    verdict: cache.Verdict


@dataclass(frozen=True)
class _Plan:
    """What one build is of and how it runs: known before any stage's module is imported."""

    params_path: Path
    project: Project
    options: BuildOptions
    p: params.Params
    fw: Framework
    sections: list[_Planned]  # in the framework's order
    parameters: dict[str, object]  # the sections' parameters
    env: dict[str, str]  # added to the sections' environment: the disclosure thresholds

    @property
    def target(self) -> Path:
        """The report's published folder, ``outputs/<id>/``."""
        return self.project.outputs / self.p.id

    @cached_property
    def data_files(self) -> list[Path]:
        """Every data file of this report, for the steps that read them outside the sections
        (the cover report, changes.csv, the sources appendix)."""
        return self.project.data_files(self.p.id)

    @cached_property
    def data(self) -> str:
        """The digest of ``data_files``."""
        return store.files_digest(self.project.data, self.data_files)


def _plan(params_path: Path, project: Project, options: BuildOptions) -> _Plan:
    """Read the params and framework; find each section's notebook and whether its last run
    is still good."""
    p = params.load(params_path, data=project.data)
    fw = framework.load(p.framework, project.data)
    notebooks = project.sections(fw)
    parameters = p.notebook_parameters(project.data.resolve())
    # The disclosure thresholds reach the sections through their environment, and their key.
    env = p.section_environment()
    sections = []
    for key, notebook in notebooks:
        cache_key = cache.section_key(notebook, {**parameters, **env})
        verdict = (
            cache.Verdict(False, "every section was asked to run (--force)")
            if options.force
            else cache.check(project.cache, p.id, notebook.stem, cache_key, project.root)
        )
        sections.append(_Planned(key, notebook, cache_key, verdict))
    return _Plan(params_path, project, options, p, fw, sections, parameters, env)


def _up_to_date(plan: _Plan) -> bool:
    """Whether the published report was built from exactly these inputs, and is all there."""
    build_key = _build_key(plan)
    if not build_key:
        return False
    try:
        facts = json.loads((plan.target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(facts.get("build_key") == build_key and (plan.target / "report.html").is_file())


def _build_key(plan: _Plan, runs: list[SectionRun] | None = None) -> str:
    """One hash of everything the published report was made from, or "" if a section changed.

    Before the sections run it can be known only when every section's cached run is reused;
    after they run, each executed notebook's own key and inputs stand in for it.
    """
    parts = [
        *_made_from(plan.params_path, plan.data),
        f"{plan.options.make_pdf} {plan.options.strict}" + (" draft" if plan.options.draft else ""),
    ]
    executed = [run.executed for run in runs] if runs else None
    if executed is None:
        if not all(item.verdict.reuse and item.verdict.cached for item in plan.sections):
            return ""
        executed = [item.verdict.cached for item in plan.sections if item.verdict.cached]
    parts += [store.file_digest(path) for path in executed]
    return cache.build_key(parts)


def _made_from(params_path: Path, data: str) -> list[str]:
    """What every step of a report depends on: the library, the params file, the data files
    (``data``: their digest)."""
    return [store.library_digest(), store.file_digest(params_path), f"data {data}"]


# -- check inputs --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """What the checks of the inputs found, for the stages after them."""

    published: Published
    chromium: str  # the executable that prints the PDF; "" for HTML only
    rule: Suppression  # the report's disclosure rule


def _check_inputs(plan: _Plan) -> _Inputs:
    """Check every input before any section runs: bad input stops the build here, by name."""
    from safeguarding_report.data import Published
    from safeguarding_report.pipeline import validate

    p, project = plan.p, plan.project
    published = Published(project.data)
    # An unknown area, a year no file holds.
    published.area(p.local_authority)
    _check_year(published, p.comparison_year, plan.params_path)
    # Every published file is read and checked before any section runs, on every core, so a
    # missing or damaged file stops the build with its name, line and column (what is parsed
    # is kept for the sections, see store.Parsed). Meanwhile this process imports the
    # sections' modules and the stages', and checks the rest.
    with validate.checking(published, project.cache / "checked", plan.options.workers):
        from safeguarding_report.pipeline import runner

        runner.prepare(STAGES)
        from safeguarding_report.local import LocalRecords
        from safeguarding_report.pipeline import pdf
        from safeguarding_report.report.tables import Suppression
        from safeguarding_report.workflows.inputs import refuse_drafts

        # The partnership's records are checked here too: a wrong value stops the build.
        LocalRecords.load(project.data, p.id)
        chromium = pdf.find_chromium() if plan.options.make_pdf else ""
        if plan.options.strict:
            refuse_drafts(project.data, p.id, plan.params_path)
        rule = Suppression(p.suppress_from, p.suppress_to)
    return _Inputs(published, chromium, rule)


def _check_year(published: Published, year: int, params_path: Path) -> None:
    """Refuse a comparison year no file holds, except the year after the newest held.

    The DfE publishes a year's figures months after 31 March, so a report written soon after
    its year ends compares with a year not yet published: that year is accepted, with one
    warning, and its figures show as [x] ("not yet published") until the releases are added.
    A year further on is a mistake (a typo, or a release not yet added), so it stops the build.
    """
    from safeguarding_report.core.indicators import INDICATORS

    periods = {indicator: set(published.periods(indicator)) for indicator in INDICATORS}
    held = set().union(*periods.values())
    newest = published.newest_year()
    if year == published.unpublished_year():
        log.warning(
            "%s: key 'comparison_year' is %s, the year after the newest year data/published/ "
            "holds (%s): the DfE has not yet published that year's figures, so they show as "
            "[x] (not yet published) until its releases are added to data/published/.",
            params_path, year, newest,
        )  # fmt: skip
        return
    if year not in held:
        raise DataError(
            f"{params_path}: key 'comparison_year' is {year}, but no file in data/published/ "
            f"holds the year ending 31 March {year} (the files hold {min(held)} to "
            f"{max(held)}). Add that year's DfE release to data/published/, or choose a year "
            f"the files hold, or {published.unpublished_year()}, the year not yet published."
        )
    missing = [indicator for indicator, years in periods.items() if year not in years]
    if missing:
        log.warning("No published figures for %s in %s: shown as [x].", year, ", ".join(missing))


@contextmanager
def _staging(plan: _Plan) -> Iterator[Path]:
    """A staging folder for the build's outputs, removed if the build fails or is stopped
    (a file-system error becomes one clear ``OutputError``)."""
    from safeguarding_report.pipeline import publish

    staged = publish.staging(plan.project.outputs, plan.p.id)
    try:
        yield staged
    except BaseException as exc:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _os_error(exc, plan.target) from exc
        raise


def _os_error(exc: OSError, target: Path) -> OutputError:
    """A file-system failure while building, as one clear message."""
    where = exc.filename or "a file of the build"
    if exc.errno == errno.ENOSPC:
        problem = "the disk is full"
        advice = "Free some space and build again."
    else:
        problem = exc.strerror or str(exc)
        advice = "Check the file, its folder and their permissions, then build again."
    return OutputError(f"{where}: {problem}; {target} was left as it was. {advice}")


# -- beside the sections: the cover report and changes.csv ---------------------------------


class _CoverAndChanges:
    """The committee cover report and changes.csv, written into ``staged`` beside the sections.

    Both depend only on the parameters file, the data files, Chromium (its path; "" for no
    PDF) and the library, not on the sections: when none of them changed, their last files are
    reused; otherwise they are written in a process of their own while the sections run, which
    is stopped if the build fails. ``records`` gives the cover's figure records.
    """

    def __init__(self, plan: _Plan, inputs: _Inputs, staged: Path) -> None:
        from safeguarding_report.pipeline.runner import Task

        chromium = inputs.chromium
        key = cache.build_key(
            [
                *_made_from(plan.params_path, plan.data),
                f"pdf with {chromium!r}" if chromium else "no pdf",
            ]
        )
        kept = plan.project.cache / "cover" / f"{plan.p.id}.pickle"
        self._records: list[dict[str, Any]] | None = store.kept(kept, key, staged)
        self._writing: Task | None = None
        if self._records is not None:
            log.info("Cover report and changes.csv reused: nothing they depend on changed.")
        else:
            work = _CoverWork(plan.p, plan.project.data, inputs.rule, chromium, staged, kept, key)
            self._writing = Task(_write_cover_and_changes, work)

    def __enter__(self) -> _CoverAndChanges:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None and self._writing is not None:
            self._writing.stop()

    def records(self) -> list[dict[str, Any]]:
        """The cover's figure records, once both files are written; their errors raise here."""
        if self._writing is not None:
            self._records, self._writing = self._writing.result(), None
        return self._records or []


@dataclass(frozen=True)
class _CoverWork:
    """What the cover report and changes.csv are written from, and where they go."""

    p: params.Params
    data_dir: Path
    rule: Suppression
    chromium: str  # "" for no PDF
    staged: Path  # written here
    kept: Path  # and kept here, for the next build with the same key
    key: str


def _write_cover_and_changes(work: _CoverWork) -> list[dict[str, Any]]:
    """Write the cover report and changes.csv, keep them for the next build, and return the
    cover's figure records."""
    from safeguarding_report.data import Published
    from safeguarding_report.pipeline import cover
    from safeguarding_report.report import disclosure

    published = Published(work.data_dir)
    with disclosure.for_sections(work.rule):  # the same rule as the sections' figures
        records = cover.write(work.p, published, work.staged, make_pdf=bool(work.chromium))
        _write_changes(published, work.p, work.staged / "changes.csv")
    names = (cover.HTML_FILE, cover.PDF_FILE, cover.DOCX_FILE, "changes.csv")
    written = [work.staged / name for name in names if (work.staged / name).is_file()]
    store.keep(work.kept, work.key, written, records)
    return records


def _write_changes(published: Published, p: params.Params, path: Path) -> None:
    """changes.csv: the headline figures this year and last, beside England's change, then
    the wider picture's measures in their latest two periods."""
    import pandas as pd

    from safeguarding_report.core import indicators
    from safeguarding_report.report import changes

    la, year = p.local_authority, p.comparison_year
    headline = changes.frame(published, la, year, registry.get("foreword").headlines)
    wider = changes.wider_frame(published, la, year, list(indicators.WIDER_INDICATORS))
    frames = [headline, wider] if len(wider) else [headline]
    changes.write(pd.concat(frames, ignore_index=True), path)


# -- run sections --------------------------------------------------------------------------


def _run_sections(plan: _Plan, staged: Path) -> list[SectionRun]:
    """Run the sections that changed and reuse the others, into ``staged/sections``; when any
    fails, keep the executed notebooks beside the report and say which and where."""
    from safeguarding_report.pipeline import publish

    runs = _run(plan, staged / "sections")
    failed = [run for run in runs if not run.ok]
    if failed:
        kept = publish.keep_failed(staged, plan.target)
        raise SectionFailed(_failure_summary(failed, kept, staged, plan.target))
    return runs


def _run(plan: _Plan, out_dir: Path) -> list[SectionRun]:
    """Run the sections that changed, reuse the others; keep each new success in the cache."""
    from safeguarding_report.pipeline.execute import SectionRun, execute

    project, options = plan.project, plan.options
    out_dir.mkdir(parents=True, exist_ok=True)
    reused: dict[str, SectionRun] = {}
    for item in plan.sections:
        if item.verdict.reuse and item.verdict.cached is not None:
            target = out_dir / item.notebook.name
            shutil.copyfile(item.verdict.cached, target)
            reused[item.notebook.stem] = SectionRun(
                item.notebook.stem, target, 0.0, reused=True, reason=item.verdict.reason
            )
    to_run = _longest_first(
        [item for item in plan.sections if item.notebook.stem not in reused],
        plan.target / "manifest.json",
    )
    ran = execute(
        [item.notebook for item in to_run],
        plan.parameters,
        out_dir,
        cwd=project.root,
        workers=options.workers,
        progress=options.progress and bool(to_run),
        section_timeout=options.section_timeout,
        data_dir=project.data,
        keys={item.notebook.stem: item.cache_key for item in to_run},
        env=plan.env,
    )
    reasons = {item.notebook.stem: item.verdict.reason for item in to_run}
    runs = {run.name: dataclasses.replace(run, reason=reasons[run.name]) for run in ran}
    for run in runs.values():
        if run.ok:
            cache.store(project.cache, plan.p.id, run.name, run.executed)
    runs.update(reused)
    return [runs[item.notebook.stem] for item in plan.sections]


def _longest_first(items: list[_Planned], manifest: Path) -> list[_Planned]:
    """The sections to run, the longest first, so that the workers finish close together.

    A section's length is what it took when it last ran (from the last report's manifest),
    else a fifth of a second per code cell. The order changes only when each one starts.
    """
    try:
        last = json.loads(manifest.read_text(encoding="utf-8"))["sections"]
    except (OSError, ValueError, KeyError):
        last = {}

    def expected(item: _Planned) -> float:
        before = last.get(item.notebook.stem, {})
        if before.get("ran") and before.get("seconds"):
            return float(before["seconds"])
        try:  # an unreadable notebook fails when it runs, with papermill's message
            cells = json.loads(item.notebook.read_text(encoding="utf-8")).get("cells", [])
            return 0.2 * float(sum(cell.get("cell_type") == "code" for cell in cells))
        except (OSError, ValueError, AttributeError):
            return 0.0

    return sorted(items, key=expected, reverse=True)


def _failure_summary(failed: list[SectionRun], kept: Path, staged: Path, target: Path) -> str:
    lines = [f"{len(failed)} section(s) failed; {target} was left as it was."]
    for run in failed:
        notebook = kept / run.executed.relative_to(staged)
        lines.append(f"  {run.name}: {run.error}")
        if notebook.is_file():
            lines.append(f"    traceback in the executed notebook: {notebook}")
        else:  # the kernel never started, so papermill saved nothing
            lines.append("    no executed notebook was saved: the section never started running")
    return "\n".join(lines)


# -- assemble ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Assembled:
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


def _assemble(plan: _Plan, inputs: _Inputs, runs: list[SectionRun]) -> _Assembled:
    """Stitch the sections, in order, and the appendices under a title page; check the
    framework's statutory requirements (``strict``: each must have content)."""
    from safeguarding_report.core import provenance
    from safeguarding_report.pipeline.stitch import Part, stitch
    from safeguarding_report.report import appendix

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
        return _Assembled(report, runs, figures, charts, checklist, illustrative)
    from safeguarding_report.pipeline import draft

    notice = draft.notice(_inputs_digest(plan))
    numbered, references = draft.number(parts)
    report = stitch(numbered, _title_page(plan, illustrative))
    report.metadata["draft"] = notice.text
    return _Assembled(
        report, runs, figures, charts, checklist, illustrative, notice, references, parts
    )


def _inputs_digest(plan: _Plan) -> str:
    """One hash of what the report says is made from: the data, the params and the notebooks
    (a draft shows its start, so that a reviewer can tell two drafts' inputs apart)."""
    return cache.build_key(
        [
            store.file_digest(plan.params_path),
            f"data {plan.data}",
            *(store.file_digest(item.notebook) for item in plan.sections),
        ]
    )


def _executed(path: Path) -> nbformat.NotebookNode:
    """An executed section notebook, read back without checking it against nbformat's schema
    again: papermill checked it as it saved it, and the cache keeps it byte for byte."""
    from nbformat import reader

    nb: nbformat.NotebookNode = reader.reads(path.read_text(encoding="utf-8"))
    return nb


def _refuse_unmet(plan: _Plan, checklist: list[Checked]) -> None:
    """Strict mode: every statutory requirement of the framework must have content."""
    unmet = [c for c in checklist if not c.met]
    if unmet:
        raise ReportError(
            f"{plan.params_path}: strict mode: {len(unmet)} statutory requirement(s) of "
            f"{plan.fw.guidance} have no content: "
            + "; ".join(f"{c.requirement.id} (expected in {', '.join(c.empty)})" for c in unmet)
            + ". Supply the local records the sections name, or build without --strict."
        )


def _title_page(plan: _Plan, illustrative: list[str]) -> Cover:
    """The report's title page, with a notice when any of its records are invented.

    A period that began before the report's framework came into force is made under the
    framework in force when it is published (the one ``new`` gives it); the title page says so.
    """
    from safeguarding_report.pipeline.stitch import Cover
    from safeguarding_report.report.sections import long_date

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
    )


# -- export --------------------------------------------------------------------------------


def _export(plan: _Plan, assembled: _Assembled, staged: Path) -> None:
    """report.ipynb, report.html and (unless HTML only) report.pdf, into ``staged``."""
    import nbformat

    from safeguarding_report.pipeline import export, pdf

    report = assembled.report
    nbformat.write(report, staged / "report.ipynb")
    html = export.to_html(report, staged / "report.html")
    if plan.options.make_pdf:
        draft = assembled.draft.text if assembled.draft else ""
        pdf.print_pdf(html, staged / "report.pdf", date=plan.p.publication_date, draft=draft)


# -- write outputs -------------------------------------------------------------------------


def _write_outputs(
    plan: _Plan,
    inputs: _Inputs,
    assembled: _Assembled,
    cover_figures: list[dict[str, Any]],
    staged: Path,
) -> None:
    """figures.csv (the committee cover report's figures too, as section "cover"), the
    charts' data and manifest.json, into ``staged``."""
    from safeguarding_report.pipeline import manifest, publish

    publish.write_figures([*assembled.figures, *cover_figures], staged / "figures.csv")
    publish.write_charts(assembled.charts, staged / "charts")
    if assembled.draft is not None:
        from safeguarding_report.pipeline import draft

        draft.write_references(
            assembled.references, assembled.parts, assembled.draft, staged / draft.REFERENCES_FILE
        )
    facts = manifest.manifest(
        plan.p,
        root=plan.project.root,
        inputs=[*plan.data_files, plan.params_path, *(item.notebook for item in plan.sections)],
        runs=assembled.runs,
        tools={"chromium": _chromium_version(inputs.chromium)} if inputs.chromium else {},
        build_key=_build_key(plan, assembled.runs),
        illustrative=assembled.illustrative,
        checklist={c.requirement.id: c.met for c in assembled.checklist},
        draft=assembled.draft.text if assembled.draft else "",
    )
    manifest.write(facts, staged / "manifest.json")


def _chromium_version(executable: str) -> str:
    result = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    return result.stdout.strip() or "unknown"


# -- publish -------------------------------------------------------------------------------


def _publish(plan: _Plan, inputs: _Inputs, staged: Path) -> None:
    """Check the finished outputs for small counts, then put them in place of the last report
    in one step."""
    from safeguarding_report.pipeline import publish
    from safeguarding_report.report import disclosure

    disclosure.check(staged, inputs.rule)
    publish.publish(staged, plan.target)
