"""Discord's global rate limit, as an option of the fake (off unless a test turns it on).

Discord's docs (Rate Limits → Global Rate Limit): "All bots can make up to 50 requests per
second to our API", per bot token; beyond it the answer is HTTP 429 with ``"global": true`` and
the ``X-RateLimit-Global: true`` / ``X-RateLimit-Scope: global`` headers. Interaction
callbacks (``POST /interactions/{id}/{token}/callback``) are not bound by it.

Which window: a *sliding* one-second window over admitted requests — the request is refused if
``limit`` requests were already admitted in the second before it. A sliding window is the
stricter reading (a client that never trips it never trips a fixed window either), so a bot
that passes here has no luck of window alignment to thank. Requests answered 429 do not use up
the window. Requests are keyed by their ``Authorization`` header (one budget per bot token);
requests without one (interaction follow-up webhooks, authorised by the token in their URL)
share one budget, as Discord limits unauthenticated traffic per client.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

GLOBAL_MESSAGE = "You are being rate limited."
EXEMPT_SUFFIX = "/callback"  # POST /interactions/{id}/{token}/callback


@dataclass
class RequestCounts:
    """What the fake answered, for benchmarks and tests (``fake.request_counts``)."""

    requests: int = 0  # every REST request under the API prefix
    exempt: int = 0  # interaction callbacks: never counted against the global limit
    global_429: int = 0  # refused by the global limit
    other_429: int = 0  # 429s from elsewhere (injected with fail_next)


class GlobalRateLimit:
    """At most `limit` admitted requests per key in any `window` seconds (sliding)."""

    def __init__(self, limit: int, window: float = 1.0) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a global rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._admitted: dict[str, deque[float]] = {}

    def admit(self, key: str, now: float) -> float | None:
        """None if the request may go on (and it is counted); else seconds to wait."""
        times = self._admitted.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return max(times[0] + self.window - now, 0.001)
        times.append(now)
        return None


def is_exempt(method: str, path: str) -> bool:
    """Interaction callbacks are not bound by the global limit (docs: Rate Limits)."""
    return method == "POST" and path.startswith("/interactions/") and path.endswith(EXEMPT_SUFFIX)


def global_429(retry_after: float) -> tuple[dict[str, Any], dict[str, str]]:
    """Discord's global-limit answer: body and headers. ``Via`` marks it as coming through
    Discord's edge, without which discord.py treats a 429 as a Cloudflare ban and gives up."""
    body = {"message": GLOBAL_MESSAGE, "retry_after": round(retry_after, 3), "global": True}
    headers = {
        "Retry-After": str(max(1, int(retry_after + 0.999))),  # whole seconds, as Discord
        "X-RateLimit-Global": "true",
        "X-RateLimit-Scope": "global",
        "Via": "1.1 google",
    }
    return body, headers
