"""Benchmark: how long the integration keeps Home Assistant's event loop waiting.

A real Home Assistant, started the way `hass` starts it (its own event loop,
its bootstrap with the default integrations and the recorder, files in a
temporary configuration folder, the web server on a free port), adds an
athlete of 20,000 activities a year through the config flow, then reloads
the entry (cache from disk), runs an hourly update with one new activity and
the daily reconcile, imports the history again (the `import_history` action)
and unloads the entry; then, for scale, sets up Home Assistant's own demo
integration (about 200 entities on 30 platforms). The emulator serves the
athlete from a process of its own, as the real service would.

What a user feels is measured: a timer that asks to wake every 10 ms, and how
late each wake-up comes (the timer lag). A late wake-up is the loop held by a
step of its own, or waiting for the interpreter lock while another thread
runs (the recorder's, a worker's, a garbage collection in either); asyncio's
slow-callback report sees only the first. Target: no lag above 50 ms.

`--debug` runs asyncio's debug mode as well and reports its slow steps (20 ms
and up), for information: debug mode slows everything down, so its figures
are not the target.

    scripts/bench            (the tables of scripts/bench.py, then this)
    python scripts/bench_loop.py [--debug] [--size 20000]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import gc
import logging
import multiprocessing
from multiprocessing.connection import Connection
import pathlib
import socket
import sys
import tempfile
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_athlete import KEY, ZONE, EmulatorThread, bench_athlete  # noqa: E402

SIZE = 20_000
# Full years before last year (the cache holds last year and this): the first
# start imports them into the long-term statistics.
HISTORY_YEARS = 1
TICK = 0.01  # the probe's timer asks to wake every 10 ms
TARGET = 0.05  # no lag above 50 ms
REPORT = 0.02  # debug mode: report every step above 20 ms
SETTLE = 3.0  # seconds for Home Assistant's own start-up work to finish
LOG = pathlib.Path(tempfile.gettempdir(), "bench-loop.log")


def free_port() -> int:
    """A TCP port nothing listens on now, for Home Assistant's web server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve_emulator(conn: Connection, size: int, years: int, now_iso: str) -> None:
    """The emulator's process: serve the athlete, add activities on request."""
    from emulator.state import EmulatorState  # noqa: PLC0415

    now = datetime.fromisoformat(now_iso)
    today = now.astimezone(ZoneInfo(ZONE)).date()
    athlete = bench_athlete(size, now, today, history_years=years)
    server = EmulatorThread(EmulatorState.with_athletes(athlete))
    with server as url:
        conn.send(url)
        while (request := conn.recv()) is not None:

            async def add(request: dict[str, Any] = request) -> None:
                athlete.add_activity(**request)

            # The athlete changes only in the server's loop, between requests.
            asyncio.run_coroutine_threadsafe(add(), server.loop).result()
            conn.send("added")


async def confirm_http_port(hass: Any) -> None:
    """Confirm the free port as a user would, where the release asks for it.

    From 2026.10 a changed web server setting is on trial: unconfirmed, Home
    Assistant goes back to the old one and restarts after five minutes.
    """
    try:
        from homeassistant.components.http.config import (  # noqa: PLC0415
            async_get_and_load_store,
        )
    except ImportError:
        return
    store = await async_get_and_load_store(hass)
    if store.pending is not None:
        await store.async_promote_pending()


@dataclass
class TimerLag:
    """How late a 10 ms timer wakes: what any timer or request would wait."""

    lags: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    """When each late wake-up came (time.monotonic)."""

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(TICK)
            self.lags.append(max(0.0, loop.time() - asked - TICK))
            self.ends.append(time.monotonic())


class FullCollections:
    """Python's full garbage collections (generation 2): thread and length.

    Observed only. A full pass walks all of Home Assistant's heap with the
    GIL held, in whichever thread happens to allocate when one is due: a
    timer lag during one is that pass.
    """

    def __init__(self) -> None:
        self.passes: list[tuple[str, float, float]] = []
        self._started: dict[int, float] = {}
        self._loop_thread = threading.get_ident()
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started[threading.get_ident()] = time.monotonic()
        elif (began := self._started.pop(threading.get_ident(), None)) is not None:
            thread = (
                "loop"
                if threading.get_ident() == self._loop_thread
                else threading.current_thread().name
            )
            self.passes.append((thread, began, time.monotonic()))

    def close(self) -> None:
        gc.callbacks.remove(self._callback)


