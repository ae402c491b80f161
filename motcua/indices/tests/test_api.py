"""``GET /api/index/``: the figures of ``compute_index`` (and so of ``motcua index --json``),
for whom, and the refusals.

The world is ``test_index``'s: the six March dossiers of the commune (2.1: 3 of 6 on time,
10.00 points; total 34.00, weak), built through the services.
"""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from motcua.accounts.choices import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.accounts.tests.factories import (
    OfficerFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.world import World
from motcua.indices import periods
from motcua.indices.models import IndicatorDefinition
from motcua.indices.periods import as_json
from motcua.indices.selectors import compute_index, rank_among_siblings
from motcua.indices.tests.test_index import MARCH, _add

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"  # the factories' password
URL = "/api/index/"


def _client(user: User | None) -> APIClient:
    client = APIClient()
    # the messages in English, whatever the translations (core.middleware)
    client.cookies["django_language"] = "en"
    if user is not None:
        token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
        client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def _officer(username: str, role: Role, agency) -> User:
    user = OfficerFactory.create(username=username)
    RoleAssignmentFactory.create(
        user=user, agency=agency, role=role, valid_from=dt.date(2025, 7, 1)
    )
    return user


def _supervisor(world: World) -> User:
    return _officer("vanphong", Role.PROVINCIAL_SUPERVISOR, world.commune.parent)


def _get(user: User | None, **query: str):
    return _client(user).get(URL, query)


# ------------------------------------------------------------------ the figures


def test_the_figures_are_compute_index_s(march):
    answer = _get(
        _supervisor(march),
        unit=march.commune.identifier,
        period="2026-03",
        rank="true",
    )
    assert answer.status_code == 200
    report = compute_index(
        unit=march.commune, subtree=False, start=MARCH[0], end=MARCH[1]
    )
    expected = as_json(report, rank=rank_among_siblings(report))
    assert answer.json() == expected
    # the commune is the only commune of its province: first of one
    assert answer.json()["rank"] == {"rank": 1, "of": 1}
    # worked by hand in test_index: A, C, F on time of six
    assert answer.json()["indicators"]["2.1"] == {
        "group": 2,
        "numerator": 3,
        "denominator": 6,
        "ratio": 50.0,
        "points": 10.0,
        "max_points": 20.0,
        "value": None,
        "no_data": False,
    }
    # total worked by hand in test_index: 37.33
    assert (answer.json()["total"], answer.json()["band"]) == (37.33, "weak")


def test_a_range_a_quarter_and_a_subtree(march):
    supervisor = _supervisor(march)
    month = _get(supervisor, unit=march.commune.identifier, period="2026-03").json()
    ranged = _get(
        supervisor,
        unit=march.commune.identifier,
        **{"from": "01/03/2026", "to": "31/03/2026"},
    ).json()
    assert ranged == month
    quarter = _get(supervisor, unit=march.commune.identifier, period="2026-Q1").json()
    assert (quarter["from"], quarter["to"]) == ("2026-01-01", "2026-03-31")
    assert quarter["indicators"]["2.1"] == month["indicators"]["2.1"]
    year = _get(supervisor, unit=march.commune.identifier, period="2026").json()
    assert (year["from"], year["to"]) == ("2026-01-01", "2026-12-31")
    province = march.commune.parent
    alone = _get(supervisor, unit=province.identifier, period="2026-03").json()
    assert alone["indicators"]["2.1"]["denominator"] == 0
    subtree = _get(
        supervisor, unit=province.identifier, period="2026-03", subtree="true"
    ).json()
    assert subtree["subtree"] is True
    assert subtree["indicators"]["2.1"]["denominator"] == 6
    report = compute_index(unit=province, subtree=True, start=MARCH[0], end=MARCH[1])
    # not ranked unless asked: ranking computes every sibling's index
    assert subtree == as_json(report, rank=None)
    assert subtree["rank"] is None


# ------------------------------------------------------------------ who may read


def test_the_supervisor_and_a_superuser_read_any_unit(world):
    superuser = UserFactory.create(username="quantri", is_superuser=True)
    for user in (_supervisor(world), superuser):
        for unit in (world.commune, world.department, world.commune.parent):
            answer = _get(user, unit=unit.identifier, period="2026-03", subtree="true")
            assert answer.status_code == 200, (user, unit)


def test_a_leader_reads_their_own_agency_alone_or_with_its_subtree(world):
    for subtree in ("false", "true"):
        answer = _get(
            world.leader,
            unit=world.commune.identifier,
            period="2026-03",
            subtree=subtree,
        )
        assert answer.status_code == 200


@pytest.mark.parametrize("subtree", ["false", "true"])
def test_a_leader_does_not_read_another_unit_nor_one_above_or_below(world, subtree):
    # the centre is below the commune; roles do not flow down the tree
    for unit in (world.department, world.commune.parent, world.centre):
        answer = _get(
            world.leader, unit=unit.identifier, period="2026-03", subtree=subtree
        )
        assert answer.status_code == 404, unit
        assert answer.json()["code"] == "not_found"


def test_a_leader_of_another_unit_specialists_and_citizens_get_404(world):
    other_leader = _officer("lanhdao.so", Role.LEADER, world.department)
    for user in (
        other_leader,
        world.specialist,
        world.counter,
        world.stranger,
        world.citizen,
    ):
        answer = _get(user, unit=world.commune.identifier, period="2026-03")
        assert answer.status_code == 404, user
        assert answer.json() == {
            "code": "not_found",
            "message": "Not found.",
            "details": {},
        }
    assert (
        _get(
            other_leader, unit=world.department.identifier, period="2026-03"
        ).status_code
        == 200
    )


def test_a_role_that_ended_reads_nothing(world):
    former = _officer("lanhdao.cu", Role.LEADER, world.commune)
    RoleAssignment.objects.filter(user=former).update(valid_to=dt.date(2025, 12, 31))
    assert (
        _get(former, unit=world.commune.identifier, period="2026-03").status_code == 404
    )


def test_anonymous_gets_401(world):
    answer = _get(None, unit=world.commune.identifier, period="2026-03")
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"
    assert answer["WWW-Authenticate"].startswith("Basic")


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"period": "2026-03"}, "unit"),
        ({"unit": "000.00.99.H99", "period": "2026-03"}, "unit"),
        ({"unit": "000.00.51.H15", "period": "2026-13"}, "period"),
        ({"unit": "000.00.51.H15", "period": "2026-Q5"}, "period"),
        ({"unit": "000.00.51.H15", "period": "March"}, "period"),
        ({"unit": "000.00.51.H15", "period": "1900"}, "period"),
        ({"unit": "000.00.51.H15"}, "period"),
        ({"unit": "000.00.51.H15", "from": "01/03/2026"}, "period"),
        ({"unit": "000.00.51.H15", "period": "2026", "from": "01/03/2026"}, "period"),
        ({"unit": "000.00.51.H15", "period": "2026", "to": "31/03/2026"}, "period"),
        ({"unit": "000.00.51.H15", "from": "2026-03-01", "to": "31/03/2026"}, "from"),
        ({"unit": "000.00.51.H15", "from": "01/03/2026", "to": "31/02/2026"}, "to"),
        ({"unit": "000.00.51.H15", "from": "31/03/2026", "to": "01/03/2026"}, "to"),
        (
            {"unit": "000.00.51.H15", "period": "2026-03", "subtree": "perhaps"},
            "subtree",
        ),
        ({"unit": "000.00.51.H15", "period": "2026-03", "unit_id": "1"}, "unit_id"),
        ({"unit": "000.00.51.H15", "period": "2026-03-01-2026-03-31"}, "period"),
        ({"unit": "000.00.51.H15", "period": "2099-Q1"}, "period"),
        ({"unit": "000.00.51.H15", "from": "01/01/2099", "to": "31/01/2099"}, "from"),
    ],
)
def test_bad_input_is_400_naming_the_parameter(world, query, named):
    answer = _get(_supervisor(world), **query)
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert list(body["details"]) == [named]
    assert body["details"][named][0]


