"""Run the section notebooks with papermill, in parallel, and report how each one went.

A failing section does not stop the others. Each worker process runs one notebook in its own
kernel; papermill saves the executed notebook even when a cell fails, so the traceback can be
read in it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
import time
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
        return str(Path(tempfile.mkdtemp(prefix="safeguarding-kernel-")) / "kernel")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
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
    error: str = ""  # "" when it succeeded, else "cell N: ErrorName: message"

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
) -> list[SectionRun]:
    """Execute every notebook with the same parameters; return the runs in notebook order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(notebooks)))
    runs: dict[str, SectionRun] = {}
    # 'spawn' gives each worker a clean interpreter: no state inherited from the caller.
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool,
        tqdm(total=len(notebooks), unit="section", disable=not progress, leave=True) as bar,
    ):
        futures: dict[Future[SectionRun], str] = {}
        for nb in notebooks:
            target = out_dir / nb.name
            futures[pool.submit(_run_one, nb, target, dict(parameters), cwd)] = nb.stem
        bar.set_postfix_str(_status(runs, futures.values()))
        for future in as_completed(futures):
            run = future.result()
            runs[run.name] = run
            verdict = "done  " if run.ok else "FAILED"
            bar.write(f"  {verdict} {run.name} ({run.seconds:.1f} s)")
            bar.update(1)
            bar.set_postfix_str(_status(runs, futures.values()))
    return [runs[nb.stem] for nb in notebooks]


def _status(runs: Mapping[str, SectionRun], names: Any) -> str:
    failed = sum(1 for r in runs.values() if not r.ok)
    running = len(list(names)) - len(runs)
    return f"running {running}, failed {failed}"


def _run_one(notebook: Path, target: Path, parameters: dict[str, Any], cwd: Path) -> SectionRun:
    """Worker: execute one notebook; never raises, so one failure cannot stop the pool."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
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
        )
    except PapermillExecutionError as exc:
        # exec_count is the cell's execution number; cell_index counts every cell from 0.
        error = f"cell {exc.cell_index + 1}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # a kernel that died or would not start is a failed section too
        error = f"{type(exc).__name__}: {exc}"
    return SectionRun(notebook.stem, target, time.perf_counter() - start, error)
