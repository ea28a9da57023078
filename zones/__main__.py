"""``python -m zones``: see ``zones.cli.main``."""

import sys

from zones.cli.main import main

sys.exit(main())
