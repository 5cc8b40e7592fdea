"""Read one local file and validate it against its model: CSV records and Markdown narratives.

Every error is a ``DataError`` naming the file (relative to the project root), the line (the
header is line 1), the column or key, the value found and what was expected. Line numbers are
those a spreadsheet or text editor shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from safeguarding_report.core.errors import DataError
from safeguarding_report.local.catalogue import CsvTemplate
from safeguarding_report.local.describe import LIST_SEPARATOR, allowed, expected, is_list
from safeguarding_report.local.markdown import bad_links, render_markdown

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
FIX = "Correct it and build again; docs/local-data.md describes every column."


@dataclass(frozen=True)
class Record(Generic[M]):
    """One validated row of a CSV file, with the line it was read from."""

    data: M
    line: int
    source_file: str
    unit: str = "line"  # what ``line`` counts: a file's lines, or a sheet's rows

    @property
    def place(self) -> str:
        """Where the record was read, as a reader would look for it: file (sheet) and line."""
        return f"{self.source_file}, {self.unit} {self.line}"


@dataclass(frozen=True)
class Narrative:
    """One validated Markdown file: its front matter, its text and the text as safe HTML."""

    meta: BaseModel
    markdown: str
    html: str
    source_file: str

    @property
    def draft(self) -> bool:
        """Whether the file says its text is still to be written."""
        return bool(getattr(self.meta, "draft", False))


def read_text(path: Path, source_file: str) -> str:
    """A file's text; DataError naming the line if it is not UTF-8 (a byte order mark is fine)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{source_file}, line {line}: the file is not UTF-8 text (byte "
            f"{raw[exc.start]:#04x} cannot be read). Expected UTF-8; in Excel use Save As "
            "'CSV UTF-8 (Comma delimited)', in a text editor save with UTF-8 encoding."
        ) from None


