"""The officer's page of one dossier (``/can-bo/ho-so/<code>/``) through Django's test
client: everything the read model holds, in Vietnamese; 404 for a dossier the officer may
not see, as the API answers; citizens refused as on every office page; the actions open
to the officer worked out by hand from the rows of docs/workflow.md; the same queries
however long the history."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    approve_dossier,
    assign_dossier,
    issue_result,
    receive_dossier,
    receive_supplement,
    request_supplement,
    submit_for_approval,
    transfer_dossier,
)
from motcua.dossiers.tests.world import World, at, build_world

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(dossier: Dossier) -> str:
    return f"/can-bo/ho-so/{dossier.code}/"


def text(html: str) -> str:
    """The page's text, tags gone and spaces folded, to read as a person would."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def listed_actions(html: str) -> list[str]:
    """The items of the list under "the actions you may take"."""
    found = re.search(
        r'<ul class="[^"]*" aria-labelledby="hanh-dong">(.*?)</ul>', html, re.S
    )
    if found is None:
        return []
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def received(world: World) -> Dossier:
    """Received at the counter on Mon 2/3 09:00."""
    return receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 9))


def processing(world: World) -> Dossier:
    return transfer_dossier(dossier=received(world), actor=world.counter, at=at(2, 10))


def resolved(world: World) -> Dossier:
    """Received Mon 2/3 09:00 (due Thu 5/3 09:00), asked for a supplement and given it,
    approved, and its result issued on Tue 3/3."""
    dossier = processing(world)
    dossier = assign_dossier(
        dossier=dossier, assignee=world.specialist, actor=world.leader, at=at(2, 11)
    )
    dossier = request_supplement(
        dossier=dossier,
        missing=["Tờ khai"],
        note="Tờ khai thiếu chữ ký",
        actor=world.specialist,
        at=at(2, 14),
    )
    dossier = receive_supplement(dossier=dossier, actor=world.specialist, at=at(3, 8))
    dossier = submit_for_approval(
        dossier=dossier, note="Đủ điều kiện", actor=world.specialist, at=at(3, 9)
    )
    dossier = approve_dossier(dossier=dossier, actor=world.leader, at=at(3, 10))
    return issue_result(
        dossier=dossier,
        results=["Giấy xác nhận"],
        actor=world.specialist,
        at=at(3, 11),
    )


def test_an_officer_of_the_handling_agency_sees_the_whole_dossier_in_vietnamese():
    world = build_world()
    dossier = resolved(world)
    page = signed_in(world.leader).get(page_of(dossier))
    assert page.status_code == 200
    assert page.templates[0].name == "office/dossier.html"
    html = page.content.decode()
    body = text(html)
    code = dossier.code
    # the header: code, procedure and version, status (9: resolved), the appointment
    # (3 working days from Mon 2/3 09:00, moved by the supplement's pause) and its state
    # once finished: early, a state that no later moment changes
    assert f'<h1 class="govuk-heading-l office-break">{code}</h1>' in html
    version = dossier.procedure_version
    assert f"{version.name} ({version.procedure.code}, " in body
    assert "Trạng thái Đã có kết quả" in body
    assert dossier.national_status == 9
    assert '<dd class="govuk-summary-list__value">9 · Đã xử lý xong</dd>' in html
    assert dossier.due_at is not None
    due = dossier.due_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert f"Ngày hẹn trả {due:%d/%m/%Y %H:%M} Trước hạn" in body
    assert '<strong class="govuk-tag govuk-tag--grey">Trước hạn</strong>' in html
    assert "Chủ hồ sơ Nguyễn Thị Ánh" in body
    # the papers: name, form, quantity
    assert "Tờ khai Bản chính 1 Giấy tờ chứng minh Bản chính 1" in body
    # the steps with their agency and due moment; the finished ones judged for good
    first, _second, third, _fourth = dossier.steps.order_by("position")
    commune = world.commune.name
    assert f"1. {first.name} {commune} 02/03/2026 17:00 Đúng hạn" in body
    assert f"3. {third.name} {commune} 03/03/2026 15:00 Đúng hạn" in body
    # the result, coded <dossier code>-KQ(n)
    assert f"{code}-KQ(1)" in body
    assert "Giấy xác nhận (03/03/2026 11:00)" in body
    # the history, oldest first, newest last, with the internal notes an officer reads
    counter = world.counter.full_name
    specialist = world.specialist.full_name
    leader = world.leader.full_name
    # each entry with what it records besides its note: the papers asked for, the
    # appointment the end of the pause moved (the one in the header: nothing moved it
    # since), the result's code
    asked = gettext("Papers to add: %(papers)s") % {"papers": "Tờ khai"}
    moved = gettext("New appointment: %(moment)s") % {"moment": f"{due:%d/%m/%Y %H:%M}"}
    issued = gettext("Results: %(codes)s") % {"codes": f"{code}-KQ(1)"}
    history = [
        f"02/03/2026 09:00 Tiếp nhận {counter} Đã tiếp nhận",
        f"02/03/2026 10:00 Chuyển cơ quan có thẩm quyền {counter} "
        "Đã tiếp nhận → Đang xử lý",
        f"02/03/2026 11:00 Phân công chuyên viên thụ lý {leader} Đang xử lý",
        f"02/03/2026 14:00 Yêu cầu bổ sung, hoàn thiện hồ sơ {specialist} "
        f"Đang xử lý → Chờ bổ sung, hoàn thiện hồ sơ Tờ khai thiếu chữ ký {asked}",
        f"03/03/2026 08:00 Tiếp nhận hồ sơ bổ sung {specialist} "
        f"Chờ bổ sung, hoàn thiện hồ sơ → Đang xử lý {moved}",
        f"03/03/2026 09:00 Trình phê duyệt {specialist} "
        "Đang xử lý → Chờ phê duyệt Đủ điều kiện",
        f"03/03/2026 10:00 Phê duyệt {leader} Chờ phê duyệt → Đã phê duyệt",
        f"03/03/2026 11:00 Ban hành kết quả {specialist} Đã phê duyệt → Đã có kết quả "
        f"{issued}",
    ]
    timeline = body[body.index("02/03/2026 09:00 Tiếp nhận") :]
    assert timeline == " ".join(history)
    # the slips it has (received: 01 and 05; a supplement was asked: 02), no others
    slips = re.findall(r'href="(/ho-so/[^"]+\.pdf)"', html)
    assert slips == [
        f"/ho-so/{code}/giay-tiep-nhan.pdf",
        f"/ho-so/{code}/phieu-yeu-cau-bo-sung.pdf",
        f"/ho-so/{code}/phieu-kiem-soat.pdf",
    ]
    # resolved: only the counter returns the result; the leader has nothing to do
    assert listed_actions(html) == []


