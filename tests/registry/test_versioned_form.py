"""Two people edit the same worker: the second save is refused, shows what changed, loses nothing."""

import pytest
from django import forms

from registry.forms.base import VersionedModelForm
from registry.models import Worker
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


class WorkerNameForm(VersionedModelForm):
    class Meta:
        model = Worker
        fields = ["name", "mobile"]


def opened(worker):
    """What the browser posts back: the fields plus the version the form was opened with."""
    form = WorkerNameForm(instance=worker)
    return {"name": worker.name, "mobile": worker.mobile, "version": form.initial["version"]}


def test_an_edit_saves_and_moves_the_version_on():
    worker = WorkerFactory(name="李娜", mobile="13850123459")
    data = opened(worker) | {"mobile": "13950123459"}
    form = WorkerNameForm(data, instance=worker)
    assert form.is_valid()
    assert form.save_or_refuse() is not None
    worker.refresh_from_db()
    assert worker.mobile == "13950123459" and worker.version == 2


def test_the_second_save_is_refused_with_what_the_first_changed():
    worker = WorkerFactory(name="李娜", mobile="13850123459")
    first = opened(Worker.objects.get(pk=worker.pk))
    second = opened(Worker.objects.get(pk=worker.pk))

    form = WorkerNameForm(first | {"mobile": "13950123459"}, instance=Worker.objects.get(pk=worker.pk))
    assert form.is_valid() and form.save_or_refuse()

    late = WorkerNameForm(second | {"name": "李丽娜"}, instance=Worker.objects.get(pk=worker.pk))
    assert late.is_valid()
    assert late.save_or_refuse() is None
    message = " ".join(late.non_field_errors())
    assert "其他人已修改" in message
    assert "13850123459" in message and "13950123459" in message
    # nothing is lost: what the second person typed is still in the form, the first edit is in the row
    assert late["name"].value() == "李丽娜"
    worker.refresh_from_db()
    assert worker.name == "李娜" and worker.mobile == "13950123459"


def test_saving_again_after_reading_the_conflict_goes_through():
    worker = WorkerFactory(name="李娜", mobile="13850123459")
    stale = opened(Worker.objects.get(pk=worker.pk))
    first = WorkerNameForm(opened(Worker.objects.get(pk=worker.pk)) | {"mobile": "13950123459"}, instance=Worker.objects.get(pk=worker.pk))
    assert first.is_valid() and first.save_or_refuse()
    late = WorkerNameForm(stale | {"name": "李丽娜"}, instance=Worker.objects.get(pk=worker.pk))
    assert late.is_valid() and late.save_or_refuse() is None
    retry = WorkerNameForm(late.data, instance=Worker.objects.get(pk=worker.pk))
    assert retry.is_valid() and retry.save_or_refuse() is not None
    worker.refresh_from_db()
    assert worker.name == "李丽娜"


def test_the_version_field_is_hidden():
    assert isinstance(WorkerNameForm().fields["version"].widget, forms.HiddenInput)
