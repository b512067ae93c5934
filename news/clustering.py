"""Same-story grouping: which of a week's headlines report one story from several outlets.

Two headlines tell the same story when they link the same canonical URL, or when their
titles say nearly the same thing. Titles are compared as sets of features: an English word
(lower-cased, lightly stemmed) or a Korean word's character bigrams, after particles and
verb endings are cut off (삼성전자가 and 삼성전자 agree, 앞당겨 and 앞당겼다 share 앞당), plus
one feature per recognised company. Each word counts about as much as any other, scaled by
how rare its features are in the week (inverse document frequency), so a company name that
fills hundreds of headlines says less than the model number that fills five. Headlines naming
disjoint sets of companies are never one story; naming the very same ones lowers the bar.

Headlines are taken in the order they were published. Each joins the story it matches best,
or opens a new one. A story is matched through its first report (weighted Dice similarity)
or through everything its reports said so far (how much of the new title they contain), so
a terse report finds the story a fuller one opened. Matching against a story rather than
linking any two similar headlines keeps one bridging title from chaining two stories.

Comparing every headline with every story would take minutes for 20,000 headlines, so a
headline is compared only with the few stories sharing the most keys with it: one of its
rare words (a model number), or a pair of its other words (a company and a product type, a
product type and a place), which is rare even when each half is common.

The work per headline is left to C-level operations where it can be: each distinct piece of
a title (삼성전자가, 'k42) and each outlet is worked out once, a title is a frozenset of
features, a feature has one weight for the whole week, and similarities are sums over set
intersections. A week is 20,000 headlines, so the hot loop reads few objects: stories are
compared and counted by identity, keys are ints or pairs of ints.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from heapq import nlargest
from itertools import chain, combinations
from typing import TypeVar

from news.models import DigestCandidate, Headline
from news.urls import canonical_url

# Weighted Dice similarity from which a headline is the same story as a story's first
# report; a little lower when both name the same companies (then the rest of the title only
# has to agree on the event).
TITLE_THRESHOLD = 0.62
SAME_COMPANIES_THRESHOLD = 0.58
# Share of a headline's weight that a story's reports must already contain for it to join.
CONTAINED_THRESHOLD = 0.75

# Document frequencies are taken over at least this many headlines, so that in a small week
# (or a test) every feature weighs about the same instead of shared words weighing nothing.
_MIN_CORPUS = 1000
# A word in at most this many headlines is rare enough to be a key on its own; a headline
# is filed under at most this many of its rarest such words.
_RARE = 30
_SINGLES = 3
# Pairs of this many of a headline's rarest other words are its other keys.
_PAIRED = 4
# A key shared by more stories than this says little: the first ones keep it, so a flood of
# look-alike headlines cannot make the search quadratic.
_MAX_STORIES_PER_KEY = 12
# Stories scored per headline, those sharing the most keys with it first.
_SCORED = 6

# Column tags outlets put in brackets: [단독], (종합2보), 【속보】, [Exclusive], (Update 2).
_TAG_WORDS = (
    "단독|속보|종합|상보|1보|2보|3보|영상|포토|사진|인터뷰|르포|기획|분석|해설|리뷰|칼럼|사설|"
    "이슈|현장|팩트체크|카드뉴스|이슈분석|기자수첩|exclusive|breaking|update|updated|video|"
    "opinion|analysis|review|live|photos|podcast|interview|sponsored"
)
_BRACKETED_TAG = re.compile(
    r"[\[(【〔<《]\s*(?:[^\])】〕>》]{0,4}(?:" + _TAG_WORDS + r")[^\])】〕>》]{0,6})\s*[\])】〕>》]"
)
_LEADING_TAG = re.compile(r"^\s*(?:" + _TAG_WORDS + r")\s*[:|-]?\s+")
# Particles and verb endings cut from the end of a Korean word, as long as two syllables stay
# (회의 or 보다 are left alone). Standing alone they were glued to a Latin name, a number or
# a quote (AMD는, 'X7'을), and are dropped.
_ENDINGS = (
    "에서는|에서도|으로는|으로도|에게서|까지는|부터는|했다고|한다고|하겠다|하기로|"
    "으로|에서|에게|까지|부터|보다|처럼|이라|이다|했다|한다|된다|됐다|하며|하고|했고|"
    "키로|였다|었다|이며|에는|에도|와는|과는|"
    "가|이|은|는|을|를|의|와|과|도|로|에|만|다|해|돼|며"
)
_WORD_ENDING = re.compile(r"(?P<stem>[가-힣]{2,}?)(?:" + _ENDINGS + ")")
_BARE_ENDING = re.compile(_ENDINGS)
_TOKEN = re.compile(r"[가-힣]+|[a-z0-9]+")
# Words too common in headlines of either language to tell one story from another.
_STOPWORDS = frozenset((
    "a", "an", "the", "of", "to", "in", "on", "for", "with", "and", "or", "at", "by", "from",
    "as", "is", "are", "be", "its", "it", "this", "that", "new", "after", "over", "into",
    "than", "up", "out", "about", "how", "why", "what", "s", "vs",
    "등", "및", "또", "더", "첫", "위해", "대한", "관련", "통해", "이번", "올해", "내년", "국내",
    "업계", "전망", "본격", "속도", "나선", "나서",
))  # fmt: skip
_COMPANY = "\x00"  # prefix that keeps company features apart from words

# A key is the rank of a rare word, or the ranks of two of a headline's other words: ints
# and pairs of them hash without reading the strings they stand for.
_Key = int | tuple[int, int]
_K = TypeVar("_K")
_V = TypeVar("_V")


def group_same_stories(candidates: Sequence[DigestCandidate]) -> list[list[DigestCandidate]]:
    """The candidates grouped by story: members in input order, groups by their first member."""
    headlines = _Headlines(candidates)
    stories = _Stories(headlines)
    # A stable sort keeps input order among reports published at the same moment.
    for index in sorted(range(len(candidates)), key=headlines.published.__getitem__):
        stories.add(index)
    groups = sorted(sorted(story.members) for story in stories.found)
    return [[candidates[i] for i in members] for members in groups]


class _Headlines:
    """What grouping needs of each candidate, in lists indexed like the candidates, and what
    the week's words weigh."""

    def __init__(self, candidates: Sequence[DigestCandidate]) -> None:
        vocabulary = _Vocabulary()
        self.features: list[frozenset[str]] = []
        self.companies: list[frozenset[str]] = []
        self.urls: list[str | None] = []
        self.published: list[datetime] = []
        # One pass reads each candidate once: with 20,000 of them, every further pass over
        # the objects costs more in memory reads than the work it does.
        for candidate in candidates:
            headline = candidate.headline
            self.features.append(vocabulary.features(headline, candidate.source))
            self.companies.append(frozenset(headline.companies))
            self.urls.append(canonical_url(headline.url) if headline.url else None)
            self.published.append(headline.published_at)
        counts = Counter(chain.from_iterable(self.features))
        self.weight = _weights(counts, vocabulary.shares, len(candidates))
        ranked = _rarest_first(counts)
        self.unit = _units(ranked, vocabulary.words())
        # Features ranked below this are rare enough to be keys on their own.
        self.rare = bisect_right(ranked, _RARE, key=counts.__getitem__)


