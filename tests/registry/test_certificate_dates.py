"""Next review dates and statuses are computed from the category's rules, at their boundaries."""

import datetime

import pytest

from registry.choices import CertificateStatus
from registry.models import Certificate
from tests.factories import CertificateFactory, category

pytestmark = pytest.mark.django_db

D = datetime.date


def electrician(issued_on, **kwargs):
    return CertificateFactory(category=category("op-1-2"), issued_on=issued_on, **kwargs)


def forklift(issued_on, **kwargs):
    return CertificateFactory(category=category("se-9-n1"), issued_on=issued_on, **kwargs)


def test_a_special_operation_certificate_is_valid_six_years_and_reviewed_every_three():
    certificate = electrician(D(2018, 3, 1))
    assert certificate.valid_until == D(2024, 3, 1)
    assert certificate.next_review_on == D(2021, 3, 1)


def test_a_review_moves_the_next_review_three_years_on_but_never_past_expiry():
    certificate = electrician(D(2018, 3, 1))
    certificate.record_review(D(2021, 2, 1))
    assert certificate.next_review_on == D(2024, 2, 1)
    certificate.record_review(D(2023, 6, 1))
    assert certificate.next_review_on == D(2024, 3, 1)


def test_special_operation_status_at_its_boundaries():
    certificate = electrician(D(2018, 3, 1))  # review due 2021-03-01, window opens 60 days before
    assert certificate.status_on(D(2020, 12, 30)) == CertificateStatus.VALID
    assert certificate.status_on(D(2020, 12, 31)) == CertificateStatus.REVIEW_DUE_SOON
    assert certificate.status_on(D(2021, 3, 1)) == CertificateStatus.REVIEW_DUE_SOON
    assert certificate.status_on(D(2021, 3, 2)) == CertificateStatus.REVIEW_OVERDUE
    assert certificate.status_on(D(2024, 3, 1)) == CertificateStatus.REVIEW_OVERDUE
    assert certificate.status_on(D(2024, 3, 2)) == CertificateStatus.EXPIRED


def test_a_special_equipment_certificate_is_valid_four_years_and_review_is_due_a_month_before_expiry():
    certificate = forklift(D(2019, 8, 15))
    assert certificate.valid_until == D(2023, 8, 15)
    assert certificate.next_review_on == D(2023, 7, 16)
    assert certificate.status_on(D(2023, 5, 16)) == CertificateStatus.VALID
    assert certificate.status_on(D(2023, 5, 17)) == CertificateStatus.REVIEW_DUE_SOON
    assert certificate.status_on(D(2023, 7, 17)) == CertificateStatus.REVIEW_OVERDUE
    assert certificate.status_on(D(2023, 8, 16)) == CertificateStatus.EXPIRED


def test_a_special_equipment_review_renews_for_four_more_years():
    certificate = forklift(D(2019, 8, 15))
    certificate.record_review(D(2023, 6, 1))
    assert certificate.valid_until == D(2027, 8, 15)
    assert certificate.status_on(D(2023, 9, 1)) == CertificateStatus.VALID


def test_a_typed_expiry_is_kept_and_leap_days_fall_back():
    certificate = electrician(D(2020, 2, 29))
    assert certificate.valid_until == D(2026, 2, 28)
    assert certificate.next_review_on == D(2023, 2, 28)
    shorter = electrician(D(2020, 1, 1), valid_until=D(2022, 1, 1))
    assert shorter.next_review_on == D(2022, 1, 1)


@pytest.mark.parametrize("on", [D(2020, 12, 31), D(2021, 1, 1), D(2021, 3, 2), D(2024, 3, 2), D(2023, 5, 17), D(2023, 7, 17)])
def test_the_database_computes_the_same_status_as_the_model(on):
    electrician(D(2018, 3, 1))
    forklift(D(2019, 8, 15))
    for certificate in Certificate.objects.with_status(on):
        assert certificate.status_code == certificate.status_on(on)
        assert Certificate.objects.with_status_code(certificate.status_code, on).filter(pk=certificate.pk).exists()


def test_review_due_within_days_can_be_queried():
    due = electrician(D(2018, 3, 1))  # review 2021-03-01
    later = electrician(D(2018, 9, 1))  # review 2021-09-01
    found = Certificate.objects.review_due_within(90, on=D(2021, 1, 15))
    assert list(found) == [due]
    assert later not in Certificate.objects.review_due_within(90, on=D(2021, 1, 15))
    assert Certificate.objects.review_overdue_on(D(2021, 3, 2)).get() == due
