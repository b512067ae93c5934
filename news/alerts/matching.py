"""Which subscriptions a new headline answers, at a cost that does not grow with their number.

Companies and topics are looked up by id. Keywords are compiled into one Aho-Corasick
automaton over the headline's search terms (news.archive.search_terms), separated by a character no
term contains, so that a phrase can only match whole terms in order, exactly as the search
index's phrase queries do: one pass over the headline finds every keyword unit it contains,
however many subscriptions there are. A keyword is kept once however many people follow it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import ahocorasick

from news.alerts.models import ArrivedHeadline, Subscription, SubscriptionKind
from news.archive.search_terms import Phrase, Unit, stands_as_word, text_terms

_SEP = "\x1f"  # terms are letters and digits only: the separator never occurs inside one

# Subscribers of one thing followed, by server.
_ByGuild = dict[int, list[Subscription]]


class AlertMatcher:
    """An index of subscriptions, built once and asked about every new headline."""

    def __init__(self, subscriptions: Iterable[Subscription]) -> None:
        self._companies: defaultdict[int, _ByGuild] = defaultdict(lambda: defaultdict(list))
        self._topics: defaultdict[int, _ByGuild] = defaultdict(lambda: defaultdict(list))
        self._keywords: dict[str, _ByGuild] = {}
        # Per pattern of the automaton, by its number: the keywords it completes alone, and
        # the (keyword, unit) pairs of keywords that need several units. Keywords are named
        # by their position in ``_keyword_groups``.
        self._keyword_groups: list[_ByGuild] = []
        self._unit_counts: list[int] = []
        self._units: list[tuple[Unit, ...]] = []
        self._completes: list[list[int]] = []
        self._parts: list[list[tuple[int, int]]] = []
        self.size = 0
        for subscription in subscriptions:
            self._add(subscription)
        self._automaton = self._compile()

    def _add(self, subscription: Subscription) -> None:
        if subscription.undeliverable:
            return
        self.size += 1
        if subscription.kind is SubscriptionKind.COMPANY and subscription.target_id is not None:
            self._companies[subscription.target_id][subscription.guild_id].append(subscription)
        elif subscription.kind is SubscriptionKind.TOPIC and subscription.target_id is not None:
            self._topics[subscription.target_id][subscription.guild_id].append(subscription)
        elif subscription.kind is SubscriptionKind.KEYWORD:
            by_guild = self._keywords.setdefault(subscription.query, defaultdict(list))
            by_guild[subscription.guild_id].append(subscription)

    def _compile(self) -> ahocorasick.Automaton:
        numbers: dict[str, int] = {}
        for keyword, by_guild in enumerate(self._keywords.values()):
            units = next(iter(by_guild.values()))[0].keyword_units()
            self._keyword_groups.append(by_guild)
            self._unit_counts.append(len(units))
            self._units.append(units)
            for index, unit in enumerate(units):
                for pattern in _unit_patterns(unit):
                    number = numbers.setdefault(pattern, len(numbers))
                    if number == len(self._completes):
                        self._completes.append([])
                        self._parts.append([])
                    if len(units) == 1:
                        self._completes[number].append(keyword)
                    else:
                        self._parts[number].append((keyword, index))
        automaton = ahocorasick.Automaton()
        for pattern, number in numbers.items():
            automaton.add_word(pattern, number)
        if numbers:
            automaton.make_automaton()
        return automaton

    def subscribers(self, headline: ArrivedHeadline) -> list[Subscription]:
        """Every subscription the headline answers, in the servers that can see it (a user
        may appear more than once: see ``match``). The cost is one pass over the headline
        plus the answer itself: the subscribers of each thing found are appended as a whole."""
        found: list[Subscription] = []
        for by_guild in self._candidates(headline):
            for guild_id in headline.guild_ids:
                subscribed = by_guild.get(guild_id)
                if subscribed:
                    found.extend(subscribed)
        # A server's own tags answer that server's subscribers alone.
        for guild_id, company_id in headline.guild_company_ids:
            if company_id in headline.company_ids or guild_id not in headline.guild_ids:
                continue
            followers = self._companies.get(company_id)
            subscribed = followers.get(guild_id) if followers is not None else None
            if subscribed:
                found.extend(subscribed)
        return found

    def match(self, headline: ArrivedHeadline) -> list[Subscription]:
        """One subscription per user and server that the headline answers: the oldest, when
        several do."""
        return one_per_user(self.subscribers(headline))

    def _candidates(self, headline: ArrivedHeadline) -> list[_ByGuild]:
        candidates = [self._companies[c] for c in headline.company_ids if c in self._companies]
        candidates += [self._topics[t] for t in headline.topic_ids if t in self._topics]
        candidates += [self._keyword_groups[k] for k in self._keywords_in(headline.text)]
        return candidates

    def _keywords_in(self, text: str) -> set[int]:
        if not self._keyword_groups:
            return set()
        haystack = _SEP + _SEP.join(text_terms(text)) + _SEP
        # A pattern found twice counts once; most keywords are a single unit, done at once.
        patterns = {number for _, number in self._automaton.iter(haystack)}
        found: set[int] = set()
        units_found: defaultdict[int, set[int]] = defaultdict(set)
        for number in patterns:
            found.update(self._completes[number])
            for keyword, index in self._parts[number]:
                units_found[keyword].add(index)
        found.update(k for k, units in units_found.items() if len(units) == self._unit_counts[k])
        # The few keywords found are checked word by word: 인수 is not inside 인수위원회.
        return {k for k in found if stand_as_words(text, self._units[k])}


def _unit_patterns(unit: Unit) -> list[str]:
    return [_phrase_pattern(phrase) for phrase in unit]


def _phrase_pattern(phrase: Phrase) -> str:
    # A prefix phrase leaves its last term open: 삼 begins the term 삼성.
    return _SEP + _SEP.join(phrase.terms) + ("" if phrase.prefix else _SEP)


class NaiveMatcher:
    """Every subscription tried against the headline in turn: the baseline the benchmark
    compares the index with, and the reference its tests check it against. Keywords are
    parsed once, up front, so that the loop itself is what is measured."""

    def __init__(self, subscriptions: Iterable[Subscription]) -> None:
        self._prepared = [(s, s.keyword_units()) for s in subscriptions if not s.undeliverable]

    def subscribers(self, headline: ArrivedHeadline) -> list[Subscription]:
        terms = text_terms(headline.text)
        return [
            subscription
            for subscription, units in self._prepared
            if subscription.guild_id in headline.guild_ids
            and _answers(subscription, units, headline, terms)
        ]

    def match(self, headline: ArrivedHeadline) -> list[Subscription]:
        return one_per_user(self.subscribers(headline))


def one_per_user(subscriptions: Iterable[Subscription]) -> list[Subscription]:
    """The oldest subscription of each user in each server."""
    found: dict[tuple[int, int], Subscription] = {}
    for subscription in subscriptions:
        owner = (subscription.guild_id, subscription.user_id)
        known = found.get(owner)
        if known is None or subscription.id < known.id:
            found[owner] = subscription
    return list(found.values())


def _answers(
    subscription: Subscription,
    units: tuple[Unit, ...],
    headline: ArrivedHeadline,
    terms: list[str],
) -> bool:
    if subscription.kind is SubscriptionKind.COMPANY:
        own = (subscription.guild_id, subscription.target_id) in headline.guild_company_ids
        return subscription.target_id in headline.company_ids or own
    if subscription.kind is SubscriptionKind.TOPIC:
        return subscription.target_id in headline.topic_ids
    return units_match(units, terms, headline.text)


def units_match(units: tuple[Unit, ...], terms: list[str], text: str) -> bool:
    """Whether text with these terms has every unit of a keyword (one of each unit's
    phrases), each Korean word standing as a word (인수 is not in 인수위원회): the one
    keyword test of alerts and channel filters."""
    return all(any(_contains(terms, phrase) for phrase in unit) for unit in units) and (
        stand_as_words(text, units)
    )


def stand_as_words(text: str, units: tuple[Unit, ...]) -> bool:
    """Each unit of a keyword stands as a word in ``text`` (news.archive.search_terms)."""
    return all(stands_as_word(text, unit, units) for unit in units)


def _contains(terms: list[str], phrase: Phrase) -> bool:
    size = len(phrase.terms)
    *whole, last = phrase.terms
    for start in range(len(terms) - size + 1):
        if terms[start : start + size - 1] != whole:
            continue
        candidate = terms[start + size - 1]
        if candidate == last or (phrase.prefix and candidate.startswith(last)):
            return True
    return False
