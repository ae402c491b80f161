"""The whole story of one paper dossier, walked in Debian's Chromium (Playwright) through
the officers' workspace at /can-bo/ (issue 10, "Done when"), each officer signing in in
turn: the counter receives it with a scan of every paper and opens the receipt (Mẫu 01);
the specialist requests a supplement; the counter records the supplement brought in; the
specialist hands the dossier to a co-ordinating agency, whose specialist returns it; the
specialist submits it, the leader approves it from the approval queue; the provincial
supervisor sees it among the unit's dossiers due soon; the result is issued with its file
and the counter hands it over, recording to whom.

Every page of the story is screenshotted (the directory is printed), checked by axe-core
(no serious or critical violation) and watched for console errors (a Content-Security-
Policy refusal is one).

The clock: the walk runs against a live server on the real clock, so the procedure is
handled in 4 working hours (spec 06 §3: working hours count office sessions only). At any
moment of the walk the dossier has at most 4 working hours left, fewer than the 8 working
hours of the rules' warning window (``OneStopRules.due_soon_working_hours``, spec 02 §7),
and more than none, since the walk takes minutes: it is due soon, not overdue, whenever
the test runs, at night or on a Sunday included (a supplement's pause moves the
appointment by the working time paused, NĐ 61/2018 Điều 17 khoản 2, so the time left
stays the same).
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
import weasyprint
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext, override
from pypdf import PdfReader

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import OfficerFactory, RoleAssignmentFactory
from motcua.dossiers import events
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.world import build_world
from motcua.dossiers.workflow import Action, DossierStatus
from motcua.office.tests.test_browser import PASSWORD, axe_violations
from motcua.office.tests.test_counter_browser import files_root  # noqa: F401
from motcua.portal.tests.test_browser import browser_page  # noqa: F401 - the fixture
from motcua.procedures.choices import TimeUnit
from motcua.procedures.tests.factories import (
    ProcedureVersionFactory,
    ProcessStepFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROCEDURE_NAME = "Chứng thực bản sao từ bản chính giấy tờ, văn bản"


def vi(message: str | StrPromise, **values: object) -> str:
    """What the page shows for ``message``: the Vietnamese catalogue's, until a msgid is
    translated there its English (the page speaks Vietnamese whatever it holds yet)."""
    with override("vi"):
        text = gettext(message) if isinstance(message, str) else str(message)
    return text % values if values else text


def png(width: int = 40, height: int = 30) -> bytes:
    """A small real PNG (grey, 8-bit), as a scanner's image would be."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Story:
    """The browser, the screenshots in order, and the console's errors."""

    def __init__(self, page, base: str, shots: Path) -> None:
        self.page = page
        self.base = base
        self.shots = shots
        self.taken: list[str] = []
        self.errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                self.errors.append(f"{m.text} @ {page.url}")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def shot(self, name: str) -> None:
        """Screenshot the page as it is, then axe-core on it."""
        number = len(self.taken) + 1
        filename = f"{number:02d}-{name}.png"
        self.page.screenshot(path=self.shots / filename, full_page=True)
        self.taken.append(filename)
        assert axe_violations(self.page) == [], f"{filename}: {self.page.url}"

    def sign_in(self, username: str, going_to: str = "/can-bo/") -> None:
        self.page.context.clear_cookies()
        self.page.goto(f"{self.base}{going_to}")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(PASSWORD)
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(f"{self.base}{going_to}")

    def open_dossier(self, code: str) -> None:
        self.page.goto(f"{self.base}/can-bo/ho-so/{code}/")
        assert self.page.get_by_role("heading", level=1).inner_text() == code

    def act(self, slug: str, fill: dict[str, str] | None = None) -> None:
        """Open the action's form on the dossier page, fill it, send it, see it done."""
        form = self.page.locator(f"#xu-ly-{slug}")
        form.locator("summary").click()
        for label, value in (fill or {}).items():
            form.get_by_label(label, exact=True).fill(value)
        form.locator("button[type=submit]").click()
        self.page.wait_for_selector(".govuk-notification-banner--success")


