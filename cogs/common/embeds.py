"""Discord rendering of the archive: embeds that fit every Discord limit.

``fit_embed`` is the one place the limits are enforced; every embed the bot sends passes
through it. Outside text (titles, names, commentary) is Markdown-escaped before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import discord
from news.core.charts import sparkline
from news.core.models import (
    CompanyLookup,
    CompanyReport,
    Digest,
    DigestItem,
    DigestSection,
    GuildSettings,
    Headline,
    HeadlinePage,
    Roundup,
)
from news.core.text import truncate
from news.core.weeks import week_dates

from cogs.common.i18n import text

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT_LIMIT = 2000

COMMENTARY_LIMIT = 1500
URL_LIMIT = 512
# Room kept in every digest message for the part marker the footer carries.
PART_FOOTER_LIMIT = 100
COLOUR = discord.Colour.from_rgb(52, 120, 246)
NO_MENTIONS = discord.AllowedMentions.none()
# A bracket after an even number of backslashes (none included) is not escaped yet.
_BARE_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]])")

Locale = discord.Locale | str | None


def escape(value: str) -> str:
    """Outside text made inert: Markdown escaped, so it shows as written. Brackets too,
    which discord.py leaves alone: a feed title such as ``a](https://evil) [b`` would
    otherwise close the link around it and open one of its own."""
    escaped = discord.utils.escape_markdown(value, as_needed=False)
    return _BARE_BRACKET.sub(r"\1\\\2", escaped)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Cut every part of an embed to Discord's limits, then the whole to 6,000 characters."""
    if embed.title:
        embed.title = truncate(embed.title, TITLE_LIMIT)
    if embed.description:
        embed.description = truncate(embed.description, DESCRIPTION_LIMIT)
    _fit_fields(embed)
    if embed.footer.text:
        embed.set_footer(text=truncate(embed.footer.text, FOOTER_LIMIT))
    if embed.author.name:
        embed.set_author(name=truncate(embed.author.name, AUTHOR_LIMIT), url=embed.author.url)
    _fit_total(embed)
    return embed


def _fit_fields(embed: discord.Embed) -> None:
    fields = [(f.name or "", f.value or "", bool(f.inline)) for f in embed.fields]
    embed.clear_fields()
    for name, value, inline in fields[:FIELD_COUNT_LIMIT]:
        embed.add_field(
            name=truncate(name, FIELD_NAME_LIMIT) or "\u200b",
            value=truncate(value, FIELD_VALUE_LIMIT) or "\u200b",
            inline=inline,
        )


def _fit_total(embed: discord.Embed) -> None:
    # Drop fields from the end first (least important), then shorten the description.
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    excess = len(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        embed.description = truncate(embed.description, max(1, len(embed.description) - excess))


def safe_url(url: str | None) -> str | None:
    """A URL fit for a Markdown link: http(s) only, nothing that could close the link."""
    if not url or len(url) > URL_LIMIT or any(ch in url for ch in " ()<>\n\r\t"):
        return None
    return url if urlsplit(url).scheme in {"http", "https"} else None


def headline_line(headline: Headline, *, show_week: bool = True) -> str:
    """One headline as a Markdown line: linked title, week, companies."""
    title = escape(truncate(headline.title, 200))
    url = safe_url(headline.url)
    line = f"[{title}]({url})" if url else title
    if show_week:
        line += f" · `{headline.week}`"
    if headline.companies:
        line += " · " + ", ".join(escape(name) for name in headline.companies)
    return f"• {line}"


def timestamp(moment: datetime) -> str:
    """A Discord timestamp: each reader sees it in their own time zone."""
    return discord.utils.format_dt(moment, style="D")


def company_embed(lookup: CompanyLookup, locale: Locale) -> discord.Embed:
    if lookup.report is None:
        return _unknown_company_embed(lookup, locale)
    return fit_embed(_company_report_embed(lookup.report, locale))


def _unknown_company_embed(lookup: CompanyLookup, locale: Locale) -> discord.Embed:
    description = text(locale, "unknown_company", name=escape(truncate(lookup.query, 100)))
    if lookup.suggestions:
        names = ", ".join(f"**{escape(name)}**" for name in lookup.suggestions)
        description += "\n" + text(locale, "did_you_mean", names=names)
    return fit_embed(discord.Embed(description=description, colour=discord.Colour.orange()))


def _company_report_embed(report: CompanyReport, locale: Locale) -> discord.Embed:
    company = report.company
    embed = discord.Embed(
        title=f"{escape(company.name)} ({escape(company.english_name)})", colour=COLOUR
    )
    if company.aliases:
        aliases = ", ".join(escape(alias) for alias in company.aliases)
        embed.add_field(name=text(locale, "also_known_as"), value=aliases, inline=False)
    counts = [count for _, count in report.weekly_counts]
    first, last = report.weekly_counts[0][0], report.weekly_counts[-1][0]
    chart = f"`{first}` {sparkline(counts)} `{last}` · **{sum(counts)}**"
    embed.add_field(name=text(locale, "weekly_chart"), value=chart, inline=False)
    lines = [headline_line(h) for h in report.headlines]
    embed.description = (
        f"**{text(locale, 'latest_headlines')}**\n" + "\n".join(lines)
        if lines
        else text(locale, "no_headlines_yet")
    )
    if report.mentioned_in:
        mentions = "\n".join(f"• {escape(ref.title)} · `{ref.week}`" for ref in report.mentioned_in)
        embed.add_field(name=text(locale, "mentioned_in"), value=mentions, inline=False)
    return embed


def headlines_embed(page: HeadlinePage, query: str, locale: Locale) -> discord.Embed:
    title = f"🔎 {escape(truncate(query, 200))}" if query else "🔎"
    if not page.headlines:
        return fit_embed(discord.Embed(title=title, description=text(locale, "no_results")))
    embed = discord.Embed(
        title=title, description="\n".join(headline_line(h) for h in page.headlines), colour=COLOUR
    )
    pages = max(1, -(-page.total // page.limit))
    embed.set_footer(
        text=text(
            locale,
            "results_footer",
            first=page.offset + 1,
            last=page.offset + len(page.headlines),
            total=page.total_label,
            page=page.offset // page.limit + 1,
            pages=pages,
        )
    )
    return fit_embed(embed)


def roundup_embeds(roundup: Roundup, locale: Locale) -> list[discord.Embed]:
    """The roundup as it will be posted: a header embed, then one embed per section."""
    header = discord.Embed(title=escape(roundup.title), colour=COLOUR)
    byline = " · ".join(escape(part) for part in (roundup.publisher, roundup.author) if part)
    header.description = f"{byline}\n{timestamp(roundup.published_at)}".strip()
    header.set_footer(
        text=text(
            locale,
            "roundup_footer",
            week=roundup.week,
            sections=len(roundup.sections),
            headlines=roundup.headline_count,
        )
    )
    embeds = [fit_embed(header)]
    for section in roundup.sections:
        title = escape(section.title or text(locale, "section", number=section.position + 1))
        lines = _quoted(section.commentary) if section.commentary else []
        lines.extend(headline_line(h, show_week=False) for h in section.headlines)
        # A long section continues in further embeds rather than losing its last headlines.
        for number, chunk in enumerate(pack_lines(lines, DESCRIPTION_LIMIT)):
            part = discord.Embed(title=title if number == 0 else None, description=chunk)
            embeds.append(fit_embed(part))
    return embeds


def _quoted(commentary: str) -> list[str]:
    """Commentary as a block quote, shortened so the headlines keep most of the room."""
    short = truncate(commentary, COMMENTARY_LIMIT)
    return ["> " + escape(line) for line in short.splitlines() if line.strip()]


def pack_lines(lines: list[str], limit: int) -> list[str]:
    """Join lines into as few texts of at most ``limit`` characters as they fit in."""
    chunks: list[str] = []
    current = ""
    for line in (truncate(raw, limit) for raw in lines):
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def split_into_messages(
    embeds: list[discord.Embed], *, budget: int = EMBED_TOTAL_LIMIT
) -> list[list[discord.Embed]]:
    """Group embeds into messages of at most 10 embeds and ``budget`` (at most 6,000)
    characters each."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        length = len(embed)
        if current and (len(current) == EMBEDS_PER_MESSAGE or size + length > budget):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += length
    if current:
        messages.append(current)
    return messages


# --- the weekly digest ----------------------------------------------------------------------


def digest_messages(
    digest: Digest, settings: GuildSettings, *, part_footer: Callable[[int, int], str]
) -> list[list[discord.Embed]]:
    """The digest as the messages to post: a header with the week's dates, then one embed
    per section (continued in more when long), grouped into as many messages as needed.

    ``part_footer(index, total)`` is the footer of each message's last embed: the marker by
    which the bot recognises its own post. Room for it is kept in every message."""
    embeds = [_digest_header(digest, settings)]
    for section in digest.sections:
        embeds.extend(_digest_section(section, digest.language))
    messages = split_into_messages(embeds, budget=EMBED_TOTAL_LIMIT - PART_FOOTER_LIMIT)
    for index, message in enumerate(messages):
        message[-1].set_footer(text=truncate(part_footer(index, len(messages)), PART_FOOTER_LIMIT))
    return messages


def _digest_header(digest: Digest, settings: GuildSettings) -> discord.Embed:
    lines = [f"**{week_dates(digest.week, digest.language)}** · {escape(settings.timezone)}"]
    if not digest.sections:
        lines.append(text(digest.language, "digest_empty"))
    header = discord.Embed(title=escape(digest.title), description="\n".join(lines), colour=COLOUR)
    return fit_embed(header)


def _digest_section(section: DigestSection, language: str) -> list[discord.Embed]:
    lines = _quoted(section.commentary) if section.commentary else []
    lines.extend(digest_item_line(item, language) for item in section.items)
    title = escape(section.title) or None
    return [
        fit_embed(discord.Embed(title=title if number == 0 else None, description=chunk))
        for number, chunk in enumerate(pack_lines(lines, DESCRIPTION_LIMIT))
    ]


# Other outlets named on an item's line; the rest are counted ("and 2 more").
OTHER_OUTLETS_SHOWN = 3


def digest_item_line(item: DigestItem, language: str) -> str:
    """``• [title](url) — source · also: A, B and 2 more · companies``, every outside part
    escaped."""
    headline = item.headline
    title = escape(truncate(headline.title, 200))
    url = safe_url(headline.url)
    line = f"• [{title}]({url})" if url else f"• {title}"
    outlets = escape(truncate(item.source, 100)) if item.source else ""
    others = list(dict.fromkeys(s.source for s in item.sources[1:] if s.source))
    others = [name for name in others if name != item.source]
    if others:
        named = ", ".join(escape(truncate(name, 60)) for name in others[:OTHER_OUTLETS_SHOWN])
        also = text(language, "digest_also", outlets=named)
        if len(others) > OTHER_OUTLETS_SHOWN:
            count = len(others) - OTHER_OUTLETS_SHOWN
            also += " " + text(language, "digest_more_sources", count=count)
        outlets = f"{outlets} · {also}" if outlets else also
    elif item.more_sources and not item.sources:
        more = text(language, "digest_more_sources", count=item.more_sources)
        outlets = f"{outlets} {more}" if outlets else more
    if outlets:
        line += f" — {outlets}"
    if headline.companies:
        line += " · " + ", ".join(escape(name) for name in headline.companies)
    return line
