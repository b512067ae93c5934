"""A story told twice in one article is kept once.

Newsletters list their stories twice: a top list ("Top stories", "헤드라인 모아보기") and then
the sections that tell them; or the same link turns up in two sections. Two headlines are the
same story when their links are the same (a ``#fragment`` makes a link different: fragments
pick items on one page), or when their titles are the same and one of them has no link.
A top list without links whose items name the story headings below it in order ("Microsoft
ditched AI exclusivity" before "Story 2: Microsoft Diversifies Copilot …") is the same stories.

Which copy stays: a story a heading tells, then a copy outside a top list (a section most of
whose items are told again later), then a copy with a link, then the first. It takes the link,
summary and tag the dropped copies had and it lacked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from news.archive.parsing.links import unwrap_redirect
from news.core.urls import canonical_url

if TYPE_CHECKING:
    from news.archive.parsing.sections import DraftHeadline, DraftSection

_WORD = re.compile(r"\w+")
_TOP_LIST_MIN = 2
_TOP_LIST_SHARE = 0.5  # of a section's items told again later
_ALIGNED_SHARE = 0.8  # of a link-less top list's items sharing a word with their story
_STEM = 4
_MIN_LATIN_WORD = 3
_STOP_TEXT = (
    "the and for with from that this its new into over after are was has have will about "
    "more than what how why who your you our their his her not but all can now just"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_SAME_SUBJECT_NAMES = 2  # names a story paragraph shares with a story it comments on
_MIN_HANGUL_NAME = 3


@dataclass(slots=True)
class _Entry:
    section: DraftSection
    headline: DraftHeadline
    is_story: bool
    order: int


# Asked for every link when repeats are found, and again when the roundup is built
# (news.archive.importing.archive_url): unwrapping a redirect parses the whole URL.
@functools.lru_cache(maxsize=4096)
def link_key(url: str | None) -> str | None:
    """The link as the archive keys it, with its fragment kept; None when there is none."""
    if not url:
        return None
    url = unwrap_redirect(url)
    canonical = canonical_url(url) or url.strip()
    fragment = urlsplit(url).fragment if "#" in url else ""
    return f"{canonical}#{fragment}" if fragment else canonical


def _title_key(title: str) -> str:
    return "".join(_WORD.findall(title.casefold()))


def _entries(sections: Sequence[DraftSection]) -> list[_Entry]:
    entries: list[_Entry] = []
    for section in sections:
        if section.story is not None:
            entries.append(_Entry(section, section.story, True, len(entries)))
        entries.extend(
            _Entry(section, h, False, len(entries) + i) for i, h in enumerate(section.headlines)
        )
    return entries


def _groups(entries: Sequence[_Entry], *, match_titles: bool) -> list[list[_Entry]]:
    """Entries that are one story, in groups of two or more."""
    by_link: dict[str, int] = {}
    by_title: dict[str, int] = {}
    groups: list[list[_Entry]] = []
    for entry in entries:
        link = link_key(entry.headline.url)
        title = _title_key(entry.headline.title)
        group = by_link.get(link) if link else None
        if group is None and match_titles and title in by_title:
            first = groups[by_title[title]][0]
            # Within one list a line said twice is left alone (the archive files both as one).
            if (first.headline.url is None or link is None) and first.section is not entry.section:
                group = by_title[title]
        if group is None:
            group = len(groups)
            groups.append([])
        groups[group].append(entry)
        if link:
            by_link.setdefault(link, group)
        if title:
            by_title.setdefault(title, group)
    return [group for group in groups if len(group) > 1]


def _top_lists(sections: Sequence[DraftSection], groups: Sequence[list[_Entry]]) -> set[int]:
    """Sections (by id) most of whose items are told again further on."""
    repeated: dict[int, int] = {}
    for group in groups:
        for entry in group[:-1]:
            if not entry.is_story:
                repeated[id(entry.section)] = repeated.get(id(entry.section), 0) + 1
    return {
        id(section)
        for section in sections
        if len(section.headlines) >= _TOP_LIST_MIN
        and repeated.get(id(section), 0) >= _TOP_LIST_SHARE * len(section.headlines)
    }


def _merge(keeper: DraftHeadline, other: DraftHeadline) -> None:
    keeper.url = keeper.url or other.url
    keeper.summary = keeper.summary or other.summary
    keeper.tag = keeper.tag or other.tag


def _remove(entry: _Entry) -> None:
    section = entry.section
    if entry.is_story:
        section.story = None
    else:
        section.headlines[:] = [h for h in section.headlines if h is not entry.headline]


def drop_repeats(sections: Sequence[DraftSection], *, match_titles: bool = True) -> None:
    """Keep one copy of every story told more than once (in place).

    ``match_titles`` false (a Korean column) leaves link-less headlines that share a title.
    """
    if match_titles:
        _demote_commenting_paragraphs(sections)
    entries = _entries(sections)
    if len(entries) < 2:
        return
    groups = _groups(entries, match_titles=match_titles)
    top_lists = _top_lists(sections, groups)
    for group in groups:
        keeper = min(
            group,
            key=lambda e: (
                not e.is_story,
                id(e.section) in top_lists,
                e.headline.url is None,
                e.order,
            ),
        )
        for entry in group:
            if entry is not keeper:
                _merge(keeper.headline, entry.headline)
                _remove(entry)
    _drop_aligned_top_lists(sections)


def _words(text: str) -> set[str]:
    words = set()
    for word in _WORD.findall(text.casefold()):
        latin = word.isascii()
        if word in _STOP_WORDS or (latin and len(word) < _MIN_LATIN_WORD) or word.isdigit():
            continue
        words.add(word[:_STEM] if latin else word)
    return words


def _drop_aligned_top_lists(sections: Sequence[DraftSection]) -> None:
    """A link-less list whose items name, in order, the stories the headings below tell."""
    for position, section in enumerate(sections):
        items = section.headlines
        if len(items) < _TOP_LIST_MIN or section.story is not None:
            continue
        if any(item.url for item in items):
            continue
        stories = [later.story for later in sections[position + 1 :] if later.story is not None]
        if len(stories) < len(items):
            continue
        pairs = list(zip(items, stories, strict=False))
        shared = sum(
            1
            for item, story in pairs
            if _words(f"{item.title} {item.summary}") & _words(story.title)
        )
        if shared < _ALIGNED_SHARE * len(items):
            continue
        for item, story in pairs:
            if story is not None and not story.summary:
                story.summary = f"{item.title} {item.summary}".strip()
        section.headlines.clear()


def _demote_commenting_paragraphs(sections: Sequence[DraftSection]) -> None:
    """A paragraph read as a story that talks about a story listed with a title of its own
    ("The biggest story was the collapse of the Lumen deal …" above "Merger off: Lumen …") is
    commentary on that story."""
    titled = [
        _names(f"{h.title} {h.summary}")
        for section in sections
        for h in section.headlines
        if not h.from_paragraph
    ]
    for section in sections:
        for headline in [h for h in section.headlines if h.from_paragraph]:
            names = _names(f"{headline.title} {headline.summary}")
            if any(len(names & other) >= _SAME_SUBJECT_NAMES for other in titled):
                section.headlines.remove(headline)
                section.paragraphs.append(f"{headline.title} {headline.summary}".strip())


def _names(text: str) -> set[str]:
    """Capitalised words and longer Korean words: what tells one story's subject."""
    names = set()
    for word in _WORD.findall(text):
        if word.isascii():
            if word[0].isupper() and len(word) > 1 and word.casefold() not in _STOP_WORDS:
                names.add(word.casefold())
        elif len(word) >= _MIN_HANGUL_NAME:
            names.add(word)
    return names
