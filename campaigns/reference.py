"""The notice's own campaign (晋安办〔2019〕28号) with its five phases, from fixtures/reference/campaign.json."""

import datetime
import json
from pathlib import Path

from django.conf import settings

CAMPAIGN_FILE = Path(settings.BASE_DIR) / "fixtures" / "reference" / "campaign.json"


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def notice_campaign():
    return json.loads(CAMPAIGN_FILE.read_text(encoding="utf-8"))


def load_notice_campaign(apps):
    Campaign = apps.get_model("campaigns", "Campaign")
    Phase = apps.get_model("campaigns", "Phase")
    data = notice_campaign()
    campaign, _ = Campaign.objects.update_or_create(
        document_number=data["document_number"],
        starts_on=_date(data["starts_on"]),
        created_from=None,
        defaults={"name": data["name"], "issued_on": _date(data["issued_on"]), "ends_on": _date(data["ends_on"])},
    )
    for phase in data["phases"]:
        Phase.objects.update_or_create(
            campaign=campaign,
            kind=phase["kind"],
            defaults={
                "name": phase["name"],
                "order": phase["order"],
                "starts_on": _date(phase["starts_on"]),
                "ends_on": _date(phase["ends_on"]),
                "deadline": _date(phase["deadline"]),
                "description": phase["description"],
            },
        )
    return campaign
