"""The workflow's rows are the one statement of who may do what, and what it does.

Every expected answer here is read off the row under test (``workflow.RULES``), so that a
row added or changed is tested without editing this file; docs/workflow.md is generated
from the rows and must match them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import OfficerFactory, RoleAssignmentFactory
from motcua.dossiers import services
from motcua.dossiers.choices import Channel
from motcua.dossiers.errors import NotAllowed
from motcua.dossiers.permissions import SYSTEM, may_act
from motcua.dossiers.tests.world import at, build_world
from motcua.dossiers.workflow import (
    INTERNAL_ACTIONS,
    RULES,
    Action,
    Place,
    render_markdown,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "workflow.md"


def test_docs_workflow_is_generated_from_the_rows():
    assert DOCS.read_text(encoding="utf-8") == render_markdown() + "\n", (
        "docs/workflow.md is stale: run `motcua workflow --write docs/workflow.md`"
    )


def test_the_command_prints_the_same_text(capsys):
    call_command("workflow")
    assert capsys.readouterr().out == render_markdown() + "\n"


def test_every_action_has_exactly_one_row_but_the_import():
    assert set(RULES) == set(Action) - {Action.IMPORT}
    assert all(rule.action == action for action, rule in RULES.items())
    assert all(rule.basis for rule in RULES.values())


def test_internal_actions_are_those_the_rows_mark_and_never_a_reason_to_read():
    """Reasons the applicant must read are never internal (NĐ 61/2018 Điều 15, 17)."""
    assert {a for a, r in RULES.items() if r.internal} == INTERNAL_ACTIONS
    for must_read in (
        Action.REQUEST_SUPPLEMENT,
        Action.REQUEST_INTAKE_SUPPLEMENT,
        Action.REFUSE,
        Action.STOP,
        Action.APOLOGISE,
    ):
        assert must_read not in INTERNAL_ACTIONS


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def handed_over(world):
    """A dossier whose current step is held by the department (a co-ordinating agency):
    received by the centre, handled by the commune."""
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 9)
    )
    return services.hand_over_dossier(
        dossier=dossier,
        to_agency=world.department,
        actor=world.specialist,
        at=at(2, 10),
    )


@pytest.mark.parametrize("action", list(RULES), ids=str)
def test_who_may_act_is_what_the_row_says(world, handed_over, action):
    """For each role and each place, an officer holding only that role there may take the
    action exactly when the row names both; the applicant and the system exactly when the
    row names them."""
    rule = RULES[action]
    agencies = {
        Place.RECEIVING: world.centre,
        Place.HANDLING: world.commune,
        Place.CURRENT_STEP: world.department,
    }
    moment = at(3, 9)
    for place, agency in agencies.items():
        for role in Role:
            officer = OfficerFactory.create()
            RoleAssignmentFactory.create(
                user=officer, agency=agency, role=role, valid_from=dt.date(2025, 7, 1)
            )
            expected = role in rule.roles and place in rule.places
            assert may_act(officer, action, handed_over, at=moment) is expected, (
                action,
                role,
                place,
            )
    handed_over.applicant = world.citizen
    assert may_act(world.citizen, action, handed_over, at=moment) is (
        Place.APPLICANT in rule.places
    )
    assert may_act(SYSTEM, action, handed_over, at=moment) is (
        Place.SYSTEM in rule.places
    )


def test_a_role_is_checked_on_the_day_of_the_act(world):
    """A role that ended on 2/3 lets its holder act on 2/3 and not on 3/3 (the day of the
    act, not the day the code runs)."""
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )
    leaving = OfficerFactory.create()
    RoleAssignmentFactory.create(
        user=leaving,
        agency=world.centre,
        role=Role.COUNTER_OFFICER,
        valid_from=dt.date(2025, 7, 1),
        valid_to=dt.date(2026, 3, 2),
    )
    assert may_act(leaving, Action.TRANSFER, dossier, at=at(2, 16))
    assert not may_act(leaving, Action.TRANSFER, dossier, at=at(3, 8))


def test_the_system_may_not_stand_in_for_a_person(world):
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )
    with pytest.raises(NotAllowed):
        services.transfer_dossier(dossier=dossier, actor=SYSTEM, at=at(2, 9))


def test_no_event_is_ever_updated_or_deleted(world):
    """The legal history is append-only: across a whole life, from intake to the result
    returned (results included: their codes are known before their event is written), no
    statement updates or deletes an event."""
    with CaptureQueriesContext(connection) as queries:
        dossier = services.submit_online(
            intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
            actor=world.citizen,
            at=at(2, 7),
        )
        dossier = services.receive_dossier(
            dossier=dossier, actor=world.counter, at=at(2, 8)
        )
        dossier = services.transfer_dossier(
            dossier=dossier, actor=world.counter, at=at(2, 9)
        )
        dossier = services.request_supplement(
            dossier=dossier, missing=["Bản sao"], actor=world.specialist, at=at(2, 10)
        )
        dossier = services.receive_supplement(
            dossier=dossier, actor=world.specialist, at=at(3, 10)
        )
        dossier = services.submit_for_approval(
            dossier=dossier, actor=world.specialist, at=at(3, 11)
        )
        dossier = services.approve_dossier(
            dossier=dossier, actor=world.leader, at=at(3, 14)
        )
        dossier = services.issue_result(
            dossier=dossier, results=["Giấy xác nhận"], actor=world.leader, at=at(3, 15)
        )
        dossier = services.return_result(
            dossier=dossier, receiver="Nguyễn Thị Ánh", actor=world.counter, at=at(4, 8)
        )
    table = re.escape('"dossiers_dossierevent"')
    touching = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(rf"\s*(UPDATE|DELETE FROM)\s+{table}", q["sql"])
    ]
    assert touching == []
    issued = dossier.events.get(action=Action.ISSUE_RESULT)
    assert issued.payload == {"results": [f"{dossier.code}-KQ(1)"]}
    assert [r.code for r in dossier.results.all()] == [f"{dossier.code}-KQ(1)"]
