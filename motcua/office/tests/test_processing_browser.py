"""Processing in Debian's Chromium (Playwright): a specialist opens an action's form on
the dossier's page, sends it empty (the error beside the field, the form still open),
then fills it in and double-clicks its button (one change, not two); the leader approves
from the approval queue. axe-core finds no serious or critical violation on the dossier
page with its forms, the page with an error, the approval queue, or on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils.translation import gettext

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    receive_dossier,
    submit_for_approval,
    transfer_dossier,
)
from motcua.dossiers.tests.world import at, build_world
from motcua.office.tests.test_browser import PASSWORD, axe_violations
from motcua.portal.tests.test_browser import browser_page  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/can-bo/")


def test_a_specialist_asks_for_a_supplement_and_a_leader_approves_from_the_queue(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
):
    world = build_world()
    dossier = transfer_dossier(
        dossier=receive_dossier(
            intake=world.intake(), actor=world.counter, at=at(2, 9)
        ),
        actor=world.counter,
        at=at(2, 10),
    )
    other = transfer_dossier(
        dossier=receive_dossier(
            intake=world.intake(name="Phạm Thị Dung"), actor=world.counter, at=at(2, 9)
        ),
        actor=world.counter,
        at=at(2, 10),
    )
    submit_for_approval(dossier=other, actor=world.specialist, at=at(2, 11))
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url

    sign_in(page, base, "chuyenvien")
    page.goto(f"{base}/can-bo/ho-so/{dossier.code}/")
    assert axe_violations(page) == []
    # the list of actions leads to each form; the form opens
    page.get_by_role("link", name="Yêu cầu bổ sung, hoàn thiện hồ sơ").click()
    form = page.locator("#xu-ly-request-supplement")
    form.locator("summary").click()
    form.get_by_role("button").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator("#xu-ly-request-supplement[open]").count() == 1
    assert page.locator("#request_supplement_missing_error").is_visible()
    page.screenshot(path=tmp_path / "action-error.png", full_page=True)
    assert axe_violations(page) == []

    # filled in, then the button pressed twice in a row: the change is made once
    page.locator("#request_supplement_missing").fill("Tờ khai có chữ ký")
    page.locator("#xu-ly-request-supplement button").dblclick()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert Dossier.objects.get(pk=dossier.pk).status == "supplement_requested"
    assert (
        Dossier.objects.get(pk=dossier.pk)
        .events.filter(action="request_supplement")
        .count()
        == 1
    )
    page.screenshot(path=tmp_path / "action-done.png", full_page=True)
    assert axe_violations(page) == []

    # the leader's approval queue
    page.context.clear_cookies()
    sign_in(page, base, "lanhdao")
    page.get_by_role("link", name=gettext("Awaiting my approval")).click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert other.code in rows.nth(0).inner_text()
    page.screenshot(path=tmp_path / "approvals.png", full_page=True)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert axe_violations(page) == []
    rows.nth(0).get_by_role("button").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert Dossier.objects.get(pk=other.pk).status == "approved"
    assert page.locator("table tbody tr").count() == 0
    page.goto(f"{base}/can-bo/ho-so/{other.code}/")
    page.screenshot(path=tmp_path / "dossier-phone.png", full_page=True)
    assert axe_violations(page) == []
    assert errors == []
