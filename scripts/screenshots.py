"""Make the README's pictures from the demo in the real Home Assistant frontend.

Starts the emulator and Home Assistant (e2e/demo.py), adds the demo athlete
through the config flow dialog, creates the dashboard of docs/dashboard.yaml
and saves PNGs of what a user sees to docs/images/. Run it as
`scripts/screenshots`, which installs what it needs first.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Iterator
import pathlib
import sys
import tempfile
import time
from typing import Any

from playwright.async_api import Error as PlaywrightError, Page
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from e2e.demo import (  # noqa: E402
    DemoError,
    DemoHomeAssistant,
    add_integration,
)

DASHBOARD = ROOT / "docs" / "dashboard.yaml"
IMAGES = ROOT / "docs" / "images"
DASHBOARD_URL = "intervals-icu"  # a dashboard's url_path needs a hyphen


def dashboard_entities(node: Any) -> Iterator[str]:
    """Every entity id a dashboard config names."""
    if isinstance(node, dict):
        for key, value in node.items():
            # A statistic id (`intervals_icu:…`) is no entity.
            if key == "entity" and isinstance(value, str) and ":" not in value:
                yield value
            else:
                yield from dashboard_entities(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str) and "." in item:
                yield item
            else:
                yield from dashboard_entities(item)


async def settle(page: Page, seconds: float = 1.5) -> None:
    """Let fonts, icons and animations finish before a screenshot."""
    await page.evaluate("document.fonts.ready.then(() => true)")
    await page.wait_for_timeout(seconds * 1000)


async def tidy(demo: DemoHomeAssistant) -> None:
    """Leave out what does not belong to the integration from the pictures.

    Onboarding adds integrations that need the internet (Google Translate,
    Met.no, Radio Browser); offline they fail and show as red cards. HA also
    files a repair about the "Core" installation method, a badge on Settings.
    """
    for entry in await demo.ws("config_entries/get"):
        if entry["state"] not in {"loaded", "not_loaded"}:
            await demo.request(
                "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
            )
    for issue in (await demo.ws("repairs/list_issues"))["issues"]:
        await demo.ws(
            "repairs/ignore_issue",
            domain=issue["domain"],
            issue_id=issue["issue_id"],
            ignore=True,
        )


async def create_dashboard(demo: DemoHomeAssistant) -> None:
    """The dashboard of docs/dashboard.yaml, if every entity it names exists."""
    config = yaml.safe_load(DASHBOARD.read_text())
    states = {state["entity_id"] for state in await demo.ws("get_states")}
    if missing := sorted(set(dashboard_entities(config)) - states):
        msg = (
            f"{DASHBOARD.relative_to(ROOT)} names entities the demo does not "
            f"have: {', '.join(missing)}"
        )
        raise DemoError(msg)
    await demo.ws(
        "lovelace/dashboards/create",
        url_path=DASHBOARD_URL,
        title=config.get("title", "Training"),
        icon="mdi:run",
        show_in_sidebar=True,
        require_admin=False,
        mode="storage",
    )
    await demo.ws("lovelace/config/save", url_path=DASHBOARD_URL, config=config)


async def take_screenshots(
    demo: DemoHomeAssistant, page: Page, saved: Callable[[str], pathlib.Path]
) -> None:
    """Add the athlete in the UI and photograph each page."""

    async def form() -> None:
        await settle(page, 0.8)
        await page.screenshot(path=saved("config-flow.png"))

    await add_integration(page, demo, form)
    await demo.wait_for_data()
    await create_dashboard(demo)

    device_id = await demo.device_id()
    await page.set_viewport_size({"width": 1280, "height": 1000})
    await page.goto(f"{demo.base_url}/config/devices/device/{device_id}")
    await page.locator("ha-device-entities-card").first.wait_for()
    await settle(page)
    await page.screenshot(path=saved("device.png"))
    # A piece of gear: the demo's chain is due a service.
    chain = await demo.device_id("Chain")
    await page.goto(f"{demo.base_url}/config/devices/device/{chain}")
    await page.locator("ha-device-entities-card").first.wait_for()
    await settle(page)
    await page.screenshot(path=saved("gear.png"))
    await page.set_viewport_size({"width": 1280, "height": 800})

    await page.goto(f"{demo.base_url}/{DASHBOARD_URL}/training")
    await page.locator("hui-gauge-card").wait_for()
    await page.locator("hui-calendar-card .fc-list-event").first.wait_for()
    await settle(page)
    await page.screenshot(path=saved("dashboard.png"))

    # The more-info dialog, opened as a user does (a click on the row), with
    # its details: the last activity's attributes. (A year total would show
    # "No statistics found": its chart needs the 5-minute statistics that the
    # recorder compiles only minutes after the start.)
    await (
        page.locator("hui-entities-card")
        .get_by_text("Last activity", exact=True)
        .click()
    )
    dialog = page.locator("ha-more-info-dialog")
    await dialog.get_by_label("Menu").click()
    await page.get_by_role("menuitem", name="Details").click()
    await dialog.get_by_text("Attributes").wait_for()
    await settle(page)
    await page.screenshot(path=saved("more-info.png"))
    await page.keyboard.press("Escape")

    await page.goto(f"{demo.base_url}/calendar")
    await page.locator("ha-full-calendar .fc-event").first.wait_for()
    await settle(page)
    await page.screenshot(path=saved("calendar.png"))
    # Writing the calendar: a workout of a sport, its text Intervals.icu's.
    await page.get_by_text("Add event").click()
    editor = page.locator("dialog-calendar-event-editor")
    await editor.locator("input[name=summary]").fill("Ride: Sweet spot")
    await editor.locator("textarea[name=description]").fill(
        "- 15m Z2\n- 40m 90%\n- 10m Z1"
    )
    await settle(page, 0.8)
    await page.screenshot(path=saved("calendar-write.png"))
    await editor.get_by_role("button", name="Close").click()

    await statistics_screenshots(demo, page, saved)


async def statistics_screenshots(
    demo: DemoHomeAssistant, page: Page, saved: Callable[[str], pathlib.Path]
) -> None:
    """The years of history in the recorder, the goal, the import's notice."""
    # The years of history in the recorder, and a 2,000 km run goal.
    await demo.ws(
        "call_service",
        domain="number",
        service="set_value",
        service_data={"value": 2000},
        target={"entity_id": "number.demo_athlete_run_distance_goal_this_year"},
    )
    await wait_for_statistics(demo)
    # A page of its own: the event editor left behind may hold the calendar
    # page on leaving (its unsaved text), which would cancel the navigation.
    page = await page.context.new_page()
    await page.goto(f"{demo.base_url}/{DASHBOARD_URL}/history")
    await page.locator("hui-statistics-graph-card canvas").first.wait_for()
    await settle(page, 3)
    await page.screenshot(path=saved("statistics.png"))

    # The notification the first import left: what it read and wrote.
    await page.get_by_text("Notifications", exact=True).click()
    await page.get_by_text("Training history imported").wait_for()
    await settle(page)
    await page.screenshot(path=saved("import-notice.png"))


