"""The one orchestration: validate -> execute -> stitch -> export -> publish.

Nothing else calls across stages. A failed or interrupted build leaves the last good
``outputs/<id>/`` untouched.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safeguarding_report.errors import DataError, OutputError, ReportError, SectionFailed
from safeguarding_report.pipeline import cache, params
from safeguarding_report.report import framework
from safeguarding_report.report.framework import Framework

if TYPE_CHECKING:
    import nbformat

    from safeguarding_report.data import Published
    from safeguarding_report.pipeline.execute import SectionRun
    from safeguarding_report.report.tables import Suppression

# The stages' modules (pandas, matplotlib, nbconvert, python-docx ...) take seconds to import;
# they are imported inside ``build`` once it knows there is work to do, so that a build with
# nothing changed answers in well under a second.
DEFAULT_SECTION_TIMEOUT = 600.0  # seconds; execute.py uses the same default

log = logging.getLogger(__name__)

SECTION_GLOB = "[0-9][0-9]_*.ipynb"
# The stages' own modules, imported (with the sections' modules, execute.PRELOAD) while the
# published files are checked.
STAGES: tuple[str, ...] = (
    "nbformat",
    "safeguarding_report.report.appendix",
    "safeguarding_report.report.changes",
    "safeguarding_report.report.cover",
    "safeguarding_report.report.disclosure",
    "safeguarding_report.pipeline.export",
    "safeguarding_report.workflows.inputs",
    "safeguarding_report.local",
    "safeguarding_report.pipeline.manifest",
    "safeguarding_report.pipeline.pdf",
    "safeguarding_report.pipeline.provenance",
    "safeguarding_report.pipeline.publish",
    "safeguarding_report.pipeline.stitch",
)


@dataclass(frozen=True)
class Project:
    """Where a project's inputs and outputs live."""

    root: Path

    @property
    def data(self) -> Path:
        """Input data: published/ and local/<id>/."""
        return self.root / "data"

    @property
    def notebooks(self) -> Path:
        """The section notebooks, run in file-name order."""
        return self.root / "notebooks"

    @property
    def cache(self) -> Path:
        """Executed sections and parsed data kept between builds; safe to delete."""
        return self.root / ".cache"

    @property
    def outputs(self) -> Path:
        """Generated reports, one folder per report id."""
        return self.root / "outputs"

    def data_files(self, report_id: str) -> list[Path]:
        """The data files report ``report_id`` may read: every file under data/ but the other
        reports' records (``local/<another id>/``), in order."""
        others = self.data / "local"
        return [
            path
            for path in cache.data_files(self.data)
            if not path.is_relative_to(others)
            or len(parts := path.relative_to(others).parts) == 1
            or parts[0] == report_id
        ]

    def sections(self, framework: Framework) -> list[tuple[str, Path]]:
        """(key, notebook) for each of the framework's sections, in its order.

        A section's notebook is ``notebooks/NN_<key>.ipynb``; an error names any that is
        missing.
        """
        found = {p.stem.split("_", 1)[1]: p for p in sorted(self.notebooks.glob(SECTION_GLOB))}
        missing = [s.key for s in framework.sections if s.key not in found]
        if missing:
            raise ReportError(
                f"{self.notebooks}: no notebook for section(s) {', '.join(missing)} of "
                f"framework {framework.id} (expected files named like 02_{missing[0]}.ipynb). "
                "Run the build from the project's top folder."
            )
        return [(s.key, found[s.key]) for s in framework.sections]


