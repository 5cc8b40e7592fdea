"""Accessibility: the built report has no axe-core violations of WCAG 2.2 AA.

axe-core comes from npm at the version package-lock.json pins (``make test`` runs ``npm ci``);
it runs in the system's Chromium, driven by Playwright, over the default report built once
for the test run. Playwright never downloads a browser here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules/axe-core/axe.min.js"
CHROMIUM = os.environ.get("SAFEGUARDING_REPORT_CHROMIUM", "/usr/bin/chromium")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe(html: Path) -> list[dict[str, Any]]:
    """axe-core's violations of ``TAGS`` on the page at ``html``."""
    from playwright.sync_api import sync_playwright

    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make test does) to install axe-core"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            # The report's Content-Security-Policy forbids every script, axe's included.
            context = browser.new_context(bypass_csp=True)
            page = context.new_page()
            page.goto(html.as_uri())
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            result: dict[str, Any] = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
            )
        finally:
            browser.close()
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule broken, with the first few elements that break it."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + json.dumps([n["target"] for n in v["nodes"][:3]])
        for v in violations
    )


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
