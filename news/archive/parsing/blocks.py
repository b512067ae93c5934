"""Block-level structure of Markdown and plain text: headings, rules, fences, front matter, nav."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from news.archive.parsing.inline import Link, find_links, plain_text
from news.archive.parsing.lines import SourceLine

_MAX_HEADING_LEVEL = 6
_MAX_BLOCK_INDENT = 3
_RULE_CHARS = frozenset("-*_=")
_RULE_MIN = 3
_FENCES = ("```", "~~~")
_SOURCE_NOTE = re.compile(r"#\s*(?:source|original|원문|출처)\s*:", re.IGNORECASE)
# "Story 3: …", "Item 2. …", "#4 …": a numbered story whose heading is its headline.
_NUMBERED_STORY = re.compile(
    r"(?:story|item|no\.?|#)\s*\d{1,3}\s*[:.)]?\s+(?P<title>\S.*)", re.IGNORECASE
)
_PROMPT_HEADING = re.compile(r"\bprompt(?:s|ing)?\b|프롬프트", re.IGNORECASE)
# Headings over blocks that are not news, and the reason reported for their lines. Only short
# headings count ("Who's hiring", "Sponsored by Acme"), never a story's ("Apple cuts 600 jobs").
_NOT_NEWS_HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:hiring|jobs|job board|careers|open roles)\b"
            r"|^(?:jobs?|채용(?:\s*정보|\s*공고)?|구인)$",
            re.IGNORECASE,
        ),
        "job ads",
    ),
    (
        re.compile(
            r"\b(?:sponsor(?:s|ed)?|presented by|together with|brought to you by|partner content|"
            r"advertisement)\b|^(?:광고|후원|협찬|스폰서)$",
            re.IGNORECASE,
        ),
        "sponsor",
    ),
    (
        re.compile(
            r"\b(?:footnotes?|appendix)\b|^(?:references|각주|부록|참고\s*문헌)$", re.IGNORECASE
        ),
        "footnotes and appendix",
    ),
)
_NOT_NEWS_HEADING_WORDS = 6
# A short line alone that opens a sponsor block: "Sponsored", "Together with Acme", "(광고)".
_SPONSOR_MARKER = re.compile(
    r"[\[(]?\s*(?:sponsored(?:\s+by\b.*)?|sponsor|presented by\b.*|together with\b.*|"
    r"brought to you by\b.*|promoted|advertisement|ad|광고|협찬|후원|스폰서)\s*[\])]?\s*:?",
    re.IGNORECASE,
)
_SPONSOR_MARKER_MAX = 60
# A title that says it is paid for: "Acme's new thing (Sponsor)", "[광고] …".
_SPONSOR_TAG = re.compile(
    r"[\[(]\s*(?:sponsor(?:ed)?|ad|advertisement|promoted|partner|광고|협찬|후원)\s*[\])]",
    re.IGNORECASE,
)
# "Read more", "Continue reading →", "기사 전문 보기": a link to the story, never a story.
_READ_MORE = re.compile(
    r"(?:read\s+(?:more|the\s+(?:full\s+)?(?:story|article|post))|continue\s+reading|"
    r"keep\s+reading|full\s+story|더\s*읽기|더\s*보기|자세히\s*보기|전문\s*보기|"
    r"기사\s*(?:전문\s*)?(?:보기|더보기))\b.*",
    re.IGNORECASE,
)
_READ_MORE_MAX = 80
_META_FIELD_MAX = 60
_META_LINE_MAX = 200
_FRONT_MATTER_MAX_LINES = 80
_NAV_LABELS = frozenset(
    {
        "sign up",
        "subscribe",
        "unsubscribe",
        "advertise",
        "view more",
        "read more",
        "see more",
        "more",
        "view in browser",
        "share",
        "follow",
        "get listed here",
        "home",
        "back to top",
        "구독",
        "구독하기",
        "더보기",
        "더 보기",
        "공유",
        "광고",
        "광고 문의",
        "목록",
        "맨 위로",
    }
)
_SOURCE_LABELS = frozenset(
    {
        "원본 기사",
        "원본",
        "원문",
        "기사 원문",
        "원문 보기",
        "기사 보기",
        "출처",
        "링크",
        "source",
        "original",
        "original article",
        "full story",
        "read the story",
        "link",
    }
)
_NAV_ARROWS = "→»›↗"
_NAV_SEPARATORS = " |·•/,-\\"  # "\\" ends a Markdown hard line break


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    title: str  # plain text, a leading emoji removed


@dataclass(frozen=True, slots=True)
class FrontMatterField:
    index: int  # position in the line list
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class FrontMatter:
    end: int  # index of the closing delimiter
    fields: tuple[FrontMatterField, ...]


def _without_leading_symbols(text: str) -> str:
    """ "📢 들어가며" -> "들어가며": emoji decorate headings but are not part of their names."""
    position = 0
    while position < len(text) and (
        unicodedata.category(text[position]) == "So" or text[position] == " "
    ):
        position += 1
    return text[position:]


def parse_heading(line: SourceLine) -> Heading | None:
    """An ATX heading (``## Title ##``); setext underlines are read as rules instead."""
    text = line.text
    if line.indent > _MAX_BLOCK_INDENT or not text.startswith("#"):
        return None
    level = len(text) - len(text.lstrip("#"))
    rest = text[level:]
    if level > _MAX_HEADING_LEVEL or (rest and not rest.startswith(" ")):
        return None
    body = rest.strip()
    without_closing = body.rstrip("#")
    if not without_closing or without_closing.endswith(" "):
        body = without_closing.strip()
    return Heading(level, _without_leading_symbols(plain_text(body)))


def is_source_note(text: str) -> bool:
    """``# source: …`` / ``# original: …``: where a saved file came from, not a section."""
    return _SOURCE_NOTE.match(text) is not None


def numbered_story_title(heading: Heading) -> str | None:
    match = _NUMBERED_STORY.fullmatch(heading.title)
    return match["title"] if match else None


def is_prompt_heading(heading: Heading) -> bool:
    return _PROMPT_HEADING.search(heading.title) is not None


def not_news_heading(heading: Heading) -> str | None:
    """Why the block under this heading is not news (job ads, sponsor, footnotes), or None."""
    title = heading.title.strip(" :!.")
    if len(title.split()) > _NOT_NEWS_HEADING_WORDS:
        return None
    return next((reason for pattern, reason in _NOT_NEWS_HEADINGS if pattern.search(title)), None)


def is_sponsor_marker(text: str) -> bool:
    """``Sponsored``, ``Together with Acme``, ``(광고)``: a short line that opens a paid block."""
    plain = plain_text(text)
    return len(plain) <= _SPONSOR_MARKER_MAX and _SPONSOR_MARKER.fullmatch(plain) is not None


def is_sponsored_title(title: str) -> bool:
    return _SPONSOR_TAG.search(title) is not None


def is_read_more(label: str) -> bool:
    """``Read more…``, ``Continue reading``, ``기사 전문 보기``: the label of a link to a story."""
    plain = plain_text(label).strip(" .…→»›↗>-:")
    return len(plain) <= _READ_MORE_MAX and _READ_MORE.fullmatch(plain) is not None


def split_read_more(text: str) -> tuple[str, str | None, bool]:
    """A paragraph without its trailing ``Read more`` (or ``[Read more](url)``): the rest, the
    link it held, and whether there was one."""
    links = [link for link in find_links(text) if not link.is_image]
    if links and is_read_more(links[-1].text) and not text[links[-1].end :].strip(" .…→»›"):
        return text[: links[-1].start].rstrip(), links[-1].url or None, True
    stripped = text.rstrip(" .…→»›")
    for words in ("read more", "continue reading"):
        if stripped.lower().endswith(words) and len(stripped) > len(words):
            before = stripped[: -len(words)]
            if before.endswith((" ", ".", "!", "?", "”", '"')):
                return before.rstrip(), None, True
    return text, None, False


def opens_fence(line: SourceLine) -> str | None:
    """The fence marker when the line opens (or closes) a code block."""
    if line.indent > _MAX_BLOCK_INDENT:
        return None
    return next((fence for fence in _FENCES if line.text.startswith(fence)), None)


def is_rule(text: str) -> bool:
    """``---``, ``* * *``, ``___`` or a ``=====`` underline."""
    if text[:1] not in _RULE_CHARS:
        return False
    compact = text.replace(" ", "")
    return len(compact) >= _RULE_MIN and len(set(compact)) == 1 and compact[0] in _RULE_CHARS


def is_table_row(text: str) -> bool:
    return len(text) > 1 and text.startswith("|") and text.endswith("|")


def is_meta_line(text: str) -> bool:
    """``이슈 #14 | 작성자: bot | 상태: open``: short ``key: value`` fields between bars."""
    if " | " not in text:
        return False
    fields = text.split(" | ")
    return (
        len(fields) >= 2
        and len(text) <= _META_LINE_MAX
        and all(len(field) <= _META_FIELD_MAX for field in fields)
        and any(":" in field for field in fields)
    )


def is_image_line(text: str) -> bool:
    """Nothing but images (``![](…)``, ``[![](…)](…)``)."""
    return "![" in text and not plain_text(text)


def is_small_print(text: str) -> bool:
    """``<small>…</small>``: the caption under a newsletter image."""
    return text.startswith("<") and text[:12].lower().startswith(("<small>", "<figcaption>"))


def _text_outside(text: str, links: Sequence[Link]) -> str:
    pieces: list[str] = []
    position = 0
    for link in links:
        pieces.append(text[position : link.start])
        position = link.end
    pieces.append(text[position:])
    return "".join(pieces)


def _label(link: Link) -> str:
    return plain_text(link.text).lower()


def is_navigation(text: str) -> bool:
    """``[Sign up](…)|[Advertise](…)``, ``[View more →](…)``, ``[Get listed here](mailto:…)``."""
    links = [link for link in find_links(text) if not link.is_image]
    if not links:
        return False
    alone = not _text_outside(text, links).strip(_NAV_SEPARATORS)
    if len(links) > 1:
        return alone
    label = _label(links[0])
    return alone and (
        label.rstrip(_NAV_ARROWS + " ") in _NAV_LABELS
        or label.endswith(tuple(_NAV_ARROWS))
        or links[0].url.lower().startswith("mailto:")
    )


def source_link(text: str) -> Link | None:
    """``[원본 기사](url)`` alone on a line: the link to the story the section is about."""
    links = find_links(text)
    if len(links) != 1 or links[0].is_image or _text_outside(text, links).strip():
        return None
    return links[0] if _label(links[0]) in _SOURCE_LABELS else None


def read_front_matter(lines: Sequence[SourceLine], start: int) -> FrontMatter | None:
    """YAML front matter opened by ``---`` at ``start``: its ``key: value`` fields."""
    if lines[start].text != "---":
        return None
    last = min(len(lines), start + _FRONT_MATTER_MAX_LINES)
    for index in range(start + 1, last):
        if lines[index].text in ("---", "..."):
            fields = tuple(_front_matter_fields(lines, start + 1, index))
            return FrontMatter(end=index, fields=fields)
    return None


def _front_matter_fields(
    lines: Sequence[SourceLine], start: int, end: int
) -> list[FrontMatterField]:
    fields: list[FrontMatterField] = []
    for index in range(start, end):
        key, colon, value = lines[index].text.partition(":")
        if colon and key.strip():
            clean = value.strip().strip("\"'").strip()
            fields.append(FrontMatterField(index, key.strip().lower(), clean))
    return fields


# Lines that are layout, not content, and the reason reported for them.
_STRUCTURE: tuple[tuple[Callable[[str], bool], str], ...] = (
    (is_rule, "horizontal rule"),
    (is_table_row, "table"),
    (lambda text: text.startswith("<!--"), "html comment"),
    (is_meta_line, "metadata"),
    (is_image_line, "image"),
    (is_small_print, "photo caption"),
)


def structure_reason(text: str) -> str | None:
    """Why a line is layout rather than content (a rule, a table, an image …), or None."""
    return next((reason for test, reason in _STRUCTURE if test(text)), None)
