"""One module per report section: pure functions from published data to tables, charts, text.

Every section notebook makes one ``Context`` with ``load`` from its parameters cell (the
values ``Params.notebook_parameters`` gives; ``for_report`` makes the same context from the
params, for the committee cover report) and passes it to its section's functions; each
function returns something that displays itself (a table, a chart or a sentence) and carries
the records of the figures it shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import markupsafe
import pandas as pd
from pydantic import BaseModel

from safeguarding_report.core import framework, indicators, markup, provenance, registry
from safeguarding_report.core.framework import Framework
from safeguarding_report.data import Area, Published
from safeguarding_report.local import LocalRecords, Narrative, Record, period_label
from safeguarding_report.local.catalogue import CSV_TEMPLATES, TEXT_TEMPLATES
from safeguarding_report.report import fragments, tables, text
from safeguarding_report.report.changes import MARGIN

if TYPE_CHECKING:
    from safeguarding_report.core.params import Params

ENGLAND = "E92000001"


@dataclass(frozen=True)
class Context:
    """What every section needs: the report, the data, the local authority and the years."""

    published: Published
    la: Area
    year: int  # the comparison year (year ending 31 March)
    periods: tuple[int, ...]  # the trend years, oldest first, ending at ``year``
    framework: Framework  # the statutory framework the report follows
    report_id: str = ""
    partnership: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    @property
    def period_label(self) -> str:
        """The reporting period in words, e.g. '1 October 2021 to 30 September 2022'."""
        if self.period_start is None or self.period_end is None:
            return ""
        return f"{long_date(self.period_start)} to {long_date(self.period_end)}"

    @cached_property
    def records(self) -> LocalRecords:
        """The partnership's own records for this report (``data/local/<report_id>/``)."""
        # Lazy: a section reads only the files it uses, so only their changes re-run it.
        return LocalRecords.lazy(self.published.data_dir, self.report_id)

    @property
    def local_period(self) -> str:
        """The reporting period as local figures are labelled, e.g. '2021-22'."""
        if self.period_start is None or self.period_end is None:
            return str(self.year)
        return period_label(self.period_start, self.period_end)

    @property
    def authorities(self) -> tuple[Area, ...]:
        """The local authorities the report covers: one, or each of a partnership's several."""
        return self.la.parts or (self.la,)

    @property
    def shown_codes(self) -> list[str]:
        """The area's code, then each of its authorities' when it covers several."""
        return [self.la.code, *(a.code for a in self.la.parts)]

    @property
    def body(self) -> str:
        """Who the report speaks for, as a sentence names it: 'the Board', 'the partnership'."""
        return self.framework.body_in_text

    @property
    def terms(self) -> Framework:
        """The framework's words and sections."""
        return self.framework


def load(
    data_dir: str | Path,
    la_code: str,
    comparison_year: int,
    trend_years: int,
    *,
    report_id: str = "",
    partnership: str = "",
    period_start: str = "",
    period_end: str = "",
    framework_id: str = "",
    published: Published | None = None,
) -> Context:
    """The section context for one report: the values its parameters cell holds.

    Those are ``Params.notebook_parameters``; ``for_report`` makes the same context from the
    params themselves. The framework is looked for in ``data_dir``'s ``frameworks/`` first,
    then in the package's; without ``framework_id``, it is the one in force on the last day of
    the period (of the year ending 31 March ``comparison_year`` when no period is given).
    ``published`` is the published data when already open.
    """
    data = Path(data_dir)
    published = published or Published(data)
    start = dt.date.fromisoformat(period_start) if period_start else None
    end = dt.date.fromisoformat(period_end) if period_end else None
    return Context(
        published,
        published.area(la_code),
        comparison_year,
        tuple(range(comparison_year - trend_years + 1, comparison_year + 1)),
        framework.load(framework_id, data)
        if framework_id
        else framework.in_force_on(end or dt.date(comparison_year, 3, 31), data),
        report_id=report_id,
        partnership=partnership,
        period_start=start,
        period_end=end,
    )


