"""Dossiers of the demo province taken through the services, for the slips and the register.

Procedure 1.004873 (Giấy xác nhận tình trạng hôn nhân) takes 3 working days; its process has
four steps of 0,5 + 1,5 + 0,5 + 0,5 working days. Office hours are the default 07:00–11:30 and
13:30–17:00 (8 hours a day), appointments keep the reception's clock time, and the week of
Mon 3/11/2025 has no holiday. Every moment below is worked out by hand in the test that uses
it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.demo.services import load_demo_province
from motcua.dossiers import services
from motcua.dossiers.choices import Channel, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.procedures.models import ProcedureVersion
from motcua.workdays.clock import VN_TZ

CENTRE = "000.01.51.H15"  # Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột
WARD = "000.00.51.H15"  # UBND phường Buôn Ma Thuột, the handling body
PROCEDURE = "1.004873"
APPLICANT = "Nguyễn Thị Hồng Nhung"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    """A moment of 2025 in Asia/Ho_Chi_Minh (November unless told)."""
    return dt.datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


@dataclass
class World:
    centre: Agency
    ward: Agency
    version: ProcedureVersion
    counter: User  # tiepnhan.bmt
    specialist: User  # chuyenvien.bmt
    leader: User  # lanhdao.bmt
    citizen: User  # congdan.an
    other_officer: User  # chuyenvien.tuphap, Sở Tư pháp

    def intake(
        self,
        *,
        name: str = APPLICANT,
        complete: bool = True,
        return_method: ReturnMethod = ReturnMethod.COUNTER,
    ) -> services.Intake:
        components = list(self.version.components.order_by("position"))
        papers = [
            services.Paper(
                name=c.name, form=c.form, quantity=c.quantity, required_id=c.pk
            )
            for c in components
            if c.is_mandatory and (complete or c.form != "original")
        ]
        return services.Intake(
            procedure_version=self.version,
            receiving_agency=self.centre,
            handling_agency=self.ward,
            channel=Channel.DIRECT,
            applicant=services.Applicant(
                name=name,
                id_number="066190001234",
                phone="0912345678",
                email="nhung@example.com",
                address="12 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
                account=self.citizen,
            ),
            papers=papers,
            return_method=return_method,
        )

    def receive(self, moment: dt.datetime, **intake: object) -> Dossier:
        return services.receive_dossier(
            intake=self.intake(**intake),  # type: ignore[arg-type]
            actor=self.counter,
            at=moment,
        )


@pytest.fixture
def world(db) -> World:
    load_demo_province()
    users = {u.username: u for u in User.objects.all()}
    return World(
        centre=Agency.objects.get(identifier=CENTRE),
        ward=Agency.objects.get(identifier=WARD),
        version=ProcedureVersion.objects.get(procedure__code=PROCEDURE),
        counter=users["tiepnhan.bmt"],
        specialist=users["chuyenvien.bmt"],
        leader=users["lanhdao.bmt"],
        citizen=users["congdan.an"],
        other_officer=users["chuyenvien.tuphap"],
    )


@pytest.fixture
def returned(world: World) -> Dossier:
    """The whole life of a dossier, with a supplement round in the middle.

    - received Mon 3/11 08:00 → appointment Thu 6/11 08:00; step 1 (0,5 day = 4 working
      hours) due Mon 14:00;
    - transferred Mon 09:00: step 1 handed on the day it was due, before the moment → đúng
      hạn; step 2 (1,5 days) starts, due Tue 9:00 + 4 h = Tue 4/11 15:00;
    - supplement asked Mon 10:00, received Mon 15:00: 1,5 + 1,5 = 3 working hours paused, so
      the appointment moves to Thu 6/11 11:00 (the step's own due moment does not move);
    - submitted for approval Mon 16:00: step 2 handed on a day before its due day → trước
      hạn; step 3 (0,5 day) due Mon 16:00 + 1 h + 3 h = Tue 4/11 10:00;
    - approved Tue 14:00; result issued Tue 14:30: step 3 past its due moment → quá hạn;
      step 4 due Tue 14:30 + 2,5 h + 1,5 h = Wed 5/11 08:30;
    - result returned Wed 08:00 to the applicant: step 4 → đúng hạn.
    """
    dossier = world.receive(at(3, 8))
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(3, 9)
    )
    dossier = services.request_supplement(
        dossier=dossier,
        missing=[
            "Bản sao Giấy chứng nhận ly hôn",
            "Tờ khai ghi rõ nơi cư trú trước đây",
        ],
        note="Người yêu cầu đã từng kết hôn; cần giấy tờ chứng minh việc ly hôn.",
        actor=world.specialist,
        at=at(3, 10),
    )
    dossier = services.receive_supplement(
        dossier=dossier, actor=world.specialist, at=at(3, 15)
    )
    dossier = services.submit_for_approval(
        dossier=dossier, actor=world.specialist, at=at(3, 16)
    )
    dossier = services.approve_dossier(
        dossier=dossier, actor=world.leader, at=at(4, 14)
    )
    dossier = services.issue_result(
        dossier=dossier,
        results=["Giấy xác nhận tình trạng hôn nhân"],
        actor=world.leader,
        at=at(4, 14, 30),
    )
    return services.return_result(
        dossier=dossier,
        receiver="Nguyễn Thị Hồng Nhung",
        actor=world.counter,
        at=at(5, 8),
    )


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed so that phrases broken across lines
    still match."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)
