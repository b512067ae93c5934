"""The parts of a Korean news column that are not news: photo captions, byline, copyright footer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from news.archive.parsing.lines import SourceLine

# "[사진: 셔터스톡]", "(사진=연합뉴스)", "[이미지: …]", "[그래픽=…]", "(Photo: Reuters)".
_BRACKETED_CREDIT = re.compile(
    r"[\[(<]\s*(?:사진|이미지|그래픽|그림|영상|캡처|일러스트|photo|image|graphic|illustration)s?"
    r"\s*(?:제공|출처|credit)?\s*[:=/]\s*[^\[\]()<>]{0,80}[\])>]",
    re.IGNORECASE,
)
# "… 기조연설을 하고 있다. 사진=마이크로소프트" at the end of the line.
_TRAILING_CREDIT = re.compile(r"(?:^|[\s/])(?:사진|이미지|그래픽)\s*(?:제공)?\s*=\s*[^\s=]{1,30}$")
_CAPTION_MAX = 300
# Cheap substring tests that rule out most lines before any regular expression runs.
_CREDIT_WORDS: tuple[str, ...] = ("사진", "이미지", "그래픽", "그림", "영상", "캡처", "일러스트")
_CREDIT_WORDS += ("photo", "image", "graphic", "illustration")
_COPYRIGHT_WORDS = ("저작권", "copyright", "©", "ⓒ", "Ⓒ", "(c)")

_REPORTER = r"(?:선임|수석|전문|객원|인턴|편집)?\s*(?:기자|특파원|통신원)"
# "[테크위클리 김하늘 기자]" and "[테크위클리=김하늘 기자]".
_BRACKET_BYLINE = re.compile(
    r"\[\s*(?P<publisher>[^\[\]=]{1,40}?)\s*(?:=\s*|\s+)(?P<author>[^\s\[\]=]{1,40})\s*"
    + _REPORTER
    + r"\s*\]\s*"
)
# "(서울=연합뉴스) 김하늘 기자 = …", the news-agency form.
_AGENCY_BYLINE = re.compile(
    r"\(\s*[^()=]{1,20}=\s*(?P<publisher>[^()]{1,30}?)\s*\)\s*(?P<author>[^=()\[\]]{1,40}?)\s*"
    + _REPORTER
    + r"\s*=\s*"
)

_COPYRIGHT_MARK = re.compile(r"저작권자|copyright|[©ⓒⒸ]|\(c\)", re.IGNORECASE)
_RIGHTS_CLAIM = re.compile(
    r"무단\s*(?:전재|복제|배포)|재\s*배포|all rights reserved|AI\s*학습", re.IGNORECASE
)
_LEADING_YEARS = re.compile(r"^\d{4}(?:\s*[-–]\s*\d{4})?\s*")
_OWNER_EDGES = " .,;:|<>-–—"
_FOOTER_MAX = 300
_REPEATED_CAPTION_MAX = 120
_BARE_NOTICE_MAX = 100


@dataclass(frozen=True, slots=True)
class Byline:
    publisher: str
    author: str
    rest: str  # the paragraph after the byline


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(map(text.lower().__contains__, words))


def has_photo_credit(text: str) -> bool:
    """A caption credits its picture: ``[사진: 셔터스톡]``, ``(사진=…)``, ``… 사진=…``."""
    if len(text) > _CAPTION_MAX or not _mentions(text, _CREDIT_WORDS):
        return False
    return bool(_BRACKETED_CREDIT.search(text) or _TRAILING_CREDIT.search(text))


def split_byline(text: str) -> Byline | None:
    """The byline a first paragraph starts with, and what follows it."""
    if not text.startswith(("[", "(")):
        return None
    match = _BRACKET_BYLINE.match(text) or _AGENCY_BYLINE.match(text)
    if match is None:
        return None
    publisher = " ".join(match["publisher"].split())
    author = " ".join(match["author"].split())
    return Byline(publisher, author, text[match.end() :].strip())


def is_copyright_footer(text: str) -> bool:
    """``저작권자 © 매체 무단전재 및 재배포 금지``, ``Copyright © … All rights reserved``,
    ``ⓒ 매체``."""
    if len(text) > _FOOTER_MAX or not _mentions(text, _COPYRIGHT_WORDS):
        return False
    mark = _COPYRIGHT_MARK.search(text)
    if mark is None:
        return False
    starts_notice = mark.start() <= 1 and len(text) <= _BARE_NOTICE_MAX
    return starts_notice or _RIGHTS_CLAIM.search(text) is not None


def copyright_owner(text: str) -> str | None:
    """Who the footer names after the © (years and the rights clause left out)."""
    claim = _RIGHTS_CLAIM.search(text)
    end = claim.start() if claim else len(text)
    marks = list(_COPYRIGHT_MARK.finditer(text, 0, end))
    if not marks:
        return None
    owner = text[marks[-1].end() : end].strip(_OWNER_EDGES)
    owner = _LEADING_YEARS.sub("", owner).strip(_OWNER_EDGES)
    return " ".join(owner.split()) or None


def is_caption(lines: Sequence[SourceLine], index: int) -> bool:
    """A credited picture, or the same short line twice in a row (captions are repeated)."""
    text = lines[index].text
    if has_photo_credit(text):
        return True
    if len(text) > _REPEATED_CAPTION_MAX:
        return False
    return text in (_neighbour(lines, index, -1), _neighbour(lines, index, 1))


def _neighbour(lines: Sequence[SourceLine], index: int, step: int) -> str | None:
    position = index + step
    while 0 <= position < len(lines):
        text = lines[position].text
        if text:
            return text
        position += step
    return None
