"""The command line: one line per error, and every way a build ends leaves nothing behind.

Builds here use a tiny project (the real data, one short section notebook), so that a build
takes seconds; the signals are sent to the command in a subprocess, mid-build.
"""

from __future__ import annotations

import argparse
import errno
import importlib.metadata
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from conftest import (
    ctrl_c_as_in_a_terminal,
    last_year_built,
    project_copy,
    tiny_section,
    wait_for,
)
from safeguarding_report import cli
from safeguarding_report.cli import main
from safeguarding_report.core import framework
from safeguarding_report.core.errors import OutputError
from safeguarding_report.pipeline import publish
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = "the last good report"
KENT = (ROOT / "params/kent-2022.yaml").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The real data and params, a quick notebook per section, and a previous report."""
    (tmp_path / "notebooks").mkdir()
    for number, spec in enumerate(framework.load("wt2018").sections, start=1):
        tiny_section(tmp_path / f"notebooks/{number:02d}_{spec.key}.ipynb", "print(la_code)")
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    previous = tmp_path / "outputs/kent-2022"
    previous.mkdir(parents=True)
    (previous / "report.html").write_text(PREVIOUS, encoding="utf-8")
    return Project(tmp_path)


def command(project: Project, *extra: str) -> list[str]:
    params = project.root / "params/kent-2022.yaml"
    return [
        sys.executable, "-m", "safeguarding_report", "build", "--params", str(params),
        "--root", str(project.root), "--quiet", *extra,
    ]  # fmt: skip


def left_behind(project: Project, tmp: Path) -> list[str]:
    """Anything a build should have removed: staging folders, partial files, temp files."""
    found = [p.name for p in project.outputs.iterdir() if p.name.startswith(".")]
    found += [p.name for p in tmp.iterdir()]
    return found


def previous_untouched(project: Project) -> bool:
    return (project.outputs / "kent-2022/report.html").read_text(encoding="utf-8") == PREVIOUS


def processes_using(tmp: Path) -> list[int]:
    """Processes (kernels, workers, Chromium) still running with this test's TMPDIR."""
    mine = f"TMPDIR={tmp}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if mine in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


# --- one line per error --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda p: p.write_text("id: kent-2022\n"), "missing key"),
        (lambda p: p.mkdir(), "is a folder, not a params file"),
        (lambda p: p.write_bytes(b"id: caf\xe9\n"), "not UTF-8"),
        (lambda p: p.write_text("id: a\nid: b\n"), "'id' is given twice, on line 1 and line 2"),
        (lambda p: p.write_text(KENT.replace("2021-10-01", "2021-02-30")), "not a date on the"),
    ],
    ids=["missing key", "folder", "not utf-8", "key twice", "impossible date"],
)
def test_bad_params_give_one_line_and_status_1(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    write: Callable[[Path], object],
    expected: str,
) -> None:
    path = tmp_path / "bad.yaml"
    write(path)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: kent-2022\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "safeguarding_report", "--debug", "check", str(bad)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ParamsError: " in result.stderr


