"""The process's caches of reference data: kept for a while, cleared by a change."""

from __future__ import annotations

import time

import pytest

from motcua.agencies.models import Agency
from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.core.cache import ReferenceCache, ReferenceRows


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake)
    return fake


@pytest.fixture
def counted():
    calls: list[str] = []

    def build(value: str):
        def make() -> str:
            calls.append(value)
            return value

        return make

    return calls, build


def test_a_value_is_built_once_and_kept_for_the_configured_seconds(
    settings, clock, counted
):
    settings.REFERENCE_CACHE_SECONDS = 60
    calls, build = counted
    kept: ReferenceCache[str, str] = ReferenceCache("test-ttl")

    assert kept.get("a", build("first")) == "first"
    clock.now += 59.9
    assert kept.get("a", build("second")) == "first"
    clock.now += 0.2  # 60.1 s after it was built
    assert kept.get("a", build("third")) == "third"
    assert calls == ["first", "third"]


def test_zero_seconds_turns_the_cache_off(settings, counted):
    settings.REFERENCE_CACHE_SECONDS = 0
    calls, build = counted
    kept: ReferenceCache[str, str] = ReferenceCache("test-off")

    kept.get("a", build("first"))
    kept.get("a", build("second"))
    assert calls == ["first", "second"]


def test_get_many_builds_only_the_missing_keys_in_one_call(settings):
    settings.REFERENCE_CACHE_SECONDS = 60
    asked: list[list[int]] = []
    kept: ReferenceCache[int, str] = ReferenceCache("test-many")

    def build(keys: list[int]) -> dict[int, str]:
        asked.append(sorted(keys))
        return {key: f"v{key}" for key in keys}

    assert kept.get_many([1, 2], build) == {1: "v1", 2: "v2"}
    assert kept.get_many([2, 3], build) == {2: "v2", 3: "v3"}
    assert kept.get_many([3, 1], build) == {3: "v3", 1: "v1"}
    assert asked == [[1, 2], [3]]


@pytest.mark.django_db
def test_rows_are_read_once_then_reread_after_a_change(
    settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.REFERENCE_CACHE_SECONDS = 60
    province = make_province()
    department = AgencyFactory.create(name="Sở Tư pháp", parent=province)
    rows: ReferenceRows[Agency] = ReferenceRows(
        "test-agencies", Agency.objects.all, depends_on=(Agency,)
    )
    rows.connect()

    with django_assert_num_queries(1):
        assert rows.in_bulk([department.pk, None])[department.pk].name == "Sở Tư pháp"
    with django_assert_num_queries(0):
        rows.in_bulk([department.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        department.name = "Sở Tư pháp tỉnh Đắk Lắk"
        department.save()
        # read again inside the transaction: kept until the commit clears it again
        with django_assert_num_queries(1):
            assert rows.in_bulk([department.pk])[department.pk].name.endswith("Lắk")
    assert callbacks  # the clearing waits for the commit …
    for callback in callbacks:
        callback()
    with django_assert_num_queries(1):  # … after which the row is read once more
        rows.in_bulk([department.pk])
