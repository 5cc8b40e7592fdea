"""Build a Local Safeguarding Children Partnership yearly report."""

import os

# Arrow (which pandas imports) allocates from the C library's malloc, not from its default
# pool, mimalloc, which keeps what was freed for reuse, thread by thread: a process that checked
# the Benchmarking Data Set held some 75 MiB more at its end, and every process of a build some
# 7 MiB more from its start, for no gain in speed here. Arrow reads this when it first
# allocates, so it is set before pandas is imported; a value already set is kept.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
