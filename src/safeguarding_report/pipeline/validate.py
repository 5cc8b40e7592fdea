"""Check every published file before any section runs, on every core.

Reading and checking the DfE's files is the longest step before the sections start, and each
file is checked on its own; so the files are shared out between processes forked from the
build's (which has already imported pandas and the data readers), the largest first, while
the build goes on with its imports.
What each process parses is kept in the parse cache (``data/parsed.py``) for the sections,
and a file that passed is not checked again until it, its catalogue entry or the library
changes.
When several files are damaged, the error names the first in the catalogue's order, whichever
process found it, so the same inputs always give the same message.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from safeguarding_report.data.catalogue import POPULATION
from safeguarding_report.pipeline.store import Marks, file_digest, library_digest, sha256_bytes

if TYPE_CHECKING:
    from safeguarding_report.data import Published

_published = None  # each checking process's own reader, made once by _start


@contextlib.contextmanager
def checking(published: Published, checked: Path, workers: int | None = None) -> Iterator[None]:
    """Read and check each of ``published``'s catalogued files in other processes while the
    block runs; at its end, wait for them and raise DataError at the first fault.

    The block does the build's other work before the sections (its imports, its other checks);
    an error it raises wins, and the checks are stopped. A file that passed before, with the
    same bytes, catalogue entry, areas and library, is not checked again: a marker under
    ``checked`` (in the project's cache) records each pass.
    """
    from safeguarding_report.pipeline.execute import process_context

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
    pool = ProcessPoolExecutor(
        workers, mp_context=process_context(), initializer=_start, initargs=(data_dir,)
    )
    try:
        checks: dict[str, Future[None]] = {p: pool.submit(_check, p) for p in largest_first}
        yield
        for path in todo:  # the catalogue's order: the first damaged file is named
            checks[path].result()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
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


def _start(data_dir: Path) -> None:
    global _published
    from safeguarding_report.data import Published

    _published = Published(data_dir)


def _check(path: str) -> None:
    assert _published is not None, "the checking process was not started by _start"
    _published.validate_file(path)
