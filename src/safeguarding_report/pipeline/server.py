"""The build server: a warm process that runs each build in a fresh fork of itself.

A build spends its first seconds importing pandas, matplotlib, nbconvert, python-docx and the
library, and a build after a small change spends little else. So, after a build, the command
leaves a server process behind that has done those imports once. The next ``build`` of the
same project hands what it was asked (params file, project folder, ``BuildOptions``), its
working folder, environment and terminal to the server, which forks a fresh copy of itself to
run it (``command.run_build``, as the command would) and sends back the exit status; the
command prints what the build prints and exits with that status, as if the build had run in it.

Each build runs in a process of its own, forked from the server, which never builds anything
itself: no state passes from one build to the next. The sections of a build run in processes
forked from that build's process, one each, as they do without the server.

The server answers only builds of its own project folder, made with its own library code,
Python and settings (``address``): after a change to the library, the next build runs in its own
process and starts a new server. It stops after ``IDLE_SECONDS`` without a build, or with
``safeguarding-report server stop``. It is off where no one waits for a second build
(``enabled``): with ``SAFEGUARDING_REPORT_SERVER=0`` (the tests do this), and when the ``CI``
environment variable is set unless ``SAFEGUARDING_REPORT_SERVER=1``; builds then run in the
command's own process, and none is started. ``batch`` never uses it: its workers call the build
directly. Ctrl-C and SIGTERM on the command are passed on to the build. Linux only (it uses an
abstract socket).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any

from safeguarding_report.core.store import library_digest
from safeguarding_report.pipeline.options import BuildOptions

log = logging.getLogger(__name__)

SWITCH_ENV = "SAFEGUARDING_REPORT_SERVER"  # "0" turns the server off, "1" on even in CI
CI_ENV = "CI"  # set (not empty) by CI services: the server is off there unless switched on
IDLE_ENV = "SAFEGUARDING_REPORT_SERVER_IDLE"  # seconds without a build before it stops
IDLE_SECONDS = 900.0
# Environment settings read when modules are imported: a server started under other values
# would build differently, so they are part of its address.
SETTINGS_PREFIXES = ("SAFEGUARDING_REPORT_", "MPL", "PYTHON", "TMPDIR", "LANG", "LC_", "TZ")


def enabled() -> bool:
    """Whether builds use (and start) the server: on Linux, unless ``SWITCH_ENV`` is "0", or
    unset (or empty) while ``CI_ENV`` is set: in CI each build is the only one."""
    if sys.platform != "linux":
        return False
    switch = os.environ.get(SWITCH_ENV, "")
    if switch:
        return switch != "0"
    return not os.environ.get(CI_ENV)


def address(root: Path) -> str:
    """The server's abstract socket name for this project, library, Python and settings."""
    settings = sorted(
        (k, v)
        for k, v in os.environ.items()
        if k.startswith(SETTINGS_PREFIXES) and k not in (SWITCH_ENV, IDLE_ENV)
    )
    digest = hashlib.sha256(
        json.dumps([str(root.resolve()), sys.executable, library_digest(), settings]).encode(
            "utf-8"
        )
    ).hexdigest()
    return f"\0safeguarding-report-{digest[:32]}"


# -- the command's side ------------------------------------------------------------------------


def run(params_path: Path, root: Path, options: BuildOptions, *, debug: bool) -> int | None:
    """Build this report in the project's server; its exit status, or None if none answers.

    ``debug`` is the command's ``--debug``: an error's traceback is shown instead of one line.
    """
    if not enabled():
        return None
    connection = _connect(root)
    if connection is None:
        return None
    with connection, contextlib.ExitStack() as stack:
        streams = [stack.enter_context(_open_or_null(fd)) for fd in (0, 1, 2)]
        build = {
            "params": str(params_path),
            "root": str(root),
            "options": asdict(options),
            "debug": debug,
        }
        request = {"build": build, "cwd": os.getcwd(), "env": dict(os.environ)}
        try:
            socket.send_fds(connection, [json.dumps(request).encode("utf-8") + b"\n"], streams)
        except OSError:
            return None
        answers = connection.makefile("rb")
        started = _answer(answers)
        if started is None or "pid" not in started:
            return None  # the server went away before forking: build here instead
        with _passed_on(int(started["pid"])):
            finished = _answer(answers)
    if finished is None or "exit" not in finished:
        print(
            "error: the build's process in the build server ended without an answer; the "
            "previous report was left as it was. Build again (SAFEGUARDING_REPORT_SERVER=0 "
            "builds without the server).",
            file=sys.stderr,
        )
        return 1
    return int(finished["exit"])


