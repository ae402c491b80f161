"""The one-stop rules of 2018 and of 2025 as data (domain spec 02 §0).

Values not confirmed in the texts (the 8-working-hour online response window, the due-soon
warning of one working day) are the best understanding of the spec and may be edited.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

RULES = [
    {
        "effective_from": dt.date(2018, 6, 21),
        "legal_basis": "NĐ 61/2018/NĐ-CP (sửa đổi bởi NĐ 107/2021/NĐ-CP); TT 01/2018/TT-VPCP",
    },
    {
        "effective_from": dt.date(2025, 7, 1),
        "legal_basis": "NĐ 118/2025/NĐ-CP (sửa đổi bởi NĐ 367/2025/NĐ-CP); TT 03/2025/TT-VPCP",
    },
]


def seed(apps, schema_editor):
    OneStopRules = apps.get_model("dossiers", "OneStopRules")
    for rule in RULES:
        OneStopRules.objects.get_or_create(
            effective_from=rule["effective_from"],
            defaults={
                "legal_basis": rule["legal_basis"],
                "online_response_hours": Decimal(8),
                "apology_lead_working_days": 1,
                "max_reschedules": 1,
                "due_soon_working_hours": Decimal(8),
                "paper_cutoff_applies": True,
            },
        )


def unseed(apps, schema_editor):
    OneStopRules = apps.get_model("dossiers", "OneStopRules")
    OneStopRules.objects.filter(
        effective_from__in=[rule["effective_from"] for rule in RULES], dossier__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_dossiers")]
    operations = [migrations.RunPython(seed, unseed)]
