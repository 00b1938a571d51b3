"""A need joins only a class whose institution is qualified for the need's item (or the item's class):
the enrolment page does not offer the others, and the service refuses them if posted anyway."""

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Enrolment
from registry.choices import NeedStatus, Scheme
from registry.models import TrainingInstitution, TrainingNeed
from tests.factories import category

from .conftest import count_queries, make_class, need_in

pytestmark = pytest.mark.django_db


def institution(name, *keys):
    made = TrainingInstitution.objects.create(name=name, scheme=Scheme.SPECIAL_OPERATION)
    made.categories.set([category(key) for key in keys])
    return made


@pytest.fixture
def high_voltage_only(db):
    """Qualified for 高压电工作业 alone: enough to hold a class on 电工作业 (forms.programme.is_qualified)."""
    return institution("晋江市高压电工培训中心", "op-1-1")


@pytest.fixture
def low_voltage_only(db):
    return institution("晋江市低压电工培训中心", "op-1-2")


@pytest.fixture
def electric_class(high_voltage_only):
    return make_class(high_voltage_only, "op-1", town_name="青阳", capacity=10)


@pytest.fixture
def needs():
    return {
        "low": need_in("青阳"),  # 低压电工作业
        "high": need_in("青阳", "op-1-1"),  # 高压电工作业
        "class": need_in("青阳", "op-1"),  # 电工作业, entered on the class
        "anhai_low": need_in("安海"),
        "anhai_high": need_in("安海", "op-1-1"),
    }


def listed(response):
    return {need.pk for need in response.context["page_obj"]}


def candidates_url(training_class):
    return reverse("campaigns:enrolment_create", args=[training_class.pk])


def test_only_the_item_the_institution_is_qualified_for_is_offered(sign_in, electric_class, needs):
    # 低压 belongs to the class's category but the institution is qualified for 高压 only; a need on the
    # whole class asks for more than one item's qualification
    response = sign_in("qingyang_clerk").get(candidates_url(electric_class))
    assert listed(response) == {needs["high"].pk}


def test_a_qualification_for_the_class_covers_its_items(sign_in, school, needs):
    # the school is qualified for 电工作业 as a whole
    response = sign_in("qingyang_clerk").get(candidates_url(make_class(school, "op-1")))
    assert listed(response) == {needs["low"].pk, needs["high"].pk, needs["class"].pk}


def test_a_class_on_an_item_takes_the_item_and_needs_on_its_class(sign_in, low_voltage_only, needs):
    # a need entered on 电工作业 is trained and certified in the class's item, which the institution teaches
    response = sign_in("qingyang_clerk").get(candidates_url(make_class(low_voltage_only, "op-1-2")))
    assert listed(response) == {needs["low"].pk, needs["class"].pk}


def test_a_class_on_an_item_the_institution_is_not_qualified_for_takes_nothing(sign_in, high_voltage_only, needs):
    # such a class cannot be created through the form; it can exist from before, or from the admin
    stray = make_class(high_voltage_only, "op-1-2")
    assert listed(sign_in("qingyang_clerk").get(candidates_url(stray))) == set()
    with pytest.raises(services.NotEligible):
        services.enrol_needs(stray, [needs["class"]])


def test_an_institution_without_categories_is_qualified_for_nothing(sign_in, needs):
    """Legacy data: no categories recorded means no qualification, not every one; the page says why."""
    unrecorded = TrainingInstitution.objects.create(name="资质未登记的培训机构", scheme=Scheme.SPECIAL_OPERATION)
    legacy = make_class(unrecorded, "op-1")
    response = sign_in("qingyang_clerk").get(candidates_url(legacy))
    assert listed(response) == set()
    assert "未登记可培训类别" in response.content.decode()
    with pytest.raises(services.NotEligible) as refused:
        services.enrol_needs(legacy, [needs["low"]])
    assert "培训机构“资质未登记的培训机构”不具备" in str(refused.value)
    assert not legacy.enrolments.exists()


