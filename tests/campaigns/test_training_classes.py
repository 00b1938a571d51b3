import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Enrolment, TrainingClass
from tests.factories import category, town

from .conftest import ROLES, count_queries, is_login_redirect, make_class, need_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(school, quanzhou, running):
    electric = make_class(school, "op-1", town_name="青阳", campaign=running)
    forklift = make_class(quanzhou, "se-9-n1", campaign=running)
    Enrolment.objects.create(training_class=electric, need=need_in("青阳", "op-1-2"))
    Enrolment.objects.create(training_class=electric, need=need_in("安海", "op-1-1"))
    Enrolment.objects.create(training_class=electric, need=need_in("安海", "op-1"))
    return {"electric": electric, "forklift": forklift}


SEES = {
    "qingyang_clerk": {"electric", "forklift"}, "anhai_clerk": {"electric", "forklift"},
    "safety_office": {"electric", "forklift"}, "emergency_bureau": {"electric"}, "market_bureau": {"forklift"},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_the_classes_it_may_see(sign_in, role, classes):
    response = sign_in(role).get(reverse("campaigns:training_class_list"))
    if role == "anonymous":
        assert is_login_redirect(response)
        return
    if role == "department_user":
        assert response.status_code == 403
        return
    listed = {c.pk: c for c in response.context["page_obj"]}
    assert set(listed) == {classes[key].pk for key in SEES[role]}
    if classes["electric"].pk in listed:
        assert listed[classes["electric"].pk].enrolled == 3
    if role == "anhai_clerk":
        assert listed[classes["electric"].pk].own == 2
    assert response.context["can_create"] == (role in ("qingyang_clerk", "anhai_clerk", "safety_office"))


def test_the_list_filters(sign_in, classes):
    client = sign_in("safety_office")
    url = reverse("campaigns:training_class_list")
    by_category = client.get(url, {"category": category("op-1").pk}).context["page_obj"]
    assert [c.pk for c in by_category] == [classes["electric"].pk]
    assert [c.pk for c in client.get(url, {"town": town("青阳").pk}).context["page_obj"]] == [classes["electric"].pk]
    assert client.get(url, {"period": "finished"}).context["page_obj"].paginator.count == 2
    assert client.get(url, {"period": "upcoming"}).context["page_obj"].paginator.count == 0
    assert client.get(url, {"q": "叉车"}).context["page_obj"].paginator.count == 1


def test_the_list_runs_a_fixed_number_of_queries(client, qingyang_clerk, school, quanzhou):
    client.force_login(qingyang_clerk)
    url = reverse("campaigns:training_class_list")
    make_class(school, "op-1")
    few = count_queries(client, url)
    for key in ("op-1-1", "op-2-1"):
        Enrolment.objects.create(training_class=make_class(school, key, town_name="青阳"), need=need_in("青阳", key))
    make_class(quanzhou, "se-6-q2")
    assert count_queries(client, url) == few


# create ---------------------------------------------------------------------------------------

def class_data(institution, key, **overrides):
    today = timezone.localdate()
    return {"campaign": "", "name": "第一期电工培训班", "institution": institution.pk, "category": category(key).pk,
            "town": "", "starts_on": (today + datetime.timedelta(days=10)).isoformat(),
            "ends_on": (today + datetime.timedelta(days=15)).isoformat(),
            "exam_on": (today + datetime.timedelta(days=16)).isoformat(), "place": "青阳街道办事处三楼",
            "capacity": "40", **overrides}


@pytest.mark.parametrize("role", ROLES)
def test_the_safety_office_and_the_clerks_create_classes(sign_in, role, school):
    client = sign_in(role)
    get = client.get(reverse("campaigns:training_class_create"))
    post = client.post(reverse("campaigns:training_class_create"), class_data(school, "op-1", town=town("磁灶").pk))
    created = TrainingClass.objects.first()
    if role == "anonymous":
        assert is_login_redirect(get) and is_login_redirect(post)
    elif role in ("safety_office", "qingyang_clerk", "anhai_clerk"):
        assert get.status_code == 200 and post.status_code == 302
        user = get.wsgi_request.user
        # a clerk's class is held in the clerk's town whatever was posted; the safety office picks
        assert created.town == (user.town if user.is_town_clerk else town("磁灶"))
        assert created.created_by == user and created.capacity == 40
    else:
        assert get.status_code == 403 and post.status_code == 403
        assert created is None


def test_the_new_class_defaults_to_the_current_campaign(sign_in, running):
    response = sign_in("safety_office").get(reverse("campaigns:training_class_create"))
    assert response.context["form"].initial["campaign"] == running.pk


@pytest.mark.parametrize("institution,key,qualified", [
    ("school", "op-1", True),  # the class it is qualified for
    ("school", "op-1-3", True),  # an item of that class
    ("school", "op-2", True),  # a class with one qualified item
    ("school", "op-2-1", True),
    ("school", "op-2-2", False),  # another item of that class
    ("school", "op-3-1", False),
    ("quanzhou", "se-9-n1", True),
    ("quanzhou", "op-1-2", False),
])
def test_the_category_must_be_one_the_institution_is_qualified_for(sign_in, request, institution, key, qualified):
    institution = request.getfixturevalue(institution)
    response = sign_in("safety_office").post(reverse("campaigns:training_class_create"), class_data(institution, key))
    if qualified:
        assert response.status_code == 302
    else:
        assert response.context["form"].errors["category"] == [
            f"“{institution.name}”不具备“{category(key).name}”的培训资质。"]
        assert not TrainingClass.objects.exists()


def test_dates_and_places_are_checked(sign_in, school):
    today = timezone.localdate()
    response = sign_in("safety_office").post(reverse("campaigns:training_class_create"), class_data(
        school, "op-1", starts_on=today.isoformat(), ends_on=(today - datetime.timedelta(days=1)).isoformat(),
        exam_on=(today - datetime.timedelta(days=2)).isoformat(), capacity="0"))
    errors = response.context["form"].errors
    assert errors["ends_on"] == ["结业日期不能早于开班日期。"]
    assert errors["exam_on"] == ["考试日期不能早于开班日期。"]
    assert errors["capacity"] == ["名额至少为1人。"]
    assert "青阳街道办事处三楼" in response.content.decode()


# edit -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,status", [
    ("qingyang_clerk", 200), ("anhai_clerk", 403), ("safety_office", 200), ("emergency_bureau", 403),
    ("market_bureau", 404), ("department_user", 403), ("anonymous", 302),
])
def test_the_safety_office_and_the_holding_towns_clerk_edit_a_class(sign_in, role, status, classes):
    electric = classes["electric"]
    client = sign_in(role)
    url = reverse("campaigns:training_class_edit", args=[electric.pk])
    assert client.get(url).status_code == status
    data = class_data(electric.institution, "op-1", name="电工班（改期）", capacity="35", town=town("青阳").pk)
    response = client.post(url, data)
    assert response.status_code == (302 if status == 200 else status)
    electric.refresh_from_db()
    assert (electric.name == "电工班（改期）") == (status == 200)


