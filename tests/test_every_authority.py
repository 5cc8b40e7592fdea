"""Real builds for the authorities that break naive code: London, tiny, reorganised, pre-2013.

Each report is started with ``new`` (as an analyst would, in a copy of the project) or is the
shipped Kent 2011-12, built once (HTML only) and read as a board member would: no symbol
where a sentence needs a number, no chart drawn from nothing, London's region, and every rate
the kit calculated agreeing with the DfE's own where the DfE published one.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import project_copy
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.workflows import scaffold

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "data" / "published"
SYMBOL = re.compile(r"\[(c|x|z|low|u)\]")
# case -> (DfE code, year, E-code); None: the shipped report
CASES: dict[str, tuple[str, int, str] | None] = {
    "hackney-2023": ("204", 2023, "E09000012"),  # a London borough
    "isles-of-scilly-2022": ("420", 2022, "E06000053"),  # the smallest: suppressed cells
    "north-yorkshire-2024": ("815", 2024, "E06000065"),  # reorganised in April 2023
    "kent-2012": None,  # before the 2013 children in need series
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project (notebooks, params, local records) over the published data."""
    return Project(project_copy(tmp_path_factory.mktemp("authorities")))


_BUILT: dict[str, Path] = {}


def _built(project: Project, case: str) -> Path:
    """The built report folder of one case: each is built once for the whole module."""
    if case not in _BUILT:
        spec = CASES[case]
        if spec is not None:
            made = scaffold.new(spec[0], spec[1], root=project.root)
            assert made.report_id == case
        _BUILT[case] = build(
            project.root / f"params/{case}.yaml",
            project,
            BuildOptions(make_pdf=False, progress=False),
        )
    return _BUILT[case]


@pytest.fixture(scope="module", params=list(CASES))
def report(request: pytest.FixtureRequest, project: Project) -> Path:
    """One built report folder per case."""
    return _built(project, request.param)


