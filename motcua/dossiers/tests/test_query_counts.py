"""Query-count guards on every transition: what each one costs, stated, so that a change
that reads the dossier again or walks its rows one by one fails here.

Measured through the API with warm reference caches (a GET of the dossier first), inside
the test's transaction (so the service's transaction is a SAVEPOINT and its RELEASE).
Every transition costs at least:

- the dossier by its code (1) and the user's roles to see it (1);
- the roles again to act, on the day of the act (1);
- SAVEPOINT and RELEASE of the service's transaction (2);
- the conditional UPDATE of the dossier (1), the last event's number (1), the event's
  INSERT (1) and the dossier's mark for the 766 index's maintained figures (1,
  ``indices.live.mark``);
- the answer: the dossier's papers, steps, results and events (4).

An action that moves the process (``Steps.ADVANCE``, ``HAND_OVER``, ``FINISH_ALL``) reads
the open steps and writes them back in one statement each (2). The rest is the action's
own work, listed in ``OWN``.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.test_api_transitions import CASES
from motcua.dossiers.tests.world import build_world
from motcua.dossiers.workflow import RULES, Steps

pytestmark = pytest.mark.django_db

BASE = 13
MOVES_STEPS = {Steps.ADVANCE: 2, Steps.HAND_OVER: 2, Steps.FINISH_ALL: 2}
#: what an action does beyond the common path, statement by statement
OWN = {
    # its papers, the version's required papers and process, the new steps' INSERT
    "receive": 4,
    # the applicant needs no roles (-2); the version's papers and the new papers' INSERT
    "resubmit": 0,
    # the assignee by username, and whether they are a specialist on the day
    "assign": 2,
    # the agency handed to by identifier, and its row for the answer's new step
    "hand-over": 2,
    # the results so far (their numbering) and the new results' INSERT
    "issue-result": 2,
}


@pytest.mark.parametrize(
    ("endpoint", "state", "persona", "body", "expected"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_each_transition_costs_what_it_states(endpoint, state, persona, body, expected):
    world = build_world()
    dossier = state(world)
    client = s.client_for(getattr(world, persona))
    assert client.get(s.url(dossier)).status_code == 200  # warm the caches
    rule = RULES[endpoint.replace("-", "_")]

    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            s.url(dossier, endpoint), body(world, dossier), format="json"
        )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == expected
    stated = BASE + MOVES_STEPS.get(rule.steps, 0) + OWN.get(endpoint, 0)
    assert len(queries) == stated, [q["sql"][:80] for q in queries.captured_queries]


#: A counter intake (warm caches, inside the test's transaction): SAVEPOINT and RELEASE
#: (2), the officer's roles (1), the day's code counter (1), the dossier, its papers and
#: its event (3) and the event's mark for the 766 index (1), and the answer's four child
#: reads (4); a received dossier also writes its steps (1).
INTAKE = {"receive": 13, "request_supplement": 12, "refuse": 12}


@pytest.mark.parametrize("decision", list(INTAKE))
def test_a_counter_intake_costs_what_it_states(decision):
    from motcua.dossiers.tests.test_api_intake import _intake

    world = build_world()
    client = s.client_for(world.counter)
    extras: dict[str, dict[str, object]] = {
        "request_supplement": {"missing": ["Giấy tờ chứng minh"]},
        "refuse": {"reasons": "Không thuộc thẩm quyền"},
    }
    extra = extras.get(decision, {})
    body = _intake(world, decision=decision, **extra)
    assert client.post("/api/dossiers/", body, format="json").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        answer = client.post("/api/dossiers/", body, format="json")
    assert answer.status_code == 201, answer.json()
    assert len(queries) == INTAKE[decision], [
        q["sql"][:80] for q in queries.captured_queries
    ]
