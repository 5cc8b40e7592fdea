"""Outputs appear all at once or not at all; bad input stops the build before any kernel."""

from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from safeguarding_report.core.errors import DataError, OutputError
from safeguarding_report.pipeline import execute as execute_module
from safeguarding_report.pipeline import publish
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions

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
