"""Hostile arguments to every CLI subcommand, and hostile lines to the local console.

The CLI exits 0, 1 or 2 with at most one line on stderr, never a traceback nor an
"unexpected failure"; no private URL is fetched (a server on 127.0.0.1 counts requests).
The console reports every failure as one ``error:`` line and keeps going. Strategies and the
example count (``HOSTILE_EXAMPLES``) are in ``testkit/hostile.py``.
"""

from __future__ import annotations

import asyncio
import io
import shlex
import sys
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from bot.app import Services, ensure_sample, open_services
from bot.cli import main
from bot.console import LocalConsole
from bot.settings import Settings
from testkit.hostile import (
    hostile_dates,
    hostile_numbers,
    hostile_settings,
    hostile_text,
    hostile_urls,
    hostile_weeks,
)

ARTICLE = "# 라운드업\n\n## 보안\n\n- [엔비디아 @everyone **공지**](https://example.com/a)\n"


class _CountingHandler(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return None


@pytest.fixture(scope="module")
def local_site() -> Iterator[ThreadingHTTPServer]:
    """An HTTP server on 127.0.0.1 that no command may reach."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One archive for every example: the catalogue is seeded once, not per run."""
    directory = tmp_path_factory.mktemp("cli-hostile")
    (directory / "article.md").write_text(ARTICLE, encoding="utf-8")
    return directory


@pytest.fixture
def isolated(archive_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_PATH", str(archive_dir / "archive.db"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("ALLOW_PRIVATE_URLS", raising=False)
    monkeypatch.chdir(archive_dir)  # no stray .env; article.md is a real file here
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    return archive_dir


def argument(max_size: int = 200) -> st.SearchStrategy[str]:
    """One argv string: anything a shell can pass (no NUL, which argv cannot hold)."""
    return hostile_text(0, max_size).map(lambda value: value.replace("\x00", ""))


def subcommand_argv(port: int) -> st.SearchStrategy[list[str]]:
    """A subcommand with hostile positionals and options."""
    a = argument()
    url = hostile_urls(port, 500).map(lambda value: value.replace("\x00", ""))
    flag = st.builds(
        lambda name, value: [name, value], st.sampled_from(["--guild"]), hostile_numbers()
    )
    shapes = [
        st.tuples(st.just(["company"]), a.map(lambda v: [v])),
        st.tuples(
            st.just(["headlines"]),
            st.lists(
                st.one_of(
                    a.map(lambda v: [v]),
                    hostile_weeks().map(lambda v: ["--week", v]),
                    a.map(lambda v: ["--company", v]),
                    a.map(lambda v: ["--topic", v]),
                    hostile_numbers().map(lambda v: ["--page", v]),
                    hostile_numbers().map(lambda v: ["--per-page", v]),
                ),
                max_size=4,
            ).map(lambda parts: [w for part in parts for w in part]),
        ),
        st.tuples(st.just(["roundup"]), hostile_weeks().map(lambda v: ["--week", v])),
        st.tuples(st.just(["digest"]), hostile_weeks().map(lambda v: ["--week", v])),
        st.tuples(st.just(["weeks"]), st.just([])),
        st.tuples(
            st.just(["import"]),
            st.tuples(
                st.one_of(st.just("article.md"), url, a),
                hostile_dates(),
                a,
            ).map(lambda t: [t[0], "--date", t[1], "--title", t[2], "--publisher", t[2]]),
        ),
        st.tuples(
            st.just(["companies", "add"]),
            st.tuples(a, a, a).map(lambda t: [t[0], "--english", t[1], "--alias", t[2]]),
        ),
        st.tuples(st.just(["companies", "alias"]), st.tuples(a, a).map(list)),
        st.tuples(
            st.just(["feeds", "add"]), st.tuples(url, a).map(lambda t: [t[0], "--name", t[1]])
        ),
        st.tuples(st.just(["feeds", "remove"]), a.map(lambda v: [v])),
        st.tuples(st.just(["feeds", "list"]), st.just([])),
        st.tuples(st.just(["feeds", "poll"]), st.just(["--once"])),
        st.tuples(st.sampled_from([["run"], ["sync"], ["sync", "--global"]]), st.just([])),
    ]
    return st.tuples(st.one_of(shapes), st.lists(flag, max_size=1)).map(
        lambda t: [*t[0][0], *t[0][1], *(w for pair in t[1] for w in pair)]
    )


def run_cli(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exit:  # argparse: usage mistakes and --help
        code = exit.code if isinstance(exit.code, int) else 2
    return code, capsys.readouterr().err


def assert_one_clear_line(code: int, err: str) -> None:
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    assert "unexpected failure" not in err, err
    if code == 2 and err.startswith("usage:"):
        # A usage mistake: the usage (it may wrap), then the one error line.
        err = err[err.index("\nerror: ") + 1 :]
    if err:  # `company` exits 1 with its suggestions on stdout and nothing on stderr
        assert err.startswith("error: "), err
        assert err.endswith("\n") and err.count("\n") == 1, err


@hostile_settings()
@given(data=st.data())
def test_cli_subcommands_with_hostile_arguments(
    isolated: Path,
    local_site: ThreadingHTTPServer,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
) -> None:
    argv = data.draw(subcommand_argv(local_site.server_address[1]))
    code, err = run_cli(capsys, [*argv, *data.draw(st.sampled_from([[], ["--json"]]))])
    assert_one_clear_line(code, err)
    assert _CountingHandler.hits == 0


@hostile_settings()
@given(argv=st.lists(argument(100), max_size=6))
def test_cli_with_any_argv(
    isolated: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, err = run_cli(capsys, argv)
    assert_one_clear_line(code, err)


@dataclass
class ConsoleUnderTest:
    loop: asyncio.AbstractEventLoop
    console: LocalConsole
    out: io.StringIO

    def execute(self, line: str) -> str:
        self.out.seek(0)
        self.out.truncate()
        self.loop.run_until_complete(self.console.execute(line))
        return self.out.getvalue()


@pytest.fixture(scope="module")
def console(archive_dir: Path) -> Iterator[ConsoleUnderTest]:
    """The console on the sample archive, its services opened once in a loop of its own."""
    loop = asyncio.new_event_loop()
    stack = AsyncExitStack()
    settings = Settings(_env_file=None, database_path=archive_dir / "console.db")
    services: Services = loop.run_until_complete(stack.enter_async_context(open_services(settings)))
    loop.run_until_complete(ensure_sample(services.archive))
    out = io.StringIO()
    rich = Console(file=out, width=120, color_system=None)
    yield ConsoleUnderTest(loop, LocalConsole(services, rich, rich, 0, "en"), out)
    loop.run_until_complete(stack.aclose())
    loop.close()


def console_line() -> st.SearchStrategy[str]:
    a = argument(300)
    quoted = a.map(shlex.quote)
    option = st.one_of(
        hostile_weeks().map(lambda v: "week:" + shlex.quote(v)),
        hostile_dates().map(lambda v: "date:" + shlex.quote(v)),
        hostile_numbers().map(lambda v: "page:" + shlex.quote(v)),
        a.map(lambda v: "company:" + shlex.quote(v)),
        a.map(lambda v: "topic:" + shlex.quote(v)),
        a.map(lambda v: "title:" + shlex.quote(v)),
    )
    command = st.sampled_from(
        ["/company", "/headlines", "/roundup", "/import", "/weeks", "/help", "/nope", "company"]
    )
    words = st.lists(st.one_of(quoted, a, option), max_size=4)
    built = st.builds(lambda c, w: " ".join([c, *w]), command, words)
    return st.one_of(built, hostile_text(0, 2000))


@hostile_settings()
@given(line=console_line())
def test_console_lines(console: ConsoleUnderTest, line: str) -> None:
    shown = console.execute(line)
    assert "Traceback" not in shown
    errors = [row for row in shown.splitlines() if row.startswith("error:")]
    assert len(errors) <= 1
