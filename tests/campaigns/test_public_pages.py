"""一公开: the public pages need no sign-in and show nothing personal about workers."""

import datetime
import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.choices import FindingResult, MeasureKind
from campaigns.enforcement_services import make_random_draw, record_findings
from campaigns.models import ExposureEntry, Measure
from registry.models import Unit, Worker
from tests.campaigns.test_enforcement_helpers import make_inspection, make_inspector, queries_for, status_for
from tests.factories import CertificateFactory, UnitFactory, WorkerFactory, category, town

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ID_NUMBER = re.compile(r"\d{17}[\dX]")
MOBILE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def published(anonymous):
    """A published draw whose units were inspected, with violations on the exposure list, and
    an unpublished draw and entry that must not show."""
    units = [UnitFactory(town=town(name)) for name in ("青阳", "安海", "磁灶", "青阳")]
    for unit in units:
        for _ in range(2):
            CertificateFactory(worker=WorkerFactory(unit=unit))
        WorkerFactory(unit=unit)
    make_inspector("执法甲")
    make_inspector("执法乙")
    draw = make_random_draw(seed=20190901, unit_count=3, inspector_count=2).random_draw
    draw.published_at = timezone.now()
    draw.save()
    hidden = make_random_draw(seed=5, unit_count=1).random_draw
    entries = []
    for row in draw.result["units"]:
        unit = Unit.objects.get(pk=row["id"])
        inspection = make_inspection(unit, random_draw=draw)
        record_findings(inspection, [
            {"worker": worker, "result": FindingResult.NO_CERTIFICATE, "category": category("op-1-2"), "certificate": None}
            for worker in unit.workers.all()])
        Measure.objects.create(inspection=inspection, kind=MeasureKind.FINE, fine_amount=10000)
        entries.append(ExposureEntry.objects.create(
            inspection=inspection, violation="无证上岗 3 人", measure="罚款 10000 元", published_on=TODAY, medium="晋江电视台"))
    withdrawn = ExposureEntry.objects.create(inspection=inspection, violation="撤回的条目", measure="—", published_on=TODAY,
                                             is_published=False)
    scheduled = ExposureEntry.objects.create(inspection=inspection, violation="明天公开的条目", measure="—",
                                             published_on=TODAY + datetime.timedelta(days=1))
    return {"draw": draw, "hidden": hidden, "entries": entries, "withdrawn": withdrawn, "scheduled": scheduled}


def public_urls(published):
    return [
        reverse("campaigns:public_draw_list"),
        reverse("campaigns:public_draw_detail", args=[published["draw"].pk]),
        reverse("campaigns:public_exposure_list"),
    ]


def test_public_pages_need_no_sign_in(client, published):
    for url in public_urls(published):
        assert client.get(url).status_code == 200, url
    response = client.get(reverse("campaigns:public_exposure_xlsx"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_public_draw_shows_units_towns_date_and_inspectors(client, published):
    draw = published["draw"]
    content = client.get(reverse("campaigns:public_draw_detail", args=[draw.pk])).content.decode()
    for unit in draw.result["units"]:
        assert unit["name"] in content and unit["town"] in content
    assert "执法甲" in content and "执法乙" in content
    assert timezone.localtime(draw.drawn_at).strftime("%Y-%m-%d") in content
    assert "结果一致" in content


def test_unpublished_draws_and_entries_stay_private(client, published):
    assert client.get(reverse("campaigns:public_draw_detail", args=[published["hidden"].pk])).status_code == 404
    listed = client.get(reverse("campaigns:public_draw_list")).context["page_obj"]
    assert [draw.pk for draw in listed] == [published["draw"].pk]
    content = client.get(reverse("campaigns:public_exposure_list")).content.decode()
    assert "撤回的条目" not in content and "明天公开的条目" not in content
    assert content.count("晋江电视台") == 3


def worker_texts():
    """Everything personal the registry holds about workers."""
    names, numbers = set(), set()
    for name, id_number, mobile in Worker.objects.values_list("name", "id_number", "mobile"):
        names.add(name)
        numbers.update(value for value in (id_number, mobile) if value)
    return names, numbers


def assert_nothing_personal(text, where):
    names, numbers = worker_texts()
    assert names and numbers
    assert not ID_NUMBER.search(text), where
    assert not MOBILE.search(text), where
    for value in names | numbers:
        assert value not in text, f"{value} in {where}"


def test_no_public_page_or_the_xlsx_shows_a_workers_name_id_number_or_mobile(client, published, safety_office):
    for url in public_urls(published):
        assert_nothing_personal(client.get(url).content.decode(), url)
        client.force_login(safety_office)  # signed in or not, the public pages are the same
        assert_nothing_personal(client.get(url).content.decode(), url)
        client.logout()
    workbook = load_workbook(BytesIO(client.get(reverse("campaigns:public_exposure_xlsx")).content))
    cells = [str(cell.value) for row in workbook.active.iter_rows() for cell in row if cell.value is not None]
    assert_nothing_personal("\n".join(cells), "exposure.xlsx")


def test_the_xlsx_lists_the_published_entries_as_plain_values(client, published):
    entry = published["entries"][0]
    entry.violation = "=HYPERLINK(\"http://x\",\"点我\")"
    entry.save()
    workbook = load_workbook(BytesIO(client.get(reverse("campaigns:public_exposure_xlsx")).content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[2]] == ["序号", "单位名称", "镇（街道）", "违法行为", "处理结果", "检查日期", "曝光日期", "曝光媒体"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3 and [row[0] for row in rows] == [1, 2, 3]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert entry.violation in [row[3] for row in rows]
    assert {row[7] for row in rows} == {"晋江电视台"}


def test_the_public_lists_filter_by_town_and_run_a_fixed_number_of_queries(client, published):
    entries = published["entries"]
    town_of_first = entries[0].inspection.unit.town
    response = client.get(reverse("campaigns:public_exposure_list"), {"town": town_of_first.pk})
    assert all(e.inspection.unit.town == town_of_first for e in response.context["page_obj"])
    counts = [queries_for(client, url) for url in public_urls(published)]
    for seed in range(3):
        draw = make_random_draw(seed=seed, unit_count=2).random_draw
        draw.published_at = timezone.now()
        draw.save()
        ExposureEntry.objects.create(inspection=entries[0].inspection, violation="无证上岗", measure="罚款", published_on=TODAY)
    assert [queries_for(client, url) for url in public_urls(published)] == counts


@pytest.mark.parametrize("role", ["qingyang_clerk", "anhai_clerk", "safety_office", "emergency_bureau", "market_bureau",
                                  "department_user", "anonymous"])
def test_every_role_reads_the_same_public_pages(client, personas, published, role):
    for url in [*public_urls(published), reverse("campaigns:public_exposure_xlsx")]:
        assert status_for(client, personas[role], "get", url) == 200, url
