"""The ``--json`` documents of the CLI. Their shape is a contract documented in the README."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from news.channels.models import ChannelFeed
from news.core.models import (
    Company,
    CompanyLookup,
    Digest,
    Headline,
    HeadlinePage,
    ImportResult,
    Roundup,
    RoundupListing,
    RoundupRef,
    SkippedLine,
    WeekSummary,
)
from news.feeds.service import FeedAdded
from news.feeds.sources import GuildFeed, PollResult

Json = dict[str, Any]


def headline_json(headline: Headline) -> Json:
    return {
        "title": headline.title,
        "url": headline.url,
        "week": headline.week,
        "published_at": headline.published_at.isoformat(),
        "language": headline.language,
        "summary": headline.summary,
        "companies": list(headline.companies),
        "topics": list(headline.topics),
    }


def roundup_json(roundup: Roundup) -> Json:
    return {
        "id": roundup.id,
        "week": roundup.week,
        "kind": roundup.kind.value,
        "title": roundup.title,
        "publisher": roundup.publisher,
        "author": roundup.author,
        "copyright": roundup.copyright,
        "published_at": roundup.published_at.isoformat(),
        "sections": [
            {
                "title": section.title,
                "commentary": section.commentary,
                "mentioned_companies": list(section.mentioned_companies),
                "headlines": [headline_json(h) for h in section.headlines],
            }
            for section in roundup.sections
        ],
    }


def skipped_json(skipped: SkippedLine) -> Json:
    return {"line": skipped.line_no, "text": skipped.text, "reason": skipped.reason}


def import_json(result: ImportResult) -> Json:
    return {
        "roundup": roundup_json(result.roundup),
        "replaced": result.replaced,
        "skipped": [skipped_json(s) for s in result.skipped],
    }


def roundup_ref_json(ref: RoundupRef) -> Json:
    return {"week": ref.week, "title": ref.title, "publisher": ref.publisher}


def company_json(lookup: CompanyLookup) -> Json:
    report = lookup.report
    if report is None:
        return {
            "query": lookup.query,
            "company": None,
            "headlines": [],
            "weekly_counts": [],
            "mentioned_in": [],
            "suggestions": list(lookup.suggestions),
        }
    return {
        "query": lookup.query,
        "company": company_identity_json(report.company),
        "headlines": [headline_json(h) for h in report.headlines],
        "weekly_counts": [{"week": w, "count": c} for w, c in report.weekly_counts],
        "mentioned_in": [roundup_ref_json(r) for r in report.mentioned_in],
        "suggestions": [],
    }


def company_identity_json(company: Company) -> Json:
    return {
        "name": company.name,
        "english_name": company.english_name,
        "aliases": list(company.aliases),
    }


def headlines_json(page: HeadlinePage) -> Json:
    return {
        "total": page.total,
        "total_exact": page.total_exact,
        "offset": page.offset,
        "limit": page.limit,
        "headlines": [headline_json(h) for h in page.headlines],
    }


def roundups_json(roundups: list[RoundupListing]) -> Json:
    return {
        "roundups": [
            {
                "id": r.id,
                "week": r.week,
                "title": r.title,
                "publisher": r.publisher,
                "headlines": r.headlines,
            }
            for r in roundups
        ]
    }


def weeks_json(weeks: list[WeekSummary]) -> Json:
    return {
        "weeks": [{"week": w.week, "roundups": w.roundups, "headlines": w.headlines} for w in weeks]
    }


def digest_json(digest: Digest) -> Json:
    return {
        "guild": digest.guild_id,
        "week": digest.week,
        "title": digest.title,
        "language": digest.language,
        "imported": digest.imported,
        "sections": [
            {
                "title": section.title,
                "commentary": section.commentary,
                "items": [
                    {
                        "title": item.headline.title,
                        "url": item.headline.url,
                        "source": item.source,
                        "more_sources": item.more_sources,
                        "sources": [
                            {"title": source.title, "url": source.url, "source": source.source}
                            for source in item.sources
                        ]
                        or [
                            {
                                "title": item.headline.title,
                                "url": item.headline.url,
                                "source": item.source,
                            }
                        ],
                        "companies": list(item.headline.companies),
                    }
                    for item in section.items
                ],
            }
            for section in digest.sections
        ],
    }


def feed_json(feed: GuildFeed) -> Json:
    source = feed.source
    return {
        "url": source.url,
        "title": source.title,
        "name": feed.name,
        "paused": source.paused,
        "failures": source.failure_count,
        "last_error": source.last_error,
        "last_success_at": _iso_or_none(source.last_success_at),
        "next_poll_at": _iso_or_none(source.next_poll_at),
    }


def posting_json(posting: ChannelFeed | None) -> Json:
    """How a feed posts: ``channel`` (null: not posted), ``filter`` (``include``, ``exclude``),
    ``template`` (null: the embed), ``webhook`` and ``broken`` (why the channel refused)."""
    if posting is None:
        return {
            "channel": None,
            "filter": {"include": "", "exclude": ""},
            "template": None,
            "webhook": False,
            "broken": None,
        }
    return {
        "channel": posting.channel_id,
        "filter": {"include": posting.include, "exclude": posting.exclude},
        "template": posting.template,
        "webhook": posting.webhook,
        "broken": posting.broken,
    }


def feed_added_json(added: FeedAdded) -> Json:
    poll = added.first_poll
    return {
        "feed": feed_json(added.feed),
        "items": added.item_count,
        "already_followed": added.already_followed,
        "filed": poll.linked if poll else 0,
        "backfill": poll.backfill if poll else False,
    }


def poll_json(result: PollResult) -> Json:
    return {
        "url": result.source.url,
        "new": result.new_headlines,
        "linked": result.linked,
        "backfill": result.backfill,
        "not_modified": result.not_modified,
        "error": result.error,
        "paused": result.source.paused,
        "next_poll_at": _iso_or_none(result.source.next_poll_at),
    }


def _iso_or_none(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
