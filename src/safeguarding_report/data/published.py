"""The published statistics as tidy tables: one row per indicator, area and period.

``Published`` is the one object the sections use. It reads each file the first time a
value from it is needed, validates the rows it uses, and keeps what it parsed for the life
of the instance (each section runs in its own process, so nothing is shared on disk).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from safeguarding_report.core.errors import DataError
from safeguarding_report.core.indicators import ENGLAND_NOTES, INDICATORS, LAIT_CODES, lait_code
from safeguarding_report.core.params import JOIN
from safeguarding_report.core.store import Parsed, on_disk_only
from safeguarding_report.data import combine
from safeguarding_report.data.areas import COMBINED, ENGLAND, LOCAL, Area, Areas
from safeguarding_report.data.benchmarking import (
    DICTIONARY,
    Band,
    Bds,
    Entry,
    Years,
    read_dictionary,
)
from safeguarding_report.data.catalogue import (
    FIRST_YEAR,
    MEASURES,
    POPULATION,
    RATE_OF,
    SN_2021,
    SN_2025,
    Catalogue,
    Measure,
    Source,
    recognise,
)
from safeguarding_report.data.extract import Cell, Cells, ees_cells, sfr_cells
from safeguarding_report.data.neighbours import (
    MODEL_2025,
    Group,
    NeighbourGroup,
    for_year,
    model_for,
    read_groups,
)
from safeguarding_report.data.population import DERIVED, Pair, RatePopulation, choose
from safeguarding_report.data.read import Table, read_table
from safeguarding_report.data.schema import (
    NOT_COLLECTED,
    NOT_COMPARABLE,
    NOT_HELD,
    NOT_YET_PUBLISHED,
    TIDY_COLUMNS,
)


class Row(NamedTuple):
    """One tidy row, its fields in the order of ``schema.TIDY_COLUMNS``."""

    indicator: str
    area_code: str
    area_name: str
    area_level: str
    period: str
    value: float
    status: str
    source_file: str
    source_column: str
    source_line: str
    source_area_code: str
    derivation: str


log = logging.getLogger(__name__)

NEIGHBOURS_LEVEL = "Statistical neighbours"
NEIGHBOURS_NAME = "Statistical neighbours (mean)"
POLARITY_WORDS = {"higher": "a higher value is better", "lower": "a lower value is better"}


@dataclass(frozen=True)
class Rank:
    """A local authority's place among all English local authorities with a figure."""

    indicator: str
    la_code: str
    year: int
    rank: int  # 1 = best per the indicator's polarity; ties share the best rank
    of: int  # how many authorities were ranked (those with a figure that year)
    quartile: str  # "A" (best quarter) to "D"
    polarity: str  # in words, e.g. "a lower value is better"
    row: pd.Series  # the tidy row of the authority's own value (its provenance)


# Why a combined area's figure of a measure that is not a count is not combined.
_UNIT_WHY = {
    "percent": "the files publish this percentage without the numerator and denominator it "
    "is worked out from, and percentages cannot be added or averaged",
    "ratio": "an average cannot be combined without the totals it is worked out from",
    "rate": "a rate cannot be added or averaged, and the files publish no count for it",
    "pounds": "the files publish no totals to combine",
}
_LAIT_WHY = (
    "the Benchmarking Data Set publishes each authority's figure without the numbers it is "
    "worked out from, so the whole area's cannot be worked out"
)


def _part(row: Row) -> combine.Part:
    """A tidy row of one authority as a part of a combined figure."""
    return combine.Part(
        row.area_name, row.value, row.status, row.source_file, row.source_line,
        described=row.derivation if row.derivation and not row.source_line.isdigit() else "",
    )  # fmt: skip


def _frame(rows: list[Row]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(TIDY_COLUMNS))
    frame["value"] = frame["value"].astype(float)
    return frame


