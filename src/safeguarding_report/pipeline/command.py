"""A command's run and its end, and the build as a command.

The command line (``cli``) runs every command through ``run``, and a build forked in the
build server (``server``) runs ``run_build`` through it too, so that a build ends the same way
in either: any error becomes one clear message and exit status 1 (``debug`` lets the traceback
through instead). Ctrl-C and SIGTERM take the same path: the build removes what it had made so
far (staging folder, kernels and their sockets, Chromium and its profile, partial files),
leaves the previous report as it was, and the command says so in one line and exits with 128
plus the signal's number.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from safeguarding_report.core.errors import ReportError
from safeguarding_report.pipeline import interrupts
from safeguarding_report.pipeline.options import BuildOptions

PACKAGE_LOGGER = "safeguarding_report"
# What a build prints: the files it published, those of them there are.
LISTED = ("report.html", "report.pdf", "figures.csv", "manifest.json")


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so cleanup is the same."""


def run(action: Callable[[], int], *, debug: bool) -> int:
    """Run one command's ``action`` and return its exit status, ending as described above."""
    # The kit says what it does; other libraries (pikepdf, papermill ...) only warnings.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger(PACKAGE_LOGGER).setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        with interrupts.never_lost((KeyboardInterrupt,)), _sigterm_as_interrupt():
            return action()
    except KeyboardInterrupt as exc:
        name = "terminated" if isinstance(exc, _Terminated) else "interrupted"
        print(f"{name}: the previous report was left as it was.", file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(exc, _Terminated) else signal.SIGINT)
    except Exception as exc:
        if debug:
            raise
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1


def run_build(params_path: Path, root: Path, options: BuildOptions) -> int:
    """Build one report of the project at ``root`` in this process and print the files it
    published; 0 (a failure raises, for ``run`` to report)."""
    from safeguarding_report.pipeline.build import Project, build  # heavy: only when building

    target = build(params_path, Project(root), options)
    for name in LISTED:
        if (target / name).exists():
            print(target / name)
    return 0


def _one_line(exc: Exception) -> str:
    """What went wrong, for a reader: the kit's own message, or the error and where."""
    if isinstance(exc, ReportError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}. Run again with --debug to see where it happened."
    return (
        f"unexpected {type(exc).__name__}: {exc}. This is a fault in the kit: run again with "
        "--debug and report the traceback."
    )


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM raises ``_Terminated`` (a KeyboardInterrupt) in the main
    thread."""

    def terminated(signum: int, frame: FrameType | None) -> None:
        # Once is enough: a second SIGTERM during cleanup must not cut the cleanup short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
