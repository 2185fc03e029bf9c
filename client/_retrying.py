"""The retry loop: tenacity driven by a :class:`~client.RetryPolicy`, recording every attempt.

tenacity supplies the loop; the policy supplies its three parts: ``retry`` (the verdict on each
outcome), ``wait`` (Retry-After or jittered backoff) and ``stop`` (attempts, the Retry-After cap,
the request deadline, the run-wide budget). Every attempt becomes an :class:`~client.Attempt`
with its outcome, the reason it was retried and the wait after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import requests
import tenacity

from client._errors import (
    ApiClientError,
    ApiUnavailableError,
    DeadlineExceededError,
    OutcomeUnknownError,
    RetryAfterTooLongError,
    TransportError,
)
from client._exchange import Attempt, Exchange, Hop
from client._retry import IDEMPOTENT_METHODS, Outcome, RetryPolicy, Verdict, parse_retry_after
from client.redaction import redact_url


@dataclass
class Received:
    """A complete answer: the final response, its body, the redirects before it (each hop as
    sent) and the final hop's request as sent."""

    response: requests.Response
    body: bytes
    redirects: tuple[Hop, ...] = ()
    sent: requests.PreparedRequest | None = None


class AttemptFailed(Exception):
    """One attempt got no usable response (internal: becomes a TransportError or a retry)."""

    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome


class _GaveUp:
    """tenacity's stop fired (its ``retry_error_callback``); the state holds the last attempt."""

    def __init__(self, state: tenacity.RetryCallState) -> None:
        self.state = state


Attempter = Callable[[requests.PreparedRequest, "float | None"], Received]


