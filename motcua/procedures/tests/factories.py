"""Factories for the procedure catalogue, for any app's tests.

``ProcedureVersionFactory()`` is a version in force from 1/7/2025, 3 working days, with every
publication component but the dossier components and agencies. Give it children with
``steps=[...budgets]`` and ``components=n`` (or a list of names)::

    version = ProcedureVersionFactory.create(steps=["0.5", "2", "0.5"], components=2)

(``.create()`` rather than calling the class: mypy then knows it is a ``ProcedureVersion``.)

Codes come from sequences that real catalogues do not use (procedure codes ``9.xxxxxx``,
field codes ``G99-…``), so factories and demo data never collide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import factory

from motcua.accounts.choices import Role
from motcua.procedures.choices import (
    ComponentForm,
    ImplementingLevel,
    OnlineLevel,
    TimeUnit,
)
from motcua.procedures.models import (
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredComponent,
    ResultDocument,
)

JULY_1_2025 = dt.date(2025, 7, 1)


class FieldFactory(factory.django.DjangoModelFactory[Field]):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"G99-{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")
    ministry_code = "G99"


class ProcedureFactory(factory.django.DjangoModelFactory[Procedure]):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9.{n:06d}")


def _next_position(model: Any) -> factory.LazyAttribute:
    """One after the version's last child of that kind (1 for the first)."""
    return factory.LazyAttribute(
        lambda child: model.objects.filter(version=child.version).count() + 1
    )


class RequiredComponentFactory(factory.django.DjangoModelFactory[RequiredComponent]):
    class Meta:
        model = RequiredComponent

    version = factory.SubFactory(
        "motcua.procedures.tests.factories.ProcedureVersionFactory"
    )
    position = _next_position(RequiredComponent)
    name = factory.Sequence(lambda n: f"Giấy tờ thử nghiệm {n}")
    form = ComponentForm.ORIGINAL
    quantity = 1


class FeeLineFactory(factory.django.DjangoModelFactory[FeeLine]):
    class Meta:
        model = FeeLine

    version = factory.SubFactory(
        "motcua.procedures.tests.factories.ProcedureVersionFactory"
    )
    position = _next_position(FeeLine)
    description = "Lệ phí"
    amount = 50_000
    per = "hồ sơ"


class ResultDocumentFactory(factory.django.DjangoModelFactory[ResultDocument]):
    class Meta:
        model = ResultDocument

    version = factory.SubFactory(
        "motcua.procedures.tests.factories.ProcedureVersionFactory"
    )
    position = _next_position(ResultDocument)
    name = "Giấy chứng nhận"


class ProcessStepFactory(factory.django.DjangoModelFactory[ProcessStep]):
    class Meta:
        model = ProcessStep

    version = factory.SubFactory(
        "motcua.procedures.tests.factories.ProcedureVersionFactory"
    )
    position = _next_position(ProcessStep)
    name = factory.Sequence(lambda n: f"Bước {n}")
    role = Role.SPECIALIST
    budget = Decimal(1)


class ProcedureVersionFactory(factory.django.DjangoModelFactory[ProcedureVersion]):
    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    levels = factory.LazyFunction(lambda: [ImplementingLevel.PROVINCE.value])
    decision_authority = "Giám đốc Sở"
    handling_time = Decimal(3)
    handling_time_unit = TimeUnit.WORKING_DAYS
    online_level = OnlineLevel.FULL
    sequence_of_steps = "Bước 1: nộp hồ sơ. Bước 2: nhận kết quả."
    methods = "Trực tiếp; trực tuyến; bưu chính"
    subjects = "Công dân Việt Nam"
    effective_from = JULY_1_2025

    @factory.post_generation
    def steps(
        self, create: bool, budgets: Iterable[Decimal | str | int] | None, **kwargs: Any
    ) -> None:
        """``steps=["0.5", "2", "0.5"]``: one process step per budget, in that order."""
        for budget in budgets or ():
            ProcessStepFactory.create(version=self, budget=Decimal(budget), **kwargs)

    @factory.post_generation
    def components(
        self, create: bool, extracted: int | Iterable[str] | None, **kwargs: Any
    ) -> None:
        """``components=2`` or ``components=["Tờ khai", "Bản sao CCCD"]``."""
        if extracted is None:
            return
        if isinstance(extracted, int):
            for _ in range(extracted):
                RequiredComponentFactory.create(version=self, **kwargs)
            return
        for name in extracted:
            RequiredComponentFactory.create(version=self, name=name, **kwargs)
