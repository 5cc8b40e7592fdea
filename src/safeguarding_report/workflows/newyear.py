"""``new-year``: next year's params file and local folder, made from this year's.

The period, the comparison year and the publication date move on a year; the partnership's
details (name, local authority, framework, trend length) are carried over. In the local
folder, the narratives (foreword, scrutiny, the response) are carried over with
``draft: true`` set, so the report shows them as "to be written" and a ``--strict`` build
refuses to publish them unchanged; ``about.yaml`` and the records that describe the
partnership itself (partners, subgroups) are carried over as they were; this year's
``next_priorities.csv`` becomes next year's ``priorities.csv`` and ``priority_measures.csv``
(``promised.py``: each measure's baseline is this year's latest figure), each new priority's
account to write; every other record of the year that the framework's sections read is left to
supply. ``check`` then names each item.

``new-year`` writes whole or not at all: next year's folder is made in a staging folder beside
it (``data/local/.<id>.new-year-<hex>/``) and moved into place when complete, then the params
file is written in one step; a narrative it cannot carry over (a Word file that is not a plain
``.docx``) stops it with the error the build gives, before anything is in place, and a
``new-year`` stopped without warning leaves a staging folder the next one removes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding_report.core import framework, limits, params, store
from safeguarding_report.core.errors import ReportError
from safeguarding_report.local.catalogue import (
    ABOUT_FILE,
    CSV_TEMPLATES,
    PRIORITY_FOLDER,
    TEXT_TEMPLATES,
    WORD_SUFFIX,
    WORKBOOK_FILE,
    sheet_source,
)
from safeguarding_report.local.read import PARSE_ERRORS, office_package, unreadable
from safeguarding_report.local.records import LocalRecords
from safeguarding_report.local.word import KIND as WORD_KIND
from safeguarding_report.local.word import as_draft as docx_as_draft
from safeguarding_report.local.workbook import write_workbook
from safeguarding_report.pipeline import publish
from safeguarding_report.report.narratives import CHECKED_KEY
from safeguarding_report.workflows import promised

log = logging.getLogger(__name__)

# Records that describe the partnership rather than its year: carried over as they were.
CARRIED_RECORDS: tuple[str, ...] = ("partners", "subgroups")
# Records made from this year's next_priorities.csv (promised.py).
PROMISED_RECORDS: tuple[str, ...] = ("priorities", "priority_measures")
STAGING_INFIX = ".new-year-"  # data/local/.<id>.new-year-<hex>/: next year's, being made
_DRAFT_LINE = re.compile(r"^draft:.*$", re.MULTILINE)
_CHECKED_LINE = re.compile(rf"^{CHECKED_KEY}:.*$", re.MULTILINE)


@dataclass(frozen=True)
class NewYear:
    """What ``new_year`` wrote, and what is left for the analyst to do."""

    params_file: Path
    local_folder: Path
    carried: list[str] = field(default_factory=list)  # files copied as they were
    to_update: list[str] = field(default_factory=list)  # narratives carried over as drafts
    to_supply: list[str] = field(default_factory=list)  # files of this year's records
    # Made from this year's next_priorities.csv, and what is left in them to fill in.
    promised: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def next_id(p: params.Params) -> str:
    """'kent-2022' -> 'kent-2023'; an id not ending in its year gets the new year added."""
    new_year = p.period_end.year + 1
    for year in {p.period_end.year, p.comparison_year}:
        if p.id.endswith(f"-{year}"):
            return p.id.removesuffix(f"-{year}") + f"-{year + 1}"
    return f"{p.id}-{new_year}"


def _a_year_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def params_text(p: params.Params, new_id: str, source: Path) -> str:
    """The new params file, each key with the comment saying what it is."""
    return "\n".join(
        [
            f"# {p.partnership}: yearly report for {p.period_end.year} to {p.period_end.year + 1}.",
            f"# Made by new-year from {source}: run `safeguarding-report check` on this file "
            "for what is still to supply or update.",
            f"id: {new_id}",
            f"partnership: {p.partnership}",
            _local_authority(p),
            f"period_start: {_a_year_on(p.period_start)}            # first day of the period",
            f"period_end: {_a_year_on(p.period_end)}              # last day of the period",
            f"comparison_year: {p.comparison_year + 1}               # published statistics "
            f"for the year ending 31 March {p.comparison_year + 1}",
            f"trend_years: {p.trend_years}                     # years the trends show",
            f"publication_date: {_a_year_on(p.publication_date)}        # to update: the "
            "date it will be published",
            f"framework: {p.framework}                   # statutory framework",
            *_kept_choices(p),
            "",
        ]
    )


def _kept_choices(p: params.Params) -> list[str]:
    """The keys this year's params file chose where the kit has a default (the disclosure
    thresholds, raised limits), kept as they were: a partnership's choice lasts."""
    lines = []
    if (p.suppress_from, p.suppress_to) != (params.Params.suppress_from, params.Params.suppress_to):
        lines += [f"suppress_from: {p.suppress_from}", f"suppress_to: {p.suppress_to}"]
    if p.reliable_from != params.Params.reliable_from:
        lines.append(f"reliable_from: {p.reliable_from}")
    if raised := p.limits.raised():
        lines += ["limits:", *(f"  {name}: {value}" for name, value in raised.items())]
    return lines


