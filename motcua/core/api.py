"""What every answer under ``/api/`` shares, whatever app serves it: the error body, the
JSON parser that refuses what no form sends, the 404 of a path no route matches, and the
500 of a failure no one foresaw.

The API promises one error body, ``{"code", "message", "details"}`` (the ``Error`` schema of
docs/openapi.yaml). DRF's exception handler (``motcua.dossiers.api.exceptions``) gives it to
everything a view raises that DRF knows of; this module covers what happens around the
views: a body Django refuses to read, a path that matches no route (Django's resolver
answers before any view), and an exception nobody caught (Django's HTML error page, with a
traceback when ``DEBUG`` is on).
"""

from __future__ import annotations

import json
import logging
import re
from array import array
from collections.abc import Callable, Mapping
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

from motcua.core.errors import ErrorCode
from motcua.core.text import first_control_character

#: Where the API lives (``motcua/urls.py``).
API_PREFIX = "/api/"

#: The deepest nesting of arrays and objects a request body may have. The deepest request
#: of the API (an intake: body, papers, one paper) is 3 levels; 32 leaves room for any
#: future shape while keeping the parser far from Python's recursion limit (a body of
#: depth 1,000 made ``json.loads`` raise ``RecursionError``, a 500).
MAX_JSON_DEPTH = 32

logger = logging.getLogger("django.request")


def error_body(
    code: ErrorCode | str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The body of every error the API answers; ``code`` must be an ``ErrorCode``."""
    return {"code": ErrorCode(code).value, "message": message, "details": details or {}}


class ApiError(APIException):
    """An error of the request itself, before any view logic: its code, its message and
    its details, as the error body shows them."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status
        self.code = code
        self.message = message
        self.details = details or {}


def error_response(
    code: str, message: str, *, status: int, **details: Any
) -> HttpResponse:
    """A JSON error answer outside DRF (middleware, plain views)."""
    return JsonResponse(
        error_body(code, message, details),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def body_too_large() -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(
        "body_too_large",
        _("The request body is larger than the %(limit)s bytes the API accepts.")
        % {"limit": limit},
        status=413,
        limit_bytes=limit,
    )


# ------------------------------------------------------------------ the JSON parser

# A JSON string (escapes included), to be blanked out before counting brackets.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# opening brackets step one level in (+1), closing ones out (-1 as a signed byte)
_STEP = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})
# what may hide a control character: the character itself or its \\u escape
_MAYBE_CONTROL = re.compile(
    r"\\u(?:00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|202[a-eA-E]|206[6-9])"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in the JSON ``text``, counted without parsing
    (and so without recursion): strings blanked out, then the running sum of brackets in
    (+1) and out (-1), every step in C. On text that is not JSON the count is at least the
    depth the parser could reach before it fails, never less: the text reads the same up
    to its first error."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    steps = array("b", brackets.translate(_STEP).encode("latin-1"))
    return max(accumulate(steps))


def _key_path(path: str, key: str) -> str:
    if _IDENTIFIER.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def control_character_at(data: Any) -> tuple[str, int, str] | None:
    """The first string of ``data`` (keys included, in document order) holding a control
    character (``motcua.core.text.CONTROL_CHARACTERS``): its JSONPath (``$.papers[0].name``),
    the position in the string and the character. Walks with a stack, not recursion."""
    stack: list[tuple[str, Any]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            position = first_control_character(value)
            if position is not None:
                return path, position, value[position]
        elif isinstance(value, dict):
            children: list[tuple[str, Any]] = []
            for key, item in value.items():
                key_path = _key_path(path, key)
                position = first_control_character(key)
                if position is not None:
                    return key_path, position, key[position]
                children.append((key_path, item))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(
                (f"{path}[{index}]", item)
                for index, item in reversed(list(enumerate(value)))
            )
    return None


def _strict_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing what no form of the API sends, before any view reads it:

    - nesting deeper than ``MAX_JSON_DEPTH`` (400 ``json_too_deep``), measured on the text
      before parsing, so that the parser never recurses further;
    - a string (a value or a key) holding a control character (400 ``control_character``,
      the JSONPath in ``details.path``): NUL, BEL, ESC, DEL, the C1 controls and the
      bidirectional overrides print as garbage or reorder a name on a slip. This is the
      one check for NUL too: DRF's ``CharField`` refused it only in the fields it knew of,
      with its generic ``invalid``; keys, unknown fields and list items slipped through.

    Raw control characters inside strings are parsed (``strict=False``) so that they get
    the same answer as their ``\\u`` escapes, not a bare parse error.

    The body's size is bounded before it gets here: DRF reads it through
    ``HttpRequest.body``, which refuses more than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413
    ``body_too_large``, ``ApiErrorMiddleware``).
    """

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ParseError(
                _("The request body is not text in %s.") % encoding
            ) from error
        depth = json_depth(text)
        if depth > MAX_JSON_DEPTH:
            raise ApiError(
                "json_too_deep",
                _(
                    "The request nests arrays and objects %(depth)s levels deep; "
                    "at most %(limit)s are accepted."
                )
                % {"depth": depth, "limit": MAX_JSON_DEPTH},
                details={"depth": depth, "limit": MAX_JSON_DEPTH},
            )
        try:
            data = json.loads(text, strict=False, parse_constant=_strict_constant)
        except ValueError as error:
            raise ParseError(_("JSON parse error: %s") % error) from error
        if _MAYBE_CONTROL.search(text) or first_control_character(text) is not None:
            found = control_character_at(data)
            if found is not None:
                path, position, character = found
                raise ApiError(
                    "control_character",
                    _(
                        "The text at %(path)s holds a control character (%(character)s) "
                        "that no form accepts."
                    )
                    % {"path": path, "character": f"U+{ord(character):04X}"},
                    details={
                        "path": path,
                        "position": position,
                        "character": f"U+{ord(character):04X}",
                    },
                )
        return data


# ------------------------------------------------------------------ around the views


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The answer to a path under ``/api/`` that no route matches (the last route of
    ``motcua/urls.py``): the same 404 body as a dossier that does not exist."""
    return error_response("not_found", _("Not found."), status=404)


class ApiErrorMiddleware:
    """Under ``/api/``, an exception that left the view becomes the JSON error body: a body
    too large to read (413 ``body_too_large``), Django's 400/403/404 exceptions, and
    anything else as 500 ``server_error`` with nothing of the exception in the answer. The
    traceback goes to the ``django.request`` log and the ``got_request_exception`` signal,
    as Django does for the 500s it renders itself. Other paths keep Django's pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return body_too_large()
        if isinstance(exception, SuspiciousOperation):
            return error_response(
                "bad_request", _("The request is not valid."), status=400
            )
        if isinstance(exception, PermissionDenied):
            return error_response(
                "permission_denied",
                _("You do not have permission to perform this action."),
                status=403,
            )
        if isinstance(exception, Http404):
            return error_response("not_found", _("Not found."), status=404)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        signals.got_request_exception.send(sender=type(self), request=request)
        return error_response(
            "server_error",
            _("The server failed to answer; the failure is logged. Try again later."),
            status=500,
        )
