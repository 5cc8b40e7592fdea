"""How a build is asked to run: the options the command line reads once and hands on.

``build``, ``batch`` and the build server all take one ``BuildOptions``; the defaults here are
the only ones (the command line's flags default to them too).
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding_report.core.errors import ReportError

DEFAULT_SECTION_TIMEOUT = 600.0  # seconds a section may run before it fails


@dataclass(frozen=True)
class BuildOptions:
    """What a build does beyond its params file: which outputs, how fast, how strict."""

    make_pdf: bool = True  # print report.pdf with Chromium (False: HTML only)
    workers: int | None = None  # sections run at once (None: one per core)
    progress: bool = True  # show a progress bar while the sections run
    strict: bool = False  # fail when a statutory requirement of the framework has no content
    force: bool = False  # run every section, even those the cache holds
    section_timeout: float = DEFAULT_SECTION_TIMEOUT  # a section running longer fails
    draft: bool = False  # a draft for review: a notice on every page, reference numbers

    def __post_init__(self) -> None:
        if self.strict and self.draft:
            raise ReportError(
                "--strict and --draft cannot be used together: --strict checks a report that is "
                "ready to publish, and a draft for review is not one. Build the draft without "
                "--strict, or the final report without --draft."
            )
