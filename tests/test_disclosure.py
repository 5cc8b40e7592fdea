"""Disclosure control: no count from 1 to 5 leaves the library, and the build checks it did not."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from safeguarding_report.core import params, provenance
from safeguarding_report.core.errors import DisclosureError, ParamsError
from safeguarding_report.data.schema import TIDY_COLUMNS
from safeguarding_report.pipeline import publish
from safeguarding_report.report import charts, disclosure, tables, text

ROOT = Path(__file__).resolve().parents[1]


def row(indicator: str, value: float, *, breakdown: str = "", period: str = "2022",
        derivation: str = "", status: str = "", line: str = "7") -> dict[str, Any]:  # fmt: skip
    return {
        "indicator": indicator,
        "area_code": "E10000016",
        "area_name": "Kent",
        "area_level": "Local authority",
        "period": period,
        "breakdown": breakdown,
        "value": value,
        "status": status,
        "source_file": "data/published/x.csv",
        "source_column": "number",
        "source_line": line,
        "source_area_code": "E10000016",
        "derivation": derivation,
    }


# --- the rule on one figure ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [(0.0, "0"), (1.0, "[c]"), (3.0, "[c]"), (5.0, "[c]"), (6.0, "6")]
)
def test_published_counts_from_1_to_5_are_shown_as_c(value: float, shown: str) -> None:
    table = tables.grid(
        "T", ["Measure", "2022"], [["Referrals", tables.Figure(row("referrals", value))]]
    )
    assert table.rows[0][1] == shown
    record = table.records[0]
    assert record["shown"] == shown
    if shown == "[c]":
        assert record["value"] is None and record["status"] == "small"
        assert "[c] confidential" in table.to_html()


def test_a_withheld_count_leaves_no_trace_of_its_number_in_figures_csv(tmp_path: Path) -> None:
    local = row("referrals", 3.0, derivation="count of 3 rows", line="4; 9; 12")
    table = tables.grid("T", ["Measure", "2021-22"], [["Reviews", tables.Figure(local)]])
    publish.write_figures([{"section": "s", **r} for r in table.records], tmp_path / "f.csv")
    with (tmp_path / "f.csv").open(encoding="utf-8") as handle:
        written = next(csv.DictReader(handle))
    assert written["value"] == "" and written["status"] == "small" and written["shown"] == "[c]"
    assert "3" not in written["derivation"] and written["source_line"] == ""


def test_thresholds_are_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(tables.SUPPRESS_ENV, "1-9")
    assert (
        tables.grid("T", ["M", "V"], [["a", tables.Figure(row("referrals", 8.0))]]).rows[0][1]
        == "[c]"
    )
    monkeypatch.setenv(tables.SUPPRESS_ENV, "2-3")
    shown = tables.grid("T", ["M", "V"], [["a", tables.Figure(row("referrals", 1.0))]]).rows[0][1]
    assert shown == "1"


def test_params_give_the_thresholds_with_defaults_1_to_5(tmp_path: Path) -> None:
    kent = (ROOT / "params/kent-2022.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(kent, encoding="utf-8")
    p = params.load(path)
    assert (p.suppress_from, p.suppress_to) == (1, 5)
    path.write_text(kent + "suppress_from: 1\nsuppress_to: 9\n", encoding="utf-8")
    assert params.load(path).suppress_to == 9
    path.write_text(kent + "suppress_from: 4\nsuppress_to: 2\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"line 13: key 'suppress_to' \(2\) must not be below"):
        params.load(path)


def test_rate_built_on_a_small_count_is_withheld() -> None:
    derivation = (
        "count per 10,000 of the mid-2021 population aged 0 to 17 (data/published/p.csv, line 9):"
        " 4 (data/published/x.csv, line 7) / 345678 x 10,000; the population is ..."
    )
    rate = row("cpp_rate", 0.1, derivation=derivation)
    table = tables.grid("T", ["M", "Rate"], [["Kent", tables.Figure(rate)]])
    assert table.rows[0][1] == "[c]" and table.records[0]["value"] is None


def test_percentage_beside_its_small_count_is_withheld() -> None:
    table = tables.grid(
        "T",
        ["Measure", "Number", "Share"],
        [["Plans of two years or more", tables.Figure(row("cpp_2_years_or_more", 4.0)),
          tables.Figure(row("cpp_2_years_or_more_pct", 1.5), suffix="%")]],
    )  # fmt: skip
    assert table.rows[0][1:] == ["[c]", "[c]"]


# --- the unit of disclosure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "shown"),
    [
        ("referrals", "[c]"),  # events that each concern a child
        ("rapid_reviews", "[c]"),
        ("private_fostering_open", "[c]"),  # children
        ("section11_standards", "3"),  # organisations' ratings
        ("section11_not_met", "3"),
        ("reviews_published", "3"),  # published documents: public already
        ("training_respondents", "3"),  # staff
        ("training_courses", "3"),  # courses
        ("audit_agencies_reviewed", "3"),  # organisations
    ],
)
def test_only_counts_of_children_families_and_events_about_a_child_are_withheld(
    indicator: str, shown: str
) -> None:
    table = tables.grid("T", ["Measure", "Number"], [["x", tables.Figure(row(indicator, 3.0))]])
    assert table.rows[0][1] == shown
    # Only the withheld kind is marked for the output scan, which checks by unit.
    assert ('data-unit="count"' in table.to_html()) == (shown == "[c]")


def test_the_note_under_a_withheld_figure_gives_its_real_reason() -> None:
    table = tables.grid(
        "T",
        ["Measure", "Number"],
        [["Rapid reviews", tables.Figure(row("rapid_reviews", 2.0))],
         ["Standards not met", tables.Figure(row("section11_not_met", 2.0))]],
    )  # fmt: skip
    assert table.rows[1][1] == "2"
    note = " ".join(table.to_html().split()).split('class="table-note">', 1)[1]
    assert "rapid reviews (Kent in 2022) is not shown" in note
    assert "to protect the children concerned" in note
    assert "section 11" not in note.lower()


def test_scan_checks_by_unit(tmp_path: Path) -> None:
    fields = [*TIDY_COLUMNS, "shown"]
    with (tmp_path / "figures.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerow({**row("section11_not_met", 3.0), "shown": "3"})
        writer.writerow({**row("reviews_published", 2.0), "shown": "2"})
    assert disclosure.scan(tmp_path, tables.Suppression()) == []
    with (tmp_path / "figures.csv").open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writerow({**row("rapid_reviews", 2.0), "shown": "2"})
    found = disclosure.scan(tmp_path, tables.Suppression())
    assert [f.split(":")[0] for f in found] == [
        "figures.csv, line 4, column value",
        "figures.csv, line 4, column shown",
    ]


# --- secondary suppression ------------------------------------------------------------------


def test_total_column_forces_a_second_cell_to_be_withheld() -> None:
    cells = [
        ["Police", tables.Figure(row("referrals", 3.0, breakdown="a")),
         tables.Figure(row("referrals", 40.0, breakdown="b")),
         tables.Figure(row("referrals", 12.0, breakdown="c")),
         tables.Figure(row("referrals", 55.0, breakdown="all"))],
    ]  # fmt: skip
    table = tables.grid("T", ["Agency", "A", "B", "C", "Total"], cells)
    # 3 is small; 12 is the smallest other part, withheld so that 55 - 40 gives nothing away.
    assert table.rows[0][1:] == ["[c]", "40", "[c]", "55"]
    statuses = [r["status"] for r in table.records]
    assert statuses == ["small", "", "secondary", ""]
    assert "would let a small number be worked out" in table.to_html()


def test_total_row_protects_its_column() -> None:
    cells = [
        ["Police", tables.Figure(row("referrals", 2.0, breakdown="police"))],
        ["Health", tables.Figure(row("referrals", 30.0, breakdown="health"))],
        ["Schools", tables.Figure(row("referrals", 20.0, breakdown="schools"))],
        ["Total", tables.Figure(row("referrals", 52.0))],
    ]
    assert [r[1] for r in tables.grid("T", ["Agency", "N"], cells).rows] == [
        "[c]", "30", "[c]", "52"
    ]  # fmt: skip


def test_breakdown_summing_to_a_figure_elsewhere_in_the_table_is_protected() -> None:
    tidy = pd.DataFrame(
        [
            row("referrals", 60.0),
            row("referrals", 4.0, breakdown="agency: police"),
            row("referrals", 26.0, breakdown="agency: health"),
            row("referrals", 30.0, breakdown="agency: schools"),
        ],
        columns=[*TIDY_COLUMNS, "breakdown"],
    )
    tidy["area_name"] = ["All", "Police", "Health", "Schools"]
    table = tables.pivot(tidy, rows="area_name", columns="period", caption="C")
    assert [r[1] for r in table.rows] == ["60", "[c]", "[c]", "30"]


def test_counts_that_merely_sum_are_left_alone_without_a_breakdown() -> None:
    # A trend: 2020 + 2021 happening to equal 2022 is no total.
    tidy = pd.DataFrame(
        [row("referrals", v, period=p) for v, p in [(4.0, "2020"), (20.0, "2021"), (24.0, "2022")]],
        columns=[*TIDY_COLUMNS, "breakdown"],
    )
    table = tables.pivot(tidy, rows="area_name", columns="period", caption="C")
    assert table.rows[0][1:] == ["[c]", "20", "24"]


# --- sentences and charts -------------------------------------------------------------------


def test_sentence_with_a_small_count_says_why_instead() -> None:
    said = text.say("We held {n} rapid reviews.", n=row("referrals", 2.0))
    assert "2" not in said.plain.replace("2022", "")
    assert "small number (from 1 to 5)" in said.plain


def test_sentence_marks_its_counts_for_the_scan() -> None:
    said = text.say("We received {n} referrals.", n=row("referrals", 1234.0))
    assert '<span data-unit="count">1,234</span>' in said.html


def test_chart_neither_draws_nor_labels_a_small_count() -> None:
    tidy = pd.DataFrame(
        [row("referrals", v, breakdown=f"agency: {a}") for a, v in [("a", 40.0), ("b", 3.0)]],
        columns=[*TIDY_COLUMNS, "breakdown"],
    )
    tidy["area_name"] = ["Police", "Health"]
    chart = charts.compare(tidy, title="T", source="S", categories="Agency")
    assert isinstance(chart, charts.Chart)
    assert "Health: [c]" in chart.alt
    bundle = chart._repr_mimebundle_()
    shown = [r["shown"] for r in bundle[provenance.CHART_MIME_TYPE]["rows"]]
    assert shown == ["40", "[c]"]
    assert all(
        r["value"] is None or not math.isnan(r["value"]) for r in bundle[provenance.MIME_TYPE]
    )


# --- the scan at the end of the build --------------------------------------------------------


def _report(folder: Path, *, cell: str = "12", figure: str = "12", chart: str = "12") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(
        "<html><body>\n<h2>5. Performance data</h2>\n<table><caption>Referrals</caption>\n"
        f'<tr><td class="num" data-unit="count">{cell}</td><td>3 of the 4 standards</td></tr>\n'
        "</table>\n<p>Counts from 1 to 5 are shown as [c].</p></body></html>\n",
        encoding="utf-8",
    )
    rec = row("referrals", float(figure.replace(",", "")) if figure[0].isdigit() else math.nan)
    publish.write_figures(
        [{"section": "performance", **provenance.record(rec, figure)}], folder / "figures.csv"
    )
    publish.write_charts(
        [{"slug": "compare-referrals-e10000016-2022",
          "rows": [provenance.record(row("referrals", float(chart)), chart)]}],
        folder / "charts",
    )  # fmt: skip
    return folder


def test_a_clean_report_passes_the_scan(tmp_path: Path) -> None:
    disclosure.check(_report(tmp_path / "r"), tables.Suppression())


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        ({"cell": "4"}, "report.html, line 4: 4 (under 'Referrals')"),
        ({"figure": "2"}, "figures.csv, line 2, column value: 2"),
        ({"chart": "5"}, "charts/compare-referrals-e10000016-2022.csv, line 2, column value: 5"),
    ],
)
def test_scan_names_where_a_small_count_appears(
    tmp_path: Path, damage: dict[str, str], where: str
) -> None:
    with pytest.raises(DisclosureError) as caught:
        disclosure.check(_report(tmp_path / "r", **damage), tables.Suppression())
    assert where in str(caught.value) and "Nothing was published" in str(caught.value)


def test_scan_reads_a_cover_report_too(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r")
    (folder / "cover-report.html").write_text('<p><span data-unit="count">3</span></p>')
    assert disclosure.scan(folder, tables.Suppression()) == ["cover-report.html, line 1: 3"]


def test_scan_ignores_numbers_that_are_not_counts(tmp_path: Path) -> None:
    # '3 of the 4 standards' and 'from 1 to 5' are words, not marked counts.
    assert disclosure.scan(_report(tmp_path / "r"), tables.Suppression()) == []


def test_sections_see_the_builds_thresholds() -> None:
    with disclosure.for_sections(tables.Suppression(2, 9)):
        assert tables.rule() == tables.Suppression(2, 9)
    assert tables.rule() == tables.Suppression(1, 5)
