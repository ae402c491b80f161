"""Supervision (issue 10 §6) through Django's test client: the counts per unit worked by
hand from dossiers received at chosen moments of March 2026 (no public holiday; office
hours 07:00–11:30 and 13:30–17:00, 8 working hours a day; the world's procedure takes 3
working days; the rules of NĐ 118/2025 as seeded: due soon within 8 working hours, the
apology at least 1 working day before the appointment, online answered within 8 working
hours), who may see them, and the queries of each list."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import OfficerFactory, RoleAssignmentFactory
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers import services
from motcua.dossiers.choices import Channel
from motcua.dossiers.tests.world import World, at, build_world
from motcua.office.supervision import SupervisionMixin

pytestmark = pytest.mark.django_db

SUMMARY = "/can-bo/giam-sat/"
#: the moment every page here judges at: Friday 6/3/2026 10:00
NOW = at(6, 10)


@pytest.fixture(autouse=True)
def judged_at_now(monkeypatch):
    monkeypatch.setattr(SupervisionMixin, "clock", staticmethod(lambda: NOW))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def officer(username: str, role: Role, agency) -> object:
    user = OfficerFactory.create(username=username)
    RoleAssignmentFactory.create(
        user=user, agency=agency, role=role, valid_from=dt.date(2025, 7, 1)
    )
    return user


def receive(world: World, when: dt.datetime, name: str, *, agency=None):
    intake = world.intake(name=name)
    if agency is not None:
        intake = dataclasses.replace(intake, handling_agency=agency)
    return services.receive_dossier(intake=intake, actor=world.counter, at=when)


def paused(world: World, received: dt.datetime, paused_at: dt.datetime, name: str):
    dossier = receive(world, received, name)
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=received + dt.timedelta(minutes=5)
    )
    return services.request_supplement(
        dossier=dossier,
        missing=["Giấy tờ chứng minh"],
        actor=world.specialist,
        at=paused_at,
    )


def online(world: World, when: dt.datetime, name: str):
    return services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, name=name, account=world.citizen),
        actor=world.citizen,
        at=when,
    )


@pytest.fixture
def province():
    """The dossiers of the commune and one of the department, judged at Fri 6/3 10:00."""
    world = build_world()
    d = {
        # received Mon 2/3 09:00 → due Thu 5/3 09:00: past, overdue
        "overdue": receive(world, at(2, 9), "Quá Hạn"),
        # received Tue 3/3 14:00 → due Fri 6/3 14:00: 1,5 h + 0,5 h = 2 h left ≤ 8: due soon
        "due_soon": receive(world, at(3, 14), "Sắp Đến Hạn"),
        # received Wed 4/3 14:00 → due Mon 9/3 14:00: Fri 1,5 + 3,5, Mon 4,5 + 0,5 = 10 h
        # left: more than the 8 h of due soon, within [8 h, 16 h]: the last day to apologise
        "apology": receive(world, at(4, 14), "Xin Lỗi"),
        # received Fri 6/3 08:00 → due Wed 11/3 08:00: 22 h left, nothing to watch
        "in_time": receive(world, at(6, 8), "Trong Hạn"),
        # received Mon 2/3 10:00 (due Thu 5/3 10:00), paused Tue 3/3 10:00, in time: its
        # clock stopped before the appointment, so it is not overdue while it waits
        "paused_in_time": paused(world, at(2, 10), at(3, 10), "Tạm Dừng Trong Hạn"),
        # received Mon 2/3 09:30 (due Thu 5/3 09:30), paused Thu 5/3 15:00: late already
        "paused_late": paused(world, at(2, 9, 30), at(5, 15), "Tạm Dừng Quá Hạn"),
        # submitted online Thu 5/3 08:00: 3,5 + 3,5 + 1 h → answer due Fri 6/3 08:00, past
        "unanswered": online(world, at(5, 8), "Chưa Trả Lời"),
        # submitted online Fri 6/3 08:00: answer due Mon 9/3 08:00, not yet
        "online_fresh": online(world, at(6, 8), "Mới Nộp"),
        # the department's: received Mon 2/3 09:00 → due Thu 5/3 09:00, overdue
        "department": receive(world, at(2, 9), "Sở Tư Pháp", agency=world.department),
    }
    # closed ones are in no list: received Mon 2/3 09:00 (past due), then withdrawn
    withdrawn = receive(world, at(2, 9), "Đã Rút")
    services.withdraw_dossier(dossier=withdrawn, actor=world.counter, at=at(3, 9))
    d["withdrawn"] = withdrawn
    # an online dossier past its window that was then accepted is answered
    answered = online(world, at(5, 8), "Đã Trả Lời")
    services.receive_dossier(dossier=answered, actor=world.counter, at=at(6, 9))
    d["answered"] = answered
    return world, d


def summary_lines(page) -> dict[str, tuple[int, int, int, int]]:
    return {
        line.unit.identifier: (
            line.overdue,
            line.due_soon,
            line.apology,
            line.unanswered,
        )
        for line, _counts in page.context["lines"]
    }


def codes_in(html: str) -> list[str]:
    return re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', html)


def test_the_supervisor_sees_every_unit_counted_by_hand(province):
    world, d = province
    supervisor = officer("giamsat", Role.PROVINCIAL_SUPERVISOR, world.department)
    page = signed_in(supervisor).get(SUMMARY)
    assert page.status_code == 200
    # commune: overdue = the overdue one and the one paused after its appointment; due
    # soon 1; apology 1; online unanswered 1. Department: its overdue one.
    assert summary_lines(page) == {
        world.commune.identifier: (2, 1, 1, 1),
        world.department.identifier: (1, 0, 0, 0),
    }
    assert [count for _k, _l, count in page.context["totals"]] == [3, 1, 1, 1]
    html = page.content.decode()
    assert f'href="/can-bo/giam-sat/qua-han/?don-vi={world.commune.identifier}"' in html
    assert 'href="/can-bo/giam-sat/can-xin-loi/"' in html  # the total's link


def test_each_count_links_to_its_dossiers_soonest_due_first(province):
    world, d = province
    client = signed_in(world.leader)
    unit = {"don-vi": world.commune.identifier}

    def listed(kind: str) -> list[str]:
        page = client.get(f"{SUMMARY}{kind}/", unit)
        assert page.status_code == 200
        return codes_in(page.content.decode())

    # due Thu 5/3 09:00, then 09:30
    assert listed("qua-han") == [d["overdue"].code, d["paused_late"].code]
    assert listed("sap-den-han") == [d["due_soon"].code]
    assert listed("can-xin-loi") == [d["apology"].code]
    # not received yet: no code, linked by the dossier's own code
    assert listed("truc-tuyen-chua-tra-loi") == [d["unanswered"].code]
    answer = client.get(f"{SUMMARY}truc-tuyen-chua-tra-loi/", unit)
    assert "06/03/2026 08:00" in answer.content.decode()  # when the answer was due


def test_a_leader_sees_their_agency_and_a_leader_elsewhere_sees_none_of_it(province):
    world, d = province
    page = signed_in(world.leader).get(SUMMARY)
    assert summary_lines(page) == {world.commune.identifier: (2, 1, 1, 1)}

    other = officer("lanhdao.so", Role.LEADER, world.tax_office)
    page = signed_in(other).get(SUMMARY)
    assert summary_lines(page) == {world.tax_office.identifier: (0, 0, 0, 0)}
    client = signed_in(other)
    for kind in ("qua-han", "sap-den-han", "can-xin-loi", "truc-tuyen-chua-tra-loi"):
        answer = client.get(f"{SUMMARY}{kind}/")
        assert answer.status_code == 200
        assert codes_in(answer.content.decode()) == []
        # the commune is not theirs: as if it did not exist
        assert (
            client.get(
                f"{SUMMARY}{kind}/", {"don-vi": world.commune.identifier}
            ).status_code
            == 404
        )


def test_the_department_leader_sees_only_the_department(province):
    world, d = province
    leader = officer("lanhdao.tuphap", Role.LEADER, world.department)
    page = signed_in(leader).get(f"{SUMMARY}qua-han/")
    assert codes_in(page.content.decode()) == [d["department"].code]


def test_anyone_else_gets_404(province):
    world, _d = province
    assert signed_in(world.specialist).get(SUMMARY).status_code == 404
    assert signed_in(world.counter).get(f"{SUMMARY}qua-han/").status_code == 404
    # a citizen is refused the workspace as everywhere; nobody signed in goes to log in
    assert signed_in(world.citizen).get(SUMMARY).status_code == 403
    assert Client().get(SUMMARY).status_code == 302
    # a list that does not exist
    assert signed_in(world.leader).get(f"{SUMMARY}khong-co/").status_code == 404


def test_the_lists_change_with_the_moment_judged(province, monkeypatch):
    world, d = province
    client = signed_in(world.leader)
    # Fri 6/3 14:01: the due-soon one (due 14:00) is overdue now; the apology one (due
    # Mon 9/3 14:00) has 2 h 59 + 4,5 h + 0,5 h = 7 h 59 left: due soon, and below the
    # lead of one working day (8 h), too late to apologise
    monkeypatch.setattr(SupervisionMixin, "clock", staticmethod(lambda: at(6, 14, 1)))
    assert codes_in(client.get(f"{SUMMARY}qua-han/").content.decode()) == [
        d["overdue"].code,
        d["paused_late"].code,
        d["due_soon"].code,
    ]
    assert codes_in(client.get(f"{SUMMARY}sap-den-han/").content.decode()) == [
        d["apology"].code
    ]
    assert codes_in(client.get(f"{SUMMARY}can-xin-loi/").content.decode()) == []


def test_an_apology_made_takes_the_dossier_off_the_apology_list(province):
    world, d = province
    services.apologise(
        dossier=d["apology"],
        new_due_at=at(13, 9),
        reason="Chờ xác minh",
        actor=world.leader,
        at=at(6, 9),
    )
    page = signed_in(world.leader).get(SUMMARY)
    # re-set once, as often as the rules allow: not listed again (due Fri 13/3: in time)
    assert summary_lines(page) == {world.commune.identifier: (2, 1, 0, 1)}


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize(
    "kind", ["qua-han", "sap-den-han", "can-xin-loi", "truc-tuyen-chua-tra-loi"]
)
def test_each_list_costs_the_same_queries_however_many_rows(kind, count):
    world = build_world()
    for n in range(count):
        minute = dt.timedelta(minutes=n)
        if kind == "qua-han":
            receive(world, at(2, 9) + minute, f"Người {n}")
        elif kind == "sap-den-han":
            receive(world, at(3, 14) + minute, f"Người {n}")
        elif kind == "can-xin-loi":
            receive(world, at(4, 14) + minute, f"Người {n}")
        else:
            online(world, at(5, 8) + minute, f"Người {n}")
    client = signed_in(world.leader)
    assert client.get(f"{SUMMARY}{kind}/").status_code == 200  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{SUMMARY}{kind}/")
    assert len(codes_in(page.content.decode())) == count
    # the session, its user, the leader's roles (supervision and visibility: read once
    # for the page), then the list: a count and a page for the three the database judges
    # (and for the unanswered, the pairs of agency and rules the waiting ones hold), one
    # read for the apologies
    expected = {"can-xin-loi": 4, "truc-tuyen-chua-tra-loi": 6}.get(kind, 5)
    assert len(queries) == expected, [q["sql"] for q in queries]


@pytest.mark.parametrize("count", [1, 6])
def test_the_summary_costs_the_same_queries_however_many_units(count):
    world = build_world()
    supervisor = officer("giamsat", Role.PROVINCIAL_SUPERVISOR, world.department)
    units = [
        AgencyFactory.create(
            identifier=f"000.00.{60 + n}.H15", parent=world.commune.parent
        )
        for n in range(count)
    ]
    for n, unit in enumerate(units):
        receive(world, at(2, 9) + dt.timedelta(minutes=n), f"Người {n}", agency=unit)
    client = signed_in(supervisor)
    assert client.get(SUMMARY).status_code == 200  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(SUMMARY)
    assert summary_lines(page) == {unit.identifier: (1, 0, 0, 0) for unit in units}
    # the session, its user, the roles (read once for the page), the agencies' keys,
    # the pairs of agency and rules of the online dossiers waiting, the grouped counts
    # (overdue, due soon and unanswered online), the apology candidates
    assert len(queries) == 7, [q["sql"] for q in queries]


def test_the_lists_are_paginated(province):
    world, _d = province
    for n in range(25):
        receive(world, at(2, 9) + dt.timedelta(minutes=n + 1), f"Người {n}")
    client = signed_in(world.leader)
    first = client.get(f"{SUMMARY}qua-han/")
    assert first.context["total"] == 27
    assert len(codes_in(first.content.decode())) == 25
    second = client.get(f"{SUMMARY}qua-han/", {"page": 2})
    assert len(codes_in(second.content.decode())) == 2


def test_the_dashboard_is_linked_once_it_is_routed(province, settings):
    world, _d = province
    client = signed_in(world.leader)
    settings.ROOT_URLCONF = "motcua.office.tests.urls_without_dashboard"
    assert client.get(SUMMARY).context["dashboard_url"] == ""
    settings.ROOT_URLCONF = "motcua.office.tests.urls_with_dashboard"
    page = client.get(SUMMARY)
    assert page.context["dashboard_url"] == "/chi-so-766/"
    assert 'href="/chi-so-766/"' in page.content.decode()
