"""The published files are checked in other processes while the build imports: the same inputs
always name the same damaged file, an error of the build's own wins, and a file that passed is
not checked again."""

from __future__ import annotations

import multiprocessing
import re
import shutil
from pathlib import Path

import pytest

from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.data import Published
from safeguarding_report.pipeline import validate


def _damaged(project: Path, *paths: str) -> None:
    for path in paths:
        link = project / "data" / path
        link.unlink()  # a link to the real file: the copy is damaged, never the original
        link.write_text("not,the\nfile,expected\n", encoding="utf-8")


def test_of_several_damaged_files_the_first_in_the_catalogue_is_named(tiny_project: Path) -> None:
    published = Published(tiny_project / "data")
    paths = list(published.catalogue.files)
    first, later = paths[3], paths[-2]
    _damaged(tiny_project, first, later)
    for workers in (1, 2):  # whichever process finds which
        with (
            pytest.raises(DataError, match=re.escape(first.rsplit("/", 1)[-1])),
            validate.checking(published, tiny_project / ".cache/checked", workers),
        ):
            pass
    assert not list((tiny_project / ".cache/checked").glob("*")), "no file passed is marked"


def test_an_error_of_the_build_wins_and_the_checks_are_stopped(tiny_project: Path) -> None:
    published = Published(tiny_project / "data")
    _damaged(tiny_project, next(iter(published.catalogue.files)))
    with (
        pytest.raises(ReportError, match="the build's own"),
        validate.checking(published, tiny_project / ".cache/checked", 2),
    ):
        raise ReportError("the build's own")
    assert multiprocessing.active_children() == []


def test_a_file_that_passed_is_not_checked_again(
    tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = Published(tiny_project / "data")
    checked = tiny_project / ".cache/checked"
    with validate.checking(published, checked, 2):
        pass
    assert len(list(checked.iterdir())) == len(published.catalogue.files)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing to check")

    monkeypatch.setattr(validate.runner, "Task", never)
    with validate.checking(published, checked, 2):
        pass
    # A changed file is checked again.
    shutil.rmtree(tiny_project / ".cache/data", ignore_errors=True)
    _damaged(tiny_project, next(iter(published.catalogue.files)))
    monkeypatch.undo()
    with pytest.raises(DataError), validate.checking(Published(tiny_project / "data"), checked):
        pass


def test_a_checked_files_parse_is_kept_on_disk_for_the_sections_not_in_the_checks_memory(
    tmp_path: Path,
) -> None:
    from safeguarding_report.core import store

    data = Path(__file__).resolve().parents[1] / "data"
    published = Published(data, parse_cache=tmp_path)
    _ = published.areas
    held = set(store._parsed)
    for path in [published.catalogue.bds, *list(published.catalogue.files)[:5]]:
        published.validate_file(path)
    assert set(store._parsed) == held  # one check's parse at a time, then none
    assert len(list(tmp_path.glob("*.pickle"))) > 1  # but each is kept for the sections
    kept = store._parsed.copy()
    try:
        store._parsed.clear()  # as a section's process, which reads the disk
        assert set(Published(data, parse_cache=tmp_path).bds.codes) == set(published.bds.codes)
    finally:
        store._parsed.update(kept)
