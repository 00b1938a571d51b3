"""The recipients' pages: the inbox, receiving and returning, and a summary's detail with its versions."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from reports.models import MonthlyAnswer, MonthlySummary
from reports.monthly_services import receive_monthly_summary, return_monthly_summary, submit_monthly_summary
from tests.factories import UserFactory, department, town

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2019, 6, 1)
Answer = MonthlyAnswer.Status


def submitted(reporter, user, month=JUNE, **fields):
    key = "town" if reporter.__class__.__name__ == "Town" else "department"
    defaults = {"work_done": "检查企业 8 家。", "next_plan": "组织电工培训。"}
    defaults.update(fields)
    summary = MonthlySummary.objects.create(month=month, **{key: reporter}, **defaults)
    submit_monthly_summary(user, summary)
    return summary


@pytest.fixture
def qingyang_june(qingyang_clerk):
    return submitted(town("青阳"), qingyang_clerk)


@pytest.fixture
def zhujian_june(department_user):
    return submitted(department("住建局"), department_user)


def answer_of(summary, recipient):
    return MonthlyAnswer.objects.get(version__summary=summary, version__number=summary.version, recipient=recipient)


# The inbox --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["safety_office", "market_bureau", "emergency_bureau"])
def test_the_city_sees_every_submitted_summary_and_no_draft(client, personas, persona, qingyang_june, zhujian_june):
    MonthlySummary.objects.create(town=town("安海"), month=JUNE)  # a draft
    client.force_login(personas[persona])
    response = client.get(reverse("reports:monthly_inbox"))
    assert response.status_code == 200
    assert {row["summary"] for row in response.context["rows"]} == {qingyang_june, zhujian_june}


@pytest.mark.parametrize("persona", ["qingyang_clerk", "anhai_clerk", "department_user"])
def test_a_reporter_has_no_inbox(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("reports:monthly_inbox")).status_code == 403


def test_the_inbox_needs_sign_in(client):
    response = client.get(reverse("reports:monthly_inbox"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_only_a_recipient_gets_answer_buttons(client, safety_office, emergency_bureau, qingyang_june):
    client.force_login(safety_office)
    response = client.get(reverse("reports:monthly_inbox"))
    assert response.context["rows"][0]["can_answer"] is True
    assert reverse("reports:monthly_receive", args=[qingyang_june.pk]) in response.content.decode()
    client.force_login(emergency_bureau)
    response = client.get(reverse("reports:monthly_inbox"))
    assert response.context["rows"][0]["can_answer"] is False
    assert reverse("reports:monthly_receive", args=[qingyang_june.pk]) not in response.content.decode()
    assert "answer" not in response.context["filter"].form.fields


def test_the_inbox_filters_by_my_answer_month_kind_and_name(client, safety_office, market_bureau, qingyang_june,
                                                            zhujian_june, anhai_clerk):
    may = submitted(town("安海"), anhai_clerk, month=datetime.date(2019, 5, 1))
    receive_monthly_summary(safety_office, qingyang_june)
    client.force_login(safety_office)

    def shown(**params):
        return {row["summary"] for row in client.get(reverse("reports:monthly_inbox"), params).context["rows"]}

    assert shown(answer="pending") == {zhujian_june, may}
    assert shown(answer="received") == {qingyang_june}
    assert shown(month="2019-05") == {may}
    assert shown(kind="department") == {zhujian_june}
    assert shown(kind="town") == {qingyang_june, may}
    assert shown(q="住建") == {zhujian_june}
    client.force_login(market_bureau)
    assert shown(answer="pending") == {qingyang_june, zhujian_june, may}


def test_a_bad_month_in_the_filter_is_an_error_next_to_it(client, safety_office, qingyang_june):
    client.force_login(safety_office)
    response = client.get(reverse("reports:monthly_inbox"), {"month": "2019-13"})
    assert "月份“2019-13”无效" in response.content.decode()


def test_the_inbox_runs_the_same_number_of_queries_for_many_summaries(
    client, safety_office, qingyang_june, django_assert_max_num_queries
):
    client.force_login(safety_office)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("reports:monthly_inbox"))
    for name in ("法院", "检察院", "组织部", "宣传部"):
        user = UserFactory(role="department", department=department(name))
        submitted(department(name), user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:monthly_inbox"))
    assert len(response.context["rows"]) == 5


# Receiving and returning ------------------------------------------------------------------


@pytest.mark.parametrize("persona, recipient", [("safety_office", "safety_office"), ("market_bureau", "market_bureau")])
def test_each_recipient_receives_for_itself(client, personas, persona, recipient, qingyang_june):
    client.force_login(personas[persona])
    response = client.post(reverse("reports:monthly_receive", args=[qingyang_june.pk]))
    assert response["Location"] == reverse("reports:monthly_detail", args=[qingyang_june.pk])
    assert answer_of(qingyang_june, recipient).status == Answer.RECEIVED
    other = {"safety_office": "market_bureau", "market_bureau": "safety_office"}[recipient]
    assert answer_of(qingyang_june, other).status == Answer.PENDING


def test_received_by_both_from_the_inbox_goes_back_to_the_inbox(client, safety_office, market_bureau, qingyang_june):
    inbox = reverse("reports:monthly_inbox") + "?answer=pending"
    for user in (safety_office, market_bureau):
        client.force_login(user)
        response = client.post(reverse("reports:monthly_receive", args=[qingyang_june.pk]), {"next": inbox})
        assert response["Location"] == inbox
    qingyang_june.refresh_from_db()
    assert qingyang_june.status == MonthlySummary.Status.RECEIVED


def test_an_off_site_next_is_ignored(client, safety_office, qingyang_june):
    client.force_login(safety_office)
    response = client.post(reverse("reports:monthly_receive", args=[qingyang_june.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("reports:monthly_detail", args=[qingyang_june.pk])


def test_receiving_needs_a_post(client, safety_office, qingyang_june):
    client.force_login(safety_office)
    assert client.get(reverse("reports:monthly_receive", args=[qingyang_june.pk])).status_code == 405


def test_receiving_twice_is_refused_with_a_message(client, safety_office, qingyang_june):
    client.force_login(safety_office)
    url = reverse("reports:monthly_receive", args=[qingyang_june.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "不能从“已签收”变为“已签收”" in response.content.decode()


def test_returning_needs_a_reason_next_to_the_field(client, market_bureau, qingyang_june):
    client.force_login(market_bureau)
    url = reverse("reports:monthly_return", args=[qingyang_june.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["退回时必须填写原因。"]
    assert answer_of(qingyang_june, "market_bureau").status == Answer.PENDING


def test_a_return_with_its_reason_reaches_the_reporter(client, market_bureau, qingyang_clerk, qingyang_june):
    client.force_login(market_bureau)
    client.post(reverse("reports:monthly_return", args=[qingyang_june.pk]), {"reason": "请补充电梯作业人员情况"})
    qingyang_june.refresh_from_db()
    assert qingyang_june.status == MonthlySummary.Status.RETURNED
    client.force_login(qingyang_clerk)
    body = client.get(reverse("reports:monthly_detail", args=[qingyang_june.pk])).content.decode()
    assert "请补充电梯作业人员情况" in body and reverse("reports:monthly_edit", args=[qingyang_june.pk]) in body


@pytest.mark.parametrize("persona", ["emergency_bureau", "qingyang_clerk"])
def test_who_reads_but_may_not_answer_gets_403(client, personas, persona, qingyang_june):
    client.force_login(personas[persona])
    assert client.post(reverse("reports:monthly_receive", args=[qingyang_june.pk])).status_code == 403
    assert client.post(reverse("reports:monthly_return", args=[qingyang_june.pk]), {"reason": "x"}).status_code == 403
    assert set(MonthlyAnswer.objects.values_list("status", flat=True)) == {Answer.PENDING}


@pytest.mark.parametrize("persona", ["anhai_clerk", "department_user"])
def test_out_of_scope_answers_are_not_found(client, personas, persona, qingyang_june):
    client.force_login(personas[persona])
    assert client.post(reverse("reports:monthly_receive", args=[qingyang_june.pk])).status_code == 404
    assert client.post(reverse("reports:monthly_return", args=[qingyang_june.pk]), {"reason": "x"}).status_code == 404


def test_a_draft_cannot_be_answered(client, safety_office):
    draft = MonthlySummary.objects.create(town=town("青阳"), month=JUNE)
    client.force_login(safety_office)
    assert client.post(reverse("reports:monthly_receive", args=[draft.pk])).status_code == 404


# The detail: versions and each recipient's answer -----------------------------------------


def test_the_detail_keeps_every_version_and_shows_the_one_asked_for(
    client, qingyang_clerk, safety_office, market_bureau, qingyang_june
):
    receive_monthly_summary(safety_office, qingyang_june)
    return_monthly_summary(market_bureau, qingyang_june, "补充电梯")
    qingyang_june.work_done = "第二稿内容"
    qingyang_june.save()
    submit_monthly_summary(qingyang_clerk, qingyang_june)
    client.force_login(safety_office)
    url = reverse("reports:monthly_detail", args=[qingyang_june.pk])
    response = client.get(url)
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert response.context["shown"].number == 2 and "第二稿内容" in response.content.decode()
    assert response.context["can_answer"] is True
    response = client.get(url, {"version": 1})
    body = response.content.decode()
    assert "检查企业 8 家。" in body and "第二稿内容" not in body and "补充电梯" in body
    assert client.get(url, {"version": 9}).status_code == 404


def test_the_detail_shows_the_frozen_figures_not_later_edits(client, qingyang_clerk, safety_office):
    summary = submitted(town("青阳"), qingyang_clerk, trained_prefilled=2, trained=3, trained_note="外地培训 1 人")
    MonthlySummary.objects.filter(pk=summary.pk).update(trained=99)
    client.force_login(safety_office)
    response = client.get(reverse("reports:monthly_detail", args=[summary.pk]))
    trained = next(row for row in response.context["figure_rows"] if row[0] == "trained")
    assert trained[1:] == (2, 3, "外地培训 1 人")


def test_the_detail_runs_the_same_number_of_queries_with_more_versions(
    client, qingyang_clerk, safety_office, qingyang_june, django_assert_max_num_queries
):
    client.force_login(safety_office)
    url = reverse("reports:monthly_detail", args=[qingyang_june.pk])
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for _ in range(3):
        return_monthly_summary(safety_office, qingyang_june, "再改")
        submit_monthly_summary(qingyang_clerk, qingyang_june)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_detail_prints_on_a4(client, safety_office, qingyang_june):
    client.force_login(safety_office)
    body = client.get(reverse("reports:monthly_detail", args=[qingyang_june.pk])).content.decode()
    assert 'href="/static/css/monthly_print.css" media="print"' in body
    assert "青阳街道2019年6月特种作业和特种设备作业人员持证培训工作总结" in body
    assert "window.print()" in body
    with open(finders.find("css/monthly_print.css"), encoding="utf-8") as sheet:
        assert "size: A4" in sheet.read()
