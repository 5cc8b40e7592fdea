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

A build stopped without warning (``kill -9``, the machine switched off) cannot remove its
staging folder, so each staging folder records its owner (``owner.pid``: the machine, the
process and when it started), and a build removes the staging folders of its report whose
owner is no longer running before it makes its own. The commands that write a report's
inputs (``new``, ``new-year``, ``workbook``) stage their folders the same way
(``staging_folder``), so that a folder appears whole or not at all and a stopped command leaves
nothing that stops the next.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from safeguarding_report.core import spreadsheet, store
from safeguarding_report.core.errors import OutputError
from safeguarding_report.core.provenance import FIGURE_COLUMNS

STAGING_INFIX = ".building-"
OWNER_FILE = "owner.pid"  # in a staging folder: "<machine> <process id> <its start time>"
# A staging folder without an owner file (made before owners were recorded) is left this long.
_UNOWNED_SECONDS = 3600

log = logging.getLogger(__name__)


def staging(outputs: Path, report_id: str) -> Path:
    """A new, empty staging folder for one build, on the same file system as the target,
    once the staging folders of stopped builds of the same report are removed.

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
    return staging_folder(outputs, report_id, STAGING_INFIX)


def staging_folder(parent: Path, name: str, infix: str) -> Path:
    """A new, empty folder ``parent/.<name><infix><hex>`` owned by this process (its
    ``OWNER_FILE``), made once the folders of that pattern whose owner has stopped are removed
    (``remove_abandoned``): where something is made whole before it is moved into place."""
    remove_abandoned(parent, name, infix)
    for _ in range(100):
        staged = parent / f".{name}{infix}{secrets.token_hex(4)}"
        try:
            staged.mkdir(mode=0o777)
        except FileExistsError:
            continue
        (staged / OWNER_FILE).write_text(_owner(), encoding="utf-8")
        return staged
    raise OutputError(
        f"{parent}: could not make a new staging folder; remove the old .{name}{infix}* "
        "folders there and try again."
    )


def remove_abandoned(parent: Path, name: str, infix: str) -> list[Path]:
    """Remove the folders ``parent/.<name><infix>*`` whose owner is no longer running (a build
    or command stopped by ``kill -9``); return them. Another machine's are left alone."""
    removed = []
    for staged in sorted(parent.glob(f".{name}{infix}*")):
        if staged.is_dir() and not staged.is_symlink() and _abandoned(staged):
            shutil.rmtree(staged, ignore_errors=True)
            log.debug("removed %s, left by a stopped build", staged)
            removed.append(staged)
    return removed


@contextmanager
def made_whole(target: Path, infix: str) -> Iterator[Path]:
    """A staging folder beside the folder ``target`` to make it in (``staging_folder``): when
    the block ends without an error it is moved into place as ``target``; otherwise it is
    removed, and ``target`` is as it was. Where ``target`` is there already, what the staging
    folder holds that ``target`` lacks is moved into it, each file whole; what ``target`` holds
    is kept as it is."""
    staged = staging_folder(target.parent, target.name, infix)
    try:
        yield staged
        disown(staged)
        if target.exists() or target.is_symlink():
            _merge(staged, target)
        else:
            staged.rename(target)
    finally:
        _remove(staged)


def _merge(staged: Path, target: Path) -> None:
    """Move into ``target`` each file and folder of ``staged`` it lacks (into its folders too)."""
    for path in sorted(staged.iterdir()):
        there = target / path.name
        if path.is_dir() and there.is_dir() and not there.is_symlink():
            _merge(path, there)
        elif not (there.exists() or there.is_symlink()):
            path.rename(there)


def disown(staged: Path) -> Path:
    """Remove the owner's mark from a staging folder about to be moved into place."""
    (staged / OWNER_FILE).unlink(missing_ok=True)
    return staged


def publish(staged: Path, target: Path) -> None:
    """Replace ``target`` with ``staged`` (both in the same folder); drop a stale ``.failed``."""
    replace(staged, target)
    # The failure it kept is older than this report: it would only mislead.
    _remove(failed_folder(target))


def replace(staged: Path, target: Path) -> None:
    """Put the staging folder ``staged`` in place of ``target`` (both in the same folder), the
    old ``target`` moved aside first and removed once the new one is in place."""
    previous = target.with_name(f".{target.name}.previous")
    _remove(previous)
    disown(staged)
    if target.exists() or target.is_symlink():
        target.rename(previous)
    staged.rename(target)
    _remove(previous)


def keep_failed(staged: Path, target: Path) -> Path:
    """Move a failed build's staging folder to ``<target>.failed`` and return that path."""
    failed = failed_folder(target)
    _remove(failed)
    disown(staged).rename(failed)
    return failed


def _owner() -> str:
    """This process, as ``OWNER_FILE`` records it."""
    pid = os.getpid()
    _, started = _process(pid) or ("", "")
    return f"{socket.gethostname()} {pid} {started}".rstrip() + "\n"


def _process(pid: int) -> tuple[str, str] | None:
    """The state of the process ``pid`` ("Z": ended, not yet reaped) and when it started
    (clock ticks since boot), from /proc; None where that cannot be read. The start time tells
    a process from a later one given the same id."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # After the command's name (in brackets): the state, then 18 fields, then the start time.
    fields = stat.rpartition(")")[2].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


def _abandoned(staged: Path) -> bool:
    """Whether no running process owns the staging folder."""
    try:
        host, pid, *started = (staged / OWNER_FILE).read_text(encoding="utf-8").split()
    except (OSError, ValueError):
        # No owner recorded: made before owners were, or stopped as it was being made.
        with contextlib.suppress(OSError):
            return time.time() - staged.stat().st_mtime > _UNOWNED_SECONDS
        return False
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's build (a batch on several): only it can tell
    if not store.running(int(pid)):
        return True
    now = _process(int(pid))
    if now is None:
        return False  # running, and nothing more can be known
    state, since = now
    # Ended but not yet reaped, or the process id is now another process's.
    return state == "Z" or (bool(started) and since != started[0])


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
