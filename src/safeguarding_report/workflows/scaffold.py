"""Start a report for any English local authority: its params file and empty local templates.

Several codes separated by commas (``new("E06000016,E10000018,E06000017", 2024)``) start the
report of a partnership that covers several authorities: the params file lists them, names the
partnership after them, and notes each one's region and statistical neighbours.

``new("E08000003", 2024)`` writes ``params/<id>.yaml`` with the authority's name, the
partnership's usual name, the reporting period and the framework in force at the period's end
(the newest whose in-force date is on or before it: see ``report.framework``), and notes its
region and statistical neighbours from the data; it creates the local templates of the sections
that framework lists (``registry.templates_of``), empty but valid, in ``data/local/<id>/``: a
framework without a section has no file for it to fill in (another's templates can be added
later with ``write_empty_templates``). The report then builds at once with the published statistics,
and each section says which of the partnership's records are still to be supplied.

``new`` writes whole or not at all: the templates are made in a staging folder beside
``data/local/<id>/`` and moved into place when complete, then the params file is written in one
step (``store.replacing``); a ``new`` that fails or is stopped leaves nothing that stops the next.
The report's id is the slug of the area's name and the year, cut to a short hash beyond
``ID_SLUG_CHARS`` (a partnership of twenty authorities has a name of 300 characters).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from safeguarding_report.core import framework, shorten, store
from safeguarding_report.core.errors import ParamsError
from safeguarding_report.core.params import JOIN, MAX_ID_CHARS
from safeguarding_report.data import Area, Published
from safeguarding_report.data.areas import LOCAL
from safeguarding_report.local import write_empty_templates
from safeguarding_report.pipeline import publish

# Years a statistic of every section is published for: what a report's year must be within.
ANCHOR_INDICATOR = "cla_at_31_march"
# The slug of the area's name in a report's id, before "-<year>": within the id's limit.
ID_SLUG_CHARS = 40
STAGING_INFIX = ".new-"  # data/local/.<id>.new-<hex>/: the templates, before they are in place


@dataclass(frozen=True)
class Scaffold:
    """What ``new`` wrote."""

    report_id: str
    params: Path
    local: Path
    created: list[Path]


def new(
    code: str,
    year: int,
    *,
    root: Path,
    framework_id: str | None = None,
    workbook: bool = False,
    partnership: str | None = None,
) -> Scaffold:
    """Write params and empty local templates for one authority's report on ``year``, or
    several authorities', their codes separated by commas (the records as one workbook,
    records.xlsx, with ``workbook``; else as CSV files). ``partnership`` is the name the
    partnership goes by, where it is not the one ``new`` gives (the area's name and the
    framework's usual suffix)."""
    published = Published(root / "data")
    codes = [c.strip() for c in code.replace(JOIN, ",").split(",") if c.strip()]
    authorities = [_authority(published, c) for c in codes]
    first: dict[str, str] = {}
    for given, authority in zip(codes, authorities, strict=True):
        if authority.code in first:
            raise ParamsError(
                f"{shorten.quoted(code)}: a local authority is named twice: {authority.name}, as "
                f"{first[authority.code]} and as {given}. Name each one once."
            )
        first[authority.code] = given
    area = published.combined_area(codes)
    held = published.periods(ANCHOR_INDICATOR)
    # The year after the newest held is a report written before the DfE publishes its year:
    # the build accepts it, its figures shown as not yet published (build._check_year).
    unpublished = year == published.unpublished_year() and year not in held
    if year not in held and not unpublished:
        raise ParamsError(
            f"--year {year}: the published files hold the years ending 31 March {held[0]} to "
            f"{held[-1]}. Choose one of those, or {published.unpublished_year()} (its figures "
            f"not yet published), or add the DfE's release for {year} to data/published/."
        )
    for authority in authorities:
        _check_existed(published, authority, year, held)
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    data = root / "data"
    fw = framework.load(framework_id, data) if framework_id else framework.in_force_on(end, data)
    framework.say_if_shadowed(fw.id, data)
    report_id = report_id_for(area.name, year)
    params = root / "params" / f"{report_id}.yaml"
    if params.exists():
        raise ParamsError(
            f"{params} already exists: it was not changed. Edit it, or remove it first to "
            "start again."
        )
    note = (
        f"# The DfE has not yet published the year ending 31 March {year}: its figures show as\n"
        f"# [x] until its releases are added to data/published/ (the newest held is {year - 1}).\n"
        if unpublished
        else ""
    )
    usual = f"{area.name} {fw.name_suffix}  # the partnership's usual name: check it"
    named = (
        f"partnership: {json.dumps(partnership, ensure_ascii=False) if partnership else usual}\n"
    )
    text = (
        f"# {area.name}: {fw.report_name} under {fw.guidance}, year ending 31 March {year}.\n"
        "# Written by `safeguarding-report new`: check the partnership's name, the period and\n"
        "# the publication date, then fill in the records in "
        f"data/local/{report_id}/ (see docs/local-data.md).\n"
        f"{''.join(_about(published, a, year, several=bool(area.parts)) for a in authorities)}"
        f"id: {report_id}\n"
        f"{named}"
        f"{_local_authority(area)}"
        f"period_start: {start.isoformat()}  # first day of the reporting period\n"
        f"period_end: {end.isoformat()}  # last day of the reporting period\n"
        f"comparison_year: {year}  # published statistics for the year ending 31 March {year}\n"
        f"{note}"
        "trend_years: 5  # how many years the trend tables and charts show\n"
        f"publication_date: {dt.date(year, 12, 15).isoformat()}  # shown on the title page\n"
        f"framework: {fw.id}  # statutory framework: {', '.join(framework.available(data))}\n"
    )
    local = data / "local" / report_id
    local.parent.mkdir(parents=True, exist_ok=True)
    # The templates whole, then the params file: a stopped or failed new leaves no params file,
    # so the next one starts again (keeping any template already in place).
    with publish.made_whole(local, STAGING_INFIX) as staged:
        made = write_empty_templates(staged, fw.templates(), workbook=workbook)
        created = [local / path.relative_to(staged) for path in made]
        created = [path for path in created if not path.exists()]
    with store.replacing(params) as handle:
        handle.write(text.encode("utf-8"))
    return Scaffold(report_id, params, local, created)


def _authority(published: Published, code: str) -> Area:
    area = published.area(code)
    if area.level != LOCAL:
        raise ParamsError(
            f"{code!r} is {area.name}, not a local authority. Give a local authority's E-code "
            "(E06, E08, E09 or E10) or its DfE 3-digit code, such as E08000003 or 352 (several "
            "separated by commas for a partnership that covers several)."
        )
    return area


def _check_existed(published: Published, area: Area, year: int, held: list[int]) -> None:
    if not published.areas.existed(area, year):
        alive = [y for y in held if published.areas.existed(area, y)]
        span = f"{alive[0]} to {alive[-1]}" if alive else "none of the years held"
        raise ParamsError(
            f"{area.name} ({area.old_code}, {area.code}) did not exist in the year ending 31 "
            f"March {year}: the files hold it for {span}. For earlier years, build the report "
            "of the authority it replaced."
        )


def _about(published: Published, area: Area, year: int, *, several: bool) -> str:
    """The comment line naming an authority's region and statistical neighbours."""
    group = published.neighbour_group(area.code, year)
    neighbours = ", ".join(n.name for n, _ in group.neighbours) or "none in the groupings held"
    who = f"{area.name}: region" if several else "Region:"
    return f"# {who} {area.region_name}. Statistical neighbours ({group.model}): {neighbours}.\n"


def _local_authority(area: Area) -> str:
    """The ``local_authority`` key: one code, or the list of a partnership's authorities."""
    if not area.parts:
        return f'local_authority: "{area.code}"  # {area.name}, DfE code {area.old_code}\n'
    listed = "".join(f'  - "{a.code}"  # {a.name}, DfE code {a.old_code}\n' for a in area.parts)
    return f"local_authority:  # the local authorities the partnership covers\n{listed}"


def report_id_for(name: str, year: int) -> str:
    """The report id ``new`` gives an authority's report: 'manchester-2024'; a long name's slug
    cut to its start and a short hash ('barking-and-dagenham-barnet-bexley-br-3f9c2a1b-2024')."""
    report_id = f"{shorten.file_name(_slug(name), ID_SLUG_CHARS)}-{year}"
    assert len(report_id) <= MAX_ID_CHARS  # the longest id a params file allows
    return report_id


def _slug(name: str) -> str:
    """'Kingston upon Hull, City of' -> 'kingston-upon-hull-city-of'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
