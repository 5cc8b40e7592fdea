"""What the build keeps between runs, and the one way the package replaces a file.

Everything kept is under the project's ``.cache/``, keyed by SHA-256 digests of what it was
made from (so an entry is either good for a build or not used, never stale), and is safe to
delete at any time: a build only gets slower. There are four kinds of entry:

``sections/<report id>/<section>.ipynb``, with a small ``.json`` beside it
    a section's executed notebook, and its key and inputs (``keep_section``,
    ``section_facts``); ``cache.py`` decides whether it is still good.
``cover/<report id>.pickle``
    a build step's files and result, kept with the key it was made for (``keep``, ``kept``).
``data/<digest>.pickle``
    what a reader parsed from a published file (``Parsed``).
``checked/<digest>``
    an empty file: a published file passed its check (``Marks``).

Every file the package replaces in place (these entries, the HTML and PDF reports) is written
by ``replacing``: under a temporary name in the same folder, then renamed over the target, so
that no reader, and no build stopped half way, ever sees half a file. Nothing is synced to
disk first: after a power cut an entry can be empty, and an entry that cannot be read is not
used; a report is published by renaming its whole folder (``publish.py``).

The digests live here too, as the entries' keys: of a file's bytes (``file_digest``), of a
folder of files (``files_digest``) and of the library's own code and packages
(``library_digest``).
"""

from __future__ import annotations

import glob
import hashlib
import importlib.metadata
import json
import logging
import os
import pickle
import re
import socket
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

MISSING = "missing"
# Packages whose version can change what a section shows.
KEY_PACKAGES: tuple[str, ...] = (
    "pandas",
    "numpy",
    "matplotlib",
    "afcharts",
    "pydantic",
    "markdown-it-py",
    "ipython",
    "papermill",
)
LIBRARY = Path(__file__).parents[1]


# -- writing --------------------------------------------------------------------------------


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content to; it replaces ``path`` when the block
    ends.

    The file is made under a temporary name beside ``path``, on the same file system, and
    renamed over ``path`` only when the block ends without an error; otherwise it is removed
    and ``path`` is left as it was. Its folder is made if need be. The umask decides the file's
    mode, as for any other. A temporary file of ``path`` left by a process that was killed
    (``kill -9``: no ``finally`` ran) is removed here, by the next writer of ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_partials(path)
    temp = path.with_name(f".{path.name}.{_HOST}-{os.getpid()}.partial")
    try:
        with temp.open("wb") as handle:
            yield handle
        put(temp, path)
    finally:
        temp.unlink(missing_ok=True)


_HOST = socket.gethostname()


def _remove_abandoned_partials(path: Path) -> None:
    """Remove the temporary files of ``path`` (``.<name>.<host>-<pid>.partial``) whose process,
    on this machine, is no longer running. Another machine's are left alone; so is one whose
    process id has been taken by another process (it goes once that one ends)."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(?P<host>.+)-(?P<pid>\d+)\.partial")
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.partial"):
        found = pattern.fullmatch(temp.name)
        if found is None or found["host"] != _HOST or running(int(found["pid"])):
            continue
        temp.unlink(missing_ok=True)


def running(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (perhaps another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def put(made: Path, path: Path) -> None:
    """Put a finished file ``made`` (on the same file system) in ``path``'s place, in one step."""
    os.replace(made, path)


# -- keys -----------------------------------------------------------------------------------


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


_remembered: dict[tuple[int, int, int, int], str] | None = None  # see ``remembering``


