"""What every subcommand group of the CLI shares: the parser class, the handler shapes,
the exit codes, the language and console of a run, and the one way a result is printed
(``--json`` or the terminal)."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from rich.console import Console, RenderableType

from bot.app import Services
from locales import ENGLISH, KOREAN

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

# Wide enough that no line a command prints is ever wrapped or cut when the output goes to
# a pipe or a file (`feeds list | grep` keeps whole URLs); rich pads nothing to this width.
PIPE_WIDTH = 1_000_000

# A subcommand that works on the open services; the key is "command" or "command action".
Handler = Callable[[argparse.Namespace, Services, Console], Awaitable[int]]
Handlers = dict[str, Handler]
# A `db` subcommand: it works on the file itself, without opening (so migrating) it.
DbHandler = Callable[[argparse.Namespace, Path, Console], Awaitable[int]]

_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)'")


def bot_version() -> str:
    """The installed package's version (the one ``--version`` and ``/status`` show)."""
    try:
        return version("roundup-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def did_you_mean(word: str, known: list[str]) -> str | None:
    """The closest of ``known`` to a misspelt ``word``, or None when nothing is close."""
    found = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return found[0] if found else None


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as its usage and one ``error:`` line, with a
    suggestion for a misspelt subcommand or option. An unknown word is refused by the
    subcommand that met it (its own usage), never taken as a search word."""

    def parse_known_args(  # type: ignore[override]
        self, args: list[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self._unknown(extras)
        return parsed, extras

    def _unknown(self, extras: list[str]) -> NoReturn:
        first = extras[0]
        if first.startswith("-"):
            option = first.partition("=")[0]
            message = f"unknown option {option}"
            hint = did_you_mean(option, self._options())
        else:
            message = f"unexpected argument {first!r}"
            # `wek:2026-W48` typed as in the console: the option it was meant to be.
            key, colon, _ = first.partition(":")
            hint = did_you_mean(f"--{key}", self._options()) if colon and key else None
        if hint:
            message += f"; did you mean {hint}?"
        self.error(message)

    def _options(self) -> list[str]:
        return [name for name in self._option_string_actions if name.startswith("--")]

    def error(self, message: str) -> NoReturn:
        if (match := _INVALID_CHOICE.search(message)) is not None:
            word = match.group(1)
            message = f"unknown command {word!r}"
            if (hint := did_you_mean(word, self._subcommands())) is not None:
                message += f"; did you mean {hint!r}?"
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"error: {message} (see {self.prog} --help)\n")

    def _subcommands(self) -> list[str]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices)
        return []


# Quoted: argparse's action class is generic to type checkers only.
Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"


def language_from(chosen: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The language of a run at a terminal: ``--lang`` when given, else the locale the
    terminal declares (``LC_ALL``, ``LC_MESSAGES``, then ``LANG``, as gettext reads them):
    ``ko_KR.UTF-8`` is Korean, anything else English."""
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := environ.get(name):
            return KOREAN if value.lower().startswith("ko") else ENGLISH
    return ENGLISH


def make_console(*, stderr: bool = False) -> Console:
    """A console that may wrap on a terminal but never cuts: to a pipe or a file every line
    is printed whole (no wrapping, no width)."""
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(highlight=False, stderr=stderr)
    return Console(highlight=False, stderr=stderr, soft_wrap=True, width=PIPE_WIDTH)


def emit(
    out: Console, args: argparse.Namespace, document: dict[str, Any], human: RenderableType
) -> None:
    if args.json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(human)
