"""The weekly digest before rendering: compiled from the week's headlines, or an imported roundup.

A compiled digest reads like an editor's: one item per story however many outlets ran it,
the most widely covered stories first, grouped by topic with the heaviest topic first, and
short enough to read (a few sections of a few items). An imported roundup already has an
editor: it keeps its own sections and commentary, only the commentary is shortened to fit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import chain
from operator import attrgetter

from news.core.errors import InvalidInput
from news.core.models import (
    Digest,
    DigestCandidate,
    DigestItem,
    DigestSection,
    DigestSource,
    Headline,
    Roundup,
    RoundupSection,
    Topic,
)
from news.core.text import Cut, truncate
from news.core.weeks import week_dates
from news.stories.clustering import group_by_story_id, group_same_stories

_HEADLINE = attrgetter("headline")
_SOURCE = attrgetter("source")
_PUBLISHED = attrgetter("published_at")
_TOPICS = attrgetter("topics")
_ORDER = attrgetter("order")
_NO_OUTLET = frozenset((None, ""))  # a report without an outlet's name adds no outlet

CATCH_ALL_TITLES = {"ko": "그 밖의 소식", "en": "More news"}
TOP_STORIES_TITLES = {"ko": "주요 뉴스", "en": "Top stories"}
_LANGUAGE = attrgetter("language")


@dataclass(frozen=True, slots=True)
class DigestLimits:
    """How much a compiled digest shows, and how long an imported section's commentary is."""

    max_sections: int = 5
    max_items: int = 5
    commentary_chars: int = 600

    def __post_init__(self) -> None:
        if self.max_sections < 1 or self.max_items < 1:
            raise InvalidInput("digest.no_room")
        if self.commentary_chars < 2:
            raise InvalidInput("digest.commentary_too_short")


@dataclass(slots=True)  # not frozen: a frozen dataclass is slower to build, 5,000 a week
class _Story:
    reports: Sequence[DigestCandidate]
    outlets: set[str]  # the distinct outlets that ran it
    coverage: int  # how many, at least one
    # wider coverage first, then more languages, more relevant, more recent
    order: tuple[int, int, float, timedelta]
    topic: str | None  # key of the topic it is filed under


def compile_digest(
    candidates: Sequence[DigestCandidate],
    *,
    guild_id: int,
    week: str,
    language: str,
    topics: Sequence[Topic],
    limits: DigestLimits = DigestLimits(),
    now: datetime,
) -> Digest:
    """The week's digest compiled from its headlines: stories ranked, filed under topics."""
    topic_order = {topic.key: position for position, topic in enumerate(topics)}
    # Stories were found as the headlines arrived; only rows stored before that need it now.
    groups = group_by_story_id(candidates) or group_same_stories(candidates)
    stories = [_story(group, topic_order, now) for group in groups]
    # A stable sort on a cheap key; ties are settled by the lead's id only among the few
    # stories that can make the digest, since finding a lead reads every report.
    stories.sort(key=_ORDER)
    names = {topic.key: topic.name_ko if language == "ko" else topic.name_en for topic in topics}
    # The digest leads with the week's biggest stories, whatever their topics: those more
    # than one outlet ran, the widest covered first.
    top = [story for story in stories[: limits.max_items] if story.coverage > 1]
    if top and limits.max_sections > 1:
        chosen = {id(story) for story in top}
        rest = [story for story in stories if id(story) not in chosen]
        lead = DigestSection(
            title=TOP_STORIES_TITLES.get(language, TOP_STORIES_TITLES["en"]),
            commentary="",
            items=tuple(_item(*pair) for pair in _top(top, len(top))),
        )
        fewer = replace(limits, max_sections=limits.max_sections - 1)
        sections = (lead, *_sections(rest, names, topic_order, language, fewer))
    else:
        sections = _sections(stories, names, topic_order, language, limits)
    return Digest(
        guild_id=guild_id,
        week=week,
        title=digest_title(week, language),
        language=language,
        sections=sections,
        imported=False,
    )


