"""The numbers the partnership's narratives state, read and set against the report's figures.

The tables withhold small counts of children; a foreword can still say "three children died".
This reads every narrative the report shows (the foreword, scrutiny, the response and each
priority, in Markdown or Word; the cover report's YAML; the key messages) for a number, in
digits or in words ("one" to "twenty", "a couple of", "a dozen"), just before a noun of
something the report counts: the nouns declared with each figure (``Indicator.nouns``:
"rapid reviews", "serious incidents" ...) and the nouns of people (``PEOPLE_NOUNS``:
"children", "families" ...). Each number found is compared with the figures the
partnership's records give (``local/counts.py``), under the report's disclosure rule:

- a number that states a figure the report withholds is an ``error``;
- a count of children or families in the suppression range that no figure gives is a
  ``warning`` that a ``--strict`` build refuses (``strict``) until the narrative records that
  it was checked (``disclosure_checked: true``); the words stay the partnership's;
- a number that disagrees with the figure the records give is a ``warning`` naming both.

``roles`` warns of one name given two roles in one report's records (foreword, response,
cover report). A reader of words cannot prove a narrative safe: it finds numbers written
next to the nouns it knows ("three of our children" or "a sibling group" escape it), and
compares them only with the figures of the partnership's own records.

The number words are a small declared table, not a library's: ``text2num`` rewrites whole
sentences into digits (losing the words a finding must quote) and reads neither "a dozen"
nor "a couple of"; ``word2number`` reads one number phrase and fails on any other word.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from safeguarding_report.core import indicators
from safeguarding_report.local import LocalRecords, period_label
from safeguarding_report.local.catalogue import WORD_SUFFIX, YAML_TEMPLATES
from safeguarding_report.local.counts import LOCAL_COUNTS, tidy_row
from safeguarding_report.local.models import Contact, CoverReport, KeyMessage, Person
from safeguarding_report.local.read import read_text
from safeguarding_report.report import tables

CHECKED_KEY = "disclosure_checked"
COVER_FILE = YAML_TEMPLATES["cover_report"].file
WORDS: dict[str, int] = {
    word: n
    for n, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=1,
    )
} | {"a couple of": 2, "a dozen": 12}
_WORD_PATTERN = "|".join(r"\s+".join(w.split()) for w in sorted(WORDS, key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![\w£$.,/-])(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+|{_WORD_PATTERN})(?![\w%/-]|[.,]\d)",
    re.IGNORECASE,
)
# A number after one of these words names a thing, not how many ("section 11 standards").
_NAMES_A_THING = frozenset(
    [
        "section",
        "sections",
        "chapter",
        "article",
        "part",
        "paragraph",
        "schedule",
        "page",
        "standard",
        "level",
        "stage",
        "phase",
        "priority",
        "year",
        "years",
        "tier",
        "step",
        "version",
        "grade",
        "profile",
        "regulation",
        "appendix",
        "annex",
        "figure",
        "table",
        "question",
        "item",
        "number",
        "no",
        "key",
        "week",
    ]
)
# Words that may stand between a number and its noun ("three legacy serious case reviews");
# any other word ends the search ("one of the reviews" counts no reviews).
_BETWEEN = 2
# A number after these is a round figure, not a count to compare ("more than 5,000").
_ROUGHLY = re.compile(
    r"(?:more than|over|almost|nearly|about|around|roughly|at least|some|fewer than|under|"
    r"up to)\s+$",
    re.IGNORECASE,
)
_STOP = frozenset(
    [
        "of",
        "the",
        "a",
        "an",
        "and",
        "or",
        "in",
        "to",
        "for",
        "from",
        "with",
        "than",
        "per",
        "on",
        "at",
        "by",
        "were",
        "was",
        "are",
        "is",
        "have",
        "has",
        "had",
        "who",
        "which",
        "that",
        "this",
        "these",
        "those",
        "their",
        "our",
        "its",
        "each",
        "every",
        "all",
        "other",
        "more",
    ]
)


@dataclass(frozen=True)
class Finding:
    """One number a narrative states that the report's figures do not bear out, or that the
    disclosure rule forbids."""

    level: Literal["error", "warning"]
    source: str  # the file (and sheet) as shown: data/local/kent-2022/foreword.md
    place: str  # where in it: "line 24", "paragraph 3"
    words: str  # the words, as written: "three serious case reviews"
    said: str  # what is wrong, and what to do
    strict: bool = False  # refused by a --strict build

    def text(self) -> str:
        """One line: where, the words and what is wrong."""
        return f"{self.source}, {self.place}: '{self.words}': {self.said}"

    def as_dict(self) -> dict[str, Any]:
        """For manifest.json."""
        return {
            "level": self.level,
            "source": self.source,
            "place": self.place,
            "words": self.words,
            "said": self.said,
            "strict": self.strict,
        }


@dataclass(frozen=True)
class _Figure:
    """A figure of the partnership's records a narrative may state."""

    indicator: str
    value: float | None  # None when its records are not supplied
    withheld: bool
    source: str


