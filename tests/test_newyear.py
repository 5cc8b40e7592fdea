"""new-year: next year's params and local folder, and what check then says of them."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from safeguarding_report import cli
from safeguarding_report.core import params
from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.local import LocalRecords, refuse_drafts
from safeguarding_report.workflows import inputs, newyear

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(kent_folder: Path) -> Path:
    return kent_folder


def run(project: Path, *argv: str) -> int:
    return cli.main([*argv[:2], *argv[2:], "--root", str(project)])


def test_new_year_moves_the_period_on_and_carries_the_partnership_over(project: Path) -> None:
    assert run(project, "new-year", str(project / "params/kent-2022.yaml")) == 0
    new = params.load(project / "params/kent-2023.yaml")
    assert new.id == "kent-2023"
    assert new.comparison_year == 2023
    assert (str(new.period_start), str(new.period_end)) == ("2022-10-01", "2023-09-30")
    assert str(new.publication_date) == "2023-12-15"
    assert (new.partnership, new.local_authority, new.framework, new.trend_years) == (
        "Kent Safeguarding Children Multi-agency Partnership", "E10000016", "wt2018", 5,
    )  # fmt: skip


def test_narratives_are_carried_over_as_drafts_and_still_load(project: Path) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    records = LocalRecords.load(project / "data", "kent-2023")
    foreword = records.text("foreword")
    assert foreword is not None and foreword.draft
    assert "rebuilding after the pandemic" in foreword.markdown  # last year's words, to update
    assert "key_messages" in records.missing and "reviews" in records.missing


def test_new_year_prints_what_to_supply_and_check_names_exactly_those(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    said = capsys.readouterr().out
    listed = {line.strip() for line in said.splitlines() if line.startswith("  ")}
    rows = inputs.check(project / "params/kent-2023.yaml", project)
    named = {r.name for r in rows if r.state in (inputs.TO_SUPPLY, inputs.TO_UPDATE)}
    carried = {r.name for r in rows if r.state == inputs.CARRIED}
    assert named == listed - carried - {"data/local/kent-2023/about.yaml"}
    assert "data/local/kent-2023/foreword.md" in named
    assert "data/local/kent-2023/key_messages.csv" in named
    assert not any(r.blocks for r in rows)


def test_check_strict_fails_until_the_drafts_are_updated(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    new = str(project / "params/kent-2023.yaml")
    assert run(project, "check", new) == 0
    assert run(project, "check", new, "--strict") == 1
    out = capsys.readouterr().out
    assert "15 to supply, 8 to update" in out  # priority_measures.csv among them


def test_a_strict_build_refuses_draft_narratives(project: Path) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    with pytest.raises(ReportError, match=r"8 narrative\(s\) are drafts.*foreword\.md"):
        refuse_drafts(project / "data", "kent-2023", Path("params/kent-2023.yaml"))


def test_new_year_never_overwrites(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    assert run(project, "new-year", str(project / "params/kent-2022.yaml")) == 1
    assert "kent-2023.yaml: already exists" in capsys.readouterr().err


def test_new_year_in_a_workbook_and_check_agree_on_what_is_carried_and_to_supply(
    project: Path,
) -> None:
    done = newyear.new_year(project / "params/kent-2022.yaml", project, workbook=True)
    book = "data/local/kent-2023/records.xlsx, sheet "
    rows = inputs.check(project / "params/kent-2023.yaml", project)
    states = {r.name: r.state for r in rows if r.name.startswith(book)}
    assert states[f"{book}'partners'"] == inputs.CARRIED
    assert states[f"{book}'reviews'"] == inputs.TO_SUPPLY  # an empty sheet: still to supply
    assert {n for n, s in states.items() if s == inputs.CARRIED} == {
        c for c in done.carried if c.startswith(book)
    }
    assert {n for n, s in states.items() if s == inputs.TO_SUPPLY} == {
        c for c in done.to_supply if c.startswith(book)
    }


def test_new_year_refuses_a_narrative_in_markdown_and_in_word_writing_nothing(
    project: Path,
) -> None:
    folder = project / "data/local/kent-2022"
    (folder / "foreword.docx").write_bytes(b"")  # its name is enough: there are two
    with pytest.raises(DataError) as caught:
        newyear.new_year(project / "params/kent-2022.yaml", project)
    with pytest.raises(DataError) as loading:
        LocalRecords.load(project / "data", "kent-2022")
    assert str(caught.value) == str(loading.value)
    assert "foreword is written twice, in foreword.md and in foreword.docx" in str(caught.value)
    assert not (project / "params/kent-2023.yaml").exists()
    assert not (project / "data/local/kent-2023").exists()


# -- new-year writes whole or not at all ------------------------------------------------------


WORD_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPE = b"application/vnd.ms-word.document.macroEnabled.main+xml"


def _macro_enabled(path: Path) -> None:
    """A Word file saved macro-enabled (.docm), then renamed .docx: its content type says so."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "draft", "false"
    document.add_paragraph("The scrutineer's statement.")
    plain = io.BytesIO()
    document.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as renamed:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                assert WORD_TYPE in data
                data = data.replace(WORD_TYPE, MACRO_TYPE)
            renamed.writestr(item, data)


