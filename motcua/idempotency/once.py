"""A one-time key for a form of the officers' pages: what ``views.idempotent`` does for
the API's ``Idempotency-Key`` header, for a browser's second click.

The page that shows a creating form puts a new random key in it (``new_key``). When the
form comes back, the view claims the key (``claim``) inside the transaction that creates,
then keeps the answer with it (``keep``):

- the first submission with a key runs, and the key and its answer are saved with what it
  created, or neither is;
- a second submission with the same key (a double click, a reload of the answer, a retry
  after a lost reply) finds the first's answer and creates nothing; while the first is
  still running, the database's unique index makes it wait for the first to end;
- the same key with other data: ``KeyReused``; the form was used already, for another
  dossier;
- a submission that was refused (its transaction rolled back) leaves no key: the
  corrected form runs with the same key.

Keys are the ``IdempotencyKey`` rows of the API's (the same table, the same expiry,
``MOTCUA_IDEMPOTENCY_KEY_HOURS``), kept per account.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from motcua.accounts.models import User
from motcua.idempotency.models import IdempotencyKey
from motcua.idempotency.views import KEY_PATTERN

#: the answer's status kept with the key: a form's success is a redirect
SEE_OTHER = 303


class KeyReused(Exception):
    """The key was used before with other data; ``answer`` is what that use gave."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__("form key reused")
        self.answer = answer


class KeyInvalid(Exception):
    """Not a key a page gave: empty, too long or not printable ASCII."""


def new_key() -> str:
    """A key for one form, unguessable (128 bits)."""
    return secrets.token_urlsafe(16)


def form_digest(method: str, path: str, fields: Iterable[tuple[str, str]]) -> str:
    """SHA-256 of the method, the path and the form's values (sorted, so that the
    order the browser sends them in does not matter)."""
    body = json.dumps(sorted(fields), ensure_ascii=False)
    return hashlib.sha256("\n".join([method, path, body]).encode()).hexdigest()


def claim(
    *, user: User, key: str, method: str, path: str, digest: str
) -> tuple[IdempotencyKey, dict[str, Any] | None]:
    """Claim ``key`` for this submission, inside the caller's transaction. Returns the
    key's row and ``None`` when the key is new (the caller creates, then ``keep``s the
    answer), or the earlier answer when the same submission was made before.
    ``KeyReused`` when the key came before with other data; ``KeyInvalid`` for a
    malformed key."""
    if not KEY_PATTERN.fullmatch(key):
        raise KeyInvalid(key)
    IdempotencyKey.objects.filter(user=user).expired().delete()
    try:
        with transaction.atomic():
            # waits here while another submission holds the same key
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                request_method=method,
                request_path=path[:255],
                request_digest=digest,
            )
    except IntegrityError:
        record = IdempotencyKey.objects.get(user=user, key=key)
        answer: dict[str, Any] = json.loads(record.response_body or "{}")
        if record.request_digest != digest:
            raise KeyReused(answer) from None
        return record, answer
    return record, None


def keep(record: IdempotencyKey, answer: dict[str, Any]) -> None:
    """Keep the answer of the submission that claimed ``record``."""
    record.response_status = SEE_OTHER
    record.response_body = json.dumps(answer, ensure_ascii=False)
    record.save(update_fields=["response_status", "response_body"])
