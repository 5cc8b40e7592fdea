"""The records as one Excel workbook, ``records.xlsx``: written from the models, read like CSVs.

A partnership's records arrive from its agencies as spreadsheets. ``write_workbook`` makes a
workbook from the same declarations as the CSV templates (``catalogue.CSV_TEMPLATES`` and the
models): an "About" sheet saying what every column holds, then one sheet per record type named
as its template (``reviews``, ``lado`` ...), its header frozen and styled, each header cell's
meaning as a comment (naming the sheet and column another column refers to, not a CSV file), a
drop-down list for every column with allowed values, whole-number and date checks, number and
date formats, each column as wide as its header and values (up to ``MAX_WIDTH``), and the rows
already held filled in.

``read_sheet`` turns a sheet back into the text cells a CSV file would hold and validates them
with the CSV reader (``read.read_rows``), so every check is the same and an error names the
workbook, the sheet, the row and the column. What a spreadsheet does to a value is undone
first: numbers typed as numbers, dates entered as dates (or as text, ``31/03/2022`` included),
TRUE and FALSE, spaces around a value, empty rows at the end, and formulas, read through the
value the spreadsheet saved with them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from safeguarding_report.core.errors import DataError
from safeguarding_report.local.catalogue import CSV_TEMPLATES, CsvTemplate
from safeguarding_report.local.describe import (
    LIST_SEPARATOR,
    allowed,
    bounds,
    expected,
    is_list,
    kind_of,
)
from safeguarding_report.local.read import Record, read_rows

log = logging.getLogger(__name__)

WORKBOOK_FILE = "records.xlsx"
ABOUT_SHEET = "About"
LISTS_SHEET = "Lists"  # hidden: the allowed values the drop-down lists offer
OWN_SHEETS = (ABOUT_SHEET, LISTS_SHEET)
# Rows under the header that the drop-down lists and checks cover (and the rows held, if more).
ROWS_CHECKED = 500
HEADER_FILL = PatternFill("solid", start_color="12436D", end_color="12436D")  # house palette
HEADER_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "yyyy-mm-dd"
# Column widths, in characters: at least the narrowest, at most the widest (a long text column
# would push the next off the screen; the cell shows the rest when selected).
MIN_WIDTH, MAX_WIDTH = 8, 60
# A date typed as text the British way: 31/03/2022 (or 31-03-2022, 31.03.2022).
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# A CSV file named in a column's description: reviews.csv.
_CSV_FILE = re.compile(r"\b(\w+)\.csv\b")


def sheet_source(source_folder: str, name: str) -> str:
    """A sheet as shown to the user and cited in figures.csv: the workbook, then the sheet."""
    return f"{source_folder}/{WORKBOOK_FILE}, sheet {name!r}"


# -- writing ---------------------------------------------------------------------------------


def write_workbook(
    path: Path,
    templates: Iterable[CsvTemplate],
    held: Mapping[str, Sequence[BaseModel]] | None = None,
) -> Path:
    """Write ``records.xlsx`` with a sheet for each template, ``held`` rows filled in."""
    held = held or {}
    book = Workbook()
    about = book.active
    assert about is not None  # a new workbook has one sheet
    about.title = ABOUT_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    chosen = list(templates)
    _write_about(about, chosen)
    for template in chosen:
        sheet = book.create_sheet(template.name)
        _write_sheet(sheet, lists, template, held.get(template.name, ()))
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    log.debug("wrote %s (%d sheets)", path, len(chosen))  # the command line says so
    return path


def _write_about(sheet: Worksheet, templates: list[CsvTemplate]) -> None:
    sheet.append(["The partnership's records: one sheet per record type, one row per record."])
    sheet.append(
        [
            "Fill in each sheet under its header. A blank cell means 'not given' (an error where "
            "the column is required). Pick listed values from the drop-down; several values in "
            f"one cell are separated by '{LIST_SEPARATOR}'. Dates as dates (or YYYY-MM-DD). "
            "Every sheet is checked when the report is built; docs/local-data.md says more."
        ]
    )
    sheet.append([])
    sheet.append(["sheet", "column", "required", "what it holds", "expected"])
    header_row = sheet.max_row
    for template in templates:
        sheet.append([template.name, "", "", str(template.model.__doc__).strip().split("\n")[0]])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for name, field in template.model.model_fields.items():
            required = "yes" if field.is_required() else "no"
            key = " (key)" if name in template.key else ""
            described = describe(template, name, field)
            sheet.append(["", name + key, required, described, expected(field)])
    for cell in sheet[header_row]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    # The two sentences above the table run on to the right; the table's columns are fitted.
    for index, column in enumerate(sheet.iter_cols(min_row=header_row, values_only=True), 1):
        sheet.column_dimensions[get_column_letter(index)].width = fit(column)
    sheet.freeze_panes = f"A{header_row + 1}"


def describe(template: CsvTemplate, column: str, field: FieldInfo) -> str:
    """A column's meaning as the workbook says it: where the models name another template's CSV
    file (``reviews.csv``), the workbook names its sheet, and the column a link refers to."""
    text = field.description or ""
    for link in template.links:
        if link.column == column:
            text = text.replace(
                f"{link.template}.csv", f"sheet '{link.template}' (column '{link.key}')"
            )
    return _CSV_FILE.sub(lambda m: f"sheet '{m[1]}'" if m[1] in CSV_TEMPLATES else m[0], text)


def fit(values: Iterable[Any], header: str = "") -> int:
    """A column's width in characters: its header (bold, with a comment marker) and its
    longest value fit, within ``MIN_WIDTH`` and ``MAX_WIDTH``."""
    longest = max((len(_shown(v)) + 2 for v in values if v is not None), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(longest, len(header) + 4)))


def _shown(value: Any) -> str:
    """A value as the spreadsheet shows it (dates as ``DATE_FORMAT``)."""
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _write_sheet(
    sheet: Worksheet, lists: Worksheet, template: CsvTemplate, rows: Sequence[BaseModel]
) -> None:
    fields = template.model.model_fields
    sheet.append(list(fields))
    held = [[_cell_value(getattr(row, name)) for name in fields] for row in rows]
    for values in held:
        sheet.append(values)
    last = max(ROWS_CHECKED, len(rows)) + 1
    for index, (name, field) in enumerate(fields.items(), start=1):
        letter = get_column_letter(index)
        header = sheet.cell(1, index)
        header.fill, header.font = HEADER_FILL, HEADER_FONT
        header.alignment = Alignment(vertical="top")
        header.comment = Comment(
            f"{describe(template, name, field)}\nExpected: {expected(field)}"
            + ("" if field.is_required() else " (may be blank)"),
            "safeguarding-report",
            width=320,
            height=120,
        )
        # The values held and those the drop-down list offers, so none is cut off.
        shown = [values[index - 1] for values in held] + list(allowed(field.annotation))
        sheet.column_dimensions[letter].width = fit(shown, name)
        cells = f"{letter}2:{letter}{last}"
        number_format = _number_format(field)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
                cell.number_format = number_format
        validation = _validation(template, name, lists)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(cells)
    sheet.freeze_panes = "A2"


def _cell_value(value: Any) -> Any:
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
    if value is None or value == "":
        return None
    return value


def _number_format(field: FieldInfo) -> str:
    kind = kind_of(field)
    return {"date": DATE_FORMAT, "int": "0", "float": "0.0##", "text": "@"}.get(kind, "")


def _validation(template: CsvTemplate, name: str, lists: Worksheet) -> DataValidation | None:
    field = template.model.model_fields[name]
    title = f"{template.name}.{name}"
    values = allowed(field.annotation)
    kind = kind_of(field)
    message = f"Expected {expected(field)}."
    common: dict[str, Any] = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "promptTitle": title[:32],
        "prompt": describe(template, name, field)[:255],
        "errorTitle": "Not an allowed value",
        "error": message[:255],
    }
    if values:
        column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
        lists.cell(1, column, title)
        for row, value in enumerate(values, start=2):
            lists.cell(row, column, value)
        letter = get_column_letter(column)
        formula = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        if is_list(field):
            # Several values may share a cell: the list helps, but cannot refuse a cell.
            common.update(showErrorMessage=False)
        return DataValidation(type="list", formula1=formula, **common)
    if kind == "bool":
        return DataValidation(type="list", formula1='"TRUE,FALSE"', **common)
    low, high = bounds(field)
    if kind == "int":
        if high is not None:
            return DataValidation(
                type="whole", operator="between", formula1=str(low), formula2=str(high), **common
            )
        if low is not None:
            return DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1=str(low), **common
            )
        return DataValidation(type="whole", operator="between", formula1="-1E9", formula2="1E9",
                              **common)  # fmt: skip
    if kind == "float" and low is not None:
        return DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1=str(low), **common
        )
    if kind == "date":
        # 1900-01-01 to 2199-12-31 as spreadsheet serial numbers: any date, but only a date.
        return DataValidation(
            type="date", operator="between", formula1="1", formula2="109574", **common
        )
    return None


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook as text cells: its header and its numbered rows."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    @property
    def held(self) -> int:
        """How many rows hold anything."""
        return sum(1 for _, cells in self.rows if any(c.strip() for c in cells))


def open_workbook(path: Path, source_file: str) -> dict[str, Sheet]:
    """Every record sheet of the workbook as text cells; DataError if it cannot be read or
    names a sheet that is not a record type."""
    try:
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise DataError(
            f"{source_file}: the workbook cannot be read ({exc}). Expected an Excel workbook "
            "(.xlsx); save it from Excel or LibreOffice as 'Excel 2007-365 (.xlsx)'."
        ) from None
    try:
        known = [n for n in values.sheetnames if n not in OWN_SHEETS]
        for name in known:
            if name not in CSV_TEMPLATES:
                hint = difflib.get_close_matches(name, list(CSV_TEMPLATES), n=1)
                raise DataError(
                    f"{source_file}, sheet {name!r}: this sheet is not one of the record types"
                    + (f" (did you mean {hint[0]!r}?)" if hint else "")
                    + f". Expected only: {', '.join([ABOUT_SHEET, *CSV_TEMPLATES])}; rename or "
                    "remove it."
                )
        return {n: _sheet(values[n], formulas[n], n, source_file) for n in known}
    finally:
        values.close()
        formulas.close()


def _sheet(values: Any, formulas: Any, name: str, source_file: str) -> Sheet:
    template = CSV_TEMPLATES[name]
    grid = list(values.iter_rows(values_only=True))
    written = list(formulas.iter_rows(values_only=True))
    header_cells = list(grid[0]) if grid else []
    while header_cells and _blank(header_cells[-1]):
        header_cells.pop()
    header = [_text(c) for c in header_cells]
    names = [h.strip().lower() for h in header]
    fields = template.model.model_fields
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(grid[1:], start=2):
        beyond = [c for c in cells[len(header) :] if not _blank(c)]
        if beyond:
            raise DataError(
                f"{source_file}, sheet {name!r}, row {number}: a value is written to the right "
                f"of the last column ({header[-1] if header else 'none'}). Expected values only "
                "under the header's columns."
            )
        row = []
        for column, (heading, cell) in enumerate(zip(names, cells, strict=False)):
            if cell is None and _is_formula(written, number, column):
                raise DataError(
                    f"{source_file}, sheet {name!r}, row {number}, column {heading!r}: the cell "
                    "holds a formula with no saved value. Expected a value; open the workbook "
                    "in Excel or LibreOffice and save it, so the formula's result is saved."
                )
            field = fields.get(heading)
            row.append(_cell_text(cell, field))
        rows.append((number, row))
    return Sheet(name, header, rows)


def _is_formula(written: list[tuple[Any, ...]], number: int, column: int) -> bool:
    row = written[number - 1] if number - 1 < len(written) else ()
    value = row[column] if column < len(row) else None
    return isinstance(value, str) and value.startswith("=")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _cell_text(value: Any, field: FieldInfo | None) -> str:
    """A cell's value as the text a CSV file would hold for it."""
    kind = kind_of(field) if field is not None else "text"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if kind == "date" or (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    if kind == "date" and (match := _UK_DATE.match(text)):
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


def read_sheet(sheet: Sheet, source_folder: str) -> list[Record[BaseModel]]:
    """A sheet's rows, validated as its CSV file's would be; errors name sheet, row, column."""
    template = CSV_TEMPLATES[sheet.name]
    source = sheet_source(source_folder, sheet.name)
    if not sheet.header:
        raise DataError(
            f"{source}, row 1: the sheet has no header. Expected the columns "
            f"{', '.join(template.columns)} in row 1; make the workbook again with "
            "`safeguarding-report workbook`."
        )
    return read_rows(template, source, sheet.header, sheet.rows, unit="row")
