"""Same-story grouping: which of a week's headlines report one story from several outlets.

Two headlines tell the same story when they link the same canonical URL, or when their
titles say nearly the same thing. Titles are compared as sets of features: an English word
(lower-cased, lightly stemmed) or a Korean word's character bigrams, after particles and
verb endings are cut off (삼성전자가 and 삼성전자 agree, 앞당겨 and 앞당겼다 share 앞당), plus
one feature per recognised company. Each word counts about as much as any other, scaled by
how rare its features are in the week so far (inverse document frequency over the headlines
that arrived before), so a company name that fills hundreds of headlines says less than the
model number that fills five. Headlines naming
disjoint sets of companies are never one story; naming the very same ones lowers the bar.

Headlines are taken as they arrive (StoryIndex), or a batch in the order they were
published (group_same_stories): one algorithm, so a week grouped on arrival and the same week
grouped at once agree. Each joins the story it matches best, or opens a new one, and is never
moved after: a story's id (its first headline's) can be stored with each headline, and a
digest only has to read it. A story is matched through its first report (weighted Dice similarity)
or through everything its reports said so far (how much of the new title they contain), so
a terse report finds the story a fuller one opened. Matching against a story rather than
linking any two similar headlines keeps one bridging title from chaining two stories.

Comparing every headline with every story would take minutes for 20,000 headlines, so a
headline is compared only with the few stories sharing the most keys with it: one of its
rare words (a model number), or a pair of its other words (a company and a product type, a
product type and a place), which is rare even when each half is common.

Reports in two languages share few words, so a title also has language-independent anchors:
the companies, people and products it names (one id for 샘 알트먼 and Sam Altman,
news/catalog/entities.py), its amounts, numbers and dates (1억1600만달러 and $116 million are
one value), and the kind of event it tells (해고 and fired). Sharing enough anchors, and the
kind of event, makes two reports one story whatever their words.

What looks alike but is not one event is kept apart: a story only takes reports from a few
days around its own; a column or series (a bracketed name such as [오늘의 운세] or [인사], a
"Weekly briefing:" header, or a title an outlet ran on another day already) never takes another
installment of itself; and a title with too little to tell (only a date, an emoji, a number or
a link, or only generic words) opens a story of its own that nothing else joins.

The work per headline is left to C-level operations where it can be: each distinct piece of
a title (삼성전자가, 'k42) and each outlet is worked out once, a title is a frozenset of
features, a feature's weight is worked out once per placement, and similarities are sums
over set intersections; stories are compared and counted by identity.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from heapq import nlargest
from itertools import chain, combinations
from typing import TypeVar, cast

from news.catalog.entities import EntityRecognizer, bundled_entity_recognizer
from news.core.models import DigestCandidate, Headline
from news.core.urls import canonical_url
from news.stories.titles import COMPANY, ENTITY, EVENT, NUMBER, TitleReading, read_title

# Weighted Dice similarity from which a headline is the same story as a story's first
# report; a little lower when both name the same companies (then the rest of the title only
# has to agree on the event).
TITLE_THRESHOLD = 0.62
SAME_COMPANIES_THRESHOLD = 0.58
# Share of a headline's weight that a story's reports must already contain for it to join.
CONTAINED_THRESHOLD = 0.75
# Language-independent anchors (people, products, companies, numbers) two reports must share
# to be one story on them alone, whatever their words; with the same kind of event named.
SHARED_ANCHORS = 2
# ...and the share of the headline's own anchors they must make up.
ANCHOR_SHARE = 0.6
# A story takes reports published at most this long before its first or after its latest.
STORY_WINDOW = timedelta(days=4)
# The same title from the same outlet this far apart is a recurring column, not a repost.
RECURRING_AFTER = timedelta(hours=18)

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
_COMPANY = COMPANY  # prefix that keeps company features apart from words

_SPECIFIC = frozenset((_COMPANY, ENTITY, NUMBER))  # anchors that name something
_NAMED = frozenset((_COMPANY, ENTITY))

# A key is a rare word, or two of a headline's other words; a word is known by its rarest
# feature.
_Key = str | tuple[str, str]
_K = TypeVar("_K")
_V = TypeVar("_V")


def group_same_stories(candidates: Sequence[DigestCandidate]) -> list[list[DigestCandidate]]:
    """The candidates grouped by story: members in input order, groups by their first member.

    The candidates arrive in a StoryIndex in the order they were published, as they would
    have from the feeds, so a batch and a week grouped as it arrived agree."""
    index = StoryIndex()
    stories: dict[_Story, list[int]] = {}
    # A stable sort keeps input order among reports published at the same moment.
    for position in sorted(
        range(len(candidates)), key=lambda i: candidates[i].headline.published_at
    ):
        stories.setdefault(index._place(candidates[position]), []).append(position)
    groups = sorted(sorted(members) for members in stories.values())
    return [[candidates[i] for i in members] for members in groups]


def group_by_story_id(candidates: Sequence[DigestCandidate]) -> list[list[DigestCandidate]] | None:
    """The candidates grouped by the story ids stored when they arrived (members in input
    order, groups by their first member); None when any candidate has none."""
    groups: dict[int, list[DigestCandidate]] = {}
    for candidate in candidates:
        story_id = candidate.story_id
        if story_id is None:
            return None
        groups.setdefault(story_id, []).append(candidate)
    return list(groups.values())


@dataclass(slots=True, eq=False)  # hashed by identity: counting reads a pointer, no field
class _Story:
    """One story: what its first report said, and what all its reports did."""

    id: int  # the id of the headline that opened it
    features: frozenset[str]  # the first report's
    companies: frozenset[str]  # the first report's
    said: set[str]  # every feature its reports used
    first: datetime  # when its earliest and latest reports were published
    latest: datetime
    anchors: frozenset[str]  # the first report's language-independent anchors
    dates: frozenset[str]  # the first report's month-day dates
    outlet: str  # the first report's outlet and title words, to tell a templated series
    words: tuple[str, ...]
    series: set[tuple[str, str]] = field(default_factory=set)  # (outlet, column) of its reports
    # (outlet, title skeleton) of its reports -> when published
    skeletons: dict[tuple[str, str], datetime] = field(default_factory=dict)
    closed: bool = False  # opened by a title too bare to match: takes no other report


class StoryIndex:
    """One week's stories, grown a headline at a time as headlines arrive.

    Words are weighed by how many of the week's headlines seen so far use them, so a
    headline is placed once, when it arrives, and never moved: a story's id is the id of
    the headline that opened it, stable for good. Headlines are expected in about the order
    they were published; a late one is still placed, against what the week knows by then.
    """

    def __init__(self, entities: EntityRecognizer | None = None) -> None:
        self._vocabulary = _Vocabulary(entities or bundled_entity_recognizer())
        self._counts: Counter[str] = Counter()
        self._seen = 0
        self._by_id: dict[int, _Story] = {}
        self._by_url: dict[str, _Story] = {}
        self._by_key: dict[_Key, list[_Story]] = {}

    def add(self, candidate: DigestCandidate) -> int:
        """Files the headline under the story it belongs to, or a new one; the story's id."""
        return self._place(candidate).id

    def restore(self, candidate: DigestCandidate, story_id: int) -> None:
        """Files a headline under the story it was placed in before, without matching it:
        an index rebuilt from stored ids goes on exactly where the old one stopped."""
        reading = self._read(candidate)
        story = self._by_id.get(story_id)
        if story is None:
            story = self._open(story_id, reading)
        self._join(story, reading)

    def _place(self, candidate: DigestCandidate) -> _Story:
        """Files the headline under the story it belongs to, or a new one; that story."""
        reading = self._read(candidate)
        story = self._by_url.get(reading.url) if reading.url else None
        if story is None and reading.informative:
            story = self._best_story(reading)
        if story is None:
            story = self._open(candidate.headline.id, reading)
        self._join(story, reading)
        return story

    def _read(self, candidate: DigestCandidate) -> _Reading:
        headline = candidate.headline
        features, words, title = self._vocabulary.read(headline, candidate.source)
        self._counts.update(features)
        self._seen += 1
        outlet = candidate.source or ""
        companies = frozenset(headline.companies)
        anchors = title.anchors | {_COMPANY + company for company in companies}
        return _Reading(
            features=features,
            companies=companies,
            url=canonical_url(headline.url) if headline.url else None,
            keys=self._keys(words) + _anchor_keys(anchors) if title.informative else [],
            published=_naive_utc(headline.published_at),
            anchors=anchors,
            dates=title.dates,
            series=(outlet, title.series) if title.series else None,
            skeleton=(outlet, title.skeleton),
            informative=title.informative,
            words=tuple(title.skeleton.split()),
        )

    def _open(self, story_id: int, reading: _Reading) -> _Story:
        story = _Story(
            story_id,
            reading.features,
            reading.companies,
            set(),
            first=reading.published,
            latest=reading.published,
            anchors=reading.anchors,
            dates=reading.dates,
            outlet=reading.skeleton[0],
            words=reading.words,
            closed=not reading.informative,
        )
        self._by_id[story_id] = story
        return story

    def _join(self, story: _Story, reading: _Reading) -> None:
        story.said |= reading.features
        story.first = min(story.first, reading.published)
        story.latest = max(story.latest, reading.published)
        if reading.series:
            story.series.add(reading.series)
        story.skeletons[reading.skeleton] = reading.published
        if reading.url:
            self._by_url.setdefault(reading.url, story)
        if story.closed:
            return  # a bare title's story is found by its link only
        by_key = self._by_key
        for key in reading.keys:
            holders = by_key.get(key)
            if holders is None:
                by_key[key] = [story]
            elif len(holders) < _MAX_STORIES_PER_KEY and story not in holders:
                holders.append(story)

    def _weights(self) -> Callable[[str], float]:
        """What each feature weighs now: its share of a word, times how rare it is in the
        week so far. Placing one headline asks the same few features many times, so each is
        worked out once per placement."""
        log_corpus = math.log(max(self._seen, _MIN_CORPUS) + 1)
        shares = self._vocabulary.shares
        counts = self._counts

        def weight(feature: str) -> float:
            return shares.get(feature, 1.0) * (log_corpus - math.log(counts[feature] + 1))

        return _Memo(weight).__getitem__

    def _keys(self, words: Iterable[tuple[str, ...]]) -> list[_Key]:
        """The headline's rarest rare words, and the pairs of its rarest other words.

        A word is known by its rarest feature (pairing two bigrams of one word would make a
        key as common as the word itself). A rare word (a model number) is specific enough
        alone, and pairing it would only make a key fewer reports share; commoner words (a
        company, a product type, a verb) are what most reports of a story share, and
        specific in pairs."""
        counts = self._counts
        # The feature breaks ties, so the keys are the same on every run.
        units = sorted({min((counts[f], f) for f in parts) for parts in words})
        common = bisect_left(units, (_RARE + 1, ""))
        keys: list[_Key] = [unit for _, unit in units[: min(common, _SINGLES)]]
        others = [unit for _, unit in units[common : common + _PAIRED]]
        keys.extend(cast(Iterable[tuple[str, str]], combinations(others, 2)))
        return keys

    def _best_story(self, reading: _Reading) -> _Story | None:
        """The story the headline matches best among those sharing the most keys with it."""
        hits = Counter(chain.from_iterable(filter(None, map(self._by_key.get, reading.keys))))
        # Stories that cannot match take no place among the few.
        likeliest = [story for story in hits if not _apart(reading, story)]
        # A story that shares few keys rarely matches: scoring only the likeliest few keeps
        # the work per headline bounded however common its words are.
        if len(likeliest) > _SCORED:
            likeliest = nlargest(_SCORED, likeliest, key=hits.__getitem__)
        best: _Story | None = None
        best_score = 0.0
        weight = self._weights()
        total = math.fsum(map(weight, reading.features)) or 1.0
        companies = reading.companies
        for story in likeliest:
            score = _match(reading.features, companies, total, story, weight)
            if not score and _anchor_match(reading, story):
                score = 1.0
            if score > best_score:
                best, best_score = story, score
        return best


