"""Sections run in parallel with the same parameters; one failure does not stop the others."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from safeguarding_report.pipeline.execute import execute


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


def test_runs_every_section_keeps_order_and_names_the_failing_cell(tmp_path: Path) -> None:
    good = _notebook(tmp_path / "01_good.ipynb", "print(answer * 2)")
    bad = _notebook(tmp_path / "02_bad.ipynb", "x = 1", "raise ValueError(f'bad answer {answer}')")
    also = _notebook(tmp_path / "03_also_good.ipynb", "answer + 1")
    runs = execute(
        [good, bad, also], {"answer": 21}, tmp_path / "out", cwd=tmp_path, progress=False
    )
    assert [r.name for r in runs] == ["01_good", "02_bad", "03_also_good"]
    assert [r.ok for r in runs] == [True, False, True]
    # cell 5 of the executed notebook: title, parameters, injected parameters, x = 1, raise;
    # cell 4 of the section's own notebook, which has no injected cell
    assert runs[1].error == (
        "cell 5 of the kept notebook (cell 4 of 02_bad.ipynb): ValueError: bad answer 21"
    )
    executed = nbformat.read(runs[0].executed, as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "42\n"
    failed = nbformat.read(runs[1].executed, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in failed.cells for o in c.get("outputs", []))
    assert all(r.seconds > 0 for r in runs)


def test_outputs_are_recorded_as_a_kernel_sends_them(tmp_path: Path) -> None:
    rich = _notebook(
        tmp_path / "01_rich.ipynb",
        "class Shown:\n"
        "    def _repr_mimebundle_(self, include=None, exclude=None):\n"
        "        return {'text/html': '<p>hi</p>', 'text/plain': 'hi',\n"
        "                'application/vnd.example+json': {'n': 1}}",
        "Shown()",
        "from IPython.display import display\ndisplay(Shown())\nprint('printed')",
        "import sys\nprint('warned', file=sys.stderr)",
    )
    (run,) = execute([rich], {}, tmp_path / "out", cwd=tmp_path, progress=False)
    assert run.ok, run.error
    cells = [c for c in nbformat.read(run.executed, as_version=4).cells if c.cell_type == "code"]
    result = cells[-3].outputs
    assert [o.output_type for o in result] == ["execute_result"]
    assert result[0].data["text/html"] == "<p>hi</p>"
    assert result[0].data["application/vnd.example+json"] == {"n": 1}
    shown = cells[-2].outputs
    assert [o.output_type for o in shown] == ["display_data", "stream"]
    assert shown[1].name == "stdout" and shown[1].text == "printed\n"
    assert cells[-1].outputs[0].name == "stderr"
