"""Transport layer: the pooled, retrying HTTP client and the records of what it exchanged.

Owns the client (pooled session, retry policy, auth schemes, redirects, deadline, redaction of
what it records) and the configuration it runs by: the API profiles (:mod:`client.profiles`,
read from ``api-bdd.toml``) and the environment's credentials and connection settings
(:mod:`client.settings`).

Imports nothing of ours, and never pytest (nor ``steps``, ``reporting`` or ``demo_api``): the
client is usable from any Python program, and the reporting plugin reaches it only through
listeners.
"""

from __future__ import annotations

from client._api import ApiClient, Listener
from client._errors import (
    ApiClientError,
    ApiUnavailableError,
    DeadlineExceededError,
    OutcomeUnknownError,
    ResponseTooLargeError,
    RetryAfterTooLongError,
    TransportError,
)
from client._exchange import Attempt, Exchange, Hop
from client._hops import Credentials
from client._retry import Outcome, RetryBudget, RetryPolicy, Verdict, no_retries, parse_retry_after
from client._session import PooledSession, build_session
from client._timeouts import Timeouts
from client._urls import check_base_url
from client.settings import ApiSettings, SettingsError, load_settings

__all__ = [
    "ApiClient",
    "ApiClientError",
    "ApiSettings",
    "ApiUnavailableError",
    "Attempt",
    "Credentials",
    "DeadlineExceededError",
    "Exchange",
    "Hop",
    "Listener",
    "Outcome",
    "OutcomeUnknownError",
    "PooledSession",
    "ResponseTooLargeError",
    "RetryAfterTooLongError",
    "RetryBudget",
    "RetryPolicy",
    "SettingsError",
    "Timeouts",
    "TransportError",
    "Verdict",
    "build_session",
    "check_base_url",
    "load_settings",
    "no_retries",
    "parse_retry_after",
]
