"""The build's child processes: each section, each check of the published files, and the step
run beside the sections is one function call in a process of its own (a ``Task``).

A task starts at once. In a process running no other thread it is forked from this one, after
this one has imported what tasks need (``prepare``), so nothing is imported twice and it starts
in a millisecond. A process running other threads (a Dask worker, say) must not fork, because a
lock held by another thread would stay held in the child: its tasks start from the standard
library's forkserver, which has imported the same modules (``PRELOAD``) once. What a task
returns or raises comes back through a pipe, after the records it logged, which reach this
process's loggers as they arrive, as if logged here. ``run`` runs many tasks, at most so many
at once, and kills one that is still running at its time limit; ``Task.result`` waits for one.

A task ignores Ctrl-C: its caller decides. When the caller stops (an error, Ctrl-C, SIGTERM
turned into an exception by the command line), its running tasks are stopped and waited for
before the exception goes on: SIGTERM first, which a task turns into ``SystemExit`` so that
its clean-up runs (a Chromium it started, a temporary file), then SIGKILL after a grace period.
That ``SystemExit`` is never dropped by a finalizer it lands in (``interrupts``). A caller
killed outright cannot do this: the system signals its tasks when it ends, and they stop the
same way (``_end_with_caller``). Nothing outlives the build.

Why not ``concurrent.futures`` or ``multiprocessing.Pool``: their workers are forked once, when
the pool starts, and each runs many tasks. So a task past its time limit cannot be stopped (a
running future cannot be cancelled, and killing its worker breaks the pool); a task would start
with what the one before it left in its worker, where a section must start clean (no variable,
option, module or audit hook of another section; ``execute.py``); a worker is a copy of this
process as it was when the pool started, not as warm as it is when the task starts; and on an
error ``shutdown`` waits for the running tasks instead of stopping them. What is left is what
those libraries are built from (a process, a pipe, a sentinel to wait on) and the few lines
above them that the build needs.

Batches of whole reports (``workflows/batch.py``) run on Dask instead: sharing builds out over a
cluster's workers, perhaps on several machines, and keeping going past a failed one, is a
scheduler's job, not this module's. A Dask worker starts each build as a task here, from the
forkserver; the build's process, running no other thread, forks its own tasks.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from safeguarding_report.core import registry
from safeguarding_report.pipeline import interrupts

log = logging.getLogger(__name__)

# Imported once in the process tasks are forked from (or in the forkserver), so that every
# task starts with them loaded.
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
    "safeguarding_report.pipeline.execute",
    *registry.modules(),  # every section's module
    "safeguarding_report.pipeline.warmup",
)
STOP_GRACE = 10.0  # seconds a stopped task has to clean up before it is killed


def process_context() -> Any:
    """How tasks get a process: forked from this one when it runs no other thread, else from
    the forkserver (see the module's docstring)."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return _forkserver()


def _forkserver() -> Any:
    """The standard library's forkserver, which imports PRELOAD once when it starts."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def prepare(also: Sequence[str] = ()) -> None:
    """Import what tasks need (PRELOAD), and the modules ``also`` names, in this process.

    Tasks forked from this process then start with them loaded. What the first imports made is
    set aside (``set_aside``): no collection in this process or a task's walks through it
    again, and a forked task's pages stay shared. Only the first time, so that a process
    that builds many reports (the tests, say) does not also set aside, for good, what each
    build left for the collector.
    """
    missing = [module for module in (*PRELOAD, *also) if module not in sys.modules]
    for module in missing:
        importlib.import_module(module)
    if missing:
        set_aside()


def set_aside() -> None:
    """Set aside from the garbage collector every object this process holds (``gc.freeze``)
    and return the memory it has freed (``malloc_trim``), before tasks fork from it: no
    collection in a task walks through those objects (writing to their pages), and a task's
    allocations do not land in freed pages it shares, so the pages stay shared."""
    gc.freeze()
    _trim()


def give_back() -> None:
    """Collect this process's garbage and return to the system the memory it has freed, so
    that the tasks forked from it next do not each count it in their resident set."""
    gc.collect()
    _trim()


def _trim() -> None:
    """C's ``malloc_trim``: freed memory back to the system. Where the C library has no such
    call (not glibc), nothing happens."""
    try:
        libc = ctypes.CDLL(None)
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def warm() -> None:
    """Start the forkserver now, for processes that cannot fork (see ``process_context``).

    The forkserver lives as long as this process; later builds in the same process reuse it.
    """
    _forkserver()
    from multiprocessing import forkserver

    forkserver.ensure_running()


@dataclass(frozen=True)
class Ended:
    """How a task ended: it returned ``value``, raised ``error``, or neither (it died, or was
    killed at its time limit) and its process ended with ``exitcode``."""

    name: str
    seconds: float  # from its start until it was seen to end
    returned: bool = False
    value: Any = None
    error: BaseException | None = None
    exitcode: int | None = None  # negative: the signal that ended it
    overdue: bool = False  # killed at its time limit before it returned or raised

    @property
    def how(self) -> str:
        """How its process ended, as a reader puts it: "signal 9", "exit status 1"."""
        code = self.exitcode
        return f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"

    def result(self) -> Any:
        """What it returned; what it raised is raised here, and a RuntimeError if neither."""
        if self.returned:
            return self.value
        if self.error is not None:
            raise self.error
        if self.overdue:
            raise RuntimeError(f"{self.name} was stopped at its time limit")
        raise RuntimeError(f"{self.name} stopped ({self.how}), perhaps killed or out of memory")


class Task:
    """``function(*args)`` run in a process of its own (see the module's docstring), started
    now; ``limit`` is its time limit in seconds, enforced while it is waited for (``poll``,
    ``result``, ``run``)."""

    def __init__(
        self, function: Callable[..., Any], *args: Any, name: str = "", limit: float | None = None
    ) -> None:
        self.name = name or function.__name__.strip("_")
        self.limit = limit
        self._ended: Ended | None = None
        self._outcome: tuple[bool, Any] | None = None
        self._stopped = False  # its records are no longer passed on (see ``stop``)
        self._held: list[logging.LogRecord] = []  # taken in by ``answered``, not yet passed on
        context = process_context()
        receive, send = context.Pipe(duplex=False)
        self._receive: Any = receive  # None once it is closed
        watch, self._caller = context.Pipe(duplex=False)  # see ``_end_with_caller``
        self._process = context.Process(
            target=_child,
            args=(send, (watch, self._caller), _levels(), function, args),
            name=self.name,
        )
        # Ctrl-C and SIGTERM wait until the process is started and known to this object, where
        # ``stop`` finds it: one arriving mid-start would leave it behind.
        with _signals_held():
            self._process.start()
            self.started = time.monotonic()
        send.close()
        watch.close()

    def waitables(self) -> list[Any]:
        """What to wait on (``multiprocessing.connection.wait``) until ``poll`` has news."""
        if self._ended is not None:
            return []
        receiving = [self._receive] if self._receive is not None else []
        return [*receiving, self._process.sentinel]

    def remaining(self) -> float | None:
        """Seconds until its time limit (0 when past it), or None without one."""
        if self.limit is None:
            return None
        return max(0.0, self.started + self.limit - time.monotonic())

    def poll(self) -> Ended | None:
        """Take in what the task has sent; how it ended once it has (killing it if it is past
        its time limit), else None. Never waits."""
        if self._ended is not None:
            return self._ended
        running = self._process.exitcode is None
        self._take()
        if running and self.remaining() != 0.0:
            return None
        overdue = running and self._outcome is None
        if running:  # past its limit, or still ending after its answer came at the limit
            self._process.kill()
        self._process.join()
        self._caller.close()  # only once it has ended: closing it stops the task
        self._take()
        self._close()
        seconds = time.monotonic() - self.started
        returned, value = self._outcome or (False, None)
        self._ended = Ended(
            self.name,
            seconds,
            returned=returned,
            value=value if returned else None,
            error=None if returned else value,
            exitcode=self._process.exitcode,
            overdue=overdue,
        )
        return self._ended

    def answered(self) -> bool:
        """Whether the task has answered (or ended); never waits. What it logged meanwhile is
        held, and passed on by ``poll`` (its caller's), or dropped if it is stopped."""
        if self._ended is not None:
            return True
        self._take(hold=True)
        return self._outcome is not None or self._process.exitcode is not None

    def end(self) -> Ended:
        """Wait until the task ends (or reaches its time limit); how it ended."""
        while (ended := self.poll()) is None:
            multiprocessing.connection.wait(self.waitables(), timeout=self.remaining())
        return ended

    def result(self) -> Any:
        """Wait for what the function returned; what it raised is raised here."""
        return self.end().result()

    def stop(self, grace: float = STOP_GRACE) -> None:
        """End the task if it is still running, letting its clean-up run first (see ``stop``)."""
        stop([self], grace)

    def _take(self, *, hold: bool = False) -> None:
        """Pass on the log records the task has sent (or, with ``hold``, keep them for later),
        and keep its answer; never waits."""
        if not hold:
            held, self._held = self._held, []
            for record in held if not self._stopped else ():
                _pass_on(record)
        while self._receive is not None and self._receive.poll():
            try:
                kind, payload = self._receive.recv()
            except EOFError:  # it has ended (or died mid-message)
                self._close()
                return
            except Exception as exc:  # an answer that cannot be unpickled here
                kind, payload = "raise", RuntimeError(f"{self.name}: unreadable answer ({exc})")
            if kind == "log":
                if self._stopped:
                    continue
                if hold:
                    self._held.append(payload)
                else:
                    _pass_on(payload)
            else:
                self._outcome = (kind == "return", payload)

    def _close(self) -> None:
        if self._receive is not None:
            self._receive.close()
            self._receive = None


def _pass_on(record: logging.LogRecord) -> None:
    """A task's log record, to this process's logger of the same name."""
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)


def stop(tasks: Iterable[Task], grace: float = STOP_GRACE) -> None:
    """End the tasks still running: SIGTERM, which each turns into ``SystemExit`` so that its
    clean-up runs, then SIGKILL for any still running ``grace`` seconds later.

    What they logged and this process has not yet read is dropped: the caller has given up on
    them, and what they said (a file written, say) no longer holds.
    """
    tasks = [task for task in tasks if task._ended is None]
    for task in tasks:
        task._stopped = True
        if task._process.is_alive():
            task._process.terminate()
    deadline = time.monotonic() + grace
    for task in tasks:
        task._process.join(max(0.0, deadline - time.monotonic()))
        if task._process.is_alive():
            task._process.kill()
        task._process.join()
        task.poll()


@dataclass(frozen=True)
class Call:
    """A function and its arguments, for ``run`` to start as a task when its turn comes."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    name: str = ""


def run(
    calls: Sequence[Call],
    *,
    workers: int,
    limit: float | None = None,
    ended: Callable[[int, Ended], None] | None = None,
    beside: Sequence[Task] = (),
) -> list[Ended]:
    """Run each call as a task, at most ``workers`` at once, in the order given, each within
    ``limit`` seconds; return how each ended, in that order.

    ``beside`` are tasks already running (started by the caller, which waits for them): each
    takes one of the ``workers`` places until it answers, so that no more processes run at
    once than there are places (each holds its own copy of what the tasks share); what they
    log is left for the caller to pass on when it takes their answer (``Task.answered``).
    ``ended(index, how)`` is called as each call ends. On any exception (Ctrl-C included) the
    running tasks are stopped and waited for before it goes on (those ``beside`` are the
    caller's).
    """
    waiting = list(enumerate(calls))
    running: dict[int, Task] = {}
    ends: dict[int, Ended] = {}
    try:
        while waiting or running:
            others = [task for task in beside if not task.answered()]
            while waiting and len(running) + len(others) < max(1, workers):
                index, call = waiting.pop(0)
                with _signals_held():  # until ``running`` holds it, for the clean-up below
                    running[index] = Task(call.function, *call.args, name=call.name, limit=limit)
            limits = [r for task in running.values() if (r := task.remaining()) is not None]
            watched = [*running.values(), *(others if waiting else ())]
            multiprocessing.connection.wait(
                [w for task in watched for w in task.waitables()],
                timeout=min(limits, default=None),
            )
            for index, task in list(running.items()):
                how = task.poll()
                if how is not None:
                    del running[index]
                    ends[index] = how
                    if ended is not None:
                        ended(index, how)
    except BaseException:
        stop(running.values())
        raise
    return [ends[index] for index in range(len(calls))]


_HELD = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back in this thread until the block ends; then they arrive."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _levels() -> dict[str, int]:
    """The levels set on this process's loggers, for a task started by the forkserver (which
    has none of them) to log just what this process shows."""
    loggers = logging.root.manager.loggerDict.items()
    levels = {
        name: logger.level
        for name, logger in loggers
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET
    }
    return {"": logging.root.level, **levels}


class _Sent(logging.Handler):
    """Sends each log record of a task to the process that waits for it."""

    def __init__(self, send: Any) -> None:
        super().__init__()
        self._send = send
        self._sending = threading.Lock()  # a record and the answer are never interleaved

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # Its arguments and traceback may not pickle: sent as the text they make.
            record.msg, record.args = record.getMessage(), None
            if record.exc_info:
                record.exc_text = record.exc_text or logging.Formatter().formatException(
                    record.exc_info
                )
            record.exc_info = None
            self.send(("log", record))
        except Exception:
            self.handleError(record)

    def send(self, message: tuple[str, Any]) -> None:
        with self._sending:
            self._send.send(message)


def _end_with_caller(watch: Any, kept: Any) -> None:
    """In a task's process: be sent SIGIO, which ``_child`` turns into ``SystemExit`` as it does
    SIGTERM, when the process that started the task ends. ``watch`` is the reading end of a
    pipe that process holds the other end of (``kept``) and never writes to: the system
    signals the reader once the last writer has gone (``O_ASYNC``). So a task whose caller was
    killed outright (a Dask worker stopped with its batch) stops and cleans up instead of
    running on alone. This process's copy of ``kept`` (forked with it) is closed first."""
    kept.close()
    fd = watch.fileno()
    fcntl.fcntl(fd, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC)
    if watch.poll():  # it ended before this process asked to be told
        signal.raise_signal(signal.SIGIO)


def _child(
    send: Any,
    caller: tuple[Any, Any],
    levels: dict[str, int],
    function: Callable[..., Any],
    args: tuple[Any, ...],
) -> None:
    """In the task's own process: run the function and send back what it returned or raised."""

    def stopped(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)  # clean-up (finally blocks) runs on the way out

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group
    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGIO, stopped)
    _end_with_caller(*caller)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # started while the parent held them
    sent = _Sent(send)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(sent)
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)
    try:
        with interrupts.never_lost((SystemExit,)):
            outcome: tuple[str, Any] = ("return", function(*args))
    except Exception as exc:  # sent whole, so the caller raises the same error
        outcome = ("raise", exc)
    try:
        sent.send(outcome)
    except Exception as exc:  # an answer that cannot be pickled: its words are enough
        sent.send(("raise", RuntimeError(f"{type(exc).__name__}: {outcome[1]}")))
    send.close()