def test_the_refusal_says_why(world):
    supervisor = _supervisor(world)
    body = _get(supervisor, unit="000.00.99.H99", period="2026-03").json()
    assert body["details"] == {
        "unit": ["no agency has the identifier '000.00.99.H99'."]
    }
    body = _get(
        supervisor,
        unit=world.commune.identifier,
        **{"from": "31/03/2026", "to": "01/03/2026"},
    ).json()
    assert body["details"] == {"to": ["01/03/2026 is before from 31/03/2026."]}
    body = _get(supervisor, unit=world.commune.identifier, period="2099").json()
    assert body["details"] == {
        "period": [
            "the period has not begun: it starts on 01/01/2099, after today "
            f"{periods.today():%d/%m/%Y}."
        ]
    }
    # the period under way is read
    this_year = str(periods.today().year)
    answer = _get(supervisor, unit=world.commune.identifier, period=this_year)
    assert answer.status_code == 200


def test_definitions_that_do_not_add_up_are_400_naming_them(world):
    IndicatorDefinition.objects.filter(indicator="2.1").update(max_points=19)
    answer = _get(_supervisor(world), unit=world.commune.identifier, period="2026-03")
    assert answer.status_code == 400
    assert list(answer.json()["details"]) == ["definitions"]
    assert "but the group declares 20." in answer.json()["details"]["definitions"][0]


