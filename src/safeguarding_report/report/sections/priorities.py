"""Section: priorities. What was done, its impact and evidence, each priority's measures
judged by one rule (report/progress.py); then where there was little or no evidence of progress.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from safeguarding_report.core import indicators, markup, registry
from safeguarding_report.core.errors import DataError
from safeguarding_report.data.schema import NOT_YET_PUBLISHED
from safeguarding_report.local import Record
from safeguarding_report.local.models import (
    LOCAL_MEASURE,
    NextPriority,
    Priority,
    PriorityHeader,
    PriorityMeasure,
    known_measures,
)
from safeguarding_report.local.read import FIX
from safeguarding_report.local.tally import LOCAL_COUNTS
from safeguarding_report.report import charts, fragments, sections, tables, text
from safeguarding_report.report import progress as judged
from safeguarding_report.report.sections import ENGLAND, Banner, Context, possessive

TEMPLATES = registry.get("priorities").templates
STALLED = "little or no progress"
# Shown for a status left blank until the year's end (new-year leaves it so).
UNDECLARED = "not yet given"
MOVEMENT = "priority_measure_movement"


def banner(ctx: Context) -> Banner:
    """Says when the priorities are illustrative or still to be supplied (with their texts)."""
    texts = [f"priorities/{r.data.id}" for r in ctx.records.rows(Priority)]
    missing_texts = [t for t in texts if sections.unsupplied(ctx, t)]
    return sections.banner(ctx, (*TEMPLATES, *missing_texts))


def status_table(ctx: Context) -> tables.Table | text.Text:
    """Each agreed priority, its lead and how far it got."""
    return sections.records_table(
        ctx,
        Priority,
        f"The {possessive(ctx.terms.members)} priorities for {ctx.local_period} and the "
        "progress made",
        ["Priority", "Lead", "Progress by the end of the period"],
        lambda r: [f"{r.data.id}. {r.data.title}", r.data.lead, _status(r.data).capitalize()],
    )


def progress(ctx: Context) -> text.Text:
    """Each priority that made progress: what was done, its impact and the evidence, with its
    measures judged by the rule."""
    return _narratives(ctx, stalled=False)


def rule(ctx: Context) -> text.Text:
    """The rule by which each measure is judged, as the README states it."""
    return text.words(judged.RULE)


def progress_chart(ctx: Context) -> charts.Chart | text.Text:
    """Each priority's measures: how far each moved since its baseline, the way that counts;
    each bar named in full under its priority, a partnership's areas told apart by a legend."""
    if sections.unsupplied(ctx, "priority_measures"):
        return sections.not_supplied(ctx, "priority_measures")
    titles = {r.data.id: r.data.title for r in ctx.records.rows(Priority)}
    measured = [m for ms in judgements(ctx).values() for m in ms]
    frame = pd.DataFrame([_movement_row(m) for m in measured])
    # A partnership's own measures are of the whole area, as its published ones' first bar.
    whole = ctx.la.name if ctx.la.parts else ""
    named = [
        charts.Named(
            f"{m.record.data.priority}. {titles[m.record.data.priority]}",
            m.label,
            m.area or whole,
        )
        for m in measured
    ]
    return charts.named_bars(
        frame,
        named,
        title=_judged_so(m.judgement for m in measured),
        source=sections.template_file(ctx, "priority_measures"),
        categories="Measure",
        when="baseline to latest, each measure's own periods; positive is progress",
    )


# How a number of measures judged so is said, one and several.
_SAID: dict[str, tuple[str, str]] = {
    judged.REACHED: ("reached its target", "reached their targets"),
    judged.MOVED: ("moved as intended", "moved as intended"),
    judged.STILL: ("showed little or no change", "showed little or no change"),
    judged.AGAINST: ("moved the wrong way", "moved the wrong way"),
    judged.NOT_COMPARABLE: ("could not be compared", "could not be compared"),
    judged.NOT_YET: ("is not yet published", "are not yet published"),
}


def _judged_so(said: Iterable[str]) -> str:
    """How many measures were judged each way, in the rule's order: e.g. 'Of the 14 measures
    of the priorities, 7 moved as intended, 1 reached its target and 4 moved the wrong way'.
    The chart's bars are signed as the measures moved; a bar within the band that counts as
    similar is not progress, so the count is said, not left to the reader."""
    said = list(said)
    counts = [(said.count(j), j) for j in judged.JUDGEMENTS if j in said]
    parts = [f"{n} {_SAID[j][n > 1]}" for n, j in counts]
    if not parts:
        return "No measure of the priorities to show"
    if len(said) == 1:
        return f"The priorities' one measure {_SAID[said[0]][0]}"
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"Of the {len(said)} measures of the priorities, {listed}"


