"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests see the site as a Vietnamese officer does unless they switch."""
    settings.LANGUAGE_CODE = "vi"
