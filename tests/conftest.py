"""Shared fixtures: the project's own folders, and small notebooks built in memory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from safeguarding_report.core import params
from safeguarding_report.data import Published
from safeguarding_report.pipeline import runner, server
from safeguarding_report.report import sections

# Builds in the tests (and the commands they run) run in their own process and leave no build
# server behind; tests/test_server.py turns it on for its own project.
os.environ[server.SWITCH_ENV] = "0"

if TYPE_CHECKING:
    from safeguarding_report.pipeline.build import Project
    from safeguarding_report.report.sections import Context

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


@pytest.fixture(scope="session", autouse=True)
def section_server() -> None:
    """Start the section server before any test changes TMPDIR.

    Its socket folder (``pymp-*``) then lives in the usual temporary folder for the whole
    session, and tests that check they leave nothing behind in a TMPDIR of their own see only
    what the build made there.
    """
    runner.warm()


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project (notebooks, params, data) with its own outputs folder."""
    from safeguarding_report.pipeline.build import Project

    base = tmp_path_factory.mktemp("project")
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, base / name)
    (base / "data").symlink_to(ROOT / "data", target_is_directory=True)
    return Project(base)


@pytest.fixture(scope="session")
def default_report(default_project: Project) -> Path:
    """The default report (Kent 2021-22, HTML and PDF), built once for the whole test run."""
    from safeguarding_report.pipeline.build import build
    from safeguarding_report.pipeline.options import BuildOptions

    # Strict: the shipped report must meet every statutory requirement of its framework.
    return build(
        default_project.root / "params/kent-2022.yaml",
        default_project,
        BuildOptions(progress=False, strict=True),
    )


@pytest.fixture(scope="session")
def shipped_report(
    request: pytest.FixtureRequest, default_project: Project
) -> Callable[[str], Path]:
    """A shipped report built strictly (HTML and PDF) once for the whole test run, beside the
    default report: ``shipped_report("kent-2026")``. Tests that only read a shipped report
    share its one build; a test that changes a project builds its own copy."""
    from safeguarding_report.pipeline.build import build
    from safeguarding_report.pipeline.options import BuildOptions

    built: dict[str, Path] = {}

    def get(report_id: str) -> Path:
        if report_id == "kent-2022":
            default: Path = request.getfixturevalue("default_report")
            return default
        if report_id not in built:
            built[report_id] = build(
                default_project.root / "params" / f"{report_id}.yaml",
                default_project,
                BuildOptions(progress=False, strict=True),
            )
        return built[report_id]

    return get


@pytest.fixture
def kent_folder(tmp_path: Path) -> Path:
    """A project folder with the published files (linked), Kent 2022's records and params."""
    (tmp_path / "data" / "local").mkdir(parents=True)
    (tmp_path / "data" / "published").symlink_to(ROOT / "data" / "published")
    shutil.copytree(ROOT / "data" / "local" / "kent-2022", tmp_path / "data/local/kent-2022")
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params" / "kent-2022.yaml", tmp_path / "params")
    return tmp_path


def last_year_built(project: Path, report: Path) -> Path:
    """Give ``project`` the figures.csv that ``report`` (a built report's outputs folder, e.g.
    ``default_report``) published: new-year takes each promised measure's baseline from it."""
    target = project / "outputs" / report.name
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(report / "figures.csv", target / "figures.csv")
    return project


def kent_context(project: Path) -> Context:
    """The context Kent 2021-22's sections make, over a project folder such as ``kent_folder``."""
    folder = Path(project)
    return sections.for_report(
        params.load(folder / "params" / "kent-2022.yaml"), Published(folder / "data")
    )


