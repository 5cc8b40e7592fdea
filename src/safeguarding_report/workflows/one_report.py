"""One report of a batch, as a Dask worker builds it: the task ``batch.run`` sends, and how it went.

A worker holds Dask and this module, never pandas, matplotlib or the data: ``build_one`` first
plans the build and asks whether anything changed since the report was published (reading
only the params file and the files' hashes), and when something has, builds it from that plan
(``build.build_from``: the kit's normal build, after its own such check) in a process of its
own, started by the forkserver that the build's sections would otherwise start from
(``runner.Task``). That process starts with what the sections import already loaded (pandas,
matplotlib, the kit's sections), imports the build's own stages, and forks the build's checks
and sections from itself, as a build from the command line does: what they share is loaded
once per worker, in the forkserver, and never in the worker itself. When the batch is stopped
(its Dask tasks cancelled), or the worker dies, the build is stopped (``runner``: a task ends
when its caller does): it cleans up after itself and publishes nothing.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing.connection
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safeguarding_report.core import params, store
from safeguarding_report.core.errors import ReportError
from safeguarding_report.pipeline import runner
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.pipeline.plan import Plan, Project, make, up_to_date

_LOOK_AGAIN = 0.2  # seconds between looks at whether the batch was stopped

BUILT = "built"
REUSED = "reused"
FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """How one report of a batch went."""

    report: str  # the report id, or what names it when its params file could not be made
    status: str  # BUILT, REUSED or FAILED
    reason: str = ""  # FAILED: what went wrong, on one line
    seconds: float = 0.0
    params: str = ""  # the params file, when there is one

    @property
    def ok(self) -> bool:
        """True when the report is built (now or before)."""
        return self.status != FAILED


def one_line(exc: BaseException) -> str:
    """What went wrong, on one line: the kit's own message, else the error's type and text."""
    text = str(exc) if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else type(exc).__name__


def build_one(params_path: str, root: str, options: BuildOptions) -> Outcome:
    """Build one report (on a worker) with ``options``; never raises for a report that fails.

    A report with nothing changed since it was published is reused without starting a build.
    """
    start = time.monotonic()
    path = Path(params_path)
    name = path.stem
    try:
        name = params.load(path).id
        with store.remembering():  # each data file hashed once for all the sections' keys
            plan = make(path, Project(Path(root)), options)
            if up_to_date(plan):
                return Outcome(name, REUSED, "", time.monotonic() - start, params_path)
        _wait(runner.Task(_build, plan, name=f"build of {name}"))
    except Exception as exc:
        return Outcome(name, FAILED, one_line(exc), time.monotonic() - start, params_path)
    return Outcome(name, BUILT, "", time.monotonic() - start, params_path)


def _wait(build: runner.Task) -> None:
    """Wait for the build's process; stop it (it cleans up and publishes nothing) if the batch
    is stopped meanwhile, which the scheduler tells this worker by cancelling the Dask task:
    the worker's thread that runs the task cannot be stopped, but the build's process can."""
    cancelled = _cancelled()
    while (ended := build.poll()) is None:
        multiprocessing.connection.wait(build.waitables(), timeout=_LOOK_AGAIN)
        if cancelled():
            build.stop()
            raise ReportError("stopped with the batch; its last published report was kept")
    ended.result()


def _cancelled() -> Callable[[], bool]:
    """Whether the Dask task running in this thread has been cancelled (never, elsewhere)."""
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # not on a Dask worker
        return lambda: False
    key = worker.get_current_task()

    def cancelled() -> bool:
        task = worker.state.tasks.get(key)
        return task is None or task.state == "cancelled"

    return cancelled


def _build(plan: Plan) -> None:
    """In the build's own process: build the report the worker planned."""
    from safeguarding_report.pipeline.build import build_from  # not in the worker

    # Each section's one-line result would interleave across reports: the batch's own
    # progress bar and summary say how each report went.
    with contextlib.redirect_stdout(io.StringIO()):
        build_from(plan)
