"""The DfE's Benchmarking Data Set (LAIT): read as published, refused when damaged, banded as
LAIT bands, and every figure cited to the parquet row it came from."""

from __future__ import annotations

import csv
import io
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from safeguarding_report.core import indicators
from safeguarding_report.core.errors import DataError
from safeguarding_report.core.indicators import LAIT_CODES, WIDER
from safeguarding_report.data import Published
from safeguarding_report.data.benchmarking import (
    BDS,
    DICTIONARY,
    Bds,
    Years,
    lait_band,
    parse_years,
)
from safeguarding_report.data.schema import NOT_COMPARABLE

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
KENT = "E10000016"


@pytest.fixture(scope="module")
def published() -> Published:
    return Published(DATA)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_parquet(DATA / BDS)


@pytest.fixture(scope="module")
def every(published: Published) -> Bds:
    """Every measure's rows, as the file's check reads them (a report reads its own only)."""
    return Bds(DATA / BDS, f"data/{BDS}", published.areas)


@pytest.mark.parametrize(
    ("label", "first", "last", "mark"),
    [
        ("2024", 2024, 2024, ""),
        ("2023-24", 2023, 2024, ""),
        ("2014-16", 2014, 2016, ""),
        ("2024-25 (OT)", 2024, 2025, "outturn"),
        ("2022 (Rev)", 2022, 2022, "revised"),
        ("2025 (prov)", 2025, 2025, "provisional"),
        ("2020 (Final)", 2020, 2020, "final"),
        ("2015/16", 2015, 2016, ""),
        ("2013/14-15/16", 2013, 2016, ""),
        ("1999-00", 1999, 2000, ""),
    ],
)
def test_every_years_form_is_understood_and_kept_as_labelled(
    label: str, first: int, last: int, mark: str
) -> None:
    assert parse_years(label, where="x") == Years(label, first, last, mark)


def test_the_placeholder_year_is_no_year() -> None:
    assert parse_years("0", where="x") is None


@pytest.mark.parametrize("label", ["2024-2025", "24", "2015/17", "2024 (est)", "2023-22", ""])
def test_an_unknown_years_form_is_refused_where_it_is(label: str) -> None:
    with pytest.raises(DataError, match=r"f\.parquet, row 3 .*Years label"):
        parse_years(label, where="f.parquet, row 3 (counting from 0), column 'Years'")


def test_every_label_in_the_file_is_understood(every: Bds, frame: pd.DataFrame) -> None:
    labels = set(frame["Years"])
    assert labels == set(every.years)
    assert {"2024-25 (OT)", "2013/14-15/16", "2014-16", "2025 (prov)", "2022 (Rev)"} <= labels


def test_dash_is_kept_as_not_available(every: Bds, frame: pd.DataFrame) -> None:
    dash = frame.index[(frame["Values"] == "-") & (frame["Years"] != "0")][0]
    row = frame.loc[dash]
    area = every.area_codes[every.written.index(f"{row['LA Number']:g}")]
    cell = every.cell(row["Short Desc"], area, row["Years"])
    assert cell is not None and cell.status == "x" and math.isnan(cell.value)
    assert cell.row == dash


def test_every_wider_measure_is_described_and_holds_values_for_kent(
    published: Published,
) -> None:
    assert len(LAIT_CODES) >= 10
    assert len([p for p in WIDER if p.measures]) >= 3
    for indicator in LAIT_CODES:
        entry = published.lait_entry(indicator)
        years = published.wider_years(indicator, 2025, 15)
        frame = published.wider(indicator, KENT, years)
        kent = frame[frame["area_code"] == KENT]
        assert (kent["status"] == "").any(), entry.code


