"""The admin: every list page loads in a constant number of queries, units and workers are
archived rather than deleted, and units, workers and certificates go out to CSV/XLSX and come
back in without duplicates or live formulas."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.formats import base_formats

from campaigns.models import Campaign
from registry.choices import Verification
from registry.models import Certificate, LedgerImport, TrainingInstitution, Unit, Worker
from registry.resources import CertificateResource, UnitResource, WorkerResource
from tests.factories import (
    CertificateFactory,
    TrainingNeedFactory,
    UnitFactory,
    UserFactory,
    WorkerFactory,
    category,
    make_credit_code,
    make_id_number,
    town,
)

CSV = base_formats.CSV
XLSX = base_formats.XLSX


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _make_users(n):
    for _ in range(n):
        UserFactory(role="town_clerk", town=town("青阳"))


def _make_institutions(n):
    start = TrainingInstitution.objects.count()
    for i in range(n):
        TrainingInstitution.objects.create(name=f"晋江市测试培训学校{start + i}", scheme="special_operation")


def _make_ledger_imports(n):
    uploader = UserFactory(role="town_clerk", town=town("安海"))
    for i in range(n):
        LedgerImport.objects.create(
            uploaded_by=uploader, town=town("安海"), form=1, file_name=f"附件1-{i}.xlsx", checksum="0" * 64,
            content=b"PK" * 1000,
        )


def _make_campaigns(n):
    notice = Campaign.objects.order_by("pk").first()
    for i in range(n):
        notice.copy_shifted(365 * (i + 1), name=f"第{i + 2}轮专项行动")


def _make_certificates(n):
    for _ in range(n):
        CertificateFactory(verified_by=UserFactory())


# each list page with the rows it shows; reference data (towns, departments, categories) is fixed
CHANGELISTS = {
    "registry_user": _make_users,
    "registry_town": None,
    "registry_department": None,
    "registry_certificatecategory": None,
    "registry_unit": lambda n: UnitFactory.create_batch(n),
    "registry_worker": lambda n: WorkerFactory.create_batch(n),
    "registry_certificate": _make_certificates,
    "registry_trainingneed": lambda n: TrainingNeedFactory.create_batch(n),
    "registry_traininginstitution": _make_institutions,
    "registry_ledgerimport": _make_ledger_imports,
    "campaigns_campaign": _make_campaigns,
    "campaigns_phase": _make_campaigns,
}


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", CHANGELISTS)
def test_each_list_page_loads_in_the_same_number_of_queries_for_2_or_10_rows(admin_client, name):
    url = reverse(f"admin:{name}_changelist")
    make = CHANGELISTS[name]
    if make is None:
        assert _changelist_queries(admin_client, url) < 20
        return
    make(2)
    with_two = _changelist_queries(admin_client, url)
    make(8)
    with_ten = _changelist_queries(admin_client, url)
    assert with_ten == with_two


def test_the_admin_is_titled_in_chinese(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert "晋江市特种作业人员持证管理" in response.content.decode()


def test_certificate_list_shows_the_computed_status_and_filters_on_it(admin_client):
    expired = CertificateFactory(issued_on=datetime.date(2010, 1, 1))
    valid = CertificateFactory()
    url = reverse("admin:registry_certificate_changelist")

    page = admin_client.get(url).content.decode()
    assert "已过期" in page and "有效" in page

    response = admin_client.get(url, {"status": "expired"})
    shown = list(response.context["cl"].result_list)
    assert expired in shown and valid not in shown


def test_ledger_import_page_is_read_only_and_hides_the_file_bytes(admin_client):
    _make_ledger_imports(1)
    ledger_import = LedgerImport.objects.get()
    response = admin_client.get(reverse("admin:registry_ledgerimport_change", args=[ledger_import.pk]))
    assert response.status_code == 200
    assert "content" not in response.context["adminform"].form.fields
    assert "文件内容" not in response.content.decode()
    assert admin_client.get(reverse("admin:registry_ledgerimport_add")).status_code == 403


def test_campaign_page_edits_its_phases_inline(admin_client):
    notice = Campaign.objects.order_by("pk").first()
    response = admin_client.get(reverse("admin:campaigns_campaign_change", args=[notice.pk]))
    assert response.status_code == 200
    assert "检查摸底" in response.content.decode()


# archiving


@pytest.mark.parametrize(
    ("name", "factory", "model"),
    [("registry_unit", UnitFactory, Unit), ("registry_worker", WorkerFactory, Worker)],
)
def test_archive_action_archives_the_selected_rows_and_keeps_them(admin_client, name, factory, model):
    chosen, other = factory(), factory()
    response = admin_client.post(
        reverse(f"admin:{name}_changelist"),
        {"action": "archive_selected", "_selected_action": [chosen.pk]},
        follow=True,
    )
    assert response.status_code == 200
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.is_active is False
    assert other.is_active is True
    assert model.objects.filter(pk=chosen.pk).exists()
    assert chosen.history.first().is_active is False


@pytest.mark.parametrize(
    ("name", "factory", "model"),
    [("registry_unit", UnitFactory, Unit), ("registry_worker", WorkerFactory, Worker)],
)
def test_units_and_workers_cannot_be_deleted_from_the_admin(admin_client, name, factory, model):
    obj = factory()
    changelist = reverse(f"admin:{name}_changelist")
    actions = dict(admin_client.get(changelist).context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert actions["archive_selected"] == "归档所选"

    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert admin_client.get(reverse(f"admin:{name}_delete", args=[obj.pk])).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


# import and export


def _round_trip(resource_class, file_format, edit=None):
    """Export everything, let `edit` change the dataset, import it back for real."""
    # the admin exports XLSX with native dates and numbers, CSV as text
    dataset = resource_class().export(force_native_type=file_format is XLSX)
    if edit:
        edit(dataset)
    fmt = file_format(encoding="utf-8-sig") if file_format is CSV else file_format()
    payload = fmt.export_data(dataset)
    if isinstance(payload, str):
        payload = payload.encode("utf-8-sig")
    reread = fmt.create_dataset(payload if fmt.is_binary() else payload.decode("utf-8-sig"))
    result = resource_class().import_data(reread, dry_run=False, raise_errors=False)
    errors = [error.error for _, row_errors in result.row_errors() for error in row_errors]
    invalid = [row.error_dict for row in result.invalid_rows]
    assert not errors and not invalid, (errors, invalid)
    return result


def _row_of(dataset, column, value):
    return dataset.headers and [str(v) for v in dataset[column]].index(str(value))


def _set(dataset, row, column, value):
    values = list(dataset[row])
    values[dataset.headers.index(column)] = value
    dataset[row] = values


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_units_round_trip_updates_in_place(db, file_format):
    units = UnitFactory.create_batch(3)
    UnitFactory(credit_code="", name="晋江市无代码五金厂")

    result = _round_trip(UnitResource, file_format, lambda d: _set(d, _row_of(d, "单位名称", units[0].name), "联系人", "王五"))

    assert Unit.objects.count() == 4
    assert result.totals["new"] == 0 and result.totals["update"] == 1
    assert Unit.objects.get(pk=units[0].pk).contact_person == "王五"


def test_unit_import_matches_on_normalised_credit_code_and_fills_a_missing_code(db):
    unit = UnitFactory(credit_code=make_credit_code(77))
    nameless_code = UnitFactory(credit_code="", name="晋江市磁灶陶瓷厂", town=town("磁灶"))
    code = make_credit_code(88)
    dataset = UnitResource().export(queryset=Unit.objects.none())
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in unit.credit_code.lower())
    dataset.append([unit.name, f" {full_width} ", "青阳", "", "", "", "", "是"])
    dataset.append(["晋江市磁灶陶瓷厂", code, "磁灶镇", "", "", "", "", ""])

    result = UnitResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert Unit.objects.count() == 2
    nameless_code.refresh_from_db()
    assert nameless_code.credit_code == code


def test_unit_import_reports_a_bad_credit_code_and_an_unknown_town_and_saves_nothing(db):
    dataset = UnitResource().export(queryset=Unit.objects.none())
    dataset.append(["晋江市测试一厂", "91350582MA00000000", "青阳", "", "", "", "", ""])
    dataset.append(["晋江市测试二厂", "", "不存在镇", "", "", "", "", ""])

    result = UnitResource().import_data(dataset, dry_run=False)

    assert len(result.invalid_rows) == 2
    assert "校验位" in str(result.invalid_rows[0].error_dict)
    assert "不是晋江市的镇（街道）" in str(result.invalid_rows[1].error_dict)
    assert not Unit.objects.exists()


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_workers_round_trip_updates_in_place(db, file_format):
    workers = WorkerFactory.create_batch(3)
    no_id = WorkerFactory(id_number="", name="李娜", unit=workers[0].unit)

    def edit(dataset):
        _set(dataset, _row_of(dataset, "身份证号码", workers[1].id_number), "手机号码", "+86 139-0000-1111")
        _set(dataset, _row_of(dataset, "姓名", "李娜"), "在册", "否")

    result = _round_trip(WorkerResource, file_format, edit)

    assert Worker.objects.count() == 4
    assert result.totals["new"] == 0 and result.totals["update"] == 2
    workers[1].refresh_from_db()
    assert workers[1].mobile == "13900001111"
    no_id.refresh_from_db()
    assert no_id.is_active is False


def test_worker_import_finds_the_unit_by_credit_code_and_normalises_values(db):
    unit = UnitFactory()
    existing = WorkerFactory(unit=unit, id_number=make_id_number(5))
    spaced_full_width_id = " ".join(chr(ord(c) + 0xFEE0) for c in existing.id_number)
    dataset = WorkerResource().export(queryset=Worker.objects.none())
    dataset.append([" 王 小 明 ", spaced_full_width_id, "138 0013 8000", "", unit.credit_code, "", ""])

    result = WorkerResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    existing.refresh_from_db()
    assert Worker.objects.count() == 1
    assert existing.name == "王小明"
    assert existing.mobile == "13800138000"


def test_worker_import_rejects_an_invalid_id_number(db):
    unit = UnitFactory()
    dataset = WorkerResource().export(queryset=Worker.objects.none())
    dataset.append(["张三", "350582198503010010", "", unit.name, "", "青阳", ""])

    result = WorkerResource().import_data(dataset, dry_run=False)

    assert result.has_validation_errors()
    assert "身份证号码" in str(result.invalid_rows[0].error_dict)
    assert not Worker.objects.exists()


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_certificates_round_trip_updates_in_place(db, file_format):
    certificates = CertificateFactory.create_batch(3)
    CertificateFactory(category=category("se-8-y2"), number="")

    first, second = certificates[0], certificates[1]

    def edit(dataset):
        _set(dataset, _row_of(dataset, "证书编号", first.number), "发证机关", "泉州市应急管理局")
        _set(dataset, _row_of(dataset, "证书编号", second.number), "核验", "核验为真")

    result = _round_trip(CertificateResource, file_format, edit)

    assert Certificate.objects.count() == 4
    assert result.totals["new"] == 0 and result.totals["update"] == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.issuing_authority == "泉州市应急管理局"
    assert second.verification == Verification.GENUINE


def test_certificate_import_computes_missing_expiry_and_review_dates(db):
    worker = WorkerFactory()
    dataset = CertificateResource().export(queryset=Certificate.objects.none())
    row = dict.fromkeys(dataset.headers, "")
    row.update({"身份证号码": worker.id_number, "作业类别（项目）": "1.1", "证书编号": f"t{worker.id_number}",
                "初领日期": "2020年3月1日"})
    dataset.append([row[h] for h in dataset.headers])

    result = CertificateResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), [
        r.error_dict for r in result.invalid_rows
    ]
    certificate = Certificate.objects.get()
    assert certificate.category == category("op-1-1")
    assert certificate.number == f"T{worker.id_number}"
    assert certificate.valid_until == datetime.date(2026, 3, 1)
    assert certificate.next_review_on == datetime.date(2023, 3, 1)


# formulas


FORMULA_NAMES = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3+cmd", "@SUM(A1)"]


def test_a_formula_looking_unit_name_stays_text_in_a_csv_export(db):
    for name in FORMULA_NAMES:
        UnitFactory(name=name)
    text = CSV().export_data(UnitResource().export())
    for name in FORMULA_NAMES:
        assert f"'{name}" in text.replace('""', '"')


def test_a_formula_looking_unit_name_stays_text_in_an_xlsx_export(db):
    for name in FORMULA_NAMES:
        UnitFactory(name=name)
    book = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(UnitResource().export())))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert sorted(cell.value for cell in cells) == sorted(f"'{name}" for name in FORMULA_NAMES)


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_formula_looking_names_come_back_unchanged_after_a_round_trip(db, file_format):
    units = [UnitFactory(name=name) for name in FORMULA_NAMES]
    _round_trip(UnitResource, file_format)
    assert Unit.objects.count() == len(units)
    assert sorted(Unit.objects.values_list("name", flat=True)) == sorted(FORMULA_NAMES)


# the admin's own import and export pages


def _export_post_data(resource_class, format_index):
    data = {"format": format_index, "resource": 0}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    return data


def test_admin_exports_units_as_csv_with_a_bom_and_chinese_headers(admin_client):
    UnitFactory(name="=1+1")
    response = admin_client.post(reverse("admin:registry_unit_export"), _export_post_data(UnitResource, 0))
    assert response.status_code == 200
    body = response.content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("单位名称,统一社会信用代码,镇（街道）")
    assert "'=1+1" in text


def test_admin_exports_xlsx_with_formulas_as_text_and_dates_as_dates(admin_client):
    certificate = CertificateFactory(worker=WorkerFactory(unit=UnitFactory(name="=1+1")))
    unit_book = admin_client.post(reverse("admin:registry_unit_export"), _export_post_data(UnitResource, 1))
    cert_book = admin_client.post(
        reverse("admin:registry_certificate_export"), _export_post_data(CertificateResource, 1)
    )

    unit_cell = openpyxl.load_workbook(io.BytesIO(unit_book.content)).active["A2"]
    assert (unit_cell.value, unit_cell.data_type) == ("'=1+1", "s")
    sheet = openpyxl.load_workbook(io.BytesIO(cert_book.content)).active
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell.value for header, cell in zip(headers, sheet[2])}
    assert row["单位名称"] == "'=1+1"
    assert row["初领日期"].date() == certificate.issued_on
    assert row["状态"] == "有效"


def test_admin_import_previews_then_updates_without_duplicating(admin_client):
    unit = UnitFactory(contact_person="")
    dataset = UnitResource().export()
    _set(dataset, 0, "联系人", "赵六")
    upload = io.BytesIO(dataset.export("csv").encode("utf-8-sig"))
    upload.name = "units.csv"

    preview = admin_client.post(
        reverse("admin:registry_unit_import"), {"resource": 0, "format": 0, "import_file": upload}
    )
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    unit.refresh_from_db()
    assert unit.contact_person == ""

    done = admin_client.post(reverse("admin:registry_unit_process_import"), confirm.initial, follow=True)
    assert done.status_code == 200
    unit.refresh_from_db()
    assert unit.contact_person == "赵六"
    assert Unit.objects.count() == 1
    assert unit.history.first().history_user.username == "admin"


def test_admin_import_shows_row_errors_and_offers_no_confirmation(admin_client):
    dataset = UnitResource().export(queryset=Unit.objects.none())
    dataset.append(["晋江市测试一厂", "", "不存在镇", "", "", "", "", ""])
    upload = io.BytesIO(dataset.export("csv").encode("utf-8-sig"))
    upload.name = "units.csv"

    response = admin_client.post(
        reverse("admin:registry_unit_import"), {"resource": 0, "format": 0, "import_file": upload}
    )

    assert "不是晋江市的镇（街道）" in response.content.decode()
    assert "confirm_form" not in response.context
    assert not Unit.objects.exists()


def test_a_staff_clerk_sees_only_the_units_of_their_own_town(client, qingyang_clerk):
    qingyang_clerk.is_staff = True
    qingyang_clerk.save()
    qingyang_clerk.user_permissions.add(Permission.objects.get(codename="view_unit"))
    own = UnitFactory(town=town("青阳"))
    other = UnitFactory(town=town("安海"))
    client.force_login(qingyang_clerk)

    shown = list(client.get(reverse("admin:registry_unit_changelist")).context["cl"].result_list)

    assert shown == [own]
    assert client.get(reverse("admin:registry_unit_change", args=[other.pk])).status_code == 302
