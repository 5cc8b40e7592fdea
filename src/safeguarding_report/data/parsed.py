"""What the readers parse from a published file, kept on disk for the next process.

Every section runs in a process of its own, and most read the same published files; parsing a
file's rows into cells takes far longer than reading back the result. So each parse is kept
under ``.cache/data/`` beside the data folder, keyed by the SHA-256 of the file's bytes, what
was parsed from it, and the library's own code: a changed file or a changed reader is simply a
new key. The file itself is still read (to hash it), so a section's record of the data files it
depends on stays complete. What a process has parsed or read back is also kept in its memory,
under the same key, for its later readers and the processes forked from it. The folder is safe
to delete; when it cannot be written, parsing just happens every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from safeguarding_report.pipeline.cache import library_digest

log = logging.getLogger(__name__)

T = TypeVar("T")

# What this process has parsed or read back, by cache file. Each name is the hash of a file's
# bytes and what was parsed from it, so an entry can never be stale; processes forked from
# this one (the sections) start with it.
_kept: dict[Path, object] = {}


class ParseCache:
    """Parsed results on disk, keyed by the source file's content and what was parsed."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, what: str, source: Path, parse: Callable[[], T]) -> T:
        """``parse()``'s result for ``source``, from the cache when the file is unchanged."""
        if self.folder is None or not source.is_file():
            return parse()
        digest = hashlib.sha256(source.read_bytes())
        digest.update(what.encode("utf-8") + b"\0" + library_digest().encode("ascii"))
        path = self.folder / f"{digest.hexdigest()}.pickle"
        if path in _kept:
            return _kept[path]  # type: ignore[return-value]
        with (
            contextlib.suppress(FileNotFoundError, pickle.UnpicklingError, EOFError),
            path.open("rb") as handle,
        ):
            cached: T = pickle.load(handle)
            _kept[path] = cached
            return cached
        result = parse()
        self._write(path, result)
        _kept[path] = result
        return result

    def _write(self, path: Path, result: object) -> None:
        temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with temp.open("wb") as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except OSError as exc:  # a read-only project still builds, only more slowly
            log.debug("could not keep a parsed file in %s: %s", self.folder, exc)
            temp.unlink(missing_ok=True)
