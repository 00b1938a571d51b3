"""The service's double-click guard: a clerk's confirmation names the newest version they saw."""

import datetime
import zoneinfo

import pytest

from reports.models import Submission
from reports.services import StaleSubmission, accept_submission, submit_attachment

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    moment = datetime.datetime(2019, 6, 28, 9, 30, tzinfo=SHANGHAI)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def test_a_confirmation_of_the_newest_version_submits(qingyang_ledger, qingyang_clerk, campaign):
    assert submit_attachment(qingyang_clerk, campaign, 1, seen_version=0).submission.version == 1
    assert submit_attachment(qingyang_clerk, campaign, 1, seen_version=1).submission.version == 2


def test_a_stale_confirmation_submits_nothing(qingyang_ledger, qingyang_clerk, campaign):
    submit_attachment(qingyang_clerk, campaign, 1, seen_version=0)
    with pytest.raises(StaleSubmission) as stale:
        submit_attachment(qingyang_clerk, campaign, 1, seen_version=0)
    assert stale.value.newest == 1
    assert list(Submission.objects.values_list("version", "status")) == [(1, Submission.Status.SUBMITTED)]


def test_staleness_is_told_before_acceptance(qingyang_ledger, qingyang_clerk, safety_office, campaign):
    accept_submission(safety_office, submit_attachment(qingyang_clerk, campaign, 1).submission)
    with pytest.raises(StaleSubmission):
        submit_attachment(qingyang_clerk, campaign, 1, seen_version=0)