@dataclass(frozen=True, slots=True)
class _Reading:
    """What placing a headline needs of it."""

    features: frozenset[str]
    companies: frozenset[str]
    url: str | None
    keys: list[_Key]
    published: datetime  # naive UTC
    anchors: frozenset[str]
    dates: frozenset[str]
    series: tuple[str, str] | None  # (outlet, column name)
    skeleton: tuple[str, str]  # (outlet, title without digits)
    informative: bool
    words: tuple[str, ...]  # the title's words, folded


def _templated(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Whether two titles are one template filled in twice: the same words but for a run at
    one end, different in each (``D.C. wellness calendar, Aug. 9-16`` and ``Loudoun County
    wellness calendar, Aug. 9-16``)."""
    limit = min(len(first), len(second))
    prefix = next((n for n in range(limit) if first[n] != second[n]), limit)
    suffix = next((n for n in range(limit - prefix) if first[-1 - n] != second[-1 - n]),
                  limit - prefix)  # fmt: skip
    if (prefix == 0) == (suffix == 0):
        return False  # the same words at both ends, or at neither: rewording, not a template
    rest_first = first[prefix : len(first) - suffix]
    rest_second = second[prefix : len(second) - suffix]
    return (
        bool(rest_first and rest_second)
        and set(rest_first).isdisjoint(rest_second)
        and prefix + suffix >= max(2, max(len(first), len(second)) / 2)
    )


def _anchor_keys(anchors: frozenset[str]) -> list[_Key]:
    """Keys a report in another language shares: its people, products and numbers, and pairs
    of the names it gives (a company and its chief, a company and its product)."""
    named = sorted(anchor for anchor in anchors if anchor[0] in _NAMED)
    keys: list[_Key] = []
    keys.extend([anchor for anchor in named if anchor[0] != _COMPANY][:_SINGLES])
    keys.extend(sorted(anchor for anchor in anchors if anchor[0] == NUMBER)[:_SINGLES])
    keys.extend(cast(Iterable[tuple[str, str]], combinations(named[:_PAIRED], 2)))
    return keys


def _naive_utc(moment: datetime) -> datetime:
    offset = moment.utcoffset()
    return moment.replace(tzinfo=None) - offset if offset else moment.replace(tzinfo=None)


def _apart(reading: _Reading, story: _Story) -> bool:
    """Whether the headline cannot be a report of the story whatever it says: about other
    companies, outside the story's days, another installment of the same column, dated
    another day, or telling another kind of event (fired, returned) about the same names."""
    companies = reading.companies
    if story.closed or (companies and story.companies and companies.isdisjoint(story.companies)):
        return True
    published = reading.published
    if not story.first - STORY_WINDOW <= published <= story.latest + STORY_WINDOW:
        return True
    seen = story.skeletons.get(reading.skeleton)
    events = {anchor for anchor in reading.anchors if anchor[0] == EVENT}
    told = {anchor for anchor in story.anchors if anchor[0] == EVENT}
    return (
        (reading.series is not None and reading.series in story.series)
        or (bool(reading.dates and story.dates) and reading.dates.isdisjoint(story.dates))
        or (seen is not None and abs(published - seen) >= RECURRING_AFTER)
        or (bool(events and told) and events.isdisjoint(told))
        or (reading.skeleton[0] == story.outlet and _templated(reading.words, story.words))
    )


def _anchor_match(reading: _Reading, story: _Story) -> bool:
    """Whether the headline shares enough of the story's first report's anchors (companies,
    people, products, numbers) and the kind of event it told, whatever the language."""
    shared = reading.anchors & story.anchors
    if not shared:
        return False
    specific = sum(1 for anchor in shared if anchor[0] in _SPECIFIC)
    if specific < SHARED_ANCHORS or specific == len(shared):
        return False  # too few names, or no kind of event in common
    return len(shared) >= ANCHOR_SHARE * min(len(reading.anchors), len(story.anchors))


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
    # The first report's weight is taken as the week weighs it now, like the headline's.
    story_total = math.fsum(map(weight, story.features)) or 1.0
    # The story's reports hold the first report's words, so what they share bounds the Dice
    # from above: most non-matching stories are settled with one intersection.
    dice_limit = threshold * (total + story_total) / 2
    shared = math.fsum(map(weight, features & story.features)) if contained >= dice_limit else 0.0
    # Containment is held to its own, higher bar, scaled to be comparable with the Dice.
    score = max(shared / dice_limit, contained / (CONTAINED_THRESHOLD * total))
    return score if score >= 1.0 else 0.0


class _Vocabulary:
    """Turns titles into features; a week repeats its words and outlets, so each distinct
    piece of a title and each outlet is worked out once."""

    def __init__(self, entities: EntityRecognizer) -> None:
        self._entities = entities
        self._pieces: _Memo[str, tuple[tuple[str, ...], ...]] = _Memo(self._piece_features)
        self._markers: _Memo[str, str] = _Memo(_COMPANY.__add__)
        self._outlets: _Memo[str | None, str] = _Memo(_outlet_name)
        self._words: dict[str, tuple[str, ...]] = {}  # word -> its features
        self.shares: dict[str, float] = {}  # feature -> the smallest share of a word it has

    def read(
        self, headline: Headline, source: str | None
    ) -> tuple[frozenset[str], list[tuple[str, ...]], TitleReading]:
        """The features of the title's words, one per company the headline names and one per
        anchor; the features of each word, a company's or an anchor's marker a word of its
        own; and the title's reading."""
        title = read_title(headline.title, self._outlets[source], self._entities)
        words = list(chain.from_iterable(map(self._pieces.__getitem__, title.text.split())))
        words.extend((self._markers[company],) for company in headline.companies)
        # A name is one word, whatever its spelling: 챗GPT and ChatGPT agree, and a title of
        # two names and two other words is not mostly alike another with the same two names.
        words.extend((anchor,) for anchor in title.anchors if anchor[0] in _NAMED)
        return frozenset(chain.from_iterable(words)), words, title

    def _piece_features(self, piece: str) -> tuple[tuple[str, ...], ...]:
        """The features of each word of the piece that has any."""
        return tuple(filter(None, map(self._word_features, _TOKEN.findall(piece))))

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
