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
from motcua.indices.periods import (
    QUERY,
    QueryError,
    check_indicator,
    find_scope,
    find_unit,
    resolve_period,
)
from motcua.indices.selectors import DEFAULT_TOLERANCE

#: the longest agency identifier there is (QCVN 102:2016: 13 characters); room to spare
_IDENTIFIER_LENGTH = 64
#: a period or a day is short; a longer value is refused before it is read
_VALUE_LENGTH = 16


class IndexQuerySerializer(serializers.Serializer[Any]):
    """The query: ``unit``, and ``period`` or ``from`` and ``to``, ``subtree``, and a cut
    by ``procedure``, ``field`` or ``officer``. A parameter it does not know is refused
    (400) rather than ignored."""

    #: parameters read by someone else (the paginator)
    passed_through: frozenset[str] = frozenset()

    unit = serializers.CharField(max_length=_IDENTIFIER_LENGTH)
    period = serializers.CharField(max_length=_VALUE_LENGTH, required=False)
    start = serializers.CharField(max_length=_VALUE_LENGTH, required=False)
    end = serializers.CharField(max_length=_VALUE_LENGTH, required=False)
    subtree = serializers.BooleanField(default=False)
    procedure = serializers.CharField(max_length=_IDENTIFIER_LENGTH, required=False)
    field = serializers.CharField(max_length=_IDENTIFIER_LENGTH, required=False)
    officer = serializers.CharField(max_length=150, required=False)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" is a Python keyword: the fields are declared as start/end, named here
        fields = super().get_fields()
        fields[QUERY.start] = fields.pop("start")
        fields[QUERY.end] = fields.pop("end")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(
            set(self.initial_data) - set(self.fields) - self.passed_through
        )
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
            cut = {name: attrs.get(name) for name in ("procedure", "field", "officer")}
            scope = find_scope(**cut, spelling=QUERY)
            extra = self.validate_extra(attrs)
        except QueryError as error:
            raise serializers.ValidationError(
                {error.parameter: [error.message]}
            ) from None
        return {
            "unit": unit,
            "subtree": attrs["subtree"],
            "start": start,
            "end": end,
            "scope": scope,
            "cut": cut,
            **extra,
        }

    def validate_extra(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {}


class IndexAnswerQuerySerializer(IndexQuerySerializer):
    """The index's own query, with ``rank``: rank the unit among its siblings (each
    sibling's whole index is computed, so only when asked, as ``motcua index --rank``)."""

    rank = serializers.BooleanField(default=False)

    def validate_extra(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"rank": attrs["rank"]}


class ExplainQuerySerializer(IndexQuerySerializer):
    """The index's query and the ``indicator`` to explain; ``page`` and ``page_size``
    are the paginator's."""

    passed_through = frozenset({"page", "page_size"})
    indicator = serializers.CharField(max_length=8)

    def validate_extra(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"indicator": check_indicator(attrs["indicator"], spelling=QUERY)}


class OpportunitiesQuerySerializer(IndexQuerySerializer):
    """The index's query (``period`` defaults to ``now``) and how many dossiers."""

    limit = serializers.IntegerField(min_value=1, max_value=200, default=20)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs.get(name) for name in (QUERY.period, QUERY.start, QUERY.end)):
            attrs[QUERY.period] = "now"
        return super().validate(attrs)

    def validate_extra(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"limit": attrs["limit"]}


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
    value = serializers.FloatField(
        allow_null=True,
        help_text="A displayed value that is not a ratio: 2.2's mean working days.",
    )
    no_data = serializers.BooleanField(
        help_text="motcua does not record the data this indicator reads yet."
    )


class GroupFiguresSerializer(serializers.Serializer[Any]):
    """One portal group's points."""

    points = serializers.FloatField()
    max_points = serializers.FloatField(allow_null=True)


class RankSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField(help_text="1 + the siblings with a higher total.")
    of = serializers.IntegerField(help_text="The siblings, the unit included.")


class IndexSerializer(serializers.Serializer[Any]):
    """The Decision 766 index of a unit for a period, as `motcua index --json` prints
    it."""

    unit = serializers.CharField(help_text="The unit's identifier.")
    subtree = serializers.BooleanField(help_text="Whether the subtree is counted.")
    start = serializers.DateField(help_text="The period's first day.")
    end = serializers.DateField(help_text="The period's last day (included).")
    judged_at = serializers.DateTimeField(
        help_text="The moment open dossiers were judged at: the period's end, or now."
    )
    maintained = serializers.BooleanField(
        help_text=(
            "The dossiers' figures were read from those maintained as they change "
            "(a whole unit's month, quarter or year); otherwise recomputed."
        )
    )
    pending = serializers.IntegerField(
        help_text=(
            "Dossiers changed whose maintained figures were still behind when read "
            "(0 but after a bulk load; `motcua index refresh`)."
        )
    )
    procedure = serializers.CharField(allow_null=True, help_text="The procedure cut.")
    field = serializers.CharField(allow_null=True, help_text="The field cut.")
    officer = serializers.CharField(allow_null=True, help_text="The officer cut.")
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
    rank = RankSerializer(
        allow_null=True,
        help_text="Rank by total among the units with the same parent and level.",
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        renamed = {QUERY.start: fields.pop("start"), QUERY.end: fields.pop("end")}
        # in the order the command prints them: unit, subtree, from, to, ...
        head = {name: fields.pop(name) for name in ("unit", "subtree")}
        return {**head, **renamed, **fields}


class EntrySerializer(serializers.Serializer[Any]):
    """One item of an indicator's denominator."""

    kind = serializers.ChoiceField(
        choices=["dossier", "petition", "procedure", "service", "agency"]
    )
    id = serializers.IntegerField()
    code = serializers.CharField()
    in_numerator = serializers.BooleanField()
    reason = serializers.CharField(
        help_text="Why it counts, in the interface language."
    )


class EntryPageSerializer(serializers.Serializer[Any]):
    """A page of an indicator's items."""

    count = serializers.IntegerField(help_text="Items in the denominator.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EntrySerializer(many=True)


class OpportunitySerializer(serializers.Serializer[Any]):
    """An open dossier in time whose lateness would cost points."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    due_at = serializers.DateTimeField()
    points = serializers.FloatField(help_text="What 2.1 and 5.4 lose if it goes late.")


class GapSerializer(serializers.Serializer[Any]):
    """How far one indicator is from its target and the next band."""

    indicator = serializers.CharField()
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    to_target = serializers.IntegerField(
        allow_null=True,
        help_text="Qualifying items to add for full points; null: not reachable so.",
    )
    to_next_band = serializers.IntegerField(
        allow_null=True,
        help_text="Qualifying items to add to reach the next band with this indicator "
        "alone; null: not reachable so, or no band above.",
    )


class OpportunitiesSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField()
    total = serializers.FloatField()
    band = serializers.CharField(allow_null=True)
    next_band = serializers.CharField(allow_null=True)
    next_band_from = serializers.FloatField(allow_null=True)
    dossiers = OpportunitySerializer(many=True)
    gaps = GapSerializer(many=True)


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