def _local_authority(p: params.Params) -> str:
    """The ``local_authority`` key as written: one code, or the list of several."""
    if len(p.local_authorities) == 1:
        return f"local_authority: {p.local_authority}          # E-code (or old 3-digit code)"
    listed = "".join(f'\n  - "{code}"' for code in p.local_authorities)
    return f"local_authority:                    # the local authorities covered{listed}"


def as_draft(text: str, from_id: str) -> str:
    """A narrative's text with ``draft: true`` in its front matter (added if absent), and
    ``disclosure_checked`` set back to false."""
    line = f"draft: true  # carried over from {from_id}: write this year's text, then false"
    if not text.startswith("---"):
        return f"---\n{line}\n---\n\n{text}"
    head, sep, body = text[3:].partition("\n---")
    has_draft = _DRAFT_LINE.search(head) is not None
    head = _DRAFT_LINE.sub(line, head, count=1) if has_draft else f"\n{line}{head}"
    # Last year's check for disclosure was of last year's words: this year's are checked anew.
    head = _CHECKED_LINE.sub(f"{CHECKED_KEY}: false  # check this year's text again", head)
    return "---" + head + sep + body


def new_year(params_path: Path, root: Path, *, workbook: bool = False) -> NewYear:
    """Write next year's params file and local folder beside this year's; return what it did.

    The records go into one workbook (records.xlsx) with ``workbook``, or when this year's
    are in one; else into CSV files. Refuses (ReportError) when either already exists, so
    nothing written by hand is replaced.
    """
    p = params.load(params_path)
    new_id = next_id(p)
    target = params_path.parent / f"{new_id}.yaml"
    data = root / "data"
    new_folder = data / "local" / new_id
    for path in (target, new_folder):
        if path.exists():
            raise ReportError(
                f"{path}: already exists, so new-year would overwrite it. Remove or rename it "
                f"first, or edit it by hand (safeguarding-report check {target} says what is "
                "left to do)."
            )
    done = NewYear(target, new_folder)
    old = LocalRecords.lazy(data, p.id)
    used = framework.load(p.framework, data).templates()
    # Each narrative's file, found before anything is written: one written both in Markdown
    # and in Word stops new-year here, with the error that stops check and the build.
    written = old.narrative_files()
    with limits.applied(p.limits):
        # Read before anything is written: a wrong next_priorities.csv, or a baseline last
        # year's figures do not give, stops new-year here.
        made = promised.made(old, p, root) if "priorities" in used else None
    with limits.applied(p.limits), publish.made_whole(new_folder, STAGING_INFIX) as staged:
        _write_folder(old, p.id, staged, used, written, workbook, done, made)
    with store.replacing(target) as handle:
        handle.write(params_text(p, new_id, params_path).encode("utf-8"))
    log.debug("wrote %s and %s", target, new_folder)
    return done


