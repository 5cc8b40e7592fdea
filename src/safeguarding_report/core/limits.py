"""How much of a partnership's file the kit reads before it refuses the file: declared once.

A small file can ask for unbounded work. An Excel workbook or a Word document is a zip archive
whose parts may inflate a thousandfold (1 MB on disk, a gigabyte once unpacked), and a sheet or
CSV file may hold a million rows. The kit reads the partnership's records within these limits,
each far above what a partnership's yearly records hold (the largest shipped file has 126 rows
of records; a workbook of every sheet, filled, is under 1 MiB), and refuses a file beyond one
with a ``DataError`` naming the file (and its sheet or part), the limit and what was found,
before the work is done: an office file's parts are checked from its zip directory before
anything in it is parsed (``check_package``), a text file's size before it is read, rows and
cells as they are read.

The README lists them ("Limits"). A partnership whose records really are larger raises a
limit in its params file (``limits: {rows: 50000}``: ``Limits``, by the names of ``RAISABLE``);
whoever reads the records reads them under those limits (``applied``), and every reader asks
``current()``. The limits of a YAML document and of a part's ratio to its stored size are not
raisable: the params file is itself read within the first, and no office file of records needs
more of the second.
"""

from __future__ import annotations

import math
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from safeguarding_report.core import shorten
from safeguarding_report.core.errors import DataError, ReportError

MiB = 2**20

MAX_TEXT_FILE_BYTES = 32 * MiB  # a CSV, Markdown or YAML file of records, on disk
MAX_OFFICE_FILE_BYTES = 64 * MiB  # an Excel workbook or Word document, on disk
MAX_PARTS = 2_000  # parts (zip members) of an office file; a workbook of every sheet has ~100
MAX_PART_BYTES = 32 * MiB  # one part of an office file, inflated
MAX_PACKAGE_BYTES = 128 * MiB  # every part of an office file together, inflated
MAX_RATIO = 100  # a part's inflated size over its stored size (the kit's own are under 20) ...
RATIO_FROM_BYTES = 1 * MiB  # ... for a part that inflates to more than this
MAX_ROWS = 10_000  # rows of records under the header of one sheet or CSV file
MAX_CELL_CHARS = 10_000  # characters in one cell of a sheet or CSV file
MAX_NARRATIVE_CHARS = 200_000  # characters of one narrative's text (about 30,000 words)

# What a reader does about a file over a limit: it is damaged, or not what it says it is.
_FIX = (
    "far more than a partnership's records take, so the file is damaged or was made to "
    "exhaust the computer that opens it; save it again from the program that made it, or ask "
    "for a fresh copy"
)


@dataclass(frozen=True)
class Limits:
    """The limits records are read within: the ones above unless a params file raises them
    (its ``limits`` key, whose names are these fields')."""

    rows: int = MAX_ROWS
    cell_characters: int = MAX_CELL_CHARS
    narrative_characters: int = MAX_NARRATIVE_CHARS
    text_file_bytes: int = MAX_TEXT_FILE_BYTES
    office_file_bytes: int = MAX_OFFICE_FILE_BYTES
    office_parts: int = MAX_PARTS
    part_bytes: int = MAX_PART_BYTES
    package_bytes: int = MAX_PACKAGE_BYTES

    def raised(self) -> dict[str, int]:
        """The limits that differ from the kit's, by name (for the manifest)."""
        mine = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: value for name, value in mine.items() if value != getattr(KIT, name)}


RAISABLE = tuple(f.name for f in fields(Limits))


def raise_hint(name: str) -> str:
    """How a partnership whose records really are this large goes on: '(or, if ...)'."""
    return (
        f" (if the partnership's records really are this large, raise the limit in the params "
        f"file: 'limits:' with '{name}:')"
    )


