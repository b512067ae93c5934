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
        super().__init__(
            "Only http:// and https:// addresses can be fetched.",
            ko="http:// 또는 https:// 주소만 가져올 수 있습니다.",
        )


class AddressRefused(FetchError):
    def __init__(self, host: str) -> None:
        super().__init__(
            f"Refused: {host} points to a private, local or reserved network address; "
            "the bot only fetches public web addresses.",
            ko=f"거부됨: {host}은(는) 사설·로컬·예약 네트워크 주소를 가리킵니다. "
            "공개된 웹 주소만 가져올 수 있습니다.",
        )
        self.host = host


class TooManyRedirects(FetchError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The address redirected more than {limit} times.",
            ko=f"주소가 {limit}번 넘게 다른 곳으로 넘겨졌습니다.",
        )


class ResponseTooLarge(FetchError):
    def __init__(self, limit_bytes: int) -> None:
        megabytes = limit_bytes / (1024 * 1024)
        super().__init__(
            f"The answer is larger than {megabytes:g} MB.",
            ko=f"응답이 {megabytes:g} MB보다 큽니다.",
        )


class FetchTimeout(FetchError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The site did not answer within {seconds:g} seconds.",
            ko=f"사이트가 {seconds:g}초 안에 응답하지 않았습니다.",
        )


class HttpStatusError(FetchError):
    def __init__(self, status: int) -> None:
        super().__init__(
            f"The site answered with HTTP status {status}.",
            ko=f"사이트가 HTTP 상태 {status}(으)로 응답했습니다.",
        )
        self.status = status


class Unreachable(FetchError):
    def __init__(self, host: str) -> None:
        super().__init__(
            f"Could not connect to {host}.",
            ko=f"{host}에 연결할 수 없습니다.",
        )
        self.host = host


class BadResponse(FetchError):
    def __init__(self) -> None:
        super().__init__(
            "The site sent an answer that could not be read.",
            ko="사이트가 읽을 수 없는 응답을 보냈습니다.",
        )
