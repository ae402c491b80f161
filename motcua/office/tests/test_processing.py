"""Processing in the officers' workspace (issue 10 §5) through Django's test client: every
action's form, posted by an officer the rows allow (docs/workflow.md) and by one they do
not; a second click and a colleague's change meanwhile (``lock_version``); errors beside
their fields with what was typed kept and nothing written; the inter-agency hand-over and
its return; the leader's approval queue; the queue's filters and counts; CSRF."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from html import unescape
from unittest import mock

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import OfficerFactory, RoleAssignmentFactory
from motcua.agencies.models import Agency
from motcua.dossiers.api.views import ENDPOINTS
from motcua.dossiers.choices import Channel, DeadlineState
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    OneStopRules,
    overdue_condition,
)
from motcua.dossiers.permissions import dossiers_visible_in_parts, dossiers_visible_to
from motcua.dossiers.selectors import due_soon_condition, rule_pairs
from motcua.dossiers.services import (
    approve_dossier,
    assign_dossier,
    hand_over_dossier,
    issue_result,
    receive_dossier,
    receive_supplement,
    request_financial_obligation,
    request_supplement,
    submit_for_approval,
    submit_online,
    transfer_dossier,
)
from motcua.dossiers.tests.world import VN, World, at, build_world
from motcua.dossiers.workflow import RUNNING_STATUSES, Action, DossierStatus
from motcua.files.models import StoredFile
from motcua.files.storage import FILES_STORAGE
from motcua.office import selectors
from motcua.office.counter import COUNTER_ACTIONS
from motcua.office.processing_forms import FORM_ACTIONS
from motcua.office.selectors import (
    awaiting_approval_of,
    narrow_queue,
    open_queue,
    queue_kinds,
    queue_rows,
)
from motcua.office.templatetags.office_processing import COUNTER_HANDLED
from motcua.procedures.tests.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db

HOME = "/can-bo/"
APPROVALS = "/can-bo/phe-duyet/"


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def action_url(dossier: Dossier, action: str) -> str:
    return f"/can-bo/ho-so/{dossier.code}/xu-ly/{action.replace('_', '-')}/"


def post(client: Client, dossier: Dossier, action: str, data=None, *, version=None):
    body = {"expected_version": version or dossier.lock_version, **(data or {})}
    return client.post(action_url(dossier, action), body)


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def error_beside(html: str, field_id: str) -> str:
    found = re.search(
        rf'<p class="govuk-error-message" id="{field_id}_error">(.*?)</p>', html, re.S
    )
    assert found, f"no error beside {field_id}"
    return text(found.group(1))


STALE = (
    "Nothing was done: the dossier was changed meanwhile (by someone else, or by an "
    "earlier click). Here it is as it is now; check it before acting again."
)

# ------------------------------------------------------------------ dossiers in each state


def submitted(world: World) -> Dossier:
    return submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(2, 8),
    )


def received(world: World, moment: dt.datetime | None = None) -> Dossier:
    return receive_dossier(
        intake=world.intake(), actor=world.counter, at=moment or at(2, 9)
    )


def processing(world: World, moment: dt.datetime | None = None) -> Dossier:
    moment = moment or at(2, 9)
    return transfer_dossier(
        dossier=received(world, moment), actor=world.counter, at=moment
    )


def with_department(world: World) -> Dossier:
    return hand_over_dossier(
        dossier=processing(world),
        to_agency=world.department,
        actor=world.specialist,
        at=at(2, 11),
    )


def awaiting(world: World) -> Dossier:
    return submit_for_approval(
        dossier=processing(world), actor=world.specialist, at=at(2, 11)
    )


def approved(world: World) -> Dossier:
    return approve_dossier(dossier=awaiting(world), actor=world.leader, at=at(2, 14))


def resolved(world: World) -> Dossier:
    return issue_result(
        dossier=approved(world),
        results=["Giấy xác nhận"],
        actor=world.specialist,
        at=at(2, 15),
    )


def supplement_asked(world: World) -> Dossier:
    return request_supplement(
        dossier=processing(world),
        missing=["Tờ khai"],
        actor=world.specialist,
        at=at(2, 11),
    )


def obligation_asked(world: World) -> Dossier:
    return request_financial_obligation(
        dossier=processing(world), amount=50000, actor=world.specialist, at=at(2, 11)
    )


def processing_now(world: World) -> Dossier:
    """Received and transferred just now: its appointment, 3 working days away, still
    leaves time for an apology (one working day before it)."""
    return processing(world, timezone.now())


def _apology(world: World, dossier: Dossier) -> dict[str, str]:
    assert dossier.due_at is not None
    new = dossier.due_at.astimezone(VN).date() + dt.timedelta(days=7)
    return {
        "new_due_date": f"{new:%d/%m/%Y}",
        "new_due_time": "16:00",
        "reason": "Chờ ý kiến cơ quan phối hợp",
    }


# action → (the dossier, who may, what they post, the status after, who sees it and may
# not). Who may is the row's (docs/workflow.md): e.g. receiving the supplement is for a
# specialist or a counter officer *of the handling agency or the step's*: the receiving
# centre's counter officer may not.
Case = tuple[
    Callable[[World], Dossier],
    str,
    Callable[[World, Dossier], dict[str, str]],
    str,
    str,
]
CASES: dict[str, Case] = {
    "receive": (submitted, "counter", lambda w, d: {}, "received", "specialist"),
    "refuse": (
        submitted,
        "counter",
        lambda w, d: {"reasons": "Không thuộc thẩm quyền"},
        "refused",
        "leader",
    ),
    "request_intake_supplement": (
        submitted,
        "counter",
        lambda w, d: {"missing": "Tờ khai\n\nGiấy tờ chứng minh\n"},
        "intake_supplement",
        "specialist",
    ),
    "transfer": (received, "counter", lambda w, d: {}, "processing", "specialist"),
    "assign": (
        processing,
        "leader",
        lambda w, d: {"assignee": w.specialist.username},
        "processing",
        "specialist",
    ),
    "hand_over": (
        processing,
        "specialist",
        lambda w, d: {"to_agency": w.department.identifier, "note": "Xin ý kiến"},
        "inter_agency",
        "counter",
    ),
    "return_from_agency": (
        with_department,
        "stranger",
        lambda w, d: {"note": "Đã cho ý kiến"},
        "processing",
        "counter",
    ),
    "request_supplement": (
        processing,
        "specialist",
        lambda w, d: {"missing": "Tờ khai có chữ ký", "note": "Thiếu chữ ký"},
        "supplement_requested",
        "leader",
    ),
    "receive_supplement": (
        supplement_asked,
        "specialist",
        lambda w, d: {},
        "processing",
        # the receiving counter may record it too (docs/decisions/0012); the leader not
        "leader",
    ),
    "request_financial_obligation": (
        processing,
        "specialist",
        lambda w, d: {"amount": "1.500.000"},
        "financial_obligation",
        "leader",
    ),
    "confirm_financial_obligation": (
        obligation_asked,
        "specialist",
        lambda w, d: {},
        "processing",
        "counter",
    ),
    "submit_for_approval": (
        processing,
        "specialist",
        lambda w, d: {"note": "Đủ điều kiện"},
        "awaiting_approval",
        "leader",
    ),
    "send_back": (
        awaiting,
        "leader",
        lambda w, d: {"note": "Bổ sung căn cứ"},
        "processing",
        "specialist",
    ),
    "approve": (awaiting, "leader", lambda w, d: {}, "approved", "specialist"),
    "issue_result": (
        approved,
        "specialist",
        lambda w, d: {"result_1": "Giấy xác nhận", "result_2": "Bản sao trích lục"},
        "resolved",
        "counter",
    ),
    "return_result": (
        resolved,
        "counter",
        lambda w, d: {"method": "counter", "receiver": "Nguyễn Thị Ánh"},
        "returned",
        "specialist",
    ),
    "apologise": (processing_now, "leader", _apology, "processing", "specialist"),
    "withdraw": (
        processing,
        "counter",
        lambda w, d: {"note": "Công dân xin rút"},
        "withdrawn",
        "specialist",
    ),
    "stop": (
        processing,
        "leader",
        lambda w, d: {"reasons": "Không đủ điều kiện"},
        "stopped",
        "specialist",
    ),
}


def test_every_action_an_officer_takes_has_a_form_and_a_case_here():
    # every endpoint of the API but the applicant's own resubmission
    assert set(FORM_ACTIONS) == set(ENDPOINTS) - {Action.RESUBMIT}
    assert set(CASES) == set(FORM_ACTIONS)


@pytest.mark.parametrize("action", sorted(CASES))
def test_an_officer_the_rows_allow_takes_the_action_from_its_form(action):
    world = build_world()
    make, persona, data, status, _other = CASES[action]
    dossier = make(world)
    client = signed_in(getattr(world, persona))
    page = client.get(f"/can-bo/ho-so/{dossier.code}/")
    html = page.content.decode()
    slug = action.replace("_", "-")
    if action in COUNTER_HANDLED:
        # the counter's own form stands on the page for it (office.counter); the
        # processing form's address still takes the action
        counter_slug = next(
            s for s, entry in COUNTER_ACTIONS.items() if entry.action == action
        )
        assert f"/can-bo/quay/ho-so/{dossier.code}/{counter_slug}/" in html
        assert f'id="xu-ly-{slug}"' not in html
        # the list of actions leads to that form, not to one that is not there
        assert f'href="#tai-quay-{counter_slug}"' in html
        assert f'id="tai-quay-{counter_slug}"' in html
        assert f'href="#xu-ly-{slug}"' not in html
    else:
        # the form is on the page, posting to its action with the version seen
        assert f'action="{action_url(dossier, action)}"' in html
        assert f'id="xu-ly-{slug}"' in html
        assert f'href="#xu-ly-{slug}"' in html
    events = dossier.events.count()
    answer = post(client, dossier, action, data(world, dossier))
    assert answer.status_code == 303, text(answer.content.decode())[:2000]
    assert answer["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    after = fresh(dossier)
    assert after.status == status
    assert after.lock_version == dossier.lock_version + 1
    assert after.events.count() == events + 1
    assert after.events.order_by("-sequence")[0].action == action
    shown = client.get(answer["Location"])
    label = str(Action(action).label)
    assert gettext("Done: %(action)s.") % {"action": label} in text(
        shown.content.decode()
    )


@pytest.mark.parametrize("action", sorted(CASES))
def test_an_officer_who_sees_the_dossier_but_may_not_act_gets_403_and_nothing_changes(
    action,
):
    world = build_world()
    make, _persona, data, _status, other = CASES[action]
    dossier = make(world)
    client = signed_in(getattr(world, other))
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f'action="{action_url(dossier, action)}"' not in html  # no form offered
    answer = post(client, dossier, action, data(world, dossier))
    assert answer.status_code == 403
    assert fresh(dossier).lock_version == dossier.lock_version
    assert fresh(dossier).events.count() == dossier.events.count()


@pytest.mark.parametrize("action", ["transfer", "submit_for_approval", "stop"])
def test_an_officer_who_may_not_see_the_dossier_gets_404(action):
    world = build_world()
    dossier = received(world) if action == "transfer" else processing(world)
    client = signed_in(world.stranger)  # a specialist of the department
    assert post(client, dossier, action, {"reasons": "x"}).status_code == 404
    assert fresh(dossier).lock_version == dossier.lock_version
    assert client.get(action_url(dossier, action)).status_code == 404


def test_an_unknown_action_is_404_and_get_leads_to_the_form():
    world = build_world()
    dossier = processing(world)
    client = signed_in(world.specialist)
    assert post(client, dossier, "fly_away").status_code == 404
    assert post(client, dossier, "resubmit").status_code == 404  # the applicant's
    answer = client.get(action_url(dossier, "submit_for_approval"))
    assert answer.status_code == 302
    assert answer["Location"] == (
        f"/can-bo/ho-so/{dossier.code}/#xu-ly-submit-for-approval"
    )


def test_a_citizen_may_not_post_an_action():
    world = build_world()
    dossier = submitted(world)
    answer = post(signed_in(world.citizen), dossier, "receive")
    assert answer.status_code == 403
    assert fresh(dossier).status == "submitted"


# ------------------------------------------------------------------ clicks and colleagues


def test_a_second_click_changes_nothing_twice_and_says_so():
    world = build_world()
    dossier = processing(world)
    client = signed_in(world.specialist)
    first = post(client, dossier, "submit_for_approval", {"note": "Đủ điều kiện"})
    assert first.status_code == 303
    # the same form, the same version, sent again
    second = post(client, dossier, "submit_for_approval", {"note": "Đủ điều kiện"})
    assert second.status_code == 409
    after = fresh(dossier)
    assert after.status == "awaiting_approval"
    assert after.lock_version == dossier.lock_version + 1
    assert after.events.filter(action="submit_for_approval").count() == 1  # not twice
    body = text(second.content.decode())
    assert gettext(STALE) in body
    # the page shows the dossier as it is now: awaiting approval, nothing for the
    # specialist to submit any more
    assert "Trạng thái Chờ phê duyệt" in body
    assert 'action="' + action_url(dossier, "submit_for_approval") not in (
        second.content.decode()
    )


def test_a_colleagues_change_meanwhile_is_said_and_the_dossier_shown_as_it_now_is():
    world = build_world()
    dossier = processing(world)
    client = signed_in(world.specialist)
    seen = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    version = dossier.lock_version
    assert f'name="expected_version" value="{version}"' in seen
    # the leader assigns the dossier while the specialist fills in the request
    assign_dossier(dossier=dossier, assignee=world.specialist, actor=world.leader)
    answer = post(
        client,
        dossier,
        "request_supplement",
        {"missing": "Tờ khai có chữ ký", "note": "Thiếu chữ ký"},
        version=version,
    )
    assert answer.status_code == 409
    after = fresh(dossier)
    assert after.status == "processing"
    assert after.supplement_rounds == 0
    assert not after.events.filter(action="request_supplement").exists()
    html = answer.content.decode()
    body = text(html)
    assert gettext(STALE) in body
    # as it now is: assigned to the specialist, with the new version in its forms
    assert f"Chuyên viên thụ lý {world.specialist.username}" in body
    assert f'name="expected_version" value="{version + 1}"' in html
    assert f'name="expected_version" value="{version}"' not in html
    # what was typed is offered again, on the form that is open
    assert 'id="xu-ly-request-supplement" open' in html
    assert "Tờ khai có chữ ký</textarea>" in html
    # sent again on the new version, it is done
    again = post(client, after, "request_supplement", {"missing": "Tờ khai có chữ ký"})
    assert again.status_code == 303
    assert fresh(dossier).status == "supplement_requested"


# ------------------------------------------------------------------ errors beside fields


def test_errors_are_said_beside_their_field_in_vietnamese_and_nothing_is_written():
    world = build_world()
    dossier = processing(world)
    client = signed_in(world.specialist)
    answer = post(
        client, dossier, "request_supplement", {"missing": "\n \n", "note": "Ghi chú"}
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    # the API's serializer's own message (at least one item; DRF's words, translated by
    # the project's catalogue)
    assert error_beside(html, "request_supplement_missing") == "Lỗi: " + gettext(
        "Ensure this field has at least {min_length} elements."
    ).format(min_length=1)
    assert 'id="xu-ly-request-supplement" open' in html
    assert "Ghi chú</textarea>" in html  # what was typed is kept
    assert fresh(dossier).lock_version == dossier.lock_version
    assert fresh(dossier).events.count() == dossier.events.count()

    leader = signed_in(world.leader)
    answer = post(leader, dossier, "stop", {"reasons": "   "})
    assert answer.status_code == 422
    assert (
        error_beside(answer.content.decode(), "stop_reasons")
        == "Lỗi: Trường này không được bỏ trống."
    )
    answer = post(leader, dossier, "assign", {})
    assert (
        error_beside(answer.content.decode(), "assign_assignee")
        == "Lỗi: Trường này là bắt buộc."
    )
    assert fresh(dossier).status == "processing"


def test_the_services_refusal_is_said_beside_the_new_appointment():
    world = build_world()
    dossier = processing_now(world)
    assert dossier.due_at is not None
    earlier = dossier.due_at.astimezone(VN) - dt.timedelta(hours=1)
    answer = post(
        signed_in(world.leader),
        dossier,
        "apologise",
        {
            "new_due_date": f"{earlier:%d/%m/%Y}",
            "new_due_time": f"{earlier:%H:%M}",
            "reason": "Chờ ý kiến",
        },
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert (
        error_beside(html, "apologise_new_due_date")
        == "Lỗi: Ngày hẹn trả kết quả mới phải sau ngày hẹn hiện tại."
    )
    assert f'value="{earlier:%d/%m/%Y}"' in html
    assert fresh(dossier).reschedules == 0
    assert fresh(dossier).due_at == dossier.due_at


def test_the_apology_sets_the_new_appointment_typed():
    world = build_world()
    dossier = processing_now(world)
    data = _apology(world, dossier)
    answer = post(signed_in(world.leader), dossier, "apologise", data)
    assert answer.status_code == 303
    after = fresh(dossier)
    day, month, year = (int(part) for part in data["new_due_date"].split("/"))
    assert after.due_at == dt.datetime(year, month, day, 16, 0, tzinfo=VN)
    assert after.reschedules == 1


def test_an_amount_written_as_on_a_slip_is_read_and_a_wrong_one_refused():
    world = build_world()
    dossier = processing(world)
    client = signed_in(world.specialist)
    answer = post(client, dossier, "request_financial_obligation", {"amount": "1,5tr"})
    assert answer.status_code == 422
    assert error_beside(
        answer.content.decode(), "request_financial_obligation_amount"
    ) == gettext("Error:") + " " + gettext(
        "Write the amount in digits, for example 1.000.000."
    )
    assert fresh(dossier).status == "processing"
    post(client, dossier, "request_financial_obligation", {"amount": "1.500.000"})
    event = fresh(dossier).events.order_by("-sequence")[0]
    assert event.payload["amount"] == 1500000


def test_the_results_issued_are_coded_after_the_dossier():
    world = build_world()
    dossier = approved(world)
    post(
        signed_in(world.specialist),
        dossier,
        "issue_result",
        {"result_1": "Giấy xác nhận", "result_3": "Bản sao trích lục"},
    )
    codes = list(fresh(dossier).results.values_list("code", "name"))
    assert codes == [
        (f"{dossier.code}-KQ(1)", "Giấy xác nhận"),
        (f"{dossier.code}-KQ(2)", "Bản sao trích lục"),
    ]


@pytest.fixture
def files_root(tmp_path, settings):
    """The document store on the filesystem, in a folder of this test's own."""
    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        FILES_STORAGE: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def test_a_result_issued_with_its_file_is_an_electronic_result(files_root):
    world = build_world()
    dossier = approved(world)
    pdf = bytes(
        weasyprint.HTML(string="<p>Giấy xác nhận tình trạng hôn nhân</p>").write_pdf()
    )
    answer = signed_in(world.specialist).post(
        action_url(dossier, "issue_result"),
        {
            "expected_version": dossier.lock_version,
            "result_1": "Giấy xác nhận",
            "file_1": SimpleUploadedFile("xac-nhan.pdf", pdf, "application/pdf"),
            "result_2": "Bản sao trên giấy",
        },
    )
    assert answer.status_code == 303
    first, second = fresh(dossier).results.order_by("number")
    assert (first.code, first.electronic) == (f"{dossier.code}-KQ(1)", True)
    assert (second.code, second.electronic) == (f"{dossier.code}-KQ(2)", False)
    (stored,) = StoredFile.objects.filter(result=first)
    assert stored.blob_id == hashlib.sha256(pdf).hexdigest()
    assert [p.read_bytes() for p in files_root.rglob("*") if p.is_file()] == [pdf]
    # the dossier's page names the result issued
    page = signed_in(world.specialist).get(f"/can-bo/ho-so/{dossier.code}/")
    assert f"{dossier.code}-KQ(1)" in text(page.content.decode())


