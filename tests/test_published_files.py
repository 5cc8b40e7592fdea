"""The published files are kept exactly as downloaded, each folder with its source note."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "published"
# sha256sum's format: "<digest>  <path>", one file a line.
LISTED = {
    path: digest
    for digest, path in (
        line.split("  ", 1) for line in (PUBLISHED / "SHA256SUMS").read_text().splitlines()
    )
}


def test_every_published_file_is_listed_with_its_checksum() -> None:
    present = {
        p.relative_to(PUBLISHED).as_posix()
        for p in PUBLISHED.rglob("*")
        if p.is_file() and p.name not in {"SHA256SUMS", "LICENCE.md"}
    }
    assert present == set(LISTED), (
        "data/published/SHA256SUMS must list every published file: after adding a release, run "
        "`cd data/published && sha256sum <new files> >> SHA256SUMS`"
    )


@pytest.mark.parametrize("name", sorted(LISTED))
def test_published_file_is_unchanged(name: str) -> None:
    digest = hashlib.sha256((PUBLISHED / name).read_bytes()).hexdigest()
    assert digest == LISTED[name], f"data/published/{name} differs from the file as published"


def test_each_source_folder_says_where_its_files_came_from() -> None:
    folders = [p for p in PUBLISHED.iterdir() if p.is_dir()]
    assert folders
    for folder in folders:
        assert (folder / "SOURCE.md").is_file(), folder
    assert "Open Government Licence v3.0" in (PUBLISHED / "LICENCE.md").read_text()
