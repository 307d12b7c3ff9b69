"""What the long-term statistics hand to the recorder, and the one thing they read.

The rows come from `rows` (pure); this module only talks to the recorder.
Every statistic is external (`intervals_icu:{athlete_id}_{group}_{metric}`),
so the statistics graph card shows the years before Home Assistant was
installed. Rows are added with `async_add_external_statistics`, as core's
opower and tibber do; the recorder writes them in its own thread, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import batched
from typing import Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfLength, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import DistanceConverter, DurationConverter
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from ..const import DEFAULT_GROUPS, DOMAIN
from ..training.totals import ALL
from .rows import (
    MEANS,
    METRICS,
    Buckets,
    MeanRow,
    SumRow,
    mean_key,
    statistic_rows,
    sum_key,
    sum_keys,
)

# Rows handed to the recorder per call: it checks each row in the event loop,
# so years of hourly rows are handed over in parts.
ROWS_PER_CALL = 5000

# The unit class of each metric, which lets the recorder convert it.
UNIT_CLASSES: dict[str, str | None] = {
    "distance": DistanceConverter.UNIT_CLASS,
    "moving_time": DurationConverter.UNIT_CLASS,
    "elevation_gain": DistanceConverter.UNIT_CLASS,
    "training_load": None,
    "count": None,
}
METRIC = "metric"
US_CUSTOMARY = "us_customary"


@dataclass(frozen=True, slots=True)
class Display:
    """The unit a metric is stored in, and how many SI units one of it is."""

    unit: str | None
    per: float = 1.0


# Stored as the statistics cards show them: a card shows an external
# statistic in the unit it was stored in, whatever the unit system.
DISPLAYS: dict[str, dict[str, Display]] = {
    METRIC: {
        "distance": Display(UnitOfLength.KILOMETERS, 1000.0),
        "moving_time": Display(UnitOfTime.HOURS, 3600.0),
        "elevation_gain": Display(UnitOfLength.METERS),
        "training_load": Display(None),
        "count": Display(None),
    },
    US_CUSTOMARY: {
        "distance": Display(UnitOfLength.MILES, 1609.344),
        "moving_time": Display(UnitOfTime.HOURS, 3600.0),
        "elevation_gain": Display(UnitOfLength.FEET, 0.3048),
        "training_load": Display(None),
        "count": Display(None),
    },
}


def units_of(hass: HomeAssistant) -> str:
    """The installation's unit system, as the statistics record names it."""
    return US_CUSTOMARY if hass.config.units is US_CUSTOMARY_SYSTEM else METRIC


def statistics_available(hass: HomeAssistant) -> bool:
    """Whether Home Assistant records statistics (the recorder is set up)."""
    return "recorder" in hass.config.components


def statistic_id(key: str) -> str:
    """The recorder's id of one of our statistics."""
    return f"{DOMAIN}:{key}"


def all_statistic_ids(athlete_id: str) -> list[str]:
    """Every statistic an athlete can have, groups switched off included."""
    return [
        *(statistic_id(key) for key in sum_keys(athlete_id, DEFAULT_GROUPS)),
        *(statistic_id(mean_key(athlete_id, name)) for name in MEANS),
    ]


