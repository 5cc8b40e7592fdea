"""A report whose year the DfE has not yet published: it builds, and says so, never "nan"."""

from __future__ import annotations

import csv
import logging
import math
import re
import shutil
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from safeguarding_report import cli
from safeguarding_report.core.errors import DataError, ParamsError
from safeguarding_report.data import Published
from safeguarding_report.pipeline import validate
from safeguarding_report.report import changes, sections, tables
from safeguarding_report.workflows import inputs, scaffold

ROOT = Path(__file__).resolve().parents[1]
NEWEST = 2025  # the newest year ending 31 March the shipped published files hold
KENT = "E10000016"
ENGLAND = "E92000001"


@pytest.fixture(scope="module")
def published() -> Published:
    return Published(ROOT / "data")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kent's 2025-26 report: the shipped 2024-25 params and records moved a year on."""
    base = tmp_path_factory.mktemp("unpublished")
    shutil.copytree(ROOT / "notebooks", base / "notebooks")
    (base / "data/local").mkdir(parents=True)
    (base / "data/published").symlink_to(ROOT / "data/published", target_is_directory=True)
    shutil.copytree(ROOT / "data/local/kent-2025", base / "data/local/kent-2026")
    (base / "params").mkdir()
    text = (ROOT / "params/kent-2025.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("id: kent-2025", "id: kent-2026"),
        ("period_start: 2024-04-01", "period_start: 2025-04-01"),
        ("period_end: 2025-03-31", "period_end: 2026-03-31"),
        ("comparison_year: 2025 ", "comparison_year: 2026 "),
        ("publication_date: 2025-10-31", "publication_date: 2026-10-30"),
    ]:
        assert old in text
        text = text.replace(old, new)
    (base / "params/kent-2026.yaml").write_text(text, encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def built(project: Path) -> tuple[Path, list[str]]:
    """The report built without a PDF, and the warnings the build logged."""
    from safeguarding_report.pipeline.build import Project, build
    from safeguarding_report.pipeline.options import BuildOptions

    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warnings.append(record.getMessage())

    handler = Collect()
    logging.getLogger("safeguarding_report").addHandler(handler)
    try:
        out = build(
            project / "params/kent-2026.yaml",
            Project(project),
            BuildOptions(make_pdf=False, progress=False),
        )
    finally:
        logging.getLogger("safeguarding_report").removeHandler(handler)
    return out, warnings


def _figures(folder: Path) -> list[dict[str, str]]:
    with (folder / "figures.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# -- the build ------------------------------------------------------------------------------


@pytest.mark.build
def test_it_builds_and_warns_once_naming_the_year(built: tuple[Path, list[str]]) -> None:
    folder, warnings = built
    assert (folder / "report.html").is_file() and (folder / "changes.csv").is_file()
    named = [w for w in warnings if "2026" in w and "not yet published" in w]
    assert len(named) == 1, warnings
    assert "data/published/" in named[0] and "[x]" in named[0]


@pytest.mark.build
def test_figures_of_the_year_are_not_yet_published_and_never_nan(
    built: tuple[Path, list[str]],
) -> None:
    rows = _figures(built[0])
    of_2026 = [r for r in rows if r["period"] == "2026"]
    assert of_2026 and all(r["status"] == "not yet published" for r in of_2026)
    assert all(r["shown"] == "[x]" for r in of_2026)
    assert not [r for r in rows if "nan" in r["shown"].lower()]
    sections_with_2026 = {r["section"] for r in of_2026}
    assert {"local_context", "performance"} <= sections_with_2026
    # The headline tables compare the latest two published years instead.
    assert "foreword" not in sections_with_2026
    # The cover report gives the committee the latest published year's figures (the wider
    # picture's measures keep the periods the benchmarking data set labels them with).
    cover = [r for r in rows if r["section"] == "cover" and "dfe-lait-bds" not in r["source_file"]]
    assert cover and {r["period"] for r in cover} == {"2025"}


@pytest.mark.build
def test_no_page_says_nan(built: tuple[Path, list[str]]) -> None:
    for name in ("report.html", "cover-report.html"):
        words = _plain((built[0] / name).read_text(encoding="utf-8"))
        assert not re.search(r"\bnan\b", words, re.IGNORECASE), name


@pytest.mark.build
def test_sentences_give_the_latest_published_year_and_claim_nothing_of_2026(
    built: tuple[Path, list[str]],
) -> None:
    words = _plain((built[0] / "report.html").read_text(encoding="utf-8"))
    lead = (
        "The figures for the year ending 31 March 2026 have not yet been published; those "
        "here are for the year ending 31 March 2025, the latest published."
    )
    assert lead in words
    assert "At 31 March 2025," in words and "At 31 March 2026," not in words
    assert not re.search(r"(higher than|lower than|similar to) England's in 2026", words)
    assert "was lower than England's in 2025, the latest published year" in words
    assert "The figures for Kent and England in 2026 have not yet been published." in words
    assert "Where Kent stands among English local authorities, 2025, the latest published" in words
    # Care leavers stop at 2022 in the files: never called the latest published year.
    assert "in 2022, the latest published year" not in words


@pytest.mark.build
def test_changes_csv_compares_the_latest_two_published_years(
    built: tuple[Path, list[str]],
) -> None:
    """As the report's own table of changes does: 2024 and 2025 while 2026 is not published."""
    from safeguarding_report.core.indicators import WIDER_INDICATORS

    with (built[0] / "changes.csv").open(encoding="utf-8") as handle:
        every = list(csv.DictReader(handle))
    rows = [row for row in every if row["indicator"] not in WIDER_INDICATORS]
    wider = [row for row in every if row["indicator"] in WIDER_INDICATORS]
    assert rows and wider
    assert all(row["this_value"] and row["this_year"] != "2026" for row in wider)
    assert {(row["last_year"], row["this_year"]) for row in rows} == {("2024", "2025")}
    both = [row for row in rows if row["last_value"] and row["this_value"]]
    assert len(both) >= len(rows) - 1, "every headline measure but care leavers' is published"
    assert all(row["change"] and row["compared_with_england"] for row in both)


def test_the_headline_table_compares_the_latest_two_published_years_and_says_so(
    built: tuple[Path, list[str]],
) -> None:
    html = (built[0] / "report.html").read_text(encoding="utf-8")
    start = html.index(
        "Kent at a glance, years ending 31 March 2024 and 2025, the latest published"
    )
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 8
    published_both = 0
    for row in rows:
        cells = [_plain(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if not cells[1].startswith("[") and not cells[2].startswith("["):
            published_both += 1
            assert not cells[3].startswith("["), cells  # a change
            assert cells[4] in {"Up", "Down", "No change"}, cells  # and its direction
    assert published_both >= 7
    note = "have not yet been published, so this table compares 2024 and 2025"
    assert _plain(html).count(note) == 2, "said once under each of the two headline tables"


# -- the years accepted -----------------------------------------------------------------------


def test_the_year_after_the_newest_is_accepted_with_a_warning(
    published: Published, caplog: pytest.LogCaptureFixture
) -> None:
    assert published.newest_year() == NEWEST
    with caplog.at_level(logging.WARNING):
        validate._check_year(published, NEWEST + 1, Path("params/x.yaml"))
    assert "params/x.yaml: key 'comparison_year' is 2026" in caplog.text
    assert "not yet published" in caplog.text


def test_a_later_year_is_refused_naming_the_years_held(published: Published) -> None:
    with pytest.raises(DataError) as caught:
        validate._check_year(published, NEWEST + 2, Path("params/x.yaml"))
    said = str(caught.value)
    assert "key 'comparison_year' is 2027, but no file in data/published/ holds" in said
    assert "2025" in said and "or 2026, the year not yet published" in said


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    (tmp_path / "data/local").mkdir(parents=True)
    (tmp_path / "data/published").symlink_to(ROOT / "data/published", target_is_directory=True)
    (tmp_path / "params").mkdir()
    return tmp_path


def test_new_writes_a_report_for_the_year_not_yet_published(empty_project: Path) -> None:
    made = scaffold.new("E06000017", NEWEST + 1, root=empty_project)
    text = made.params.read_text(encoding="utf-8")
    assert "comparison_year: 2026" in text
    # The period (April 2025 to March 2026) ends after Working Together 2026 came into force.
    assert "framework: wt2026" in text
    assert "# The DfE has not yet published the year ending 31 March 2026" in text
    assert made.created, "the empty templates are written"
    rows = inputs.check(made.params, empty_project)
    assert not [r for r in rows if r.blocks]
    year = next(r for r in rows if r.name == "comparison_year 2026")
    assert year.state == inputs.NOT_YET and "the report builds" in year.detail
    assert any(r.name == "indicator cla_at_31_march" and r.state == inputs.NOT_YET for r in rows)


def test_new_refuses_two_years_on_naming_the_years_held(empty_project: Path) -> None:
    with pytest.raises(ParamsError) as caught:
        scaffold.new("E06000017", NEWEST + 2, root=empty_project)
    said = str(caught.value)
    assert "--year 2027: the published files hold the years ending 31 March 2010 to 2025" in said
    assert "or 2026 (its figures not yet published)" in said
    assert not list((empty_project / "data/local").iterdir())


def test_check_does_not_block_the_year_not_yet_published(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["check", str(project / "params/kent-2026.yaml"), "--root", str(project)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Nothing blocks the build." in out
    line = next(x for x in out.splitlines() if "comparison_year 2026" in x)
    assert line.startswith("not yet published")


def test_check_blocks_a_year_two_past_the_newest(project: Path) -> None:
    params = project / "params/kent-2027.yaml"
    text = (project / "params/kent-2026.yaml").read_text(encoding="utf-8")
    params.write_text(text.replace("comparison_year: 2026", "comparison_year: 2027"))
    try:
        rows = inputs.check(params, project)
    finally:
        params.unlink()
    year = next(r for r in rows if r.name == "comparison_year 2027")
    assert year.blocks and "not later" in year.detail


# -- the helpers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctx(published: Published) -> sections.Context:
    return sections.load(ROOT / "data", KENT, NEWEST + 1, 5, published=published)


def test_published_year_and_latest_published(ctx: sections.Context) -> None:
    assert sections.published_year(ctx) == NEWEST
    shown = sections.latest_published(ctx)
    assert shown.year == NEWEST and shown.periods == ctx.periods
    this_year = sections.load(ROOT / "data", KENT, NEWEST, 5, published=ctx.published)
    assert sections.latest_published(this_year) is this_year
    assert "31 March 2026 have not yet been published" in sections.not_yet_published(ctx).plain


def test_headline_compares_in_the_latest_published_year_and_says_so(
    ctx: sections.Context,
) -> None:
    frame = ctx.published.comparison("cla_rate", KENT, list(ctx.periods))
    title = sections.headline(ctx, "cla_rate", frame)
    assert title.endswith("England's in 2025, the latest published year")
    only_2026 = ctx.published.comparison("cla_rate", KENT, [NEWEST + 1])
    assert sections.headline(ctx, "cla_rate", only_2026) == (
        "Children looked after at 31 March: Kent and its comparators"
    )
    # Care leavers' files stop at 2022: no comparison, rather than 2022 as "latest published".
    leavers = ctx.published.comparison("care_leavers_eet_pct", KENT, list(ctx.periods))
    assert "latest published" not in sections.headline(ctx, "care_leavers_eet_pct", leavers)


def test_direction_and_change_of_a_figure_not_yet_published() -> None:
    assert sections.direction(math.nan, 10.0) == ""
    last = pd.Series({"indicator": "cla_rate", "period": "2025", "value": 53.0, "status": ""})
    this = pd.Series(
        {
            "indicator": "cla_rate",
            "period": "2026",
            "value": math.nan,
            "status": "not yet published",
        }
    )
    moved = sections.change(this, last)
    assert moved["period"] == "2025 to 2026" and moved["status"] == "not yet published"
    assert math.isnan(float(str(moved["value"])))


def test_a_year_not_yet_published_is_one_short_footnote() -> None:
    records = [
        {"indicator": i, "area_name": a, "period": p, "shown": s, "status": st}
        for i in ("cin_rate", "cla_rate")
        for a, p, s, st in [
            ("Kent", "2025", "53", ""),
            ("Kent", "2026", "[x]", "not yet published"),
            ("England", "2026", "[x]", "not yet published"),
        ]
    ]
    (note,) = tables.symbol_notes(records, ["[x]"])
    assert note == (
        "[x] not available. The figures for Kent and England in 2026 have not yet been published."
    )
    # A year with another reason beside it keeps naming each measure.
    records.append(
        {"indicator": "cpp_rate", "area_name": "Kent", "period": "2026", "shown": "[x]",
         "status": "x"}
    )  # fmt: skip
    (note,) = tables.symbol_notes(records, ["[x]"])
    assert "children in need at 31 March, rate per 10,000 children" in note


def test_changes_frame_names_the_year_not_yet_published(published: Published) -> None:
    frame = changes.frame(published, KENT, NEWEST + 1, ["cla_rate"])
    row = frame.iloc[0]
    assert row["this_status"] == "not yet published" and row["beyond_england"] == ""
    assert (
        row["compared_with_england"] == "not compared: the figures for 2026 are not yet published"
    )
    kept = changes.frame(published, KENT, NEWEST, ["cla_rate"]).iloc[0]
    assert "not yet published" not in kept["compared_with_england"]
