"""The build server: the same report as a build on its own, errors and Ctrl-C passed on, and
nothing left running once it is stopped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ctrl_c_as_in_a_terminal, tiny_section, wait_for
from safeguarding_report import cli
from safeguarding_report.core import store
from safeguarding_report.pipeline import server

ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).parent / "safeguarding-report")
BUILD = [COMMAND, "build", "--params", "params/kent-2022.yaml", "--no-pdf", "--quiet"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the project, with a build server of its own that is stopped afterwards."""
    base = tmp_path_factory.mktemp("served")
    for name in ("notebooks", "params", "data"):
        shutil.copytree(ROOT / name, base / name)
    yield base
    subprocess.run([COMMAND, "server", "stop"], cwd=base, env=_on(), check=False)


def _on(**extra: str) -> dict[str, str]:
    return {**os.environ, server.SWITCH_ENV: "1", server.IDLE_ENV: "120", **extra}


def _run(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=project, env=env or _on(), capture_output=True, text=True, check=False
    )


def test_a_build_in_the_server_is_the_build_on_its_own(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _run(project, *BUILD, **_on(**{server.SWITCH_ENV: "0"}))
    assert alone.returncode == 0, alone.stderr
    assert "build server" not in alone.stderr, "switched off: none used, none started"
    report = project / "outputs/kent-2022"
    made = {name: (report / name).read_bytes() for name in ("report.html", "figures.csv")}

    started = _run(project, COMMAND, "server", "start")
    assert started.returncode == 0 and "running" in started.stdout, started.stderr
    monkeypatch.setenv(server.SWITCH_ENV, "1")
    assert server.answers(project)

    served = _run(project, *BUILD, "--force")
    assert served.returncode == 0, served.stderr
    assert "Building in the build server" in served.stderr
    assert str(Path("outputs/kent-2022/report.html")) in served.stdout, "its output reaches us"
    for name, content in made.items():
        assert (report / name).read_bytes() == content, f"{name} differs from the build alone"


def test_errors_and_ctrl_c_are_passed_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(server.SWITCH_ENV, "1")
    assert server.answers(project), "started by the test before"
    missing = _run(project, COMMAND, "build", "--params", "params/none.yaml", "--no-pdf")
    assert missing.returncode == 1
    assert "params/none.yaml" in missing.stderr

    report = project / "outputs/kent-2022/report.html"
    before = report.read_bytes()
    section = project / "notebooks/02_local_context.ipynb"
    kept = section.read_bytes()
    tiny_section(section, "import time\ntime.sleep(120)")
    build = subprocess.Popen(
        [*BUILD, "--force"], cwd=project, env=_on(), stderr=subprocess.PIPE, text=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )  # fmt: skip
    try:
        # Mid-build: the slow section is running its cell.
        wait_for(lambda: any(project.glob("outputs/.kent-2022.building-*/sections/.02_*.running")))
        build.send_signal(signal.SIGINT)
        _, stderr = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
        section.write_bytes(kept)
    assert build.returncode == 128 + signal.SIGINT, stderr
    assert "interrupted: the previous report was left as it was." in stderr
    assert report.read_bytes() == before


def test_a_changed_library_gets_a_server_of_its_own(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = server.address(project)
    monkeypatch.setattr(server, "library_digest", lambda: "a changed library")
    assert server.address(project) != here
    monkeypatch.setenv(server.SWITCH_ENV, "1")
    assert not server.answers(project), "the old server does not answer for the new code"


def test_stopped_it_leaves_nothing_running(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(server.SWITCH_ENV, "1")
    stopped = _run(project, COMMAND, "server", "stop")
    assert stopped.returncode == 0 and "Stopped" in stopped.stdout
    deadline = time.monotonic() + 10
    while _servers(project) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _servers(project)
    assert not server.answers(project)
    assert store.library_digest()  # the library is still importable as before


def _servers(project: Path) -> list[int]:
    """Processes still running as this project's build server."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"safeguarding_report.pipeline.server" in line and str(project).encode() in line:
                found.append(int(entry.name))
    return found


def test_in_ci_no_server_is_used_or_started_unless_switched_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(server.SWITCH_ENV, raising=False)
    monkeypatch.setenv(server.CI_ENV, "true")
    assert not server.enabled()
    assert not server.start(tmp_path), "a build in CI leaves no server behind"
    assert cli.main(["server", "start", "--root", str(tmp_path)]) == 1
    assert "The build server is off" in capsys.readouterr().out
    assert not server.answers(tmp_path)

    monkeypatch.setenv(server.SWITCH_ENV, "1")
    assert server.enabled(), "switched on, it runs in CI too"
    monkeypatch.setenv(server.SWITCH_ENV, "0")
    assert not server.enabled()
    monkeypatch.delenv(server.SWITCH_ENV)
    monkeypatch.setenv(server.CI_ENV, "")
    assert server.enabled(), "an empty CI is not CI"
