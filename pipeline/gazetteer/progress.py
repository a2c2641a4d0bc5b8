"""A minimal progress bar on stderr for gazetteer builds and imports (no dependency)."""
from __future__ import annotations

import sys
import time


class Progress:
    """Counts steps and redraws one stderr line; silent when disabled or not needed."""

    def __init__(self, label: str, total: int | None = None, enabled: bool = True):
        self.label = label
        self.total = total
        self.done = 0
        self.enabled = enabled
        self.started = time.perf_counter()
        self._last_draw = 0.0

    def step(self, note: str = "", amount: int = 1) -> None:
        self.done += amount
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last_draw < 0.1 and (self.total is None or self.done < self.total):
            return
        self._last_draw = now
        if self.total:
            filled = int(30 * min(self.done, self.total) / self.total)
            bar = "#" * filled + "-" * (30 - filled)
            line = f"\r{self.label} [{bar}] {self.done}/{self.total} {note[:40]:<40} {now - self.started:5.1f}s"
        else:
            line = f"\r{self.label} {self.done:,} {note[:40]:<40} {now - self.started:5.1f}s"
        sys.stderr.write(line)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
