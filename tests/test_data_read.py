"""Reading as published: symbols, names not positions, and damaged files that must fail.

Each damaged copy is the real file with one change, written under tmp_path beside links to
the other real files; the error must name the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import EES_SYMBOLS, MEASURES
from safeguarding_report.data.read import parse_value, read_table
from safeguarding_report.data.schema import NO_FIGURE

ROOT = Path(__file__).parents[1]
D = "data/published/dfe-csc-outcomes-enablers/"
C4 = D + "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
D3 = D + "d3_cpps_subsequent_plan_2013_to_2025.csv"
B1_2025 = D + "b1_children_in_need_2013_to_2025.csv"
SN_2021 = D + "New_Statistical_Neighbour_Groupings_April_2021.csv"
CLA_2012 = "data/published/bengoodair-csc-data/sfr_2010_2017/2012/SFR20_CLA2012.csv"
KENT_C4_LINE = 599  # Kent, 2022 in the C4 and D3 tables
KENT_SFR_LINE = 139


def rows_of(source_file: str) -> list[list[str]]:
    with (ROOT / source_file).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def damaged(tmp_path: Path, source_file: str, edit: Callable[[list[list[str]]], None]) -> Published:
    """A data folder of links to the real files, with one file's rows edited."""
    src = ROOT / "data" / "published"
    for path in src.rglob("*.csv"):
        target = tmp_path / "data" / "published" / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(path)
    rows = rows_of(source_file)
    edit(rows)
    target = tmp_path / source_file
    target.unlink()
    target.write_text(write_rows(rows), encoding="utf-8")
    return Published(tmp_path / "data")