@contextmanager
def remembering() -> Iterator[None]:
    """Within this block (or decorated function), ``file_digest`` hashes each file once (the
    same file, by device and inode, with its size and time unchanged): one build reads the same
    data files for several keys and the manifest."""
    global _remembered
    outer, _remembered = _remembered, {} if _remembered is None else _remembered
    try:
        yield
    finally:
        _remembered = outer


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, 'dir:<hash of its sorted names>' for a folder, or 'missing'."""
    try:
        if path.is_dir():
            names = "\n".join(sorted(p.name for p in path.iterdir()))
            return "dir:" + sha256_bytes(names.encode("utf-8"))
        if _remembered is not None:
            stat = path.stat()
            seen = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
            if seen not in _remembered:
                _remembered[seen] = _hash_file(path)
            return _remembered[seen]
        return _hash_file(path)
    except FileNotFoundError:
        return MISSING


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# What a report's folder of records may hold that is not one of its records, and no build reads:
# editors' and spreadsheets' lock and settings files (.~lock.x.csv#, ~$x.docx, .DS_Store), and
# the folders ``workbook`` moves the CSV files it took in to (a date follows the prefix).
TAKEN_INTO_WORKBOOK = "taken-into-workbook-"
_NOT_RECORDS = (".", "~$", TAKEN_INTO_WORKBOOK)


def not_a_record(name: str) -> bool:
    """Whether a file or folder of a report's records, by its name, is never read."""
    return name.startswith(_NOT_RECORDS)


def data_files(folder: Path) -> list[Path]:
    """Every file under ``folder``, in order, through linked folders too."""
    return sorted(
        Path(top) / name
        for top, _, names in os.walk(folder, followlinks=True)
        for name in names
        if (Path(top) / name).is_file()
    )


