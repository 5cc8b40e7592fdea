"""One module per report section: pure functions from published data to tables, charts, text.

Every section notebook makes one ``Context`` with ``load`` and passes it to its section's
functions; each function returns something that displays itself (a table, a chart or a
sentence) and carries the records of the figures it shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from safeguarding_report import framework
from safeguarding_report.data import Area, Published
from safeguarding_report.framework import Framework
from safeguarding_report.indicators import INDICATORS

ENGLAND = "E92000001"


@dataclass(frozen=True)
class Context:
    """What every section needs: the report, the data, the local authority and the years."""

    published: Published
    la: Area
    year: int  # the comparison year (year ending 31 March)
    periods: tuple[int, ...]  # the trend years, oldest first, ending at ``year``
    report_id: str = ""
    partnership: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    framework: Framework | None = None

    @property
    def period_label(self) -> str:
        """The reporting period in words, e.g. '1 October 2021 to 30 September 2022'."""
        if self.period_start is None or self.period_end is None:
            return ""
        return f"{long_date(self.period_start)} to {long_date(self.period_end)}"

    @property
    def terms(self) -> Framework:
        """The framework's words and sections (Working Together 2018 when none is given)."""
        return self.framework or framework.load("wt2018")


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
    framework_id: str = "wt2018",
) -> Context:
    """The section context for one report: the values its parameters cell holds."""
    published = Published(Path(data_dir))
    la = published.area(la_code)
    periods = tuple(range(comparison_year - trend_years + 1, comparison_year + 1))
    return Context(
        published,
        la,
        comparison_year,
        periods,
        report_id=report_id,
        partnership=partnership,
        period_start=dt.date.fromisoformat(period_start) if period_start else None,
        period_end=dt.date.fromisoformat(period_end) if period_end else None,
        framework=framework.load(framework_id),
    )


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


def label(indicator: str) -> str:
    """The plain-English label of an indicator."""
    return INDICATORS[indicator].label


def headline(ctx: Context, indicator: str, frame: pd.DataFrame) -> str:
    """A chart title that says what the chart shows: how the area compares with England.

    ``frame`` is a comparison frame; the comparison is made in ``ctx.year``.
    """
    latest = frame[frame["period"] == str(ctx.year)]
    la_value = latest.loc[latest["area_code"] == ctx.la.code, "value"].iloc[0]
    eng_value = latest.loc[latest["area_code"] == ENGLAND, "value"].iloc[0]
    spec = INDICATORS[indicator]
    topic = spec.label.split(",")[0].removesuffix(" (%)")
    word = direction(la_value, eng_value)
    if not word:
        return f"{topic}: {ctx.la.name} and its comparators"
    measure = {"rate": "rate", "percent": "percentage", "ratio": "average"}.get(spec.unit, "number")
    return f"{topic}: {ctx.la.name}'s {measure} was {word} England's in {ctx.year}"


def direction(la_value: float, other_value: float) -> str:
    """'higher than', 'lower than' or 'similar to', allowing a small margin for noise.

    A difference under 5% of the comparator's value is called similar: published rates are
    rounded, and small differences are not worth a board's attention.
    """
    if pd.isna(la_value) or pd.isna(other_value) or other_value == 0:
        return ""
    gap = (la_value - other_value) / abs(other_value)
    if abs(gap) < 0.05:
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
