"""Run the section notebooks with papermill, in parallel, and report how each one went.

Each section is a task of the build's runner (``runner.py``): a process of its own, forked from
the build's process once that has imported pandas, matplotlib, IPython and the library
(``runner.prepare``), or, in a process running other threads, started by the standard library's
``forkserver`` warmed with the same imports. papermill executes the notebook there with an
in-process engine (``engine.py``): the parameters cell, the injected parameters, the executed
notebook saved while it runs and in full at the end, and a clear failure, as with a Jupyter
kernel, but a section starts in milliseconds instead of the second a kernel takes to start and
import. A section's process ends with it, so no variable, figure, option or imported module can
leak into the next.

A failing section does not stop the others. A section still running after
``section_timeout`` seconds, or whose process dies, fails with a message naming the cell that
was running, and that cell of the kept notebook says so. While a section runs, every data file
and folder it opens is recorded (``cache.Watcher``, an audit hook: it cannot be removed, and
ends with the section's process); the executed notebook carries that record and its cache key,
for ``cache.check``.

On any exit (an error, Ctrl-C, SIGTERM turned into an exception by the command line) the
running sections are ended and waited for before the exception goes on: nothing outlives the
run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from tqdm import tqdm

from safeguarding_report.pipeline import runner
from safeguarding_report.pipeline.options import DEFAULT_SECTION_TIMEOUT

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"


@dataclass(frozen=True)
class SectionRun:
    """How one section's execution went (or why its cached run was reused)."""

    name: str  # notebook stem, e.g. "02_local_context"
    executed: Path  # the executed notebook (with the traceback when it failed)
    seconds: float
    # "" when it succeeded, else e.g. "cell 5 of the kept notebook (cell 4 of 02_x.ipynb):
    # ErrorName: message"
    error: str = ""
    reused: bool = False  # True when the cached run was used instead of running it
    reason: str = ""  # why it ran or was reused, for the manifest

    @property
    def ok(self) -> bool:
        """True when every cell ran without error."""
        return not self.error


# A progress bar's monitor thread would make a build's process multi-threaded (see
# runner.process_context); the bars here are redrawn as sections end, and need no monitor.
tqdm.monitor_interval = 0


