"""Each statutory framework is declared once, as data, and the checklist comes from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguarding_report.errors import ParamsError
from safeguarding_report.report import appendix, framework

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_three_frameworks_are_declared() -> None:
    assert framework.available() == ["wt2010", "wt2018", "wt2023"]


@pytest.mark.parametrize("framework_id", framework.available())
def test_every_section_has_a_notebook_and_every_requirement_a_section(framework_id: str) -> None:
    fw = framework.load(framework_id)
    stems = {p.stem.split("_", 1)[1] for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    assert {s.key for s in fw.sections} <= stems
    for requirement in fw.requirements:
        assert set(requirement.sections) <= {s.key for s in fw.sections}


def test_wording_follows_the_framework() -> None:
    board, partnership, yearly = (framework.load(f) for f in ("wt2010", "wt2018", "wt2023"))
    assert board.report_name == "annual report" and "Board" in board.title("arrangements")
    assert partnership.report_name == "yearly report"
    assert "Board" not in " ".join(s.title for s in partnership.sections)
    assert {r.id for r in partnership.requirements} == {
        "publish",
        "impact",
        "little-progress",
        "review-actions",
        "feedback",
    }
    assert "scrutiny" in {r.id for r in yearly.requirements}


def test_unknown_framework_names_the_ones_that_exist() -> None:
    with pytest.raises(ParamsError, match=r"unknown framework 'wt2015'.*wt2010, wt2018, wt2023"):
        framework.load("wt2015")


def test_a_requirement_naming_an_unknown_section_is_refused() -> None:
    data = framework.load("wt2018").model_dump()
    data["requirements"][0]["sections"] = ["nowhere"]
    with pytest.raises(ValueError, match="names sections \\['nowhere'\\]"):
        framework.Framework.model_validate(data)


def test_checklist_flags_a_requirement_with_no_content() -> None:
    fw = framework.load("wt2018")
    numbers = {s.key: str(n) for n, s in enumerate(fw.sections, start=1)}
    statuses = {s.key: {"content": True} for s in fw.sections}
    statuses["voice"] = {"content": False}
    checked = appendix.check(fw, statuses, numbers)
    unmet = [c.requirement.id for c in checked if not c.met]
    assert unmet == ["feedback"]
    page = appendix.checklist_notebook(fw, checked).cells[0].source
    assert "Not met: no content yet" in page and "Voice of children and families" in page
    assert '<a href="#section-4">4. Our priorities and the progress made</a>' in page
    assert "(paraphrase)" in page, "unconfirmed wording is presented as a paraphrase"
