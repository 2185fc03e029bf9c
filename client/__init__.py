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

from typing import TYPE_CHECKING

from client._lazy import lazy_names

if TYPE_CHECKING:
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
    from client._retry import (
        Outcome,
        RetryBudget,
        RetryPolicy,
        Verdict,
        no_retries,
        parse_retry_after,
    )
    from client._session import PooledSession, build_session
    from client._timeouts import Timeouts
    from client._urls import check_base_url
    from client.settings import ApiSettings, SettingsError, load_settings

# Where each name lives. A name loads its module on first use (PEP 562), so a process that only
# reads the settings or redacts (an xdist controller) never imports requests, urllib3 and
# tenacity, and one that never sends a request imports them when its first client is built.
_WHERE = {
    "ApiClient": "client._api",
    "Listener": "client._api",
    "ApiClientError": "client._errors",
    "ApiUnavailableError": "client._errors",
    "DeadlineExceededError": "client._errors",
    "OutcomeUnknownError": "client._errors",
    "ResponseTooLargeError": "client._errors",
    "RetryAfterTooLongError": "client._errors",
    "TransportError": "client._errors",
    "Attempt": "client._exchange",
    "Exchange": "client._exchange",
    "Hop": "client._exchange",
    "Credentials": "client._hops",
    "Outcome": "client._retry",
    "RetryBudget": "client._retry",
    "RetryPolicy": "client._retry",
    "Verdict": "client._retry",
    "no_retries": "client._retry",
    "parse_retry_after": "client._retry",
    "PooledSession": "client._session",
    "build_session": "client._session",
    "Timeouts": "client._timeouts",
    "check_base_url": "client._urls",
    "ApiSettings": "client.settings",
    "SettingsError": "client.settings",
    "load_settings": "client.settings",
}


__getattr__ = lazy_names(globals(), _WHERE)


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
