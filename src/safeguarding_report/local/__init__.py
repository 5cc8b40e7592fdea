"""The partnership's own records: templates, validation on load, safe Markdown, tidy counts.

``LocalRecords.load(data_dir, report_id)`` reads ``data/local/<report_id>/`` (``inventory``
says what each file is, for ``check``; ``refuse_drafts`` stops a strict build); the templates
are declared once in ``models`` and ``catalogue``, and documented in ``docs/local-data.md``
(regenerate with ``python -m safeguarding_report.local.docs``).
"""

from __future__ import annotations

from safeguarding_report.local.counts import (
    LOCAL_COUNTS,
    LOCAL_INDICATORS,
    LocalCount,
    period_label,
    tidy_row,
)
from safeguarding_report.local.markdown import render_markdown
from safeguarding_report.local.read import Narrative, Record
from safeguarding_report.local.records import Entry, LocalRecords, refuse_drafts
from safeguarding_report.local.scaffold import write_empty_templates

__all__ = [
    "LOCAL_COUNTS",
    "LOCAL_INDICATORS",
    "Entry",
    "LocalCount",
    "LocalRecords",
    "Narrative",
    "Record",
    "period_label",
    "refuse_drafts",
    "render_markdown",
    "tidy_row",
    "write_empty_templates",
]
