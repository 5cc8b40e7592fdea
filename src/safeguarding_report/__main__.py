"""``python -m safeguarding_report``: the same as the ``safeguarding-report`` command."""

import sys

from safeguarding_report.cli import main

if __name__ == "__main__":
    sys.exit(main())
