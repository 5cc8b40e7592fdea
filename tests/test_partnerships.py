"""Partnerships that cover several local authorities: the whole area's figures, worked out honestly.

The rules (data/combine.py) are stated one test each; then every combined figure of the shipped
Leicester, Leicestershire and Rutland 2023-24 report is recomputed from the raw cells of the
published CSV files (read here with the csv module, not through the kit), including the factors
Rutland's figures withhold; and Cumbria (Cumberland and Westmorland and Furness, which the April
2021 groupings do not list) is started with ``new`` and built as a new user would.
"""

from __future__ import annotations

import csv
import html
import math
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import axe, describe, project_copy
from safeguarding_report.core import params
from safeguarding_report.core.errors import ParamsError
from safeguarding_report.data import Published, combine
from safeguarding_report.pipeline import cover
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.report import tables
from safeguarding_report.workflows import batch, newyear, scaffold

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "data" / "published"
DFE = PUBLISHED / "dfe-csc-outcomes-enablers"
LLR = ("E06000016", "E10000018", "E06000017")  # Leicester, Leicestershire, Rutland
LLR_CODE = "+".join(LLR)
CUMBRIA = ("E06000063", "E06000064")  # Cumberland, Westmorland and Furness


def _part(name: str, value: float, status: str = "", line: str = "7") -> combine.Part:
    return combine.Part(name, value, status, "data/published/x.csv", line)


# -- the rules, one by one ----------------------------------------------------------------------


def test_a_count_is_the_sum_of_its_parts_citing_each() -> None:
    made = combine.total([_part("A", 10), _part("B", 32, line="8")])
    assert made.value == 42 and made.status == ""
    assert "10 (A: data/published/x.csv, line 7) + 32 (B: data/published/x.csv, line 8)" in (
        made.derivation
    )
    assert made.lines == ("data/published/x.csv:7", "data/published/x.csv:8")


@pytest.mark.parametrize(
    ("status", "whole"),
    [("c", "part withheld"), ("small", "part withheld"), ("x", "x"), ("not held", "not held")],
)
def test_a_count_with_a_part_withheld_or_missing_is_withheld_naming_the_part(
    status: str, whole: str
) -> None:
    made = combine.total([_part("Leicester", 2113), _part("Rutland", math.nan, status)])
    assert math.isnan(made.value) and made.status == whole
    assert f"Rutland [{status}]" in made.derivation and "not counted as zero" in made.derivation
    assert tables.shown(made.value, made.status, "count") == (
        "[c]" if status in ("c", "small") else "[x]"
    )


def test_a_withheld_part_withholds_the_whole_before_any_other_reason() -> None:
    made = combine.total([_part("A", math.nan, "x"), _part("B", math.nan, "c")])
    assert made.status == "part withheld"
    assert "the figure of one of its local authorities is withheld" in tables.reason(made.status)


def test_a_rate_is_the_summed_count_over_the_summed_population_never_an_average() -> None:
    # 100 in 1,000 and 1 in 1,000,000: the average of the two rates would be 500.005.
    made = combine.rate([_part("A", 100), _part("B", 1)], [_part("A", 1000), _part("B", 1e6)])
    assert made.value == pytest.approx(101 / 1_001_000 * 10_000)
    assert "= 101 /" in made.derivation and "= 1001000 x 10,000" in made.derivation


def test_a_rate_with_a_part_missing_its_population_is_not_given() -> None:
    made = combine.rate([_part("A", 100), _part("B", 1)], [_part("A", 1000), _part("B", math.nan)])
    assert math.isnan(made.value) and "B [x]" in made.derivation


def test_a_percentage_is_the_summed_numerator_over_the_summed_denominator() -> None:
    made = combine.percentage([_part("A", 1), _part("B", 9)], [_part("A", 10), _part("B", 90)])
    assert made.value == pytest.approx(10.0)


def test_a_measure_with_no_parts_to_add_is_not_combined_and_says_so() -> None:
    made = combine.not_combined("an average cannot be combined")
    assert math.isnan(made.value) and made.status == "z"
    assert made.derivation.startswith("not combined: an average cannot be combined")


