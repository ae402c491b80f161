"""The counter in Debian's Chromium (Playwright): a counter officer finds the procedure by
typing without accents (htmx results), sends the form empty and reads the errors, fills
the applicant from their number (htmx), ticks and scans every paper, receives the dossier
and finds the receipt to print; then answers an online dossier from the waiting list.
axe-core finds no serious or critical violation on any of these pages, wide or on a
phone; nothing the Content-Security-Policy refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from playwright.sync_api import expect

from motcua.dossiers import services
from motcua.dossiers.choices import Channel
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.world import at, build_world
from motcua.dossiers.workflow import DossierStatus
from motcua.files.storage import FILES_STORAGE
from motcua.office.tests.test_browser import PASSWORD, axe_violations
from motcua.portal.tests.test_browser import browser_page  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def files_root(tmp_path: Path, settings) -> Path:
    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        FILES_STORAGE: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def test_a_counter_officer_receives_a_paper_dossier_with_every_paper_scanned(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    files_root: Path,
    tmp_path: Path,
):
    world = build_world()
    world.version.name = "Đăng ký khai sinh"
    world.version.save()
    world.version.agencies.add(world.commune)
    earlier = services.receive_dossier(
        intake=world.intake(name="Nguyễn Thị Ánh"), actor=world.counter, at=at(2, 9)
    )
    online = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
    )
    scans = []
    for name in ("to-khai.pdf", "giay-to.pdf"):
        path = tmp_path / name
        path.write_bytes(weasyprint.HTML(string=f"<p>{name}</p>").write_pdf())
        scans.append(path)

    page = browser_page
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} @ {page.url}") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/can-bo/quay/")
    page.get_by_label("Tên đăng nhập").fill("tiepnhan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/can-bo/quay/")
    assert axe_violations(page) == []

    # typing without accents, the results follow (htmx), each a link to its form
    page.locator("#id_q").focus()
    page.keyboard.type("dang ky khai sinh")
    link = page.locator("#ket-qua a", has_text="Đăng ký khai sinh")
    link.wait_for()
    page.screenshot(path=tmp_path / "counter-search.png", full_page=True)
    assert axe_violations(page) == []
    link.click()
    page.wait_for_url(f"**/can-bo/quay/tiep-nhan/{world.version.procedure.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký khai sinh"
    assert axe_violations(page) == []

    # sent empty: the summary takes the focus, each error beside its field
    page.locator("#id_decision_0").check()
    page.locator("main form button[data-prevent-double-click]").click()
    page.locator(".govuk-error-summary:focus").wait_for()
    assert page.locator("#id_applicant_name_error").is_visible()
    assert page.locator("#id_paper_1_given_error").is_visible()
    page.screenshot(path=tmp_path / "counter-errors.png", full_page=True)
    assert axe_violations(page) == []
    assert Dossier.objects.count() == 2  # nothing recorded

    # the applicant from their number: the latest dossier the officer may see (htmx)
    page.locator("#id_applicant_id_number").fill("066190000123")
    page.locator("button[name=tra-cuu]").click()
    expect(page.locator("#id_applicant_name")).to_have_value("Nguyễn Thị Ánh")
    assert page.locator("#nguoi-nop [role=status]").is_visible()

    # every paper ticked and scanned, received
    for position, path in enumerate(scans, start=1):
        page.locator(f"#id_paper_{position}_given").check()
        page.locator(f"#id_paper_{position}_scan").set_input_files(str(path))
    page.locator("#id_decision_0").check()
    page.screenshot(path=tmp_path / "counter-intake.png", full_page=True)
    page.locator("main form button[data-prevent-double-click]").click()
    page.wait_for_url("**/can-bo/quay/da-ghi/**")
    dossier = Dossier.objects.exclude(pk=earlier.pk).exclude(pk=online.pk).get()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.applicant_name == "Nguyễn Thị Ánh"
    assert [c.digitised_at is not None for c in dossier.components.all()] == [
        True,
        True,
    ]
    receipt = page.locator(f"a[href='/ho-so/{dossier.code}/giay-tiep-nhan.pdf']")
    assert receipt.get_attribute("target") == "_blank"
    page.screenshot(path=tmp_path / "counter-recorded.png", full_page=True)
    assert axe_violations(page) == []

    # the online dossier waiting, answered on its page
    page.goto(f"{live_server.url}/can-bo/quay/truc-tuyen/")
    assert page.locator("table tbody tr").count() == 1
    page.screenshot(path=tmp_path / "counter-waiting.png", full_page=True)
    assert axe_violations(page) == []
    page.locator(f"a[href='/can-bo/ho-so/{online.code}/']").click()
    page.wait_for_url(f"**/can-bo/ho-so/{online.code}/")
    assert page.locator("#tai-quay").is_visible()
    assert axe_violations(page) == []
    page.locator(f"form[action$='/{online.code}/tiep-nhan/'] button").click()
    page.wait_for_url(f"**/can-bo/quay/da-ghi/{online.code}/")
    online.refresh_from_db()
    assert online.status == DossierStatus.RECEIVED

    # on a phone
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(
        f"{live_server.url}/can-bo/quay/tiep-nhan/{world.version.procedure.code}/"
    )
    page.screenshot(path=tmp_path / "counter-intake-phone.png", full_page=True)
    assert axe_violations(page) == []
    # the form sent empty is answered 422, which the browser logs; nothing else
    unexpected = [e for e in errors if "status of 422" not in e]
    assert len(errors) - len(unexpected) == 1
    assert unexpected == [], "\n".join(unexpected)
    print(f"screenshots in {tmp_path}")  # noqa: T201 - where to look