class SlowSteps(logging.Handler):
    """Collects asyncio's debug-mode "Executing <handle> took N seconds" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.steps: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Executing") and record.args:
            handle, seconds = record.args[0], record.args[1]
            self.steps.append((float(seconds), str(handle)[:160]))


@dataclass
class Phase:
    """One measured phase."""

    name: str
    wall_ms: float
    lags: list[float]
    steps: list[tuple[float, str]]
    collections: list[tuple[str, float]] = field(default_factory=list)
    """Full garbage collections: thread, milliseconds."""
    lags_in_collections: int = 0
    """Lags above the target that overlap a full garbage collection."""


async def drive(  # noqa: PLR0915 - one phase after the other
    hass: Any, url: str, emulator: Connection, started: asyncio.Event, size: int
) -> list[Phase]:
    """Once started, add the athlete, reload, update, reconcile, import, unload."""
    from custom_components.intervals_icu.const import (  # noqa: PLC0415
        CONF_ATHLETE_ID,
        DOMAIN,
    )
    from homeassistant.const import CONF_API_KEY, CONF_URL  # noqa: PLC0415
    from homeassistant.helpers.recorder import get_instance  # noqa: PLC0415
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    await started.wait()
    await confirm_http_port(hass)
    await asyncio.sleep(SETTLE)
    slow = SlowSteps()
    logging.getLogger("asyncio").addHandler(slow)
    probe = TimerLag()
    probing = asyncio.get_running_loop().create_task(probe.run())
    collections = FullCollections()
    phases: list[Phase] = []

    recorder = get_instance(hass)

    async def phase(name: str, work: Callable[[], Awaitable[Any]]) -> None:
        await hass.async_block_till_done(wait_background_tasks=True)
        slow.steps.clear()
        probe.lags.clear()
        probe.ends.clear()
        collections.passes.clear()
        begun = time.perf_counter()
        await work()
        await hass.async_block_till_done(wait_background_tasks=True)
        # What the phase handed the recorder is part of it: the harness (not
        # the integration) waits until the recorder has written it all.
        await recorder.async_block_till_done()
        await asyncio.sleep(0.5)  # a delayed write's worker
        wall = (time.perf_counter() - begun) * 1000
        passes = list(collections.passes)
        in_collections = sum(
            1
            for lag, end in zip(probe.lags, probe.ends, strict=True)
            if lag > TARGET and any(a < end and b > end - lag for _, a, b in passes)
        )
        phases.append(
            Phase(
                name,
                wall,
                list(probe.lags),
                sorted(slow.steps)[::-1],
                [(t, (b - a) * 1000) for t, a, b in passes],
                in_collections,
            )
        )

    async def add_entry() -> None:
        flow = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": "user"}
        )
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"],
            {CONF_API_KEY: KEY, CONF_ATHLETE_ID: "i1", CONF_URL: url},
        )
        assert result["type"] == "create_entry", result

    await phase("first start (year fetched, then the history imported)", add_entry)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    cached = len(entry.runtime_data.sync.cache.activities)
    await phase(
        "reload (cache from disk)",
        lambda: hass.config_entries.async_reload(entry.entry_id),
    )
    coordinator = entry.runtime_data
    now = datetime.now(UTC)
    start = now.astimezone(coordinator.data.zone).replace(tzinfo=None)
    emulator.send(
        {
            "start_local": start - timedelta(minutes=30),
            "activity_type": "Run",
            "distance": 8000.0,
        }
    )
    emulator.recv()
    await phase("hourly update (1 new)", coordinator.async_refresh)
    coordinator.sync.cache.reconciled_on = start.date() - timedelta(days=1)
    await phase("daily reconcile", coordinator.async_refresh)
    await phase(
        "import_history (the action)",
        lambda: hass.services.async_call(
            DOMAIN,
            "import_history",
            {"config_entry_id": entry.entry_id},
            blocking=True,
        ),
    )
    await phase("unload", lambda: hass.config_entries.async_unload(entry.entry_id))
    # For scale: Home Assistant's own demo integration, in the same instance.
    await phase(
        "reference: Home Assistant's demo integration",
        lambda: async_setup_component(hass, "demo", {"demo": {}}),
    )
    probing.cancel()
    collections.close()
    logging.getLogger("asyncio").removeHandler(slow)
    print(
        f"\nEvent loop at {size:,} activities a year ({cached:,} cached, "
        f"{len(phases)} phases), a real Home Assistant without asyncio debug mode:"
    )
    return phases


async def run_hass(
    config_dir: str, url: str, emulator: Connection, *, debug: bool, size: int
) -> list[Phase]:
    """Bootstrap Home Assistant as `hass` does; drive it; stop it."""
    from homeassistant import bootstrap  # noqa: PLC0415
    from homeassistant.const import EVENT_HOMEASSISTANT_STARTED  # noqa: PLC0415
    from homeassistant.core import callback  # noqa: PLC0415
    from homeassistant.runner import RuntimeConfig  # noqa: PLC0415

    runtime = RuntimeConfig(
        config_dir=config_dir,
        debug=debug,
        skip_pip=True,
        log_file=str(pathlib.Path(config_dir, "home-assistant.log")),
        log_no_color=True,
    )
    hass = await bootstrap.async_setup_hass(runtime)
    assert hass is not None, "Home Assistant did not start"
    phases: list[Phase] = []
    started = asyncio.Event()
    hass.bus.async_listen_once(
        EVENT_HOMEASSISTANT_STARTED, callback(lambda _: started.set())
    )

    async def measure_then_stop() -> None:
        try:
            phases.extend(await drive(hass, url, emulator, started, size))
        finally:
            asyncio.get_running_loop().create_task(hass.async_stop())

    driver = asyncio.get_running_loop().create_task(measure_then_stop())
    await hass.async_run(attach_signals=False)
    await driver
    return phases


def print_table(phases: list[Phase], *, debug: bool) -> None:
    """The longest timer lag per phase, with how many were above the target."""
    print(
        "| phase | wall ms | longest timer lag ms | lags > 50 ms (in a full GC) "
        "| 99th percentile ms | full GCs (thread ms) |"
        + (" debug: longest step ms |" if debug else "")
    )
    print("|---|---:|---:|---:|---:|---|" + ("---:|" if debug else ""))
    for p in phases:
        lags = sorted(p.lags)
        longest = lags[-1] * 1000 if lags else 0.0
        over = sum(1 for lag in lags if lag > TARGET)
        p99 = lags[int(0.99 * (len(lags) - 1))] * 1000 if lags else 0.0
        full = ", ".join(f"{t} {ms:.0f}" for t, ms in p.collections) or "none"
        row = (
            f"| {p.name} | {p.wall_ms:,.0f} | {longest:.1f} "
            f"| {over} ({p.lags_in_collections}) | {p99:.1f} | {full} |"
        )
        if debug:
            step = (
                f"{p.steps[0][0] * 1000:.1f}" if p.steps else f"< {REPORT * 1000:.0f}"
            )
            row += f" {step} |"
        print(row)
    if debug:
        for p in phases:
            for seconds, handle in p.steps[:3]:
                print(f"  {p.name}: {seconds * 1000:.0f} ms in {handle}")
    print(f"Home Assistant's log: {LOG}")


def main() -> int:
    """Start the emulator's process and Home Assistant; print the table."""
    from homeassistant import runner  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debug", action="store_true", help="asyncio debug mode too")
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument(
        "--history-years",
        type=int,
        default=HISTORY_YEARS,
        help="full years before last year, for the history import",
    )
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    emulator = context.Process(
        target=serve_emulator,
        args=(there, args.size, args.history_years, datetime.now(UTC).isoformat()),
        daemon=True,
    )
    emulator.start()
    # Home Assistant logs to stderr as well as to its file: both go to LOG.
    with LOG.open("w") as log, contextlib.redirect_stderr(log):
        try:
            url = here.recv()
            with tempfile.TemporaryDirectory(prefix="bench-loop-") as config_dir:
                pathlib.Path(config_dir, "configuration.yaml").write_text(
                    f"recorder:\nhttp:\n  server_port: {free_port()}\n"
                )
                loop = runner.create_event_loop(debug=args.debug)
                if args.debug:
                    loop.slow_callback_duration = REPORT
                asyncio.set_event_loop(loop)
                try:
                    phases = loop.run_until_complete(
                        run_hass(
                            config_dir, url, here, debug=args.debug, size=args.size
                        )
                    )
                finally:
                    loop.run_until_complete(loop.shutdown_default_executor())
                    asyncio.set_event_loop(None)
                    loop.close()
        finally:
            here.send(None)
            emulator.join(timeout=10)
    print_table(phases, debug=args.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
