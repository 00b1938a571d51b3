"""Each worker, certificate and training need carries its town (the unit's).

The city's figures and every clerk's lists group and filter by town; read through
worker → unit, a million-row ledger is joined on every page (the dashboard took 2.4 s).
The column is added empty, filled from the units, then made required. It has no database
check of its own: the unit's town is checked, and the copy is the application's to keep.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_towns(apps, schema_editor):
    Unit = apps.get_model("registry", "Unit")
    Worker = apps.get_model("registry", "Worker")
    Worker.objects.update(town_id=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("town_id")))
    for name in ("Certificate", "TrainingNeed"):
        model = apps.get_model("registry", name)
        model.objects.update(town_id=Subquery(Worker.objects.filter(pk=OuterRef("worker_id")).values("town_id")))


def town_field(model, null):
    return models.ForeignKey(
        editable=False, null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+",
        to="registry.town", verbose_name="镇（街道）",
        # a worker's town is indexed with is_active (0009)
        db_index=model != "worker", db_constraint=False,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0006_leaner_training_need_writes"),
    ]

    operations = [
        *[migrations.AddField(model_name=model, name="town", field=town_field(model, null=True))
          for model in ("worker", "certificate", "trainingneed")],
        migrations.RunPython(fill_towns, migrations.RunPython.noop, elidable=True),
        *[migrations.AlterField(model_name=model, name="town", field=town_field(model, null=False))
          for model in ("worker", "certificate", "trainingneed")],
    ]
