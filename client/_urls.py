"""Base URLs: only ``http(s)://host[:port][/path]``, never with credentials in them."""

from __future__ import annotations

from urllib.parse import urlsplit


def check_base_url(url: str) -> str:
    """Return ``url`` without a trailing slash, or raise ValueError saying what is wrong.

    Credentials (``user:password@``) are refused: requests would turn them into Basic auth,
    replacing the profile's own, and they would be printed wherever the URL is. The message
    never repeats the URL's userinfo.
    """
    if "://" not in url:
        raise ValueError(f"{url!r} has no scheme: write http://{url.lstrip('/:')} or https://...")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"scheme {parts.scheme!r} is not http or https")
    if "@" in parts.netloc:
        raise ValueError(
            "credentials in the URL (user:password@host) are refused: set them in the"
            " environment variables the profile names"
        )
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host")
    try:
        parts.port  # noqa: B018  # raises ValueError for a port out of range or not a number
    except ValueError:
        raise ValueError(f"{url!r} has an invalid port") from None
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} has a query or fragment: a base URL is scheme, host, path")
    return url.rstrip("/")
