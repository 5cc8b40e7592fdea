"""``python -m safeguarding_report``: the same as the ``safeguarding-report`` command."""

import sys

from safeguarding_report.cli import main

sys.exit(main())
