"""``start``, ``run``, ``console`` and ``sync``: the bot on Discord, or the local console."""

from __future__ import annotations

import argparse

from rich.console import Console

from bot.app import Services, ensure_sample
from bot.cli.common import Handlers, Parser, Subcommands, make_console
from bot.settings import Settings
from locales import t


def add_commands(commands: Subcommands, common: Parser) -> Handlers:
    commands.add_parser("start", parents=[common], help="run the bot, or the console without token")
    commands.add_parser("run", parents=[common], help="connect to Discord (needs DISCORD_TOKEN)")
    commands.add_parser("console", parents=[common], help="the local console")
    sync = commands.add_parser("sync", parents=[common], help="sync the slash commands")
    sync.add_argument("--global", dest="everywhere", action="store_true", help="to all servers")
    return {"start": _console, "console": _console}


async def before_services(args: argparse.Namespace, settings: Settings, out: Console) -> int | None:
    """``run``, ``sync`` and ``start`` with a token: the bot, which opens its own services
    (an exit code). None when the command goes on to the services: ``start`` without a
    token says it opens the console instead."""
    if args.command == "run" or (args.command == "start" and settings.has_token):
        from bot.client import run_bot

        return await run_bot(settings)
    if args.command == "sync":
        from bot.client import sync_commands

        return await sync_commands(settings, everywhere=args.everywhere)
    if args.command == "start":
        out.print(t(args.lang, "terminal.no_token_console"), style="dim")
    return None


async def _console(args: argparse.Namespace, services: Services, out: Console) -> int:
    from bot.console import LocalConsole

    if await ensure_sample(services.archive):
        out.print(t(args.lang, "terminal.sample_loaded"), style="dim")
    err = make_console(stderr=True)
    return await LocalConsole(services, out, err, args.guild, args.lang).run()
