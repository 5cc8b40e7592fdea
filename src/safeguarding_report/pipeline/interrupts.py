"""Ctrl-C and SIGTERM, once turned into an exception, are never lost.

Python runs a signal's handler in the main thread between two of its steps, wherever it is.
When that is inside a finalizer (a ``__del__``, or a weak reference's callback such as the
one multiprocessing runs to close the pipes of a finished task's process), the exception the
handler raises cannot go anywhere: Python prints "Exception ignored in ..." and drops it, and
the command goes on as if the signal had never come. A build told to stop would then run to
its end, Chromium and all.

While ``never_lost`` is active, such an exception is raised again a millisecond later (by a
SIGALRM, whose handler raises it), which is once the finalizer has returned: the stop goes
on from the next step, as if the signal had arrived there.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

AGAIN_AFTER = 0.001  # seconds from the dropped exception to its raising again


@contextmanager
def never_lost(kinds: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Raise again any exception of ``kinds`` that a finalizer would drop (main thread only)."""
    dropped: list[BaseException] = []
    armed: list[bool] = []  # whether this set the timer (one that was set before is left be)

    def again(signum: int, frame: FrameType | None) -> None:
        if dropped:
            raise dropped.pop()

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, kinds):
            dropped.append(unraisable.exc_value)
            armed.append(True)
            signal.setitimer(signal.ITIMER_REAL, AGAIN_AFTER)
        else:
            previous_hook(unraisable)

    previous_hook = sys.unraisablehook
    previous_alarm = signal.signal(signal.SIGALRM, again)
    sys.unraisablehook = hook
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_alarm)
        sys.unraisablehook = previous_hook
