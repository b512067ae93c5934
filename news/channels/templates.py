"""``/feed format`` templates: text with ``{title} {url} {source} {summary} {published}
{companies}``, posted as the message's content instead of the embed.

Every placeholder has a length bound (PLACEHOLDER_LIMITS, the rendered text included), so a
template whose literal text plus the bounds of its placeholders fits TEMPLATE_BUDGET can never
make a message over Discord's 2,000 characters; a longer one is refused when it is set. The
rest of the 2,000 is kept for the "also reported by" line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from news.core.errors import InvalidInput

MESSAGE_LIMIT = 2000
ALSO_LINE_LIMIT = 200  # the "also reported by" line under a templated post, newline included
TEMPLATE_BUDGET = MESSAGE_LIMIT - ALSO_LINE_LIMIT
PLACEHOLDER_LIMITS: dict[str, int] = {
    "title": 300,
    "url": 500,
    "source": 100,
    "summary": 500,
    "published": 40,
    "companies": 200,
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_template(template: str) -> str:
    """The template as stored; InvalidInput naming the problem when it cannot be used."""
    cleaned = template.strip()
    if not cleaned:
        raise InvalidInput("channels.template_empty")
    names = _PLACEHOLDER.findall(cleaned)
    unknown = [name for name in names if name not in PLACEHOLDER_LIMITS]
    if unknown:
        raise InvalidInput(
            "channels.template_unknown",
            name="{" + unknown[0][:40] + "}",
            known=" ".join("{" + name + "}" for name in PLACEHOLDER_LIMITS),
        )
    if not names:
        raise InvalidInput("channels.template_no_placeholder")
    if (longest := longest_render(cleaned)) > TEMPLATE_BUDGET:
        raise InvalidInput("channels.template_too_long", length=longest, limit=TEMPLATE_BUDGET)
    return cleaned


def longest_render(template: str) -> int:
    """The most characters the template can render to."""
    literal = len(_PLACEHOLDER.sub("", template))
    return literal + sum(PLACEHOLDER_LIMITS[name] for name in _PLACEHOLDER.findall(template))


def render_template(template: str, values: Mapping[str, str]) -> str:
    """The template with each placeholder replaced by its value cut to its bound (callers
    pass values already escaped and cut; the cut here only guarantees the bound)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return values.get(name, "")[: PLACEHOLDER_LIMITS.get(name, 0)]

    return _PLACEHOLDER.sub(value, template).strip() or "\u200b"
