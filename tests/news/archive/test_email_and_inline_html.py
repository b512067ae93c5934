"""HTML e-mails and Markdown with inline HTML: clean titles, sections, summaries, links."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from news.archive.parser import parse_roundup
from news.archive.parsing.links import clean_link
from news.core.models import ParsedRoundup

FIXTURES = Path(__file__).parent / "fixtures"
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*[\s/>=]|\]\(|\*\*|&[a-z]+;|&#\d+;")


def _read(name: str) -> ParsedRoundup:
    return parse_roundup((FIXTURES / name).read_text(encoding="utf-8"), filename=name)


@pytest.fixture(scope="module")
def email() -> ParsedRoundup:
    return _read("email_newsletter.html")


@pytest.fixture(scope="module")
def inline() -> ParsedRoundup:
    return _read("markdown_inline_html.md")


def _headlines(roundup: ParsedRoundup) -> list[tuple[str | None, str, str | None]]:
    return [(s.title, h.title, h.url) for s in roundup.sections for h in s.headlines]


def _reasons(roundup: ParsedRoundup) -> dict[int, str]:
    return {skipped.line_no: skipped.reason for skipped in roundup.skipped}


# --- HTML e-mail ----------------------------------------------------------------------------


def test_email_headlines_keep_order_sections_and_real_links(email: ParsedRoundup) -> None:
    assert email.title == "The Circuit Weekly #42"
    assert _headlines(email) == [
        (
            "CHIPS",
            "TSMC raises foundry prices for its 2027 nodes",
            "https://www.chipwire.example.com/2026/03/foundry-prices",
        ),
        (
            "CHIPS",
            "Samsung says its HBM4 passed qualification",
            "https://links.mailer.example.net/ls/click?upn=u001.Qm9ndXNUb2tlbjEyMw-2BxYz",
        ),
        (
            "AI",
            "Court rules a chatbot maker is liable for its bot's advice",
            "https://news.example.org/ai/chatbot-ruling",
        ),
        (
            "AI",
            "An open 7B model tops the coding leaderboard",
            "https://huggingface.example.co/blog/open-model-7?ref=top",
        ),
        (
            "BY THE NUMBERS",
            "Nvidia closes at a record high",
            "https://markets.example.com/nvda-record",
        ),
        ("BY THE NUMBERS", "Intel cuts its guidance", "https://markets.example.com/intc-guidance"),
    ]


def test_email_summary_in_the_row_below_a_headline_is_its_summary(email: ParsedRoundup) -> None:
    first, second = email.sections[1].headlines
    assert first.summary.startswith("Customers on the most advanced processes")
    # The "Read more" at the end of the summary row is not part of it.
    assert second.summary.endswith("share gap with SK hynix to narrow.")


def test_email_link_around_a_whole_block_links_its_heading(email: ParsedRoundup) -> None:
    court = email.sections[2].headlines[0]
    assert court.url == "https://news.example.org/ai/chatbot-ruling"
    assert court.summary.startswith("The ruling is the first")


def test_email_titles_hold_no_markup(email: ParsedRoundup) -> None:
    for _, title, _ in _headlines(email):
        assert _MARKUP.search(title) is None, title


def test_email_chrome_is_skipped_with_its_reason(email: ParsedRoundup) -> None:
    reasons = _reasons(email)
    assert reasons[13] == "preheader (hidden text)"
    assert reasons[18] == "view in browser"
    assert reasons[20] == "spacer image"
    assert reasons[41] == reasons[43] == "sponsor"
    assert reasons[74] == "share or subscribe"
    assert reasons[77] == reasons[78] == "social links"
    assert {reasons[line] for line in (81, 82, 83, 84)} == {"e-mail footer"}
    assert reasons[89] == "spacer image"  # the open-tracking pixel


def test_email_sponsor_and_footer_text_never_become_headlines(email: ParsedRoundup) -> None:
    titles = " ".join(title for _, title, _ in _headlines(email))
    for junk in ("Nimbus", "Unsubscribe", "Forward", "View this email", "Twitter"):
        assert junk not in titles


def test_html_nested_600_elements_deep_is_read_without_recursion_error() -> None:
    item = '<li><a href="https://news.example.com/{n}">Story number {n} of the week</a></li>'
    page = (
        "<html><body><ul>"
        + item.format(n=1)
        + "<div><table><tr><td>" * 200
        + item.format(n=2)
        + "</td></tr></table></div>" * 200
        + "</ul></body></html>"
    )
    roundup = parse_roundup(page, filename="deep.html")
    assert [h.title for s in roundup.sections for h in s.headlines] == [
        "Story number 1 of the week",
        "Story number 2 of the week",
    ]


def test_hidden_text_is_never_read_as_news() -> None:
    page = """<html><body><span style="display: none !important">Secret preview text</span>
    <ul><li><a href="https://a.example.com/1">A visible story about chips</a></li></ul>
    <div class="preview-text">Another preview</div></body></html>"""
    roundup = parse_roundup(page, filename="mail.html")
    assert [h.title for h in roundup.sections[0].headlines] == ["A visible story about chips"]
    hidden = [s.text for s in roundup.skipped if s.reason == "preheader (hidden text)"]
    assert hidden == ["Secret preview text", "Another preview"]


# --- Markdown with inline HTML --------------------------------------------------------------


def test_inline_anchors_give_clean_titles_links_and_sections(inline: ParsedRoundup) -> None:
    assert inline.format == "markdown"
    assert _headlines(inline) == [
        (
            "AI",
            "Agents in CI: what broke when we let them fix tests",
            "https://blog.example.org/ai/agents-ci",
        ),
        (
            "AI",
            "A new benchmark for code review models",
            "https://news.example.net/llm-code-review",
        ),
        (
            "AI",
            "Release: Toolkit 2.0 ships a plugin API",
            "https://github.com/example/toolkit/releases/tag/v2.0",
        ),
        (
            "AI",
            "Sparse attention that scales to a million tokens",
            "https://research.example.edu/papers/sparse-attention",
        ),
        (
            "Tools",
            "The v5 package manager installs twice as fast",
            "https://pkg.example.io/blog/v5",
        ),
        (
            "Tools",
            "Editor March release adds remote pairing",
            "https://editor.example.com/changelog#2026-03",
        ),
        (
            "More tools this week",
            "A terminal that explains failed commands",
            "https://cli.example.dev/",
        ),
        (
            "More tools this week",
            "Database branching for preview deploys",
            "https://db.example.org/posts/branching",
        ),
        (
            "Security",
            "A browser bug bounty pays a record $250,000",
            "https://security.example.com/bounty-record",
        ),
    ]


def test_an_anchor_split_across_lines_keeps_the_line_it_starts_on(inline: ParsedRoundup) -> None:
    lines = {h.title: h.line_no for s in inline.sections for h in s.headlines}
    assert lines["A new benchmark for code review models"] == 19
    assert lines["Editor March release adds remote pairing"] == 28


def test_a_line_ending_in_br_continues_as_the_summary(inline: ParsedRoundup) -> None:
    ai = inline.sections[1].headlines
    assert ai[0].summary.startswith("One team moved its flaky tests")
    assert ai[2].summary == "Plugins load at start-up and can add commands."
    security = next(s for s in inline.sections if s.title == "Security")
    assert security.headlines[0].summary.startswith("The bug chained three flaws")


def test_comments_badges_and_bare_tags_are_skipped(inline: ParsedRoundup) -> None:
    reasons = _reasons(inline)
    assert [reasons[line] for line in (1, 10, 11, 12, 13)] == ["html comment"] * 5
    assert reasons[2] == reasons[32] == "html markup"
    assert reasons[3] == "image"
    assert reasons[47] == "e-mail footer"
    assert "Not a story yet" not in " ".join(title for _, title, _ in _headlines(inline))


def test_inline_html_titles_hold_no_markup(inline: ParsedRoundup) -> None:
    for _, title, _ in _headlines(inline):
        assert _MARKUP.search(title) is None, title


def test_an_unclosed_anchor_leaves_no_tag_in_the_title() -> None:
    text = '# Links\n\n- <a target="_blank"\nhref="https://x.example.com/a">Story one is here\n'
    roundup = parse_roundup(text, filename="a.md")
    headline = roundup.sections[0].headlines[0]
    assert (headline.title, headline.url) == ("Story one is here", "https://x.example.com/a")


def test_korean_column_with_a_br_line_is_read_as_before() -> None:
    text = "ㆍ삼성전자, HBM4 양산 돌입<br>\nㆍSK하이닉스, 신규 공장 착공\n"
    roundup = parse_roundup(text)
    assert roundup.format == "korean-column"
    assert [h.title for h in roundup.sections[0].headlines] == [
        "삼성전자, HBM4 양산 돌입",
        "SK하이닉스, 신규 공장 착공",
    ]


# --- Links --------------------------------------------------------------------------------


def test_redirect_naming_its_target_is_unwrapped_and_tracking_stripped() -> None:
    url = (
        "https://click.example.net/t?id=1&url=https%3A%2F%2Fnews.example.com%2Fa%3Fid%3D5"
        "%26utm_source%3Dmail"
    )
    assert clean_link(url) == "https://news.example.com/a?id=5"


def test_base64_target_in_the_path_is_unwrapped() -> None:
    encoded = base64.urlsafe_b64encode(b"https://news.example.com/b").decode().rstrip("=")
    assert clean_link(f"https://t.example.net/r/{encoded}/x") == "https://news.example.com/b"


def test_redirect_without_a_recoverable_target_is_kept_as_given() -> None:
    url = "https://links.example.net/ls/click?upn=u001.AbCdEf12345"
    assert clean_link(url) == url


def test_a_referrer_parameter_is_not_taken_for_the_target() -> None:
    url = "https://www.example.com/x.html?guce_referrer=aHR0cHM6Ly93d3cuZXhhbXBsZS5vcmcv"
    assert clean_link(url) == url


def test_tracking_parameters_go_and_the_fragment_stays() -> None:
    assert clean_link("https://a.example.com/p?id=3&utm_source=x&mc_cid=9#part") == (
        "https://a.example.com/p?id=3#part"
    )
