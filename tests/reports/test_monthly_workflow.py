"""The monthly summary's state machine: draft → submitted (on time or late) → each recipient
receives or returns it; a returned summary is corrected and submitted again, every version kept."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from reports.models import (
    IllegalMonthlyTransition,
    MonthlyAnswer,
    MonthlyRecipient,
    MonthlySummary,
    MonthlySummaryVersion,
)
from reports.monthly_models import due_passed_at
from reports.monthly_services import receive_monthly_summary, return_monthly_summary, submit_monthly_summary
from tests.factories import department, town

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JUNE = datetime.date(2019, 6, 1)
ON_TIME = datetime.datetime(2019, 6, 30, 17, 0, tzinfo=SHANGHAI)
Status = MonthlySummary.Status
Answer = MonthlyAnswer.Status


def draft(reporter=None, month=JUNE, **fields):
    reporter = reporter or town("青阳")
    key = "town" if reporter.__class__.__name__ == "Town" else "department"
    defaults = {"work_done": "开展检查 12 家。", "next_plan": "继续培训。", "trained_prefilled": 3, "trained": 3}
    defaults.update(fields)
    return MonthlySummary.objects.create(month=month, **{key: reporter}, **defaults)


def answers(summary, number=None):
    number = number or summary.version
    return dict(
        MonthlyAnswer.objects.filter(version__summary=summary, version__number=number).values_list("recipient", "status")
    )


def test_submitting_freezes_a_first_version_and_sends_it_to_both_recipients(qingyang_clerk):
    summary = draft(trained_prefilled=3, trained=4, trained_note="补录上月底培训 1 人")
    result = submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    summary.refresh_from_db()
    assert summary.status == Status.SUBMITTED and summary.version == 1 and not summary.is_late
    assert summary.submitted_at == ON_TIME
    version = result.version
    assert version.number == 1 and version.submitted_by == qingyang_clerk and version.work_done == "开展检查 12 家。"
    assert version.figures["trained"] == {"prefilled": 3, "reported": 4, "note": "补录上月底培训 1 人"}
    assert answers(summary) == {"safety_office": Answer.PENDING, "market_bureau": Answer.PENDING}


@pytest.mark.parametrize(
    "moment, late",
    [
        (datetime.datetime(2019, 6, 30, 23, 59, 59, 999999, tzinfo=SHANGHAI), False),
        (datetime.datetime(2019, 7, 1, 0, 0, tzinfo=SHANGHAI), True),
        (datetime.datetime(2019, 6, 30, 15, 59, 59, tzinfo=datetime.timezone.utc), False),  # 23:59:59 in Jinjiang
        (datetime.datetime(2019, 6, 30, 16, 0, tzinfo=datetime.timezone.utc), True),  # midnight in Jinjiang
        (datetime.datetime(2019, 6, 3, 9, 0, tzinfo=SHANGHAI), False),  # early in the month is fine
    ],
)
def test_a_summary_is_late_after_the_end_of_the_months_last_day_in_jinjiang(qingyang_clerk, moment, late):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=moment)
    assert summary.is_late is late
    assert MonthlySummaryVersion.objects.get(summary=summary).is_late is late
    assert due_passed_at(JUNE) == datetime.datetime(2019, 7, 1, tzinfo=SHANGHAI)


def test_a_submitted_summary_cannot_be_submitted_again(qingyang_clerk):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    with pytest.raises(IllegalMonthlyTransition):
        submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    assert MonthlySummaryVersion.objects.filter(summary=summary).count() == 1


def test_a_summary_without_its_narrative_cannot_be_submitted(qingyang_clerk):
    summary = draft(work_done="  ", next_plan="")
    with pytest.raises(ValidationError) as error:
        submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    assert set(error.value.message_dict) == {"work_done", "next_plan"}
    summary.refresh_from_db()
    assert summary.status == Status.DRAFT and summary.version == 0


def test_received_by_one_recipient_it_stays_submitted_and_by_both_it_is_received(
    qingyang_clerk, safety_office, market_bureau
):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    receive_monthly_summary(safety_office, summary)
    assert summary.status == Status.SUBMITTED
    assert answers(summary) == {"safety_office": Answer.RECEIVED, "market_bureau": Answer.PENDING}
    receive_monthly_summary(market_bureau, summary)
    summary.refresh_from_db()
    assert summary.status == Status.RECEIVED


def test_a_recipient_answers_once(qingyang_clerk, safety_office):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    receive_monthly_summary(safety_office, summary)
    with pytest.raises(IllegalMonthlyTransition):
        receive_monthly_summary(safety_office, summary)
    with pytest.raises(IllegalMonthlyTransition):
        return_monthly_summary(safety_office, summary, "补充数据")


def test_a_draft_cannot_be_received_or_returned(safety_office):
    summary = draft()
    with pytest.raises(IllegalMonthlyTransition):
        receive_monthly_summary(safety_office, summary)
    with pytest.raises(IllegalMonthlyTransition):
        return_monthly_summary(safety_office, summary, "原因")


def test_returning_needs_a_reason(qingyang_clerk, market_bureau):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    with pytest.raises(ValidationError) as error:
        return_monthly_summary(market_bureau, summary, "   ")
    assert "reason" in error.value.message_dict
    assert answers(summary)["market_bureau"] == Answer.PENDING


def test_returned_by_either_recipient_the_summary_is_returned_even_if_the_other_received_it(
    qingyang_clerk, safety_office, market_bureau
):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    return_monthly_summary(market_bureau, summary, "特种设备数据缺电梯作业人员")
    assert summary.status == Status.RETURNED
    receive_monthly_summary(safety_office, summary)
    summary.refresh_from_db()
    assert summary.status == Status.RETURNED
    answer = MonthlyAnswer.objects.get(version__summary=summary, recipient=MonthlyRecipient.MARKET_BUREAU)
    assert answer.reason == "特种设备数据缺电梯作业人员" and answer.answered_by == market_bureau
    assert answer.answered_at is not None


def test_a_returned_summary_is_corrected_and_submitted_again_keeping_every_version(
    qingyang_clerk, safety_office, market_bureau
):
    summary = draft(work_done="第一稿")
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    receive_monthly_summary(safety_office, summary)
    return_monthly_summary(market_bureau, summary, "请补充电梯作业人员情况")

    summary.work_done, summary.trained = "第二稿", 5
    summary.trained_note = "含电梯作业人员 2 人"
    summary.save()
    late_moment = datetime.datetime(2019, 7, 3, 9, 0, tzinfo=SHANGHAI)
    result = submit_monthly_summary(qingyang_clerk, summary, now=late_moment)

    summary.refresh_from_db()
    assert summary.status == Status.SUBMITTED and summary.version == 2 and summary.is_late
    first, second = MonthlySummaryVersion.objects.filter(summary=summary).order_by("number")
    assert (first.work_done, first.figures["trained"]["reported"], first.is_late) == ("第一稿", 3, False)
    assert (second.work_done, second.figures["trained"]["reported"], second.is_late) == ("第二稿", 5, True)
    assert result.version == second and result.superseded == 0
    # The first version keeps its answers; the second waits for both recipients again.
    assert answers(summary, 1) == {"safety_office": Answer.RECEIVED, "market_bureau": Answer.RETURNED}
    assert answers(summary, 2) == {"safety_office": Answer.PENDING, "market_bureau": Answer.PENDING}


def test_resubmitting_supersedes_what_the_other_recipient_had_not_answered(qingyang_clerk, safety_office):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    return_monthly_summary(safety_office, summary, "补充")
    result = submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    assert result.superseded == 1
    assert answers(summary, 1) == {"safety_office": Answer.RETURNED, "market_bureau": Answer.SUPERSEDED}


def test_a_received_summary_is_final(qingyang_clerk, safety_office, market_bureau):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    receive_monthly_summary(safety_office, summary)
    receive_monthly_summary(market_bureau, summary)
    with pytest.raises(IllegalMonthlyTransition):
        submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    assert not summary.is_editable


@pytest.mark.parametrize(
    "status, target, allowed",
    [
        (Status.DRAFT, Status.SUBMITTED, True),
        (Status.DRAFT, Status.RECEIVED, False),
        (Status.DRAFT, Status.RETURNED, False),
        (Status.SUBMITTED, Status.RETURNED, True),
        (Status.SUBMITTED, Status.RECEIVED, True),
        (Status.SUBMITTED, Status.DRAFT, False),
        (Status.RETURNED, Status.SUBMITTED, True),
        (Status.RETURNED, Status.RECEIVED, False),
        (Status.RECEIVED, Status.SUBMITTED, False),
        (Status.RECEIVED, Status.RETURNED, False),
    ],
)
def test_the_transition_map(status, target, allowed):
    summary = MonthlySummary(town=town("青阳"), month=JUNE, status=status)
    assert summary.can_move_to(target) is allowed
    if not allowed:
        with pytest.raises(IllegalMonthlyTransition):
            summary._move_to(target)


@pytest.mark.parametrize("status", [Answer.RECEIVED, Answer.RETURNED, Answer.SUPERSEDED])
def test_an_answer_other_than_pending_is_final(status):
    answer = MonthlyAnswer(recipient=MonthlyRecipient.SAFETY_OFFICE, status=status)
    for target in Answer:
        assert not answer.can_move_to(target)


def test_the_state_changing_methods_are_kept_from_templates():
    assert MonthlySummary.mark_submitted.alters_data and MonthlySummary.settle.alters_data
    assert MonthlyAnswer.receive.alters_data and MonthlyAnswer.return_for_correction.alters_data
    assert MonthlyAnswer.supersede.alters_data


def test_only_the_reporter_itself_submits(anhai_clerk, department_user, safety_office):
    summary = draft()
    for user in (anhai_clerk, department_user, safety_office):
        with pytest.raises(PermissionDenied):
            submit_monthly_summary(user, summary, now=ON_TIME)


def test_a_department_submits_its_own(department_user):
    summary = draft(department("住建局"))
    submit_monthly_summary(department_user, summary, now=ON_TIME)
    assert summary.status == Status.SUBMITTED


def test_only_the_two_recipients_answer(qingyang_clerk, emergency_bureau, department_user):
    summary = draft()
    submit_monthly_summary(qingyang_clerk, summary, now=ON_TIME)
    for user in (emergency_bureau, qingyang_clerk, department_user):
        with pytest.raises(PermissionDenied):
            receive_monthly_summary(user, summary)
        with pytest.raises(PermissionDenied):
            return_monthly_summary(user, summary, "原因")
    assert set(answers(summary).values()) == {Answer.PENDING}


def test_a_reporter_has_one_summary_a_month():
    draft()
    with pytest.raises(IntegrityError):
        draft()


def test_a_summary_belongs_to_a_town_or_a_department_not_both():
    with pytest.raises(IntegrityError):
        MonthlySummary.objects.create(month=JUNE, town=town("青阳"), department=department("住建局"))
