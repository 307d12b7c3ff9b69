"""Fetching the whole history from the emulator: paged, only the fields needed."""

from datetime import date, datetime, timedelta
import math
from typing import Any

import pytest

from custom_components.intervals_icu.api import (
    TOTALS_FIELDS,
    IntervalsClient,
    IntervalsResponseError,
)
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.state import EmulatorState

from ..conftest import API_KEY, ATHLETE_ID, NOW


@pytest.fixture
def athlete(frozen: object) -> Athlete:
    """An athlete with six and a half years of history."""
    return generate_athlete(
        seed=11,
        athlete_id=ATHLETE_ID,
        api_key=API_KEY,
        timezone="Europe/Amsterdam",
        activities_per_year=300,
        start=date(2020, 1, 1),
        end=NOW.date(),
        now=NOW,
        strava_share=0.05,
    )


@pytest.mark.parametrize("page_size", [200, 500, 10_000])
async def test_activity_history_pages_back_to_the_first_activity(
    client: IntervalsClient,
    athlete: Athlete,
    state: EmulatorState,
    page_size: int,
) -> None:
    before = datetime(2025, 1, 1)
    history = await client.get_activity_history(ATHLETE_ID, before, page_size=page_size)
    expected = [a for a in athlete.activities if a["start_date_local"] < "2025-01-01"]
    assert len(expected) > 1400
    assert [a.id for a in history] == [a["id"] for a in expected]
    assert history == sorted(history, key=lambda a: a.start_local)
    stubs = [a for a in expected if a.get("source") == "STRAVA"]
    assert stubs
    assert sum(a.is_stub for a in history) == len(stubs)
    requests = state.log.matching("/activities$")
    # One page per page_size activities, and the last, short one.
    assert len(requests) == math.floor(len(expected) / page_size) + 1
    for request in requests:
        assert request.query["fields"] == [",".join(TOTALS_FIELDS)]
        assert request.query["limit"] == [str(page_size)]
        assert request.query["newest"][0] < "2025-01-01"
    # With fields limited an activity costs under 200 bytes, not kilobytes.
    assert state.log.total_bytes("/activities$") < 200 * len(expected)


async def test_activities_sharing_a_start_do_not_loop(
    client: IntervalsClient, athlete: Athlete
) -> None:
    same = "2019-06-01T08:00:00"
    athlete.activities += [
        {"id": f"i{n}", "start_date_local": same, "type": "Run", "distance": 1000.0}
        for n in (1, 2, 3)
    ]
    athlete.activities.append(
        {"id": "i0", "start_date_local": "2019-05-01T08:00:00", "type": "Run"}
    )
    history = await client.get_activity_history(
        ATHLETE_ID, datetime(2019, 12, 31), page_size=2
    )
    # Three at one instant with pages of two: the walk steps past the instant
    # instead of asking for it forever, and still reaches the older one.
    assert history[0].id == "i0"
    assert {a.id for a in history} <= {"i0", "i1", "i2", "i3"}


async def test_wellness_history_asks_only_for_fitness_and_fatigue(
    client: IntervalsClient, athlete: Athlete, state: EmulatorState
) -> None:
    records = await client.get_wellness_history(
        ATHLETE_ID, date(2020, 1, 1), date(2025, 12, 31), days_per_page=1000
    )
    expected = athlete.wellness_between("2020-01-01", "2025-12-31")
    assert [r.day.isoformat() for r in records] == [e["id"] for e in expected]
    assert [(r.ctl, r.atl) for r in records] == [(e["ctl"], e["atl"]) for e in expected]
    assert all(r.weight is None and r.hrv is None for r in records)
    requests = state.log.matching("/wellness")
    # 2,192 days in pages of 1,000.
    assert len(requests) == 3
    assert all(r.query["fields"] == ["id,ctl,atl"] for r in requests)


@pytest.mark.parametrize(
    ("rewrite", "what"),
    [
        # Asked for up to `newest`, it always answers the newest activities.
        (lambda q: {k: v for k, v in q.items() if k != "newest"}, "ignores newest"),
        # Its pages overlap: each reaches 40 days past `newest`.
        (
            lambda q: {
                **q,
                "newest": (
                    datetime.fromisoformat(q["newest"]) + timedelta(days=40)
                ).isoformat(),
            },
            "overlaps pages",
        ),
    ],
)
async def test_a_server_that_misbehaves_cannot_loop_or_inflate_the_history(
    client: IntervalsClient,
    athlete: Athlete,
    state: EmulatorState,
    rewrite: Any,
    what: str,
) -> None:
    state.add_fault(Fault.query(rewrite, path="/activities$"))
    before = datetime(2025, 1, 1)
    history = await client.get_activity_history(ATHLETE_ID, before, page_size=200)
    # Nothing twice, nothing from the bound on.
    assert len({a.id for a in history}) == len(history)
    assert all(a.start_local < before for a in history)
    expected = {a["id"] for a in athlete.activities if a["start_date_local"] < "2025"}
    assert {a.id for a in history} <= expected
    if what == "overlaps pages":
        assert {a.id for a in history} == expected
    # It ends, and soon: no page more than the history needs, and one or two
    # when every page is the same.
    assert len(state.log.matching("/activities$")) <= len(expected) // 200 + 3


async def test_a_history_that_never_ends_is_an_invalid_response(
    client: IntervalsClient, athlete: Athlete, state: EmulatorState
) -> None:
    with pytest.raises(IntervalsResponseError):
        async for _ in client.iter_activity_history(
            ATHLETE_ID, datetime(2025, 1, 1), page_size=10, max_pages=3
        ):
            pass
    assert len(state.log.matching("/activities$")) == 3
