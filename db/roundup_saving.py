"""What a save returns: the roundup as it was written, with the names of the companies and
topics it refers to, equal to what db/roundup_reading.py reads back (without a second read
of the roundup: one query of names, sent with the save's other first reads)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from news.core.models import Headline, NewRoundup, Roundup, RoundupSection

from db.backend import Params, Row, Statement, json_list_sql
from db.headlines import StoredHeadline, dedupe_key, publication
from db.times import from_unix, unix

_NAMES = json_list_sql(
    """
SELECT 'c' AS kind, id, name FROM companies WHERE id IN {company_ids}
UNION ALL
SELECT 't' AS kind, id, key AS name FROM topics WHERE id IN {topic_ids}
""",
    company_ids="bigint",
    topic_ids="bigint",
)


@dataclass(frozen=True, slots=True)
class Names:
    companies: dict[int, str]
    topics: dict[int, str]


def names_read(roundup: NewRoundup) -> tuple[Statement, Params]:
    """The read of the names of the companies and keys of the topics a roundup refers to."""
    company_ids = {
        company_id
        for section in roundup.sections
        for company_id in (
            *section.mentioned_company_ids,
            *(c for h in section.headlines for c in h.company_ids),
        )
    }
    topic_ids = {t for section in roundup.sections for h in section.headlines for t in h.topic_ids}
    params = {
        "company_ids": json.dumps(sorted(company_ids)),
        "topic_ids": json.dumps(sorted(topic_ids)),
    }
    return _NAMES, params


def read_names(rows: Sequence[Row]) -> Names:
    return Names(
        companies={row["id"]: row["name"] for row in rows if row["kind"] == "c"},
        topics={row["id"]: row["name"] for row in rows if row["kind"] == "t"},
    )


def saved_roundup(
    roundup_id: int, roundup: NewRoundup, stored: dict[str, StoredHeadline], names: Names
) -> Roundup:
    """The roundup as save_roundup wrote it, equal to what roundup_for_week reads back."""
    sections = tuple(
        RoundupSection(
            position=position,
            title=section.title,
            commentary=section.commentary,
            mentioned_companies=_sorted_names(section.mentioned_company_ids, names.companies),
            headlines=tuple(
                _saved_headline(stored[dedupe_key(h)], names) for h in section.headlines
            ),
        )
        for position, section in enumerate(roundup.sections)
    )
    return Roundup(
        id=roundup_id,
        guild_id=roundup.guild_id,
        week=roundup.week,
        kind=roundup.kind,
        title=roundup.title,
        publisher=roundup.publisher,
        author=roundup.author,
        copyright=roundup.copyright,
        published_at=from_unix(unix(roundup.published_at)),
        sections=sections,
    )


def _saved_headline(stored: StoredHeadline, names: Names) -> Headline:
    headline = stored.headline
    _, published, week = publication(headline.published_at)
    return Headline(
        id=stored.id,
        title=headline.title,
        url=stored.url,
        summary=headline.summary,
        language=headline.language,
        published_at=published,
        week=week,
        companies=_sorted_names(headline.company_ids, names.companies),
        topics=_sorted_names(headline.topic_ids, names.topics),
    )


def _sorted_names(ids: Sequence[int], names: dict[int, str]) -> tuple[str, ...]:
    return tuple(sorted({names[i] for i in ids if i in names}))
