"""A paper's scan uploaded from the dossier's page in Debian's Chromium (Playwright): the
counter officer chooses the file by keyboard, the page comes back with the scan listed
and the paper digitised; a refused upload shows its error beside the field; axe-core
finds no serious or critical violation in either state."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.dossiers.services import receive_dossier
from motcua.dossiers.tests.world import at, build_world
from motcua.files.models import StoredFile
from motcua.office.tests.test_browser import PASSWORD, axe_violations
from motcua.portal.tests.test_browser import browser_page  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_counter_uploads_a_scan_from_the_dossier_page(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    files_root,
    pdf_bytes,
    png_bytes,
    settings,
    tmp_path: Path,
):
    settings.FILES_ALLOWED_TYPES = ["application/pdf"]
    world = build_world()
    dossier = receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8))
    first, second = dossier.components.order_by("pk")
    scan = tmp_path / "tờ khai.pdf"
    scan.write_bytes(pdf_bytes)
    disguised = tmp_path / "giay-to.pdf"
    disguised.write_bytes(png_bytes)

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
    page.get_by_label("Tên đăng nhập").fill("tiepnhan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")
    assert page.locator("form[enctype='multipart/form-data']").count() == 2
    assert axe_violations(page) == []

    # the first paper: a real PDF, chosen and sent by keyboard
    page.locator(f"#id_giay-{first.pk}-file").set_input_files(str(scan))
    page.locator(f"#id_giay-{first.pk}-file").focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/can-bo/ho-so/{dossier.code}/"
    link = page.locator("a", has_text="tờ khai.pdf")
    assert link.count() == 1
    assert page.locator("form[enctype='multipart/form-data']").count() == 1
    page.screenshot(path=tmp_path / "scan-stored.png", full_page=True)
    assert axe_violations(page) == []
    first.refresh_from_db()
    assert first.digitised_at is not None

    # the second: PNG bytes under a .pdf name, refused beside the field
    page.locator(f"#id_giay-{second.pk}-file").set_input_files(str(disguised))
    with page.expect_navigation():
        page.locator(f"form[action$='/giay-to/{second.pk}/so-hoa/'] button").click()
    error = page.locator(f"#id_giay-{second.pk}-file_error")
    assert "PDF" in error.inner_text()
    assert page.locator(".govuk-error-summary").count() == 1
    page.screenshot(path=tmp_path / "scan-refused.png", full_page=True)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert axe_violations(page) == []
    assert StoredFile.objects.count() == 1
    # the refusal is answered 422 on purpose, which Chromium reports; nothing else
    expected = "the server responded with a status of 422"
    assert [e for e in errors if expected not in e] == [], "\n".join(errors)
    print(f"screenshots in {tmp_path}")  # noqa: T201 - where to look
