"""`python -m bot feeds …` and `import URL` end to end, against a feed site on 127.0.0.1 that
runs on its own event loop in a thread (the CLI runs asyncio.run itself)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.cli import main
from testkit.cli_json import run_json
from testkit.feed_server import Page, ScriptedSite, rss

pytestmark = pytest.mark.usefixtures("cli_environment")

ARTICLE = b"""<html><body><article><h1>Chip week</h1><ul>
<li><a href="https://news.test/fab">Foundry opens a second fab in the desert</a></li>
<li><a href="https://news.test/memory">Memory prices climb for a third month</a></li>
</ul></article></body></html>"""


@pytest.fixture
def feed_url(site: ScriptedSite) -> str:
    recent = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    story = ("g1", "Quantum sensor startup raises funds", "https://news.test/q", recent)
    site.pages["/feed.xml"] = Page(body=rss("Local Tech Wire", [story]))
    return site.url("/feed.xml")


def test_feeds_add_prints_the_feed_and_what_it_filed(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run_json(capsys, "feeds", "add", feed_url, "--name", "Wire")

    assert code == 0
    feed = document["feed"]
    assert isinstance(feed, dict)
    assert (feed["url"], feed["title"], feed["name"]) == (feed_url, "Local Tech Wire", "Wire")
    assert (document["items"], document["filed"], document["backfill"]) == (1, 1, True)


def test_feeds_list_shows_a_guilds_feeds_only(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["feeds", "add", feed_url, "--guild", "5"])
    capsys.readouterr()

    _, mine = run_json(capsys, "feeds", "list", "--guild", "5")
    _, theirs = run_json(capsys, "feeds", "list", "--guild", "6")

    assert [feed["url"] for feed in mine["feeds"]] == [feed_url]
    assert theirs["feeds"] == []


def test_feeds_remove_stops_following(feed_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["feeds", "add", feed_url])
    capsys.readouterr()

    code, _ = run_json(capsys, "feeds", "remove", feed_url)
    _, listed = run_json(capsys, "feeds", "list")

    assert code == 0
    assert listed["feeds"] == []


def test_feeds_poll_once_reports_nothing_due_after_an_add(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["feeds", "add", feed_url])
    capsys.readouterr()

    code, document = run_json(capsys, "feeds", "poll", "--once")

    assert code == 0
    assert document == {"polls": []}


def test_feeds_add_of_a_private_address_fails_without_the_setting(
    feed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "false")

    code = main(["feeds", "add", feed_url])

    assert code == 1
    assert "private, local or reserved" in capsys.readouterr().err


def test_import_of_a_url_extracts_and_imports_the_article(
    site: ScriptedSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site.pages["/article.html"] = Page(body=ARTICLE, content_type="text/html")

    code, document = run_json(capsys, "import", site.url("/article.html"), "--date", "2026-11-25")

    assert code == 0
    roundup = document["roundup"]
    assert isinstance(roundup, dict)
    titles = [h["title"] for s in roundup["sections"] for h in s["headlines"]]
    assert titles == [
        "Foundry opens a second fab in the desert",
        "Memory prices climb for a third month",
    ]


def test_feeds_channel_filter_and_format_show_in_the_json_list(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, added = run_json(capsys, "feeds", "add", feed_url, "--channel", "42", "--guild", "5")
    run_json(
        capsys, "feeds", "filter", feed_url, "--include", "quantum, topic:security", "--guild", "5"
    )
    run_json(capsys, "feeds", "format", feed_url, "--template", "{title} {url}", "--guild", "5")
    _, listed = run_json(capsys, "feeds", "list", "--guild", "5")
    run_json(capsys, "feeds", "channel", feed_url, "--guild", "5")
    _, stopped = run_json(capsys, "feeds", "list", "--guild", "5")

    assert code == 0 and added["feed"]["channel"] == 42
    [feed] = listed["feeds"]
    assert feed["channel"] == 42
    assert feed["filter"] == {"include": "quantum, topic:security", "exclude": ""}
    assert feed["template"] == "{title} {url}"
    assert stopped["feeds"][0]["channel"] is None


def test_feeds_format_refuses_an_unknown_placeholder(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["feeds", "add", feed_url])
    capsys.readouterr()

    code = main(["feeds", "format", feed_url, "--template", "{title} {author}"])

    assert code == 1
    assert "Unknown placeholder {author}" in capsys.readouterr().err


def test_companies_add_tags_the_servers_feed_headlines_and_no_other_servers(
    site: ScriptedSite, capsys: pytest.CaptureFixture[str]
) -> None:
    recent = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    story = ("r1", "가상로봇, 투자 유치", "https://news.test/robot", recent)
    site.pages["/shared.xml"] = Page(body=rss("Shared Wire", [story]))
    for guild in ("5", "6"):
        main(["feeds", "add", site.url("/shared.xml"), "--guild", guild])
    capsys.readouterr()

    code, added = run_json(
        capsys, "companies", "add", "가상로봇", "--english", "Fictobot", "--guild", "5"
    )
    _, company = run_json(capsys, "company", "Fictobot", "--guild", "5")
    _, filtered = run_json(capsys, "headlines", "--company", "가상로봇", "--guild", "5")
    _, theirs = run_json(capsys, "headlines", "로봇", "--guild", "6")

    assert (code, added["retagged"]) == (0, {"headlines": 1, "changed": 1})
    assert [h["title"] for h in company["headlines"]] == ["가상로봇, 투자 유치"]
    assert [h["companies"] for h in filtered["headlines"]] == [["가상로봇"]]
    assert [h["companies"] for h in theirs["headlines"]] == [[]]
    assert main(["company", "Fictobot", "--guild", "6"]) == 1
