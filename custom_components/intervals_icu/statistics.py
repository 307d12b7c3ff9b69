"""Long-term statistics in Home Assistant's recorder: import, rewrite, clear.

The rows come from `history` (pure); this module only talks to the recorder.
Every statistic is external (`intervals_icu:{athlete_id}_{group}_{metric}`),
so the statistics graph card and the energy-style pickers show the years
before Home Assistant was installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from itertools import batched
import time
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistic_during_period,
    statistics_during_period,
)
from homeassistant.const import UnitOfLength, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import DistanceConverter, DurationConverter

from .aggregate import ALL
from .api import Activity, Wellness
from .const import DEFAULT_GROUPS, DOMAIN
from .history import (
    MEANS,
    METRICS,
    MeanRow,
    SumRow,
    daily_means,
    hourly_sums,
    mean_key,
    sum_key,
    sum_keys,
)

# Rows handed to the recorder per call: it checks each row in the event loop,
# and years of hourly rows at once would hold the loop for a while; fewer,
# larger calls wake the loop less often.
ROWS_PER_CALL = 5000
# Seconds a worker waits before building a chunk (see `_chunk`).
HANDOVER_PAUSE = 0.005

# Metric -> (native unit, unit class the recorder converts it with). The
# class lets the statistics graph card show km or mi, h or min.
UNITS: dict[str, tuple[str | None, str | None]] = {
    "distance": (UnitOfLength.METERS, DistanceConverter.UNIT_CLASS),
    "moving_time": (UnitOfTime.SECONDS, DurationConverter.UNIT_CLASS),
    "elevation_gain": (UnitOfLength.METERS, DistanceConverter.UNIT_CLASS),
    "training_load": (None, None),
    "count": (None, None),
}


def statistic_id(key: str) -> str:
    """The recorder's id of one of our statistics."""
    return f"{DOMAIN}:{key}"


def all_statistic_ids(athlete_id: str) -> list[str]:
    """Every statistic an athlete can have, groups switched off included."""
    return [
        *(statistic_id(key) for key in sum_keys(athlete_id, DEFAULT_GROUPS)),
        *(statistic_id(mean_key(athlete_id, name)) for name in MEANS),
    ]


def sum_metadata(key: str, metric: str, name: str) -> StatisticMetaData:
    """Metadata of a cumulative statistic.

    The keys are those of `StatisticMetaData` in Home Assistant 2026.4 and
    later: `mean_type` and `unit_class` arrived in 2025.4 and 2025.11 and are
    required from 2026.11; `has_mean` was removed in 2026.4, so it is never sent.
    """
    unit, unit_class = UNITS[metric]
    return StatisticMetaData(
        has_sum=True,
        mean_type=StatisticMeanType.NONE,
        name=name,
        source=DOMAIN,
        statistic_id=statistic_id(key),
        unit_class=unit_class,
        unit_of_measurement=unit,
    )


def mean_metadata(key: str, name: str) -> StatisticMetaData:
    """Metadata of a daily mean (fitness, fatigue, form: no unit)."""
    return StatisticMetaData(
        has_sum=False,
        mean_type=StatisticMeanType.ARITHMETIC,
        name=name,
        source=DOMAIN,
        statistic_id=statistic_id(key),
        unit_class=None,
        unit_of_measurement=None,
    )


async def async_names(hass: HomeAssistant, athlete: str) -> dict[str, str]:
    """Statistic names in Home Assistant's language: suffix -> name.

    The recorder stores a name, not a translation key, so the name is
    rendered once, in the language Home Assistant speaks at import time.
    """
    strings = await translation.async_get_translations(
        hass, hass.config.language, "common", {DOMAIN}
    )
    prefix = f"component.{DOMAIN}.common.statistic_"
    names: dict[str, str] = {}
    suffixes = [
        *(f"{g}_{m}" for g in (*DEFAULT_GROUPS, ALL) for m in METRICS),
        *MEANS,
    ]
    for suffix in suffixes:
        template = strings.get(prefix + suffix, "{athlete} " + suffix)
        names[suffix] = template.replace("{athlete}", athlete)
    return names


def _chunk[R](
    rows: Iterable[R], to_data: Callable[[R], StatisticData]
) -> list[StatisticData]:
    """The recorder's rows, built in a worker thread (see `_async_add`)."""
    # The event loop is still finishing the step that handed this over; a
    # full garbage collection set off by the burst below would hold the GIL,
    # and so that step, for its whole length. Begin once the step is done.
    time.sleep(HANDOVER_PAUSE)
    return [to_data(row) for row in rows]


async def _async_add[R](
    hass: HomeAssistant,
    metadata: StatisticMetaData,
    rows: Sequence[R],
    to_data: Callable[[R], StatisticData],
) -> int:
    """Hand the rows of one statistic to the recorder; return how many.

    ROWS_PER_CALL at a time, each chunk built in a worker and written before
    the next is handed over. Built in the event loop, the chunks would make
    the loop the thread that runs Python's full garbage collections, which
    the recorder's objects for years of rows bring about: each walks all of
    Home Assistant's heap, about 0.2 s on a small machine.
    """
    instance = get_instance(hass)
    for chunk in batched(rows, ROWS_PER_CALL, strict=False):
        data = await hass.async_add_executor_job(_chunk, chunk, to_data)
        async_add_external_statistics(hass, metadata, data)
        await instance.async_block_till_done()
    return len(rows)


def _sum_data(row: SumRow) -> StatisticData:
    return StatisticData(start=row.start, state=row.sum, sum=row.sum)