def files_digest(folder: Path, files: Iterable[Path]) -> str:
    """One hash over ``files`` (under ``folder``): their paths and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(folder).as_posix()}\0{file_digest(path)}\n".encode())
    return digest.hexdigest()


@cache
def library_digest() -> str:
    """One hash over the library's files and the versions of the packages that shape output."""
    digest = hashlib.sha256()
    for path in sorted(LIBRARY.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(LIBRARY).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    digest.update(sys.version.encode("utf-8"))
    for name in KEY_PACKAGES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        digest.update(f"{name}=={version}".encode())
    return digest.hexdigest()


# -- sections -------------------------------------------------------------------------------


def section_path(cache_dir: Path, report_id: str, section: str) -> Path:
    """Where the last executed notebook of one section of one report is kept."""
    return cache_dir / "sections" / report_id / f"{section}.ipynb"


def section_facts(path: Path) -> dict[str, Any] | None:
    """The key and inputs kept beside the executed notebook at ``path``; None when there is
    no entry or it cannot be read (a damaged entry is simply not used)."""
    if not path.is_file():
        return None
    try:
        # The small file beside the notebook: reading the notebook itself (figures and all)
        # would make every unchanged build slower.
        facts = json.loads(_facts_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return facts if isinstance(facts, dict) else None


def keep_section(path: Path, notebook: bytes, facts: Mapping[str, Any]) -> None:
    """Keep an executed notebook at ``path``, with its key and inputs (``facts``) beside it.

    The entry counts once its facts are there: they are removed first and written last, so
    that an entry stopped half way is never taken for one with the new notebook.
    """
    facts_path = _facts_path(path)
    facts_path.unlink(missing_ok=True)
    with replacing(path) as handle:
        handle.write(notebook)
    with replacing(facts_path) as handle:
        handle.write(json.dumps(dict(facts), sort_keys=True).encode("utf-8"))


def _facts_path(notebook: Path) -> Path:
    return notebook.with_suffix(".json")


# -- a build step's files and result ---------------------------------------------------------


def kept(entry: Path, key: str, into: Path) -> Any | None:
    """A build step's result kept in ``entry`` for ``key``, its files written into ``into``;
    None when there is none for that key (or it cannot be read)."""
    try:
        with entry.open("rb") as handle:
            kept_key, result, files = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    if kept_key != key:
        return None
    for name, content in sorted(files.items()):
        (into / name).write_bytes(content)
    return result


def keep(entry: Path, key: str, files: Iterable[Path], result: Any) -> None:
    """Keep a build step's files (by name) and result in ``entry``, for ``key``."""
    try:
        contents = {path.name: path.read_bytes() for path in files}
        with replacing(entry) as handle:
            pickle.dump((key, result, contents), handle, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:  # a read-only project still builds, only more slowly
        log.debug("could not keep %s: %s", entry, exc)


# -- parsed files ---------------------------------------------------------------------------

# What this process has parsed or read back, by cache file. Each name is the hash of a file's
# bytes and what was parsed from it, so an entry can never be stale; processes forked from
# this one (the sections) start with it.
_parsed: dict[Path, object] = {}


@contextmanager
def on_disk_only() -> Iterator[None]:
    """What ``Parsed`` parses or reads back within this block is kept on disk, and let go of
    in this process's memory when the block ends (what was held before is kept)."""
    held = set(_parsed)
    try:
        yield
    finally:
        for path in set(_parsed) - held:
            del _parsed[path]


class PickledAsArguments:
    """A base of slotted frozen dataclasses a parse holds by the ten thousand (a published
    cell): pickled as its constructor's arguments, its fields in order, so that ``Parsed``
    reads them back as fast as plain objects, twice as fast as such a dataclass's own state."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        slots: tuple[str, ...] = self.__slots__  # the dataclass's: its fields, in order
        values = attrgetter(*slots)(self)  # in C: as fast as the fields written out
        return type(self), values if len(slots) > 1 else (values,)


class Parsed:
    """What the readers parse from the published files, kept on disk for the next process.

    Every section runs in a process of its own, and most read the same published files;
    parsing a file's rows into cells takes far longer than reading back the result. So each
    parse is kept in ``folder`` (``.cache/data/`` beside the data folder), keyed by the
    SHA-256 of the file's bytes, what was parsed from it, and the library's own code: a changed
    file or a changed reader is simply a new key. The file itself is still read (to hash it),
    so a section's record of the data files it depends on stays complete. What a process has
    parsed or read back is also kept in its memory, under the same key, for its later readers
    and the processes forked from it. With no folder, or one that cannot be written, parsing
    just happens every time.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, what: str, source: Path, parse: Callable[[], T]) -> T:
        """``parse()``'s result for ``source``, from the cache when the file is unchanged."""
        if self.folder is None or not source.is_file():
            return parse()
        version = library_digest()
        digest = hashlib.sha256(source.read_bytes())
        digest.update(what.encode("utf-8") + b"\0" + version.encode("ascii"))
        path = self.folder / f"{version[:VERSION_CHARS]}-{digest.hexdigest()}.pickle"
        if path in _parsed:
            return _parsed[path]  # type: ignore[return-value]
        with suppress(FileNotFoundError, pickle.UnpicklingError, EOFError), path.open("rb") as f:
            cached: T = pickle.load(f)
            _parsed[path] = cached
            return cached
        result = parse()
        _forget_other_versions(self.folder, version[:VERSION_CHARS])
        try:
            with replacing(path) as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:  # a read-only project still builds, only more slowly
            log.debug("could not keep a parsed file in %s: %s", self.folder, exc)
        _parsed[path] = result
        return result


VERSION_CHARS = 16  # a parse's name begins with this much of the library's digest
_forgotten: set[Path] = set()  # folders this process has cleared of other versions' parses


def _forget_other_versions(folder: Path, version: str) -> None:
    """Remove the parses another version of the library made (their names begin otherwise):
    this version can never read them back, so without this every upgrade of the kit, and
    every change to its code, would leave the folder a copy of each parse larger. Once per
    process and folder, when it first parses a file."""
    if folder in _forgotten:
        return
    _forgotten.add(folder)
    with suppress(OSError):
        for entry in folder.glob("*.pickle"):
            if not entry.name.startswith(f"{version}-"):
                entry.unlink(missing_ok=True)


# -- checked files --------------------------------------------------------------------------


class Marks:
    """Names of things done once and not again (a published file that passed its check): an
    empty file each in ``folder``. Each name is a digest of everything the work depended on."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __contains__(self, name: str) -> bool:
        return (self.folder / name).exists()

    def add(self, names: Iterable[str]) -> None:
        """Mark each of ``names`` done; without a writable folder, nothing is kept."""
        with suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            for name in names:
                (self.folder / name).touch()
