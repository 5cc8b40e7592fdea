"""The build's child processes: a task past its time limit is killed and the others go on, what
a task logs reaches the build as it happens, and a build that stops ends its tasks first."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from conftest import wait_for
from safeguarding_report.pipeline import runner
from safeguarding_report.pipeline.runner import Call, Task

log = logging.getLogger("safeguarding_report.test_runner")


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _pid() -> int:
    return os.getpid()


def _logs_then_hangs(started: Path) -> None:
    log.warning("about to hang")
    started.touch()
    time.sleep(120)


def _cleans_up(started: Path, cleaned: Path) -> None:
    started.touch()
    try:
        time.sleep(120)
    finally:
        cleaned.touch()  # where a step removes its Chromium and its temporary files


def test_a_task_past_its_time_limit_is_killed_and_the_others_go_on() -> None:
    start = time.monotonic()
    ended = runner.run(
        [Call(_sleep, (60,), "stuck"), Call(_sleep, (0.1,), "quick"), Call(_sleep, (0.2,))],
        workers=2,
        limit=2,
    )
    assert time.monotonic() - start < 30
    stuck, quick, third = ended
    assert stuck.overdue and not stuck.returned and stuck.how == "signal 9"
    assert 2 <= stuck.seconds < 30
    assert (quick.name, quick.result()) == ("quick", 0.1)
    assert (third.name, third.result()) == ("sleep", 0.2)
    with pytest.raises(RuntimeError, match="stuck was stopped at its time limit"):
        stuck.result()


def test_every_task_has_a_process_of_its_own() -> None:
    ended = runner.run([Call(_pid), Call(_pid), Call(_pid)], workers=1)
    pids = [end.result() for end in ended]
    assert len(set(pids)) == 3 and os.getpid() not in pids


def test_what_a_task_logs_reaches_the_build_as_it_happens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="safeguarding_report")
    started = tmp_path / "started"
    task = Task(_logs_then_hangs, started, limit=60)
    try:
        wait_for(started.exists)
        wait_for(lambda: task.poll() is None and "about to hang" in caplog.text, seconds=10)
    finally:
        task.stop()
    assert task.end().exitcode == 128 + 15, "SIGTERM ended it through its clean-up"


def test_a_build_that_stops_ends_its_running_tasks_after_their_clean_up(tmp_path: Path) -> None:
    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    first = []

    def interrupted(index: int, how: runner.Ended) -> None:
        first.append(how)
        wait_for(started.exists)
        raise KeyboardInterrupt  # Ctrl-C while the other task runs

    with pytest.raises(KeyboardInterrupt):
        runner.run(
            [Call(_sleep, (0,)), Call(_cleans_up, (started, cleaned))], workers=2, ended=interrupted
        )
    assert first[0].returned
    assert cleaned.exists(), "its finally blocks ran before the interruption went on"


def test_a_task_that_dies_says_how() -> None:
    (ended,) = runner.run([Call(os._exit, (3,), "exits")], workers=1)
    assert not ended.returned and ended.error is None and ended.how == "exit status 3"
    with pytest.raises(RuntimeError, match=r"exits stopped \(exit status 3\)"):
        ended.result()


def _span(seconds: float) -> tuple[float, float]:
    start = time.monotonic()
    time.sleep(seconds)
    return start, time.monotonic()


def test_a_task_running_beside_takes_a_workers_place_until_it_ends() -> None:
    # The cover report's process runs beside the sections: no more processes at once than
    # places, so that the build's memory is paid for at most ``workers`` copies.
    beside = Task(_span, 1.0, name="cover")
    ended = runner.run([Call(_span, (0.5,)), Call(_span, (0.5,))], workers=2, beside=[beside])
    (_, first_end), (second_start, _) = (e.result() for e in ended)
    _, cover_end = beside.result()
    # One place left while the cover ran: the second call started only once the first had
    # ended or the cover had answered, however late each process got going.
    assert second_start >= first_end or second_start >= cover_end


def _logs_then_returns() -> str:
    log.warning("written")
    return "done"


def test_what_a_task_beside_logs_waits_for_its_caller_and_is_dropped_if_it_is_stopped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The cover report says it was written only once the build takes its answer: a build
    # stopped before then publishes nothing, and says nothing of it.
    beside = Task(_logs_then_returns, name="cover")
    with caplog.at_level(logging.WARNING, logger=log.name):
        runner.run([Call(_sleep, (0.3,))], workers=2, beside=[beside])
        wait_for(beside.answered)
        assert "written" not in caplog.text
        assert beside.result() == "done"
        assert "written" in caplog.text
    caplog.clear()
    stopped = Task(_logs_then_returns, name="cover")
    with caplog.at_level(logging.WARNING, logger=log.name):
        wait_for(stopped.answered)
        stopped.stop()
    assert "written" not in caplog.text
