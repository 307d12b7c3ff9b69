"""The demo in a real browser: emulator + Home Assistant + headless Chromium.

Used by the browser test (e2e/test_frontend.py) and by scripts/screenshots.
`DemoHomeAssistant` starts the emulator with the demo athlete and Home
Assistant on a fresh configuration folder (config/configuration.yaml, with
the integration from this checkout), onboards a user over HA's REST API and
talks to HA's websocket API; `open_browser` starts Debian's Chromium through
Playwright, already logged in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Self

import aiohttp
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "intervals_icu"

HA_PORT = 8123
EMULATOR_PORT = 8765
DEMO_API_KEY = "demo-key"
DEMO_NAME = "Demo Athlete"
TIME_ZONE = "Europe/Amsterdam"  # the demo athlete's

USER = {"name": "Demo", "username": "demo", "password": "demo-password"}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Nothing may go online: this machine's network is closed, and a browser that
# tries anyway only waits for time-outs.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


class DemoError(RuntimeError):
    """The demo could not be started or driven."""


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something listens on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Tokens:
    """An access token of the onboarded user, as the frontend stores it."""

    access_token: str
    refresh_token: str
    expires_in: int

    def frontend_storage(self, base_url: str) -> str:
        """`localStorage.hassTokens` for a frontend at base_url (logged in)."""
        return json.dumps(
            {
                "hassUrl": base_url,
                "clientId": f"{base_url}/",
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_in": self.expires_in,
                "token_type": "Bearer",
                "expires": int(time.time() * 1000) + self.expires_in * 1000,
            }
        )


class DemoHomeAssistant:
    """Emulator and Home Assistant as child processes, on a fresh config folder."""

    def __init__(self, workdir: Path, *, any_emulator_port: bool = False) -> None:
        """Run in workdir (emptied first): config in workdir/config, logs beside.

        Home Assistant gets port 8123, or a free one while 8123 is taken (by
        scripts/develop, say). The emulator gets 8765, as the README says;
        with any_emulator_port, a free one while 8765 is taken.
        """
        self.workdir = workdir
        self.config_dir = workdir / "config"
        self.ha_port = HA_PORT if not port_in_use(HA_PORT) else free_port()
        self.base_url = f"http://127.0.0.1:{self.ha_port}"
        self.emulator_port = EMULATOR_PORT
        if port_in_use(EMULATOR_PORT):
            if not any_emulator_port:
                msg = f"port {EMULATOR_PORT} is taken (scripts/develop --demo?)"
                raise DemoError(msg)
            self.emulator_port = free_port()
        self.emulator_url = f"http://127.0.0.1:{self.emulator_port}"
        self._processes: list[subprocess.Popen[bytes]] = []
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ws_id = 0
        self.tokens: Tokens | None = None

    async def __aenter__(self) -> Self:
        """Start both, onboard the user and wait until HA runs."""
        try:
            await self._start()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(self, *_: object) -> None:
        """Stop HA, then the emulator."""
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        for process in reversed(self._processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(process.wait, 30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    await asyncio.to_thread(process.wait)

    async def _start(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.config_dir.mkdir(parents=True)
        config = (ROOT / "config" / "configuration.yaml").read_text()
        if self.ha_port != HA_PORT:
            # Another port only through YAML: HA takes it as a "trial" it
            # would revert after 5 minutes (with a repair issue); runs are
            # shorter than that.
            config += f"\nhttp:\n  server_port: {self.ha_port}\n"
        (self.config_dir / "configuration.yaml").write_text(config)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self._spawn(
            "emulator",
            [
                sys.executable,
                "-m",
                "emulator",
                "--demo",
                "--port",
                str(self.emulator_port),
            ],
            env,
        )
        self._spawn(
            "home-assistant",
            [
                sys.executable,
                "-m",
                "homeassistant",
                "--config",
                str(self.config_dir),
                "--skip-pip",
            ],
            env,
        )
        self._session = aiohttp.ClientSession()
        await self._wait_for(
            self.emulator_url + "/api/v1/athlete/0", "emulator", 30, {401}
        )
        await self._wait_for(self.base_url + "/api/onboarding", "Home Assistant", 120)
        await self._onboard()
        await self._connect_websocket()
        await self.ws(
            "config/core/update",
            time_zone=TIME_ZONE,
            country="NL",
            currency="EUR",
            unit_system="metric",
            location_name="Home",
        )
        deadline = time.monotonic() + 120
        while (await self.ws("get_config"))["state"] != "RUNNING":
            if time.monotonic() > deadline:
                raise DemoError("Home Assistant did not finish starting")
            await asyncio.sleep(0.5)

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.workdir / f"{name}.log").open("wb")
        self._processes.append(
            subprocess.Popen(  # noqa: S603 (this interpreter, our modules)
                args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        )

    def log_tail(self, name: str = "home-assistant", lines: int = 40) -> str:
        """The last lines a child wrote (for error messages)."""
        path = self.workdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    async def _wait_for(
        self, url: str, what: str, within: float, ok: set[int] | None = None
    ) -> None:
        assert self._session is not None
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for process in self._processes:
                if process.poll() is not None:
                    msg = f"{process.args[2]} exited:\n{self.log_tail()}"
                    raise DemoError(msg)
            with contextlib.suppress(aiohttp.ClientError):
                async with self._session.get(url) as response:
                    if response.status in (ok or {200}):
                        return
            await asyncio.sleep(0.3)
        msg = f"{what} did not answer on {url} within {within:.0f} s"
        raise DemoError(msg)

    async def _onboard(self) -> None:
        """Create the user and finish onboarding, as the onboarding pages do."""
        assert self._session is not None
        client_id = f"{self.base_url}/"
        answer = await self._post(
            "/api/onboarding/users", {**USER, "client_id": client_id, "language": "en"}
        )
        async with self._session.post(
            self.base_url + "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": answer["auth_code"],
                "client_id": client_id,
            },
        ) as response:
            response.raise_for_status()
            token = await response.json()
        self.tokens = Tokens(
            token["access_token"], token["refresh_token"], token["expires_in"]
        )
        await self._post("/api/onboarding/core_config", {})
        await self._post("/api/onboarding/analytics", {})
        await self._post(
            "/api/onboarding/integration",
            {"client_id": client_id, "redirect_uri": f"{client_id}?auth_callback=1"},
        )

    async def _post(self, path: str, data: dict[str, Any]) -> Any:
        return await self.request("POST", path, data)

    async def request(
        self, method: str, path: str, data: dict[str, Any] | None = None
    ) -> Any:
        """Call HA's REST API (as the onboarded user, once there is one)."""
        assert self._session is not None
        headers = {}
        if self.tokens is not None:
            headers["Authorization"] = f"Bearer {self.tokens.access_token}"
        async with self._session.request(
            method, self.base_url + path, json=data, headers=headers
        ) as response:
            if response.status != 200:
                msg = f"{method} {path}: {response.status} {await response.text()}"
                raise DemoError(msg)
            return await response.json()

    async def _connect_websocket(self) -> None:
        assert self._session is not None
        assert self.tokens is not None
        self._ws = await self._session.ws_connect(self.base_url + "/api/websocket")
        await self._ws.receive_json()  # auth_required
        await self._ws.send_json(
            {"type": "auth", "access_token": self.tokens.access_token}
        )
        if (await self._ws.receive_json())["type"] != "auth_ok":
            raise DemoError("websocket authentication failed")

    async def ws(self, command: str, **data: Any) -> Any:
        """Send one websocket command and return its result."""
        assert self._ws is not None
        self._ws_id += 1
        await self._ws.send_json({"id": self._ws_id, "type": command, **data})
        while True:
            message = await self._ws.receive_json(timeout=60)
            if message.get("id") == self._ws_id and message["type"] == "result":
                break
        if not message["success"]:
            msg = f"{command}: {message['error']}"
            raise DemoError(msg)
        return message["result"]

    async def device_id(self, name: str | None = None) -> str:
        """The id of the demo athlete's device, or of the gear named `name`."""
        for device in await self.ws("config/device_registry/list"):
            if not any(domain == DOMAIN for domain, _ in device["identifiers"]):
                continue
            # The athlete's device is the one no other hangs under.
            if (name is None and device["via_device_id"] is None) or (
                name is not None and device["name"] == name
            ):
                return str(device["id"])
        raise DemoError(f"no Intervals.icu device {name or ''}".rstrip())

    async def entity_id(self, key: str) -> str:
        """The entity id of the integration's entity with unique id key `key`.

        Unique ids are `{athlete id}_{key}`; entity ids follow the translated
        names, which may change, so they are looked up here.
        """
        for entry in await self.ws("config/entity_registry/list"):
            if entry["platform"] == DOMAIN and entry["unique_id"].endswith(f"_{key}"):
                return str(entry["entity_id"])
        msg = f"no Intervals.icu entity with key {key}"
        raise DemoError(msg)

    async def state(self, entity_id: str) -> dict[str, Any]:
        """The state object of entity_id."""
        for state in await self.ws("get_states"):
            if state["entity_id"] == entity_id:
                return dict(state)
        msg = f"no state for {entity_id}"
        raise DemoError(msg)

    async def wait_for_data(self, key: str = "run_distance_ytd") -> dict[str, Any]:
        """The state of entity `key` once it has a number (after the first update)."""
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(DemoError):
                state = await self.state(await self.entity_id(key))
                with contextlib.suppress(ValueError):
                    float(state["state"])
                    return state
            if time.monotonic() > deadline:
                msg = f"entity {key} has no number after 60 s:\n{self.log_tail()}"
                raise DemoError(msg)
            await asyncio.sleep(0.5)

    @contextlib.asynccontextmanager
    async def open_browser(self) -> AsyncIterator[BrowserContext]:
        """Headless Chromium at 1280x800, logged in as the onboarded user."""
        assert self.tokens is not None
        if not await asyncio.to_thread(Path(CHROMIUM).exists):
            msg = f"{CHROMIUM} does not exist: apt-get install chromium"
            raise DemoError(msg)
        async with async_playwright() as playwright:
            browser: Browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            try:
                context = await browser.new_context(
                    viewport=VIEWPORT,  # type: ignore[arg-type]
                    locale="en-US",
                    timezone_id=TIME_ZONE,
                    color_scheme="light",
                )
                await context.add_init_script(
                    "window.localStorage.setItem('hassTokens', "
                    f"{json.dumps(self.tokens.frontend_storage(self.base_url))});"
                )
                yield context
            finally:
                await browser.close()


async def add_integration(
    page: Page,
    demo: DemoHomeAssistant,
    on_form: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Add the demo athlete through the real config flow dialog.

    Opens "Add integration → Intervals.icu", fills in the emulator's server
    URL and demo key (athlete id empty), awaits `on_form` (a screenshot of the
    filled form), submits and finishes.
    """
    await page.goto(
        f"{demo.base_url}/config/integrations/dashboard/add?domain={DOMAIN}"
    )
    # HA asks "Do you want to set up Intervals.icu?" when opened by a link.
    await page.locator("dialog-box").get_by_role("button", name="OK").click()
    flow = page.locator("dialog-data-entry-flow")
    await flow.locator("input[name=api_key]").fill(DEMO_API_KEY)
    await flow.locator("input[name=url]").fill(demo.emulator_url)
    if on_form is not None:
        await on_form()
    await flow.get_by_role("button", name="Submit").click()
    finish = flow.get_by_role("button", name="Finish")
    await finish.click()
    await finish.wait_for(state="hidden")
