"""What ``GET /api/index/`` reads (the query) and answers (the figures).

The query is read by ``indices.periods``, the same code as ``motcua index``; the answer is
``periods.as_json``, the command's JSON, which ``IndexSerializer`` describes for the OpenAPI
schema only (the view does not pass the figures through it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from motcua.indices.choices import Band
from motcua.indices.periods import QUERY, QueryError, find_unit, resolve_period
from motcua.indices.selectors import DEFAULT_TOLERANCE

#: the longest agency identifier there is (QCVN 102:2016: 13 characters); room to spare
_IDENTIFIER_LENGTH = 64
#: a period or a day is short; a longer value is refused before it is read
_VALUE_LENGTH = 16


class IndexQuerySerializer(serializers.Serializer[Any]):
    """The query: ``unit``, and ``period`` or ``from`` and ``to``, and ``subtree``. A
    parameter it does not know is refused (400) rather than ignored."""

    unit = serializers.CharField(max_length=_IDENTIFIER_LENGTH)
    period = serializers.CharField(max_length=_VALUE_LENGTH, required=False)
    start = serializers.CharField(max_length=_VALUE_LENGTH, required=False)
    end = serializers.CharField(max_length=_VALUE_LENGTH, required=False)
    subtree = serializers.BooleanField(default=False)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" is a Python keyword: the fields are declared as start/end, named here
        fields = super().get_fields()
        fields[QUERY.start] = fields.pop("start")
        fields[QUERY.end] = fields.pop("end")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This parameter is not known.")] for name in unknown}
            )
        try:
            start, end = resolve_period(
                period=attrs.get(QUERY.period),
                start=attrs.get(QUERY.start),
                end=attrs.get(QUERY.end),
                spelling=QUERY,
            )
            unit = find_unit(attrs[QUERY.unit], spelling=QUERY)
        except QueryError as error:
            raise serializers.ValidationError(
                {error.parameter: [error.message]}
            ) from None
        return {
            "unit": unit,
            "subtree": attrs["subtree"],
            "start": start,
            "end": end,
        }


# ------------------------------------------------------------------ the answer


class IndicatorFiguresSerializer(serializers.Serializer[Any]):
    """One indicator's figures."""

    group = serializers.IntegerField(help_text="The portal group (1–6).")
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    ratio = serializers.FloatField(
        allow_null=True, help_text="Percent, 2 decimals; null with nothing to divide."
    )
    points = serializers.FloatField(
        allow_null=True, help_text="Null when not scored (counts 0 in its group)."
    )
    max_points = serializers.FloatField()
    no_data = serializers.BooleanField(
        help_text="motcua does not record the data this indicator reads yet."
    )


class GroupFiguresSerializer(serializers.Serializer[Any]):
    """One portal group's points."""

    points = serializers.FloatField()
    max_points = serializers.FloatField(allow_null=True)


class IndexSerializer(serializers.Serializer[Any]):
    """The Decision 766 index of a unit for a period, as `motcua index --json` prints
    it."""

    unit = serializers.CharField(help_text="The unit's identifier.")
    subtree = serializers.BooleanField(help_text="Whether the subtree is counted.")
    start = serializers.DateField(help_text="The period's first day.")
    end = serializers.DateField(help_text="The period's last day (included).")
    indicators = serializers.DictField(
        child=IndicatorFiguresSerializer(),
        help_text='Each indicator by its id ("1.4", "2.1", …).',
    )
    groups = serializers.DictField(
        child=GroupFiguresSerializer(),
        help_text='Each portal group by number ("1"…"6").',
    )
    total = serializers.FloatField()
    band = serializers.ChoiceField(
        choices=Band.choices,
        allow_null=True,
        help_text="The rating band, null when no band holds the total.",
    )
    band_provisional = serializers.BooleanField(
        help_text="Some band in force is provisional, until the province decides its own."
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        renamed = {QUERY.start: fields.pop("start"), QUERY.end: fields.pop("end")}
        # in the order the command prints them: unit, subtree, from, to, ...
        head = {name: fields.pop(name) for name in ("unit", "subtree")}
        return {**head, **renamed, **fields}


# ------------------------------------------------------------------ the national portal


class PortalComparisonQuerySerializer(IndexQuerySerializer):
    """The index's query, with ``subtree`` on by default (the portal counts a unit with
    everything below it) and the ``tolerance`` beyond which a ratio (percentage points)
    or points are flagged."""

    subtree = serializers.BooleanField(default=True)
    tolerance = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        default=DEFAULT_TOLERANCE,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        tolerance = attrs.pop("tolerance")
        return {**super().validate(attrs), "tolerance": tolerance}


class FiguresSerializer(serializers.Serializer[Any]):
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True)


class IndicatorComparisonSerializer(serializers.Serializer[Any]):
    group = serializers.IntegerField()
    portal = FiguresSerializer(
        allow_null=True, help_text="As the portal published it; null if it did not."
    )
    motcua = FiguresSerializer(help_text="motcua's own figures.")
    motcua_has_data = serializers.BooleanField()
    difference = FiguresSerializer(
        allow_null=True, help_text="motcua − portal, where both are known."
    )
    comparable = serializers.BooleanField()
    differs = serializers.BooleanField(
        help_text="A count differs, or a ratio or points beyond the tolerance."
    )


class PointsComparisonSerializer(serializers.Serializer[Any]):
    portal = serializers.FloatField(allow_null=True)
    motcua = serializers.FloatField()
    difference = serializers.FloatField(allow_null=True)
    differs = serializers.BooleanField()


class PortalComparisonSerializer(serializers.Serializer[Any]):
    """motcua's index beside the national portal's figures for the same unit and
    period."""

    unit = serializers.CharField()
    subtree = serializers.BooleanField()
    start = serializers.DateField()
    end = serializers.DateField()
    tolerance = serializers.FloatField()
    imported_at = serializers.DateTimeField()
    #: "source" is a Field's own attribute: declared under another name, renamed below
    source_file = serializers.CharField(help_text="The name of the file imported.")
    indicators = serializers.DictField(child=IndicatorComparisonSerializer())
    groups = serializers.DictField(child=PointsComparisonSerializer())
    total = PointsComparisonSerializer()
    differing = serializers.ListField(
        child=serializers.CharField(), help_text="The indicators flagged."
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        renamed = {QUERY.start: fields.pop("start"), QUERY.end: fields.pop("end")}
        head = {name: fields.pop(name) for name in ("unit", "subtree")}
        middle = {
            "tolerance": fields.pop("tolerance"),
            "imported_at": fields.pop("imported_at"),
            "source": fields.pop("source_file"),
        }
        return {**head, **renamed, **middle, **fields}
