"""Debian's Chromium, driven by Playwright, as the browser tests and benches launch it."""

from __future__ import annotations

import shutil

from playwright.sync_api import Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root on a closed network: no sandbox, no GPU, no background traffic, no first-run work.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Watched:
    """What a page did while a test used it: console errors and uncaught exceptions, and every
    URL it requested (a self-contained page requests nothing but ``file:``)."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def outside(self) -> list[str]:
        """The requests that left the file the page came from."""
        return [url for url in self.requests if not url.startswith("file:")]