def little_progress(ctx: Context) -> text.Text | tables.Table:
    """The priorities with little or no evidence of progress in the figures, whatever their
    declared status, with the figures; then, for those declared so, why and what happens next."""
    if sections.unsupplied(ctx, "priorities"):
        return sections.not_supplied(ctx, "priorities")
    parts: list[text.Text | tables.Table] = []
    if not sections.unsupplied(ctx, "priority_measures"):
        titles = {r.data.id: r.data for r in ctx.records.rows(Priority)}
        stalled = {
            i: ms
            for i, ms in judgements(ctx).items()
            if not judged.shows_progress(m.judgement for m in ms)
        }
        if stalled:
            parts.append(
                _measure_table(
                    ctx,
                    "Priorities with little or no evidence of progress in their measures ("
                    + ", ".join(f"{i}, declared {_status(titles[i])}" for i in stalled)
                    + ")",
                    [m for ms in stalled.values() for m in ms],
                )
            )
        else:
            # Said beside the declared ones that follow, so the two never read as a contradiction.
            declared = [i for i, p in titles.items() if p.status == "little or no progress"]
            also = (
                " The partnership itself declared little or no progress on "
                f"{tables.and_(declared)}: why, and what happens next, follow."
                if declared
                else ""
            )
            parts.append(
                text.words(f"Every priority has at least one measure that moved as intended.{also}")
            )
    said = _narratives(ctx, stalled=True)
    if said.html:
        parts.append(said)
    elif not parts:
        parts.append(
            text.words("No priority was judged to have made little or no progress in the period.")
        )
    html = "\n".join(p.html if isinstance(p, text.Text) else p.to_html() for p in parts)
    records = [r for p in parts for r in p.records]
    plain = "\n".join(p.plain if isinstance(p, text.Text) else p.to_markdown() for p in parts)
    return text.Text(html, records, plain)


def _narratives(ctx: Context, *, stalled: bool) -> text.Text:
    if sections.unsupplied(ctx, "priorities"):
        return sections.not_supplied(ctx, "priorities")
    parts, plain = [], []
    records: list[dict[str, Any]] = []
    measured = {} if sections.unsupplied(ctx, "priority_measures") else judgements(ctx)
    for record in ctx.records.rows(Priority):
        if (record.data.status == STALLED) != stalled:
            continue
        heading = f"{record.data.id}. {record.data.title}"
        narrative = ctx.records.text(f"priorities/{record.data.id}")
        if narrative is None or narrative.draft:
            file = (
                narrative.source_file
                if narrative is not None
                else sections.template_file(ctx, f"priorities/{record.data.id}.md")
            )
            account = fragments.render("sections", "unwritten", file)
        else:
            account = markup.render(narrative.markdown, heading_offset=2)
        table, judged_so, differ = "", "", ""
        mine = measured.get(record.data.id, [])
        if mine:
            shown = _measure_table(ctx, heading, mine)
            table, records = shown.to_html(), [*records, *shown.records]
            said = [m.judgement for m in mine]
            judged_so = f"The measures: {verdict(said)}."
            if judged.disagrees(_status(record.data), said):
                why = _why_differ(narrative)
                differ = (
                    f"The declared progress ({_status(record.data)}) and the measures disagree. "
                    + (why or "The account does not yet say why.")
                )
        parts.append(
            fragments.render(
                "sections",
                "priority",
                heading=heading,
                status=_status(record.data),
                lead=record.data.lead,
                account=fragments.safe(account),
                measured=fragments.safe(table),
                verdict=judged_so,
                differ=differ,
            )
        )
        plain.append(heading)
    return text.Text("\n".join(parts) + ("\n" if parts else ""), records, "\n".join(plain))


def _status(priority: Priority) -> str:
    """The priority's declared status, or that it is not given yet."""
    return priority.status or UNDECLARED