def for_report(p: Params, published: Published) -> Context:
    """The context the sections of the report ``p`` make, for work outside them (the cover)."""
    values = p.notebook_parameters(published.data_dir)
    # The notebooks pass their ``framework`` parameter to ``load`` as ``framework_id``.
    values["framework_id"] = values.pop("framework")
    return load(**values, published=published)


def possessive(words: str) -> str:
    """'safeguarding partners' -> "safeguarding partners'"; 'Board' -> "Board's"."""
    return f"{words}'" if words.endswith("s") else f"{words}'s"


def long_date(day: dt.date) -> str:
    """'1 October 2021'."""
    return f"{day.day} {day:%B %Y}"


def source_line(ctx: Context, *frames: pd.DataFrame) -> str:
    """'Publisher, title' of every file the frames' figures came from, in first-use order."""
    files = dict.fromkeys(f for frame in frames for f in frame["source_file"] if f)
    titles = dict.fromkeys(
        f"{source.publisher}, {source.title}" for source in (ctx.published.source(f) for f in files)
    )
    return "; ".join(titles)


def side_by_side(ctx: Context, table: tables.Table) -> tables.Table:
    """``table``, marked as one that may scroll when it sets several authorities side by side."""
    return dataclasses.replace(table, scrolls=True) if ctx.la.parts else table


def label(indicator: str) -> str:
    """The plain-English label of an indicator."""
    return indicators.get(indicator).label


def headline(ctx: Context, indicator: str, frame: pd.DataFrame) -> str:
    """A chart title that says what the chart shows: how the area compares with England.

    ``frame`` is a comparison frame; the comparison is made in ``ctx.year``. While that year's
    figures are not yet published, it is made in the latest published year (``published_year``)
    if ``frame`` holds both figures for it, and the title says so; otherwise the title makes
    no comparison.
    """
    spec = indicators.get(indicator)
    topic = spec.label.removesuffix(", rate per 10,000 children").removesuffix(" (%)")
    year, word = _compared_in(ctx, frame)
    if not word:
        return f"{topic}: {ctx.la.name} and its comparators"
    measure = {"rate": "rate", "percent": "percentage", "ratio": "average"}.get(spec.unit, "number")
    when = str(year) if year == ctx.year else f"{year}, the latest published year"
    return f"{topic}: {ctx.la.name}'s {measure} was {word} England's in {when}"


def _compared_in(ctx: Context, frame: pd.DataFrame) -> tuple[int, str]:
    """The year a headline compares the area with England in, and the comparison's words."""
    # Only the newest year held is the latest published: an indicator whose files stop
    # earlier (care leavers after 2022) is not compared in an older year under that name.
    years = dict.fromkeys([ctx.year, published_year(ctx)])
    for year in years:
        rows = frame[frame["period"] == str(year)]
        mine = rows.loc[rows["area_code"] == ctx.la.code, "value"]
        england = rows.loc[rows["area_code"] == ENGLAND, "value"]
        if mine.empty or england.empty:
            continue
        word = direction(mine.iloc[0], england.iloc[0])
        if word:
            return year, word
    return ctx.year, ""


def published_year(ctx: Context) -> int:
    """The comparison year, or, while its figures are not yet published, the newest year the
    published files hold (the DfE publishes a year's figures months after 31 March)."""
    return min(ctx.year, ctx.published.newest_year())


def latest_published(ctx: Context) -> Context:
    """``ctx`` with its year moved back to ``published_year``, for a sentence that can say
    what the latest published figures were rather than that this year's are missing."""
    year = published_year(ctx)
    return ctx if year == ctx.year else dataclasses.replace(ctx, year=year)


