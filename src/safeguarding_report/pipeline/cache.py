"""Re-run a section only when something it depends on has changed.

A section's executed notebook is reused when all of these are unchanged since it last ran:
its notebook, the parameters, the library's own code (and the versions of the packages that
shape its output), and the content of every data file and folder listing it actually read,
published and local alike. What it read is recorded while it runs (``watch``) and travels
in the executed notebook's metadata, so a cached notebook carries its own key.

The cache is ``.cache/sections/<report id>/<section>.ipynb`` under the project root: outside
``outputs/<id>/``, kept when a build fails, and safe to delete at any time. Other steps of the
build keep what they made the same way (``keep_outputs``), keyed on everything they read.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

METADATA_KEY = "safeguarding_report"
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


def section_key(notebook: Path, parameters: Mapping[str, Any]) -> dict[str, str]:
    """What a section's run depends on before it starts: notebook, parameters, library."""
    return {
        "notebook": file_digest(notebook),
        "parameters": sha256_bytes(json.dumps(dict(parameters), sort_keys=True).encode()),
        "library": library_digest(),
    }


@dataclass(frozen=True)
class Verdict:
    """Whether a section's cached run can be reused, and why (for the manifest)."""

    reuse: bool
    reason: str
    cached: Path | None = None


def cached_path(cache_dir: Path, report_id: str, section: str) -> Path:
    """Where the last executed notebook of one section of one report is kept."""
    return cache_dir / "sections" / report_id / f"{section}.ipynb"


def check(
    cache_dir: Path,
    report_id: str,
    section: str,
    key: Mapping[str, str],
    root: Path,
) -> Verdict:
    """Whether the cached run of ``section`` is still good for ``key`` and today's files."""
    path = cached_path(cache_dir, report_id, section)
    if not path.is_file():
        return Verdict(False, "no earlier run in the cache")
    try:
        # The small file beside the notebook: reading the notebook itself (figures and all)
        # would make every unchanged build slower.
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a damaged cache entry is simply not used
        return Verdict(False, "the cached run could not be read")
    old_key = meta.get("key", {})
    for part, words in (
        ("notebook", "its notebook changed"),
        ("parameters", "the parameters changed"),
        ("library", "the library's code or packages changed"),
    ):
        if old_key.get(part) != key.get(part):
            return Verdict(False, words)
    for name, digest in sorted(meta.get("inputs", {}).items()):
        if file_digest(root / name) != digest:
            return Verdict(False, f"{name} changed")
    return Verdict(True, "nothing it depends on changed", path)


def store(cache_dir: Path, report_id: str, section: str, executed: Path) -> None:
    """Keep a successful run's executed notebook, and its key and inputs beside it."""
    target = cached_path(cache_dir, report_id, section)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = executed.read_bytes()
    meta = json.loads(data).get("metadata", {}).get(METADATA_KEY, {})
    for path, content in (
        (target.with_suffix(".json"), json.dumps(meta, sort_keys=True).encode("utf-8")),
        (target, data),  # written last: an entry counts once its notebook is there
    ):
        temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        temp.write_bytes(content)
        os.replace(temp, path)


def stamp(nb: Any, key: Mapping[str, str], inputs: Mapping[str, str]) -> None:
    """Record a run's key and the digests of what it read in the notebook's metadata."""
    nb.metadata[METADATA_KEY] = {"key": dict(key), "inputs": dict(sorted(inputs.items()))}


class Watcher:
    """Records every file and folder under ``data_dir`` that this process opens or lists.

    Installed as an audit hook in a section's own process (audit hooks cannot be removed,
    and the process ends with the section).
    """

    EVENTS = frozenset({"open", "os.listdir", "os.scandir"})

    def __init__(self, data_dir: Path, root: Path) -> None:
        self.data_dir = str(data_dir.resolve())
        self.root = root.resolve()
        self.seen: set[str] = set()

    def hook(self) -> Callable[[str, tuple[Any, ...]], None]:
        """The audit hook to install with ``sys.addaudithook``."""

        def audit(event: str, args: tuple[Any, ...]) -> None:
            if event in self.EVENTS and args and isinstance(args[0], str | os.PathLike):
                path = os.path.abspath(os.fspath(args[0]))
                if path.startswith(self.data_dir):
                    self.seen.add(path)

        return audit

    def digests(self) -> dict[str, str]:
        """Each path read, relative to the project root, with its digest now."""
        return {_relative(Path(p), self.root): file_digest(Path(p)) for p in sorted(self.seen)}


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def build_key(parts: Iterable[str]) -> str:
    """One hash for a whole build: every section's run plus what the pages are made from."""
    return sha256_bytes("\n".join(parts).encode("utf-8"))


def kept_outputs(folder: Path, key: str, into: Path) -> Any | None:
    """A build step's result kept under ``key``, its files copied into ``into``; else None.

    For steps of the build other than the sections (the committee cover report): what they
    wrote and returned when they last ran with the same key. A damaged entry is not used.
    """
    try:
        if (folder / "key").read_text(encoding="utf-8") != key:
            return None
        result = pickle.loads((folder / "result.pickle").read_bytes())
        files = sorted((folder / "files").iterdir())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    for path in files:
        shutil.copyfile(path, into / path.name)
    return result


def keep_outputs(folder: Path, key: str, files: Iterable[Path], result: Any) -> None:
    """Keep a build step's files and result under ``key`` (see ``kept_outputs``)."""
    temp = folder.with_name(f".{folder.name}.{os.getpid()}.partial")
    try:
        shutil.rmtree(temp, ignore_errors=True)
        (temp / "files").mkdir(parents=True)
        for path in files:
            shutil.copyfile(path, temp / "files" / path.name)
        (temp / "result.pickle").write_bytes(pickle.dumps(result))
        (temp / "key").write_text(key, encoding="utf-8")  # last: an entry counts once it is there
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(temp, folder)
    except OSError:  # a read-only project still builds, only more slowly
        shutil.rmtree(temp, ignore_errors=True)