def test_figures_cite_the_parquet_cell(published: Published, frame: pd.DataFrame) -> None:
    for indicator, code in LAIT_CODES.items():
        years = published.wider_years(indicator, 2024, 3)
        tidy = published.wider(indicator, KENT, years)
        for _, row in tidy[tidy["area_level"] != "Statistical neighbours"].iterrows():
            assert row["source_file"] == "data/" + BDS
            assert row["source_column"] == f"Values [Short Desc {code}]"
            cited = frame.iloc[int(row["source_line"])]
            assert cited["Short Desc"] == code
            assert cited["Years"] == row["period"]
            assert f"{cited['LA Number']:g}" == row["source_area_code"]
            if row["status"] == NOT_COMPARABLE:  # cited, not shown (england_note in wider.yaml)
                assert float(cited["Values"]) > 0
            elif row["status"]:
                assert cited["Values"] == "-"
            else:
                assert float(cited["Values"]) == row["value"]


def _hand_band(values: list[float], own: float, polarity: str) -> tuple[int, str]:
    """LAIT's method by hand: rank with ties at the best, quartiles by R's quantile()."""
    ordered = sorted(values)
    n = len(ordered)

    def quantile(p: float) -> float:
        h = (n - 1) * p
        lo = math.floor(h)
        hi = min(lo + 1, n - 1)
        return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])

    q1, q2, q3 = quantile(0.25), quantile(0.5), quantile(0.75)
    if polarity == "lower":
        rank = 1 + sum(v < own for v in values)
        band = "A" if own <= q1 else "B" if own <= q2 else "C" if own <= q3 else "D"
    else:
        rank = 1 + sum(v > own for v in values)
        band = "D" if own <= q1 else "C" if own <= q2 else "B" if own <= q3 else "A"
    return rank, band


@pytest.mark.parametrize(("code", "label"), [("HospAd0-14", "2022"), ("ChildPov", "2025"),
                                             ("LACDental%", "2024")])  # fmt: skip
def test_bands_match_a_hand_computation(
    published: Published, every: Bds, frame: pd.DataFrame, code: str, label: str
) -> None:
    entry = published.lait_dictionary[code]
    assert entry.polarity is not None
    rows = frame[(frame["Short Desc"] == code) & (frame["Years"] == label)]
    local = rows[(rows["LA Number"] < 970) & (rows["Values"] != "-")]
    values = [float(v) for v in local["Values"]]
    for number in (886, 201, 330):
        own_rows = local[local["LA Number"] == number]
        if own_rows.empty:
            continue
        area = published.area(str(number)).code
        got = every.band(code, area, label, entry)
        assert got is not None
        rank, band = _hand_band(values, float(own_rows["Values"].iloc[0]), entry.polarity)
        assert (got.rank, got.band, got.of) == (rank, band, len(values))


def test_a_measure_lait_does_not_band_is_ranked_but_not_banded(
    published: Published, every: Bds
) -> None:
    entry = published.lait_dictionary["CINPermAbsent_3Term"]
    assert not entry.banded  # marked No_Quartile under one of its two topics
    got = every.band(entry.code, KENT, "2025", entry)
    assert got is not None and got.band == "" and got.rank >= 1
    assert every.band("Children_missing", KENT, "2025",
                              published.lait_dictionary["Children_missing"]) is None  # fmt: skip


def test_lait_band_edges() -> None:
    quartiles = (0.0, 10.0, 20.0, 30.0, 40.0)
    assert [lait_band(v, quartiles, "lower") for v in (10, 10.1, 20, 30, 31)] == list("ABBCD")
    assert [lait_band(v, quartiles, "higher") for v in (10, 10.1, 20, 30, 31)] == list("DCCBA")


# -- damaged files --------------------------------------------------------------------------


