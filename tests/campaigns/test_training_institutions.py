import pytest
from django.urls import reverse

from registry.models import CertificateCategory, TrainingInstitution
from tests.factories import category

from .conftest import ROLES, count_queries, is_login_redirect

pytestmark = pytest.mark.django_db

READERS = ("qingyang_clerk", "anhai_clerk", "safety_office", "emergency_bureau", "market_bureau")


@pytest.mark.parametrize("role", ROLES)
def test_ledger_roles_read_the_institutions(sign_in, role, quanzhou, school):
    response = sign_in(role).get(reverse("campaigns:training_institution_list"))
    if role == "anonymous":
        assert is_login_redirect(response)
    elif role == "department_user":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert {i.name for i in response.context["page_obj"]} == {quanzhou.name, school.name}
        assert response.context["can_manage"] == (role == "safety_office")


def test_the_notices_institution_trains_every_special_equipment_item(quanzhou):
    items = CertificateCategory.objects.filter(scheme="special_equipment", is_leaf=True)
    assert set(quanzhou.categories.all()) == set(items)
    assert "28070013" in quanzhou.phone


def test_the_list_filters_by_a_category_an_institution_is_qualified_for(sign_in, quanzhou, school):
    client = sign_in("safety_office")
    names = lambda key: {i.name for i in client.get(reverse("campaigns:training_institution_list"),  # noqa: E731
                                                     {"category": category(key).pk}).context["page_obj"]}
    assert names("op-1-2") == {school.name}  # qualified for the whole electrician class
    assert names("op-1") == {school.name}
    assert names("op-2") == {school.name}  # qualified for one of its items
    assert names("se-9-n1") == {quanzhou.name}
    assert names("op-3") == set()


def test_the_list_runs_a_fixed_number_of_queries(client, safety_office, quanzhou):
    client.force_login(safety_office)
    url = reverse("campaigns:training_institution_list")
    few = count_queries(client, url)
    for n in range(3):
        TrainingInstitution.objects.create(name=f"培训机构{n}").categories.set([category("op-3-1"), category("op-4-1")])
    assert count_queries(client, url) == few


def data(**overrides):
    return {"name": "泉州市安全技术培训中心", "scheme": "special_operation", "phone": "0595-22000000", "address": "泉州市",
            "categories": [category("op-3").pk, category("op-4-1").pk], "note": "", "is_active": "on", **overrides}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_safety_office_adds_an_institution(sign_in, role):
    client = sign_in(role)
    get = client.get(reverse("campaigns:training_institution_create"))
    post = client.post(reverse("campaigns:training_institution_create"), data())
    created = TrainingInstitution.objects.filter(name="泉州市安全技术培训中心").first()
    if role == "anonymous":
        assert is_login_redirect(get) and is_login_redirect(post)
    elif role == "safety_office":
        assert get.status_code == 200 and post.status_code == 302
        assert set(created.categories.values_list("key", flat=True)) == {"op-3", "op-4-1"}
    else:
        assert get.status_code == 403 and post.status_code == 403
    assert (created is not None) == (role == "safety_office")


def test_categories_must_belong_to_the_institutions_scheme(sign_in):
    response = sign_in("safety_office").post(reverse("campaigns:training_institution_create"), data(
        scheme="special_equipment", categories=[category("se-9-n1").pk, category("op-1-2").pk]))
    assert response.context["form"].errors["categories"] == ["以下类别不属于特种设备体系：低压电工作业。"]
    assert "0595-22000000" in response.content.decode()
    assert not TrainingInstitution.objects.filter(name="泉州市安全技术培训中心").exists()


def test_an_institution_without_a_scheme_may_train_both(sign_in):
    response = sign_in("safety_office").post(reverse("campaigns:training_institution_create"), data(
        scheme="", categories=[category("se-9-n1").pk, category("op-1-2").pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("role,status", [
    ("qingyang_clerk", 403), ("anhai_clerk", 403), ("safety_office", 200), ("emergency_bureau", 403),
    ("market_bureau", 403), ("department_user", 403), ("anonymous", 302),
])
def test_only_the_safety_office_sets_an_institutions_categories(sign_in, role, status, quanzhou):
    client = sign_in(role)
    url = reverse("campaigns:training_institution_edit", args=[quanzhou.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"name": quanzhou.name, "scheme": "special_equipment", "phone": quanzhou.phone,
                                 "categories": [category("se-9-n1").pk, category("se-6").pk], "is_active": "on"})
    assert response.status_code == (302 if status == 200 else status)
    keys = set(quanzhou.categories.values_list("key", flat=True))
    assert (keys == {"se-9-n1", "se-6"}) == (role == "safety_office")


def test_an_unknown_institution_is_404(sign_in):
    assert sign_in("safety_office").get(reverse("campaigns:training_institution_edit", args=[9999])).status_code == 404