@dataclass(frozen=True)
class _Text:
    """One narrative's text, where it is read from and whether it was checked."""

    text: str
    source: str
    checked: bool
    place: Any  # (offset in text) -> "line 12"


def read(
    records: LocalRecords,
    *,
    start: dt.date,
    end: dt.date,
    rule: tables.Suppression,
    area_code: str = "",
    area_name: str = "",
) -> list[Finding]:
    """Every finding in the narratives of ``records``, for the reporting period ``start`` to
    ``end`` and the disclosure ``rule``."""
    figures = _figures(records, start, end, rule, area_code, area_name)
    found: list[Finding] = []
    for text in _texts(records):
        found += _read_text(text, figures, rule)
    return found


def _figures(
    records: LocalRecords,
    start: dt.date,
    end: dt.date,
    rule: tables.Suppression,
    area_code: str,
    area_name: str,
) -> dict[str, _Figure]:
    """Each figure of the records that declares nouns: its value and whether it is withheld."""
    period = period_label(start, end)
    figures = {}
    for indicator in LOCAL_COUNTS:
        if not indicators.get(indicator).nouns:
            continue
        row = tidy_row(
            records,
            indicator,
            area_code=area_code,
            area_name=area_name,
            period=period,
            start=start,
            end=end,
        )
        value = None if row["status"] else float(row["value"])
        shown = tables.protect(row, rule)
        withheld = str(shown["status"]) in tables.DISCLOSURE_STATUSES
        figures[indicator] = _Figure(indicator, value, withheld, str(row["source_file"]))
    return figures


def _texts(records: LocalRecords) -> Iterator[_Text]:
    """Every narrative the report shows, with how to say where an offset in it is."""
    for name, file in records.narrative_files().items():
        narrative = records.text(name)
        if narrative is None or narrative.draft:
            continue  # a draft is shown as "to be written", not in its words
        checked = bool(getattr(narrative.meta, CHECKED_KEY, False))
        source = records.source_file(file)
        if file.endswith(WORD_SUFFIX):
            body = narrative.markdown
            yield _Text(body, source, checked, _paragraphs(body))
        else:
            raw = read_text(records.folder / file, source)
            yield _Text(raw, source, checked, _lines(raw))
    cover = records.document(CoverReport)
    if cover is not None:
        path = records.folder / COVER_FILE
        source = records.source_file(COVER_FILE)
        raw = read_text(path, source)
        # Comments are the kit's and the analyst's notes, not the report's words.
        said = "\n".join("" if line.lstrip().startswith("#") else line for line in raw.split("\n"))
        yield _Text(said, source, cover.disclosure_checked, _lines(said))
    for record in records.rows(KeyMessage):
        message = record.data.message
        yield _Text(message, record.source_file, False, lambda _, r=record: f"{r.unit} {r.line}")


_BLANK_LINE = re.compile(r"\n\s*\n")


