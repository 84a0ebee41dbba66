"""Token-bucket rate limits shaped like Centra's.

Three kinds of cost are counted, each in a 10-second and a 1-hour bucket:
REQUEST_COUNT (1 a request), QUERY_COMPLEXITY (the query's complexity) and
MUTATION_COUNT (1 a mutation field). A bucket contains at most its quota and
refills continuously at quota / interval per second. A request passes only
when every bucket contains enough, and then all of them are charged at once.
Centra applies one set of buckets to all integrations of an environment
(https://centra.dev/docs/integration-api/api-rate-limits), and the sandbox
likewise keeps one set per server, shared by all tokens.
"""

import math
import threading
import time
from dataclasses import dataclass

INTERVALS = {"TEN_SECONDS": 10.0, "ONE_HOUR": 3600.0}

# (per 10 seconds, per hour). NOTE: Centra's pages disagree on the standard
# figures (40 requests and 20 mutations per 10 seconds on one, a "Growth" plan
# of 60 requests on another), so pass quotas to match the plan to simulate.
DEFAULT_QUOTAS = {
    "REQUEST_COUNT": (20, 10_000),
    "QUERY_COMPLEXITY": (150_000, 20_000_000),
    "MUTATION_COUNT": (100, 1_000),
}


@dataclass
class _Bucket:
    kind: str
    interval_name: str
    quota: int
    tokens: float
    updated: float

    @property
    def seconds(self) -> float:
        return INTERVALS[self.interval_name]

    def refill(self, now: float) -> None:
        rate = self.quota / self.seconds
        self.tokens = min(self.quota, self.tokens + (now - self.updated) * rate)
        self.updated = now

    def seconds_until(self, cost: int) -> float:
        missing = cost - self.tokens
        return max(0.0, missing * self.seconds / self.quota)


@dataclass
class RateLimitRejection:
    """The bucket that rejected a request and the seconds until it can pass."""

    kind: str
    interval_name: str
    quota: int
    retry_after: int


def normalize_quotas(quotas: dict | None) -> dict[str, tuple[int, int]]:
    """Merge `quotas` over the defaults and check every value."""
    merged = dict(DEFAULT_QUOTAS)
    for kind, pair in (quotas or {}).items():
        if kind not in DEFAULT_QUOTAS:
            raise ValueError(
                f"Unknown rate limit type {kind!r}. Known types: "
                f"{', '.join(DEFAULT_QUOTAS)}."
            )
        ten_seconds, one_hour = pair
        for value in (ten_seconds, one_hour):
            if not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"Quotas of {kind} must be whole numbers of at least 1, "
                    f"got {pair!r}."
                )
        merged[kind] = (ten_seconds, one_hour)
    return merged


class RateLimiter:
    """The six buckets of one sandbox."""

    def __init__(self, quotas: dict | None = None, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self.set_quotas(quotas)

    def set_quotas(self, quotas: dict | None = None, **by_type) -> None:
        """Replace the quotas (unnamed types get defaults) and fill every bucket.

        Quotas are `(per 10 seconds, per hour)` pairs keyed by type, given as
        a dict or as keyword arguments.
        """
        merged = normalize_quotas({**(quotas or {}), **by_type})
        now = self._clock()
        buckets = []
        for kind, pair in merged.items():
            for interval_name, quota in zip(INTERVALS, pair, strict=True):
                buckets.append(_Bucket(kind, interval_name, quota, quota, now))
        with self._lock:
            self.quotas = merged
            self._buckets = buckets

    def largest_cost(self, kind: str) -> int:
        """Return the highest cost of `kind` that a full set of buckets takes."""
        return min(self.quotas[kind])

    def charge(self, costs: dict[str, int]) -> RateLimitRejection | None:
        """Take `costs` from every bucket, or take nothing and return why."""
        with self._lock:
            now = self._clock()
            waits = []
            for bucket in self._buckets:
                bucket.refill(now)
                cost = costs.get(bucket.kind, 0)
                if cost > bucket.tokens:
                    waits.append((bucket.seconds_until(cost), bucket))

            if waits:
                wait, bucket = max(waits, key=lambda pair: pair[0])
                retry_after = max(1, math.ceil(wait))
                return RateLimitRejection(
                    bucket.kind, bucket.interval_name, bucket.quota, retry_after
                )

            for bucket in self._buckets:
                bucket.tokens -= costs.get(bucket.kind, 0)
        return None

    def snapshot(self) -> list[dict]:
        """Return the buckets as `RateLimit` objects of the GraphQL schema."""
        with self._lock:
            now = self._clock()
            result = []
            for bucket in self._buckets:
                bucket.refill(now)
                remaining = math.floor(bucket.tokens)
                result.append(
                    {
                        "type": bucket.kind,
                        "intervalSeconds": bucket.interval_name,
                        "quota": bucket.quota,
                        "usedQuota": bucket.quota - remaining,
                        "remainingQuota": remaining,
                    }
                )
        return result