@cache.remembering()  # each data file is hashed once however many keys it is in
def build(
    params_path: Path,
    project: Project,
    *,
    make_pdf: bool = True,
    workers: int | None = None,
    progress: bool = True,
    strict: bool = False,
    section_timeout: float = DEFAULT_SECTION_TIMEOUT,
    force: bool = False,
) -> Path:
    """Build one report; return its published folder ``outputs/<id>/``.

    A section whose notebook, parameters, library and data files are unchanged since its last
    run is not run again: its executed notebook is reused from the cache (``force`` runs every
    section). When nothing at all has changed since the published report was built, the
    build stops there. A section running longer than ``section_timeout`` seconds fails.
    """
    p = params.load(params_path, data=project.data)
    fw = framework.load(p.framework, project.data)
    sections = project.sections(fw)
    target = project.outputs / p.id
    parameters = p.notebook_parameters(project.data.resolve())
    # The disclosure thresholds reach the sections through their environment, and their key.
    env = p.section_environment()
    plan = _plan(sections, {**parameters, **env}, project, p.id, force=force)
    # Every data file of this report, for the steps that read them outside the sections (the
    # cover report, changes.csv, the sources appendix).
    data_files = project.data_files(p.id)
    data = cache.files_digest(project.data, data_files)
    build_key = _build_key(plan, params_path, data, make_pdf=make_pdf, strict=strict)
    if build_key and _up_to_date(target, build_key):
        log.info("Nothing changed since the last build: %s is up to date.", target)
        return target

    from safeguarding_report.data import Published
    from safeguarding_report.pipeline import validate

    published = Published(project.data)
    # Bad input fails here, before any section runs: an unknown area, a year no file holds.
    published.area(p.local_authority)
    _check_year(published, p.comparison_year, params_path)
    # Every published file is read and checked before any section runs, on every core, so a
    # missing or damaged file stops the build with its name, line and column (what is parsed
    # is kept for the sections, see data/parsed.py). Meanwhile this process imports the
    # sections' modules and the stages', and checks the rest.
    with validate.checking(published, project.cache / "checked", workers):
        from safeguarding_report.pipeline import execute

        execute.prepare(STAGES)
        from safeguarding_report.local import LocalRecords
        from safeguarding_report.pipeline import pdf
        from safeguarding_report.report.tables import Suppression
        from safeguarding_report.workflows.inputs import refuse_drafts

        # The partnership's records are checked here too: a wrong value stops the build.
        LocalRecords.load(project.data, p.id)
        chromium = pdf.find_chromium() if make_pdf else ""
        if strict:
            refuse_drafts(project.data, p.id, params_path)
        rule = Suppression(p.suppress_from, p.suppress_to)
    import nbformat

    from safeguarding_report.pipeline import export, manifest, provenance, publish
    from safeguarding_report.pipeline.stitch import Cover, Part, stitch
    from safeguarding_report.report import appendix, disclosure

    staged = publish.staging(project.outputs, p.id)
    cover_and_changes = None
    try:
        cover_and_changes = _CoverAndChanges(
            p, staged, project, rule, params_path=params_path, data=data, chromium=chromium
        )
        runs = _run(
            plan,
            parameters,
            staged / "sections",
            project,
            report_id=p.id,
            workers=workers,
            progress=progress,
            section_timeout=section_timeout,
            env=env,
        )
        failed = [run for run in runs if not run.ok]
        if failed:
            kept = publish.keep_failed(staged, target)
            raise SectionFailed(_failure_summary(failed, kept, staged, target))
        parts = [
            Part(key, _executed(run.executed), title=fw.title(key))
            for (key, _), run in zip(sections, runs, strict=True)
        ]
        figures = [row for part in parts for row in provenance.collect(part.name, part.notebook)]
        chart_data = [c for part in parts for c in provenance.charts(part.notebook)]
        statuses = {part.name: provenance.section_status(part.notebook) for part in parts}
        numbers = {key: str(n) for n, (key, _) in enumerate(sections, start=1)}
        checked = appendix.check(fw, statuses, numbers)
        unmet = [c for c in checked if not c.met]
        if unmet and strict:
            raise ReportError(
                f"{params_path}: strict mode: {len(unmet)} statutory requirement(s) of "
                f"{fw.guidance} have no content: "
                + "; ".join(f"{c.requirement.id} (expected in {', '.join(c.empty)})" for c in unmet)
                + ". Supply the local records the sections name, or build without --strict."
            )
        illustrative = sorted({f for st in statuses.values() for f in st["illustrative"]})
        parts += [
            Part("checklist", appendix.checklist_notebook(fw, checked), appendix=True),
            Part("sources", appendix.sources_notebook(figures, published), appendix=True),
            Part("glossary", appendix.glossary_notebook(), appendix=True),
            Part("accessibility", appendix.accessibility_notebook(p.partnership), appendix=True),
        ]
        notice = (
            "Illustrative example: the partnership's own records in this report (marked in "
            "each section) are invented examples, not the partnership's record."
            if illustrative
            else ""
        )
        cover = Cover(
            p.partnership,
            p.period_label,
            p.publication_label,
            notice=notice,
            kicker=fw.report_name.capitalize(),
        )
        report = stitch(parts, cover)
        nbformat.write(report, staged / "report.ipynb")
        html = export.to_html(report, staged / "report.html")
        if make_pdf:
            pdf.print_pdf(html, staged / "report.pdf", date=p.publication_date)
        # The committee cover report quotes the same figures, listed under section "cover".
        figures += cover_and_changes.records()
        publish.write_figures(figures, staged / "figures.csv")
        publish.write_charts(chart_data, staged / "charts")
        facts = manifest.manifest(
            p,
            root=project.root,
            inputs=[*data_files, params_path, *(path for _, path in sections)],
            runs=runs,
            tools={"chromium": _chromium_version(chromium)} if chromium else {},
            build_key=_build_key(
                plan, params_path, data, make_pdf=make_pdf, strict=strict, runs=runs
            ),
            illustrative=illustrative,
            checklist={c.requirement.id: c.met for c in checked},
        )
        manifest.write(facts, staged / "manifest.json")
        disclosure.check(staged, rule)
        publish.publish(staged, target)
    except BaseException as exc:
        if cover_and_changes is not None:
            cover_and_changes.stop()
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _os_error(exc, target) from exc
        raise
    log.info("Report written to %s", target)
    return target


