"""England, its regions and local authorities: codes, names and the old/new code map.

Built from the ONS population file in the DfE's layout, the file the DfE uses for every
rate, which names every authority from 2012 to 2024 with both its 3-digit DfE code and its
E-code. An authority's current E-code, name and region are those of its latest row; the
E-codes it had earlier are kept as aliases, so any release's codes resolve.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from safeguarding_report.data.read import Table, normalise
from safeguarding_report.errors import DataError

ENGLAND = "E92000001"
NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"

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
    level: str  # "National" | "Regional" | "Local authority"
    region_code: str  # "" for England
    region_name: str


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
        for line, row in t.rows:

            def cell(name: str, line: int = line, row: list[str] = row) -> str:
                return t.cell(line, row, cols[name])

            level = cell("geographic_level")
            if level == REGIONAL:
                code, name = cell("region_code"), cell("region_name")
                self._by_code[code] = Area(code, "", name, REGIONAL, code, name)
            elif level == LOCAL:
                old, new = cell("old_la_code"), cell("new_la_code")
                year = int(cell("time_period"))
                area = Area(new, old, cell("la_name"), LOCAL, cell("region_code"),
                            cell("region_name"))  # fmt: skip
                if old not in latest or year >= latest[old][0]:
                    latest[old] = (year, area)
                aliases[new] = old
        for old, (_, area) in latest.items():
            self._by_code[old] = area
        for new, old in aliases.items():
            self._by_code.setdefault(new, latest[old][1])
        self._regions_by_name = {
            normalise(a.name): a for a in self._by_code.values() if a.level == REGIONAL
        }

    def get(self, code: str) -> Area | None:
        """The area with this E-code (current or earlier) or 3-digit code, or None."""
        return self._by_code.get(code.strip().upper())

    def region_named(self, name: str) -> Area | None:
        """The region with this name (case and spaces ignored), or None."""
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
        order = {NATIONAL: 0, REGIONAL: 1, LOCAL: 2}
        unique = {a.code: a for a in self._by_code.values()}
        return sorted(unique.values(), key=lambda a: (order[a.level], a.code))
