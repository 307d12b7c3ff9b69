"""What an update rewrites in the statistics, and the record kept on disk (pure)."""

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from custom_components.intervals_icu.api import Activity
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.statistics.plan import (
    HistoryInput,
    Record,
    groups_json,
    plan_rewrite,
)
from custom_components.intervals_icu.statistics.rows import hourly_sums, sums

GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
AMS = ZoneInfo("Europe/Amsterdam")
ATHLETE = "i1"


def run(ident: str, start: datetime, distance: float) -> Activity:
    return Activity(id=ident, start_local=start, type="Run", distance=distance)


def record(window_start: date, **kwargs: object) -> Record:
    return Record(
        groups=groups_json(GROUPS),
        zone="Europe/Amsterdam",
        complete=True,
        window_start=window_start,
        **kwargs,  # type: ignore[arg-type]
    )


def history(
    window_start: date, before: list[Activity], after: list[Activity]
) -> HistoryInput:
    return HistoryInput(
        athlete_name="Test Athlete",
        zone=AMS,
        groups=GROUPS,
        window_start=window_start,
        before=tuple(before),
        after=tuple(after),
        wellness=(),
        today=date(2026, 1, 1),
    )


def test_a_record_reads_back_as_it_was_saved() -> None:
    hour = datetime(2025, 3, 1, 6, tzinfo=UTC)
    saved = record(
        date(2025, 1, 1),
        base={"i1_run_distance": 12_000.0},
        empty={"i1_run_distance": [hour], "i1_run_count": []},
    )
    data = saved.as_dict(ATHLETE)
    # Statistics without an empty hour are not written at all.
    assert data["empty"] == {"i1_run_distance": [hour.isoformat()]}
    assert Record.from_dict(data, ATHLETE) == replace(
        saved, empty={"i1_run_distance": [hour]}
    )


@pytest.mark.parametrize(
    "change",
    [
        {"athlete_id": "i2"},  # another athlete's record
        {"window_start": "soon"},
        {"base": ["not", "a", "mapping"]},
        {"empty": {"i1_run_distance": ["yesterday"]}},
        {"groups": None},
    ],
)
def test_a_record_of_another_athlete_or_damaged_is_none(
    change: dict[str, object],
) -> None:
    data = {**record(date(2025, 1, 1)).as_dict(ATHLETE), **change}
    assert Record.from_dict(data, ATHLETE) is None


@pytest.mark.parametrize(
    "data",
    [
        # The record of an older version: which groups, nothing else.
        {"athlete_id": ATHLETE, "groups": {"run": ["Run"]}},
        {"athlete_id": ATHLETE},
        ["not", "a", "dict"],
        None,  # no record at all
    ],
)
def test_a_record_of_an_older_version_or_none_is_none(data: object) -> None:
    """Whatever does not read as a record means importing again (see
    tests/statistics/test_history.py)."""
    assert Record.from_dict(data, ATHLETE) is None


def test_new_year_moves_the_leaving_year_into_the_base() -> None:
    """What leaves the window joins the base; the rewrite is the full recount."""
    older = run("old", datetime(2024, 5, 1, 8), 3_000.0)  # before both windows
    leaving = [
        run("a", datetime(2025, 3, 1, 7, 15), 10_000.0),
        run("b", datetime(2025, 11, 2, 9), 5_000.0),
    ]
    staying = run("c", datetime(2026, 1, 1, 10), 8_000.0)
    new = run("d", datetime(2026, 1, 1, 12), 4_000.0)
    empty_2025 = datetime(2025, 6, 1, 6, tzinfo=UTC)
    empty_2026 = datetime(2026, 1, 1, 8, tzinfo=UTC)
    base = sums([older], GROUPS, ATHLETE)
    saved = record(
        date(2025, 1, 1),
        base=base,
        empty={"i1_run_distance": [empty_2025, empty_2026]},
    )
    basis = (*leaving, staying)

    rewrite = plan_rewrite(
        saved,
        basis,
        history(date(2026, 1, 1), [*leaving, staying], [staying, new]),
        ATHLETE,
    )

    moved = sums([older, *leaving], GROUPS, ATHLETE)
    assert rewrite.record.window_start == date(2026, 1, 1)
    assert rewrite.record.base == pytest.approx(moved)
    assert rewrite.record.base["i1_run_distance"] == 18_000.0
    # The empty hour of last year is out of the window; this year's is kept.
    assert rewrite.record.empty == {"i1_run_distance": [empty_2026]}
    assert rewrite.basis == (staying, new)
    # From the new run's hour on, the rows are those of a count of everything.
    assert rewrite.sums is not None
    since = datetime(2026, 1, 1, 11, tzinfo=UTC)
    full = hourly_sums([older, *leaving, staying, new], AMS, GROUPS, ATHLETE)
    for key, rows in rewrite.sums.rows.items():
        assert rows == [row for row in full.rows[key] if row.start >= since], key
    assert rewrite.sums.rows["i1_run_distance"][-1].sum == 30_000.0


def test_new_year_without_a_change_writes_no_rows() -> None:
    leaving = run("a", datetime(2025, 3, 1, 7, 15), 10_000.0)
    empty_2025 = datetime(2025, 6, 1, 6, tzinfo=UTC)
    saved = record(date(2025, 1, 1), empty={"i1_run_distance": [empty_2025]})

    rewrite = plan_rewrite(
        saved, (leaving,), history(date(2026, 1, 1), [leaving], []), ATHLETE
    )

    assert rewrite.sums is None
    assert rewrite.record.base["i1_run_distance"] == 10_000.0
    assert rewrite.record.base["i1_all_count"] == 1.0
    assert rewrite.record.empty == {"i1_run_distance": []}
    assert rewrite.basis == ()
