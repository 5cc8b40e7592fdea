"""Accessibility: the built report has no axe-core violations of WCAG 2.2 AA, and its PDFs
pass ``pdfua check`` (the machine-checkable part of PDF/UA-1) with no errors or warnings.

axe-core comes from npm at the version package-lock.json pins (``make test`` runs ``npm ci``);
it runs in the system's Chromium, driven by Playwright, over the default report built once
for the test run. Playwright never downloads a browser here.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from conftest import axe, describe, pdfua, pdfua_findings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.build
def test_report_has_no_wcag_22_aa_violations(default_report: Path) -> None:
    violations = axe(default_report / "report.html")
    assert violations == [], describe(violations)


@pytest.mark.build
def test_the_check_finds_a_violation_when_there_is_one(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en-GB"><head><title>t</title></head><body><main>'
        '<p style="color:#777;background:#888">low contrast</p><img src="x.png"></main></body>'
        "</html>",
        encoding="utf-8",
    )
    found = {v["id"] for v in axe(page)}
    assert {"color-contrast", "image-alt"} <= found


@pytest.mark.build
@pytest.mark.parametrize("name", ["report.pdf", "cover-report.pdf"])
def test_pdfs_pass_the_pdfua_check(default_report: Path, name: str) -> None:
    report = pdfua(default_report / name)
    assert report["summary"]["errors"] == 0, pdfua_findings(report)
    assert report["summary"]["warnings"] == 0, pdfua_findings(report)
    # Each chart is one figure, described once by its image's alt text.
    with pikepdf.open(default_report / name) as document:
        figures = _figures(document.Root.StructTreeRoot)
        html = (default_report / name.replace(".pdf", ".html")).read_text(encoding="utf-8")
        assert len(figures) == html.count('<figure class="chart">') > 0
        assert all(str(alt).strip() for alt in figures)
        assert "pdfuaid:part" in document.Root.Metadata.read_bytes().decode("utf-8")


def _figures(element: pikepdf.Object) -> list[object]:
    """The /Alt of every /Figure under ``element`` (None where it has none)."""
    kids = element.get("/K")
    children = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    found: list[object] = []
    for kid in children:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if kid.get("/S") == "/Figure":
                found.append(kid.get("/Alt"))
            found.extend(_figures(kid))
    return found


@pytest.mark.build
def test_the_pdfua_check_finds_a_figure_without_alt_text(
    default_report: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(default_report / "report.pdf") as document:
        stack = [document.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if element.get("/S") == "/Figure" and "/Alt" in element:
                del element["/Alt"]
                break
            kids = element.get("/K")
            children = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            stack.extend(k for k in children if isinstance(k, pikepdf.Dictionary))
        del document.Root["/Metadata"]
        document.save(damaged)
    found = {f["rule_id"] for f in pdfua(damaged)["findings"]}
    assert {"UA-13-004", "UA-28-004"} <= found