def _weights(counts: Counter[str], shares: dict[str, float], headlines: int) -> dict[str, float]:
    """Each feature's weight: its share of a word, times how rare it is in the week."""
    corpus = max(headlines, _MIN_CORPUS) + 1
    return {
        feature: shares.get(feature, 1.0) * math.log(corpus / (count + 1))
        for feature, count in counts.items()
    }


def _rarest_first(counts: Counter[str]) -> list[str]:
    # The feature itself breaks ties, so the order is the same on every run.
    return sorted(sorted(counts), key=counts.__getitem__)


def _units(ranked: list[str], words: Iterable[tuple[str, ...]]) -> dict[str, int]:
    """Each feature's unit: the rank of the rarest feature of a word it is part of.

    Keys pair units, not features: pairing two bigrams of one word would make a key as
    common as the word itself. A company marker is a unit of its own."""
    unit = {feature: rank for rank, feature in enumerate(ranked)}
    for parts in words:
        rarest = min(map(unit.__getitem__, parts))
        for feature in parts:
            unit[feature] = min(unit[feature], rarest)
    return unit


@dataclass(slots=True, eq=False)  # hashed by identity: counting reads a pointer, no field
class _Story:
    """One story: its reports so far, what its first report said, and what all of them did."""

    members: list[int]  # its reports, in the order they joined
    features: frozenset[str]  # the first report's
    companies: frozenset[str]  # the first report's
    total: float  # the first report's weight
    said: set[str]  # every feature its reports used


