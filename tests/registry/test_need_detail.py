import pytest
from django.urls import reverse

from registry.choices import NeedStatus
from registry.models import TrainingInstitution
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def need():
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), name="王建国", mobile="13905951234")
    return TrainingNeedFactory(worker=worker, category=category("se-9-n1"))


def url(need):
    return reverse("registry:need_detail", args=[need.pk])


def test_anonymous_is_sent_to_sign_in(client, need):
    assert reverse("login") in client.get(url(need))["Location"]


def test_a_department_user_gets_403(client, department_user, need):
    client.force_login(department_user)
    assert client.get(url(need)).status_code == 403


def test_another_towns_clerk_and_the_other_bureau_get_404(client, anhai_clerk, emergency_bureau, need):
    for user in (anhai_clerk, emergency_bureau):
        client.force_login(user)
        assert client.get(url(need)).status_code == 404


def test_the_clerk_sees_the_attachment_the_pipeline_actions_and_the_history(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    html = client.get(url(need)).content.decode()
    assert "附件2 特种设备作业人员" in html and "场（厂）内专用机动车辆（叉车司机）" in html
    assert "13905951234" in html
    for name in ("need_register", "need_result", "need_cancel"):
        assert reverse(f"registry:{name}", args=[need.pk]) in html
    assert "修改记录" in html


def test_a_bureau_reads_it_with_a_masked_mobile_and_no_actions(client, market_bureau, need):
    client.force_login(market_bureau)
    html = client.get(url(need)).content.decode()
    assert "139****1234" in html and "13905951234" not in html
    assert reverse("registry:need_register", args=[need.pk]) not in html


def test_a_closed_need_offers_no_pipeline_actions(client, qingyang_clerk, need):
    need.status = NeedStatus.CERTIFIED
    need.save()
    client.force_login(qingyang_clerk)
    html = client.get(url(need)).content.decode()
    assert reverse("registry:need_result", args=[need.pk]) not in html
    assert reverse("registry:need_cancel", args=[need.pk]) not in html


def test_the_history_shows_the_registration(client, qingyang_clerk, need):
    client.force_login(qingyang_clerk)
    institution = TrainingInstitution.objects.get()
    client.post(reverse("registry:need_register", args=[need.pk]),
                {"institution": institution.pk, "registered_on": "2020-01-02", "version": need.version})
    html = client.get(url(need)).content.decode()
    assert "福建省特检院泉州分院" in html and "<del>待培训</del> → 已报名" in html


def test_the_detail_runs_the_same_number_of_queries_with_a_long_history(
    client, qingyang_clerk, need, django_assert_max_num_queries
):
    client.force_login(qingyang_clerk)
    with django_assert_max_num_queries(20) as few:
        client.get(url(need))
    for note in ("一", "二", "三", "四", "五"):
        need.note = note
        need.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(need))
