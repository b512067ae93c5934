from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news.core.errors import InvalidInput
from news.feeds.items import SUMMARY_LIMIT
from news.feeds.parse import ParsedFeed, parse_feed

NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example.com/feeds/tech.xml"


def rss(items: str, *, channel: str = "", declaration: str = "") -> str:
    return (
        f"{declaration}<rss version='2.0'><channel><title>Example Tech</title>"
        f"<link>https://news.example.com/</link>{channel}{items}</channel></rss>"
    )


def item(
    title: str = "Chip makers report record quarter",
    link: str = "https://news.example.com/a/1",
    guid: str | None = None,
    date: str | None = "Thu, 09 Apr 2026 08:00:00 GMT",
    description: str = "",
) -> str:
    parts = [f"<title>{title}</title>", f"<link>{link}</link>"]
    if guid is not None:
        parts.append(f"<guid>{guid}</guid>")
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    if description:
        parts.append(f"<description>{description}</description>")
    return "<item>" + "".join(parts) + "</item>"


def parsed(document: str | bytes, content_type: str | None = None) -> ParsedFeed:
    data = document.encode() if isinstance(document, str) else document
    return parse_feed(data, url=FEED_URL, content_type=content_type, now=NOW)


# --- formats -------------------------------------------------------------------------------


def test_rss_channel_and_item_fields_are_read() -> None:
    feed = parsed(rss(item(guid="id-1"), channel="<ttl>30</ttl><language>en-us</language>"))
    assert (feed.format, feed.title, feed.link, feed.ttl) == (
        "rss20",
        "Example Tech",
        "https://news.example.com/",
        30,
    )
    (first,) = feed.items
    assert first.guid == "id-1"
    assert first.url == "https://news.example.com/a/1"
    assert first.published == datetime(2026, 4, 9, 8, 0, tzinfo=UTC)
    assert first.date_from_feed
    assert feed.problems == ()


def test_tracking_parameters_leave_item_urls() -> None:
    link = "https://news.example.com/a/1?id=7&amp;utm_source=rss&amp;fbclid=abc#xtor=RSS-3"
    assert parsed(rss(item(link=link))).items[0].url == "https://news.example.com/a/1?id=7"


def test_title_entities_and_tags_are_cleaned() -> None:
    title = "<![CDATA[<b>AT&amp;T</b>   and\n  Verizon &#8216;merge&#8217;]]>"
    assert parsed(rss(item(title=title))).items[0].title == "AT&T and Verizon ‘merge’"


def test_plain_title_keeps_literal_angle_brackets() -> None:
    assert parsed(rss(item(title="a &lt;&lt; b"))).items[0].title == "a << b"


def test_description_html_becomes_bounded_plain_text() -> None:
    paragraph = "<p>Memory prices <a href='/x'>rose</a> again.</p>" * 100
    description = f"<![CDATA[<script>track()</script>{paragraph}]]>"
    summary = parsed(rss(item(description=description))).items[0].summary
    assert summary.startswith("Memory prices rose again. Memory prices")
    assert len(summary) <= SUMMARY_LIMIT
    assert summary.endswith("…")
    assert "track" not in summary


def test_atom_links_resolve_against_xml_base() -> None:
    atom = (
        "<feed xmlns='http://www.w3.org/2005/Atom' xml:base='https://blog.example.org/posts/'>"
        "<title>Blog</title><entry><title>Release notes</title><id>tag:blog,2026:1</id>"
        "<link href='release-notes.html'/><updated>2026-04-08T10:00:00Z</updated></entry></feed>"
    )
    feed = parsed(atom)
    assert feed.format == "atom10"
    assert feed.items[0].url == "https://blog.example.org/posts/release-notes.html"


def test_relative_links_without_base_resolve_against_the_feed_url() -> None:
    feed = parsed(rss(item(link="/a/relative")))
    assert feed.items[0].url == "https://news.example.com/a/relative"


def test_rss_090_is_read() -> None:
    document = (
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
        "xmlns='http://my.netscape.com/rdf/simple/0.9/'><channel><title>Old</title>"
        "<link>https://old.example.com/</link></channel>"
        "<item><title>Vintage item</title><link>https://old.example.com/1</link></item></rdf:RDF>"
    )
    feed = parsed(document)
    assert feed.format == "rss090"
    assert feed.items[0].title == "Vintage item"