def sum_metadata(
    key: str, metric: str, name: str, units: str = METRIC
) -> StatisticMetaData:
    """Metadata of a cumulative statistic, stored in `units`.

    The keys are those of `StatisticMetaData` in Home Assistant 2026.4 and
    later: `mean_type` and `unit_class` arrived in 2025.4 and 2025.11 and are
    required from 2026.11; `has_mean` was removed in 2026.4, so it is never sent.
    """
    return StatisticMetaData(
        has_sum=True,
        mean_type=StatisticMeanType.NONE,
        name=name,
        source=DOMAIN,
        statistic_id=statistic_id(key),
        unit_class=UNIT_CLASSES[metric],
        unit_of_measurement=DISPLAYS[units][metric].unit,
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
    rendered once, in the language Home Assistant speaks when it is written.
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


async def _async_add[R](
    hass: HomeAssistant,
    metadata: StatisticMetaData,
    rows: Sequence[R],
    to_data: Callable[[R], StatisticData],
) -> int:
    """Hand the rows of one statistic to the recorder; return how many.

    Each part's rows are built in a worker thread, so years of rows never
    hold the event loop; the recorder checks each part as it takes it.
    """
    for chunk in batched(rows, ROWS_PER_CALL, strict=False):
        data = await hass.async_add_executor_job(_build, chunk, to_data)
        async_add_external_statistics(hass, metadata, data)
    return len(rows)


def _build[R](
    rows: Iterable[R], to_data: Callable[[R], StatisticData]
) -> list[StatisticData]:
    return [to_data(row) for row in rows]


def _sum_data(per: float, row: SumRow) -> StatisticData:
    return StatisticData(start=row.start, state=row.sum / per, sum=row.sum / per)


def _mean_data(row: MeanRow) -> StatisticData:
    return StatisticData(start=row.start, mean=row.mean, min=row.mean, max=row.mean)


async def async_add_sums(
    hass: HomeAssistant,
    athlete_id: str,
    groups: Iterable[str],
    rows: Mapping[str, Sequence[SumRow]],
    names: Mapping[str, str],
    *,
    units: str = METRIC,
) -> int:
    """Hand the rows (SI) of every sum to the recorder in `units`; rows handed."""
    count = 0
    for group in (*groups, ALL):
        for metric in METRICS:
            key = sum_key(athlete_id, group, metric)
            if series := rows.get(key):
                name = names[f"{group}_{metric}"]
                metadata = sum_metadata(key, metric, name, units)
                to_data = partial(_sum_data, DISPLAYS[units][metric].per)
                count += await _async_add(hass, metadata, series, to_data)
    return count


async def async_add_buckets(
    hass: HomeAssistant,
    athlete_id: str,
    groups: Iterable[str],
    buckets: Buckets,
    names: Mapping[str, str],
    *,
    units: str = METRIC,
) -> int:
    """Hand every sum of the whole history to the recorder; return how many rows.

    One statistic at a time, its rows made in a worker thread: only one
    statistic's rows exist at any moment.
    """
    count = 0
    for group in (*groups, ALL):
        for index, metric in enumerate(METRICS):
            if not (by_hour := buckets.get(group)):
                continue
            rows, _ = await hass.async_add_executor_job(
                partial(statistic_rows, by_hour, index)
            )
            key = sum_key(athlete_id, group, metric)
            metadata = sum_metadata(key, metric, names[f"{group}_{metric}"], units)
            to_data = partial(_sum_data, DISPLAYS[units][metric].per)
            count += await _async_add(hass, metadata, rows, to_data)
    return count


async def async_convert(
    hass: HomeAssistant,
    athlete_id: str,
    groups: Iterable[str],
    names: Mapping[str, str],
    *,
    old: str,
    new: str,
) -> int:
    """Store every sum whose unit the unit system changes in the new one.

    The rows the recorder holds are read back, converted and written again
    (the recorder converts only its own statistics' rows); no request.
    """
    count = 0
    for group in (*groups, ALL):
        for metric in METRICS:
            before, after = DISPLAYS[old][metric], DISPLAYS[new][metric]
            if before == after:
                continue
            key = sum_key(athlete_id, group, metric)
            rows = await get_instance(hass).async_add_executor_job(
                _stored_rows, hass, statistic_id(key)
            )
            metadata = sum_metadata(key, metric, names[f"{group}_{metric}"], new)
            to_data = partial(_converted, before.per / after.per)
            count += await _async_add(hass, metadata, rows, to_data)
    return count


def _stored_rows(hass: HomeAssistant, sid: str) -> list[Any]:
    found = statistics_during_period(
        hass, datetime(1970, 1, 1, tzinfo=UTC), None, {sid}, "hour", None, {"sum"}
    )
    return list(found.get(sid, []))


def _converted(factor: float, row: Mapping[str, Any]) -> StatisticData:
    value = float(row.get("sum") or 0.0) * factor
    return StatisticData(
        start=datetime.fromtimestamp(row["start"], UTC), state=value, sum=value
    )


async def async_add_means(
    hass: HomeAssistant,
    athlete_id: str,
    means: Mapping[str, Sequence[MeanRow]],
    names: Mapping[str, str],
) -> int:
    """Hand the daily means to the recorder; return how many rows."""
    count = 0
    for name in MEANS:
        key = mean_key(athlete_id, name)
        if series := means.get(key):
            metadata = mean_metadata(key, names[name])
            count += await _async_add(hass, metadata, series, _mean_data)
    return count


def clear(hass: HomeAssistant, athlete_id: str) -> None:
    """Remove every statistic of the athlete from the recorder.

    The recorder works through what it is given in order: rows handed over
    after this are written after the clearing.
    """
    get_instance(hass).async_clear_statistics(all_statistic_ids(athlete_id))


async def async_last_sum(hass: HomeAssistant, key: str) -> float | None:
    """The sum of a statistic's newest row in the recorder; None without rows."""

    def read() -> float | None:
        found: dict[str, list[Any]] = get_last_statistics(
            hass, 1, statistic_id(key), convert_units=False, types={"sum"}
        )
        rows = found.get(statistic_id(key))
        return None if not rows else float(rows[0].get("sum") or 0.0)

    return await get_instance(hass).async_add_executor_job(read)
