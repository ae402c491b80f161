"""The OpenAPI schema: generated without a single warning, valid, and equal to the committed
``docs/openapi.yaml``, so that every change of the API shows in review.

After changing the API, regenerate it with the command the message names and commit it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

COMMITTED = Path(settings.BASE_DIR).parent / "docs" / "openapi.yaml"
REGENERATE = "motcua spectacular --validate --fail-on-warn --file docs/openapi.yaml"


def test_the_committed_schema_is_the_generated_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    # as the command line does: the site's default language, warnings as errors
    with translation.override(settings.LANGUAGE_CODE):
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(generated)
        )
    assert generated.read_text(encoding="utf-8") == COMMITTED.read_text(
        encoding="utf-8"
    ), f"The API changed: run `{REGENERATE}` and commit docs/openapi.yaml."


def test_the_schema_documents_every_transition_and_every_way_to_sign_in():
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert set(schema["components"]["securitySchemes"]) == {
        "basicAuth",
        "tokenAuth",
        "cookieAuth",
    }
    transitions = {
        path.removeprefix("/api/dossiers/{code}/").rstrip("/")
        for path in schema["paths"]
        if path.startswith("/api/dossiers/{code}/")
        and path not in ("/api/dossiers/{code}/", "/api/dossiers/{code}/evaluations/")
    }
    assert len(transitions) == 20
    for name in transitions:
        operation = schema["paths"][f"/api/dossiers/{{code}}/{name}/"]["post"]
        assert {p["name"] for p in operation["parameters"]} == {"code", "If-Match"}
        assert set(operation["responses"]) == {
            "200",
            "400",
            "401",
            "403",
            "404",
            "409",
            "413",
            "415",
            "422",
        }
    # no way to write a status
    dossier_paths = schema["paths"]["/api/dossiers/{code}/"]
    assert set(dossier_paths) == {"get"}
    # the Decision 766 index: read only, signed in, its parameters with their patterns
    index = schema["paths"]["/api/index/"]
    assert set(index) == {"get"}
    # 422: a recomputation over more dossiers than MOTCUA_INDEX_RECOMPUTE_LIMIT
    assert set(index["get"]["responses"]) == {"200", "400", "401", "404", "422"}
    assert "too_many_to_recompute" in index["get"]["responses"]["422"]["description"]
    parameters = {p["name"]: p for p in index["get"]["parameters"]}
    assert set(parameters) == {
        "unit",
        "period",
        "from",
        "to",
        "subtree",
        "procedure",
        "field",
        "officer",
        "rank",
    }
    assert all(
        "pattern" in parameters[name]["schema"]
        for name in ("unit", "period", "from", "to")
    )


@pytest.mark.django_db
def test_the_schema_is_served_to_anyone():
    answer = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert answer.status_code == 200
    assert "/api/dossiers/{code}/approve/" in yaml.safe_load(answer.content)["paths"]
