"""Rendering for people at a terminal (the CLI and the local console), with rich, in the
reader's language (every label, unit and empty-state text from ``locales/``).

Outside text (titles, names) always goes into ``Text`` objects, never into markup strings,
so a headline containing ``[bold]`` is shown as it is written. Tables fold a long cell onto
the next line rather than cutting it: on a terminal a line may wrap, but no text is dropped.
"""

from __future__ import annotations

import re
from datetime import datetime

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from locales import t, template
from news.core.charts import sparkline
from news.core.models import (
    CompanyLookup,
    CompanyReport,
    Digest,
    DigestItem,
    Headline,
    HeadlinePage,
    ImportResult,
    Roundup,
    RoundupListing,
    WeekSummary,
)
from news.feeds.sources import GuildFeed, PollResult

_SKIPPED_SHOWN = 15
PREVIEW_ITEMS = 10  # items of a feed shown by `/feed test`, as in Discord


def _t(language: str, key: str, **params: object) -> str:
    return t(language, f"terminal.{key}", **params)


def table(language: str, *columns: str, title: str | None = None) -> Table:
    """A table whose columns fold long cells (URLs) instead of cutting them."""
    shown = Table(title=title, title_justify="left")
    for column in columns:
        shown.add_column(_t(language, f"column_{column}"), overflow="fold")
    return shown


def panel(body: RenderableType, title: Text | None = None) -> Panel:
    # Not expanded: to a pipe the console has no width, and the box fits its text.
    return Panel(body, title=title, title_align="left", expand=False)


def fields(title: str, rows: list[tuple[str, str]]) -> RenderableType:
    """Named values under a title (the console's version of an embed's fields)."""
    shown = Table(title=title, title_justify="left", show_header=False)
    shown.add_column(style="bold", overflow="fold")
    shown.add_column(overflow="fold")
    for name, value in rows:
        shown.add_row(name, Text(value))
    return shown


def language_name(code: str, language: str) -> str:
    """``ko`` as the reader calls it (한국어, Korean)."""
    names = {"ko": "korean", "en": "english"}
    return t(language, f"choices.{names[code]}") if code in names else code


def skip_reason(reason: str, language: str) -> str:
    """Why a line was skipped, in the reader's language (the reason as the importer gave it
    when the catalogue has no text for it)."""
    key = re.sub(r"[^a-z0-9]+", "_", reason.lower()).strip("_")
    return template(language, f"skip_reasons.{key}") or reason


def render_import(result: ImportResult, language: str) -> RenderableType:
    roundup = result.roundup
    summary = Text(
        _t(
            language,
            "updated" if result.replaced else "imported",
            title=roundup.title,
            week=roundup.week,
            sections=len(roundup.sections),
            headlines=roundup.headline_count,
        ),
        style="green",
    )
    summary.highlight_words([roundup.title], style="bold")
    parts: list[RenderableType] = [summary, render_roundup(roundup, language)]
    if result.skipped:
        parts.append(_skipped_table(result, language))
    return Group(*parts)


def _skipped_table(result: ImportResult, language: str) -> RenderableType:
    title = _t(language, "skipped_title", count=len(result.skipped))
    shown = table(language, "line", "why", "text", title=title)
    for skipped in result.skipped[:_SKIPPED_SHOWN]:
        shown.add_row(
            str(skipped.line_no), skip_reason(skipped.reason, language), Text(skipped.text[:120])
        )
    if len(result.skipped) > _SKIPPED_SHOWN:
        more = _t(language, "more", count=len(result.skipped) - _SKIPPED_SHOWN)
        shown.add_row("…", more, "")
    return shown


def render_roundup(roundup: Roundup, language: str) -> RenderableType:
    byline = " · ".join(p for p in (roundup.publisher, roundup.author) if p)
    header = Text.assemble((roundup.title, "bold"), f"  {roundup.week}", (f"  {byline}", "dim"))
    parts: list[RenderableType] = [header]
    for section in roundup.sections:
        body: list[RenderableType] = []
        if section.commentary:
            body.append(Text(section.commentary, style="italic"))
        body.extend(_headline_line(h, show_week=False) for h in section.headlines)
        title = section.title or t(language, "replies.section", number=section.position + 1)
        parts.append(panel(Group(*body), Text(title)))
    return Group(*parts)


def _headline_line(headline: Headline, *, show_week: bool) -> Text:
    line = Text("• ")
    line.append(headline.title, style="bold")
    if show_week:
        line.append(f"  {headline.week}", style="cyan")
    if headline.companies:
        line.append(f"  [{', '.join(headline.companies)}]", style="magenta")
    if headline.url:
        line.append(f"\n  {headline.url}", style="blue underline")
    return line


