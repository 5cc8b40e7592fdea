"""Contract over every section notebook: thin, parameterised the same way, no outputs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from safeguarding_report.core import params

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_section_notebooks() -> None:
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_parameterised(path: Path, kent_params: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "starts with a title"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    names = set()
    for node in ast.parse(tagged[0].source).body:
        assert isinstance(node, ast.AnnAssign), "parameters are annotated assignments"
        assert isinstance(node.value, ast.Constant), "parameters are plain literals"
        names.add(node.target.id)  # type: ignore[union-attr]
    expected = params.load(kent_params).notebook_parameters(Path("data"))
    assert names == set(expected), "every notebook takes the parameters the build passes"
    for line in tagged[0].source.splitlines():
        assert "  # " in line, f"parameter without a comment saying what it is: {line}"
        comment = line.split("  # ", 1)[1]
        assert not re.search(r"wt20\d\d", comment), "the frameworks are listed in one place"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not cell.outputs and cell.execution_count is None, "outputs are never committed"
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.If | ast.Lambda
            ), f"logic belongs in src/, not in {path.name}: {cell.source!r}"
