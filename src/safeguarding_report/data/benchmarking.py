"""The DfE's Benchmarking Data Set (LAIT), read as published, and LAIT's ranks and bands.

The Local Authority Interactive Tool (LAIT) shows the Benchmarking Data Set: one long parquet
file (``bds_long_0.parquet``: a row per measure, year, and area) and a data dictionary
(``lait_data_dictionary.csv``, latin-1) that gives each measure's name, polarity, source and
whether LAIT bands it. Both are kept in ``data/published/dfe-lait-bds/`` as published.

Rules
-----
Years
    Kept as the source labels them (``2024``, ``2023-24``, ``2014-16``, ``2024-25 (OT)``,
    ``2022 (Rev)``, ``2025 (prov)``, ``2020 (Final)``, ``2015/16``, ``2013/14-15/16``), which is
    what the report shows and ``figures.csv`` records as the period. Each label is understood
    (``parse_years``): the years it covers and the year it ends in, by which a report picks
    the latest label ending in or before its comparison year. ``0`` is LAIT's placeholder for
    a measure with no year; it is accepted only where every value is ``-``. Any other form is
    refused.
Values
    Text, as published: a number (some in exponent form, ``1.678E-2``) or ``-``, which LAIT
    uses for "not available" and the kit keeps as the status ``x``. Any other text is refused.
Areas
    ``LA Number`` is the DfE's 3-digit code for an authority; England is 970 and the regions
    980 to 990 (London 986, its Inner and Outer parts 987 and 988), matched by their names.
Citations
    A figure's ``source_line`` is its row in the parquet file, counting from 0 as pandas,
    pyarrow and DuckDB number rows (``pd.read_parquet(file).iloc[row]``); ``source_column`` is
    ``Values [Short Desc <code>]``; ``period`` is the ``Years`` label and ``source_area_code``
    the ``LA Number`` as the row gives it.
Ranks and quartile bands (LAIT's own method)
    Among the local authorities with a value for the measure and year: rank 1 is the best
    per the dictionary's polarity (``Low``: the lowest value; ``High``: the highest), ties
    sharing the best rank. The quartile band compares the authority's value with the
    quartiles of those values (linear interpolation, R's and numpy's default): for ``Low``,
    A up to the lower quartile, B up to the median, C up to the upper quartile, D above; for
    ``High`` the other way round. A measure with no polarity (``-``, ``NA``) is neither ranked
    nor banded; one LAIT marks ``No_Quartile`` is ranked but not banded (a measure listed
    under two topics, one marked, is not banded).
Decimal places
    The dictionary's ``dps`` gives the decimal places each measure is shown with; ``NA`` (or
    empty) is one place, as LAIT itself reads it (its ``global.R``: ``dps = ifelse(is.na(dps),
    1, dps)``). Every figure of a wider-picture measure is shown with them
    (``indicators.decimals``). A measure listed under two topics with different places
    (LAC_Unauth: NA and 2) has the most, as LAIT's ``get_indicator_dps`` takes the largest.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from safeguarding_report.core import indicators
from safeguarding_report.core.errors import DataError
from safeguarding_report.core.store import PickledAsArguments
from safeguarding_report.data.areas import ENGLAND, LOCAL, Area, Areas
from safeguarding_report.data.schema import NOT_AVAILABLE

if TYPE_CHECKING:
    import pyarrow as pa

BDS_DIR = "published/dfe-lait-bds/"
BDS = BDS_DIR + "bds_long_0.parquet"
DICTIONARY = BDS_DIR + "lait_data_dictionary.csv"
LAIT_URL = "https://github.com/dfe-analytical-services/local-authority-interactive-tool"

# The parquet's columns, as published, and the Arrow types each may have.
BDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "Short Desc": ("string", "large_string"),
    "Data item": ("string", "large_string"),
    "Years": ("string", "large_string"),
    "LA and Regions": ("string", "large_string"),
    "Values": ("string", "large_string"),
    "LA Number": ("double", "int64", "int32"),
    "Region": ("string", "large_string"),
}
DICTIONARY_COLUMNS: tuple[str, ...] = (
    "Measure_code",
    "Topic",
    "Measure",
    "Chart_title",
    "Measure_short",
    "Polarity",
    "y_axis_name",
    "Description",
    "Hyperlink(s)",
    "dps",
    "Year_Type",
    "No_Quartile",
)
POLARITIES = {"High": "higher", "Low": "lower", "-": None, "NA": None, "": None}
NO_QUARTILE = {"N": True, "NA": False, "": False}
# A measure's decimal places when the dictionary gives none, as LAIT shows it.
DPS_NOT_GIVEN = {"NA": 1, "": 1}
# LAIT's symbol for a value that is not available; the only text that is not a number.
SYMBOLS = {"-": NOT_AVAILABLE}
SYMBOLS_STATED_IN = BDS_DIR + "SOURCE.md (the Values column: '-' for not available)"

ENGLAND_NUMBER = 970
# Regions by LA Number, named as the file names them; matched to the areas by name.
REGION_NUMBERS = range(980, 991)
REGION_NAMES = {"London (Inner)": "Inner London", "London (Outer)": "Outer London"}

_MARK = r"(?: \((?P<mark>OT|Rev|prov|Final)\))?"
_YEAR_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("year", re.compile(r"(?P<a>\d{4})" + _MARK)),
    ("span", re.compile(r"(?P<a>\d{4})-(?P<b>\d{2})" + _MARK)),
    ("academic", re.compile(r"(?P<a>\d{4})/(?P<b>\d{2})" + _MARK)),
    ("pooled", re.compile(r"(?P<a>\d{4})/(?P<b>\d{2})-(?P<c>\d{2})/(?P<d>\d{2})" + _MARK)),
)
MARKS = {
    "OT": "outturn",
    "Rev": "revised",
    "prov": "provisional",
    "Final": "final",
}


@dataclass(frozen=True)
class Years:
    """One ``Years`` label: as the source writes it, and the years it covers."""

    label: str  # as published, e.g. "2023-24 (OT)"
    first: int  # the first year it names, e.g. 2023
    last: int  # the year it ends in, e.g. 2024
    mark: str = ""  # "outturn", "revised", "provisional", "final" or ""


def parse_years(text: str, *, where: str) -> Years | None:
    """A ``Years`` label understood; None for LAIT's placeholder ``0``; DataError otherwise."""
    if text == "0":
        return None
    for form, pattern in _YEAR_FORMS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        a = int(match["a"])
        mark = MARKS.get(match["mark"] or "", "")
        if form == "year":
            return Years(text, a, a, mark)
        if form == "pooled":
            b, c, d = int(match["b"]), int(match["c"]), int(match["d"])
            start, end = _ends(a, c), _ends(a, d)
            if b == (a + 1) % 100 and end == start + 1 and a < start <= a + 5:
                return Years(text, a, end, mark)
            break
        last = _ends(a, int(match["b"]))
        if form == "academic" and last != a + 1:
            break
        if a < last <= a + 5:
            return Years(text, a, last, mark)
        break
    raise DataError(
        f"{where}: the Years label {text!r} is not one LAIT uses. Expected a year (2024), a "
        "financial or academic year (2023-24, 2015/16), a span of years (2014-16, "
        "2013/14-15/16), any of them followed by (OT), (Rev), (prov) or (Final), or 0 for no "
        "year; restore the file as published."
    )


