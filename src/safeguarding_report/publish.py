"""Outputs appear all at once or not at all.

The build writes everything into a staging folder beside the target; only when every stage
has succeeded does the staging folder replace ``outputs/<id>/``. A failed build's staging
folder is kept as ``outputs/<id>.failed/`` for its executed notebooks and tracebacks.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safeguarding_report.provenance import FIGURE_COLUMNS


def staging(outputs: Path, report_id: str) -> Path:
    """A new, empty staging folder for one build, on the same file system as the target."""
    outputs.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{report_id}.building-", dir=outputs))


def publish(staged: Path, target: Path) -> None:
    """Replace ``target`` with ``staged`` (both in the same folder)."""
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        target.rename(previous)
    staged.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def keep_failed(staged: Path, target: Path) -> Path:
    """Move a failed build's staging folder to ``<target>.failed`` and return that path."""
    failed = target.with_name(f"{target.name}.failed")
    if failed.exists():
        shutil.rmtree(failed)
    staged.rename(failed)
    return failed


def write_figures(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """``figures.csv``: one row for every number the report shows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIGURE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            value = row["value"]
            writer.writerow({**row, "value": _number(value)})


def _number(value: float | None) -> str:
    """The value in full precision; whole numbers without a trailing '.0'."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


CHART_COLUMNS: tuple[str, ...] = ("area_name", "area_code", "period", "value", "shown", "status")


def write_charts(charts: Sequence[dict[str, Any]], folder: Path) -> None:
    """``charts/<slug>.csv`` for each chart: the figures it plots, as the table beside it shows.

    The same slug always names the same data; two different charts with one slug are a bug.
    """
    written: dict[str, list[dict[str, Any]]] = {}
    for chart in charts:
        slug, rows = str(chart["slug"]), list(chart["rows"])
        if slug in written:
            if written[slug] != rows:
                raise ValueError(f"two different charts share the file name charts/{slug}.csv")
            continue
        written[slug] = rows
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{slug}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=CHART_COLUMNS, lineterminator="\n", extrasaction="ignore"
            )
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "value": _number(row["value"])})
