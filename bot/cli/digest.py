"""``digest``: the week's digest as the bot would post it."""

from __future__ import annotations

import argparse

from rich.console import Console

from bot import terminal
from bot.app import Services
from bot.cli import serialize
from bot.cli.common import EXIT_OK, Handlers, Parser, Subcommands, emit


def add_commands(commands: Subcommands, common: Parser) -> Handlers:
    digest = commands.add_parser("digest", parents=[common], help="print a week's digest")
    digest.add_argument(
        "--week", help="an ISO week such as 2026-W48 (default: the week a post now covers)"
    )
    return {"digest": _digest}


async def _digest(args: argparse.Namespace, services: Services, out: Console) -> int:
    digest = await services.digest.digest(args.guild, args.week)
    emit(out, args, serialize.digest_json(digest), terminal.render_digest(digest, args.lang))
    return EXIT_OK
