"""Numbers become text in one place: separators, precision, GSS symbols, records."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from safeguarding_report.core import provenance
from safeguarding_report.data import combine
from safeguarding_report.data.schema import NOT_HELD, TIDY_COLUMNS
from safeguarding_report.report import tables, text


@pytest.mark.parametrize(
    ("value", "status", "unit", "dps", "expected"),
    [
        (1777.0, "", "count", None, "1,777"),
        (343294.0, "", "count", None, "343,294"),
        (53.0, "", "rate", 0, "53"),  # looked-after rates: the DfE publishes whole numbers
        (65.25, "", "rate", 0, "65"),  # a neighbours' mean of them: whole too
        (354.8, "", "rate", None, "354.8"),
        (48.333, "", "rate", None, "48.3"),
        (26.0, "", "percent", None, "26.0"),  # the DfE's files write 26: shown as 26.0
        (50.0, "", "rate", 1, "50.0"),
        (72.33, "", "rate", 2, "72.33"),  # LAIT's dps: 2
        (13.0, "", "percent", 1, "13.0"),
        (21.5, "", "percent", None, "21.5"),
        (2.675, "", "rate", 2, "2.68"),  # halves away from zero, as publishers round
        (0.25, "", "percent", 1, "0.3"),
        (-0.04, "", "rate", 1, "0.0"),  # no negative zero
        (1234.5, "", "ratio", 1, "1,234.5"),
        (120.0, "", "pounds", None, "£120"),
        (math.nan, "c", "count", None, "[c]"),
        (math.nan, "x", "rate", 1, "[x]"),
        (math.nan, "low", "count", None, "[low]"),
        (math.nan, "k", "count", None, "[low]"),
        (math.nan, "z", "count", None, "[z]"),
        (math.nan, "u", "percent", None, "[u]"),
        (math.nan, "..", "count", None, "[x]"),
        (math.nan, NOT_HELD, "count", None, "[x]"),
    ],
)
def test_shown(value: float, status: str, unit: str, dps: int | None, expected: str) -> None:
    assert tables.shown(value, status, unit, dps) == expected


def _tidy(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator": ind,
                "area_code": code,
                "area_name": {"E10000016": "Kent", "E92000001": "England"}[code],
                "area_level": "Local authority",
                "period": period,
                "value": value,
                "status": status,
                "source_file": "data/published/x.csv",
                "source_column": "number",
                "source_line": "2",
                "source_area_code": code,
                "derivation": "",
            }
            for ind, code, period, value, status in rows
        ],
        columns=list(TIDY_COLUMNS),
    )


def test_pivot_lays_out_cells_and_records_every_number() -> None:
    tidy = _tidy(
        [
            ("cla_at_31_march", "E10000016", "2021", 1662.0, ""),
            ("cla_at_31_march", "E10000016", "2022", 1777.0, ""),
            ("cla_at_31_march", "E92000001", "2021", math.nan, "c"),
            ("cla_at_31_march", "E92000001", "2022", 82170.0, ""),
        ]
    )
    table = tables.pivot(tidy, rows="area_name", columns="period", caption="CLA", corner="Area")
    assert table.header == ["Area", "2021", "2022"]
    assert table.rows == [["Kent", "1,662", "1,777"], ["England", "[c]", "82,170"]]
    assert [r["shown"] for r in table.records] == ["1,662", "1,777", "[c]", "82,170"]
    assert table.records[2]["value"] is None
    html = table.to_html()
    assert "<caption>CLA</caption>" in html
    assert '<th scope="row">Kent</th>' in html
    assert "[c] confidential" in html, "a footnote explains each symbol used"
    assert "[x] not available" not in html, "and only those used"
    bundle = table._repr_mimebundle_()
    assert bundle[provenance.MIME_TYPE] == table.records


def test_every_figure_of_a_measure_has_its_places() -> None:
    # The DfE's file writes 26 for 26.0: beside 25.2 it is shown 26.0, as is a mean.
    tidy = _tidy(
        [
            ("rereferrals_pct", "E10000016", "2020", 26.0, ""),
            ("rereferrals_pct", "E10000016", "2021", 25.2, ""),
            ("rereferrals_pct", "E92000001", "2020", 22.6, ""),
            ("rereferrals_pct", "E92000001", "2021", 22.7, ""),
        ]
    )
    tidy.loc[3, "derivation"] = "mean of the 10 of 10 statistical neighbours"
    table = tables.pivot(tidy, rows="area_name", columns="period", caption="Re-referrals")
    assert table.rows == [["Kent", "26.0", "25.2"], ["England", "22.6", "22.7"]]
    assert [r["shown"] for r in table.records] == ["26.0", "25.2", "22.6", "22.7"]


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        ("cla_rate", 3.0, "+3"),  # published whole: its change is whole too
        ("cin_rate", 30.30000000000001, "+30.3"),
        ("cin_rate", -0.04, "0.0"),  # rounds to nothing: no sign, never "-0.0"
        ("cin_rate", 0.04, "0.0"),
        ("cla_at_31_march", -115.0, "-115"),
    ],
)
def test_a_change_is_shown_with_its_measures_places(
    indicator: str, value: float, expected: str
) -> None:
    row = dict(_tidy([(indicator, "E10000016", "2021 to 2022", value, "")]).iloc[0])
    row["derivation"] = "change: ..."
    assert tables.Figure(row, signed=True).text() == expected


def test_a_sentence_shows_a_figure_as_the_table_beside_it() -> None:
    row = _tidy([("rereferrals_pct", "E10000016", "2020", 26.0, "")]).iloc[0]
    said = text.say("Re-referrals: {pct:pct}.", pct=row)
    assert said.plain == "Re-referrals: 26.0%."
    assert said.records[0]["shown"] == "26.0%"


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        ("cin_rate", 30.30000000000001, "30.3"),
        ("cla_rate", 53.0, "53"),
        ("rereferrals_pct", 26.0, "26.0"),
        ("uasc_at_31_march", 5680.0, "5680"),
        ("s47_rate", 197.74406336379135, "197.7"),
        ("cin_rate", math.nan, ""),
    ],
)
def test_plain_writes_a_figure_for_a_csv_file(indicator: str, value: float, expected: str) -> None:
    assert tables.plain(value, indicator) == expected


def test_sentence_formats_and_records_its_numbers() -> None:
    tidy = _tidy([("rereferrals_pct", "E10000016", "2022", 21.5, "")])
    row = tidy.iloc[0]
    said = text.say("{la} re-referrals: {pct:pct}.", la="Kent", pct=row)
    assert said.plain == "Kent re-referrals: 21.5%."
    assert said.html == "<p>Kent re-referrals: 21.5%.</p>\n"
    assert said.records[0]["shown"] == "21.5%"
    assert said.records[0]["value"] == 21.5


def test_table_says_which_figures_were_calculated_not_published() -> None:
    tidy = _tidy(
        [
            ("cla_rate", "E10000016", "2018", 49.9, ""),
            ("cla_rate", "E10000016", "2022", 53.0, ""),
            ("cla_rate", "E92000001", "2018", 64.3, ""),
            ("cla_rate", "E92000001", "2022", 70.0, ""),
        ]
    )
    per_10k = "count per 10,000 of ONS mid-2017 population aged 0 to 17 (...)"
    tidy.loc[tidy["period"] == "2018", "derivation"] = per_10k
    table = tables.pivot(tidy, rows="area_name", columns="period", caption="CLA rate")
    # Calculated or published, a looked-after rate has the DfE's places: whole numbers.
    assert table.rows == [["Kent", "50", "53"], ["England", "64", "70"]]
    html = table.to_html()
    assert (
        "Rates calculated for this report, because the DfE published none: Kent and England in 2018"
        in html
    )
    assert "Statistical neighbours (mean)" not in html


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("c", "was withheld by the publisher to protect confidentiality"),
        ("small", "is not shown because it is a small number (from 1 to 5)"),
        ("z", "does not apply"),
        ("not collected", "the published series does not go back to that year"),
        ("not held", "was published, but is not in the published files this report was built"),
        ("not yet published", "has not yet been published"),
    ],
)
def test_sentence_never_puts_a_symbol_where_a_number_belongs(status: str, words: str) -> None:
    tidy = _tidy(
        [
            ("cpp_at_31_march", "E10000016", "2019", math.nan, status),
            ("cla_at_31_march", "E10000016", "2019", 1600.0, ""),
        ]
    )
    said = text.say(
        "{cpp} children had a plan and {cla} were looked after.", cpp=tidy.iloc[0], cla=tidy.iloc[1]
    )
    for symbol in tables.SYMBOL_MEANINGS:
        assert symbol not in said.plain and symbol not in said.html
    assert said.plain.startswith(
        "The figure for children on a child protection plan at 31 March for Kent in the year "
        "ending 31 March 2019 "
    )
    assert words in said.plain
    assert said.records == [], "a figure that is not shown is not recorded as shown"


def test_each_reason_has_its_own_wording() -> None:
    statuses = ["c", "small", "x", "z", "not collected", "not held", "not yet published", "u"]
    assert len({tables.reason(s) for s in statuses}) == len(statuses)


def test_text_from_data_cannot_become_markup() -> None:
    tidy = _tidy([("cla_at_31_march", "E10000016", "2022", 1777.0, "")])
    said = text.say(
        "{la} looked after {cla} children.",
        la="<svg onload=alert(1)>Kent</svg> *x*",
        cla=tidy.iloc[0],
    )
    assert "<svg" not in said.html and "&lt;svg onload=alert(1)&gt;Kent&lt;/svg&gt;" in said.html
    assert "<em>" not in said.html, "Markdown in a value stays text"


def test_table_footnote_says_why_each_figure_is_missing() -> None:
    tidy = _tidy(
        [
            ("cin_at_31_march", "E10000016", "2012", math.nan, "not collected"),
            ("cin_at_31_march", "E10000016", "2013", 11000.0, ""),
            ("cin_at_31_march", "E92000001", "2012", math.nan, "not collected"),
            ("cin_at_31_march", "E92000001", "2013", math.nan, "c"),
        ]
    )
    html = tables.pivot(tidy, rows="area_name", columns="period", caption="CIN").to_html()
    assert (
        "The figures for Kent and England in 2012 are not available because the published" in html
    )
    assert "The figure for England in 2013 was withheld by the publisher" in html


def test_grid_mixes_text_and_recorded_figures() -> None:
    tidy = _tidy(
        [
            ("cla_at_31_march", "E10000016", "2021", 1662.0, ""),
            ("cla_at_31_march", "E10000016", "2022", 1777.0, ""),
        ]
    )
    change = dict(tidy.iloc[1])
    change.update(value=115.0, derivation="change")
    table = tables.grid(
        "G",
        ["Measure", "2021", "Change", "Direction"],
        [["Looked after", tables.Figure(tidy.iloc[0]), tables.Figure(change, signed=True), "Up"]],
    )
    assert table.rows == [["Looked after", "1,662", "+115", "Up"]]
    assert [r["shown"] for r in table.records] == ["1,662", "+115"]
    html = table.to_html()
    assert '<td class="num">+115</td>' in html and "<td>Up</td>" in html


# -- what a reader is told: no column of nothing, each missing figure named once -------------------


def _row(
    indicator: str, area: str, value: float, status: str = "", **more: str
) -> dict[str, object]:
    return {
        "indicator": indicator, "area_code": area, "area_name": more.get("name", area),
        "area_level": "Local authority", "period": "2024", "value": value, "status": status,
        "source_file": "data/published/x.csv", "source_column": "v", "source_line": "2",
        "source_area_code": area, "derivation": more.get("derivation", ""),
        "breakdown": more.get("breakdown", ""),
    }  # fmt: skip


def test_a_column_that_is_all_not_applicable_is_left_out_with_one_note_why() -> None:
    whole = combine.not_combined("rates cannot be added").derivation
    rows = [
        [label, tables.Figure(_row(i, "W", math.nan, "z", name="Whole", derivation=whole)),
         tables.Figure(_row(i, "A", 12.5)), tables.Figure(_row(i, "B", 14.0))]
        for label, i in [("CIN rate", "cin_rate"), ("CPP rate", "cpp_rate")]
    ]  # fmt: skip
    table = tables.grid("Side by side", ["Measure", "Whole", "A", "B"], rows)
    assert table.header == ["Measure", "A", "B"]
    assert all(len(row) == 3 and "[z]" not in row for row in table.rows)
    assert [r["area_code"] for r in table.records] == ["A", "B", "A", "B"]
    (said,) = [n for n in table.notes if "There is no column for Whole." in n]
    assert "Not worked out for Whole in 2024" in said, "why: the figures are not combined"
    assert "[z]" not in table.to_html(), "no symbol left to explain"


def test_a_column_with_any_figure_stays() -> None:
    rows = [
        ["CIN rate", tables.Figure(_row("cin_rate", "W", math.nan, "z")),
         tables.Figure(_row("cin_rate", "A", 12.5))],
        ["CPP rate", tables.Figure(_row("cpp_rate", "W", 3.0)),
         tables.Figure(_row("cpp_rate", "A", 14.0))],
    ]  # fmt: skip
    assert tables.grid("T", ["Measure", "W", "A"], rows).header == ["Measure", "W", "A"]


def test_a_note_names_each_missing_figure_once_and_counts_a_long_list() -> None:
    few = [
        {**_row("local_practice_reviews", "K", math.nan, "small", name="Kent"), "shown": "[c]"},
        {**_row("reviews_published", "K", math.nan, "small", name="Kent"), "shown": "[c]"},
    ]
    (note,) = tables.symbol_notes(few, ["[c]"])
    assert note.count("Kent in 2024") == 1
    assert "The figures for local child safeguarding practice reviews and reviews published" in note
    assert "are not shown because each is a small number" in note
    many = [
        {**_row(i, "K", math.nan, "c", name="Kent"), "shown": "[c]"}
        for i in ["cin_rate", "cpp_rate", "cla_rate", "s47_rate", "referrals_rate"]
    ]
    (note,) = tables.symbol_notes(many, ["[c]"])
    assert "5 figures of 5 measures, for Kent in 2024, were withheld by the publisher" in note
    assert "figures.csv lists each" in note and "rate" not in note.split("[c]", 1)[1]


def test_a_note_names_the_body_a_local_record_is_about() -> None:
    row = _row("education_settings", "K", math.nan, "z", name="Kent Partnership",
               breakdown="kind: the local authority's education services")  # fmt: skip
    (note,) = tables.symbol_notes([{**row, "shown": "[z]"}], ["[z]"])
    assert "the local authority's education services in 2024 does not apply" in note
    assert "Kent Partnership" not in note
