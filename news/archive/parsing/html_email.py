"""The parts of an HTML e-mail its reader never reads as news: preheader text hidden with
CSS, spacer and tracking images, icon-only social links, the "view in browser" line and the
footer (unsubscribe, why you got this, the sender's address) that closes every mailing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from news.archive.parsing.inline import find_links, plain_text

_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all|max-height\s*:\s*0(?:px)?\s*(?:;|$)"
    r"|(?<![\w-])font-size\s*:\s*0(?:px)?\s*(?:;|$)",
    re.IGNORECASE,
)
_HIDDEN_NAMES = re.compile(r"pre-?header|preview-?text|hidden-?preview", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.IGNORECASE)
_SPACER_SOURCE = re.compile(r"spacer|pixel|blank\.gif|clear\.gif|transparent|1x1|/open\b|/o\.gif")
_SPACER_MAX_PIXELS = 3
_SOCIAL_HOSTS = (
    "twitter.com", "x.com", "facebook.com", "fb.com", "linkedin.com", "instagram.com",
    "youtube.com", "tiktok.com", "threads.net", "bsky.app", "mastodon.social", "pinterest.com",
    "t.me", "discord.gg", "reddit.com", "github.com", "medium.com", "whatsapp.com",
)  # fmt: skip
# "View this email in your browser", "Read online", "웹에서 보기".
_VIEW_ONLINE = re.compile(
    r"(?:view|read|open|see)\b.{0,30}\b(?:in\s+(?:your|a|the)\s+browser|online|web\s*version)"
    r"|(?:trouble|problems?)\s+(?:viewing|reading)|웹\s*(?:에서|브라우저(?:에서|로)?)\s*보기"
    r"|메일이\s*(?:잘\s*)?보이지\s*않",
    re.IGNORECASE,
)
_VIEW_ONLINE_MAX = 160
# The footer: once one of these lines shows up, the rest of the mail is not news.
_FOOTER = re.compile(
    r"\bunsubscribe\b|opt[\s-]?out|manage\s+(?:your\s+)?(?:preferences|subscription)"
    r"|update\s+(?:your\s+)?(?:preferences|profile)|email\s+preferences"
    r"|you\s+(?:are\s+)?(?:receiving|received|got)\s+this|this\s+email\s+was\s+sent\s+to"
    r"|our\s+mailing\s+address|수신\s*거부|구독\s*(?:해지|취소)|수신을?\s*원하지\s*않",
    re.IGNORECASE,
)
_FOOTER_MAX = 400
_SOCIAL_LABELS = frozenset(
    {
        "twitter", "x", "facebook", "linkedin", "instagram", "youtube", "tiktok", "threads",
        "bluesky", "mastodon", "github", "reddit", "discord", "telegram", "rss", "email",
        "follow us", "follow", "connect", "social", "팔로우",
    }
)  # fmt: skip

_VIEW_WORDS = re.compile(r"browser|online|web|trouble|problem|웹|보이지")
_SOCIAL_WORDS = re.compile(
    r"twitter|x\.com|facebook|fb\.com|linkedin|instagram|youtube|tiktok|threads|bsky|bluesky"
    r"|mastodon|pinterest|t\.me|discord|reddit|github|medium|whatsapp|telegram|rss|email|follow"
    r"|connect|social|팔로우"
)
_SHARE_WORDS = re.compile(r"forward|refer|share|friend|공유|추천")
# "Forward it to a friend", "Refer a friend", "Share this newsletter": asking, not news.
_SHARE = re.compile(
    r"\b(?:forward|send)\s+(?:it|this(?:\s+\w+)?)\s+to\s+a\s+(?:friend|colleague)"
    r"|\brefer\s+(?:a\s+)?(?:friend|colleague)s?\b|\bshare\s+(?:this|the|our)\s+(?:newsletter|email|issue)"
    r"|친구에게\s*(?:공유|추천|전달)",
    re.IGNORECASE,
)
_SHARE_MAX = 200
_FOOTER_WORDS = re.compile(r"subscri|opt|prefer|profile|receiv|got this|sent to|mailing|수신|구독")

VIEW_ONLINE = "view in browser"
SHARE = "share or subscribe"
FOOTER = "e-mail footer"
SOCIAL = "social links"


def hides_content(attributes: dict[str, str]) -> bool:
    """An element its reader never sees: hidden by CSS, or named as a preheader."""
    style = attributes.get("style", "")
    names = f"{attributes.get('class', '')} {attributes.get('id', '')}"
    return bool(
        (style and _HIDDEN_STYLE.search(style))
        or (names.strip() and _HIDDEN_NAMES.search(names))
        or "hidden" in attributes
    )


def is_bold(tag: str, attributes: dict[str, str]) -> bool:
    style = attributes.get("style", "")
    return tag in ("b", "strong") or bool(style and _BOLD_STYLE.search(style))


def image_reason(attributes: dict[str, str]) -> str:
    """Why an image alone is skipped: a spacer or tracking pixel, or just an image."""
    sizes = [attributes.get("width", ""), attributes.get("height", "")]
    tiny = any(
        size.strip().rstrip("px").isdigit() and int(size.strip().rstrip("px")) <= _SPACER_MAX_PIXELS
        for size in sizes
    )
    if tiny or _SPACER_SOURCE.search(attributes.get("src", "").lower()):
        return "spacer image"
    return "image"


def is_social_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host.endswith(_SOCIAL_HOSTS)


def link_reason(url: str) -> str:
    """Why a link with nothing but a picture in it is skipped."""
    return SOCIAL if is_social_host(url) else "image link"


def view_online(text: str) -> bool:
    """``View this email in your browser``: the mail's link to its own web copy."""
    return len(text) <= _VIEW_ONLINE_MAX and _VIEW_ONLINE.search(text) is not None


def opens_footer(text: str) -> bool:
    """``Unsubscribe``, ``You are receiving this because …``: the mailing's closing block."""
    return len(text) <= _FOOTER_MAX and _FOOTER.search(text) is not None


def social_labels(labels: list[str], urls: list[str]) -> bool:
    """Every link of a line names or leads to a social network ("Twitter | LinkedIn")."""
    return bool(urls) and all(
        label.strip(" :").lower() in _SOCIAL_LABELS or (is_social_host(url) and not label.strip())
        for label, url in zip(labels, urls, strict=True)
    )


def chrome_reason(text: str, *, footer_allowed: bool) -> str | None:
    """Why a line is a mailing's furniture ("view in browser", social links, the footer's
    first line), or None. ``footer_allowed``: the line is where a footer can be."""
    lowered = text.lower()  # word tests first: most lines are news and pay nothing more
    if _VIEW_WORDS.search(lowered) and view_online(plain_text(text)):
        return VIEW_ONLINE
    if len(text) <= _SHARE_MAX and _SHARE_WORDS.search(lowered) and _SHARE.search(plain_text(text)):
        return SHARE
    if "](" in text and _SOCIAL_WORDS.search(lowered):
        links = [link for link in find_links(text) if not link.is_image]
        if links and social_labels([plain_text(x.text) for x in links], [x.url for x in links]):
            return SOCIAL
    if footer_allowed and _FOOTER_WORDS.search(lowered) and opens_footer(plain_text(text)):
        return FOOTER
    return None
