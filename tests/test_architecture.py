"""The package's shape: no import cycles, and no framework named in the code."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import safeguarding_report

PACKAGE = Path(safeguarding_report.__file__).parent
NAME = "safeguarding_report"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(module: str) -> set[str]:
    """Every module of the package that ``module`` imports, at the top or inside a function."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {name for name in found if name in MODULES and name != module}


def _cycles() -> list[list[str]]:
    graph = {module: sorted(_imports(module)) for module in MODULES}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in graph[module]:
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module)
    return cycles


def test_no_import_cycle_in_the_package() -> None:
    cycles = _cycles()
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


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


def test_every_module_the_build_imports_late_is_imported_while_the_files_are_checked() -> None:
    """``build.STAGES`` is the build's own list of its stages' modules: once the checks start,
    ``runner.prepare(STAGES)`` imports them (with every section's module), so no later stage
    waits on an import. A stage module missing from it would be imported late, not fail: this
    keeps the list whole."""
    build = MODULES["safeguarding_report.pipeline.build"]
    late: set[str] = set()
    for function in ast.walk(ast.parse(build.read_text(encoding="utf-8"))):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module:
                    late.update(f"{node.module}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.Import):
                    late.update(alias.name for alias in node.names)
    script = (
        "import sys\n"
        # what the build imports to start the checks, before it calls prepare
        "from safeguarding_report.pipeline import runner, validate\n"
        "from safeguarding_report.pipeline.build import STAGES\n"
        "runner.prepare(STAGES)\n"
        f"late = {sorted(late)!r}\n"
        f"MODULES = {sorted(MODULES)!r}\n"
        # a name imported from a module (not itself a module) is loaded once its module is
        "def module(name):\n"
        "    return name if name in MODULES or name.count('.') == 0 else name.rsplit('.', 1)[0]\n"
        "print([m for m in late if module(m) not in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]", f"imported only later: {result.stdout}"
