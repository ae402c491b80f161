"""The catalogue's admin screens, driven through HTTP as a superuser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.procedures.models import ProcedureVersion, ProcessStep
from motcua.procedures.tests.factories import (
    FieldFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:procedures_procedureversion_changelist")


@pytest.fixture
def birth_registration():
    """1.001193 v1: 1 working day, no process yet."""
    return ProcedureVersionFactory.create(
        procedure=ProcedureFactory.create(code="1.001193"),
        name="Thủ tục đăng ký khai sinh",
        field=FieldFactory.create(code="G15-HT", name="Hộ tịch"),
        levels=["commune"],
        handling_time=Decimal(1),
    )


def _change_form(version: ProcedureVersion, *, budgets: list[str], **changes) -> dict:
    """What the browser posts for ``version`` with a process of ``budgets``."""
    data = {
        "procedure": version.procedure_id,
        "number": version.number,
        "name": version.name,
        "field": version.field_id,
        "levels": version.levels,
        "decision_authority": version.decision_authority,
        "handling_time": str(version.handling_time),
        "handling_time_unit": version.handling_time_unit,
        "handling_time_note": "",
        "online_level": version.online_level,
        "sequence_of_steps": version.sequence_of_steps,
        "methods": version.methods,
        "subjects": version.subjects,
        "requirements": "",
        "legal_basis": "",
        "announcement_number": "",
        "announcement_date": "",
        "legal_basis_effective_on": "",
        "published_on": "",
        "effective_from": f"{version.effective_from:%d/%m/%Y}",
        "effective_to": "",
        "_save": "Lưu",
    }
    for prefix in ("components", "fees", "results"):
        data |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    data |= {
        "steps-TOTAL_FORMS": len(budgets),
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for index, budget in enumerate(budgets):
        data |= {
            f"steps-{index}-position": index + 1,
            f"steps-{index}-name": f"Bước {index + 1}",
            f"steps-{index}-role": "specialist",
            f"steps-{index}-agency": "",
            f"steps-{index}-budget": budget,
            f"steps-{index}-version": version.pk,
        }
    data |= changes
    return data


def _change_url(version: ProcedureVersion) -> str:
    return reverse("admin:procedures_procedureversion_change", args=[version.pk])


def test_a_process_that_does_not_add_up_is_refused(admin_client, birth_registration):
    # Given 1.001193 v1 of 1 working day
    # When its process is saved as 0.5 + 1 = 1.5 days
    response = admin_client.post(
        _change_url(birth_registration),
        _change_form(birth_registration, budgets=["0.5", "1"]),
    )

    # Then the page comes back with the error naming the procedure and the difference
    assert response.status_code == 200
    steps_formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "steps"
    )
    errors = steps_formset.non_form_errors()
    assert len(errors) == 1
    assert "1.001193 v1" in errors[0]
    assert "(difference +0.5)" in errors[0]
    assert not ProcessStep.objects.exists()


def test_a_process_that_adds_up_is_saved(admin_client, birth_registration):
    response = admin_client.post(
        _change_url(birth_registration),
        _change_form(birth_registration, budgets=["0.5", "0.25", "0.25"]),
    )
    assert response.status_code == 302
    assert [s.budget for s in birth_registration.steps.all()] == [
        Decimal("0.5"),
        Decimal("0.25"),
        Decimal("0.25"),
    ]


def test_the_budget_is_checked_against_the_handling_time_on_the_same_page(
    admin_client, birth_registration
):
    # Given the stored handling time is 1 day
    # When the page raises it to 1.5 days and posts steps of 0.5 + 1 = 1.5
    response = admin_client.post(
        _change_url(birth_registration),
        _change_form(birth_registration, budgets=["0.5", "1"], handling_time="1.5"),
    )
    # Then it is accepted: the check uses what was entered, not what was stored
    assert response.status_code == 302
    birth_registration.refresh_from_db()
    assert birth_registration.handling_time == Decimal("1.5")
    assert birth_registration.steps.count() == 2


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "ĐĂNG KÝ khai", "khai sinh 1.001193"]
)
def test_the_changelist_search_ignores_accents(admin_client, birth_registration, query):
    ProcedureVersionFactory.create(name="Thủ tục đăng ký kết hôn")
    ProcedureVersionFactory.create(name="Cấp giấy phép xây dựng")
    response = admin_client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    assert [v.name for v in response.context["cl"].result_list] == [
        "Thủ tục đăng ký khai sinh"
    ]


@pytest.mark.parametrize("rows", [2, 20])
def test_the_changelist_does_not_query_per_row(
    admin_client, django_assert_num_queries, rows
):
    # Given versions each with two components and a two-step process
    civil = FieldFactory.create(code="G15-HT")
    for _ in range(rows):
        ProcedureVersionFactory.create(field=civil, components=2, steps=["1", "2"])

    # When the changelist shows them all
    # Then it takes 8 queries however many rows: session, user, the field filter's
    # choices, two counts (filtered and total), the page with procedure and field joined,
    # and the components and agencies of the page for the publication gaps
    with django_assert_num_queries(8):
        response = admin_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == rows


def test_the_in_force_filter(admin_client, birth_registration):
    # Given v1 ended on 30/06/2025 and v2 runs from 01/07/2025 with no end
    birth_registration.effective_from = dt.date(2020, 1, 1)
    birth_registration.effective_to = dt.date(2025, 6, 30)
    birth_registration.save()
    v2 = ProcedureVersionFactory.create(
        procedure=birth_registration.procedure,
        number=2,
        effective_from=dt.date(2025, 7, 1),
    )
    # When filtering on "in force today" (any day from 01/07/2025 on)
    in_force = admin_client.get(CHANGELIST, {"in_force": "yes"})
    not_in_force = admin_client.get(CHANGELIST, {"in_force": "no"})
    # Then each version is on one side
    assert list(in_force.context["cl"].result_list) == [v2]
    assert list(not_in_force.context["cl"].result_list) == [birth_registration]


def test_the_changelist_shows_publication_gaps(admin_client, birth_registration):
    # Given 1.001193 v1 with every text component and a competent authority, but no
    # dossier components: the one gap of the seven (NĐ 63/2010 Điều 8 khoản 2)
    response = admin_client.get(CHANGELIST)
    assert (
        response.context["cl"].model_admin.publication_gaps_display(
            response.context["cl"].result_list[0]
        )
        == "dossier components"
    )
    assert "dossier components" in response.content.decode()


def test_the_action_asks_the_date_then_creates_the_next_version(
    admin_client, birth_registration
):
    selection = {
        "action": "create_next_version_action",
        "_selected_action": [birth_registration.pk],
    }
    # When the action is chosen, the date is asked for
    asked = admin_client.post(CHANGELIST, selection)
    assert asked.status_code == 200
    assert "effective_from" in asked.content.decode()
    assert ProcedureVersion.objects.count() == 1

    # When the date is given
    done = admin_client.post(
        CHANGELIST, {**selection, "apply": "1", "effective_from": "01/01/2026"}
    )

    # Then version 2 exists from 01/01/2026 and version 1 ends on 31/12/2025
    assert done.status_code == 302
    birth_registration.refresh_from_db()
    assert birth_registration.effective_to == dt.date(2025, 12, 31)
    v2 = ProcedureVersion.objects.get(number=2)
    assert v2.effective_from == dt.date(2026, 1, 1)


def test_the_procedure_list_links_its_versions(admin_client, birth_registration):
    response = admin_client.get(reverse("admin:procedures_procedure_changelist"))
    assert response.status_code == 200
    assert f'href="{_change_url(birth_registration)}"' in response.content.decode()
    page = admin_client.get(
        reverse(
            "admin:procedures_procedure_change", args=[birth_registration.procedure_id]
        )
    )
    assert page.status_code == 200
    assert _change_url(birth_registration) in page.content.decode()


def test_the_version_page_opens(admin_client, birth_registration):
    ProcedureVersionFactory.create(procedure=birth_registration.procedure, number=2)
    response = admin_client.get(_change_url(birth_registration))
    assert response.status_code == 200
    assert "Thủ tục đăng ký khai sinh" in response.content.decode()
    add = admin_client.get(reverse("admin:procedures_procedureversion_add"))
    assert add.status_code == 200