def _lines(text: str) -> Any:
    return lambda offset: f"line {text.count(chr(10), 0, offset) + 1}"


def _paragraphs(text: str) -> Any:
    def place(offset: int) -> str:
        return f"paragraph {len(_BLANK_LINE.findall(text[:offset].lstrip())) + 1}"

    return place


def _nouns() -> list[tuple[re.Pattern[str], str, tuple[str, ...]]]:
    """(pattern, noun, what it may count) for every noun, longest first: each figure's
    declared nouns (the figures' ids) and the nouns of people (the unit, ``children``)."""
    targets: dict[str, list[str]] = {}
    for indicator in LOCAL_COUNTS:
        for noun in indicators.get(indicator).nouns:
            targets.setdefault(noun, []).append(indicator)
    for unit, nouns in indicators.PEOPLE_NOUNS.items():
        for noun in nouns:
            targets.setdefault(noun, []).append(unit)
    return [
        (re.compile(r"\s+".join(re.escape(w) for w in noun.split()) + r"\b", re.I), noun, tuple(t))
        for noun, t in sorted(targets.items(), key=lambda kv: -len(kv[0]))
    ]


_NOUNS = _nouns()


def _value(number: str) -> int:
    words = " ".join(number.lower().split())
    return WORDS[words] if words in WORDS else int(number.replace(",", ""))


def _names_a_thing(text: str, start: int, number: str) -> bool:
    """Whether the number names a thing (section 11, 2022) rather than counts."""
    before = re.findall(r"[\w']+", text[max(0, start - 30) : start])
    if before and before[-1].lower() in _NAMES_A_THING:
        return True
    return number.isdigit() and len(number) == 4 and 1900 <= int(number) <= 2100


def _noun_after(text: str, end: int) -> tuple[int, str, tuple[str, ...]] | None:
    """The noun that follows a number ending at ``end``, with at most ``_BETWEEN`` words
    between: (where it ends, the noun, what it may count)."""
    position = end
    for _ in range(_BETWEEN + 1):
        rest = text[position:]
        gap = len(rest) - len(rest.lstrip())
        for pattern, noun, targets in _NOUNS:
            match = pattern.match(rest, gap)
            if match:
                return position + match.end(), noun, targets
        word = re.match(r"\s*([\w'-]+)", rest)
        if word is None or word.group(1).lower() in _STOP:
            return None
        position += word.end()
    return None


def _sentence(text: str, start: int, end: int) -> str:
    """The clause around text[start:end]: a word that says which figure a number is ("we
    published ...") must be in the same part of its sentence."""
    marks = (". ", "? ", "! ", "\n\n", ": ", "; ", ", ")
    opening = max(text.rfind(mark, 0, start) for mark in marks)
    closing = [i for mark in marks if (i := text.find(mark, end)) != -1]
    return text[opening + 1 : min(closing) if closing else len(text)]


def _read_text(text: _Text, figures: dict[str, _Figure], rule: tables.Suppression) -> list[Finding]:
    found = []
    for match in _NUMBER.finditer(text.text):
        number = match.group("n")
        if _names_a_thing(text.text, match.start(), number):
            continue
        after = _noun_after(text.text, match.end())
        if after is None:
            continue
        noun_end, noun, targets = after
        words = " ".join(text.text[match.start() : noun_end].split())
        sentence = _sentence(text.text, match.start(), noun_end)
        rough = _ROUGHLY.search(text.text[max(0, match.start() - 15) : match.start()]) is not None
        finding = _judge(
            _value(number), noun, targets, sentence, figures, rule, text.checked, rough
        )
        if finding is not None:
            level, said, strict = finding
            found.append(
                Finding(level, text.source, text.place(match.start()), words, said, strict)
            )
    return found


