"""What a build was made from: parameters, input checksums, package versions, git commit."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from safeguarding_report.core.params import Params
from safeguarding_report.core.store import file_digest
from safeguarding_report.pipeline.execute import SectionRun

PACKAGES: tuple[str, ...] = (
    "safeguarding-report",
    "papermill",
    "nbconvert",
    "nbformat",
    "nbclient",
    "ipykernel",
    "pandas",
    "matplotlib",
    "pyyaml",
    "pydantic",
    "markdown-it-py",
    "afcharts",
    "pikepdf",
)


def manifest(
    params: Params,
    *,
    root: Path,
    inputs: Iterable[Path],
    runs: Sequence[SectionRun],
    tools: dict[str, str],
    illustrative: Sequence[str] = (),
    checklist: dict[str, bool] | None = None,
    build_key: str = "",
    draft: str = "",
    narratives: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict; paths are relative to the project root. A draft's
    manifest says so (``draft``: its notice); the final report's has no such key."""
    facts: dict[str, Any] = {
        "report": params.id,
        "parameters": params.as_dict(),
        "inputs": {_relative(path, root): file_digest(path) for path in inputs},
        "packages": {name: _version(name) for name in PACKAGES},
        "tools": tools,
        "git": _git(root),
        # Per section: whether it ran or its cached run was reused, and why.
        "sections": {
            run.name: {
                "ran": not run.reused,
                "why": run.reason,
                "seconds": round(run.seconds, 2),
            }
            for run in runs
        },
        # What the whole build was made from: the next build with the same key does nothing.
        "build_key": build_key,
        # Local record files holding invented example data, not the partnership's record.
        "illustrative_inputs": list(illustrative),
        "checklist": checklist or {},
        # Numbers the narratives state that the figures do not bear out (report/narratives.py)
        "narrative_numbers": list(narratives),
    }
    if draft:
        facts["draft"] = draft
    return facts


def _relative(path: Path, root: Path) -> str:
    """The path relative to the project root where it lies below it, else as given."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def write(data: dict[str, Any], path: Path) -> None:
    """Write the manifest as indented, key-sorted JSON."""
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git(root: Path) -> dict[str, Any]:
    def run(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = run("rev-parse", "HEAD")
    if not commit:
        return {"commit": "unknown (not a git checkout)", "dirty": None}
    return {"commit": commit, "dirty": bool(run("status", "--porcelain"))}
