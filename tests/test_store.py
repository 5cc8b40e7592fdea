"""What the build keeps between runs: a file is replaced whole or not at all, an entry is used
only for its own key, and a damaged entry is simply not used."""

from __future__ import annotations

import ast
import dataclasses
import os
import pickle
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import safeguarding_report
from safeguarding_report.core import store
from safeguarding_report.data.benchmarking import BdsCell, Years
from safeguarding_report.data.extract import Cell

PACKAGE = Path(safeguarding_report.__file__).parent


def test_a_file_is_replaced_whole_when_the_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "new folder" / "report.html"
    with store.replacing(target) as handle:
        handle.write(b"<p>new</p>")
        assert not target.exists(), "nothing at the target until the block ends"
    assert target.read_bytes() == b"<p>new</p>"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"old")
    with pytest.raises(OSError, match="disk full"), store.replacing(target) as handle:
        handle.write(b"half of the ne")
        raise OSError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


_WRITE_AND_DIE = (
    "import os, signal, sys\n"
    "from pathlib import Path\n"
    "from safeguarding_report.core import store\n"
    "with store.replacing(Path(sys.argv[1])) as handle:\n"
    "    handle.write(b'half of the ne')\n"
    "    handle.flush()\n"
    "    os.kill(os.getpid(), signal.SIGKILL)\n"
)


def test_the_temporary_file_of_a_killed_writer_is_removed_by_the_next(tmp_path: Path) -> None:
    """``kill -9`` runs no ``finally``: its temporary file stays until the next write of the same
    file, which removes it; another machine's, or a running process's, is left alone."""
    target = tmp_path / "index.html"
    target.write_bytes(b"old")
    ended = subprocess.run([sys.executable, "-c", _WRITE_AND_DIE, str(target)], check=False)
    assert ended.returncode == -signal.SIGKILL
    (left,) = tmp_path.glob(".index.html.*.partial")
    assert target.read_bytes() == b"old"
    running = tmp_path / f".index.html.{socket.gethostname()}-{os.getppid()}.partial"
    elsewhere = tmp_path / ".index.html.another-machine-1.partial"
    for kept in (running, elsewhere):
        kept.write_bytes(b"")
    with store.replacing(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert not left.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["index.html", running.name, elsewhere.name]
    )


def test_every_file_replaced_in_place_goes_through_the_store() -> None:
    """One way to replace a file: only ``store.replacing`` calls os.replace or os.rename."""
    callers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
                and node.attr in {"replace", "rename"}
            ):
                callers.append(path.relative_to(PACKAGE).as_posix())
    assert callers == ["core/store.py"]


def test_a_step_is_reused_only_for_its_own_key(tmp_path: Path) -> None:
    made = tmp_path / "made"
    made.mkdir()
    (made / "cover-report.html").write_text("<p>cover</p>", encoding="utf-8")
    entry = tmp_path / "cache/cover/kent-2022.pickle"
    store.keep(entry, "key 1", [made / "cover-report.html"], [{"figure": 1}])
    into = tmp_path / "into"
    into.mkdir()
    assert store.kept(entry, "key 2", into) is None
    assert list(into.iterdir()) == []
    assert store.kept(entry, "key 1", into) == [{"figure": 1}]
    assert (into / "cover-report.html").read_text(encoding="utf-8") == "<p>cover</p>"


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps("no tuple")])
def test_a_damaged_entry_is_not_used(tmp_path: Path, content: bytes) -> None:
    entry = tmp_path / "kent-2022.pickle"
    entry.write_bytes(content)
    assert store.kept(entry, "key", tmp_path) is None
    section = tmp_path / "sections/kent-2022/01_foreword.ipynb"
    store.keep_section(section, b"{}", {"key": {}})
    assert store.section_facts(section) == {"key": {}}
    section.with_suffix(".json").write_bytes(content)
    assert store.section_facts(section) is None


def test_a_parse_is_read_back_by_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "file.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    parsed = store.Parsed(tmp_path / "cache")
    parses: list[str] = []

    def parse() -> list[str]:
        parses.append("parsed")
        return source.read_text(encoding="utf-8").splitlines()

    assert parsed.get("rows", source, parse) == ["a,b", "1,2"]
    monkeypatch.setattr(store, "_parsed", {})  # as in a new process: nothing in memory
    assert store.Parsed(tmp_path / "cache").get("rows", source, parse) == ["a,b", "1,2"]
    assert parses == ["parsed"], "parsed once, then read back from the store"
    source.write_text("a,b\n1,3\n", encoding="utf-8")
    assert parsed.get("rows", source, parse) == ["a,b", "1,3"]
    assert len(parses) == 2, "a changed file is a new key"


def test_a_parse_by_another_version_of_the_library_is_removed_when_this_one_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "file.csv"
    source.write_text("a,b\n", encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    older = folder / f"{'0' * store.VERSION_CHARS}-{'1' * 64}.pickle"
    unversioned = folder / f"{'2' * 64}.pickle"  # as the kit named them before
    older.write_bytes(b"x")
    unversioned.write_bytes(b"x")
    monkeypatch.setattr(store, "_parsed", {})
    monkeypatch.setattr(store, "_forgotten", set())
    assert store.Parsed(folder).get("rows", source, lambda: ["a,b"]) == ["a,b"]
    kept = list(folder.glob("*.pickle"))
    assert len(kept) == 1 and kept[0].name.startswith(store.library_digest()[:16] + "-")
    assert not older.exists() and not unversioned.exists()


def test_marks_are_kept_and_an_unwritable_folder_is_no_error(tmp_path: Path) -> None:
    marks = store.Marks(tmp_path / "checked")
    assert "abc" not in marks
    marks.add(["abc"])
    assert "abc" in marks
    (tmp_path / "file").write_text("", encoding="utf-8")
    store.Marks(tmp_path / "file" / "checked").add(["abc"])  # a file where the folder goes


@pytest.mark.parametrize("kind", [Cell, BdsCell])
def test_a_published_value_comes_back_from_the_parse_cache_whole(kind: type) -> None:
    """Cells are pickled as their constructor's arguments (for speed,
    ``store.PickledAsArguments``): every field comes back in its place."""
    fields = dataclasses.fields(kind)
    others = {"float": 12.5, "int": 7, "Years": Years("2023-24 (OT)", 2023, 2024, "outturn")}
    # Each text field a text of its own, so that two swapped fields would show.
    given = {f.name: others.get(str(f.type), f"text of {f.name}") for f in fields}
    back = pickle.loads(pickle.dumps(kind(**given)))
    assert {f.name: getattr(back, f.name) for f in fields} == given
    assert back == kind(**given)
