"""Forgery signals, each found by the database on small data, and the bureaus' checks."""

import datetime
import itertools

import pytest
from django.urls import reverse

from campaigns import enforcement_services
from campaigns.choices import FindingResult, ForgerySignal
from campaigns.forgery import flagged_certificates, signals_of
from campaigns.models import Finding, ForgeryCheck
from registry.choices import NeedKind, Verification
from registry.models import TrainingNeed
from tests.campaigns.test_enforcement_helpers import queries_for, status_for
from tests.factories import CertificateFactory, TrainingNeedFactory, WorkerFactory, category, make_id_number

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def flagged(user, signal=None):
    return {c.pk: signals_of(c) for c in flagged_certificates(user, signal=signal)}


@pytest.fixture
def clean():
    """Certificates with nothing wrong: none of them may show a signal."""
    return [
        CertificateFactory(),
        CertificateFactory(category=category("se-9-n1"), number="闽TSN1-0001"),
        CertificateFactory(issued_on=datetime.date(2015, 3, 1), valid_until=datetime.date(2021, 3, 1)),
        # reviewed and renewed special equipment: four more years counted from the old expiry
        CertificateFactory(category=category("se-9-n1"), number="闽TSN1-0002", issued_on=datetime.date(2014, 5, 1),
                           last_reviewed_on=datetime.date(2018, 3, 1), valid_until=datetime.date(2022, 5, 1)),
        # one person, two items, one number: not a shared number
        *(lambda w: [CertificateFactory(worker=w), CertificateFactory(worker=w, category=category("op-2-1"))])(WorkerFactory()),
        CertificateFactory(worker=WorkerFactory(id_number=""), number="T-UNKNOWN"),  # no ID number: nothing to compare
    ]


_serials = itertools.count(900)


def bad_id_number():
    """A well-formed ID number whose check character is wrong."""
    good = make_id_number(next(_serials), datetime.date(1990, 1, 1))
    return good[:17] + ("0" if good[17] != "0" else "1")


SIGNAL_CASES = {
    ForgerySignal.SHARED_NUMBER: lambda: [
        CertificateFactory(category=category("se-9-n1"), number="闽TSN1-9999"),
        CertificateFactory(category=category("se-9-n1"), number="闽TSN1-9999"),
    ],
    ForgerySignal.BAD_ID_CHECKSUM: lambda: [CertificateFactory(worker=WorkerFactory(id_number=bad_id_number()))],
    ForgerySignal.NUMBER_NOT_ID: lambda: [CertificateFactory(number="T350582199001010011")],
    ForgerySignal.FUTURE_ISSUE: lambda: [CertificateFactory(issued_on=TODAY + datetime.timedelta(days=10))],
    ForgerySignal.VALIDITY_TOO_LONG: lambda: [
        CertificateFactory(issued_on=datetime.date(2015, 3, 1), valid_until=datetime.date(2021, 3, 2))],
}


@pytest.mark.parametrize("signal", list(ForgerySignal))
def test_each_signal_is_found_and_nothing_else(safety_office, clean, signal):
    suspects = SIGNAL_CASES[signal]()
    assert flagged(safety_office) == {c.pk: [signal] for c in suspects}
    assert set(flagged(safety_office, signal)) == {c.pk for c in suspects}


def test_an_id_number_with_letters_or_the_wrong_length_fails_the_check(safety_office):
    odd = [CertificateFactory(worker=WorkerFactory(id_number=value), number="") for value in ("35058219900101001", "3505821990010100AX")]
    assert flagged(safety_office) == {c.pk: [ForgerySignal.BAD_ID_CHECKSUM] for c in odd}


def test_a_shared_number_counts_people_within_one_scheme(safety_office):
    CertificateFactory(category=category("se-9-n1"), number="X-1")
    CertificateFactory(category=category("op-1-2"), number="X-1", worker=WorkerFactory(id_number=""))
    assert flagged(safety_office) == {}


def test_each_bureau_sees_its_own_scheme(emergency_bureau, market_bureau, safety_office):
    operation = SIGNAL_CASES[ForgerySignal.FUTURE_ISSUE]()[0]
    equipment = SIGNAL_CASES[ForgerySignal.SHARED_NUMBER]()
    assert set(flagged(emergency_bureau)) == {operation.pk}
    assert set(flagged(market_bureau)) == {c.pk for c in equipment}
    assert set(flagged(safety_office)) == {operation.pk} | {c.pk for c in equipment}


@pytest.mark.parametrize("role, expected", [
    ("qingyang_clerk", 403), ("anhai_clerk", 403), ("safety_office", 200), ("emergency_bureau", 200),
    ("market_bureau", 404), ("department_user", 403), ("anonymous", 302),
])
def test_forgery_pages_by_role(client, personas, role, expected):
    certificate = SIGNAL_CASES[ForgerySignal.FUTURE_ISSUE]()[0]  # special operations
    list_status = status_for(client, personas[role], "get", reverse("campaigns:forgery_signals"))
    assert list_status == (200 if expected == 404 else expected)
    assert status_for(client, personas[role], "get", reverse("campaigns:forgery_check", args=[certificate.pk])) == expected


def check(client, certificate, outcome, method="national_lookup", signal=ForgerySignal.FUTURE_ISSUE, note=""):
    prefix = f"c{certificate.pk}"
    return client.post(reverse("campaigns:forgery_check", args=[certificate.pk]), {
        f"{prefix}-signal": signal, f"{prefix}-method": method, f"{prefix}-note": note, f"{prefix}-outcome": outcome})


