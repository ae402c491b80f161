"""The officers' workspace in Debian's Chromium (Playwright): an officer signs in by
keyboard, lands on the home page with their queue, and axe-core (vendored, for tests
only) finds no serious or critical accessibility violation on the login page, the home
page, a form with errors, or the home page at a phone's width."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from motcua.dossiers.services import receive_dossier
from motcua.dossiers.tests.world import at, build_world
from motcua.portal.tests.test_browser import browser_page  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = "vendor/axe-core/axe.min.js"
PASSWORD = "mat-khau-thu-nghiem"  # the factories' password


def axe_violations(page) -> list[dict]:
    """The serious and critical violations axe-core finds on the page as it is.

    axe is added from the site's static files by its address, not inlined from the file
    (``path=``): the Content-Security-Policy refuses inline script, as it should."""
    assert finders.find(AXE), "axe-core is not vendored: run `make vendor`"
    page.add_script_tag(url=f"{settings.STATIC_URL}{AXE}")
    found = page.evaluate("async () => (await axe.run()).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in found
        if v["impact"] in {"serious", "critical"}
    ]


def test_an_officer_signs_in_by_keyboard_and_sees_their_queue(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
):
    world = build_world()
    world.specialist.full_name = "Hoàng Văn Đức"
    world.specialist.save(update_fields=["full_name"])
    first = receive_dossier(
        intake=world.intake(name="Nguyễn Thị Ánh"), actor=world.counter, at=at(2, 9)
    )
    receive_dossier(
        intake=world.intake(name="Phạm Thị Dung"),
        actor=world.counter,
        at=at(2, 9, year=2099),
    )

    page = browser_page
    # nothing the Content-Security-Policy refuses, nothing that fails to load
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} @ {m.location} @ {page.url}")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/can-bo/")
    assert page.url.startswith(f"{live_server.url}/can-bo/dang-nhap/")
    assert axe_violations(page) == []

    # a wrong password first: the error beside the field, the summary at the top
    page.get_by_label("Tên đăng nhập").fill("chuyenvien")
    page.get_by_label("Mật khẩu").fill("sai")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    # the summary has the focus, so a screen reader reads it first
    page.locator(".govuk-error-summary:focus").wait_for()
    assert page.locator("#id_password_error").is_visible()
    assert page.get_by_label("Tên đăng nhập").input_value() == "chuyenvien"
    page.screenshot(path=tmp_path / "login-error.png", full_page=True)
    assert axe_violations(page) == []

    # then by keyboard alone: the password field, the right password, Enter
    page.get_by_label("Mật khẩu").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/can-bo/")
    assert page.get_by_role("main").is_visible()
    assert "Hoàng Văn Đức" in page.get_by_role("banner").inner_text()
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert first.code in rows.nth(0).inner_text()
    assert "02/03/2099" not in rows.nth(0).inner_text()
    page.screenshot(path=tmp_path / "home.png", full_page=True)
    assert axe_violations(page) == []

    # the status filter swaps the queue in place (htmx) and keeps the address
    page.locator("#id_status").select_option("processing")
    page.locator(".office-filters button").click()
    page.wait_for_url("**status=processing**")
    page.wait_for_selector("#hang-doi table", state="detached")
    assert page.locator("#hang-doi .office-count__number").first.inner_text() == "0"
    # back: htmx keeps no copy of the page, so the browser loads it again
    with page.expect_event("load"):
        page.go_back()
    page.wait_for_selector("#hang-doi table")

    # the first Tab reaches the skip link, which leads to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#noi-dung"

    # on a phone
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=tmp_path / "home-phone.png", full_page=True)
    assert axe_violations(page) == []

    # English is one button away, and the officer stays on the page
    # (by keyboard: a mouse click here would land after the focused skip link collapses)
    page.get_by_role("button", name="English").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("html[lang=en]", state="attached")
    assert page.url == f"{live_server.url}/can-bo/"
    assert page.get_by_role("heading", level=1).inner_text() == "My work"
    assert axe_violations(page) == []
    assert errors == [], "\n".join(errors)
    print(f"screenshots in {tmp_path}")  # noqa: T201 - where to look


def test_an_officer_reads_a_dossier_after_signing_in(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
):
    from motcua.office.tests.test_dossier_page import resolved

    world = build_world()
    dossier = resolved(world)
    page = browser_page
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} @ {page.url}") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    # back where the officer was going
    page.wait_for_url(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == dossier.code
    assert page.locator("table").count() == 3  # papers, steps, history
    assert page.locator("a[href$='.pdf']").count() == 3
    page.screenshot(path=tmp_path / "dossier.png", full_page=True)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=tmp_path / "dossier-phone.png", full_page=True)
    assert axe_violations(page) == []
    assert errors == [], "\n".join(errors)
    print(f"screenshots in {tmp_path}")  # noqa: T201 - where to look
