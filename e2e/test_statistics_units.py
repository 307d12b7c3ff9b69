"""The browser test of the long-term statistics' units, in the real frontend.

Home Assistant's statistics cards show an external statistic in the unit it
was stored in, so the integration stores distances as the user reads them.
On a metric installation the statistics graph and the statistic card read
km; switched to US customary, the stored rows are converted (no download)
and the same cards read mi. Runs with `scripts/e2e`.
"""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
import re
import time
from typing import Any

from playwright.async_api import Page
import pytest

from e2e.demo import DemoHomeAssistant, add_integration
from e2e.test_frontend import deep_text

pytestmark = pytest.mark.timeout(300)

DASHBOARD = "statistics-units"
# The chart's y axis is drawn on a canvas; its title is the unit the card
# asked the recorder for, read from the chart's options.
AXIS_UNIT = """(root) => {
  const find = (node) => {
    if (!node) return null;
    if (node.tagName === 'HA-CHART-BASE') return node;
    for (const child of [node.shadowRoot, ...node.children]) {
      const found = child && find(child);
      if (found) return found;
    }
    return null;
  };
  const chart = find(root);
  const options = chart && chart.chart && chart.chart.getOption();
  const axis = options && [].concat(options.yAxis || [])[0];
  return axis ? String(axis.name || '') : null;
}"""


async def until[T](
    what: str, check: Callable[[], Awaitable[T | None]], within: float
) -> T:
    """The first truthy result of `check` within `within` seconds."""
    deadline = time.monotonic() + within
    while not (found := await check()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {within} s")
        await asyncio.sleep(0.5)
    return found


async def stored_unit(demo: DemoHomeAssistant, statistic_id: str) -> str | None:
    """The unit the recorder holds the statistic in (None before it exists)."""
    for found in await demo.ws("recorder/list_statistic_ids"):
        if found["statistic_id"] == statistic_id:
            return str(found["statistics_unit_of_measurement"])
    return None


async def cards_read(page: Page, demo: DemoHomeAssistant) -> tuple[str, str]:
    """The statistic card's text and the graph's axis unit, freshly loaded."""
    await page.goto(f"{demo.base_url}/{DASHBOARD}/0")
    card = page.locator("hui-statistic-card").first
    graph = page.locator("hui-statistics-graph-card").first
    await graph.locator("canvas").first.wait_for()

    async def axis() -> str | None:
        unit = await graph.evaluate(AXIS_UNIT)
        # Without the bidi isolation marks the frontend puts around a unit.
        return str(unit).strip("\u2068\u2069") if unit else None

    unit = await until("the graph's axis unit", axis, 30)

    async def statistic() -> str | None:
        text = await deep_text(card)
        return text if re.search(r"\d", text) else None

    return await until("the statistic card's value", statistic, 30), unit


async def test_statistics_read_in_the_unit_system(tmp_path: Path) -> None:
    """Km on metric; mi on US customary, the same distance converted."""
    async with (
        DemoHomeAssistant(tmp_path / "demo", any_emulator_port=True) as demo,
        demo.open_browser() as context,
    ):
        page = await context.new_page()
        await add_integration(page, demo)
        entity_id = await demo.entity_id("run_distance_ytd")
        registry = await demo.ws("config/entity_registry/get", entity_id=entity_id)
        athlete_id = registry["unique_id"].removesuffix("_run_distance_ytd")
        statistic_id = f"intervals_icu:{athlete_id}_run_distance"

        async def imported() -> str | None:
            return await stored_unit(demo, f"intervals_icu:{athlete_id}_form")

        await until("the history import", imported, 240)
        config: dict[str, Any] = {
            "views": [
                {
                    "cards": [
                        {
                            "type": "statistics-graph",
                            "entities": [statistic_id],
                            "chart_type": "bar",
                            "period": "month",
                            "stat_types": ["change"],
                            "days_to_show": 730,
                        },
                        {
                            "type": "statistic",
                            "entity": statistic_id,
                            "stat_type": "change",
                            "period": {"calendar": {"period": "year", "offset": -1}},
                        },
                    ]
                }
            ]
        }
        await demo.ws(
            "lovelace/dashboards/create",
            url_path=DASHBOARD,
            title="Units",
            mode="storage",
            require_admin=False,
            show_in_sidebar=False,
        )
        await demo.ws("lovelace/config/save", url_path=DASHBOARD, config=config)

        assert await stored_unit(demo, statistic_id) == "km"
        metric_text, metric_axis = await cards_read(page, demo)
        assert metric_axis == "km"
        metric_value = re.search(r"([\d,.]+)\s*km\b", metric_text)
        assert metric_value, metric_text

        # Settings → System → General → Unit system: US customary.
        await demo.ws("config/core/update", unit_system="us_customary")

        async def converted() -> bool:
            return await stored_unit(demo, statistic_id) == "mi"

        await until("the stored rows in miles", converted, 60)
        us_text, us_axis = await cards_read(page, demo)
        assert us_axis == "mi"
        us_value = re.search(r"([\d,.]+)\s*mi\b", us_text)
        assert us_value, us_text
        # The same distance, converted (the card rounds what it shows).
        km = float(metric_value[1].replace(",", ""))
        miles = float(us_value[1].replace(",", ""))
        assert miles == pytest.approx(km / 1.609344, rel=0.01, abs=1)
