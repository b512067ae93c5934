"""The local console: the slash commands, typed at a terminal, against the local archive.

``/company 엔비디아``, ``/headlines 보안 week:2026-W48``, ``/roundup``, ``/import path``, and
the server commands (``/digest``, ``/feed``, ``/subscribe``, ``/setup``, ``/status``; see
``bot.console_admin``) on the same services as the bot, as one console member.

On a terminal it keeps a history; Ctrl-C drops the line being typed or cancels the running
command, and ``/quit``, ``/exit`` or Ctrl-D leave. When standard input is not a terminal it
reads one command per line and exits at end of input (or at ``/quit``): 0 when every command
succeeded, 1 when one failed (like ``sqlite3`` in batch mode); the others still run.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from bot import console_admin, console_feeds, terminal
from bot.app import Services
from bot.cli.common import EXIT_ERROR, EXIT_OK, did_you_mean
from bot.console_prompt import Prompt
from locales import t
from news.archive.importing import ImportRequest
from news.core.decoding import decode_article
from news.core.errors import InvalidInput, RoundupError
from news.core.weeks import parse_date

HISTORY_FILE = Path("data/.console_history")
PROMPT = "roundup> "
QUIT = frozenset({"/quit", "/exit", "quit", "exit"})

# The options (``name:value``) each command takes; a word of that shape that is not one of
# them is refused, never searched for.
OPTIONS: dict[str, frozenset[str]] = {
    "company": frozenset(),
    "headlines": frozenset({"week", "company", "topic", "page"}),
    "roundup": frozenset({"week"}),
    "import": frozenset({"date", "title"}),
    "weeks": frozenset(),
    "help": frozenset(),
    **console_admin.OPTIONS,
}
_OPTION = re.compile(r"([a-z][a-z-]*):(?!//)(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    words: list[str]
    options: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def parse_command(line: str) -> ParsedCommand | None:
    """Split ``/name [action] words key:value`` into its parts; None for a blank line.

    ``name`` is ``digest preview`` for a command with actions. InvalidInput for an unknown
    command or option (with the nearest known one), or an open quote."""
    try:
        tokens = shlex.split(line)
    except ValueError:
        raise InvalidInput("console.unclosed_quote") from None
    if not tokens:
        return None
    name = tokens[0].lstrip("/").lower()
    rest = tokens[1:]
    if name in console_admin.ACTIONS:
        name = console_admin.command_name(name, rest[0].lower() if rest else "")
        rest = rest[1:]
    if name not in OPTIONS:
        _unknown_command(name)
    words: list[str] = []
    options: dict[str, str] = {}
    for token in rest:
        match = _OPTION.fullmatch(token)
        if match is None or _quoted(token, line):
            words.append(token)
        elif match.group(1) in OPTIONS[name]:
            options[match.group(1)] = match.group(2)
        else:
            _unknown_option(name, match.group(1))
    return ParsedCommand(name, words, options)


def _quoted(token: str, line: str) -> bool:
    return f'"{token}"' in line or f"'{token}'" in line


def _unknown_command(name: str) -> None:
    group, _, action = name.partition(" ")
    if action or group in console_admin.ACTIONS:
        console_admin.unknown_action(group, action)
    hint = did_you_mean(name, [*OPTIONS, *console_admin.ACTIONS])
    if hint is None:
        raise InvalidInput("console.unknown_command", name=name)
    raise InvalidInput("console.unknown_command_suggest", name=name, hint=hint)


def _unknown_option(command: str, option: str) -> None:
    known = sorted(OPTIONS[command])
    hint = did_you_mean(option, known)
    if hint is not None:
        raise InvalidInput(
            "console.unknown_option_suggest", command=command, option=option, hint=hint
        )
    shown = ", ".join(f"{name}:" for name in known) or "-"
    raise InvalidInput("console.unknown_option", command=command, option=option, known=shown)


class LocalConsole:
    def __init__(
        self, services: Services, out: Console, err: Console, guild_id: int, language: str
    ) -> None:
        self._archive = services.archive
        self._out = out
        self._err = err
        self._guild_id = guild_id
        self._language = language
        self._admin = console_admin.ServerCommands(services, out, guild_id, language)
        self._feeds = console_feeds.FeedCommands(services, out, guild_id, language)
        self._commands: dict[str, Callable[[ParsedCommand], Awaitable[None]]] = {
            "company": self._company,
            "headlines": self._headlines,
            "roundup": self._roundup,
            "import": self._import,
            "weeks": self._weeks,
            "help": self._help,
        }

    async def run(self) -> int:
        """Read commands until the end; the exit code."""
        if sys.stdin.isatty():
            return await self._run_interactive()
        failed = False
        for line in sys.stdin:
            if line.strip().lower() in QUIT:
                break
            failed = not await self.execute(line) or failed
        return EXIT_ERROR if failed else EXIT_OK

    async def _run_interactive(self) -> int:
        prompt = Prompt(HISTORY_FILE)
        self._out.print(t(self._language, "terminal.console_banner"))
        # Between commands Ctrl-C raises KeyboardInterrupt (dropping the line being typed)
        # rather than reaching asyncio.run's handler, which would end the console: a Ctrl-C
        # arriving while the prompt is redrawn must not stop the program either.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            while True:
                try:
                    line = self._read_line(prompt)
                    if line is None or line.strip().lower() in QUIT:
                        break
                    await self._cancellable(line)
                except KeyboardInterrupt:  # between the prompt and the command: drop the line
                    self._out.print()
        finally:
            signal.signal(signal.SIGINT, previous)
            prompt.save_history()
        return EXIT_OK

    def _read_line(self, prompt: Prompt) -> str | None:
        """The next line typed; None at Ctrl-D. Ctrl-C drops the line and asks again (see
        ``bot.console_prompt``). The loop waits here: nothing else runs in the console
        meanwhile."""
        while True:
            try:
                return prompt.read_line(PROMPT)
            except KeyboardInterrupt:  # a SIGINT sent from elsewhere, e.g. kill -INT
                self._out.print()
            except EOFError:
                self._out.print()
                return None

    async def _cancellable(self, line: str) -> None:
        """Run one line; Ctrl-C cancels it and the console goes on."""
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(self.execute(line))
        loop.add_signal_handler(signal.SIGINT, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            if not task.cancelled():
                raise
            self._err.print(Text(t(self._language, "terminal.cancelled"), style="yellow"))
        finally:
            loop.remove_signal_handler(signal.SIGINT)

    async def execute(self, line: str) -> bool:
        """Run one command line; a failure is one line on stderr, never raised. False when
        the command failed."""
        try:
            command = parse_command(line)
            if command is None:
                return True
            handler = (
                self._commands.get(command.name)
                or self._feeds.handlers.get(command.name)
                or self._admin.handler(command.name)
            )
            await handler(command)
        except RoundupError as error:
            self._err.print(Text(f"error: {error.message_in(self._language)}", style="red"))
            return False
        return True

    async def _company(self, command: ParsedCommand) -> None:
        lookup = await self._archive.lookup_company(self._guild_id, command.text)
        if lookup.report is None:
            raise _unknown_company(command.text, lookup.suggestions)
        self._out.print(terminal.render_company(lookup, self._language))

    async def _headlines(self, command: ParsedCommand) -> None:
        page = await self._archive.search_headlines(
            self._guild_id,
            command.text,
            week=command.options.get("week"),
            company=command.options.get("company"),
            topic=command.options.get("topic"),
            page=_page_number(command.options.get("page", "1")),
        )
        self._out.print(terminal.render_headlines(page, self._language))

    async def _roundup(self, command: ParsedCommand) -> None:
        week = command.options.get("week") or command.text or None
        roundup = await self._archive.roundup(self._guild_id, week)
        self._out.print(terminal.render_roundup(roundup, self._language))

    async def _import(self, command: ParsedCommand) -> None:
        if not command.text:
            raise InvalidInput("console.which_file")
        path = Path(command.text)
        try:
            data = await asyncio.to_thread(_read_bytes, path)
        except IsADirectoryError:
            raise InvalidInput("console.is_directory", path=command.text) from None
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
        result = await self._archive.import_roundup(request)
        self._out.print(terminal.render_import(result, self._language))

    async def _weeks(self, command: ParsedCommand) -> None:
        weeks = await self._archive.weeks(self._guild_id)
        self._out.print(terminal.render_weeks(weeks, self._language))

    async def _help(self, command: ParsedCommand) -> None:
        self._out.print(Text(t(self._language, "console.help")))


def _unknown_company(name: str, suggestions: Sequence[str]) -> InvalidInput:
    if suggestions:
        return InvalidInput("company.unknown_suggest", name=name, hint=", ".join(suggestions))
    return InvalidInput("company.unknown", name=name)


def _read_bytes(path: Path) -> bytes:
    file = path.expanduser()
    if file.is_dir():
        raise IsADirectoryError(path)
    if not file.is_file():  # a device such as /dev/zero would be read forever
        raise FileNotFoundError(path)
    return file.read_bytes()


def _page_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput("console.bad_page", text=text[:20]) from None