def verdict(said: list[str]) -> str:
    """What a priority's measures, judged ``said``, show: e.g. 'evidence of progress (2 of 5
    moved as intended or reached the target)'."""
    moved = sum(j in judged.PROGRESS for j in said)
    compared = sum(j in judged.COMPARED for j in said)
    if not compared:
        return "none can be compared with its baseline yet"
    if moved:
        return (
            f"evidence of progress ({moved} of {len(said)} moved as intended or reached the target)"
        )
    return "little or no evidence of progress (none moved as intended)"


def _why_differ(narrative: Any) -> str:
    if narrative is None or not isinstance(narrative.meta, PriorityHeader):
        return ""
    return narrative.meta.measures_differ_because


@dataclass(frozen=True)
class Disagreement:
    """A priority whose declared status its measures contradict (for ``check``)."""

    priority: str
    status: str
    measures: tuple[str, ...]  # each measure with its judgement
    explained: bool  # the narrative says why (measures_differ_because)


def warning(found: Disagreement) -> str:
    """What ``check`` and the build say of a priority whose status its measures contradict."""
    said = (
        "none of its measures moved as intended"
        if found.status != STALLED
        else ("every measure compared moved as intended")
    )
    why = (
        "its narrative says why (measures_differ_because)"
        if found.explained
        else f"say why in priorities/{found.priority}.md, front-matter key measures_differ_because "
        "(a --strict build refuses until it does)"
    )
    return (
        f"priority {found.priority} is declared {found.status!r} but {said}: "
        f"{'; '.join(found.measures)}; {why}"
    )


def disagreements(ctx: Context) -> list[Disagreement]:
    """Each priority whose declared status and measures disagree; every measure is worked out
    (a baseline period no file holds raises DataError naming the line)."""
    if sections.unsupplied(ctx, "priority_measures"):
        return []
    found = []
    by_id = {r.data.id: r.data for r in ctx.records.rows(Priority)}
    for priority, measured in judgements(ctx).items():
        said = [m.judgement for m in measured]
        if judged.disagrees(_status(by_id[priority]), said):
            narrative = ctx.records.text(f"priorities/{priority}")
            found.append(
                Disagreement(
                    priority,
                    _status(by_id[priority]),
                    tuple(
                        f"{m.record.data.measure}{' (' + m.area + ')' if m.area else ''}: "
                        f"{m.judgement}"
                        for m in measured
                    ),
                    bool(_why_differ(narrative)),
                )
            )
    return found


# -- the measures of each priority -----------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """One measure of one priority in one area: its figures and its judgement by the rule."""

    record: Record[PriorityMeasure]
    label: str  # what is measured, in words
    area: str  # the area's name ("" for the partnership's own measures)
    direction: str  # "higher" or "lower": the way that counts as progress
    baseline: dict[str, Any]  # tidy rows
    latest: dict[str, Any]
    change: dict[str, Any]
    england_change: dict[str, Any] | None  # None where England has no figure
    judgement: str


def measures_of(ctx: Context, priority: str) -> list[Measured]:
    """Every measure of ``priority`` (priority_measures.csv), worked out; for a partnership,
    each authority's too where the measure is published for each."""
    rows = [r for r in ctx.records.rows(PriorityMeasure) if r.data.priority == priority]
    return [m for r in rows for m in _measured(ctx, r)]


def _located(ctx: Context, record: Record[Any], column: str, said: str) -> DataError:
    return DataError(f"{record.place}, column {column!r}: {said}. {FIX}")


def _kind(measure: str) -> str:
    if measure.startswith(LOCAL_MEASURE):
        return "local"
    if measure in LOCAL_COUNTS:
        return "count"
    if measure in indicators.INDICATORS:
        return "published"
    return "wider"


def _measured(ctx: Context, record: Record[PriorityMeasure]) -> list[Measured]:
    kind = _kind(record.data.measure)
    if kind == "published":
        return _published(ctx, record)
    if kind == "wider":
        return _wider(ctx, record)
    return [_local(ctx, record, kind)]


