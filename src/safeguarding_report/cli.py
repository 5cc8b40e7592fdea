"""Command line: a very light wrapper over the build and the analyst's workflows.

Each command is one handler in ``COMMANDS``; ``command.run`` runs it and decides how it ends
(one line per error and exit status 1, ``--debug`` for the traceback; Ctrl-C and SIGTERM
leave the previous report as it was and exit with 128 plus the signal's number). ``build`` and
``batch`` share the build flags, which become one ``BuildOptions``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from safeguarding_report.core.errors import ReportError
from safeguarding_report.pipeline import command
from safeguarding_report.pipeline.options import DEFAULT_SECTION_TIMEOUT, BuildOptions

DEFAULT_PARAMS = Path("params/kent-2022.yaml")
FRAMEWORK_HELP = "a framework id from core/frameworks/ (default: the one in force)"
WORKBOOK_HELP = "the records as one Excel workbook (records.xlsx) instead of CSV files"

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``safeguarding-report`` command."""
    parser = _parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    handler = COMMANDS.get(args.command)
    if handler is None:
        parser.print_help()
        return 2
    return command.run(lambda: handler(args), debug=args.debug)


def _build(args: argparse.Namespace) -> int:
    """Build one report: in the project's build server when one answers, else here (and then
    start one, to make the next build faster)."""
    from safeguarding_report.pipeline import server

    options = _build_options(args)
    # A build server of this project, if one runs, has done the heavy imports already.
    answered = server.run(args.params, args.root, options, debug=args.debug)
    if answered is not None:
        return answered
    command.run_build(args.params, args.root, options)
    if server.start(args.root):
        log.info(
            "Started a build server to make the next build faster (it stops after %.0f "
            "minutes without a build; %s=0 turns it off).",
            server.IDLE_SECONDS / 60,
            server.SWITCH_ENV,
        )
    return 0


def _build_options(args: argparse.Namespace) -> BuildOptions:
    """The build flags (``_build_flags``) as the options every build of the command takes."""
    return BuildOptions(
        make_pdf=not args.no_pdf,
        workers=args.workers,
        progress=not args.quiet,
        strict=args.strict,
        force=args.force,
        section_timeout=args.section_timeout,
        draft=args.draft,
    )


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
    elif args.authorities.lower().endswith(".csv"):
        todo = batch.partnerships(
            Path(args.authorities), args.year, root=args.root, framework_id=args.framework
        )
    else:
        todo = batch.authorities(
            args.authorities, args.year, root=args.root, framework_id=args.framework
        )
    try:
        outcomes = todo.failed + batch.run(
            todo.params, args.root, _build_options(args), scheduler=args.scheduler
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


def _new(args: argparse.Namespace) -> int:
    """Write a new report's params file and empty records; say how to build it."""
    from safeguarding_report.workflows import scaffold

    made = scaffold.new(
        args.local_authority,
        args.year,
        root=args.root,
        framework_id=args.framework,
        workbook=args.workbook,
    )
    print(f"Wrote {made.params}")
    print(f"Wrote {len(made.created)} empty templates in {made.local}/ (see docs/local-data.md)")
    print(f"Build it now with: make report PARAMS={made.params.relative_to(args.root)}")
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

    done = newyear.new_year(args.params, args.root, workbook=args.workbook)
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


def _workbook(args: argparse.Namespace) -> int:
    """Write the report's records as one workbook, the rows already held filled in."""
    from safeguarding_report.workflows import workbook

    made = workbook.make(args.params, args.root)
    print(f"wrote {made.path} ({len(made.sheets)} sheets: {', '.join(made.sheets)})")
    if made.from_csv:
        print(
            "The workbook now holds the records of these CSV files; remove them (the build "
            "reads the workbook, and stops while both hold records of the same kind):"
        )
        print("\n".join(f"  {f}" for f in made.from_csv))
    return 0


def _diff(args: argparse.Namespace) -> int:
    """Print each figure that differs between two builds; 1 when any differs, as diff does."""
    from safeguarding_report.workflows import diff

    found = diff.compare(args.a, args.b)
    for difference in found:
        print(difference.describe())
    print(f"{len(found)} figure(s) differ between {args.a} and {args.b}.")
    return 1 if found else 0


def _review(args: argparse.Namespace) -> int:
    """Write review.html beside the newer draft: what changed since the older one."""
    from safeguarding_report.workflows import review

    written = review.write(args.old, args.new)
    print(f"Wrote {written}")
    return 0


def _server(args: argparse.Namespace) -> int:
    """Start, stop or ask after the project's build server."""
    from safeguarding_report.pipeline import server

    if not server.enabled():
        print(
            f"The build server is off ({server.SWITCH_ENV}=0, or {server.CI_ENV} set without "
            f"{server.SWITCH_ENV}=1, or not on Linux)."
        )
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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": _build,
    "new": _new,
    "check": _check,
    "new-year": _new_year,
    "workbook": _workbook,
    "diff": _diff,
    "review": _review,
    "batch": _batch,
    "server": _server,
}


