"""What the readers parse from a published file, kept for the next process.

The parse cache is one of the build's kept results, with the others in ``pipeline/store.py``
(``Parsed``); ``ParseCache`` is its name for the readers in ``published.py``.
"""

from __future__ import annotations

from safeguarding_report.pipeline.store import Parsed as ParseCache

__all__ = ["ParseCache"]