KIT = Limits()  # the kit's own limits
# How the build tells the sections' processes a params file's raised limits:
# "rows=50000;cell_characters=20000" (Params.section_environment), absent when none is raised.
LIMITS_ENV = "SAFEGUARDING_REPORT_LIMITS"
_current: ContextVar[Limits | None] = ContextVar("limits", default=None)


def current() -> Limits:
    """The limits records are read within now: those ``applied`` around the reading, else
    those the build gave this section's process (``LIMITS_ENV``), else the kit's."""
    chosen = _current.get()
    if chosen is not None:
        return chosen
    text = os.environ.get(LIMITS_ENV, "")
    return from_text(text) if text else KIT


@contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Read records within ``limits`` (a params file's) for the duration of the block."""
    token = _current.set(limits)
    try:
        yield limits
    finally:
        _current.reset(token)


def as_text(limits: Limits) -> str:
    """The raised limits as ``LIMITS_ENV`` holds them: "rows=50000"; "" when none is."""
    return ";".join(f"{name}={value}" for name, value in limits.raised().items())


def from_text(text: str) -> Limits:
    """``as_text``'s limits back."""
    pairs = (part.split("=", 1) for part in text.split(";") if part)
    return Limits(**{name: int(value) for name, value in pairs})


def size(count: int) -> str:
    """A number of bytes as a reader takes it in: 1,049.2 MiB, 812 bytes."""
    return f"{count / MiB:,.1f} MiB" if count >= MiB else f"{count:,} bytes"


def _bytes(count: int) -> str:
    """A number of bytes to the byte, with its size in MiB: 34,642,399 bytes (33.0 MiB); a
    limit near what was found must not read as the same number."""
    if count < MiB:
        return f"{count:,} bytes"
    return f"{count:,} bytes ({count / MiB:,.{0 if count % MiB == 0 else 1}f} MiB)"


def check_file_size(path: Path, source_file: str, name: str) -> None:
    """DataError naming the file when it is larger on disk than the limit ``name``
    (``text_file_bytes`` or ``office_file_bytes``) allows."""
    found, limit = path.stat().st_size, getattr(current(), name)
    if found > limit:
        raise DataError(
            f"{source_file}: the file is {_bytes(found)}. Expected at most {_bytes(limit)}: "
            f"{_FIX}{raise_hint(name)}."
        )


def check_package(
    archive: zipfile.ZipFile, source_file: str, describe: Callable[[str], str] = lambda _: ""
) -> None:
    """Refuse an office file whose parts would inflate beyond the limits, from its zip
    directory alone (nothing is inflated): how many parts, each part's size and its ratio to
    its stored size, and every part together. ``describe`` names what a part is
    (``" (sheet 'lado')"``), asked only of a part refused."""
    limits = current()
    parts = archive.infolist()
    if len(parts) > limits.office_parts:
        raise DataError(
            f"{source_file}: the file holds {len(parts):,} parts. Expected at most "
            f"{limits.office_parts:,}: {_FIX}{raise_hint('office_parts')}."
        )
    total = 0
    for part in parts:
        inflated, stored = part.file_size, part.compress_size
        total += inflated
        if inflated > limits.part_bytes:
            raise DataError(
                f"{source_file}, part {part.filename}{describe(part.filename)}: the part "
                f"inflates to {_bytes(inflated)} from {_bytes(stored)} in the file. Expected at "
                f"most {_bytes(limits.part_bytes)} for one part: {_FIX}"
                f"{raise_hint('part_bytes')}."
            )
        if inflated > RATIO_FROM_BYTES and inflated > MAX_RATIO * stored:
            raise DataError(
                f"{source_file}, part {part.filename}{describe(part.filename)}: the part "
                f"inflates to {_bytes(inflated)} from {_bytes(stored)} in the file, "
                f"{inflated / max(stored, 1):,.0f} times its stored size. Expected at most "
                f"{MAX_RATIO} times for a part of more than {RATIO_FROM_BYTES // MiB} MiB: {_FIX}."
            )
        if total > limits.package_bytes:
            raise DataError(
                f"{source_file}: the parts of the file inflate to more than "
                f"{_bytes(limits.package_bytes)} together (by part {part.filename}). Expected "
                f"at most {_bytes(limits.package_bytes)}: {_FIX}{raise_hint('package_bytes')}."
            )


# -- YAML documents --------------------------------------------------------------------------
# A YAML file of a few lines can stand for a value of billions: an alias (*name) repeats the
# value its anchor (&name) named, so nine lists of nine aliases, each of the list before, make
# 387 million strings from 1 KB. Every YAML document the kit reads (a params file, a framework,
# cover_report.yaml and about.yaml, a narrative's front matter) goes through ``YamlLoader``,
# which counts its values as it composes them and again with every alias expanded, before any
# value is made from them. The largest the kit ships has 257 values, 6 levels deep.

MAX_YAML_BYTES = 1 * MiB  # one YAML file on disk, and the characters of one YAML document
MAX_YAML_VALUES = 10_000  # values (texts, numbers, lists, mappings) once aliases are expanded
MAX_YAML_DEPTH = 20  # lists and mappings inside each other, once aliases are expanded

_YAML_FIX = (
    "far more than a file of the kit takes, so the file is damaged or was made to exhaust "
    "the computer that reads it"
)
_ALIASES = "; write each value out in full, without aliases (*name)"


class YamlLoader(yaml.SafeLoader):
    """YAML's safe loader within the limits above.

    A document beyond one is refused with ``error`` (``DataError`` unless a subclass or the
    caller says otherwise) naming the file (``source``), the line and key, the limit and what
    was found; never the value. ``first_line`` is the file's line the text starts on (a
    narrative's front matter starts on line 2).
    """

    error: type[ReportError] = DataError

    def __init__(
        self,
        text: str,
        *,
        source: str,
        error: type[ReportError] | None = None,
        first_line: int = 1,
    ) -> None:
        self.source = source
        self.error = error or self.error
        self.first_line = first_line
        self._path: list[Any] = []  # where compose_node is: each key's node or item's number
        self._composed = 0
        if len(text) > MAX_YAML_BYTES:
            raise self.error(
                f"{source}: the YAML is {len(text):,} characters long. Expected at most "
                f"{MAX_YAML_BYTES:,}: {_YAML_FIX}."
            )
        super().__init__(text)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._path.append(index)
        try:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            if len(self._path) > MAX_YAML_DEPTH + 1:  # the document itself is not a level
                raise self._refused(self._path, mark, f"more than {MAX_YAML_DEPTH} levels", "")
            if not self.check_event(yaml.AliasEvent):
                self._composed += 1
                if self._composed > MAX_YAML_VALUES:
                    raise self._refused(
                        self._path, mark, "", f"more than {MAX_YAML_VALUES:,} values"
                    )
            node: yaml.Node = super().compose_node(parent, index)  # type: ignore[assignment]
            return node
        finally:
            self._path.pop()

    def get_single_node(self) -> yaml.Node | None:
        node: yaml.Node | None = super().get_single_node()
        if node is not None:
            self._check_expanded(node)
        return node

    def _check_expanded(self, root: yaml.Node) -> None:
        """Refuse the document if, with its aliases expanded, it holds more values or levels
        than the limits: counted once per distinct value, so a bomb costs what its text does."""
        measured = _measure(root)
        values, depth = measured[id(root)]
        if values <= MAX_YAML_VALUES and depth <= MAX_YAML_DEPTH + 1:
            return
        # Down the mapping keys to the one whose value alone is too large, for the message.
        path: list[Any] = [None]
        node, level = root, 0
        while isinstance(node, yaml.MappingNode):
            over = [
                (key, value)
                for key, value in node.value
                if measured[id(value)][0] > MAX_YAML_VALUES
                or measured[id(value)][1] + level + 1 > MAX_YAML_DEPTH + 1
            ]
            if not over:
                break
            key, node = over[0]
            path.append(key)
            level += 1
        values, depth = measured[id(node)]
        mark = (path[-1] if len(path) > 1 else node).start_mark
        if values == math.inf:
            raise self.error(
                f"{self._where(path, mark)}: the value contains itself (an alias *name inside "
                f"the value its anchor &name names), so it never ends once its aliases are "
                f"expanded. Expected at most {MAX_YAML_VALUES:,} values and {MAX_YAML_DEPTH} "
                f"levels: {_YAML_FIX}{_ALIASES}."
            )
        deep = f"{int(depth) + level - 1} levels" if depth + level > MAX_YAML_DEPTH + 1 else ""
        many = f"{int(values):,} values" if values > MAX_YAML_VALUES else ""
        raise self._refused(path, mark, deep, many, expanded=True)

    def _refused(
        self, path: list[Any], mark: yaml.Mark, deep: str, many: str, *, expanded: bool = False
    ) -> ReportError:
        found = " and ".join(
            part
            for part in (
                f"holds {many}" if many else "",
                f"is nested {deep} deep (lists and mappings inside each other)" if deep else "",
            )
            if part
        )
        limit = (
            f"at most {MAX_YAML_VALUES:,} values" if many else f"at most {MAX_YAML_DEPTH} levels"
        )
        once = " once its aliases (*name) are expanded" if expanded else ""
        return self.error(f"{self._where(path, mark)}: the value {found}{once}. Expected {limit}"
                          f": {_YAML_FIX}{_ALIASES if expanded else ''}.")  # fmt: skip

    def _where(self, path: list[Any], mark: yaml.Mark) -> str:
        """'params/x.yaml, line 4, key 'partnership'': the keys down to the first list."""
        names = []
        for step in path:
            if isinstance(step, yaml.ScalarNode):
                names.append(shorten.cut(str(step.value), 40))
            elif isinstance(step, int):
                break
        key = f", key {', '.join(names)!r}" if names else ""
        return f"{self.source}, line {mark.line + self.first_line}{key}"


def check_yaml_file(path: Path, source: str, error: type[ReportError] = DataError) -> None:
    """Refuse a YAML file larger than ``MAX_YAML_BYTES`` on disk, before it is read."""
    found = path.stat().st_size
    if found > MAX_YAML_BYTES:
        raise error(
            f"{source}: the file is {size(found)} ({found:,} bytes). Expected at most "
            f"{size(MAX_YAML_BYTES)} for a YAML file: {_YAML_FIX}."
        )


def _measure(root: yaml.Node) -> dict[int, tuple[float, float]]:
    """(values, levels) of each distinct node under ``root``, by ``id``, aliases expanded: a
    node inside itself counts as endless. One pass, without recursion."""
    measured: dict[int, tuple[float, float]] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        if done:
            inside = [measured.get(id(child), (math.inf, math.inf)) for child in children]
            measured[id(node)] = (
                1 + sum(values for values, _ in inside),
                1 + max((levels for _, levels in inside), default=0),
            )
            open_nodes.discard(id(node))
        elif id(node) not in measured and id(node) not in open_nodes:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in measured)
    return measured


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def yaml_document(
    text: str, source: str, *, error: type[ReportError] = DataError, first_line: int = 1
) -> tuple[yaml.Node | None, Any]:
    """A YAML document read within the limits: its nodes (for the lines of its keys) and its
    value. YAML's own errors (``yaml.YAMLError``) are the caller's to word."""
    loader = YamlLoader(text, source=source, error=error, first_line=first_line)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def yaml_value(
    text: str, source: str, *, error: type[ReportError] = DataError, first_line: int = 1
) -> Any:
    """A YAML document's value, read within the limits (``yaml_document``)."""
    return yaml_document(text, source, error=error, first_line=first_line)[1]