# -- the parser: each flag declared once, in a parent parser the commands share --------------


def _parser() -> argparse.ArgumentParser:
    debug, root, build, framework = _debug_flag(), _root_flag(), _build_flags(), _framework_flag()
    parser = argparse.ArgumentParser(
        prog="safeguarding-report",
        description="Build a safeguarding children partnership's yearly report.",
        parents=[_debug_flag()],  # its own copy: the default below is for this level only
    )
    parser.set_defaults(debug=False)  # --debug goes before or after the command
    sub = parser.add_subparsers(dest="command")

    def add(name: str, summary: str, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, parents=[debug, *parents])

    add("build", "build one report into outputs/<id>/", root, build).add_argument(
        "--params", type=Path, default=DEFAULT_PARAMS, help="params YAML file"
    )
    new = add(
        "new",
        "start a report for any English local authority: params and empty records",
        root,
        framework,
    )
    new.add_argument(
        "local_authority",
        help="E-code (E08000003) or DfE 3-digit code (352); several separated by commas "
        "(E06000016,E10000018,E06000017) for a partnership that covers several",
    )
    new.add_argument("--year", type=int, required=True, help="year ending 31 March, e.g. 2024")
    new.add_argument("--workbook", action="store_true", help=WORKBOOK_HELP)
    check = add("check", "list every input of a report: found, valid, to supply or to update", root)
    check.add_argument("params", type=Path, help="params YAML file")
    check.add_argument(
        "--strict", action="store_true", help="also fail while anything is to supply or update"
    )
    new_year = add(
        "new-year", "write next year's params file and local folder from this year's", root
    )
    new_year.add_argument("params", type=Path, help="this year's params YAML file")
    new_year.add_argument("--workbook", action="store_true", help=WORKBOOK_HELP)
    add(
        "workbook",
        "write data/local/<id>/records.xlsx: a sheet per record type, the rows held filled in",
        root,
    ).add_argument("params", type=Path, help="params YAML file")
    diff = add("diff", "list the figures that differ between two built reports")
    diff.add_argument("a", type=Path, help="a built report's folder (outputs/<id>/) or figures.csv")
    diff.add_argument("b", type=Path, help="the other report's folder or figures.csv")
    review = add("review", "write review.html: what changed between two drafts, for reviewers")
    review.add_argument("old", type=Path, help="the older draft's folder (a copy of outputs/<id>/)")
    review.add_argument("new", type=Path, help="the newer draft's folder; review.html goes here")
    _batch_arguments(
        add(
            "batch",
            "build many reports at once on Dask (a folder of params files, or --authorities)",
            root,
            build,
            framework,
        )
    )
    add(
        "server",
        "the build server, which keeps the imports warm between builds (started by build)",
        root,
    ).add_argument("action", choices=("start", "stop", "status"))
    return parser


def _debug_flag() -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a command's default must not hide --debug given before the command.
    flags.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    return flags


def _root_flag() -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--root", type=Path, default=Path("."), help="project folder")
    return flags


def _framework_flag() -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--framework", default=None, help=FRAMEWORK_HELP)
    return flags


def _build_flags() -> argparse.ArgumentParser:
    """The flags of a build (``BuildOptions``), shared by ``build`` and ``batch``."""
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--no-pdf", action="store_true", help="HTML only (no Chromium needed)")
    flags.add_argument(
        "--workers",
        type=int,
        default=None,
        help="build: sections run at once; batch: reports built at once (local cluster)",
    )
    flags.add_argument("--quiet", action="store_true", help="no progress bar")
    flags.add_argument(
        "--strict",
        action="store_true",
        help="fail when a statutory requirement of the framework has no content",
    )
    flags.add_argument(
        "--force", action="store_true", help="run every section, even those the cache holds"
    )
    flags.add_argument(
        "--draft",
        action="store_true",
        help="a draft for review: 'Draft for review' on every page, reference numbers in the "
        "margin, references.json for review (not with --strict)",
    )
    flags.add_argument(
        "--section-timeout",
        type=_seconds,
        default=DEFAULT_SECTION_TIMEOUT,
        metavar="SECONDS",
        help="a section still running after this long fails (default %(default)g)",
    )
    return flags


def _batch_arguments(batch: argparse.ArgumentParser) -> None:
    """batch's own arguments: which reports, and where they are built."""
    batch.add_argument(
        "folder", type=Path, nargs="?", default=None, help="a folder of params files to build"
    )
    batch.add_argument(
        "--authorities",
        default=None,
        metavar="all|CODE,CODE|FILE.csv",
        help="'all' English local authorities, or E-codes separated by commas, or a CSV file "
        "of partnerships (columns name and codes, codes joined by +) (needs --year)",
    )
    batch.add_argument("--year", type=int, default=None, help="year ending 31 March, e.g. 2024")
    batch.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="an existing Dask scheduler, e.g. tcp://127.0.0.1:8786 (default: "
        "DASK_SCHEDULER_ADDRESS, else a local cluster)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, found {text!r}")
    return value