class _Paragraphs(HTMLParser):
    """Each <p>'s text, with whether it is inside a table's wrapper or is a table's note."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (class, text) of sentences outside tables
        self._open: list[str] | None = None
        self._class = ""
        self._wraps = 0
        self._divs: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "div":
            wrap = "table-wrap" in classes
            self._divs.append(wrap)
            self._wraps += wrap
        if tag == "p" and self._open is None:
            self._open, self._class = [], classes

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._divs:
            self._wraps -= self._divs.pop()
        if tag == "p" and self._open is not None:
            if not self._wraps and "table-note" not in self._class:
                self.found.append((self._class, "".join(self._open)))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def _html(report: Path) -> str:
    return (report / "report.html").read_text(encoding="utf-8")


def _figures(report: Path) -> list[dict[str, str]]:
    with (report / "figures.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.build
def test_no_sentence_holds_a_symbol_in_place_of_a_number(report: Path) -> None:
    parser = _Paragraphs()
    parser.feed(_html(report))
    assert len(parser.found) > 30
    holding = [text for _, text in parser.found if SYMBOL.search(text)]
    assert not holding, holding[:3]


@pytest.mark.build
def test_no_chart_is_drawn_from_symbols_alone(report: Path) -> None:
    html = _html(report)
    charts = re.findall(
        r'<figure class="chart">.*?<img [^>]*>.*?</figure><div class="table-wrap">(.*?)</table>',
        html,
        re.S,
    )
    assert charts, "every report draws some chart"
    for table in charts:
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)
        caption = re.search(r"<caption>(.*?)</caption>", table)
        assert any(not SYMBOL.fullmatch(c) for c in cells), caption


@pytest.mark.build
def test_sentences_name_the_neighbours_average_and_never_count_none(report: Path) -> None:
    parser = _Paragraphs()
    parser.feed(_html(report))
    for _, text in parser.found:
        assert "Statistical neighbours (mean))" not in text, text
        # Empty templates are records still to supply, not a year with nothing in it.
        assert not re.search(r"\b0 (serious incidents|rapid reviews|multi-agency courses)", text)
        assert "came to £0" not in text, text
        assert not re.search(r"\(0\)(,| and)", text), text  # a factor 'recorded' 0 times


@pytest.mark.build
def test_a_board_report_speaks_of_the_board(report: Path) -> None:
    html = _html(report)
    if report.name == "kent-2012":
        assert "The records of the Board shown in this section are invented" in html
        assert "The records of the partnership" not in html
    else:
        assert "the Board" not in html.split('id="appendix-c"')[0]


@pytest.mark.build
def test_the_london_borough_is_compared_with_london(project: Project) -> None:
    report = _built(project, "hackney-2023")
    rows = [r for r in _figures(report) if r["area_code"] == "E12000007"]
    assert rows and {r["area_name"] for r in rows} == {"London"}
    numbers = [r for r in rows if r["value"] and not SYMBOL.fullmatch(r["shown"])]
    assert len(numbers) > 20
    html = _html(report)
    # A row in the comparison charts' data, with a number in it.
    assert re.search(r'<th scope="row">London</th><td class="num">[0-9]', html)


@pytest.mark.build
def test_the_small_authority_keeps_its_counts_and_withholds_the_rest(project: Project) -> None:
    report = _built(project, "isles-of-scilly-2022")
    rows = [r for r in _figures(report) if r["area_code"] == "E06000053"]
    assert any(r["shown"] == "[c]" for r in rows)
    assert 'Isles of Scilly is home to <span data-unit="count">354</span> children' in _html(report)


@pytest.mark.build
def test_an_average_of_few_neighbours_is_flagged_and_none_is_not(report: Path) -> None:
    html = _html(report)
    assert "(0 of 10)" not in html
    if report.name == "north-yorkshire-2024":
        # 2020: one of ten neighbours published a share of plans lasting two years or more.
        assert "Fewer than half the neighbours had a published figure in 2020 (1 of 10)" in html


@pytest.mark.build
def test_a_count_is_kept_when_its_rate_is_missing(project: Project) -> None:
    # The 2012 files hold the count of children looked after, not the rate.
    report = _built(project, "kent-2012")
    html = _html(report)
    assert '<span data-unit="count">1,798</span> children were looked after.' in html


# Published rates and the count columns they are published beside, read here with csv alone.
D = "dfe-csc-outcomes-enablers/"
B = "bengoodair-csc-data/"
TWINS: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "cin_rate": [(D + "b1_children_in_need_2013_to_2024.csv", "At31_episodes_rate", {})],
    "referrals_rate": [
        (D + "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv", "Referrals_rate", {})
    ],
    "cla_rate": [
        (
            D + "cla_number_and_rate_per_10k_children.csv",
            "rate_per_10000",
            {"population_type": "Children looked after on 31 March each year"},
        ),
        *(
            (
                B + f"ees_cla_{y}_release/cla_number_and_rate_per_10k_children.csv",
                "rate_per_10000",
                {"population_count": "Children looked after at 31 March each year"},
            )
            for y in (2023, 2024)
        ),
    ],
}


def _published_rates() -> dict[tuple[str, str, str], set[str]]:
    """(indicator, area code, year) -> every rate a file publishes for it, as written."""
    found: dict[tuple[str, str, str], set[str]] = {}
    for indicator, files in TWINS.items():
        for path, column, where in files:
            with (PUBLISHED / path).open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    if any(row.get(k) != v for k, v in where.items()):
                        continue
                    level = row["geographic_level"]
                    code = {"National": "E92000001", "Regional": row["region_code"]}.get(
                        level, row["new_la_code"]
                    )
                    found.setdefault((indicator, code, row["time_period"]), set()).add(row[column])
    return found


@pytest.fixture(scope="module")
def published_rates() -> dict[tuple[str, str, str], set[str]]:
    return _published_rates()


def _agrees(value: float, published: str) -> bool:
    decimals = len(published.partition(".")[2])
    return abs(round(value, decimals) - float(published)) < 1e-9


@pytest.mark.build
def test_every_rate_with_a_published_twin_matches_it(
    report: Path, published_rates: dict[tuple[str, str, str], set[str]]
) -> None:
    """A rate shown (calculated for the report or read) equals the DfE's at its precision."""
    compared = 0
    for row in _figures(report):
        if row["indicator"] not in TWINS or not row["value"] or not row["area_code"]:
            continue
        twins = {
            t
            for t in published_rates.get((row["indicator"], row["area_code"], row["period"]), ())
            if re.fullmatch(r"-?[0-9.]+", t)
        }
        if not twins:
            continue
        compared += 1
        assert any(_agrees(float(row["value"]), t) for t in twins), (row, twins)
        if row["derivation"].startswith("count per 10,000"):
            # A calculated rate whose twin exists is shown as the DfE would show it.
            assert any(_agrees(float(row["shown"].replace(",", "")), t) for t in twins), row
    if report.name != "kent-2012":  # no file holds a 2008-2012 rate to compare with
        assert compared > 5
