"""Which published file holds which indicator, in which column, for which years.

This is the one place that knows the files: the readers use ``FILES`` and ``MEASURES``,
and ``Published.source`` uses the same table for the report's appendix.

Rules
-----
Release choice
    Where two releases hold the same area and year, the newest release wins: each
    indicator's measures are listed newest release first, and the first measure that has a
    row for the area and year gives the value (a suppressed cell in that row counts: the
    newest release's symbol is kept, not replaced by an older number). The DfE revises back
    years in each release, so the newest figure is the one the DfE stands behind today.
    Kent 2022 children looked after is 1,777, rate 53, in all three releases that hold it
    (2023, 2024 and 2025), so any rule gives it; this rule gives it from the 2025 release.
Rates per 10,000 children
    The published rate where a release publishes one (newest such release first, so for
    children in need the 2024 release of table B1, because the 2025 release dropped its
    rates); otherwise the count divided by the population of children aged 0 to 17 for the
    previous mid-year (mid-2021 for the year ending 31 March 2022) that the count's release
    used (data/population.py), times 10,000, as the DfE computes them. Kent 2022: 11,925
    children in need / 336,091 x 10,000 = 354.8, the published At31_episodes_rate. The
    derivation column says which.
Years
    Each file declares the years it holds; a row for any other year is an error. The
    2010 to 2017 SFR tables hold one year each (the year ending 31 March of the folder's
    name). Children in need tables start in 2012/13 (period 2013): earlier years have no
    data and are marked so, never estimated.
New releases
    A release dropped into data/published/ (anywhere below it, with its SOURCE.md entry) is
    recognised without editing this file (``recognise``): it is a new release of a catalogued
    table when its header holds every column of that table (names compared ignoring case and
    surrounding spaces; it may add columns) and its file name, with the digits taken out, is
    the table's file name with the digits taken out (the DfE keeps a table's name from release
    to release and changes only the years). The years it holds are read from its time_period
    column; its release is the newest year it holds. It then gives every indicator the
    catalogued table gives, from the same columns and rows, ahead of every older release (the
    release rule above): so where it revises earlier years, its figures win.
Geography
    Local authority rows are matched by the DfE's 3-digit code, which has stayed the same
    through the ONS recodings (Gateshead, Northumberland, North Yorkshire, Somerset ...), so
    one authority's years line up whatever E-code a release used. Inner and Outer London
    (E13) rows are read as sub-regions; rows for joint services ("940 / 941") are skipped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from safeguarding_report.data.benchmarking import (
    BDS,
    DICTIONARY,
    LAIT_URL,
    SYMBOLS_STATED_IN,
    bds_release,
)
from safeguarding_report.data.benchmarking import SYMBOLS as BDS_SYMBOLS
from safeguarding_report.data.schema import (
    CONFIDENTIAL,
    LOW_RELIABILITY,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    ROUNDS_TO_ZERO,
    SMALL,
)

OGL = "Open Government Licence v3.0"
DFE = "Department for Education"
EES = "https://explore-education-statistics.service.gov.uk/find-statistics/"
CIN_URL = EES + "characteristics-of-children-in-need/"
CLA_URL = EES + "children-looked-after-in-england-including-adoptions/"
CSWW_URL = EES + "children-s-social-work-workforce/"
SFR_URL = "https://www.gov.uk/government/collections/statistics-looked-after-children"
SN_URL = "https://www.gov.uk/government/publications/local-authority-interactive-tool-lait"
ONS_URL = (
    "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/"
    "populationestimates/datasets/estimatesofthepopulationforenglandandwales"
)

DFE_DIR = "published/dfe-csc-outcomes-enablers/"
BG_DIR = "published/bengoodair-csc-data/"
SFR_DIR = BG_DIR + "sfr_2010_2017/"


@dataclass(frozen=True)
class Source:
    """Publication metadata of one published file, for the report's appendix."""

    source_file: str  # relative to the project root, e.g. "data/published/.../x.csv"
    title: str
    publisher: str
    url: str
    licence: str = OGL


@dataclass(frozen=True)
class Symbols:
    """What a release's symbols mean, as the release itself states, mapped to kit statuses."""

    meanings: Mapping[str, str]  # the symbol as published (lower case) -> schema status
    stated_in: str  # where the release states them: "<file under data/>, line <n>" or a URL


@dataclass(frozen=True)
class FileSpec:
    """One published file: where it is under data/, what it is, which years it holds."""

    path: str  # relative to the data folder
    title: str
    url: str
    layout: Literal["ees", "sfr", "neighbours", "bds"]
    years: tuple[int, ...] = ()
    publisher: str = DFE
    release: str = ""  # e.g. "2024": files of one release year share one population vintage
    symbols: Symbols | None = None  # None only for files with no values (neighbour groupings)


