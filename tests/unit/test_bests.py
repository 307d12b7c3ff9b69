"""Pure logic: bests read off the curves, new records, gear due a service."""

from datetime import UTC, date, datetime, timedelta
import json
from zoneinfo import ZoneInfo

import pytest

from custom_components.intervals_icu.api import (
    Gear,
    IntervalsAuthenticationError,
    IntervalsConnectionError,
    PaceCurve,
    PowerCurve,
    Reminder,
    SportSettings,
)
from custom_components.intervals_icu.sync.curves_gear import CurvesAndGear, curve_sports
from custom_components.intervals_icu.training.bests import (
    RUN_TARGETS,
    SWIM_TARGETS,
    Best,
    RecordKind,
    pace_bests,
    power_bests,
)
from custom_components.intervals_icu.training.gear import (
    in_use,
    is_snoozed,
    limits_reached,
    reminder_attributes,
    service_due,
)
from custom_components.intervals_icu.training.records import (
    NewRecord,
    RecordBook,
    detect_records,
)

ZONE = ZoneInfo("Europe/Amsterdam")


def _power(**points: tuple[float, str, float | None, str | None]) -> PowerCurve:
    secs = [float(k.removeprefix("s")) for k in points]
    values = list(points.values())
    return PowerCurve(
        secs=tuple(secs),
        watts=tuple(v[0] for v in values),
        activity_id=tuple(v[1] for v in values),
        watts_per_kg=tuple(v[2] for v in values),
        wkg_activity_id=tuple(v[3] for v in values),
    )


def _pace(points: dict[float, tuple[float, str]]) -> PaceCurve:
    return PaceCurve(
        distance=tuple(points),
        seconds=tuple(v[0] for v in points.values()),
        activity_id=tuple(v[1] for v in points.values()),
    )


# Reading bests ----------------------------------------------------------------


def test_power_bests_at_listed_durations_only() -> None:
    curve = _power(
        s1=(1100, "a", 15.0, "a"),
        s5=(980, "a", 13.1, "a"),
        s60=(520, "b", 7.2, "c"),
        s300=(360, "b", 5.0, None),
        s1200=(300, "c", 0.0, "c"),
    )
    bests = power_bests(curve)
    assert list(bests) == [
        "ride_best_power_5s",
        "ride_best_power_1min",
        "ride_best_power_5min",
        "ride_best_power_20min",
        "ride_best_power_60min",
    ]
    assert bests["ride_best_power_5s"] == Best(
        key="ride_best_power_5s",
        kind=RecordKind.POWER,
        value=980,
        at=5,
        activity_id="a",
        watts_per_kg=13.1,
    )
    # W/kg set by another activity does not belong beside these watts.
    one_min = bests["ride_best_power_1min"]
    assert one_min is not None
    assert one_min.watts_per_kg is None
    five_min = bests["ride_best_power_5min"]
    assert five_min is not None
    assert five_min.watts_per_kg == 5.0
    twenty = bests["ride_best_power_20min"]
    assert twenty is not None
    assert twenty.watts_per_kg is None
    # Nobody rode an hour this year: unknown, never zero.
    assert bests["ride_best_power_60min"] is None
    assert all(b is None for b in power_bests(PowerCurve()).values())
    assert power_bests(_power(s5=(0, "a", None, None)))["ride_best_power_5s"] is None


def test_pace_bests_take_exact_points_only() -> None:
    curve = _pace(
        {
            400.0: (70, "a"),
            1000.0: (190, "a"),
            # A 32-bit float of 5000 m off by a little is still 5 km.
            5000.000390625: (1100, "b"),
            10400.0: (2400, "c"),
            21097.5: (5200, "d"),
            42195.0: (0, "e"),
        }
    )
    bests = pace_bests(curve, RUN_TARGETS)
    assert list(bests) == [
        "run_best_time_1k",
        "run_best_time_5k",
        "run_best_time_10k",
        "run_best_time_half_marathon",
        "run_best_time_marathon",
    ]
    five = bests["run_best_time_5k"]
    assert five is not None
    assert five.value == 1100
    assert five.activity_id == "b"
    assert five.speed == pytest.approx(5000 / 1100)
    # Not the 10.4 km time passed off as a 10 km best.
    assert bests["run_best_time_10k"] is None
    half = bests["run_best_time_half_marathon"]
    assert half is not None
    assert half.at == 21097.5
    assert bests["run_best_time_marathon"] is None
    swim = pace_bests(
        _pace({100.0: (95, "s"), 1609.3440551757812: (1800, "s")}), SWIM_TARGETS
    )
    assert swim["swim_best_time_100m"] is not None
    assert swim["swim_best_time_400m"] is None
    power = Best(key="k", kind=RecordKind.POWER, value=300, at=60)
    assert power.speed is None


