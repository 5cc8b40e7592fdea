"""Incremental builds: a section re-runs exactly when something it depends on changed."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from safeguarding_report.core import framework
from safeguarding_report.core.errors import DataError
from safeguarding_report.pipeline import cache
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = 'data_dir: str = "../data"  # the data folder'
C1 = (
    "published/dfe-csc-outcomes-enablers/"
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
)
# What each quick section reads: one a local record, one a published file, the rest nothing.
READS = {
    "arrangements": "print(len(open(data_dir + '/local/kent-2022/funding.csv').read()))",
    "performance": f"print(len(open(data_dir + '/{C1}').read()))",
}


def _section(path: Path, code: str) -> None:
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {path.stem}"),
            new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
            new_code_cell(code),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Quick notebooks for every section; its own copy of the data, params and cache."""
    base = tmp_path_factory.mktemp("cached")
    (base / "notebooks").mkdir()
    for number, spec in enumerate(framework.load("wt2018").sections, start=1):
        code = READS.get(spec.key, "print('no data read')")
        _section(base / f"notebooks/{number:02d}_{spec.key}.ipynb", code)
    shutil.copytree(ROOT / "params", base / "params")
    shutil.copytree(ROOT / "data", base / "data")
    return Project(base)


def _build(project: Project, *, force: bool = False) -> dict[str, dict[str, object]]:
    options = BuildOptions(make_pdf=False, progress=False, force=force)
    target = build(project.root / "params/kent-2022.yaml", project, options)
    facts = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    sections: dict[str, dict[str, object]] = facts["sections"]
    return sections


def _ran(sections: dict[str, dict[str, object]]) -> dict[str, object]:
    return {name: s["why"] for name, s in sections.items() if s["ran"]}


def test_incremental_builds(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # One test, in order: each step starts from the state the one before left.
    first = _build(project)
    assert set(_ran(first)) == set(first), "a first build runs every section"
    assert set(_ran(first).values()) == {"no earlier run in the cache"}

    manifest = project.outputs / "kent-2022/manifest.json"
    before = manifest.read_bytes()
    _build(project)
    assert manifest.read_bytes() == before, "nothing changed: nothing is rebuilt at all"

    others = project.data / "local/kent-2025/reviews.csv"
    others.write_text(others.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _build(project)
    assert manifest.read_bytes() == before, "another report's records are not this one's input"
    inputs = json.loads(before)["inputs"]
    assert any(name.startswith("data/local/kent-2022/") for name in inputs)
    assert not any(
        name.startswith(("data/local/kent-2025/", "data/local/kent-2012/")) for name in inputs
    )

    funding = project.data / "local/kent-2022/funding.csv"
    funding.write_text(funding.read_text(encoding="utf-8").replace("318500", "318501"))
    assert _ran(_build(project)) == {
        "03_arrangements": "data/local/kent-2022/funding.csv changed"
    }, "a changed local file re-runs only the section that read it"

    c1 = project.data / C1
    c1.write_bytes(c1.read_bytes() + b"\n")
    assert _ran(_build(project)) == {"05_performance": f"data/{C1} changed"}

    _section(project.notebooks / "09_voice.ipynb", "print('changed')")
    assert _ran(_build(project)) == {"09_voice": "its notebook changed"}

    params = project.root / "params/kent-2022.yaml"
    params.write_text(
        params.read_text(encoding="utf-8").replace("trend_years: 5", "trend_years: 4")
    )
    ran = _ran(_build(project))
    assert len(ran) == 11 and set(ran.values()) == {"the parameters changed"}

    monkeypatch.setattr(cache, "library_digest", lambda: "a changed library")
    ran = _ran(_build(project))
    assert len(ran) == 11 and set(ran.values()) == {"the library's code or packages changed"}

    ran = _ran(_build(project, force=True))
    assert set(ran.values()) == {"every section was asked to run (--force)"}


def test_the_cover_report_and_checked_files_are_reused_until_their_inputs_change(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="safeguarding_report")
    _build(project, force=True)
    docx = project.outputs / "kent-2022/cover-report.docx"
    made = docx.read_bytes()
    caplog.clear()
    _section(project.notebooks / "10_scrutiny.ipynb", "print('changed again')")
    _build(project)
    assert "Cover report and changes.csv reused" in caplog.text, "a section does not touch them"
    assert docx.read_bytes() == made

    caplog.clear()
    cover_yaml = project.data / "local/kent-2022/cover_report.yaml"
    cover_yaml.write_text(cover_yaml.read_text(encoding="utf-8") + "\n# edited\n")
    _build(project)
    assert "Cover report written" in caplog.text, "a changed local file rebuilds the cover"

    # A published file that passed its check is checked again once its bytes change.
    c1 = project.data / C1
    good = c1.read_bytes()
    c1.write_bytes(good.replace(b",632830,", b",six hundred,", 1))
    try:
        with pytest.raises(DataError, match=r"c1_children_in_need.*line 2"):
            _build(project)
    finally:
        c1.write_bytes(good)


def test_the_cache_is_outside_the_outputs_and_survives_a_failed_build(project: Project) -> None:
    entries = list((project.cache / "sections/kent-2022").glob("*.ipynb"))
    assert len(entries) == 11
    assert not any(project.outputs in e.parents for e in entries)
    executed = nbformat.read(entries[0], as_version=4)
    assert set(executed.metadata[cache.METADATA_KEY]) == {"key", "inputs"}
    _section(project.notebooks / "04_priorities.ipynb", "raise ValueError('broken')")
    with pytest.raises(Exception, match="broken"):
        build(
            project.root / "params/kent-2022.yaml",
            project,
            BuildOptions(make_pdf=False, progress=False),
        )
    assert len(list((project.cache / "sections/kent-2022").glob("*.ipynb"))) == 11
