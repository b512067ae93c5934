"""What every subcommand group of the CLI shares: the parser class, the handler shapes,
the exit codes and the one way a result is printed (``--json`` or the terminal)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from rich.console import Console, RenderableType

from bot.app import Services

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

# A subcommand that works on the open services; the key is "command" or "command action".
Handler = Callable[[argparse.Namespace, Services, Console], Awaitable[int]]
Handlers = dict[str, Handler]
# A `db` subcommand: it works on the file itself, without opening (so migrating) it.
DbHandler = Callable[[argparse.Namespace, Path, Console], Awaitable[int]]


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


# Quoted: argparse's action class is generic to type checkers only.
Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"


def emit(
    out: Console, args: argparse.Namespace, document: dict[str, Any], human: RenderableType
) -> None:
    if args.json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(human)
