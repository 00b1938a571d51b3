import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0007_town_on_worker_certificate_need"),
    ]

    operations = [
        migrations.AlterField(
            model_name=model,
            name="town",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.town",
                verbose_name="镇（街道）", db_index=model != "worker",
            ),
        )
        for model in ("worker", "certificate", "trainingneed")
    ]
