"""A framework added as one YAML file in a project's data/frameworks/ builds a report, no code."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from safeguarding_report.cli import main
from safeguarding_report.core import framework
from safeguarding_report.pipeline import plan
from safeguarding_report.pipeline.build import Project
from safeguarding_report.pipeline.options import BuildOptions

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK_ID = "kent_local"
TITLES = {
    "foreword": "Kent in the year: a foreword",
    "reviews": "What Kent learnt from its reviews",
    "next_priorities": "Kent next year",
}


def _declare(data: Path, **changes: object) -> Path:
    """The project's own framework: Working Together 2018, renamed and reworded."""
    declared = yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2018.yaml").read_text())
    declared.update(
        id=FRAMEWORK_ID,
        guidance="Kent Local Safeguarding Framework 2022",
        in_force=dt.date(2022, 4, 1),
        report_name="partnership review",
    )
    declared["sections"] = [
        {"key": s["key"], "title": TITLES.get(s["key"], s["title"])} for s in declared["sections"]
    ]
    declared["words"]["scrutiny_statement"] = "The findings of the independent reviewer"
    declared["statutory"]["basis"] = [
        "The Kent Local Safeguarding Framework 2022 asks the partners to publish a review of "
        "their year."
    ]
    for key, value in changes.items():
        declared[key] = value
    path = data / framework.PROJECT_FOLDER / f"{FRAMEWORK_ID}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(declared, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def project(kent_folder: Path) -> Path:
    """Kent 2021-22 in a project of its own, following a framework the project declares."""
    shutil.copytree(ROOT / "notebooks", kent_folder / "notebooks")
    _declare(kent_folder / "data")
    params = kent_folder / "params/kent-2022.yaml"
    text = params.read_text(encoding="utf-8")
    assert "framework: wt2018" in text
    params.write_text(text.replace("framework: wt2018", f"framework: {FRAMEWORK_ID}"))
    return kent_folder


def _build(root: Path) -> str:
    argv = ["build", "--params", str(root / "params/kent-2022.yaml"), "--root", str(root)]
    assert main([*argv, "--no-pdf", "--quiet"]) == 0
    return (root / "outputs/kent-2022/report.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    """What a reader sees: the page's text without its tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.build
def test_a_report_follows_a_framework_its_project_declares(project: Path) -> None:
    seen = _text(_build(project))
    assert "Partnership review" in seen, "the title page names the report as the framework does"
    for title in TITLES.values():
        assert title in seen, f"section title {title!r}"
    assert "Foreword and summary" not in seen, "no title of the framework it was copied from"
    assert "This report follows Kent Local Safeguarding Framework 2022" in " ".join(seen.split())
    # Worded by the sections themselves, in their own processes: they found the file too.
    assert "The findings of the independent reviewer" in seen
    cover = _text((project / "outputs/kent-2022/cover-report.html").read_text(encoding="utf-8"))
    assert "asks the partners to publish a review of their year" in " ".join(cover.split())
    manifest = json.loads((project / "outputs/kent-2022/manifest.json").read_text())
    assert manifest["parameters"]["framework"] == FRAMEWORK_ID

    # A change to the project's framework is a change to the report's inputs: it is rebuilt.
    words = yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2018.yaml").read_text())["words"]
    _declare(
        project / "data",
        words={**words, "scrutiny_statement": "What the independent reviewer found"},
    )
    seen = _text(_build(project))
    assert "What the independent reviewer found" in seen
    assert "The findings of the independent reviewer" not in seen
    manifest = json.loads((project / "outputs/kent-2022/manifest.json").read_text())
    why = {name: section["why"] for name, section in manifest["sections"].items()}
    assert why["10_scrutiny"] == f"data/frameworks/{FRAMEWORK_ID}.yaml changed"


# -- a project's framework file with a kit framework's id; one listing an unknown section -----


def test_a_project_framework_that_replaces_the_kits_is_said_on_every_build_and_by_check(
    project: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    declared = project / "data" / framework.PROJECT_FOLDER / "wt2018.yaml"
    shutil.copy(framework.FRAMEWORKS_DIR / "wt2018.yaml", declared)
    params_path = project / "params/kent-2022.yaml"
    text = params_path.read_text(encoding="utf-8")
    params_path.write_text(text.replace(f"framework: {FRAMEWORK_ID}", "framework: wt2018"))
    said = f"{project / 'data'}/frameworks/wt2018.yaml declares the framework wt2018, which the kit"
    for _ in range(2):  # every build says it, before it knows whether there is work to do
        caplog.clear()
        with caplog.at_level("WARNING"):
            plan.make(params_path, Project(project), BuildOptions(make_pdf=False))
        assert said in caplog.text
    assert main(["check", str(params_path), "--root", str(project)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("warning"))
    assert "framework wt2018" in row and "declares the framework wt2018" in row
    assert "1 warning(s): read them above." in out


def test_check_and_new_refuse_a_framework_listing_a_section_the_kit_does_not_have(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sections = yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2018.yaml").read_text())["sections"]
    path = _declare(project / "data", sections=[*sections, {"key": "safety_net", "title": "Net"}])
    expected = f"error: {path}: the framework declaration is invalid: the file: sections lists "
    assert main(["check", str(project / "params/kent-2022.yaml"), "--root", str(project)]) == 1
    assert capsys.readouterr().err.startswith(expected)
    assert main(["new", "E08000003", "--year", "2024", "--root", str(project)]) == 1
    assert capsys.readouterr().err.startswith(expected)
    assert not (project / "params/manchester-2024.yaml").exists()
