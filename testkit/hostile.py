"""Hypothesis strategies for hostile input, shared by every property test that feeds a command.

What a user (or a script) could type into any option or argument: empty and 10,000-character
strings, control, zero-width and bidirectional characters, Markdown, mentions, script and
private-address URLs, absurd dates, weeks and numbers. Each piece also comes mixed into
ordinary text, so a test sees both the bare attack and the attack inside a real-looking value.

Every hostile property test runs ``HOSTILE_EXAMPLES`` examples per property (default 40, a
few seconds per test). The long version:

    HOSTILE_EXAMPLES=1000 .venv/bin/pytest tests/e2e/test_bot_hostile.py \\
        tests/bot/test_cli_hostile.py -q

Examples are derandomized (the same run every time); a larger count explores further.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "40"))

CONTROL = [chr(code) for code in (*range(0x00, 0x20), 0x7F, 0x85, 0x9B)]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e"]
BIDI = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"]
BIDI += ["\u2066", "\u2067", "\u2068", "\u2069"]
MARKDOWN = ["**", "~~", "||", "`", "```", "__", "*", "_", "\\", "> ", "# ", "-# ", "- "]
MARKDOWN += ["[x](https://example.com)", "[x](javascript:alert(1))", "<https://example.com>"]
MARKDOWN += ["**bold**", "~~gone~~", "||secret||", "`code`", "```py\nx\n```", "[", "](", ")"]
MENTIONS = ["@everyone", "@here", "<@&123>", "<@123>", "<@!123>", "<#123>", "<:e:123>"]
MENTIONS += ["<t:0:R>", "</help:1>", "@\u200beveryone", "＠everyone"]
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://127.0.0.1/",
    "gopher://127.0.0.1:6379/_INFO",
    "vbscript:msgbox(1)",
    "http:",
    "https://",
    "http://",
    "//127.0.0.1/",
]
# Hosts that are loopback, private, link-local, metadata or unspecified however they are
# written. None needs DNS: each is an address literal, or localhost (the hosts file).
PRIVATE_HOSTS = [
    "127.0.0.1",
    "127.0.0.2",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "localhost",
    "LOCALHOST",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]",
    "0.0.0.0",
    "0",
    "[::]",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.1",
    "100.64.0.1",
    "169.254.169.254",
    "[fd00:ec2::254]",
    "[fe80::1]",
    "[fd00::1]",
]
ABSURD_WEEKS = ["0000-W00", "0000-W01", "9999-W99", "9999-W52", "2025-W53", "2026-W00"]
ABSURD_WEEKS += ["2026-W54", "1-W1", "2026-W-1", "２０２６-W４８", "2026-W48x", "-2026-W01"]
ABSURD_WEEKS += ["0001-W01", "2999-W52", "3000-W01", "2026-W 48", "W48", "2026--W48"]
ABSURD_DATES = ["0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "2026-13-01"]
ABSURD_DATES += ["2999-12-31", "1970-01-01", "-0001-01-01", "20261127", "2026-W48-1"]
ABSURD_DATES += ["２０２６-１１-２７", "2026-11-27T25:00", "2026-11-27 ", "+10000-01-01"]
HUGE_NUMBERS = ["0", "-1", "-0", "1e9", "99999999999999999999999999", "-99999999999999999999"]
HUGE_NUMBERS += ["9223372036854775808", "18446744073709551616", "NaN", "inf", "0x10", "1_000"]
# C1 controls, and terminal escape sequences a feed title may carry to a terminal.
C1 = [chr(code) for code in range(0x80, 0xA0)]
ESCAPES = ["\x1b[2J", "\x1b]0;owned\x07", "\x1bc", "\x1b[31m", "\x9b31m", "\x00\x1b"]
# Lone surrogates: no bytes carry them, but a JSON "\ud800" or an XML "&#xD800;" does, and
# they cannot be encoded to store or print. Only in hostile_entering_text: the other
# strategies' values must stay encodable (tests send them as bytes).
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "a\ud800b"]
PIECES = (
    CONTROL + C1 + ESCAPES + ZERO_WIDTH + BIDI + MARKDOWN + MENTIONS + SCRIPT_URLS + ABSURD_WEEKS
)
PIECES += ABSURD_DATES + HUGE_NUMBERS + ["엔비디아", "보안", "MS", "삼성", "'", '"', "%", ":"]


def hostile_settings(examples: int = EXAMPLES) -> settings:
    """Deterministic, deadline-free settings for tests that drive a whole bot per example."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


