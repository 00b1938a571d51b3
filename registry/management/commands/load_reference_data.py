from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.reference import load_notice_campaign
from registry.reference import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh the towns, catalogues, departments, institutions and the notice's campaign (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        load_reference_data(apps)
        load_notice_campaign(apps)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("参考数据已是最新。"))