def execute(
    notebooks: Sequence[Path],
    parameters: Mapping[str, Any],
    out_dir: Path,
    *,
    cwd: Path,
    workers: int | None = None,
    progress: bool = True,
    section_timeout: float = DEFAULT_SECTION_TIMEOUT,
    data_dir: Path | None = None,
    keys: Mapping[str, Mapping[str, str]] | None = None,
    env: Mapping[str, str] | None = None,
    beside: Sequence[runner.Task] = (),
) -> list[SectionRun]:
    """Execute every notebook with the same parameters; return the runs in notebook order.

    ``data_dir`` is the folder whose files a section's reads are recorded from (default
    ``cwd/data``); ``keys`` gives each notebook's cache key (by stem) to stamp on the
    executed notebook with those reads; ``env`` is added to each section's environment (a
    section started by the forkserver does not see changes made to this process's
    environment). ``beside`` are tasks already running beside the sections, each taking one
    of the ``workers`` places while it runs (``runner.run``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if not notebooks:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(notebooks)))
    data_dir = (data_dir or cwd / "data").resolve()
    calls = [
        runner.Call(
            _run_section,
            (
                str(nb),
                str(out_dir / nb.name),
                dict(parameters),
                str(cwd),
                str(data_dir),
                dict((keys or {}).get(nb.stem, {})),
                dict(env or {}),
            ),
            name=f"section {nb.stem}",
        )
        for nb in notebooks
    ]
    runs: dict[int, SectionRun] = {}
    with tqdm(total=len(calls), unit="section", disable=not progress, leave=True) as bar:
        bar.set_postfix_str(f"running {workers}, failed 0")

        def ended(index: int, how: runner.Ended) -> None:
            run = _section_run(notebooks[index], out_dir, how, section_timeout)
            runs[index] = run
            failed = sum(not r.ok for r in runs.values())
            bar.set_postfix_str(f"running {min(workers, len(calls) - len(runs))}, failed {failed}")
            if progress:
                verdict = "done  " if run.ok else "FAILED"
                bar.write(f"  {verdict} {run.name} ({run.seconds:.1f} s)")
            bar.update(1)

        runner.run(calls, workers=workers, limit=section_timeout, ended=ended, beside=beside)
    return [runs[index] for index in range(len(notebooks))]


def _section_run(
    notebook: Path, out_dir: Path, how: runner.Ended, section_timeout: float
) -> SectionRun:
    """The run of a finished (or stopped) section, from what its process answered."""
    name, target = notebook.stem, out_dir / notebook.name
    if how.returned:
        return SectionRun(name, target, how.value["seconds"], how.value["error"])
    if how.error is not None:  # _run_section answers every error; this is a bug in it
        return SectionRun(name, target, how.seconds, f"{type(how.error).__name__}: {how.error}")
    if how.overdue:
        why = (
            f"was still running when the section reached its time limit of {section_timeout:g} "
            "s (section_timeout), so it was stopped. Check that cell for a loop that never ends "
            "or a wait for input; if the section is simply slow, build with a longer "
            "section_timeout"
        )
    else:
        why = (
            f"was running when the section's process died ({how.how}), perhaps killed or out "
            "of memory"
        )
    place = _mark_stopped(notebook, target, why)
    return SectionRun(name, target, how.seconds, f"{place} {why}.")


def _mark_stopped(notebook: Path, target: Path, why: str) -> str:
    """Record in the kept notebook that its running cell was stopped; return where it is."""
    try:
        nb = nbformat.read(target, as_version=4)
    except Exception:  # nothing saved yet: the process died before its first cell
        return "the section (before its first cell)"
    index = _running_cell(target, nb)
    if index is None:
        return "the section"
    nb.cells[index].setdefault("metadata", {}).setdefault("papermill", {})["status"] = "running"
    nb.cells[index].outputs.append(
        nbformat.v4.new_output(
            "error", ename="SectionStopped", evalue=f"This cell {why}.", traceback=[]
        )
    )
    nbformat.write(nb, target)
    return cell_place(target, index, notebook)


def _running_cell(target: Path, nb: nbformat.NotebookNode) -> int | None:
    """The index of the cell that was running when the section stopped, if any."""
    from safeguarding_report.pipeline import engine  # IPython: imported only when a section stopped

    marker = engine.running_marker(target)
    try:
        index = int(marker.read_text(encoding="utf-8"))
        marker.unlink()
    except (OSError, ValueError):  # no marker: fall back on what the last save recorded
        return next(
            (
                i
                for i, cell in enumerate(nb.cells)
                if cell.get("metadata", {}).get("papermill", {}).get("status") == "running"
            ),
            None,
        )
    return index if 0 <= index < len(nb.cells) else None


def cell_place(executed: Path, index: int, source: Path) -> str:
    """Where cell ``index`` (from 0) of an executed notebook is, as a reader finds it.

    papermill inserts an 'injected-parameters' cell, so cell numbers differ by one between the
    kept (executed) notebook and the section's own notebook after the parameters cell.
    """
    with contextlib.suppress(Exception):  # unreadable: say only the kept notebook's number
        cells = nbformat.read(executed, as_version=4).cells
        injected_before = sum(
            "injected-parameters" in cell.metadata.get("tags", []) for cell in cells[:index]
        )
        return (
            f"cell {index + 1} of the kept notebook "
            f"(cell {index + 1 - injected_before} of {source.name})"
        )
    return f"cell {index + 1} of the kept notebook"


def _run_section(
    notebook: str,
    target: str,
    parameters: dict[str, Any],
    cwd: str,
    data_dir: str,
    stamp: dict[str, str],
    env: dict[str, str],
) -> dict[str, Any]:
    """In the section's own process: run the notebook, record what it read; its time and its
    error ("" when it succeeded). Never raises: a failing notebook is the section's failure."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from safeguarding_report.pipeline import cache, engine

    # A stopped section ends at once (the runner kills it at its time limit anyway): its cell
    # would otherwise see SystemExit, and papermill would record it as the section's error.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    start = time.perf_counter()
    # papermill warns of parameters a notebook does not declare: every section is passed the
    # report's whole set, and uses what it needs.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    os.environ.update(env)
    os.chdir(cwd)
    watcher = cache.Watcher(Path(data_dir), Path(cwd))
    sys.addaudithook(watcher.hook())  # ends with this process
    engine.register()
    error = ""
    try:
        papermill.execute_notebook(
            notebook,
            target,
            parameters=parameters,
            engine_name=engine.ENGINE_NAME,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            log_output=False,
            # The run's key and what it read, saved with the executed notebook.
            finished=lambda nb: cache.stamp(nb, stamp, watcher.digests()),
        )
    except PapermillExecutionError as exc:
        error = f"{cell_place(Path(target), exc.cell_index, Path(notebook))}: {exc.ename}: "
        error += exc.evalue
    except Exception as exc:  # a notebook that cannot be read or parameterised
        error = f"{type(exc).__name__}: {exc}"
    return {"seconds": time.perf_counter() - start, "error": error}
