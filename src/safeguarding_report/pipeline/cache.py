"""Re-run a section only when something it depends on has changed.

A section's executed notebook is reused when all of these are unchanged since it last ran:
its notebook, the parameters, the library's own code (and the versions of the packages that
shape its output), and the content of every data file and folder listing it actually read,
published and local alike. What it read is recorded while it runs (``Watcher``) and travels
in the executed notebook's metadata, so a cached notebook carries its own key.

The entries are kept in the project's store (``store.py``): ``.cache/sections/<report
id>/<section>.ipynb`` under the project root, outside ``outputs/<id>/``, kept when a build
fails, and safe to delete at any time. The digests the keys are made of are the store's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeguarding_report.core.store import (
    file_digest,
    keep_section,
    library_digest,
    section_facts,
    section_path,
    sha256_bytes,
)

METADATA_KEY = "safeguarding_report"


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


def check(
    cache_dir: Path,
    report_id: str,
    section: str,
    key: Mapping[str, str],
    root: Path,
) -> Verdict:
    """Whether the cached run of ``section`` is still good for ``key`` and today's files."""
    path = section_path(cache_dir, report_id, section)
    if not path.is_file():
        return Verdict(False, "no earlier run in the cache")
    meta = section_facts(path)
    if meta is None:  # a damaged cache entry is simply not used
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
    data = executed.read_bytes()
    meta = json.loads(data).get("metadata", {}).get(METADATA_KEY, {})
    keep_section(section_path(cache_dir, report_id, section), data, meta)


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
