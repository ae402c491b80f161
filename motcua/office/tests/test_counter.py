"""The counter (``/can-bo/quay/``, issue 10 §4) through Django's test client: a paper
dossier recorded from the procedure found without accents, the checklist and the
applicant, decided at once; what the form records is what the API's intake records; a
refused form writes nothing and says why beside each field; a second click records one
dossier; the online dossiers waiting with the time left to answer, worked out by hand;
a supplement brought to the counter; a result handed over; roles, 404s, CSRF and query
counts."""

from __future__ import annotations

import datetime as dt
import re
import threading
from html import unescape
from typing import Any

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import OfficerFactory, RoleAssignmentFactory
from motcua.agencies.models import Agency
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers import services
from motcua.dossiers.choices import Channel
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
)
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import World, at, build_world
from motcua.dossiers.workflow import Action, DossierStatus
from motcua.files.models import StoredFile
from motcua.idempotency.models import IdempotencyKey
from motcua.office.counter_selectors import awaiting_answer, waiting_rows
from motcua.procedures.tests.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db

HOME = "/can-bo/quay/"
WAITING = "/can-bo/quay/truc-tuyen/"


@pytest.fixture
def world() -> World:
    world = build_world()
    world.version.agencies.add(world.commune)
    return world


def signed_in(user, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def error_beside(html: str, auto_id: str) -> str:
    """The text of the error shown beside the input ``auto_id``."""
    found = re.search(
        rf'<p class="govuk-error-message" id="{auto_id}_error">(.*?)</p>', html, re.S
    )
    assert found, f"no error beside {auto_id}"
    return text(found.group(1)).removeprefix("Lỗi:").strip()


def intake_url(world: World) -> str:
    return f"/can-bo/quay/tiep-nhan/{world.version.procedure.code}/"


def form_key(client: Client, world: World) -> str:
    page = client.get(intake_url(world))
    assert page.status_code == 200
    found = re.search(r'name="form_key" value="([^"]+)"', page.content.decode())
    assert found
    return found.group(1)


def components(world: World):
    return list(world.version.components.order_by("position"))


def form_data(world: World, key: str, **changes: Any) -> dict[str, Any]:
    """What the officer types: both papers ticked (the second a copy, two of them), the
    applicant, return by post, received."""
    first, second = components(world)
    data: dict[str, Any] = {
        "form_key": key,
        "receiving_agency": world.centre.pk,
        "handling_agency": world.commune.pk,
        "channel": 1,
        "applicant_kind": 1,
        "applicant_id_number": "066190000999",
        "applicant_name": "Trần Thị Bích",
        "applicant_phone": "0905000111",
        "applicant_email": "bich@example.com",
        "applicant_address": "12 Lê Duẩn, Buôn Ma Thuột",
        "return_method": "post",
        "sets": 1,
        "decision": "receive",
        f"paper_{first.position}_given": "on",
        f"paper_{first.position}_form": first.form,
        f"paper_{first.position}_quantity": 1,
        f"paper_{second.position}_given": "on",
        f"paper_{second.position}_form": "copy",
        f"paper_{second.position}_quantity": 2,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def nothing_written() -> None:
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert DossierComponent.objects.count() == 0
    assert not DossierCodeCounter.objects.filter(last__gt=0).exists()
    assert IdempotencyKey.objects.count() == 0


# ------------------------------------------------------------------ who may enter


def test_the_counter_pages_are_for_counter_officers_only(world):
    counter = signed_in(world.counter)
    for url in (HOME, WAITING, intake_url(world)):
        assert counter.get(url).status_code == 200, url
    # a specialist is an officer, but serves no counter: 403 with a page that says why
    for url in (HOME, WAITING, intake_url(world)):
        page = signed_in(world.specialist).get(url)
        assert page.status_code == 403
        assert page.templates[0].name == "office/counter/counters_only.html"
    # a citizen is refused as on every office page; someone signed out signs in first
    assert signed_in(world.citizen).get(HOME).status_code == 403
    assert Client().get(HOME)["Location"].startswith("/can-bo/dang-nhap/")
    # a role that has ended serves no counter
    former = OfficerFactory.create(username="tiepnhan.cu")
    RoleAssignmentFactory.create(
        user=former,
        agency=world.centre,
        role=Role.COUNTER_OFFICER,
        valid_from=dt.date(2025, 7, 1),
        valid_to=dt.date(2025, 12, 31),
    )
    assert signed_in(former).get(HOME).status_code == 403


def test_only_agencies_in_existence_today_are_offered(world):
    """An agency whose period has ended (merged away on 30/6/2025, spec 07) is neither a
    counter its former officer serves nor a body the intake form offers to handle."""
    ended = AgencyFactory.create(
        identifier="000.00.52.H15",
        name="Ủy ban nhân dân xã cũ",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    world.version.agencies.add(ended)
    page = signed_in(world.counter).get(intake_url(world))
    offered = [
        pk for pk, _name in page.context["form"].fields["handling_agency"].choices
    ]
    assert offered == [world.commune.pk]
    # a counter officer whose only counter has ended serves no counter
    former = OfficerFactory.create(username="tiepnhan.xacu")
    RoleAssignmentFactory.create(
        user=former,
        agency=ended,
        role=Role.COUNTER_OFFICER,
        valid_from=dt.date(2020, 1, 1),
    )
    assert signed_in(former).get(HOME).status_code == 403


def test_a_version_naming_no_agency_offers_every_agency_in_existence_today(world):
    world.version.agencies.clear()
    AgencyFactory.create(
        identifier="000.00.52.H15",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    page = signed_in(world.counter).get(intake_url(world))
    offered = [
        pk for pk, _name in page.context["form"].fields["handling_agency"].choices
    ]
    expected = [
        a.pk for a in Agency.objects.order_by("identifier") if a.valid_to is None
    ]
    assert offered == expected
    assert len(expected) == Agency.objects.count() - 1


def test_an_unknown_procedure_or_one_not_in_force_is_404(world):
    counter = signed_in(world.counter)
    assert counter.get("/can-bo/quay/tiep-nhan/9.999999/").status_code == 404
    ended = ProcedureVersionFactory.create(
        effective_from=dt.date(2020, 1, 1), effective_to=dt.date(2021, 1, 1)
    )
    assert (
        counter.get(f"/can-bo/quay/tiep-nhan/{ended.procedure.code}/").status_code
        == 404
    )


def test_a_dossier_another_officer_may_not_see_is_404_on_every_counter_page(world):
    dossier = s.submitted(world)
    stranger = signed_in(world.stranger)
    for url in (
        f"/can-bo/quay/da-ghi/{dossier.code}/",
        f"/can-bo/quay/ho-so/{dossier.code}/tiep-nhan/",
    ):
        assert stranger.get(url).status_code == 404, url
    answer = stranger.post(
        f"/can-bo/quay/ho-so/{dossier.code}/tiep-nhan/", {"expected_version": 1}
    )
    assert answer.status_code == 404
    assert Dossier.objects.get().status == DossierStatus.SUBMITTED


# ------------------------------------------------------------------ finding the procedure


def test_a_search_without_accents_finds_the_procedure_with_them(world):
    birth = ProcedureVersionFactory.create(name="Đăng ký khai sinh")
    ProcedureVersionFactory.create(name="Đăng ký kết hôn")
    counter = signed_in(world.counter)
    page = counter.get(HOME, {"q": "dang ky khai sinh"})
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/can-bo/quay/tiep-nhan/{birth.procedure.code}/"' in body
    assert "Đăng ký khai sinh" in body
    assert "Đăng ký kết hôn" not in body
    # as the officer types, htmx asks for the results alone
    partial = counter.get(HOME, {"q": "KHAI SINH"}, headers={"HX-Request": "true"})
    assert [t.name for t in partial.templates] == ["office/counter/_procedures.html"]
    assert "Đăng ký khai sinh" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def _queries(client: Client, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert (
            client.get(url, params, headers={"HX-Request": "true"}).status_code == 200
        )
    return len(queries)


def test_the_search_costs_the_same_queries_however_many_procedures_it_finds(world):
    counter = signed_in(world.counter)
    ProcedureVersionFactory.create(name="Đăng ký khai sinh")
    _queries(counter, HOME, q="khai sinh")  # the session and caches, once
    one = _queries(counter, HOME, q="khai sinh")
    ProcedureVersionFactory.create_batch(6, name="Đăng ký khai sinh lưu động")
    assert _queries(counter, HOME, q="khai sinh") == one


# ------------------------------------------------------------------ the intake


def test_the_form_records_what_the_api_records(world):
    """The same dossier through the form and through ``POST /api/dossiers/``: the same
    row (but its code and moments), papers and first event (but its moment)."""
    counter = signed_in(world.counter)
    answer = counter.post(intake_url(world), form_data(world, form_key(counter, world)))
    assert answer.status_code == 302
    by_form = Dossier.objects.get()
    assert answer["Location"] == f"/can-bo/quay/da-ghi/{by_form.code}/"

    api = s.client_for(world.counter).post(
        "/api/dossiers/",
        {
            "procedure": world.version.procedure.code,
            "receiving_agency": world.centre.identifier,
            "handling_agency": world.commune.identifier,
            "channel": 1,
            "applicant": {
                "name": "Trần Thị Bích",
                "kind": 1,
                "id_number": "066190000999",
                "phone": "0905000111",
                "email": "bich@example.com",
                "address": "12 Lê Duẩn, Buôn Ma Thuột",
            },
            "papers": [
                {"component": 1},
                {"component": 2, "form": "copy", "quantity": 2},
            ],
            "return_method": "post",
            "decision": "receive",
        },
        format="json",
    )
    assert api.status_code == 201, api.json()
    by_api = Dossier.objects.exclude(pk=by_form.pk).get()

    moments = {
        "submitted_at",
        "received_at",
        "legal_due_at",
        "due_at",
        "original_due_at",
        "created_at",
    }

    def row(dossier: Dossier) -> dict[str, Any]:
        values = {
            f.attname: getattr(dossier, f.attname)
            for f in Dossier._meta.concrete_fields
        }
        return {k: v for k, v in values.items() if k not in {"id", "code", *moments}}

    assert row(by_form) == row(by_api)
    assert by_form.status == DossierStatus.RECEIVED
    assert by_form.code.startswith("000.01.51.H15-")

    def papers(dossier: Dossier) -> list[tuple[Any, ...]]:
        return list(
            dossier.components.order_by("pk").values_list(
                "required_id", "name", "form", "quantity", "digitised_at"
            )
        )

    first, second = components(world)
    assert papers(by_form) == papers(by_api)
    assert papers(by_form) == [
        (first.pk, first.name, first.form, 1, None),
        (second.pk, second.name, "copy", 2, None),
    ]

    def events(dossier: Dossier) -> list[tuple[Any, ...]]:
        return list(
            dossier.events.order_by("sequence").values_list(
                "sequence",
                "action",
                "actor_id",
                "from_status",
                "to_status",
                "national_status",
                "agency_id",
                "note",
            )
        )

    assert events(by_form) == events(by_api)
    assert events(by_form) == [
        (1, Action.RECEIVE, world.counter.pk, "", DossierStatus.RECEIVED, 2,
         world.centre.pk, ""),
    ]  # fmt: skip
    # the process copied alike
    assert list(by_form.steps.values_list("position", "name", "agency_id")) == list(
        by_api.steps.values_list("position", "name", "agency_id")
    )


def test_the_recorded_page_opens_the_receipt_in_a_new_tab(world):
    counter = signed_in(world.counter)
    answer = counter.post(
        intake_url(world), form_data(world, form_key(counter, world)), follow=True
    )
    dossier = Dossier.objects.get()
    body = answer.content.decode()
    assert answer.status_code == 200
    assert f"{gettext('Dossier code')} {dossier.code}" in text(body)
    receipt = f"/ho-so/{dossier.code}/giay-tiep-nhan.pdf"
    assert re.search(
        rf'<a class="govuk-link" href="{re.escape(receipt)}" target="_blank" rel="noopener">',
        body,
    )
    assert "Ctrl+P" in body
    # the link answers with the receipt itself
    pdf = counter.get(receipt)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_ask_to_complete_lists_by_default_the_mandatory_papers_not_ticked(world):
    counter = signed_in(world.counter)
    first, second = components(world)
    data = form_data(
        world,
        form_key(counter, world),
        decision="request_supplement",
        **{f"paper_{second.position}_given": None},
    )
    answer = counter.post(intake_url(world), data)
    assert answer.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.INTAKE_SUPPLEMENT
    event = dossier.events.get()
    assert event.action == Action.REQUEST_INTAKE_SUPPLEMENT
    assert event.payload["missing"] == [second.name]
    assert list(dossier.components.values_list("required_id", flat=True)) == [first.pk]
    recorded = counter.get(answer["Location"]).content.decode()
    assert f"/ho-so/{dossier.code}/phieu-yeu-cau-bo-sung.pdf" in recorded


def test_refuse_and_settle_on_the_spot_go_through_their_services(world):
    counter = signed_in(world.counter)
    counter.post(
        intake_url(world),
        form_data(
            world,
            form_key(counter, world),
            decision="refuse",
            reasons="Không thuộc thẩm quyền giải quyết",
        ),
    )
    refused = Dossier.objects.get()
    assert refused.status == DossierStatus.REFUSED
    event = refused.events.get()
    assert (event.action, event.note) == (
        Action.REFUSE,
        "Không thuộc thẩm quyền giải quyết",
    )

    answer = counter.post(
        intake_url(world),
        form_data(
            world,
            form_key(counter, world),
            decision="on_the_spot",
            channel=3,  # settled on the spot the applicant is here: the counter's way
            results="Giấy xác nhận\n\n  Bản sao trích lục  ",
        ),
    )
    settled = Dossier.objects.exclude(pk=refused.pk).get()
    # settled on the spot: no receipt to print (spec 02 §3.5)
    recorded = counter.get(answer["Location"]).content.decode()
    assert ".pdf" not in recorded
    assert settled.status == DossierStatus.RETURNED
    assert settled.channel == Channel.DIRECT
    assert list(settled.results.values_list("code", "name")) == [
        (f"{settled.code}-KQ(1)", "Giấy xác nhận"),
        (f"{settled.code}-KQ(2)", "Bản sao trích lục"),
    ]
    assert list(settled.events.values_list("action", flat=True)) == [
        Action.RECEIVE,
        Action.TRANSFER,
        Action.SUBMIT_FOR_APPROVAL,
        Action.APPROVE,
        Action.ISSUE_RESULT,
        Action.RETURN_RESULT,
    ]


# ------------------------------------------------------------------ refusals


def test_a_refused_form_writes_nothing_and_says_why_beside_each_field(world):
    counter = signed_in(world.counter)
    key = form_key(counter, world)
    first, second = components(world)

    # received without the second paper: the service's dossier_incomplete, beside it
    page = counter.post(
        intake_url(world),
        form_data(world, key, **{f"paper_{second.position}_given": None}),
    )
    body = page.content.decode()
    assert page.status_code == 422
    assert error_beside(body, f"id_paper_{second.position}_given") == gettext(
        "Required to receive the dossier: not ticked."
    )
    assert f"id_paper_{first.position}_given_error" not in body
    assert "govuk-error-summary" in body
    nothing_written()
    # what was typed is kept
    assert 'value="Trần Thị Bích"' in body
    assert 'value="0905000111"' in body
    assert re.search(rf'name="paper_{first.position}_given"[^>]*checked', body)
    assert not re.search(rf'name="paper_{second.position}_given"[^>]*checked', body)
    assert f'name="form_key" value="{key}"' in body

    # refused without reasons: the service's reasons_required, beside the reasons
    page = counter.post(intake_url(world), form_data(world, key, decision="refuse"))
    assert page.status_code == 422
    assert error_beside(page.content.decode(), "id_reasons") == (
        "Cần nêu rõ lý do từ chối."
    )
    nothing_written()

    # no name: the service's applicant_required, beside the name
    page = counter.post(intake_url(world), form_data(world, key, applicant_name="  "))
    assert page.status_code == 422
    assert error_beside(page.content.decode(), "id_applicant_name") == (
        "Phải nhập tên chủ hồ sơ."
    )
    nothing_written()

    # an address longer than the 500 characters a slip holds: the service's bound
    page = counter.post(
        intake_url(world), form_data(world, key, applicant_address="x" * 501)
    )
    assert page.status_code == 422
    assert error_beside(page.content.decode(), "id_applicant_address") == (
        gettext("At most %(limit)s characters are accepted; this has %(length)s.")
        % {"limit": 500, "length": 501}
    )
    nothing_written()

    # the shape: a count that is not a number, an email that is not one
    page = counter.post(
        intake_url(world),
        form_data(
            world,
            key,
            applicant_email="bich@",
            **{f"paper_{first.position}_quantity": "hai"},
        ),
    )
    body = page.content.decode()
    assert page.status_code == 400
    assert error_beside(body, "id_applicant_email")
    assert error_beside(body, f"id_paper_{first.position}_quantity")
    nothing_written()

    # and the same key, the form corrected, records the dossier
    assert counter.post(intake_url(world), form_data(world, key)).status_code == 302
    assert Dossier.objects.count() == 1


def test_a_counter_the_officer_does_not_serve_is_refused(world):
    other = signed_in(world.counter)
    page = other.post(
        intake_url(world),
        form_data(world, form_key(other, world), receiving_agency=world.commune.pk),
    )
    # not among the choices: the form's own check, beside the field
    assert page.status_code == 400
    assert error_beside(page.content.decode(), "id_receiving_agency")
    nothing_written()


# ------------------------------------------------------------------ a second click


def test_a_second_click_records_one_dossier(world):
    counter = signed_in(world.counter)
    data = form_data(world, form_key(counter, world))
    first = counter.post(intake_url(world), data)
    second = counter.post(intake_url(world), data)
    dossier = Dossier.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == (f"/can-bo/quay/da-ghi/{dossier.code}/")
    )
    assert DossierEvent.objects.count() == 1
    assert DossierCodeCounter.objects.get().last == 1
    notice = text(counter.get(second["Location"]).content.decode())
    assert (
        gettext("This form had already been sent: the dossier was recorded once.")
        in notice
    )


def test_the_same_form_sent_with_other_data_records_nothing_more(world):
    counter = signed_in(world.counter)
    key = form_key(counter, world)
    assert counter.post(intake_url(world), form_data(world, key)).status_code == 302
    code = Dossier.objects.get().code
    page = counter.post(
        intake_url(world), form_data(world, key, applicant_name="Lê Văn Cường")
    )
    body = page.content.decode()
    assert page.status_code == 409
    assert code in text(body)
    assert Dossier.objects.count() == 1
    # a new key to record the other dossier, the typing kept
    new_key = re.search(r'name="form_key" value="([^"]+)"', body)
    assert new_key
    assert new_key.group(1) != key
    assert 'value="Lê Văn Cường"' in body


def test_the_form_refuses_a_post_without_its_csrf_token(world):
    counter = signed_in(world.counter, enforce_csrf_checks=True)
    page = counter.get(intake_url(world))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page.content.decode())
    assert key
    answer = counter.post(intake_url(world), form_data(world, key.group(1)))
    assert answer.status_code == 403
    nothing_written()


# ------------------------------------------------------------------ the applicant by number


def test_the_applicant_is_filled_in_from_their_latest_dossier_the_officer_may_see(
    world,
):
    services.receive_dossier(
        intake=world.intake(name="Nguyễn Thị Ánh (cũ)"),
        actor=world.counter,
        at=at(2, 9),
    )
    services.receive_dossier(
        intake=world.intake(name="Nguyễn Thị Ánh"), actor=world.counter, at=at(3, 9)
    )
    counter = signed_in(world.counter)
    url = f"{intake_url(world)}nguoi-nop/"
    partial = counter.post(
        url, {"applicant_id_number": "066190000123"}, headers={"HX-Request": "true"}
    )
    body = partial.content.decode()
    assert partial.status_code == 200
    assert [t.name for t in partial.templates][0] == "office/counter/_applicant.html"
    assert 'value="Nguyễn Thị Ánh"' in body
    assert gettext(
        "Filled in from the latest dossier of this number. Check each detail with "
        "the applicant."
    ) in text(body)
    # an officer who may not see those dossiers learns nothing from the number
    outsider = OfficerFactory.create(username="tiepnhan.khac")
    other_centre = world.department
    RoleAssignmentFactory.create(
        user=outsider,
        agency=other_centre,
        role=Role.COUNTER_OFFICER,
        valid_from=dt.date(2025, 7, 1),
    )
    unknown = signed_in(outsider).post(url, {"applicant_id_number": "066190000123"})
    assert "Nguyễn Thị Ánh" not in unknown.content.decode()
    assert gettext(
        "No dossier or account you may see has this number: enter the details."
    ) in text(unknown.content.decode())
    # without JavaScript the whole form comes back, filled, and nothing is recorded
    page = counter.post(
        intake_url(world),
        {"form_key": "k", "tra-cuu": "1", "applicant_id_number": "066190000123"},
    )
    assert page.status_code == 200
    assert 'value="Nguyễn Thị Ánh"' in page.content.decode()
    assert Dossier.objects.count() == 2


def test_the_applicant_is_filled_in_from_their_account_when_no_dossier_has_the_number(
    world,
):
    world.citizen.full_name = "Phạm Văn Đông"
    world.citizen.personal_id = "066085000777"
    world.citizen.phone = "0912000777"
    world.citizen.save()
    body = (
        signed_in(world.counter)
        .post(f"{intake_url(world)}nguoi-nop/", {"applicant_id_number": "066085000777"})
        .content.decode()
    )
    assert 'value="Phạm Văn Đông"' in body
    assert 'value="0912000777"' in body
    assert gettext(
        "Filled in from the applicant's own account. Check each detail with the "
        "applicant."
    ) in text(body)


def test_the_number_finds_only_an_applicants_account(world):
    """The account a number fills the form from is a citizen's, by their personal
    identification number, or a business's, by its tax code (``accounts.User``); never
    an officer's, an administrator's or a deactivated one, and never a citizen by a tax
    code or a business by a personal number."""
    from motcua.accounts.choices import AccountKind
    from motcua.accounts.tests.factories import UserFactory
    from motcua.office.counter_selectors import applicant_by_number

    def found(number: str) -> str | None:
        known = applicant_by_number(world.counter, number)
        return None if known is None else known.name

    OfficerFactory.create(
        username="canbo.so", full_name="Cán Bộ", personal_id="066085000001"
    )
    UserFactory.create(
        username="quantri",
        full_name="Quản Trị",
        personal_id="066085000002",
        is_staff=True,
        is_superuser=True,
    )
    UserFactory.create(
        username="nhanvien",
        full_name="Nhân Viên",
        personal_id="066085000003",
        is_staff=True,
    )
    UserFactory.create(
        username="danghi",
        full_name="Đã Nghỉ",
        personal_id="066085000004",
        is_active=False,
    )
    UserFactory.create(
        username="congdan.moi",
        full_name="Công Dân",
        personal_id="066085000005",
        tax_code="8000000005",
    )
    UserFactory.create(
        username="doanhnghiep",
        kind=AccountKind.BUSINESS,
        full_name="Công ty Một",
        personal_id="066085000006",
        tax_code="6000000006",
    )
    assert [found(f"06608500000{n}") for n in range(1, 7)] == [
        None,  # an officer
        None,  # an administrator
        None,  # a member of staff
        None,  # deactivated
        "Công Dân",  # a citizen by their personal number
        None,  # a business is not found by a personal number
    ]
    assert found("8000000005") is None  # a citizen is not found by a tax code
    assert found("6000000006") == "Công ty Một"  # a business by its tax code


# ------------------------------------------------------------------ online, waiting


def _online(world: World, *, at_: dt.datetime, name: str = "Nguyễn Thị Ánh") -> Dossier:
    return services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen, name=name),
        actor=world.citizen,
        at=at_,
    )


def test_the_time_left_to_answer_an_online_dossier(world):
    """Submitted Mon 2/3 14:00; the window is 8 working hours (the seeded rules): 3 h
    that afternoon (to 17:00), 4 h 30 on Tuesday morning (07:00-11:30), the last 30 min
    from 13:30: due Tue 3/3 14:00. At Tue 10:00, 1 h 30 of the morning and 30 min of the
    afternoon are left: 2 h 0 min. At 15:00 it is past."""
    dossier = _online(world, at_=at(2, 14))
    rows = waiting_rows(
        list(awaiting_answer(world.counter, [world.centre])), now=at(3, 10)
    )
    assert [r.dossier.pk for r in rows] == [dossier.pk]
    assert rows[0].answer_due == at(3, 14)
    assert (rows[0].hours_left, rows[0].minutes_left) == (2, 0)
    assert not rows[0].is_late
    late = waiting_rows([dossier], now=at(3, 15))[0]
    assert late.is_late
    assert late.time_left == dt.timedelta(0)


def test_the_waiting_list_links_each_online_dossier_to_its_page(world):
    waiting = _online(world, at_=at(2, 14))
    answered = _online(world, at_=at(2, 15))
    services.receive_dossier(dossier=answered, actor=world.counter, at=at(2, 16))
    services.receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 9))
    page = signed_in(world.counter).get(WAITING)
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/can-bo/ho-so/{waiting.code}/"' in body
    assert answered.code not in body
    # long past its window now (March 2026)
    assert gettext("Past the window") in text(body)
    assert "03/03/2026 14:00" in text(body)