def test_json_feed_is_read() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON Example",
        "home_page_url": "https://json.example.com/",
        "feed_url": "https://json.example.com/feed.json",
        "language": "ko",
        "items": [
            {
                "id": 42,
                "url": "/posts/42?utm_medium=feed",
                "title": "클라우드 요금이 내렸다",
                "content_html": "<p>세 회사가 <b>동시에</b> 인하했다.</p>",
                "date_published": "2026-04-09T18:30:00+09:00",
            },
            "not an item",
        ],
    }
    feed = parsed(json.dumps(document), "application/feed+json")
    assert (feed.format, feed.title, feed.link) == (
        "json11",
        "JSON Example",
        "https://json.example.com/",
    )
    (first,) = feed.items
    assert first.guid == "42"
    assert first.url == "https://json.example.com/posts/42"
    assert first.summary == "세 회사가 동시에 인하했다."
    assert first.published == datetime(2026, 4, 9, 9, 30, tzinfo=UTC)
    assert first.language == "ko"
    assert feed.problems == ("item 2 is not a JSON object",)


def test_json_without_items_is_not_a_feed() -> None:
    with pytest.raises(InvalidInput, match="not a feed: JSON without"):
        parsed('{"title": "x", "elements": []}')


def test_malformed_json_is_not_a_feed() -> None:
    with pytest.raises(InvalidInput, match="not a feed: malformed JSON"):
        parsed('{"items": [', "application/json")


# --- garbage -------------------------------------------------------------------------------


def test_web_page_is_not_a_feed_and_says_so() -> None:
    with pytest.raises(InvalidInput, match="web page"):
        parsed("<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>")


def test_empty_document_is_not_a_feed() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        parsed(b"  \n ")


def test_truncated_document_is_not_a_feed() -> None:
    with pytest.raises(InvalidInput, match="not a feed"):
        parsed("<?xml version='1.0'?>\n<!-- nothing else -->")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise_anything_but_invalid_input(data: bytes) -> None:
    with contextlib.suppress(InvalidInput):
        parse_feed(data, url=FEED_URL, now=NOW)


def test_malformed_xml_returns_the_good_items_with_a_problem() -> None:
    document = rss(item(title="Fine story", guid="1") + item(title="Q&A session", guid="2"))
    feed = parsed(document)
    assert [i.title for i in feed.items] == ["Fine story", "Q&A session"]
    assert any(problem.startswith("malformed XML") for problem in feed.problems)


def test_item_without_title_or_description_is_dropped_and_noted() -> None:
    feed = parsed(rss(item(guid="1") + "<item><link>https://news.example.com/x</link></item>"))
    assert len(feed.items) == 1
    assert "1 item(s) without title or description dropped" in feed.problems


def test_item_without_title_borrows_its_description() -> None:
    feed = parsed(rss("<item><guid>9</guid><description>Only a note here</description></item>"))
    assert feed.items[0].title == "Only a note here"


# --- encodings ----------------------------------------------------------------------------

KOREAN_TITLE = "삼성전자, 새 메모리 공개"


def korean_feed(declaration: str = "") -> str:
    return rss(item(title=KOREAN_TITLE), declaration=declaration)


def test_declared_euc_kr_is_decoded() -> None:
    data = korean_feed("<?xml version='1.0' encoding='euc-kr'?>").encode("euc-kr")
    assert parsed(data).items[0].title == KOREAN_TITLE


def test_euc_kr_declaration_reads_cp949_only_syllables() -> None:
    title = "똠방각하 리뷰"  # 똠 exists in CP949 but not in EUC-KR proper
    data = rss(item(title=title), declaration="<?xml version='1.0' encoding='EUC-KR'?>")
    assert parsed(data.encode("cp949")).items[0].title == title


def test_undeclared_cp949_is_recognised_as_korean() -> None:
    feed = parsed(korean_feed().encode("cp949"))
    assert feed.items[0].title == KOREAN_TITLE
    assert "read as cp949" in feed.problems


def test_http_charset_is_used_when_the_document_declares_none() -> None:
    feed = parsed(korean_feed().encode("euc-kr"), "text/xml; charset=EUC-KR")
    assert feed.items[0].title == KOREAN_TITLE
    assert feed.problems == ()


