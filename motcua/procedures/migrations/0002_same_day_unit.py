"""``TimeUnit.SAME_DAY`` ("trong ngày"), and the versions that meant it written as it.

Until now a same-day procedure could only be written as 0 working days, which the dossier
services read as "the end of the reception day, or of the next working day after the
cut-off". Those versions become 1 same day (docs/decisions/0006); their steps, whose
budgets had to add up to 0, share the day equally (0.25 each for four steps; the last step
takes what rounding to hundredths leaves), so that the process still adds up.
"""

from decimal import Decimal

from django.db import migrations, models


def zero_working_days_to_same_day(apps, schema_editor):
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    ProcessStep = apps.get_model("procedures", "ProcessStep")
    versions = ProcedureVersion.objects.filter(
        handling_time=0, handling_time_unit="working_days"
    )
    for version in versions:
        steps = list(ProcessStep.objects.filter(version=version).order_by("position"))
        if steps:
            share = (Decimal(1) / len(steps)).quantize(Decimal("0.01"))
            for step in steps:
                step.budget = share
            steps[-1].budget = Decimal(1) - share * (len(steps) - 1)
            ProcessStep.objects.bulk_update(steps, ["budget"])
    versions.update(handling_time=1, handling_time_unit="same_day")


def same_day_to_zero_working_days(apps, schema_editor):
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    ProcessStep = apps.get_model("procedures", "ProcessStep")
    versions = ProcedureVersion.objects.filter(handling_time_unit="same_day")
    ProcessStep.objects.filter(version__in=versions).update(budget=0)
    versions.update(handling_time=0, handling_time_unit="working_days")


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="procedureversion",
            name="handling_time_unit",
            field=models.CharField(
                choices=[
                    ("working_days", "working days"),
                    ("same_day", "same day"),
                    ("working_hours", "working hours"),
                    ("calendar_days", "days"),
                    ("months", "months"),
                ],
                max_length=20,
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(
            zero_working_days_to_same_day, same_day_to_zero_working_days
        ),
    ]