def test_a_combined_figure_built_on_a_small_part_is_withheld_when_shown() -> None:
    """Secondary suppression: beside its other parts, the total would reveal a count of 3."""
    made = combine.total([_part("A", 40), _part("B", 3)])
    row = {
        "indicator": "cla_at_31_march", "area_code": "A+B", "area_name": "A and B",
        "period": "2024", "value": made.value, "status": "", "source_line": "",
        "derivation": made.derivation,
    }  # fmt: skip
    shown = tables.protect(row, tables.Suppression(1, 5))
    assert shown["status"] == "part withheld" and math.isnan(shown["value"])
    assert combine.part_values(made.derivation) == [40.0, 3.0]


# -- params ---------------------------------------------------------------------------------------


def _params(tmp_path: Path, local_authority: str) -> Path:
    text = (ROOT / "params/llr-2024.yaml").read_text(encoding="utf-8")
    text = re.sub(r"local_authority:.*?\nperiod_start", f"{local_authority}\nperiod_start",
                  text, flags=re.S)  # fmt: skip
    path = tmp_path / "params" / "llr-2024.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def test_params_take_a_list_of_codes_and_one_code_stays_as_it_was(tmp_path: Path) -> None:
    p = params.load(ROOT / "params/llr-2024.yaml")
    assert p.local_authorities == LLR and p.local_authority == LLR_CODE
    one = params.load(_params(tmp_path, 'local_authority: ["E06000016"]'))
    assert one.local_authority == "E06000016" and one.local_authorities == ("E06000016",)
    kent = params.load(ROOT / "params/kent-2022.yaml")
    assert kent.notebook_parameters(tmp_path)["la_code"] == "E10000016"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('local_authority: ["E06000016", "E06000016"]', "lists E06000016 twice"),
        ('local_authority: ["E06000016", "Rutland"]', "found 'Rutland'"),
        ("local_authority: []", "must be a code or a list of codes"),
    ],
)
def test_a_wrong_list_of_codes_is_refused_by_name(
    tmp_path: Path, written: str, message: str
) -> None:
    with pytest.raises(ParamsError, match=message):
        params.load(_params(tmp_path, written))


# -- the shipped report, recomputed from the raw files ------------------------------------------


def _cells(path: Path, year: int, codes: tuple[str, ...], **where: str) -> list[dict[str, str]]:
    """The raw rows of ``path`` for the authorities (in ``codes`` order) and year."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["time_period"] == str(year)
            and r["geographic_level"] == "Local authority"
            and all(r.get(k) == v for k, v in where.items())
        ]
    by_code = {r["new_la_code"]: r for r in rows}
    return [by_code[c] for c in codes]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project (notebooks, params, local records) over the published data."""
    return Project(project_copy(tmp_path_factory.mktemp("partnerships")))


@pytest.fixture(scope="module")
def llr(shipped_report: Callable[[str], Path]) -> Path:
    """The shipped Leicester, Leicestershire and Rutland 2023-24 report (built once for the run)."""
    return shipped_report("llr-2024")


