"""Parameters are validated before anything runs: unknown, missing and mistyped keys fail."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from safeguarding_report.core import limits, params, shorten
from safeguarding_report.core.errors import ParamsError


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


def test_publication_before_the_period_ends_names_both_keys_their_lines_and_the_file(
    tmp_path: Path, kent_params: Path
) -> None:
    path = tmp_path / "kent-2022.yaml"
    text = kent_params.read_text(encoding="utf-8")
    path.write_text(text.replace("2022-12-15", "2022-06-01"), encoding="utf-8")
    lines = {
        key: n
        for n, line in enumerate(text.splitlines(), 1)
        for key in ("period_end", "publication_date")
        if line.startswith(key + ":")
    }
    with pytest.raises(ParamsError) as raised:
        params.load(path)
    message = str(raised.value)
    assert message.startswith(
        f"{path}, lines {lines['publication_date']} and {lines['period_end']}: "
    )
    assert "'publication_date' (2022-06-01) must come after 'period_end' (2022-09-30)" in message
    # On the last day of the period it is still not over; the day after is fine.
    path.write_text(text.replace("2022-12-15", "2022-09-30"), encoding="utf-8")
    with pytest.raises(ParamsError, match="must come after 'period_end'"):
        params.load(path)
    path.write_text(text.replace("2022-12-15", "2022-10-01"), encoding="utf-8")
    assert params.load(path).publication_date == dt.date(2022, 10, 1)


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


def _text(tmp_path: Path, kent_params: Path, old: str, new: str) -> Path:
    """The default params file with one piece of its text replaced."""
    text = kent_params.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "report.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("written", "reason"),
    [("2021-13-01", "month must be in 1..12"), ("2021-02-30", "day is out of range")],
)
def test_impossible_date_is_named_with_its_line(
    tmp_path: Path, kent_params: Path, written: str, reason: str
) -> None:
    path = _text(tmp_path, kent_params, "period_start: 2021-10-01", f"period_start: {written}")
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "period_start" in text
    )
    with pytest.raises(ParamsError) as caught:
        params.load(path)
    message = str(caught.value)
    assert f"report.yaml, line {line}: key 'period_start' is {written}" in message
    assert "not a date on the calendar" in message and reason in message


def test_key_given_twice_is_refused_naming_both_lines(tmp_path: Path, kent_params: Path) -> None:
    path = _text(tmp_path, kent_params, "trend_years: 5", "trend_years: 5\ntrend_years: 10")
    lines = [n for n, t in enumerate(path.read_text().splitlines(), 1) if "trend_years" in t]
    with pytest.raises(
        ParamsError,
        match=rf"'trend_years' is given twice, on line {lines[0]} and "
        rf"line {lines[1]}",
    ):
        params.load(path)


@pytest.mark.parametrize("written", ["886", "'886'", '"886"'])
def test_old_la_code_is_accepted_quoted_or_not(
    tmp_path: Path, kent_params: Path, written: str
) -> None:
    path = _text(tmp_path, kent_params, "E10000016", written)
    assert params.load(path).local_authority == "886"


@pytest.mark.parametrize(("written", "number"), [("025", 21), ("017", 15), ("88", 88)])
def test_unquoted_code_that_yaml_reads_as_another_number_says_to_quote_it(
    tmp_path: Path, kent_params: Path, written: str, number: int
) -> None:
    path = _text(tmp_path, kent_params, "E10000016", written)
    with pytest.raises(ParamsError) as caught:
        params.load(path)
    message = str(caught.value)
    assert f"written {written}, which YAML reads as the number {number}" in message
    assert f'local_authority: "{written}"' in message


def test_file_that_is_not_utf8_names_the_line(tmp_path: Path, kent_params: Path) -> None:
    path = tmp_path / "latin1.yaml"
    text = kent_params.read_text(encoding="utf-8")
    path.write_bytes(text.replace("partnership: ", "partnership: Sant\xe9 ", 1).encode("latin-1"))
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("partnership"))
    with pytest.raises(ParamsError, match=rf"line {line} holds byte 0xe9, which is not UTF-8"):
        params.load(path)


def test_folder_where_the_file_belongs_is_named(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match="is a folder, not a params file"):
        params.load(tmp_path)


def test_unreadable_file_is_named(
    tmp_path: Path, kent_params: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Permission bits do not stop root (which the tests may run as), so refuse the read itself.
    def refused(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(ParamsError, match=r"could not read the params file \(Permission denied\)"):
        params.load(kent_params)


def test_empty_file_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ParamsError, match="the file is empty"):
        params.load(empty)


def test_wrong_type_names_the_line(tmp_path: Path, kent_params: Path) -> None:
    path = _text(tmp_path, kent_params, "trend_years: 5", "trend_years: five")
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "trend_years" in t)
    with pytest.raises(ParamsError, match=rf"line {line}: key 'trend_years' must be a whole"):
        params.load(path)


def test_a_framework_the_project_declares_is_accepted_with_its_data_folder(
    tmp_path: Path, good: dict
) -> None:
    from safeguarding_report.core import framework

    folder = tmp_path / "data" / framework.PROJECT_FOLDER
    folder.mkdir(parents=True)
    shutil.copy(framework.FRAMEWORKS_DIR / "wt2023.yaml", folder / "ours.yaml")
    text = (folder / "ours.yaml").read_text(encoding="utf-8")
    (folder / "ours.yaml").write_text(text.replace("id: wt2023", "id: ours"), encoding="utf-8")
    good["framework"] = "ours"
    path = _write(tmp_path, good)
    assert params.load(path, data=tmp_path / "data").framework == "ours"
    with pytest.raises(ParamsError, match=r"key 'framework' must be one of wt2010, .*'ours'"):
        params.load(path)


def test_a_damaged_project_framework_is_named_when_the_params_are_read(
    tmp_path: Path, good: dict
) -> None:
    from safeguarding_report.core import framework

    folder = tmp_path / "data" / framework.PROJECT_FOLDER
    folder.mkdir(parents=True)
    (folder / "ours.yaml").write_text("id: ours\nguidance: Our own\n", encoding="utf-8")
    good["framework"] = "ours"
    with pytest.raises(ParamsError, match=r"ours.yaml: the framework declaration is invalid: in_f"):
        params.load(_write(tmp_path, good), data=tmp_path / "data")


# -- every input bounded: YAML's aliases, nesting, size; long values quoted short ---------------


def _aliases(key: str, levels: int) -> str:
    """``key``: a list of ``levels`` lists, each nine aliases of the one before (9**levels)."""
    lines = [f"{key}:", '  - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _with(kent_params: Path, tmp_path: Path, key: str, written: str) -> Path:
    """The default params file with ``key`` written as ``written`` (a YAML block)."""
    lines = kent_params.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if not line.startswith(f"{key}:"))
    path = tmp_path / "report.yaml"
    path.write_text(kept + written, encoding="utf-8")
    return path


def test_an_alias_tree_is_refused_by_its_size_without_being_expanded(
    tmp_path: Path, kent_params: Path
) -> None:
    """Nine levels of nine aliases in 1 KB stand for 490 million values: counted, not made."""
    path = _with(kent_params, tmp_path, "partnership", _aliases("partnership", 9))
    assert path.stat().st_size < 2_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ParamsError) as caught:
            params.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 50 * 2**20
    message = str(caught.value)
    assert message.startswith(f"{path}, line 11, key 'partnership': the value holds 490,329,055 ")
    assert "once its aliases (*name) are expanded. Expected at most 10,000 values" in message
    assert "lol" not in message and len(message) < 400


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("partnership: &a [*a]\n", "key 'partnership': the value contains itself"),
        ("partnership: " + "[" * 5_000 + "]" * 5_000 + "\n", "nested more than 20 levels"),
        ("partnership: [" + ", ".join(["x"] * 20_000) + "]\n", "more than 10,000 values"),
    ],
    ids=["itself", "deep", "many"],
)
def test_a_value_without_end_too_deep_or_too_large_is_refused_naming_the_key(
    tmp_path: Path, kent_params: Path, written: str, expected: str
) -> None:
    path = _with(kent_params, tmp_path, "partnership", written)
    with pytest.raises(ParamsError, match=re.escape(expected)) as caught:
        params.load(path)
    assert str(caught.value).startswith(f"{path}, line ")
    assert "key 'partnership'" in str(caught.value) and len(str(caught.value)) < 500


def test_a_params_file_too_large_to_be_one_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "report.yaml"
    path.write_text("# " + "x" * (limits.MAX_YAML_BYTES + 10) + "\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"report.yaml: the file is 1\.0 MiB .* at most 1\.0 MiB"):
        params.load(path)


def test_a_value_within_the_limits_is_quoted_short_in_the_message(
    tmp_path: Path, kent_params: Path
) -> None:
    """Three levels of aliases (819 values) pass the limits; the message quotes a line of them."""
    path = _with(kent_params, tmp_path, "partnership", _aliases("partnership", 3))
    with pytest.raises(ParamsError) as caught:
        params.load(path)
    message = str(caught.value)
    assert "key 'partnership' must be non-empty text, found [['lol', 'lol'," in message
    found = message.partition("found ")[2]
    assert len(found) <= shorten.QUOTED_CHARS + 1 and found.endswith("….")


def test_many_unknown_keys_are_counted_not_listed(tmp_path: Path, kent_params: Path) -> None:
    extra = "".join(f"{'k' * 200}{n}: 1\n" for n in range(500))
    path = tmp_path / "report.yaml"
    path.write_text(kent_params.read_text(encoding="utf-8") + extra, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"; and 497 more\. Allowed keys: id, ") as caught:
        params.load(path)
    assert len(str(caught.value)) < 600


def test_an_id_longer_than_a_file_name_takes_is_refused(tmp_path: Path, kent_params: Path) -> None:
    path = _text(tmp_path, kent_params, "id: kent-2022", "id: " + "-".join(["kent"] * 30))
    with pytest.raises(ParamsError, match=r"key 'id' must be at most 64 characters .* found 149"):
        params.load(path)


@pytest.mark.parametrize(
    ("start", "end", "length"),
    [
        ("2021-10-01", "2022-09-30", ""),
        ("2021-04-01", "2022-02-28", ""),  # 11 months
        ("2021-04-01", "2022-04-30", ""),  # 13 months
        ("2012-10-01", "2022-09-30", "is 10 years long"),
        ("2021-04-01", "2022-02-27", "is 10 months and 27 days long"),
        ("2021-04-01", "2022-05-01", "is 13 months and 1 day long"),
    ],
)
def test_a_reporting_period_outside_11_to_13_months_is_named(
    good: dict[str, object], start: str, end: str, length: str
) -> None:
    good.update(period_start=dt.date.fromisoformat(start), period_end=dt.date.fromisoformat(end))
    good["publication_date"] = dt.date(2031, 1, 1)
    p = params.validate(good)
    assert (length in p.period_problem) if length else p.period_problem == ""
    if length:
        assert "Expected 11 to 13 months: the guidance asks for a report on every 12-month" in (
            p.period_problem
        )


def test_a_long_period_is_a_warning_and_refused_in_strict_mode(
    good: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    good["period_start"] = dt.date(2012, 10, 1)
    p = params.validate(good)
    with caplog.at_level(logging.WARNING):
        p.check_period("params/x.yaml", strict=False)
    assert "params/x.yaml: the reporting period, 1 October 2012 to 30 September 2022, is 10 " \
        "years long" in caplog.text  # fmt: skip
    with pytest.raises(ParamsError, match=r"params/x.yaml: strict mode: the reporting period"):
        p.check_period("params/x.yaml", strict=True)
