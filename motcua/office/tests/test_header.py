"""The officers' header (``office.context_processors.header``): each way shown to those
it is open to, on every page, and to nobody else."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import RoleAssignment
from motcua.dossiers import services
from motcua.dossiers.tests.world import build_world

pytestmark = pytest.mark.django_db

COUNTER = "/can-bo/quay/"
SUPERVISION = "/can-bo/giam-sat/"
DASHBOARD = "/can-bo/chi-so-766/"
#: the header's ways that depend on who reads it
WAYS = {COUNTER, SUPERVISION, DASHBOARD}


def _header_ways(client: Client, url: str) -> set[str]:
    answer = client.get(url)
    assert answer.status_code == 200, url
    header = re.search(r"<header.*?</header>", answer.content.decode(), re.S)
    assert header is not None
    return set(re.findall(r'href="([^"]+)"', header.group(0))) & WAYS


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_way_in_the_header_is_shown_to_those_it_is_open_to_on_every_page():
    world = build_world()
    dossier = services.receive_dossier(intake=world.intake(), actor=world.counter)
    # the counter officer: the counter, not supervision
    assert _header_ways(_client(world.counter), "/can-bo/") == {COUNTER}
    # a specialist: neither (the counter answers them 403, supervision 404)
    assert _header_ways(_client(world.specialist), "/can-bo/") == set()
    # a leader: supervision and the 766 dashboard, on each of their pages, the
    # dashboard's and the approval queue's included (not only where a view adds it)
    leader = _client(world.leader)
    pages = ("/can-bo/", f"/can-bo/ho-so/{dossier.code}/", "/can-bo/phe-duyet/")
    for url in (*pages, SUPERVISION, DASHBOARD):
        assert _header_ways(leader, url) == {SUPERVISION, DASHBOARD}, url


def _roles_read(client: Client, url: str) -> int:
    table = RoleAssignment._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return sum(table in query["sql"] for query in queries.captured_queries)


def test_the_header_reads_the_roles_once_for_both_its_answers():
    world = build_world()
    leader = _client(world.leader)
    # a page that reads them (the queue, in roles_read_once): the header reads nothing
    assert _roles_read(leader, "/can-bo/") == 1
    # an error page, which read none: the header reads them once for the counter's way
    # and supervision's
    assert _roles_read(leader, "/can-bo/khong-co-trang-nay/") == 1
