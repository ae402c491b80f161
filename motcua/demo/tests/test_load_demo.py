"""The demo province loads, holds what the brief asks for, and loads twice without change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.forms.models import model_to_dict

from motcua.accounts.choices import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.choices import AgencyKind, AgencyLevel
from motcua.agencies.models import Agency, AgencySuccession
from motcua.demo.services import DEMO_PASSWORD, load_demo_province
from motcua.procedures.models import Procedure, ProcedureVersion, ProcessStep
from motcua.procedures.validation import check_process_budget

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)


@pytest.fixture
def demo():
    return load_demo_province()


def _snapshot() -> dict[str, list[dict]]:
    """Every row the demo writes, as plain values (``last_login`` aside, which a login
    changes)."""
    tables = {
        "agencies": Agency.objects.order_by("pk"),
        "successions": AgencySuccession.objects.order_by("pk"),
        "users": User.objects.order_by("pk"),
        "roles": RoleAssignment.objects.order_by("pk"),
        "procedures": Procedure.objects.order_by("pk"),
        "versions": ProcedureVersion.objects.order_by("pk"),
        "steps": ProcessStep.objects.order_by("pk"),
    }
    snapshot = {}
    for name, queryset in tables.items():
        rows = []
        for obj in queryset:
            row = model_to_dict(obj)
            row.pop("last_login", None)
            row["pk"] = obj.pk
            rows.append(row)
        snapshot[name] = rows
    return snapshot


def test_the_province_after_the_merger(demo):
    active = Agency.objects.active_on(JULY_1)
    assert active.filter(level=AgencyLevel.PROVINCE).count() == 1
    assert active.filter(level=AgencyLevel.PROVINCE).get().identifier == "000.00.00.H15"
    assert (
        active.filter(
            level=AgencyLevel.PROVINCIAL_AGENCY, kind=AgencyKind.DEPARTMENT
        ).count()
        >= 5
    )
    assert active.filter(
        level=AgencyLevel.PROVINCIAL_AGENCY, kind=AgencyKind.SERVICE_CENTRE
    ).exists()
    communes = active.filter(
        level=AgencyLevel.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE
    )
    assert communes.count() >= 6
    # no district exists any more from 1/7/2025 (Luật 72/2025/QH15)
    assert not active.filter(level=AgencyLevel.DISTRICT).exists()


def test_former_phu_yen_units_lead_to_their_successors(demo):
    phu_yen = Agency.objects.get(identifier="000.00.00.H45")
    assert phu_yen.is_active_on(dt.date(2025, 6, 30))
    assert not phu_yen.is_active_on(JULY_1)
    assert phu_yen.current_successor(JULY_1).identifier == "000.00.00.H15"
    # some of the new wards were formed from former Phú Yên units
    former_phu_yen_wards = (
        AgencySuccession.objects.filter(
            predecessor__identifier__endswith=".H45",
            successor__level=AgencyLevel.COMMUNE,
        )
        .values_list("successor__name", flat=True)
        .distinct()
    )
    assert len(former_phu_yen_wards) >= 2
    # and every unit that ended has somewhere its duties went, or was a district
    for ended in Agency.objects.filter(valid_to=dt.date(2025, 6, 30)):
        assert (
            ended.level == AgencyLevel.DISTRICT
            or ended.current_successor(JULY_1) != ended
        )


def test_every_role_has_an_officer(demo):
    held = set(RoleAssignment.objects.active_on(JULY_1).values_list("role", flat=True))
    assert held == set(Role.values)
    assert User.objects.filter(kind="citizen").count() >= 2
    assert User.objects.filter(kind="business").exists()


@pytest.mark.real_password_hashing
def test_demo_accounts_sign_in_with_argon2_hashes(demo, client):
    officer = User.objects.get(username="tiepnhan.tinh")
    assert identify_hasher(officer.password).algorithm == "argon2"
    assert client.login(username="admin", password=DEMO_PASSWORD)


def test_the_catalogue_is_real_and_every_process_adds_up(demo):
    in_force = ProcedureVersion.objects.in_force_on(JULY_1).prefetch_related("steps")
    assert in_force.count() >= 40
    assert in_force.values("field").distinct().count() >= 8
    for version in in_force:
        budgets = [step.budget for step in version.steps.all()]
        assert budgets, f"{version} has no process"
        check_process_budget(
            procedure_code=version.procedure.code,
            version_number=version.number,
            handling_time=version.handling_time,
            unit=version.handling_time_unit,
            budgets=budgets,
        )
    assert sum(1 for v in in_force if v.is_inter_agency) >= 5


def test_land_first_registration_goes_through_the_tax_office(demo):
    """1.115334: UBND xã → Văn phòng Đăng ký đất đai → cơ quan thuế (spec 09 row 29)."""
    version = Procedure.objects.get(code="1.115334").version_on(JULY_1)
    assert version is not None
    inter_agency = [
        step.agency.name
        for step in version.steps.all()
        if step.is_inter_agency and step.agency is not None
    ]
    assert any("Thuế" in name for name in inter_agency)
    assert any("Đăng ký đất đai" in name for name in inter_agency)
    assert version.field.is_land_construction_investment


def test_some_procedures_keep_their_version_from_before_1_july_2025(demo):
    two_versions = [
        p
        for p in Procedure.objects.prefetch_related("versions")
        if p.versions.count() >= 2
    ]
    assert two_versions
    for procedure in two_versions:
        old, new = (
            procedure.version_on(dt.date(2025, 6, 30)),
            procedure.version_on(JULY_1),
        )
        assert old is not None
        assert new is not None
        assert old.pk != new.pk
        assert old.effective_to == dt.date(2025, 6, 30)


def test_loading_twice_changes_nothing(demo):
    # the first load only created rows
    assert demo.updated == {}
    assert demo.created["agencies"] == Agency.objects.count()
    before = _snapshot()
    second = load_demo_province()
    assert not second.changed_anything
    assert _snapshot() == before


def test_command_prints_the_accounts_and_is_idempotent(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "tiepnhan.tinh" in first
    assert DEMO_PASSWORD in first
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "tiepnhan.tinh" in second
    assert User.objects.filter(username="admin", is_superuser=True).count() == 1


def test_procedure_handling_times_are_positive(demo):
    assert not ProcedureVersion.objects.filter(handling_time__lte=Decimal(0)).exists()


#: "Trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo", stored until now as
#: 1 working day: 12 procedures, 13 versions (2.000528 has one before and one after the
#: reorganisation of 1/7/2025).
SAME_DAY_VERSIONS = {
    ("1.000656", 1),
    ("1.000894", 1),
    ("1.001193", 1),
    ("1.004859", 1),
    ("1.011441", 1),
    ("2.000528", 1),
    ("2.000528", 2),
    ("2.000635", 1),
    ("2.000815", 1),
    ("2.000884", 1),
    ("2.000908", 1),
    ("2.000992", 1),
    ("3.000465", 1),
}


def test_same_day_procedures_use_the_same_day_unit(demo):
    same_day = ProcedureVersion.objects.filter(handling_time_unit="same_day")
    assert {(v.procedure.code, v.number) for v in same_day} == SAME_DAY_VERSIONS
    for version in same_day:
        assert version.handling_time == 1
        assert "Trong ngày" in version.handling_time_note
    # every version whose note states the same-day rule and that is not limited to more
    # days by law uses it: the three contract certifications keep their 2 working days
    # (their note: "không quá 02 ngày làm việc")
    rest = ProcedureVersion.objects.filter(
        handling_time_note__contains="nhận sau 15 giờ"
    ).exclude(handling_time_unit="same_day")
    assert sorted(v.procedure.code for v in rest) == [
        "2.001019",
        "2.001035",
        "2.001406",
    ]
    assert {(v.handling_time, v.handling_time_unit) for v in rest} == {
        (Decimal(2), "working_days")
    }
