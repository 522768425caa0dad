"""Per-caller rate limits (a sliding one-minute window, in this process): logins per address, expensive
requests (coverage, exports, map files) per account. Over the limit is a 429 saying when to retry."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from service.core.errors import RateLimited

_WINDOW = 60.0
_hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
_lock = threading.Lock()


def limit(bucket: str, key: str, per_minute: int) -> None:
    """Count one request of ``bucket`` by ``key``; refuse it beyond ``per_minute`` in the last minute."""
    now = time.monotonic()
    with _lock:
        hits = _hits[(bucket, key)]
        while hits and now - hits[0] > _WINDOW:
            hits.popleft()
        if len(hits) >= per_minute:
            wait = int(_WINDOW - (now - hits[0])) + 1
            raise RateLimited(f"请求过于频繁，请 {wait} 秒后再试。", f"Too many requests; retry in {wait} s.")
        hits.append(now)


def reset() -> None:
    """Forget every count (tests)."""
    with _lock:
        _hits.clear()
