"""A small ledger of 青阳 with rows that belong on its forms and rows that must not appear."""

import pytest

from campaigns.models import Campaign
from registry.choices import NeedKind, NeedStatus
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # the personas set passwords; the default hasher would spend seconds on each
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign(db):
    return Campaign.objects.get(document_number="晋安办〔2019〕28号", created_from=None)


@pytest.fixture
def qingyang_ledger(db):
    beta = UnitFactory(town=town("青阳"), name="晋江市B机械有限公司")
    alpha = UnitFactory(town=town("青阳"), name="晋江市A建材有限公司")
    li = WorkerFactory(unit=beta, name="李四", mobile="13800000002")
    wang = WorkerFactory(unit=alpha, name="王五", mobile="13900000003")
    zhang = WorkerFactory(unit=alpha, name="张三", mobile="13700000001")
    needs = {
        "li_electric": TrainingNeedFactory(worker=li, category=category("op-1-2")),
        "zhang_welding": TrainingNeedFactory(worker=zhang, category=category("op-2-1"), kind=NeedKind.REVIEW),
        "wang_height": TrainingNeedFactory(worker=wang, category=category("op-3")),
        "wang_forklift": TrainingNeedFactory(worker=wang, category=category("se-9-n1")),
        "li_boiler": TrainingNeedFactory(worker=li, category=category("se-2-g1"), kind=NeedKind.REVIEW),
    }
    # Not on any form: a closed need, a need of an archived worker, a need of an archived unit.
    TrainingNeedFactory(worker=li, category=category("op-4"), status=NeedStatus.CERTIFIED)
    TrainingNeedFactory(worker=WorkerFactory(unit=alpha, is_active=False), category=category("op-1-2"))
    TrainingNeedFactory(
        worker=WorkerFactory(unit=UnitFactory(town=town("青阳"), is_active=False)), category=category("op-1-2")
    )
    return needs


@pytest.fixture
def anhai_ledger(db):
    unit = UnitFactory(town=town("安海"), name="晋江市安海C鞋业有限公司")
    worker = WorkerFactory(unit=unit, name="陈六", mobile="13600000004")
    return {
        "chen_electric": TrainingNeedFactory(worker=worker, category=category("op-1-1")),
        "chen_crane": TrainingNeedFactory(worker=worker, category=category("se-6-q2")),
    }
