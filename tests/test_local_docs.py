"""The local-data reference is generated from the templates' models and kept up to date."""

from __future__ import annotations

from pathlib import Path

from safeguarding_report.local.catalogue import CSV_TEMPLATES, TEXT_TEMPLATES
from safeguarding_report.local.docs import COMMAND, render_reference

ROOT = Path(__file__).parents[1]


def test_docs_local_data_is_up_to_date() -> None:
    written = (ROOT / "docs" / "local-data.md").read_text(encoding="utf-8")
    assert written == render_reference(), (
        f"docs/local-data.md is out of date: run `.venv/bin/{COMMAND}` from the project's "
        "top folder and commit the result."
    )


def test_the_reference_documents_every_template_and_allowed_value() -> None:
    text = render_reference()
    for template in [*CSV_TEMPLATES.values(), *TEXT_TEMPLATES.values()]:
        assert f"### `{template.file}`" in text
    assert "### `priorities/<id>.md`" in text
    assert "one of: e-learning, virtual, face to face" in text
    assert "| `attendees` | yes | Number of attendances in the period. |" in text
