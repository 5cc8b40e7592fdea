"""The records as one Excel workbook, ``records.xlsx``: written from the models, read like CSVs.

A partnership's records arrive from its agencies as spreadsheets. ``write_workbook`` makes a
workbook from the same declarations as the CSV templates (``catalogue.CSV_TEMPLATES`` and the
models): an "About" sheet saying what every column holds, then one sheet per record type named
as its template (``reviews``, ``lado`` ...), its header frozen and styled, each header cell's
meaning as a comment (naming the sheet and column another column refers to, not a CSV file), a
drop-down list for every column with allowed values, whole-number and date checks, number and
date formats, each column as wide as its header and values (up to ``MAX_WIDTH``), and the rows
already held filled in. It holds no formula: text a spreadsheet would take for one is written
as text, by the CSV writer's rule (``core/spreadsheet.neutralise``).

``open_workbook`` reads each sheet as a stream of rows, turns each into the text cells a CSV
file would hold and validates it with the CSV reader (``read.read_rows``) as it comes, so every
check is the same, an error names the workbook, the sheet, the row and the column, and a wrong
row (or the row past the limit) stops the reading at once; ``read_sheet`` gives the records or
that error. What a spreadsheet does to a value is undone first: numbers typed as numbers, dates
entered as dates (or as text, ``31/03/2022`` included), TRUE and FALSE, spaces around a value,
empty rows at the end, and formulas, read through the value the spreadsheet saved with them. A
workbook beyond the limits of ``core/limits.py``, damaged, holding macros, or with a value that
comes from another workbook is refused before its rows are read (``read.office_package``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from safeguarding_report.core import limits
from safeguarding_report.core.errors import DataError
from safeguarding_report.core.spreadsheet import neutralise
from safeguarding_report.local.catalogue import CSV_TEMPLATES, CsvTemplate
from safeguarding_report.local.describe import (
    LIST_SEPARATOR,
    allowed,
    bounds,
    expected,
    is_list,
    kind_of,
)
from safeguarding_report.local.read import (
    PARSE_ERRORS,
    Record,
    office_package,
    read_rows,
    unreadable,
)

log = logging.getLogger(__name__)

KIND = "an Excel workbook (.xlsx)"
# The workbook's own parts that name its sheets' parts (to say which sheet a part is).
_BOOK, _BOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
# A cell's formula, as Excel (and LibreOffice) and strict Office Open XML write it.
_FORMULA = frozenset(
    f"{{{uri}}}f"
    for uri in (
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
)
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
    _as_text(book)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    log.debug("wrote %s (%d sheets)", path, len(chosen))  # the command line says so
    return path


def _as_text(book: Workbook) -> None:
    """Every cell whose text a spreadsheet would take for a formula (``=HYPERLINK(...)``,
    ``@SUM(...)``: the CSV writer's rule, ``core/spreadsheet.neutralise``) written as the text
    it is, marked to stay text when edited: the workbook holds no formula, and reads back as
    written."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and neutralise(cell.value) is not cell.value:
                    cell.data_type = "s"
                    cell.quotePrefix = True


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
    """One sheet of the workbook as read: its header, its rows validated as its CSV file's
    would be, or the first error in them (the reading stops there: ``read_sheet`` raises it)."""

    name: str
    header: list[str]
    records: list[Record[BaseModel]]
    error: str = ""
    # Rows that hold anything, as far as the sheet was read (at least 1 when any does).
    held: int = 0


def open_workbook(path: Path, source_file: str) -> dict[str, Sheet]:
    """Every record sheet of the workbook, each read and checked row by row as it is read;
    DataError if the workbook is over a limit (``core/limits.py``), damaged, holds macros or
    links to another workbook, or names a sheet that is not a record type."""
    parts: dict[str, str] | None = None

    def describe(part: str) -> str:
        nonlocal parts
        if parts is None:
            with zipfile.ZipFile(path) as archive:
                parts = _sheet_parts(archive)
        return f" (sheet {parts[part]!r})" if part in parts else ""

    formula_parts: set[str] = set()  # the parts with a formula in them

    def formula(part: str, tag: str, _: dict[str, str]) -> None:
        if tag in _FORMULA:
            formula_parts.add(part)

    with office_package(path, source_file, KIND, describe, formula) as archive:
        links = [n for n in archive.namelist() if n.lower().startswith("xl/externallinks/")]
        sheet_parts = _sheet_parts(archive)
    # Only a sheet with a formula is read a second time, for its formulas (every sheet, when
    # the workbook's parts do not say which part is which sheet).
    with_formulas = {sheet_parts.get(p) for p in formula_parts} if sheet_parts else None
    try:
        values = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        formulas = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except PARSE_ERRORS as exc:
        raise unreadable(source_file, KIND, exc) from None
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
        if links:
            raise _linked(formulas, known, source_file, links)
        read_formulas = [n for n in known if with_formulas is None or n in with_formulas]
        return {
            n: _sheet(values[n], formulas[n] if n in read_formulas else None, n, source_file)
            for n in known
        }
    finally:
        values.close()
        formulas.close()


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part's sheet name (``xl/worksheets/sheet5.xml``: ``lado``), from the
    workbook's own parts; {} where they are missing, large or damaged (it only names a part)."""
    try:
        if any(archive.getinfo(n).file_size > 2**20 for n in (_BOOK, _BOOK_RELS)):
            return {}
        targets = {
            r.get("Id"): r.get("Target", "")
            for r in ElementTree.fromstring(archive.read(_BOOK_RELS))
        }
        book = ElementTree.fromstring(archive.read(_BOOK))
    except PARSE_ERRORS:
        return {}
    found = {}
    for sheet in book.iter():
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        if sheet.tag.endswith("}sheet") and rid in targets:
            target = str(targets[rid])
            part = target[1:] if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            found[part] = sheet.get("name", "")
    return found


def _sheet(values: Any, formulas: Any, name: str, source_file: str) -> Sheet:
    """One sheet, streamed: each row checked as it is read (``read.read_rows``), the reading
    stopped at the first wrong row or at the row limit. ``formulas`` is the sheet as written
    (its formulas, not their saved values); None when it has none."""
    source = f"{source_file}, sheet {name!r}"
    if not all(hasattr(sheet, "iter_rows") for sheet in (values, formulas or values)):
        raise DataError(
            f"{source}: the sheet is a chart, not a sheet of cells. Expected the columns "
            f"{', '.join(CSV_TEMPLATES[name].columns)} in row 1; remove the chart sheet."
        )
    # The cells each row holds, not the area the sheet says it uses: a sheet may claim to use
    # every cell of the grid (A1:XFD1048576) and make each row 16,384 empty cells wide.
    values.reset_dimensions()
    if formulas is None:
        both: Iterator[Any] = ((row, ()) for row in values.iter_rows(values_only=True))
    else:
        formulas.reset_dimensions()
        both = zip(values.iter_rows(values_only=True), formulas.iter_rows(), strict=True)
    grid = _read(both, source_file)
    first = next(grid, None)
    header_cells = list(first[0]) if first else []
    while header_cells and _blank(header_cells[-1]):
        header_cells.pop()
    header = [_text(c) for c in header_cells]
    if not header:
        return Sheet(name, [], [], _no_header(source, name), held=_holds_any(grid))
    names = [h.strip().lower() for h in header]
    fields = CSV_TEMPLATES[name].model.model_fields
    held = 0

    def rows() -> Iterator[tuple[int, list[str]]]:
        nonlocal held
        for number, (cells, written) in enumerate(grid, start=2):
            held += any(not _blank(c) for c in cells) or any(_formula(c) for c in written)
            _check_row(cells, written, number, names, source)
            yield number, [_cell_text(c, fields.get(h)) for h, c in zip(names, cells, strict=False)]

    try:
        records = read_rows(CSV_TEMPLATES[name], source, header, rows(), unit="row")
    except DataError as exc:
        # Whether the sheet holds records decides where they are read from: a wrong header
        # stops before any row is read, so look on for one.
        return Sheet(name, header, [], str(exc), held=held or _holds_any(grid))
    return Sheet(name, header, records, held=held)


def _read(rows: Iterator[Any], source_file: str) -> Iterator[Any]:
    """openpyxl's rows, its parsers' errors as the DataError naming the workbook."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except PARSE_ERRORS as exc:
            raise unreadable(source_file, KIND, exc) from None
        yield row


def _holds_any(grid: Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> int:
    """1 if a row still to read holds anything (so the sheet counts as holding records), else
    0; a row that cannot be read counts as one."""
    try:
        return int(any(any(not _blank(c) for c in cells) for cells, _ in grid))
    except DataError:
        return 1


def _check_row(
    cells: tuple[Any, ...], written: tuple[Any, ...], number: int, names: list[str], source: str
) -> None:
    """DataError when a row has a value beyond the header's columns, a formula without its
    saved value, or a formula that refers to another workbook or program."""
    beyond = cells[len(names) :]
    if beyond.count(None) < len(beyond) and any(not _blank(c) for c in beyond):
        raise DataError(
            f"{source}, row {number}: a value is written to the right of the last column "
            f"({names[-1]}). Expected values only under the header's columns."
        )
    for column, cell in enumerate(written[: len(names)]):
        formula = _formula(cell)
        if formula is None:
            continue
        where = f"{source}, row {number}, column {names[column]!r}"
        if _external(formula):
            raise DataError(
                _link_message(f"{where} (cell {cell.coordinate})", formula, cells[column])
            )
        if cells[column] is None:
            raise DataError(
                f"{where}: the cell holds a formula with no saved value. Expected a value; "
                "open the workbook in Excel or LibreOffice and save it, so the formula's "
                "result is saved."
            )


def _formula(cell: Any) -> str | None:
    """A cell's formula as written (``=SUM(B2:B4)``), or None when it holds a value."""
    if getattr(cell, "data_type", None) != "f":
        return None
    value = cell.value
    return str(getattr(value, "text", value))


# A reference to another workbook, outside a text in double quotes: by the number of its link
# ([1]Sheet1!A1, as Excel and LibreOffice save it), by name ([Other.xlsx]Sheet1!A1), or a
# program's data (DDE: =cmd|' /C calc'!A0).
_EXTERNAL = re.compile(r"\[\d+\]|\[[^\]]*\.(?:xl\w*|ods|csv)\]|\|", re.IGNORECASE)


def _external(formula: str) -> bool:
    return _EXTERNAL.search(re.sub(r'"[^"]*"', "", formula)) is not None


def _link_message(where: str, formula: str, saved: Any) -> str:
    def shown(text: str) -> str:  # on one line, and enough of it to find
        text = " ".join(text.split())
        return text if len(text) <= 80 else text[:79] + "…"

    value = "" if saved is None else f", saved value {shown(_text(saved))}"
    return (
        f"{where}: the value comes from another workbook or program (formula {shown(formula)}"
        f"{value}), which the report can neither check nor cite. Expected the value itself: "
        "type it in (or copy the cell and paste it as values only), remove the link (Excel: "
        "Data > Edit Links > Break Link) and save the workbook again."
    )


def _linked(formulas: Any, known: list[str], source_file: str, links: list[str]) -> DataError:
    """The error for a workbook that links to another: the first cell of a record sheet that
    uses the link, or the link itself when no cell of a record sheet does."""
    for name in known:
        sheet = formulas[name]
        if not hasattr(sheet, "iter_rows"):
            continue
        sheet.reset_dimensions()
        for number, row in enumerate(_read(sheet.iter_rows(), source_file), start=1):
            if number > limits.current().rows + 1:
                break
            for cell in row:
                formula = _formula(cell)
                if formula is not None and _external(formula):
                    where = f"{source_file}, sheet {name!r}, cell {cell.coordinate}"
                    return DataError(_link_message(where, formula, None))
    return DataError(
        f"{source_file}: the workbook links to another workbook ({', '.join(links[:3])}), "
        "which the report can neither check nor cite. Expected the values themselves; remove "
        "the link (Excel: Data > Edit Links > Break Link) and save the workbook again."
    )


def _no_header(source: str, name: str) -> str:
    return (
        f"{source}, row 1: the sheet has no header. Expected the columns "
        f"{', '.join(CSV_TEMPLATES[name].columns)} in row 1; make the workbook again with "
        "`safeguarding-report workbook`."
    )


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


def read_sheet(sheet: Sheet) -> list[Record[BaseModel]]:
    """A sheet's rows, validated as its CSV file's would be (as the workbook was opened);
    DataError naming sheet, row and column at the first wrong one."""
    if sheet.error:
        raise DataError(sheet.error)
    return sheet.records
