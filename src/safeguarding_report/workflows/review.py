"""``review OLD NEW``: what changed between two drafts, on one page for reviewers.

``review.html`` is written beside the newer draft's report, for the board members and partners
who read drafts. It lists, section by section, the paragraphs added, removed and rewritten
(the words inserted and deleted marked as such), the tables whose cells changed and the
charts whose data changed; and every figure whose shown value changed (from what, to what,
and the places in the new draft that show it), with the file, line and column it is read
from in a column of its own for analysts. Each change links to its place in the new draft by
its reference number. Counts are in words ("2 changes: one paragraph rewritten and one figure
updated"), the same words ``review`` prints.

The page is exact, not a comparison of two web pages: the narrative and the tables and charts
come from each draft's ``references.json`` (what the build numbered in the executed notebooks:
the Markdown paragraphs, the library's sentences, table cells and chart data), the figures from
``figures.csv``. The count at the top says how many changes the drafts were made from (a
paragraph edited, a figure whose source changed) and how many places follow from them (the
sentences, tables, charts and derived figures that use a changed figure).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import markupsafe

from safeguarding_report.core.errors import ReportError
from safeguarding_report.core.store import replacing
from safeguarding_report.pipeline import draft
from safeguarding_report.pipeline.draft import Block, Notice
from safeguarding_report.report import fragments
from safeguarding_report.workflows import diff

REVIEW_FILE = "review.html"
REPORT_FILE = "report.html"
IDENTITY = ("indicator", "area_code", "period", "breakdown")
TEXT_KINDS = frozenset({"heading", "paragraph", "note"})  # compared word by word
COVER_SECTION = "cover"
SIMILAR = 0.5  # two blocks whose words are at least this alike are one block changed
LOOK_AHEAD = 50  # new blocks an old one is looked for among, after the last pair found
# The order the count names the kinds of change in: the narrative's, then the figures'.
_ORDER = [
    (noun, verb)
    for noun in ("paragraph", "heading", "figure")
    for verb in ("rewritten", "updated", "added", "removed")
]

Identity = tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """A place in the new draft: its reference number and the link to it."""

    ref: str
    href: str


@dataclass
class FigureChange:
    """A figure whose shown value changed, and where the new draft shows it."""

    identity: Identity
    what: str  # e.g. "Re-referrals within 12 months (%), Kent, 2022"
    before: str  # as shown; "" when the older draft did not show it
    after: str  # as shown; "" when the newer draft does not show it
    source: str  # file, line and column it is read from
    derivation: str  # how it was worked out; "" when read as it is
    places: list[Place] = field(default_factory=list)
    in_cover: bool = False  # the committee cover report shows it too
    follows: str = ""  # for a derived figure: the source of the change it follows from

    @property
    def direct(self) -> bool:
        """Read as the file holds it (or withheld), not worked out from other figures."""
        return not self.derivation or self.derivation.startswith("withheld")

    @property
    def change(self) -> str:
        """What happened to it: "updated", "added" (newly shown) or "removed"."""
        return "added" if not self.before else "removed" if not self.after else "updated"

    def sources(self) -> set[tuple[str, str]]:
        """(file, line) of each line it is read from."""
        file, _, rest = self.source.partition(", line ")
        lines = rest.partition(", column ")[0]
        return {(file, line.strip()) for line in lines.split(";") if line.strip()}


@dataclass
class ParagraphChange:
    """A paragraph added, removed or changed."""

    change: str  # "added", "removed" or "changed"
    place: Place  # where it is in the new draft (a removed one: its section)
    old_ref: str  # its number in the older draft ("" when added)
    words: markupsafe.Markup  # the text, with what was inserted and deleted marked up
    figures: list[str]  # the changed figures it shows (empty: the narrative itself changed)
    note: bool = False  # a note under a table or chart (how its figures were worked out)
    heading: bool = False  # a heading, not a paragraph

    @property
    def noun(self) -> str:
        """What it is, to a reader."""
        return "note under a table or chart" if self.note else _noun(self.heading)

    @property
    def verb(self) -> str:
        """What happened to it: added, removed, rewritten (its own words) or updated (a figure
        it shows, or a note the kit writes, changed)."""
        if self.change != "changed":
            return self.change
        return "updated" if self.figures or self.note else "rewritten"

    @property
    def why(self) -> str:
        """Which updated figures it shows, in words ("" when its own words changed)."""
        if not self.figures:
            return ""
        figures = "figure" if len(self.figures) == 1 else "figures"
        return f"it shows the updated {figures} {_listed(self.figures)}"


@dataclass
class TableChange:
    """A table whose cells changed: one line per cell, row added or row removed."""

    place: Place
    caption: str
    cells: list[tuple[Place, str]]


@dataclass
class ChartChange:
    """A chart whose data changed: one line per point."""

    place: Place
    title: str
    points: list[str]


@dataclass
class SectionChanges:
    """What changed in one section (or appendix) of the report."""

    heading: str  # e.g. "6. Learning from reviews"
    place: Place
    paragraphs: list[ParagraphChange] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)
    charts: list[ChartChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.paragraphs or self.tables or self.charts)


@dataclass
class Review:
    """Everything review.html shows."""

    old: Notice  # the older draft's notice: the day it was built, the hash of its inputs
    new: Notice
    figures: list[FigureChange]
    sections: list[SectionChanges]

    @property
    def drafts(self) -> str:
        """Which drafts are compared, by the day each was built."""
        if self.old.built == self.new.built:
            return f"between two drafts built on {self.new.day}"
        return f"between the draft built on {self.old.day} and the one built on {self.new.day}"

    @property
    def inputs(self) -> str:
        """The hashes of the two drafts' inputs, for an analyst."""
        if self.old.inputs == self.new.inputs:
            return f"Both drafts were built from the same inputs ({self.new.inputs})."
        return f"Inputs: {self.old.inputs} (older draft), {self.new.inputs} (newer draft)."

    @property
    def narrative(self) -> list[ParagraphChange]:
        """Paragraphs whose own words changed (they show no changed figure and are not a
        note the kit writes under a table or chart)."""
        return [p for s in self.sections for p in s.paragraphs if not p.figures and not p.note]

    @property
    def sources(self) -> list[FigureChange]:
        """The figures whose change comes from their source, one per source cell."""
        return [f for f in self.figures if not f.follows]

    @property
    def count(self) -> str:
        """The changes the drafts were made from, in words: "2 changes: one paragraph
        rewritten and one figure updated"; "3 changes: 2 paragraphs rewritten, one added and
        one figure updated"; "No changes" when there are none."""
        made = Counter(
            [(p.noun, p.verb) for p in self.narrative]
            + [("figure", f.change) for f in self.sources]
        )
        if not made:
            return "No changes"
        kinds, previous = [], ""
        for (noun, verb), n in sorted(made.items(), key=lambda item: _ORDER.index(item[0])):
            # The noun once per kind of block: "2 paragraphs rewritten, one added".
            kinds.append(f"{_count(n, noun) if noun != previous else _count(n, '')} {verb}")
            previous = noun
        return f"{_count(made.total(), 'change').capitalize()}: {_listed(kinds)}"

    @property
    def follows(self) -> str:
        """What follows from the changed figures, in words ("" when nothing changed)."""
        if not self.narrative and not self.sources:
            return ""
        paragraphs = [p for s in self.sections for p in s.paragraphs]
        sentences = sum(1 for p in paragraphs if p.figures and not p.note)
        tables = sum(len(s.tables) for s in self.sections)
        charts = sum(len(s.charts) for s in self.sections)
        notes = sum(1 for p in paragraphs if p.note)
        derived = sum(1 for f in self.figures if f.follows)
        said = []
        showing = [
            _count(n, noun)
            for n, noun in ((sentences, "sentence"), (tables, "table"), (charts, "chart"))
            if n
        ]
        if showing:
            verb = "shows" if sentences + tables + charts == 1 else "show"
            figures = "figure" if len(self.sources) == 1 else "figures"
            said.append(f"{_listed(showing)} {verb} the updated {figures}")
        if notes:
            note = "note under a table or chart" if notes == 1 else "notes under tables and charts"
            said.append(f"{_count(notes, note, note)} changed")
        if derived:
            said.append(f"{_count(derived, 'figure')} worked out from them changed too")
        if not said:
            return "Nothing else changed because of them."
        return f"What follows from them: {'; '.join(said)}."

    @property
    def summary(self) -> str:
        """The count and what follows, as ``review`` prints them."""
        return f"{self.count}. {self.follows}".strip()


