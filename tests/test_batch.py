"""Batch builds: many reports on a Dask cluster, a summary, and an index of them all.

The builds use three small authorities (Rutland, the City of London, the Isles of Scilly) for
2023-24 without PDFs, built once on a local cluster for the whole run; later batches reuse them.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import wait_for
from safeguarding_report import cli
from safeguarding_report.pipeline import server
from safeguarding_report.pipeline.build import Project
from safeguarding_report.pipeline.export import external_references
from safeguarding_report.workflows import batch, index, one_report

ROOT = Path(__file__).resolve().parents[1]
SMALL = "E06000017,E09000001,E06000053"
SMALL_IDS = ["rutland-2024", "city-of-london-2024", "isles-of-scilly-2024"]


def _project(base: Path) -> Project:
    """A project with the real notebooks and published data, no params and no local records."""
    shutil.copytree(ROOT / "notebooks", base / "notebooks")
    (base / "params").mkdir()
    (base / "data" / "local").mkdir(parents=True)
    (base / "data" / "published").symlink_to(ROOT / "data" / "published", target_is_directory=True)
    return Project(base)


@pytest.fixture(scope="session")
def small_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, int, str]:
    """Three small authorities built by ``batch --authorities`` on a two-worker local cluster."""
    project = _project(tmp_path_factory.mktemp("batch"))
    status, printed = _batch("--authorities", SMALL, "--year", "2024", root=project.root)
    return project, status, printed


def _batch(*args: str, root: Path) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(
            ["batch", *args, "--root", str(root), "--no-pdf", "--quiet", "--workers", "2"]
        )
    return status, out.getvalue()


@pytest.mark.build
def test_a_batch_builds_each_authority_and_lists_it_in_the_index(
    small_batch: tuple[Project, int, str],
) -> None:
    project, status, printed = small_batch
    assert status == 0, printed
    for report_id in SMALL_IDS:
        assert (project.outputs / report_id / "report.html").is_file()
        assert (project.root / "params" / f"{report_id}.yaml").is_file()
        assert "built" in printed and report_id in printed
    assert "3 report(s): 3 built, 0 reused, 0 failed." in printed
    assert not list(project.outputs.glob(".*building*"))
    with (project.outputs / "index.csv").open(encoding="utf-8") as handle:
        rows = {row["report"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(SMALL_IDS)
    assert rows["rutland-2024"]["authority"] == "Rutland"
    assert rows["rutland-2024"]["period"] == "2023-24"
    assert rows["rutland-2024"]["framework"] == "wt2018"
    assert rows["rutland-2024"]["pdf"] == ""  # built with --no-pdf
    # The index quotes the figure exactly as the report's own figures.csv shows it.
    with (project.outputs / "rutland-2024" / "figures.csv").open(encoding="utf-8") as handle:
        shown = next(
            r["shown"]
            for r in csv.DictReader(handle)
            if r["section"] == "foreword"
            and r["indicator"] == "cla_rate"
            and r["area_code"] == "E06000017"
            and r["period"] == "2024"
        )
    assert rows["rutland-2024"]["cla_rate"] == shown


@pytest.mark.build
def test_a_second_batch_with_nothing_changed_reuses_every_report(
    small_batch: tuple[Project, int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, _ = small_batch
    monkeypatch.setenv(server.SWITCH_ENV, "1")  # allowed, yet a batch starts none
    before = {i: (project.outputs / i / "manifest.json").stat().st_mtime_ns for i in SMALL_IDS}
    status, printed = _batch("--authorities", SMALL, "--year", "2024", root=project.root)
    assert status == 0, printed
    assert "3 report(s): 0 built, 3 reused, 0 failed." in printed
    after = {i: (project.outputs / i / "manifest.json").stat().st_mtime_ns for i in SMALL_IDS}
    assert after == before
    assert not server.answers(project.root), "no one waits for a second build of a batch"


@pytest.mark.build
def test_the_build_flags_reach_every_report_of_a_batch(
    small_batch: tuple[Project, int, str], tmp_path: Path
) -> None:
    project, _, _ = small_batch
    folder = tmp_path / "params"
    folder.mkdir()
    shutil.copy(project.root / "params" / "rutland-2024.yaml", folder)
    published = (project.outputs / "rutland-2024" / "report.html").read_bytes()

    status, printed = _batch(str(folder), "--strict", root=project.root)
    assert status == 1
    failed = next(line for line in printed.splitlines() if line.startswith("failed"))
    assert "rutland-2024" in failed and "strict mode" in failed, "--strict reached the build"
    assert (project.outputs / "rutland-2024" / "report.html").read_bytes() == published

    status, printed = _batch(str(folder), "--force", root=project.root)
    assert status == 0, printed
    assert "1 report(s): 1 built, 0 reused, 0 failed." in printed, "--force reached the build"


@pytest.mark.build
def test_a_failing_report_in_the_middle_does_not_stop_the_batch(
    small_batch: tuple[Project, int, str], tmp_path: Path
) -> None:
    project, _, _ = small_batch
    folder = tmp_path / "params"
    folder.mkdir()
    shutil.copy(project.root / "params" / "rutland-2024.yaml", folder / "a.yaml")
    broken = (project.root / "params" / "rutland-2024.yaml").read_text(encoding="utf-8")
    broken = broken.replace("id: rutland-2024", "id: nowhere-2024").replace(
        '"E06000017"', '"E06999999"'
    )
    (folder / "b.yaml").write_text(broken, encoding="utf-8")
    shutil.copy(project.root / "params" / "isles-of-scilly-2024.yaml", folder / "c.yaml")

    status, printed = _batch(str(folder), root=project.root)

    assert status == 1
    lines = printed.splitlines()
    failed = next(line for line in lines if line.startswith("failed"))
    assert "nowhere-2024" in failed and "Unknown area code 'E06999999'" in failed
    assert "3 report(s): 0 built, 2 reused, 1 failed." in printed
    assert not (project.outputs / "nowhere-2024").exists()
    assert (project.outputs / "isles-of-scilly-2024" / "report.html").is_file()


def test_authorities_are_scaffolded_once_and_those_that_cannot_be_say_why(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    # Bournemouth (E06000028) was replaced in 2019: it did not exist in 2023-24.
    first = batch.authorities("E06000017,E06000028,E99999999", 2024, root=project.root)
    assert [p.name for p in first.params] == ["rutland-2024.yaml"]
    reasons = {o.report: o.reason for o in first.failed}
    assert "did not exist in the year ending 31 March 2024" in reasons["Bournemouth (E06000028)"]
    assert "Unknown area code 'E99999999'" in reasons["E99999999"]
    assert (project.data / "local" / "rutland-2024").is_dir()

    written = (project.root / "params" / "rutland-2024.yaml").read_text(encoding="utf-8")
    again = batch.authorities("E06000017", 2024, root=project.root)
    assert again.params == first.params and again.failed == []
    assert (project.root / "params" / "rutland-2024.yaml").read_text(encoding="utf-8") == written

    clash = batch.authorities("E06000017", 2024, root=project.root, framework_id="wt2023")
    assert clash.params == []
    assert "already exists with framework wt2018, not wt2023" in clash.failed[0].reason


def test_every_authority_that_existed_in_the_year_is_in_an_all_batch(tmp_path: Path) -> None:
    project = _project(tmp_path)
    made = batch.authorities("all", 2024, root=project.root)
    names = {p.stem for p in made.params}
    assert len(names) > 150
    # Two authorities new in 2023 have no statistical neighbours in the April 2021 groupings:
    # they are scaffolded all the same, and their reports say there is no neighbours' average.
    assert made.failed == []
    assert {"rutland-2024", "kent-2024", "city-of-london-2024", "cumberland-2024"} <= names
    assert (
        "none in the groupings held" in (project.root / "params/cumberland-2024.yaml").read_text()
    )
    assert "bournemouth-2024" not in names


def test_the_summary_counts_each_outcome_and_gives_each_failure_on_one_line() -> None:
    outcomes = [
        one_report.Outcome("a-2024", one_report.BUILT, seconds=12.34),
        one_report.Outcome("b-2024", one_report.FAILED, "it broke", 1.0),
        one_report.Outcome("c-2024", one_report.REUSED, seconds=0.2),
    ]
    text = batch.summary(outcomes)
    assert text.splitlines()[2].split() == ["failed", "1.0", "b-2024", "it", "broke"]
    assert text.splitlines()[-1] == "3 report(s): 1 built, 1 reused, 1 failed."


def test_stopping_a_batch_removes_its_staging_folders_only(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    mine = outputs / ".rutland-2024.building-0a1b2c3d"
    other = outputs / ".kent-2022.building-0a1b2c3d"
    published = outputs / "rutland-2024"
    for folder in (mine, other, published):
        folder.mkdir(parents=True)
    removed = batch.remove_staging(outputs, ["rutland-2024"])
    assert removed == [mine]
    assert not mine.exists() and other.exists() and published.exists()


def test_the_batch_command_needs_a_folder_or_authorities_with_a_year(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["batch", "--authorities", "all"]) == 1
    assert "--authorities needs --year" in capsys.readouterr().err
    assert cli.main(["batch"]) == 1
    assert "give either a folder of params files" in capsys.readouterr().err


def _fake_report(outputs: Path, report_id: str, partnership: str, *, pdf: bool) -> None:
    folder = outputs / report_id
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    if pdf:
        (folder / "report.pdf").write_bytes(b"%PDF-1.7")
    parameters = {
        "id": report_id,
        "partnership": partnership,
        "local_authority": "E06000017",
        "comparison_year": 2024,
        "framework": "wt2023",
    }
    (folder / "manifest.json").write_text(json.dumps({"parameters": parameters}), "utf-8")
    (folder / "figures.csv").write_text(
        "section,indicator,area_code,area_name,period,breakdown,value,shown\n"
        "foreword,cla_rate,E06000017,Rutland & <Co>,2023,,50.0,50.0\n"
        "foreword,cla_rate,E06000017,Rutland & <Co>,2024,,61.26,61.3\n"
        "foreword,cla_rate,E92000001,England,2024,,70.0,70.0\n"
        "foreword,cpp_rate,E06000017,Rutland & <Co>,2024,,[c],[c]\n",
        "utf-8",
    )


def test_the_index_lists_each_built_report_escaped_and_self_contained(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    _fake_report(outputs, "rutland-2024", "Rutland <script>alert(1)</script>", pdf=True)
    _fake_report(outputs, "other-2024", "Other", pdf=False)
    (outputs / ".other-2025.building-00000000").mkdir()  # a build in progress: not listed
    (outputs / "other-2023.failed").mkdir()  # a failed build's notebooks: not listed

    html, table = index.write(outputs)

    page = html.read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in page
    assert external_references(page) == []
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Rutland &amp; &lt;Co&gt;" in page
    assert '"Segoe UI"' in page  # the kit's own stylesheet, not escaped into &#34;
    assert 'href="rutland-2024/report.pdf"' in page
    assert 'href="other-2024/report.pdf"' not in page
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["report"] for r in rows] == ["other-2024", "rutland-2024"]
    rutland = rows[1]
    assert rutland["cla_rate"] == "61.3"  # the authority's own, for the report's year
    assert rutland["cpp_rate"] == "[c]"  # suppressed, as the report shows it
    assert rutland["rereferrals_pct"] == "[x]"  # not in the report
    assert rutland["period"] == "2023-24" and rutland["html"] == "rutland-2024/report.html"


@pytest.mark.build
def test_the_index_has_no_wcag_22_aa_violations(tmp_path: Path) -> None:
    from test_accessibility import axe, describe

    outputs = tmp_path / "outputs"
    _fake_report(outputs, "rutland-2024", "Rutland Safeguarding Children Partnership", pdf=True)
    html, _ = index.write(outputs)
    violations = axe(html)
    assert violations == [], describe(violations)


@pytest.mark.build
def test_a_batch_stopped_mid_build_publishes_nothing_and_leaves_nothing_running(
    tmp_path: Path,
) -> None:
    # Ctrl-C reaches the whole process group: the batch, its Dask workers, each build's process
    # and its sections. The batch cancels its tasks; each worker stops its build, which cleans up.
    project = _project(tmp_path)
    command = [sys.executable, "-m", "safeguarding_report", "batch", "--authorities", SMALL,
               "--year", "2024", "--no-pdf", "--quiet", "--workers", "1",
               "--root", str(project.root)]  # fmt: skip
    batch_run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: bool(list(project.outputs.glob(".*building*"))), seconds=120)
    finally:
        os.killpg(batch_run.pid, signal.SIGINT)
        _, err = batch_run.communicate(timeout=120)
    assert batch_run.returncode == 130, err.decode()
    assert "Traceback" not in err.decode(), "the batch stops its workers: none prints its own"

    def nothing_running() -> bool:
        try:
            os.killpg(batch_run.pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(nothing_running, seconds=30)
    assert not list(project.outputs.iterdir()), "no report published, no staging folder left"
