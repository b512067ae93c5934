"""Same-story grouping: which of a week's headlines report one story from several outlets.

Two headlines tell the same story when they link the same canonical URL, or when their
titles say nearly the same thing. Titles are compared as sets of features (news/stories/words.py:
words, Korean words' bigrams, companies, people and products), each weighed by how rare it is
in the week so far (inverse document frequency over the headlines that arrived before), so a
company name that fills hundreds of headlines says less than the model number that fills five.
Headlines naming disjoint sets of companies are never one story; naming the very same ones
lowers the bar.

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
kind of event, makes two reports one story whatever their words; one person or product and
the kind of event are enough when the headline names nothing else, within a day.

A report's summary lead is a second, weaker signal (news/stories/leads.py): when the titles
do not match, a headline joins the story whose reports' titles and leads hold enough of its own
title and lead, rare words and phrases counting most, with a title's phrase in common and
within two days. Last, a report joins a story of its own outlet from the same day that tells
the same occasion: a speech's or a summit's name, or an election and a rare word beside it
(news/stories/occasions.py: one outlet's many reports of a State of the Union or of an
election night).

What looks alike but is not one event is kept apart: a story only takes reports from a few
days around its own; a column or series (a bracketed name such as [오늘의 운세] or [인사], a
"Weekly briefing:" header, or a title an outlet ran on another day already) never takes another
installment of itself unless other outlets reported the story too (then the installment tells
their event); and a title with too little to tell (only a date, an emoji, a number or
a link, or only generic words) opens a story of its own that nothing else joins.

The work per headline is left to C-level operations where it can be: a title is a frozenset
of features, a feature's weight is worked out once per placement, and similarities are sums
over set intersections; stories are compared and counted by identity.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from heapq import nlargest
from itertools import chain, combinations
from typing import cast

from news.catalog.entities import EntityRecognizer, bundled_entity_recognizer
from news.core.models import DigestCandidate
from news.core.urls import canonical_url
from news.stories.leads import PHRASE, LeadOverlap, LeadReader, lead_of
from news.stories.occasions import OCCASION, OCCASION_WINDOW, OccasionBook, shared_occasion
from news.stories.similarity import (
    NAMED,
    PAIRED,
    SINGLES,
    anchor_keys,
    naive_utc,
    templated,
    title_match,
)
from news.stories.titles import COMPANY, COMPARISON, ENTITY, EVENT, NUMBER
from news.stories.words import Memo, Vocabulary

# Language-independent anchors (people, products, companies, numbers) two reports must share
# to be one story on them alone, whatever their words; with the same kind of event named.
SHARED_ANCHORS = 2
# ...and the share of the headline's own anchors they must make up.
ANCHOR_SHARE = 0.6
# A headline naming one person or product, and the story's kind of event, joins a story
# first reported at most this long before or after it.
ONE_NAME_WINDOW = timedelta(days=1)
# A story takes reports published at most this long before its first or after its latest.
STORY_WINDOW = timedelta(days=4)
# Title and lead read together (news/stories/leads.py): the share of a headline's weight its
# story's reports must contain; only within LEAD_WINDOW of the story's reports.
LEAD_CONTAINED = 0.3
LEAD_WINDOW = timedelta(days=2)
# The same title from the same outlet this far apart is a recurring column, not a repost.
RECURRING_AFTER = timedelta(hours=18)

# Document frequencies are taken over at least this many headlines, so that in a small week
# (or a test) every feature weighs about the same instead of shared words weighing nothing.
_MIN_CORPUS = 1000
# A word in at most this many headlines is rare enough to be a key on its own; a headline
# is filed under at most SINGLES of its rarest such words, and pairs of PAIRED of its
# rarest other words (news/stories/similarity.py).
_RARE = 30
# A key shared by more stories than this says little: the first ones keep it, so a flood of
# look-alike headlines cannot make the search quadratic.
_MAX_STORIES_PER_KEY = 12
# Stories scored per headline, those sharing the most keys with it first.
_SCORED = 6
# Phrases of a title and lead a headline is filed under.
_PHRASES = 12
# Stories remembered per outlet, for its reports of one occasion (an outlet's last day or two).
_RECENT = 64

_COMPANY = COMPANY  # prefix that keeps company features apart from words

_SPECIFIC = frozenset((_COMPANY, ENTITY, NUMBER))  # anchors that name something
_COMPARES = EVENT + COMPARISON
# What a lead adds beside its title: its phrases and names (its single words are too common).
_LEAD_KINDS = frozenset((PHRASE, ENTITY))

# A key is a rare word, or two of a headline's other words; a word is known by its rarest
# feature.
_Key = str | tuple[str, str]


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
    told: set[str] = field(default_factory=set)  # its reports' title and lead words, phrases
    titles: set[str] = field(default_factory=set)  # its reports' title words and phrases
    has_lead: bool = False  # whether any of its reports had a lead
    outlets: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)  # its reports' title and lead features


class StoryIndex:
    """One week's stories, grown a headline at a time as headlines arrive.

    Words are weighed by how many of the week's headlines seen so far use them, so a
    headline is placed once, when it arrives, and never moved: a story's id is the id of
    the headline that opened it, stable for good. Headlines are expected in about the order
    they were published; a late one is still placed, against what the week knows by then.
    """

    def __init__(self, entities: EntityRecognizer | None = None) -> None:
        entities = entities or bundled_entity_recognizer()
        self._vocabulary = Vocabulary(entities)
        self._counts: Counter[str] = Counter()
        self._seen = 0
        self._leads = LeadReader(entities)
        self._doc_counts: Counter[str] = Counter()
        self._by_id: dict[int, _Story] = {}
        self._by_url: dict[str, _Story] = {}
        self._by_key: dict[_Key, list[_Story]] = {}
        self._occasions = OccasionBook()
        self._context_counts: Counter[str] = Counter()
        self._by_outlet: dict[str, list[_Story]] = {}  # its latest stories, the latest last

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
        published = naive_utc(headline.published_at)
        companies = frozenset(headline.companies)
        anchors = title.anchors | {_COMPANY + company for company in companies}
        told: frozenset[str] = frozenset()
        lead: frozenset[str] = frozenset()
        context: frozenset[str] = frozenset()
        if title.informative:
            named = {anchor for anchor in anchors if anchor[0] in NAMED}
            told = self._leads.read(title.text) | named
            context = told
            if headline.summary:
                context = context | self._leads.read(lead_of(headline.summary))
                lead = frozenset(f for f in context - told if f[0] in _LEAD_KINDS)
            told = frozenset(f for f in told if f[0] != OCCASION)
            self._doc_counts.update(told | lead)
            self._context_counts.update(context)
            self._occasions.note(context, published)
        keys = self._keys(words) + anchor_keys(anchors) + self._phrase_keys(told | lead)
        return _Reading(
            features=features,
            companies=companies,
            url=canonical_url(headline.url) if headline.url else None,
            keys=keys if title.informative else [],
            published=published,
            anchors=anchors,
            dates=title.dates,
            series=(outlet, title.series) if title.series else None,
            skeleton=(outlet, title.skeleton),
            informative=title.informative,
            words=tuple(title.skeleton.split()),
            told=told,
            lead=lead,
            context=context,
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
        story.told |= reading.told
        story.told |= reading.lead
        story.titles |= reading.told
        story.has_lead = story.has_lead or bool(reading.lead)
        story.context |= reading.context
        outlet = reading.skeleton[0]
        story.outlets.add(outlet)
        if reading.informative and not story.closed:
            recent = self._by_outlet.setdefault(outlet, [])
            if story not in recent[-_RECENT:]:
                recent.append(story)
                del recent[:-_RECENT]
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

        return Memo(weight).__getitem__

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
        keys: list[_Key] = [unit for _, unit in units[: min(common, SINGLES)]]
        others = [unit for _, unit in units[common : common + PAIRED]]
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
            score = title_match(
                reading.features,
                companies,
                total,
                (story.features, story.companies, story.said),
                weight,
            )
            if not score and _anchor_match(reading, story):
                score = 1.0
            if score > best_score:
                best, best_score = story, score
        if best is None and reading.told:
            best = self._lead_story(reading, likeliest)
        if best is None and reading.context:
            best = self._occasion_story(reading)
        return best

    def _occasion_story(self, reading: _Reading) -> _Story | None:
        """The story of the headline's outlet, within a day, that tells the same occasion
        (a speech, an election night: news/stories/occasions.py), the rarest shared first."""
        published = reading.published
        signals = self._occasions.signals(reading.context, published)
        if not signals:
            return None
        best: _Story | None = None
        best_score = 0.0
        for story in self._by_outlet.get(reading.skeleton[0], ()):
            if not story.first - OCCASION_WINDOW <= published <= story.latest + OCCASION_WINDOW:
                continue
            score = shared_occasion(
                signals, (reading.told, reading.context), (story.titles, story.context),
                self._context_counts, self._seen,
            )  # fmt: skip
            if score > best_score and not _apart(reading, story):
                best, best_score = story, score
        return best

    def _phrase_keys(self, told: frozenset[str]) -> list[_Key]:
        """Phrases of the title and lead, for finding a story by its lead: those other
        headlines used already, the rarest first, then new ones (for the next reports)."""
        counts = self._doc_counts
        phrases = sorted((counts[f] == 1, counts[f], f) for f in told if f[0] == PHRASE)
        return [phrase for _, count, phrase in phrases[:_PHRASES] if count <= _RARE]

    def _lead_story(self, reading: _Reading, stories: list[_Story]) -> _Story | None:
        """The story whose reports' titles and leads hold most of the headline's title and
        lead (news/stories/leads.py), within a day or two of its reports."""
        overlap = LeadOverlap(reading.told, reading.lead, self._doc_counts, self._seen)
        best: _Story | None = None
        best_share = LEAD_CONTAINED
        published = reading.published
        for story in stories:
            if not story.first - LEAD_WINDOW <= published <= story.latest + LEAD_WINDOW:
                continue
            if not (reading.lead or story.has_lead):
                continue  # titles alone were compared already
            share = overlap.share(story.told, story.titles)
            if share >= best_share:
                best, best_share = story, share
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
    told: frozenset[str]  # the title's words and phrases as a lead is read (leads.py)
    lead: frozenset[str]  # the summary lead's words and phrases the title does not have
    context: frozenset[str]  # the title's and lead's words, phrases and occasions


def _apart(reading: _Reading, story: _Story) -> bool:
    """Whether the headline cannot be a report of the story whatever it says: about other
    companies, outside the story's days, another installment of the same column, dated
    another day, telling another kind of event (fired, returned) about the same names, or
    comparing where the other reports (a user's verdict on a model beside its launch)."""
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
        _same_column(reading, story)
        or (bool(reading.dates and story.dates) and reading.dates.isdisjoint(story.dates))
        or (seen is not None and abs(published - seen) >= RECURRING_AFTER)
        or (bool(events and told) and events.isdisjoint(told))
        or ((_COMPARES in events) != (_COMPARES in told))
        or (reading.skeleton[0] == story.outlet and templated(reading.words, story.words))
    )


