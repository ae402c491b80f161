"""Supervision in Debian's Chromium (Playwright): a leader signs in, reads the counts of
their agency, follows a count to its dossiers and one of them to its page, on a desktop and
on a phone's width; axe-core finds no serious or critical violation on any of these pages,
and a screenshot of each is kept in the test's temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils.translation import gettext, override

from motcua.office.supervision import SupervisionMixin
from motcua.office.tests.test_browser import PASSWORD, axe_violations
from motcua.office.tests.test_supervision import NOW, province  # noqa: F401 - the fixture
from motcua.portal.tests.test_browser import browser_page  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_leader_walks_from_the_counts_to_a_dossier(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    province,  # noqa: F811 - the fixture imported above
    monkeypatch,
    tmp_path: Path,
):
    world, d = province
    monkeypatch.setattr(SupervisionMixin, "clock", staticmethod(lambda: NOW))
    page = browser_page
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} @ {page.url}") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/can-bo/giam-sat/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/can-bo/giam-sat/")
    with override("vi"):  # the page speaks Vietnamese, whatever the catalogue holds yet
        assert page.get_by_role("heading", level=1).inner_text() == gettext(
            "Supervision"
        )
    # one line, the commune: 2 overdue, 1 due soon, 1 apology, 1 online unanswered
    cells = page.locator("table tbody tr td a")
    assert [cells.nth(i).inner_text().split()[0] for i in range(4)] == [
        "2",
        "1",
        "1",
        "1",
    ]
    page.locator(".govuk-details__summary").click()  # how the lists judge, opened
    page.screenshot(path=tmp_path / "supervision.png", full_page=True)
    assert axe_violations(page) == []

    # the overdue count, by keyboard: its link, then Enter
    cells.nth(0).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/can-bo/giam-sat/qua-han/?don-vi=*")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert d["overdue"].code in rows.nth(0).inner_text()
    assert d["paused_late"].code in rows.nth(1).inner_text()
    page.screenshot(path=tmp_path / "supervision-overdue.png", full_page=True)
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/can-bo/giam-sat/truc-tuyen-chua-tra-loi/")
    assert d["unanswered"].code in page.locator("table tbody").inner_text()
    page.screenshot(path=tmp_path / "supervision-online.png", full_page=True)
    assert axe_violations(page) == []

    # on a phone: each dossier a card, the column's name before each value
    page.goto(f"{live_server.url}/can-bo/giam-sat/")
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=tmp_path / "supervision-phone.png", full_page=True)
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/can-bo/giam-sat/can-xin-loi/")
    page.screenshot(path=tmp_path / "supervision-apology-phone.png", full_page=True)
    assert axe_violations(page) == []

    # and from a list to the dossier's page
    page.get_by_role("link", name=d["apology"].code).click()
    page.wait_for_url(f"**/can-bo/ho-so/{d['apology'].code}/")
    assert page.get_by_role("heading", level=1).inner_text() == d["apology"].code
    assert errors == [], "\n".join(errors)
    print(f"screenshots in {tmp_path}")  # noqa: T201 - where to look
