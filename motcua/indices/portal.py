"""Reading the figures the national portal publishes for a unit and a period (issue 9 §7):
the JSON its evaluation pages return, saved to a file, read tolerantly (docs/decisions/0015).

The endpoints (spec 01 §1, unofficial, undocumented): ``transparency``,
``dvc-progress-tree``, ``provide-online-tree``, ``formality-online-payment-tree``,
``dossier-digitized``, ``handling-satisfaction`` under
``/api/v1/reporting/evaluation/``. Their shape has changed before (01b §6: the old
``rest.jsp`` with CKMB, TDGQ, CLGQ, TTTT, MDSH, MDHL, TONG_SCORE), so the reader accepts:

- a file that is one object with a key per endpoint, each the endpoint's answer as saved
  (or a list of ``{"endpoint": NAME, "response": ANSWER}``); an answer may be wrapped in
  ``data`` / ``result`` / ``content``, and a ``-tree`` answer may be a tree of units
  (``children``), of which the node whose code is the unit's identifier is read (the root
  when none is);
- in each answer: the group's points (``totalScore``, or ``score``), the metrics listed
  under ``metrics`` / ``items`` / ``indicators`` / ``details`` / ``criteria`` (each with a
  ``code`` such as ``ORIGINAL_RESULT_AVAILABLE``, or the indicator's id ``"4.1"``, and
  ``numerator``, ``denominator``, ``ratio``, ``score``), and the raw parameters 01b names:
  ``totalOnTime``/``totalReceived`` (2.1), ``authorityCount``, ``partialCount``,
  ``fullCount`` (3.1), ``onlineDossierCount``/``onlineServiceTotal`` (3.2),
  ``channelOnlineSum``/``channelTotalSum`` (3.3),
  ``totalDossierOnlineFormalityPaymentSuccess``/``totalFeeFormality`` (3.4),
  ``totalFeeDossierFormality``/``totalFeeFormality`` (3.5),
  ``totalDossierOnlinePaymentSuccess``/``totalDossierFinancialObligation`` (3.6);
- the old portal's flat group codes (CKMB … TONG_SCORE; CLGQ and TTTT told apart by
  their maximum, 12 or 10, when one is given, as 01b §2 advises);
- motcua's own normalised shape, ``{"indicators": {"2.1": {"numerator": …, …}},
  "groups": {"2": 18.5}, "total": …}``, for figures typed in by hand.

Keys it does not know are kept (the raw JSON is stored whole) and ignored. A value it
knows but cannot read (``"totalOnTime": "many"``) is an error naming its path; so is a
file with no figure at all. The unit and the period may be given by the caller or read
from the file (``unit``, ``period``, or the request body the portal was asked with:
``timeType``, ``year``, ``quarter`` / ``month``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.indices.choices import Indicator, PortalGroup

#: each endpoint and the portal group it answers (spec 01 §1)
ENDPOINT_GROUPS: dict[str, int] = {
    "transparency": PortalGroup.TRANSPARENCY,
    "dvc-progress-tree": PortalGroup.PROGRESS,
    "provide-online-tree": PortalGroup.ONLINE_SERVICE,
    "formality-online-payment-tree": PortalGroup.ONLINE_PAYMENT,
    "dossier-digitized": PortalGroup.DIGITISATION,
    "handling-satisfaction": PortalGroup.SATISFACTION,
}
#: the old portal's group fields (01b §6); CLGQ/TTTT are also told apart by maximum
OLD_GROUP_CODES: dict[str, int] = {
    "CKMB": PortalGroup.TRANSPARENCY,
    "TDGQ": PortalGroup.PROGRESS,
    "CLGQ": PortalGroup.ONLINE_SERVICE,
    "TTTT": PortalGroup.ONLINE_PAYMENT,
    "MDSH": PortalGroup.DIGITISATION,
    "MDHL": PortalGroup.SATISFACTION,
}
_GROUP_BY_MAXIMUM = {
    Decimal(12): PortalGroup.ONLINE_SERVICE,
    Decimal(10): PortalGroup.ONLINE_PAYMENT,
}
#: the metric codes of the portal's answers (01b §3, §7) and the indicator each is
METRIC_CODES: dict[str, str] = {
    "ORIGINAL_RESULT_AVAILABLE": Indicator.ELECTRONIC_RESULT,
    "SO_HOA_GIAY_TO_GIAI_QUYET": Indicator.DIGITISED,
    "ELECTRONIC_CERTIFIED_COPY": Indicator.CERTIFIED_COPY,
    "REUSED_DIGITIZED_DATA": Indicator.REUSED,
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": Indicator.PERSONAL_STORE,
    "CITIZEN_DATA_CONNECTED_FORMALITY": Indicator.POPULATION_PROCEDURES,
    "CITIZEN_DATA_CONNECTED_DOSSIER": Indicator.POPULATION_DOSSIERS,
}
#: the raw parameters of 01b §1, §2 and §7: each indicator's numerator (added up from
#: these) and denominator
PARAMETERS: dict[str, tuple[tuple[str, ...], str]] = {
    Indicator.ON_TIME: (("totalOnTime",), "totalReceived"),
    Indicator.OFFERED_ONLINE: (("partialCount", "fullCount"), "authorityCount"),
    Indicator.ONLINE_SERVICE_USED: (("onlineDossierCount",), "onlineServiceTotal"),
    Indicator.SUBMITTED_ONLINE: (("channelOnlineSum",), "channelTotalSum"),
    Indicator.PAID_ONLINE_PROCEDURES: (
        ("totalDossierOnlineFormalityPaymentSuccess",),
        "totalFeeFormality",
    ),
    Indicator.FEES_INTEGRATED: (("totalFeeDossierFormality",), "totalFeeFormality"),
    Indicator.PAID_ONLINE: (
        ("totalDossierOnlinePaymentSuccess",),
        "totalDossierFinancialObligation",
    ),
}
_WRAPPERS = ("data", "result", "content")
_METRIC_LISTS = ("metrics", "items", "indicators", "details", "criteria")
_UNIT_CODES = ("code", "departmentCode", "agencyCode", "maDinhDanh", "identifier")
_INDICATORS = frozenset(Indicator.values)
#: the deepest a saved answer is walked (a tree of units is a few levels deep)
_MAX_DEPTH = 32


class PortalFileError(ValueError):
    """A file the reader cannot take: ``path`` names the field (``dvc-progress-tree.
    totalOnTime``), ``message`` says why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass
