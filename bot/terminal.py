"""Rendering for people at a terminal (the CLI and the local console), with rich.

Outside text (titles, names) always goes into ``Text`` objects, never into markup strings,
so a headline containing ``[bold]`` is shown as it is written.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

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


def render_import(result: ImportResult) -> RenderableType:
    roundup = result.roundup
    verb = "Updated" if result.replaced else "Imported"
    summary = Text.assemble(
        (f"{verb} ", "bold green"),
        (roundup.title, "bold"),
        f" for {roundup.week}: {len(roundup.sections)} sections, "
        f"{roundup.headline_count} headlines.",
    )
    parts: list[RenderableType] = [summary, render_roundup(roundup)]
    if result.skipped:
        parts.append(_skipped_table(result))
    return Group(*parts)


def _skipped_table(result: ImportResult) -> RenderableType:
    table = Table(title=f"Skipped {len(result.skipped)} lines", title_justify="left")
    table.add_column("line", justify="right", style="dim")
    table.add_column("why")
    table.add_column("text", overflow="fold")
    for skipped in result.skipped[:_SKIPPED_SHOWN]:
        table.add_row(str(skipped.line_no), skipped.reason, Text(skipped.text[:120]))
    if len(result.skipped) > _SKIPPED_SHOWN:
        table.add_row("…", f"{len(result.skipped) - _SKIPPED_SHOWN} more", "")
    return table


def render_roundup(roundup: Roundup) -> RenderableType:
    byline = " · ".join(p for p in (roundup.publisher, roundup.author) if p)
    header = Text.assemble((roundup.title, "bold"), f"  {roundup.week}", (f"  {byline}", "dim"))
    parts: list[RenderableType] = [header]
    for section in roundup.sections:
        body: list[RenderableType] = []
        if section.commentary:
            body.append(Text(section.commentary, style="italic"))
        body.extend(_headline_line(h, show_week=False) for h in section.headlines)
        title = Text(section.title or f"Section {section.position + 1}")
        parts.append(Panel(Group(*body), title=title, title_align="left"))
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


def render_company(lookup: CompanyLookup) -> RenderableType:
    if lookup.report is None:
        message = Text(f"No company called '{lookup.query}'.", style="yellow")
        if lookup.suggestions:
            message.append(f" Did you mean: {', '.join(lookup.suggestions)}?")
        return message
    return _company_report(lookup.report)


def _company_report(report: CompanyReport) -> RenderableType:
    company = report.company
    counts = [count for _, count in report.weekly_counts]
    title = Text.assemble((company.name, "bold"), f" ({company.english_name})")
    aliases = Text("Also: " + ", ".join(company.aliases), style="dim")
    first, last = report.weekly_counts[0][0], report.weekly_counts[-1][0]
    total = sum(counts)
    chart = Text(
        f"{first} {sparkline(counts)} {last}  ({total} headline{'' if total == 1 else 's'})"
    )
    parts: list[RenderableType] = [title, aliases, chart]
    if report.headlines:
        parts.extend(_headline_line(h, show_week=True) for h in report.headlines)
    else:
        parts.append(Text("No headlines about it in this archive yet.", style="dim"))
    if report.mentioned_in:
        mentions = ", ".join(f"{r.title} ({r.week})" for r in report.mentioned_in)
        parts.append(Text(f"Mentioned in the commentary of: {mentions}", style="italic"))
    return Panel(Group(*parts), title_align="left")


def render_headlines(page: HeadlinePage) -> RenderableType:
    if not page.headlines:
        return Text("No headlines match.", style="yellow")
    first = page.offset + 1
    last = page.offset + len(page.headlines)
    footer = Text(f"{first}–{last} of {page.total_label}", style="dim")
    return Group(*(_headline_line(h, show_week=True) for h in page.headlines), footer)


def render_weeks(weeks: list[WeekSummary]) -> RenderableType:
    if not weeks:
        return Text("No roundups yet.", style="yellow")
    table = Table()
    table.add_column("week")
    table.add_column("roundups", justify="right")
    table.add_column("headlines", justify="right")
    for week in weeks:
        table.add_row(week.week, str(week.roundups), str(week.headlines))
    return table


def render_roundups(roundups: list[RoundupListing]) -> RenderableType:
    if not roundups:
        return Text("No roundups yet.", style="yellow")
    table = Table()
    table.add_column("id", justify="right")
    table.add_column("week")
    table.add_column("title")
    table.add_column("publisher")
    table.add_column("headlines", justify="right")
    for r in roundups:
        table.add_row(str(r.id), r.week, Text(r.title), Text(r.publisher or ""), str(r.headlines))
    return table


def render_digest(digest: Digest) -> RenderableType:
    kind = "imported roundup" if digest.imported else "compiled"
    header = Text.assemble((digest.title, "bold"), f"  {digest.week}", (f"  {kind}", "dim"))
    parts: list[RenderableType] = [header]
    if not digest.sections:
        parts.append(Text("No headlines this week.", style="dim"))
    for section in digest.sections:
        body: list[RenderableType] = []
        if section.commentary:
            body.append(Text(section.commentary, style="italic"))
        body.extend(_digest_item_line(item) for item in section.items)
        parts.append(Panel(Group(*body), title=Text(section.title), title_align="left"))
    return Group(*parts)


def _digest_item_line(item: DigestItem) -> Text:
    line = _headline_line(item.headline, show_week=False)
    if item.source or item.more_sources:
        outlets = item.source or ""
        if item.more_sources:
            outlets = f"{outlets} and {item.more_sources} more".strip()
        line.append(f"\n  {outlets}", style="dim")
    return line


def render_feeds(feeds: list[GuildFeed]) -> RenderableType:
    if not feeds:
        return Text("No feeds yet: add one with `feeds add URL`.", style="yellow")
    table = Table()
    for column in ("feed", "url", "health", "last success", "next poll"):
        table.add_column(column)
    for feed in feeds:
        source = feed.source
        health = "paused" if source.paused else f"{source.failure_count} failures"
        if not source.paused and not source.failure_count:
            health = "ok"
        table.add_row(
            feed.label,
            source.url,
            health,
            _minute(source.last_success_at),
            _minute(None if source.paused else source.next_poll_at),
        )
    return table


def render_polls(results: list[PollResult]) -> RenderableType:
    if not results:
        return Text("No feed was due.", style="dim")
    lines = []
    for result in results:
        if result.error is not None:
            state = f"failed ({result.error})" + (", paused" if result.source.paused else "")
        elif result.not_modified:
            state = "not modified"
        else:
            state = f"{result.new_headlines} new of {result.linked}"
            state += " (backfill)" if result.backfill else ""
        lines.append(f"{result.source.url}: {state}")
    return Text("\n".join(lines))


def _minute(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
