"""The local console: the slash commands, typed at a terminal, against the local archive.

``/company 엔비디아``, ``/headlines 보안 week:2026-W48``, ``/roundup``, ``/import path``.
On a terminal it keeps a history; when standard input is not a terminal it reads one
command per line and exits at end of input.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from bot import terminal
from locales import ENGLISH, t
from news.archive.importing import ImportRequest
from news.archive.service import ArchiveService
from news.core.decoding import decode_article
from news.core.errors import InvalidInput, RoundupError
from news.core.weeks import parse_date

HISTORY_FILE = Path("data/.console_history")
PROMPT = "roundup> "

HELP = t(ENGLISH, "console.help")


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    words: list[str]
    options: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def parse_command(line: str) -> ParsedCommand | None:
    """Split ``/name words key:value`` into its parts; None for a blank line."""
    try:
        tokens = shlex.split(line)
    except ValueError:
        raise InvalidInput("console.unclosed_quote") from None
    if not tokens:
        return None
    name = tokens[0].lstrip("/").lower()
    words: list[str] = []
    options: dict[str, str] = {}
    for token in tokens[1:]:
        key, sep, value = token.partition(":")
        if sep and key in {"week", "company", "topic", "page", "date", "title"}:
            options[key] = value
        else:
            words.append(token)
    return ParsedCommand(name, words, options)


class LocalConsole:
    def __init__(self, archive: ArchiveService, out: Console, guild_id: int) -> None:
        self._archive = archive
        self._out = out
        self._guild_id = guild_id
        self._commands: dict[str, Callable[[ParsedCommand], Awaitable[None]]] = {
            "company": self._company,
            "headlines": self._headlines,
            "roundup": self._roundup,
            "import": self._import,
            "weeks": self._weeks,
            "help": self._help,
        }

    async def run(self) -> None:
        if sys.stdin.isatty():
            await self._run_interactive()
        else:
            for line in sys.stdin:
                await self.execute(line)

    async def _run_interactive(self) -> None:
        history = _History(HISTORY_FILE)
        self._out.print("roundup-bot console. Type /help for commands, /quit to leave.")
        while True:
            try:
                line = await asyncio.to_thread(input, PROMPT)
            except EOFError:
                break
            if line.strip().lower() in {"/quit", "/exit", "quit", "exit"}:
                break
            await self.execute(line)
        history.save()

    async def execute(self, line: str) -> None:
        """Run one command line; every failure is reported as one line, never raised."""
        try:
            command = parse_command(line)
            if command is None:
                return
            handler = self._commands.get(command.name)
            if handler is None:
                raise InvalidInput("console.unknown_command", name=command.name)
            await handler(command)
        except RoundupError as error:
            self._out.print(Text(f"error: {error}", style="red"))

    async def _company(self, command: ParsedCommand) -> None:
        lookup = await self._archive.lookup_company(self._guild_id, command.text)
        self._out.print(terminal.render_company(lookup))

    async def _headlines(self, command: ParsedCommand) -> None:
        page = await self._archive.search_headlines(
            self._guild_id,
            command.text,
            week=command.options.get("week"),
            company=command.options.get("company"),
            topic=command.options.get("topic"),
            page=_page_number(command.options.get("page", "1")),
        )
        self._out.print(terminal.render_headlines(page))

    async def _roundup(self, command: ParsedCommand) -> None:
        week = command.options.get("week") or command.text or None
        self._out.print(terminal.render_roundup(await self._archive.roundup(self._guild_id, week)))

    async def _import(self, command: ParsedCommand) -> None:
        if not command.text:
            raise InvalidInput("console.which_file")
        path = Path(command.text)
        try:
            data = await asyncio.to_thread(_read_bytes, path)
        except (OSError, ValueError, RuntimeError):
            # ValueError: a NUL in the path; RuntimeError: ~user of an unknown user.
            raise InvalidInput("console.cannot_read", path=command.text) from None
        date = command.options.get("date")
        request = ImportRequest(
            guild_id=self._guild_id,
            text=decode_article(data),
            filename=path.name,
            day=parse_date(date) if date else None,
            title=command.options.get("title"),
        )
        self._out.print(terminal.render_import(await self._archive.import_roundup(request)))

    async def _weeks(self, command: ParsedCommand) -> None:
        self._out.print(terminal.render_weeks(await self._archive.weeks(self._guild_id)))

    async def _help(self, command: ParsedCommand) -> None:
        self._out.print(Text(HELP))


def _read_bytes(path: Path) -> bytes:
    file = path.expanduser()
    if not file.is_file():  # a device such as /dev/zero would be read forever
        raise FileNotFoundError(path)
    return file.read_bytes()


def _page_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput("console.bad_page", text=text[:20]) from None


class _History:
    """Line history of the interactive console, kept between sessions when readline exists."""

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            import readline
        except ImportError:  # not on every platform; the console works without it
            self._readline = None
            return
        self._readline = readline
        if path.exists():
            readline.read_history_file(path)

    def save(self) -> None:
        if self._readline is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._readline.set_history_length(1000)
        self._readline.write_history_file(self._path)
