"""Run the section notebooks with papermill, in parallel, and report how each one went.

Each section runs in a process of its own, forked from the build's process once that has
imported pandas, matplotlib, IPython and the library (``prepare``), or, in a process running
other threads, from the standard library's ``forkserver`` warmed with the same imports.
papermill executes the notebook there with an in-process engine (``engine.py``): the
parameters cell, the injected parameters, the executed notebook saved while it runs and in
full at the end, and a clear failure, as with a Jupyter kernel, but a section starts in
milliseconds instead of the second a kernel takes to start and import. A section's process
ends with it, so no variable, figure, option or imported module can leak into the next.

A failing section does not stop the others. A section still running after
``section_timeout`` seconds, or whose process dies, fails with a message naming the cell that
was running, and that cell of the kept notebook says so. While a section runs, every data file
and folder it opens is recorded (``cache.Watcher``); the executed notebook carries that record
and its cache key, for ``cache.check``.

On any exit (an error, Ctrl-C, SIGTERM turned into an exception by the command line) the
running sections are killed and waited for before the exception goes on: nothing outlives the
run.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from tqdm import tqdm

log = logging.getLogger(__name__)

DEFAULT_SECTION_TIMEOUT = 600.0  # seconds
KERNEL_NAME = "python3"
# Imported once in the server process, so every section's process starts with them loaded.
PRELOAD: tuple[str, ...] = (
    "pandas",
    "numpy",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.font_manager",
    "afcharts",
    "IPython.core.interactiveshell",
    "IPython.core.application",  # these, as a section's shell starts
    "IPython.core.completer",
    "IPython.core.magics",
    "IPython.core.oinspect",
    "IPython.core.completerlib",
    "IPython.core.logger",
    "bdb",
    "encodings.utf_8_sig",
    "papermill",
    "nbformat",
    "safeguarding_report.pipeline.engine",
    "safeguarding_report.pipeline.cache",
    "safeguarding_report.report.sections.foreword",
    "safeguarding_report.report.sections.local_context",
    "safeguarding_report.report.sections.arrangements",
    "safeguarding_report.report.sections.priorities",
    "safeguarding_report.report.sections.performance",
    "safeguarding_report.report.sections.reviews",
    "safeguarding_report.report.sections.training",
    "safeguarding_report.report.sections.quality_assurance",
    "safeguarding_report.report.sections.voice",
    "safeguarding_report.report.sections.scrutiny",
    "safeguarding_report.report.sections.next_priorities",
    "safeguarding_report.pipeline.warmup",
)
_POLL_SECONDS = 0.05


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


@dataclass
class _Job:
    notebook: Path
    target: Path
    result: Path
    stamp: dict[str, str]
    process: Any = None
    started: float = 0.0


# A progress bar's monitor thread would make a build's process multi-threaded (see
# process_context); the bars here are redrawn as sections end, and need no monitor.
tqdm.monitor_interval = 0


def process_context() -> Any:
    """How sections (and the build's other work) get a process.

    A process with no other thread forks them itself: it has imported what they need (see
    ``prepare``), so nothing is imported twice and each starts in a millisecond. A process
    running other threads (a Dask worker, say) must not fork, because a lock held by another
    thread would stay held in the child: it starts them from the standard library's
    forkserver, which has imported PRELOAD once.
    """
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return _forkserver()


def _forkserver() -> Any:
    """The standard library's forkserver, which imports PRELOAD once when it starts."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def prepare(also: Sequence[str] = ()) -> None:
    """Import what sections need (PRELOAD), and the modules ``also`` names, in this process.

    Sections forked from this process then start with them loaded. What the first imports
    made is set aside from the garbage collector (``gc.freeze``): no collection in this process
    or a section's walks through it again, and a forked section's pages stay shared. Only the
    first time, so that a process that builds many reports (a Dask worker, the tests) does not
    also set aside, for good, what each build left for the collector.
    """
    missing = [module for module in (*PRELOAD, *also) if module not in sys.modules]
    for module in missing:
        importlib.import_module(module)
    if missing:
        gc.freeze()


def warm() -> None:
    """Start the forkserver now, for processes that cannot fork (see ``process_context``).

    The forkserver lives as long as this process; later builds in the same process reuse it.
    """
    _forkserver()
    from multiprocessing import forkserver

    forkserver.ensure_running()


class Background:
    """One function run in a process of its own (from ``process_context``) while the caller
    goes on; ``result`` waits for what it returned, or raises what it raised.

    Used for the build's steps that do not depend on the sections (the cover report), so that
    they run beside them. What the function logs is passed on to this process's loggers with
    its result, so it reads as if logged here. The process ignores Ctrl-C, as a section does:
    the caller decides, and ``stop`` ends it, letting its own clean-up run first.
    """

    def __init__(self, function: Any, *args: Any) -> None:
        context = process_context()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_send_result, args=(send, function, args), name=f"build {function.__name__}"
        )
        with _signals_held():
            self._process.start()
        send.close()

    def result(self) -> Any:
        """What the function returned; what it raised is raised here."""
        try:
            ok, value, records = self._receive.recv()
        except EOFError:  # it died without a word
            self._process.join()
            raise RuntimeError(
                f"{self._process.name} stopped (exit status {self._process.exitcode}), "
                "perhaps killed or out of memory"
            ) from None
        finally:
            self._receive.close()
        self._process.join()
        for record in records:
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)
        if not ok:
            raise value
        return value

    def stop(self, grace: float = 10.0) -> None:
        """End the process if it is still running: SIGTERM, so that it cleans up (a Chromium
        it started, its profile), then SIGKILL after ``grace`` seconds."""
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(grace)
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


