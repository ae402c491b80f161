"""Writing evaluations and petitions: every write of the ratings app (766 group 5, spec 01 §3
and 01b §7; the per-dossier evaluation of TT 01/2018 Điều 13, spec 05 §3).

Each function is one transaction, checks its bounds and its rules before writing, and
raises the dossier services' errors (``InvalidInput`` 422, ``Conflict`` 409,
``NotAllowed`` 403) with an ``ErrorCode`` and the field in ``details``; nothing is written
when it raises. The API, the admin and ``motcua ratings import`` call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.dossiers.errors import Conflict, ErrorCode, InvalidInput, NotAllowed
from motcua.dossiers.limits import NOTE_MAX_LENGTH, check_text
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor, SystemActor, may_see
from motcua.dossiers.signals import changed
from motcua.ratings.choices import EvaluationChannel, PetitionCategory, Verdict
from motcua.ratings.models import CRITERIA, MAX_CRITERION_POINTS, Evaluation, Petition
from motcua.ratings.permissions import may_record_evaluation, may_record_petition

#: the evaluation's id in the system it came from: the column of ``Evaluation.reference``
REFERENCE_MAX_LENGTH = 100
#: a petition's code (``Petition.code``) and subject (``Petition.subject``)
PETITION_CODE_MAX_LENGTH = 100
SUBJECT_MAX_LENGTH = 500
#: the portal's reactions to an answer: far beyond any count seen, within a 32-bit column
MAX_REACTIONS = 1_000_000_000
#: the nine criteria's field names (TT 01/2018 Điều 13)
CRITERION_NAMES = tuple(name for name, _label in CRITERIA)
#: the moments of a petition, in the order they happen (spec 01b §7)
PETITION_MOMENTS = (
    "submitted_at",
    "transferred_at",
    "refused_at",
    "supplement_requested_at",
    "answered_at",
    "published_at",
)
#: what ``update_petition`` may change: the moments not yet recorded, and the reactions
UPDATABLE = frozenset({*PETITION_MOMENTS[1:], "likes", "dislikes", "re_raised"})


def _recorded_by(actor: Actor) -> User | None:
    return None if isinstance(actor, SystemActor) else actor


def _aware(moment: dt.datetime, field: str) -> dt.datetime:
    if timezone.is_naive(moment):
        raise InvalidInput(
            ErrorCode.NAIVE_DATETIME,
            _("Moments must carry their time zone."),
            details={"field": field},
        )
    if moment > timezone.now():
        raise InvalidInput(
            ErrorCode.MOMENT_OUT_OF_RANGE,
            _("%(field)s is in the future.") % {"field": field},
            details={"field": field},
        )
    return moment


def _check_criteria(criteria: Mapping[str, int | None]) -> dict[str, int | None]:
    """The nine criteria, each 0, 1 or 2 points or empty (TT 01/2018 Điều 13)."""
    scores: dict[str, int | None] = {}
    for name, value in criteria.items():
        if name not in CRITERION_NAMES:
            raise InvalidInput(
                ErrorCode.INVALID,
                _("%(name)s is not one of the nine criteria.") % {"name": name},
                details={"field": f"criteria.{name}"},
            )
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_CRITERION_POINTS
        ):
            raise InvalidInput(
                ErrorCode.CRITERION_OUT_OF_RANGE,
                _("A criterion scores 0, 1 or 2 points."),
                details={"field": f"criteria.{name}"},
            )
        scores[name] = value
    return scores


@transaction.atomic
def record_evaluation(
    *,
    dossier: Dossier,
    at: dt.datetime,
    channel: str,
    verdict: str = "",
    criteria: Mapping[str, int | None] | None = None,
    comment: str = "",
    reference: str = "",
    actor: Actor,
) -> Evaluation:
    """An applicant's evaluation of a dossier: the like or dislike 766 indicator 5.4 reads
    (a dislike makes the dossier count against satisfaction, spec 01b §7) and the nine
    criteria of the 18-point scale (TT 01/2018 Điều 13, spec 05 §3), any of them empty.
    Refused: neither a verdict nor a criterion (``evaluation_empty``), a criterion
    outside 0..2, a moment before the dossier was submitted or in the future, a reference
    already recorded on that channel (409 ``duplicate_reference``)."""
    if not may_record_evaluation(actor, channel) or (
        isinstance(actor, User) and not may_see(actor, dossier)
    ):
        raise NotAllowed(
            ErrorCode.NOT_ALLOWED, _("You may not evaluate this dossier here.")
        )
    if channel not in EvaluationChannel.values:
        raise InvalidInput(
            ErrorCode.INVALID,
            _("Unknown channel %(channel)s.") % {"channel": channel},
            details={"field": "channel"},
        )
    if verdict and verdict not in Verdict.values:
        raise InvalidInput(
            ErrorCode.INVALID,
            _("Unknown verdict %(verdict)s.") % {"verdict": verdict},
            details={"field": "verdict"},
        )
    scores = _check_criteria(criteria or {})
    check_text(comment, field="comment", max_length=NOTE_MAX_LENGTH)
    check_text(reference, field="reference", max_length=REFERENCE_MAX_LENGTH)
    if not verdict and all(value is None for value in scores.values()):
        raise InvalidInput(
            ErrorCode.EVALUATION_EMPTY,
            _("Give the verdict or at least one criterion."),
            details={"field": "verdict"},
        )
    _aware(at, "at")
    if at < dossier.submitted_at:
        raise InvalidInput(
            ErrorCode.EVALUATION_BEFORE_RECEPTION,
            _("A dossier is evaluated after it was submitted."),
            details={"field": "at"},
        )
    reference = reference.strip()
    if (
        reference
        and Evaluation.objects.filter(channel=channel, reference=reference).exists()
    ):
        raise _duplicate("reference", reference)
    evaluation = Evaluation(
        dossier=dossier,
        at=at,
        channel=channel,
        verdict=verdict,
        comment=comment,
        reference=reference,
        recorded_by=_recorded_by(actor),
        **scores,
    )
    try:
        with transaction.atomic():
            evaluation.save(force_insert=True)
    except IntegrityError:  # recorded meanwhile by another request
        raise _duplicate("reference", reference) from None
    changed([dossier.pk], sender=Evaluation)
    return evaluation


def _duplicate(field: str, value: str) -> Conflict:
    return Conflict(
        ErrorCode.DUPLICATE_REFERENCE,
        _("%(value)s is already recorded.") % {"value": value},
        details={"field": field},
    )


def _check_petition_moments(moments: Mapping[str, dt.datetime | None]) -> None:
    """The moments in the order they happen (spec 01b §7, the 5.2 rules): submitted, then
    transferred to this agency; refusal and the first supplement request after the
    (latest) start; the answer after both the start and the supplement request; the
    publication after the answer. A refused petition is neither answered nor published."""
    for name in PETITION_MOMENTS:
        moment = moments.get(name)
        if moment is not None:
            _aware(moment, name)
    start = "transferred_at" if moments.get("transferred_at") else "submitted_at"
    #: each moment, and those it may not come before
    after: list[tuple[str, tuple[str, ...]]] = [
        ("transferred_at", ("submitted_at",)),
        ("refused_at", (start,)),
        ("supplement_requested_at", (start,)),
        ("answered_at", (start, "supplement_requested_at")),
        ("published_at", ("answered_at",)),
    ]
    for later, earlier_ones in after:
        moment = moments.get(later)
        if moment is None:
            continue
        for earlier in earlier_ones:
            before = moments.get(earlier)
            if before is not None and moment < before:
                raise InvalidInput(
                    ErrorCode.PETITION_MOMENTS_OUT_OF_ORDER,
                    _("%(later)s is before %(earlier)s.")
                    % {"later": later, "earlier": earlier},
                    details={"field": later},
                )
    if moments.get("published_at") and not moments.get("answered_at"):
        raise InvalidInput(
            ErrorCode.PETITION_MOMENTS_OUT_OF_ORDER,
            _("An answer is published after it is given."),
            details={"field": "published_at"},
        )
    if moments.get("refused_at") and (
        moments.get("answered_at") or moments.get("supplement_requested_at")
    ):
        raise InvalidInput(
            ErrorCode.PETITION_MOMENTS_OUT_OF_ORDER,
            _("A refused petition is neither asked to supplement nor answered."),
            details={"field": "refused_at"},
        )


def _check_reactions(values: Mapping[str, Any]) -> None:
    for name in ("likes", "dislikes"):
        value = values.get(name, 0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_REACTIONS
        ):
            raise InvalidInput(
                ErrorCode.INVALID,
                _("%(field)s is a count from 0 to %(max)s.")
                % {"field": name, "max": MAX_REACTIONS},
                details={"field": name},
            )


@transaction.atomic
def record_petition(
    *,
    code: str,
    agency: Agency,
    category: str,
    submitted_at: dt.datetime,
    dossier: Dossier | None = None,
    subject: str = "",
    transferred_at: dt.datetime | None = None,
    refused_at: dt.datetime | None = None,
    supplement_requested_at: dt.datetime | None = None,
    answered_at: dt.datetime | None = None,
    published_at: dt.datetime | None = None,
    likes: int = 0,
    dislikes: int = 0,
    re_raised: bool = False,
    actor: Actor,
) -> Petition:
    """A petition (phản ánh, kiến nghị) addressed to ``agency``, about a dossier or not,
    with the moments the 766 rules of 5.2 and 5.3 read (spec 01b §7) in their order and
    the portal's reactions to its answer. Refused: a code already recorded (409
    ``duplicate_reference``), moments out of order, an agency whose petitions the actor
    may not record (403)."""
    if not may_record_petition(actor, agency.pk):
        raise NotAllowed(
            ErrorCode.NOT_ALLOWED,
            _("You may not record petitions addressed to this agency."),
        )
    code = check_text(code, field="code", max_length=PETITION_CODE_MAX_LENGTH).strip()
    if not code:
        raise InvalidInput(
            ErrorCode.MISSING_REQUIRED,
            _("The petition's code is required."),
            details={"field": "code"},
        )
    check_text(subject, field="subject", max_length=SUBJECT_MAX_LENGTH)
    if category not in PetitionCategory.values:
        raise InvalidInput(
            ErrorCode.INVALID,
            _("Unknown category %(category)s.") % {"category": category},
            details={"field": "category"},
        )
    moments = {
        "submitted_at": submitted_at,
        "transferred_at": transferred_at,
        "refused_at": refused_at,
        "supplement_requested_at": supplement_requested_at,
        "answered_at": answered_at,
        "published_at": published_at,
    }
    _check_petition_moments(moments)
    _check_reactions({"likes": likes, "dislikes": dislikes})
    if Petition.objects.filter(code=code).exists():
        raise _duplicate("code", code)
    petition = Petition(
        code=code,
        agency=agency,
        dossier=dossier,
        category=category,
        subject=subject,
        likes=likes,
        dislikes=dislikes,
        re_raised=re_raised,
        **moments,
    )
    try:
        with transaction.atomic():
            petition.save(force_insert=True)
    except IntegrityError:
        raise _duplicate("code", code) from None
    if dossier is not None:
        changed([dossier.pk], sender=Petition)
    return petition


@transaction.atomic
def update_petition(*, petition: Petition, actor: Actor, **changes: Any) -> Petition:
    """Record what happened to a petition since: a moment not recorded yet (a moment, once
    recorded, is never rewritten: spec 08 §7.3), the reactions to the answer, whether it
    was raised again. The moments stay in their order. Only the fields of ``UPDATABLE``;
    the row is locked while it is checked."""
    if not may_record_petition(actor, petition.agency_id):
        raise NotAllowed(
            ErrorCode.NOT_ALLOWED,
            _("You may not record petitions addressed to this agency."),
        )
    unknown = sorted(set(changes) - UPDATABLE)
    if unknown:
        raise InvalidInput(
            ErrorCode.INVALID,
            _("%(field)s cannot be changed.") % {"field": unknown[0]},
            details={"field": unknown[0]},
        )
    current = Petition.objects.select_for_update().get(pk=petition.pk)
    for name in PETITION_MOMENTS[1:]:
        if name not in changes:
            continue
        recorded = getattr(current, name)
        if recorded is not None and changes[name] != recorded:
            raise Conflict(
                ErrorCode.PETITION_MOMENTS_OUT_OF_ORDER,
                _("%(field)s is already recorded and is not rewritten.")
                % {"field": name},
                details={"field": name},
            )
    moments = {
        name: changes.get(name, getattr(current, name)) for name in PETITION_MOMENTS
    }
    _check_petition_moments(moments)
    reactions = {
        name: changes.get(name, getattr(current, name))
        for name in ("likes", "dislikes")
    }
    _check_reactions(reactions)
    fields = sorted(changes)
    for name in fields:
        setattr(current, name, changes[name])
    if "re_raised" in changes:
        current.re_raised = bool(changes["re_raised"])
    if fields:
        current.save(update_fields=fields)
        if current.dossier_id is not None:
            changed([current.dossier_id], sender=Petition)
    return current