def _ends(first: int, two_digits: int) -> int:
    """The year two digits name, after ``first``: 2023 and 24 -> 2024, 1999 and 00 -> 2000."""
    year = first // 100 * 100 + two_digits
    return year + 100 if year < first and first % 100 >= 90 else year


@dataclass(frozen=True)
class Entry:
    """One measure of the data dictionary."""

    code: str  # Measure_short, the parquet's Short Desc
    measure: str
    chart_title: str
    topics: tuple[str, ...]
    polarity: str | None  # "higher", "lower" or None
    polarity_text: str  # as published: High, Low, -, NA
    banded: bool  # False where LAIT marks No_Quartile
    unit: str  # y_axis_name, e.g. "Rate per 10,000"
    description: str
    url: str
    year_type: str
    line: int  # the line its first row starts on (header = line 1)
    dps: int = 1  # decimal places its figures are shown with (``NA`` in the dictionary: 1)


@dataclass(frozen=True, slots=True)
class BdsCell(PickledAsArguments):
    """One value of the parquet file with its row."""

    value: float
    status: str
    row: int  # counting from 0
    years: Years
    la_number: str  # as the row gives it, e.g. "886"


@dataclass(frozen=True)
class Band:
    """An authority's rank and quartile band among the authorities with a value."""

    rank: int  # 1 = best per the polarity
    of: int
    band: str  # "A" to "D", or "" where LAIT does not band the measure
    quartiles: tuple[float, float, float, float, float]  # 0%, 25%, 50%, 75%, 100%


