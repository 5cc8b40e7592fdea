"""Command line: a very light wrapper over the build and the analyst's workflows.

Each command is one handler in ``COMMANDS``; ``command.run`` runs it and decides how it ends
(one line per error and exit status 1, ``--debug`` for the traceback; Ctrl-C and SIGTERM
leave the previous report as it was and exit with 128 plus the signal's number). ``build`` and
``batch`` share the build flags, which become one ``BuildOptions``.

A command that reads one report's params file takes it as its first argument (``build`` has a
default); ``--params FILE`` is the same, for scripts written before. Each command's one-line
description is its summary in the top ``--help`` and the description of its own; the
Makefile's ``make help`` says the same words (a test keeps them in step).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from safeguarding_report.core.errors import ReportError
from safeguarding_report.pipeline import command
from safeguarding_report.pipeline.options import DEFAULT_SECTION_TIMEOUT, BuildOptions

DEFAULT_PARAMS = Path("params/kent-2022.yaml")
DISTRIBUTION = "safeguarding-report"
FRAMEWORK_HELP = "a framework id from core/frameworks/ (default: the one in force)"
WORKBOOK_HELP = (
    "the records as one Excel workbook (records.xlsx) instead of CSV files (default: CSV files)"
)
PARAMS_ALIAS_HELP = "the same as PARAMS, given as a flag (as scripts written before do)"

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``safeguarding-report`` command."""
    parser = _parser()
    args = parse_args(sys.argv[1:] if argv is None else argv, parser)
    handler = COMMANDS.get(args.command)
    if handler is None:
        parser.print_help()
        return 2
    return command.run(lambda: handler(args), debug=args.debug)


def parse_args(
    argv: Sequence[str], parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    """The command line's arguments, the params file settled (first argument or --params)."""
    parser = parser or _parser()
    args = parser.parse_args(argv)
    if hasattr(args, "params_flag"):
        args.params = _one_params(args, commands(parser)[args.command])
    return args


def _one_params(args: argparse.Namespace, own: argparse.ArgumentParser) -> Path:
    """The params file given as the first argument or as --params (not both, unless the same),
    else the command's default; a usage error when there is none."""
    given, flag = args.params, args.params_flag
    if given is not None and flag is not None and given != flag:
        own.error(
            f"the params file is given twice, as {given} and as --params {flag}: give it once, "
            "as the first argument"
        )
    chosen: Path | None = given or flag or args.params_default
    if chosen is None:
        own.error(
            f"the params file is missing: give it as the first argument, e.g. "
            f"{own.prog} {DEFAULT_PARAMS}"
        )
    return chosen


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
        ("made from last year's next_priorities.csv, each measure's baseline its latest figure "
         "(fill in what check lists)", done.promised),
    ):  # fmt: skip
        if files:
            print(f"{title}:")
            print("\n".join(f"  {f}" for f in files))
    for note in done.notes:
        print(f"left for the partnership: {note}")
    print(f"next: safeguarding-report check {done.params_file}")
    return 0