def _judge(
    n: int,
    noun: str,
    targets: Sequence[str],
    sentence: str,
    figures: dict[str, _Figure],
    rule: tables.Suppression,
    checked: bool,
    rough: bool = False,
) -> tuple[Literal["error", "warning"], str, bool] | None:
    """What is wrong with ``n`` ``noun`` in ``sentence``, if anything: (level, why, strict).
    A ``rough`` number ("more than 5,000") is not held to the figure."""
    candidates = [figures[t] for t in targets if t in figures]
    qualified = [f for f in candidates if _said_with(f.indicator, sentence)]
    plain = [f for f in candidates if not indicators.get(f.indicator).said_with]
    stated = [f for f in (qualified or plain) if f.value is not None]
    for figure in stated:
        if figure.value == n and figure.withheld:
            label = indicators.get(figure.indicator).label
            why = tables.reason(tables.SMALL, figure.indicator)
            return (
                "error",
                f"states the figure '{label}' ({figure.source}), which the report withholds: "
                f"it {why}. Say it without the number, or not at all.",
                False,
            )
    if any(f.value == n for f in stated):
        return None
    if stated and not rough:
        gives = "; ".join(
            f"{indicators.get(f.indicator).label}: {f.value:g} ({f.source})" for f in stated
        )
        return ("warning", f"says {n} {noun} where the records give {gives}.", False)
    people = [t for t in targets if t in indicators.PEOPLE_NOUNS]
    if people and rule.hides(n) and not checked and not stated:
        return (
            "warning",
            f"a count of {people[0]} {rule.words()}, which no figure of the report gives: "
            "the tables would withhold it. Check that it identifies no one, then set "
            f"'{CHECKED_KEY}: true' in the front matter (a --strict build refuses it until "
            "then), or say it without the number.",
            True,
        )
    return None


def _said_with(indicator: str, sentence: str) -> bool:
    word = indicators.get(indicator).said_with
    return bool(word) and re.search(rf"\b{re.escape(word)}", sentence, re.I) is not None


def roles(records: LocalRecords) -> list[Finding]:
    """A warning for each name given two different roles in one report's records (the
    foreword's and the response's signatories, the cover report's people)."""
    held: dict[str, list[tuple[str, str]]] = {}
    for name, file in records.narrative_files().items():
        narrative = records.text(name)
        if narrative is None or narrative.draft:
            continue
        for person in getattr(narrative.meta, "signed_by", []):
            held.setdefault(person.name, []).append((person.role, records.source_file(file)))
    cover = records.document(CoverReport)
    if cover is not None:
        source = records.source_file(COVER_FILE)
        people: list[Person | Contact] = [*cover.from_, *cover.authors, cover.director]
        for person in people:
            held.setdefault(person.name, []).append((person.role, source))
    found = []
    for name, places in held.items():
        distinct = _distinct_roles([role for role, _ in places])
        if len(distinct) > 1:
            where = "; ".join(
                f"'{role}' ({', '.join(dict.fromkeys(s for r, s in places if r == role))})"
                for role in distinct
            )
            found.append(
                Finding(
                    "warning",
                    places[0][1],
                    "signatories",
                    name,
                    f"one name holds two roles: {where}. Give each person one role.",
                )
            )
    return found


def _distinct_roles(roles: Sequence[str]) -> list[str]:
    """The roles that are not the same job said at more or less length ('Corporate Director,
    CYPE' and 'Corporate Director, CYPE, Kent County Council' are one)."""

    def key(role: str) -> str:
        return " ".join(re.findall(r"\w+", role.lower()))

    kept: list[str] = []
    for role in sorted(dict.fromkeys(roles), key=len):
        if not any(key(role).startswith(key(k)) for k in kept):
            kept.append(role)
    return kept


def refusal(findings: Sequence[Finding], *, strict: bool) -> str:
    """The message that stops a build or fails ``check``: each error, and under ``strict`` each
    finding a strict build refuses; "" when nothing is refused."""
    refused = [f for f in findings if f.level == "error" or (strict and f.strict)]
    if not refused:
        return ""
    listed = "; ".join(f.text() for f in refused)
    return f"{len(refused)} number(s) in the narratives cannot be published: {listed}"
