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
from typing import Any, BinaryIO

from rich.console import Console, Group
from rich.progress import Progress

from bot import terminal
from bot.app import Services
from bot.cli import serialize
from bot.cli.common import EXIT_ERROR, EXIT_OK, Handlers, Parser, Subcommands, emit
from locales import t
from news.archive.importing import ImportRequest, article_import_request
from news.core.decoding import MAX_ARTICLE_BYTES, decode_article
from news.core.errors import ImportRejected, InvalidInput, RoundupError
from news.core.models import ImportResult
from news.core.weeks import parse_date


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
    """Every file that can be read and imported is; one that cannot is named on stderr (one
    line each) and makes the run exit 1, without stopping the others."""
    if len(args.files) == 1:
        request = await _import_request(args, args.files[0], services)
        single = await _import_with_progress(services, [request], show=not args.json)
        emit(out, args, serialize.import_json(single[0]), _rendered(single, args.lang))
        return EXIT_OK
    named: list[tuple[str, ImportRequest]] = []
    failed: list[tuple[str, RoundupError]] = []
    for name in args.files:
        try:
            named.append((name, await _import_request(args, name, services)))
        except RoundupError as error:
            failed.append((name, error))
    results: list[ImportResult] = []
    while named:
        done: list[ImportResult] = []
        try:
            await _import_with_progress(
                services, [r for _, r in named], show=not args.json, done=done
            )
        except RoundupError as error:
            # The service stops at the first article it cannot import; those before it are
            # filed. Name that one and go on with the rest.
            failed.append((named[len(done)][0], error))
            named = named[len(done) + 1 :]
        else:
            named = []
        results += done
    document = {
        "imports": [serialize.import_json(result) for result in results],
        "failed": [{"file": name, "error": why.message_in(args.lang)} for name, why in failed],
    }
    emit(out, args, document, _rendered(results, args.lang))
    for name, why in failed:
        sys.stderr.write(f"error: {name}: {why.message_in(args.lang)}\n")
    return EXIT_ERROR if failed else EXIT_OK


def _rendered(results: list[ImportResult], language: str) -> Group:
    return Group(*(terminal.render_import(result, language) for result in results))


async def _import_request(args: argparse.Namespace, name: str, services: Services) -> ImportRequest:
    day = parse_date(args.date) if args.date else None
    if name.lower().startswith(("http://", "https://")):
        article = await services.feeds.fetch_article(name)
        request = article_import_request(args.guild, article, day=day, title=args.title, url=name)
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
    services: Services,
    requests: list[ImportRequest],
    *,
    show: bool,
    done: list[ImportResult] | None = None,
) -> list[ImportResult]:
    """Import in order; ``done`` collects each result as it is filed (so a failure part-way
    tells how far the run got)."""
    finished = done if done is not None else []
    if not (show and sys.stderr.isatty()):
        return await services.archive.import_roundups(requests, on_imported=finished.append)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        # One file has no steps worth counting: the bar just shows it is working.
        task = progress.add_task("…", total=len(requests) if len(requests) > 1 else None)

        def imported(result: ImportResult) -> None:
            finished.append(result)
            progress.advance(task)

        return await services.archive.import_roundups(requests, on_imported=imported)


def _read_file(name: str) -> bytes:
    path = Path(name)
    if path.is_dir():
        raise InvalidInput("cli.is_directory", name=name)
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
    emit(out, args, serialize.company_json(lookup), terminal.render_company(lookup, args.lang))
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
    emit(out, args, serialize.headlines_json(page), terminal.render_headlines(page, args.lang))
    return EXIT_OK


async def _roundup(args: argparse.Namespace, services: Services, out: Console) -> int:
    if args.roundup_action == "delete":
        if args.target is None or args.week or args.roundup_id is not None:
            raise InvalidInput("cli.roundup_delete_usage")
        deleted = await services.archive.delete_roundup(args.guild, args.target)
        document = {"deleted": {"id": deleted.id, **serialize.roundup_ref_json(deleted)}}
        emit(
            out,
            args,
            document,
            t(args.lang, "terminal.roundup_deleted", title=deleted.title, week=deleted.week),
        )
        return EXIT_OK
    if args.target is not None:
        raise InvalidInput("cli.roundup_delete_usage")
    if args.roundup_id is not None:
        if args.week:
            raise InvalidInput("cli.roundup_id_or_week")
        one = await services.archive.roundup_by_id(args.guild, args.roundup_id)
        emit(out, args, serialize.roundup_json(one), terminal.render_roundup(one, args.lang))
        return EXIT_OK
    found = await services.archive.week_roundups(args.guild, args.week)
    # "roundup" stays the week's first roundup, as before there could be several.
    shown: dict[str, Any] = {
        **serialize.roundup_json(found[0]),
        "roundups": list(map(serialize.roundup_json, found)),
    }
    emit(out, args, shown, Group(*(terminal.render_roundup(r, args.lang) for r in found)))
    return EXIT_OK


async def _roundups(args: argparse.Namespace, services: Services, out: Console) -> int:
    listed = await services.archive.roundups(args.guild, args.week)
    emit(out, args, serialize.roundups_json(listed), terminal.render_roundups(listed, args.lang))
    return EXIT_OK


async def _weeks(args: argparse.Namespace, services: Services, out: Console) -> int:
    weeks = await services.archive.weeks(args.guild)
    emit(out, args, serialize.weeks_json(weeks), terminal.render_weeks(weeks, args.lang))
    return EXIT_OK
