"""Checking an upload and keeping its bytes: the part of the document store that knows
nothing of dossiers, so that the dossier services can call it without a cycle.

An upload is read once, in chunks: its size counted as it is read (past the limit the
reading stops: ``Content-Length`` and the browser's size are never trusted), its SHA-256
computed, its first bytes kept for libmagic to say what the content is (never the name
nor the browser's type). Only an upload that passes is written, so a refused upload
leaves nothing behind (issue 10 "Bad input"; docs/decisions/0011).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ErrorCode
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import DossierResult
from motcua.dossiers.permissions import Actor, SystemActor
from motcua.files.models import TYPE_NAMES, Blob, StoredFile, storage_name
from motcua.files.storage import FILES_STORAGE

#: how much of the start of a file libmagic reads to tell its type
SNIFF_BYTES = 8192


_NAME_MAX_LENGTH = 255


class UploadRefused(InvalidInput):
    """An upload too big, empty or of a type not allowed (422); nothing was stored."""


def files_storage() -> Storage:
    return storages[FILES_STORAGE]


def max_bytes() -> int:
    return int(settings.FILES_UPLOAD_MAX_BYTES)


def allowed_types() -> tuple[str, ...]:
    return tuple(settings.FILES_ALLOWED_TYPES)


def megabytes(size: int) -> str:
    """``size`` bytes in MB (of 1024 × 1024 bytes), written the Vietnamese way: 20, 2,5."""
    value = size / (1024 * 1024)
    if value == int(value):
        return formats.number_format(int(value), use_l10n=True)
    return formats.number_format(round(value, 1), decimal_pos=1, use_l10n=True)


def type_names(types: Sequence[str]) -> str:
    return ", ".join(TYPE_NAMES.get(t, t) for t in types)


def too_large(*, field: str = "file") -> UploadRefused:
    limit = max_bytes()
    return UploadRefused(
        ErrorCode.UPLOAD_TOO_LARGE,
        _("The file is larger than the limit of %(limit)s MB.")
        % {"limit": megabytes(limit)},
        details={"field": field, "max_bytes": limit},
    )


def type_not_allowed(found: str, *, field: str = "file") -> UploadRefused:
    allowed = allowed_types()
    return UploadRefused(
        ErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
        _("This kind of file is not accepted; the file must be one of: %(types)s.")
        % {"types": type_names(allowed)},
        details={"field": field, "found": found, "allowed": list(allowed)},
    )


def empty(*, field: str = "file") -> UploadRefused:
    return UploadRefused(
        ErrorCode.UPLOAD_EMPTY, _("The file is empty."), details={"field": field}
    )


def clean_name(name: str | None) -> str:
    """The name the file came with, as a name and nothing more: no folders, no control
    characters, at most 255 characters (its extension kept)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(
        ch
        for ch in unicodedata.normalize("NFC", base)
        if unicodedata.category(ch)[0] != "C"
    ).strip()
    if not base or base in {".", ".."}:
        base = "tep"
    if len(base) > _NAME_MAX_LENGTH:
        stem, ext = os.path.splitext(base)
        ext = ext[:16]
        base = stem[: _NAME_MAX_LENGTH - len(ext)] + ext
    return base


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed: its content's hash, size and type, and the file to write."""

    upload: File[bytes]
    name: str
    sha256: str
    size: int
    content_type: str


def check_upload(upload: File[bytes], *, field: str = "file") -> CheckedUpload:
    """Read ``upload`` once and refuse it, before anything is stored, if it is larger
    than ``MOTCUA_UPLOAD_MAX_BYTES`` (counted while reading: the reading stops at the
    limit), empty, or of a type outside ``MOTCUA_UPLOAD_ALLOWED_TYPES`` as libmagic reads
    it from the content. An upload the request's handler already cut short
    (``uploads.LimitedUploadHandler``) is too large whatever it holds."""
    if getattr(upload, "exceeded_limit", False):
        raise too_large(field=field)
    limit = max_bytes()
    digest = hashlib.sha256()
    head = bytearray()
    size = 0
    for chunk in upload.chunks():
        data = chunk if isinstance(chunk, bytes) else chunk.encode()
        size += len(data)
        if size > limit:
            raise too_large(field=field)
        if len(head) < SNIFF_BYTES:
            head += data[: SNIFF_BYTES - len(head)]
        digest.update(data)
    if size == 0:
        raise empty(field=field)
    found = magic.from_buffer(bytes(head), mime=True)
    if found not in allowed_types():
        raise type_not_allowed(found, field=field)
    return CheckedUpload(
        upload=upload,
        name=clean_name(upload.name),
        sha256=digest.hexdigest(),
        size=size,
        content_type=found,
    )


