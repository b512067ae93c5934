"""Finding the feeds a web page announces (``<link rel="alternate" type=…>``)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from news.feeds.cleaning import absolute_link

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
)


def discover_feed_links(html_text: str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds a page announces with ``<link rel="alternate" type=…>``,
    in page order, each once (``<base href>`` honoured)."""
    finder = _FeedLinkFinder(base_url)
    try:
        finder.feed(html_text)
        finder.close()
    except AssertionError:  # html.parser's reaction to some broken markup: keep what we have
        pass
    return list(dict.fromkeys(finder.links))


class _FeedLinkFinder(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "base" and attributes.get("href"):
            self.base_url = urljoin(self.base_url, attributes["href"].strip())
        elif tag == "link" and _announces_feed(attributes):
            link = absolute_link(attributes.get("href"), self.base_url)
            if link:
                self.links.append(link)


def _announces_feed(attributes: dict[str, str]) -> bool:
    rel = attributes.get("rel", "").lower().split()
    kind = attributes.get("type", "").split(";")[0].strip().lower()
    return "alternate" in rel and kind in FEED_TYPES
