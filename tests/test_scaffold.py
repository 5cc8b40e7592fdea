"""`new`: a report for any English local authority, with clear refusals."""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from safeguarding_report.cli import main
from safeguarding_report.core import framework, params
from safeguarding_report.core.errors import ParamsError, ReportError
from safeguarding_report.local import LocalRecords
from safeguarding_report.workflows import scaffold

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project with the real published data and no params or local records of its own."""
    (tmp_path / "data/local").mkdir(parents=True)
    (tmp_path / "data/published").symlink_to(ROOT / "data/published", target_is_directory=True)
    shutil.copytree(ROOT / "params", tmp_path / "params")
    return tmp_path


def test_new_writes_params_from_the_data_and_empty_valid_templates(root: Path) -> None:
    made = scaffold.new("E08000003", 2024, root=root)
    assert made.report_id == "manchester-2024"
    p = params.load(made.params)
    assert p.local_authority == "E08000003" and p.comparison_year == 2024
    assert p.partnership == "Manchester Safeguarding Children Partnership"
    assert (p.period_start.isoformat(), p.period_end.isoformat()) == ("2023-04-01", "2024-03-31")
    assert p.framework == "wt2018"
    text = made.params.read_text(encoding="utf-8")
    assert "# Region: North West." in text and "Statistical neighbours (April 2021" in text
    records = LocalRecords.load(root / "data", made.report_id)
    assert records.about is not None and not records.illustrative
    assert all(not records.rows(name) for name in ("reviews", "training_courses", "voice"))


@pytest.mark.parametrize(
    ("year", "expected", "suffix"),
    [
        (2019, "wt2010", "Safeguarding Children Board"),
        (2020, "wt2018", "Safeguarding Children Partnership"),
        (2024, "wt2018", "Safeguarding Children Partnership"),
        (2025, "wt2023", "Safeguarding Children Partnership"),
    ],
)
def test_new_follows_the_framework_in_force_at_the_end_of_the_period(
    root: Path, year: int, expected: str, suffix: str
) -> None:
    made = scaffold.new("E08000003", year, root=root)
    p = params.load(made.params)
    assert p.framework == expected
    assert p.partnership == f"Manchester {suffix}"


def test_new_follows_a_framework_the_project_declares(root: Path) -> None:
    declared = yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2023.yaml").read_text())
    declared.update(id="manchester", in_force=dt.date(2025, 1, 1), name_suffix="Children First")
    folder = root / "data" / framework.PROJECT_FOLDER
    folder.mkdir()
    (folder / "manchester.yaml").write_text(yaml.safe_dump(declared), encoding="utf-8")
    made = scaffold.new("E08000003", 2025, root=root)
    text = made.params.read_text(encoding="utf-8")
    assert "framework: manchester  # statutory framework: manchester, wt2010" in text
    p = params.load(made.params)  # the project's data folder is the one beside params/
    assert (p.framework, p.partnership) == ("manchester", "Manchester Children First")
    moved = root / "elsewhere" / "params" / made.params.name
    moved.parent.mkdir(parents=True)
    shutil.copy(made.params, moved)
    with pytest.raises(ParamsError, match="key 'framework' must be one of wt2010, wt2018, wt2023"):
        params.load(moved)  # in no project: only the package's frameworks
    assert params.load(moved, data=root / "data").framework == "manchester"


def test_old_code_and_framework_option(root: Path) -> None:
    made = scaffold.new("352", 2012, root=root, framework_id="wt2010")
    raw = yaml.safe_load(made.params.read_text(encoding="utf-8"))
    assert raw["framework"] == "wt2010" and raw["id"] == "manchester-2012"
    assert raw["partnership"] == "Manchester Safeguarding Children Board"


@pytest.mark.parametrize(
    ("code", "year", "message"),
    [
        ("E12000002", 2024, "'E12000002' is North West, not a local authority"),
        ("E06000062", 2019, "West Northamptonshire (941, E06000062) did not exist in the year "
         "ending 31 March 2019: the files hold it for 2022 to 2025"),
        ("E08000003", 2031, "--year 2031: the published files hold the years ending 31 March "
         "2010 to 2025"),
        ("E99999999", 2024, "Unknown area code 'E99999999'"),
    ],
)  # fmt: skip
def test_new_refuses_what_cannot_be_built(root: Path, code: str, year: int, message: str) -> None:
    with pytest.raises(ReportError) as caught:
        scaffold.new(code, year, root=root)
    assert message in str(caught.value)
    assert not list((root / "data/local").iterdir()), "nothing is written when refused"


def test_new_never_overwrites_a_params_file(root: Path) -> None:
    scaffold.new("E08000003", 2024, root=root)
    with pytest.raises(ParamsError, match="already exists: it was not changed"):
        scaffold.new("E08000003", 2024, root=root)


def test_command_line_says_what_it_wrote_and_what_to_run(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "E09000012", "--year", "2023", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "Wrote " in out and "hackney-2023.yaml" in out
    assert "make report PARAMS=params/hackney-2023.yaml" in out
    assert main(["new", "E06000062", "--year", "2019", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: West Northamptonshire") and err.count("\n") == 1


# -- long names shortened, never refused; new writes whole or not at all -----------------------

TWENTY = [f"E0900{n:04d}" for n in range(2, 22)]  # twenty London boroughs


def test_a_partnership_of_twenty_authorities_gets_an_id_a_file_name_takes(root: Path) -> None:
    made = scaffold.new(",".join(TWENTY), 2024, root=root)
    p = params.load(made.params)
    assert p.local_authorities == tuple(TWENTY)
    assert len(p.partnership) > 255, "the name as the authorities' names make it, in full"
    assert len(p.id) <= params.MAX_ID_CHARS and p.id.endswith("-2024")
    assert p.id.startswith("barking-and-dagenham-barnet-bex")
    assert made.local == root / "data/local" / p.id and (made.local / "about.yaml").is_file()
    # The same authorities always give the same id (batch finds the file again); others another.
    area = ", ".join(TWENTY)
    assert scaffold.report_id_for(area, 2024) == scaffold.report_id_for(area, 2024)
    assert scaffold.report_id_for(area, 2024) != scaffold.report_id_for(area + "x", 2024)


def test_new_refuses_one_authority_given_by_two_codes(root: Path) -> None:
    with pytest.raises(ParamsError, match="named twice: Leicester, as E06000016 and as 856"):
        scaffold.new("E06000016,856", 2024, root=root)
    assert not list((root / "data/local").iterdir())


def test_new_names_the_partnership_as_given_in_one_write(root: Path) -> None:
    made = scaffold.new("E08000003", 2024, root=root, partnership='The "City" Partnership: MCR')
    assert params.load(made.params).partnership == 'The "City" Partnership: MCR'


def test_a_new_that_fails_half_way_leaves_nothing_and_the_next_starts_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half(folder: Path, *args: object, **kwargs: object) -> list[Path]:
        (folder / "about.yaml").write_text("illustrative: false\n", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scaffold, "write_empty_templates", half)
    with pytest.raises(OSError, match="No space left"):
        scaffold.new("E08000003", 2024, root=root)
    assert not (root / "params/manchester-2024.yaml").exists()
    assert not list((root / "data/local").iterdir()), "no folder, whole or staged"
    monkeypatch.undo()
    made = scaffold.new("E08000003", 2024, root=root)
    assert params.load(made.params).id == "manchester-2024"


def test_a_new_killed_half_way_leaves_nothing_that_stops_the_next(root: Path) -> None:
    """kill -9 while the templates are written: the staging folder stays, no params file; the
    next new removes the folder, its owner gone, and writes the report."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from safeguarding_report.workflows import scaffold\n"
        "def killed(folder, *args, **kwargs):\n"
        "    (folder / 'about.yaml').write_text('half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "scaffold.write_empty_templates = killed\n"
        "scaffold.new('E08000003', 2024, root=Path(sys.argv[1]))\n"
    )
    ended = subprocess.run([sys.executable, "-c", code, str(root)], check=False)
    assert ended.returncode == -signal.SIGKILL
    left = list((root / "data/local").iterdir())
    assert [p.name[: len(".manchester-2024.new-")] for p in left] == [".manchester-2024.new-"]
    assert not (root / "params/manchester-2024.yaml").exists()
    made = scaffold.new("E08000003", 2024, root=root)
    assert [p.name for p in (root / "data/local").iterdir()] == ["manchester-2024"]
    assert "illustrative: false" in (made.local / "about.yaml").read_text(encoding="utf-8")
