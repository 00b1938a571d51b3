"""Submission: on time or late at the deadline, the state machine, and who sees which submissions."""

import datetime
import zoneinfo

import pytest

from reports.models import IllegalTransition, Submission, SubmissionState, deadline_passed
from tests.factories import UserFactory, town

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2019, 7, 1)


def at(*args, tz=SHANGHAI):
    return datetime.datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    "moment, late",
    [
        (at(2019, 6, 30, 12, 0), False),
        (at(2019, 7, 1, 0, 0), False),
        (at(2019, 7, 1, 23, 59, 59), False),
        (at(2019, 7, 2, 0, 0), True),
        (at(2019, 7, 1, 15, 59, 59, tz=datetime.timezone.utc), False),  # 23:59:59 in Jinjiang
        (at(2019, 7, 1, 16, 0, 0, tz=datetime.timezone.utc), True),  # midnight in Jinjiang
    ],
)
def test_a_form_is_on_time_until_the_end_of_the_due_day_in_jinjiang(moment, late):
    assert deadline_passed(moment, DUE) is late


def test_without_a_due_day_nothing_is_late():
    assert deadline_passed(at(2030, 1, 1), None) is False


def make_submission(campaign, town_short_name="青阳", form=1, version=1, **fields):
    defaults = dict(submitted_at=at(2019, 6, 30, 10), report_date=datetime.date(2019, 6, 30), file_name="f.xlsx")
    defaults.update(fields)
    return Submission.objects.create(
        town=town(town_short_name), campaign=campaign, form=form, version=version, content=b"xlsx", **defaults
    )


def test_a_submitted_form_can_be_accepted(campaign, safety_office):
    submission = make_submission(campaign)
    submission.accept(safety_office)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.reviewed_by == safety_office and submission.reviewed_at is not None
    assert submission.grid_state == SubmissionState.ACCEPTED


def test_a_submitted_form_can_be_returned_with_a_reason(campaign, safety_office):
    submission = make_submission(campaign)
    submission.return_for_correction(safety_office, "缺少手机号码")
    submission.refresh_from_db()
    assert (submission.status, submission.reason) == (Submission.Status.RETURNED, "缺少手机号码")
    assert submission.grid_state == SubmissionState.RETURNED


@pytest.mark.parametrize("final", [Submission.Status.ACCEPTED, Submission.Status.RETURNED, Submission.Status.SUPERSEDED])
@pytest.mark.parametrize("action", ["accept", "return", "supersede"])
def test_a_reviewed_or_superseded_form_cannot_move_again(campaign, safety_office, final, action):
    submission = make_submission(campaign, status=final)
    with pytest.raises(IllegalTransition):
        if action == "accept":
            submission.accept(safety_office)
        elif action == "return":
            submission.return_for_correction(safety_office, "原因")
        else:
            submission.supersede()
    submission.refresh_from_db()
    assert submission.status == final


def test_the_transitions_are_marked_as_altering_data():
    assert Submission.accept.alters_data
    assert Submission.return_for_correction.alters_data
    assert Submission.supersede.alters_data


def test_the_grid_state_of_a_pending_form_says_on_time_or_late(campaign):
    assert make_submission(campaign, is_late=False).grid_state == SubmissionState.ON_TIME
    assert make_submission(campaign, version=2, is_late=True).grid_state == SubmissionState.LATE


@pytest.fixture
def submissions(campaign):
    return {
        ("青阳", 1): make_submission(campaign, "青阳", 1),
        ("青阳", 2): make_submission(campaign, "青阳", 2),
        ("安海", 1): make_submission(campaign, "安海", 1),
        ("安海", 2): make_submission(campaign, "安海", 2),
    }


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("qingyang_clerk", {("青阳", 1), ("青阳", 2)}),
        ("anhai_clerk", {("安海", 1), ("安海", 2)}),
        ("safety_office", {("青阳", 1), ("青阳", 2), ("安海", 1), ("安海", 2)}),
        ("emergency_bureau", {("青阳", 1), ("安海", 1)}),
        ("market_bureau", {("青阳", 2), ("安海", 2)}),
        ("department_user", set()),
        ("anonymous", set()),
    ],
)
def test_each_persona_sees_its_own_submissions(submissions, personas, persona, visible):
    seen = Submission.objects.for_user(personas[persona])
    assert {(s.town.short_name, s.form) for s in seen} == visible


def test_a_user_with_an_unknown_role_sees_nothing(submissions):
    user = UserFactory(role="nobody")
    assert not Submission.objects.for_user(user).exists()


def test_latest_versions_keeps_the_newest_of_each_form(campaign):
    make_submission(campaign, version=1, status=Submission.Status.SUPERSEDED)
    newest = make_submission(campaign, version=2)
    other = make_submission(campaign, form=2)
    assert set(Submission.objects.latest_versions()) == {newest, other}
