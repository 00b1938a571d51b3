"""Each worker's standing dates: the last day they hold a certificate of each scheme in good
standing, filled here from the certificates and kept by Certificate.save() from now on. With
them and the worker's town, the city's head counts per town read one index.
"""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Least

STANDING_FIELDS = {"special_operation": "operation_standing_until", "special_equipment": "equipment_standing_until"}


def fill_standing(apps, schema_editor):
    Worker = apps.get_model("registry", "Worker")
    Certificate = apps.get_model("registry", "Certificate")
    dates = {}
    for scheme, field in STANDING_FIELDS.items():
        last_day = (
            Certificate.objects.filter(worker=OuterRef("pk"), category__scheme=scheme)
            .exclude(verification="forged")
            .order_by().values("worker").annotate(until=Max(Least("valid_until", "next_review_on"))).values("until")
        )
        dates[field] = Subquery(last_day)
    Worker.objects.update(**dates)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_town_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='worker',
            name='equipment_standing_until',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='特种设备持证有效至'),
        ),
        migrations.AddField(
            model_name='worker',
            name='operation_standing_until',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='特种作业持证有效至'),
        ),
        migrations.RunPython(fill_standing, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='worker',
            index=models.Index(fields=['town', 'is_active', 'operation_standing_until', 'equipment_standing_until'], name='worker_town_standing_idx'),
        ),
        migrations.AddIndex(
            model_name='worker',
            index=models.Index(condition=models.Q(('is_active', False)), fields=['id'], name='worker_archived_idx'),
        ),
    ]
