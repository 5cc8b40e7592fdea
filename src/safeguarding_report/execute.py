"""Run the section notebooks with papermill, in parallel, and report how each one went.

A failing section does not stop the others. Each worker process runs one notebook in its own
kernel; papermill saves the executed notebook even when a cell fails, so the traceback can be
read in it. A section that runs longer than ``section_timeout`` seconds fails, naming the cell
that was still running.

Nothing outlives the run: kernels talk over sockets in one temporary folder per run, removed at
the end whatever happens; when the run is interrupted (Ctrl-C, SIGTERM, an error in the caller)
the workers are stopped and each kills its kernel on the way out.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from tqdm import tqdm
from traitlets import CaselessStrEnum, default

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"
DEFAULT_SECTION_TIMEOUT = 600.0  # seconds
KERNEL_DIR_PREFIX = "safeguarding-kernel-"
_KERNEL_ROOT_ENV = "SAFEGUARDING_REPORT_KERNEL_ROOT"
_WORKER_STOP_SECONDS = 10.0

# This worker's live kernel managers, for the SIGTERM handler to kill their kernels.
_live_kernels: weakref.WeakSet[QuietKernelManager] = weakref.WeakSet()


class QuietKernelManager(AsyncKernelManager):
    """Talks to its kernel over Unix sockets in a folder of its own: local only, no TCP ports.

    Its kernels are quiet: no warning about unencrypted TCP, no interrupt at shutdown.

    Over TCP, ipykernel warns on every start that its traffic is unencrypted; over IPC
    nothing leaves the machine. The socket files live in a fresh temporary folder, so kernels
    running side by side never share an endpoint.
    """

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    @default("ip")
    def _ip_default(self) -> str:
        # Inside the run's own folder (see execute), so that nothing can be left behind.
        root = os.environ.get(_KERNEL_ROOT_ENV) or None
        _live_kernels.add(self)
        # Short names: a Unix socket's path must stay under 108 bytes.
        return str(Path(tempfile.mkdtemp(prefix="k-", dir=root)) / "kernel")

    @default("connection_file")
    def _connection_file_default(self) -> str:
        # Beside the sockets (not a loose tmp*.json in /tmp), so it goes when they go.
        return str(Path(self.ip).parent / "kernel.json")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)
            _live_kernels.discard(self)

    def kill_now(self) -> None:
        """Kill the kernel's process group and remove its sockets (from a signal handler)."""
        pgid = getattr(self.provisioner, "pgid", None)
        if pgid:
            with contextlib.suppress(OSError):
                os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.cleanup_connection_file()
        shutil.rmtree(Path(self.ip).parent, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources  # the name the async manager calls

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client sends SIGINT before every shutdown; a finished section's kernel is
        # idle, and ipykernel would log the interrupt as an error in the build's output.
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel


@dataclass(frozen=True)
class SectionRun:
    """How one section's execution went."""

    name: str  # notebook stem, e.g. "01_local_context"
    executed: Path  # the executed notebook (with the traceback when it failed)
    seconds: float
    # "" when it succeeded, else e.g. "cell 5 of the kept notebook (cell 4 of 02_x.ipynb):
    # ErrorName: message"
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when every cell ran without error."""
        return not self.error


def execute(
    notebooks: Sequence[Path],
    parameters: Mapping[str, Any],
    out_dir: Path,
    *,
    cwd: Path,
    workers: int | None = None,
    progress: bool = True,
    section_timeout: float = DEFAULT_SECTION_TIMEOUT,
) -> list[SectionRun]:
    """Execute every notebook with the same parameters; return the runs in notebook order.

    A section still running after ``section_timeout`` seconds fails (its other cells never
    run); the others go on.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(notebooks)))
    runs: dict[str, SectionRun] = {}
    kernel_root = tempfile.mkdtemp(prefix=KERNEL_DIR_PREFIX)
    # 'spawn' gives each worker a clean interpreter: no state inherited from the caller.
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(kernel_root,),
    )
    try:
        with tqdm(total=len(notebooks), unit="section", disable=not progress, leave=True) as bar:
            futures: dict[Future[SectionRun], str] = {}
            for nb in notebooks:
                target = out_dir / nb.name
                job = (nb, target, dict(parameters), cwd, section_timeout)
                futures[pool.submit(_run_one, *job)] = nb.stem
            bar.set_postfix_str(_status(runs, futures.values()))
            for future in as_completed(futures):
                run = future.result()
                runs[run.name] = run
                verdict = "done  " if run.ok else "FAILED"
                bar.write(f"  {verdict} {run.name} ({run.seconds:.1f} s)")
                bar.update(1)
                bar.set_postfix_str(_status(runs, futures.values()))
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(kernel_root, ignore_errors=True)
    return [runs[nb.stem] for nb in notebooks]


