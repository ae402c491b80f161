"""The world of the index tests: ``test_index``'s March dossiers, built through the
services (its module docstring works out each figure)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers.tests.world import World, at, build_world
from motcua.indices.tests.test_index import _finish, _receive, _supplement


@pytest.fixture
def world() -> World:
    world = build_world()
    world.version.agencies.add(world.commune)
    world.version.published_on = dt.date(2025, 7, 1)
    world.version.save()
    return world


@pytest.fixture
def march(world: World) -> World:
    a = _receive(world, at(2, 9))
    _finish(world, a, at(5, 9))
    b = _receive(world, at(2, 9))
    _finish(world, b, at(5, 10))
    c = _receive(world, at(2, 9))
    c = _supplement(world, c, at(2, 14), at(3, 14))
    assert c.due_at == at(6, 9)
    _finish(world, c, at(5, 15))
    d = _receive(world, at(2, 9))
    d = _supplement(world, d, at(2, 14), at(3, 14))
    d = _supplement(world, d, at(3, 15), at(3, 16))
    _finish(world, d, at(4, 9))
    _receive(world, at(2, 9))  # E
    _receive(world, at(31, 9), online=True)  # F
    return world