class RetryRun:
    """One logical request: its attempts, under one policy and one deadline."""

    def __init__(
        self,
        attempt: Attempter,
        prepared: requests.PreparedRequest,
        policy: RetryPolicy,
        deadline_seconds: float | None,
    ) -> None:
        self._attempt = attempt
        self.prepared = prepared
        self.policy = policy
        self.method = (prepared.method or "GET").upper()
        self.url = prepared.url or ""
        key = policy.idempotency_key
        self.keyed = key is not None and key in prepared.headers
        self.started_at = time.time()
        self.start = time.monotonic()
        self.deadline_seconds = deadline_seconds
        self.deadline = None if deadline_seconds is None else self.start + deadline_seconds
        self.attempts: list[Attempt] = []
        self.credentials: frozenset[str] = frozenset()  # header names the auth layer added
        self.credential_params: frozenset[str] = frozenset()  # and query parameters
        self.paid = 0
        self._verdict = Verdict(False, "")
        self._from_retry_after = False
        self._asked: float | None = None
        self._stopped_by = ""
        self.exhausted = False  # stop fired on a transient answer, which stands as the result

    @property
    def outcome_unknown(self) -> bool:
        """A request that is not safe to repeat had an attempt sent without a known outcome."""
        return self.method not in IDEMPOTENT_METHODS and any(
            a.outcome_unknown for a in self.attempts
        )

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> Received:
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(self._should_retry_exception)
            | tenacity.retry_if_result(self._should_retry_result),
            wait=self._wait,
            stop=self._stop,
            sleep=self.policy.sleep,
            before_sleep=self._before_sleep,
            retry_error_callback=_GaveUp,
        )
        try:
            result = retrying(self._one)
        except AttemptFailed as failed:  # the policy would not retry it
            raise self.not_retried(failed) from None
        except ApiClientError as err:  # a body past the deadline or the size limit
            raise self._unless_outcome_unknown(err) from None
        if isinstance(result, _GaveUp):
            try:
                return self._give_up(result.state)
            except ApiClientError as err:
                raise self._unless_outcome_unknown(err) from None
        if self.policy.budget is not None:
            self.policy.budget.succeeded(self.paid)
        return result

    def _one(self) -> Received:
        number, began = len(self.attempts) + 1, time.monotonic()
        try:
            received = self._attempt(self.prepared, self.deadline)
        except AttemptFailed as failed:
            self._record(number, failed.outcome, began)
            raise
        except ApiClientError as err:
            kind = "deadline" if isinstance(err, DeadlineExceededError) else "too-large"
            self._record(number, Outcome(kind), began)
            raise
        self._record(number, _status_outcome(received.response), began)
        return received

    def _record(self, number: int, outcome: Outcome, began: float) -> None:
        elapsed = time.monotonic() - began
        self.attempts.append(
            Attempt(number, outcome.label, elapsed, outcome_unknown=outcome.outcome_unknown)
        )

    # -- what to retry -----------------------------------------------------------------------
    def _judge(self, outcome: Outcome) -> bool:
        self._verdict = self.policy.verdict(self.method, self.keyed, outcome)
        return self._verdict.retry

    def _should_retry_exception(self, err: BaseException) -> bool:
        return isinstance(err, AttemptFailed) and self._judge(err.outcome)

    def _should_retry_result(self, received: Received) -> bool:
        return self._judge(_status_outcome(received.response))

    # -- how long to wait --------------------------------------------------------------------
    def _wait(self, state: tenacity.RetryCallState) -> float:
        outcome = _outcome_of_state(state)
        self._asked = parse_retry_after(outcome.retry_after)
        seconds, self._from_retry_after = self.policy.delay(state.attempt_number, outcome)
        return seconds

    # -- when to stop ------------------------------------------------------------------------
    def _stop(self, state: tenacity.RetryCallState) -> bool:
        wait = state.upcoming_sleep
        if state.attempt_number >= self.policy.max_attempts:
            self._stopped_by = "attempts"
        elif self._from_retry_after and wait > self.policy.retry_after_cap:
            self._stopped_by = "retry-after"
        elif self.deadline is not None and time.monotonic() + wait >= self.deadline:
            self._stopped_by = "deadline"
        elif self.policy.budget is not None:
            paid = self.policy.budget.acquire(_outcome_of_state(state))
            if paid is None:
                self._stopped_by = "budget"
            else:
                self.paid += paid
        return bool(self._stopped_by)

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        last = self.attempts[-1]
        self.attempts[-1] = replace(
            last, wait=state.upcoming_sleep, reason=self._verdict.reason, retry_after=self._asked
        )

    # -- the end -----------------------------------------------------------------------------
    def _give_up(self, state: tenacity.RetryCallState) -> Received:
        """A retryable outcome, but stop fired: the last response stands, or an error explains."""
        outcome = _outcome_of_state(state)
        where = f"{self.method} {redact_url(self.url)}"
        tried = f"{len(self.attempts)} attempt{'s' if len(self.attempts) > 1 else ''}"
        if self._stopped_by == "retry-after":
            asked = state.upcoming_sleep
            raise RetryAfterTooLongError(
                f"{where}: the server answered {outcome.label} and asked to wait {asked:.0f} s"
                f" (Retry-After: {outcome.retry_after}), more than the"
                f" {self.policy.retry_after_cap:g} s cap",
                method=self.method,
                url=self.url,
            )
        if self._stopped_by == "budget":
            raise ApiUnavailableError(
                f"{where}: the API looks down: {outcome.label} and too many recent failures;"
                " retrying stopped for this run (retry budget spent)",
                method=self.method,
                url=self.url,
            )
        failed = state.outcome is not None and state.outcome.failed
        past_deadline = self.deadline is not None and time.monotonic() >= self.deadline
        if failed and (self._stopped_by == "deadline" or past_deadline):
            raise DeadlineExceededError(
                f"{where}: no complete response within the {self.deadline_seconds} s request"
                f" deadline after {tried} (last: {outcome.label})",
                method=self.method,
                url=self.url,
            )
        if state.outcome is not None and state.outcome.failed:
            err = state.outcome.exception()
            raise TransportError(
                f"{where} failed after {tried}: {err}", method=self.method, url=self.url
            )
        assert state.outcome is not None
        received: Received = state.outcome.result()
        self.exhausted = True
        return received  # a 503 after the last attempt: the step sees the 503, and the retries

    def not_retried(self, failed: AttemptFailed) -> ApiClientError:
        """The error for a failure that the policy would not retry."""
        where = f"{self.method} {redact_url(self.url)}"
        earlier_outcome_unknown = any(a.outcome_unknown for a in self.attempts[:-1])
        if failed.outcome.answer_lost and not earlier_outcome_unknown:
            return OutcomeUnknownError(
                f"{self.method} {_path_of(self.url)}: the answer was lost after the request was"
                f" sent; it may have been applied ({self._why_not_retried()})",
                method=self.method,
                url=self.url,
            )
        error = TransportError(f"{where} failed: {failed}", method=self.method, url=self.url)
        return self._unless_outcome_unknown(error)

    def _why_not_retried(self) -> str:
        if self.policy.idempotency_key is None:
            return "the API does not declare an idempotency key, so it was not retried"
        return f"it carried no {self.policy.idempotency_key} header, so it was not retried"

    def _unless_outcome_unknown(self, err: ApiClientError) -> ApiClientError:
        """``err``, or an :class:`OutcomeUnknownError` saying so once an attempt was lost.

        Whatever later attempts saw (refused: the server died; the budget; the deadline), a
        request that is not safe to repeat and was sent once without a known outcome may have
        been applied, and the error must say so.
        """
        first = next((a for a in self.attempts if a.outcome_unknown), None)
        if not self.outcome_unknown or isinstance(err, OutcomeUnknownError) or first is None:
            return err
        where = f"{self.method} {redact_url(self.url)}"
        then = str(err).removeprefix(where).lstrip(": ")
        if first is self.attempts[-1]:
            pass  # the attempt that just failed is the lost one: its own words say enough
        elif first.outcome.isdigit():
            then = f"attempt {first.number} got {first.outcome} from a gateway; then {then}"
        else:
            then = (
                f"attempt {first.number} was sent and its answer lost ({first.outcome});"
                f" then {then}"
            )
        return OutcomeUnknownError(
            f"{where}: outcome unknown, the request may have been applied: {then}",
            method=self.method,
            url=self.url,
        )

    # -- records -----------------------------------------------------------------------------
    def exchange(self, received: Received) -> Exchange:
        response = received.response
        last_outcome_unknown = bool(self.attempts) and self.attempts[-1].outcome_unknown
        exchange = Exchange(
            method=self.method,
            url=self.url,
            request_headers=dict(self.prepared.headers),
            request_body=_as_bytes(self.prepared.body),
            status=response.status_code,
            reason=response.reason or "",
            headers=_readable(response.headers),
            body=received.body,
            started_at=self.started_at,
            elapsed=time.monotonic() - self.start,
            attempts=tuple(self.attempts),
            retries_exhausted=self.exhausted,
            outcome_unknown=self.outcome_unknown and (self.exhausted or last_outcome_unknown),
            hops=_hops(received),
            credentials=self.credentials,
            credential_params=self.credential_params,
        )
        if exchange.applied_by_earlier_attempt:
            exchange = replace(exchange, attempts=self._explain_gone(exchange))
        return exchange

    def _explain_gone(self, exchange: Exchange) -> tuple[Attempt, ...]:
        """The attempts, the last one saying why its 404 means the DELETE was applied."""
        *before, last = exchange.attempts
        earlier = next(a for a in before if a.outcome_unknown)
        reason = (
            f"{last.outcome} after attempt {earlier.number} ({earlier.outcome}) was sent without a"
            " known outcome: most likely that attempt deleted it; counted as applied"
        )
        return (*before, replace(last, reason=reason))

    def failed_exchange(self, error: str, *, outcome_unknown: bool = False) -> Exchange:
        """The record of a request that got no usable response (status 0)."""
        return Exchange(
            method=self.method,
            url=self.url,
            request_headers=dict(self.prepared.headers),
            request_body=_as_bytes(self.prepared.body),
            status=0,
            reason="",
            headers={},
            body=b"",
            started_at=self.started_at,
            elapsed=time.monotonic() - self.start,
            attempts=tuple(self.attempts),
            error=error,
            outcome_unknown=outcome_unknown,
            credentials=self.credentials,
            credential_params=self.credential_params,
        )


