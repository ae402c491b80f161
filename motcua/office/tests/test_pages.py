"""The officers' workspace through Django's test client: sign-in (through django-axes),
sign-out, password change, the notice of an ended session, citizens refused, and the home
page's queue (only what the officer may see, the soonest due first, at a fixed number of
queries)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from motcua.accounts.tests.factories import OfficerFactory, UserFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import receive_dossier
from motcua.dossiers.tests.world import World, at, build_world
from motcua.office.forms import OfficerLoginForm
from motcua.office.selectors import open_queue, queue_rows
from motcua.office.templatetags.office_queue import queue_rows as queue_rows_tag

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"  # the factories' password
LOGIN = "/can-bo/dang-nhap/"
HOME = "/can-bo/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def error_beside(html: str, field: str) -> str:
    """The text of the error shown beside ``field`` (``office/_field.html``)."""
    found = re.search(
        rf'<p class="govuk-error-message" id="id_{field}_error">(.*?)</p>', html, re.S
    )
    assert found, f"no error beside {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


# ------------------------------------------------------------------ sign-in


def test_an_officer_signs_in_and_lands_on_the_home_page():
    OfficerFactory.create(username="tiepnhan", full_name="Trần Thị Bình")
    client = Client()
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert 'lang="vi"' in page.content.decode()

    answer = client.post(LOGIN, {"username": "tiepnhan", "password": PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"] == HOME
    home = client.get(HOME)
    assert home.status_code == 200
    html = home.content.decode()
    assert "Trần Thị Bình" in html  # the officer's name in the header
    assert 'id="noi-dung"' in html  # the skip link's target, the main landmark


def test_a_wrong_password_is_said_beside_the_password_and_the_username_is_kept():
    OfficerFactory.create(username="tiepnhan")
    answer = Client().post(LOGIN, {"username": "tiepnhan", "password": "sai"})
    assert answer.status_code == 200
    html = answer.content.decode()
    expected = str(OfficerLoginForm.error_messages["invalid_login"])
    assert error_beside(html, "password") == f"{gettext('Error:')} {expected}"
    # and in the summary at the top, linking to the field
    assert f'<a href="#id_password">{expected}</a>' in html
    assert 'value="tiepnhan"' in html  # what was typed is kept
    assert 'aria-describedby="id_password_error"' in html


def test_an_empty_form_says_each_field_is_required_in_vietnamese():
    html = Client().post(LOGIN, {}).content.decode()
    # Django's own message, translated by Django's Vietnamese catalogue
    assert error_beside(html, "username").endswith("Trường này là bắt buộc.")
    assert error_beside(html, "password").endswith("Trường này là bắt buộc.")


def test_a_locked_out_officer_is_told_in_vietnamese_when_to_try_again(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    OfficerFactory.create(username="tiepnhan")
    client = Client()
    for _ in range(2):
        assert (
            client.post(LOGIN, {"username": "tiepnhan", "password": "sai"}).status_code
            == 200
        )
    # the third failure reaches the limit; then even the right password is refused
    assert (
        client.post(LOGIN, {"username": "tiepnhan", "password": "sai"}).status_code
        == 429
    )
    refused = client.post(LOGIN, {"username": "tiepnhan", "password": PASSWORD})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Tạm khóa đăng nhập" in html
    assert (
        "Đăng nhập sai quá nhiều lần với tên đăng nhập này từ địa chỉ của bạn: vui "
        "lòng thử lại sau 15 phút."
    ) in html
    assert "_auth_user_id" not in client.session


def test_a_citizen_cannot_sign_in_here():
    UserFactory.create(username="congdan")
    answer = Client().post(LOGIN, {"username": "congdan", "password": PASSWORD})
    assert answer.status_code == 200
    assert (
        str(OfficerLoginForm.error_messages["not_officer"]) in answer.content.decode()
    )


def test_a_signed_in_citizen_is_refused_the_workspace():
    citizen = UserFactory.create(username="congdan")
    client = signed_in(citizen)
    refused = client.get(HOME)
    assert refused.status_code == 403
    assert refused.templates[0].name == "office/officers_only.html"
    assert client.get("/can-bo/doi-mat-khau/").status_code == 403
    # nothing of the queue was read for them, and no link to what they may not use
    assert "rows" not in refused.context
    assert "/can-bo/doi-mat-khau/" not in refused.content.decode()


def test_someone_not_signed_in_is_sent_to_the_login_page():
    answer = Client().get(HOME)
    assert answer.status_code == 302
    assert answer["Location"] == f"{LOGIN}?next=/can-bo/"


def test_an_ended_session_sends_to_the_login_page_with_a_notice():
    OfficerFactory.create(username="tiepnhan")
    client = Client()
    client.post(LOGIN, {"username": "tiepnhan", "password": PASSWORD})
    assert client.get(HOME).status_code == 200
    Session.objects.all().delete()  # as when the session expires

    answer = client.get(HOME)
    assert answer.status_code == 302
    assert answer["Location"] == f"{LOGIN}?het-phien=1&next=/can-bo/"
    notice = client.get(answer["Location"]).content.decode()
    assert 'id="phien-het-han"' in notice
    # said once: the next visit without a session is an ordinary one
    assert (
        Client(cookies=client.cookies).get(HOME)["Location"] == f"{LOGIN}?next=/can-bo/"
    )
    # and after signing in again, back where the officer was
    again = client.post(
        answer["Location"],
        {"username": "tiepnhan", "password": PASSWORD, "next": "/can-bo/"},
    )
    assert again["Location"] == HOME


def test_a_first_visit_has_no_session_notice():
    assert 'id="phien-het-han"' not in Client().get(LOGIN).content.decode()


def test_sign_out_is_by_post_and_ends_the_session():
    OfficerFactory.create(username="tiepnhan")
    client = Client()
    client.post(LOGIN, {"username": "tiepnhan", "password": PASSWORD})
    assert client.get("/can-bo/dang-xuat/").status_code == 405
    answer = client.post("/can-bo/dang-xuat/")
    assert answer.status_code == 302
    assert answer["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    # signed out, not expired: no notice of an ended session
    page = client.get(HOME, follow=True)
    assert 'id="phien-het-han"' not in page.content.decode()


def test_an_officer_changes_their_password():
    officer = OfficerFactory.create(username="tiepnhan")
    client = signed_in(officer)
    wrong = client.post(
        "/can-bo/doi-mat-khau/",
        {
            "old_password": "sai",
            "new_password1": "mot-mat-khau-moi-2026",
            "new_password2": "mot-mat-khau-moi-2026",
        },
    )
    assert wrong.status_code == 200
    assert error_beside(wrong.content.decode(), "old_password")
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)  # nothing changed

    answer = client.post(
        "/can-bo/doi-mat-khau/",
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-2026",
            "new_password2": "mot-mat-khau-moi-2026",
        },
    )
    assert answer.status_code == 302
    assert answer["Location"] == HOME
    officer.refresh_from_db()
    assert officer.check_password("mot-mat-khau-moi-2026")
    assert client.get(HOME).status_code == 200  # still signed in


# ------------------------------------------------------------------ home: my work


def received(world: World, when: dt.datetime, name: str):
    return receive_dossier(intake=world.intake(name=name), actor=world.counter, at=when)


def codes_in(html: str) -> list[str]:
    """The codes of the queue's rows, each a link to the dossier's page."""
    found = re.findall(
        r'<th scope="row" class="govuk-table__header office-code">'
        r'<a class="govuk-link" href="/can-bo/ho-so/([^/"]+)/">([^<]+)</a></th>',
        html,
    )
    assert all(href == code for href, code in found)
    return [code for _href, code in found]


def test_home_lists_the_open_dossiers_the_officer_may_see_soonest_due_first():
    world = build_world()
    # 3 working days each (the world's procedure): received Wed 4/3 09:00 → due Mon 9/3
    # 09:00; Mon 2/3 09:00 → Thu 5/3 09:00; in 2099 → far ahead
    later = received(world, at(4, 9), "Lê Văn Cường")
    first = received(world, at(2, 9), "Nguyễn Thị Ánh")
    ahead = received(world, at(2, 9, year=2099), "Phạm Thị Dung")

    page = signed_in(world.specialist).get(HOME)
    assert page.status_code == 200
    html = page.content.decode()
    assert codes_in(html) == [first.code, later.code, ahead.code]
    assert "05/03/2026 09:00" in html
    assert "09/03/2026 09:00" in html
    assert "Nguyễn Thị Ánh" in html
    assert page.context["total"] == 3
    assert page.context["overdue"] == 2
    states = [row.deadline for row in page.context["rows"]]
    assert states == ["overdue", "overdue", "in_time"]
    assert html.count("office-row--overdue") == 2

    # an officer of another agency sees none of them
    stranger = signed_in(world.stranger).get(HOME)
    assert codes_in(stranger.content.decode()) == []
    assert stranger.context["total"] == 0


def test_each_row_of_the_queue_is_written_whole_and_escaped():
    """The rows' tag (``office_queue.queue_rows``) writes each cell as the template
    would: a name with markup escaped, the overdue row marked, each cell labelled for a
    phone's screen; and an appointment not set says so, muted."""
    world = build_world()
    # received Mon 2/3 09:00, due Thu 5/3 09:00 (3 working days): overdue now
    marked = received(world, at(2, 9), 'Nguyễn <b>"Ánh"</b> & Co')
    html = signed_in(world.specialist).get(HOME).content.decode()
    row = re.search(
        r'<tr class="govuk-table__row office-row--overdue">(.*?)</tr>', html, re.S
    )
    assert row is not None
    cells = row.group(1)
    assert (
        '<td data-label="Chủ hồ sơ" class="govuk-table__cell">'
        "Nguyễn &lt;b&gt;&quot;Ánh&quot;&lt;/b&gt; &amp; Co</td>"
    ) in cells
    assert f'href="/can-bo/ho-so/{marked.code}/">{marked.code}</a>' in cells
    assert (
        '<td data-label="Ngày hẹn trả" class="govuk-table__cell office-nowrap">'
        "05/03/2026 09:00</td>"
    ) in cells
    # the deadline's tag is markup already, written as it is, not escaped again
    assert (
        '<td data-label="Tình trạng hạn" class="govuk-table__cell">'
        '<strong class="govuk-tag govuk-tag--red">Quá hạn</strong>\n</td>'
    ) in cells
    assert "<b>" not in html.split("<tbody", 1)[1]
    # a row without an appointment (none of an open dossier's, which the database
    # refuses; the tag does not count on it)
    [item] = queue_rows(list(open_queue(world.specialist)), now=at(6, 9))
    unset = dataclasses.replace(item, appointment="", highlight="")
    written = queue_rows_tag(
        [unset],
        procedure=mark_safe("Thủ <i>tục</i>"),  # noqa: S308 - a safe label, kept
        applicant="A",
        status="S",
        appointment="H",
        deadline="D",
        none_yet="<chưa có>",
    )
    assert written.startswith('<tr class="govuk-table__row">')
    assert '<td data-label="Thủ <i>tục</i>" class="govuk-table__cell">' in written
    assert (
        '<td data-label="H" class="govuk-table__cell office-nowrap">'
        '<span class="office-muted">&lt;chưa có&gt;</span></td>'
    ) in written


