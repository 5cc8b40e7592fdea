"""The committee cover report's files: ``cover-report.html``, ``cover-report.pdf`` (A4) and
``cover-report.docx``, written beside the report from its content (``report.cover``)."""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

from safeguarding_report.core import limits
from safeguarding_report.core.errors import ExportError
from safeguarding_report.core.params import Params
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import YAML_TEMPLATES
from safeguarding_report.local.models import CoverReport
from safeguarding_report.pipeline import export, pdf
from safeguarding_report.report import cover, cover_docx, cover_html

log = logging.getLogger(__name__)

HTML_FILE = "cover-report.html"
PDF_FILE = "cover-report.pdf"
DOCX_FILE = "cover-report.docx"


def write(p: Params, published: Published, folder: Path, *, make_pdf: bool) -> list[dict[str, Any]]:
    """Write the cover report's HTML, PDF (when ``make_pdf``) and Word files into ``folder``.

    Returns its figure records (section ``cover``) for ``figures.csv``; none, with a warning,
    when the report's folder has no ``cover_report.yaml``.
    """
    with limits.applied(p.limits):
        records = LocalRecords.load(published.data_dir, p.id)
        written = records.document(CoverReport)
    if written is None:
        log.warning(
            "No cover report: %s is missing. Fill in the template (docs/local-data.md) to get "
            "%s, %s and %s.",
            records.source_file(YAML_TEMPLATES["cover_report"].file),
            HTML_FILE,
            PDF_FILE,
            DOCX_FILE,
        )
        return []
    with limits.applied(p.limits):
        document = cover.compose(p, published, records, written)
    html = _write_html(document, folder / HTML_FILE)
    if make_pdf:
        pdf.print_pdf(html, folder / PDF_FILE, date=p.publication_date)
    cover_docx.write(document, folder / DOCX_FILE)
    log.info("Cover report written: %s, %s", HTML_FILE, DOCX_FILE)
    return copy.deepcopy(document.records)


def _write_html(document: cover.CoverDocument, path: Path) -> Path:
    """Write the cover report's page; ExportError if it would load anything from outside."""
    page = cover_html.render(document)
    external = export.external_references(page)
    if external:
        raise ExportError(
            f"{path}: the cover report would load {', '.join(external[:5])} from outside the "
            "file. Text from data must be escaped before it becomes HTML."
        )
    path.write_text(page, encoding="utf-8")
    return path
