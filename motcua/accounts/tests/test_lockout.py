"""Failed logins lock a username out from an address on every way in (django-axes):
after MOTCUA_LOGIN_FAILURE_LIMIT failures even the right password is refused until the
cool-off has passed, an unknown username is locked out too (and stops costing a password
hash), and a successful login clears the failures."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"  # the factories' password
LIMIT = 3


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def basic(username: str, password: str, address: str = "203.0.113.7") -> Any:
    client = APIClient(REMOTE_ADDR=address)
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {pair}")
    return client.get("/api/dossiers/")


def test_basic_with_the_right_password_is_refused_after_the_limit_until_the_cooloff():
    OfficerFactory.create(username="lanhdao")
    for _ in range(LIMIT - 1):
        assert basic("lanhdao", "sai").status_code == 401
    # the limit-th failure is refused as a lockout already
    assert basic("lanhdao", "sai").status_code == 429

    refused = basic("lanhdao", PASSWORD)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "locked_out"
    assert set(body) == {"code", "message", "details"}
    assert "15" in body["message"]
    assert refused["Retry-After"] == str(15 * 60)
    # the same username from another address is not locked out
    assert basic("lanhdao", PASSWORD, address="198.51.100.9").status_code == 200

    # the refused attempts did not extend the cool-off: 15 minutes after the last
    # recorded failure the right password works again
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - dt.timedelta(minutes=15, seconds=1)
    )
    assert basic("lanhdao", PASSWORD).status_code == 200


def test_an_unknown_username_is_locked_out_and_then_costs_no_hash(settings):
    settings.PASSWORD_HASHERS = ["motcua.accounts.tests.test_lockout.CountingHasher"]
    CountingHasher.calls = 0
    for _ in range(LIMIT - 1):
        assert basic("khong-co-ai", "doan-mo").status_code == 401
    assert basic("khong-co-ai", "doan-mo").status_code == 429
    hashed = CountingHasher.calls
    assert hashed == LIMIT  # Django hashes once per unknown username, to hide it

    for _ in range(5):
        answer = basic("khong-co-ai", "doan-mo")
        assert answer.status_code == 429
        assert answer.json()["code"] == "locked_out"
    assert CountingHasher.calls == hashed  # locked out before any hash


class CountingHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few iterations, counting how often a password is hashed."""

    algorithm = "counting_pbkdf2"
    iterations = 1
    calls = 0

    def encode(self, password, salt, iterations=None):
        CountingHasher.calls += 1
        return super().encode(password, salt, iterations)


def test_a_success_clears_the_failures():
    OfficerFactory.create(username="lanhdao")
    for _ in range(LIMIT - 1):
        assert basic("lanhdao", "sai").status_code == 401
    assert basic("lanhdao", PASSWORD).status_code == 200
    assert not AccessAttempt.objects.exists()
    # counting starts again: LIMIT - 1 more failures are not yet a lockout
    for _ in range(LIMIT - 1):
        assert basic("lanhdao", "sai").status_code == 401
    assert basic("lanhdao", PASSWORD).status_code == 200


def admin_login(client: Client, password: str) -> Any:
    return client.post(
        "/admin/login/",
        {"username": "quantri", "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )


def test_the_admin_login_is_locked_out():
    OfficerFactory.create(username="quantri", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(LIMIT - 1):
        assert admin_login(client, "sai").status_code == 200  # the form again
    assert admin_login(client, "sai").status_code == 429

    refused = admin_login(client, PASSWORD)
    assert refused.status_code == 429
    assert "15" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_clears_the_failures_on_success():
    OfficerFactory.create(username="quantri", is_staff=True, is_superuser=True)
    client = Client()
    admin_login(client, "sai")
    assert AccessAttempt.objects.count() == 1
    assert admin_login(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_a_lockout_of_the_api_is_the_json_error_body_even_from_the_middleware(rf):
    from motcua.accounts.lockout import lockout_response

    answer = lockout_response(rf.get("/api/dossiers/"))
    assert answer.status_code == 429
    assert answer["Content-Type"] == "application/json"
    assert b'"locked_out"' in answer.content


def test_behind_trusted_proxies_the_forwarded_address_counts(rf, settings):
    from motcua.accounts.lockout import client_ip

    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"  # 1.2.3.4 was written by the client