def _start_worker(kernel_root: str) -> None:
    """In each worker: kernels in the run's folder; stopped only by the parent, cleanly."""
    os.environ[_KERNEL_ROOT_ENV] = kernel_root
    # Ctrl-C reaches the whole process group; the parent decides, and stops us with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)


def _stop_worker(signum: int, frame: object) -> None:
    """SIGTERM in a worker: kill this worker's kernels (their own sessions) and exit at once."""
    for manager in list(_live_kernels):
        manager.kill_now()
    os._exit(128 + signum)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (each kills its kernel), instead of waiting for its section."""
    # The pool keeps its processes private; there is no public way to stop a running task.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + _WORKER_STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _status(runs: Mapping[str, SectionRun], names: Any) -> str:
    failed = sum(1 for r in runs.values() if not r.ok)
    running = len(list(names)) - len(runs)
    return f"running {running}, failed {failed}"


def _run_one(
    notebook: Path, target: Path, parameters: dict[str, Any], cwd: Path, section_timeout: float
) -> SectionRun:
    """Worker: execute one notebook; never raises, so one failure cannot stop the pool."""
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    deadline = time.monotonic() + section_timeout
    running: dict[str, Any] = {}

    def time_left(cell: Any) -> float:
        # nbclient asks before each cell: the section's budget, not a fresh one per cell.
        running["cell"] = cell
        return max(deadline - time.monotonic(), 0.001)

    error = ""
    try:
        papermill.execute_notebook(
            str(notebook),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            kernel_manager_class=QuietKernelManager,
            timeout_func=time_left,
        )
    except PapermillExecutionError as exc:
        error = f"{_cell_place(target, exc.cell_index, notebook)}: {exc.ename}: {exc.evalue}"
    except CellTimeoutError:
        cell = running.get("cell")
        index = _index_of(target, cell) if cell is not None else None
        place = _cell_place(target, index, notebook) if index is not None else "a cell"
        error = (
            f"{place} was still running when the section reached its time limit of "
            f"{section_timeout:g} s (section_timeout), so it was stopped. Check that cell for "
            "a loop that never ends or a wait for input; if the section is simply slow, build "
            "with a longer section_timeout."
        )
    except Exception as exc:  # a kernel that died or would not start is a failed section too
        error = f"{type(exc).__name__}: {exc}"
    return SectionRun(notebook.stem, target, time.perf_counter() - start, error)


def _cell_place(executed: Path, index: int, source: Path) -> str:
    """Where cell ``index`` (from 0) of an executed notebook is, as a reader finds it.

    papermill inserts an 'injected-parameters' cell, so cell numbers differ by one between the
    kept (executed) notebook and the section's own notebook after the parameters cell.
    """
    injected_before = 0
    with contextlib.suppress(Exception):  # unreadable: say only the kept notebook's number
        import nbformat

        cells = nbformat.read(executed, as_version=4).cells
        injected_before = sum(
            "injected-parameters" in cell.metadata.get("tags", []) for cell in cells[:index]
        )
        return (
            f"cell {index + 1} of the kept notebook "
            f"(cell {index + 1 - injected_before} of {source.name})"
        )
    return f"cell {index + 1} of the kept notebook"


def _index_of(executed: Path, cell: Any) -> int | None:
    """Index of ``cell`` in the saved notebook, by its id (nbformat 4.5 cells carry one)."""
    import nbformat

    with contextlib.suppress(Exception):
        cells = nbformat.read(executed, as_version=4).cells
        for index, candidate in enumerate(cells):
            if candidate.get("id") == cell.get("id"):
                return index
    return None
