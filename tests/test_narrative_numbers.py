"""Numbers in the narratives: read in digits and words, held to the figures and the rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from safeguarding_report import cli
from safeguarding_report.core import params
from safeguarding_report.local import LocalRecords
from safeguarding_report.report import narratives, tables
from safeguarding_report.workflows import inputs
from test_word_narratives import SIGNED, contribution

KENT = "kent-2022"


def _findings(project: Path) -> list[narratives.Finding]:
    p = params.load(project / f"params/{KENT}.yaml")
    records = LocalRecords.load(project / "data", KENT)
    rule = tables.Suppression(p.suppress_from, p.suppress_to)
    found = narratives.read(records, start=p.period_start, end=p.period_end, rule=rule)
    return found + narratives.roles(records)


def _add(project: Path, file: str, line: str) -> int:
    """Append ``line`` to a narrative; the line number it lands on."""
    path = project / "data/local" / KENT / file
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + line + "\n"
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def _run(project: Path, *argv: str) -> int:
    return cli.main([*argv, "--params", str(project / f"params/{KENT}.yaml"), "--root",
                     str(project)])  # fmt: skip


def test_the_shipped_kent_narratives_agree_with_their_figures() -> None:
    for report in ("kent-2012", "kent-2022", "kent-2025", "kent-2026"):
        p = params.load(ROOT / f"params/{report}.yaml")
        records = LocalRecords.load(ROOT / "data", report)
        rule = tables.Suppression(p.suppress_from, p.suppress_to)
        found = narratives.read(records, start=p.period_start, end=p.period_end, rule=rule)
        assert [f.text() for f in [*found, *narratives.roles(records)]] == [], report


@pytest.mark.parametrize(
    "said",
    [
        "Three children died this year.",
        "3 children were seriously harmed.",
        "We reviewed the deaths of two young people.",
        "A couple of children were harmed at home.",
    ],
)
def test_a_small_count_of_children_no_figure_gives_is_refused_by_strict(
    kent_folder: Path, capsys: pytest.CaptureFixture[str], said: str
) -> None:
    line = _add(kent_folder, "foreword.md", said)
    [finding] = _findings(kent_folder)
    assert finding.level == "warning" and finding.strict
    assert finding.place == f"line {line}"
    assert _run(kent_folder, "check") == 0
    capsys.readouterr()
    assert _run(kent_folder, "check", "--strict") == 1
    assert f"data/local/{KENT}/foreword.md, line {line}" in capsys.readouterr().out
    if not said.startswith("Three"):
        return  # the build reads narratives as check does: shown once, below
    shutil.copytree(ROOT / "notebooks", kent_folder / "notebooks")
    assert _run(kent_folder, "build", "--strict", "--no-pdf", "--quiet") == 1
    error = capsys.readouterr().err
    assert f"data/local/{KENT}/foreword.md, line {line}: '{said.split(' ')[0]}" in error or (
        f"foreword.md, line {line}" in error
    )
    assert not (kent_folder / "outputs" / KENT).exists()


def test_a_count_checked_for_disclosure_passes_strict(kent_folder: Path) -> None:
    _add(kent_folder, "foreword.md", "Three children died this year.")
    path = kent_folder / "data/local" / KENT / "foreword.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("draft: false", "draft: false\n"
                                                 "disclosure_checked: true", 1),
        encoding="utf-8",
    )  # fmt: skip
    assert _findings(kent_folder) == []
    assert _run(kent_folder, "check", "--strict") == 0


def test_a_number_stating_a_withheld_figure_stops_check_and_build_without_strict(
    kent_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kent 2021-22 records two local reviews under way: a count the report withholds.
    line = _add(
        kent_folder, "foreword.md", "We began two local child safeguarding practice reviews."
    )
    [finding] = _findings(kent_folder)
    assert finding.level == "error"
    assert finding.words == "two local child safeguarding practice reviews"
    assert "which the report withholds" in finding.said
    assert "to protect the children concerned" in finding.said
    rows = inputs.check(kent_folder / f"params/{KENT}.yaml", kent_folder)
    row = next(r for r in rows if r.state == inputs.DISCLOSES)
    assert row.blocks and row.name == f"data/local/{KENT}/foreword.md, line {line}"
    shutil.copytree(ROOT / "notebooks", kent_folder / "notebooks")
    capsys.readouterr()
    assert _run(kent_folder, "build", "--no-pdf", "--quiet") == 1
    assert f"foreword.md, line {line}" in capsys.readouterr().err


def test_a_number_in_a_word_narrative_is_read_by_paragraph(kent_folder: Path) -> None:
    folder = kent_folder / "data/local" / KENT
    (folder / "foreword.md").unlink()
    contribution(folder / "foreword.docx", SIGNED, "This is our report.", "Five children died.")
    [finding] = [f for f in _findings(kent_folder) if f.level == "warning" and f.strict]
    assert finding.source == f"data/local/{KENT}/foreword.docx"
    assert finding.place == "paragraph 2" and finding.words == "Five children"
    assert _run(kent_folder, "check", "--strict") == 1


def test_a_number_that_disagrees_with_the_records_names_both(kent_folder: Path) -> None:
    _add(kent_folder, "foreword.md", "We published two local child safeguarding practice reviews.")
    [finding] = _findings(kent_folder)
    assert finding.level == "warning" and not finding.strict
    assert finding.said.startswith("says 2 local child safeguarding practice reviews where the "
                                   "records give Reviews published: 3")  # fmt: skip
    assert _run(kent_folder, "check", "--strict") == 0


def test_the_cover_report_and_key_messages_are_read_too(kent_folder: Path) -> None:
    folder = kent_folder / "data/local" / KENT
    cover = folder / "cover_report.yaml"
    cover.write_text(
        cover.read_text(encoding="utf-8").replace(
            "  - Ran a multi-agency campaign", "  - Reviewed what happened to four children.\n"
            "  - Ran a multi-agency campaign"), encoding="utf-8")  # fmt: skip
    messages = folder / "key_messages.csv"
    messages.write_text(
        messages.read_text(encoding="utf-8") + '6,"We held two rapid reviews."\n', encoding="utf-8"
    )
    found = {(f.source.rsplit("/", 1)[1], f.words) for f in _findings(kent_folder)}
    assert found == {
        ("cover_report.yaml", "four children"),
        ("key_messages.csv", "two rapid reviews"),
    }


@pytest.mark.parametrize(
    "said",
    [
        "Section 11 standards were tested in 2022 with schools.",
        "In 2022 children told us what mattered.",
        "One of the reviews was shared in seven-minute briefings.",
        "More than 5,000 attendances were recorded.",
        "Every partner and 3 of our agencies took part.",
    ],
)
def test_numbers_that_count_nothing_the_report_counts_are_left_alone(
    kent_folder: Path, said: str
) -> None:
    _add(kent_folder, "foreword.md", said)
    assert _findings(kent_folder) == []


def test_one_name_with_two_roles_is_a_warning(kent_folder: Path) -> None:
    path = kent_folder / "data/local" / KENT / "foreword.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Sam Patel", "Jo Clarke", 1),
                    encoding="utf-8")  # fmt: skip
    [finding] = _findings(kent_folder)
    assert finding.words == "Jo Clarke" and "one name holds two roles" in finding.said
    assert "Partnership Business Manager" in finding.said
