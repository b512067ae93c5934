"""The console's /feed channel commands, fed from a pipe as a script would, against a feed
site on 127.0.0.1 that runs on its own event loop in a thread (the console runs asyncio.run
itself): the same services and catalogue replies as /feed in Discord."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.cli import main
from testkit.cli_json import run_json
from testkit.feed_server import Page, ScriptedSite, rss


@pytest.fixture(autouse=True)
def isolated(cli_environment: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def feed_url(site: ScriptedSite) -> str:
    recent = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    story = ("g1", "Quantum sensor startup raises funds", "https://news.test/q", recent)
    site.pages["/feed.xml"] = Page(body=rss("Local Tech Wire", [story]))
    return site.url("/feed.xml")


def run_console(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *lines: str,
    code: int = 0,
) -> str:
    """What the piped console printed, errors (stderr) after answers (stdout)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["console"]) == code
    captured = capsys.readouterr()
    return captured.out + captured.err


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """The console's feed as ``feeds list --json`` sees it: what was saved, not only said."""
    _, document = run_json(capsys, "feeds", "list")
    feeds = document["feeds"]
    assert isinstance(feeds, list) and len(feeds) == 1
    feed = feeds[0]
    assert isinstance(feed, dict)
    return feed


def test_feed_add_with_a_channel_posts_there_and_list_shows_it(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch, capsys, f"/feed add {feed_url} name:Wire channel:42", "/feed list"
    )

    assert "Now following Wire: 1 items in the feed" in out
    assert "New stories are posted in #42 (the 3 newest now, the rest only filed)." in out
    assert "Wire: posts in #42" in out
    assert listed(capsys)["channel"] == 42


def test_feed_channel_moves_the_posts_and_without_a_channel_stops_them(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch,
        capsys,
        f"/feed add {feed_url} name:Wire",
        "/feed channel Wire channel:43",
        "/feed list",
    )
    assert "Wire now posts its new stories in #43." in out
    assert "Wire: posts in #43" in out
    assert listed(capsys)["channel"] == 43

    out = run_console(monkeypatch, capsys, "/feed channel Wire", "/feed list")

    assert "Wire no longer posts its stories; they are still filed." in out
    assert "Wire: not posted to a channel" in out
    assert listed(capsys)["channel"] is None


def test_feed_filter_sets_and_clears_the_filter_and_list_shows_it(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch,
        capsys,
        f"/feed add {feed_url} name:Wire channel:42",
        '/feed filter Wire include:"quantum, topic:security" exclude:rumour',
        "/feed list",
    )
    assert "Wire now posts only the stories that pass its filter" in out
    assert out.count("include: quantum, topic:security · exclude: rumour") == 2  # reply, list
    assert listed(capsys)["filter"] == {"include": "quantum, topic:security", "exclude": "rumour"}

    out = run_console(monkeypatch, capsys, "/feed filter Wire")

    assert "Wire posts every new story again (no filter)." in out
    assert listed(capsys)["filter"] == {"include": "", "exclude": ""}


def test_feed_filter_refuses_a_filter_too_long_and_keeps_the_old_one(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch,
        capsys,
        f"/feed add {feed_url} name:Wire channel:42",
        "/feed filter Wire include:quantum",
        f"/feed filter Wire include:{'x' * 2000}",
        "/feed list",
        code=1,
    )

    assert out.count("error: ") == 1
    assert "error: A filter can be at most" in out
    assert "include: quantum · exclude: none" in out
    assert listed(capsys)["filter"] == {"include": "quantum", "exclude": ""}


def test_feed_format_sets_a_template_refuses_an_unknown_placeholder_and_clears(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch,
        capsys,
        f"/feed add {feed_url} name:Wire channel:42",
        '/feed format Wire template:"{title} {url}"',
        '/feed format Wire template:"{title} {author}"',
        "/feed list",
        code=1,
    )
    assert "Wire now posts its stories as your text." in out
    assert "format: {title} {url}" in out
    assert "error: " in out and "{author}" in out
    assert listed(capsys)["template"] == "{title} {url}"

    out = run_console(monkeypatch, capsys, "/feed format Wire")

    assert "Wire posts its stories as an embed again." in out
    assert listed(capsys)["template"] is None


def test_feed_webhook_turns_on_and_off_and_needs_enabled(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch,
        capsys,
        f"/feed add {feed_url} name:Wire channel:42",
        "/feed webhook Wire enabled:true",
        "/feed list",
        "/feed webhook Wire",
        "/feed webhook Wire enabled:maybe",
        code=1,
    )
    assert "Wire now posts through a webhook with its own name and icon." in out
    assert "\n  through a webhook" in out  # the /feed list line under the feed
    assert "error: Give enabled:VALUE." in out
    assert "error: enabled:maybe is not true or false." in out

    out = run_console(monkeypatch, capsys, "/feed webhook Wire enabled:false", "/feed list")

    assert "Wire now posts as the bot." in out
    assert "  through a webhook" not in out
    assert "Wire: posts in #42" in out


def test_feed_channel_commands_name_an_unknown_feed(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch,
        capsys,
        "/feed channel Nope channel:42",
        "/feed filter Nope include:x",
        "/feed format Nope",
        "/feed webhook Nope enabled:true",
        "/feed channel",
        "/feed channel Wire channel:abc",
        code=1,
    )

    assert out.count("This server follows no feed by that URL or name (see /feed list).") == 4
    assert out.count("error: ") == 6
    assert "error: /feed channel needs something to act on (see /help)." in out
    assert "error: channel:abc is not a number." in out
