"""A stop signal that arrives while a finalizer runs still stops the command or the task.

Python drops an exception raised inside a finalizer; a SIGTERM whose handler ran there was
lost, and a build told to stop ran on to its end (printing its PDF with Chromium). Each test
sends the signal from inside a weak reference's callback, where the handler runs.
"""

from __future__ import annotations

import os
import signal
import time
import weakref

from safeguarding_report.pipeline import command, runner


def _signalled_inside_a_finalizer(signum: int) -> weakref.ref[object]:
    """Make and drop an object whose finalizer sends ``signum`` to this process, so that its
    handler runs inside the finalizer; return the weak reference (kept alive by the caller)."""

    class Dropped:
        pass

    def finalizer(_: object) -> None:
        os.kill(os.getpid(), signum)
        for _step in range(10_000):  # the handler runs at one of these steps
            pass

    dropped = Dropped()
    reference = weakref.ref(dropped, finalizer)
    del dropped
    return reference


def test_a_sigterm_inside_a_finalizer_still_ends_the_command(capsys) -> None:  # type: ignore[no-untyped-def]
    went_on: list[str] = []

    def action() -> int:
        reference = _signalled_inside_a_finalizer(signal.SIGTERM)
        time.sleep(5)  # the command would go on to its end
        went_on.append(str(reference))
        return 0

    started = time.monotonic()
    status = command.run(action, debug=False)
    assert status == 128 + signal.SIGTERM
    assert went_on == []
    assert time.monotonic() - started < 4
    assert capsys.readouterr().err == "terminated: the previous report was left as it was.\n"


def _stopped_inside_a_finalizer() -> str:
    reference = _signalled_inside_a_finalizer(signal.SIGTERM)
    time.sleep(30)  # the task would go on until killed at its time limit
    return str(reference)


def test_a_sigterm_inside_a_finalizer_still_ends_a_task_through_its_clean_up() -> None:
    ended = runner.Task(_stopped_inside_a_finalizer, limit=20).end()
    assert not ended.overdue
    assert not ended.returned
    assert ended.exitcode == 128 + signal.SIGTERM
    assert ended.seconds < 10
