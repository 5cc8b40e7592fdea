"""Command line: a very light wrapper over ``build``.

Any error becomes one clear message and exit status 1 (``--debug`` shows the traceback
instead). Ctrl-C and SIGTERM take the same path: the build removes what it had made so far
(staging folder, kernels and their sockets, Chromium and its profile, partial files), leaves
the previous report as it was, and the command says so in one line and exits with 128 plus the
signal's number.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from safeguarding_report.errors import ReportError

DEFAULT_PARAMS = Path("params/kent-2022.yaml")
PACKAGE_LOGGER = "safeguarding_report"

log = logging.getLogger(__name__)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so cleanup is the same."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``safeguarding-report`` command."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    # The kit says what it does; other libraries (pikepdf, papermill ...) only warnings.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger(PACKAGE_LOGGER).setLevel(logging.DEBUG if args.debug else logging.INFO)
    try:
        with _sigterm_as_interrupt():
            if args.command == "build":
                return _build(args, argv)
            if args.command == "new":
                return _new(args)
            if args.command == "check":
                return _check(args)
            if args.command == "new-year":
                return _new_year(args)
            if args.command == "diff":
                return _diff(args)
            if args.command == "batch":
                return _batch(args)
            if args.command == "server":
                return _server(args)
    except KeyboardInterrupt as exc:
        name = "terminated" if isinstance(exc, _Terminated) else "interrupted"
        print(f"{name}: the previous report was left as it was.", file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(exc, _Terminated) else signal.SIGINT)
    except Exception as exc:
        if args.debug:
            raise
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1
    parser.print_help()
    return 2


def _new(args: argparse.Namespace) -> int:
    from safeguarding_report.workflows import scaffold

    made = scaffold.new(
        args.local_authority, args.year, root=args.root, framework_id=args.framework
    )
    print(f"Wrote {made.params}")
    print(f"Wrote {len(made.created)} empty templates in {made.local}/ (see docs/local-data.md)")
    print(f"Build it now with: make report PARAMS={made.params.relative_to(args.root)}")
    return 0


def _one_line(exc: Exception) -> str:
    """What went wrong, for a reader: the kit's own message, or the error and where."""
    if isinstance(exc, ReportError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}. Run again with --debug to see where it happened."
    return (
        f"unexpected {type(exc).__name__}: {exc}. This is a fault in the kit: run again with "
        "--debug and report the traceback."
    )


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While building, SIGTERM raises ``_Terminated`` (a KeyboardInterrupt) in the main thread."""

    def terminated(signum: int, frame: FrameType | None) -> None:
        # Once is enough: a second SIGTERM during cleanup must not cut the cleanup short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _build(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from safeguarding_report.pipeline import server

    # A build server of this project, if one runs, has done the heavy imports already.
    answered = server.run(argv, args.root)
    if answered is not None:
        return answered
    if server.inside():
        log.info("Building in the build server (its imports are done).")
    from safeguarding_report.pipeline.build import (  # heavy imports only when building
        Project,
        build,
    )

    target = build(
        args.params,
        Project(args.root),
        make_pdf=not args.no_pdf,
        workers=args.workers,
        progress=not args.quiet,
        strict=args.strict,
        section_timeout=args.section_timeout,
        force=args.force,
    )
    for name in ("report.html", "report.pdf", "figures.csv", "manifest.json"):
        if (target / name).exists():
            print(target / name)
    if server.start(args.root):
        log.info(
            "Started a build server to make the next build faster (it stops after %.0f "
            "minutes without a build; %s=0 turns it off).",
            server.IDLE_SECONDS / 60,
            server.SWITCH_ENV,
        )
    return 0


def _check(args: argparse.Namespace) -> int:
    """Print one table of every input; 1 when something blocks a build (or, with --strict,
    when anything is still to supply or to update)."""
    from safeguarding_report.workflows import inputs

    rows = inputs.check(args.params, args.root)
    print(inputs.format_table(rows))
    print(inputs.summary(rows))
    blocked = any(r.blocks for r in rows) or (args.strict and any(r.strict for r in rows))
    return 1 if blocked else 0


def _new_year(args: argparse.Namespace) -> int:
    """Write next year's params file and local folder; print what is left to do."""
    from safeguarding_report.workflows import newyear

    done = newyear.new_year(args.params, args.root)
    print(f"wrote {done.params_file}")
    print(f"wrote {done.local_folder}/")
    for title, files in (
        ("carried over as they were (check they still hold)", done.carried),
        ("carried over as drafts, to update (write this year's text, then draft: false)",
         done.to_update),
        ("to supply (this year's records; templates in docs/local-data.md)", done.to_supply),
    ):  # fmt: skip
        if files:
            print(f"{title}:")
            print("\n".join(f"  {f}" for f in files))
    print(f"next: safeguarding-report check {done.params_file}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    """Print each figure that differs between two builds; 1 when any differs, as diff does."""
    from safeguarding_report.workflows import diff

    found = diff.compare(args.a, args.b)
    for difference in found:
        print(difference.describe())
    print(f"{len(found)} figure(s) differ between {args.a} and {args.b}.")
    return 1 if found else 0


def _server(args: argparse.Namespace) -> int:
    """Start, stop or ask after the project's build server."""
    from safeguarding_report.pipeline import server

    if not server.enabled():
        print(f"The build server is off ({server.SWITCH_ENV}=0, or not on Linux).")
        return 1 if args.action == "start" else 0
    if args.action == "start":
        server.start(args.root)
        if not server.ready(args.root):
            print(f"error: the build server did not start; see {args.root / '.cache/server.log'}")
            return 1
        print("The build server is running.")
    elif args.action == "stop":
        print("Stopped the build server." if server.stop(args.root) else "No build server ran.")
    else:
        print("running" if server.answers(args.root) else "not running")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safeguarding-report",
        description="Build a safeguarding children partnership's yearly report.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("build", help="build one report into outputs/<id>/")
    build.add_argument("--params", type=Path, default=DEFAULT_PARAMS, help="params YAML file")
    build.add_argument("--root", type=Path, default=Path("."), help="project folder")
    build.add_argument("--no-pdf", action="store_true", help="HTML only (no Chromium needed)")
    build.add_argument("--workers", type=int, default=None, help="sections run at once")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument(
        "--strict",
        action="store_true",
        help="fail when a statutory requirement of the framework has no content",
    )
    build.add_argument(
        "--force", action="store_true", help="run every section, even those the cache holds"
    )
    build.add_argument(
        "--section-timeout",
        type=_seconds,
        default=600.0,
        metavar="SECONDS",
        help="a section still running after this long fails (default 600)",
    )
    build.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    new = sub.add_parser(
        "new", help="start a report for any English local authority: params and empty records"
    )
    new.add_argument("local_authority", help="E-code (E08000003) or DfE 3-digit code (352)")
    new.add_argument("--year", type=int, required=True, help="year ending 31 March, e.g. 2024")
    new.add_argument(
        "--framework", default=None, help="wt2010, wt2018 or wt2023 (default: the one in force)"
    )
    new.add_argument("--root", type=Path, default=Path("."), help="project folder")
    new.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    _analyst_commands(sub)
    _batch_command(sub)
    serve = sub.add_parser(
        "server",
        help="the build server, which keeps the imports warm between builds (started by build)",
    )
    serve.add_argument("action", choices=("start", "stop", "status"))
    serve.add_argument("--root", type=Path, default=Path("."), help="project folder")
    serve.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    return parser


def _analyst_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """check, new-year and diff: the analyst's year around the build."""
    check = sub.add_parser(
        "check", help="list every input of a report: found, valid, to supply or to update"
    )
    check.add_argument("params", type=Path, help="params YAML file")
    check.add_argument("--root", type=Path, default=Path("."), help="project folder")
    check.add_argument(
        "--strict", action="store_true", help="also fail while anything is to supply or update"
    )
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    new_year = sub.add_parser(
        "new-year", help="write next year's params file and local folder from this year's"
    )
    new_year.add_argument("params", type=Path, help="this year's params YAML file")
    new_year.add_argument("--root", type=Path, default=Path("."), help="project folder")
    new_year.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    diff = sub.add_parser("diff", help="list the figures that differ between two built reports")
    diff.add_argument("a", type=Path, help="a built report's folder (outputs/<id>/) or figures.csv")
    diff.add_argument("b", type=Path, help="the other report's folder or figures.csv")
    diff.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def _batch_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """batch: many reports at once, on Dask."""
    batch = sub.add_parser(
        "batch",
        help="build many reports at once on Dask (a folder of params files, or --authorities)",
    )
    batch.add_argument(
        "folder", type=Path, nargs="?", default=None, help="a folder of params files to build"
    )
    batch.add_argument(
        "--authorities",
        default=None,
        metavar="all|CODE,CODE",
        help="'all' English local authorities, or E-codes separated by commas (needs --year)",
    )
    batch.add_argument("--year", type=int, default=None, help="year ending 31 March, e.g. 2024")
    batch.add_argument(
        "--framework", default=None, help="for --authorities: wt2010, wt2018 or wt2023"
    )
    batch.add_argument("--root", type=Path, default=Path("."), help="project folder")
    batch.add_argument("--no-pdf", action="store_true", help="HTML only (no Chromium needed)")
    batch.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="an existing Dask scheduler, e.g. tcp://127.0.0.1:8786 (default: "
        "DASK_SCHEDULER_ADDRESS, else a local cluster)",
    )
    batch.add_argument(
        "--workers", type=int, default=None, help="local cluster: reports built at once"
    )
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def _batch(args: argparse.Namespace) -> int:
    """Build every report of the batch; print the summary; 1 when any report failed."""
    from safeguarding_report.workflows import batch, index

    if (args.folder is None) == (args.authorities is None):
        raise ReportError(
            "batch: give either a folder of params files (such as params/) or --authorities "
            "with --year, not both."
        )
    if args.authorities is not None and args.year is None:
        raise ReportError("batch: --authorities needs --year (the year ending 31 March).")
    if args.folder is not None:
        todo = batch.params_in(args.folder)
    else:
        todo = batch.authorities(
            args.authorities, args.year, root=args.root, framework_id=args.framework
        )
    try:
        outcomes = todo.failed + batch.run(
            todo.params,
            args.root,
            make_pdf=not args.no_pdf,
            scheduler=args.scheduler,
            workers=args.workers,
            progress=not args.quiet,
        )
    except KeyboardInterrupt:
        for staged in batch.stopped(args.root, todo.params):
            print(f"removed {staged}", file=sys.stderr)
        raise
    print(batch.summary(outcomes))
    outputs = args.root / "outputs"
    if outputs.is_dir():
        for written in index.write(outputs):
            print(written)
    return 0 if all(o.ok for o in outcomes) else 1


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, found {text!r}")
    return value
