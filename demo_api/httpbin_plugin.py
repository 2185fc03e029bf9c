"""httpbin (PyPI), an HTTP API nobody here wrote, as an embedded API for the example suite.

Answers ``pytest_api_bdd_start_api`` for the name ``httpbin``: serves httpbin's WSGI app with
werkzeug's threaded server on 127.0.0.1, port 0, once per worker. Its Basic auth endpoint
(``/basic-auth/USER/PASSWORD``) accepts whatever pair the path names, so the run generates a
password and hands it back as ``HTTPBIN_PASSWORD`` (the user is ``demo-user``).
"""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

USER = "demo-user"


class EmbeddedHttpbin:
    def __init__(self, server: BaseWSGIServer, password: str) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"
        self.credentials = {"HTTPBIN_USER": USER, "HTTPBIN_PASSWORD": password}
        self.thread = threading.Thread(target=server.serve_forever, name="httpbin", daemon=True)
        self.thread.start()

    def stats(self) -> dict[str, Any]:
        return {}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def pytest_api_bdd_embedded_apis() -> list[str]:
    return ["httpbin"]


def pytest_api_bdd_start_api(
    config: pytest.Config, name: str, workdir: Path, worker: int, client_timeout: float
) -> EmbeddedHttpbin | None:
    if name != "httpbin":
        return None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log in the test output
    logging.getLogger("httpbin").setLevel(logging.ERROR)  # nor its note that flasgger is absent
    from httpbin import app  # imported only when asked for: it logs a warning when loaded
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    return EmbeddedHttpbin(server, secrets.token_urlsafe(24))
