"""A word longer than its line (a pasted link, a run of letters with no space) breaks at the
line's end in every page the kit writes, instead of making the page wider than the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CHROMIUM
from safeguarding_report.workflows import review
from test_draft_review import _drafts

WORD = "a" * 100_000
WIDTHS = (1200, 360)  # a desktop browser, and a phone held upright


def page_widths(html: Path) -> dict[int, int]:
    """The page's scrolling width at each window width of ``WIDTHS``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            page.goto(html.as_uri())
            widths = {}
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                widths[width] = page.evaluate("document.documentElement.scrollWidth")
            return widths
        finally:
            browser.close()


def with_long_word(page: Path, into: Path) -> Path:
    """``page`` with a paragraph holding ``WORD`` at the start of its main content."""
    text = page.read_text(encoding="utf-8")
    text, added = re.subn(r"(<main\b[^>]*>)", rf"\1<p>A long word: {WORD} ends here.</p>", text)
    assert added == 1, page
    into.write_text(text, encoding="utf-8")
    return into


@pytest.mark.parametrize("name", ["report.html", "cover-report.html"])
def test_a_long_word_does_not_widen_the_report_or_its_cover(
    default_report: Path, tmp_path: Path, name: str
) -> None:
    before = page_widths(default_report / name)
    after = page_widths(with_long_word(default_report / name, tmp_path / name))
    assert after == before, f"{name}: {before} without the word, {after} with it"
    assert after[WIDTHS[0]] == WIDTHS[0]


def test_a_long_word_does_not_widen_the_review_page(tmp_path: Path) -> None:
    _drafts(tmp_path, (f"# Reviews\n\nBefore {WORD}.", f"# Reviews\n\nAfter {WORD}."), ("7", "7"))
    written, _ = review.write(tmp_path / "old", tmp_path / "new")
    assert WORD in written.read_text(encoding="utf-8")
    assert page_widths(written) == {width: width for width in WIDTHS}