def not_yet_published(ctx: Context) -> text.Text:
    """The sentence that introduces figures of ``latest_published`` in place of this year's."""
    said = (
        f"The figures for the year ending 31 March {ctx.year} have not yet been published; "
        f"those here are for the year ending 31 March {published_year(ctx)}, the latest "
        "published."
    )
    return text.words(said)


def or_latest_published(part: Callable[[Context], text.Text]) -> Callable[[Context], text.Text]:
    """Decorate a paragraph of the comparison year's figures: while they are not yet
    published, it says so (``not_yet_published``) and gives the latest published year's."""

    @functools.wraps(part)
    def shown(ctx: Context) -> text.Text:
        latest = latest_published(ctx)
        if latest is ctx:
            return part(ctx)
        return text.paragraph(not_yet_published(ctx), part(latest))

    return shown


def direction(la_value: float, other_value: float) -> str:
    """'higher than', 'lower than' or 'similar to', allowing a small margin for noise.

    A difference under 5% of the comparator's value (``changes.MARGIN``) is called similar:
    published rates are rounded, and small differences are not worth a board's attention.
    """
    if pd.isna(la_value) or pd.isna(other_value) or other_value == 0:
        return ""
    gap = (la_value - other_value) / abs(other_value) * 100
    if abs(gap) < MARGIN:
        return "similar to"
    return "higher than" if gap > 0 else "lower than"


def change(this: pd.Series, last: pd.Series) -> dict[str, object]:
    """A tidy row for the change from ``last`` to ``this`` (same indicator and area).

    Missing when either figure is missing, with that figure's status; the derivation cites
    both figures' files and lines, so ``figures.csv`` shows how it was worked out.
    """
    row: dict[str, object] = {key: this[key] for key in this.index}
    row["period"] = f"{last['period']} to {this['period']}"
    for side in (this, last):
        if side["status"] or pd.isna(side["value"]):
            row.update(value=float("nan"), status=side["status"] or "x", derivation="")
            return row
    row["value"] = float(this["value"]) - float(last["value"])
    row["source_line"] = "; ".join(
        str(s.get("source_line", "")) for s in (this, last) if s.get("source_line", "")
    )
    row["derivation"] = (
        f"change: {this['value']:.15g} ({this['source_file']}, {this['period']}) minus "
        f"{last['value']:.15g} ({last['source_file']}, {last['period']})"
    )
    return row


def template_file(ctx: Context, name: str) -> str:
    """The file (or workbook sheet) a template is read from, as shown to the reader."""
    return ctx.records.template_source(name)


def unsupplied(ctx: Context, template: str) -> bool:
    """Whether a template's records are still to be supplied: no file, or a CSV file with no rows.

    A new report's templates are written empty; until they are filled in, a sentence or
    total built from one would state a count of none as fact ("0 serious incidents").
    """
    if ctx.records.is_missing(template):
        return True
    return template in CSV_TEMPLATES and not ctx.records.rows(template)


def local_figure(
    ctx: Context,
    indicator: str,
    rows: Sequence[Record[Any]],
    *,
    template: str,
    column: str = "",
    distinct: str = "",
    breakdown: str = "",
) -> dict[str, Any]:
    """A tidy row for a count from the partnership's records, citing the file and lines.

    With ``column``, the sum of that column over ``rows``; with ``distinct``, the number of
    different values of that column (a case recorded at several stages counts once);
    otherwise the number of rows. A template with no file gives a row marked "not supplied".
    """
    source_file = template_file(ctx, template)
    lines = sorted(r.line for r in rows)
    row: dict[str, Any] = {
        "indicator": indicator,
        "area_code": ctx.la.code,
        "area_name": ctx.partnership or ctx.la.name,
        "area_level": "Partnership",
        "period": ctx.local_period,
        "breakdown": breakdown,
        "value": float("nan"),
        "status": "",
        "source_file": source_file,
        "source_column": column,
        "source_line": "; ".join(str(n) for n in lines),
        "source_area_code": "",
        "derivation": "",
    }
    if unsupplied(ctx, template):
        return {**row, "status": "not supplied"}
    if column:
        row["value"] = float(sum(getattr(r.data, column) for r in rows))
        if len(rows) != 1:
            row["derivation"] = f"sum of {column} over {len(rows)} rows"
    elif distinct:
        found = len({getattr(r.data, distinct) for r in rows})
        row["value"] = float(found)
        row["derivation"] = f"count of {found} different {distinct} over {len(rows)} rows"
    else:
        row["value"] = float(len(rows))
        row["derivation"] = f"count of {len(rows)} rows"
    return row


