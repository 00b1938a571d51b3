import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.choices import ExamResult
from campaigns.models import Enrolment
from registry.choices import NeedStatus
from registry.models import TrainingNeed
from tests.factories import WorkerFactory, UnitFactory, TrainingNeedFactory, category, town

from .conftest import ROLES, count_queries, is_login_redirect, make_class, need_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_voltage(school):
    """A class on one item (低压电工作业) held in 青阳 by the school qualified for the whole electrician class."""
    return make_class(school, "op-1-2", town_name="青阳", capacity=3)


@pytest.fixture
def needs(school):
    other_class = make_class(school, "op-1-2", name="上一期低压电工班")
    waiting = need_in("青阳")
    Enrolment.objects.create(training_class=other_class, need=waiting)
    failed_before = need_in("青阳", status=NeedStatus.FAILED)
    Enrolment.objects.create(training_class=other_class, need=failed_before, exam_result=ExamResult.FAILED)
    return {
        "item": need_in("青阳"),  # 低压电工作业
        "class": need_in("青阳", "op-1"),  # 电工作业, a class the item belongs to
        "failed_before": failed_before,  # failed another class's exam: may try again
        "review": need_in("青阳", kind="review"),
        "other_item": need_in("青阳", "op-1-1"),  # 高压电工作业: another item
        "welding": need_in("青阳", "op-2-1"),
        "certified": need_in("青阳", status=NeedStatus.CERTIFIED),
        "cancelled": need_in("青阳", status=NeedStatus.CANCELLED),
        "waiting": waiting,  # waiting for the other class's exam
        "archived": TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town("青阳")), is_active=False),
                                        category=category("op-1-2")),
        "anhai": need_in("安海"),
        "anhai_class": need_in("安海", "op-1"),
    }


ELIGIBLE_IN_QINGYANG = {"item", "class", "failed_before", "review"}


def listed(response):
    return {need.pk for need in response.context["page_obj"]}


@pytest.mark.parametrize("role", ROLES)
def test_clerks_and_the_safety_office_enrol(sign_in, role, low_voltage, needs):
    response = sign_in(role).get(reverse("campaigns:enrolment_create", args=[low_voltage.pk]))
    if role == "anonymous":
        assert is_login_redirect(response)
    elif role in ("emergency_bureau", "department_user", "market_bureau"):
        # the emergency bureau sees the class but only reads; the others do not use the ledger's classes
        assert response.status_code == {"emergency_bureau": 403, "department_user": 403, "market_bureau": 404}[role]
    elif role == "anhai_clerk":
        assert listed(response) == {needs["anhai"].pk, needs["anhai_class"].pk}
    else:
        # the safety office starts from the class's town; the clerk of 青阳 sees only 青阳
        assert listed(response) == {needs[key].pk for key in ELIGIBLE_IN_QINGYANG}


def test_the_safety_office_may_look_at_every_town(sign_in, low_voltage, needs):
    response = sign_in("safety_office").get(reverse("campaigns:enrolment_create", args=[low_voltage.pk]),
                                            {"town": ""})
    assert listed(response) == {needs[key].pk for key in ELIGIBLE_IN_QINGYANG | {"anhai", "anhai_class"}}


def test_a_class_on_a_class_category_takes_its_items(sign_in, school, needs):
    electric = make_class(school, "op-1")
    response = sign_in("qingyang_clerk").get(reverse("campaigns:enrolment_create", args=[electric.pk]))
    assert listed(response) == {needs[key].pk for key in ELIGIBLE_IN_QINGYANG | {"other_item"}}


