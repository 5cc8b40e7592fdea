"""Pull one measure out of one published table, validating every row it uses.

Returns a cell per (area E-code, year): the value, its status and the line it came from.
Every check names the file, line and column and says what was expected: a missing column,
a geography the area list does not know, a year the file is not declared to hold, a value
that is neither a number nor a DfE symbol, and two rows for the same area and year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from safeguarding_report.core.errors import DataError
from safeguarding_report.core.store import PickledAsArguments
from safeguarding_report.data.areas import (
    ENGLAND,
    LOCAL,
    NATIONAL,
    REGIONAL,
    SUBREGIONAL,
    Area,
    Areas,
)
from safeguarding_report.data.catalogue import FileSpec, Measure, Symbols
from safeguarding_report.data.read import Table, parse_value, parse_year

OLD_CODE = re.compile(r"^\d{3}$")


@dataclass(frozen=True, slots=True)
class Cell(PickledAsArguments):
    """One published value with where it came from."""

    value: float
    status: str
    source_file: str
    column: str  # the header as published
    line: int
    area_code: str  # the area's code as the row writes it (E10000023, 886, E92000001 ...)
    release: str  # the release the file belongs to (catalogue.FileSpec.release)


Cells = dict[tuple[str, int], Cell]


def _where(table: Table, line: int, column: int) -> str:
    return f"{table.source_file}, line {line}, column {table.header[column].strip()!r}"


def _local_authority(
    table: Table, areas: Areas, line: int, old: tuple[int, str], new: tuple[int, str] | None
) -> Area | None:
    """The authority a row names, None for a joint-service row, DataError if unknown."""
    old_index, old_code = old
    # Joint services report once for two authorities ("940 / 941"): neither alone, so skipped.
    if " / " in old_code and all(areas.get(part) for part in old_code.split(" / ")):
        return None
    area = areas.get(old_code) if OLD_CODE.match(old_code) else None
    if area is None or area.level != LOCAL:
        raise DataError(
            f"{_where(table, line, old_index)}: unknown local authority code {old_code!r}. "
            f"Expected a DfE 3-digit code listed in {areas.source_file}. {areas.suggest(old_code)}"
        )
    if new is not None and new[1]:
        new_index, new_code = new
        other = areas.get(new_code)
        if other is None or other.old_code != area.old_code:
            raise DataError(
                f"{_where(table, line, new_index)}: unknown local authority code "
                f"{new_code!r} for {area.name} ({old_code}). Expected an E-code that "
                f"{area.name} has had, such as {area.code}; restore the file as published."
            )
    return area


def _store(cells: Cells, key: tuple[str, int], cell: Cell, table: Table, index: int) -> None:
    if key in cells:
        raise DataError(
            f"{_where(table, cell.line, index)}: duplicate row: line {cells[key].line} already "
            f"gives {key[0]} in {key[1]}. Expected one row per area and year; remove the "
            "duplicate or restore the file as published."
        )
    cells[key] = cell


def _symbols(spec: FileSpec) -> Symbols:
    if spec.symbols is None:
        raise DataError(f"{spec.path}: the catalogue gives no symbol meanings for this file.")
    return spec.symbols


def ees_cells(table: Table, spec: FileSpec, measure: Measure, areas: Areas) -> Cells:
    """The measure from a tidy explore-education-statistics file (one row per area and year).

    National-only files (the national time series) have no region or local authority
    columns; a row of another level in such a file is an error.
    """
    col = {name: table.column(name) for name in ("time_period", "geographic_level")}
    for name in ("region_code", "old_la_code", "new_la_code"):
        if table.has(name):
            col[name] = table.column(name)
    symbols = _symbols(spec)
    value_index = table.column(measure.column)
    column = table.header[value_index].strip()  # one text, shared by every cell
    filters = [(table.column(name), wanted) for name, wanted in measure.where]
    cells: Cells = {}
    seen_years: set[int] = set()
    for line, row in table.rows:
        if any(table.cell(line, row, i) != wanted for i, wanted in filters):
            continue
        year = parse_year(
            table.cell(line, row, col["time_period"]),
            spec.years,
            where=partial(_where, table, line, col["time_period"]),
        )
        seen_years.add(year)
        level = table.cell(line, row, col["geographic_level"])
        if level != NATIONAL and ("region_code" not in col or "old_la_code" not in col):
            table.column("region_code" if "region_code" not in col else "old_la_code")
        if level == NATIONAL:
            code = ENGLAND
            # As the row writes it: some releases leave the national row's code empty.
            written = (
                table.cell(line, row, table.column("country_code"))
                if table.has("country_code")
                else ""
            )
        elif level == REGIONAL:
            code = written = table.cell(line, row, col["region_code"])
            region = areas.get(code)
            # Inner and Outer London (E13) come as regional rows: kept as sub-regions.
            if region is None or region.level not in (REGIONAL, SUBREGIONAL):
                raise DataError(
                    f"{_where(table, line, col['region_code'])}: unknown region code {code!r}. "
                    f"Expected an E12 region or E13 sub-region code listed in "
                    f"{areas.source_file}."
                )
        elif level == LOCAL:
            old = (col["old_la_code"], table.cell(line, row, col["old_la_code"]))
            new = None
            if "new_la_code" in col:
                new = (col["new_la_code"], table.cell(line, row, col["new_la_code"]))
            area = _local_authority(table, areas, line, old, new)
            if area is None:
                continue
            code = area.code
            written = new[1] if new is not None and new[1] else old[1]
        else:
            raise DataError(
                f"{_where(table, line, col['geographic_level'])}: unknown geographic level "
                f"{level!r}. Expected National, Regional or Local authority."
            )
        text = table.cell(line, row, value_index)
        value, status = parse_value(
            text, symbols.meanings, where=partial(_where, table, line, value_index)
        )
        cell = Cell(value, status, table.source_file, column, line, written, spec.release)
        _store(cells, (code, year), cell, table, value_index)
    missing = sorted(set(spec.years) - seen_years)
    if missing:
        raise DataError(
            f"{table.source_file}, column 'time_period': no rows for {missing} (selecting "
            f"{dict(measure.where) or 'every row'}). Expected every year from {spec.years[0]} "
            f"to {spec.years[-1]}; restore the file as published."
        )
    return cells


def sfr_cells(table: Table, spec: FileSpec, measure: Measure, areas: Areas) -> Cells:
    """The measure from a 2010-2017 SFR underlying-data table (one year, one row per area)."""
    level_index = table.column("geog_l")
    code_index = table.column("geog_c")
    name_index = table.column("geog_n")
    new_index = table.column("New_geog_code") if table.has("New_geog_code") else None
    value_index = table.column(measure.column)
    column = table.header[value_index].strip()  # one text, shared by every cell
    (year,) = spec.years
    symbols = _symbols(spec)
    cells: Cells = {}
    for line, row in table.rows:
        level = table.cell(line, row, level_index).upper()
        code_text = table.cell(line, row, code_index)
        if level == "NATIONAL":
            code = ENGLAND
        elif level in ("REGION", "GOR"):
            name = table.cell(line, row, name_index)
            region = areas.region_named(name)  # Inner and Outer London included
            if region is None:
                raise DataError(
                    f"{_where(table, line, name_index)}: unknown region {name!r}. Expected "
                    f"an English region named as in {areas.source_file}."
                )
            code = region.code
        elif level == "LA" or (level == "" and OLD_CODE.match(code_text)):
            # The 2017 table's Isles of Scilly row leaves geog_l empty; its code says LA.
            new = None
            if new_index is not None:
                new = (new_index, table.cell(line, row, new_index))
            area = _local_authority(table, areas, line, (code_index, code_text), new)
            if area is None:
                continue
            code = area.code
        else:
            raise DataError(
                f"{_where(table, line, level_index)}: unknown geography level {level!r}. "
                "Expected National, Region (or GOR) or LA."
            )
        text = table.cell(line, row, value_index)
        value, status = parse_value(
            text, symbols.meanings, where=partial(_where, table, line, value_index)
        )
        cell = Cell(value, status, table.source_file, column, line, code_text, spec.release)
        _store(cells, (code, year), cell, table, value_index)
    return cells
