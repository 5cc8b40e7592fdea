"""Read a published CSV as published: every cell a string, columns found by name.

The DfE's files change column order and case between releases, some start with a UTF-8 byte
order mark, and the older SFR tables have header cells with trailing spaces. So a column is
found by its name with case and surrounding spaces ignored, never by position, and every
value is parsed here, by hand, so that a suppression symbol is never read as a number.

Line numbers count the header as line 1, as a spreadsheet or text editor shows them.
"""

from __future__ import annotations

import csv
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding_report.core.errors import DataError

log = logging.getLogger(__name__)


def normalise(name: str) -> str:
    """A header or code as compared: surrounding spaces trimmed, lower case."""
    return name.strip().lower()


@dataclass
class Table:
    """One CSV file: its header and its rows, each with the line it starts on."""

    source_file: str  # as shown to the user, relative to the project root
    header: list[str]
    rows: list[tuple[int, list[str]]]
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for i, name in enumerate(self.header):
            # A name repeated in the header (the neighbour file's "SNP") keeps its first place.
            self._index.setdefault(normalise(name), i)

    def has(self, name: str) -> bool:
        """Whether the header holds a column of this name (case and spaces ignored)."""
        return normalise(name) in self._index

    def column(self, name: str) -> int:
        """The position of a named column; DataError naming the file if it is missing."""
        try:
            return self._index[normalise(name)]
        except KeyError:
            shown = ", ".join(h.strip() for h in self.header if h.strip())
            raise DataError(
                f"{self.source_file}, line 1, column {name!r}: the column is missing. "
                f"Expected a column named {name!r} (any case); the header holds: {shown}. "
                "Restore the file as the DfE published it."
            ) from None

    def cell(self, line: int, row: list[str], index: int) -> str:
        """The text of one cell, trimmed; DataError if the row is too short to hold it."""
        if index >= len(row):
            raise DataError(
                f"{self.source_file}, line {line}, column {self.header[index].strip()!r}: "
                f"the row has {len(row)} cells but the header has {len(self.header)}. "
                "Expected one cell per column; restore the file as published."
            )
        return row[index].strip()


def read_table(path: Path, source_file: str) -> Table:
    """Read one CSV file as text; DataError if it is missing or is not UTF-8 CSV."""
    if not path.is_file():
        raise DataError(
            f"{source_file}: the file is missing. Expected the DfE's published CSV at {path}; "
            "copy it back from data/published (see the SOURCE.md beside it)."
        )
    log.debug("reading %s", source_file)
    rows: list[tuple[int, list[str]]] = []
    try:
        # utf-8-sig drops the byte order mark some releases start with.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise DataError(f"{source_file}, line 1: the file is empty. Expected a header.")
            start = reader.line_num + 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append((start, row))
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{source_file}: the file is not UTF-8 text ({exc.reason}). "
            "Expected the CSV as published; download it again."
        ) from None
    except csv.Error as exc:
        raise DataError(
            f"{source_file}, line {reader.line_num}: the CSV is malformed ({exc}). "
            "Restore the file as published."
        ) from None
    return Table(source_file, header, rows)


def parse_value(
    text: str, symbols: Mapping[str, str], *, where: Callable[[], str]
) -> tuple[float, str]:
    """A published cell as (value, status): a number and "", or NaN and the kit's status.

    ``symbols`` maps the release's own symbols to statuses (data/catalogue.py); ``where()``
    names the file, line and column for the error message (made only when there is one: a
    file's check reads some 300,000 cells).
    """
    text = text.strip()
    status = symbols.get(text.lower())
    if status is not None:
        return math.nan, status
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        shown = ", ".join(repr(s) for s in sorted(symbols))
        raise DataError(
            f"{where()}: {text!r} is neither a number nor a symbol this release defines. "
            f"Expected a number or one of {shown}; restore the value as published."
        )
    return value, ""


def parse_year(text: str, years: tuple[int, ...], *, where: Callable[[], str]) -> int:
    """A time_period cell as a year the file is declared to hold; DataError otherwise
    (``where`` as for ``parse_value``)."""
    try:
        year = int(text.strip())
    except ValueError:
        year = 0
    if year not in years:
        raise DataError(
            f"{where()}: the year {text!r} is not one this file holds. Expected one of "
            f"{years[0]} to {years[-1]} (see data/catalogue.py); restore the file as published "
            "or update the catalogue if the DfE has published a new release."
        )
    return year
