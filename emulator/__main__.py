"""Run the emulator with a demo athlete: `python -m emulator --demo`.

SIGUSR1 replaces the demo athlete's API key (demo-key, then demo-key-2,
demo-key-3, ...): the old key is refused from then on, so Home Assistant asks
for the new one (re-authentication). `scripts/develop --demo` writes the
emulator's process id to config/emulator.pid for that.
"""

import argparse
import asyncio
from collections.abc import Iterator
import contextlib
from datetime import UTC, date, datetime, timedelta
import os
import signal
import sys
from zoneinfo import ZoneInfo

from .generator import generate_athlete
from .model import Athlete
from .server import EmulatorServer
from .state import EmulatorState

DEMO_API_KEY = "demo-key"
DEMO_ATHLETE_ID = "i424242"
DEMO_NAME = "Demo Athlete"
DEMO_HISTORY_YEARS = 5


def build_demo_state(
    *,
    seed: int = 42,
    activities_per_year: int = 400,
    timezone: str = "Europe/Amsterdam",
    strava_share: float = 0.05,
    now: datetime | None = None,
    history_years: int = DEMO_HISTORY_YEARS,
) -> EmulatorState:
    """Return a state with the demo athlete, its history and 4 weeks ahead.

    The history begins on 1 January `history_years` years ago: several past
    years let a statistics graph compare years side by side.
    """
    now = now or datetime.now(UTC)
    today = now.astimezone(ZoneInfo(timezone)).date()
    athlete = generate_athlete(
        seed=seed,
        athlete_id=DEMO_ATHLETE_ID,
        name=DEMO_NAME,
        timezone=timezone,
        activities_per_year=activities_per_year,
        start=date(today.year - history_years, 1, 1),
        end=today,
        strava_share=strava_share,
        events_until=today + timedelta(weeks=4),
        api_key=DEMO_API_KEY,
        now=now,
    )
    return EmulatorState.with_athletes(athlete)


def rotate_demo_key(state: EmulatorState) -> str:
    """Replace the demo athlete's key with the next one; return the new key."""
    current = state.athletes[DEMO_ATHLETE_ID].api_key
    number = int(current.rsplit("-", 1)[1]) if current != DEMO_API_KEY else 1
    new_key = f"{DEMO_API_KEY}-{number + 1}"
    state.set_api_key(DEMO_ATHLETE_ID, new_key)
    return new_key


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m emulator", description="Intervals.icu API emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--demo", action="store_true", help="serve the demo athlete (required)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--activities-per-year", type=int, default=400)
    parser.add_argument("--timezone", default="Europe/Amsterdam")
    parser.add_argument("--strava-share", type=float, default=0.05)
    parser.add_argument(
        "--history-years",
        type=int,
        default=DEMO_HISTORY_YEARS,
        help="full years of history before this one",
    )
    parser.add_argument(
        "--rate-limit", action="store_true", help="answer 429 beyond ~10 requests/s"
    )
    args = parser.parse_args(argv)
    if not args.demo:
        parser.error("nothing to serve: pass --demo")
    return args


async def serve(args: argparse.Namespace, stop: asyncio.Event | None = None) -> None:
    """Serve until `stop` is set (default: Ctrl+C or SIGTERM)."""
    state = build_demo_state(
        seed=args.seed,
        activities_per_year=args.activities_per_year,
        timezone=args.timezone,
        strava_share=args.strava_share,
        history_years=args.history_years,
    )
    if args.rate_limit:
        state.enable_rate_limit()
    with _stop_on_signals(stop) as stopped, _rotate_key_on_sigusr1(state):
        async with EmulatorServer(state, host=args.host, port=args.port) as server:
            banner = _banner(server.url, state.athletes[DEMO_ATHLETE_ID])
            print(banner, flush=True)  # noqa: T201
            await stopped.wait()


@contextlib.contextmanager
def _rotate_key_on_sigusr1(state: EmulatorState) -> Iterator[None]:
    """Let `kill -USR1` replace the demo key, to try re-authentication."""

    def rotate() -> None:
        new_key = rotate_demo_key(state)
        print(f"API key replaced: the old one is refused; use {new_key}", flush=True)  # noqa: T201

    # POSIX only, like the scripts that start the demo.
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, rotate)
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGUSR1)


def _banner(url: str, athlete: Athlete) -> str:
    """Tell the user how to connect."""
    return "\n".join(
        (
            f"Intervals.icu emulator listening on {url}",
            f"  API key:    {DEMO_API_KEY}  (Basic auth, user name API_KEY)",
            f"  Athlete id: {athlete.id} ({athlete.name}, {athlete.timezone})",
            (
                f"  Data:       {len(athlete.activities)} activities, "
                f"{len(athlete.wellness)} wellness days, {len(athlete.events)} events"
            ),
            f"  Try: curl -u API_KEY:{DEMO_API_KEY} {url}/api/v1/athlete/0",
            f"  kill -USR1 {os.getpid()} replaces the key (to try re-authentication).",
            "Press Ctrl+C to stop.",
        )
    )


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event | None) -> Iterator[asyncio.Event]:
    """Yield `stop` (or a new event) that Ctrl+C and SIGTERM also set."""
    event = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    # A handler also works where SIGINT starts ignored (background jobs), and
    # lets the server close its connections instead of dying mid-request.
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, event.set)
            installed.append(sig)
    try:
        yield event
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def main(argv: list[str] | None = None) -> int:
    """Entry point; Ctrl+C stops the server cleanly."""
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    print("Stopped.", file=sys.stderr)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