def write(old: Path, new: Path) -> tuple[Path, Review]:
    """Compare the drafts in folders ``old`` and ``new``; write ``new/review.html``."""
    found = compare(old, new)
    path = new / REVIEW_FILE
    with replacing(path) as handle:
        handle.write(render(found).encode("utf-8"))
    return path, found


def compare(old: Path, new: Path) -> Review:
    """What changed from the draft in ``old`` to the draft in ``new``."""
    old_notice, _, old_blocks = _references(old)
    new_notice, parts, new_blocks = _references(new)
    figures = _figure_changes(old, new, new_blocks)
    changed = {f.identity: f for f in figures}
    sections = []
    for part in parts:
        name = part["name"]
        before = [b for b in old_blocks if b.part == name]
        after = [b for b in new_blocks if b.part == name]
        heading = (
            f"{part['label']}. {part['title']}"
            if part["label"].isdigit()
            else (f"{part['label']}: {part['title']}")
        )
        section = SectionChanges(heading, Place(part["label"], f"{REPORT_FILE}#{part['anchor']}"))
        section.paragraphs = _paragraphs(before, after, changed, section.place)
        section.tables = _tables(before, after)
        section.charts = _charts(before, after)
        if section:
            sections.append(section)
    return Review(old_notice, new_notice, figures, sections)


