"""A new DfE release dropped into data/published/ is recognised by its columns and years."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import B1_2025, FILES, MEASURES, recognise

ROOT = Path(__file__).resolve().parents[1]
KENT = "E10000016"
NEW_B1 = "published/new-release/b1_children_in_need_2013_to_2026.csv"


def linked_data(tmp_path: Path) -> Path:
    """A data folder whose files are links to the project's (new files can go beside them)."""
    data = tmp_path / "data"
    for source in (ROOT / "data" / "published").rglob("*"):
        if source.is_file():
            target = data / source.relative_to(ROOT / "data")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    return data


def write_release(
    data: Path, path: str, revised_2025: str = "12345", kent_2026: str = "13000"
) -> None:
    """The 2025 table B1 with a 2026 year added and Kent's 2025 figure revised."""
    with (ROOT / "data" / B1_2025).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    at31 = header.index("At31_episodes")
    la = header.index("new_la_code")
    out = [header]
    for row in body:
        if row[0] == "2025":
            if row[la] == KENT:
                row = [*row[:at31], revised_2025, *row[at31 + 1 :]]
            new = list(row)
            new[0] = "2026"
            if new[la] == KENT:
                new[at31] = kent_2026
            out.append(new)
        out.append(row)
    target = data / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(out)


def test_the_files_held_today_are_read_as_catalogued() -> None:
    found = recognise(ROOT / "data")
    assert found.recognised == ()
    assert dict(found.files) == FILES
    assert dict(found.measures) == MEASURES


def test_a_new_release_is_recognised_by_its_columns_and_years(tmp_path: Path) -> None:
    data = linked_data(tmp_path)
    write_release(data, NEW_B1)
    found = recognise(data)
    (new,) = found.recognised
    assert new.release_of == B1_2025
    assert new.years == tuple(range(2013, 2027))
    assert new.release == "2026"
    assert found.files[NEW_B1].title.startswith("Characteristics of children in need, 2026")
    assert found.measures["cin_at_31_march"][0].path == NEW_B1


def test_the_latest_release_wins_where_it_revises_earlier_years(tmp_path: Path) -> None:
    data = linked_data(tmp_path)
    write_release(data, NEW_B1)
    frame = Published(data).series("cin_at_31_march", [KENT], [2025, 2026])
    assert frame["value"].tolist() == [12345.0, 13000.0]
    assert set(frame["source_file"]) == {"data/" + NEW_B1}
    assert Published(data).periods("cin_at_31_march")[-1] == 2026


def test_a_file_with_a_known_name_but_missing_columns_is_not_recognised(tmp_path: Path) -> None:
    data = linked_data(tmp_path)
    target = data / NEW_B1
    target.parent.mkdir(parents=True)
    target.write_text("time_period,geographic_level\n2026,National\n", encoding="utf-8")
    found = recognise(data)
    assert found.recognised == ()
    (why,) = [u for u in found.unrecognised if u.path == NEW_B1]
    assert "header lacks" in why.reason and "at31_episodes" in why.reason.lower()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("geographic_level\nNational\n", "no time_period column"),
        ("time_period,geographic_level\n2025/26,National\n", "not a year ending 31 March"),
    ],
)
def test_a_file_whose_years_cannot_be_read_says_why(tmp_path: Path, body: str, reason: str) -> None:
    data = linked_data(tmp_path)
    target = data / NEW_B1
    target.parent.mkdir(parents=True)
    target.write_text(body, encoding="utf-8")
    (why,) = [u for u in recognise(data).unrecognised if u.path == NEW_B1]
    assert reason in why.reason