@dataclass
class Banner:
    """A visible notice at the top of a section about the records it uses.

    It says when the records are illustrative or not yet supplied, and tells the build (as
    a section status) whether the section has content and which inputs were illustrative.
    """

    html: str
    status: dict[str, Any]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            "text/html": self.html,
            # What a reader of the notebook sees: the text, its entities decoded.
            "text/plain": markupsafe.Markup(self.html).striptags(),
            provenance.SECTION_MIME_TYPE: self.status,
        }


def banner(ctx: Context, templates: Sequence[str]) -> Banner:
    """The banner for a section built from these templates of the partnership's records.

    A template is still to be supplied when its file is missing, when it is a CSV file with
    no records in it yet (as a new report's templates are), or when it is a narrative marked
    as a draft. A section has content when at least one of its templates is filled in.
    """
    present = [t for t in templates if not ctx.records.is_missing(t)]
    missing = [t for t in templates if ctx.records.is_missing(t)]
    empty = [t for t in present if unsupplied(ctx, t)]
    drafts = [
        t
        for t in present
        if t in TEXT_TEMPLATES and (n := ctx.records.text(t)) is not None and n.draft
    ]
    filled = [t for t in present if t not in empty and t not in drafts]
    illustrative = ctx.records.illustrative and bool(filled)
    note = ctx.records.about.note if ctx.records.about and illustrative else ""
    html = fragments.render(
        "sections",
        "banner",
        illustrative=illustrative,
        body=ctx.body,
        # In running text an apostrophe needs no escaping: the possessive is written as typed.
        owner=fragments.safe(markup.escape_html(possessive(ctx.body), quote=False)),
        note=note,
        missing=[template_file(ctx, t) for t in missing],
        empty=[template_file(ctx, t) for t in empty],
        drafts=[template_file(ctx, t) for t in drafts],
    )
    status = {
        "content": bool(filled),
        "illustrative": [template_file(ctx, t) for t in filled] if illustrative else [],
        "missing": [template_file(ctx, t) for t in [*missing, *empty, *drafts]],
    }
    return Banner(html, status)


M = TypeVar("M", bound=BaseModel)
Shown = TypeVar("Shown")  # what a part of a section displays: a table, chart or text


def banner_of(key: str) -> Callable[[Context], Banner]:
    """Section ``key``'s ``banner(ctx)``: the banner over the templates its records come from
    (the registry's), and its optional ones that are there."""
    templates = registry.get(key).templates
    optional = registry.get(key).optional

    def section_banner(ctx: Context) -> Banner:
        # An optional record is named only when it is there (illustrative, or a draft).
        return banner(ctx, [*templates, *(t for t in optional if not ctx.records.is_missing(t))])

    section_banner.__doc__ = (
        f"Says when {', '.join(templates)} are illustrative or still to be supplied."
    )
    return section_banner


def needs(
    template: str,
) -> Callable[[Callable[[Context], Shown]], Callable[[Context], Shown | text.Text]]:
    """Decorate a part of a section (a function of ``Context``) built from ``template``.

    While the template holds no records (``unsupplied``), the part shows the not-supplied
    notice instead of what the function makes.
    """
    if template not in CSV_TEMPLATES and template not in TEXT_TEMPLATES:
        raise ValueError(f"no template {template!r} of the partnership's records")

    def decorate(part: Callable[[Context], Shown]) -> Callable[[Context], Shown | text.Text]:
        @functools.wraps(part)
        def shown(ctx: Context) -> Shown | text.Text:
            if unsupplied(ctx, template):
                return not_supplied(ctx, template)
            return part(ctx)

        return shown

    return decorate


