"""Fixtures for every test of the motcua package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    """The API's throttles count requests in the process's cache: a test must not inherit
    the requests of the tests before it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