def _project(tmp_path: Path) -> Path:
    """A data folder with the real files, the BDS to be replaced by the test."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "published", data / "published")
    return data


def _write(data: Path, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, data / BDS)


def _small(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["Short Desc"].isin(["HospAd0-14", "CINPermExclusion"])].reset_index(
        drop=True
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: f.assign(Values=f["Values"].where(f.index != 7, "n/a")),
         r"row 7 \(counting from 0\), column 'Values': 'n/a' is neither a number nor LAIT's '-'"),
        (lambda f: f.assign(Years=f["Years"].where(f.index != 4, "2021 to 2022")),
         r"row 4 \(counting from 0\), column 'Years': the Years label '2021 to 2022'"),
        (lambda f: f.assign(**{"LA Number": f["LA Number"].where(f.index != 9, 123.0)}),
         r"row 9 \(counting from 0\), column 'LA Number': unknown area 123"),
        (lambda f: f.drop(columns=["Values"]), r"column 'Values': the column is missing"),
        (lambda f: pd.concat([f, f.iloc[[2]]], ignore_index=True),
         r"row \d+ \(counting from 0\), column 'Short Desc': duplicate row"),
        (lambda f: f.assign(Values=f["Values"].where(f["Years"] != "0", "1.5")),
         r"column 'Values': a value for Years '0'"),
        (lambda f: f.assign(**{"Short Desc": f["Short Desc"].replace("HospAd0-14", "Nope")}),
         r"column 'Short Desc': the measure 'Nope' is not in .*lait_data_dictionary.csv"),
    ],
)  # fmt: skip
def test_a_damaged_file_is_refused_where_it_is(
    tmp_path: Path, frame: pd.DataFrame, damage: object, message: str
) -> None:
    data = _project(tmp_path)
    _write(data, damage(_small(frame)))  # type: ignore[operator]
    published = Published(data, parse_cache=None)
    with pytest.raises(DataError, match=r"data/published/dfe-lait-bds/bds_long_0\.parquet.*"
                       + message):  # fmt: skip
        published.validate_file(BDS)


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    data = _project(tmp_path)
    (data / BDS).write_bytes(b"Short Desc,Years\n")
    with pytest.raises(DataError, match=r"bds_long_0\.parquet: the file is not a readable"):
        Published(data, parse_cache=None).validate_file(BDS)


def test_a_damaged_dictionary_is_refused_at_its_line(tmp_path: Path) -> None:
    data = _project(tmp_path)
    text = (data / DICTIONARY).read_bytes().decode("latin-1")
    (data / DICTIONARY).write_bytes(text.replace('"InfMort","Low"', '"InfMort","Lower"', 1)
                                    .encode("latin-1"))  # fmt: skip
    with pytest.raises(DataError, match=r"lait_data_dictionary\.csv, line 2, column 'Polarity'"):
        Published(data, parse_cache=None).validate_file(DICTIONARY)


def test_a_newer_release_dropped_in_is_used(tmp_path: Path, frame: pd.DataFrame) -> None:
    data = _project(tmp_path)
    newer = _small(frame)
    newer.loc[newer["Years"] == "2024", "Years"] = "2027"
    table = pa.Table.from_pandas(newer, preserve_index=False)
    pq.write_table(table, data / "published" / "dfe-lait-bds" / "bds_long_1.parquet")
    published = Published(data, parse_cache=None)
    assert published.catalogue.bds == "published/dfe-lait-bds/bds_long_1.parquet"
    assert [r.release for r in published.catalogue.recognised if r.release_of == BDS] == ["2027"]
    years = published.wider_years("injury_admissions_0_14", 2027, 1)
    assert [y.label for y in years] == ["2027"]
    row = published.wider("injury_admissions_0_14", KENT, years).iloc[0]
    assert row["source_file"].endswith("bds_long_1.parquet")
    assert np.isfinite(row["value"])


# -- where LAIT and the kit's own DfE files hold the same measure ----------------------------

# LAIT's measure -> the kit's indicator holding the same figure (years ending 31 March; the
# workforce at 30 September), for every authority and year both hold.
OVERLAP: dict[str, str] = {
    "LAC": "cla_rate",
    "LACnum": "cla_at_31_march",
    "LACnum_Start": "cla_started",
    "LACceased": "cla_ceased",
    "Unacc_Asylmn_Seek_Childn": "uasc_at_31_march",
    "CIN": "cin_rate",
    "CPP_Total_NumRef": "referrals",
    "CPP_Total_Rateper10,000": "referrals_rate",
    "ReReferral": "rereferrals_pct",
    "Section_47": "s47_rate",
    "ISCP_Conf": "icpc_rate",
    "CPP_Abuse": "cpp_started",
    "CPP_Num": "cpp_at_31_march",
    "CPP_rate": "cpp_rate",
    "PrevRegCPR": "cpp_subsequent_pct",
    "CPPlans2yrsActive": "cpp_2_years_or_more_pct",
    "Work_Force_TO_Rate": "sw_turnover_rate",
    "Work_Force_Vac_Rate": "sw_vacancy_rate",
    "Work_Force_Agecy_Rate": "sw_agency_rate",
    "Work_Force_AvgNumCase_SW": "sw_caseload",
}

# Where they differ, and why: listed in docs/data.md ("Where LAIT and the DfE's files
# differ"). Each (measure, year) here must differ for some authority, and no other may.
SFR_FIRST = "the kit reads the year's own SFR table, as first published; LAIT's are not those"
DERIVED = "the kit derives the rate from the count and the ONS population; LAIT holds the rate"
REBASED = (
    "the kit reads the 2024 release's rates; LAIT's are the 2025 release's counts over the "
    "ONS's revised mid-2022 and mid-2023 populations"
)
KNOWN: dict[tuple[str, str], str] = {
    ("LAC", "2016"): DERIVED,
    ("LAC", "2017"): DERIVED,
    ("LAC", "2018"): DERIVED,
    ("LACnum", "2016"): SFR_FIRST,
    ("LACnum", "2017"): SFR_FIRST,
    ("LACnum_Start", "2016"): SFR_FIRST,
    ("LACnum_Start", "2017"): SFR_FIRST,
    ("LACceased", "2016"): SFR_FIRST,
    ("LACceased", "2017"): SFR_FIRST,
    ("Unacc_Asylmn_Seek_Childn", "2016"): SFR_FIRST,
    ("Unacc_Asylmn_Seek_Childn", "2017"): SFR_FIRST,
    ("CIN", "2023"): REBASED,
    ("CIN", "2024"): REBASED,
    ("CPP_Total_Rateper10,000", "2023"): REBASED,
    ("CPP_Total_Rateper10,000", "2024"): REBASED,
}


def _agree(kit: float, lait: float) -> bool:
    """Equal up to the precision LAIT shows: whole numbers, or one decimal place."""
    if float(lait).is_integer() and abs(kit - lait) <= 0.5:
        return True
    return abs(kit - lait) <= 0.05 + 1e-9


def test_lait_agrees_with_the_kits_dfe_files_except_where_listed(
    published: Published, every: Bds
) -> None:
    authorities = [a.code for a in published.areas.all() if a.level == "Local authority"]
    compared = 0
    differ: dict[tuple[str, str], list[str]] = {}
    for code, indicator in OVERLAP.items():
        held = set(published.periods(indicator))
        years = [int(y.label) for y in every.labels(code) if int(y.label) in held]
        assert years, code
        frame = published.series(indicator, authorities, years)
        for _, row in frame[frame["status"] == ""].iterrows():
            cell = every.cell(code, row["area_code"], row["period"])
            if cell is None or cell.status:
                continue
            compared += 1
            if not _agree(float(row["value"]), cell.value):
                shown = f"{row['area_name']}: {row['value']:.6g} (kit) vs {cell.value:.6g}"
                differ.setdefault((code, row["period"]), []).append(shown)
    assert compared > 25_000
    unexplained = {k: v[:3] for k, v in differ.items() if k not in KNOWN}
    assert not unexplained, f"differences not listed in docs/data.md: {unexplained}"
    assert set(KNOWN) <= set(differ), f"listed but no longer differing: {set(KNOWN) - set(differ)}"


def test_the_differences_are_listed_in_the_docs() -> None:
    docs = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    for code, year in KNOWN:
        assert f"`{code}`" in docs and year in docs
    for indicator in LAIT_CODES:
        assert f"`{indicator}`" in docs


def test_one_headline_measure_per_partner() -> None:
    from safeguarding_report.core.indicators import WIDER_HEADLINES

    assert [next(m.id for m in p.measures if m.id in WIDER_HEADLINES) for p in WIDER] == list(
        WIDER_HEADLINES
    )


def test_the_wider_picture_table_shows_lait_rank_band_and_polarity() -> None:
    from safeguarding_report.report.sections import load, performance

    ctx = load(DATA, "886", 2022, 5, framework_id="wt2018")
    table = performance.wider_table(ctx, "health")
    assert not isinstance(table, str) and hasattr(table, "rows")
    first = table.rows[0]  # type: ignore[union-attr]
    assert first[:3] == [
        "Emergency hospital admissions for injuries, children aged 0 to 14, rate per 10,000",
        "2022",
        "79.72",  # LAIT's data dictionary gives the measure two decimal places (dps 2)
    ]
    assert first[-3:] == ["Lower is better", "64 of 151", "B"]
    cited = {r["source_file"] for r in table.records}  # type: ignore[union-attr]
    assert cited == {"data/" + BDS}
    early = performance.wider_table(load(DATA, "886", 2012, 5, framework_id="wt2010"), "health")
    assert "holds none of the health measures" in early.plain  # type: ignore[union-attr]


# -- decimal places --------------------------------------------------------------------------


def _dictionary_dps() -> dict[str, set[str]]:
    """Each measure's dps cells, read straight from the dictionary as published."""
    text = (DATA / DICTIONARY).read_bytes().decode("latin-1")
    found: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        found.setdefault(row["Measure_short"].strip(), set()).add(row["dps"].strip())
    return found


