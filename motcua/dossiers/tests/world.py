"""A small province for dossier tests: a commune that handles, its one-stop centre that
receives, a department elsewhere, officers with their roles, and a 3-working-day procedure
with a four-step process (0,5 + 1,5 + 0,5 + 0,5 days) and two mandatory papers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import User
from motcua.accounts.tests.factories import (
    OfficerFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from motcua.agencies.choices import AgencyKind, AgencyLevel
from motcua.agencies.models import Agency
from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.dossiers.choices import Channel
from motcua.dossiers.services import Applicant, Intake, Paper
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.tests.factories import (
    ProcedureVersionFactory,
    ProcessStepFactory,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(
    day: int, hour: int, minute: int = 0, *, month: int = 3, year: int = 2026
) -> dt.datetime:
    """A moment in Asia/Ho_Chi_Minh; March 2026 has no public holiday."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@dataclass
class World:
    commune: Agency
    centre: Agency
    department: Agency
    tax_office: Agency
    version: ProcedureVersion
    counter: User
    specialist: User
    leader: User
    stranger: User
    citizen: User
    other_citizen: User

    def intake(
        self,
        *,
        channel: Channel = Channel.DIRECT,
        complete: bool = True,
        **applicant: object,
    ) -> Intake:
        papers = [
            Paper(name=c.name, form=c.form, required_id=c.pk)
            for c in self.version.components.order_by("position")
        ]
        return Intake(
            procedure_version=self.version,
            receiving_agency=self.centre,
            handling_agency=self.commune,
            channel=channel,
            applicant=Applicant(
                name=str(applicant.get("name", "Nguyễn Thị Ánh")),
                id_number="066190000123",
                account=applicant.get("account"),  # type: ignore[arg-type]
            ),
            papers=papers if complete else papers[:1],
        )


def build_world() -> World:
    province = make_province()
    commune = AgencyFactory.create(
        identifier="000.00.51.H15",
        name="Ủy ban nhân dân phường Buôn Ma Thuột",
        level=AgencyLevel.COMMUNE,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        parent=province,
    )
    centre = AgencyFactory.create(
        identifier="000.01.51.H15",
        name="Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột",
        level=AgencyLevel.COMMUNE,
        kind=AgencyKind.SERVICE_CENTRE,
        parent=commune,
    )
    department = AgencyFactory.create(
        identifier="000.00.03.H15", name="Sở Tư pháp", parent=province
    )
    tax_office = AgencyFactory.create(
        identifier="000.01.42.H15", name="Thuế cơ sở 1", parent=province
    )
    version = ProcedureVersionFactory.create(
        handling_time=Decimal(3), components=["Tờ khai", "Giấy tờ chứng minh"]
    )
    for position, (budget, role) in enumerate(
        [
            ("0.5", Role.COUNTER_OFFICER),
            ("1.5", Role.SPECIALIST),
            ("0.5", Role.LEADER),
            ("0.5", Role.COUNTER_OFFICER),
        ],
        start=1,
    ):
        ProcessStepFactory.create(
            version=version, position=position, budget=Decimal(budget), role=role
        )

    def officer(username: str, role: Role, agency: Agency) -> User:
        user = OfficerFactory.create(username=username)
        RoleAssignmentFactory.create(
            user=user, agency=agency, role=role, valid_from=dt.date(2025, 7, 1)
        )
        return user

    return World(
        commune=commune,
        centre=centre,
        department=department,
        tax_office=tax_office,
        version=version,
        counter=officer("tiepnhan", Role.COUNTER_OFFICER, centre),
        specialist=officer("chuyenvien", Role.SPECIALIST, commune),
        leader=officer("lanhdao", Role.LEADER, commune),
        stranger=officer("chuyenvien.so", Role.SPECIALIST, department),
        citizen=UserFactory.create(username="congdan", kind=AccountKind.CITIZEN),
        other_citizen=UserFactory.create(username="congdan2", kind=AccountKind.CITIZEN),
    )
