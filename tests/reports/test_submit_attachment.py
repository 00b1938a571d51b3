"""Submitting a form freezes it; versions are kept; the safety office accepts or returns it."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.choices import PhaseKind
from registry.choices import NeedStatus
from reports.attachments import submission_grid
from reports.models import IllegalTransition, Submission, SubmissionState
from reports.services import accept_submission, return_submission, submit_attachment
from tests.factories import TrainingNeedFactory, WorkerFactory, category

from .helpers import QINGYANG_FORM_1, load, table_rows

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """Set the time the services see: clock(2019, 7, 1, 23, 59) is that moment in Jinjiang."""

    def set_now(*args):
        moment = datetime.datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return moment

    set_now(2019, 6, 28, 9, 30)
    return set_now


def frozen_rows(submission):
    return [
        (r.number, r.unit_name, r.worker_name, r.category_text, r.mobile) for r in submission.rows.order_by("number")
    ]


def test_a_clerk_submits_their_towns_form(qingyang_ledger, qingyang_clerk, campaign, clock):
    result = submit_attachment(qingyang_clerk, campaign, 1)
    submission = Submission.objects.get(pk=result.submission.pk)
    assert (submission.town.short_name, submission.form, submission.version) == ("青阳", 1, 1)
    assert submission.submitted_by == qingyang_clerk
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.report_date == datetime.date(2019, 6, 28)
    assert submission.due_on == datetime.date(2019, 7, 1)
    assert submission.on_time and submission.grid_state == SubmissionState.ON_TIME
    assert result.row_count == submission.row_count == 3
    assert frozen_rows(submission) == QINGYANG_FORM_1
    sheet = load(submission.content).active
    assert sheet["A4"].value == "报送时间：2019年6月28日"
    assert table_rows(sheet) == QINGYANG_FORM_1
    assert submission.file_name == "青阳街道_附件1_特种作业人员情况汇总表_第1版.xlsx"


def test_the_form_may_carry_another_date(qingyang_ledger, qingyang_clerk, campaign, clock):
    submission = submit_attachment(qingyang_clerk, campaign, 1, date=datetime.date(2019, 6, 30)).submission
    assert load(submission.content).active["A4"].value == "报送时间：2019年6月30日"


def test_later_ledger_edits_do_not_change_a_submission(qingyang_ledger, qingyang_clerk, campaign, clock):
    submission = submit_attachment(qingyang_clerk, campaign, 1).submission
    content = bytes(Submission.objects.get(pk=submission.pk).content)
    worker = qingyang_ledger["li_electric"].worker
    worker.name, worker.mobile = "李四改", "13811112222"
    worker.save()
    qingyang_ledger["wang_height"].status = NeedStatus.CANCELLED
    qingyang_ledger["wang_height"].save()
    TrainingNeedFactory(worker=WorkerFactory(unit=worker.unit, name="新人"), category=category("op-1-2"))

    submission.refresh_from_db()
    assert frozen_rows(submission) == QINGYANG_FORM_1
    assert bytes(submission.content) == content


@pytest.mark.parametrize(
    "moment, state",
    [((2019, 7, 1, 23, 59, 59), SubmissionState.ON_TIME), ((2019, 7, 2, 0, 0, 0), SubmissionState.LATE)],
)
def test_on_time_until_the_end_of_the_survey_deadline(qingyang_ledger, qingyang_clerk, campaign, clock, moment, state):
    clock(*moment)
    submission = submit_attachment(qingyang_clerk, campaign, 1).submission
    assert submission.grid_state == state
    assert submission.is_late is (state == SubmissionState.LATE)


def test_a_campaign_copied_later_has_its_own_deadline(qingyang_ledger, qingyang_clerk, campaign, clock):
    later = campaign.copy_shifted(365, name="2020年专项行动")
    clock(2019, 7, 2, 10, 0)
    assert submit_attachment(qingyang_clerk, later, 1).submission.on_time
    assert later.phases.get(kind=PhaseKind.SURVEY).deadline == datetime.date(2020, 6, 30)


def test_resubmission_keeps_every_version(qingyang_ledger, qingyang_clerk, safety_office, campaign, clock):
    first = submit_attachment(qingyang_clerk, campaign, 1).submission
    worker = qingyang_ledger["li_electric"].worker
    worker.mobile = "13899998888"
    worker.save()
    second_result = submit_attachment(qingyang_clerk, campaign, 1)
    second = second_result.submission
    assert second_result.superseded == first
    return_submission(safety_office, second, "请补充遗漏的人员")
    third = submit_attachment(qingyang_clerk, campaign, 1).submission

    versions = list(Submission.objects.filter(town=first.town, campaign=campaign, form=1).order_by("version"))
    assert [(s.version, s.status) for s in versions] == [
        (1, Submission.Status.SUPERSEDED),
        (2, Submission.Status.RETURNED),
        (3, Submission.Status.SUBMITTED),
    ]
    assert frozen_rows(versions[0]) == QINGYANG_FORM_1
    assert frozen_rows(versions[1])[2][4] == "13899998888"
    assert third.file_name.endswith("第3版.xlsx")


def test_an_accepted_form_cannot_be_submitted_again(qingyang_ledger, qingyang_clerk, safety_office, campaign, clock):
    accept_submission(safety_office, submit_attachment(qingyang_clerk, campaign, 1).submission)
    with pytest.raises(IllegalTransition):
        submit_attachment(qingyang_clerk, campaign, 1)
    assert Submission.objects.count() == 1


def test_the_two_forms_have_separate_versions(qingyang_ledger, qingyang_clerk, campaign, clock):
    submit_attachment(qingyang_clerk, campaign, 1)
    assert submit_attachment(qingyang_clerk, campaign, 2).submission.version == 1


@pytest.mark.parametrize("persona", ["safety_office", "emergency_bureau", "market_bureau", "department_user", "anonymous"])
def test_only_a_town_clerk_submits(campaign, personas, persona):
    with pytest.raises(PermissionDenied):
        submit_attachment(personas[persona], campaign, 1)


def test_a_clerk_submits_only_their_own_towns_rows(qingyang_ledger, anhai_ledger, anhai_clerk, campaign, clock):
    submission = submit_attachment(anhai_clerk, campaign, 1).submission
    assert submission.town.short_name == "安海"
    assert [row[2] for row in frozen_rows(submission)] == ["陈六"]


@pytest.mark.parametrize(
    "persona", ["qingyang_clerk", "anhai_clerk", "emergency_bureau", "market_bureau", "department_user", "anonymous"]
)
def test_only_the_safety_office_reviews(qingyang_ledger, qingyang_clerk, campaign, clock, personas, persona):
    submission = submit_attachment(qingyang_clerk, campaign, 1).submission
    with pytest.raises(PermissionDenied):
        accept_submission(personas[persona], submission)
    with pytest.raises(PermissionDenied):
        return_submission(personas[persona], submission, "原因")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_returning_needs_a_reason(qingyang_ledger, qingyang_clerk, safety_office, campaign, clock):
    submission = submit_attachment(qingyang_clerk, campaign, 1).submission
    with pytest.raises(ValidationError):
        return_submission(safety_office, submission, "   ")
    result = return_submission(safety_office, submission, " 缺少手机号码 ")
    assert result.submission.reason == "缺少手机号码"
    assert result.submission.reviewed_by == safety_office


def test_a_reviewed_form_cannot_be_reviewed_again(qingyang_ledger, qingyang_clerk, safety_office, campaign, clock):
    submission = submit_attachment(qingyang_clerk, campaign, 1).submission
    accept_submission(safety_office, submission)
    with pytest.raises(IllegalTransition):
        return_submission(safety_office, submission, "再看看")
    with pytest.raises(IllegalTransition):
        accept_submission(safety_office, submission)


def test_the_grid_shows_each_towns_forms(
    qingyang_ledger, anhai_ledger, qingyang_clerk, anhai_clerk, safety_office, campaign, clock
):
    accept_submission(safety_office, submit_attachment(qingyang_clerk, campaign, 1).submission)
    return_submission(safety_office, submit_attachment(qingyang_clerk, campaign, 2).submission, "补充")
    clock(2019, 7, 3, 8, 0)
    submit_attachment(anhai_clerk, campaign, 1)

    grid = submission_grid(safety_office, campaign)
    states = {(row.town.short_name, cell.form): cell.state for row in grid for cell in row.cells}
    assert len(grid) == 20
    assert states[("青阳", 1)] == SubmissionState.ACCEPTED
    assert states[("青阳", 2)] == SubmissionState.RETURNED
    assert states[("安海", 1)] == SubmissionState.LATE
    assert states[("安海", 2)] == SubmissionState.NOT_SUBMITTED
    assert states[("梅岭", 1)] == SubmissionState.NOT_SUBMITTED

    resubmitted = submit_attachment(qingyang_clerk, campaign, 2).submission
    grid = submission_grid(safety_office, campaign)
    cell = next(c for row in grid if row.town.short_name == "青阳" for c in row.cells if c.form == 2)
    assert (cell.state, cell.submission) == (SubmissionState.LATE, resubmitted)


def test_the_grid_takes_a_constant_number_of_queries(db, safety_office, campaign):
    from tests.factories import town

    for short_name in ("青阳", "安海", "梅岭", "磁灶"):
        for form in (1, 2):
            Submission.objects.create(
                town=town(short_name), campaign=campaign, form=form, version=1, content=b"x",
                submitted_at=datetime.datetime(2019, 6, 30, tzinfo=SHANGHAI), report_date=datetime.date(2019, 6, 30),
            )
    with CaptureQueriesContext(connection) as queries:
        grid = submission_grid(safety_office, campaign)
        states = [cell.state for row in grid for cell in row.cells]
    assert states.count(SubmissionState.ON_TIME) == 8
    assert len(queries) == 2


@pytest.mark.parametrize(
    "persona, towns, forms",
    [
        ("qingyang_clerk", 1, [1, 2]),
        ("safety_office", 20, [1, 2]),
        ("emergency_bureau", 20, [1]),
        ("market_bureau", 20, [2]),
        ("department_user", 0, []),
        ("anonymous", 0, []),
    ],
)
def test_the_grid_is_scoped(campaign, personas, persona, towns, forms):
    grid = submission_grid(personas[persona], campaign)
    assert len(grid) == towns
    assert all([cell.form for cell in row.cells] == forms for row in grid)
