"""``python -m adaptive_splitters.cli``."""

import sys

from adaptive_splitters.cli import main

sys.exit(main())
