"""Canonical URLs: one headline per story however many links point at it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say who sent the reader, never which page it is.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
_TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mkt_tok", "ref_src", "xtor"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Lower-case scheme and host, no port, userinfo, query or fragment: nothing to change.
_ALREADY_CANONICAL = re.compile(r"https?://[a-z0-9.-]+/[^?#\s]*")


def canonical_url(url: str) -> str | None:
    """The URL without tracking parameters, fragment or default port; None when not http(s)."""
    if _ALREADY_CANONICAL.fullmatch(url):
        return url  # the common case, spared the full parse (imports see thousands)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, True) if not _is_tracking(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)