def _given(
    ctx: Context, record: Record[PriorityMeasure], indicator: str, column: str
) -> dict[str, Any]:
    """A figure typed into priority_measures.csv, citing its line and column; a local
    measure's latest figure left blank until the year's end is not yet published, a baseline
    left blank not available."""
    data = record.data
    value = getattr(data, column)
    period = data.baseline_period if column == "baseline" else data.latest_period
    blank = "" if value is not None else "x" if column == "baseline" else NOT_YET_PUBLISHED
    return {
        "indicator": indicator,
        "area_code": ctx.la.code,
        "area_name": ctx.partnership or ctx.la.name,
        "area_level": "Partnership",
        "period": period,
        "breakdown": f"priority: {data.priority}; measure: {data.measure}",
        "value": float("nan") if value is None else float(value),
        "status": blank,
        "source_file": sections.template_file(ctx, "priority_measures"),
        "source_column": column,
        "source_line": str(record.line),
        "source_area_code": "",
        "derivation": "",  # read as the partnership wrote it, in the line and column cited
    }


def _local(ctx: Context, record: Record[PriorityMeasure], kind: str) -> Measured:
    data = record.data
    if kind == "local":
        indicator = f"local_measure_{data.unit}"
        latest = _given(ctx, record, indicator, "latest")
        label, direction = data.label, str(data.direction)
    else:
        indicator = data.measure
        count = LOCAL_COUNTS[indicator]
        rows = [
            r
            for r in ctx.records.rows(count.template)
            if all(str(getattr(r.data, k)) == v for k, v in count.where)
        ]
        latest = sections.local_figure(
            ctx, indicator, rows, template=count.template, column=count.column,
            breakdown=f"priority: {data.priority}; measure: {data.measure}",
        )  # fmt: skip
        label = indicators.get(indicator).label
        if data.direction is None:  # the model refuses a count without one
            raise _located(ctx, record, "direction", "a count from the records has no polarity")
        direction = data.direction
    baseline = _given(ctx, record, indicator, "baseline")
    if baseline["period"] == latest["period"]:
        raise _located(
            ctx, record, "baseline_period",
            f"{data.baseline_period!r} is the latest figure's own period: a baseline comes "
            "before it, e.g. last year's",
        )  # fmt: skip
    return _judged(record, label, "", direction, baseline, latest, None)


def _published(ctx: Context, record: Record[PriorityMeasure]) -> list[Measured]:
    data = record.data
    indicator = data.measure
    held = ctx.published.periods(indicator)
    if not data.baseline_period.isdigit() or int(data.baseline_period) not in held:
        raise _located(
            ctx, record, "baseline_period",
            f"no published file holds {indicator} for {data.baseline_period!r}. Expected a "
            f"year ending 31 March the files hold: {_span(held)}",
        )  # fmt: skip
    base, latest_year = int(data.baseline_period), sections.published_year(ctx)
    if latest_year <= base:  # nothing later published yet: this year's, shown as such
        latest_year = max(ctx.year, base + 1)
    spec = indicators.get(indicator)
    direction = data.direction or str(spec.polarity)
    codes = [*ctx.shown_codes, ENGLAND]
    frame = ctx.published.series(indicator, codes, [base, latest_year])
    if ctx.la.parts:
        frame = tables.protect_frame(frame)
    frame["breakdown"] = f"priority: {data.priority}"
    england = sections.change(
        pd.Series(_row(frame, ENGLAND, str(latest_year))),
        pd.Series(_row(frame, ENGLAND, str(base))),
    )
    return _judged_areas(
        ctx, record, spec.label, direction, frame, (str(base), str(latest_year)), england
    )


def lait_measure(ctx: Context, record: Record[PriorityMeasure] | Record[NextPriority]) -> str:
    """The indicator a measure of the Benchmarking Data Set is shown as: a wider-picture
    measure's id (by its id or LAIT code), else the LAIT code itself, once the data dictionary
    is known to hold it; otherwise a located error naming the closest measures. The row is a
    priority's measure or one promised for next year."""
    measure = indicators.by_lait_code(record.data.measure)
    if measure in indicators.WIDER_INDICATORS:
        return measure
    dictionary = ctx.published.lait_dictionary
    if measure not in dictionary:
        close = difflib.get_close_matches(measure, [*known_measures(), *dictionary], 3, 0.5)
        hint = f" Closest: {', '.join(close)}." if close else ""
        raise _located(
            ctx, record, "measure",
            f"{measure!r} is not a measure the kit knows.{hint} Expected an indicator id, a "
            "wider-picture id, a measure code of LAIT's data dictionary (Measure_short), a "
            f"count from the records, or {LOCAL_MEASURE}<name> for a measure of the "
            "partnership's own",
        )  # fmt: skip
    unit = indicators.get(measure).unit
    if record.data.unit is not None and record.data.unit != unit:
        raise _located(
            ctx, record, "unit",
            f"{measure} is measured as a {unit} (LAIT's axis: {dictionary[measure].unit!r}), "
            f"so its figures and target must be too (found {record.data.unit}): give the "
            f"target as a {unit}",
        )  # fmt: skip
    return measure


