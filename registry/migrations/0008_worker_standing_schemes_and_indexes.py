"""What each worker carries from their certificates and needs, kept by Certificate.save() and
TrainingNeed.save() from now on and filled here: the last day they hold a certificate of each
scheme in good standing, and whether they hold any certificate or need of each scheme (a
bureau's scope). With them and the worker's town, the city's head counts per town read one index.
"""

from django.db import migrations, models
from django.db.models import Exists, Max, OuterRef, Subquery
from django.db.models.functions import Least

SCHEMES = {
    "special_operation": ("operation_standing_until", "in_special_operation"),
    "special_equipment": ("equipment_standing_until", "in_special_equipment"),
}


def fill(apps, schema_editor):
    Worker = apps.get_model("registry", "Worker")
    Certificate = apps.get_model("registry", "Certificate")
    TrainingNeed = apps.get_model("registry", "TrainingNeed")
    values = {}
    for scheme, (standing, member) in SCHEMES.items():
        certificates = Certificate.objects.filter(worker=OuterRef("pk"), category__scheme=scheme)
        values[standing] = Subquery(
            certificates.exclude(verification="forged")
            .order_by().values("worker").annotate(until=Max(Least("valid_until", "next_review_on"))).values("until")
        )
        values[member] = Exists(certificates) | Exists(
            TrainingNeed.objects.filter(worker=OuterRef("pk"), category__scheme=scheme))
    Worker.objects.update(**values)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_town_on_worker_certificate_need'),
    ]

    operations = [
        migrations.AddField(
            model_name='worker',
            name='equipment_standing_until',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='特种设备持证有效至'),
        ),
        migrations.AddField(
            model_name='worker',
            name='in_special_equipment',
            field=models.BooleanField(default=False, editable=False, verbose_name='涉及特种设备'),
        ),
        migrations.AddField(
            model_name='worker',
            name='in_special_operation',
            field=models.BooleanField(default=False, editable=False, verbose_name='涉及特种作业'),
        ),
        migrations.AddField(
            model_name='worker',
            name='operation_standing_until',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='特种作业持证有效至'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='worker',
            index=models.Index(fields=['town', 'is_active', 'operation_standing_until', 'equipment_standing_until', 'in_special_operation', 'in_special_equipment'], name='worker_town_standing_idx'),
        ),
        migrations.AddIndex(
            model_name='worker',
            index=models.Index(condition=models.Q(('is_active', False)), fields=['id'], name='worker_archived_idx'),
        ),
    ]