def test_verified_genuine_records_who_when_how_and_leaves_the_list(client, emergency_bureau):
    certificate = SIGNAL_CASES[ForgerySignal.FUTURE_ISSUE]()[0]
    client.force_login(emergency_bureau)
    response = check(client, certificate, "genuine", note="系统录入错误")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.verification == Verification.GENUINE and certificate.verified_by == emergency_bureau
    assert certificate.verified_at is not None and certificate.verification_method == "全国联网查询"
    record = ForgeryCheck.objects.get()
    assert (record.outcome, record.method, record.signal, record.checked_by, record.note) == (
        "genuine", "national_lookup", ForgerySignal.FUTURE_ISSUE, emergency_bureau, "系统录入错误")
    assert flagged(emergency_bureau) == {}
    assert not Finding.objects.exists() and not TrainingNeed.objects.exists()
    page = client.get(reverse("campaigns:forgery_signals"))
    assert list(page.context["page_obj"]) == [] and list(page.context["recent_checks"]) == [record]


def test_forged_becomes_a_finding_and_an_open_need_for_the_holder(client, market_bureau):
    first, second = SIGNAL_CASES[ForgerySignal.SHARED_NUMBER]()
    client.force_login(market_bureau)
    assert check(client, second, "forged", method="issuer_confirmed", signal=ForgerySignal.SHARED_NUMBER).status_code == 302
    second.refresh_from_db()
    assert second.verification == Verification.FORGED and second.verified_by == market_bureau
    finding = Finding.objects.get()
    assert finding.inspection is None and finding.result == FindingResult.FORGED and finding.worker == second.worker
    assert finding.certificate == second and finding.verification_method == "issuer_confirmed"
    need = finding.training_need
    assert need.is_open and need.kind == NeedKind.INITIAL and need.worker == second.worker and need.category == second.category
    assert ForgeryCheck.objects.get().finding == finding
    assert set(flagged(market_bureau)) == {first.pk}  # the other holder still waits for a check


def test_forged_links_an_open_need_the_holder_already_has(market_bureau):
    certificate = SIGNAL_CASES[ForgerySignal.SHARED_NUMBER]()[0]
    need = TrainingNeedFactory(worker=certificate.worker, category=certificate.category)
    result = enforcement_services.confirm_certificate_forged(
        certificate, signal=ForgerySignal.SHARED_NUMBER, method="national_lookup", user=market_bureau)
    assert result.need == need and not result.need_created and TrainingNeed.objects.count() == 1


def test_forged_is_all_or_nothing(market_bureau, monkeypatch):
    certificate = SIGNAL_CASES[ForgerySignal.SHARED_NUMBER]()[0]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ForgeryCheck.objects, "create", broken)
    with pytest.raises(RuntimeError):
        enforcement_services.confirm_certificate_forged(
            certificate, signal=ForgerySignal.SHARED_NUMBER, method="national_lookup", user=market_bureau)
    certificate.refresh_from_db()
    assert certificate.verification == Verification.UNVERIFIED
    assert not Finding.objects.exists() and not TrainingNeed.objects.exists()


def test_a_checked_certificate_is_not_checked_twice(client, emergency_bureau):
    certificate = SIGNAL_CASES[ForgerySignal.FUTURE_ISSUE]()[0]
    client.force_login(emergency_bureau)
    check(client, certificate, "genuine")
    response = check(client, certificate, "forged")
    assert response.status_code == 200 and "已核验" in response.content.decode()
    assert ForgeryCheck.objects.count() == 1 and not Finding.objects.exists()


def test_a_check_needs_a_method(client, emergency_bureau):
    certificate = SIGNAL_CASES[ForgerySignal.FUTURE_ISSUE]()[0]
    client.force_login(emergency_bureau)
    response = check(client, certificate, "genuine", method="")
    assert response.status_code == 200 and response.context["form"].errors["method"]
    assert not ForgeryCheck.objects.exists()


def test_the_list_counts_each_signal_and_filters(client, safety_office):
    for signal in ForgerySignal:
        SIGNAL_CASES[signal]()
    client.force_login(safety_office)
    response = client.get(reverse("campaigns:forgery_signals"))
    assert {signal.value: n for signal, n in response.context["figures"]} == {
        "shared_number": 2, "bad_id_checksum": 1, "number_not_id": 1, "future_issue": 1, "validity_too_long": 1}
    assert response.context["page_obj"].paginator.count == 6
    filtered = client.get(reverse("campaigns:forgery_signals"), {"signal": "shared_number", "scheme": "special_equipment"})
    assert filtered.context["page_obj"].paginator.count == 2


def test_the_signal_list_runs_a_fixed_number_of_queries(client, safety_office):
    client.force_login(safety_office)
    for signal in ForgerySignal:
        SIGNAL_CASES[signal]()
    few = queries_for(client, reverse("campaigns:forgery_signals"))
    for signal in ForgerySignal:
        SIGNAL_CASES[signal]()
    enforcement_services.confirm_certificate_genuine(
        flagged_certificates(safety_office).first(), signal=ForgerySignal.SHARED_NUMBER, method="qr_code", user=safety_office)
    assert queries_for(client, reverse("campaigns:forgery_signals")) == few