def _wider(ctx: Context, record: Record[PriorityMeasure]) -> list[Measured]:
    data = record.data
    indicator = lait_measure(ctx, record)
    held = ctx.published.wider_years(indicator, ctx.year, 99)
    labels = [y.label for y in held]
    base = next((y for y in held if y.label == data.baseline_period), None)
    if base is None:
        periods = (
            f"one of its periods up to the report's year: {', '.join(labels)}"
            if labels
            else "a measure it holds figures for up to the report's year: it holds none"
        )
        raise _located(
            ctx, record, "baseline_period",
            f"the Benchmarking Data Set holds no {data.measure} for {data.baseline_period!r}. "
            f"Expected {periods}",
        )  # fmt: skip
    latest = held[-1]
    spec = indicators.get(indicator)
    direction = data.direction or ctx.published.lait_entry(indicator).polarity
    if direction is None:
        raise _located(
            ctx, record, "direction",
            f"LAIT's data dictionary gives {data.measure} no polarity: say which way is progress",
        )  # fmt: skip
    years = [base] if latest == base else [base, latest]
    frame = ctx.published.wider(indicator, ctx.la.code, years)
    frame["breakdown"] = f"priority: {data.priority}"
    england = None
    if indicator not in indicators.ENGLAND_NOTES:
        england = sections.change(
            pd.Series(_row(frame, ENGLAND, latest.label)),
            pd.Series(_row(frame, ENGLAND, base.label)),
        )
    return _judged_areas(
        ctx, record, spec.label, direction, frame, (base.label, latest.label), england
    )


def _row(frame: pd.DataFrame, code: str, period: str) -> dict[str, Any]:
    """The figure of area ``code`` for ``period`` in a published frame."""
    rows = frame[(frame["area_code"] == code) & (frame["period"] == period)]
    return dict(rows.iloc[0])


def _judged_areas(
    ctx: Context,
    record: Record[PriorityMeasure],
    label: str,
    direction: str,
    frame: pd.DataFrame,
    periods: tuple[str, str],
    england: dict[str, Any] | None,
) -> list[Measured]:
    """A published measure judged for each area the report shows, from its ``periods``
    (baseline, latest) in ``frame``; England's change beside it."""
    base, latest = periods
    return [
        _judged(
            record,
            label,
            name,
            direction,
            _row(frame, code, base),
            _row(frame, code, latest),
            england,
            later=latest != base,
        )
        for code, name in _areas(ctx)
    ]


def _areas(ctx: Context) -> list[tuple[str, str]]:
    """The areas a published measure is shown for: the area, then each of its authorities."""
    if not ctx.la.parts:
        return [(ctx.la.code, "")]
    return [(ctx.la.code, ctx.la.name), *((a.code, a.name) for a in ctx.la.parts)]


def _span(years: list[int]) -> str:
    return f"{years[0]} to {years[-1]}" if years else "none"


def _judged(
    record: Record[PriorityMeasure],
    label: str,
    area: str,
    direction: str,
    baseline: dict[str, Any],
    latest: dict[str, Any],
    england: dict[str, Any] | None,
    *,
    later: bool = True,
) -> Measured:
    change = sections.change(pd.Series(latest), pd.Series(baseline))
    if change["derivation"] and _kind(record.data.measure) in ("local", "count"):
        # The partnership's figures, whose rows the row cites: the derivation names the
        # periods, so it reads the same wherever the partnership keeps its records (CSV
        # files or the workbook).
        change["derivation"] = (
            f"change: {latest['value']:.15g} ({latest['period']}) minus "
            f"{baseline['value']:.15g} ({baseline['period']})"
        )
    published = later and latest["status"] != NOT_YET_PUBLISHED

    def value(row: tables.Row) -> float | None:
        return None if row["status"] else float(row["value"])

    judgement = judged.judge(
        value(tables.protect(baseline)), value(tables.protect(latest)), direction,
        target=record.data.target, published=published,
    )  # fmt: skip
    return Measured(record, label, area, direction, baseline, latest, change, england, judgement)


