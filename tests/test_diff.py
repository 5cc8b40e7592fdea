"""diff: the figures that differ between two built reports, exactly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from safeguarding_report import cli
from safeguarding_report.core.provenance import FIGURE_COLUMNS


def figure(indicator: str, value: str, shown: str, period: str = "2022") -> dict[str, str]:
    row = dict.fromkeys(FIGURE_COLUMNS, "")
    row.update(section="foreword", indicator=indicator, area_code="E10000016",
               area_name="Kent", period=period, value=value, shown=shown)  # fmt: skip
    return row


def build(folder: Path, rows: list[dict[str, str]]) -> Path:
    folder.mkdir()
    with (folder / "figures.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIGURE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return folder


def diff(a: Path, b: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = cli.main(["diff", str(a), str(b)])
    return code, capsys.readouterr().out.splitlines()


def test_identical_builds_have_no_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [figure("cla_rate", "53", "53"), figure("cin_rate", "354.8", "354.8")]
    code, out = diff(build(tmp_path / "a", rows), build(tmp_path / "b", rows), capsys)
    assert code == 0
    assert out[-1].startswith("0 figure(s) differ")


def test_exactly_the_changed_added_and_removed_figures_are_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = figure("cin_rate", "354.8", "354.8")
    a = build(tmp_path / "a", [same, figure("cla_rate", "53", "53"), figure("icpc", "1", "1")])
    b = build(tmp_path / "b", [same, figure("cla_rate", "54", "54"), figure("s47", "9", "9")])
    code, out = diff(a, b, capsys)
    assert code == 1
    assert out == [
        "changed  foreword / cla_rate / Kent / 2022: 53 -> 54",
        "added    foreword / s47 / Kent / 2022: 9",
        "removed  foreword / icpc / Kent / 2022: 1",
        f"3 figure(s) differ between {a} and {b}.",
    ]


def test_a_change_hidden_by_rounding_shows_the_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = build(tmp_path / "a", [figure("cin_rate", "354.81", "354.8")])
    b = build(tmp_path / "b", [figure("cin_rate", "354.84", "354.8")])
    _, out = diff(a, b, capsys)
    assert out[0] == (
        "changed  foreword / cin_rate / Kent / 2022: 354.8 (value 354.81) -> 354.8 (value 354.84)"
    )


def test_a_folder_without_figures_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    code = cli.main(["diff", str(tmp_path / "empty"), str(tmp_path / "empty")])
    assert code == 1
    assert "empty/figures.csv: no figures.csv" in capsys.readouterr().err
