"""The kit's exceptions: one base class, one small subclass per kind of failure.

Every message says what was wrong, where (file, line, column or key), what was expected and
what to do next. The command line turns any ``ReportError`` into one clear line and a
non-zero exit status.
"""

from __future__ import annotations


class ReportError(Exception):
    """Base class for every error the kit reports to its user."""


class ParamsError(ReportError):
    """A params file is missing, malformed, or has unknown, missing or mistyped keys."""


class DataError(ReportError):
    """An input data file is missing, damaged or does not hold what the report needs."""


class SectionFailed(ReportError):
    """One or more section notebooks raised an error while executing."""


class ExportError(ReportError):
    """The stitched notebook could not be turned into HTML or PDF."""


class ToolMissing(ReportError):
    """A program the build needs (such as Chromium) is not installed."""


class OutputError(ReportError):
    """An output could not be written: the disk is full, or a file stands where a folder goes."""


class DisclosureError(ReportError):
    """A finished report would show a count small enough to identify someone."""
