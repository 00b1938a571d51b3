"""Findings per worker checked: prefilled from the ledger; a finding without a valid certificate
opens (or links) a training need, all at once."""

import datetime

import pytest
from django.urls import reverse

from campaigns import enforcement_services
from campaigns.choices import FindingResult
from campaigns.models import Finding
from registry.choices import NeedKind, NeedSource, Verification
from registry.models import TrainingNeed
from tests.campaigns.test_enforcement_helpers import make_inspection, plan, queries_for, status_for  # noqa: F401
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, department, town

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def years_ago(years, days=0):
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def unit():
    return UnitFactory(town=town("青阳"))


@pytest.fixture
def ledger(unit):
    workers = {key: WorkerFactory(unit=unit, name=name) for key, name in (
        ("valid", "甲持证"), ("none", "乙无证"), ("overdue", "丙逾期"), ("expired", "丁过期"), ("needy", "戊已登记"),
        ("forged", "己假证"))}
    certificates = {
        "valid": CertificateFactory(worker=workers["valid"]),
        "overdue": CertificateFactory(worker=workers["overdue"], issued_on=years_ago(4)),
        "expired": CertificateFactory(worker=workers["expired"], issued_on=years_ago(7)),
        "forged": CertificateFactory(worker=workers["forged"], verification=Verification.FORGED),
    }
    need = TrainingNeedFactory(worker=workers["needy"], category=category("op-2-1"))
    WorkerFactory(unit=unit, name="庚离职", is_active=False)
    return workers, certificates, need


