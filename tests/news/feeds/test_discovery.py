from news.feeds.discovery import discover_feed_links


def test_feed_links_are_discovered_absolute_and_once() -> None:
    page = """<html><head><base href="https://site.example/blog/">
    <link rel="stylesheet" type="text/css" href="/style.css">
    <link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">
    <link rel="alternate" type="application/atom+xml" href="https://site.example/atom">
    <link rel="Alternate" type="application/feed+json" href="/feed.json">
    <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
    <link rel="alternate" type="application/rss+xml" href="feed.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
    </head><body></body></html>"""
    assert discover_feed_links(page, "https://site.example/") == [
        "https://site.example/blog/feed.xml",
        "https://site.example/atom",
        "https://site.example/feed.json",
    ]


def test_page_without_feed_links_has_none() -> None:
    assert discover_feed_links("<p>no head at all", "https://site.example/") == []