def test_a_unit_one_may_not_read_is_404_even_for_a_valid_query_only(world):
    # an unknown unit is bad input for anyone; a known one not theirs is not found
    assert (
        _get(world.specialist, unit="000.00.99.H99", period="2026-03").status_code
        == 400
    )
    assert (
        _get(
            world.specialist, unit=world.commune.identifier, period="2026-03"
        ).status_code
        == 404
    )


# ------------------------------------------------------------------ cost


def _queries(world: World, user: User, expected: int) -> int:
    client = _client(user)
    province = world.commune.parent
    assert province is not None
    query = {
        "unit": province.identifier,
        "period": "2026-03",
        "subtree": "true",
    }
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(URL, query)
    assert answer.json()["indicators"]["2.1"]["denominator"] == expected
    return len(queries)


def test_the_answer_costs_the_same_queries_for_2_and_for_10_dossiers(world):
    supervisor = _supervisor(world)
    # the working-day calendar and the roles are kept by the process: read once first
    _queries(world, supervisor, 0)
    _add(world, 2)
    two = _queries(world, supervisor, 2)
    _add(world, 8, offset=2)
    assert _queries(world, supervisor, 10) == two


# ------------------------------------------------------------------ explain, opportunities

EXPLAIN = "/api/index/explain/"
OPPORTUNITIES = "/api/index/opportunities/"


def test_explain_lists_the_dossiers_behind_2_1_page_by_page(march):
    supervisor = _supervisor(march)
    with translation.override("en"):
        answer = _client(supervisor).get(
            EXPLAIN,
            {
                "unit": march.commune.identifier,
                "period": "2026-03",
                "indicator": "2.1",
                "page_size": "4",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert answer.status_code == 200
    body = answer.json()
    # six dossiers (test_index): B, D, E late first, then A, C, F
    assert body["count"] == 6
    assert [item["in_numerator"] for item in body["results"]] == [
        False,
        False,
        False,
        True,
    ]
    assert body["results"][1]["reason"] == "late: second supplement request"
    assert body["next"] is not None
    second = _client(supervisor).get(
        EXPLAIN,
        {
            "unit": march.commune.identifier,
            "period": "2026-03",
            "indicator": "2.1",
            "page_size": "4",
            "page": "2",
        },
    )
    assert [item["in_numerator"] for item in second.json()["results"]] == [True, True]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"indicator": "9.9"}, "indicator"),
        ({"indicator": "2"}, "indicator"),
        ({}, "indicator"),
        ({"indicator": "2.1", "procedure": "9.999999"}, "procedure"),
        ({"indicator": "2.1", "officer": "khong.co"}, "officer"),
        ({"indicator": "2.1", "page_size": "0"}, "page_size"),
        ({"indicator": "2.1", "period": "2026-13"}, "period"),
        ({"indicator": "2.1", "colour": "red"}, "colour"),
    ],
)
def test_explain_refuses_bad_input_naming_it(world, query, named):
    full_query = {"unit": world.commune.identifier, "period": "2026-03", **query}
    answer = _client(_supervisor(world)).get(EXPLAIN, full_query)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert named in answer.json()["details"]


def test_explain_refuses_a_cut_with_more_items_than_it_judges(march, settings):
    """Six dossiers in March: listed under a limit of six; under five, 422 with the
    limit in the details. 5.2 counts its petitions (none here), not the dossiers, against it."""
    client = _client(_supervisor(march))
    query = {"unit": march.commune.identifier, "period": "2026-03", "indicator": "2.1"}
    settings.INDEX_EXPLAIN_LIMIT = 6
    assert client.get(EXPLAIN, query).json()["count"] == 6
    settings.INDEX_EXPLAIN_LIMIT = 5
    answer = client.get(EXPLAIN, query)
    assert answer.status_code == 422
    assert answer.json()["code"] == "too_many_to_explain"
    assert answer.json()["details"] == {"limit": 5}
    settings.INDEX_EXPLAIN_LIMIT = 0
    petitions = client.get(EXPLAIN, {**query, "indicator": "5.2"})
    assert petitions.status_code == 200
    assert petitions.json()["count"] == 0


