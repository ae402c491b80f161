"""The default definitions of domain spec 01 and 01b, in force from 1/8/2022 (the official
operation of the evaluation system, spec 01 §1).

Points and targets: 01 §3 with 01b §1–3 (DVCTT profile ``dvctt-2022``; 4.2 linear as the
portal applies it; 3.5b renumbered 3.4). Zero denominators: 01b §4 (1.1, 1.2, 1.4 not
scored; 5.2, 5.3 full; 5.4 and payments zero; the e-certified copy full). 1.3 and 2.1
were not observed with an empty denominator (UNCONFIRMED): not scored. Bands: 01 §5, the
lower three provisional (01b §5).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import migrations

FROM = dt.date(2022, 8, 1)
BASIS = "QĐ 766/QĐ-TTg ngày 23/6/2022"

GROUPS = [(1, 18), (2, 20), (3, 12), (4, 10), (5, 22), (6, 18)]

# indicator, group, points, target %, zero policy, formula version
INDICATORS = [
    ("1.1", 1, 6, 100, "not_scored", "vpcp-2022"),
    ("1.2", 1, 4, 100, "not_scored", "vpcp-2022"),
    ("1.3", 1, 2, 100, "not_scored", "vpcp-2022"),
    ("1.4", 1, 6, 100, "not_scored", "vpcp-2022"),
    ("2.1", 2, 20, 100, "not_scored", "vpcp-2022"),
    ("3.1", 3, 2, 80, "zero", "dvctt-2022"),
    ("3.2", 3, 4, 100, "zero", "dvctt-2022"),
    ("3.3", 3, 6, 50, "zero", "dvctt-2022"),
    ("3.4", 4, 2, 80, "zero", "vpcp-2022"),
    ("3.5", 4, 2, 80, "zero", "vpcp-2022"),
    ("3.6", 4, 6, 100, "zero", "vpcp-2022"),
    ("4.1", 5, 6, 100, "zero", "portal-2026"),
    ("4.2", 5, 4, 100, "zero", "portal-2026"),
    ("4.x", 5, 2, 100, "full", "portal-2026"),
    ("4.3", 5, 2, 80, "zero", "portal-2026"),
    ("4.4", 5, 4, 100, "zero", "portal-2026"),
    ("4.5a", 5, 2, 100, "zero", "portal-2026"),
    ("4.5b", 5, 2, 100, "zero", "portal-2026"),
    ("5.2", 6, 6, 100, "full", "vpcp-2022"),
    ("5.3", 6, 6, 100, "full", "vpcp-2022"),
    ("5.4", 6, 6, 90, "zero", "vpcp-2022"),
]

# band, lower bound, provisional
BANDS = [
    ("excellent", 90, False),
    ("good", 80, False),
    ("fair", 70, True),
    ("average", 50, True),
    ("weak", 0, True),
]


def seed(apps, schema_editor):
    group_model = apps.get_model("indices", "GroupDefinition")
    indicator_model = apps.get_model("indices", "IndicatorDefinition")
    band_model = apps.get_model("indices", "RatingBand")
    group_model.objects.bulk_create(
        group_model(group=g, max_points=Decimal(p), effective_from=FROM, legal_basis=BASIS)
        for g, p in GROUPS
    )
    indicator_model.objects.bulk_create(
        indicator_model(
            indicator=i,
            group=g,
            max_points=Decimal(p),
            target=Decimal(t),
            zero_policy=z,
            formula_version=v,
            effective_from=FROM,
            legal_basis=BASIS,
        )
        for i, g, p, t, z, v in INDICATORS
    )
    band_model.objects.bulk_create(
        band_model(
            band=b,
            lower_bound=Decimal(low),
            provisional=prov,
            effective_from=FROM,
            legal_basis="QĐ 895/QĐ-UBND (Lâm Đồng, 2023); provincial practice 2024",
        )
        for b, low, prov in BANDS
    )


def unseed(apps, schema_editor):
    for name in ("GroupDefinition", "IndicatorDefinition", "RatingBand"):
        apps.get_model("indices", name).objects.filter(effective_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("indices", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
