"""The API's OpenAPI schema class (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``): drf-spectacular's,
adding to every operation the errors that arise before its view runs, so that the schema
lists every answer the server gives (``motcua.core.api``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

#: What the parser refuses, whatever the operation.
BODY_ERRORS = (
    " Before the view: parse_error (not JSON), json_too_deep (nesting deeper than 32), "
    "control_character (a string holding one; details.path names it)."
)


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        from motcua.dossiers.api.serializers import ErrorSerializer

        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if self.method not in ("POST", "PUT", "PATCH"):
            return responses
        if "400" in responses:
            responses["400"]["description"] += BODY_ERRORS
        extra = {
            "413": "body_too_large: the body is larger than the limit in "
            "details.limit_bytes.",
            "415": "unsupported_media_type: the body is not application/json.",
        }
        for status, description in extra.items():
            responses[status] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                OpenApiResponse(ErrorSerializer, description=description),
                status,
                direction=direction,
            )
        return responses
