"""The index reads dossiers brought in from a previous system (``motcua dossiers import``)
as it reads motcua's own: the history's national status codes say when a supplement was
asked for and when processing ended (spec 08 §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from motcua.agencies.models import Agency
from motcua.demo.services import load_demo_province
from motcua.dossiers.interchange import import_dossiers
from motcua.indices.selectors import compute_index
from motcua.workdays.clock import VN_TZ

pytestmark = pytest.mark.django_db


def _record(sequence: int, history: list[tuple[str, int]]) -> dict[str, Any]:
    """A marriage-registration dossier of the demo ward, national fields only, received
    Mon 15/9/2025 08:00 with the appointment Thu 18/9 08:00, finished Wed 17/9 10:00."""
    return {
        "MaHoSo": f"000.01.51.H15-250915-{sequence:04d}",
        "MaTTHC": "1.004873",
        "DonViXuLy": "000.00.51.H15",
        "ChuHoSo": "Trịnh Văn Long",
        "NgayNopHoSo": "20250915080000",
        "NgayTiepNhan": "20250915080000",
        "NgayHenTra": "20250918080000",
        "NgayKetThucXuLy": "20250917100000",
        "TrangThaiHoSo": 9,
        "KenhThucHien": 1,
        "QuaTrinhXuLy": [
            {"ThoiDiemXuLy": moment, "TrangThai": status, "NguoiXuLy": "A"}
            for moment, status in history
        ],
    }


def test_imported_histories_are_judged_by_the_same_rule():
    """One supplement round, finished before the appointment: on time. Two rounds,
    finished just as early: late (spec 01 §3 step 3). 2.1 = 1/2 = 50 % → 10 points."""
    load_demo_province()
    once = [
        ("20250915080000", 2),
        ("20250915150000", 5),
        ("20250916090000", 4),
        ("20250917100000", 9),
    ]
    twice = [
        ("20250915080000", 2),
        ("20250915150000", 5),
        ("20250916090000", 4),
        ("20250916100000", 5),
        ("20250916110000", 4),
        ("20250917100000", 9),
    ]
    report = import_dossiers([_record(41, once), _record(42, twice)])
    assert report.problems == []
    index = compute_index(
        unit=Agency.objects.get(identifier="000.00.51.H15"),
        subtree=False,
        start=dt.date(2025, 9, 1),
        end=dt.date(2025, 9, 30),
        now=dt.datetime(2030, 1, 1, tzinfo=VN_TZ),
    )
    on_time = index.scores["2.1"]
    assert (on_time.numerator, on_time.denominator) == (1, 2)
    assert on_time.points == Decimal("10.00")
