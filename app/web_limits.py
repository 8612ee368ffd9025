"""Settings of the web-form endpoint (rate limits, sizes, group commit); light to import (the CLI parser)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: ``rate`` requests per second on average, bursts of up to ``burst``; rate 0 = off."""

    rate: float
    burst: float

    @classmethod
    def parse(cls, text_value: str) -> RateLimit:
        """``RATE`` or ``RATE/BURST`` (requests per second); ``0`` turns the limit off."""
        rate_text, _, burst_text = text_value.partition("/")
        rate = float(rate_text)
        burst = float(burst_text) if burst_text else max(1.0, rate * 2)
        if rate < 0 or burst < 1 or not math.isfinite(rate) or not math.isfinite(burst):
            raise ValueError(f"'{text_value}' is not a rate limit (RATE or RATE/BURST, RATE >= 0)")
        return cls(rate, burst)

    @property
    def enabled(self) -> bool:
        """Whether the limit applies."""
        return self.rate > 0


@dataclass(frozen=True, slots=True)
class IntakeConfig:
    """How the endpoint behaves; every field has a production default (docs/DECISIONS.md)."""

    # A website posts a few forms a minute; a bulk import belongs to `inflow import`.
    per_token: RateLimit = RateLimit(100.0, 300.0)
    # One visitor (or a bot) behind one address.
    per_ip: RateLimit = RateLimit(20.0, 60.0)
    max_body: int = 64 * 1024
    # How long a token lookup (valid or not) is remembered: a revoked token stops working this late.
    token_cache_seconds: float = 10.0
    # Submissions stored in one transaction at most.
    max_batch: int = 256
    # Threads committing at the same time (SQLite has one writer anyway: 1 there).
    commit_threads: int | None = None