def test_each_wider_measure_has_the_decimal_places_lait_gives_it(published: Published) -> None:
    published.lait_dictionary  # noqa: B018 - reading it declares its places
    given = _dictionary_dps()
    for indicator, code in LAIT_CODES.items():
        # LAIT reads NA as one place (its global.R), and the largest where a measure's
        # topics differ (its get_indicator_dps).
        expected = max(1 if dps == "NA" else int(dps) for dps in given[code])
        assert published.lait_entry(indicator).dps == expected, code
        assert indicators.decimals(indicator) == expected, code
    assert {c: indicators.decimals(i) for i, c in LAIT_CODES.items() if c in DPS_SEEN} == (DPS_SEEN)
    assert published.lait_dictionary["LAC_Unauth"].dps == 2  # NA under one topic, 2 under another


# As the dictionary gives them: 2, NA (one place, as LAIT shows it) and 0.
DPS_SEEN = {"HospAd0-14": 2, "InfMort": 1, "SWFinance": 0}


def test_a_wider_figure_is_shown_with_lait_places_trailing_zeros_kept(
    published: Published,
) -> None:
    from safeguarding_report.report import tables

    years = published.wider_years("cla_missing", 2022, 1)
    tidy = published.wider("cla_missing", KENT, years)
    shown = {str(r["area_name"]): tables.shown_for(r) for _, r in tidy.iterrows()}
    # LAIT publishes whole numbers (13) with dps NA: one place, as LAIT shows them.
    assert shown["Kent"] == "13.0"
    assert shown["Statistical neighbours (mean)"] == "10.8"


