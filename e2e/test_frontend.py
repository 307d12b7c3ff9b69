"""The browser test: the demo athlete added and shown in the real frontend.

Runs with `scripts/e2e` (headless Chromium, Home Assistant and the emulator
as child processes); `scripts/test` does not collect it.
"""

import asyncio
import json
from pathlib import Path
import re
import time

from playwright.async_api import Locator, Page, Response
import pytest

from e2e.demo import DOMAIN, ROOT, DemoHomeAssistant, add_integration

pytestmark = pytest.mark.timeout(170)

INTEGRATION = ROOT / "custom_components" / DOMAIN
BRAND_PATH = f"/api/brands/integration/{DOMAIN}/"
# Untranslated strings as the frontend shows them when a key is missing.
RAW_KEY = re.compile(rf"component\.{DOMAIN}\.|config\.step\.|\bentity\.sensor\.")

# Every text of an element, shadow roots included (innerText stops at them).
DEEP_TEXT = """(root) => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  return parts.join(" ").replace(/\\s+/g, " ");
}"""


async def deep_text(element: Locator) -> str:
    """The text of an element, shadow DOM included."""
    return str(await element.evaluate(DEEP_TEXT))


async def brand_image_loaded(page: Page, within: float = 15) -> bool:
    """Whether an <img> of the integration's brand icon has rendered."""
    image = page.locator(f'img[src*="{BRAND_PATH}"]').first
    await image.wait_for(state="attached", timeout=within * 1000)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await image.evaluate("i => i.complete && i.naturalWidth > 0"):
            return True
        await asyncio.sleep(0.2)
    return False


async def test_add_demo_athlete_in_the_frontend(tmp_path: Path) -> None:
    """Config flow in the dialog, then the device page: names, icon, numbers."""
    english = json.loads((INTEGRATION / "translations" / "en.json").read_text())
    sensor_names = english["entity"]["sensor"]
    form = english["config"]["step"]["user"]
    brand_files = {path.read_bytes() for path in (INTEGRATION / "brand").glob("*.png")}

    async with (
        DemoHomeAssistant(tmp_path / "demo", any_emulator_port=True) as demo,
        demo.open_browser() as context,
    ):
        # (url, status, body) of each brand image the frontend asked for.
        brand_responses: list[tuple[str, int, bytes]] = []

        async def on_response(response: Response) -> None:
            if BRAND_PATH in response.url:
                body = await response.body() if response.status == 200 else b""
                brand_responses.append((response.url, response.status, body))

        context.on("response", on_response)
        page = await context.new_page()

        # The form: fill it in, submit, finish (as a user would).
        async def check_form() -> None:
            text = await deep_text(page.locator("dialog-data-entry-flow"))
            assert not RAW_KEY.findall(text), RAW_KEY.findall(text)
            for label in (form["title"], *form["data"].values()):
                assert label in text

        await add_integration(page, demo, check_form)
        entries = [
            entry
            for entry in await demo.ws("config_entries/get")
            if entry["domain"] == DOMAIN
        ]
        assert [entry["title"] for entry in entries] == ["Demo Athlete"]
        run_distance = await demo.wait_for_data("run_distance_ytd")

        # The device page with its sensors.
        athlete_device = await demo.device_id()
        await page.goto(f"{demo.base_url}/config/devices/device/{athlete_device}")
        run_name = sensor_names["run_distance_ytd"]["name"]
        await page.get_by_text(run_name, exact=True).first.wait_for()
        await asyncio.sleep(1)  # let the rest of the cards render
        text = await deep_text(page.locator("body"))

        assert not RAW_KEY.findall(text), RAW_KEY.findall(text)
        enabled = [
            entry
            for entry in await demo.ws("config/entity_registry/list")
            if entry["platform"] == DOMAIN
            and entry["entity_id"].startswith("sensor.")
            and entry["disabled_by"] is None
            # The gear's sensors are on the gear's own device pages.
            and entry["device_id"] == athlete_device
        ]
        assert len(enabled) >= 10
        expected = [
            sensor_names.get(entry["translation_key"], {}).get(
                "name", f"<{entry['entity_id']}: no name in en.json>"
            )
            for entry in enabled
        ]
        missing = [name for name in expected if name not in text]
        assert not missing, f"sensor names not on the device page: {missing}"

        # The run distance this year: its row shows the state, in its unit.
        row = page.locator("hui-sensor-entity-row, hui-simple-entity-row").filter(
            has_text=run_name
        )
        row_text = (await deep_text(row.first)).replace(",", "")
        unit = run_distance["attributes"]["unit_of_measurement"]
        shown = re.search(rf"(-?\d+(?:\.\d+)?)\s*{re.escape(unit)}", row_text)
        assert shown, row_text
        assert float(run_distance["state"]) > 0
        assert abs(float(shown[1]) - float(run_distance["state"])) <= 0.5

        # The brand icon, served from custom_components/intervals_icu/brand/.
        assert await brand_image_loaded(page)
        assert any(
            status == 200 and body in brand_files for _, status, body in brand_responses
        ), [(url, status) for url, status, _ in brand_responses]
