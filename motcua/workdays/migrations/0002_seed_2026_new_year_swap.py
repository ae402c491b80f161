"""Seed the official schedule days that the ``holidays`` package (0.109) does not know.

Checked against the official notices for civil servants of 2024, 2025 and 2026 (see
docs/decisions/0002-working-day-calendar.md). The only difference found is the New Year
2026 swap: VPCP 12729/VPCP-KGVX of 25/12/2025 gives Thursday 1/1 to Sunday 4/1/2026 off by
swapping the working Friday 2/1/2026 with Saturday 10/1/2026, which becomes a working day.
"""

import datetime

from django.db import migrations

LEGAL_BASIS = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
ROWS = [
    (
        datetime.date(2026, 1, 2),
        "day_off",
        "Nghỉ Tết Dương lịch 2026 (hoán đổi với thứ Bảy 10/01/2026)",
    ),
    (
        datetime.date(2026, 1, 10),
        "working_day",
        "Làm bù ngày nghỉ 02/01/2026 (Tết Dương lịch 2026)",
    ),
]


def seed(apps, schema_editor):
    CalendarOverride = apps.get_model("workdays", "CalendarOverride")
    for day, kind, reason in ROWS:
        CalendarOverride.objects.get_or_create(
            date=day,
            agency=None,
            defaults={"kind": kind, "reason": reason, "legal_basis": LEGAL_BASIS},
        )


def unseed(apps, schema_editor):
    CalendarOverride = apps.get_model("workdays", "CalendarOverride")
    CalendarOverride.objects.filter(
        agency=None, legal_basis=LEGAL_BASIS, date__in=[day for day, _, _ in ROWS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
