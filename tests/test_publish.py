"""Outputs appear all at once or not at all; bad input stops the build before any kernel."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import wait_for
from safeguarding_report.core.errors import DataError, OutputError
from safeguarding_report.local.catalogue import WORKBOOK_FILE
from safeguarding_report.pipeline import execute as execute_module
from safeguarding_report.pipeline import publish
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.workflows import workbook as workbook_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    previous = tmp_path / "outputs/kent-2022"
    previous.mkdir(parents=True)
    (previous / "report.html").write_text("the last good report", encoding="utf-8")
    return Project(tmp_path)


def _untouched(project: Project) -> None:
    outputs = project.outputs
    assert (outputs / "kent-2022/report.html").read_text(encoding="utf-8") == "the last good report"
    assert not list(outputs.glob(".kent-2022.building-*")), "no staging folder is left behind"


def test_publish_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "kent-2022"
    target.mkdir()
    (target / "stale.txt").write_text("old", encoding="utf-8")
    staged = publish.staging(tmp_path, "kent-2022")
    (staged / "report.html").write_text("new", encoding="utf-8")
    publish.publish(staged, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kent-2022"]
    assert [p.name for p in target.iterdir()] == ["report.html"]


@pytest.fixture
def umask() -> Iterator[None]:
    """Sets the process umask to 022 for one test, then puts the old one back."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _modes(folder: Path) -> dict[str, int]:
    return {
        path.relative_to(folder.parent).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in [folder, *folder.rglob("*")]
    }


@pytest.mark.parametrize(("mask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_published_folder_has_ordinary_permissions_under_the_umask(
    tmp_path: Path, umask: None, mask: int, folder: int, file: int
) -> None:
    os.umask(mask)
    staged = publish.staging(tmp_path, "kent-2022")
    (staged / "sections").mkdir()
    (staged / "report.html").write_text("new", encoding="utf-8")
    publish.write_figures([], staged / "figures.csv")
    publish.publish(staged, tmp_path / "kent-2022")
    assert _modes(tmp_path / "kent-2022") == {
        "kent-2022": folder,
        "kent-2022/sections": folder,
        "kent-2022/report.html": file,
        "kent-2022/figures.csv": file,
    }


def test_kept_failure_has_ordinary_permissions(tmp_path: Path, umask: None) -> None:
    staged = publish.staging(tmp_path, "kent-2022")
    kept = publish.keep_failed(staged, tmp_path / "kent-2022")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o755


def test_successful_build_removes_a_stale_failure(tmp_path: Path) -> None:
    target = tmp_path / "kent-2022"
    kept = publish.keep_failed(publish.staging(tmp_path, "kent-2022"), target)
    (kept / "sections").mkdir()
    publish.publish(publish.staging(tmp_path, "kent-2022"), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kent-2022"]


def test_a_file_where_the_report_folder_goes_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "kent-2022").write_text("not a folder", encoding="utf-8")
    (tmp_path / ".kent-2022.previous").write_text("left from a crash", encoding="utf-8")
    staged = publish.staging(tmp_path, "kent-2022")
    (staged / "report.html").write_text("new", encoding="utf-8")
    publish.publish(staged, tmp_path / "kent-2022")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kent-2022"]
    assert (tmp_path / "kent-2022/report.html").read_text(encoding="utf-8") == "new"


def test_a_file_where_the_outputs_folder_goes_is_named(tmp_path: Path) -> None:
    (tmp_path / "outputs").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match=r"outputs: expected a folder .* found a file"):
        publish.staging(tmp_path / "outputs", "kent-2022")


