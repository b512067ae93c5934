"""Feed lists as OPML: reading an admin's upload (bounded, no document type, so no entity
expansion) and writing a server's feeds."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree

from news.core.errors import InvalidInput
from news.feeds.sources import GuildFeed

MAX_OPML_BYTES = 1024 * 1024


def read_opml(data: bytes) -> list[tuple[str | None, str]]:
    """(title, xmlUrl) of every outline with a feed URL, in document order."""
    if len(data) > MAX_OPML_BYTES:
        raise InvalidInput("opml.too_large")
    # Entities are how XML bombs explode; OPML never needs a document type.
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise InvalidInput("opml.doctype")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise InvalidInput("opml.unreadable") from error
    return [
        (outline.get("title") or outline.get("text"), url.strip())
        for outline in root.iter("outline")
        if (url := outline.get("xmlUrl"))
    ]


def write_opml(feeds: Sequence[GuildFeed]) -> str:
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "roundup-bot feeds"
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        attributes = {
            "type": "rss",
            "text": feed.label,
            "title": feed.label,
            "xmlUrl": feed.source.url,
        }
        if feed.source.site_link:
            attributes["htmlUrl"] = feed.source.site_link
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
