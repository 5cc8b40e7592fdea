"""Check every published file before any section runs, on every core.

Reading and checking the DfE's files is the longest step before the sections start, and each
file is checked on its own; so the files are shared out between tasks of the build's runner
(``runner.py``), forked from the build's process (which has already imported pandas and the
data readers), while the build goes on with its imports. Each task takes the next file, the
largest first, until none is left: one task per core but the one the build's imports take
(at least one), so that each makes its reader once; when the build's own work before the
sections is done and files are still to check, one more task takes its share on that core.
What each task parses is kept in the parse cache (``store.Parsed``) for the sections, and a file
that passed is not checked again until it, its catalogue entry or the library changes.
When several files are damaged, the error names the first in the catalogue's order, whichever
task found it, so the same inputs always give the same message.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safeguarding_report.core.errors import DataError
from safeguarding_report.core.indicators import INDICATORS
from safeguarding_report.core.store import Marks, file_digest, library_digest, sha256_bytes
from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import POPULATION
from safeguarding_report.pipeline import runner

if TYPE_CHECKING:
    from safeguarding_report.core.params import Params

log = logging.getLogger(__name__)


def published_for(p: Params, data_dir: Path, params_path: Path) -> Published:
    """The published files in ``data_dir``, once the report's area and comparison year are
    known to be in them: an unknown area, or a year no file holds, stops the build by name."""
    published = Published(data_dir)
    published.area(p.local_authority, source=str(params_path))
    _check_year(published, p.comparison_year, params_path)
    return published


def _check_year(published: Published, year: int, params_path: Path) -> None:
    """Refuse a comparison year no file holds, except the year after the newest held.

    The DfE publishes a year's figures months after 31 March, so a report written soon after
    its year ends compares with a year not yet published: that year is accepted, with one
    warning, and its figures show as [x] ("not yet published") until the releases are added.
    A year further on is a mistake (a typo, or a release not yet added), so it stops the build.
    """
    periods = {indicator: set(published.periods(indicator)) for indicator in INDICATORS}
    held = set().union(*periods.values())
    newest = published.newest_year()
    if year == published.unpublished_year():
        log.warning(
            "%s: key 'comparison_year' is %s, the year after the newest year data/published/ "
            "holds (%s): the DfE has not yet published that year's figures, so they show as "
            "[x] (not yet published) until its releases are added to data/published/.",
            params_path, year, newest,
        )  # fmt: skip
        return
    if year not in held:
        raise DataError(
            f"{params_path}: key 'comparison_year' is {year}, but no file in data/published/ "
            f"holds the year ending 31 March {year} (the files hold {min(held)} to "
            f"{max(held)}). Add that year's DfE release to data/published/, or choose a year "
            f"the files hold, or {published.unpublished_year()}, the year not yet published."
        )
    missing = [indicator for indicator, years in periods.items() if year not in years]
    if missing:
        log.warning("No published figures for %s in %s: shown as [x].", year, ", ".join(missing))


@contextlib.contextmanager
def checking(published: Published, checked: Path, workers: int | None = None) -> Iterator[None]:
    """Read and check each of ``published``'s catalogued files in other processes while the
    block runs; at its end, wait for them and raise DataError at the first fault. At most
    ``workers`` processes check them (by default one per core but one, see above).

    The block does the build's other work before the sections (its imports, its other checks);
    an error it raises wins, and the checks are stopped. A file that passed before, with the
    same bytes, catalogue entry, areas and library, is not checked again: a mark in ``checked``
    (in the project's store) records each pass.
    """
    data_dir = published.data_dir
    paths = list(published.catalogue.files)
    marks = Marks(checked)
    markers = {path: _marker(published, path) for path in paths}
    todo = [path for path in paths if markers[path] not in marks]
    if not todo:
        yield
        return
    # One core is left to this process, which imports the stages' modules meanwhile: more
    # tasks would only share the cores, each holding a copy of what it forked with.
    workers = max(1, min(workers or (os.cpu_count() or 1) - 1, len(todo)))
    largest_first = sorted(todo, key=lambda p: -(data_dir / p).stat().st_size)
    taken = runner.process_context().Value("i", 0)  # how many of them the tasks have taken
    tasks: list[runner.Task] = []
    try:
        for number in range(workers):
            tasks.append(
                runner.Task(_check, data_dir, largest_first, taken, name=f"check {number + 1}")
            )
        yield
        # The block is done, and its core free: a task on it takes its share of what is left.
        if len(tasks) < len(todo) and taken.value < len(todo):
            tasks.append(runner.Task(_check, data_dir, largest_first, taken, name="check more"))
        faults: dict[str, Exception] = {}
        for task in tasks:
            faults.update(task.result())
    except BaseException:
        runner.stop(tasks)
        raise
    for path in todo:  # the catalogue's order: the first damaged file is named
        if path in faults:
            raise faults[path]
    marks.add(markers[path] for path in todo)  # unwritable: checked every time


def _marker(published: Published, path: str) -> str:
    """What a check of ``path`` depends on, as one name: its bytes, entry, areas, library."""
    catalogue = published.catalogue
    measures = [m for ms in catalogue.measures.values() for m in ms if m.path == path]
    return sha256_bytes(
        "\n".join(
            [
                path,
                file_digest(published.data_dir / path),
                repr(catalogue.files[path]),
                repr(measures),
                file_digest(published.data_dir / POPULATION),
                library_digest(),
            ]
        ).encode("utf-8")
    )


def _check(data_dir: Path, paths: Sequence[str], taken: Any) -> dict[str, Exception]:
    """In a checking task: check the next of ``paths`` not yet taken (``taken`` counts them,
    shared by the tasks), until none is left; what each damaged file raised, by path."""
    from safeguarding_report.data import Published

    published = Published(data_dir)
    faults: dict[str, Exception] = {}
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value += 1
        if index >= len(paths):
            return faults
        try:
            published.validate_file(paths[index])
        except Exception as exc:  # every file is checked; the caller names the first
            faults[paths[index]] = exc
