"""The DfE's statistical neighbours: each local authority's ten most similar authorities.

Two models: the April 2021 groupings (used for report years up to 2024) and the 2025 model
(report years 2025 and later). Both files give each authority's 3-digit code and its ten
neighbours' codes, nearest first, in columns SN1..SN10 (2021) or SN_1..SN_10 (2025).
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding_report.data.areas import LOCAL, Area, Areas
from safeguarding_report.data.read import Table
from safeguarding_report.errors import DataError

FIRST_2025_YEAR = 2025


@dataclass(frozen=True)
class Group:
    """One authority's neighbours as the file lists them."""

    neighbours: tuple[Area, ...]
    source_file: str
    line: int


def read_groups(table: Table, areas: Areas, *, model_2025: bool) -> dict[str, Group]:
    """Every authority's neighbours, by its 3-digit code; DataError for an unknown code."""
    own = table.column("old_la_code" if model_2025 else "LA num")
    columns = [table.column(f"SN_{k}" if model_2025 else f"SN{k}") for k in range(1, 11)]
    groups: dict[str, Group] = {}
    for line, row in table.rows:
        if not table.cell(line, row, own):
            continue  # a heading inside the file, such as the April 2021 file's "Old SNs:"
        found = []
        for index in (own, *columns):
            code = table.cell(line, row, index)
            area = areas.get(code)
            if area is None or area.level != LOCAL:
                raise DataError(
                    f"{table.source_file}, line {line}, column "
                    f"{table.header[index].strip()!r}: unknown local authority code {code!r}. "
                    f"Expected a DfE 3-digit code listed in {areas.source_file}. "
                    f"{areas.suggest(code)}"
                )
            found.append(area)
        key = found[0].old_code
        if key in groups:
            raise DataError(
                f"{table.source_file}, line {line}, column {table.header[own].strip()!r}: "
                f"duplicate row for {found[0].name} ({key}); line {groups[key].line} already "
                "lists its neighbours. Expected one row per authority."
            )
        groups[key] = Group(tuple(found[1:]), table.source_file, line)
    return groups
