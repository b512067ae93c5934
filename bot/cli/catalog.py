"""``companies add`` and ``companies alias``: the companies the bot recognises."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.text import Text

from bot.app import Services
from bot.cli import serialize
from bot.cli.common import EXIT_OK, Handlers, Parser, Subcommands, emit
from locales import t
from news.core.models import Company


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
    company = await services.archive.add_company(args.name, args.english, args.alias)
    human = Text(t(args.lang, "terminal.company_added", name=company.name))
    emit(out, args, _company_document(company), human)
    return EXIT_OK


async def _companies_alias(args: argparse.Namespace, services: Services, out: Console) -> int:
    company = await services.archive.add_alias(args.company, args.alias)
    human = Text(t(args.lang, "terminal.alias_added", name=company.name, alias=args.alias))
    emit(out, args, _company_document(company), human)
    return EXIT_OK


def _company_document(company: Company) -> dict[str, Any]:
    return {"company": serialize.company_identity_json(company)}