def quartile_band(rank: int, of: int) -> str:
    """LAIT's quartile band: A for ranks in the best quarter, then B, C, D.

    Rank r of n is in band ceil(4 r / n): with 152 authorities, ranks 1-38 are A, 39-76 B,
    77-114 C and 115-152 D. Tied authorities share the best rank, hence the same band.
    """
    return "ABCD"[min(4, math.ceil(4 * rank / of)) - 1]


class Published:
    """The DfE's (and ONS's) published files under ``data_dir``, read on demand."""

    def __init__(self, data_dir: Path, *, parse_cache: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        # Parsed files are kept beside the data folder (see store.Parsed).
        self._parsed = Parsed(
            parse_cache if parse_cache is not None else self.data_dir.parent / ".cache" / "data"
        )
        # The catalogued files plus any new release dropped in beside them.
        self.catalogue: Catalogue = recognise(self.data_dir)
        self._tables: dict[str, Table] = {}
        self._population_digest: str | None = None
        self._cells: dict[Measure, Cells] = {}
        self._areas: Areas | None = None
        self._groups: dict[str, dict[str, Group]] = {}
        self._ungrouped: set[tuple[str, str]] = set()  # (grouping, authority) already said
        self._populations: dict[tuple[str, str, int], RatePopulation | None] = {}
        self._bds: Bds | None = None
        self._bds_more: dict[str, Bds] = {}  # other measures' rows, by code (``_bds_of``)
        self._dictionary: dict[str, Entry] | None = None

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
            self._areas = self._parsed.get(
                "areas", self.data_dir / POPULATION, lambda: Areas(self._table(POPULATION))
            )
        return self._areas

    def _areas_digest(self) -> str:
        """The population file's SHA-256: the areas every parse of a measure depends on."""
        if self._population_digest is None:
            self._population_digest = hashlib.sha256(
                (self.data_dir / POPULATION).read_bytes()
            ).hexdigest()
        return self._population_digest

    def _measure(self, measure: Measure) -> Cells:
        if measure not in self._cells:
            spec = self.catalogue.files[measure.path]
            read = sfr_cells if spec.layout == "sfr" else ees_cells
            self._cells[measure] = self._parsed.get(
                f"cells {measure!r} as {spec!r} (areas of {self._areas_digest()})",
                self.data_dir / measure.path,
                lambda: read(self._table(measure.path), spec, measure, self.areas),
            )
        return self._cells[measure]

    def _published(self, indicator: str, code: str, year: int) -> Cell | None:
        """The first measure (newest release first) holding this area and year, if any."""
        for measure in self.catalogue.measures[indicator]:
            if year in self.catalogue.files[measure.path].years:
                cell = self._measure(measure).get((code, year))
                if cell is not None:
                    return cell
        return None

    # -- public API ----------------------------------------------------------------------

    def area(self, code: str, *, source: str = "") -> Area:
        """The area with this E-code or 3-digit code; DataError suggesting close codes.

        Several local authorities' codes joined by ``+`` name their combined area (a
        partnership's area), made by ``combined_area``; ``source`` (the params file) is named
        if one authority is among them twice.
        """
        if JOIN in code:
            return self.combined_area(code.split(JOIN), source=source)
        return self.areas.find(code)

    def combined_area(self, codes: Sequence[str], *, source: str = "") -> Area:
        """Several local authorities as one area: named after them ('Leicester, Leicestershire
        and Rutland'), coded by joining their E-codes with ``+``. Its figures are combined from
        theirs by the rules of ``data/combine.py``. One authority named twice, by any of its
        codes, is a DataError naming ``source``."""
        parts = tuple(self._local(code.strip()) for code in codes)
        given = [code.strip() for code in codes]
        self.areas.refuse_repeated(
            parts, given, f"{source}, key 'local_authority'" if source else ", ".join(given)
        )
        if len(parts) == 1:
            return parts[0]
        names = [p.name for p in parts]
        name = f"{', '.join(names[:-1])} and {names[-1]}"
        regions = dict.fromkeys((p.region_code, p.region_name) for p in parts)
        region_code, region_name = next(iter(regions)) if len(regions) == 1 else ("", "")
        code = JOIN.join(p.code for p in parts)
        return Area(code, "", name, COMBINED, region_code, region_name, parts=parts)

    def regions_of(self, area: Area) -> list[Area]:
        """The region of a local authority, or the regions of a combined area's authorities."""
        codes = [p.region_code for p in area.parts] if area.parts else [area.region_code]
        return [self.area(code) for code in dict.fromkeys(codes)]

    def validate_file(self, path: str) -> None:
        """Read one catalogued file (path under the data folder) and check every value any
        indicator reads from it; DataError naming the file, line and column at the first fault.

        What the check parsed is kept on disk (``Parsed``), for the sections, and let go of
        here: a process that checks every file holds one file's parse at a time, not all.
        """
        with on_disk_only():
            self._validate(path)
        self._tables, self._cells, self._groups, self._bds = {}, {}, {}, None
        self._bds_more = {}

    def _validate(self, path: str) -> None:
        spec = self.catalogue.files[path]
        if spec.layout == "neighbours":
            read_groups(self._table(path), self.areas, model_2025=path == SN_2025)
            return
        if spec.layout == "bds":
            if path == DICTIONARY:
                _ = self.lait_dictionary
                return
            # Every row is checked, a row group at a time, and not kept: what a report reads
            # of the file is its measures' rows (``bds``), kept here for the sections.
            every = Bds(self.data_dir / path, self._source_file(path), self.areas)
            dictionary = self.lait_dictionary
            unknown = [code for code in every.codes if code not in dictionary]
            if unknown:
                raise DataError(
                    f"{every.source_file}, column 'Short Desc': the measure {unknown[0]!r} is "
                    f"not in {self._source_file(DICTIONARY)}. Expected every measure to be "
                    "described there; restore both files from the same LAIT release."
                )
            if path == self.catalogue.bds:
                _ = self.bds
            return
        for measures in self.catalogue.measures.values():
            for measure in measures:
                if measure.path == path:
                    self._measure(measure)
        if path == POPULATION:
            _ = self.areas

    def source(self, source_file: str) -> Source:
        """Publication metadata of a file named in a tidy table's ``source_file``."""
        prefix = self.data_dir.name + "/"
        spec = self.catalogue.files.get(source_file.removeprefix(prefix))
        if spec is None or not source_file.startswith(prefix):
            raise DataError(
                f"Unknown source file {source_file!r}: expected a path such as "
                f"{self._source_file(POPULATION)!r} listed in data/catalogue.py."
            )
        return Source(source_file, spec.title, spec.publisher, spec.url)

    def periods(self, indicator: str) -> list[int]:
        """Every year the files hold for this indicator, oldest first."""
        files, measures = self.catalogue.files, self.catalogue.measures
        years = {y for m in measures[self._check(indicator)] for y in files[m.path].years}
        if indicator in RATE_OF:
            counts = self.periods(RATE_OF[indicator])
            population = set(self.periods("population_0_17"))
            years |= {y for y in counts if y - 1 in population}
        return sorted(y for y in years if y >= FIRST_YEAR[indicator])

    def series(
        self, indicator: str, area_codes: Sequence[str], periods: Sequence[int]
    ) -> pd.DataFrame:
        """Tidy rows, one per area and period in the order given; a status where no figure."""
        self._check(indicator)
        areas = [self.area(code) for code in area_codes]
        return _frame([self._row(indicator, a, int(p)) for a in areas for p in periods])

    def neighbour_group(self, la_code: str, year: int) -> NeighbourGroup:
        """The statistical neighbours that apply to the authority in the year.

        The April 2021 groupings for years up to 2024 (the only grouping held for years
        before 2021, and ``model`` says so); the 2025 model from 2025. Neighbours that did
        not exist in the year (no ONS population row) are left out and named in ``absent``.
        """
        la = self._local(la_code)
        return for_year(self._group(la, year), self.areas, year, model_for(year))

    def neighbours(self, la_code: str, year: int) -> list[Area]:
        """The neighbours of ``neighbour_group`` that existed in the year, nearest first."""
        return [area for area, _ in self.neighbour_group(la_code, year).neighbours]

    def comparison(self, indicator: str, la_code: str, periods: Sequence[int]) -> pd.DataFrame:
        """For each period: the authority, its region, England and its neighbours' mean.

        Each period's neighbours are those of the grouping that applies to that year.
        A London borough's region is London; ``Area.subregion_code`` names Inner or Outer
        London for a caller that wants it as a further comparator (``series`` serves it).
        For several authorities' combined area (``combined_area``): the whole area, each
        authority, their region(s) and England, without a neighbours' mean.
        """
        self._check(indicator)
        la = self._local_or_combined(la_code)
        if la.parts:
            # The whole area, each authority in it, its region(s) and England: statistical
            # neighbours are each authority's own, so no one neighbours' mean stands for all.
            shown = [la, *la.parts, *self.regions_of(la), self.area(ENGLAND)]
            return _frame([self._row(indicator, a, int(p)) for p in periods for a in shown])
        region, england = self.area(la.region_code), self.area(ENGLAND)
        rows: list[Row] = []
        for period in periods:
            year = int(period)
            rows += [self._row(indicator, a, year) for a in (la, region, england)]
            rows.append(self._neighbour_mean(indicator, self.neighbour_group(la.code, year), year))
        return _frame(rows)

    def rank(self, indicator: str, la_code: str, year: int) -> Rank | None:
        """The authority's rank among English local authorities, as LAIT ranks them.

        None when the indicator has no agreed direction (no polarity) or the authority has
        no figure for the year. Only authorities with a figure are ranked.
        """
        polarity = INDICATORS[self._check(indicator)].polarity
        la = self._local_or_combined(la_code)
        if polarity is None or la.parts:
            return None  # a combined area is not one of the authorities LAIT ranks
        locals_ = [a for a in self.areas.all() if a.level == LOCAL]
        frame = self.series(indicator, [a.code for a in locals_], [year])
        have = frame[frame["status"] == ""]
        own = frame[frame["area_code"] == la.code].iloc[0]
        if own["status"]:
            return None
        values = have["value"]
        better = values > own["value"] if polarity == "higher" else values < own["value"]
        rank = int(better.sum()) + 1
        of = len(have)
        return Rank(
            indicator, la.code, year, rank, of, quartile_band(rank, of),
            POLARITY_WORDS[polarity], own,
        )  # fmt: skip

    def release_of(self, source_file: str) -> str | None:
        """The release of a file as rows cite it (``data/published/...``); None if unknown."""
        spec = self.catalogue.files.get(source_file.removeprefix(f"{self.data_dir.name}/"))
        return spec.release if spec is not None else None

    def population_for_rates(
        self, area_code: str, year: int, release: str
    ) -> RatePopulation | None:
        """The population a rate for the year is derived with, for a count of that release.

        See ``data/population.py``: the ONS estimate for the previous mid-year when it
        reproduces every count/rate pair the release published for the area and year,
        otherwise the nearest whole number that does. None when there is neither.
        """
        area = self.area(area_code)
        key = (release, area.code, year)
        if key not in self._populations:
            ons = self._published("population_0_17", area.code, year - 1)
            if ons is not None and (ons.status or ons.value <= 0):
                ons = None
            pairs = []
            for pair in self.catalogue.rate_pairs:
                spec = self.catalogue.files[pair.count.path]
                if spec.release != release:
                    continue
                if year not in spec.years:
                    continue
                count = self._measure(pair.count).get((area.code, year))
                rate = self._measure(pair.rate).get((area.code, year))
                if count is None or rate is None or count.status or rate.status:
                    continue
                if count.value <= 0 or rate.value - pair.precision / 2 <= 0:
                    continue  # a zero count fits any population
                pairs.append(Pair(count, rate, pair.precision, area.level != LOCAL))
            self._populations[key] = choose(release, year - 1, ons, pairs)
        return self._populations[key]

    # -- the wider picture: LAIT's Benchmarking Data Set ---------------------------------

    @property
    def bds(self) -> Bds:
        """The rows of the wider picture's measures (core/wider.yaml) in the Benchmarking Data
        Set in force (the newest release held), checked: all that any report shows of the file.

        Every authority's rows are kept, not only those a report compares: a rank needs them
        all, and so one small parse (23,290 rows of 641,070, about half a megabyte) serves every
        report and section of the project, kept on disk by the file's SHA-256 (``Parsed``).
        """
        if self._bds is None:
            path, codes = self.catalogue.bds, sorted(set(LAIT_CODES.values()))
            self._bds = self._parsed.get(
                f"bds rows of {codes} (areas of {self._areas_digest()})",
                self.data_dir / path,
                lambda: Bds(self.data_dir / path, self._source_file(path), self.areas, codes),
            )
        return self._bds

    @property
    def lait_dictionary(self) -> dict[str, Entry]:
        """LAIT's data dictionary: each measure's name, polarity, banding and source."""
        if self._dictionary is None:
            self._dictionary = read_dictionary(
                self.data_dir / DICTIONARY, self._source_file(DICTIONARY)
            )
        return self._dictionary

    def lait_entry(self, indicator: str) -> Entry:
        """The data dictionary's entry for a wider-picture indicator."""
        code = self._lait_code(indicator)
        entry = self.lait_dictionary.get(code)
        if entry is None:
            raise DataError(
                f"{self._source_file(DICTIONARY)}: no measure {code!r} (core/wider.yaml, "
                f"{indicator}). Expected the code as the dictionary's Measure_short gives it."
            )
        return entry

    def _lait_code(self, indicator: str) -> str:
        _ = self.lait_dictionary  # declares its measures: any may be named by its code
        code = lait_code(indicator)
        if code is None:
            raise DataError(
                f"Unknown wider-picture indicator {indicator!r}: expected one of "
                f"{', '.join(LAIT_CODES)} (core/wider.yaml), or a measure code of LAIT's data "
                f"dictionary ({self._source_file(DICTIONARY)}, column Measure_short)."
            )
        return code

    def _bds_of(self, code: str) -> Bds:
        """The parsed rows that hold the measure ``code``: the wider picture's (``bds``), or
        that measure's alone, parsed the same way and kept on disk beside them."""
        if code in LAIT_CODES.values():
            return self.bds
        if code not in self._bds_more:
            path = self.catalogue.bds
            self._bds_more[code] = self._parsed.get(
                f"bds rows of {[code]} (areas of {self._areas_digest()})",
                self.data_dir / path,
                lambda: Bds(self.data_dir / path, self._source_file(path), self.areas, [code]),
            )
        return self._bds_more[code]

    def wider_years(self, indicator: str, year: int, count: int) -> list[Years]:
        """The last ``count`` Years labels the file holds for the measure that end in or before
        ``year``, oldest first (a financial or academic year 2021-22 ends in 2022, a calendar
        year 2022 in 2022, a span 2019-21 in 2021)."""
        code = self._lait_code(indicator)
        held = [y for y in self._bds_of(code).labels(code) if y.last <= year]
        return held[-count:] if count > 0 else []

    def wider(self, indicator: str, la_code: str, years: Sequence[Years]) -> pd.DataFrame:
        """For each Years label: the authority, its region, England and its neighbours' mean.

        Each label's neighbours are the grouping of the year it ends in, as in ``comparison``.
        """
        _ = self.lait_dictionary  # its dps: the places these figures are shown with
        la = self._local_or_combined(la_code)
        if la.parts:
            # The Benchmarking Data Set publishes no numerators: the whole area's figure is
            # not combined (its row says so), and each authority's is shown beside it.
            shown = [*la.parts, *self.regions_of(la), self.area(ENGLAND)]
            return _frame([
                row for label in years
                for row in [self._not_combined_row(indicator, la, label.label, _LAIT_WHY),
                            *(self._wider_row(indicator, a, label) for a in shown)]
            ])  # fmt: skip
        region, england = self.area(la.region_code), self.area(ENGLAND)
        rows: list[Row] = []
        for label in years:
            rows += [self._wider_row(indicator, a, label) for a in (la, region, england)]
            group = self.neighbour_group(la.code, label.last)
            rows.append(self._mean(indicator, group, label.last, label.label, [
                self._wider_row(indicator, n, label) for n, _ in group.neighbours
            ]))  # fmt: skip
        return _frame(rows)

    def wider_band(self, indicator: str, la_code: str, label: Years) -> Band | None:
        """LAIT's rank and quartile band of the authority (data/benchmarking.py), if ranked."""
        la = self._local_or_combined(la_code)
        if la.parts:
            return None  # LAIT ranks authorities, not combinations of them
        entry = self.lait_entry(indicator)
        return self._bds_of(entry.code).band(entry.code, la.code, label.label, entry)

    def _wider_row(self, indicator: str, area: Area, years: Years) -> Row:
        head = (indicator, area.code, area.name, area.level, years.label)
        code = self._lait_code(indicator)
        bds = self._bds_of(code)
        cell = bds.cell(code, area.code, years.label)
        if cell is None:
            return Row(*head, math.nan, NOT_HELD, "", "", "", "", "")
        # A comparator that measures something else than the area's figure is cited, not shown.
        comparable = not (area.code == ENGLAND and indicator in ENGLAND_NOTES)
        value, status = (cell.value, cell.status) if comparable else (math.nan, NOT_COMPARABLE)
        return Row(*head, value, status, bds.source_file,
                   f"Values [Short Desc {code}]", str(cell.row), cell.la_number, "")  # fmt: skip

    # -- rows ----------------------------------------------------------------------------

    def _check(self, indicator: str) -> str:
        if indicator not in MEASURES:
            raise DataError(
                f"Unknown indicator {indicator!r}: expected one of {', '.join(MEASURES)} "
                "(see safeguarding_report.core.indicators)."
            )
        return indicator

    def _local_or_combined(self, code: str) -> Area:
        area = self.area(code)
        return area if area.parts else self._local(code)

    def _local(self, code: str) -> Area:
        area = self.area(code)
        if area.level != LOCAL:
            raise DataError(
                f"{code!r} is {area.name}, not a local authority: statistical neighbours and "
                "comparisons need a local authority's code, such as 886 or E10000016."
            )
        return area

    def _missing(self, indicator: str, year: int) -> str:
        """Why no file gives a figure: before the series, not published yet, or not held.

        A year after the newest year any published file holds has not been published yet; a
        year the DfE has published (some file holds it) but no file for this indicator holds
        is one the kit's files lack, e.g. care leavers after 2022.
        """
        if year < FIRST_YEAR[indicator]:
            return NOT_COLLECTED
        # Mid-year population estimates are published on their own timetable.
        newest = max(self.periods(indicator)) if indicator == "population_0_17" else None
        if year > (newest or self.newest_year()):
            return NOT_YET_PUBLISHED
        return NOT_HELD

    def newest_year(self) -> int:
        """The newest year ending 31 March that any published statistics file holds."""
        return max(
            year
            for indicator, measures in self.catalogue.measures.items()
            if indicator != "population_0_17"
            for measure in measures
            for year in self.catalogue.files[measure.path].years
        )

    def unpublished_year(self) -> int:
        """The one year a report may compare with before the DfE publishes it: the year after
        the newest any file holds (its figures show as not yet published). The build, ``new``
        and ``check`` all accept it, and no later year."""
        return self.newest_year() + 1

    def _row(self, indicator: str, area: Area, year: int) -> Row:
        head = (indicator, area.code, area.name, area.level, str(year))
        if year < FIRST_YEAR[indicator]:
            return Row(*head, math.nan, NOT_COLLECTED, "", "", "", "", "")
        if area.parts:
            return self._combined_row(indicator, area, year)
        cell = self._published(indicator, area.code, year)
        if cell is not None:
            return Row(*head, cell.value, cell.status, cell.source_file, cell.column,
                    str(cell.line), cell.area_code, "")  # fmt: skip
        if indicator in RATE_OF:
            return self._derived_rate(indicator, area, year)
        return Row(*head, math.nan, self._missing(indicator, year), "", "", "", "", "")

    def _derived_rate(self, indicator: str, area: Area, year: int) -> Row:
        """A count per 10,000 children, with the population the count's release used."""
        head = (indicator, area.code, area.name, area.level, str(year))
        count = self._published(RATE_OF[indicator], area.code, year)
        if count is None:
            return Row(*head, math.nan, self._missing(indicator, year), "", "", "", "", "")
        where = f"{count.source_file}, line {count.line}"
        tail = (count.source_file, count.column)
        if count.status:
            note = f"not computed: the count is withheld ({count.status}) in {where}"
            return Row(*head, math.nan, count.status, *tail, str(count.line), count.area_code, note)
        population = self.population_for_rates(area.code, year, count.release)
        if population is None:
            ons = self._published("population_0_17", area.code, year - 1)
            status = ons.status if ons is not None and ons.status else NOT_HELD
            note = f"not computed: no mid-{year - 1} population aged 0 to 17 for {area.name}"
            return Row(*head, math.nan, status, *tail, str(count.line), count.area_code, note)
        value = count.value / population.value * 10_000
        lines = "; ".join([f"{count.source_file}:{count.line}", *population.lines()])
        ons = population.ons
        cited = f" ({ons.source_file}, line {ons.line})" if ons is not None else ""
        # The ONS line, then the count's line, then the rest: the order readers rely on.
        note = (
            f"{DERIVED} of the mid-{year - 1} population aged 0 to 17{cited}: "
            f"{count.value:.15g} ({where}) / {population.value:.15g} x 10,000; the population "
            f"is {population.describe()}"
        )
        return Row(*head, value, "", *tail, lines, count.area_code, note)

    def _combined_row(self, indicator: str, area: Area, year: int) -> Row:
        """The whole area's figure, combined from its authorities' by ``data/combine.py``."""
        spec = INDICATORS[indicator]
        if indicator in RATE_OF:
            counts = [self._row(RATE_OF[indicator], p, year) for p in area.parts]
            bases = [self._base(RATE_OF[indicator], p, year) for p in area.parts]
            combined = combine.rate([_part(r) for r in counts], bases)
            cited = counts
        elif indicator in combine.PERCENT_OF:
            top, bottom = combine.PERCENT_OF[indicator]
            tops = [self._row(top, p, year) for p in area.parts]
            bottoms = [self._row(bottom, p, year) for p in area.parts]
            combined = combine.percentage([_part(r) for r in tops], [_part(r) for r in bottoms])
            cited = tops
        elif spec.unit == "count":
            cited = [self._row(indicator, p, year) for p in area.parts]
            combined = combine.total([_part(r) for r in cited])
        else:
            return self._not_combined_row(indicator, area, str(year), _UNIT_WHY[spec.unit])
        if all(r.status == combined.status and combined.status for r in cited):
            # Every part shares the reason (the year is not published yet, or before the
            # series): the whole area's figure is missing for that reason, said plainly.
            first = cited[0]
            return Row(indicator, area.code, area.name, area.level, str(year), math.nan,
                       first.status, "", "", "", "", "")  # fmt: skip
        source = next((r for r in cited if r.source_file), cited[0])
        return Row(
            indicator, area.code, area.name, area.level, str(year), combined.value,
            combined.status, source.source_file, source.source_column,
            "; ".join(combined.lines), "", combined.derivation,
        )  # fmt: skip

    def _base(self, count_indicator: str, area: Area, year: int) -> combine.Part:
        """The population an authority's rates for the year divide by, as a combination's part."""
        count = self._published(count_indicator, area.code, year)
        base = (
            self.population_for_rates(area.code, year, count.release)
            if count is not None and not count.status
            else None
        )
        if base is None:
            return combine.Part(area.name, math.nan, NOT_HELD, "", "")
        ons = base.ons
        return combine.Part(
            area.name,
            base.value,
            "",
            ons.source_file if ons else "",
            "; ".join(base.lines()),
            described=f"the mid-{base.mid_year} population base: {base.describe()}",
        )

    def _not_combined_row(self, indicator: str, area: Area, period: str, why: str) -> Row:
        combined = combine.not_combined(why)
        return Row(indicator, area.code, area.name, area.level, period, combined.value,
                   combined.status, "", "", "", "", combined.derivation)  # fmt: skip

    def _group(self, la: Area, year: int) -> Group:
        path = SN_2025 if model_for(year) == MODEL_2025 else SN_2021
        if path not in self._groups:
            self._groups[path] = read_groups(
                self._table(path), self.areas, model_2025=path == SN_2025
            )
        group = self._groups[path].get(la.old_code)
        if group is None:
            # An authority the grouping does not list (Cumberland and Westmorland and
            # Furness, created in 2023, are not in the April 2021 groupings): no neighbours,
            # so its neighbours' average is not available and the report says so.
            if (path, la.code) not in self._ungrouped:  # said once, not at every lookup
                self._ungrouped.add((path, la.code))
                log.info("%s: no statistical neighbours for %s", self._source_file(path), la.name)
            return Group((), self._source_file(path), 0)
        return group

    def _neighbour_mean(self, indicator: str, group: NeighbourGroup, year: int) -> Row:
        rows = [self._row(indicator, n, year) for n, _ in group.neighbours]
        return self._mean(indicator, group, year, str(year), rows)

    def _mean(
        self, indicator: str, group: NeighbourGroup, year: int, period: str, rows: list[Row]
    ) -> Row:
        """The neighbours' mean of ``rows`` (one per neighbour of ``group``), for ``period``."""
        areas = [a for a, _ in group.neighbours]
        have = [r for r in rows if not math.isnan(r.value)]
        named = {n.code: f"{n.old_code} {n.name}" for n in areas}
        codes = ", ".join(named[r.area_code] for r in have)
        missing = ", ".join(
            f"{named[r.area_code]} [{r.status}]" for r in rows if math.isnan(r.value)
        )
        listed = len(areas) + len(group.absent)
        note = (
            f"mean of the {len(have)} of {listed} statistical neighbours with a value "
            f"({group.describe()}): {codes or 'none'}"
        )
        if missing:
            note += f"; no value: {missing}"
        if group.absent:
            gone = ", ".join(f"{a.old_code} {a.name}" for a in group.absent)
            note += f"; left out, as they did not exist in {year}: {gone}"
        if group.all_not_close:
            note += "; the DfE rates every one of these neighbours as not close"
        head = (indicator, "", NEIGHBOURS_NAME, NEIGHBOURS_LEVEL, period)
        if not have:
            status = Counter(r.status for r in rows).most_common(1)[0][0] if rows else NOT_HELD
            return Row(*head, math.nan, status, "", "", "", "", note)
        value = sum(r.value for r in have) / len(have)
        # Neighbours' values normally come from one file; name the one most of them used.
        source_file = Counter(r.source_file for r in have).most_common(1)[0][0]
        column = Counter(r.source_column for r in have).most_common(1)[0][0]
        lines = [f"{group.source_file}:{group.line}"]
        for r in have:
            lines += (
                [f"{r.source_file}:{r.source_line}"]
                if r.source_line.isdigit()
                else r.source_line.split("; ")
            )
        return Row(*head, value, "", source_file, column, "; ".join(lines), "", note)
