"""Reads of the catalogue: versions in force, and publication completeness (QĐ 766, 1.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.agencies.tests.factories import AgencyFactory
from motcua.procedures.selectors import publication_completeness, versions_in_force
from motcua.procedures.tests.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 9, 1)
PUBLISHED = dt.date(2025, 6, 25)


def test_publication_completeness_counts_published_versions_with_all_seven_parts(
    django_assert_num_queries,
):
    # Given, in force on 01/09/2025:
    # a) published, all seven components (factory texts + a dossier component)  → complete
    ProcedureVersionFactory.create(components=1, published_on=PUBLISHED)
    # b) published, no competent authority but an implementing agency           → complete
    b = ProcedureVersionFactory.create(
        components=1, published_on=PUBLISHED, decision_authority=""
    )
    b.agencies.add(AgencyFactory.create())
    # c) published, methods missing                                              → gap
    ProcedureVersionFactory.create(components=1, published_on=PUBLISHED, methods="")
    # d) published, no dossier components                                        → gap
    ProcedureVersionFactory.create(published_on=PUBLISHED)
    # and not counted at all:
    # e) complete but not published
    ProcedureVersionFactory.create(components=1)
    # f) published only after the day
    ProcedureVersionFactory.create(components=1, published_on=dt.date(2025, 9, 2))
    # g) published but no longer in force
    ProcedureVersionFactory.create(
        components=1, published_on=PUBLISHED, effective_to=dt.date(2025, 8, 31)
    )

    # When indicator 1.3 is read for 01/09/2025 (one query for the versions, one each
    # for their components and agencies)
    with django_assert_num_queries(3):
        result = publication_completeness(on=DAY)

    # Then 2 of the 4 published versions in force are complete
    assert result == (2, 4)


def test_versions_in_force_bring_their_contents_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    for _ in range(5):
        ProcedureVersionFactory.create(components=2, steps=["1", "2"])
    ProcedureVersionFactory.create(effective_to=dt.date(2025, 8, 31))
    # the versions with procedure and field, then agencies, components, fees, results, steps
    with django_assert_num_queries(6):
        versions = list(versions_in_force(on=DAY))
        for version in versions:
            assert len(version.steps.all()) == 2
            assert len(version.components.all()) == 2
            list(version.agencies.all())
            str(version)
    assert len(versions) == 5