def keep_blob(checked: CheckedUpload, *, at: dt.datetime) -> Blob:
    """The stored content of ``checked``: the row and the bytes if they are new, the
    existing row if this content was stored before (its bytes are not written again).

    The bytes are written before the row, in the caller's transaction: a row never
    names bytes that are not there. If the transaction then rolls back, the bytes stay
    without a row, unreferenced, and are reused by the next upload of the same content
    or removed by ``motcua files prune``."""
    blob = Blob.objects.filter(pk=checked.sha256).first()
    if blob is not None:
        return blob
    storage = files_storage()
    name = storage_name(checked.sha256)
    if not storage.exists(name):
        written = storage.save(name, checked.upload)
        if written != name:
            # another upload of the same content wrote it meanwhile: keep one copy
            storage.delete(written)
    blob, _created = Blob.objects.get_or_create(
        sha256=checked.sha256,
        defaults={
            "size": checked.size,
            "content_type": checked.content_type,
            "stored_at": at,
        },
    )
    return blob


def record_file(
    checked: CheckedUpload,
    *,
    actor: Actor,
    at: dt.datetime | None = None,
    **attached_to: object,
) -> StoredFile:
    """Keep ``checked`` and record this upload of it (``attached_to``: ``dossier=`` with
    ``component=`` or ``result=``, or nothing)."""
    moment = at or timezone.now()
    blob = keep_blob(checked, at=moment)
    return StoredFile.objects.create(
        blob=blob,
        original_name=checked.name,
        uploaded_by=None if isinstance(actor, SystemActor) else actor,
        uploaded_at=moment,
        **attached_to,
    )


def attach_checked_result_file(
    *,
    result: DossierResult,
    checked: CheckedUpload,
    actor: Actor,
    at: dt.datetime,
) -> StoredFile:
    """Keep ``checked`` as a file of ``result`` and mark the result electronic, in the
    caller's transaction, which has checked the actor (``issue_result``)."""
    stored = record_file(
        checked, actor=actor, at=at, dossier=result.dossier, result=result
    )
    if not result.electronic:
        DossierResult.objects.filter(pk=result.pk).update(electronic=True)
        result.electronic = True
    return stored


def _stored_names(storage: Storage) -> list[str]:
    """Every name under ``sha256/`` in ``storage`` (two levels of folders)."""
    names: list[str] = []
    top, _files = storage.listdir("sha256") if storage.exists("sha256") else ([], [])
    for first in top:
        seconds, _ = storage.listdir(f"sha256/{first}")
        for second in seconds:
            _, files = storage.listdir(f"sha256/{first}/{second}")
            names.extend(f"sha256/{first}/{second}/{name}" for name in files)
    return names


def prune_unreferenced(*, older_than: dt.timedelta, now: dt.datetime) -> list[str]:
    """Delete the bytes no ``Blob`` row names, written more than ``older_than`` before
    ``now``: left by an upload whose transaction rolled back after writing them
    (``keep_blob``). Younger ones are left, since their transaction may still commit.
    Returns the names deleted."""
    storage = files_storage()
    names = _stored_names(storage)
    known = set(
        Blob.objects.filter(
            sha256__in=[name.rsplit("/", 1)[-1] for name in names]
        ).values_list("sha256", flat=True)
    )
    deleted = []
    for name in names:
        if name.rsplit("/", 1)[-1] in known:
            continue
        if storage.get_modified_time(name) > now - older_than:
            continue
        storage.delete(name)
        deleted.append(name)
    return deleted
