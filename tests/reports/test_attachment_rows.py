"""The rows of a town's form come from its open training needs, in one streamed query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Town
from reports.attachments import attachment_rows, command_line_user, resolve_town
from tests.factories import TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

from .helpers import QINGYANG_FORM_1, QINGYANG_FORM_2


def rows(form, short_name="青阳", user=None):
    return [tuple(row) for row in attachment_rows(user or command_line_user(), town(short_name), form)]


def test_attachment_1_lists_open_special_operation_needs(qingyang_ledger, anhai_ledger):
    assert rows(1) == QINGYANG_FORM_1


def test_attachment_2_lists_open_special_equipment_needs(qingyang_ledger, anhai_ledger):
    assert rows(2) == QINGYANG_FORM_2


def test_closed_needs_and_archived_workers_and_units_stay_off_the_form(qingyang_ledger):
    names = {row[2] for row in rows(1)}
    assert names == {"张三", "王五", "李四"}


def test_a_worker_with_two_needs_has_two_rows(db):
    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")), name="赵七", mobile="13500000005")
    TrainingNeedFactory(worker=worker, category=category("op-1-2"))
    TrainingNeedFactory(worker=worker, category=category("op-2-1"))
    assert [row[3] for row in rows(1)] == ["电工（低压电工作业）", "焊工（熔化焊接与热切割作业）"]


def test_the_rows_take_a_constant_number_of_queries(qingyang_ledger):
    for serial in range(30):
        TrainingNeedFactory(worker=WorkerFactory(unit=UnitFactory(town=town("青阳"))), category=category("op-1-2"))
    qingyang, user = town("青阳"), command_line_user()
    with CaptureQueriesContext(connection) as queries:
        assert len(list(attachment_rows(user, qingyang, 1))) == 33
    assert len(queries) == 2


def test_a_town_is_resolved_by_name_short_name_or_code(db):
    user = command_line_user()
    assert resolve_town(user, 1, "青阳街道") == resolve_town(user, 1, "青阳") == resolve_town(user, 1, "350582001")


def test_a_clerk_cannot_resolve_another_town(anhai_clerk):
    assert resolve_town(anhai_clerk, 1, "安海") == town("安海")
    with pytest.raises(Town.DoesNotExist):
        resolve_town(anhai_clerk, 1, "青阳")


def test_a_clerk_cannot_read_another_towns_rows(qingyang_ledger, anhai_clerk):
    with pytest.raises(Town.DoesNotExist):
        rows(1, "青阳", user=anhai_clerk)


def test_a_bureau_cannot_resolve_a_town_for_the_other_scheme(emergency_bureau, market_bureau):
    assert resolve_town(emergency_bureau, 1, "青阳") == town("青阳")
    with pytest.raises(Town.DoesNotExist):
        resolve_town(emergency_bureau, 2, "青阳")
    with pytest.raises(Town.DoesNotExist):
        resolve_town(market_bureau, 1, "青阳")