def test_a_dictionary_with_a_damaged_dps_is_refused_at_its_line(tmp_path: Path) -> None:
    data = _project(tmp_path)
    text = (data / DICTIONARY).read_bytes().decode("latin-1")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    column = rows[0].index("dps")
    assert rows[1][rows[0].index("Measure_short")] == "InfMort"
    rows[1][column] = "one"
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows)
    (data / DICTIONARY).write_bytes(out.getvalue().encode("latin-1"))
    with pytest.raises(
        DataError, match=r"lait_data_dictionary\.csv, line 2, column 'dps': 'one' is not a number"
    ):
        Published(data, parse_cache=None).validate_file(DICTIONARY)


# -- a report reads only its measures' rows ----------------------------------------------------


def test_a_report_reads_only_the_wider_pictures_rows_each_as_the_whole_file_has_it(
    published: Published, every: Bds, frame: pd.DataFrame
) -> None:
    codes = set(LAIT_CODES.values())
    read = published.bds
    assert set(read.codes) == codes
    assert len(read.values) == frame["Short Desc"].isin(codes).sum() < len(frame) / 20
    for code in codes:
        assert read.labels(code) == every.labels(code)
        mine, whole = read._index(code), every._index(code)
        assert mine.keys() == whole.keys()
        for key, cell in mine.items():  # the same value, status and row (its citation)
            other = whole[key]
            assert (cell.row, cell.status, cell.la_number) == (other.row, other.status,
                                                               other.la_number)  # fmt: skip
            assert cell.value == other.value or (math.isnan(cell.value) and cell.status)


