"""Shared fixtures: the project's own folders, and small notebooks built in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguarding_report import execute

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
    import shutil

    target = tmp_path / "data" / "local" / "kent-2022"
    shutil.copytree(ROOT / "data" / "local" / "kent-2022", target)
    return target


@pytest.fixture(scope="session", autouse=True)
def section_server() -> None:
    """Start the section server before any test changes TMPDIR.

    Its socket folder (``pymp-*``) then lives in the usual temporary folder for the whole
    session, and tests that check they leave nothing behind in a TMPDIR of their own see only
    what the build made there.
    """
    execute.warm()