def _workbook(args: argparse.Namespace) -> int:
    """Write the report's records as one workbook, the rows already held filled in; move the
    CSV files it took in aside, so that the next build reads the workbook."""
    from safeguarding_report.workflows import workbook

    made = workbook.make(args.params, args.root)
    print(f"wrote {made.path} ({len(made.sheets)} sheets: {', '.join(made.sheets)})")
    if made.aside is not None:
        files = "the CSV file" if len(made.moved) == 1 else f"the {len(made.moved)} CSV files"
        print(
            f"moved {files} it took in to {made.aside}/ (kept for reference; the build reads "
            "the workbook instead):"
        )
        print("\n".join(f"  {f.name}" for f in made.moved))
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

    written, found = review.write(args.old, args.new)
    print(found.summary)
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
    debug, root, framework = _debug_flag(), _root_flag(), _framework_flag()
    parser = argparse.ArgumentParser(
        prog="safeguarding-report",
        description="Build a safeguarding children partnership's yearly report.",
        parents=[_debug_flag()],  # its own copy: the default below is for this level only
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {_version()}",
        help="print the kit's version and exit",
    )
    parser.set_defaults(debug=False)  # --debug goes before or after the command
    sub = parser.add_subparsers(
        dest="command", title="commands", metavar="COMMAND", help="each has its own --help"
    )

    def add(
        name: str,
        summary: str,
        *parents: argparse.ArgumentParser,
        into: argparse._SubParsersAction[argparse.ArgumentParser] = sub,
    ) -> argparse.ArgumentParser:
        # The summary is the line in the list of commands and the command's own description.
        return into.add_parser(
            name, help=summary, description=summary + ".", parents=[debug, *parents]
        )

    build = add(
        "build",
        "Build the report of PARAMS into outputs/<id>/ (HTML and PDF)",
        root,
        _build_flags("build"),
    )
    _params_argument(build, "the report's params file", default=DEFAULT_PARAMS)
    new = add(
        "new",
        "Start a report for any English local authority: its params file and empty records",
        root,
        framework,
    )
    new.add_argument(
        "local_authority",
        help="E-code (E08000003) or DfE 3-digit code (352); several separated by commas "
        "(E06000016,E10000018,E06000017) for a partnership that covers several",
    )
    new.add_argument(
        "--year", type=int, required=True, help="year ending 31 March, e.g. 2024 (required)"
    )
    new.add_argument("--workbook", action="store_true", help=WORKBOOK_HELP)
    check = add("check", "List every input of PARAMS: found, valid, to supply or to update", root)
    _params_argument(check, "the report's params file")
    check.add_argument(
        "--strict",
        action="store_true",
        help="also exit 1 while anything is to supply or to update, a narrative still a draft "
        "included (default: exit 1 only when something blocks a build)",
    )
    new_year = add(
        "new-year",
        "Write next year's params file and local folder from this year's PARAMS",
        root,
    )
    _params_argument(new_year, "this year's params file")
    new_year.add_argument("--workbook", action="store_true", help=WORKBOOK_HELP)
    workbook = add(
        "workbook",
        "Write data/local/<id>/records.xlsx for PARAMS (a sheet per record type, the rows held "
        "filled in) and move the CSV files it took in aside",
        root,
    )
    _params_argument(workbook, "the report's params file")
    diff = add("diff", "List the figures that differ between two built reports")
    diff.add_argument("a", type=Path, help="a built report's folder (outputs/<id>/) or figures.csv")
    diff.add_argument("b", type=Path, help="the other report's folder or figures.csv")
    review = add(
        "review",
        "Write review.html beside the newer of two drafts: what changed since the older one",
    )
    review.add_argument("old", type=Path, help="the older draft's folder (a copy of outputs/<id>/)")
    review.add_argument("new", type=Path, help="the newer draft's folder; review.html goes here")
    _batch_arguments(
        add(
            "batch",
            "Build many reports at once on Dask: a folder of params files, or --authorities",
            root,
            _build_flags("batch"),
            framework,
        )
    )
    server = add(
        "server",
        "Start, stop or ask after the build server, which keeps the imports warm between builds",
        root,
    )
    actions = server.add_subparsers(
        dest="action", required=True, title="actions", metavar="ACTION", help="what to do"
    )
    # --root after the action too; SUPPRESS: not given there, it must not hide one given before.
    here = _root_flag(default=argparse.SUPPRESS)
    add("start", "Start the build server (build starts one when none answers)", here, into=actions)
    add("stop", "Stop the build server", here, into=actions)
    add("status", "Say whether the build server is running", here, into=actions)
    return parser


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The commands of ``parser`` (or the actions of a command), by name."""
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(found[0].choices) if found else {}


def _version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # run from the source, not installed
        return "(not installed)"


def _params_argument(
    parser: argparse.ArgumentParser, what: str, default: Path | None = None
) -> None:
    """The params file: the first argument (``default`` when not given), or --params."""
    parser.add_argument(
        "params",
        nargs="?",
        type=Path,
        default=None,
        metavar="PARAMS",
        help=f"{what} (default: {default})" if default else f"{what} (required)",
    )
    parser.add_argument(
        "--params",
        dest="params_flag",
        type=Path,
        default=None,
        metavar="FILE",
        help=PARAMS_ALIAS_HELP,
    )
    parser.set_defaults(params_default=default)


def _debug_flag() -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a command's default must not hide --debug given before the command.
    flags.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an error (default: one line saying what is wrong)",
    )
    return flags


def _root_flag(default: Any = Path(".")) -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument(
        "--root",
        type=Path,
        default=default,
        help="the project folder, holding params/, data/ and notebooks/ (default: the current "
        "folder)",
    )
    return flags


def _framework_flag() -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--framework", default=None, help=FRAMEWORK_HELP)
    return flags


WORKERS_HELP = {
    "build": "how many sections run at once (default: one per core)",
    "batch": "how many reports are built at once on the local cluster (default: one per two "
    "cores; each report runs its sections one after another)",
}


def _build_flags(name: str) -> argparse.ArgumentParser:
    """The flags of a build (``BuildOptions``), shared by ``build`` and ``batch`` (``name``)."""
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument(
        "--no-pdf",
        action="store_true",
        help="HTML only, no Chromium needed (default: HTML and PDF)",
    )
    flags.add_argument("--workers", type=int, default=None, metavar="N", help=WORKERS_HELP[name])
    flags.add_argument(
        "--quiet", action="store_true", help="no progress bar (default: a progress bar)"
    )
    flags.add_argument(
        "--strict",
        action="store_true",
        help="refuse a report in which a statutory requirement of the framework has no content "
        "or a narrative is still a draft (default: build it; its checklist shows what is "
        "unmet; not with --draft)",
    )
    flags.add_argument(
        "--force",
        action="store_true",
        help="run every section, even those the cache holds (default: only those whose inputs "
        "changed)",
    )
    flags.add_argument(
        "--draft",
        action="store_true",
        help="a draft for review: 'Draft for review' on every page, reference numbers in the "
        "margin, references.json for review (default: the final report; not with --strict)",
    )
    flags.add_argument(
        "--section-timeout",
        type=_seconds,
        default=DEFAULT_SECTION_TIMEOUT,
        metavar="SECONDS",
        help="a section still running after this long fails (default: %(default)g)",
    )
    return flags


def _batch_arguments(batch: argparse.ArgumentParser) -> None:
    """batch's own arguments: which reports, and where they are built."""
    batch.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=None,
        help="a folder of params files to build (or --authorities instead)",
    )
    batch.add_argument(
        "--authorities",
        default=None,
        metavar="all|CODE,CODE|FILE.csv",
        help="'all' English local authorities, or E-codes separated by commas, or a CSV file "
        "of partnerships (columns name and codes, codes joined by +) (needs --year; default: "
        "none, give a folder instead)",
    )
    batch.add_argument(
        "--year",
        type=int,
        default=None,
        help="year ending 31 March, e.g. 2024 (required with --authorities)",
    )
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
