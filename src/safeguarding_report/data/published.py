"""The published statistics as tidy tables: one row per indicator, area and period.

``Published`` is the one object the sections use. It reads each file the first time a
value from it is needed, validates the rows it uses, and keeps what it parsed for the life
of the instance (each section runs in its own process, so nothing is shared on disk).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from safeguarding_report.data.areas import LOCAL, Area, Areas
from safeguarding_report.data.catalogue import (
    FILES,
    MEASURES,
    POPULATION,
    RATE_OF,
    SN_2021,
    SN_2025,
    Measure,
    Source,
)
from safeguarding_report.data.extract import Cell, Cells, ees_cells, sfr_cells
from safeguarding_report.data.neighbours import FIRST_2025_YEAR, Group, read_groups
from safeguarding_report.data.read import Table, read_table
from safeguarding_report.data.schema import NO_DATA, TIDY_COLUMNS
from safeguarding_report.errors import DataError

Row = tuple[str, str, str, str, str, float, str, str, str, str]
NEIGHBOURS_LEVEL = "Statistical neighbours"
NEIGHBOURS_NAME = "Statistical neighbours (mean)"


def _frame(rows: list[Row]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(TIDY_COLUMNS))
    frame["value"] = frame["value"].astype(float)
    return frame


class Published:
    """The DfE's (and ONS's) published files under ``data_dir``, read on demand."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._tables: dict[str, Table] = {}
        self._cells: dict[Measure, Cells] = {}
        self._areas: Areas | None = None
        self._groups: dict[str, dict[str, Group]] = {}

    # -- files ---------------------------------------------------------------------------

    def _source_file(self, path: str) -> str:
        """A catalogue path as shown to the user: relative to the project root."""
        return f"{self.data_dir.name}/{path}"

    def _table(self, path: str) -> Table:
        if path not in self._tables:
            self._tables[path] = read_table(self.data_dir / path, self._source_file(path))
        return self._tables[path]

    @property
    def areas(self) -> Areas:
        """Every area the files name (built from the ONS population file)."""
        if self._areas is None:
            self._areas = Areas(self._table(POPULATION))
        return self._areas

    def _measure(self, measure: Measure) -> Cells:
        if measure not in self._cells:
            spec = FILES[measure.path]
            table = self._table(measure.path)
            read = sfr_cells if spec.layout == "sfr" else ees_cells
            self._cells[measure] = read(table, spec, measure, self.areas)
        return self._cells[measure]

    def _published(self, indicator: str, code: str, year: int) -> Cell | None:
        """The first measure (newest release first) holding this area and year, if any."""
        for measure in MEASURES[indicator]:
            if year in FILES[measure.path].years:
                cell = self._measure(measure).get((code, year))
                if cell is not None:
                    return cell
        return None

    # -- public API ----------------------------------------------------------------------

    def area(self, code: str) -> Area:
        """The area with this E-code or 3-digit code; DataError suggesting close codes."""
        return self.areas.find(code)

    def source(self, source_file: str) -> Source:
        """Publication metadata of a file named in a tidy table's ``source_file``."""
        prefix = self.data_dir.name + "/"
        spec = FILES.get(source_file.removeprefix(prefix))
        if spec is None or not source_file.startswith(prefix):
            raise DataError(
                f"Unknown source file {source_file!r}: expected a path such as "
                f"{self._source_file(POPULATION)!r} listed in data/catalogue.py."
            )
        return Source(source_file, spec.title, spec.publisher, spec.url)

    def periods(self, indicator: str) -> list[int]:
        """Every year the files hold for this indicator, oldest first."""
        years = {y for m in MEASURES[self._check(indicator)] for y in FILES[m.path].years}
        if indicator in RATE_OF:
            counts = self.periods(RATE_OF[indicator])
            population = set(self.periods("population_0_17"))
            years |= {y for y in counts if y - 1 in population}
        return sorted(years)

    def series(
        self, indicator: str, area_codes: Sequence[str], periods: Sequence[int]
    ) -> pd.DataFrame:
        """Tidy rows, one per area and period in the order given; NO_DATA where none is held."""
        self._check(indicator)
        areas = [self.area(code) for code in area_codes]
        return _frame([self._row(indicator, a, int(p)) for a in areas for p in periods])

    def neighbours(self, la_code: str, year: int) -> list[Area]:
        """The local authority's ten statistical neighbours, nearest first.

        The April 2021 groupings for years up to 2024; the 2025 model from 2025.
        """
        return list(self._group(self._local(la_code), year).neighbours)

    def comparison(self, indicator: str, la_code: str, periods: Sequence[int]) -> pd.DataFrame:
        """For each period: the authority, its region, England and its neighbours' mean.

        The neighbours are those of the latest period's model, so every year compares with
        the same group.
        """
        self._check(indicator)
        la = self._local(la_code)
        region, england = self.area(la.region_code), self.area("E92000001")
        group = self._group(la, max(periods)) if periods else None
        rows: list[Row] = []
        for period in periods:
            year = int(period)
            rows += [self._row(indicator, a, year) for a in (la, region, england)]
            if group is not None:
                rows.append(self._neighbour_mean(indicator, group, year))
        return _frame(rows)

    # -- rows ----------------------------------------------------------------------------

    def _check(self, indicator: str) -> str:
        if indicator not in MEASURES:
            raise DataError(
                f"Unknown indicator {indicator!r}: expected one of {', '.join(MEASURES)} "
                "(see safeguarding_report.indicators)."
            )
        return indicator

    def _local(self, code: str) -> Area:
        area = self.area(code)
        if area.level != LOCAL:
            raise DataError(
                f"{code!r} is {area.name}, not a local authority: statistical neighbours and "
                "comparisons need a local authority's code, such as 886 or E10000016."
            )
        return area

    def _row(self, indicator: str, area: Area, year: int) -> Row:
        head = (indicator, area.code, area.name, area.level, str(year))
        cell = self._published(indicator, area.code, year)
        if cell is not None:
            return (*head, cell.value, cell.status, cell.source_file, cell.column, "")
        if indicator in RATE_OF:
            return self._derived_rate(indicator, area, year)
        return (*head, math.nan, NO_DATA, "", "", "")

    def _derived_rate(self, indicator: str, area: Area, year: int) -> Row:
        """A count per 10,000 children, from the ONS estimate for the previous mid-year."""
        head = (indicator, area.code, area.name, area.level, str(year))
        count = self._published(RATE_OF[indicator], area.code, year)
        if count is None:
            return (*head, math.nan, NO_DATA, "", "", "")
        mid = year - 1
        population = self._published("population_0_17", area.code, mid)
        where = f"{count.source_file}, line {count.line}"
        if count.status:
            note = f"not computed: the count is withheld ({count.status}) in {where}"
            return (*head, math.nan, count.status, count.source_file, count.column, note)
        if population is None or population.status or population.value <= 0:
            status = population.status if population and population.status else NO_DATA
            note = f"not computed: no ONS mid-{mid} population aged 0 to 17 for {area.name}"
            return (*head, math.nan, status, count.source_file, count.column, note)
        value = count.value / population.value * 10_000
        note = (
            f"count per 10,000 of ONS mid-{mid} population aged 0 to 17 "
            f"({population.source_file}, line {population.line}): "
            f"{count.value:.15g} ({where}) / {population.value:.15g} x 10,000"
        )
        return (*head, value, "", count.source_file, count.column, note)

    def _group(self, la: Area, year: int) -> Group:
        path = SN_2025 if year >= FIRST_2025_YEAR else SN_2021
        if path not in self._groups:
            self._groups[path] = read_groups(
                self._table(path), self.areas, model_2025=path == SN_2025
            )
        group = self._groups[path].get(la.old_code)
        if group is None:
            raise DataError(
                f"{self._source_file(path)}: no statistical neighbours for {la.name} "
                f"({la.old_code}). Expected a row whose code column is {la.old_code}; the "
                "authority may not exist in that model's year."
            )
        return group

    def _neighbour_mean(self, indicator: str, group: Group, year: int) -> Row:
        rows = [self._row(indicator, n, year) for n in group.neighbours]
        have = [r for r in rows if not math.isnan(r[5])]
        model = "2025 model" if group.source_file.endswith(SN_2025) else "April 2021 groupings"
        named = {n.code: f"{n.old_code} {n.name}" for n in group.neighbours}
        codes = ", ".join(named[r[1]] for r in have)
        missing = ", ".join(f"{named[r[1]]} [{r[6]}]" for r in rows if math.isnan(r[5]))
        note = (
            f"mean of the {len(have)} of {len(rows)} statistical neighbours with a value "
            f"({model}, {group.source_file}, line {group.line}): {codes or 'none'}"
        )
        if missing:
            note += f"; no value: {missing}"
        head = (indicator, "", NEIGHBOURS_NAME, NEIGHBOURS_LEVEL, str(year))
        if not have:
            return (*head, math.nan, NO_DATA, "", "", note)
        value = sum(r[5] for r in have) / len(have)
        # Neighbours' values normally come from one file; name the one most of them used.
        source_file = Counter(r[7] for r in have).most_common(1)[0][0]
        column = Counter(r[8] for r in have).most_common(1)[0][0]
        return (*head, value, "", source_file, column, note)
