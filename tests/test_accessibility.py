"""Accessibility: the built report has no axe-core violations of WCAG 2.2 AA.

axe-core comes from npm at the version package-lock.json pins (``make test`` runs ``npm ci``);
it runs in the system's Chromium, driven by Playwright, over the default report built once
for the test run. Playwright never downloads a browser here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import axe, describe

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
