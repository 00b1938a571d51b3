"""Reference data shipped in fixtures/reference/: towns, categories, departments, institutions.

`load_reference_data(apps)` is idempotent (keyed on natural keys) and takes an app registry, so
the data migration runs it with historical models and `manage.py load_reference_data` with the
current ones.
"""

import csv
from pathlib import Path

from django.conf import settings

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"

# The scheme's rules (FACTS.md): special operations valid 6 years, reviewed every 3 years,
# applied for within 60 days before; special equipment valid 4 years, review applied for at
# least a month before expiry, reminded 3 months ahead (local practice).
SCHEME_RULES = {
    "special_operation": {
        "validity_years": 6,
        "review_interval_years": 3,
        "review_lead_days": 60,
        "review_reminder_days": 60,
    },
    "special_equipment": {
        "validity_years": 4,
        "review_interval_years": None,
        "review_lead_days": 30,
        "review_reminder_days": 60,
    },
}


def _rows(name):
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def town_rows():
    return _rows("towns.csv")


def category_rows():
    return _rows("categories.csv")


def department_names():
    text = (REFERENCE_DIR / "departments.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def load_reference_data(apps):
    Town = apps.get_model("registry", "Town")
    Department = apps.get_model("registry", "Department")
    CertificateCategory = apps.get_model("registry", "CertificateCategory")
    TrainingInstitution = apps.get_model("registry", "TrainingInstitution")

    for order, row in enumerate(town_rows(), start=1):
        Town.objects.update_or_create(
            code=row["code9"],
            defaults={"name": row["name"], "short_name": row["short_name"], "kind": row["kind"], "order": order},
        )

    for order, name in enumerate(department_names(), start=1):
        Department.objects.update_or_create(name=name, defaults={"order": order})

    by_key = {}
    rows = category_rows()
    parent_keys = {row["parent"] for row in rows if row["parent"]}
    for order, row in enumerate(rows, start=1):
        parent = by_key.get(row["parent"]) if row["parent"] else None
        category, _ = CertificateCategory.objects.update_or_create(
            key=row["key"],
            defaults={
                "scheme": row["scheme"],
                "code": row["code"],
                "name": row["name"],
                "parent": parent,
                "level": "item" if parent else "class",
                "is_leaf": row["key"] not in parent_keys,
                "form_label": row["form_label"],
                "synonyms": [s for s in row["synonyms"].split("|") if s],
                "order": order,
                "note": row["note"],
                **SCHEME_RULES[row["scheme"]],
            },
        )
        by_key[row["key"]] = category

    for row in _rows("institutions.csv"):
        institution, _ = TrainingInstitution.objects.update_or_create(
            name=row["name"], defaults={"scheme": row["scheme"], "phone": row["phone"], "note": row["note"]}
        )
        institution.categories.set(CertificateCategory.objects.filter(scheme=row["scheme"], is_leaf=True))