def lait_band(value: float, quartiles: Sequence[float], polarity: str) -> str:
    """LAIT's quartile band of ``value``: for "lower", A up to the lower quartile ... D."""
    _, q1, q2, q3, _ = quartiles
    low = "A" if value <= q1 else "B" if value <= q2 else "C" if value <= q3 else "D"
    return low if polarity == "lower" else {"A": "D", "B": "C", "C": "B", "D": "A"}[low]


def read_dictionary(path: Path, source_file: str) -> dict[str, Entry]:
    """The data dictionary, one entry per measure; DataError naming line and column."""
    if not path.is_file():
        raise DataError(
            f"{source_file}: the file is missing. Expected LAIT's data dictionary; copy it back "
            "as published (see the SOURCE.md beside it)."
        )
    try:
        text = path.read_bytes().decode("latin-1")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise DataError(f"{source_file}, line 1: the file is empty. Expected a header.")
        missing = [c for c in DICTIONARY_COLUMNS if c not in header]
        if missing:
            raise DataError(
                f"{source_file}, line 1, column {missing[0]!r}: the column is missing. Expected "
                f"the columns {', '.join(DICTIONARY_COLUMNS)}; restore the file as published."
            )
        col = {name: header.index(name) for name in DICTIONARY_COLUMNS}
        entries: dict[str, Entry] = {}
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise DataError(
                    f"{source_file}, line {line}: the row has {len(row)} cells but the header "
                    f"has {len(header)}. Expected one cell per column; restore the file."
                )
            cell = {name: row[i].strip() for name, i in col.items()}
            for name, allowed in (("Polarity", POLARITIES), ("No_Quartile", NO_QUARTILE)):
                if cell[name] not in allowed:
                    shown = ", ".join(repr(a) for a in allowed if a)
                    raise DataError(
                        f"{source_file}, line {line}, column {name!r}: {cell[name]!r} is not "
                        f"a value LAIT uses. Expected one of {shown}; restore the file."
                    )
            dps = _dps(cell["dps"], f"{source_file}, line {line}, column 'dps'")
            code = cell["Measure_short"]
            if not code:
                raise DataError(
                    f"{source_file}, line {line}, column 'Measure_short': empty. Expected the "
                    "measure's code, as the parquet's Short Desc gives it."
                )
            entry = Entry(
                code, cell["Measure"], cell["Chart_title"], (cell["Topic"],),
                POLARITIES[cell["Polarity"]], cell["Polarity"],
                not NO_QUARTILE[cell["No_Quartile"]], cell["y_axis_name"],
                cell["Description"], cell["Hyperlink(s)"], cell["Year_Type"], line, dps,
            )  # fmt: skip
            first = entries.get(code)
            if first is not None:
                # Listed under a second topic: one measure, so its polarity must agree.
                if first.polarity_text != entry.polarity_text:
                    raise DataError(
                        f"{source_file}, line {line}, column 'Polarity': {code} is "
                        f"{entry.polarity_text!r} here but {first.polarity_text!r} on line "
                        f"{first.line}. Expected one polarity per measure."
                    )
                entry = Entry(
                    code, first.measure, first.chart_title, (*first.topics, *entry.topics),
                    first.polarity, first.polarity_text, first.banded and entry.banded,
                    first.unit, first.description, first.url, first.year_type, first.line,
                    max(first.dps, entry.dps),
                )  # fmt: skip
            entries[code] = entry
    except csv.Error as exc:
        raise DataError(f"{source_file}: the CSV is malformed ({exc}). Restore it.") from None
    # The figures of the wider picture are shown with these places, wherever they appear.
    indicators.declare_lait_decimals({code: entry.dps for code, entry in entries.items()})
    # and any of them may measure a priority, by its code.
    indicators.declare_lait_measures({
        code: (" ".join((entry.chart_title or entry.measure).split()), entry.unit,
               " ".join(entry.description.split()))
        for code, entry in entries.items()
    })  # fmt: skip
    return entries