def _same_column(reading: _Reading, story: _Story) -> bool:
    """Whether the headline is another installment of a column (a bracketed series) the
    story holds, in a story only that outlet reported: installments are not one story
    because they share a column's name and its regular subjects. An installment that tells
    an event other outlets reported is that event's report, like theirs."""
    return reading.series is not None and reading.series in story.series and len(story.outlets) < 2


def _anchor_match(reading: _Reading, story: _Story) -> bool:
    """Whether the headline shares enough of the story's first report's anchors (companies,
    people, products, numbers) and the kind of event it told, whatever the language."""
    shared = reading.anchors & story.anchors
    if not shared:
        return False
    specific = sum(1 for anchor in shared if anchor[0] in _SPECIFIC)
    if specific == len(shared):
        return False  # no kind of event in common
    if specific < SHARED_ANCHORS:
        return specific == 1 and _one_name_match(reading, story, shared)
    return len(shared) >= ANCHOR_SHARE * min(len(reading.anchors), len(story.anchors))


def _one_name_match(reading: _Reading, story: _Story, shared: frozenset[str]) -> bool:
    """One person or product and the kind of event in common is enough when the headline
    names nothing else and came out within a day of the story's first report ("클로드 코드,
    사이버보안 기능 추가" beside "Anthropic, Claude Code에 보안 취약점 스캔 기능 출시")."""
    if abs(reading.published - story.first) > ONE_NAME_WINDOW:
        return False
    named = {anchor for anchor in reading.anchors if anchor[0] in _SPECIFIC}
    return len(named) == 1 and next(iter(named))[0] == ENTITY and named <= shared
