"""``@idempotent``: the ``Idempotency-Key`` header on a create of the API.

A reply lost on the wire leaves the client not knowing whether its dossier was made; it
retries, and without a key the retry makes a second dossier. With a key:

- the first request with a key runs, and its answer (status, body, ETag) is kept with the
  key, the method, the path and a digest of the body, in the same transaction as what it
  created: either both are saved or neither;
- a request with the same key (same account), the same method and path and the same body
  receives that answer again, with ``Idempotency-Replayed: true``, and creates nothing;
- the same key with another body or on another path: 422 ``idempotency_key_reused``;
- a key that is empty, longer than 255 characters or not printable ASCII: 400
  ``idempotency_key_invalid``;
- two requests with one key at once: the database's unique index makes the second wait
  until the first has finished, and it then receives the first's answer;
- an answer that is not a success (4xx) is not kept: the request changed nothing, and a
  retry with the same key runs again;
- a key is forgotten ``MOTCUA_IDEMPOTENCY_KEY_HOURS`` after its first use: the same key is
  then a new request.

Without the header a create runs as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.accounts.models import User
from motcua.idempotency.models import MAX_KEY_LENGTH, IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
#: visible ASCII: what a header carries safely (a UUID, a ULID, a counter...)
KEY_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")

Method = TypeVar("Method", bound=Callable[..., Any])

PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[\x21-\x7e]{1,255}$",
    description=_(
        "A key of your choosing (e.g. a UUID), new for each dossier. A retry with the same "
        "key and body receives the first answer again, with Idempotency-Replayed: true, "
        "and creates nothing; the same key with another body is 422 "
        "idempotency_key_reused; a malformed key is 400 idempotency_key_invalid. Keys "
        "are kept for MOTCUA_IDEMPOTENCY_KEY_HOURS (24 by default)."
    ),
)


class InvalidKey(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_invalid"
    default_detail = _(
        "Idempotency-Key: from 1 to 255 visible ASCII characters, e.g. a UUID."
    )


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used with another request; "
        "send a new key for a new dossier."
    )


def request_digest(request: Request) -> str:
    """SHA-256 of the method, the path and the body as parsed: the same JSON written with
    other spaces is the same request, the same fields in another order are not."""
    body = json.dumps(request.data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = "\n".join([request.method or "", request.path, body])
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(record: IdempotencyKey) -> Response:
    headers = {REPLAYED_HEADER: "true"}
    if record.response_etag:
        headers["ETag"] = record.response_etag
    return Response(
        json.loads(record.response_body),
        status=record.response_status,
        headers=headers,
    )


def _answer_again(user: User, key: str, digest: str) -> Response:
    """The key was used before (or by the request that just made us wait)."""
    record = IdempotencyKey.objects.get(user=user, key=key)
    if record.request_digest != digest:
        raise KeyReused()
    return _replay(record)


def idempotent(method: Method) -> Method:
    """Honour ``Idempotency-Key`` on a create of a DRF view (``method(self, request,
    ...)``), and document the header on its operation."""

    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        user = request.user
        if not isinstance(user, User):  # the view's permissions ran before: never
            raise exceptions.NotAuthenticated()
        if not KEY_PATTERN.fullmatch(key):
            raise InvalidKey()
        digest = request_digest(request)
        with transaction.atomic():
            IdempotencyKey.objects.filter(user=user).expired().delete()
            try:
                with transaction.atomic():
                    # waits here while another request holds the same key
                    record = IdempotencyKey.objects.create(
                        user=user,
                        key=key,
                        request_method=request.method or "",
                        request_path=request.path[:255],
                        request_digest=digest,
                    )
            except IntegrityError:
                return _answer_again(user, key, digest)
            response = method(view, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            record.response_status = response.status_code
            record.response_body = json.dumps(response.data, cls=DjangoJSONEncoder)
            record.response_etag = response.get("ETag", "")[:64]
            record.save(
                update_fields=["response_status", "response_body", "response_etag"]
            )
            return response

    return cast(Method, extend_schema(parameters=[PARAMETER])(wrapper))
