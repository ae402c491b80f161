"""The admin's dossier page in a real browser (Debian's Chromium through Playwright), in
Vietnamese: a view with the history in the workflow's words and no button to save. A
screenshot of it is kept in the test's temporary directory for a person to look at."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.tests.world import at, build_world
from motcua.portal.tests.test_browser import browser_page  # the shared browser

__all__ = ["browser_page"]

pytestmark = [
    pytest.mark.browser,
    # the live server needs committed data; restore the migrations' seeded rows afterwards
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mat-khau-quan-tri-2025"


def test_the_dossier_page_reads_in_vietnamese_with_nothing_to_save(
    live_server, browser_page, django_user_model, tmp_path
):
    world = build_world()
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 9)
    )
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 10)
    )
    django_user_model.objects.create_superuser("quantri", password=PASSWORD)
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/dossiers/dossier/{dossier.pk}/change/")
    page.screenshot(path=str(tmp_path / "dossier-admin.png"), full_page=True)

    assert page.get_by_role("heading", level=1).inner_text() == "Xem hồ sơ"
    assert page.locator("input[type=submit]").count() == 0
    history = page.locator("table.history")
    assert history.locator("td.column-action").all_inner_texts() == [
        "Tiếp nhận",
        "Chuyển cơ quan có thẩm quyền",
    ]
    assert history.locator("td.column-to_status").all_inner_texts() == [
        "Đã tiếp nhận",
        "Đang xử lý",
    ]
    assert (tmp_path / "dossier-admin.png").stat().st_size > 0
