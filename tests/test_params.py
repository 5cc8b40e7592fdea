"""Parameters are validated before anything runs: unknown, missing and mistyped keys fail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from safeguarding_report import params
from safeguarding_report.errors import ParamsError


def _write(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def good() -> dict[str, object]:
    return yaml.safe_load((Path(__file__).parents[1] / "params/kent-2022.yaml").read_text())


def test_default_params_load_into_typed_frozen_object(kent_params: Path) -> None:
    p = params.load(kent_params)
    assert p.id == "kent-2022"
    assert p.local_authority == "E10000016"
    assert p.period_start == dt.date(2021, 10, 1)
    assert p.period_end == dt.date(2022, 9, 30)
    assert p.comparison_year == 2022
    assert p.period_label == "1 October 2021 to 30 September 2022"
    with pytest.raises(AttributeError):
        p.id = "other"  # type: ignore[misc]


def test_every_params_file_in_the_project_is_valid(root: Path) -> None:
    files = sorted((root / "params").glob("*.yaml"))
    assert files
    for path in files:
        assert params.load(path).id == path.stem


def test_misspelt_key_is_named_with_a_suggestion(tmp_path: Path, good: dict) -> None:
    good["comparision_year"] = good.pop("comparison_year")
    with pytest.raises(ParamsError, match=r"unknown key 'comparision_year'.*'comparison_year'"):
        params.load(_write(tmp_path, good))


def test_missing_key_is_named(tmp_path: Path, good: dict) -> None:
    del good["period_end"]
    with pytest.raises(ParamsError, match="missing key 'period_end'"):
        params.load(_write(tmp_path, good))


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("comparison_year", "2022", "whole number"),
        ("comparison_year", True, "whole number"),
        ("trend_years", 2.5, "whole number"),
        ("period_start", "1 October 2021", "YYYY-MM-DD"),
        ("partnership", "", "non-empty text"),
        ("partnership", 12, "non-empty text"),
    ],
)
def test_wrong_type_is_named(
    tmp_path: Path, good: dict, key: str, value: object, expected: str
) -> None:
    good[key] = value
    with pytest.raises(ParamsError, match=f"key '{key}' must be .*{expected}"):
        params.load(_write(tmp_path, good))


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("id", "Kent 2022", "lower-case words joined by hyphens"),
        ("local_authority", "Kent", "E-code"),
        ("period_end", dt.date(2021, 9, 30), "must come after"),
        ("trend_years", 0, "between 1 and 15"),
    ],
)
def test_bad_values_are_named(
    tmp_path: Path, good: dict, key: str, value: object, expected: str
) -> None:
    good[key] = value
    with pytest.raises(ParamsError, match=expected):
        params.load(_write(tmp_path, good))


def test_missing_file_and_bad_yaml_say_where(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match="not found"):
        params.load(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"broken.yaml: line \d+, column \d+"):
        params.load(broken)


def test_notebook_parameters_are_plain_literals(kent_params: Path, tmp_path: Path) -> None:
    values = params.load(kent_params).notebook_parameters(tmp_path)
    assert values == {
        "report_id": "kent-2022",
        "partnership": "Kent Safeguarding Children Multi-agency Partnership",
        "period_start": "2021-10-01",
        "period_end": "2022-09-30",
        "framework": "wt2018",
        "la_code": "E10000016",
        "comparison_year": 2022,
        "trend_years": 5,
        "data_dir": str(tmp_path),
    }
