"""Redaction of credentials: by value, in every encoding, and by shape. Pure: no pytest.

:class:`Redactor` knows secret values (from settings, tokens the client obtained, values a step
registers) and masks each wherever it appears: raw; base64 and base64url at byte offsets 0, 1
and 2 (so ``Basic base64(user:password)`` is caught); URL-, JSON- (``\\/`` too) and
HTML-escaped; each line of a multi-line value; and any fragment of 12 or more characters,
since truncated reprs keep a secret's head and tail. It also masks by shape and name, secrets
it was never told about (:mod:`client._shapes`): credential headers, JSON keys and query
parameters named like secrets in any naming convention (:mod:`client._credential_names`), URL
userinfo, ``Bearer``/``Basic`` credentials and JWT-shaped strings. Both passes are linear in
the text. What the shape pass masks under a credential's name is learned, so it is masked by
value from then on (and in the rest of the same text) wherever it shows without its name.
Values of one scenario (``scoped``) are retired when it ends: their fragments are dropped,
their whole forms kept (:mod:`client._retired`), so memory stays flat over a long run.

The replacement is the constant :data:`MASK`, which does not reveal the length. Values shorter
than :data:`MIN_SECRET_LENGTH` are not masked by value (that would mangle ordinary output):
they are reported by name in :attr:`Redactor.warnings` instead. Redaction never raises: if it
fails, the text is withheld.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from typing import Any

from client._credential_names import (
    SENSITIVE_HEADERS,
    could_be_secret,
    is_plural_credential,
    is_sensitive_name,
    words,
)
from client._forms import (
    MIN_SECRET_LENGTH,
    encodings,
    redact_headers,
    redact_json,
    redact_url,
)
from client._retired import RetiredForms
from client._shapes import KNOWN_KEY_PREFIXES, MASK, redact_shapes

FRAGMENT = 12  # a secret's fragments at least this long are masked too

__all__ = [
    "FRAGMENT",
    "KNOWN_KEY_PREFIXES",
    "MASK",
    "MIN_SECRET_LENGTH",
    "SENSITIVE_HEADERS",
    "Redactor",
    "could_be_secret",
    "encodings",
    "is_plural_credential",
    "is_sensitive_name",
    "redact_headers",
    "redact_json",
    "redact_shapes",
    "redact_url",
    "words",
]


_MEMO_TEXT = 200  # characters: longer texts (bodies) are rarely seen twice
_MEMO_SIZE = 4096  # texts per memo before it starts again


class Redactor:
    """Masks known secret values (in every encoding) and secret-shaped text. Thread-safe.

    Known values are matched by sliding a window over the text and looking each window up in a
    set (every 12-character fragment of every encoded form, and the whole of forms shorter
    than that): linear in the text, and independent of how many secrets a long run has
    learned (a token per scenario adds up). Adding a secret never recompiles anything.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, str] = {}  # value -> name
        self._grams: dict[str, int] = {}  # every FRAGMENT-long window of every form: how many
        self._short: dict[int, set[str]] = {}  # forms shorter than FRAGMENT, by length
        self._scoped: set[str] = set()  # learned in the scenario that runs: retired after it
        self._retired: dict[str, str] = {}  # value -> name, masked by whole forms only
        self._retired_forms = RetiredForms(FRAGMENT)
        self.warnings: list[str] = []
        self.enabled = True
        self.generation = 0  # how many values were ever added: a text redacted before is stale
        # short texts already redacted, with and without shape rules (header names and values,
        # statuses, step texts come back on every report): replaced, never cleared in place,
        # when a value is added, so a result computed before cannot land in the new memo
        self._memo: tuple[dict[str, str], dict[str, str]] = ({}, {})

    # -- what is secret ----------------------------------------------------------------------
    def add(self, value: str | None, name: str = "a secret", *, scoped: bool = False) -> None:
        """Register a secret value; ``name`` (never the value) is used in warnings.

        ``scoped``: a value of the scenario that runs (a token it obtained, a value learned
        from its output), retired by :meth:`retire_scoped` when it ends. The first ``add`` of
        a value decides; adding a retired value learns it again, fragments and all."""
        if not value:
            return
        value = str(value)
        if len(value.strip()) < MIN_SECRET_LENGTH:
            self._warn_short(name)
            return
        if value in self._values:  # the common case: the same token on every request
            return
        forms = encodings(value)
        with self._lock:
            if value in self._values:
                return
            if self._retired.pop(value, None) is not None:
                self._retired_forms.discard(forms)
            self._values[value] = name
            if scoped:
                self._scoped.add(value)
            self.generation += 1
            self._index(forms, +1)
            self._memo = ({}, {})

    def _warn_short(self, name: str) -> None:
        message = (
            f"{name} is shorter than {MIN_SECRET_LENGTH} characters: it is not masked by"
            " value (that would mangle ordinary output); use a longer secret"
        )
        with self._lock:
            if message not in self.warnings:
                self.warnings.append(message)

    def _index(self, forms: set[str], change: int) -> None:
        """Count each form's windows in (+1) or out (-1); short forms are kept whole, always."""
        grams = self._grams
        for form in forms:
            if len(form) < FRAGMENT:
                self._short.setdefault(len(form), set()).add(form)
                continue
            for i in range(len(form) - FRAGMENT + 1):
                window = form[i : i + FRAGMENT]
                count = grams.get(window, 0) + change
                if count > 0:
                    grams[window] = count
                else:
                    grams.pop(window, None)

    def retire_scoped(self) -> None:
        """The scenario is over: its values' fragments are forgotten, their whole forms kept
        (:mod:`client._retired`), so memory stays flat however many scenarios sign in. The
        memo of redacted texts is kept when there was nothing to retire: most scenarios learn
        nothing, and the next one's header names and statuses are the same texts."""
        if not self._scoped:
            return
        with self._lock:
            for value in self._scoped:
                forms = encodings(value)
                self._index(forms, -1)
                self._retired[value] = self._values.pop(value)
                self._retired_forms.add(forms)
            self._scoped = set()
            self._memo = ({}, {})

    def add_all(self, values: Iterable[tuple[str, str | None]]) -> None:
        for name, value in values:
            self.add(value, name)

    @property
    def fragments(self) -> int:
        """How many windows of live values are kept (what memory grows with)."""
        return len(self._grams)

    @property
    def knows_values(self) -> bool:
        """Whether any value is masked by value: without one, masking by known values only
        (``shapes=False``) leaves every text as it is."""
        return bool(self._values or self._retired)

    @property
    def known(self) -> int:
        """How many values are masked (retired ones included)."""
        return len(self._values) + len(self._retired)

    # -- masking -----------------------------------------------------------------------------
    def redact(self, text: str, *, shapes: bool = True) -> str:
        """``text`` with every secret masked. Never raises: on failure the text is withheld.

        ``shapes=False`` masks known values only: for markup (HTML, NDJSON) rendered from data
        that was already redacted by shape, where the shape rules would cut through the markup.
        """
        if not self.enabled or not text:
            return text
        memo = self._memo[shapes] if len(text) <= _MEMO_TEXT else None
        if memo is not None and (done := memo.get(text)) is not None:
            return done
        try:
            done = self._redact(text, shapes)
        except Exception:  # noqa: BLE001 - reporting must go on; fail closed
            return "[api-bdd: output withheld, redaction failed]"
        if memo is not None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[text] = done
        return done

    def _redact(self, text: str, shapes: bool = True) -> str:
        if self._values or self._retired:
            text = self._mask_values(text)
        if not shapes:
            return text
        found: list[tuple[str, str]] = []
        text = redact_shapes(text, found)
        if found and self._learn(found):  # the same value without its name, earlier in text
            text = self._mask_values(text)
        return text

    def _learn(self, found: list[tuple[str, str]]) -> bool:
        """Learn the values the shape rules masked under a credential's name, so they are masked
        by value wherever they appear without it (a repr cut short, a trace line). Whatever
        cannot be a secret, or is too short to mask, is left alone. True if one was new."""
        new = False
        for name, value in found:
            if (
                value not in self._values
                and len(value.strip()) >= MIN_SECRET_LENGTH
                and MASK not in value
                and could_be_secret(value)
            ):
                # kept for the run, fragments too: the --debug trace's last pass needs them
                self.add(value, f"a value under the name {name[:40]!r}")
                new = True
        return new

    def _mask_values(self, text: str) -> str:
        """Mask every run of known windows (whole forms, and fragments of truncated reprs)."""
        spans: list[tuple[int, int]] = []
        grams, size, length = self._grams, FRAGMENT, len(text)
        retired = self._retired_forms
        heads = retired.by_head  # whole forms of retired values, by their first window
        i = 0
        while i <= length - size:
            window = text[i : i + size]
            if window in grams:
                end = i + size
                while end < length and text[end - size + 1 : end + 1] in grams:
                    end += 1  # the next window is a secret's too: one run, one mask
                spans.append((i, end))
                i = end
            elif heads and window in heads and (whole := retired.end_at(text, i)) is not None:
                spans.append((i, whole))
                i = whole
            else:
                i += 1
        starts = [start for start, _ in spans]  # sorted: found left to right
        for width, forms in sorted(self._short.items(), reverse=True):
            i = 0
            while i <= length - width:
                if text[i : i + width] in forms and not _inside(spans, starts, i):
                    spans.append((i, i + width))  # after the bisected ones: not searched
                    i += width
                else:
                    i += 1
        if not spans:
            return text
        spans.sort()
        out, position = [], 0
        for start, end in spans:
            if start < position:  # overlaps what is already masked
                position = max(position, end)
                continue
            out.append(text[position:start])
            out.append(MASK)
            position = end
        out.append(text[position:])
        return "".join(out)

    def redact_value(self, value: Any, *, shapes: bool = True) -> Any:
        """Redact every string inside plain data (dicts, lists, tuples), keys included.

        ``shapes=False`` masks known values only: for text a feature's author wrote (step text,
        tables, doc strings), which is shown as written unless it holds a known secret.
        """
        # A scenario's record holds some ninety strings, keys included, most of them seen
        # before (header names, statuses): each is looked up in the memo here, without a call,
        # and numbers and None are passed over without one (issue 19: half the record's cost).
        kind = type(value)
        if kind is str:
            done = self._memo[shapes].get(value)  # read each time: a value learned renews it
            return done if done is not None else self.redact(value, shapes=shapes)
        if kind in _PLAIN:
            return value
        if kind is dict:
            return {self._item(k, shapes): self._item(v, shapes) for k, v in value.items()}
        if kind is list:
            return [self._item(v, shapes) for v in value]
        if isinstance(value, str):  # a str subclass (an enum's value): as a str
            return self.redact(value, shapes=shapes)
        if isinstance(value, dict):
            return {self._item(k, shapes): self._item(v, shapes) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._item(v, shapes) for v in value)
        return value

    def _item(self, value: Any, shapes: bool) -> Any:
        """:meth:`redact_value` of a container's item: a string found in the memo, or a
        number, without a further call."""
        kind = type(value)
        if kind is str:
            done = self._memo[shapes].get(value)
            return done if done is not None else self.redact(value, shapes=shapes)
        if kind in _PLAIN:
            return value
        return self.redact_value(value, shapes=shapes)


_PLAIN = frozenset({int, float, bool, type(None)})  # what redact_value hands back as it is


def _inside(spans: list[tuple[int, int]], starts: list[int], index: int) -> bool:
    """Whether ``index`` falls in one of the first ``len(starts)`` (sorted, disjoint) spans."""
    at = bisect.bisect_right(starts, index) - 1
    return at >= 0 and index < spans[at][1]
