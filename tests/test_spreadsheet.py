"""No CSV the kit writes holds a cell a spreadsheet would run as a formula (CSV injection)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from safeguarding_report.core import spreadsheet
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.workflows import index

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = '=HYPERLINK("http://example.invalid","Kent")'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+44 1622 000000", "'+44 1622 000000"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-inf", "'-inf"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("-1e3", "-1e3"),
        ("+1,530", "+1,530"),
        ("-2.5%", "-2.5%"),
        ("+1,53", "'+1,53"),
        ("-1,530+A1", "'-1,530+A1"),
        ("Kent", "Kent"),
        ("a=b", "a=b"),
        ("", ""),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_a_cell_that_begins_like_a_formula_is_quoted_and_numbers_are_kept(
    cell: object, written: object
) -> None:
    assert spreadsheet.neutralise(cell) == written


def test_the_writers_quote_every_cell_but_not_the_header() -> None:
    out = io.StringIO()
    writer = spreadsheet.DictWriter(out, ["name", "value"])
    writer.writeheader()
    writer.writerow({"name": HOSTILE, "value": "-3.5"})
    plain = io.StringIO()
    spreadsheet.Writer(plain).writerow([HOSTILE, -2])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "value"],
        ["'" + HOSTILE, "-3.5"],
    ]
    assert list(csv.reader(io.StringIO(plain.getvalue()))) == [["'" + HOSTILE, "-2"]]


def _formulas(path: Path) -> list[str]:
    """Every cell of ``path`` that a spreadsheet would read as a formula, with where it is."""
    found = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            for cell in row:
                if spreadsheet.neutralise(cell) != cell:
                    found.append(f"{path.name}:{line}: {cell!r}")
    return found


@pytest.mark.build
def test_a_hostile_partnership_name_reaches_no_csv_as_a_formula(kent_folder: Path) -> None:
    params = kent_folder / "params" / "kent-2022.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(
        text.replace(
            "partnership: Kent Safeguarding Children Multi-agency Partnership",
            "partnership: '" + HOSTILE.replace("'", "''") + "'",
        ),
        encoding="utf-8",
    )
    (kent_folder / "notebooks").symlink_to(ROOT / "notebooks", target_is_directory=True)
    project = Project(kent_folder)
    folder = build(params, project, BuildOptions(progress=False, make_pdf=False))
    index.write(folder.parent)

    written = [*sorted(folder.rglob("*.csv")), folder.parent / "index.csv"]
    names = {p.relative_to(folder.parent).as_posix() for p in written}
    assert {"kent-2022/figures.csv", "kent-2022/changes.csv", "index.csv"} <= names
    assert any(name.startswith("kent-2022/charts/") for name in names)
    # The name did reach the files (quoted), so the scan below looked where it matters.
    everything = "".join(p.read_text(encoding="utf-8") for p in written)
    assert "'" + HOSTILE.replace('"', '""') in everything
    assert [f for p in written for f in _formulas(p)] == []