def test_explain_bounds_the_procedure_indicators_read_from_dossiers(march, settings):
    """3.4 lists procedures, but which had a fee paid online is read from the cut's
    dossiers: six in March, refused under a limit of five."""
    settings.INDEX_EXPLAIN_LIMIT = 5
    answer = _client(_supervisor(march)).get(
        EXPLAIN,
        {"unit": march.commune.identifier, "period": "2026-03", "indicator": "3.4"},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "too_many_to_explain"


def test_a_custom_range_over_more_dossiers_than_recomputed_is_422(march, settings):
    """2–31 March (all six dossiers, received on 2/3 and 31/3) is not a calendar
    bucket: recomputed, refused under a limit of five; the calendar month is read from
    the maintained figures whatever the limit."""
    client = _client(_supervisor(march))
    unit = march.commune.identifier
    ranged = {"unit": unit, "from": "02/03/2026", "to": "31/03/2026"}
    settings.INDEX_RECOMPUTE_LIMIT = 5
    refused = client.get(URL, ranged)
    assert refused.status_code == 422
    assert refused.json()["code"] == "too_many_to_recompute"
    assert refused.json()["details"] == {"limit": 5}
    month = client.get(URL, {"unit": unit, "period": "2026-03"})
    assert month.json()["indicators"]["2.1"]["denominator"] == 6
    # a cut by procedure is recomputed too
    cut = client.get(
        URL,
        {"unit": unit, "period": "2026-03", "procedure": march.version.procedure.code},
    )
    assert cut.status_code == 422
    settings.INDEX_RECOMPUTE_LIMIT = 6
    assert client.get(URL, ranged).json()["indicators"]["2.1"]["denominator"] == 6


def test_opportunities_judge_only_the_dossiers_still_open(march, settings):
    """At the end of March E and F are open (A–D finished): a limit of two is enough,
    one is not. E is late already; F, received online on 31/3, is the one to save."""
    client = _client(_supervisor(march))
    query = {"unit": march.commune.identifier, "period": "2026-03"}
    settings.INDEX_EXPLAIN_LIMIT = 2
    found = client.get(OPPORTUNITIES, query)
    assert found.status_code == 200
    f = Dossier.objects.filter(handling_agency=march.commune).latest("received_at")
    assert [item["code"] for item in found.json()["dossiers"]] == [f.code]
    settings.INDEX_EXPLAIN_LIMIT = 1
    refused = client.get(OPPORTUNITIES, query)
    assert refused.status_code == 422
    assert refused.json()["code"] == "too_many_to_explain"


def test_opportunities_default_to_now_and_are_404_for_another_unit(world):
    answer = _client(_supervisor(world)).get(
        OPPORTUNITIES, {"unit": world.commune.identifier}
    )
    assert answer.status_code == 200
    assert answer.json()["dossiers"] == []
    assert {gap["indicator"] for gap in answer.json()["gaps"]} >= {"2.1", "3.3"}
    assert (
        _client(world.specialist)
        .get(OPPORTUNITIES, {"unit": world.commune.identifier})
        .status_code
        == 404
    )


def test_explain_costs_the_same_queries_for_2_and_for_10_dossiers(world):
    client = _client(_supervisor(world))
    query = {"unit": world.commune.identifier, "period": "2026-03", "indicator": "2.1"}

    def cost(expected: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(EXPLAIN, query)
        assert answer.json()["count"] == expected
        return len(queries)

    _add(world, 2)
    cost(2)  # the calendar and the roles, read once by the process
    two = cost(2)
    _add(world, 8, offset=2)
    assert cost(10) == two


def test_the_index_is_cut_by_procedure_and_an_unknown_one_is_named(march):
    supervisor = _supervisor(march)
    code = march.version.procedure.code
    body = _get(
        supervisor, unit=march.commune.identifier, period="2026-03", procedure=code
    ).json()
    assert body["procedure"] == code
    assert body["indicators"]["2.1"]["denominator"] == 6
    refused = _get(
        supervisor,
        unit=march.commune.identifier,
        period="2026-03",
        procedure="9.999999",
    )
    assert refused.status_code == 400
    assert list(refused.json()["details"]) == ["procedure"]
