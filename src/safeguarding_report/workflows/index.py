"""``outputs/index.html`` and ``outputs/index.csv``: every built report on one page.

One row per report folder in ``outputs/`` that holds a ``manifest.json`` and a
``report.html``: the authority, partnership, year and framework (from the manifest), a few
headline figures (the authority's own for the report's year, as the report shows them, from
its ``figures.csv``) and links to the HTML and PDF. The page is self-contained: no scripts,
its stylesheet inline, nothing fetched.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safeguarding_report.core import spreadsheet, store
from safeguarding_report.core.indicators import INDICATORS
from safeguarding_report.report import fragments

log = logging.getLogger(__name__)

# The headline figures of the index: from the foreword's "at a glance" table.
HEADLINES: tuple[str, ...] = ("cin_rate", "cpp_rate", "cla_rate", "rereferrals_pct")
HEADLINE_SECTION = "foreword"
NOT_AVAILABLE = "[x]"
COLUMNS: tuple[str, ...] = (
    "report",
    "authority",
    "la_code",
    "partnership",
    "period",
    "framework",
    *HEADLINES,
    "html",
    "pdf",
)


@dataclass(frozen=True)
class Entry:
    """One built report, as the index lists it."""

    report: str  # report id, e.g. "rutland-2024"
    authority: str
    la_code: str
    partnership: str
    period: str  # e.g. "2023-24"
    framework: str
    html: str  # link relative to outputs/
    pdf: str  # "" when the report was built without its PDF
    headline: dict[str, str] = field(default_factory=dict)  # indicator -> value as shown

    def headline_values(self) -> list[str]:
        """The headline figures in ``HEADLINES`` order, ``[x]`` where the report has none."""
        return [self.headline.get(i, NOT_AVAILABLE) for i in HEADLINES]

    def row(self) -> dict[str, str]:
        """The entry as a row of ``index.csv``."""
        return {
            "report": self.report,
            "authority": self.authority,
            "la_code": self.la_code,
            "partnership": self.partnership,
            "period": self.period,
            "framework": self.framework,
            **dict(zip(HEADLINES, self.headline_values(), strict=True)),
            "html": self.html,
            "pdf": self.pdf,
        }


def entries(outputs: Path) -> list[Entry]:
    """Every built report in ``outputs/``, by authority then year.

    A folder whose manifest cannot be read is left out with a warning naming it.
    """
    found = []
    # Hidden folders are builds in progress; <id>.failed/ keeps a failed build's notebooks.
    folders = [p for p in outputs.iterdir() if p.is_dir() and not p.name.startswith(".")]
    for folder in sorted(f for f in folders if not f.name.endswith(".failed")):
        if not (folder / "report.html").is_file() or not (folder / "manifest.json").is_file():
            continue
        try:
            found.append(_entry(folder))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "%s: left out of the index: its manifest.json cannot be read (%s)", folder, exc
            )
    return sorted(found, key=lambda e: (e.authority, e.period, e.report))


def _entry(folder: Path) -> Entry:
    facts: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    p = facts["parameters"]
    year = int(p["comparison_year"])
    authority, la_code, headline = _headline(folder / "figures.csv", str(year))
    return Entry(
        report=folder.name,
        authority=authority or str(p["partnership"]),
        la_code=la_code or str(p["local_authority"]),
        partnership=str(p["partnership"]),
        period=f"{year - 1}-{year % 100:02d}",
        framework=str(p["framework"]),
        html=f"{folder.name}/report.html",
        pdf=f"{folder.name}/report.pdf" if (folder / "report.pdf").is_file() else "",
        headline=headline,
    )


def _headline(figures: Path, year: str) -> tuple[str, str, dict[str, str]]:
    """The authority's name and code and its headline figures for ``year``, as shown."""
    if not figures.is_file():
        return "", "", {}
    authority = code = ""
    headline: dict[str, str] = {}
    with figures.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["section"] != HEADLINE_SECTION or row["indicator"] not in HEADLINES:
                continue
            # The glance table shows the authority and England; the authority comes first.
            if not code:
                authority, code = row["area_name"], row["area_code"]
            if row["area_code"] == code and row["period"] == year and not row["breakdown"]:
                headline.setdefault(row["indicator"], row["shown"])
    return authority, code, headline


def render(found: list[Entry]) -> str:
    """The index page (every value escaped)."""
    return fragments.page(
        "index",
        "index.html.j2",
        "index.css",
        title="Safeguarding children partnership reports",
        entries=found,
        headings=[INDICATORS[i].label for i in HEADLINES],
    )


def write(outputs: Path) -> tuple[Path, Path]:
    """Write ``outputs/index.html`` and ``outputs/index.csv``; return their paths."""
    found = entries(outputs)
    html, table = outputs / "index.html", outputs / "index.csv"
    # Each file replaces the last one whole: a reader never sees half of it.
    with store.replacing(html) as handle:
        handle.write(render(found).encode("utf-8"))
    with (
        store.replacing(table) as binary,
        io.TextIOWrapper(binary, encoding="utf-8", newline="") as handle,
    ):
        writer = spreadsheet.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(e.row() for e in found)
    return html, table