def judgements(ctx: Context) -> dict[str, list[Measured]]:
    """Every priority's measures, worked out, by priority id (in priorities.csv's order)."""
    return {r.data.id: measures_of(ctx, r.data.id) for r in ctx.records.rows(Priority)}


def _movement_row(m: Measured) -> dict[str, Any]:
    """The measure's change in the direction of progress, as a share of its baseline."""
    row = {
        **m.latest,
        "indicator": MOVEMENT,
        "area_code": m.record.data.priority,
        "area_name": _name(m),
        "period": "baseline to latest",
        "value": float("nan"),
        "status": "",
        "source_column": "",
        "derivation": "",
    }
    if m.judgement not in judged.COMPARED:
        return {**row, "status": "x" if m.judgement == judged.NOT_COMPARABLE else NOT_YET_PUBLISHED}
    base, latest = float(m.baseline["value"]), float(m.latest["value"])
    moved = judged.movement(base, latest, m.direction)
    if math.isinf(moved):
        return {**row, "status": "x", "derivation": "not worked out: the baseline is zero"}
    row["value"] = moved
    row["source_line"] = "; ".join(
        str(r.get("source_line", "")) for r in (m.latest, m.baseline) if r.get("source_line")
    )
    row["derivation"] = (
        f"movement: ({latest:.15g} minus {base:.15g}) divided by {abs(base):.15g}, times 100"
        + (", sign turned as lower is progress" if m.direction == "lower" else "")
    )
    return row


def _name(m: Measured) -> str:
    """The measure as the chart's data table names it: priority, label and area, in full."""
    return f"{m.record.data.priority}: {m.label}{', ' + m.area if m.area else ''}"


def cited(ctx: Context, priority: str, measure: str = "") -> list[Measured]:
    """The measures a sentence elsewhere (the cover report) cites for ``priority``: its
    ``measure`` (priority_measures.csv's measure column), or each of its measures; for a
    partnership, the whole area's figures. KeyError naming what was expected when the
    priority is not in priorities.csv or the measure not among its measures."""
    known = [r.data.id for r in ctx.records.rows(Priority)]
    if priority not in known:
        raise KeyError(
            f"{priority!r} is not a priority in priorities.csv; expected one of: "
            f"{', '.join(known) or 'none (the file has no rows)'}"
        )
    whole = [m for m in measures_of(ctx, priority) if m.area in ("", ctx.la.name)]
    if not measure:
        return whole
    chosen = [m for m in whole if m.record.data.measure == measure]
    if not chosen:
        ids = ", ".join(dict.fromkeys(m.record.data.measure for m in whole))
        raise KeyError(
            f"{measure!r} is not a measure of priority {priority} in "
            f"priority_measures.csv; expected one of: {ids or 'none (it has none)'}"
        )
    return chosen


def _measure_table(ctx: Context, title: str, measured: list[Measured]) -> tables.Table:
    rows: list[list[tables.Cell]] = []
    for m in measured:
        target = ""
        if m.record.data.target is not None:
            target = f"; target {m.record.data.target:g}"
        source = f"; source: {m.record.data.source}" if m.record.data.source else ""
        rows.append(
            [
                f"{m.label}{', ' + m.area if m.area else ''} ({m.baseline['period']} to "
                f"{m.latest['period']}; {m.direction} is progress{target}{source})",
                tables.Figure(m.baseline),
                tables.Figure(m.latest),
                tables.Figure(m.change, signed=True),
                tables.Figure(m.england_change or _no_england(m), signed=True),
                m.judgement.capitalize(),
            ]
        )
    return tables.grid(
        f"{title}: its measures",
        ["Measure", "Baseline", "Latest", "Change", "England's change", "Judgement"],
        rows,
        source=sections.template_file(ctx, "priority_measures"),
        notes=["Each judgement follows the rule under 'How progress is measured'."],
    )


def _no_england(m: Measured) -> dict[str, Any]:
    """England's change where it has none: not applicable to a measure of the partnership's
    own or a count from its records, not comparable where LAIT says England's differs."""
    local = _kind(m.record.data.measure) in ("local", "count")
    return {
        **m.change,
        "area_code": ENGLAND,
        "area_name": "England",
        "area_level": "National",
        "value": float("nan"),
        "status": "z" if local else "not comparable",
        "source_file": "",
        "source_column": "",
        "source_line": "",
        "source_area_code": "",
        "derivation": "",
    }
