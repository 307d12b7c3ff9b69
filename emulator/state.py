"""Everything a running emulator knows: athletes, keys, faults, log, limits."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
import re
import time

from .faults import Fault
from .model import Athlete


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the emulator saw and answered it."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int  # 0 when the connection was closed without a response
    bytes: int  # response body bytes actually sent
    time: datetime
    duration: float
    fault: str | None = None


@dataclass
class RequestLog:
    """Every request served, in order, with helpers to count them."""

    entries: list[LoggedRequest] = field(default_factory=list)

    def __len__(self) -> int:
        """Return the number of logged requests."""
        return len(self.entries)

    def __iter__(self) -> Iterator[LoggedRequest]:
        """Iterate over logged requests, oldest first."""
        return iter(self.entries)

    def matching(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        status: int | None = None,
    ) -> list[LoggedRequest]:
        """Return entries whose path matches the regex `path` (searched)."""
        pattern = re.compile(path) if path is not None else None
        return [
            e
            for e in self.entries
            if (pattern is None or pattern.search(e.path))
            and (method is None or e.method == method.upper())
            and (status is None or e.status == status)
        ]

    def count(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        status: int | None = None,
    ) -> int:
        """Count matching requests."""
        return len(self.matching(path, method=method, status=status))

    def total_bytes(
        self,
        path: str | None = None,
        *,
        method: str | None = None,
        status: int | None = None,
    ) -> int:
        """Sum the response body bytes of matching requests."""
        return sum(e.bytes for e in self.matching(path, method=method, status=status))

    def clear(self) -> None:
        """Forget all logged requests."""
        self.entries.clear()


@dataclass
class RateLimiter:
    """Token bucket: `rate` requests per second with bursts up to `burst`."""

    rate: float = 10.0
    burst: int = 20
    retry_after: int = 1
    clock: Callable[[], float] = time.monotonic
    _tokens: float = field(init=False)
    _last: float = field(init=False)

    def __post_init__(self) -> None:
        """Start with a full bucket."""
        self._tokens = float(self.burst)
        self._last = self.clock()

    def allow(self) -> bool:
        """Take a token if one is available."""
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1 - 1e-9:  # float drift must not eat a whole token
            self._tokens -= 1
            return True
        return False


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class EmulatorState:
    """Mutable state behind the HTTP app; tests change it between requests."""

    athletes: dict[str, Athlete] = field(default_factory=dict)
    api_keys: dict[str, str] = field(default_factory=dict)  # key -> owner id
    grants: dict[str, set[str]] = field(default_factory=dict)  # key -> readable ids
    faults: list[Fault] = field(default_factory=list)
    log: RequestLog = field(default_factory=RequestLog)
    rate_limiter: RateLimiter | None = None
    clock: Callable[[], datetime] = _utc_now

    @classmethod
    def with_athletes(cls, *athletes: Athlete) -> EmulatorState:
        """Build a state serving the given athletes with their own keys."""
        state = cls()
        for athlete in athletes:
            state.add_athlete(athlete)
        return state

    def add_athlete(self, athlete: Athlete) -> Athlete:
        """Serve an athlete and accept its API key."""
        self.athletes[athlete.id] = athlete
        self.api_keys[athlete.api_key] = athlete.id
        return athlete

    def remove_athlete(self, athlete_id: str) -> None:
        """Stop serving an athlete (its id becomes unknown, its key invalid)."""
        athlete = self.athletes.pop(athlete_id)
        self.api_keys.pop(athlete.api_key, None)

    def set_api_key(self, athlete_id: str, key: str) -> None:
        """Replace an athlete's key; the old one stops working."""
        athlete = self.athletes[athlete_id]
        self.api_keys.pop(athlete.api_key, None)
        athlete.api_key = key
        self.api_keys[key] = athlete_id

    def grant(self, key: str, athlete_id: str) -> None:
        """Let the owner of `key` (a coach) read `athlete_id`."""
        self.grants.setdefault(key, set()).add(athlete_id)

    def revoke(self, key: str, athlete_id: str) -> None:
        """Withdraw a coach grant."""
        self.grants.get(key, set()).discard(athlete_id)

    def can_read(self, key: str, athlete_id: str) -> bool:
        """Tell whether `key` may read the athlete."""
        return self.api_keys.get(key) == athlete_id or athlete_id in self.grants.get(
            key, set()
        )

    def add_fault(self, fault: Fault) -> Fault:
        """Install a fault rule; earlier rules win."""
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self.faults.clear()

    def enable_rate_limit(
        self,
        rate: float = 10.0,
        burst: int = 20,
        retry_after: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> RateLimiter:
        """Turn the rate limiter on (it is off by default).

        `clock` (seconds) refills the bucket; tests pass one they move by hand.
        """
        self.rate_limiter = RateLimiter(
            rate=rate, burst=burst, retry_after=retry_after, clock=clock
        )
        return self.rate_limiter

    def now(self) -> datetime:
        """Return the current aware time (overridable through `clock`)."""
        return self.clock()
