"""The 2025 reorganisation: agencies end, successions are recorded, history stays readable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from motcua.accounts.choices import Role
from motcua.accounts.models import RoleAssignment
from motcua.accounts.tests.factories import RoleAssignmentFactory
from motcua.agencies.choices import AgencyLevel, SuccessionKind
from motcua.agencies.models import Agency, AgencySuccession
from motcua.agencies.services import dissolve_agency, merge_agencies
from motcua.agencies.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)
JUNE_30 = dt.date(2025, 6, 30)


def _provinces() -> tuple[Agency, Agency]:
    phu_yen = AgencyFactory.create(
        identifier="000.00.00.H45",
        name="Ủy ban nhân dân tỉnh Phú Yên",
        level=AgencyLevel.PROVINCE,
        valid_from=dt.date(1989, 7, 1),
    )
    dak_lak = AgencyFactory.create(
        identifier="000.00.00.H15",
        name="Ủy ban nhân dân tỉnh Đắk Lắk",
        level=AgencyLevel.PROVINCE,
        valid_from=dt.date(2004, 1, 1),
    )
    return phu_yen, dak_lak


def test_merger_ends_the_predecessor_the_day_before_and_records_the_succession():
    # Given Phú Yên and Đắk Lắk, and a specialist of Phú Yên with an open-ended role
    phu_yen, dak_lak = _provinces()
    role = RoleAssignmentFactory.create(
        agency=phu_yen, role=Role.SPECIALIST, valid_from=dt.date(2020, 1, 1)
    )

    # When Phú Yên is merged into Đắk Lắk on 1/7/2025 (NQ 202/2025/QH15)
    merge_agencies(
        predecessors=[phu_yen],
        successor=dak_lak,
        effective_on=JULY_1,
        legal_basis="NQ 202/2025/QH15",
    )

    # Then Phú Yên existed on 30/6 and not on 1/7, and its duties lead to Đắk Lắk
    phu_yen.refresh_from_db()
    assert phu_yen.valid_to == JUNE_30
    assert phu_yen.is_active_on(JUNE_30)
    assert not phu_yen.is_active_on(JULY_1)
    assert list(Agency.objects.active_on(JULY_1)) == [dak_lak]
    assert phu_yen.current_successor(JULY_1) == dak_lak
    assert phu_yen.current_successor(JUNE_30) == phu_yen
    succession = AgencySuccession.objects.get()
    assert (succession.kind, succession.effective_on) == (SuccessionKind.MERGER, JULY_1)
    assert list(dak_lak.predecessors.all()) == [phu_yen]
    # and the officer's role ended with the agency, still on record
    role.refresh_from_db()
    assert role.valid_to == JUNE_30
    assert RoleAssignment.objects.active_on(JULY_1).count() == 0
    assert RoleAssignment.objects.active_on(JUNE_30).count() == 1


def test_successor_is_followed_through_two_reorganisations():
    # Given a ward merged in 2019 into a city ward, itself merged in 2025 into a new ward
    old = AgencyFactory.create(
        level=AgencyLevel.COMMUNE, valid_from=dt.date(2000, 1, 1)
    )
    middle = AgencyFactory.create(
        level=AgencyLevel.COMMUNE, valid_from=dt.date(2000, 1, 1)
    )
    new = AgencyFactory.create(level=AgencyLevel.COMMUNE, valid_from=JULY_1)
    merge_agencies(
        predecessors=[old],
        successor=middle,
        effective_on=dt.date(2019, 1, 1),
        legal_basis="NQ 2019",
    )
    merge_agencies(
        predecessors=[middle],
        successor=new,
        effective_on=JULY_1,
        legal_basis="NQ 1660/NQ-UBTVQH15",
    )

    # Then each date leads to the body that existed then
    assert old.current_successor(dt.date(2018, 12, 31)) == old
    assert old.current_successor(dt.date(2020, 5, 5)) == middle
    assert old.current_successor(JULY_1) == new


def test_merging_into_an_agency_that_does_not_exist_yet_changes_nothing():
    # Given a successor that only starts on 2/7/2025
    phu_yen, _ = _provinces()
    late = AgencyFactory.create(valid_from=dt.date(2025, 7, 2))

    # When a merger on 1/7/2025 is attempted, it is refused with its code
    with pytest.raises(ValidationError) as refused:
        merge_agencies(
            predecessors=[phu_yen], successor=late, effective_on=JULY_1, legal_basis="x"
        )
    assert refused.value.code == "successor_not_active"

    # and nothing changed
    phu_yen.refresh_from_db()
    assert phu_yen.valid_to is None
    assert AgencySuccession.objects.count() == 0


def test_merging_an_agency_already_ended_rolls_back_the_whole_merger():
    # Given two predecessors, the second of which already ended in 2024
    phu_yen, dak_lak = _provinces()
    ended = AgencyFactory.create(
        valid_from=dt.date(2000, 1, 1), valid_to=dt.date(2024, 12, 31)
    )

    # When both are merged, the second is refused
    with pytest.raises(ValidationError) as refused:
        merge_agencies(
            predecessors=[phu_yen, ended],
            successor=dak_lak,
            effective_on=JULY_1,
            legal_basis="x",
        )
    assert refused.value.code == "agency_not_active"

    # and the first one was not ended either: one transaction
    phu_yen.refresh_from_db()
    assert phu_yen.valid_to is None
    assert AgencySuccession.objects.count() == 0


def test_dissolved_agency_keeps_its_record():
    district = AgencyFactory.create(
        level=AgencyLevel.DISTRICT, valid_from=dt.date(2000, 1, 1)
    )
    dissolve_agency(
        agency=district, effective_on=JULY_1, legal_basis="Luật 72/2025/QH15"
    )
    district.refresh_from_db()
    assert district.valid_to == JUNE_30
    assert district.legal_basis == "Luật 72/2025/QH15"
    assert Agency.objects.filter(pk=district.pk).exists()


def test_identifier_must_follow_qcvn_102():
    agency = AgencyFactory.build(identifier="H15.50.05.13")
    with pytest.raises(ValidationError) as invalid:
        agency.full_clean()
    assert "identifier" in invalid.value.message_dict


def test_validity_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        AgencyFactory.create(valid_from=JULY_1, valid_to=JUNE_30)
