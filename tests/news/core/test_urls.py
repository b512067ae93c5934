import pytest

from news.core.urls import canonical_url


def test_tracking_parameters_and_fragment_are_removed() -> None:
    url = "https://Example.com/a?id=3&utm_source=x&fbclid=y#xtor=RSS-1"
    assert canonical_url(url) == "https://example.com/a?id=3"


def test_default_port_is_dropped_and_other_ports_kept() -> None:
    assert canonical_url("http://example.com:80/x") == "http://example.com/x"
    assert canonical_url("http://example.com:8080/x") == "http://example.com:8080/x"


def test_ipv6_literal_keeps_its_brackets() -> None:
    assert canonical_url("http://[::1]:8080/feed") == "http://[::1]:8080/feed"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.com/x", "not a url", "http://"]
)
def test_non_web_urls_have_no_canonical_form(url: str) -> None:
    assert canonical_url(url) is None