def render_company(lookup: CompanyLookup, language: str) -> RenderableType:
    if lookup.report is None:
        message = Text(_t(language, "no_company", name=lookup.query), style="yellow")
        if lookup.suggestions:
            hint = ", ".join(lookup.suggestions)
            message.append(" " + _t(language, "did_you_mean", names=hint))
        return message
    return _company_report(lookup.report, language)


def _company_report(report: CompanyReport, language: str) -> RenderableType:
    company = report.company
    counts = [count for _, count in report.weekly_counts]
    title = Text.assemble((company.name, "bold"), f" ({company.english_name})")
    aliases = Text(_t(language, "also", names=", ".join(company.aliases)), style="dim")
    first, last = report.weekly_counts[0][0], report.weekly_counts[-1][0]
    total = sum(counts)
    headlines = _t(language, "headline_count_one" if total == 1 else "headline_count", count=total)
    chart = Text(f"{first} {sparkline(counts)} {last}  ({headlines})")
    parts: list[RenderableType] = [title, aliases, chart]
    if report.headlines:
        parts.extend(_headline_line(h, show_week=True) for h in report.headlines)
    else:
        parts.append(Text(_t(language, "no_headlines_yet"), style="dim"))
    if report.mentioned_in:
        mentions = ", ".join(f"{r.title} ({r.week})" for r in report.mentioned_in)
        parts.append(Text(_t(language, "mentioned_in", roundups=mentions), style="italic"))
    return panel(Group(*parts))


def render_headlines(page: HeadlinePage, language: str) -> RenderableType:
    if not page.headlines:
        return Text(t(language, "replies.no_results"), style="yellow")
    first = page.offset + 1
    last = page.offset + len(page.headlines)
    footer = Text(
        _t(language, "results_footer", first=first, last=last, total=page.total_label),
        style="dim",
    )
    return Group(*(_headline_line(h, show_week=True) for h in page.headlines), footer)


def render_weeks(weeks: list[WeekSummary], language: str) -> RenderableType:
    if not weeks:
        return Text(_t(language, "no_weeks"), style="yellow")
    shown = table(language, "week", "roundups", "headlines")
    for week in weeks:
        shown.add_row(week.week, str(week.roundups), str(week.headlines))
    return shown


def render_roundups(roundups: list[RoundupListing], language: str) -> RenderableType:
    if not roundups:
        return Text(_t(language, "no_weeks"), style="yellow")
    shown = table(language, "id", "week", "title", "publisher", "headlines")
    for r in roundups:
        shown.add_row(str(r.id), r.week, Text(r.title), Text(r.publisher or ""), str(r.headlines))
    return shown


def render_digest(digest: Digest, language: str) -> RenderableType:
    kind = _t(language, "digest_imported" if digest.imported else "digest_compiled")
    header = Text.assemble((digest.title, "bold"), f"  {digest.week}", (f"  {kind}", "dim"))
    parts: list[RenderableType] = [header]
    if not digest.sections:
        parts.append(Text(t(language, "replies.digest_empty"), style="dim"))
    for section in digest.sections:
        body: list[RenderableType] = []
        if section.commentary:
            body.append(Text(section.commentary, style="italic"))
        body.extend(_digest_item_line(item, language) for item in section.items)
        parts.append(panel(Group(*body), Text(section.title)))
    return Group(*parts)


def _digest_item_line(item: DigestItem, language: str) -> Text:
    line = _headline_line(item.headline, show_week=False)
    if item.source or item.more_sources:
        outlets = item.source or ""
        if item.more_sources:
            outlets = _t(language, "and_more", outlets=outlets, count=item.more_sources).strip()
        line.append(f"\n  {outlets}", style="dim")
    return line


def render_feeds(feeds: list[GuildFeed], language: str) -> RenderableType:
    if not feeds:
        return Text(_t(language, "no_feeds"), style="yellow")
    shown = table(language, "feed", "url", "health", "last_success", "next_poll")
    for feed in feeds:
        source = feed.source
        if source.paused:
            health = _t(language, "paused")
        elif source.failure_count:
            health = _t(language, "failures", count=source.failure_count)
        else:
            health = _t(language, "ok")
        shown.add_row(
            Text(feed.label),
            Text(source.url),
            health,
            _minute(source.last_success_at),
            _minute(None if source.paused else source.next_poll_at),
        )
    return shown


def render_polls(results: list[PollResult], language: str) -> RenderableType:
    if not results:
        return Text(_t(language, "nothing_due"), style="dim")
    lines = []
    for result in results:
        if result.error is not None:
            key = "poll_failed_paused" if result.source.paused else "poll_failed"
            state = _t(language, key, error=result.error)
        elif result.not_modified:
            state = _t(language, "not_modified")
        else:
            key = "poll_backfill" if result.backfill else "poll_new"
            state = _t(language, key, new=result.new_headlines, linked=result.linked)
        lines.append(f"{result.source.url}: {state}")
    return Text("\n".join(lines))


def _minute(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