def _figures(folder: Path) -> list[dict[str, str]]:
    with (folder / "figures.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(path: Path) -> str:
    """The report's HTML with entities decoded, as a reader sees its words."""
    return html.unescape(path.read_text(encoding="utf-8"))


def _text_of(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def _whole(figures: list[dict[str, str]], indicator: str, period: str) -> list[dict[str, str]]:
    rows = [
        r
        for r in figures
        if r["area_code"] == LLR_CODE and r["indicator"] == indicator and r["period"] == period
    ]
    assert rows, f"no figure for the whole area: {indicator} {period}"
    return rows


def test_llr_counts_are_the_sums_of_the_raw_cells_citing_every_line(llr: Path) -> None:
    figures = _figures(llr)
    b1 = _cells(DFE / "b1_children_in_need_2013_to_2025.csv", 2024, LLR)
    cla = _cells(
        DFE / "cla_number_and_rate_per_10k_children.csv", 2024, LLR,
        population_type="Children looked after on 31 March each year",
    )  # fmt: skip
    expected = {
        "cin_at_31_march": sum(int(r["At31_episodes"]) for r in b1),
        "cla_at_31_march": sum(int(r["children_count"]) for r in cla),
    }
    assert expected == {"cin_at_31_march": 2113 + 3359 + 163, "cla_at_31_march": 596 + 725 + 27}
    for indicator, total in expected.items():
        for row in _whole(figures, indicator, "2024"):
            assert float(row["value"]) == total and row["shown"] == f"{total:,}"
            assert row["derivation"].startswith("combined: the sum of 3 authorities' figures")
            assert len(row["source_line"].split("; ")) == 3  # one cited line per authority


def test_llr_rates_are_summed_counts_over_the_dfes_summed_population_bases(llr: Path) -> None:
    figures = _figures(llr)
    cla = _cells(
        DFE / "cla_number_and_rate_per_10k_children.csv", 2024, LLR,
        population_type="Children looked after on 31 March each year",
    )  # fmt: skip
    # The DfE states the population it divided by beside each published rate.
    for r in cla:
        rate = int(r["children_count"]) / int(r["population_estimate"]) * 10_000
        assert round(rate) == int(r["rate_per_10000"])
    count = sum(int(r["children_count"]) for r in cla)
    base = sum(int(r["population_estimate"]) for r in cla)
    row = _whole(figures, "cla_rate", "2024")[0]
    assert float(row["value"]) == pytest.approx(count / base * 10_000)
    # Shown whole, as the DfE publishes its authorities' looked-after rates.
    assert row["shown"] == f"{count / base * 10_000:.0f}"
    average = sum(int(r["rate_per_10000"]) for r in cla) / 3
    assert row["shown"] != f"{average:.0f}"  # 50: the average of the rates is not the rate
    # Children in need: the count's own file, over the same mid-2023 estimates (ONS file).
    b1 = _cells(DFE / "b1_children_in_need_2013_to_2025.csv", 2024, LLR)
    ons = _cells(DFE / "ons_mid-year_population_estimates_2012_to_2024.csv", 2023, LLR)
    cin = sum(int(r["At31_episodes"]) for r in b1) / sum(int(r["population_estimate"]) for r in ons)
    assert float(_whole(figures, "cin_rate", "2024")[0]["value"]) == pytest.approx(cin * 10_000)


def test_llr_percentage_is_recomputed_from_numerators_and_denominators(llr: Path) -> None:
    d5 = _cells(DFE / "d5_cpps_at31march_by_duration_2013_to_2025.csv", 2024, LLR)
    expected = sum(int(r["2_years_or_more"]) for r in d5) / sum(int(r["CPP_At31"]) for r in d5)
    rows = _whole(_figures(llr), "cpp_2_years_or_more_pct", "2024")
    assert float(rows[0]["value"]) == pytest.approx(expected * 100)


def test_llr_percentages_without_their_parts_are_shown_per_authority_only(llr: Path) -> None:
    figures = _figures(llr)
    row = _whole(figures, "rereferrals_pct", "2024")[0]
    assert row["shown"] == "[z]" and row["derivation"].startswith("not combined")
    html = _text(llr / "report.html")
    assert "each local authority's own figure is given instead" in html


def test_every_factor_rutland_withholds_is_withheld_for_the_whole_area(llr: Path) -> None:
    c3 = _cells(DFE / "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv", 2024, LLR)
    from safeguarding_report.data.catalogue import FACTORS

    withheld = [name for name, (column, _) in FACTORS.items() if c3[2][column] == "c"]
    published = [
        name
        for name, (column, _) in FACTORS.items()
        if all(r[column].isdigit() for r in c3) and all(int(r[column]) > 5 for r in c3)
    ]
    assert "gangs" in withheld and "neglect" in published
    figures = _figures(llr)
    for name in withheld:
        for row in _whole(figures, f"factor_{name}", "2024"):
            assert row["value"] == "" and row["shown"] == "[c]"
            assert "Rutland [c]" in row["derivation"]
    for name in published:
        column = FACTORS[name][0]
        total = sum(int(r[column]) for r in c3)
        for row in _whole(figures, f"factor_{name}", "2024"):
            assert float(row["value"]) == total


def test_no_whole_area_figure_rests_on_a_part_that_is_not_shown(llr: Path) -> None:
    """Every figure of the whole area with a part withheld or small is itself withheld."""
    rule = tables.Suppression(1, 5)
    for row in _figures(llr):
        if row["area_code"] != LLR_CODE:
            continue
        parts = combine.part_values(row["derivation"])
        if any(rule.hides(v) for v in parts) or "[c]" in row["derivation"]:
            assert row["value"] == "", row


def test_llr_report_compares_the_area_with_its_region_and_each_authority(llr: Path) -> None:
    page = _text(llr / "report.html")
    for name in ("Leicester", "Leicestershire", "Rutland"):
        assert f"Statistical neighbours of {name} (10)" in page
        assert f"Where {name} stands among English local authorities" in page
    assert "Each local authority of Leicester, Leicestershire and Rutland and its own " \
        "statistical neighbours" in page  # fmt: skip
    assert "Statistical neighbours of Rutland (mean)" in page
    # What the charts set the area beside, said as it is for a partnership: no one set of
    # neighbours for the whole area.
    assert "The charts set the whole area and each of its local authorities beside its " \
        "region and England" in page  # fmt: skip
    assert "Each chart sets the whole area and each of its local authorities beside" in page
    assert "the average of its statistical neighbours" not in page
    # LAIT ranks authorities, not partnerships: the wider picture gives each authority's rank,
    # one row each, in a table of their own; the whole area, which has no figure there (LAIT's
    # figures are not combined), gets no column of [z], and a note says why.
    written = (llr / "report.html").read_text(encoding="utf-8")
    start = written.index("rank and quartile band among English local authorities")
    ranks = written[start : written.index("</table>", start)]
    rows = [_text_of(r) for r in re.findall(r"<tr>(.*?)</tr>", ranks, re.S)[1:]]
    for name in ("Leicester", "Leicestershire", "Rutland"):
        assert any(re.search(rf"\b{name} (\d+ of \d+|Not ranked)", row) for row in rows)
    assert not any(";" in row for row in rows), "one authority a row"
    glance = written[written.index("The wider picture at a glance: Leicester") :]
    glance = glance[: glance.index("</table>")]
    assert "[z]" not in glance and "Rank (1 = best)" not in glance
    assert "There is no column for Leicester, Leicestershire and Rutland." in page
    # The children living in the whole area: the ONS estimates of its authorities, summed.
    for row in _whole(_figures(llr), "population_0_17", "2024"):
        ons = _cells(DFE / "ons_mid-year_population_estimates_2012_to_2024.csv", 2024, LLR)
        assert float(row["value"]) == sum(int(r["population_estimate"]) for r in ons)
    chart = llr / "charts" / f"trend-cla-rate-{LLR_CODE.lower().replace('+', '-')}-2020-2024.csv"
    with chart.open(encoding="utf-8", newline="") as handle:
        areas = list(dict.fromkeys(r[0] for r in list(csv.reader(handle))[1:]))
    assert areas[:4] == ["Leicester, Leicestershire and Rutland", "Leicester", "Leicestershire",
                         "Rutland"]  # fmt: skip


def test_llr_changes_csv_and_diff_work_for_the_whole_area(llr: Path) -> None:
    changes = (llr / "changes.csv").read_text(encoding="utf-8")
    assert "Leicester, Leicestershire and Rutland" in changes
    from safeguarding_report.workflows import diff

    assert diff.compare(llr / "figures.csv", llr / "figures.csv") == []


# -- a partnership the kit has never seen: new, then build ------------------------------------


def test_new_with_several_codes_lists_each_authority_and_cumbria_builds(project: Project) -> None:
    made = scaffold.new(",".join(CUMBRIA), 2024, root=project.root)
    text = made.params.read_text(encoding="utf-8")
    assert made.report_id == "cumberland-and-westmorland-and-furness-2024"
    assert '  - "E06000063"  # Cumberland, DfE code 942' in text
    assert "# Westmorland and Furness: region North West. Statistical neighbours (April 2021 " \
        "groupings): none in the groupings held." in text  # fmt: skip
    p = params.load(made.params)
    assert p.local_authorities == CUMBRIA
    assert (
        p.partnership == "Cumberland and Westmorland and Furness Safeguarding Children Partnership"
    )
    folder = build(made.params, project, BuildOptions(make_pdf=False, progress=False))
    html = _text(folder / "report.html")
    for name in ("Cumberland", "Westmorland and Furness"):
        assert f"list no neighbours for {name}, so no neighbours' average is shown" in html
        assert f"Statistical neighbours of {name} (0)" not in html  # no empty table
    cla = _cells(
        DFE / "cla_number_and_rate_per_10k_children.csv", 2024, CUMBRIA,
        population_type="Children looked after on 31 March each year",
    )  # fmt: skip
    rows = [
        r
        for r in _figures(folder)
        if r["area_code"] == "+".join(CUMBRIA) and r["indicator"] == "cla_at_31_march"
        and r["period"] == "2024"
    ]  # fmt: skip
    assert rows and all(float(r["value"]) == 482 + 247 for r in rows)
    assert sum(int(r["children_count"]) for r in cla) == 482 + 247


def test_new_year_carries_the_list_of_authorities_over(tmp_path: Path) -> None:
    p = params.load(ROOT / "params/llr-2024.yaml")
    text = newyear.params_text(p, "llr-2025", ROOT / "params/llr-2024.yaml")
    path = tmp_path / "params" / "llr-2025.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    assert params.load(path, data=ROOT / "data").local_authorities == LLR


def test_batch_takes_a_csv_file_of_partnerships(tmp_path: Path) -> None:
    (tmp_path / "data/local").mkdir(parents=True)
    (tmp_path / "data/published").symlink_to(PUBLISHED, target_is_directory=True)
    table = tmp_path / "partnerships.csv"
    table.write_text(
        "name,codes\n"
        "Cumbria Safeguarding Children Partnership,E06000063+E06000064\n"
        ",E06000017\n"
        "Nowhere,E06999999\n",
        encoding="utf-8",
    )
    todo = batch.partnerships(table, 2024, root=tmp_path)
    assert [p.name for p in todo.params] == [
        "cumberland-and-westmorland-and-furness-2024.yaml",
        "rutland-2024.yaml",
    ]
    cumbria = params.load(todo.params[0])
    assert cumbria.partnership == "Cumbria Safeguarding Children Partnership"
    assert cumbria.local_authorities == CUMBRIA
    assert [o.report for o in todo.failed] == ["Nowhere"]


def test_published_data_names_and_codes_the_whole_area() -> None:
    published = Published(ROOT / "data")
    area = published.area(LLR_CODE)
    assert area.name == "Leicester, Leicestershire and Rutland"
    assert [a.name for a in area.parts] == ["Leicester", "Leicestershire", "Rutland"]
    assert [r.name for r in published.regions_of(area)] == ["East Midlands"]
    frame = published.comparison("cla_rate", LLR_CODE, [2024])
    assert list(frame["area_name"]) == [
        "Leicester, Leicestershire and Rutland", "Leicester", "Leicestershire", "Rutland",
        "East Midlands", "England",
    ]  # fmt: skip


def test_cover_report_speaks_for_the_partners_of_the_whole_area(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "local").mkdir(parents=True)
    (data / "published").symlink_to(PUBLISHED, target_is_directory=True)
    shutil.copytree(ROOT / "data/local/llr-2024", data / "local/llr-2024")
    out = tmp_path / "out"
    out.mkdir()
    p = params.load(ROOT / "params/llr-2024.yaml", data=data)
    cover.write(p, Published(data), out, make_pdf=False)
    page = re.sub(r"<[^>]+>", "", _text(out / "cover-report.html"))
    assert "The safeguarding partners for Leicester, Leicestershire and Rutland have made " \
        "joint arrangements for the 3 local authority areas together" in page  # fmt: skip
    assert re.search(
        r"The rate of children looked after at 31 March in Leicester, Leicestershire and "
        r"Rutland was 55 per 10,000 children, lower than East Midlands' \(64\)",
        page,
    )


@pytest.mark.build
def test_llr_report_is_axe_clean(llr: Path) -> None:
    """The side-by-side tables and charts of several authorities stay accessible."""
    violations = axe(llr / "report.html")
    assert violations == [], describe(violations)


def test_changes_csv_withholds_a_whole_area_figure_resting_on_a_withheld_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rutland looked after 7 and 6 unaccompanied children: under a rule withholding 1 to 10,
    the whole area's counts would give them away, so changes.csv leaves them out too."""
    from safeguarding_report.report import changes

    published = Published(ROOT / "data")
    shown = changes.frame(published, LLR_CODE, 2024, ["uasc_at_31_march"]).iloc[0]
    assert (shown["last_value"], shown["this_value"]) == (124, 145)
    monkeypatch.setenv(tables.SUPPRESS_ENV, "1-10")
    withheld = changes.frame(published, LLR_CODE, 2024, ["uasc_at_31_march"]).iloc[0]
    assert math.isnan(withheld["this_value"]) and math.isnan(withheld["last_value"])
    assert withheld["this_status"] == "part withheld" and math.isnan(withheld["change"])


def test_check_and_the_index_page_work_for_a_partnership(llr: Path) -> None:
    from safeguarding_report.workflows import index, inputs

    rows = inputs.check(ROOT / "params/llr-2024.yaml", ROOT)
    assert not any(r.blocks for r in rows)
    entry = next(e for e in index.entries(llr.parent) if e.report == "llr-2024")
    assert (entry.authority, entry.la_code) == ("Leicester, Leicestershire and Rutland", LLR_CODE)
    assert entry.headline["cla_rate"] == "55"  # 1,348 / 243,145 x 10,000, whole as the DfE's


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ("E06000016,E06000016", "a local authority is named twice"),
        ("E06000016,E12000004", "is East Midlands, not a local authority"),
    ],
)
def test_new_refuses_a_wrong_list_of_codes_by_name(
    tmp_path: Path, codes: str, message: str
) -> None:
    (tmp_path / "data/local").mkdir(parents=True)
    (tmp_path / "data/published").symlink_to(PUBLISHED, target_is_directory=True)
    with pytest.raises(ParamsError, match=message):
        scaffold.new(codes, 2024, root=tmp_path)
    assert not (tmp_path / "params").exists()


