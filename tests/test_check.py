"""check: one table of every input; a non-zero exit when something blocks a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguarding_report import cli
from safeguarding_report.core.errors import DataError
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import CSV_TEMPLATES, WORKBOOK_FILE
from safeguarding_report.local.workbook import write_workbook
from safeguarding_report.workflows import inputs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(kent_folder: Path) -> Path:
    return kent_folder


def check(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = cli.main(
        ["check", str(project / "params/kent-2022.yaml"), "--root", str(project), *extra]
    )
    return code, capsys.readouterr().out


def test_the_default_report_has_nothing_missing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(project, capsys, "--strict")
    assert code == 0
    assert "Nothing blocks the build. 0 to supply, 0 to update" in out
    assert out.splitlines()[0].split() == ["state", "years", "input", "detail"]


def test_each_indicator_says_which_release_it_is_read_from(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = check(project, capsys)
    line = next(x for x in out.splitlines() if "indicator cla_at_31_march" in x)
    assert "2010 to 2025" in line
    assert "2022 read from the 2025 release" in line
    assert "cla_number_and_rate_per_10k_children.csv" in line


def test_a_year_not_yet_published_is_named(project: Path) -> None:
    text = (
        (project / "params/kent-2022.yaml")
        .read_text()
        .replace("comparison_year: 2022", "comparison_year: 2025")
    )
    (project / "params/kent-2022.yaml").write_text(text)
    rows = inputs.check(project / "params/kent-2022.yaml", project)
    later = {r.name for r in rows if r.state == inputs.NOT_YET}
    assert "indicator population_0_17" in later, "the ONS mid-2025 estimate is not out yet"
    assert "indicator cin_at_31_march" not in later
    # Care leavers for 2025 are published by the DfE, but no file here holds them.
    assert "indicator care_leavers_eet_pct" not in later


def test_a_bad_local_row_blocks_and_names_file_line_and_column(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lado = project / "data/local/kent-2022/lado.csv"
    lines = lado.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("count")] = "many"
    lado.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    code, out = check(project, capsys)
    assert code == 1
    line = next(x for x in out.splitlines() if "lado.csv" in x)
    assert line.startswith("invalid") and "line 2" in line and "count" in line
    assert "1 input(s) block the build" in out


def test_a_missing_local_file_is_to_supply(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "data/local/kent-2022/voice.csv").unlink()
    code, out = check(project, capsys)
    assert code == 0
    assert any(x.startswith("to supply") and "voice.csv" in x for x in out.splitlines())
    assert check(project, capsys, "--strict")[0] == 1


def test_an_empty_template_is_still_to_supply(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    voice = project / "data/local/kent-2022/voice.csv"
    voice.write_text(voice.read_text().splitlines()[0] + "\n")  # the header alone
    code, out = check(project, capsys)
    assert code == 0
    line = next(x for x in out.splitlines() if "voice.csv" in x)
    assert line.startswith("to supply") and "no records yet: fill in its template" in line
    assert check(project, capsys, "--strict")[0] == 1


def test_records_in_the_workbook_and_in_csv_files_block_as_the_build_does(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = LocalRecords.load(project / "data", "kent-2022")
    both = ["partners", "lado"]
    held = {name: [r.data for r in records.rows(name)] for name in both}
    folder = project / "data/local/kent-2022"
    write_workbook(folder / WORKBOOK_FILE, [CSV_TEMPLATES[n] for n in both], held)
    rows = {r.name: r for r in inputs.check(project / "params/kent-2022.yaml", project)}
    book = rows["data/local/kent-2022/records.xlsx"]
    with pytest.raises(DataError) as caught:
        LocalRecords.load(project / "data", "kent-2022")
    assert (book.state, book.detail) == (inputs.INVALID, str(caught.value))
    for name in both:
        assert f"sheet '{name}' and data/local/kent-2022/{name}.csv" in book.detail
        assert rows[f"data/local/kent-2022/records.xlsx, sheet '{name}'"].blocks
    code, out = check(project, capsys)
    assert code == 1 and "3 input(s) block the build" in out


def test_invalid_params_are_one_line_and_status_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "params/kent-2022.yaml"
    path.write_text(path.read_text().replace("trend_years: 5", "trend_yeers: 5"))
    code = cli.main(["check", str(path), "--root", str(project)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ") and "unknown key 'trend_yeers'" in err


def test_a_period_of_ten_years_is_a_warning_that_strict_refuses(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "params/kent-2022.yaml"
    path.write_text(
        path.read_text().replace("period_start: 2021-10-01", "period_start: 2012-10-01")
    )
    code, out = check(project, capsys)
    row = next(line for line in out.splitlines() if line.startswith("warning"))
    assert "2012 to 2022" in row and "period_start, period_end" in row
    assert "1 October 2012 to 30 September 2022, is 10 years long. Expected 11 to 13 months" in row
    assert code == 0 and "Nothing blocks the build." in out and "1 warning(s)" in out
    code, out = check(project, capsys, "--strict")
    assert code == 1


@pytest.mark.parametrize("twice", ['"856"', "856"])
def test_one_authority_given_twice_by_any_of_its_codes_blocks_by_name(
    project: Path, capsys: pytest.CaptureFixture[str], twice: str
) -> None:
    """Leicester is E06000016 and, in the DfE's old codes, 856: named by both, it is one."""
    path = project / "params/kent-2022.yaml"
    path.write_text(
        path.read_text().replace(
            "local_authority: E10000016", f'local_authority: ["E06000016", "E10000018", {twice}]'
        )
    )
    code, out = check(project, capsys)
    row = next(line for line in out.splitlines() if line.startswith("invalid"))
    assert f"{path}, key 'local_authority': names Leicester as E06000016 and as 856" in row
    assert code == 1 and "1 input(s) block the build" in out
