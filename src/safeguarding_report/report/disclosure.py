"""The last check before a report is published: no count of children from 1 to 5 anywhere a
reader looks.

The presentation path (``tables``, ``text``, ``charts``) withholds small counts of children,
families and events concerning a child (each measure's unit of disclosure,
``indicators.Indicator.about``) before they are formatted or recorded; this scan reads what the
build actually wrote and fails the build if one got through. It checks by unit: a count of
organisations, staff, courses, money or published documents may be small. It reads the HTML
(every table cell and sentence figure the library marks ``data-unit="count"``: the protected
counts), ``figures.csv`` and every chart CSV (by each figure's measure), the PDF's text (for
the shown text of every protected count of ``figures.csv``) and a ``cover-report.*`` if there
is one. What it cannot see is listed in docs/guarantees.md.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from safeguarding_report.core import indicators
from safeguarding_report.core.errors import DisclosureError
from safeguarding_report.report.tables import SUPPRESS_ENV, Suppression

COUNT_ATTRIBUTE = ("data-unit", "count")
_NUMBER = re.compile(r"^[0-9][0-9,]*(\.0+)?$")
_SHOWN_AT_MOST = 5  # findings named in the message; the rest are counted


@contextmanager
def for_sections(rule: Suppression) -> Iterator[None]:
    """While the sections run, the presentation path withholds counts by ``rule``."""
    previous = os.environ.get(SUPPRESS_ENV)
    os.environ[SUPPRESS_ENV] = rule.as_text()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(SUPPRESS_ENV, None)
        else:
            os.environ[SUPPRESS_ENV] = previous


def check(folder: Path, rule: Suppression) -> None:
    """Raise ``DisclosureError`` naming where a small count appears in the report in ``folder``."""
    found = scan(folder, rule)
    if not found:
        return
    named = "; ".join(found[:_SHOWN_AT_MOST])
    more = f" (and {len(found) - _SHOWN_AT_MOST} more)" if len(found) > _SHOWN_AT_MOST else ""
    raise DisclosureError(
        f"the report would show {len(found)} count(s) {rule.words()}: {named}{more}. Counts "
        f"{rule.words()} must be shown as [c]: show every figure through tables.grid, "
        "tables.pivot, text.say or charts, never formatted by hand. Nothing was published."
    )


def scan(folder: Path, rule: Suppression) -> list[str]:
    """Where, in the files of one built report, a count from ``rule.low`` to ``rule.high`` shows."""
    found: list[str] = []
    figures = folder / "figures.csv"
    counts = _count_figures(figures) if figures.is_file() else []
    for line, row in counts:
        for column in ("value", "shown"):
            if _small(row[column], rule):
                found.append(
                    f"{figures.name}, line {line}, column {column}: {row[column]} "
                    f"({row['indicator']}, {row['area_name']}, {row['period']})"
                )
    for path in sorted((folder / "charts").glob("*.csv")):
        found += _scan_chart(path, folder, rule)
    for path in [folder / "report.html", *sorted(folder.glob("cover-report.htm*"))]:
        if path.is_file():
            found += _scan_html(path, rule)
    shown = {row["shown"] for _, row in counts}
    for path in [folder / "report.pdf", *sorted(folder.glob("cover-report.pdf"))]:
        if path.is_file():
            found += _scan_pdf(path, shown, rule)
    return found


def _small(text: str, rule: Suppression) -> bool:
    text = text.strip()
    return bool(_NUMBER.match(text)) and rule.hides(text.replace(",", ""))


def _is_count(indicator: str, derivation: str) -> bool:
    """Whether a figure is a count the rule protects: of children, families or events
    concerning a child (its measure's unit of disclosure), not a mean or a change."""
    try:
        measure = indicators.get(indicator)
    except KeyError:
        return True  # an unknown figure is checked as if it were a count of children
    return measure.protected and not derivation.startswith(("mean of", "change"))


def _count_figures(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of every protected count in figures.csv (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (line, row)
        for line, row in enumerate(rows, start=2)
        if _is_count(row.get("indicator", ""), row.get("derivation", ""))
    ]


def _chart_indicator(slug: str) -> str:
    """The indicator a chart CSV plots, from its file name (``<kind>-<indicator>-...``)."""
    _, _, rest = slug.partition("-")
    charted = [*indicators.INDICATORS, *indicators.WIDER_INDICATORS, *indicators.LOCAL_INDICATORS]
    for indicator in sorted(charted, key=len, reverse=True):
        if rest.startswith(indicator.replace("_", "-") + "-"):
            return indicator
    return ""


def _scan_chart(path: Path, folder: Path, rule: Suppression) -> list[str]:
    indicator = _chart_indicator(path.stem)
    if indicator and not _is_count(indicator, ""):
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        f"{path.relative_to(folder)}, line {line}, column {column}: {row[column]} "
        f"({row.get('area_name', '')}, {row.get('period', '')})"
        for line, row in enumerate(rows, start=2)
        for column in ("value", "shown")
        if _small(row.get(column, ""), rule)
    ]


class _CountCells(HTMLParser):
    """Collects the text of every element marked ``data-unit="count"``, with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []  # (line, text, heading above it)
        self._open: list[tuple[str, int, list[str]]] = []  # marked elements being read
        self._depth: list[str] = []
        self._heading: list[str] | None = None
        self.heading = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3", "caption"):
            self._heading = []
        if COUNT_ATTRIBUTE in attrs:
            self._open.append((tag, self.getpos()[0], []))
        elif self._open:
            self._depth.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3", "caption") and self._heading is not None:
            self.heading = " ".join("".join(self._heading).split())
            self._heading = None
        if self._depth and self._depth[-1] == tag:
            self._depth.pop()
        elif self._open and self._open[-1][0] == tag:
            _, line, text = self._open.pop()
            self.found.append((line, "".join(text), self.heading))

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        for _, _, text in self._open:
            text.append(data)


def _scan_html(path: Path, rule: Suppression) -> list[str]:
    parser = _CountCells()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return [
        f"{path.name}, line {line}: {text.strip()}" + (f" (under '{heading}')" if heading else "")
        for line, text, heading in parser.found
        if _small(text, rule)
    ]


def _scan_pdf(path: Path, shown: set[str], rule: Suppression) -> list[str]:
    """Pages of the PDF holding the shown text of a count figure that is a small number.

    The PDF's text has no markup to say which numbers are counts, so it is checked against
    the count figures of figures.csv (whose shown text is never a small number, unless the
    presentation path failed).
    """
    small = sorted(s for s in shown if _small(s, rule))
    if not small:
        return []
    tool = shutil.which("pdftotext")
    if tool is None:
        return [f"{path.name}: could not be read (pdftotext is not installed)"]
    result = subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=False, timeout=120
    )
    found = []
    for page, text in enumerate(result.stdout.split("\f"), start=1):
        for figure in small:
            if re.search(rf"(?<![\w.,]){re.escape(figure)}(?![\w,]|\.\d)", text):
                found.append(f"{path.name}, page {page}: {figure}")
    return found
