"""The reorganisation from the admin: merge selected agencies into a successor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.agencies.choices import AgencyLevel
from motcua.agencies.models import AgencySuccession
from motcua.agencies.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:agencies_agency_changelist")


@pytest.fixture
def wards():
    old_5 = AgencyFactory.create(
        name="Phường 5", level=AgencyLevel.COMMUNE, valid_from=dt.date(2000, 1, 1)
    )
    old_7 = AgencyFactory.create(
        name="Phường 7", level=AgencyLevel.COMMUNE, valid_from=dt.date(2000, 1, 1)
    )
    new = AgencyFactory.create(
        name="Phường Tuy Hòa", level=AgencyLevel.COMMUNE, valid_from=dt.date(2025, 7, 1)
    )
    return old_5, old_7, new


def _post(client, selection, **values):
    data = {
        "action": "merge_action",
        "_selected_action": [a.pk for a in selection],
        **values,
    }
    return client.post(CHANGELIST, data, follow=True)


def test_merge_action_asks_then_merges(admin_client, wards):
    old_5, old_7, new = wards
    # The first post shows the form
    page = _post(admin_client, [old_5, old_7])
    assert page.status_code == 200
    assert "effective_on" in page.content.decode()
    assert AgencySuccession.objects.count() == 0

    # Applying it merges both, effective 01/07/2025
    _post(
        admin_client,
        [old_5, old_7],
        apply="1",
        successor=new.pk,
        effective_on="01/07/2025",
        kind="merger",
        legal_basis="NQ 1660/NQ-UBTVQH15",
    )
    old_5.refresh_from_db()
    old_7.refresh_from_db()
    assert old_5.valid_to == old_7.valid_to == dt.date(2025, 6, 30)
    assert set(AgencySuccession.objects.values_list("predecessor", "successor")) == {
        (old_5.pk, new.pk),
        (old_7.pk, new.pk),
    }


def test_a_refused_merge_changes_nothing(admin_client, wards):
    old_5, old_7, new = wards
    # the successor only starts on 1/7/2025: a merger on 1/1/2025 is refused
    page = _post(
        admin_client,
        [old_5, old_7],
        apply="1",
        successor=new.pk,
        effective_on="01/01/2025",
        kind="merger",
        legal_basis="x",
    )
    assert "01/01/2025" in page.content.decode()
    old_5.refresh_from_db()
    assert old_5.valid_to is None
    assert AgencySuccession.objects.count() == 0
