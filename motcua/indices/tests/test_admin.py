"""The definitions in the admin: listed, and checked on request."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from motcua.indices.choices import PortalGroup
from motcua.indices.models import IndicatorDefinition

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:indices_indicatordefinition_changelist"


@pytest.mark.parametrize(
    "name",
    [
        "admin:indices_indicatordefinition_changelist",
        "admin:indices_groupdefinition_changelist",
        "admin:indices_ratingband_changelist",
    ],
)
def test_each_table_is_listed(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


def _check(admin_client) -> list[str]:
    response = admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "check_today",
            "_selected_action": [IndicatorDefinition.objects.first().pk],  # type: ignore[union-attr]
        },
        follow=True,
    )
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_check_action_reports_the_group_that_does_not_add_up(admin_client):
    (fine,) = _check(admin_client)
    IndicatorDefinition.objects.filter(indicator="3.3").update(max_points=Decimal(5))
    (message,) = _check(admin_client)
    assert message != fine
    # the site speaks Vietnamese whatever the browser asks
    with translation.override("vi"):
        assert f"3. {PortalGroup.ONLINE_SERVICE.label}" in message
