"""Each statutory framework is one YAML file: the words, choices and checklist follow it."""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
from pathlib import Path

import pytest
import yaml

from safeguarding_report.core import framework, registry
from safeguarding_report.core.errors import ParamsError, ReportError
from safeguarding_report.core.indicators import INDICATORS
from safeguarding_report.data import Published
from safeguarding_report.local.catalogue import CSV_TEMPLATES, TEXT_TEMPLATES
from safeguarding_report.pipeline import runner
from safeguarding_report.pipeline.build import Project
from safeguarding_report.report import appendix
from safeguarding_report.workflows.scaffold import ANCHOR_INDICATOR

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def test_four_frameworks_are_declared() -> None:
    assert framework.available() == ["wt2010", "wt2018", "wt2023", "wt2026"]


@pytest.mark.parametrize(
    ("last_day", "framework_id"),
    [("2025-03-31", "wt2023"), ("2026-03-17", "wt2023"), ("2026-03-18", "wt2026")],
)
def test_a_period_ending_after_working_together_2026_came_into_force_follows_it(
    last_day: str, framework_id: str
) -> None:
    assert framework.in_force_on(dt.date.fromisoformat(last_day)).id == framework_id


@pytest.mark.parametrize("framework_id", framework.available())
def test_every_section_has_a_notebook_and_every_requirement_a_section(framework_id: str) -> None:
    fw = framework.load(framework_id)
    stems = {p.stem.split("_", 1)[1] for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    assert {s.key for s in fw.sections} <= stems
    assert {s.key for s in fw.sections} <= set(registry.BY_KEY), "every section is registered"
    for requirement in fw.requirements:
        assert set(requirement.sections) <= {s.key for s in fw.sections}
    assert set(fw.statutory.elements) <= {r.id for r in fw.requirements}
    assert fw.statutory.basis and fw.statutory.recipients


# What `new` chose by hand before the frameworks said when they came into force.
BY_YEAR = {year: "wt2010" for year in range(2010, 2020)}
BY_YEAR |= {year: "wt2018" for year in range(2020, 2025)}
BY_YEAR |= {2025: "wt2023"}


def test_the_framework_in_force_is_chosen_by_date_for_every_year_the_data_holds() -> None:
    held = Published(ROOT / "data").periods(ANCHOR_INDICATOR)
    assert set(held) == set(BY_YEAR), "every year the published files hold is checked"
    chosen = {year: framework.in_force_on(dt.date(year, 3, 31)).id for year in held}
    assert chosen == BY_YEAR


def test_a_framework_comes_into_force_on_its_day_and_not_before() -> None:
    partnership = framework.load("wt2018")
    day = partnership.in_force
    assert framework.in_force_on(day).id == "wt2018"
    assert framework.in_force_on(day - dt.timedelta(days=1)).id == "wt2010"
    with pytest.raises(ParamsError, match="no framework was in force on 2001-03-31"):
        framework.in_force_on(dt.date(2001, 3, 31))


def test_the_body_is_named_as_the_framework_says() -> None:
    board, partnership = framework.load("wt2010"), framework.load("wt2018")
    assert (board.body_in_text, board.name_suffix) == ("the Board", "Safeguarding Children Board")
    assert (partnership.body_in_text, partnership.name_suffix) == (
        "the partnership",
        "Safeguarding Children Partnership",
    )
    assert not board.rapid_reviews and partnership.rapid_reviews


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


def test_the_cover_reports_elements_must_be_requirements_of_the_framework() -> None:
    data = framework.load("wt2018").model_dump()
    data["statutory"]["elements"] = ["impact", "nothing-of-the-kind"]
    with pytest.raises(ValueError, match=r"statutory\.elements names requirements"):
        framework.Framework.model_validate(data)


def _project_framework(data: Path, framework_id: str, **changes: object) -> Path:
    """A copy of Working Together 2018 declared in the project's data/frameworks/."""
    declared = yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2018.yaml").read_text())
    declared.update(id=framework_id, **changes)
    path = data / framework.PROJECT_FOLDER / f"{framework_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(declared, sort_keys=False), encoding="utf-8")
    return path


def test_a_project_declares_frameworks_beside_the_packages(tmp_path: Path) -> None:
    _project_framework(tmp_path, "ours", guidance="Our own guidance")
    assert framework.available(tmp_path) == ["ours", "wt2010", "wt2018", "wt2023", "wt2026"]
    assert framework.load("ours", tmp_path).guidance == "Our own guidance"
    assert "ours" not in framework.available(), "other projects see none"
    with pytest.raises(ParamsError, match="unknown framework 'ours'"):
        framework.load("ours")


def test_a_project_framework_replaces_a_package_one_of_the_same_id(tmp_path: Path) -> None:
    _project_framework(tmp_path, "wt2018", report_name="annual account")
    assert framework.load("wt2018", tmp_path).report_name == "annual account"
    assert framework.load("wt2018").report_name == "yearly report"


def test_a_project_framework_in_force_later_is_chosen_for_later_years(tmp_path: Path) -> None:
    _project_framework(tmp_path, "ours", in_force=dt.date(2025, 1, 1))
    assert framework.in_force_on(dt.date(2025, 3, 31), tmp_path).id == "ours"
    assert framework.in_force_on(dt.date(2024, 3, 31), tmp_path).id == "wt2018"


def test_a_project_framework_is_read_afresh_each_time(tmp_path: Path) -> None:
    path = _project_framework(tmp_path, "ours", guidance="First")
    assert framework.load("ours", tmp_path).guidance == "First"
    path.write_text(path.read_text().replace("guidance: First", "guidance: Second"))
    assert framework.load("ours", tmp_path).guidance == "Second"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "theirs"}, "declares the framework 'theirs', but a framework's file is named"),
        ({"in_force": "soon"}, "the framework declaration is invalid: .*in_force"),
        ({"body_in_text": None}, "the framework declaration is invalid: .*body_in_text"),
    ],
)
def test_a_damaged_project_framework_is_named(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = _project_framework(tmp_path, "ours")
    declared = yaml.safe_load(path.read_text())
    declared.update(change)
    path.write_text(yaml.safe_dump(declared), encoding="utf-8")
    with pytest.raises(ParamsError, match=message) as caught:
        framework.load("ours", tmp_path)
    assert str(path) in str(caught.value)


def test_every_word_a_framework_uses_is_in_its_file() -> None:
    """Nothing falls back on wording kept in the code: a file missing a phrase is refused."""
    data = yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2018.yaml").read_text())
    del data["words"]["scrutiny_response"]
    with pytest.raises(ValueError, match="scrutiny_response"):
        framework.Framework.model_validate(data)


def test_the_shipped_frameworks_copy_into_a_project_unchanged(tmp_path: Path) -> None:
    for path in framework.FRAMEWORKS_DIR.glob("*.yaml"):
        (tmp_path / framework.PROJECT_FOLDER).mkdir(exist_ok=True)
        shutil.copy(path, tmp_path / framework.PROJECT_FOLDER)
        assert framework.load(path.stem, tmp_path) == framework.load(path.stem)


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


# -- the registry of sections: what each section a framework lists is ----------------------------


@pytest.mark.parametrize("section", registry.SECTIONS, ids=lambda s: s.key)
def test_each_registered_section_has_its_notebook_module_records_and_indicators(
    section: registry.Section,
) -> None:
    notebook = NOTEBOOKS / section.notebook
    assert notebook.stem.split("_", 1)[1] == section.key
    assert f"import {section.key} as section" in notebook.read_text(encoding="utf-8")
    importlib.import_module(section.module)
    assert set(section.templates) <= set(CSV_TEMPLATES) | set(TEXT_TEMPLATES)
    assert set(section.headlines) <= set(INDICATORS)


def test_the_registry_lists_every_notebook_and_every_section_is_preloaded() -> None:
    assert sorted(s.notebook for s in registry.SECTIONS) == sorted(
        p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
    )
    assert set(registry.modules()) <= set(runner.PRELOAD), "every section's module is preloaded"
    with pytest.raises(KeyError, match="no section 'nowhere': the sections are foreword, "):
        registry.get("nowhere")


def test_a_framework_listing_a_section_the_kit_does_not_have_is_refused(tmp_path: Path) -> None:
    fw = framework.load("wt2018").model_copy(
        update={"sections": (*framework.load("wt2018").sections,
                             framework.SectionSpec(key="nowhere", title="Nowhere"))}
    )  # fmt: skip
    with pytest.raises(ReportError, match="lists section\\(s\\) nowhere that the kit does not"):
        Project(tmp_path).sections(fw)


# -- what a framework adds to the appendices: references, checked wording, its own terms -------


def test_the_checklist_gives_each_requirements_reference_and_whether_it_was_checked() -> None:
    fw = framework.load("wt2023")
    checked_one = fw.requirements[0].model_copy(
        update={"confirmed": True, "reference": "Children Act 2004, s.16G"}
    )
    fw = fw.model_copy(update={"requirements": (checked_one, *fw.requirements[1:])})
    numbers = {s.key: str(n) for n, s in enumerate(fw.sections, start=1)}
    statuses = {s.key: {"content": True} for s in fw.sections}
    page = appendix.checklist_notebook(fw, appendix.check(fw, statuses, numbers)).cells[0].source
    first, *rest = page.split("<tr><td>")[1:]
    assert "(wording checked against the text)" in first and "(paraphrase)" not in first
    assert '<span class="reference">Reference: Children Act 2004, s.16G</span>' in first
    assert all("(paraphrase)" in row and "Reference:" not in row for row in rest)


def test_the_glossary_adds_the_terms_a_framework_brings_in_order() -> None:
    fw = framework.load("wt2023")
    plain = appendix.glossary_notebook(fw).cells[0].source
    assert "Family help" not in plain
    fw = fw.model_copy(update={"glossary": {"Family help": "Help for <families>."}})
    page = appendix.glossary_notebook(fw).cells[0].source
    assert "<dt>Family help</dt><dd>Help for &lt;families&gt;.</dd>" in page
    terms = [t.split("</dt>")[0] for t in page.split("<dt>")[1:]]
    assert terms == sorted(terms, key=str.lower)


# -- a framework is checked whole by every reader, within the limits of a YAML document --------


def test_a_project_framework_listing_a_section_the_kit_does_not_have_is_refused_when_read(
    tmp_path: Path,
) -> None:
    """What the build refuses, ``check`` and ``new`` refuse too: they read it the same way."""
    sections = [*yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2018.yaml").read_text())["sections"]]
    path = _project_framework(
        tmp_path, "ours", sections=[*sections, {"key": "safety_net", "title": "Safety net"}]
    )
    for read in (
        lambda: framework.load("ours", tmp_path),
        lambda: framework.in_force_on(dt.date(2024, 3, 31), tmp_path),
    ):
        with pytest.raises(ParamsError) as caught:
            read()
        assert str(caught.value).startswith(f"{path}: the framework declaration is invalid: ")
        assert "sections lists safety_net, which the kit has no section for: its sections are " \
            "foreword, local_context," in str(caught.value)  # fmt: skip


def test_a_framework_file_of_aliases_is_refused_by_its_size(tmp_path: Path) -> None:
    path = _project_framework(tmp_path, "ours")
    bomb = ["glossary:", '  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 8)}]" for i in range(1, 9)]
    path.write_text(path.read_text() + "\n".join(bomb) + "\n", encoding="utf-8")
    with pytest.raises(
        ParamsError, match=r"key 'glossary, a\d': the value holds [\d,]+ values once"
    ):
        framework.load("ours", tmp_path)


def test_a_project_framework_with_a_kits_id_is_said_to_replace_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _project_framework(tmp_path, "ours")
    assert framework.shadowed("ours", tmp_path) == ""
    assert framework.shadowed("wt2018", tmp_path) == "", "no project file: nothing replaced"
    path = _project_framework(tmp_path, "wt2018")
    said = framework.shadowed("wt2018", tmp_path)
    assert said.startswith(f"{path} declares the framework wt2018, which the kit declares too")
    assert "this project's reports follow the project's file, not the kit's" in said
    with caplog.at_level("WARNING"):
        framework.say_if_shadowed("wt2018", tmp_path)
    assert said in caplog.text
