"""Secrets a run no longer expects to see, kept small: whole forms, found by their first window.

A long serial run signs in per scenario and learns a token each time. Every 12-character
fragment of every encoded form of a token (what a repr cut short keeps) is thousands of
strings, about 16 KB a token. Once its scenario is over, a token is *retired*: its fragments
are dropped and only its whole forms are kept here, indexed by their first window, so the
same sliding window that finds fragments finds them (the last pass over a report still masks
them). A retired token that is used again is learned again from the request that carries it,
with its fragments, before anything of that scenario is shown.
"""

from __future__ import annotations

CUT = "…"  # what a value cut short ends with in a report


class RetiredForms:
    """Whole forms of retired secrets, by their first ``width`` characters."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.by_head: dict[str, str | tuple[str, ...]] = {}  # one form, or several (rare)

    def __len__(self) -> int:
        return len(self.by_head)

    def add(self, forms: set[str]) -> None:
        for form in forms:
            if len(form) < self.width:
                continue  # short forms stay among the live ones, which keep them whole
            head = form[: self.width]
            kept = self.by_head.get(head)
            if kept is None:
                self.by_head[head] = form
            else:
                together = (kept,) if isinstance(kept, str) else kept
                if form not in together:
                    self.by_head[head] = (*together, form)

    def discard(self, forms: set[str]) -> None:
        for form in forms:
            head = form[: self.width]
            kept = self.by_head.get(head)
            if kept == form:
                del self.by_head[head]
            elif isinstance(kept, tuple) and form in kept:
                rest = tuple(f for f in kept if f != form)
                self.by_head[head] = rest[0] if len(rest) == 1 else rest

    def end_at(self, text: str, start: int) -> int | None:
        """Where the longest retired form that starts at ``start`` ends, or None."""
        kept = self.by_head.get(text[start : start + self.width])
        if kept is None:
            return None
        candidates = (kept,) if isinstance(kept, str) else kept
        ends = [start + len(f) for f in candidates if text.startswith(f, start)]
        if ends:
            return max(ends)
        # a form cut short where the text (or a value in it) was cut: its head is masked too
        longest = max(len(f) for f in candidates)
        cut = text[start : start + longest + 1].split(CUT, 1)[0]  # bounded: linear in the text
        if (
            len(cut) < longest
            and start + len(cut) < len(text)
            and not text.startswith(CUT, start + len(cut))
        ):
            return None  # neither the end of the text nor a cut: another text that starts alike
        return start + len(cut) if any(f.startswith(cut) for f in candidates) else None