def story_world():
    """The demo-like world of the dossier tests, with a procedure of 4 working hours
    through six steps: the counter (reception and transfer), the specialist, the
    co-ordinating department (inter-agency, NĐ 61/2018 Điều 20–21), the specialist again,
    the leader, the counter (return); budgets in the version's unit, adding up to its
    handling time (procedures.validation)."""
    world = build_world()
    version = ProcedureVersionFactory.create(
        name=PROCEDURE_NAME,
        handling_time=Decimal(4),
        handling_time_unit=TimeUnit.WORKING_HOURS,
        components=["Bản chính giấy tờ", "Bản sao cần chứng thực"],
    )
    version.agencies.add(world.commune)
    steps = [
        ("Tiếp nhận, chuyển hồ sơ", "0.5", Role.COUNTER_OFFICER, None, False),
        ("Thẩm định hồ sơ", "1", Role.SPECIALIST, None, False),
        ("Lấy ý kiến Sở Tư pháp", "1", Role.SPECIALIST, world.department, True),
        ("Dự thảo kết quả", "0.5", Role.SPECIALIST, None, False),
        ("Phê duyệt", "0.5", Role.LEADER, None, False),
        ("Trả kết quả", "0.5", Role.COUNTER_OFFICER, None, False),
    ]
    for position, (name, budget, role, agency, inter) in enumerate(steps, start=1):
        ProcessStepFactory.create(
            version=version,
            position=position,
            name=name,
            budget=Decimal(budget),
            role=role,
            agency=agency,
            is_inter_agency=inter,
        )
    for officer, name in [
        (world.counter, "Nguyễn Thị Quầy"),
        (world.specialist, "Hoàng Văn Đức"),
        (world.leader, "Phạm Minh Lãnh"),
        (world.stranger, "Đỗ Thu Hà"),
    ]:
        officer.full_name = name
        officer.save(update_fields=["full_name"])
    supervisor = OfficerFactory.create(username="giamsat", full_name="Lê Thị Giám Sát")
    RoleAssignmentFactory.create(
        user=supervisor,
        agency=world.commune.parent,
        role=Role.PROVINCIAL_SUPERVISOR,
        valid_from=dt.date(2025, 7, 1),
    )
    return world, version


