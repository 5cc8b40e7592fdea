"""England, its regions and local authorities: codes, names and the old/new code map.

Built from the ONS population file in the DfE's layout, the file the DfE uses for every
rate, which names every authority from 2012 to 2024 with both its 3-digit DfE code and its
E-code. An authority's current E-code, name and region are those of its latest row; the
E-codes it had earlier are kept as aliases, so any release's codes resolve.

The population file gives a London borough the code of its sub-region, Inner London
(E13000001) or Outer London (E13000002), as ``region_code``, and lists both sub-regions as
regional rows beside London (E12000007). The region of a London borough is London; its
sub-region is kept as ``subregion_code`` so a caller can show it as an extra comparator.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from safeguarding_report.core.errors import DataError
from safeguarding_report.data.read import Table, normalise

ENGLAND = "E92000001"
LONDON = "E12000007"
NATIONAL, REGIONAL, SUBREGIONAL, LOCAL = "National", "Regional", "Sub-regional", "Local authority"
# Several local authorities reported on together (one partnership's area); its code joins
# theirs with JOIN, e.g. "E06000016+E10000018+E06000017".
COMBINED = "Local authorities combined"

# E-codes some releases use that the population file does not: Gateshead and Northumberland
# before their 2014 recoding (the C4 table keeps them to 2019), Barnsley and Sheffield after
# their 2025 recoding (the 2025 workforce table). Each maps to the DfE's 3-digit code.
EXTRA_ALIASES: dict[str, str] = {
    "E08000020": "390",
    "E06000048": "929",
    "E08000038": "370",
    "E08000039": "373",
}


@dataclass(frozen=True)
class Area:
    """England, a region or a local authority, as the report names it."""

    code: str  # E-code
    old_code: str  # 3-digit code ("" for England/regions)
    name: str
    level: str  # "National" | "Regional" | "Sub-regional" | "Local authority"
    region_code: str  # "" for England; London (E12000007) for a London borough
    region_name: str
    subregion_code: str = ""  # Inner (E13000001) or Outer London (E13000002); "" elsewhere
    subregion_name: str = ""
    parts: tuple[Area, ...] = ()  # the local authorities a combined area is made of


class Areas:
    """Every area the files may name, found by E-code (any it has had) or 3-digit code."""

    def __init__(self, population: Table) -> None:
        t = population
        cols = {
            c: t.column(c)
            for c in (
                "time_period",
                "geographic_level",
                "region_code",
                "region_name",
                "old_la_code",
                "new_la_code",
                "la_name",
            )
        }
        self.source_file = t.source_file
        self._by_code: dict[str, Area] = {
            ENGLAND: Area(ENGLAND, "", "England", NATIONAL, "", ""),
        }
        latest: dict[str, tuple[int, Area]] = {}
        aliases: dict[str, str] = dict(EXTRA_ALIASES)
        self._mid_years: dict[str, set[int]] = {}
        rows = [
            (line, row, {n: t.cell(line, row, i) for n, i in cols.items()}) for line, row in t.rows
        ]
        names = {c["region_code"]: c["region_name"] for _, _, c in rows if c["region_code"]}
        for _line, _row, c in rows:
            level = c["geographic_level"]
            code, name = c["region_code"], c["region_name"]
            if level == REGIONAL and code.startswith("E13"):
                self._by_code[code] = Area(code, "", name, SUBREGIONAL, LONDON, names[LONDON],
                                           code, name)  # fmt: skip
            elif level == REGIONAL:
                self._by_code[code] = Area(code, "", name, REGIONAL, code, name)
            elif level == LOCAL:
                old, new = c["old_la_code"], c["new_la_code"]
                year = int(c["time_period"])
                sub = (code, name) if code.startswith("E13") else ("", "")
                region = (LONDON, names[LONDON]) if sub[0] else (code, name)
                area = Area(new, old, c["la_name"], LOCAL, *region, *sub)
                if old not in latest or year >= latest[old][0]:
                    latest[old] = (year, area)
                aliases[new] = old
                self._mid_years.setdefault(old, set()).add(year)
        for old, (_, area) in latest.items():
            self._by_code[old] = area
        for new, old in aliases.items():
            self._by_code.setdefault(new, latest[old][1])
        self._regions_by_name = {
            normalise(a.name): a
            for a in self._by_code.values()
            if a.level in (REGIONAL, SUBREGIONAL)
        }
        self.first_mid_year = min(y for ys in self._mid_years.values() for y in ys)
        self.last_mid_year = max(y for ys in self._mid_years.values() for y in ys)

    def existed(self, area: Area, year: int) -> bool:
        """Whether a local authority existed in the year ending 31 March ``year``.

        Read from the population file: an authority existed if the file has its row for the
        mid-year before (mid-2021 for 2021-22); years outside the file's range use its
        nearest year. England and regions always exist.
        """
        if area.level != LOCAL:
            return True
        mid = min(max(year - 1, self.first_mid_year), self.last_mid_year)
        return mid in self._mid_years.get(area.old_code, set())

    @staticmethod
    def refuse_repeated(areas: Sequence[Area], given: Sequence[str], where: str) -> None:
        """DataError when one authority is among ``areas`` twice, by whichever of its codes
        (``given``: as written, e.g. its E-code once and its DfE code once), saying ``where``
        (the params file and key) the codes were given."""
        first: dict[str, str] = {}
        for area, code in zip(areas, given, strict=True):
            if area.code in first:
                codes = (
                    f"twice as {code}"
                    if first[area.code] == code
                    else f"as {first[area.code]} and as {code}"
                )
                raise DataError(
                    f"{where}: names {area.name} {codes} (E-code {area.code}, DfE code "
                    f"{area.old_code}): a partnership's authorities are each counted once. Name "
                    "each local authority once."
                )
            first[area.code] = code

    def get(self, code: str) -> Area | None:
        """The area with this E-code (current or earlier) or 3-digit code, or None."""
        return self._by_code.get(code.strip().upper())

    def region_named(self, name: str) -> Area | None:
        """The region or London sub-region with this name (case, spaces ignored), or None."""
        return self._regions_by_name.get(normalise(name))

    def find(self, code: str) -> Area:
        """The area with this code; DataError naming it and suggesting close codes or names."""
        area = self.get(code)
        if area is not None:
            return area
        raise DataError(
            f"Unknown area code {code!r}: expected an E-code (such as E10000016) or a DfE "
            f"3-digit local authority code (such as 886), as in {self.source_file}. "
            f"{self.suggest(code)}"
        )

    def suggest(self, text: str) -> str:
        """'Did you mean ...' naming up to three close codes or names, or ''."""
        names = {f"{a.name} ({a.old_code or a.code})": a for a in self._by_code.values()}
        keys = {
            **{a.name.lower(): n for n, a in names.items()},
            **{c.lower(): c for c in self._by_code},
        }
        close = difflib.get_close_matches(text.strip().lower(), list(keys), n=3, cutoff=0.6)
        if not close:
            return "Check the code against the DfE's list of local authorities."
        shown = []
        for key in close:
            hit = keys[key]
            area = names.get(hit) or self._by_code[hit]
            shown.append(
                f"{area.name} ({area.old_code + ', ' if area.old_code else ''}{area.code})"
            )
        return "Did you mean " + " or ".join(dict.fromkeys(shown)) + "?"

    def all(self) -> list[Area]:
        """Every distinct area, England first, then regions, then local authorities."""
        order = {NATIONAL: 0, REGIONAL: 1, SUBREGIONAL: 2, LOCAL: 3}
        unique = {a.code: a for a in self._by_code.values()}
        return sorted(unique.values(), key=lambda a: (order[a.level], a.code))
