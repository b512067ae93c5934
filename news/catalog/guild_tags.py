"""What one server's own additions to the catalogue (the companies and spellings it added)
find in a headline that other servers see too.

A feed entry is one headline for every server that follows the feed; its tags come from the
bundled catalogue and are the same for all of them. A server that added companies or
spellings gets, on top of those, the companies its additions find (db table
guild_headline_companies), seen by that server only.

The additions alone are searched first: one pass of a small automaton, so a headline that names
none of them (nearly all) costs next to nothing. Only a headline that names one is read again
the way ingest reads it (subjects, not passing mentions), with the server's whole catalogue.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from news.catalog.analysis import HeadlineAnalyser
from news.catalog.recognition import CompanyRecognizer
from news.core.models import Company, NewHeadline


class GuildTagger:
    """The tags one server's additions give a headline; build once per catalogue change."""

    def __init__(
        self,
        additions: Sequence[Company],
        analyser: HeadlineAnalyser,
        companies: CompanyRecognizer,
    ) -> None:
        """``additions``: the server's own spellings, each under the company it names (a
        bundled company with only the server's aliases); ``analyser`` and ``companies``: the
        server's whole catalogue (bundled and its own)."""
        self._additions = CompanyRecognizer(additions)
        self._analyser = analyser
        self._companies = companies
        self.company_ids = frozenset(company.id for company in additions)

    def subjects(self, title: str, summary: str) -> tuple[int, ...]:
        """The companies the headline is about, read with the server's whole catalogue."""
        return self._analyser.companies(title, summary)[0]

    def subjects_and_mentions(
        self, title: str, summary: str
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The companies the headline is about, and those it names in passing."""
        return self._analyser.companies(title, summary)

    def commentary_mentions(self, commentary: str) -> tuple[int, ...]:
        """The companies a section's commentary names, as import finds them."""
        return self._companies.find(commentary)

    def own_tags(self, title: str, summary: str, shared: Collection[int]) -> tuple[int, ...]:
        """The companies the headline is about for this server beyond its ``shared`` tags
        (the bundled catalogue's); () when none of the server's additions is named."""
        if not self._additions.find(f"{title}\n{summary}"):
            return ()
        return tuple(c for c in self.subjects(title, summary) if c not in shared)


def with_own_tags(headline: NewHeadline, taggers: Sequence[tuple[int, GuildTagger]]) -> NewHeadline:
    """The feed headline with what each server's tagger (guild id, tagger) adds for it."""
    own = tuple(
        (guild_id, company_id)
        for guild_id, tagger in taggers
        for company_id in tagger.own_tags(headline.title, headline.summary, headline.company_ids)
    )
    return replace(headline, guild_company_ids=own) if own else headline
