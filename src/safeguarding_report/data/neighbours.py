"""The DfE's statistical neighbours: each local authority's ten most similar authorities.

Two models are held: the April 2021 groupings and the 2025 model. The April 2021 groupings
apply to report years up to 2024 (they are the only grouping held for years before 2021, so
they are used for those too, and say so); the 2025 model to 2025 and later. Both files give
each authority's 3-digit code and its ten neighbours' codes, nearest first, each followed by
the DfE's closeness band ("Extremely close" to "Not close"): SN1, SNP, SN2, SNP ... (2021;
every band column is headed SNP, so bands are read by position) or SN_1, SN_1P ... (2025).
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding_report.core.errors import DataError
from safeguarding_report.data.areas import LOCAL, Area, Areas
from safeguarding_report.data.read import Table

FIRST_2025_YEAR = 2025
FIRST_2021_YEAR = 2021
MODEL_2021 = "April 2021 groupings"
MODEL_2025 = "2025 model"
NOT_CLOSE = "not close"


@dataclass(frozen=True)
class Group:
    """One authority's neighbours as the file lists them, each with its closeness band."""

    neighbours: tuple[tuple[Area, str], ...]
    source_file: str
    line: int


@dataclass(frozen=True)
class NeighbourGroup:
    """The neighbours that apply to one authority in one report year."""

    model: str  # in words, e.g. "April 2021 groupings"
    source_file: str
    line: int
    neighbours: tuple[tuple[Area, str], ...]  # (area, closeness as published), nearest first
    absent: tuple[Area, ...]  # listed by the model but not existing in the year: left out
    all_not_close: bool  # the DfE rates every listed neighbour "Not close"

    def describe(self) -> str:
        """One line naming the model and file, for a derivation or a table's source."""
        return f"{self.model}, {self.source_file}, line {self.line}"


def model_for(year: int) -> str:
    """The model applying to a report year: the 2025 model from 2025, else April 2021."""
    return MODEL_2025 if year >= FIRST_2025_YEAR else MODEL_2021


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
        bands = [table.cell(line, row, index + 1) for index in columns]
        key = found[0].old_code
        if key in groups:
            raise DataError(
                f"{table.source_file}, line {line}, column {table.header[own].strip()!r}: "
                f"duplicate row for {found[0].name} ({key}); line {groups[key].line} already "
                "lists its neighbours. Expected one row per authority."
            )
        groups[key] = Group(tuple(zip(found[1:], bands, strict=True)), table.source_file, line)
    return groups


def for_year(group: Group, areas: Areas, year: int, model: str) -> NeighbourGroup:
    """The group as it applies to one year: authorities that did not exist then left out."""
    present = tuple((a, band) for a, band in group.neighbours if areas.existed(a, year))
    absent = tuple(a for a, _ in group.neighbours if not areas.existed(a, year))
    words = model
    if model == MODEL_2021 and year < FIRST_2021_YEAR:
        words = f"{MODEL_2021} (the earliest grouping held; none for {year} is held)"
    return NeighbourGroup(
        model=words,
        source_file=group.source_file,
        line=group.line,
        neighbours=present,
        absent=absent,
        all_not_close=all(band.strip().lower() == NOT_CLOSE for _, band in group.neighbours),
    )