def test_the_waiting_list_costs_the_same_queries_however_many_wait(world):
    counter = signed_in(world.counter)
    _online(world, at_=at(2, 14))
    _queries(counter, WAITING)
    one = _queries(counter, WAITING)
    for hour in (8, 9, 10, 13, 15):
        _online(world, at_=at(3, hour), name=f"Người nộp {hour}")
    assert _queries(counter, WAITING) == one


def test_the_counter_accepts_an_online_dossier_on_its_page(world):
    dossier = _online(world, at_=at(2, 14))
    counter = signed_in(world.counter)
    page = counter.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'id="tai-quay"' in page
    for slug in ("tiep-nhan", "yeu-cau-bo-sung", "tu-choi"):
        assert f'action="/can-bo/quay/ho-so/{dossier.code}/{slug}/"' in page
    answer = counter.post(
        f"/can-bo/quay/ho-so/{dossier.code}/tiep-nhan/",
        {"expected_version": dossier.lock_version},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/can-bo/quay/da-ghi/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    # a second click on the same button changes nothing twice
    again = counter.post(
        f"/can-bo/quay/ho-so/{dossier.code}/tiep-nhan/", {"expected_version": 1}
    )
    assert again.status_code == 409
    assert "Đã tiếp nhận" in text(again.content.decode())
    assert dossier.events.filter(action=Action.RECEIVE).count() == 1


def test_refusing_an_online_dossier_needs_its_reasons(world):
    dossier = _online(world, at_=at(2, 14))
    counter = signed_in(world.counter)
    url = f"/can-bo/quay/ho-so/{dossier.code}/tu-choi/"
    page = counter.post(url, {"expected_version": 1, "reasons": ""})
    assert page.status_code == 422
    assert error_beside(page.content.decode(), "id_reasons") == (
        "Cần nêu rõ lý do từ chối."
    )
    assert Dossier.objects.get().status == DossierStatus.SUBMITTED
    counter.post(url, {"expected_version": 1, "reasons": "Hồ sơ giả mạo"})
    assert Dossier.objects.get().status == DossierStatus.REFUSED


# ------------------------------------------------------------------ supplement, return


def test_the_counter_records_a_supplement_brought_in(world):
    dossier = s.supplement_requested(world)
    counter = signed_in(world.counter)
    url = f"/can-bo/quay/ho-so/{dossier.code}/nhan-bo-sung/"
    page = counter.get(url)
    assert page.status_code == 200
    assert "Bản sao sổ hộ khẩu" in text(page.content.decode())
    answer = counter.post(
        url, {"expected_version": dossier.lock_version, "note": "Đã nhận bản sao"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    event = dossier.events.order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.actor_id, event.note) == (
        Action.RECEIVE_SUPPLEMENT,
        world.counter.pk,
        "Đã nhận bản sao",
    )
    # a specialist of another agency may not see it: 404
    assert signed_in(world.stranger).get(url).status_code == 404


def test_the_counter_hands_over_the_result_and_records_to_whom(world):
    dossier = s.resolved(world)
    counter = signed_in(world.counter)
    url = f"/can-bo/quay/ho-so/{dossier.code}/tra-ket-qua/"
    page = counter.get(url).content.decode()
    assert f"{dossier.code}-KQ(1)" in page
    assert 'value="Nguyễn Thị Ánh"' in page  # the applicant, by default
    answer = counter.post(
        url,
        {
            "expected_version": dossier.lock_version,
            "receiver": "Trần Văn Bảo (được ủy quyền)",
            "method": "counter",
        },
    )
    assert answer.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    event = dossier.events.order_by("-sequence").first()
    assert event is not None
    assert event.action == Action.RETURN_RESULT
    assert event.payload["receiver"] == "Trần Văn Bảo (được ủy quyền)"
    assert event.payload["method"] == "counter"


def test_an_action_not_open_now_is_refused_on_its_page(world):
    dossier = s.received(world)
    counter = signed_in(world.counter)
    page = counter.get(f"/can-bo/quay/ho-so/{dossier.code}/tra-ket-qua/")
    assert page.status_code == 403
    assert (
        counter.get(f"/can-bo/quay/ho-so/{dossier.code}/khong-co/").status_code == 404
    )


# ------------------------------------------------------------------ scans


@pytest.fixture
def files_root(tmp_path, settings):
    """The document store on the filesystem, in a folder of this test's own."""
    from motcua.files.storage import FILES_STORAGE

    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        FILES_STORAGE: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def scan(name: str, text_: str) -> SimpleUploadedFile:
    """A real PDF scan, rendered by WeasyPrint."""
    pdf = weasyprint.HTML(string=f"<p>{text_}</p>").write_pdf()
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


def test_receiving_with_a_scan_of_every_paper_digitises_every_paper(world, files_root):
    counter = signed_in(world.counter)
    first, second = components(world)
    data = form_data(
        world,
        form_key(counter, world),
        **{
            f"paper_{first.position}_scan": scan("to-khai.pdf", "Tờ khai"),
            f"paper_{second.position}_scan": scan("giay-to.pdf", "Giấy tờ chứng minh"),
        },
    )
    answer = counter.post(intake_url(world), data)
    assert answer.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.received_at is not None
    papers = list(dossier.components.order_by("pk"))
    # every paper digitised at the moment of reception, each with its own scan
    assert [p.digitised_at for p in papers] == [dossier.received_at] * 2
    stored = StoredFile.objects.filter(dossier=dossier).order_by("pk")
    assert [(f.component_id, f.original_name) for f in stored] == [
        (papers[0].pk, "to-khai.pdf"),
        (papers[1].pk, "giay-to.pdf"),
    ]
    assert [f.uploaded_by_id for f in stored] == [world.counter.pk] * 2
    # the history: received, then each paper digitised, by the counter officer
    assert list(
        dossier.events.order_by("sequence").values_list("action", "actor_id")
    ) == [
        (Action.RECEIVE, world.counter.pk),
        (Action.DIGITISE_COMPONENT, world.counter.pk),
        (Action.DIGITISE_COMPONENT, world.counter.pk),
    ]
    assert dossier.status == DossierStatus.RECEIVED


def test_a_scan_the_store_refuses_is_said_beside_it_and_nothing_is_written(
    world, files_root
):
    counter = signed_in(world.counter)
    first, second = components(world)
    data = form_data(
        world,
        form_key(counter, world),
        **{
            f"paper_{first.position}_scan": scan("to-khai.pdf", "Tờ khai"),
            f"paper_{second.position}_scan": SimpleUploadedFile(
                "giay-to.pdf", b"not a scan at all\n", content_type="application/pdf"
            ),
        },
    )
    page = counter.post(intake_url(world), data)
    assert page.status_code == 422
    said = error_beside(page.content.decode(), f"id_paper_{second.position}_scan")
    assert said.startswith(
        gettext(
            "This kind of file is not accepted; the file must be one of: %(types)s."
        )
        .split("%(types)s")[0]
        .strip()
    )
    nothing_written()
    assert StoredFile.objects.count() == 0
    assert not list(files_root.rglob("*.*"))


def test_settled_on_the_spot_the_papers_are_digitised_while_received(world, files_root):
    counter = signed_in(world.counter)
    first, second = components(world)
    counter.post(
        intake_url(world),
        form_data(
            world,
            form_key(counter, world),
            decision="on_the_spot",
            results="Giấy xác nhận",
            **{
                f"paper_{first.position}_scan": scan("a.pdf", "Tờ khai"),
                f"paper_{second.position}_scan": scan("b.pdf", "Giấy tờ"),
            },
        ),
    )
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.RETURNED
    assert all(p.digitised_at == dossier.received_at for p in dossier.components.all())
    assert list(
        dossier.events.order_by("sequence").values_list("action", flat=True)
    ) == [
        Action.RECEIVE,
        Action.DIGITISE_COMPONENT,
        Action.DIGITISE_COMPONENT,
        Action.TRANSFER,
        Action.SUBMIT_FOR_APPROVAL,
        Action.APPROVE,
        Action.ISSUE_RESULT,
        Action.RETURN_RESULT,
    ]


def test_a_refused_dossier_keeps_no_scan_and_says_so(world, files_root):
    counter = signed_in(world.counter)
    first, _second = components(world)
    answer = counter.post(
        intake_url(world),
        form_data(
            world,
            form_key(counter, world),
            decision="refuse",
            reasons="Không thuộc thẩm quyền",
            **{f"paper_{first.position}_scan": scan("a.pdf", "Tờ khai")},
        ),
        follow=True,
    )
    assert Dossier.objects.get().status == DossierStatus.REFUSED
    assert StoredFile.objects.count() == 0
    assert gettext(
        "The scans were not kept: a dossier refused at reception is not digitised."
    ) in text(answer.content.decode())


def test_a_scan_of_a_paper_not_ticked_is_said_beside_it(world, files_root):
    counter = signed_in(world.counter)
    _first, second = components(world)
    page = counter.post(
        intake_url(world),
        form_data(
            world,
            form_key(counter, world),
            **{
                f"paper_{second.position}_given": None,
                f"paper_{second.position}_scan": scan("b.pdf", "Giấy tờ"),
            },
        ),
    )
    assert page.status_code == 400
    assert error_beside(page.content.decode(), f"id_paper_{second.position}_scan") == (
        gettext("Tick the paper as handed in, or remove its scan.")
    )
    nothing_written()


def test_recording_costs_the_same_queries_however_many_papers(world):
    """Without scans, the papers are written at once (one statement for all): a
    checklist of six costs what a checklist of two does."""
    counter = signed_in(world.counter)

    def version_with(papers: int):
        version = ProcedureVersionFactory.create(components=papers)
        version.agencies.add(world.commune)
        return version

    def submit(version) -> int:
        url = f"/can-bo/quay/tiep-nhan/{version.procedure.code}/"
        page = counter.get(url).content.decode()
        found = re.search(r'name="form_key" value="([^"]+)"', page)
        assert found
        data: dict[str, Any] = {
            "form_key": found.group(1),
            "receiving_agency": world.centre.pk,
            "handling_agency": world.commune.pk,
            "channel": 1,
            "applicant_kind": 1,
            "applicant_name": "Trần Thị Bích",
            "return_method": "counter",
            "sets": 1,
            "decision": "receive",
        }
        for component in version.components.all():
            data[f"paper_{component.position}_given"] = "on"
            data[f"paper_{component.position}_form"] = component.form
            data[f"paper_{component.position}_quantity"] = 1
        with CaptureQueriesContext(connection) as queries:
            assert counter.post(url, data).status_code == 302
        return len(queries)

    two, six = version_with(2), version_with(6)
    submit(two)  # the caches of rules, agencies and calendars, once
    assert submit(six) == submit(two)
    assert DossierComponent.objects.count() == 2 + 6 + 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_at_once_record_one_dossier():
    """Both submissions claim the key at once: the database's unique index makes the
    second wait for the first, which records; the second then answers with its dossier."""
    if connection.vendor != "postgresql":
        pytest.skip("the race is run on PostgreSQL")
    world = build_world()
    world.version.agencies.add(world.commune)
    data = form_data(world, form_key(signed_in(world.counter), world))
    start = threading.Barrier(2)
    answers: list[Any] = []

    def send() -> None:
        try:
            client = signed_in(world.counter)
            start.wait()
            answers.append(client.post(intake_url(world), data))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    dossier = Dossier.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {f"/can-bo/quay/da-ghi/{dossier.code}/"}
    assert DossierEvent.objects.count() == 1
