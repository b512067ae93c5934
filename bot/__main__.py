"""``python -m bot``: the command line of roundup-bot."""

import sys

from bot.cli import main

sys.exit(main())
