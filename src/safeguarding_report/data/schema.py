"""The tidy table every reader returns and every presentation helper consumes.

One row per indicator, area and period. ``value`` is the number as published (or as derived,
see ``derivation``), NaN when the source withholds it; ``status`` then says why, as the DfE
coded it (``c``, ``x``, ``z``, ``u``, ``k``, ``low``, ``-``, ``..``) or ``no data`` when the
files hold no figure for that area and period.
"""

from __future__ import annotations

TIDY_COLUMNS: tuple[str, ...] = (
    "indicator",  # id from indicators.INDICATORS, e.g. "cla_rate"
    "area_code",  # E-code: E92000001 England, E12xxxxxx region, E06/E08/E09/E10 local authority
    "area_name",  # as published, e.g. "Kent"; "Statistical neighbours (mean)" for that comparator
    "area_level",  # one of AREA_LEVELS
    "period",  # as the source writes time_period, e.g. "2022" (year ending 31 March)
    "value",  # float, NaN when not available
    "status",  # "" when value is a published or derived number, else the reason it is missing
    "source_file",  # path relative to the project root, e.g. "data/published/.../x.csv"
    "source_column",  # the column the value was read from
    "derivation",  # "" when read as published; otherwise how it was computed, from which rows
)

AREA_LEVELS: tuple[str, ...] = (
    "National",
    "Regional",
    "Local authority",
    "Statistical neighbours",
)

# Status for an area and period that no file holds: shown as the GSS symbol [x].
NO_DATA = "no data"