def digest_from_roundup(
    roundup: Roundup,
    *,
    language: str,
    limits: DigestLimits = DigestLimits(),
) -> Digest:
    """An imported roundup as the week's digest: its own sections, commentary shortened."""
    sections = sorted(roundup.sections, key=lambda section: section.position)
    return Digest(
        guild_id=roundup.guild_id,
        week=roundup.week,
        title=roundup.title,
        language=language,
        sections=tuple(_imported_section(s, roundup.publisher, limits) for s in sections),
        imported=True,
    )


def digest_from_week(
    roundups: Sequence[Roundup],
    candidates: Sequence[DigestCandidate],
    *,
    guild_id: int,
    week: str,
    language: str,
    topics: Sequence[Topic],
    limits: DigestLimits = DigestLimits(),
    now: datetime,
) -> Digest:
    """The week's imported roundups, each with its own sections (in the order given), then
    the week's other stories compiled. A story several of them carry (the same link, or, from
    another roundup or a feed, the same story found when the headlines arrived) is shown once,
    where it first appears. Within one roundup only a repeated link is dropped: the editor
    may list two reports of one story on purpose."""
    story_of = {c.headline.id: c.story_id for c in candidates}
    seen: set[object] = set()  # links and story ids of the roundups before this one
    sections: list[DigestSection] = []
    for roundup in roundups:
        mine: set[object] = set()
        for section in sorted(roundup.sections, key=lambda s: s.position):
            fresh = []
            for headline in section.headlines:
                keys = _story_keys(headline, story_of.get(headline.id))
                if not keys & seen and headline.url not in mine:
                    fresh.append(headline)
                mine |= keys
            if fresh or section.commentary.strip():
                shown = replace(section, headlines=tuple(fresh))
                sections.append(_imported_section(shown, roundup.publisher, limits))
        seen |= mine
    listed = {h.id for roundup in roundups for s in roundup.sections for h in s.headlines}
    others = [
        c
        for c in candidates
        if c.headline.id not in listed and not _story_keys(c.headline, c.story_id) & seen
    ]
    if others:
        compiled = compile_digest(
            others,
            guild_id=guild_id,
            week=week,
            language=language,
            topics=topics,
            limits=limits,
            now=now,
        )
        sections.extend(compiled.sections)
    title = roundups[0].title if len(roundups) == 1 else digest_title(week, language)
    return Digest(
        guild_id=guild_id,
        week=week,
        title=title,
        language=language,
        sections=tuple(sections),
        imported=bool(roundups),
    )


def _story_keys(headline: Headline, story_id: int | None) -> set[object]:
    """What makes two reports the same story here: the link, or the story found on arrival."""
    keys: set[object] = set()
    if headline.url:
        keys.add(headline.url)
    if story_id is not None:
        keys.add(story_id)
    return keys


def digest_title(week: str, language: str) -> str:
    """A short title naming the week: ``Week 48 in tech · Nov 23–29`` or its Korean form."""
    dates = week_dates(week, language, compact=True)
    if language == "ko":
        return f"{dates} 주간 테크"
    return f"Week {int(week[6:])} in tech · {dates}"


def _imported_section(
    section: RoundupSection, publisher: str | None, limits: DigestLimits
) -> DigestSection:
    return DigestSection(
        title=section.title or "",
        commentary=truncate(section.commentary.strip(), limits.commentary_chars, at=Cut.SENTENCE),
        items=tuple(DigestItem(headline, publisher) for headline in section.headlines),
    )


