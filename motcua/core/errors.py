"""Every code an error body of the API may carry (``{code, message, details}``).

The OpenAPI schema publishes the enum in the error body, so that a client can switch on it;
the error body refuses a code that is not a member, so that a typo in the server is an
error in its own tests rather than a new code in the wild.
"""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """The ``code`` of every error body (``{code, message, details}``)."""

    # the request itself
    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    JSON_TOO_DEEP = "json_too_deep"
    CONTROL_CHARACTER = "control_character"
    TEXT_TOO_LONG = "text_too_long"
    BODY_TOO_LARGE = "body_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    # who asks
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    THROTTLED = "throttled"
    LOCKED_OUT = "locked_out"
    # creating safely
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    # the state of the dossier
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    STALE_DOSSIER = "stale_dossier"
    APOLOGY_ALREADY_MADE = "apology_already_made"
    APOLOGY_TOO_LATE = "apology_too_late"
    DAILY_SEQUENCE_EXHAUSTED = "daily_sequence_exhausted"
    # what was asked
    NAIVE_DATETIME = "naive_datetime"
    MOMENT_OUT_OF_RANGE = "moment_out_of_range"
    DUE_BEYOND_LIMIT = "due_beyond_limit"
    NEW_APPOINTMENT_NOT_LATER = "new_appointment_not_later"
    DOSSIER_OR_INTAKE = "dossier_or_intake"
    WRONG_CHANNEL = "wrong_channel"
    PROCEDURE_NOT_IN_FORCE = "procedure_not_in_force"
    AGENCY_NOT_ACTIVE = "agency_not_active"
    APPLICANT_REQUIRED = "applicant_required"
    UNKNOWN_COMPONENT = "unknown_component"
    DOSSIER_INCOMPLETE = "dossier_incomplete"
    MISSING_REQUIRED = "missing_required"
    REASONS_REQUIRED = "reasons_required"
    RESULTS_REQUIRED = "results_required"
    ASSIGNEE_NOT_SPECIALIST = "assignee_not_specialist"
    NO_RULES = "no_rules"
    TOO_MANY_ITEMS = "too_many_items"
    TOO_MANY_TO_EXPLAIN = "too_many_to_explain"
    TOO_MANY_TO_RECOMPUTE = "too_many_to_recompute"
    # fees, results, evaluations and petitions (766 groups 3b, 4 and 5)
    PAYMENT_MOMENT_REQUIRED = "payment_moment_required"
    RESULT_NOT_ELECTRONIC = "result_not_electronic"
    CRITERION_OUT_OF_RANGE = "criterion_out_of_range"
    EVALUATION_EMPTY = "evaluation_empty"
    EVALUATION_BEFORE_RECEPTION = "evaluation_before_reception"
    DUPLICATE_REFERENCE = "duplicate_reference"
    PETITION_MOMENTS_OUT_OF_ORDER = "petition_moments_out_of_order"
    # uploads (motcua/files)
    UPLOAD_TOO_LARGE = "upload_too_large"
    UPLOAD_TYPE_NOT_ALLOWED = "upload_type_not_allowed"
    UPLOAD_EMPTY = "upload_empty"
    FILES_DO_NOT_MATCH_RESULTS = "files_do_not_match_results"
    RESULT_ALREADY_RETURNED = "result_already_returned"
    FILE_ALREADY_ATTACHED = "file_already_attached"
    BAD_REQUEST = "bad_request"
    SERVER_ERROR = "server_error"


def known_code(code: str, *, fallback: ErrorCode) -> ErrorCode:
    """``code`` as an ``ErrorCode``; ``fallback`` for a code some library made up."""
    try:
        return ErrorCode(code)
    except ValueError:
        return fallback
