"""The build's stages after the plan up to the sections, in the order ``build`` calls them:

check inputs -> (beside the sections: the cover report and changes.csv) -> run sections

then ``finish.py``: assemble -> export -> write outputs -> publish.

Every module these stages use is imported here, at the top. Importing this module takes
seconds (pandas, matplotlib, the sections' modules ...), so the build imports it only once it
knows it has work to do, while the published files are checked on every core; the build
server imports it, and ``finish.py``, as it starts.

What only the stages after the sections use (nbconvert, for the HTML) is imported with
``finish.py``, after the sections have run, and what only the cover report uses (python-docx,
with nbconvert and pikepdf) in the process that writes it: each section's process is forked
from the build's and counts in its resident memory every page the build's process held when
it forked, so a module imported here is paid for once per process running (some 7 MiB each
for these), and importing them afterwards costs the build under a tenth of a second.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from safeguarding_report.core import indicators, limits, registry, store
from safeguarding_report.core.errors import DataError, OutputError, ReportError, SectionFailed
from safeguarding_report.core.params import Params
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords, refuse_drafts
from safeguarding_report.pipeline import cache, execute, pdf, publish, runner
from safeguarding_report.pipeline.execute import SectionRun
from safeguarding_report.pipeline.plan import Plan, Planned, made_from
from safeguarding_report.pipeline.runner import Task
from safeguarding_report.report import changes, disclosure, narratives
from safeguarding_report.report.sections import for_report, next_priorities, priorities
from safeguarding_report.report.tables import Suppression

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inputs:
    """What the checks of the inputs found, for the stages after them."""

    published: Published
    chromium: str  # the executable that prints the PDF; "" for HTML only
    rule: Suppression  # the report's disclosure rule
    # What the narratives' numbers say beside the figures (report/narratives.py)
    findings: tuple[narratives.Finding, ...] = ()


def check_inputs(plan: Plan, published: Published) -> Inputs:
    """Check the inputs beside the published files (which ``validate.checking`` reads on every
    core meanwhile): the partnership's records (a wrong value stops the build here, by name),
    Chromium, the reporting period (11 to 13 months: a warning, refused in strict mode), and
    in strict mode that no narrative is a draft; then the numbers the narratives state
    (``narratives.read``: one that states a withheld figure stops the build, and in strict mode
    so does an unchecked count of children in the suppression range; the rest are warnings).
    First, import the sections' modules (``runner.PRELOAD``) so that every section forks with
    them loaded."""
    p, project = plan.p, plan.project
    p.check_period(plan.params_path, strict=plan.options.strict)
    runner.prepare()
    rule = Suppression(p.suppress_from, p.suppress_to)
    with limits.applied(p.limits):
        records = LocalRecords.load(project.data, p.id)
        if plan.options.strict:
            refuse_drafts(project.data, p.id, plan.params_path)
        _check_measures(plan, published)
        findings = [
            *narratives.read(records, start=p.period_start, end=p.period_end, rule=rule),
            *narratives.roles(records),
        ]
    chromium = pdf.find_chromium() if plan.options.make_pdf else ""
    refused = narratives.refusal(findings, strict=plan.options.strict)
    if refused:
        strictly = "strict mode: " if plan.options.strict else ""
        raise DataError(f"{plan.params_path}: {strictly}{refused}")
    for finding in findings:
        log.warning("%s", finding.text())
    runner.give_back()  # what the checks freed, before the cover and sections fork from here
    return Inputs(published, chromium, rule, tuple(findings))


def _check_measures(plan: Plan, published: Published) -> None:
    """Every priority's measures worked out (a baseline period no file holds stops the build,
    naming the line) and every measure promised for next year known; a declared status they
    contradict is warned of, and refused in strict mode until the priority's narrative says
    why."""
    shown = {"priorities", "next_priorities"} & {s.key for s in plan.fw.sections}
    if not shown:
        return
    # In a process of its own: the published files it reads (some 65 MiB for Kent) would
    # otherwise stay in this process, and in every section forked from it.
    found = Task(
        _disagreements, plan.p, published.data_dir, shown, name="check priorities"
    ).result()
    for one in found:
        log.warning("%s: %s", plan.params_path, priorities.warning(one))
    unexplained = [f.priority for f in found if not f.explained]
    if plan.options.strict and unexplained:
        raise ReportError(
            f"{plan.params_path}: strict mode: the measures contradict the declared progress of "
            f"priority {', '.join(unexplained)}. Say why in each priority's narrative "
            "(front-matter key measures_differ_because), or build without --strict."
        )


def _disagreements(p: Params, data_dir: Path, shown: set[str]) -> list[priorities.Disagreement]:
    """The priorities whose declared progress their measures contradict (see above), once
    the measures promised for next year are known to be measures."""
    ctx = for_report(p, Published(data_dir))
    if "next_priorities" in shown:
        next_priorities.promised_measures(ctx)
    return priorities.disagreements(ctx) if "priorities" in shown else []


@contextmanager
def staging(plan: Plan) -> Iterator[Path]:
    """A staging folder for the build's outputs, removed if the build fails or is stopped
    (a file-system error becomes one clear ``OutputError``)."""

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


class CoverAndChanges:
    """The committee cover report and changes.csv, written into ``staged`` beside the sections.

    Both depend only on the parameters file, the data files, Chromium (its path; "" for no
    PDF) and the library, not on the sections: when none of them changed, their last files are
    reused; otherwise they are written in a process of their own while the sections run, which
    is stopped if the build fails. ``records`` gives the cover's figure records.
    """

    def __init__(self, plan: Plan, inputs: Inputs, staged: Path) -> None:

        chromium = inputs.chromium
        key = cache.build_key(
            [
                *made_from(plan.params_path, plan.data),
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

    def __enter__(self) -> CoverAndChanges:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None and self._writing is not None:
            self._writing.stop()

    @property
    def running(self) -> list[Task]:
        """The process writing them, while it runs: it takes a section's place."""
        return [self._writing] if self._writing is not None else []

    def records(self) -> list[dict[str, Any]]:
        """The cover's figure records, once both files are written; their errors raise here."""
        if self._writing is not None:
            self._records, self._writing = self._writing.result(), None
        return self._records or []