def _dps(text: str, where: str) -> int:
    """A ``dps`` cell: a whole number of decimal places, or NA (one place, as LAIT has it)."""
    if text in DPS_NOT_GIVEN:
        return DPS_NOT_GIVEN[text]
    if text.isdigit() and int(text) <= 6:
        return int(text)
    raise DataError(
        f"{where}: {text!r} is not a number of decimal places. Expected a whole number from 0 "
        "to 6, or NA; restore the file as published."
    )


class Bds:
    """The parquet file's rows of some measures (all of them without ``codes``), checked, by
    (measure code, area E-code, Years label).

    Read one row group at a time (``_batches``): a group holding none of ``codes``' rows is
    skipped once its ``Short Desc`` column alone is read, so that the measures a report shows
    (16 of 434) are read without the rest of the file ever being held; the whole file is read
    the same way, a group at a time, when it is checked (``Published.validate_file``). Kept as
    arrays (a row's area and label as positions in short lists) so that a parse is small and
    quick to keep and read back (``store.Parsed``); each measure's cells are indexed on first
    use. A cell's ``row`` is its row in the whole file, whichever rows were read.
    """

    def __init__(
        self, path: Path, source_file: str, areas: Areas, codes: Collection[str] | None = None
    ) -> None:
        self.source_file = source_file
        read = _Rows()
        for lines, batch in _batches(path, source_file, codes):
            read.add(lines, batch)
        read.refuse_empty(source_file)
        numbers = _area_codes(read, source_file, areas)  # in the order of read.numbers
        self.years: dict[str, Years | None] = {}
        for text, first in read.labels.items():
            self.years[text] = parse_years(text, where=self._where(first, "Years"))
        if read.bad_value is not None:
            first, value = read.bad_value
            raise DataError(
                f"{self._where(first, 'Values')}: {value!r} is neither a number nor LAIT's '-'. "
                "Expected a number or '-' (not available); restore the value as published."
            )
        line, code, area, label = read.column("line", "code", "area", "label")
        symbol = read.column("symbol")[0].astype(bool)
        written = [w for w, _ in numbers]
        labels, names = list(read.labels), list(read.codes)
        key = (code.astype(np.int64) * len(written) + area) * len(labels) + label
        dup = np.ones(len(key), dtype=bool)
        dup[np.unique(key, return_index=True)[1]] = False  # each key's first row
        del key
        if dup.any():
            at = int(np.flatnonzero(dup)[0])
            raise DataError(
                f"{self._where(int(line[at]), 'Short Desc')}: duplicate row: {names[code[at]]}, "
                f"{labels[label[at]]}, LA Number {written[area[at]]} is already given. Expected "
                "one row per measure, year and area."
            )
        placeholder = np.array([years == "0" for years in labels], dtype=bool)[label]
        given = placeholder & ~symbol
        if given.any():
            row = int(line[np.flatnonzero(given)[0]])
            raise DataError(
                f"{self._where(row, 'Values')}: a value for Years '0', LAIT's placeholder for "
                "no year. Expected '-' there; restore the file as published."
            )
        self.values = read.column("value")[0]
        self.missing = symbol
        self.line = line.astype(np.int32, copy=False)  # each row's row in the file
        self.written: list[str] = written
        self.area_codes: list[str] = [e_code for _, e_code in numbers]
        self.area = area.astype(np.int16, copy=False)
        self.labels_list: list[str] = labels
        self.label = label.astype(np.int16, copy=False)
        # Each measure's rows (positions in these arrays), measures in the file's order.
        order = np.argsort(code, kind="stable")
        starts = np.flatnonzero(np.diff(code[order], prepend=-1) != 0)
        self.rows: dict[str, np.ndarray] = {
            names[int(code[rows[0]])]: np.asarray(rows[~placeholder[rows]], dtype=np.int32)
            for rows in np.split(order, starts[1:])
            if len(rows)
        }
        self.codes = tuple(self.rows)
        self._cells: dict[str, dict[tuple[str, str], BdsCell]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_cells"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._cells = {}

    def _where(self, row: int, column: str) -> str:
        return f"{self.source_file}, row {row} (counting from 0), column {column!r}"

    def _index(self, code: str) -> dict[tuple[str, str], BdsCell]:
        if code not in self._cells:
            cells: dict[tuple[str, str], BdsCell] = {}
            for row in self.rows.get(code, np.array([], dtype=np.int32)):
                label = self.labels_list[self.label[row]]
                years = self.years[label]
                assert years is not None  # placeholder rows are left out of self.rows
                area = int(self.area[row])
                status = NOT_AVAILABLE if self.missing[row] else ""
                cells[(self.area_codes[area], label)] = BdsCell(
                    float(self.values[row]),
                    status,
                    int(self.line[row]),
                    years,
                    self.written[area],
                )
            self._cells[code] = cells
        return self._cells[code]

    def cell(self, code: str, area_code: str, label: str) -> BdsCell | None:
        """The value for a measure, area and Years label, if the file holds the row."""
        return self._index(code).get((area_code, label))

    def labels(self, code: str) -> list[Years]:
        """The Years the file holds for a measure, oldest first."""
        seen = {cell.years for cell in self._index(code).values()}
        return sorted(seen, key=lambda y: (y.last, y.first, y.label))

    def band(self, code: str, area_code: str, label: str, entry: Entry) -> Band | None:
        """LAIT's rank and quartile band of an authority, None without polarity or value."""
        own = self.cell(code, area_code, label)
        if entry.polarity is None or own is None or own.status:
            return None
        values = np.array(
            [
                c.value
                for (_, lab), c in self._index(code).items()
                if lab == label and not c.status and not _not_local(c.la_number)
            ]
        )
        better = values < own.value if entry.polarity == "lower" else values > own.value
        rank = int(better.sum()) + 1
        q = [float(v) for v in np.quantile(values, [0, 0.25, 0.5, 0.75, 1])]
        quartiles = (q[0], q[1], q[2], q[3], q[4])
        band = lait_band(own.value, quartiles, entry.polarity) if entry.banded else ""
        return Band(rank, len(values), band, quartiles)


def bds_release(path: Path) -> int:
    """The latest year a Benchmarking Data Set file holds (0 when it cannot be read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    labels: set[str] = set()
    try:
        # A row group at a time, as a dictionary of its labels: a few kilobytes, not the
        # column's 641,070 texts.
        parquet = pq.ParquetFile(path, read_dictionary=["Years"])
        for group in range(parquet.num_row_groups):
            for chunk in parquet.read_row_group(group, columns=["Years"]).column(0).chunks:
                texts = chunk.dictionary if isinstance(chunk, pa.DictionaryArray) else chunk
                labels.update(str(t) for t in texts.to_pylist() if t is not None)
    except (pa.ArrowException, OSError, KeyError):
        return 0
    years = [int(found[:4]) for found in (_last_year(str(label)) for label in labels) if found]
    return max(years, default=0)


def _last_year(label: str) -> str:
    try:
        years = parse_years(label, where="")
    except DataError:
        return ""
    return "" if years is None else str(years.last)


def _not_local(number: str) -> bool:
    return int(number) == ENGLAND_NUMBER or int(number) in REGION_NUMBERS


# The columns the kit reads, and those that must hold a value in every row, in that order.
READ_COLUMNS = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
NOT_EMPTY = ("Short Desc", "Years", "Values", "LA Number")
# Columns of few distinct texts, read as Arrow dictionaries: small, and their texts read once.
DICTIONARY_READ = ["Short Desc", "Years", "LA and Regions"]


def _batches(
    path: Path, source_file: str, codes: Collection[str] | None
) -> Iterator[tuple[np.ndarray, pa.RecordBatch]]:
    """The file's rows of the measures ``codes`` (or all), a row group at a time: their rows
    in the file (counting from 0) and their columns; DataError if missing, damaged or changed.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not path.is_file():
        raise DataError(
            f"{source_file}: the file is missing. Expected LAIT's Benchmarking Data Set; copy "
            "it back as published (see the SOURCE.md beside it)."
        )
    try:
        _check_schema(pq.read_schema(path), source_file)
        parquet = pq.ParquetFile(path, read_dictionary=DICTIONARY_READ)
        wanted = None if codes is None else pa.array(sorted(set(codes)), pa.string())
        start = 0
        for group in range(parquet.num_row_groups):
            size = parquet.metadata.row_group(group).num_rows
            lines = np.arange(start, start + size, dtype=np.int64)
            start += size
            if wanted is None:
                table = parquet.read_row_group(group, columns=list(READ_COLUMNS))
            else:
                column = parquet.read_row_group(group, columns=["Short Desc"]).column(0)
                taken = np.flatnonzero(
                    pc.is_in(column, value_set=wanted)
                    .fill_null(False)
                    .to_numpy(zero_copy_only=False)
                )
                if not len(taken):
                    continue
                table = parquet.read_row_group(group, columns=list(READ_COLUMNS)).take(taken)
                lines = lines[taken]
            offset = 0
            for batch in table.to_batches():
                yield lines[offset : offset + batch.num_rows], batch
                offset += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            f"{source_file}: the file is not a readable parquet file ({exc}). Expected the "
            "Benchmarking Data Set as published; download it again."
        ) from None


