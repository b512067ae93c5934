"""The command line: ``python -m bot <subcommand>``.

Every subcommand takes ``--guild ID`` (default: the local console's own space), ``--json``
and ``--lang ko|en``. Bad input prints one line on stderr and exits non-zero, never a
traceback; a usage mistake prints the usage above that line.

This module builds the parser and dispatches; each subcommand group is its own module:
``run`` (start, run, console, sync), ``archive`` (import, company, headlines, roundup,
weeks), ``digest``, ``catalog`` (companies), ``feeds`` and ``db``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack

from pydantic import ValidationError

from bot.app import open_services
from bot.cli import archive, catalog, db, digest, feeds, run
from bot.cli.common import (
    EXIT_ERROR,
    EXIT_USAGE,
    Handlers,
    Parser,
    bot_version,
    language_from,
    make_console,
)
from bot.cli.database_path import DatabasePathProblem, check_database_path
from bot.logs import configure_logging
from bot.settings import Settings
from db import DatabaseUnavailable, SchemaError
from db.sqlite.maintenance import MaintenanceError
from locales import LANGUAGES
from news.core.errors import RoundupError
from news.core.models import LOCAL_GUILD_ID

log = logging.getLogger(__name__)


def _server_id(text: str) -> int:
    """A Discord id: SQLite stores it in a signed 64-bit integer, so a larger one would fail
    deep inside a query instead of here."""
    value = int(text)
    if not 0 <= value < 2**63:
        raise ValueError(text)
    return value


_server_id.__name__ = "server id"  # argparse names the type in its error: "invalid server id"


def build_parser() -> tuple[Parser, Handlers]:
    """The parser with every subcommand, in the order --help lists them; their handlers."""
    parser = Parser(prog="python -m bot", description="roundup-bot: weekly tech-news roundups.")
    parser.add_argument("--version", action="version", version=f"roundup-bot {bot_version()}")
    common = Parser(add_help=False)
    common.add_argument("--guild", type=_server_id, default=LOCAL_GUILD_ID, help="server id")
    common.add_argument("--json", action="store_true", help="print one JSON document")
    common.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    common.add_argument(
        "--lang",
        choices=sorted(LANGUAGES),
        help="the language of answers and errors (default: from LC_ALL, LC_MESSAGES or LANG)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    handlers: Handlers = {}
    for group in (run, archive, digest, catalog, feeds):
        handlers |= group.add_commands(commands, common)
    db.add_commands(commands, common)
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    args.lang = language_from(args.lang)
    try:
        settings = Settings()
    except ValidationError as error:
        return _fail(_settings_problem(error), EXIT_USAGE)
    configure_logging(_log_level(args, settings), settings.log_format)
    return _run(args, settings, handlers)


def _log_level(args: argparse.Namespace, settings: Settings) -> str:
    """The bot and a polling loop log as configured. A one-shot command or the console
    answers on stdout and reports a refusal in its one ``error:`` line, so it logs only
    errors (a refused address would otherwise be told twice), unless LOG_LEVEL=DEBUG."""
    running = args.command in ("run", "start", "sync") or (
        args.command == "feeds" and args.action == "poll" and not args.once
    )
    if running or settings.log_level == "DEBUG" or settings.log_level in ("ERROR", "CRITICAL"):
        return settings.log_level
    return "ERROR"


def _run(args: argparse.Namespace, settings: Settings, handlers: Handlers) -> int:
    """The command's exit code; a failure is one line on stderr in the reader's language."""
    try:
        return asyncio.run(_dispatch(args, settings, handlers))
    except KeyboardInterrupt:
        return 130
    except (DatabasePathProblem, DatabaseUnavailable) as problem:
        # A database that cannot be opened or reached: a settings matter, exit 2.
        message = (
            problem.message_in(args.lang)
            if isinstance(problem, DatabasePathProblem)
            else str(problem)
        )
        return _fail(message, EXIT_USAGE)
    except RoundupError as error:
        return _fail(error.message_in(args.lang), EXIT_ERROR)
    except (MaintenanceError, SchemaError) as error:
        return _fail(str(error), EXIT_ERROR)
    except Exception as error:
        if args.debug:
            raise
        log.debug("unexpected failure in %s", args.command, exc_info=True)
        return _fail(f"unexpected failure ({type(error).__name__}); rerun with --debug", 1)


async def _dispatch(args: argparse.Namespace, settings: Settings, handlers: Handlers) -> int:
    out = make_console()
    if settings.database_dsn is None or (args.command == "db" and args.action == "copy"):
        # DATABASE_PATH is ignored when DATABASE_URL selects PostgreSQL, except as the
        # SQLite archive ``db copy`` reads.
        check_database_path(settings.database_path, creating=args.command != "db")
    if (code := await run.before_services(args, settings, out)) is not None:
        return code
    if args.command == "db":
        # Not through open_services: that migrates at open, and these must not.
        return await db.dispatch(args, settings, out)
    async with AsyncExitStack() as stack:
        try:
            services = await stack.enter_async_context(open_services(settings))
        except (sqlite3.DatabaseError, OSError) as error:
            if settings.database_dsn is not None:
                raise
            raise DatabasePathProblem(
                "database_path.unreadable",
                path=str(settings.database_path),
                reason=(error.strerror if isinstance(error, OSError) else None) or str(error),
            ) from None
        return await handlers[_handler_key(args)](args, services, out)
    raise AssertionError("unreachable")  # pragma: no cover - the block returns or raises


def _handler_key(args: argparse.Namespace) -> str:
    if args.command in ("companies", "feeds"):
        return f"{args.command} {args.action}"
    return str(args.command)


def _settings_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    name = ".".join(str(part) for part in first["loc"]).upper()
    message = str(first["msg"]).removeprefix("Value error, ")
    # A rule across settings (SHARD_IDS against SHARD_COUNT) names them in its message.
    return f"setting {name}: {message}" if name else f"settings: {message}"


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"error: {_one_line(message)}\n")
    return code


def _one_line(message: str) -> str:
    """Input echoed in a message stays on its line: newlines and controls shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
