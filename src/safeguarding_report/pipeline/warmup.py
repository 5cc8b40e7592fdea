"""Work done once in the process sections are forked from, so that no section repeats it.

Imported with the sections' modules (``runner.PRELOAD``, by ``runner.prepare`` or the
forkserver) after pandas, matplotlib and the library: it compiles nbformat's notebook schema
(papermill checks the notebook against it each time it reads or saves one), loads Pillow's
image formats (the first chart would) and hashes the library's own code (part of every
parse-cache key). Each section's process is forked with all three done, and with everything
imported set aside (``runner.set_aside``: in the forkserver, which calls nothing else). Nothing
here runs a section's code or holds a section's state.
"""

from __future__ import annotations

import nbformat
import PIL.Image
from nbformat.v4 import new_notebook

from safeguarding_report.core.store import library_digest
from safeguarding_report.pipeline import runner

nbformat.validate(new_notebook())  # nbformat keeps the compiled validator for the process
PIL.Image.preinit()
library_digest()  # kept by functools.cache
runner.set_aside()  # last: PRELOAD imports this module last
