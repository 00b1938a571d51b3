import hashlib
import re
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from campaigns.choices import PhaseKind
from registry import demo, validators
from registry.choices import CertificateStatus, NeedKind, NeedStatus, Role, Scheme
from registry.models import Certificate, Town, TrainingNeed, Unit, User, Worker
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

WORKERS = 400


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db):
    return demo.seed(workers=WORKERS, seed=7)


def seed_demo(*args):
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue()


def fingerprint():
    """A digest of everything the seed decides: names, identifiers, dates and statuses (not pks)."""
    digest = hashlib.sha256()
    for row in Unit.objects.order_by("name_key").values_list("town__code", "name", "credit_code", "address",
                                                             "industry", "contact_person", "contact_phone"):
        digest.update(repr(row).encode())
    for row in Worker.objects.order_by("id_number").values_list("id_number", "name", "mobile", "unit__name"):
        digest.update(repr(row).encode())
    for row in Certificate.objects.order_by("worker__id_number", "category__key").values_list(
        "worker__id_number", "category__key", "number", "issued_on", "valid_until", "last_reviewed_on",
        "verification",
    ):
        digest.update(repr(row).encode())
    for row in TrainingNeed.objects.order_by("worker__id_number", "category__key", "kind").values_list(
        "worker__id_number", "category__key", "kind", "status", "registered_on", "closed_on"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def fingerprint_of_fresh_seed(seed):
    # rolled back afterwards, so each run starts from the same empty ledger
    with transaction.atomic():
        demo.seed(workers=WORKERS, seed=seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = fingerprint_of_fresh_seed(2019)
    assert Worker.objects.count() == 0
    assert fingerprint_of_fresh_seed(2019) == first
    assert fingerprint_of_fresh_seed(2020) != first


def test_every_town_has_units_and_workers_and_bigger_towns_have_more(seeded):
    assert seeded.workers == Worker.objects.count() == WORKERS
    per_town = Counter(Worker.objects.values_list("unit__town__short_name", flat=True))
    assert set(per_town) == set(Town.objects.values_list("short_name", flat=True))
    assert set(Unit.objects.values_list("town__short_name", flat=True)) == set(per_town)
    assert per_town["陈埭"] > 2 * per_town["紫帽"]
    assert not Unit.objects.filter(workers__isnull=True).exists()


def test_identifiers_pass_their_checksums_and_id_numbers_are_unique(seeded):
    id_numbers = list(Worker.objects.values_list("id_number", flat=True))
    assert all(validators.is_valid_id_number(number) for number in id_numbers)
    assert len(set(id_numbers)) == len(id_numbers)
    assert all(validators.is_valid_mobile(mobile) for mobile in Worker.objects.values_list("mobile", flat=True))
    codes = list(Unit.objects.values_list("credit_code", flat=True))
    assert all(len(code) == 18 and not validators.credit_code_error(code) for code in codes)
    assert len(set(codes)) == len(codes)
    regions = Counter(number[:6] for number in id_numbers)
    assert regions.most_common(1)[0][0] == "350582"
    assert regions["350522"] + regions["352422"] > 0
    assert sum(count for region, count in regions.items() if not region.startswith("35")) > 0


def test_names_look_like_chinese_people_and_companies(seeded):
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) for name in Worker.objects.values_list("name", flat=True))
    for unit in Unit.objects.all():
        assert unit.name.endswith(("有限公司", "厂")), unit.name
        assert unit.name_key == validators.unit_name_key(unit.name)
        assert unit.industry and unit.address.startswith(("晋江市", "晋江经济开发区"))


def test_certificates_are_in_every_state_in_both_schemes(seeded):
    states = Counter(Certificate.objects.with_status().values_list("category__scheme", "status_code"))
    for scheme in Scheme.values:
        for status in CertificateStatus.values:
            assert states[(scheme, status)] > 0, (scheme, status)
    assert states[(Scheme.SPECIAL_OPERATION, CertificateStatus.VALID)] > states[
        (Scheme.SPECIAL_OPERATION, CertificateStatus.EXPIRED)
    ]


def test_certificate_dates_follow_the_category_rules_and_numbers_the_scheme(seeded):
    for certificate in Certificate.objects.select_related("category", "worker"):
        category = certificate.category
        expected = category.next_review_on(certificate.issued_on, certificate.valid_until, certificate.last_reviewed_on)
        assert certificate.next_review_on == expected
        assert certificate.review_reminder_on == category.reminder_on(expected)
        if category.scheme == Scheme.SPECIAL_OPERATION:
            assert certificate.number == "T" + certificate.worker.id_number