class PortalFigure:
    """One indicator as the portal published it; any part may be missing."""

    numerator: int | None = None
    denominator: int | None = None
    ratio: Decimal | None = None
    points: Decimal | None = None


@dataclass
class PortalFile:
    """What a portal file says: the unit and period it names (if it does), each
    indicator's figures, each group's points and the total."""

    unit: str | None = None
    period: str | None = None
    indicators: dict[str, PortalFigure] = field(default_factory=dict)
    groups: dict[int, Decimal] = field(default_factory=dict)
    total: Decimal | None = None


def _number(value: Any, path: str) -> Decimal | None:
    """A JSON number, or a number written as text (``"8.83"``); ``None`` for null."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PortalFileError(path, _("must be a number"))
    if isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise PortalFileError(path, _("must be a number")) from None
        if number.is_finite():
            return number
    raise PortalFileError(path, _("must be a number"))


def _count(value: Any, path: str) -> int | None:
    number = _number(value, path)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0:
        raise PortalFileError(path, _("must be a whole number, 0 or more"))
    return int(number)


def _unwrap(answer: Any, path: str) -> tuple[Any, str]:
    for _depth in range(_MAX_DEPTH):
        if isinstance(answer, dict):
            wrapper = next((k for k in _WRAPPERS if k in answer), None)
            if wrapper is not None and isinstance(answer[wrapper], dict | list):
                answer, path = answer[wrapper], f"{path}.{wrapper}"
                continue
        return answer, path
    raise PortalFileError(path, _("nested too deep"))


def _nodes(
    answer: Any, path: str, depth: int = 0
) -> Iterator[tuple[dict[str, Any], str]]:
    """The nodes of an answer that is a unit or a tree of units, root first."""
    if depth > _MAX_DEPTH:
        raise PortalFileError(path, _("nested too deep"))
    if isinstance(answer, list):
        for index, item in enumerate(answer):
            yield from _nodes(item, f"{path}[{index}]", depth + 1)
    elif isinstance(answer, dict):
        yield answer, path
        children = answer.get("children")
        if isinstance(children, list):
            yield from _nodes(children, f"{path}.children", depth + 1)


def _node_for(answer: Any, path: str, unit: str | None) -> tuple[dict[str, Any], str]:
    answer, path = _unwrap(answer, path)
    nodes = list(_nodes(answer, path))
    if not nodes:
        raise PortalFileError(path, _("must be an object or a list of objects"))
    if unit:
        for node, where in nodes:
            if any(node.get(key) == unit for key in _UNIT_CODES):
                return node, where
    return nodes[0]


def _add(found: PortalFile, indicator: str, figure: PortalFigure) -> None:
    """Merge what this part of the file says of an indicator into what is known."""
    known = found.indicators.setdefault(indicator, PortalFigure())
    for name in ("numerator", "denominator", "ratio", "points"):
        value = getattr(figure, name)
        if value is not None:
            setattr(known, name, value)


def _metric(item: Any, path: str) -> tuple[str, PortalFigure] | None:
    if not isinstance(item, dict):
        raise PortalFileError(path, _("must be an object"))
    name = next(
        (
            str(item[key])
            for key in ("indicator", "code", "metricCode", "key", "id")
            if item.get(key) is not None
        ),
        "",
    )
    indicator = METRIC_CODES.get(name) or (name if name in _INDICATORS else None)
    if indicator is None:
        return None  # 5.1 and codes motcua does not score: kept in the raw JSON
    return indicator, PortalFigure(
        numerator=_count(item.get("numerator"), f"{path}.numerator"),
        denominator=_count(item.get("denominator"), f"{path}.denominator"),
        ratio=_number(item.get("ratio"), f"{path}.ratio"),
        points=_number(
            item["score"] if "score" in item else item.get("points"),
            f"{path}.score",
        ),
    )


def _read_answer(
    found: PortalFile, group: int, node: dict[str, Any], path: str
) -> None:
    points = node.get("totalScore", node.get("score"))
    key = "totalScore" if "totalScore" in node else "score"
    group_points = _number(points, f"{path}.{key}")
    if group_points is not None:
        found.groups[group] = group_points
    for list_key in _METRIC_LISTS:
        items = node.get(list_key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise PortalFileError(f"{path}.{list_key}", _("must be a list"))
        for index, item in enumerate(items):
            metric = _metric(item, f"{path}.{list_key}[{index}]")
            if metric is not None:
                _add(found, *metric)
    for indicator, (parts, whole) in PARAMETERS.items():
        if not any(name in node for name in (*parts, whole)):
            continue
        given = [_count(node.get(name), f"{path}.{name}") for name in parts]
        numerator = (
            sum(v for v in given if v is not None)
            if any(v is not None for v in given)
            else None
        )
        _add(
            found,
            indicator,
            PortalFigure(
                numerator=numerator,
                denominator=_count(node.get(whole), f"{path}.{whole}"),
            ),
        )


def _read_normalised(found: PortalFile, data: dict[str, Any]) -> None:
    indicators = data.get("indicators")
    if indicators is not None:
        if not isinstance(indicators, dict):
            raise PortalFileError("indicators", _("must be an object"))
        for indicator, item in indicators.items():
            path = f"indicators.{indicator}"
            if indicator not in _INDICATORS:
                raise PortalFileError(path, _("not an indicator of the index"))
            metric = (
                _metric({**item, "indicator": indicator}, path)
                if isinstance(item, dict)
                else None
            )
            if metric is None:
                raise PortalFileError(path, _("must be an object"))
            _add(found, *metric)
    groups = data.get("groups")
    if groups is not None:
        if not isinstance(groups, dict):
            raise PortalFileError("groups", _("must be an object"))
        for key, value in groups.items():
            path = f"groups.{key}"
            if not str(key).isdigit() or int(key) not in PortalGroup.values:
                raise PortalFileError(path, _("not a group of the portal (1 to 6)"))
            if isinstance(value, dict):
                value = value.get("points")
            points = _number(value, path)
            if points is not None:
                found.groups[int(key)] = points


def _read_old_codes(found: PortalFile, data: dict[str, Any]) -> None:
    for code, group in OLD_GROUP_CODES.items():
        if code not in data:
            continue
        value = data[code]
        maximum = None
        if isinstance(value, dict):
            maximum = _number(value.get("maxScore"), f"{code}.maxScore")
            value = value.get("score", value.get("totalScore"))
        points = _number(value, code)
        if points is not None:
            found.groups[
                _GROUP_BY_MAXIMUM.get(maximum, group) if maximum else group
            ] = points
    if "TONG_SCORE" in data:
        found.total = _number(data["TONG_SCORE"], "TONG_SCORE")


def _period_of_request(request: dict[str, Any], path: str) -> str | None:
    kind = request.get("timeType")
    if kind is None:
        return None
    year = _count(request.get("year"), f"{path}.year")
    if year is None:
        raise PortalFileError(f"{path}.year", _("required with timeType"))
    if kind == "year":
        return f"{year}"
    if kind == "quarter":
        quarter = _count(request.get("quarter"), f"{path}.quarter")
        if quarter is None or not 1 <= quarter <= 4:
            raise PortalFileError(f"{path}.quarter", _("a quarter from 1 to 4"))
        return f"{year}-Q{quarter}"
    if kind == "month":
        month = _count(request.get("month"), f"{path}.month")
        if month is None or not 1 <= month <= 12:
            raise PortalFileError(f"{path}.month", _("a month from 1 to 12"))
        return f"{year}-{month:02d}"
    raise PortalFileError(f"{path}.timeType", _("month, quarter or year"))


def _answers(data: Any) -> Iterator[tuple[str, Any, str]]:
    """(endpoint, answer, path) of each saved answer."""
    if isinstance(data, list):
        for index, item in enumerate(data):
            path = f"[{index}]"
            if not isinstance(item, dict) or "endpoint" not in item:
                raise PortalFileError(path, _("must be {endpoint, response}"))
            endpoint = str(item["endpoint"]).rstrip("/").rsplit("/", 1)[-1]
            if endpoint in ENDPOINT_GROUPS:
                yield endpoint, item.get("response"), f"{path}.response"
        return
    for endpoint in ENDPOINT_GROUPS:
        if endpoint in data:
            yield endpoint, data[endpoint], endpoint


def read_portal_file(data: Any, *, unit: str | None = None) -> PortalFile:
    """The figures of a saved portal file (module docstring); ``unit`` picks the node of a
    tree of units when the file holds several. Raises ``PortalFileError`` naming the
    field when the file cannot be read, or says nothing the index can compare."""
    if not isinstance(data, dict | list):
        raise PortalFileError("", _("the file must be a JSON object or array"))
    found = PortalFile()
    if isinstance(data, dict):
        for key in ("unit", "period"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise PortalFileError(key, _("must be text"))
        found.unit = data.get("unit")
        found.period = data.get("period")
        request = data.get("request", data)
        if isinstance(request, dict) and found.period is None:
            found.period = _period_of_request(
                request, "request" if "request" in data else ""
            )
        _read_normalised(found, data)
        _read_old_codes(found, data)
        if "total" in data:
            found.total = _number(data["total"], "total")
    for endpoint, answer, path in _answers(data):
        node, where = _node_for(answer, path, unit or found.unit)
        _read_answer(found, ENDPOINT_GROUPS[endpoint], node, where)
    for indicator, figure in found.indicators.items():
        if (
            figure.numerator is not None
            and figure.denominator is not None
            and figure.numerator > figure.denominator
        ):
            raise PortalFileError(
                indicator,
                _("the numerator %(n)s is larger than the denominator %(d)s")
                % {"n": figure.numerator, "d": figure.denominator},
            )
    if not found.indicators and not found.groups and found.total is None:
        raise PortalFileError(
            "",
            _(
                "no figure found: expected the answers of the portal's evaluation "
                "endpoints (transparency, dvc-progress-tree, …) or indicators/groups"
            ),
        )
    if found.total is None and found.groups:
        found.total = sum(found.groups.values(), Decimal(0))
    return found
