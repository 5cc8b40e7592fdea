"""Outputs appear all at once or not at all.

The build writes everything into a staging folder beside the target; only when every stage
has succeeded does the staging folder replace ``outputs/<id>/``. A failed build's staging
folder is kept as ``outputs/<id>.failed/`` for its executed notebooks and tracebacks, until a
later build succeeds.

Folders are moved into place with ``rename``, not written through ``store.replacing`` as single
files are: the staging folder is already the temporary copy, and no rename puts a folder over
one that holds files, so the old report is first moved aside (``.<id>.previous``) and removed
once the new one is in place.

Outputs get ordinary permissions: folders and files are created with the mode the user's umask
gives (0755 and 0644 under the usual umask 022), never the private 0700 of a temporary folder.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safeguarding_report.core import spreadsheet
from safeguarding_report.core.errors import OutputError
from safeguarding_report.core.provenance import FIGURE_COLUMNS

STAGING_INFIX = ".building-"


def staging(outputs: Path, report_id: str) -> Path:
    """A new, empty staging folder for one build, on the same file system as the target.

    Made with ``mkdir`` (so the umask decides its mode), not ``mkdtemp`` (always 0700): it
    becomes the published folder as it is.
    """
    try:
        outputs.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise OutputError(
            f"{outputs}: expected a folder for the reports, found a file. Move the file away "
            "(or build with another --root) and build again."
        ) from exc
    for _ in range(100):
        staged = outputs / f".{report_id}{STAGING_INFIX}{secrets.token_hex(4)}"
        try:
            staged.mkdir(mode=0o777)
        except FileExistsError:
            continue
        return staged
    raise OutputError(
        f"{outputs}: could not make a new staging folder; remove the old "
        f".{report_id}{STAGING_INFIX}* folders there and build again."
    )


def publish(staged: Path, target: Path) -> None:
    """Replace ``target`` with ``staged`` (both in the same folder); drop a stale ``.failed``."""
    previous = target.with_name(f".{target.name}.previous")
    _remove(previous)
    if target.exists() or target.is_symlink():
        target.rename(previous)
    staged.rename(target)
    _remove(previous)
    # The failure it kept is older than this report: it would only mislead.
    _remove(failed_folder(target))


def keep_failed(staged: Path, target: Path) -> Path:
    """Move a failed build's staging folder to ``<target>.failed`` and return that path."""
    failed = failed_folder(target)
    _remove(failed)
    staged.rename(failed)
    return failed


def failed_folder(target: Path) -> Path:
    """Where a failed build of ``target`` keeps its executed notebooks."""
    return target.with_name(f"{target.name}.failed")


def _remove(path: Path) -> None:
    """Remove a folder, file or link at ``path``, if there is one."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def write_figures(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """``figures.csv``: one row for every number the report shows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = spreadsheet.DictWriter(handle, FIGURE_COLUMNS)
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
            writer = spreadsheet.DictWriter(handle, CHART_COLUMNS, extra="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "value": _number(row["value"])})