def test_row_groups_without_the_reports_measures_are_not_read_beyond_their_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[tuple[int, tuple[str, ...]]] = []
    original = pq.ParquetFile.read_row_group

    def recorded(self: pq.ParquetFile, group: int, columns: list[str], **kw: object) -> pa.Table:
        read.append((group, tuple(columns)))
        return original(self, group, columns=columns, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", recorded)
    _ = Published(DATA, parse_cache=tmp_path).bds
    whole = [g for g, columns in read if len(columns) > 1]
    codes = {g for g, columns in read if columns == ("Short Desc",)}
    assert codes == set(range(pq.ParquetFile(DATA / BDS).num_row_groups))
    assert 0 < len(whole) < len(codes) / 2  # only the groups holding the measures' rows


def test_the_parsed_rows_are_kept_by_the_files_hash(
    tmp_path: Path, frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, cache = _project(tmp_path), tmp_path / "cache"
    first = Published(data, parse_cache=cache).bds
    assert len(list(cache.glob("*.pickle"))) >= 1

    def parse(*args: object, **kw: object) -> None:
        raise AssertionError("parsed again")

    from safeguarding_report.core import store

    monkeypatch.setattr(store, "_parsed", {})  # as a new process: only the disk remains
    with monkeypatch.context() as m:
        m.setattr(Bds, "__init__", parse)
        again = Published(data, parse_cache=cache).bds  # unchanged: read back, not parsed
    assert len(again.values) == len(first.values)
    _write(data, _small(frame))  # a changed file is parsed again
    changed = Published(data, parse_cache=cache).bds
    assert set(changed.codes) == {"HospAd0-14"} and len(changed.values) < len(first.values)


@pytest.mark.parametrize(
    ("axis", "unit"),
    [
        ("Rate per 10,000", "rate"),
        ("% CIN", "percent"),
        ("Turnover rate", "percent"),
        ("Spend", "pounds"),
        ("Unit Cost", "pounds"),
        ("Average Point Score", "ratio"),
        ("Case Load", "ratio"),
        ("Number of children subject to CPP", "count"),
        ("Social Workers", "count"),
    ],
)
def test_a_lait_measure_takes_its_unit_from_its_axis_title(axis: str, unit: str) -> None:
    assert indicators.lait_unit(axis) == unit


def test_every_measure_of_the_data_dictionary_can_be_shown_by_its_code() -> None:
    dictionary = Published(ROOT / "data").lait_dictionary
    wider = set(indicators.LAIT_CODES.values())
    for code, entry in dictionary.items():
        if code in wider:  # shown by the kit's id, with core/wider.yaml's label
            continue
        measure = indicators.get(code)
        assert indicators.lait_code(code) == code
        assert measure.label and measure.unit == indicators.lait_unit(entry.unit)
        assert indicators.decimals(code) == entry.dps
