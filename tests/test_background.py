"""A build step run beside the sections: its result, its errors and its log reach the build,
and a stopped step cleans up before it ends."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import wait_for
from safeguarding_report.core.errors import DataError
from safeguarding_report.pipeline.runner import Task, process_context

log = logging.getLogger("safeguarding_report.test_background")


def _answer(a: int, b: int) -> int:
    log.info("adding %d and %d", a, b)
    log.debug("a detail the build's log level hides")
    return a + b


def _fails(path: str) -> None:
    raise DataError(f"{path}, line 3: expected a number")


def _cleans_up(started: Path, cleaned: Path) -> None:
    started.touch()
    try:
        time.sleep(120)
    finally:
        cleaned.touch()  # where a step removes its Chromium and profile


IN_A_PROCESS_OF_ITS_OWN = """
import logging, sys
sys.path.insert(0, sys.argv[1])
from test_background import _answer
from safeguarding_report.pipeline.runner import Task, process_context

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("safeguarding_report").setLevel(logging.INFO)
    assert process_context().get_start_method() == "fork", "no other thread: it forks itself"
    print(Task(_answer, 2, 3).result())
"""


def test_forked_its_result_and_log_reach_the_caller() -> None:
    # In a process of its own with no other thread, as the command's: the step is forked.
    done = subprocess.run(
        [sys.executable, "-c", IN_A_PROCESS_OF_ITS_OWN, str(Path(__file__).parent)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "5\n"
    assert "adding 2 and 3" in done.stderr
    assert "a detail" not in done.stderr


def test_from_the_forkserver_its_result_and_log_reach_the_caller(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="safeguarding_report")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # another thread running, as in a Dask worker
    other.start()
    try:
        assert process_context().get_start_method() == "forkserver"
        assert Task(_answer, 2, 3).result() == 5
    finally:
        stop.set()
        other.join()
    assert "adding 2 and 3" in caplog.text
    assert "a detail" not in caplog.text


def test_its_error_is_raised_as_it_was() -> None:
    step = Task(_fails, "data/local/x/reviews.csv")
    with pytest.raises(DataError, match=r"reviews.csv, line 3: expected a number"):
        step.result()


def test_a_stopped_step_cleans_up_first(tmp_path: Path) -> None:
    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    step = Task(_cleans_up, started, cleaned)
    wait_for(started.exists)
    step.stop()
    assert cleaned.exists(), "its finally blocks ran before it ended"


CALLER_KILLED_OUTRIGHT = """
import sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from test_background import _cleans_up
from safeguarding_report.pipeline.runner import Task, process_context

if __name__ == "__main__":
    if sys.argv[2] == "forkserver":  # another thread running, as in a Dask worker
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    assert process_context().get_start_method() == sys.argv[2]
    Task(_cleans_up, Path(sys.argv[3]), Path(sys.argv[4])).result()
"""


@pytest.mark.parametrize("started_by", ["fork", "forkserver"])
def test_a_step_whose_caller_is_killed_outright_cleans_up_and_ends(
    tmp_path: Path, started_by: str
) -> None:
    # A Dask worker stopped with its batch cannot stop its steps: they end with it, cleaning up.
    started, cleaned = tmp_path / "started", tmp_path / "cleaned"
    caller = subprocess.Popen(
        [sys.executable, "-c", CALLER_KILLED_OUTRIGHT, str(Path(__file__).parent), started_by,
         str(started), str(cleaned)],
    )  # fmt: skip
    try:
        wait_for(started.exists)
    finally:
        caller.kill()
        caller.wait()
    wait_for(cleaned.exists)