def _story(group: Sequence[DigestCandidate], topic_order: dict[str, int], now: datetime) -> _Story:
    headlines = list(map(_HEADLINE, group))
    outlets = set(map(_SOURCE, group)) - _NO_OUTLET
    coverage = max(len(outlets), 1)
    languages = len(set(map(_LANGUAGE, headlines)))
    relevance = max(map(_relevance, group))
    # A report dated after `now` (a feed's clock ahead of ours) counts as just now.
    age = max(now - max(map(_PUBLISHED, headlines)), timedelta(0))
    return _Story(
        reports=group,
        outlets=outlets,
        coverage=coverage,
        order=(-coverage, -languages, -relevance, age),
        topic=_topic_of(list(map(_TOPICS, headlines)), topic_order),
    )


def _relevance(candidate: DigestCandidate) -> float:
    """How relevant to a tech reader the report is, when the analysis at ingest said so (on
    the candidate or its headline); 1.0 otherwise."""
    for holder in (candidate, candidate.headline):
        value = getattr(holder, "relevance", None)
        if isinstance(value, int | float):
            return float(value)
    return 1.0


def _topic_of(topic_lists: list[tuple[str, ...]], topic_order: dict[str, int]) -> str | None:
    """The topic most of the reports were filed under; the catalogue's order breaks ties."""
    first = topic_lists[0]
    if topic_lists.count(first) == len(topic_lists):
        # The usual case: every report filed alike, so its topics tie and the order decides.
        known = filter(topic_order.__contains__, first)
        return min(known, key=topic_order.__getitem__, default=None)
    votes = Counter(
        key for key in chain.from_iterable(map(dict.fromkeys, topic_lists)) if key in topic_order
    )
    return min(votes, key=lambda key: (-votes[key], topic_order[key]), default=None)


def _sections(
    stories: Sequence[_Story],
    names: dict[str, str],
    topic_order: dict[str, int],
    language: str,
    limits: DigestLimits,
) -> tuple[DigestSection, ...]:
    by_topic: dict[str | None, list[_Story]] = {}
    for story in stories:  # already in order, so each section's list is too
        by_topic.setdefault(story.topic, []).append(story)
    heaviest = sorted(
        by_topic,
        key=lambda key: (
            -sum(story.coverage for story in by_topic[key]),
            topic_order.get(key, len(topic_order)) if key else len(topic_order),
        ),
    )[: limits.max_sections]
    # Other news closes the digest even when it outweighs a topic: topics read better first.
    chosen = [key for key in heaviest if key is not None] + [k for k in heaviest if k is None]
    catch_all = CATCH_ALL_TITLES.get(language, CATCH_ALL_TITLES["en"])
    return tuple(
        DigestSection(
            title=names[key] if key is not None else catch_all,
            commentary="",
            items=tuple(_item(*top) for top in _top(by_topic[key], limits.max_items)),
        )
        for key in chosen
    )


def _top(stories: list[_Story], count: int) -> list[tuple[_Story, DigestCandidate]]:
    """The first ``count`` stories with their leads; stories tied on coverage and recency
    go in the order of their leads' ids."""
    end = count
    if len(stories) > count:  # the stories tied with the last one shown contend for its place
        last = stories[count - 1].order
        while end < len(stories) and stories[end].order == last:
            end += 1
    contenders = [(story, _lead(story)) for story in stories[:end]]
    contenders.sort(key=lambda pair: (pair[0].order, pair[1].headline.id))
    return contenders[:count]


def _lead(story: _Story) -> DigestCandidate:
    """The first report with a link; a longer (more complete) title breaks ties."""
    return min(story.reports, key=_lead_rank)


def _lead_rank(candidate: DigestCandidate) -> tuple[bool, datetime, int, int]:
    headline = candidate.headline
    return (headline.url is None, headline.published_at, -len(headline.title), headline.id)


def _item(story: _Story, lead: DigestCandidate) -> DigestItem:
    """The story as the digest shows it: its lead, and every report, the lead's first, the
    others in the order they were published."""
    others = sorted((r for r in story.reports if r is not lead), key=_lead_rank)
    sources = tuple(
        DigestSource(report.headline.title, report.headline.url, report.source)
        for report in (lead, *others)
    )
    return DigestItem(lead.headline, lead.source, len(sources) - 1, sources)
