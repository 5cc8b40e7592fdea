"""Read one local file and validate it against its model: CSV records and Markdown narratives,
and the zip archive of XML parts that an office file (a workbook, a Word document) is.

Every error is a ``DataError`` naming the file (relative to the project root), the line (the
header is line 1), the column or key, the value found and what was expected. Line numbers are
those a spreadsheet or text editor shows. Every file is read within the limits of
``core/limits.py``: its size before it is read, rows and cells as they are read, an office
file's parts from its zip directory before any is inflated; and a parser's error (a damaged
zip archive, XML cut short) is a ``DataError`` naming the file, the part, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args, get_origin
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

import yaml
from lxml import etree
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from safeguarding_report.core import limits
from safeguarding_report.core.errors import DataError
from safeguarding_report.core.shorten import quoted
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
    """A file's text; DataError naming the line if it is not UTF-8 (a byte order mark is fine),
    or naming the limit if the file is larger than a file of records can be."""
    limits.check_file_size(path, source_file, "text_file_bytes")
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
        if "field larger than field limit" in str(exc):
            raise DataError(
                f"{source_file}, line {reader.line_num}: a cell holds more than "
                f"{csv.field_size_limit():,} characters. Expected at most "
                f"{limits.current().cell_characters:,} characters in one cell; check that "
                "the cell's closing double quote is there."
            ) from None
        raise DataError(
            f"{source_file}, line {reader.line_num}: the CSV is malformed ({exc}). Expected "
            "comma-separated cells, with any cell holding a comma or quote in double quotes."
        ) from None


def holds_rows(path: Path) -> bool:
    """Whether a CSV file has a row under its header with anything in it, read without
    checking (a row ``read_csv`` would check): to see where records are before reading them."""
    if path.stat().st_size > limits.current().text_file_bytes:
        return True  # too large to read, so not empty: reading it says so
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
    by ``template``: the one check of a CSV file's rows and a workbook sheet's alike. Each row
    is checked as it comes, so a wrong row stops the reading of ``rows`` at once, and so does
    the row after the last of ``limits.current().rows`` rows of records."""
    most = limits.current().rows
    names = _header(template, source_file, header, unit)
    records: list[Record[BaseModel]] = []
    keys: dict[tuple[str, ...], int] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(records) == most:
            raise DataError(
                f"{source_file}, {unit} {line}: there are more than {most:,} rows of records. "
                f"Expected at most {most:,}, far more than a partnership's yearly records hold; "
                "keep only this report's records (not a whole system's extract) and remove the "
                f"rest{limits.raise_hint('rows')}."
            )
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
    most = limits.current().cell_characters
    for column, cell in zip(header, row, strict=False):
        if len(cell) > most:
            raise DataError(
                f"{source_file}, {unit} {line}, column {column!r}: the cell holds "
                f"{len(cell):,} characters. Expected at most {most:,}; a record is a few "
                "sentences at most: put longer text in a narrative"
                f"{limits.raise_hint('cell_characters')}."
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


def yaml_line(path: Path, source_file: str, loc: tuple[int | str, ...]) -> int:
    """The line (1-based) of the key or item at ``loc`` in the YAML document at ``path``, for
    an error found after the document was validated (e.g. an id another file must hold)."""
    node, _ = limits.yaml_document(read_text(path, source_file), source_file)
    return _node_line(node, loc)


def read_yaml(path: Path, source_file: str, model: type[M]) -> M:
    """One YAML document validated by ``model``; DataError naming the line and key at fault."""
    log.debug("reading %s", source_file)
    text = read_text(path, source_file)
    try:
        node, loaded = limits.yaml_document(text, source_file)
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
            f"{'nothing' if loaded is None else quoted(loaded)}. {FIX}"
        )
    try:
        return model.model_validate(loaded)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _node_line(node, loc)
        key = _where(error)
        found = quoted(error.get("input"))
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
            sentence = f"key {key!r}: {found} is not allowed: {reason}"
        else:
            sentence = f"key {key!r}: {found} is not valid ({error['msg']})"
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
        loaded = limits.yaml_value("\n".join(header), source_file, first_line=2)
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
    most = limits.current().narrative_characters
    if len(body) > most:
        raise DataError(
            f"{source_file}: the text is {len(body):,} characters long. Expected at most "
            f"{most:,} (about {most // 7:,} words), far more than a part of the yearly report "
            "takes; shorten it, or link to the full document from the text"
            f"{limits.raise_hint('narrative_characters')}."
        )
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
            sentence = f"{quoted(error.get('input'))} is not allowed: {reason}" if loc else reason
        else:
            wanted = f" Expected {expected(field)}" if field and len(loc) == 1 else ""
            sentence = f"{quoted(error.get('input'))} is not valid ({error['msg']}).{wanted}"
        where = f", key {_where(error)!r}" if loc else ""
        raise DataError(f"{source_file}, {key_place(key)}{where}: {sentence}. {FIX}") from None
    for line, url in bad_links(body):
        raise DataError(
            f"{source_file}, {body_place(line)}: the link {url!r} is not allowed. "
            "Expected an address starting http://, https:// or mailto:; write other "
            "references as plain text."
        )
    return Narrative(meta, body, render_markdown(body), source_file)


# -- office files: a zip archive of XML parts ----------------------------------------------