def _mean_data(row: MeanRow) -> StatisticData:
    return StatisticData(start=row.start, mean=row.mean, min=row.mean, max=row.mean)


async def async_add_sums(
    hass: HomeAssistant,
    athlete_id: str,
    groups: Iterable[str],
    rows: Mapping[str, Sequence[SumRow]],
    names: Mapping[str, str],
) -> int:
    """Write the rows of every sum to the recorder; return how many rows."""
    count = 0
    for group in (*groups, ALL):
        for metric in METRICS:
            key = sum_key(athlete_id, group, metric)
            if series := rows.get(key):
                metadata = sum_metadata(key, metric, names[f"{group}_{metric}"])
                count += await _async_add(hass, metadata, series, _sum_data)
    return count


async def async_add_means(
    hass: HomeAssistant,
    athlete_id: str,
    means: Mapping[str, Sequence[MeanRow]],
    names: Mapping[str, str],
) -> int:
    """Write the daily means to the recorder; return how many rows."""
    count = 0
    for name in MEANS:
        key = mean_key(athlete_id, name)
        if series := means.get(key):
            metadata = mean_metadata(key, names[name])
            count += await _async_add(hass, metadata, series, _mean_data)
    return count


async def async_sums_before(
    hass: HomeAssistant, keys: Iterable[str], hour: datetime
) -> dict[str, float]:
    """Each statistic's sum just before `hour` (0 where it has no row yet)."""
    instance = get_instance(hass)
    # Rows still queued for the recorder must be in the database first.
    await instance.async_block_till_done()

    def read() -> dict[str, float]:
        sums: dict[str, float] = {}
        for key in keys:
            # The change from the beginning of time is the last sum before `hour`.
            result: dict[str, Any] = statistic_during_period(
                hass, None, hour, statistic_id(key), {"change"}, None
            )
            sums[key] = float(result.get("change") or 0.0)
        return sums

    return await instance.async_add_executor_job(read)


async def async_hours_from(
    hass: HomeAssistant, keys: Iterable[str], hour: datetime, *, wait: bool = True
) -> dict[str, list[datetime]]:
    """The hours, from `hour` on, that already hold a row of each statistic.

    `wait=False` when the caller has just waited for the recorder.
    """
    instance = get_instance(hass)
    if wait:
        await instance.async_block_till_done()
    wanted = {statistic_id(key): key for key in keys}

    def read() -> dict[str, list[datetime]]:
        rows = statistics_during_period(
            hass, hour, None, set(wanted), "hour", None, {"sum"}
        )
        return {
            wanted[sid]: [datetime.fromtimestamp(r["start"], hour.tzinfo) for r in rs]
            for sid, rs in rows.items()
        }

    return await instance.async_add_executor_job(read)


async def async_clear(hass: HomeAssistant, athlete_id: str) -> None:
    """Remove every statistic of the athlete from the recorder."""
    instance = get_instance(hass)
    instance.async_clear_statistics(all_statistic_ids(athlete_id))
    await instance.async_block_till_done()


async def async_import_all(
    hass: HomeAssistant,
    *,
    athlete_id: str,
    athlete_name: str,
    groups: Mapping[str, frozenset[str]],
    zone: ZoneInfo,
    activities: Iterable[Activity],
    wellness: Iterable[Wellness],
) -> int:
    """Replace all of the athlete's statistics by the given history; rows written.

    Clearing first drops rows of activities deleted since the last import,
    which a rewrite could not tell from the rest.
    """
    await async_clear(hass, athlete_id)
    names = await async_names(hass, athlete_name)
    # Years of activities: summed in a worker, not in the event loop.
    rows = await hass.async_add_executor_job(
        hourly_sums, tuple(activities), zone, groups, athlete_id
    )
    # One chunk at a time: years of rows keep the recorder busy for a while,
    # and states recorded meanwhile wait behind one chunk, not all of them.
    written = await async_add_sums(hass, athlete_id, groups, rows, names)
    means = await hass.async_add_executor_job(
        daily_means, tuple(wellness), zone, athlete_id
    )
    return written + await async_add_means(hass, athlete_id, means, names)


async def async_rewrite_from(
    hass: HomeAssistant,
    *,
    athlete_id: str,
    athlete_name: str,
    groups: Mapping[str, frozenset[str]],
    zone: ZoneInfo,
    activities: Iterable[Activity],
    since: datetime,
) -> int:
    """Rewrite every sum from the UTC hour `since` on; rows written.

    `activities` must hold every activity from `since` on (older ones are
    skipped); the sums before `since` come from the recorder itself.
    """
    keys = sum_keys(athlete_id, groups)
    before = await async_sums_before(hass, keys, since)
    existing = await async_hours_from(hass, keys, since, wait=False)
    rows = await hass.async_add_executor_job(
        partial(
            hourly_sums,
            tuple(activities),
            zone,
            groups,
            athlete_id,
            since=since,
            sums_before=before,
            rewrite_hours=existing,
        )
    )
    names = await async_names(hass, athlete_name)
    return await async_add_sums(hass, athlete_id, groups, rows, names)


async def async_add_wellness(
    hass: HomeAssistant,
    *,
    athlete_id: str,
    athlete_name: str,
    zone: ZoneInfo,
    wellness: Iterable[Wellness],
) -> int:
    """Write (or overwrite) the daily means of the given days; rows written."""
    names = await async_names(hass, athlete_name)
    return await async_add_means(
        hass, athlete_id, daily_means(wellness, zone, athlete_id), names
    )