class _Stories:
    """The stories found so far, filed by link and by key."""

    def __init__(self, headlines: _Headlines) -> None:
        self._headlines = headlines
        self.found: list[_Story] = []
        self._by_url: dict[str, _Story] = {}
        self._by_key: dict[_Key, list[_Story]] = {}

    def add(self, index: int) -> None:
        """Files the headline under the story it belongs to, or a new one."""
        headlines = self._headlines
        features = headlines.features[index]
        companies = headlines.companies[index]
        total = math.fsum(map(headlines.weight.__getitem__, features)) or 1.0
        keys = self._keys(features)
        url = headlines.urls[index]
        story = self._by_url.get(url) if url else None
        if story is None:
            story = self._best_story(features, companies, total, keys)
        if story is None:
            story = _Story([index], features, companies, total, set(features))
            self.found.append(story)
        else:
            story.members.append(index)
            story.said |= features
        if url:
            self._by_url.setdefault(url, story)
        self._file(story, keys)

    def _keys(self, features: frozenset[str]) -> list[_Key]:
        """The headline's rarest rare words, and the pairs of its rarest other words.

        A rare word (a model number) is specific enough alone, and pairing it would only make
        a key fewer reports share; commoner words (a company, a product type, a verb) are
        what most reports of a story share, and specific in pairs."""
        units = sorted(set(map(self._headlines.unit.__getitem__, features)))
        common = bisect_left(units, self._headlines.rare)
        keys: list[_Key] = []
        keys.extend(units[: min(common, _SINGLES)])
        keys.extend(combinations(units[common : common + _PAIRED], 2))
        return keys

    def _file(self, story: _Story, keys: list[_Key]) -> None:
        by_key = self._by_key
        for key in keys:
            holders = by_key.get(key)
            if holders is None:
                by_key[key] = [story]
            elif len(holders) < _MAX_STORIES_PER_KEY and story not in holders:
                holders.append(story)

    def _best_story(
        self, features: frozenset[str], companies: frozenset[str], total: float, keys: list[_Key]
    ) -> _Story | None:
        """The story the headline matches best among those sharing the most keys with it."""
        hits = Counter(chain.from_iterable(filter(None, map(self._by_key.get, keys))))
        # Stories about other companies cannot match, so they take no place among the few.
        likeliest = [
            story
            for story in hits
            if not (companies and story.companies) or not companies.isdisjoint(story.companies)
        ]
        # A story that shares few keys rarely matches: scoring only the likeliest few keeps
        # the work per headline bounded however common its words are.
        if len(likeliest) > _SCORED:
            likeliest = nlargest(_SCORED, likeliest, key=hits.__getitem__)
        best: _Story | None = None
        best_score = 0.0
        weight = self._headlines.weight.__getitem__
        for story in likeliest:
            score = _match(features, companies, total, story, weight)
            if score > best_score:
                best, best_score = story, score
        return best


def _match(
    features: frozenset[str],
    companies: frozenset[str],
    total: float,
    story: _Story,
    weight: Callable[[str], float],
) -> float:
    """How well a headline matches the story, 1.0 at the threshold; 0 when it cannot."""
    if companies and story.companies and companies.isdisjoint(story.companies):
        return 0.0  # about different companies: different stories however alike the words
    same_companies = bool(companies) and companies == story.companies
    threshold = SAME_COMPANIES_THRESHOLD if same_companies else TITLE_THRESHOLD
    # fsum is exact, so a sum does not depend on the set's (hash-seeded) order and the
    # grouping is the same on every run.
    contained = math.fsum(map(weight, features & story.said))
    # The story's reports hold the first report's words, so what they share bounds the Dice
    # from above: most non-matching stories are settled with one intersection.
    dice_limit = threshold * (total + story.total) / 2
    shared = math.fsum(map(weight, features & story.features)) if contained >= dice_limit else 0.0
    # Containment is held to its own, higher bar, scaled to be comparable with the Dice.
    score = max(shared / dice_limit, contained / (CONTAINED_THRESHOLD * total))
    return score if score >= 1.0 else 0.0


