"""Officers read the catalogue's errors in Vietnamese, numbers written the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from motcua.procedures.choices import TimeUnit
from motcua.procedures.validation import check_process_budget


@pytest.fixture(autouse=True)
def _english():
    """Overrides the package's English fixture: these tests are in Vietnamese."""
    with translation.override("vi"):
        yield


def test_budget_mismatch_is_explained_in_vietnamese():
    # 0,5 + 1 + 0,5 = 2 ngày làm việc against a legal time of 3: short by 1 day
    with pytest.raises(ValidationError) as refused:
        check_process_budget(
            procedure_code="1.004873",
            version_number=2,
            handling_time=Decimal(3),
            unit=TimeUnit.WORKING_DAYS,
            budgets=[Decimal("0.5"), Decimal(1), Decimal("0.5")],
        )
    message = refused.value.messages[0]
    assert refused.value.code == "process_budget_mismatch"
    assert message == (
        "Thủ tục 1.004873 v2: tổng thời gian các bước quy trình là 2 ngày làm việc "
        "nhưng thời hạn giải quyết là 3 ngày làm việc (chênh lệch -1)."
    )


def test_half_day_difference_uses_a_decimal_comma():
    with pytest.raises(ValidationError) as refused:
        check_process_budget(
            procedure_code="1.001193",
            version_number=None,
            handling_time=Decimal(1),
            unit=TimeUnit.WORKING_DAYS,
            budgets=[Decimal("0.5"), Decimal(1)],
        )
    assert "(chênh lệch +0,5)" in refused.value.messages[0]
