"""Results: the result is issued (processing ends) and returned to the applicant; a
procedure settled on the spot runs its whole course at once (NĐ 61/2018 Điều 18; NĐ
45/2020 Điều 14; spec 02 §3.5, §9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.files import File
from django.utils.translation import gettext as _

from motcua.dossiers import events, limits
from motcua.dossiers.choices import ReturnMethod
from motcua.dossiers.errors import ErrorCode, InvalidInput
from motcua.dossiers.limits import check_text, check_texts
from motcua.dossiers.models import Dossier, DossierResult
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services.intake import Intake, receive_dossier
from motcua.dossiers.services.processing import transfer_dossier
from motcua.dossiers.services.shared import (
    Acting,
    begin,
    check_actor,
    dossier_change,
    finish,
    now_or,
)
from motcua.dossiers.workflow import Action
from motcua.files.store import (
    CheckedUpload,
    attach_checked_result_file,
    check_upload,
)


@dataclass(frozen=True)
class ResultDocument:
    """A result document issued (``DanhSachGiayToKetQua[]``, spec 08 §3): its name, and
    whether it is an electronic document (766 4.1, spec 01 §3 group 4), with the link to
    its file in the system that keeps it (``DuongDanTepTinKetQua``) and whether it was
    pushed to the citizen's data store (4.4). A link makes the result electronic."""

    name: str
    electronic: bool = False
    file_url: str = ""
    sent_to_data_store: bool = False


def _result_documents(
    results: Sequence[str | ResultDocument],
) -> list[ResultDocument]:
    """The documents named (a plain name is a paper result), each checked: bounded texts
    (``limits``), and only an electronic result can have been sent to the citizen's data
    store (``result_not_electronic``)."""
    documents = [
        item if isinstance(item, ResultDocument) else ResultDocument(name=item)
        for item in results
    ]
    check_texts(
        [document.name for document in documents],
        field="results",
        max_items=limits.MAX_RESULTS,
        max_length=limits.RESULT_NAME_MAX_LENGTH,
    )
    kept: list[ResultDocument] = []
    for index, document in enumerate(documents):
        check_text(
            document.file_url,
            field=f"results[{index}].file_url",
            max_length=limits.RESULT_FILE_URL_MAX_LENGTH,
        )
        electronic = document.electronic or bool(document.file_url.strip())
        if document.sent_to_data_store and not electronic:
            raise InvalidInput(
                ErrorCode.RESULT_NOT_ELECTRONIC,
                _("Only an electronic result can be sent to the citizen's data store."),
                details={"field": f"results[{index}].sent_to_data_store"},
            )
        if document.name.strip():
            kept.append(
                ResultDocument(
                    name=document.name.strip(),
                    electronic=electronic,
                    file_url=document.file_url.strip(),
                    sent_to_data_store=document.sent_to_data_store,
                )
            )
    if not kept:
        raise InvalidInput(
            ErrorCode.RESULTS_REQUIRED,
            _("Name at least one result document."),
            details={"field": "results"},
        )
    return kept


def _name(item: str | ResultDocument) -> str:
    return item.name if isinstance(item, ResultDocument) else item


def _result_files(
    results: Sequence[str | ResultDocument], files: Sequence[Sequence[File[bytes]]]
) -> list[list[CheckedUpload]]:
    """The files of each named result, checked (size while reading, type from the
    content; ``files.store.check_upload``) before anything is written: ``files`` is
    empty, or holds one list per entry of ``results`` (empty for a result without a
    file), in the same order."""
    if not files:
        return [[] for item in results if _name(item).strip()]
    if len(files) != len(results):
        raise InvalidInput(
            ErrorCode.FILES_DO_NOT_MATCH_RESULTS,
            _("Give one list of files for each result, in the same order."),
            details={"field": "files"},
        )
    return [
        [check_upload(upload, field=f"files.{n}") for upload in group]
        for n, (item, group) in enumerate(zip(results, files, strict=True))
        if _name(item).strip()
    ]