def hostile_text(min_size: int = 0, max_size: int = 10_000) -> st.SearchStrategy[str]:
    """Any hostile string of ``min_size`` to ``max_size`` characters."""
    long = max(min_size, min(max_size, 10_000))
    bare = st.sampled_from(PIECES)
    mixed = st.lists(st.one_of(bare, st.text(max_size=8)), min_size=1, max_size=12).map("".join)
    repeated = st.builds(lambda piece: (piece * long)[:long], st.sampled_from(PIECES))
    edges = st.sampled_from(["", " ", "\u200b", "\x00", "a" * long, "가" * long])
    anything = st.text(min_size=min_size, max_size=min(max_size, 300))
    return (
        st.one_of(bare, mixed, repeated, edges, anything)
        .map(lambda value: value[:max_size])
        .filter(lambda value: len(value) >= min_size)
    )


def hostile_entering_text(min_size: int = 0, max_size: int = 10_000) -> st.SearchStrategy[str]:
    """What text from feeds, files and pages may hold once decoded or unescaped: every hostile
    string, lone surrogates too, and long runs of them."""
    entering = st.sampled_from(LONE_SURROGATES + ESCAPES + C1)
    mixed = st.lists(st.one_of(entering, hostile_text(0, 40)), min_size=1, max_size=20).map("".join)
    return (
        st.one_of(hostile_text(min_size, max_size), entering, mixed)
        .map(lambda value: value[:max_size])
        .filter(lambda value: len(value) >= min_size)
    )


def cannot_name_a_host(value: str) -> bool:
    """Text that no URL parser reads as naming a host (so fetching it needs no DNS): no
    ``//`` even after the tabs and newlines urlsplit drops."""
    return "//" not in value.replace("\t", "").replace("\r", "").replace("\n", "")


def private_urls(port: int) -> st.SearchStrategy[str]:
    """http(s) URLs of private addresses, some of them at ``port`` on 127.0.0.1's server."""
    return st.builds(
        "{}://{}{}{}{}".format,
        st.sampled_from(["http", "https", "HTTP"]),
        st.sampled_from(["", "user:pass@", "x@"]),
        st.sampled_from(PRIVATE_HOSTS),
        st.sampled_from([f":{port}", f":{port}", "", ":80", ":0"]),
        st.sampled_from(["/", "/feed.xml", "/latest/meta-data/", "/?q=@everyone", ""]),
    )


def hostile_urls(port: int, max_size: int = 2000) -> st.SearchStrategy[str]:
    """What a URL option may receive: private-address and script URLs, or any hostile text
    that names no host."""
    return st.one_of(
        private_urls(port),
        st.sampled_from(SCRIPT_URLS),
        hostile_text(1, max_size).filter(cannot_name_a_host),
    ).filter(lambda value: 1 <= len(value) <= max_size)


def hostile_weeks(max_size: int = 20) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ABSURD_WEEKS), hostile_text(1, max_size))


def hostile_dates(max_size: int = 20) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ABSURD_DATES), hostile_text(1, max_size))


def hostile_numbers() -> st.SearchStrategy[str]:
    """Numbers as text, for arguments parsed from text."""
    return st.one_of(st.sampled_from(HUGE_NUMBERS), st.integers().map(str), hostile_text(0, 30))