# New records -------------------------------------------------------------------


def _best(
    key: str, value: float, activity: str | None, kind: RecordKind = RecordKind.PACE
) -> Best:
    return Best(key=key, kind=kind, value=value, at=5000, activity_id=activity)


FIVE = "run_best_time_5k"
TEN = "run_best_time_10k"
WATTS = "ride_best_power_5min"


def test_first_load_is_never_news() -> None:
    records, book = detect_records(None, 2026, {FIVE: _best(FIVE, 1200, "a")})
    assert records == []
    assert book.seen == {FIVE: 1200}
    assert book.year == 2026


def test_an_improvement_fires_once() -> None:
    _, book = detect_records(
        None,
        2026,
        {
            FIVE: _best(FIVE, 1200, "a"),
            TEN: _best(TEN, 2600, "a"),
            WATTS: _best(WATTS, 300, "r", RecordKind.POWER),
        },
    )
    current = {
        FIVE: _best(FIVE, 1150, "b"),
        TEN: _best(TEN, 2600, "a"),
        WATTS: _best(WATTS, 310, "r2", RecordKind.POWER),
    }
    records, book = detect_records(book, 2026, current)
    assert records == [
        NewRecord(
            key=FIVE, kind=RecordKind.PACE, previous=1200, value=1150, activity_id="b"
        ),
        NewRecord(
            key=WATTS, kind=RecordKind.POWER, previous=300, value=310, activity_id="r2"
        ),
    ]
    # The next update sees the same bests: nothing new.
    again, book = detect_records(book, 2026, current)
    assert again == []
    # Worse is never a record: slower 5 km, less power.
    worse, _ = detect_records(
        book,
        2026,
        {FIVE: _best(FIVE, 1160, "c"), WATTS: _best(WATTS, 290, "x", RecordKind.POWER)},
    )
    assert worse == []


def test_a_restart_does_not_announce_again() -> None:
    _, book = detect_records(None, 2026, {FIVE: _best(FIVE, 1200, "a")})
    records, book = detect_records(book, 2026, {FIVE: _best(FIVE, 1150, "b")})
    assert len(records) == 1
    restored = RecordBook.from_dict(json.loads(json.dumps(book.as_dict())))
    assert restored == book
    after_restart, _ = detect_records(restored, 2026, {FIVE: _best(FIVE, 1150, "b")})
    assert after_restart == []


def test_new_year_starts_over_quietly() -> None:
    _, book = detect_records(None, 2025, {FIVE: _best(FIVE, 1200, "a")})
    # 1 January: the year's curve is empty, then the first run sets a time.
    records, book = detect_records(book, 2026, {FIVE: None})
    assert records == []
    assert book.seen == {FIVE: None}
    first, book = detect_records(book, 2026, {FIVE: _best(FIVE, 1500, "n")})
    assert first == [], "the year's first 5 km is not a record"
    better, _ = detect_records(book, 2026, {FIVE: _best(FIVE, 1400, "m")})
    assert [r.previous for r in better] == [1500]


def test_the_same_record_is_never_news_twice() -> None:
    _, book = detect_records(None, 2026, {FIVE: _best(FIVE, 1200, "a")})
    records, book = detect_records(book, 2026, {FIVE: _best(FIVE, 1150, "b")})
    assert len(records) == 1
    # The activity is deleted, then comes back (or is re-analysed a second faster).
    gone, book = detect_records(book, 2026, {FIVE: _best(FIVE, 1200, "a")})
    assert gone == []
    back, book = detect_records(book, 2026, {FIVE: _best(FIVE, 1149, "b")})
    assert back == []
    # A new activity beating it is news again, against the last seen value.
    new, _ = detect_records(book, 2026, {FIVE: _best(FIVE, 1100, "c")})
    assert [(r.previous, r.value) for r in new] == [(1149, 1100)]