class _Kept(logging.Handler):
    """Keeps the log records of a background step, ready to send to the process that waits."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # its arguments may not pickle
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        self.records.append(record)


def _send_result(send: Any, function: Any, args: tuple[Any, ...]) -> None:
    def stopped(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)  # clean-up (finally blocks) runs on the way out

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stopped)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # started while the parent held them
    kept = _Kept()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(kept)
    root.setLevel(logging.DEBUG)  # the caller's levels decide what is shown
    try:
        outcome: tuple[bool, Any] = (True, function(*args))
    except Exception as exc:  # sent whole, so the caller raises the same error
        outcome = (False, exc)
    try:
        send.send((*outcome, kept.records))
    except Exception as exc:  # an error that cannot be pickled: its words are enough
        send.send((False, RuntimeError(f"{type(exc).__name__}: {outcome[1]}"), kept.records))
    send.close()


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
) -> list[SectionRun]:
    """Execute every notebook with the same parameters; return the runs in notebook order.

    ``data_dir`` is the folder whose files a section's reads are recorded from (default
    ``cwd/data``); ``keys`` gives each notebook's cache key (by stem) to stamp on the
    executed notebook with those reads; ``env`` is added to each section's environment
    (sections are forked from the server, not from this process, so they do not see changes
    made to this process's environment).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if not notebooks:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(notebooks)))
    data_dir = (data_dir or cwd / "data").resolve()
    jobs = [
        _Job(
            nb,
            out_dir / nb.name,
            out_dir / f".{nb.stem}.result.json",
            dict((keys or {}).get(nb.stem, {})),
        )
        for nb in notebooks
    ]
    waiting: list[_Job] = list(jobs)
    running: list[_Job] = []
    runs: dict[str, SectionRun] = {}
    context = process_context()
    try:
        with tqdm(total=len(jobs), unit="section", disable=not progress, leave=True) as bar:
            while waiting or running:
                while waiting and len(running) < workers:
                    job = waiting.pop(0)
                    job.process = context.Process(
                        target=_run_section,
                        args=(
                            str(job.notebook),
                            str(job.target),
                            dict(parameters),
                            str(cwd),
                            str(data_dir),
                            str(job.result),
                            job.stamp,
                            dict(env or {}),
                        ),
                        name=f"section {job.notebook.stem}",
                    )
                    # start() returns once the section's process is forked (by the forkserver,
                    # after its own imports the first time), so the time limit starts there.
                    # Ctrl-C and SIGTERM wait until the process is in ``running``, where the
                    # cleanup below finds it: one arriving mid-start would leave it behind.
                    with _signals_held():
                        job.process.start()
                        job.started = time.monotonic()
                        running.append(job)
                bar.set_postfix_str(f"running {len(running)}, failed {_failed(runs)}")
                multiprocessing.connection.wait(
                    [j.process.sentinel for j in running], timeout=_POLL_SECONDS
                )
                for job in list(running):
                    overdue = time.monotonic() - job.started > section_timeout
                    if job.process.is_alive() and not overdue:
                        continue
                    if job.process.is_alive():
                        job.process.kill()
                    job.process.join()
                    running.remove(job)
                    run = _finish(job, section_timeout, overdue)
                    runs[run.name] = run
                    if progress:
                        verdict = "done  " if run.ok else "FAILED"
                        bar.write(f"  {verdict} {run.name} ({run.seconds:.1f} s)")
                    bar.update(1)
    except BaseException:
        for job in running:
            with contextlib.suppress(Exception):
                job.process.kill()
                job.process.join()
                job.result.unlink(missing_ok=True)
        raise
    return [runs[nb.stem] for nb in notebooks]


_HELD = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back in this thread until the block ends; then they arrive."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _failed(runs: Mapping[str, SectionRun]) -> int:
    return sum(1 for r in runs.values() if not r.ok)


def _finish(job: _Job, section_timeout: float, overdue: bool) -> SectionRun:
    """The run of a finished (or stopped) section process, from what it left behind."""
    seconds = time.monotonic() - job.started
    name = job.notebook.stem
    try:
        result = json.loads(job.result.read_text(encoding="utf-8"))
        job.result.unlink()
    except (OSError, ValueError):
        result = None
    if result is not None:
        return SectionRun(name, job.target, result["seconds"], result["error"])
    if overdue:
        why = (
            f"was still running when the section reached its time limit of {section_timeout:g} "
            "s (section_timeout), so it was stopped. Check that cell for a loop that never ends "
            "or a wait for input; if the section is simply slow, build with a longer "
            "section_timeout"
        )
    else:
        code = job.process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        why = (
            f"was running when the section's process died ({how}), perhaps killed or out of memory"
        )
    place = _mark_stopped(job, why)
    return SectionRun(name, job.target, seconds, f"{place} {why}.")


def _mark_stopped(job: _Job, why: str) -> str:
    """Record in the kept notebook that its running cell was stopped; return where it is."""
    try:
        nb = nbformat.read(job.target, as_version=4)
    except Exception:  # nothing saved yet: the process died before its first cell
        return "the section (before its first cell)"
    index = _running_cell(job.target, nb)
    if index is None:
        return "the section"
    nb.cells[index].setdefault("metadata", {}).setdefault("papermill", {})["status"] = "running"
    nb.cells[index].outputs.append(
        nbformat.v4.new_output(
            "error", ename="SectionStopped", evalue=f"This cell {why}.", traceback=[]
        )
    )
    nbformat.write(nb, job.target)
    return cell_place(job.target, index, job.notebook)


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
    result_file: str,
    stamp: dict[str, str],
    env: dict[str, str],
) -> None:
    """In the section's own process: run the notebook, record what it read, write a result.

    Never raises: the parent reads the result file (a process that dies leaves none).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from safeguarding_report.pipeline import cache, engine

    # Ctrl-C reaches the whole process group; the parent decides, and kills us if need be.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # forked while the parent held them
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
    result = {"seconds": time.perf_counter() - start, "error": error}
    Path(result_file).write_text(json.dumps(result), encoding="utf-8")
