"""``python -m bot``: the command line of roundup-bot."""

import sys

from bot.cli import main

# Guarded: a bulk import's worker process imports this module again (spawn start method).
if __name__ == "__main__":
    sys.exit(main())
