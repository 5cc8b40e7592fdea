"""Command line: a very light wrapper over ``build``.

Any ``ReportError`` becomes one clear message and exit status 1; ``--debug`` shows the
traceback too.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from safeguarding_report import params
from safeguarding_report.errors import ReportError

DEFAULT_PARAMS = Path("params/kent-2022.yaml")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``safeguarding-report`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO, format="%(message)s")
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            p = params.load(args.params)
            print(f"{args.params}: valid ({p.partnership}, {p.period_label}).")
            return 0
    except ReportError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the previous report was left as it was.", file=sys.stderr)
        return 130
    parser.print_help()
    return 2


def _build(args: argparse.Namespace) -> int:
    from safeguarding_report.build import Project, build  # heavy imports only when building

    target = build(
        args.params,
        Project(args.root),
        make_pdf=not args.no_pdf,
        workers=args.workers,
        progress=not args.quiet,
        strict=args.strict,
    )
    for name in ("report.html", "report.pdf", "figures.csv", "manifest.json"):
        if (target / name).exists():
            print(target / name)
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
    build.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    check = sub.add_parser("check", help="validate a params file without building")
    check.add_argument("params", type=Path)
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    return parser