def test_a_word_file_new_year_cannot_carry_over_stops_it_by_name_leaving_nothing(
    project: Path,
) -> None:
    folder = project / "data/local/kent-2022"
    (folder / "scrutiny.md").unlink()
    _macro_enabled(folder / "scrutiny.docx")
    with pytest.raises(DataError) as caught:
        newyear.new_year(project / "params/kent-2022.yaml", project)
    assert str(caught.value).startswith("data/local/kent-2022/scrutiny.docx: the file holds macros")
    assert sorted(p.name for p in (project / "data/local").iterdir()) == ["kent-2022"]
    assert not (project / "params/kent-2023.yaml").exists()
    # Saved again as a plain Word document: new-year runs, with nothing in its way.
    docx.Document().save(str(folder / "scrutiny.docx"))
    done = newyear.new_year(project / "params/kent-2022.yaml", project)
    assert "data/local/kent-2023/scrutiny.docx" in done.to_update
    assert sorted(p.name for p in (project / "data/local").iterdir()) == ["kent-2022", "kent-2023"]


def test_a_new_year_killed_half_way_leaves_nothing_that_stops_the_next(project: Path) -> None:
    """kill -9 while the narratives are carried over: no kent-2023 folder or params file, only a
    staging folder, which the next new-year removes (its owner gone) before writing its own."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from safeguarding_report.workflows import newyear\n"
        "newyear.as_draft = lambda *args: os.kill(os.getpid(), signal.SIGKILL)\n"
        "root = Path(sys.argv[1])\n"
        "newyear.new_year(root / 'params/kent-2022.yaml', root)\n"
    )
    ended = subprocess.run([sys.executable, "-c", code, str(project)], check=False)
    assert ended.returncode == -signal.SIGKILL
    left = sorted(p.name for p in (project / "data/local").iterdir())
    assert left[0].startswith(".kent-2023.new-year-") and left[1:] == ["kent-2022"]
    assert (project / "data/local" / left[0] / "about.yaml").is_file(), "killed half way"
    assert not (project / "params/kent-2023.yaml").exists()
    assert run(project, "new-year", str(project / "params/kent-2022.yaml")) == 0
    assert sorted(p.name for p in (project / "data/local").iterdir()) == ["kent-2022", "kent-2023"]
    assert LocalRecords.load(project / "data", "kent-2023").drafts()


def test_a_narrative_carried_over_is_checked_for_disclosure_again() -> None:
    """Last year's check was of last year's words: the carried-over draft says it is unchecked."""
    text = "---\ntitle: Foreword\ndisclosure_checked: true\n---\n\nThree children ...\n"
    carried = newyear.as_draft(text, "kent-2022")
    assert "disclosure_checked: false" in carried and "disclosure_checked: true" not in carried
    assert carried.startswith("---\ndraft: true") and carried.endswith("Three children ...\n")
