"""The LLM API: the athlete's training as tools a conversation agent can call.

Registered with `llm.async_register_api`, which every supported release has:
the user gives it to a conversation agent (OpenAI, Anthropic, Google, Ollama…)
beside or instead of Assist. Registered once when the integration loads, not
per entry, so an agent configured with it keeps working while an entry is
set up again (a missing API would fail every conversation); the tools then
say that the athlete is not available.
"""

from __future__ import annotations

from typing import override

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import llm
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from ..const import DOMAIN
from .athletes import Athletes, ToolError
from .tools import READ_TOOLS
from .training_tools import LogActivityTool, PlanWorkoutTool
from .write_tools import LogWellnessTool

API_NAME = "Intervals.icu"
PROMPT = (
    "The Intervals.icu tools answer questions about the athletes' training from"
    " Home Assistant's last hourly update: fitness, fatigue, form, HRV, wellness,"
    " totals, the plan, recent activities and personal bests. Every number comes"
    " with its unit; answer in those units. A tool that reports an error says"
    " why: tell the user. Write tools (log_wellness, plan_workout, log_activity)"
    " change the athlete's Intervals.icu data: call them only when the user"
    " explicitly asks to log, record or plan something, with the values the"
    " user gave, and say what was recorded."
)


class IntervalsLLMAPI(llm.API):
    """The tools of every athlete set up; the agent picks one by name."""

    @override
    async def async_get_api_instance(
        self, llm_context: llm.LLMContext
    ) -> llm.APIInstance:
        """The tools for this conversation turn, for the athletes set up now."""
        athletes = Athletes(self.hass)
        tools: list[llm.Tool] = [tool(athletes) for tool in READ_TOOLS]
        us_customary = self.hass.config.units is US_CUSTOMARY_SYSTEM
        tools.extend(
            write(athletes, us_customary=us_customary)
            for write in (LogWellnessTool, PlanWorkoutTool, LogActivityTool)
        )
        return llm.APIInstance(
            api=self,
            api_prompt=_prompt(athletes),
            llm_context=llm_context,
            tools=tools,
            custom_serializer=llm.selector_serializer,
        )


def _prompt(athletes: Athletes) -> str:
    lines = [PROMPT]
    for athlete in athletes.athletes:
        try:
            zone = athlete.data().zone
        except ToolError:
            lines.append(f"Athlete: {athlete.name} (data not available now).")
            continue
        today = dt_util.utcnow().astimezone(zone)
        lines.append(
            f"Athlete: {athlete.name}; their today is {today:%A %Y-%m-%d} ({zone.key})."
        )
    return "\n".join(lines)


@callback
def async_register_llm_api(hass: HomeAssistant) -> None:
    """Offer the tools to conversation agents, once per Home Assistant run."""
    llm.async_register_api(hass, IntervalsLLMAPI(hass=hass, id=DOMAIN, name=API_NAME))
