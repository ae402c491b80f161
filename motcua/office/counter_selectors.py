"""What the counter's pages read (issue 10 §4): the counters an officer serves, the
catalogue searched without accents, the applicant known by an identification number, and
the online dossiers waiting for an answer. Dossiers are read from the visibility
chokepoint (``dossiers.permissions.dossiers_visible_to``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency
from motcua.dossiers.choices import ApplicantKind
from motcua.dossiers.deadlines import response_due, working_time_left
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.dossiers.permissions import dossiers_visible_to
from motcua.dossiers.selectors import awaiting_online_answer, dossier_rows
from motcua.procedures.models import ProcedureVersion
from motcua.workdays.selectors import calendar_for

#: the procedures a search shows at most: the officer types more to narrow it
SEARCH_LIMIT = 20


def counters_of(officer: User, *, on: dt.date) -> list[Agency]:
    """The one-stop counters ``officer`` serves on ``on``: the agencies active that day
    where they hold the counter officer's role that day (NĐ 61/2018 Điều 15; the dates
    of ``RoleAssignment`` and of ``Agency``, both asked of the database)."""
    return [
        assignment.agency
        for assignment in RoleAssignment.objects.active_on(on)
        .filter(
            user=officer,
            role=Role.COUNTER_OFFICER,
            agency__in=Agency.objects.active_on(on),
        )
        .select_related("agency")
        .order_by("agency__identifier")
    ]


def search_procedures(text: str, *, on: dt.date) -> list[ProcedureVersion]:
    """The procedures in force on ``on`` whose code or name holds ``text``, accents
    optional ("dang ky khai sinh" finds "Đăng ký khai sinh"): the catalogue's own search
    (``ProcedureVersionQuerySet.search``, the portal's), by code, at most
    ``SEARCH_LIMIT``, in one query."""
    if not text.strip():
        return []
    return list(
        ProcedureVersion.objects.in_force_on(on)
        .search(text)
        .select_related("procedure", "field")
        .order_by("procedure__code")[:SEARCH_LIMIT]
    )


def handling_agencies(version: ProcedureVersion, *, on: dt.date) -> list[Agency]:
    """The agencies that may handle a dossier of ``version``: its implementing agencies
    active on ``on`` (``AgencyQuerySet.active_on``), by identifier."""
    return list(version.agencies.active_on(on).order_by("identifier"))


def agencies_active_on(on: dt.date) -> list[Agency]:
    """Every agency active on ``on``, by identifier: who may handle a dossier of a
    version that names no implementing agency."""
    return list(Agency.objects.active_on(on).order_by("identifier"))


@dataclass(frozen=True)
class KnownApplicant:
    """What the counter may fill in for an applicant known by their number, and from
    where: their latest dossier the officer may see, or their own account."""

    kind: int
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    source: str  # "dossier" or "account"


def applicant_accounts() -> QuerySet[User]:
    """The accounts of applicants: citizens' and businesses' (``AccountKind``), active,
    none of them the administration's (officers, staff, superusers)."""
    return User.objects.filter(
        kind__in=[AccountKind.CITIZEN, AccountKind.BUSINESS],
        is_active=True,
        is_staff=False,
        is_superuser=False,
    )


def applicant_by_number(officer: User, number: str) -> KnownApplicant | None:
    """The applicant with this personal identification number (or tax code): from the
    latest dossier of that number among those ``officer`` may see
    (``dossiers_visible_to``); failing that, from the citizen's or business's account
    with that number, the name and contact details its holder gave (never an address,
    which accounts do not hold). A number nobody has: ``None``. Two queries at most.

    Only an applicant's account is read (``applicant_accounts``): a citizen by their
    personal identification number, a business by its tax code (``accounts.User``),
    active, and not one of the administration's own accounts: an officer's, or an
    administrator's (staff or superuser, whose kind is the model's default, citizen,
    when made by ``createsuperuser``)."""
    number = number.strip()
    if not number:
        return None
    latest = (
        dossiers_visible_to(officer)
        .filter(applicant_id_number=number)
        .order_by("-submitted_at", "-pk")
        .only(
            "applicant_kind",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
        )
        .first()
    )
    if latest is not None:
        return KnownApplicant(
            kind=latest.applicant_kind,
            name=latest.applicant_name,
            id_number=latest.applicant_id_number,
            phone=latest.applicant_phone,
            email=latest.applicant_email,
            address=latest.applicant_address,
            source="dossier",
        )
    account = (
        applicant_accounts()
        .filter(
            Q(kind=AccountKind.CITIZEN, personal_id=number)
            | Q(kind=AccountKind.BUSINESS, tax_code=number)
        )
        .order_by("pk")
        .first()
    )
    if account is None:
        return None
    return KnownApplicant(
        kind=ApplicantKind.ORGANISATION
        if account.kind == AccountKind.BUSINESS
        else ApplicantKind.CITIZEN,
        name=account.full_name,
        id_number=number,
        phone=account.phone,
        email=account.email,
        address="",
        source="account",
    )


# ------------------------------------------------------------------ online, waiting


def awaiting_answer(officer: User, counters: Sequence[Agency]) -> DossierQuerySet:
    """The online dossiers submitted to ``counters`` waiting for an answer, among those
    the officer may see, the oldest first (``dossiers.selectors.awaiting_online_answer``)."""
    return awaiting_online_answer(
        dossiers_visible_to(officer).filter(
            receiving_agency__in=[agency.pk for agency in counters]
        )
    )


@dataclass(frozen=True)
class WaitingRow:
    """An online dossier waiting for the counter's answer, with the moment the answer is
    due (the response window of the rules it was submitted under,
    ``OneStopRules.online_response_hours``) and the working time left until then."""

    dossier: Dossier
    answer_due: dt.datetime
    time_left: dt.timedelta
    is_late: bool

    @property
    def hours_left(self) -> int:
        return int(self.time_left.total_seconds()) // 3600

    @property
    def minutes_left(self) -> int:
        return int(self.time_left.total_seconds()) % 3600 // 60


def waiting_rows(dossiers: Sequence[Dossier], *, now: dt.datetime) -> list[WaitingRow]:
    """The rows of one page of the waiting list: the answer due ``hours`` working hours
    after submission, counted on the handling agency's calendar as supervision counts
    it (``deadlines.response_due``; spec 02 §3), reference rows and calendars from the process's
    caches, so a page costs the same queries however many rows it shows."""
    rows = []
    for row in dossier_rows(dossiers, now=now):
        dossier = row.dossier
        calendar = calendar_for(dossier.handling_agency)
        due = response_due(
            dossier.submitted_at, dossier.rules.online_response_hours, calendar
        )
        rows.append(
            WaitingRow(
                dossier=dossier,
                answer_due=due,
                time_left=working_time_left(now, due, calendar),
                is_late=due < now,
            )
        )
    return rows