@pytest.fixture
def private_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """TMPDIR for this test alone (short: kernel socket paths must stay under 108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="sr-cli-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


TINY_PARAMETERS = (
    'report_id: str = "kent-2022"  # names data/local/<report_id>/\n'
    'partnership: str = ""  # full name\n'
    'la_code: str = "E10000016"  # local authority\n'
    "comparison_year: int = 2022  # year ending 31 March\n"
    "trend_years: int = 5  # years shown\n"
    'period_start: str = ""  # first day of the reporting period\n'
    'period_end: str = ""  # last day of the reporting period\n'
    'framework: str = "wt2018"  # statutory framework\n'
    'data_dir: str = "../data"  # the data folder'
)


def ctrl_c_as_in_a_terminal() -> None:
    """``preexec_fn`` for a command a test sends Ctrl-C (SIGINT) to: the default disposition.

    A command started with SIGINT ignored keeps ignoring it (as Python does, and as a shell
    arranges for the background jobs of a script); the suite may have been started that way.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Wait until ``condition()`` holds (a build reached the point a test interrupts it at)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the build never reached the point to interrupt")
        time.sleep(0.1)


def tiny_section(path: Path, *code: str) -> Path:
    """A short section notebook: a title, the parameters cell, then ``code`` cells."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {path.stem}\n\nA short section."),
            new_code_cell(TINY_PARAMETERS, metadata={"tags": ["parameters"]}),
            *(new_code_cell(c) for c in code),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path


def link_published(base: Path, *, each_file: bool = False) -> None:
    """Link ``base``/data/published to the project's published files: the folder, or each
    file one by one (``each_file``: a test may then replace one file by a copy to change)."""
    published = ROOT / "data/published"
    if not each_file:
        (base / "data").mkdir(parents=True, exist_ok=True)
        (base / "data/published").symlink_to(published, target_is_directory=True)
        return
    for source in published.rglob("*"):
        target = base / "data/published" / source.relative_to(published)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)


def project_copy(base: Path, *, each_file: bool = False) -> Path:
    """A copy of the project in ``base``: notebooks, params and local records copied (to
    change), the published files linked (see ``link_published``)."""
    for name in ("notebooks", "params", "data/local"):
        shutil.copytree(ROOT / name, base / name)
    link_published(base, each_file=each_file)
    return base


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A project that builds in seconds, with a previous report in outputs/kent-2022/.

    The real params and local records (copies, to damage), every published file linked one by
    one (a damaged one is replaced by a copy), and one short notebook per section of wt2018.
    """
    from safeguarding_report.core import framework

    shutil.copytree(ROOT / "params", tmp_path / "params")
    shutil.copytree(ROOT / "data/local/kent-2022", tmp_path / "data/local/kent-2022")
    link_published(tmp_path, each_file=True)
    (tmp_path / "notebooks").mkdir()
    for number, sec in enumerate(framework.load("wt2018").sections, start=1):
        tiny_section(tmp_path / f"notebooks/{number:02d}_{sec.key}.ipynb", "x = 1")
    previous = tmp_path / "outputs/kent-2022"
    previous.mkdir(parents=True)
    (previous / "report.html").write_text("the last good report", encoding="utf-8")
    (previous / "figures.csv").write_text("section,indicator\n", encoding="utf-8")
    return tmp_path


# -- accessibility: axe-core in the system's Chromium ----------------------------------------

AXE = ROOT / "node_modules/axe-core/axe.min.js"
CHROMIUM = os.environ.get("SAFEGUARDING_REPORT_CHROMIUM", "/usr/bin/chromium")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe(html: Path) -> list[dict[str, Any]]:
    """axe-core's violations of ``TAGS`` on the page at ``html``."""
    from playwright.sync_api import sync_playwright

    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make test does) to install axe-core"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            # The report's Content-Security-Policy forbids every script, axe's included.
            context = browser.new_context(bypass_csp=True)
            page = context.new_page()
            page.goto(html.as_uri())
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            result: dict[str, Any] = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
            )
        finally:
            browser.close()
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule broken, with the first few elements that break it."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + json.dumps([n["target"] for n in v["nodes"][:3]])
        for v in violations
    )


def pdfua(pdf: Path) -> dict[str, Any]:
    """``pdfua check``'s JSON report on ``pdf`` (PDF/UA-1, the rules a program can check)."""
    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(pdf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert report.get("readable", True), report.get("error")
    return report


def pdfua_findings(report: dict[str, Any]) -> str:
    """One line per finding of a ``pdfua`` report."""
    return "\n".join(
        f"{f.get('rule_id')} {f.get('severity')} {f.get('location')}: {f.get('message')}"
        for f in report["findings"]
    )
