"""``python -m emissions.estimator``: see ``cli.py``."""

import sys

from .cli import main

sys.exit(main())