def _status_outcome(response: requests.Response) -> Outcome:
    return Outcome("status", response.status_code, response.headers.get("Retry-After"))


def _outcome_of_state(state: tenacity.RetryCallState) -> Outcome:
    assert state.outcome is not None
    if state.outcome.failed:
        err = state.outcome.exception()
        assert isinstance(err, AttemptFailed)
        return err.outcome
    received: Received = state.outcome.result()
    return _status_outcome(received.response)


def _readable(headers: Mapping[str, str]) -> dict[str, str]:
    """Header values as the server meant them: http.client decodes every byte as Latin-1, so
    a UTF-8 value (``José``) would read ``JosÃ©``; one that is valid UTF-8 is decoded as such."""
    readable = {}
    for name, value in headers.items():
        try:
            readable[name] = value.encode("latin-1").decode("utf-8")
        except UnicodeError:
            readable[name] = value
    return readable


def _hops(received: Received) -> tuple[Hop, ...]:
    """Every hop of a redirected request, the last with the final status; none without one."""
    sent = received.sent
    if not received.redirects or sent is None:
        return ()
    last = Hop(
        method=sent.method or "GET",
        url=sent.url or "",
        status=received.response.status_code,
        request_headers=dict(sent.headers),
        request_body=_as_bytes(sent.body),
    )
    return (*received.redirects, last)


def _path_of(url: str) -> str:
    """The path and (redacted) query of ``url``: what a one-line message needs to say which."""
    parts = urlsplit(redact_url(url))
    return parts.path + (f"?{parts.query}" if parts.query else "") or "/"


def _as_bytes(body: bytes | str | None) -> bytes | None:
    return body.encode() if isinstance(body, str) else body
