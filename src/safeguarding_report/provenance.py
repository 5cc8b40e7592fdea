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

FIGURE_COLUMNS: tuple[str, ...] = (
    "section",
    "indicator",
    "area_code",
    "area_name",
    "period",
    "value",
    "shown",
    "source_file",
    "source_column",
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
        "value": None if value is None or _is_nan(value) else float(value),
        "shown": shown,
        "source_file": str(row["source_file"]),
        "source_column": str(row["source_column"]),
        "derivation": str(row["derivation"]),
    }


def collect(section: str, nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """Every figure record a section notebook displayed, in display order, tagged with section."""
    rows: list[dict[str, Any]] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for item in output.get("data", {}).get(MIME_TYPE, []):
                rows.append({"section": section, **item})
    return rows


def strip_cell(cell: nbformat.NotebookNode) -> None:
    """Remove the figure records from a cell's outputs (readers never see them)."""
    for output in cell.get("outputs", []):
        output.get("data", {}).pop(MIME_TYPE, None)


def bundle(visible: Mapping[str, str], records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A display bundle: the visible representations plus the figure records."""
    return {**visible, MIME_TYPE: list(records)}


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
