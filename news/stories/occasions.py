"""One outlet's coverage of one occasion: a speech, a summit, an election night.

An outlet that covers an occasion through the day gives each report its own title and angle
("Trump lauds first year at State of the Union", "So, how did conservatives like the State
of the Union?", "Late-night hosts on State of the Union"; "Ryan: GOP is sticking with Trump
despite Election Day rout", "Democratic win in Virginia was 'referendum' on Trump"). Their
titles share too little to be matched as rewordings, yet a weekly digest should show the
occasion once. Two signals, both only between reports of the same outlet within a day
(different outlets' reports are matched on what they say, news/stories/clustering.py):

- **An occasion's name**: a phrase of two words read right before an occasion's head noun
  somewhere in the week ("state union" in "State of the Union address", "budget address",
  "G20 summit", 대통령 시정연설). Reports of one outlet that both use the name, one of them
  in its title, are one story. A name is an occasion's only while it is new and rare in the
  week across every outlet: a phrase seen days earlier, or in many reports, is a place or a
  person that fills the news ("White House", a president's name), not one occasion.
- **An election**: both reports speak of an election (election, elected, voters,
  gubernatorial, 선거, 당선 ...; a win or a defeat alone is a match or a war as often) and
  share a rare word of a title (the state, the race, a candidate, a party): one outlet's
  election night, whose reactions and results a weekly digest shows once. Races on other
  days or in other outlets are never joined by this.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from datetime import datetime, timedelta

PHRASE = "\x05"  # prefix of a phrase (news/stories/leads.py)
OCCASION = "\x06"  # prefix of an occasion's name (two words), or ELECTION
ELECTION = OCCASION + "election"
# Reports of one outlet this close to a story's reports may join it on an occasion.
OCCASION_WINDOW = timedelta(hours=24)
# A name first seen this long before a report is not a new occasion's any more.
NEW_FOR = timedelta(days=2)
# A name (or an election's context word) in more than this share of the week's reports (at
# least _MIN_CORPUS counted) is too common to tell one occasion.
COMMON_SHARE = 0.02
_MIN_CORPUS = 1000

# Head nouns of an occasion, as titles and leads are read (English stems, Korean nouns).
_HEADS = frozenset((
    "addres", "speech", "summit", "debat", "conferenc", "convent", "rally", "keynot",
    "ceremony", "inaugur", "parad", "shutdown", "funeral", "award", "tournament", "elect",
    "연설", "시정연설", "회담", "정상회담", "청문회", "토론회", "기자회견", "집회", "선거",
    "대선", "총선", "개막식", "시상식", "취임식", "장례식",
))  # fmt: skip
# Words that speak of an election; words of a result (a win, a defeat: sports and wars have
# them too) are not enough, and are no context word either.
_ELECTION_WORDS = frozenset((
    "elect", "electoral", "reelect", "landslid", "voter", "ballot", "gubernatorial",
    "runoff", "referendum", "caucus",
    "선거", "대선", "총선", "경선", "당선", "낙선", "개표", "출구조사", "보궐선거", "재보선",
    "지방선거",
))  # fmt: skip
_RESULT_WORDS = frozenset(("win", "wins", "victory", "victor", "defeat", "압승", "참패"))
_NOT_CONTEXT = frozenset((PHRASE, OCCASION))
_NOTED = _NOT_CONTEXT


def occasions_of(words: Sequence[str]) -> list[str]:
    """The occasion features of a clause's words: each two-word name read before a head
    noun, and ELECTION when it speaks of an election."""
    found = [
        OCCASION + words[n - 2] + " " + words[n - 1]
        for n in range(2, len(words))
        if words[n] in _HEADS and words[n - 2] != words[n - 1] and words[n - 1] not in _HEADS
    ]
    if not _ELECTION_WORDS.isdisjoint(words):
        found.append(ELECTION)
    return found


class OccasionBook:
    """What the week knows of occasions: when each name was first read before a head noun."""

    def __init__(self) -> None:
        self._first: dict[str, datetime] = {}

    def note(self, told: Iterable[str], published: datetime) -> None:
        """Notes a report's phrases and occasions (its title and lead features)."""
        first = self._first
        for feature in told:
            if feature[0] in _NOTED and first.get(feature, published) >= published:
                first[feature] = published

    def signals(self, told: frozenset[str], published: datetime) -> frozenset[str]:
        """What of a report's title and lead can join it to an occasion of its outlet: the
        phrases the week knows as a new occasion's name, and ELECTION; empty for most
        reports, which are then not compared on occasions at all."""
        first_seen = self._first
        found = {ELECTION} if ELECTION in told else set()
        for phrase in told:
            # A name first read before a head noun, new in the week: first seen at most
            # NEW_FOR ago, as a phrase or as a name.
            if phrase[0] == PHRASE and OCCASION + phrase[1:] in first_seen:
                first = first_seen.get(phrase, published)
                if published - first <= NEW_FOR:
                    found.add(phrase)
        return frozenset(found)


def shared_occasion(
    signals: frozenset[str],
    reading: tuple[frozenset[str], frozenset[str]],
    story: tuple[Set[str], Set[str]],
    counts: Counter[str],
    seen: int,
) -> float:
    """How strongly a report and a story of its outlet tell one occasion: the rarity in the
    week of the occasion's name they share (in a title of one of them), or of a word of a
    title they share beside an election; 0 when nothing. ``signals`` are the report's
    (OccasionBook.signals); ``reading`` its title features and its title and lead features;
    ``story`` the same of the story's reports."""
    title, told = reading
    story_titles, story_told = story
    corpus = max(seen, _MIN_CORPUS)
    limit = COMMON_SHARE * corpus

    def rarity(feature: str) -> float:
        count = counts[feature]
        return math.log((corpus + 1) / (count + 1)) if count <= limit else 0.0

    best = 0.0
    for phrase in signals & story_told:
        if phrase[0] == PHRASE and (phrase in title or phrase in story_titles):
            best = max(best, rarity(phrase))
    if ELECTION in signals and ELECTION in story_told:
        context = (
            word for word in told & story_told if word[0] not in _NOT_CONTEXT
            and (word in title or word in story_titles)
            and word not in _ELECTION_WORDS and word not in _RESULT_WORDS and word not in _HEADS
        )  # fmt: skip
        best = max(best, max(map(rarity, context), default=0.0))
    return best