def test_enrolling_registers_the_needs_with_the_institution(sign_in, low_voltage, needs, qingyang_clerk):
    chosen = [needs["item"], needs["class"]]
    response = sign_in("qingyang_clerk").post(reverse("campaigns:enrolment_create", args=[low_voltage.pk]),
                                              {"needs": [n.pk for n in chosen]})
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:training_class_detail", args=[low_voltage.pk])
    assert set(low_voltage.enrolments.values_list("need", flat=True)) == {n.pk for n in chosen}
    for need in chosen:
        version = need.version
        need.refresh_from_db()
        assert need.status == NeedStatus.REGISTERED
        assert need.institution == low_voltage.institution
        assert need.registered_on == timezone.localdate()
        assert need.version == version + 1
        latest = need.history.first()
        assert latest.status == NeedStatus.REGISTERED and latest.history_user == qingyang_clerk
    assert set(Enrolment.objects.filter(training_class=low_voltage).values_list("enrolled_by", flat=True)) == {
        qingyang_clerk.pk}


def test_a_clerk_cannot_enrol_another_towns_need(sign_in, low_voltage, needs):
    response = sign_in("qingyang_clerk").post(reverse("campaigns:enrolment_create", args=[low_voltage.pk]),
                                              {"needs": [needs["item"].pk, needs["anhai"].pk]})
    assert response.status_code == 404
    assert not low_voltage.enrolments.exists()
    assert TrainingNeed.objects.get(pk=needs["anhai"].pk).status == NeedStatus.OPEN


@pytest.mark.parametrize("key", ["welding", "certified", "cancelled", "waiting", "archived"])
def test_a_need_the_class_may_not_take_is_refused(sign_in, low_voltage, needs, key):
    response = sign_in("qingyang_clerk").post(reverse("campaigns:enrolment_create", args=[low_voltage.pk]),
                                              {"needs": [needs["item"].pk, needs[key].pk]})
    assert response.status_code == 200
    assert "不能报名本班" in response.context["form"].errors["needs"][0]
    assert not low_voltage.enrolments.exists()


def test_nothing_ticked(sign_in, low_voltage, needs):
    response = sign_in("qingyang_clerk").post(reverse("campaigns:enrolment_create", args=[low_voltage.pk]), {})
    assert response.context["form"].errors["needs"] == ["请勾选要报名的培训需求。"]


def test_the_class_takes_no_more_than_its_places(sign_in, low_voltage, needs):
    Enrolment.objects.create(training_class=low_voltage, need=need_in("磁灶"))
    chosen = [needs[key].pk for key in ("item", "class", "review")]
    response = sign_in("qingyang_clerk").post(reverse("campaigns:enrolment_create", args=[low_voltage.pk]),
                                              {"needs": chosen})
    assert response.context["form"].errors["needs"] == ["名额不足：本班名额3人，剩余2个，本次勾选3人。"]
    assert low_voltage.enrolments.count() == 1
    text = response.content.decode()
    assert all(f'value="{pk}" id="need-{pk}" checked' in text for pk in chosen)  # what was ticked stays ticked
    response = sign_in("qingyang_clerk").post(reverse("campaigns:enrolment_create", args=[low_voltage.pk]),
                                              {"needs": chosen[:2]})
    assert response.status_code == 302 and low_voltage.enrolments.count() == 3


def test_the_service_checks_the_places_again_under_the_lock(low_voltage, needs):
    Enrolment.objects.create(training_class=low_voltage, need=need_in("磁灶"))
    with pytest.raises(services.ClassFull) as full:
        services.enrol_needs(low_voltage, [needs["item"], needs["class"], needs["review"]])
    assert full.value.free == 2
    assert low_voltage.enrolments.count() == 1
    assert TrainingNeed.objects.get(pk=needs["item"].pk).status == NeedStatus.OPEN


def test_the_service_refuses_a_need_of_another_category(low_voltage, needs):
    with pytest.raises(services.NotEligible):
        services.enrol_needs(low_voltage, [needs["item"], needs["welding"]])
    assert not low_voltage.enrolments.exists()


def test_the_enrolment_page_runs_a_fixed_number_of_queries(client, qingyang_clerk, low_voltage):
    client.force_login(qingyang_clerk)
    url = reverse("campaigns:enrolment_create", args=[low_voltage.pk])
    need_in("青阳")
    few = count_queries(client, url)
    for key in ("op-1-2", "op-1", "op-1-2", "op-1-2"):
        need_in("青阳", key)
    assert count_queries(client, url) == few