def start(root: Path) -> bool:
    """Start the project's server in the background; False when off or one already answers."""
    if not enabled() or answers(root):
        return False
    root = root.resolve()
    cache = root / ".cache"
    with contextlib.suppress(OSError):
        cache.mkdir(exist_ok=True)
    logfile = cache / "server.log" if cache.is_dir() else Path(os.devnull)
    with open(logfile, "ab") as out:
        subprocess.Popen(
            [sys.executable, "-m", "safeguarding_report.pipeline.server", str(root)],
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,  # not in the terminal's process group: Ctrl-C is for builds
        )
    return True


def ready(root: Path, timeout: float = 60.0) -> bool:
    """Wait until the project's server answers (at most ``timeout`` s); whether it does."""
    deadline = time.monotonic() + timeout
    while not answers(root):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stop(root: Path) -> bool:
    """Ask the project's server to stop; whether one was running."""
    connection = _connect(root)
    if connection is None:
        return False
    with connection:
        connection.sendall(json.dumps({"stop": True}).encode("utf-8") + b"\n")
        _answer(connection.makefile("rb"))
    return True


def answers(root: Path) -> bool:
    """Whether the project's server is running and answers."""
    connection = _connect(root)
    if connection is None:
        return False
    connection.close()
    return True


def _connect(root: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(address(root))
    except OSError:
        connection.close()
        return None
    return connection


@contextlib.contextmanager
def _open_or_null(fd: int) -> Any:
    """``fd`` itself when it is open; otherwise /dev/null, closed afterwards."""
    try:
        os.fstat(fd)
    except OSError:
        null = os.open(os.devnull, os.O_RDWR)
        try:
            yield null
        finally:
            os.close(null)
        return
    yield fd


def _answer(stream: Any) -> dict[str, Any] | None:
    try:
        line = stream.readline()
        return json.loads(line) if line else None
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _passed_on(pid: int) -> Any:
    """While the build runs, Ctrl-C and SIGTERM on the command go to the build."""

    def pass_on(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    previous = {s: signal.signal(s, pass_on) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


# -- the server's side -------------------------------------------------------------------------


def serve(root: Path, idle: float) -> None:
    """Import everything, then fork a build for each request until idle for ``idle`` s."""
    from safeguarding_report.pipeline import export, runner

    # Every stage's module (the stages import them all; the cover report's too), and how a
    # build command ends. The server is warm for every build it forks, so a served build's
    # sections are forked holding them too: a build without the server holds less.
    runner.prepare(
        (
            "safeguarding_report.pipeline.stages",
            "safeguarding_report.pipeline.finish",
            "safeguarding_report.pipeline.cover",
            "safeguarding_report.pipeline.command",
        )
    )
    export.warm()  # the page's templates, compiled once
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address(root))
    except OSError:  # another server of this project already answers
        listener.close()
        return
    listener.listen(16)
    listener.settimeout(1.0)
    log.warning("build server for %s ready (pid %d)", root, os.getpid())
    builds: set[int] = set()
    last = time.monotonic()
    with listener:
        while True:
            builds = {pid for pid in builds if not _ended(pid)}
            if not builds and time.monotonic() - last > idle:
                log.warning("build server stopping: no build for %.0f s", idle)
                return
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            last = time.monotonic()
            with connection:
                request, fds = _request(connection)
                if request is None:
                    continue
                if request.get("stop"):
                    connection.sendall(b'{"stopped": true}\n')
                    log.warning("build server stopping: asked to")
                    return
                pid = os.fork()
                if pid == 0:  # the build's own process; never returns
                    listener.close()
                    _build(connection, fds, request)
                for fd in fds:
                    os.close(fd)
                builds.add(pid)


def _request(connection: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    try:
        message, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
        while not message.endswith(b"\n"):
            more = connection.recv(1 << 16)
            if not more:
                break
            message += more
        return json.loads(message), fds
    except (OSError, ValueError):
        return None, []


def _ended(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


def _build(connection: socket.socket, fds: list[int], request: dict[str, Any]) -> None:
    """In the fork: take the command's terminal, folder and environment, and build as the
    command would have (its messages and exit status)."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        logging.root.handlers.clear()  # command.run sets up its own, on this stderr
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(line_buffering=True)  # the server's own were log files
        connection.sendall(json.dumps({"pid": os.getpid()}).encode("utf-8") + b"\n")
        from safeguarding_report.pipeline import command

        asked = request["build"]

        def build_here() -> int:
            log.info("Building in the build server (its imports are done).")
            options = BuildOptions(**asked["options"])
            return command.run_build(Path(asked["params"]), Path(asked["root"]), options)

        code = command.run(build_here, debug=bool(asked["debug"]))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
            connection.sendall(json.dumps({"exit": code}).encode("utf-8") + b"\n")
        os._exit(code)


if __name__ == "__main__":
    # Run as ``python -m``, this file is ``__main__``: serve from the library's own module, so
    # that the builds it forks log through the package's logger, as the command line shows.
    from safeguarding_report.pipeline import server

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    server.serve(Path(sys.argv[1]), float(os.environ.get(IDLE_ENV, IDLE_SECONDS)))
