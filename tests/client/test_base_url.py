"""``check_base_url``: only ``http(s)://host[:port][/path]``, anything else in one line."""

from __future__ import annotations

import pytest

from client import ApiClient, check_base_url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("htp://x", "base URL 'htp://x': the scheme must be http or https, not 'htp'"),
        ("ftp://x", "base URL 'ftp://x': the scheme must be http or https, not 'ftp'"),
        ("http//x", "base URL 'http//x' has a malformed scheme: did you mean 'http://x'?"),
        ("https:/x", "base URL 'https:/x' has a malformed scheme: did you mean 'https://x'?"),
        (
            "shop.example.test:8000",
            "base URL 'shop.example.test:8000' has no scheme: write http://shop.example.test:8000"
            " or https://shop.example.test:8000",
        ),
        ("http://", "base URL 'http://' has no host: give http://host[:port][/path]"),
        ("http://:8000", "base URL 'http://:8000' has no host: give http://host[:port][/path]"),
        (
            "http://x:eighty",
            "base URL 'http://x:eighty': the port must be a number from 1 to 65535, not 'eighty'",
        ),
        (
            "http://x:70000",
            "base URL 'http://x:70000': the port must be a number from 1 to 65535, not '70000'",
        ),
        ("http://x y", "base URL 'http://x y': 'x y' is not a valid host name"),
        ("", "base URL is empty: give http://host[:port][/path]"),
        (
            "http://x/?api_key=k-secret",
            "base URL 'http://x/' must not have a query string: give http://host[:port][/path]",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_a_bad_base_url_is_one_line_saying_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ValueError, match="base URL") as caught:
        check_base_url(url)
    assert str(caught.value) == says
    assert "\n" not in str(caught.value)
    assert "k-secret" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://alice:pw-s3cret-value@shop.example.test",
        "https://alice:pw-s3cret-value@shop.example.test:8443/api",
        "alice:pw-s3cret-value@shop.example.test",
        "http//alice:pw-s3cret-value@shop.example.test",
        "http://token-only-pw-s3cret-value@shop.example.test",
    ],
)
def test_credentials_in_the_base_url_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(ValueError, match="must not contain credentials") as caught:
        check_base_url(url)
    message = str(caught.value)
    assert message.startswith("base URL must not contain credentials")
    assert "credentials belong in the environment" in message
    assert "pw-s3cret-value" not in message
    assert "alice" not in message


@pytest.mark.parametrize(
    ("url", "checked"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("HTTPS://shop.example.test/api/v1/", "https://shop.example.test/api/v1"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://shop_api:80/", "http://shop_api:80"),
        (" http://localhost ", "http://localhost"),
    ],
)
def test_a_good_base_url_is_returned_normalised(url: str, checked: str) -> None:
    assert check_base_url(url) == checked


def test_the_client_checks_its_base_url() -> None:
    with pytest.raises(ValueError, match="credentials"):
        ApiClient("http://alice:pw-s3cret-value@127.0.0.1:8000")