def test_a_qualified_institution_gets_no_warning(sign_in, electric_class, needs):
    response = sign_in("qingyang_clerk").get(candidates_url(electric_class))
    assert "未登记可培训类别" not in response.content.decode()


def test_the_service_refuses_the_whole_batch_naming_the_worker_and_the_item(electric_class, needs, qingyang_clerk):
    history = TrainingNeed.history.count()
    with pytest.raises(services.NotEligible) as refused:
        services.enrol_needs(electric_class, [needs["high"], needs["low"]], user=qingyang_clerk)
    message = str(refused.value)
    assert message == (
        f"培训机构“晋江市高压电工培训中心”不具备以下培训需求所需项目的培训资质，不能报名本班："
        f"{needs['low'].worker.name}（低压电工作业）。本次未报名任何人员，请刷新后重试。"
    )
    assert needs["high"].worker.name not in message
    assert not electric_class.enrolments.exists()
    for need in (needs["high"], needs["low"]):
        stored = TrainingNeed.objects.get(pk=need.pk)
        assert (stored.status, stored.institution_id, stored.version) == (NeedStatus.OPEN, None, need.version)
    assert TrainingNeed.history.count() == history


def test_the_refusal_names_the_other_reasons_apart(electric_class, needs):
    welding = need_in("青阳", "op-2-1")
    with pytest.raises(services.NotEligible) as refused:
        services.enrol_needs(electric_class, [needs["class"], welding])
    message = str(refused.value)
    assert f"不具备以下培训需求所需项目的培训资质，不能报名本班：{needs['class'].worker.name}（电工作业）。" in message
    assert f"（已办结、类别不符或正等待其他班考试）：{welding.worker.name}（熔化焊接与热切割作业）。" in message


def test_a_crafted_post_is_refused_with_the_message_and_enrols_nothing(sign_in, electric_class, needs):
    response = sign_in("qingyang_clerk").post(candidates_url(electric_class),
                                              {"needs": [needs["high"].pk, needs["low"].pk]})
    assert response.status_code == 200
    [error] = response.context["form"].errors["needs"]
    assert f"{needs['low'].worker.name}（低压电工作业）" in error and "不具备" in error
    assert error in response.content.decode()
    assert not Enrolment.objects.filter(training_class=electric_class).exists()
    assert TrainingNeed.objects.get(pk=needs["high"].pk).status == NeedStatus.OPEN


def test_the_qualified_need_alone_is_enrolled(sign_in, electric_class, needs):
    response = sign_in("qingyang_clerk").post(candidates_url(electric_class), {"needs": [needs["high"].pk]})
    assert response.status_code == 302
    assert list(electric_class.enrolments.values_list("need", flat=True)) == [needs["high"].pk]


@pytest.mark.parametrize("persona, town_filter, expected", [
    ("qingyang_clerk", {}, {"high"}),
    ("qingyang_clerk", {"town": ""}, {"high"}),  # a clerk has no town filter to widen
    ("anhai_clerk", {}, {"anhai_high"}),
    ("safety_office", {}, {"high"}),  # from the class's town
    ("safety_office", {"town": ""}, {"high", "anhai_high"}),
])
def test_scoping_is_unchanged(sign_in, electric_class, needs, persona, town_filter, expected):
    response = sign_in(persona).get(candidates_url(electric_class), town_filter)
    assert listed(response) == {needs[key].pk for key in expected}


def test_another_towns_need_is_still_a_404(sign_in, electric_class, needs):
    response = sign_in("qingyang_clerk").post(candidates_url(electric_class), {"needs": [needs["anhai_high"].pk]})
    assert response.status_code == 404
    assert not electric_class.enrolments.exists()


def test_the_candidates_take_a_fixed_number_of_queries(client, qingyang_clerk, electric_class):
    client.force_login(qingyang_clerk)
    url = candidates_url(electric_class)
    need_in("青阳", "op-1-1")
    few = count_queries(client, url)
    for key in ("op-1-1", "op-1-2", "op-1", "op-1-1", "op-1-2"):
        need_in("青阳", key)
    assert count_queries(client, url) == few
    assert len(client.get(url).context["page_obj"]) == 3