def test_lying_http_charset_falls_back_to_what_the_bytes_are() -> None:
    feed = parsed(korean_feed().encode("cp949"), "application/rss+xml; charset=utf-8")
    assert feed.items[0].title == KOREAN_TITLE
    assert "the bytes are not valid utf-8" in feed.problems


def test_unknown_declared_encoding_is_noted() -> None:
    feed = parsed(korean_feed("<?xml version='1.0' encoding='bogus-42'?>").encode())
    assert feed.items[0].title == KOREAN_TITLE
    assert "unknown encoding 'bogus-42' declared" in feed.problems


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_byte_order_marks_and_utf16_are_decoded(encoding: str) -> None:
    declaration = "<?xml version='1.0' encoding='utf-16'?>" if "16" in encoding else ""
    assert parsed(korean_feed(declaration).encode(encoding)).items[0].title == KOREAN_TITLE


# --- items ---------------------------------------------------------------------------------


def test_duplicate_guids_collapse_to_the_first() -> None:
    items = item(title="First", guid="same") + item(title="Second", guid="same")
    feed = parsed(rss(items))
    assert [i.title for i in feed.items] == ["First"]
    assert "1 item(s) repeating an earlier guid dropped" in feed.problems


def test_items_without_guid_are_keyed_by_url() -> None:
    items = item(title="One", link="https://x.example/1?utm_source=a") + item(
        title="One again", link="https://x.example/1?utm_source=b"
    )
    assert [i.guid for i in parsed(rss(items)).items] == ["https://x.example/1"]


def test_identical_dates_across_the_feed_become_the_time_first_seen() -> None:
    items = item(title="A", guid="a") + item(title="B", guid="b")
    feed = parsed(rss(items))
    assert [i.published for i in feed.items] == [NOW, NOW]
    assert not any(i.date_from_feed for i in feed.items)


def test_future_date_becomes_the_time_first_seen() -> None:
    future = (NOW + timedelta(hours=9)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    feed = parsed(rss(item(guid="a", date=future) + item(guid="b")))
    assert feed.items[0].published == NOW
    assert feed.items[1].published == datetime(2026, 4, 9, 8, 0, tzinfo=UTC)


def test_small_clock_skew_is_tolerated() -> None:
    ahead = (NOW + timedelta(minutes=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    feed = parsed(rss(item(guid="a", date=ahead)))
    assert feed.items[0].published == NOW + timedelta(minutes=3)


def test_missing_date_becomes_the_time_first_seen() -> None:
    first = parsed(rss(item(date=None))).items[0]
    assert (first.published, first.date_from_feed) == (NOW, False)


def test_hangul_decides_the_language_over_a_wrong_declaration() -> None:
    feed = parsed(rss(item(title=KOREAN_TITLE), channel="<language>en-us</language>"))
    assert feed.items[0].language == "ko"


def test_feed_language_speaks_for_items_without_letters() -> None:
    feed = parsed(rss(item(title="2026 — 3/4"), channel="<language>ko-KR</language>"))
    assert feed.items[0].language == "ko"


# --- categories ----------------------------------------------------------------------------


def test_rss_categories_and_the_section_of_a_category_domain_are_read() -> None:
    document = rss(
        "<item><title>New chip</title><link>https://news.example.com/a/1</link>"
        "<category>Home Tech</category><category>&lt;b&gt;Bluetooth&lt;/b&gt;</category>"
        "<category domain='https://news.example.com/technology/chips'>Chips</category>"
        "<category>Home Tech</category></item>"
    )
    (first,) = parsed(document).items
    assert first.categories == ("Home Tech", "Bluetooth", "Chips", "technology")


def test_json_feed_tags_are_categories_and_a_tags_string_is_ignored() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON Example",
        "items": [
            {"id": "1", "url": "https://json.example.com/1", "title": "A", "tags": ["AI", 3]},
            {"id": "2", "url": "https://json.example.com/2", "title": "B", "tags": "AI"},
        ],
    }
    first, second = parsed(json.dumps(document), "application/feed+json").items
    assert first.categories == ("AI", "3")
    assert second.categories == ()
