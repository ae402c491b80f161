"""Fixtures of the catalogue tests."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.agencies.choices import AgencyKind, AgencyLevel
from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.procedures.tests.catalogue_sample import COMMUNE


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read messages in English, the msgid language; Vietnamese messages are
    checked in test_messages_vi.py."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def agencies(db):
    """The two agencies the sample catalogue names: the province and one commune."""
    province = make_province()
    commune = AgencyFactory.create(
        identifier=COMMUNE,
        name="Ủy ban nhân dân phường Buôn Ma Thuột",
        level=AgencyLevel.COMMUNE,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        parent=province,
    )
    return province, commune
