"""``Idempotency-Key`` on every create of the API: a retry with the same key and body gets
the first answer and creates nothing; the same key with another body is 422; a malformed
key 400; two requests at once with one key make one dossier; keys expire."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.test_api_intake import _intake
from motcua.dossiers.tests.world import World, build_world
from motcua.idempotency.models import IdempotencyKey
from motcua.idempotency.views import REPLAYED_HEADER


@pytest.fixture
def world(db):
    return build_world()


def counter(world: World) -> tuple[Any, str, dict[str, Any]]:
    return s.client_for(world.counter), "/api/dossiers/", _intake(world)


def online(world: World) -> tuple[Any, str, dict[str, Any]]:
    body = _intake(world)
    for key in ("channel", "decision", "applicant"):
        del body[key]
    return s.client_for(world.citizen), "/api/dossiers/online/", body


def on_the_spot(world: World) -> tuple[Any, str, dict[str, Any]]:
    body = _intake(world, results=["Giấy xác nhận tình trạng hôn nhân"])
    del body["decision"]
    return s.client_for(world.counter), "/api/dossiers/on-the-spot/", body


CREATES = pytest.mark.parametrize(
    "create", [counter, online, on_the_spot], ids=["counter", "online", "on_the_spot"]
)


@CREATES
def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_nothing(
    world, create
):
    client, path, body = create(world)
    key = "5f0c2a1e-8d3b-4c1a-9b7e-2f6d8a4c1b90"

    first = client.post(path, body, format="json", headers={"Idempotency-Key": key})
    again = client.post(path, body, format="json", headers={"Idempotency-Key": key})

    assert first.status_code == 201, first.json()
    assert REPLAYED_HEADER not in first
    assert again.status_code == 201
    assert again[REPLAYED_HEADER] == "true"
    assert again.json() == first.json()
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert Dossier.objects.count() == 1


@CREATES
def test_the_same_key_with_another_body_is_422(world, create):
    client, path, body = create(world)
    key = "k-1"
    assert (
        client.post(
            path, body, format="json", headers={"Idempotency-Key": key}
        ).status_code
        == 201
    )
    body["return_method"] = "counter"

    refused = client.post(path, body, format="json", headers={"Idempotency-Key": key})

    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"
    assert set(refused.json()) == {"code", "message", "details"}
    assert Dossier.objects.count() == 1


def test_a_key_is_the_account_s_own(world):
    """Two counters choosing the same key make two dossiers."""
    client, path, body = counter(world)
    other = s.client_for(world.specialist)
    headers = {"Idempotency-Key": "1"}
    assert client.post(path, body, format="json", headers=headers).status_code == 201
    # the specialist may not receive at the counter: the refusal is not kept either
    answer = other.post(path, body, format="json", headers=headers)
    assert REPLAYED_HEADER not in answer
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize(
    "key", ["", "x" * 256, "khóa", "two words", "tab\there"], ids=repr
)
def test_a_malformed_key_is_400_and_creates_nothing(world, key):
    client, path, body = counter(world)

    refused = client.post(path, body, format="json", headers={"Idempotency-Key": key})

    assert refused.status_code == 400
    assert refused.json()["code"] == "idempotency_key_invalid"
    assert Dossier.objects.count() == 0


def test_a_refused_create_is_not_kept_and_may_be_retried(world):
    client, path, body = counter(world)
    headers = {"Idempotency-Key": "retry-me"}
    bad = {**body, "procedure": "1.000000"}
    assert client.post(path, bad, format="json", headers=headers).status_code == 400
    assert not IdempotencyKey.objects.exists()
    # the same key with the same (still bad) body runs again rather than replaying
    again = client.post(path, bad, format="json", headers=headers)
    assert again.status_code == 400
    assert REPLAYED_HEADER not in again


def test_a_key_expires(world):
    client, path, body = counter(world)
    headers = {"Idempotency-Key": "old"}
    assert client.post(path, body, format="json", headers=headers).status_code == 201
    IdempotencyKey.objects.update(
        created_at=timezone.now()
        - settings.IDEMPOTENCY_KEY_TTL
        - dt.timedelta(seconds=1)
    )

    again = client.post(path, body, format="json", headers=headers)

    assert again.status_code == 201
    assert REPLAYED_HEADER not in again
    assert Dossier.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_without_a_key_nothing_is_kept(world):
    client, path, body = counter(world)
    assert client.post(path, body, format="json").status_code == 201
    assert not IdempotencyKey.objects.exists()


def test_the_schema_documents_the_header_on_the_three_creates():
    schema = yaml.safe_load(
        (settings.BASE_DIR.parent / "docs" / "openapi.yaml").read_text(encoding="utf-8")
    )
    for path in (
        "/api/dossiers/",
        "/api/dossiers/online/",
        "/api/dossiers/on-the-spot/",
    ):
        names = {p["name"] for p in schema["paths"][path]["post"].get("parameters", [])}
        assert "Idempotency-Key" in names, path


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_at_once_with_one_key_make_one_dossier():
    if connection.vendor != "postgresql":
        pytest.skip("the race is run on PostgreSQL")
    world = build_world()
    _, path, body = counter(world)
    start = threading.Barrier(2)
    answers: list[Any] = []

    def send() -> None:
        try:
            client = s.client_for(world.counter)
            start.wait()
            answers.append(
                client.post(
                    path, body, format="json", headers={"Idempotency-Key": "same"}
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(a.get(REPLAYED_HEADER, "") for a in answers) == ["", "true"]
    assert Dossier.objects.count() == 1
