"""The keys of the catalogue interchange format, table by table (docs/catalogue-format.md).

One ``Column`` per key says what kind of value it holds, whether it may be left out and what
it then means. The same tables drive the JSON export, the checks of an incoming document,
and the columns of the Excel workbook, so the three cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from motcua.accounts.choices import Role
from motcua.procedures.choices import (
    ComponentForm,
    FeeChannel,
    ImplementingLevel,
    OnlineLevel,
    TimeUnit,
)
from motcua.procedures.text import control_character_problem

FORMAT_NAME = "motcua-catalogue"
FORMAT_VERSION = 1


class Kind(enum.Enum):
    TEXT = "text"
    BOOL = "bool"
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    TEXT_LIST = "text_list"


class ValueProblem(ValueError):
    """A value of the wrong type or shape; the message says what was expected."""


@dataclass(frozen=True)
class Column:
    """One key of a table: its kind, whether it must be present, what absence means."""

    key: str
    kind: Kind
    required: bool = False
    nullable: bool = False
    default: Any = None
    choices: Sequence[str] = ()

    def default_value(self) -> Any:
        if self.kind is Kind.TEXT_LIST:
            return []
        if self.default is None and self.kind is Kind.TEXT and not self.nullable:
            return ""
        return self.default

    def to_python(self, value: Any) -> Any:
        """The Python value of a JSON value, or ``ValueProblem`` saying what was expected."""
        if value is None:
            if self.nullable:
                return None
            raise ValueProblem(_("Expected %(kind)s, not null.") % {"kind": self.label})
        converted = _CONVERTERS[self.kind](value, self)
        if self.choices:
            for item in converted if self.kind is Kind.TEXT_LIST else [converted]:
                if item not in self.choices:
                    raise ValueProblem(
                        _("“%(value)s” is not one of: %(choices)s.")
                        % {"value": item, "choices": ", ".join(self.choices)}
                    )
        return converted

    def to_json(self, value: Any) -> Any:
        """The JSON value of a Python value: decimals as normalised strings, dates ISO."""
        if value is None:
            return None
        if self.kind is Kind.DECIMAL:
            return format_decimal(value)
        if self.kind is Kind.DATE:
            return value.isoformat()
        if self.kind is Kind.TEXT_LIST:
            return list(value)
        return value

    @property
    def label(self) -> str:
        return {
            Kind.TEXT: _("text"),
            Kind.BOOL: _("true or false"),
            Kind.INT: _("a whole number"),
            Kind.DECIMAL: _("a decimal number such as “0.5”"),
            Kind.DATE: _("a date written yyyy-mm-dd"),
            Kind.TEXT_LIST: _("a list of texts"),
        }[self.kind]


def format_decimal(value: Decimal) -> str:
    """``Decimal("1.00")`` → ``"1"``, ``Decimal("0.50")`` → ``"0.5"``, ``Decimal("10")`` → ``"10"``."""
    return f"{value.normalize():f}"


def _text(value: Any, column: Column) -> str:
    if not isinstance(value, str):
        raise ValueProblem(_("Expected %(kind)s.") % {"kind": column.label})
    problem = control_character_problem(value)
    if problem is not None:
        raise ValueProblem(problem)
    return value


def _bool(value: Any, column: Column) -> bool:
    if not isinstance(value, bool):
        raise ValueProblem(_("Expected %(kind)s.") % {"kind": column.label})
    return value


def _int(value: Any, column: Column) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueProblem(_("Expected %(kind)s.") % {"kind": column.label})
    return value


def _decimal(value: Any, column: Column) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueProblem(_("Expected %(kind)s.") % {"kind": column.label})
    try:
        # str() first: a JSON float 0.1 means the decimal 0.1, not its binary neighbour.
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise ValueProblem(
            _("Expected %(kind)s, not “%(value)s”.")
            % {"kind": column.label, "value": value}
        ) from None
    if not number.is_finite():
        raise ValueProblem(
            _("Expected %(kind)s, not “%(value)s”.")
            % {"kind": column.label, "value": value}
        )
    return number


def _date(value: Any, column: Column) -> dt.date:
    problem = ValueProblem(
        _("Expected %(kind)s, not “%(value)s”.")
        % {"kind": column.label, "value": value}
    )
    if not isinstance(value, str):
        raise problem
    try:
        day = parse_date(value)
    except ValueError:  # well formed but not a day of the calendar, e.g. 2025-02-30
        raise problem from None
    if day is None:
        raise problem
    return day


def _text_list(value: Any, column: Column) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueProblem(_("Expected %(kind)s.") % {"kind": column.label})
    for item in value:
        problem = control_character_problem(item)
        if problem is not None:
            raise ValueProblem(problem)
    if len(set(value)) != len(value):
        raise ValueProblem(_("A value is listed twice."))
    return value


_CONVERTERS: dict[Kind, Callable[[Any, Column], Any]] = {
    Kind.TEXT: _text,
    Kind.BOOL: _bool,
    Kind.INT: _int,
    Kind.DECIMAL: _decimal,
    Kind.DATE: _date,
    Kind.TEXT_LIST: _text_list,
}


def _req(key: str, kind: Kind = Kind.TEXT, **kwargs: Any) -> Column:
    return Column(key, kind, required=True, **kwargs)


def _opt(key: str, kind: Kind = Kind.TEXT, **kwargs: Any) -> Column:
    return Column(key, kind, **kwargs)


FIELD_COLUMNS: tuple[Column, ...] = (
    _req("code"),
    _req("name"),
    _opt("ministry_code"),
    _opt("is_land_construction_investment", Kind.BOOL, default=False),
)

#: The version's own keys, in the order of docs/catalogue-format.md; its four child lists
#: follow them (``CHILD_TABLES``).
VERSION_COLUMNS: tuple[Column, ...] = (
    _req("number", Kind.INT),
    _req("name"),
    _req("field"),
    _req("levels", Kind.TEXT_LIST, choices=ImplementingLevel.values),
    _opt("agencies", Kind.TEXT_LIST),
    _opt("decision_authority"),
    _req("handling_time", Kind.DECIMAL),
    _req("handling_time_unit", choices=TimeUnit.values),
    _opt("handling_time_note"),
    _req("online_level", choices=OnlineLevel.values),
    _opt("pauses_for_financial_obligation", Kind.BOOL, default=False),
    _opt("sequence_of_steps"),
    _opt("methods"),
    _opt("subjects"),
    _opt("requirements"),
    _opt("legal_basis"),
    _opt("announcement_number"),
    _opt("announcement_date", Kind.DATE, nullable=True),
    _opt("legal_basis_effective_on", Kind.DATE, nullable=True),
    _opt("published_on", Kind.DATE, nullable=True),
    _req("effective_from", Kind.DATE),
    _opt("effective_to", Kind.DATE, nullable=True),
)

COMPONENT_COLUMNS: tuple[Column, ...] = (
    _req("name"),
    _req("form", choices=ComponentForm.values),
    _opt("quantity", Kind.INT, default=1),
    _opt("template"),
    _opt("is_mandatory", Kind.BOOL, default=True),
)

FEE_COLUMNS: tuple[Column, ...] = (
    _req("description"),
    _opt("amount", Kind.INT, nullable=True),
    _opt("per"),
    _opt("channel", default=FeeChannel.ALL.value, choices=FeeChannel.values),
    _opt("note"),
)

RESULT_COLUMNS: tuple[Column, ...] = (
    _req("name"),
    _opt("code"),
)

STEP_COLUMNS: tuple[Column, ...] = (
    _req("name"),
    _req("role", choices=Role.values),
    _opt("agency", nullable=True),
    _opt("is_inter_agency", Kind.BOOL, default=False),
    _req("budget", Kind.DECIMAL),
)

#: A version's child lists: key in the JSON, which is also the Excel sheet's name.
CHILD_TABLES: dict[str, tuple[Column, ...]] = {
    "components": COMPONENT_COLUMNS,
    "fees": FEE_COLUMNS,
    "results": RESULT_COLUMNS,
    "process": STEP_COLUMNS,
}


def to_json_object(columns: Sequence[Column], values: dict[str, Any]) -> dict[str, Any]:
    """The JSON object of one row of Python ``values``, keys in the table's order."""
    return {column.key: column.to_json(values[column.key]) for column in columns}
