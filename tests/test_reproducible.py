"""Two builds from the same inputs give the same bytes: HTML, PDF, figures.csv, chart CSVs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.build
def test_a_second_build_from_scratch_gives_identical_files(
    default_report: Path, tmp_path: Path
) -> None:
    # A second project, its own cache and outputs: every section runs again from nothing.
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    again = build(
        tmp_path / "params/kent-2022.yaml", Project(tmp_path), BuildOptions(progress=False)
    )
    names = ["report.html", "report.pdf", "figures.csv", "changes.csv"]
    names += sorted(
        p.relative_to(default_report).as_posix() for p in default_report.glob("charts/*.csv")
    )
    assert len(names) > 10
    for name in names:
        assert (again / name).read_bytes() == (default_report / name).read_bytes(), name