class _Vocabulary:
    """Turns titles into features; a week repeats its words and outlets, so each distinct
    piece of a title and each outlet is worked out once."""

    def __init__(self) -> None:
        self._pieces: _Memo[str, tuple[str, ...]] = _Memo(self._piece_features)
        self._markers: _Memo[str, str] = _Memo(_COMPANY.__add__)
        self._outlets: _Memo[str | None, str] = _Memo(_outlet_name)
        self._words: dict[str, tuple[str, ...]] = {}  # word -> its features
        self.shares: dict[str, float] = {}  # feature -> the smallest share of a word it has

    def features(self, headline: Headline, source: str | None) -> frozenset[str]:
        """The features of the title's words, and one per company the headline names."""
        text = unicodedata.normalize("NFKC", headline.title).casefold()
        outlet = self._outlets[source]
        if outlet and outlet in text:
            text = text.replace(outlet, " ")  # feeds often append it: ``… - The Verge``
        text = _BRACKETED_TAG.sub(" ", text)
        leading = _LEADING_TAG.match(text)  # match, not sub: only the start can hold it
        if leading:
            text = text[leading.end() :]
        words = chain.from_iterable(map(self._pieces.__getitem__, text.split()))
        return frozenset(chain(words, map(self._markers.__getitem__, headline.companies)))

    def words(self) -> Iterable[tuple[str, ...]]:
        """The features of each distinct word that has any."""
        return filter(None, self._words.values())

    def _piece_features(self, piece: str) -> tuple[str, ...]:
        return tuple(chain.from_iterable(map(self._word_features, _TOKEN.findall(piece))))

    def _word_features(self, word: str) -> tuple[str, ...]:
        known = self._words.get(word)
        if known is None:
            parts = _word_features(word)
            known = self._words[word] = tuple(feature for feature, _ in parts)
            for feature, share in parts:
                # A feature weighs the same in every title, so that similarities are plain
                # sums over set intersections; the smallest share keeps a bigram that 삼성
                # and 삼성전자 both have from counting as a whole word in either.
                if share < self.shares.get(feature, 2.0):
                    self.shares[feature] = share
        return known


class _Memo(dict[_K, _V]):
    """A dict that works out a missing value once: lookups of known keys stay at C speed."""

    def __init__(self, work: Callable[[_K], _V]) -> None:
        super().__init__()
        self._work = work

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self._work(key)
        return value


def _outlet_name(source: str | None) -> str:
    """The outlet's name as it shows in a title; empty when too short to look for."""
    name = unicodedata.normalize("NFKC", source).casefold().strip() if source else ""
    return name if len(name) > 1 else ""


def _word_features(token: str) -> tuple[tuple[str, float], ...]:
    if token in _STOPWORDS:
        return ()
    if token[0] < "가":  # Latin letters and digits
        return ((_stem(token), 1.0),)
    if _BARE_ENDING.fullmatch(token):
        return ()
    ending = _WORD_ENDING.fullmatch(token)
    word = ending["stem"] if ending else token
    if len(word) == 1:
        return ((word, 1.0),)  # 칩, 폰, 앱
    # A Korean word counts as one, spread over its bigrams, so that a partial match (앞당겨,
    # 앞당겼) counts as half a word rather than nothing or everything.
    share = 1.0 / (len(word) - 1)
    return tuple((word[start : start + 2], share) for start in range(len(word) - 1))


def _stem(word: str) -> str:
    """A crude English stem, enough for moves/moved/moving or chips/chip to agree."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in ("ing", "ies", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
