"""Run the XAPI simulator: ``python tests/simulator/xapi_sim.py --help``."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from xapisim.cli import main  # noqa: E402  pylint: disable=wrong-import-position

if __name__ == "__main__":
    sys.exit(main())