class _CoverAndChanges:
    """The committee cover report and changes.csv, written into ``staged`` beside the sections.

    Both depend only on the parameters file, the data files (``data``: their digest), Chromium
    (its path; "" for no PDF) and the library, not on the sections: when none of them changed,
    their last files are reused; otherwise they are written in a process of their own while
    the sections run. ``records`` gives the cover's figure records.
    """

    def __init__(
        self,
        p: params.Params,
        staged: Path,
        project: Project,
        rule: Suppression,
        *,
        params_path: Path,
        data: str,
        chromium: str,
    ) -> None:
        from safeguarding_report.pipeline.execute import Background

        key = cache.build_key(
            [
                *_made_from(params_path, data),
                f"pdf with {chromium!r}" if chromium else "no pdf",
            ]
        )
        kept = project.cache / "cover" / p.id
        self._records: list[dict[str, Any]] | None = cache.kept_outputs(kept, key, staged)
        self._writing: Background | None = None
        if self._records is not None:
            log.info("Cover report and changes.csv reused: nothing they depend on changed.")
        else:
            self._writing = Background(
                _write_cover_and_changes, p, project.data, staged, rule, chromium, kept, key
            )

    def records(self) -> list[dict[str, Any]]:
        """The cover's figure records, once both files are written; their errors raise here."""
        if self._writing is not None:
            self._records, self._writing = self._writing.result(), None
        return self._records or []

    def stop(self) -> None:
        """Stop writing them (the build failed)."""
        if self._writing is not None:
            self._writing.stop()


def _write_cover_and_changes(
    p: params.Params,
    data_dir: Path,
    staged: Path,
    rule: Suppression,
    chromium: str,
    kept: Path,
    key: str,
) -> list[dict[str, Any]]:
    """Write the cover report and changes.csv into ``staged``, keep them under ``kept`` for
    ``key``, and return the cover's figure records."""
    from safeguarding_report.data import Published
    from safeguarding_report.report import cover, disclosure

    published = Published(data_dir)
    with disclosure.for_sections(rule):  # the same rule as the sections' figures
        records = cover.write(p, published, staged, make_pdf=bool(chromium))
    _write_changes(published, p, staged / "changes.csv")
    names = (cover.HTML_FILE, cover.PDF_FILE, cover.DOCX_FILE, "changes.csv")
    written = [staged / name for name in names if (staged / name).is_file()]
    cache.keep_outputs(kept, key, written, records)
    return records


def _write_changes(published: Published, p: params.Params, path: Path) -> None:
    """changes.csv: the headline figures this year and last, beside England's change."""
    from safeguarding_report.report import changes
    from safeguarding_report.report.sections.foreword import GLANCE_INDICATORS

    changes.write(
        changes.frame(published, p.local_authority, p.comparison_year, GLANCE_INDICATORS), path
    )


def _check_year(published: Published, year: int, params_path: Path) -> None:
    from safeguarding_report.report.indicators import INDICATORS

    periods = {indicator: set(published.periods(indicator)) for indicator in INDICATORS}
    held = set().union(*periods.values())
    if year not in held:
        raise DataError(
            f"{params_path}: key 'comparison_year' is {year}, but no file in data/published/ "
            f"holds the year ending 31 March {year} (the files hold {min(held)} to "
            f"{max(held)}). Add that year's DfE release to data/published/, or choose a year "
            "the files hold."
        )
    missing = [indicator for indicator, years in periods.items() if year not in years]
    if missing:
        log.warning("No published figures for %s in %s: shown as [x].", year, ", ".join(missing))


