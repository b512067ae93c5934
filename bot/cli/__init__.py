"""The command line: ``python -m bot <subcommand>``.

Every subcommand takes ``--guild ID`` (default: the local console's own space) and ``--json``.
Bad input prints one line on stderr and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from rich.console import Console, Group, RenderableType
from rich.progress import Progress
from rich.text import Text

from bot import terminal
from bot.app import Services, ensure_sample, open_services
from bot.cli import db_reports, serialize
from bot.logs import configure_logging
from bot.settings import Settings
from db.sqlite import maintenance
from db.sqlite.maintenance import MaintenanceError
from news.archive.importing import ImportRequest
from news.core.decoding import decode_article
from news.core.errors import InvalidInput, RoundupError
from news.core.models import LOCAL_GUILD_ID, Company, ImportResult
from news.core.weeks import parse_date
from news.feeds.service import article_import_request

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
POLL_EVERY_SECONDS = 60  # `feeds poll` without --once: as often as the bot's own job

Handler = Callable[[argparse.Namespace, Services, Console], Awaitable[int]]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _server_id(text: str) -> int:
    """A Discord id: SQLite stores it in a signed 64-bit integer, so a larger one would fail
    deep inside a query instead of here."""
    value = int(text)
    if not 0 <= value < 2**63:
        raise ValueError(text)
    return value


_server_id.__name__ = "server id"  # argparse names the type in its error: "invalid server id"


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--guild", type=_server_id, default=LOCAL_GUILD_ID, help="server id")
    common.add_argument("--json", action="store_true", help="print one JSON document")
    common.add_argument("--debug", action="store_true", help="show tracebacks of failures")

    parser = _Parser(prog="python -m bot", description="roundup-bot: weekly tech-news roundups.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("start", parents=[common], help="run the bot, or the console without token")
    commands.add_parser("run", parents=[common], help="connect to Discord (needs DISCORD_TOKEN)")
    commands.add_parser("console", parents=[common], help="the local console")
    sync = commands.add_parser("sync", parents=[common], help="sync the slash commands")
    sync.add_argument("--global", dest="everywhere", action="store_true", help="to all servers")

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

    digest = commands.add_parser("digest", parents=[common], help="print a week's digest")
    digest.add_argument(
        "--week", help="an ISO week such as 2026-W48 (default: the week a post now covers)"
    )

    companies = commands.add_parser("companies", help="add companies or aliases")
    actions = companies.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = actions.add_parser("add", parents=[common], help="add a company")
    add.add_argument("name")
    add.add_argument("--english", help="its English name")
    add.add_argument("--alias", action="append", default=[], help="another name (repeatable)")
    alias = actions.add_parser("alias", parents=[common], help="add an alias to a company")
    alias.add_argument("company")
    alias.add_argument("alias")

    feeds = commands.add_parser("feeds", help="the news feeds a server follows")
    feed_actions = feeds.add_subparsers(dest="action", required=True, parser_class=_Parser)
    feed_add = feed_actions.add_parser("add", parents=[common], help="follow a feed")
    feed_add.add_argument("url", help="the feed, or a web page that announces it")
    feed_add.add_argument("--name", help="the server's own name for it")
    feed_actions.add_parser("list", parents=[common], help="the feeds and their health")
    feed_remove = feed_actions.add_parser("remove", parents=[common], help="stop following")
    feed_remove.add_argument("url", help="the feed's URL or name")
    poll = feed_actions.add_parser("poll", parents=[common], help="poll due feeds (all servers)")
    poll.add_argument("--once", action="store_true", help="poll what is due once, then exit")
    _add_db_commands(commands, common)
    return parser


def _add_db_commands(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    database = commands.add_parser("db", help="back up, check or migrate the database")
    db_actions = database.add_subparsers(dest="action", required=True, parser_class=_Parser)
    backup = db_actions.add_parser("backup", parents=[common], help="online copy, verified")
    backup.add_argument("path", type=Path, help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    db_actions.add_parser("check", parents=[common], help="integrity, foreign keys, schema")
    migrate = db_actions.add_parser("migrate", parents=[common], help="apply pending migrations")
    migrate.add_argument("--dry-run", action="store_true", help="only list what would apply")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        return _fail(_settings_problem(error), EXIT_USAGE)
    configure_logging(settings.log_level, settings.log_format)
    try:
        return asyncio.run(_dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except (RoundupError, MaintenanceError) as error:
        return _fail(str(error), EXIT_ERROR)
    except Exception as error:
        if args.debug:
            raise
        log.debug("unexpected failure in %s", args.command, exc_info=True)
        return _fail(f"unexpected failure ({type(error).__name__}); rerun with --debug", 1)


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run" or (args.command == "start" and settings.has_token):
        from bot.client import run_bot

        return await run_bot(settings)
    if args.command == "sync":
        from bot.client import sync_commands

        return await sync_commands(settings, everywhere=args.everywhere)
    out = Console(highlight=False, soft_wrap=False)
    if args.command == "db":
        # Not through open_services: that migrates at open, and these must not.
        return await _DB_HANDLERS[args.action](args, settings.database_path, out)
    if args.command == "start":
        out.print("DISCORD_TOKEN is not set: opening the local console instead.", style="dim")
    async with open_services(settings) as services:
        handler = _HANDLERS[_handler_key(args)]
        return await handler(args, services, out)


def _handler_key(args: argparse.Namespace) -> str:
    if args.command in ("companies", "feeds"):
        return f"{args.command} {args.action}"
    return str(args.command)


async def _console(args: argparse.Namespace, services: Services, out: Console) -> int:
    from bot.console import LocalConsole

    if await ensure_sample(services.archive):
        out.print("Loaded the bundled sample roundup.", style="dim")
    await LocalConsole(services.archive, out, args.guild).run()
    return EXIT_OK


async def _import(args: argparse.Namespace, services: Services, out: Console) -> int:
    requests = [await _import_request(args, name, services) for name in args.files]
    results = await _import_with_progress(services, requests, show=not args.json)
    if len(results) == 1:
        document = serialize.import_json(results[0])
    else:
        document = {"imports": [serialize.import_json(result) for result in results]}
    _emit(out, args, document, Group(*(terminal.render_import(r) for r in results)))
    return EXIT_OK


async def _import_request(args: argparse.Namespace, name: str, services: Services) -> ImportRequest:
    day = parse_date(args.date) if args.date else None
    if name.lower().startswith(("http://", "https://")):
        article = await services.feeds.fetch_article(name)
        request = article_import_request(args.guild, article, day=day, title=args.title)
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
    _emit(out, args, serialize.company_json(lookup), terminal.render_company(lookup))
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
    _emit(out, args, serialize.headlines_json(page), terminal.render_headlines(page))
    return EXIT_OK


async def _roundup(args: argparse.Namespace, services: Services, out: Console) -> int:
    roundup = await services.archive.roundup(args.guild, args.week)
    _emit(out, args, serialize.roundup_json(roundup), terminal.render_roundup(roundup))
    return EXIT_OK


async def _weeks(args: argparse.Namespace, services: Services, out: Console) -> int:
    weeks = await services.archive.weeks(args.guild)
    _emit(out, args, serialize.weeks_json(weeks), terminal.render_weeks(weeks))
    return EXIT_OK


async def _digest(args: argparse.Namespace, services: Services, out: Console) -> int:
    digest = await services.digest.digest(args.guild, args.week)
    _emit(out, args, serialize.digest_json(digest), terminal.render_digest(digest))
    return EXIT_OK


async def _companies_add(args: argparse.Namespace, services: Services, out: Console) -> int:
    company = await services.archive.add_company(args.name, args.english, args.alias)
    _emit(out, args, _company_document(company), f"Added {company.name}.")
    return EXIT_OK


async def _companies_alias(args: argparse.Namespace, services: Services, out: Console) -> int:
    company = await services.archive.add_alias(args.company, args.alias)
    _emit(out, args, _company_document(company), f"{company.name} is also called {args.alias}.")
    return EXIT_OK


async def _feeds_add(args: argparse.Namespace, services: Services, out: Console) -> int:
    added = await services.feeds.add(args.guild, args.url, name=args.name)
    document = serialize.feed_added_json(added)
    verb = "Already following" if added.already_followed else "Following"
    human = f"{verb} {added.feed.label}: {added.item_count} items, {document['filed']} filed."
    _emit(out, args, document, Text(human))
    return EXIT_OK


async def _feeds_list(args: argparse.Namespace, services: Services, out: Console) -> int:
    feeds = await services.feeds.feeds(args.guild)
    document = {"feeds": [serialize.feed_json(feed) for feed in feeds]}
    _emit(out, args, document, terminal.render_feeds(feeds))
    return EXIT_OK


async def _feeds_remove(args: argparse.Namespace, services: Services, out: Console) -> int:
    removed = await services.feeds.remove(args.guild, args.url)
    _emit(out, args, {"removed": serialize.feed_json(removed)}, Text(f"Removed {removed.label}."))
    return EXIT_OK


async def _feeds_poll(args: argparse.Namespace, services: Services, out: Console) -> int:
    while True:
        results = await services.feeds.poll_due()
        document = {"polls": [serialize.poll_json(result) for result in results]}
        _emit(out, args, document, terminal.render_polls(results))
        if args.once:
            return EXIT_OK
        await asyncio.sleep(POLL_EVERY_SECONDS)


async def _db_backup(args: argparse.Namespace, database: Path, out: Console) -> int:
    result = await asyncio.to_thread(maintenance.backup, database, args.path, force=args.force)
    _emit(out, args, {"backup": db_reports.backup_json(result)}, db_reports.render_backup(result))
    return EXIT_OK


async def _db_check(args: argparse.Namespace, database: Path, out: Console) -> int:
    report = await asyncio.to_thread(maintenance.check, database)
    _emit(out, args, db_reports.check_json(report), db_reports.render_check(report))
    return EXIT_OK if report.ok else EXIT_ERROR


async def _db_migrate(args: argparse.Namespace, database: Path, out: Console) -> int:
    run = await maintenance.migrate(database, dry_run=args.dry_run)
    _emit(out, args, db_reports.migration_json(run), db_reports.render_migration(run))
    return EXIT_OK


def _company_document(company: Company) -> dict[str, Any]:
    return {"company": serialize.company_identity_json(company)}


_HANDLERS: dict[str, Handler] = {
    "start": _console,
    "console": _console,
    "import": _import,
    "company": _company,
    "headlines": _headlines,
    "roundup": _roundup,
    "weeks": _weeks,
    "digest": _digest,
    "companies add": _companies_add,
    "companies alias": _companies_alias,
    "feeds add": _feeds_add,
    "feeds list": _feeds_list,
    "feeds remove": _feeds_remove,
    "feeds poll": _feeds_poll,
}


DbHandler = Callable[[argparse.Namespace, Path, Console], Awaitable[int]]

_DB_HANDLERS: dict[str, DbHandler] = {
    "backup": _db_backup,
    "check": _db_check,
    "migrate": _db_migrate,
}


def _emit(
    out: Console, args: argparse.Namespace, document: dict[str, Any], human: RenderableType
) -> None:
    if args.json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(human)


def _settings_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    name = ".".join(str(part) for part in first["loc"]).upper()
    return f"setting {name}: {first['msg']}"


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"error: {_one_line(message)}\n")
    return code


def _one_line(message: str) -> str:
    """Input echoed in a message stays on its line: newlines and controls shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