def render(found: Review) -> str:
    """review.html: one self-contained page, no scripts, every value escaped."""
    return fragments.page("review", "review.html.j2", "review.css", review=found)


def word_diff(old: str, new: str) -> markupsafe.Markup:
    """``new`` with the words deleted from ``old`` in <del> and those inserted in <ins>; each
    also says so in words for a screen reader (difflib matches the words)."""
    a, b = old.split(), new.split()
    out: list[markupsafe.Markup] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(markupsafe.escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(_marked("del", "deleted", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(_marked("ins", "inserted", " ".join(b[j1:j2])))
    return markupsafe.Markup(" ").join(out)


def _marked(tag: str, said: str, words: str) -> markupsafe.Markup:
    return markupsafe.Markup(
        '<{0}><span class="visually-hidden">[{1}: </span>{2}<span class="visually-hidden">]'
        "</span></{0}>"
    ).format(markupsafe.Markup(tag), said, words)


# -- reading the drafts ------------------------------------------------------------------------


def _references(folder: Path) -> tuple[Notice, list[dict[str, str]], list[Block]]:
    path = folder / draft.REFERENCES_FILE
    if not path.is_file():
        raise ReportError(
            f"{folder}: no {draft.REFERENCES_FILE}, so this is not a draft for review. Build "
            "each version to compare with --draft (make report DRAFT=1), copy the older one's "
            "folder aside before building the newer, then run review on the two folders."
        )
    try:
        return draft.read_references(path)
    except (ValueError, KeyError, TypeError) as exc:
        raise ReportError(
            f"{path}: cannot be read ({exc}). Expected the file a --draft build writes; "
            "build the draft again."
        ) from exc


def _label(identity: Identity, area_name: str) -> str:
    from safeguarding_report.core import indicators

    indicator, _, period, breakdown = identity
    try:
        name = indicators.get(indicator).label
    except KeyError:  # a figure of a kit newer or older than this one
        name = indicator.replace("_", " ").capitalize()
    # "kind: rapid review; decided" says "rapid review, decided" to a reader.
    which = ", ".join(part.rpartition(": ")[2] for part in breakdown.split("; ") if part)
    return ", ".join(x for x in (name, which, area_name, period) if x)


def _figure_changes(old: Path, new: Path, blocks: Sequence[Block]) -> list[FigureChange]:
    """Each figure whose shown text or status changed, once however often it is shown."""
    found: dict[Identity, FigureChange] = {}
    cover: set[Identity] = set()
    for difference in diff.compare(old, new):
        before, after = difference.before, difference.after
        row = after or before
        assert row is not None
        identity = tuple(row[k] for k in IDENTITY)
        if row["section"] == COVER_SECTION:
            cover.add(identity)
        if before and after and all(before[k] == after[k] for k in ("shown", "status")):
            continue  # the same text from a value changed beyond what is shown
        if identity in found:
            continue
        found[identity] = FigureChange(
            identity,
            _label(identity, row["area_name"]),
            before["shown"] if before else "",
            after["shown"] if after else "",
            _source(row),
            row["derivation"],
        )
    for change in found.values():
        change.places = _places(change.identity, blocks)
        change.in_cover = change.identity in cover
    _trace(list(found.values()))
    return list(found.values())


def _source(row: dict[str, str]) -> str:
    """Where a figure was read: a file's line, or a workbook sheet's row, and the column."""
    where = "row" if ", sheet '" in row["source_file"] else "line"
    return f"{row['source_file']}, {where} {row['source_line']}, column {row['source_column']}"


def _trace(changes: list[FigureChange]) -> None:
    """Mark each worked-out figure that uses a line whose directly read figure changed."""
    roots = {source: change for change in changes if change.direct for source in change.sources()}
    for change in changes:
        if change.direct:
            continue
        for source in sorted(change.sources()):
            if source in roots:
                change.follows = roots[source].what
                break


def _places(identity: Identity, blocks: Sequence[Block]) -> list[Place]:
    """Where the new draft shows a figure: its rows, paragraphs and charts (a table only
    when none of its rows names it). A note under a table or chart says how their figures
    were worked out: it is not a place that shows one."""
    showing = [
        b for b in blocks if b.kind != "note" and any(_identity(f) == identity for f in b.figures)
    ]
    rows = {b.ref.rsplit(".", 1)[0] for b in showing if b.kind == "row"}
    return [_place(b.ref) for b in showing if not (b.kind == "table" and b.ref in rows)]


def _identity(figure: dict[str, str]) -> Identity:
    return tuple(figure.get(k, "") for k in IDENTITY)


def _place(ref: str) -> Place:
    return Place(ref, f"{REPORT_FILE}#{draft.anchor(ref)}")


# -- comparing one section --------------------------------------------------------------------


def _pairs(
    before: Sequence[Block], after: Sequence[Block], key: str
) -> Iterable[tuple[Block | None, Block | None]]:
    """Blocks of two drafts matched up in order by their ``key`` (text, slug ...): equal ones
    paired, replaced ones paired in order, the rest alone."""
    a = [str(getattr(b, key)) for b in before]
    b = [str(getattr(x, key)) for x in after]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = list(before[i1:i2]), list(after[j1:j2])
        if tag == "equal":
            yield from zip(olds, news, strict=True)
        else:
            yield from _closest(olds, news, key)


def _closest(
    olds: Sequence[Block], news: Sequence[Block], key: str
) -> Iterable[tuple[Block | None, Block | None]]:
    """Blocks that differ, in order: each old one paired with the first new one after the last
    pair whose words are mostly the same (a changed block), the rest added or removed.

    An old block is looked for among the next ``LOOK_AHEAD`` new ones only, so that two drafts
    rewritten throughout are compared in time that grows with their length, not its square (a
    block moved further than that reads as removed and added, which it also is)."""
    start = 0
    for old in olds:
        words = str(getattr(old, key)).split()
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(words)  # difflib caches what it learns of the second sequence
        for index in range(start, min(start + LOOK_AHEAD, len(news))):
            matcher.set_seq1(str(getattr(news[index], key)).split())
            if (
                matcher.real_quick_ratio() >= SIMILAR
                and matcher.quick_ratio() >= SIMILAR
                and matcher.ratio() >= SIMILAR
            ):
                yield from ((None, new) for new in news[start:index])
                yield old, news[index]
                start = index + 1
                break
        else:
            yield old, None
    yield from ((None, new) for new in news[start:])


def _paragraphs(
    before: Sequence[Block],
    after: Sequence[Block],
    changed: dict[Identity, FigureChange],
    section: Place,
) -> list[ParagraphChange]:
    olds = [b for b in before if b.kind in TEXT_KINDS]
    news = [b for b in after if b.kind in TEXT_KINDS]
    out = []
    for old, new in _pairs(olds, news, "text"):
        if old is not None and new is not None and old.text == new.text:
            continue
        shown = [*(old.figures if old else []), *(new.figures if new else [])]
        figures = list(
            dict.fromkeys(changed[i].what for f in shown if (i := _identity(f)) in changed)
        )
        block = new if new is not None else old
        assert block is not None  # a pair has at least one side
        note = block.kind == "note"
        heading = block.kind == "heading"
        if new is None:
            assert old is not None
            words = word_diff(old.text, "")
            out.append(ParagraphChange("removed", section, old.ref, words, figures, note, heading))
        else:
            out.append(
                ParagraphChange(
                    "changed" if old else "added",
                    _place(new.ref),
                    old.ref if old else "",
                    word_diff(old.text if old else "", new.text),
                    figures,
                    note,
                    heading,
                )
            )
    return out


def _rows(blocks: Sequence[Block], table: Block) -> list[Block]:
    return [b for b in blocks if b.kind == "row" and b.ref.rsplit(".", 1)[0] == table.ref]


def _tables(before: Sequence[Block], after: Sequence[Block]) -> list[TableChange]:
    olds = [b for b in before if b.kind == "table"]
    news = [b for b in after if b.kind == "table"]
    out = []
    for old, new in _pairs(olds, news, "text"):
        if new is None or old is None:
            continue  # a table added or removed shows as its section's other changes
        lines = _cells(_rows(before, old), _rows(after, new), new.cells, _place(new.ref))
        if lines:
            out.append(TableChange(_place(new.ref), new.text, lines))
    return out


def _cells(
    olds: Sequence[Block], news: Sequence[Block], columns: Sequence[str], table: Place
) -> list[tuple[Place, str]]:
    """One line per cell changed, row added and row removed; rows matched by their first cell
    (their heading), else by order."""
    headings = [r.cells[0] if r.cells else "" for r in olds]
    by_heading = len(set(headings)) == len(headings)
    old_rows = {(r.cells[0] if by_heading and r.cells else str(i)): r for i, r in enumerate(olds)}
    lines: list[tuple[Place, str]] = []
    seen = set()
    for index, row in enumerate(news):
        key = row.cells[0] if by_heading and row.cells else str(index)
        seen.add(key)
        previous = old_rows.get(key)
        place = _place(row.ref)
        if previous is None:
            lines.append((place, f"New row: {_row(row.cells, columns)}"))
            continue
        for column, (a, b) in enumerate(zip(previous.cells, row.cells, strict=False)):
            if a != b:
                name = columns[column] if column < len(columns) else f"column {column + 1}"
                lines.append((place, f"{row.cells[0]}, {name}: {_from_to(a, b)}"))
    for key, row in old_rows.items():
        if key not in seen:
            lines.append((table, f"Row removed: {_row(row.cells, columns)}"))
    return lines


def _row(cells: Sequence[str], columns: Sequence[str]) -> str:
    """A row in words: its heading, then each other cell after its column's heading."""
    if not cells:
        return "(empty)"
    named = [
        f"{columns[i]} {cell}" if i < len(columns) and columns[i] else cell
        for i, cell in enumerate(cells[1:], start=1)
    ]
    return f"{cells[0]} ({', '.join(named)})" if named else cells[0]


def _charts(before: Sequence[Block], after: Sequence[Block]) -> list[ChartChange]:
    olds = {b.chart or b.text: b for b in before if b.kind == "chart"}
    out = []
    for new in (b for b in after if b.kind == "chart"):
        old = olds.get(new.chart or new.text)
        if old is None:
            continue
        was = {tuple(p[:3]): p[3] for p in old.data}
        now = {tuple(p[:3]): p[3] for p in new.data}
        points = [
            f"{', '.join(x for x in key if x)}: {_from_to(was.get(key, ''), now.get(key, ''))}"
            for key in [*now, *(k for k in was if k not in now)]
            if was.get(key) != now.get(key)
        ]
        if old.text != new.text:
            points.insert(0, f"Title: {_from_to(old.text, new.text)}")
        if points:
            out.append(ChartChange(_place(new.ref), new.text, points))
    return out


# -- in words -----------------------------------------------------------------------------------


def _from_to(old: str, new: str) -> str:
    """A value's change in words: 'from 1,624 to 1,702'; a value new or gone says so."""
    if not old:
        return f"{new} (new)"
    if not new:
        return f"{old} (no longer shown)"
    return f"from {old} to {new}"


def _count(n: int, singular: str, plural: str = "") -> str:
    """'one paragraph', '2 paragraphs', '1,024 paragraphs' (GOV.UK style: 'one' in words);
    'one' or '2' alone when ``singular`` is empty."""
    if n == 1:
        return f"one {singular}".strip()
    return f"{n:,} {plural or (singular + 's' if singular else '')}".strip()


def _noun(heading: bool) -> str:
    return "heading" if heading else "paragraph"


def _listed(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
