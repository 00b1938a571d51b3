"""History rows record the town (and a worker's schemes) as the row holds them.

An import writes each new worker's and need's history row from the same rendered line as the row
itself; with columns the history left out, every line was rendered twice (a 50,000-row import
took a fifth longer). Older history rows keep an empty town.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_worker_standing_schemes_and_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalcertificate',
            name='town',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.town', verbose_name='镇（街道）'),
        ),
        migrations.AddField(
            model_name='historicaltrainingneed',
            name='town',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.town', verbose_name='镇（街道）'),
        ),
        migrations.AddField(
            model_name='historicalworker',
            name='in_special_equipment',
            field=models.BooleanField(default=False, editable=False, verbose_name='涉及特种设备'),
        ),
        migrations.AddField(
            model_name='historicalworker',
            name='in_special_operation',
            field=models.BooleanField(default=False, editable=False, verbose_name='涉及特种作业'),
        ),
        migrations.AddField(
            model_name='historicalworker',
            name='town',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.town', verbose_name='镇（街道）'),
        ),
    ]
