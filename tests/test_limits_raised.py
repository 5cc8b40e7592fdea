"""A partnership whose records really are larger than the kit's limits raises a limit in its
params file (``limits:``), and every reader of its records, in every process, reads within it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import last_year_built, project_copy
from safeguarding_report.core import limits, params
from safeguarding_report.core.errors import DataError, ParamsError
from safeguarding_report.local import LocalRecords
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.pipeline.plan import Project, make
from safeguarding_report.workflows import inputs, newyear

PARAMS = "params/kent-2022.yaml"
MORE = limits.MAX_ROWS + 20  # voice rows the test's records hold: over the kit's limit


@pytest.fixture
def large(tmp_path: Path) -> Path:
    """A copy of the project whose voice.csv holds more rows than the kit's limit."""
    project = project_copy(tmp_path)
    with (project / "data/local/kent-2022/voice.csv").open("a", encoding="utf-8") as file:
        file.writelines(f"Survey {n},We were heard.,Letters.\n" for n in range(MORE))
    return project


def _raise(project: Path, text: str = "limits:\n  rows: 20000\n") -> Path:
    path = project / PARAMS
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def test_records_over_a_limit_are_refused_saying_how_to_raise_it(large: Path) -> None:
    with pytest.raises(DataError) as refused:
        LocalRecords.load(large / "data", "kent-2022")
    said = str(refused.value)
    assert said.startswith("data/local/kent-2022/voice.csv, line ")
    assert f"more than {limits.MAX_ROWS:,} rows" in said
    assert "raise the limit in the params file: 'limits:' with 'rows:'" in said


def test_a_raised_limit_reaches_check_and_every_section_process(
    large: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _raise(large)
    p = params.load(path)
    assert p.limits.rows == 20_000 and p.limits.raised() == {"rows": 20_000}
    # check reads the records within it: voice.csv is valid.
    rows = inputs.check(path, large)
    voice = [row for row in rows if row.name.endswith("voice.csv")]
    assert voice and not any(row.blocks for row in voice), voice
    # The build gives it to each section's process through the environment, which is how a
    # section's records (read lazily, in the kernel) know it.
    plan = make(path, Project(large), BuildOptions(make_pdf=False))
    assert plan.env[limits.LIMITS_ENV] == "rows=20000"
    monkeypatch.setenv(limits.LIMITS_ENV, plan.env[limits.LIMITS_ENV])
    records = LocalRecords.lazy(large / "data", "kent-2022")
    assert len(records.rows("voice")) > limits.MAX_ROWS
    # The manifest records the raised limit; a params file that raises none records nothing.
    assert p.as_dict()["limits"] == {"rows": 20_000}
    assert "limits" not in params.load(Path(PARAMS).resolve()).as_dict()
    assert limits.LIMITS_ENV not in params.load(Path(PARAMS).resolve()).section_environment()


@pytest.mark.build
def test_new_year_keeps_the_limits_and_thresholds_a_partnership_chose(
    large: Path, default_report: Path
) -> None:
    last_year_built(large, default_report)
    path = _raise(large, "suppress_to: 9\nlimits:\n  rows: 20000\n")
    made = newyear.new_year(path, large)
    following = params.load(made.params_file)
    assert following.limits.rows == 20_000 and following.suppress_to == 9


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("limits: 20000\n", "key 'limits' must be a mapping of limits to raise"),
        ("limits:\n  row: 20000\n", "names 'row' (did you mean 'rows'?), which is not a limit"),
        ("limits:\n  rows: 100\n", "'rows' must be a whole number of at least 10,000"),
        ("limits:\n  rows: yes\n", "'rows' must be a whole number of at least 10,000"),
    ],
)
def test_a_limit_written_wrong_is_refused_naming_the_key(
    tmp_path: Path, written: str, said: str
) -> None:
    path = _raise(project_copy(tmp_path), written)
    with pytest.raises(ParamsError) as refused:
        params.load(path)
    assert str(refused.value).startswith(f"{path}, line ") and said in str(refused.value)
