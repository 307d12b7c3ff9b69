"""Local/UTC time helpers shared by the generator and the server."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
import re
from zoneinfo import ZoneInfo

# The service takes local dates or local date-times; an offset or "Z" is rejected
# so that clients sending UTC by mistake fail loudly instead of shifting windows.
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?")


@dataclass(frozen=True, slots=True)
class LocalBound:
    """A parsed date or date-time query parameter, local to the athlete."""

    moment: datetime
    date_only: bool

    def lower(self) -> str:
        """Return the inclusive lower bound as a local timestamp string."""
        return format_local(self.moment)

    def upper(self) -> str:
        """Return the inclusive upper bound; a bare date covers its whole day."""
        if self.date_only:
            return format_local(datetime.combine(self.moment.date(), time(23, 59, 59)))
        return format_local(self.moment)


def parse_local_bound(text: str) -> LocalBound:
    """Parse `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`; raise ValueError otherwise."""
    text = text.strip()
    if _DATE_RE.fullmatch(text):
        return LocalBound(
            datetime.combine(date.fromisoformat(text), time()), date_only=True
        )
    if _DATETIME_RE.fullmatch(text):
        # Fractions are accepted but dropped: stored times have whole seconds.
        return LocalBound(
            datetime.fromisoformat(text).replace(microsecond=0), date_only=False
        )
    msg = f"Invalid local date or date-time: {text!r}"
    raise ValueError(msg)


def format_local(moment: datetime) -> str:
    """Format a naive local datetime the way the service does."""
    # isoformat is several times faster than strftime, which matters at scale.
    return moment.replace(microsecond=0, tzinfo=None).isoformat()


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as UTC with a trailing Z."""
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Interpret a naive local time in `zone` and return it as aware UTC."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def utc_to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Convert an aware datetime to a naive local time in `zone`."""
    return moment.astimezone(zone).replace(tzinfo=None)


def day_range(first: date, last: date) -> list[date]:
    """Return every date from `first` to `last` inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