@dataclass(frozen=True)
class _Planned:
    """One section and whether its cached run can be reused."""

    key: str  # the framework's section key
    notebook: Path
    cache_key: dict[str, str]
    verdict: cache.Verdict


def _plan(
    sections: list[tuple[str, Path]],
    parameters: dict[str, object],
    project: Project,
    report_id: str,
    *,
    force: bool,
) -> list[_Planned]:
    """Each section with its cache key and whether its last run is still good."""
    planned = []
    for key, notebook in sections:
        cache_key = cache.section_key(notebook, parameters)
        verdict = (
            cache.Verdict(False, "every section was asked to run (--force)")
            if force
            else cache.check(project.cache, report_id, notebook.stem, cache_key, project.root)
        )
        planned.append(_Planned(key, notebook, cache_key, verdict))
    return planned


def _run(
    plan: list[_Planned],
    parameters: dict[str, object],
    out_dir: Path,
    project: Project,
    *,
    report_id: str,
    workers: int | None,
    progress: bool,
    section_timeout: float,
    env: dict[str, str],
) -> list[SectionRun]:
    """Run the sections that changed, reuse the others; keep each new success in the cache."""
    from safeguarding_report.pipeline.execute import SectionRun, execute

    out_dir.mkdir(parents=True, exist_ok=True)
    reused: dict[str, SectionRun] = {}
    for item in plan:
        if item.verdict.reuse and item.verdict.cached is not None:
            target = out_dir / item.notebook.name
            shutil.copyfile(item.verdict.cached, target)
            reused[item.notebook.stem] = SectionRun(
                item.notebook.stem, target, 0.0, reused=True, reason=item.verdict.reason
            )
    to_run = _longest_first(
        [item for item in plan if item.notebook.stem not in reused],
        project.outputs / report_id / "manifest.json",
    )
    ran = execute(
        [item.notebook for item in to_run],
        parameters,
        out_dir,
        cwd=project.root,
        workers=workers,
        progress=progress and bool(to_run),
        section_timeout=section_timeout,
        data_dir=project.data,
        keys={item.notebook.stem: item.cache_key for item in to_run},
        env=env,
    )
    reasons = {item.notebook.stem: item.verdict.reason for item in to_run}
    runs = {run.name: dataclasses.replace(run, reason=reasons[run.name]) for run in ran}
    for run in runs.values():
        if run.ok:
            cache.store(project.cache, report_id, run.name, run.executed)
    runs.update(reused)
    return [runs[item.notebook.stem] for item in plan]


def _executed(path: Path) -> nbformat.NotebookNode:
    """An executed section notebook, read back without checking it against nbformat's schema
    again: papermill checked it as it saved it, and the cache keeps it byte for byte."""
    from nbformat import reader

    nb: nbformat.NotebookNode = reader.reads(path.read_text(encoding="utf-8"))
    return nb


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


def _build_key(
    plan: list[_Planned],
    params_path: Path,
    data: str,
    *,
    make_pdf: bool,
    strict: bool,
    runs: list[SectionRun] | None = None,
) -> str:
    """One hash of everything the published report was made from, or "" if a section changed.

    Before the sections run it can be known only when every section's cached run is reused;
    after they run, each executed notebook's own key and inputs stand in for it.
    """
    parts = [*_made_from(params_path, data), f"{make_pdf} {strict}"]
    executed = [run.executed for run in runs] if runs else None
    if executed is None:
        if not all(item.verdict.reuse and item.verdict.cached for item in plan):
            return ""
        executed = [item.verdict.cached for item in plan if item.verdict.cached]
    parts += [cache.file_digest(path) for path in executed]
    return cache.build_key(parts)


def _made_from(params_path: Path, data: str) -> list[str]:
    """What every step of a report depends on: the library, the params file, the data files
    (``data``: their digest)."""
    return [cache.library_digest(), cache.file_digest(params_path), f"data {data}"]


def _up_to_date(target: Path, build_key: str) -> bool:
    """Whether the published report was built from exactly these inputs, and is all there."""
    try:
        facts = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(facts.get("build_key") == build_key and (target / "report.html").is_file())


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


def _chromium_version(executable: str) -> str:
    result = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    return result.stdout.strip() or "unknown"
