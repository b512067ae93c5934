"""Stories told as paragraphs, and the counts over an article that say when to look for them.

``Lead: story …`` paragraphs of plain-text newsletters, and lead-paragraph newsletters ("week
in review") where each paragraph after the introduction is one story whose first sentence is
its headline.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from news.archive.parsing import blocks
from news.archive.parsing.headlines import HeadlineParts, split_bare_url, split_bullet
from news.archive.parsing.inline import plain_text
from news.archive.parsing.layout import LAYOUT_SAMPLE_LINES
from news.archive.parsing.lines import SourceLine

_LINKS_USUAL_MIN_ITEMS = 4
_STORY_PARAGRAPH_MIN = 120
_STORY_TITLE_MAX = 200
# The first sentence of a story paragraph: up to a full stop followed by the next sentence.
_FIRST_SENTENCE = re.compile(r"(?P<title>.+?[.!?])\s+(?=[\"“‘'(A-Z0-9가-힣])")
# "Uber vs. DoorDash: Uber is suing …": a short lead, a colon, then the story.
_LEAD_PARAGRAPH = re.compile(r"(?P<lead>[^:]{2,80}?):\s+(?P<rest>\S.{19,})")
_LEAD_MAX_WORDS = 10


def lead_headline(text: str) -> HeadlineParts | None:
    """``Lead: story …`` paragraphs of plain-text newsletters: the lead is the headline."""
    match = _LEAD_PARAGRAPH.match(text)
    if match is None:
        return None
    lead = plain_text(match["lead"])
    if not lead or len(lead.split()) > _LEAD_MAX_WORDS or "://" in lead:
        return None
    if lead.endswith((".", "!", "?")):
        return None
    return HeadlineParts(title=lead, summary=plain_text(match["rest"]))


def story_paragraph(text: str) -> HeadlineParts | None:
    """A story told as one paragraph: its first sentence is the headline, the rest its summary."""
    plain = plain_text(text)
    if len(plain) < _STORY_PARAGRAPH_MIN:
        return None
    match = _FIRST_SENTENCE.match(plain)
    if match is None or len(match["title"]) > _STORY_TITLE_MAX:
        return None
    return HeadlineParts(title=match["title"], summary=plain[match.end() :].strip())


def lead_paragraphs(lines: Sequence[SourceLine], *, plain: bool) -> int:
    """Paragraphs shaped "Lead: story"; outside plain text only those ending in "Read more"."""
    count = 0
    for line in itertools.islice(lines, LAYOUT_SAMPLE_LINES):
        if not line.text or line.text.startswith("**") or split_bullet(line.text) is not None:
            continue
        text, _, had_more = blocks.split_read_more(line.text)
        count += (plain or had_more) and lead_headline(text) is not None
    return count


def links_are_usual(lines: Sequence[SourceLine]) -> bool:
    """Most list items carry a link (a link list with a few comments in it)."""
    items = linked = 0
    for line in itertools.islice(lines, LAYOUT_SAMPLE_LINES):
        bullet = split_bullet(line.text) if line.text else None
        if bullet is None or not bullet.is_list_marker:
            continue
        items += 1
        linked += "](" in bullet.content or split_bare_url(bullet.content) is not None
    return items >= _LINKS_USUAL_MIN_ITEMS and linked * 2 >= items
