"""A news web page turned into the article text that the roundup importer reads.

Entry point: :func:`extract_article`. The page's main text is found the way readability
does it: every paragraph of real prose scores for the element that holds it (and half for
that element's parent), class and id names that say "article" or "comment" add or take away,
and a container that is mostly link text loses in proportion. The winner is written out as
Markdown-ish lines: a blank line between blocks, ``- `` for list items, ``#`` for headings,
links as ``[text](absolute url)``, and bullets such as ``ㆍ`` kept where the page put them,
so a Korean column imports as a column with its headlines' links.

Why not trafilatura: tried (2.3), it drops a paragraph made of a single short link as
boilerplate, and that is exactly how Korean columns lay out their ``ㆍ`` related headlines.

Title, date and publisher come from the page's metadata (Open Graph, ``article:``, JSON-LD),
falling back to the first heading and ``<title>``; the time of day from the same metadata or
the first ``<time datetime>``, when one gives a time and not only a date.

Every walk of the tree is iterative (an explicit stack), so a page nested thousands of
elements deep is read like any other instead of overflowing Python's stack.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from news.archive.parsing.dates import published_time
from news.core.errors import InvalidInput

# Elements whose content is never article text.
_SKIPPED = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
        "nav", "aside", "footer", "figure", "figcaption", "head", "textarea", "object", "video",
        "audio", "canvas", "map",
    }
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "blockquote", "pre", "table", "tr", "td", "th", "dl",
        "dt", "dd", "section", "article", "main", "header", "body", "hr", *_HEADINGS,
    }
)  # fmt: skip
# Paragraph-like elements: their prose scores for the element that holds them.
_PARAGRAPHS = frozenset({"p", "pre", "td", "blockquote", "dd"})
# Elements that close an open <p> or <li> of their own kind, as browsers do.
_SELF_CLOSING_SIBLINGS = {"p": "p", "li": "li", "dt": "dt", "dd": "dd", "tr": "tr"}

# readability's class and id weights, with the names Korean news systems use.
_POSITIVE = re.compile(
    r"article|body|content|entry|main|post|story|text|blog|news_?view|view_?con|dic_area",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"comment|reply|footer|sidebar|\bside\b|widget|related|recommend|popular|rank|"
    r"banner|\bads?\b|advert|promo|share|social|\bsns\b|sponsor|menu|\bnav|breadcrumb|login|"
    r"subscribe|copyright|\btags?\b|hidden|modal|popup|combx|masthead|outbrain|taboola",
    re.IGNORECASE,
)
_CLASS_WEIGHT = 25.0
_MIN_PROSE = 25  # characters a paragraph needs before it counts as prose
_PROSE_CAP = 3.0  # one long paragraph counts as at most three short ones
_FRONT_RUNNERS = 5
_BULLETS = ("ㆍ", "·", "•", "-", "*", "▶", "►", "■", "□", "○", "●")
_COMMAS = re.compile(r"[,，、]")

_DATE = re.compile(r"(\d{4})[-./년]\s*(\d{1,2})[-./월]\s*(\d{1,2})")
_WHITESPACE = re.compile(r"\s+")
_TITLE_META = ("og:title", "twitter:title")
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date.issued",
    "dc.date",
)
_SITE_META = ("og:site_name", "application-name", "publisher")


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    title: str | None
    text: str  # paragraphs separated by blank lines; items and bullets each on a line
    published: date | None  # the publication day as the publisher wrote it
    site_name: str | None
    published_at: datetime | None = None  # with its time of day, when the page gives one


def extract_article(html_text: str, *, url: str) -> ExtractedArticle:
    """The main text and metadata of a web page; ``url`` resolves its relative links.

    Raises InvalidInput when the page holds no readable text.
    """
    page = _parse_page(html_text)
    root = _best_container(page.body)
    text = _Renderer(url).render(root)
    if not text:
        raise InvalidInput("article.no_text")
    return ExtractedArticle(
        title=_first(page.meta.get(name) for name in _TITLE_META)
        or page.json_ld.get("headline")
        or _first_heading(root)
        or page.title,
        text=text,
        published=_published(page),
        site_name=_first(page.meta.get(name) for name in _SITE_META)
        or page.json_ld.get("publisher"),
        published_at=_published_at(page),
    )


# --- A small tolerant DOM ------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class _Element:
    tag: str
    attrs: dict[str, str]
    parent: _Element | None
    children: list[_Element | str] = field(default_factory=list)

    def text(self) -> str:
        """The text under this element, leaving out elements that never hold article text."""
        pieces: list[str] = []
        stack: list[_Element | str] = list(reversed(self.children))
        while stack:
            child = stack.pop()
            if isinstance(child, str):
                pieces.append(child)
            elif child.tag not in _SKIPPED:
                stack.extend(reversed(child.children))
        return "".join(pieces)


@dataclass(slots=True)
class _Page:
    body: _Element
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    json_ld: dict[str, str] = field(default_factory=dict)
    time_datetime: str | None = None  # the first <time datetime="…">


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("body", {}, None)
        self.current = self.root
        self.page = _Page(self.root)
        self._in_title = False
        self._title: list[str] = []
        self._json_ld: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta":
            self._read_meta(attributes)
        elif tag == "title":
            self._in_title = True
        elif tag == "script" and attributes.get("type", "").lower() == "application/ld+json":
            self._json_ld = []
        elif tag == "time" and self.page.time_datetime is None and attributes.get("datetime"):
            self.page.time_datetime = attributes["datetime"].strip()
        if tag in ("html", "body"):
            return  # the root stands for both
        if tag in _SELF_CLOSING_SIBLINGS and self.current.tag == _SELF_CLOSING_SIBLINGS[tag]:
            self._close(self.current.tag)
        element = _Element(tag, attributes, self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and tag not in ("html", "body"):
            self._close(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            self.page.title = _clean("".join(self._title)) or None
        elif tag == "script" and self._json_ld is not None:
            _read_json_ld("".join(self._json_ld), self.page.json_ld)
            self._json_ld = None
        self._close(tag)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        if self._json_ld is not None:
            self._json_ld.append(data)
        self.current.children.append(data)

    def _close(self, tag: str) -> None:
        """Close the nearest open `tag`; a stray end tag with no open element is ignored."""
        element: _Element | None = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def _read_meta(self, attributes: dict[str, str]) -> None:
        name = (
            attributes.get("property") or attributes.get("name") or attributes.get("itemprop", "")
        ).lower()
        content = _clean(attributes.get("content", ""))
        if name and content:
            self.page.meta.setdefault(name, content)


def _parse_page(html_text: str) -> _Page:
    builder = _TreeBuilder()
    try:
        builder.feed(html_text)
        builder.close()
    except AssertionError:  # html.parser gives up on some broken markup: keep what it read
        pass
    return builder.page


def _read_json_ld(source: str, found: dict[str, str]) -> None:
    try:
        document = json.loads(source)
    except ValueError:
        return
    for node in _json_ld_nodes(document):
        for key in ("headline", "datePublished"):
            if isinstance(node.get(key), str):
                found.setdefault(key, _clean(node[key]))
        publisher = node.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            found.setdefault("publisher", _clean(publisher["name"]))


def _json_ld_nodes(document: Any) -> list[dict[str, Any]]:
    nodes = document if isinstance(document, list) else [document]
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):
        nodes = document["@graph"]
    return [node for node in nodes if isinstance(node, dict)]


# --- Finding the article ---------------------------------------------------------------------


def _best_container(body: _Element) -> _Element:
    scores: dict[_Element, float] = {}
    for element in _elements(body):
        if element.tag in _PARAGRAPHS or _holds_prose_directly(element):
            _credit(element, scores)
    if not scores:
        return body
    # Link density costs a walk of the element, so only the front runners pay it.
    leaders = sorted(scores, key=lambda e: scores[e] + _class_weight(e), reverse=True)
    adjusted = {
        element: (scores[element] + _class_weight(element)) * (1 - _link_density(element))
        for element in leaders[:_FRONT_RUNNERS]
    }
    return max(adjusted, key=adjusted.__getitem__)


def _elements(root: _Element) -> list[_Element]:
    """Every element under `root` that may hold article text, in document order."""
    found: list[_Element] = []
    stack = [root]
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(
            child
            for child in reversed(element.children)
            if isinstance(child, _Element) and not _is_boilerplate(child)
        )
    return found


def _is_boilerplate(element: _Element) -> bool:
    if element.tag in _SKIPPED:
        return True
    names = f"{element.attrs.get('class', '')} {element.attrs.get('id', '')}"
    return bool(_NEGATIVE.search(names)) and not _POSITIVE.search(names)


def _holds_prose_directly(element: _Element) -> bool:
    """A <div> of text and <br>s, as older Korean news systems write their articles."""
    return element.tag == "div" and any(
        isinstance(child, str) and len(child.strip()) >= _MIN_PROSE for child in element.children
    )


def _credit(element: _Element, scores: dict[_Element, float]) -> None:
    text = _clean(_own_text(element) if element.tag == "div" else element.text())
    if len(text) < _MIN_PROSE:
        return
    score = 1 + len(_COMMAS.findall(text)) + min(len(text) / 100, _PROSE_CAP)
    holder = element if element.tag == "div" else element.parent
    if holder is None:
        return
    scores[holder] = scores.get(holder, 0.0) + score
    if holder.parent is not None:
        scores[holder.parent] = scores.get(holder.parent, 0.0) + score / 2


def _own_text(element: _Element) -> str:
    return "".join(
        child if isinstance(child, str) else child.text()
        for child in element.children
        if isinstance(child, str) or child.tag not in _BLOCKS
    )


def _class_weight(element: _Element) -> float:
    names = f"{element.attrs.get('class', '')} {element.attrs.get('id', '')}"
    weight = _CLASS_WEIGHT if _POSITIVE.search(names) else 0.0
    if element.tag == "article" or element.attrs.get("itemprop") == "articleBody":
        weight += _CLASS_WEIGHT
    return weight - (_CLASS_WEIGHT if _NEGATIVE.search(names) else 0.0)


def _link_density(element: _Element) -> float:
    total = len(_clean(element.text()))
    if not total:
        return 1.0
    linked = sum(len(_clean(link.text())) for link in _elements(element) if link.tag == "a")
    return min(linked / total, 1.0)


# --- Writing it out ------------------------------------------------------------------------


class _Renderer:
    """The chosen element as lines: blocks apart, <br> a line break, links in Markdown."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.blocks: list[list[str]] = []
        self.line: list[str] = []
        self.lines: list[str] = []

    def render(self, root: _Element) -> str:
        self._walk(root)
        self._end_block()
        return "\n\n".join("\n".join(block) for block in self.blocks)

    def _walk(self, root: _Element) -> None:
        # Strings are text, elements are still to visit, and None closes a block once
        # its children are written (the stack replaces recursion; see the module's note).
        stack: list[_Element | str | None] = list(reversed(root.children))
        while stack:
            item = stack.pop()
            if item is None:
                self._end_block()
            elif isinstance(item, str):
                self.line.append(item)
            elif not _is_boilerplate(item):
                stack.extend(self._element(item))

    def _element(self, element: _Element) -> list[_Element | str | None]:
        """Write what an element starts with; what is left to visit, last first."""
        if element.tag == "br":
            self._end_line()
            return []
        if element.tag == "a":
            self.line.append(self._link(element))
            return []
        children: list[_Element | str | None] = list(reversed(element.children))
        if element.tag in _BLOCKS:
            self._end_block()
            prefix = _block_prefix(element)
            if prefix:
                self.line.append(prefix)
            return [None, *children]
        return children

    def _link(self, element: _Element) -> str:
        text = _clean(element.text())
        href = element.attrs.get("href", "").strip()
        target = urljoin(self.base_url, href) if href else ""
        if not text or urlsplit(target).scheme not in ("http", "https"):
            return element.text()
        return f"[{text}]({target})"

    def _end_line(self) -> None:
        line = _clean("".join(self.line))
        self.line = []
        if line and line not in ("-", "#", "##", "###", "####", "#####", "######"):
            self.lines.append(line)

    def _end_block(self) -> None:
        self._end_line()
        if self.lines:
            self.blocks.append(self.lines)
        self.lines = []