def test_most_frequent_factors_allow_for_a_whole_area_figure_withheld() -> None:
    """Sexual abuse by an adult: Leicester and Leicestershire's figures are shown, Rutland's is
    withheld, so the whole area's is too; were the top three smaller than the two shown parts
    together, the sentence must say the factor may be among them rather than leave it out."""
    from safeguarding_report.report import sections
    from safeguarding_report.report.sections import local_context

    ctx = sections.for_report(params.load(ROOT / "params/llr-2024.yaml"), Published(ROOT / "data"))
    said = local_context.factors_summary(ctx).plain
    assert said.startswith("The factors recorded most often") and "may be among" not in said
    c3 = _cells(DFE / "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv", 2024, LLR)
    shown_parts = int(c3[0]["Sexual_Abuse_adult_on_child"]) + int(
        c3[1]["Sexual_Abuse_adult_on_child"]
    )
    frame = local_context.factors_frame(ctx)
    whole = tables.protect_frame(frame[frame["area_code"] == LLR_CODE])
    rivals = local_context._withheld_rivals(ctx, frame, whole, float(shown_parts))
    assert "sexual abuse by an adult" in rivals
    assert "sexual abuse by an adult" not in local_context._withheld_rivals(
        ctx, frame, whole, float(shown_parts + 1)
    )


def test_no_chart_draws_a_withheld_whole_area_figure(llr: Path) -> None:
    """A whole-area point is drawn only where every part was published: the chart's data
    never holds a number beside a missing figure's reason."""
    drawn = 0
    for path in sorted((llr / "charts").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["area_code"] != LLR_CODE:
                    continue
                assert (row["value"] == "") == bool(row["status"]), (path.name, row)
                drawn += row["value"] != ""
    assert drawn > 20