def records_table(
    ctx: Context,
    model: type[M],
    caption: str,
    header: Sequence[str],
    row: Callable[[Record[M]], Sequence[tables.Cell]],
    *,
    order: Callable[[Record[M]], Any] | None = None,
    notes: Sequence[str] = (),
) -> tables.Table | text.Text:
    """One row per record of a CSV template, or the not-supplied notice while it has none.

    ``model`` names the template, whose file the table cites as its source; ``row`` makes a
    record's cells and ``order``, if given, sorts the records.
    """
    template = csv_template(model)
    if unsupplied(ctx, template):
        return not_supplied(ctx, template)
    records = ctx.records.rows(model)
    if order is not None:
        records = sorted(records, key=order)
    return tables.grid(
        caption,
        header,
        [row(r) for r in records],
        source=template_file(ctx, template),
        notes=notes,
    )


def csv_template(model: type[BaseModel]) -> str:
    """The name of the CSV template whose rows ``model`` validates."""
    return next(t.name for t in CSV_TEMPLATES.values() if t.model is model)


@dataclass(frozen=True)
class Tally:
    """A figure the partnership's records give: how many rows, or the sum of ``column``.

    Declared once per figure a section shows, with the template its rows come from; each use
    names only the rows and what they are a breakdown of (``local_figure`` makes the row).
    """

    indicator: str
    template: str
    column: str = ""
    distinct: str = ""  # count the rows' different values of this column, not the rows

    def __post_init__(self) -> None:
        # Declared when a section module is imported: a misspelt name fails there, not in a
        # cell of one report's notebook.
        if self.template not in CSV_TEMPLATES:
            raise ValueError(f"Tally {self.indicator}: no CSV template {self.template!r}")
        fields = CSV_TEMPLATES[self.template].model.model_fields
        for name in (self.column, self.distinct):
            if name and name not in fields:
                raise ValueError(f"Tally {self.indicator}: {self.template} has no {name!r}")

    def row(self, ctx: Context, rows: Sequence[Record[Any]], breakdown: str = "") -> dict[str, Any]:
        """The tidy row, citing the file and lines, for a sentence or a frame."""
        return local_figure(
            ctx,
            self.indicator,
            rows,
            template=self.template,
            column=self.column,
            distinct=self.distinct,
            breakdown=breakdown,
        )

    def cell(
        self, ctx: Context, rows: Sequence[Record[Any]], breakdown: str = "", suffix: str = ""
    ) -> tables.Figure:
        """The figure as a table cell, with ``suffix`` after the number (e.g. ' out of 10')."""
        return tables.Figure(self.row(ctx, rows, breakdown), suffix=suffix)


def written(
    narrative: Narrative,
    *,
    heading_offset: int,
    signatories: Sequence[tuple[str, str]] = (),
    signed: str = "",
) -> text.Text:
    """The partnership's own words as written, then who signed them.

    Headings move down ``heading_offset`` levels; ``signatories`` (name, role) are listed,
    or ``signed`` says in one line who signed and when.
    """
    html = fragments.render(
        "sections",
        "narrative",
        fragments.safe(markup.render(narrative.markdown, heading_offset=heading_offset)),
        signatories=signatories,
        signed=signed,
    )
    return text.Text(html, [], narrative.markdown)


def not_supplied(ctx: Context, template: str) -> text.Text:
    """What a part of a section shows while its record file has not been supplied."""
    said = (
        f"No records yet: {template_file(ctx, template)} has not been supplied or holds no "
        "records, so this part of the report is empty."
    )
    return text.Text(fragments.render("text", "empty", said), [], said)
