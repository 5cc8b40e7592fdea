"""``diff A B``: the figures that differ between two built reports' ``figures.csv``.

A figure is identified by its section, indicator, area, period and breakdown (and, where one
section shows the same figure more than once, by its order there). Two figures differ when
the value, the text shown or the status differs; a figure only one report shows is listed
as added or removed. A reviewer checking a corrected rebuild sees exactly what moved.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from safeguarding_report.core.errors import ReportError

KEY = ("section", "indicator", "area_code", "area_name", "period", "breakdown")
COMPARED = ("value", "shown", "status")

Key = tuple[str, ...]


@dataclass(frozen=True)
class Difference:
    """One figure that differs: its key, and what each report has (None when it has none)."""

    key: Key
    before: dict[str, str] | None
    after: dict[str, str] | None

    def describe(self) -> str:
        """One line: 'changed section / indicator / area / period: 354.8 -> 355.0'."""
        section, indicator, _, area, period, breakdown = self.key[:6]
        what = " / ".join(x for x in (section, indicator, area, period, breakdown) if x)
        if self.before is None and self.after is not None:
            return f"added    {what}: {self.after['shown']}"
        if self.after is None and self.before is not None:
            return f"removed  {what}: {self.before['shown']}"
        assert self.before is not None and self.after is not None
        before, after = self.before["shown"], self.after["shown"]
        if before == after:  # the same text from different unrounded values or statuses
            before = f"{before} (value {self.before['value'] or self.before['status']})"
            after = f"{after} (value {self.after['value'] or self.after['status']})"
        return f"changed  {what}: {before} -> {after}"


def figures_file(path: Path) -> Path:
    """A build folder's figures.csv, or the file itself; ReportError if neither."""
    candidate = path / "figures.csv" if path.is_dir() else path
    if not candidate.is_file():
        raise ReportError(
            f"{candidate}: no figures.csv. Expected a built report's folder (outputs/<id>/) "
            "or its figures.csv; build the report first."
        )
    return candidate


def read(path: Path) -> dict[Key, dict[str, str]]:
    """The figures of one figures.csv, by key; ReportError naming a missing column."""
    source = figures_file(path)
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        absent = [c for c in (*KEY, *COMPARED) if c not in (reader.fieldnames or [])]
        if absent:
            raise ReportError(
                f"{source}, line 1: column(s) {', '.join(absent)} missing. Expected the "
                "figures.csv a build writes; rebuild the report."
            )
        seen: Counter[Key] = Counter()
        figures: dict[Key, dict[str, str]] = {}
        for row in reader:
            base = tuple(row[c] for c in KEY)
            seen[base] += 1
            figures[(*base, str(seen[base]))] = row
    return figures


def compare(a: Path, b: Path) -> list[Difference]:
    """Every figure that differs between report ``a`` and report ``b``, in b's order."""
    before, after = read(a), read(b)
    out = []
    for key, row in after.items():
        old = before.get(key)
        if old is None:
            out.append(Difference(key, None, row))
        elif any(old[c] != row[c] for c in COMPARED):
            out.append(Difference(key, old, row))
    out += [Difference(key, row, None) for key, row in before.items() if key not in after]
    return out
