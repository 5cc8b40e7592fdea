"""The reports shipped in params/: each loads, with its framework and its local records.

Kent's 2011-12 Board report also checks the published figures it relies on against the cells
of the DfE's statistical first release, and each new report builds in strict mode once, its
HTML axe-clean and its PDFs clean under ``pdfua check``.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import axe, describe, pdfua, pdfua_findings
from safeguarding_report.core import framework, params, registry
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import CSV_TEMPLATES

ROOT = Path(__file__).resolve().parents[1]
PARAMS_FILES = sorted((ROOT / "params").glob("*.yaml"))
KENT = "E10000016"


def test_every_report_is_tested() -> None:
    assert {p.stem for p in PARAMS_FILES} >= {"kent-2012", "kent-2022", "kent-2025", "kent-2026"}


@pytest.mark.parametrize("path", PARAMS_FILES, ids=lambda p: p.stem)
def test_params_file_loads_and_names_a_declared_framework(path: Path) -> None:
    p = params.load(path)
    assert p.id == path.stem
    assert p.framework in framework.available()
    assert framework.load(p.framework).id == p.framework


@pytest.mark.parametrize("path", PARAMS_FILES, ids=lambda p: p.stem)
def test_local_records_load_complete_and_say_they_are_illustrative(path: Path) -> None:
    p = params.load(path)
    # Complete for what its framework's sections read (registry.templates_of), as check says.
    used = registry.templates_of(s.key for s in framework.load(p.framework).sections)
    records = LocalRecords.load(ROOT / "data", p.id, used)
    assert records.folder.is_dir()
    assert records.about is not None
    # Every shipped report's records are examples, said so, and complete, cover report too.
    assert records.about.illustrative
    assert records.about.note
    assert records.missing == []
    assert all(records.rows(name) for name in used if name in CSV_TEMPLATES)


@pytest.mark.parametrize(
    ("path", "framework_id", "year", "start", "end"),
    [
        ("kent-2012", "wt2010", 2012, "2011-04-01", "2012-03-31"),
        ("kent-2025", "wt2023", 2025, "2024-04-01", "2025-03-31"),
        ("kent-2026", "wt2026", 2026, "2025-04-01", "2026-03-31"),
    ],
)
def test_report_covers_the_financial_year_under_its_framework(
    path: str, framework_id: str, year: int, start: str, end: str
) -> None:
    p = params.load(ROOT / "params" / f"{path}.yaml")
    assert (p.framework, p.comparison_year) == (framework_id, year)
    assert (p.period_start.isoformat(), p.period_end.isoformat()) == (start, end)
    assert p.publication_date > p.period_end


def _raw_cell(source_file: str, column: str, line: int) -> str:
    """The cell as the file holds it: ``line`` counts the header as line 1."""
    with (ROOT / source_file).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = [name.strip() for name in rows[0]]
    return rows[line - 1][header.index(column)]


@pytest.mark.parametrize(
    ("indicator", "published"),
    [
        ("cla_at_31_march", 1798),
        ("uasc_at_31_march", 187),
        ("cla_placed_by_other_las", 1163),
    ],
)
def test_kent_2012_uses_the_dfe_published_figures_at_31_march_2012(
    indicator: str, published: int
) -> None:
    row = Published(ROOT / "data").series(indicator, [KENT], [2012]).iloc[0]
    assert row["status"] == ""
    assert row["value"] == published
    assert "sfr_2010_2017/2012/" in row["source_file"]
    cell = _raw_cell(row["source_file"], row["source_column"], int(row["source_line"]))
    assert int(cell) == published


# -- one strict build of each report that ships beside the default -----------------------------


def _visible_text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.build
@pytest.mark.parametrize(
    ("report_id", "name", "expected"),
    [
        (
            "kent-2012",
            "Kent Safeguarding Children Board",
            ["1,798", "187", "1,163", "Independent Chair, Kent Safeguarding Children Board"],
        ),
        (
            "kent-2025",
            "Kent Safeguarding Children Multi-agency Partnership",
            ["Lead safeguarding partner", "Independent Scrutineer", "Education"],
        ),
        (
            "kent-2026",
            "Kent Safeguarding Children Multi-agency Partnership",
            [
                "This report follows Working Together to Safeguard Children 2026, which took "
                "the place of the guidance before it on 18 March 2026",
                "Education and childcare agencies in the arrangements",
                "Section 2 of the Children's Wellbeing and Schools Act 2026",
                "have not yet been published",
                "Reference: Children Act 2004, s.16E(1)(aa) and (2A)",
                "(wording checked against the text)",
                "Designated childcare or education agency",
                "Multi-agency child protection team",
            ],
        ),
    ],
)
def test_report_builds_strictly_in_its_framework_words(
    shipped_report: Callable[[str], Path], report_id: str, name: str, expected: list[str]
) -> None:
    p = params.load(ROOT / "params" / f"{report_id}.yaml")
    out = shipped_report(report_id)  # built strictly, HTML and PDF
    text = _visible_text((out / "report.html").read_text(encoding="utf-8"))
    assert name in text
    terms = framework.load(p.framework)
    for number, section in enumerate(terms.sections, start=1):
        assert f"{number}. {section.title}" in text, section.title
    assert terms.guidance in text
    for words in expected:
        assert words in text, words
    assert "Illustrative example" in text
    violations = axe(out / "report.html")
    assert violations == [], describe(violations)
    for pdf in ("report.pdf", "cover-report.pdf"):
        checked = pdfua(out / pdf)
        assert checked["summary"]["errors"] == checked["summary"]["warnings"] == 0, pdfua_findings(
            checked
        )
