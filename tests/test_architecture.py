"""The package's shape: floors that import only downwards, no import cycle, and no framework
named in the code."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import safeguarding_report

PACKAGE = Path(safeguarding_report.__file__).parent
NAME = "safeguarding_report"
PYPROJECT = PACKAGE.parents[1] / "pyproject.toml"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's check of the contracts in pyproject.toml, over the package in ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", str(PYPROJECT)],
        capture_output=True, text=True, env=env, cwd=root, check=False, timeout=120,
    )  # fmt: skip


def test_the_floors_import_only_downwards_and_no_floor_has_a_cycle() -> None:
    """cli -> workflows -> pipeline -> report -> data | local -> core: every import, those
    inside functions included, goes down a floor or stays on its own, with no cycle."""
    result = _lint_imports(PACKAGE.parent)  # src/
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("core/errors.py", "safeguarding_report.pipeline.build"),  # up from the ground floor
        ("data/areas.py", "safeguarding_report.local"),  # across to a sibling floor
    ],
)
def test_an_upward_import_inside_a_function_breaks_the_contract(
    tmp_path: Path, module: str, imported: str
) -> None:
    copy = tmp_path / NAME
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / module).open("a", encoding="utf-8") as file:
        file.write(f"\n\ndef _late() -> None:\n    import {imported}  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and module.replace("/", ".")[:-3] in result.stdout


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_framework_is_named_in_code(module: str) -> None:
    """A framework is one YAML file: its id appears in no Python module."""
    text = MODULES[module].read_text(encoding="utf-8")
    assert not re.search(r"wt20\d\d", text), f"{MODULES[module]} names a framework id"


@pytest.mark.parametrize(
    "package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py")
)
def test_every_package_says_what_it_owns(package: str) -> None:
    assert ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8")))


def _late_imports(module: str) -> set[str]:
    """The modules ``module`` imports inside its functions."""
    late: set[str] = set()
    for function in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module:
                    late.update(f"{node.module}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.Import):
                    late.update(alias.name for alias in node.names)
    return late


def test_the_stages_modules_are_named_in_one_place() -> None:
    """The build imports three modules late: what checks the published files, then the stages
    up to the sections, then (once the sections have run) those after them; each imports
    every module its stages use at its top (read by the build and by the build server's
    warm-up alike). Only the cover report's own module is imported where it is written."""
    assert _late_imports(f"{NAME}.pipeline.build") == {
        f"{NAME}.pipeline.validate",
        f"{NAME}.pipeline.stages",
        f"{NAME}.pipeline.finish",
    }
    assert _late_imports(f"{NAME}.pipeline.stages") == {f"{NAME}.pipeline.cover"}
    assert _late_imports(f"{NAME}.pipeline.finish") == set()


def test_sections_are_forked_without_the_office_and_export_libraries() -> None:
    """The build's process holds, when its sections fork from it, the stages up to the
    sections and what the sections import, not nbconvert, python-docx, mammoth,
    BeautifulSoup or openpyxl: each forked section would count them again in its resident
    memory. The shipped reports' records are CSV and Markdown files, so no section needs them."""
    loaded = _loaded_after(
        "from safeguarding_report.pipeline import runner, stages\nrunner.prepare()",
        ("nbconvert", "docx", "mammoth", "bs4", "openpyxl", f"{NAME}.pipeline.finish"),
    )
    assert loaded == []


def test_a_build_with_nothing_changed_imports_no_stage() -> None:
    """Planning a build (and stopping when nothing changed) needs neither pandas nor the
    stages, so it answers in well under a second."""
    loaded = _loaded_after(
        "from safeguarding_report.pipeline import build",
        ("pandas", "matplotlib", "nbconvert", "docx", f"{NAME}.pipeline.stages"),
    )
    assert loaded == []


def _loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh Python process holds once it has run ``code``."""
    script = f"import sys\n{code}\nprint(sorted(m for m in {modules!r} if m in sys.modules))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return list(ast.literal_eval(result.stdout.strip()))
