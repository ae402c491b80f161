"""API tokens: made by ``motcua tokens create`` or in the admin with their key shown once,
stored only as a digest, accepted as ``Token`` or ``Bearer``, refused with 401 once expired
or revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import ApiToken
from motcua.accounts.tests.factories import OfficerFactory
from motcua.workdays.clock import VN_TZ

pytestmark = pytest.mark.django_db


def tokens(*args: str) -> str:
    out = io.StringIO()
    call_command("tokens", *args, stdout=out)
    return out.getvalue()


def api(key: str, keyword: str = "Token") -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client.get("/api/dossiers/")


def test_a_token_made_by_the_command_signs_in_and_only_its_digest_is_kept():
    OfficerFactory.create(username="maychu")

    printed = tokens(
        "create", "--user", "maychu", "--name", "đồng bộ", "--expires", "31/12/2026"
    )

    key = printed.strip().splitlines()[-1]
    assert key.startswith("motcua_")
    assert len(key) == len("motcua_") + 64
    token = ApiToken.objects.get()
    assert token.name == "đồng bộ"
    assert token.token_key == key[:15]
    assert token.digest == hashlib.sha512(key.encode()).hexdigest()
    assert key not in {token.digest, token.token_key, token.name}
    # works through 31/12/2026, province time
    assert token.expiry == dt.datetime(2027, 1, 1, tzinfo=VN_TZ)
    assert api(key).status_code == 200
    assert api(key, "Bearer").status_code == 200
    assert api(key, "bearer").status_code == 200


def test_list_and_revoke():
    OfficerFactory.create(username="maychu")
    key = tokens("create", "--user", "maychu").strip().splitlines()[-1]
    ident = key[:15]

    listed = tokens("list")
    assert listed.startswith(f"{ident}\tmaychu\t-\t")
    assert key not in listed

    assert ident in tokens("revoke", ident)
    assert not ApiToken.objects.exists()
    refused = api(key)
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


def test_an_expired_token_is_refused():
    user = OfficerFactory.create(username="maychu")
    from motcua.accounts.services import create_api_token

    token, key = create_api_token(user=user, expires_on=None, actor=None)
    ApiToken.objects.filter(pk=token.pk).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )

    refused = api(key)
    assert refused.status_code == 401
    assert set(refused.json()) == {"code", "message", "details"}
    assert refused.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token motcua_ä", "Bearer ../../etc", "Token " + "a" * 101],
)
def test_a_malformed_token_header_is_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    refused = client.get("/api/dossiers/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--user", "khong-co"], "--user"),
        (["--user", "maychu", "--expires", "2026-12-31"], "--expires"),
        (["--user", "maychu", "--expires", "01/01/2000"], "--expires"),
        (["--user", "maychu", "--expires", "01/01/9999"], "--expires"),
        (["--user", "maychu", "--name", "x" * 101], "--name"),
    ],
)
def test_bad_input_names_the_argument_exits_2_and_makes_nothing(args, field):
    OfficerFactory.create(username="maychu")
    with pytest.raises(CommandError) as refused:
        tokens("create", *args)
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(field)
    assert not ApiToken.objects.exists()


def test_revoking_an_unknown_id_exits_2():
    with pytest.raises(CommandError) as refused:
        tokens("revoke", "motcua_00000000")
    assert refused.value.returncode == 2


def test_the_admin_makes_a_token_and_shows_its_key_once(admin_client):
    user = OfficerFactory.create(username="maychu")

    answer = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"user": user.pk, "name": "kết nối", "expires_on": ""},
        follow=True,
    )

    assert answer.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in answer.context["messages"]]
    keys = [word for m in shown for word in m.split() if word.startswith("motcua_")]
    assert len(keys) == 1
    assert hashlib.sha512(keys[0].encode()).hexdigest() == token.digest
    assert api(keys[0]).status_code == 200
    # the token's page never shows the key again
    page = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert keys[0] not in page.content.decode()
