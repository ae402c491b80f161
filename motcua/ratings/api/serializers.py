"""What the evaluation and petition API reads and writes. Writing serializers check the shape
of a request and turn identifiers into rows; the rules are ``ratings.services``'."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.dossiers import limits
from motcua.dossiers.api.serializers import AgencyField, MomentField, text_field
from motcua.ratings.choices import EvaluationChannel, PetitionCategory, Verdict
from motcua.ratings.models import CRITERIA, MAX_CRITERION_POINTS, Evaluation, Petition
from motcua.ratings.services import (
    MAX_REACTIONS,
    PETITION_CODE_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
)

#: the channels a request may name: an import is ``motcua ratings import``'s
REQUEST_CHANNELS = [
    (value, label)
    for value, label in EvaluationChannel.choices
    if value != EvaluationChannel.IMPORT
]


def _criterion(label: Any, *, read_only: bool = False) -> serializers.IntegerField:
    if read_only:
        return serializers.IntegerField(
            read_only=True, allow_null=True, help_text=label
        )
    return serializers.IntegerField(
        min_value=0,
        max_value=MAX_CRITERION_POINTS,
        required=False,
        allow_null=True,
        help_text=label,
    )


class CriteriaSerializer(serializers.Serializer[Any]):
    """The nine criteria of TT 01/2018 Điều 13, each 2, 1 or 0 points, or null if left
    blank."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {name: _criterion(label) for name, label in CRITERIA}


class CriteriaReadSerializer(serializers.Serializer[Any]):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {name: _criterion(label, read_only=True) for name, label in CRITERIA}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {name: getattr(instance, name) for name, _label in CRITERIA}


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    """An evaluation of a dossier, as recorded."""

    dossier = serializers.CharField(source="dossier.code", read_only=True)
    criteria = CriteriaReadSerializer(source="*", read_only=True)
    points = serializers.SerializerMethodField(
        help_text=_("The criteria's points added up (of 18), null if none was given.")
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "dossier",
            "at",
            "channel",
            "verdict",
            "criteria",
            "points",
            "comment",
            "reference",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_points(self, evaluation: Evaluation) -> int | None:
        given = [getattr(evaluation, name) for name, _label in CRITERIA]
        scored = [value for value in given if value is not None]
        return sum(scored) if scored else None


class EvaluationCreateSerializer(serializers.Serializer[Any]):
    """An evaluation given: the like or dislike and/or the nine criteria."""

    at = MomentField(
        required=False,
        help_text=_("When it was given; now by default."),
    )
    channel = serializers.ChoiceField(
        choices=REQUEST_CHANNELS, default=EvaluationChannel.PROVINCIAL_PORTAL
    )
    verdict = serializers.ChoiceField(
        choices=Verdict.choices, required=False, default="", allow_blank=True
    )
    criteria = CriteriaSerializer(required=False)
    comment = text_field(limits.NOTE_MAX_LENGTH, required=False)
    reference = text_field(
        REFERENCE_MAX_LENGTH,
        required=False,
        help_text=_("Its id in the system it came from; each is recorded once."),
    )


class PetitionSerializer(serializers.ModelSerializer[Petition]):
    """A petition (PAKN) as recorded."""

    agency = serializers.CharField(source="agency.identifier", read_only=True)
    dossier = serializers.CharField(
        source="dossier.code", read_only=True, allow_null=True
    )

    class Meta:
        model = Petition
        fields = [
            "code",
            "agency",
            "dossier",
            "category",
            "subject",
            "submitted_at",
            "transferred_at",
            "refused_at",
            "supplement_requested_at",
            "answered_at",
            "published_at",
            "likes",
            "dislikes",
            "re_raised",
            "recorded_at",
        ]
        read_only_fields = fields


def _moment(help_text: Any) -> MomentField:
    return MomentField(required=False, allow_null=True, help_text=help_text)


def _reactions(help_text: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_REACTIONS, required=False, help_text=help_text
    )


class PetitionChangeSerializer(serializers.Serializer[Any]):
    """What happened to a petition since it was recorded; a parameter it does not know is
    refused (400) rather than ignored."""

    transferred_at = _moment(_("Last transferred to this agency."))
    refused_at = _moment(_("Refused."))
    supplement_requested_at = _moment(_("First asked to supplement."))
    answered_at = _moment(_("Answered (reached chờ công khai)."))
    published_at = _moment(_("Answer published."))
    likes = _reactions(_("Likes of the answer on the national portal."))
    dislikes = _reactions(_("Dislikes of the answer on the national portal."))
    re_raised = serializers.BooleanField(
        required=False, help_text=_("Raised again about the answer.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field is not known.")] for name in unknown}
            )
        return attrs


class PetitionCreateSerializer(PetitionChangeSerializer):
    """A petition addressed to an agency, about a dossier or not."""

    code = text_field(PETITION_CODE_MAX_LENGTH, help_text=_("Its code (mã PAKN)."))
    agency = AgencyField(help_text=_("Identifier of the agency it is addressed to."))
    dossier = serializers.CharField(
        max_length=40,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Code of the dossier it is about, if any."),
    )
    category = serializers.ChoiceField(choices=PetitionCategory.choices)
    subject = text_field(SUBJECT_MAX_LENGTH, required=False)
    submitted_at = MomentField(help_text=_("Submitted."))