def test_home_filters_by_status_and_refuses_a_status_it_cannot_read():
    world = build_world()
    received(world, at(2, 9), "Nguyễn Thị Ánh")
    client = signed_in(world.specialist)
    assert client.get(HOME, {"status": "received"}).context["total"] == 1
    assert client.get(HOME, {"status": "processing"}).context["total"] == 0

    refused = client.get(HOME, {"status": "khong-co"})
    assert refused.status_code == 400
    assert error_beside(refused.content.decode(), "status")
    assert codes_in(refused.content.decode()) == []


def test_home_answers_htmx_with_the_queue_alone():
    world = build_world()
    received(world, at(2, 9), "Nguyễn Thị Ánh")
    page = signed_in(world.specialist).get(HOME, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "<html" not in html
    assert len(codes_in(html)) == 1


def test_home_is_paginated():
    world = build_world()
    for day in range(26):
        received(
            world, at(2, 9) + dt.timedelta(days=day % 5, minutes=day), f"Người {day}"
        )
    client = signed_in(world.specialist)
    first = client.get(HOME)
    assert len(codes_in(first.content.decode())) == 25
    second = client.get(HOME, {"page": 2})
    assert len(codes_in(second.content.decode())) == 1
    # the soonest due first: received Mon 2/3 … Fri 6/3 (day % 5), 3 working days each,
    # so the last due is the one received last, on Friday at 09:24: "Người 24"
    assert "Người 24" in second.content.decode()
    assert "Người 24" not in first.content.decode()
    # the second page is counted as the whole queue, with the first page's numbers
    assert '<span class="office-count__number">26</span>' in second.content.decode()
    # "last" is the second (Django's pagination); no third page, no page 0, no page
    # that is not a number
    assert "Người 24" in client.get(HOME, {"page": "last"}).content.decode()
    for page in ("3", "0", "-1", "hai"):
        assert client.get(HOME, {"page": page}).status_code == 404, page


@pytest.mark.parametrize("count", [2, 20])
def test_home_costs_the_same_queries_for_2_and_for_20_dossiers(count):
    world = build_world()
    for day in range(count):
        received(world, at(2, 9) + dt.timedelta(minutes=day), f"Người {day}")
    client = signed_in(world.specialist)
    assert client.get(HOME).status_code == 200  # warm the reference caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(HOME)
    assert len(codes_in(page.content.decode())) == count
    # the session, its user, the officer's roles (visibility, and whether the header
    # leads to supervision: read once for the page), the queue's kinds with their counts
    # (the procedures of its filter's choices, the due-soon horizons' (agency, rules)
    # pairs, total, overdue and due soon: one grouped query, the paginator told the
    # total), and the page's rows in the queue's order, their keys chosen in the same
    # statement
    assert len(queries) == 5, [q["sql"] for q in queries]


def test_the_queue_judges_each_deadline_at_the_moment_given():
    """Spec 02 §7: due soon when no more than the rules' 8 working hours remain, overdue
    past the due moment; judged at a given moment, not the wall clock."""
    world = build_world()
    dossier = received(world, at(2, 9), "Nguyễn Thị Ánh")  # due Thu 5/3 09:00
    assert dossier.due_at == at(5, 9)

    def state(now: dt.datetime) -> str | None:
        (row,) = queue_rows(list(open_queue(world.specialist)), now=now)
        return row.deadline

    assert state(at(2, 10)) == "in_time"  # three working days left
    assert state(at(5, 8)) == "due_soon"  # one working hour left
    assert state(at(5, 9, 1)) == "overdue"


def test_the_home_page_leads_to_supervision_only_those_it_is_open_to():
    """Issue 10 §6: supervision is for the provincial supervisor and leaders; the header
    of their home page leads there, a specialist's does not (the page would be 404)."""
    world = build_world()
    link = 'href="/can-bo/giam-sat/"'
    assert link in signed_in(world.leader).get(HOME).content.decode()
    assert link not in signed_in(world.specialist).get(HOME).content.decode()


def test_each_row_leads_to_its_dossier_page_as_the_url_resolver_writes_it():
    """A row's link is written once per page from the reversed address of
    ``office:dossier``; a code that is not plain letters, digits, dots and dashes (one
    read from another system) is quoted as ``reverse`` quotes it: a space as %20, Đ as
    its UTF-8 bytes C4 90, ``+`` left as it is (RFC 3986 sub-delimiters)."""
    world = build_world()
    plain = received(world, at(2, 9), "Nguyễn Thị Ánh")
    odd = received(world, at(2, 10), "Trần Văn Bình")
    Dossier.objects.filter(pk=odd.pk).update(code="HS Đ+1")
    rows = {
        row.dossier.pk: row.url
        for row in queue_rows(list(open_queue(world.specialist)), now=at(2, 11))
    }
    assert rows == {
        plain.pk: f"/can-bo/ho-so/{plain.code}/",
        odd.pk: "/can-bo/ho-so/HS%20%C4%90+1/",
    }
    page = signed_in(world.specialist).get(HOME).content.decode()
    assert 'href="/can-bo/ho-so/HS%20%C4%90+1/"' in page
