"""Same-story grouping: which of a week's headlines report one story from several outlets.

Two headlines tell the same story when they link the same canonical URL, or when their
titles say nearly the same thing. Titles are compared as weighted feature sets: an English
word (lower-cased, lightly stemmed) or a Korean word's character bigrams, after particles and
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
headline is compared only with stories sharing a key with it: one of its rare features, or a
pair of its rarest features (a company and a product, a product and a place), which is rare
even when each half is common.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, combinations

from news.models import DigestCandidate
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
# A feature in at most this many headlines is rare enough to be a key on its own.
_RARE = 30
# Pairs of this many of a headline's rarest features are its other keys.
_PAIRED = 5
# A key shared by more stories than this says little: the first ones keep it, so a flood of
# look-alike headlines cannot make the search quadratic.
_MAX_STORIES_PER_KEY = 50
# Stories scored per headline, those sharing the most keys with it first.
_SCORED = 8

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
_KEY_JOINER = "\x01"


@dataclass(slots=True)
class _Story:
    first: int  # index of the report that opened it
    members: list[int]
    said: dict[str, float]  # every feature its reports used, with the largest weight seen
    keys: set[str] = field(default_factory=set)  # the keys it is filed under


@dataclass(slots=True)
class _Headline:
    """One candidate's features, weighted by rarity, and the keys it is looked up by."""

    weights: dict[str, float]
    total: float
    companies: frozenset[str]
    keys: list[str]  # rare features, and pairs of its rarest words


def group_same_stories(candidates: Sequence[DigestCandidate]) -> list[list[DigestCandidate]]:
    """The candidates grouped by story: members in input order, groups by their first member."""
    grouping = _Grouping(_weighted_headlines(candidates))
    for index in sorted(range(len(candidates)), key=lambda i: _published(candidates, i)):
        url = candidates[index].headline.url
        grouping.add(index, canonical_url(url) if url else None)
    groups = [sorted(story.members) for story in grouping.stories]
    return [[candidates[i] for i in members] for members in sorted(groups)]


def _published(candidates: Sequence[DigestCandidate], index: int) -> tuple[float, int]:
    return candidates[index].headline.published_at.timestamp(), index


class _Grouping:
    """The stories found so far, filed by link and by key."""

    def __init__(self, headlines: Sequence[_Headline]) -> None:
        self._headlines = headlines
        self.stories: list[_Story] = []
        self._by_url: dict[str, int] = {}
        self._by_key: dict[str, list[int]] = {}

    def add(self, index: int, url: str | None) -> None:
        headline = self._headlines[index]
        number = self._by_url.get(url) if url else None
        if number is None:
            number = self._best_story(headline)
        if number is None:
            number = len(self.stories)
            self.stories.append(_Story(first=index, members=[], said={}))
        story = self.stories[number]
        story.members.append(index)
        _remember(story, headline)
        if url:
            self._by_url.setdefault(url, number)
        for key in headline.keys:
            if key not in story.keys:
                story.keys.add(key)
                holders = self._by_key.setdefault(key, [])
                if len(holders) < _MAX_STORIES_PER_KEY:
                    holders.append(number)

    def _best_story(self, headline: _Headline) -> int | None:
        """The story the headline matches best among those sharing the most keys with it."""
        by_key = self._by_key
        hits = Counter(chain.from_iterable(by_key.get(key, ()) for key in headline.keys))
        best: int | None = None
        best_score = 0.0
        # A story that shares few keys rarely matches: scoring only the likeliest few keeps
        # the work per headline bounded however common its words are.
        for number, _ in hits.most_common(_SCORED):
            story = self.stories[number]
            score = _match(headline, self._headlines[story.first], story)
            if score > best_score:
                best, best_score = number, score
        return best


