"""What tests print with capturing off (``-s``, ``--capture=no``), redacted on its way out.

With capturing off, a test's ``print`` goes straight to the terminal and no report carries
it. While the session runs, ``sys.stdout`` and ``sys.stderr`` are replaced by streams that
hold each line until it is complete (a secret printed in pieces, ``print("token:", token)``,
is masked whole), redact it and write it to the stream they replaced; ``flush`` writes out
what is held. pytest's own terminal output keeps the stream it was given at start-up.
``--capture=tee-sys`` is not covered: pytest swaps its own streams in around every test.
No pytest import.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from client.redaction import Redactor


class RedactingStream:
    """A text stream that redacts each complete line, then writes it to ``target``."""

    def __init__(self, target: TextIO, redactor: Redactor) -> None:
        self.target = target
        self.redactor = redactor
        self._held = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            held = self._held + text
            complete, newline, rest = held.rpartition("\n")
            self._held = rest
            if newline:
                self.target.write(self.redactor.redact(complete + newline))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            held, self._held = self._held, ""
            if held:
                self.target.write(self.redactor.redact(held))
        self.target.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno...: the target's
        return getattr(self.target, name)


class UncapturedOutput:
    """Puts redacting streams in place of ``sys.stdout``/``sys.stderr``, and back."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.replaced: list[tuple[str, TextIO, RedactingStream]] = []

    def install(self) -> None:
        for name in ("stdout", "stderr"):
            original = getattr(sys, name)
            stream = RedactingStream(original, self.redactor)
            setattr(sys, name, stream)
            self.replaced.append((name, original, stream))

    def uninstall(self) -> None:
        for name, original, stream in reversed(self.replaced):
            stream.flush()
            if getattr(sys, name) is stream:
                setattr(sys, name, original)
        self.replaced.clear()