def set_cell(line: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[line - 1][[h.strip() for h in rows[0]].index(column)] = value

    return edit


def fails(call: Callable[[], object], *parts: str) -> str:
    with pytest.raises(DataError) as caught:
        call()
    message = str(caught.value)
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"
    return message


# -- values and symbols ----------------------------------------------------------------------


@pytest.mark.parametrize("symbol", sorted(EES_SYMBOLS.meanings))
def test_every_dfe_symbol_is_a_status_beside_a_missing_value(symbol: str) -> None:
    value, status = parse_value(f" {symbol} ", EES_SYMBOLS.meanings, where=lambda: "f, line 2")
    assert math.isnan(value) and status == EES_SYMBOLS.meanings[symbol]
    assert status in NO_FIGURE


@pytest.mark.parametrize(("text", "expected"), [("1777", 1777.0), ("354.8", 354.8), ("0", 0.0),
                                                ("-490", -490.0)])  # fmt: skip
def test_numbers_are_read_as_numbers(text: str, expected: float) -> None:
    assert parse_value(text, EES_SYMBOLS.meanings, where=lambda: "") == (expected, "")


@pytest.mark.parametrize("text", ["", "#VALUE!", "12a", "n/a", "nan", "inf"])
def test_anything_else_is_an_error_naming_where(text: str) -> None:
    with pytest.raises(DataError, match=r"f\.csv, line 7, column 'CPP_At31'"):
        parse_value(text, EES_SYMBOLS.meanings, where=lambda: "f.csv, line 7, column 'CPP_At31'")


def test_data_error_is_a_report_error() -> None:
    assert issubclass(DataError, ReportError)


def test_columns_are_found_by_name_whatever_their_case_spaces_or_a_bom() -> None:
    table = read_table(ROOT / CLA_2012, CLA_2012)
    # The SFR header cell is "CLA_NetGain " with a trailing space.
    assert table.header[table.column("  cla_netgain")] == "CLA_NetGain "
    bom = read_table(ROOT / D / "cla_number_and_rate_per_10k_children.csv", "x")
    assert bom.header[0] == "time_period"


def test_column_order_and_case_do_not_matter(tmp_path: Path) -> None:
    def shuffle(rows: list[list[str]]) -> None:
        rows[0] = [h.upper() for h in rows[0]]
        for i, row in enumerate(rows):
            rows[i] = row[::-1]

    published = damaged(tmp_path, C4, shuffle)
    got = published.series("s47_enquiries", ["886"], [2022]).iloc[0]
    assert got["value"] == 6646 and got["source_column"] == "SECTION47"


# -- damaged copies --------------------------------------------------------------------------


def test_a_removed_column_names_file_line_and_column(tmp_path: Path) -> None:
    def drop(rows: list[list[str]]) -> None:
        at = rows[0].index("ICPC")
        for row in rows:
            del row[at]

    published = damaged(tmp_path, C4, drop)
    fails(lambda: published.series("icpc", ["886"], [2022]), C4, "line 1", "'ICPC'", "missing")


def test_a_garbled_value_names_file_line_and_column(tmp_path: Path) -> None:
    published = damaged(tmp_path, C4, set_cell(KENT_C4_LINE, "Section47", "66A6"))
    fails(
        lambda: published.series("s47_enquiries", ["886"], [2022]),
        C4,
        f"line {KENT_C4_LINE}",
        "'Section47'",
        "'66A6'",
        "Expected a number",
    )


def test_a_duplicated_row_names_both_lines(tmp_path: Path) -> None:
    def duplicate(rows: list[list[str]]) -> None:
        rows.insert(KENT_C4_LINE, list(rows[KENT_C4_LINE - 1]))

    published = damaged(tmp_path, D3, duplicate)
    message = fails(
        lambda: published.series("cpp_started", ["886"], [2022]),
        D3,
        f"line {KENT_C4_LINE + 1}",
        "'CPP_start'",
        "duplicate",
    )
    assert f"line {KENT_C4_LINE} already" in message


@pytest.mark.parametrize(("column", "code"), [("new_la_code", "E10000099"), ("old_la_code", "987")])
def test_an_unknown_local_authority_code_names_file_line_and_column(
    tmp_path: Path, column: str, code: str
) -> None:
    published = damaged(tmp_path, C4, set_cell(KENT_C4_LINE, column, code))
    fails(
        lambda: published.series("s47_enquiries", ["886"], [2022]),
        C4,
        f"line {KENT_C4_LINE}",
        f"'{column}'",
        code,
        "unknown local authority code",
    )


def test_a_year_the_file_does_not_hold_names_file_line_and_column(tmp_path: Path) -> None:
    published = damaged(tmp_path, C4, set_cell(KENT_C4_LINE, "time_period", "2031"))
    fails(
        lambda: published.series("icpc", ["886"], [2021]),
        C4,
        f"line {KENT_C4_LINE}",
        "'time_period'",
        "'2031'",
        "2013 to 2025",
    )


def test_a_year_missing_from_the_file_is_an_error(tmp_path: Path) -> None:
    def drop_2019(rows: list[list[str]]) -> None:
        rows[1:] = [r for r in rows[1:] if r[0] != "2019"]

    published = damaged(tmp_path, B1_2025, drop_2019)
    fails(lambda: published.series("cin_at_31_march", ["886"], [2022]), B1_2025, "[2019]")


def test_a_garbled_sfr_value_names_file_line_and_column(tmp_path: Path) -> None:
    published = damaged(tmp_path, CLA_2012, set_cell(KENT_SFR_LINE, "CLA_Mar2012", "1,798"))
    fails(
        lambda: published.series("cla_at_31_march", ["886"], [2012]),
        CLA_2012,
        f"line {KENT_SFR_LINE}",
        "'CLA_Mar2012'",
        "'1,798'",
    )


def test_a_removed_sfr_column_names_the_file(tmp_path: Path) -> None:
    def drop(rows: list[list[str]]) -> None:
        at = rows[0].index("CLA_UASC")
        for row in rows:
            del row[at]

    published = damaged(tmp_path, CLA_2012, drop)
    fails(lambda: published.series("uasc_at_31_march", ["886"], [2012]), CLA_2012, "line 1",
          "'CLA_UASC'")  # fmt: skip


def test_an_unknown_neighbour_code_names_file_line_and_column(tmp_path: Path) -> None:
    published = damaged(tmp_path, SN_2021, set_cell(127, "SN1", "999"))
    fails(lambda: published.neighbours("886", 2022), SN_2021, "line 127", "'SN1'", "'999'")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    published = damaged(tmp_path, C4, lambda rows: None)
    (tmp_path / C4).unlink()
    fails(lambda: published.series("icpc", ["886"], [2022]), C4, "missing")


# -- areas -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("886", ("E10000016", "886", "Kent", "E12000008")),
        ("E10000016", ("E10000016", "886", "Kent", "E12000008")),
        ("e10000016", ("E10000016", "886", "Kent", "E12000008")),
        ("E08000020", ("E08000037", "390", "Gateshead", "E12000001")),  # pre-2014 E-code
        ("E10000027", ("E06000066", "933", "Somerset", "E12000009")),  # pre-2023 E-code
        ("928", ("E10000021", "928", "Northamptonshire", "E12000004")),  # abolished 2021
    ],
)
def test_an_area_is_found_by_old_or_new_code(code: str, expected: tuple[str, ...]) -> None:
    area = Published(ROOT / "data").area(code)
    assert (area.code, area.old_code, area.name, area.region_code) == expected
    assert area.level == "Local authority"


def test_england_and_regions_are_areas() -> None:
    published = Published(ROOT / "data")
    england = published.area("E92000001")
    assert (england.name, england.level, england.region_code) == ("England", "National", "")
    region = published.area("E12000008")
    assert (region.name, region.level, region.old_code) == ("South East", "Regional", "")


@pytest.mark.parametrize(("code", "suggestion"), [("Kentt", "Kent"), ("E1000016", "E10000016")])
def test_an_unknown_area_code_is_named_with_suggestions(code: str, suggestion: str) -> None:
    message = fails(lambda: Published(ROOT / "data").area(code), repr(code), "Did you mean")
    assert re.search(re.escape(suggestion), message.split("Did you mean")[1])


# -- the real files --------------------------------------------------------------------------


def test_every_catalogued_file_passes_validation() -> None:
    """Every measure of every indicator loads from the real files, for every area and year."""
    published = Published(ROOT / "data")
    codes = [a.code for a in published.areas.all()]
    assert len(codes) > 150
    for indicator in MEASURES:
        frame = published.series(indicator, codes, published.periods(indicator))
        assert len(frame) == len(codes) * len(published.periods(indicator))
        assert frame["status"].isin(NO_FIGURE | {""}).all()
        assert frame.loc[frame["status"] != "", "value"].isna().all()


def test_creating_published_reads_nothing(tmp_path: Path) -> None:
    published = Published(tmp_path / "data")  # files are read on first use
    fails(lambda: published.area("886"), "ons_mid-year_population_estimates", "missing")
