"""The digest as Discord messages: dates, item lines, escaping and every limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from cogs.common.embeds import (
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    digest_item_line,
    digest_messages,
)
from news.core.models import (
    Digest,
    DigestItem,
    DigestSection,
    DigestSource,
    GuildSettings,
    Headline,
)

SETTINGS = GuildSettings(1, digest_channel_id=5, language="en")


def item(title: str = "Chip news", *, more: int = 0, source: str | None = "Daily") -> DigestItem:
    headline = Headline(
        id=1,
        title=title,
        url="https://example.com/a",
        summary="",
        language="en",
        published_at=datetime(2026, 11, 25, tzinfo=UTC),
        week="2026-W48",
        companies=("Nvidia",),
    )
    return DigestItem(headline, source, more)


def digest(*sections: DigestSection, language: str = "en") -> Digest:
    return Digest(1, "2026-W48", "Week 48", language, sections, imported=False)


def footer(index: int, total: int) -> str:
    return f"marker {index + 1}/{total}"


def test_item_line_names_source_others_and_companies() -> None:
    line = digest_item_line(item(more=2), "en")
    assert line == "• [Chip news](https://example.com/a) — Daily and 2 more · Nvidia"


def test_item_line_in_korean() -> None:
    assert "— Daily 외 2곳" in digest_item_line(item(more=2), "ko")


def reported_by(*outlets: str) -> DigestItem:
    lead = item(source=outlets[0])
    sources = tuple(DigestSource(f"report {n}", None, name) for n, name in enumerate(outlets))
    return replace(lead, more_sources=len(sources) - 1, sources=sources)


def test_item_line_names_the_other_outlets() -> None:
    line = digest_item_line(reported_by("Daily", "조선일보", "Daily", "The Verge"), "en")
    assert line == (
        "• [Chip news](https://example.com/a) — Daily · also: 조선일보, The Verge · Nvidia"
    )


def test_item_line_counts_the_outlets_it_does_not_name() -> None:
    line = digest_item_line(reported_by("Daily", "A", "B", "C", "D", "E"), "ko")
    assert "— Daily · 함께 보도: A, B, C 외 2곳" in line


def test_item_line_escapes_markdown_and_mentions_stay_text() -> None:
    line = digest_item_line(item("**@everyone** [x](y)", source="_Src_"), "en")
    assert "\\*\\*@everyone\\*\\*" in line and "\\_Src\\_" in line


def test_header_shows_the_week_dates_in_the_digest_language() -> None:
    [[header]] = digest_messages(digest(language="ko"), SETTINGS, part_footer=footer)
    assert header.description is not None
    assert "2026년 11월 23일 – 29일" in header.description
    assert "이번 주에는 헤드라인이 없습니다." in header.description


def test_each_message_ends_with_its_part_footer() -> None:
    sections = [DigestSection(f"S{n}", "", (item(),)) for n in range(12)]
    messages = digest_messages(digest(*sections), SETTINGS, part_footer=footer)
    assert [m[-1].footer.text for m in messages] == ["marker 1/2", "marker 2/2"]


def test_a_huge_digest_fits_every_message_limit() -> None:
    long_items = tuple(item("x" * 190, source="y" * 90, more=9) for _ in range(40))
    sections = [DigestSection(f"S{n}", "c" * 600, long_items) for n in range(8)]
    messages = digest_messages(digest(*sections), SETTINGS, part_footer=footer)
    assert len(messages) > 1
    for embeds in messages:
        assert len(embeds) <= EMBEDS_PER_MESSAGE
        assert sum(len(embed) for embed in embeds) <= EMBED_TOTAL_LIMIT
        assert all(len(embed.description or "") <= 4096 for embed in embeds)


def test_every_item_of_a_long_section_is_kept() -> None:
    items = tuple(item(f"story {n}") for n in range(80))
    messages = digest_messages(digest(DigestSection("S", "", items)), SETTINGS, part_footer=footer)
    text = "\n".join(e.description or "" for m in messages for e in m)
    assert all(f"story {n}]" in text for n in range(80))