def _match(headline: _Headline, first: _Headline, story: _Story) -> float:
    """How well ``headline`` matches the story, 1.0 at the threshold; 0 when it cannot."""
    if headline.companies and first.companies and headline.companies.isdisjoint(first.companies):
        return 0.0  # about different companies: different stories however alike the words
    same_companies = bool(headline.companies) and headline.companies == first.companies
    threshold = SAME_COMPANIES_THRESHOLD if same_companies else TITLE_THRESHOLD
    contained = _shared(headline.weights, story.said)
    # The story's reports hold the first report's words, so what they share bounds the Dice
    # from above: most non-matching stories are settled with one comparison.
    dice_limit = threshold * (headline.total + first.total) / 2
    shared = _shared(headline.weights, first.weights) if contained >= dice_limit else 0.0
    # Containment is held to its own, higher bar, scaled to be comparable with the Dice.
    score = max(shared / dice_limit, contained / (CONTAINED_THRESHOLD * headline.total))
    return score if score >= 1.0 else 0.0


def _shared(weights: dict[str, float], other: dict[str, float]) -> float:
    shared = 0.0
    for feature, weight in weights.items():
        theirs = other.get(feature)
        if theirs is not None:
            shared += weight if weight < theirs else theirs
    return shared


def _remember(story: _Story, headline: _Headline) -> None:
    said = story.said
    for feature, weight in headline.weights.items():
        if weight > said.get(feature, 0.0):
            said[feature] = weight


def _weighted_headlines(candidates: Sequence[DigestCandidate]) -> list[_Headline]:
    words = _Words()
    titles = [words.title(candidate) for candidate in candidates]
    counts = Counter(feature for title in titles for feature in title.weights)
    corpus = max(len(candidates), _MIN_CORPUS) + 1
    rarity = {feature: math.log(corpus / (count + 1)) for feature, count in counts.items()}
    # Rarest first; the feature itself breaks ties, so the order is the same on every run.
    rank = {feature: n for n, feature in enumerate(sorted(counts, key=lambda f: (counts[f], f)))}
    # A word is known by its rarest feature: pairing two bigrams of one word would make a key
    # as common as the word itself.
    unit = {
        word: min(features, key=rank.__getitem__) for word, features in words.features().items()
    }
    headlines = []
    for candidate, title in zip(candidates, titles, strict=True):
        weighted = {feature: weight * rarity[feature] for feature, weight in title.weights.items()}
        units = sorted({unit[word] for word in title.words}, key=rank.__getitem__)[:_PAIRED]
        keys = [feature for feature in units if counts[feature] <= _RARE]
        keys.extend(_KEY_JOINER.join(pair) for pair in combinations(units, 2))
        headlines.append(
            _Headline(
                weights=weighted,
                total=sum(weighted.values()) or 1.0,
                companies=frozenset(candidate.headline.companies),
                keys=keys,
            )
        )
    return headlines


@dataclass(frozen=True, slots=True)
class _Title:
    weights: dict[str, float]  # feature -> weight in this title, before rarity
    words: list[str]  # the words that gave features, companies included


class _Words:
    """Turns titles into features; a week repeats its words, so each word is worked out once."""

    def __init__(self) -> None:
        self._known: dict[str, dict[str, float]] = {}

    def title(self, candidate: DigestCandidate) -> _Title:
        text = unicodedata.normalize("NFKC", candidate.headline.title).casefold()
        text = _strip_source(text, candidate.source)
        text = _LEADING_TAG.sub("", _BRACKETED_TAG.sub(" ", text))
        weights: dict[str, float] = {}
        words: list[str] = []
        known = self._known
        for token in _TOKEN.findall(text):
            parts = known.get(token)
            if parts is None:
                parts = known[token] = dict(_word_features(token))
            if parts:
                words.append(token)
                # A feature two words share keeps the later word's weight: rare enough in one
                # title not to be worth a comparison per feature.
                weights.update(parts)
        for company in candidate.headline.companies:
            marker = _COMPANY + company
            weights[marker] = 1.0
            words.append(marker)
            known.setdefault(marker, {marker: 1.0})
        return _Title(weights, words)

    def features(self) -> dict[str, tuple[str, ...]]:
        """Every word seen that gave features, with its features."""
        return {word: tuple(parts) for word, parts in self._known.items() if parts}


def _strip_source(text: str, source: str | None) -> str:
    """The title without its outlet's name, which feeds often append (``… - The Verge``)."""
    if not source:
        return text
    name = unicodedata.normalize("NFKC", source).casefold().strip()
    return text.replace(name, " ") if len(name) > 1 else text


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