def _block_prefix(element: _Element) -> str:
    if element.tag in _HEADINGS:
        return "#" * _HEADINGS[element.tag] + " "
    if element.tag == "li" and not _clean(element.text()).startswith(_BULLETS):
        return "- "
    return ""


# --- Metadata ------------------------------------------------------------------------------


def _published(page: _Page) -> date | None:
    candidates = [page.meta.get(name) for name in _DATE_META]
    candidates.append(page.json_ld.get("datePublished"))
    for value in candidates:
        if value and (day := _day_of(value)):
            return day
    return None


def _published_at(page: _Page) -> datetime | None:
    """The publication time with its time of day: ``article:published_time``, JSON-LD
    ``datePublished`` or the first ``<time datetime>``; None when they give only a date."""
    candidates = [page.meta.get(name) for name in _DATE_META]
    candidates += [page.json_ld.get("datePublished"), page.time_datetime]
    for value in candidates:
        if value and (moment := published_time(value)) is not None:
            return moment
    return None


def _day_of(value: str) -> date | None:
    """The calendar day a timestamp names, in the publisher's own offset."""
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        pass
    match = _DATE.search(value)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _first_heading(root: _Element) -> str | None:
    for element in _elements(root):
        if element.tag == "h1":
            return _clean(element.text()) or None
    return None


def _first(values: Any) -> str | None:
    return next((value for value in values if value), None)


def _clean(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()
