"""Through a real browser: Debian's Chromium driven by Playwright.

A citizen searches the catalogue without accents; an agency administrator edits a procedure
in the admin and sees the change published. The browser is required: where Chromium is
absent the tests fail, naming the command that installs it, rather than skip (``make test``
installs it, scripts/system-packages).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from decimal import Decimal

import pytest
from django.db import connections

from motcua.procedures.choices import OnlineLevel, TimeUnit
from motcua.procedures.models import Field, Procedure, ProcedureVersion

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    # the live server needs committed data; restore the migrations' seeded rows afterwards
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_page(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `scripts/system-packages test`"
            " (or `sudo apt-get install -y chromium`)",
            pytrace=False,
        )

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
        # Inside Playwright's loop the ORM gets connections of its own context; close them
        # here, or PostgreSQL refuses to drop the test database at the end of the run.
        connections.close_all()


@pytest.fixture
def birth_registration(transactional_db):
    field = Field.objects.create(code="G15-HT", name="Hộ tịch")
    procedure = Procedure.objects.create(code="1.001193")
    return ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name="Thủ tục đăng ký khai sinh",
        field=field,
        handling_time=Decimal(1),
        handling_time_unit=TimeUnit.WORKING_DAYS,
        online_level=OnlineLevel.FULL,
        effective_from=dt.date(2025, 7, 1),
    )


def test_citizen_finds_a_procedure_typing_without_accents(
    live_server, browser_page, birth_registration
):
    page = browser_page
    page.goto(f"{live_server.url}/thu-tuc/")
    page.get_by_role("searchbox").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Thủ tục đăng ký khai sinh"
    )
    assert "1 ngày làm việc" in page.content()


def test_administrator_edits_a_procedure_in_the_admin(
    live_server, browser_page, birth_registration, django_user_model
):
    django_user_model.objects.create_superuser(
        "quantri", password="mat-khau-quan-tri-2025"
    )
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", "mat-khau-quan-tri-2025")
    page.click("input[type=submit]")
    page.goto(
        f"{live_server.url}/admin/procedures/procedureversion/{birth_registration.pk}/change/"
    )
    page.fill(
        "#id_handling_time_note",
        "Nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
    )
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")

    birth_registration.refresh_from_db()
    assert birth_registration.handling_time_note.startswith("Nhận sau 15 giờ")
    page.goto(f"{live_server.url}/thu-tuc/1.001193/")
    assert "Nhận sau 15 giờ" in page.content()
