"""Work done once in the section server, so that no section's process repeats it.

Imported by the server (``execute.PRELOAD``) after pandas, matplotlib and the library: it
compiles nbformat's notebook schema (papermill checks the notebook against it each time it
reads or saves one) and hashes the library's own code (part of every parse-cache key). Each
section's process is forked from the server with both already done. Nothing here runs a
section's code or holds a section's state.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_notebook

from safeguarding_report.cache import library_digest

nbformat.validate(new_notebook())  # nbformat keeps the compiled validator for the process
library_digest()  # kept by functools.cache
