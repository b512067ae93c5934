"""Issue 17 through `python -m bot feeds …`: a forced poll, one feed however its URL is
written, a name that fits several feeds, and a hostile feed title on the terminal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.cli import main
from testkit.cli_json import run_json
from testkit.feed_server import Page, ScriptedSite, rss

pytestmark = pytest.mark.usefixtures("cli_environment")

RECENT = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)


def serve(site: ScriptedSite, path: str, title: str = "Local Tech Wire") -> str:
    story = (f"g{path}", f"A story from {path}", f"https://news.test{path}", RECENT)
    site.pages[path] = Page(body=rss(title, [story]))
    return site.url(path)


def test_feeds_poll_once_force_polls_a_feed_just_added(
    site: ScriptedSite,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = serve(site, "/feed.xml")
    main(["feeds", "add", url])
    capsys.readouterr()

    code, document = run_json(capsys, "feeds", "poll", "--once", "--force")

    assert code == 0
    [poll] = document["polls"]
    assert set(poll) == {
        "url",
        "new",
        "linked",
        "backfill",
        "not_modified",
        "error",
        "paused",
        "next_poll_at",
    }
    assert (poll["url"], poll["linked"], poll["error"]) == (url, 1, None)
    assert site.hits["/feed.xml"] == 2


def test_feeds_poll_force_of_a_name_polls_that_feed_and_says_what_it_gave(
    site: ScriptedSite,
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["feeds", "add", serve(site, "/a.xml"), "--name", "Wire"])
    main(["feeds", "add", serve(site, "/b.xml")])
    capsys.readouterr()

    code = main(["feeds", "poll", "--once", "--force", "Wire"])

    out = capsys.readouterr().out
    assert code == 0
    assert site.url("/a.xml") in out and "0 new of 1" in out
    assert (site.hits["/a.xml"], site.hits["/b.xml"]) == (2, 1)


def test_feeds_add_of_a_tracking_variant_is_already_followed(
    site: ScriptedSite,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = serve(site, "/feed.xml")
    main(["feeds", "add", url])
    capsys.readouterr()

    code, document = run_json(capsys, "feeds", "add", url + "?utm_source=x&utm_medium=rss")
    _, listed = run_json(capsys, "feeds", "list")

    assert (code, document["already_followed"]) == (0, True)
    assert [feed["url"] for feed in listed["feeds"]] == [url]


def test_feeds_remove_of_an_ambiguous_name_lists_the_candidates_and_exits_1(
    site: ScriptedSite,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = serve(site, "/a.xml"), serve(site, "/b.xml")
    main(["feeds", "add", first, "--name", "Tech"])
    main(["feeds", "add", second, "--name", "Tech"])
    capsys.readouterr()

    code = main(["feeds", "remove", "Tech"])

    err = capsys.readouterr().err
    assert code == 1
    assert first in err and second in err
    _, listed = run_json(capsys, "feeds", "list")
    assert len(listed["feeds"]) == 2


def test_a_feed_title_with_escape_and_nul_is_never_printed_raw(
    site: ScriptedSite,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = serve(site, "/feed.xml", title="Wire &#27;]0;owned&#7; &#27;[2J")
    site.pages["/feed.xml"].body = site.pages["/feed.xml"].body.replace(b"Wire", b"Wire\x1b\x00")

    main(["feeds", "add", url])
    main(["feeds", "list"])
    out = capsys.readouterr().out
    _, listed = run_json(capsys, "feeds", "list")
    out += json.dumps(listed, ensure_ascii=False)

    assert "\x1b" not in out and "\x00" not in out and "\x07" not in out
    assert listed["feeds"][0]["title"].startswith("Wire")


def test_the_isolated_fixture_is_in_use(tmp_path: Path) -> None:
    assert Path.cwd() == tmp_path


def test_weeks_lists_a_week_with_feed_items_only(
    site: ScriptedSite,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = ("old", "An old story", "https://news.test/old", "Tue, 28 Nov 2017 21:19:26 GMT")
    fresh = ("new", "A new story", "https://news.test/new", RECENT)
    site.pages["/feed.xml"] = Page(body=rss("Wire", [fresh, old]))
    main(["feeds", "add", site.url("/feed.xml")])
    capsys.readouterr()

    code, document = run_json(capsys, "weeks")

    assert code == 0
    assert document["weeks"][-1] == {"week": "2017-W48", "roundups": 0, "headlines": 1}
    assert {"roundups", "headlines", "week"} == set(document["weeks"][0])
