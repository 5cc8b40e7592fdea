"""Figures travel with the executed notebooks as outputs of their own MIME type.

Every number a reader sees is displayed through ``tables``, ``charts`` or ``text``; each of
these adds, beside the visible output, a JSON list of figure records under ``MIME_TYPE``
(the idea behind scrapbook's ``glue``). A cached section therefore carries its own
provenance. The build collects the records for ``figures.csv`` and strips them from what
readers see.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import nbformat

MIME_TYPE = "application/vnd.safeguarding-report.figures+json"
# A chart's data, written by the build to ``charts/<slug>.csv``: {"slug": ..., "rows": [...]}.
CHART_MIME_TYPE = "application/vnd.safeguarding-report.chart+json"
# What a section says of its own inputs: {"content": bool, "illustrative": [...], "missing": [...]}
SECTION_MIME_TYPE = "application/vnd.safeguarding-report.section+json"
BUILD_MIME_TYPES = (MIME_TYPE, CHART_MIME_TYPE, SECTION_MIME_TYPE)

FIGURE_COLUMNS: tuple[str, ...] = (
    "section",
    "indicator",
    "area_code",
    "area_name",
    "period",
    "breakdown",
    "value",
    "shown",
    "status",
    "source_file",
    "source_line",
    "source_column",
    "source_area_code",
    "derivation",
)


def record(row: Any, shown: str) -> dict[str, Any]:
    """One figure record from a tidy row and the text the reader sees for it."""
    value = row["value"]
    return {
        "indicator": str(row["indicator"]),
        "area_code": str(row["area_code"]),
        "area_name": str(row["area_name"]),
        "period": str(row["period"]),
        "breakdown": str(_get(row, "breakdown")),
        "value": None if value is None or _is_nan(value) else float(value),
        "shown": shown,
        "status": str(row["status"]),
        "source_file": str(row["source_file"]),
        "source_line": str(_get(row, "source_line")),
        "source_column": str(row["source_column"]),
        "source_area_code": str(_get(row, "source_area_code")),
        "derivation": str(row["derivation"]),
    }


def _get(row: Any, key: str) -> Any:
    """A column that older tidy frames may lack."""
    try:
        value = row[key]
    except KeyError:
        return ""
    return "" if value is None else value


def collect(section: str, nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """Every figure record a section notebook displayed, in display order, tagged with section."""
    rows: list[dict[str, Any]] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for item in output.get("data", {}).get(MIME_TYPE, []):
                rows.append({"section": section, **item})
    return rows


def charts(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """Every chart's data a section notebook displayed, in display order."""
    found: list[dict[str, Any]] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            item = output.get("data", {}).get(CHART_MIME_TYPE)
            if item:
                found.append(item)
    return found


def section_status(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """What a section said of its inputs, merged over its outputs.

    ``content`` is False only when the section said it had nothing to show (every record it
    needs is missing); ``illustrative`` and ``missing`` list local record files.
    """
    status: dict[str, Any] = {"content": True, "illustrative": [], "missing": []}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            item = output.get("data", {}).get(SECTION_MIME_TYPE)
            if item:
                status["content"] = status["content"] and bool(item.get("content", True))
                for key in ("illustrative", "missing"):
                    status[key] = list(dict.fromkeys([*status[key], *item.get(key, [])]))
    return status


def strip_cell(cell: nbformat.NotebookNode) -> None:
    """Remove the build-only outputs (figure records, chart data) that readers never see."""
    for output in cell.get("outputs", []):
        for mime in BUILD_MIME_TYPES:
            output.get("data", {}).pop(mime, None)


def bundle(visible: Mapping[str, str], records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A display bundle: the visible representations plus the figure records."""
    return {**visible, MIME_TYPE: list(records)}


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