@dataclass(frozen=True)
class _CoverWork:
    """What the cover report and changes.csv are written from, and where they go."""

    p: Params
    data_dir: Path
    rule: Suppression
    chromium: str  # "" for no PDF
    staged: Path  # written here
    kept: Path  # and kept here, for the next build with the same key
    key: str


def _write_cover_and_changes(work: _CoverWork) -> list[dict[str, Any]]:
    """Write the cover report and changes.csv, keep them for the next build, and return the
    cover's figure records (in the process the cover report is written in: see above)."""
    from safeguarding_report.pipeline import cover

    published = Published(work.data_dir)
    with disclosure.for_sections(work.rule):  # the same rule as the sections' figures
        records = cover.write(work.p, published, work.staged, make_pdf=bool(work.chromium))
        _write_changes(published, work.p, work.staged / "changes.csv")
    names = (cover.HTML_FILE, cover.PDF_FILE, cover.DOCX_FILE, "changes.csv")
    written = [work.staged / name for name in names if (work.staged / name).is_file()]
    store.keep(work.kept, work.key, written, records)
    return records


def _write_changes(published: Published, p: Params, path: Path) -> None:
    """changes.csv: the headline figures this year and last, beside England's change, then
    the wider picture's measures in their latest two periods."""

    la, year = p.local_authority, p.comparison_year
    # While the report's year is not yet published, the latest two published years, as the
    # report's own table of changes shows them.
    latest = min(year, published.newest_year())
    headline = changes.frame(published, la, latest, registry.get("foreword").headlines)
    wider = changes.wider_frame(published, la, year, list(indicators.WIDER_INDICATORS))
    frames = [headline, wider] if len(wider) else [headline]
    changes.write(pd.concat(frames, ignore_index=True), path)


def run_sections(plan: Plan, staged: Path, beside: Sequence[Task] = ()) -> list[SectionRun]:
    """Run the sections that changed and reuse the others, into ``staged/sections``, each
    task of ``beside`` (the cover report's) taking a section's place while it runs; when any
    fails, keep the executed notebooks beside the report and say which and where."""

    runs = _run(plan, staged / "sections", beside)
    failed = [run for run in runs if not run.ok]
    if failed:
        kept = publish.keep_failed(staged, plan.target)
        raise SectionFailed(_failure_summary(failed, kept, staged, plan.target))
    return runs


def _run(plan: Plan, out_dir: Path, beside: Sequence[Task]) -> list[SectionRun]:
    """Run the sections that changed, reuse the others; keep each new success in the cache."""

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
    ran = execute.execute(
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
        beside=beside,
    )
    reasons = {item.notebook.stem: item.verdict.reason for item in to_run}
    runs = {run.name: dataclasses.replace(run, reason=reasons[run.name]) for run in ran}
    for run in runs.values():
        if run.ok:
            cache.store(project.cache, plan.p.id, run.name, run.executed)
    runs.update(reused)
    return [runs[item.notebook.stem] for item in plan.sections]


def _longest_first(items: list[Planned], last_manifest: Path) -> list[Planned]:
    """The sections to run, the longest first, so that the workers finish close together.

    A section's length is what it took when it last ran (from the last report's manifest),
    else a fifth of a second per code cell. The order changes only when each one starts.
    """
    try:
        last = json.loads(last_manifest.read_text(encoding="utf-8"))["sections"]
    except (OSError, ValueError, KeyError):
        last = {}

    def expected(item: Planned) -> float:
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