def test_a_clerk_cannot_edit_a_city_class(sign_in, classes):
    assert sign_in("qingyang_clerk").get(reverse("campaigns:training_class_edit",
                                                 args=[classes["forklift"].pk])).status_code == 403


def test_a_class_with_trainees_keeps_its_category_and_enough_places(sign_in, classes, school):
    electric = classes["electric"]
    response = sign_in("safety_office").post(reverse("campaigns:training_class_edit", args=[electric.pk]),
                                             class_data(school, "op-2-1", capacity="2"))
    assert response.context["form"].errors["capacity"] == ["名额不能少于已报名人数（3人）。"]
    assert response.context["form"].fields["category"].disabled
    sign_in("safety_office").post(reverse("campaigns:training_class_edit", args=[electric.pk]),
                                  class_data(school, "op-2-1", capacity="3"))
    electric.refresh_from_db()
    assert electric.category == category("op-1") and electric.capacity == 3


# detail ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,status,trainees", [
    ("qingyang_clerk", 200, 1), ("anhai_clerk", 200, 2), ("safety_office", 200, 3), ("emergency_bureau", 200, 3),
    ("market_bureau", 404, None), ("department_user", 403, None), ("anonymous", 302, None),
])
def test_the_class_page_shows_the_trainees_in_scope(sign_in, role, status, trainees, classes):
    response = sign_in(role).get(reverse("campaigns:training_class_detail", args=[classes["electric"].pk]))
    assert response.status_code == status
    if trainees is not None:
        assert len(response.context["trainees"]) == trainees
        assert "已报名 3 人 / 名额 30 人，剩余 27 个" in response.content.decode()
        assert response.context["can_enrol"] == (role in ("qingyang_clerk", "anhai_clerk", "safety_office"))


def test_the_class_page_runs_a_fixed_number_of_queries(client, safety_office, school):
    client.force_login(safety_office)
    electric = make_class(school, "op-1")
    url = reverse("campaigns:training_class_detail", args=[electric.pk])
    Enrolment.objects.create(training_class=electric, need=need_in("青阳", "op-1-2"))
    few = count_queries(client, url)
    for name in ("安海", "磁灶", "陈埭"):
        Enrolment.objects.create(training_class=electric, need=need_in(name, "op-1-1"))
    assert count_queries(client, url) == few


@pytest.mark.parametrize("role, line", [
    ("safety_office", "参训 2 人，合格 1 人，不合格 1 人，缺考 1 人。"),
    ("anhai_clerk", "参训 1 人，合格 0 人，不合格 1 人，缺考 1 人。"),
])
def test_the_class_page_counts_the_results_of_the_trainees_it_lists(sign_in, classes, role, line):
    results = [(True, "passed"), (True, "failed"), (False, "absent")]  # 青阳's trainee first, then 安海's two
    for enrolment, (attended, exam_result) in zip(classes["electric"].enrolments.order_by("pk"), results):
        enrolment.attended, enrolment.exam_result = attended, exam_result
        enrolment.save()
    response = sign_in(role).get(reverse("campaigns:training_class_detail", args=[classes["electric"].pk]))
    assert line in response.content.decode()