@dataclass(frozen=True)
class Measure:
    """Where one indicator's value sits: a file, a column and the rows that hold it."""

    path: str  # key of FILES
    column: str  # the header as published (matched ignoring case and spaces)
    where: tuple[tuple[str, str], ...] = ()  # (column, value) pairs selecting the rows


def _years(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


def _file(spec: FileSpec) -> tuple[str, FileSpec]:
    return spec.path, spec


# What each release's symbols mean, from the release's own metadata or data guidance.
# Explore-education-statistics releases (2018 on) share the service's convention; the
# 2022 and 2023 looked-after releases state it in their data-guidance.txt (c, z, x, k).
EES_SYMBOLS = Symbols(
    {"c": CONFIDENTIAL, "x": NOT_AVAILABLE, "z": NOT_APPLICABLE, "u": LOW_RELIABILITY,
     "low": ROUNDS_TO_ZERO, "k": ROUNDS_TO_ZERO},
    "https://explore-education-statistics.service.gov.uk/ (symbols used in every release; "
    "this release's data guidance is not held here)",
)  # fmt: skip
CLA_2022_SYMBOLS = Symbols(
    {"c": CONFIDENTIAL, "z": NOT_APPLICABLE, "x": NOT_AVAILABLE, "k": ROUNDS_TO_ZERO},
    BG_DIR + "ees_cla_2022_release/data-guidance.txt, lines 43 to 48",
)
CLA_2023_SYMBOLS = Symbols(
    {"c": CONFIDENTIAL, "z": NOT_APPLICABLE, "x": NOT_AVAILABLE, "k": ROUNDS_TO_ZERO},
    BG_DIR + "ees_cla_2023_release/data-guidance.txt, lines 46 to 51",
)
# The SFR tables: "numbers from one to five inclusive have been suppressed and replaced by a
# cross (x)" (and the next smallest figure with them); 2017 adds ".." for not available.
# The 2011 to 2013 metadata documents were Word files and are not held: the 2010 and 2014
# documents state the same convention, word for word, so it is used for the years between.
SFR_SYMBOL_SOURCE: dict[int, str] = {
    2010: SFR_DIR + "2010/SFR27_2010_metadata_1.txt, line 44",
    2011: SFR_DIR
    + "2010/SFR27_2010_metadata_1.txt, line 44 and "
    + SFR_DIR
    + "2014/Meta Data Document.txt, line 18 (the 2011 document is not held)",
    2012: SFR_DIR
    + "2010/SFR27_2010_metadata_1.txt, line 44 and "
    + SFR_DIR
    + "2014/Meta Data Document.txt, line 18 (the 2012 document is not held)",
    2013: SFR_DIR
    + "2010/SFR27_2010_metadata_1.txt, line 44 and "
    + SFR_DIR
    + "2014/Meta Data Document.txt, line 18 (the 2013 document is not held)",
    2014: SFR_DIR + "2014/Meta Data Document.txt, line 18",
    2015: SFR_DIR + "2015/Meta Data Document.txt, line 18",
    2016: SFR_DIR + "2016/Meta Data Document.txt, line 18",
    2017: SFR_DIR + "2017/SFR50_2017_MetaData.txt, line 19",
}


def _sfr_symbols(year: int) -> Symbols:
    meanings = {"x": SMALL, **({"..": NOT_AVAILABLE} if year == 2017 else {})}
    return Symbols(meanings, SFR_SYMBOL_SOURCE[year])


B1_2024 = DFE_DIR + "b1_children_in_need_2013_to_2024.csv"
B1_2025 = DFE_DIR + "b1_children_in_need_2013_to_2025.csv"
C1_2024 = DFE_DIR + "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv"
C1_2025 = DFE_DIR + "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
C4 = DFE_DIR + "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
D3 = DFE_DIR + "d3_cpps_subsequent_plan_2013_to_2025.csv"
D5 = DFE_DIR + "d5_cpps_at31march_by_duration_2013_to_2025.csv"
CLA_2025 = DFE_DIR + "cla_number_and_rate_per_10k_children.csv"
CLA_2024 = BG_DIR + "ees_cla_2024_release/cla_number_and_rate_per_10k_children.csv"
CLA_2023 = BG_DIR + "ees_cla_2023_release/cla_number_and_rate_per_10k_children.csv"
UASC = DFE_DIR + "derived_uasc_at_31_march_by_la_2021_2025.csv"
NETGAIN_2024 = BG_DIR + "ees_cla_2024_release/la_cla_on_31_march_la_of_placement_netgain.csv"
NETGAIN_2022 = BG_DIR + "ees_cla_2022_release/la_cla_on_31_march_la_of_placement_net_gain.csv"
STABILITY_2022 = (
    BG_DIR + "ees_cla_2022_release/la_cla_at_31_march_placement_stability_indicator.csv"
)
STARTED_2022 = BG_DIR + "ees_cla_2022_release/la_cla_who_started_to_be_looked_after.csv"
CEASED_2022 = BG_DIR + "ees_cla_2022_release/la_children_who_ceased_during_year.csv"
ACTIVITY_2022 = BG_DIR + "ees_cla_2022_release/la_care_leavers_activity.csv"
ACCOMMODATION_2022 = BG_DIR + "ees_cla_2022_release/la_care_leavers_accommodation_suitability.csv"
CSWW = DFE_DIR + "csww_indicators_2017_to_2025.csv"
POPULATION = DFE_DIR + "ons_mid-year_population_estimates_2012_to_2024.csv"
SN_2021 = DFE_DIR + "New_Statistical_Neighbour_Groupings_April_2021.csv"
SN_2025 = DFE_DIR + "sn_model_2025_wide.csv"
C3 = DFE_DIR + "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"
NATIONAL_UASC_2024 = (
    BG_DIR + "ees_cla_2024_release/national_cla_on_31_march_who_were_unaccompanied_asylum_"
    "seeking_children.csv"
)
TIME_SERIES_2024 = BG_DIR + "ees_cla_2024_release/cla_time_series_1994_2024.csv"

# The 2010 to 2017 SFR underlying-data tables: year -> (SFR number, CLA file, started, ceased).
SFR_FILES: dict[int, tuple[str, str, str, str]] = {
    2010: ("SFR27/2010", "SFR27_2010_March.csv", "SFR27_2010_Started.csv", "SFR27_2010_Ceased.csv"),
    2011: ("SFR21/2011", "SFR21_CLA.csv", "SFE21_ADM.csv", "SFR21_CEA.csv"),
    2012: ("SFR20/2012", "SFR20_CLA2012.csv", "SFR20_ADM2012.csv", "SFR_CEA2012.csv"),
    2013: ("SFR36/2013", "SFR36_CLA2013.csv", "SFR36_ADM2013.csv", "SFR36_CEA2013.csv"),
    2014: ("SFR36/2014", "SFR36_CLA2014.csv", "SFR36_ADM2014.csv", "SFR36_CEA2014.csv"),
    2015: ("SFR34/2015", "SFR34_CLA2015.csv", "SFR34_ADM2015.csv", "SFR34_CEA2015.csv"),
    2016: ("SFR41/2016", "SFR41_CLA2016.csv", "SFR41_ADM2016.csv", "SFR41_CEA2016.csv"),
    2017: ("SFR50/2017", "SFR50_CLA2017.csv", "SFR50_ADM2017.csv", "SFR50_CEA2017.csv"),
}
# Column names as each year's table spells them. The 2015 table of children who started to
# be looked after heads its total "CLA_started2014", although it holds the year to 31 March
# 2015 (its metadata says so); the column is read by the name it has.
SFR_COLUMNS: dict[int, dict[str, str]] = {
    2010: {"cla": "MarTotal_2010", "started": "StartTotal_2010", "ceased": "CeasedTotal_2010"},
    **{
        year: {
            "cla": f"CLA_Mar{year}",
            "uasc": "CLA_UASC",
            "placed": "CLA_ExtPl",
            "started": f"CLA_started{2014 if year == 2015 else year}",
            "ceased": "CLA_cease2017" if year == 2017 else "CLA_cease",
        }
        for year in range(2011, 2018)
    },
}


def _sfr_specs() -> list[FileSpec]:
    specs = []
    for year, (number, *names) in SFR_FILES.items():
        for name, what in zip(names, ("at 31 March", "started", "ceased"), strict=True):
            specs.append(
                FileSpec(
                    f"{SFR_DIR}{year}/{name}",
                    f"Children looked after in England (including adoption and care leavers), "
                    f"year ending 31 March {year} ({number}), underlying data: children "
                    f"looked after {what}",
                    SFR_URL,
                    "sfr",
                    (year,),
                    release=f"SFR {year}",
                    symbols=_sfr_symbols(year),
                )
            )
    return specs


def _sfr(kind: str) -> tuple[Measure, ...]:
    """The SFR measures of one kind, newest year first (each file holds one year)."""
    out = []
    for year in sorted(SFR_FILES, reverse=True):
        column = SFR_COLUMNS[year].get(kind)
        if column is None:
            continue
        name = {"cla": 1, "uasc": 1, "placed": 1, "started": 2, "ceased": 3}[kind]
        out.append(Measure(f"{SFR_DIR}{year}/{SFR_FILES[year][name]}", column))
    return tuple(out)


FILES: dict[str, FileSpec] = dict(
    _file(s)
    for s in [
        FileSpec(B1_2024, "Characteristics of children in need, 2024 release (table B1)",
                 CIN_URL + "2024", "ees", _years(2013, 2024),
                 release="2024", symbols=EES_SYMBOLS),
        FileSpec(B1_2025, "Characteristics of children in need, 2025 release (table B1)",
                 CIN_URL + "2025", "ees", _years(2013, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(C1_2024, "Characteristics of children in need, 2024 release (table C1)",
                 CIN_URL + "2024", "ees", _years(2013, 2024),
                 release="2024", symbols=EES_SYMBOLS),
        FileSpec(C1_2025, "Characteristics of children in need, 2025 release (table C1)",
                 CIN_URL + "2025", "ees", _years(2013, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(C4, "Characteristics of children in need, 2025 release (table C4)",
                 CIN_URL + "2025", "ees", _years(2013, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(D3, "Characteristics of children in need, 2025 release (table D3)",
                 CIN_URL + "2025", "ees", _years(2013, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(D5, "Characteristics of children in need, 2025 release (table D5)",
                 CIN_URL + "2025", "ees", _years(2013, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(CLA_2025, "Children looked after in England including adoptions, 2025 release",
                 CLA_URL + "2025", "ees", _years(2021, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(CLA_2024, "Children looked after in England including adoptions, 2024 release",
                 CLA_URL + "2024", "ees", _years(2020, 2024),
                 release="2024", symbols=EES_SYMBOLS),
        FileSpec(CLA_2023, "Children looked after in England including adoptions, 2023 release",
                 CLA_URL + "2023", "ees", _years(2019, 2023),
                 release="2023", symbols=CLA_2023_SYMBOLS),
        FileSpec(UASC, "Children looked after in England including adoptions, 2025 release: "
                 "unaccompanied asylum-seeking children at 31 March (extracted from the DfE's "
                 "children's social care outcomes and enablers dashboard)",
                 CLA_URL + "2025", "ees", _years(2021, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(NETGAIN_2024, "Children looked after in England including adoptions, 2024 "
                 "release: local authority of placement (net gain)",
                 CLA_URL + "2024", "ees", _years(2020, 2024),
                 release="2024", symbols=EES_SYMBOLS),
        FileSpec(NETGAIN_2022, "Children looked after in England including adoptions, 2022 "
                 "release: local authority of placement (net gain)",
                 CLA_URL + "2022", "ees", _years(2018, 2022),
                 release="2022", symbols=CLA_2022_SYMBOLS),
        FileSpec(STABILITY_2022, "Children looked after in England including adoptions, 2022 "
                 "release: placement stability at 31 March",
                 CLA_URL + "2022", "ees", _years(2018, 2022),
                 release="2022", symbols=CLA_2022_SYMBOLS),
        FileSpec(STARTED_2022, "Children looked after in England including adoptions, 2022 "
                 "release: children who started to be looked after",
                 CLA_URL + "2022", "ees", _years(2018, 2022),
                 release="2022", symbols=CLA_2022_SYMBOLS),
        FileSpec(CEASED_2022, "Children looked after in England including adoptions, 2022 "
                 "release: children who ceased to be looked after",
                 CLA_URL + "2022", "ees", _years(2018, 2022),
                 release="2022", symbols=CLA_2022_SYMBOLS),
        FileSpec(ACTIVITY_2022, "Children looked after in England including adoptions, 2022 "
                 "release: care leavers' activity",
                 CLA_URL + "2022", "ees", _years(2018, 2022),
                 release="2022", symbols=CLA_2022_SYMBOLS),
        FileSpec(ACCOMMODATION_2022, "Children looked after in England including adoptions, "
                 "2022 release: care leavers' accommodation",
                 CLA_URL + "2022", "ees", _years(2018, 2022),
                 release="2022", symbols=CLA_2022_SYMBOLS),
        FileSpec(CSWW, "Children's social work workforce, 2025 release",
                 CSWW_URL + "2025", "ees", _years(2017, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(POPULATION, "Mid-year population estimates, children aged 0 to 17 "
                 "(ONS, in the DfE's layout)", ONS_URL, "ees", _years(2012, 2024),
                 publisher="Office for National Statistics", release="2025",
                 symbols=EES_SYMBOLS),
        FileSpec(SN_2021, "Children's services statistical neighbour benchmarking tool "
                 "(April 2021 groupings)", SN_URL, "neighbours"),
        FileSpec(SN_2025, "Children's services statistical neighbour model, 2025",
                 SN_URL, "neighbours"),
        FileSpec(C3, "Characteristics of children in need, 2025 release (table C3)",
                 CIN_URL + "2025", "ees", _years(2018, 2025),
                 release="2025", symbols=EES_SYMBOLS),
        FileSpec(NATIONAL_UASC_2024, "Children looked after in England including adoptions, "
                 "2024 release: children looked after at 31 March who were unaccompanied "
                 "asylum-seeking children (national)", CLA_URL + "2024", "ees",
                 _years(2020, 2024), release="2024", symbols=EES_SYMBOLS),
        FileSpec(TIME_SERIES_2024, "Children looked after in England including adoptions, "
                 "2024 release: national time series 1994 to 2024", CLA_URL + "2024", "ees",
                 _years(1994, 2024), release="2024", symbols=EES_SYMBOLS),
        FileSpec(BDS, "Local Authority Interactive Tool (LAIT), Benchmarking Data Set",
                 LAIT_URL, "bds", release="2026",
                 symbols=Symbols(BDS_SYMBOLS, SYMBOLS_STATED_IN)),
        FileSpec(DICTIONARY, "Local Authority Interactive Tool (LAIT), data dictionary",
                 LAIT_URL, "bds", release="2026"),
        *_sfr_specs(),
    ]
)  # fmt: skip

# Rows selected in the files that hold several measures per area and year.
_CLA_2025_AT31 = (("population_type", "Children looked after on 31 March each year"),)
_CLA_2025_STARTED = (("population_type", "Children starting to be looked after each year"),)
_CLA_2025_CEASED = (("population_type", "Children ceasing to be looked after each year"),)
_CLA_AT31 = (("population_count", "Children looked after at 31 March each year"),)
_CLA_STARTED = (("population_count", "Children starting to be looked after each year"),)
_CLA_CEASED = (("population_count", "Children ceasing to be looked after each year"),)
_PLACED = (
    (
        "characteristic",
        "1. Children who are the responsibility of other LAs placed within this LA boundary",
    ),
)

# Factors identified at the end of assessment (table C3): indicator name -> (column, first
# year). Each is the number of assessments (episodes) in which the factor was identified.
# The file marks x the years before a factor was recorded: child-on-child and adult-on-child
# abuse were split out from 2020-21, child criminal exploitation added from 2021-22.
FACTORS: dict[str, tuple[str, int]] = {
    "domestic_abuse_child": ("Domestic_Abuse_child", 2018),
    "domestic_abuse_parent": ("Domestic_Abuse_parent", 2018),
    "domestic_abuse_other": ("Domestic_Abuse_person", 2018),
    "mental_health_child": ("Mental_Health_child", 2018),
    "mental_health_parent": ("Mental_Health_parent", 2018),
    "drug_misuse_child": ("Drug_Misuse_child", 2018),
    "drug_misuse_parent": ("Drug_Misuse_parent", 2018),
    "drug_misuse_other": ("Drug_Misuse_person", 2018),
    "alcohol_misuse_child": ("Alcohol_Misuse_child", 2018),
    "alcohol_misuse_parent": ("Alcohol_Misuse_parent", 2018),
    "alcohol_misuse_other": ("Alcohol_Misuse_person", 2018),
    "neglect": ("Neglect", 2018),
    "emotional_abuse": ("Emotional_Abuse", 2018),
    "physical_abuse_adult_on_child": ("Physical_Abuse_adult_on_child", 2021),
    "physical_abuse_child_on_child": ("Physical_Abuse_child_on_child", 2021),
    "sexual_abuse_adult_on_child": ("Sexual_Abuse_adult_on_child", 2021),
    "sexual_abuse_child_on_child": ("Sexual_Abuse_child_on_child", 2021),
    "child_sexual_exploitation": ("Child_sexual_exploitation", 2018),
    "child_criminal_exploitation": ("Child_criminal_exploitation", 2022),
    "going_missing": ("Going_missing", 2018),
    "self_harm": ("Self_harm", 2018),
    "gangs": ("Gangs", 2018),
    "trafficking": ("Trafficking", 2018),
}

# Each indicator's measures, newest release first (see the module docstring).
MEASURES: dict[str, tuple[Measure, ...]] = {
    "population_0_17": (
        Measure(POPULATION, "population_estimate", (("age_group", "Children aged 0 to 17 years"),)),
    ),
    "cin_at_31_march": (Measure(B1_2025, "At31_episodes"), Measure(B1_2024, "At31_episodes")),
    "cin_rate": (Measure(B1_2024, "At31_episodes_rate"),),
    "referrals": (Measure(C1_2025, "referral_count"), Measure(C1_2024, "Referrals")),
    "referrals_rate": (Measure(C1_2024, "Referrals_rate"),),
    "rereferrals_pct": (
        Measure(C1_2025, "rereferral_percent"),
        Measure(C1_2024, "Re_referrals_percent"),
    ),
    "s47_enquiries": (Measure(C4, "Section47"),),
    "s47_rate": (),
    "icpc": (Measure(C4, "ICPC"),),
    "icpc_rate": (),
    "cpp_started": (Measure(D3, "CPP_start"),),
    "cpp_subsequent_pct": (Measure(D3, "CPP_subsequent_percent"),),
    "cpp_at_31_march": (Measure(D5, "CPP_At31"),),
    "cpp_rate": (),
    "cpp_2_years_or_more": (Measure(D5, "2_years_or_more"),),
    "cpp_2_years_or_more_pct": (Measure(D5, "2_years_or_more_percent"),),
    "cla_at_31_march": (
        Measure(CLA_2025, "children_count", _CLA_2025_AT31),
        Measure(CLA_2024, "number", _CLA_AT31),
        Measure(CLA_2023, "number", _CLA_AT31),
        # The 2022 release's stability table is the only file here holding 2018's total.
        Measure(
            STABILITY_2022,
            "number",
            (
                ("cla_group", "Children looked after at 31 March"),
                ("characteristic", "Total children"),
            ),
        ),
        *_sfr("cla"),
    ),
    "cla_rate": (
        Measure(CLA_2025, "rate_per_10000", _CLA_2025_AT31),
        Measure(CLA_2024, "rate_per_10000", _CLA_AT31),
        Measure(CLA_2023, "rate_per_10000", _CLA_AT31),
    ),
    "cla_started": (
        Measure(CLA_2025, "children_count", _CLA_2025_STARTED),
        Measure(CLA_2024, "number", _CLA_STARTED),
        Measure(CLA_2023, "number", _CLA_STARTED),
        Measure(STARTED_2022, "number", (("cla_group", "Age group"), ("characteristic", "Total"))),
        *_sfr("started"),
    ),
    "cla_ceased": (
        Measure(CLA_2025, "children_count", _CLA_2025_CEASED),
        Measure(CLA_2024, "number", _CLA_CEASED),
        Measure(CLA_2023, "number", _CLA_CEASED),
        Measure(
            CEASED_2022, "number", (("cla_group", "Age on ceasing"), ("characteristic", "Total"))
        ),
        *_sfr("ceased"),
    ),
    "uasc_at_31_march": (
        Measure(UASC, "cla_31_march_number", (("characteristic", "UASC"),)),
        # England only: the LA-level file starts in 2021, these two hold England's earlier years.
        Measure(
            NATIONAL_UASC_2024, "number", (("cla_group", "Age group"), ("characteristic", "Total"))
        ),
        Measure(
            TIME_SERIES_2024,
            "number",
            (
                (
                    "population_count",
                    "Children looked after at 31 March who were unaccompanied asylum-seeking "
                    "children",
                ),
            ),
        ),
        *_sfr("uasc"),
    ),
    "cla_placed_by_other_las": (
        Measure(NETGAIN_2024, "number", _PLACED),
        Measure(NETGAIN_2022, "number", _PLACED),
        *_sfr("placed"),
    ),
    "care_leavers_eet_pct": (
        Measure(
            ACTIVITY_2022,
            "percentage",
            (("age", "Aged 19 to 21"), ("activity", "Total in education, employment or training")),
        ),
    ),
    "care_leavers_suitable_accommodation_pct": (
        Measure(
            ACCOMMODATION_2022,
            "percentage",
            (
                ("age", "19 to 21 years"),
                ("accommodation_suitability", "Accommodation considered suitable"),
            ),
        ),
    ),
    "sw_caseload": (Measure(CSWW, "caseload_fte"),),
    "sw_turnover_rate": (Measure(CSWW, "turnover_rate_fte"),),
    "sw_vacancy_rate": (Measure(CSWW, "vacancy_rate_fte"),),
    "sw_agency_rate": (Measure(CSWW, "agency_rate_fte"),),
    **{f"factor_{name}": (Measure(C3, column),) for name, (column, _) in FACTORS.items()},
}

# Rates per 10,000 children: the count each is derived from where no release publishes it.
RATE_OF: dict[str, str] = {
    "cin_rate": "cin_at_31_march",
    "referrals_rate": "referrals",
    "s47_rate": "s47_enquiries",
    "icpc_rate": "icpc",
    "cpp_rate": "cpp_at_31_march",
    "cla_rate": "cla_at_31_march",
}

# The first year (ending 31 March) of each indicator's published series: an earlier year is
# "not collected". Children in need tables start in 2012-13; the national looked-after time
# series in 1994 (UASC from 2004: its earlier years are x). Later years that no file here
# holds (looked-after rates before 2013, for which no population is held) are "not held".
# Care leavers aged 19 to 21 and the workforce indicators start with the first year held.
FIRST_YEAR: dict[str, int] = {
    "population_0_17": 2012,
    **dict.fromkeys(
        ("cin_at_31_march", "cin_rate", "referrals", "referrals_rate", "rereferrals_pct",
         "s47_enquiries", "s47_rate", "icpc", "icpc_rate", "cpp_started", "cpp_at_31_march",
         "cpp_rate", "cpp_subsequent_pct", "cpp_2_years_or_more", "cpp_2_years_or_more_pct"),
        2013,
    ),
    "cla_at_31_march": 1994,
    "cla_rate": 1994,
    "cla_started": 1994,
    "cla_ceased": 1994,
    "uasc_at_31_march": 2004,
    "cla_placed_by_other_las": 2011,
    "care_leavers_eet_pct": 2018,
    "care_leavers_suitable_accommodation_pct": 2018,
    **dict.fromkeys(("sw_caseload", "sw_turnover_rate", "sw_vacancy_rate", "sw_agency_rate"), 2017),
    **{f"factor_{name}": first for name, (_, first) in FACTORS.items()},
}  # fmt: skip


@dataclass(frozen=True)
class RatePair:
    """A count and the rate per 10,000 the DfE published beside it, in the same row."""

    count: Measure
    rate: Measure
    precision: float  # the rate's published precision: 0.1 or 1


# The published count/rate pairs, from which the population the DfE used for each release,
# area and year is recovered (data/population.py).
RATE_PAIRS: tuple[RatePair, ...] = (
    RatePair(Measure(B1_2024, "At31_episodes"), Measure(B1_2024, "At31_episodes_rate"), 0.1),
    RatePair(Measure(C1_2024, "Referrals"), Measure(C1_2024, "Referrals_rate"), 0.1),
    RatePair(MEASURES["cla_at_31_march"][0], MEASURES["cla_rate"][0], 1),
    RatePair(MEASURES["cla_at_31_march"][1], MEASURES["cla_rate"][1], 1),
    RatePair(MEASURES["cla_at_31_march"][2], MEASURES["cla_rate"][2], 1),
)


# -- recognising new releases ---------------------------------------------------------------

PUBLISHED = "published"
_DIGITS = re.compile(r"\d+")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Recognised:
    """A file found under data/published/ that is a new release of a catalogued table."""

    path: str  # relative to the data folder
    release_of: str  # the catalogued file (key of FILES) whose table it is
    years: tuple[int, ...]  # read from its time_period column
    release: str  # the newest year it holds


@dataclass(frozen=True)
class Unrecognised:
    """A CSV under data/published/ that no indicator reads, and why."""

    path: str  # relative to the data folder
    reason: str


@dataclass(frozen=True)
class Catalogue:
    """The files, measures and rate pairs in force for one data folder."""

    files: Mapping[str, FileSpec]
    measures: Mapping[str, tuple[Measure, ...]]
    rate_pairs: tuple[RatePair, ...]
    recognised: tuple[Recognised, ...] = ()
    unrecognised: tuple[Unrecognised, ...] = field(default=())
    bds: str = BDS  # the Benchmarking Data Set in force: the newest release held

    def release_year(self, path: str) -> int:
        """The year of the release a file belongs to (0 when it has none)."""
        return release_year(self.files[path].release)


def release_year(release: str) -> int:
    """'2024' -> 2024, 'SFR 2017' -> 2017, '' -> 0."""
    found = _DIGITS.findall(release)
    return int(found[-1]) if found else 0


def _name_key(path: str) -> str:
    """A file's name without its digits: the same for every release of one table."""
    return _DIGITS.sub("", path.rsplit("/", 1)[-1].lower())


def _normalised(header: list[str]) -> set[str]:
    return {h.strip().lower() for h in header if h.strip()}


def _read_header_and_years(path: Path) -> tuple[list[str], tuple[int, ...]] | str:
    """The header and the years of the time_period column, or why they could not be read."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return "the file is empty"
            names = [h.strip().lower() for h in header]
            if "time_period" not in names:
                return "it has no time_period column"
            index = names.index("time_period")
            seen: set[str] = set()
            for row in reader:
                if len(row) > index and row[index].strip():
                    seen.add(row[index].strip())
    except UnicodeDecodeError:
        return "it is not UTF-8 text"
    except csv.Error as exc:
        return f"it is not readable CSV ({exc})"
    bad = sorted(y for y in seen if not _YEAR.match(y))
    if bad:
        return f"its time_period holds {bad[0]!r}, not a year ending 31 March (YYYY)"
    if not seen:
        return "its time_period column holds no year"
    return header, tuple(sorted(int(y) for y in seen))


def _tables() -> list[str]:
    """Catalogued tables a new release can be recognised as: those some indicator reads."""
    read = {m.path for ms in MEASURES.values() for m in ms}
    return [path for path, spec in FILES.items() if spec.layout == "ees" and path in read]


def recognise(data_dir: Path) -> Catalogue:
    """The catalogue for ``data_dir``: ``FILES`` plus every new release found beside them."""
    published = Path(data_dir) / PUBLISHED
    if not published.is_dir():
        return Catalogue(FILES, MEASURES, RATE_PAIRS)
    bds_path, bds_spec, bds_found = _bds_releases(data_dir)
    tables = _tables()
    files: dict[str, FileSpec] = dict(FILES)
    measures = {k: list(v) for k, v in MEASURES.items()}
    pairs = list(RATE_PAIRS)
    recognised: list[Recognised] = []
    unrecognised: list[Unrecognised] = []
    headers: dict[str, set[str]] = {}
    if bds_spec is not None:
        files[bds_path] = bds_spec
    recognised += bds_found
    for csv_path in sorted(published.rglob("*.csv")):
        path = csv_path.relative_to(data_dir).as_posix()
        if path in FILES:
            continue
        candidates = [p for p in tables if _name_key(p) == _name_key(path)]
        if not candidates:
            unrecognised.append(Unrecognised(path, "its name is not that of a catalogued table"))
            continue
        found = _read_header_and_years(csv_path)
        if isinstance(found, str):
            unrecognised.append(Unrecognised(path, found))
            continue
        header, years = found
        have = _normalised(header)
        fits = []
        for candidate in candidates:
            if candidate not in headers:
                cand_found = _read_header_and_years(Path(data_dir) / candidate)
                headers[candidate] = (
                    set() if isinstance(cand_found, str) else _normalised(cand_found[0])
                )
            if headers[candidate] and headers[candidate] <= have:
                fits.append(candidate)
        if not fits:
            lacking = sorted(headers[candidates[0]] - have)
            unrecognised.append(
                Unrecognised(
                    path,
                    f"its name is that of {candidates[0]}, but its header lacks "
                    f"{', '.join(lacking[:5])}",
                )
            )
            continue
        # The newest catalogued release of the table is the pattern for the new one.
        like = max(fits, key=lambda p: release_year(FILES[p].release))
        release = str(years[-1])
        spec = FILES[like]
        files[path] = replace(
            spec,
            path=path,
            title=re.sub(r"\b(19|20)\d\d release", f"{release} release", spec.title),
            url=re.sub(r"(19|20)\d\d$", release, spec.url),
            years=years,
            release=release,
            symbols=EES_SYMBOLS,
        )
        recognised.append(Recognised(path, like, years, release))
        for listed in measures.values():
            new = [Measure(path, m.column, m.where) for m in listed if m.path == like]
            for measure in new:
                at = next(
                    (
                        i
                        for i, m in enumerate(listed)
                        if release_year(files[m.path].release) < int(release)
                    ),
                    len(listed),
                )
                listed.insert(at, measure)
        for pair in RATE_PAIRS:
            if pair.count.path == like and pair.rate.path == like:
                pairs.append(
                    RatePair(
                        Measure(path, pair.count.column, pair.count.where),
                        Measure(path, pair.rate.column, pair.rate.where),
                        pair.precision,
                    )
                )
    return Catalogue(
        files,
        {k: tuple(v) for k, v in measures.items()},
        tuple(pairs),
        tuple(recognised),
        tuple(unrecognised),
        bds_path,
    )


def _bds_releases(data_dir: Path) -> tuple[str, FileSpec | None, list[Recognised]]:
    """The Benchmarking Data Set in force, its spec if it is a new release, and that release.

    A parquet file under data/published/ named like LAIT's (``bds_long_<n>.parquet``) is a
    release of the Benchmarking Data Set; the one holding the latest year is in force (on a
    tie, the catalogued file). A file that cannot be read is left for the check to refuse.
    """
    best, best_year = BDS, bds_release(Path(data_dir) / BDS)
    spec: FileSpec | None = None
    found: list[Recognised] = []
    for path in sorted((Path(data_dir) / PUBLISHED).rglob("*.parquet")):
        rel = path.relative_to(data_dir).as_posix()
        if rel == BDS or _name_key(rel) != _name_key(BDS):
            continue
        year = bds_release(path)
        if year > best_year:
            best, best_year = rel, year
            spec = replace(FILES[BDS], path=rel, release=str(year))
            found = [Recognised(rel, BDS, (), str(year))]
    return best, spec, found
