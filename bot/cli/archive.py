"""``import``, ``company``, ``headlines``, ``roundup`` and ``weeks``: filling the archive and
asking it questions."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from rich.console import Console, Group
from rich.progress import Progress

from bot import terminal
from bot.app import Services
from bot.cli import serialize
from bot.cli.common import EXIT_ERROR, EXIT_OK, Handlers, Parser, Subcommands, emit
from news.archive.importing import ImportRequest
from news.core.decoding import MAX_ARTICLE_BYTES, decode_article
from news.core.errors import ImportRejected, InvalidInput
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

    roundup = commands.add_parser("roundup", parents=[common], help="show a week's roundup")
    roundup.add_argument("--week", help="an ISO week such as 2026-W48 (default: latest)")

    commands.add_parser("weeks", parents=[common], help="list the weeks in the archive")
    return {
        "import": _import,
        "company": _company,
        "headlines": _headlines,
        "roundup": _roundup,
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
        request = article_import_request(args.guild, article, day=day, title=args.title)
        return replace(request, publisher=args.publisher or request.publisher)
    data = _read_capped(sys.stdin.buffer) if name == "-" else _read_file(name)
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
        with path.open("rb") as stream:
            return _read_capped(stream)
    except OSError as error:
        raise InvalidInput("cli.cannot_read", name=name, reason=error.strerror) from None


def _read_capped(stream: BinaryIO) -> bytes:
    """At most the size an article may have, read as a stream: a larger file is refused
    after MAX_ARTICLE_BYTES + 1 bytes, never held in memory whole."""
    data = stream.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ImportRejected("import.too_large")
    return data


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
    roundup = await services.archive.roundup(args.guild, args.week)
    emit(out, args, serialize.roundup_json(roundup), terminal.render_roundup(roundup))
    return EXIT_OK


async def _weeks(args: argparse.Namespace, services: Services, out: Console) -> int:
    weeks = await services.archive.weeks(args.guild)
    emit(out, args, serialize.weeks_json(weeks), terminal.render_weeks(weeks))
    return EXIT_OK
