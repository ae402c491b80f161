"""Opening the next version of a procedure when the law changes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from motcua.agencies.tests.factories import AgencyFactory
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.services import create_next_version
from motcua.procedures.tests.factories import (
    FeeLineFactory,
    ProcedureVersionFactory,
    ResultDocumentFactory,
)

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)
JANUARY_1 = dt.date(2026, 1, 1)


@pytest.fixture
def version():
    """Version 1 from 01/07/2025, open-ended, 3 working days in steps 0.5 + 2 + 0.5, with
    two components, a fee, a result, an agency and an announcement."""
    v1 = ProcedureVersionFactory.create(
        steps=["0.5", "2", "0.5"],
        components=["Tờ khai", "Bản sao giấy tờ"],
        announcement_number="100/QĐ-UBND",
        announcement_date=dt.date(2025, 6, 20),
        published_on=dt.date(2025, 6, 25),
    )
    FeeLineFactory.create(version=v1, amount=50_000)
    ResultDocumentFactory.create(version=v1, name="Giấy phép", code="KQ.G99.000001")
    v1.agencies.add(AgencyFactory.create())
    return v1


def test_the_next_version_copies_everything_and_closes_the_previous(version):
    # When version 2 is opened from 01/01/2026
    v2 = create_next_version(version=version, effective_from=JANUARY_1, actor=None)

    # Then v1 ends on 31/12/2025 and v2 runs from 01/01/2026 with no end
    version.refresh_from_db()
    assert version.effective_to == dt.date(2025, 12, 31)
    assert (v2.number, v2.effective_from, v2.effective_to) == (2, JANUARY_1, None)
    # v2 has copies of every child, in order, and v1 keeps its own
    assert v2.pk != version.pk
    assert [(s.position, s.budget) for s in v2.steps.all()] == [
        (1, Decimal("0.5")),
        (2, Decimal("2")),
        (3, Decimal("0.5")),
    ]
    assert [c.name for c in v2.components.all()] == ["Tờ khai", "Bản sao giấy tờ"]
    assert [(f.amount, f.per) for f in v2.fees.all()] == [(50_000, "hồ sơ")]
    assert [r.code for r in v2.results.all()] == ["KQ.G99.000001"]
    assert list(v2.agencies.all()) == list(version.agencies.all())
    assert version.steps.count() == 3
    assert version.components.count() == 2
    # the content is copied, the announcement is the new decision's to fill in
    assert (v2.name, v2.handling_time, v2.field_id) == (
        version.name,
        version.handling_time,
        version.field_id,
    )
    assert (v2.announcement_number, v2.announcement_date, v2.published_on) == (
        "",
        None,
        None,
    )
    assert v2.search_text == version.search_text
    # on each day one version is in force
    assert version.procedure.version_on(dt.date(2025, 12, 31)) == version
    assert version.procedure.version_on(JANUARY_1) == v2


def test_a_version_that_already_ended_earlier_keeps_its_end(version):
    # Given v1 ends on 30/09/2025
    version.effective_to = dt.date(2025, 9, 30)
    version.save(update_fields=["effective_to"])
    # When v2 starts on 01/01/2026 (a gap, e.g. the procedure was suspended)
    create_next_version(version=version, effective_from=JANUARY_1, actor=None)
    # Then v1's end is not moved later
    version.refresh_from_db()
    assert version.effective_to == dt.date(2025, 9, 30)


@pytest.mark.parametrize("start", [JULY_1, dt.date(2025, 6, 1)])
def test_refused_unless_it_starts_after_the_previous_version(version, start):
    with pytest.raises(ValidationError) as refused:
        create_next_version(version=version, effective_from=start, actor=None)
    assert refused.value.code == "next_version_starts_too_early"
    assert "01/07/2025" in refused.value.messages[0]
    assert ProcedureVersion.objects.count() == 1
    version.refresh_from_db()
    assert version.effective_to is None


def test_refused_from_a_version_that_is_not_the_latest(version):
    create_next_version(version=version, effective_from=JANUARY_1, actor=None)
    with pytest.raises(ValidationError) as refused:
        create_next_version(
            version=version, effective_from=dt.date(2026, 6, 1), actor=None
        )
    assert refused.value.code == "not_latest_version"
    assert ProcedureVersion.objects.count() == 2
