"""Outside text shown by the bot can never become Markdown: no bold, no masked link."""

from __future__ import annotations

from datetime import UTC, datetime

from cogs.common.embeds import escape, headline_line
from news.core.models import Headline

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def test_a_title_cannot_close_the_link_around_it_and_open_its_own() -> None:
    title = "a](https://evil.test) [b"
    headline = Headline(1, title, "https://news.test/1", "", "en", NOW, "2026-W48")

    line = headline_line(headline, show_week=False)

    assert line == r"• [a\](https://evil.test) \[b](https://news.test/1)"


def test_a_masked_link_in_plain_text_stays_text() -> None:
    assert escape("[click](https://evil.test)") == r"\[click\](https://evil.test)"


def test_brackets_after_a_backslash_of_the_text_are_still_escaped() -> None:
    assert escape(r"\[x](u)") == r"\\\[x\](u)"


def test_korean_column_tags_read_as_written() -> None:
    assert escape("[분석]검색 시장") == r"\[분석\]검색 시장"
