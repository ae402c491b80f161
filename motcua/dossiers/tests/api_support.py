"""Helpers of the API tests: clients for personas, dossiers brought to a state through the
services (never by writing ``status``), and a snapshot to prove a refused call changed
nothing."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from motcua.accounts.models import User
from motcua.dossiers import services
from motcua.dossiers.choices import Channel
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.world import World


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(dossier: Dossier | str, action: str | None = None) -> str:
    code = dossier if isinstance(dossier, str) else dossier.code
    return f"/api/dossiers/{code}/" + (f"{action}/" if action else "")


def post(
    user: User | None,
    dossier: Dossier,
    action: str,
    body: dict[str, Any] | None = None,
    **headers: str,
) -> Any:
    return client_for(user).post(
        url(dossier, action), body or {}, format="json", headers=headers
    )


def snapshot(dossier: Dossier) -> tuple[Any, ...]:
    """What a refused call must leave as it was."""
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.status,
        fresh.lock_version,
        fresh.due_at,
        fresh.assignee_id,
        DossierEvent.objects.filter(dossier=fresh).count(),
    )


# ------------------------------------------------------------------ states, now


def submitted(world: World) -> Dossier:
    return services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
    )


def intake_supplement(world: World) -> Dossier:
    """An online dossier the counter returned: its proof of identity is illegible."""
    return services.request_intake_supplement(
        dossier=submitted(world),
        missing=["Giấy tờ chứng minh"],
        actor=world.counter,
    )


def received(world: World) -> Dossier:
    return services.receive_dossier(intake=world.intake(), actor=world.counter)


def processing(world: World) -> Dossier:
    return services.transfer_dossier(dossier=received(world), actor=world.counter)


def inter_agency(world: World) -> Dossier:
    return services.hand_over_dossier(
        dossier=processing(world), to_agency=world.department, actor=world.specialist
    )


def supplement_requested(world: World) -> Dossier:
    return services.request_supplement(
        dossier=processing(world),
        missing=["Bản sao sổ hộ khẩu"],
        actor=world.specialist,
    )


def financial_obligation(world: World) -> Dossier:
    return services.request_financial_obligation(
        dossier=processing(world), amount=30_000, actor=world.specialist
    )


def awaiting_approval(world: World) -> Dossier:
    return services.submit_for_approval(
        dossier=processing(world), actor=world.specialist
    )


def approved(world: World) -> Dossier:
    return services.approve_dossier(
        dossier=awaiting_approval(world), actor=world.leader
    )


def resolved(world: World) -> Dossier:
    return services.issue_result(
        dossier=approved(world),
        results=["Giấy xác nhận tình trạng hôn nhân"],
        actor=world.leader,
    )