def _write_folder(
    old: LocalRecords,
    old_id: str,
    staged: Path,
    used: Collection[str],
    written: dict[str, str],
    workbook: bool,
    done: NewYear,
    made: promised.Made | None,
) -> None:
    """Next year's local folder, in ``staged`` (its place when complete: ``done.local_folder``);
    what it carried over, and what is left to supply or update, added to ``done``."""
    old_folder, data = old.folder, old.folder.parent.parent
    shown = f"{data.name}/local/{done.local_folder.name}"
    if (old_folder / ABOUT_FILE).is_file():
        shutil.copyfile(old_folder / ABOUT_FILE, staged / ABOUT_FILE)
        done.carried.append(f"{shown}/{ABOUT_FILE}")
    else:
        done.to_supply.append(f"{shown}/{ABOUT_FILE}")
    workbook = workbook or (old_folder / WORKBOOK_FILE).is_file()
    if workbook:
        _records_workbook(old, data, staged, shown, used, done, made)
    for name, template in CSV_TEMPLATES.items():
        if workbook:
            break
        source = old_folder / template.file
        if name not in used:
            continue
        if name in PROMISED_RECORDS and made is not None and made.rows[name]:
            promised.write_csv(staged / template.file, template, made.rows[name])
            done.promised.append(f"{shown}/{template.file}")
        elif name in CARRIED_RECORDS and source.is_file():
            shutil.copyfile(source, staged / template.file)
            done.carried.append(f"{shown}/{template.file}")
        else:
            done.to_supply.append(f"{shown}/{template.file}")
    narratives = [written.get(t.name, t.file) for t in TEXT_TEMPLATES.values() if t.name in used]
    if made is not None and made.rows["priorities"]:
        # New priorities, so last year's accounts are not theirs: each is to write.
        (staged / PRIORITY_FOLDER).mkdir()
        done.to_supply.extend(
            f"{shown}/{PRIORITY_FOLDER}/{r['id']}.md" for r in made.rows["priorities"]
        )
    if made is not None:
        done.notes.extend(made.notes)
    for file in narratives:
        source = old_folder / file
        if source.is_file() and source.suffix == WORD_SUFFIX:
            _word_as_draft(source, old.source_file(file), staged / file, old_id)
            done.to_update.append(f"{shown}/{file}")
        elif source.is_file():
            text = source.read_text(encoding="utf-8")
            (staged / file).write_text(as_draft(text, old_id), encoding="utf-8")
            done.to_update.append(f"{shown}/{file}")
        else:
            done.to_supply.append(f"{shown}/{file}")


def _word_as_draft(source: Path, source_file: str, target: Path, old_id: str) -> None:
    """A Word narrative carried over as a draft; DataError naming it, as the build would, when
    it is not a Word document the kit reads (a macro-enabled file renamed .docx, a damaged
    one)."""
    with office_package(source, source_file, WORD_KIND):
        pass  # the checks the build makes of an office file, before python-docx opens it
    try:
        docx_as_draft(source, target, old_id)
    except PARSE_ERRORS as exc:
        raise unreadable(source_file, WORD_KIND, exc) from None


def _records_workbook(
    old: LocalRecords,
    data: Path,
    new_folder: Path,
    shown: str,
    used: Collection[str],
    done: NewYear,
    made: promised.Made | None,
) -> None:
    """Next year's records.xlsx, in ``new_folder`` (shown to the user as ``shown``): the
    records that describe the partnership carried over (from this year's workbook or CSV
    files), the priorities and their measures made from next_priorities, a sheet to fill in
    for every other."""
    chosen = [t for t in CSV_TEMPLATES.values() if t.name in used]
    held = {t.name: [r.data for r in old.rows(t.name)] for t in chosen if t.name in CARRIED_RECORDS}
    made_rows = {
        t.name: promised.models(t, made.rows[t.name])
        for t in chosen
        if made is not None and t.name in PROMISED_RECORDS and made.rows[t.name]
    }
    write_workbook(new_folder / WORKBOOK_FILE, chosen, {**held, **made_rows})
    for template in chosen:
        where = sheet_source(shown, template.name)
        if template.name in made_rows:
            done.promised.append(where)
        else:
            (done.carried if held.get(template.name) else done.to_supply).append(where)
