"""Check every published file before any section runs, on every core.

Reading and checking the DfE's files is the longest step before the sections start, and each
file is checked on its own; so the files are shared out between tasks of the build's runner
(``runner.py``), forked from the build's process (which has already imported pandas and the
data readers), while the build goes on with its imports. Each task takes the next file, the
largest first, until none is left: one task per core, so that each makes its reader once.
What each task parses is kept in the parse cache (``store.Parsed``) for the sections, and a file
that passed is not checked again until it, its catalogue entry or the library changes.
When several files are damaged, the error names the first in the catalogue's order, whichever
task found it, so the same inputs always give the same message.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safeguarding_report.core.store import Marks, file_digest, library_digest, sha256_bytes
from safeguarding_report.data.catalogue import POPULATION
from safeguarding_report.pipeline import runner

if TYPE_CHECKING:
    from safeguarding_report.data import Published


@contextlib.contextmanager
def checking(published: Published, checked: Path, workers: int | None = None) -> Iterator[None]:
    """Read and check each of ``published``'s catalogued files in other processes while the
    block runs; at its end, wait for them and raise DataError at the first fault.

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
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    largest_first = sorted(todo, key=lambda p: -(data_dir / p).stat().st_size)
    taken = runner.process_context().Value("i", 0)  # how many of them the tasks have taken
    tasks: list[runner.Task] = []
    try:
        for number in range(workers):
            tasks.append(
                runner.Task(_check, data_dir, largest_first, taken, name=f"check {number + 1}")
            )
        yield
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
