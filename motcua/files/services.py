"""Writes of the document store: an upload kept, a paper digitised, a result's file
attached. Each is one transaction, keyword-only, with the acting user (STYLE); each
checks the upload (size, type by content) before anything is written."""

from __future__ import annotations

import datetime as dt

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ErrorCode
from motcua.dossiers import events
from motcua.dossiers.errors import Conflict, NotAllowed
from motcua.dossiers.models import Dossier, DossierComponent, DossierResult
from motcua.dossiers.permissions import Actor, SystemActor, may_act
from motcua.dossiers.services.shared import (
    begin,
    dossier_change,
    finish,
    now_or,
)
from motcua.dossiers.workflow import Action, DossierStatus
from motcua.files.models import StoredFile
from motcua.files.store import (
    CheckedUpload,
    attach_checked_result_file,
    check_upload,
    record_file,
)

#: an upload as it comes from a form (``UploadedFile``), or one kept before by
#: ``store_upload`` and not attached yet
Upload = File[bytes] | StoredFile


def store_upload(
    *, upload: File[bytes], actor: Actor, at: dt.datetime | None = None
) -> StoredFile:
    """Keep ``upload`` in the store, attached to nothing yet (a scan taken before the
    dossier it belongs to is recorded). Refused before anything is written if it is too
    big, empty or of a type not allowed (``store.check_upload``). Nobody may download a
    file attached to nothing; only its uploader may attach it."""
    checked = check_upload(upload)
    with transaction.atomic():
        return record_file(checked, actor=actor, at=now_or(at))


def _own_unattached(stored: StoredFile, actor: Actor) -> StoredFile:
    if stored.component_id is not None or stored.result_id is not None:
        raise Conflict(
            ErrorCode.FILE_ALREADY_ATTACHED,
            _("This file is already attached to a paper or a result."),
        )
    if isinstance(actor, SystemActor) or stored.uploaded_by_id != actor.pk:
        raise NotAllowed(
            ErrorCode.NOT_ALLOWED,
            _("Only the officer who uploaded a file may attach it."),
        )
    return stored


def digitise_component(
    *,
    component: DossierComponent,
    upload: Upload,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> StoredFile:
    """Digitise a submitted paper (số hóa, TT 01/2023/TT-VPCP Điều 7, 8; spec 03 §4.2
    step 1): its scan is attached to that paper of the dossier, and the paper is marked
    digitised at that moment (``DossierComponent.digitised_at``, what Decision 766
    group 4 reads). A paper scanned again (another page, a better scan) keeps the moment
    it was first digitised. A change to the dossier's record: its legal history gains a
    ``digitise_component`` event in the same transaction (the counter officer of the
    receiving one-stop unit, ``workflow.RULES``), and the dossier's version moves on.

    The upload is checked (size while reading, type from the content) before anything is
    written; a refusal, or any failure later, leaves no row."""
    checked = check_upload(upload) if not isinstance(upload, StoredFile) else None
    return _digitise(
        dossier=component.dossier,
        component=component,
        upload=upload,
        checked=checked,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )


@dossier_change
def _digitise(
    *,
    dossier: Dossier,
    component: DossierComponent,
    upload: Upload,
    checked: CheckedUpload | None,
    actor: Actor,
    at: dt.datetime | None,
    expected_version: int | None,
) -> StoredFile:
    acting = begin(
        Action.DIGITISE_COMPONENT,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    if checked is not None:
        stored = record_file(
            checked,
            actor=actor,
            at=acting.moment,
            dossier=dossier,
            component=component,
        )
    else:
        assert isinstance(upload, StoredFile)  # noqa: S101 - narrowed by the caller
        stored = _own_unattached(upload, actor)
        stored.dossier = dossier
        stored.component = component
        stored.save(update_fields=["dossier", "component"])
    finish(
        acting,
        events.paper_digitised_event(
            paper=component.name, file_id=stored.pk, sha256=stored.blob_id
        ),
    )
    first = component.digitised_at is None
    if first:
        DossierComponent.objects.filter(pk=component.pk).update(
            digitised_at=acting.moment
        )
        component.digitised_at = acting.moment
    return stored


def attach_result_file(
    *,
    result: DossierResult,
    upload: File[bytes],
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> StoredFile:
    """Attach an electronic result file to a result already issued (NĐ 45/2020 khoản 3
    Điều 14: the result is then electronic, ``DossierResult.electronic``, what Decision
    766 indicator 4.1 counts). Whoever may issue the dossier's result may attach its
    file (the row of ``attach_result_file``, as ``issue_result``'s), while the result
    waits to be returned; once returned, the record of what was handed over is closed.
    The files given with ``issue_result(files=)`` are attached in that one transaction
    instead.

    A change to the dossier's record: its legal history gains an ``attach_result_file``
    event in the same transaction (STYLE: every change writes its event), through the
    shared path (``begin``, ``finish``), and the dossier's version moves on. The event
    names no file: the file's row says which result, by whom and when, and the result
    row that it is electronic. ``expected_version``: the version the caller read, if it
    names one.

    The upload is checked before anything is written; the dossier's row is then locked
    and read again, so that a result returned meanwhile refuses the file."""
    moment = now_or(at)
    dossier = result.dossier
    if not may_act(actor, Action.ATTACH_RESULT_FILE, dossier, at=moment):
        raise NotAllowed(
            ErrorCode.NOT_ALLOWED, _("You may not do this to this dossier.")
        )
    if dossier.status != DossierStatus.RESOLVED:
        raise _returned_already()
    checked = check_upload(upload)
    with transaction.atomic():
        current = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if current.status != DossierStatus.RESOLVED:
            raise _returned_already()
        stored = _attach(
            dossier=current,
            result=result,
            checked=checked,
            actor=actor,
            at=moment,
            expected_version=expected_version,
        )
    dossier.lock_version = current.lock_version
    return stored


def _returned_already() -> Conflict:
    return Conflict(
        ErrorCode.RESULT_ALREADY_RETURNED,
        _("A file can be attached to a result only before it is returned."),
    )


@dossier_change
def _attach(
    *,
    dossier: Dossier,
    result: DossierResult,
    checked: CheckedUpload,
    actor: Actor,
    at: dt.datetime,
    expected_version: int | None,
) -> StoredFile:
    acting = begin(
        Action.ATTACH_RESULT_FILE,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    stored = attach_checked_result_file(
        result=result, checked=checked, actor=actor, at=acting.moment
    )
    finish(acting, events.NewEvent(Action.ATTACH_RESULT_FILE))
    return stored
