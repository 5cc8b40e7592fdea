"""One module per report section: pure functions from published data to tables, charts, text.

Every section notebook makes one ``Context`` with ``load`` and passes it to its section's
functions; each function returns something that displays itself (a table, a chart or a
sentence) and carries the records of the figures it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from safeguarding_report.data import Area, Published
from safeguarding_report.indicators import INDICATORS

ENGLAND = "E92000001"


@dataclass(frozen=True)
class Context:
    """What every section needs: the data, the local authority and the years to show."""

    published: Published
    la: Area
    year: int  # the comparison year (year ending 31 March)
    periods: tuple[int, ...]  # the trend years, oldest first, ending at ``year``


def load(data_dir: str | Path, la_code: str, comparison_year: int, trend_years: int) -> Context:
    """The section context for one local authority and comparison year."""
    published = Published(Path(data_dir))
    la = published.area(la_code)
    periods = tuple(range(comparison_year - trend_years + 1, comparison_year + 1))
    return Context(published, la, comparison_year, periods)


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