def post_data(response, changes=None):
    """The findings formset as the page shows it, with `changes` {worker pk: {field: value}}."""
    formset = response.context["formset"]
    data = {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
    for form in formset.forms:
        values = {name: form[name].value() for name in form.fields}
        values["checked"] = "on" if values["checked"] else ""
        values.update((changes or {}).get(values["worker"], {}))
        for name, value in values.items():
            if value not in (None, "", False):
                data[form.add_prefix(name)] = value
    return data


def findings_url(inspection):
    return reverse("campaigns:inspection_findings", args=[inspection.pk])


def test_each_active_worker_is_prefilled_from_the_ledger(client, qingyang_clerk, unit, ledger):
    workers, certificates, need = ledger
    client.force_login(qingyang_clerk)
    response = client.get(findings_url(make_inspection(unit)))
    rows = {form.row["worker"].name: form.initial for form in response.context["formset"].forms}
    assert set(rows) == {"甲持证", "乙无证", "丙逾期", "丁过期", "戊已登记", "己假证"}  # the archived worker is not listed
    assert rows["甲持证"]["result"] == FindingResult.CERTIFIED and rows["甲持证"]["certificate"] == certificates["valid"].pk
    assert rows["乙无证"]["result"] == FindingResult.NO_CERTIFICATE and rows["乙无证"]["category"] is None
    assert rows["丙逾期"]["result"] == FindingResult.EXPIRED and rows["丙逾期"]["certificate"] == certificates["overdue"].pk
    assert rows["丁过期"]["result"] == FindingResult.EXPIRED
    assert rows["戊已登记"]["result"] == FindingResult.NO_CERTIFICATE and rows["戊已登记"]["category"] == need.category_id
    assert rows["己假证"]["result"] == FindingResult.FORGED
    assert not any(row["checked"] for row in rows.values())


def test_saving_findings_opens_needs_for_those_without_a_valid_certificate(client, qingyang_clerk, unit, ledger):
    workers, certificates, existing_need = ledger
    inspection = make_inspection(unit)
    client.force_login(qingyang_clerk)
    response = client.get(findings_url(inspection))
    checked = {"checked": "on"}
    data = post_data(response, {
        workers["valid"].pk: checked,
        workers["none"].pk: {**checked, "category": category("op-1-2").pk, "verification_method": "original_seen"},
        workers["overdue"].pk: checked,
        workers["expired"].pk: checked,
        workers["needy"].pk: checked,
    })
    response = client.post(findings_url(inspection), data)
    assert response.status_code == 302
    findings = {f.worker_id: f for f in Finding.objects.filter(inspection=inspection)}
    assert set(findings) == {workers[k].pk for k in ("valid", "none", "overdue", "expired", "needy")}
    assert findings[workers["valid"].pk].training_need is None
    none_need = findings[workers["none"].pk].training_need
    assert (none_need.kind, none_need.source, none_need.category) == (NeedKind.INITIAL, NeedSource.INSPECTION, category("op-1-2"))
    overdue_need = findings[workers["overdue"].pk].training_need
    assert overdue_need.kind == NeedKind.REVIEW and overdue_need.certificate == certificates["overdue"]
    assert findings[workers["expired"].pk].training_need.kind == NeedKind.INITIAL
    assert findings[workers["needy"].pk].training_need == existing_need  # linked, not duplicated
    assert TrainingNeed.objects.count() == 4
    follow = client.get(response["Location"])
    assert "新生成培训需求 3 条，关联已有需求 1 条" in follow.content.decode()


def test_saving_again_updates_the_findings_without_duplicating_needs(client, qingyang_clerk, unit, ledger):
    workers = ledger[0]
    inspection = make_inspection(unit)
    client.force_login(qingyang_clerk)
    change = {workers["none"].pk: {"checked": "on", "category": category("op-1-2").pk}}
    client.post(findings_url(inspection), post_data(client.get(findings_url(inspection)), change))
    response = client.get(findings_url(inspection))
    assert {form.row["worker"].pk: form.initial["checked"] for form in response.context["formset"].forms}[workers["none"].pk]
    client.post(findings_url(inspection), post_data(response, {workers["none"].pk: {"note": "复查"}}))
    assert Finding.objects.get().note == "复查"
    assert TrainingNeed.objects.filter(worker=workers["none"]).count() == 1


def test_a_violation_without_a_category_is_refused_and_nothing_is_saved(client, qingyang_clerk, unit, ledger):
    workers = ledger[0]
    inspection = make_inspection(unit)
    client.force_login(qingyang_clerk)
    data = post_data(client.get(findings_url(inspection)), {
        workers["valid"].pk: {"checked": "on"}, workers["none"].pk: {"checked": "on", "note": "现场"}})
    response = client.post(findings_url(inspection), data)
    assert response.status_code == 200 and "须选择作业类别" in response.content.decode()
    assert 'value="现场"' in response.content.decode()
    assert not Finding.objects.exists() and TrainingNeed.objects.count() == 1


def test_a_certificate_found_forged_is_marked_in_the_ledger(client, qingyang_clerk, unit, ledger):
    workers, certificates, _ = ledger
    inspection = make_inspection(unit)
    client.force_login(qingyang_clerk)
    data = post_data(client.get(findings_url(inspection)), {
        workers["valid"].pk: {"checked": "on", "result": FindingResult.FORGED, "verification_method": "national_lookup"}})
    client.post(findings_url(inspection), data)
    certificate = certificates["valid"]
    certificate.refresh_from_db()
    assert certificate.verification == Verification.FORGED and certificate.verified_by == qingyang_clerk
    finding = Finding.objects.get()
    assert finding.training_need.kind == NeedKind.INITIAL and finding.certificate == certificate


def test_findings_and_needs_are_saved_together_or_not_at_all(unit, ledger, monkeypatch):
    workers = ledger[0]
    inspection = make_inspection(unit)
    calls = []
    real = enforcement_services.open_need_for

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(enforcement_services, "open_need_for", failing)
    rows = [{"worker": workers[key], "result": FindingResult.NO_CERTIFICATE, "category": category("op-1-2"),
             "certificate": None} for key in ("none", "expired")]
    with pytest.raises(RuntimeError):
        enforcement_services.record_findings(inspection, rows)
    assert not Finding.objects.exists() and TrainingNeed.objects.count() == 1


def test_a_cross_inspecting_clerk_sees_the_inspected_units_workers(client, qingyang_clerk, plan):
    unit = UnitFactory(town=town("安海"))
    WorkerFactory(unit=unit, name="安海工人")
    inspection = make_inspection(unit, inspecting_town=town("青阳"), is_cross_inspection=True)
    client.force_login(qingyang_clerk)
    response = client.get(findings_url(inspection))
    assert [form.row["worker"].name for form in response.context["formset"].forms] == ["安海工人"]


def test_a_bureau_records_findings_in_its_own_scheme(client, market_bureau, unit, ledger):
    inspection = make_inspection(unit, inspecting_town=None, inspecting_department=department("市场监管局"))
    client.force_login(market_bureau)
    response = client.get(findings_url(inspection))
    form = response.context["formset"].forms[0]
    labels = [label for label, _ in form.fields["category"].choices[1:]]
    assert labels == ["特种设备"]
    # the special-operation certificates are not the bureau's: nobody shows as certified
    assert all(form.initial["result"] != FindingResult.CERTIFIED for form in response.context["formset"].forms)


@pytest.mark.parametrize("role, expected", [
    ("qingyang_clerk", 200), ("anhai_clerk", 404), ("safety_office", 200), ("emergency_bureau", 200),
    ("market_bureau", 200), ("department_user", 403), ("anonymous", 302),
])
def test_the_findings_page_by_role(client, personas, unit, role, expected):
    inspection = make_inspection(unit)
    assert status_for(client, personas[role], "get", findings_url(inspection)) == expected


def test_a_clerk_cannot_record_findings_on_an_inspection_made_by_the_city(client, qingyang_clerk, unit):
    inspection = make_inspection(unit, inspecting_town=None, inspecting_department=department("应急局"))
    client.force_login(qingyang_clerk)
    assert client.get(findings_url(inspection)).status_code == 403
    assert client.post(findings_url(inspection), {}).status_code == 403


def test_the_findings_and_detail_pages_run_a_fixed_number_of_queries(client, safety_office, unit, ledger):
    inspection = make_inspection(unit)
    client.force_login(safety_office)
    workers = ledger[0]
    enforcement_services.record_findings(inspection, [
        {"worker": workers["none"], "result": FindingResult.NO_CERTIFICATE, "category": category("op-1-2"), "certificate": None}])
    few = queries_for(client, findings_url(inspection))
    detail = queries_for(client, reverse("campaigns:inspection_detail", args=[inspection.pk]))
    for n in range(4):
        worker = WorkerFactory(unit=unit)
        CertificateFactory(worker=worker)
        enforcement_services.record_findings(inspection, [
            {"worker": worker, "result": FindingResult.CERTIFIED, "category": None, "certificate": None}])
    assert queries_for(client, findings_url(inspection)) == few
    assert queries_for(client, reverse("campaigns:inspection_detail", args=[inspection.pk])) == detail
