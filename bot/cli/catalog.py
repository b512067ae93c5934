"""``companies add`` and ``companies alias``: the companies the bot recognises."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.text import Text

from bot.app import Services
from bot.cli import serialize
from bot.cli.common import EXIT_OK, Handlers, Parser, Subcommands, emit
from locales import t
from news.archive.retagging import Retag
from news.archive.service import CatalogChange

PROGRESS_INTERVAL = 0.2  # seconds between updates of the progress bar


def add_commands(commands: Subcommands, common: Parser) -> Handlers:
    companies = commands.add_parser("companies", help="add companies or aliases")
    actions = companies.add_subparsers(dest="action", required=True, parser_class=Parser)
    add = actions.add_parser("add", parents=[common], help="add a company")
    add.add_argument("name")
    add.add_argument("--english", help="its English name")
    add.add_argument("--alias", action="append", default=[], help="another name (repeatable)")
    alias = actions.add_parser("alias", parents=[common], help="add an alias to a company")
    alias.add_argument("company")
    alias.add_argument("alias")
    return {"companies add": _companies_add, "companies alias": _companies_alias}


async def _companies_add(args: argparse.Namespace, services: Services, out: Console) -> int:
    change = await services.archive.add_company(
        args.name, args.english, args.alias, guild_id=args.guild
    )
    await _wait_for_retag(change.retag, args.lang, show=not args.json)
    added = t(args.lang, "terminal.company_added", name=change.company.name)
    emit(
        out,
        args,
        _company_document(change),
        Text(f"{added} {_retag_line(change.retag, args.lang)}"),
    )
    return EXIT_OK


async def _companies_alias(args: argparse.Namespace, services: Services, out: Console) -> int:
    change = await services.archive.add_alias(args.company, args.alias, guild_id=args.guild)
    await _wait_for_retag(change.retag, args.lang, show=not args.json)
    added = t(args.lang, "terminal.alias_added", name=change.company.name, alias=args.alias)
    emit(
        out,
        args,
        _company_document(change),
        Text(f"{added} {_retag_line(change.retag, args.lang)}"),
    )
    return EXIT_OK


async def _wait_for_retag(retag: Retag, language: str, *, show: bool) -> None:
    """A big archive is re-tagged in the background: the command waits for it, with a
    progress bar on a terminal."""
    if not retag.in_background:
        return
    if not (show and sys.stderr.isatty()):
        await retag.wait()
        return
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(t(language, "terminal.retagging"), total=retag.total)
        while retag.in_background:
            progress.update(task, completed=retag.done)
            await asyncio.sleep(PROGRESS_INTERVAL)
        await retag.wait()


def _retag_line(retag: Retag, language: str) -> str:
    return t(language, "terminal.retagged", changed=retag.changed, total=retag.total)


def _company_document(change: CatalogChange) -> dict[str, Any]:
    return {
        "company": serialize.company_identity_json(change.company),
        "retagged": {"headlines": change.retag.total, "changed": change.retag.changed},
    }
