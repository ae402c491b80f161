"""Every error under /api/ is the JSON error body {code, message, details}: bodies nested too
deep, strings with control characters, bodies too large, paths no route matches, and
failures no one foresaw. Elsewhere the site keeps its own pages."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, re_path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from motcua.core.api import MAX_JSON_DEPTH, not_found
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def _post_text(world: World, text: str, where: str = "/api/dossiers/") -> Any:
    return s.client_for(world.counter).generic(
        "POST", where, text, content_type="application/json"
    )


def _is_error_body(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.content[:300]
    assert answer.headers["Content-Type"].startswith("application/json")
    body: dict[str, Any] = answer.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    return body


def _intake(world: World, **applicant: str) -> dict[str, Any]:
    return {
        "procedure": world.version.procedure.code,
        "receiving_agency": world.centre.identifier,
        "handling_agency": world.commune.identifier,
        "channel": 1,
        "applicant": {"name": "Trần Thị Bích", **applicant},
        "papers": [{"component": 1}],
        "decision": "receive",
    }


def _nested(depth: int) -> str:
    """``depth`` arrays one inside the other: ``[[[]]]`` is 3."""
    return "[" * depth + "]" * depth


# ------------------------------------------------------------------ nesting


def test_a_body_nested_a_thousand_deep_is_400_json_too_deep(world):
    body = _is_error_body(_post_text(world, _nested(1000)), 400, "json_too_deep")
    assert body["details"] == {"depth": 1000, "limit": MAX_JSON_DEPTH}
    assert Dossier.objects.count() == 0


def test_a_body_far_deeper_is_refused_without_recursion(world):
    # past anything recursion could survive; the depth comes from the text alone
    text = '{"a":' * 400_000 + "1" + "}" * 400_000
    body = _is_error_body(_post_text(world, text), 400, "json_too_deep")
    assert body["details"]["depth"] == 400_000


def test_one_level_past_the_limit_is_refused_and_the_limit_itself_is_parsed(world):
    over = _post_text(world, _nested(MAX_JSON_DEPTH + 1))
    assert _is_error_body(over, 400, "json_too_deep")["details"]["depth"] == 33
    # 32 levels parse: the answer is about the request's shape, not its nesting
    at_limit = _post_text(world, _nested(MAX_JSON_DEPTH))
    assert _is_error_body(at_limit, 400, "invalid")


def test_brackets_inside_strings_do_not_count_as_nesting(world):
    dossier = s.processing(world)
    note = "[{" * 100 + ' \\" ' + "}]" * 100
    answer = s.post(world.specialist, dossier, "submit-for-approval", {"note": note})
    assert answer.status_code == 200
    assert answer.json()["events"][-1]["note"] == note


def test_an_unterminated_json_is_a_parse_error(world):
    _is_error_body(_post_text(world, '{"note": "["'), 400, "parse_error")
    _is_error_body(_post_text(world, '{"note": NaN}'), 400, "parse_error")


# ------------------------------------------------------------------ control characters


@pytest.mark.parametrize(
    ("character", "name"),
    [
        ("\x1b", "U+001B"),  # ESC: a terminal escape
        ("\x07", "U+0007"),  # BEL
        ("\x7f", "U+007F"),  # DEL
        ("\x85", "U+0085"),  # a C1 control (next line)
        ("\u202e", "U+202E"),  # right-to-left override: a name that reads backwards
        ("\u2066", "U+2066"),  # left-to-right isolate
        ("\x00", "U+0000"),  # NUL, refused before only by some of DRF's fields
    ],
)
def test_a_control_character_in_a_name_is_400_with_its_path(world, character, name):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, name=f"Trần{character}Bích"), format="json"
    )
    body = _is_error_body(answer, 400, "control_character")
    assert body["details"] == {
        "path": "$.applicant.name",
        "position": 4,
        "character": name,
    }
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0


def test_the_raw_character_and_its_escape_get_the_same_answer(world):
    raw = '{"missing": ["giấy tờ", "a\x1bb"]}'
    escaped = '{"missing": ["giấy tờ", "a\\u001bb"]}'
    dossier = s.processing(world)
    where = s.url(dossier, "request-supplement")
    for text in (raw, escaped):
        body = _is_error_body(_post_text(world, text, where), 400, "control_character")
        assert body["details"]["path"] == "$.missing[1]"


def test_a_control_character_in_a_key_or_an_unknown_field_is_refused_too(world):
    dossier = s.processing(world)
    where = s.url(dossier, "approve")
    body = _is_error_body(
        _post_text(world, '{"x\\u0000y": 1}', where), 400, "control_character"
    )
    assert body["details"]["path"] == '$["x\\u0000y"]'
    body = _is_error_body(
        _post_text(world, '{"extra": {"deep": ["\\u202e"]}}', where),
        400,
        "control_character",
    )
    assert body["details"]["path"] == "$.extra.deep[0]"


def test_tabs_and_line_breaks_are_text(world):
    dossier = s.processing(world)
    note = "Dòng 1\r\n\tDòng 2\n"
    answer = s.post(world.specialist, dossier, "submit-for-approval", {"note": note})
    assert answer.status_code == 200
    assert answer.json()["events"][-1]["note"] == note.strip()


# ------------------------------------------------------------------ size


def test_a_body_over_the_limit_is_413_naming_it(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    text = json.dumps({"note": "a" * 1000})
    body = _is_error_body(_post_text(world, text), 413, "body_too_large")
    assert body["details"] == {"limit_bytes": 1000}


def test_a_body_over_the_default_limit_is_413(world):
    text = json.dumps({"note": "a" * 3_000_000})  # Django's default limit is 2.5 MB
    body = _is_error_body(_post_text(world, text), 413, "body_too_large")
    assert body["details"] == {"limit_bytes": 2_621_440}


# ------------------------------------------------------------------ paths


@pytest.mark.parametrize(
    "where",
    [
        "/api/dossiers/not-a-code/",  # lower case: no dossier code looks like it
        "/api/dossiers/000.01.51.H15-260325-0001/no-such-action/",
        "/api/nothing-here/",
        "/api/dossiers",  # no slash: no redirect to follow with a POST body
        "/api/",
    ],
)
def test_a_path_no_route_matches_is_a_json_404(world, where):
    client = s.client_for(world.counter)
    _is_error_body(client.get(where), 404, "not_found")
    _is_error_body(client.post(where, {}, format="json"), 404, "not_found")


def test_an_unknown_path_is_404_even_without_signing_in(world):
    _is_error_body(Client().post("/api/nothing-here/"), 404, "not_found")


def test_outside_the_api_a_missing_page_is_still_the_site_s_page(world):
    answer = Client().get("/no-such-page/")
    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("text/html")


# ------------------------------------------------------------------ failures


@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def _failing_api_view(request: Request) -> HttpResponse:
    raise RuntimeError("secret-detail-of-the-failure")


def _failing_plain_view(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("secret-detail-of-the-failure")


# A URL map for these tests only: the site's, with two views that fail.
urlpatterns = [
    path("api/fail/", _failing_api_view),
    path("api/fail-plain/", _failing_plain_view),
    path("elsewhere/fail/", _failing_plain_view),
    path("", include("motcua.urls")),
    re_path(r"^api/", not_found),
]


@pytest.mark.parametrize("where", ["/api/fail/", "/api/fail-plain/"])
def test_an_unforeseen_failure_is_a_json_500_without_its_traceback(
    world, settings, caplog, where
):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = True  # even where Django would show its technical page
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        answer = client.get(where)
    body = _is_error_body(answer, 500, "server_error")
    assert body["details"] == {}
    assert b"secret-detail" not in answer.content
    assert b"Traceback" not in answer.content
    # the traceback goes to the log instead
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1
    assert "secret-detail-of-the-failure" in str(logged[0].exc_info[1])


def test_an_unforeseen_failure_outside_the_api_keeps_django_s_page(world, settings):
    settings.ROOT_URLCONF = __name__
    answer = Client(raise_request_exception=False).get("/elsewhere/fail/")
    assert answer.status_code == 500
    assert answer.headers["Content-Type"].startswith("text/html")