def test_interrupted_build_leaves_previous_report(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(execute_module, "execute", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(
            project.root / "params/kent-2022.yaml",
            project,
            BuildOptions(make_pdf=False, progress=False),
        )
    _untouched(project)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("E10000016", "E10000099", "Unknown area code 'E10000099'"),
        (
            "comparison_year: 2022",
            "comparison_year: 2031",
            r"'comparison_year' is 2031.*2004 to 2025",
        ),
    ],
    ids=["unknown local authority", "year no file holds"],
)
def test_bad_input_fails_before_any_section_runs(
    project: Project, monkeypatch: pytest.MonkeyPatch, old: str, new: str, expected: str
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("sections must not run")

    monkeypatch.setattr(execute_module, "execute", never)
    params = project.root / "params/kent-2022.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(DataError, match=expected):
        build(params, project, BuildOptions(make_pdf=False, progress=False))
    _untouched(project)


def test_cli_reports_errors_in_one_line_and_checks_params(project: Project) -> None:
    bad = project.root / "params/bad.yaml"
    bad.write_text("id: kent-2022\n", encoding="utf-8")
    command = [sys.executable, "-m", "safeguarding_report"]
    result = subprocess.run(
        [*command, "build", "--params", str(bad), "--root", str(project.root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "missing key" in result.stderr
    assert "Traceback" not in result.stderr
    good = subprocess.run(
        [*command, "check", str(project.root / "params/kent-2022.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "valid" in good.stdout
    _untouched(project)


def test_figures_csv_writes_whole_numbers_plainly(tmp_path: Path) -> None:
    row = {
        "section": "01_local_context",
        "indicator": "cla_rate",
        "area_code": "E10000016",
        "area_name": "Kent",
        "period": "2022",
        "source_file": "data/published/x.csv",
        "source_column": "rate_per_10000",
        "derivation": "",
    }
    rows = [
        {**row, "value": 1777.0, "shown": "1,777"},
        {**row, "value": 37.37083111419229, "shown": "37.4"},
        {**row, "value": None, "shown": "[c]"},
    ]
    path = tmp_path / "figures.csv"
    publish.write_figures(rows, path)
    with path.open(encoding="utf-8") as handle:
        values = [(r["value"], r["shown"]) for r in csv.DictReader(handle)]
    assert values == [("1777", "1,777"), ("37.37083111419229", "37.4"), ("", "[c]")]


# -- a build stopped without warning leaves nothing that stays ---------------------------------

_STAGE_AND_DIE = (
    "import os, signal, sys\n"
    "from pathlib import Path\n"
    "from safeguarding_report.pipeline import publish\n"
    "staged = publish.staging(Path(sys.argv[1]), 'kent-2022')\n"
    "(staged / 'report.html').write_text('half')\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)


def _killed_build(outputs: Path) -> Path:
    """The staging folder of a build killed (``kill -9``) as it wrote its outputs."""
    before = set(outputs.glob(".kent-2022.building-*"))
    ended = subprocess.run([sys.executable, "-c", _STAGE_AND_DIE, str(outputs)], check=False)
    assert ended.returncode == -signal.SIGKILL
    (left,) = set(outputs.glob(".kent-2022.building-*")) - before
    return left


def test_the_staging_folder_of_a_killed_build_is_removed_by_the_next(tmp_path: Path) -> None:
    left = _killed_build(tmp_path)
    owner = (left / publish.OWNER_FILE).read_text(encoding="utf-8").split()
    assert owner[0] == socket.gethostname() and owner[1].isdigit()
    staged = publish.staging(tmp_path, "kent-2022")
    assert not left.exists(), "its owner is gone: removed"
    assert [p.name for p in tmp_path.iterdir()] == [staged.name]
    publish.publish(staged, tmp_path / "kent-2022")
    assert list((tmp_path / "kent-2022").iterdir()) == [], "the owner's mark is not published"


def test_the_staging_folders_of_running_builds_and_other_machines_are_kept(tmp_path: Path) -> None:
    running = publish.staging(tmp_path, "kent-2022")  # this process's: still running
    elsewhere = _killed_build(tmp_path)
    owner = (elsewhere / publish.OWNER_FILE).read_text(encoding="utf-8").split()
    (elsewhere / publish.OWNER_FILE).write_text(f"another-machine {owner[1]}\n")
    another = publish.staging(tmp_path, "kent-2022")
    other_report = tmp_path / ".kent-2012.building-0000aaaa"
    other_report.mkdir()
    publish.staging(tmp_path, "kent-2022")
    assert running.is_dir() and another.is_dir() and other_report.is_dir()
    assert elsewhere.is_dir(), "a build on another machine sharing the folder: only it can tell"


def test_an_unowned_staging_folder_is_removed_once_it_is_an_hour_old(tmp_path: Path) -> None:
    """Left by a build of a version that recorded no owner."""
    old, new = tmp_path / ".kent-2022.building-0000aaaa", tmp_path / ".kent-2022.building-0000bbbb"
    for folder in (old, new):
        folder.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    publish.staging(tmp_path, "kent-2022")
    assert not old.exists() and new.exists()


@pytest.mark.build
def test_a_build_killed_with_kill_9_leaves_nothing_the_next_build_keeps(project: Project) -> None:
    command = [sys.executable, "-m", "safeguarding_report", "build"]
    args = [str(project.root / "params/kent-2022.yaml"), "--root", str(project.root)]
    build_process = subprocess.Popen(
        [*command, *args, "--no-pdf", "--quiet", "--force"],
        env={**os.environ, "CI": "1"},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: any(project.outputs.glob(".kent-2022.building-*/sections")), 120)
        build_process.kill()  # SIGKILL: no cleanup runs
        build_process.wait()
        (left,) = project.outputs.glob(".kent-2022.building-*")
        assert (left / publish.OWNER_FILE).is_file()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build_process.pid, signal.SIGKILL)  # any section still running
    staged = publish.staging(project.outputs, "kent-2022")  # as the next build starts
    assert not left.exists()
    assert [p.name for p in project.outputs.glob(".kent-2022.building-*")] == [staged.name]
    _untouched_report = (project.outputs / "kent-2022/report.html").read_text(encoding="utf-8")
    assert _untouched_report == "the last good report"


# -- the commands that write a report's inputs stage them too ---------------------------------


def test_a_workbook_that_cannot_be_written_leaves_the_records_as_they_were(
    kent_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = kent_folder / "data/local/kent-2022"
    before = sorted(p.name for p in folder.iterdir())

    def failed(path: Path, *args: object, **kwargs: object) -> Path:
        path.write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook_command, "write_workbook", failed)
    with pytest.raises(OSError, match="No space left"):
        workbook_command.make(kent_folder / "params/kent-2022.yaml", kent_folder)
    assert sorted(p.name for p in folder.iterdir()) == before, "no CSV file moved, no workbook"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["kent-2022"], "no staging left"
    monkeypatch.undo()
    made = workbook_command.make(kent_folder / "params/kent-2022.yaml", kent_folder)
    assert made.path == folder / WORKBOOK_FILE and made.aside is not None
    assert sorted(p.name for p in folder.parent.iterdir()) == ["kent-2022"]