def test_each_slip_linked_opens_as_a_pdf_for_the_officer():
    world = build_world()
    dossier = resolved(world)
    client = signed_in(world.leader)
    html = client.get(page_of(dossier)).content.decode()
    for url in re.findall(r'href="(/ho-so/[^"]+\.pdf)"', html):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Type"] == "application/pdf"


def test_an_officer_of_another_agency_gets_404_as_for_an_unknown_code():
    world = build_world()
    dossier = received(world)
    client = signed_in(world.stranger)  # a specialist of the department
    assert client.get(page_of(dossier)).status_code == 404
    assert client.get("/can-bo/ho-so/khong-co/").status_code == 404
    # as the API answers the same officer, and as both answer the handling agency's
    assert client.get(f"/api/dossiers/{dossier.code}/").status_code == 404
    specialist = signed_in(world.specialist)
    assert specialist.get(f"/api/dossiers/{dossier.code}/").status_code == 200
    assert specialist.get(page_of(dossier)).status_code == 200


def test_a_citizen_is_refused_as_on_every_office_page():
    world = build_world()
    dossier = receive_dossier(
        intake=world.intake(account=world.citizen), actor=world.counter, at=at(2, 9)
    )
    refused = signed_in(world.citizen).get(page_of(dossier))  # their own dossier
    assert refused.status_code == 403
    assert refused.templates[0].name == "office/officers_only.html"
    assert "page" not in refused.context
    assert dossier.applicant_name not in refused.content.decode()
    anonymous = Client().get(page_of(dossier))
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/can-bo/dang-nhap/?next={page_of(dossier)}"


@pytest.mark.parametrize(
    ("state", "persona", "expected"),
    [
        # received, at the counter: the counter transfers it or it is withdrawn there;
        # the leader of the handling body may apologise or stop it (rows apologise,
        # stop: any open status, leader, handling agency)
        ("received", "counter", ["Chuyển cơ quan có thẩm quyền", "Rút hồ sơ"]),
        (
            "received",
            "leader",
            ["Xin lỗi và hẹn lại ngày trả kết quả", "Dừng xử lý"],
        ),
        # processing: the leader assigns, hands over, apologises, stops; the specialist
        # hands over, asks for a supplement or the obligations, submits for approval;
        # the counter may still record a withdrawal
        (
            "processing",
            "leader",
            [
                "Phân công chuyên viên thụ lý",
                "Chuyển liên thông đến cơ quan phối hợp",
                "Xin lỗi và hẹn lại ngày trả kết quả",
                "Dừng xử lý",
            ],
        ),
        (
            "processing",
            "specialist",
            [
                "Chuyển liên thông đến cơ quan phối hợp",
                "Yêu cầu bổ sung, hoàn thiện hồ sơ",
                "Yêu cầu thực hiện nghĩa vụ tài chính",
                "Trình phê duyệt",
            ],
        ),
        ("processing", "counter", ["Rút hồ sơ"]),
        # resolved: only returning the result, at the counter
        ("resolved", "counter", ["Trả kết quả"]),
        ("resolved", "specialist", []),
    ],
)
def test_the_actions_listed_are_those_the_rows_and_the_roles_allow(
    state, persona, expected
):
    world = build_world()
    dossier = {"received": received, "processing": processing, "resolved": resolved}[
        state
    ](world)
    html = signed_in(getattr(world, persona)).get(page_of(dossier)).content.decode()
    assert listed_actions(html) == expected


def _with_events(world: World, count: int) -> Dossier:
    """A dossier in processing with ``count`` events: received, transferred, then
    supplements asked for and received in turn."""
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
    assert dossier.events.count() == count
    return dossier


def test_the_page_costs_the_same_queries_for_2_events_and_for_12():
    world = build_world()
    short = _with_events(world, 2)
    long = _with_events(world, 12)
    client = signed_in(world.leader)
    assert client.get(page_of(short)).status_code == 200  # warm the reference caches
    counted = []
    for dossier in (short, long):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(page_of(dossier))
        assert page.status_code == 200
        assert len(page.context["page"].timeline) == dossier.events.count()
        counted.append([q["sql"] for q in queries])
    assert len(counted[0]) == len(counted[1]), counted
    # the session, its user, the dossier, the leader's roles (read once for the page and
    # every action's check), its steps, events, papers, results and files, and the
    # choices of two of the leader's forms: the specialists to assign, the agencies to
    # hand over to
    assert len(counted[0]) == 11, counted[0]