def test_the_whole_story_of_a_paper_dossier_through_the_workspace(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    files_root,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
):
    world, version = story_world()
    shots = tmp_path / "story"
    shots.mkdir()
    scans = {
        "ban-chinh.pdf": weasyprint.HTML(
            string="<p>Bản chính giấy khai sinh</p>"
        ).write_pdf(),
        "ban-sao.png": png(),
        "ket-qua.pdf": weasyprint.HTML(
            string="<p>Bản sao đã chứng thực</p>"
        ).write_pdf(),
    }
    for name, content in scans.items():
        (tmp_path / name).write_bytes(content)
    story = Story(browser_page, live_server.url, shots)
    page = story.page
    base = live_server.url

    # 1. the counter: signs in, finds the procedure typing without accents
    page.goto(f"{base}/can-bo/quay/")
    story.shot("dang-nhap")
    story.sign_in("tiepnhan", "/can-bo/quay/")
    page.locator("#id_q").focus()
    page.keyboard.type("chung thuc ban sao")
    link = page.locator("#ket-qua a", has_text=PROCEDURE_NAME)
    link.wait_for()
    story.shot("quay-tim-thu-tuc")
    link.click()
    page.wait_for_url(f"**/can-bo/quay/tiep-nhan/{version.procedure.code}/")
    # the applicant, every paper ticked with its scan, received
    page.get_by_label(vi("Full name"), exact=True).fill("Trần Văn Bình")
    page.locator("#id_applicant_id_number").fill("066190000777")
    for position, name in enumerate(["ban-chinh.pdf", "ban-sao.png"], start=1):
        page.locator(f"#id_paper_{position}_given").check()
        page.locator(f"#id_paper_{position}_scan").set_input_files(str(tmp_path / name))
    page.locator("#id_decision_0").check()
    story.shot("quay-tiep-nhan")
    page.locator("main form button[data-prevent-double-click]").click()
    page.wait_for_url("**/can-bo/quay/da-ghi/**")
    dossier = Dossier.objects.get(procedure_version=version)
    code = dossier.code
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.applicant_name == "Trần Văn Bình"
    assert all(c.digitised_at for c in dossier.components.all())
    assert dossier.components.count() == 2
    story.shot("quay-da-ghi")
    receipt = page.locator(f"a[href='/ho-so/{code}/giay-tiep-nhan.pdf']")
    assert receipt.get_attribute("target") == "_blank"
    with page.context.expect_page() as opened:
        receipt.click()
    slip = opened.value
    slip.wait_for_load_state()
    slip.close()
    answer = page.request.get(f"{base}/ho-so/{code}/giay-tiep-nhan.pdf")
    assert answer.ok
    assert answer.headers["content-type"] == "application/pdf"
    body = answer.body()
    assert body.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(body)).pages) == 1
    # the counter transfers it to the competent body, from the dossier's page
    story.open_dossier(code)
    story.shot("ho-so-tai-quay")
    story.act("transfer")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PROCESSING

    # 2. the specialist: the dossier in their queue, a supplement requested
    story.sign_in("chuyenvien")
    assert code in page.locator("table tbody").inner_text()
    story.shot("chuyen-vien-hang-doi")
    page.get_by_role("link", name=code).click()
    page.wait_for_url(f"**/can-bo/ho-so/{code}/")
    story.shot("chuyen-vien-ho-so")
    story.act(
        "request-supplement",
        {vi("Papers to add or complete"): "Bản sao có đủ các trang"},
    )
    assert Dossier.objects.get(pk=dossier.pk).status == (
        DossierStatus.SUPPLEMENT_REQUESTED
    )
    story.shot("yeu-cau-bo-sung")

    # 3. the counter records the supplement brought in
    story.sign_in("tiepnhan")
    story.open_dossier(code)
    # the list of actions leads to the counter's form for it
    page.locator("ul[aria-labelledby=hanh-dong]").get_by_role(
        "link", name=vi(Action.RECEIVE_SUPPLEMENT.label)
    ).click()
    page.wait_for_url(f"**/can-bo/ho-so/{code}/#tai-quay-nhan-bo-sung")
    assert page.locator("#tai-quay-nhan-bo-sung").is_visible()
    counter_form = page.locator(f"form[action$='/{code}/nhan-bo-sung/']")
    counter_form.locator("textarea").fill("Bản sao đủ 4 trang")
    story.shot("quay-nhan-bo-sung")
    with page.expect_navigation():
        counter_form.locator("button[type=submit]").click()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PROCESSING
    story.shot("quay-da-nhan-bo-sung")

    # 4. the specialist hands it to the department, whose specialist returns it
    story.sign_in("chuyenvien")
    story.open_dossier(code)
    form = page.locator("#xu-ly-hand-over")
    form.locator("summary").click()
    form.get_by_label(vi("Co-ordinating agency")).select_option(
        world.department.identifier
    )
    form.locator("textarea").fill("Xin ý kiến về bản chính")
    story.shot("chuyen-giao")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.INTER_AGENCY
    story.sign_in("chuyenvien.so")
    assert code in page.locator("table tbody").inner_text()
    story.shot("co-quan-phoi-hop-hang-doi")
    story.open_dossier(code)
    story.shot("co-quan-phoi-hop-ho-so")
    story.act("return-from-agency")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PROCESSING
    story.shot("co-quan-phoi-hop-da-tra")

    # 5. the specialist submits it; the leader approves it from the approval queue
    story.sign_in("chuyenvien")
    story.open_dossier(code)
    story.act("submit-for-approval")
    assert Dossier.objects.get(pk=dossier.pk).status == (
        DossierStatus.AWAITING_APPROVAL
    )
    story.shot("trinh-phe-duyet")
    story.sign_in("lanhdao")
    page.get_by_role("link", name=vi("Awaiting my approval")).click()
    page.wait_for_url(f"{base}/can-bo/phe-duyet/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert code in rows.nth(0).inner_text()
    story.shot("hang-phe-duyet")
    rows.nth(0).get_by_role("button").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.APPROVED
    story.shot("da-phe-duyet")

    # 7. (while it is still open) the provincial supervisor: the commune's due-soon count
    # holds it, and the count leads to it
    story.sign_in("giamsat")
    story.shot("giam-sat-cong-viec")
    page.get_by_role("banner").get_by_role("link", name=vi("Supervision")).click()
    page.wait_for_url(f"{base}/can-bo/giam-sat/")
    line = page.locator("table tbody tr", has_text=world.commune.name)
    due_soon = line.locator("a[href*='/can-bo/giam-sat/sap-den-han/']")
    assert due_soon.inner_text().split()[0] == "1"
    story.shot("giam-sat")
    due_soon.click()
    page.wait_for_url("**/can-bo/giam-sat/sap-den-han/**")
    assert code in page.locator("table tbody").inner_text()
    story.shot("giam-sat-sap-den-han")

    # 6. the specialist issues the result with its file; the counter hands it over
    story.sign_in("chuyenvien")
    story.open_dossier(code)
    form = page.locator("#xu-ly-issue-result")
    form.locator("summary").click()
    form.get_by_label(vi("Result document %(n)s", n=1)).fill("Bản sao đã chứng thực")
    form.get_by_label(vi("Electronic file of result %(n)s", n=1)).set_input_files(
        str(tmp_path / "ket-qua.pdf")
    )
    story.shot("tra-ket-qua-dien-tu")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    issued = Dossier.objects.get(pk=dossier.pk)
    assert issued.status == DossierStatus.RESOLVED
    result = issued.results.get()
    assert result.code == f"{code}-KQ(1)"
    assert result.electronic
    story.shot("da-co-ket-qua")
    story.sign_in("tiepnhan")
    story.open_dossier(code)
    page.locator("ul[aria-labelledby=hanh-dong]").get_by_role(
        "link", name=vi(Action.RETURN_RESULT.label)
    ).click()
    page.wait_for_url(f"**/can-bo/ho-so/{code}/#tai-quay-tra-ket-qua")
    counter_form = page.locator(f"form[action$='/{code}/tra-ket-qua/']")
    counter_form.get_by_label(vi("Handed to (full name)")).fill("Trần Thị Cúc")
    story.shot("quay-tra-ket-qua")
    with page.expect_navigation():
        counter_form.locator("button[type=submit]").click()
    returned = Dossier.objects.get(pk=dossier.pk)
    assert returned.status == DossierStatus.RETURNED
    handed = returned.events.get(action="return_result")
    assert events.result_receiver(handed) == "Trần Thị Cúc"
    story.open_dossier(code)
    assert "Trần Thị Cúc" in page.locator("main").inner_text()
    story.shot("da-tra-ket-qua")
    page.set_viewport_size({"width": 375, "height": 800})
    story.shot("da-tra-ket-qua-dien-thoai")

    assert story.errors == [], "\n".join(story.errors)
    print(f"screenshots in {shots}: {', '.join(story.taken)}")  # noqa: T201
