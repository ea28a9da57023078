"""``python -m zones``: see ``zones.cli``."""

import sys

from zones.cli import main

sys.exit(main())
