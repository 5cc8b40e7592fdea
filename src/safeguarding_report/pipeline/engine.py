"""A papermill engine that runs a notebook's cells in an IPython shell in this process.

papermill keeps its own behaviour (the ``parameters`` cell, the injected parameters, the
executed notebook saved with its outputs while it runs and in full at the end, a
``PapermillExecutionError`` naming the failing cell); only where the code runs changes, and
how often the notebook is saved while it runs (every five seconds at most, with a marker file
naming the running cell, so that a section stopped mid-cell still names it). Each
section runs in a fresh process forked from a warm parent that has already imported pandas,
matplotlib and the library (see ``runner``), so a section starts in milliseconds instead of
the second a Jupyter kernel takes to start and import them, and nothing one section does can
reach the next: its process ends with it.

Outputs are recorded as a Jupyter kernel would send them: ``stream`` for stdout and stderr,
``display_data`` for ``display()``, ``execute_result`` for a cell's last expression and
``error`` with the traceback for an exception.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.engines import Engine, papermill_engines
from traitlets.config import Config

ENGINE_NAME = "safeguarding-report"
SAVE_EVERY = 5.0  # seconds between saves of the executed notebook while it runs


class _Outputs:
    """Collects one cell's outputs as nbformat output nodes, in the order they happen."""

    def __init__(self) -> None:
        self.items: list[nbformat.NotebookNode] = []

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text  # one output per run of writes, as a kernel would merge them
        else:
            self.items.append(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        self.items.append(
            nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
        )

    def result(self, data: dict[str, Any], metadata: dict[str, Any], count: int) -> None:
        self.items.append(
            nbformat.v4.new_output(
                "execute_result", data=data, metadata=metadata, execution_count=count
            )
        )


class _Stream:
    """A file-like object that turns writes into stream outputs."""

    def __init__(self, outputs: _Outputs, name: str) -> None:
        self._outputs, self.name = outputs, name

    def write(self, text: str) -> int:
        self._outputs.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered."""

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    """Sends ``display()`` calls to the current cell's outputs."""

    outputs: _Outputs | None = None

    def publish(  # type: ignore[no-untyped-def]
        self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs
    ) -> None:
        if self.outputs is not None:
            self.outputs.display(dict(data), metadata)

    def clear_output(self, wait: bool = False) -> None:
        if self.outputs is not None:
            self.outputs.items.clear()


class _Hook(DisplayHook):
    """Sends a cell's last expression to the current cell's outputs as its result."""

    outputs: _Outputs | None = None

    def start_displayhook(self) -> None:
        self._data: dict[str, Any] = {}
        self._metadata: dict[str, Any] = {}

    def write_output_prompt(self) -> None:
        """No prompt: the result is recorded, not printed."""

    def write_format_data(self, format_dict: dict[str, Any], md_dict: Any = None) -> None:
        self._data, self._metadata = dict(format_dict), dict(md_dict or {})

    def finish_displayhook(self) -> None:
        if self.outputs is not None and self._data:
            self.outputs.result(self._data, self._metadata, self.prompt_count)


@dataclass
class _Shell:
    """An IPython shell whose displays go to the current cell's outputs."""

    shell: Any
    publisher: _Publisher
    hook: _Hook


def _shell() -> _Shell:
    # No history: nothing written to ~/.ipython, no thread, as a kernel run by papermill.
    config = Config()
    config.HistoryManager.enabled = False
    shell: Any = InteractiveShell.instance(config=config, colors="nocolor")
    publisher = _Publisher(shell=shell)  # type: ignore[no-untyped-call]
    hook = _Hook(shell=shell, cache_size=0)  # type: ignore[no-untyped-call]
    shell.display_pub, shell.displayhook = publisher, hook
    shell.display_trap.hook = hook  # run_cell installs the trap's hook as sys.displayhook
    # Rich reprs, as a notebook shows them: HTML, Markdown, images and our own MIME types.
    shell.display_formatter.active_types = list(shell.display_formatter.formatters)
    return _Shell(shell, publisher, hook)


@contextmanager
def _capture(shell: _Shell, outputs: _Outputs) -> Iterator[None]:
    saved = sys.stdout, sys.stderr, sys.displayhook
    shell.publisher.outputs = outputs
    shell.hook.outputs = outputs
    sys.stdout, sys.stderr = _Stream(outputs, "stdout"), _Stream(outputs, "stderr")
    sys.displayhook = shell.hook
    try:
        yield
    finally:
        sys.stdout, sys.stderr, sys.displayhook = saved
        shell.publisher.outputs = None
        shell.hook.outputs = None


class InProcessEngine(Engine):  # type: ignore[misc]
    """papermill engine: execute each code cell in this process's IPython shell."""

    @classmethod
    def execute_managed_notebook(  # type: ignore[no-untyped-def]
        cls, nb_man, kernel_name, **kwargs
    ) -> None:
        shell = _shell()
        marker = running_marker(nb_man.output_path) if nb_man.output_path else None
        save = nb_man.save
        nb_man.save = _Throttled(save)
        try:
            cls._run_cells(nb_man, shell, marker)
            # ``finished`` (an engine argument) may add to the notebook before its last save.
            if kwargs.get("finished") is not None:
                kwargs["finished"](nb_man.nb)
        finally:
            nb_man.save = save  # papermill's own last save, after the last cell, is in full
            if marker is not None:
                marker.unlink(missing_ok=True)

    @staticmethod
    def _run_cells(nb_man: Any, shell: _Shell, marker: Path | None) -> None:
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            if marker is not None:
                marker.write_text(str(index), encoding="utf-8")
            nb_man.cell_start(cell, index)
            outputs = _Outputs()
            with _capture(shell, outputs):
                result = shell.shell.run_cell(cell.source, store_history=True, silent=False)
            cell.execution_count = shell.shell.execution_count - 1
            error = result.error_before_exec or result.error_in_exec
            if error is not None:
                outputs.items.append(_error(shell.shell, error))
            cell.outputs = outputs.items
            if error is not None:
                nb_man.cell_exception(cell, cell_index=index, exception=error)
                nb_man.cell_complete(cell, cell_index=index)
                break  # papermill stops at the first error, as with a kernel
            nb_man.cell_complete(cell, cell_index=index)


class _Throttled:
    """papermill's save, at most once every SAVE_EVERY seconds as cells start and end.

    papermill writes the whole notebook as each cell starts and ends, and once before the
    first; with a section's charts and tables that is most of a short section's time. The
    running cell is known all the same from its marker file (``running_marker``), which is
    written as each cell starts, and papermill's last save, after the last cell, is in full.
    """

    def __init__(self, save: Any) -> None:
        self._save = save
        self._last = time.monotonic()  # papermill saved the notebook just before its first cell

    def __call__(self, **kwargs: Any) -> None:
        now = time.monotonic()
        if now - self._last >= SAVE_EVERY:
            self._save(**kwargs)
            self._last = now


def running_marker(output_path: str | Path) -> Path:
    """The file that holds the index of the cell running now (gone once the section ends)."""
    output = Path(output_path)
    return output.with_name(f".{output.stem}.running")


def _error(shell: Any, error: BaseException) -> nbformat.NotebookNode:
    """An error output as a kernel sends it: name, value and the formatted traceback."""
    etype, tb = type(error), error.__traceback__
    try:
        traceback = shell.InteractiveTB.structured_traceback(etype, error, tb)
    except Exception:  # formatting a traceback must never hide the error itself
        traceback = [f"{etype.__name__}: {error}"]
    output: nbformat.NotebookNode = nbformat.v4.new_output(
        "error", ename=etype.__name__, evalue=str(error), traceback=list(traceback)
    )
    return output


def register() -> None:
    """Make the engine available to ``papermill.execute_notebook(engine_name=...)``."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
