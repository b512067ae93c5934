"""One headline line: its bullet, column tag, link, title and summary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from news.archive.parsing.blocks import is_read_more, source_link
from news.archive.parsing.inline import find_links, leading_link, plain_text

# ㆍ (U+318D) is the Korean column's bullet; the others turn up in the wild. Markdown list
# markers need a space after them, or "-3%" and "*emphasis*" would read as bullets.
_BULLET = re.compile(
    r"(?P<mark>[ㆍ·•‧∙⋅・･◦‣▪■□◆◇●○▶▷►▸➤]|📰)\s*|(?P<list>[-*+]|\d{1,3}[.)])(?:\s+|$)"
)
_INTERPUNCT = "ㆍ"
_COLUMN_TAG = re.compile(r"\[(?P<tag>[^\[\]]{1,30})\](?!\()\s*")
_SUMMARY_SEPARATOR = re.compile(r"\s+[-:]\s+")
_BOLD_LEAD = re.compile(r"(\*\*|__)(?P<bold>.+?)\1(?P<rest>.*)", re.DOTALL)
_BARE_URL = re.compile(r"(?<![\w.])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_URL_TRAILING_PUNCTUATION = ".,;:!?'\"]>"
_TITLE_EDGES = " -–—:|(<["
_SUMMARY_EDGES = " -–—:;,.|"
_SENTENCE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Bullet:
    content: str  # the line after its bullet
    is_list_marker: bool  # -, *, + or a number: Markdown list syntax, which can nest
    is_interpunct: bool  # ㆍ: a headline in the Korean column, whatever comes before it


@dataclass(frozen=True, slots=True)
class HeadlineParts:
    title: str
    url: str | None = None
    summary: str = ""
    tag: str | None = None  # column label such as 심층분석


@dataclass(frozen=True, slots=True)
class _Raw:
    """A headline cut into pieces that still hold Markdown."""

    title: str
    url: str | None = None
    summary: str = ""


def split_bullet(text: str) -> Bullet | None:
    match = _BULLET.match(text)
    if match is None:
        return None
    return Bullet(
        content=text[match.end() :],
        is_list_marker=match["list"] is not None,
        is_interpunct=match["mark"] == _INTERPUNCT,
    )


def _trim_url(url: str) -> tuple[str, str]:
    """Split off what follows a URL in prose: a full stop, or the ")" closing "(url)"."""
    end = len(url)
    unmatched_closers = url.count(")") - url.count("(")
    while end:
        char = url[end - 1]
        if char in _URL_TRAILING_PUNCTUATION:
            end -= 1
        elif char == ")" and unmatched_closers > 0:
            end -= 1
            unmatched_closers -= 1
        else:
            break
    return url[:end], url[end:]


def split_bare_url(text: str) -> tuple[str, str, str] | None:
    """``(before, url, after)`` for the first bare URL in the text."""
    if "://" not in text and "www." not in text.lower():
        return None
    match = _BARE_URL.search(text)
    if match is None:
        return None
    url, spill = _trim_url(match.group())
    return text[: match.start()], url, spill + text[match.end() :]


def is_bare_url(text: str) -> bool:
    found = split_bare_url(text)
    return found is not None and not found[0].strip() and not found[2].strip(" )>.")


def _from_leading_link(text: str) -> _Raw | None:
    lead = leading_link(text)
    if lead is None:
        return None
    link, rest = lead
    return _Raw(link.text, link.url or None, rest)


def _from_inline_link(text: str) -> _Raw | None:
    """A link inside the line ("Resources to learn about [X](url)"): the whole line is the title."""
    links = [link for link in find_links(text) if not link.is_image]
    return _Raw(text, links[0].url or None) if links else None


def _from_bare_url(text: str) -> _Raw | None:
    """``title - https://…``, ``title (https://…)``, or a URL alone."""
    found = split_bare_url(text)
    if found is None:
        return None
    before, url, after = found
    title = before.strip().rstrip(_TITLE_EDGES).strip()
    summary = after.strip().lstrip(")>]").strip()
    if not title:
        title, summary = (summary, "") if summary else (url, "")
    return _Raw(title, url, summary)


def _from_bold_lead(text: str) -> _Raw | None:
    """``**OpenAI launched X** that …``: a bold sentence is the title, the rest its summary.

    A short bold label (``**OpenAI:** …``) is no title on its own, so the whole line is.
    """
    if not text.startswith(("**", "__")):
        return None
    match = _BOLD_LEAD.match(text)
    if match is None or not match["rest"].strip():
        return None
    bold = plain_text(match["bold"])
    if len(bold.split()) < _SENTENCE_WORDS or bold.endswith(":"):
        return None
    return _Raw(match["bold"], None, match["rest"])


def _from_separator(text: str) -> _Raw | None:
    """``title : summary`` or ``title - summary`` (spaces on both sides of the separator)."""
    match = _SUMMARY_SEPARATOR.search(text)
    if match is None or not text[: match.start()].strip() or not text[match.end() :].strip():
        return None
    return _Raw(text[: match.start()], None, text[match.end() :])


def _raw_parts(text: str, split_summary: bool) -> _Raw:
    for reader in (_from_leading_link, _from_inline_link, _from_bare_url, _from_bold_lead):
        raw = reader(text)
        if raw is not None:
            return raw
    separated = _from_separator(text) if split_summary else None
    return separated or _Raw(text)


def _split_tag(title: str) -> tuple[str | None, str]:
    """``[심층분석]엔비디아의 …`` -> (심층분석, 엔비디아의 …); a link ``[x](url)`` is no tag."""
    title = title.strip()
    match = _COLUMN_TAG.match(title)
    if match is None or not plain_text(title[match.end() :]):
        return None, title
    return " ".join(match["tag"].split()), title[match.end() :]


def read_headline(content: str, *, split_summary: bool) -> HeadlineParts | None:
    """The headline a bulleted line holds, or None when nothing readable is left of it.

    ``split_summary`` lets ``title - summary`` split; the Korean column keeps its titles whole.
    """
    raw = _raw_parts(content.strip(), split_summary)
    tag, title_markdown = _split_tag(raw.title)
    title = plain_text(title_markdown)
    if not title:
        return None
    summary = plain_text(raw.summary).lstrip(_SUMMARY_EDGES)
    return HeadlineParts(title=title, url=raw.url, summary=summary, tag=tag)


def linked_heading(text: str) -> HeadlineParts | None:
    """The story a heading names when all it holds is one link (not "Read more", not a
    "[원본 기사]" source label)."""
    body = text.lstrip("#").strip().rstrip("#").strip()
    links = [link for link in find_links(body) if not link.is_image]
    if len(links) != 1 or not links[0].url:
        return None
    outside = body[: links[0].start] + body[links[0].end :]
    if plain_text(outside).strip(" |·-–—:"):
        return None
    parts = read_headline(body, split_summary=False)
    if parts is None or is_read_more(parts.title) or source_link(body) is not None:
        return None
    return parts
