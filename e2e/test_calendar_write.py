"""The browser test of writing the calendar: add, edit and delete in the real frontend.

Each change is on Intervals.icu (the emulator) and back in Home Assistant's
calendar within seconds. Runs with `scripts/e2e`.
"""

import asyncio
import base64
from collections.abc import Awaitable, Callable
from pathlib import Path
import time
from typing import Any

import aiohttp
from playwright.async_api import Locator, Page
import pytest

from e2e.demo import DEMO_API_KEY, DemoHomeAssistant, add_integration

pytestmark = pytest.mark.timeout(170)

# Each change shows on both sides within this many seconds.
WITHIN = 5.0
WORKOUT_TEXT = "- 15m Z2\n- 40m 90%\n- 10m Z1"


async def served(demo: DemoHomeAssistant) -> list[dict[str, Any]]:
    """The demo athlete's calendar entries as the emulator serves them."""
    token = base64.b64encode(f"API_KEY:{DEMO_API_KEY}".encode()).decode()
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{demo.emulator_url}/api/v1/athlete/0/events.json",
            params={"oldest": "2000-01-01", "newest": "2100-12-31"},
            headers={"Authorization": f"Basic {token}"},
        ) as response,
    ):
        assert response.status == 200
        events: list[dict[str, Any]] = await response.json()
        return events


async def until[T](
    what: str, check: Callable[[], Awaitable[T | None]], within: float = WITHIN
) -> tuple[T, float]:
    """The first truthy result of `check`, and how long it took."""
    started = time.monotonic()
    while (found := await check()) is None or not found:
        if time.monotonic() - started > within:
            pytest.fail(f"{what}: not within {within} s")
        await asyncio.sleep(0.05)
    return found, time.monotonic() - started


def named(name: str) -> Callable[[list[dict[str, Any]]], dict[str, Any] | None]:
    """A picker of the entry of that name."""
    return lambda events: next((e for e in events if e.get("name") == name), None)


async def entry(page: Page, text: str) -> Locator:
    """The calendar's entry showing `text`, once it shows (within WITHIN)."""
    event = page.locator("ha-full-calendar .fc-event", has_text=text).first
    await event.wait_for(timeout=WITHIN * 1000)
    return event


async def test_add_edit_delete_in_the_calendar(tmp_path: Path) -> None:
    """As a user does it in the calendar panel; each change checked on both sides."""
    async with (
        DemoHomeAssistant(tmp_path / "demo", any_emulator_port=True) as demo,
        demo.open_browser() as context,
    ):
        page = await context.new_page()
        await add_integration(page, demo)
        await demo.wait_for_data("run_distance_ytd")
        await page.goto(f"{demo.base_url}/calendar")
        await page.locator("ha-full-calendar .fc-event").first.wait_for()

        # Add: a workout of a sport, its description Intervals.icu's workout text.
        await page.get_by_text("Add event").click()
        editor = page.locator("dialog-calendar-event-editor")
        await editor.locator("input[name=summary]").fill("Ride: Lunch sweet spot")
        await editor.locator("textarea[name=description]").fill(WORKOUT_TEXT)
        await editor.get_by_role("button", name="Add event").click()
        pick = named("Lunch sweet spot")

        async def added() -> dict[str, Any] | None:
            return pick(await served(demo))

        event, _ = await until("the entry on Intervals.icu", added)
        assert (event["category"], event["type"]) == ("WORKOUT", "Ride")
        # Intervals.icu's planned numbers, worked out from the text.
        assert event["moving_time"] == 65 * 60
        shown = await entry(page, "Lunch sweet spot")

        # Edit: a new name; the planned numbers shown are not written back.
        await shown.click()
        detail = page.locator("dialog-calendar-event-detail")
        await detail.get_by_role("button", name="Edit event").click()
        summary = editor.locator("input[name=summary]")
        assert await summary.input_value() == "Lunch sweet spot"
        await summary.fill("Lunch sweet spot 2x20")
        await editor.get_by_role("button", name="Save").click()
        renamed = named("Lunch sweet spot 2x20")

        async def edited() -> dict[str, Any] | None:
            return renamed(await served(demo))

        changed, _ = await until("the change on Intervals.icu", edited)
        assert changed["id"] == event["id"]
        assert changed["description"] == WORKOUT_TEXT
        shown = await entry(page, "Lunch sweet spot 2x20")

        # Delete, confirmed.
        await shown.click()
        await detail.get_by_role("button", name="Delete event").click()
        confirm = page.locator("confirm-event-dialog-box")
        await confirm.get_by_role("button", name="Delete").click()

        async def deleted() -> bool:
            return all(e["id"] != event["id"] for e in await served(demo))

        await until("the deletion on Intervals.icu", deleted)
        gone = page.locator("ha-full-calendar .fc-event", has_text="Lunch sweet spot")
        await gone.first.wait_for(state="detached", timeout=WITHIN * 1000)
