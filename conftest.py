"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests see the site as a Vietnamese officer does unless they switch."""
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is slow on purpose; tests that create many accounts hash with MD5 instead.
    Tests marked ``real_password_hashing`` keep the production hashers."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_cached_reference_data():
    """A test's rows are rolled back without a signal: caches built from them must not
    outlive the test (motcua/core/cache.py), nor the queues' remembered due-soon pairs
    (``office.selectors.queue_kinds``), nor statements compiled for the shapes of
    their readers (``core.precompiled.ByShape``: an agency's key comes again)."""
    from motcua.core.cache import clear_reference_caches
    from motcua.core.precompiled import clear_by_shape
    from motcua.office.selectors import forget_queue_pairs

    clear_reference_caches()
    forget_queue_pairs()
    clear_by_shape()
    yield
    clear_reference_caches()
    forget_queue_pairs()
    clear_by_shape()
