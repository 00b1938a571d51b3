import csv
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from campaigns.models import Campaign
from registry.choices import Scheme, TownKind
from registry.models import CertificateCategory, Department, Town, TrainingInstitution

SHARED = Path(__file__).resolve().parents[2] / "fixtures" / "reference"

pytestmark = pytest.mark.django_db


def test_migrate_leaves_twenty_towns_with_kinds_short_names_and_codes():
    towns = Town.objects.all()
    assert towns.count() == 20
    assert Counter(t.kind for t in towns) == {TownKind.STREET: 6, TownKind.TOWN: 13, TownKind.ZONE: 1}
    assert Town.objects.get(code="350582001").name == "青阳街道"
    assert Town.objects.get(short_name="安海").code == "350582101"
    assert not Town.objects.filter(code="350582108").exists()


def test_both_catalogues_have_their_official_codes_and_form_labels():
    ops = CertificateCategory.objects.filter(scheme=Scheme.SPECIAL_OPERATION)
    equipment = CertificateCategory.objects.filter(scheme=Scheme.SPECIAL_EQUIPMENT)
    assert ops.filter(level="class").count() == 11
    assert {c.code for c in ops.filter(parent__code="1")} >= {"1.1", "1.2", "1.3"}
    assert ops.filter(parent__code="1").count() == 6
    assert ops.filter(parent__code="9").count() == 16
    assert {c.form_label for c in ops} == {"电工", "焊工", "高处作业", "制冷与空调作业", "其他"}
    assert {c.form_label for c in equipment} >= {
        "锅炉", "压力容器（含气瓶）", "压力管道", "电梯", "起重机械", "大型游乐设施", "场（厂）内专用机动车辆"
    }
    assert set(equipment.exclude(code="").values_list("code", flat=True)) >= {
        "A", "G1", "G2", "G3", "R1", "R2", "R3", "P", "T", "Q1", "Q2", "S1", "S2", "Y1", "Y2", "N1", "N2", "F"
    }
    assert equipment.get(code="N1").name == "叉车司机"


def test_synonyms_clerks_write_are_there_and_never_shared_across_schemes():
    owners = {}
    for category in CertificateCategory.objects.all():
        for synonym in category.synonyms:
            owners.setdefault(synonym.casefold(), set()).add(category.scheme)
    assert all(len(schemes) == 1 for schemes in owners.values())
    for word in ["低压电工", "电焊工", "登高架设", "制冷", "叉车", "铲车", "司炉", "行车", "吊车", "天车", "电梯工", "充装工"]:
        assert word in owners, word


def test_scheme_rules_are_on_every_category():
    assert set(CertificateCategory.objects.filter(scheme=Scheme.SPECIAL_OPERATION).values_list(
        "validity_years", "review_interval_years", "review_lead_days")) == {(6, 3, 60)}
    assert set(CertificateCategory.objects.filter(scheme=Scheme.SPECIAL_EQUIPMENT).values_list(
        "validity_years", "review_interval_years", "review_lead_days")) == {(4, None, 30)}


def test_the_notice_campaign_has_its_five_phases_and_exact_dates():
    campaign = Campaign.objects.get(document_number="晋安办〔2019〕28号")
    phases = {p.name: (str(p.starts_on), str(p.ends_on), p.deadline and str(p.deadline)) for p in campaign.phases.all()}
    assert phases == {
        "动员部署": ("2019-05-10", "2019-05-30", None),
        "检查摸底": ("2019-05-10", "2019-06-30", "2019-07-01"),
        "集中培训": ("2019-07-01", "2019-12-31", None),
        "专项执法": ("2019-09-01", "2020-02-28", None),
        "总结提升": ("2020-03-01", "2020-03-30", None),
    }


def test_departments_and_institutions_of_the_notice():
    assert Department.objects.count() == 44
    assert Department.objects.filter(name__in=["法院", "联通公司", "市场监管局", "应急局"]).count() == 4
    institution = TrainingInstitution.objects.get(name="福建省特检院泉州分院")
    assert "28070013" in institution.phone and institution.scheme == Scheme.SPECIAL_EQUIPMENT


def test_loading_reference_data_again_changes_nothing():
    before = (Town.objects.count(), CertificateCategory.objects.count(), Department.objects.count(), Campaign.objects.count())
    call_command("load_reference_data")
    after = (Town.objects.count(), CertificateCategory.objects.count(), Department.objects.count(), Campaign.objects.count())
    assert before == after


def test_there_are_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
