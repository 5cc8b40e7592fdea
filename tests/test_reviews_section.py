"""Learning from reviews: counts by kind and by theme, each case counted once by theme."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import kent_context
from safeguarding_report.report import tables
from safeguarding_report.report.sections import reviews

ROOT = Path(__file__).resolve().parents[1]


def test_the_themes_table_counts_each_case_once_with_the_stages_beside_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Kent 2021-22 records neglect in 7 rows: three cases notified and reviewed rapidly, and
    # one legacy serious case review. That is 4 cases. (The rule is moved out of the way to
    # see the counts; under 1 to 5 they are withheld.)
    monkeypatch.setenv(tables.SUPPRESS_ENV, "100-100")
    table = reviews.themes_table(kent_context(ROOT))
    assert isinstance(table, tables.Table)
    assert table.header == ["Theme", "Cases", "Notifications", "Rapid reviews", "Reviews"]
    assert table.rows[0] == ["Neglect", "4", "3", "3", "1"]
    assert "counts each case once" in " ".join(table.notes)
    # figures.csv records both: the cases and each stage.
    neglect = [r for r in table.records if str(r["breakdown"]).startswith("theme: neglect")]
    assert {(r["indicator"], r["breakdown"], r["value"]) for r in neglect} == {
        ("review_theme", "theme: neglect", 4.0),
        ("review_theme_stage", "theme: neglect; stage: notifications", 3.0),
        ("review_theme_stage", "theme: neglect; stage: rapid reviews", 3.0),
        ("review_theme_stage", "theme: neglect; stage: reviews", 1.0),
    }
    cases = next(r for r in neglect if r["indicator"] == "review_theme")
    assert cases["derivation"] == "count of 4 different reference over 7 rows"


def test_the_themes_table_withholds_small_counts_of_cases() -> None:
    table = reviews.themes_table(kent_context(ROOT))
    assert isinstance(table, tables.Table)
    assert table.rows[0][:2] == ["Neglect", "[c]"]
    assert "to protect the children concerned" in table.to_html()


def test_published_reviews_are_shown_whatever_their_number() -> None:
    table = reviews.counts_table(kent_context(ROOT))
    assert isinstance(table, tables.Table)
    legacy = next(r for r in table.rows if r[0] == "Serious case reviews (legacy)")
    assert legacy[3] == "3"  # published: public documents
