"""Each worker, certificate and training need carries its town (the unit's).

The city's figures and every clerk's lists group and filter by town; read through
worker → unit, a million-row ledger is joined on every page (the dashboard took 2.4 s).
The column is added empty and filled from the units here; 0008 makes it required (in a
transaction of its own: PostgreSQL does not alter a table with the fill's deferred checks pending).
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


def town_field(model):
    return models.ForeignKey(
        editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
        to="registry.town", verbose_name="镇（街道）",
        # a worker's town is indexed with is_active (0009)
        db_index=model != "worker",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0006_leaner_training_need_writes"),
    ]

    operations = [
        *[migrations.AddField(model_name=model, name="town", field=town_field(model))
          for model in ("worker", "certificate", "trainingneed")],
        migrations.RunPython(fill_towns, migrations.RunPython.noop, elidable=True),
    ]
