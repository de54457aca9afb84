"""A progress line for the command line: rows done of the total, rows per second, time left. Drawn on a
terminal only (redrawn in place at most five times a second); silent when stderr is a file or a pipe,
so cron mails and logs get no control characters."""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_EVERY = 0.2  # seconds


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total: int, label: str = "", stream: TextIO | None = None, now: object = None) -> None:
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self._now = now if callable(now) else time.monotonic
        self.started = self._now()
        self.done = 0
        self._drawn = 0.0

    def line(self) -> str:
        elapsed = max(self._now() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        share = self.done / self.total * 100 if self.total else 100.0
        width = 24
        filled = min(width, int(width * share / 100))
        bar = "█" * filled + "·" * (width - filled)
        return (
            f"{self.label}[{bar}] {self.done:,}/{self.total:,} rows {share:5.1f}%  "
            f"{rate:,.0f} rows/s  ETA {_clock(left)}"
        )

    def update(self, rows: int) -> None:
        self.done += rows
        if self.enabled and (self._now() - self._drawn >= REDRAW_EVERY or self.done >= self.total):
            self._drawn = self._now()
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()