# What the parsers an office file passes through (zipfile, zlib, expat, ElementTree, lxml,
# openpyxl's and mammoth's readers) raise at a damaged or unexpected file.
PARSE_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    ParseError,
    expat.ExpatError,
    etree.Error,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    NotImplementedError,
    RuntimeError,
    OSError,
)
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_ADVICE = "open it in the program that made it and save it again, or use a fresh copy"
_WHOLE = "whole, as Excel, Word or LibreOffice saves it"


def _position(exc: BaseException) -> str:
    """Where a parser says it stopped, as ", line L, column C" (columns counted from 1)."""
    if isinstance(exc, ParseError):
        line, column = exc.position
    elif isinstance(exc, expat.ExpatError):
        line, column = exc.lineno, exc.offset
    elif isinstance(exc, etree.Error) and getattr(exc, "position", None):
        line, column = exc.position
        column -= 1  # lxml counts from 1 already
    else:
        return ""
    return f", line {line}, column {column + 1}"


def _reason(exc: BaseException) -> str:
    """A parser's own words for what it found, without the position it adds to them."""
    code = getattr(exc, "code", None)
    if isinstance(exc, ParseError | expat.ExpatError) and isinstance(code, int):
        return expat.ErrorString(code) or str(exc)
    return " ".join(str(exc).split()) or type(exc).__name__  # on one line, as messages are


def unreadable(source_file: str, kind: str, exc: BaseException, part: str = "") -> DataError:
    """A parser's error at an office file as the DataError a reader acts on: the file (and the
    part), where the parser stopped and what it found."""
    where = f"{source_file}, part {part}" if part else source_file
    return DataError(
        f"{where}{_position(exc)}: the file is damaged or is not {kind} ({_reason(exc)}). "
        f"Expected {kind} {_WHOLE}; {_ADVICE}."
    )


@contextmanager
def office_package(
    path: Path,
    source_file: str,
    kind: str,
    describe: Callable[[str], str] = lambda _: "",
    start: Callable[[str, str, dict[str, str]], object] | None = None,
) -> Iterator[zipfile.ZipFile]:
    """An office file (``kind``: "an Excel workbook (.xlsx)") as its zip archive, once it is
    within the limits (``core/limits.py``, from the zip directory alone), every XML part of it
    is well formed with no document type declaration, and it holds no macros; DataError naming
    the file, and the part, line and column where a part is at fault. ``describe`` names what
    a part is (``" (sheet 'lado')"``); ``start`` sees every element of every XML part on the
    way (part, tag as ``{uri}name``, attributes)."""
    limits.check_file_size(path, source_file, "office_file_bytes")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DataError(
            f"{source_file}: the file is not {kind} that can be read ({_reason(exc)}). "
            f"Expected {kind} {_WHOLE} (one protected by a password cannot be read: remove "
            f"the password); {_ADVICE}."
        ) from None
    with archive:
        limits.check_package(archive, source_file, describe)
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                name = info.filename
                seen = None if start is None else partial(start, name)
                parse_part(archive, name, source_file, kind, start=seen, label=describe(name))
        _refuse_macros(archive, source_file, kind)
        yield archive


def _refuse_macros(archive: zipfile.ZipFile, source_file: str, kind: str) -> None:
    """DataError when the file holds macros: a VBA project part, or a part whose declared
    content type is macro-enabled (a .xlsm or .docm renamed)."""
    found = [n for n in archive.namelist() if n.lower().rsplit("/", 1)[-1] == "vbaproject.bin"]

    def content_type(tag: str, attrs: dict[str, str]) -> None:
        declared = attrs.get("ContentType", "")
        if tag in (f"{_CONTENT_TYPES}Override", f"{_CONTENT_TYPES}Default") and (
            "macroenabled" in declared.lower() or "vbaproject" in declared.lower()
        ):
            found.append(declared)

    if "[Content_Types].xml" in archive.namelist():
        parse_part(archive, "[Content_Types].xml", source_file, kind, start=content_type)
    if found:
        raise DataError(
            f"{source_file}: the file holds macros ({', '.join(sorted(set(found))[:3])}), "
            f"which a report's records must not carry. Expected {kind} without macros; save "
            "it again as that type (not macro-enabled), which leaves the macros out."
        )


def parse_part(
    archive: zipfile.ZipFile,
    part: str,
    source_file: str,
    kind: str,
    *,
    start: Callable[[str, dict[str, str]], object] | None = None,
    text: Callable[[str], object] | None = None,
    end: Callable[[str], object] | None = None,
    label: str = "",
) -> None:
    """Stream one XML part of an office file through expat, namespace-aware, calling ``start``
    (tag as ``{uri}name``, attributes), ``text`` and ``end`` as it goes; DataError naming the
    part, line and column at XML that is not well formed, or at a document type declaration
    (which office files never hold: it could declare entities that expand without end). A
    handler may raise DataError to stop at once. ``label`` says what the part is, after its
    name (``" (sheet 'lado')"``), where it is named."""
    label = part + label
    parser = expat.ParserCreate(namespace_separator="}")

    def tag(name: str) -> str:
        return "{" + name if "}" in name else name

    def refuse_dtd(*_: object) -> None:
        raise DataError(
            f"{source_file}, part {label}, line {parser.CurrentLineNumber}: the part declares "
            f"a document type (<!DOCTYPE ...>), which {kind} never does. Expected {kind} "
            f"{_WHOLE}; {_ADVICE}."
        )

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    if start is not None:
        parser.StartElementHandler = lambda name, attrs: start(tag(name), attrs)
    if end is not None:
        parser.EndElementHandler = lambda name: end(tag(name))
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except PARSE_ERRORS as exc:
        raise unreadable(source_file, kind, exc, label) from None
