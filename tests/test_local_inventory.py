"""LocalRecords.inventory: for every template a report uses, where it is read from and its state
(valid, invalid with the located error, to supply, a draft); ``load`` stops at its first error."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguarding_report.core import framework, registry
from safeguarding_report.core.errors import DataError
from safeguarding_report.local import Entry, LocalRecords
from safeguarding_report.local.catalogue import CSV_TEMPLATES, WORKBOOK_FILE
from safeguarding_report.local.workbook import write_workbook

ROOT = Path(__file__).parents[1]
KENT = "kent-2022"
SOURCE = f"data/local/{KENT}"
USED = registry.templates_of(s.key for s in framework.load("wt2018").sections)


def inventory(folder: Path) -> dict[str, Entry]:
    return {e.name: e for e in LocalRecords(folder.parents[1], folder.name, USED).inventory()}


def test_the_kent_records_are_found_each_in_its_file_and_valid() -> None:
    found = inventory(ROOT / "data/local" / KENT)
    lado, foreword, p5 = found["lado"], found["foreword"], found["priorities/P5"]
    assert (lado.state, lado.form, lado.held, lado.source) == (
        "valid", "CSV", 8, f"{SOURCE}/lado.csv",
    )  # fmt: skip
    assert (foreword.state, foreword.form, foreword.source) == (
        "valid", "Markdown", f"{SOURCE}/foreword.md",
    )  # fmt: skip
    assert (p5.state, p5.source) == ("valid", f"{SOURCE}/priorities/P5.md")
    # A template the report does not use is not asked for; a file of no section is checked.
    assert "education_settings" not in found
    cover = found["cover_report"]
    assert (cover.state, cover.used, cover.form) == ("valid", False, "YAML")
    assert {e.state for e in found.values()} == {"valid"}


def test_each_state_is_named_with_its_file_and_load_stops_at_the_first_error(
    kent_local: Path,
) -> None:
    (kent_local / "lado.csv").unlink()
    voice = kent_local / "voice.csv"
    voice.write_text(voice.read_text().splitlines()[0] + "\n")  # the empty template
    scrutiny = kent_local / "scrutiny.md"
    scrutiny.write_text(scrutiny.read_text().replace("draft: false", "draft: true"))
    audits = kent_local / "audits.csv"
    audits.write_text(audits.read_text().replace(",multi-agency,", ",everyone,", 1))
    (kent_local / "notes.txt").write_text("to do\n")
    found = inventory(kent_local)
    assert {n: (e.state, e.source) for n, e in found.items() if e.state != "valid"} == {
        "notes.txt": ("invalid", f"{SOURCE}/notes.txt"),
        "lado": ("missing", f"{SOURCE}/lado.csv"),
        "voice": ("empty", f"{SOURCE}/voice.csv"),
        "audits": ("invalid", f"{SOURCE}/audits.csv"),
        "scrutiny": ("draft", f"{SOURCE}/scrutiny.md"),
    }
    assert found["lado"].to_supply and found["voice"].to_supply
    assert found["audits"].error.startswith(f"{SOURCE}/audits.csv, line 2, column 'kind': ")
    assert not found["notes.txt"].used
    with pytest.raises(DataError) as caught:
        LocalRecords.load(kent_local.parents[1], KENT, USED)
    assert str(caught.value) == found["notes.txt"].error
    (kent_local / "notes.txt").unlink()
    with pytest.raises(DataError) as caught:
        LocalRecords.load(kent_local.parents[1], KENT, USED)
    assert str(caught.value) == found["audits"].error


def test_a_wrong_file_of_records_does_not_hide_the_rest(kent_local: Path) -> None:
    # partners.csv wrong: funding, which refers to it, is not said to be wrong as well.
    partners = kent_local / "partners.csv"
    partners.write_text(partners.read_text().splitlines()[0] + "\nwrong,row\n")
    found = inventory(kent_local)
    assert found["partners"].state == "invalid"
    assert found["funding"].state == "valid" and found["reviews"].state == "valid"


def test_records_both_in_the_workbook_and_in_csv_files_are_refused_naming_every_pair(
    kent_local: Path,
) -> None:
    records = LocalRecords.load(kent_local.parents[1], KENT)
    both = ["partners", "reviews", "lado"]
    held = {name: [r.data for r in records.rows(name)] for name in both}
    # The voice sheet is empty: voice.csv holds its records, and that is no clash.
    sheets = [CSV_TEMPLATES[name] for name in [*both, "voice"]]
    write_workbook(kent_local / WORKBOOK_FILE, sheets, held)
    with pytest.raises(DataError) as caught:
        LocalRecords.load(kent_local.parents[1], KENT)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/records.xlsx: 3 record type(s) are both in the workbook")
    for name in both:
        assert f"{SOURCE}/records.xlsx, sheet '{name}' and {SOURCE}/{name}.csv" in message
    assert "voice" not in message
    assert "`safeguarding-report workbook PARAMS` takes the CSV files into the workbook" in message
    found = inventory(kent_local)
    assert (found[WORKBOOK_FILE].state, found[WORKBOOK_FILE].error) == ("invalid", message)
    assert [n for n, e in found.items() if e.state == "invalid"] == [WORKBOOK_FILE, *both]
    assert found["lado"].source == f"{SOURCE}/records.xlsx, sheet 'lado'"
    assert found["voice"].source == f"{SOURCE}/voice.csv" and found["voice"].held == 4
    # A section reading one of them alone stops with the same message.
    with pytest.raises(DataError, match="3 record type"):
        LocalRecords.lazy(kent_local.parents[1], KENT).rows("lado")


def test_the_records_the_same_as_last_years_are_marked_unchanged(kent_local: Path) -> None:
    data = kent_local.parents[1]
    last = data / "local" / "kent-2021"
    last.mkdir()
    (last / "partners.csv").write_bytes((kent_local / "partners.csv").read_bytes())
    # The same records, saved otherwise (Windows line endings): unchanged all the same.
    lado = (kent_local / "lado.csv").read_text().splitlines()
    (last / "lado.csv").write_bytes(("\r\n".join(lado) + "\r\n").encode())
    previous = LocalRecords.lazy(data, "kent-2021")
    found = {e.name: e for e in LocalRecords(data, KENT, USED).inventory(previous)}
    assert found["partners"].unchanged and found["lado"].unchanged
    assert not found["reviews"].unchanged
