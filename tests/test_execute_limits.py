"""A section that never finishes, or whose process dies, fails on its own, naming the cell."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from safeguarding_report.pipeline.execute import execute
from safeguarding_report.pipeline.runner import process_context


def _notebook(path: Path, *code: str) -> Path:
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {path.stem}"),
            new_code_cell("answer: int = 0  # injected", metadata={"tags": ["parameters"]}),
            *(new_code_cell(c) for c in code),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path


def test_cell_that_never_returns_fails_its_section_naming_the_cell(
    tmp_path: Path, private_tmp: Path
) -> None:
    stuck = _notebook(
        tmp_path / "01_stuck.ipynb", "x = 1", "import time\nwhile True: time.sleep(1)"
    )
    fine = _notebook(tmp_path / "02_fine.ipynb", "answer + 1")
    runs = execute(
        [stuck, fine],
        {"answer": 1},
        tmp_path / "out",
        cwd=tmp_path,
        progress=False,
        section_timeout=3,
    )
    assert [r.ok for r in runs] == [False, True]
    assert runs[0].error.startswith(
        "cell 5 of the kept notebook (cell 4 of 01_stuck.ipynb) was still running when the "
        "section reached its time limit of 3 s (section_timeout)"
    )
    assert runs[0].seconds < 30
    assert runs[0].executed.exists(), "the kept notebook the message points to exists"
    kept = nbformat.read(runs[0].executed, as_version=4)
    stopped = kept.cells[4].outputs[-1]
    assert stopped["ename"] == "SectionStopped" and "time limit of 3 s" in stopped["evalue"]
    assert not list(private_tmp.iterdir()), "nothing left in the temporary folder"


def test_time_limit_is_for_the_whole_section(tmp_path: Path, private_tmp: Path) -> None:
    # Each cell alone is within the limit; together they are not.
    slow = _notebook(tmp_path / "01_slow.ipynb", *["import time; time.sleep(1)"] * 6)
    (run,) = execute([slow], {}, tmp_path / "out", cwd=tmp_path, progress=False, section_timeout=3)
    assert not run.ok
    assert "time limit of 3 s" in run.error


def test_a_killed_section_names_the_cell_it_was_running(tmp_path: Path, private_tmp: Path) -> None:
    killed = _notebook(
        tmp_path / "01_killed.ipynb", "x = 1", "import os, signal\nos.kill(os.getpid(), 9)"
    )
    fine = _notebook(tmp_path / "02_fine.ipynb", "answer + 1")
    runs = execute([killed, fine], {"answer": 1}, tmp_path / "out", cwd=tmp_path, progress=False)
    assert [r.ok for r in runs] == [False, True]
    assert runs[0].error == (
        "cell 5 of the kept notebook (cell 4 of 01_killed.ipynb) was running when the "
        "section's process died (signal 9), perhaps killed or out of memory."
    )
    kept = nbformat.read(runs[0].executed, as_version=4)
    assert kept.cells[4].outputs[-1]["ename"] == "SectionStopped"


ISOLATED_IN_A_PROCESS_OF_ITS_OWN = """
import json, sys
from pathlib import Path
from safeguarding_report.pipeline.execute import execute
from safeguarding_report.pipeline.runner import process_context

if __name__ == "__main__":
    assert process_context().get_start_method() == "fork", "no other thread: it forks itself"
    here = Path(sys.argv[1])
    notebooks = [here / "01_first.ipynb", here / "02_second.ipynb"]
    runs = execute(notebooks, {}, here / "out", cwd=here, progress=False, workers=1)
    print(json.dumps([r.error for r in runs]))
"""


@pytest.mark.parametrize("started_by", ["fork", "forkserver"])
def test_sections_are_isolated_from_each_other(tmp_path: Path, started_by: str) -> None:
    """No variable, module, option or figure state reaches the next section, whether the
    sections are forked from the build's own process or started by the forkserver."""
    first = _notebook(
        tmp_path / "01_first.ipynb",
        "leaked = 'yes'",
        "import json, pandas as pd\npd.set_option('display.max_rows', 3)",
        "import matplotlib\nmatplotlib.rcParams['lines.linewidth'] = 9",
        "import sys\nsys.modules['json'].leaked_attribute = True",
    )
    second = _notebook(
        tmp_path / "02_second.ipynb",
        "assert 'leaked' not in globals()",
        "import pandas as pd\nassert pd.get_option('display.max_rows') == 60",
        "import matplotlib\nassert matplotlib.rcParams['lines.linewidth'] != 9",
        "import json\nassert not hasattr(json, 'leaked_attribute')",
    )
    if started_by == "fork":  # a process of its own with no other thread, as the command's
        done = subprocess.run(
            [sys.executable, "-c", ISOLATED_IN_A_PROCESS_OF_ITS_OWN, str(tmp_path)],
            capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == ["", ""]
        return
    # Another thread running (as in a Dask worker): the sections start from the forkserver.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert process_context().get_start_method() == "forkserver"
        runs = execute(
            [first, second], {}, tmp_path / "out", cwd=tmp_path, progress=False, workers=1
        )
    finally:
        stop.set()
        other.join()
    assert [r.error for r in runs] == ["", ""]
