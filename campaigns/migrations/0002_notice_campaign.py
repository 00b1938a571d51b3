from django.db import migrations


def load(apps, schema_editor):
    from campaigns.reference import load_notice_campaign

    load_notice_campaign(apps)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