def _close(value: str, choices: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(value.lower(), [c.lower() for c in choices], n=1)
    if not match:
        return ""
    return f" (did you mean {choices[[c.lower() for c in choices].index(match[0])]!r}?)"


def _problem(model: type[BaseModel], error: ErrorDetails) -> tuple[str, str]:
    """(column, sentence) for the first pydantic error of a row."""
    loc = error["loc"]
    column = str(loc[0]) if loc else ""
    field = model.model_fields.get(column)
    wanted = expected(field) if field else ""
    value = error.get("input")
    if error["type"] == "missing":
        return column, f"the cell is blank. Expected {wanted}"
    if error["type"] == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        return column, f"{value!r} is not allowed: {reason}"
    hint = _close(str(value), allowed(field.annotation)) if field else ""
    return column, f"{value!r} is not valid{hint}. Expected {wanted}"


def _cells(model: type[BaseModel], header: list[str], row: list[str]) -> dict[str, Any]:
    """A row as keyword arguments for its model: blank cells left out, lists split."""
    data: dict[str, Any] = {}
    for name, text in zip(header, row, strict=False):
        text = text.strip()
        if not text:
            continue
        if is_list(model.model_fields[name]):
            data[name] = [t.strip() for t in text.split(LIST_SEPARATOR) if t.strip()]
        else:
            data[name] = text
    return data


def _header(
    template: CsvTemplate, source_file: str, header: list[str], unit: str = "line"
) -> list[str]:
    names = [h.strip().lower() for h in header]
    columns = template.columns
    shown = ", ".join(columns)
    repeated = sorted({n for n in names if names.count(n) > 1 and n})
    unknown = [h.strip() for h, n in zip(header, names, strict=True) if n not in columns]
    missing = [c for c in columns if c not in names]
    problems = []
    if repeated:
        problems.append("repeated column(s) " + ", ".join(repeated))
    if unknown:
        hints = "".join(_close(u, columns) for u in unknown[:1])
        problems.append("unknown column(s) " + ", ".join(repr(u) for u in unknown) + hints)
    if missing:
        problems.append("missing column(s) " + ", ".join(missing))
    if problems:
        raise DataError(
            f"{source_file}, {unit} 1: the header has {'; '.join(problems)}. Expected the "
            f"columns {shown}, in any order; copy the header from the empty template."
        )
    return names


def read_csv(path: Path, source_file: str, template: CsvTemplate) -> list[Record[BaseModel]]:
    """Every row of one CSV file, validated; DataError at the first wrong cell or repeated key."""
    log.debug("reading %s", source_file)
    text = read_text(path, source_file)
    if not text.strip():
        raise DataError(
            f"{source_file}, line 1: the file is empty. Expected at least the header row: "
            f"{','.join(template.columns)}."
        )
    reader = csv.reader(io.StringIO(text, newline=""))

    def numbered() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            yield line, row

    try:
        header = next(reader)
        return read_rows(template, source_file, header, numbered())
    except csv.Error as exc:
        raise DataError(
            f"{source_file}, line {reader.line_num}: the CSV is malformed ({exc}). Expected "
            "comma-separated cells, with any cell holding a comma or quote in double quotes."
        ) from None


def holds_rows(path: Path) -> bool:
    """Whether a CSV file has a row under its header with anything in it, read without
    checking (a row ``read_csv`` would check): to see where records are before reading them."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        next(reader, None)
        return any(any(cell.strip() for cell in row) for row in reader)
    except csv.Error:
        return True  # malformed, so not empty: reading it says what is wrong


def read_rows(
    template: CsvTemplate,
    source_file: str,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    unit: str = "line",
) -> list[Record[BaseModel]]:
    """Rows of text cells under ``header``, each with its line (or ``unit``) number, validated
    by ``template``: the one check of a CSV file's rows and a workbook sheet's alike."""
    names = _header(template, source_file, header, unit)
    records: list[Record[BaseModel]] = []
    keys: dict[tuple[str, ...], int] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        records.append(_record(template, source_file, names, row, line, keys, unit))
    return records


def _record(
    template: CsvTemplate,
    source_file: str,
    header: list[str],
    row: list[str],
    line: int,
    keys: dict[tuple[str, ...], int],
    unit: str = "line",
) -> Record[BaseModel]:
    if len(row) > len(header):
        raise DataError(
            f"{source_file}, {unit} {line}: the row has {len(row)} cells but the header has "
            f"{len(header)}. Expected one cell per column; put any cell holding a comma in "
            "double quotes."
        )
    try:
        data = template.model.model_validate(_cells(template.model, header, row))
    except ValidationError as exc:
        column, sentence = _problem(template.model, exc.errors()[0])
        raise DataError(
            f"{source_file}, {unit} {line}, column {column!r}: {sentence}. {FIX}"
        ) from None
    if template.key:
        key = tuple(str(getattr(data, k)) for k in template.key)
        if key in keys:
            shown = ", ".join(f"{k} {v!r}" for k, v in zip(template.key, key, strict=True))
            raise DataError(
                f"{source_file}, {unit} {line}, column {template.key[0]!r}: {shown} is repeated "
                f"(first on {unit} {keys[key]}). Expected each {' and '.join(template.key)} "
                "once; merge or remove the repeated row."
            )
        keys[key] = line
    return Record(data, line, source_file, unit)


# -- YAML documents ------------------------------------------------------------------------


def _node_line(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The line (1-based) of the deepest node of ``loc`` the document has."""
    if node is None:
        return 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def read_yaml(path: Path, source_file: str, model: type[M]) -> M:
    """One YAML document validated by ``model``; DataError naming the line and key at fault."""
    log.debug("reading %s", source_file)
    text = read_text(path, source_file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(
            f"{source_file}, line {mark.line + 1 if mark else 1}: not valid YAML "
            f"({getattr(exc, 'problem', exc)}). Expected 'key: value' lines; put text holding a "
            "colon in quotes."
        ) from None
    if not isinstance(loaded, dict):
        raise DataError(
            f"{source_file}, line 1: expected 'key: value' lines, found "
            f"{'nothing' if loaded is None else repr(loaded)}. {FIX}"
        )
    try:
        return model.model_validate(loaded)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _node_line(node, loc)
        key = _where(error)
        found = error.get("input")
        if error["type"] == "missing":
            owner = _model_at(model, loc[:-1])
            field = owner.model_fields.get(_field_name(owner, str(loc[-1]))) if owner else None
            wanted = expected(field) if field else "a value"
            sentence = f"the key {key!r} is missing. Expected {wanted}"
        elif error["type"] == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            known = ", ".join(_keys(owner)) if owner else ""
            sentence = f"the key {key!r} is not one this file has. Expected only: {known}"
        elif error["type"] == "value_error":
            reason = str(error.get("ctx", {}).get("error", error["msg"]))
            sentence = f"key {key!r}: {found!r} is not allowed: {reason}"
        else:
            sentence = f"key {key!r}: {found!r} is not valid ({error['msg']})"
        raise DataError(f"{source_file}, line {line}: {sentence}. {FIX}") from None


def _keys(model: type[BaseModel]) -> list[str]:
    """A model's keys as written in the file (its aliases where it has them)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _field_name(model: type[BaseModel], key: str) -> str:
    return next((n for n, f in model.model_fields.items() if (f.alias or n) == key), key)


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model that holds the keys at ``loc`` (following nested models and lists)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(_field_name(current, part))
        if field is None:
            return None
        annotation = field.annotation
        while get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        current = annotation
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


# -- Markdown with front matter ------------------------------------------------------------

FENCE = "---"


def _key_line(lines: list[str], key: str) -> int:
    """The line (1-based, in the file) where a top-level front-matter key is written."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    return next((i + 2 for i, text in enumerate(lines) if pattern.match(text)), 1)


def _front_matter(text: str, source_file: str) -> tuple[dict[str, Any], list[str], str, int]:
    """(header as a mapping, header lines, body, the body's first line number)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise DataError(
            f"{source_file}, line 1: the file has no front matter. Expected a first line '---', "
            "the header's YAML keys, then a line '---' before the text (see the empty template)."
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        raise DataError(
            f"{source_file}, line 1: the front matter is not closed. Expected a line '---' "
            "after the header's keys, before the text."
        )
    header = lines[1:end]
    try:
        loaded = yaml.safe_load("\n".join(header))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise DataError(
            f"{source_file}, line {line}: the front matter is not valid YAML "
            f"({getattr(exc, 'problem', exc)}). Expected 'key: value' lines; put text holding "
            "a colon in quotes."
        ) from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise DataError(
            f"{source_file}, line 2: the front matter is not a set of 'key: value' lines. "
            "Expected keys as in the empty template."
        )
    return loaded, header, "\n".join(lines[end + 1 :]), end + 2


def _where(error: ErrorDetails) -> str:
    parts = []
    for part in error["loc"]:
        parts.append(f"item {part + 1}" if isinstance(part, int) else str(part))
    return ", ".join(parts)


def read_narrative(path: Path, source_file: str, model: type[BaseModel]) -> Narrative:
    """One Markdown file: front matter validated by ``model``, links checked, text rendered."""
    log.debug("reading %s", source_file)
    text = read_text(path, source_file)
    header, header_lines, body, body_line = _front_matter(text, source_file)
    return finish_narrative(
        header,
        body,
        source_file,
        model,
        key_place=lambda key: f"line {_key_line(header_lines, key) if key else 1}",
        body_place=lambda line: f"line {body_line + line - 1}",
    )


def finish_narrative(
    header: dict[str, Any],
    body: str,
    source_file: str,
    model: type[BaseModel],
    *,
    key_place: Callable[[str], str],
    body_place: Callable[[int], str],
) -> Narrative:
    """A narrative from its front matter and Markdown text, however written: the header
    validated by ``model``, links checked, the text rendered. ``key_place`` and ``body_place``
    say where a key, or a line of the text, is in the file (for errors)."""
    for key, value in header.items():
        # YAML reads 2022-09-30 as a date already; an unquoted time or number stays as it is.
        if isinstance(value, dt.datetime):
            header[key] = value.date()
    try:
        meta = model.model_validate(header)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error["loc"]
        key = str(loc[0]) if loc else ""
        field = model.model_fields.get(key)
        if error["type"] == "extra_forbidden":
            known = ", ".join(model.model_fields)
            sentence = f"the key {key!r} is not one this file has. Expected only: {known}"
        elif error["type"] == "missing":
            sentence = f"the key {key!r} is missing. Expected {expected(field) if field else ''}"
        elif error["type"] == "value_error":
            reason = str(error.get("ctx", {}).get("error", error["msg"]))
            sentence = f"{error.get('input')!r} is not allowed: {reason}" if loc else reason
        else:
            wanted = f" Expected {expected(field)}" if field and len(loc) == 1 else ""
            sentence = f"{error.get('input')!r} is not valid ({error['msg']}).{wanted}"
        where = f", key {_where(error)!r}" if loc else ""
        raise DataError(f"{source_file}, {key_place(key)}{where}: {sentence}. {FIX}") from None
    for line, url in bad_links(body):
        raise DataError(
            f"{source_file}, {body_place(line)}: the link {url!r} is not allowed. "
            "Expected an address starting http://, https:// or mailto:; write other "
            "references as plain text."
        )
    return Narrative(meta, body, render_markdown(body), source_file)