def test_unexpected_error_is_one_line_that_says_to_use_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, kent_params: Path
) -> None:
    def broken(path: Path) -> None:
        raise RuntimeError("something the kit did not foresee")

    monkeypatch.setattr("safeguarding_report.core.params.load", broken)
    assert main(["check", str(kent_params)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "error: unexpected RuntimeError: something the kit did not foresee. This is a fault in "
        "the kit: run again with --debug and report the traceback.\n"
    )


# --- the commands and their flags ------------------------------------------------------------


def test_every_command_has_a_handler() -> None:
    parser = cli._parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == set(cli.COMMANDS)


@pytest.mark.parametrize("name", ["build", "batch"])
def test_build_and_batch_take_every_build_flag_with_the_same_defaults(name: str) -> None:
    parse = cli._parser().parse_args
    assert cli._build_options(parse([name])) == BuildOptions()
    given = ["--no-pdf", "--workers", "3", "--quiet", "--strict", "--force"]
    assert cli._build_options(parse([name, *given, "--section-timeout", "5"])) == BuildOptions(
        make_pdf=False, workers=3, progress=False, strict=True, force=True, section_timeout=5.0
    )


# --- a command line an analyst can guess ---------------------------------------------------

PARAMS_COMMANDS = ["build", "check", "workbook", "new-year"]


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    version = importlib.metadata.version("safeguarding-report")
    assert capsys.readouterr().out == f"safeguarding-report {version}\n"


@pytest.mark.parametrize("name", PARAMS_COMMANDS)
def test_the_params_file_is_the_first_argument_or_params(name: str) -> None:
    first = cli.parse_args([name, "params/x.yaml", "--root", "/p"])
    flag = cli.parse_args([name, "--root", "/p", "--params", "params/x.yaml"])
    both = cli.parse_args([name, "params/x.yaml", "--params", "./params/x.yaml"])
    assert first.params == flag.params == both.params == Path("params/x.yaml")


@pytest.mark.parametrize("name", PARAMS_COMMANDS)
def test_two_different_params_files_are_a_usage_error(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main([name, "params/a.yaml", "--params", "params/b.yaml"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert f"safeguarding-report {name}: error: the params file is given twice" in err
    assert "params/a.yaml" in err and "params/b.yaml" in err


@pytest.mark.parametrize("name", ["check", "workbook", "new-year"])
def test_a_command_with_no_default_asks_for_the_params_file(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main([name])
    assert ended.value.code == 2
    assert "the params file is missing: give it as the first argument" in capsys.readouterr().err


def test_build_defaults_to_kent_2022_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.parse_args(["build", "--no-pdf"]).params == Path("params/kent-2022.yaml")
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "(default: params/kent-2022.yaml)" in " ".join(capsys.readouterr().out.split())


@pytest.mark.build
def test_build_takes_the_params_file_either_way_and_makes_the_same_report(
    tmp_path: Path, private_tmp: Path
) -> None:
    project = project_copy(tmp_path / "project")
    params = str(project / "params/kent-2022.yaml")
    report = project / "outputs/kent-2022/report.html"
    assert main(["build", params, "--root", str(project), "--no-pdf", "--quiet"]) == 0
    first = report.read_bytes()
    report.unlink()
    assert main(["build", "--root", str(project), "--params", params, "--no-pdf", "--quiet"]) == 0
    assert report.read_bytes() == first


def test_check_takes_the_params_file_either_way(
    kent_params: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["check", str(kent_params), "--root", str(ROOT)])
    first = capsys.readouterr().out
    assert main(["check", "--params", str(kent_params), "--root", str(ROOT)]) == status == 0
    assert capsys.readouterr().out == first and "data/local/kent-2022/reviews.csv" in first


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("workbook", "data/local/kent-2022/records.xlsx"),
        # new-year reads last year's published figures: the default report's, built.
        pytest.param("new-year", "params/kent-2023.yaml", marks=pytest.mark.build),
    ],
)
@pytest.mark.parametrize("form", ["first argument", "--params"])
def test_workbook_and_new_year_take_the_params_file_either_way(
    kent_folder: Path, request: pytest.FixtureRequest, name: str, written: str, form: str
) -> None:
    if name == "new-year":
        last_year_built(kent_folder, request.getfixturevalue("default_report"))
    params = str(kent_folder / "params/kent-2022.yaml")
    given = [params] if form == "first argument" else ["--params", params]
    assert main([name, *given, "--root", str(kent_folder)]) == 0
    assert (kent_folder / written).is_file()


def _summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each command's line in the parser's list of commands, by name."""
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {a.dest: str(a.help) for a in commands._choices_actions}


def _every_parser() -> list[object]:
    """(name, parser, summary) of every command, and of every action of a command (server)."""
    found = []
    for name, parser in cli.commands(cli._parser()).items():
        found.append(pytest.param(name, parser, _summaries(cli._parser())[name], id=name))
        for action, own in cli.commands(parser).items():
            summary = _summaries(parser)[action]
            found.append(pytest.param(f"{name} {action}", own, summary, id=f"{name} {action}"))
    return found


@pytest.mark.parametrize(("name", "parser", "summary"), _every_parser())
def test_every_command_has_a_description_and_every_option_a_help_with_its_default(
    name: str, parser: argparse.ArgumentParser, summary: str
) -> None:
    assert summary and summary[0].isupper() and "\n" not in summary
    assert parser.description == summary + ".", "the same line in the list and in its --help"
    for action in parser._actions:
        shown = "/".join(action.option_strings) or action.dest
        assert action.help and action.help != argparse.SUPPRESS, f"{name} {shown}: no help"
        if isinstance(action, argparse._SubParsersAction) or not action.option_strings:
            continue
        if shown in ("-h/--help", "--version") or action.help == cli.PARAMS_ALIAS_HELP:
            continue
        assert "default" in action.help or "required" in action.help, f"{name} {shown}"


def test_server_start_stop_and_status_each_have_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["server", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    for line in (
        "start Start the build server",
        "stop Stop the build server",
        "status Say whether the build server is running",
    ):
        assert line in said


def test_workers_and_strict_say_what_they_mean_for_each_command() -> None:
    def helped(name: str, flag: str) -> str:
        parser = cli.commands(cli._parser())[name]
        (action,) = (a for a in parser._actions if flag in a.option_strings)
        return str(action.help)

    assert "sections run at once" in helped("build", "--workers")
    assert "reports are built at once" in helped("batch", "--workers")
    for name in ("build", "batch"):
        assert "a narrative is still a draft" in helped(name, "--strict")
    assert "a narrative still a draft" in helped("check", "--strict")


def test_make_help_says_what_the_command_line_says() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # A target whose recipe is one call of a command: `target: ... ## words` then the call.
    calls = dict(
        re.findall(
            r"^([a-z-]+):[^\n]*## .*\n\t\$\(BIN\)/safeguarding-report ([a-z-]+)", makefile, re.M
        )
    )
    assert calls.keys() >= {"report", "check", "new-year", "workbook", "new", "review", "batch"}
    listed = subprocess.run(
        ["make", "--no-print-directory", "-s", "help"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    said = dict(re.findall(r"^  (\S+)\s+(.+)$", listed, re.M))
    summaries = _summaries(cli._parser())
    for target, name in calls.items():
        words = summaries[name]
        assert said[target] == words or said[target].startswith(words + " ("), target
    assert "--params" not in "".join(re.findall(r"safeguarding-report .*", makefile))


# --- a full disk ---------------------------------------------------------------------------


def _disk_full_at(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing a file called ``name`` fails as on a full disk, after writing part of it."""
    real_open = Path.open

    def open_(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self.name == name and "w" in mode:
            handle = real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]
            handle.write("partial")
            handle.close()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", open_)


def _nbformat_disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = nbformat.write

    def write(nb: object, fp: object, *args: object, **kwargs: object) -> None:
        if str(fp).endswith("report.ipynb"):
            Path(str(fp)).write_text("{partial", encoding="utf-8")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(fp))
        real_write(nb, fp, *args, **kwargs)

    monkeypatch.setattr(nbformat, "write", write)


@pytest.mark.parametrize("name", ["report.ipynb", "figures.csv"])
def test_full_disk_is_one_clear_line_and_the_previous_report_is_kept(
    project: Project,
    private_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    if name == "report.ipynb":
        _nbformat_disk_full(monkeypatch)
    else:
        _disk_full_at(name, monkeypatch)
    params = project.root / "params/kent-2022.yaml"
    with pytest.raises(OutputError) as caught:
        build(params, project, BuildOptions(make_pdf=False, progress=False))
    message = str(caught.value)
    assert f"{name}: the disk is full" in message and "Free some space" in message
    assert "\n" not in message
    assert previous_untouched(project)
    assert left_behind(project, private_tmp) == []


# --- a stuck section, a stale failure ------------------------------------------------------


def test_stuck_section_fails_by_name_and_cell_and_a_later_success_clears_it(
    project: Project, private_tmp: Path
) -> None:
    stuck = tiny_section(
        project.notebooks / "02_local_context.ipynb",
        "x = 1",
        "import time\nwhile True: time.sleep(1)",
    )
    result = subprocess.run(
        command(project, "--no-pdf", "--section-timeout", "3"),
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "02_local_context: cell 5 of the kept notebook (cell 4 of 02_local_context.ipynb)"
        in result.stderr
    )
    assert "time limit of 3 s" in result.stderr
    kept = project.outputs / "kent-2022.failed/sections/02_local_context.ipynb"
    assert f"traceback in the executed notebook: {kept}" in result.stderr
    cells = nbformat.read(kept, as_version=4).cells
    assert "while True" in cells[4].source, "cell 5 of the kept notebook is the stuck one"
    assert previous_untouched(project)

    tiny_section(stuck, "print(la_code)")
    subprocess.run(command(project, "--no-pdf"), check=True, capture_output=True, timeout=120)
    assert not (project.outputs / "kent-2022.failed").exists(), "a stale failure is removed"
    assert sorted(p.name for p in project.outputs.iterdir()) == ["kent-2022"]
    assert left_behind(project, private_tmp) == []


def test_published_report_has_ordinary_permissions(project: Project, private_tmp: Path) -> None:
    previous = os.umask(0o022)
    try:
        subprocess.run(command(project, "--no-pdf"), check=True, capture_output=True, timeout=120)
    finally:
        os.umask(previous)
    target = project.outputs / "kent-2022"
    for path in [target, *target.rglob("*")]:
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


# --- signals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "word"), [(signal.SIGTERM, "terminated"), (signal.SIGINT, "interrupted")]
)
def test_signal_mid_section_cleans_up_and_says_so_in_one_line(
    project: Project, private_tmp: Path, signum: int, word: str
) -> None:
    tiny_section(project.notebooks / "02_local_context.ipynb", "import time\ntime.sleep(120)")
    process = subprocess.Popen(
        command(project, "--no-pdf"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )  # fmt: skip
    try:
        # Mid-build: the staging folder is there and the slow section has started its cell.
        wait_for(lambda: (next(project.outputs.glob(
            ".kent-2022.building-*/sections/02_local_context.ipynb"), None) is not None)
        )  # fmt: skip
        time.sleep(2)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()  # reaped here, not left to warn in a later test
    assert process.returncode == 128 + signum
    assert err == f"{word}: the previous report was left as it was.\n"
    assert previous_untouched(project)
    assert left_behind(project, private_tmp) == []
    wait_for(lambda: not processes_using(private_tmp), seconds=10)


def test_sigterm_while_printing_the_pdf_removes_chromium_and_its_profile(
    project: Project, private_tmp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = tmp_path / "chromium-started"
    fake = tmp_path / "fake-chromium"
    fake.write_text(f"#!/bin/sh\ntouch {started}\nsleep 120\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("SAFEGUARDING_REPORT_CHROMIUM", str(fake))
    process = subprocess.Popen(
        command(project), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(started.exists)
        assert any(
            p.name.startswith("safeguarding-report-chromium-") for p in private_tmp.iterdir()
        )
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()  # reaped here, not left to warn in a later test
    assert process.returncode == 128 + signal.SIGTERM
    assert err == "terminated: the previous report was left as it was.\n"
    assert previous_untouched(project)
    assert left_behind(project, private_tmp) == []
    wait_for(lambda: not processes_using(private_tmp), seconds=10)


def test_publish_module_names_its_staging_folders() -> None:
    # The tests above look for staging folders by this name.
    assert publish.STAGING_INFIX == ".building-"


def test_failure_summary_never_points_at_a_notebook_that_was_not_saved(tmp_path: Path) -> None:
    from safeguarding_report.pipeline.execute import SectionRun
    from safeguarding_report.pipeline.stages import _failure_summary

    staged, kept = tmp_path / ".kent-2022.building-x", tmp_path / "kent-2022.failed"
    (kept / "sections").mkdir(parents=True)
    (kept / "sections/01_ran.ipynb").write_text("{}", encoding="utf-8")
    runs = [
        SectionRun("01_ran", staged / "sections/01_ran.ipynb", 1.0, "cell 3 ...: ValueError: x"),
        SectionRun("02_never", staged / "sections/02_never.ipynb", 0.1, "NoSuchKernel: python3"),
    ]
    summary = _failure_summary(runs, kept, staged, tmp_path / "kent-2022")
    assert f"traceback in the executed notebook: {kept / 'sections/01_ran.ipynb'}" in summary
    assert "02_never.ipynb" not in summary
    assert "no executed notebook was saved" in summary