def test_a_result_file_of_the_wrong_type_is_refused_beside_it_and_nothing_written(
    files_root,
):
    world = build_world()
    dossier = approved(world)
    answer = signed_in(world.specialist).post(
        action_url(dossier, "issue_result"),
        {
            "expected_version": dossier.lock_version,
            "result_1": "Giấy xác nhận",
            "file_1": SimpleUploadedFile(
                "xac-nhan.pdf", b"#!/bin/sh\necho", "application/pdf"
            ),
        },
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    message = gettext(
        "This kind of file is not accepted; the file must be one of: %(types)s."
    ) % {"types": "PDF, JPEG, PNG, TIFF"}
    assert error_beside(html, "issue_result_file_1") == f"{gettext('Error:')} {message}"
    assert 'value="Giấy xác nhận"' in html  # what was typed is kept
    after = fresh(dossier)
    assert after.status == "approved"
    assert not after.results.exists()
    assert not StoredFile.objects.exists()
    assert not any(p.is_file() for p in files_root.rglob("*"))


def test_a_result_file_too_big_is_refused_with_the_limit_named(files_root, settings):
    settings.FILES_UPLOAD_MAX_BYTES = 1024 * 1024  # 1 MB
    world = build_world()
    dossier = approved(world)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    answer = signed_in(world.specialist).post(
        action_url(dossier, "issue_result"),
        {
            "expected_version": dossier.lock_version,
            "result_1": "Giấy xác nhận",
            "file_1": SimpleUploadedFile("lon.pdf", big, "application/pdf"),
        },
    )
    assert answer.status_code == 422
    message = gettext("The file is larger than the limit of %(limit)s MB.") % {
        "limit": "1"
    }
    assert error_beside(answer.content.decode(), "issue_result_file_1") == (
        f"{gettext('Error:')} {message}"
    )
    assert not fresh(dossier).results.exists()
    assert not StoredFile.objects.exists()
    assert not any(p.is_file() for p in files_root.rglob("*"))


def test_a_file_without_its_result_named_is_said_beside_the_name():
    world = build_world()
    dossier = approved(world)
    answer = signed_in(world.specialist).post(
        action_url(dossier, "issue_result"),
        {
            "expected_version": dossier.lock_version,
            "file_2": SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert error_beside(html, "issue_result_result_2") == gettext(
        "Error:"
    ) + " " + gettext("Name the result document this file is.")
    assert fresh(dossier).status == "approved"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing():
    world = build_world()
    dossier = processing(world)
    client = signed_in(world.specialist, enforce_csrf_checks=True)
    answer = post(client, dossier, "submit_for_approval")
    assert answer.status_code == 403
    assert fresh(dossier).status == "processing"
    # every action form of the page carries the token
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    forms = re.findall(
        r'<form method="post" action="/can-bo/ho-so/.*?</form>', html, re.S
    )
    assert forms
    assert all('name="csrfmiddlewaretoken"' in form for form in forms)


# ------------------------------------------------------------------ inter-agency


def test_the_co_ordinating_agency_sees_the_dossier_in_its_queue_and_returns_it():
    world = build_world()
    dossier = processing(world)
    specialist = signed_in(world.specialist)
    department = signed_in(world.stranger)
    assert dossier.code not in department.get(HOME).content.decode()
    answer = post(
        specialist,
        dossier,
        "hand_over",
        {"to_agency": world.department.identifier, "note": "Xin ý kiến thẩm định"},
    )
    assert answer.status_code == 303
    # the department's specialist: in the queue, the page, the return
    assert dossier.code in department.get(HOME).content.decode()
    page = department.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'action="' + action_url(dossier, "return_from_agency") in page
    step = fresh(dossier).steps.get(started_at__isnull=False, finished_at__isnull=True)
    assert step.agency == world.department
    # the timeline says to whom it was handed, with the note
    handed = gettext("Handed to: %(agency)s") % {"agency": world.department.name}
    assert f"Xin ý kiến thẩm định {handed}" in text(page)
    answer = post(department, fresh(dossier), "return_from_agency", {"note": "Đồng ý"})
    assert answer.status_code == 303
    after = fresh(dossier)
    assert after.status == "processing"
    assert list(after.events.order_by("sequence").values_list("action", flat=True))[
        -2:
    ] == ["hand_over", "return_from_agency"]
    # once back, the department has nothing more to do with it
    page = department.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "xu-ly/" not in page


# ------------------------------------------------------------------ the approval queue


def test_the_approval_queue_lists_exactly_what_awaits_this_leader_soonest_first():
    world = build_world()
    later = awaiting(world)  # received Mon 2/3 09:00, due Thu 5/3 09:00
    sooner = submit_for_approval(
        dossier=processing(world, at(27, 9, month=2)),  # due Wed 4/3 09:00
        actor=world.specialist,
        at=at(2, 11),
    )
    processing(world)  # not awaiting approval
    approved(world)  # approved already
    # awaiting approval in another agency, with its own leader
    other_leader = OfficerFactory.create(username="lanhdao.so")
    RoleAssignmentFactory.create(
        user=other_leader,
        agency=world.department,
        role=Role.LEADER,
        valid_from=dt.date(2025, 7, 1),
    )
    elsewhere = receive_dossier(
        intake=replace(world.intake(), handling_agency=world.department),
        actor=world.counter,
        at=at(2, 9),
    )
    elsewhere = transfer_dossier(dossier=elsewhere, actor=world.counter, at=at(2, 9))
    submit_for_approval(dossier=elsewhere, actor=world.stranger, at=at(2, 10))
    page = signed_in(world.leader).get(APPROVALS)
    assert page.status_code == 200
    listed = re.findall(
        r'<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', page.content.decode()
    )
    assert listed == [sooner.code, later.code]
    assert text(page.content.decode()).count("Phê duyệt") >= 2
    # the department's leader sees only the department's
    other = signed_in(other_leader).get(APPROVALS).content.decode()
    assert re.findall(r'<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', other) == [
        elsewhere.code
    ]
    # a specialist has no approval to give
    mine = signed_in(world.specialist).get(APPROVALS).content.decode()
    assert re.findall(r'<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', mine) == []


def test_the_approval_queue_starts_from_what_the_leader_may_see():
    """``awaiting_approval_of`` narrows ``dossiers_visible_to``: an account that may see no
    dossier has nothing to approve, whatever role it was given."""
    world = build_world()
    dossier = awaiting(world)
    assert list(awaiting_approval_of(world.leader)) == [dossier]
    # a citizen's account given the leader's role in the handling agency sees only its
    # own dossiers, so approves none
    RoleAssignmentFactory.create(
        user=world.citizen,
        agency=world.commune,
        role=Role.LEADER,
        valid_from=dt.date(2025, 7, 1),
    )
    assert list(awaiting_approval_of(world.citizen)) == []
    # a leader whose account was deactivated sees nothing either
    world.leader.is_active = False
    world.leader.save(update_fields=["is_active"])
    assert list(awaiting_approval_of(world.leader)) == []


def test_approving_from_the_queue_comes_back_to_the_queue():
    world = build_world()
    dossier = awaiting(world)
    client = signed_in(world.leader)
    html = client.get(APPROVALS).content.decode()
    assert f'action="{action_url(dossier, "approve")}"' in html
    answer = post(client, dossier, "approve", {"next": APPROVALS})
    assert answer.status_code == 303
    assert answer["Location"] == APPROVALS
    assert fresh(dossier).status == "approved"
    assert dossier.code not in client.get(APPROVALS).content.decode()
    # a ``next`` outside the workspace is not followed
    other = awaiting(world)
    answer = post(client, other, "approve", {"next": "https://example.com/"})
    assert answer["Location"] == f"/can-bo/ho-so/{other.code}/"


@pytest.mark.parametrize("count", [2, 6])
def test_the_approval_queue_costs_the_same_queries_however_many_dossiers(count):
    world = build_world()
    for n in range(count):
        submit_for_approval(
            dossier=processing(world, at(2, 9) + dt.timedelta(minutes=n)),
            actor=world.specialist,
            at=at(2, 11),
        )
    client = signed_in(world.leader)
    assert client.get(APPROVALS).status_code == 200  # warm the reference caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(APPROVALS)
    html = page.content.decode()
    assert len(re.findall(r'<th scope="row"', html)) == count
    # the session, its user, the leader's roles (the visibility the queue starts from),
    # the queue's kinds with their counts (one grouped query, the paginator told the
    # total), and the page's rows in the queue's order, their keys chosen in the same
    # statement
    assert len(queries) == 5, [q["sql"] for q in queries]


# ------------------------------------------------------------------ my queue


def test_the_queue_filters_by_procedure_and_channel():
    world = build_world()
    at_counter = received(world)
    online = receive_dossier(
        dossier=submitted(world), actor=world.counter, at=at(2, 10)
    )
    other_version = ProcedureVersionFactory.create(components=["Đơn"])
    world.version = other_version
    other = received(world, at(2, 11))
    client = signed_in(world.specialist)

    def codes(query: dict[str, str]) -> set[str]:
        page = client.get(HOME, query)
        assert page.status_code == 200
        return set(re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', page.content.decode()))

    assert codes({}) == {at_counter.code, online.code, other.code}
    first = at_counter.procedure_version.procedure.code
    assert codes({"procedure": first}) == {at_counter.code, online.code}
    assert codes({"channel": "2"}) == {online.code}
    assert codes({"procedure": first, "channel": "1"}) == {at_counter.code}
    assert codes({"procedure": other_version.procedure.code}) == {other.code}
    # a value it cannot read is refused beside its filter, not ignored
    bad = client.get(HOME, {"channel": "9"})
    assert bad.status_code == 400
    assert client.get(HOME, {"procedure": "khong-co"}).status_code == 400


def _counts(queue, *, now):
    """The counts at the top of ``queue``, as its page reads them."""
    return queue_kinds(queue, now=now).counts()


def test_the_counts_say_how_many_are_overdue_and_due_soon():
    """Judged at Thu 5/3 08:00 (spec 02 §7, 8 working hours' warning): due Wed 4/3 09:00
    is overdue, due Thu 5/3 09:00 (one working hour left) due soon, due Mon 9/3 09:00 in
    time; the rows are marked the same way."""
    world = build_world()
    processing(world, at(27, 9, month=2))  # due Wed 4/3 09:00
    processing(world, at(2, 9))  # due Thu 5/3 09:00
    processing(world, at(4, 9))  # due Mon 9/3 09:00
    queue = open_queue(world.specialist)
    now = at(5, 8)
    counts = _counts(queue, now=now)
    assert (counts.total, counts.overdue, counts.due_soon) == (3, 1, 1)
    states = sorted(str(row.deadline) for row in queue_rows(list(queue), now=now))
    assert states == ["due_soon", "in_time", "overdue"]
    # paused: a supplement asked for stops the clock; not counted overdue or due soon
    paused = processing(world, at(2, 9, 30))
    request_supplement(
        dossier=paused, missing=["Tờ khai"], actor=world.specialist, at=at(2, 10)
    )
    counts = _counts(open_queue(world.specialist), now=now)
    assert (counts.total, counts.overdue, counts.due_soon) == (4, 1, 1)
    # paused after its appointment (Thu 26/2 09:00 → due Tue 3/3 09:00, paused Wed 4/3
    # 10:00): late already when its clock stopped, so overdue (spec 02 §7), and its row
    # is marked so (``deadlines.classify``)
    late = processing(world, at(26, 9, month=2))
    request_supplement(
        dossier=late, missing=["Tờ khai"], actor=world.specialist, at=at(4, 10)
    )
    queue = open_queue(world.specialist)
    counts = _counts(queue, now=now)
    assert (counts.total, counts.overdue, counts.due_soon) == (5, 2, 1)
    marked = {row.dossier.pk: row.deadline for row in queue_rows(list(queue), now=now)}
    assert marked[late.pk] == "overdue"


def test_a_narrowed_queue_is_counted_from_the_kinds_of_the_whole():
    """Judged at Thu 5/3 08:00 (as above): due Wed 4/3 09:00 overdue, due Thu 5/3 09:00
    due soon, due Mon 9/3 09:00 in time, one asked for a supplement (paused: neither
    overdue nor due soon), and one online still waiting to be received (its clock has
    not started). A queue narrowed by its filters is counted from the whole queue's
    kinds as the narrowed query counts it."""
    world = build_world()
    processing(world, at(27, 9, month=2))
    processing(world, at(2, 9))
    processing(world, at(4, 9))
    paused = processing(world, at(2, 9, 30))
    request_supplement(
        dossier=paused, missing=["Tờ khai"], actor=world.specialist, at=at(2, 10)
    )
    receive_dossier(dossier=submitted(world), actor=world.counter, at=at(4, 10))
    first = world.version.procedure.code
    # and one of another procedure, due Thu 5/3 10:00: due soon too
    world.version = ProcedureVersionFactory.create(components=["Đơn"])
    other = processing(world, at(2, 10))
    assert other.due_at == at(5, 10)
    now = at(5, 8)
    queue = open_queue(world.specialist, with_assignee=False)
    kinds = queue_kinds(queue, now=now)
    counted = kinds.counts()
    assert (counted.total, counted.overdue, counted.due_soon) == (6, 1, 2)
    narrowed = kinds.counts(status=DossierStatus.PROCESSING)
    assert (narrowed.total, narrowed.overdue, narrowed.due_soon) == (4, 1, 2)
    paused_only = kinds.counts(status=DossierStatus.SUPPLEMENT_REQUESTED)
    assert (paused_only.total, paused_only.overdue, paused_only.due_soon) == (1, 0, 0)
    # its appointment (Thu 5/3 09:30) is still ahead, but its clock stopped: it is not
    # running, so its kind asks no due-soon horizon
    assert [
        group.running
        for group in kinds.groups
        if group.status == DossierStatus.SUPPLEMENT_REQUESTED
    ] == [0]
    online = kinds.counts(channel=Channel.ONLINE)
    assert (online.total, online.overdue, online.due_soon) == (1, 0, 0)
    of_first = kinds.counts(procedure=first)
    assert (of_first.total, of_first.overdue, of_first.due_soon) == (5, 1, 1)
    of_other = kinds.counts(procedure=world.version.procedure.code)
    assert (of_other.total, of_other.overdue, of_other.due_soon) == (1, 0, 1)
    assert kinds.counts(procedure="khong-co").total == 0
    # every filter the form offers, alone and together, as the database counts the
    # narrowed rows (each count its own query over the rows the page lists)
    for status in ("", DossierStatus.PROCESSING, DossierStatus.RECEIVED):
        for procedure in ("", first, world.version.procedure.code):
            for channel in (None, Channel.DIRECT, Channel.ONLINE):
                rows = narrow_queue(
                    queue,
                    status=status,
                    procedure=procedure,
                    channel=channel,
                    with_assignee=False,
                )
                running = rows.filter(status__in=RUNNING_STATUSES, due_at__gte=now)
                expected = (
                    rows.count(),
                    rows.filter(overdue_condition(now)).count(),
                    rows.filter(due_soon_condition(now, rule_pairs(running))).count(),
                )
                found = kinds.counts(
                    status=status, procedure=procedure, channel=channel
                )
                assert (found.total, found.overdue, found.due_soon) == expected, (
                    status,
                    procedure,
                    channel,
                )


def test_the_counts_are_exact_whatever_the_queue_held_when_last_read(
    django_assert_num_queries,
):
    """The due-soon bounds are asked with the pairs the queue held at its last reading; a
    pair missing from them is found and the counts read again, so they never miss a
    dossier due soon."""
    world = build_world()
    processing(world, at(2, 9))  # due Thu 5/3 09:00: due soon at 08:00
    now = at(5, 8)
    queue = open_queue(world.specialist, with_assignee=False)
    key = ("test", world.specialist.pk)
    queue_kinds(queue, now=now)  # the reference caches (agencies, rules, calendars)
    with django_assert_num_queries(2):  # nothing remembered: read, then read exactly
        first = queue_kinds(queue, now=now, remember=key)
    with django_assert_num_queries(1):  # the same pairs as last time
        again = queue_kinds(queue, now=now, remember=key)
    assert first.counts().due_soon == again.counts().due_soon == 1
    # a dossier under the other rules joins the queue (NĐ 61/2018's row, where the
    # dossiers are NĐ 118/2025's), due Thu 5/3 10:00: its pair was not remembered
    newcomer = processing(world, at(2, 10))
    other_rules = OneStopRules.objects.exclude(pk=newcomer.rules_id).get()
    Dossier.objects.filter(pk=newcomer.pk).update(rules=other_rules)
    with django_assert_num_queries(2):
        later = queue_kinds(queue, now=now, remember=key)
    assert later.counts().due_soon == 2
    assert (newcomer.handling_agency_id, other_rules.pk) in later.running
    # a remembered pair whose agency is gone (a database reloaded under a running
    # process) is left out of the guess, never a failed page
    gone = Agency.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    selectors._pairs_seen.put(key, ((gone, other_rules.pk), *later.running))
    assert queue_kinds(queue, now=now, remember=key).counts() == later.counts()


@pytest.mark.parametrize("count", [2, 20])
def test_the_filtered_queue_costs_the_same_queries_however_many_dossiers(count):
    world = build_world()
    for n in range(count):
        processing(world, at(2, 9) + dt.timedelta(minutes=n))
    client = signed_in(world.specialist)
    query = {
        "procedure": world.version.procedure.code,
        "channel": "1",
        "status": "processing",
    }
    assert client.get(HOME, query).status_code == 200  # warm the reference caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(HOME, query)
    assert len(re.findall(r'href="/can-bo/ho-so/', page.content.decode())) == count
    # as the unfiltered home page (test_pages): the filtered dossiers' due-soon pairs
    # are among those the whole queue's kinds say
    assert len(queries) == 5, [q["sql"] for q in queries]


def test_the_counts_at_the_top_of_the_home_page():
    world = build_world()
    processing(world)  # due Thu 5/3 09:00: overdue now
    processing_now(world)  # due in 3 working days: in time
    html = signed_in(world.specialist).get(HOME).content.decode()
    counts = re.findall(
        r'<span class="office-count__number">(\d+)</span> ([^<]+)</li>', html
    )
    assert [(n, label.strip()) for n, label in counts] == [
        ("2", gettext("open dossiers")),
        ("0", gettext("due soon")),
        ("1", gettext("overdue")),
    ]
    # each row's deadline as its tag: the overdue one red, the other grey
    tags = re.findall(
        r'<strong class="govuk-tag govuk-tag--(\w+)">([^<]+)</strong>', html
    )
    assert sorted(tags) == sorted(
        [
            ("red", str(DeadlineState.OVERDUE.label)),
            ("grey", str(DeadlineState.IN_TIME.label)),
        ]
    )


def test_the_event_of_each_action_taken_shows_in_the_timeline():
    world = build_world()
    dossier = processing(world)
    client = signed_in(world.specialist)
    post(client, dossier, "submit_for_approval", {"note": "Đủ điều kiện giải quyết"})
    body = text(client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode())
    assert (
        f"Trình phê duyệt {world.specialist.full_name} Đang xử lý → Chờ phê duyệt "
        "Đủ điều kiện giải quyết"
    ) in body
    assert DossierEvent.objects.filter(dossier=dossier).count() == 3


def _with_events(world: World, count: int) -> Dossier:
    """In processing, with ``count`` events: supplements asked for and received in turn."""
    dossier = processing(world)
    moment = at(3, 8)
    while dossier.events.count() < count:
        dossier = request_supplement(
            dossier=dossier, missing=["Tờ khai"], actor=world.specialist, at=moment
        )
        dossier = receive_supplement(
            dossier=dossier, actor=world.specialist, at=moment + dt.timedelta(hours=1)
        )
        moment += dt.timedelta(days=1)
    return dossier


def test_an_action_costs_the_same_queries_for_a_short_and_a_long_history():
    world = build_world()
    short = _with_events(world, 2)
    long = _with_events(world, 12)
    client = signed_in(world.specialist)
    client.get(f"/can-bo/ho-so/{short.code}/")  # warm the reference caches
    counted = []
    for dossier in (short, long):
        with CaptureQueriesContext(connection) as queries:
            answer = post(client, dossier, "submit_for_approval", {"note": "Đủ"})
        assert answer.status_code == 303
        counted.append([q["sql"] for q in queries])
    assert len(counted[0]) == len(counted[1]), counted


def test_the_queue_read_in_parts_is_the_queue_read_whole():
    """The officer of the commune and the department sees the dossiers handled in the
    commune (four, one of them also received there, one also with a step in the
    department), one received in the commune and handled elsewhere, and one handled
    elsewhere with a step in the department: six, each in one part only. Its queue read
    part by part, page by page whatever the page's size, keys and counts, is the queue
    read as one query: the same dossiers in the same order (two of them due at the same
    moment, the newer first), counted the same."""
    world = build_world()
    officer = OfficerFactory.create(username="chuyenvien.hai.noi")
    for agency in (world.commune, world.department):
        RoleAssignmentFactory.create(user=officer, agency=agency, role=Role.SPECIALIST)
    handled = [processing(world, at(2, 9)), processing(world, at(2, 9))]
    both_here = processing(world, at(3, 9))
    Dossier.objects.filter(pk=both_here.pk).update(receiving_agency=world.commune)
    handed = with_department(world)
    received_here = processing(world, at(2, 10))
    Dossier.objects.filter(pk=received_here.pk).update(
        receiving_agency=world.commune, handling_agency=world.tax_office
    )
    stepped_here = with_department(world)
    Dossier.objects.filter(pk=stepped_here.pk).update(
        receiving_agency=world.tax_office, handling_agency=world.tax_office
    )
    parts = [
        set(part.values_list("pk", flat=True))
        for part in dossiers_visible_in_parts(officer)
    ]
    assert parts == [
        {handled[0].pk, handled[1].pk, both_here.pk, handed.pk},
        {received_here.pk},
        {stepped_here.pk},
    ]
    assert set().union(*parts) == set(
        dossiers_visible_to(officer).values_list("pk", flat=True)
    )
    queue = open_queue(officer, with_assignee=False)
    queue_parts = selectors.open_queue_parts(officer)
    whole = list(queue.values_list("pk", flat=True))
    assert len(whole) == 6
    assert whole.index(handled[1].pk) < whole.index(handled[0].pk)  # newer first
    for shape in (None, ("test", "parts")):
        read = selectors.IdsFirst(queue, parts=queue_parts, shape=shape)
        for size in (1, 2, 4, 25):
            for start in range(0, 8):
                page = [dossier.pk for dossier in read[start : start + size]]
                assert page == whole[start : start + size], (shape, start, size)
    now = at(4, 8)
    one = queue_kinds(queue, now=now)
    for shape in (None, ("test", "kinds")):
        in_parts = queue_kinds(queue, now=now, parts=queue_parts, shape=shape)
        assert in_parts.groups == one.groups
    counted = one.counts()
    # due Thu 5/3 09:00 (received Mon 2/3 09:00), Fri 6/3 09:00 (Tue 3/3) and Thu 5/3
    # 10:00 (Mon 10:00): at Wed 4/3 08:00 none overdue, none within 8 working hours
    assert (counted.total, counted.overdue, counted.due_soon) == (6, 0, 0)
    # and on PostgreSQL the parts were read as parts, each cut short at the page
    with CaptureQueriesContext(connection) as captured:
        selectors.IdsFirst(queue, parts=queue_parts)[0:2]
        queue_kinds(queue, now=now, parts=queue_parts)
    statements = [query["sql"] for query in captured.captured_queries]
    keys, kinds = statements[0], statements[-1]
    assert "UNION ALL" in kinds
    if connection.features.supports_slicing_ordering_in_compound:
        assert keys.count("LIMIT 2") == 4  # each part's, and the page's


def test_a_queue_read_again_after_its_officer_is_given_a_role_shows_what_it_opens():
    """The statements of a queue are kept by the shape of its reader's visibility: the
    department's specialist sees the one dossier with a step there; given a role in the
    commune too, the next page lists the commune's dossiers as well, and the counts say
    so."""
    world = build_world()
    handed = with_department(world)
    others = {processing(world, at(3, 9)).code, processing(world, at(3, 10)).code}
    client = signed_in(world.stranger)

    def listed() -> tuple[set[str], str]:
        page = client.get(HOME)
        assert page.status_code == 200
        html = page.content.decode()
        count = re.search(r'office-count__number">(\d+)<', html)
        assert count is not None
        codes = set(re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', html))
        return codes, count.group(1)

    assert listed() == ({handed.code}, "1")
    RoleAssignmentFactory.create(
        user=world.stranger, agency=world.commune, role=Role.SPECIALIST
    )
    assert listed() == ({handed.code, *others}, "3")


def test_a_queue_kept_by_shape_is_counted_at_each_reading_by_its_own_moment():
    """One statement of the commune specialist's counts, read at two moments: each
    reading counts at its own moment, each rule pair by its own horizon (working day
    07:00–11:30, 13:30–17:00). Due Thu 5/3 09:00 and 11:00 under rules warning 8 working
    hours ahead; due Thu 5/3 10:00 under rules warning 16 hours ahead.

    - Wed 4/3 08:00: none overdue. The 8-hour horizon is Thu 08:00 (3 h 30 + 3 h 30 on
      Wednesday, 1 h on Thursday), so neither of its dossiers is due soon. The 16-hour
      one is Fri 08:00 (7 + 8 + 1), so the 10:00 one is. (Horizons exchanged, the two
      8-hour dossiers would be due soon and the other not: 2.)
    - Thu 5/3 09:30: the 09:00 one is overdue. The 8-hour horizon is Fri 09:30 (2 + 3 h 30
      on Thursday, 2 h 30 on Friday), so the 11:00 one is due soon, and so is the
      10:00 one, under the 16-hour window."""
    world = build_world()
    processing(world, at(2, 9))
    processing(world, at(2, 11))
    wider = processing(world, at(2, 10))
    other_rules = OneStopRules.objects.exclude(pk=wider.rules_id).get()
    OneStopRules.objects.filter(pk=other_rules.pk).update(due_soon_working_hours=16)
    Dossier.objects.filter(pk=wider.pk).update(rules=other_rules)
    queue = open_queue(world.specialist, with_assignee=False)
    parts = selectors.open_queue_parts(world.specialist)
    shape = ("test", "moments")
    key = ("test", "moments", world.specialist.pk)
    # the first reading finds the two pairs, the next ones ask with them
    queue_kinds(queue, now=at(4, 8), parts=parts, shape=shape, remember=key)
    compiled = dict(selectors._kinds_by_shape._shaped)
    for now, expected in ((at(4, 8), (3, 0, 1)), (at(5, 9, 30), (3, 1, 2))):
        counts = queue_kinds(
            queue, now=now, parts=parts, shape=shape, remember=key
        ).counts()
        assert (counts.total, counts.overdue, counts.due_soon) == expected, now
    assert selectors._kinds_by_shape._shaped == compiled  # no statement compiled again


def test_a_page_that_crosses_midnight_keeps_its_statements_under_its_own_day():
    """The shape of a page and the queries it builds later read the officer's roles of
    one day. Officer A of the department is given the commune from today; the page's
    first look at the day (the shape) still falls yesterday, the next ones today. Had
    they read the day each for itself, A's statement (with the commune) would be kept
    under the shape of the department alone, and B, of the department only, would be
    shown the commune's dossiers."""
    world = build_world()
    handed = with_department(world)
    processing(world, at(3, 9))
    today = timezone.localdate()
    officer_a = OfficerFactory.create(username="chuyenvien.a")
    officer_b = OfficerFactory.create(username="chuyenvien.b")
    for officer in (officer_a, officer_b):
        RoleAssignmentFactory.create(
            user=officer, agency=world.department, role=Role.SPECIALIST
        )
    RoleAssignmentFactory.create(
        user=officer_a, agency=world.commune, role=Role.SPECIALIST, valid_from=today
    )

    def listed(officer) -> set[str]:
        page = signed_in(officer).get(HOME)
        assert page.status_code == 200
        return set(re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', page.content.decode()))

    real = timezone.localdate
    asked = []

    def before_then_after_midnight(*args, **kwargs):
        if args or kwargs:
            return real(*args, **kwargs)
        asked.append(1)
        return today - dt.timedelta(days=1) if len(asked) == 1 else today

    with mock.patch.object(timezone, "localdate", before_then_after_midnight):
        listed(officer_a)
    assert listed(officer_b) == {handed.code}


def test_a_queue_shorter_than_a_page_keeps_one_statement_of_its_page_whatever_its_count():
    """The paginator ends a queue's last page at its count: the page's statement is kept
    for a whole page and cut to the count, not kept once for each count."""
    world = build_world()
    processing(world, at(2, 9))
    client = signed_in(world.specialist)
    shown = []
    for moment in (at(2, 10), at(2, 11)):
        page = client.get(HOME)
        assert page.status_code == 200
        shown.append(
            len(re.findall(r'href="/can-bo/ho-so/[^/"]+/"', page.content.decode()))
        )
        processing(world, moment)
    assert shown == [1, 2]
    assert len(selectors._rows_by_shape._shaped) == 1


def test_a_queue_kept_by_shape_keeps_a_statement_for_each_set_of_rule_pairs():
    """The due-soon condition names the rule pairs it asks about, so a statement is kept
    for each set of them, not one for as many. Due Thu 5/3 09:00, judged at Thu 08:00:
    due soon under either set of rules (both warn 8 working hours ahead), whichever it
    was received under."""
    world = build_world()
    dossier = processing(world, at(2, 9))
    queue = open_queue(world.specialist, with_assignee=False)
    parts = selectors.open_queue_parts(world.specialist)
    shape = ("test", "pairs")
    now = at(5, 8)
    before = queue_kinds(queue, now=now, parts=parts, shape=shape).counts()
    other_rules = OneStopRules.objects.exclude(pk=dossier.rules_id).get()
    assert other_rules.due_soon_working_hours == 8
    Dossier.objects.filter(pk=dossier.pk).update(rules=other_rules)
    after = queue_kinds(queue, now=now, parts=parts, shape=shape).counts()
    assert (before.due_soon, after.due_soon) == (1, 1)


def test_the_approval_queue_keeps_its_own_order_among_dossiers_due_at_one_moment():
    """Three dossiers received at one moment fall due at one moment: the approval queue
    breaks the tie by the oldest row (``awaiting_approval_of``), its page too, where
    the home page's queue takes the newest first (``QUEUE_ORDER``)."""
    world = build_world()
    dossiers = [processing(world, at(2, 9)) for _ in range(3)]
    for dossier in dossiers:
        submit_for_approval(dossier=dossier, actor=world.specialist, at=at(2, 11))
    assert len({dossier.due_at for dossier in dossiers}) == 1
    page = signed_in(world.leader).get(APPROVALS)
    assert page.status_code == 200
    shown = re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', page.content.decode())
    oldest_first = [dossier.code for dossier in sorted(dossiers, key=lambda d: d.pk)]
    assert [code for code in shown if code in oldest_first] == oldest_first


def test_a_queue_page_reads_the_columns_its_rows_show_in_the_model_order():
    """``Model.from_db`` takes a subset of the fields in the model's order: the page's
    columns are the key first, then every one of ``QUEUE_ROW_FIELDS``."""
    fields = [field.attname for field in Dossier._meta.concrete_fields]
    assert selectors._ROW_ATTNAMES[0] == Dossier._meta.pk.attname
    assert set(selectors._ROW_ATTNAMES) == {"id", *selectors.QUEUE_ROW_FIELDS}
    assert list(selectors._ROW_ATTNAMES) == [
        name for name in fields if name in selectors._ROW_ATTNAMES
    ]


def test_the_dossier_page_names_the_national_status_beside_its_code():
    """The portal's code with its own name (spec 08 §5: 2 "Được tiếp nhận", 4 "Đang xử
    lý"), not the bare number."""
    world = build_world()
    dossier = receive_dossier(intake=world.intake(), actor=world.counter)
    client = signed_in(world.counter)
    page = text(client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode())
    assert "Trạng thái quốc gia 2 · Được tiếp nhận" in page
    transfer_dossier(dossier=dossier, actor=world.counter)
    page = text(
        signed_in(world.specialist)
        .get(f"/can-bo/ho-so/{dossier.code}/")
        .content.decode()
    )
    assert "4 · Đang xử lý" in page
