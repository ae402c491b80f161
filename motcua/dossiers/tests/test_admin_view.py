"""The admin's dossier page is a view, not a form: nothing to save, a POST changes nothing
and logs nothing, every label goes through translation, and the history reads in the
workflow's words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.contrib.admin.utils import label_for_field
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.functional import Promise

from motcua.dossiers import services
from motcua.dossiers.admin import HISTORY_COLUMNS
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.world import at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def transferred():
    """Received Mon 2/3 09:00, transferred to the commune at 10:00: two events."""
    world = build_world()
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 9)
    )
    return services.transfer_dossier(dossier=dossier, actor=world.counter, at=at(2, 10))


def change_url(dossier: Dossier) -> str:
    return reverse("admin:dossiers_dossier_change", args=[dossier.pk])


def test_the_dossier_page_has_no_save_button(admin_client, transferred):
    page = admin_client.get(change_url(transferred))

    assert page.status_code == 200
    html = page.content.decode()
    for button in ("_save", "_continue", "_addanother", "_saveasnew"):
        assert f'name="{button}"' not in html
    assert "<h1>Xem hồ sơ</h1>" in html


def test_a_post_changes_nothing_and_logs_nothing(admin_client, transferred):
    """What the browser sent when the Save button was clicked: the page's hidden inputs
    (the inlines' management forms) and ``_save``; it used to be accepted and logged as a
    change. Edited values ride along for good measure."""
    before = model_to_dict(Dossier.objects.get(pk=transferred.pk))
    events = list(DossierEvent.objects.values().order_by("pk"))
    page = admin_client.get(change_url(transferred)).content.decode()
    form = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    )
    form.update(
        {"applicant_name": "Người khác", "status": "returned", "_save": "Lưu lại"}
    )

    answer = admin_client.post(change_url(transferred), form)

    assert not LogEntry.objects.exists()
    assert model_to_dict(Dossier.objects.get(pk=transferred.pk)) == before
    assert list(DossierEvent.objects.values().order_by("pk")) == events
    assert answer.status_code == 403


def test_every_label_on_the_page_goes_through_translation(admin_client, transferred):
    """Fields without a verbose name used to print their attribute names in English."""
    html = admin_client.get(change_url(transferred)).content.decode()
    for english in ("Due soon flagged at", "Overdue flagged at", "Lock version"):
        assert english not in html
    assert "Created at:" not in html
    assert "<label>ID:</label>" not in html
    model_admin = site._registry[Dossier]
    fieldsets: Any = model_admin.fieldsets
    labels = [
        label_for_field(name, Dossier, model_admin)
        for _title, options in fieldsets
        for name in options["fields"]
    ]
    titles = [title for title, _options in fieldsets if title is not None]
    for inline in model_admin.inlines:
        inline_fields: Any = inline.fields
        labels += [label_for_field(name, inline.model) for name in inline_fields]
    labels += [label_for_field(name, DossierEvent) for name in HISTORY_COLUMNS]

    assert all(isinstance(label, Promise) for label in labels + titles)


def test_the_history_shows_the_actions_and_statuses_by_their_labels(
    admin_client, transferred
):
    html = admin_client.get(change_url(transferred)).content.decode()

    def cells(column: str) -> list[str]:
        return [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(
                rf'<td class="column-{column}">(.*?)</td>', html, re.DOTALL
            )
        ]

    assert cells("action") == ["Tiếp nhận", "Chuyển cơ quan có thẩm quyền"]
    assert cells("from_status") == ["-", "Đã tiếp nhận"]
    assert cells("to_status") == ["Đã tiếp nhận", "Đang xử lý"]
    assert cells("national_status") == ["2", "4"]
    for code in ("receive", "transfer", "received", "processing"):
        assert not re.search(rf"\b{code}\b", html.split('id="content"')[1]), code
