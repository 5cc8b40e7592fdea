"""A corpus of damaged inputs (tests/damaged/cases.yaml): each gives its one-line message.

Every case breaks one input of a tiny project (the real params and local records, the real
published files linked one by one, one short notebook per section) and runs the command line.
Each must exit 1 with one line that names the file and line or key and says what was expected,
no traceback, the previous report byte for byte as it was, and nothing temporary left behind.
They all fail before any section runs, so the corpus takes seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from safeguarding_report.cli import main

ROOT = Path(__file__).resolve().parents[1]
CASES: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests/damaged/cases.yaml").read_text(encoding="utf-8")
)


def test_the_corpus_covers_every_kind_of_input() -> None:
    assert len([c for c in CASES if "gap" not in c]) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES), "case ids are unique"
    kinds = {c["id"].split("-")[0] for c in CASES}
    assert {"params", "local", "published", "notebook"} <= kinds


def damage(project: Path, case: dict[str, Any]) -> None:
    path = project / case["file"]
    if path.is_symlink():  # a published file: damage a copy, never the original
        target = path.resolve()
        path.unlink()
        shutil.copyfile(target, path)
    if case.get("delete"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    elif "write" in case:
        path.write_text(case["write"], encoding="utf-8")
    elif "replace" in case:
        old, new = case["replace"]
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{case['id']}: {old!r} is not in {case['file']}"
        path.write_text(text.replace(old, new, 1), encoding=case.get("encoding", "utf-8"))
    elif "header_replace" in case:
        old, new = case["header_replace"]
        head, sep, rest = path.read_text(encoding="utf-8-sig").partition("\n")
        assert old in head, f"{case['id']}: {old!r} is not in the header of {case['file']}"
        path.write_text(head.replace(old, new) + sep + rest, encoding="utf-8")
    elif "append_hex" in case:
        with path.open("ab") as handle:
            handle.write(bytes.fromhex(case["append_hex"]))
    else:
        raise AssertionError(f"{case['id']}: no damage given")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _param(case: dict[str, Any]) -> Any:
    """A case as a pytest parameter; a known gap in the kit is an expected failure, named."""
    # A known gap runs a whole (tiny) build, so it is kept with the slow tests.
    gap = [pytest.mark.xfail(strict=False, reason=case.get("gap", "")), pytest.mark.build]
    marks = gap if "gap" in case else []
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_damaged_input_gives_its_one_line_message(
    case: dict[str, Any],
    tiny_project: Path,
    private_tmp: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = snapshot(tiny_project / "outputs")
    damage(tiny_project, case)
    status = main(
        ["build", "--params", str(tiny_project / "params/kent-2022.yaml"),
         "--root", str(tiny_project), "--no-pdf", "--quiet"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert case["message"] in err, err
    assert snapshot(tiny_project / "outputs") == before, "the previous report is as it was"
    assert [p.name for p in (tiny_project / "outputs").iterdir()] == ["kent-2022"]
    assert list(private_tmp.iterdir()) == [], "nothing temporary is left behind"