def test_records_without_an_activity_id_go_by_value() -> None:
    _, book = detect_records(None, 2026, {FIVE: _best(FIVE, 1200, None)})
    records, book = detect_records(book, 2026, {FIVE: _best(FIVE, 1100, None)})
    assert len(records) == 1
    assert records[0].activity_id is None
    again, _ = detect_records(book, 2026, {FIVE: _best(FIVE, 1100, None)})
    assert again == []


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"year": "2026", "seen": {}, "announced": {}},
        {"year": True, "seen": {}, "announced": {}},
        {"year": 2026, "seen": [], "announced": {}},
        {"year": 2026, "seen": {FIVE: "fast"}, "announced": {}},
        {"year": 2026, "seen": {FIVE: float("nan")}, "announced": {}},
        {"year": 2026, "seen": {}, "announced": {FIVE: "a"}},
        {"year": 2026, "seen": {}, "announced": {FIVE: [1]}},
    ],
)
def test_a_damaged_book_is_a_fresh_start(data: object) -> None:
    assert RecordBook.from_dict(data) is None


def test_a_book_keeps_unknown_bests() -> None:
    book = RecordBook.from_dict(
        {"year": 2026, "seen": {FIVE: None, TEN: 2500}, "announced": {TEN: ["a"]}}
    )
    assert book == RecordBook(
        year=2026, seen={FIVE: None, TEN: 2500.0}, announced={TEN: ("a",)}
    )


# Gear ---------------------------------------------------------------------------

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def test_service_due_needs_used_up_and_not_snoozed() -> None:
    used_up = Reminder(
        id="1", percent_used=100.0, distance=1000.0, distance_used=1000.0
    )
    almost = Reminder(id="2", percent_used=99.9)
    snoozed = Reminder(
        id="3", percent_used=140.0, snoozed_until=NOW + timedelta(hours=1)
    )
    snooze_over = Reminder(id="4", percent_used=140.0, snoozed_until=NOW)
    unknown = Reminder(id="5")
    assert service_due(Gear(id="a", reminders=(used_up,)), NOW, ZONE)
    assert not service_due(Gear(id="b", reminders=(almost, unknown)), NOW, ZONE)
    assert not service_due(Gear(id="c", reminders=(snoozed,)), NOW, ZONE)
    assert service_due(Gear(id="d", reminders=(snoozed, snooze_over)), NOW, ZONE)
    assert not service_due(Gear(id="e"), NOW, ZONE)


def test_a_snooze_without_zone_is_the_athletes_wall_time() -> None:
    # 12:30 in Amsterdam is 10:30 UTC: still snoozed at 10:00 UTC...
    local = Reminder(
        id="1", percent_used=120.0, snoozed_until=datetime(2026, 6, 15, 12, 30)
    )
    assert is_snoozed(local, NOW, ZONE)
    # ...but 11:30 in Amsterdam was 09:30 UTC.
    over = Reminder(
        id="1", percent_used=120.0, snoozed_until=datetime(2026, 6, 15, 11, 30)
    )
    assert not is_snoozed(over, NOW, ZONE)


def test_reminder_attributes_say_what_is_due() -> None:
    reminder = Reminder(
        id="9",
        name="Service",
        distance=1000.0,
        distance_used=1200.0,
        days=30,
        days_used=10,
        activities=5,
        activities_used=5,
        time=3600.0,
        time_used=None,
        percent_used=120.0,
    )
    assert limits_reached(reminder) == ["distance", "activities"]
    assert reminder_attributes(reminder, NOW, ZONE) == {
        "id": "9",
        "name": "Service",
        "percent_used": 120.0,
        "due": True,
        "limits_reached": ["distance", "activities"],
        "snoozed_until": None,
    }
    snoozed = Reminder(id="1", snoozed_until=datetime(2026, 7, 1, tzinfo=UTC))
    assert reminder_attributes(snoozed, NOW, ZONE)["snoozed_until"] == (
        "2026-07-01T00:00:00+00:00"
    )


def test_retired_gear_is_not_in_use() -> None:
    gear = [
        Gear(id="a"),
        Gear(id="b", retired=date(2025, 1, 1)),
        Gear(id="c", component=True),
    ]
    assert [g.id for g in in_use(gear)] == ["a", "c"]


# The tracker, with a client that answers from memory ------------------------------


