"""Shared fixtures: the project's own folders, and small notebooks built in memory."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from safeguarding_report.build import Project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    """The project's top folder (holds params/, data/, notebooks/)."""
    return ROOT


@pytest.fixture
def kent_params() -> Path:
    """The default report's params file."""
    return ROOT / "params" / "kent-2022.yaml"


@pytest.fixture
def kent_local(tmp_path: Path) -> Path:
    """A copy of the illustrative Kent records, as tmp_path/data/local/kent-2022, to damage."""
    target = tmp_path / "data" / "local" / "kent-2022"
    shutil.copytree(ROOT / "data" / "local" / "kent-2022", target)
    return target


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project (notebooks, params, data) with its own outputs folder."""
    from safeguarding_report.build import Project

    base = tmp_path_factory.mktemp("project")
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, base / name)
    (base / "data").symlink_to(ROOT / "data", target_is_directory=True)
    return Project(base)


@pytest.fixture(scope="session")
def default_report(default_project: Project) -> Path:
    """The default report (Kent 2021-22, HTML and PDF), built once for the whole test run."""
    from safeguarding_report.build import build

    return build(default_project.root / "params/kent-2022.yaml", default_project, progress=False)
