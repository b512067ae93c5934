"""What a :class:`news.feeds.ports.Fetcher` hands back and raises. Defined in ``news`` so that
the services can use them without importing ``bot`` (``bot.fetch.SafeFetcher`` implements it).
"""

from __future__ import annotations

from dataclasses import dataclass

from news.core.errors import RoundupError


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One HTTP answer after redirects: a 2xx body, or a 304 when the validators still hold."""

    status: int
    url: str  # the final URL, after redirects
    body: bytes  # empty when not_modified
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False
    max_age: int | None = None  # seconds, from Cache-Control: how long the answer stays fresh


class FetchError(RoundupError):
    """A URL could not be fetched; the message says why in words a user can act on."""


class UnsupportedScheme(FetchError):
    def __init__(self) -> None:
        super().__init__("fetch.unsupported_scheme")


class AddressRefused(FetchError):
    def __init__(self, host: str) -> None:
        super().__init__("fetch.address_refused", host=host)
        self.host = host


class TooManyRedirects(FetchError):
    def __init__(self, limit: int) -> None:
        super().__init__("fetch.too_many_redirects", limit=limit)


class ResponseTooLarge(FetchError):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__("fetch.too_large", megabytes=limit_bytes / (1024 * 1024))


class FetchTimeout(FetchError):
    def __init__(self, seconds: float) -> None:
        super().__init__("fetch.timeout", seconds=seconds)


class HttpStatusError(FetchError):
    def __init__(self, status: int, retry_after: int | None = None) -> None:
        super().__init__("fetch.http_status", status=status)
        self.status = status
        # Seconds the server asked to wait (Retry-After, on a 429 or 503), when it did.
        self.retry_after = retry_after


class Unreachable(FetchError):
    def __init__(self, host: str) -> None:
        super().__init__("fetch.unreachable", host=host)
        self.host = host


class BadResponse(FetchError):
    def __init__(self) -> None:
        super().__init__("fetch.bad_response")