@dossier_change
def issue_result(
    *,
    dossier: Dossier,
    results: Sequence[str | ResultDocument],
    actor: Actor,
    files: Sequence[Sequence[File[bytes]]] = (),
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The result is issued: processing ends (status 9, the end moment QĐ 766 judges against
    the appointment). Each result document is coded ``<dossier code>-KQ(n)`` (NĐ 45/2020
    khoản 3 Điều 14); the codes are known before the event that names them is written.
    A document may be electronic, with its link and whether it reached the citizen's data
    store (``ResultDocument``; 766 4.1 and 4.4).

    ``files``: the electronic files of each result (one list per result, in the order of
    ``results``; empty lists for results on paper only). A result with a file is stored
    in the document store and is electronic (``DossierResult.electronic``, Decision 766
    indicator 4.1), in this one transaction; an upload too big or of a type not allowed
    refuses the whole issue before anything is written."""
    names = _result_documents(results)
    checked = _result_files(results, files)
    acting = begin(
        Action.ISSUE_RESULT,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return _issue(acting, names, checked)


def _issue(
    acting: Acting,
    documents: Sequence[ResultDocument],
    files: Sequence[Sequence[CheckedUpload]] = (),
) -> Dossier:
    dossier = acting.dossier
    start = dossier.results.count()
    groups = list(files) or [[] for _document in documents]
    rows = [
        DossierResult(
            dossier=dossier,
            number=start + n,
            code=f"{dossier.code}-KQ({start + n})",
            name=document.name,
            issued_at=acting.moment,
            electronic=document.electronic or bool(group),
            file_url=document.file_url,
            sent_to_data_store=document.sent_to_data_store,
        )
        for n, (document, group) in enumerate(
            zip(documents, groups, strict=True), start=1
        )
    ]
    finish(acting, events.result_issued_event(result_codes=[r.code for r in rows]))
    DossierResult.objects.bulk_create(rows)
    for row, group in zip(rows, groups, strict=True):
        for upload in group:
            attach_checked_result_file(
                result=row, checked=upload, actor=acting.actor, at=acting.moment
            )
    return dossier


@dossier_change
def return_result(
    *,
    dossier: Dossier,
    method: ReturnMethod | None = None,
    receiver: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The result reaches the applicant, at the counter, by post or electronically, and who
    received it is recorded (status 10; NĐ 61/2018 Điều 18). Whatever steps the process
    still lists end with the return."""
    acting = begin(
        Action.RETURN_RESULT,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    check_text(receiver, field="receiver", max_length=limits.NAME_MAX_LENGTH)
    acting.set(returned_at=acting.moment)
    return finish(
        acting,
        events.result_returned_event(
            method=str(method or dossier.return_method),
            receiver=receiver,
            agency=dossier.receiving_agency,
        ),
    )


@dossier_change
def resolve_on_the_spot(
    *,
    intake: Intake,
    results: Sequence[str | ResultDocument],
    actor: Actor,
    files: Sequence[Sequence[File[bytes]]] = (),
    on_received: Callable[[Dossier], object] | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """A procedure settled at the counter while the applicant waits (giải quyết ngay): no
    receipt is printed, but the dossier and its whole history are recorded (spec 02 §3.5).
    The counter officer who may receive the dossier settles it, and is the one recorded
    for every step of it: approval included, because the law lets the counter settle it.
    ``files``: the results' electronic files, as for ``issue_result``. ``on_received``:
    what the counter records on the dossier while it is received, before it moves on, in
    this transaction: the scans of its papers (TT 01/2023/TT-VPCP Điều 8; a returned
    dossier is no longer digitised, ``workflow.RULES``)."""
    names = _result_documents(results)
    checked = _result_files(results, files)
    moment = now_or(at)
    dossier = receive_dossier(intake=intake, actor=actor, at=moment)
    if on_received is not None:
        on_received(dossier)
    dossier = transfer_dossier(dossier=dossier, actor=actor, at=moment)
    # the law lets the counter settle it: the officer who may receive it takes the steps
    # a specialist and a leader would, checked once, here (``authorised``)
    check_actor(actor, Action.RECEIVE, dossier, moment)
    for action, event in (
        (Action.SUBMIT_FOR_APPROVAL, events.dossier_submitted_for_approval_event),
        (Action.APPROVE, events.dossier_approved_event),
    ):
        acting = begin(
            action,
            dossier,
            actor=actor,
            at=moment,
            expected_version=None,
            authorised=True,
        )
        finish(acting, event(note=""))
    acting = begin(
        Action.ISSUE_RESULT,
        dossier,
        actor=actor,
        at=moment,
        expected_version=None,
        authorised=True,
    )
    _issue(acting, names, checked)
    return return_result(dossier=dossier, actor=actor, at=moment)
