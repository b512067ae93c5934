"""``import``, ``company``, ``headlines``, ``roundup``, ``roundups`` and ``weeks``: filling the
archive and asking it questions.

``roundup`` shows a week's roundups (all of them: the week's digest carries them all),
``roundup --id ID`` one of them, and ``roundup delete ID`` deletes one. The action is an
optional positional, so ``roundup --week W`` keeps working as before.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.progress import Progress

from bot import terminal
from bot.app import Services
from bot.cli import serialize
from bot.cli.common import EXIT_ERROR, EXIT_OK, Handlers, Parser, Subcommands, emit
from news.archive.importing import ImportRequest
from news.core.decoding import decode_article
from news.core.errors import InvalidInput
from news.core.models import ImportResult
from news.core.weeks import parse_date
from news.feeds.service import article_import_request


def add_commands(commands: Subcommands, common: Parser) -> Handlers:
    importer = commands.add_parser("import", parents=[common], help="import a roundup article")
    importer.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=".txt, .md or .html files, - for stdin, or http(s) URLs of web articles",
    )
    importer.add_argument("--date", help="the roundup's date, YYYY-MM-DD (default: today)")
    importer.add_argument("--title")
    importer.add_argument("--publisher")

    company = commands.add_parser("company", parents=[common], help="look up a company")
    company.add_argument("name")

    headlines = commands.add_parser("headlines", parents=[common], help="search headlines")
    headlines.add_argument("query", nargs="?", default="")
    headlines.add_argument("--week", help="an ISO week such as 2026-W48")
    headlines.add_argument("--company")
    headlines.add_argument("--topic")
    headlines.add_argument("--page", type=int, default=1)
    headlines.add_argument("--per-page", type=int, default=10)

    roundup = commands.add_parser(
        "roundup", parents=[common], help="show a week's roundups, or one; delete one"
    )
    roundup.add_argument(
        "roundup_action", nargs="?", choices=["delete"], metavar="delete", help="delete ID"
    )
    roundup.add_argument("target", nargs="?", type=int, metavar="ID", help="the roundup to delete")
    roundup.add_argument("--week", help="an ISO week such as 2026-W48 (default: latest)")
    roundup.add_argument("--id", type=int, dest="roundup_id", help="one roundup, by its id")

    roundups = commands.add_parser("roundups", parents=[common], help="list the roundups")
    roundups.add_argument("--week", help="only this ISO week, such as 2026-W48")

    commands.add_parser("weeks", parents=[common], help="list the weeks in the archive")
    return {
        "import": _import,
        "company": _company,
        "headlines": _headlines,
        "roundup": _roundup,
        "roundups": _roundups,
        "weeks": _weeks,
    }


async def _import(args: argparse.Namespace, services: Services, out: Console) -> int:
    requests = [await _import_request(args, name, services) for name in args.files]
    results = await _import_with_progress(services, requests, show=not args.json)
    if len(results) == 1:
        document = serialize.import_json(results[0])
    else:
        document = {"imports": [serialize.import_json(result) for result in results]}
    emit(out, args, document, Group(*(terminal.render_import(r) for r in results)))
    return EXIT_OK


async def _import_request(args: argparse.Namespace, name: str, services: Services) -> ImportRequest:
    day = parse_date(args.date) if args.date else None
    if name.lower().startswith(("http://", "https://")):
        article = await services.feeds.fetch_article(name)
        request = article_import_request(args.guild, article, day=day, title=args.title, url=name)
        return replace(request, publisher=args.publisher or request.publisher)
    data = sys.stdin.buffer.read() if name == "-" else _read_file(name)
    return ImportRequest(
        guild_id=args.guild,
        text=decode_article(data),
        filename=None if name == "-" else name,
        day=day,
        title=args.title,
        publisher=args.publisher,
    )


async def _import_with_progress(
    services: Services, requests: list[ImportRequest], *, show: bool
) -> list[ImportResult]:
    if not (show and sys.stderr.isatty()):
        return await services.archive.import_roundups(requests)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        # One file has no steps worth counting: the bar just shows it is working.
        task = progress.add_task("Importing", total=len(requests) if len(requests) > 1 else None)
        return await services.archive.import_roundups(
            requests, on_imported=lambda _: progress.advance(task)
        )


def _read_file(name: str) -> bytes:
    path = Path(name)
    if not path.is_file():
        raise InvalidInput("cli.no_such_file", name=name)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput("cli.cannot_read", name=name, reason=error.strerror) from None


async def _company(args: argparse.Namespace, services: Services, out: Console) -> int:
    lookup = await services.archive.lookup_company(args.guild, args.name)
    emit(out, args, serialize.company_json(lookup), terminal.render_company(lookup))
    return EXIT_OK if lookup.report else EXIT_ERROR


async def _headlines(args: argparse.Namespace, services: Services, out: Console) -> int:
    page = await services.archive.search_headlines(
        args.guild,
        args.query,
        week=args.week,
        company=args.company,
        topic=args.topic,
        page=args.page,
        per_page=args.per_page,
    )
    emit(out, args, serialize.headlines_json(page), terminal.render_headlines(page))
    return EXIT_OK


async def _roundup(args: argparse.Namespace, services: Services, out: Console) -> int:
    if args.roundup_action == "delete":
        if args.target is None or args.week or args.roundup_id is not None:
            raise InvalidInput("cli.roundup_delete_usage")
        deleted = await services.archive.delete_roundup(args.guild, args.target)
        document = {"deleted": {"id": deleted.id, **serialize.roundup_ref_json(deleted)}}
        emit(out, args, document, f"Deleted {deleted.title} ({deleted.week}).")
        return EXIT_OK
    if args.target is not None:
        raise InvalidInput("cli.roundup_delete_usage")
    if args.roundup_id is not None:
        if args.week:
            raise InvalidInput("cli.roundup_id_or_week")
        one = await services.archive.roundup_by_id(args.guild, args.roundup_id)
        emit(out, args, serialize.roundup_json(one), terminal.render_roundup(one))
        return EXIT_OK
    found = await services.archive.week_roundups(args.guild, args.week)
    # "roundup" stays the week's first roundup, as before there could be several.
    shown: dict[str, Any] = {
        **serialize.roundup_json(found[0]),
        "roundups": list(map(serialize.roundup_json, found)),
    }
    emit(out, args, shown, Group(*map(terminal.render_roundup, found)))
    return EXIT_OK


async def _roundups(args: argparse.Namespace, services: Services, out: Console) -> int:
    listed = await services.archive.roundups(args.guild, args.week)
    emit(out, args, serialize.roundups_json(listed), terminal.render_roundups(listed))
    return EXIT_OK


async def _weeks(args: argparse.Namespace, services: Services, out: Console) -> int:
    weeks = await services.archive.weeks(args.guild)
    emit(out, args, serialize.weeks_json(weeks), terminal.render_weeks(weeks))
    return EXIT_OK
