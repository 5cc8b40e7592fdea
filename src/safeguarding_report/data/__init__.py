"""Read the DfE's published statistics as published and return tidy tables.

``Published`` is the entry point; ``Area`` names England, a region or a local authority;
``Source`` is a file's publication metadata. Which file holds what is in ``catalogue``.
"""

from __future__ import annotations

from safeguarding_report.data.areas import Area
from safeguarding_report.data.catalogue import Source
from safeguarding_report.data.neighbours import NeighbourGroup
from safeguarding_report.data.published import Published, Rank

__all__ = ["Area", "NeighbourGroup", "Published", "Rank", "Source"]