def _check_schema(schema: pa.Schema, source_file: str) -> None:
    """DataError at the first column missing or of another type than published."""
    types = {field.name: str(field.type) for field in schema}
    for name, allowed in BDS_COLUMNS.items():
        if name not in types:
            raise DataError(
                f"{source_file}, column {name!r}: the column is missing. Expected the columns "
                f"{', '.join(BDS_COLUMNS)}; the file holds {', '.join(types)}. Restore it."
            )
        if types[name] not in allowed:
            raise DataError(
                f"{source_file}, column {name!r}: its type is {types[name]}. Expected "
                f"{' or '.join(allowed)}, as published; restore the file."
            )


class _Rows:
    """The rows read so far, a batch at a time: each as numbers (its row in the file, its
    measure, area and label as positions in the texts met, its value and whether it is '-'),
    with the first row of each text met and of each fault, for the messages."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}  # Short Desc -> its first row
        self.labels: dict[str, int] = {}  # Years -> its first row
        self.numbers: dict[float, tuple[int, str]] = {}  # LA Number -> its first row, name
        self.empty: dict[str, int] = {}  # column -> its first empty row
        self.bad_value: tuple[int, str] | None = None  # the first value not a number nor '-'
        self._parts: dict[str, list[np.ndarray]] = {}

    def add(self, lines: np.ndarray, batch: pa.RecordBatch) -> None:
        """Take in one batch of rows, ``lines`` their rows in the file."""
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        for name in NOT_EMPTY:
            if columns[name].null_count and name not in self.empty:
                self.empty[name] = int(lines[np.flatnonzero(columns[name].is_null())[0]])
        code = self._positions(columns["Short Desc"], lines, self.codes)
        label = self._positions(columns["Years"], lines, self.labels)
        numbers = columns["LA Number"].to_numpy(zero_copy_only=False)
        distinct, first, inverse = np.unique(numbers, return_index=True, return_inverse=True)
        position = np.zeros(len(distinct), dtype=np.int64)
        for at in np.argsort(first, kind="stable"):  # in the order met
            number, row = float(distinct[at]), int(first[at])
            if math.isnan(number):
                continue  # an empty cell: refused by ``refuse_empty``
            if number not in self.numbers:
                name = columns["LA and Regions"][row].as_py()
                self.numbers[number] = (int(lines[row]), str(name))
            position[at] = list(self.numbers).index(number)
        area = position[inverse.reshape(-1)]
        text = pd.Series(columns["Values"].to_numpy(zero_copy_only=False)).astype(str).str.strip()
        value = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, copy=True)
        symbol = text.isin(list(SYMBOLS)).to_numpy()
        bad = ~symbol & ~np.isfinite(value)
        if bad.any() and self.bad_value is None:
            at = int(np.flatnonzero(bad)[0])
            self.bad_value = (int(lines[at]), str(text.iat[at]))
        value[symbol] = math.nan
        # The smallest types that hold them: the whole file is 641,070 rows.
        for name, part in (("line", lines.astype(np.int32)), ("code", code.astype(np.int16)),
                           ("area", area.astype(np.int16)), ("label", label.astype(np.int16)),
                           ("value", value), ("symbol", symbol)):  # fmt: skip
            self._parts.setdefault(name, []).append(part)

    @staticmethod
    def _positions(column: pa.Array, lines: np.ndarray, met: dict[str, int]) -> np.ndarray:
        """Each row's text as its position among the texts met (in the order met)."""
        import pyarrow as pa

        if not isinstance(column, pa.DictionaryArray):
            column = column.dictionary_encode()
        indices = column.indices.fill_null(0).to_numpy(zero_copy_only=False)
        texts = column.dictionary.to_pylist()
        _, first = np.unique(indices, return_index=True)
        for at in sorted(first):
            met.setdefault(str(texts[indices[at]]), int(lines[at]))
        known = {text: position for position, text in enumerate(met)}
        where = np.array([known.get(str(t), -1) for t in texts], dtype=np.int64)
        return where[indices] if len(texts) else np.zeros(len(indices), dtype=np.int64)

    def column(self, *names: str) -> list[np.ndarray]:
        """Every row read, as one array per name."""
        return [
            np.concatenate(self._parts.pop(n)) if n in self._parts else np.zeros(0, np.int16)
            for n in names
        ]

    def refuse_empty(self, source_file: str) -> None:
        """DataError at the first empty cell of the first column that has one."""
        for name in NOT_EMPTY:
            if name in self.empty:
                raise DataError(
                    f"{source_file}, row {self.empty[name]} (counting from 0), column "
                    f"{name!r}: empty. Expected a value in every row; restore the file as "
                    "published."
                )


def _area_codes(read: _Rows, source_file: str, areas: Areas) -> list[tuple[str, str]]:
    """Each LA Number met, as written, with the kit's E-code; DataError naming the first
    unknown, in the file's order."""
    out: list[tuple[str, str]] = []
    for number, (row, name) in read.numbers.items():
        written = f"{number:g}"
        area: Area | None
        if number == ENGLAND_NUMBER:
            area = areas.get(ENGLAND)
        elif number in REGION_NUMBERS:
            area = areas.region_named(REGION_NAMES.get(name, name))
        else:
            area = areas.get(written) if number.is_integer() else None
            area = area if area is not None and area.level == LOCAL else None
        if area is None:
            raise DataError(
                f"{source_file}, row {row} (counting from 0), column 'LA Number': unknown "
                f"area {written} ({name}). Expected a DfE 3-digit local authority code listed "
                f"in {areas.source_file}, 970 for England or 980 to 990 for a region."
            )
        out.append((written, area.code))
    return out