async def wait_for_statistics(demo: DemoHomeAssistant) -> None:
    """Until the history import has written its last statistic (form, a mean)."""
    deadline = time.monotonic() + 600
    while True:
        found = await demo.ws("recorder/list_statistic_ids")
        if any(s["statistic_id"].endswith("_form") for s in found):
            return
        if time.monotonic() > deadline:
            msg = "the history import wrote no statistics in 10 minutes"
            raise DemoError(msg)
        await asyncio.sleep(2)


async def make_screenshots(workdir: pathlib.Path, images: pathlib.Path) -> None:
    """Start the demo and take every picture."""
    started = time.monotonic()

    def saved(name: str) -> pathlib.Path:
        path = images / name
        print(f"screenshots: {path} ({time.monotonic() - started:.0f} s)")
        return path

    async with DemoHomeAssistant(workdir) as demo:
        print(f"screenshots: Home Assistant is up ({time.monotonic() - started:.0f} s)")
        await tidy(demo)
        async with demo.open_browser() as context:
            page = await context.new_page()
            try:
                await take_screenshots(demo, page, saved)
            except PlaywrightError as err:
                await page.screenshot(path=workdir / "failure.png")
                msg = f"{err.message}\n(the page then: {workdir / 'failure.png'})"
                raise DemoError(msg) from err


def main() -> int:
    """Parse arguments, make the screenshots, report errors plainly."""
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__)
    parser.add_argument(
        "--out", type=pathlib.Path, default=IMAGES, help="folder for the PNGs"
    )
    args = parser.parse_args()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="intervals-icu-screenshots."))
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(make_screenshots(workdir / "demo", args.out.resolve()))
    except DemoError as err:
        print(f"screenshots: {err}", file=sys.stderr)
        print(f"screenshots: logs in {workdir / 'demo'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
