"""Every CSV the kit writes goes through here, so that no cell runs as a formula.

A spreadsheet opening a CSV treats a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula (or the start of one): a partnership named
``=HYPERLINK("http://…","Kent")`` would become a live link in ``figures.csv``. As OWASP
recommends (CSV injection), such a cell is written with a single quote in front, which the
spreadsheet shows as text and a reader can see. A number, including a negative one such as
``-3.5`` or a change as the report shows it (``+1,530``), is left as it is: it is data, and
nothing runs it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, Literal

# The characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value``, or a text that begins like a formula with a single quote in front."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _is_number(value):
        return value
    return "'" + value


# A number as the kit writes or shows one: a sign, digits (grouped in thousands or not), a
# decimal part, a percent sign (``-3.5``, ``+1,530``, ``-2.0%``). Nothing else can follow the
# sign, so no formula can hide in it.
_NUMBER = re.compile(r"[+-](?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?%?")


def _is_number(text: str) -> bool:
    """A signed number (``-3.5``, ``+1,530``, ``-1e3``, ``-2.0%``), not ``-inf`` or ``-1+1``."""
    return _NUMBER.fullmatch(text) is not None


class Writer:
    """``csv.writer`` over ``handle`` (lines end ``\\n``) whose every cell is neutralised."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row."""
        self._writer.writerow([neutralise(cell) for cell in row])


class DictWriter:
    """``csv.DictWriter`` over ``handle`` (lines end ``\\n``) whose every cell is neutralised.

    A key not in ``fieldnames`` is an error unless ``extra="ignore"`` (as for the chart
    CSVs); the header is written as it is (it is the kit's own column names).
    """

    def __init__(
        self,
        handle: IO[str],
        fieldnames: Sequence[str],
        extra: Literal["raise", "ignore"] = "raise",
    ) -> None:
        self._writer = csv.DictWriter(
            handle, fieldnames=fieldnames, lineterminator="\n", extrasaction=extra
        )

    def writeheader(self) -> None:
        """Write the column names."""
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> None:
        """Write one row."""
        self._writer.writerow({key: neutralise(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Write each row."""
        for row in rows:
            self.writerow(row)