class FakeClient:
    """Answers like IntervalsClient; `fail` raises instead."""

    def __init__(self) -> None:
        self.fail: Exception | None = None
        self.calls: list[str] = []

    async def get_gear(self, athlete_id: str) -> list[Gear]:
        self.calls.append("gear")
        if self.fail:
            raise self.fail
        return [Gear(id="b1"), Gear(id="old", retired=date(2025, 1, 1))]

    async def get_power_curve(self, *args: object) -> PowerCurve:
        self.calls.append("power")
        return PowerCurve(
            secs=(5.0,),
            watts=(900.0,),
            activity_id=("a1",),
            watts_per_kg=(None,),
            wkg_activity_id=(None,),
            activity_starts={"a1": datetime(2026, 3, 1, 9, 0)},
        )

    async def get_pace_curve(self, *args: object) -> PaceCurve:
        self.calls.append("pace")
        return PaceCurve()


async def test_tracker_dates_from_the_curve_when_the_cache_lacks_them() -> None:
    client = FakeClient()
    tracker = CurvesAndGear(client, "i1")  # type: ignore[arg-type]
    tracker.apply_gear(Gear(id="b1"))  # nothing fetched yet: nothing to change
    assert tracker.data is None
    data = await tracker.async_update(
        today=date(2026, 6, 15), due=(), dates=lambda _: None
    )
    assert data is not None
    assert data.activity_dates == {"a1": date(2026, 3, 1)}
    assert [g.id for g in data.gear] == ["b1"]
    assert client.calls == ["gear", "power", "pace", "pace"]
    # Nothing due: no call.
    await tracker.async_update(today=date(2026, 6, 15), due=(), dates=lambda _: None)
    assert len(client.calls) == 4


async def test_tracker_lets_a_refused_key_through() -> None:
    client = FakeClient()
    tracker = CurvesAndGear(client, "i1")  # type: ignore[arg-type]
    client.fail = IntervalsAuthenticationError("refused")
    with pytest.raises(IntervalsAuthenticationError):
        await tracker.async_update(
            today=date(2026, 6, 15), due=(), dates=lambda _: None
        )
    client.fail = IntervalsConnectionError("down")
    assert (
        await tracker.async_update(
            today=date(2026, 6, 15), due=(), dates=lambda _: None
        )
        is None
    )


def test_pending_records_survive_in_the_book() -> None:
    _, book = detect_records(None, 2026, {FIVE: _best(FIVE, 1200, "a")})
    records, book = detect_records(book, 2026, {FIVE: _best(FIVE, 1150, "b")})
    assert book.pending == tuple(records)
    restored = RecordBook.from_dict(json.loads(json.dumps(book.as_dict())))
    assert restored == book
    # Found on 31 December, announced after midnight: still news then.
    _, new_year = detect_records(book, 2027, {FIVE: None})
    assert new_year.pending == tuple(records)
    assert NewRecord.from_dict({"key": FIVE}) is None
    assert NewRecord.from_dict([]) is None
    broken = {**book.as_dict(), "pending": [{"key": FIVE, "kind": "speed"}]}
    assert RecordBook.from_dict(broken) is None
    assert RecordBook.from_dict({**book.as_dict(), "pending": {}}) is None
    # Books saved before records were kept pending read as none pending.
    older = {k: v for k, v in book.as_dict().items() if k != "pending"}
    assert RecordBook.from_dict(older) == RecordBook(
        year=2026, seen=book.seen, announced=book.announced
    )


async def test_tracker_hands_out_records_once() -> None:
    client = FakeClient()
    tracker = CurvesAndGear(client, "i1")  # type: ignore[arg-type]
    tracker.book = RecordBook(year=2026, seen={"ride_best_power_5s": 800.0})
    await tracker.async_update(today=date(2026, 6, 15), due=(), dates=lambda _: None)
    revision = tracker.book_revision
    [record] = tracker.take_unannounced()
    assert (record.previous, record.value, record.activity_id) == (800, 900, "a1")
    # Taken, the book changed: it is written again, with nothing pending.
    assert tracker.book_revision > revision
    assert tracker.book is not None
    assert tracker.book.pending == ()
    assert tracker.take_unannounced() == ()


def test_curve_sports_follow_the_sport_settings() -> None:
    settings = [
        SportSettings(types=("Ride", "VirtualRide", "GravelRide")),
        SportSettings(types=("Run", "TrailRun")),
    ]
    assert curve_sports(["VirtualRide"], settings) == {"Ride"}
    assert curve_sports(["TrailRun", "Walk", None], settings) == {"Run"}
    # Without a group of its own, a sport counts only its own type.
    assert curve_sports(["OpenWaterSwim"], settings) == set()
    assert curve_sports(["Swim"], settings) == {"Swim"}
    assert curve_sports([], settings) == set()