def test_most_workers_hold_a_certificate_and_about_a_third_have_an_open_need(seeded):
    holders = Worker.objects.filter(certificates__isnull=False).distinct().count()
    with_open_need = Worker.objects.filter(training_needs__in=TrainingNeed.objects.open()).distinct().count()
    assert 0.55 <= holders / WORKERS <= 0.75
    assert 0.25 <= with_open_need / WORKERS <= 0.45


def test_training_needs_have_both_kinds_in_both_schemes_and_are_mostly_open(seeded):
    kinds = Counter(TrainingNeed.objects.values_list("category__scheme", "kind"))
    assert all(kinds[(scheme, kind)] > 0 for scheme in Scheme.values for kind in NeedKind.values)
    statuses = Counter(TrainingNeed.objects.values_list("status", flat=True))
    assert statuses.most_common(1)[0][0] == NeedStatus.OPEN
    assert {NeedStatus.REGISTERED, NeedStatus.CERTIFIED, NeedStatus.CANCELLED} <= set(statuses)
    assert not TrainingNeed.objects.filter(kind=NeedKind.REVIEW, certificate__isnull=True).exists()


def test_the_demo_campaign_is_running_today_in_training_and_enforcement(seeded):
    campaign = seeded.campaign
    assert campaign.created_from.document_number == "晋安办〔2019〕28号"
    assert {phase.kind for phase in campaign.current_phases()} == {PhaseKind.TRAINING, PhaseKind.ENFORCEMENT}
    assert campaign.phases.count() == 5
    assert type(campaign).objects.current(timezone.localdate()) == campaign


def test_the_command_prints_one_login_per_role_that_can_sign_in():
    output = seed_demo("--workers", "100")
    expected = {
        "anban": (Role.SAFETY_OFFICE, None),
        "qingyang": (Role.TOWN_CLERK, "青阳街道"),
        "anhai": (Role.TOWN_CLERK, "安海镇"),
        "yingji": (Role.EMERGENCY_BUREAU, None),
        "shichang": (Role.MARKET_BUREAU, None),
        "zhujian": (Role.DEPARTMENT, "住建局"),
    }
    for username, (role, scope) in expected.items():
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None and user.role == role
        assert str(user.town or user.department or "") == (scope or "")
        assert re.search(rf"^{username}\s+{demo.DEMO_PASSWORD}\s+{user.get_role_display()}", output, re.M)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert "今天处于：集中培训、专项执法" in output


def test_running_it_twice_does_not_duplicate_and_prints_the_logins_again():
    seed_demo("--workers", "100")
    counts = (Unit.objects.count(), Worker.objects.count(), Certificate.objects.count(), User.objects.count())
    output = seed_demo("--workers", "100")
    assert "演示数据已存在" in output and "anban" in output and demo.DEMO_PASSWORD in output
    assert (Unit.objects.count(), Worker.objects.count(), Certificate.objects.count(), User.objects.count()) == counts
    assert demo.demo_campaign() is not None
    assert type(demo.demo_campaign()).objects.filter(name__endswith=demo.DEMO_CAMPAIGN_SUFFIX).count() == 1


def test_a_login_whose_password_was_changed_is_listed_without_the_demo_password():
    seed_demo("--workers", "100")
    user = User.objects.get(username="anban")
    user.set_password("Another-secret-1")
    user.save()
    output = seed_demo("--workers", "100")
    assert re.search(r"^anban\s+（已另设，未改动）", output, re.M)
    assert authenticate(username="anban", password="Another-secret-1") == user


def test_reset_replaces_the_demo_ledger_with_the_same_data():
    seed_demo("--workers", "100", "--seed", "5")
    first = fingerprint()
    seed_demo("--workers", "100", "--seed", "5", "--reset")
    assert fingerprint() == first
    assert Worker.objects.count() == 100
    assert type(demo.demo_campaign()).objects.filter(name__endswith=demo.DEMO_CAMPAIGN_SUFFIX).count() == 1


def test_it_leaves_a_ledger_that_holds_real_data_alone_with_a_warning():
    UnitFactory()
    err = StringIO()
    call_command("seed_demo", "--workers", "100", stdout=StringIO(), stderr=err)
    assert "不是演示数据" in err.getvalue()
    assert Unit.objects.count() == 1
    assert not User.objects.filter(username="anban").exists()


def test_fewer_workers_than_towns_is_refused():
    with pytest.raises(CommandError, match="至少为 20"):
        seed_demo("--workers", "5")
    assert not Unit.objects.exists()
