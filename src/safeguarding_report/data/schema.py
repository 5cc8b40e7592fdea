"""The tidy table every reader returns and every presentation helper consumes.

One row per indicator, area and period. ``value`` is the number as published (or as derived,
see ``derivation``), NaN when there is no figure; ``status`` then says why, in the kit's own
vocabulary below (``STATUSES``). Each release's symbols are mapped to it by the meanings that
release's own metadata gives them (``data/catalogue.py``, ``SYMBOL_MEANINGS``), so a sentence can
say in words why a figure is missing.
"""

from __future__ import annotations

TIDY_COLUMNS: tuple[str, ...] = (
    "indicator",  # id from indicators.INDICATORS, e.g. "cla_rate"
    "area_code",  # E-code: E92000001 England, E12 region, E13 Inner/Outer London, E06-E10 LA
    "area_name",  # as published, e.g. "Kent"; "Statistical neighbours (mean)" for that comparator
    "area_level",  # one of AREA_LEVELS
    "period",  # as the source writes time_period, e.g. "2022" (year ending 31 March)
    "value",  # float, NaN when there is no figure
    "status",  # "" when value is a published or derived number, else one of STATUSES
    "source_file",  # path relative to the project root, e.g. "data/published/.../x.csv"
    "source_column",  # the column the value was read from
    "source_line",  # the line it was read from (header = line 1); a derivation: "path:line; ..."
    "source_area_code",  # the area code as the source row writes it (E10000023, 886, ...)
    "derivation",  # "" when read as published; otherwise how it was computed, from which rows
)

AREA_LEVELS: tuple[str, ...] = (
    "National",
    "Regional",
    "Sub-regional",  # Inner London (E13000001) and Outer London (E13000002)
    "Local authority",
    "Local authorities combined",  # a partnership's area of several authorities
    "Statistical neighbours",
)

# Why a figure is missing. The first six are publishers' markers, mapped per release.
CONFIDENTIAL = "c"
SMALL = "small"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
LOW_RELIABILITY = "u"
ROUNDS_TO_ZERO = "low"
NOT_COLLECTED = "not collected"
NOT_HELD = "not held"
NOT_YET_PUBLISHED = "not yet published"
PART_WITHHELD = "part withheld"  # a whole area's figure, one of whose authorities' is withheld
# A comparator's figure that is published but measures something else than the area's (LAIT's
# England figure for some measures is the sum of the regions' rates): never shown beside it.
NOT_COMPARABLE = "not comparable"

STATUSES: dict[str, str] = {
    CONFIDENTIAL: "withheld by the publisher to protect confidentiality",
    SMALL: "a number from 1 to 5 that the publisher suppressed (the 2010-2017 tables also "
    "suppress, with the same cross, the next smallest figure whenever a suppressed one could "
    "otherwise be worked out)",
    NOT_AVAILABLE: "not available (the publisher's own marker)",
    NOT_APPLICABLE: "not applicable",
    LOW_RELIABILITY: "low reliability",
    ROUNDS_TO_ZERO: "rounds to zero, but is not zero",
    NOT_COLLECTED: "the year is before the measure's published series starts",
    NOT_HELD: "published by the DfE, but no file in data/published holds this area and year",
    NOT_YET_PUBLISHED: "a year after the latest year any file holds for this indicator",
    PART_WITHHELD: "a partnership's whole-area figure, withheld because the figure of one of "
    "its local authorities is withheld (beside the others, it would give that one away)",
    NOT_COMPARABLE: "published, but not comparable with a local authority's figure (the "
    "measure's england_note in core/wider.yaml says why)",
}

# Every status that means "no figure": ``value`` is NaN exactly when ``status`` is one of these.
NO_FIGURE: frozenset[str] = frozenset(STATUSES)
