"""What a column expects, in words: one sentence from a model field, for errors and the docs."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Annotated, Any, Literal, get_args, get_origin

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from safeguarding_report.local.models import CODE_PATTERN

LIST_SEPARATOR = ";"


def strip_optional(annotation: Any) -> Any:
    """The type of a column without ``| None`` or an ``Annotated`` wrapper."""
    if get_origin(annotation) is Annotated:
        return strip_optional(get_args(annotation)[0])
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return strip_optional(args[0])
    return annotation


def allowed(annotation: Any) -> tuple[str, ...]:
    """The allowed values of a Literal column (or of a list of them); () for other columns."""
    annotation = strip_optional(annotation)
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    return ()


def is_list(field: FieldInfo) -> bool:
    """Whether the column holds several values separated by ``;``."""
    return get_origin(strip_optional(field.annotation)) is list


def bounds(field: FieldInfo) -> tuple[Any, Any]:
    """(least, most) a number column allows; None where it sets no bound."""
    low = next((m.ge for m in field.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in field.metadata if isinstance(m, Le)), None)
    return low, high


def kind_of(field: FieldInfo) -> str:
    """What a column holds, for a spreadsheet: list, bool, int, float, date, text or other."""
    annotation = strip_optional(field.annotation)
    if is_list(field):
        return "list"
    for kind, python in (("bool", bool), ("int", int), ("float", float), ("date", dt.date)):
        if annotation is python:
            return kind
    return "text" if annotation is str or allowed(annotation) else "other"


def _bounds(field: FieldInfo) -> str:
    low, high = bounds(field)
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f", {low} or more"
    return ""


def _text(field: FieldInfo) -> str:
    # StringConstraints and annotated_types' MinLen/MaxLen both carry these attributes.
    def constraint(name: str) -> Any:
        return next((getattr(m, name) for m in field.metadata if getattr(m, name, None)), None)

    if constraint("pattern") == CODE_PATTERN:
        return "a code of letters, digits and hyphens, no spaces (at most 40 characters)"
    longest = constraint("max_length")
    return f"text (at most {longest:,} characters)" if longest else "text"


def expected(field: FieldInfo) -> str:
    """What the column accepts, e.g. "a whole number, 0 or more" or "one of: a, b"."""
    annotation = strip_optional(field.annotation)
    values = allowed(annotation)
    if values and is_list(field):
        return f"one or more of, separated by '{LIST_SEPARATOR}': " + ", ".join(values)
    if values:
        return "one of: " + ", ".join(values)
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "a whole number" + _bounds(field)
    if annotation is float:
        return "a number" + _bounds(field)
    if annotation is dt.date:
        return "a date written YYYY-MM-DD, e.g. 2022-03-31"
    if annotation is str:
        return _text(field)
    if get_origin(annotation) is list:
        item = strip_optional(get_args(annotation)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "a list, each item with " + " and ".join(_keys(item))
        return "a list of text items"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "keys " + " and ".join(_keys(annotation))
    return str(annotation)


def _keys(model: type[BaseModel]) -> list[str]:
    """A model's keys as written in a file (its aliases where it has them)."""
    return [f.alias or name for name, f in model.model_fields.items()]
