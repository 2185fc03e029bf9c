"""Records of what the client sent and received.

An :class:`Exchange` is one logical request: the final response plus every :class:`Attempt`
that led to it (one when nothing was retried). Records hold the raw data; their ``repr`` shows
method, redacted URL and status only, so a record printed in a traceback leaks nothing, and
:meth:`Exchange.to_dict` gives a JSON-safe, header-redacted view for reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from client.redaction import MASK, redact_headers, redact_url

# What a DELETE of something already deleted answers.
GONE = frozenset({404, 410})


@dataclass(frozen=True)
class Attempt:
    """One try at sending a request.

    ``outcome`` is the status code as text (``"503"``) or the failure kind
    (``"connect-error"``, ``"reset-before-response"``, ``"read-timeout"``, ``"deadline"``...);
    ``wait`` is the pause after it (0 for the last one); ``reason`` why it was retried, or, on
    the last attempt, what its outcome means when earlier attempts change it (a DELETE's 404
    after a lost attempt); ``retry_after`` the seconds the server asked for with
    ``Retry-After``, when it did. ``outcome_unknown``: this attempt was sent and nothing says
    whether the API applied it (a reset or timeout after sending, a cut body, a gateway's
    502/504).
    """

    number: int
    outcome: str
    elapsed: float
    wait: float = 0.0
    reason: str = ""
    retry_after: float | None = None
    outcome_unknown: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "outcome": self.outcome,
            "elapsed": round(self.elapsed, 6),
            "wait": round(self.wait, 6),
            "reason": self.reason,
            "retry_after": self.retry_after,
            "outcome_unknown": self.outcome_unknown,
        }


@dataclass(frozen=True)
class Hop:
    """One request of a redirect chain, as it was sent, and the status it got.

    ``location``: where a redirect pointed (``""`` for the last hop). A 302 after a POST shows
    as a POST hop then a GET hop, each under its own URL and with its own headers.
    """

    method: str
    url: str
    status: int
    request_headers: Mapping[str, str] = field(repr=False)
    request_body: bytes | None = field(default=None, repr=False)
    location: str = ""

    def to_dict(
        self, credentials: frozenset[str] = frozenset(), params: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": mask_params(redact_url(self.url), params),
            "status": self.status,
            "location": redact_url(self.location) if self.location else "",
            "request_headers": _redacted(self.request_headers, credentials),
        }


def mask_params(url: str, names: frozenset[str]) -> str:
    """``url`` with the values of the query parameters ``names`` masked."""
    if not names or "?" not in url:
        return url
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, MASK if k in names else v) for k, v in pairs], safe="*")
    return urlunsplit(parts._replace(query=query))


def _redacted(headers: Mapping[str, str], credentials: frozenset[str]) -> dict[str, str]:
    """Headers masked by name, and by provenance: whatever the auth layer added."""
    masked = redact_headers(headers)
    return {k: (MASK if k.lower() in credentials else v) for k, v in masked.items()}


@dataclass(frozen=True, repr=False)
class Exchange:
    """A request and its final response, with every attempt that led to it.

    What the attempts mean for the outcome, for steps and clean-up to act on:

    ``retried``
        More than one attempt was made.
    ``recovered``
        Retried, and the last attempt ended the retrying with an answer that needed no retry:
        the retries made it pass. ``False`` when every attempt failed.
    ``retries_exhausted``
        Retrying stopped (attempts or deadline) on an answer the policy would have retried:
        ``status`` is the last of the failures (a 503 after 5 attempts), not a success. Also
        ``True`` for a request sent with retries off whose one answer was such a failure.
    ``outcome_unknown``
        A request that is not idempotent (POST, PATCH) had an attempt sent without a known
        outcome (lost answer, 502/504) and no later attempt settled it: the API may have
        applied it. Always ``True`` on the record of a request that raised
        :class:`~client.OutcomeUnknownError`; clean-up should warn that it may have created
        something it cannot remove.
    ``applied_by_earlier_attempt``
        A DELETE answered 404 or 410 on a retry after an earlier attempt was sent without a
        known outcome: that attempt most likely deleted it, so the DELETE counts as done.
        (An API that honours ``Idempotency-Key`` replays the first answer instead.) The last
        attempt's ``reason`` says so in the evidence.
    ``error``
        Why there is no response (``status`` 0), redacted like every message.

    ``method``, ``url``, ``request_headers`` and ``request_body`` are the request as the step
    sent it (its first hop); ``hops`` every request of a redirect chain as sent, the last one's
    status being ``status`` (empty when there was no redirect). ``credentials``: the names
    (lower case) of the headers the auth layer added, masked in every view whatever their name;
    ``credential_params``: the query parameters it added, likewise.
    """

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes | None
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    started_at: float
    elapsed: float
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)
    error: str = ""
    retries_exhausted: bool = False
    outcome_unknown: bool = False
    hops: tuple[Hop, ...] = field(default_factory=tuple)
    credentials: frozenset[str] = frozenset()
    credential_params: frozenset[str] = frozenset()

    @property
    def retried(self) -> bool:
        return len(self.attempts) > 1

    @property
    def recovered(self) -> bool:
        return self.retried and self.status != 0 and not self.retries_exhausted

    @property
    def applied_by_earlier_attempt(self) -> bool:
        return (
            self.method == "DELETE"
            and self.status in GONE
            and any(a.outcome_unknown for a in self.attempts[:-1])
        )

    @property
    def note(self) -> str:
        """What the attempts change about reading ``status``, in words; ``""`` when nothing.

        For failure messages (``expected 201, got 503: <note>``) and clean-up warnings.
        """
        if self.applied_by_earlier_attempt:
            return self.attempts[-1].reason
        if self.outcome_unknown:
            return (
                "outcome unknown, the request may have been applied: an attempt was sent and"
                " its outcome is not known"
            )
        if self.retries_exhausted and self.retried:
            return f"every one of {len(self.attempts)} attempts failed"
        return ""

    @property
    def waited(self) -> float:
        return sum(a.wait for a in self.attempts)

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` naming the request when it is not)."""
        try:
            return json.loads(self.body)
        except RecursionError:  # nested deeper than the parser goes: not JSON a test can read
            raise ValueError(
                f"{self.describe()}: response body is JSON nested too deeply to read"
            ) from None
        except ValueError as err:
            raise ValueError(
                f"{self.describe()}: response body is not JSON"
                f" (content-type {self.content_type or 'missing'}): {err}"
            ) from None

    def describe(self) -> str:
        """``POST http://127.0.0.1:8000/orders -> 201``, URL redacted."""
        return f"{self.method} {redact_url(self.url)} -> {self.status or 'no response'}"

    def __repr__(self) -> str:
        tries = f", {len(self.attempts)} attempts" if self.retried else ""
        return f"<Exchange {self.describe()}{tries}>"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe and header-redacted; bodies as text (secret values are the Redactor's job)."""
        return {
            "method": self.method,
            "url": mask_params(redact_url(self.url), self.credential_params),
            "status": self.status,
            "reason": self.reason,
            "request_headers": _redacted(self.request_headers, self.credentials),
            "request_body": None
            if self.request_body is None
            else self.request_body.decode("utf-8", errors="replace"),
            "response_headers": redact_headers(self.headers),
            "response_body": self.text,
            "started_at": self.started_at,
            "elapsed": round(self.elapsed, 6),
            "attempts": [a.to_dict() for a in self.attempts],
            "error": self.error,
            "recovered": self.recovered,
            "retries_exhausted": self.retries_exhausted,
            "outcome_unknown": self.outcome_unknown,
            "applied_by_earlier_attempt": self.applied_by_earlier_attempt,
            "note": self.note,
            "hops": [hop.to_dict(self.credentials, self.credential_params) for hop in self.hops],
        }
