"""Text cut to the length a format allows: a value quoted in a message, a document's property,
a file name.

A partnership may have a long name, a committee paper a long subject, a partnership twenty
authorities; a format that limits a name's length is no reason to stop. Where a format limits
a name, the kit shortens it, never refuses it: text to a whole word and an ellipsis (Word's
core properties take at most 255 characters), a file name to its start and a short hash of the
whole, so that two long names that begin alike still name two files. A value quoted in an
error message is cut too: the message says what was found, not all of it.
"""

from __future__ import annotations

import hashlib
import reprlib

ELLIPSIS = "…"
QUOTED_CHARS = 80  # of a value quoted in a message
FILE_NAME_CHARS = 100  # of a file name the kit makes from a name (a file system allows 255 bytes)
WORD_PROPERTY_CHARS = 255  # of a Word document's core property (title, author): Word's limit
_HASH_CHARS = 8

_repr = reprlib.Repr()
# Enough of a value to recognise it; reprlib stops at these, so a huge value is never written
# out in full only to be cut.
_repr.maxlevel = 3
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 6
_repr.maxstring = _repr.maxother = QUOTED_CHARS


def quoted(value: object, limit: int = QUOTED_CHARS) -> str:
    """``repr(value)`` for a message, at most ``limit`` characters: 'Kent ...' not a page."""
    return cut(_repr.repr(value), limit)


def cut(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters; else its start and an ellipsis, in
    ``limit``."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def text(value: str, limit: int) -> str:
    """``value`` within ``limit`` characters: whole, or cut after a whole word with an ellipsis
    (a word longer than the whole limit is cut where the limit falls)."""
    if len(value) <= limit:
        return value
    room = limit - len(ELLIPSIS)
    head = value[:room]
    if not value[room].isspace() and " " in head.strip():
        head = head[: head.rstrip().rindex(" ")]
    return head.rstrip(" ,;:-") + ELLIPSIS


def file_name(name: str, limit: int = FILE_NAME_CHARS, *, separator: str = "-") -> str:
    """``name`` (already safe as a file name: ASCII letters, digits, ``separator``) if it fits in
    ``limit`` characters; else its start and a short hash of the whole: the same name always
    gives the same file name, and two names that begin alike give two."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    head = name[: limit - _HASH_CHARS - len(separator)].rstrip(separator)
    return f"{head}{separator}{digest}"
